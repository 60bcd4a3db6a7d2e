//! Output types and enums.

use async_graphql::connection::Connection;
use async_graphql::{ComplexObject, Context, Enum, ID, Interface, Json, Object, SimpleObject};
use chrono::{DateTime, Utc};
use ferrodesk_db::accounts::{MemberRow, OrganizationRow};
use ferrodesk_db::catalog::CategoryRow;
use ferrodesk_db::events::EventRow;
use ferrodesk_db::tickets::{MessageRow, TicketRow};
use ferrodesk_db::{catalog, events, tickets};
use ferrodesk_domain::TicketId;
use uuid::Uuid;

use super::{OrGql, decode_cursor, global_id, keyset_page, page_size, tenant};

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

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "ferrodesk_domain::Role")]
pub enum MemberRole {
    Owner,
    Admin,
    Agent,
    Stakeholder,
    Requester,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum MemberStatus {
    Active,
    Invited,
    Disabled,
}

#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID"))]
pub enum Node {
    Ticket(Box<Ticket>),
    Category(Category),
    User(User),
}

/// Someone who asked for help (or anyone referred to by a ticket).
#[derive(SimpleObject, Clone)]
pub struct Person {
    pub id: ID,
    pub name: String,
    pub email: String,
}

impl Person {
    fn from_parts(id: Option<Uuid>, name: Option<String>, email: Option<String>) -> Option<Self> {
        Some(Self { id: global_id("User", id?), name: name?, email: email? })
    }
}

/// A member of the organisation.
#[derive(SimpleObject, Clone)]
pub struct User {
    #[graphql(owned)]
    pub id: ID,
    pub name: String,
    pub email: String,
    /// The role in the current organisation, where known.
    pub role: Option<MemberRole>,
    pub status: Option<MemberStatus>,
}

impl From<MemberRow> for User {
    fn from(m: MemberRow) -> Self {
        Self {
            id: global_id("User", m.user_id),
            name: m.name,
            email: m.email,
            role: m.role.parse::<ferrodesk_domain::Role>().ok().map(Into::into),
            status: Some(match m.status.as_str() {
                "invited" => MemberStatus::Invited,
                "disabled" => MemberStatus::Disabled,
                _ => MemberStatus::Active,
            }),
        }
    }
}

#[derive(SimpleObject, Clone)]
pub struct Department {
    pub id: ID,
    pub name: String,
}

#[derive(SimpleObject, Clone)]
pub struct Category {
    #[graphql(owned)]
    pub id: ID,
    pub name: String,
    /// The top-level category of a subcategory.
    pub parent_id: Option<ID>,
    pub department_id: ID,
    pub position: i32,
}

impl From<CategoryRow> for Category {
    fn from(c: CategoryRow) -> Self {
        Self {
            id: global_id("Category", c.id),
            name: c.name,
            parent_id: c.parent_id.map(|p| global_id("Category", p)),
            department_id: global_id("Department", c.department_id),
            position: c.position,
        }
    }
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
    async fn id(&self) -> ID {
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
                tickets::messages(&mut tx, TicketId::from_uuid(self.0.id), cursor, limit + 1).await.gql()?;
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

#[derive(SimpleObject)]
#[graphql(complex)]
pub struct Organization {
    pub id: ID,
    pub slug: String,
    pub name: String,
    pub time_zone: String,
    pub is_demo: bool,
    pub created_at: DateTime<Utc>,
    pub subscription: super::billing::Subscription,
}

impl From<OrganizationRow> for Organization {
    fn from(o: OrganizationRow) -> Self {
        Self {
            subscription: super::billing::Subscription::from(&o),
            id: global_id("Organization", o.id),
            slug: o.slug,
            name: o.name,
            time_zone: o.time_zone,
            is_demo: o.is_demo,
            created_at: o.created_at,
        }
    }
}

#[ComplexObject]
impl Organization {
    /// The demo's own facts (when its data was generated, when it next resets); null outside the
    /// demo.
    #[graphql(complexity = "super::TX + child_complexity")]
    async fn demo(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<super::demo::DemoInfo>> {
        if !self.is_demo {
            return Ok(None);
        }
        super::demo::info(ctx).await
    }

    #[graphql(complexity = "super::TX + child_complexity")]
    async fn departments(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Department>> {
        let mut tx = tenant(ctx).await?;
        let rows = catalog::departments(&mut tx).await.gql()?;
        tx.commit().await.gql()?;
        Ok(rows.into_iter().map(|d| Department { id: global_id("Department", d.id), name: d.name }).collect())
    }

    /// All categories, top-level first; subcategories name their parent.
    #[graphql(complexity = "super::TX + child_complexity")]
    async fn categories(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Category>> {
        let mut tx = tenant(ctx).await?;
        let rows = catalog::categories(&mut tx).await.gql()?;
        tx.commit().await.gql()?;
        Ok(rows.into_iter().map(Category::from).collect())
    }
}
