// The pages that mailed links open: each token works once, so its action runs once.
import { useEffect, useRef, useState } from 'react';
import type { CombinedError } from 'urql';
import { describeError, hasProblem, type ErrorCode, type Problem } from '../../api/errors';

export type LinkState = { status: 'working' } | { status: 'done' } | { status: 'failed'; problem: Problem };

/**
 * Runs a link's action as its page opens, and says how it went. Never twice: a second call would
 * find the token spent and report the link as used (React's development double mount included).
 */
export function useMailedLink(
  run: () => Promise<{ error?: CombinedError | undefined }>,
  overrides: Partial<Record<ErrorCode, string>>,
): LinkState {
  const [state, setState] = useState<LinkState>({ status: 'working' });
  const started = useRef(false);
  const action = useRef({ run, overrides });
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    void action.current.run().then((result) => {
      const problem = describeError(result.error, [], action.current.overrides);
      setState(hasProblem(problem) ? { status: 'failed', problem } : { status: 'done' });
    });
  }, []);
  return state;
}

/** What the login page may be asked to say (`/login?notice=…`): fixed sentences, never text from the URL. */
export const LOGIN_NOTICES = {
  'email-changed': 'Your address has changed and every session has ended. Log in with your new address.',
} as const;

export function loginNotice(key: string | null): string | null {
  return key !== null && Object.hasOwn(LOGIN_NOTICES, key) ? LOGIN_NOTICES[key as keyof typeof LOGIN_NOTICES] : null;
}
