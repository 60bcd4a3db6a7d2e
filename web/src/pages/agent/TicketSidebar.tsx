// The ticket's properties (edited in place), its SLA clocks explained, and the requester.
import { useId, useState } from 'react';
import { Link } from 'react-router';
import { useQuery } from 'urql';
import { Attachments } from '../../components/Attachments';
import { Avatar } from '../../components/Avatar';
import { SlaBadge } from '../../components/SlaBadge';
import { StatusBadge } from '../../components/TicketBadges';
import type { Priority, TicketStatus, UpdateTicketInput } from '../../gql/graphql';
import { formatDateTime, formatMinutes } from '../../lib/format';
import { PRIORITIES, STATUSES, priorityLabel, statusLabel } from '../../lib/labels';
import { Spinner } from '../../ui/Feedback';
import { XIcon } from '../../ui/icons';
import type { TicketData } from './Conversation';
import type { Agent, CategoryOption } from './options';
import { RequesterTicketsDocument } from './ticketDocuments';

interface Props {
  ticket: TicketData;
  agents: Agent[];
  categories: CategoryOption[];
  saving: boolean;
  viewerId: string;
  onChange: (input: Omit<UpdateTicketInput, 'id'>, done?: string) => Promise<void>;
  onAssign: () => void;
  /** A file was attached here: load the ticket again. */
  onUploaded: () => void;
}

export function TicketSidebar({ ticket, agents, categories, saving, viewerId, onChange, onAssign, onUploaded }: Props) {
  const id = useId();
  const assigneeKnown = ticket.assignee && agents.some((a) => a.id === ticket.assignee?.id);
  return (
    <aside className="ticket-side" aria-label="Ticket details">
      <section className="card side-card">
        <div className="side-card__title">
          <h2>Properties</h2>
          {saving && <Spinner size={14} label="Saving" />}
        </div>
        <dl className="props">
          <dt>
            <label htmlFor={`${id}-status`}>Status</label>
          </dt>
          <dd>
            <select
              id={`${id}-status`}
              className="input select input--compact"
              value={ticket.status}
              onChange={(e) => void onChange({ status: e.target.value as TicketStatus })}
            >
              {STATUSES.filter((s) => s !== 'NEW' || ticket.status === 'NEW').map((s) => (
                <option key={s} value={s}>
                  {statusLabel[s]}
                </option>
              ))}
            </select>
          </dd>
          <dt>
            <label htmlFor={`${id}-priority`}>Priority</label>
          </dt>
          <dd>
            <select
              id={`${id}-priority`}
              className="input select input--compact"
              value={ticket.priority}
              onChange={(e) => void onChange({ priority: e.target.value as Priority })}
            >
              {PRIORITIES.map((p) => (
                <option key={p} value={p}>
                  {priorityLabel[p]}
                </option>
              ))}
            </select>
          </dd>
          <dt>Assignee</dt>
          <dd>
            <button type="button" className="prop-button" onClick={onAssign}>
              {ticket.assignee ? (
                <>
                  <Avatar name={ticket.assignee.name} size={20} /> {ticket.assignee.name}
                </>
              ) : (
                <span className="muted">Unassigned</span>
              )}
              <span className="visually-hidden">: change the assignee</span>
            </button>
            {!ticket.assignee && (
              <button type="button" className="link-button" onClick={() => void onChange({ assigneeId: viewerId }, 'Assigned to you')}>
                Assign to me
              </button>
            )}
            {ticket.assignee && !assigneeKnown && <span className="small muted">No longer an agent</span>}
          </dd>
          <dt>
            <label htmlFor={`${id}-category`}>Category</label>
          </dt>
          <dd>
            <select
              id={`${id}-category`}
              className="input select input--compact"
              value={ticket.category?.id ?? ''}
              onChange={(e) => void onChange({ categoryId: e.target.value || null })}
            >
              <option value="">No category</option>
              {categories.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.label}
                </option>
              ))}
            </select>
          </dd>
          <dt id={`${id}-tags`}>Tags</dt>
          <dd>
            <TagEditor labelledBy={`${id}-tags`} tags={ticket.tags} onChange={(tags) => onChange({ tags })} />
          </dd>
        </dl>
      </section>

      <SlaCard ticket={ticket} />
      <RequesterCard ticket={ticket} />
      <AttachmentsCard ticket={ticket} onUploaded={onUploaded} />
    </aside>
  );
}

