//! Durable jobs in Postgres (docs/ARCHITECTURE.md §Jobs).
//!
//! A kind of job is one type: a [`Payload`] names the kind, shapes what its jobs carry and says
//! when two are the same. A job is enqueued with [`enqueue`] inside the transaction of the change
//! that causes it, so it exists exactly when the change does, and its handler
//! ([`Runner::handle`]) receives the payload read back. Workers claim due jobs through `fd_claim_jobs` (FOR
//! UPDATE SKIP LOCKED, with a lease so a crashed worker's jobs come back), run them, and either
//! delete them or schedule a retry with exponential backoff; a job out of attempts is parked as
//! `dead` for an operator.

pub mod dead;

use std::collections::HashMap;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, Ordering};

use futures::{FutureExt, StreamExt};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use ferrodesk_db::{Db, DbError, TenantTx};
use ferrodesk_domain::OrgId;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::sync::watch;
use tracing::Instrument;
use uuid::Uuid;

/// What the jobs of one kind carry: one type per kind, in its own file beside the use case it
/// runs, so the kind's name, its payload's shape and its dedupe rule live together.
pub trait Payload: Serialize + DeserializeOwned + Send + 'static {
    /// The kind, as stored in `jobs.kind`.
    const KIND: &'static str;

    /// While a job of this kind with this key exists, another with the same key is not added.
    fn dedupe_key(&self) -> Option<String> {
        None
    }

    /// The payload as stored, with its dedupe key: for statements that write job rows
    /// themselves (the intake's batch), as [`enqueue`] would.
    fn to_row(&self) -> Result<(Value, Option<String>), DbError> {
        let payload = serde_json::to_value(self).map_err(|_| DbError::Invariant("a job payload is JSON"))?;
        Ok((payload, self.dedupe_key()))
    }
}

/// Enqueues a job for the transaction's organisation. A job with a dedupe key is not added while
/// one of its kind with that key exists. Returns whether it was added.
pub async fn enqueue<P: Payload>(tx: &mut TenantTx, job: &P) -> Result<bool, DbError> {
    let org_id = tx.org_id();
    let (payload, dedupe_key) = job.to_row()?;
    let added = sqlx::query!(
        "insert into jobs (id, org_id, kind, payload, dedupe_key) values ($1, $2, $3, $4, $5)
         on conflict do nothing",
        Uuid::now_v7(),
        org_id.as_uuid(),
        P::KIND,
        payload,
        dedupe_key
    )
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(added == 1)
}

/// A claimed job, handed to its handler.
#[derive(Debug, Clone)]
pub struct Job {
    pub id: Uuid,
    pub org_id: Option<OrgId>,
    pub kind: String,
    pub payload: Value,
    pub attempts: i32,
    /// The claim: the worker that holds the job's lease.
    worker: Arc<str>,
    /// Set by [`complete`], so the runner does not complete the job a second time.
    completed: Arc<AtomicBool>,
}

impl Job {
    /// The payload, read as its kind's type.
    pub fn payload<P: Payload>(&self) -> anyhow::Result<P> {
        serde_json::from_value(self.payload.clone())
            .map_err(|e| anyhow::anyhow!("a {} job's payload {} is not readable: {e}", P::KIND, self.payload))
    }

    /// The worker holding this job's lease, for system functions that complete several jobs in
    /// one statement (a batch handler's), checked as `fd_complete_job` checks it.
    pub fn worker(&self) -> &str {
        &self.worker
    }

    /// Records that the handler completed the job itself, in its own statement (a batch
    /// handler's), so that the runner does not complete it a second time.
    pub fn mark_completed(&self) {
        self.completed.store(true, Ordering::Relaxed);
    }
}

