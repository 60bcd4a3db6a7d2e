use chrono::{Duration, Utc};
use ferrodesk_testkit::{Session, TestApp, error_code, error_field};
use serde_json::{Value, json};
use sqlx::PgConnection;

const REPORT: &str = "query($month: String!) { slaReport(month: $month) { month timeZone
    overall { ...row } byPriority { ...row } byCategory { ...row } byAgent { ...row } csv } }
    fragment row on SlaReportRow { key label tickets resolved responseCompliancePercent
    resolutionCompliancePercent mttrMinutes medianFirstResponseMinutes }";

const HEADER: &str = "group,key,label,tickets,resolved,response_compliance_percent,\
                      resolution_compliance_percent,mttr_minutes,median_first_response_minutes";

/// How a ticket looked over its life, written straight into its row so the figures are exact.
struct Shape {
    created_at: &'static str,
    first_response_after: Option<i32>,
    resolved_after: Option<i32>,
    response_breached: bool,
    resolution_breached: bool,
    category: Option<&'static str>,
    assignee: Option<&'static str>,
}

async fn shape(admin: &mut PgConnection, slug: &str, number: i32, s: Shape) {
    let updated = sqlx::query(
        "update tickets t set created_at = $3::timestamptz,
             first_response_at = $3::timestamptz + make_interval(mins => $4),
             resolved_at = $3::timestamptz + make_interval(mins => $5),
             status = case when $5 is null then 'open' else 'resolved' end,
             response_breached = $6, resolution_breached = $7,
             category_id = (select c.id from categories c where c.org_id = t.org_id and c.name = $8),
             assignee_id = (select u.id from users u where u.email = $9)
         from organizations o
         where o.id = t.org_id and o.slug = $1 and t.kind = 'incident' and t.number = $2",
    )
    .bind(slug)
    .bind(number)
    .bind(s.created_at)
    .bind(s.first_response_after)
    .bind(s.resolved_after)
    .bind(s.response_breached)
    .bind(s.resolution_breached)
    .bind(s.category)
    .bind(s.assignee)
    .execute(&mut *admin)
    .await
    .unwrap()
    .rows_affected();
    assert_eq!(updated, 1, "{slug} INC-{number}");
}

async fn tickets(app: &TestApp, session: &Session, priorities: &[&str]) {
    for (i, priority) in priorities.iter().enumerate() {
        app.create_ticket(
            session,
            json!({ "kind": "INCIDENT", "subject": format!("Ticket {i}"), "priority": priority }),
        )
        .await;
    }
}

fn close(actual: &Value, expected: Option<f64>) -> bool {
    match expected {
        None => actual.is_null(),
        Some(e) => actual.as_f64().is_some_and(|a| (a - e).abs() < 1e-9),
    }
}

/// `(key or label, tickets, resolved, response %, resolution %, MTTR, median first response)`.
type Expected = (&'static str, i64, i64, Option<f64>, Option<f64>, Option<f64>, Option<f64>);

fn assert_row(row: &Value, (name, tickets, resolved, response, resolution, mttr, median): Expected) {
    assert!(row["key"] == name || row["label"] == name, "expected {name}: {row}");
    assert_eq!((row["tickets"].as_i64(), row["resolved"].as_i64()), (Some(tickets), Some(resolved)), "{row}");
    assert!(close(&row["responseCompliancePercent"], response), "response %: {row}");
    assert!(close(&row["resolutionCompliancePercent"], resolution), "resolution %: {row}");
    assert!(close(&row["mttrMinutes"], mttr), "MTTR: {row}");
    assert!(close(&row["medianFirstResponseMinutes"], median), "median first response: {row}");
}

fn assert_rows(rows: &Value, expected: &[Expected]) {
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), expected.len(), "{rows:?}");
    for (row, e) in rows.iter().zip(expected) {
        assert_row(row, *e);
    }
}

const TWO_THIRDS: f64 = 200.0 / 3.0;

