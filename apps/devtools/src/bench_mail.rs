//! `ferrodesk-dev bench-mail`: email intake end to end, from the SMTP client's `DATA` to the ticket
//! committed with its acknowledgement queued, with 1, 8 and 32 concurrent senders. The worker
//! (listener, job runner with the ingest and send handlers) runs in this process over a fresh
//! database; senders are real SMTP clients on loopback.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use base64::Engine;
use clap::Args;
use ferrodesk_core::accounts::{SignUp, sign_up};
use ferrodesk_core::auth::LinkKey;
use ferrodesk_core::live::LivePublisher;
use ferrodesk_core::mail::MailService;
use ferrodesk_db::Db;
use ferrodesk_mail::auth::Authenticator;
use ferrodesk_mail::auth::testing::Dns;
use ferrodesk_mail::outbound::{Templates, Transport};
use ferrodesk_mail::smtp::{self, ServerConfig};
use ferrodesk_mail::store::LocalStore;
use lettre::address::Envelope;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use rand::{Rng, SeedableRng};
use sqlx::Connection;
use sqlx::PgConnection;
use tokio::sync::watch;

use crate::bench::{BenchCluster, CpuSplit, out, percentile};

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
    /// The intake's lanes, each with one batch at the database at a time (`INTAKE_CONCURRENCY`).
    #[arg(long, default_value_t = 2)]
    intake_concurrency: usize,
    /// Which messages to send.
    #[arg(long, value_enum, default_value_t = Mix::Realistic)]
    mix: Mix,
    /// Where the attachment store and the file outbox go: by default /dev/shm where it exists,
    /// because every run deletes its thousands of files and, for minutes after, ext4 allocates
    /// new inodes only past recently deleted ones, reading their inode tables (8% of the machine
    /// in back-to-back runs, none of it the product's). Point it at a disk to include a disk.
    #[arg(long)]
    scratch: Option<std::path::PathBuf>,
    /// Leave the planner's statistics as a new database has them, instead of refreshing them
    /// before each level as autovacuum keeps them in a running deployment.
    #[arg(long)]
    no_analyze: bool,
}

/// Which messages the bench sends.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mix {
    /// What support mail looks like: most of a message's 2–50 KB is headers (relay, DKIM and
    /// Exchange), Outlook-style HTML and attachments; the request itself is a few paragraphs with
    /// a signature, and a third of the messages forward an earlier thread.
    Realistic,
    /// The earlier bench's messages: a plain-text part of half the size (13 KB on average) of one
    /// repeated sentence, its HTML copy, every fifth with an attachment. A worst case for
    /// full-text indexing.
    TextHeavy,
}

const TOPICS: [&str; 10] =
    ["printer", "laptop", "VPN", "password", "monitor", "email", "access", "badge", "Wi-Fi", "Teams"];

const SENTENCES: [&str; 12] = [
    "It started this morning right after the update and it has not worked since.",
    "I already restarted twice and signed out and back in, but nothing changed.",
    "The error message says the connection was refused by the server.",
    "My colleague in the same office has the same problem since yesterday.",
    "Could someone please have a look today, as I have a client presentation at three?",
    "I attached a screenshot of what I see when I try to log in.",
    "This is blocking the whole finance team from finishing the month-end close.",
    "The status light is blinking orange and the display shows code E-204.",
    "I am working from home today, so a call on my mobile is the easiest way to reach me.",
    "It worked fine on Friday, and I did not change any settings over the weekend.",
    "When I plug it into the docking station the external screen stays black.",
    "I tried the steps from the knowledge base article, but step three fails for me.",
];

/// Analyzes the tables that autovacuum would analyze now, by its default rule: more than 50 rows
/// changed plus a tenth of the table since the last analysis.
///
/// A deployment's tables carry planner statistics that autovacuum refreshes within a minute of
/// changes of this size. The bench puts an hour's mail through a new database in seconds, so it
/// does autovacuum's part itself, between runs and outside the timing. Without it, every
/// connection keeps the plans it made while the tables were empty, such as foreign-key checks
/// that walk all of an organisation's tickets and a duplicate check that reads every message,
/// and each run is slower than the one before (docs/performance.md, `ferrodesk-dev bench-mail`).
/// Analyzing every table instead would be no better: a table analyzed while empty is planned as
/// empty.
async fn analyze_as_autovacuum_would(admin: &mut PgConnection) -> anyhow::Result<()> {
    let due: Vec<String> = sqlx::query_scalar(
        "select format('%I', s.relname) from pg_stat_user_tables s join pg_class c on c.oid = s.relid
         where s.schemaname = 'public' and s.n_mod_since_analyze > 50 + 0.1 * greatest(c.reltuples, 0)
         order by 1",
    )
    .fetch_all(&mut *admin)
    .await?;
    if !due.is_empty() {
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("analyze {}", due.join(", "))))
            .execute(&mut *admin)
            .await
            .context("analyze")?;
    }
    Ok(())
}

