//! End-to-end tests: the real gateway on port 0 over real Postgres (as the runtime role) and Redis.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers, not production code

mod accounts;
mod attachments;
mod attacks;
mod billing;
mod classification;
mod create_path;
mod demo;
mod errors;
mod isolation;
mod jobs;
mod links;
mod live;
mod mail;
mod mail_batch;
mod numbering;
mod page_cache;
mod pool;
mod rate_limits;
mod reports;
mod schema_guard;
mod sla;
mod tickets;
