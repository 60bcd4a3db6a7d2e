use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use std::time::Duration;

use ferrodesk_domain::{CategoryId, DepartmentId, OrgId, Role, UserId};
use secrecy::{ExposeSecret, SecretString};
use sqlx::postgres::PgRow;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgConnection, PgPool, Postgres, Row, Transaction};

use crate::DbError;
use crate::config_cache::{ConfigCache, ConfigSeen};
use crate::gate::{OrgGate, OrgTurn};
use crate::lane::{Held, Lane};

/// Who is acting inside a tenant transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Actor {
    pub user_id: UserId,
    pub role: Role,
}

/// A pooled connection idle this long is pinged before it is handed out.
const PING_WHEN_IDLE_FOR: Duration = Duration::from_secs(5);

/// The runtime pool. Its role is subject to row-level security; see [`Db::check_runtime_role`].
#[derive(Clone, Debug)]
pub struct Db {
    pool: PgPool,
    /// Members' transactions per organisation ([`crate::gate`]).
    gate: Arc<OrgGate>,
    /// Connections for tenant transactions and lone system statements, reused without the pool's
    /// ping.
    lane: Arc<Lane>,
    config: Arc<ConfigCache>,
}

impl Db {
    pub async fn connect(url: &SecretString, max_connections: u32) -> Result<Self, DbError> {
        Self::connect_with(url, max_connections, &[]).await
    }

