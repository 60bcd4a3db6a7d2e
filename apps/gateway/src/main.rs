use ferrodesk_config::{GatewayConfig, telemetry};
use ferrodesk_gateway::Application;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    telemetry::init("gateway");
    let config = GatewayConfig::from_env()?;
    let app = Application::build(config).await?;
    tracing::info!(addr = %app.local_addr(), "gateway listening");
    app.run_until_stopped().await
}
