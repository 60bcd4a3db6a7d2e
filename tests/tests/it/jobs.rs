use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use ferrodesk_db::Db;
use ferrodesk_jobs::{Payload, Runner};
use serde::{Deserialize, Serialize};
use sqlx::Connection;

/// The kinds these tests run.
macro_rules! kind {
    ($name:ident = $kind:literal { $($field:ident: $ty:ty),* }) => {
        #[derive(Debug, Default, Serialize, Deserialize)]
        struct $name { $($field: $ty),* }
        impl Payload for $name {
            const KIND: &'static str = $kind;
        }
    };
}
kind!(Flaky = "flaky" {});
kind!(Once = "once" {});
kind!(Rename = "rename" { name: String });
kind!(Batch = "batch" { i: i64 });
kind!(Single = "single" {});

/// Counted, and kept once per key when it has one.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Count {
    i: Option<i64>,
    key: Option<String>,
}

impl Payload for Count {
    const KIND: &'static str = "count";

    fn dedupe_key(&self) -> Option<String> {
        self.key.clone()
    }
}

async fn org_tx(db: &Db, admin: &mut sqlx::PgConnection) -> ferrodesk_db::TenantTx {
    let id: uuid::Uuid = sqlx::query_scalar(
        "insert into organizations (id, slug, name) values (gen_random_uuid(), 'jobs-org', 'Jobs') returning id",
    )
    .fetch_one(admin)
    .await
    .unwrap();
    db.system_in(ferrodesk_domain::OrgId::from_uuid(id)).await.unwrap()
}

#[tokio::test]
async fn jobs_exist_only_if_their_transaction_commits_and_run_once_across_workers() {
    let test_db = ferrodesk_testkit::test_db().await;
    let db = Db::from_pool(sqlx::PgPool::connect(&test_db.worker_url).await.unwrap());
    let mut admin = test_db.admin_conn().await;

    let mut tx = org_tx(&db, &mut admin).await;
    ferrodesk_jobs::enqueue(&mut tx, &Count::default()).await.unwrap();
    drop(tx); // rolled back: the job must not exist
    let n: i64 = sqlx::query_scalar("select count(*) from jobs").fetch_one(&mut admin).await.unwrap();
    assert_eq!(n, 0);

    let org: uuid::Uuid =
        sqlx::query_scalar("select id from organizations").fetch_one(&mut admin).await.unwrap();
    let mut tx = db.system_in(ferrodesk_domain::OrgId::from_uuid(org)).await.unwrap();
    for i in 0..50 {
        ferrodesk_jobs::enqueue(&mut tx, &Count { i: Some(i), key: None }).await.unwrap();
    }
    let keyed = Count { i: None, key: Some("k".into()) };
    assert!(ferrodesk_jobs::enqueue(&mut tx, &keyed).await.unwrap());
    assert!(!ferrodesk_jobs::enqueue(&mut tx, &keyed).await.unwrap(), "deduplicated by key");
    tx.commit().await.unwrap();

    let runs = Arc::new(AtomicUsize::new(0));
    let make = |runs: Arc<AtomicUsize>| {
        Runner::new(db.clone(), 4).with_poll_interval(Duration::from_millis(20)).handle(
            move |_, _, _: Count| {
                let runs = runs.clone();
                async move {
                    runs.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(2)).await;
                    Ok(())
                }
            },
        )
    };
    let (a, b) = (make(runs.clone()), make(runs.clone()));
    let drain = |r: Runner| async move { while r.run_once().await.unwrap() > 0 {} };
    tokio::join!(drain(a), drain(b));
    assert_eq!(runs.load(Ordering::SeqCst), 51, "each job ran exactly once across two workers");
    let left: i64 = sqlx::query_scalar("select count(*) from jobs").fetch_one(&mut admin).await.unwrap();
    assert_eq!(left, 0);
}

