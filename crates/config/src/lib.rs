//! Typed configuration from the environment (12-factor) and tracing set-up, shared by every binary.
//!
//! Each subsystem gets its own struct; secrets are `SecretString`, so `Debug` never prints them.

use std::net::SocketAddr;
use std::str::FromStr;

use anyhow::{Context, bail};
use secrecy::SecretString;

pub mod telemetry;

/// Reads one variable; `None` when unset or empty.
fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn parse_var<T: FromStr>(name: &str, default: T) -> anyhow::Result<T>
where
    T::Err: std::fmt::Display,
{
    match var(name) {
        None => Ok(default),
        Some(raw) => raw.trim().parse().map_err(|e| anyhow::anyhow!("{name}={raw:?} is not valid: {e}")),
    }
}

fn parse_bool(name: &str, default: bool) -> anyhow::Result<bool> {
    match var(name).map(|v| v.to_ascii_lowercase()) {
        None => Ok(default),
        Some(v) if matches!(v.as_str(), "1" | "true" | "yes" | "on") => Ok(true),
        Some(v) if matches!(v.as_str(), "0" | "false" | "no" | "off") => Ok(false),
        Some(v) => bail!("{name}={v:?} is not a boolean (true/false)"),
    }
}

#[derive(Clone, Debug)]
pub struct DatabaseConfig {
    /// The process's runtime login, subject to row-level security: the gateway's
    /// (`DATABASE_URL`) or the worker's (`WORKER_DATABASE_URL`, which may also call the system
    /// functions that cross tenants).
    pub url: SecretString,
    /// The migration role: owns the schema. Only needed by `ferrodesk migrate` and bootstrap.
    pub admin_url: Option<SecretString>,
    pub max_connections: u32,
}

impl DatabaseConfig {
    /// The gateway's: `DATABASE_URL`.
    pub fn from_env() -> anyhow::Result<Self> {
        Self::with_login("DATABASE_URL", "the gateway's runtime login")
    }

    /// The worker's: its own login (`WORKER_DATABASE_URL`), never the gateway's.
    pub fn worker_from_env() -> anyhow::Result<Self> {
        Self::with_login("WORKER_DATABASE_URL", "the worker's login, a member of ferrodesk_worker")
    }

    fn with_login(variable: &str, login: &str) -> anyhow::Result<Self> {
        Ok(Self {
            url: var(variable).with_context(|| format!("{variable} must be set ({login})"))?.into(),
            admin_url: var("DATABASE_ADMIN_URL").map(Into::into),
            max_connections: parse_var("DATABASE_MAX_CONNECTIONS", 20)?,
        })
    }
}

#[derive(Clone, Debug)]
pub struct RedisConfig {
    pub url: SecretString,
    /// Prefix for every key, so several deployments (or test runs) can share one Redis.
    pub key_prefix: String,
}

impl RedisConfig {
    pub fn from_env() -> anyhow::Result<Self> {
        Ok(Self {
            url: var("REDIS_URL").unwrap_or_else(|| "redis://127.0.0.1:6379".into()).into(),
            key_prefix: var("REDIS_KEY_PREFIX").unwrap_or_else(|| "fd:".into()),
        })
    }
}

#[derive(Clone, Debug)]
pub struct HttpConfig {
    pub addr: SocketAddr,
    /// Where users reach the app, e.g. `https://help.example.com`. Decides the cookie's `Secure`.
    pub public_url: String,
    /// Serve GraphiQL on `GET /graphql`.
    pub graphiql: bool,
    /// How many proxies of ours stand in front of the gateway (`TRUST_PROXY`): the client's
    /// address is the one that many hops from the right of `X-Forwarded-For`. 0 ignores the
    /// header (nothing in front, or a proxy that does not set it).
    pub trusted_proxies: usize,
    /// The built web app (`web/dist`); served with SPA fallback when present.
    pub web_dir: Option<String>,
    /// Memory for ticket pages kept between requests, in MiB (`PAGE_CACHE_MB`, 0 turns it off).
    pub page_cache_mb: usize,
    /// `METRICS_ADDR`: a listener of its own for `GET /metrics` (e.g. 127.0.0.1:9090).
    pub metrics_addr: Option<SocketAddr>,
    /// `METRICS_TOKEN`: `GET /metrics` on the public listener needs it as a bearer token; without
    /// it the public listener does not serve metrics.
    pub metrics_token: Option<SecretString>,
    /// Requests per minute before `RATE_LIMITED`.
    pub rate_limits: RateLimits,
}

