//! Billing in the API: `organization.subscription`, `startCheckout`, `openBillingPortal`, and the
//! guard that refuses every other mutation of a read-only organisation with `READ_ONLY_TENANT`.

use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, FragmentDefinition, OperationType, Selection, SelectionSet,
};
use async_graphql::{
    ComplexObject, Context, Enum, Name, Object, Pos, Positioned, ServerError, ServerResult, SimpleObject,
    Variables,
};
use chrono::{DateTime, Utc};
use ferrodesk_billing::{DEMO_REFUSAL, Interval, OFF_REFUSAL};
use ferrodesk_core::billing::read_only_reason;
use ferrodesk_core::{AppError, Principal};
use ferrodesk_db::accounts::OrganizationRow;
use ferrodesk_db::billing::{self as repo, BillingRow};

use super::{OrGql, RequestCtx, app, gql_error, principal, tenant};
use crate::state::AppState;

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum BillingInterval {
    Monthly,
    Yearly,
}

impl From<BillingInterval> for Interval {
    fn from(i: BillingInterval) -> Self {
        match i {
            BillingInterval::Monthly => Interval::Month,
            BillingInterval::Yearly => Interval::Year,
        }
    }
}

/// The organisation's subscription, and whether it can write (docs/ARCHITECTURE.md §Billing).
/// One flat price, monthly or yearly; agents are never counted.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct Subscription {
    /// trialing, active, past_due, canceled or unpaid.
    pub status: String,
    /// When the free trial ends (or ended).
    pub trial_ends_at: Option<DateTime<Utc>>,
    /// When the paid period ends (renewal, or the end of a cancelled subscription).
    pub current_period_end: Option<DateTime<Utc>>,
    /// After a failed payment: writes stop at this time unless a payment succeeds.
    pub grace_ends_at: Option<DateTime<Utc>>,
    pub interval: Option<BillingInterval>,
    /// Cancelled in the portal, running until `currentPeriodEnd`.
    pub cancel_at_period_end: bool,
    #[graphql(skip)]
    row: BillingRow,
}

impl From<&OrganizationRow> for Subscription {
    fn from(o: &OrganizationRow) -> Self {
        Self {
            status: o.subscription_status.clone(),
            trial_ends_at: o.trial_ends_at,
            current_period_end: o.current_period_end,
            grace_ends_at: o.grace_ends_at,
            interval: match o.billing_interval.as_deref() {
                Some("month") => Some(BillingInterval::Monthly),
                Some("year") => Some(BillingInterval::Yearly),
                _ => None,
            },
            cancel_at_period_end: o.cancel_at_period_end,
            row: BillingRow {
                name: o.name.clone(),
                is_demo: o.is_demo,
                status: o.subscription_status.clone(),
                trial_ends_at: o.trial_ends_at,
                current_period_end: o.current_period_end,
                grace_ends_at: o.grace_ends_at,
                interval: o.billing_interval.clone(),
                cancel_at_period_end: o.cancel_at_period_end,
                stripe_customer_id: None,
                stripe_subscription_id: o.stripe_subscription_id.clone(),
            },
        }
    }
}

#[ComplexObject]
impl Subscription {
    /// False when this server runs with `BILLING=off`: no limits, no billing pages.
    async fn billing_enabled(&self, ctx: &Context<'_>) -> bool {
        app(ctx).billing.is_some()
    }

    /// Whether a yearly plan is offered.
    async fn yearly_available(&self, ctx: &Context<'_>) -> bool {
        app(ctx).billing.as_ref().is_some_and(|b| b.offers_yearly())
    }

    /// Nobody can change anything (everyone can still read and export) until the subscription
    /// is paid. Decided by the same rule that refuses mutations with `READ_ONLY_TENANT`.
    async fn read_only(&self, ctx: &Context<'_>) -> bool {
        read_only_reason(app(ctx).billing.is_some(), &self.row, Utc::now()).is_some()
    }

    /// Why it is read-only, as a sentence to show.
    async fn read_only_reason(&self, ctx: &Context<'_>) -> Option<&'static str> {
        read_only_reason(app(ctx).billing.is_some(), &self.row, Utc::now()).map(|r| r.sentence())
    }
}

#[derive(SimpleObject)]
pub struct StartCheckoutPayload {
    /// Stripe Checkout: send the browser here.
    pub url: String,
}

#[derive(SimpleObject)]
pub struct OpenBillingPortalPayload {
    /// The Stripe Customer Portal: send the browser here.
    pub url: String,
}

#[derive(Default)]
pub struct BillingMutation;

/// The billing service, or the reason there is none for this caller: the demo first (it never
/// bills, whatever the server does), then `BILLING=off`.
async fn billing_for(
    ctx: &Context<'_>,
) -> async_graphql::Result<(Principal, Arc<ferrodesk_billing::Billing>)> {
    let principal = principal(ctx)?;
    match &app(ctx).billing {
        Some(billing) => Ok((principal, billing.clone())),
        None => {
            let mut tx = tenant(ctx).await?;
            let row = repo::state(&mut tx).await.gql()?;
            tx.commit().await.gql()?;
            Err(gql_error(AppError::Forbidden(if row.is_demo { DEMO_REFUSAL } else { OFF_REFUSAL })))
        }
    }
}

#[Object]
impl BillingMutation {
    /// Starts Stripe Checkout for the flat monthly or yearly price (owners and admins). Works
    /// while the organisation is read-only: it is how it becomes writable again.
    async fn start_checkout(
        &self,
        ctx: &Context<'_>,
        interval: BillingInterval,
    ) -> async_graphql::Result<StartCheckoutPayload> {
        let (principal, billing) = billing_for(ctx).await?;
        let url = billing.start_checkout(principal, interval.into()).await.gql()?;
        Ok(StartCheckoutPayload { url })
    }

