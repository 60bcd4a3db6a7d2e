//! `ferrodesk-dev bench`: loads 1,000 organisations × 1,000 tickets with COPY, then measures over real
//! HTTP (16 concurrent clients) the agent queue query and `createTicket`, and compares the latter
//! with PostgreSQL's own single-row insert rate measured by pgbench in the same run.

use std::future::Future;
use std::io::Write;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use chrono::{DateTime, Utc};
use ferrodesk_config::{DatabaseConfig, GatewayConfig, HttpConfig, RedisConfig};
use ferrodesk_core::Principal;
use ferrodesk_core::auth::SessionStore;
use ferrodesk_core::tickets::CreateTicket;
use ferrodesk_db::tickets::{self, TicketFilter, TicketOrder, TicketOrderField};
use ferrodesk_db::{BootstrapPlan, Db};
use ferrodesk_domain::{Channel, Impact, OrgId, TicketKind, TicketStatus, Urgency, UserId};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;
use sqlx::{Connection, PgConnection};
use uuid::Uuid;

/// The request limits in the benchmarks: every request is counted in Redis as in production, so
/// the counting's cost is in the figures, but the limits are far above what the clients send.
pub const COUNTED_NEVER_REFUSED: ferrodesk_config::RateLimits =
    ferrodesk_config::RateLimits { per_ip: u32::MAX, per_credential: u32::MAX, per_org: u32::MAX };

#[derive(clap::Args, Debug)]
pub struct BenchArgs {
    #[arg(long, default_value_t = 1000)]
    orgs: usize,
    #[arg(long, default_value_t = 1000)]
    tickets_per_org: usize,
    #[arg(long, default_value_t = 16)]
    clients: usize,
    /// Seconds each measurement runs.
    #[arg(long, default_value_t = 20)]
    seconds: u64,
    /// Reuse the data of a previous run instead of loading again (pending migrations are applied).
    #[arg(long)]
    skip_load: bool,
    #[command(flatten)]
    cluster: BenchCluster,
    #[arg(long, default_value = "ferrodesk_bench")]
    database: String,
    #[arg(long, env = "REDIS_URL", default_value = "redis://127.0.0.1:6379")]
    redis_url: String,
    /// Database connections of the gateway and of the database-path client
    /// (`DATABASE_MAX_CONNECTIONS`). By default one per client, as pgbench has: a ticket creation
    /// holds its connection while its commit waits for the disk, so with fewer connections than
    /// writers the cores idle between commits (2 cores, 16 clients: a fifth of the machine idle
    /// with 4 connections, createTicket over HTTP 784–842 req/s against 929–1,046 with 16).
    /// Reads want fewer: queries of the uncached queue only queue inside PostgreSQL beyond about
    /// twice the cores (p99 26 ms with 4, 40 ms with 20), which `--pool 4` shows.
    #[arg(long)]
    pool: Option<u32>,
    /// Slices that createTicket over HTTP and pgbench's insert into `tickets` alternate in
    /// (each gets `seconds` in all), so that their ratio compares the machine with itself.
    #[arg(long, default_value_t = 3)]
    slices: u32,
    /// Which measurements to run (all by default), for A/B runs of one of them.
    #[arg(long, value_enum, value_delimiter = ',')]
    only: Vec<Measurement>,
    /// Count no request against the rate limits (`RATE_LIMIT_*` 0, as a deployment without them
    /// would), to see what counting in Redis costs. By default every request is counted, as in
    /// production, under limits the clients never reach.
    #[arg(long)]
    uncounted: bool,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Measurement {
    /// The queue as deployed: repeated pages come from the gateway's page cache while nothing
    /// in them has changed.
    QueueHttp,
    /// The queue with the page cache off: every request runs the query.
    QueueHttpUncached,
    QueueDb,
    CreateHttp,
    CreateDb,
    Pgbench,
}

const AGENTS_PER_ORG: usize = 5;
const REQUESTERS_PER_ORG: usize = 50;
const SUBJECTS: &[&str] = &[
    "VPN disconnects every hour",
    "Outlook crashes when opening the shared calendar",
    "New starter needs a laptop and accounts",
    "Printer on the second floor jams on double-sided jobs",
    "Cannot access the finance share",
    "Wi-Fi in meeting room B drops video calls",
    "Request licence for Adobe Acrobat Pro",
    "Password reset for the HR system",
    "Monitor flickers after docking",
    "MFA prompts keep appearing on mobile",
    "Teams camera not detected",
    "Slow internet at the warehouse",
];
const WORDS: &[&str] = &[
    "the",
    "user",
    "reports",
    "that",
    "since",
    "Monday",
    "laptop",
    "error",
    "message",
    "appears",
    "when",
    "connecting",
    "to",
    "network",
    "after",
    "update",
    "restart",
    "did",
    "not",
    "help",
    "please",
    "advise",
    "urgent",
    "meeting",
    "client",
    "tomorrow",
    "screenshot",
    "attached",
    "office",
    "remote",
    "working",
];

/// Loopback connections: TLS would only burn CPU that the measurement needs.
fn url(role: &str, host: &str, db: &str) -> String {
    format!("postgres://{role}:{role}@{host}/{db}?sslmode=disable")
}

/// A benchmark database's logins, as in production: the owner loads, the gateway's login serves
/// and the worker's does the worker's work.
pub(crate) struct Urls {
    pub(crate) admin: String,
    pub(crate) app: String,
    pub(crate) worker: String,
}

/// Where the benchmarks make their databases. Shared by `bench` and `bench-sla`.
#[derive(clap::Args, Debug)]
pub struct BenchCluster {
    #[arg(
        long,
        env = "DATABASE_SUPERUSER_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres"
    )]
    superuser_url: String,
    #[arg(long, default_value = "127.0.0.1:5432")]
    pg_host: String,
}

impl BenchCluster {
    /// The owner (loading), gateway and worker URLs of a database.
    pub(crate) fn urls(&self, database: &str) -> Urls {
        Urls {
            admin: url("ferrodesk_owner", &self.pg_host, database),
            app: url("ferrodesk_app", &self.pg_host, database),
            worker: url("ferrodesk_worker_app", &self.pg_host, database),
        }
    }

