// One ticket: the conversation (public replies and internal notes), its properties, SLA clocks,
// the requester, and the audit trail. Keyboard: r reply, n note, a assignee, u back to the queue.
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { useMutation, useQuery } from 'urql';
import { describeError } from '../../api/errors';
import { useTicketChanges } from '../../api/live';
import { useViewer } from '../../auth/session';
import { SlaBadge } from '../../components/SlaBadge';
import { KindBadge, PriorityBadge, StatusBadge } from '../../components/TicketBadges';
import type { UpdateTicketInput } from '../../gql/graphql';
import { formatDateTime, formatRelative } from '../../lib/format';
import { EmptyState, PageLoading } from '../../ui/Feedback';
import { ArrowLeftIcon, SearchIcon } from '../../ui/icons';
import { Tab, TabList, TabPanel, Tabs } from '../../ui/Tabs';
import { useToast } from '../../ui/Toast';
import { AssignDialog } from './AssignDialog';
import { AuditTrail } from './AuditTrail';
import { Conversation, type ComposeMode } from './Conversation';
import { useWorkspaceOptions } from './options';
import { lastQueueUrl } from './queueMemory';
import { TicketDocument, TicketUpdateDocument } from './ticketDocuments';
import { TicketSidebar } from './TicketSidebar';
import './ticket.css';

export function TicketPage() {
  const { number = '' } = useParams();
  const { viewer } = useViewer();
  const navigate = useNavigate();
  const toast = useToast();
  const [search, setSearch] = useSearchParams();
  const [{ data, fetching, error }, reexecute] = useQuery({ query: TicketDocument, variables: { number } });
  const [updating, update] = useMutation(TicketUpdateDocument);
  const { agents, categories } = useWorkspaceOptions();
  const ticket = data?.ticket;
  const [compose, setCompose] = useState<{ mode: ComposeMode; focus: number }>({ mode: 'reply', focus: 0 });
  const [assigning, setAssigning] = useState(false);
  const [tab, setTab] = useState('conversation');

  useTicketChanges((change) => {
    if (!change || change.number === number) reexecute({ requestPolicy: 'network-only' });
  });

  // Arriving with ?compose=reply|note (the queue's r and n): open that composer, focused.
  const requested = search.get('compose');
  useEffect(() => {
    if (requested !== 'reply' && requested !== 'note') return;
    setCompose((c) => ({ mode: requested, focus: c.focus + 1 }));
    setTab('conversation');
    const rest = new URLSearchParams(search);
    rest.delete('compose');
    setSearch(rest, { replace: true });
  }, [requested, search, setSearch]);

  const keys = useRef<(e: KeyboardEvent) => void>(() => {});
  keys.current = (e) => {
    if (e.metaKey || e.ctrlKey || e.altKey) return;
    const target = e.target as HTMLElement | null;
    if (target?.closest('input, textarea, select, [contenteditable="true"]')) return;
    if (document.querySelector('[role="dialog"], [role="menu"], [role="listbox"]')) return;
    if (e.key === 'r' || e.key === 'n') {
      e.preventDefault();
      setTab('conversation');
      setCompose((c) => ({ mode: e.key === 'r' ? 'reply' : 'note', focus: c.focus + 1 }));
    } else if (e.key === 'a') {
      e.preventDefault();
      setAssigning(true);
    } else if (e.key === 'u') {
      e.preventDefault();
      navigate(lastQueueUrl());
    }
  };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => keys.current(e);
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const names = useMemo(() => {
    const people = new Map<string, string>(agents.map((a) => [a.id, a.name]));
    if (ticket?.requester) people.set(ticket.requester.id, ticket.requester.name);
    const cats = new Map(categories.map((c) => [c.id, c.label]));
    return { person: (id: string) => people.get(id), category: (id: string) => cats.get(id) };
  }, [agents, categories, ticket?.requester]);

  if (!data && fetching) return <PageLoading label="Loading the ticket" />;
  if (!ticket) {
    return (
      <div className="page">
        <EmptyState
          icon={<SearchIcon size={20} />}
          title={error ? 'This ticket could not be loaded' : `There is no ticket ${number}`}
          action={<Link className="btn btn--secondary btn--md" to={lastQueueUrl()}>Back to the queue</Link>}
        >
          {error ? describeError(error).message : 'Check the number, or search for the ticket in the queue.'}
        </EmptyState>
      </div>
    );
  }

  async function change(input: Omit<UpdateTicketInput, 'id'>, done?: string) {
    if (!ticket) return;
    const result = await update({ input: { id: ticket.id, ...input } });
    if (result.error) {
      toast({ tone: 'danger', title: 'The change was not saved', description: describeError(result.error, []).message ?? undefined });
    } else if (done) {
      toast({ tone: 'success', title: done });
    }
  }

  const events = ticket.events.edges.map((e) => e.node);

  return (
    <div className="ticket-page">
      <header className="ticket-header">
        <Link to={lastQueueUrl()} className="ticket-header__back">
          <ArrowLeftIcon /> Queue
        </Link>
        <div className="ticket-header__line">
          <span className="ticket-header__number">{ticket.number}</span>
          <KindBadge kind={ticket.kind} />
          <StatusBadge status={ticket.status} />
          <PriorityBadge priority={ticket.priority} />
          <SlaBadge sla={ticket.sla} />
        </div>
        <h1 className="ticket-header__subject">{ticket.subject}</h1>
        <p className="ticket-header__meta">
          Opened by {ticket.requester?.name ?? 'someone no longer here'}{' '}
          <time dateTime={ticket.createdAt} title={formatDateTime(ticket.createdAt)}>
            {formatRelative(ticket.createdAt)}
          </time>
          {' · '}via {ticket.channel.charAt(0) + ticket.channel.slice(1).toLowerCase()}
          {ticket.reopenCount > 0 && ` · reopened ${ticket.reopenCount}×`}
        </p>
      </header>

      <div className="ticket-layout">
        <section className="ticket-main" aria-label="Conversation and history">
          <Tabs value={tab} onValueChange={setTab}>
            <TabList aria-label="Ticket sections">
              <Tab value="conversation">Conversation</Tab>
              <Tab value="history">History ({events.length})</Tab>
            </TabList>
            <TabPanel value="conversation">
              <Conversation ticket={ticket} viewerName={viewer.name} compose={compose} onModeChange={(mode) => setCompose((c) => ({ ...c, mode }))} />
            </TabPanel>
            <TabPanel value="history">
              <AuditTrail events={events} names={names} />
            </TabPanel>
          </Tabs>
        </section>
        <TicketSidebar
          ticket={ticket}
          agents={agents}
          categories={categories}
          saving={updating.fetching}
          onChange={change}
          onAssign={() => setAssigning(true)}
          onUploaded={() => reexecute({ requestPolicy: 'network-only' })}
          viewerId={viewer.id}
        />
      </div>

      <AssignDialog
        open={assigning}
        onOpenChange={setAssigning}
        agents={agents}
        viewerId={viewer.id}
        title={`Assign ${ticket.number}`}
        onChoose={(assigneeId, name) =>
          void change({ assigneeId }, assigneeId === null ? 'Unassigned' : `Assigned to ${assigneeId === viewer.id ? 'you' : name}`)
        }
      />
    </div>
  );
}
