// The queue's saved views: a starting filter and order that the filter bar refines.
import type { OrderDirection, TicketFilter, TicketOrderField } from '../../gql/graphql';
import { ACTIVE_STATUSES } from '../../lib/labels';

export type ViewId = 'mine' | 'unassigned' | 'breaching' | 'all';

export interface QueueView {
  id: ViewId;
  name: string;
  description: string;
  filter: (viewerId: string, now: number) => TicketFilter;
  order: { field: TicketOrderField; direction: OrderDirection };
}

/** How far ahead "Breaching soon" looks. */
const BREACHING_WINDOW_MS = 4 * 60 * 60 * 1000;

export const VIEWS: readonly QueueView[] = [
  {
    id: 'mine',
    name: 'My open tickets',
    description: 'Assigned to you and not yet resolved',
    filter: (viewerId) => ({ assigneeId: viewerId, status: [...ACTIVE_STATUSES] }),
    order: { field: 'SLA_DUE', direction: 'ASC' },
  },
  {
    id: 'unassigned',
    name: 'Unassigned',
    description: 'Waiting for someone to pick them up',
    filter: () => ({ unassigned: true, status: [...ACTIVE_STATUSES] }),
    order: { field: 'PRIORITY', direction: 'ASC' },
  },
  {
    id: 'breaching',
    name: 'Breaching soon',
    description: 'Resolution due within 4 hours, not yet breached',
    filter: (_viewerId, now) => ({
      status: [...ACTIVE_STATUSES],
      slaBreached: false,
      slaDueBefore: new Date(now + BREACHING_WINDOW_MS).toISOString(),
    }),
    order: { field: 'SLA_DUE', direction: 'ASC' },
  },
  {
    id: 'all',
    name: 'All tickets',
    description: 'Every ticket in the organisation',
    filter: () => ({}),
    order: { field: 'CREATED', direction: 'DESC' },
  },
];

export function viewById(id: string | null): QueueView {
  return VIEWS.find((v) => v.id === id) ?? (VIEWS[0] as QueueView);
}