    /// Drops the database if it exists, then creates and migrates it as the product would.
    pub(crate) async fn fresh_database(&self, database: &str) -> anyhow::Result<()> {
        let urls = self.urls(database);
        let mut su = PgConnection::connect(&self.superuser_url).await.context("superuser connection")?;
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("drop database if exists {database} with (force)")))
            .execute(&mut su)
            .await?;
        ferrodesk_db::bootstrap_cluster(
            &self.superuser_url,
            &BootstrapPlan::from_urls(&urls.admin, &urls.app, &urls.worker)?,
        )
        .await?;
        ferrodesk_db::migrate(&urls.admin).await?;
        Ok(())
    }
}

pub(crate) fn out(line: &str) {
    let mut stdout = std::io::stdout();
    let _ = writeln!(stdout, "{line}");
    let _ = stdout.flush();
}

pub async fn run(args: BenchArgs) -> anyhow::Result<()> {
    let Urls { admin: admin_url, app: app_url, .. } = args.cluster.urls(&args.database);
    if !args.skip_load {
        args.cluster.fresh_database(&args.database).await?;
        let started = Instant::now();
        load(&admin_url, &args).await?;
        out(&format!(
            "loaded {} orgs × {} tickets in {:.1} s",
            args.orgs,
            args.tickets_per_org,
            started.elapsed().as_secs_f64()
        ));
    } else {
        // Data loaded by an earlier build may predate a migration that this build's queries need.
        ferrodesk_db::migrate(&admin_url).await?;
    }

    let pool = args.pool.unwrap_or_else(|| u32::try_from(args.clients).unwrap_or(16));
    // The gateway runs on its own runtime, as it would in its own process.
    let config = GatewayConfig {
        database: DatabaseConfig { url: app_url.clone().into(), admin_url: None, max_connections: pool },
        redis: RedisConfig { url: args.redis_url.clone().into(), key_prefix: "fdbench:".into() },
        http: HttpConfig {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            public_url: "http://localhost".into(),
            graphiql: false,
            trusted_proxies: 0,
            web_dir: None,
            page_cache_mb: 64,
            metrics_addr: None,
            metrics_token: None,
            rate_limits: if args.uncounted {
                ferrodesk_config::RateLimits { per_ip: 0, per_credential: 0, per_org: 0 }
            } else {
                COUNTED_NEVER_REFUSED
            },
        },
        mail: ferrodesk_config::MailConfig::default(),
        demo: ferrodesk_config::DemoConfig::default(),
        billing: ferrodesk_config::BillingConfig::default(),
        security: ferrodesk_config::SecurityConfig::development(),
    };
    let runs = |m: Measurement| args.only.is_empty() || args.only.contains(&m);
    // The same gateway again with its page cache off, for the queue's uncached figures.
    let uncached = if runs(Measurement::QueueHttpUncached) {
        let mut config = config.clone();
        config.http.page_cache_mb = 0;
        let (rt, app) = start_gateway(config)?;
        let endpoint = format!("http://{}/graphql", app.local_addr());
        rt.spawn(app.run_until_stopped());
        Some((rt, endpoint))
    } else {
        None
    };
    let (server_rt, app) = start_gateway(config)?;
    let addr = app.local_addr();
    server_rt.spawn(app.run_until_stopped());

    let agents = agents(&admin_url).await?;
    let tokens = sessions(&agents, &args.redis_url).await?;
    let endpoint = format!("http://{addr}/graphql");
    let http = reqwest::Client::builder().pool_max_idle_per_host(args.clients).build()?;
    let db = Db::connect(&app_url.clone().into(), pool).await?;
    let duration = Duration::from_secs(args.seconds);
    let clients = args.clients;

    out(&format!(
        "\n{clients} clients, {} s per measurement, {} database connections, gateway at {addr}\n",
        args.seconds, pool
    ));
    let mut queue_p99 = Vec::new();
    let cached = runs(Measurement::QueueHttp).then_some(&endpoint);
    for (endpoint, name, summary) in [
        (cached, "queue, over HTTP + GraphQL", "with kept pages"),
        (uncached.as_ref().map(|(_, e)| e), "queue, over HTTP, no page cache", "executing every request"),
    ] {
        let Some(endpoint) = endpoint else { continue };
        let queue_http = over_http(&http, endpoint, &tokens, Operation::Queue);
        // Warm up caches and connections before measuring.
        drive(clients, Duration::from_secs(3), queue_http.clone()).await?;
        let stats = drive(clients, duration, queue_http).await?;
        out(&stats.line(name));
        queue_p99.push(format!("queue p99 {:.2} ms {summary} (target ≤ 10 ms)", stats.p99_ms()));
    }
    if runs(Measurement::QueueDb) {
        let stats = drive(clients, duration, on_database(&db, &agents, Operation::Queue)).await?;
        out(&stats.line("queue, database path only"));
    }
    let mut create = None;
    // createTicket over HTTP and pgbench's insert into `tickets` are the pair the target
    // compares, so they run in alternating slices: this machine's speed drifts by more than the
    // gap being measured between one minute and the next (pgbench alone: 2,021–2,874 inserts/s
    // across runs of one session), which back-to-back measurements folded into their ratio.
    let mut tickets_inserts = None;
    if runs(Measurement::CreateHttp) {
        let paired = runs(Measurement::Pgbench);
        let slices = if paired { args.slices.max(1) } else { 1 };
        let slice = duration / slices;
        let create_http = over_http(&http, &endpoint, &tokens, Operation::Create);
        // Warm up, as for the queue: connections, and what the gateway keeps per organisation
        // and member (their SLA setup and role), which a running gateway has for its tenants.
        drive(clients, Duration::from_secs(3), create_http.clone()).await?;
        let mut stats: Option<Stats> = None;
        let mut inserts: Option<Inserts> = None;
        for _ in 0..slices {
            let more = drive(clients, slice, create_http.clone()).await?;
            stats = Some(match stats {
                Some(so_far) => so_far.merge(more),
                None => more,
            });
            if paired {
                let more = pgbench(&admin_url, InsertTable::Tickets, clients, slice.as_secs().max(1)).await?;
                inserts = Some(match inserts {
                    Some(so_far) => so_far.merge(more),
                    None => more,
                });
            }
        }
        let Some(stats) = stats else { bail!("no createTicket slice ran") };
        out(&stats.line("createTicket, over HTTP + GraphQL"));
        create = Some(stats.throughput());
        tickets_inserts = inserts;
    }
    let mut create_db = None;
    if runs(Measurement::CreateDb) {
        let attempt = on_database(&db, &agents, Operation::Create);
        drive(clients, Duration::from_secs(3), attempt.clone()).await?;
        let stats = drive(clients, duration, attempt).await?;
        out(&stats.line("createTicket, database path only"));
        create_db = Some(stats.throughput());
    }
    let mut baselines = Vec::new();
    if runs(Measurement::Pgbench) {
        for (table, name) in [
            (InsertTable::Narrow, "pgbench insert, 2-index table of ticket width"),
            (InsertTable::Tickets, "pgbench insert into tickets itself"),
        ] {
            let paired = match table {
                InsertTable::Tickets => tickets_inserts.take(),
                InsertTable::Narrow => None,
            };
            let inserts = match paired {
                Some(paired) => paired,
                None => pgbench(&admin_url, table, args.clients, args.seconds).await?,
            };
            out(&format!(
                "{name:<44} {:>9.0} inserts/s {:>40}",
                inserts.rate,
                cpu_per_op(inserts.cpu, inserts.count)
            ));
            baselines.push((name, inserts.rate));
        }
    }
    let mut summary = queue_p99;
    for (path, rate) in [("createTicket over HTTP", create), ("database path only", create_db)] {
        let Some(rate) = rate else { continue };
        let ratios: Vec<String> = baselines
            .iter()
            .map(|(name, inserts)| format!("{:.0}% of {name}", 100.0 * rate / inserts))
            .collect();
        if !ratios.is_empty() {
            summary.push(format!("{path}: {} (target ≥ 50%)", ratios.join(", ")));
        }
    }
    if !summary.is_empty() {
        out(&format!("\n{}", summary.join("; ")));
    }
    server_rt.shutdown_background();
    if let Some((rt, _)) = uncached {
        rt.shutdown_background();
    }
    Ok(())
}

