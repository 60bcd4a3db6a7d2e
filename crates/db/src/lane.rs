//! Connections kept out of sqlx's pool between uses, so that each use is not followed by a ping.
//!
//! sqlx 0.9 sends a `Sync` and waits for PostgreSQL's answer every time a connection goes back
//! to its pool (`return_to_pool` in `sqlx-core`), whatever the pool's options say: one round trip
//! more than the work itself, for every transaction and every lone statement. A kept page's
//! request is one statement, so that ping was half its database round trips.
//!
//! The lane holds up to `cap` connections taken from the pool and hands them out again without
//! returning them to it. A connection comes back to the lane only through [`Held::release`],
//! which callers use once they know it is idle (no transaction open, nothing unread); a [`Held`]
//! dropped any other way (an error, a caller that gave up mid-statement) goes back to the pool,
//! whose ping reads whatever was left unread. Connections also go back to the pool after 60 s
//! idle in the lane, or 30 minutes in its hands, so that the pool's own limits still apply. The
//! pool keeps at least one connection (an eighth of them when it has more) out of the lane's
//! reach, so work that takes connections from the pool directly (sign-up, login, sqlx
//! `Transaction`s) is never locked out by it.

use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use sqlx::pool::PoolConnection;
use sqlx::{Connection, PgConnection, PgPool, Postgres};

/// A connection idle in the lane this long is pinged before it is handed out (as the pool does
/// for its own).
const PING_WHEN_IDLE_FOR: Duration = Duration::from_secs(5);
/// A connection idle in the lane this long goes back to the pool, so that the pool's idle
/// timeout and maximum lifetime apply to it again once the load that needed it has gone.
const RETURN_WHEN_IDLE_FOR: Duration = Duration::from_secs(60);
/// A connection the lane has held this long goes back to the pool at its next release, even
/// under constant load, so that the pool's maximum lifetime (30 minutes by default) still
/// recycles it: a server process does not live on for ever with whatever it accumulated.
const RETURN_WHEN_HELD_FOR: Duration = Duration::from_secs(30 * 60);

#[derive(Debug)]
pub(crate) struct Lane {
    pool: PgPool,
    cap: usize,
    state: Mutex<LaneState>,
}

#[derive(Debug)]
struct Idle {
    conn: PoolConnection<Postgres>,
    since: Instant,
    /// When the lane took it from the pool.
    taken: Instant,
}

#[derive(Debug, Default)]
struct LaneState {
    /// Most recently used last: handed out first, while the oldest age out.
    idle: Vec<Idle>,
    /// Connections the lane holds, idle or handed out.
    owned: usize,
}

impl Lane {
    pub(crate) fn new(pool: PgPool) -> Arc<Self> {
        let max = pool.options().get_max_connections() as usize;
        let cap = max.saturating_sub((max / 8).max(1));
        Arc::new(Self { pool, cap, state: Mutex::default() })
    }

    fn state(&self) -> std::sync::MutexGuard<'_, LaneState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A connection from the lane, or else from the pool (kept by the lane afterwards while it
    /// holds fewer than its cap).
    pub(crate) async fn acquire(self: &Arc<Self>) -> Result<Held, sqlx::Error> {
        loop {
            let Some(Idle { conn, since, taken }) = self.state().idle.pop() else { break };
            let mut held = Held { conn: Some(conn), lane: self.clone(), owned: true, taken };
            if since.elapsed() < PING_WHEN_IDLE_FOR {
                return Ok(held);
            }
            match held.ping().await {
                Ok(()) => return Ok(held),
                // Gone while idle (a restarted server, a firewall): drop it and try the next.
                Err(_) => held.discard(),
            }
        }
        let conn = self.pool.acquire().await?;
        let owned = {
            let mut state = self.state();
            let owned = state.owned < self.cap;
            state.owned += usize::from(owned);
            owned
        };
        Ok(Held { conn: Some(conn), lane: self.clone(), owned, taken: Instant::now() })
    }

    fn put_back(&self, conn: PoolConnection<Postgres>, taken: Instant) {
        let now = Instant::now();
        let mut state = self.state();
        if now - taken >= RETURN_WHEN_HELD_FOR {
            state.owned -= 1;
            drop(state);
            // Back to the pool, outside the lock.
            drop(conn);
            return;
        }
        state.idle.push(Idle { conn, since: now, taken });
        let aged = state.idle.first().is_some_and(|idle| now - idle.since >= RETURN_WHEN_IDLE_FOR);
        let aged = aged.then(|| {
            state.owned -= 1;
            state.idle.remove(0)
        });
        drop(state);
        drop(aged);
    }
}

/// A connection handed out by the [`Lane`]. Dereferences to the connection.
pub struct Held {
    /// `None` only once released or discarded.
    conn: Option<PoolConnection<Postgres>>,
    lane: Arc<Lane>,
    /// Whether it goes back to the lane when released (else to the pool).
    owned: bool,
    /// When the lane took it from the pool.
    taken: Instant,
}

impl Held {
    /// Gives the connection back for the next use. Only for a connection known to be idle: no
    /// transaction open and nothing unread.
    pub fn release(mut self) {
        if let Some(conn) = self.conn.take()
            && self.owned
        {
            self.owned = false;
            self.lane.put_back(conn, self.taken);
        }
    }

    /// Closes the connection instead of reusing it.
    pub(crate) fn discard(mut self) {
        if let Some(conn) = self.conn.as_mut() {
            conn.close_on_drop();
        }
    }

    /// Moves the connection into a new `Held`, leaving this one empty (for work that must
    /// outlive the value it is in, such as a rollback after the transaction was dropped).
    pub(crate) fn take(&mut self) -> Self {
        Self {
            conn: self.conn.take(),
            lane: self.lane.clone(),
            owned: std::mem::take(&mut self.owned),
            taken: self.taken,
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.conn.is_none()
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        if self.conn.is_some() && self.owned {
            self.lane.state().owned -= 1;
        }
        // The connection itself goes back to the pool as it drops.
    }
}

impl Deref for Held {
    type Target = PgConnection;

    fn deref(&self) -> &PgConnection {
        match &self.conn {
            Some(conn) => conn,
            None => unreachable!("a released connection is not used again"),
        }
    }
}

impl DerefMut for Held {
    fn deref_mut(&mut self) -> &mut PgConnection {
        match &mut self.conn {
            Some(conn) => conn,
            None => unreachable!("a released connection is not used again"),
        }
    }
}
