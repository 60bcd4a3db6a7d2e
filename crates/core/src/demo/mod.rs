//! The public demo (docs/demo.md): one organisation with a generated, realistic dataset that any
//! visitor enters as an admin without signing up, and that returns to its pristine state every
//! night.
//!
//! - `reset` replaces the whole dataset in one transaction (readers see the old or the new one,
//!   never a mix), only ever in the demo organisation, and is idempotent for a given anchor.
//! - `start_session` gives a visitor a short-lived session as the demo admin, rate-limited per
//!   address; the gateway caps what one demo session may write per hour (`sandbox`).
//! - The demo never sends mail (its outbound messages stay in the in-app outbox, see `mail`),
//!   cannot add receiving aliases, and refuses billing.

pub mod dataset;
mod scenarios;

use std::sync::OnceLock;
use std::time::Instant;

use chrono::{DateTime, Duration, DurationRound, TimeZone, Utc};
pub use ferrodesk_db::demo::Replace as When;
use ferrodesk_db::demo::{self as repo, DemoOrganization, Work};
use ferrodesk_db::{Db, TenantTx};
use ferrodesk_domain::{DepartmentId, OrgId, TicketId, UserId};

use crate::auth::{RateLimit, RateLimiter, SessionStore};
use crate::sandbox::Sandbox;
use crate::sla::{SlaSetup, columns_of_trail};
use crate::{AppError, Principal};

pub use dataset::{ORG_ID, SLUG};
pub use scenarios::{COMPANY, EMAIL_DOMAIN};

/// Demo sessions per client address per hour.
pub const SESSIONS_PER_IP: RateLimit = RateLimit { max: 30, window_secs: 3600 };

pub fn org_id() -> OrgId {
    OrgId::from_uuid(ORG_ID)
}

/// The member every visitor acts as.
pub fn admin_id() -> UserId {
    static ADMIN: OnceLock<UserId> = OnceLock::new();
    *ADMIN.get_or_init(|| UserId::from_uuid(dataset::cast(Utc::now()).admin))
}

/// The next reset after `now`, for a reset at `minute` minutes after midnight UTC.
pub fn next_reset(now: DateTime<Utc>, minute: u32) -> DateTime<Utc> {
    let last = last_reset(now, minute);
    last + Duration::days(1)
}

