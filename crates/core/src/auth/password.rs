use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

use crate::AppError;

/// argon2id with the crate's defaults (19 MiB, 2 passes), on the blocking pool: a hash takes tens
/// of milliseconds and must not stall the async runtime.
pub async fn hash_password(password: &str) -> Result<String, AppError> {
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| AppError::Internal(anyhow::anyhow!("hashing a password: {e}")))
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?
}

/// Verifies against a stored hash. With no hash (unknown person, or no password yet) a dummy hash
/// is verified anyway, so the answer takes as long either way and reveals nothing.
pub async fn verify_password(password: &str, stored: Option<&str>) -> Result<bool, AppError> {
    const DUMMY: &str =
        "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$H0ebJ3Tu1pXJxVfvUW8kVsyjGHk3WkJ3nLzRbtixStg";
    let has_hash = stored.is_some();
    let password = password.to_owned();
    let stored = stored.unwrap_or(DUMMY).to_owned();
    tokio::task::spawn_blocking(move || {
        let ok = PasswordHash::new(&stored)
            .map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
            .unwrap_or(false);
        ok && has_hash
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_only_its_password() {
        let hash = hash_password("correct horse battery").await.unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", Some(&hash)).await.unwrap());
        assert!(!verify_password("wrong horse battery", Some(&hash)).await.unwrap());
        assert!(!verify_password("correct horse battery", None).await.unwrap());
    }
}
