//! Routes, the GraphQL transport (JSON over POST, with our own parsing so that every failure is a
//! GraphQL error with a code), cookies, health and metrics.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use async_graphql::http::GraphiQLSource;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use ferrodesk_config::HttpConfig;
use ferrodesk_core::auth::Credential;
use ferrodesk_core::{AppError, Principal, accounts, demo};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use serde_json::json;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::{SetResponseHeader, SetResponseHeaderLayer};
use tower_http::trace::TraceLayer;

use crate::admission::{self, Knock};
use crate::graphql::RequestCtx;
use crate::page_cache::Lookup;
use crate::state::AppState;

/// Largest GraphQL request body accepted.
const MAX_BODY_BYTES: usize = 256 * 1024;

/// What a browser may load and run for our pages (docs/SECURITY.md, "Safe defaults"): our own
/// scripts only, no inline script, nothing framed by another site, no plugin, and forms and
/// connections to ourselves. Inline styles stay allowed for the HTML of received mail, which is
/// sanitised and has no script.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; \
     base-uri 'none'; form-action 'self'; object-src 'none'";
/// GraphiQL (development only, `GRAPHIQL=true`) loads itself from a CDN with inline script.
const GRAPHIQL_POLICY: &str = "default-src 'self'; script-src 'self' 'unsafe-inline' https://unpkg.com; \
     style-src 'self' 'unsafe-inline' https://unpkg.com; img-src 'self' data:; font-src 'self' data: https://unpkg.com; \
     connect-src 'self'; frame-ancestors 'none'; base-uri 'none'";
pub const SESSION_COOKIE: &str = "fd_session";

pub fn router(state: AppState, config: &HttpConfig) -> Router {
    let graphql_route =
        if config.graphiql { get(graphiql).post(graphql) } else { axum::routing::post(graphql) };
    let mut router = Router::new()
        .route("/graphql", graphql_route)
        .route("/graphql/ws", get(crate::live::graphql_ws))
        .route("/demo", get(demo))
        .route("/attachments", axum::routing::post(crate::files::upload))
        .route("/attachments/{id}", get(crate::files::download))
        .route("/webhooks/stripe", axum::routing::post(stripe_webhook))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(public_metrics));
    if let Some(dir) =
        config.web_dir.as_deref().filter(|d| std::path::Path::new(d).join("index.html").exists())
    {
        let dir = std::path::Path::new(dir);
        // Built assets have content hashes in their names: cache them for a year, and answer 404
        // (not the app) for one that does not exist. Everything else revalidates, so a deploy
        // shows at once.
        let assets = ServeDir::new(dir.join("assets")).precompressed_gzip();
        let immutable = |response: &Response<_>| {
            response
                .status()
                .is_success()
                .then_some(HeaderValue::from_static("public, max-age=31536000, immutable"))
        };
        router = router
            .nest_service("/assets", SetResponseHeader::overriding(assets, header::CACHE_CONTROL, immutable))
            .fallback_service(SetResponseHeader::overriding(
                ServeDir::new(dir).fallback(ServeFile::new(dir.join("index.html"))),
                header::CACHE_CONTROL,
                HeaderValue::from_static("no-cache"),
            ));
    }
    let request_id = header::HeaderName::from_static("x-request-id");
    let static_header = |name: header::HeaderName, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
    };
    let router = router
        .layer(static_header(header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .layer(static_header(header::X_FRAME_OPTIONS, "DENY"))
        .layer(static_header(header::REFERRER_POLICY, "no-referrer"))
        .layer(static_header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"));
    // Browsers keep to https for a year once they have seen it over https.
    let router = if config.is_https() {
        router.layer(static_header(header::STRICT_TRANSPORT_SECURITY, "max-age=31536000; includeSubDomains"))
    } else {
        router
    };
    router
        .layer(middleware::from_fn(record_metrics))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
            tracing::info_span!("http", method = %req.method(), path = %req.uri().path(), request_id = %id)
        }))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .with_state(state)
}

fn prometheus() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets(&[0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5])
            .unwrap_or_else(|_| PrometheusBuilder::new())
            .build_recorder();
        let handle = recorder.handle();
        // Several apps in one test process share the first recorder.
        let _ = metrics::set_global_recorder(recorder);
        handle
    })
}

async fn record_metrics(req: Request, next: Next) -> Response {
    prometheus();
    let path = req.extensions().get::<MatchedPath>().map_or("other", |p| p.as_str()).to_owned();
    let method = req.method().to_string();
    let started = Instant::now();
    let response = next.run(req).await;
    let labels = [("method", method), ("path", path), ("status", response.status().as_u16().to_string())];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!("http_request_duration_seconds", &labels).record(started.elapsed().as_secs_f64());
    response
}

