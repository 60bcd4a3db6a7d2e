//! Tickets: the queue and a ticket by number, creating, updating and answering them, and what a
//! ticket shows (its SLA clock, conversation, attachments and audit trail).

use async_graphql::connection::Connection;
use async_graphql::{
    ComplexObject, Context, Enum, ID, InputObject, Json, MaybeUndefined, Object, SimpleObject,
};
use chrono::{DateTime, Utc};
use ferrodesk_core::AppError;
use ferrodesk_core::live::{ChangeKind, TicketChange};
use ferrodesk_core::tickets::{self as service, AddMessage, CreateTicket, UpdateTicket};
use ferrodesk_db::events;
use ferrodesk_db::events::EventRow;
use ferrodesk_db::tickets::{
    self as repo, MessageRow, TicketCursor, TicketFilter as DbFilter, TicketOrder as DbOrder,
    TicketOrderField as DbField, TicketRow,
};
use ferrodesk_domain::{CategoryId, Channel as DomainChannel, TagName, TicketId, TicketNumber, UserId};
use uuid::Uuid;

use super::accounts::{Person, User};
use super::classification::Category;
use super::{
    OrGql, app, decode_cursor, global_id, keyset_page, page_size, parse_global_id, principal, request, tenant,
};

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "ferrodesk_domain::TicketKind")]
pub enum TicketKind {
    Incident,
    ServiceRequest,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "ferrodesk_domain::TicketStatus")]
pub enum TicketStatus {
    New,
    Open,
    Pending,
    Resolved,
    Closed,
}

/// P1 critical, P2 high, P3 medium, P4 low.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "ferrodesk_domain::Priority")]
pub enum Priority {
    /// Critical: business stopped.
    P1,
    /// High: a team or key service degraded.
    P2,
    /// Medium: one person impaired (the default).
    P3,
    /// Low: an inconvenience or a question.
    P4,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "ferrodesk_domain::Impact")]
pub enum Impact {
    High,
    Medium,
    Low,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "ferrodesk_domain::Urgency")]
pub enum Urgency {
    High,
    Medium,
    Low,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "ferrodesk_domain::Channel")]
pub enum Channel {
    Web,
    Portal,
    Email,
    Api,
    Phone,
}

/// The SLA clock as of the ticket's last change (due times are null while paused or stopped).
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct TicketSla {
    pub response_due_at: Option<DateTime<Utc>>,
    pub resolution_due_at: Option<DateTime<Utc>>,
    pub response_breached: bool,
    pub resolution_breached: bool,
    /// When the response clock reaches 80% of its target.
    pub response_at_risk_at: Option<DateTime<Utc>>,
    /// When the resolution clock reaches 80% of its target.
    pub resolution_at_risk_at: Option<DateTime<Utc>>,
    /// The clocks stop while the ticket waits (on the requester, by default).
    pub paused: bool,
    #[graphql(skip)]
    pub ticket_id: Uuid,
    #[graphql(skip)]
    pub department_id: Uuid,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "ferrodesk_sla::clock::TimelineKind")]
pub enum SlaTimelineKind {
    Started,
    Paused,
    Resumed,
    Retargeted,
    HolidaySkipped,
    ResponseMet,
    ResponseDue,
    Resolved,
    Reopened,
    ResolutionDue,
    Breached,
}

#[derive(SimpleObject)]
pub struct SlaTimelineEntry {
    pub at: DateTime<Utc>,
    pub kind: SlaTimelineKind,
    /// Plain English, e.g. "paused: waiting on requester" or "holiday 2026-12-25 skipped".
    pub detail: String,
}

/// One clock (response or resolution), as of now.
#[derive(SimpleObject)]
pub struct SlaTargetState {
    pub target_minutes: i64,
    pub used_minutes: i64,
    /// Negative once breached.
    pub remaining_minutes: i64,
    pub due_at: Option<DateTime<Utc>>,
    pub at_risk_from: Option<DateTime<Utc>>,
    pub met_at: Option<DateTime<Utc>>,
    pub breached_at: Option<DateTime<Utc>>,
    pub at_risk: bool,
}

