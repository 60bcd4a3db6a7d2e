//! Mail rows: raw inbound messages, outbound messages, the Message-IDs that thread mail onto
//! tickets, people in Cc, attachments, forwarding aliases and the organisation's mail settings.

use chrono::{DateTime, Utc};
use ferrodesk_domain::{OrgId, TicketId, UserId};
use serde_json::Value;
use uuid::Uuid;

use crate::{Db, DbError, TenantTx};

/// The organisation an envelope recipient belongs to (`fd_route_inbound`), and whether it is a
/// demo tenant. `None` for an address nobody receives mail at.
pub async fn route(db: &Db, address: &str, inbound_domain: &str) -> Result<Option<(OrgId, bool)>, DbError> {
    let mut conn = db.acquire().await?;
    let row = sqlx::query!(
        r#"select org_id as "org_id!", is_demo as "is_demo!" from fd_route_inbound($1::text::citext, $2)"#,
        address,
        inbound_domain
    )
    .fetch_optional(&mut *conn)
    .await?;
    conn.release();
    Ok(row.map(|r| (OrgId::from_uuid(r.org_id), r.is_demo)))
}

pub struct NewInbound<'a> {
    pub id: Uuid,
    pub mail_from: &'a str,
    pub rcpt_to: &'a [String],
    pub peer: &'a str,
    pub raw: &'a [u8],
    /// The SPF, DKIM and DMARC verdict the intake reached as the message arrived.
    pub auth: Option<Value>,
}

/// What a message leaves behind besides its ticket or reply, written in one statement
/// ([`file_mail`]): where each part is `None` or empty, that part writes nothing.
#[derive(Default)]
pub struct MailFiling<'a> {
    /// The raw message, inserted once with its outcome (the intake's first try), or `None` when
    /// the row is stored already (the retry job updates it with [`finish_inbound`]).
    pub inbound: Option<(NewInbound<'a>, InboundOutcome<'a>)>,
    /// The ticket its Message-ID and attachments belong to.
    pub ticket_id: Option<TicketId>,
    /// The mail's Message-ID, filed under the ticket so that answers to it thread.
    pub mail_id: Option<&'a str>,
    /// Its attachments, already in the store (their `ticket_id` is the ticket's).
    pub attachments: &'a [NewAttachment<'a>],
    /// A new ticket's acknowledgement, if the per-sender limit allows it.
    pub acknowledge: Option<AckCheck<'a>>,
}

/// The per-sender acknowledgement limit (`fd_acknowledgements_since`, which locks the address to
/// the end of the transaction so that two workers cannot both pass), and the job that sends the
/// acknowledgement when it passes (`None`: nothing to send, the demo's outbox).
pub struct AckCheck<'a> {
    pub address: &'a str,
    pub since: DateTime<Utc>,
    pub limit: i64,
    pub job: Option<AckJob<'a>>,
}

/// A job row as `ferrodesk_jobs::enqueue` writes it (`on conflict do nothing` on its dedupe key).
pub struct AckJob<'a> {
    pub kind: &'a str,
    pub payload: &'a Value,
    pub dedupe_key: &'a str,
}

