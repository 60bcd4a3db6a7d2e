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
}

impl RateLimiter {
    pub fn new(redis: ConnectionManager, key_prefix: &str) -> Self {
        // Returns {count, ttl}: the window starts with the first hit.
        let script = Script::new(
            r"local n = redis.call('INCR', KEYS[1])
              if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
              return {n, redis.call('TTL', KEYS[1])}",
        );
        Self { redis, prefix: key_prefix.to_owned(), script }
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
