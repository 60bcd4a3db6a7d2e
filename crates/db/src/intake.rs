//! The intake's batches: plain new tickets from many organisations' mail, written by three
//! statements for the whole batch (migration `…06000005_intake_in_batches`, docs/email.md,
//! "Batches across organisations").
//!
//! A batch spans organisations, so it runs in a transaction with no tenant set
//! ([`Db::begin_system_hot`]) and only these definer functions write in it. Each row they write
//! carries the organisation its message's envelope was routed to, given beside the message.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use ferrodesk_domain::{OrgId, TicketId, UserId};
use serde_json::Value;
use uuid::Uuid;

use crate::mail::{MailPerson, MailSettings, NewInbound};
use crate::sla::SlaSetupRows;
use crate::tickets::{NewTicket, TicketRow};
use crate::{Db, DbError};

pub type BatchTx = crate::SystemTx;

/// One message's sender, as step 1 looks them up.
pub struct SenderIn<'a> {
    pub org_id: OrgId,
    pub email: &'a str,
    pub name: &'a str,
    pub dedupe_key: &'a str,
}

/// What step 1 found for one message.
#[derive(Debug)]
pub struct SenderOut {
    /// The sender as a member (a new sender's is an active requester), or that a message with this
    /// dedupe key was processed already in the organisation. `None`: no membership to read (one
    /// that an administrator removed between the insert and the read).
    pub person: Option<MailPerson>,
    /// Acknowledgements sent to the sender since the time asked about.
    pub acks_sent: i64,
    pub settings: MailSettings,
}

/// Step 1: locks the senders' acknowledgement keys and the organisations' page versions, adds new
/// people as requesters, and returns each message's sender and organisation, in order.
pub async fn senders(
    tx: &mut BatchTx,
    senders: &[SenderIn<'_>],
    acks_since: DateTime<Utc>,
) -> Result<Vec<SenderOut>, DbError> {
    let rows: Vec<SenderRow> = sqlx::query_as(
        "select duplicate, user_id, role, status, acks_sent, slug, name, is_demo, from_name, signature, \
         closed_reply, acknowledge, config_version from fd_intake_senders($1, $2, $3, $4, $5, $6)",
    )
    .bind(senders.iter().map(|s| s.org_id.into_uuid()).collect::<Vec<_>>())
    .bind(senders.iter().map(|_| UserId::generate().into_uuid()).collect::<Vec<_>>())
    .bind(senders.iter().map(|s| s.email).collect::<Vec<_>>())
    .bind(senders.iter().map(|s| s.name).collect::<Vec<_>>())
    .bind(senders.iter().map(|s| s.dedupe_key).collect::<Vec<_>>())
    .bind(acks_since)
    .fetch_all(&mut **tx)
    .await?;
    if rows.len() != senders.len() {
        return Err(DbError::Invariant("fd_intake_senders returned a row for each message"));
    }
    Ok(rows.into_iter().map(SenderRow::into_out).collect())
}

#[derive(sqlx::FromRow)]
struct SenderRow {
    duplicate: bool,
    user_id: Uuid,
    role: Option<String>,
    status: Option<String>,
    acks_sent: i64,
    slug: String,
    name: String,
    is_demo: bool,
    from_name: Option<String>,
    signature: Option<String>,
    closed_reply: String,
    acknowledge: bool,
    config_version: Option<i64>,
}

impl SenderRow {
    fn into_out(self) -> SenderOut {
        SenderOut {
            person: MailPerson::of(self.duplicate, Some(self.user_id), self.role, self.status).ok(),
            acks_sent: self.acks_sent,
            settings: MailSettings {
                slug: self.slug,
                name: self.name,
                is_demo: self.is_demo,
                from_name: self.from_name,
                signature: self.signature,
                closed_reply: self.closed_reply,
                acknowledge: self.acknowledge,
                config_version: self.config_version,
            },
        }
    }
}

/// The organisation's default department's SLA setup, as this process last read it under
/// `config_version`, or `None` when it has not (the single-message path reads and keeps it).
pub fn cached_sla(db: &Db, org_id: OrgId, config_version: i64) -> Option<Arc<SlaSetupRows>> {
    db.config_cache().sla((org_id, None), config_version)
}

/// A message's raw row, written as processed into its ticket.
pub struct RawIn<'a> {
    pub inbound: NewInbound<'a>,
    pub dedupe_key: &'a str,
    pub message_id: Option<&'a str>,
    pub from_address: &'a str,
    pub subject: &'a str,
}

