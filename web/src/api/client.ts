// The GraphQL client: queries and mutations as JSON POSTs to /graphql (the gateway refuses
// anything else, which is its CSRF defence), subscriptions over graphql-ws at /graphql/ws. Both
// ride the HttpOnly session cookie; the app never sees the token.
import { createClient as createLiveClient } from 'graphql-ws/client';
import { Client, cacheExchange, fetchExchange, mapExchange, subscriptionExchange } from 'urql';
import { errorCode } from './errors';

export type LiveStatus = 'connecting' | 'connected' | 'reconnecting';

export interface ApiClient {
  client: Client;
  dispose: () => void;
}

export function liveUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql/ws`;
}

export function createApiClient(handlers: {
  /** A query answered UNAUTHENTICATED: the session ended (expired, signed out elsewhere). */
  onSessionLost: () => void;
  onLiveStatus: (status: LiveStatus) => void;
  /** The live connection came back after a drop: changes may have been missed. */
  onLiveResumed: () => void;
}): ApiClient {
  let connectedBefore = false;
  const live = createLiveClient({
    url: liveUrl(window.location),
    lazy: true,
    keepAlive: 20_000,
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
    on: {
      connecting: () => handlers.onLiveStatus(connectedBefore ? 'reconnecting' : 'connecting'),
      connected: () => {
        handlers.onLiveStatus('connected');
        if (connectedBefore) handlers.onLiveResumed();
        connectedBefore = true;
      },
      closed: () => {
        if (connectedBefore) handlers.onLiveStatus('reconnecting');
      },
    },
  });

  const client = new Client({
    url: '/graphql',
    // GET /graphql is GraphiQL, never an operation.
    preferGetMethod: false,
    fetchOptions: { credentials: 'same-origin' },
    exchanges: [
      mapExchange({
        onError(error, operation) {
          if (operation.kind === 'query' && errorCode(error) === 'UNAUTHENTICATED') handlers.onSessionLost();
        },
      }),
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query ?? '' };
          return {
            subscribe(sink) {
              const unsubscribe = live.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
  return { client, dispose: () => void live.dispose() };
}
