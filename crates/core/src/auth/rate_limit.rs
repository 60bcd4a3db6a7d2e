use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use redis::Script;
use redis::aio::ConnectionManager;

use crate::AppError;

/// A fixed-window limit: at most `max` hits per `window_secs`.
#[derive(Clone, Copy, Debug)]
pub struct RateLimit {
    pub max: u32,
    pub window_secs: u64,
}

/// Counters in Redis, so every gateway replica shares them. A window starts with its first hit.
///
/// [`RateLimiter::hit`] sends every hit to Redis. [`RateLimiter::hit_all`], which counts every
/// request, sends a bucket's hits in batches: a process admits up to [`batch`] hits of a bucket
/// before it adds them in Redis, deciding meanwhile from the count Redis last gave it plus its
/// own. With one process that is exact; each further replica can let through at most
/// `batch - 1` hits it has not yet told the others of. Limits under 128 a window are counted hit
/// by hit, as `hit` counts them (a test holds the two to the same answers).
#[derive(Clone)]
pub struct RateLimiter {
    redis: ConnectionManager,
    prefix: String,
    script: Script,
    /// Adds hits to several buckets at once ([`RateLimiter::hit_all`]).
    add: Script,
    tally: Arc<Mutex<HashMap<String, Local>>>,
}

/// One bucket's count in its current window, as this process knows it.
#[derive(Debug)]
struct Local {
    /// When the window ends (Unix seconds), as Redis last said.
    ends: u64,
    /// Every replica's hits when Redis last answered.
    shared: u64,
    /// Hits admitted here and not yet added in Redis.
    pending: u64,
    /// Hits on their way to Redis.
    sending: u64,
}

/// Most hits of one bucket this process admits before adding them in Redis.
const MAX_BATCH: u64 = 16;
/// Buckets counted here at once; beyond, a new bucket's hits go to Redis one by one.
const MAX_LOCAL_BUCKETS: usize = 100_000;

/// Hits of a bucket with a limit of `max` that go to Redis together: a 64th of the limit,
/// between 1 and [`MAX_BATCH`].
fn batch(max: u32) -> u64 {
    (u64::from(max) / 64).clamp(1, MAX_BATCH)
}

fn unix_secs() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

impl RateLimiter {
    pub fn new(redis: ConnectionManager, key_prefix: &str) -> Self {
        // Returns {count, ttl}: the window starts with the first hit.
        let script = Script::new(
            r"local n = redis.call('INCR', KEYS[1])
              if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
              return {n, redis.call('TTL', KEYS[1])}",
        );
        // KEYS: the buckets; ARGV[1]: their window; ARGV[i + 1]: the hits to add to bucket i.
        // Returns {count, ttl} of every bucket in turn; a window starts with its first hits.
        let add = Script::new(
            r"local out = {}
              for i, key in ipairs(KEYS) do
                local hits = tonumber(ARGV[i + 1])
                local n = redis.call('INCRBY', key, hits)
                if n == hits then redis.call('EXPIRE', key, ARGV[1]) end
                out[2 * i - 1] = n
                out[2 * i] = redis.call('TTL', key)
              end
              return out",
        );
        Self { redis, prefix: key_prefix.to_owned(), script, add, tally: Arc::default() }
    }

