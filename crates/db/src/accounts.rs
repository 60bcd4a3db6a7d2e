//! Organisations, people, memberships, invitations and API tokens.
//!
//! The `fd_*` calls here are the system path (DESIGN §2.2): they cross tenants on purpose and are
//! the only place that does.

use chrono::{DateTime, Utc};
use ferrodesk_domain::{Email, OrgId, PersonName, Role, Slug, TokenId, UserId};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::{DbError, TenantTx};

pub struct NewOrganization<'a> {
    pub org_id: OrgId,
    pub slug: &'a Slug,
    pub name: &'a str,
    pub time_zone: &'a str,
    pub trial_ends_at: DateTime<Utc>,
    pub owner_id: UserId,
    pub owner_email: &'a Email,
    pub owner_name: &'a PersonName,
    pub password_hash: &'a str,
}

/// System: creates the organisation, its owner and the owner's membership.
pub async fn create_organization(conn: &mut PgConnection, org: NewOrganization<'_>) -> Result<(), DbError> {
    sqlx::query!(
        "select fd_create_organization($1, $2, $3, $4, $5, $6, $7::text::citext, $8, $9)",
        org.org_id.as_uuid(),
        org.slug.as_str(),
        org.name,
        org.time_zone,
        org.trial_ends_at,
        org.owner_id.as_uuid(),
        org.owner_email.as_str() as &str,
        org.owner_name.as_str(),
        org.password_hash,
    )
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(Debug, Clone)]
pub struct LoginCandidate {
    pub user_id: UserId,
    pub password_hash: Option<String>,
    pub org_id: OrgId,
    pub org_slug: String,
    pub role: String,
}

/// System: a person's active memberships, to verify a password and pick the organisation.
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

/// System (inside a tenant transaction): the global person with this email, created without a
/// password when new.
pub async fn ensure_person(tx: &mut TenantTx, email: &Email, name: &str) -> Result<UserId, DbError> {
    let new_id = UserId::generate();
    let id = sqlx::query_scalar!(
        r#"select fd_ensure_person($1, $2::text::citext, $3) as "id!""#,
        new_id.as_uuid(),
        email.as_str() as &str,
        name
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
    pub password_hash: Option<String>,
    pub org_slug: String,
}

/// System: an open invitation by its token's hash.
pub async fn invitation_by_token(
    conn: &mut PgConnection,
    token_hash: &[u8],
) -> Result<Option<PendingInvitation>, DbError> {
    let row = sqlx::query!(
        r#"select org_id as "org_id!", user_id as "user_id!", email::text as "email!", password_hash,
                  org_slug as "org_slug!"
           from fd_invitation_by_token($1)"#,
        token_hash
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| PendingInvitation {
        org_id: OrgId::from_uuid(r.org_id),
        user_id: UserId::from_uuid(r.user_id),
        email: r.email,
        password_hash: r.password_hash,
        org_slug: r.org_slug,
    }))
}

/// System: marks the invitation accepted, activates the membership and sets the password of a
/// person who had none. False when the invitation was used or expired meanwhile.
pub async fn accept_invitation(
    conn: &mut PgConnection,
    token_hash: &[u8],
    name: Option<&str>,
    password_hash: &str,
) -> Result<bool, DbError> {
    let accepted = sqlx::query_scalar!(
        r#"select fd_accept_invitation($1, $2, $3) as "accepted!""#,
        token_hash,
        name,
        password_hash
    )
    .fetch_one(conn)
    .await?;
    Ok(accepted)
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
}

pub async fn organization(tx: &mut TenantTx) -> Result<OrganizationRow, DbError> {
    let org_id = tx.org_id();
    Ok(sqlx::query_as!(
        OrganizationRow,
        "select id, slug, name, time_zone, is_demo, subscription_status, trial_ends_at,
                current_period_end, created_at, grace_ends_at, billing_interval, cancel_at_period_end,
                stripe_subscription_id
         from organizations where id = $1",
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
        r#"select m.user_id, u.name, u.email::text as "email!", m.role, m.status, m.created_at
           from memberships m join users u on u.id = m.user_id
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
        r#"select m.user_id, u.name, u.email::text as "email!", m.role, m.status, m.created_at
           from memberships m join users u on u.id = m.user_id
           where m.org_id = $1 and (cardinality($2::text[]) = 0 or m.role = any($2))
             and ($3::text is null or (u.name, m.user_id) > ($3, $4))
           order by u.name, m.user_id
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

/// Sets a member's role and status; an invitation not yet accepted follows the new role.
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
    Ok(())
}

/// Adds a membership unless the person already has one here. True when added.
pub async fn insert_membership(
    tx: &mut TenantTx,
    user_id: UserId,
    role: Role,
    status: &str,
) -> Result<bool, DbError> {
    let org_id = tx.org_id();
    let added = sqlx::query!(
        "insert into memberships (org_id, user_id, role, status) values ($1, $2, $3, $4)
         on conflict (org_id, user_id) do nothing",
        org_id.as_uuid(),
        user_id.as_uuid(),
        role.as_str(),
        status
    )
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(added == 1)
}

pub async fn insert_invitation(
    tx: &mut TenantTx,
    user_id: UserId,
    role: Role,
    token_hash: &[u8],
    expires_at: DateTime<Utc>,
) -> Result<Uuid, DbError> {
    let id = Uuid::now_v7();
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
    Ok(id)
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