/// Requests per minute one client address, one session or API token, and one organisation may
/// make of the gateway (GraphQL, sockets, attachments), counted in Redis so every replica shares
/// them. 0 turns that limit off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimits {
    pub per_ip: u32,
    pub per_credential: u32,
    pub per_org: u32,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self { per_ip: 1_200, per_credential: 600, per_org: 6_000 }
    }
}

impl RateLimits {
    pub fn from_env() -> anyhow::Result<Self> {
        let d = Self::default();
        Ok(Self {
            per_ip: parse_var("RATE_LIMIT_IP_PER_MINUTE", d.per_ip)?,
            per_credential: parse_var("RATE_LIMIT_SESSION_PER_MINUTE", d.per_credential)?,
            per_org: parse_var("RATE_LIMIT_ORG_PER_MINUTE", d.per_org)?,
        })
    }

    /// No limits (benchmarks that measure the gateway, not its door).
    pub fn off() -> Self {
        Self { per_ip: 0, per_credential: 0, per_org: 0 }
    }
}

impl HttpConfig {
    pub fn from_env() -> anyhow::Result<Self> {
        Ok(Self {
            addr: parse_var("HTTP_ADDR", SocketAddr::from(([127, 0, 0, 1], 8080)))?,
            public_url: var("PUBLIC_URL").unwrap_or_else(|| "http://localhost:8080".into()),
            graphiql: parse_bool("GRAPHIQL", false)?,
            trusted_proxies: trusted_proxies(var("TRUST_PROXY").as_deref())?,
            web_dir: var("WEB_DIR").or_else(|| Some("web/dist".into())),
            page_cache_mb: parse_var("PAGE_CACHE_MB", 64)?,
            metrics_addr: var("METRICS_ADDR").map(|v| v.parse()).transpose().context("METRICS_ADDR")?,
            metrics_token: var("METRICS_TOKEN").map(Into::into),
            rate_limits: RateLimits::from_env()?,
        })
    }

