import { describe, expect, it } from 'vitest';
import { afterSignIn, homeFor, mayEnter, safeNext } from './roles';

describe('roles', () => {
  it('sends each role to its own home', () => {
    expect(homeFor('OWNER')).toBe('/queue');
    expect(homeFor('AGENT')).toBe('/queue');
    expect(homeFor('STAKEHOLDER')).toBe('/overview');
    expect(homeFor('REQUESTER')).toBe('/portal');
    expect(homeFor(null)).toBe('/portal');
  });

  it('keeps requesters and stakeholders out of the agent workspace and admin', () => {
    expect(mayEnter('REQUESTER', 'agent')).toBe(false);
    expect(mayEnter('REQUESTER', 'overview')).toBe(false);
    expect(mayEnter('STAKEHOLDER', 'agent')).toBe(false);
    expect(mayEnter('STAKEHOLDER', 'overview')).toBe(true);
    expect(mayEnter('AGENT', 'admin')).toBe(false);
    expect(mayEnter('ADMIN', 'admin')).toBe(true);
    expect(mayEnter('AGENT', 'portal')).toBe(false);
  });

  it('follows ?next= only within the app and only where the role may go', () => {
    expect(safeNext('//evil.example/x')).toBeNull();
    expect(safeNext('https://evil.example')).toBeNull();
    expect(safeNext('/\\evil.example')).toBeNull();
    expect(afterSignIn('AGENT', '/tickets/INC-0001')).toBe('/tickets/INC-0001');
    expect(afterSignIn('REQUESTER', '/tickets/INC-0001')).toBe('/portal');
    expect(afterSignIn('REQUESTER', '/portal/tickets/INC-0001')).toBe('/portal/tickets/INC-0001');
    expect(afterSignIn('AGENT', '/admin/members')).toBe('/queue');
    expect(afterSignIn('OWNER', null)).toBe('/queue');
  });
});
