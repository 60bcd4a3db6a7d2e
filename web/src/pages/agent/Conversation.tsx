// The conversation: the request itself, then replies and internal notes (visibly different: a
// note is amber, locked and labelled), and the composer.
import { useEffect, useRef, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { describeError, hasProblem, noProblem, type Problem } from '../../api/errors';
import { Avatar } from '../../components/Avatar';
import { MailVerdict } from '../../components/MailVerdict';
import { Message } from '../../components/Message';
import type { TicketQuery } from '../../gql/graphql';
import { formatDateTime, formatRelative } from '../../lib/format';
import { Button } from '../../ui/Button';
import { Alert, Spinner } from '../../ui/Feedback';
import { LockIcon, MessageIcon } from '../../ui/icons';
import { useToast } from '../../ui/Toast';
import { AddMessageDocument, MoreMessagesDocument } from './ticketDocuments';

export type TicketData = NonNullable<TicketQuery['ticket']>;
export type ComposeMode = 'reply' | 'note';

/** A further page of messages, with the button for the one after it. */
function MoreMessages({
  number,
  after,
  requesterId,
  isLast,
  onMore,
}: {
  number: string;
  after: string;
  requesterId?: string | undefined;
  isLast: boolean;
  onMore: (cursor: string) => void;
}) {
  const [{ data, fetching }] = useQuery({ query: MoreMessagesDocument, variables: { number, after } });
  const page = data?.ticket?.messages;
  if (!page) return fetching ? <Spinner label="Loading more messages" /> : null;
  return (
    <>
      {page.edges.map((e) => (
        <Message key={e.node.id} message={e.node} requesterId={requesterId} />
      ))}
      {isLast && page.pageInfo.hasNextPage && page.pageInfo.endCursor && (
        <ShowMore onClick={() => onMore(page.pageInfo.endCursor ?? '')} />
      )}
    </>
  );
}

function ShowMore({ onClick }: { onClick: () => void }) {
  return (
    <Button variant="ghost" className="conversation__more" onClick={onClick}>
      Show more messages
    </Button>
  );
}

export function Conversation({
  ticket,
  viewerName,
  compose,
  onModeChange,
}: {
  ticket: TicketData;
  viewerName: string;
  compose: { mode: ComposeMode; focus: number };
  onModeChange: (mode: ComposeMode) => void;
}) {
  const [pages, setPages] = useState<string[]>([]);
  const first = ticket.messages;
  const requesterId = ticket.requester?.id;
  return (
    <div className="conversation">
      <article className="message message--requester message--request">
        <header className="message__head">
          <Avatar name={ticket.requester?.name ?? '?'} size={28} />
          <div className="message__who">
            <span className="message__author">{ticket.requester?.name ?? 'Unknown requester'}</span>
            <span className="message__kind">Opened the ticket{ticket.channel === 'EMAIL' && ' · by email'}</span>
          </div>
          <MailVerdict authentication={ticket.emailAuthentication} />
          <time className="message__time" dateTime={ticket.createdAt} title={formatDateTime(ticket.createdAt)}>
            {formatRelative(ticket.createdAt)}
          </time>
        </header>
        <div className="message__body">{ticket.description || <span className="muted">No description.</span>}</div>
      </article>
      {first.edges.map((e) => (
        <Message key={e.node.id} message={e.node} requesterId={requesterId} />
      ))}
      {pages.length === 0 && first.pageInfo.hasNextPage && first.pageInfo.endCursor && (
        <ShowMore onClick={() => setPages([first.pageInfo.endCursor ?? ''])} />
      )}
      {pages.map((after, i) => (
        <MoreMessages
          key={after}
          number={ticket.number}
          after={after}
          requesterId={requesterId}
          isLast={i === pages.length - 1}
          onMore={(cursor) => setPages((p) => [...p, cursor])}
        />
      ))}
      <Composer ticket={ticket} viewerName={viewerName} compose={compose} onModeChange={onModeChange} />
    </div>
  );
}

function Composer({
  ticket,
  viewerName,
  compose,
  onModeChange,
}: {
  ticket: TicketData;
  viewerName: string;
  compose: { mode: ComposeMode; focus: number };
  onModeChange: (mode: ComposeMode) => void;
}) {
  const [body, setBody] = useState('');
  const [problem, setProblem] = useState<Problem>(noProblem);
  const [{ fetching }, add] = useMutation(AddMessageDocument);
  const toast = useToast();
  const textarea = useRef<HTMLTextAreaElement>(null);
  const note = compose.mode === 'note';

  useEffect(() => {
    if (compose.focus > 0) {
      textarea.current?.focus();
      textarea.current?.scrollIntoView({ block: 'center', behavior: 'smooth' });
    }
  }, [compose.focus, compose.mode]);

  async function send() {
    if (!body.trim()) {
      setProblem({ ...noProblem, fields: { body: note ? 'Write the note first.' : 'Write your reply first.' } });
      textarea.current?.focus();
      return;
    }
    const result = await add({ input: { ticketId: ticket.id, body, internal: note } });
    const p = describeError(result.error, ['body']);
    setProblem(p);
    if (!hasProblem(p)) {
      setBody('');
      toast({ tone: 'success', title: note ? 'Note added' : `Reply sent to ${ticket.requester?.name ?? 'the requester'}` });
    }
  }

  const requester = ticket.requester?.name ?? 'the requester';
  return (
    <form
      className={`composer${note ? ' composer--note' : ''}`}
      aria-label={note ? 'Add an internal note' : 'Reply to the requester'}
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      <div className="composer__modes" role="group" aria-label="Message type">
        <button type="button" className="composer__mode" aria-pressed={!note} onClick={() => onModeChange('reply')}>
          <MessageIcon /> Reply
        </button>
        <button type="button" className="composer__mode" aria-pressed={note} onClick={() => onModeChange('note')}>
          <LockIcon /> Internal note
        </button>
      </div>
      <label className="visually-hidden" htmlFor="composer-body">
        {note ? 'Internal note' : `Reply to ${requester}`}
      </label>
      <textarea
        id="composer-body"
        ref={textarea}
        className="input textarea composer__input"
        placeholder={note ? 'Only your team sees notes. Share findings, next steps…' : `Write to ${requester} as ${viewerName}…`}
        value={body}
        aria-invalid={problem.fields.body ? true : undefined}
        aria-describedby={problem.fields.body ? 'composer-error' : 'composer-hint'}
        onChange={(e) => setBody(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) {
            e.preventDefault();
            void send();
          }
          if (e.key === 'Escape') e.currentTarget.blur();
        }}
      />
      {problem.fields.body && (
        <p className="field__error" id="composer-error" role="alert">
          {problem.fields.body}
        </p>
      )}
      {problem.message && <Alert>{problem.message}</Alert>}
      <div className="composer__actions">
        <span className="small muted" id="composer-hint">
          {note ? 'Not visible to the requester.' : `${requester} will see this reply.`} Ctrl+Enter to send.
        </span>
        <Button type="submit" variant={note ? 'secondary' : 'primary'} loading={fetching}>
          {note ? 'Add note' : 'Send reply'}
        </Button>
      </div>
    </form>
  );
}
