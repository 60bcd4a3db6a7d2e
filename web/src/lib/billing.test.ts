import { describe, expect, it } from 'vitest';
import { billingNotice, canSubscribe, type SubscriptionState } from './billing';

const now = Date.parse('2026-11-22T12:00:00Z');
const base: SubscriptionState = {
  status: 'trialing',
  trialEndsAt: '2026-12-06T12:00:00Z',
  currentPeriodEnd: null,
  graceEndsAt: null,
  interval: null,
  cancelAtPeriodEnd: false,
  billingEnabled: true,
  readOnly: false,
  readOnlyReason: null,
};

describe('billingNotice', () => {
  it('says nothing when billing is off, whatever the state', () => {
    expect(billingNotice({ ...base, billingEnabled: false, readOnly: true, status: 'canceled' }, true, now)).toBeNull();
  });

  it('tells everyone when the organisation is read-only, and only admins get the way out', () => {
    const sub = { ...base, status: 'past_due', readOnly: true, readOnlyReason: 'A payment is overdue, so this organisation is read-only until the payment succeeds.' };
    const agent = billingNotice(sub, false, now);
    expect(agent?.tone).toBe('danger');
    expect(agent?.text).toContain('A payment is overdue');
    expect(agent?.text).toContain('can still be read and exported');
    expect(agent?.action).toBe(false);
    expect(billingNotice(sub, true, now)?.action).toBe(true);
  });

  it('warns admins, not agents, during the grace period', () => {
    const sub = { ...base, status: 'past_due', interval: 'MONTHLY' as const, graceEndsAt: '2026-11-29T12:00:00Z' };
    expect(billingNotice(sub, false, now)).toBeNull();
    const notice = billingNotice(sub, true, now);
    expect(notice?.tone).toBe('warning');
    expect(notice?.text).toMatch(/A payment failed\. Update the card before .*29.* to keep this organisation writable\./);
  });

  it('announces the end of the trial three days ahead', () => {
    expect(billingNotice(base, true, now)).toBeNull();
    const soon = { ...base, trialEndsAt: '2026-11-24T11:00:00Z' };
    expect(billingNotice(soon, true, now)?.text).toContain('The free trial ends in 2 days');
    expect(billingNotice({ ...soon, trialEndsAt: '2026-11-22T18:00:00Z' }, true, now)?.text).toContain('in 1 day');
  });

  it('reminds admins of a cancelled subscription', () => {
    const sub = { ...base, status: 'active', interval: 'YEARLY' as const, cancelAtPeriodEnd: true, currentPeriodEnd: '2027-01-01T00:00:00Z' };
    expect(billingNotice(sub, true, now)?.text).toContain('cancelled and ends on');
  });
});

describe('canSubscribe', () => {
  it('offers Checkout without a running subscription, the portal with one', () => {
    expect(canSubscribe(base)).toBe(true);
    expect(canSubscribe({ ...base, status: 'active', interval: 'MONTHLY' })).toBe(false);
    expect(canSubscribe({ ...base, status: 'past_due', interval: 'MONTHLY' })).toBe(false);
    expect(canSubscribe({ ...base, status: 'canceled', interval: 'MONTHLY' })).toBe(true);
  });
});
