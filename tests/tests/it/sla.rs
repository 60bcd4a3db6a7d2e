use ferrodesk_testkit::{TestApp, error_code, error_field};
use serde_json::{Value, json};

const SETTINGS: &str =
    "{ businessCalendars { id name timeZone workingHours { day start end overnight } holidays }
    slaPolicies { departmentName priority calendarId firstResponseMinutes resolutionMinutes } }";
const SAVE: &str = "mutation($input: SaveBusinessCalendarInput!) { saveBusinessCalendar(input: $input) { calendar { id name timeZone workingHours { day start end overnight } holidays } } }";
const SET_POLICY: &str = "mutation($input: SetSlaPolicyInput!) { setSlaPolicy(input: $input) { policy { priority calendarId firstResponseMinutes resolutionMinutes } } }";

fn calendar_named<'a>(settings: &'a Value, name: &str) -> &'a Value {
    settings["data"]["businessCalendars"].as_array().unwrap().iter().find(|c| c["name"] == name).unwrap()
}

#[tokio::test]
async fn sign_up_seeds_calendars_and_targets_for_every_priority() {
    let app = TestApp::spawn().await;
    let body = app
        .gql(None, "mutation { signUp(input: { organizationName: \"Acme\", slug: \"acme\", name: \"Ada\", email: \"ada@acme.test\", password: \"correct horse battery\", timeZone: \"Europe/London\" }) { token } }", json!({}))
        .await;
    let token = body["data"]["signUp"]["token"].as_str().unwrap().to_owned();
    let settings = app.gql(Some(&token), SETTINGS, json!({})).await;
    let office = calendar_named(&settings, "Office hours");
    assert_eq!(office["timeZone"], "Europe/London");
    assert_eq!(office["workingHours"].as_array().unwrap().len(), 5);
    assert_eq!(
        office["workingHours"][0],
        json!({ "day": "MON", "start": "09:00", "end": "17:00", "overnight": false })
    );
    let always = calendar_named(&settings, "24×7");
    assert_eq!(always["workingHours"].as_array().unwrap().len(), 7);
    let policies = settings["data"]["slaPolicies"].as_array().unwrap();
    let summary: Vec<(String, i64, i64, bool)> = policies
        .iter()
        .map(|p| {
            (
                p["priority"].as_str().unwrap().to_owned(),
                p["firstResponseMinutes"].as_i64().unwrap(),
                p["resolutionMinutes"].as_i64().unwrap(),
                p["calendarId"] == always["id"],
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("P1".into(), 60, 240, true),
            ("P2".into(), 120, 480, false),
            ("P3".into(), 240, 960, false),
            ("P4".into(), 480, 2400, false)
        ]
    );
    assert!(policies.iter().all(|p| p["departmentName"] == "IT"));
}

#[tokio::test]
async fn admins_save_calendars_and_policies_with_clear_errors() {
    let app = TestApp::spawn().await;
    let owner = app.sign_up("acme").await;
    let hours = |day: &str, start: &str, end: &str, overnight: bool| json!({ "day": day, "start": start, "end": end, "overnight": overnight });
    let night_shift = json!({ "input": { "name": "Night desk", "timeZone": "America/New_York",
        "workingHours": [hours("FRI", "22:00", "06:00", true), hours("SAT", "08:00", "12:00", false)],
        "holidays": ["2026-12-25"] } });
    let body = app.gql(Some(&owner.token), SAVE, night_shift).await;
    let calendar = body["data"]["saveBusinessCalendar"]["calendar"].clone();
    assert_eq!(calendar["workingHours"][0], hours("FRI", "22:00", "06:00", true), "{body}");
    assert_eq!(calendar["holidays"], json!(["2026-12-25"]));

    for (input, field) in [
        (
            json!({ "name": "x", "timeZone": "Mars/Olympus", "workingHours": [hours("MON", "09:00", "17:00", false)] }),
            "timeZone",
        ),
        (json!({ "name": "x", "timeZone": "UTC", "workingHours": [] }), "workingHours"),
        (
            json!({ "name": "x", "timeZone": "UTC", "workingHours": [hours("MON", "17:00", "09:00", false)] }),
            "workingHours",
        ),
        (
            json!({ "name": "x", "timeZone": "UTC", "workingHours": [hours("MON", "09:00", "13:00", false), hours("MON", "12:00", "17:00", false)] }),
            "workingHours",
        ),
        (
            json!({ "name": "x", "timeZone": "UTC", "workingHours": [hours("MON", "9am", "17:00", false)] }),
            "workingHours",
        ),
        (
            json!({ "name": " ", "timeZone": "UTC", "workingHours": [hours("MON", "09:00", "17:00", false)] }),
            "name",
        ),
    ] {
        let body = app.gql(Some(&owner.token), SAVE, json!({ "input": input })).await;
        assert_eq!((error_code(&body), error_field(&body)), (Some("BAD_USER_INPUT"), Some(field)), "{body}");
    }
    let body = app.gql(Some(&owner.token), SAVE, json!({ "input": { "name": "Night desk", "timeZone": "UTC", "workingHours": [hours("MON", "09:00", "17:00", false)] } })).await;
    assert_eq!((error_code(&body), error_field(&body)), (Some("CONFLICT"), Some("name")), "{body}");

    // Point P2 at the night desk, then that calendar cannot be deleted.
    let body = app.gql(Some(&owner.token), "{ organization { departments { id } } }", json!({})).await;
    let it = body["data"]["organization"]["departments"][0]["id"].clone();
    let body = app
        .gql(Some(&owner.token), SET_POLICY, json!({ "input": { "departmentId": it, "priority": "P2", "calendarId": calendar["id"], "firstResponseMinutes": 30, "resolutionMinutes": 240 } }))
        .await;
    assert_eq!(
        body["data"]["setSlaPolicy"]["policy"],
        json!({ "priority": "P2", "calendarId": calendar["id"], "firstResponseMinutes": 30, "resolutionMinutes": 240 }),
        "{body}"
    );
    let body = app
        .gql(Some(&owner.token), SET_POLICY, json!({ "input": { "departmentId": it, "priority": "P2", "calendarId": calendar["id"], "firstResponseMinutes": 300, "resolutionMinutes": 240 } }))
        .await;
    assert_eq!(
        (error_code(&body), error_field(&body)),
        (Some("BAD_USER_INPUT"), Some("firstResponseMinutes"))
    );
    let delete = "mutation($id: ID!) { deleteBusinessCalendar(id: $id) }";
    let body = app.gql(Some(&owner.token), delete, json!({ "id": calendar["id"] })).await;
    assert_eq!(error_code(&body), Some("CONFLICT"), "{body}");
    let settings = app.gql(Some(&owner.token), SETTINGS, json!({})).await;
    let office = calendar_named(&settings, "Office hours")["id"].clone();
    app.gql(Some(&owner.token), SET_POLICY, json!({ "input": { "departmentId": it, "priority": "P2", "calendarId": office, "firstResponseMinutes": 120, "resolutionMinutes": 480 } })).await;
    let body = app.gql(Some(&owner.token), delete, json!({ "id": calendar["id"] })).await;
    assert_eq!(body["data"]["deleteBusinessCalendar"], true, "{body}");

    // Every settings change is in the audit trail.
    let mut admin = app.db.admin_conn().await;
    let actions: Vec<String> =
        sqlx::query_scalar("select action from events where action like 'sla.%' order by created_at, id")
            .fetch_all(&mut admin)
            .await
            .unwrap();
    assert_eq!(actions, ["sla.calendar_created", "sla.policy_set", "sla.policy_set", "sla.calendar_deleted"]);
}

#[tokio::test]
async fn sla_settings_are_for_admins_and_stay_in_their_tenant() {
    let app = TestApp::spawn().await;
    let acme = app.sign_up("acme").await;
    let globex = app.sign_up("globex").await;
    let agent = app.add_member(&acme, "agent@acme.test", "AGENT").await;
    let requester = app.add_member(&acme, "req@acme.test", "REQUESTER").await;
    let input = json!({ "input": { "name": "x", "timeZone": "UTC", "workingHours": [{ "day": "MON", "start": "09:00", "end": "17:00" }] } });
    let body = app.gql(Some(&agent.token), SAVE, input.clone()).await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"));
    let body = app.gql(Some(&agent.token), SETTINGS, json!({})).await;
    assert!(
        body["data"]["slaPolicies"].as_array().is_some_and(|p| p.len() == 4),
        "agents read the targets: {body}"
    );
    let body = app.gql(Some(&requester.token), SETTINGS, json!({})).await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"));

    let globex_settings = app.gql(Some(&globex.token), SETTINGS, json!({})).await;
    let globex_calendar = calendar_named(&globex_settings, "Office hours")["id"].clone();
    let mut replace = input.clone();
    replace["input"]["id"] = globex_calendar.clone();
    let body = app.gql(Some(&acme.token), SAVE, replace).await;
    assert_eq!(error_code(&body), Some("NOT_FOUND"), "{body}");
    let body = app
        .gql(
            Some(&acme.token),
            "mutation($id: ID!) { deleteBusinessCalendar(id: $id) }",
            json!({ "id": globex_calendar }),
        )
        .await;
    assert_eq!(error_code(&body), Some("NOT_FOUND"));
    let body = app.gql(Some(&acme.token), "{ organization { departments { id } } }", json!({})).await;
    let acme_it = body["data"]["organization"]["departments"][0]["id"].clone();
    let body = app
        .gql(Some(&acme.token), SET_POLICY, json!({ "input": { "departmentId": acme_it, "priority": "P1", "calendarId": globex_calendar, "resolutionMinutes": 60 } }))
        .await;
    assert_eq!(error_code(&body), Some("NOT_FOUND"), "another tenant's calendar: {body}");
    let after = app.gql(Some(&globex.token), SETTINGS, json!({})).await;
    assert_eq!(after, globex_settings, "Globex's settings are untouched");
}

const TICKET_SLA: &str = "query($n: String!) { ticket(number: $n) { id createdAt status sla {
    responseDueAt resolutionDueAt responseBreached resolutionBreached resolutionAtRiskAt paused
    explanation { label response { targetMinutes metAt dueAt } resolution { targetMinutes usedMinutes dueAt }
                  pausedSince pauseReason timeline { kind detail } } } } }";

