//! `ferrodesk-dev bench-demo`: the two figures the demo promises. How long a prospect waits from
//! `GET /demo` to an authenticated agent queue (the redirect, then the queue query the web app
//! makes first), and how long the full reset takes (1,500 tickets with conversations and audit
//! trails replaced in one transaction). The gateway runs in this process over a fresh database.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use clap::Args;
use ferrodesk_config::{DatabaseConfig, DemoConfig, GatewayConfig, HttpConfig, RedisConfig};
use ferrodesk_core::demo::{self, When};
use ferrodesk_db::Db;

use crate::bench::{BenchCluster, QUEUE, out, percentile};

const DATABASE: &str = "ferrodesk_bench_demo";

#[derive(Args, Debug)]
pub struct DemoBenchArgs {
    #[command(flatten)]
    cluster: BenchCluster,
    #[arg(long, env = "REDIS_URL", default_value = "redis://127.0.0.1:6379")]
    redis_url: String,
    /// Resets measured (after one to warm up).
    #[arg(long, default_value_t = 5)]
    resets: usize,
    /// Visitors measured, one after another, each from its own address.
    #[arg(long, default_value_t = 50)]
    visitors: usize,
}

pub async fn run(args: DemoBenchArgs) -> anyhow::Result<()> {
    args.cluster.fresh_database(DATABASE).await?;
    let urls = args.cluster.urls(DATABASE);
    // The reset is the worker's; the visitors below are served by the gateway's login.
    let db = Db::connect(&urls.worker.into(), 4).await?;

    let first =
        demo::reset(&db, chrono::Utc::now(), When::Always).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    out(&format!(
        "demo dataset: {} tickets, {} messages, {} audit events (first reset {} ms)",
        first.tickets, first.messages, first.events, first.elapsed_ms
    ));
    let mut resets = Vec::new();
    for _ in 0..args.resets {
        let report =
            demo::reset(&db, chrono::Utc::now(), When::Always).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
        resets.push(report.elapsed_ms as f64);
    }
    resets.sort_by(f64::total_cmp);
    out(&format!(
        "reset (one transaction, {} runs): p50 {:.0} ms, max {:.0} ms (target ≤ 2,000 ms)",
        resets.len(),
        percentile(&resets, 0.5),
        resets.last().copied().unwrap_or(f64::NAN)
    ));

    let config = GatewayConfig {
        database: DatabaseConfig { url: urls.app.into(), admin_url: None, max_connections: 8 },
        redis: RedisConfig { url: args.redis_url.clone().into(), key_prefix: "fdbenchdemo:".into() },
        // Each visitor comes from its own address (X-Forwarded-For), as prospects do.
        http: HttpConfig {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            public_url: "http://localhost".into(),
            graphiql: false,
            trusted_proxies: 1,
            web_dir: None,
            page_cache_mb: 64,
            metrics_addr: None,
            metrics_token: None,
            rate_limits: crate::bench::COUNTED_NEVER_REFUSED,
        },
        mail: ferrodesk_config::MailConfig::default(),
        demo: DemoConfig { enabled: true, ..DemoConfig::default() },
        billing: ferrodesk_config::BillingConfig::default(),
        security: ferrodesk_config::SecurityConfig::development(),
    };
    let (server_rt, app) = crate::bench::start_gateway(config)?;
    let base = format!("http://{}", app.local_addr());
    server_rt.spawn(app.run_until_stopped());

    let mut journeys = Vec::new();
    for visitor in 0..=args.visitors {
        // A new browser each time: no connection or cookie reuse.
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
        let ip = format!("10.{}.{}.{}", visitor / 65536 % 256, visitor / 256 % 256, visitor % 256);
        let started = Instant::now();
        let response = http.get(format!("{base}/demo")).header("x-forwarded-for", &ip).send().await?;
        anyhow::ensure!(response.status() == 303, "GET /demo answered {}", response.status());
        let cookie = response
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .ok_or_else(|| anyhow::anyhow!("GET /demo set no session cookie"))?
            .to_owned();
        let queue: serde_json::Value = http
            .post(format!("{base}/graphql"))
            .header("cookie", cookie)
            .header("x-forwarded-for", &ip)
            .json(&serde_json::json!({ "query": QUEUE }))
            .send()
            .await?
            .json()
            .await?;
        let elapsed = started.elapsed();
        let rows = queue["data"]["tickets"]["edges"].as_array().map_or(0, Vec::len);
        anyhow::ensure!(rows == 50, "the demo queue returned {rows} rows: {queue}");
        if visitor > 0 {
            journeys.push(elapsed.as_secs_f64() * 1000.0);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    journeys.sort_by(f64::total_cmp);
    out(&format!(
        "GET /demo -> authenticated queue (50 rows), {} visitors: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms (target ≤ 1,000 ms)",
        journeys.len(),
        percentile(&journeys, 0.5),
        percentile(&journeys, 0.95),
        journeys.last().copied().unwrap_or(f64::NAN)
    ));
    server_rt.shutdown_background();
    Ok(())
}
