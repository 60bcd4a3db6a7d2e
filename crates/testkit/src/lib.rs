//! Test support: a migrated template database cloned per test, and the real gateway on port 0.
//!
//! Needs a local PostgreSQL superuser (`TEST_DATABASE_SUPERUSER_URL`, default
//! `postgres://postgres@127.0.0.1:5432/postgres`) and Redis (`TEST_REDIS_URL`). Each nextest
//! test is its own process: the template is built once (under an advisory lock, named by the
//! migrations' fingerprint) and every test clones it in a few tens of milliseconds.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::SocketAddr;

use anyhow::Context;
use ferrodesk_config::{DatabaseConfig, GatewayConfig, HttpConfig, RedisConfig};
use ferrodesk_db::BootstrapPlan;
use serde_json::{Value, json};
use sqlx::{Connection, PgConnection};
use tokio::sync::OnceCell;

pub const OWNER_ROLE: &str = "ferrodesk_owner";
/// What opens `GET /metrics` on a test gateway.
pub const METRICS_TOKEN: &str = "test-metrics-token";
pub const APP_ROLE: &str = "ferrodesk_app";
pub const WORKER_ROLE: &str = "ferrodesk_worker_app";

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).ok().filter(|v| !v.is_empty()).unwrap_or_else(|| default.to_owned())
}

pub fn superuser_url() -> String {
    env_or("TEST_DATABASE_SUPERUSER_URL", "postgres://postgres@127.0.0.1:5432/postgres")
}

fn pg_host() -> String {
    env_or("TEST_DATABASE_HOST", "127.0.0.1:5432")
}

pub fn redis_url() -> String {
    env_or("TEST_REDIS_URL", "redis://127.0.0.1:6379")
}

/// A database of this test's own, migrated.
pub struct TestDb {
    pub name: String,
    /// The gateway's runtime login (subject to RLS).
    pub app_url: String,
    /// The worker's runtime login (subject to RLS; may also call the worker's system functions).
    pub worker_url: String,
    /// The owner role (migrations; BYPASSRLS).
    pub admin_url: String,
}

impl TestDb {
    pub async fn app_conn(&self) -> PgConnection {
        PgConnection::connect(&self.app_url).await.expect("connect as the runtime role")
    }

    pub async fn admin_conn(&self) -> PgConnection {
        PgConnection::connect(&self.admin_url).await.expect("connect as the owner role")
    }

    /// The organisation with this slug and its owner: `(org id, user id)`.
    pub async fn owner_of(&self, slug: &str) -> (uuid::Uuid, uuid::Uuid) {
        sqlx::query_as(
            "select o.id, m.user_id from organizations o join memberships m on m.org_id = o.id
             where o.slug = $1 and m.role = 'owner'",
        )
        .bind(slug)
        .fetch_one(&mut self.admin_conn().await)
        .await
        .expect("the organisation and its owner")
    }
}

fn url_for(role: &str, database: &str) -> String {
    format!("postgres://{role}:{role}@{}/{database}", pg_host())
}

static TEMPLATE: OnceCell<String> = OnceCell::const_new();

async fn template() -> anyhow::Result<String> {
    TEMPLATE
        .get_or_try_init(|| async {
            let template = format!("fdtpl_{}", ferrodesk_db::migrations_fingerprint());
            let plan = BootstrapPlan::from_urls(
                &url_for(OWNER_ROLE, "postgres"),
                &url_for(APP_ROLE, "postgres"),
                &url_for(WORKER_ROLE, "postgres"),
            )?;
            ferrodesk_db::bootstrap_cluster(&superuser_url(), &plan).await.context("bootstrapping roles")?;
            let mut su = PgConnection::connect(&superuser_url()).await?;
            sqlx::query("select pg_advisory_lock(7245002)").execute(&mut su).await?;
            let result = async {
                drop_stale_databases(&mut su).await?;
                let exists: bool =
                    sqlx::query_scalar("select exists (select 1 from pg_database where datname = $1)")
                        .bind(&template)
                        .fetch_one(&mut su)
                        .await?;
                if !exists {
                    let building = format!("{template}_building");
                    exec(&mut su, &format!("drop database if exists {building} with (force)")).await?;
                    exec(&mut su, &format!("create database {building} owner {OWNER_ROLE}")).await?;
                    ferrodesk_db::migrate(&url_for(OWNER_ROLE, &building))
                        .await
                        .context("migrating the template")?;
                    exec(&mut su, &format!("alter database {building} rename to {template}")).await?;
                }
                anyhow::Ok(())
            }
            .await;
            sqlx::query("select pg_advisory_unlock(7245002)").execute(&mut su).await?;
            result?;
            Ok(template)
        })
        .await
        .cloned()
}

