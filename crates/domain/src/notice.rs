//! Why we write to someone: the kinds of notice, named as outbound messages and notify jobs
//! store them.

use serde::{Deserialize, Serialize};

/// Why we write to someone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Notice {
    /// "We have your request" (`source` = the inbound message).
    Acknowledgement,
    /// An agent's public reply (`source` = the ticket message).
    Reply,
    /// Resolved or closed (`source` = the audit event).
    Status,
    /// The code that verifies a forwarding alias (`source` = the alias).
    AliasVerification,
    /// To the owners: the free trial ends soon (`source` = the organisation).
    TrialEnding,
    /// To the owners: a subscription payment failed (`source` = derived from the invoice id).
    PaymentFailed,
    /// An invitation to join (`source` = the invitation); its link is filled in only as it is sent.
    Invitation,
}

impl Notice {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Acknowledgement => "acknowledgement",
            Self::Reply => "reply",
            Self::Status => "status",
            Self::AliasVerification => "alias_verification",
            Self::TrialEnding => "trial_ending",
            Self::PaymentFailed => "payment_failed",
            Self::Invitation => "invitation",
        }
    }
}