impl From<&ferrodesk_sla::clock::TargetState> for SlaTargetState {
    fn from(t: &ferrodesk_sla::clock::TargetState) -> Self {
        Self {
            target_minutes: t.target.num_minutes(),
            used_minutes: t.used.num_minutes(),
            remaining_minutes: t.remaining().num_minutes(),
            due_at: t.due_at,
            at_risk_from: t.at_risk_from,
            met_at: t.stopped_at,
            breached_at: t.breached_at,
            at_risk: t.at_risk,
        }
    }
}

/// Why the clock reads what it reads: derived from the ticket's history on request.
#[derive(SimpleObject)]
pub struct SlaExplanation {
    /// The targets in force, e.g. "P2".
    pub label: String,
    pub response: Option<SlaTargetState>,
    pub resolution: Option<SlaTargetState>,
    pub paused_since: Option<DateTime<Utc>>,
    pub pause_reason: Option<String>,
    pub timeline: Vec<SlaTimelineEntry>,
}

#[ComplexObject]
impl TicketSla {
    /// The clock explained ("started 09:12, paused 11:40–14:05 waiting on requester, holiday
    /// skipped, due 14:32"). Null when it cannot be derived, or for people who cannot read the
    /// ticket's history (requesters).
    #[graphql(complexity = "super::TX + child_complexity")]
    async fn explanation(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<SlaExplanation>> {
        Box::pin(async move {
            let mut tx = tenant(ctx).await?;
            let clock = ferrodesk_core::sla::clock(
                &mut tx,
                TicketId::from_uuid(self.ticket_id),
                ferrodesk_domain::DepartmentId::from_uuid(self.department_id),
            )
            .await
            .gql()?;
            tx.commit().await.gql()?;
            Ok(clock.map(|c| SlaExplanation {
                response: c.response.as_ref().map(Into::into),
                resolution: c.resolution.as_ref().map(Into::into),
                paused_since: c.paused.as_ref().map(|p| p.since),
                pause_reason: c.paused.as_ref().map(|p| p.reason.clone()),
                timeline: c
                    .timeline
                    .into_iter()
                    .map(|e| SlaTimelineEntry { at: e.at, kind: e.kind.into(), detail: e.detail })
                    .collect(),
                label: c.label,
            }))
        })
        .await
    }
}

pub struct Ticket(pub TicketRow);

// Resolvers that go to the database box their work (`Box::pin`). async-graphql boxes one future
// per selected field, and that future is as large as the largest resolver of the type: with the
// database work inline every `id` or `subject` of a 50-ticket page moved ~4.5 KB, and the
// copying was a sixth of the gateway's CPU on the agent queue. The same holds for `TicketSla`.
// (A plain comment: a doc comment here would become the type's description in the schema.)
#[Object]
impl Ticket {
    pub(super) async fn id(&self) -> ID {
        global_id("Ticket", self.0.id)
    }

    /// The human number, e.g. INC-1042.
    async fn number(&self) -> String {
        self.0.number().to_string()
    }

    async fn kind(&self) -> TicketKind {
        self.0.kind().into()
    }

    async fn subject(&self) -> &str {
        &self.0.subject
    }

    async fn description(&self) -> &str {
        &self.0.description
    }

    async fn status(&self) -> TicketStatus {
        self.0.status().into()
    }

    async fn priority(&self) -> Priority {
        self.0.priority().into()
    }

    async fn impact(&self) -> Option<Impact> {
        self.0.impact.as_deref().and_then(|i| i.parse::<ferrodesk_domain::Impact>().ok()).map(Into::into)
    }

    async fn urgency(&self) -> Option<Urgency> {
        self.0.urgency.as_deref().and_then(|u| u.parse::<ferrodesk_domain::Urgency>().ok()).map(Into::into)
    }

    async fn channel(&self) -> Channel {
        self.0.channel.parse::<ferrodesk_domain::Channel>().unwrap_or(ferrodesk_domain::Channel::Web).into()
    }

