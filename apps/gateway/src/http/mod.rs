//! The HTTP doors: the router and what every response carries (security headers, request ids,
//! metrics), health and metrics, and one file per door: `graphql` (JSON over POST), `socket`
//! (graphql-ws), `files` (attachments), `webhooks` (Stripe) and `demo` (`GET /demo`), over the
//! shared `transport` (errors, client address, cookies) and `auth` (who is calling).

mod auth;
mod demo;
mod files;
mod graphql;
mod socket;
pub(crate) mod transport;
mod webhooks;

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use async_graphql::http::GraphiQLSource;
use axum::extract::{FromRef, MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use ferrodesk_config::HttpConfig;
use ferrodesk_core::auth::constant_time_eq;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use serde_json::json;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::{SetResponseHeader, SetResponseHeaderLayer};
use tower_http::trace::TraceLayer;

use crate::graphql::{AppSchema, build_schema};
use crate::state::AppState;

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
/// What the doors share: the application, and the schema each GraphQL door executes (the
/// socket's admits each operation itself, see `socket`).
#[derive(Clone)]
pub(crate) struct Doors {
    pub app: AppState,
    pub schema: AppSchema,
    pub socket_schema: AppSchema,
}

impl FromRef<Doors> for AppState {
    fn from_ref(doors: &Doors) -> Self {
        doors.app.clone()
    }
}

pub fn router(state: AppState, config: &HttpConfig) -> Router {
    let doors = Doors { app: state, schema: build_schema(), socket_schema: socket::build_socket_schema() };
    let graphql_route = if config.graphiql {
        get(graphiql).post(graphql::graphql)
    } else {
        axum::routing::post(graphql::graphql)
    };
    let mut router = Router::new()
        .route("/graphql", graphql_route)
        .route("/graphql/ws", get(socket::graphql_ws))
        .route("/demo", get(demo::demo))
        .route("/attachments", axum::routing::post(files::upload))
        .route("/attachments/{id}", get(files::download))
        .route("/webhooks/stripe", axum::routing::post(webhooks::stripe_webhook))
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
        .with_state(doors)
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

async fn readyz(State(state): State<AppState>) -> Response {
    let db = tokio::time::timeout(Duration::from_secs(2), state.db.ping()).await;
    let mut redis = state.redis.clone();
    let ping =
        tokio::time::timeout(Duration::from_secs(2), redis::cmd("PING").query_async::<String>(&mut redis))
            .await;
    let db_ok = matches!(db, Ok(Ok(_)));
    let redis_ok = matches!(ping, Ok(Ok(_)));
    let status = if db_ok && redis_ok { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (status, Json(json!({ "database": db_ok, "redis": redis_ok }))).into_response()
}

async fn graphiql() -> Response {
    let page = Html(GraphiQLSource::build().endpoint("/graphql").title("Ferrodesk GraphQL").finish());
    ([(header::CONTENT_SECURITY_POLICY, GRAPHIQL_POLICY)], page).into_response()
}