    /// Opens the Stripe Customer Portal: change the card, switch plan, cancel (owners and admins).
    async fn open_billing_portal(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<OpenBillingPortalPayload> {
        let (principal, billing) = billing_for(ctx).await?;
        let url = billing.open_portal(principal).await.gql()?;
        Ok(OpenBillingPortalPayload { url })
    }
}

/// Mutations a read-only organisation may still run: signing in and out, and paying.
const ALLOWED_WHILE_READ_ONLY: &[&str] = &[
    "__typename",
    "signUp",
    "logIn",
    "logOut",
    "acceptInvitation",
    "startDemoSession",
    "startCheckout",
    "openBillingPortal",
];

/// Read-only is enforced for every mutation, present and future, in one place: after parsing, a
/// document whose mutation selects any other root field is refused with `READ_ONLY_TENANT` when
/// the caller's organisation is read-only (`ferrodesk_core::billing::read_only_reason`). Queries,
/// and so reading and exporting, are never affected.
///
/// Over HTTP the handler asks this of the document it has parsed once (execution reuses it), so
/// no extension runs: an extension, even one that only looks at parsing, sends every resolved
/// field through async-graphql's extension chain (boxed futures per field and extension, seen on
/// every field of the agent queue's profile). Sockets, where no handler sees the document first,
/// use [`ReadOnlyGuard`].
pub(crate) async fn read_only_refusal(
    state: &AppState,
    principal: Option<Principal>,
    doc: &ExecutableDocument,
) -> Option<ServerError> {
    let (Some(principal), true) = (principal, state.billing.is_some()) else { return None };
    if !writes(doc) {
        return None;
    }
    match ferrodesk_core::billing::ensure_writable(&state.db, true, principal).await {
        Err(AppError::ReadOnlyTenant) => {
            Some(gql_error(AppError::ReadOnlyTenant).into_server_error(Pos::default()))
        }
        // Anything else (a session that just ended, a database hiccup) is for the resolvers
        // to report in their own words.
        _ => None,
    }
}

/// [`read_only_refusal`] as an extension, for the schema served on sockets.
pub struct ReadOnlyGuard;

impl ExtensionFactory for ReadOnlyGuard {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ReadOnlyGuard)
    }
}

fn root_fields<'a>(
    set: &'a SelectionSet,
    fragments: &'a std::collections::HashMap<Name, Positioned<FragmentDefinition>>,
    out: &mut Vec<&'a str>,
    depth: usize,
) {
    if depth > 8 {
        return;
    }
    for item in &set.items {
        match &item.node {
            Selection::Field(f) => out.push(f.node.name.node.as_str()),
            Selection::InlineFragment(i) => {
                root_fields(&i.node.selection_set.node, fragments, out, depth + 1)
            }
            Selection::FragmentSpread(s) => {
                if let Some(f) = fragments.get(&s.node.fragment_name.node) {
                    root_fields(&f.node.selection_set.node, fragments, out, depth + 1);
                }
            }
        }
    }
}

/// Whether the document has a mutation that writes (any root field not allowed while read-only).
fn writes(doc: &ExecutableDocument) -> bool {
    let operations: Vec<_> = match &doc.operations {
        DocumentOperations::Single(op) => vec![op],
        DocumentOperations::Multiple(ops) => ops.values().collect(),
    };
    operations.into_iter().filter(|op| op.node.ty == OperationType::Mutation).any(|op| {
        let mut fields = Vec::new();
        root_fields(&op.node.selection_set.node, &doc.fragments, &mut fields, 0);
        fields.iter().any(|f| !ALLOWED_WHILE_READ_ONLY.contains(f))
    })
}

#[async_trait::async_trait]
impl Extension for ReadOnlyGuard {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = next.run(ctx, query, variables).await?;
        let (Some(state), Some(req)) = (ctx.data_opt::<AppState>(), ctx.data_opt::<RequestCtx>()) else {
            return Ok(doc);
        };
        match read_only_refusal(state, req.principal, &doc).await {
            Some(refused) => Err(refused),
            None => Ok(doc),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn parse(q: &str) -> ExecutableDocument {
        async_graphql::parser::parse_query(q).unwrap()
    }

    #[test]
    fn only_writing_mutations_are_guarded() {
        assert!(!writes(&parse("{ tickets { edges { node { id } } } }")));
        assert!(!writes(&parse("mutation { logOut }")));
        assert!(!writes(&parse("mutation { startCheckout(interval: MONTHLY) { url } }")));
        assert!(writes(&parse("mutation { logOut createTicket(input: {}) { ticket { id } } }")));
        assert!(writes(&parse("mutation { ... on Mutation { updateTicket(input: {}) { ticket { id } } } }")));
        assert!(writes(&parse(
            "mutation M { ...F } fragment F on Mutation { markNotificationsRead(ids: []) }"
        )));
    }
}