/// The real gateway on its own 2-thread runtime (named `gateway`, so profiles tell it from the
/// load generator), listening on the port its configuration names.
pub fn start_gateway(
    config: ferrodesk_config::GatewayConfig,
) -> anyhow::Result<(tokio::runtime::Runtime, ferrodesk_gateway::Application)> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("gateway")
        .enable_all()
        .build()?;
    let app = runtime.block_on_in_place(ferrodesk_gateway::Application::build(config))?;
    Ok((runtime, app))
}

pub(crate) trait BlockOnInPlace {
    fn block_on_in_place<F: std::future::Future>(&self, f: F) -> F::Output;
}

impl BlockOnInPlace for tokio::runtime::Runtime {
    fn block_on_in_place<F: std::future::Future>(&self, f: F) -> F::Output {
        tokio::task::block_in_place(|| self.block_on(f))
    }
}

/// One agent per organisation.
async fn agents(admin_url: &str) -> anyhow::Result<Arc<Vec<Principal>>> {
    let mut conn = PgConnection::connect(admin_url).await?;
    let agents: Vec<(Uuid, Uuid)> = sqlx::query_as(
        "select distinct on (org_id) org_id, user_id from memberships where role = 'agent' order by org_id, user_id",
    )
    .fetch_all(&mut conn)
    .await?;
    Ok(Arc::new(
        agents
            .into_iter()
            .map(|(org, user)| Principal { org_id: OrgId::from_uuid(org), user_id: UserId::from_uuid(user) })
            .collect(),
    ))
}

/// Signs the agents in through the gateway's own session store.
async fn sessions(agents: &[Principal], redis_url: &str) -> anyhow::Result<Arc<Vec<String>>> {
    let redis = ferrodesk_gateway::connect_redis(&redis_url.to_owned().into()).await?;
    let store = SessionStore::new(redis, "fdbench:");
    let mut tokens = Vec::with_capacity(agents.len());
    for agent in agents {
        tokens.push(store.create(*agent).await?);
    }
    Ok(Arc::new(tokens))
}

#[derive(Clone, Copy)]
enum Operation {
    Queue,
    Create,
}

pub(crate) const QUEUE: &str = "query Queue { tickets(first: 50, filter: { status: [NEW, OPEN, PENDING] },
    orderBy: { field: PRIORITY, direction: ASC }) { edges { cursor node { id number subject status priority
    createdAt assignee { id name } category { id name } requester { name } } } pageInfo { hasNextPage } } }";
/// The value at quantile `q` (0..=1) of sorted values; NaN when there are none.
pub(crate) fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((q * (sorted.len() - 1) as f64).round() as usize).min(sorted.len() - 1)]
}

const CREATE: &str =
    "mutation Create($input: CreateTicketInput!) { createTicket(input: $input) { ticket { id number } } }";

struct Stats {
    latencies: Vec<Duration>,
    elapsed: Duration,
    errors: usize,
    /// Busy CPU time of the whole machine (gateway, PostgreSQL, Redis and the load generator)
    /// during the measurement, where the platform reports it.
    cpu: Option<Duration>,
}

/// `/proc`'s unit of CPU time: Linux reports in USER_HZ, which its ABI fixes at 100 per second.
const TICKS_PER_SECOND: u64 = 100;

/// The machine's busy CPU time so far (user, nice, system, irq and softirq; not idle, I/O wait or
/// time stolen by a hypervisor), from `/proc/stat` on Linux.
pub(crate) fn machine_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/stat").ok()?;
    let fields: Vec<u64> =
        stat.lines().next()?.split_whitespace().skip(1).map(str::parse).collect::<Result<_, _>>().ok()?;
    let busy = [0, 1, 2, 5, 6].iter().map(|&i| fields.get(i).copied()).sum::<Option<u64>>()?;
    Some(Duration::from_millis(busy * 1000 / TICKS_PER_SECOND))
}

/// The machine's busy CPU time since `before` (a [`machine_cpu`] reading).
pub(crate) fn machine_cpu_since(before: Option<Duration>) -> Option<Duration> {
    machine_cpu().zip(before).map(|(after, before)| after.saturating_sub(before))
}

/// Where the machine's CPU went during a run: PostgreSQL's processes, this one (in `bench-mail`,
/// the worker and the senders together), and the rest (the kernel's loopback networking and
/// interrupts, Redis, anything else running).
#[derive(Clone, Copy, Debug)]
pub(crate) struct CpuSplit {
    pub machine: Duration,
    pub postgres: Duration,
    pub this_process: Duration,
}

impl CpuSplit {
    /// A reading now; `None` off Linux.
    pub(crate) fn now() -> Option<Self> {
        Some(Self { machine: machine_cpu()?, postgres: processes_cpu("postgres")?, this_process: own_cpu()? })
    }

