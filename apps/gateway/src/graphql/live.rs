//! The GraphQL subscription `ticketChanged`, served on the socket door (`crate::http`): each
//! connection hears its organisation's changes from the gateway's hub (`crate::hub`), as far as
//! its viewer may see them, re-checked at most every [`RECHECK`] while events flow, so a session
//! that ends or a member who is removed stops hearing changes.

use std::time::{Duration, Instant};

use async_graphql::{Context, Enum, ID, SimpleObject, Subscription};
use ferrodesk_core::auth::Credential;
use ferrodesk_core::live::TicketChange;
use ferrodesk_core::{AppError, Principal, accounts, role_of};
use ferrodesk_domain::Role;
use futures::StreamExt;
use futures::stream::BoxStream;
use tokio::sync::broadcast;

use super::{global_id, gql_error};
use crate::state::AppState;

/// How long a connection's credential and membership are trusted before they are read again.
const RECHECK: Duration = Duration::from_secs(30);

/// Who a WebSocket connection acts for.
#[derive(Clone)]
pub(crate) struct LiveViewer {
    pub principal: Principal,
    pub role: Role,
    pub credential: Credential,
}

impl LiveViewer {
    /// The member a credential stands for, with their current role; `None` when it no longer
    /// stands for an active member.
    pub(crate) async fn resolve(state: &AppState, credential: Credential) -> Result<Option<Self>, AppError> {
        let Some(principal) = accounts::authenticate(&state.db, &state.sessions, &credential).await? else {
            return Ok(None);
        };
        let tx = match ferrodesk_core::enter(&state.db, principal).await {
            Ok(tx) => tx,
            Err(AppError::Unauthenticated) => return Ok(None),
            Err(e) => return Err(e),
        };
        let role = role_of(&tx);
        tx.commit().await?;
        Ok(Some(Self { principal, role, credential }))
    }
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "ferrodesk_core::live::ChangeKind")]
pub enum TicketChangeKind {
    Created,
    Updated,
    /// A reply or an internal note was added.
    Message,
}

/// A ticket changed: refetch what you show of it.
#[derive(SimpleObject)]
#[graphql(name = "TicketChange")]
pub struct TicketChangeEvent {
    pub ticket_id: ID,
    /// e.g. INC-1042.
    pub number: String,
    pub kind: TicketChangeKind,
}

impl From<TicketChange> for TicketChangeEvent {
    fn from(c: TicketChange) -> Self {
        Self {
            ticket_id: global_id("Ticket", c.ticket_id.into_uuid()),
            number: c.number,
            kind: c.kind.into(),
        }
    }
}

#[derive(Default)]
pub struct LiveSubscription;

#[Subscription]
impl LiveSubscription {
    /// Tickets created or changed in the organisation, as each change commits (over
    /// `GET /graphql/ws`). Requesters hear only of their own tickets; only staff hear of internal
    /// notes.
    async fn ticket_changed(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<BoxStream<'static, TicketChangeEvent>> {
        let (Ok(state), Ok(viewer)) = (ctx.data::<AppState>(), ctx.data::<LiveViewer>()) else {
            return Err(gql_error(AppError::Unauthenticated));
        };
        let receiver = state.live.hub.subscribe(viewer.principal.org_id);
        Ok(changes(state.clone(), viewer.clone(), receiver))
    }
}

/// The changes a viewer may hear of, until their session or membership ends.
fn changes(
    state: AppState,
    viewer: LiveViewer,
    receiver: broadcast::Receiver<TicketChange>,
) -> BoxStream<'static, TicketChangeEvent> {
    struct Listening {
        state: AppState,
        viewer: LiveViewer,
        receiver: broadcast::Receiver<TicketChange>,
        checked_at: Instant,
    }
    let start = Listening { state, viewer, receiver, checked_at: Instant::now() };
    futures::stream::unfold(start, |mut l| async move {
        loop {
            let change = match l.receiver.recv().await {
                Ok(change) => change,
                Err(broadcast::error::RecvError::Lagged(skipped)) => {
                    tracing::debug!(skipped, "a live connection fell behind");
                    continue;
                }
                Err(broadcast::error::RecvError::Closed) => return None,
            };
            if l.checked_at.elapsed() >= RECHECK {
                match LiveViewer::resolve(&l.state, l.viewer.credential.clone()).await {
                    Ok(Some(now)) if now.principal == l.viewer.principal => l.viewer = now,
                    Ok(_) => return None,
                    // Keep listening through a passing database or Redis failure.
                    Err(e) => tracing::warn!(error = %e, "re-checking a live connection"),
                }
                l.checked_at = Instant::now();
            }
            if change.visible_to(l.viewer.principal.user_id, l.viewer.role) {
                return Some((TicketChangeEvent::from(change), l));
            }
        }
    })
    .boxed()
}
