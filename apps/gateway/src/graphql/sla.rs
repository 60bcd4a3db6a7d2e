//! SLA settings over GraphQL: business calendars and targets per department and priority.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{NaiveDate, NaiveTime};
use ferrodesk_core::sla::{self as service, CalendarInput, Hours, PolicyInput};
use ferrodesk_core::{AppError, require_staff};
use ferrodesk_db::sla::{self as repo, CalendarRow, PolicyRow};
use ferrodesk_domain::DepartmentId;

use super::tickets::Priority;
use super::{OrGql, global_id, gql_error, parse_global_id, tenant};

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "chrono::Weekday")]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

/// Working hours on one weekday, in the calendar's local time ("09:00"–"17:00"). An overnight
/// interval ends the next day; a same-day interval ending at "00:00" ends at midnight.
#[derive(SimpleObject, InputObject, Clone)]
#[graphql(input_name = "WorkingHoursInput")]
pub struct WorkingHours {
    pub day: Weekday,
    /// "HH:MM"
    pub start: String,
    /// "HH:MM"
    pub end: String,
    #[graphql(default)]
    pub overnight: bool,
}

fn parse_time(field: &'static str, raw: &str) -> Result<NaiveTime, AppError> {
    NaiveTime::parse_from_str(raw.trim(), "%H:%M")
        .map_err(|_| AppError::bad_input(field, format!("{raw:?} is not a time of day such as 09:00")))
}

impl WorkingHours {
    fn from_hours(h: &Hours) -> Self {
        Self {
            day: h.day.into(),
            start: h.start.format("%H:%M").to_string(),
            end: h.end.format("%H:%M").to_string(),
            overnight: h.overnight,
        }
    }

    fn to_hours(&self) -> Result<Hours, AppError> {
        Ok(Hours {
            day: self.day.into(),
            start: parse_time("workingHours", &self.start)?,
            end: parse_time("workingHours", &self.end)?,
            overnight: self.overnight,
        })
    }
}

#[derive(SimpleObject)]
pub struct BusinessCalendar {
    pub id: ID,
    pub name: String,
    /// IANA time zone, e.g. Europe/London.
    pub time_zone: String,
    pub working_hours: Vec<WorkingHours>,
    pub holidays: Vec<NaiveDate>,
}

impl From<CalendarRow> for BusinessCalendar {
    fn from(row: CalendarRow) -> Self {
        Self {
            id: global_id("BusinessCalendar", row.id),
            working_hours: service::hours_of(&row).iter().map(WorkingHours::from_hours).collect(),
            name: row.name,
            time_zone: row.time_zone,
            holidays: row.holidays,
        }
    }
}

/// First response and resolution targets, in business minutes of the calendar.
#[derive(SimpleObject)]
pub struct SlaPolicy {
    pub id: ID,
    pub department_id: ID,
    pub department_name: String,
    pub priority: Priority,
    pub calendar_id: ID,
    pub first_response_minutes: Option<i32>,
    pub resolution_minutes: Option<i32>,
}

impl From<PolicyRow> for SlaPolicy {
    fn from(p: PolicyRow) -> Self {
        Self {
            id: global_id("SlaPolicy", p.id),
            department_id: global_id("Department", p.department_id),
            department_name: p.department_name,
            priority: ferrodesk_domain::Priority::from_level(p.priority)
                .unwrap_or(ferrodesk_domain::Priority::P3)
                .into(),
            calendar_id: global_id("BusinessCalendar", p.calendar_id),
            first_response_minutes: p.first_response_minutes,
            resolution_minutes: p.resolution_minutes,
        }
    }
}

#[derive(Default)]
pub struct SlaQuery;

