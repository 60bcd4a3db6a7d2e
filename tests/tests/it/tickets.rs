use ferrodesk_testkit::{TestApp, error_code, error_field};
use serde_json::{Value, json};

const TICKET: &str =
    "query($n: String!) { ticket(number: $n) { id number status priority tags subject reopenCount
    firstResponseAt assignee { name } requester { email } category { name }
    messages { edges { node { body internal author { email } } } }
    events { edges { node { action changes actor { name } } } } } }";

async fn category_id(app: &TestApp, token: &str, name: &str) -> String {
    let body = app.gql(Some(token), "{ organization { categories { id name } } }", json!({})).await;
    body["data"]["organization"]["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .unwrap()
}

fn numbers(body: &Value) -> Vec<String> {
    body["data"]["tickets"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"))
        .iter()
        .map(|e| e["node"]["number"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn agents_create_assign_reply_and_annotate_with_a_full_audit_trail() {
    let app = TestApp::spawn().await;
    let owner = app.sign_up("acme").await;
    let agent = app.add_member(&owner, "agent@acme.test", "AGENT").await;
    let vpn = category_id(&app, &owner.token, "VPN").await;

    let t = app
        .create_ticket(&owner, json!({ "kind": "INCIDENT", "subject": "  VPN drops every hour ", "description": "Since Monday",
            "impact": "HIGH", "urgency": "MEDIUM", "categoryId": vpn, "requesterEmail": "Jane@Acme.test", "tags": ["vpn", "VPN", "remote"] }))
        .await;
    assert_eq!(t["number"], "INC-0001");
    let r = app.create_ticket(&owner, json!({ "kind": "SERVICE_REQUEST", "subject": "New laptop" })).await;
    assert_eq!(r["number"], "REQ-0001");

    let update = "mutation($input: UpdateTicketInput!) { updateTicket(input: $input) { ticket { status assignee { name } priority } } }";
    let body = app
        .gql(Some(&agent.token), update, json!({ "input": { "id": t["id"], "assigneeId": agent.user_id } }))
        .await;
    assert_eq!(
        body["data"]["updateTicket"]["ticket"]["status"], "OPEN",
        "assigning a new ticket opens it: {body}"
    );
    let body = app
        .gql(
            Some(&agent.token),
            update,
            json!({ "input": { "id": t["id"], "priority": "P1", "status": "PENDING" } }),
        )
        .await;
    assert_eq!(body["data"]["updateTicket"]["ticket"]["priority"], "P1");

    let message = "mutation($input: AddTicketMessageInput!) { addTicketMessage(input: $input) { message { internal } ticket { status } } }";
    let body = app.gql(Some(&agent.token), message, json!({ "input": { "ticketId": t["id"], "body": "Checked the concentrator logs", "internal": true } })).await;
    assert_eq!(body["data"]["addTicketMessage"]["message"]["internal"], true, "{body}");
    app.gql(
        Some(&agent.token),
        message,
        json!({ "input": { "ticketId": t["id"], "body": "Please try the new profile", "internal": false } }),
    )
    .await;

    let body = app.gql(Some(&agent.token), TICKET, json!({ "n": "inc-1" })).await;
    let ticket = &body["data"]["ticket"];
    assert_eq!(ticket["subject"], "VPN drops every hour");
    assert_eq!(ticket["tags"], json!(["remote", "vpn"]));
    assert_eq!(ticket["requester"]["email"], "jane@acme.test");
    assert_eq!(ticket["category"]["name"], "VPN");
    assert!(ticket["firstResponseAt"].is_string(), "the public reply is the first response");
    let messages: Vec<&Value> =
        ticket["messages"]["edges"].as_array().unwrap().iter().map(|e| &e["node"]).collect();
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[0]["author"]["email"], "agent@acme.test");
    let actions: Vec<&str> = ticket["events"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        ["ticket.created", "ticket.updated", "ticket.updated", "ticket.note_added", "ticket.reply_added"]
    );
    let second = &ticket["events"]["edges"][2]["node"];
    assert_eq!(
        second["changes"]["priority"],
        json!({ "from": "P2", "to": "P1" }),
        "impact high × urgency medium was P2"
    );
    assert_eq!(second["changes"]["status"], json!({ "from": "open", "to": "pending" }));
    assert_eq!(second["actor"]["name"], "Member agent@acme.test");

    // Resolving and reopening counts the reopen.
    app.gql(Some(&agent.token), update, json!({ "input": { "id": t["id"], "status": "RESOLVED" } })).await;
    app.gql(Some(&agent.token), update, json!({ "input": { "id": t["id"], "status": "OPEN" } })).await;
    let body = app.gql(Some(&agent.token), TICKET, json!({ "n": "INC-0001" })).await;
    assert_eq!(body["data"]["ticket"]["reopenCount"], 1);
    let body =
        app.gql(Some(&agent.token), update, json!({ "input": { "id": t["id"], "status": "NEW" } })).await;
    assert_eq!((error_code(&body), error_field(&body)), (Some("BAD_USER_INPUT"), Some("status")));
}

#[tokio::test]
async fn the_queue_filters_searches_orders_and_pages_by_keyset() {
    let app = TestApp::spawn().await;
    let owner = app.sign_up("acme").await;
    let agent = app.add_member(&owner, "agent@acme.test", "AGENT").await;
    let printer = category_id(&app, &owner.token, "Printer").await;
    let hardware = category_id(&app, &owner.token, "Hardware").await;
    for i in 1..=12 {
        let priority = ["P1", "P2", "P3", "P4"][i % 4];
        let mut input =
            json!({ "kind": "INCIDENT", "subject": format!("Issue number {i}"), "priority": priority });
        if i % 3 == 0 {
            input["assigneeId"] = json!(agent.user_id);
            input["tags"] = json!(["onsite"]);
        }
        if i == 7 {
            input["subject"] = json!("Printer on floor 3 jams");
            input["categoryId"] = json!(printer);
        }
        app.create_ticket(&owner, input).await;
    }
    let list = "query($first: Int, $after: String, $filter: TicketFilter, $order: TicketOrder) {
        tickets(first: $first, after: $after, filter: $filter, orderBy: $order) {
            edges { node { number priority } cursor } pageInfo { hasNextPage endCursor } } }";

    // Priority order, then age; paged five at a time with no duplicates or gaps.
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let body = app
            .gql(
                Some(&agent.token),
                list,
                json!({ "first": 5, "after": after, "order": { "field": "PRIORITY", "direction": "ASC" } }),
            )
            .await;
        seen.extend(numbers(&body));
        let page = &body["data"]["tickets"]["pageInfo"];
        if !page["hasNextPage"].as_bool().unwrap() {
            break;
        }
        after = page["endCursor"].as_str().map(str::to_owned);
    }
    // i % 4 == 0 is P1, 1 is P2, 2 is P3, 3 is P4.
    assert_eq!(
        seen,
        [
            "INC-0004", "INC-0008", "INC-0012", "INC-0001", "INC-0005", "INC-0009", "INC-0002", "INC-0006",
            "INC-0010", "INC-0003", "INC-0007", "INC-0011"
        ]
    );

    let body = app.gql(Some(&agent.token), list, json!({ "filter": { "assigneeId": agent.user_id }, "order": { "field": "CREATED", "direction": "ASC" } })).await;
    assert_eq!(numbers(&body), ["INC-0003", "INC-0006", "INC-0009", "INC-0012"]);
    let body = app
        .gql(Some(&agent.token), list, json!({ "filter": { "unassigned": true, "priority": ["P1"] } }))
        .await;
    assert_eq!(numbers(&body), ["INC-0008", "INC-0004"], "newest first by default");
    let body =
        app.gql(Some(&agent.token), list, json!({ "filter": { "tag": "ONSITE", "status": ["OPEN"] } })).await;
    assert_eq!(numbers(&body).len(), 4);
    let body = app.gql(Some(&agent.token), list, json!({ "filter": { "categoryId": hardware } })).await;
    assert_eq!(numbers(&body), ["INC-0007"], "a parent category matches its subcategories");
    let body = app.gql(Some(&agent.token), list, json!({ "filter": { "search": "print" } })).await;
    assert_eq!(numbers(&body), ["INC-0007"], "prefix search over the subject");
    let body = app.gql(Some(&agent.token), list, json!({ "filter": { "search": "INC-0011" } })).await;
    assert_eq!(numbers(&body), ["INC-0011"]);

    // Search reaches the conversation.
    let ticket = app.gql(Some(&agent.token), "{ ticket(number: \"INC-0002\") { id } }", json!({})).await;
    app.gql(Some(&agent.token), "mutation($input: AddTicketMessageInput!) { addTicketMessage(input: $input) { message { id } } }",
        json!({ "input": { "ticketId": ticket["data"]["ticket"]["id"], "body": "The docking station firmware was outdated", "internal": false } })).await;
    let body = app.gql(Some(&agent.token), list, json!({ "filter": { "search": "firmware docking" } })).await;
    assert_eq!(numbers(&body), ["INC-0002"]);

    let body = app.gql(Some(&agent.token), list, json!({ "first": 500 })).await;
    assert_eq!((error_code(&body), error_field(&body)), (Some("BAD_USER_INPUT"), Some("first")));
    let body = app.gql(Some(&agent.token), list, json!({ "after": "not-a-cursor" })).await;
    assert_eq!((error_code(&body), error_field(&body)), (Some("BAD_USER_INPUT"), Some("after")));
}

#[tokio::test]
async fn requesters_see_only_their_tickets_and_never_internal_notes() {
    let app = TestApp::spawn().await;
    let owner = app.sign_up("acme").await;
    let jane = app.add_member(&owner, "jane@acme.test", "REQUESTER").await;
    let omar = app.add_member(&owner, "omar@acme.test", "REQUESTER").await;
    let mine = app
        .create_ticket(
            &jane,
            json!({ "kind": "SERVICE_REQUEST", "subject": "Need Figma", "impact": "LOW", "urgency": "HIGH" }),
        )
        .await;
    app.create_ticket(&omar, json!({ "kind": "INCIDENT", "subject": "Omar's broken screen" })).await;
    let note =
        "mutation($input: AddTicketMessageInput!) { addTicketMessage(input: $input) { message { id } } }";
    app.gql(
        Some(&owner.token),
        note,
        json!({ "input": { "ticketId": mine["id"], "body": "secret budget remark", "internal": true } }),
    )
    .await;
    app.gql(
        Some(&owner.token),
        note,
        json!({ "input": { "ticketId": mine["id"], "body": "Licence ordered", "internal": false } }),
    )
    .await;

    let body =
        app.gql(Some(&jane.token), "{ tickets { edges { node { number priority } } } }", json!({})).await;
    assert_eq!(
        body["data"]["tickets"]["edges"],
        json!([{ "node": { "number": "REQ-0001", "priority": "P3" } }])
    );
    let body = app.gql(Some(&jane.token), "{ ticket(number: \"INC-0001\") { id } }", json!({})).await;
    assert!(body["data"]["ticket"].is_null(), "another requester's ticket is invisible: {body}");
    let body = app.gql(Some(&jane.token), "{ ticket(number: \"REQ-0001\") { messages { edges { node { body } } } events { edges { node { action } } } } }", json!({})).await;
    assert_eq!(
        body["data"]["ticket"]["messages"]["edges"],
        json!([{ "node": { "body": "Licence ordered" } }])
    );
    assert_eq!(body["data"]["ticket"]["events"]["edges"], json!([]), "the audit trail is for staff");
    let body = app
        .gql(
            Some(&jane.token),
            "{ tickets(filter: { search: \"budget\" }) { edges { node { number } } } }",
            json!({}),
        )
        .await;
    assert_eq!(body["data"]["tickets"]["edges"], json!([]), "search does not reach internal notes");
    let body = app.gql(Some(&jane.token), "{ members { edges { node { email } } } }", json!({})).await;
    let emails: Vec<&str> = body["data"]["members"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails, ["jane@acme.test", "owner@acme.test"], "requesters see staff and themselves only");

    // Requesters reply publicly only, and cannot change tickets or set priorities.
    let body = app
        .gql(
            Some(&jane.token),
            note,
            json!({ "input": { "ticketId": mine["id"], "body": "psst", "internal": true } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"));
    let body = app
        .gql(
            Some(&jane.token),
            "mutation($input: UpdateTicketInput!) { updateTicket(input: $input) { ticket { id } } }",
            json!({ "input": { "id": mine["id"], "priority": "P1" } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"));
    let body = app
        .gql(
            Some(&jane.token),
            "mutation($input: CreateTicketInput!) { createTicket(input: $input) { ticket { id } } }",
            json!({ "input": { "kind": "INCIDENT", "subject": "x", "priority": "P1" } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"));
}

#[tokio::test]
async fn stakeholders_read_but_do_not_edit_or_see_notes() {
    let app = TestApp::spawn().await;
    let owner = app.sign_up("acme").await;
    let cfo = app.add_member(&owner, "cfo@acme.test", "STAKEHOLDER").await;
    let t = app.create_ticket(&owner, json!({ "kind": "INCIDENT", "subject": "Payroll export fails" })).await;
    let msg =
        "mutation($input: AddTicketMessageInput!) { addTicketMessage(input: $input) { message { id } } }";
    app.gql(
        Some(&owner.token),
        msg,
        json!({ "input": { "ticketId": t["id"], "body": "internal detail", "internal": true } }),
    )
    .await;

    let body = app
        .gql(
            Some(&cfo.token),
            "{ tickets { edges { node { number messages { edges { node { body } } } } } } }",
            json!({}),
        )
        .await;
    assert_eq!(body["data"]["tickets"]["edges"][0]["node"]["number"], "INC-0001", "{body}");
    assert_eq!(body["data"]["tickets"]["edges"][0]["node"]["messages"]["edges"], json!([]));
    let body = app
        .gql(
            Some(&cfo.token),
            "mutation($input: UpdateTicketInput!) { updateTicket(input: $input) { ticket { id } } }",
            json!({ "input": { "id": t["id"], "status": "CLOSED" } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"));
    let body = app
        .gql(
            Some(&cfo.token),
            msg,
            json!({ "input": { "ticketId": t["id"], "body": "hi", "internal": false } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"));
    let body = app.create_ticket_raw(&cfo).await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"));
}

trait CreateRaw {
    async fn create_ticket_raw(&self, s: &ferrodesk_testkit::Session) -> Value;
}

impl CreateRaw for TestApp {
    async fn create_ticket_raw(&self, s: &ferrodesk_testkit::Session) -> Value {
        self.gql(
            Some(&s.token),
            "mutation { createTicket(input: { kind: INCIDENT, subject: \"x\" }) { ticket { id } } }",
            json!({}),
        )
        .await
    }
}

#[tokio::test]
async fn concurrent_creates_never_duplicate_a_number() {
    let app = TestApp::spawn().await;
    let owner = app.sign_up("acme").await;
    let creates = (0..40)
        .map(|i| app.create_ticket(&owner, json!({ "kind": "INCIDENT", "subject": format!("burst {i}") })));
    let mut numbers: Vec<String> = futures::future::join_all(creates)
        .await
        .iter()
        .map(|t| t["number"].as_str().unwrap().to_owned())
        .collect();
    numbers.sort();
    let expected: Vec<String> = (1..=40).map(|n| format!("INC-{n:04}")).collect();
    assert_eq!(numbers, expected);
}

#[tokio::test]
async fn bad_ticket_input_is_rejected_without_writing() {
    let app = TestApp::spawn().await;
    let owner = app.sign_up("acme").await;
    let create = "mutation($input: CreateTicketInput!) { createTicket(input: $input) { ticket { id } } }";
    for (input, field) in [
        (json!({ "kind": "INCIDENT", "subject": "x".repeat(251) }), "subject"),
        (json!({ "kind": "INCIDENT", "subject": "   " }), "subject"),
        (json!({ "kind": "INCIDENT", "subject": "ok", "requesterEmail": "nope" }), "requesterEmail"),
        (json!({ "kind": "INCIDENT", "subject": "ok", "tags": ["two words"] }), "tags"),
    ] {
        let body = app.gql(Some(&owner.token), create, json!({ "input": input })).await;
        assert_eq!((error_code(&body), error_field(&body)), (Some("BAD_USER_INPUT"), Some(field)), "{body}");
    }
    let mut admin = app.db.admin_conn().await;
    let count: i64 = sqlx::query_scalar("select count(*) from tickets").fetch_one(&mut admin).await.unwrap();
    assert_eq!(count, 0);
}

async fn mode(tx: &mut ferrodesk_db::TenantTx) -> String {
    sqlx::query_scalar("show plan_cache_mode").fetch_one(&mut **tx).await.unwrap()
}

/// A member's transaction plans its statements once (generic plans); a search or tag filter plans
/// for the words it looks for, and finds the same tickets either way.
#[tokio::test]
async fn members_plan_once_and_searches_plan_for_their_words() {
    use ferrodesk_db::tickets::{self as repo, TicketFilter, TicketOrder, TicketOrderField};
    use ferrodesk_domain::{OrgId, TicketStatus, UserId};

    let app = TestApp::spawn().await;
    let owner = app.sign_up("acme").await;
    app.create_ticket(&owner, json!({ "kind": "INCIDENT", "subject": "VPN drops", "tags": ["remote"] }))
        .await;
    app.create_ticket(&owner, json!({ "kind": "INCIDENT", "subject": "Printer jams" })).await;
    let mut admin = app.db.admin_conn().await;
    let (org, user): (uuid::Uuid, uuid::Uuid) =
        sqlx::query_as("select org_id, user_id from memberships where role = 'owner'")
            .fetch_one(&mut admin)
            .await
            .unwrap();
    let db = ferrodesk_db::Db::connect(&app.db.app_url.clone().into(), 2).await.unwrap();
    let order = TicketOrder { field: TicketOrderField::Created, descending: false };
    let subjects = |rows: Vec<repo::TicketRow>| rows.into_iter().map(|t| t.subject).collect::<Vec<_>>();

    let mut tx = db.enter(OrgId::from_uuid(org), UserId::from_uuid(user)).await.unwrap();
    assert_eq!(mode(&mut tx).await, "force_generic_plan");
    let queue = TicketFilter { statuses: TicketStatus::ACTIVE.to_vec(), ..TicketFilter::default() };
    let rows = repo::list(&mut tx, &queue, order, None, 10).await.unwrap();
    assert_eq!(subjects(rows), ["VPN drops", "Printer jams"]);
    assert_eq!(mode(&mut tx).await, "force_generic_plan", "the queue keeps its one plan");
    drop(tx);

    for filter in [
        TicketFilter { search: Some("vpn".into()), ..TicketFilter::default() },
        TicketFilter { tag: Some("remote".into()), ..TicketFilter::default() },
    ] {
        let mut tx = db.enter(OrgId::from_uuid(org), UserId::from_uuid(user)).await.unwrap();
        let rows = repo::list(&mut tx, &filter, order, None, 10).await.unwrap();
        assert_eq!(subjects(rows), ["VPN drops"]);
        assert_eq!(mode(&mut tx).await, "auto", "{filter:?} is planned for its values");
        drop(tx);
    }
}
