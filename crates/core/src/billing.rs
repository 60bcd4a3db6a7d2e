//! Billing without Stripe: the one rule that decides whether an organisation is read-only, the
//! check every mutation goes through, and the trial reminders. The Stripe side (Checkout, the
//! Customer Portal, webhooks) is `ferrodesk-billing`, so this crate's tests never compile
//! async-stripe. See docs/ARCHITECTURE.md §Billing.

use chrono::{DateTime, Duration, Utc};
use ferrodesk_db::billing::{self as repo, BillingRow};
use ferrodesk_db::{Db, TenantTx, events};
use ferrodesk_domain::OrgId;
use serde_json::json;

use crate::mail::Notice;
use crate::{AppError, Principal};

/// Applies one received Stripe event (payload `{"event_id": "evt_…"}`).
pub const APPLY_JOB: &str = "billing.apply";
/// Owners hear that the trial is ending this long before it does.
pub const TRIAL_REMINDER_DAYS: i64 = 3;

/// What the subscription state on the organisation can be (the `subscription_status` column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubscriptionStatus {
    Trialing,
    Active,
    PastDue,
    Canceled,
    Unpaid,
}

impl SubscriptionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Trialing => "trialing",
            Self::Active => "active",
            Self::PastDue => "past_due",
            Self::Canceled => "canceled",
            Self::Unpaid => "unpaid",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Some(match raw {
            "trialing" => Self::Trialing,
            "active" => Self::Active,
            "past_due" => Self::PastDue,
            "canceled" => Self::Canceled,
            "unpaid" => Self::Unpaid,
            _ => return None,
        })
    }

    /// Stripe's subscription statuses mapped to ours. `incomplete` and `incomplete_expired`
    /// (a first payment that never succeeded) change nothing: `None`. A `paused` subscription
    /// (a Stripe trial that ended without a card) is not being paid for: `unpaid`.
    pub fn from_stripe(raw: &str) -> Option<Self> {
        match raw {
            "paused" => Some(Self::Unpaid),
            other => Self::parse(other),
        }
    }

    /// A subscription that is still running (so a second one must not be started).
    pub fn is_live(self) -> bool {
        matches!(self, Self::Active | Self::PastDue | Self::Trialing)
    }
}

/// Why an organisation is read-only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadOnlyReason {
    /// The free trial ended without a subscription.
    TrialEnded,
    /// A payment failed and the grace period is over.
    PaymentOverdue,
    /// Stripe gave up collecting (`unpaid`, or a paused subscription).
    Unpaid,
    /// The subscription was cancelled and has ended.
    Canceled,
}

impl ReadOnlyReason {
    /// One sentence for people, used by the API and the web app's banner.
    pub fn sentence(self) -> &'static str {
        match self {
            Self::TrialEnded => {
                "The free trial has ended, so this organisation is read-only until an owner or admin subscribes."
            }
            Self::PaymentOverdue | Self::Unpaid => {
                "A payment is overdue, so this organisation is read-only until the payment succeeds."
            }
            Self::Canceled => {
                "The subscription has ended, so this organisation is read-only until an owner or admin subscribes again."
            }
        }
    }
}

/// THE rule (DESIGN §2.7): whether an organisation may write, from its stored subscription state
/// and the clock. With billing off, and for demo organisations, nothing is ever read-only.
/// Agents never count: nothing here looks at members.
pub fn read_only_reason(
    billing_enabled: bool,
    row: &BillingRow,
    now: DateTime<Utc>,
) -> Option<ReadOnlyReason> {
    if !billing_enabled || row.is_demo {
        return None;
    }
    match SubscriptionStatus::parse(&row.status)? {
        SubscriptionStatus::Active => None,
        // A trial Stripe runs (a subscription exists) ends with Stripe's own update; our own
        // trial ends at trial_ends_at.
        SubscriptionStatus::Trialing => (row.stripe_subscription_id.is_none()
            && row.trial_ends_at.is_some_and(|end| end <= now))
        .then_some(ReadOnlyReason::TrialEnded),
        SubscriptionStatus::PastDue => {
            row.grace_ends_at.is_some_and(|end| end <= now).then_some(ReadOnlyReason::PaymentOverdue)
        }
        SubscriptionStatus::Unpaid => Some(ReadOnlyReason::Unpaid),
        SubscriptionStatus::Canceled => Some(ReadOnlyReason::Canceled),
    }
}

/// Refuses a write for a read-only organisation with `READ_ONLY_TENANT`. The gateway calls this
/// for every mutation except the few that must work while read-only (signing in and out,
/// subscribing, the billing portal).
pub async fn ensure_writable(db: &Db, billing_enabled: bool, principal: Principal) -> Result<(), AppError> {
    if !billing_enabled {
        return Ok(());
    }
    let mut tx = crate::enter(db, principal).await?;
    check_writable(&mut tx, true).await?;
    tx.commit().await?;
    Ok(())
}