/// A message of the chosen mix, from one of 500 people: with 20 organisations, 25 write to each,
/// and over a full run each writes 18 messages.
fn message(mix: Mix, n: usize, rng: &mut rand::rngs::StdRng, org: usize) -> (String, String, String) {
    let from = format!("user{}@customer{}.example", n % 500, org);
    let to = format!("org{org}@{DOMAIN}");
    let raw = match mix {
        Mix::Realistic => realistic(n, rng, &from, &to),
        Mix::TextHeavy => text_heavy(n, rng, &from, &to),
    };
    (from, to, raw)
}

/// The text-heavy mix: half the drawn size is plain text, the HTML part repeats it.
fn text_heavy(n: usize, rng: &mut rand::rngs::StdRng, from: &str, to: &str) -> String {
    let words = TOPICS;
    let target = rng.random_range(2_000..50_000);
    let mut body =
        format!("Hello IT,\r\n\r\nMy {} stopped working this morning.\r\n", words[n % words.len()]);
    while body.len() < target / 2 {
        body.push_str("It shows an error every time I try again, and restarting did not help at all.\r\n");
    }
    let attachment = if n.is_multiple_of(5) {
        let bytes: Vec<u8> = (0..target / 3).map(|_| rng.random()).collect();
        format!(
            "--b1\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename=\"screenshot-{n}.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}",
            base64_lines(&bytes)
        )
    } else {
        String::new()
    };
    format!(
        "From: User {n} <{from}>\r\nTo: {to}\r\nSubject: {} problem #{n}\r\nMessage-ID: <bench-{n}-{}@customer.example>\r\n\
         Date: Sun, 22 Nov 2026 09:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n\
         --b1\r\nContent-Type: multipart/alternative; boundary=\"b2\"\r\n\r\n\
         --b2\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n\
         --b2\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<div><p>{}</p></div>\r\n--b2--\r\n{attachment}--b1--\r\n",
        words[n % words.len()],
        uuid::Uuid::now_v7().simple(),
        body.replace("\r\n", "<br>")
    )
}

