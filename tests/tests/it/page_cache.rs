//! The gateway's ticket pages kept between requests: a kept page is always what the query would
//! return now. Every test here would fail with pages kept by time alone.

use ferrodesk_testkit::{Session, TestApp, error_code, superuser_url};
use serde_json::{Value, json};
use sqlx::{Connection, PgConnection};

const QUEUE: &str = "query Queue($filter: TicketFilter) {
    tickets(first: 50, filter: $filter, orderBy: { field: PRIORITY, direction: ASC }) {
      edges { node { number subject assignee { name } requester { name } category { name }
                     sla { resolutionDueAt resolutionBreached } } } } }";

async fn queue(app: &TestApp, who: &Session, filter: Value) -> Value {
    app.gql(Some(&who.token), QUEUE, json!({ "filter": filter })).await
}

fn nodes(body: &Value) -> Vec<Value> {
    body["data"]["tickets"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .map(|e| e["node"].clone())
        .collect()
}

fn subjects(body: &Value) -> Vec<String> {
    nodes(body).iter().map(|n| n["subject"].as_str().unwrap().to_owned()).collect()
}

/// The owner role, whose changes fire triggers as the product's own do.
async fn admin(app: &TestApp) -> PgConnection {
    app.db.admin_conn().await
}

/// A superuser session with triggers off, as a restore or a hand-made repair would run: a change
/// made through it is invisible to the page versions, which shows whether a page was kept.
async fn behind_its_back(app: &TestApp) -> PgConnection {
    let base = superuser_url();
    let (server, _) = base.rsplit_once('/').unwrap();
    let mut conn = PgConnection::connect(&format!("{server}/{}", app.db.name)).await.unwrap();
    sqlx::query("set session_replication_role = replica").execute(&mut conn).await.unwrap();
    conn
}

async fn exec(conn: &mut PgConnection, sql: &str) {
    sqlx::query(sqlx::AssertSqlSafe(sql.to_owned())).execute(conn).await.unwrap();
}

#[tokio::test]
async fn a_kept_page_is_served_until_something_on_it_changes() {
    let app = TestApp::spawn().await;
    let owner = app.sign_up("acme").await;
    app.create_ticket(&owner, json!({ "kind": "INCIDENT", "subject": "Printer jams" })).await;
    let first = queue(&app, &owner, Value::Null).await;
    assert_eq!(subjects(&first), ["Printer jams"]);

    exec(&mut behind_its_back(&app).await, "update tickets set subject = 'Changed behind its back'").await;
    assert_eq!(queue(&app, &owner, Value::Null).await, first, "the kept page is served");

    exec(&mut admin(&app).await, "update tickets set subject = 'Printer jams on tray 2'").await;
    assert_eq!(subjects(&queue(&app, &owner, Value::Null).await), ["Printer jams on tray 2"]);
}

#[tokio::test]
async fn new_tickets_names_categories_and_roles_show_at_once() {
    let app = TestApp::spawn().await;
    let owner = app.sign_up("acme").await;
    let agent = app.add_member(&owner, "agent@acme.test", "AGENT").await;
    let mut admin = admin(&app).await;
    app.create_ticket(
        &owner,
        json!({ "kind": "INCIDENT", "subject": "VPN drops", "requesterEmail": "jane@acme.test",
                "assigneeId": agent.user_id }),
    )
    .await;
    exec(&mut admin, "update tickets set category_id = (select id from categories where name = 'VPN')").await;
    let page = nodes(&queue(&app, &agent, Value::Null).await);
    assert_eq!(page[0]["assignee"]["name"], "Member agent@acme.test");
    assert_eq!(page[0]["category"]["name"], "VPN");

    // Someone else's new ticket is on the agent's page.
    app.create_ticket(&owner, json!({ "kind": "SERVICE_REQUEST", "subject": "New laptop" })).await;
    assert_eq!(nodes(&queue(&app, &agent, Value::Null).await).len(), 2);

    exec(&mut admin, "update memberships set name = 'Alex Agent' where email = 'agent@acme.test'").await;
    exec(&mut admin, "update categories set name = 'Remote access' where name = 'VPN'").await;
    let vpn = nodes(&queue(&app, &agent, Value::Null).await)
        .into_iter()
        .find(|n| n["subject"] == "VPN drops")
        .unwrap();
    assert_eq!(vpn["assignee"]["name"], "Alex Agent");
    assert_eq!(vpn["category"]["name"], "Remote access");

    // A role that sees less sees less at once; a member who left sees nothing.
    exec(&mut admin, "update memberships set role = 'requester' where user_id = (select id from users where email = 'agent@acme.test')").await;
    assert_eq!(nodes(&queue(&app, &agent, Value::Null).await).len(), 0);
    exec(&mut admin, "update memberships set status = 'disabled' where user_id = (select id from users where email = 'agent@acme.test')").await;
    let refused = queue(&app, &agent, Value::Null).await;
    assert_eq!(error_code(&refused), Some("UNAUTHENTICATED"), "{refused}");
}

#[tokio::test]
async fn a_page_expires_when_a_clock_on_it_runs_out() {
    let app = TestApp::spawn().await;
    let owner = app.sign_up("acme").await;
    app.create_ticket(&owner, json!({ "kind": "INCIDENT", "subject": "Server down" })).await;
    exec(
        &mut admin(&app).await,
        "update tickets set resolution_due_at = now() + interval '1500 milliseconds', resolution_breached = false",
    )
    .await;
    let before = nodes(&queue(&app, &owner, Value::Null).await);
    assert_eq!(before[0]["sla"]["resolutionBreached"], false);
    assert_eq!(nodes(&queue(&app, &owner, Value::Null).await), before, "kept until then");

    tokio::time::sleep(std::time::Duration::from_millis(1800)).await;
    let after = nodes(&queue(&app, &owner, Value::Null).await);
    assert_eq!(after[0]["sla"]["resolutionBreached"], true, "the page expired at the due instant");
}

#[tokio::test]
async fn each_member_and_organisation_has_pages_of_their_own() {
    let app = TestApp::spawn().await;
    let acme = app.sign_up("acme").await;
    let globex = app.sign_up("globex").await;
    let requester = app.add_member(&acme, "jane@acme.test", "REQUESTER").await;
    app.create_ticket(&acme, json!({ "kind": "INCIDENT", "subject": "Acme's own" })).await;
    app.create_ticket(
        &acme,
        json!({ "kind": "INCIDENT", "subject": "Jane's", "requesterEmail": "jane@acme.test" }),
    )
    .await;
    app.create_ticket(&globex, json!({ "kind": "INCIDENT", "subject": "Globex's own" })).await;
    // Twice each, so the second answers come from kept pages where there are any.
    for _ in 0..2 {
        let mut seen = subjects(&queue(&app, &acme, Value::Null).await);
        seen.sort();
        assert_eq!(seen, ["Acme's own", "Jane's"]);
        assert_eq!(subjects(&queue(&app, &globex, Value::Null).await), ["Globex's own"]);
        assert_eq!(subjects(&queue(&app, &requester, Value::Null).await), ["Jane's"]);
    }
}

#[tokio::test]
async fn searches_and_filters_on_the_clock_always_run() {
    let app = TestApp::spawn().await;
    let owner = app.sign_up("acme").await;
    app.create_ticket(&owner, json!({ "kind": "INCIDENT", "subject": "Printer jams" })).await;
    let search = json!({ "search": "scanner" });
    let breached = json!({ "slaBreached": true });
    assert!(subjects(&queue(&app, &owner, search.clone()).await).is_empty());
    assert!(subjects(&queue(&app, &owner, breached.clone()).await).is_empty());

    exec(
        &mut behind_its_back(&app).await,
        "update tickets set subject = 'Scanner jams', resolution_due_at = now() - interval '1 minute'",
    )
    .await;
    assert_eq!(subjects(&queue(&app, &owner, search).await), ["Scanner jams"]);
    assert_eq!(subjects(&queue(&app, &owner, breached).await), ["Scanner jams"]);
}
