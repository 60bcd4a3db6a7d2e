//! Live updates: the GraphQL subscription `ticketChanged`, served over graphql-ws at
//! `GET /graphql/ws`.
//!
//! Each gateway keeps one Redis pub/sub connection, subscribed to the channel
//! (`ferrodesk_core::live`) of each organisation that has a connection open on it, and hands each
//! change to that organisation's connections through an in-process broadcast channel. A connection is authenticated once, at the
//! upgrade, with the same credential as `POST /graphql` (the session cookie or a bearer token), and
//! re-checked at most every [`RECHECK`] while events flow, so a session that ends or a member who
//! is removed stops hearing changes.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;
use async_graphql::{Context, Data, Enum, ID, SimpleObject, Subscription};
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ferrodesk_core::auth::Credential;
use ferrodesk_core::live::{LivePublisher, TicketChange, channel, org_of_channel};
use ferrodesk_core::{AppError, Principal, accounts, role_of};
use ferrodesk_domain::{OrgId, Role};
use futures::StreamExt;
use futures::stream::BoxStream;
use redis::aio::{ConnectionManager, PubSub, PubSubSink, PubSubStream};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::{broadcast, mpsc, oneshot};

use crate::admission::{self, Knock};
use crate::graphql::{RequestCtx, global_id, gql_error};
use crate::http::{bearer_or_cookie, client_ip, transport_error};
use crate::state::AppState;

/// Changes an organisation's slowest connection may fall behind by before it skips some.
const BACKLOG: usize = 256;
/// How often a long-lived connection's session and role are checked again.
const RECHECK: Duration = Duration::from_secs(30);
const MAX_RECONNECT_DELAY: Duration = Duration::from_secs(30);

/// Publishing (after commits) and listening (for subscriptions).
pub struct Live {
    publisher: LivePublisher,
    hub: Hub,
}

impl Live {
    /// Connects to Redis before returning; each subscription then waits for its organisation's
    /// channel to be confirmed, so no change committed after it starts is missed.
    pub async fn connect(
        redis: ConnectionManager,
        url: &SecretString,
        key_prefix: &str,
    ) -> anyhow::Result<Self> {
        let client =
            redis::Client::open(url.expose_secret()).context("REDIS_URL is not a valid Redis URL")?;
        Ok(Self {
            publisher: LivePublisher::new(redis, key_prefix),
            hub: Hub::connect(client, key_prefix).await?,
        })
    }

    /// Tells subscribers about a change. Call after the change's transaction has committed.
    pub fn publish(&self, org: OrgId, change: TicketChange) {
        self.publisher.publish(org, change);
    }
}

struct HubInner {
    key_prefix: String,
    orgs: Mutex<HashMap<OrgId, broadcast::Sender<TicketChange>>>,
    /// To the task that owns the Redis connection and its subscriptions.
    commands: mpsc::UnboundedSender<Command>,
}

/// Hands each organisation's changes to that organisation's connections on this gateway.
///
/// The gateway subscribes in Redis only to the organisations someone on it is watching, so a
/// replica does not receive (and Redis does not send it) every change of every tenant.
#[derive(Clone)]
struct Hub(Arc<HubInner>);

enum Command {
    /// Subscribe to the organisation's channel (if not yet), then answer.
    Watch(OrgId, oneshot::Sender<()>),
    /// Its last viewer is gone: forget the organisation and unsubscribe, unless someone started
    /// watching again meanwhile.
    Forget(OrgId),
}

/// How long a new subscription waits for Redis to confirm before it starts anyway (the task
/// subscribes again to every watched organisation when the connection comes back).
const WATCH_TIMEOUT: Duration = Duration::from_secs(5);

impl Hub {
    async fn connect(client: redis::Client, key_prefix: &str) -> anyhow::Result<Self> {
        let pubsub =
            client.get_async_pubsub().await.context("connecting to Redis for live ticket changes")?;
        let (commands, receiver) = mpsc::unbounded_channel();
        let hub =
            Self(Arc::new(HubInner { key_prefix: key_prefix.to_owned(), orgs: Mutex::default(), commands }));
        tokio::spawn(listen(Arc::downgrade(&hub.0), client, pubsub, receiver));
        Ok(hub)
    }

    /// Makes sure Redis sends this gateway the organisation's changes, and waits for Redis to
    /// confirm it. The organisation stays watched for as long as the returned receiver (or any
    /// other) lives.
    async fn watch(&self, org: OrgId) -> broadcast::Receiver<TicketChange> {
        let receiver = self.subscribe(org);
        let (done, confirmed) = oneshot::channel();
        if self.0.commands.send(Command::Watch(org, done)).is_ok()
            && tokio::time::timeout(WATCH_TIMEOUT, confirmed).await.is_err()
        {
            tracing::warn!(org_id = %org, "Redis has not confirmed a live subscription yet");
        }
        receiver
    }

