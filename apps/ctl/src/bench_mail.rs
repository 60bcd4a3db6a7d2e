//! `ferrodesk bench-mail`: email intake end to end, from the SMTP client's `DATA` to the ticket
//! committed with its acknowledgement queued, with 1, 8 and 32 concurrent senders. The worker
//! (listener, job runner with the ingest and send handlers) runs in this process over a fresh
//! database; senders are real SMTP clients on loopback.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use base64::Engine;
use clap::Args;
use ferrodesk_core::accounts::{SignUp, sign_up};
use ferrodesk_core::live::LivePublisher;
use ferrodesk_core::mail::MailService;
use ferrodesk_db::Db;
use ferrodesk_mail::outbound::{Templates, Transport};
use ferrodesk_mail::smtp::{self, ServerConfig};
use ferrodesk_mail::store::LocalStore;
use lettre::address::Envelope;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use rand::{Rng, SeedableRng};
use sqlx::Connection;
use sqlx::PgConnection;
use tokio::sync::watch;

use crate::bench::{BenchCluster, machine_cpu, machine_cpu_since, out, percentile};

const DATABASE: &str = "ferrodesk_bench_mail";
const DOMAIN: &str = "inbound.bench";

#[derive(Args, Debug)]
pub struct MailBenchArgs {
    #[command(flatten)]
    cluster: BenchCluster,
    /// Organisations receiving the mail (round robin).
    #[arg(long, default_value_t = 20)]
    orgs: usize,
    /// Messages sent at each concurrency level.
    #[arg(long, default_value_t = 3000)]
    messages: usize,
    /// Concurrent senders, one run each.
    #[arg(long, value_delimiter = ',', default_value = "1,8,32")]
    senders: Vec<usize>,
    /// Jobs the in-process worker runs at once (`WORKER_CONCURRENCY`).
    #[arg(long, default_value_t = 8)]
    worker_concurrency: usize,
    /// Messages the intake processes at once (`INTAKE_CONCURRENCY`).
    #[arg(long, default_value_t = 8)]
    intake_concurrency: usize,
}

/// A realistic message of 2–50 KB: quoted history, an HTML part, every fifth with an attachment.
fn message(n: usize, rng: &mut rand::rngs::StdRng, org: usize) -> (String, String, String) {
    let from = format!("user{}@customer{}.example", n % 500, org);
    let to = format!("org{org}@{DOMAIN}");
    let words =
        ["printer", "laptop", "VPN", "password", "monitor", "email", "access", "badge", "Wi-Fi", "teams"];
    let target = rng.random_range(2_000..50_000);
    let mut body =
        format!("Hello IT,\r\n\r\nMy {} stopped working this morning.\r\n", words[n % words.len()]);
    while body.len() < target / 2 {
        body.push_str("It shows an error every time I try again, and restarting did not help at all.\r\n");
    }
    let attachment = if n.is_multiple_of(5) {
        let bytes: Vec<u8> = (0..target / 3).map(|_| rng.random()).collect();
        let b64 = base64::engine::general_purpose::STANDARD.encode(bytes);
        let lines: Vec<&str> =
            b64.as_bytes().chunks(76).map(|c| std::str::from_utf8(c).unwrap_or("")).collect();
        format!(
            "--b1\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename=\"screenshot-{n}.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n",
            lines.join("\r\n")
        )
    } else {
        String::new()
    };
    let raw = format!(
        "From: User {n} <{from}>\r\nTo: {to}\r\nSubject: {} problem #{n}\r\nMessage-ID: <bench-{n}-{}@customer.example>\r\n\
         Date: Sun, 22 Nov 2026 09:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n\
         --b1\r\nContent-Type: multipart/alternative; boundary=\"b2\"\r\n\r\n\
         --b2\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n\
         --b2\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<div><p>{}</p></div>\r\n--b2--\r\n{attachment}--b1--\r\n",
        words[n % words.len()],
        uuid::Uuid::now_v7().simple(),
        body.replace("\r\n", "<br>")
    );
    (from, to, raw)
}