    async fn requester(&self) -> Option<Person> {
        let t = &self.0;
        Person::from_parts(t.requester_id, t.requester_name.clone(), t.requester_email.clone())
    }

    async fn assignee(&self) -> Option<User> {
        let t = &self.0;
        Some(User {
            id: global_id("User", t.assignee_id?),
            name: t.assignee_name.clone()?,
            email: t.assignee_email.clone()?,
            role: None,
            status: None,
        })
    }

    async fn category(&self) -> Option<Category> {
        let t = &self.0;
        Some(Category {
            id: global_id("Category", t.category_id?),
            name: t.category_name.clone()?,
            parent_id: t.category_parent_id.map(|p| global_id("Category", p)),
            department_id: global_id("Department", t.department_id),
            position: 0,
        })
    }

    async fn tags(&self) -> &[String] {
        &self.0.tags
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }

    async fn first_response_at(&self) -> Option<DateTime<Utc>> {
        self.0.first_response_at
    }

    async fn resolved_at(&self) -> Option<DateTime<Utc>> {
        self.0.resolved_at
    }

    async fn closed_at(&self) -> Option<DateTime<Utc>> {
        self.0.closed_at
    }

    async fn reopen_count(&self) -> i32 {
        self.0.reopen_count
    }

    async fn sla(&self) -> TicketSla {
        let (t, sla) = (&self.0, &self.0.sla);
        TicketSla {
            response_due_at: sla.response_due_at,
            resolution_due_at: sla.resolution_due_at,
            response_breached: sla.response_breached,
            resolution_breached: sla.resolution_breached,
            response_at_risk_at: sla.response_at_risk_at,
            resolution_at_risk_at: sla.resolution_at_risk_at,
            paused: sla.paused,
            ticket_id: t.id,
            department_id: t.department_id,
        }
    }