    /// Like [`Self::connect`], with settings every connection of the pool starts with: the
    /// gateway's billing mode (`app.billing`), which the database's read-only rule reads
    /// (`fd_read_only_reason`).
    pub async fn connect_with(
        url: &SecretString,
        max_connections: u32,
        settings: &[(&str, &str)],
    ) -> Result<Self, DbError> {
        let options: PgConnectOptions = url.expose_secret().parse()?;
        let options = options.options(settings.iter().copied());
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(5))
            // sqlx pings every connection it takes from the pool by default: a round trip before
            // each transaction, as dear as a small query (~8% of a kept page's CPU). A connection
            // back from work a moment ago was alive then; only one left idle a while (cut by a
            // firewall, or from a server since restarted) is checked before use.
            .test_before_acquire(false)
            .before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for >= PING_WHEN_IDLE_FOR {
                        conn.ping().await?;
                    }
                    Ok(true)
                })
            })
            .connect_with(options.application_name("ferrodesk"))
            .await?;
        Ok(Self::from_pool(pool))
    }

    pub fn from_pool(pool: PgPool) -> Self {
        let gate = OrgGate::new(OrgGate::share_of(pool.options().get_max_connections()));
        Self { lane: Lane::new(pool.clone()), pool, gate, config: Arc::default() }
    }

    /// The pool itself stays inside this crate: the doors are the tenant and system transactions,
    /// the named cross-tenant functions, and a connection from the lane.
    pub(crate) fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Whether the database answers (the readiness probe).
    pub async fn ping(&self) -> Result<(), DbError> {
        let mut conn = self.lane.acquire().await?;
        sqlx::query("select 1").execute(&mut *conn).await?;
        conn.release();
        Ok(())
    }

    pub(crate) fn config_cache(&self) -> &ConfigCache {
        &self.config
    }

    /// Refuses a login that would see through row-level security: a superuser, a role with
    /// BYPASSRLS, or the owner of any table or a member of its owner (owners are exempt unless RLS
    /// is forced, and an owner can turn FORCE off). Also refuses a login in the wrong group for
    /// its service: the gateway's must not hold `ferrodesk_worker` (the system functions that
    /// cross tenants), and the worker's must.
    pub async fn check_runtime_role(&self, service: Service) -> Result<(), RuntimeRoleError> {
        let row = sqlx::query!(
            r#"select r.rolname as "name!", r.rolsuper as "superuser!", r.rolbypassrls as "bypassrls!",
                      (select count(*) from pg_class c
                       where c.relkind in ('r', 'p') and c.relnamespace = 'public'::regnamespace
                         and pg_has_role(r.oid, c.relowner, 'MEMBER')) as "owned_tables!",
                      exists (select 1 from pg_roles w
                              where w.rolname = 'ferrodesk_worker'
                                and pg_has_role(r.oid, w.oid, 'MEMBER')) as "worker!",
                      current_setting('statement_timeout') <> '0'
                          and current_setting('idle_in_transaction_session_timeout') <> '0' as "bounded!"
               from pg_roles r where r.rolname = current_user"#
        )
        .fetch_one(&self.pool)
        .await
        .map_err(|e| RuntimeRoleError::Unreachable(e.into()))?;
        if row.superuser || row.bypassrls || row.owned_tables > 0 {
            return Err(RuntimeRoleError::Bypasses {
                role: row.name,
                superuser: row.superuser,
                bypassrls: row.bypassrls,
                owned_tables: row.owned_tables,
                variable: service.variable(),
            });
        }
        match (service, row.worker) {
            (Service::Gateway, true) => Err(RuntimeRoleError::HoldsWorker { role: row.name }),
            (Service::Worker, false) => Err(RuntimeRoleError::NotWorker { role: row.name }),
            _ if !row.bounded => Err(RuntimeRoleError::Unbounded { role: row.name }),
            _ => Ok(()),
        }
    }

    /// Opens a tenant transaction for a member: sets the organisation and person, and looks up
    /// their active role and the organisation's configuration version, in the same round trip as
    /// `BEGIN` ([`OwnTx`]). `DbError::NotAMember` when they are not (any more).
    pub async fn enter(&self, org_id: OrgId, user_id: UserId) -> Result<TenantTx, DbError> {
        let turn = self.gate.enter(org_id).await?;
        let conn = self.lane.acquire().await?;
        // Only the canonical text of two UUIDs (hex digits and dashes) is formatted in.
        let (org, user) = (org_id.as_uuid().hyphenated(), user_id.as_uuid().hyphenated());
        let (tx, entered) = OwnTx::begin_with_row(
            conn,
            sqlx::AssertSqlSafe(format!(
                "begin; select member_role, config_version from fd_enter('{org}', '{user}')"
            )),
        )
        .await?;
        let entered = entered.ok_or(DbError::NotAMember)?;
        let role: Option<String> = entered.try_get(0)?;
        let version: Option<i64> = entered.try_get(1)?;
        let role = role.and_then(|r| r.parse::<Role>().ok()).ok_or(DbError::NotAMember)?;
        let config = version.map(|version| ConfigSeen { version, cache: self.config.clone() });
        Ok(TenantTx {
            tx: Tx::Own(tx),
            org_id,
            actor: Some(Actor { user_id, role }),
            db_role: role.as_str(),
            config,
            _turn: Some(turn),
        })
    }

    /// A connection for statements outside any tenant transaction (the `fd_*` system functions).
    /// Call [`Held::release`] once its statements have completed, so that it is reused without
    /// the pool's ping; dropped instead (an error, a cancelled statement), it goes back to the
    /// pool, which reads whatever was left unread.
    pub async fn acquire(&self) -> Result<Held, DbError> {
        Ok(self.lane.acquire().await?)
    }

    /// The version of what the member's ticket pages are made of (migration `…11_page_versions`):
    /// it changes with every committed change to tickets, their people's names and categories,
    /// and memberships. `None` when they are not an active member. One statement, outside any
    /// transaction: one round trip.
    pub async fn page_version(&self, org_id: OrgId, user_id: UserId) -> Result<Option<i64>, DbError> {
        let mut conn = self.lane.acquire().await?;
        let version = sqlx::query_scalar!(
            r#"select fd_page_version($1, $2) as "version""#,
            org_id.as_uuid(),
            user_id.as_uuid()
        )
        .fetch_one(&mut *conn)
        .await?;
        conn.release();
        Ok(version)
    }

    /// Opens a tenant transaction for system work on one organisation (the worker, sign-up's
    /// defaults). The caller has already decided, through a system function, which tenant. One
    /// round trip ([`begin_with_settings`]); the worker opens two or three of these for every mail
    /// it takes in and acknowledges.
    pub async fn system_in(&self, org_id: OrgId) -> Result<TenantTx, DbError> {
        let conn = self.lane.acquire().await?;
        let (tx, _) = OwnTx::begin_with_row(conn, begin_with_settings(Some(org_id), "system")).await?;
        Ok(TenantTx { tx: Tx::Own(tx), org_id, actor: None, db_role: "system", config: None, _turn: None })
    }

    /// Lets a system transaction that has read its organisation's configuration version use the
    /// configuration cache under that version, as members' transactions do from `fd_enter`'s:
    /// the intake then takes a new ticket's SLA setup from the cache instead of a statement.
    pub fn read_config_at(&self, tx: &mut TenantTx, version: i64) {
        tx.config = Some(ConfigSeen { version, cache: self.config.clone() });
    }

    /// A transaction with no tenant set: only the `fd_*` system functions do anything in it
    /// (every tenant table shows zero rows).
    ///
    /// The settings are cleared rather than left unset: should a connection come back to the pool
    /// inside a transaction that a caller abandoned mid-`BEGIN` (sqlx rolls back only
    /// transactions whose `BEGIN` completed), a tenant's settings from [`Self::system_in`] must
    /// not carry into work that expects none.
    pub async fn begin_system(&self) -> Result<Transaction<'static, Postgres>, DbError> {
        Ok(self.pool.begin_with(begin_with_settings(None, "")).await?)
    }

    /// A transaction with no tenant set, as [`Self::begin_system`], on a connection from the lane:
    /// for the worker's hot path (the intake's batches). The pool keeps only an eighth of its
    /// connections out of the lane's reach, so the intake's batches, begun from the pool, waited
    /// 16 ms on average for one under load (`bench-mail --senders 32`).
    pub async fn begin_system_hot(&self) -> Result<SystemTx, DbError> {
        let conn = self.lane.acquire().await?;
        let (tx, _) = OwnTx::begin_with_row(conn, begin_with_settings(None, "")).await?;
        Ok(SystemTx { tx })
    }
}

