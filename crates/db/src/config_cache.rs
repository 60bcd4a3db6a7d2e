//! Configuration that every ticket creation reads and that rarely changes, kept between
//! transactions. An entry is valid while the organisation's `config_version` is the one it was
//! read under: `fd_enter` returns the current version at the start of each member transaction,
//! and triggers bump it with any change to what the entry was built from (migration
//! `…09_create_path`).
//!
//! A version read at the start of a transaction may be older than the rows a later statement of
//! the same transaction reads: an entry can then hold newer rows under an older version, which
//! costs one reload when the newer version is seen, never a stale answer.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use ferrodesk_domain::{CategoryId, DepartmentId, OrgId, Role, UserId};

use crate::sla::SlaSetupRows;

/// Past this many entries the cache starts again empty: simpler than LRU bookkeeping on every
/// hit, and at one entry per department in use it is only reached by thousands of active
/// organisations on one process.
const MAX_ENTRIES: usize = 20_000;

type SlaKey = (OrgId, Option<DepartmentId>);

#[derive(Debug, Default)]
pub(crate) struct ConfigCache {
    sla: Mutex<HashMap<SlaKey, (i64, Arc<SlaSetupRows>)>>,
    /// What the one-statement ticket creation assumes and then verifies in its statement
    /// (`fd_create_ticket`): a stale entry costs the ordinary path, never a wrong ticket.
    roles: Mutex<HashMap<(OrgId, UserId), Role>>,
    departments: Mutex<HashMap<(OrgId, CategoryId), DepartmentId>>,
}

/// Inserts into a map that starts again empty past [`MAX_ENTRIES`].
fn keep<K: std::hash::Hash + Eq, V>(map: &Mutex<HashMap<K, V>>, key: K, value: V) {
    let mut entries = map.lock().unwrap_or_else(PoisonError::into_inner);
    if entries.len() >= MAX_ENTRIES && !entries.contains_key(&key) {
        entries.clear();
    }
    entries.insert(key, value);
}

fn get<K: std::hash::Hash + Eq, V: Clone>(map: &Mutex<HashMap<K, V>>, key: &K) -> Option<V> {
    map.lock().unwrap_or_else(PoisonError::into_inner).get(key).cloned()
}

impl ConfigCache {
    pub(crate) fn sla(&self, key: SlaKey, version: i64) -> Option<Arc<SlaSetupRows>> {
        get(&self.sla, &key).filter(|(v, _)| *v == version).map(|(_, rows)| rows)
    }

    /// The entry last kept, whatever version it was read under.
    pub(crate) fn latest_sla(&self, key: SlaKey) -> Option<(i64, Arc<SlaSetupRows>)> {
        get(&self.sla, &key)
    }

    pub(crate) fn keep_sla(&self, key: SlaKey, version: i64, rows: Arc<SlaSetupRows>) {
        keep(&self.sla, key, (version, rows));
    }

    pub(crate) fn role(&self, org: OrgId, user: UserId) -> Option<Role> {
        get(&self.roles, &(org, user))
    }

    pub(crate) fn keep_role(&self, org: OrgId, user: UserId, role: Role) {
        keep(&self.roles, (org, user), role);
    }

    pub(crate) fn department(&self, org: OrgId, category: CategoryId) -> Option<DepartmentId> {
        get(&self.departments, &(org, category))
    }

    pub(crate) fn keep_department(&self, org: OrgId, category: CategoryId, department: DepartmentId) {
        keep(&self.departments, (org, category), department);
    }
}

/// What a member transaction knows about its organisation's configuration.
#[derive(Debug, Clone)]
pub(crate) struct ConfigSeen {
    pub(crate) version: i64,
    pub(crate) cache: Arc<ConfigCache>,
}
