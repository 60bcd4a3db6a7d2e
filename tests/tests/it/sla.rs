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
