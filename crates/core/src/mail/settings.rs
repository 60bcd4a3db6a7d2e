//! What admins shape of an organisation's mail: the settings, the forwarding aliases (verified by
//! the code mailed through them), the quarantine, and dead jobs to retry.

use ferrodesk_db::mail as repo;
use ferrodesk_db::{DbError, TenantTx, events};
use ferrodesk_domain::Email;
use serde_json::json;
use uuid::Uuid;

use crate::AppError;
use crate::auth::{LinkPurpose, constant_time_eq};
use crate::notices::{MailQuota, QuotaState, quota_state};
use crate::sandbox::Sandbox;

/// The organisation's mail settings and intake addresses, for admins.
pub struct MailSetup {
    pub intake_address: String,
    pub settings: repo::MailSettings,
    /// `new_ticket` or `quarantine` (see [`super::MailService`]'s threading).
    pub unproven_replies: String,
    pub aliases: Vec<repo::AliasRow>,
    pub quota: QuotaState,
}

pub async fn setup(tx: &mut TenantTx, inbound_domain: &str, quota: MailQuota) -> Result<MailSetup, AppError> {
    crate::require_admin(tx)?;
    let settings = repo::settings(tx).await?;
    let aliases = repo::aliases(tx).await?;
    let unproven_replies = repo::unproven_replies(tx).await?;
    let quota = quota_state(tx, quota).await?;
    Ok(MailSetup {
        intake_address: format!("{}@{inbound_domain}", settings.slug),
        settings,
        unproven_replies,
        aliases,
        quota,
    })
}

pub struct UpdateMailSettings {
    /// `new_ticket` or `quarantine`.
    pub unproven_replies: Option<String>,
    pub from_name: Option<Option<String>>,
    pub signature: Option<Option<String>>,
    pub closed_reply: Option<String>,
    pub acknowledge: Option<bool>,
}

pub async fn update_settings(
    tx: &mut TenantTx,
    input: UpdateMailSettings,
) -> Result<repo::MailSettings, AppError> {
    crate::require_admin(tx)?;
    let before = repo::settings(tx).await?;
    let mut after = before.clone();
    if let Some(name) = input.from_name {
        let name = name.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
        if name.as_ref().is_some_and(|n| n.chars().count() > 120 || n.contains(['\r', '\n', '<', '>', '"'])) {
            return Err(AppError::bad_input(
                "fromName",
                "up to 120 characters, without quotes or angle brackets",
            ));
        }
        after.from_name = name;
    }
    if let Some(signature) = input.signature {
        let signature = signature.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        if signature.as_ref().is_some_and(|s| s.chars().count() > 2000) {
            return Err(AppError::bad_input("signature", "at most 2000 characters"));
        }
        after.signature = signature;
    }
    if let Some(mode) = input.closed_reply {
        if mode != "reopen" && mode != "follow_up" {
            return Err(AppError::bad_input("closedReply", "REOPEN or FOLLOW_UP"));
        }
        after.closed_reply = mode;
    }
    if let Some(ack) = input.acknowledge {
        after.acknowledge = ack;
    }
    let unproven_before = repo::unproven_replies(tx).await?;
    let unproven_after = input.unproven_replies.unwrap_or_else(|| unproven_before.clone());
    if unproven_after != "new_ticket" && unproven_after != "quarantine" {
        return Err(AppError::bad_input("unprovenReplies", "NEW_TICKET or QUARANTINE"));
    }
    if unproven_after != unproven_before {
        repo::set_unproven_replies(tx, &unproven_after).await?;
    }
    repo::save_settings(tx, &after).await?;
    events::append(
        tx,
        events::NewEvent {
            subject_type: "organization",
            subject_id: tx.org_id().into_uuid(),
            action: "mail_settings.updated",
            changes: json!({
                "fromName": { "from": before.from_name, "to": after.from_name },
                "signature": { "from": before.signature, "to": after.signature },
                "closedReply": { "from": before.closed_reply, "to": after.closed_reply },
                "acknowledge": { "from": before.acknowledge, "to": after.acknowledge },
                "unprovenReplies": { "from": unproven_before, "to": unproven_after },
            }),
        },
    )
    .await?;
    Ok(after)
}

