use ferrodesk_config::{WorkerConfig, telemetry};
use tokio::sync::watch;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    telemetry::init("worker");
    let config = WorkerConfig::from_env()?;
    let (stop_tx, stop_rx) = watch::channel(false);
    // Finish the jobs in hand on Ctrl-C or SIGTERM (what `infra/up.sh stop` and Kubernetes send).
    tokio::spawn(async move {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {},
            _ = async { match term.as_mut() { Some(t) => { t.recv().await; } None => std::future::pending().await } } => {},
        }
        let _ = stop_tx.send(true);
    });
    ferrodesk_worker::run(config, stop_rx).await
}
