//! The crash test (docs/email.md): two real worker processes receive a burst of 2,000 messages
//! over SMTP; one is killed with SIGKILL in the middle and restarted. Senders behave like an MTA
//! with two MX hosts: whatever was not answered with 250 is sent again, to either worker.
//! Afterwards there are exactly 2,000 tickets, one per message, and one acknowledgement each.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use lettre::address::Envelope;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

const MESSAGES: usize = 2_000;
const SENDERS: usize = 16;

struct Worker {
    child: Child,
    port: u16,
}

impl Worker {
    fn start(database_url: &str, port: u16, dir: &std::path::Path) -> Self {
        let child = Command::new(env!("CARGO_BIN_EXE_ferrodesk-worker"))
            .env("WORKER_DATABASE_URL", database_url)
            .env("REDIS_URL", ferrodesk_testkit::redis_url())
            .env("FERRODESK_ENV", "development")
            // The test's 2,000 messages go to trial organisations: no quota in the way.
            .env("MAIL_QUOTA_PER_DAY_TRIAL", "0")
            .env("INTAKE_SMTP_ADDR", format!("127.0.0.1:{port}"))
            .env("INBOUND_DOMAIN", "inbound.localhost")
            .env("OUTBOX_DIR", dir.join("outbox"))
            .env("ATTACHMENTS_DIR", dir.join("attachments"))
            .env("WORKER_CONCURRENCY", "16")
            // The killed worker's claimed jobs come back after this (300 s in production).
            .env("WORKER_JOB_LEASE_SECS", "5")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start a worker process");
        Self { child, port }
    }

    fn kill(&mut self) {
        let _ = self.child.kill(); // SIGKILL: no chance to finish anything
        let _ = self.child.wait();
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        self.kill();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn raw_message(n: usize) -> String {
    format!(
        "From: Sender {n} <sender{n}@example.com>\r\nTo: acme@inbound.localhost\r\nSubject: Burst message {n}\r\n\
         Message-ID: <burst-{n}@example.com>\r\nDate: Sun, 22 Nov 2026 09:00:00 +0000\r\n\r\n\
         Message number {n} of the burst.\r\n{}\r\n",
        "Some more text so the message has a realistic size. ".repeat(40)
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_killed_worker_loses_and_duplicates_nothing() {
    let app = ferrodesk_testkit::TestApp::spawn().await;
    app.sign_up("acme").await;
    let dir = std::env::temp_dir().join(format!("fd-crash-{}", uuid::Uuid::now_v7().simple()));
    let ports = [free_port(), free_port()];
    let mut a = Worker::start(&app.db.worker_url, ports[0], &dir);
    let _b = Worker::start(&app.db.worker_url, ports[1], &dir);
    for port in ports {
        let deadline = Instant::now() + Duration::from_secs(20);
        while tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
            assert!(Instant::now() < deadline, "worker on {port} did not start");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    let next = Arc::new(AtomicUsize::new(0));
    let accepted = Arc::new(AtomicUsize::new(0));
    let retries = Arc::new(AtomicUsize::new(0));
    let mut senders = Vec::new();
    for s in 0..SENDERS {
        let (next, accepted, retries) = (next.clone(), accepted.clone(), retries.clone());
        senders.push(tokio::spawn(async move {
            let clients: Vec<_> = ports
                .iter()
                .map(|&p| {
                    AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1")
                        .port(p)
                        .timeout(Some(Duration::from_secs(10)))
                        .build()
                })
                .collect();
            loop {
                let n = next.fetch_add(1, Ordering::SeqCst);
                if n >= MESSAGES {
                    break;
                }
                let envelope = Envelope::new(
                    Some(format!("sender{n}@example.com").parse().unwrap()),
                    vec!["acme@inbound.localhost".parse().unwrap()],
                )
                .unwrap();
                let raw = raw_message(n);
                let mut attempt = s + n;
                loop {
                    match clients[attempt % 2].send_raw(&envelope, raw.as_bytes()).await {
                        Ok(_) => break,
                        Err(_) => {
                            retries.fetch_add(1, Ordering::Relaxed);
                            attempt += 1;
                            tokio::time::sleep(Duration::from_millis(20)).await;
                        }
                    }
                }
                accepted.fetch_add(1, Ordering::SeqCst);
            }
        }));
    }

    // Kill worker A in the middle of the burst, then bring it back on the same port.
    let deadline = Instant::now() + Duration::from_secs(120);
    let started = Instant::now();
    while accepted.load(Ordering::SeqCst) < MESSAGES / 3 {
        assert!(Instant::now() < deadline, "the burst stalled");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    a.kill();
    let killed_at = accepted.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let _a2 = Worker::start(&app.db.worker_url, a.port, &dir);

    for sender in senders {
        sender.await.unwrap();
    }
    eprintln!("all {MESSAGES} accepted after {:?}", started.elapsed());
    assert_eq!(accepted.load(Ordering::SeqCst), MESSAGES);

    let mut admin = app.db.admin_conn().await;
    let deadline = Instant::now() + Duration::from_secs(180);
    loop {
        let pending: i64 = sqlx::query_scalar(
            "select (select count(*) from inbound_messages where status = 'received')
                  + (select count(*) from jobs where status <> 'dead')",
        )
        .fetch_one(&mut admin)
        .await
        .unwrap();
        if pending == 0 {
            break;
        }
        assert!(Instant::now() < deadline, "{pending} messages or jobs still pending");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let tickets: i64 =
        sqlx::query_scalar("select count(*) from tickets").fetch_one(&mut admin).await.unwrap();
    let subjects: i64 = sqlx::query_scalar("select count(distinct subject) from tickets")
        .fetch_one(&mut admin)
        .await
        .unwrap();
    let processed: i64 =
        sqlx::query_scalar("select count(*) from inbound_messages where status = 'processed'")
            .fetch_one(&mut admin)
            .await
            .unwrap();
    let acks: i64 = sqlx::query_scalar(
        "select count(*) from outbound_messages where kind = 'acknowledgement' and status = 'sent'",
    )
    .fetch_one(&mut admin)
    .await
    .unwrap();
    let dead: i64 = sqlx::query_scalar("select count(*) from jobs where status = 'dead'")
        .fetch_one(&mut admin)
        .await
        .unwrap();
    eprintln!(
        "killed worker A after {killed_at} accepted messages; {} sends were retried",
        retries.load(Ordering::Relaxed)
    );
    assert_eq!(tickets, MESSAGES as i64, "exactly one ticket per message");
    assert_eq!(subjects, MESSAGES as i64, "every message has its ticket");
    assert_eq!(processed, MESSAGES as i64);
    assert_eq!(acks, MESSAGES as i64, "one acknowledgement per ticket");
    assert_eq!(dead, 0);
    let _ = std::fs::remove_dir_all(dir);
}