    /// Counts a hit on each of `buckets` (name and most hits per window of `window_secs`);
    /// `RATE_LIMITED` with the wait of one over its limit. Buckets with a limit of 0 are not
    /// counted. A hit refused without asking Redis is not counted.
    pub async fn hit_all(&self, window_secs: u64, buckets: &[(&str, u32)]) -> Result<(), AppError> {
        let now = unix_secs();
        let wait = |ends: u64| AppError::RateLimited { retry_after_secs: ends.saturating_sub(now).max(1) };
        let counted: Vec<(&str, u32)> = buckets.iter().copied().filter(|(_, max)| *max > 0).collect();
        // The hits to add in Redis now.
        let mut send: Vec<(&str, u64)> = Vec::new();
        {
            let mut tally = self.tally.lock().unwrap_or_else(PoisonError::into_inner);
            for (bucket, max) in &counted {
                if let Some(local) = tally.get(*bucket)
                    && local.ends > now
                    && local.shared + local.sending + local.pending >= u64::from(*max)
                {
                    return Err(wait(local.ends));
                }
            }
            if tally.len() >= MAX_LOCAL_BUCKETS {
                tally.retain(|_, local| local.ends > now);
            }
            for (bucket, max) in &counted {
                let local = if let Some(local) = tally.get_mut(*bucket) {
                    local
                } else if tally.len() < MAX_LOCAL_BUCKETS {
                    tally.entry((*bucket).to_owned()).or_insert(Local {
                        ends: 0,
                        shared: 0,
                        pending: 0,
                        sending: 0,
                    })
                } else {
                    send.push((bucket, 1));
                    continue;
                };
                if local.ends <= now {
                    *local = Local { ends: now + window_secs, shared: 0, pending: 0, sending: local.sending };
                }
                local.pending += 1;
                if local.pending >= batch(*max) {
                    local.sending += local.pending;
                    send.push((bucket, std::mem::take(&mut local.pending)));
                }
            }
            // The round trip carries the request's other pending hits too.
            if !send.is_empty() {
                for (bucket, _) in &counted {
                    if let Some(local) = tally.get_mut(*bucket)
                        && local.pending > 0
                    {
                        local.sending += local.pending;
                        send.push((bucket, std::mem::take(&mut local.pending)));
                    }
                }
            }
        }
        if send.is_empty() {
            return Ok(());
        }
        let mut invocation = self.add.prepare_invoke();
        for (bucket, _) in &send {
            invocation.key(format!("{}rl:{bucket}", self.prefix));
        }
        invocation.arg(window_secs);
        for (_, hits) in &send {
            invocation.arg(*hits);
        }
        let mut redis = self.redis.clone();
        let answer: Result<Vec<i64>, _> = invocation.invoke_async(&mut redis).await;
        let mut tally = self.tally.lock().unwrap_or_else(PoisonError::into_inner);
        let answer = match answer {
            Ok(answer) => answer,
            Err(e) => {
                // Not counted in Redis: the hits wait for the next round trip.
                for (bucket, hits) in &send {
                    if let Some(local) = tally.get_mut(*bucket) {
                        local.sending = local.sending.saturating_sub(*hits);
                        local.pending += hits;
                    }
                }
                return Err(e.into());
            }
        };
        let mut refused = None;
        for ((bucket, hits), pair) in send.iter().zip(answer.chunks_exact(2)) {
            let (count, ttl) = (pair[0].unsigned_abs(), pair[1]);
            let ends = now + if ttl > 0 { ttl.unsigned_abs() } else { window_secs };
            if let Some(local) = tally.get_mut(*bucket) {
                local.sending = local.sending.saturating_sub(*hits);
                // A window that ends later than the one known here is a new one, whose count
                // starts again; in the same window, an answer that overtook this one may be newer.
                local.shared = if ends > local.ends + 1 { count } else { local.shared.max(count) };
                local.ends = ends;
            }
            let max = counted.iter().find(|(b, _)| b == bucket).map_or(u32::MAX, |(_, max)| *max);
            if count > u64::from(max) && refused.is_none() {
                refused = Some(wait(ends));
            }
        }
        refused.map_or(Ok(()), Err)
    }

    /// Counts a hit on `bucket`; `RATE_LIMITED` (with the wait) once over the limit.
    pub async fn hit(&self, bucket: &str, limit: RateLimit) -> Result<(), AppError> {
        let mut redis = self.redis.clone();
        let (count, ttl): (u64, i64) = self
            .script
            .key(format!("{}rl:{bucket}", self.prefix))
            .arg(limit.window_secs)
            .invoke_async(&mut redis)
            .await?;
        if count > u64::from(limit.max) {
            return Err(AppError::RateLimited { retry_after_secs: ttl.max(1).unsigned_abs() });
        }
        Ok(())
    }

    pub async fn reset(&self, bucket: &str) -> Result<(), AppError> {
        let mut redis = self.redis.clone();
        let _: () =
            redis::cmd("DEL").arg(format!("{}rl:{bucket}", self.prefix)).query_async(&mut redis).await?;
        Ok(())
    }
}