    pub fn is_https(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

#[derive(Clone, Debug)]
pub struct MailConfig {
    pub inbound_domain: String,
    pub intake_smtp_addr: SocketAddr,
    /// An LMTP listener next to the SMTP one, for a local MTA that delivers by LMTP.
    pub intake_lmtp_addr: Option<SocketAddr>,
    /// PEM certificate chain and key: the intake offers STARTTLS when both are set.
    pub intake_tls_cert: Option<String>,
    pub intake_tls_key: Option<String>,
    pub max_message_bytes: usize,
    /// The intake's lanes: each organisation's mail takes one, and each lane has one batch at
    /// the database at a time; messages arriving meanwhile go together in its next batch.
    pub intake_concurrency: usize,
    pub smtp_relay_url: Option<SecretString>,
    /// Where outbound mail is written as .eml files when there is no relay.
    pub outbox_dir: String,
    /// The local object store for attachments.
    pub attachments_dir: String,
    /// Acknowledgements one sender receives per hour at most.
    pub ack_limit_per_hour: i64,
    /// Links in outbound mail point here.
    pub public_url: String,
    /// `MAIL_DNS_RESOLVER`: the DNS server (host:port) that answers the SPF, DKIM and DMARC
    /// look-ups of the intake; unset, the system's (`/etc/resolv.conf`).
    pub dns_resolver: Option<SocketAddr>,
    /// SMTP sessions one client address may hold open at once (`INTAKE_MAX_SESSIONS_PER_IP`).
    pub max_sessions_per_ip: usize,
    /// Messages an organisation may send in 24 hours (`MAIL_QUOTA_PER_DAY`), and while on its
    /// free trial (`MAIL_QUOTA_PER_DAY_TRIAL`). 0 means no quota.
    pub daily_quota: i64,
    pub trial_daily_quota: i64,
}

impl Default for MailConfig {
    /// The local defaults, as `.env.example` documents them.
    fn default() -> Self {
        Self {
            inbound_domain: "inbound.localhost".into(),
            intake_smtp_addr: SocketAddr::from(([127, 0, 0, 1], 2525)),
            intake_lmtp_addr: None,
            intake_tls_cert: None,
            intake_tls_key: None,
            max_message_bytes: 25 * 1024 * 1024,
            intake_concurrency: 2,
            smtp_relay_url: None,
            outbox_dir: "var/outbox".into(),
            attachments_dir: "var/attachments".into(),
            ack_limit_per_hour: 5,
            public_url: "http://localhost:8080".into(),
            dns_resolver: None,
            max_sessions_per_ip: 20,
            daily_quota: 2_000,
            trial_daily_quota: 200,
        }
    }
}

impl MailConfig {
    pub fn from_env() -> anyhow::Result<Self> {
        Ok(Self {
            inbound_domain: var("INBOUND_DOMAIN")
                .unwrap_or_else(|| "inbound.localhost".into())
                .to_lowercase(),
            intake_smtp_addr: parse_var("INTAKE_SMTP_ADDR", SocketAddr::from(([127, 0, 0, 1], 2525)))?,
            intake_lmtp_addr: var("INTAKE_LMTP_ADDR").map(|v| v.parse()).transpose()?,
            intake_tls_cert: var("INTAKE_TLS_CERT"),
            intake_tls_key: var("INTAKE_TLS_KEY"),
            max_message_bytes: parse_var("INTAKE_MAX_MESSAGE_BYTES", 25 * 1024 * 1024)?,
            intake_concurrency: parse_var("INTAKE_CONCURRENCY", 2)?,
            smtp_relay_url: var("SMTP_RELAY_URL").map(Into::into),
            outbox_dir: var("OUTBOX_DIR").unwrap_or_else(|| "var/outbox".into()),
            attachments_dir: var("ATTACHMENTS_DIR").unwrap_or_else(|| "var/attachments".into()),
            ack_limit_per_hour: parse_var("MAIL_ACK_LIMIT_PER_HOUR", 5)?,
            public_url: var("PUBLIC_URL").unwrap_or_else(|| "http://localhost:8080".into()),
            dns_resolver: var("MAIL_DNS_RESOLVER")
                .map(|v| v.parse())
                .transpose()
                .context("MAIL_DNS_RESOLVER")?,
            max_sessions_per_ip: parse_var("INTAKE_MAX_SESSIONS_PER_IP", 20)?,
            daily_quota: parse_var("MAIL_QUOTA_PER_DAY", 2_000)?,
            trial_daily_quota: parse_var("MAIL_QUOTA_PER_DAY_TRIAL", 200)?,
        })
    }
}

/// The public demo (docs/ARCHITECTURE.md §Demo).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoConfig {
    /// `DEMO=on`: serve `/demo` and keep the demo organisation reset nightly. Off by default: a
    /// self-hosted deployment has no anonymous admin sessions unless it asks for them.
    pub enabled: bool,
    /// `DEMO_RESET_AT`: the time of day (UTC, `HH:MM`) of the nightly reset, as minutes after
    /// midnight.
    pub reset_at_minute: u32,
}

impl Default for DemoConfig {
    fn default() -> Self {
        Self { enabled: false, reset_at_minute: 3 * 60 }
    }
}

impl DemoConfig {
    pub fn from_env() -> anyhow::Result<Self> {
        let reset_at_minute = match var("DEMO_RESET_AT") {
            None => Self::default().reset_at_minute,
            Some(raw) => parse_time_of_day(&raw).with_context(|| format!("DEMO_RESET_AT={raw:?}"))?,
        };
        Ok(Self { enabled: parse_bool("DEMO", false)?, reset_at_minute })
    }
}

/// `TRUST_PROXY`: a number of proxies, or a boolean (`true` is one proxy).
fn trusted_proxies(raw: Option<&str>) -> anyhow::Result<usize> {
    match raw.map(|v| v.trim().to_ascii_lowercase()) {
        None => Ok(0),
        Some(v) if matches!(v.as_str(), "false" | "no" | "off") => Ok(0),
        Some(v) if matches!(v.as_str(), "true" | "yes" | "on") => Ok(1),
        Some(v) => match v.parse::<usize>() {
            Ok(n) if n <= 10 => Ok(n),
            _ => bail!("TRUST_PROXY={v:?} must be the number of proxies in front of the gateway (0 to 10)"),
        },
    }
}

/// `HH:MM` (24-hour) as minutes after midnight.
fn parse_time_of_day(raw: &str) -> anyhow::Result<u32> {
    let (h, m) = raw.trim().split_once(':').context("expected HH:MM, e.g. 03:00")?;
    let (h, m): (u32, u32) = (h.parse()?, m.parse()?);
    if h > 23 || m > 59 || raw.trim().len() != 5 {
        bail!("expected HH:MM between 00:00 and 23:59");
    }
    Ok(h * 60 + m)
}

/// Stripe credentials and prices (docs/ARCHITECTURE.md §Billing).
#[derive(Clone, Debug)]
pub struct StripeConfig {
    /// `sk_test_…` / `sk_live_…`.
    pub secret_key: SecretString,
    /// `whsec_…`: verifies `Stripe-Signature` on `POST /webhooks/stripe`.
    pub webhook_secret: SecretString,
    /// The flat monthly price (`price_…`).
    pub price_monthly: String,
    /// The flat yearly price; without it only monthly is offered.
    pub price_yearly: Option<String>,
    /// Base URL of the API, ending in `/` (`https://api.stripe.com/`, or a local fake).
    pub api_base: String,
}

/// `BILLING=stripe` charges organisations through Stripe; `off` (self-hosted) has no limits.
#[derive(Clone, Debug, Default)]
pub enum BillingMode {
    #[default]
    Off,
    Stripe(StripeConfig),
}

#[derive(Clone, Debug)]
pub struct BillingConfig {
    pub mode: BillingMode,
    /// Days a past-due organisation stays writable after a failed payment.
    pub grace_days: i64,
}

impl Default for BillingConfig {
    fn default() -> Self {
        Self { mode: BillingMode::Off, grace_days: 7 }
    }
}

impl BillingConfig {
    pub fn from_env() -> anyhow::Result<Self> {
        let grace_days = parse_var("BILLING_GRACE_DAYS", 7)?;
        if !(0..=90).contains(&grace_days) {
            bail!("BILLING_GRACE_DAYS={grace_days} must be between 0 and 90");
        }
        let mode = match var("BILLING").map(|v| v.to_ascii_lowercase()).as_deref() {
            None | Some("off") => BillingMode::Off,
            Some("stripe") => {
                let required = |name: &str| var(name).with_context(|| format!("BILLING=stripe needs {name}"));
                BillingMode::Stripe(StripeConfig {
                    secret_key: required("STRIPE_SECRET_KEY")?.into(),
                    webhook_secret: required("STRIPE_WEBHOOK_SECRET")?.into(),
                    price_monthly: required("STRIPE_PRICE_ID")?,
                    price_yearly: var("STRIPE_PRICE_ID_YEARLY"),
                    api_base: api_base(var("STRIPE_API_BASE").as_deref()),
                })
            }
            Some(other) => bail!("BILLING={other:?} is not valid: stripe or off"),
        };
        Ok(Self { mode, grace_days })
    }

