//! Cluster bootstrap (roles and database, as a superuser) and migrations (as the owner role).

use sha2::{Digest, Sha256};
use sqlx::migrate::Migrator;
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection, PgConnection};

use crate::DbError;

static MIGRATOR: Migrator = sqlx::migrate!("../../migrations");

/// What to create: the owner (migration) role, the login runtime role and the database.
/// Role names come from the configured URLs; `ferrodesk_runtime` is the fixed group role that
/// migrations grant privileges to.
#[derive(Clone, Debug)]
pub struct BootstrapPlan {
    pub owner_role: String,
    pub owner_password: Option<String>,
    pub app_role: String,
    pub app_password: Option<String>,
    pub database: String,
}

impl BootstrapPlan {
    /// Derives the plan from the admin (owner) and runtime URLs.
    pub fn from_urls(admin_url: &str, app_url: &str) -> Result<Self, DbError> {
        let admin: PgConnectOptions = admin_url.parse()?;
        let app: PgConnectOptions = app_url.parse()?;
        let owner_password = password_of(admin_url);
        let app_password = password_of(app_url);
        Ok(Self {
            owner_role: admin.get_username().to_owned(),
            owner_password,
            app_role: app.get_username().to_owned(),
            app_password,
            database: admin.get_database().unwrap_or("ferrodesk").to_owned(),
        })
    }
}

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
    let role_exists = |name: &str| {
        let name = name.to_owned();
        async move {
            sqlx::query_scalar::<_, bool>("select exists (select 1 from pg_roles where rolname = $1)")
                .bind(name)
        }
    };
    let mut statements = Vec::new();
    if !role_exists("ferrodesk_runtime").await.fetch_one(&mut *conn).await? {
        statements.push("create role ferrodesk_runtime nologin nosuperuser nobypassrls".to_owned());
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
    if let Some(password) = &plan.owner_password {
        statements.push(format!("alter role {owner} password {}", quote_literal(password)));
    }
    if let Some(password) = &plan.app_password {
        statements.push(format!("alter role {app} password {}", quote_literal(password)));
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
