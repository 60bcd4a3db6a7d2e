//! Cluster bootstrap (roles and database, as a superuser) and migrations (as the owner role).

use sha2::{Digest, Sha256};
use sqlx::migrate::Migrator;
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, PgConnection};

use crate::DbError;

static MIGRATOR: Migrator = sqlx::migrate!("../../migrations");

/// What to create: the owner (migration) role, the gateway's and the worker's logins and the
/// database. Role names come from the configured URLs. Migrations grant privileges only to two
/// fixed group roles: `ferrodesk_runtime` (both logins) and `ferrodesk_worker` (the worker's
/// login alone: the system functions that cross tenants, such as claiming jobs and filing mail).
#[derive(Clone, Debug)]
pub struct BootstrapPlan {
    pub owner_role: String,
    pub owner_password: Option<String>,
    pub app_role: String,
    pub app_password: Option<String>,
    pub worker_role: String,
    pub worker_password: Option<String>,
    pub database: String,
}

impl BootstrapPlan {
    /// Derives the plan from the admin (owner), gateway (`DATABASE_URL`) and worker
    /// (`WORKER_DATABASE_URL`) URLs. The three must name three different roles: a gateway login
    /// that could also call the worker's functions would undo their separation.
    pub fn from_urls(admin_url: &str, app_url: &str, worker_url: &str) -> Result<Self, DbError> {
        let admin: PgConnectOptions = admin_url.parse()?;
        let app: PgConnectOptions = app_url.parse()?;
        let worker: PgConnectOptions = worker_url.parse()?;
        let plan = Self {
            owner_role: admin.get_username().to_owned(),
            owner_password: password_of(admin_url),
            app_role: app.get_username().to_owned(),
            app_password: password_of(app_url),
            worker_role: worker.get_username().to_owned(),
            worker_password: password_of(worker_url),
            database: admin.get_database().unwrap_or("ferrodesk").to_owned(),
        };
        let roles = [&plan.owner_role, &plan.app_role, &plan.worker_role];
        if roles[0] == roles[1] || roles[0] == roles[2] || roles[1] == roles[2] {
            return Err(DbError::Config(format!(
                "DATABASE_ADMIN_URL, DATABASE_URL and WORKER_DATABASE_URL must name three different \
                 roles (they name {:?}, {:?} and {:?})",
                plan.owner_role, plan.app_role, plan.worker_role
            )));
        }
        if GROUP_ROLES.iter().any(|group| roles.iter().any(|role| role.as_str() == *group)) {
            return Err(DbError::Config(format!(
                "{GROUP_ROLES:?} are group roles; the URLs must name login roles of their own"
            )));
        }
        Ok(plan)
    }
}

/// The group roles migrations grant to (see [`BootstrapPlan`]).
const GROUP_ROLES: [&str; 2] = ["ferrodesk_runtime", "ferrodesk_worker"];

fn password_of(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let userinfo = rest.split_once('@')?.0;
    userinfo.split_once(':').map(|(_, p)| p.to_owned()).filter(|p| !p.is_empty())
}

fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn quote_literal(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// Creates (or corrects) the roles and the database. Idempotent; serialised across processes
/// with an advisory lock so parallel test binaries can all call it.
/// The gateway's login: the longest statement, and the longest a transaction may sit idle.
pub const RUNTIME_STATEMENT_TIMEOUT: &str = "10s";
pub const RUNTIME_IDLE_TIMEOUT: &str = "15s";
/// The worker's login.
pub const WORKER_STATEMENT_TIMEOUT: &str = "120s";
pub const WORKER_IDLE_TIMEOUT: &str = "60s";

pub async fn bootstrap_cluster(superuser_url: &str, plan: &BootstrapPlan) -> Result<(), DbError> {
    let mut conn = PgConnection::connect(superuser_url).await?;
    sqlx::query("select pg_advisory_lock(7245001)").execute(&mut conn).await?;
    let result = bootstrap_locked(&mut conn, plan).await;
    sqlx::query("select pg_advisory_unlock(7245001)").execute(&mut conn).await?;
    result
}

async fn bootstrap_locked(conn: &mut PgConnection, plan: &BootstrapPlan) -> Result<(), DbError> {
    let owner = quote_ident(&plan.owner_role);
    let app = quote_ident(&plan.app_role);
    let worker = quote_ident(&plan.worker_role);
    let role_exists = |name: &str| {
        let name = name.to_owned();
        async move {
            sqlx::query_scalar::<_, bool>("select exists (select 1 from pg_roles where rolname = $1)")
                .bind(name)
        }
    };
    let mut statements = Vec::new();
    for group in GROUP_ROLES {
        if !role_exists(group).await.fetch_one(&mut *conn).await? {
            statements.push(format!("create role {group} nologin nosuperuser nobypassrls"));
        }
    }
    if !role_exists(&plan.owner_role).await.fetch_one(&mut *conn).await? {
        statements.push(format!("create role {owner} login"));
    }
    // The owner runs migrations and owns the SECURITY DEFINER system functions, which must see
    // every tenant: BYPASSRLS, but nothing more.
    statements.push(format!("alter role {owner} nosuperuser nocreaterole bypassrls"));
    if !role_exists(&plan.app_role).await.fetch_one(&mut *conn).await? {
        statements.push(format!("create role {app} login"));
    }
    statements.push(format!("alter role {app} nosuperuser nocreatedb nocreaterole nobypassrls"));
    statements.push(format!("grant ferrodesk_runtime to {app}"));
    // Corrects a gateway login that an earlier bootstrap (or a person) gave the worker's group.
    statements.push(format!("revoke ferrodesk_worker from {app}"));
    if !role_exists(&plan.worker_role).await.fetch_one(&mut *conn).await? {
        statements.push(format!("create role {worker} login"));
    }
    statements.push(format!("alter role {worker} nosuperuser nocreatedb nocreaterole nobypassrls"));
    statements.push(format!("grant ferrodesk_runtime, ferrodesk_worker to {worker}"));
    // No statement, and no transaction left open, holds a connection for long
    // (docs/SECURITY.md, "No request takes more than its share"): a runaway query or a stalled
    // request ends with an error instead of taking a connection from everyone else. The worker's
    // work is bigger (a demo reset, an SLA recomputation of a large tenant) and nobody waits on it.
    for (login, statement, idle) in [
        (&app, RUNTIME_STATEMENT_TIMEOUT, RUNTIME_IDLE_TIMEOUT),
        (&worker, WORKER_STATEMENT_TIMEOUT, WORKER_IDLE_TIMEOUT),
    ] {
        statements.push(format!("alter role {login} set statement_timeout = '{statement}'"));
        statements.push(format!("alter role {login} set idle_in_transaction_session_timeout = '{idle}'"));
    }
    if let Some(password) = &plan.owner_password {
        statements.push(format!("alter role {owner} password {}", quote_literal(password)));
    }
    if let Some(password) = &plan.app_password {
        statements.push(format!("alter role {app} password {}", quote_literal(password)));
    }
    if let Some(password) = &plan.worker_password {
        statements.push(format!("alter role {worker} password {}", quote_literal(password)));
    }
    for statement in statements {
        sqlx::raw_sql(sqlx::AssertSqlSafe(statement)).execute(&mut *conn).await?;
    }
    let db_exists: bool = sqlx::query_scalar("select exists (select 1 from pg_database where datname = $1)")
        .bind(&plan.database)
        .fetch_one(&mut *conn)
        .await?;
    if !db_exists {
        let create = format!("create database {} owner {owner}", quote_ident(&plan.database));
        sqlx::raw_sql(sqlx::AssertSqlSafe(create)).execute(&mut *conn).await?;
    }
    Ok(())
}

/// Applies pending migrations. `admin_url` must connect as the owner role.
pub async fn migrate(admin_url: &str) -> Result<(), DbError> {
    let options: PgConnectOptions = admin_url.parse()?;
    let mut conn = options.connect().await?;
    MIGRATOR.run(&mut conn).await.map_err(|e| DbError::Sqlx(e.into()))?;
    Ok(())
}

/// A short hash of every migration's checksum: names the test template database, so a changed
/// migration gets a fresh template.
pub fn migrations_fingerprint() -> String {
    let mut hasher = Sha256::new();
    for m in MIGRATOR.iter() {
        hasher.update(m.version.to_le_bytes());
        hasher.update(&*m.checksum);
    }
    hex::encode(&hasher.finalize()[..6])
}

#[cfg(test)]
mod tests {
    use super::*;

    const OWNER: &str = "postgres://ferrodesk_owner:o@127.0.0.1/ferrodesk";
    const GATEWAY: &str = "postgres://ferrodesk_app:a@127.0.0.1/ferrodesk";
    const WORKER: &str = "postgres://ferrodesk_worker_app:w@127.0.0.1/ferrodesk";

    #[test]
    fn a_plan_names_three_logins_and_their_passwords() {
        let plan = BootstrapPlan::from_urls(OWNER, GATEWAY, WORKER).unwrap();
        assert_eq!(
            (plan.owner_role.as_str(), plan.app_role.as_str(), plan.worker_role.as_str()),
            ("ferrodesk_owner", "ferrodesk_app", "ferrodesk_worker_app")
        );
        assert_eq!(plan.worker_password.as_deref(), Some("w"));
        assert_eq!(plan.database, "ferrodesk");
    }

    #[test]
    fn a_plan_refuses_one_login_for_two_services_or_a_group_role_as_a_login() {
        for (admin, gateway, worker) in
            [(OWNER, GATEWAY, GATEWAY), (OWNER, OWNER, WORKER), (WORKER, GATEWAY, WORKER)]
        {
            let err = BootstrapPlan::from_urls(admin, gateway, worker).unwrap_err();
            assert!(err.to_string().contains("three different roles"), "{err}");
        }
        let err = BootstrapPlan::from_urls(OWNER, GATEWAY, "postgres://ferrodesk_worker@127.0.0.1/ferrodesk")
            .unwrap_err();
        assert!(err.to_string().contains("group roles"), "{err}");
    }
}
