// What the app says about the organisation's subscription. The gateway decides read-only (one
// rule, `ferrodesk_core::billing`); this only chooses the words and who sees them.
import { formatDate } from './format';

export interface SubscriptionState {
  status: string;
  trialEndsAt?: string | null;
  currentPeriodEnd?: string | null;
  graceEndsAt?: string | null;
  interval?: 'MONTHLY' | 'YEARLY' | null;
  cancelAtPeriodEnd: boolean;
  billingEnabled: boolean;
  readOnly: boolean;
  readOnlyReason?: string | null;
}

export interface BillingNotice {
  tone: 'danger' | 'warning' | 'info';
  text: string;
  /** Owners and admins get a link to the billing page. */
  action: boolean;
}

const DAY = 86_400_000;
/** The trial's end is announced to admins this long before. */
const TRIAL_WARNING_DAYS = 3;

/** The banner for this person, or null. Read-only is shown to everyone; money matters to admins. */
export function billingNotice(sub: SubscriptionState | null | undefined, admin: boolean, now = Date.now()): BillingNotice | null {
  if (!sub || !sub.billingEnabled) return null;
  if (sub.readOnly) {
    const why = sub.readOnlyReason ?? 'This organisation is read-only.';
    return { tone: 'danger', text: `${why} Everything can still be read and exported; nothing has been deleted.`, action: admin };
  }
  if (!admin) return null;
  if (sub.status === 'past_due') {
    const until = sub.graceEndsAt ? ` before ${formatDate(sub.graceEndsAt)}` : '';
    return {
      tone: 'warning',
      text: `A payment failed. Update the card${until} to keep this organisation writable.`,
      action: true,
    };
  }
  if (sub.status === 'trialing' && !sub.interval && sub.trialEndsAt) {
    const left = Date.parse(sub.trialEndsAt) - now;
    if (left <= TRIAL_WARNING_DAYS * DAY) {
      const days = Math.max(1, Math.ceil(left / DAY));
      return {
        tone: 'info',
        text: `The free trial ends in ${days} ${days === 1 ? 'day' : 'days'} (${formatDate(sub.trialEndsAt)}). Choose a plan to keep working.`,
        action: true,
      };
    }
  }
  if (sub.status === 'active' && sub.cancelAtPeriodEnd && sub.currentPeriodEnd) {
    return {
      tone: 'info',
      text: `The subscription is cancelled and ends on ${formatDate(sub.currentPeriodEnd)}; the organisation becomes read-only then.`,
      action: true,
    };
  }
  return null;
}

const STATUS_LABELS: Record<string, string> = {
  trialing: 'Free trial',
  active: 'Active',
  past_due: 'Payment failed',
  canceled: 'Cancelled',
  unpaid: 'Unpaid',
};

export function statusLabel(status: string): string {
  return STATUS_LABELS[status] ?? status;
}

/** Whether the billing page offers Checkout (no running subscription) or the portal. */
export function canSubscribe(sub: SubscriptionState): boolean {
  return !sub.interval || sub.status === 'canceled' || sub.status === 'unpaid';
}
