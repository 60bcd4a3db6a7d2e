//! The public demo: the reset restores the exact pristine dataset and touches nothing else, a
//! visitor reading during a reset sees the old or the new dataset and never an error, demo mail
//! stays in the in-app outbox, and the demo's limits hold.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use ferrodesk_core::demo::{self, When};
use ferrodesk_db::Db;
use ferrodesk_testkit::{Session, TestApp, error_code};
use serde_json::{Value, json};
use sqlx::PgConnection;
use uuid::Uuid;

use crate::mail::MailHarness;

/// A content checksum of everything one organisation owns: every row of every table with an
/// `org_id` (found in the catalog, so a new table is covered without changing this test), its own
/// row, and the people who are its members. Not `config_versions` and `page_versions`: gateways
/// key what they cache on them, so every change, a reset included, gives them a value they never
/// had before.
async fn checksum(conn: &mut PgConnection, org: Uuid) -> String {
    let tables: Vec<String> = sqlx::query_scalar(
        "select c.table_name::text from information_schema.columns c
         join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
         where c.table_schema = 'public' and c.column_name = 'org_id' and t.table_type = 'BASE TABLE'
           and c.table_name not in ('config_versions', 'page_versions')
         order by 1",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    let mut parts = Vec::new();
    for table in tables {
        let digest: String = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "select '{table}' || ':' || count(*) || ':' || md5(coalesce(string_agg(t::text, '|' order by t::text), ''))
             from {table} t where org_id = $1"
        )))
        .bind(org)
        .fetch_one(&mut *conn)
        .await
        .unwrap();
        parts.push(digest);
    }
    let own: String = sqlx::query_scalar(
        "select md5(coalesce(string_agg(o::text, '|'), '')) from organizations o where id = $1",
    )
    .bind(org)
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    let people: String = sqlx::query_scalar(
        "select md5(coalesce(string_agg(u.id || u.email::text || m.name || coalesce(u.password_hash, ''), '|'
                                        order by u.id), ''))
         from users u join memberships m on m.user_id = u.id where m.org_id = $1",
    )
    .bind(org)
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    parts.push(format!("organizations:{own}"));
    parts.push(format!("people:{people}"));
    parts.join("\n")
}

async fn org_id(conn: &mut PgConnection, slug: &str) -> Uuid {
    sqlx::query_scalar("select id from organizations where slug = $1")
        .bind(slug)
        .fetch_one(conn)
        .await
        .unwrap()
}

pub(crate) async fn demo_session(app: &TestApp) -> Session {
    let body =
        app.gql(None, "mutation { startDemoSession { token viewer { id name role } } }", json!({})).await;
    let data = &body["data"]["startDemoSession"];
    assert_eq!(data["viewer"]["role"], "ADMIN", "{body}");
    Session {
        token: data["token"].as_str().unwrap().to_owned(),
        user_id: data["viewer"]["id"].as_str().unwrap().to_owned(),
    }
}

async fn first_open_ticket(app: &TestApp, session: &Session) -> Value {
    let body = app
        .gql(
            Some(&session.token),
            "{ tickets(first: 1, filter: { status: [OPEN] }, orderBy: { field: CREATED, direction: ASC }) {
                edges { node { id number priority } } } }",
            json!({}),
        )
        .await;
    body["data"]["tickets"]["edges"][0]["node"].clone()
}

