//! Ferrodesk's vocabulary: identifiers, validated values and the ticket model's enums.
//!
//! Everything that arrives from outside is parsed into one of these types at the edge, so the
//! layers below never re-check a slug, an email or a priority.

mod ids;
mod input;
mod notice;
mod records;
mod ticket;

pub use ids::{CategoryId, DepartmentId, EventId, MessageId, OrgId, TicketId, TokenId, UserId};
pub use input::{Email, FieldError, OrgName, Password, PersonName, Slug, Subject, TagName};
pub use notice::Notice;
pub use records::{LinkRelation, RecordKind, RecordRef};
pub use ticket::{Channel, Impact, Priority, Role, TicketKind, TicketNumber, TicketStatus, Urgency};
