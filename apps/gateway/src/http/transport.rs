//! What every door shares: errors shaped like GraphQL errors, the client's address, the
//! credential as sent, and the session cookie.

use std::net::SocketAddr;

use axum::Json;
use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::state::AppState;

/// Largest GraphQL request body accepted.
pub(crate) const MAX_BODY_BYTES: usize = 256 * 1024;
pub const SESSION_COOKIE: &str = "fd_session";

/// A transport-level failure, shaped like any other GraphQL error.
pub(crate) fn transport_error(status: StatusCode, code: &str, message: &str) -> Response {
    (status, Json(json!({ "errors": [{ "message": message, "extensions": { "code": code } }] })))
        .into_response()
}

pub(crate) fn bearer_or_cookie(headers: &HeaderMap) -> Option<String> {
    if let Some(auth) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        return auth.strip_prefix("Bearer ").map(|t| t.trim().to_owned());
    }
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_owned())
}

/// The client's address: the peer's, or behind `trusted_proxies` proxies of ours, the address the
/// nearest of them saw, which is that many entries from the right of `X-Forwarded-For` (every
/// proxy appends the address it received from; whatever the client wrote is to the left and
/// never read). A header shorter than that, or an entry that is not an address, is the peer.
pub(crate) fn client_ip(state: &AppState, headers: &HeaderMap, peer: SocketAddr) -> String {
    forwarded_client(state.trusted_proxies, headers).unwrap_or_else(|| peer.ip().to_string())
}

fn forwarded_client(hops: usize, headers: &HeaderMap) -> Option<String> {
    if hops == 0 {
        return None;
    }
    let entries: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    let entry = entries.len().checked_sub(hops).map(|i| entries[i])?;
    entry.parse::<std::net::IpAddr>().ok().map(|ip| ip.to_string())
}

/// A JSON body already encoded.
pub(crate) fn json_body(body: Bytes) -> Response {
    ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], body).into_response()
}

/// The `Set-Cookie` value for a session token (`None` clears the cookie).
pub(crate) fn session_cookie(
    state: &AppState,
    token: Option<&str>,
    max_age: Option<u64>,
) -> Option<HeaderValue> {
    let value = match token {
        Some(token) => format!(
            "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax{}{}",
            max_age.map(|s| format!("; Max-Age={s}")).unwrap_or_default(),
            if state.secure_cookies { "; Secure" } else { "" }
        ),
        None => format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"),
    };
    HeaderValue::from_str(&value).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forwarded(values: &[&'static str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append("x-forwarded-for", HeaderValue::from_static(v));
        }
        headers
    }

    #[test]
    fn the_client_is_the_address_our_nearest_proxy_saw() {
        // The client wrote the leftmost entry; our one proxy appended the address it saw.
        let headers = forwarded(&["1.1.1.1, 203.0.113.7"]);
        assert_eq!(forwarded_client(1, &headers).as_deref(), Some("203.0.113.7"));
        assert_eq!(forwarded_client(2, &headers).as_deref(), Some("1.1.1.1"));
        assert_eq!(forwarded_client(0, &headers), None, "no proxy: the header is ignored");
        assert_eq!(forwarded_client(3, &headers), None, "fewer entries than proxies: the peer");
        // Several headers read as one list, in order.
        let headers = forwarded(&["6.6.6.6", "198.51.100.2"]);
        assert_eq!(forwarded_client(1, &headers).as_deref(), Some("198.51.100.2"));
        assert_eq!(forwarded_client(1, &forwarded(&["not-an-address"])), None);
    }
}
