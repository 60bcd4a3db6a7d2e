// Email: the address requesters write to, forwarding aliases, how outgoing mail reads and how much
// of it may go, what happens to mail that claims a ticket without proof, and the quarantine of
// messages that could not be processed.
import { useEffect, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { useMutation, useQuery, type CombinedError } from 'urql';
import { describeError, hasProblem, noProblem, type Problem } from '../../api/errors';
import { MailVerdict } from '../../components/MailVerdict';
import { graphql } from '../../gql';
import type { AdminMailSetupQuery, ClosedReply, UnprovenReplies } from '../../gql/graphql';
import { formatDateTime, formatRelative } from '../../lib/format';
import { Button } from '../../ui/Button';
import { Alert, Badge, EmptyState, PageLoading } from '../../ui/Feedback';
import { TextArea, TextField } from '../../ui/Field';
import { CheckIcon, CopyIcon, InboxIcon } from '../../ui/icons';
import { Dialog } from '../../ui/Overlay';
import { useToast } from '../../ui/Toast';
import { aliasCodeProblem, describeQuota, normalizeAliasCode } from './mailSettings';

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
      unprovenReplies
      quota {
        sentLast24Hours
        limit
      }
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
        authentication {
          ...MailAuthenticationFields
        }
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
      unprovenReplies
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

const VerifyAliasDocument = graphql(`
  mutation VerifyMailAlias($id: ID!, $code: String!) {
    verifyMailAlias(id: $id, code: $code) {
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
            <p className="small muted">
              Messages that could not be turned into tickets, or that claimed a ticket without proof. Release one to process it
              again.
            </p>
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
                  {m.authentication && (
                    <div className="quarantine__verdict">
                      <MailVerdict authentication={m.authentication} />
                    </div>
                  )}
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
  const [verifying, setVerifying] = useState<Setup['aliases'][number] | null>(null);
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
              {!a.verifiedAt && (
                <button type="button" className="link-button" onClick={() => setVerifying(a)}>
                  Enter code<span className="visually-hidden"> for {a.address}</span>
                </button>
              )}
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
      <VerifyAliasDialog
        alias={verifying}
        onClose={() => setVerifying(null)}
        onVerified={(verified) => {
          toast({ tone: 'success', title: `${verified} is verified`, description: 'Mail forwarded from it now becomes tickets.' });
          setVerifying(null);
          onChanged();
        }}
      />
    </div>
  );
}

/**
 * The code from an alias's verification mail, for a forward that does not bring that mail back as
 * it was sent. Only someone who reads the alias's mailbox has it; admins cannot look it up.
 */
function VerifyAliasDialog({
  alias,
  onClose,
  onVerified,
}: {
  alias: Setup['aliases'][number] | null;
  onClose: () => void;
  onVerified: (address: string) => void;
}) {
  const [search] = useSearchParams();
  const [{ fetching }, verify] = useMutation(VerifyAliasDocument);
  const [problem, setProblem] = useState<Problem>(noProblem);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (!alias) return;
    const code = String(new FormData(e.currentTarget).get('code') ?? '');
    const wrong = aliasCodeProblem(code);
    if (wrong) {
      setProblem({ ...noProblem, fields: { code: wrong } });
      return;
    }
    const result = await verify({ id: alias.id, code: normalizeAliasCode(code) });
    const p = describeError(result.error, ['code']);
    setProblem(p);
    if (!hasProblem(p)) onVerified(alias.address);
  }

  return (
    <Dialog
      open={alias !== null}
      onOpenChange={(open) => {
        if (!open) {
          setProblem(noProblem);
          onClose();
        }
      }}
      title="Enter the verification code"
      description={alias ? `We sent a code to ${alias.address}. Whoever reads that mailbox can enter it here.` : undefined}
      width={440}
    >
      <form className="stack" noValidate onSubmit={(e) => void submit(e)}>
        {problem.message && <Alert>{problem.message}</Alert>}
        <TextField
          label="Verification code"
          name="code"
          defaultValue={search.get('code') ?? ''}
          autoComplete="one-time-code"
          autoCapitalize="characters"
          spellCheck={false}
          autoFocus
          hint="16 letters and digits. Spaces and dashes do not matter."
          error={problem.fields.code}
        />
        <div className="dialog__actions">
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" loading={fetching}>
            Verify alias
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

function MailSettings({ setup, organizationName }: { setup: Setup; organizationName: string }) {
  const [fromName, setFromName] = useState(setup.fromName ?? '');
  const [signature, setSignature] = useState(setup.signature ?? '');
  const [closedReply, setClosedReply] = useState<ClosedReply>(setup.closedReply);
  const [acknowledge, setAcknowledge] = useState(setup.acknowledge);
  const [unprovenReplies, setUnprovenReplies] = useState<UnprovenReplies>(setup.unprovenReplies);
  const [problem, setProblem] = useState<Problem>(noProblem);
  const [{ fetching }, save] = useMutation(UpdateMailSettingsDocument);
  const toast = useToast();
  useEffect(() => {
    setFromName(setup.fromName ?? '');
    setSignature(setup.signature ?? '');
    setClosedReply(setup.closedReply);
    setAcknowledge(setup.acknowledge);
    setUnprovenReplies(setup.unprovenReplies);
  }, [setup]);
  const quota = describeQuota(setup.quota);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const result = await save({ input: { fromName, signature, closedReply, acknowledge, unprovenReplies } });
    const p = describeError(result.error, ['fromName', 'signature']);
    setProblem(p);
    if (!hasProblem(p)) toast({ tone: 'success', title: 'Email settings saved' });
  }

  return (
    <form className="card card__body stack" aria-labelledby="outgoing" noValidate onSubmit={(e) => void submit(e)}>
      <div className="mail-quota">
        <h2 id="outgoing">Outgoing mail</h2>
        <Badge tone={quota.tone}>{quota.text}</Badge>
      </div>
      {quota.note && <Alert tone={quota.tone === 'danger' ? 'danger' : 'warning'}>{quota.note}</Alert>}
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
      <fieldset className="choice-group choice-group--explained" aria-describedby="unproven-explain">
        <legend>When mail names a ticket but cannot prove it belongs there</legend>
        <p className="choice-group__explain small muted" id="unproven-explain">
          It neither answers our own mail nor is authenticated by its sender’s domain, so anyone could have written it.
        </p>
        <label className="choice">
          <input
            type="radio"
            name="unprovenReplies"
            checked={unprovenReplies === 'NEW_TICKET'}
            onChange={() => setUnprovenReplies('NEW_TICKET')}
          />
          <span className="choice__title">Open a new ticket</span>
          <span className="choice__hint">Its sender learns nothing of the ticket it named</span>
        </label>
        <label className="choice">
          <input
            type="radio"
            name="unprovenReplies"
            checked={unprovenReplies === 'QUARANTINE'}
            onChange={() => setUnprovenReplies('QUARANTINE')}
          />
          <span className="choice__title">Hold it in quarantine</span>
          <span className="choice__hint">It waits below until an admin releases or discards it</span>
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
