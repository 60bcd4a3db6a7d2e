//! The audit trail: append-only events about tickets, memberships and settings.

use chrono::{DateTime, Utc};
use ferrodesk_domain::EventId;
use serde_json::Value;
use uuid::Uuid;

use crate::{DbError, TenantTx};

/// One change to append. `changes` maps a field to `{"from": …, "to": …}`, or carries details.
pub struct NewEvent<'a> {
    pub subject_type: &'a str,
    pub subject_id: Uuid,
    pub action: &'a str,
    pub changes: Value,
}

pub async fn append(tx: &mut TenantTx, event: NewEvent<'_>) -> Result<EventId, DbError> {
    let id = EventId::generate();
    let org_id = tx.org_id();
    let actor = tx.actor_id();
    sqlx::query!(
        "insert into events (org_id, id, subject_type, subject_id, actor_id, action, changes)
         values ($1, $2, $3, $4, $5, $6, $7)",
        org_id.as_uuid(),
        id.as_uuid(),
        event.subject_type,
        event.subject_id,
        actor.map(|a| a.into_uuid()),
        event.action,
        event.changes,
    )
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventRow {
    pub id: Uuid,
    pub action: String,
    pub actor_id: Option<Uuid>,
    pub actor_name: Option<String>,
    pub changes: Value,
    pub created_at: DateTime<Utc>,
}

/// A page of one subject's events in order of occurrence, after the `(created_at, id)` cursor.
pub async fn list_for_subject(
    tx: &mut TenantTx,
    subject_type: &str,
    subject_id: Uuid,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<EventRow>, DbError> {
    let org_id = tx.org_id();
    let (after_at, after_id) = after.unzip();
    let rows = sqlx::query_as!(
        EventRow,
        r#"select e.id, e.action, e.actor_id, u.name as "actor_name?", e.changes, e.created_at
           from events e
           left join memberships u on u.org_id = e.org_id and u.user_id = e.actor_id
           where e.org_id = $1 and e.subject_type = $2 and e.subject_id = $3
             and ($4::timestamptz is null or (e.created_at, e.id) > ($4, $5))
           order by e.created_at, e.id
           limit $6"#,
        org_id.as_uuid(),
        subject_type,
        subject_id,
        after_at,
        after_id,
        limit,
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows)
}

/// The trails of many subjects of one type at once, each in order of occurrence: for recomputing
/// many tickets' clocks in one round trip.
pub async fn trails(
    tx: &mut TenantTx,
    subject_type: &str,
    subject_ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, Vec<EventRow>>, DbError> {
    let org_id = tx.org_id();
    let rows = sqlx::query!(
        r#"select e.subject_id, e.id, e.action, e.actor_id, e.changes, e.created_at
           from events e
           where e.org_id = $1 and e.subject_type = $2 and e.subject_id = any($3)
           order by e.subject_id, e.created_at, e.id"#,
        org_id.as_uuid(),
        subject_type,
        subject_ids
    )
    .fetch_all(&mut **tx)
    .await?;
    let mut trails: std::collections::HashMap<Uuid, Vec<EventRow>> = std::collections::HashMap::new();
    for r in rows {
        trails.entry(r.subject_id).or_default().push(EventRow {
            id: r.id,
            action: r.action,
            actor_id: r.actor_id,
            actor_name: None,
            changes: r.changes,
            created_at: r.created_at,
        });
    }
    Ok(trails)
}