    /// What was used since `before`. A PostgreSQL process that exited during the run takes its
    /// time with it, which then shows as "rest" (the pool's connections live through a run).
    pub(crate) fn since(before: Option<Self>) -> Option<Self> {
        let (after, before) = (Self::now()?, before?);
        Some(Self {
            machine: after.machine.saturating_sub(before.machine),
            postgres: after.postgres.saturating_sub(before.postgres),
            this_process: after.this_process.saturating_sub(before.this_process),
        })
    }

    /// `"PostgreSQL a µs, this process b µs, rest c µs"` a message.
    pub(crate) fn per(&self, count: usize) -> String {
        let us = |d: Duration| d.as_secs_f64() * 1e6 / count.max(1) as f64;
        let rest = self.machine.saturating_sub(self.postgres + self.this_process);
        format!(
            "PostgreSQL {:.0} µs, this process {:.0} µs, rest {:.0} µs",
            us(self.postgres),
            us(self.this_process),
            us(rest)
        )
    }
}

/// User and system time of one `/proc/<pid>/stat` line, and the process's name.
fn proc_cpu(stat: &str) -> Option<(&str, Duration)> {
    // The name is in parentheses and may contain spaces; the fields after it are fixed.
    let (head, tail) = stat.rsplit_once(')')?;
    let name = head.split_once('(')?.1;
    let mut fields = tail.split_whitespace().skip(11);
    let (user, system): (u64, u64) = (fields.next()?.parse().ok()?, fields.next()?.parse().ok()?);
    Some((name, Duration::from_millis((user + system) * 1000 / TICKS_PER_SECOND)))
}

/// CPU time used so far by every live process called `name`.
fn processes_cpu(name: &str) -> Option<Duration> {
    let mut total = Duration::ZERO;
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        if !entry.file_name().to_string_lossy().bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        // A process may exit between the listing and the read.
        if let Ok(stat) = std::fs::read_to_string(entry.path().join("stat"))
            && let Some((comm, cpu)) = proc_cpu(&stat)
            && comm == name
        {
            total += cpu;
        }
    }
    Some(total)
}

/// CPU time used so far by this process, all its threads.
fn own_cpu() -> Option<Duration> {
    proc_cpu(&std::fs::read_to_string("/proc/self/stat").ok()?).map(|(_, cpu)| cpu)
}

/// Machine CPU per operation: steadier than throughput on a machine whose disk and neighbours
/// vary from minute to minute, and what throughput is once the cores are saturated.
fn cpu_per_op(cpu: Option<Duration>, ops: usize) -> String {
    match cpu {
        Some(cpu) if ops > 0 => format!("{:>5.0} µs CPU/op", cpu.as_secs_f64() * 1e6 / ops as f64),
        _ => "CPU n/a".to_owned(),
    }
}

impl Stats {
    /// The two measurements as one: every request of both, over both durations.
    fn merge(mut self, other: Stats) -> Stats {
        self.latencies.extend(other.latencies);
        self.latencies.sort_unstable();
        self.elapsed += other.elapsed;
        self.errors += other.errors;
        self.cpu = self.cpu.zip(other.cpu).map(|(a, b)| a + b);
        self
    }

    fn percentile_ms(&self, p: f64) -> f64 {
        if self.latencies.is_empty() {
            return f64::NAN;
        }
        let rank = ((p / 100.0) * (self.latencies.len() - 1) as f64).round() as usize;
        self.latencies[rank.min(self.latencies.len() - 1)].as_secs_f64() * 1000.0
    }

    fn p99_ms(&self) -> f64 {
        self.percentile_ms(99.0)
    }

    fn throughput(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64()
    }

    fn line(&self, name: &str) -> String {
        format!(
            "{name:<44} {:>9.0} req/s   p50 {:>6.2} ms   p99 {:>6.2} ms   {}   ({} requests, {} errors)",
            self.throughput(),
            self.percentile_ms(50.0),
            self.p99_ms(),
            cpu_per_op(self.cpu, self.latencies.len()),
            self.latencies.len(),
            self.errors
        )
    }
}

/// One request of a measurement; true when it succeeded.
type Attempt = Pin<Box<dyn Future<Output = bool> + Send>>;
type MakeAttempt = Arc<dyn Fn(&mut StdRng) -> Attempt + Send + Sync>;

fn new_ticket_input(rng: &mut StdRng) -> (&'static str, String) {
    (SUBJECTS[rng.random_range(0..SUBJECTS.len())], sentence(rng, 60))
}

/// The operation as a client sees it: GraphQL over HTTP, authenticated by a session token.
fn over_http(
    http: &reqwest::Client,
    endpoint: &str,
    tokens: &Arc<Vec<String>>,
    operation: Operation,
) -> MakeAttempt {
    let (http, endpoint, tokens) = (http.clone(), endpoint.to_owned(), tokens.clone());
    // The load generator shares the machine: the queue's request is encoded once, and answers
    // are checked without parsing them.
    let queue = bytes::Bytes::from(json!({ "query": QUEUE }).to_string());
    Arc::new(move |rng: &mut StdRng| {
        let token = &tokens[rng.random_range(0..tokens.len())];
        let request = http.post(&endpoint).bearer_auth(token);
        let request = match operation {
            Operation::Queue => {
                request.header(reqwest::header::CONTENT_TYPE, "application/json").body(queue.clone())
            }
            Operation::Create => {
                let (subject, description) = new_ticket_input(rng);
                request.json(&json!({ "query": CREATE, "variables": { "input": {
                    "kind": "INCIDENT", "subject": subject, "description": description,
                    "impact": "MEDIUM", "urgency": "HIGH", "tags": ["bench"],
                }}}))
            }
        };
        let request = request.send();
        Box::pin(async move {
            match request.await {
                Ok(r) if r.status().is_success() => r.bytes().await.is_ok_and(|b| {
                    b.starts_with(b"{\"data\"") && memchr::memmem::find(&b, b"\"errors\":").is_none()
                }),
                _ => false,
            }
        })
    })
}

