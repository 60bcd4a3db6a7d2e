//! SLA settings: business calendars and per-department, per-priority targets. Calendars are
//! validated by `ferrodesk-sla` before they are stored, so every stored calendar can be computed.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, Utc, Weekday};
use ferrodesk_db::events::EventRow;
use ferrodesk_db::sla::{self as repo, CalendarFields, CalendarRow, PolicyFields, SlaSetupRows};
use ferrodesk_db::tickets::{self, SlaColumns};
use ferrodesk_db::{Db, TenantTx, events};
use ferrodesk_domain::{DepartmentId, OrgId, Priority, TicketId, TicketStatus};
use ferrodesk_sla::clock::{ClockEvent, SlaClock, TargetState, Targets, TimedEvent};
use ferrodesk_sla::{BusinessCalendar, Tz, WorkingHours};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{AppError, require_admin};

/// One interval of a calendar's week, as stored (`working_hours` jsonb) and as clients send it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hours {
    pub day: Weekday,
    pub start: NaiveTime,
    pub end: NaiveTime,
    #[serde(default)]
    pub overnight: bool,
}

impl Hours {
    fn to_working_hours(&self) -> WorkingHours {
        if self.overnight {
            WorkingHours::overnight(self.day, self.start, self.end)
        } else {
            WorkingHours::new(self.day, self.start, self.end)
        }
    }
}

pub struct CalendarInput {
    pub name: String,
    pub time_zone: String,
    pub working_hours: Vec<Hours>,
    pub holidays: Vec<NaiveDate>,
}

pub fn parse_time_zone(field: &'static str, raw: &str) -> Result<Tz, AppError> {
    Tz::from_str(raw.trim()).map_err(|_| {
        AppError::bad_input(field, format!("{raw:?} is not a time zone; use a name such as Europe/London"))
    })
}

/// Builds the computable calendar from its parts, with the calendar's own message on failure.
fn build(time_zone: &str, hours: &[Hours], holidays: &[NaiveDate]) -> Result<BusinessCalendar, AppError> {
    let tz = parse_time_zone("timeZone", time_zone)?;
    BusinessCalendar::new(tz, hours.iter().map(Hours::to_working_hours), holidays.iter().copied())
        .map_err(|e| AppError::bad_input("workingHours", e.to_string()))
}

/// The computable calendar of a stored row.
pub fn calendar_of(row: &CalendarRow) -> Result<BusinessCalendar, AppError> {
    let hours: Vec<Hours> =
        serde_json::from_value(row.working_hours.clone()).map_err(|e| AppError::Internal(e.into()))?;
    build(&row.time_zone, &hours, &row.holidays)
}

pub fn hours_of(row: &CalendarRow) -> Vec<Hours> {
    serde_json::from_value(row.working_hours.clone()).unwrap_or_default()
}

fn fields<'a>(input: &'a CalendarInput) -> Result<CalendarFields<'a>, AppError> {
    let name = input.name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(AppError::bad_input("name", "name the calendar in 1 to 80 characters"));
    }
    if input.holidays.len() > 1000 {
        return Err(AppError::bad_input("holidays", "at most 1,000 holidays per calendar"));
    }
    build(&input.time_zone, &input.working_hours, &input.holidays)?;
    Ok(CalendarFields {
        name,
        time_zone: input.time_zone.trim(),
        working_hours: serde_json::to_value(&input.working_hours)
            .map_err(|e| AppError::Internal(e.into()))?,
        holidays: &input.holidays,
    })
}

/// Creates a calendar, or replaces the one with `id`.
pub async fn save_calendar(
    tx: &mut TenantTx,
    id: Option<Uuid>,
    input: CalendarInput,
) -> Result<CalendarRow, AppError> {
    require_admin(tx)?;
    let fields = fields(&input)?;
    let (row, action) = match id {
        None => (repo::insert_calendar(tx, fields).await?, "sla.calendar_created"),
        Some(id) => {
            let row = repo::update_calendar(tx, id, fields).await?.ok_or(AppError::NotFound("calendar"))?;
            (row, "sla.calendar_updated")
        }
    };
    events::append(
        tx,
        events::NewEvent {
            subject_type: "business_calendar",
            subject_id: row.id,
            action,
            changes: json!({ "name": row.name, "timeZone": row.time_zone, "workingHours": row.working_hours,
                             "holidays": row.holidays }),
        },
    )
    .await?;
    schedule_recompute(tx).await?;
    Ok(row)
}

