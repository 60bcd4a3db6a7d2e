// The signed-in person's own settings: the name this organisation knows them by, their address
// (which moves only once the new one answers a mailed link) and their password. The same page in
// the workspace's frame (/account) and in the portal's (/portal/account).
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useMutation } from 'urql';
import { describeError, hasProblem, noProblem, type Problem } from '../../api/errors';
import { useSession, useViewer, type Account as AccountData } from '../../auth/session';
import { graphql } from '../../gql';
import { Button } from '../../ui/Button';
import { Alert, Badge } from '../../ui/Feedback';
import { TextField } from '../../ui/Field';
import { useToast } from '../../ui/Toast';
import { requireFields } from '../auth/forms';
import './account.css';

const UpdateProfileDocument = graphql(`
  mutation UpdateProfile($input: UpdateProfileInput!) {
    updateProfile(input: $input) {
      id
      name
    }
  }
`);

const RequestEmailChangeDocument = graphql(`
  mutation RequestEmailChange($input: RequestEmailChangeInput!) {
    requestEmailChange(input: $input)
  }
`);

const ChangePasswordDocument = graphql(`
  mutation ChangePassword($input: ChangePasswordInput!) {
    changePassword(input: $input)
  }
`);

export default function Account() {
  const { viewer, organization } = useViewer();
  const { account } = useSession();
  return (
    <div className="account-page">
      <header>
        <h1>Your account</h1>
        <p className="page__subtitle">Your name here, and the address and password you sign in with everywhere.</p>
      </header>
      <ProfileForm name={viewer.name} organizationName={organization?.name ?? 'this organisation'} />
      {account && <EmailSection account={account} />}
      {account && <PasswordSection confirmed={account.emailConfirmed} />}
    </div>
  );
}

function ProfileForm({ name, organizationName }: { name: string; organizationName: string }) {
  const [{ fetching }, update] = useMutation(UpdateProfileDocument);
  const [problem, setProblem] = useState<Problem>(noProblem);
  const toast = useToast();

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const value = String(new FormData(e.currentTarget).get('name') ?? '').trim();
    const missing = requireFields({ name: value }, { name: 'Enter your name.' });
    if (missing) {
      setProblem(missing);
      return;
    }
    const result = await update({ input: { name: value } });
    const p = describeError(result.error, ['name']);
    setProblem(p);
    if (!hasProblem(p)) toast({ tone: 'success', title: 'Name saved' });
  }

  return (
    <form className="card card__body stack" aria-labelledby="account-profile" noValidate onSubmit={(e) => void submit(e)}>
      <h2 id="account-profile">Profile</h2>
      {problem.message && <Alert>{problem.message}</Alert>}
      <TextField
        label="Your name"
        name="name"
        autoComplete="name"
        defaultValue={name}
        hint={`How ${organizationName} knows you. Other organisations you belong to keep their own.`}
        error={problem.fields.name}
      />
      <div className="form-actions">
        <Button type="submit" variant="primary" loading={fetching}>
          Save name
        </Button>
      </div>
    </form>
  );
}

/** Until the address is confirmed the gateway cannot check the password, so nothing here would work. */
function ConfirmFirst({ email }: { email: string }) {
  return (
    <p className="small muted">
      Confirm {email} first, with the link we emailed you when you signed up. Lost it?{' '}
      <Link to="/account/forgot">Ask for a password reset</Link>: its link confirms the address too.
    </p>
  );
}

function EmailSection({ account }: { account: AccountData }) {
  const [{ fetching }, request] = useMutation(RequestEmailChangeDocument);
  const [problem, setProblem] = useState<Problem>(noProblem);
  const [sentTo, setSentTo] = useState<string | null>(null);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const formElement = e.currentTarget;
    const form = new FormData(formElement);
    const values = { newEmail: String(form.get('newEmail') ?? '').trim(), password: String(form.get('password') ?? '') };
    const missing = requireFields(values, { newEmail: 'Enter the new address.', password: 'Enter your current password.' });
    if (missing) {
      setProblem(missing);
      return;
    }
    const result = await request({ input: values });
    const p = describeError(result.error, ['newEmail', 'password']);
    setProblem(p);
    if (!hasProblem(p)) {
      setSentTo(values.newEmail);
      formElement.reset();
    }
  }

  return (
    <section className="card card__body stack" aria-labelledby="account-email">
      <h2 id="account-email">Email address</h2>
      <p className="account__address">
        <span>{account.email}</span>
        {account.emailConfirmed ? <Badge tone="success">Confirmed</Badge> : <Badge tone="warning">Not confirmed</Badge>}
      </p>
      {!account.emailConfirmed ? (
        <ConfirmFirst email={account.email} />
      ) : (
        <form className="stack" noValidate onSubmit={(e) => void submit(e)}>
          <p className="small muted">
            We email a link to the new address; your account moves there when you open it, and every session ends.
          </p>
          {sentTo && (
            <Alert tone="info">
              We sent a link to {sentTo}. It works for an hour; until you open it, keep signing in with {account.email}.
            </Alert>
          )}
          {problem.message && <Alert>{problem.message}</Alert>}
          <div className="form-grid">
            <TextField label="New address" name="newEmail" type="email" autoComplete="email" error={problem.fields.newEmail} />
            <TextField
              label="Current password"
              name="password"
              type="password"
              autoComplete="current-password"
              error={problem.fields.password}
            />
          </div>
          <div className="form-actions">
            <Button type="submit" loading={fetching}>
              Send confirmation link
            </Button>
          </div>
        </form>
      )}
    </section>
  );
}

function PasswordSection({ confirmed }: { confirmed: boolean }) {
  const [{ fetching }, change] = useMutation(ChangePasswordDocument);
  const [problem, setProblem] = useState<Problem>(noProblem);
  const toast = useToast();

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const formElement = e.currentTarget;
    const form = new FormData(formElement);
    const values = { currentPassword: String(form.get('currentPassword') ?? ''), newPassword: String(form.get('newPassword') ?? '') };
    const missing = requireFields(values, {
      currentPassword: 'Enter your current password.',
      newPassword: 'Choose a new password of at least 10 characters.',
    });
    if (missing) {
      setProblem(missing);
      return;
    }
    const result = await change({ input: values });
    const p = describeError(result.error, ['currentPassword', 'newPassword']);
    setProblem(p);
    if (!hasProblem(p)) {
      formElement.reset();
      toast({ tone: 'success', title: 'Password changed', description: 'Every other session of yours has been signed out.' });
    }
  }

  return (
    <section className="card card__body stack" aria-labelledby="account-password">
      <h2 id="account-password">Password</h2>
      {!confirmed ? (
        <p className="small muted">You can change your password once your address is confirmed.</p>
      ) : (
        <form className="stack" noValidate onSubmit={(e) => void submit(e)}>
          <p className="small muted">Changing it signs you out everywhere else.</p>
          {problem.message && <Alert>{problem.message}</Alert>}
          <div className="form-grid">
            <TextField
              label="Current password"
              name="currentPassword"
              type="password"
              autoComplete="current-password"
              error={problem.fields.currentPassword}
            />
            <TextField
              label="New password"
              name="newPassword"
              type="password"
              autoComplete="new-password"
              hint="At least 10 characters."
              error={problem.fields.newPassword}
            />
          </div>
          <div className="form-actions">
            <Button type="submit" loading={fetching}>
              Change password
            </Button>
          </div>
        </form>
      )}
    </section>
  );
}
