//! Notices: why and when we write to someone, queued in the transaction of the change that causes
//! them (a `mail.notify` job, rendered and sent by `mail` as it goes out), and the outbound quota
//! that mail a person writes is checked against first.

use ferrodesk_db::TenantTx;
use ferrodesk_db::mail as repo;
pub use ferrodesk_domain::Notice;
use ferrodesk_domain::TicketId;
use ferrodesk_jobs::Payload;
use uuid::Uuid;

use crate::AppError;
use crate::jobs::Notify;
use crate::sandbox::Sandbox;

/// Queues a notification in the caller's transaction: it exists exactly when the change does.
pub async fn queue_notification(
    tx: &mut TenantTx,
    notice: Notice,
    ticket_id: TicketId,
    source_id: Uuid,
) -> Result<(), AppError> {
    queue(tx, notice, Some(ticket_id), source_id).await
}

/// Messages an organisation may send in 24 hours, and on its own free trial (0: no limit). Mail
/// a person writes (replies, invitations) is refused over it with a clear error; automatic mail
/// (acknowledgements, status notices) is held back when it would go out over it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MailQuota {
    pub per_day: i64,
    pub trial_per_day: i64,
}

impl MailQuota {
    pub const UNLIMITED: Self = Self { per_day: 0, trial_per_day: 0 };

    pub fn limit(self, trialing: bool) -> Option<i64> {
        Some(if trialing { self.trial_per_day } else { self.per_day }).filter(|l| *l > 0)
    }

    /// How far counting a message's place needs to go: the largest limit any organisation has
    /// (`None`: none has one). The database counts one place past it, so a limit too large to
    /// count past is counted to just below it.
    pub fn cap(self) -> Option<i64> {
        [self.limit(false), self.limit(true)].into_iter().flatten().max().map(|cap| cap.min(i64::MAX - 1))
    }
}

/// How much of its quota an organisation used in the last 24 hours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuotaState {
    pub used: i64,
    pub limit: Option<i64>,
}

pub async fn quota_state(tx: &mut TenantTx, quota: MailQuota) -> Result<QuotaState, AppError> {
    let (used, trialing) = repo::quota_usage(tx).await?;
    Ok(QuotaState { used, limit: quota.limit(trialing) })
}

/// Refuses one more message over the quota (the demo's mail never leaves: it has none).
pub async fn check_quota(tx: &mut TenantTx, quota: MailQuota) -> Result<(), AppError> {
    if quota == MailQuota::UNLIMITED || !Sandbox::of(tx.org_id()).sends_mail() {
        return Ok(());
    }
    match quota_state(tx, quota).await? {
        QuotaState { used, limit: Some(limit) } if used >= limit => Err(AppError::OutboundQuota { limit }),
        _ => Ok(()),
    }
}

/// Queues an invitation's mail in the transaction that makes the invitation.
pub async fn queue_invitation(tx: &mut TenantTx, invitation_id: Uuid) -> Result<(), AppError> {
    queue(tx, Notice::Invitation, None, invitation_id).await
}

/// Queues the mail that carries a forwarding alias's verification code.
pub async fn queue_alias_verification(tx: &mut TenantTx, alias_id: Uuid) -> Result<(), AppError> {
    queue(tx, Notice::AliasVerification, None, alias_id).await
}

/// Queues a billing mail to the organisation's owners, once per `source_id`.
pub async fn queue_billing_notice(
    tx: &mut TenantTx,
    notice: Notice,
    source_id: Uuid,
) -> Result<(), AppError> {
    queue(tx, notice, None, source_id).await
}

async fn queue(
    tx: &mut TenantTx,
    notice: Notice,
    ticket_id: Option<TicketId>,
    source_id: Uuid,
) -> Result<(), AppError> {
    ferrodesk_jobs::enqueue(tx, &Notify::new(notice, ticket_id, source_id)).await?;
    Ok(())
}

/// A [`Notify`] job's payload and its dedupe key, for statements that write the job row with
/// what causes it (the intake's acknowledgements).
pub(crate) fn notify_job(
    notice: Notice,
    ticket_id: Option<TicketId>,
    source_id: Uuid,
) -> Result<(serde_json::Value, String), AppError> {
    let job = Notify::new(notice, ticket_id, source_id);
    let (payload, _) = job.to_row()?;
    Ok((payload, job.key()))
}

#[cfg(test)]
mod tests {
    use super::MailQuota;

    #[test]
    fn a_place_is_counted_to_the_largest_limit_and_never_past_what_a_number_holds() {
        let quota = |per_day, trial_per_day| MailQuota { per_day, trial_per_day };
        assert_eq!(quota(2_000, 200).cap(), Some(2_000));
        assert_eq!(quota(0, 200).cap(), Some(200), "paying organisations without a limit need no count");
        assert_eq!(quota(2_000, 0).cap(), Some(2_000));
        assert_eq!(MailQuota::UNLIMITED.cap(), None);
        assert_eq!(quota(i64::MAX, i64::MAX).cap(), Some(i64::MAX - 1), "the database adds one");
    }
}
