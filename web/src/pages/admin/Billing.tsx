// Billing (owners and admins): the subscription, subscribing through Stripe Checkout, and the
// Stripe Customer Portal to change the card, switch plan or cancel. One flat price, monthly or
// yearly, with unlimited agents.
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { useMutation } from 'urql';
import { describeError } from '../../api/errors';
import { useSubscription } from '../../components/BillingBanner';
import { graphql } from '../../gql';
import type { BillingInterval } from '../../gql/graphql';
import { billingNotice, canSubscribe, statusLabel } from '../../lib/billing';
import { formatDate } from '../../lib/format';
import { Button } from '../../ui/Button';
import { Alert, Badge, EmptyState, PageLoading } from '../../ui/Feedback';

const StartCheckoutDocument = graphql(`
  mutation StartCheckout($interval: BillingInterval!) {
    startCheckout(interval: $interval) {
      url
    }
  }
`);

const OpenBillingPortalDocument = graphql(`
  mutation OpenBillingPortal {
    openBillingPortal {
      url
    }
  }
`);

/** Leaves the app for Stripe (a separate function so tests can watch it). */
export const goTo = {
  url(url: string) {
    window.location.assign(url);
  },
};

export function Billing() {
  const { organization, subscription, fetching, error, refetch } = useSubscription();
  const [params] = useSearchParams();
  const [interval, setInterval] = useState<BillingInterval>('MONTHLY');
  const [checkout, startCheckout] = useMutation(StartCheckoutDocument);
  const [portal, openPortal] = useMutation(OpenBillingPortalDocument);
  const returned = params.get('checkout');

  // Back from Checkout: Stripe's webhook may land a moment after the browser does.
  useEffect(() => {
    if (returned !== 'success' || !subscription || subscription.status === 'active') return;
    const timer = window.setTimeout(() => refetch({ requestPolicy: 'network-only' }), 1500);
    return () => window.clearTimeout(timer);
  }, [returned, subscription, refetch]);

  if (fetching && !subscription) return <PageLoading />;
  if (!subscription || !organization) return <Alert>{describeError(error).message ?? 'Billing could not be loaded.'}</Alert>;

  if (!subscription.billingEnabled) {
    return (
      <div className="page page--stacked">
        <EmptyState title="Billing is off">This server runs without billing: every feature, no limits.</EmptyState>
      </div>
    );
  }

  const notice = billingNotice(subscription, true);
  const problem = describeError(checkout.error ?? portal.error).message;

  async function subscribe() {
    const result = await startCheckout({ interval });
    const url = result.data?.startCheckout.url;
    if (url) goTo.url(url);
  }

  async function manage() {
    const result = await openPortal({});
    const url = result.data?.openBillingPortal.url;
    if (url) goTo.url(url);
  }

  const offerCheckout = canSubscribe(subscription);
  return (
    <div className="page page--stacked">
      <header className="page__header">
        <div>
          <h1>Billing</h1>
          <p className="page__subtitle">One flat price for the whole organisation, monthly or yearly. Unlimited agents.</p>
        </div>
      </header>
      {returned === 'success' && subscription.status !== 'active' && (
        <Alert tone="info">Thank you. Stripe is confirming the payment; this page updates in a moment.</Alert>
      )}
      {returned === 'success' && subscription.status === 'active' && <Alert tone="info">Thank you: the subscription is active.</Alert>}
      {returned === 'canceled' && <Alert tone="info">Checkout was cancelled; nothing was charged.</Alert>}
      {notice && <Alert tone={notice.tone}>{notice.text}</Alert>}
      {problem && <Alert>{problem}</Alert>}
      {organization.isDemo && (
        <Alert tone="info">
          Billing is disabled in the demo: it is a shared sandbox and nothing here is ever charged. Start your own
          14-day trial to see your subscription here.
        </Alert>
      )}

      <section className="card card__body stack" aria-labelledby="plan">
        <h2 id="plan">
          Subscription <Badge tone={subscription.readOnly ? 'danger' : subscription.status === 'active' ? 'success' : subscription.status === 'past_due' ? 'warning' : 'neutral'}>{statusLabel(subscription.status)}</Badge>
        </h2>
        <dl className="billing-facts">
          {subscription.status === 'trialing' && subscription.trialEndsAt && (
            <>
              <dt>Trial ends</dt>
              <dd>{formatDate(subscription.trialEndsAt)}</dd>
            </>
          )}
          {subscription.interval && (
            <>
              <dt>Plan</dt>
              <dd>{subscription.interval === 'YEARLY' ? 'Yearly' : 'Monthly'}, unlimited agents</dd>
            </>
          )}
          {subscription.currentPeriodEnd && subscription.status !== 'trialing' && (
            <>
              <dt>{subscription.cancelAtPeriodEnd || subscription.status === 'canceled' ? 'Ends' : 'Renews'}</dt>
              <dd>{formatDate(subscription.currentPeriodEnd)}</dd>
            </>
          )}
          {subscription.graceEndsAt && (
            <>
              <dt>Read-only from</dt>
              <dd>{formatDate(subscription.graceEndsAt)} unless a payment succeeds</dd>
            </>
          )}
        </dl>

        {offerCheckout ? (
          <fieldset className="billing-plans" disabled={organization.isDemo}>
            <legend>Choose a plan</legend>
            <label className="billing-plan">
              <input type="radio" name="interval" value="MONTHLY" checked={interval === 'MONTHLY'} onChange={() => setInterval('MONTHLY')} />
              Monthly
            </label>
            {subscription.yearlyAvailable && (
              <label className="billing-plan">
                <input type="radio" name="interval" value="YEARLY" checked={interval === 'YEARLY'} onChange={() => setInterval('YEARLY')} />
                Yearly
              </label>
            )}
            <div>
              <Button variant="primary" loading={checkout.fetching} onClick={() => void subscribe()} disabled={organization.isDemo}>
                Subscribe with Stripe
              </Button>
            </div>
          </fieldset>
        ) : null}
        {subscription.interval && (
          <div>
            <Button loading={portal.fetching} onClick={() => void manage()} disabled={organization.isDemo}>
              Manage billing: card, plan, cancellation
            </Button>
            <p className="small muted">Opens the Stripe Customer Portal.</p>
          </div>
        )}
      </section>
    </div>
  );
}
