//! Two real worker processes sweep the same SLA clocks: every escalation is raised once.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Worker(Child);

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_worker(database_url: &str) -> Worker {
    Worker(
        Command::new(env!("CARGO_BIN_EXE_ferrodesk-worker"))
            .env("WORKER_DATABASE_URL", database_url)
            .env("REDIS_URL", ferrodesk_testkit::redis_url())
            .env("FERRODESK_ENV", "development")
            .env("SLA_SWEEP_INTERVAL_SECS", "1")
            .env("INTAKE_SMTP_ADDR", "127.0.0.1:0")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start a worker process"),
    )
}

#[tokio::test]
async fn two_worker_processes_escalate_each_clock_once() {
    let app = ferrodesk_testkit::TestApp::spawn().await;
    let owner = app.sign_up("acme").await;
    for n in 0..20 {
        app.create_ticket(
            &owner,
            serde_json::json!({ "kind": "INCIDENT", "subject": format!("Outage {n}"), "priority": "P1" }),
        )
        .await;
    }
    let mut admin = app.db.admin_conn().await;
    // Every clock is past 80% and due: two escalations per ticket (resolution at risk, breached).
    sqlx::query(
        "update tickets set resolution_at_risk_at = now() - interval '2 minutes',
                            resolution_due_at = now() - interval '1 minute',
                            response_at_risk_at = null, response_due_at = null",
    )
    .execute(&mut admin)
    .await
    .unwrap();

    let (_a, _b) = (start_worker(&app.db.worker_url), start_worker(&app.db.worker_url));
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut escalations = 0i64;
    while Instant::now() < deadline {
        escalations =
            sqlx::query_scalar("select count(*) from sla_escalations").fetch_one(&mut admin).await.unwrap();
        if escalations >= 40 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Let both workers sweep a few more times.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let escalations_after: i64 =
        sqlx::query_scalar("select count(*) from sla_escalations").fetch_one(&mut admin).await.unwrap();
    let notifications: i64 =
        sqlx::query_scalar("select count(*) from notifications").fetch_one(&mut admin).await.unwrap();
    assert_eq!(escalations, 40, "the workers raised every escalation");
    assert_eq!(escalations_after, 40, "and neither raised anything twice");
    // Unassigned tickets: the owner hears of each escalation once.
    assert_eq!(notifications, 40);
}

/// The worker will not start on the gateway's login, nor without a login of its own, and says why.
#[tokio::test]
async fn the_worker_refuses_the_gateways_login() {
    let db = ferrodesk_testkit::test_db().await;
    let run = |url: Option<&str>| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_ferrodesk-worker"));
        command
            .env_remove("WORKER_DATABASE_URL")
            .env("REDIS_URL", ferrodesk_testkit::redis_url())
            .env("FERRODESK_ENV", "development")
            .env("INTAKE_SMTP_ADDR", "127.0.0.1:0")
            .env("RUST_LOG", "warn");
        if let Some(url) = url {
            command.env("WORKER_DATABASE_URL", url);
        }
        command.output().expect("run the worker")
    };
    for (url, expected) in [
        (Some(db.app_url.as_str()), "is not a member of ferrodesk_worker"),
        (None, "WORKER_DATABASE_URL must be set"),
    ] {
        let output = run(url);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "the worker started with {url:?}");
        assert!(stderr.contains(expected), "{stderr}");
    }
}
