//! The HTTP edge: GraphQL, health, metrics and the web app. Stateless; run as many as needed.

mod admission;
mod graphql;
mod http;
mod hub;
mod page_cache;
mod state;

use std::net::SocketAddr;

use anyhow::Context;
use ferrodesk_config::GatewayConfig;
use tokio::net::TcpListener;

pub use graphql::{AppSchema, build_schema, sdl};
pub use state::{AppState, connect_redis};

pub struct Application {
    listener: TcpListener,
    router: axum::Router,
    /// `METRICS_ADDR`: Prometheus's own listener, which serves `/metrics` and nothing else.
    metrics: Option<TcpListener>,
}

impl Application {
    /// Connects to Postgres and Redis, checks the database role cannot bypass row-level security,
    /// and binds the listener (port 0 picks a free port, which is how tests run it).
    pub async fn build(config: GatewayConfig) -> anyhow::Result<Self> {
        config.check_production()?;
        let state = AppState::connect(&config).await?;
        state.db.check_runtime_role(ferrodesk_db::Service::Gateway).await?;
        let router = http::router(state, &config.http);
        let listener = TcpListener::bind(config.http.addr)
            .await
            .with_context(|| format!("binding {}", config.http.addr))?;
        let metrics = match config.http.metrics_addr {
            Some(addr) => Some(TcpListener::bind(addr).await.with_context(|| format!("binding {addr}"))?),
            None => None,
        };
        Ok(Self { listener, router, metrics })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 0)))
    }

    /// Where Prometheus scrapes, when it has a listener of its own.
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics.as_ref().and_then(|l| l.local_addr().ok())
    }

    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        if let Some(listener) = self.metrics {
            let metrics = axum::Router::new().route("/metrics", axum::routing::get(http::metrics));
            tokio::spawn(async move {
                axum::serve(listener, metrics).with_graceful_shutdown(shutdown_signal()).await
            });
        }
        let service = self.router.into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(self.listener, service).with_graceful_shutdown(shutdown_signal()).await?;
        Ok(())
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
