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

use ferrodesk_domain::{DepartmentId, OrgId};

use crate::sla::SlaSetupRows;

/// Past this many entries the cache starts again empty: simpler than LRU bookkeeping on every
/// hit, and at one entry per department in use it is only reached by thousands of active
/// organisations on one process.
const MAX_ENTRIES: usize = 20_000;

type SlaKey = (OrgId, Option<DepartmentId>);

#[derive(Debug, Default)]
pub(crate) struct ConfigCache {
    sla: Mutex<HashMap<SlaKey, (i64, Arc<SlaSetupRows>)>>,
}

impl ConfigCache {
    pub(crate) fn sla(&self, key: SlaKey, version: i64) -> Option<Arc<SlaSetupRows>> {
        let entries = self.sla.lock().unwrap_or_else(PoisonError::into_inner);
        entries.get(&key).filter(|(v, _)| *v == version).map(|(_, rows)| rows.clone())
    }

    pub(crate) fn keep_sla(&self, key: SlaKey, version: i64, rows: Arc<SlaSetupRows>) {
        let mut entries = self.sla.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= MAX_ENTRIES && !entries.contains_key(&key) {
            entries.clear();
        }
        entries.insert(key, (version, rows));
    }
}

/// What a member transaction knows about its organisation's configuration.
#[derive(Debug, Clone)]
pub(crate) struct ConfigSeen {
    pub(crate) version: i64,
    pub(crate) cache: Arc<ConfigCache>,
}