async fn exec(conn: &mut PgConnection, sql: &str) -> anyhow::Result<()> {
    sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned())).execute(conn).await?;
    Ok(())
}

/// Test databases are named `fdt_<pid>_<n>`; those of processes that have ended are dropped.
async fn drop_stale_databases(su: &mut PgConnection) -> anyhow::Result<()> {
    let names: Vec<String> =
        sqlx::query_scalar("select datname from pg_database where datname like 'fdt\\_%'")
            .fetch_all(&mut *su)
            .await?;
    for name in names {
        let pid = name.split('_').nth(1).and_then(|p| p.parse::<u32>().ok());
        let alive = pid.is_some_and(|p| std::path::Path::new(&format!("/proc/{p}")).exists());
        if !alive {
            exec(su, &format!("drop database if exists {name} with (force)")).await?;
        }
    }
    Ok(())
}

pub async fn test_db() -> TestDb {
    let template = template().await.expect("test template database");
    let name = format!("fdt_{}_{}", std::process::id(), uuid::Uuid::now_v7().simple());
    let mut su = PgConnection::connect(&superuser_url()).await.expect("superuser connection");
    exec(
        &mut su,
        &format!("create database {name} template {template} owner {OWNER_ROLE} strategy file_copy"),
    )
    .await
    .expect("clone the template");
    TestDb {
        app_url: url_for(APP_ROLE, &name),
        worker_url: url_for(WORKER_ROLE, &name),
        admin_url: url_for(OWNER_ROLE, &name),
        name,
    }
}

/// The real gateway on a free port, over its own database and Redis key space.
pub struct TestApp {
    pub addr: SocketAddr,
    pub db: TestDb,
    pub redis_prefix: String,
    pub http: reqwest::Client,
}

pub fn gateway_config(db: &TestDb, redis_prefix: &str) -> GatewayConfig {
    GatewayConfig {
        database: DatabaseConfig { url: db.app_url.clone().into(), admin_url: None, max_connections: 5 },
        redis: RedisConfig { url: redis_url().into(), key_prefix: redis_prefix.to_owned() },
        http: HttpConfig {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            public_url: "http://localhost:8080".into(),
            graphiql: true,
            trusted_proxies: 0,
            web_dir: None,
            // On, as in production: every test that reads tickets after changing them also
            // checks that no stale page is served.
            page_cache_mb: 16,
            metrics_addr: None,
            metrics_token: Some(METRICS_TOKEN.to_owned().into()),
            rate_limits: ferrodesk_config::RateLimits::default(),
        },
        // Attachments uploaded in tests go to the system's temporary directory, not the tree.
        mail: ferrodesk_config::MailConfig {
            attachments_dir: std::env::temp_dir()
                .join("ferrodesk-test-attachments")
                .to_string_lossy()
                .into_owned(),
            ..Default::default()
        },
        demo: ferrodesk_config::DemoConfig { enabled: true, ..Default::default() },
        billing: ferrodesk_config::BillingConfig::default(),
        security: ferrodesk_config::SecurityConfig::development(),
    }
}