#[tokio::test]
async fn the_reset_restores_the_exact_pristine_state_and_touches_no_other_tenant() {
    let app = TestApp::spawn().await;
    let db = Db::connect(&app.db.worker_url.clone().into(), 4).await.unwrap();
    let mut admin = app.db.admin_conn().await;
    let acme = app.sign_up("acme").await;
    app.create_ticket(&acme, json!({ "kind": "INCIDENT", "subject": "Acme's own ticket" })).await;
    let acme_id = org_id(&mut admin, "acme").await;

    let report = demo::reset(&db, demo::fixed_anchor(), When::Always).await.unwrap();
    assert!(report.replaced);
    assert_eq!(report.tickets, demo::dataset::TICKETS);
    let pristine = checksum(&mut admin, demo::ORG_ID).await;
    let acme_before = checksum(&mut admin, acme_id).await;

    // A visitor changes a bit of everything, including pulling a real person into the demo.
    let visitor = demo_session(&app).await;
    let ticket = first_open_ticket(&app, &visitor).await;
    let updated = app
        .gql(
            Some(&visitor.token),
            "mutation($id: ID!) { updateTicket(input: { id: $id, status: PENDING, priority: P1, tags: [\"visited\"] }) { ticket { status } } }",
            json!({ "id": ticket["id"] }),
        )
        .await;
    assert_eq!(updated["data"]["updateTicket"]["ticket"]["status"], "PENDING", "{updated}");
    let replied = app
        .gql(
            Some(&visitor.token),
            "mutation($id: ID!) { addTicketMessage(input: { ticketId: $id, body: \"On it\", internal: false }) { message { id } } }",
            json!({ "id": ticket["id"] }),
        )
        .await;
    assert!(replied["data"]["addTicketMessage"].is_object(), "{replied}");
    app.create_ticket(
        &visitor,
        json!({ "kind": "INCIDENT", "subject": "A visitor's ticket", "requesterEmail": "new.person@northwind.invalid" }),
    )
    .await;
    // Real addresses are refused: the demo never looks a real person up.
    let refused = app
        .gql(
            Some(&visitor.token),
            "mutation { createTicket(input: { kind: INCIDENT, subject: \"x\", requesterEmail: \"owner@acme.test\" }) { ticket { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&refused), Some("BAD_USER_INPUT"), "{refused}");
    let invited = app
        .gql(
            Some(&visitor.token),
            "mutation { inviteMember(input: { email: \"someone@northwind.invalid\", name: \"Some One\", role: AGENT }) { invitation { id } } }",
            json!({}),
        )
        .await;
    assert!(invited["data"]["inviteMember"].is_object(), "{invited}");
    // Nobody real can be put in the demo, not even by hand: the database keeps them apart.
    let err = sqlx::query(
        "insert into memberships (org_id, user_id, role, name) select $1, user_id, 'requester', name
         from memberships where org_id = $2 and role = 'owner'",
    )
    .bind(demo::ORG_ID)
    .bind(acme_id)
    .execute(&mut admin)
    .await
    .unwrap_err();
    assert!(err.to_string().contains("belong to the demo alone"), "{err}");
    assert_ne!(checksum(&mut admin, demo::ORG_ID).await, pristine, "the visit changed the demo");

    let report = demo::reset(&db, demo::fixed_anchor(), When::Always).await.unwrap();
    assert!(report.replaced);
    assert_eq!(checksum(&mut admin, demo::ORG_ID).await, pristine, "the reset restores the pristine dataset");
    assert_eq!(checksum(&mut admin, acme_id).await, acme_before, "the other tenant is untouched");
    let visitor_person: i64 =
        sqlx::query_scalar("select count(*) from users where email in ('someone@northwind.invalid', 'new.person@northwind.invalid')")
            .fetch_one(&mut admin)
            .await
            .unwrap();
    assert_eq!(visitor_person, 0, "people who existed only in the demo go with it");
    let acme_owner = app.gql(Some(&acme.token), "{ viewer { email } }", json!({})).await;
    assert_eq!(acme_owner["data"]["viewer"]["email"], "owner@acme.test", "a real person stays");

    // Idempotent, and the visitor's session survives the reset.
    demo::reset(&db, demo::fixed_anchor(), When::Always).await.unwrap();
    assert_eq!(checksum(&mut admin, demo::ORG_ID).await, pristine);
    let after = app.gql(Some(&visitor.token), "{ viewer { name } organization { slug } }", json!({})).await;
    assert_eq!(after["data"]["viewer"]["name"], "Demo Admin", "{after}");
    assert_eq!(after["data"]["organization"]["slug"], "demo");
}

#[tokio::test]
async fn visitors_during_a_reset_see_the_old_or_the_new_dataset_never_an_error() {
    let app = Arc::new(TestApp::spawn().await);
    let db = Db::connect(&app.db.worker_url.clone().into(), 4).await.unwrap();
    demo::reset(&db, demo::fixed_anchor(), When::Always).await.unwrap();
    let visitor = demo_session(&app).await;
    let ticket = first_open_ticket(&app, &visitor).await;
    let pristine = ticket["priority"].as_str().unwrap().to_owned();
    let changed = if pristine == "P1" { "P4" } else { "P1" };
    app.gql(
        Some(&visitor.token),
        "mutation($id: ID!, $p: Priority!) { updateTicket(input: { id: $id, priority: $p }) { ticket { id } } }",
        json!({ "id": ticket["id"], "p": changed }),
    )
    .await;

    let resetting = Arc::new(AtomicBool::new(true));
    let mut readers = Vec::new();
    for _ in 0..3 {
        let (app, token, number, resetting) =
            (app.clone(), visitor.token.clone(), ticket["number"].clone(), resetting.clone());
        readers.push(tokio::spawn(async move {
            let mut seen = Vec::new();
            while resetting.load(Ordering::Relaxed) {
                let body = app
                    .gql(
                        Some(&token),
                        "query($n: String!) { ticket(number: $n) { priority }
                           tickets(first: 50, filter: { status: [NEW, OPEN, PENDING] }) { edges { node { id } } } }",
                        json!({ "n": number }),
                    )
                    .await;
                assert!(body.get("errors").is_none(), "a read during the reset failed: {body}");
                let rows = body["data"]["tickets"]["edges"].as_array().map_or(0, Vec::len);
                assert_eq!(rows, 50, "a full queue page, old or new: {body}");
                seen.push(body["data"]["ticket"]["priority"].as_str().unwrap().to_owned());
            }
            seen
        }));
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    for _ in 0..2 {
        demo::reset(&db, demo::fixed_anchor(), When::Always).await.unwrap();
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    resetting.store(false, Ordering::Relaxed);
    let mut reads = 0;
    for reader in readers {
        let seen = reader.await.unwrap();
        reads += seen.len();
        assert!(
            seen.iter().all(|p| p == changed || *p == pristine),
            "only the old or the new value: {seen:?}"
        );
        // Once a reader has seen the new dataset it never sees the old one again.
        let first_new = seen.iter().position(|p| *p == pristine).unwrap_or(seen.len());
        assert!(seen[first_new..].iter().all(|p| *p == pristine), "no going back: {seen:?}");
        assert_eq!(seen.last().map(String::as_str), Some(pristine.as_str()), "ends on the new dataset");
    }
    assert!(reads >= 6, "readers ran during the resets ({reads} reads)");
}

#[tokio::test]
async fn demo_mail_stays_in_the_in_app_outbox() {
    let harness = MailHarness::start().await;
    let db = Db::connect(&harness.app.db.worker_url.clone().into(), 4).await.unwrap();
    demo::reset(&db, chrono::Utc::now(), When::Always).await.unwrap();
    let visitor = demo_session(&harness.app).await;
    let ticket = first_open_ticket(&harness.app, &visitor).await;
    let replied = harness
        .app
        .gql(
            Some(&visitor.token),
            "mutation($id: ID!) { addTicketMessage(input: { ticketId: $id, body: \"Fixed, please check\", internal: false }) { message { id } } }",
            json!({ "id": ticket["id"] }),
        )
        .await;
    assert!(replied["data"]["addTicketMessage"].is_object(), "{replied}");
    harness.settle().await;
    assert!(harness.sent().is_empty(), "nothing reached the transport: {:?}", harness.sent());
    let outbox = harness
        .app
        .gql(
            Some(&visitor.token),
            "{ outboundMessages(first: 10) { edges { node { kind status lastError recipients } } } }",
            json!({}),
        )
        .await;
    let node = &outbox["data"]["outboundMessages"]["edges"][0]["node"];
    assert_eq!(node["kind"], "reply", "{outbox}");
    assert_eq!(node["lastError"], "demo outbox: not delivered", "{outbox}");
    assert!(node["recipients"][0].as_str().unwrap().ends_with(demo::EMAIL_DOMAIN));

    // The demo's intake address takes small messages only, and it gets no custom aliases.
    let big = crate::mail::message(
        "someone@example.com",
        "demo@inbound.localhost",
        "Huge",
        None,
        "",
        &format!("{}\r\n", "x".repeat(998)).repeat(ferrodesk_core::sandbox::MAX_UPLOAD_BYTES / 1000 + 10),
    );
    let refused = harness.send("someone@example.com", "demo@inbound.localhost", &big).await;
    let refused = refused.expect_err("a big message to the demo is refused");
    assert!(refused.to_string().contains("demo accepts messages up to"), "{refused}");
    let alias = harness
        .app
        .gql(
            Some(&visitor.token),
            "mutation { addMailAlias(address: \"support@visitor.example\") { id } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&alias), Some("FORBIDDEN"), "{alias}");
}

#[tokio::test]
async fn get_demo_signs_a_visitor_in_and_the_limits_hold() {
    let app = TestApp::spawn().await;
    let browser = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    // The first visitor finds no demo yet: it is generated on the spot.
    let response = browser.get(app.url("/demo")).send().await.unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/queue?view=all");
    let cookie = response.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.contains("HttpOnly") && !cookie.contains("Max-Age"), "a browser-session cookie: {cookie}");
    let cookie = cookie.split(';').next().unwrap().to_owned();
    let token = cookie.split_once('=').unwrap().1.to_owned();
    let body: Value = browser
        .post(app.url("/graphql"))
        .header("cookie", &cookie)
        .json(&json!({ "query": "{ viewer { name role } organization { isDemo demo { nextResetAt dataAsOf } }
                                   tickets(first: 50) { edges { node { number } } } }" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["data"]["viewer"]["role"], "ADMIN", "{body}");
    assert_eq!(body["data"]["organization"]["isDemo"], true);
    let next: chrono::DateTime<chrono::Utc> =
        body["data"]["organization"]["demo"]["nextResetAt"].as_str().unwrap().parse().unwrap();
    let now = chrono::Utc::now();
    assert!(next > now && next <= now + chrono::Duration::days(1), "the next reset is within a day: {next}");
    assert_eq!(body["data"]["tickets"]["edges"].as_array().unwrap().len(), 50);

    // The session is short-lived in Redis.
    let mut redis = redis::Client::open(ferrodesk_testkit::redis_url())
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap();
    let key =
        format!("{}session:{}", app.redis_prefix, hex::encode(ferrodesk_core::auth::token_hash(&token)));
    let ttl: i64 = redis::cmd("TTL").arg(&key).query_async(&mut redis).await.unwrap();
    assert!(
        ttl > 0 && ttl as u64 <= ferrodesk_core::sandbox::SESSION_LIFETIME.idle_secs,
        "demo sessions expire: ttl {ttl}"
    );

    // Writes per session per hour are capped; reads go on.
    let write = json!({ "query": "mutation { markNotificationsRead(ids: []) }" });
    let mut status = 200;
    for _ in 0..=ferrodesk_core::sandbox::WRITES_PER_HOUR.max {
        let response =
            browser.post(app.url("/graphql")).header("cookie", &cookie).json(&write).send().await.unwrap();
        status = response.status().as_u16();
        if status != 200 {
            let body: Value = response.json().await.unwrap();
            assert_eq!(error_code(&body), Some("RATE_LIMITED"), "{body}");
            break;
        }
    }
    assert_eq!(status, 429, "the write cap stops a demo session");
    let read: Value = browser
        .post(app.url("/graphql"))
        .header("cookie", &cookie)
        .json(&json!({ "query": "{ viewer { name } }" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(read["data"]["viewer"]["name"], "Demo Admin", "{read}");

    // Sessions per address per hour are capped too.
    let mut last = 303;
    for _ in 0..demo::SESSIONS_PER_IP.max {
        last = browser.get(app.url("/demo")).send().await.unwrap().status().as_u16();
    }
    assert_eq!(last, 429, "too many demo sessions from one address");

    // Nobody can sign up with the demo's addresses.
    let body = app
        .gql(
            None,
            "mutation($input: SignUpInput!) { signUp(input: $input) { token } }",
            json!({ "input": { "organizationName": "Sneaky", "slug": "sneaky", "name": "Sneaky",
                               "email": format!("demo.admin@{}", demo::EMAIL_DOMAIN), "password": "correct horse battery" } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
}

#[tokio::test]
async fn without_demo_on_there_is_no_demo() {
    let app = TestApp::spawn_with(|c| c.demo.enabled = false).await;
    let browser = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    assert_eq!(browser.get(app.url("/demo")).send().await.unwrap().status(), 404);
    let body = app.gql(None, "mutation { startDemoSession { token } }", json!({})).await;
    assert_eq!(error_code(&body), Some("NOT_FOUND"), "{body}");
}

#[tokio::test]
async fn the_nightly_schedule_resets_once_however_many_workers_race() {
    let app = TestApp::spawn().await;
    let db = Db::connect(&app.db.worker_url.clone().into(), 8).await.unwrap();
    let now = chrono::Utc::now();
    let minute = 3 * 60;
    // Missing: created. Due: replaced once by four workers at once. Fresh: left alone.
    let first = demo::reset_if_due(&db, now, minute).await.unwrap();
    assert!(first.replaced, "a missing demo is created");
    let later = demo::next_reset(now, minute) + chrono::Duration::seconds(5);
    let racers: Vec<_> = (0..4)
        .map(|_| {
            tokio::spawn({
                let db = db.clone();
                async move { demo::reset_if_due(&db, later, minute).await }
            })
        })
        .collect();
    let mut replaced = 0;
    for racer in racers {
        replaced += usize::from(racer.await.unwrap().unwrap().replaced);
    }
    assert_eq!(replaced, 1, "exactly one worker resets at the scheduled instant");
    assert!(!demo::reset_if_due(&db, later + chrono::Duration::hours(1), minute).await.unwrap().replaced);
}
