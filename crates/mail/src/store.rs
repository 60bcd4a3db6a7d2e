//! Attachments are stored by content (SHA-256), so the same file sent twice is stored once and a
//! retried job that stores it again changes nothing. The local filesystem is the default store;
//! an S3-compatible one implements the same two operations.

use std::path::PathBuf;

use sha2::{Digest, Sha256};

#[derive(Debug, Clone)]
pub struct LocalStore {
    root: PathBuf,
}

impl LocalStore {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    fn path_of(&self, key: &str) -> Option<PathBuf> {
        let valid = key.len() == 64 && key.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase());
        valid.then(|| self.root.join(&key[..2]).join(&key[2..4]).join(key))
    }

    /// Stores the bytes and returns their key (lower-case hex SHA-256). Written to a temporary
    /// file and renamed, so a reader never sees half a file.
    pub async fn put(&self, bytes: &[u8]) -> std::io::Result<String> {
        let key = hex::encode(Sha256::digest(bytes));
        let path = self.path_of(&key).ok_or_else(|| std::io::Error::other("bad key"))?;
        if tokio::fs::try_exists(&path).await? {
            return Ok(key);
        }
        let dir = path.parent().ok_or_else(|| std::io::Error::other("no parent"))?;
        let tmp = dir.join(format!(".{key}.{}", uuid::Uuid::now_v7().simple()));
        // The directory usually exists: made only when the write finds it missing (a mkdir per
        // file cost about 2% of a mail burst's CPU).
        if let Err(e) = tokio::fs::write(&tmp, bytes).await {
            if e.kind() != std::io::ErrorKind::NotFound {
                return Err(e);
            }
            tokio::fs::create_dir_all(dir).await?;
            tokio::fs::write(&tmp, bytes).await?;
        }
        tokio::fs::rename(&tmp, &path).await?;
        Ok(key)
    }

    pub async fn get(&self, key: &str) -> std::io::Result<Option<Vec<u8>>> {
        let Some(path) = self.path_of(key) else { return Ok(None) };
        match tokio::fs::read(path).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn stores_by_content() {
        let dir = std::env::temp_dir().join(format!("fd-store-{}", uuid::Uuid::now_v7().simple()));
        let store = LocalStore::new(&dir);
        let a = store.put(b"hello").await.unwrap();
        let b = store.put(b"hello").await.unwrap();
        assert_eq!(a, b);
        assert_eq!(a, "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
        assert_eq!(store.get(&a).await.unwrap().as_deref(), Some(&b"hello"[..]));
        assert_eq!(store.get("../../etc/passwd").await.unwrap(), None);
        let _ = std::fs::remove_dir_all(dir);
    }
}
