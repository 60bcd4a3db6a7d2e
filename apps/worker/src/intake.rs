//! The SMTP/LMTP intake: routes recipients to organisations, and stores and processes each
//! message in one transaction before the `250` (docs/email.md); the job runner sends what that
//! queued, and retries what could only be stored.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use ferrodesk_core::mail::{Incoming, MailService, Prepared};
use ferrodesk_domain::OrgId;
use ferrodesk_mail::auth::{Authenticator, Envelope as AuthEnvelope, MailAuth};
use ferrodesk_mail::smtp::{Delivery, Envelope, Intake, RcptVerdict};
use futures::StreamExt;
use tokio::sync::{Semaphore, oneshot};

/// How long a routing answer is reused (an organisation's slug or aliases rarely change).
const ROUTE_TTL: Duration = Duration::from_secs(30);

/// The most messages one batch takes (docs/email.md, "Batches across
/// organisations": 64 cost no less a message than 32 in the floor's measurements).
const MAX_BATCH: usize = 64;

/// Messages of one batch that take the single-message path at once: with the default two lanes,
/// at most eight such transactions, as many as the intake had before batches.
const SINGLES_AT_ONCE: usize = 4;

/// One organisation's share of a batch while others' mail waits too: a burst to one address
/// (a flood, or a mailing) cannot keep the others of its lane waiting for batch after batch.
const FAIR_SHARE: usize = MAX_BATCH / 4;

/// How long an unknown recipient is remembered as unknown: a dictionary attack's guesses cost
/// no database query each.
const UNKNOWN_TTL: Duration = Duration::from_secs(30);

pub struct MailIntake {
    /// Recipients routed lately: to their organisation, or to nobody (`None`).
    routes: Mutex<HashMap<String, (Option<OrgId>, Instant)>>,
    inner: Arc<Inner>,
    /// Verifies each message's SPF, DKIM and DMARC as it arrives; without one (a test that does
    /// not need it), every message is unauthenticated.
    authenticator: Option<Arc<Authenticator>>,
    /// `@` and the inbound domain.
    inbound_suffix: String,
}

/// What the batches share: they run as tasks of their own, so that an SMTP session that ends
/// while its message's batch is in the database does not cancel the others' messages.
struct Inner {
    mail: Arc<MailService>,
    wake: Arc<tokio::sync::Notify>,
    /// `INTAKE_CONCURRENCY` lanes; an organisation's mail always takes the same one.
    lanes: Vec<Lane>,
}

/// A queue of messages and its turn at the database. While the turn is taken, new messages
/// wait, and the next batch takes all that waited (up to [`MAX_BATCH`]): under load batches grow,
/// and a lone message goes at once. Every batch holds its organisations' number counters and page
/// versions to its commit, so batches that share organisations take turns: with one queue for
/// all, each batch spanned most organisations and the batches ran one after the other. Lanes
/// split the organisations, so their batches run side by side.
struct Lane {
    waiting: Mutex<Vec<(Prepared, oneshot::Sender<Delivery>)>>,
    turn: Semaphore,
}

impl MailIntake {
    pub fn new(mail: Arc<MailService>, wake: Arc<tokio::sync::Notify>) -> Self {
        Self::with_lanes(mail, wake, 2)
    }

    /// How many lanes of batches are at the database at once (`INTAKE_CONCURRENCY`).
    pub fn with_concurrency(self, concurrency: usize) -> Self {
        let authenticator = self.authenticator.clone();
        Self {
            authenticator,
            ..Self::with_lanes(self.inner.mail.clone(), self.inner.wake.clone(), concurrency)
        }
    }

    fn with_lanes(mail: Arc<MailService>, wake: Arc<tokio::sync::Notify>, lanes: usize) -> Self {
        let lanes =
            (0..lanes.max(1)).map(|_| Lane { waiting: Mutex::default(), turn: Semaphore::new(1) }).collect();
        Self {
            routes: Mutex::new(HashMap::new()),
            inbound_suffix: format!("@{}", mail.inbound_domain),
            inner: Arc::new(Inner { mail, wake, lanes }),
            authenticator: None,
        }
    }

    /// Verifies each message's origin with `authenticator` (docs/SECURITY.md §Mail).
    pub fn with_authenticator(mut self, authenticator: Arc<Authenticator>) -> Self {
        self.authenticator = Some(authenticator);
        self
    }

    async fn route(&self, address: &str) -> Result<Option<OrgId>, ()> {
        if let Ok(routes) = self.routes.lock()
            && let Some((org, at)) = routes.get(address)
            && at.elapsed() < if org.is_some() { ROUTE_TTL } else { UNKNOWN_TTL }
        {
            return Ok(*org);
        }
        match self.inner.mail.route(address).await {
            // Unknown addresses at our own domain are remembered as unknown for a while; an
            // alias is not, since it can be verified at any moment (and a 550 is for good).
            Ok(None) if !address.ends_with(&self.inbound_suffix) => Ok(None),
            Ok(org) => {
                if let Ok(mut routes) = self.routes.lock() {
                    if routes.len() > 10_000 {
                        routes.clear();
                    }
                    routes.insert(address.to_owned(), (org, Instant::now()));
                }
                Ok(org)
            }
            Err(error) => {
                tracing::warn!(%error, "routing an inbound recipient");
                Err(())
            }
        }
    }
}

