// The signed-in person and their organisation, and the GraphQL client that acts for them.
// Signing in or out loads the app afresh (`enterApp`, `signOut`): nothing cached for one person can
// be shown to the next, and the live connection starts again with the new session cookie.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { Provider, useMutation, useQuery } from 'urql';
import { createApiClient, type LiveStatus } from '../api/client';
import { publishTicketChange } from '../api/live';
import { graphql } from '../gql';
import type { ViewerQuery } from '../gql/graphql';
import { PageLoading } from '../ui/Feedback';
import { homeFor, mayEnter, type Area } from './roles';

const ViewerDocument = graphql(`
  query Viewer {
    viewer {
      id
      name
      email
      role
    }
    account {
      email
      emailConfirmed
    }
    organization {
      id
      name
      slug
      timeZone
      isDemo
      demo {
        nextResetAt
      }
    }
  }
`);

const LogOutDocument = graphql(`
  mutation LogOut {
    logOut
  }
`);

export type Viewer = NonNullable<ViewerQuery['viewer']>;
export type Organization = NonNullable<ViewerQuery['organization']>;
export type Account = NonNullable<ViewerQuery['account']>;

interface SessionValue {
  viewer: Viewer | null;
  organization: Organization | null;
  /** The person's own account (the same in every organisation): address and whether it is confirmed. */
  account: Account | null;
  loading: boolean;
  liveStatus: LiveStatus;
  signOut: () => Promise<void>;
  /** Asks the gateway again, after something changed what it would answer (an address confirmed). */
  refresh: () => void;
}

/** After signing in, signing up or accepting an invitation: load the app as the new session. */
export function enterApp(path: string): void {
  window.location.assign(path);
}

const SessionContext = createContext<SessionValue | null>(null);
const ApiContext = createContext<{ liveStatus: LiveStatus; onSessionLost: { current: () => void } } | null>(null);

export function ApiProvider({ children }: { children: ReactNode }) {
  const [liveStatus, setLiveStatus] = useState<LiveStatus>('connecting');
  const onSessionLost = useRef<() => void>(() => {});
  const [api] = useState(() =>
    createApiClient({
      onSessionLost: () => onSessionLost.current(),
      onLiveStatus: setLiveStatus,
      onLiveResumed: () => publishTicketChange(null),
    }),
  );
  useEffect(() => () => api.dispose(), [api]);
  const value = useMemo(() => ({ liveStatus, onSessionLost }), [liveStatus]);
  return (
    <ApiContext.Provider value={value}>
      <Provider value={api.client}>{children}</Provider>
    </ApiContext.Provider>
  );
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const api = useContext(ApiContext);
  if (!api) throw new Error('SessionProvider outside ApiProvider');
  const [{ data, fetching, error }, reexecute] = useQuery({ query: ViewerDocument });
  const [, logOut] = useMutation(LogOutDocument);
  // A query refused as UNAUTHENTICATED: ask again who is signed in; if nobody, pages redirect.
  api.onSessionLost.current = () => reexecute({ requestPolicy: 'network-only' });
  const signOut = useCallback(async () => {
    await logOut({});
    enterApp('/login');
  }, [logOut]);
  const refresh = useCallback(() => reexecute({ requestPolicy: 'network-only' }), [reexecute]);
  const value = useMemo<SessionValue>(
    () => ({
      viewer: data?.viewer ?? null,
      organization: data?.organization ?? null,
      account: data?.account ?? null,
      loading: fetching && !data && !error,
      liveStatus: api.liveStatus,
      signOut,
      refresh,
    }),
    [data, fetching, error, api.liveStatus, signOut, refresh],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

/** The signed-in viewer, for pages behind `RequireArea` (which guarantees one). */
export function useViewer(): { viewer: Viewer; organization: Organization | null } {
  const { viewer, organization } = useSession();
  if (!viewer) throw new Error('useViewer outside RequireArea');
  return { viewer, organization };
}

/**
 * Renders its pages only for people who may enter the area: others go to sign-in (and come back),
 * or to their own home. The gateway refuses them anyway; this keeps them from seeing a broken page.
 */
export function RequireArea({ area, children }: { area: Area; children: ReactNode }) {
  const { viewer, loading } = useSession();
  const location = useLocation();
  if (loading) return <PageLoading />;
  if (!viewer) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/login?next=${next}`} replace />;
  }
  if (!mayEnter(viewer.role, area)) return <Navigate to={homeFor(viewer.role)} replace />;
  return <>{children}</>;
}
