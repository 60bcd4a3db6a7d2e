//! Sign-up, log-in, invitations and API tokens.

use chrono::{DateTime, Duration, Utc};
use ferrodesk_db::accounts::{self as repo, NewOrganization};
use ferrodesk_db::{Db, TenantTx, catalog, events};
use ferrodesk_domain::{Email, OrgId, OrgName, Password, PersonName, Role, Slug, TokenId, UserId};
use serde_json::json;
use uuid::Uuid;

use crate::auth::{
    API_TOKEN_PREFIX, INVITE_TOKEN_PREFIX, RateLimit, RateLimiter, SessionStore, hash_password, new_token,
    token_hash, verify_password,
};
use crate::{AppError, Principal, require_admin};

pub const TRIAL_DAYS: i64 = 14;
const INVITATION_DAYS: i64 = 7;
const LOGIN_PER_ACCOUNT: RateLimit = RateLimit { max: 10, window_secs: 15 * 60 };
const LOGIN_PER_IP: RateLimit = RateLimit { max: 100, window_secs: 15 * 60 };

/// The categories every new organisation starts with, in its IT department.
pub const DEFAULT_CATEGORIES: &[(&str, &[&str])] = &[
    ("Hardware", &["Laptop", "Desktop", "Monitor & peripherals", "Printer", "Mobile device"]),
    ("Software", &["Installation", "Licence", "Bug or error", "Email & calendar"]),
    ("Access", &["New account", "Password reset", "Permissions", "Multi-factor authentication"]),
    ("Network", &["Wi-Fi", "VPN", "Internet connectivity"]),
];

pub struct SignUp<'a> {
    pub organization_name: &'a str,
    pub slug: &'a str,
    pub name: &'a str,
    pub email: &'a str,
    pub password: &'a str,
    pub time_zone: Option<&'a str>,
}

/// Creates an organisation with its owner, a trial, and the defaults, in one transaction.
pub async fn sign_up(db: &Db, input: SignUp<'_>) -> Result<Principal, AppError> {
    let org_name = OrgName::parse(input.organization_name)?;
    let slug = Slug::parse(input.slug)?;
    let name = PersonName::parse(input.name)?;
    let email = Email::parse(input.email)?;
    if crate::demo::is_demo_address(&email) {
        return Err(AppError::bad_input("email", "this address belongs to the demo; use your own"));
    }
    let password = Password::parse(input.password)?;
    let time_zone = match input.time_zone.map(str::trim).filter(|t| !t.is_empty()) {
        None => "UTC",
        Some(tz) => {
            crate::sla::parse_time_zone("timeZone", tz)?;
            tz
        }
    };
    let password_hash = hash_password(password.expose()).await?;
    let principal = Principal { org_id: OrgId::generate(), user_id: UserId::generate() };

    let mut tx = db.begin_system().await?;
    repo::create_organization(
        &mut tx,
        NewOrganization {
            org_id: principal.org_id,
            slug: &slug,
            name: org_name.as_str(),
            time_zone,
            trial_ends_at: Utc::now() + Duration::days(TRIAL_DAYS),
            owner_id: principal.user_id,
            owner_email: &email,
            owner_name: &name,
            password_hash: &password_hash,
        },
    )
    .await?;
    let mut tx = TenantTx::system(tx, principal.org_id).await?;
    let it = catalog::insert_department(&mut tx, "IT").await?;
    for (position, (parent, children)) in (0..).zip(DEFAULT_CATEGORIES) {
        let parent_id = catalog::insert_category(&mut tx, it, None, parent, position).await?;
        for (position, child) in (0..).zip(*children) {
            catalog::insert_category(&mut tx, it, Some(parent_id), child, position).await?;
        }
    }
    crate::sla::seed_defaults(&mut tx, it, time_zone).await?;
    events::append(
        &mut tx,
        events::NewEvent {
            subject_type: "organization",
            subject_id: principal.org_id.into_uuid(),
            action: "organization.created",
            changes: json!({ "slug": slug.as_str(), "name": org_name.as_str(), "owner": principal.user_id }),
        },
    )
    .await?;
    tx.commit().await?;
    tracing::info!(org_id = %principal.org_id, slug = %slug, "organisation signed up");
    Ok(principal)
}

pub struct LogIn<'a> {
    pub email: &'a str,
    pub password: &'a str,
    pub organization_slug: Option<&'a str>,
    /// The client's address, for the per-IP limit.
    pub client_ip: &'a str,
}

