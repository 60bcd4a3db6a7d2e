//! Files people attach to tickets in the app (email attachments arrive through `mail`). Stored by
//! content in the attachment store; the row (and so who may download it) follows its ticket under
//! row-level security, so a file is reachable exactly by those who can see its ticket.

use ferrodesk_db::mail::{self as repo, AttachmentRow, NewAttachment};
use ferrodesk_db::{TenantTx, events, tickets};
use ferrodesk_domain::{Role, TicketId, TicketNumber};
use ferrodesk_mail::store::LocalStore;
use serde_json::json;
use uuid::Uuid;

use crate::{AppError, role_of};

/// The largest file one upload may carry.
pub const MAX_BYTES: usize = 25 * 1024 * 1024;

/// A file name safe to store and to offer back: the last path segment, no control characters,
/// at most 255 characters.
pub fn clean_filename(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base.chars().filter(|c| !c.is_control()).take(255).collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_owned();
    if cleaned.is_empty() { "attachment".to_owned() } else { cleaned }
}

/// `type/subtype` as sent, when it looks like one; otherwise a download of unknown type.
pub fn clean_content_type(raw: Option<&str>) -> String {
    let essence = raw.unwrap_or_default().split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    let token =
        |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$&^_.+-".contains(&b));
    match essence.split_once('/') {
        Some((t, s)) if token(t) && token(s) && essence.len() <= 100 => essence,
        _ => "application/octet-stream".to_owned(),
    }
}

/// Attaches a file to a ticket the caller can see. Staff and the ticket's requester (or a
/// participant) may; stakeholders only read.
pub async fn attach(
    tx: &mut TenantTx,
    store: &LocalStore,
    number: &str,
    filename: &str,
    content_type: Option<&str>,
    bytes: &[u8],
) -> Result<AttachmentRow, AppError> {
    if role_of(tx) == Role::Stakeholder {
        return Err(AppError::Forbidden("stakeholders can read tickets but not change them"));
    }
    let limit = crate::sandbox::Sandbox::of(tx.org_id()).max_upload_bytes(MAX_BYTES);
    if bytes.len() > limit {
        return Err(AppError::bad_input(
            "file",
            format!("files can be up to {} MB here", limit / (1024 * 1024)),
        ));
    }
    if bytes.is_empty() {
        return Err(AppError::bad_input("file", "the file is empty"));
    }
    let number = TicketNumber::parse(number).map_err(|_| AppError::NotFound("ticket"))?;
    let ticket = tickets::by_number(tx, number).await?.ok_or(AppError::NotFound("ticket"))?;
    // The file goes to the store before its row: a read-only organisation stores none.
    crate::billing::check_writable(tx).await?;
    let filename = clean_filename(filename);
    let content_type = clean_content_type(content_type);
    let sha256 = store.put(bytes).await.map_err(|e| AppError::Internal(e.into()))?;
    let id = repo::insert_attachment(
        tx,
        NewAttachment {
            ticket_id: TicketId::from_uuid(ticket.id),
            message_id: None,
            filename: &filename,
            content_type: &content_type,
            size_bytes: bytes.len() as i64,
            sha256: &sha256,
            content_id: None,
            inline: false,
        },
    )
    .await?;
    events::append(
        tx,
        events::NewEvent {
            subject_type: "ticket",
            subject_id: ticket.id,
            action: "ticket.attachment_added",
            changes: json!({ "attachmentId": id, "filename": filename, "sizeBytes": bytes.len() }),
        },
    )
    .await?;
    repo::attachment(tx, id).await?.ok_or(AppError::NotFound("attachment"))
}

/// An attachment the caller may see, with its bytes.
pub async fn open(
    tx: &mut TenantTx,
    store: &LocalStore,
    id: Uuid,
) -> Result<(AttachmentRow, Vec<u8>), AppError> {
    let row = repo::attachment(tx, id).await?.ok_or(AppError::NotFound("attachment"))?;
    let bytes =
        store.get(&row.sha256).await.map_err(|e| AppError::Internal(e.into()))?.ok_or_else(|| {
            AppError::Internal(anyhow::anyhow!("attachment {id} is missing from the store"))
        })?;
    Ok((row, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_and_types_are_made_safe() {
        assert_eq!(clean_filename("C:\\Users\\ann\\report.pdf"), "report.pdf");
        assert_eq!(clean_filename("../../etc/passwd"), "passwd");
        assert_eq!(clean_filename(".hidden\u{0}"), "hidden");
        assert_eq!(clean_filename("   "), "attachment");
        assert_eq!(clean_content_type(Some("image/PNG; charset=binary")), "image/png");
        assert_eq!(clean_content_type(Some("text/html<script>")), "application/octet-stream");
        assert_eq!(clean_content_type(None), "application/octet-stream");
    }
}