fn at(v: &Value) -> chrono::DateTime<chrono::Utc> {
    v.as_str().unwrap_or_else(|| panic!("not a timestamp: {v}")).parse().unwrap()
}

fn close(a: chrono::DateTime<chrono::Utc>, b: chrono::DateTime<chrono::Utc>, seconds: i64) -> bool {
    (a - b).num_seconds().abs() <= seconds
}

#[tokio::test]
async fn the_clock_follows_the_ticket_and_explains_itself() {
    let app = TestApp::spawn().await;
    let owner = app.sign_up("acme").await;
    let t = app
        .create_ticket(&owner, json!({ "kind": "INCIDENT", "subject": "Payroll down", "priority": "P1" }))
        .await;
    let read = || app.gql(Some(&owner.token), TICKET_SLA, json!({ "n": "INC-0001" }));
    let body = read().await;
    let ticket = &body["data"]["ticket"];
    let created = at(&ticket["createdAt"]);
    let sla = &ticket["sla"];
    // P1 runs on the 24x7 calendar: 1 h to respond, 4 h to resolve.
    assert!(close(at(&sla["responseDueAt"]), created + chrono::Duration::hours(1), 2), "{body}");
    assert!(close(at(&sla["resolutionDueAt"]), created + chrono::Duration::hours(4), 2));
    assert!(close(at(&sla["resolutionAtRiskAt"]), created + chrono::Duration::minutes(192), 2), "80% of 4 h");
    assert_eq!(sla["explanation"]["label"], "P1");
    assert_eq!(sla["explanation"]["timeline"][0]["kind"], "STARTED");

    let update = "mutation($input: UpdateTicketInput!) { updateTicket(input: $input) { ticket { id } } }";
    app.gql(Some(&owner.token), update, json!({ "input": { "id": t["id"], "status": "PENDING" } })).await;
    let body = read().await;
    let sla = &body["data"]["ticket"]["sla"];
    assert_eq!(sla["paused"], true, "{body}");
    assert!(sla["resolutionDueAt"].is_null() && sla["responseDueAt"].is_null(), "no due time while paused");
    assert_eq!(sla["explanation"]["pauseReason"], "waiting on requester");

    app.gql(Some(&owner.token), update, json!({ "input": { "id": t["id"], "status": "OPEN" } })).await;
    let reply =
        "mutation($input: AddTicketMessageInput!) { addTicketMessage(input: $input) { message { id } } }";
    app.gql(
        Some(&owner.token),
        reply,
        json!({ "input": { "ticketId": t["id"], "body": "On it", "internal": false } }),
    )
    .await;
    let body = read().await;
    let sla = &body["data"]["ticket"]["sla"];
    assert_eq!(sla["paused"], false);
    assert!(sla["responseDueAt"].is_null(), "the first public reply met the response target: {body}");
    assert!(sla["explanation"]["response"]["metAt"].is_string());
    assert_eq!(sla["responseBreached"], false);
    let kinds: Vec<&str> = sla["explanation"]["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(&kinds[..4], ["STARTED", "PAUSED", "RESUMED", "RESPONSE_MET"], "{kinds:?}");

    // Down to P4 (office hours, 40 business hours): the time used so far is kept.
    app.gql(Some(&owner.token), update, json!({ "input": { "id": t["id"], "priority": "P4" } })).await;
    let body = read().await;
    let sla = &body["data"]["ticket"]["sla"];
    assert_eq!(sla["explanation"]["label"], "P4", "{body}");
    let used = chrono::Duration::minutes(sla["explanation"]["resolution"]["usedMinutes"].as_i64().unwrap());
    let office = ferrodesk_sla::BusinessCalendar::office_hours(ferrodesk_sla::Tz::UTC);
    let expected = office.add(chrono::Utc::now(), chrono::Duration::hours(40) - used).unwrap();
    assert!(close(at(&sla["resolutionDueAt"]), expected, 120), "{} vs {expected}", sla["resolutionDueAt"]);

    // Resolving stops the clock; reopening starts it again.
    app.gql(Some(&owner.token), update, json!({ "input": { "id": t["id"], "status": "RESOLVED" } })).await;
    assert!(read().await["data"]["ticket"]["sla"]["resolutionDueAt"].is_null());
    app.gql(Some(&owner.token), update, json!({ "input": { "id": t["id"], "status": "OPEN" } })).await;
    assert!(read().await["data"]["ticket"]["sla"]["resolutionDueAt"].is_string());
}

/// The gateway keeps each department's SLA setup between requests; every change to a policy or
/// calendar must reach the next ticket created.
#[tokio::test]
async fn a_new_ticket_follows_the_settings_in_force_when_it_is_created() {
    let app = TestApp::spawn().await;
    let owner = app.sign_up("acme").await;
    // A ticket's creation time and its two due instants.
    let clocks = |number: &'static str| {
        let app = &app;
        let token = owner.token.clone();
        async move {
            let body = app.gql(Some(&token), TICKET_SLA, json!({ "n": number })).await;
            let ticket = &body["data"]["ticket"];
            (
                at(&ticket["createdAt"]),
                at(&ticket["sla"]["responseDueAt"]),
                at(&ticket["sla"]["resolutionDueAt"]),
            )
        }
    };
    let p1 = json!({ "kind": "INCIDENT", "subject": "Payroll down", "priority": "P1" });
    app.create_ticket(&owner, p1.clone()).await;
    let (created, response, resolution) = clocks("INC-0001").await;
    assert!(
        close(response, created + chrono::Duration::hours(1), 2)
            && close(resolution, created + chrono::Duration::hours(4), 2)
    );

    let settings = app.gql(Some(&owner.token), SETTINGS, json!({})).await;
    let always = calendar_named(&settings, "24×7").clone();
    let body = app.gql(Some(&owner.token), "{ organization { departments { id } } }", json!({})).await;
    let it = body["data"]["organization"]["departments"][0]["id"].clone();
    let body = app
        .gql(Some(&owner.token), SET_POLICY, json!({ "input": { "departmentId": it, "priority": "P1", "calendarId": always["id"], "firstResponseMinutes": 30, "resolutionMinutes": 120 } }))
        .await;
    assert!(body["data"]["setSlaPolicy"]["policy"].is_object(), "{body}");
    app.create_ticket(&owner, p1.clone()).await;
    let (created, response, resolution) = clocks("INC-0002").await;
    assert!(close(response, created + chrono::Duration::minutes(30), 2), "the new policy: {response}");
    assert!(close(resolution, created + chrono::Duration::minutes(120), 2));

    // Three holidays from today (UTC) on the 24×7 calendar: nothing falls due for a day at least.
    let today = chrono::Utc::now().date_naive();
    let holidays: Vec<String> = (0..3).map(|d| (today + chrono::Duration::days(d)).to_string()).collect();
    let mut replaced = always.clone();
    replaced["holidays"] = json!(holidays);
    let body = app.gql(Some(&owner.token), SAVE, json!({ "input": replaced })).await;
    assert!(body["data"]["saveBusinessCalendar"]["calendar"].is_object(), "{body}");
    app.create_ticket(&owner, p1).await;
    let (created, response, _) = clocks("INC-0003").await;
    assert!(response - created > chrono::Duration::hours(24), "the calendar's new holidays: {response}");
}