/// Completes the job in the handler's own last transaction, so that its work and the job's
/// removal commit together: one transaction fewer per job, and a crash between the two can no
/// longer run the job again. If that transaction rolls back, the handler returns an error and
/// the runner schedules a retry as usual.
pub async fn complete(tx: &mut TenantTx, job: &Job) -> Result<bool, DbError> {
    let done = sqlx::query_scalar!(r#"select fd_complete_job($1, $2) as "done!""#, job.id, &*job.worker)
        .fetch_one(&mut **tx)
        .await?;
    job.completed.store(true, Ordering::Relaxed);
    Ok(done)
}

type HandlerFuture = Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send>>;
type Handler = Arc<dyn Fn(Db, Job) -> HandlerFuture + Send + Sync>;
type BatchFuture = Pin<Box<dyn Future<Output = Vec<anyhow::Result<()>>> + Send>>;
type BatchHandler = Arc<dyn Fn(Db, Vec<Job>) -> BatchFuture + Send + Sync>;

/// Jobs claimed at once when a kind is handled in batches: enough that one statement's cost is
/// shared by many jobs, few enough that a batch is done well within its lease.
const BATCH_CLAIM: usize = 64;

/// Runs jobs by kind.
pub struct Runner {
    db: Db,
    worker_id: Arc<str>,
    handlers: HashMap<String, Handler>,
    batch_handlers: HashMap<String, BatchHandler>,
    concurrency: usize,
    lease: Duration,
    poll: Duration,
    linger: Duration,
    wake: Arc<tokio::sync::Notify>,
}

impl Runner {
    pub fn new(db: Db, concurrency: usize) -> Self {
        Self {
            db,
            worker_id: format!("{}-{}", std::process::id(), Uuid::now_v7().simple()).into(),
            handlers: HashMap::new(),
            batch_handlers: HashMap::new(),
            concurrency: concurrency.max(1),
            lease: Duration::from_secs(300),
            poll: Duration::from_millis(500),
            linger: Duration::from_millis(20),
            wake: Arc::new(tokio::sync::Notify::new()),
        }
    }

    /// A handle that ends the idle wait at once, for code in the same process that has just
    /// enqueued work (the mail intake); other processes find it at their next poll.
    pub fn waker(&self) -> Arc<tokio::sync::Notify> {
        self.wake.clone()
    }

    /// How long a claimed job is reserved for its worker. A worker that dies (SIGKILL, power
    /// loss) leaves its jobs to others once the lease runs out; a job that runs longer than its
    /// lease may run twice, so every handler is idempotent.
    pub fn with_lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    pub fn with_poll_interval(mut self, poll: Duration) -> Self {
        self.poll = poll;
        self
    }

    /// How long to wait after a claim that found fewer jobs than it could take (20 ms by
    /// default). Mail arrives in bursts: each of the intake's batches enqueues its
    /// acknowledgements together, a few milliseconds apart. Claiming again at once would take
    /// them one or two at a time, each claim and each send batch costing the database about the
    /// same whatever its size; a moment's wait lets them gather.
    pub fn with_linger(mut self, linger: Duration) -> Self {
        self.linger = linger;
        self
    }

    fn claim_size(&self) -> usize {
        if self.batch_handlers.is_empty() { self.concurrency } else { self.concurrency.max(BATCH_CLAIM) }
    }

    /// Registers the handler of a kind: it receives each claimed job with its payload read. A
    /// job whose payload does not read fails as a handler's error would.
    pub fn handle<P, F, Fut>(mut self, handler: F) -> Self
    where
        P: Payload,
        F: Fn(Db, Job, P) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = anyhow::Result<()>> + Send + 'static,
    {
        let handler: Handler = Arc::new(move |db, job| match job.payload::<P>() {
            Ok(payload) => Box::pin(handler(db, job, payload)),
            Err(error) => Box::pin(std::future::ready(Err(error))),
        });
        self.handlers.insert(P::KIND.to_owned(), handler);
        self
    }

    /// Registers a handler that runs all the claimed jobs of its kind in one call, for work that
    /// costs less done together (sending stored mail: one statement for the whole batch). It
    /// reads each job's payload ([`Job::payload`]) and returns one outcome per job, in order; the
    /// runner records each as for a single job, except for jobs the handler completed itself
    /// ([`Job::mark_completed`]).
    pub fn handle_batch<P, F, Fut>(mut self, handler: F) -> Self
    where
        P: Payload,
        F: Fn(Db, Vec<Job>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Vec<anyhow::Result<()>>> + Send + 'static,
    {
        self.batch_handlers.insert(P::KIND.to_owned(), Arc::new(move |db, jobs| Box::pin(handler(db, jobs))));
        self
    }

    /// Claims and runs one batch; returns how many jobs it ran. Jobs of a kind with a batch
    /// handler go to it together; the others run at most `concurrency` at a time.
    pub async fn run_once(&self) -> Result<usize, DbError> {
        let lease = format!("{} seconds", self.lease.as_secs().max(1));
        let claim = self.claim_size();
        let mut conn = self.db.acquire().await?;
        let rows = sqlx::query!(
            r#"select id as "id!", org_id, kind as "kind!", payload as "payload!", attempts as "attempts!"
               from fd_claim_jobs($1, $2, $3::text::interval)"#,
            &*self.worker_id,
            i32::try_from(claim).unwrap_or(i32::MAX),
            lease
        )
        .fetch_all(&mut *conn)
        .await?;
        conn.release();
        let count = rows.len();
        let mut batches: HashMap<&str, Vec<Job>> = HashMap::new();
        let mut singles = Vec::new();
        for r in rows {
            let job = Job {
                id: r.id,
                org_id: r.org_id.map(OrgId::from_uuid),
                kind: r.kind,
                payload: r.payload,
                attempts: r.attempts,
                worker: self.worker_id.clone(),
                completed: Arc::new(AtomicBool::new(false)),
            };
            match self.batch_handlers.get_key_value(&job.kind) {
                Some((kind, _)) => batches.entry(kind.as_str()).or_default().push(job),
                None => singles.push(job),
            }
        }
        let singles = futures::stream::iter(singles.into_iter().map(|job| self.run_job(job)))
            .buffer_unordered(self.concurrency)
            .collect::<Vec<()>>();
        let batches =
            futures::future::join_all(batches.into_iter().map(|(kind, jobs)| self.run_batch(kind, jobs)));
        futures::future::join(singles, batches).await;
        Ok(count)
    }

    async fn run_batch(&self, kind: &str, jobs: Vec<Job>) {
        let span = tracing::info_span!("jobs", kind = %kind, count = jobs.len());
        async {
            let Some(handler) = self.batch_handlers.get(kind) else { return };
            let (outcomes, missing) =
                match AssertUnwindSafe(handler(self.db.clone(), jobs.clone())).catch_unwind().await {
                    Ok(outcomes) => (outcomes, "the batch handler gave no outcome"),
                    Err(_) => (Vec::new(), "the batch handler panicked"),
                };
            let mut outcomes = outcomes.into_iter();
            for job in jobs {
                // A handler that panicked, or returned too few outcomes, failed the rest.
                let outcome = outcomes.next().unwrap_or_else(|| Err(anyhow::anyhow!(missing)));
                let span = tracing::info_span!("job", id = %job.id, kind = %job.kind, attempt = job.attempts);
                self.record(&job, outcome).instrument(span).await;
            }
        }
        .instrument(span)
        .await;
    }

    async fn run_job(&self, job: Job) {
        let span = tracing::info_span!("job", id = %job.id, kind = %job.kind, attempt = job.attempts);
        self.run_job_inner(job).instrument(span).await;
    }

    async fn run_job_inner(&self, job: Job) {
        let outcome = match self.handlers.get(&job.kind) {
            // A handler that panics fails its job (and, after its attempts, parks it as dead)
            // instead of taking the runner down with it.
            Some(handler) => AssertUnwindSafe(handler(self.db.clone(), job.clone()))
                .catch_unwind()
                .await
                .unwrap_or_else(|_| Err(anyhow::anyhow!("the handler panicked"))),
            None => Err(anyhow::anyhow!("no handler for job kind {:?}", job.kind)),
        };
        self.record(&job, outcome).await;
    }

    /// Completes a job that succeeded (unless its handler did), or schedules its retry.
    async fn record(&self, job: &Job, outcome: anyhow::Result<()>) {
        let result = match outcome {
            Ok(()) if job.completed.load(Ordering::Relaxed) => Ok(()),
            Ok(()) => {
                async {
                    let mut conn = self.db.acquire().await?;
                    sqlx::query_scalar!(
                        r#"select fd_complete_job($1, $2) as "done!""#,
                        job.id,
                        &*self.worker_id
                    )
                    .fetch_one(&mut *conn)
                    .await?;
                    conn.release();
                    Ok::<_, DbError>(())
                }
                .await
            }
            Err(error) => {
                let retry_at = Utc::now() + backoff(job.attempts);
                tracing::warn!(error = format!("{error:#}"), %retry_at, "job failed");
                let failed = async {
                    let mut conn = self.db.acquire().await?;
                    let status = sqlx::query_scalar!(
                        "select fd_fail_job($1, $2, $3, $4)",
                        job.id,
                        &*self.worker_id,
                        format!("{error:#}"),
                        retry_at
                    )
                    .fetch_one(&mut *conn)
                    .await?;
                    conn.release();
                    Ok::<_, DbError>(status)
                };
                failed.await.map(|status| {
                    if status.as_deref() == Some("dead") {
                        tracing::error!("job parked as dead after its last attempt");
                    }
                })
            }
        };
        if let Err(e) = result {
            tracing::error!(error = %e, "recording a job's outcome");
        }
    }

    /// Runs until `stop` turns true, polling when idle.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        tracing::info!(worker = %self.worker_id, kinds = ?self.handlers.keys().collect::<Vec<_>>(), "job runner started");
        while !*stop.borrow() {
            let ran = match self.run_once().await {
                Ok(n) => n,
                Err(e) => {
                    tracing::error!(error = %e, "claiming jobs");
                    0
                }
            };
            if ran == 0 {
                tokio::select! {
                    () = tokio::time::sleep(self.poll) => {},
                    () = self.wake.notified() => {},
                    _ = stop.changed() => {},
                }
            } else if ran < self.claim_size() && !self.linger.is_zero() {
                tokio::select! {
                    () = tokio::time::sleep(self.linger) => {},
                    _ = stop.changed() => {},
                }
            }
        }
        tracing::info!("job runner stopped");
    }
}

/// Exponential backoff from 5 s, capped at one hour.
pub fn backoff(attempts: i32) -> chrono::Duration {
    let exp = u32::try_from(attempts.clamp(1, 12) - 1).unwrap_or(0);
    chrono::Duration::seconds((5_i64 << exp).min(3600))
}

#[cfg(test)]
mod tests {
    use super::backoff;

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff(1).num_seconds(), 5);
        assert_eq!(backoff(2).num_seconds(), 10);
        assert_eq!(backoff(5).num_seconds(), 80);
        assert_eq!(backoff(50).num_seconds(), 3600);
    }
}