#[tokio::test]
async fn the_monthly_report_groups_a_month_of_tickets_in_the_organisations_time_zone() {
    let app = TestApp::spawn().await;
    let owner = app.sign_up("acme").await;
    let jo = app.add_member(&owner, "jo@acme.test", "AGENT").await;
    app.add_member(&owner, "mallory@acme.test", "AGENT").await;
    let stakeholder = app.add_member(&owner, "sh@acme.test", "STAKEHOLDER").await;
    let globex = app.sign_up("globex").await;

    let mut admin = app.db.admin_conn().await;
    sqlx::raw_sql(
        "update organizations set time_zone = 'America/New_York' where slug = 'acme';
         update memberships set name = 'Smith, \"Jo\"' where email = 'jo@acme.test';
         update memberships set name = '=cmd|'' /C calc''!A0' where email = 'mallory@acme.test';",
    )
    .execute(&mut admin)
    .await
    .unwrap();

    tickets(&app, &owner, &["P1", "P1", "P2", "P3", "P2", "P4", "P1", "P1"]).await;
    let jo_email = Some("jo@acme.test");
    let mallory = Some("mallory@acme.test");
    let none = Shape {
        created_at: "",
        first_response_after: None,
        resolved_after: None,
        response_breached: false,
        resolution_breached: false,
        category: None,
        assignee: None,
    };
    // March 2026 in New York: EST (UTC-5) until the 8th, then EDT (UTC-4).
    let shapes = [
        // Met both: a subcategory, counted under its parent (Hardware).
        Shape {
            created_at: "2026-03-02T15:00:00Z",
            first_response_after: Some(30),
            resolved_after: Some(120),
            category: Some("Laptop"),
            assignee: jo_email,
            ..none
        },
        // Breached both, late on each.
        Shape {
            created_at: "2026-03-10T13:00:00Z",
            first_response_after: Some(90),
            resolved_after: Some(300),
            response_breached: true,
            resolution_breached: true,
            category: Some("Hardware"),
            assignee: jo_email,
        },
        // Responded in time, still open: no resolution verdict yet.
        Shape {
            created_at: "2026-03-15T12:00:00Z",
            first_response_after: Some(10),
            category: Some("VPN"),
            assignee: mallory,
            ..none
        },
        // Never answered and breached: counts against response, not yet for resolution.
        Shape { created_at: "2026-03-20T12:00:00Z", response_breached: true, ..none },
        // 23:30 on 31 March in New York, already April in UTC: March.
        Shape {
            created_at: "2026-04-01T03:30:00Z",
            first_response_after: Some(60),
            resolved_after: Some(240),
            category: Some("Software"),
            assignee: mallory,
            ..none
        },
        // Local midnight on 1 March (05:00 UTC): the first instant of the month.
        Shape {
            created_at: "2026-03-01T05:00:00Z",
            first_response_after: Some(20),
            resolved_after: Some(60),
            category: Some("Laptop"),
            assignee: jo_email,
            ..none
        },
        // 23:30 on 28 February in New York: not March.
        Shape {
            created_at: "2026-03-01T04:30:00Z",
            first_response_after: Some(5),
            resolved_after: Some(10),
            resolution_breached: true,
            category: Some("Hardware"),
            assignee: jo_email,
            ..none
        },
        // 00:30 on 1 April in New York: not March.
        Shape {
            created_at: "2026-04-01T04:30:00Z",
            first_response_after: Some(5),
            resolved_after: Some(10),
            response_breached: true,
            category: Some("Hardware"),
            assignee: jo_email,
            ..none
        },
    ];
    for (number, s) in (1..).zip(shapes) {
        shape(&mut admin, "acme", number, s).await;
    }

    // Another organisation's tickets in the same month, assigned and categorised like Acme's.
    tickets(&app, &globex, &["P1", "P1", "P3"]).await;
    for number in 1..=3 {
        let s = Shape {
            created_at: "2026-03-15T12:00:00Z",
            first_response_after: Some(1_000),
            resolved_after: Some(5_000),
            response_breached: true,
            category: Some("Hardware"),
            assignee: Some("owner@globex.test"),
            ..none
        };
        shape(&mut admin, "globex", number, s).await;
    }

    let body = app.gql(Some(&jo.token), REPORT, json!({ "month": "2026-03" })).await;
    let report = &body["data"]["slaReport"];
    assert_eq!(report["month"], "2026-03", "{body}");
    assert_eq!(report["timeZone"], "America/New_York");
    // Six tickets: 4 of 6 responses met (two breached), 3 of 4 resolutions met, MTTR
    // (120 + 300 + 240 + 60) / 4, median of first responses 10, 20, 30, 60, 90.
    assert_row(&report["overall"], ("overall", 6, 4, Some(TWO_THIRDS), Some(75.0), Some(180.0), Some(30.0)));
    assert_rows(
        &report["byPriority"],
        &[
            ("P1", 2, 2, Some(50.0), Some(50.0), Some(210.0), Some(60.0)),
            ("P2", 2, 1, Some(100.0), Some(100.0), Some(240.0), Some(35.0)),
            ("P3", 1, 0, Some(0.0), None, None, None),
            ("P4", 1, 1, Some(100.0), Some(100.0), Some(60.0), Some(20.0)),
        ],
    );
    assert_rows(
        &report["byCategory"],
        &[
            ("Hardware", 3, 3, Some(TWO_THIRDS), Some(TWO_THIRDS), Some(160.0), Some(30.0)),
            ("Network", 1, 0, Some(100.0), None, None, Some(10.0)),
            ("Software", 1, 1, Some(100.0), Some(100.0), Some(240.0), Some(60.0)),
            ("uncategorised", 1, 0, Some(0.0), None, None, None),
        ],
    );
    assert_eq!(report["byCategory"][3]["label"], "Uncategorised");
    assert_rows(
        &report["byAgent"],
        &[
            ("=cmd|' /C calc'!A0", 2, 1, Some(100.0), Some(100.0), Some(240.0), Some(35.0)),
            ("Smith, \"Jo\"", 3, 3, Some(TWO_THIRDS), Some(TWO_THIRDS), Some(160.0), Some(30.0)),
            ("unassigned", 1, 0, Some(0.0), None, None, None),
        ],
    );
    assert_eq!(report["byAgent"][2]["label"], "Unassigned");
    assert_eq!(report["byAgent"][1]["key"], jo.user_id, "agents are keyed by their global id");

    let key = |group: &str, i: usize| report[group][i]["key"].as_str().unwrap().to_owned();
    let expected_csv = [
        HEADER.to_owned(),
        "overall,overall,All tickets,6,4,66.7,75.0,180.0,30.0".into(),
        "priority,P1,P1 Critical,2,2,50.0,50.0,210.0,60.0".into(),
        "priority,P2,P2 High,2,1,100.0,100.0,240.0,35.0".into(),
        "priority,P3,P3 Medium,1,0,0.0,,,".into(),
        "priority,P4,P4 Low,1,1,100.0,100.0,60.0,20.0".into(),
        format!("category,{},Hardware,3,3,66.7,66.7,160.0,30.0", key("byCategory", 0)),
        format!("category,{},Network,1,0,100.0,,,10.0", key("byCategory", 1)),
        format!("category,{},Software,1,1,100.0,100.0,240.0,60.0", key("byCategory", 2)),
        "category,uncategorised,Uncategorised,1,0,0.0,,,".into(),
        format!("agent,{},'=cmd|' /C calc'!A0,2,1,100.0,100.0,240.0,35.0", key("byAgent", 0)),
        format!("agent,{},\"Smith, \"\"Jo\"\"\",3,3,66.7,66.7,160.0,30.0", key("byAgent", 1)),
        "agent,unassigned,Unassigned,1,0,0.0,,,".into(),
    ]
    .map(|line| line + "\r\n")
    .concat();
    assert_eq!(report["csv"], expected_csv);

    // Stakeholders read the same overview; the owner too.
    for session in [&stakeholder, &owner] {
        let again = app.gql(Some(&session.token), REPORT, json!({ "month": "2026-03" })).await;
        assert_eq!(again["data"]["slaReport"], *report, "{again}");
    }

    // Globex sees only its own three tickets, under its own zone (UTC by default).
    let body = app.gql(Some(&globex.token), REPORT, json!({ "month": "2026-03" })).await;
    let theirs = &body["data"]["slaReport"];
    assert_eq!(theirs["timeZone"], "UTC", "{body}");
    assert_row(&theirs["overall"], ("overall", 3, 3, Some(0.0), Some(100.0), Some(5_000.0), Some(1_000.0)));
    assert_rows(
        &theirs["byAgent"],
        &[("Owner of globex", 3, 3, Some(0.0), Some(100.0), Some(5_000.0), Some(1_000.0))],
    );
    assert_eq!(theirs["byCategory"].as_array().map(Vec::len), Some(1));

    // A month with no tickets has counts of zero and no figures, and still every priority.
    let body = app.gql(Some(&jo.token), REPORT, json!({ "month": "2025-12" })).await;
    let empty = &body["data"]["slaReport"];
    assert_row(&empty["overall"], ("overall", 0, 0, None, None, None, None));
    assert_eq!(empty["byPriority"].as_array().map(Vec::len), Some(4), "{body}");
    assert_eq!(empty["byCategory"], json!([]));
    assert_eq!(empty["csv"].as_str().unwrap().lines().count(), 6, "header, overall and P1–P4");
}

