// The subscription as the whole app sees it: a banner when the organisation is read-only (for
// everyone) or when a payment needs attention (for owners and admins). Nothing at all with
// BILLING=off.
import { Link, useLocation } from 'react-router';
import { useQuery } from 'urql';
import { isAdmin } from '../auth/roles';
import { useViewer } from '../auth/session';
import { graphql } from '../gql';
import { billingNotice } from '../lib/billing';
import { Alert } from '../ui/Feedback';

export const SubscriptionDocument = graphql(`
  query Subscription {
    organization {
      id
      isDemo
      subscription {
        status
        trialEndsAt
        currentPeriodEnd
        graceEndsAt
        interval
        cancelAtPeriodEnd
        billingEnabled
        yearlyAvailable
        readOnly
        readOnlyReason
      }
    }
  }
`);

/** The organisation's subscription (cached; pages that change it refetch). */
export function useSubscription() {
  const [{ data, fetching, error }, refetch] = useQuery({ query: SubscriptionDocument });
  return { organization: data?.organization ?? null, subscription: data?.organization?.subscription ?? null, fetching, error, refetch };
}

export function BillingBanner() {
  const { viewer } = useViewer();
  const { subscription } = useSubscription();
  const { pathname } = useLocation();
  const admin = isAdmin(viewer.role);
  const notice = billingNotice(subscription, admin);
  // The billing page says the same thing in its own words, next to what to do about it.
  if (!notice || pathname.startsWith('/admin/billing')) return null;
  return (
    <div className="billing-banner">
      <Alert tone={notice.tone}>
        {notice.text}{' '}
        {notice.action && (
          <Link to="/admin/billing" className="billing-banner__link">
            Open billing
          </Link>
        )}
      </Alert>
    </div>
  );
}
