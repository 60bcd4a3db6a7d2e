use ferrodesk_db::DbError;
use ferrodesk_domain::FieldError;

/// What can go wrong in a use case, in terms a client can act on. `Internal` carries the cause
/// for the logs; its text is never shown to users.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("sign in to continue")]
    Unauthenticated,
    #[error("the email or password is wrong")]
    WrongCredentials,
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{message}")]
    BadInput { field: &'static str, message: String },
    #[error("{message}")]
    Conflict { field: &'static str, message: String },
    #[error("too many attempts; try again in {retry_after_secs} seconds")]
    RateLimited { retry_after_secs: u64 },
    #[error("this organisation is read-only until its subscription is renewed")]
    ReadOnlyTenant,
    #[error(
        "this organisation has sent its {limit} emails for the last 24 hours; more can go as the \
         earliest leave that window"
    )]
    OutboundQuota { limit: i64 },
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl AppError {
    pub fn bad_input(field: &'static str, message: impl Into<String>) -> Self {
        Self::BadInput { field, message: message.into() }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::Unauthenticated | Self::WrongCredentials => "UNAUTHENTICATED",
            Self::Forbidden(_) => "FORBIDDEN",
            Self::NotFound(_) => "NOT_FOUND",
            Self::BadInput { .. } => "BAD_USER_INPUT",
            Self::Conflict { .. } => "CONFLICT",
            Self::RateLimited { .. } | Self::OutboundQuota { .. } => "RATE_LIMITED",
            Self::ReadOnlyTenant => "READ_ONLY_TENANT",
            Self::Internal(_) => "INTERNAL",
        }
    }

    pub fn field(&self) -> Option<&'static str> {
        match self {
            Self::BadInput { field, .. } | Self::Conflict { field, .. } => Some(field),
            _ => None,
        }
    }
}

impl From<FieldError> for AppError {
    fn from(e: FieldError) -> Self {
        Self::BadInput { field: e.field, message: e.message }
    }
}

impl From<DbError> for AppError {
    /// Constraint violations that user input can cause become input errors, by constraint name;
    /// anything else is internal.
    fn from(e: DbError) -> Self {
        let named = |constraint: &str| -> Option<AppError> {
            Some(match constraint {
                "organizations_slug_key" => {
                    Self::Conflict { field: "slug", message: "this slug is already taken".into() }
                }
                "users_email_key" => Self::Conflict {
                    field: "email",
                    message: "an account with this email already exists; log in instead".into(),
                },
                "memberships_pkey" => {
                    Self::Conflict { field: "email", message: "this person is already a member".into() }
                }
                "categories_name_key" => Self::Conflict {
                    field: "name",
                    message: "a category with this name already exists".into(),
                },
                "departments_name_key" => Self::Conflict {
                    field: "name",
                    message: "a department with this name already exists".into(),
                },
                "business_calendars_name_key" => Self::Conflict {
                    field: "name",
                    message: "a calendar with this name already exists".into(),
                },
                "categories_two_levels" => {
                    Self::bad_input("parentId", "categories have two levels: pick a top-level parent")
                }
                "tickets_subject_check" => {
                    Self::bad_input("subject", "the subject must be 1 to 250 characters")
                }
                _ => return None,
            })
        };
        match &e {
            DbError::Unique { constraint }
            | DbError::Check { constraint }
            | DbError::ForeignKey { constraint } => {
                named(constraint).unwrap_or_else(|| Self::Internal(e.into()))
            }
            DbError::NotAMember => Self::Unauthenticated,
            DbError::ReadOnlyTenant => Self::ReadOnlyTenant,
            DbError::Busy => Self::RateLimited { retry_after_secs: 1 },
            DbError::Invariant(_) | DbError::Config(_) | DbError::Sqlx(_) => Self::Internal(e.into()),
        }
    }
}

impl From<redis::RedisError> for AppError {
    fn from(e: redis::RedisError) -> Self {
        Self::Internal(e.into())
    }
}