#[tokio::test]
async fn the_report_refuses_bad_months_and_requesters() {
    let app = TestApp::spawn().await;
    let owner = app.sign_up("acme").await;
    let requester = app.add_member(&owner, "req@acme.test", "REQUESTER").await;
    let mut admin = app.db.admin_conn().await;
    sqlx::query("update organizations set time_zone = 'Pacific/Auckland'").execute(&mut admin).await.unwrap();

    let next = (Utc::now() + Duration::days(62)).format("%Y-%m").to_string();
    for month in ["2026-13", "2026-3", "March 2026", "", next.as_str()] {
        let body = app.gql(Some(&owner.token), REPORT, json!({ "month": month })).await;
        assert_eq!(
            (error_code(&body), error_field(&body)),
            (Some("BAD_USER_INPUT"), Some("month")),
            "{month:?}: {body}"
        );
    }

    // The current month in the organisation's zone is allowed, even where UTC has not reached it.
    let here = Utc::now().with_timezone(&ferrodesk_sla::Tz::Pacific__Auckland).format("%Y-%m").to_string();
    let body = app.gql(Some(&owner.token), REPORT, json!({ "month": here })).await;
    assert_eq!(body["data"]["slaReport"]["month"], here, "{body}");

    let body = app.gql(Some(&requester.token), REPORT, json!({ "month": "2026-03" })).await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    let body = app.gql(None, REPORT, json!({ "month": "2026-03" })).await;
    assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "{body}");
}

