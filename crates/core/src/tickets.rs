//! Tickets: create, update, converse. Every change appends an audit event in the same transaction.

use ferrodesk_db::tickets::{self as repo, MessageEmail, NewMessage, NewTicket, TicketRow};
use ferrodesk_db::{Actor, Db, TenantTx, accounts, classification, events};
use ferrodesk_domain::{
    CategoryId, Channel, DepartmentId, Email, Impact, MessageId, PersonName, Priority, Role, Subject,
    TagName, TicketId, TicketKind, TicketStatus, Urgency, UserId,
};
use serde_json::{Map, Value, json};

use crate::sla::SlaSetup;
use crate::{AppError, Principal, require_staff, role_of};

const MAX_BODY_CHARS: usize = 100_000;

pub struct CreateTicket {
    pub kind: TicketKind,
    pub subject: String,
    pub description: String,
    pub priority: Option<Priority>,
    pub impact: Option<Impact>,
    pub urgency: Option<Urgency>,
    pub category_id: Option<CategoryId>,
    pub requester_email: Option<String>,
    pub requester_name: Option<String>,
    pub assignee_id: Option<UserId>,
    pub tags: Vec<String>,
    pub channel: Channel,
    /// The raw email that created the ticket, and the closed ticket it follows up.
    pub source_inbound_id: Option<uuid::Uuid>,
    pub follow_up_of: Option<TicketId>,
}

impl CreateTicket {
    /// An incident described by its subject and text alone, as a requester's mail gives it:
    /// everything else is left to the defaults and the SLA policy.
    pub fn incident(subject: String, description: String, channel: Channel) -> Self {
        Self {
            kind: TicketKind::Incident,
            subject,
            description,
            priority: None,
            impact: None,
            urgency: None,
            category_id: None,
            requester_email: None,
            requester_name: None,
            assignee_id: None,
            tags: Vec::new(),
            channel,
            source_inbound_id: None,
            follow_up_of: None,
        }
    }
}

fn check_body(field: &'static str, body: &str, allow_empty: bool) -> Result<(), AppError> {
    if !allow_empty && body.trim().is_empty() {
        return Err(AppError::bad_input(field, "write a message first"));
    }
    if body.chars().count() > MAX_BODY_CHARS {
        return Err(AppError::bad_input(field, format!("at most {MAX_BODY_CHARS} characters")));
    }
    Ok(())
}

/// An assignee must be an active agent, admin or owner of this organisation.
async fn check_assignee(tx: &mut TenantTx, user_id: UserId) -> Result<(), AppError> {
    let member = accounts::member(tx, user_id).await?;
    match member {
        Some(m) if m.status == "active" && m.role.parse::<Role>().is_ok_and(Role::is_staff) => Ok(()),
        Some(_) => {
            Err(AppError::bad_input("assigneeId", "tickets can be assigned to agents and admins only"))
        }
        None => Err(AppError::NotFound("assignee")),
    }
}

async fn department_of_category(tx: &mut TenantTx, id: CategoryId) -> Result<DepartmentId, AppError> {
    let category = classification::category(tx, id).await?.ok_or(AppError::NotFound("category"))?;
    let department = DepartmentId::from_uuid(category.department_id);
    tx.saw_category_in(id, department);
    Ok(department)
}

/// Creates a member's ticket, committed. When this process has seen all that the ticket is decided
/// from (the member's role, the department's SLA setup, the category's department), in one
/// autocommit statement that verifies it (`tickets::create_as_member`); otherwise, or when it has
/// changed, in a transaction that reads it afresh ([`create_ticket`]).
pub async fn create(db: &Db, principal: Principal, input: CreateTicket) -> Result<TicketRow, AppError> {
    if let Some(row) = create_in_one_statement(db, principal, &input).await? {
        metrics::counter!("ticket_creations_total", "path" => "one_statement").increment(1);
        return Ok(row);
    }
    let mut tx = crate::enter(db, principal).await?;
    tx.saw_member_role();
    let row = create_ticket(&mut tx, input).await?;
    tx.commit().await?;
    metrics::counter!("ticket_creations_total", "path" => "transaction").increment(1);
    Ok(row)
}

