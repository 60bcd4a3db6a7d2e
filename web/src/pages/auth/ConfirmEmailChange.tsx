// The link mailed to a new address: the account moves there and every session ends (a session
// started under the old address should not outlive it), so the person signs in again.
import { useEffect } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation } from 'urql';
import { enterApp } from '../../auth/session';
import { graphql } from '../../gql';
import { Alert, Spinner } from '../../ui/Feedback';
import { AuthCard } from './AuthLayout';
import { useMailedLink } from './mailedLink';

const ConfirmEmailChangeDocument = graphql(`
  mutation ConfirmEmailChange($token: String!) {
    confirmEmailChange(token: $token)
  }
`);

export default function ConfirmEmailChange() {
  const { token = '' } = useParams();
  const [, confirm] = useMutation(ConfirmEmailChangeDocument);
  const state = useMailedLink(() => confirm({ token }), {
    NOT_FOUND: 'This link has expired or has already been used. Your address has not changed.',
  });
  const done = state.status === 'done';
  // A full load: whatever the app still holds belongs to the session that just ended.
  useEffect(() => {
    if (done) enterApp('/login?notice=email-changed');
  }, [done]);

  if (state.status === 'failed') {
    return (
      <AuthCard title="Your address was not changed">
        <div className="stack">
          <Alert>{state.problem.message}</Alert>
          <p className="muted">
            To try again, <Link to="/login">log in</Link> with your current address and ask for the change on your account page.
          </p>
        </div>
      </AuthCard>
    );
  }
  return (
    <AuthCard title={done ? 'Your address has changed' : 'Changing your address'}>
      {done ? (
        <p>
          Log in with your new address. <Link to="/login?notice=email-changed">Go to log in</Link>
        </p>
      ) : (
        <Spinner label="Changing your address" />
      )}
    </AuthCard>
  );
}