    pub fn enabled(&self) -> bool {
        matches!(self.mode, BillingMode::Stripe(_))
    }
}

/// The Stripe API base with a trailing slash (the client appends `v1/…`).
pub fn api_base(raw: Option<&str>) -> String {
    let base = raw.map(str::trim).filter(|b| !b.is_empty()).unwrap_or("https://api.stripe.com");
    format!("{}/", base.trim_end_matches('/'))
}

/// `FERRODESK_ENV`: production (the default) refuses to start with settings that are only safe
/// on a developer's machine; development (what `infra/up.sh` writes) accepts them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Environment {
    Production,
    Development,
}

/// The server's own secret and where it runs (docs/SECURITY.md).
#[derive(Clone, Debug)]
pub struct SecurityConfig {
    pub environment: Environment,
    /// `SECRET_KEY`: derives the tokens of the links and codes mailed to people (invitations,
    /// password resets, address confirmations, alias verification), so that a token exists
    /// only in the mail and never in the database. The gateway and the worker need the same one.
    pub secret_key: SecretString,
}

/// Development's key when `SECRET_KEY` is unset; production refuses to start with it.
pub const DEVELOPMENT_SECRET_KEY: &str = "ferrodesk-development-secret-key-never-use-in-production";
/// The shortest `SECRET_KEY` production accepts.
pub const MIN_SECRET_KEY_CHARS: usize = 32;

