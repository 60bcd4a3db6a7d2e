import { useState } from 'react';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { describeError } from '../../api/errors';
import { useDebouncedTicketChanges } from '../../api/live';
import { useViewer } from '../../auth/session';
import { StatusBadge } from '../../components/TicketBadges';
import { graphql } from '../../gql';
import type { TicketStatus } from '../../gql/graphql';
import { formatRelative } from '../../lib/format';
import { kindLabel } from '../../lib/labels';
import { Alert, EmptyState, Skeleton } from '../../ui/Feedback';
import { InboxIcon, PlusIcon } from '../../ui/icons';

const MyRequestsDocument = graphql(`
  query MyRequests($status: [TicketStatus!]) {
    tickets(first: 50, filter: { status: $status }, orderBy: { field: UPDATED, direction: DESC }) {
      nodes {
        id
        number
        kind
        subject
        status
        updatedAt
      }
    }
  }
`);

const OPEN: TicketStatus[] = ['NEW', 'OPEN', 'PENDING'];
const DONE: TicketStatus[] = ['RESOLVED', 'CLOSED'];

export function PortalHome() {
  const { viewer } = useViewer();
  const [which, setWhich] = useState<'open' | 'done'>('open');
  const [{ data, fetching, error }, reexecute] = useQuery({
    query: MyRequestsDocument,
    variables: { status: which === 'open' ? OPEN : DONE },
  });
  useDebouncedTicketChanges(() => reexecute({ requestPolicy: 'network-only' }));
  const tickets = data?.tickets.nodes ?? [];
  const firstName = viewer.name.split(' ')[0] ?? viewer.name;

  return (
    <div className="portal-page">
      <div className="portal-hero">
        <div>
          <h1>Hi {firstName}, how can we help?</h1>
          <p className="muted">Tell us what’s wrong or what you need. We’ll keep you posted here.</p>
        </div>
        <Link to="/portal/new" className="btn btn--primary btn--md">
          <PlusIcon /> New request
        </Link>
      </div>

      <div className="segmented" role="group" aria-label="Which requests">
        <button type="button" aria-pressed={which === 'open'} onClick={() => setWhich('open')}>
          Open
        </button>
        <button type="button" aria-pressed={which === 'done'} onClick={() => setWhich('done')}>
          Resolved and closed
        </button>
      </div>

      {error && <Alert>{describeError(error).message}</Alert>}
      <ul className="request-list" aria-busy={fetching}>
        {!data && fetching
          ? Array.from({ length: 3 }, (_, i) => (
              <li key={i} className="request-list__item">
                <Skeleton width="60%" />
              </li>
            ))
          : tickets.map((t) => (
              <li key={t.id}>
                <Link to={`/portal/tickets/${t.number}`} className="request-list__item">
                  <div className="request-list__main">
                    <span className="request-list__subject">{t.subject}</span>
                    <span className="muted small">
                      {t.number} · {kindLabel[t.kind]} · updated {formatRelative(t.updatedAt)}
                    </span>
                  </div>
                  <StatusBadge status={t.status} forRequester />
                </Link>
              </li>
            ))}
      </ul>
      {data && tickets.length === 0 && (
        <EmptyState
          icon={<InboxIcon size={20} />}
          title={which === 'open' ? 'No open requests' : 'Nothing resolved yet'}
          action={
            which === 'open' ? (
              <Link to="/portal/new" className="btn btn--primary btn--md">
                Submit a request
              </Link>
            ) : undefined
          }
        >
          {which === 'open'
            ? 'When something breaks or you need something, submit a request and follow it here.'
            : 'Requests move here once they are resolved.'}
        </EmptyState>
      )}
    </div>
  );
}
