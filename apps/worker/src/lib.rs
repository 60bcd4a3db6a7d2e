//! The worker: the durable job runner, the email intake listener (SMTP, optionally LMTP), the
//! SLA sweep, and with `BILLING=stripe` the Stripe event jobs and trial reminders.

pub mod intake;

use std::sync::Arc;
use std::time::Duration;

use ferrodesk_config::{MailConfig, SecurityConfig, WorkerConfig};
use ferrodesk_core::auth::LinkKey;
use ferrodesk_core::jobs::{AccountMail, ApplyStripeEvent, IngestMail, Notify, RecomputeSla};
use ferrodesk_core::live::LivePublisher;
use ferrodesk_core::mail::MailService;
use ferrodesk_core::notices::MailQuota;
use ferrodesk_db::Db;
use ferrodesk_jobs::Runner;
use ferrodesk_mail::outbound::{Templates, Transport};
use ferrodesk_mail::smtp::{self, ServerConfig};
use ferrodesk_mail::store::LocalStore;
use secrecy::ExposeSecret;
use tokio::sync::watch;

/// The mail service from configuration: outbound through the relay when one is set, otherwise
/// into the file outbox; tickets it creates are announced through `live` when given.
pub fn mail_service(
    db: Db,
    config: &MailConfig,
    security: &SecurityConfig,
    live: Option<LivePublisher>,
) -> anyhow::Result<MailService> {
    let relay = config.smtp_relay_url.as_ref().map(|u| u.expose_secret().to_owned());
    Ok(MailService {
        links: LinkKey::new(&security.secret_key, &config.public_url),
        quota: MailQuota { per_day: config.daily_quota, trial_per_day: config.trial_daily_quota },
        db,
        inbound_domain: config.inbound_domain.clone(),
        public_url: config.public_url.clone(),
        ack_limit_per_hour: config.ack_limit_per_hour,
        store: LocalStore::new(&config.attachments_dir),
        templates: Templates::new(),
        transport: Transport::from_config(relay.as_deref(), std::path::Path::new(&config.outbox_dir))?,
        live,
    })
}

/// The job kinds this worker knows (`ferrodesk_core::jobs`), each with the use case that runs it.
pub fn runner(db: Db, concurrency: usize, mail: Arc<MailService>) -> Runner {
    let (links, ingest) = (mail.clone(), mail.clone());
    Runner::new(db, concurrency)
        .handle(|db, job, _: RecomputeSla| async move {
            let org = job.org_id.ok_or_else(|| anyhow::anyhow!("an SLA recompute needs an organisation"))?;
            let count =
                ferrodesk_core::sla::recompute_open(&db, org).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
            tracing::info!(org_id = %org, tickets = count, "SLA clocks recomputed");
            Ok(())
        })
        .handle(move |_db, _job, AccountMail { link_id }| {
            let mail = links.clone();
            async move { mail.send_link_mail(link_id).await }
        })
        .handle(move |_db, job, IngestMail { id }| {
            let mail = ingest.clone();
            async move {
                let org =
                    job.org_id.ok_or_else(|| anyhow::anyhow!("an inbound message needs an organisation"))?;
                let outcome = mail.ingest(org, id).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
                tracing::debug!(org_id = %org, inbound_id = %id, ?outcome, "inbound message processed");
                Ok(())
            }
        })
        // In batches: stored messages go out together, marked sent in one statement.
        .handle_batch::<Notify, _, _>(move |_db, jobs| {
            let mail = mail.clone();
            async move { mail.notify_batch(&jobs).await }
        })
}

/// Registers the application of Stripe events (docs/billing.md): only with `BILLING=stripe`.
pub fn billing_jobs(runner: Runner, billing: Arc<ferrodesk_billing::Billing>) -> Runner {
    runner.handle(move |_db, job, ApplyStripeEvent { event_id }| {
        let billing = billing.clone();
        async move {
            let org = job.org_id.ok_or_else(|| anyhow::anyhow!("a Stripe event needs an organisation"))?;
            billing.apply(org, &event_id).await
        }
    })
}