/// The link keys of the test configuration: a test that plays a person reading their mailbox
/// derives the token the mail would carry from the record the database made.
pub fn links() -> ferrodesk_core::auth::LinkKey {
    ferrodesk_core::auth::LinkKey::new(
        &ferrodesk_config::SecurityConfig::development().secret_key,
        "http://localhost:8080",
    )
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    /// Like [`TestApp::spawn`], with a chance to change the configuration first.
    pub async fn spawn_with(configure: impl FnOnce(&mut GatewayConfig)) -> Self {
        if std::env::var_os("TEST_LOG").is_some() {
            ferrodesk_config::telemetry::init("test");
        }
        let db = test_db().await;
        let redis_prefix = format!("fdtest:{}:", uuid::Uuid::now_v7().simple());
        let mut config = gateway_config(&db, &redis_prefix);
        configure(&mut config);
        let app = ferrodesk_gateway::Application::build(config).await.expect("build app");
        let addr = app.local_addr();
        tokio::spawn(app.run_until_stopped());
        Self { addr, db, redis_prefix, http: reqwest::Client::new() }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The gateway's Prometheus figures.
    pub async fn metrics(&self) -> String {
        let response =
            self.http.get(self.url("/metrics")).bearer_auth(METRICS_TOKEN).send().await.expect("send");
        assert_eq!(response.status(), 200, "metrics");
        response.text().await.expect("text")
    }

    /// Sends a GraphQL request (as a bearer when `token` is given) and returns the JSON body.
    pub async fn gql(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let mut req =
            self.http.post(self.url("/graphql")).json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        req.send().await.expect("send").json().await.expect("json body")
    }

    /// The token of the newest link of `purpose` mailed to `email` (`email_links`), as the person
    /// reading that mail would have it.
    pub async fn mailed_link(&self, email: &str, purpose: ferrodesk_core::auth::LinkPurpose) -> String {
        let id: uuid::Uuid = sqlx::query_scalar(
            "select id from email_links where email = $1 and purpose = $2 order by created_at desc limit 1",
        )
        .bind(email)
        .bind(purpose.as_str())
        .fetch_one(&mut self.db.admin_conn().await)
        .await
        .unwrap_or_else(|e| panic!("no {} link for {email}: {e}", purpose.as_str()));
        links().token(purpose, id)
    }

    /// The token of the newest invitation to `email`, as its mail carries it.
    pub async fn invitation_token(&self, email: &str) -> String {
        let id: uuid::Uuid = sqlx::query_scalar(
            "select i.id from invitations i join memberships m on m.org_id = i.org_id and m.user_id = i.user_id
             where m.email = $1 order by i.created_at desc limit 1",
        )
        .bind(email)
        .fetch_one(&mut self.db.admin_conn().await)
        .await
        .unwrap_or_else(|e| panic!("no invitation to {email}: {e}"));
        links().token(ferrodesk_core::auth::LinkPurpose::Invitation, id)
    }

    /// Confirms an address with its sign-up's link, as its owner would from the mail.
    pub async fn confirm_email(&self, email: &str) {
        let token = self.mailed_link(email, ferrodesk_core::auth::LinkPurpose::ConfirmEmail).await;
        let body =
            self.gql(None, "mutation($t: String!) { confirmEmail(token: $t) }", json!({ "t": token })).await;
        assert_eq!(body["data"]["confirmEmail"], true, "confirming {email} failed: {body}");
    }

    /// Signs up an organisation; returns the owner's session token.
    pub async fn sign_up(&self, slug: &str) -> Session {
        let body = self
            .gql(
                None,
                "mutation($input: SignUpInput!) { signUp(input: $input) { token viewer { id } organization { id } } }",
                json!({ "input": {
                    "organizationName": format!("{slug} Ltd"), "slug": slug, "name": format!("Owner of {slug}"),
                    "email": format!("owner@{slug}.test"), "password": "correct horse battery",
                }}),
            )
            .await;
        let data = &body["data"]["signUp"];
        assert!(data.is_object(), "sign-up failed: {body}");
        self.confirm_email(&format!("owner@{slug}.test")).await;
        Session {
            token: data["token"].as_str().unwrap().to_owned(),
            user_id: data["viewer"]["id"].as_str().unwrap().to_owned(),
        }
    }

    /// Invites a member with a role and accepts the invitation; returns their session.
    pub async fn add_member(&self, admin: &Session, email: &str, role: &str) -> Session {
        let body = self
            .gql(
                Some(&admin.token),
                "mutation($input: InviteMemberInput!) { inviteMember(input: $input) { invitation { id } } }",
                json!({ "input": { "email": email, "name": format!("Member {email}"), "role": role } }),
            )
            .await;
        assert!(body["data"]["inviteMember"]["invitation"]["id"].is_string(), "inviting failed: {body}");
        let token = self.invitation_token(email).await;
        let body = self
            .gql(
                None,
                "mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { token viewer { id } } }",
                json!({ "input": { "token": token, "password": "another good password" } }),
            )
            .await;
        let data = &body["data"]["acceptInvitation"];
        assert!(data.is_object(), "accepting failed: {body}");
        Session {
            token: data["token"].as_str().unwrap().to_owned(),
            user_id: data["viewer"]["id"].as_str().unwrap().to_owned(),
        }
    }

    /// Creates a ticket; returns `{ id number }`.
    pub async fn create_ticket(&self, session: &Session, input: Value) -> Value {
        let body = self
            .gql(
                Some(&session.token),
                "mutation($input: CreateTicketInput!) { createTicket(input: $input) { ticket { id number } } }",
                json!({ "input": input }),
            )
            .await;
        let ticket = body["data"]["createTicket"]["ticket"].clone();
        assert!(ticket.is_object(), "createTicket failed: {body}");
        ticket
    }
}

#[derive(Clone, Debug)]
pub struct Session {
    pub token: String,
    /// Global id of the person.
    pub user_id: String,
}

/// The `extensions.code` of the first error, if any.
pub fn error_code(body: &Value) -> Option<&str> {
    body["errors"][0]["extensions"]["code"].as_str()
}

/// The `extensions.field` of the first error, if any.
pub fn error_field(body: &Value) -> Option<&str> {
    body["errors"][0]["extensions"]["field"].as_str()
}

/// A Relay global id, as the API makes them: `base64url("Type:uuid")`.
pub fn global_id(type_name: &str, id: uuid::Uuid) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{type_name}:{id}"))
}