/// The same work through the product's own database code, without HTTP and GraphQL: what the
/// database path alone costs.
fn on_database(db: &Db, agents: &Arc<Vec<Principal>>, operation: Operation) -> MakeAttempt {
    let (db, agents) = (db.clone(), agents.clone());
    Arc::new(move |rng: &mut StdRng| {
        let agent = agents[rng.random_range(0..agents.len())];
        let db = db.clone();
        let input = new_ticket_input(rng);
        Box::pin(async move {
            let work = async {
                match operation {
                    Operation::Queue => {
                        let mut tx = ferrodesk_core::enter(&db, agent).await?;
                        let filter = TicketFilter {
                            statuses: TicketStatus::ACTIVE.to_vec(),
                            ..TicketFilter::default()
                        };
                        let order = TicketOrder { field: TicketOrderField::Priority, descending: false };
                        tickets::list(&mut tx, &filter, order, None, 51).await?;
                        tx.commit().await?;
                    }
                    Operation::Create => {
                        let (subject, description) = input;
                        ferrodesk_core::tickets::create(
                            &db,
                            agent,
                            CreateTicket {
                                kind: TicketKind::Incident,
                                subject: subject.to_owned(),
                                description,
                                priority: None,
                                impact: Some(Impact::Medium),
                                urgency: Some(Urgency::High),
                                category_id: None,
                                requester_email: None,
                                requester_name: None,
                                assignee_id: None,
                                tags: vec!["bench".to_owned()],
                                channel: Channel::Api,
                                source_inbound_id: None,
                                follow_up_of: None,
                            },
                        )
                        .await?;
                    }
                }
                Ok::<_, ferrodesk_core::AppError>(())
            };
            work.await.is_ok()
        })
    })
}

/// Runs `clients` closed-loop clients for `duration` and collects their latencies.
async fn drive(clients: usize, duration: Duration, attempt: MakeAttempt) -> anyhow::Result<Stats> {
    let cpu_before = machine_cpu();
    let started = Instant::now();
    let deadline = started + duration;
    let workers = (0..clients).map(|client| {
        let attempt = attempt.clone();
        tokio::spawn(async move {
            let mut rng = StdRng::seed_from_u64(client as u64);
            let mut latencies = Vec::new();
            let mut errors = 0usize;
            while Instant::now() < deadline {
                let sent = Instant::now();
                if attempt(&mut rng).await {
                    latencies.push(sent.elapsed());
                } else {
                    errors += 1;
                }
            }
            (latencies, errors)
        })
    });
    let mut stats = Stats { latencies: Vec::new(), elapsed: Duration::ZERO, errors: 0, cpu: None };
    for result in futures::future::join_all(workers).await {
        let (latencies, errors) = result?;
        stats.latencies.extend(latencies);
        stats.errors += errors;
    }
    stats.elapsed = started.elapsed();
    stats.cpu = machine_cpu_since(cpu_before);
    stats.latencies.sort_unstable();
    if stats.latencies.is_empty() {
        bail!("every request failed ({} errors)", stats.errors);
    }
    Ok(stats)
}

fn sentence(rng: &mut StdRng, words: usize) -> String {
    let n = rng.random_range(words / 2..=words);
    (0..n).map(|_| WORDS[rng.random_range(0..WORDS.len())]).collect::<Vec<_>>().join(" ")
}

/// What pgbench measured: transactions per second and the machine's CPU per transaction.
struct Inserts {
    rate: f64,
    cpu: Option<Duration>,
    count: usize,
}

impl Inserts {
    /// Two runs as one: their transactions over their combined time (each run's time being its
    /// count over its rate, as pgbench measured it).
    fn merge(self, other: Inserts) -> Inserts {
        let seconds = |i: &Inserts| if i.rate > 0.0 { i.count as f64 / i.rate } else { 0.0 };
        let (count, time) = (self.count + other.count, seconds(&self) + seconds(&other));
        Inserts {
            rate: if time > 0.0 { count as f64 / time } else { 0.0 },
            cpu: self.cpu.zip(other.cpu).map(|(a, b)| a + b),
            count,
        }
    }
}

/// Which table PostgreSQL's own single-row insert rate is measured on.
#[derive(Clone, Copy)]
enum InsertTable {
    /// A fresh table as wide as a ticket with two indexes: the floor of one insert per commit.
    Narrow,
    /// The loaded `tickets` table itself: every index, constraint and the search column of a real
    /// ticket, but none of the product's work around it (no row security, number counter, audit
    /// event or SLA).
    Tickets,
}

/// PostgreSQL's own rate for one row per transaction, from `clients` connections (as the owner
/// role, so without row-level security).
async fn pgbench(
    admin_url: &str,
    table: InsertTable,
    clients: usize,
    seconds: u64,
) -> anyhow::Result<Inserts> {
    let mut conn = PgConnection::connect(admin_url).await?;
    let (setup, script, cleanup) = match table {
        InsertTable::Narrow => (
            "drop table if exists bench_insert;
             create table bench_insert (id uuid primary key, org_id uuid not null, subject text not null,
                                        description text not null, created_at timestamptz not null default now());
             create index on bench_insert (org_id, created_at);",
            "insert into bench_insert (id, org_id, subject, description) values (gen_random_uuid(), gen_random_uuid(), 'VPN disconnects every hour', repeat('the user reports an error ', 12));\n",
            "drop table bench_insert",
        ),
        // Numbers far above any the product hands out, so the rows are easy to remove again.
        InsertTable::Tickets => (
            "drop table if exists bench_orgs; drop sequence if exists bench_ticket_number;
             create sequence bench_ticket_number start 1000000000;
             create table bench_orgs as
                 select row_number() over (order by m.org_id)::int as n, m.org_id, m.user_id,
                        (select d.id from departments d where d.org_id = m.org_id order by d.created_at, d.id limit 1) as department_id
                 from (select distinct on (org_id) org_id, user_id from memberships where role = 'agent' order by org_id, user_id) m;
             alter table bench_orgs add primary key (n);",
            "\\set n random(1, :orgs)
insert into tickets (org_id, id, kind, number, subject, description, status, priority, impact, urgency, channel, department_id, requester_id, created_by, tags, response_due_at, resolution_due_at, response_at_risk_at, resolution_at_risk_at) select o.org_id, gen_random_uuid(), 'incident', nextval('bench_ticket_number'), 'VPN disconnects every hour', repeat('the user reports an error ', 12), 'new', 2, 'medium', 'high', 'api', o.department_id, o.user_id, o.user_id, '{bench}', now() + interval '2 hours', now() + interval '8 hours', now() + interval '96 minutes', now() + interval '384 minutes' from bench_orgs o where o.n = :n;\n",
            "delete from tickets where number >= 1000000000; drop table bench_orgs; drop sequence bench_ticket_number",
        ),
    };
    sqlx::raw_sql(setup).execute(&mut conn).await?;
    let orgs: i64 = match table {
        InsertTable::Narrow => 1,
        InsertTable::Tickets => {
            sqlx::query_scalar("select count(*) from bench_orgs").fetch_one(&mut conn).await?
        }
    };
    let file = std::env::temp_dir().join("ferrodesk-pgbench-insert.sql");
    std::fs::write(&file, script)?;
    let cpu_before = machine_cpu();
    let output = tokio::process::Command::new("pgbench")
        .args(["-n", "-c", &clients.to_string(), "-j", "2", "-T", &seconds.to_string()])
        .args(["-D", &format!("orgs={orgs}"), "-f"])
        .arg(&file)
        .arg(admin_url)
        .output()
        .await
        .context("running pgbench (Debian package postgresql-contrib / postgresql)")?;
    let cpu = machine_cpu_since(cpu_before);
    let text = String::from_utf8_lossy(&output.stdout);
    let number = |prefix: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(prefix).and_then(|rest| rest.split_whitespace().next()))
            .and_then(|v| v.parse::<f64>().ok())
    };
    sqlx::raw_sql(cleanup).execute(&mut conn).await?;
    let rate = number("tps = ").with_context(|| {
        format!("pgbench printed no tps: {text}{}", String::from_utf8_lossy(&output.stderr))
    })?;
    let count = number("number of transactions actually processed: ").unwrap_or(0.0) as usize;
    Ok(Inserts { rate, cpu, count })
}