pub async fn run(args: MailBenchArgs) -> anyhow::Result<()> {
    args.cluster.fresh_database(DATABASE).await?;
    let (admin_url, app_url) = args.cluster.urls(DATABASE);
    let connections = args.worker_concurrency + args.intake_concurrency + 4;
    let db = Db::connect(&app_url.clone().into(), u32::try_from(connections).unwrap_or(40)).await?;
    for org in 0..args.orgs {
        sign_up(
            &db,
            SignUp {
                organization_name: &format!("Bench Org {org}"),
                slug: &format!("org{org}"),
                name: "Bench Owner",
                email: &format!("owner{org}@bench.example"),
                password: "correct horse battery staple",
                time_zone: None,
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("sign-up: {e:?}"))?;
    }
    let redis_url = std::env::var("REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into());
    let scratch = std::env::temp_dir().join(format!("fd-bench-mail-{}", uuid::Uuid::now_v7().simple()));
    let mail = Arc::new(MailService {
        db: db.clone(),
        inbound_domain: DOMAIN.into(),
        public_url: "http://localhost:8080".into(),
        ack_limit_per_hour: 1_000_000,
        store: LocalStore::new(scratch.join("attachments")),
        templates: Templates::new(),
        transport: Transport::File(scratch.join("outbox")),
        // As in production: every ticket is announced to open screens through Redis.
        live: Some(LivePublisher::connect(&redis_url, "fdbench:").await.context("Redis for live updates")?),
    });
    let (stop_tx, stop) = watch::channel(false);
    let runner = ferrodesk_worker::runner(db.clone(), args.worker_concurrency, mail.clone())
        .with_poll_interval(Duration::from_millis(20));
    let intake = Arc::new(
        ferrodesk_worker::intake::MailIntake::new(mail, runner.waker())
            .with_concurrency(args.intake_concurrency),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    tokio::spawn(smtp::serve(listener, Arc::new(ServerConfig::new(DOMAIN)), intake, stop.clone()));
    tokio::spawn(runner.run(stop));
    let mut admin = PgConnection::connect(&admin_url).await.context("owner connection")?;

    out(&format!(
        "email intake: {} messages per run over {} organisations, 2-50 KB, every fifth with an attachment",
        args.messages, args.orgs
    ));
    let mut rng = rand::rngs::StdRng::seed_from_u64(42);
    let mut offset = 0;
    for &senders in &args.senders {
        let messages: Vec<_> =
            (0..args.messages).map(|i| message(offset + i, &mut rng, (offset + i) % args.orgs)).collect();
        offset += args.messages;
        let total_bytes: usize = messages.iter().map(|m| m.2.len()).sum();
        let queue = Arc::new(std::sync::Mutex::new(messages));
        let started = Instant::now();
        let cpu_before = machine_cpu();
        let mut tasks = Vec::new();
        for _ in 0..senders.max(1) {
            let queue = queue.clone();
            tasks.push(tokio::spawn(async move {
                let client =
                    AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1").port(port).build();
                let mut latencies = Vec::new();
                loop {
                    let next = queue.lock().ok().and_then(|mut q| q.pop());
                    let Some((from, to, raw)) = next else { break };
                    let envelope = Envelope::new(Some(from.parse()?), vec![to.parse()?])?;
                    let t = Instant::now();
                    client.send_raw(&envelope, raw.as_bytes()).await?;
                    latencies.push(t.elapsed().as_secs_f64() * 1000.0);
                }
                Ok::<_, anyhow::Error>(latencies)
            }));
        }
        let mut smtp_ms = Vec::new();
        for task in tasks {
            smtp_ms.extend(task.await??);
        }
        // Polled slowly and cheaply (the load shares the two cores); the run ends when the last
        // message was processed, as the database recorded it, not when the poll noticed.
        let since = chrono::Utc::now() - chrono::Duration::from_std(started.elapsed())?;
        let finished: chrono::DateTime<chrono::Utc> = loop {
            let row: (bool, Option<chrono::DateTime<chrono::Utc>>) = sqlx::query_as(
                "select exists (select 1 from inbound_messages where status = 'received'),
                        (select max(processed_at) from inbound_messages where received_at >= $1)",
            )
            .bind(since)
            .fetch_one(&mut admin)
            .await?;
            if let (false, Some(at)) = row {
                break at;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        let elapsed = (finished - since).to_std()?;
        // Processed after the 250 means the in-transaction path failed and the ingest job did it.
        let retried: i64 = sqlx::query_scalar(
            "select count(*) from inbound_messages where received_at >= $1 and processed_at > received_at",
        )
        .bind(since)
        .fetch_one(&mut admin)
        .await?;
        smtp_ms.sort_by(f64::total_cmp);
        // Then the acknowledgements: the rest of the work each message causes.
        loop {
            let jobs: i64 = sqlx::query_scalar("select count(*) from jobs where status <> 'dead'")
                .fetch_one(&mut admin)
                .await?;
            if jobs == 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        // Everything a message costs, acknowledgement sent included (and the cheap polling).
        let cpu = machine_cpu_since(cpu_before);
        let acks_done: Option<chrono::DateTime<chrono::Utc>> = sqlx::query_scalar(
            "select max(sent_at) from outbound_messages where kind = 'acknowledgement' and created_at >= $1",
        )
        .bind(since)
        .fetch_one(&mut admin)
        .await?;
        let with_acks = acks_done.map_or(elapsed, |at| (at - since).to_std().unwrap_or(elapsed)).max(elapsed);
        out(&format!(
            "  {senders:>2} senders: {:>5.0} messages/s to ticket + acknowledgement queued ({} in {:.2} s, {:.1} MB; \
             {retried} by the retry job) | SMTP 250 (= committed) p50 {:.1} ms p99 {:.1} ms | \
             {:>5.0} messages/s with every acknowledgement also sent ({:.2} s) | {:.0} µs CPU per message (whole machine)",
            args.messages as f64 / elapsed.as_secs_f64(),
            args.messages,
            elapsed.as_secs_f64(),
            total_bytes as f64 / 1e6,
            percentile(&smtp_ms, 0.50),
            percentile(&smtp_ms, 0.99),
            args.messages as f64 / with_acks.as_secs_f64(),
            with_acks.as_secs_f64(),
            cpu.map_or(f64::NAN, |c| c.as_secs_f64() * 1e6 / args.messages as f64),
        ));
    }
    let tickets: i64 = sqlx::query_scalar("select count(*) from tickets").fetch_one(&mut admin).await?;
    let acks: i64 =
        sqlx::query_scalar("select count(*) from outbound_messages where kind = 'acknowledgement'")
            .fetch_one(&mut admin)
            .await?;
    out(&format!("  check: {tickets} tickets and {acks} acknowledgements for {offset} messages"));
    let _ = stop_tx.send(true);
    let _ = std::fs::remove_dir_all(scratch);
    Ok(())
}