/// `None` when the one statement does not apply: something is not known yet or has changed, the
/// requester is someone to look up or create, or the input is refused (the transaction then
/// refuses it with the member's current role, in its own words).
async fn create_in_one_statement(
    db: &Db,
    principal: Principal,
    input: &CreateTicket,
) -> Result<Option<TicketRow>, AppError> {
    let Principal { org_id, user_id } = principal;
    let Some(assumed) = repo::assumed(db, org_id, user_id, input.category_id) else { return Ok(None) };
    let actor = Actor { user_id, role: assumed.role };
    let Ok(checked) = Checked::of(input) else { return Ok(None) };
    let Ok(Requester::Actor) = requester(actor, input, &checked) else { return Ok(None) };
    let sla = SlaSetup::from_rows(&assumed.sla)?;
    let new = plan(actor, actor.user_id, TicketId::generate(), input, &checked, &sla);
    Ok(repo::create_as_member(db, org_id, user_id, &assumed, new).await?)
}

pub async fn create_ticket(tx: &mut TenantTx, input: CreateTicket) -> Result<TicketRow, AppError> {
    create_ticket_with_id(tx, TicketId::generate(), input, None).await
}

/// Creates a ticket whose id the caller chose, so that rows pointing at it (deferred foreign
/// keys) can be written before it: the insert is then the last statement before commit. With a
/// `reply_token`, the ticket gets that one (the caller needs it before anyone could read it).
pub async fn create_ticket_with_id(
    tx: &mut TenantTx,
    id: TicketId,
    input: CreateTicket,
    reply_token: Option<&str>,
) -> Result<TicketRow, AppError> {
    let actor = tx.actor().ok_or(AppError::Unauthenticated)?;
    let checked = Checked::of(&input)?;
    let requester_id = match requester(actor, &input, &checked)? {
        Requester::Actor => actor.user_id,
        Requester::OnBehalfOf(email) => {
            crate::sandbox::Sandbox::of(tx.org_id()).check_new_person("requesterEmail", &email)?;
            let name = input
                .requester_name
                .as_deref()
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| email.as_str().split('@').next().unwrap_or("requester"))
                .to_owned();
            let name =
                PersonName::parse(&name).map_err(|e| AppError::bad_input("requesterName", e.message))?;
            let id = accounts::ensure_person(tx, &email).await?;
            accounts::insert_membership(tx, id, Role::Requester, "active", &name).await?;
            id
        }
    };
    if let Some(assignee) = input.assignee_id {
        check_assignee(tx, assignee).await?;
    }
    let department = match input.category_id {
        Some(category) => Some(department_of_category(tx, category).await?),
        None => None,
    };
    let sla = SlaSetup::load(tx, department).await?;
    let new = NewTicket { reply_token, ..plan(actor, requester_id, id, &input, &checked, &sla) };
    Ok(repo::insert(tx, new).await?)
}

/// The parts of a new ticket's input that are checked on their own.
pub(crate) struct Checked {
    subject: Subject,
    tags: Vec<String>,
}

impl Checked {
    pub(crate) fn of(input: &CreateTicket) -> Result<Self, AppError> {
        let subject = Subject::parse(&input.subject)?;
        check_body("description", &input.description, true)?;
        let tags = TagName::parse_list(&input.tags)?.iter().map(|t| t.as_str().to_owned()).collect();
        Ok(Self { subject, tags })
    }
}

/// Whose ticket it is.
enum Requester {
    /// The member creating it.
    Actor,
    /// Someone an agent creates it for: found, or added as a requester.
    OnBehalfOf(Email),
}

/// What the creator's role allows: stakeholders create nothing; requesters only describe impact
/// and urgency, for themselves; staff may create on someone's behalf.
fn requester(actor: Actor, input: &CreateTicket, checked: &Checked) -> Result<Requester, AppError> {
    match actor.role {
        Role::Stakeholder => Err(AppError::Forbidden("stakeholders can read tickets but not create them")),
        Role::Requester => {
            if input.priority.is_some()
                || input.assignee_id.is_some()
                || input.requester_email.is_some()
                || !checked.tags.is_empty()
            {
                return Err(AppError::Forbidden(
                    "requesters describe impact and urgency; agents set priority, assignee and tags",
                ));
            }
            Ok(Requester::Actor)
        }
        _ => match &input.requester_email {
            None => Ok(Requester::Actor),
            Some(raw) => Ok(Requester::OnBehalfOf(Email::parse_field("requesterEmail", raw)?)),
        },
    }
}

