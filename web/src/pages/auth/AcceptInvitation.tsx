import { useState, type FormEvent } from 'react';
import { useParams } from 'react-router';
import { useMutation } from 'urql';
import { describeError, hasProblem, noProblem, type Problem } from '../../api/errors';
import { homeFor } from '../../auth/roles';
import { enterApp } from '../../auth/session';
import { graphql } from '../../gql';
import { Button } from '../../ui/Button';
import { Alert } from '../../ui/Feedback';
import { TextField } from '../../ui/Field';
import { AuthCard } from './AuthLayout';
import { requireFields } from './forms';

const AcceptInvitationDocument = graphql(`
  mutation AcceptInvitation($input: AcceptInvitationInput!) {
    acceptInvitation(input: $input) {
      viewer {
        id
        role
      }
      organization {
        id
        name
      }
    }
  }
`);

export default function AcceptInvitation() {
  const { token = '' } = useParams();
  const [{ fetching }, accept] = useMutation(AcceptInvitationDocument);
  const [problem, setProblem] = useState<Problem>(noProblem);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const name = String(form.get('name') ?? '').trim();
    const password = String(form.get('password') ?? '');
    const missing = requireFields({ password }, { password: 'Enter a password.' });
    if (missing) {
      setProblem(missing);
      return;
    }
    const result = await accept({ input: { token, name: name || null, password } });
    const p = describeError(result.error, ['name', 'password'], {
      NOT_FOUND: 'This invitation has expired or has already been used. Ask whoever invited you for a new link.',
    });
    setProblem(p);
    const viewer = result.data?.acceptInvitation.viewer;
    if (!hasProblem(p) && viewer) {
      enterApp(homeFor(viewer.role));
    }
  }

  return (
    <AuthCard title="Join your team on Ferrodesk" subtitle="You’ve been invited. Enter a password to accept.">
      <form className="stack" noValidate onSubmit={(e) => void submit(e)}>
        {problem.message && <Alert>{problem.message}</Alert>}
        <div className="auth__explain">
          <p>
            <strong>New to Ferrodesk?</strong> Choose a new password of at least 10 characters.
          </p>
          <p>
            <strong>Already have a Ferrodesk account</strong> with this address, in another organisation? Enter that
            account’s password: it stays the same everywhere.
          </p>
        </div>
        <TextField
          label="Your name"
          name="name"
          autoComplete="name"
          optional
          hint="How your teammates will see you. Leave it to keep the name you were invited with."
          error={problem.fields.name}
        />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          hint="A new one, unless you already have a Ferrodesk account: then that account’s password."
          error={problem.fields.password}
        />
        <Button type="submit" variant="primary" loading={fetching}>
          Accept invitation
        </Button>
      </form>
    </AuthCard>
  );
}
