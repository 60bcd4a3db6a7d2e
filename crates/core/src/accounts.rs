//! Sign-up, log-in, invitations, the mailed links that prove an address (confirming it,
//! resetting a password, changing it), profiles and API tokens (docs/SECURITY.md §Identity).
//!
//! A credential is set for an address only by someone who proved they read that mailbox: every
//! token that sets one goes by mail ([`crate::auth::links`]) and no answer of this module carries
//! one. A password logs in only once its address is confirmed.

use chrono::{DateTime, Duration, Utc};
use ferrodesk_db::accounts::{self as repo, NewSignUp};
use ferrodesk_db::{Db, TenantTx, events};
use ferrodesk_domain::{Email, OrgId, OrgName, Password, PersonName, Role, Slug, TokenId, UserId};
use serde_json::json;
use uuid::Uuid;

use crate::auth::{
    API_TOKEN_PREFIX, LinkKey, LinkPurpose, RateLimit, RateLimiter, SessionStore, hash_password, new_token,
    token_hash, verify_password,
};
use crate::{AppError, Principal, require_admin};

pub const TRIAL_DAYS: i64 = 14;
const INVITATION_DAYS: i64 = 7;
/// How long a sign-up's confirmation (or a new organisation's password link) stays usable.
const SIGN_UP_LINK_DAYS: i64 = 7;
/// How long a password reset or a change of address stays usable.
const LINK_HOURS: i64 = 1;
const LOGIN_PER_ACCOUNT: RateLimit = RateLimit { max: 10, window_secs: 15 * 60 };
const LOGIN_PER_IP: RateLimit = RateLimit { max: 100, window_secs: 15 * 60 };
/// Reset requests from one client address, and mails to one address, per hour. Over the second,
/// the answer is the same and no mail goes (a mailbox cannot be flooded through us).
const RESETS_PER_IP: RateLimit = RateLimit { max: 10, window_secs: 3600 };
const RESETS_PER_ADDRESS: RateLimit = RateLimit { max: 3, window_secs: 3600 };
/// Password checks of a signed-in person (changing the password or the address), per hour.
const PASSWORD_CHECKS_PER_PERSON: RateLimit = RateLimit { max: 10, window_secs: 3600 };

pub struct SignUp<'a> {
    pub organization_name: &'a str,
    pub slug: &'a str,
    pub name: &'a str,
    pub email: &'a str,
    pub password: &'a str,
    pub time_zone: Option<&'a str>,
}

/// Creates an organisation with its owner, a trial, and the defaults, in one transaction, and
/// mails the owner's address: a link that confirms it when it is new to Ferrodesk, or, when it is
/// already someone's, a note that they own a new organisation with a link to set a password (the
/// typed password is not theirs to set). The answer is the same either way, so sign-up tells
/// nobody whether an address is known (docs/SECURITY.md, "Sign-up reveals nothing").
pub async fn sign_up(db: &Db, links: &LinkKey, input: SignUp<'_>) -> Result<Principal, AppError> {
    let org_name = OrgName::parse(input.organization_name)?;
    let slug = Slug::parse(input.slug)?;
    let name = PersonName::parse(input.name)?;
    let email = Email::parse(input.email)?;
    if crate::sandbox::is_sandbox_address(&email) {
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
    let org_id = OrgId::generate();
    let (confirm, reset) = (Uuid::now_v7(), Uuid::now_v7());

    let mut tx = db.begin_system().await?;
    let user_id = repo::sign_up(
        &mut tx,
        NewSignUp {
            org_id,
            slug: &slug,
            name: org_name.as_str(),
            time_zone,
            trial_ends_at: Utc::now() + Duration::days(TRIAL_DAYS),
            new_user_id: UserId::generate(),
            email: &email,
            member_name: &name,
            password_hash: &password_hash,
            confirm_link: (confirm, &links.hash(LinkPurpose::ConfirmEmail, confirm)),
            reset_link: (reset, &links.hash(LinkPurpose::ResetPassword, reset)),
            links_expire_at: Utc::now() + Duration::days(SIGN_UP_LINK_DAYS),
        },
    )
    .await?;
    let principal = Principal { org_id, user_id };
    let mut tx = TenantTx::system(tx, org_id).await?;
    let it = crate::classification::seed_it_department(&mut tx).await?;
    crate::sla::seed_defaults(&mut tx, it, time_zone).await?;
    events::append(
        &mut tx,
        events::NewEvent {
            subject_type: "organization",
            subject_id: org_id.into_uuid(),
            action: "organization.created",
            changes: json!({ "slug": slug.as_str(), "name": org_name.as_str(), "owner": user_id }),
        },
    )
    .await?;
    tx.commit().await?;
    tracing::info!(org_id = %org_id, slug = %slug, "organisation signed up");
    Ok(principal)
}

pub struct LogIn<'a> {
    pub email: &'a str,
    pub password: &'a str,
    pub organization_slug: Option<&'a str>,
    /// The client's address, for the per-IP limit.
    pub client_ip: &'a str,
}