#[tokio::test]
async fn failing_jobs_back_off_and_end_up_dead_with_their_error() {
    let test_db = ferrodesk_testkit::test_db().await;
    let db = Db::from_pool(sqlx::PgPool::connect(&test_db.worker_url).await.unwrap());
    let mut admin = test_db.admin_conn().await;
    let mut tx = org_tx(&db, &mut admin).await;
    ferrodesk_jobs::enqueue(&mut tx, &Flaky::default()).await.unwrap();
    tx.commit().await.unwrap();
    sqlx::query("update jobs set max_attempts = 2").execute(&mut admin).await.unwrap();

    let runner =
        Runner::new(db.clone(), 1).handle(|_, _, _: Flaky| async { anyhow::bail!("mail relay refused") });
    assert_eq!(runner.run_once().await.unwrap(), 1);
    let (status, run_at_in): (String, f64) =
        sqlx::query_as("select status, extract(epoch from run_at - now())::float8 from jobs")
            .fetch_one(&mut admin)
            .await
            .unwrap();
    assert_eq!(status, "queued");
    assert!(run_at_in > 3.0, "retried after a backoff, not at once ({run_at_in}s)");
    assert_eq!(runner.run_once().await.unwrap(), 0, "not due yet");

    sqlx::query("update jobs set run_at = now()").execute(&mut admin).await.unwrap();
    assert_eq!(runner.run_once().await.unwrap(), 1);
    let (status, error): (String, String) =
        sqlx::query_as("select status, last_error from jobs").fetch_one(&mut admin).await.unwrap();
    assert_eq!((status.as_str(), error.as_str()), ("dead", "mail relay refused"));
}

#[tokio::test]
async fn a_crashed_workers_job_comes_back_after_its_lease() {
    let test_db = ferrodesk_testkit::test_db().await;
    let db = Db::from_pool(sqlx::PgPool::connect(&test_db.worker_url).await.unwrap());
    let mut admin = test_db.admin_conn().await;
    let mut tx = org_tx(&db, &mut admin).await;
    ferrodesk_jobs::enqueue(&mut tx, &Once::default()).await.unwrap();
    tx.commit().await.unwrap();
    // A worker claimed it and died: the lease ran out.
    sqlx::query("update jobs set status = 'running', locked_by = 'dead-worker', locked_until = now() - interval '1 second', attempts = 1")
        .execute(&mut admin)
        .await
        .unwrap();
    let runs = Arc::new(AtomicUsize::new(0));
    let counter = runs.clone();
    let runner = Runner::new(db, 1).handle(move |_, _, _: Once| {
        let counter = counter.clone();
        async move {
            counter.fetch_add(1, Ordering::SeqCst);
            Ok(())
        }
    });
    assert_eq!(runner.run_once().await.unwrap(), 1);
    assert_eq!(runs.load(Ordering::SeqCst), 1);
}

/// A handler may complete its job in its own last transaction: the work and the job's removal
/// commit together. If that transaction rolls back, the job is still there and is retried.
#[tokio::test]
async fn a_job_completed_in_the_handlers_transaction_commits_with_its_work() {
    let test_db = ferrodesk_testkit::test_db().await;
    let db = Db::from_pool(sqlx::PgPool::connect(&test_db.worker_url).await.unwrap());
    let mut admin = test_db.admin_conn().await;
    let mut tx = org_tx(&db, &mut admin).await;
    let org = tx.org_id();
    ferrodesk_jobs::enqueue(&mut tx, &Rename { name: "Renamed".into() }).await.unwrap();
    ferrodesk_jobs::enqueue(&mut tx, &Rename { name: "Never".into() }).await.unwrap();
    tx.commit().await.unwrap();

    let runner = Runner::new(db.clone(), 1).handle(move |db, job, Rename { name }| async move {
        let mut tx = db.system_in(org).await?;
        sqlx::query("update organizations set name = $1 where id = $2")
            .bind(&name)
            .bind(org.into_uuid())
            .execute(&mut *tx)
            .await?;
        assert!(ferrodesk_jobs::complete(&mut tx, &job).await?, "the claim is ours");
        if name == "Never" {
            anyhow::bail!("failed after completing, before the commit"); // tx rolls back
        }
        tx.commit().await?;
        Ok(())
    });
    assert_eq!(runner.run_once().await.unwrap(), 1);
    assert_eq!(runner.run_once().await.unwrap(), 1);
    let name: String =
        sqlx::query_scalar("select name from organizations").fetch_one(&mut admin).await.unwrap();
    assert_eq!(name, "Renamed");
    let left: Vec<(String, String, i32)> =
        sqlx::query_as("select payload->>'name', status, attempts from jobs")
            .fetch_all(&mut admin)
            .await
            .unwrap();
    assert_eq!(left, vec![("Never".to_owned(), "queued".to_owned(), 1)], "rolled back: kept for a retry");
}

