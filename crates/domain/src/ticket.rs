use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::FieldError;

macro_rules! db_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The spelling stored in the database.
            pub const fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }
        }

        impl FromStr for $name {
            type Err = FieldError;

            fn from_str(s: &str) -> Result<Self, FieldError> {
                match s {
                    $($text => Ok(Self::$variant),)+
                    other => Err(FieldError::new(stringify!($name), format!("unknown value {other:?}"))),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

db_enum!(
    /// A member's role in one organisation.
    Role {
        Owner => "owner",
        Admin => "admin",
        Agent => "agent",
        Stakeholder => "stakeholder",
        Requester => "requester",
    }
);

impl Role {
    /// Owners and admins manage the organisation.
    pub const fn is_admin(self) -> bool {
        matches!(self, Self::Owner | Self::Admin)
    }

    /// Staff work tickets and see internal notes.
    pub const fn is_staff(self) -> bool {
        matches!(self, Self::Owner | Self::Admin | Self::Agent)
    }
}

db_enum!(
    TicketKind {
        Incident => "incident",
        ServiceRequest => "service_request",
    }
);

impl TicketKind {
    /// The prefix of the human ticket number.
    pub const fn prefix(self) -> &'static str {
        match self {
            Self::Incident => "INC",
            Self::ServiceRequest => "REQ",
        }
    }
}

db_enum!(
    TicketStatus {
        New => "new",
        Open => "open",
        Pending => "pending",
        Resolved => "resolved",
        Closed => "closed",
    }
);

impl TicketStatus {
    /// Statuses in which a ticket is still work to do.
    pub const ACTIVE: &'static [Self] = &[Self::New, Self::Open, Self::Pending];

    pub const fn is_active(self) -> bool {
        matches!(self, Self::New | Self::Open | Self::Pending)
    }
}

db_enum!(
    Impact {
        High => "high",
        Medium => "medium",
        Low => "low",
    }
);

db_enum!(
    Urgency {
        High => "high",
        Medium => "medium",
        Low => "low",
    }
);

db_enum!(
    /// Where a ticket or message came from.
    Channel {
        Web => "web",
        Portal => "portal",
        Email => "email",
        Api => "api",
        Phone => "phone",
    }
);

/// P1 (critical) to P4 (low). Stored as 1–4 so that ordering by priority is numeric.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Priority {
    P1 = 1,
    P2 = 2,
    P3 = 3,
    P4 = 4,
}

impl Priority {
    pub const fn level(self) -> i16 {
        self as i16
    }

    pub fn from_level(level: i16) -> Result<Self, FieldError> {
        match level {
            1 => Ok(Self::P1),
            2 => Ok(Self::P2),
            3 => Ok(Self::P3),
            4 => Ok(Self::P4),
            other => Err(FieldError::new("priority", format!("unknown priority level {other}"))),
        }
    }

    /// The ITIL impact × urgency matrix.
    pub const fn from_matrix(impact: Impact, urgency: Urgency) -> Self {
        match (impact, urgency) {
            (Impact::High, Urgency::High) => Self::P1,
            (Impact::High, Urgency::Medium) | (Impact::Medium, Urgency::High) => Self::P2,
            (Impact::High, Urgency::Low)
            | (Impact::Medium, Urgency::Medium)
            | (Impact::Low, Urgency::High) => Self::P3,
            (Impact::Medium, Urgency::Low) | (Impact::Low, Urgency::Medium) | (Impact::Low, Urgency::Low) => {
                Self::P4
            }
        }
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "P{}", self.level())
    }
}

/// A ticket's human number such as `INC-1042`: unique per organisation and kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TicketNumber {
    pub kind: TicketKind,
    pub number: i32,
}

impl TicketNumber {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let invalid = || FieldError::new("number", "a ticket number looks like INC-1042 or REQ-0007");
        let (prefix, digits) = raw.trim().split_once('-').ok_or_else(invalid)?;
        let kind = match prefix.to_ascii_uppercase().as_str() {
            "INC" => TicketKind::Incident,
            "REQ" => TicketKind::ServiceRequest,
            _ => return Err(invalid()),
        };
        if digits.is_empty() || digits.len() > 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid());
        }
        let number: i32 = digits.parse().map_err(|_| invalid())?;
        if number == 0 {
            return Err(invalid());
        }
        Ok(Self { kind, number })
    }
}

impl fmt::Display for TicketNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:04}", self.kind.prefix(), self.number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticket_numbers_round_trip() {
        let n = TicketNumber::parse("inc-42");
        assert_eq!(n, Ok(TicketNumber { kind: TicketKind::Incident, number: 42 }));
        assert_eq!(n.map(|n| n.to_string()), Ok("INC-0042".to_owned()));
        assert_eq!(TicketNumber::parse("REQ-12345").map(|n| n.to_string()), Ok("REQ-12345".to_owned()));
        for bad in ["INC", "INC-", "INC-0", "CHG-1", "INC-12a", "INC--1", "INC-99999999999"] {
            assert!(TicketNumber::parse(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn priority_matrix_is_symmetric_and_ordered() {
        assert_eq!(Priority::from_matrix(Impact::High, Urgency::High), Priority::P1);
        assert_eq!(Priority::from_matrix(Impact::Low, Urgency::Low), Priority::P4);
        assert_eq!(
            Priority::from_matrix(Impact::High, Urgency::Low),
            Priority::from_matrix(Impact::Low, Urgency::High)
        );
        assert!(Priority::P1 < Priority::P4);
    }

    #[test]
    fn enums_round_trip_through_their_database_spelling() {
        for s in TicketStatus::ALL {
            assert_eq!(s.as_str().parse::<TicketStatus>(), Ok(*s));
        }
        assert!("reopened".parse::<TicketStatus>().is_err());
    }
}
