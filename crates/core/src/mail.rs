//! Email as use cases (docs/ARCHITECTURE.md §Email): storing what the intake receives, turning it
//! into tickets and replies exactly once, and sending what tickets cause (acknowledgements,
//! agent replies, status changes) exactly as rendered.

use chrono::{Duration, Utc};
use ferrodesk_db::mail::{
    self as repo, AckCheck, AckJob, InboundOutcome, InboundRaw, MailFiling, NewAttachment, NewInbound,
};
use ferrodesk_db::tickets::{self as tickets_repo, MessageEmail};
use ferrodesk_db::{Actor, Db, DbError, TenantTx, events};
use ferrodesk_domain::{Channel, Email, OrgId, Role, TicketId, TicketKind, TicketStatus, UserId};
use ferrodesk_jobs::{Job, Payload};
use ferrodesk_mail::auth::MailAuth;
use ferrodesk_mail::inbound::{self, ParseError, normalize_subject};
use ferrodesk_mail::outbound::{
    MailError, OutboundMail, SECRET_PLACEHOLDER, SecretRef, Template, Templates, Transport,
};
use ferrodesk_mail::store::LocalStore;
use ferrodesk_mail::{InboundAddress, InboundMail, MailClass, Mailbox};
use futures::StreamExt;
use rand::Rng;
use serde_json::json;
use uuid::Uuid;

use crate::AppError;
use crate::auth::LinkPurpose;
use crate::jobs::{IngestMail, Notify};
use crate::live::{ChangeKind, LivePublisher, TicketChange};
use crate::notices::{MailQuota, Notice, notify_job};
use crate::sandbox::Sandbox;
use crate::tickets::{AddMessage, CreateTicket};

mod batch;
pub mod settings;

pub use batch::{Incoming, Prepared};

/// Why a demo tenant's mail never left: it stays in the in-app outbox.
const DEMO_OUTBOX: &str = "demo outbox: not delivered";

/// Stored messages a batch hands to the transport at once.
const SEND_CONCURRENCY: usize = 8;

/// People in Cc added to a new ticket at most (a message to a whole department adds no one more).
const MAX_PARTICIPANTS: usize = 20;

/// A stored message handed to the transport, for recording how that went.
struct Sent<'a> {
    org: OrgId,
    outbound_id: Uuid,
    ticket_id: Option<Uuid>,
    recipients: &'a [String],
    mail: &'a OutboundMail,
}

/// One stored message of a batch (job `index`), and how handing it to the transport went.
struct Attempt {
    index: usize,
    notice: repo::StoredNotice,
    mail: Result<OutboundMail, String>,
    result: Result<(), MailError>,
}

/// What a notice about a ticket says besides the ticket: who it goes to and, for an agent's
/// reply, its author and text.
struct TicketNotice {
    notice: Notice,
    source_id: Uuid,
    to: Vec<String>,
    cc: Vec<String>,
    author_name: String,
    body: String,
}

/// The same Message-ID on every attempt, so that a receiver drops a second copy.
fn notice_message_id(notice: Notice, source_id: Uuid, domain: &str) -> String {
    format!("{}.{source_id}@{domain}", notice.as_str().replace('_', "-"))
}

/// What the intake was told about a message, besides its bytes, and what it verified of its
/// origin as it arrived.
pub struct Received<'a> {
    pub mail_from: &'a str,
    pub recipients: &'a [String],
    pub peer: &'a str,
    pub raw: &'a [u8],
    pub auth: &'a MailAuth,
}

/// What processing did with a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ingested {
    NewTicket(TicketId),
    Reply(TicketId),
    Duplicate,
    Ignored(String),
    Quarantined(String),
    /// Already processed (a retried job), or gone.
    Nothing,
}

/// The mail side of the product, shared by the worker's listener and its jobs.
pub struct MailService {
    pub db: Db,
    pub inbound_domain: String,
    pub public_url: String,
    pub ack_limit_per_hour: i64,
    pub store: LocalStore,
    pub templates: Templates,
    pub transport: Transport,
    /// Fills in the links and codes that stored messages hold only as placeholders.
    pub links: crate::auth::LinkKey,
    /// What each organisation may send (checked again as each message goes out).
    pub quota: MailQuota,
    /// Announces tickets created and answered by mail to the web app's open screens.
    pub live: Option<LivePublisher>,
}

impl MailService {
    /// The organisation an envelope recipient belongs to.
    pub async fn route(&self, address: &str) -> Result<Option<OrgId>, DbError> {
        Ok(repo::route(&self.db, address, &self.inbound_domain).await?.map(|(org, _)| org))
    }

    /// Receives a message: turns it into a ticket or a reply and stores it, with its outcome, in
    /// one transaction, so that when this returns `Ok` the message is durable and already
    /// processed, and the SMTP reply may be `250` (docs/email.md, "The intake
    /// path"). The raw row is written once, when its outcome is known.
    ///
    /// An error leaves nothing behind (the transaction rolls back): the caller then keeps the
    /// message with [`Self::store`], for the ingest job to retry.
    pub async fn receive(&self, org: OrgId, received: Received<'_>) -> Result<(Uuid, Ingested), AppError> {
        let read = inbound::parse(received.raw);
        self.receive_read(org, received, read.as_ref().map_err(ParseError::clone)).await
    }

    /// [`Self::receive`] for a message the intake has read already ([`Self::prepare`]).
    pub async fn receive_prepared(&self, prepared: &Prepared) -> Result<(Uuid, Ingested), AppError> {
        let read = prepared.read.as_ref().map_err(ParseError::clone);
        self.receive_read(prepared.incoming.org, prepared.incoming.received(), read).await
    }

    async fn receive_read(
        &self,
        org: OrgId,
        received: Received<'_>,
        read: Result<&InboundMail, ParseError>,
    ) -> Result<(Uuid, Ingested), AppError> {
        let id = Uuid::now_v7();
        let mut tx = self.db.system_in(org).await?;
        let (outcome, change) = self.ingest_row(&mut tx, &Inbound::Received(id, &received), read).await?;
        tx.commit().await?;
        self.announce(org, change);
        Ok((id, outcome))
    }