/// A kind with a batch handler gets all its claimed jobs in one call, and each job's outcome is
/// recorded as for a single job: done, retried with its error, or left alone when the handler
/// completed it itself. A batch handler that panics fails its whole batch.
#[tokio::test]
async fn a_batch_handler_runs_its_jobs_together_with_one_outcome_each() {
    let test_db = ferrodesk_testkit::test_db().await;
    let db = Db::from_pool(sqlx::PgPool::connect(&test_db.worker_url).await.unwrap());
    let mut admin = test_db.admin_conn().await;
    let mut tx = org_tx(&db, &mut admin).await;
    for i in 0..10 {
        ferrodesk_jobs::enqueue(&mut tx, &Batch { i }).await.unwrap();
    }
    ferrodesk_jobs::enqueue(&mut tx, &Single::default()).await.unwrap();
    tx.commit().await.unwrap();

    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let runner = Runner::new(db.clone(), 2)
        .handle(|_, _, _: Single| async { Ok(()) })
        .handle_batch::<Batch, _, _>(move |db, jobs| {
            let counter = counter.clone();
            async move {
                counter.fetch_add(1, Ordering::SeqCst);
                let mut outcomes = Vec::new();
                for job in &jobs {
                    let i = job.payload::<Batch>().unwrap().i;
                    outcomes.push(match i {
                        // Completed by the handler in its own statement, as a sender batch does.
                        0 => {
                            let mut conn = db.acquire().await.unwrap();
                            sqlx::query("select fd_complete_job($1, $2)")
                                .bind(job.id)
                                .bind(job.worker())
                                .execute(&mut *conn)
                                .await
                                .unwrap();
                            conn.release();
                            job.mark_completed();
                            Ok(())
                        }
                        i if i % 2 == 1 => Err(anyhow::anyhow!("odd job {i}")),
                        _ => Ok(()),
                    });
                }
                outcomes
            }
        });
    assert_eq!(
        runner.run_once().await.unwrap(),
        11,
        "more than `concurrency` claimed at once for a batch kind"
    );
    assert_eq!(calls.load(Ordering::SeqCst), 1, "one call for the whole batch");
    let left: Vec<(i64, String, i32, String)> =
        sqlx::query_as("select (payload->>'i')::int8, status, attempts, last_error from jobs order by 1")
            .fetch_all(&mut admin)
            .await
            .unwrap();
    let expected: Vec<(i64, String, i32, String)> =
        [1, 3, 5, 7, 9].map(|i| (i, "queued".to_owned(), 1, format!("odd job {i}"))).into();
    assert_eq!(left, expected, "the even ones done, the single one done, the odd ones kept for a retry");

    // A batch handler that panics fails every job it was given; the runner lives on.
    sqlx::query("update jobs set run_at = now()").execute(&mut admin).await.unwrap();
    let runner = Runner::new(db.clone(), 2).handle_batch::<Batch, _, _>(|_, _| async { panic!("boom") });
    assert_eq!(runner.run_once().await.unwrap(), 5);
    let failed: Vec<(i32, String)> =
        sqlx::query_as("select attempts, last_error from jobs").fetch_all(&mut admin).await.unwrap();
    assert_eq!(failed.len(), 5);
    assert!(failed.iter().all(|(a, e)| *a == 2 && e == "the batch handler panicked"), "{failed:?}");
}

