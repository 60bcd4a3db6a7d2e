//! Two organisations; everything tried with the other's ids, over GraphQL and in SQL as the
//! runtime role.

use ferrodesk_testkit::{TestApp, error_code};
use serde_json::json;
use sqlx::Row;

#[tokio::test]
async fn graphql_never_crosses_tenants() {
    let app = TestApp::spawn().await;
    let acme = app.sign_up("acme").await;
    let globex = app.sign_up("globex").await;
    let secret = app
        .create_ticket(
            &globex,
            json!({ "kind": "INCIDENT", "subject": "Globex merger files leaked", "tags": ["merger"] }),
        )
        .await;
    let body = app.gql(Some(&globex.token), "{ organization { categories { id } } }", json!({})).await;
    let globex_category = body["data"]["organization"]["categories"][0]["id"].clone();
    let mine = app.create_ticket(&acme, json!({ "kind": "INCIDENT", "subject": "Acme printer" })).await;

    // Reads: by number, by global id, in lists, filters and search.
    let body = app.gql(Some(&acme.token), "{ ticket(number: \"INC-0001\") { subject } }", json!({})).await;
    assert_eq!(body["data"]["ticket"]["subject"], "Acme printer", "the same number is Acme's own ticket");
    let body = app
        .gql(Some(&acme.token), "query($id: ID!) { node(id: $id) { id } }", json!({ "id": secret["id"] }))
        .await;
    assert!(body["data"]["node"].is_null(), "{body}");
    let body = app
        .gql(Some(&acme.token), "query($id: ID!) { node(id: $id) { id } }", json!({ "id": globex.user_id }))
        .await;
    assert!(body["data"]["node"].is_null());
    for filter in [
        json!({ "search": "merger" }),
        json!({ "tag": "merger" }),
        json!({}),
        json!({ "assigneeId": globex.user_id }),
        json!({ "categoryId": globex_category }),
    ] {
        let body = app
            .gql(
                Some(&acme.token),
                "query($f: TicketFilter) { tickets(filter: $f) { edges { node { subject } } } }",
                json!({ "f": filter }),
            )
            .await;
        let subjects: Vec<&str> = body["data"]["tickets"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["subject"].as_str().unwrap())
            .collect();
        assert!(!subjects.contains(&"Globex merger files leaked"), "{body}");
    }
    let body = app.gql(Some(&acme.token), "{ members { edges { node { email } } } }", json!({})).await;
    assert_eq!(body["data"]["members"]["edges"].as_array().unwrap().len(), 1);

    // Writes with the other tenant's ids: NOT_FOUND, exactly like ids that do not exist.
    let update = "mutation($input: UpdateTicketInput!) { updateTicket(input: $input) { ticket { id } } }";
    let message =
        "mutation($input: AddTicketMessageInput!) { addTicketMessage(input: $input) { message { id } } }";
    let create = "mutation($input: CreateTicketInput!) { createTicket(input: $input) { ticket { id } } }";
    for (query, vars) in [
        (update, json!({ "input": { "id": secret["id"], "status": "CLOSED" } })),
        (message, json!({ "input": { "ticketId": secret["id"], "body": "hello", "internal": false } })),
        (update, json!({ "input": { "id": mine["id"], "assigneeId": globex.user_id } })),
        (update, json!({ "input": { "id": mine["id"], "categoryId": globex_category } })),
        (create, json!({ "input": { "kind": "INCIDENT", "subject": "x", "categoryId": globex_category } })),
        (create, json!({ "input": { "kind": "INCIDENT", "subject": "x", "assigneeId": globex.user_id } })),
    ] {
        let body = app.gql(Some(&acme.token), query, vars).await;
        assert_eq!(error_code(&body), Some("NOT_FOUND"), "{body}");
    }
    let body = app
        .gql(
            Some(&globex.token),
            "{ ticket(number: \"INC-0001\") { status messages { edges { node { id } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["data"]["ticket"],
        json!({ "status": "NEW", "messages": { "edges": [] } }),
        "Globex's ticket is untouched"
    );

    let token = app
        .gql(
            Some(&globex.token),
            "mutation { createApiToken(input: { name: \"ci\" }) { apiToken { id } } }",
            json!({}),
        )
        .await;
    let token_id = token["data"]["createApiToken"]["apiToken"]["id"].clone();
    let body = app
        .gql(Some(&acme.token), "mutation($id: ID!) { revokeApiToken(id: $id) }", json!({ "id": token_id }))
        .await;
    assert_eq!(error_code(&body), Some("NOT_FOUND"), "{body}");
    let body = app.gql(Some(&globex.token), "{ apiTokens { name } }", json!({})).await;
    assert_eq!(body["data"]["apiTokens"], json!([{ "name": "ci" }]), "Globex's token is untouched");
}

