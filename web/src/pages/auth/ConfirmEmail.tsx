// The link sign-up mails: confirming the address is what lets its password sign in again.
import { useEffect } from 'react';
import { Link, useParams } from 'react-router';
import { useMutation } from 'urql';
import { homeFor } from '../../auth/roles';
import { useSession } from '../../auth/session';
import { graphql } from '../../gql';
import { Alert, Spinner } from '../../ui/Feedback';
import { AuthCard } from './AuthLayout';
import { useMailedLink } from './mailedLink';

const ConfirmEmailDocument = graphql(`
  mutation ConfirmEmail($token: String!) {
    confirmEmail(token: $token)
  }
`);

export default function ConfirmEmail() {
  const { token = '' } = useParams();
  const { viewer, refresh } = useSession();
  const [, confirm] = useMutation(ConfirmEmailDocument);
  const state = useMailedLink(() => confirm({ token }), {
    NOT_FOUND: 'This confirmation link has expired or has already been used.',
  });
  // The banner that asks to confirm goes once the session knows.
  const done = state.status === 'done';
  useEffect(() => {
    if (done) refresh();
  }, [done, refresh]);

  if (state.status === 'working') {
    return (
      <AuthCard title="Confirming your address">
        <Spinner label="Confirming your address" />
      </AuthCard>
    );
  }
  if (state.status === 'failed') {
    return (
      <AuthCard title="This link did not work">
        <div className="stack">
          <Alert>{state.problem.message}</Alert>
          {state.problem.code === 'NOT_FOUND' && (
            <p className="muted">
              If you confirmed your address already, just <Link to="/login">log in</Link>. Otherwise,{' '}
              <Link to="/account/forgot">reset your password</Link>: opening the link we send confirms your address too.
            </p>
          )}
        </div>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Your address is confirmed" subtitle="From now on, your password signs you in.">
      {viewer ? (
        <Link to={homeFor(viewer.role)} className="btn btn--primary btn--md">
          Continue to Ferrodesk
        </Link>
      ) : (
        <Link to="/login" className="btn btn--primary btn--md">
          Log in
        </Link>
      )}
    </AuthCard>
  );
}
