//! Authentication: password hashing, opaque tokens, Redis-backed sessions and rate limits.

pub mod links;
mod password;
mod rate_limit;
mod sessions;

pub use links::{LinkKey, LinkPurpose};
pub use password::{hash_password, verify_password};
pub use rate_limit::{RateLimit, RateLimiter};
pub use sessions::{Credential, Lifetime, Session, SessionStore};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Prefix of session tokens (from logIn / signUp / acceptInvitation).
pub const SESSION_TOKEN_PREFIX: &str = "fds_";
/// Prefix of personal API tokens.
pub const API_TOKEN_PREFIX: &str = "fdp_";

/// A new random token (256 bits) with a readable prefix. Only its SHA-256 is ever stored.
pub fn new_token(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))
}

pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Compares a secret someone sent with the one expected in time that depends on their lengths
/// only, so the answer's timing tells nothing of how much of a guess was right.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
