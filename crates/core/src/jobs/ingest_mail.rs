use ferrodesk_jobs::Payload;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Files a stored inbound message as a ticket, a reply or a recorded reason not to
/// (`MailService::ingest`): queued as the SMTP session stores it, or as an admin releases it from
/// quarantine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IngestMail {
    /// The `inbound_messages` row.
    pub id: Uuid,
}

impl Payload for IngestMail {
    const KIND: &'static str = "mail.ingest";
}