/// Loads the data set with COPY as the owner role (COPY cannot run under row-level security).
async fn load(admin_url: &str, args: &BenchArgs) -> anyhow::Result<()> {
    let mut conn = PgConnection::connect(admin_url).await?;
    let mut rng = StdRng::seed_from_u64(42);
    let now = Utc::now();
    // Every person shares one precomputed hash: logging in is not what is measured.
    let hash = ferrodesk_core::auth::hash_password("bench password 1").await?;
    let verified = now.to_rfc3339();

    let mut orgs = String::new();
    let mut users = String::new();
    let mut members = String::new();
    let mut departments = String::new();
    let mut categories = String::new();
    let mut counters = String::new();
    struct Org {
        id: Uuid,
        department: Uuid,
        categories: Vec<Uuid>,
        agents: Vec<Uuid>,
        requesters: Vec<Uuid>,
    }
    let mut all = Vec::with_capacity(args.orgs);
    for o in 0..args.orgs {
        let id = Uuid::now_v7();
        let slug = format!("bench-{o:04}");
        orgs.push_str(&format!("{id}\t{slug}\tBench {o}\tEurope/London\n"));
        let department = Uuid::now_v7();
        departments.push_str(&format!("{id}\t{department}\tIT\n"));
        let mut cats = Vec::new();
        for (p, parent) in ["Hardware", "Software", "Access", "Network"].iter().enumerate() {
            let pid = Uuid::now_v7();
            categories.push_str(&format!("{id}\t{pid}\t{department}\t\\N\t{parent}\t{p}\n"));
            for c in 0..4 {
                let cid = Uuid::now_v7();
                categories.push_str(&format!("{id}\t{cid}\t{department}\t{pid}\t{parent} {c}\t{c}\n"));
                cats.push(cid);
            }
        }
        let mut person = |role: &str, n: usize| {
            let uid = Uuid::now_v7();
            users.push_str(&format!("{uid}\t{role}{n}@{slug}.test\t{hash}\t{verified}\n"));
            members.push_str(&format!("{id}\t{uid}\t{role}\t{role} {n} of {slug}\n"));
            uid
        };
        let agents = (0..AGENTS_PER_ORG).map(|n| person("agent", n)).collect();
        let requesters = (0..REQUESTERS_PER_ORG).map(|n| person("requester", n)).collect();
        all.push(Org { id, department, categories: cats, agents, requesters });
    }
    copy(&mut conn, "organizations (id, slug, name, time_zone)", orgs).await?;
    copy(&mut conn, "users (id, email, password_hash, email_verified_at)", users).await?;
    // A membership takes its address from the identity (a trigger); the name is the membership's.
    copy(&mut conn, "memberships (org_id, user_id, role, name)", members).await?;
    copy(&mut conn, "departments (org_id, id, name)", departments).await?;
    copy(&mut conn, "categories (org_id, id, department_id, parent_id, name, position)", categories).await?;

    let columns = "tickets (org_id, id, kind, number, subject, description, status, priority, impact, urgency, \
                   channel, department_id, category_id, requester_id, assignee_id, tags, created_at, updated_at, \
                   first_response_at, resolved_at, closed_at)";
    let mut batch = String::new();
    for (i, org) in all.iter().enumerate() {
        let (mut incidents, mut requests) = (0, 0);
        for _ in 0..args.tickets_per_org {
            let incident = rng.random_bool(0.7);
            let (kind, number) = if incident {
                incidents += 1;
                ("incident", incidents)
            } else {
                requests += 1;
                ("service_request", requests)
            };
            let created: DateTime<Utc> = now - chrono::Duration::minutes(rng.random_range(10..525_600));
            let roll: f64 = rng.random();
            let status = match roll {
                r if r < 0.05 => "new",
                r if r < 0.20 => "open",
                r if r < 0.30 => "pending",
                r if r < 0.55 => "resolved",
                _ => "closed",
            };
            let priority = match rng.random_range(0..100) {
                0..5 => 1,
                5..20 => 2,
                20..70 => 3,
                _ => 4,
            };
            let assignee = if status == "new" || rng.random_bool(0.1) {
                "\\N".to_owned()
            } else {
                org.agents[rng.random_range(0..org.agents.len())].to_string()
            };
            let first_response = if status == "new" {
                "\\N".to_owned()
            } else {
                (created + chrono::Duration::minutes(30)).to_rfc3339()
            };
            let resolved = if matches!(status, "resolved" | "closed") {
                (created + chrono::Duration::hours(20)).to_rfc3339()
            } else {
                "\\N".into()
            };
            let closed = if status == "closed" {
                (created + chrono::Duration::days(3)).to_rfc3339()
            } else {
                "\\N".into()
            };
            let subject = format!("{} ({})", SUBJECTS[rng.random_range(0..SUBJECTS.len())], number);
            batch.push_str(&format!(
                "{}\t{}\t{kind}\t{number}\t{subject}\t{}\t{status}\t{priority}\tmedium\tmedium\temail\t{}\t{}\t{}\t{assignee}\t{{}}\t{}\t{}\t{first_response}\t{resolved}\t{closed}\n",
                org.id,
                Uuid::now_v7(),
                sentence(&mut rng, 70),
                org.department,
                org.categories[rng.random_range(0..org.categories.len())],
                org.requesters[rng.random_range(0..org.requesters.len())],
                created.to_rfc3339(),
                created.to_rfc3339(),
            ));
        }
        counters.push_str(&format!(
            "{}\tincident\t{incidents}\n{}\tservice_request\t{requests}\n",
            org.id, org.id
        ));
        if (i + 1) % 50 == 0 || i + 1 == all.len() {
            copy(&mut conn, columns, std::mem::take(&mut batch)).await?;
            out(&format!("  {} / {} organisations loaded", i + 1, all.len()));
        }
    }
    copy(&mut conn, "record_counters (org_id, kind, last_number)", counters).await?;
    sqlx::raw_sql(
        "analyze organizations, users, memberships, departments, categories, tickets, record_counters",
    )
    .execute(&mut conn)
    .await?;
    Ok(())
}