/// Checks the password and picks the organisation; rate-limited per account and per address.
pub async fn log_in(db: &Db, limiter: &RateLimiter, input: LogIn<'_>) -> Result<Principal, AppError> {
    let wrong = || AppError::WrongCredentials;
    limiter.hit(&format!("login-ip:{}", input.client_ip), LOGIN_PER_IP).await?;
    let Ok(email) = Email::parse(input.email) else {
        return Err(AppError::bad_input("email", "enter the email address you signed up with"));
    };
    let account_bucket = format!("login-account:{email}");
    limiter.hit(&account_bucket, LOGIN_PER_ACCOUNT).await?;

    let mut conn = db.pool().acquire().await.map_err(ferrodesk_db::DbError::from)?;
    let candidates = repo::login_candidates(&mut conn, &email).await?;
    drop(conn);
    let stored = candidates.first().and_then(|c| c.password_hash.as_deref());
    if !verify_password(input.password, stored).await? {
        return Err(wrong());
    }
    limiter.reset(&account_bucket).await?;
    let chosen = match input.organization_slug.map(str::trim).filter(|s| !s.is_empty()) {
        Some(slug) => {
            let slug = slug.to_ascii_lowercase();
            candidates.iter().find(|c| c.org_slug == slug).ok_or_else(wrong)?
        }
        None if candidates.len() == 1 => &candidates[0],
        None => {
            let slugs: Vec<&str> = candidates.iter().map(|c| c.org_slug.as_str()).collect();
            return Err(AppError::bad_input(
                "organizationSlug",
                format!("you belong to several organisations; choose one of: {}", slugs.join(", ")),
            ));
        }
    };
    Ok(Principal { org_id: chosen.org_id, user_id: chosen.user_id })
}

pub struct Invitation {
    pub id: Uuid,
    pub user_id: UserId,
    pub email: Email,
    pub role: Role,
    pub expires_at: DateTime<Utc>,
    /// Shown once, to the admin who invited (also sent by mail once outbound mail exists).
    pub token: String,
}

/// Invites a person by email with a role. Re-inviting someone still invited replaces the link.
pub async fn invite_member(
    tx: &mut TenantTx,
    email: &str,
    name: &str,
    role: Role,
) -> Result<Invitation, AppError> {
    require_admin(tx)?;
    let email = Email::parse(email)?;
    crate::demo::check_new_person(tx.org_id(), "email", &email)?;
    let name = PersonName::parse(name)?;
    if role == Role::Owner {
        return Err(AppError::bad_input("role", "an organisation has one owner; invite an admin instead"));
    }
    let user_id = repo::ensure_person(tx, &email, name.as_str()).await?;
    let added = repo::insert_membership(tx, user_id, role, "invited").await?;
    if !added {
        let existing = repo::member(tx, user_id).await?;
        match existing {
            Some(m) if m.status == "invited" => repo::revoke_open_invitations(tx, user_id).await?,
            _ => {
                return Err(AppError::Conflict {
                    field: "email",
                    message: "this person is already a member".into(),
                });
            }
        }
    }
    let token = new_token(INVITE_TOKEN_PREFIX);
    let expires_at = Utc::now() + Duration::days(INVITATION_DAYS);
    let id = repo::insert_invitation(tx, user_id, role, &token_hash(&token), expires_at).await?;
    events::append(
        tx,
        events::NewEvent {
            subject_type: "membership",
            subject_id: user_id.into_uuid(),
            action: "member.invited",
            changes: json!({ "email": email.as_str(), "role": role.as_str() }),
        },
    )
    .await?;
    Ok(Invitation { id, user_id, email, role, expires_at, token })
}

/// What an admin changes about a member: the role, and whether they may sign in.
#[derive(Default)]
pub struct MemberChange {
    pub role: Option<Role>,
    pub active: Option<bool>,
}

