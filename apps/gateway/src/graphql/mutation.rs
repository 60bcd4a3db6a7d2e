use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use chrono::{DateTime, Utc};
use ferrodesk_core::auth::RateLimit;
use ferrodesk_core::live::{ChangeKind, TicketChange};
use ferrodesk_core::tickets::{self as service, AddMessage, CreateTicket, UpdateTicket};
use ferrodesk_core::{AppError, Principal, accounts};
use ferrodesk_db::accounts as repo;
use ferrodesk_domain::{CategoryId, Channel as DomainChannel, TicketId, TokenId, UserId};

use super::query::ApiToken;
use super::types::{
    Channel, Impact, MemberRole, Organization, Priority, Ticket, TicketKind, TicketMessage, TicketStatus,
    User,
};
use super::{OrGql, app, gql_error, parse_global_id, principal, request, tenant};

const SIGN_UPS_PER_IP: RateLimit = RateLimit { max: 20, window_secs: 3600 };
/// Mailed tokens tried from one client address per hour (each is 256 bits: this only keeps
/// guessing from being free).
const LINKS_PER_IP: RateLimit = RateLimit { max: 30, window_secs: 3600 };

#[derive(Default)]
pub struct CoreMutation;

#[derive(InputObject)]
pub struct SignUpInput {
    pub organization_name: String,
    /// 3–40 lower-case letters, digits and hyphens: the organisation's address (`slug@…`).
    pub slug: String,
    pub name: String,
    pub email: String,
    /// At least 10 characters.
    pub password: String,
    /// IANA time zone, e.g. Europe/London. Default UTC.
    pub time_zone: Option<String>,
}

#[derive(InputObject)]
pub struct LogInInput {
    pub email: String,
    pub password: String,
    /// Needed when the person belongs to more than one organisation.
    pub organization_slug: Option<String>,
}

#[derive(SimpleObject)]
pub struct AuthPayload {
    /// A session token: send it as `Authorization: Bearer <token>` (browsers get a cookie too).
    pub token: String,
    pub viewer: User,
    pub organization: Organization,
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

use super::types::Urgency;

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

#[derive(InputObject)]
pub struct InviteMemberInput {
    pub email: String,
    pub name: String,
    pub role: MemberRole,
}

#[derive(InputObject)]
pub struct UpdateMemberInput {
    pub user_id: ID,
    /// Any role but owner.
    pub role: Option<MemberRole>,
    /// false deactivates (their sessions and tokens stop working at once; their history stays),
    /// true reactivates.
    pub active: Option<bool>,
}

/// An invitation on its way: its link goes by mail to the invitee, and only there.
#[derive(SimpleObject)]
pub struct Invitation {
    pub id: ID,
    pub email: String,
    pub role: MemberRole,
    pub expires_at: DateTime<Utc>,
}

#[derive(SimpleObject)]
pub struct InviteMemberPayload {
    pub invitation: Invitation,
}

#[derive(InputObject)]
pub struct AcceptInvitationInput {
    /// From the link in the invitation mail.
    pub token: String,
    /// What the organisation calls you (default: the name the invitation gave).
    pub name: Option<String>,
    /// A new password, or the existing one when the email already has a confirmed account.
    pub password: String,
}

#[derive(InputObject)]
pub struct ResetPasswordInput {
    /// From the link in the password-reset mail.
    pub token: String,
    /// The new password: at least 10 characters.
    pub password: String,
    /// The organisation to sign in to (default: your first).
    pub organization_slug: Option<String>,
}

#[derive(InputObject)]
pub struct ChangePasswordInput {
    pub current_password: String,
    pub new_password: String,
}

#[derive(InputObject)]
pub struct RequestEmailChangeInput {
    /// The address to move to: a link goes there, and the change happens when it is opened.
    pub new_email: String,
    /// Your current password.
    pub password: String,
}

#[derive(InputObject)]
pub struct UpdateProfileInput {
    /// What this organisation calls you (other organisations keep their own).
    pub name: String,
}

#[derive(InputObject)]
pub struct CreateApiTokenInput {
    pub name: String,
}

#[derive(SimpleObject)]
pub struct CreateApiTokenPayload {
    pub api_token: ApiToken,
    /// The secret. Shown once: store it now.
    pub token: String,
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

/// Starts a session for the principal: a token for API clients and a cookie for browsers.
async fn start_session(ctx: &Context<'_>, principal: Principal) -> async_graphql::Result<AuthPayload> {
    let token = app(ctx).sessions.create(principal).await.gql()?;
    signed_in(ctx, principal, token).await
}

/// The answer to a sign-in with a session already started: the cookie, and who and where.
pub(super) async fn signed_in(
    ctx: &Context<'_>,
    principal: Principal,
    token: String,
) -> async_graphql::Result<AuthPayload> {
    let state = app(ctx);
    let mut tx = ferrodesk_core::enter(&state.db, principal).await.gql()?;
    let viewer = repo::member(&mut tx, principal.user_id)
        .await
        .gql()?
        .ok_or_else(|| gql_error(AppError::Unauthenticated))?;
    let organization = repo::organization(&mut tx).await.gql()?;
    tx.commit().await.gql()?;
    let persistent = !ferrodesk_core::demo::is_demo(principal.org_id);
    request(ctx).set_session_cookie(Some(super::SessionCookie { token: token.clone(), persistent }));
    Ok(AuthPayload { token, viewer: viewer.into(), organization: organization.into() })
}

#[Object]
impl CoreMutation {
    /// Creates an organisation (with a 14-day trial) and its owner, and signs the owner in.
    async fn sign_up(&self, ctx: &Context<'_>, input: SignUpInput) -> async_graphql::Result<AuthPayload> {
        let state = app(ctx);
        state.limiter.hit(&format!("signup-ip:{}", request(ctx).client_ip), SIGN_UPS_PER_IP).await.gql()?;
        let principal = accounts::sign_up(
            &state.db,
            &state.links,
            accounts::SignUp {
                organization_name: &input.organization_name,
                slug: &input.slug,
                name: &input.name,
                email: &input.email,
                password: &input.password,
                time_zone: input.time_zone.as_deref(),
            },
        )
        .await
        .gql()?;
        start_session(ctx, principal).await
    }

