import { describe, expect, it } from 'vitest';
import { commandFor, followRows, initialCursor, reduceQueue, type KeyInput } from './queueKeys';

const key = (k: string, extra: Partial<KeyInput> = {}): KeyInput => ({
  key: k,
  metaKey: false,
  ctrlKey: false,
  altKey: false,
  editable: false,
  ...extra,
});

const rows = ['t1', 't2', 't3'];

describe('queue keyboard', () => {
  it('maps the documented keys, and none while typing or with modifiers', () => {
    expect(commandFor(key('j'))).toEqual({ type: 'move', by: 1 });
    expect(commandFor(key('ArrowUp'))).toEqual({ type: 'move', by: -1 });
    expect(commandFor(key('Enter'))).toEqual({ type: 'open' });
    expect(commandFor(key('r'))).toEqual({ type: 'reply' });
    expect(commandFor(key('n'))).toEqual({ type: 'note' });
    expect(commandFor(key('a'))).toEqual({ type: 'assign' });
    expect(commandFor(key('j', { editable: true }))).toBeNull();
    expect(commandFor(key('r', { metaKey: true }))).toBeNull();
    expect(commandFor(key('q'))).toBeNull();
  });

  it('moves within the list and stops at its ends', () => {
    let s = reduceQueue(initialCursor, { type: 'move', by: 1 }, rows);
    expect(s.index).toBe(0);
    s = reduceQueue(s, { type: 'move', by: -1 }, rows);
    expect(s.index).toBe(0);
    s = reduceQueue(reduceQueue(s, { type: 'last' }, rows), { type: 'move', by: 1 }, rows);
    expect(s.index).toBe(2);
    expect(reduceQueue(initialCursor, { type: 'move', by: -1 }, rows).index).toBe(2);
    expect(reduceQueue(initialCursor, { type: 'move', by: 1 }, []).index).toBe(-1);
  });

  it('selects and deselects the row under the cursor, and clears', () => {
    let s = reduceQueue({ index: 1, selected: [] }, { type: 'toggle' }, rows);
    expect(s.selected).toEqual(['t2']);
    s = reduceQueue({ ...s, index: 2 }, { type: 'toggle' }, rows);
    expect(s.selected).toEqual(['t2', 't3']);
    s = reduceQueue(s, { type: 'toggle' }, rows);
    expect(s.selected).toEqual(['t2']);
    expect(reduceQueue(s, { type: 'clear' }, rows).selected).toEqual([]);
    expect(reduceQueue(initialCursor, { type: 'toggle' }, rows)).toBe(initialCursor);
  });

  it('follows the same ticket when a live update reorders the list', () => {
    const s = followRows({ index: 1, selected: ['t3'] }, rows, ['t0', 't1', 't2']);
    expect(s.index).toBe(2);
    expect(s.selected).toEqual([]);
    expect(followRows({ index: 2, selected: [] }, rows, ['t1']).index).toBe(0);
  });
});
