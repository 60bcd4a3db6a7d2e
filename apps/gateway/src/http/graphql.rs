//! `POST /graphql`: JSON only, with our own parsing so that every failure is a GraphQL error with
//! a code; the admission, then a kept ticket page or the schema.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ferrodesk_core::auth::Credential;

use super::Doors;
use super::auth::Caller;
use super::transport::{MAX_BODY_BYTES, client_ip, json_body, session_cookie, transport_error};
use crate::admission::{self, Knock};
use crate::graphql::RequestCtx;
use crate::page_cache::Lookup;

pub(super) async fn graphql(
    State(doors): State<Doors>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let state = &doors.app;
    // JSON only: a cross-site form cannot send it without a CORS preflight, which keeps the
    // SameSite=Lax session cookie safe from CSRF.
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("application/json"));
    if !is_json {
        return transport_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "BAD_USER_INPUT",
            "send GraphQL requests as application/json",
        );
    }
    let bytes: Bytes = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(b) => b,
        Err(_) => {
            return transport_error(
                StatusCode::PAYLOAD_TOO_LARGE,
                "BAD_USER_INPUT",
                &format!("the request body is larger than {MAX_BODY_BYTES} bytes"),
            );
        }
    };
    let mut request: async_graphql::Request = match serde_json::from_slice(&bytes) {
        Ok(r) => r,
        Err(e) => {
            return transport_error(
                StatusCode::BAD_REQUEST,
                "BAD_USER_INPUT",
                &format!("the request body is not a GraphQL JSON request: {e}"),
            );
        }
    };

    let caller = match Caller::of(state, &headers).await {
        Ok(caller) => caller,
        Err(e) => {
            tracing::error!(error = ?e, "authenticating a request");
            return transport_error(StatusCode::SERVICE_UNAVAILABLE, "INTERNAL", "try again shortly");
        }
    };
    let principal = caller.principal;
    let ip = client_ip(state, &headers, peer);
    let knock = Knock { ip: &ip, credential: &caller.token, principal };
    if let Err(refused) = admission::rate_limit(state, &knock).await {
        return refused.into_response();
    }
    // A kept ticket page answers without executing anything (see page_cache for why it is
    // still the answer).
    let page = match (&state.pages, principal) {
        (Some(pages), Some(principal)) => pages.lookup(&state.db, principal, &mut request).await,
        _ => Lookup::Pass,
    };
    let page = match page {
        Lookup::Hit(body) => return json_body(body),
        Lookup::Pass => None,
        Lookup::Miss { key, version, fill } => Some((key, version, fill)),
    };
    // Parsed once: the checks below read the document and execution reuses it. A document that
    // does not parse goes on to execution, which reports why.
    let operation_name = request.operation_name.clone();
    if let Ok(document) = request.parsed_query()
        && let Err(refused) =
            admission::admit_operation(state, &knock, document, operation_name.as_deref()).await
    {
        return refused.into_response();
    }
    let ctx = RequestCtx {
        principal,
        session_token: match &caller.credential {
            Some(Credential::Session(t)) => Some(t.clone()),
            _ => None,
        },
        credential: caller.token.clone(),
        client_ip: ip,
        set_cookie: Arc::new(Mutex::new(None)),
        page_fill: page.as_ref().map(|(_, _, fill)| fill.clone()),
    };
    let set_cookie = ctx.set_cookie.clone();
    let response = doors.schema.execute(request.data(state.clone()).data(ctx)).await;
    let response = crate::graphql::with_error_codes(response);
    let sets_cookie = set_cookie.lock().map_or(true, |c| c.is_some());
    if let (Some((key, version, fill)), Some(pages)) = (page, &state.pages)
        && response.is_ok()
        && !sets_cookie
    {
        match serde_json::to_vec(&response) {
            Ok(body) => {
                let body = Bytes::from(body);
                pages.keep(key, version, &fill, body.clone());
                return json_body(body);
            }
            Err(e) => tracing::error!(error = %e, "encoding a ticket page"),
        }
    }
    let mut http = Json(response).into_response();
    let cookie = set_cookie.lock().ok().and_then(|mut c| c.take());
    if let Some(cookie) = cookie {
        // A demo session is a browser-session cookie: it ends with the browser, and the server
        // ends it sooner when idle.
        let max_age = cookie.as_ref().is_some_and(|c| c.persistent).then_some(14 * 24 * 3600);
        if let Some(v) = session_cookie(state, cookie.as_ref().map(|c| c.token.as_str()), max_age) {
            http.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    http.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    http
}