/// The most recent scheduled reset at or before `now`.
pub fn last_reset(now: DateTime<Utc>, minute: u32) -> DateTime<Utc> {
    let midnight = now.duration_trunc(Duration::days(1)).unwrap_or(now);
    let today = midnight + Duration::minutes(i64::from(minute));
    if today <= now { today } else { today - Duration::days(1) }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResetReport {
    /// False when the dataset was already fresh enough (another process reset it).
    pub replaced: bool,
    pub tickets: usize,
    pub messages: usize,
    pub events: usize,
    pub elapsed_ms: u128,
}

/// Replaces the demo's dataset with the one generated for `as_of` (truncated to the second), in
/// one transaction.
pub async fn reset(db: &Db, as_of: DateTime<Utc>, when: When) -> Result<ResetReport, AppError> {
    let started = Instant::now();
    let as_of = as_of.duration_trunc(Duration::seconds(1)).unwrap_or(as_of);
    let cast = dataset::cast(as_of);
    let org = DemoOrganization {
        id: org_id(),
        slug: SLUG,
        name: COMPANY,
        time_zone: scenarios::TIME_ZONE,
        as_of,
        replace: when,
    };
    let mut tx = db.begin_system().await?;
    if !repo::wipe(&mut tx, &org, &cast.people).await? {
        tx.rollback().await.map_err(ferrodesk_db::DbError::from)?;
        return Ok(ResetReport { replaced: false, tickets: 0, messages: 0, events: 0, elapsed_ms: 0 });
    }
    let mut tx = TenantTx::system(tx, org_id()).await?;
    let classification = dataset::classification(as_of, cast.memberships);
    repo::load_structure(&mut tx, &classification.structure).await?;

    let mut setups = Vec::new();
    for (_, department) in &classification.departments {
        setups
            .push((*department, SlaSetup::load(&mut tx, Some(DepartmentId::from_uuid(*department))).await?));
    }
    let stories =
        dataset::stories(as_of, &dataset::Cast { memberships: Vec::new(), ..cast }, &classification);
    let mut work = Work { tickets: Vec::new(), messages: Vec::new(), events: Vec::new() };
    for mut story in stories {
        if let Some((_, setup)) = setups.iter().find(|(d, _)| *d == story.department) {
            story.ticket.sla =
                columns_of_trail(setup, TicketId::from_uuid(story.ticket.id), &story.trail(), as_of);
        }
        // The creation event is written with its ticket.
        let created = story.ticket.event_id;
        work.events.extend(story.events.into_iter().filter(|e| e.id != created));
        work.tickets.push(story.ticket);
        work.messages.append(&mut story.messages);
    }
    repo::load_work(&mut tx, &work).await?;
    tx.commit().await?;
    let report = ResetReport {
        replaced: true,
        tickets: work.tickets.len(),
        messages: work.messages.len(),
        events: work.events.len() + work.tickets.len(),
        elapsed_ms: started.elapsed().as_millis(),
    };
    tracing::info!(as_of = %as_of, tickets = report.tickets, messages = report.messages,
                   elapsed_ms = report.elapsed_ms as u64, "demo reset");
    Ok(report)
}

/// Starts a visitor's session as the demo admin, creating the demo first if it has never been
/// generated. Returns the session token.
pub async fn start_session(
    db: &Db,
    sessions: &SessionStore,
    limiter: &RateLimiter,
    client_ip: &str,
) -> Result<(Principal, String), AppError> {
    limiter.hit(&format!("demo-session-ip:{client_ip}"), SESSIONS_PER_IP).await?;
    let exists = {
        let mut tx = db.system_in(org_id()).await?;
        repo::data_as_of(&mut tx).await?.is_some()
    };
    if !exists {
        reset(db, Utc::now(), When::IfMissing).await?;
    }
    let principal = Principal { org_id: org_id(), user_id: admin_id() };
    let token = sessions.create_with(principal, crate::sandbox::SESSION_LIFETIME).await?;
    Ok((principal, token))
}

/// What the demo shows about itself: when its data was generated and when it next resets.
pub struct DemoState {
    pub data_as_of: DateTime<Utc>,
    pub next_reset_at: DateTime<Utc>,
}

pub async fn state(tx: &mut TenantTx, reset_minute: u32) -> Result<Option<DemoState>, AppError> {
    if !Sandbox::of(tx.org_id()).is_on() {
        return Ok(None);
    }
    let Some(data_as_of) = repo::data_as_of(tx).await? else { return Ok(None) };
    Ok(Some(DemoState { data_as_of, next_reset_at: next_reset(Utc::now(), reset_minute) }))
}

/// The nightly schedule, for the worker: resets once per scheduled instant however many workers
/// run (the database decides), and creates a missing demo at start.
pub async fn reset_if_due(db: &Db, now: DateTime<Utc>, reset_minute: u32) -> Result<ResetReport, AppError> {
    let due = last_reset(now, reset_minute);
    let as_of = {
        let mut tx = db.system_in(org_id()).await?;
        repo::data_as_of(&mut tx).await?
    };
    if as_of.is_some_and(|t| t >= due) {
        return Ok(ResetReport { replaced: false, tickets: 0, messages: 0, events: 0, elapsed_ms: 0 });
    }
    reset(db, now, When::IfOlderThan(due)).await
}

/// A fixed instant for tests and benchmarks that need the same dataset twice.
pub fn fixed_anchor() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 3, 0, 0).single().unwrap_or(DateTime::UNIX_EPOCH)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 22, h, m, 0).single().expect("valid")
    }

    #[test]
    fn the_schedule_is_daily_at_the_configured_minute() {
        assert_eq!(last_reset(at(10, 0), 180), at(3, 0));
        assert_eq!(next_reset(at(10, 0), 180), at(3, 0) + Duration::days(1));
        assert_eq!(last_reset(at(2, 59), 180), at(3, 0) - Duration::days(1));
        assert_eq!(next_reset(at(2, 59), 180), at(3, 0));
        assert_eq!(last_reset(at(3, 0), 180), at(3, 0), "a reset instant is its own last reset");
    }
}
