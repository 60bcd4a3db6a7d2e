import { describe, expect, it } from 'vitest';
import { globalId } from '../../lib/ids';
import { describeEvent, describeNotice, type Names } from './audit';

const ada = '0190a1b2-0000-7000-8000-000000000001';
const vpn = '0190a1b2-0000-7000-8000-000000000002';
const names: Names = {
  person: (id) => (id === globalId('User', ada) ? 'Ada Lovelace' : undefined),
  category: (id) => (id === globalId('Category', vpn) ? 'VPN' : undefined),
};

describe('audit trail sentences', () => {
  it('names what changed, with the people and categories the page knows', () => {
    const lines = describeEvent(
      {
        action: 'ticket.updated',
        changes: {
          status: { from: 'new', to: 'open' },
          priority: { from: 'P3', to: 'P1' },
          assignee: { from: null, to: ada },
          category: { from: null, to: vpn },
          tags: { from: [], to: ['vpn', 'remote'] },
        },
      },
      names,
    );
    expect(lines).toEqual([
      'changed status from New to Open',
      'changed priority from P3 · Medium to P1 · Critical',
      'assigned it to Ada Lovelace',
      'set the category to VPN',
      'changed the tags to vpn, remote',
    ]);
  });

  it('says when a reply reopened the ticket, and copes with unknown ids and actions', () => {
    expect(
      describeEvent({ action: 'ticket.reply_added', changes: { status: { from: 'pending', to: 'open' }, internal: false } }, names),
    ).toEqual(['replied to the requester', 'changed status from Pending to Open']);
    expect(describeEvent({ action: 'ticket.reply_added', changes: { staff: false } }, names)).toEqual(['replied']);
    expect(describeEvent({ action: 'ticket.updated', changes: { assignee: { from: 'x', to: null } } }, names)).toEqual([
      'unassigned a former member',
    ]);
    expect(describeEvent({ action: 'sla.policy_changed', changes: null }, names)).toEqual(['policy changed']);
  });

  it('tells of staff mail that its domain did not vouch for in a sentence of its own', () => {
    const event = {
      action: 'ticket.unverified_staff_mail',
      changes: { from: 'agent@acme.example', spf: 'fail', dkim: 'none', dmarc: 'fail' },
    };
    expect(describeNotice(event)).toBe(
      'Mail from agent@acme.example (a staff address) was not authenticated by its domain, so it was treated as a requester’s (SPF fail, DKIM none, DMARC fail).',
    );
    expect(describeNotice({ action: 'ticket.unverified_staff_mail', changes: null })).toBe(
      'Mail from an unknown sender (a staff address) was not authenticated by its domain, so it was treated as a requester’s.',
    );
    expect(describeNotice({ action: 'ticket.updated', changes: {} })).toBeNull();
  });
});