/// Writes a processed message's raw row with its outcome, its Message-ID and attachments under
/// its ticket, and decides and queues its acknowledgement, in one round trip where these took
/// four or more (docs/email.md, "One statement for the mail's rows"). Returns
/// whether the acknowledgement may go (false when none was asked for). As an ordinary statement
/// under the tenant's row security, it can write only the tenant's own rows. A raw row processed
/// in the transaction that received it gets `processed_at = received_at`; a retried one's is later.
pub async fn file_mail(tx: &mut TenantTx, f: MailFiling<'_>) -> Result<bool, DbError> {
    let org_id = tx.org_id();
    let (inbound, outcome) = match f.inbound {
        Some((m, o)) => (Some(m), Some(o)),
        None => (None, None),
    };
    let size = inbound.as_ref().map(|m| i32::try_from(m.raw.len()).unwrap_or(i32::MAX));
    let ack = f.acknowledge.as_ref();
    let job = ack.and_then(|a| a.job.as_ref());
    let files = f.attachments;
    // Columns of the attachments, one array each; `as _` where the macro would want owned
    // strings or non-null elements (these are borrowed, and a ticket's own have no message).
    let acknowledge = sqlx::query_scalar!(
        r#"with ack as (
               select fd_acknowledgements_since($1, $2, $3) < $4 as ok where $2::text is not null
           ), job as (
               insert into jobs (id, org_id, kind, payload, dedupe_key)
               select $5, $1, $6, $7, $8 from ack where ack.ok and $6::text is not null
               on conflict do nothing
           ), mail_id as (
               insert into ticket_mail_ids (org_id, message_id, ticket_id)
               select $1, $9, $10 where $9::text is not null and $10::uuid is not null
               on conflict do nothing
           ), files as (
               insert into attachments (org_id, id, ticket_id, message_id, filename, content_type, size_bytes,
                                        sha256, content_id, inline)
               select $1, a.id, a.ticket_id, a.message_id, a.filename, a.content_type, a.size_bytes, a.sha256,
                      a.content_id, a.inline
               from unnest($11::uuid[], $12::uuid[], $13::uuid[], $14::text[], $15::text[], $16::int8[],
                           $17::text[], $18::text[], $19::bool[])
                    as a(id, ticket_id, message_id, filename, content_type, size_bytes, sha256, content_id, inline)
           ), inbound as (
               insert into inbound_messages (org_id, id, mail_from, rcpt_to, peer, size_bytes, raw, status,
                                             reason, dedupe_key, message_id, from_address, subject, ticket_id,
                                             processed_at, auth)
               select $1, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32,
                      case when $26 <> 'received' then now() end, $33
               where $20::uuid is not null
           )
           select coalesce((select ok from ack), false) as "acknowledge!""#,
        org_id.as_uuid(),
        ack.map(|a| a.address),
        ack.map(|a| a.since),
        ack.map(|a| a.limit),
        Uuid::now_v7(),
        job.map(|j| j.kind),
        job.map(|j| j.payload),
        job.map(|j| j.dedupe_key),
        f.mail_id,
        f.ticket_id.map(TicketId::into_uuid),
        &files.iter().map(|_| Uuid::now_v7()).collect::<Vec<_>>(),
        &files.iter().map(|a| a.ticket_id.into_uuid()).collect::<Vec<_>>(),
        &files.iter().map(|a| a.message_id).collect::<Vec<_>>() as _,
        &files.iter().map(|a| a.filename).collect::<Vec<_>>() as _,
        &files.iter().map(|a| a.content_type).collect::<Vec<_>>() as _,
        &files.iter().map(|a| a.size_bytes).collect::<Vec<_>>(),
        &files.iter().map(|a| a.sha256).collect::<Vec<_>>() as _,
        &files.iter().map(|a| a.content_id).collect::<Vec<_>>() as _,
        &files.iter().map(|a| a.inline).collect::<Vec<_>>(),
        inbound.as_ref().map(|m| m.id),
        inbound.as_ref().map(|m| m.mail_from),
        inbound.as_ref().map(|m| m.rcpt_to),
        inbound.as_ref().map(|m| m.peer),
        size,
        inbound.as_ref().map(|m| m.raw),
        outcome.as_ref().map(|o| o.status),
        outcome.as_ref().and_then(|o| o.reason),
        outcome.as_ref().and_then(|o| o.dedupe_key),
        outcome.as_ref().and_then(|o| o.message_id),
        outcome.as_ref().and_then(|o| o.from_address),
        outcome.as_ref().and_then(|o| o.subject),
        outcome.as_ref().and_then(|o| o.ticket_id).map(TicketId::into_uuid),
        inbound.as_ref().and_then(|m| m.auth.as_ref())
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok(acknowledge)
}

pub struct InboundRaw {
    pub id: Uuid,
    pub status: String,
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    pub raw: Vec<u8>,
    pub auth: Option<Value>,
}

/// Locks an inbound message for processing.
pub async fn lock_inbound(tx: &mut TenantTx, id: Uuid) -> Result<Option<InboundRaw>, DbError> {
    let org_id = tx.org_id();
    Ok(sqlx::query_as!(
        InboundRaw,
        "select id, status, mail_from, rcpt_to, raw, auth from inbound_messages
         where org_id = $1 and id = $2 for update",
        org_id.as_uuid(),
        id
    )
    .fetch_optional(&mut **tx)
    .await?)
}

/// What processing learnt about an inbound message.
pub struct InboundOutcome<'a> {
    pub status: &'a str,
    pub reason: Option<&'a str>,
    pub dedupe_key: Option<&'a str>,
    pub message_id: Option<&'a str>,
    pub from_address: Option<&'a str>,
    pub subject: Option<&'a str>,
    pub ticket_id: Option<TicketId>,
}

impl<'a> InboundOutcome<'a> {
    /// Stored, not processed yet.
    pub const RECEIVED: InboundOutcome<'static> = InboundOutcome::status("received");

    /// An outcome that learnt nothing more about the message than its status.
    pub const fn status(status: &'a str) -> Self {
        Self {
            status,
            reason: None,
            dedupe_key: None,
            message_id: None,
            from_address: None,
            subject: None,
            ticket_id: None,
        }
    }
}

