//! Guards over the catalog: a new table without tenant isolation fails the suite.

use sqlx::Row;

#[tokio::test]
async fn every_table_has_forced_row_level_security_and_policies() {
    let db = ferrodesk_testkit::test_db().await;
    let mut conn = db.admin_conn().await;
    let rows = sqlx::query(
        "select c.relname as name, c.relrowsecurity as enabled, c.relforcerowsecurity as forced,
                (select count(*) from pg_policy p where p.polrelid = c.oid) as policies,
                exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'org_id' and not a.attisdropped) as tenant
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = 'public' and c.relkind in ('r', 'p') and c.relname <> '_sqlx_migrations'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    assert!(rows.len() >= 12, "expected the foundation tables");
    for row in rows {
        let name: String = row.get("name");
        let tenant: bool = row.get("tenant");
        assert!(row.get::<bool, _>("enabled"), "{name}: row-level security is not enabled");
        assert!(row.get::<bool, _>("forced"), "{name}: row-level security is not forced");
        if row.get::<i64, _>("policies") == 0 {
            // Without a policy nobody sees a row: fine for the tables that only the fd_*
            // functions touch (identities, mailed links), so long as the runtime role has no
            // privilege on them either.
            let reachable: bool = sqlx::query_scalar(
                "select has_table_privilege('ferrodesk_runtime', $1, 'select, insert, update, delete')",
            )
            .bind(&name)
            .fetch_one(&mut conn)
            .await
            .unwrap();
            assert!(!reachable, "{name}: has no policy, yet the runtime role may use it");
        }
        if tenant {
            let policy: Option<String> = sqlx::query_scalar(
                "select pg_get_expr(polqual, polrelid) from pg_policy where polrelid = $1::regclass and polname = 'tenant_isolation'",
            )
            .bind(&name)
            .fetch_optional(&mut conn)
            .await
            .unwrap();
            assert!(
                policy.is_some_and(|p| p.contains("current_setting('app.org_id'")),
                "{name}: no tenant_isolation policy on org_id"
            );
        }
    }
}

#[tokio::test]
async fn the_runtime_role_owns_nothing_and_cannot_bypass() {
    let db = ferrodesk_testkit::test_db().await;
    let mut conn = db.app_conn().await;
    let (superuser, bypass): (bool, bool) =
        sqlx::query_as("select rolsuper, rolbypassrls from pg_roles where rolname = current_user")
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert!(!superuser && !bypass);
    let owned: i64 = sqlx::query_scalar("select count(*) from pg_class where relowner = (select oid from pg_roles where rolname = current_user)")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(owned, 0);
}

#[tokio::test]
async fn the_gateway_refuses_a_member_of_the_owner_role() {
    let db = ferrodesk_testkit::test_db().await;
    let role = format!("fd_test_member_{}", std::process::id());
    let mut su =
        <sqlx::PgConnection as sqlx::Connection>::connect(&ferrodesk_testkit::superuser_url()).await.unwrap();
    for statement in [
        format!("drop role if exists {role}"),
        format!("create role {role} login password '{role}' in role ferrodesk_owner, ferrodesk_runtime"),
    ] {
        sqlx::raw_sql(sqlx::AssertSqlSafe(statement)).execute(&mut su).await.unwrap();
    }
    let url = db.app_url.replace("ferrodesk_app:ferrodesk_app", &format!("{role}:{role}"));
    let mut config = ferrodesk_testkit::gateway_config(&db, "fdtest:member:");
    config.database.url = url.into();
    let result = ferrodesk_gateway::Application::build(config).await;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("drop role {role}"))).execute(&mut su).await.unwrap();
    let err = result.err().expect("a member of the owner role must be refused");
    assert!(format!("{err:#}").contains("bypass row-level security"), "{err:#}");
}

/// The SECURITY DEFINER functions as `docs/ARCHITECTURE.md` lists them (§Definer functions):
/// each name with who may call it (`gateway`, `worker`, `definers` or `trigger`).
fn documented_definers() -> std::collections::BTreeMap<String, String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/ARCHITECTURE.md");
    let doc = std::fs::read_to_string(path).unwrap();
    let section =
        doc.split("\n## Definer functions\n").nth(1).expect("docs/ARCHITECTURE.md §Definer functions");
    let section = section.split("\n## ").next().unwrap();
    section
        .lines()
        .filter(|line| line.starts_with("| `"))
        .map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            (cells[1].trim_matches('`').to_owned(), cells[2].to_owned())
        })
        .collect()
}

