// The queue's state lives in the URL (shareable, and Back works): a view, filters, search and
// order. These functions read it, write it, and turn it into the `tickets` query's arguments.
import type {
  OrderDirection,
  Priority,
  TicketFilter,
  TicketKind,
  TicketOrder,
  TicketOrderField,
  TicketStatus,
} from '../../gql/graphql';
import { KINDS, PRIORITIES, STATUSES } from '../../lib/labels';
import { viewById, type QueueView, type ViewId } from './views';

export interface QueueParams {
  view: ViewId;
  /** Empty: the view's own statuses. */
  status: TicketStatus[];
  priority: Priority[];
  kind: TicketKind | null;
  /** A member's id, or "none" for unassigned. */
  assignee: string | null;
  category: string | null;
  tag: string | null;
  q: string;
  /** Null: the view's own order. */
  sort: TicketOrderField | null;
  dir: OrderDirection | null;
}

const SORT_NAMES: Record<TicketOrderField, string> = {
  CREATED: 'created',
  UPDATED: 'updated',
  PRIORITY: 'priority',
  SLA_DUE: 'sla',
};

export const SORT_LABELS: Record<TicketOrderField, string> = {
  CREATED: 'Created',
  UPDATED: 'Last updated',
  PRIORITY: 'Priority',
  SLA_DUE: 'SLA due',
};

function list<T extends string>(raw: string | null, allowed: readonly T[]): T[] {
  if (!raw) return [];
  const wanted = raw.split(',').map((s) => s.trim().toUpperCase());
  return allowed.filter((a) => wanted.includes(a));
}

function one<T extends string>(raw: string | null, allowed: readonly T[]): T | null {
  const upper = raw?.trim().toUpperCase();
  return allowed.find((a) => a === upper) ?? null;
}

export function parseQueueParams(search: URLSearchParams): QueueParams {
  const sortName = search.get('sort');
  const sort = (Object.keys(SORT_NAMES) as TicketOrderField[]).find((k) => SORT_NAMES[k] === sortName) ?? null;
  return {
    view: viewById(search.get('view')).id,
    status: list(search.get('status'), STATUSES),
    priority: list(search.get('priority'), PRIORITIES),
    kind: one(search.get('kind'), KINDS),
    assignee: search.get('assignee') || null,
    category: search.get('category') || null,
    tag: search.get('tag')?.trim() || null,
    q: search.get('q') ?? '',
    sort,
    dir: one(search.get('dir'), ['ASC', 'DESC'] as const),
  };
}

/** Only what differs from the defaults, in a stable order. */
export function toSearchParams(p: QueueParams): URLSearchParams {
  const out = new URLSearchParams();
  out.set('view', p.view);
  if (p.status.length) out.set('status', p.status.join(',').toLowerCase());
  if (p.priority.length) out.set('priority', p.priority.join(',').toLowerCase());
  if (p.kind) out.set('kind', p.kind.toLowerCase());
  if (p.assignee) out.set('assignee', p.assignee);
  if (p.category) out.set('category', p.category);
  if (p.tag) out.set('tag', p.tag);
  if (p.q.trim()) out.set('q', p.q.trim());
  if (p.sort) out.set('sort', SORT_NAMES[p.sort]);
  if (p.dir) out.set('dir', p.dir.toLowerCase());
  return out;
}

/** The `tickets` arguments: the view's filter, refined by the filter bar. */
export function queueQuery(
  p: QueueParams,
  view: QueueView,
  viewerId: string,
  now: number,
): { filter: TicketFilter; orderBy: TicketOrder } {
  const filter: TicketFilter = { ...view.filter(viewerId, now) };
  if (p.status.length) filter.status = p.status;
  if (p.priority.length) filter.priority = p.priority;
  if (p.kind) filter.kind = p.kind;
  if (p.assignee === 'none') {
    filter.unassigned = true;
    delete filter.assigneeId;
  } else if (p.assignee) {
    filter.assigneeId = p.assignee;
    delete filter.unassigned;
  }
  if (p.category) filter.categoryId = p.category;
  if (p.tag) filter.tag = p.tag;
  if (p.q.trim()) filter.search = p.q.trim();
  return {
    filter,
    orderBy: { field: p.sort ?? view.order.field, direction: p.dir ?? view.order.direction },
  };
}

/** How many refinements the filter bar holds (search and order not counted). */
export function refinementCount(p: QueueParams): number {
  return [p.status.length > 0, p.priority.length > 0, p.kind, p.assignee, p.category, p.tag].filter(Boolean).length;
}

export function clearRefinements(p: QueueParams): QueueParams {
  return { ...p, status: [], priority: [], kind: null, assignee: null, category: null, tag: null, q: '' };
}