#[tokio::test]
async fn sql_as_the_runtime_role_sees_nothing_without_the_right_tenant() {
    let app = TestApp::spawn().await;
    app.sign_up("acme").await;
    let globex = app.sign_up("globex").await;
    app.create_ticket(&globex, json!({ "kind": "INCIDENT", "subject": "Globex only" })).await;
    let mut admin = app.db.admin_conn().await;
    let acme_id = org_id(&mut admin, "acme").await;
    let globex_id = org_id(&mut admin, "globex").await;

    let mut conn = app.db.app_conn().await;
    // Identities are out of the runtime role's reach altogether: only the fd_* functions read them.
    let err = sqlx::query("select count(*) from users").fetch_one(&mut conn).await.unwrap_err();
    assert!(err.to_string().contains("permission denied"), "{err}");
    let err = sqlx::query("select count(*) from email_links").fetch_one(&mut conn).await.unwrap_err();
    assert!(err.to_string().contains("permission denied"), "{err}");
    let tables = [
        "organizations",
        "memberships",
        "departments",
        "categories",
        "tickets",
        "ticket_messages",
        "events",
        "jobs",
        "record_counters",
    ];
    // No app.org_id at all: every table is empty.
    for table in tables {
        let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("select count(*) from {table}")))
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert_eq!(n, 0, "{table} without a tenant");
    }
    // Acme's tenant with the system role: Globex's rows stay invisible.
    let mut tx = sqlx::Connection::begin(&mut conn).await.unwrap();
    sqlx::query("select set_config('app.org_id', $1, true), set_config('app.role', 'system', true)")
        .bind(acme_id.to_string())
        .execute(&mut *tx)
        .await
        .unwrap();
    let n: i64 = sqlx::query_scalar("select count(*) from tickets").fetch_one(&mut *tx).await.unwrap();
    assert_eq!(n, 0);
    let orgs: Vec<String> =
        sqlx::query_scalar("select slug from organizations").fetch_all(&mut *tx).await.unwrap();
    assert_eq!(orgs, ["acme"]);
    let updated = sqlx::query("update tickets set subject = 'pwned' where org_id = $1")
        .bind(globex_id)
        .execute(&mut *tx)
        .await
        .unwrap();
    assert_eq!(updated.rows_affected(), 0);
    let deleted = sqlx::query("delete from tickets").execute(&mut *tx).await.unwrap();
    assert_eq!(deleted.rows_affected(), 0);
    // Writing a row for another organisation is refused by the policy's WITH CHECK.
    let err =
        sqlx::query("insert into departments (org_id, id, name) values ($1, gen_random_uuid(), 'Shadow IT')")
            .bind(globex_id)
            .execute(&mut *tx)
            .await
            .unwrap_err();
    assert!(err.to_string().contains("row-level security"), "{err}");
    tx.rollback().await.unwrap();

    // A garbage tenant id is an error, not a wildcard.
    let mut tx = sqlx::Connection::begin(&mut conn).await.unwrap();
    sqlx::query("select set_config('app.org_id', '', true)").execute(&mut *tx).await.unwrap();
    let n: i64 = sqlx::query_scalar("select count(*) from tickets").fetch_one(&mut *tx).await.unwrap();
    assert_eq!(n, 0);
    tx.rollback().await.unwrap();

    // The audit trail is append-only for the runtime role.
    let mut tx = sqlx::Connection::begin(&mut conn).await.unwrap();
    sqlx::query("select set_config('app.org_id', $1, true), set_config('app.role', 'system', true)")
        .bind(globex_id.to_string())
        .execute(&mut *tx)
        .await
        .unwrap();
    let row = sqlx::query("select count(*) as n from events").fetch_one(&mut *tx).await.unwrap();
    assert!(row.get::<i64, _>("n") > 0);
    let err = sqlx::query("delete from events").execute(&mut *tx).await.unwrap_err();
    assert!(err.to_string().contains("permission denied"), "{err}");
    tx.rollback().await.unwrap();
}

