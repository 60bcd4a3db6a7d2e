//! `ferrodesk`: the operator's command line (bootstrap, migrations, schema export, benchmarks).

mod bench;
mod bench_demo;
mod bench_mail;

use anyhow::Context;
use clap::{Parser, Subcommand};
use ferrodesk_db::BootstrapPlan;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "ferrodesk", about = "Ferrodesk operator commands")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create (or correct) the database roles and the database. Needs a superuser connection.
    Bootstrap {
        #[arg(
            long,
            env = "DATABASE_SUPERUSER_URL",
            default_value = "postgres://postgres@127.0.0.1:5432/postgres"
        )]
        superuser_url: String,
        #[arg(long, env = "DATABASE_ADMIN_URL")]
        admin_url: String,
        #[arg(long, env = "DATABASE_URL")]
        app_url: String,
        #[arg(long, env = "WORKER_DATABASE_URL")]
        worker_url: String,
    },
    /// Apply pending migrations as the owner role.
    Migrate {
        #[arg(long, env = "DATABASE_ADMIN_URL")]
        admin_url: String,
    },
    /// Print the GraphQL schema (SDL) for client code generation.
    Schema,
    /// Load 1,000 orgs × 1,000 tickets and measure the queue query and createTicket over HTTP.
    Bench(bench::BenchArgs),
    /// One SLA sweep over 1M open tickets in 1,000 tenants, and recomputing a 100k-ticket tenant.
    BenchSla(bench::SlaBenchArgs),
    /// Email intake end to end with 1, 8 and 32 concurrent SMTP senders.
    BenchMail(bench_mail::MailBenchArgs),
    /// A fake Stripe for local development: the API the gateway calls (point STRIPE_API_BASE at
    /// it), clickable Checkout and portal pages, and signed webhooks to the gateway.
    FakeStripe {
        #[arg(long, env = "FAKE_STRIPE_ADDR", default_value = "127.0.0.1:12111")]
        addr: std::net::SocketAddr,
        #[arg(long, default_value = "http://127.0.0.1:8080/webhooks/stripe")]
        webhook_url: String,
        #[arg(long, env = "STRIPE_WEBHOOK_SECRET")]
        webhook_secret: String,
    },
    /// The public demo: `reset` replaces its dataset now.
    Demo {
        #[command(subcommand)]
        command: DemoCommand,
    },
    /// Time from `GET /demo` to an authenticated queue, and the demo reset.
    BenchDemo(bench_demo::DemoBenchArgs),
}

#[derive(Subcommand)]
enum DemoCommand {
    /// Replace the demo organisation's data with a pristine dataset (creating it if missing).
    /// Other organisations are never touched. Connects as the worker, whose work this is.
    Reset {
        #[arg(long, env = "WORKER_DATABASE_URL")]
        database_url: String,
        /// The dataset's "now" (RFC 3339); default: now. The same instant gives the same data.
        #[arg(long)]
        as_of: Option<chrono::DateTime<chrono::Utc>>,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    ferrodesk_config::telemetry::init("ctl");
    match Cli::parse().command {
        Command::Bootstrap { superuser_url, admin_url, app_url, worker_url } => {
            let plan = BootstrapPlan::from_urls(&admin_url, &app_url, &worker_url)?;
            ferrodesk_db::bootstrap_cluster(&superuser_url, &plan).await.context("bootstrapping roles")?;
            tracing::info!(
                database = %plan.database, owner = %plan.owner_role, gateway = %plan.app_role,
                worker = %plan.worker_role, "bootstrapped"
            );
        }
        Command::Migrate { admin_url } => {
            ferrodesk_db::migrate(&admin_url).await.context("migrating")?;
            tracing::info!("migrations applied");
        }
        Command::Bench(args) => bench::run(args).await?,
        Command::BenchSla(args) => bench::run_sla(args).await?,
        Command::BenchMail(args) => bench_mail::run(args).await?,
        Command::FakeStripe { addr, webhook_url, webhook_secret } => {
            let fake = ferrodesk_billing::fake::FakeStripe::start(addr).await?;
            fake.set_webhook(Some(ferrodesk_billing::fake::WebhookTarget {
                url: webhook_url.clone(),
                secret: webhook_secret,
            }));
            tracing::info!(api_base = %fake.url(), webhooks = %webhook_url, "fake Stripe listening");
            tokio::signal::ctrl_c().await?;
        }
        Command::BenchDemo(args) => bench_demo::run(args).await?,
        Command::Demo { command: DemoCommand::Reset { database_url, as_of } } => {
            let db = ferrodesk_db::Db::connect(&database_url.into(), 2).await?;
            db.check_runtime_role(ferrodesk_db::Service::Worker).await?;
            let as_of = as_of.unwrap_or_else(chrono::Utc::now);
            let report = ferrodesk_core::demo::reset(&db, as_of, ferrodesk_core::demo::When::Always)
                .await
                .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            bench::out(&format!(
                "demo reset: {} tickets, {} messages, {} events in {} ms",
                report.tickets, report.messages, report.events, report.elapsed_ms
            ));
        }
        Command::Schema => {
            use std::io::Write;
            std::io::stdout().write_all(ferrodesk_gateway::sdl().as_bytes())?;
        }
    }
    Ok(())
}
