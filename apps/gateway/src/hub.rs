//! The gateway's hub of live changes. Each gateway keeps one Redis pub/sub connection, subscribed
//! to the channel (`ferrodesk_core::live`) of each organisation that has a socket open on it, and
//! hands each change to that organisation's sockets through an in-process broadcast channel; the
//! subscription itself is `graphql::live`, the socket door `http::socket`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError, Weak};
use std::time::Duration;

use anyhow::Context as _;
use ferrodesk_core::live::{LivePublisher, TicketChange, channel, org_of_channel};
use ferrodesk_domain::OrgId;
use futures::StreamExt;
use redis::aio::{ConnectionManager, PubSub, PubSubSink, PubSubStream};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::{broadcast, mpsc, oneshot};

/// Changes an organisation's slowest connection may fall behind by before it skips some.
const BACKLOG: usize = 256;
const MAX_RECONNECT_DELAY: Duration = Duration::from_secs(30);

/// Publishing (after commits) and listening (for subscriptions).
pub struct Live {
    publisher: LivePublisher,
    pub(crate) hub: Hub,
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
pub(crate) struct Hub(Arc<HubInner>);

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
    pub(crate) async fn watch(&self, org: OrgId) -> broadcast::Receiver<TicketChange> {
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
    pub(crate) fn subscribe(&self, org: OrgId) -> broadcast::Receiver<TicketChange> {
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
