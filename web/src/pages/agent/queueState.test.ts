import { describe, expect, it } from 'vitest';
import { parseQueueParams, queueQuery, refinementCount, toSearchParams } from './queueState';
import { viewById } from './views';

const NOW = Date.parse('2026-11-22T10:00:00Z');

describe('queue state in the URL', () => {
  it('round-trips filters, search and order', () => {
    const search = new URLSearchParams('view=all&status=open,pending&priority=p1&kind=incident&tag=vpn&q=printer&sort=sla&dir=asc');
    const params = parseQueueParams(search);
    expect(params).toMatchObject({
      view: 'all',
      status: ['OPEN', 'PENDING'],
      priority: ['P1'],
      kind: 'INCIDENT',
      tag: 'vpn',
      q: 'printer',
      sort: 'SLA_DUE',
      dir: 'ASC',
    });
    expect(parseQueueParams(toSearchParams(params))).toEqual(params);
    expect(refinementCount(params)).toBe(4);
  });

  it('ignores values it does not know and falls back to the first view', () => {
    const params = parseQueueParams(new URLSearchParams('view=nope&status=open,bogus&kind=x&sort=random'));
    expect(params.view).toBe('mine');
    expect(params.status).toEqual(['OPEN']);
    expect(params.kind).toBeNull();
    expect(params.sort).toBeNull();
  });

  it('starts from the view and lets the filter bar refine it', () => {
    const mine = queueQuery(parseQueueParams(new URLSearchParams('view=mine')), viewById('mine'), 'me', NOW);
    expect(mine.filter).toEqual({ assigneeId: 'me', status: ['NEW', 'OPEN', 'PENDING'] });
    expect(mine.orderBy).toEqual({ field: 'SLA_DUE', direction: 'ASC' });

    const unassigned = parseQueueParams(new URLSearchParams('view=mine&assignee=none&status=pending&sort=created'));
    const q = queueQuery(unassigned, viewById('mine'), 'me', NOW);
    expect(q.filter).toEqual({ unassigned: true, status: ['PENDING'] });
    expect(q.orderBy).toEqual({ field: 'CREATED', direction: 'ASC' });
  });

  it('looks four hours ahead for tickets breaching soon', () => {
    const q = queueQuery(parseQueueParams(new URLSearchParams('view=breaching')), viewById('breaching'), 'me', NOW);
    expect(q.filter.slaDueBefore).toBe('2026-11-22T14:00:00.000Z');
    expect(q.filter.slaBreached).toBe(false);
  });
});
