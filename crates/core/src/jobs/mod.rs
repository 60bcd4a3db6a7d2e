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