/// Adds a forwarding alias and mails it a verification message; it routes mail once that
/// message has come back through the forward.
pub async fn add_alias(
    tx: &mut TenantTx,
    address: &str,
    inbound_domain: &str,
) -> Result<repo::AliasRow, AppError> {
    crate::require_admin(tx)?;
    let email = Email::parse_field("address", address)?;
    if email.as_str().ends_with(&format!("@{inbound_domain}")) {
        return Err(AppError::bad_input("address", "this is already an intake address"));
    }
    Sandbox::of(tx.org_id()).check_custom_addresses()?;
    let alias = repo::insert_alias(tx, email.as_str()).await.map_err(|e| match e {
        DbError::Unique { constraint } if constraint == "mail_aliases_org_address_key" => {
            AppError::Conflict { field: "address", message: "this alias is already set up".into() }
        }
        other => other.into(),
    })?;
    events::append(
        tx,
        events::NewEvent {
            subject_type: "organization",
            subject_id: tx.org_id().into_uuid(),
            action: "mail_alias.added",
            changes: json!({ "address": alias.address }),
        },
    )
    .await?;
    crate::notices::queue_alias_verification(tx, alias.id).await?;
    Ok(alias)
}

/// Verifies an alias with the code from its verification mail, for a forward that does not bring
/// the mail back as it was sent: whoever types the code read the alias's mailbox.
pub async fn verify_alias_with_code(
    tx: &mut TenantTx,
    links: &crate::auth::LinkKey,
    id: Uuid,
    code: &str,
) -> Result<repo::AliasRow, AppError> {
    crate::require_admin(tx)?;
    let Some(alias) = repo::aliases(tx).await?.into_iter().find(|a| a.id == id) else {
        return Err(AppError::NotFound("alias"));
    };
    if alias.verified_at.is_some() {
        return Ok(alias);
    }
    let expected = links.token(LinkPurpose::MailAlias, id);
    let given = crate::auth::LinkKey::normalize_code(code);
    if !constant_time_eq(given.as_bytes(), expected.as_bytes()) {
        return Err(AppError::bad_input("code", "this is not the code in the verification mail"));
    }
    repo::verify_alias(tx, id).await.map_err(|e| match e {
        DbError::Unique { .. } => AppError::Conflict {
            field: "code",
            message: "another organisation already receives mail at this address".into(),
        },
        other => other.into(),
    })?;
    events::append(
        tx,
        events::NewEvent {
            subject_type: "organization",
            subject_id: tx.org_id().into_uuid(),
            action: "mail_alias.verified",
            changes: json!({ "address": alias.address, "by": "code" }),
        },
    )
    .await?;
    repo::aliases(tx).await?.into_iter().find(|a| a.id == id).ok_or(AppError::NotFound("alias"))
}

pub async fn remove_alias(tx: &mut TenantTx, id: Uuid) -> Result<(), AppError> {
    crate::require_admin(tx)?;
    let Some(alias) = repo::aliases(tx).await?.into_iter().find(|a| a.id == id) else {
        return Err(AppError::NotFound("alias"));
    };
    repo::delete_alias(tx, id).await?;
    events::append(
        tx,
        events::NewEvent {
            subject_type: "organization",
            subject_id: tx.org_id().into_uuid(),
            action: "mail_alias.removed",
            changes: json!({ "address": alias.address }),
        },
    )
    .await?;
    Ok(())
}

/// Releases a quarantined message for another attempt (after fixing what stopped it, e.g. a
/// deactivated member), or discards it. The raw message is kept either way.
pub async fn leave_quarantine(
    tx: &mut TenantTx,
    id: Uuid,
    release: bool,
) -> Result<repo::InboundSummary, AppError> {
    crate::require_admin(tx)?;
    let to = if release { "received" } else { "discarded" };
    if !repo::leave_quarantine(tx, id, to).await? {
        return Err(match repo::inbound_summary(tx, id).await? {
            Some(_) => AppError::bad_input("id", "this message is not in quarantine"),
            None => AppError::NotFound("message"),
        });
    }
    if release {
        ferrodesk_jobs::enqueue(tx, &crate::jobs::IngestMail { id }).await?;
    }
    events::append(
        tx,
        events::NewEvent {
            subject_type: "inbound_message",
            subject_id: id,
            action: if release { "inbound.released" } else { "inbound.discarded" },
            changes: json!({}),
        },
    )
    .await?;
    repo::inbound_summary(tx, id).await?.ok_or(AppError::NotFound("message"))
}