pub async fn finish_inbound(tx: &mut TenantTx, id: Uuid, o: InboundOutcome<'_>) -> Result<(), DbError> {
    let org_id = tx.org_id();
    sqlx::query!(
        "update inbound_messages
         set status = $3, reason = $4, dedupe_key = coalesce($5, dedupe_key), message_id = coalesce($6, message_id),
             from_address = coalesce($7, from_address), subject = coalesce($8, subject),
             ticket_id = coalesce($9, ticket_id), processed_at = now()
         where org_id = $1 and id = $2",
        org_id.as_uuid(),
        id,
        o.status,
        o.reason,
        o.dedupe_key,
        o.message_id,
        o.from_address,
        o.subject,
        o.ticket_id.map(TicketId::into_uuid)
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Whether a message with this key was already turned into a ticket or reply.
pub async fn already_processed(tx: &mut TenantTx, dedupe_key: &str) -> Result<bool, DbError> {
    let org_id = tx.org_id();
    Ok(sqlx::query_scalar!(
        r#"select exists (select 1 from inbound_messages
                          where org_id = $1 and dedupe_key = $2 and status = 'processed') as "exists!""#,
        org_id.as_uuid(),
        dedupe_key
    )
    .fetch_one(&mut **tx)
    .await?)
}

/// A mail's sender or Cc'd person as a member of the organisation, or that the message was
/// already processed.
#[derive(Debug)]
pub enum MailPerson {
    /// A message with the same dedupe key was already turned into a ticket or reply.
    Duplicate,
    Member {
        user_id: UserId,
        role: String,
        status: String,
    },
}

/// Finds or creates a Cc'd person and their membership (an active requester on first contact):
/// one round trip (`fd_mail_person`).
pub async fn mail_person(tx: &mut TenantTx, email: &str, name: &str) -> Result<MailPerson, DbError> {
    let org_id = tx.org_id();
    // The id a new person gets; unused when the address is known.
    let new_user_id = UserId::generate();
    let row = sqlx::query!(
        r#"select duplicate as "duplicate!", user_id, role, status
           from fd_mail_person($1, $2, $3::text::citext, $4, null)"#,
        org_id.as_uuid(),
        new_user_id.as_uuid(),
        email,
        name
    )
    .fetch_one(&mut **tx)
    .await?;
    MailPerson::of(row.duplicate, row.user_id, row.role, row.status)
}

impl MailPerson {
    pub(crate) fn of(
        duplicate: bool,
        user_id: Option<Uuid>,
        role: Option<String>,
        status: Option<String>,
    ) -> Result<Self, DbError> {
        match (duplicate, user_id, role, status) {
            (true, ..) => Ok(Self::Duplicate),
            (false, Some(user_id), Some(role), Some(status)) => {
                Ok(Self::Member { user_id: UserId::from_uuid(user_id), role, status })
            }
            // The membership was just found or made: only row security hiding it could get here.
            _ => Err(DbError::Sqlx(sqlx::Error::RowNotFound)),
        }
    }
}

/// What the intake needs to know before it decides what a message becomes.
pub struct MailSender {
    /// The sender as a member, or that the message was already processed.
    pub person: MailPerson,
    pub settings: MailSettings,
}

/// The message's sender (`fd_mail_person`: whether a message with this dedupe key was processed
/// already, else the person found or created with their membership), the organisation's mail
/// settings with its configuration version: one round trip where these took two. (The Message-ID
/// probe of threading stays a statement of its own: with the message's list of IDs in this one,
/// PostgreSQL would plan it again on every call, its custom plan for each list looking cheaper
/// than the generic one.)
pub async fn mail_sender(
    tx: &mut TenantTx,
    email: &str,
    name: &str,
    dedupe_key: &str,
) -> Result<MailSender, DbError> {
    let org_id = tx.org_id();
    let new_user_id = UserId::generate();
    let row = sqlx::query!(
        r#"select p.duplicate as "duplicate!", p.user_id, p.role, p.status,
                  o.slug, o.name, o.is_demo, o.mail_from_name as from_name, o.mail_signature as signature,
                  o.mail_closed_reply as closed_reply, o.mail_acknowledge as acknowledge,
                  (select v.version from config_versions v where v.org_id = o.id) as config_version
           from fd_mail_person($1, $2, $3::text::citext, $4, $5) p
           cross join organizations o
           where o.id = $1"#,
        org_id.as_uuid(),
        new_user_id.as_uuid(),
        email,
        name,
        dedupe_key
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok(MailSender {
        person: MailPerson::of(row.duplicate, row.user_id, row.role, row.status)?,
        settings: MailSettings {
            slug: row.slug,
            name: row.name,
            is_demo: row.is_demo,
            from_name: row.from_name,
            signature: row.signature,
            closed_reply: row.closed_reply,
            acknowledge: row.acknowledge,
            config_version: row.config_version,
        },
    })
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InboundSummary {
    pub id: Uuid,
    pub received_at: DateTime<Utc>,
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    pub size_bytes: i32,
    pub status: String,
    pub reason: Option<String>,
    pub message_id: Option<String>,
    pub from_address: Option<String>,
    pub subject: Option<String>,
    pub ticket_id: Option<Uuid>,
    pub auth: Option<Value>,
}

/// Inbound messages in one status, newest first, after the `(received_at, id)` cursor.
pub async fn inbound_by_status(
    tx: &mut TenantTx,
    status: &str,
    before: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<InboundSummary>, DbError> {
    let org_id = tx.org_id();
    let (before_at, before_id) = before.unzip();
    Ok(sqlx::query_as!(
        InboundSummary,
        "select id, received_at, mail_from, rcpt_to, size_bytes, status, reason, message_id, from_address,
                subject, ticket_id, auth
         from inbound_messages
         where org_id = $1 and status = $2
           and ($3::timestamptz is null or (received_at, id) < ($3, $4))
         order by received_at desc, id desc
         limit $5",
        org_id.as_uuid(),
        status,
        before_at,
        before_id,
        limit
    )
    .fetch_all(&mut **tx)
    .await?)
}

pub async fn inbound_summary(tx: &mut TenantTx, id: Uuid) -> Result<Option<InboundSummary>, DbError> {
    let org_id = tx.org_id();
    Ok(sqlx::query_as!(
        InboundSummary,
        "select id, received_at, mail_from, rcpt_to, size_bytes, status, reason, message_id, from_address,
                subject, ticket_id, auth
         from inbound_messages where org_id = $1 and id = $2",
        org_id.as_uuid(),
        id
    )
    .fetch_optional(&mut **tx)
    .await?)
}

/// Moves a quarantined message to `to` (`received` to process it again, `discarded`). False when
/// it is not in quarantine.
pub async fn leave_quarantine(tx: &mut TenantTx, id: Uuid, to: &str) -> Result<bool, DbError> {
    let org_id = tx.org_id();
    let changed = sqlx::query!(
        "update inbound_messages set status = $3, processed_at = case when $3 = 'discarded' then now() end
         where org_id = $1 and id = $2 and status = 'quarantined'",
        org_id.as_uuid(),
        id,
        to
    )
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(changed == 1)
}

/// The ticket that one of these Message-IDs belongs to (the first one, in the order given).
pub async fn ticket_by_mail_ids(tx: &mut TenantTx, ids: &[String]) -> Result<Option<TicketId>, DbError> {
    if ids.is_empty() {
        return Ok(None);
    }
    let org_id = tx.org_id();
    let id = sqlx::query_scalar!(
        "select m.ticket_id from unnest($2::text[]) with ordinality as r(message_id, n)
         join ticket_mail_ids m on m.org_id = $1 and m.message_id = r.message_id
         order by r.n limit 1",
        org_id.as_uuid(),
        ids
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(id.map(TicketId::from_uuid))
}

pub async fn ticket_by_reply_token(tx: &mut TenantTx, token: &str) -> Result<Option<TicketId>, DbError> {
    let org_id = tx.org_id();
    let id = sqlx::query_scalar!(
        "select id from tickets where org_id = $1 and reply_token = $2",
        org_id.as_uuid(),
        token
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(id.map(TicketId::from_uuid))
}

/// What a notification about a ticket says and how it threads, in one read: the ticket's number,
/// subject, status and response target, its requester, its reply token (every ticket has one
/// from its creation) and the Message-ID of the email that created it, if it came by email. Not
/// the description, which a notice never quotes and which is the bulk of a mailed-in ticket.
#[derive(Debug, Clone)]
pub struct NoticeTicket {
    pub kind: String,
    pub number: i32,
    pub subject: String,
    pub status: String,
    pub response_due_at: Option<DateTime<Utc>>,
    pub requester_name: Option<String>,
    pub requester_email: Option<String>,
    pub reply_token: String,
    pub source_message_id: Option<String>,
}

pub async fn notice_ticket(tx: &mut TenantTx, ticket_id: TicketId) -> Result<Option<NoticeTicket>, DbError> {
    let org_id = tx.org_id();
    Ok(sqlx::query_as!(
        NoticeTicket,
        r#"select t.kind, t.number, t.subject, t.status, t.response_due_at,
                  r.name as "requester_name?", r.email::text as "requester_email?",
                  t.reply_token, i.message_id as "source_message_id?"
           from tickets t
           left join memberships r on r.org_id = t.org_id and r.user_id = t.requester_id
           left join inbound_messages i on i.org_id = t.org_id and i.id = t.source_inbound_id
           where t.org_id = $1 and t.id = $2"#,
        org_id.as_uuid(),
        ticket_id.as_uuid()
    )
    .fetch_optional(&mut **tx)
    .await?)
}

/// The most recent ticket of the last 30 days, still open or not, whose subject matches and on
/// which `user_id` is the requester or in Cc.
pub async fn ticket_by_subject(
    tx: &mut TenantTx,
    normalized_subject: &str,
    user_id: UserId,
) -> Result<Option<TicketId>, DbError> {
    let org_id = tx.org_id();
    let id = sqlx::query_scalar!(
        r#"select t.id from tickets t
           where t.org_id = $1 and t.created_at > now() - interval '30 days'
             and (t.requester_id = $2 or exists (select 1 from ticket_participants p
                  where p.org_id = t.org_id and p.ticket_id = t.id and p.user_id = $2))
             and lower(regexp_replace(btrim(t.subject), '\s+', ' ', 'g')) = $3
           order by t.created_at desc limit 1"#,
        org_id.as_uuid(),
        user_id.as_uuid(),
        normalized_subject
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(id.map(TicketId::from_uuid))
}

pub async fn add_participant(
    tx: &mut TenantTx,
    ticket_id: TicketId,
    user_id: UserId,
) -> Result<bool, DbError> {
    let org_id = tx.org_id();
    let added = sqlx::query!(
        "insert into ticket_participants (org_id, ticket_id, user_id) values ($1, $2, $3) on conflict do nothing",
        org_id.as_uuid(),
        ticket_id.as_uuid(),
        user_id.as_uuid()
    )
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(added == 1)
}

#[derive(Debug, Clone)]
pub struct Person {
    pub id: Uuid,
    pub name: String,
    pub email: String,
}

/// The people in Cc on a ticket.
pub async fn participants(tx: &mut TenantTx, ticket_id: TicketId) -> Result<Vec<Person>, DbError> {
    let org_id = tx.org_id();
    Ok(sqlx::query_as!(
        Person,
        r#"select u.user_id as id, u.name, u.email::text as "email!" from ticket_participants p
           join memberships u on u.org_id = p.org_id and u.user_id = p.user_id
           where p.org_id = $1 and p.ticket_id = $2 order by p.created_at, u.email"#,
        org_id.as_uuid(),
        ticket_id.as_uuid()
    )
    .fetch_all(&mut **tx)
    .await?)
}

pub async fn is_participant(
    tx: &mut TenantTx,
    ticket_id: TicketId,
    user_id: UserId,
) -> Result<bool, DbError> {
    let org_id = tx.org_id();
    Ok(sqlx::query_scalar!(
        r#"select exists (select 1 from ticket_participants where org_id = $1 and ticket_id = $2 and user_id = $3) as "e!""#,
        org_id.as_uuid(),
        ticket_id.as_uuid(),
        user_id.as_uuid()
    )
    .fetch_one(&mut **tx)
    .await?)
}

pub struct NewAttachment<'a> {
    pub ticket_id: TicketId,
    pub message_id: Option<Uuid>,
    pub filename: &'a str,
    pub content_type: &'a str,
    pub size_bytes: i64,
    pub sha256: &'a str,
    pub content_id: Option<&'a str>,
    pub inline: bool,
}

pub async fn insert_attachment(tx: &mut TenantTx, a: NewAttachment<'_>) -> Result<Uuid, DbError> {
    let org_id = tx.org_id();
    let id = Uuid::now_v7();
    sqlx::query!(
        "insert into attachments (org_id, id, ticket_id, message_id, filename, content_type, size_bytes, sha256,
                                  content_id, inline)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        org_id.as_uuid(),
        id,
        a.ticket_id.as_uuid(),
        a.message_id,
        a.filename,
        a.content_type,
        a.size_bytes,
        a.sha256,
        a.content_id,
        a.inline
    )
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AttachmentRow {
    pub id: Uuid,
    pub ticket_id: Uuid,
    pub message_id: Option<Uuid>,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub content_id: Option<String>,
    pub inline: bool,
    pub created_at: DateTime<Utc>,
}

pub async fn attachments(tx: &mut TenantTx, ticket_id: TicketId) -> Result<Vec<AttachmentRow>, DbError> {
    let org_id = tx.org_id();
    Ok(sqlx::query_as!(
        AttachmentRow,
        "select id, ticket_id, message_id, filename, content_type, size_bytes, sha256, content_id, inline, created_at
         from attachments where org_id = $1 and ticket_id = $2 order by created_at, id",
        org_id.as_uuid(),
        ticket_id.as_uuid()
    )
    .fetch_all(&mut **tx)
    .await?)
}

/// One attachment, if the caller may see it (its ticket, and its message, under their policies).
pub async fn attachment(tx: &mut TenantTx, id: Uuid) -> Result<Option<AttachmentRow>, DbError> {
    let org_id = tx.org_id();
    Ok(sqlx::query_as!(
        AttachmentRow,
        "select id, ticket_id, message_id, filename, content_type, size_bytes, sha256, content_id, inline, created_at
         from attachments where org_id = $1 and id = $2",
        org_id.as_uuid(),
        id
    )
    .fetch_optional(&mut **tx)
    .await?)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboundRow {
    pub id: Uuid,
    pub ticket_id: Option<Uuid>,
    pub kind: String,
    pub source_id: Uuid,
    pub message_id: String,
    pub recipients: Vec<String>,
    pub mail: Value,
    pub status: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

pub struct NewOutbound<'a> {
    pub ticket_id: Option<TicketId>,
    pub kind: &'a str,
    pub source_id: Uuid,
    pub message_id: &'a str,
    pub recipients: &'a [String],
    pub mail: Value,
    /// What happens to it next: `queued` (a `mail.notify` job sends it), `sending` (this attempt
    /// sends it now; counts as an attempt) or `sent` (never leaves: the demo's outbox), with
    /// `note` as the reason.
    pub status: &'a str,
    pub note: Option<&'a str>,
}

/// Stores a composed message, once per kind and source, and files its Message-ID under its
/// ticket so that answers thread: `None` when another attempt stored it first (lock that one
/// with [`lock_outbound`]). Stored in the state it goes on in, so that the attempt that stores
/// it needs no second statement to claim it.
pub async fn insert_outbound(tx: &mut TenantTx, m: NewOutbound<'_>) -> Result<Option<OutboundRow>, DbError> {
    let org_id = tx.org_id();
    Ok(sqlx::query_as!(
        OutboundRow,
        r#"with o as (
               insert into outbound_messages (org_id, id, ticket_id, kind, source_id, message_id, recipients, mail,
                                              status, attempts, last_error, sent_at)
               values ($1, $2, $3, $4, $5, $6, $7, $8, $9, case when $9 = 'sending' then 1 else 0 end, $10,
                       case when $9 = 'sent' then now() end)
               on conflict do nothing
               returning id, ticket_id, kind, source_id, message_id, recipients, mail, status, attempts, last_error,
                         created_at, sent_at
           ), threaded as (
               insert into ticket_mail_ids (org_id, message_id, ticket_id)
               select $1, o.message_id, o.ticket_id from o where o.ticket_id is not null
               on conflict do nothing
           )
           select id as "id!", ticket_id, kind as "kind!", source_id as "source_id!", message_id as "message_id!",
                  recipients as "recipients!", mail as "mail!", status as "status!", attempts as "attempts!",
                  last_error, created_at as "created_at!", sent_at
           from o"#,
        org_id.as_uuid(),
        Uuid::now_v7(),
        m.ticket_id.map(TicketId::into_uuid),
        m.kind,
        m.source_id,
        m.message_id,
        m.recipients,
        m.mail,
        m.status,
        m.note
    )
    .fetch_optional(&mut **tx)
    .await?)
}

/// A claimed `mail.notify` job whose message is already stored (an acknowledgement, stored by
/// the transaction that created its ticket).
#[derive(Debug, Clone)]
pub struct StoredNotice {
    pub job_id: Uuid,
    pub org_id: OrgId,
    pub outbound_id: Uuid,
    pub ticket_id: Option<Uuid>,
    pub status: String,
    pub recipients: Vec<String>,
    pub mail: Value,
    /// How many of the organisation's messages of the last 24 hours were stored before this one,
    /// this one included (failures aside), and whether it is on its own free trial: what the
    /// outbound quota holds it to.
    pub quota_rank: i64,
    pub trialing: bool,
}

/// Where a stored message stands against its organisation's quota (see [`StoredNotice`]),
/// counted no further than `cap + 1`: `cap` is the largest quota that applies (`None`: none).
pub async fn quota_rank(
    tx: &mut TenantTx,
    outbound: &OutboundRow,
    cap: Option<i64>,
) -> Result<(i64, bool), DbError> {
    let org_id = tx.org_id();
    let row = sqlx::query!(
        r#"select fd_quota_rank($1, $2, $3, $4) as "rank!",
                  o.subscription_status = 'trialing' and o.stripe_subscription_id is null as "trialing!"
           from organizations o where o.id = $1"#,
        org_id.as_uuid(),
        outbound.created_at,
        outbound.id,
        cap
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok((row.rank, row.trialing))
}

/// Which of these jobs, held by `worker`, have their message stored: one statement for a batch
/// across organisations (`fd_stored_notices`). Quota ranks count no further than `cap + 1`.
pub async fn stored_notices(
    db: &Db,
    worker: &str,
    jobs: &[Uuid],
    cap: Option<i64>,
) -> Result<Vec<StoredNotice>, DbError> {
    let mut conn = db.acquire().await?;
    let rows = sqlx::query!(
        r#"select job_id as "job_id!", org_id as "org_id!", outbound_id as "outbound_id!", ticket_id,
                  status as "status!", recipients as "recipients!", mail as "mail!",
                  quota_rank as "quota_rank!", trialing as "trialing!"
           from fd_stored_notices($1, $2, $3)"#,
        worker,
        jobs,
        cap
    )
    .fetch_all(&mut *conn)
    .await?;
    conn.release();
    Ok(rows
        .into_iter()
        .map(|r| StoredNotice {
            job_id: r.job_id,
            org_id: OrgId::from_uuid(r.org_id),
            outbound_id: r.outbound_id,
            ticket_id: r.ticket_id,
            status: r.status,
            recipients: r.recipients,
            mail: r.mail,
            quota_rank: r.quota_rank,
            trialing: r.trialing,
        })
        .collect())
}

/// The messages of these jobs went out: marks each sent and deletes its job, in one statement
/// for the batch (`fd_notices_sent`). Returns the jobs it completed: not one whose lease
/// `worker` has lost.
pub async fn notices_sent(db: &Db, worker: &str, jobs: &[Uuid]) -> Result<Vec<Uuid>, DbError> {
    if jobs.is_empty() {
        return Ok(Vec::new());
    }
    let mut conn = db.acquire().await?;
    let done = sqlx::query_scalar!(r#"select id as "id!" from fd_notices_sent($1, $2) as id"#, worker, jobs)
        .fetch_all(&mut *conn)
        .await?;
    conn.release();
    Ok(done)
}

pub async fn lock_outbound(
    tx: &mut TenantTx,
    kind: &str,
    source_id: Uuid,
) -> Result<Option<OutboundRow>, DbError> {
    let org_id = tx.org_id();
    Ok(sqlx::query_as!(
        OutboundRow,
        "select id, ticket_id, kind, source_id, message_id, recipients, mail, status, attempts, last_error,
                created_at, sent_at
         from outbound_messages where org_id = $1 and kind = $2 and source_id = $3 for update",
        org_id.as_uuid(),
        kind,
        source_id
    )
    .fetch_optional(&mut **tx)
    .await?)
}

pub async fn outbound_by_message_id(
    tx: &mut TenantTx,
    message_id: &str,
) -> Result<Option<OutboundRow>, DbError> {
    let org_id = tx.org_id();
    Ok(sqlx::query_as!(
        OutboundRow,
        "select id, ticket_id, kind, source_id, message_id, recipients, mail, status, attempts, last_error,
                created_at, sent_at
         from outbound_messages where org_id = $1 and message_id = $2",
        org_id.as_uuid(),
        message_id
    )
    .fetch_optional(&mut **tx)
    .await?)
}

/// Outbound messages, newest first (the demo outbox and the admin's mail log).
pub async fn outbound_list(
    tx: &mut TenantTx,
    before: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<OutboundRow>, DbError> {
    let org_id = tx.org_id();
    let (before_at, before_id) = before.unzip();
    Ok(sqlx::query_as!(
        OutboundRow,
        "select id, ticket_id, kind, source_id, message_id, recipients, mail, status, attempts, last_error,
                created_at, sent_at
         from outbound_messages
         where org_id = $1 and ($2::timestamptz is null or (created_at, id) < ($2, $3))
         order by created_at desc, id desc limit $4",
        org_id.as_uuid(),
        before_at,
        before_id,
        limit
    )
    .fetch_all(&mut **tx)
    .await?)
}

pub async fn set_outbound_status(
    tx: &mut TenantTx,
    id: Uuid,
    status: &str,
    error: Option<&str>,
) -> Result<(), DbError> {
    let org_id = tx.org_id();
    sqlx::query!(
        "update outbound_messages
         set status = $3, last_error = $4,
             attempts = attempts + case when $3 = 'sending' then 1 else 0 end,
             sent_at = case when $3 = 'sent' then now() else sent_at end
         where org_id = $1 and id = $2",
        org_id.as_uuid(),
        id,
        status,
        error
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Acknowledgements sent to an address since `since`. Serialised per address with an advisory
/// lock held to the end of the transaction, so concurrent workers cannot both pass the limit.
pub async fn acknowledgements_since(
    tx: &mut TenantTx,
    address: &str,
    since: DateTime<Utc>,
) -> Result<i64, DbError> {
    let org_id = tx.org_id();
    Ok(sqlx::query_scalar!(
        r#"select fd_acknowledgements_since($1, $2, $3) as "n!""#,
        org_id.as_uuid(),
        address,
        since
    )
    .fetch_one(&mut **tx)
    .await?)
}

#[derive(Debug, Clone)]
pub struct MailSettings {
    pub slug: String,
    pub name: String,
    pub is_demo: bool,
    pub from_name: Option<String>,
    pub signature: Option<String>,
    pub closed_reply: String,
    pub acknowledge: bool,
    /// The organisation's configuration version as this read saw it (`None` before its first
    /// configuration change): lets a system transaction use the configuration cache.
    pub config_version: Option<i64>,
}

pub async fn settings(tx: &mut TenantTx) -> Result<MailSettings, DbError> {
    let org_id = tx.org_id();
    Ok(sqlx::query_as!(
        MailSettings,
        r#"select slug, name, is_demo, mail_from_name as from_name, mail_signature as signature,
                  mail_closed_reply as closed_reply, mail_acknowledge as acknowledge,
                  (select v.version from config_versions v where v.org_id = o.id) as config_version
           from organizations o where o.id = $1"#,
        org_id.as_uuid()
    )
    .fetch_one(&mut **tx)
    .await?)
}

pub async fn save_settings(tx: &mut TenantTx, s: &MailSettings) -> Result<(), DbError> {
    let org_id = tx.org_id();
    sqlx::query!(
        "update organizations set mail_from_name = $2, mail_signature = $3, mail_closed_reply = $4,
                                  mail_acknowledge = $5
         where id = $1",
        org_id.as_uuid(),
        s.from_name,
        s.signature,
        s.closed_reply,
        s.acknowledge
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The verdict on the mail that opened a ticket, if it came by mail.
pub async fn ticket_source_auth(tx: &mut TenantTx, ticket_id: TicketId) -> Result<Option<Value>, DbError> {
    let org_id = tx.org_id();
    Ok(sqlx::query_scalar!(
        "select i.auth from tickets t join inbound_messages i on i.org_id = t.org_id and i.id = t.source_inbound_id
         where t.org_id = $1 and t.id = $2",
        org_id.as_uuid(),
        ticket_id.as_uuid()
    )
    .fetch_optional(&mut **tx)
    .await?
    .flatten())
}

/// How much mail the organisation sent, or has queued, in the last 24 hours (failures aside):
/// its stored messages, and the notices whose jobs have not composed them yet. And whether it is
/// on its own free trial: what its outbound quota is measured against.
pub async fn quota_usage(tx: &mut TenantTx) -> Result<(i64, bool), DbError> {
    let org_id = tx.org_id();
    let row = sqlx::query!(
        r#"select (select count(*) from outbound_messages x
                   where x.org_id = o.id and x.created_at > now() - interval '24 hours' and x.status <> 'failed')
                  + (select count(*) from jobs j
                     where j.org_id = o.id and j.kind = 'mail.notify' and j.status in ('queued', 'running')
                       and not exists (select 1 from outbound_messages x
                                       where x.org_id = j.org_id and x.kind = j.payload ->> 'notice'
                                         and x.source_id = (j.payload ->> 'source_id')::uuid))
                      as "used!",
                  o.subscription_status = 'trialing' and o.stripe_subscription_id is null as "trialing!"
           from organizations o where o.id = $1"#,
        org_id.as_uuid()
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok((row.used, row.trialing))
}

/// What the organisation does with a message that claims to continue a ticket but proves
/// neither knowledge of it nor its sender: `new_ticket` or `quarantine`.
pub async fn unproven_replies(tx: &mut TenantTx) -> Result<String, DbError> {
    let org_id = tx.org_id();
    Ok(sqlx::query_scalar!("select mail_unproven_replies from organizations where id = $1", org_id.as_uuid())
        .fetch_one(&mut **tx)
        .await?)
}

pub async fn set_unproven_replies(tx: &mut TenantTx, value: &str) -> Result<(), DbError> {
    let org_id = tx.org_id();
    sqlx::query!(
        "update organizations set mail_unproven_replies = $2 where id = $1",
        org_id.as_uuid(),
        value
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AliasRow {
    pub id: Uuid,
    pub address: String,
    pub verified_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

pub async fn aliases(tx: &mut TenantTx) -> Result<Vec<AliasRow>, DbError> {
    let org_id = tx.org_id();
    Ok(sqlx::query_as!(
        AliasRow,
        r#"select id, address::text as "address!", verified_at, created_at
           from mail_aliases where org_id = $1 order by address"#,
        org_id.as_uuid()
    )
    .fetch_all(&mut **tx)
    .await?)
}

/// A new, unverified alias. Its code is derived from its id (`ferrodesk_core::auth::links`) and
/// exists only in the mail sent to the address.
pub async fn insert_alias(tx: &mut TenantTx, address: &str) -> Result<AliasRow, DbError> {
    let org_id = tx.org_id();
    Ok(sqlx::query_as!(
        AliasRow,
        r#"insert into mail_aliases (org_id, id, address) values ($1, $2, $3::text::citext)
           returning id, address::text as "address!", verified_at, created_at"#,
        org_id.as_uuid(),
        Uuid::now_v7(),
        address,
    )
    .fetch_one(&mut **tx)
    .await?)
}

pub async fn delete_alias(tx: &mut TenantTx, id: Uuid) -> Result<bool, DbError> {
    let org_id = tx.org_id();
    let n = sqlx::query!("delete from mail_aliases where org_id = $1 and id = $2", org_id.as_uuid(), id)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    Ok(n == 1)
}

/// Marks an alias verified. Fails with the `mail_aliases_verified_key` constraint when another
/// organisation already holds the address verified.
pub async fn verify_alias(tx: &mut TenantTx, id: Uuid) -> Result<bool, DbError> {
    let org_id = tx.org_id();
    let n = sqlx::query!(
        "update mail_aliases set verified_at = now() where org_id = $1 and id = $2 and verified_at is null",
        org_id.as_uuid(),
        id
    )
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(n == 1)
}
