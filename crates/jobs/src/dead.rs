//! Jobs that ran out of attempts (`status = 'dead'`): kept, with their last error, for an admin
//! of their organisation to read and to put back in the queue.

use chrono::{DateTime, Utc};
use ferrodesk_db::{DbError, TenantTx};
use serde_json::Value;
use uuid::Uuid;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeadJob {
    pub id: Uuid,
    pub kind: String,
    pub payload: Value,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// This organisation's jobs that ran out of attempts, the most recent first.
pub async fn list(tx: &mut TenantTx, limit: i64) -> Result<Vec<DeadJob>, DbError> {
    let org_id = tx.org_id();
    Ok(sqlx::query_as!(
        DeadJob,
        "select id, kind, payload, attempts, last_error, updated_at from jobs
         where org_id = $1 and status = 'dead' order by updated_at desc, id limit $2",
        org_id.as_uuid(),
        limit
    )
    .fetch_all(&mut **tx)
    .await?)
}

/// Puts a dead job back in the queue with fresh attempts. False when it is not dead.
pub async fn retry(tx: &mut TenantTx, id: Uuid) -> Result<bool, DbError> {
    let org_id = tx.org_id();
    let n = sqlx::query!(
        "update jobs set status = 'queued', attempts = 0, run_at = now(), locked_until = null, locked_by = null
         where org_id = $1 and id = $2 and status = 'dead'",
        org_id.as_uuid(),
        id
    )
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(n == 1)
}
