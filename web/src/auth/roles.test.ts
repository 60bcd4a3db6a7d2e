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
    expect(afterSignIn('AGENT', '/tickets/INC-0001')).toBe('/tickets/INC-0001');
    expect(afterSignIn('REQUESTER', '/tickets/INC-0001')).toBe('/portal');
    expect(afterSignIn('REQUESTER', '/portal/tickets/INC-0001')).toBe('/portal/tickets/INC-0001');
    expect(afterSignIn('AGENT', '/admin/members')).toBe('/queue');
    expect(afterSignIn('OWNER', null)).toBe('/queue');
    expect(afterSignIn('OWNER', '/%09/evil.example')).toBe('/queue');
  });
});

describe('safeNext', () => {
  it('keeps paths of this app, query strings and fragments included', () => {
    for (const path of ['/queue', '/queue?view=all&q=printer+jam', '/tickets/INC-0001?compose=reply', '/portal/tickets/REQ-0002#latest', '/admin/email?code=ABCD']) {
      expect(safeNext(path)).toBe(path);
    }
    expect(safeNext('/queue?q=100%25')).toBe('/queue?q=100%25');
  });

  it('refuses other sites, however they are spelled', () => {
    const attempts = [
      '//evil',
      '//evil.example/x',
      '/\\evil',
      '/\\/evil.example',
      'https://x',
      'https://evil.example',
      'javascript:alert(1)',
      'evil.example',
      // Browsers drop tabs and newlines: each of these would become //evil.example.
      '/%09/evil.example',
      '/%0a/evil.example',
      '/%0D%0A/evil.example',
      '/\t/evil.example',
      '/\n/evil.example',
      // Encoded twice, or with an encoded slash or backslash.
      '/%2509/evil.example',
      '/%2F/evil.example',
      '/%5C/evil.example',
      '/%5c%5cevil.example',
    ];
    for (const attempt of attempts) expect(safeNext(attempt), attempt).toBeNull();
  });

  it('refuses whitespace and control characters anywhere, and nothing at all', () => {
    expect(safeNext('/queue?q=a%20b')).toBeNull();
    expect(safeNext('/queue\u0000')).toBeNull();
    expect(safeNext('/queue\u2028')).toBeNull();
    expect(safeNext('')).toBeNull();
    expect(safeNext(null)).toBeNull();
    expect(safeNext(undefined)).toBeNull();
  });
});
