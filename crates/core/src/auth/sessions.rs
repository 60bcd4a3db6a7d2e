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
    /// Seconds after `created_at` the session ends however much it is used (demo sessions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_secs: Option<u64>,
}

/// How a session may live: the default, or short and bounded (the demo's).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lifetime {
    pub idle_secs: u64,
    pub max_secs: Option<u64>,
}

impl Lifetime {
    pub const DEFAULT: Self = Self { idle_secs: SESSION_TTL_SECS, max_secs: None };
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

    /// The set of a person's session keys, so that all of them can end at once.
    fn person_key(&self, user_id: UserId) -> String {
        format!("{}sessions-of:{user_id}", self.prefix)
    }

    /// Starts a session and returns its token.
    pub async fn create(&self, principal: Principal) -> Result<String, AppError> {
        self.create_with(principal, Lifetime::DEFAULT).await
    }

    /// Starts a session with its own lifetime.
    pub async fn create_with(&self, principal: Principal, lifetime: Lifetime) -> Result<String, AppError> {
        let token = new_token(SESSION_TOKEN_PREFIX);
        let session = Session {
            org_id: principal.org_id,
            user_id: principal.user_id,
            created_at: Utc::now(),
            idle_secs: (lifetime.idle_secs != SESSION_TTL_SECS).then_some(lifetime.idle_secs),
            max_secs: lifetime.max_secs,
        };
        let value = serde_json::to_string(&session).map_err(|e| AppError::Internal(e.into()))?;
        let mut redis = self.redis.clone();
        let key = self.key(&token);
        let person = self.person_key(principal.user_id);
        let mut pipe = redis::pipe();
        pipe.atomic().set_ex(&key, value, lifetime.idle_secs);
        // A bounded session (the demo's: thousands a day for one person, who never resets a
        // password) ends by itself and is not indexed.
        if lifetime.max_secs.is_none() {
            pipe.sadd(&person, &key).expire(&person, SESSION_TTL_SECS as i64);
        }
        let _: () = pipe.query_async(&mut redis).await?;
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
        if let Some(max) = session.max_secs
            && session.created_at + chrono::Duration::seconds(i64::try_from(max).unwrap_or(i64::MAX))
                <= Utc::now()
        {
            let _: () = redis.del(&key).await?;
            return Ok(None);
        }
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

    /// Ends every session of a person (a new password, a new address), except `keep` (the
    /// session that made the change, when it should go on).
    pub async fn revoke_all(&self, user_id: UserId, keep: Option<&str>) -> Result<(), AppError> {
        let mut redis = self.redis.clone();
        let person = self.person_key(user_id);
        let keys: Vec<String> = redis.smembers(&person).await?;
        let keep = keep.map(|t| self.key(t));
        let ending: Vec<&String> = keys.iter().filter(|k| Some(*k) != keep.as_ref()).collect();
        if ending.is_empty() {
            return Ok(());
        }
        let mut pipe = redis::pipe();
        for key in &ending {
            pipe.del(*key).srem(&person, *key);
        }
        let _: () = pipe.query_async(&mut redis).await?;
        Ok(())
    }
}