/// Checks the password and picks the organisation; rate-limited per account and per address. An
/// address that is not confirmed yet has no candidates: the answer is the wrong-credentials one.
pub async fn log_in(db: &Db, limiter: &RateLimiter, input: LogIn<'_>) -> Result<Principal, AppError> {
    let wrong = || AppError::WrongCredentials;
    limiter.hit(&format!("login-ip:{}", input.client_ip), LOGIN_PER_IP).await?;
    let Ok(email) = Email::parse(input.email) else {
        return Err(AppError::bad_input("email", "enter the email address you signed up with"));
    };
    let account_bucket = format!("login-account:{email}");
    limiter.hit(&account_bucket, LOGIN_PER_ACCOUNT).await?;

    let mut conn = db.acquire().await?;
    let candidates = repo::login_candidates(&mut conn, &email).await?;
    conn.release();
    let stored = candidates.first().and_then(|c| c.password_hash.as_deref());
    if !verify_password(input.password, stored).await? {
        return Err(wrong());
    }
    limiter.reset(&account_bucket).await?;
    choose_organization(&candidates, input.organization_slug).ok_or_else(wrong)?
}

/// The organisation a person signs in to: the one named, or their only one.
fn choose_organization(
    candidates: &[repo::LoginCandidate],
    slug: Option<&str>,
) -> Option<Result<Principal, AppError>> {
    let chosen = match slug.map(str::trim).filter(|s| !s.is_empty()) {
        Some(slug) => {
            let slug = slug.to_ascii_lowercase();
            candidates.iter().find(|c| c.org_slug == slug)?
        }
        None if candidates.len() == 1 => &candidates[0],
        None if candidates.is_empty() => return None,
        None => {
            let slugs: Vec<&str> = candidates.iter().map(|c| c.org_slug.as_str()).collect();
            return Some(Err(AppError::bad_input(
                "organizationSlug",
                format!("you belong to several organisations; choose one of: {}", slugs.join(", ")),
            )));
        }
    };
    Some(Ok(Principal { org_id: chosen.org_id, user_id: chosen.user_id }))
}

pub struct Invitation {
    pub id: Uuid,
    pub user_id: UserId,
    pub email: Email,
    pub role: Role,
    pub expires_at: DateTime<Utc>,
}

