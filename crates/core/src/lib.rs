//! Use cases. Each public function is one transaction (jobs it causes are enqueued inside it) and
//! returns a typed [`AppError`] that the gateway maps to a stable GraphQL error code.

pub mod accounts;
pub mod attachments;
pub mod auth;
pub mod billing;
pub mod classification;
pub mod demo;
mod error;
pub mod jobs;
pub mod live;
pub mod mail;
pub mod notices;
pub mod sandbox;
pub mod sla;
pub mod tickets;

pub use error::AppError;

use ferrodesk_db::{Db, DbError, TenantTx};
use ferrodesk_domain::{OrgId, Role, UserId};

/// A signed-in member acting in one organisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Principal {
    pub org_id: OrgId,
    pub user_id: UserId,
}

/// Opens the member's tenant transaction; a person who is no longer an active member is treated
/// as signed out.
pub async fn enter(db: &Db, principal: Principal) -> Result<TenantTx, AppError> {
    db.enter(principal.org_id, principal.user_id).await.map_err(|e| match e {
        DbError::NotAMember => AppError::Unauthenticated,
        other => other.into(),
    })
}

/// The acting member's role in an open tenant transaction.
pub fn role_of(tx: &TenantTx) -> Role {
    tx.actor().map_or(Role::Requester, |a| a.role)
}

pub fn require_staff(tx: &TenantTx) -> Result<(), AppError> {
    if role_of(tx).is_staff() {
        Ok(())
    } else {
        Err(AppError::Forbidden("only agents and admins can do this"))
    }
}

pub fn require_admin(tx: &TenantTx) -> Result<(), AppError> {
    if role_of(tx).is_admin() {
        Ok(())
    } else {
        Err(AppError::Forbidden("only owners and admins can do this"))
    }
}
