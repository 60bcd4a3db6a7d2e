// API errors as sentences a person can act on, next to the field they concern. Every GraphQL
// error from the gateway carries `extensions.code`; input errors also carry `extensions.field`
// (the camelCase input field), which forms map to their own fields.
import type { CombinedError } from 'urql';

export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'READ_ONLY_TENANT'
  | 'INTERNAL';

export interface Problem {
  /** Field name → sentence, for the fields the form shows. */
  fields: Record<string, string>;
  /** A problem with the whole form (or a field the form does not show). */
  message: string | null;
  code: ErrorCode | null;
}

export const noProblem: Problem = { fields: {}, message: null, code: null };

export function hasProblem(p: Problem): boolean {
  return p.message !== null || Object.keys(p.fields).length > 0;
}

/** "the slug is already taken" → "The slug is already taken." An email address leads as it is. */
export function sentence(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return trimmed;
  const capital = /^[^\s@]+@/.test(trimmed) ? trimmed : trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

function retryIn(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? 'a minute' : `${minutes} minutes`;
}

const NETWORK = 'We couldn’t reach Ferrodesk. Check your connection and try again.';
const INTERNAL = 'Something went wrong on our side. Try again in a moment.';

/** A sentence for one error, by its code. `overrides` replaces the sentence for some codes. */
function messageFor(
  code: ErrorCode | null,
  message: string,
  extensions: Record<string, unknown>,
  overrides: Partial<Record<ErrorCode, string>>,
): string {
  if (code && overrides[code]) return overrides[code];
  switch (code) {
    case 'RATE_LIMITED':
      // Too many attempts say when to try again; a spent mail quota explains itself instead.
      return typeof extensions.retryAfterSeconds === 'number'
        ? `Too many attempts. Try again in ${retryIn(extensions.retryAfterSeconds)}.`
        : sentence(message);
    case 'INTERNAL':
    case null:
      return INTERNAL;
    case 'NOT_FOUND':
      return 'We couldn’t find that. It may have been removed, or you may not have access to it.';
    default:
      return sentence(message);
  }
}

/**
 * Splits an operation's error into per-field sentences (for `fields` the form shows) and one
 * sentence for the rest.
 */
export function describeError(
  error: CombinedError | undefined,
  fields: readonly string[] = [],
  overrides: Partial<Record<ErrorCode, string>> = {},
): Problem {
  if (!error) return noProblem;
  if (error.networkError && error.graphQLErrors.length === 0) {
    return { fields: {}, message: NETWORK, code: null };
  }
  const result: Problem = { fields: {}, message: null, code: null };
  for (const e of error.graphQLErrors) {
    const extensions = (e.extensions ?? {}) as Record<string, unknown>;
    const code = typeof extensions.code === 'string' ? (extensions.code as ErrorCode) : null;
    const field = typeof extensions.field === 'string' ? extensions.field : null;
    result.code ??= code;
    if (field && fields.includes(field) && (code === 'BAD_USER_INPUT' || code === 'CONFLICT')) {
      result.fields[field] ??= sentence(e.message);
    } else {
      result.message ??= messageFor(code, e.message, extensions, overrides);
    }
  }
  return result;
}

/** The code of an operation's first GraphQL error, if any. */
export function errorCode(error: CombinedError | undefined): ErrorCode | null {
  const code = error?.graphQLErrors[0]?.extensions?.code;
  return typeof code === 'string' ? (code as ErrorCode) : null;
}