impl Intake for MailIntake {
    async fn check_recipient(&self, address: &str) -> RcptVerdict {
        match self.route(address).await {
            Ok(Some(_)) => RcptVerdict::Accept,
            Ok(None) => RcptVerdict::Unknown,
            Err(()) => RcptVerdict::TryLater,
        }
    }

    async fn deliver(&self, envelope: &Envelope, message: Vec<u8>) -> Vec<Delivery> {
        // One stored copy per organisation, with that organisation's recipients.
        let mut by_org: Vec<(OrgId, Vec<usize>)> = Vec::new();
        let mut results =
            vec![Delivery::TryLater("not stored, try again later".into()); envelope.recipients.len()];
        for (i, rcpt) in envelope.recipients.iter().enumerate() {
            match self.route(rcpt).await {
                Ok(Some(org)) => match by_org.iter_mut().find(|(o, _)| *o == org) {
                    Some((_, idx)) => idx.push(i),
                    None => by_org.push((org, vec![i])),
                },
                Ok(None) => results[i] = Delivery::Rejected("no such recipient here any more".into()),
                Err(()) => {}
            }
        }
        let peer = envelope.peer.to_string();
        // Verified once, whatever organisations it goes to, before it has any power anywhere.
        let auth = Arc::new(match &self.authenticator {
            Some(authenticator) => {
                let facts = AuthEnvelope {
                    peer: envelope.peer.ip(),
                    helo: &envelope.helo,
                    mail_from: &envelope.mail_from,
                };
                authenticator.verify(&message, &facts).await
            }
            None => MailAuth::unverified("the intake verifies no senders"),
        });
        let raw = Arc::new(message);
        for (org, indexes) in by_org {
            // The demo is a sandbox, not file storage: its address takes small messages only.
            let limit = ferrodesk_core::sandbox::Sandbox::of(org).max_upload_bytes(usize::MAX);
            if raw.len() > limit {
                let refused = Delivery::Rejected(format!(
                    "the demo accepts messages up to {} MB",
                    limit / (1024 * 1024)
                ));
                for i in indexes {
                    results[i] = refused.clone();
                }
                continue;
            }
            let incoming = Incoming {
                org,
                mail_from: envelope.mail_from.clone(),
                recipients: indexes.iter().map(|&i| envelope.recipients[i].clone()).collect(),
                peer: peer.clone(),
                raw: raw.clone(),
                auth: auth.clone(),
            };
            let outcome = self.inner.clone().submit(incoming).await;
            for i in indexes {
                results[i] = outcome.clone();
            }
        }
        results
    }
}

impl Inner {
    /// Hands a message to the next batch and waits for its answer. The session that gets a turn
    /// first runs the batch of everything waiting, its own message or not (group commit). With
    /// nothing waiting and a turn free, the message goes at once, by itself.
    async fn submit(self: Arc<Self>, incoming: Incoming) -> Delivery {
        // The low bits of an id are random (UUIDv7), so the organisations spread over the lanes.
        let lane = &self.lanes[(incoming.org.as_uuid().as_u128() % self.lanes.len() as u128) as usize];
        // Read here, while a batch is in the database, rather than by the batch's session.
        let mut prepared = self.mail.prepare(incoming);
        if let Ok(turn) = lane.turn.try_acquire() {
            let idle = lane.waiting.lock().unwrap_or_else(PoisonError::into_inner).is_empty();
            if idle {
                // Its own task, as a batch is: the message is processed to the end either way.
                let inner = self.clone();
                let outcome = tokio::spawn(async move {
                    let outcome = inner.one(&prepared).await;
                    inner.woken(std::slice::from_ref(&outcome));
                    outcome
                })
                .await
                .unwrap_or_else(|_| not_stored());
                drop(turn);
                return outcome;
            }
        }
        // It waits for a batch: its files are stored now, not on the batch's turn.
        self.mail.store_files(&mut prepared).await;
        let (done, mut answer) = oneshot::channel();
        lane.waiting.lock().unwrap_or_else(PoisonError::into_inner).push((prepared, done));
        // Until answered: whoever gets the turn runs a batch of what waits (a fair share of it,
        // so this message may be left for the next batch, which this session may run too).
        loop {
            let turn = tokio::select! {
                biased;
                answered = &mut answer => return answered.unwrap_or_else(|_| not_stored()),
                turn = lane.turn.acquire() => turn,
            };
            let batch = fair_batch(&mut lane.waiting.lock().unwrap_or_else(PoisonError::into_inner));
            if !batch.is_empty() {
                // Its own task: dropping this session's future must not drop the others' messages.
                let inner = self.clone();
                let _ = tokio::spawn(async move { inner.run(batch).await }).await;
            }
            drop(turn);
        }
    }