/// Every definer function is listed in the architecture guide with who may call it, and the
/// database agrees: nobody through PUBLIC, the gateway's login exactly the `gateway` ones, the
/// worker's login alone the `worker` ones (those that cross tenants), and neither the helpers
/// only other definer functions call.
#[tokio::test]
async fn the_definer_functions_are_the_documented_ones_callable_by_the_documented_role() {
    let db = ferrodesk_testkit::test_db().await;
    let mut admin = db.admin_conn().await;
    let rows: Vec<(String, bool, bool, bool, bool)> = sqlx::query_as(
        "select p.proname::text, p.prorettype = 'trigger'::regtype,
                exists (select 1 from aclexplode(coalesce(p.proacl, acldefault('f', p.proowner))) a
                        where a.grantee = 0 and a.privilege_type = 'EXECUTE'),
                has_function_privilege($1, p.oid, 'EXECUTE'),
                has_function_privilege($2, p.oid, 'EXECUTE')
         from pg_proc p
         where p.pronamespace = 'public'::regnamespace and p.prosecdef
         order by 1",
    )
    .bind(ferrodesk_testkit::APP_ROLE)
    .bind(ferrodesk_testkit::WORKER_ROLE)
    .fetch_all(&mut admin)
    .await
    .unwrap();
    let mut in_database = std::collections::BTreeMap::new();
    for (name, trigger, public, gateway, worker) in rows {
        let caller = match (trigger, public, gateway, worker) {
            (true, ..) => "trigger",
            (false, true, ..) => panic!("{name}: a SECURITY DEFINER function is executable by PUBLIC"),
            (false, false, true, _) => "gateway",
            (false, false, false, true) => "worker",
            (false, false, false, false) => "definers",
        };
        let previous = in_database.insert(name.clone(), caller.to_owned());
        assert!(previous.is_none_or(|p| p == caller), "{name}: its overloads differ in who may call them");
    }
    assert!(in_database.values().any(|c| c == "worker"), "expected the worker's definer functions");
    assert_eq!(
        documented_definers(),
        in_database,
        "docs/ARCHITECTURE.md §Definer functions and the database disagree (left: the guide)"
    );

    // Called as the gateway's login, one of them is refused by the database itself.
    let mut gateway = db.app_conn().await;
    let err = sqlx::query("select * from fd_claim_jobs('gateway', 10, '1 minute')")
        .fetch_all(&mut gateway)
        .await
        .expect_err("the gateway's login must not claim jobs");
    assert_eq!(err.as_database_error().and_then(|e| e.code()).as_deref(), Some("42501"), "{err}");
    // The worker's login may, and holds both groups; the gateway's holds only the runtime group.
    let mut worker = <sqlx::PgConnection as sqlx::Connection>::connect(&db.worker_url).await.unwrap();
    sqlx::query("select * from fd_claim_jobs('worker', 10, '1 minute')")
        .fetch_all(&mut worker)
        .await
        .unwrap();
    let groups = "select pg_has_role(current_user, 'ferrodesk_runtime', 'MEMBER'),
                         pg_has_role(current_user, 'ferrodesk_worker', 'MEMBER')";
    let of_gateway: (bool, bool) = sqlx::query_as(groups).fetch_one(&mut gateway).await.unwrap();
    let of_worker: (bool, bool) = sqlx::query_as(groups).fetch_one(&mut worker).await.unwrap();
    assert_eq!((of_gateway, of_worker), ((true, false), (true, true)));
}

#[tokio::test]
async fn each_service_refuses_the_other_ones_login() {
    use ferrodesk_db::{Db, RuntimeRoleError, Service};
    let db = ferrodesk_testkit::test_db().await;
    let gateway = Db::connect(&db.app_url.clone().into(), 1).await.unwrap();
    let worker = Db::connect(&db.worker_url.clone().into(), 1).await.unwrap();
    gateway.check_runtime_role(Service::Gateway).await.unwrap();
    worker.check_runtime_role(Service::Worker).await.unwrap();
    let err = gateway.check_runtime_role(Service::Worker).await.unwrap_err();
    assert!(matches!(err, RuntimeRoleError::NotWorker { .. }), "{err}");
    assert!(err.to_string().contains("WORKER_DATABASE_URL"), "{err}");
    let err = worker.check_runtime_role(Service::Gateway).await.unwrap_err();
    assert!(matches!(err, RuntimeRoleError::HoldsWorker { .. }), "{err}");

    // And the gateway itself will not start on the worker's login.
    let mut config = ferrodesk_testkit::gateway_config(&db, "fdtest:workerlogin:");
    config.database.url = db.worker_url.clone().into();
    let err =
        ferrodesk_gateway::Application::build(config).await.err().expect("the worker's login is refused");
    assert!(format!("{err:#}").contains("member of ferrodesk_worker"), "{err:#}");
}

