use redis::Script;
use redis::aio::ConnectionManager;

use crate::AppError;

/// A fixed-window limit: at most `max` hits per `window_secs`.
#[derive(Clone, Copy, Debug)]
pub struct RateLimit {
    pub max: u32,
    pub window_secs: u64,
}

/// Counters in Redis, so every gateway replica shares them. One atomic script per hit.
#[derive(Clone)]
pub struct RateLimiter {
    redis: ConnectionManager,
    prefix: String,
    script: Script,
    /// Several buckets at once ([`RateLimiter::hit_all`]).
    many: Script,
}

impl RateLimiter {
    pub fn new(redis: ConnectionManager, key_prefix: &str) -> Self {
        // Returns {count, ttl}: the window starts with the first hit.
        let script = Script::new(
            r"local n = redis.call('INCR', KEYS[1])
              if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
              return {n, redis.call('TTL', KEYS[1])}",
        );
        // KEYS: the buckets; ARGV[1]: their window; ARGV[i + 1]: bucket i's limit. Counts a hit on
        // each bucket in order and stops at the first over its limit: returns {i, ttl}, or {0, 0}.
        let many = Script::new(
            r"for i, key in ipairs(KEYS) do
                local n = redis.call('INCR', key)
                if n == 1 then redis.call('EXPIRE', key, ARGV[1]) end
                if n > tonumber(ARGV[i + 1]) then return {i, redis.call('TTL', key)} end
              end
              return {0, 0}",
        );
        Self { redis, prefix: key_prefix.to_owned(), script, many }
    }

    /// Counts a hit on each of `buckets` (name and most hits), sharing one window, in one round
    /// trip; `RATE_LIMITED` with the wait of the first over its limit. Buckets with a limit of 0
    /// are not counted.
    pub async fn hit_all(&self, window_secs: u64, buckets: &[(&str, u32)]) -> Result<(), AppError> {
        let counted: Vec<&(&str, u32)> = buckets.iter().filter(|(_, max)| *max > 0).collect();
        if counted.is_empty() {
            return Ok(());
        }
        let mut invocation = self.many.prepare_invoke();
        for (bucket, _) in &counted {
            invocation.key(format!("{}rl:{bucket}", self.prefix));
        }
        invocation.arg(window_secs);
        for (_, max) in &counted {
            invocation.arg(*max);
        }
        let mut redis = self.redis.clone();
        let (over, ttl): (u64, i64) = invocation.invoke_async(&mut redis).await?;
        if over > 0 {
            return Err(AppError::RateLimited { retry_after_secs: ttl.max(1).unsigned_abs() });
        }
        Ok(())
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