async fn copy(conn: &mut PgConnection, target: &str, data: String) -> anyhow::Result<()> {
    let mut copy = conn.copy_in_raw(&format!("copy {target} from stdin")).await?;
    copy.send(data.into_bytes()).await?;
    copy.finish().await?;
    Ok(())
}

// SLA ---------------------------------------------------------------------------------------------

#[derive(clap::Args, Debug)]
pub struct SlaBenchArgs {
    #[arg(long, default_value_t = 1000)]
    orgs: usize,
    #[arg(long, default_value_t = 1000)]
    open_tickets_per_org: usize,
    /// Share of open tickets whose clock crosses 80% or its due time before the sweep.
    #[arg(long, default_value_t = 0.01)]
    due_share: f64,
    /// Open tickets of the one tenant whose calendar changes.
    #[arg(long, default_value_t = 100_000)]
    recompute_tickets: usize,
    #[command(flatten)]
    cluster: BenchCluster,
    #[arg(long, default_value = "ferrodesk_bench_sla")]
    database: String,
}

/// `ferrodesk-dev bench-sla`: one SLA sweep over 1M open tickets in 1,000 tenants with ~1% due for
/// escalation, and recomputing every due time of a 100,000-ticket tenant after a calendar change.
pub async fn run_sla(args: SlaBenchArgs) -> anyhow::Result<()> {
    let Urls { admin: admin_url, worker: worker_url, .. } = args.cluster.urls(&args.database);
    args.cluster.fresh_database(&args.database).await?;
    let started = Instant::now();
    let big_org = load_sla(&admin_url, &args).await?;
    out(&format!(
        "loaded {} tenants × {} open tickets and one tenant with {} open tickets in {:.1} s",
        args.orgs,
        args.open_tickets_per_org,
        args.recompute_tickets,
        started.elapsed().as_secs_f64()
    ));
    // The sweep is the worker's.
    let db = Db::connect(&worker_url.into(), 4).await?;

    // The big tenant gets the default calendars and targets, as at sign-up.
    let mut tx = db.system_in(big_org).await?;
    let department = tx_department(&mut tx).await?;
    ferrodesk_core::sla::seed_defaults(&mut tx, department, "Europe/London").await?;
    tx.commit().await?;

    let mut admin = PgConnection::connect(&admin_url).await?;
    let count = |sql: &'static str| sqlx::query_scalar::<_, i64>(sql);
    let breached_before =
        count("select count(*) from tickets where resolution_breached").fetch_one(&mut admin).await?;
    let sweep_started = Instant::now();
    let raised = ferrodesk_db::sla::sweep(&db, Utc::now(), i32::MAX).await?;
    let sweep = sweep_started.elapsed();
    let breached =
        count("select count(*) from tickets where resolution_breached").fetch_one(&mut admin).await?
            - breached_before;
    let notifications = count("select count(*) from notifications").fetch_one(&mut admin).await?;
    let again_started = Instant::now();
    let raised_again = ferrodesk_db::sla::sweep(&db, Utc::now(), i32::MAX).await?;
    let again = again_started.elapsed();
    out(&format!(
        "\nSLA sweep over {} open tickets: {:.0} ms; {raised} escalations raised for {breached} overdue tickets, \
         {notifications} notifications written, no ticket rows rewritten (target ≤ 2 s)",
        args.orgs * args.open_tickets_per_org + args.recompute_tickets,
        sweep.as_secs_f64() * 1000.0
    ));
    out(&format!(
        "second sweep, nothing new: {:.0} ms, {raised_again} escalations",
        again.as_secs_f64() * 1000.0
    ));

    let recompute_started = Instant::now();
    let recomputed = ferrodesk_core::sla::recompute_open(&db, big_org).await?;
    let recompute = recompute_started.elapsed();
    out(&format!(
        "recompute after a calendar change: {recomputed} open tickets in {:.1} s ({:.0} tickets/s)",
        recompute.as_secs_f64(),
        recomputed as f64 / recompute.as_secs_f64()
    ));
    let with_due = count("select count(*) from tickets t join organizations o on o.id = t.org_id where o.slug = 'big' and t.resolution_due_at is not null")
        .fetch_one(&mut admin)
        .await?;
    out(&format!("  {with_due} of them now carry a resolution due time"));
    Ok(())
}

async fn tx_department(tx: &mut ferrodesk_db::TenantTx) -> anyhow::Result<ferrodesk_domain::DepartmentId> {
    let id: Uuid = sqlx::query_scalar("select id from departments limit 1").fetch_one(&mut **tx).await?;
    Ok(ferrodesk_domain::DepartmentId::from_uuid(id))
}

