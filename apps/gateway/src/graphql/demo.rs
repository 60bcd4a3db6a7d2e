//! The public demo's operations: `startDemoSession` (as `GET /demo` does for browsers) and
//! `organization.demo`. (The cap on a visitor's writes is the admission's, at every door.)

use async_graphql::{Context, Object, SimpleObject};
use chrono::{DateTime, Utc};
use ferrodesk_core::{AppError, demo};

use super::mutation::{AuthPayload, signed_in};
use super::{OrGql, app, gql_error, request, tenant};

#[derive(Default)]
pub struct DemoQuery;

#[Object]
impl DemoQuery {
    /// Whether this server offers the public demo (`startDemoSession`, `GET /demo`).
    async fn demo_available(&self, ctx: &Context<'_>) -> bool {
        app(ctx).demo.enabled
    }
}

#[derive(Default)]
pub struct DemoMutation;

#[Object]
impl DemoMutation {
    /// Signs in to the public demo as its admin, without an account (as `GET /demo` does).
    /// Rate-limited per address; the session ends after two idle hours.
    async fn start_demo_session(&self, ctx: &Context<'_>) -> async_graphql::Result<AuthPayload> {
        let state = app(ctx);
        if !state.demo.enabled {
            return Err(gql_error(AppError::NotFound("demo")));
        }
        let (principal, token) =
            demo::start_session(&state.db, &state.sessions, &state.limiter, &request(ctx).client_ip)
                .await
                .gql()?;
        signed_in(ctx, principal, token).await
    }
}

#[derive(SimpleObject)]
pub struct DemoInfo {
    /// When the current dataset was generated (its dates are relative to this).
    pub data_as_of: DateTime<Utc>,
    /// When everything returns to its pristine state.
    pub next_reset_at: DateTime<Utc>,
}

pub(super) async fn info(ctx: &Context<'_>) -> async_graphql::Result<Option<DemoInfo>> {
    let mut tx = tenant(ctx).await?;
    let state = demo::state(&mut tx, app(ctx).demo.reset_at_minute).await.gql()?;
    tx.commit().await.gql()?;
    Ok(state.map(|s| DemoInfo { data_as_of: s.data_as_of, next_reset_at: s.next_reset_at }))
}