/// The schema of `db` as `pg_dump --schema-only` prints it, less what differs between two dumps
/// of the same schema: pg_dump's comments, its session settings and its random `\restrict` key.
/// Owners are left out (every object is the owner role's); grants are kept, since who may run
/// what is part of the design.
pub fn schema_dump(db: &TestDb) -> anyhow::Result<String> {
    let su = superuser_url();
    let (server, _) = su.rsplit_once('/').context("the superuser URL names a database")?;
    let output = std::process::Command::new("pg_dump")
        .args(["--schema-only", "--no-owner", "--dbname"])
        .arg(format!("{server}/{}", db.name))
        .output()
        .context("running pg_dump (Debian's postgresql-client)")?;
    anyhow::ensure!(output.status.success(), "pg_dump: {}", String::from_utf8_lossy(&output.stderr));
    Ok(normalise_schema_dump(&String::from_utf8(output.stdout)?))
}

fn normalise_schema_dump(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut blank = true;
    for line in raw.lines().map(str::trim_end) {
        let noise = line.starts_with("--")
            || line.starts_with("SET ")
            || line.starts_with("SELECT pg_catalog.set_config(")
            || line.starts_with("\\restrict")
            || line.starts_with("\\unrestrict");
        if noise || (line.is_empty() && blank) {
            continue;
        }
        blank = line.is_empty();
        out.push_str(line);
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_dump_loses_its_comments_settings_and_restrict_key_and_keeps_its_statements() {
        let raw = "--\n-- PostgreSQL database dump\n--\n\n\\restrict abc123\n\nSET statement_timeout = 0;\n\
                   SELECT pg_catalog.set_config('search_path', '', false);\n\n\n\
                   CREATE TABLE public.t (\n    id uuid   \n);\n\n\n\n\
                   GRANT SELECT ON TABLE public.t TO ferrodesk_runtime;\n\n\\unrestrict abc123\n\n";
        assert_eq!(
            super::normalise_schema_dump(raw),
            "CREATE TABLE public.t (\n    id uuid\n);\n\nGRANT SELECT ON TABLE public.t TO ferrodesk_runtime;\n"
        );
    }
}
