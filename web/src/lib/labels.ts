// How the API's enums read in the app, and the colour each one wears.
import type {
  Impact,
  MemberRole,
  Priority,
  TicketKind,
  TicketStatus,
  Urgency,
} from '../gql/graphql';
import type { Tone } from '../ui/Feedback';

export const STATUSES: readonly TicketStatus[] = ['NEW', 'OPEN', 'PENDING', 'RESOLVED', 'CLOSED'];
export const ACTIVE_STATUSES: readonly TicketStatus[] = ['NEW', 'OPEN', 'PENDING'];
export const PRIORITIES: readonly Priority[] = ['P1', 'P2', 'P3', 'P4'];
export const KINDS: readonly TicketKind[] = ['INCIDENT', 'SERVICE_REQUEST'];
export const LEVELS: readonly (Impact & Urgency)[] = ['HIGH', 'MEDIUM', 'LOW'];

export const statusLabel: Record<TicketStatus, string> = {
  NEW: 'New',
  OPEN: 'Open',
  PENDING: 'Pending',
  RESOLVED: 'Resolved',
  CLOSED: 'Closed',
};

export const statusTone: Record<TicketStatus, Tone> = {
  NEW: 'info',
  OPEN: 'accent',
  PENDING: 'warning',
  RESOLVED: 'success',
  CLOSED: 'neutral',
};

/** What a status means to the person who asked for help. */
export const statusForRequester: Record<TicketStatus, string> = {
  NEW: 'Received',
  OPEN: 'In progress',
  PENDING: 'Waiting for you',
  RESOLVED: 'Resolved',
  CLOSED: 'Closed',
};

export const priorityLabel: Record<Priority, string> = {
  P1: 'P1 · Critical',
  P2: 'P2 · High',
  P3: 'P3 · Medium',
  P4: 'P4 · Low',
};

export const priorityTone: Record<Priority, Tone> = {
  P1: 'danger',
  P2: 'warning',
  P3: 'neutral',
  P4: 'neutral',
};

export const kindLabel: Record<TicketKind, string> = {
  INCIDENT: 'Incident',
  SERVICE_REQUEST: 'Service request',
};

export const roleLabel: Record<MemberRole, string> = {
  OWNER: 'Owner',
  ADMIN: 'Admin',
  AGENT: 'Agent',
  STAKEHOLDER: 'Stakeholder',
  REQUESTER: 'Requester',
};

export const roleDescription: Record<Exclude<MemberRole, 'OWNER'>, string> = {
  ADMIN: 'Works tickets and manages members and settings',
  AGENT: 'Works tickets in the queue',
  STAKEHOLDER: 'Sees the overview and reports, read-only',
  REQUESTER: 'Asks for help through the portal',
};

export const levelLabel: Record<Impact & Urgency, string> = {
  HIGH: 'High',
  MEDIUM: 'Medium',
  LOW: 'Low',
};
