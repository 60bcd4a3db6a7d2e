//! SLA settings: business calendars and per-department, per-priority targets. Calendars are
//! validated by `ferrodesk-sla` before they are stored, so every stored calendar can be computed.

use std::str::FromStr;

use chrono::{NaiveDate, NaiveTime, Weekday};
use ferrodesk_db::sla::{self as repo, CalendarFields, CalendarRow, PolicyFields};
use ferrodesk_db::{TenantTx, events};
use ferrodesk_domain::{DepartmentId, Priority};
use ferrodesk_sla::{BusinessCalendar, Tz, WorkingHours};
use serde::{Deserialize, Serialize};
use serde_json::json;
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
    Ok(id)
}

/// The defaults every organisation starts with: an office-hours calendar in its time zone, a 24×7
/// one for critical work, and targets for each priority of the department.
pub async fn seed_defaults(
    tx: &mut TenantTx,
    department: DepartmentId,
    time_zone: &str,
) -> Result<(), AppError> {
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
    let mut ids = Vec::new();
    for (name, hours) in [("Office hours", office), ("24×7", always)] {
        let input = CalendarInput {
            name: name.into(),
            time_zone: time_zone.into(),
            working_hours: hours,
            holidays: vec![],
        };
        ids.push(repo::insert_calendar(tx, fields(&input)?).await?.id);
    }
    let (office, always) = (ids[0], ids[1]);
    const HOUR: i32 = 60;
    const DAY: i32 = 8 * HOUR; // a business day of the office calendar
    for (priority, calendar, response, resolution) in [
        (Priority::P1, always, HOUR, 4 * HOUR),
        (Priority::P2, office, 2 * HOUR, DAY),
        (Priority::P3, office, 4 * HOUR, 2 * DAY),
        (Priority::P4, office, DAY, 5 * DAY),
    ] {
        repo::upsert_policy(
            tx,
            PolicyFields {
                department_id: department,
                priority,
                calendar_id: calendar,
                first_response_minutes: Some(response),
                resolution_minutes: Some(resolution),
            },
        )
        .await?;
    }
    Ok(())
}
