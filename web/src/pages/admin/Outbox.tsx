// Mail the organisation sent (acknowledgements, replies, status changes), newest first. In the
// demo nothing is delivered: this page is the demo outbox, where a visitor reads what would have
// gone out.
import { useEffect } from 'react';
import { useQuery } from 'urql';
import { describeError } from '../../api/errors';
import { useViewer } from '../../auth/session';
import { graphql } from '../../gql';
import { formatDateTime, formatRelative } from '../../lib/format';
import { Alert, Badge, EmptyState, PageLoading, type Tone } from '../../ui/Feedback';
import { InboxIcon } from '../../ui/icons';

const OutboxDocument = graphql(`
  query Outbox {
    outboundMessages(first: 50) {
      edges {
        node {
          id
          kind
          recipients
          subject
          text
          status
          lastError
          createdAt
        }
      }
    }
  }
`);

const REFRESH_MS = 3_000;

const KINDS: Record<string, string> = {
  acknowledgement: 'Acknowledgement',
  reply: 'Reply',
  status: 'Status change',
  alias_verification: 'Alias verification',
};

function statusBadge(status: string, demo: boolean): { tone: Tone; label: string } {
  if (demo) return { tone: 'info', label: 'Kept in the demo outbox' };
  switch (status) {
    case 'sent':
      return { tone: 'success', label: 'Sent' };
    case 'failed':
      return { tone: 'danger', label: 'Failed' };
    default:
      return { tone: 'neutral', label: 'Sending' };
  }
}

export function Outbox() {
  const { organization } = useViewer();
  const demo = organization?.isDemo ?? false;
  const [{ data, fetching, error }, refetch] = useQuery({ query: OutboxDocument, requestPolicy: 'cache-and-network' });
  // Mail is written by the worker moments after the change that causes it: keep the list current.
  useEffect(() => {
    const timer = window.setInterval(() => refetch({ requestPolicy: 'network-only' }), REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [refetch]);
  if (!data && fetching) return <PageLoading label="Loading sent mail" />;
  const messages = data?.outboundMessages.edges.map((e) => e.node) ?? [];
  return (
    <div className="page page--stacked">
      <header className="page__header">
        <div>
          <h1>{demo ? 'Demo outbox' : 'Sent mail'}</h1>
          <p className="page__subtitle">
            {demo
              ? 'The demo never sends email. Everything it would have sent (acknowledgements, your replies, status changes) is here instead.'
              : 'Acknowledgements, replies and status changes sent to requesters, newest first.'}
          </p>
        </div>
      </header>
      {error && <Alert>{describeError(error).message}</Alert>}
      <section className="card" aria-label={demo ? 'Demo outbox' : 'Sent mail'}>
        {messages.length === 0 ? (
          <EmptyState icon={<InboxIcon size={20} />} title="No mail yet">
            Reply to a ticket and the email the requester would receive appears here.
          </EmptyState>
        ) : (
          <ul className="outbox">
            {messages.map((m) => {
              const badge = statusBadge(m.status, demo);
              return (
                <li key={m.id}>
                  <details>
                    <summary>
                      <span className="outbox__subject">{m.subject}</span>
                      <span className="small muted">
                        {KINDS[m.kind] ?? m.kind} to {m.recipients.join(', ')} ·{' '}
                        <time dateTime={m.createdAt} title={formatDateTime(m.createdAt)}>
                          {formatRelative(m.createdAt)}
                        </time>
                      </span>
                      <Badge tone={badge.tone}>{badge.label}</Badge>
                    </summary>
                    <pre className="outbox__text">{m.text}</pre>
                    {!demo && m.lastError && <p className="small muted">Last error: {m.lastError}</p>}
                  </details>
                </li>
              );
            })}
          </ul>
        )}
      </section>
    </div>
  );
}
