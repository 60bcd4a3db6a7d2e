import { useState } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { graphql } from '../../gql';
import { formatRelative } from '../../lib/format';
import { Spinner } from '../../ui/Feedback';
import { BellIcon } from '../../ui/icons';
import { Popover, PopoverClose, PopoverContent, PopoverTrigger } from '../../ui/Overlay';

const NotificationsDocument = graphql(`
  query Notifications {
    unreadNotificationCount
    notifications(first: 15) {
      nodes {
        id
        kind
        title
        ticketNumber
        createdAt
        readAt
      }
    }
  }
`);

const MarkReadDocument = graphql(`
  mutation MarkNotificationsRead($ids: [ID!]!) {
    markNotificationsRead(ids: $ids)
  }
`);

/** SLA escalations and other notices for the signed-in person. */
export function Notifications() {
  const [open, setOpen] = useState(false);
  const [{ data, fetching }, refetch] = useQuery({ query: NotificationsDocument, requestPolicy: 'cache-and-network' });
  const [, markRead] = useMutation(MarkReadDocument);
  const unread = data?.unreadNotificationCount ?? 0;
  const count = unread > 99 ? '99+' : String(unread);
  const items = data?.notifications.nodes ?? [];

  return (
    <Popover
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (next) refetch({ requestPolicy: 'network-only' });
      }}
    >
      {/* The badge's text is part of the label, as assistive tech expects (axe: label-content-name-mismatch). */}
      <PopoverTrigger className="icon-button notifications__trigger" aria-label={`Notifications, ${count} unread`}>
        <BellIcon />
        {unread > 0 && <span className="notifications__count">{count}</span>}
      </PopoverTrigger>
      <PopoverContent className="notifications" align="start">
        <div className="notifications__head">
          <h2>Notifications</h2>
          {unread > 0 && (
            <button
              type="button"
              className="link-button"
              onClick={() => void markRead({ ids: [] }).then(() => refetch({ requestPolicy: 'network-only' }))}
            >
              Mark all read
            </button>
          )}
        </div>
        {fetching && !data ? (
          <Spinner label="Loading notifications" />
        ) : items.length === 0 ? (
          <p className="muted small notifications__empty">
            Nothing yet. You’ll hear here when a ticket of yours nears or breaches its SLA.
          </p>
        ) : (
          <ul className="notifications__list">
            {items.map((n) => (
              <li key={n.id} className={n.readAt ? '' : 'is-unread'}>
                {n.ticketNumber ? (
                  <PopoverClose asChild>
                    <Link to={`/tickets/${n.ticketNumber}`}>{n.title}</Link>
                  </PopoverClose>
                ) : (
                  <span>{n.title}</span>
                )}
                <span className="muted small">{formatRelative(n.createdAt)}</span>
              </li>
            ))}
          </ul>
        )}
      </PopoverContent>
    </Popover>
  );
}