/// Loads open tickets with stored clocks: most due days ahead, `due_share` past 80% (half of
/// those past due). The big tenant's tickets also get their `ticket.created` events, which the
/// recomputation replays. Returns the big tenant's id.
async fn load_sla(admin_url: &str, args: &SlaBenchArgs) -> anyhow::Result<OrgId> {
    let mut conn = PgConnection::connect(admin_url).await?;
    let mut rng = StdRng::seed_from_u64(7);
    let now = Utc::now();
    let (mut orgs, mut departments, mut users, mut members) =
        (String::new(), String::new(), String::new(), String::new());
    let mut tenants = Vec::new();
    for o in 0..=args.orgs {
        let big = o == args.orgs;
        let id = Uuid::now_v7();
        let slug = if big { "big".to_owned() } else { format!("sla-{o:04}") };
        orgs.push_str(&format!("{id}\t{slug}\tSLA {o}\tEurope/London\n"));
        let department = Uuid::now_v7();
        departments.push_str(&format!("{id}\t{department}\tIT\n"));
        let mut agents = Vec::new();
        for (n, role) in ["admin", "agent", "agent"].iter().enumerate() {
            let uid = Uuid::now_v7();
            users.push_str(&format!("{uid}\t{role}{n}@{slug}.test\n"));
            members.push_str(&format!("{id}\t{uid}\t{role}\t{role} {n}\n"));
            if *role == "agent" {
                agents.push(uid);
            }
        }
        tenants.push((
            id,
            department,
            agents,
            if big { args.recompute_tickets } else { args.open_tickets_per_org },
            big,
        ));
    }
    copy(&mut conn, "organizations (id, slug, name, time_zone)", orgs).await?;
    copy(&mut conn, "departments (org_id, id, name)", departments).await?;
    copy(&mut conn, "users (id, email)", users).await?;
    copy(&mut conn, "memberships (org_id, user_id, role, name)", members).await?;

    let columns = "tickets (org_id, id, kind, number, subject, status, priority, channel, department_id, assignee_id, \
                   created_at, updated_at, first_response_at, resolution_due_at, resolution_at_risk_at)";
    let (mut tickets, mut events, mut rows) = (String::new(), String::new(), 0usize);
    for (org, department, agents, count, big) in &tenants {
        for number in 1..=*count {
            let id = Uuid::now_v7();
            let created = now - chrono::Duration::minutes(rng.random_range(60..20_000));
            let (at_risk, due) = if rng.random_bool(args.due_share) {
                let due = now + chrono::Duration::minutes(rng.random_range(-60..60));
                (now - chrono::Duration::minutes(rng.random_range(1..30)), due)
            } else {
                let due = now + chrono::Duration::minutes(rng.random_range(600..40_000));
                (due - chrono::Duration::minutes(120), due)
            };
            let status = ["new", "open", "open", "open", "pending"][rng.random_range(0..5)];
            let assignee = if status == "new" {
                "\\N".to_owned()
            } else {
                agents[rng.random_range(0..agents.len())].to_string()
            };
            tickets.push_str(&format!(
                "{org}\t{id}\tincident\t{number}\tBench ticket {number}\t{status}\t3\temail\t{department}\t{assignee}\t{c}\t{c}\t{c}\t{}\t{}\n",
                due.to_rfc3339(),
                at_risk.to_rfc3339(),
                c = created.to_rfc3339(),
            ));
            if *big {
                events.push_str(&format!(
                    "{org}\t{}\tticket\t{id}\tticket.created\t{{\"status\": \"open\", \"priority\": \"P3\"}}\t{}\n",
                    Uuid::now_v7(),
                    created.to_rfc3339()
                ));
            }
            rows += 1;
            if rows % 50_000 == 0 {
                copy(&mut conn, columns, std::mem::take(&mut tickets)).await?;
                copy(
                    &mut conn,
                    "events (org_id, id, subject_type, subject_id, action, changes, created_at)",
                    std::mem::take(&mut events),
                )
                .await?;
            }
        }
        let counter = format!("{org}\tincident\t{count}\n");
        copy(&mut conn, "record_counters (org_id, kind, last_number)", counter).await?;
    }
    copy(&mut conn, columns, tickets).await?;
    copy(&mut conn, "events (org_id, id, subject_type, subject_id, action, changes, created_at)", events)
        .await?;
    sqlx::raw_sql("analyze organizations, memberships, tickets, events").execute(&mut conn).await?;
    let big = tenants.last().map(|t| t.0).context("no tenants")?;
    Ok(OrgId::from_uuid(big))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_proc_stat_line_gives_its_name_and_user_plus_system_time() {
        // A name with a space and a parenthesis, as the kernel writes it; utime 250, stime 130.
        let line = "4242 (tokio-rt (x) 1) S 1 4242 4242 0 -1 4194560 9113 0 0 0 250 130 0 0 20 0 9 0 \
                    1234 567 89 18446744073709551615";
        assert_eq!(proc_cpu(line), Some(("tokio-rt (x) 1", Duration::from_millis(3_800))));
        assert_eq!(proc_cpu("4242 no parentheses"), None);
    }

    /// The loaders write with COPY below the product's functions, so a schema change that they
    /// miss shows only here, not in any other test.
    #[tokio::test]
    async fn the_loaders_fill_the_current_schema() {
        use clap::Parser;
        #[derive(Parser)]
        struct Load {
            #[command(flatten)]
            bench: BenchArgs,
        }
        #[derive(Parser)]
        struct LoadSla {
            #[command(flatten)]
            sla: SlaBenchArgs,
        }
        let db = ferrodesk_testkit::test_db().await;
        let bench = Load::parse_from(["bench", "--orgs", "2", "--tickets-per-org", "30"]).bench;
        load(&db.admin_url, &bench).await.expect("the bench data set loads");
        let sla = LoadSla::parse_from([
            "bench-sla",
            "--orgs",
            "2",
            "--open-tickets-per-org",
            "10",
            "--recompute-tickets",
            "20",
        ])
        .sla;
        load_sla(&db.admin_url, &sla).await.expect("the SLA data set loads");

        let mut admin = db.admin_conn().await;
        let (tickets, members, named, unverified): (i64, i64, i64, i64) = sqlx::query_as(
            "select (select count(*) from tickets t join organizations o on o.id = t.org_id where o.slug like 'bench-%'), \
                    (select count(*) from memberships m join organizations o on o.id = m.org_id where o.slug like 'bench-%'), \
                    (select count(*) from memberships where email like '%.test' and name <> ''), \
                    (select count(*) from users u where u.password_hash is not null and u.email_verified_at is null)",
        )
        .fetch_one(&mut admin)
        .await
        .unwrap();
        assert_eq!(tickets, 60);
        assert_eq!(members, 2 * (AGENTS_PER_ORG + REQUESTERS_PER_ORG) as i64);
        assert_eq!(named, members + 3 * 3, "every member has its address and a name");
        assert_eq!(unverified, 0, "the bench's people can log in");
    }

    #[test]
    fn this_process_and_the_machine_have_used_some_cpu() {
        let split = CpuSplit::now().expect("Linux /proc");
        assert!(split.machine >= split.this_process, "{split:?}");
        // Spin until the kernel has charged this process a tick (10 ms), or give up after 5 s.
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while own_cpu() == Some(split.this_process) && std::time::Instant::now() < deadline {
            std::hint::black_box(std::time::Instant::now());
        }
        let since = CpuSplit::since(Some(split)).unwrap();
        assert!(since.this_process > Duration::ZERO, "{since:?}");
    }
}