#[tokio::test]
async fn a_policy_change_recomputes_open_tickets_through_the_worker() {
    let app = TestApp::spawn().await;
    let owner = app.sign_up("acme").await;
    app.create_ticket(&owner, json!({ "kind": "INCIDENT", "subject": "Server room hot", "priority": "P1" }))
        .await;
    let settings = app.gql(Some(&owner.token), SETTINGS, json!({})).await;
    let always = calendar_named(&settings, "24×7")["id"].clone();
    let body = app.gql(Some(&owner.token), "{ organization { departments { id } } }", json!({})).await;
    let it = body["data"]["organization"]["departments"][0]["id"].clone();
    for _ in 0..2 {
        app.gql(Some(&owner.token), SET_POLICY, json!({ "input": { "departmentId": it, "priority": "P1", "calendarId": always, "firstResponseMinutes": 5, "resolutionMinutes": 10 } })).await;
    }
    let mut admin = app.db.admin_conn().await;
    let jobs: i64 = sqlx::query_scalar("select count(*) from jobs where kind = 'sla.recompute'")
        .fetch_one(&mut admin)
        .await
        .unwrap();
    assert_eq!(jobs, 1, "two changes, one recompute");

    let db = ferrodesk_db::Db::from_pool(sqlx::PgPool::connect(&app.db.worker_url).await.unwrap());
    assert_eq!(
        ferrodesk_worker::runner(
            db.clone(),
            2,
            std::sync::Arc::new(
                ferrodesk_worker::mail_service(
                    db,
                    &ferrodesk_config::MailConfig::default(),
                    &ferrodesk_config::SecurityConfig::development(),
                    None,
                )
                .unwrap()
            )
        )
        .run_once()
        .await
        .unwrap(),
        2,
        "the recompute, and the sign-up's confirmation mail (its link used already: nothing goes)"
    );
    let body = app
        .gql(
            Some(&owner.token),
            "{ ticket(number: \"INC-0001\") { createdAt sla { resolutionDueAt responseDueAt } } }",
            json!({}),
        )
        .await;
    let ticket = &body["data"]["ticket"];
    let created = at(&ticket["createdAt"]);
    assert!(
        close(at(&ticket["sla"]["resolutionDueAt"]), created + chrono::Duration::minutes(10), 2),
        "{body}"
    );
    assert!(close(at(&ticket["sla"]["responseDueAt"]), created + chrono::Duration::minutes(5), 2));
    let left: i64 = sqlx::query_scalar("select count(*) from jobs").fetch_one(&mut admin).await.unwrap();
    assert_eq!(left, 0);
}