    /// The conversation, oldest first. Requesters and stakeholders never see internal notes.
    #[graphql(complexity = "super::TX + first.unwrap_or(50).max(1) as usize * child_complexity")]
    async fn messages(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, TicketMessage>> {
        Box::pin(async move {
            let limit = page_size(first, 50).gql()?;
            let cursor: Option<(DateTime<Utc>, Uuid)> = decode_cursor(after.as_deref()).gql()?;
            let mut tx = tenant(ctx).await?;
            let rows =
                repo::messages(&mut tx, TicketId::from_uuid(self.0.id), cursor, limit + 1).await.gql()?;
            tx.commit().await.gql()?;
            Ok(keyset_page(rows, limit, cursor.is_some(), |m| ((m.created_at, m.id), TicketMessage(m))))
        })
        .await
    }

    /// Files that came with the ticket and its messages (none of an internal note's for
    /// requesters).
    #[graphql(complexity = "super::TX + child_complexity")]
    async fn attachments(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Attachment>> {
        Box::pin(async move {
            let mut tx = tenant(ctx).await?;
            let rows =
                ferrodesk_db::mail::attachments(&mut tx, TicketId::from_uuid(self.0.id)).await.gql()?;
            tx.commit().await.gql()?;
            Ok(rows
                .into_iter()
                .map(|a| Attachment {
                    id: global_id("Attachment", a.id),
                    url: format!("/attachments/{}", a.id),
                    filename: a.filename,
                    content_type: a.content_type,
                    size_bytes: a.size_bytes,
                    sha256: a.sha256,
                    message_id: a.message_id.map(|m| global_id("TicketMessage", m)),
                    content_id: a.content_id,
                    inline: a.inline,
                    created_at: a.created_at,
                })
                .collect())
        })
        .await
    }

    /// What was verified of the origin of the mail that opened the ticket (staff only; null for
    /// tickets that did not come by mail).
    #[graphql(complexity = "super::TX + child_complexity")]
    async fn email_authentication(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<super::mail::MailAuthentication>> {
        let mut tx = tenant(ctx).await?;
        if !ferrodesk_core::role_of(&tx).is_staff() {
            return Ok(None);
        }
        let auth =
            ferrodesk_db::mail::ticket_source_auth(&mut tx, TicketId::from_uuid(self.0.id)).await.gql()?;
        tx.commit().await.gql()?;
        Ok(super::mail::MailAuthentication::from_json(auth.as_ref()))
    }

    /// The audit trail: every change, who made it and when.
    #[graphql(complexity = "super::TX + first.unwrap_or(50).max(1) as usize * child_complexity")]
    async fn events(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, AuditEvent>> {
        Box::pin(async move {
            let limit = page_size(first, 50).gql()?;
            let cursor: Option<(DateTime<Utc>, Uuid)> = decode_cursor(after.as_deref()).gql()?;
            let mut tx = tenant(ctx).await?;
            let rows =
                events::list_for_subject(&mut tx, "ticket", self.0.id, cursor, limit + 1).await.gql()?;
            tx.commit().await.gql()?;
            Ok(keyset_page(rows, limit, cursor.is_some(), |e| ((e.created_at, e.id), AuditEvent(e))))
        })
        .await
    }
}

pub struct TicketMessage(pub MessageRow);

#[Object]
impl TicketMessage {
    async fn id(&self) -> ID {
        global_id("TicketMessage", self.0.id)
    }

    async fn body(&self) -> &str {
        &self.0.body
    }

    /// An internal note (staff only) rather than a public reply.
    async fn internal(&self) -> bool {
        self.0.internal
    }

    async fn channel(&self) -> Channel {
        self.0.channel.parse::<ferrodesk_domain::Channel>().unwrap_or(ferrodesk_domain::Channel::Web).into()
    }

    async fn author(&self) -> Option<Person> {
        let m = &self.0;
        Person::from_parts(m.author_id, m.author_name.clone(), m.author_email.clone())
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// The sanitised HTML of a message that arrived by email with an HTML part.
    async fn body_html(&self) -> Option<&str> {
        self.0.body_html.as_deref()
    }

    /// The whole text as received, quoted history and signature included (`body` is trimmed).
    async fn original_body(&self) -> Option<&str> {
        self.0.original_body.as_deref()
    }

    /// How the message arrived by email; null for messages written in the app.
    async fn email(&self) -> Option<EmailMetadata> {
        let m = &self.0;
        Some(EmailMetadata {
            message_id: m.email_message_id.clone(),
            from: m.email_from.clone()?,
            to: m.email_to.clone().unwrap_or_default(),
            cc: m.email_cc.clone().unwrap_or_default(),
            authentication: super::mail::MailAuthentication::from_json(m.email_auth.as_ref()),
        })
    }
}

/// The envelope of a message that arrived by email.
#[derive(SimpleObject)]
pub struct EmailMetadata {
    pub message_id: Option<String>,
    pub from: String,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    /// Whether its sender's domain vouched for it (staff only; null for everyone else and for mail
    /// received before verification).
    pub authentication: Option<super::mail::MailAuthentication>,
}

/// A file that came with a ticket or one of its messages.
#[derive(SimpleObject)]
pub struct Attachment {
    pub id: ID,
    /// Where the signed-in caller downloads it (`GET`, with the session or bearer token).
    pub url: String,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    /// Content address (SHA-256) in the object store.
    pub sha256: String,
    /// The message it came with; null for the ticket's first email.
    pub message_id: Option<ID>,
    /// An inline image referenced from the HTML body as `cid:<contentId>`.
    pub content_id: Option<String>,
    pub inline: bool,
    pub created_at: DateTime<Utc>,
}

pub struct AuditEvent(pub EventRow);

#[Object]
impl AuditEvent {
    async fn id(&self) -> ID {
        global_id("AuditEvent", self.0.id)
    }

    /// What happened, e.g. `ticket.created`, `ticket.updated`, `ticket.note_added`.
    async fn action(&self) -> &str {
        &self.0.action
    }

    /// Who did it; null for the system.
    async fn actor(&self) -> Option<AuditActor> {
        Some(AuditActor { id: global_id("User", self.0.actor_id?), name: self.0.actor_name.clone() })
    }

    /// Field → `{ from, to }` for updates, or the details of the action.
    async fn changes(&self) -> Json<serde_json::Value> {
        Json(self.0.changes.clone())
    }

    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

#[derive(SimpleObject)]
pub struct AuditActor {
    pub id: ID,
    /// Null when the person is no longer visible in this organisation.
    pub name: Option<String>,
}

#[derive(InputObject, Default)]
pub struct TicketFilter {
    pub status: Option<Vec<TicketStatus>>,
    pub priority: Option<Vec<Priority>>,
    pub kind: Option<TicketKind>,
    pub assignee_id: Option<ID>,
    /// Only tickets nobody is assigned to.
    pub unassigned: Option<bool>,
    pub requester_id: Option<ID>,
    /// A top-level category also matches its subcategories.
    pub category_id: Option<ID>,
    pub tag: Option<String>,
    /// Words to find in the subject, description and conversation (each word matches as a
    /// prefix), or a ticket number such as INC-1042.
    pub search: Option<String>,
    /// Tickets whose response or resolution target is (true) or is not (false) breached.
    pub sla_breached: Option<bool>,
    /// Running clocks past 80% of a target and not yet breached.
    pub sla_at_risk: Option<bool>,
    /// Tickets whose resolution falls due before this instant.
    pub sla_due_before: Option<DateTime<Utc>>,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Default)]
pub enum TicketOrderField {
    #[default]
    Created,
    Updated,
    /// Priority, then age: the agent queue.
    Priority,
    /// Resolution due time, soonest first with ASC; tickets with no due time come last.
    SlaDue,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Default)]
pub enum OrderDirection {
    Asc,
    #[default]
    Desc,
}

#[derive(InputObject, Default)]
pub struct TicketOrder {
    #[graphql(default)]
    pub field: TicketOrderField,
    #[graphql(default)]
    pub direction: OrderDirection,
}

/// Tells the page cache whether a page of `rows` may be kept, and until when: not when the
/// filter compares with the clock or reads the conversation, and at most until the first due
/// instant on the page, when a breach flag on it turns (a clock already past its due instant but
/// read as running is not kept at all).
fn vouch_for_page(fill: &crate::page_cache::PageFill, filter: &DbFilter, rows: &[repo::TicketRow]) {
    if filter.search.is_some() || filter.sla_breached.is_some() || filter.sla_at_risk {
        return fill.refuse();
    }
    let turns = rows.iter().flat_map(|row| {
        let sla = &row.sla;
        [
            sla.response_due_at.filter(|_| !sla.response_breached),
            sla.resolution_due_at.filter(|_| !sla.resolution_breached),
        ]
    });
    fill.keep_until(turns.flatten().min());
}

fn to_db_filter(filter: TicketFilter) -> Result<DbFilter, AppError> {
    Ok(DbFilter {
        statuses: filter.status.unwrap_or_default().into_iter().map(Into::into).collect(),
        priorities: filter.priority.unwrap_or_default().into_iter().map(Into::into).collect(),
        kind: filter.kind.map(Into::into),
        sla_breached: filter.sla_breached,
        sla_at_risk: filter.sla_at_risk.unwrap_or(false),
        sla_due_before: filter.sla_due_before,
        assignee: filter
            .assignee_id
            .as_ref()
            .map(|id| parse_global_id("User", id).map(UserId::from_uuid))
            .transpose()?,
        unassigned: filter.unassigned.unwrap_or(false),
        requester: filter
            .requester_id
            .as_ref()
            .map(|id| parse_global_id("User", id).map(UserId::from_uuid))
            .transpose()?,
        category: filter
            .category_id
            .as_ref()
            .map(|id| parse_global_id("Category", id).map(CategoryId::from_uuid))
            .transpose()?,
        tag: filter.tag.as_deref().map(TagName::parse).transpose()?.map(|t| t.as_str().to_owned()),
        search: filter
            .search
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .map(|s| if s.chars().count() > 200 { s.chars().take(200).collect() } else { s }),
    })
}

#[derive(InputObject)]
pub struct CreateTicketInput {
    pub kind: TicketKind,
    pub subject: String,
    #[graphql(default)]
    pub description: String,
    /// Set directly, or derived from impact × urgency (default P3).
    pub priority: Option<Priority>,
    pub impact: Option<Impact>,
    pub urgency: Option<Urgency>,
    pub category_id: Option<ID>,
    /// On behalf of someone (agents): they become the requester, created if new.
    pub requester_email: Option<String>,
    pub requester_name: Option<String>,
    pub assignee_id: Option<ID>,
    pub tags: Option<Vec<String>>,
    pub channel: Option<Channel>,
}

#[derive(SimpleObject)]
pub struct CreateTicketPayload {
    pub ticket: Ticket,
}

#[derive(InputObject)]
pub struct UpdateTicketInput {
    pub id: ID,
    pub status: Option<TicketStatus>,
    pub priority: Option<Priority>,
    /// null unassigns.
    pub assignee_id: MaybeUndefined<ID>,
    /// null clears the category.
    pub category_id: MaybeUndefined<ID>,
    /// Replaces the tags.
    pub tags: Option<Vec<String>>,
}

#[derive(SimpleObject)]
pub struct UpdateTicketPayload {
    pub ticket: Ticket,
}

#[derive(InputObject)]
pub struct AddTicketMessageInput {
    pub ticket_id: ID,
    pub body: String,
    /// An internal note (staff only) instead of a public reply.
    pub internal: bool,
}

#[derive(SimpleObject)]
pub struct AddTicketMessagePayload {
    pub ticket: Ticket,
    pub message: TicketMessage,
}

fn optional_id<T>(
    type_name: &'static str,
    id: Option<&ID>,
    wrap: fn(uuid::Uuid) -> T,
) -> Result<Option<T>, AppError> {
    id.map(|id| parse_global_id(type_name, id).map(wrap)).transpose()
}

fn patch_id<T>(
    type_name: &'static str,
    id: &MaybeUndefined<ID>,
    wrap: fn(uuid::Uuid) -> T,
) -> Result<Option<Option<T>>, AppError> {
    Ok(match id {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(id) => Some(Some(wrap(parse_global_id(type_name, id)?))),
    })
}

#[derive(Default)]
pub struct TicketsQuery;

#[Object]
impl TicketsQuery {
    /// Tickets visible to the caller (requesters: their own), filtered and ordered, in pages.
    #[graphql(complexity = "first.unwrap_or(25).max(1) as usize * child_complexity")]
    async fn tickets(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<TicketFilter>,
        order_by: Option<TicketOrder>,
    ) -> async_graphql::Result<Connection<String, Ticket>> {
        let limit = page_size(first, 25).gql()?;
        let order = order_by.unwrap_or_default();
        let order = DbOrder {
            field: match order.field {
                TicketOrderField::Created => DbField::Created,
                TicketOrderField::Updated => DbField::Updated,
                TicketOrderField::Priority => DbField::Priority,
                TicketOrderField::SlaDue => DbField::SlaDue,
            },
            descending: order.direction == OrderDirection::Desc,
        };
        let cursor: Option<TicketCursor> = decode_cursor(after.as_deref()).gql()?;
        if order.field == DbField::Priority && cursor.as_ref().is_some_and(|c| c.priority.is_none()) {
            return Err(super::gql_error(AppError::bad_input(
                "after",
                "this cursor belongs to another ordering",
            )));
        }
        let filter = to_db_filter(filter.unwrap_or_default()).gql()?;
        let mut tx = tenant(ctx).await?;
        let rows = repo::list(&mut tx, &filter, order, cursor.as_ref(), limit + 1).await.gql()?;
        tx.commit().await.gql()?;
        if let Some(fill) = &request(ctx).page_fill {
            vouch_for_page(fill, &filter, &rows);
        }
        Ok(keyset_page(rows, limit, cursor.is_some(), |row| (TicketCursor::of(&row, order), Ticket(row))))
    }

    /// One ticket by its number, e.g. "INC-1042". Null when there is none visible to the caller.
    async fn ticket(&self, ctx: &Context<'_>, number: String) -> async_graphql::Result<Option<Ticket>> {
        let number = TicketNumber::parse(&number).gql()?;
        let mut tx = tenant(ctx).await?;
        let row = repo::by_number(&mut tx, number).await.gql()?;
        tx.commit().await.gql()?;
        Ok(row.map(Ticket))
    }
}

#[derive(Default)]
pub struct TicketsMutation;

#[Object]
impl TicketsMutation {
    async fn create_ticket(
        &self,
        ctx: &Context<'_>,
        input: CreateTicketInput,
    ) -> async_graphql::Result<CreateTicketPayload> {
        let category_id = optional_id("Category", input.category_id.as_ref(), CategoryId::from_uuid).gql()?;
        let assignee_id = optional_id("User", input.assignee_id.as_ref(), UserId::from_uuid).gql()?;
        let principal = principal(ctx)?;
        let row = service::create(
            &app(ctx).db,
            principal,
            CreateTicket {
                kind: input.kind.into(),
                subject: input.subject,
                description: input.description,
                priority: input.priority.map(Into::into),
                impact: input.impact.map(Into::into),
                urgency: input.urgency.map(Into::into),
                category_id,
                requester_email: input.requester_email,
                requester_name: input.requester_name,
                assignee_id,
                tags: input.tags.unwrap_or_default(),
                channel: input.channel.map_or(DomainChannel::Web, Into::into),
                source_inbound_id: None,
                follow_up_of: None,
            },
        )
        .await
        .gql()?;
        app(ctx).live.publish(principal.org_id, TicketChange::of(&row, ChangeKind::Created));
        Ok(CreateTicketPayload { ticket: Ticket(row) })
    }

    async fn update_ticket(
        &self,
        ctx: &Context<'_>,
        input: UpdateTicketInput,
    ) -> async_graphql::Result<UpdateTicketPayload> {
        let id = TicketId::from_uuid(parse_global_id("Ticket", &input.id).gql()?);
        let update = UpdateTicket {
            status: input.status.map(Into::into),
            priority: input.priority.map(Into::into),
            assignee_id: patch_id("User", &input.assignee_id, UserId::from_uuid).gql()?,
            category_id: patch_id("Category", &input.category_id, CategoryId::from_uuid).gql()?,
            tags: input.tags,
        };
        let mut tx = tenant(ctx).await?;
        let row = service::update_ticket(&mut tx, id, update).await.gql()?;
        let org = tx.org_id();
        tx.commit().await.gql()?;
        app(ctx).live.publish(org, TicketChange::of(&row, ChangeKind::Updated));
        Ok(UpdateTicketPayload { ticket: Ticket(row) })
    }

    /// A public reply (visible to the requester) or an internal note.
    async fn add_ticket_message(
        &self,
        ctx: &Context<'_>,
        input: AddTicketMessageInput,
    ) -> async_graphql::Result<AddTicketMessagePayload> {
        let ticket_id = TicketId::from_uuid(parse_global_id("Ticket", &input.ticket_id).gql()?);
        let mut tx = tenant(ctx).await?;
        let (ticket, message) = service::add_message(
            &mut tx,
            AddMessage {
                ticket_id,
                body: input.body,
                internal: input.internal,
                channel: DomainChannel::Web,
                email: None,
                reopen_closed: false,
                quota: app(ctx).mail_quota,
            },
        )
        .await
        .gql()?;
        let org = tx.org_id();
        tx.commit().await.gql()?;
        let change = TicketChange::of(&ticket, ChangeKind::Message);
        app(ctx).live.publish(org, if message.internal { change.staff_only() } else { change });
        Ok(AddTicketMessagePayload { ticket: Ticket(ticket), message: TicketMessage(message) })
    }
}
