use sqlx::error::ErrorKind;

/// A database failure, with constraint violations named so that services can translate them into
/// user-facing errors (a duplicate slug becomes `CONFLICT` on `slug`) without checking first.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("unique constraint {constraint} violated")]
    Unique { constraint: String },
    #[error("foreign key constraint {constraint} violated")]
    ForeignKey { constraint: String },
    #[error("check constraint {constraint} violated")]
    Check { constraint: String },
    #[error("the person is not an active member of this organisation")]
    NotAMember,
    /// The organisation is read-only (`fd_refuse_writes_when_read_only`, SQLSTATE FD001): the
    /// statement wrote nothing, and neither will the rest of the transaction.
    #[error("the organisation is read-only")]
    ReadOnlyTenant,
    /// The organisation's share of the connections stayed taken by its other requests.
    #[error("the organisation has too many requests in progress")]
    Busy,
    /// A statement's result broke what its function promises (a bug, never bad input).
    #[error("the database broke a promise: {0}")]
    Invariant(&'static str),
    /// The deployment's configuration cannot work (an operator's mistake, named in the message).
    #[error("{0}")]
    Config(String),
    #[error(transparent)]
    Sqlx(sqlx::Error),
}

impl DbError {
    /// True for failures worth retrying later (connection trouble, serialization, deadlock).
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Sqlx(sqlx::Error::Database(db)) => {
                matches!(db.code().as_deref(), Some("40001" | "40P01" | "57P01" | "53300"))
            }
            Self::Sqlx(e) => {
                matches!(e, sqlx::Error::Io(_) | sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed)
            }
            _ => false,
        }
    }
}

impl From<sqlx::Error> for DbError {
    fn from(err: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &err {
            let constraint = db.constraint().unwrap_or_default().to_owned();
            if db.code().as_deref() == Some("FD001") {
                return Self::ReadOnlyTenant;
            }
            match db.kind() {
                ErrorKind::UniqueViolation => return Self::Unique { constraint },
                ErrorKind::ForeignKeyViolation => return Self::ForeignKey { constraint },
                ErrorKind::CheckViolation => return Self::Check { constraint },
                _ => {}
            }
        }
        Self::Sqlx(err)
    }
}