#[tokio::test]
async fn open_volume_counts_exactly_beyond_a_page() {
    let app = TestApp::spawn().await;
    let owner = app.sign_up("volume").await;
    let stakeholder = app.add_member(&owner, "stake@volume.test", "STAKEHOLDER").await;
    let requester = app.add_member(&owner, "req@volume.test", "REQUESTER").await;
    for i in 0..101 {
        app.create_ticket(
            &owner,
            json!({ "kind": "INCIDENT", "subject": format!("Low {i}"), "priority": "P4" }),
        )
        .await;
    }
    let p1 =
        app.create_ticket(&owner, json!({ "kind": "INCIDENT", "subject": "Outage", "priority": "P1" })).await;
    let done =
        app.create_ticket(&owner, json!({ "kind": "INCIDENT", "subject": "Done", "priority": "P1" })).await;
    let closed = app
        .gql(
            Some(&owner.token),
            "mutation($id: ID!) { updateTicket(input: { id: $id, status: CLOSED }) { ticket { status } } }",
            json!({ "id": done["id"] }),
        )
        .await;
    assert_eq!(closed["data"]["updateTicket"]["ticket"]["status"], "CLOSED", "{closed}");
    let mut admin = app.db.admin_conn().await;
    sqlx::query(
        "update tickets set resolution_due_at = now() - interval '1 minute' where subject = 'Outage'",
    )
    .execute(&mut admin)
    .await
    .unwrap();
    assert!(p1["number"].is_string());

    let query = "{ openVolume { open p1 p2 p3 p4 breached } }";
    let body = app.gql(Some(&stakeholder.token), query, json!({})).await;
    assert_eq!(
        body["data"]["openVolume"],
        json!({ "open": 102, "p1": 1, "p2": 0, "p3": 0, "p4": 101, "breached": 1 }),
        "{body}"
    );
    let refused = app.gql(Some(&requester.token), query, json!({})).await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
}
