//! The intake's batches (docs/email.md, "Batches across organisations"): the
//! plain new tickets among messages that arrived together, from any organisations, written in one
//! transaction by three statements for the whole batch (`ferrodesk_db::intake`). Everything else
//! (replies, Cc'd people, duplicates, new configuration) is left to the single-message path.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::{Duration, Utc};
use ferrodesk_db::Actor;
use ferrodesk_db::intake::{
    self as batch_repo, AckIn, BatchTx, FileIn, RawIn, SenderIn, SenderOut, TicketIn,
};
use ferrodesk_db::mail::{MailSettings, NewInbound};
use ferrodesk_db::tickets::TicketRow;
use ferrodesk_domain::{Channel, Email, OrgId, TicketId};
use ferrodesk_mail::auth::MailAuth;
use ferrodesk_mail::inbound::ParseError;
use ferrodesk_mail::{InboundAddress, InboundMail, inbound};
use uuid::Uuid;

use super::{Ingested, MailService, Member, Received, new_reply_token};
use crate::AppError;
use crate::jobs::Notify;
use crate::live::{ChangeKind, TicketChange};
use crate::notices::{Notice, notify_job};
use crate::sandbox::Sandbox;
use crate::sla::SlaSetup;
use crate::tickets::{Checked, CreateTicket, plan};
use ferrodesk_jobs::Payload;

/// A message as the intake received it for one organisation, owned, so that a batch can hold it.
#[derive(Clone)]
pub struct Incoming {
    pub org: OrgId,
    pub mail_from: String,
    pub recipients: Vec<String>,
    pub peer: String,
    pub raw: Arc<Vec<u8>>,
    /// What the intake verified of its origin (`ferrodesk_mail::auth`).
    pub auth: Arc<MailAuth>,
}

impl Incoming {
    pub fn received(&self) -> Received<'_> {
        Received {
            mail_from: &self.mail_from,
            recipients: &self.recipients,
            peer: &self.peer,
            raw: &self.raw,
            auth: &self.auth,
        }
    }
}

/// A message read once, in the session that received it, ready for a batch: reading it there
/// spreads the parsing over the cores while the previous batch is in the database. A message the
/// batch leaves to the single-message path is not parsed again ([`MailService::receive_prepared`]).
pub struct Prepared {
    pub incoming: Incoming,
    pub(super) read: Result<InboundMail, ParseError>,
    plain: Option<PlainParts>,
}

/// What makes a read message a plain new ticket, as far as the message alone tells.
struct PlainParts {
    /// Its raw row's id.
    id: Uuid,
    email: Email,
    from_name: String,
    input: CreateTicket,
    checked: Checked,
    /// Its attachments' keys in the store, in order, once stored ([`MailService::store_files`]).
    stored: Option<Vec<String>>,
}

/// A plain message of a batch, at its position.
struct Plain<'b> {
    index: usize,
    incoming: &'b Incoming,
    id: Uuid,
    mail: &'b InboundMail,
    email: &'b Email,
    from_name: &'b str,
    input: &'b CreateTicket,
    checked: &'b Checked,
    stored: &'b [String],
}

/// A plain message whose sender and organisation the database confirmed.
struct Going<'p, 'b> {
    plain: &'p Plain<'b>,
    actor: Actor,
    settings: MailSettings,
    /// Acknowledgements sent to the sender in the last hour, before this batch.
    acks_sent: i64,
    sla: (OrgId, i64),
}

