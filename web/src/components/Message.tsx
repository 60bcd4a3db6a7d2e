// One message of a conversation. A public reply and an internal note must never be mistaken for
// each other: a note is amber, dashed, locked and says who can see it.
import type { MailAuthenticationFieldsFragment, MessageFieldsFragment } from '../gql/graphql';
import { formatDateTime, formatRelative } from '../lib/format';
import { LockIcon } from '../ui/icons';
import { Avatar } from './Avatar';
import { MailVerdict } from './MailVerdict';
import './conversation.css';

/** Staff's documents ask for how an email's sender was verified; the portal's do not. */
type MessageData = MessageFieldsFragment & { email?: { authentication?: MailAuthenticationFieldsFragment | null } | null };

export function Message({ message, requesterId }: { message: MessageData; requesterId?: string | undefined }) {
  const author = message.author?.name ?? 'Someone no longer here';
  const fromRequester = message.author?.id !== undefined && message.author.id === requesterId;
  return (
    <article className={`message${message.internal ? ' message--note' : ''}${fromRequester ? ' message--requester' : ''}`}>
      <header className="message__head">
        <Avatar name={author} size={28} />
        <div className="message__who">
          <span className="message__author">{author}</span>
          {message.internal ? (
            <span className="message__kind message__kind--note">
              <LockIcon size={12} /> Internal note · only your team sees this
            </span>
          ) : (
            <span className="message__kind">
              {fromRequester ? 'Requester' : 'Public reply'}
              {message.channel === 'EMAIL' && ' · by email'}
            </span>
          )}
        </div>
        <MailVerdict authentication={message.email?.authentication} />
        <time className="message__time" dateTime={message.createdAt} title={formatDateTime(message.createdAt)}>
          {formatRelative(message.createdAt)}
        </time>
      </header>
      <div className="message__body">{message.body}</div>
    </article>
  );
}