#[tokio::test]
async fn the_sweep_escalates_once_across_workers_and_notifies_the_right_people() {
    let app = TestApp::spawn().await;
    let owner = app.sign_up("acme").await;
    let agent = app.add_member(&owner, "agent@acme.test", "AGENT").await;
    let globex = app.sign_up("globex").await;
    app.create_ticket(
        &owner,
        json!({ "kind": "INCIDENT", "subject": "Assigned", "priority": "P1", "assigneeId": agent.user_id }),
    )
    .await;
    app.create_ticket(&owner, json!({ "kind": "INCIDENT", "subject": "Unassigned", "priority": "P1" })).await;
    app.create_ticket(&globex, json!({ "kind": "INCIDENT", "subject": "Globex", "priority": "P1" })).await;
    let mut admin = app.db.admin_conn().await;
    // Time passes: INC-0001's response is at risk and then overdue; INC-0002's resolution at risk.
    sqlx::query(
        "update tickets t set response_at_risk_at = now() - interval '2 minutes', response_due_at = now() - interval '1 minute'
         from organizations o where o.id = t.org_id and o.slug = 'acme' and t.number = 1",
    )
    .execute(&mut admin)
    .await
    .unwrap();
    sqlx::query(
        "update tickets t set resolution_at_risk_at = now() - interval '1 minute'
         from organizations o where o.id = t.org_id and o.slug = 'acme' and t.number = 2",
    )
    .execute(&mut admin)
    .await
    .unwrap();

    let db = ferrodesk_db::Db::from_pool(sqlx::PgPool::connect(&app.db.worker_url).await.unwrap());
    let now = chrono::Utc::now();
    let (a, b) =
        tokio::join!(ferrodesk_db::sla::sweep(&db, now, 1000), ferrodesk_db::sla::sweep(&db, now, 1000));
    assert_eq!(a.unwrap() + b.unwrap(), 3, "three escalations, raised once between two workers");
    assert_eq!(ferrodesk_db::sla::sweep(&db, chrono::Utc::now(), 1000).await.unwrap(), 0, "and never again");

    let body = app
        .gql(
            Some(&owner.token),
            "{ ticket(number: \"INC-0001\") { sla { responseBreached resolutionBreached } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        body["data"]["ticket"]["sla"],
        json!({ "responseBreached": true, "resolutionBreached": false })
    );
    let list = "{ unreadNotificationCount notifications { edges { node { kind title ticketNumber } } } }";
    let mine = |token: String| {
        let app = &app;
        async move {
            let body = app.gql(Some(&token), list, json!({})).await;
            let mut titles: Vec<String> = body["data"]["notifications"]["edges"]
                .as_array()
                .unwrap_or_else(|| panic!("{body}"))
                .iter()
                .map(|e| e["node"]["title"].as_str().unwrap().to_owned())
                .collect();
            titles.sort();
            titles
        }
    };
    assert_eq!(
        mine(agent.token.clone()).await,
        ["INC-0001: first response due soon", "INC-0001: first response overdue"]
    );
    assert_eq!(
        mine(owner.token.clone()).await,
        ["INC-0001: first response overdue", "INC-0002: resolution due soon"],
        "admins hear of breaches and of unassigned tickets"
    );
    assert!(mine(globex.token.clone()).await.is_empty(), "another tenant hears nothing");

    let body = app.gql(Some(&agent.token), "mutation { markNotificationsRead(ids: []) }", json!({})).await;
    assert_eq!(body["data"]["markNotificationsRead"], 2);
    let body = app.gql(Some(&agent.token), "{ unreadNotificationCount }", json!({})).await;
    assert_eq!(body["data"]["unreadNotificationCount"], 0);
    let body = app.gql(Some(&owner.token), "{ unreadNotificationCount }", json!({})).await;
    assert_eq!(body["data"]["unreadNotificationCount"], 2, "marking read is per person");
    let body = app
        .gql(
            Some(&owner.token),
            "{ tickets(filter: { slaBreached: true }) { edges { node { number } } } }",
            json!({}),
        )
        .await;
    assert_eq!(body["data"]["tickets"]["edges"], json!([{ "node": { "number": "INC-0001" } }]));
}

