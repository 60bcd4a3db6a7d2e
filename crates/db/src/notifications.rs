//! In-app notifications, each for one member (row-level security shows a person only theirs).

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{DbError, TenantTx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NotificationRow {
    pub id: Uuid,
    pub kind: String,
    pub title: String,
    pub ticket_id: Option<Uuid>,
    pub ticket_number: Option<String>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// The acting person's notifications, newest first, after the `(created_at, id)` cursor.
pub async fn for_actor(
    tx: &mut TenantTx,
    unread_only: bool,
    before: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<NotificationRow>, DbError> {
    let org_id = tx.org_id();
    let user = tx.actor_id().map(|u| u.into_uuid());
    let (before_at, before_id) = before.unzip();
    Ok(sqlx::query_as!(
        NotificationRow,
        r#"select n.id, n.kind, n.title, n.ticket_id,
                  case t.kind when 'incident' then 'INC-' when 'service_request' then 'REQ-' end
                      || lpad(t.number::text, 4, '0') as "ticket_number?",
                  n.created_at, n.read_at
           from notifications n
           left join tickets t on t.org_id = n.org_id and t.id = n.ticket_id
           where n.org_id = $1 and n.user_id = $2 and (not $3 or n.read_at is null)
             and ($4::timestamptz is null or (n.created_at, n.id) < ($4, $5))
           order by n.created_at desc, n.id desc
           limit $6"#,
        org_id.as_uuid(),
        user,
        unread_only,
        before_at,
        before_id,
        limit
    )
    .fetch_all(&mut **tx)
    .await?)
}

pub async fn unread_count(tx: &mut TenantTx) -> Result<i64, DbError> {
    let org_id = tx.org_id();
    let user = tx.actor_id().map(|u| u.into_uuid());
    Ok(sqlx::query_scalar!(
        r#"select count(*) as "n!" from notifications where org_id = $1 and user_id = $2 and read_at is null"#,
        org_id.as_uuid(),
        user
    )
    .fetch_one(&mut **tx)
    .await?)
}

/// Marks the acting person's notifications read (all of them when `ids` is empty).
pub async fn mark_read(tx: &mut TenantTx, ids: &[Uuid]) -> Result<u64, DbError> {
    let org_id = tx.org_id();
    let user = tx.actor_id().map(|u| u.into_uuid());
    Ok(sqlx::query!(
        "update notifications set read_at = now()
         where org_id = $1 and user_id = $2 and read_at is null and (cardinality($3::uuid[]) = 0 or id = any($3))",
        org_id.as_uuid(),
        user,
        ids
    )
    .execute(&mut **tx)
    .await?
    .rows_affected())
}
