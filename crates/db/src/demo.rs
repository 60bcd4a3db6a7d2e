//! The demo's dataset in and out of the database: `wipe` (the `fd_demo_wipe` system function) and
//! `load`, which writes a generated dataset in a handful of set-wise statements (one per table,
//! arrays bound as parameters and expanded with `unnest`), inside the demo's tenant transaction.

use chrono::{DateTime, Utc};
use ferrodesk_domain::OrgId;
use serde_json::Value;
use sqlx::{Postgres, Transaction};
use uuid::Uuid;

use crate::tickets::SlaColumns;
use crate::{DbError, TenantTx};

/// The demo organisation's own row, and when its dataset counts as stale.
pub struct DemoOrganization<'a> {
    pub id: OrgId,
    pub slug: &'a str,
    pub name: &'a str,
    pub time_zone: &'a str,
    /// The dataset's "now": every timestamp in it is relative to this instant.
    pub as_of: DateTime<Utc>,
    pub replace: Replace,
}

/// When to replace the demo's dataset.
#[derive(Debug, Clone, Copy)]
pub enum Replace {
    /// Always (the operator's command, tests).
    Always,
    /// Only when the demo does not exist yet (a first visitor, a worker starting).
    IfMissing,
    /// Only when the current dataset is older than this instant (the nightly schedule: several
    /// workers reset once).
    IfOlderThan(DateTime<Utc>),
}

pub struct Person {
    pub id: Uuid,
    pub email: String,
    pub name: String,
}

