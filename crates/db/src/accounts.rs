//! Organisations, people, memberships, invitations and API tokens.
//!
//! The `fd_*` calls here are the system path (docs/ARCHITECTURE.md §Definer functions): they cross tenants on purpose and are
//! the only place that does.

use chrono::{DateTime, Utc};
use ferrodesk_domain::{Email, OrgId, PersonName, Role, Slug, TokenId, UserId};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::{DbError, TenantTx};

/// A sign-up: the organisation, its owner's membership, and the two links of which the database
/// mails one (`fd_sign_up`): confirming a new address, or setting a password on one that is
/// already someone's.
pub struct NewSignUp<'a> {
    pub org_id: OrgId,
    pub slug: &'a Slug,
    pub name: &'a str,
    pub time_zone: &'a str,
    pub trial_ends_at: DateTime<Utc>,
    pub new_user_id: UserId,
    pub email: &'a Email,
    pub member_name: &'a PersonName,
    pub password_hash: &'a str,
    pub confirm_link: (Uuid, &'a [u8]),
    pub reset_link: (Uuid, &'a [u8]),
    pub links_expire_at: DateTime<Utc>,
}

/// System: creates the organisation and its owner's membership; returns the owner's identity.
pub async fn sign_up(conn: &mut PgConnection, s: NewSignUp<'_>) -> Result<UserId, DbError> {
    let id = sqlx::query_scalar!(
        r#"select fd_sign_up($1, $2, $3, $4, $5, $6, $7::text::citext, $8, $9, $10, $11, $12, $13, $14) as "id!""#,
        s.org_id.as_uuid(),
        s.slug.as_str(),
        s.name,
        s.time_zone,
        s.trial_ends_at,
        s.new_user_id.as_uuid(),
        s.email.as_str() as &str,
        s.member_name.as_str(),
        s.password_hash,
        s.confirm_link.0,
        s.confirm_link.1,
        s.reset_link.0,
        s.reset_link.1,
        s.links_expire_at,
    )
    .fetch_one(conn)
    .await?;
    Ok(UserId::from_uuid(id))
}

#[derive(Debug, Clone)]
pub struct LoginCandidate {
    pub user_id: UserId,
    pub password_hash: Option<String>,
    pub org_id: OrgId,
    pub org_slug: String,
    pub role: String,
}

/// System: a confirmed identity's active memberships outside the demo, to verify a password and
/// pick the organisation.
pub async fn login_candidates(
    conn: &mut PgConnection,
    email: &Email,
) -> Result<Vec<LoginCandidate>, DbError> {
    let rows = sqlx::query!(
        r#"select user_id as "user_id!", password_hash, org_id as "org_id!", org_slug as "org_slug!", role as "role!"
           from fd_login_candidates($1::text::citext)"#,
        email.as_str() as &str
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| LoginCandidate {
            user_id: UserId::from_uuid(r.user_id),
            password_hash: r.password_hash,
            org_id: OrgId::from_uuid(r.org_id),
            org_slug: r.org_slug,
            role: r.role,
        })
        .collect())
}

/// System (inside a tenant transaction): the global identity with this address, created without
/// a password when new.
pub async fn ensure_person(tx: &mut TenantTx, email: &Email) -> Result<UserId, DbError> {
    let new_id = UserId::generate();
    let id = sqlx::query_scalar!(
        r#"select fd_ensure_person($1, $2::text::citext) as "id!""#,
        new_id.as_uuid(),
        email.as_str() as &str,
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok(UserId::from_uuid(id))
}

#[derive(Debug, Clone)]
pub struct PendingInvitation {
    pub org_id: OrgId,
    pub user_id: UserId,
    pub email: String,
    pub role: String,
    pub password_hash: Option<String>,
    /// Whether the identity's address was confirmed before (its password is then the person's own).
    pub verified: bool,
    pub org_slug: String,
}

/// System: an open invitation, to an invited membership outside the demo, by its token's hash.
pub async fn invitation_by_token(
    conn: &mut PgConnection,
    token_hash: &[u8],
) -> Result<Option<PendingInvitation>, DbError> {
    let row = sqlx::query!(
        r#"select org_id as "org_id!", user_id as "user_id!", email::text as "email!", role as "role!",
                  password_hash, verified as "verified!", org_slug as "org_slug!"
           from fd_invitation_by_token($1)"#,
        token_hash
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| PendingInvitation {
        org_id: OrgId::from_uuid(r.org_id),
        user_id: UserId::from_uuid(r.user_id),
        email: r.email,
        role: r.role,
        password_hash: r.password_hash,
        verified: r.verified,
        org_slug: r.org_slug,
    }))
}

