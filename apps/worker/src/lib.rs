//! The worker: the durable job runner today; the email intake listener and the SLA and demo
//! schedules join it in their own issues.

use ferrodesk_config::WorkerConfig;
use ferrodesk_db::Db;
use ferrodesk_jobs::Runner;
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

pub async fn run(config: WorkerConfig, stop: watch::Receiver<bool>) -> anyhow::Result<()> {
    let db = Db::connect(&config.database.url, config.database.max_connections).await?;
    db.check_runtime_role().await?;
    runner(db, config.concurrency).run(stop).await;
    Ok(())
}