/// A claim takes jobs whose lease ran out first (so a steady stream of new jobs cannot starve
/// them), then, with what is left of its limit, due queued jobs, oldest first; never a job not
/// yet due or one whose lease still runs. Each kind is
/// found by an ordered scan of its own index (migration `…06000006_claim_jobs_by_index`).
#[tokio::test]
async fn a_claim_takes_due_jobs_oldest_first_then_expired_leases() {
    let test_db = ferrodesk_testkit::test_db().await;
    let mut admin = test_db.admin_conn().await;
    let org: uuid::Uuid = sqlx::query_scalar(
        "insert into organizations (id, slug, name) values (gen_random_uuid(), 'claim-org', 'Claim') returning id",
    )
    .fetch_one(&mut admin)
    .await
    .unwrap();
    // Name, status, run_at (seconds from now), lease end (seconds from now).
    let jobs = [
        ("queued-newer", "queued", -10, None),
        ("queued-older", "queued", -20, None),
        ("not-yet-due", "queued", 60, None),
        ("lease-ran-out-late", "running", -30, Some(-1)),
        ("lease-ran-out-early", "running", -30, Some(-5)),
        ("lease-still-runs", "running", -30, Some(60)),
    ];
    for (name, status, run_in, lease_in) in jobs {
        sqlx::query(
            "insert into jobs (id, org_id, kind, payload, status, run_at, locked_by, locked_until)
             values (gen_random_uuid(), $1, $2, '{}', $3, now() + make_interval(secs => $4),
                     case when $5::float8 is not null then 'gone' end, now() + make_interval(secs => $5))",
        )
        .bind(org)
        .bind(name)
        .bind(status)
        .bind(f64::from(run_in))
        .bind(lease_in.map(f64::from))
        .execute(&mut admin)
        .await
        .unwrap();
    }
    let mut runtime = sqlx::PgConnection::connect(&test_db.worker_url).await.unwrap();
    // Sorted: which jobs a claim takes is the point, not the order it returns them in.
    let mut claim = async |limit: i32| -> Vec<String> {
        let mut kinds: Vec<String> =
            sqlx::query_scalar("select kind from fd_claim_jobs('me', $1, '1 minute')")
                .bind(limit)
                .fetch_all(&mut runtime)
                .await
                .unwrap();
        kinds.sort();
        kinds
    };
    assert_eq!(claim(3).await, ["lease-ran-out-early", "lease-ran-out-late", "queued-older"]);
    assert_eq!(claim(3).await, ["queued-newer"]);
    assert!(claim(3).await.is_empty(), "nothing else is due");
    let held: Vec<(String, Option<String>, i32)> =
        sqlx::query_as("select kind, locked_by, attempts from jobs where status = 'running' order by kind")
            .fetch_all(&mut admin)
            .await
            .unwrap();
    assert_eq!(
        held,
        [
            ("lease-ran-out-early".into(), Some("me".into()), 1),
            ("lease-ran-out-late".into(), Some("me".into()), 1),
            ("lease-still-runs".into(), Some("gone".into()), 0),
            ("queued-newer".into(), Some("me".into()), 1),
            ("queued-older".into(), Some("me".into()), 1),
        ]
    );
}

/// After a claim that found fewer jobs than it could take, the runner waits its linger before
/// claiming again, so jobs enqueued meanwhile (an intake batch's acknowledgements, a few
/// milliseconds apart) reach a batch handler together instead of one or two at a time.
#[tokio::test]
async fn jobs_enqueued_during_the_linger_are_claimed_together() {
    let test_db = ferrodesk_testkit::test_db().await;
    let db = Db::from_pool(sqlx::PgPool::connect(&test_db.worker_url).await.unwrap());
    let mut admin = test_db.admin_conn().await;
    let org = org_tx(&db, &mut admin).await.org_id();
    let enqueue = |n: usize| {
        let db = db.clone();
        async move {
            for i in 0..n {
                let mut tx = db.system_in(org).await.unwrap();
                ferrodesk_jobs::enqueue(&mut tx, &Batch { i: i64::try_from(i).unwrap() }).await.unwrap();
                tx.commit().await.unwrap();
            }
        }
    };
    let (ran_tx, mut ran) = tokio::sync::mpsc::unbounded_channel::<usize>();
    let runner = Runner::new(db.clone(), 2)
        .with_poll_interval(Duration::from_secs(30))
        .with_linger(Duration::from_millis(400))
        .handle_batch::<Batch, _, _>(move |_, jobs| {
            let ran_tx = ran_tx.clone();
            async move {
                let _ = ran_tx.send(jobs.len());
                jobs.iter().map(|_| Ok(())).collect()
            }
        });
    let wake = runner.waker();
    let (stop_tx, stop) = tokio::sync::watch::channel(false);
    let running = tokio::spawn(runner.run(stop));

    // One job, then five in separate transactions while the runner lingers after it, each
    // followed by a wake-up as the intake gives one.
    enqueue(1).await;
    wake.notify_one();
    let first = tokio::time::timeout(Duration::from_secs(10), ran.recv()).await.unwrap().unwrap();
    for _ in 0..5 {
        enqueue(1).await;
        wake.notify_one();
    }
    let second = tokio::time::timeout(Duration::from_secs(10), ran.recv()).await.unwrap().unwrap();
    stop_tx.send(true).unwrap();
    running.await.unwrap();
    assert_eq!((first, second), (1, 5), "the five waited for the linger and went together");
    let left: i64 = sqlx::query_scalar("select count(*) from jobs").fetch_one(&mut admin).await.unwrap();
    assert_eq!(left, 0);
}

