use chrono::{DateTime, Utc};
use ferrodesk_domain::{OrgId, UserId};
use redis::AsyncCommands;
use redis::aio::ConnectionManager;
use serde::{Deserialize, Serialize};

use super::{SESSION_TOKEN_PREFIX, new_token, token_hash};
use crate::{AppError, Principal};

/// How long a session lives without use. Each use extends it.
const SESSION_TTL_SECS: u64 = 14 * 24 * 3600;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Session {
    pub org_id: OrgId,
    pub user_id: UserId,
    pub created_at: DateTime<Utc>,
    /// Seconds the session lives without use, when not the default (demo sessions are short).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_secs: Option<u64>,
}

/// What a request presented to prove who it is.
#[derive(Clone, Debug)]
pub enum Credential {
    Session(String),
    ApiToken(String),
}

impl Credential {
    /// Classifies a bearer token or cookie value by its prefix.
    pub fn from_token(token: &str) -> Option<Self> {
        if token.starts_with(SESSION_TOKEN_PREFIX) {
            Some(Self::Session(token.to_owned()))
        } else if token.starts_with(super::API_TOKEN_PREFIX) {
            Some(Self::ApiToken(token.to_owned()))
        } else {
            None
        }
    }
}

/// Sessions in Redis, keyed by the SHA-256 of the token (a leaked Redis dump holds no tokens).
#[derive(Clone)]
pub struct SessionStore {
    redis: ConnectionManager,
    prefix: String,
}

impl SessionStore {
    pub fn new(redis: ConnectionManager, key_prefix: &str) -> Self {
        Self { redis, prefix: key_prefix.to_owned() }
    }

    fn key(&self, token: &str) -> String {
        format!("{}session:{}", self.prefix, hex::encode(token_hash(token)))
    }

    /// Starts a session and returns its token.
    pub async fn create(&self, principal: Principal) -> Result<String, AppError> {
        self.start(principal, None).await
    }

    /// Starts a session that ends after `idle_secs` without use.
    pub async fn create_with_ttl(&self, principal: Principal, idle_secs: u64) -> Result<String, AppError> {
        self.start(principal, Some(idle_secs)).await
    }

    async fn start(&self, principal: Principal, idle_secs: Option<u64>) -> Result<String, AppError> {
        let token = new_token(SESSION_TOKEN_PREFIX);
        let session = Session {
            org_id: principal.org_id,
            user_id: principal.user_id,
            created_at: Utc::now(),
            idle_secs,
        };
        let value = serde_json::to_string(&session).map_err(|e| AppError::Internal(e.into()))?;
        let mut redis = self.redis.clone();
        let ttl = idle_secs.unwrap_or(SESSION_TTL_SECS);
        let _: () = redis.set_ex(self.key(&token), value, ttl).await?;
        Ok(token)
    }

    /// The live session for a token, extending its lifetime.
    pub async fn get(&self, token: &str) -> Result<Option<Principal>, AppError> {
        let mut redis = self.redis.clone();
        let key = self.key(token);
        // One round trip for ordinary sessions; a short-lived one is set back to its own
        // lifetime with a second.
        let value: Option<String> = redis.get_ex(&key, redis::Expiry::EX(SESSION_TTL_SECS)).await?;
        let Some(session) = value.and_then(|v| serde_json::from_str::<Session>(&v).ok()) else {
            return Ok(None);
        };
        if let Some(idle) = session.idle_secs {
            let _: () = redis.expire(&key, idle as i64).await?;
        }
        Ok(Some(Principal { org_id: session.org_id, user_id: session.user_id }))
    }

    pub async fn revoke(&self, token: &str) -> Result<(), AppError> {
        let mut redis = self.redis.clone();
        let _: () = redis.del(self.key(token)).await?;
        Ok(())
    }
}