/// The ticket to insert: priority from impact × urgency unless set, the SLA clock started, the
/// channel a requester used, and the details of its creation event. No database access.
pub(crate) fn plan<'a>(
    actor: Actor,
    requester_id: UserId,
    id: TicketId,
    input: &'a CreateTicket,
    checked: &'a Checked,
    sla: &SlaSetup,
) -> NewTicket<'a> {
    let priority = input.priority.unwrap_or(match (input.impact, input.urgency) {
        (Some(i), Some(u)) => Priority::from_matrix(i, u),
        (Some(i), None) => Priority::from_matrix(i, Urgency::Medium),
        (None, Some(u)) => Priority::from_matrix(Impact::Medium, u),
        (None, None) => Priority::P3,
    });
    let status = if input.assignee_id.is_some() { TicketStatus::Open } else { TicketStatus::New };
    let clock = sla.start(priority, status, chrono::Utc::now());
    let channel = if actor.role == Role::Requester && input.channel == Channel::Web {
        Channel::Portal
    } else {
        input.channel
    };
    // The creation event is appended by the same statement that inserts the ticket.
    let event_changes = json!({
        "kind": input.kind, "subject": checked.subject, "status": status, "priority": priority.to_string(),
        "requester": requester_id, "assignee": input.assignee_id, "category": input.category_id,
        "tags": checked.tags, "channel": channel,
    });
    NewTicket {
        id,
        kind: input.kind,
        subject: checked.subject.as_str(),
        description: input.description.trim(),
        status,
        priority,
        impact: input.impact,
        urgency: input.urgency,
        channel,
        department_id: sla.department_id,
        category_id: input.category_id,
        requester_id: Some(requester_id),
        assignee_id: input.assignee_id,
        tags: &checked.tags,
        event_changes,
        sla: clock,
        source_inbound_id: input.source_inbound_id,
        follow_up_of: input.follow_up_of,
        reply_token: None,
    }
}

/// A field to change: absent leaves it alone, `Some(None)` clears it.
pub type Patch<T> = Option<Option<T>>;

#[derive(Default)]
pub struct UpdateTicket {
    pub status: Option<TicketStatus>,
    pub priority: Option<Priority>,
    pub assignee_id: Patch<UserId>,
    pub category_id: Patch<CategoryId>,
    pub tags: Option<Vec<String>>,
}

fn record<T: serde::Serialize + PartialEq>(changes: &mut Map<String, Value>, field: &str, from: &T, to: &T) {
    if from != to {
        changes.insert(field.to_owned(), json!({ "from": from, "to": to }));
    }
}

pub async fn update_ticket(
    tx: &mut TenantTx,
    id: TicketId,
    input: UpdateTicket,
) -> Result<TicketRow, AppError> {
    require_staff(tx).map_err(|_| AppError::Forbidden("only agents and admins can change tickets"))?;
    let before = repo::lock(tx, id).await?.ok_or(AppError::NotFound("ticket"))?;
    let mut after = before.clone();
    if let Some(status) = input.status {
        if status == TicketStatus::New && before.status != TicketStatus::New {
            return Err(AppError::bad_input("status", "a ticket cannot go back to New; reopen it as Open"));
        }
        after.status = status;
    }
    if let Some(priority) = input.priority {
        after.priority = priority;
    }
    if let Some(assignee) = input.assignee_id {
        if let Some(user) = assignee.filter(|u| before.assignee_id != Some(*u)) {
            check_assignee(tx, user).await?;
        }
        after.assignee_id = assignee;
        // Taking a new ticket starts work on it.
        if assignee.is_some() && after.status == TicketStatus::New && input.status.is_none() {
            after.status = TicketStatus::Open;
        }
    }
    if let Some(category) = input.category_id {
        if let Some(c) = category {
            department_of_category(tx, c).await?;
        }
        after.category_id = category;
    }
    if let Some(tags) = &input.tags {
        after.tags = TagName::parse_list(tags)?.iter().map(|t| t.as_str().to_owned()).collect();
    }

    let mut changes = Map::new();
    record(&mut changes, "status", &before.status, &after.status);
    record(&mut changes, "priority", &before.priority.to_string(), &after.priority.to_string());
    record(&mut changes, "assignee", &before.assignee_id, &after.assignee_id);
    record(&mut changes, "category", &before.category_id, &after.category_id);
    record(&mut changes, "tags", &before.tags, &after.tags);
    if !changes.is_empty() {
        repo::save_state(tx, &before, &after).await?;
        if !before.status.is_active() && after.status.is_active() {
            changes.insert("reopened".into(), Value::Bool(true));
        }
        let retimed = before.status != after.status || before.priority != after.priority;
        let event_id = events::append(
            tx,
            events::NewEvent {
                subject_type: "ticket",
                subject_id: id.into_uuid(),
                action: "ticket.updated",
                changes: Value::Object(changes),
            },
        )
        .await?;
        if retimed {
            crate::sla::refresh(tx, id, before.department_id).await?;
        }
        if before.status != after.status
            && matches!(after.status, TicketStatus::Resolved | TicketStatus::Closed)
        {
            crate::notices::queue_notification(tx, crate::notices::Notice::Status, id, event_id.into_uuid())
                .await?;
        }
    }
    repo::by_id(tx, id).await?.ok_or(AppError::NotFound("ticket"))
}