#[tokio::test]
async fn requesters_reach_only_their_own_conversations_even_in_sql() {
    let app = TestApp::spawn().await;
    let owner = app.sign_up("acme").await;
    let jane = app.add_member(&owner, "jane@acme.test", "REQUESTER").await;
    let omar = app.add_member(&owner, "omar@acme.test", "REQUESTER").await;
    let janes = app.create_ticket(&jane, json!({ "kind": "INCIDENT", "subject": "Jane's laptop" })).await;
    let omars =
        app.create_ticket(&omar, json!({ "kind": "INCIDENT", "subject": "Omar's salary question" })).await;
    let reply =
        "mutation($input: AddTicketMessageInput!) { addTicketMessage(input: $input) { message { id } } }";
    for ticket in [&janes, &omars] {
        app.gql(
            Some(&owner.token),
            reply,
            json!({ "input": { "ticketId": ticket["id"], "body": "public reply", "internal": false } }),
        )
        .await;
    }
    let mut admin = app.db.admin_conn().await;
    let (org, jane_id): (uuid::Uuid, uuid::Uuid) =
        sqlx::query_as("select m.org_id, m.user_id from memberships m where m.email = 'jane@acme.test'")
            .fetch_one(&mut admin)
            .await
            .unwrap();

    let mut conn = app.db.app_conn().await;
    let mut tx = sqlx::Connection::begin(&mut conn).await.unwrap();
    let role: Option<String> = sqlx::query_scalar("select member_role from fd_enter($1, $2)")
        .bind(org)
        .bind(jane_id)
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(role.as_deref(), Some("requester"));
    let subjects: Vec<String> = sqlx::query_scalar(
        "select t.subject from ticket_messages m join tickets t on t.org_id = m.org_id and t.id = m.ticket_id",
    )
    .fetch_all(&mut *tx)
    .await
    .unwrap();
    assert_eq!(subjects, ["Jane's laptop"]);
    let all: i64 =
        sqlx::query_scalar("select count(*) from ticket_messages").fetch_one(&mut *tx).await.unwrap();
    assert_eq!(all, 1, "Omar's conversation is invisible to Jane even without the join");
    tx.rollback().await.unwrap();
}

/// `Db::system_in` sends its settings with `BEGIN` in one message: they must still scope the
/// transaction to its organisation as the system, and end with it on the pooled connection.
#[tokio::test]
async fn system_work_is_scoped_to_its_organisation_and_ends_with_its_transaction() {
    let (app, mut admin) = acme_and_globex_with_a_ticket_each().await;
    let acme_id = org_id(&mut admin, "acme").await;
    // One connection, so that the second transaction runs where the first one ran.
    let pool =
        sqlx::postgres::PgPoolOptions::new().max_connections(1).connect(&app.db.app_url).await.unwrap();
    let db = ferrodesk_db::Db::from_pool(pool.clone());

    let mut tx = db.system_in(ferrodesk_domain::OrgId::from_uuid(acme_id)).await.unwrap();
    let (org, role): (String, String) =
        sqlx::query_as("select current_setting('app.org_id'), current_setting('app.role')")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
    assert_eq!((org, role.as_str()), (acme_id.to_string(), "system"));
    let subjects: Vec<String> =
        sqlx::query_scalar("select subject from tickets").fetch_all(&mut *tx).await.unwrap();
    assert_eq!(subjects, ["Acme only"]);
    tx.commit().await.unwrap();

    // The settings were local to that transaction: the same connection now sees nothing.
    let (org, tickets): (String, i64) = sqlx::query_as(
        "select coalesce(current_setting('app.org_id', true), ''), (select count(*) from tickets)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((org.as_str(), tickets), ("", 0));

    // A caller that abandons `system_in` mid-`BEGIN` leaves its transaction open on the pooled
    // connection (sqlx only rolls back a transaction whose `BEGIN` completed); work without a
    // tenant that lands in it must still see nothing.
    {
        let mut conn = pool.acquire().await.unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "begin; select set_config('app.org_id', '{acme_id}', true), set_config('app.role', 'system', true)"
        )))
        .execute(&mut *conn)
        .await
        .unwrap();
    }
    let mut tx = db.begin_system().await.unwrap();
    let tickets: i64 = sqlx::query_scalar("select count(*) from tickets").fetch_one(&mut *tx).await.unwrap();
    assert_eq!(tickets, 0, "no tenant's rows in system work without a tenant");
    tx.rollback().await.unwrap();
}

async fn org_id(admin: &mut sqlx::PgConnection, slug: &str) -> uuid::Uuid {
    sqlx::query_scalar("select id from organizations where slug = $1")
        .bind(slug)
        .fetch_one(admin)
        .await
        .unwrap()
}