    /// A receiver of the organisation's changes on this gateway (see [`Hub::watch`]).
    fn subscribe(&self, org: OrgId) -> broadcast::Receiver<TicketChange> {
        let mut orgs = self.0.orgs.lock().unwrap_or_else(PoisonError::into_inner);
        orgs.entry(org).or_insert_with(|| broadcast::channel(BACKLOG).0).subscribe()
    }

    fn deliver(&self, message: &redis::Msg) {
        let Some(org) = org_of_channel(&self.0.key_prefix, message.get_channel_name()) else { return };
        let change = match serde_json::from_slice::<TicketChange>(message.get_payload_bytes()) {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "ignoring a malformed live ticket change");
                return;
            }
        };
        let orgs = self.0.orgs.lock().unwrap_or_else(PoisonError::into_inner);
        // Sending fails only when nobody listens any more.
        if orgs.get(&org).is_none_or(|sender| sender.send(change).is_err()) {
            let _ = self.0.commands.send(Command::Forget(org));
        }
    }
}

/// Owns the pub/sub connection for as long as the hub exists: reads changes, subscribes and
/// unsubscribes in the order asked (a watch after a forget of the same organisation must win),
/// and reconnects with backoff, subscribing again to every watched organisation. Changes
/// published while the connection is down are lost (see `ferrodesk_core::live`).
async fn listen(
    hub: Weak<HubInner>,
    client: redis::Client,
    pubsub: PubSub,
    mut commands: mpsc::UnboundedReceiver<Command>,
) {
    const FIRST_RETRY: Duration = Duration::from_millis(250);
    let mut pubsub = Some(pubsub);
    let mut delay = FIRST_RETRY;
    loop {
        let (mut sink, mut stream) = match resume(&hub, &client, pubsub.take()).await {
            Ok(Some(connection)) => connection,
            Ok(None) => return,
            Err(e) => {
                tracing::warn!(error = %e, retry_in_ms = delay.as_millis(), "reconnecting live updates to Redis");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(MAX_RECONNECT_DELAY);
                continue;
            }
        };
        delay = FIRST_RETRY;
        loop {
            tokio::select! {
                message = stream.next() => {
                    let Some(message) = message else { break };
                    let Some(inner) = hub.upgrade() else { return };
                    Hub(inner).deliver(&message);
                }
                command = commands.recv() => {
                    let Some(command) = command else { return };
                    let Some(inner) = hub.upgrade() else { return };
                    if let Err(e) = obey(&inner, &mut sink, command).await {
                        tracing::warn!(error = %e, "changing live update subscriptions in Redis");
                        break;
                    }
                }
            }
        }
        tracing::warn!("the Redis connection for live updates closed; reconnecting");
    }
}

/// The connection (the given one, or a new one), subscribed to every organisation watched on
/// this gateway; `None` once the hub is gone.
async fn resume(
    hub: &Weak<HubInner>,
    client: &redis::Client,
    pubsub: Option<PubSub>,
) -> redis::RedisResult<Option<(PubSubSink, PubSubStream)>> {
    let Some(inner) = hub.upgrade() else { return Ok(None) };
    let watched: Vec<String> = {
        let orgs = inner.orgs.lock().unwrap_or_else(PoisonError::into_inner);
        orgs.keys().map(|org| channel(&inner.key_prefix, *org)).collect()
    };
    drop(inner);
    let pubsub = match pubsub {
        Some(p) => p,
        None => client.get_async_pubsub().await?,
    };
    let (mut sink, stream) = pubsub.split();
    if !watched.is_empty() {
        sink.subscribe(&watched).await?;
    }
    Ok(Some((sink, stream)))
}

async fn obey(hub: &HubInner, sink: &mut PubSubSink, command: Command) -> redis::RedisResult<()> {
    match command {
        // Subscribing again to a channel is harmless in Redis, and sockets open rarely.
        Command::Watch(org, done) => {
            sink.subscribe(channel(&hub.key_prefix, org)).await?;
            let _ = done.send(());
        }
        Command::Forget(org) => {
            // Only the forget that removes the organisation unsubscribes; later ones (changes
            // that were already on their way) find it gone.
            let removed = {
                let mut orgs = hub.orgs.lock().unwrap_or_else(PoisonError::into_inner);
                let unused = orgs.get(&org).is_some_and(|sender| sender.receiver_count() == 0);
                unused && orgs.remove(&org).is_some()
            };
            if removed {
                sink.unsubscribe(channel(&hub.key_prefix, org)).await?;
            }
        }
    }
    Ok(())
}

