//! Business calendars and SLA policies.

use std::sync::Arc;

use chrono::NaiveDate;
use ferrodesk_domain::{DepartmentId, Priority};
use serde_json::Value;
use uuid::Uuid;

use crate::{DbError, TenantTx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CalendarRow {
    pub id: Uuid,
    pub name: String,
    pub time_zone: String,
    pub working_hours: Value,
    pub holidays: Vec<NaiveDate>,
}

pub struct CalendarFields<'a> {
    pub name: &'a str,
    pub time_zone: &'a str,
    pub working_hours: Value,
    pub holidays: &'a [NaiveDate],
}

pub async fn insert_calendar(tx: &mut TenantTx, fields: CalendarFields<'_>) -> Result<CalendarRow, DbError> {
    let org_id = tx.org_id();
    Ok(sqlx::query_as!(
        CalendarRow,
        "insert into business_calendars (org_id, id, name, time_zone, working_hours, holidays)
         values ($1, $2, $3, $4, $5, $6)
         returning id, name, time_zone, working_hours, holidays",
        org_id.as_uuid(),
        Uuid::now_v7(),
        fields.name,
        fields.time_zone,
        fields.working_hours,
        fields.holidays
    )
    .fetch_one(&mut **tx)
    .await?)
}

/// Replaces a calendar's fields; `None` when there is no such calendar.
pub async fn update_calendar(
    tx: &mut TenantTx,
    id: Uuid,
    fields: CalendarFields<'_>,
) -> Result<Option<CalendarRow>, DbError> {
    let org_id = tx.org_id();
    Ok(sqlx::query_as!(
        CalendarRow,
        "update business_calendars set name = $3, time_zone = $4, working_hours = $5, holidays = $6
         where org_id = $1 and id = $2
         returning id, name, time_zone, working_hours, holidays",
        org_id.as_uuid(),
        id,
        fields.name,
        fields.time_zone,
        fields.working_hours,
        fields.holidays
    )
    .fetch_optional(&mut **tx)
    .await?)
}

/// Deletes an unused calendar; a calendar that policies name is a foreign-key violation.
pub async fn delete_calendar(tx: &mut TenantTx, id: Uuid) -> Result<bool, DbError> {
    let org_id = tx.org_id();
    let n =
        sqlx::query!("delete from business_calendars where org_id = $1 and id = $2", org_id.as_uuid(), id)
            .execute(&mut **tx)
            .await?
            .rows_affected();
    Ok(n == 1)
}

pub async fn calendars(tx: &mut TenantTx) -> Result<Vec<CalendarRow>, DbError> {
    let org_id = tx.org_id();
    Ok(sqlx::query_as!(
        CalendarRow,
        "select id, name, time_zone, working_hours, holidays from business_calendars
         where org_id = $1 order by name",
        org_id.as_uuid()
    )
    .fetch_all(&mut **tx)
    .await?)
}

pub async fn calendar(tx: &mut TenantTx, id: Uuid) -> Result<Option<CalendarRow>, DbError> {
    let org_id = tx.org_id();
    Ok(sqlx::query_as!(
        CalendarRow,
        "select id, name, time_zone, working_hours, holidays from business_calendars
         where org_id = $1 and id = $2",
        org_id.as_uuid(),
        id
    )
    .fetch_optional(&mut **tx)
    .await?)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PolicyRow {
    pub id: Uuid,
    pub department_id: Uuid,
    pub department_name: String,
    pub priority: i16,
    pub calendar_id: Uuid,
    pub first_response_minutes: Option<i32>,
    pub resolution_minutes: Option<i32>,
}

pub struct PolicyFields {
    pub department_id: DepartmentId,
    pub priority: Priority,
    pub calendar_id: Uuid,
    pub first_response_minutes: Option<i32>,
    pub resolution_minutes: Option<i32>,
}

/// Sets the targets for one department and priority, replacing any there were.
pub async fn upsert_policy(tx: &mut TenantTx, fields: PolicyFields) -> Result<Uuid, DbError> {
    let org_id = tx.org_id();
    Ok(sqlx::query_scalar!(
        "insert into sla_policies (org_id, id, department_id, priority, calendar_id, first_response_minutes,
                                   resolution_minutes)
         values ($1, $2, $3, $4, $5, $6, $7)
         on conflict (org_id, department_id, priority) do update set
             calendar_id = excluded.calendar_id,
             first_response_minutes = excluded.first_response_minutes,
             resolution_minutes = excluded.resolution_minutes
         returning id",
        org_id.as_uuid(),
        Uuid::now_v7(),
        fields.department_id.as_uuid(),
        fields.priority.level(),
        fields.calendar_id,
        fields.first_response_minutes,
        fields.resolution_minutes
    )
    .fetch_one(&mut **tx)
    .await?)
}