/// Members' transactions run on connections the lane (crates/db/src/lane.rs) hands out again
/// without sqlx's pool in between, and begin with their own one-message `BEGIN`: whatever way a
/// transaction ends, the next one on that connection starts clean, with only its own tenant.
#[tokio::test]
async fn a_member_transaction_however_it_ends_leaves_nothing_on_its_connection() {
    let (app, mut admin) = acme_and_globex_with_a_ticket_each().await;
    let (acme_id, acme_owner) = app.db.owner_of("acme").await;
    let (globex_id, globex_owner) = app.db.owner_of("globex").await;
    // Two connections: the lane keeps one, the pool the other.
    let pool =
        sqlx::postgres::PgPoolOptions::new().max_connections(2).connect(&app.db.app_url).await.unwrap();
    let db = ferrodesk_db::Db::from_pool(pool.clone());
    let enter = |org: uuid::Uuid, user: uuid::Uuid| {
        db.enter(ferrodesk_domain::OrgId::from_uuid(org), ferrodesk_domain::UserId::from_uuid(user))
    };
    // What a transaction sees, and where it runs.
    async fn seen(tx: &mut ferrodesk_db::TenantTx) -> (String, Vec<String>, i32, i64) {
        let row = sqlx::query(
            "select current_setting('app.org_id'), array(select subject from tickets), pg_backend_pid(), \
                    txid_current()",
        )
        .fetch_one(&mut **tx)
        .await
        .unwrap();
        (row.get(0), row.get(1), row.get(2), row.get(3))
    }

    // Committed: the connection is reused at once, for another tenant, with that tenant only.
    let mut tx = enter(acme_id, acme_owner).await.unwrap();
    let (org, subjects, pid, _) = seen(&mut tx).await;
    assert_eq!((org, subjects), (acme_id.to_string(), vec!["Acme only".to_owned()]));
    tx.commit().await.unwrap();
    let mut tx = enter(globex_id, globex_owner).await.unwrap();
    let (org, subjects, again, _) = seen(&mut tx).await;
    assert_eq!((org, subjects), (globex_id.to_string(), vec!["Globex only".to_owned()]));
    assert_eq!(again, pid, "the lane hands the same connection out again");

    // Dropped without a commit, with a change made: it is rolled back, not carried on.
    sqlx::query("update tickets set subject = 'Changed, then abandoned'").execute(&mut *tx).await.unwrap();
    let (_, _, _, txid) = seen(&mut tx).await;
    drop(tx);
    wait_until_ended(&mut admin, txid).await;
    let mut tx = enter(acme_id, acme_owner).await.unwrap();
    let (org, subjects, _, _) = seen(&mut tx).await;
    assert_eq!((org, subjects), (acme_id.to_string(), vec!["Acme only".to_owned()]));
    tx.commit().await.unwrap();

    // Given up mid-statement: the answer still on its way is read and dropped, the transaction
    // rolled back, and the connection is good for the next member.
    let mut tx = enter(globex_id, globex_owner).await.unwrap();
    let (_, _, _, txid) = seen(&mut tx).await;
    let slow = sqlx::query("select pg_sleep(0.3)").execute(&mut *tx);
    assert!(tokio::time::timeout(std::time::Duration::from_millis(50), slow).await.is_err());
    drop(tx);
    wait_until_ended(&mut admin, txid).await;
    for _ in 0..3 {
        let mut tx = enter(acme_id, acme_owner).await.unwrap();
        let (org, subjects, _, _) = seen(&mut tx).await;
        assert_eq!((org, subjects), (acme_id.to_string(), vec!["Acme only".to_owned()]));
        tx.commit().await.unwrap();
    }
    let subjects: Vec<String> = sqlx::query_scalar("select subject from tickets order by subject")
        .fetch_all(&mut admin)
        .await
        .unwrap();
    assert_eq!(subjects, ["Acme only", "Globex only"], "nothing abandoned was committed");
}

/// Two organisations with one ticket each ("Acme only", "Globex only"), and a connection that
/// sees past row-level security.
async fn acme_and_globex_with_a_ticket_each() -> (TestApp, sqlx::PgConnection) {
    let app = TestApp::spawn().await;
    let acme = app.sign_up("acme").await;
    let globex = app.sign_up("globex").await;
    app.create_ticket(&acme, json!({ "kind": "INCIDENT", "subject": "Acme only" })).await;
    app.create_ticket(&globex, json!({ "kind": "INCIDENT", "subject": "Globex only" })).await;
    let admin = app.db.admin_conn().await;
    (app, admin)
}

/// Waits (up to 5 s) until the transaction `txid` is no longer in progress, and checks it was
/// rolled back.
async fn wait_until_ended(admin: &mut sqlx::PgConnection, txid: i64) {
    for _ in 0..100 {
        let status: String =
            sqlx::query_scalar("select txid_status($1)").bind(txid).fetch_one(&mut *admin).await.unwrap();
        if status != "in progress" {
            assert_eq!(status, "aborted");
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("transaction {txid} still open 5 s after it was dropped");
}
