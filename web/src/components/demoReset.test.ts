import { describe, expect, it } from 'vitest';
import { describeReset, timeUntil } from './demoReset';

describe('the demo reset phrase', () => {
  const now = new Date('2026-11-22T10:00:00Z');

  it('counts hours, then minutes, then says it is imminent', () => {
    expect(timeUntil(new Date('2026-11-23T03:00:00Z'), now)).toBe('in 17 hours');
    expect(timeUntil(new Date('2026-11-22T11:00:00Z'), now)).toBe('in 1 hour');
    expect(timeUntil(new Date('2026-11-22T10:45:00Z'), now)).toBe('in 45 minutes');
    expect(timeUntil(new Date('2026-11-22T10:01:00Z'), now)).toBe('in 1 minute');
    expect(timeUntil(new Date('2026-11-22T09:59:00Z'), now)).toBe('in a moment');
  });

  it('adds the local clock time', () => {
    expect(describeReset(new Date('2026-11-23T03:00:00Z'), now, 'en-GB', 'UTC')).toBe('in 17 hours (03:00)');
    expect(describeReset(new Date('2026-11-23T03:00:00Z'), now, 'en-GB', 'Europe/Berlin')).toBe('in 17 hours (04:00)');
  });
});
