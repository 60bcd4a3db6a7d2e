//! Who is calling: the credential a request carries, and the member it stands for.

use axum::http::HeaderMap;
use ferrodesk_core::auth::Credential;
use ferrodesk_core::{Principal, accounts};

use super::transport::bearer_or_cookie;
use crate::state::AppState;

/// Who sent a request: its credential (session cookie or bearer token) and the member it stands
/// for, if any. The one way HTTP handlers authenticate.
pub(crate) struct Caller {
    /// The raw token as sent ("" when none).
    pub token: String,
    pub credential: Option<Credential>,
    pub principal: Option<Principal>,
}

impl Caller {
    pub(crate) async fn of(state: &AppState, headers: &HeaderMap) -> Result<Self, ferrodesk_core::AppError> {
        let token = bearer_or_cookie(headers).unwrap_or_default();
        let credential = Credential::from_token(&token);
        let principal = match &credential {
            None => None,
            Some(c) => accounts::authenticate(&state.db, &state.sessions, c).await?,
        };
        Ok(Self { token, credential, principal })
    }
}