    async fn log_in(&self, ctx: &Context<'_>, input: LogInInput) -> async_graphql::Result<AuthPayload> {
        let state = app(ctx);
        let principal = accounts::log_in(
            &state.db,
            &state.limiter,
            accounts::LogIn {
                email: &input.email,
                password: &input.password,
                organization_slug: input.organization_slug.as_deref(),
                client_ip: &request(ctx).client_ip,
            },
        )
        .await
        .gql()?;
        start_session(ctx, principal).await
    }

    /// Ends the current session (its token stops working at once).
    async fn log_out(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        let req = request(ctx);
        if let Some(token) = &req.session_token {
            app(ctx).sessions.revoke(token).await.gql()?;
        }
        req.set_session_cookie(None);
        Ok(true)
    }

    /// Accepts an invitation with the token from its mail, and signs the person in.
    async fn accept_invitation(
        &self,
        ctx: &Context<'_>,
        input: AcceptInvitationInput,
    ) -> async_graphql::Result<AuthPayload> {
        let state = app(ctx);
        state.limiter.hit(&format!("link-ip:{}", request(ctx).client_ip), LINKS_PER_IP).await.gql()?;
        let principal = accounts::accept_invitation(
            &state.db,
            &state.sessions,
            &input.token,
            input.name.as_deref(),
            &input.password,
        )
        .await
        .gql()?;
        start_session(ctx, principal).await
    }

    /// Mails a single-use link that sets a new password, when the address has an account. Always
    /// true: the answer says nothing about whether it does.
    async fn request_password_reset(&self, ctx: &Context<'_>, email: String) -> async_graphql::Result<bool> {
        let state = app(ctx);
        accounts::request_password_reset(
            &state.db,
            &state.limiter,
            &state.links,
            &email,
            &request(ctx).client_ip,
        )
        .await
        .gql()?;
        Ok(true)
    }

    /// Sets a new password with the token from a reset mail, signs out every session of the
    /// person, and signs them in here.
    async fn reset_password(
        &self,
        ctx: &Context<'_>,
        input: ResetPasswordInput,
    ) -> async_graphql::Result<AuthPayload> {
        let state = app(ctx);
        state.limiter.hit(&format!("link-ip:{}", request(ctx).client_ip), LINKS_PER_IP).await.gql()?;
        let principal = accounts::reset_password(
            &state.db,
            &state.sessions,
            &input.token,
            &input.password,
            input.organization_slug.as_deref(),
        )
        .await
        .gql()?;
        start_session(ctx, principal).await
    }

