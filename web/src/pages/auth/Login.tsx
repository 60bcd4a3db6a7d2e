import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useMutation } from 'urql';
import { describeError, hasProblem, noProblem, type Problem } from '../../api/errors';
import { afterSignIn } from '../../auth/roles';
import { enterApp } from '../../auth/session';
import { graphql } from '../../gql';
import { Button } from '../../ui/Button';
import { Alert } from '../../ui/Feedback';
import { TextField } from '../../ui/Field';
import { AuthCard } from './AuthLayout';
import { requireFields } from './forms';
import { loginNotice } from './mailedLink';

const LogInDocument = graphql(`
  mutation LogIn($input: LogInInput!) {
    logIn(input: $input) {
      viewer {
        id
        role
      }
    }
  }
`);

const FIELDS = ['email', 'password', 'organizationSlug'] as const;

export default function Login() {
  const [search] = useSearchParams();
  const [{ fetching }, logIn] = useMutation(LogInDocument);
  const [problem, setProblem] = useState<Problem>(noProblem);
  const [showOrg, setShowOrg] = useState(false);
  const notice = loginNotice(search.get('notice'));

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const email = String(form.get('email') ?? '').trim();
    const password = String(form.get('password') ?? '');
    const organizationSlug = String(form.get('organizationSlug') ?? '').trim();
    const missing = requireFields({ email, password }, { email: 'Enter your email.', password: 'Enter your password.' });
    if (missing) {
      setProblem(missing);
      return;
    }
    const result = await logIn({ input: { email, password, organizationSlug: organizationSlug || null } });
    const p = describeError(result.error, FIELDS);
    setProblem(p);
    if (p.fields.organizationSlug) setShowOrg(true);
    const viewer = result.data?.logIn.viewer;
    if (!hasProblem(p) && viewer) {
      enterApp(afterSignIn(viewer.role, search.get('next')));
    }
  }

  return (
    <AuthCard
      title="Log in to Ferrodesk"
      subtitle="Welcome back."
      footer={
        <>
          New here? <Link to="/">Create a workspace</Link>
        </>
      }
    >
      <form className="stack" noValidate onSubmit={(e) => void submit(e)}>
        {notice && !problem.message && <Alert tone="info">{notice}</Alert>}
        {problem.message && <Alert>{problem.message}</Alert>}
        {problem.code === 'UNAUTHENTICATED' && (
          <p className="small muted">
            Signed up recently? Your password works once you have opened the confirmation link we emailed you.
          </p>
        )}
        <TextField label="Email" name="email" type="email" autoComplete="email" autoFocus error={problem.fields.email} />
        <TextField label="Password" name="password" type="password" autoComplete="current-password" error={problem.fields.password} />
        <Link to="/account/forgot" className="link-button auth__more">
          Forgot your password?
        </Link>
        {showOrg ? (
          <TextField
            label="Organisation"
            name="organizationSlug"
            hint="Its workspace address, e.g. acme. Needed when you belong to more than one."
            error={problem.fields.organizationSlug}
            autoCapitalize="none"
            spellCheck={false}
          />
        ) : (
          <button type="button" className="link-button auth__more" onClick={() => setShowOrg(true)}>
            I belong to more than one organisation
          </button>
        )}
        <Button type="submit" variant="primary" loading={fetching}>
          Log in
        </Button>
      </form>
    </AuthCard>
  );
}