#[Object]
impl SlaQuery {
    /// The organisation's business calendars (agents and admins).
    async fn business_calendars(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<BusinessCalendar>> {
        let mut tx = tenant(ctx).await?;
        require_staff(&tx).gql()?;
        let rows = repo::calendars(&mut tx).await.gql()?;
        tx.commit().await.gql()?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// Targets per department and priority (agents and admins).
    async fn sla_policies(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<SlaPolicy>> {
        let mut tx = tenant(ctx).await?;
        require_staff(&tx).gql()?;
        let rows = repo::policies(&mut tx).await.gql()?;
        tx.commit().await.gql()?;
        Ok(rows.into_iter().map(Into::into).collect())
    }
}

#[derive(InputObject)]
pub struct SaveBusinessCalendarInput {
    /// Absent: create a calendar. Present: replace that calendar.
    pub id: Option<ID>,
    pub name: String,
    pub time_zone: String,
    pub working_hours: Vec<WorkingHours>,
    #[graphql(default)]
    pub holidays: Vec<NaiveDate>,
}

#[derive(SimpleObject)]
pub struct SaveBusinessCalendarPayload {
    pub calendar: BusinessCalendar,
}

#[derive(InputObject)]
pub struct SetSlaPolicyInput {
    pub department_id: ID,
    pub priority: Priority,
    pub calendar_id: ID,
    /// Business minutes; null for no first-response target.
    pub first_response_minutes: Option<i32>,
    /// Business minutes; null for no resolution target.
    pub resolution_minutes: Option<i32>,
}

#[derive(SimpleObject)]
pub struct SetSlaPolicyPayload {
    pub policy: SlaPolicy,
}

#[derive(Default)]
pub struct SlaMutation;

#[Object]
impl SlaMutation {
    /// Creates or replaces a business calendar (admins).
    async fn save_business_calendar(
        &self,
        ctx: &Context<'_>,
        input: SaveBusinessCalendarInput,
    ) -> async_graphql::Result<SaveBusinessCalendarPayload> {
        let id = input.id.as_ref().map(|id| parse_global_id("BusinessCalendar", id)).transpose().gql()?;
        let working_hours =
            input.working_hours.iter().map(WorkingHours::to_hours).collect::<Result<Vec<_>, _>>().gql()?;
        let mut tx = tenant(ctx).await?;
        let row = service::save_calendar(
            &mut tx,
            id,
            CalendarInput {
                name: input.name,
                time_zone: input.time_zone,
                working_hours,
                holidays: input.holidays,
            },
        )
        .await
        .gql()?;
        tx.commit().await.gql()?;
        Ok(SaveBusinessCalendarPayload { calendar: row.into() })
    }

    /// Deletes a calendar no policy uses (admins).
    async fn delete_business_calendar(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<bool> {
        let id = parse_global_id("BusinessCalendar", &id).gql()?;
        let mut tx = tenant(ctx).await?;
        service::delete_calendar(&mut tx, id).await.gql()?;
        tx.commit().await.gql()?;
        Ok(true)
    }

    /// Sets the targets for one department and priority (admins).
    async fn set_sla_policy(
        &self,
        ctx: &Context<'_>,
        input: SetSlaPolicyInput,
    ) -> async_graphql::Result<SetSlaPolicyPayload> {
        let department_id =
            DepartmentId::from_uuid(parse_global_id("Department", &input.department_id).gql()?);
        let calendar_id = parse_global_id("BusinessCalendar", &input.calendar_id).gql()?;
        let mut tx = tenant(ctx).await?;
        let id = service::set_policy(
            &mut tx,
            PolicyInput {
                department_id,
                priority: input.priority.into(),
                calendar_id,
                first_response_minutes: input.first_response_minutes,
                resolution_minutes: input.resolution_minutes,
            },
        )
        .await
        .gql()?;
        let policy = repo::policies(&mut tx)
            .await
            .gql()?
            .into_iter()
            .find(|p| p.id == id)
            .ok_or_else(|| gql_error(AppError::NotFound("policy")))?;
        tx.commit().await.gql()?;
        Ok(SetSlaPolicyPayload { policy: policy.into() })
    }
}
