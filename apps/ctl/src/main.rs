//! `ferrodesk`: the operator's command line (bootstrap, migrations, schema export, the demo's
//! reset). The benchmarks and the fake Stripe are development tools (`ferrodesk-dev`).

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
    /// The public demo: `reset` replaces its dataset now.
    Demo {
        #[command(subcommand)]
        command: DemoCommand,
    },
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
        Command::Demo { command: DemoCommand::Reset { database_url, as_of } } => {
            let db = ferrodesk_db::Db::connect(&database_url.into(), 2).await?;
            db.check_runtime_role(ferrodesk_db::Service::Worker).await?;
            let as_of = as_of.unwrap_or_else(chrono::Utc::now);
            let report = ferrodesk_core::demo::reset(&db, as_of, ferrodesk_core::demo::When::Always)
                .await
                .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            use std::io::Write;
            writeln!(
                std::io::stdout(),
                "demo reset: {} tickets, {} messages, {} events in {} ms",
                report.tickets,
                report.messages,
                report.events,
                report.elapsed_ms
            )?;
        }
        Command::Schema => {
            use std::io::Write;
            std::io::stdout().write_all(ferrodesk_gateway::sdl().as_bytes())?;
        }
    }
    Ok(())
}
