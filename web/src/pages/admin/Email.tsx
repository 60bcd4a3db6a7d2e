// Email: the address requesters write to, forwarding aliases, how outgoing mail reads, and the
// quarantine of messages that could not be processed.
import { useEffect, useState, type FormEvent } from 'react';
import { useMutation, useQuery, type CombinedError } from 'urql';
import { describeError, hasProblem, noProblem, type Problem } from '../../api/errors';
import { graphql } from '../../gql';
import type { AdminMailSetupQuery, ClosedReply } from '../../gql/graphql';
import { formatDateTime, formatRelative } from '../../lib/format';
import { Button } from '../../ui/Button';
import { Alert, Badge, EmptyState, PageLoading } from '../../ui/Feedback';
import { TextArea, TextField } from '../../ui/Field';
import { CheckIcon, CopyIcon, InboxIcon } from '../../ui/icons';
import { useToast } from '../../ui/Toast';

const MailSetupDocument = graphql(`
  query AdminMailSetup {
    organization {
      id
      name
    }
    mailSetup {
      intakeAddress
      fromName
      signature
      closedReply
      acknowledge
      aliases {
        id
        address
        verifiedAt
        createdAt
      }
    }
    inboundMessages(status: QUARANTINED, first: 20) {
      nodes {
        id
        receivedAt
        from
        mailFrom
        subject
        reason
      }
    }
  }
`);

const UpdateMailSettingsDocument = graphql(`
  mutation UpdateMailSettings($input: UpdateMailSettingsInput!) {
    updateMailSettings(input: $input) {
      fromName
      signature
      closedReply
      acknowledge
    }
  }
`);

const AddAliasDocument = graphql(`
  mutation AddMailAlias($address: String!) {
    addMailAlias(address: $address) {
      id
      address
      verifiedAt
      createdAt
    }
  }
`);

const RemoveAliasDocument = graphql(`
  mutation RemoveMailAlias($id: ID!) {
    removeMailAlias(id: $id)
  }
`);

const ReleaseDocument = graphql(`
  mutation ReleaseInboundMessage($id: ID!) {
    releaseInboundMessage(id: $id) {
      id
      status
    }
  }
`);

const DiscardDocument = graphql(`
  mutation DiscardInboundMessage($id: ID!) {
    discardInboundMessage(id: $id) {
      id
      status
    }
  }
`);