function TagEditor({ tags, labelledBy, onChange }: { tags: string[]; labelledBy: string; onChange: (tags: string[]) => Promise<void> }) {
  const [text, setText] = useState('');
  function add() {
    const tag = text.trim().toLowerCase();
    setText('');
    if (tag && !tags.includes(tag)) void onChange([...tags, tag]);
  }
  return (
    <div className="tags-editor">
      {tags.map((tag) => (
        <span key={tag} className="chip chip--neutral">
          {tag}
          <button type="button" className="chip__remove" aria-label={`Remove tag ${tag}`} onClick={() => void onChange(tags.filter((t) => t !== tag))}>
            <XIcon size={12} />
          </button>
        </span>
      ))}
      <input
        className="tags-editor__input"
        aria-labelledby={labelledBy}
        placeholder={tags.length ? 'Add…' : 'Add a tag…'}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' || e.key === ',') {
            e.preventDefault();
            add();
          } else if (e.key === 'Backspace' && text === '' && tags.length > 0) {
            void onChange(tags.slice(0, -1));
          }
        }}
        onBlur={add}
      />
    </div>
  );
}

function TargetRow({
  name,
  target,
}: {
  name: string;
  target: { targetMinutes: number; usedMinutes: number; dueAt?: string | null; metAt?: string | null; breachedAt?: string | null; atRisk: boolean };
}) {
  const share = target.targetMinutes > 0 ? Math.min(100, (target.usedMinutes / target.targetMinutes) * 100) : 0;
  const tone = target.breachedAt ? 'breached' : target.metAt ? 'met' : target.atRisk ? 'at-risk' : 'ok';
  const state = target.breachedAt
    ? `Breached ${formatDateTime(target.breachedAt)}`
    : target.metAt
      ? `Met ${formatDateTime(target.metAt)}`
      : target.dueAt
        ? `Due ${formatDateTime(target.dueAt)}`
        : 'Paused';
  return (
    <div className="sla-target">
      <div className="sla-target__line">
        <span>{name}</span>
        <span className="muted small">
          {formatMinutes(target.usedMinutes)} of {formatMinutes(target.targetMinutes)}
        </span>
      </div>
      <div
        className={`meter meter--${tone}`}
        role="meter"
        aria-label={`${name}: business time used`}
        aria-valuemin={0}
        aria-valuemax={target.targetMinutes}
        aria-valuenow={Math.min(target.usedMinutes, target.targetMinutes)}
      >
        <span style={{ width: `${share}%` }} />
      </div>
      <div className="small muted">{state}</div>
    </div>
  );
}

function SlaCard({ ticket }: { ticket: TicketData }) {
  const explanation = ticket.sla.explanation;
  return (
    <section className="card side-card">
      <div className="side-card__title">
        <h2>SLA{explanation ? ` · ${explanation.label}` : ''}</h2>
      </div>
      <SlaBadge sla={ticket.sla} />
      {explanation ? (
        <>
          {explanation.response && <TargetRow name="First response" target={explanation.response} />}
          {explanation.resolution && <TargetRow name="Resolution" target={explanation.resolution} />}
          {explanation.pauseReason && <p className="small muted">Paused: {explanation.pauseReason}</p>}
          {explanation.timeline.length > 0 && (
            <details className="sla-timeline">
              <summary>Timeline</summary>
              <ol>
                {explanation.timeline.map((entry, i) => (
                  <li key={`${entry.at}-${i}`}>
                    <time dateTime={entry.at}>{formatDateTime(entry.at)}</time>
                    <span>{entry.detail}</span>
                  </li>
                ))}
              </ol>
            </details>
          )}
        </>
      ) : (
        <p className="small muted">No SLA targets apply to this ticket.</p>
      )}
    </section>
  );
}

function RequesterCard({ ticket }: { ticket: TicketData }) {
  const requester = ticket.requester;
  const [{ data }] = useQuery({
    query: RequesterTicketsDocument,
    variables: { requesterId: requester?.id ?? '' },
    pause: !requester,
  });
  if (!requester) return null;
  const others = (data?.tickets.nodes ?? []).filter((t) => t.id !== ticket.id);
  return (
    <section className="card side-card">
      <div className="side-card__title">
        <h2>Requester</h2>
      </div>
      <div className="requester">
        <Avatar name={requester.name} size={36} />
        <div>
          <div className="requester__name">{requester.name}</div>
          <a className="small" href={`mailto:${requester.email}`}>
            {requester.email}
          </a>
        </div>
      </div>
      {others.length > 0 && (
        <>
          <h3 className="side-card__subtitle">Other requests</h3>
          <ul className="requester__tickets">
            {others.slice(0, 5).map((t) => (
              <li key={t.id}>
                <Link to={`/tickets/${t.number}`}>
                  <span className="muted">{t.number}</span> {t.subject}
                </Link>
                <StatusBadge status={t.status} />
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/** The ticket's files (from email or uploaded here; inline images are part of the text). */
function AttachmentsCard({ ticket, onUploaded }: { ticket: TicketData; onUploaded: () => void }) {
  const files = ticket.attachments.filter((a) => !a.inline);
  return (
    <section className="card side-card">
      <div className="side-card__title">
        <h2>Attachments{files.length > 0 ? ` (${files.length})` : ''}</h2>
      </div>
      <Attachments ticketNumber={ticket.number} files={files} canUpload onUploaded={onUploaded} />
    </section>
  );
}