    /// Stores a message and queues its processing, in one transaction. When this returns `Ok`,
    /// the message is durable and the SMTP reply may be `250`.
    pub async fn store(&self, org: OrgId, received: Received<'_>) -> Result<Uuid, AppError> {
        let id = Uuid::now_v7();
        let mut tx = self.db.system_in(org).await?;
        record(&mut tx, &Inbound::Received(id, &received), InboundOutcome::RECEIVED).await?;
        ferrodesk_jobs::enqueue(&mut tx, &IngestMail { id }).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Turns a stored message into a ticket, a reply, or a recorded reason not to, exactly once:
    /// the message's status changes in the same transaction as the ticket.
    pub async fn ingest(&self, org: OrgId, inbound_id: Uuid) -> Result<Ingested, AppError> {
        let mut tx = self.db.system_in(org).await?;
        let Some(row) = repo::lock_inbound(&mut tx, inbound_id).await? else {
            return Ok(Ingested::Nothing);
        };
        if row.status != "received" {
            return Ok(Ingested::Nothing);
        }
        let read = inbound::parse(&row.raw);
        let (outcome, change) = self
            .ingest_row(&mut tx, &Inbound::Stored(&row), read.as_ref().map_err(ParseError::clone))
            .await?;
        tx.commit().await?;
        self.announce(org, change);
        Ok(outcome)
    }

    /// Processes one message, as it was read, in the caller's transaction, and records what
    /// became of it: on its stored row, or as a new row when it was only received. Returns the
    /// change to announce once the transaction has committed.
    async fn ingest_row(
        &self,
        tx: &mut TenantTx,
        row: &Inbound<'_>,
        read: Result<&InboundMail, ParseError>,
    ) -> Result<(Ingested, Option<TicketChange>), AppError> {
        let mail = match read {
            Ok(mail) => mail,
            Err(error) => {
                let reason = format!("unreadable: {error}");
                let outcome =
                    InboundOutcome { reason: Some(&reason), ..InboundOutcome::status("quarantined") };
                record(tx, row, outcome).await?;
                return Ok((Ingested::Quarantined(reason), None));
            }
        };
        let (outcome, change) = self.process(tx, row, mail).await?;
        if change.is_none() {
            // A message that made a ticket or a reply (a change to announce) was filed with it
            // inside `process`; anything else is recorded here.
            finish(tx, row, mail, &outcome).await?;
        }
        Ok((outcome, change))
    }

    /// Tells the web app's open screens about a committed change (best effort).
    fn announce(&self, org: OrgId, change: Option<TicketChange>) {
        if let (Some(live), Some(change)) = (&self.live, change) {
            live.publish(org, change);
        }
    }

    async fn process(
        &self,
        tx: &mut TenantTx,
        row: &Inbound<'_>,
        mail: &InboundMail,
    ) -> Result<(Ingested, Option<TicketChange>), AppError> {
        let done = |o| Ok((o, None));
        let (from, email) = match self.sender_address(mail) {
            Ok(sender) => sender,
            Err(why) => return done(self.without_sender(tx, mail, why).await?),
        };
        if let Err(refused) = Sandbox::of(tx.org_id()).check_new_person("from", &email) {
            return done(Ingested::Quarantined(format!("{}: {refused}", email.as_str())));
        }
        let auth = row.auth();
        // The duplicate check and the settings ride along with the sender's look-up: one round
        // trip for all three.
        let known = repo::mail_sender(tx, email.as_str(), &from.display_name(), &mail.dedupe_key).await?;
        let mut sender = match Member::from(known.person) {
            Member::Active(actor) => actor,
            Member::Duplicate => return done(Ingested::Duplicate),
            Member::Deactivated => {
                return done(Ingested::Quarantined(format!("{} is a deactivated member", email.as_str())));
            }
        };
        // A staff member's address gets staff powers only when their domain vouched for the
        // message (DMARC); otherwise the message counts as a requester's, and says so.
        let staff_address = sender.role.is_staff();
        let unverified_staff = staff_address && !auth.authenticated();
        if unverified_staff {
            sender.role = Role::Requester;
        }
        let thread = self.thread(tx, row, mail, sender, staff_address, auth.authenticated()).await?;
        let settings = known.settings;
        let found = match thread {
            Thread::Proven(ticket) => Some(ticket),
            Thread::None => None,
            Thread::Unproven(ticket) => {
                if repo::unproven_replies(tx).await? == "quarantine" {
                    return done(Ingested::Quarantined(format!(
                        "it claims to continue a ticket but neither refers to our mail nor is authenticated by {} (DMARC {})",
                        email.as_str().rsplit('@').next().unwrap_or_default(),
                        auth.dmarc
                    )));
                }
                tracing::info!(ticket_id = %ticket, "an unproven continuation becomes a new ticket");
                None
            }
        };
        tx.on_behalf_of(sender);
        if let Some(version) = settings.config_version {
            self.db.read_config_at(tx, version);
        }
        let mut follow_up_of = None;
        if let Some(ticket_id) = found {
            let state = tickets_repo::lock(tx, ticket_id).await?.ok_or(AppError::NotFound("ticket"))?;
            let reopen = state.status == TicketStatus::Closed && settings.closed_reply == "reopen";
            if state.status != TicketStatus::Closed || reopen {
                let known = sender.role.is_staff()
                    || state.requester_id == Some(sender.user_id)
                    || repo::is_participant(tx, ticket_id, sender.user_id).await?;
                if !known {
                    // Threaded by Message-ID or reply token: someone the thread was forwarded to.
                    repo::add_participant(tx, ticket_id, sender.user_id).await?;
                }
                let body = display_body(mail);
                let email_meta = MessageEmail {
                    message_id: mail.message_id.clone(),
                    from: from.address.clone(),
                    to: mail.to.iter().map(|m| m.address.clone()).collect(),
                    cc: mail.cc.iter().map(|m| m.address.clone()).collect(),
                    html: mail.html(),
                    original_body: mail.full_text.clone(),
                    inbound_id: row.id(),
                };
                let (ticket, message) = crate::tickets::add_message(
                    tx,
                    AddMessage {
                        ticket_id,
                        body,
                        internal: false,
                        channel: Channel::Email,
                        email: Some(email_meta),
                        reopen_closed: reopen,
                        quota: self.quota,
                    },
                )
                .await?;
                self.cc_participants(tx, ticket_id, mail, sender.user_id).await?;
                if unverified_staff {
                    flag_unverified_staff(tx, ticket_id, &email, &auth).await?;
                }
                let made = Made::Reply { ticket_id, message_id: message.id };
                self.file(tx, row, mail, made, None).await?;
                return Ok((made.outcome(), Some(TicketChange::of(&ticket, ChangeKind::Message))));
            }
            follow_up_of = Some(ticket_id);
        }
        // Everything that points at the new ticket is written first (deferred foreign keys),
        // the ticket last: the organisation's number counter is then locked only for the insert
        // and the commit, which is what lets one organisation take a burst of mail.
        let ticket_id = TicketId::generate();
        if let Some(parent) = follow_up_of {
            events::append(
                tx,
                events::NewEvent {
                    subject_type: "ticket",
                    subject_id: parent.into_uuid(),
                    action: "ticket.follow_up_created",
                    changes: json!({ "followUp": ticket_id }),
                },
            )
            .await?;
        }
        // The acknowledgement is decided before the ticket (the per-sender limit takes a lock) and
        // stored right after it, composed, in this transaction: the sender then only sends it.
        // The limit's lock is taken before the Cc'd people are added: a newcomer's membership takes
        // the organisation's page version, which every ticket takes too, so locks go in one order
        // (sender's limit, page version, number counter) and two mails from one sender cannot
        // deadlock (docs/email.md, "One organisation's burst").
        let wanted = settings.acknowledge && mail.class.may_acknowledge() && !row.mail_from().is_empty();
        // The demo's outbox needs no job: its acknowledgement is stored as sent.
        let job = (wanted && !settings.is_demo)
            .then(|| notify_job(Notice::Acknowledgement, Some(ticket_id), row.id()))
            .transpose()?;
        let check = wanted.then(|| AckCheck {
            address: email.as_str(),
            since: Utc::now() - Duration::hours(1),
            limit: self.ack_limit_per_hour,
            job: job.as_ref().map(|(payload, key)| AckJob { kind: Notify::KIND, payload, dedupe_key: key }),
        });
        let made = Made::Ticket(ticket_id);
        let acknowledge = self.file(tx, row, mail, made, check).await?;
        if wanted && !acknowledge {
            tracing::info!(to = %email.as_str(), "acknowledgement suppressed by the per-sender limit");
        }
        self.cc_participants(tx, ticket_id, mail, sender.user_id).await?;
        if unverified_staff {
            flag_unverified_staff(tx, ticket_id, &email, &auth).await?;
        }
        let reply_token = new_reply_token();
        let ticket = crate::tickets::create_ticket_with_id(
            tx,
            ticket_id,
            CreateTicket {
                source_inbound_id: Some(row.id()),
                follow_up_of,
                ..CreateTicket::incident(mail.subject.clone(), mail.full_text.clone(), Channel::Email)
            },
            Some(&reply_token),
        )
        .await?;
        if acknowledge {
            let source_message_id = mail.message_id.clone();
            self.store_acknowledgement(tx, &settings, &ticket, reply_token, source_message_id, row.id())
                .await?;
        }
        Ok((made.outcome(), Some(TicketChange::of(&ticket, ChangeKind::Created))))
    }

    /// Whether the per-sender limit allows one more acknowledgement to `email` this hour, for an
    /// acknowledgement composed by its job (the intake checks the limit in `repo::file_mail`).
    /// Takes a lock on the address to the end of the transaction, so that two workers cannot both
    /// pass.
    async fn may_acknowledge(&self, tx: &mut TenantTx, email: &str) -> Result<bool, DbError> {
        let since = Utc::now() - Duration::hours(1);
        if repo::acknowledgements_since(tx, email, since).await? < self.ack_limit_per_hour {
            return Ok(true);
        }
        tracing::info!(to = %email, "acknowledgement suppressed by the per-sender limit");
        Ok(false)
    }

    /// Composes and stores a new ticket's acknowledgement in the transaction that creates the
    /// ticket, `queued` for the sender (a demo tenant's straight into its outbox as `sent`).
    async fn store_acknowledgement(
        &self,
        tx: &mut TenantTx,
        settings: &repo::MailSettings,
        created: &ferrodesk_db::tickets::TicketRow,
        reply_token: String,
        source_message_id: Option<String>,
        inbound_id: Uuid,
    ) -> Result<(), AppError> {
        let org = tx.org_id();
        let Some(mail) =
            self.acknowledgement(org, settings, created, reply_token, source_message_id, inbound_id)?
        else {
            return Ok(());
        };
        let recipients: Vec<String> = mail.recipients().cloned().collect();
        repo::insert_outbound(
            tx,
            repo::NewOutbound {
                ticket_id: Some(TicketId::from_uuid(created.id)),
                kind: Notice::Acknowledgement.as_str(),
                source_id: inbound_id,
                message_id: &mail.message_id,
                recipients: &recipients,
                mail: serde_json::to_value(&mail).map_err(|e| AppError::Internal(e.into()))?,
                status: if settings.is_demo { "sent" } else { "queued" },
                note: settings.is_demo.then_some(DEMO_OUTBOX),
            },
        )
        .await?;
        Ok(())
    }

    /// A new ticket's acknowledgement, composed from the created row, the reply token it was
    /// created with, and the mail it answers (its Message-ID and inbound id): nothing is read
    /// back. `None` when the ticket has no requester address to send it to.
    fn acknowledgement(
        &self,
        org: OrgId,
        settings: &repo::MailSettings,
        created: &ferrodesk_db::tickets::TicketRow,
        reply_token: String,
        source_message_id: Option<String>,
        inbound_id: Uuid,
    ) -> Result<Option<OutboundMail>, AppError> {
        let Some(requester) = created.requester_email.clone() else { return Ok(None) };
        let ticket = repo::NoticeTicket {
            kind: created.kind.clone(),
            number: created.number,
            subject: created.subject.clone(),
            status: created.status.clone(),
            response_due_at: created.sla.response_due_at,
            requester_name: created.requester_name.clone(),
            requester_email: Some(requester.clone()),
            reply_token,
            source_message_id,
        };
        let notice = TicketNotice {
            notice: Notice::Acknowledgement,
            source_id: inbound_id,
            to: vec![requester],
            cc: Vec::new(),
            author_name: String::new(),
            body: String::new(),
        };
        self.render_ticket_notice(org, settings, &ticket, notice).map(Some).map_err(AppError::Internal)
    }

    /// The address a message is from, when it is an outside person's.
    fn sender_address<'m>(&self, mail: &'m InboundMail) -> Result<(&'m Mailbox, Email), NoSender<'m>> {
        if mail.ours {
            return Err(NoSender::Ours);
        }
        if let MailClass::Bounce(failure) = &mail.class {
            return Err(NoSender::Bounce(failure));
        }
        let Some(from) = &mail.from else {
            return Err(NoSender::Settled(Ingested::Quarantined(
                "the message has no sender address (From)".into(),
            )));
        };
        if from.address.rsplit_once('@').is_some_and(|(_, d)| d == self.inbound_domain) {
            return Err(NoSender::Settled(Ingested::Ignored(
                "sent from our own inbound domain (a mail loop)".into(),
            )));
        }
        match Email::parse(&from.address) {
            Ok(email) => Ok((from, email)),
            Err(_) => Err(NoSender::Settled(Ingested::Quarantined(format!(
                "the sender address {:?} is not valid",
                from.address
            )))),
        }
    }

    /// What becomes of a message with no outside person to attribute it to, unless it is a
    /// duplicate.
    async fn without_sender(
        &self,
        tx: &mut TenantTx,
        mail: &InboundMail,
        why: NoSender<'_>,
    ) -> Result<Ingested, AppError> {
        if repo::already_processed(tx, &mail.dedupe_key).await? {
            return Ok(Ingested::Duplicate);
        }
        match why {
            NoSender::Ours => self.own_mail_returned(tx, mail).await,
            NoSender::Bounce(failure) => bounce(tx, failure).await,
            NoSender::Settled(outcome) => Ok(outcome),
        }
    }

    /// Someone a message names, as a member: created as a requester the first time they appear.
    /// `None` when their membership is deactivated.
    async fn person(&self, tx: &mut TenantTx, email: &Email, name: &str) -> Result<Option<Actor>, AppError> {
        match Member::from(repo::mail_person(tx, email.as_str(), name).await?) {
            Member::Active(actor) => Ok(Some(actor)),
            Member::Deactivated | Member::Duplicate => Ok(None),
        }
    }

    /// Which ticket a message continues, and whether it may (docs/SECURITY.md §Mail). Proof of
    /// knowing the ticket comes first: one of our own Message-IDs in In-Reply-To/References, or
    /// the ticket's reply address as a recipient. Anything else that names a ticket (a Message-ID
    /// of someone's mail on it, `[INC-…]` in the subject, or the subject itself, for someone
    /// already on that ticket) anyone could write, so it counts only when the sender's domain
    /// authenticated the message.
    async fn thread(
        &self,
        tx: &mut TenantTx,
        row: &Inbound<'_>,
        mail: &InboundMail,
        sender: Actor,
        staff_address: bool,
        authenticated: bool,
    ) -> Result<Thread, AppError> {
        let ours = format!("@{}", self.inbound_domain);
        let our_ids: Vec<String> = mail.thread_ids.iter().filter(|id| id.ends_with(&ours)).cloned().collect();
        if let Some(ticket) = repo::ticket_by_mail_ids(tx, &our_ids).await? {
            return Ok(Thread::Proven(ticket));
        }
        for rcpt in row.rcpt_to() {
            if let Some(tag) = InboundAddress::parse(rcpt, &self.inbound_domain).and_then(|a| a.tag)
                && let Some(ticket) = repo::ticket_by_reply_token(tx, &tag).await?
            {
                return Ok(Thread::Proven(ticket));
            }
        }
        Ok(match self.named_ticket(tx, mail, sender, staff_address).await? {
            Some(ticket) if authenticated => Thread::Proven(ticket),
            Some(ticket) => Thread::Unproven(ticket),
            None => Thread::None,
        })
    }

    /// The ticket a message names without proving it knows it: by someone's Message-ID on it, by
    /// `[INC-…]` in the subject, or by the subject itself, these two for someone already on it
    /// (staff are on every ticket: a staff address naming one claims it, authenticated or not).
    async fn named_ticket(
        &self,
        tx: &mut TenantTx,
        mail: &InboundMail,
        sender: Actor,
        staff_address: bool,
    ) -> Result<Option<TicketId>, AppError> {
        if let Some(ticket) = repo::ticket_by_mail_ids(tx, &mail.thread_ids).await? {
            return Ok(Some(ticket));
        }
        if let Some(tag) = &mail.ticket_tag
            && let Ok(number) = ferrodesk_domain::TicketNumber::parse(tag)
            && let Some(t) = tickets_repo::by_number(tx, number).await?
        {
            let id = TicketId::from_uuid(t.id);
            let known = staff_address
                || t.requester_id == Some(sender.user_id.into_uuid())
                || repo::is_participant(tx, id, sender.user_id).await?;
            if known {
                return Ok(Some(id));
            }
        }
        if !mail.thread_ids.is_empty() || inbound::is_answer_subject(&mail.subject) {
            // Only an answer (it has references, or a Re:/Fwd: prefix) is matched by subject.
            let subject = normalize_subject(&mail.subject);
            if !subject.is_empty() {
                return Ok(repo::ticket_by_subject(tx, &subject, sender.user_id).await?);
            }
        }
        Ok(None)
    }

    /// People in Cc (and other To addresses than ours) become participants of the ticket.
    async fn cc_participants(
        &self,
        tx: &mut TenantTx,
        ticket_id: TicketId,
        mail: &InboundMail,
        sender: UserId,
    ) -> Result<(), AppError> {
        let mut added = 0;
        for person in mail.cc.iter().chain(mail.to.iter()) {
            if added >= MAX_PARTICIPANTS {
                break;
            }
            if person.address.ends_with(&format!("@{}", self.inbound_domain)) {
                continue;
            }
            let Ok(email) = Email::parse(&person.address) else { continue };
            if Sandbox::of(tx.org_id()).check_new_person("cc", &email).is_err() {
                continue;
            }
            if let Some(actor) = self.person(tx, &email, &person.display_name()).await?
                && actor.user_id != sender
                && !actor.role.is_staff()
            {
                repo::add_participant(tx, ticket_id, actor.user_id).await?;
                added += 1;
            }
        }
        Ok(())
    }

    /// Files what a message that made a ticket or reply leaves behind: its attachments (stored
    /// by content first), its Message-ID under the ticket, its raw row with the outcome, and for
    /// a new ticket the acknowledgement's limit and job, in one statement (`repo::file_mail`).
    /// Returns whether the acknowledgement may go.
    async fn file(
        &self,
        tx: &mut TenantTx,
        row: &Inbound<'_>,
        mail: &InboundMail,
        made: Made,
        acknowledge: Option<AckCheck<'_>>,
    ) -> Result<bool, AppError> {
        let (ticket_id, message_id) = match made {
            Made::Ticket(ticket_id) => (ticket_id, None),
            Made::Reply { ticket_id, message_id } => (ticket_id, Some(message_id)),
        };
        let mut keys = Vec::with_capacity(mail.attachments.len());
        for attachment in &mail.attachments {
            keys.push(self.store.put(&attachment.bytes).await.map_err(|e| AppError::Internal(e.into()))?);
        }
        let attachments: Vec<NewAttachment> = mail
            .attachments
            .iter()
            .zip(&keys)
            .map(|(attachment, key)| NewAttachment {
                ticket_id,
                message_id,
                filename: &attachment.filename,
                content_type: &attachment.content_type,
                size_bytes: i64::try_from(attachment.bytes.len()).unwrap_or(i64::MAX),
                sha256: key,
                content_id: attachment.content_id.as_deref(),
                inline: attachment.inline,
            })
            .collect();
        let outcome = made.outcome();
        let inbound = row.settle(tx, outcome_of(mail, &outcome)).await?;
        let filing = MailFiling {
            inbound,
            ticket_id: Some(ticket_id),
            mail_id: mail.message_id.as_deref(),
            attachments: &attachments,
            acknowledge,
        };
        Ok(repo::file_mail(tx, filing).await?)
    }

    /// Our own mail came back. Either it is an alias verification that went round the customer's
    /// forward, carrying the code that only the mail sent to the alias had (which proves the
    /// forward: headers prove nothing, anyone can write them), or a loop to stop.
    async fn own_mail_returned(&self, tx: &mut TenantTx, mail: &InboundMail) -> Result<Ingested, AppError> {
        if let Some(mid) = &mail.message_id
            && let Some(out) = repo::outbound_by_message_id(tx, mid).await?
            && out.kind == "alias_verification"
        {
            let code = self.links.token(LinkPurpose::MailAlias, out.source_id);
            if mail.full_text.contains(&code) {
                repo::verify_alias(tx, out.source_id).await?;
                return Ok(Ingested::Ignored("the forwarding alias is verified".into()));
            }
            return Ok(Ingested::Quarantined(
                "an alias verification came back without its code: the alias stays unverified".into(),
            ));
        }
        Ok(Ingested::Ignored("our own outbound mail came back (a mail loop)".into()))
    }

    /// Sends one notification: renders and stores it the first time, then hands the stored
    /// message to the transport. A transient failure returns an error so the job retries; the
    /// same Message-ID goes out on every attempt, and a message marked sent is never sent again.
    pub async fn notify(&self, org: OrgId, job: &Job) -> anyhow::Result<()> {
        let payload: Notify = job.payload()?;
        let kind = payload.notice.as_str();
        let mut tx = self.db.system_in(org).await?;
        let settings = repo::settings(&mut tx).await?;
        // Demo tenants never send real mail: the message stays in the in-app outbox.
        let (row, stored_now) = match repo::lock_outbound(&mut tx, kind, payload.source_id).await? {
            Some(row) => (row, false),
            None => {
                let Some(mail) = self.compose(&mut tx, &payload, &settings).await? else {
                    ferrodesk_jobs::complete(&mut tx, job).await?;
                    tx.commit().await?;
                    return Ok(());
                };
                let recipients: Vec<String> = mail.recipients().cloned().collect();
                let stored = repo::insert_outbound(
                    &mut tx,
                    repo::NewOutbound {
                        ticket_id: payload.ticket_id.map(TicketId::from_uuid),
                        kind,
                        source_id: payload.source_id,
                        message_id: &mail.message_id,
                        recipients: &recipients,
                        mail: serde_json::to_value(&mail)?,
                        status: if settings.is_demo { "sent" } else { "sending" },
                        note: settings.is_demo.then_some(DEMO_OUTBOX),
                    },
                )
                .await?;
                match stored {
                    Some(row) => (row, true),
                    // Another attempt stored it first: send what it stored.
                    None => (
                        repo::lock_outbound(&mut tx, kind, payload.source_id)
                            .await?
                            .ok_or_else(|| anyhow::anyhow!("outbound message vanished"))?,
                        false,
                    ),
                }
            }
        };
        if row.status == "sent" || row.status == "failed" {
            ferrodesk_jobs::complete(&mut tx, job).await?;
            tx.commit().await?;
            return Ok(());
        }
        if settings.is_demo {
            repo::set_outbound_status(&mut tx, row.id, "sent", Some(DEMO_OUTBOX)).await?;
            ferrodesk_jobs::complete(&mut tx, job).await?;
            tx.commit().await?;
            return Ok(());
        }
        let (rank, trialing) = repo::quota_rank(&mut tx, &row, self.quota.cap()).await?;
        if let Some(limit) = self.quota.limit(trialing).filter(|limit| rank > *limit) {
            // Held back, for good: a notice that goes out a day late misleads more than it helps.
            repo::set_outbound_status(&mut tx, row.id, "failed", Some(&over_quota(limit))).await?;
            ferrodesk_jobs::complete(&mut tx, job).await?;
            tx.commit().await?;
            return Ok(());
        }
        if !stored_now {
            repo::set_outbound_status(&mut tx, row.id, "sending", None).await?;
        }
        tx.commit().await?;
        let mail: OutboundMail = serde_json::from_value(row.mail)?;
        let result = self.send(&mail).await;
        let sent = Sent {
            org,
            outbound_id: row.id,
            ticket_id: row.ticket_id,
            recipients: &row.recipients,
            mail: &mail,
        };
        self.record_send(sent, job, result).await
    }

    /// Records how handing a stored message to the transport went, with the job's completion:
    /// sent; failed for good (with a `ticket.delivery_failed` event on its ticket); or queued
    /// again, returning an error so that the job retries.
    async fn record_send(
        &self,
        sent: Sent<'_>,
        job: &Job,
        result: Result<(), MailError>,
    ) -> anyhow::Result<()> {
        let mut tx = self.db.system_in(sent.org).await?;
        match result {
            Ok(()) => {
                repo::set_outbound_status(&mut tx, sent.outbound_id, "sent", None).await?;
                ferrodesk_jobs::complete(&mut tx, job).await?;
                tx.commit().await?;
                Ok(())
            }
            Err(MailError::Permanent(reason) | MailError::Compose(reason)) => {
                repo::set_outbound_status(&mut tx, sent.outbound_id, "failed", Some(&reason)).await?;
                if let Some(ticket_id) = sent.ticket_id {
                    events::append(
                        &mut tx,
                        events::NewEvent {
                            subject_type: "ticket",
                            subject_id: ticket_id,
                            action: "ticket.delivery_failed",
                            changes: json!({ "messageId": sent.mail.message_id, "recipients": sent.recipients, "diagnostic": reason }),
                        },
                    )
                    .await?;
                }
                ferrodesk_jobs::complete(&mut tx, job).await?;
                tx.commit().await?;
                Ok(())
            }
            Err(MailError::Transient(reason)) => {
                repo::set_outbound_status(&mut tx, sent.outbound_id, "queued", Some(&reason)).await?;
                tx.commit().await?;
                Err(anyhow::anyhow!("sending {} failed: {reason}", sent.mail.message_id))
            }
        }
    }

    /// Hands a message to the transport, with the secret its stored copy holds only as a
    /// placeholder filled in (docs/SECURITY.md §Identity).
    async fn send(&self, mail: &OutboundMail) -> Result<(), MailError> {
        match &mail.secret {
            None => self.transport.send(mail).await,
            Some(secret) => {
                let purpose = crate::auth::LinkPurpose::parse(&secret.purpose).ok_or_else(|| {
                    MailError::Compose(format!("unknown secret purpose {}", secret.purpose))
                })?;
                self.transport.send(&mail.with_secret(&self.links.secret(purpose, secret.id))).await
            }
        }
    }

    /// Hands a stored message to the transport, unless it already went out or failed for good.
    async fn send_stored(&self, index: usize, notice: repo::StoredNotice) -> Attempt {
        let mail = serde_json::from_value::<OutboundMail>(notice.mail.clone())
            .map_err(|e| format!("the stored message cannot be read: {e}"));
        let over = self.quota.limit(notice.trialing).filter(|limit| notice.quota_rank > *limit);
        let result = match (&mail, notice.status.as_str()) {
            // Sent or failed already (a job left over from a crash): only the job remains.
            (_, "sent" | "failed") => Ok(()),
            (_, _) if let Some(limit) = over => Err(MailError::Permanent(over_quota(limit))),
            (Ok(mail), _) => self.send(mail).await,
            (Err(e), _) => Err(MailError::Compose(e.clone())),
        };
        Attempt { index, notice, mail, result }
    }

    /// Composes and sends job `i` of a batch on its own.
    async fn notify_one(&self, jobs: &[Job], i: usize) -> (usize, anyhow::Result<()>) {
        let job = &jobs[i];
        let outcome = match job.org_id {
            Some(org) => self.notify(org, job).await,
            None => Err(anyhow::anyhow!("a notification needs an organisation")),
        };
        (i, outcome)
    }

    /// Sends a batch of notifications, in order of the jobs given; returns one outcome per job.
    /// Messages already stored (acknowledgements, stored with their ticket) go to the transport
    /// a few at a time, and all that went out are marked sent with their jobs completed in one
    /// statement for the batch, whatever organisations they belong to; a delivery that failed
    /// is recorded per message, and a notice not yet composed takes [`Self::notify`] on its own.
    pub async fn notify_batch(&self, jobs: &[Job]) -> Vec<anyhow::Result<()>> {
        let Some(worker) = jobs.first().map(Job::worker) else { return Vec::new() };
        let ids: Vec<Uuid> = jobs.iter().map(|j| j.id).collect();
        let stored = match repo::stored_notices(&self.db, worker, &ids, self.quota.cap()).await {
            Ok(stored) => stored,
            Err(error) => {
                let error = format!("{error}");
                return jobs
                    .iter()
                    .map(|_| Err(anyhow::anyhow!("reading stored notices: {error}")))
                    .collect();
            }
        };
        let mut stored: std::collections::HashMap<Uuid, repo::StoredNotice> =
            stored.into_iter().map(|n| (n.job_id, n)).collect();
        let to_send: Vec<(usize, repo::StoredNotice)> =
            jobs.iter().enumerate().filter_map(|(i, job)| stored.remove(&job.id).map(|n| (i, n))).collect();
        let sends = futures::stream::iter(to_send)
            .map(|(i, notice)| self.send_stored(i, notice))
            .buffer_unordered(SEND_CONCURRENCY)
            .collect::<Vec<_>>()
            .await;
        let mut outcomes: Vec<Option<anyhow::Result<()>>> = jobs.iter().map(|_| None).collect();
        let (went_out, refused): (Vec<Attempt>, Vec<Attempt>) =
            sends.into_iter().partition(|a| a.result.is_ok());
        let ids: Vec<Uuid> = went_out.iter().map(|a| jobs[a.index].id).collect();
        match repo::notices_sent(&self.db, worker, &ids).await {
            Ok(done) => {
                for a in &went_out {
                    if done.contains(&jobs[a.index].id) {
                        jobs[a.index].mark_completed();
                    }
                    outcomes[a.index] = Some(Ok(()));
                }
            }
            Err(error) => {
                // Sent, but not recorded: the retry sends the same bytes with the same Message-ID.
                for a in &went_out {
                    outcomes[a.index] = Some(Err(anyhow::anyhow!("recording sent notices: {error}")));
                }
            }
        }
        for Attempt { index, notice, mail, result } in refused {
            let Err(error) = result else { continue };
            outcomes[index] = Some(match &mail {
                Ok(mail) => {
                    let sent = Sent {
                        org: notice.org_id,
                        outbound_id: notice.outbound_id,
                        ticket_id: notice.ticket_id,
                        recipients: &notice.recipients,
                        mail,
                    };
                    self.record_send(sent, &jobs[index], Err(error)).await
                }
                // Unreadable as stored: retried, then parked as a dead job for an operator.
                Err(_) => Err(anyhow::anyhow!("{error}")),
            });
        }
        // Notices not stored yet (agent replies, status and billing mail) are composed first.
        let unsent: Vec<usize> = (0..jobs.len()).filter(|&i| outcomes[i].is_none()).collect();
        let rest = futures::stream::iter(unsent)
            .map(|i| self.notify_one(jobs, i))
            .buffer_unordered(SEND_CONCURRENCY)
            .collect::<Vec<_>>()
            .await;
        for (i, outcome) in rest {
            outcomes[i] = Some(outcome);
        }
        outcomes.into_iter().map(|o| o.unwrap_or_else(|| Err(anyhow::anyhow!("not sent")))).collect()
    }

    async fn compose(
        &self,
        tx: &mut TenantTx,
        payload: &Notify,
        settings: &repo::MailSettings,
    ) -> anyhow::Result<Option<OutboundMail>> {
        let domain = &self.inbound_domain;
        let (from_address, from_name) = self.sender_of(settings);
        let message_id = notice_message_id(payload.notice, payload.source_id, domain);
        let loop_tag = tx.org_id().to_string();
        if matches!(payload.notice, Notice::TrialEnding | Notice::PaymentFailed) {
            return self.compose_billing(tx, payload, settings, message_id, loop_tag).await;
        }
        if payload.notice == Notice::AliasVerification {
            let Some(alias) = repo::aliases(tx).await?.into_iter().find(|a| a.id == payload.source_id) else {
                return Ok(None);
            };
            let context = json!({
                "subject": format!("Verify forwarding for {}", alias.address),
                "alias": alias.address,
                "intake": from_address,
                "org_name": settings.name,
                "code": SECRET_PLACEHOLDER,
            });
            let body = self.templates.render(Template::AliasVerification, &context)?;
            return Ok(Some(OutboundMail {
                secret: Some(SecretRef { purpose: LinkPurpose::MailAlias.as_str().into(), id: alias.id }),
                ..OutboundMail::automatic(
                    message_id,
                    (from_address, from_name),
                    vec![alias.address.clone()],
                    format!("Verify forwarding for {}", alias.address),
                    loop_tag,
                    body,
                )
            }));
        }
        if payload.notice == Notice::Invitation {
            let Some(invitation) = ferrodesk_db::accounts::invitation_mail(tx, payload.source_id).await?
            else {
                return Ok(None);
            };
            let subject = format!("Join {} on Ferrodesk", settings.name);
            let context = json!({
                "subject": subject,
                "name": invitation.name,
                "inviter_name": invitation.inviter_name,
                "org_name": settings.name,
                "role_label": role_label(&invitation.role),
                "expires": invitation.expires_at.format("%-d %B %Y, %H:%M UTC").to_string(),
                "link": SECRET_PLACEHOLDER,
            });
            let body = self.templates.render(Template::Invitation, &context)?;
            return Ok(Some(OutboundMail {
                secret: Some(SecretRef {
                    purpose: LinkPurpose::Invitation.as_str().into(),
                    id: payload.source_id,
                }),
                ..OutboundMail::automatic(
                    message_id,
                    (format!("no-reply@{}", self.inbound_domain), format!("{} via Ferrodesk", settings.name)),
                    vec![invitation.email],
                    subject,
                    loop_tag,
                    body,
                )
            }));
        }
        let Some(ticket_id) = payload.ticket_id.map(TicketId::from_uuid) else { return Ok(None) };
        let Some(ticket) = repo::notice_ticket(tx, ticket_id).await? else { return Ok(None) };
        let Some(requester_email) = ticket.requester_email.clone() else { return Ok(None) };
        let mut to = vec![requester_email.clone()];
        let mut cc = Vec::new();
        let mut author_name = String::new();
        let mut body = String::new();
        match payload.notice {
            Notice::Acknowledgement => {
                if !self.may_acknowledge(tx, &requester_email).await? {
                    return Ok(None);
                }
            }
            Notice::Reply => {
                let Some(message) =
                    tickets_repo::message(tx, ferrodesk_domain::MessageId::from_uuid(payload.source_id))
                        .await?
                else {
                    return Ok(None);
                };
                if message.internal {
                    return Ok(None);
                }
                author_name = message.author_name.clone().unwrap_or_else(|| from_name.clone());
                body = message.body.clone();
                let author_email = message.author_email.clone().unwrap_or_default();
                cc = repo::participants(tx, ticket_id)
                    .await?
                    .into_iter()
                    .map(|p| p.email)
                    .filter(|e| *e != author_email && *e != requester_email)
                    .collect();
                if author_email == requester_email {
                    // The requester is the author (an agent's own ticket): the Cc list is the audience.
                    to = std::mem::take(&mut cc);
                    if to.is_empty() {
                        return Ok(None);
                    }
                }
            }
            Notice::Status
            | Notice::AliasVerification
            | Notice::TrialEnding
            | Notice::PaymentFailed
            | Notice::Invitation => {}
        }
        let notice =
            TicketNotice { notice: payload.notice, source_id: payload.source_id, to, cc, author_name, body };
        Ok(Some(self.render_ticket_notice(tx.org_id(), settings, &ticket, notice)?))
    }

    /// The organisation's sending address and name.
    fn sender_of(&self, settings: &repo::MailSettings) -> (String, String) {
        let address = format!("{}@{}", settings.slug, self.inbound_domain);
        let name = settings.from_name.clone().unwrap_or_else(|| format!("{} Support", settings.name));
        (address, name)
    }

    /// A notice about a ticket, rendered from what it says and how it threads. Needs no
    /// database: the acknowledgement is rendered inside the transaction that creates its ticket.
    fn render_ticket_notice(
        &self,
        org: OrgId,
        settings: &repo::MailSettings,
        ticket: &repo::NoticeTicket,
        n: TicketNotice,
    ) -> anyhow::Result<OutboundMail> {
        let domain = &self.inbound_domain;
        let (from_address, from_name) = self.sender_of(settings);
        let message_id = notice_message_id(n.notice, n.source_id, domain);
        let kind = ticket.kind.parse().unwrap_or(TicketKind::Incident);
        let number = ferrodesk_domain::TicketNumber { kind, number: ticket.number }.to_string();
        let (token, source) = (&ticket.reply_token, ticket.source_message_id.clone());
        let status = ticket.status.parse().unwrap_or(TicketStatus::Open);
        let prefix = if n.notice == Notice::Reply { "Re: " } else { "" };
        let subject = format!("{prefix}[{number}] {}", ticket.subject);
        let context = json!({
            "subject": subject,
            "ticket": { "number": number, "subject": ticket.subject },
            "requester_name": ticket.requester_name.clone().unwrap_or_default(),
            "org_name": settings.name,
            "author_name": n.author_name,
            "body": n.body,
            "signature": settings.signature,
            "portal_url": format!("{}/portal/tickets/{number}", self.public_url.trim_end_matches('/')),
            "response_due": ticket.response_due_at.map(|d| d.format("%a %-d %b %H:%M UTC").to_string()),
            "status": status.as_str(),
            "status_label": status_label(status),
        });
        let template = match n.notice {
            Notice::Acknowledgement => Template::Acknowledgement,
            Notice::Reply => Template::Reply,
            _ => Template::Status,
        };
        let (text, html) = self.templates.render(template, &context)?;
        Ok(OutboundMail {
            message_id,
            from_address,
            from_name,
            reply_to: Some(InboundAddress::reply_address(&settings.slug, token, domain)),
            to: n.to,
            cc: n.cc,
            subject,
            in_reply_to: source.clone(),
            references: source.into_iter().collect(),
            auto_submitted: match n.notice {
                Notice::Acknowledgement => Some("auto-replied".into()),
                Notice::Status => Some("auto-generated".into()),
                _ => None,
            },
            loop_tag: org.to_string(),
            text,
            html,
            secret: None,
        })
    }
}

impl MailService {
    /// Mails a link about a person's own account (job [`crate::jobs::AccountMail`]): confirming their
    /// address, setting a password, taking a new address; or a notice, to the address the account
    /// had, that its password or its address changed. Not an organisation's mail: nothing is
    /// stored but that it went, and a link is in the sent message only. A link already used,
    /// expired or sent is not mailed (again).
    pub async fn send_link_mail(&self, link_id: Uuid) -> anyhow::Result<()> {
        let mut conn = self.db.acquire().await?;
        let Some(link) = ferrodesk_db::accounts::link_mail(&mut conn, link_id).await? else {
            return Ok(());
        };
        conn.release();
        if link.used || link.sent || link.expires_at <= Utc::now() {
            return Ok(());
        }
        let subject = match (link.purpose.as_str(), &link.org_name) {
            ("confirm_email", _) => "Confirm your address for Ferrodesk".to_owned(),
            ("reset_password", Some(org)) => format!("You own {org} on Ferrodesk"),
            ("reset_password", None) => "Set a new Ferrodesk password".to_owned(),
            ("change_email", _) => "Confirm your new address for Ferrodesk".to_owned(),
            ("password_changed", _) => "Your Ferrodesk password was changed".to_owned(),
            ("email_changed", _) => "Your Ferrodesk account has a new address".to_owned(),
            (other, _) => anyhow::bail!("account mail of unknown purpose {other}"),
        };
        // Notices carry no link: they only tell.
        let secret = LinkPurpose::parse(&link.purpose).map(|purpose| self.links.secret(purpose, link_id));
        let context = json!({
            "subject": subject,
            "purpose": link.purpose,
            "email": link.email,
            "account_email": link.account_email,
            "org_name": link.org_name,
            "expires": link.expires_at.format("%-d %B %Y, %H:%M UTC").to_string(),
            "when": link.created_at.format("%-d %B %Y, %H:%M UTC").to_string(),
            "forgot_url": format!("{}/account/forgot", self.public_url.trim_end_matches('/')),
            "link": secret,
        });
        let body = self.templates.render(Template::Account, &context)?;
        let mail = OutboundMail::automatic(
            format!("account-{}.{link_id}@{}", link.purpose.replace('_', "-"), self.inbound_domain),
            (format!("no-reply@{}", self.inbound_domain), "Ferrodesk".into()),
            vec![link.email],
            subject,
            "account".into(),
            body,
        );
        match self.transport.send(&mail).await {
            Ok(()) | Err(MailError::Permanent(_) | MailError::Compose(_)) => {}
            Err(MailError::Transient(reason)) => {
                anyhow::bail!("sending {} failed: {reason}", mail.message_id)
            }
        }
        let mut conn = self.db.acquire().await?;
        ferrodesk_db::accounts::link_mail_sent(&mut conn, link_id).await?;
        conn.release();
        Ok(())
    }