impl MailService {
    /// Receives the plain new tickets among `batch` (messages from any organisations) in one
    /// transaction. Returns, by position, the raw row's id and outcome of each message it
    /// processed, and `None` for each it left to [`Self::receive`]: anything but a plain new
    /// ticket, a second copy of a message in the batch, and every message when the batch fails
    /// (the caller runs those after this returns, so a second copy then finds the first). Stores
    /// the files of any plain message whose session did not ([`Self::store_files`]).
    pub async fn receive_batch(&self, batch: &mut [Prepared]) -> Vec<Option<(Uuid, Ingested)>> {
        futures::future::join_all(batch.iter_mut().map(|prepared| self.store_files(prepared))).await;
        let mut results = vec![None; batch.len()];
        let mut copies = HashSet::new();
        let plain: Vec<Plain> = batch
            .iter()
            .enumerate()
            .filter_map(|(index, prepared)| {
                let (Ok(mail), Some(parts)) = (&prepared.read, &prepared.plain) else { return None };
                let stored = parts.stored.as_deref()?;
                Some(Plain {
                    index,
                    incoming: &prepared.incoming,
                    id: parts.id,
                    mail,
                    email: &parts.email,
                    from_name: &parts.from_name,
                    input: &parts.input,
                    checked: &parts.checked,
                    stored,
                })
            })
            .filter(|p| copies.insert((p.incoming.org, p.mail.dedupe_key.as_str())))
            .collect();
        if plain.is_empty() {
            return results;
        }
        match self.write_batch(&plain).await {
            Ok(done) => {
                for (index, id, outcome) in done {
                    results[index] = Some((id, outcome));
                }
            }
            Err(error) => {
                tracing::warn!(error = ?error, messages = plain.len(), "a batch of mail failed; its messages go one at a time")
            }
        }
        results
    }

    /// Reads a message for a batch (see [`Prepared`]).
    pub fn prepare(&self, incoming: Incoming) -> Prepared {
        let read = inbound::parse(&incoming.raw);
        let plain = read.as_ref().ok().and_then(|mail| self.plain(&incoming, mail));
        Prepared { incoming, read, plain }
    }

    /// Stores a plain message's attachments, for a message that will wait for a batch: they are
    /// written by content, so its session can store them before the batch's transaction, at the
    /// same time as the other sessions, keeping the files out of the transaction and out of the
    /// lane's turn. A message that goes by itself is not stored here: the single-message path
    /// stores its files. One whose files cannot be stored takes that path, which reports it.
    pub async fn store_files(&self, prepared: &mut Prepared) {
        let (Some(parts), Ok(mail)) = (&mut prepared.plain, &prepared.read) else { return };
        if parts.stored.is_some() {
            return;
        }
        let puts = mail.attachments.iter().map(|a| self.store.put(&a.bytes));
        match futures::future::try_join_all(puts).await {
            Ok(keys) => parts.stored = Some(keys),
            Err(error) => {
                tracing::warn!(%error, "storing a message's attachments; it goes by itself");
                prepared.plain = None;
            }
        }
    }

    /// The message as a plain new ticket: readable, from an outside person, threading onto
    /// nothing (no references, ticket tag, answer subject or tagged address), naming nobody else
    /// (Cc'd people become participants one at a time), not to a sandbox (its own limits), and a
    /// ticket the form would accept.
    fn plain(&self, incoming: &Incoming, mail: &InboundMail) -> Option<PlainParts> {
        let sandbox = Sandbox::of(incoming.org);
        if sandbox.is_on() {
            return None;
        }
        let (from, email) = self.sender_address(mail).ok()?;
        sandbox.check_new_person("from", &email).ok()?;
        let from_name = from.display_name();
        if !mail.thread_ids.is_empty()
            || mail.ticket_tag.is_some()
            || inbound::is_answer_subject(&mail.subject)
        {
            return None;
        }
        let tagged = |rcpt: &String| {
            InboundAddress::parse(rcpt, &self.inbound_domain).is_some_and(|a| a.tag.is_some())
        };
        if incoming.recipients.iter().any(tagged) {
            return None;
        }
        let ours = format!("@{}", self.inbound_domain);
        if mail
            .cc
            .iter()
            .chain(&mail.to)
            .any(|p| !p.address.ends_with(&ours) && Email::parse(&p.address).is_ok())
        {
            return None;
        }
        let id = Uuid::now_v7();
        let input = CreateTicket {
            source_inbound_id: Some(id),
            ..CreateTicket::incident(mail.subject.clone(), mail.full_text.clone(), Channel::Email)
        };
        let checked = Checked::of(&input).ok()?;
        Some(PlainParts { id, email, from_name, input, checked, stored: None })
    }