/// Keeps the connection's organisation watched for as long as the connection is open.
struct Watching {
    _receiver: broadcast::Receiver<TicketChange>,
}

/// Who a WebSocket connection acts for.
#[derive(Clone)]
struct LiveViewer {
    principal: Principal,
    role: Role,
    credential: Credential,
}

impl LiveViewer {
    /// The member a credential stands for, with their current role; `None` when it no longer
    /// stands for an active member.
    async fn resolve(state: &AppState, credential: Credential) -> Result<Option<Self>, AppError> {
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

/// A browser always sends `Origin` with a WebSocket handshake and a cross-site page cannot forge
/// it: accept only our own origin, so another site cannot ride the session cookie over a
/// WebSocket (which is not subject to the JSON-only rule of `POST /graphql`). Clients that are
/// not browsers send no `Origin`.
fn same_origin(headers: &HeaderMap, public_url: &str) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else { return true };
    let Ok(origin) = origin.to_str() else { return false };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let origin_host = origin.split_once("://").map(|(_, rest)| rest);
    origin == public_url || (host.is_some() && origin_host == host)
}

/// `GET /graphql/ws`: upgrades an authenticated request to a graphql-ws connection.
pub async fn graphql_ws(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    protocol: GraphQLProtocol,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    if !same_origin(&headers, &state.public_url) {
        return transport_error(StatusCode::FORBIDDEN, "FORBIDDEN", "this origin may not open live updates");
    }
    let token = bearer_or_cookie(&headers).unwrap_or_default();
    let ip = client_ip(&state, &headers, peer);
    let Some(credential) = Credential::from_token(&token) else {
        return transport_error(StatusCode::UNAUTHORIZED, "UNAUTHENTICATED", "sign in to continue");
    };
    let viewer = match LiveViewer::resolve(&state, credential).await {
        Ok(Some(viewer)) => viewer,
        Ok(None) => {
            return transport_error(StatusCode::UNAUTHORIZED, "UNAUTHENTICATED", "sign in to continue");
        }
        Err(e) => {
            tracing::error!(error = ?e, "authenticating a live connection");
            return transport_error(StatusCode::SERVICE_UNAVAILABLE, "INTERNAL", "try again shortly");
        }
    };
    let knock = Knock { ip: &ip, credential: &token, principal: Some(viewer.principal) };
    if let Err(refused) = admission::rate_limit(&state, &knock).await {
        return refused.into_response();
    }
    // Queries and mutations may travel over the socket too: they get the same context as over HTTP
    // and the same admission, operation by operation (a session cookie cannot be set on a socket,
    // so logIn and logOut belong on POST).
    let request = RequestCtx {
        principal: Some(viewer.principal),
        session_token: match &viewer.credential {
            Credential::Session(token) => Some(token.clone()),
            Credential::ApiToken(_) => None,
        },
        credential: token.clone(),
        client_ip: ip.clone(),
        set_cookie: Arc::default(),
        page_fill: None,
    };
    // Watched from before the upgrade completes: a subscription then starts without waiting for
    // Redis, and hears every change committed after it (which `ticketChanged` promises).
    let watching = Watching { _receiver: state.live.hub.watch(viewer.principal.org_id).await };
    let mut data = Data::default();
    data.insert(watching);
    data.insert(state.clone());
    data.insert(request);
    data.insert(viewer);
    let schema = state.socket_schema.clone();
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| GraphQLWebSocket::new(socket, schema, protocol).with_data(data).serve())
        .into_response()
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn headers(origin: Option<&'static str>, host: &'static str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static(host));
        if let Some(origin) = origin {
            h.insert(header::ORIGIN, HeaderValue::from_static(origin));
        }
        h
    }

    #[test]
    fn only_our_own_origin_may_open_a_socket() {
        let public = "https://desk.example.com";
        assert!(same_origin(&headers(Some("https://desk.example.com"), "10.0.0.5:8080"), public));
        assert!(same_origin(&headers(Some("http://127.0.0.1:8080"), "127.0.0.1:8080"), public));
        assert!(same_origin(&headers(None, "127.0.0.1:8080"), public), "non-browser clients");
        assert!(!same_origin(&headers(Some("https://evil.example"), "desk.example.com"), public));
        assert!(!same_origin(&headers(Some("https://desk.example.com.evil.example"), "x"), public));
        assert!(!same_origin(&headers(Some("null"), "desk.example.com"), public));
    }
}