pub async fn run(args: MailBenchArgs) -> anyhow::Result<()> {
    args.cluster.fresh_database(DATABASE).await?;
    let urls = args.cluster.urls(DATABASE);
    let admin_url = urls.admin;
    let connections = args.worker_concurrency + args.intake_concurrency + 4;
    // The worker's login: the sign-ups below need only what the gateway's has, which it holds too.
    let db = Db::connect(&urls.worker.into(), u32::try_from(connections).unwrap_or(40)).await?;
    let links =
        LinkKey::new(&ferrodesk_config::SecurityConfig::development().secret_key, "http://localhost:8080");
    for org in 0..args.orgs {
        sign_up(
            &db,
            &links,
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
    let shm = std::path::Path::new("/dev/shm");
    let scratch_root = args
        .scratch
        .clone()
        .unwrap_or_else(|| if shm.is_dir() { shm.to_path_buf() } else { std::env::temp_dir() });
    let scratch = scratch_root.join(format!("fd-bench-mail-{}", uuid::Uuid::now_v7().simple()));
    let mail = Arc::new(MailService {
        db: db.clone(),
        inbound_domain: DOMAIN.into(),
        public_url: "http://localhost:8080".into(),
        ack_limit_per_hour: 1_000_000,
        store: LocalStore::new(scratch.join("attachments")),
        templates: Templates::new(),
        transport: Transport::File(scratch.join("outbox")),
        links,
        // Checked for every message as in production, but far above the bench's volume.
        quota: ferrodesk_core::notices::MailQuota { per_day: i64::MAX, trial_per_day: i64::MAX },
        // As in production: every ticket is announced to open screens through Redis.
        live: Some(LivePublisher::connect(&redis_url, "fdbench:").await.context("Redis for live updates")?),
    });
    let (stop_tx, stop) = watch::channel(false);
    let runner = ferrodesk_worker::runner(db.clone(), args.worker_concurrency, mail.clone())
        .with_poll_interval(Duration::from_millis(20));
    // Every customer domain publishes SPF, DKIM and DMARC in a DNS server of the bench's own, and
    // every message is signed: the intake verifies each as it would in production.
    let dns = Dns::start().await?;
    let mut domains = Vec::with_capacity(args.orgs);
    for org in 0..args.orgs {
        domains.push(dns.domain(&format!("customer{org}.example"), "127.0.0.1".parse()?).await?);
    }
    let authenticator = Arc::new(Authenticator::new(Some(dns.addr), DOMAIN)?);
    let intake = Arc::new(
        ferrodesk_worker::intake::MailIntake::new(mail, runner.waker())
            .with_concurrency(args.intake_concurrency)
            .with_authenticator(authenticator),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    // Every sender here connects from 127.0.0.1, where real mail comes from many addresses: the
    // per-address cap would measure itself (a sender's pooled client can hold a second session
    // while the server finishes the first).
    let mut server = ServerConfig::new(DOMAIN);
    server.max_sessions_per_ip = server.max_sessions;
    tokio::spawn(smtp::serve(listener, Arc::new(server), intake, stop.clone()));
    tokio::spawn(runner.run(stop));
    let mut admin = PgConnection::connect(&admin_url).await.context("owner connection")?;

    out(&format!(
        "email intake: {} messages per run over {} organisations, {:?} mix, files in {}, {}",
        args.messages,
        args.orgs,
        args.mix,
        scratch_root.display(),
        if args.no_analyze {
            "the planner's statistics as a new database has them"
        } else {
            "the planner's statistics refreshed before each run as autovacuum would"
        }
    ));
    let mut rng = rand::rngs::StdRng::seed_from_u64(42);
    let mut offset = 0;
    for &senders in &args.senders {
        if !args.no_analyze {
            analyze_as_autovacuum_would(&mut admin).await?;
        }
        // Signed by their domains before the clock starts: signing is the sending server's work.
        let messages = (0..args.messages)
            .map(|i| {
                let org = (offset + i) % args.orgs;
                let (from, to, raw) = message(args.mix, offset + i, &mut rng, org);
                let signed = String::from_utf8(domains[org].sign(raw.as_bytes())?)?;
                Ok((from, to, signed))
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        offset += args.messages;
        let total_bytes: usize = messages.iter().map(|m| m.2.len()).sum();
        let queue = Arc::new(std::sync::Mutex::new(messages));
        let started = Instant::now();
        let cpu_before = CpuSplit::now();
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
        // The bench's own check that every message was verified, and passed.
        let authenticated: i64 = sqlx::query_scalar(
            "select count(*) from inbound_messages where received_at >= $1 and auth ->> 'dmarc' = 'pass'",
        )
        .bind(since)
        .fetch_one(&mut admin)
        .await?;
        if authenticated != i64::try_from(args.messages).unwrap_or(i64::MAX) {
            out(&format!("  warning: {authenticated} of {} messages passed DMARC", args.messages));
        }
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
        let cpu = CpuSplit::since(cpu_before);
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
             {:>5.0} messages/s with every acknowledgement also sent ({:.2} s) | {:.0} µs CPU per message (whole machine: {})",
            args.messages as f64 / elapsed.as_secs_f64(),
            args.messages,
            elapsed.as_secs_f64(),
            total_bytes as f64 / 1e6,
            percentile(&smtp_ms, 0.50),
            percentile(&smtp_ms, 0.99),
            args.messages as f64 / with_acks.as_secs_f64(),
            with_acks.as_secs_f64(),
            cpu.map_or(f64::NAN, |c| c.machine.as_secs_f64() * 1e6 / args.messages as f64),
            cpu.map_or_else(|| "n/a".to_owned(), |c| c.per(args.messages)),
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

/// A realistic support request: Exchange-sized headers, a short text part with a signature (and
/// in a third of them a forwarded thread), an Outlook-style HTML part, an inline logo in some,
/// an attachment in every fifth. Without an attachment a message is what its parts make it (3–20 KB);
/// with one, drawn up to 50 KB.
fn realistic(n: usize, rng: &mut rand::rngs::StdRng, from: &str, to: &str) -> String {
    let target: usize = rng.random_range(10_000..50_000);
    let topic = TOPICS[n % TOPICS.len()];
    let mut text = format!("Hi IT team,\r\n\r\nMy {topic} stopped working. ");
    for _ in 0..rng.random_range(2..12) {
        text.push_str(SENTENCES[rng.random_range(0..SENTENCES.len())]);
        text.push(' ');
    }
    text.push_str(
        "\r\n\r\nThanks,\r\nSam Taylor\r\nSenior Accountant | Finance\r\n+44 20 7946 0958\r\n\r\n\
         This e-mail and any attachments are confidential and intended solely for the addressee. \
         If you received it in error, please notify the sender and delete it.\r\n",
    );
    if n.is_multiple_of(3) {
        text.push_str("\r\n-----Original Message-----\r\nFrom: Alex Morgan\r\nSent: Friday 20 November 2026 16:02\r\n\r\n");
        for _ in 0..rng.random_range(3..30) {
            text.push_str("> ");
            text.push_str(SENTENCES[rng.random_range(0..SENTENCES.len())]);
            text.push_str("\r\n");
        }
    }
    let mut html = String::from(
        "<html xmlns:o=\"urn:schemas-microsoft-com:office:office\"><head>\
         <meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\"><style><!--\
         @font-face {font-family:\"Cambria Math\"; panose-1:2 4 5 3 5 4 6 3 2 4;}\
         @font-face {font-family:Calibri; panose-1:2 15 5 2 2 2 4 3 2 4;}\
         p.MsoNormal, li.MsoNormal, div.MsoNormal {margin:0cm; font-size:11.0pt; font-family:\"Calibri\",sans-serif;}\
         a:link, span.MsoHyperlink {mso-style-priority:99; color:#0563C1; text-decoration:underline;}\
         span.EmailStyle17 {mso-style-type:personal-compose; font-family:\"Calibri\",sans-serif; color:windowtext;}\
         .MsoChpDefault {mso-style-type:export-only; font-family:\"Calibri\",sans-serif;}\
         @page WordSection1 {size:612.0pt 792.0pt; margin:72.0pt 72.0pt 72.0pt 72.0pt;}\
         div.WordSection1 {page:WordSection1;}\
         --></style></head><body lang=\"EN-GB\" link=\"#0563C1\" vlink=\"#954F72\"><div class=\"WordSection1\">",
    );
    for line in text.split("\r\n") {
        html.push_str("<p class=\"MsoNormal\"><span style=\"font-size:11.0pt;font-family:&quot;Calibri&quot;,sans-serif;color:#1F3864\">");
        html.push_str(if line.is_empty() { "<o:p>&nbsp;</o:p>" } else { line });
        html.push_str("</span></p>");
    }
    let logo = n.is_multiple_of(2);
    if logo {
        html.push_str("<p class=\"MsoNormal\"><img width=\"120\" height=\"40\" src=\"cid:logo@example\" alt=\"Logo\"></p>");
    }
    html.push_str("</div></body></html>");
    let mut headers = format!(
        "Received: from mail-eopbgr130052.outbound.protection.outlook.com (mail-eopbgr130052.outbound.protection.outlook.com [40.107.13.52])\r\n\
         \tby mx.{DOMAIN} with ESMTPS id {n}; Sun, 22 Nov 2026 09:00:02 +0000\r\n\
         Received: from AM0PR04MB6466.eurprd04.prod.outlook.com (2603:10a6:208:16f::14) by AM0PR04MB4417.eurprd04.prod.outlook.com\r\n\
         \twith Microsoft SMTP Server (version=TLS1_2, cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384) id 15.20.5373.15; Sun, 22 Nov 2026 09:00:01 +0000\r\n\
         DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=customer.example; s=selector1;\r\n\
         \th=From:Date:Subject:Message-ID:Content-Type:MIME-Version;\r\n\
         \tbh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r\n\
         \tb=Vq3kG8bY0mF1wR7ZxkP2nJ5cT9hL4sD6aE8uQ1oI3vB7yN0gH2jK5lM8pR4tW6xZ9cV1bN3mQ7sA0dF2gH4jK6lP8oI\r\n\
         \t rT5yU7wE9qA1sD3fG5hJ7kL9zX2cV4bN6mQ8wE0rT2yU4iO6pA8sD0fG2hJ4kL6zX8cV0bN2mQ4wE6rT8yU0iO2pA4sD6f==\r\n\
         ARC-Seal: i=1; a=rsa-sha256; s=arcselector9901; d=microsoft.com; cv=none;\r\n\
         \tb=Hq2Kc7m9Yv0RzW4nJ8pT1sF6aD3gL5xB0eU7iO2yQ9kM4hN6jC8vZ1wR3tS5pA7dG0fK2lX4bE6nH8mJ1qW3rY5uI7o==\r\n\
         Thread-Topic: {topic} problem\r\nThread-Index: AdjU3x2+QpN8k1ZcT0m4Lh6yVf9s2A==\r\nContent-Language: en-GB\r\n\
         X-MS-Has-Attach: {}\r\nX-MS-TNEF-Correlator:\r\nX-MS-Exchange-Organization-SCL: -1\r\n\
         X-MS-Exchange-CrossTenant-OriginalArrivalTime: 22 Nov 2026 09:00:01.0000 (UTC)\r\n\
         X-MS-Exchange-CrossTenant-fromentityheader: Hosted\r\n\
         X-MS-Exchange-CrossTenant-id: 72f988bf-86f1-41af-91ab-2d7cd011db47\r\n\
         X-Microsoft-Antispam: BCL:0;ARA:13230040|1800799024|366016|376014|38070700018;\r\n",
        if n.is_multiple_of(5) { "yes" } else { "" },
    );
    headers.push_str(&format!(
        "From: Sam Taylor <{from}>\r\nTo: {to}\r\nSubject: {topic} not working (#{n})\r\n\
         Message-ID: <AM0PR04MB6466{n}.{}@AM0PR04MB6466.eurprd04.prod.outlook.com>\r\n\
         Date: Sun, 22 Nov 2026 09:00:00 +0000\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n",
        uuid::Uuid::now_v7().simple()
    ));
    let mut raw = headers;
    raw.push_str("--b1\r\nContent-Type: multipart/related; boundary=\"b3\"\r\n\r\n--b3\r\n");
    raw.push_str("Content-Type: multipart/alternative; boundary=\"b2\"\r\n\r\n");
    raw.push_str(&format!("--b2\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n"));
    raw.push_str(&format!("--b2\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{html}\r\n--b2--\r\n"));
    if logo {
        raw.push_str("--b3\r\nContent-Type: image/png; name=\"logo.png\"\r\nContent-ID: <logo@example>\r\n");
        raw.push_str(
            "Content-Disposition: inline; filename=\"logo.png\"\r\nContent-Transfer-Encoding: base64\r\n\r\n",
        );
        // The same company logo in every message from that company (the store keeps it once).
        let domain = from.rsplit('@').next().unwrap_or_default();
        let seed = domain.bytes().fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
        let mut company = rand::rngs::StdRng::seed_from_u64(seed);
        let logo: Vec<u8> = (0..4_000).map(|_| company.random()).collect();
        raw.push_str(&base64_lines(&logo));
    }
    raw.push_str("--b3--\r\n");
    // Every fifth carries a PDF that brings it to the drawn size (base64 grows bytes by 4/3).
    if n.is_multiple_of(5) {
        let size = (target.saturating_sub(raw.len()) * 3 / 4).max(1_000);
        let bytes: Vec<u8> = (0..size).map(|_| rng.random()).collect();
        raw.push_str(&format!(
            "--b1\r\nContent-Type: application/pdf; name=\"details-{n}.pdf\"\r\n\
             Content-Disposition: attachment; filename=\"details-{n}.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        ));
        raw.push_str(&base64_lines(&bytes));
    }
    raw.push_str("--b1--\r\n");
    raw
}

fn base64_lines(bytes: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(bytes);
    let mut out = String::with_capacity(b64.len() + b64.len() / 38 + 2);
    for chunk in b64.as_bytes().chunks(76) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or(""));
        out.push_str("\r\n");
    }
    out
}
