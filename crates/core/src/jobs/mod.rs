//! The kinds of job, one file each: the payload a kind's jobs carry, the kind's name and when two
//! jobs are the same one ([`ferrodesk_jobs::Payload`]). A job is enqueued in the transaction of
//! the change that causes it (`ferrodesk_jobs::enqueue`); the worker's runner maps each kind to
//! the use case that runs it (`apps/worker`), which receives the payload read back.

mod account_mail;
mod apply_stripe_event;
mod ingest_mail;
mod notify;
mod recompute_sla;

pub use account_mail::AccountMail;
pub use apply_stripe_event::ApplyStripeEvent;
pub use ingest_mail::IngestMail;
pub use notify::Notify;
pub use recompute_sla::RecomputeSla;

use ferrodesk_db::TenantTx;
use ferrodesk_jobs::dead::{self, DeadJob};
use uuid::Uuid;

use crate::AppError;

/// Dead jobs an admin reads: the most recent hundred.
const DEAD_JOBS_LISTED: i64 = 100;

/// The organisation's jobs that ran out of attempts (admins).
pub async fn dead_jobs(tx: &mut TenantTx) -> Result<Vec<DeadJob>, AppError> {
    crate::require_admin(tx)?;
    Ok(dead::list(tx, DEAD_JOBS_LISTED).await?)
}

/// Puts a dead job back in the queue with fresh attempts (admins).
pub async fn retry_dead_job(tx: &mut TenantTx, id: Uuid) -> Result<(), AppError> {
    crate::require_admin(tx)?;
    if !dead::retry(tx, id).await? {
        return Err(AppError::NotFound("dead job"));
    }
    Ok(())
}