/// One organisation's backlog does not hold back the others: a claim takes each organisation's
/// due jobs by turns, and reaches past a backlog deeper than it looks at.
#[tokio::test]
async fn a_claim_shares_the_workers_among_organisations() {
    let test_db = ferrodesk_testkit::test_db().await;
    let mut admin = test_db.admin_conn().await;
    let mut org = async |slug: &str| -> uuid::Uuid {
        sqlx::query_scalar(
            "insert into organizations (id, slug, name) values (gen_random_uuid(), $1, $1) returning id",
        )
        .bind(slug)
        .fetch_one(&mut admin)
        .await
        .unwrap()
    };
    let (flood, quiet, other) = (org("flooded").await, org("quiet-one").await, org("other-one").await);
    // 500 of the flooded organisation's jobs, all older than the others' one each.
    sqlx::query(
        "insert into jobs (id, org_id, kind, payload, run_at)
         select gen_random_uuid(), $1, 'flood', '{}', now() - interval '1 hour' + make_interval(secs => n)
         from generate_series(1, 500) n",
    )
    .bind(flood)
    .execute(&mut admin)
    .await
    .unwrap();
    for (org, kind) in [(quiet, "quiet"), (other, "other")] {
        sqlx::query("insert into jobs (id, org_id, kind, payload, run_at) values (gen_random_uuid(), $1, $2, '{}', now() - interval '1 second')")
            .bind(org)
            .bind(kind)
            .execute(&mut admin)
            .await
            .unwrap();
    }
    let mut worker = sqlx::PgConnection::connect(&test_db.worker_url).await.unwrap();
    let mut kinds: Vec<String> = sqlx::query_scalar("select kind from fd_claim_jobs('me', 8, '1 minute')")
        .fetch_all(&mut worker)
        .await
        .unwrap();
    kinds.sort();
    assert_eq!(kinds.len(), 8, "{kinds:?}");
    assert!(kinds.contains(&"quiet".into()) && kinds.contains(&"other".into()), "{kinds:?}");

    // Within what a claim looks at, organisations take turns.
    sqlx::query("delete from jobs").execute(&mut admin).await.unwrap();
    sqlx::query(
        "insert into jobs (id, org_id, kind, payload, run_at)
         select gen_random_uuid(), case when n <= 6 then $1 else $2 end, case when n <= 6 then 'flood' else 'quiet' end,
                '{}', now() - interval '1 hour' + make_interval(secs => n)
         from generate_series(1, 8) n",
    )
    .bind(flood)
    .bind(quiet)
    .execute(&mut admin)
    .await
    .unwrap();
    let kinds: Vec<String> =
        sqlx::query_scalar("select kind from fd_claim_jobs('me', 4, '1 minute') order by kind")
            .fetch_all(&mut worker)
            .await
            .unwrap();
    assert_eq!(kinds, ["flood", "flood", "quiet", "quiet"]);
}

