//! The SMTP/LMTP intake: routes recipients to organisations, and stores and processes each
//! message in one transaction before the `250` (DESIGN §2.3); the job runner sends what that
//! queued, and retries what could only be stored.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ferrodesk_core::mail::{MailService, Received};
use ferrodesk_domain::OrgId;
use ferrodesk_mail::smtp::{Delivery, Envelope, Intake, RcptVerdict};

/// How long a routing answer is reused (an organisation's slug or aliases rarely change).
const ROUTE_TTL: Duration = Duration::from_secs(30);

pub struct MailIntake {
    mail: Arc<MailService>,
    routes: Mutex<HashMap<String, (OrgId, Instant)>>,
    wake: Arc<tokio::sync::Notify>,
    /// Turns at the database. Each processing transaction holds a connection and, while it
    /// creates a ticket, its organisation's number counter; with more of them at once than the
    /// database has cores, they only queue on locks and switch contexts (32 at once processed
    /// a quarter fewer messages per second than 8).
    turns: tokio::sync::Semaphore,
}

impl MailIntake {
    pub fn new(mail: Arc<MailService>, wake: Arc<tokio::sync::Notify>) -> Self {
        Self { mail, routes: Mutex::new(HashMap::new()), wake, turns: tokio::sync::Semaphore::new(8) }
    }

    /// How many messages are stored and processed at once (`INTAKE_CONCURRENCY`).
    pub fn with_concurrency(mut self, concurrency: usize) -> Self {
        self.turns = tokio::sync::Semaphore::new(concurrency.max(1));
        self
    }

    async fn route(&self, address: &str) -> Result<Option<OrgId>, ()> {
        if let Ok(routes) = self.routes.lock()
            && let Some((org, at)) = routes.get(address)
            && at.elapsed() < ROUTE_TTL
        {
            return Ok(Some(*org));
        }
        match self.mail.route(address).await {
            Ok(Some(org)) => {
                if let Ok(mut routes) = self.routes.lock() {
                    if routes.len() > 10_000 {
                        routes.clear();
                    }
                    routes.insert(address.to_owned(), (org, Instant::now()));
                }
                Ok(Some(org))
            }
            Ok(None) => Ok(None),
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
        for (org, indexes) in by_org {
            // The demo is a sandbox, not file storage: its address takes small messages only.
            if ferrodesk_core::demo::is_demo(org) && message.len() > ferrodesk_core::demo::MAX_MAIL_BYTES {
                let refused = Delivery::Rejected(format!(
                    "the demo accepts messages up to {} MB",
                    ferrodesk_core::demo::MAX_MAIL_BYTES / (1024 * 1024)
                ));
                for i in indexes {
                    results[i] = refused.clone();
                }
                continue;
            }
            let recipients: Vec<String> = indexes.iter().map(|&i| envelope.recipients[i].clone()).collect();
            let received = || Received {
                mail_from: &envelope.mail_from,
                recipients: &recipients,
                peer: &peer,
                raw: &message,
            };
            // Processed at once, in the transaction that stores it; if that fails for any
            // reason (a conflict with a copy of the same message, a deadlock, a bug), the
            // message is only stored, and the ingest job retries it with backoff.
            let Ok(_turn) = self.turns.acquire().await else { break };
            let outcome = match self.mail.receive(org, received()).await {
                Ok((id, outcome)) => {
                    tracing::debug!(org_id = %org, inbound_id = %id, ?outcome, "inbound message processed");
                    Delivery::Stored(id.simple().to_string())
                }
                Err(error) => {
                    tracing::warn!(error = ?error, org_id = %org, "processing an inbound message; storing it for a retry");
                    match self.mail.store(org, received()).await {
                        Ok(id) => Delivery::Stored(id.simple().to_string()),
                        Err(error) => {
                            tracing::error!(error = ?error, org_id = %org, "storing an inbound message");
                            Delivery::TryLater("cannot store the message right now, try again later".into())
                        }
                    }
                }
            };
            for i in indexes {
                results[i] = outcome.clone();
            }
        }
        // Whatever was stored queued a job: an acknowledgement to send, or the ingest to retry.
        if results.iter().any(|r| matches!(r, Delivery::Stored(_))) {
            self.wake.notify_one();
        }
        results
    }
}