/// The same rule inside a transaction the caller already has open (one round trip, no second
/// transaction), for writes made outside GraphQL such as uploads.
pub async fn check_writable(tx: &mut TenantTx, billing_enabled: bool) -> Result<(), AppError> {
    if !billing_enabled {
        return Ok(());
    }
    let row = repo::state(tx).await?;
    match read_only_reason(true, &row, Utc::now()) {
        Some(_) => Err(AppError::ReadOnlyTenant),
        None => Ok(()),
    }
}

/// The grace period's end for a subscription that is (now) past due: the one already running
/// is kept, so repeated failure events do not extend it.
pub fn grace_end(
    previous_status: &str,
    previous_grace: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    grace_days: i64,
) -> DateTime<Utc> {
    match previous_grace {
        Some(end) if previous_status == SubscriptionStatus::PastDue.as_str() => end,
        _ => now + Duration::days(grace_days),
    }
}

/// Mails each owner whose trial ends within [`TRIAL_REMINDER_DAYS`] once (across all workers).
/// Returns how many organisations were reminded.
pub async fn send_trial_reminders(db: &Db, now: DateTime<Utc>) -> Result<usize, AppError> {
    let due = repo::trial_reminders_due(db, now, now + Duration::days(TRIAL_REMINDER_DAYS)).await?;
    let mut reminded = 0;
    for org in due {
        if remind(db, org).await? {
            reminded += 1;
        }
    }
    Ok(reminded)
}

async fn remind(db: &Db, org: OrgId) -> Result<bool, AppError> {
    let mut tx = db.system_in(org).await?;
    if !repo::mark_trial_reminded(&mut tx).await? {
        return Ok(false);
    }
    crate::mail::queue_billing_notice(&mut tx, Notice::TrialEnding, org.into_uuid()).await?;
    events::append(
        &mut tx,
        events::NewEvent {
            subject_type: "organization",
            subject_id: org.into_uuid(),
            action: "billing.trial_reminder_sent",
            changes: json!({}),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(status: &str) -> BillingRow {
        BillingRow {
            name: "Acme".into(),
            is_demo: false,
            status: status.into(),
            trial_ends_at: None,
            current_period_end: None,
            grace_ends_at: None,
            interval: None,
            cancel_at_period_end: false,
            stripe_customer_id: None,
            stripe_subscription_id: None,
        }
    }

    #[test]
    fn a_trial_is_writable_until_it_ends() {
        let now = Utc::now();
        let mut trial = row("trialing");
        trial.trial_ends_at = Some(now + Duration::days(1));
        assert_eq!(read_only_reason(true, &trial, now), None);
        trial.trial_ends_at = Some(now - Duration::seconds(1));
        assert_eq!(read_only_reason(true, &trial, now), Some(ReadOnlyReason::TrialEnded));
        // A trial that Stripe runs ends with Stripe's update, not with our clock.
        trial.stripe_subscription_id = Some("sub_1".into());
        assert_eq!(read_only_reason(true, &trial, now), None);
    }

    #[test]
    fn past_due_is_writable_during_the_grace_period_only() {
        let now = Utc::now();
        let mut late = row("past_due");
        late.grace_ends_at = Some(now + Duration::hours(1));
        assert_eq!(read_only_reason(true, &late, now), None);
        late.grace_ends_at = Some(now - Duration::hours(1));
        assert_eq!(read_only_reason(true, &late, now), Some(ReadOnlyReason::PaymentOverdue));
    }

    #[test]
    fn lapsed_states_are_read_only_and_active_is_not() {
        let now = Utc::now();
        assert_eq!(read_only_reason(true, &row("active"), now), None);
        assert_eq!(read_only_reason(true, &row("unpaid"), now), Some(ReadOnlyReason::Unpaid));
        assert_eq!(read_only_reason(true, &row("canceled"), now), Some(ReadOnlyReason::Canceled));
    }

    #[test]
    fn billing_off_and_demo_organisations_are_never_read_only() {
        let now = Utc::now();
        let mut lapsed = row("canceled");
        assert_eq!(read_only_reason(false, &lapsed, now), None);
        lapsed.is_demo = true;
        assert_eq!(read_only_reason(true, &lapsed, now), None);
    }

    #[test]
    fn repeated_failures_keep_the_first_grace_period() {
        let now = Utc::now();
        let first = now - Duration::days(2);
        assert_eq!(grace_end("past_due", Some(first), now, 7), first);
        assert_eq!(grace_end("active", Some(first), now, 7), now + Duration::days(7));
        assert_eq!(grace_end("active", None, now, 7), now + Duration::days(7));
    }

    #[test]
    fn stripe_statuses_map_onto_ours() {
        assert_eq!(SubscriptionStatus::from_stripe("paused"), Some(SubscriptionStatus::Unpaid));
        assert_eq!(SubscriptionStatus::from_stripe("incomplete"), None);
        assert_eq!(SubscriptionStatus::from_stripe("past_due"), Some(SubscriptionStatus::PastDue));
    }
}
