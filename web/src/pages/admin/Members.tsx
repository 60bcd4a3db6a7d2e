// Members and their roles: change a role, deactivate or reactivate someone, and invite people
// (the invitation's link goes to their mailbox, and only there: whoever opens it proves the address).
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { describeError, hasProblem, noProblem, type Problem } from '../../api/errors';
import { useViewer } from '../../auth/session';
import { Avatar } from '../../components/Avatar';
import { graphql } from '../../gql';
import type { MemberRole } from '../../gql/graphql';
import { roleDescription, roleLabel } from '../../lib/labels';
import { Button } from '../../ui/Button';
import { Alert, Badge, EmptyState, PageLoading } from '../../ui/Feedback';
import { SelectField, TextField } from '../../ui/Field';
import { UserPlusIcon } from '../../ui/icons';
import { Dialog } from '../../ui/Overlay';
import { useToast } from '../../ui/Toast';
import { requireFields } from '../auth/forms';

const MembersDocument = graphql(`
  query AdminMembers($after: String) {
    members(first: 100, after: $after) {
      nodes {
        id
        name
        email
        role
        status
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

const InviteDocument = graphql(`
  mutation InviteMember($input: InviteMemberInput!) {
    inviteMember(input: $input) {
      invitation {
        id
        email
        role
        expiresAt
      }
    }
  }
`);

const UpdateMemberDocument = graphql(`
  mutation UpdateMember($input: UpdateMemberInput!) {
    updateMember(input: $input) {
      id
      role
      status
    }
  }
`);

const INVITABLE: Exclude<MemberRole, 'OWNER'>[] = ['AGENT', 'ADMIN', 'STAKEHOLDER', 'REQUESTER'];

export function Members() {
  const { viewer } = useViewer();
  const toast = useToast();
  const [, updateMember] = useMutation(UpdateMemberDocument);
  const [after, setAfter] = useState<(string | null)[]>([null]);
  const [{ data, fetching, error }, refetch] = useQuery({ query: MembersDocument, variables: { after: after[after.length - 1] ?? null } });
  const [inviting, setInviting] = useState(false);
  const members = data?.members.nodes ?? [];

  async function change(id: string, name: string, input: { role?: MemberRole; active?: boolean }, done: string) {
    const result = await updateMember({ input: { userId: id, ...input } });
    if (result.error) toast({ tone: 'danger', title: `Could not change ${name}`, description: describeError(result.error).message ?? undefined });
    else toast({ tone: 'success', title: done });
  }

  return (
    <div className="page">
      <header className="page__header">
        <div>
          <h1>Members</h1>
          <p className="page__subtitle">
            Who works in this organisation, and what each person may do. Deactivating someone signs them out at once and keeps
            everything they did.
          </p>
        </div>
        <Button variant="primary" icon={<UserPlusIcon />} onClick={() => setInviting(true)}>
          Invite member
        </Button>
      </header>
      {error && <Alert>{describeError(error).message}</Alert>}
      {!data && fetching ? (
        <PageLoading label="Loading members" />
      ) : members.length === 0 ? (
        <EmptyState title="No members yet" action={<Button onClick={() => setInviting(true)}>Invite your first teammate</Button>} />
      ) : (
        <div className="card">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Access</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {members.map((m) => (
                <tr key={m.id}>
                  <th scope="row">
                    <span className="row">
                      <Avatar name={m.name} size={24} /> {m.name}
                    </span>
                  </th>
                  <td>{m.email}</td>
                  <td>
                    {m.role && m.role !== 'OWNER' && m.id !== viewer.id ? (
                      <select
                        className="input select input--compact"
                        aria-label={`Role of ${m.name}`}
                        value={m.role}
                        onChange={(e) => {
                          const role = e.target.value as MemberRole;
                          void change(m.id, m.name, { role }, `${m.name} is now ${roleLabel[role].toLowerCase()}`);
                        }}
                      >
                        {INVITABLE.map((r) => (
                          <option key={r} value={r}>
                            {roleLabel[r]}
                          </option>
                        ))}
                      </select>
                    ) : m.role ? (
                      roleLabel[m.role]
                    ) : (
                      '—'
                    )}
                  </td>
                  <td>
                    {m.status === 'INVITED' ? (
                      <Badge tone="warning">Invited</Badge>
                    ) : m.status === 'DISABLED' ? (
                      <Badge>Disabled</Badge>
                    ) : (
                      <Badge tone="success">Active</Badge>
                    )}
                  </td>
                  <td className="data-table__actions">
                    {m.role !== 'OWNER' && m.id !== viewer.id && m.status === 'ACTIVE' && (
                      <Button size="sm" variant="ghost" onClick={() => void change(m.id, m.name, { active: false }, `${m.name} can no longer sign in`)}>
                        Deactivate
                      </Button>
                    )}
                    {m.status === 'DISABLED' && (
                      <Button size="sm" onClick={() => void change(m.id, m.name, { active: true }, `${m.name} can sign in again`)}>
                        Reactivate
                      </Button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {(after.length > 1 || data?.members.pageInfo.hasNextPage) && (
        <nav className="queue__pager" aria-label="Pages">
          <Button size="sm" disabled={after.length === 1} onClick={() => setAfter(after.slice(0, -1))}>
            Previous
          </Button>
          <Button
            size="sm"
            disabled={!data?.members.pageInfo.hasNextPage}
            onClick={() => setAfter([...after, data?.members.pageInfo.endCursor ?? null])}
          >
            Next
          </Button>
        </nav>
      )}
      <InviteDialog
        open={inviting}
        onOpenChange={setInviting}
        onInvited={() => refetch({ requestPolicy: 'network-only' })}
      />
    </div>
  );
}

function InviteDialog({ open, onOpenChange, onInvited }: { open: boolean; onOpenChange: (open: boolean) => void; onInvited: () => void }) {
  const [{ fetching }, invite] = useMutation(InviteDocument);
  const [problem, setProblem] = useState<Problem>(noProblem);
  const [sentTo, setSentTo] = useState<string | null>(null);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const values = { name: String(form.get('name') ?? '').trim(), email: String(form.get('email') ?? '').trim() };
    const missing = requireFields(values, { name: 'Enter their name.', email: 'Enter their email address.' });
    if (missing) {
      setProblem(missing);
      return;
    }
    const role = String(form.get('role')) as MemberRole;
    const result = await invite({ input: { ...values, role } });
    const p = describeError(result.error, ['name', 'email', 'role']);
    setProblem(p);
    const invitation = result.data?.inviteMember.invitation;
    if (!hasProblem(p) && invitation) {
      setSentTo(invitation.email);
      onInvited();
    }
  }

  // However it closes, it opens next time on an empty form.
  function close() {
    setSentTo(null);
    setProblem(noProblem);
    onOpenChange(false);
  }

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => (next ? onOpenChange(true) : close())}
      title={sentTo ? 'Invitation sent' : 'Invite a member'}
      description={
        sentTo
          ? `Invitation sent to ${sentTo}: the link goes to their mailbox only; it works for 7 days.`
          : 'We email them a link; they choose a password when they accept.'
      }
    >
      {sentTo ? (
        <div className="dialog__actions">
          <Button onClick={() => setSentTo(null)}>Invite someone else</Button>
          <Button variant="primary" onClick={close}>
            Done
          </Button>
        </div>
      ) : (
        <form className="stack" noValidate onSubmit={(e) => void submit(e)}>
          {problem.message && <Alert>{problem.message}</Alert>}
          <TextField label="Name" name="name" autoComplete="off" error={problem.fields.name} autoFocus />
          <TextField label="Email" name="email" type="email" autoComplete="off" error={problem.fields.email} />
          <SelectField label="Role" name="role" defaultValue="AGENT" error={problem.fields.role}>
            {INVITABLE.map((r) => (
              <option key={r} value={r}>
                {roleLabel[r]}: {roleDescription[r]}
              </option>
            ))}
          </SelectField>
          <div className="dialog__actions">
            <Button onClick={close}>Cancel</Button>
            <Button type="submit" variant="primary" loading={fetching}>
              Send invitation
            </Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}
