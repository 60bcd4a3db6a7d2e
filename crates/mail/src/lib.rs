//! Email without a database (docs/ARCHITECTURE.md §Email): the SMTP/LMTP listener, reading and
//! classifying inbound mail, composing outbound mail and the transports that send it, and the
//! content-addressed store for attachments. The worker wires these to Postgres through
//! `ferrodesk-core`; keeping them pure makes them easy to test and to fuzz.

pub mod address;
pub mod auth;
pub mod inbound;
pub mod outbound;
pub mod smtp;
pub mod store;
mod trim;

pub use address::{InboundAddress, normalize_address, reply_token};
pub use inbound::{Attachment, DeliveryFailure, InboundMail, MailClass, Mailbox, ParseError};
pub use trim::trim_reply;
