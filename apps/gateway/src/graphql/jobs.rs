//! Jobs an admin looks after: those that failed on every attempt, and putting one back.

use async_graphql::{Context, ID, Json, Object, SimpleObject};
use chrono::{DateTime, Utc};
use ferrodesk_core::jobs;

use super::{OrGql, global_id, parse_global_id, tenant};

#[derive(SimpleObject)]
pub struct DeadJob {
    pub id: ID,
    pub kind: String,
    pub payload: Json<serde_json::Value>,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub failed_at: DateTime<Utc>,
}

#[derive(Default)]
pub struct JobsQuery;

#[Object]
impl JobsQuery {
    /// Jobs that failed on every attempt (a mail that could not be processed or sent), newest
    /// first.
    async fn dead_jobs(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<DeadJob>> {
        let mut tx = tenant(ctx).await?;
        let rows = jobs::dead_jobs(&mut tx).await.gql()?;
        tx.commit().await.gql()?;
        Ok(rows
            .into_iter()
            .map(|j| DeadJob {
                id: global_id("Job", j.id),
                kind: j.kind,
                payload: Json(j.payload),
                attempts: j.attempts,
                last_error: j.last_error,
                failed_at: j.updated_at,
            })
            .collect())
    }
}

#[derive(Default)]
pub struct JobsMutation;

#[Object]
impl JobsMutation {
    /// Puts a dead job back in the queue with fresh attempts.
    async fn retry_dead_job(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<bool> {
        let id = parse_global_id("Job", &id).gql()?;
        let mut tx = tenant(ctx).await?;
        jobs::retry_dead_job(&mut tx, id).await.gql()?;
        tx.commit().await.gql()?;
        Ok(true)
    }
}
