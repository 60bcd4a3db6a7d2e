//! Records of any kind, as the seams shared by every module see them: numbers, links, audit.

use std::fmt;
use std::str::FromStr;

use uuid::Uuid;

/// The kinds of record that link to one another. A module whose records link adds its kind here
/// and to the `record_links` kind check and `fd_lock_record` in its migration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordKind {
    Ticket,
}

impl RecordKind {
    pub const ALL: &'static [Self] = &[Self::Ticket];

    /// As `record_links` and `events.subject_type` store it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ticket => "ticket",
        }
    }
}

impl FromStr for RecordKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .iter()
            .copied()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("unknown record kind {s:?}"))
    }
}

impl fmt::Display for RecordKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One record of an organisation, whatever its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RecordRef {
    pub kind: RecordKind,
    pub id: Uuid,
}

/// How one record stands to another it links to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LinkRelation {
    /// About the same thing.
    RelatesTo,
    /// The same request again: the source is the duplicate of the target.
    Duplicates,
    /// The source happened because of the target (an incident caused by a change).
    CausedBy,
}

impl LinkRelation {
    pub const ALL: &'static [Self] = &[Self::RelatesTo, Self::Duplicates, Self::CausedBy];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::RelatesTo => "relates_to",
            Self::Duplicates => "duplicates",
            Self::CausedBy => "caused_by",
        }
    }
}

impl FromStr for LinkRelation {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .iter()
            .copied()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| format!("unknown link relation {s:?}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_relations_round_trip_through_their_database_spelling() {
        for k in RecordKind::ALL {
            assert_eq!(k.as_str().parse::<RecordKind>(), Ok(*k));
        }
        for r in LinkRelation::ALL {
            assert_eq!(r.as_str().parse::<LinkRelation>(), Ok(*r));
        }
        assert!("change".parse::<RecordKind>().is_err());
        assert!("blocks".parse::<LinkRelation>().is_err());
    }
}