    /// Billing mail goes to the owners, from a no-reply billing address (a reply must not open a
    /// ticket in the organisation's own help desk).
    async fn compose_billing(
        &self,
        tx: &mut TenantTx,
        payload: &Notify,
        settings: &repo::MailSettings,
        message_id: String,
        loop_tag: String,
    ) -> anyhow::Result<Option<OutboundMail>> {
        let owners = ferrodesk_db::billing::owners(tx).await?;
        let Some((_, owner_name)) = owners.first().cloned() else { return Ok(None) };
        let billing = ferrodesk_db::billing::state(tx).await?;
        let day = |d: Option<chrono::DateTime<Utc>>| d.map(|d| d.format("%-d %B %Y").to_string());
        let subject = match payload.notice {
            Notice::TrialEnding => format!("Your Ferrodesk trial for {} ends soon", settings.name),
            _ => format!("Payment failed for {}'s Ferrodesk subscription", settings.name),
        };
        let context = json!({
            "subject": subject,
            "notice": payload.notice.as_str(),
            "owner_name": owner_name,
            "org_name": settings.name,
            "trial_ends": day(billing.trial_ends_at),
            "grace_ends": day(billing.grace_ends_at),
            "billing_url": format!("{}/admin/billing", self.public_url.trim_end_matches('/')),
        });
        let body = self.templates.render(Template::Billing, &context)?;
        Ok(Some(OutboundMail::automatic(
            message_id,
            (format!("billing@{}", self.inbound_domain), "Ferrodesk Billing".into()),
            owners.into_iter().map(|(email, _)| email).collect(),
            subject,
            loop_tag,
            body,
        )))
    }
}

/// A new ticket's reply token, made here rather than by the database's default so that the
/// acknowledgement needs no read-back: 80 bits from the thread's cryptographic generator.
fn new_reply_token() -> String {
    let mut rng = rand::rng();
    ferrodesk_mail::reply_token(|| rng.random_range(0..32))
}

/// Why a message has no sender to make a ticket or reply for.
enum NoSender<'m> {
    /// Our own outbound mail came back.
    Ours,
    /// A delivery report about mail we sent.
    Bounce(&'m ferrodesk_mail::DeliveryFailure),
    /// Nothing more to look up: this is what becomes of it.
    Settled(Ingested),
}

/// Which ticket a message continues ([`MailService::thread`]).
enum Thread {
    /// None: a new ticket.
    None,
    /// This one, with proof that the sender knows it or is who they say.
    Proven(TicketId),
    /// It names this one, without proof: a new ticket, or quarantine, as the organisation chose.
    Unproven(TicketId),
}

/// Records on a ticket that mail from a staff member's address was taken as a requester's,
/// because their domain did not authenticate it.
async fn flag_unverified_staff(
    tx: &mut TenantTx,
    ticket_id: TicketId,
    email: &Email,
    auth: &MailAuth,
) -> Result<(), AppError> {
    tracing::warn!(ticket_id = %ticket_id, from = %email.as_str(), dmarc = %auth.dmarc,
                   "mail from a staff address without authentication, taken as a requester's");
    events::append(
        tx,
        events::NewEvent {
            subject_type: "ticket",
            subject_id: ticket_id.into_uuid(),
            action: "ticket.unverified_staff_mail",
            changes: json!({ "from": email.as_str(), "spf": auth.spf, "dkim": auth.dkim, "dmarc": auth.dmarc }),
        },
    )
    .await?;
    Ok(())
}

/// What a message made, filed with it (`MailService::file`).
#[derive(Clone, Copy)]
enum Made {
    Ticket(TicketId),
    /// A message on a ticket (the row in `ticket_messages`).
    Reply {
        ticket_id: TicketId,
        message_id: Uuid,
    },
}

impl Made {
    fn outcome(self) -> Ingested {
        match self {
            Self::Ticket(ticket_id) => Ingested::NewTicket(ticket_id),
            Self::Reply { ticket_id, .. } => Ingested::Reply(ticket_id),
        }
    }
}

/// A person a message names, as the organisation knows them (or the message as a duplicate).
enum Member {
    Active(Actor),
    Deactivated,
    Duplicate,
}

impl From<repo::MailPerson> for Member {
    fn from(person: repo::MailPerson) -> Self {
        match person {
            repo::MailPerson::Duplicate => Self::Duplicate,
            repo::MailPerson::Member { status, .. } if status != "active" => Self::Deactivated,
            repo::MailPerson::Member { user_id, role, .. } => {
                Self::Active(Actor { user_id, role: role.parse::<Role>().unwrap_or(Role::Requester) })
            }
        }
    }
}

/// A message being processed: stored already (the ingest job's retry), or only received, by
/// the intake's first try, whose row is written once, with its outcome.
enum Inbound<'a> {
    Stored(&'a InboundRaw),
    Received(Uuid, &'a Received<'a>),
}

impl<'a> Inbound<'a> {
    fn id(&self) -> Uuid {
        match self {
            Self::Stored(row) => row.id,
            Self::Received(id, _) => *id,
        }
    }

