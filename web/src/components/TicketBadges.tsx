import type { Priority, TicketKind, TicketStatus } from '../gql/graphql';
import { kindLabel, priorityLabel, priorityTone, statusForRequester, statusLabel, statusTone } from '../lib/labels';
import { Badge } from '../ui/Feedback';

export function StatusBadge({ status, forRequester = false }: { status: TicketStatus; forRequester?: boolean }) {
  return <Badge tone={statusTone[status]}>{forRequester ? statusForRequester[status] : statusLabel[status]}</Badge>;
}

export function PriorityBadge({ priority, compact = false }: { priority: Priority; compact?: boolean }) {
  return (
    <Badge tone={priorityTone[priority]} title={priorityLabel[priority]}>
      <span className={`priority-dot priority-dot--${priority.toLowerCase()}`} aria-hidden="true" />
      {compact ? priority : priorityLabel[priority]}
    </Badge>
  );
}

export function KindBadge({ kind }: { kind: TicketKind }) {
  return <Badge tone={kind === 'INCIDENT' ? 'danger' : 'violet'}>{kindLabel[kind]}</Badge>;
}