/// An attachment of the message at `ticket` (its position in the batch's tickets), already in
/// the store.
pub struct FileIn<'a> {
    pub ticket: usize,
    pub filename: &'a str,
    pub content_type: &'a str,
    pub size_bytes: i64,
    pub sha256: &'a str,
    pub content_id: Option<&'a str>,
    pub inline: bool,
}

/// A ticket of the batch with the message that makes it.
pub struct TicketIn<'a> {
    pub org_id: OrgId,
    pub ticket: NewTicket<'a>,
    pub reply_token: &'a str,
    pub raw: RawIn<'a>,
}

/// Step 2: the raw rows, Message-IDs and attachments, then the tickets, numbered per
/// organisation in the order given, with their creation events. Returns the tickets as every
/// read projects them, in the order given.
pub async fn tickets(
    tx: &mut BatchTx,
    tickets: &[TicketIn<'_>],
    files: &[FileIn<'_>],
) -> Result<Vec<TicketRow>, DbError> {
    let each = |f: fn(&TicketIn<'_>) -> Option<DateTime<Utc>>| tickets.iter().map(f).collect::<Vec<_>>();
    let rcpt_to: Vec<&[String]> = tickets.iter().map(|t| t.raw.inbound.rcpt_to).collect();
    let rows: Vec<TicketRow> = sqlx::query_as(
        "select * from fd_intake_tickets($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, \
         $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33)",
    )
    .bind(tickets.iter().map(|t| t.org_id.into_uuid()).collect::<Vec<_>>())
    .bind(tickets.iter().map(|t| t.ticket.id.into_uuid()).collect::<Vec<_>>())
    .bind(tickets.iter().map(|t| t.ticket.subject).collect::<Vec<_>>())
    .bind(tickets.iter().map(|t| t.ticket.description).collect::<Vec<_>>())
    .bind(tickets.iter().map(|t| t.ticket.priority.level()).collect::<Vec<_>>())
    .bind(tickets.iter().map(|t| t.ticket.department_id.into_uuid()).collect::<Vec<_>>())
    .bind(tickets.iter().map(|t| t.ticket.requester_id.map(UserId::into_uuid)).collect::<Vec<_>>())
    .bind(tickets.iter().map(|_| Uuid::now_v7()).collect::<Vec<_>>())
    .bind(tickets.iter().map(|t| t.ticket.event_changes.clone()).collect::<Vec<Value>>())
    .bind(each(|t| t.ticket.sla.response_due_at))
    .bind(each(|t| t.ticket.sla.resolution_due_at))
    .bind(each(|t| t.ticket.sla.response_at_risk_at))
    .bind(each(|t| t.ticket.sla.resolution_at_risk_at))
    .bind(tickets.iter().map(|t| t.ticket.sla.paused).collect::<Vec<_>>())
    .bind(tickets.iter().map(|t| t.reply_token).collect::<Vec<_>>())
    .bind(tickets.iter().map(|t| t.raw.inbound.id).collect::<Vec<_>>())
    .bind(tickets.iter().map(|t| t.raw.inbound.mail_from).collect::<Vec<_>>())
    .bind(serde_json::to_value(&rcpt_to).map_err(|_| DbError::Invariant("recipients are JSON"))?)
    .bind(tickets.iter().map(|t| t.raw.inbound.peer).collect::<Vec<_>>())
    .bind(tickets.iter().map(|t| t.raw.inbound.raw).collect::<Vec<_>>())
    .bind(tickets.iter().map(|t| t.raw.dedupe_key).collect::<Vec<_>>())
    .bind(tickets.iter().map(|t| t.raw.message_id).collect::<Vec<_>>())
    .bind(tickets.iter().map(|t| t.raw.from_address).collect::<Vec<_>>())
    .bind(tickets.iter().map(|t| t.raw.subject).collect::<Vec<_>>())
    .bind(files.iter().map(|f| i32::try_from(f.ticket + 1).unwrap_or(i32::MAX)).collect::<Vec<_>>())
    .bind(files.iter().map(|_| Uuid::now_v7()).collect::<Vec<_>>())
    .bind(files.iter().map(|f| f.filename).collect::<Vec<_>>())
    .bind(files.iter().map(|f| f.content_type).collect::<Vec<_>>())
    .bind(files.iter().map(|f| f.size_bytes).collect::<Vec<_>>())
    .bind(files.iter().map(|f| f.sha256).collect::<Vec<_>>())
    .bind(files.iter().map(|f| f.content_id).collect::<Vec<_>>())
    .bind(files.iter().map(|f| f.inline).collect::<Vec<_>>())
    .bind(tickets.iter().map(|t| t.raw.inbound.auth.clone()).collect::<Vec<Option<Value>>>())
    .fetch_all(&mut **tx)
    .await?;
    // Back in the order given (the statement returns them as it inserted them, by organisation).
    let mut by_id: std::collections::HashMap<Uuid, TicketRow> = rows.into_iter().map(|r| (r.id, r)).collect();
    tickets
        .iter()
        .map(|t| by_id.remove(&t.ticket.id.into_uuid()))
        .collect::<Option<Vec<_>>>()
        .ok_or(DbError::Invariant("fd_intake_tickets returned each ticket"))
}

/// An acknowledgement composed for a ticket of the batch, and the job that sends it.
pub struct AckIn<'a> {
    pub org_id: OrgId,
    pub ticket_id: TicketId,
    /// The raw message it answers.
    pub source_id: Uuid,
    pub message_id: &'a str,
    pub recipients: &'a [String],
    pub mail: Value,
    pub job_kind: &'a str,
    pub job_payload: &'a Value,
    pub job_key: &'a str,
}

/// Step 3: the acknowledgements, queued, with their Message-IDs under their tickets and the jobs
/// that send them.
pub async fn acknowledgements(tx: &mut BatchTx, acks: &[AckIn<'_>]) -> Result<(), DbError> {
    if acks.is_empty() {
        return Ok(());
    }
    let recipients: Vec<&[String]> = acks.iter().map(|a| a.recipients).collect();
    sqlx::query("select fd_intake_acknowledgements($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)")
        .bind(acks.iter().map(|a| a.org_id.into_uuid()).collect::<Vec<_>>())
        .bind(acks.iter().map(|_| Uuid::now_v7()).collect::<Vec<_>>())
        .bind(acks.iter().map(|a| a.ticket_id.into_uuid()).collect::<Vec<_>>())
        .bind(acks.iter().map(|a| a.source_id).collect::<Vec<_>>())
        .bind(acks.iter().map(|a| a.message_id).collect::<Vec<_>>())
        .bind(serde_json::to_value(&recipients).map_err(|_| DbError::Invariant("recipients are JSON"))?)
        .bind(acks.iter().map(|a| a.mail.clone()).collect::<Vec<Value>>())
        .bind(acks.iter().map(|_| false).collect::<Vec<_>>())
        .bind(acks.iter().map(|_| None::<&str>).collect::<Vec<_>>())
        .bind(acks.iter().map(|_| Some(Uuid::now_v7())).collect::<Vec<_>>())
        .bind(acks.iter().map(|a| a.job_kind).collect::<Vec<_>>())
        .bind(acks.iter().map(|a| a.job_payload.clone()).collect::<Vec<Value>>())
        .bind(acks.iter().map(|a| a.job_key).collect::<Vec<_>>())
        .execute(&mut **tx)
        .await?;
    Ok(())
}
