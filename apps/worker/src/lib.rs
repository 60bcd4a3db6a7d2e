//! The worker: the durable job runner today; the email intake listener and the SLA and demo
//! schedules join it in their own issues.

use ferrodesk_config::WorkerConfig;
use ferrodesk_db::Db;
use ferrodesk_jobs::Runner;
use std::time::Duration;

use tokio::sync::watch;

/// The job kinds this worker knows, with their handlers.
pub fn runner(db: Db, concurrency: usize) -> Runner {
    Runner::new(db, concurrency)
        .register("system.ping", |_db, job| async move {
            tracing::info!(payload = %job.payload, "ping");
            Ok(())
        })
        .register(ferrodesk_core::sla::RECOMPUTE_JOB, |db, job| async move {
            let org = job.org_id.ok_or_else(|| anyhow::anyhow!("an SLA recompute needs an organisation"))?;
            let count =
                ferrodesk_core::sla::recompute_open(&db, org).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
            tracing::info!(org_id = %org, tickets = count, "SLA clocks recomputed");
            Ok(())
        })
}

/// Escalations one sweep raises at most; the next sweep takes the rest.
const SWEEP_LIMIT: i32 = 10_000;

/// Sweeps SLA clocks across all tenants every `interval` until stopped. Several workers may
/// sweep at once: the database raises each escalation exactly once.
pub async fn sweep_sla(db: Db, interval: Duration, mut stop: watch::Receiver<bool>) {
    while !*stop.borrow() {
        let started = std::time::Instant::now();
        match ferrodesk_db::sla::sweep(&db, chrono::Utc::now(), SWEEP_LIMIT).await {
            Ok(0) => tracing::debug!("SLA sweep: nothing due"),
            Ok(raised) => {
                tracing::info!(raised, elapsed_ms = started.elapsed().as_millis() as u64, "SLA sweep")
            }
            Err(e) => tracing::error!(error = %e, "SLA sweep failed"),
        }
        tokio::select! {
            () = tokio::time::sleep(interval) => {},
            _ = stop.changed() => {},
        }
    }
}

pub async fn run(config: WorkerConfig, stop: watch::Receiver<bool>) -> anyhow::Result<()> {
    let db = Db::connect(&config.database.url, config.database.max_connections).await?;
    db.check_runtime_role().await?;
    let sweep = tokio::spawn(sweep_sla(
        db.clone(),
        Duration::from_secs(config.sla_sweep_interval_secs.max(1)),
        stop.clone(),
    ));
    runner(db, config.concurrency).run(stop).await;
    sweep.await?;
    Ok(())
}