    async fn write_batch(&self, plain: &[Plain<'_>]) -> Result<Vec<(usize, Uuid, Ingested)>, AppError> {
        let mut tx = self.db.begin_system_hot().await?;
        let senders: Vec<SenderIn> = plain
            .iter()
            .map(|p| SenderIn {
                org_id: p.incoming.org,
                email: p.email.as_str(),
                name: p.from_name,
                dedupe_key: &p.mail.dedupe_key,
            })
            .collect();
        let found = batch_repo::senders(&mut tx, &senders, Utc::now() - Duration::hours(1)).await?;
        let (going, slas) = self.confirmed(plain, found);
        if going.is_empty() {
            return Ok(Vec::new());
        }
        let rows = self.write_tickets(&mut tx, &going, &slas).await?;
        self.write_acknowledgements(&mut tx, &going, &rows).await?;
        tx.commit().await?;
        let mut done = Vec::with_capacity(going.len());
        for (g, (row, _)) in going.iter().zip(&rows) {
            self.announce(g.plain.incoming.org, Some(TicketChange::of(row, ChangeKind::Created)));
            done.push((g.plain.index, g.plain.id, Ingested::NewTicket(TicketId::from_uuid(row.id))));
        }
        Ok(done)
    }

    /// The messages whose sender is an active member, whose copy was not processed before, and
    /// whose organisation's SLA setup this process holds at the configuration version the
    /// database reported, with those setups. The rest take the single-message path, which reads
    /// the setup (and keeps it for the next batch).
    fn confirmed<'p, 'b>(
        &self,
        plain: &'p [Plain<'b>],
        found: Vec<SenderOut>,
    ) -> (Vec<Going<'p, 'b>>, HashMap<(OrgId, i64), SlaSetup>) {
        let mut slas: HashMap<(OrgId, i64), Option<SlaSetup>> = HashMap::new();
        let mut going = Vec::with_capacity(plain.len());
        for (p, sender) in plain.iter().zip(found) {
            let Some(Member::Active(actor)) = sender.person.map(Member::from) else { continue };
            // Staff mail without authentication is taken as a requester's and flagged: the
            // single-message path does that.
            if actor.role.is_staff() && !p.incoming.auth.authenticated() {
                continue;
            }
            let Some(version) = sender.settings.config_version else { continue };
            let key = (p.incoming.org, version);
            let sla = slas.entry(key).or_insert_with(|| {
                batch_repo::cached_sla(&self.db, key.0, version)
                    .and_then(|rows| SlaSetup::from_rows(&rows).ok())
            });
            if sla.is_none() {
                continue;
            }
            going.push(Going {
                plain: p,
                actor,
                settings: sender.settings,
                acks_sent: sender.acks_sent,
                sla: key,
            });
        }
        (going, slas.into_iter().filter_map(|(key, sla)| Some((key, sla?))).collect())
    }