export function Email() {
  const [{ data, fetching, error }, refetch] = useQuery({ query: MailSetupDocument });
  const toast = useToast();
  const [, release] = useMutation(ReleaseDocument);
  const [, discard] = useMutation(DiscardDocument);
  const [, removeAlias] = useMutation(RemoveAliasDocument);
  const [copied, setCopied] = useState(false);
  if (!data && fetching) return <PageLoading label="Loading email settings" />;
  const setup = data?.mailSetup;
  const quarantine = data?.inboundMessages.nodes ?? [];
  const refresh = () => refetch({ requestPolicy: 'network-only' });

  async function act(run: () => Promise<{ error?: CombinedError | undefined }>, done: string) {
    const result = await run();
    if (result.error) toast({ tone: 'danger', title: 'That did not work', description: describeError(result.error).message ?? undefined });
    else toast({ tone: 'success', title: done });
    refresh();
  }

  return (
    <div className="page page--stacked">
      <header className="page__header">
        <div>
          <h1>Email</h1>
          <p className="page__subtitle">Requesters write to your intake address; each new conversation becomes a ticket, each reply joins its ticket.</p>
        </div>
      </header>
      {error && <Alert>{describeError(error).message}</Alert>}
      {setup && (
        <>
          <section className="card card__body stack" aria-labelledby="intake">
            <h2 id="intake">Intake address</h2>
            <div className="invite-link">
              <input className="input" readOnly value={setup.intakeAddress} aria-label="Intake address" onFocus={(e) => e.currentTarget.select()} />
              <Button
                icon={copied ? <CheckIcon /> : <CopyIcon />}
                onClick={() => void navigator.clipboard?.writeText(setup.intakeAddress).then(() => setCopied(true))}
              >
                {copied ? 'Copied' : 'Copy'}
              </Button>
            </div>
            <p className="small muted">
              To keep your own address (support@yourcompany.com), forward it here and add it as an alias below.
            </p>
            <Aliases aliases={setup.aliases} onChanged={refresh} onRemove={(id, address) => void act(() => removeAlias({ id }), `${address} removed`)} />
          </section>
          <MailSettings setup={setup} organizationName={data?.organization?.name ?? 'Your organisation'} />
        </>
      )}
      <section className="card" aria-labelledby="quarantine">
        <div className="card__header">
          <div>
            <h2 id="quarantine">Quarantine</h2>
            <p className="small muted">Messages that could not be turned into tickets. Release one to process it again.</p>
          </div>
        </div>
        {quarantine.length === 0 ? (
          <EmptyState icon={<InboxIcon size={20} />} title="Nothing in quarantine">
            Messages that can’t be processed (too large, unreadable, from an unknown sender) wait here for you.
          </EmptyState>
        ) : (
          <ul className="calendars">
            {quarantine.map((m) => (
              <li key={m.id}>
                <div>
                  <div className="calendars__name">{m.subject || '(no subject)'}</div>
                  <div className="small muted">
                    From {m.from || m.mailFrom || 'an unknown sender'} ·{' '}
                    <time dateTime={m.receivedAt} title={formatDateTime(m.receivedAt)}>
                      {formatRelative(m.receivedAt)}
                    </time>
                    {m.reason && ` · ${m.reason}`}
                  </div>
                </div>
                <div className="row">
                  <Button size="sm" onClick={() => void act(() => release({ id: m.id }), 'Released for processing')}>
                    Release
                  </Button>
                  <Button size="sm" variant="ghost" onClick={() => void act(() => discard({ id: m.id }), 'Discarded')}>
                    Discard
                  </Button>
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}

type Setup = AdminMailSetupQuery['mailSetup'];

function Aliases({
  aliases,
  onChanged,
  onRemove,
}: {
  aliases: Setup['aliases'];
  onChanged: () => void;
  onRemove: (id: string, address: string) => void;
}) {
  const [{ fetching }, add] = useMutation(AddAliasDocument);
  const [problem, setProblem] = useState<Problem>(noProblem);
  const [address, setAddress] = useState('');
  const toast = useToast();

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!address.trim()) {
      setProblem({ ...noProblem, fields: { address: 'Enter the address that forwards to Ferrodesk.' } });
      return;
    }
    const result = await add({ address: address.trim() });
    const p = describeError(result.error, ['address']);
    setProblem(p);
    if (!hasProblem(p)) {
      toast({ tone: 'success', title: 'Alias added', description: 'We sent it a verification message; it routes mail once that comes back.' });
      setAddress('');
      onChanged();
    }
  }

  return (
    <div className="stack">
      <h3>Forwarding aliases</h3>
      {aliases.length > 0 && (
        <ul className="aliases">
          {aliases.map((a) => (
            <li key={a.id}>
              <span>{a.address}</span>
              {a.verifiedAt ? <Badge tone="success">Verified</Badge> : <Badge tone="warning">Waiting for verification</Badge>}
              <button type="button" className="link-button" onClick={() => onRemove(a.id, a.address)}>
                Remove<span className="visually-hidden"> {a.address}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <form className="alias-form" noValidate onSubmit={(e) => void submit(e)}>
        <TextField
          label="Add an alias"
          type="email"
          value={address}
          onChange={(e) => setAddress(e.target.value)}
          placeholder="support@yourcompany.com"
          error={problem.fields.address ?? problem.message ?? undefined}
        />
        <Button type="submit" loading={fetching}>
          Add alias
        </Button>
      </form>
    </div>
  );
}

function MailSettings({ setup, organizationName }: { setup: Setup; organizationName: string }) {
  const [fromName, setFromName] = useState(setup.fromName ?? '');
  const [signature, setSignature] = useState(setup.signature ?? '');
  const [closedReply, setClosedReply] = useState<ClosedReply>(setup.closedReply);
  const [acknowledge, setAcknowledge] = useState(setup.acknowledge);
  const [problem, setProblem] = useState<Problem>(noProblem);
  const [{ fetching }, save] = useMutation(UpdateMailSettingsDocument);
  const toast = useToast();
  useEffect(() => {
    setFromName(setup.fromName ?? '');
    setSignature(setup.signature ?? '');
    setClosedReply(setup.closedReply);
    setAcknowledge(setup.acknowledge);
  }, [setup]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const result = await save({ input: { fromName, signature, closedReply, acknowledge } });
    const p = describeError(result.error, ['fromName', 'signature']);
    setProblem(p);
    if (!hasProblem(p)) toast({ tone: 'success', title: 'Email settings saved' });
  }

  return (
    <form className="card card__body stack" aria-labelledby="outgoing" noValidate onSubmit={(e) => void submit(e)}>
      <h2 id="outgoing">Outgoing mail</h2>
      {problem.message && <Alert>{problem.message}</Alert>}
      <div className="form-grid">
        <TextField
          label="Sender name"
          value={fromName}
          onChange={(e) => setFromName(e.target.value)}
          placeholder={`${organizationName} Support`}
          hint="Leave empty for the default."
          error={problem.fields.fromName}
        />
        <TextArea label="Signature" rows={3} value={signature} onChange={(e) => setSignature(e.target.value)} optional error={problem.fields.signature} />
      </div>
      <fieldset className="choice-group">
        <legend>When someone replies to a closed ticket</legend>
        <label className="choice">
          <input type="radio" name="closedReply" checked={closedReply === 'REOPEN'} onChange={() => setClosedReply('REOPEN')} />
          <span className="choice__title">Reopen it</span>
          <span className="choice__hint">The reply joins the closed ticket, which opens again</span>
        </label>
        <label className="choice">
          <input type="radio" name="closedReply" checked={closedReply === 'FOLLOW_UP'} onChange={() => setClosedReply('FOLLOW_UP')} />
          <span className="choice__title">Open a follow-up</span>
          <span className="choice__hint">A new ticket, linked to the closed one</span>
        </label>
      </fieldset>
      <label className="row">
        <input type="checkbox" className="checkbox" checked={acknowledge} onChange={(e) => setAcknowledge(e.target.checked)} />
        Acknowledge new tickets from email with their reference number
      </label>
      <div className="form-actions">
        <Button type="submit" variant="primary" loading={fetching}>
          Save settings
        </Button>
      </div>
    </form>
  );
}