/// Changes a member's role or deactivates (or reactivates) them. Deactivating keeps everything
/// the person did and every ticket they requested; it ends their sessions and API tokens at once
/// (every request checks for an active membership). The owner is neither changed nor
/// deactivated here, and nobody changes their own access.
pub async fn update_member(
    tx: &mut TenantTx,
    user_id: UserId,
    change: MemberChange,
) -> Result<repo::MemberRow, AppError> {
    require_admin(tx)?;
    let member = repo::member(tx, user_id).await?.ok_or(AppError::NotFound("member"))?;
    let current: Role =
        member.role.parse().map_err(|_| AppError::Internal(anyhow::anyhow!("role {}", member.role)))?;
    if current == Role::Owner {
        return Err(AppError::Forbidden("the owner's role and access cannot be changed"));
    }
    if tx.actor_id() == Some(user_id) {
        return Err(AppError::Forbidden("ask another admin to change your own role or access"));
    }
    let role = change.role.unwrap_or(current);
    if role == Role::Owner {
        return Err(AppError::bad_input("role", "an organisation has one owner; make them an admin instead"));
    }
    let status = match (change.active, member.status.as_str()) {
        (Some(false), _) => "disabled",
        (Some(true), "disabled") => "active",
        (_, status) => status,
    };
    if role == current && status == member.status {
        return Ok(member);
    }
    repo::update_membership(tx, user_id, role, status).await?;
    let mut changes = serde_json::Map::new();
    if role != current {
        changes.insert("role".into(), json!({ "from": current, "to": role }));
    }
    if status != member.status {
        changes.insert("status".into(), json!({ "from": member.status, "to": status }));
    }
    events::append(
        tx,
        events::NewEvent {
            subject_type: "membership",
            subject_id: user_id.into_uuid(),
            action: "member.updated",
            changes: serde_json::Value::Object(changes),
        },
    )
    .await?;
    repo::member(tx, user_id).await?.ok_or(AppError::NotFound("member"))
}

/// Accepts an invitation. A person new to Ferrodesk chooses a password; one who already has an
/// account proves it with their existing password (an invitation never replaces a password).
pub async fn accept_invitation(
    db: &Db,
    token: &str,
    name: Option<&str>,
    password: &str,
) -> Result<Principal, AppError> {
    let hash = token_hash(token);
    let mut tx = db.begin_system().await?;
    let invitation = repo::invitation_by_token(&mut tx, &hash)
        .await?
        .ok_or(AppError::NotFound("invitation (it may have expired or been used)"))?;
    let new_hash = match &invitation.password_hash {
        Some(existing) => {
            if !verify_password(password, Some(existing)).await? {
                return Err(AppError::bad_input(
                    "password",
                    "this email already has a Ferrodesk account: enter its password",
                ));
            }
            existing.clone()
        }
        None => hash_password(Password::parse(password)?.expose()).await?,
    };
    let name = name.map(PersonName::parse).transpose()?;
    let accepted =
        repo::accept_invitation(&mut tx, &hash, name.as_ref().map(|n| n.as_str()), &new_hash).await?;
    if !accepted {
        return Err(AppError::NotFound("invitation (it may have expired or been used)"));
    }
    tx.commit().await.map_err(ferrodesk_db::DbError::from)?;
    Ok(Principal { org_id: invitation.org_id, user_id: invitation.user_id })
}

/// Resolves a request's credential to the member it acts as.
pub async fn authenticate(
    db: &Db,
    sessions: &SessionStore,
    credential: &crate::auth::Credential,
) -> Result<Option<Principal>, AppError> {
    match credential {
        crate::auth::Credential::Session(token) => sessions.get(token).await,
        crate::auth::Credential::ApiToken(token) => {
            let mut conn = db.acquire().await?;
            let found = repo::authenticate_api_token(&mut conn, &token_hash(token)).await?;
            conn.release();
            Ok(found.map(|(org_id, user_id)| Principal { org_id, user_id }))
        }
    }
}

pub struct CreatedApiToken {
    pub row: repo::ApiTokenRow,
    /// Shown once.
    pub token: String,
}

/// A personal API token for the member (requesters cannot have one).
pub async fn create_api_token(tx: &mut TenantTx, name: &str) -> Result<CreatedApiToken, AppError> {
    let actor = tx.actor().ok_or(AppError::Unauthenticated)?;
    if actor.role == Role::Requester {
        return Err(AppError::Forbidden("requesters cannot create API tokens"));
    }
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(AppError::bad_input("name", "name the token in 1 to 80 characters"));
    }
    let token = new_token(API_TOKEN_PREFIX);
    let row = repo::insert_api_token(tx, actor.user_id, name, &token_hash(&token)).await?;
    events::append(
        tx,
        events::NewEvent {
            subject_type: "api_token",
            subject_id: row.id,
            action: "api_token.created",
            changes: json!({ "name": name }),
        },
    )
    .await?;
    Ok(CreatedApiToken { row, token })
}

pub async fn revoke_api_token(tx: &mut TenantTx, id: TokenId) -> Result<(), AppError> {
    let actor = tx.actor().ok_or(AppError::Unauthenticated)?;
    if !repo::revoke_api_token(tx, actor.user_id, id).await? {
        return Err(AppError::NotFound("API token"));
    }
    events::append(
        tx,
        events::NewEvent {
            subject_type: "api_token",
            subject_id: id.into_uuid(),
            action: "api_token.revoked",
            changes: json!({}),
        },
    )
    .await?;
    Ok(())
}
