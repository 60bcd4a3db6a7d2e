import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { Attachments } from '../../components/Attachments';
import { describeError, hasProblem, noProblem, type Problem } from '../../api/errors';
import { useTicketChanges } from '../../api/live';
import { useViewer } from '../../auth/session';
import { StatusBadge } from '../../components/TicketBadges';
import { graphql } from '../../gql';
import type { TicketStatus } from '../../gql/graphql';
import { formatDateTime, formatRelative } from '../../lib/format';
import { kindLabel } from '../../lib/labels';
import { Button } from '../../ui/Button';
import { Alert, EmptyState, PageLoading } from '../../ui/Feedback';
import { SearchIcon } from '../../ui/icons';
import { useToast } from '../../ui/Toast';
import { Message } from '../../components/Message';

const MyRequestDocument = graphql(`
  query MyRequest($number: String!) {
    ticket(number: $number) {
      id
      number
      kind
      subject
      description
      status
      createdAt
      category {
        id
        name
      }
      requester {
        id
        name
      }
      messages(first: 100) {
        edges {
          node {
            ...MessageFields
          }
        }
      }
      attachments {
        id
        filename
        contentType
        sizeBytes
        inline
        url
      }
    }
  }
`);

const ReplyDocument = graphql(`
  mutation PortalReply($input: AddTicketMessageInput!) {
    addTicketMessage(input: $input) {
      message {
        id
      }
      ticket {
        id
        status
      }
    }
  }
`);

/** Where a request stands on the way Received → In progress → Resolved. */
const STEP: Record<TicketStatus, number> = { NEW: 0, OPEN: 1, PENDING: 1, RESOLVED: 2, CLOSED: 2 };

export function PortalTicket() {
  const { number = '' } = useParams();
  const { viewer } = useViewer();
  const toast = useToast();
  const [{ data, fetching, error }, reexecute] = useQuery({ query: MyRequestDocument, variables: { number } });
  const [{ fetching: sending }, reply] = useMutation(ReplyDocument);
  const [problem, setProblem] = useState<Problem>(noProblem);
  const [body, setBody] = useState('');
  useTicketChanges((change) => {
    if (!change || change.number === number) reexecute({ requestPolicy: 'network-only' });
  });

  if (!data && fetching) return <PageLoading label="Loading your request" />;
  const ticket = data?.ticket;
  if (!ticket) {
    return (
      <div className="portal-page">
        <EmptyState
          icon={<SearchIcon size={20} />}
          title="We couldn’t find this request"
          action={<Link className="btn btn--secondary btn--md" to="/portal">See your requests</Link>}
        >
          {error ? describeError(error).message : 'It may belong to someone else, or the link may be mistyped.'}
        </EmptyState>
      </div>
    );
  }

  async function send(e: FormEvent) {
    e.preventDefault();
    if (!ticket) return;
    if (!body.trim()) {
      setProblem({ ...noProblem, fields: { body: 'Write your message first.' } });
      return;
    }
    const result = await reply({ input: { ticketId: ticket.id, body, internal: false } });
    const p = describeError(result.error, ['body']);
    setProblem(p);
    if (!hasProblem(p)) {
      setBody('');
      toast({ tone: 'success', title: 'Message sent' });
    }
  }

  const reached = STEP[ticket.status];
  const closed = ticket.status === 'CLOSED';

  return (
    <div className="portal-page portal-page--narrow">
      <Link to="/portal" className="portal-back">
        ← My requests
      </Link>
      <div className="portal-ticket__head">
        <span className="muted">
          {ticket.number} · {kindLabel[ticket.kind]}
          {ticket.category && ` · ${ticket.category.name}`}
        </span>
        <h1>{ticket.subject}</h1>
        <div className="row">
          <StatusBadge status={ticket.status} forRequester />
          <span className="muted small">Submitted {formatRelative(ticket.createdAt)}</span>
        </div>
      </div>

      <ol className="progress" aria-label="Progress">
        {['Received', 'In progress', 'Resolved'].map((label, i) => (
          <li key={label} className={i <= reached ? 'is-done' : ''} aria-current={i === reached ? 'step' : undefined}>
            {label}
          </li>
        ))}
      </ol>
      {ticket.status === 'PENDING' && (
        <Alert tone="warning">The team is waiting for your answer. Reply below to move your request forward.</Alert>
      )}
      {ticket.status === 'RESOLVED' && (
        <Alert tone="info">We think this is fixed. If it isn’t, reply and we’ll pick it up again.</Alert>
      )}

      <section className="conversation" aria-label="Conversation">
        <article className="message message--requester message--request">
          <header className="message__head">
            <div className="message__who">
              <span className="message__author">{ticket.requester?.id === viewer.id ? 'You' : ticket.requester?.name}</span>
              <span className="message__kind">Your request</span>
            </div>
            <time className="message__time" dateTime={ticket.createdAt} title={formatDateTime(ticket.createdAt)}>
              {formatRelative(ticket.createdAt)}
            </time>
          </header>
          <div className="message__body">{ticket.description}</div>
        </article>
        {ticket.messages.edges.map((e) => (
          <Message key={e.node.id} message={e.node} requesterId={ticket.requester?.id} />
        ))}
      </section>

      <section className="portal-files" aria-labelledby="portal-files">
        <h2 id="portal-files" className="field__label">
          Files
        </h2>
        <Attachments
          ticketNumber={ticket.number}
          files={ticket.attachments.filter((a) => !a.inline)}
          canUpload={!closed}
          onUploaded={() => reexecute({ requestPolicy: 'network-only' })}
        />
      </section>

      {closed ? (
        <EmptyState title="This request is closed" action={<Link className="btn btn--primary btn--md" to="/portal/new">Submit a new request</Link>}>
          If you need more help with it, submit a new request and mention {ticket.number}.
        </EmptyState>
      ) : (
        <form className="composer" onSubmit={(e) => void send(e)} noValidate>
          <label htmlFor="portal-reply" className="field__label">
            Reply
          </label>
          <textarea
            id="portal-reply"
            className="input textarea"
            rows={4}
            value={body}
            placeholder="Add details, answer a question, or tell us it’s fixed…"
            aria-invalid={problem.fields.body ? true : undefined}
            aria-describedby={problem.fields.body ? 'portal-reply-error' : undefined}
            onChange={(e) => setBody(e.target.value)}
          />
          {problem.fields.body && (
            <p className="field__error" id="portal-reply-error" role="alert">
              {problem.fields.body}
            </p>
          )}
          {problem.message && <Alert>{problem.message}</Alert>}
          <div className="composer__actions">
            <span className="small muted">The support team will be notified.</span>
            <Button type="submit" variant="primary" loading={sending}>
              Send
            </Button>
          </div>
        </form>
      )}
    </div>
  );
}
