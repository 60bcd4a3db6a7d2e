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
        assert!(row.get::<i64, _>("policies") > 0, "{name}: has no policy");
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