pub struct AddMessage {
    pub ticket_id: TicketId,
    pub body: String,
    pub internal: bool,
    pub channel: Channel,
    /// Set when the message arrived by email.
    pub email: Option<MessageEmail>,
    /// A requester's reply reopens a closed ticket (the organisation's email setting) instead of
    /// being refused.
    pub reopen_closed: bool,
    /// The organisation's outbound quota: a staff reply that would be mailed over it is refused.
    pub quota: crate::notices::MailQuota,
}

/// Adds a public reply or an internal note. A first public reply from staff records the first
/// response; a requester's reply brings a pending or resolved ticket back to Open.
pub async fn add_message(
    tx: &mut TenantTx,
    input: AddMessage,
) -> Result<(TicketRow, repo::MessageRow), AppError> {
    let actor = tx.actor().ok_or(AppError::Unauthenticated)?;
    check_body("body", &input.body, false)?;
    let role = role_of(tx);
    if role == Role::Stakeholder {
        return Err(AppError::Forbidden("stakeholders can read tickets but not reply"));
    }
    if input.internal && !role.is_staff() {
        return Err(AppError::Forbidden("internal notes are for agents and admins"));
    }
    let before = repo::lock(tx, input.ticket_id).await?.ok_or(AppError::NotFound("ticket"))?;
    let mut after = before.clone();
    if role.is_staff() {
        if !input.internal && before.first_response_at.is_none() {
            after.first_response_at = Some(chrono::Utc::now());
        }
        if !input.internal && before.status == TicketStatus::New {
            after.status = TicketStatus::Open;
        }
    } else {
        match before.status {
            TicketStatus::Pending | TicketStatus::Resolved => after.status = TicketStatus::Open,
            TicketStatus::Closed if input.reopen_closed => after.status = TicketStatus::Open,
            TicketStatus::Closed => {
                return Err(AppError::bad_input(
                    "ticketId",
                    "this ticket is closed; submit a new request instead",
                ));
            }
            TicketStatus::New | TicketStatus::Open => {}
        }
    }
    let message_id = MessageId::generate();
    let channel = if role == Role::Requester && input.channel == Channel::Web {
        Channel::Portal
    } else {
        input.channel
    };
    let body = input.body.trim();
    repo::insert_message(
        tx,
        NewMessage {
            id: message_id,
            ticket_id: input.ticket_id,
            author_id: Some(actor.user_id),
            internal: input.internal,
            body,
            channel,
            email: input.email.as_ref(),
        },
    )
    .await?;
    let mut changes = Map::new();
    changes.insert("messageId".into(), json!(message_id));
    changes.insert("internal".into(), json!(input.internal));
    changes.insert("staff".into(), json!(role.is_staff()));
    record(&mut changes, "status", &before.status, &after.status);
    if before.status != after.status || before.first_response_at != after.first_response_at {
        repo::save_state(tx, &before, &after).await?;
    }
    let action = if input.internal { "ticket.note_added" } else { "ticket.reply_added" };
    events::append(
        tx,
        events::NewEvent {
            subject_type: "ticket",
            subject_id: input.ticket_id.into_uuid(),
            action,
            changes: Value::Object(changes),
        },
    )
    .await?;
    if role.is_staff() && !input.internal {
        crate::notices::check_quota(tx, input.quota).await?;
        crate::notices::queue_notification(
            tx,
            crate::notices::Notice::Reply,
            input.ticket_id,
            message_id.into_uuid(),
        )
        .await?;
    }
    let first_response = role.is_staff() && !input.internal && before.first_response_at.is_none();
    if first_response || before.status != after.status {
        crate::sla::refresh(tx, input.ticket_id, before.department_id).await?;
    }
    let ticket = repo::by_id(tx, input.ticket_id).await?.ok_or(AppError::NotFound("ticket"))?;
    let message = repo::message(tx, message_id).await?.ok_or(AppError::NotFound("message"))?;
    Ok((ticket, message))
}