/// A transaction with no tenant set on a connection from the lane ([`Db::begin_system_hot`]).
/// Rolls back unless committed. Dereferences to the connection for queries.
pub struct SystemTx {
    tx: OwnTx,
}

impl SystemTx {
    pub async fn commit(self) -> Result<(), DbError> {
        self.tx.commit().await
    }
}

impl Deref for SystemTx {
    type Target = PgConnection;

    fn deref(&self) -> &PgConnection {
        &self.tx.held
    }
}

impl DerefMut for SystemTx {
    fn deref_mut(&mut self) -> &mut PgConnection {
        &mut self.tx.held
    }
}

/// `BEGIN` with the three tenant settings in the same simple-protocol message: one round trip,
/// where `BEGIN` and then a statement took two. Nothing can be read back (sqlx discards the rows
/// of a custom `BEGIN`), so members' transactions, which need `fd_enter`'s answer, cannot start
/// this way. Only a UUID's canonical text (hex digits and dashes) and a constant role are
/// formatted in, so nothing can be injected; and `set_config` on constant names cannot fail,
/// which matters because a failed custom `BEGIN` would leave the connection in an aborted
/// transaction.
fn begin_with_settings(org_id: Option<OrgId>, role: &'static str) -> sqlx::AssertSqlSafe<String> {
    let org = org_id.map(|o| o.as_uuid().hyphenated().to_string()).unwrap_or_default();
    sqlx::AssertSqlSafe(format!(
        "begin; select set_config('app.org_id', '{org}', true), set_config('app.role', '{role}', true), \
         set_config('app.user_id', '', true)"
    ))
}

/// Which process a runtime login serves ([`Db::check_runtime_role`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Service {
    /// The gateway (and the operator's commands that act as it): `DATABASE_URL`.
    Gateway,
    /// The worker (and the operator's commands that do the worker's work): `WORKER_DATABASE_URL`.
    Worker,
}