/// System: removes the demo organisation with everything it owns and writes back its row and its
/// people, unless its dataset is fresh enough. `false`: nothing was done (roll back).
pub async fn wipe(
    tx: &mut Transaction<'static, Postgres>,
    org: &DemoOrganization<'_>,
    people: &[Person],
) -> Result<bool, DbError> {
    let people: Vec<Value> =
        people.iter().map(|p| serde_json::json!({ "id": p.id, "email": p.email, "name": p.name })).collect();
    let stale_before = match org.replace {
        Replace::Always => "infinity".to_owned(),
        Replace::IfMissing => "-infinity".to_owned(),
        Replace::IfOlderThan(t) => t.to_rfc3339(),
    };
    let wiped = sqlx::query_scalar!(
        r#"select fd_demo_wipe($1, $2, $3, $4, $5, $6::text::timestamptz, $7) as "wiped!""#,
        org.id.as_uuid(),
        org.slug,
        org.name,
        org.time_zone,
        org.as_of,
        stale_before,
        Value::Array(people),
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok(wiped)
}

pub struct Membership {
    pub user_id: Uuid,
    pub role: &'static str,
    /// What the demo calls them.
    pub name: String,
    pub created_at: DateTime<Utc>,
}

pub struct Department {
    pub id: Uuid,
    pub name: &'static str,
    pub created_at: DateTime<Utc>,
}

pub struct Category {
    pub id: Uuid,
    pub department_id: Uuid,
    pub parent_id: Option<Uuid>,
    pub name: &'static str,
    pub position: i32,
    pub created_at: DateTime<Utc>,
}

pub struct Calendar {
    pub id: Uuid,
    pub name: &'static str,
    pub time_zone: String,
    pub working_hours: Value,
    pub created_at: DateTime<Utc>,
}

pub struct Policy {
    pub id: Uuid,
    pub department_id: Uuid,
    pub priority: i16,
    pub calendar_id: Uuid,
    pub first_response_minutes: i32,
    pub resolution_minutes: i32,
    pub created_at: DateTime<Utc>,
}

pub struct Ticket {
    pub id: Uuid,
    /// The plus tag of the ticket's reply address (fixed, like everything in the dataset).
    pub reply_token: String,
    pub kind: &'static str,
    pub number: i32,
    pub subject: String,
    pub description: String,
    pub status: &'static str,
    pub priority: i16,
    pub impact: Option<&'static str>,
    pub urgency: Option<&'static str>,
    pub channel: &'static str,
    pub department_id: Uuid,
    pub category_id: Option<Uuid>,
    pub requester_id: Uuid,
    pub assignee_id: Option<Uuid>,
    pub created_by: Option<Uuid>,
    pub tags: Vec<&'static str>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub first_response_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub reopen_count: i32,
    pub sla: SlaColumns,
    /// Its `ticket.created` event, written with it (the number in its details is the one the
    /// ticket is given, which must be `number`).
    pub event_id: Uuid,
    pub event_changes: Value,
}

pub struct Message {
    pub id: Uuid,
    pub ticket_id: Uuid,
    pub author_id: Uuid,
    pub internal: bool,
    pub body: String,
    pub channel: &'static str,
    pub created_at: DateTime<Utc>,
}

pub struct Event {
    pub id: Uuid,
    pub subject_type: &'static str,
    pub subject_id: Uuid,
    pub actor_id: Option<Uuid>,
    pub action: &'static str,
    pub changes: Value,
    pub created_at: DateTime<Utc>,
}

/// The structure of the organisation: what the SLA clocks need to be computed.
pub struct Structure {
    pub memberships: Vec<Membership>,
    pub departments: Vec<Department>,
    pub categories: Vec<Category>,
    pub calendars: Vec<Calendar>,
    pub policies: Vec<Policy>,
}

/// The work: tickets with their conversations and audit trails.
pub struct Work {
    pub tickets: Vec<Ticket>,
    pub messages: Vec<Message>,
    pub events: Vec<Event>,
}

fn column<T, U>(rows: &[T], f: impl Fn(&T) -> U) -> Vec<U> {
    rows.iter().map(f).collect()
}

/// Writes the organisation's structure (people's memberships, departments, categories, SLA).
pub async fn load_structure(tx: &mut TenantTx, s: &Structure) -> Result<(), DbError> {
    let org = tx.org_id().into_uuid();
    sqlx::query(
        "insert into memberships (org_id, user_id, role, status, name, created_at, updated_at)
         select $1, u, r, 'active', n, c, c
         from unnest($2::uuid[], $3::text[], $4::text[], $5::timestamptz[]) as x(u, r, n, c)",
    )
    .bind(org)
    .bind(column(&s.memberships, |m| m.user_id))
    .bind(column(&s.memberships, |m| m.role))
    .bind(column(&s.memberships, |m| m.name.clone()))
    .bind(column(&s.memberships, |m| m.created_at))
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "insert into departments (org_id, id, name, created_at)
         select $1, i, n, c from unnest($2::uuid[], $3::text[], $4::timestamptz[]) as x(i, n, c)",
    )
    .bind(org)
    .bind(column(&s.departments, |d| d.id))
    .bind(column(&s.departments, |d| d.name))
    .bind(column(&s.departments, |d| d.created_at))
    .execute(&mut **tx)
    .await?;
    // Parents first: the two-level trigger looks the parent up.
    for top_level in [true, false] {
        let rows: Vec<&Category> =
            s.categories.iter().filter(|c| c.parent_id.is_none() == top_level).collect();
        sqlx::query(
            "insert into categories (org_id, id, department_id, parent_id, name, position, created_at)
             select $1, i, d, p, n, o, c
             from unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::int[], $7::timestamptz[])
                  as x(i, d, p, n, o, c)",
        )
        .bind(org)
        .bind(column(&rows, |c| c.id))
        .bind(column(&rows, |c| c.department_id))
        .bind(column(&rows, |c| c.parent_id))
        .bind(column(&rows, |c| c.name))
        .bind(column(&rows, |c| c.position))
        .bind(column(&rows, |c| c.created_at))
        .execute(&mut **tx)
        .await?;
    }
    sqlx::query(
        "insert into business_calendars (org_id, id, name, time_zone, working_hours, created_at, updated_at)
         select $1, i, n, z, h, c, c
         from unnest($2::uuid[], $3::text[], $4::text[], $5::jsonb[], $6::timestamptz[]) as x(i, n, z, h, c)",
    )
    .bind(org)
    .bind(column(&s.calendars, |c| c.id))
    .bind(column(&s.calendars, |c| c.name))
    .bind(column(&s.calendars, |c| c.time_zone.clone()))
    .bind(column(&s.calendars, |c| c.working_hours.clone()))
    .bind(column(&s.calendars, |c| c.created_at))
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "insert into sla_policies (org_id, id, department_id, priority, calendar_id, first_response_minutes,
                                   resolution_minutes, created_at, updated_at)
         select $1, i, d, p, k, f, r, c, c
         from unnest($2::uuid[], $3::uuid[], $4::smallint[], $5::uuid[], $6::int[], $7::int[], $8::timestamptz[])
              as x(i, d, p, k, f, r, c)",
    )
    .bind(org)
    .bind(column(&s.policies, |p| p.id))
    .bind(column(&s.policies, |p| p.department_id))
    .bind(column(&s.policies, |p| p.priority))
    .bind(column(&s.policies, |p| p.calendar_id))
    .bind(column(&s.policies, |p| p.first_response_minutes))
    .bind(column(&s.policies, |p| p.resolution_minutes))
    .bind(column(&s.policies, |p| p.created_at))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Writes tickets through the one writer of ticket rows, in the order of their numbers (which it
/// gives them again, from the counters the wipe emptied), then their messages and the rest of
/// their audit trails.
pub async fn load_work(tx: &mut TenantTx, w: &Work) -> Result<(), DbError> {
    let org = tx.org_id().into_uuid();
    let mut t: Vec<&Ticket> = w.tickets.iter().collect();
    t.sort_by_key(|t| (t.kind, t.number));
    let numbered: Vec<(Uuid, i32)> = sqlx::query_as(
        "select id, number from fd_insert_tickets(array(
             select row($1, id, kind, subject, description, status, priority, impact, urgency, channel,
                        department_id, category_id, requester_id, assignee_id, created_by,
                        coalesce(string_to_array(nullif(tags, ''), ','), '{}'), event_id, event_changes,
                        response_due_at, resolution_due_at, response_at_risk_at, resolution_at_risk_at,
                        sla_paused, null, null, reply_token, created_at, updated_at, first_response_at,
                        resolved_at, closed_at, reopen_count, response_breached, resolution_breached)::new_ticket
             from unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::smallint[],
                         $8::text[], $9::text[], $10::text[], $11::uuid[], $12::uuid[], $13::uuid[], $14::uuid[],
                         $15::uuid[], $16::text[], $17::uuid[], $18::jsonb[], $19::timestamptz[],
                         $20::timestamptz[], $21::timestamptz[], $22::timestamptz[], $23::bool[], $24::text[],
                         $25::timestamptz[], $26::timestamptz[], $27::timestamptz[], $28::timestamptz[],
                         $29::timestamptz[], $30::int[], $31::bool[], $32::bool[])
                  with ordinality
                  as x(id, kind, subject, description, status, priority, impact, urgency, channel,
                       department_id, category_id, requester_id, assignee_id, created_by, tags, event_id,
                       event_changes, response_due_at, resolution_due_at, response_at_risk_at,
                       resolution_at_risk_at, sla_paused, reply_token, created_at, updated_at,
                       first_response_at, resolved_at, closed_at, reopen_count, response_breached,
                       resolution_breached, ord)
             order by ord))",
    )
    .bind(org)
    .bind(column(&t, |t| t.id))
    .bind(column(&t, |t| t.kind))
    .bind(column(&t, |t| t.subject.clone()))
    .bind(column(&t, |t| t.description.clone()))
    .bind(column(&t, |t| t.status))
    .bind(column(&t, |t| t.priority))
    .bind(column(&t, |t| t.impact))
    .bind(column(&t, |t| t.urgency))
    .bind(column(&t, |t| t.channel))
    .bind(column(&t, |t| t.department_id))
    .bind(column(&t, |t| t.category_id))
    .bind(column(&t, |t| t.requester_id))
    .bind(column(&t, |t| t.assignee_id))
    .bind(column(&t, |t| t.created_by))
    .bind(column(&t, |t| t.tags.join(",")))
    .bind(column(&t, |t| t.event_id))
    .bind(column(&t, |t| t.event_changes.clone()))
    .bind(column(&t, |t| t.sla.response_due_at))
    .bind(column(&t, |t| t.sla.resolution_due_at))
    .bind(column(&t, |t| t.sla.response_at_risk_at))
    .bind(column(&t, |t| t.sla.resolution_at_risk_at))
    .bind(column(&t, |t| t.sla.paused))
    .bind(column(&t, |t| t.reply_token.clone()))
    .bind(column(&t, |t| t.created_at))
    .bind(column(&t, |t| t.updated_at))
    .bind(column(&t, |t| t.first_response_at))
    .bind(column(&t, |t| t.resolved_at))
    .bind(column(&t, |t| t.closed_at))
    .bind(column(&t, |t| t.reopen_count))
    .bind(column(&t, |t| t.sla.response_breached))
    .bind(column(&t, |t| t.sla.resolution_breached))
    .fetch_all(&mut **tx)
    .await?;
    let given: std::collections::HashMap<Uuid, i32> = numbered.into_iter().collect();
    if t.iter().any(|t| given.get(&t.id) != Some(&t.number)) {
        return Err(DbError::Invariant("the demo's tickets are numbered as the dataset numbers them"));
    }
    let m = &w.messages;
    sqlx::query(
        "insert into ticket_messages (org_id, id, ticket_id, author_id, internal, body, channel, created_at)
         select $1, i, t, a, n, b, c, at
         from unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::bool[], $6::text[], $7::text[], $8::timestamptz[])
              as x(i, t, a, n, b, c, at)",
    )
    .bind(org)
    .bind(column(m, |m| m.id))
    .bind(column(m, |m| m.ticket_id))
    .bind(column(m, |m| m.author_id))
    .bind(column(m, |m| m.internal))
    .bind(column(m, |m| m.body.clone()))
    .bind(column(m, |m| m.channel))
    .bind(column(m, |m| m.created_at))
    .execute(&mut **tx)
    .await?;
    let e = &w.events;
    sqlx::query(
        "insert into events (org_id, id, subject_type, subject_id, actor_id, action, changes, created_at)
         select $1, i, s, sid, a, act, c, at
         from unnest($2::uuid[], $3::text[], $4::uuid[], $5::uuid[], $6::text[], $7::jsonb[], $8::timestamptz[])
              as x(i, s, sid, a, act, c, at)",
    )
    .bind(org)
    .bind(column(e, |e| e.id))
    .bind(column(e, |e| e.subject_type))
    .bind(column(e, |e| e.subject_id))
    .bind(column(e, |e| e.actor_id))
    .bind(column(e, |e| e.action))
    .bind(column(e, |e| e.changes.clone()))
    .bind(column(e, |e| e.created_at))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// When the demo's current dataset was generated (`None`: not a demo, or never generated).
pub async fn data_as_of(tx: &mut TenantTx) -> Result<Option<DateTime<Utc>>, DbError> {
    let org = tx.org_id();
    let row = sqlx::query_scalar!(
        "select demo_data_as_of from organizations where id = $1 and is_demo",
        org.as_uuid()
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.flatten())
}
