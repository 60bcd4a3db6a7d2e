//! Billing without Stripe: the one rule that decides whether an organisation is read-only, the
//! check every mutation goes through, and the trial reminders. The Stripe side (Checkout, the
//! Customer Portal, webhooks) is `ferrodesk-billing`, so this crate's tests never compile
//! async-stripe. See docs/ARCHITECTURE.md §Billing.

use chrono::{DateTime, Duration, Utc};
use ferrodesk_db::billing as repo;
use ferrodesk_db::{Db, TenantTx, events};
use ferrodesk_domain::OrgId;
use serde_json::json;

use crate::AppError;
use crate::notices::Notice;

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

/// Why an organisation is read-only, as the database's rule names it (`fd_read_only_reason`,
/// docs/SECURITY.md: the rule is written once, in SQL, where the writes it stops happen).
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
    pub fn parse(raw: &str) -> Option<Self> {
        Some(match raw {
            "trial_ended" => Self::TrialEnded,
            "payment_overdue" => Self::PaymentOverdue,
            "unpaid" => Self::Unpaid,
            "canceled" => Self::Canceled,
            _ => return None,
        })
    }

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

/// Refuses a write for a read-only organisation with `READ_ONLY_TENANT`, for work that must know
/// before it writes anything anywhere (an upload stores its file first). Everything else simply
/// writes: the database refuses it.
pub async fn check_writable(tx: &mut TenantTx) -> Result<(), AppError> {
    match repo::state(tx).await?.read_only_reason {
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
    crate::notices::queue_billing_notice(&mut tx, Notice::TrialEnding, org.into_uuid()).await?;
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