pub async fn policies(tx: &mut TenantTx) -> Result<Vec<PolicyRow>, DbError> {
    let org_id = tx.org_id();
    Ok(sqlx::query_as!(
        PolicyRow,
        "select p.id, p.department_id, d.name as department_name, p.priority, p.calendar_id,
                p.first_response_minutes, p.resolution_minutes
         from sla_policies p join departments d on d.org_id = p.org_id and d.id = p.department_id
         where p.org_id = $1 order by d.name, p.priority",
        org_id.as_uuid()
    )
    .fetch_all(&mut **tx)
    .await?)
}

/// Everything the clock needs to know about a department's SLA, in one round trip: the
/// organisation's pausing statuses, and each priority's targets with its calendar.
#[derive(Debug, Clone)]
pub struct SlaSetupRows {
    pub department_id: DepartmentId,
    pub pause_statuses: Vec<String>,
    pub policies: Vec<PolicyWithCalendar>,
}

#[derive(Debug, Clone)]
pub struct PolicyWithCalendar {
    pub priority: i16,
    pub first_response_minutes: Option<i32>,
    pub resolution_minutes: Option<i32>,
    pub calendar: CalendarRow,
}

/// `department`: `None` for the organisation's default department (its oldest). Members'
/// transactions share what an earlier one read under the same configuration version.
pub async fn setup(
    tx: &mut TenantTx,
    department: Option<DepartmentId>,
) -> Result<Arc<SlaSetupRows>, DbError> {
    let key = (tx.org_id(), department);
    if let Some(seen) = tx.config()
        && let Some(rows) = seen.cache.sla(key, seen.version)
    {
        return Ok(rows);
    }
    let rows = Arc::new(read_setup(tx, department).await?);
    if let Some(seen) = tx.config() {
        seen.cache.keep_sla(key, seen.version, rows.clone());
    }
    Ok(rows)
}

async fn read_setup(tx: &mut TenantTx, department: Option<DepartmentId>) -> Result<SlaSetupRows, DbError> {
    let org_id = tx.org_id();
    let rows = sqlx::query!(
        r#"with dept as (
               select coalesce($2, (select d.id from departments d where d.org_id = $1
                                    order by d.created_at, d.id limit 1)) as id
           )
           select dept.id as "department_id!", o.sla_pause_statuses, p.priority as "priority?",
                  p.first_response_minutes, p.resolution_minutes, c.id as "calendar_id?",
                  c.name as "calendar_name?", c.time_zone as "time_zone?",
                  c.working_hours as "working_hours?", c.holidays as "holidays?"
           from organizations o
           cross join dept
           left join sla_policies p on p.org_id = o.id and p.department_id = dept.id
           left join business_calendars c on c.org_id = p.org_id and c.id = p.calendar_id
           where o.id = $1"#,
        org_id.as_uuid(),
        department.map(|d| d.into_uuid())
    )
    .fetch_all(&mut **tx)
    .await?;
    let department_id = rows
        .first()
        .map(|r| DepartmentId::from_uuid(r.department_id))
        .ok_or_else(|| DbError::Sqlx(sqlx::Error::RowNotFound))?;
    let pause_statuses = rows.first().map(|r| r.sla_pause_statuses.clone()).unwrap_or_default();
    let policies = rows
        .into_iter()
        .filter_map(|r| {
            Some(PolicyWithCalendar {
                priority: r.priority?,
                first_response_minutes: r.first_response_minutes,
                resolution_minutes: r.resolution_minutes,
                calendar: CalendarRow {
                    id: r.calendar_id?,
                    name: r.calendar_name?,
                    time_zone: r.time_zone?,
                    working_hours: r.working_hours?,
                    holidays: r.holidays?,
                },
            })
        })
        .collect();
    Ok(SlaSetupRows { department_id, pause_statuses, policies })
}

/// System: one SLA sweep across every tenant (see `fd_sla_sweep`). Returns escalations raised.
pub async fn sweep(db: &crate::Db, now: chrono::DateTime<chrono::Utc>, limit: i32) -> Result<i32, DbError> {
    Ok(sqlx::query_scalar!(r#"select fd_sla_sweep($1, $2) as "raised!""#, now, limit)
        .fetch_one(db.pool())
        .await?)
}