    fn mail_from(&self) -> &str {
        match self {
            Self::Stored(row) => &row.mail_from,
            Self::Received(_, received) => received.mail_from,
        }
    }

    fn rcpt_to(&self) -> &[String] {
        match self {
            Self::Stored(row) => &row.rcpt_to,
            Self::Received(_, received) => received.recipients,
        }
    }

    /// What the intake verified of the message's origin as it arrived.
    fn auth(&self) -> MailAuth {
        match self {
            Self::Received(_, received) => received.auth.clone(),
            Self::Stored(row) => row
                .auth
                .clone()
                .and_then(|v| serde_json::from_value(v).ok())
                .unwrap_or_else(|| MailAuth::unverified("stored without a verdict")),
        }
    }

    /// Writes the outcome on a stored row here; for a message only received, returns the row to
    /// insert with whatever else is filed in the same statement (`repo::file_mail`).
    async fn settle<'o>(
        &self,
        tx: &mut TenantTx,
        outcome: InboundOutcome<'o>,
    ) -> Result<Option<(NewInbound<'a>, InboundOutcome<'o>)>, DbError> {
        match *self {
            Self::Stored(row) => {
                repo::finish_inbound(tx, row.id, outcome).await?;
                Ok(None)
            }
            Self::Received(id, received) => {
                let new = NewInbound {
                    id,
                    mail_from: received.mail_from,
                    rcpt_to: received.recipients,
                    peer: received.peer,
                    raw: received.raw,
                    auth: serde_json::to_value(received.auth).ok(),
                };
                Ok(Some((new, outcome)))
            }
        }
    }
}

