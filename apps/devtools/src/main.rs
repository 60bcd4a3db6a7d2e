//! `ferrodesk-dev`: development tools, never deployed. The benchmarks (docs/performance.md) and
//! the fake Stripe for local development and the billing journey (docs/billing.md).

mod bench;
mod bench_demo;
mod bench_mail;

use clap::{Parser, Subcommand};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "ferrodesk-dev", about = "Ferrodesk development tools: benchmarks and the fake Stripe")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Load 1,000 orgs × 1,000 tickets and measure the queue query and createTicket over HTTP.
    Bench(bench::BenchArgs),
    /// One SLA sweep over 1M open tickets in 1,000 tenants, and recomputing a 100k-ticket tenant.
    BenchSla(bench::SlaBenchArgs),
    /// Email intake end to end with 1, 8 and 32 concurrent SMTP senders.
    BenchMail(bench_mail::MailBenchArgs),
    /// Time from `GET /demo` to an authenticated queue, and the demo reset.
    BenchDemo(bench_demo::DemoBenchArgs),
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
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    ferrodesk_config::telemetry::init("dev");
    match Cli::parse().command {
        Command::Bench(args) => bench::run(args).await?,
        Command::BenchSla(args) => bench::run_sla(args).await?,
        Command::BenchMail(args) => bench_mail::run(args).await?,
        Command::BenchDemo(args) => bench_demo::run(args).await?,
        Command::FakeStripe { addr, webhook_url, webhook_secret } => {
            let fake = ferrodesk_billing::fake::FakeStripe::start(addr).await?;
            fake.set_webhook(Some(ferrodesk_billing::fake::WebhookTarget {
                url: webhook_url.clone(),
                secret: webhook_secret,
            }));
            tracing::info!(api_base = %fake.url(), webhooks = %webhook_url, "fake Stripe listening");
            tokio::signal::ctrl_c().await?;
        }
    }
    Ok(())
}
