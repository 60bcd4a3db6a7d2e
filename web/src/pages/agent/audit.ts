// The audit trail in words: "Ada changed status from Open to Pending".
import { globalId } from '../../lib/ids';
import { priorityLabel, statusLabel } from '../../lib/labels';
import type { Priority, TicketStatus } from '../../gql/graphql';

export interface AuditEventLike {
  action: string;
  changes: unknown;
}

/** Names for the ids the trail records (raw uuids), from the people and categories the page knows. */
export interface Names {
  person: (globalId: string) => string | undefined;
  category: (globalId: string) => string | undefined;
}

type Change = { from: unknown; to: unknown };

function isChange(v: unknown): v is Change {
  return typeof v === 'object' && v !== null && 'from' in v && 'to' in v;
}

function status(v: unknown): string {
  const key = String(v).toUpperCase() as TicketStatus;
  return statusLabel[key] ?? String(v);
}

function priority(v: unknown): string {
  const key = String(v) as Priority;
  return priorityLabel[key] ?? String(v);
}

function person(v: unknown, names: Names): string {
  return typeof v === 'string' ? (names.person(globalId('User', v)) ?? 'a former member') : 'nobody';
}

function category(v: unknown, names: Names): string {
  return typeof v === 'string' ? (names.category(globalId('Category', v)) ?? 'a removed category') : 'none';
}

function list(v: unknown): string {
  return Array.isArray(v) && v.length > 0 ? v.join(', ') : 'none';
}

function text(v: unknown): string | null {
  return typeof v === 'string' && v.trim() ? v.trim() : null;
}

/**
 * Events told as a sentence of their own, not as something a person did: the system's warnings.
 * Null for every other event.
 */
export function describeNotice(event: AuditEventLike): string | null {
  if (event.action !== 'ticket.unverified_staff_mail') return null;
  const changes = (typeof event.changes === 'object' && event.changes !== null ? event.changes : {}) as Record<string, unknown>;
  const results = (['spf', 'dkim', 'dmarc'] as const)
    .map((check) => (text(changes[check]) ? `${check.toUpperCase()} ${text(changes[check])}` : null))
    .filter((r): r is string => r !== null);
  const from = text(changes.from) ?? 'an unknown sender';
  return (
    `Mail from ${from} (a staff address) was not authenticated by its domain, so it was treated as a requester’s` +
    (results.length ? ` (${results.join(', ')}).` : '.')
  );
}

/** One sentence per thing that happened, without the actor ("changed status from Open to Pending"). */
export function describeEvent(event: AuditEventLike, names: Names): string[] {
  const changes = (typeof event.changes === 'object' && event.changes !== null ? event.changes : {}) as Record<string, unknown>;
  const out: string[] = [];
  switch (event.action) {
    case 'ticket.created':
      out.push('created the ticket');
      break;
    case 'ticket.reply_added':
      out.push(changes.staff === false ? 'replied' : 'replied to the requester');
      break;
    case 'ticket.note_added':
      out.push('added an internal note');
      break;
    case 'ticket.updated':
      break;
    default:
      out.push(event.action.replace(/^[a-z]+\./, '').replace(/_/g, ' '));
  }
  if (event.action === 'ticket.created') return out;
  if (changes.reopened === true) out.push('reopened the ticket');
  const s = changes.status;
  if (isChange(s)) out.push(`changed status from ${status(s.from)} to ${status(s.to)}`);
  const p = changes.priority;
  if (isChange(p)) out.push(`changed priority from ${priority(p.from)} to ${priority(p.to)}`);
  const a = changes.assignee;
  if (isChange(a)) {
    if (a.to === null) out.push(`unassigned ${person(a.from, names)}`);
    else if (a.from === null) out.push(`assigned it to ${person(a.to, names)}`);
    else out.push(`reassigned it from ${person(a.from, names)} to ${person(a.to, names)}`);
  }
  const c = changes.category;
  if (isChange(c)) out.push(c.to === null ? 'cleared the category' : `set the category to ${category(c.to, names)}`);
  const t = changes.tags;
  if (isChange(t)) out.push(`changed the tags to ${list(t.to)}`);
  return out;
}