impl SecurityConfig {
    pub fn from_env() -> anyhow::Result<Self> {
        let environment = match var("FERRODESK_ENV").map(|v| v.to_ascii_lowercase()).as_deref() {
            None | Some("production") => Environment::Production,
            Some("development") => Environment::Development,
            Some(other) => bail!("FERRODESK_ENV={other:?} is not valid: production or development"),
        };
        let secret_key = var("SECRET_KEY").unwrap_or_else(|| DEVELOPMENT_SECRET_KEY.into()).into();
        Ok(Self { environment, secret_key })
    }

    /// For tests and local tools.
    pub fn development() -> Self {
        Self { environment: Environment::Development, secret_key: DEVELOPMENT_SECRET_KEY.into() }
    }

    fn production_problems(&self) -> Vec<String> {
        use secrecy::ExposeSecret;
        let key = self.secret_key.expose_secret();
        let mut problems = Vec::new();
        if key == DEVELOPMENT_SECRET_KEY || key.contains("change-me") {
            problems.push(
                "SECRET_KEY is unset or the example value: set a random one (openssl rand -base64 48)".into(),
            );
        } else if key.chars().count() < MIN_SECRET_KEY_CHARS {
            problems.push(format!("SECRET_KEY must be at least {MIN_SECRET_KEY_CHARS} characters"));
        }
        problems
    }
}

/// Whether a Redis URL asks for a password (or client certificate over TLS): an open Redis would
/// let anyone on its network read sessions and forge rate-limit counters.
fn redis_is_protected(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    authority
        .rsplit_once('@')
        .and_then(|(userinfo, _)| userinfo.split_once(':'))
        .is_some_and(|(_, password)| !password.is_empty())
}

/// Everything the gateway needs.
#[derive(Clone, Debug)]
pub struct GatewayConfig {
    pub database: DatabaseConfig,
    pub redis: RedisConfig,
    pub http: HttpConfig,
    pub mail: MailConfig,
    pub demo: DemoConfig,
    pub billing: BillingConfig,
    pub security: SecurityConfig,
}

impl GatewayConfig {
    pub fn from_env() -> anyhow::Result<Self> {
        Ok(Self {
            database: DatabaseConfig::from_env()?,
            redis: RedisConfig::from_env()?,
            http: HttpConfig::from_env()?,
            mail: MailConfig::from_env()?,
            demo: DemoConfig::from_env()?,
            billing: BillingConfig::from_env()?,
            security: SecurityConfig::from_env()?,
        })
    }

    /// In production, refuses what is only safe on a developer's machine: a default or short
    /// secret, a public URL that is not https (session cookies would travel in clear), and a
    /// Redis without a password.
    pub fn check_production(&self) -> anyhow::Result<()> {
        use secrecy::ExposeSecret;
        if self.security.environment != Environment::Production {
            return Ok(());
        }
        let mut problems = self.security.production_problems();
        if !self.http.is_https() {
            problems.push(format!(
                "PUBLIC_URL={} must be https:// (or set FERRODESK_ENV=development on a developer's machine)",
                self.http.public_url
            ));
        }
        if !redis_is_protected(self.redis.url.expose_secret()) {
            problems.push(
                "REDIS_URL has no password: use redis://:PASSWORD@host or rediss://user:PASSWORD@host".into(),
            );
        }
        if problems.is_empty() {
            Ok(())
        } else {
            bail!("refusing to start in production (FERRODESK_ENV=production):\n- {}", problems.join("\n- "))
        }
    }
}