impl Service {
    fn variable(self) -> &'static str {
        match self {
            Self::Gateway => "DATABASE_URL",
            Self::Worker => "WORKER_DATABASE_URL",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RuntimeRoleError {
    #[error("cannot check the database role: {0}")]
    Unreachable(DbError),
    #[error(
        "refusing to run as database role {role:?}: it would bypass row-level security \
         (superuser: {superuser}, bypassrls: {bypassrls}, tables owned: {owned_tables}); \
         {variable} must name a runtime login"
    )]
    Bypasses { role: String, superuser: bool, bypassrls: bool, owned_tables: i64, variable: &'static str },
    #[error(
        "refusing to serve the gateway as database role {role:?}: it is a member of \
         ferrodesk_worker, whose functions cross tenants; DATABASE_URL must name the gateway's \
         own login (`ferrodesk bootstrap` revokes the group from it)"
    )]
    HoldsWorker { role: String },
    #[error(
        "refusing to run the worker as database role {role:?}: it is not a member of \
         ferrodesk_worker; WORKER_DATABASE_URL must name the worker's login (`ferrodesk bootstrap` \
         creates it)"
    )]
    NotWorker { role: String },
    #[error(
        "refusing to run as database role {role:?}: it has no statement_timeout or \
         idle_in_transaction_session_timeout, so one runaway request could hold a connection \
         forever; `ferrodesk bootstrap` sets both on the runtime logins"
    )]
    Unbounded { role: String },
}

/// A transaction scoped to one organisation. Dereferences to the connection for queries.
pub struct TenantTx {
    tx: Tx,
    org_id: OrgId,
    actor: Option<Actor>,
    /// The `app.role` the database applies (the actor's, or `system` for the worker).
    db_role: &'static str,
    /// Set for members' transactions; system work reads configuration afresh unless it read the
    /// version itself ([`Db::read_config_at`]).
    config: Option<ConfigSeen>,
    /// A member's transaction holds one of its organisation's turns ([`crate::gate`]) until it
    /// ends; the worker's system work is not a member's and takes none.
    _turn: Option<OrgTurn>,
}

impl TenantTx {
    /// Turns a transaction that has just done system work (e.g. created the organisation) into
    /// that organisation's tenant transaction, acting as the system.
    pub async fn system(mut tx: Transaction<'static, Postgres>, org_id: OrgId) -> Result<Self, DbError> {
        sqlx::query!(
            r#"select set_config('app.org_id', $1, true) as "org", set_config('app.role', 'system', true) as "role",
                      set_config('app.user_id', '', true) as "user""#,
            org_id.to_string()
        )
        .fetch_one(&mut *tx)
        .await?;
        Ok(Self { tx: Tx::Sqlx(tx), org_id, actor: None, db_role: "system", config: None, _turn: None })
    }

    pub fn org_id(&self) -> OrgId {
        self.org_id
    }

    pub(crate) fn config(&self) -> Option<&ConfigSeen> {
        self.config.as_ref()
    }

    /// Notes the department a category was read in, for a later one-statement ticket creation
    /// to assume (and verify: categories move without a configuration version).
    pub fn saw_category_in(&self, category: CategoryId, department: DepartmentId) {
        if let Some(seen) = &self.config {
            seen.cache.keep_department(self.org_id, category, department);
        }
    }

    /// Notes the member's role as this transaction found it, for their next one-statement ticket
    /// creation to assume (and verify). Only creations note it, so other requests pay nothing.
    pub fn saw_member_role(&self) {
        if let (Some(seen), Some(actor)) = (&self.config, self.actor) {
            seen.cache.keep_role(self.org_id, actor.user_id, actor.role);
        }
    }

    /// Plans the following statements for their values. A member's transaction uses generic plans
    /// (`fd_enter`, migration `…08_generic_plans`); a statement whose best plan depends on what it
    /// looks for (a rare word is found through the text index, a common one along the requested
    /// order) calls this first.
    pub async fn plan_for_values(&mut self) -> Result<(), DbError> {
        sqlx::query("set local plan_cache_mode = auto").execute(&mut **self).await?;
        Ok(())
    }

    /// The acting member; `None` for system work.
    pub fn actor(&self) -> Option<Actor> {
        self.actor
    }

    /// System work done for a person (a requester's email becoming a ticket): use cases check
    /// this person's role and the audit trail names them, while the database session keeps the
    /// system role the worker entered with.
    pub fn on_behalf_of(&mut self, actor: Actor) {
        self.actor = Some(actor);
    }

