// A GraphQL client that answers from a script instead of the gateway, for component tests.
import { Client, makeResult, type Exchange, type Operation, type OperationResult } from 'urql';
import { filter, map, pipe } from 'wonka';

export type Answer = (op: Operation) => OperationResult;

export function scriptedClient(answer: Answer): Client {
  const scripted: Exchange = () => (operations) =>
    pipe(
      operations,
      filter((op) => op.kind !== 'teardown'),
      map((op) => answer(op)),
    );
  return new Client({ url: '/graphql', exchanges: [scripted] });
}

/** The name the document gives its operation ("ConfirmEmail"). */
export function operationName(op: Operation): string {
  for (const definition of op.query.definitions) {
    if (definition.kind === 'OperationDefinition') return definition.name?.value ?? '';
  }
  return '';
}

export function answerData(op: Operation, data: Record<string, unknown>): OperationResult {
  return makeResult(op, { data });
}

export function answerError(op: Operation, message: string, extensions: Record<string, unknown>): OperationResult {
  return makeResult(op, { data: null, errors: [{ message, extensions }] });
}

/** What the session query answers: nobody signed in, or someone. */
export function viewerData(
  viewer: { role: string; name?: string; email?: string } | null,
  account: { email: string; emailConfirmed: boolean } | null = null,
  organization: { name?: string; isDemo?: boolean } = {},
): Record<string, unknown> {
  if (!viewer) return { viewer: null, account: null, organization: null };
  return {
    viewer: { __typename: 'User', id: 'u1', name: 'Ada Lovelace', email: 'ada@acme.example', ...viewer },
    account: account && { __typename: 'Account', ...account },
    organization: {
      __typename: 'Organization',
      id: 'o1',
      name: 'Acme',
      slug: 'acme',
      timeZone: 'UTC',
      isDemo: false,
      demo: null,
      ...organization,
    },
  };
}
