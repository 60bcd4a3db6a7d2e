//! Billing in the API: `organization.subscription`, `startCheckout` and `openBillingPortal`. A
//! read-only organisation's writes are refused by the database itself (`fd_read_only_reason`),
//! whatever the request, with `READ_ONLY_TENANT`.

use std::sync::Arc;

use async_graphql::{ComplexObject, Context, Enum, Object, SimpleObject};
use chrono::{DateTime, Utc};
use ferrodesk_billing::{DEMO_REFUSAL, Interval, OFF_REFUSAL};
use ferrodesk_core::billing::ReadOnlyReason;
use ferrodesk_core::{AppError, Principal};
use ferrodesk_db::accounts::OrganizationRow;
use ferrodesk_db::billing as repo;

use super::{OrGql, app, gql_error, principal, tenant};

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum BillingInterval {
    Monthly,
    Yearly,
}

impl From<BillingInterval> for Interval {
    fn from(i: BillingInterval) -> Self {
        match i {
            BillingInterval::Monthly => Interval::Month,
            BillingInterval::Yearly => Interval::Year,
        }
    }
}

/// The organisation's subscription, and whether it can write (docs/ARCHITECTURE.md §Billing).
/// One flat price, monthly or yearly; agents are never counted.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct Subscription {
    /// trialing, active, past_due, canceled or unpaid.
    pub status: String,
    /// When the free trial ends (or ended).
    pub trial_ends_at: Option<DateTime<Utc>>,
    /// When the paid period ends (renewal, or the end of a cancelled subscription).
    pub current_period_end: Option<DateTime<Utc>>,
    /// After a failed payment: writes stop at this time unless a payment succeeds.
    pub grace_ends_at: Option<DateTime<Utc>>,
    pub interval: Option<BillingInterval>,
    /// Cancelled in the portal, running until `currentPeriodEnd`.
    pub cancel_at_period_end: bool,
    #[graphql(skip)]
    read_only: Option<ReadOnlyReason>,
}

impl From<&OrganizationRow> for Subscription {
    fn from(o: &OrganizationRow) -> Self {
        Self {
            status: o.subscription_status.clone(),
            trial_ends_at: o.trial_ends_at,
            current_period_end: o.current_period_end,
            grace_ends_at: o.grace_ends_at,
            interval: match o.billing_interval.as_deref() {
                Some("month") => Some(BillingInterval::Monthly),
                Some("year") => Some(BillingInterval::Yearly),
                _ => None,
            },
            cancel_at_period_end: o.cancel_at_period_end,
            read_only: o.read_only_reason.as_deref().and_then(ReadOnlyReason::parse),
        }
    }
}

#[ComplexObject]
impl Subscription {
    /// False when this server runs with `BILLING=off`: no limits, no billing pages.
    async fn billing_enabled(&self, ctx: &Context<'_>) -> bool {
        app(ctx).billing.is_some()
    }

    /// Whether a yearly plan is offered.
    async fn yearly_available(&self, ctx: &Context<'_>) -> bool {
        app(ctx).billing.as_ref().is_some_and(|b| b.offers_yearly())
    }

    /// Nobody can change anything (everyone can still read and export) until the subscription
    /// is paid. Decided by the rule that refuses writes with `READ_ONLY_TENANT`, in the database.
    async fn read_only(&self) -> bool {
        self.read_only.is_some()
    }

    /// Why it is read-only, as a sentence to show.
    async fn read_only_reason(&self) -> Option<&'static str> {
        self.read_only.map(ReadOnlyReason::sentence)
    }
}

#[derive(SimpleObject)]
pub struct StartCheckoutPayload {
    /// Stripe Checkout: send the browser here.
    pub url: String,
}

#[derive(SimpleObject)]
pub struct OpenBillingPortalPayload {
    /// The Stripe Customer Portal: send the browser here.
    pub url: String,
}

#[derive(Default)]
pub struct BillingMutation;

/// The billing service, or the reason there is none for this caller: the demo first (it never
/// bills, whatever the server does), then `BILLING=off`.
async fn billing_for(
    ctx: &Context<'_>,
) -> async_graphql::Result<(Principal, Arc<ferrodesk_billing::Billing>)> {
    let principal = principal(ctx)?;
    match &app(ctx).billing {
        Some(billing) => Ok((principal, billing.clone())),
        None => {
            let mut tx = tenant(ctx).await?;
            let row = repo::state(&mut tx).await.gql()?;
            tx.commit().await.gql()?;
            Err(gql_error(AppError::Forbidden(if row.is_demo { DEMO_REFUSAL } else { OFF_REFUSAL })))
        }
    }
}

#[Object]
impl BillingMutation {
    /// Starts Stripe Checkout for the flat monthly or yearly price (owners and admins). Works
    /// while the organisation is read-only: it is how it becomes writable again.
    async fn start_checkout(
        &self,
        ctx: &Context<'_>,
        interval: BillingInterval,
    ) -> async_graphql::Result<StartCheckoutPayload> {
        let (principal, billing) = billing_for(ctx).await?;
        let url = billing.start_checkout(principal, interval.into()).await.gql()?;
        Ok(StartCheckoutPayload { url })
    }

    /// Opens the Stripe Customer Portal: change the card, switch plan, cancel (owners and admins).
    async fn open_billing_portal(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<OpenBillingPortalPayload> {
        let (principal, billing) = billing_for(ctx).await?;
        let url = billing.open_portal(principal).await.gql()?;
        Ok(OpenBillingPortalPayload { url })
    }
}
