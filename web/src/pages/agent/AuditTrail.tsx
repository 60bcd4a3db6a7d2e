import { formatDateTime, formatRelative } from '../../lib/format';
import { EmptyState } from '../../ui/Feedback';
import { ListIcon } from '../../ui/icons';
import { describeEvent, describeNotice, type Names } from './audit';

interface Event {
  id: string;
  action: string;
  changes: unknown;
  createdAt: string;
  actor?: { id: string; name?: string | null } | null;
}

/** Every change to the ticket, who made it and when, newest last. */
export function AuditTrail({ events, names }: { events: Event[]; names: Names }) {
  if (events.length === 0) {
    return <EmptyState icon={<ListIcon size={20} />} title="No history yet" />;
  }
  return (
    <ol className="audit">
      {events.map((e) => {
        const notice = describeNotice(e);
        return (
          <li key={e.id} className={`audit__item${notice ? ' audit__item--warning' : ''}`}>
            <span className="audit__dot" aria-hidden="true" />
            <div>
              {notice ?? (
                <>
                  <strong>{e.actor ? (e.actor.name ?? 'A former member') : 'Ferrodesk'}</strong> {describeEvent(e, names).join(', ')}
                </>
              )}
              <div className="muted small">
                <time dateTime={e.createdAt} title={formatDateTime(e.createdAt)}>
                  {formatRelative(e.createdAt)}
                </time>
              </div>
            </div>
          </li>
        );
      })}
    </ol>
  );
}
