//! People and their accounts: signing up and in (every session starts here), the links mailed to
//! prove an address, members and invitations, and personal API tokens.

use async_graphql::connection::Connection;
use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use ferrodesk_core::auth::RateLimit;
use ferrodesk_core::{AppError, Principal, accounts};
use ferrodesk_db::accounts::{self as repo, MemberRow};
use ferrodesk_domain::{Role, TokenId, UserId};
use uuid::Uuid;

use super::organization::Organization;
use super::{
    OrGql, app, decode_cursor, global_id, gql_error, keyset_page, page_size, parse_global_id, principal,
    request, tenant,
};

const SIGN_UPS_PER_IP: RateLimit = RateLimit { max: 20, window_secs: 3600 };
/// Mailed tokens tried from one client address per hour (each is 256 bits: this only keeps
/// guessing from being free).
const LINKS_PER_IP: RateLimit = RateLimit { max: 30, window_secs: 3600 };

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

/// Someone who asked for help (or anyone referred to by a ticket).
#[derive(SimpleObject, Clone)]
pub struct Person {
    pub id: ID,
    pub name: String,
    pub email: String,
}

impl Person {
    pub(super) fn from_parts(id: Option<Uuid>, name: Option<String>, email: Option<String>) -> Option<Self> {
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

/// A person's own account, the same in every organisation they belong to.
#[derive(SimpleObject)]
pub struct Account {
    pub email: String,
    /// Confirmed with the link mailed to it.
    pub email_confirmed: bool,
}

#[derive(SimpleObject)]
pub struct ApiToken {
    pub id: ID,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl From<repo::ApiTokenRow> for ApiToken {
    fn from(t: repo::ApiTokenRow) -> Self {
        Self {
            id: global_id("ApiToken", t.id),
            name: t.name,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
        }
    }
}

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
    let persistent = ferrodesk_core::sandbox::Sandbox::of(principal.org_id).keeps_sessions();
    request(ctx).set_session_cookie(Some(super::SessionCookie { token: token.clone(), persistent }));
    Ok(AuthPayload { token, viewer: viewer.into(), organization: organization.into() })
}

#[derive(Default)]
pub struct AccountsQuery;

#[Object]
impl AccountsQuery {
    /// The signed-in person, or null.
    async fn viewer(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        let Some(principal) = request(ctx).principal else { return Ok(None) };
        // A session whose membership has ended reads as signed out; other failures are errors.
        let mut tx = match ferrodesk_core::enter(&app(ctx).db, principal).await {
            Ok(tx) => tx,
            Err(AppError::Unauthenticated) => return Ok(None),
            Err(e) => return Err(gql_error(e)),
        };
        let member = repo::member(&mut tx, principal.user_id).await.gql()?;
        tx.commit().await.gql()?;
        Ok(member.map(User::from))
    }

    /// The signed-in person's own account: their address, and whether it is confirmed (a password
    /// signs in only once it is).
    async fn account(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Account>> {
        let Some(principal) = request(ctx).principal else { return Ok(None) };
        let mut conn = app(ctx).db.acquire().await.gql()?;
        let identity = repo::identity(&mut conn, principal.user_id).await.gql()?;
        conn.release();
        Ok(identity.map(|i| Account { email: i.email, email_confirmed: i.verified }))
    }

    /// Members of the organisation by name; optionally only some roles. Requesters see staff.
    async fn members(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        roles: Option<Vec<MemberRole>>,
    ) -> async_graphql::Result<Connection<String, User>> {
        let limit = page_size(first, 50).gql()?;
        let cursor: Option<(String, Uuid)> = decode_cursor(after.as_deref()).gql()?;
        let roles: Vec<Role> = roles.unwrap_or_default().into_iter().map(Into::into).collect();
        let mut tx = tenant(ctx).await?;
        let rows = repo::members(&mut tx, &roles, cursor.clone(), limit + 1).await.gql()?;
        tx.commit().await.gql()?;
        Ok(keyset_page(rows, limit, cursor.is_some(), |m| ((m.name.clone(), m.user_id), User::from(m))))
    }

    /// The caller's personal API tokens (never their secrets).
    async fn api_tokens(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ApiToken>> {
        let mut tx = tenant(ctx).await?;
        let user = tx.actor_id().ok_or_else(|| gql_error(AppError::Unauthenticated))?;
        let rows = repo::api_tokens(&mut tx, user).await.gql()?;
        tx.commit().await.gql()?;
        Ok(rows.into_iter().map(Into::into).collect())
    }
}

#[derive(Default)]
pub struct AccountsMutation;

#[Object]
impl AccountsMutation {
    /// Signs in to the public demo as its admin, without an account (as `GET /demo` does).
    /// Rate-limited per address; the session ends after two idle hours.
    async fn start_demo_session(&self, ctx: &Context<'_>) -> async_graphql::Result<AuthPayload> {
        let state = app(ctx);
        if !state.demo.enabled {
            return Err(gql_error(AppError::NotFound("demo")));
        }
        let (principal, token) = ferrodesk_core::demo::start_session(
            &state.db,
            &state.sessions,
            &state.limiter,
            &request(ctx).client_ip,
        )
        .await
        .gql()?;
        signed_in(ctx, principal, token).await
    }

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
                id: global_id("Invitation", invitation.id),
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