pub async fn delete_calendar(tx: &mut TenantTx, id: Uuid) -> Result<(), AppError> {
    require_admin(tx)?;
    let deleted = repo::delete_calendar(tx, id).await.map_err(|e| match e {
        ferrodesk_db::DbError::ForeignKey { .. } => AppError::Conflict {
            field: "id",
            message: "SLA policies use this calendar; point them at another calendar first".into(),
        },
        other => other.into(),
    })?;
    if !deleted {
        return Err(AppError::NotFound("calendar"));
    }
    events::append(
        tx,
        events::NewEvent {
            subject_type: "business_calendar",
            subject_id: id,
            action: "sla.calendar_deleted",
            changes: json!({}),
        },
    )
    .await?;
    Ok(())
}

pub struct PolicyInput {
    pub department_id: DepartmentId,
    pub priority: Priority,
    pub calendar_id: Uuid,
    pub first_response_minutes: Option<i32>,
    pub resolution_minutes: Option<i32>,
}

/// Sets the targets for one department and priority.
pub async fn set_policy(tx: &mut TenantTx, input: PolicyInput) -> Result<Uuid, AppError> {
    require_admin(tx)?;
    for (field, minutes) in [
        ("firstResponseMinutes", input.first_response_minutes),
        ("resolutionMinutes", input.resolution_minutes),
    ] {
        if minutes.is_some_and(|m| !(1..=525_600).contains(&m)) {
            return Err(AppError::bad_input(field, "a target is 1 minute to 365 days of business time"));
        }
    }
    let inverted = matches!(
        (input.first_response_minutes, input.resolution_minutes),
        (Some(response), Some(resolution)) if response > resolution
    );
    if inverted {
        return Err(AppError::bad_input(
            "firstResponseMinutes",
            "the first response cannot be due after resolution",
        ));
    }
    repo::calendar(tx, input.calendar_id).await?.ok_or(AppError::NotFound("calendar"))?;
    let id = repo::upsert_policy(
        tx,
        PolicyFields {
            department_id: input.department_id,
            priority: input.priority,
            calendar_id: input.calendar_id,
            first_response_minutes: input.first_response_minutes,
            resolution_minutes: input.resolution_minutes,
        },
    )
    .await
    .map_err(|e| match e {
        ferrodesk_db::DbError::ForeignKey { .. } => AppError::NotFound("department"),
        other => other.into(),
    })?;
    events::append(
        tx,
        events::NewEvent {
            subject_type: "sla_policy",
            subject_id: id,
            action: "sla.policy_set",
            changes: json!({ "department": input.department_id, "priority": input.priority.to_string(),
                             "calendar": input.calendar_id, "firstResponseMinutes": input.first_response_minutes,
                             "resolutionMinutes": input.resolution_minutes }),
        },
    )
    .await?;
    schedule_recompute(tx).await?;
    Ok(id)
}