/// System: accepts the invitation (the membership becomes active with the invitation's role),
/// confirms the address, and sets `new_password_hash` when given. False when the invitation was
/// used, revoked or expired meanwhile, or the invitee was deactivated.
pub async fn accept_invitation(
    conn: &mut PgConnection,
    token_hash: &[u8],
    name: Option<&str>,
    new_password_hash: Option<&str>,
) -> Result<bool, DbError> {
    let accepted = sqlx::query_scalar!(
        r#"select fd_accept_invitation($1, $2, $3) as "accepted!""#,
        token_hash,
        name,
        new_password_hash
    )
    .fetch_one(conn)
    .await?;
    Ok(accepted)
}

/// System: records a password-reset link for the address and queues its mail, when the address
/// is a confirmable identity's; does nothing otherwise (the caller answers the same).
pub async fn request_password_reset(
    conn: &mut PgConnection,
    link_id: Uuid,
    email: &Email,
    token_hash: &[u8],
    expires_at: DateTime<Utc>,
) -> Result<(), DbError> {
    sqlx::query!(
        "select fd_request_password_reset($1, $2::text::citext, $3, $4)",
        link_id,
        email.as_str() as &str,
        token_hash,
        expires_at
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// What using a mailed link did.
#[derive(Debug, Clone)]
pub struct UsedLink {
    pub user_id: UserId,
    pub old_email: String,
    pub new_email: String,
}

/// System: uses a mailed link once (`fd_use_email_link`). `None` for a token that is unknown,
/// used, expired, or of another purpose.
pub async fn use_email_link(
    conn: &mut PgConnection,
    token_hash: &[u8],
    purpose: &str,
    password_hash: Option<&str>,
) -> Result<Option<UsedLink>, DbError> {
    let row = sqlx::query!(
        r#"select user_id as "user_id!", old_email::text as "old_email!", new_email::text as "new_email!"
           from fd_use_email_link($1, $2, $3)"#,
        token_hash,
        purpose,
        password_hash
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| UsedLink {
        user_id: UserId::from_uuid(r.user_id),
        old_email: r.old_email,
        new_email: r.new_email,
    }))
}

/// A signed-in person's own identity.
#[derive(Debug, Clone)]
pub struct Identity {
    pub email: String,
    pub password_hash: Option<String>,
    pub verified: bool,
}

pub async fn identity(conn: &mut PgConnection, user_id: UserId) -> Result<Option<Identity>, DbError> {
    let row = sqlx::query!(
        r#"select email::text as "email!", password_hash, verified as "verified!" from fd_identity($1)"#,
        user_id.as_uuid()
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| Identity { email: r.email, password_hash: r.password_hash, verified: r.verified }))
}

/// System: a new password for a person who proved the current one.
pub async fn set_password(
    conn: &mut PgConnection,
    user_id: UserId,
    password_hash: &str,
) -> Result<(), DbError> {
    sqlx::query!("select fd_set_password($1, $2)", user_id.as_uuid(), password_hash).execute(conn).await?;
    Ok(())
}

