//! The public demo's entry: whether this server offers it. A visitor's session starts with
//! `startDemoSession` (with every other sign-in, in `accounts`) or `GET /demo`; the organisation
//! shows its demo facts (`organization.demo`); the cap on a visitor's writes is the admission's,
//! at every door.

use async_graphql::{Context, Object};

use super::app;

#[derive(Default)]
pub struct DemoQuery;

#[Object]
impl DemoQuery {
    /// Whether this server offers the public demo (`startDemoSession`, `GET /demo`).
    async fn demo_available(&self, ctx: &Context<'_>) -> bool {
        app(ctx).demo.enabled
    }
}
