//! `GET /demo`: the public demo's door for browsers.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use ferrodesk_core::{AppError, demo};

use super::transport::{client_ip, session_cookie};
use crate::state::AppState;

/// Where a demo visitor lands: the whole open queue.
const DEMO_LANDING: &str = "/queue?view=all";

/// `GET /demo`: a session as the demo's admin, then the agent queue. No form, no account.
pub(super) async fn demo(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Response {
    let page = |status: StatusCode, text: &str| {
        let body = format!(
            "<!doctype html><meta charset=utf-8><title>Ferrodesk demo</title>\
             <body style=\"font-family:system-ui;margin:4rem auto;max-width:32rem\"><h1>Ferrodesk demo</h1><p>{text}</p>\
             <p><a href=\"/\">Back to Ferrodesk</a></p></body>"
        );
        (status, [(header::CACHE_CONTROL, "no-store")], Html(body)).into_response()
    };
    if !state.demo.enabled {
        return page(StatusCode::NOT_FOUND, "There is no public demo on this server.");
    }
    let ip = client_ip(&state, &headers, peer);
    match demo::start_session(&state.db, &state.sessions, &state.limiter, &ip).await {
        Ok((_, token)) => {
            let mut response = (
                StatusCode::SEE_OTHER,
                [(header::LOCATION, DEMO_LANDING), (header::CACHE_CONTROL, "no-store")],
            )
                .into_response();
            if let Some(cookie) = session_cookie(&state, Some(&token), None) {
                response.headers_mut().append(header::SET_COOKIE, cookie);
            }
            response
        }
        Err(AppError::RateLimited { retry_after_secs }) => page(
            StatusCode::TOO_MANY_REQUESTS,
            &format!(
                "Many demo sessions have started from your address in the last hour. Try again in {} minutes.",
                retry_after_secs.div_ceil(60)
            ),
        ),
        Err(e) => {
            tracing::error!(error = ?e, "starting a demo session");
            page(
                StatusCode::SERVICE_UNAVAILABLE,
                "The demo is not available right now. Try again in a minute.",
            )
        }
    }
}
