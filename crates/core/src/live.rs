//! Live ticket changes, for the web app's queue and ticket pages (GraphQL subscription
//! `ticketChanged`). Every gateway replica hears every change of an organisation through Redis
//! pub/sub on one channel per organisation, `{REDIS_KEY_PREFIX}live:{org uuid}`.
//!
//! A change is published only after its transaction has committed, so a subscriber that refetches
//! on the event reads the new state. Publishing is best effort: a lost event leaves a screen stale
//! until the next change, it never fails the mutation that caused it.

use std::time::Duration;

use ferrodesk_db::tickets::TicketRow;
use ferrodesk_domain::{OrgId, Role, TicketId, UserId};
use redis::AsyncCommands;
use redis::aio::ConnectionManager;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// How long a publish may wait on Redis before it is given up.
const PUBLISH_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Created,
    Updated,
    /// A reply or an internal note was added.
    Message,
}

/// What subscribers learn: which ticket changed and how, plus what decides who may learn it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketChange {
    pub ticket_id: TicketId,
    /// e.g. INC-0042.
    pub number: String,
    pub kind: ChangeKind,
    pub requester_id: Option<UserId>,
    /// Only staff may know of it (an internal note).
    pub staff_only: bool,
}

impl TicketChange {
    pub fn of(ticket: &TicketRow, kind: ChangeKind) -> Self {
        Self {
            ticket_id: TicketId::from_uuid(ticket.id),
            number: ticket.number().to_string(),
            kind,
            requester_id: ticket.requester_id.map(UserId::from_uuid),
            staff_only: false,
        }
    }

    /// An internal note: requesters and stakeholders never hear of it.
    pub fn staff_only(self) -> Self {
        Self { staff_only: true, ..self }
    }

    /// Whether a member of the organisation may hear of this change: what they could read.
    /// Staff see every ticket; stakeholders every ticket but not internal notes; requesters only
    /// their own tickets, never internal notes.
    pub fn visible_to(&self, user: UserId, role: Role) -> bool {
        match role {
            Role::Owner | Role::Admin | Role::Agent => true,
            Role::Stakeholder => !self.staff_only,
            Role::Requester => !self.staff_only && self.requester_id == Some(user),
        }
    }
}

/// The channel of one organisation.
pub fn channel(key_prefix: &str, org: OrgId) -> String {
    format!("{key_prefix}live:{org}")
}

/// The organisation a channel belongs to, if it is one of ours.
pub fn org_of_channel(key_prefix: &str, channel: &str) -> Option<OrgId> {
    let id = channel.strip_prefix(key_prefix)?.strip_prefix("live:")?;
    Uuid::parse_str(id).ok().map(OrgId::from_uuid)
}

/// Publishes committed ticket changes.
#[derive(Clone)]
pub struct LivePublisher {
    redis: ConnectionManager,
    key_prefix: String,
}

impl LivePublisher {
    pub fn new(redis: ConnectionManager, key_prefix: &str) -> Self {
        Self { redis, key_prefix: key_prefix.to_owned() }
    }

    /// Connects to Redis (the worker's publisher; it reconnects by itself after that).
    pub async fn connect(url: &str, key_prefix: &str) -> anyhow::Result<Self> {
        let client =
            redis::Client::open(url).map_err(|_| anyhow::anyhow!("REDIS_URL is not a valid Redis URL"))?;
        let redis = tokio::time::timeout(PUBLISH_TIMEOUT, ConnectionManager::new(client))
            .await
            .map_err(|_| anyhow::anyhow!("connecting to Redis timed out"))??;
        Ok(Self::new(redis, key_prefix))
    }

    /// Sends the change in the background and returns at once; failures are logged. Call it only
    /// after the transaction that made the change has committed.
    pub fn publish(&self, org: OrgId, change: TicketChange) {
        let mut redis = self.redis.clone();
        let channel = channel(&self.key_prefix, org);
        tokio::spawn(async move {
            let payload = match serde_json::to_string(&change) {
                Ok(p) => p,
                Err(e) => {
                    tracing::warn!(error = %e, "encoding a live ticket change");
                    return;
                }
            };
            match tokio::time::timeout(PUBLISH_TIMEOUT, redis.publish::<_, _, i64>(&channel, payload)).await {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => tracing::warn!(error = %e, %channel, "publishing a live ticket change"),
                Err(_) => tracing::warn!(%channel, "publishing a live ticket change timed out"),
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(requester: Option<UserId>) -> TicketChange {
        TicketChange {
            ticket_id: TicketId::generate(),
            number: "INC-0001".into(),
            kind: ChangeKind::Updated,
            requester_id: requester,
            staff_only: false,
        }
    }

    #[test]
    fn requesters_hear_only_of_their_own_tickets_and_never_of_notes() {
        let jane = UserId::generate();
        let joe = UserId::generate();
        let hers = change(Some(jane));
        assert!(hers.visible_to(jane, Role::Requester));
        assert!(!hers.visible_to(joe, Role::Requester));
        assert!(!change(None).visible_to(jane, Role::Requester));
        assert!(!hers.clone().staff_only().visible_to(jane, Role::Requester));
        assert!(hers.visible_to(joe, Role::Stakeholder));
        assert!(!hers.clone().staff_only().visible_to(joe, Role::Stakeholder));
        for staff in [Role::Owner, Role::Admin, Role::Agent] {
            assert!(hers.clone().staff_only().visible_to(joe, staff));
        }
    }

    #[test]
    fn channels_round_trip_and_foreign_channels_are_ignored() {
        let org = OrgId::generate();
        let name = channel("fd:", org);
        assert_eq!(name, format!("fd:live:{org}"));
        assert_eq!(org_of_channel("fd:", &name), Some(org));
        assert_eq!(org_of_channel("other:", &name), None);
        assert_eq!(org_of_channel("fd:", "fd:live:not-a-uuid"), None);
    }

    #[test]
    fn changes_survive_the_wire() {
        let c = change(Some(UserId::generate())).staff_only();
        let wire = serde_json::to_string(&c).unwrap();
        assert_eq!(serde_json::from_str::<TicketChange>(&wire).unwrap(), c);
    }
}
