//! How many member transactions one organisation may have open at once in this process: a share
//! of the pool, so that no tenant, however many requests it sends (or the public demo with all
//! its visitors), can take every connection and starve the others (docs/SECURITY.md, "No request
//! takes more than its share"). A request over its organisation's share waits for a turn; one
//! that waits too long is refused as busy, and other organisations never wait for it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use ferrodesk_domain::OrgId;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::DbError;

/// The longest a member's transaction waits for its organisation's turn.
const WAIT: Duration = Duration::from_secs(5);

#[derive(Debug)]
pub(crate) struct OrgGate {
    per_org: usize,
    open: Mutex<HashMap<OrgId, Arc<Semaphore>>>,
}

impl OrgGate {
    /// A gate that lets each organisation hold `per_org` transactions at once.
    pub(crate) fn new(per_org: usize) -> Arc<Self> {
        Arc::new(Self { per_org: per_org.max(1), open: Mutex::default() })
    }

    /// For a pool of `connections`: a quarter of it, and at least two.
    pub(crate) fn share_of(connections: u32) -> usize {
        (usize::try_from(connections).unwrap_or(usize::MAX) / 4).max(2)
    }

    /// Waits for one of the organisation's turns. `DbError::Busy` after [`WAIT`].
    pub(crate) async fn enter(self: &Arc<Self>, org: OrgId) -> Result<OrgTurn, DbError> {
        let semaphore = {
            let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
            open.entry(org).or_insert_with(|| Arc::new(Semaphore::new(self.per_org))).clone()
        };
        // Made before waiting, so that however the wait ends (a timeout, a cancelled request),
        // dropping it tidies up.
        let mut turn = OrgTurn { permit: None, semaphore: Some(semaphore.clone()), org, gate: self.clone() };
        match tokio::time::timeout(WAIT, semaphore.acquire_owned()).await {
            Ok(Ok(permit)) => {
                turn.permit = Some(permit);
                Ok(turn)
            }
            // The semaphore is never closed.
            _ => Err(DbError::Busy),
        }
    }
}

/// One of an organisation's turns, held for as long as its transaction is open.
#[derive(Debug)]
pub(crate) struct OrgTurn {
    permit: Option<OwnedSemaphorePermit>,
    semaphore: Option<Arc<Semaphore>>,
    org: OrgId,
    gate: Arc<OrgGate>,
}

impl Drop for OrgTurn {
    /// An organisation nobody holds or waits for is forgotten, so the map holds only the busy.
    fn drop(&mut self) {
        self.permit.take();
        self.semaphore.take();
        let mut open = self.gate.open.lock().unwrap_or_else(PoisonError::into_inner);
        if open.get(&self.org).is_some_and(|s| Arc::strong_count(s) == 1) {
            open.remove(&self.org);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_organisation_waits_for_its_own_turns_and_no_other() {
        let gate = OrgGate::new(2);
        let (a, b) = (OrgId::generate(), OrgId::generate());
        let first = gate.enter(a).await.unwrap();
        let _second = gate.enter(a).await.unwrap();
        let third = tokio::time::timeout(Duration::from_millis(50), gate.enter(a)).await;
        assert!(third.is_err(), "a third of A's waits");
        let other = tokio::time::timeout(Duration::from_millis(50), gate.enter(b)).await;
        assert!(matches!(other, Ok(Ok(_))), "B does not wait for A");
        drop(other);
        drop(first);
        assert!(gate.enter(a).await.is_ok(), "A's turn came back");
    }

    #[tokio::test]
    async fn the_gate_forgets_organisations_nobody_holds() {
        let gate = OrgGate::new(1);
        let turn = gate.enter(OrgId::generate()).await.unwrap();
        assert_eq!(gate.open.lock().unwrap().len(), 1);
        drop(turn);
        assert!(gate.open.lock().unwrap().is_empty());
    }
}