#[tokio::test]
async fn the_queue_sorts_by_what_falls_due_first() {
    let app = TestApp::spawn().await;
    let owner = app.sign_up("acme").await;
    for priority in ["P4", "P1", "P2"] {
        app.create_ticket(
            &owner,
            json!({ "kind": "INCIDENT", "subject": format!("{priority} work"), "priority": priority }),
        )
        .await;
    }
    let paused = app
        .create_ticket(&owner, json!({ "kind": "INCIDENT", "subject": "Waiting", "priority": "P1" }))
        .await;
    app.gql(
        Some(&owner.token),
        "mutation($input: UpdateTicketInput!) { updateTicket(input: $input) { ticket { id } } }",
        json!({ "input": { "id": paused["id"], "status": "PENDING" } }),
    )
    .await;
    let query = "query($after: String) { tickets(first: 2, after: $after, orderBy: { field: SLA_DUE, direction: ASC }) {
        edges { node { subject } } pageInfo { hasNextPage endCursor } } }";
    let mut subjects = Vec::new();
    let mut after = Value::Null;
    loop {
        let body = app.gql(Some(&owner.token), query, json!({ "after": after })).await;
        let page = &body["data"]["tickets"];
        subjects.extend(
            page["edges"]
                .as_array()
                .unwrap_or_else(|| panic!("{body}"))
                .iter()
                .map(|e| e["node"]["subject"].as_str().unwrap().to_owned()),
        );
        if page["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(
        subjects,
        ["P1 work", "P2 work", "P4 work", "Waiting"],
        "a paused clock has no due time and sorts last"
    );
}