    /// Receives a batch: the plain new tickets together, the rest one at a time after them (so
    /// that a second copy of a message finds the first), and answers each message.
    async fn run(&self, batch: Vec<(Prepared, oneshot::Sender<Delivery>)>) {
        let (mut messages, answers): (Vec<Prepared>, Vec<_>) = batch.into_iter().unzip();
        let batched = self.mail.receive_batch(&mut messages).await;
        // Owned items: a stream of borrowed ones trips the compiler's lifetime inference in a task.
        let outcomes: Vec<Delivery> = futures::stream::iter(messages.into_iter().zip(batched))
            .map(|(message, batched)| async move {
                match batched {
                    Some((id, outcome)) => {
                        let org = message.incoming.org;
                        tracing::debug!(org_id = %org, inbound_id = %id, ?outcome, "inbound message processed");
                        Delivery::Stored(id.simple().to_string())
                    }
                    None => self.one(&message).await,
                }
            })
            .buffered(SINGLES_AT_ONCE)
            .collect()
            .await;
        self.woken(&outcomes);
        for (answer, outcome) in answers.into_iter().zip(outcomes) {
            let _ = answer.send(outcome);
        }
    }

    /// Whatever was stored queued a job (an acknowledgement to send, or the ingest to retry):
    /// wakes the job runner.
    fn woken(&self, outcomes: &[Delivery]) {
        if outcomes.iter().any(|o| matches!(o, Delivery::Stored(_))) {
            self.wake.notify_one();
        }
    }

    /// Receives one message in its own transaction; if that fails for any reason (a conflict
    /// with a copy of the same message, a deadlock, a bug), the message is only stored, and the
    /// ingest job retries it with backoff.
    async fn one(&self, prepared: &Prepared) -> Delivery {
        let message = &prepared.incoming;
        match self.mail.receive_prepared(prepared).await {
            Ok((id, outcome)) => {
                tracing::debug!(org_id = %message.org, inbound_id = %id, ?outcome, "inbound message processed");
                Delivery::Stored(id.simple().to_string())
            }
            Err(error) => {
                tracing::warn!(error = ?error, org_id = %message.org, "processing an inbound message; storing it for a retry");
                match self.mail.store(message.org, message.received()).await {
                    Ok(id) => Delivery::Stored(id.simple().to_string()),
                    Err(error) => {
                        tracing::error!(error = ?error, org_id = %message.org, "storing an inbound message");
                        not_stored()
                    }
                }
            }
        }
    }
}

/// The next batch from what waits, in order: at most [`FAIR_SHARE`] of each organisation's first,
/// then, if there is room, the rest in order (a lone organisation's burst still fills batches).
fn fair_batch<T: HasOrg>(waiting: &mut Vec<T>) -> Vec<T> {
    let mut taken_of: HashMap<OrgId, usize> = HashMap::new();
    let mut batch = Vec::new();
    let mut left = Vec::new();
    for item in waiting.drain(..) {
        let taken = taken_of.entry(item.org()).or_default();
        if batch.len() < MAX_BATCH && *taken < FAIR_SHARE {
            *taken += 1;
            batch.push(item);
        } else {
            left.push(item);
        }
    }
    let room = MAX_BATCH - batch.len();
    let rest = left.len().min(room);
    batch.extend(left.drain(..rest));
    *waiting = left;
    batch
}

/// What a waiting message's organisation is.
trait HasOrg {
    fn org(&self) -> OrgId;
}

impl HasOrg for (Prepared, oneshot::Sender<Delivery>) {
    fn org(&self) -> OrgId {
        self.0.incoming.org
    }
}

fn not_stored() -> Delivery {
    Delivery::TryLater("cannot store the message right now, try again later".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    impl HasOrg for (OrgId, usize) {
        fn org(&self) -> OrgId {
            self.0
        }
    }

    #[test]
    fn a_batch_takes_each_organisations_fair_share_first() {
        let (flood, quiet) = (OrgId::generate(), OrgId::generate());
        let mut waiting: Vec<(OrgId, usize)> = (0..100).map(|i| (flood, i)).collect();
        waiting.push((quiet, 100));
        let batch = fair_batch(&mut waiting);
        assert_eq!(batch.len(), MAX_BATCH, "a full batch");
        assert!(batch.contains(&(quiet, 100)), "the quiet organisation's message does not wait");
        assert_eq!(waiting.len(), 101 - MAX_BATCH);
        assert!(waiting.iter().all(|(org, _)| *org == flood));
        // A lone organisation still fills its batches, in order.
        let mut alone: Vec<(OrgId, usize)> = (0..70).map(|i| (flood, i)).collect();
        let batch = fair_batch(&mut alone);
        assert_eq!(batch.iter().map(|(_, i)| *i).collect::<Vec<_>>(), (0..MAX_BATCH).collect::<Vec<_>>());
    }
}
