//! Email administration: the intake address and forwarding aliases, mail settings, the
//! quarantine of messages that could not be processed, the outbound mail log (the demo's outbox),
//! and dead jobs. Owners and admins only.

use async_graphql::connection::Connection;
use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use ferrodesk_core::mail::settings::{self as mail, UpdateMailSettings};
use ferrodesk_core::require_admin;
use ferrodesk_db::mail::{self as repo, AliasRow, InboundSummary, OutboundRow};
use uuid::Uuid;

use super::{OrGql, app, decode_cursor, global_id, keyset_page, page_size, parse_global_id, tenant};

/// What a reply to a closed ticket does.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum ClosedReply {
    /// Reopen the ticket.
    Reopen,
    /// Open a new ticket linked to the closed one.
    FollowUp,
}

impl ClosedReply {
    fn from_db(s: &str) -> Self {
        if s == "reopen" { Self::Reopen } else { Self::FollowUp }
    }

    fn as_db(self) -> &'static str {
        match self {
            Self::Reopen => "reopen",
            Self::FollowUp => "follow_up",
        }
    }
}

/// What happens to a message that claims to continue a ticket (its subject, or someone's
/// Message-ID on it) but neither answers our own mail nor is authenticated by its sender's domain.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum UnprovenReplies {
    /// It becomes a new ticket (its sender learns nothing of the ticket it named).
    NewTicket,
    /// It waits in quarantine for an admin.
    Quarantine,
}

impl UnprovenReplies {
    fn from_db(s: &str) -> Self {
        if s == "quarantine" { Self::Quarantine } else { Self::NewTicket }
    }

    fn as_db(self) -> &'static str {
        match self {
            Self::NewTicket => "new_ticket",
            Self::Quarantine => "quarantine",
        }
    }
}

/// How much mail the organisation sent in the last 24 hours, against its quota.
#[derive(SimpleObject)]
pub struct MailQuota {
    /// Messages stored to go out in the last 24 hours (failures aside).
    pub sent_last_24_hours: i64,
    /// The most allowed in 24 hours; null when there is no quota.
    pub limit: Option<i64>,
}

/// What the intake verified of a message's origin as it arrived (SPF, DKIM, DMARC).
#[derive(SimpleObject)]
pub struct MailAuthentication {
    /// The From domain authenticated the message (DMARC passed, with SPF or DKIM aligned with it).
    /// Only then may mail continue a ticket without answering our own, or act with staff rights.
    pub authenticated: bool,
    /// pass, fail, softfail, neutral, none, temperror or permerror.
    pub spf: String,
    /// pass, fail, none, temperror or permerror (the best of its signatures).
    pub dkim: String,
    /// pass, fail, none, temperror or permerror.
    pub dmarc: String,
    /// The From address's domain, as DMARC judged it.
    pub from_domain: String,
    /// The domain's published DMARC policy: none, quarantine or reject (empty without one).
    pub policy: String,
    /// The full verdict, as an Authentication-Results header would carry it.
    pub summary: String,
}

impl MailAuthentication {
    pub fn from_json(value: Option<&serde_json::Value>) -> Option<Self> {
        let auth: ferrodesk_mail::auth::MailAuth = serde_json::from_value(value?.clone()).ok()?;
        Some(Self {
            authenticated: auth.authenticated(),
            spf: auth.spf,
            dkim: auth.dkim,
            dmarc: auth.dmarc,
            from_domain: auth.from_domain,
            policy: auth.policy,
            summary: auth.summary,
        })
    }
}

#[derive(SimpleObject)]
pub struct MailAlias {
    pub id: ID,
    pub address: String,
    /// Null until the verification message has come back through the forward.
    pub verified_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl From<AliasRow> for MailAlias {
    fn from(a: AliasRow) -> Self {
        Self {
            id: global_id("MailAlias", a.id),
            address: a.address,
            verified_at: a.verified_at,
            created_at: a.created_at,
        }
    }
}

#[derive(SimpleObject)]
pub struct MailSetup {
    /// Where requesters (or a forward from the company's own address) send mail.
    pub intake_address: String,
    pub aliases: Vec<MailAlias>,
    /// Display name of outbound mail; null means "<organisation name> Support".
    pub from_name: Option<String>,
    pub signature: Option<String>,
    pub closed_reply: ClosedReply,
    /// Whether new tickets from email are acknowledged.
    pub acknowledge: bool,
    pub unproven_replies: UnprovenReplies,
    pub quota: MailQuota,
}

impl From<mail::MailSetup> for MailSetup {
    fn from(setup: mail::MailSetup) -> Self {
        Self {
            intake_address: setup.intake_address,
            aliases: setup.aliases.into_iter().map(Into::into).collect(),
            from_name: setup.settings.from_name,
            signature: setup.settings.signature,
            closed_reply: ClosedReply::from_db(&setup.settings.closed_reply),
            acknowledge: setup.settings.acknowledge,
            unproven_replies: UnprovenReplies::from_db(&setup.unproven_replies),
            quota: MailQuota { sent_last_24_hours: setup.quota.used, limit: setup.quota.limit },
        }
    }
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum InboundStatus {
    Received,
    Processed,
    Duplicate,
    Ignored,
    Quarantined,
    Discarded,
}

impl InboundStatus {
    fn as_db(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::Processed => "processed",
            Self::Duplicate => "duplicate",
            Self::Ignored => "ignored",
            Self::Quarantined => "quarantined",
            Self::Discarded => "discarded",
        }
    }