/// `GET /metrics` for Prometheus: on its own listener (`METRICS_ADDR`), where it needs nothing.
pub(crate) async fn metrics() -> Response {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], prometheus().render()).into_response()
}

/// `GET /metrics` on the public listener: only with `METRICS_TOKEN` as a bearer token, and not at
/// all without one configured (the figures tell an outsider what the tenants do).
async fn public_metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    match (&state.metrics_token, given) {
        (Some(expected), Some(given)) if constant_time_eq(expected.as_bytes(), given.as_bytes()) => {
            metrics().await
        }
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

async fn readyz(State(state): State<AppState>) -> Response {
    let db =
        tokio::time::timeout(Duration::from_secs(2), sqlx::query("select 1").execute(state.db.pool())).await;
    let mut redis = state.redis.clone();
    let ping =
        tokio::time::timeout(Duration::from_secs(2), redis::cmd("PING").query_async::<String>(&mut redis))
            .await;
    let db_ok = matches!(db, Ok(Ok(_)));
    let redis_ok = matches!(ping, Ok(Ok(_)));
    let status = if db_ok && redis_ok { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (status, Json(json!({ "database": db_ok, "redis": redis_ok }))).into_response()
}

/// Largest Stripe event accepted (Stripe's are a few KB; an invoice with many lines more).
const MAX_WEBHOOK_BYTES: usize = 1024 * 1024;

/// `POST /webhooks/stripe`: verify, store once, queue the work, answer 2xx at once. A bad or
/// stale signature is 400 (Stripe shows it in the dashboard); a storage failure is 500, so
/// Stripe retries the delivery later.
async fn stripe_webhook(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    let Some(billing) = &state.billing else {
        return (StatusCode::NOT_FOUND, Json(json!({ "error": "billing is off on this server" })))
            .into_response();
    };
    let Ok(payload) = axum::body::to_bytes(body, MAX_WEBHOOK_BYTES).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, Json(json!({ "error": "the event is too large" })))
            .into_response();
    };
    let signature = headers.get("stripe-signature").and_then(|v| v.to_str().ok());
    match billing.receive(&payload, signature).await {
        Ok(received) => {
            let outcome = match received {
                ferrodesk_billing::Received::Queued(_) => "queued",
                ferrodesk_billing::Received::Duplicate => "duplicate",
                ferrodesk_billing::Received::Ignored => "ignored",
                ferrodesk_billing::Received::UnknownCustomer => "unknown customer",
            };
            (StatusCode::OK, Json(json!({ "received": true, "outcome": outcome }))).into_response()
        }
        Err(ferrodesk_billing::WebhookError::Storage(error)) => {
            tracing::error!(error = %error, "storing a Stripe event");
            (StatusCode::INTERNAL_SERVER_ERROR, Json(json!({ "error": "try again later" }))).into_response()
        }
        Err(error) => {
            tracing::warn!(error = %error, "refused a Stripe webhook");
            (StatusCode::BAD_REQUEST, Json(json!({ "error": error.to_string() }))).into_response()
        }
    }
}

async fn graphiql() -> Response {
    let page = Html(GraphiQLSource::build().endpoint("/graphql").title("Ferrodesk GraphQL").finish());
    ([(header::CONTENT_SECURITY_POLICY, GRAPHIQL_POLICY)], page).into_response()
}

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

async fn graphql(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Body,
) -> Response {
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

    let caller = match Caller::of(&state, &headers).await {
        Ok(caller) => caller,
        Err(e) => {
            tracing::error!(error = ?e, "authenticating a request");
            return transport_error(StatusCode::SERVICE_UNAVAILABLE, "INTERNAL", "try again shortly");
        }
    };
    let principal = caller.principal;
    let ip = client_ip(&state, &headers, peer);
    let knock = Knock { ip: &ip, credential: &caller.token, principal };
    if let Err(refused) = admission::rate_limit(&state, &knock).await {
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
            admission::admit_operation(&state, &knock, document, operation_name.as_deref()).await
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
    let response = state.schema.execute(request.data(state.clone()).data(ctx)).await;
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
        if let Some(v) = session_cookie(&state, cookie.as_ref().map(|c| c.token.as_str()), max_age) {
            http.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    http.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    http
}

/// A JSON body already encoded.
fn json_body(body: Bytes) -> Response {
    ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], body).into_response()
}

/// The `Set-Cookie` value for a session token (`None` clears the cookie).
fn session_cookie(state: &AppState, token: Option<&str>, max_age: Option<u64>) -> Option<HeaderValue> {
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

/// Where a demo visitor lands: the whole open queue.
const DEMO_LANDING: &str = "/queue?view=all";

/// `GET /demo`: a session as the demo's admin, then the agent queue. No form, no account.
async fn demo(
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
