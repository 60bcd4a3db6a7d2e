// Until a new account's address is confirmed, its password cannot sign in again: easy to miss
// right after sign-up, since the session it started goes on working. Dismissed, it stays away
// for the rest of the browser session only.
import { useState } from 'react';
import { useSession } from '../auth/session';
import { XIcon } from '../ui/icons';

const DISMISSED = 'ferrodesk.confirm-email-dismissed';

function dismissedFor(): string | null {
  try {
    return window.sessionStorage.getItem(DISMISSED);
  } catch {
    return null;
  }
}

export function ConfirmEmailBanner() {
  const { account, organization } = useSession();
  const [dismissed, setDismissed] = useState(dismissedFor);
  // The demo's people sign in by link, never by password.
  if (!account || account.emailConfirmed || organization?.isDemo || dismissed === account.email) return null;

  function dismiss(email: string) {
    try {
      window.sessionStorage.setItem(DISMISSED, email);
    } catch {
      // Private browsing without storage: dismissed for this page only.
    }
    setDismissed(email);
  }

  return (
    <div className="confirm-banner" role="status">
      <p>
        Confirm <strong>{account.email}</strong>: we sent you a link. Until then you cannot sign in again with your password.
      </p>
      <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => dismiss(account.email)}>
        <XIcon />
      </button>
    </div>
  );
}