    fn from_db(s: &str) -> Self {
        match s {
            "processed" => Self::Processed,
            "duplicate" => Self::Duplicate,
            "ignored" => Self::Ignored,
            "quarantined" => Self::Quarantined,
            "discarded" => Self::Discarded,
            _ => Self::Received,
        }
    }
}

#[derive(SimpleObject)]
pub struct InboundMessage {
    pub id: ID,
    pub received_at: DateTime<Utc>,
    /// The envelope sender; empty for the null sender (bounces).
    pub mail_from: String,
    pub recipients: Vec<String>,
    pub size_bytes: i32,
    pub status: InboundStatus,
    /// Why it was quarantined or ignored.
    pub reason: Option<String>,
    pub message_id: Option<String>,
    /// The From address.
    #[graphql(name = "from")]
    pub sender: Option<String>,
    pub subject: Option<String>,
    pub ticket_id: Option<ID>,
    /// What was verified of its origin as it arrived; null for mail stored before verification.
    pub authentication: Option<MailAuthentication>,
}

impl From<InboundSummary> for InboundMessage {
    fn from(m: InboundSummary) -> Self {
        Self {
            id: global_id("InboundMessage", m.id),
            received_at: m.received_at,
            mail_from: m.mail_from,
            recipients: m.rcpt_to,
            size_bytes: m.size_bytes,
            status: InboundStatus::from_db(&m.status),
            reason: m.reason,
            message_id: m.message_id,
            sender: m.from_address,
            subject: m.subject,
            ticket_id: m.ticket_id.map(|t| global_id("Ticket", t)),
            authentication: MailAuthentication::from_json(m.auth.as_ref()),
        }
    }
}

#[derive(SimpleObject)]
pub struct OutboundMessage {
    pub id: ID,
    /// ACKNOWLEDGEMENT, REPLY, STATUS or ALIAS_VERIFICATION, lower-case.
    pub kind: String,
    pub ticket_id: Option<ID>,
    pub message_id: String,
    pub recipients: Vec<String>,
    pub subject: String,
    pub text: String,
    /// queued, sending, sent or failed.
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

impl From<OutboundRow> for OutboundMessage {
    fn from(o: OutboundRow) -> Self {
        let field = |name: &str| o.mail.get(name).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
        Self {
            id: global_id("OutboundMessage", o.id),
            kind: o.kind.clone(),
            ticket_id: o.ticket_id.map(|t| global_id("Ticket", t)),
            message_id: o.message_id.clone(),
            recipients: o.recipients.clone(),
            subject: field("subject"),
            text: field("text"),
            status: o.status,
            attempts: o.attempts,
            last_error: o.last_error,
            created_at: o.created_at,
            sent_at: o.sent_at,
        }
    }
}

#[derive(Default)]
pub struct MailQuery;

#[Object]
impl MailQuery {
    /// The intake address, aliases and mail settings (owners and admins).
    async fn mail_setup(&self, ctx: &Context<'_>) -> async_graphql::Result<MailSetup> {
        let mut tx = tenant(ctx).await?;
        let setup = mail::setup(&mut tx, &app(ctx).inbound_domain, app(ctx).mail_quota).await.gql()?;
        tx.commit().await.gql()?;
        Ok(setup.into())
    }

