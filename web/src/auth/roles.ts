// Who goes where. The gateway enforces every permission; these decide which pages the app offers
// and where it sends a person who opens a page that is not for them.
import type { MemberRole } from '../gql/graphql';

export type Area = 'agent' | 'admin' | 'overview' | 'portal';

/** A member whose role is unknown gets the least: the portal. */
export function roleOf(role: MemberRole | null | undefined): MemberRole {
  return role ?? 'REQUESTER';
}

export function isStaff(role: MemberRole | null | undefined): boolean {
  const r = roleOf(role);
  return r === 'OWNER' || r === 'ADMIN' || r === 'AGENT';
}

export function isAdmin(role: MemberRole | null | undefined): boolean {
  const r = roleOf(role);
  return r === 'OWNER' || r === 'ADMIN';
}

export function mayEnter(role: MemberRole | null | undefined, area: Area): boolean {
  const r = roleOf(role);
  switch (area) {
    case 'agent':
      return isStaff(r);
    case 'admin':
      return isAdmin(r);
    case 'overview':
      return isStaff(r) || r === 'STAKEHOLDER';
    case 'portal':
      return r === 'REQUESTER';
  }
}

export function homeFor(role: MemberRole | null | undefined): string {
  const r = roleOf(role);
  if (isStaff(r)) return '/queue';
  if (r === 'STAKEHOLDER') return '/overview';
  return '/portal';
}

const SOME_ORIGIN = 'https://ferrodesk.invalid';

/** Every valid percent-escape undone once; a stray `%` stays as it is (it hides nothing). */
function decodeOnce(text: string): string {
  return text.replace(/(?:%[0-9a-f]{2})+/gi, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

/** Percent-escapes undone until nothing changes; null for an escape nested deeper than anyone needs. */
function fullyDecoded(text: string): string | null {
  let current = text;
  for (let round = 0; round < 4; round++) {
    const next = decodeOnce(current);
    if (next === current) return current;
    current = next;
  }
  return null;
}

/** A path of this app: one slash, then no second slash or backslash that would name a host. */
function looksLikePath(text: string): boolean {
  return text.startsWith('/') && !text.startsWith('//') && !text.startsWith('/\\');
}

/**
 * A `?next=` target, only if it is a path of this app (never another site). Browsers drop tabs and
 * newlines from a URL and read `\` as `/`, so `/%09/evil.example` would become `//evil.example`,
 * another host: the target is judged decoded as well as raw, must hold no whitespace or control
 * character at all, and must resolve to the origin it started from.
 */
export function safeNext(next: string | null | undefined): string | null {
  if (!next) return null;
  const decoded = fullyDecoded(next);
  if (decoded === null || !looksLikePath(next) || !looksLikePath(decoded)) return null;
  if (/[\s\p{Cc}]/u.test(decoded)) return null;
  for (const form of [next, decoded]) {
    try {
      if (new URL(form, SOME_ORIGIN).origin !== SOME_ORIGIN) return null;
    } catch {
      return null;
    }
  }
  return next;
}

/** Where to go after signing in: the page that asked, when the role may see it, else home. */
export function afterSignIn(role: MemberRole | null | undefined, next: string | null | undefined): string {
  const target = safeNext(next);
  if (!target) return homeFor(role);
  const area: Area | null = target.startsWith('/admin')
    ? 'admin'
    : target.startsWith('/overview')
      ? 'overview'
      : target.startsWith('/portal')
        ? 'portal'
        : target.startsWith('/queue') || target.startsWith('/tickets')
          ? 'agent'
          : null;
  return area === null || mayEnter(role, area) ? target : homeFor(role);
}
