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

/** A `?next=` target, only if it is a path of this app (never another site). */
export function safeNext(next: string | null | undefined): string | null {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return null;
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