/// Invites a person by email with a role: the link goes to their mailbox, and to nobody else (the
/// answer holds no token). Re-inviting someone still invited replaces the link.
pub async fn invite_member(
    tx: &mut TenantTx,
    links: &LinkKey,
    quota: crate::notices::MailQuota,
    email: &str,
    name: &str,
    role: Role,
) -> Result<Invitation, AppError> {
    require_admin(tx)?;
    let email = Email::parse(email)?;
    crate::sandbox::Sandbox::of(tx.org_id()).check_new_person("email", &email)?;
    let name = PersonName::parse(name)?;
    if role == Role::Owner {
        return Err(AppError::bad_input("role", "an organisation has one owner; invite an admin instead"));
    }
    let user_id = repo::ensure_person(tx, &email).await?;
    let added = repo::insert_membership(tx, user_id, role, "invited", &name).await?;
    if !added {
        let existing = repo::member(tx, user_id).await?;
        match existing {
            Some(m) if m.status == "invited" => {
                repo::revoke_open_invitations(tx, user_id).await?;
                repo::update_membership(tx, user_id, role, "invited").await?;
                repo::set_member_name(tx, user_id, &name).await?;
            }
            _ => {
                return Err(AppError::Conflict {
                    field: "email",
                    message: "this person is already a member".into(),
                });
            }
        }
    }
    let id = Uuid::now_v7();
    let expires_at = Utc::now() + Duration::days(INVITATION_DAYS);
    repo::insert_invitation(tx, id, user_id, role, &links.hash(LinkPurpose::Invitation, id), expires_at)
        .await?;
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
    crate::notices::check_quota(tx, quota).await?;
    crate::notices::queue_invitation(tx, id).await?;
    Ok(Invitation { id, user_id, email, role, expires_at })
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

/// Accepts an invitation with the token from its mail, which proves the address. A person whose
/// confirmed account already has a password proves it with that password (an invitation never
/// replaces a password someone chose); anyone else chooses one now, and any session started with
/// an unconfirmed password before ends.
pub async fn accept_invitation(
    db: &Db,
    sessions: &SessionStore,
    token: &str,
    name: Option<&str>,
    password: &str,
) -> Result<Principal, AppError> {
    let gone = || AppError::NotFound("invitation (it may have expired or been used)");
    let hash = token_hash(token);
    let mut tx = db.begin_system().await?;
    let invitation = repo::invitation_by_token(&mut tx, &hash).await?.ok_or_else(gone)?;
    let new_hash = match (&invitation.password_hash, invitation.verified) {
        (Some(existing), true) => {
            if !verify_password(password, Some(existing)).await? {
                return Err(AppError::bad_input(
                    "password",
                    format!("{} already has a Ferrodesk account: enter its password", invitation.email),
                ));
            }
            None
        }
        _ => Some(hash_password(Password::parse(password)?.expose()).await?),
    };
    let name = name.map(str::trim).filter(|n| !n.is_empty()).map(PersonName::parse).transpose()?;
    let accepted =
        repo::accept_invitation(&mut tx, &hash, name.as_ref().map(|n| n.as_str()), new_hash.as_deref())
            .await?;
    if !accepted {
        return Err(gone());
    }
    tx.commit().await.map_err(ferrodesk_db::DbError::from)?;
    if new_hash.is_some() {
        sessions.revoke_all(invitation.user_id, None).await?;
    }
    Ok(Principal { org_id: invitation.org_id, user_id: invitation.user_id })
}

/// Mails a link that sets a new password, when the address belongs to a person who can sign in
/// somewhere. Answers the same whether or not it does (and when the address has had its share of
/// mails this hour); limited per client address.
pub async fn request_password_reset(
    db: &Db,
    limiter: &RateLimiter,
    links: &LinkKey,
    email: &str,
    client_ip: &str,
) -> Result<(), AppError> {
    limiter.hit(&format!("reset-ip:{client_ip}"), RESETS_PER_IP).await?;
    let email = Email::parse(email)?;
    if crate::sandbox::is_sandbox_address(&email) {
        return Ok(());
    }
    match limiter.hit(&format!("reset-address:{email}"), RESETS_PER_ADDRESS).await {
        Err(AppError::RateLimited { .. }) => return Ok(()),
        other => other?,
    }
    let id = Uuid::now_v7();
    let mut conn = db.acquire().await?;
    let expires_at = Utc::now() + Duration::hours(LINK_HOURS);
    repo::request_password_reset(
        &mut conn,
        id,
        &email,
        &links.hash(LinkPurpose::ResetPassword, id),
        expires_at,
    )
    .await?;
    conn.release();
    Ok(())
}

/// Sets a new password with a mailed reset link (which confirms the address), ends every session
/// of the person, and signs them in: to the organisation named, or their first.
pub async fn reset_password(
    db: &Db,
    sessions: &SessionStore,
    token: &str,
    password: &str,
    organization_slug: Option<&str>,
) -> Result<Principal, AppError> {
    let password = Password::parse(password)?;
    let hash = hash_password(password.expose()).await?;
    let mut conn = db.acquire().await?;
    let used =
        repo::use_email_link(&mut conn, &token_hash(token), LinkPurpose::ResetPassword.as_str(), Some(&hash))
            .await?
            .ok_or(AppError::NotFound("password reset link (it may have expired or been used)"))?;
    let email = Email::parse(&used.new_email)?;
    let candidates = repo::login_candidates(&mut conn, &email).await?;
    conn.release();
    sessions.revoke_all(used.user_id, None).await?;
    let slug =
        organization_slug.filter(|s| candidates.iter().any(|c| c.org_slug == s.trim().to_ascii_lowercase()));
    let first = candidates.first().map(|c| c.org_slug.as_str());
    choose_organization(&candidates, slug.or(first)).ok_or(AppError::Unauthenticated)?
}

/// Confirms a new identity's address with the link its sign-up mailed.
pub async fn confirm_email(db: &Db, token: &str) -> Result<(), AppError> {
    let mut conn = db.acquire().await?;
    let used =
        repo::use_email_link(&mut conn, &token_hash(token), LinkPurpose::ConfirmEmail.as_str(), None).await?;
    conn.release();
    used.map(|_| ()).ok_or(AppError::NotFound("confirmation link (it may have expired or been used)"))
}

/// Checks a signed-in person's current password (limited per person).
async fn prove_password(
    db: &Db,
    limiter: &RateLimiter,
    user_id: UserId,
    field: &'static str,
    password: &str,
) -> Result<repo::Identity, AppError> {
    limiter.hit(&format!("password-check:{user_id}"), PASSWORD_CHECKS_PER_PERSON).await?;
    let mut conn = db.acquire().await?;
    let identity = repo::identity(&mut conn, user_id).await?.ok_or(AppError::Unauthenticated)?;
    conn.release();
    let usable = identity.password_hash.as_deref().filter(|_| identity.verified);
    if !verify_password(password, usable).await? {
        return Err(AppError::bad_input(field, "the current password is wrong"));
    }
    Ok(identity)
}

/// A new password for a signed-in person who knows the current one; their other sessions end.
pub async fn change_password(
    db: &Db,
    sessions: &SessionStore,
    limiter: &RateLimiter,
    principal: Principal,
    current_session: Option<&str>,
    current: &str,
    new: &str,
) -> Result<(), AppError> {
    let new = Password::parse(new).map_err(|e| AppError::bad_input("newPassword", e.message))?;
    prove_password(db, limiter, principal.user_id, "currentPassword", current).await?;
    let hash = hash_password(new.expose()).await?;
    let mut conn = db.acquire().await?;
    repo::set_password(&mut conn, principal.user_id, &hash).await?;
    conn.release();
    sessions.revoke_all(principal.user_id, current_session).await?;
    Ok(())
}

/// Mails a link to a new address; the identity takes it when the link comes back. The person
/// proves their password first.
pub async fn request_email_change(
    db: &Db,
    limiter: &RateLimiter,
    links: &LinkKey,
    principal: Principal,
    new_email: &str,
    password: &str,
) -> Result<(), AppError> {
    let new_email = Email::parse_field("newEmail", new_email)?;
    if crate::sandbox::is_sandbox_address(&new_email) {
        return Err(AppError::bad_input("newEmail", "addresses under .invalid belong to the public demo"));
    }
    let identity = prove_password(db, limiter, principal.user_id, "password", password).await?;
    if identity.email == new_email.as_str() {
        return Err(AppError::bad_input("newEmail", "this is already your address"));
    }
    let id = Uuid::now_v7();
    let expires_at = Utc::now() + Duration::hours(LINK_HOURS);
    let mut conn = db.acquire().await?;
    repo::request_email_change(
        &mut conn,
        principal.user_id,
        id,
        &new_email,
        &links.hash(LinkPurpose::ChangeEmail, id),
        expires_at,
    )
    .await?;
    conn.release();
    Ok(())
}

/// Takes the new address with the link mailed to it; every session of the person ends.
pub async fn confirm_email_change(db: &Db, sessions: &SessionStore, token: &str) -> Result<(), AppError> {
    let mut conn = db.acquire().await?;
    let used = repo::use_email_link(&mut conn, &token_hash(token), LinkPurpose::ChangeEmail.as_str(), None)
        .await
        .map_err(|e| match e {
            ferrodesk_db::DbError::Unique { constraint } if constraint == "users_email_key" => {
                AppError::Conflict {
                    field: "token",
                    message: "this address belongs to another Ferrodesk account".into(),
                }
            }
            other => other.into(),
        })?
        .ok_or(AppError::NotFound("address change link (it may have expired or been used)"))?;
    conn.release();
    sessions.revoke_all(used.user_id, None).await?;
    tracing::info!(user_id = %used.user_id, "address changed");
    Ok(())
}

/// The name the organisation knows the signed-in member by: theirs to change, here only.
pub async fn update_profile(tx: &mut TenantTx, name: &str) -> Result<repo::MemberRow, AppError> {
    let actor = tx.actor().ok_or(AppError::Unauthenticated)?;
    let name = PersonName::parse(name)?;
    let before = repo::member(tx, actor.user_id).await?.ok_or(AppError::Unauthenticated)?;
    if before.name != name.as_str() {
        repo::set_member_name(tx, actor.user_id, &name).await?;
        events::append(
            tx,
            events::NewEvent {
                subject_type: "membership",
                subject_id: actor.user_id.into_uuid(),
                action: "member.renamed",
                changes: json!({ "name": { "from": before.name, "to": name.as_str() } }),
            },
        )
        .await?;
    }
    repo::member(tx, actor.user_id).await?.ok_or(AppError::Unauthenticated)
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
    crate::sandbox::Sandbox::of(tx.org_id()).check_api_tokens()?;
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