    /// Writes the raw rows, Message-IDs, attachment rows (their files already stored,
    /// [`Self::store_files`]) and the tickets with their events. Returns the tickets in the order of
    /// `going`.
    async fn write_tickets(
        &self,
        tx: &mut BatchTx,
        going: &[Going<'_, '_>],
        slas: &HashMap<(OrgId, i64), SlaSetup>,
    ) -> Result<Vec<(TicketRow, String)>, AppError> {
        let mut files = Vec::new();
        for (ticket, g) in going.iter().enumerate() {
            for (attachment, sha256) in g.plain.mail.attachments.iter().zip(g.plain.stored) {
                files.push(FileIn {
                    ticket,
                    filename: &attachment.filename,
                    content_type: &attachment.content_type,
                    size_bytes: i64::try_from(attachment.bytes.len()).unwrap_or(i64::MAX),
                    sha256,
                    content_id: attachment.content_id.as_deref(),
                    inline: attachment.inline,
                });
            }
        }
        let tokens: Vec<String> = going.iter().map(|_| new_reply_token()).collect();
        let mut tickets = Vec::with_capacity(going.len());
        for (g, token) in going.iter().zip(&tokens) {
            let p = g.plain;
            let sla = slas.get(&g.sla).ok_or_else(|| AppError::Internal(anyhow::anyhow!("an SLA setup")))?;
            tickets.push(TicketIn {
                org_id: p.incoming.org,
                ticket: plan(g.actor, g.actor.user_id, TicketId::generate(), p.input, p.checked, sla),
                reply_token: token,
                raw: RawIn {
                    inbound: NewInbound {
                        id: p.id,
                        mail_from: &p.incoming.mail_from,
                        rcpt_to: &p.incoming.recipients,
                        peer: &p.incoming.peer,
                        raw: &p.incoming.raw,
                        auth: serde_json::to_value(&*p.incoming.auth).ok(),
                    },
                    dedupe_key: &p.mail.dedupe_key,
                    message_id: p.mail.message_id.as_deref(),
                    from_address: p.mail.from.as_ref().map_or(p.email.as_str(), |f| f.address.as_str()),
                    subject: &p.mail.subject,
                },
            });
        }
        let rows = batch_repo::tickets(tx, &tickets, &files).await?;
        Ok(rows.into_iter().zip(tokens).collect())
    }

    /// Composes the acknowledgements the per-sender limit allows (counting the batch's own) and
    /// queues them with their jobs.
    async fn write_acknowledgements(
        &self,
        tx: &mut BatchTx,
        going: &[Going<'_, '_>],
        rows: &[(TicketRow, String)],
    ) -> Result<(), AppError> {
        let mut sent: HashMap<(OrgId, &str), i64> = HashMap::new();
        let mut composed = Vec::new();
        for (g, (row, token)) in going.iter().zip(rows) {
            let (p, settings) = (g.plain, &g.settings);
            if !(settings.acknowledge && p.mail.class.may_acknowledge() && !p.incoming.mail_from.is_empty()) {
                continue;
            }
            let count = sent.entry((p.incoming.org, p.email.as_str())).or_insert(g.acks_sent);
            if *count >= self.ack_limit_per_hour {
                tracing::info!(to = %p.email.as_str(), "acknowledgement suppressed by the per-sender limit");
                continue;
            }
            *count += 1;
            let source_message_id = p.mail.message_id.clone();
            let made =
                self.acknowledgement(p.incoming.org, settings, row, token.clone(), source_message_id, p.id)?;
            let Some(mail) = made else { continue };
            let ticket_id = TicketId::from_uuid(row.id);
            let (payload, key) = notify_job(Notice::Acknowledgement, Some(ticket_id), p.id)?;
            let recipients: Vec<String> = mail.recipients().cloned().collect();
            let json = serde_json::to_value(&mail).map_err(|e| AppError::Internal(e.into()))?;
            composed.push((p.incoming.org, ticket_id, p.id, mail.message_id, recipients, json, payload, key));
        }
        let acks: Vec<AckIn> = composed
            .iter()
            .map(|(org_id, ticket_id, source_id, message_id, recipients, mail, payload, key)| AckIn {
                org_id: *org_id,
                ticket_id: *ticket_id,
                source_id: *source_id,
                message_id,
                recipients,
                mail: mail.clone(),
                job_kind: Notify::KIND,
                job_payload: payload,
                job_key: key,
            })
            .collect();
        batch_repo::acknowledgements(tx, &acks).await?;
        Ok(())
    }
}
