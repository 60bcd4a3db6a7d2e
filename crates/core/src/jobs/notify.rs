use ferrodesk_jobs::Payload;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use ferrodesk_domain::{Notice, TicketId};

/// Renders (once) and sends one outbound message (`MailService::notify_batch`). One job per
/// notice and cause: the same change never mails twice. `fd_stored_notices` reads `notice` and
/// `source_id` from the payload to find a message the creating transaction already stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notify {
    pub notice: Notice,
    /// The ticket it is about, if any.
    pub ticket_id: Option<Uuid>,
    /// What caused it (see [`Notice`]).
    pub source_id: Uuid,
}

impl Notify {
    pub fn new(notice: Notice, ticket_id: Option<TicketId>, source_id: Uuid) -> Self {
        Self { notice, ticket_id: ticket_id.map(TicketId::into_uuid), source_id }
    }

    /// One job per notice and cause.
    pub fn key(&self) -> String {
        format!("{}:{}", self.notice.as_str(), self.source_id)
    }
}

impl Payload for Notify {
    const KIND: &'static str = "mail.notify";

    fn dedupe_key(&self) -> Option<String> {
        Some(self.key())
    }
}