    /// Inbound messages in one status, newest first: QUARANTINED is the quarantine.
    async fn inbound_messages(
        &self,
        ctx: &Context<'_>,
        status: InboundStatus,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, InboundMessage>> {
        let limit = page_size(first, 50).gql()?;
        let cursor: Option<(DateTime<Utc>, Uuid)> = decode_cursor(after.as_deref()).gql()?;
        let mut tx = tenant(ctx).await?;
        require_admin(&tx).gql()?;
        let rows = repo::inbound_by_status(&mut tx, status.as_db(), cursor, limit + 1).await.gql()?;
        tx.commit().await.gql()?;
        Ok(keyset_page(rows, limit, cursor.is_some(), |m| ((m.received_at, m.id), InboundMessage::from(m))))
    }

    /// Mail sent (or being sent) for this organisation, newest first. In the demo this is the
    /// outbox: nothing in it leaves the system.
    async fn outbound_messages(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, OutboundMessage>> {
        let limit = page_size(first, 50).gql()?;
        let cursor: Option<(DateTime<Utc>, Uuid)> = decode_cursor(after.as_deref()).gql()?;
        let mut tx = tenant(ctx).await?;
        require_admin(&tx).gql()?;
        let rows = repo::outbound_list(&mut tx, cursor, limit + 1).await.gql()?;
        tx.commit().await.gql()?;
        Ok(keyset_page(rows, limit, cursor.is_some(), |m| ((m.created_at, m.id), OutboundMessage::from(m))))
    }
}

#[derive(InputObject)]
pub struct UpdateMailSettingsInput {
    /// Empty string resets to "<organisation name> Support".
    pub from_name: Option<String>,
    /// Empty string removes the signature.
    pub signature: Option<String>,
    pub closed_reply: Option<ClosedReply>,
    pub acknowledge: Option<bool>,
    pub unproven_replies: Option<UnprovenReplies>,
}

#[derive(Default)]
pub struct MailMutation;

#[Object]
impl MailMutation {
    async fn update_mail_settings(
        &self,
        ctx: &Context<'_>,
        input: UpdateMailSettingsInput,
    ) -> async_graphql::Result<MailSetup> {
        let mut tx = tenant(ctx).await?;
        mail::update_settings(
            &mut tx,
            UpdateMailSettings {
                from_name: input.from_name.map(Some),
                signature: input.signature.map(Some),
                closed_reply: input.closed_reply.map(|c| c.as_db().to_owned()),
                acknowledge: input.acknowledge,
                unproven_replies: input.unproven_replies.map(|u| u.as_db().to_owned()),
            },
        )
        .await
        .gql()?;
        let setup = mail::setup(&mut tx, &app(ctx).inbound_domain, app(ctx).mail_quota).await.gql()?;
        tx.commit().await.gql()?;
        Ok(setup.into())
    }

    /// Adds a forwarding alias (e.g. support@yourcompany.com) and mails it a verification
    /// message; it routes mail once that message comes back through the forward.
    async fn add_mail_alias(&self, ctx: &Context<'_>, address: String) -> async_graphql::Result<MailAlias> {
        let mut tx = tenant(ctx).await?;
        let alias = mail::add_alias(&mut tx, &address, &app(ctx).inbound_domain).await.gql()?;
        tx.commit().await.gql()?;
        Ok(alias.into())
    }

    /// Verifies an alias with the code from its verification mail, when the forward does not
    /// bring that mail back as it was sent. Whoever has the code read the alias's mailbox.
    async fn verify_mail_alias(
        &self,
        ctx: &Context<'_>,
        id: ID,
        code: String,
    ) -> async_graphql::Result<MailAlias> {
        let id = parse_global_id("MailAlias", &id).gql()?;
        let mut tx = tenant(ctx).await?;
        let alias = mail::verify_alias_with_code(&mut tx, &app(ctx).links, id, &code).await.gql()?;
        tx.commit().await.gql()?;
        Ok(alias.into())
    }

    async fn remove_mail_alias(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<bool> {
        let id = parse_global_id("MailAlias", &id).gql()?;
        let mut tx = tenant(ctx).await?;
        mail::remove_alias(&mut tx, id).await.gql()?;
        tx.commit().await.gql()?;
        Ok(true)
    }

    /// Processes a quarantined message again.
    async fn release_inbound_message(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<InboundMessage> {
        leave_quarantine(ctx, &id, true).await
    }

    /// Discards a quarantined message (the raw message is kept).
    async fn discard_inbound_message(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<InboundMessage> {
        leave_quarantine(ctx, &id, false).await
    }
}

async fn leave_quarantine(
    ctx: &Context<'_>,
    id: &ID,
    release: bool,
) -> async_graphql::Result<InboundMessage> {
    let id = parse_global_id("InboundMessage", id).gql()?;
    let mut tx = tenant(ctx).await?;
    let message = mail::leave_quarantine(&mut tx, id, release).await.gql()?;
    tx.commit().await.gql()?;
    Ok(message.into())
}