/// A job whose payload does not read as its kind's type fails, with what was wrong, as a
/// handler's error would: retried, then parked as dead, never handed over half-read.
#[tokio::test]
async fn a_payload_that_does_not_read_fails_its_job_with_the_reason() {
    let test_db = ferrodesk_testkit::test_db().await;
    let db = Db::from_pool(sqlx::PgPool::connect(&test_db.worker_url).await.unwrap());
    let mut admin = test_db.admin_conn().await;
    let org = org_tx(&db, &mut admin).await.org_id();
    sqlx::query(
        "insert into jobs (id, org_id, kind, payload, max_attempts) values (gen_random_uuid(), $1, 'rename', '{\"nom\": 1}', 1)",
    )
    .bind(org.into_uuid())
    .execute(&mut admin)
    .await
    .unwrap();
    let handled = Arc::new(AtomicUsize::new(0));
    let counter = handled.clone();
    let runner = Runner::new(db, 1).handle(move |_, _, _: Rename| {
        let counter = counter.clone();
        async move {
            counter.fetch_add(1, Ordering::SeqCst);
            Ok(())
        }
    });
    assert_eq!(runner.run_once().await.unwrap(), 1);
    assert_eq!(handled.load(Ordering::SeqCst), 0, "the handler never saw it");
    let (status, error): (String, String) =
        sqlx::query_as("select status, last_error from jobs").fetch_one(&mut admin).await.unwrap();
    assert_eq!(status, "dead");
    assert!(
        error.starts_with("a rename job's payload {\"nom\":1} is not readable: missing field `name`"),
        "{error}"
    );
}

/// Admins read their organisation's dead jobs with the last error and put one back in the queue;
/// agents may not, and no organisation learns of another's.
#[tokio::test]
async fn admins_read_and_requeue_their_own_dead_jobs_only() {
    let app = ferrodesk_testkit::TestApp::spawn().await;
    let owner = app.sign_up("acme").await;
    let globex = app.sign_up("globex").await;
    let agent = app.add_member(&owner, "agent@acme.test", "AGENT").await;
    let (acme, _) = app.db.owner_of("acme").await;
    let mut admin = app.db.admin_conn().await;
    let job: uuid::Uuid = sqlx::query_scalar(
        "insert into jobs (id, org_id, kind, payload, status, attempts, last_error)
         values (gen_random_uuid(), $1, 'mail.ingest', '{\"id\": \"0190b7a2-0000-7000-8000-000000000000\"}', 'dead', 8,
                 'the inbound message is gone') returning id",
    )
    .bind(acme)
    .fetch_one(&mut admin)
    .await
    .unwrap();
    let list = "{ deadJobs { id kind attempts lastError } }";
    let body = app.gql(Some(&owner.token), list, serde_json::json!({})).await;
    let dead = &body["data"]["deadJobs"];
    assert_eq!(dead.as_array().map(Vec::len), Some(1), "{body}");
    assert_eq!(
        (&dead[0]["kind"], &dead[0]["attempts"], &dead[0]["lastError"]),
        (
            &serde_json::json!("mail.ingest"),
            &serde_json::json!(8),
            &serde_json::json!("the inbound message is gone")
        )
    );
    let id = dead[0]["id"].clone();

    let body = app.gql(Some(&agent.token), list, serde_json::json!({})).await;
    assert_eq!(ferrodesk_testkit::error_code(&body), Some("FORBIDDEN"), "{body}");
    let body = app.gql(Some(&globex.token), list, serde_json::json!({})).await;
    assert_eq!(body["data"]["deadJobs"], serde_json::json!([]), "{body}");

    let retry = "mutation($id: ID!) { retryDeadJob(id: $id) }";
    for (who, code) in [(&agent, "FORBIDDEN"), (&globex, "NOT_FOUND")] {
        let body = app.gql(Some(&who.token), retry, serde_json::json!({ "id": id })).await;
        assert_eq!(ferrodesk_testkit::error_code(&body), Some(code), "{body}");
    }
    let (status, attempts): (String, i32) = sqlx::query_as("select status, attempts from jobs where id = $1")
        .bind(job)
        .fetch_one(&mut admin)
        .await
        .unwrap();
    assert_eq!((status.as_str(), attempts), ("dead", 8), "refused retries change nothing");

    let body = app.gql(Some(&owner.token), retry, serde_json::json!({ "id": id })).await;
    assert_eq!(body["data"]["retryDeadJob"], true, "{body}");
    let (status, attempts): (String, i32) = sqlx::query_as("select status, attempts from jobs where id = $1")
        .bind(job)
        .fetch_one(&mut admin)
        .await
        .unwrap();
    assert_eq!((status.as_str(), attempts), ("queued", 0));
    let body = app.gql(Some(&owner.token), retry, serde_json::json!({ "id": id })).await;
    assert_eq!(ferrodesk_testkit::error_code(&body), Some("NOT_FOUND"), "only a dead job comes back: {body}");
}