/// Everything the worker needs.
#[derive(Clone, Debug)]
pub struct WorkerConfig {
    pub database: DatabaseConfig,
    pub redis: RedisConfig,
    pub mail: MailConfig,
    pub demo: DemoConfig,
    pub billing: BillingConfig,
    /// How many jobs one worker process runs at once.
    pub concurrency: usize,
    /// Seconds a claimed job stays reserved; a crashed worker's jobs return to the queue after it.
    pub job_lease_secs: u64,
    /// Seconds between SLA sweeps (breaches and at-risk escalations).
    pub sla_sweep_interval_secs: u64,
    pub security: SecurityConfig,
}

impl WorkerConfig {
    pub fn from_env() -> anyhow::Result<Self> {
        Ok(Self {
            database: DatabaseConfig::worker_from_env()?,
            redis: RedisConfig::from_env()?,
            mail: MailConfig::from_env()?,
            demo: DemoConfig::from_env()?,
            billing: BillingConfig::from_env()?,
            concurrency: parse_var("WORKER_CONCURRENCY", 8)?,
            job_lease_secs: parse_var("WORKER_JOB_LEASE_SECS", 300)?,
            sla_sweep_interval_secs: parse_var("SLA_SWEEP_INTERVAL_SECS", 30)?,
            security: SecurityConfig::from_env()?,
        })
    }

    /// In production, refuses a default or short secret (the worker mails the links it signs).
    pub fn check_production(&self) -> anyhow::Result<()> {
        if self.security.environment != Environment::Production {
            return Ok(());
        }
        let problems = self.security.production_problems();
        if problems.is_empty() {
            Ok(())
        } else {
            bail!("refusing to start in production (FERRODESK_ENV=production):\n- {}", problems.join("\n- "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trust_proxy_is_a_count_of_hops() {
        assert_eq!(trusted_proxies(None).unwrap(), 0);
        assert_eq!(trusted_proxies(Some("false")).unwrap(), 0);
        assert_eq!(trusted_proxies(Some("true")).unwrap(), 1);
        assert_eq!(trusted_proxies(Some("2")).unwrap(), 2);
        assert!(trusted_proxies(Some("many")).is_err());
    }

    #[test]
    fn an_open_redis_is_told_from_a_protected_one() {
        assert!(!redis_is_protected("redis://127.0.0.1:6379"));
        assert!(!redis_is_protected("redis://user@10.0.0.2:6379/0"));
        assert!(redis_is_protected("redis://:s3cret@10.0.0.2:6379"));
        assert!(redis_is_protected("rediss://app:s3cret@cache.internal:6380/1"));
    }

    /// `.env.example` is what an operator copies: as written it turns on nothing that is only for
    /// a developer's machine, and leaves the secret for them to set.
    #[test]
    fn the_example_environment_is_safe_for_production() {
        let example: std::collections::HashMap<&str, &str> = include_str!("../../../.env.example")
            .lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .filter_map(|l| l.split_once('='))
            .collect();
        assert_eq!(example.get("FERRODESK_ENV"), Some(&"production"));
        assert_eq!(example.get("DEMO"), Some(&"off"));
        assert_eq!(example.get("GRAPHIQL"), Some(&"false"));
        assert_eq!(example.get("SECRET_KEY"), Some(&""), "no secret to copy");
        assert!(example.get("PUBLIC_URL").is_some_and(|u| u.starts_with("https://")));
        assert_eq!(example.get("TRUST_PROXY"), Some(&"0"));
    }

    #[test]
    fn production_refuses_the_development_key() {
        let mut security = SecurityConfig::development();
        security.environment = Environment::Production;
        assert_eq!(security.production_problems().len(), 1);
        security.secret_key = "short".into();
        assert!(security.production_problems()[0].contains("at least"));
        security.secret_key = "k".repeat(MIN_SECRET_KEY_CHARS).into();
        assert!(security.production_problems().is_empty());
    }
}