/// Writes what is known of a message: on its stored row, or as a new row with its bytes.
async fn record(
    tx: &mut TenantTx,
    inbound: &Inbound<'_>,
    outcome: InboundOutcome<'_>,
) -> Result<(), AppError> {
    if let Some(new) = inbound.settle(tx, outcome).await? {
        repo::file_mail(tx, MailFiling { inbound: Some(new), ..MailFiling::default() }).await?;
    }
    Ok(())
}

/// Records what processing did with a message.
async fn finish(
    tx: &mut TenantTx,
    inbound: &Inbound<'_>,
    mail: &InboundMail,
    outcome: &Ingested,
) -> Result<(), AppError> {
    record(tx, inbound, outcome_of(mail, outcome)).await
}

/// What the message's row records of its processing.
fn outcome_of<'m>(mail: &'m InboundMail, outcome: &'m Ingested) -> InboundOutcome<'m> {
    let (status, reason, ticket_id) = match outcome {
        Ingested::NewTicket(t) | Ingested::Reply(t) => ("processed", None, Some(*t)),
        Ingested::Duplicate => ("duplicate", Some("the same message was already processed"), None),
        Ingested::Ignored(reason) => ("ignored", Some(reason.as_str()), None),
        Ingested::Quarantined(reason) => ("quarantined", Some(reason.as_str()), None),
        Ingested::Nothing => ("processed", None, None),
    };
    InboundOutcome {
        status,
        reason,
        dedupe_key: Some(&mail.dedupe_key),
        message_id: mail.message_id.as_deref(),
        from_address: mail.from.as_ref().map(|f| f.address.as_str()),
        subject: Some(&mail.subject),
        ticket_id,
    }
}