/// Mails "your trial ends soon" once per organisation, checking every `interval`.
pub async fn sweep_trials(db: Db, interval: Duration, mut stop: watch::Receiver<bool>) {
    while !*stop.borrow() {
        match ferrodesk_core::billing::send_trial_reminders(&db, chrono::Utc::now()).await {
            Ok(0) => {}
            Ok(reminded) => tracing::info!(reminded, "trial reminders queued"),
            Err(e) => tracing::error!(error = ?e, "trial reminders failed"),
        }
        tokio::select! {
            () = tokio::time::sleep(interval) => {},
            _ = stop.changed() => {},
        }
    }
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

/// How often the worker checks whether the demo is due for its nightly reset.
const DEMO_CHECK_INTERVAL: Duration = Duration::from_secs(60);

/// Keeps the public demo fresh: creates it when missing and replaces its dataset once per
/// scheduled reset, however many workers run (the database decides which one does it).
pub async fn keep_demo_fresh(db: Db, reset_minute: u32, mut stop: watch::Receiver<bool>) {
    while !*stop.borrow() {
        match ferrodesk_core::demo::reset_if_due(&db, chrono::Utc::now(), reset_minute).await {
            Ok(report) if report.replaced => {
                tracing::info!(tickets = report.tickets, elapsed_ms = report.elapsed_ms as u64, "demo reset")
            }
            Ok(_) => {}
            Err(e) => tracing::error!(error = ?e, "demo reset failed"),
        }
        tokio::select! {
            () = tokio::time::sleep(DEMO_CHECK_INTERVAL) => {},
            _ = stop.changed() => {},
        }
    }
}

/// The intake's protocol settings from configuration.
pub fn intake_config(config: &MailConfig, lmtp: bool) -> anyhow::Result<ServerConfig> {
    let mut server = ServerConfig::new(config.inbound_domain.clone());
    server.max_message_bytes = config.max_message_bytes;
    server.max_sessions_per_ip = config.max_sessions_per_ip;
    server.lmtp = lmtp;
    if let (Some(cert), Some(key)) = (&config.intake_tls_cert, &config.intake_tls_key) {
        server.tls = Some(smtp::tls_acceptor(&std::fs::read(cert)?, &std::fs::read(key)?)?);
    }
    Ok(server)
}

pub async fn run(config: WorkerConfig, stop: watch::Receiver<bool>) -> anyhow::Result<()> {
    config.check_production()?;
    let db = Db::connect(&config.database.url, config.database.max_connections).await?;
    db.check_runtime_role(ferrodesk_db::Service::Worker).await?;
    // Mail intake must not depend on Redis: without it, email tickets still arrive, and open
    // screens see them on their next refresh instead of at once.
    let live = match LivePublisher::connect(config.redis.url.expose_secret(), &config.redis.key_prefix).await
    {
        Ok(live) => Some(live),
        Err(error) => {
            tracing::warn!(%error, "live updates for tickets created by mail are off: Redis is unreachable");
            None
        }
    };
    let mail = Arc::new(mail_service(db.clone(), &config.mail, &config.security, live)?);
    let mut runner = runner(db.clone(), config.concurrency, mail.clone())
        .with_lease(Duration::from_secs(config.job_lease_secs.max(1)));
    let billing = ferrodesk_billing::from_config(db.clone(), &config.billing, &config.mail.public_url)?;
    let trials = match billing {
        Some(billing) => {
            runner = billing_jobs(runner, Arc::new(billing));
            Some(tokio::spawn(sweep_trials(db.clone(), Duration::from_secs(3600), stop.clone())))
        }
        None => None,
    };
    let authenticator =
        ferrodesk_mail::auth::Authenticator::new(config.mail.dns_resolver, &config.mail.inbound_domain)?;
    let intake = Arc::new(
        intake::MailIntake::new(mail, runner.waker())
            .with_concurrency(config.mail.intake_concurrency)
            .with_authenticator(Arc::new(authenticator)),
    );

    let mut listeners = Vec::new();
    let smtp_listener = tokio::net::TcpListener::bind(config.mail.intake_smtp_addr).await?;
    tracing::info!(addr = %smtp_listener.local_addr()?, "SMTP intake listening");
    listeners.push(tokio::spawn(smtp::serve(
        smtp_listener,
        Arc::new(intake_config(&config.mail, false)?),
        intake.clone(),
        stop.clone(),
    )));
    if let Some(addr) = config.mail.intake_lmtp_addr {
        let lmtp_listener = tokio::net::TcpListener::bind(addr).await?;
        tracing::info!(addr = %lmtp_listener.local_addr()?, "LMTP intake listening");
        listeners.push(tokio::spawn(smtp::serve(
            lmtp_listener,
            Arc::new(intake_config(&config.mail, true)?),
            intake.clone(),
            stop.clone(),
        )));
    }
    let sweep = tokio::spawn(sweep_sla(
        db.clone(),
        Duration::from_secs(config.sla_sweep_interval_secs.max(1)),
        stop.clone(),
    ));
    let demo = config
        .demo
        .enabled
        .then(|| tokio::spawn(keep_demo_fresh(db.clone(), config.demo.reset_at_minute, stop.clone())));
    runner.run(stop).await;
    sweep.await?;
    if let Some(demo) = demo {
        demo.await?;
    }
    if let Some(trials) = trials {
        trials.await?;
    }
    for listener in listeners {
        listener.await?;
    }
    Ok(())
}
