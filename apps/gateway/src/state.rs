use std::sync::Arc;

use anyhow::Context;
use ferrodesk_config::{DemoConfig, GatewayConfig};
use ferrodesk_core::auth::{LinkKey, RateLimiter, SessionStore};
use ferrodesk_core::notices::MailQuota;
use ferrodesk_db::Db;
use redis::aio::ConnectionManager;
use secrecy::{ExposeSecret, SecretString};

use crate::hub::Live;
use crate::page_cache::PageCache;

/// Shared by every request. Cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<App>);

pub struct App {
    pub db: Db,
    pub redis: ConnectionManager,
    pub sessions: SessionStore,
    pub limiter: RateLimiter,
    pub live: Live,
    pub secure_cookies: bool,
    /// Proxies of ours in front of the gateway (`TRUST_PROXY`): see `http::transport::client_ip`.
    pub trusted_proxies: usize,
    /// Derives the tokens of mailed links (invitations, password resets…).
    pub links: LinkKey,
    /// What each organisation may send by mail in 24 hours.
    pub mail_quota: MailQuota,
    /// Requests per minute per client address, credential and organisation.
    pub rate_limits: ferrodesk_config::RateLimits,
    /// The bearer token that opens `GET /metrics` on the public listener.
    pub metrics_token: Option<String>,
    pub public_url: String,
    /// Organisations receive mail at `<slug>@inbound_domain`.
    pub inbound_domain: String,
    pub demo: DemoConfig,
    /// Where attachments are kept (by content), shared with the worker's mail intake.
    pub store: ferrodesk_mail::store::LocalStore,
    /// Stripe billing; `None` with `BILLING=off` (no limits, no billing pages).
    pub billing: Option<Arc<ferrodesk_billing::Billing>>,
    /// Ticket pages kept between requests; `None` with `PAGE_CACHE_MB=0`.
    pub pages: Option<PageCache>,
}

impl std::ops::Deref for AppState {
    type Target = App;

    fn deref(&self) -> &App {
        &self.0
    }
}

pub async fn connect_redis(url: &SecretString) -> anyhow::Result<ConnectionManager> {
    let client = redis::Client::open(url.expose_secret()).context("REDIS_URL is not a valid Redis URL")?;
    ConnectionManager::new(client).await.context("connecting to Redis")
}

impl AppState {
    pub async fn connect(config: &GatewayConfig) -> anyhow::Result<Self> {
        let billing = if config.billing.enabled() { "on" } else { "off" };
        let db = Db::connect_with(
            &config.database.url,
            config.database.max_connections,
            &[("app.billing", billing)],
        )
        .await
        .context("connecting to Postgres (DATABASE_URL)")?;
        let redis = connect_redis(&config.redis.url).await?;
        let prefix = &config.redis.key_prefix;
        let live = Live::connect(redis.clone(), &config.redis.url, prefix).await?;
        let billing = ferrodesk_billing::from_config(db.clone(), &config.billing, &config.http.public_url)?
            .map(Arc::new);
        Ok(Self(Arc::new(App {
            sessions: SessionStore::new(redis.clone(), prefix),
            limiter: RateLimiter::new(redis.clone(), prefix),
            live,
            db,
            redis,
            secure_cookies: config.http.is_https(),
            trusted_proxies: config.http.trusted_proxies,
            links: LinkKey::new(&config.security.secret_key, &config.http.public_url),
            rate_limits: config.http.rate_limits,
            metrics_token: config.http.metrics_token.as_ref().map(|t| t.expose_secret().to_owned()),
            mail_quota: MailQuota {
                per_day: config.mail.daily_quota,
                trial_per_day: config.mail.trial_daily_quota,
            },
            public_url: config.http.public_url.trim_end_matches('/').to_owned(),
            inbound_domain: config.mail.inbound_domain.clone(),
            demo: config.demo.clone(),
            store: ferrodesk_mail::store::LocalStore::new(&config.mail.attachments_dir),
            billing,
            pages: (config.http.page_cache_mb > 0).then(|| PageCache::new(config.http.page_cache_mb << 20)),
        })))
    }
}