/// Why a message was held back.
fn over_quota(limit: i64) -> String {
    format!("held back: the organisation's quota is {limit} emails in 24 hours")
}

/// A role as an invitation names it.
fn role_label(role: &str) -> &'static str {
    match role {
        "admin" => "an admin",
        "agent" => "an agent",
        "stakeholder" => "a stakeholder",
        _ => "a requester",
    }
}

fn status_label(status: TicketStatus) -> &'static str {
    match status {
        TicketStatus::New => "New",
        TicketStatus::Open => "Open",
        TicketStatus::Pending => "Pending",
        TicketStatus::Resolved => "Resolved",
        TicketStatus::Closed => "Closed",
    }
}

/// The text a reply shows: trimmed of history; a message with only attachments says so.
fn display_body(mail: &InboundMail) -> String {
    if !mail.text.trim().is_empty() {
        return mail.text.clone();
    }
    if mail.attachments.is_empty() {
        "(empty message)".to_owned()
    } else {
        let names: Vec<&str> = mail.attachments.iter().map(|a| a.filename.as_str()).collect();
        format!("(attachments only: {})", names.join(", "))
    }
}

/// A delivery report about one of our messages becomes an event on its ticket.
async fn bounce(tx: &mut TenantTx, failure: &ferrodesk_mail::DeliveryFailure) -> Result<Ingested, AppError> {
    let Some(original) = &failure.original_message_id else {
        return Ok(Ingested::Ignored("a delivery report that names no message".into()));
    };
    let Some(out) = repo::outbound_by_message_id(tx, original).await? else {
        return Ok(Ingested::Ignored("a delivery report about a message we did not send".into()));
    };
    repo::set_outbound_status(
        tx,
        out.id,
        "failed",
        failure.diagnostic.as_deref().or(failure.status.as_deref()),
    )
    .await?;
    let Some(ticket_id) = out.ticket_id else {
        return Ok(Ingested::Ignored("a delivery report about a message without a ticket".into()));
    };
    events::append(
        tx,
        events::NewEvent {
            subject_type: "ticket",
            subject_id: ticket_id,
            action: "ticket.delivery_failed",
            changes: json!({
                "messageId": original,
                "recipients": failure.recipients,
                "status": failure.status,
                "diagnostic": failure.diagnostic,
            }),
        },
    )
    .await?;
    Ok(Ingested::Reply(TicketId::from_uuid(ticket_id)))
}
