//! Persistence: the connection pools, the tenant transaction (the only way to reach tenant tables),
//! the named system functions that cross tenants, migrations and role bootstrap.
//!
//! Row-level security in Postgres is the isolation boundary; this crate's job is to make the
//! right way the easy way: `Db::enter` opens a transaction whose first statement sets the tenant.

pub mod accounts;
pub mod billing;
mod bootstrap;
pub mod classification;
mod config_cache;
pub mod demo;
mod error;
pub mod events;
mod gate;
pub mod intake;
mod lane;
pub mod links;
pub mod mail;
pub mod notifications;
pub mod numbering;
pub mod reports;
pub mod sla;
mod tenant;
pub mod tickets;

pub use bootstrap::{BootstrapPlan, bootstrap_cluster, migrate, migrations_fingerprint};
pub use error::DbError;
pub use lane::Held as Conn;
pub use tenant::{Actor, Db, RuntimeRoleError, Service, SystemTx, TenantTx};

pub use sqlx::PgPool;
