// A new password from the link in a reset mail: it signs the person in, here only (every other
// session of theirs ends), and proves the address as a confirmation link would.
import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
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

const ResetPasswordDocument = graphql(`
  mutation ResetPassword($input: ResetPasswordInput!) {
    resetPassword(input: $input) {
      viewer {
        id
        role
      }
    }
  }
`);

const LINK_GONE = 'This link has expired or has already been used.';

export default function ResetPassword() {
  const { token = '' } = useParams();
  const [{ fetching }, reset] = useMutation(ResetPasswordDocument);
  const [problem, setProblem] = useState<Problem>(noProblem);
  const [showOrg, setShowOrg] = useState(false);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const password = String(form.get('password') ?? '');
    const organizationSlug = String(form.get('organizationSlug') ?? '').trim();
    const missing = requireFields({ password }, { password: 'Choose a password of at least 10 characters.' });
    if (missing) {
      setProblem(missing);
      return;
    }
    const result = await reset({ input: { token, password, organizationSlug: organizationSlug || null } });
    const p = describeError(result.error, ['password', 'organizationSlug'], { NOT_FOUND: LINK_GONE });
    setProblem(p);
    if (p.fields.organizationSlug) setShowOrg(true);
    const viewer = result.data?.resetPassword.viewer;
    if (!hasProblem(p) && viewer) enterApp(homeFor(viewer.role));
  }

  return (
    <AuthCard
      title="Choose a new password"
      subtitle="Setting it signs you in here and out everywhere else."
      footer={
        <>
          Remembered it after all? <Link to="/login">Log in</Link>
        </>
      }
    >
      <form className="stack" noValidate onSubmit={(e) => void submit(e)}>
        {problem.message && (
          <Alert>
            {problem.message}
            {problem.code === 'NOT_FOUND' && (
              <>
                {' '}
                <Link to="/account/forgot">Ask for a new link</Link>.
              </>
            )}
          </Alert>
        )}
        <TextField
          label="New password"
          name="password"
          type="password"
          autoComplete="new-password"
          autoFocus
          hint="At least 10 characters."
          error={problem.fields.password}
        />
        {showOrg ? (
          <TextField
            label="Organisation"
            name="organizationSlug"
            optional
            hint="Its workspace address, e.g. acme: where to sign you in when you belong to more than one."
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
          Set password and log in
        </Button>
      </form>
    </AuthCard>
  );
}