/// System: a change of address, asked by a person who proved their password; the link goes to
/// the new address.
pub async fn request_email_change(
    conn: &mut PgConnection,
    user_id: UserId,
    link_id: Uuid,
    new_email: &Email,
    token_hash: &[u8],
    expires_at: DateTime<Utc>,
) -> Result<(), DbError> {
    sqlx::query!(
        "select fd_request_email_change($1, $2, $3::text::citext, $4, $5)",
        user_id.as_uuid(),
        link_id,
        new_email.as_str() as &str,
        token_hash,
        expires_at
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// What a mailed link's or an account notice's message needs (the worker's `fd_link_mail`).
#[derive(Debug, Clone)]
pub struct LinkMail {
    pub purpose: String,
    pub email: String,
    pub org_name: Option<String>,
    pub expires_at: DateTime<Utc>,
    pub used: bool,
    pub sent: bool,
    /// The identity's address now (after a change of address, the new one).
    pub account_email: String,
    pub created_at: DateTime<Utc>,
}

/// Worker: a link's mail, by the link's id.
pub async fn link_mail(conn: &mut PgConnection, link_id: Uuid) -> Result<Option<LinkMail>, DbError> {
    let row = sqlx::query!(
        r#"select purpose as "purpose!", email::text as "email!", org_name, expires_at as "expires_at!",
                  used as "used!", sent as "sent!", account_email::text as "account_email!",
                  created_at as "created_at!"
           from fd_link_mail($1)"#,
        link_id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| LinkMail {
        purpose: r.purpose,
        email: r.email,
        org_name: r.org_name,
        expires_at: r.expires_at,
        used: r.used,
        sent: r.sent,
        account_email: r.account_email,
        created_at: r.created_at,
    }))
}

/// Worker: the link's mail went out.
pub async fn link_mail_sent(conn: &mut PgConnection, link_id: Uuid) -> Result<(), DbError> {
    sqlx::query!("select fd_link_mail_sent($1)", link_id).execute(conn).await?;
    Ok(())
}

/// System: the member a personal API token acts as.
pub async fn authenticate_api_token(
    conn: &mut PgConnection,
    token_hash: &[u8],
) -> Result<Option<(OrgId, UserId)>, DbError> {
    let row = sqlx::query!(
        r#"select org_id as "org_id!", user_id as "user_id!" from fd_authenticate_api_token($1)"#,
        token_hash
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| (OrgId::from_uuid(r.org_id), UserId::from_uuid(r.user_id))))
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrganizationRow {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub time_zone: String,
    pub is_demo: bool,
    pub subscription_status: String,
    pub trial_ends_at: Option<DateTime<Utc>>,
    pub current_period_end: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// Billing (docs/ARCHITECTURE.md §Billing).
    pub grace_ends_at: Option<DateTime<Utc>>,
    pub billing_interval: Option<String>,
    pub cancel_at_period_end: bool,
    pub stripe_subscription_id: Option<String>,
    /// Why it is read-only now (`fd_read_only_reason`: THE rule, in the database), if it is.
    pub read_only_reason: Option<String>,
}

pub async fn organization(tx: &mut TenantTx) -> Result<OrganizationRow, DbError> {
    let org_id = tx.org_id();
    Ok(sqlx::query_as!(
        OrganizationRow,
        "select id, slug, name, time_zone, is_demo, subscription_status, trial_ends_at,
                current_period_end, created_at, grace_ends_at, billing_interval, cancel_at_period_end,
                stripe_subscription_id, fd_read_only_reason(o) as read_only_reason
         from organizations o where id = $1",
        org_id.as_uuid()
    )
    .fetch_one(&mut **tx)
    .await?)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MemberRow {
    pub user_id: Uuid,
    pub name: String,
    pub email: String,
    pub role: String,
    pub status: String,
    pub created_at: DateTime<Utc>,
}

pub async fn member(tx: &mut TenantTx, user_id: UserId) -> Result<Option<MemberRow>, DbError> {
    let org_id = tx.org_id();
    Ok(sqlx::query_as!(
        MemberRow,
        r#"select m.user_id, m.name, m.email::text as "email!", m.role, m.status, m.created_at
           from memberships m
           where m.org_id = $1 and m.user_id = $2"#,
        org_id.as_uuid(),
        user_id.as_uuid()
    )
    .fetch_optional(&mut **tx)
    .await?)
}

/// A page of members ordered by name, after the `(name, user_id)` cursor, optionally by role.
pub async fn members(
    tx: &mut TenantTx,
    roles: &[Role],
    after: Option<(String, Uuid)>,
    limit: i64,
) -> Result<Vec<MemberRow>, DbError> {
    let org_id = tx.org_id();
    let roles: Vec<String> = roles.iter().map(|r| r.as_str().to_owned()).collect();
    let (after_name, after_id) = after.unzip();
    Ok(sqlx::query_as!(
        MemberRow,
        r#"select m.user_id, m.name, m.email::text as "email!", m.role, m.status, m.created_at
           from memberships m
           where m.org_id = $1 and (cardinality($2::text[]) = 0 or m.role = any($2))
             and ($3::text is null or (m.name, m.user_id) > ($3, $4))
           order by m.name, m.user_id
           limit $5"#,
        org_id.as_uuid(),
        &roles,
        after_name,
        after_id,
        limit
    )
    .fetch_all(&mut **tx)
    .await?)
}

/// Sets a member's role and status; an invitation not yet accepted follows the new role, and is
/// withdrawn when the member is deactivated.
pub async fn update_membership(
    tx: &mut TenantTx,
    user_id: UserId,
    role: Role,
    status: &str,
) -> Result<(), DbError> {
    let org_id = tx.org_id();
    sqlx::query!(
        "update memberships set role = $3, status = $4 where org_id = $1 and user_id = $2",
        org_id.as_uuid(),
        user_id.as_uuid(),
        role.as_str(),
        status
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "update invitations set role = $3 where org_id = $1 and user_id = $2 and accepted_at is null and $3 <> 'owner'",
        org_id.as_uuid(),
        user_id.as_uuid(),
        role.as_str()
    )
    .execute(&mut **tx)
    .await?;
    if status == "disabled" {
        revoke_open_invitations(tx, user_id).await?;
    }
    Ok(())
}

/// The name the organisation knows a member by.
pub async fn set_member_name(tx: &mut TenantTx, user_id: UserId, name: &PersonName) -> Result<(), DbError> {
    let org_id = tx.org_id();
    sqlx::query!(
        "update memberships set name = $3 where org_id = $1 and user_id = $2",
        org_id.as_uuid(),
        user_id.as_uuid(),
        name.as_str()
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Adds a membership unless the person already has one here. True when added.
pub async fn insert_membership(
    tx: &mut TenantTx,
    user_id: UserId,
    role: Role,
    status: &str,
    name: &PersonName,
) -> Result<bool, DbError> {
    let org_id = tx.org_id();
    let added = sqlx::query!(
        "insert into memberships (org_id, user_id, role, status, name) values ($1, $2, $3, $4, $5)
         on conflict (org_id, user_id) do nothing",
        org_id.as_uuid(),
        user_id.as_uuid(),
        role.as_str(),
        status,
        name.as_str()
    )
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(added == 1)
}

/// An invitation under the id its token was derived from.
pub async fn insert_invitation(
    tx: &mut TenantTx,
    id: Uuid,
    user_id: UserId,
    role: Role,
    token_hash: &[u8],
    expires_at: DateTime<Utc>,
) -> Result<(), DbError> {
    let org_id = tx.org_id();
    let invited_by = tx.actor_id();
    sqlx::query!(
        "insert into invitations (org_id, id, user_id, role, token_hash, invited_by, expires_at)
         values ($1, $2, $3, $4, $5, $6, $7)",
        org_id.as_uuid(),
        id,
        user_id.as_uuid(),
        role.as_str(),
        token_hash,
        invited_by.map(|u| u.into_uuid()),
        expires_at
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// What an invitation's mail says: to whom, from whom, for which role, until when. `None` once it
/// was accepted or withdrawn.
#[derive(Debug, Clone)]
pub struct InvitationMail {
    pub email: String,
    pub name: String,
    pub role: String,
    pub inviter_name: Option<String>,
    pub expires_at: DateTime<Utc>,
}

pub async fn invitation_mail(tx: &mut TenantTx, id: Uuid) -> Result<Option<InvitationMail>, DbError> {
    let org_id = tx.org_id();
    Ok(sqlx::query_as!(
        InvitationMail,
        r#"select m.email::text as "email!", m.name, i.role, b.name as "inviter_name?", i.expires_at
           from invitations i
           join memberships m on m.org_id = i.org_id and m.user_id = i.user_id and m.status = 'invited'
           left join memberships b on b.org_id = i.org_id and b.user_id = i.invited_by
           where i.org_id = $1 and i.id = $2 and i.accepted_at is null and i.expires_at > now()"#,
        org_id.as_uuid(),
        id
    )
    .fetch_optional(&mut **tx)
    .await?)
}

/// Replaces the invitations still open for this person (a re-invite invalidates older links).
pub async fn revoke_open_invitations(tx: &mut TenantTx, user_id: UserId) -> Result<(), DbError> {
    let org_id = tx.org_id();
    sqlx::query!(
        "delete from invitations where org_id = $1 and user_id = $2 and accepted_at is null",
        org_id.as_uuid(),
        user_id.as_uuid()
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApiTokenRow {
    pub id: Uuid,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

pub async fn insert_api_token(
    tx: &mut TenantTx,
    user_id: UserId,
    name: &str,
    token_hash: &[u8],
) -> Result<ApiTokenRow, DbError> {
    let org_id = tx.org_id();
    let id = TokenId::generate();
    Ok(sqlx::query_as!(
        ApiTokenRow,
        "insert into api_tokens (org_id, id, user_id, name, token_hash) values ($1, $2, $3, $4, $5)
         returning id, name, created_at, last_used_at",
        org_id.as_uuid(),
        id.as_uuid(),
        user_id.as_uuid(),
        name,
        token_hash
    )
    .fetch_one(&mut **tx)
    .await?)
}

pub async fn api_tokens(tx: &mut TenantTx, user_id: UserId) -> Result<Vec<ApiTokenRow>, DbError> {
    let org_id = tx.org_id();
    Ok(sqlx::query_as!(
        ApiTokenRow,
        "select id, name, created_at, last_used_at from api_tokens
         where org_id = $1 and user_id = $2 and revoked_at is null order by created_at",
        org_id.as_uuid(),
        user_id.as_uuid()
    )
    .fetch_all(&mut **tx)
    .await?)
}

/// Revokes one of the person's own tokens. False when there is no such live token.
pub async fn revoke_api_token(tx: &mut TenantTx, user_id: UserId, id: TokenId) -> Result<bool, DbError> {
    let org_id = tx.org_id();
    let n = sqlx::query!(
        "update api_tokens set revoked_at = now()
         where org_id = $1 and id = $2 and user_id = $3 and revoked_at is null",
        org_id.as_uuid(),
        id.as_uuid(),
        user_id.as_uuid()
    )
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(n == 1)
}