/// Bootstrap corrects the logins: a gateway login that was given the worker's group loses it, and
/// the worker's login gets both groups.
#[tokio::test]
async fn bootstrap_takes_the_worker_group_from_the_gateways_login() {
    let db = ferrodesk_testkit::test_db().await;
    let (gateway, worker) =
        (format!("fd_test_gw_{}", std::process::id()), format!("fd_test_wk_{}", std::process::id()));
    let mut su =
        <sqlx::PgConnection as sqlx::Connection>::connect(&ferrodesk_testkit::superuser_url()).await.unwrap();
    for statement in [
        format!("drop role if exists {gateway}"),
        format!("drop role if exists {worker}"),
        format!("create role {gateway} login in role ferrodesk_runtime, ferrodesk_worker"),
    ] {
        sqlx::raw_sql(sqlx::AssertSqlSafe(statement)).execute(&mut su).await.unwrap();
    }
    let url = |role: &str| db.admin_url.replace("ferrodesk_owner:ferrodesk_owner", role);
    let plan = ferrodesk_db::BootstrapPlan::from_urls(&db.admin_url, &url(&gateway), &url(&worker)).unwrap();
    let result = ferrodesk_db::bootstrap_cluster(&ferrodesk_testkit::superuser_url(), &plan).await;
    let groups: Vec<(String, bool, bool)> = sqlx::query_as(
        "select rolname::text, pg_has_role(oid, 'ferrodesk_runtime', 'MEMBER'),
                pg_has_role(oid, 'ferrodesk_worker', 'MEMBER')
         from pg_roles where rolname in ($1, $2) order by rolname",
    )
    .bind(&gateway)
    .bind(&worker)
    .fetch_all(&mut su)
    .await
    .unwrap();
    for role in [&gateway, &worker] {
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("drop role {role}"))).execute(&mut su).await.unwrap();
    }
    result.unwrap();
    assert_eq!(groups, vec![(gateway, true, false), (worker, true, true)]);
}

/// A SECURITY DEFINER function runs with its owner's rights: each pins its search_path, with
/// pg_temp named (last), so that no object a caller creates is taken for ours.
#[tokio::test]
async fn every_definer_function_pins_its_search_path() {
    let db = ferrodesk_testkit::test_db().await;
    let mut conn = db.admin_conn().await;
    let unpinned: Vec<String> = sqlx::query_scalar(
        "select p.oid::regprocedure::text from pg_proc p
         where p.pronamespace = 'public'::regnamespace and p.prosecdef
           and not exists (select 1 from unnest(coalesce(p.proconfig, '{}')) c
                           where c like 'search_path=%' and c like '%pg_temp')
         order by 1",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    assert!(unpinned.is_empty(), "definer functions without a pinned search_path: {unpinned:?}");
}

/// Every tenant table refuses a read-only organisation's writes in the database.
#[tokio::test]
async fn every_tenant_table_refuses_a_read_only_organisations_writes() {
    let db = ferrodesk_testkit::test_db().await;
    let mut conn = db.admin_conn().await;
    let unguarded: Vec<String> = sqlx::query_scalar(
        "select c.relname::text from pg_class c
         where c.relnamespace = 'public'::regnamespace and c.relkind = 'r'
           and exists (select 1 from pg_policy p where p.polrelid = c.oid and p.polname = 'tenant_isolation')
           and not exists (select 1 from pg_trigger t where t.tgrelid = c.oid
                           and t.tgname = 'refuse_writes_when_read_only' and t.tgenabled <> 'D')
         order by 1",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    assert!(unguarded.is_empty(), "tenant tables without the read-only guard: {unguarded:?}");
}

/// `crates/db/schema.sql` is what replaying `migrations/` makes, so the current definition of any
/// table, policy or function can be read in one place. `bash infra/schema.sh` rewrites it.
#[tokio::test]
async fn the_schema_snapshot_is_what_the_migrations_make() {
    let db = ferrodesk_testkit::test_db().await;
    let dump = ferrodesk_testkit::schema_dump(&db).unwrap();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/db/schema.sql");
    if std::env::var_os("FERRODESK_WRITE_SCHEMA").is_some() {
        std::fs::write(&path, &dump).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if let Some((n, (want, got))) = committed
        .lines()
        .chain(std::iter::repeat(""))
        .zip(dump.lines().chain(std::iter::repeat("")))
        .take(committed.lines().count().max(dump.lines().count()))
        .enumerate()
        .find(|(_, (want, got))| want != got)
    {
        panic!(
            "crates/db/schema.sql differs from the migrated database at line {}:\n  committed: {want}\n  migrated:  {got}\n\
             run `bash infra/schema.sh` and commit crates/db/schema.sql with the migration",
            n + 1
        );
    }
}