/// The calendars every organisation starts with, in its time zone: office hours, and 24×7 for
/// critical work.
pub fn default_calendars() -> [(&'static str, Vec<Hours>); 2] {
    let nine = NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default();
    let five = NaiveTime::from_hms_opt(17, 0, 0).unwrap_or_default();
    let midnight = NaiveTime::MIN;
    let office: Vec<Hours> = [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri]
        .into_iter()
        .map(|day| Hours { day, start: nine, end: five, overnight: false })
        .collect();
    let always: Vec<Hours> = (0..7)
        .map(|d| Hours {
            day: Weekday::try_from(d).unwrap_or(Weekday::Mon),
            start: midnight,
            end: midnight,
            overnight: false,
        })
        .collect();
    [("Office hours", office), ("24×7", always)]
}

/// The targets every department starts with: priority, the index of its calendar in
/// [`default_calendars`], first response and resolution in business minutes.
pub const DEFAULT_TARGETS: [(Priority, usize, i32, i32); 4] = {
    const HOUR: i32 = 60;
    const DAY: i32 = 8 * HOUR; // a business day of the office calendar
    [
        (Priority::P1, 1, HOUR, 4 * HOUR),
        (Priority::P2, 0, 2 * HOUR, DAY),
        (Priority::P3, 0, 4 * HOUR, 2 * DAY),
        (Priority::P4, 0, DAY, 5 * DAY),
    ]
};

/// Writes the default targets for a department, on the default calendars (reusing the
/// organisation's own when they exist by those names, as for a department added later).
pub async fn seed_defaults(
    tx: &mut TenantTx,
    department: DepartmentId,
    time_zone: &str,
) -> Result<(), AppError> {
    let existing = repo::calendars(tx).await?;
    let mut ids = Vec::new();
    for (name, hours) in default_calendars() {
        if let Some(calendar) = existing.iter().find(|c| c.name == name) {
            ids.push(calendar.id);
            continue;
        }
        let input = CalendarInput {
            name: name.into(),
            time_zone: time_zone.into(),
            working_hours: hours,
            holidays: vec![],
        };
        ids.push(repo::insert_calendar(tx, fields(&input)?).await?.id);
    }
    for (priority, calendar, response, resolution) in DEFAULT_TARGETS {
        repo::upsert_policy(
            tx,
            PolicyFields {
                department_id: department,
                priority,
                calendar_id: ids[calendar],
                first_response_minutes: Some(response),
                resolution_minutes: Some(resolution),
            },
        )
        .await?;
    }
    Ok(())
}

// The clock ---------------------------------------------------------------------------------------

/// A department's SLA as the clock needs it: each priority's targets and the pausing statuses.
pub struct SlaSetup {
    pub department_id: DepartmentId,
    pause_statuses: Vec<TicketStatus>,
    targets: HashMap<Priority, Targets>,
}

impl SlaSetup {
    /// `department`: `None` for the organisation's default department.
    pub async fn load(tx: &mut TenantTx, department: Option<DepartmentId>) -> Result<Self, AppError> {
        Self::from_rows(&*repo::setup(tx, department).await?)
    }

    pub fn from_rows(rows: &SlaSetupRows) -> Result<Self, AppError> {
        let mut calendars: HashMap<Uuid, Arc<BusinessCalendar>> = HashMap::new();
        let mut targets = HashMap::new();
        for policy in &rows.policies {
            let Ok(priority) = Priority::from_level(policy.priority) else { continue };
            let calendar = match calendars.get(&policy.calendar.id) {
                Some(c) => c.clone(),
                None => {
                    let c = Arc::new(calendar_of(&policy.calendar)?);
                    calendars.insert(policy.calendar.id, c.clone());
                    c
                }
            };
            let minutes = |m: Option<i32>| m.map(|m| TimeDelta::minutes(i64::from(m)));
            targets.insert(
                priority,
                Targets {
                    label: priority.to_string(),
                    calendar,
                    first_response: minutes(policy.first_response_minutes),
                    resolution: minutes(policy.resolution_minutes),
                },
            );
        }
        let pause_statuses = rows.pause_statuses.iter().filter_map(|s| s.parse().ok()).collect();
        Ok(Self { department_id: rows.department_id, pause_statuses, targets })
    }

    /// A priority without a policy has no targets: the clock runs but nothing falls due.
    fn targets(&self, priority: Priority) -> Targets {
        self.targets.get(&priority).cloned().unwrap_or_else(|| Targets {
            label: priority.to_string(),
            calendar: Arc::new(BusinessCalendar::always(Tz::UTC)),
            first_response: None,
            resolution: None,
        })
    }

    fn pauses(&self, status: TicketStatus) -> bool {
        self.pause_statuses.contains(&status)
    }

    fn pause(status: TicketStatus) -> ClockEvent {
        let reason = match status {
            TicketStatus::Pending => "waiting on requester".to_owned(),
            other => format!("status {other}"),
        };
        ClockEvent::Paused { reason }
    }

    /// What a status change means for the clock.
    fn transition(&self, from: TicketStatus, to: TicketStatus) -> Vec<ClockEvent> {
        match (from.is_active(), to.is_active()) {
            (true, false) => vec![ClockEvent::Resolved],
            (false, true) if self.pauses(to) => vec![ClockEvent::Reopened, Self::pause(to)],
            (false, true) => vec![ClockEvent::Reopened],
            (true, true) if from != to && self.pauses(to) => vec![Self::pause(to)],
            (true, true) if self.pauses(from) && !self.pauses(to) => vec![ClockEvent::Resumed],
            _ => vec![],
        }
    }

    fn opening(&self, priority: Priority, status: TicketStatus, at: DateTime<Utc>) -> Vec<TimedEvent> {
        let mut events = vec![TimedEvent::new(at, ClockEvent::Created { targets: self.targets(priority) })];
        if self.pauses(status) {
            events.push(TimedEvent::new(at, Self::pause(status)));
        }
        events
    }

    /// The clock of a ticket being created now.
    pub fn start(&self, priority: Priority, status: TicketStatus, now: DateTime<Utc>) -> SlaColumns {
        derive(&self.opening(priority, status, now), now).map(|c| columns(&c)).unwrap_or_default()
    }
}

fn derive(events: &[TimedEvent], now: DateTime<Utc>) -> Result<SlaClock, ferrodesk_sla::ClockError> {
    // The database stamps events with its transaction's start; never read them as future events.
    let now = events.iter().map(|e| e.at).max().map_or(now, |last| last.max(now));
    SlaClock::derive(events, now)
}

/// The stored form of a clock.
pub fn columns(clock: &SlaClock) -> SlaColumns {
    let response = clock.response.as_ref();
    let resolution = clock.resolution.as_ref();
    SlaColumns {
        response_due_at: response.and_then(|t| t.due_at),
        resolution_due_at: resolution.and_then(|t| t.due_at),
        response_breached: response.is_some_and(TargetState::is_breached),
        resolution_breached: resolution.is_some_and(TargetState::is_breached),
        response_at_risk_at: response.and_then(|t| t.at_risk_from),
        resolution_at_risk_at: resolution.and_then(|t| t.at_risk_from),
        paused: clock.paused.is_some(),
    }
}

fn priority_of(value: &Value) -> Option<Priority> {
    value.as_str()?.strip_prefix('P')?.parse::<i16>().ok().and_then(|l| Priority::from_level(l).ok())
}

fn status_of(value: &Value) -> Option<TicketStatus> {
    value.as_str()?.parse().ok()
}

/// Replays a ticket's audit trail as clock events: creation, status changes, priority changes
/// (re-targets) and staff's public replies (first response).
fn clock_events(setup: &SlaSetup, trail: &[EventRow]) -> Vec<TimedEvent> {
    let mut events = Vec::new();
    for row in trail {
        let changes = &row.changes;
        match row.action.as_str() {
            "ticket.created" => {
                let priority = priority_of(&changes["priority"]).unwrap_or(Priority::P3);
                let status = status_of(&changes["status"]).unwrap_or(TicketStatus::New);
                events.extend(setup.opening(priority, status, row.created_at));
                continue;
            }
            "ticket.reply_added" if changes["staff"].as_bool() == Some(true) => {
                events.push(TimedEvent::new(row.created_at, ClockEvent::FirstResponse));
            }
            _ => {}
        }
        if let Some(priority) = priority_of(&changes["priority"]["to"]) {
            let targets = setup.targets(priority);
            events.push(TimedEvent::new(row.created_at, ClockEvent::Retargeted { targets }));
        }
        if let (Some(from), Some(to)) =
            (status_of(&changes["status"]["from"]), status_of(&changes["status"]["to"]))
        {
            events.extend(setup.transition(from, to).into_iter().map(|e| TimedEvent::new(row.created_at, e)));
        }
    }
    events
}

/// Derives a clock from a trail; `None` (logged) when it cannot be derived, e.g. a calendar with
/// no working time for ten years.
fn derive_trail(
    setup: &SlaSetup,
    ticket: TicketId,
    trail: &[EventRow],
    now: DateTime<Utc>,
) -> Option<SlaClock> {
    match derive(&clock_events(setup, trail), now) {
        Ok(clock) => Some(clock),
        Err(e) => {
            tracing::warn!(ticket_id = %ticket, error = %e, "SLA clock unavailable");
            None
        }
    }
}

/// The stored clock columns of a ticket with this audit trail, as of `now` (defaults when the
/// clock cannot be derived).
pub fn columns_of_trail(
    setup: &SlaSetup,
    ticket: TicketId,
    trail: &[EventRow],
    now: DateTime<Utc>,
) -> SlaColumns {
    derive_trail(setup, ticket, trail, now).as_ref().map(columns).unwrap_or_default()
}

/// The ticket's clock now, derived from its audit trail.
pub async fn clock(
    tx: &mut TenantTx,
    ticket: TicketId,
    department: DepartmentId,
) -> Result<Option<SlaClock>, AppError> {
    let setup = SlaSetup::load(tx, Some(department)).await?;
    let trail = events::list_for_subject(tx, "ticket", ticket.into_uuid(), None, 100_000).await?;
    Ok(derive_trail(&setup, ticket, &trail, Utc::now()))
}

/// Re-derives and stores a ticket's clock after a change that affects it.
pub async fn refresh(tx: &mut TenantTx, ticket: TicketId, department: DepartmentId) -> Result<(), AppError> {
    // A requester's reply restarts a paused clock, but the audit trail the clock is derived
    // from is for staff only: read it as the system, then go back to the requester's rights.
    let restricted = tx.actor().is_some_and(|a| !a.role.is_staff());
    let previous = if restricted { Some(tx.set_db_role("system").await?) } else { None };
    let derived = clock(tx, ticket, department).await;
    if let Some(role) = previous.filter(|r| *r != "system") {
        tx.set_db_role(role).await?;
    }
    let columns = derived?.as_ref().map(columns).unwrap_or_default();
    tickets::save_sla(tx, ticket, &columns).await?;
    Ok(())
}

/// Tickets recomputed per transaction: large enough to amortise the round trips, small enough
/// that no writer waits long on the rows.
const RECOMPUTE_BATCH: i64 = 500;

/// Recomputes the clocks of every open ticket, after a calendar or policy changed (a job). Each
/// batch is three round trips (ids, trails, one update) plus one per department's setup.
pub async fn recompute_open(db: &Db, org_id: OrgId) -> Result<usize, AppError> {
    let mut after = Uuid::nil();
    let mut done = 0;
    let mut setups: HashMap<DepartmentId, SlaSetup> = HashMap::new();
    loop {
        let mut tx = db.system_in(org_id).await?;
        let batch = tickets::open_after(&mut tx, after, RECOMPUTE_BATCH).await?;
        let Some(last) = batch.last() else { break };
        after = last.0.into_uuid();
        let ids: Vec<Uuid> = batch.iter().map(|(id, _)| id.into_uuid()).collect();
        let trails = events::trails(&mut tx, "ticket", &ids).await?;
        let now = Utc::now();
        let mut clocks = Vec::with_capacity(batch.len());
        for (id, department) in &batch {
            if !setups.contains_key(department) {
                setups.insert(*department, SlaSetup::load(&mut tx, Some(*department)).await?);
            }
            let Some(setup) = setups.get(department) else { continue };
            let trail = trails.get(&id.into_uuid()).map_or(&[][..], Vec::as_slice);
            let clock = derive_trail(setup, *id, trail, now);
            clocks.push((*id, clock.as_ref().map(columns).unwrap_or_default()));
        }
        tickets::save_sla_batch(&mut tx, &clocks).await?;
        tx.commit().await?;
        done += batch.len();
    }
    Ok(done)
}

/// Asks the worker to recompute the organisation's open tickets (once, however many changes).
async fn schedule_recompute(tx: &mut TenantTx) -> Result<(), AppError> {
    ferrodesk_jobs::enqueue(tx, &crate::jobs::RecomputeSla {}).await?;
    Ok(())
}
