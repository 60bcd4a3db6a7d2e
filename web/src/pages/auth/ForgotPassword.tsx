// Asks for a password-reset link. The answer is the same whether or not the address has an
// account (the gateway tells nobody which addresses it knows), so the page says "if".
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useMutation } from 'urql';
import { describeError, hasProblem, noProblem, type Problem } from '../../api/errors';
import { graphql } from '../../gql';
import { Button } from '../../ui/Button';
import { Alert } from '../../ui/Feedback';
import { TextField } from '../../ui/Field';
import { AuthCard } from './AuthLayout';
import { requireFields } from './forms';

const RequestPasswordResetDocument = graphql(`
  mutation RequestPasswordReset($email: String!) {
    requestPasswordReset(email: $email)
  }
`);

export default function ForgotPassword() {
  const [{ fetching }, request] = useMutation(RequestPasswordResetDocument);
  const [problem, setProblem] = useState<Problem>(noProblem);
  const [sentTo, setSentTo] = useState<string | null>(null);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const email = String(new FormData(e.currentTarget).get('email') ?? '').trim();
    const missing = requireFields({ email }, { email: 'Enter the email you sign in with.' });
    if (missing) {
      setProblem(missing);
      return;
    }
    const result = await request({ email });
    const p = describeError(result.error, ['email']);
    setProblem(p);
    if (!hasProblem(p)) setSentTo(email);
  }

  const footer = (
    <>
      Remembered it? <Link to="/login">Log in</Link>
    </>
  );

  if (sentTo) {
    return (
      <AuthCard title="Check your email" footer={footer}>
        <div className="stack">
          <Alert tone="info">If an account exists for {sentTo}, we sent a link to it to choose a new password.</Alert>
          <p className="muted">
            The link works once, for an hour. Nothing there? Look in the spam folder, or{' '}
            <button type="button" className="link-button" onClick={() => setSentTo(null)}>
              try another address
            </button>
            .
          </p>
        </div>
      </AuthCard>
    );
  }

  return (
    <AuthCard title="Reset your password" subtitle="Enter the email you sign in with. We’ll send you a link to choose a new password." footer={footer}>
      <form className="stack" noValidate onSubmit={(e) => void submit(e)}>
        {problem.message && <Alert>{problem.message}</Alert>}
        <TextField label="Email" name="email" type="email" autoComplete="email" autoFocus error={problem.fields.email} />
        <Button type="submit" variant="primary" loading={fetching}>
          Send link
        </Button>
      </form>
    </AuthCard>
  );
}
