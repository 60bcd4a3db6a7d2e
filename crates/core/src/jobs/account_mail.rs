use ferrodesk_jobs::Payload;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Mails a link about a person's own account (confirming an address, resetting a password):
/// queued by the statement that makes the link, with no organisation (`MailService::send_link_mail`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountMail {
    pub link_id: Uuid,
}

impl Payload for AccountMail {
    const KIND: &'static str = "account.mail";
}
