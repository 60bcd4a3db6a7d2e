//! Attachments over HTTP: `POST /attachments?ticket=INC-0042` with the file as the raw body
//! (its type in `Content-Type`, its name URL-encoded in `X-Filename`), and
//! `GET /attachments/{id}`. Both act as the session or bearer token, in the caller's tenant
//! transaction, so a file is reachable exactly by those who can see its ticket.
//!
//! CSRF: the upload needs the `X-Filename` header, which a cross-site form cannot send and a
//! cross-site script cannot add without a CORS preflight we never approve.

use axum::Json;
use axum::body::Body;
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ferrodesk_core::{AppError, Principal, attachments};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use super::auth::Caller;
use super::transport::{client_ip, transport_error};
use crate::admission::{self, Knock};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct UploadQuery {
    ticket: String,
}

/// The use-case error as the JSON error shape GraphQL clients already read.
fn error_response(err: AppError) -> Response {
    if let AppError::Internal(cause) = &err {
        tracing::error!(error = format!("{cause:#}"), "attachment request failed");
    }
    let status = match &err {
        AppError::Unauthenticated | AppError::WrongCredentials => StatusCode::UNAUTHORIZED,
        AppError::Forbidden(_) | AppError::ReadOnlyTenant => StatusCode::FORBIDDEN,
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::BadInput { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Conflict { .. } => StatusCode::CONFLICT,
        AppError::RateLimited { .. } | AppError::OutboundQuota { .. } => StatusCode::TOO_MANY_REQUESTS,
        AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let mut extensions = json!({ "code": err.code() });
    if let Some(field) = err.field() {
        extensions["field"] = json!(field);
    }
    (status, Json(json!({ "errors": [{ "message": err.to_string(), "extensions": extensions }] })))
        .into_response()
}

/// The signed-in caller, counted against the request limits (`crate::admission`), and, for an
/// upload, against the demo's cap on writes.
async fn admitted(
    state: &AppState,
    headers: &HeaderMap,
    peer: SocketAddr,
    writes: bool,
) -> Result<Principal, Response> {
    let caller = Caller::of(state, headers).await.map_err(error_response)?;
    let ip = client_ip(state, headers, peer);
    let knock = Knock { ip: &ip, credential: &caller.token, principal: caller.principal };
    admission::rate_limit(state, &knock).await.map_err(admission::Refusal::into_response)?;
    let principal = caller.principal.ok_or_else(|| error_response(AppError::Unauthenticated))?;
    if writes {
        admission::demo_write(state, &knock).await.map_err(admission::Refusal::into_response)?;
    }
    Ok(principal)
}

/// `%XX` sequences decoded (the browser's `encodeURIComponent`); invalid input is kept as is.
fn percent_decode(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) =
                (bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// RFC 5987 `filename*` value: UTF-8, attr-chars kept, everything else percent-encoded.
fn content_disposition(kind: &str, filename: &str) -> String {
    let mut encoded = String::new();
    for b in filename.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("{kind}; filename*=UTF-8''{encoded}")
}

pub async fn upload(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Query(query): Query<UploadQuery>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let Some(filename) = headers.get("x-filename").and_then(|v| v.to_str().ok()).map(percent_decode) else {
        return error_response(AppError::bad_input("file", "send the file name in the X-Filename header"));
    };
    let principal = match admitted(&state, &headers, peer, true).await {
        Ok(p) => p,
        Err(response) => return response,
    };
    let bytes = match axum::body::to_bytes(body, attachments::MAX_BYTES).await {
        Ok(b) => b,
        Err(_) => {
            return transport_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "BAD_USER_INPUT",
                &format!("files can be up to {} MB", attachments::MAX_BYTES / (1024 * 1024)),
            );
        }
    };
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let result = async {
        let mut tx = ferrodesk_core::enter(&state.db, principal).await?;
        let row = attachments::attach(&mut tx, &state.store, &query.ticket, &filename, content_type, &bytes)
            .await?;
        tx.commit().await?;
        Ok::<_, AppError>(row)
    }
    .await;
    match result {
        Ok(row) => (
            StatusCode::CREATED,
            Json(json!({
                "id": row.id, "filename": row.filename, "contentType": row.content_type,
                "sizeBytes": row.size_bytes, "url": format!("/attachments/{}", row.id),
            })),
        )
            .into_response(),
        Err(e) => error_response(e),
    }
}

pub async fn download(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let principal = match admitted(&state, &headers, peer, false).await {
        Ok(p) => p,
        Err(response) => return response,
    };
    let Ok(id) = Uuid::parse_str(&id) else { return error_response(AppError::NotFound("attachment")) };
    let result = async {
        let mut tx = ferrodesk_core::enter(&state.db, principal).await?;
        let found = attachments::open(&mut tx, &state.store, id).await?;
        tx.commit().await?;
        Ok::<_, AppError>(found)
    }
    .await;
    let (row, bytes) = match result {
        Ok(found) => found,
        Err(e) => return error_response(e),
    };
    // Images (not SVG, which can carry script) open in the browser; everything else downloads.
    // The sandbox CSP and nosniff keep a file from ever running as part of the app.
    let viewable = row.content_type.starts_with("image/") && row.content_type != "image/svg+xml";
    let disposition = content_disposition(if viewable { "inline" } else { "attachment" }, &row.filename);
    let mut response = (StatusCode::OK, bytes).into_response();
    let headers = response.headers_mut();
    let set = |headers: &mut HeaderMap, name: header::HeaderName, value: &str| {
        if let Ok(v) = HeaderValue::from_str(value) {
            headers.insert(name, v);
        }
    };
    set(headers, header::CONTENT_TYPE, &row.content_type);
    set(headers, header::CONTENT_DISPOSITION, &disposition);
    set(headers, header::CACHE_CONTROL, "private, no-cache");
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::CONTENT_SECURITY_POLICY, "sandbox; default-src 'none'");
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_travel_safely_in_headers() {
        assert_eq!(percent_decode("r%C3%A9sum%C3%A9%20final.pdf"), "résumé final.pdf");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(
            content_disposition("attachment", "résumé \"x\".pdf"),
            "attachment; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22x%22.pdf"
        );
    }
}
