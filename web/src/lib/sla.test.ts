import { describe, expect, it } from 'vitest';
import { slaView, type SlaClockFields } from './sla';

const now = Date.parse('2026-11-22T12:00:00Z');
const base: SlaClockFields = { responseBreached: false, resolutionBreached: false, paused: false };

describe('SLA badge', () => {
  it('counts down to the clock due first', () => {
    const view = slaView(
      { ...base, responseDueAt: '2026-11-22T12:42:05Z', resolutionDueAt: '2026-11-23T12:00:00Z', responseAtRiskAt: '2026-11-22T12:30:00Z' },
      now,
    );
    expect(view).toEqual({ tone: 'ok', label: 'Response due in 42m 05s', short: '42m 05s', dueAt: '2026-11-22T12:42:05Z' });
  });

  it('turns amber past 80% and red once due or breached', () => {
    expect(slaView({ ...base, resolutionDueAt: '2026-11-22T13:00:00Z', resolutionAtRiskAt: '2026-11-22T11:48:00Z' }, now)?.tone).toBe('at-risk');
    const overdue = slaView({ ...base, resolutionDueAt: '2026-11-22T09:55:00Z' }, now);
    expect(overdue).toMatchObject({ tone: 'breached', label: 'Resolution overdue by 2h 5m', short: '−2h 5m' });
  });

  it('says paused while waiting, and nothing once the clocks have stopped in time', () => {
    expect(slaView({ ...base, paused: true, resolutionDueAt: null }, now)?.short).toBe('Paused');
    expect(slaView(base, now)).toBeNull();
    expect(slaView({ ...base, resolutionBreached: true }, now)?.tone).toBe('breached');
  });
});
