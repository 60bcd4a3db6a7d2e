// What an SLA badge says about a ticket's clocks, as of `now`.
import { formatDuration } from './format';

/** The fields of `Ticket.sla` a badge reads. */
export interface SlaClockFields {
  responseDueAt?: string | null;
  resolutionDueAt?: string | null;
  responseBreached: boolean;
  resolutionBreached: boolean;
  responseAtRiskAt?: string | null;
  resolutionAtRiskAt?: string | null;
  paused: boolean;
}

export type SlaTone = 'ok' | 'at-risk' | 'breached' | 'paused';

export interface SlaView {
  tone: SlaTone;
  /** "Response due in 42m 05s", "Resolution overdue by 2h 5m", "Paused". */
  label: string;
  /** Shorter, for the queue: "42m 05s", "−2h 5m", "Paused". */
  short: string;
  /** The instant the countdown runs to, if any. */
  dueAt: string | null;
}

interface Clock {
  name: 'Response' | 'Resolution';
  dueAt: string;
  breached: boolean;
  atRiskAt: string | null;
}

/**
 * The clock that matters now is the one due first (response before resolution, usually). A
 * ticket whose clocks have stopped (met, or resolved) shows no badge; one that was breached and
 * then stopped still says so.
 */
export function slaView(sla: SlaClockFields, now: number): SlaView | null {
  if (sla.paused) return { tone: 'paused', label: 'SLA paused while waiting', short: 'Paused', dueAt: null };
  const clocks: Clock[] = [];
  if (sla.responseDueAt) {
    clocks.push({ name: 'Response', dueAt: sla.responseDueAt, breached: sla.responseBreached, atRiskAt: sla.responseAtRiskAt ?? null });
  }
  if (sla.resolutionDueAt) {
    clocks.push({
      name: 'Resolution',
      dueAt: sla.resolutionDueAt,
      breached: sla.resolutionBreached,
      atRiskAt: sla.resolutionAtRiskAt ?? null,
    });
  }
  clocks.sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt));
  const clock = clocks[0];
  if (!clock) {
    return sla.responseBreached || sla.resolutionBreached
      ? { tone: 'breached', label: 'SLA breached', short: 'Breached', dueAt: null }
      : null;
  }
  const left = Date.parse(clock.dueAt) - now;
  if (clock.breached || left <= 0) {
    const by = formatDuration(left);
    return { tone: 'breached', label: `${clock.name} overdue by ${by}`, short: `−${by}`, dueAt: clock.dueAt };
  }
  const atRisk = clock.atRiskAt !== null && Date.parse(clock.atRiskAt) <= now;
  const inTime = formatDuration(left);
  return { tone: atRisk ? 'at-risk' : 'ok', label: `${clock.name} due in ${inTime}`, short: inTime, dueAt: clock.dueAt };
}