    /// Runs the rest of the transaction's statements with the database role `role` (`system`
    /// or the actor's own). For internal reads a requester's action needs but may not see,
    /// such as the audit trail an SLA clock is derived from; never for anything a caller returns.
    /// Returns the role it replaces, to restore it afterwards.
    pub async fn set_db_role(&mut self, role: &'static str) -> Result<&'static str, DbError> {
        sqlx::query_scalar!(r#"select set_config('app.role', $1, true) as "role!""#, role)
            .fetch_one(&mut **self)
            .await?;
        Ok(std::mem::replace(&mut self.db_role, role))
    }

    pub fn actor_id(&self) -> Option<UserId> {
        self.actor.map(|a| a.user_id)
    }

    pub async fn commit(self) -> Result<(), DbError> {
        match self.tx {
            Tx::Own(tx) => tx.commit().await,
            Tx::Sqlx(tx) => Ok(tx.commit().await?),
        }
    }
}

impl Deref for TenantTx {
    type Target = PgConnection;

    fn deref(&self) -> &PgConnection {
        match &self.tx {
            Tx::Own(tx) => &tx.held,
            Tx::Sqlx(tx) => tx,
        }
    }
}

impl DerefMut for TenantTx {
    fn deref_mut(&mut self) -> &mut PgConnection {
        match &mut self.tx {
            Tx::Own(tx) => &mut tx.held,
            Tx::Sqlx(tx) => tx,
        }
    }
}

enum Tx {
    Own(OwnTx),
    /// Begun by sqlx (system work; a transaction that changes organisation half-way).
    Sqlx(Transaction<'static, Postgres>),
}

/// A transaction that this module begins and ends itself on a connection from the [`Lane`],
/// rather than through sqlx's `Transaction`. sqlx sends a custom `BEGIN` on its own and discards
/// its rows, so a member's transaction took two round trips before its first statement (`BEGIN`,
/// then `fd_enter`); here they travel as one simple-protocol message and the row comes back. And
/// the connection goes back to the lane, not the pool, so no ping follows the transaction.
///
/// sqlx does not know about this transaction, so it is this type's job that the connection is
/// never used again inside it: unless committed, dropping it (an error, a read that is simply
/// done, a caller that gave up mid-statement) rolls back in a task before the connection is
/// reused, and a connection that cannot roll back is closed.
struct OwnTx {
    /// Empty once the transaction is over: nothing is left to undo.
    held: Held,
}

impl OwnTx {
    /// Sends `sql` (beginning with `begin;`) and returns the transaction with the first row of
    /// its statements, if any.
    async fn begin_with_row(
        held: Held,
        sql: sqlx::AssertSqlSafe<String>,
    ) -> Result<(Self, Option<PgRow>), DbError> {
        let mut tx = Self { held };
        // Should this fail or be cancelled, dropping `tx` rolls back whatever began.
        let row = sqlx::raw_sql(sql).fetch_optional(&mut *tx.held).await?;
        Ok((tx, row))
    }

    async fn commit(mut self) -> Result<(), DbError> {
        let committed = sqlx::raw_sql("commit").execute(&mut *self.held).await;
        // An error PostgreSQL answered with (a deferred constraint, a serialization failure) ends
        // the transaction too: either way the connection is idle again.
        if matches!(committed, Ok(_) | Err(sqlx::Error::Database(_))) {
            self.held.take().release();
        }
        committed?;
        Ok(())
    }
}

impl Drop for OwnTx {
    fn drop(&mut self) {
        if self.held.is_empty() {
            return;
        }
        let mut held = self.held.take();
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            held.discard();
            return;
        };
        runtime.spawn(async move {
            // Reads first whatever an abandoned statement left unread, then ends the transaction.
            match sqlx::raw_sql("rollback").execute(&mut *held).await {
                Ok(_) => held.release(),
                Err(error) => {
                    tracing::warn!(%error, "rolling back an abandoned transaction; closing its connection");
                    held.discard();
                }
            }
        });
    }
}