/// A requester's reply to a Pending ticket restarts its clock, although the requester may not
/// read the audit trail the clock is derived from.
#[tokio::test]
async fn a_requester_reply_restarts_the_paused_clock() {
    let app = TestApp::spawn().await;
    let owner = app.sign_up("acme").await;
    let requester = app.add_member(&owner, "req@acme.test", "REQUESTER").await;
    let ticket = app
        .create_ticket(
            &requester,
            json!({ "kind": "INCIDENT", "subject": "Laptop", "impact": "HIGH", "urgency": "HIGH" }),
        )
        .await;
    let set_pending = app
        .gql(
            Some(&owner.token),
            "mutation($i: UpdateTicketInput!) { updateTicket(input: $i) { ticket { status sla { paused resolutionDueAt } } } }",
            json!({ "i": { "id": ticket["id"], "status": "PENDING" } }),
        )
        .await;
    assert_eq!(set_pending["data"]["updateTicket"]["ticket"]["sla"]["paused"], true, "{set_pending}");
    let reply = app
        .gql(
            Some(&requester.token),
            "mutation($i: AddTicketMessageInput!) { addTicketMessage(input: $i) { ticket { status sla { paused resolutionDueAt } } } }",
            json!({ "i": { "ticketId": ticket["id"], "body": "Here is the info", "internal": false } }),
        )
        .await;
    let after = &reply["data"]["addTicketMessage"]["ticket"];
    assert_eq!(after["status"], "OPEN", "{reply}");
    assert_eq!(after["sla"]["paused"], false, "{reply}");
    assert!(after["sla"]["resolutionDueAt"].is_string(), "the clock runs again: {reply}");
}