    /// Confirms your address with the token from the mail sign-up sent.
    async fn confirm_email(&self, ctx: &Context<'_>, token: String) -> async_graphql::Result<bool> {
        let state = app(ctx);
        state.limiter.hit(&format!("link-ip:{}", request(ctx).client_ip), LINKS_PER_IP).await.gql()?;
        accounts::confirm_email(&state.db, &token).await.gql()?;
        Ok(true)
    }

    /// A new password, for someone who knows the current one. Your other sessions end.
    async fn change_password(
        &self,
        ctx: &Context<'_>,
        input: ChangePasswordInput,
    ) -> async_graphql::Result<bool> {
        let state = app(ctx);
        let req = request(ctx);
        accounts::change_password(
            &state.db,
            &state.sessions,
            &state.limiter,
            principal(ctx)?,
            req.session_token.as_deref(),
            &input.current_password,
            &input.new_password,
        )
        .await
        .gql()?;
        Ok(true)
    }

    /// Mails a link to a new address; your account moves to it when the link is opened.
    async fn request_email_change(
        &self,
        ctx: &Context<'_>,
        input: RequestEmailChangeInput,
    ) -> async_graphql::Result<bool> {
        let state = app(ctx);
        accounts::request_email_change(
            &state.db,
            &state.limiter,
            &state.links,
            principal(ctx)?,
            &input.new_email,
            &input.password,
        )
        .await
        .gql()?;
        Ok(true)
    }

    /// Moves your account to the address the token was mailed to. Every session ends: sign in
    /// again with the new address.
    async fn confirm_email_change(&self, ctx: &Context<'_>, token: String) -> async_graphql::Result<bool> {
        let state = app(ctx);
        state.limiter.hit(&format!("link-ip:{}", request(ctx).client_ip), LINKS_PER_IP).await.gql()?;
        accounts::confirm_email_change(&state.db, &state.sessions, &token).await.gql()?;
        request(ctx).set_session_cookie(None);
        Ok(true)
    }

    /// What this organisation calls you.
    async fn update_profile(
        &self,
        ctx: &Context<'_>,
        input: UpdateProfileInput,
    ) -> async_graphql::Result<User> {
        let mut tx = tenant(ctx).await?;
        let member = accounts::update_profile(&mut tx, &input.name).await.gql()?;
        tx.commit().await.gql()?;
        Ok(member.into())
    }

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

    /// Invites a person (admins only): the acceptance link goes to their mailbox.
    async fn invite_member(
        &self,
        ctx: &Context<'_>,
        input: InviteMemberInput,
    ) -> async_graphql::Result<InviteMemberPayload> {
        let mut tx = tenant(ctx).await?;
        let invitation = accounts::invite_member(
            &mut tx,
            &app(ctx).links,
            app(ctx).mail_quota,
            &input.email,
            &input.name,
            input.role.into(),
        )
        .await
        .gql()?;
        tx.commit().await.gql()?;
        Ok(InviteMemberPayload {
            invitation: Invitation {
                id: super::global_id("Invitation", invitation.id),
                email: invitation.email.to_string(),
                role: invitation.role.into(),
                expires_at: invitation.expires_at,
            },
        })
    }

    /// Changes a member's role, or deactivates or reactivates them (admins only; not the owner,
    /// not yourself).
    async fn update_member(
        &self,
        ctx: &Context<'_>,
        input: UpdateMemberInput,
    ) -> async_graphql::Result<User> {
        let user_id = UserId::from_uuid(parse_global_id("User", &input.user_id).gql()?);
        let mut tx = tenant(ctx).await?;
        let change = accounts::MemberChange { role: input.role.map(Into::into), active: input.active };
        let member = accounts::update_member(&mut tx, user_id, change).await.gql()?;
        tx.commit().await.gql()?;
        Ok(member.into())
    }

    async fn create_api_token(
        &self,
        ctx: &Context<'_>,
        input: CreateApiTokenInput,
    ) -> async_graphql::Result<CreateApiTokenPayload> {
        let mut tx = tenant(ctx).await?;
        let created = accounts::create_api_token(&mut tx, &input.name).await.gql()?;
        tx.commit().await.gql()?;
        Ok(CreateApiTokenPayload { api_token: created.row.into(), token: created.token })
    }

    async fn revoke_api_token(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<bool> {
        let id = TokenId::from_uuid(parse_global_id("ApiToken", &id).gql()?);
        let mut tx = tenant(ctx).await?;
        accounts::revoke_api_token(&mut tx, id).await.gql()?;
        tx.commit().await.gql()?;
        Ok(true)
    }
}
