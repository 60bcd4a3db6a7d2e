//! Creating a member's ticket in one autocommit statement (`fd_create_ticket`): it acts on what
//! the process last saw (the member's role, the SLA setup, the category's department) and must
//! write nothing when any of it has changed, so that the ordinary transaction decides afresh.

use ferrodesk_core::Principal;
use ferrodesk_core::tickets::{self as service, CreateTicket};
use ferrodesk_db::Db;
use ferrodesk_db::tickets::{self as repo, Assumed, NewTicket};
use ferrodesk_domain::{
    CategoryId, Channel, DepartmentId, Impact, OrgId, Priority, Role, TicketId, TicketKind, TicketStatus,
    Urgency, UserId,
};
use ferrodesk_testkit::{Session, TestApp, error_code};
use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

fn input(subject: &str) -> CreateTicket {
    CreateTicket {
        impact: Some(Impact::Medium),
        urgency: Some(Urgency::High),
        ..CreateTicket::incident(subject.to_owned(), "It jams on every page.".to_owned(), Channel::Api)
    }
}

fn ticket(department: DepartmentId, requester: Uuid) -> NewTicket<'static> {
    NewTicket {
        id: TicketId::generate(),
        kind: TicketKind::Incident,
        subject: "Scanner offline",
        description: "",
        status: TicketStatus::New,
        priority: Priority::P2,
        impact: None,
        urgency: None,
        channel: Channel::Api,
        department_id: department,
        category_id: None,
        requester_id: Some(UserId::from_uuid(requester)),
        assignee_id: None,
        tags: &[],
        event_changes: json!({ "kind": "incident" }),
        sla: Default::default(),
        source_inbound_id: None,
        follow_up_of: None,
        reply_token: None,
    }
}

/// Tickets, the last number handed out and creation events of an organisation, as the owner role
/// sees them.
async fn written(admin: &mut PgConnection, org: Uuid) -> (i64, i32, i64) {
    sqlx::query_as(
        "select (select count(*) from tickets where org_id = $1),
                (select coalesce(max(last_number), 0) from record_counters where org_id = $1),
                (select count(*) from events where org_id = $1 and action = 'ticket.created')",
    )
    .bind(org)
    .fetch_one(admin)
    .await
    .unwrap()
}

#[tokio::test]
async fn one_statement_creates_only_while_what_it_assumed_holds() {
    let app = TestApp::spawn().await;
    let owner_session = app.sign_up("acme").await;
    app.sign_up("globex").await;
    app.add_member(&owner_session, "req@acme.test", "REQUESTER").await;
    let mut admin = app.db.admin_conn().await;
    let (acme, owner) = app.db.owner_of("acme").await;
    let (globex, globex_owner) = app.db.owner_of("globex").await;
    let requester_id: Uuid = sqlx::query_scalar("select id from users where email = 'req@acme.test'")
        .fetch_one(&mut admin)
        .await
        .unwrap();
    let category = |org: Uuid| {
        sqlx::query_scalar::<_, Uuid>("select id from categories where org_id = $1 order by name limit 1")
            .bind(org)
    };
    let acme_category = category(acme).fetch_one(&mut admin).await.unwrap();
    let globex_category = category(globex).fetch_one(&mut admin).await.unwrap();
    let pool = sqlx::PgPool::connect(&app.db.app_url).await.unwrap();
    let db = Db::from_pool(pool);
    let (org, user) = (OrgId::from_uuid(acme), UserId::from_uuid(owner));

    assert!(repo::assumed(&db, org, user, None).is_none(), "nothing seen yet");
    let first =
        service::create(&db, Principal { org_id: org, user_id: user }, input("Printer jams")).await.unwrap();
    assert_eq!(first.number, 1);
    let seen = repo::assumed(&db, org, user, None).expect("seen by the first creation");
    assert_eq!(seen.role, Role::Owner);
    let department = seen.sla.department_id;
    let assumed = |role: Role, version_behind: i64| Assumed {
        role,
        config_version: seen.config_version - version_behind,
        sla: seen.sla.clone(),
    };

    let mut another_department = ticket(DepartmentId::from_uuid(Uuid::now_v7()), owner);
    another_department.category_id = Some(CategoryId::from_uuid(acme_category));
    let mut foreign_category = ticket(department, owner);
    foreign_category.category_id = Some(CategoryId::from_uuid(globex_category));
    let mut requester_assigned = ticket(department, owner);
    requester_assigned.assignee_id = Some(UserId::from_uuid(requester_id));
    let mut foreign_assignee = ticket(department, owner);
    foreign_assignee.assignee_id = Some(UserId::from_uuid(globex_owner));
    for (what, user, assumed, new) in [
        ("another role", owner, assumed(Role::Agent, 0), ticket(department, owner)),
        ("an older configuration", owner, assumed(Role::Owner, 1), ticket(department, owner)),
        ("a category of another department", owner, assumed(Role::Owner, 0), another_department),
        ("another organisation's category", owner, assumed(Role::Owner, 0), foreign_category),
        ("a requester as assignee", owner, assumed(Role::Owner, 0), requester_assigned),
        ("another organisation's member as assignee", owner, assumed(Role::Owner, 0), foreign_assignee),
        ("a person who is not a member", globex_owner, assumed(Role::Owner, 0), ticket(department, owner)),
    ] {
        let created = repo::create_as_member(&db, org, UserId::from_uuid(user), &assumed, new).await.unwrap();
        assert!(created.is_none(), "created despite {what}");
    }
    assert_eq!(written(&mut admin, acme).await, (1, 1, 1), "nothing written by refused statements");

    // What still holds: the next number, the row as reads return it, its creation event.
    let row = repo::create_as_member(&db, org, user, &assumed(Role::Owner, 0), ticket(department, owner))
        .await
        .unwrap()
        .expect("created");
    assert_eq!(
        (row.number, row.subject.as_str(), row.department_id),
        (2, "Scanner offline", department.into_uuid())
    );
    assert_eq!(row.requester_name.as_deref(), Some("Owner of acme"));
    let actor: Option<Uuid> = sqlx::query_scalar(
        "select actor_id from events where org_id = $1 and subject_id = $2 and action = 'ticket.created'",
    )
    .bind(acme)
    .bind(row.id)
    .fetch_one(&mut admin)
    .await
    .unwrap();
    assert_eq!(actor, Some(owner));

    // The statement was its own transaction: its connection (handed out again first) keeps no
    // tenant, and sees no rows.
    let mut conn = db.acquire().await.unwrap();
    let (org_setting, role_setting, visible): (String, String, i64) = sqlx::query_as(
        "select coalesce(current_setting('app.org_id', true), ''), coalesce(current_setting('app.role', true), ''),
                (select count(*) from tickets)",
    )
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    assert_eq!((org_setting.as_str(), role_setting.as_str(), visible), ("", "", 0));
    conn.release();

    // A row the database refuses is refused whole: a requester from another organisation.
    let refused =
        repo::create_as_member(&db, org, user, &assumed(Role::Owner, 0), ticket(department, globex_owner))
            .await;
    assert!(refused.is_err(), "{refused:?}");
    assert_eq!(written(&mut admin, acme).await, (2, 2, 2));
    assert_eq!(written(&mut admin, globex).await, (0, 0, 0), "the other organisation untouched");
}

const CREATE: &str = "mutation($input: CreateTicketInput!) { createTicket(input: $input) {
    ticket { number channel category { departmentId } } } }";
const UPDATE_MEMBER: &str = "mutation($input: UpdateMemberInput!) { updateMember(input: $input) { id } }";

async fn one_statement_creations(app: &TestApp) -> u64 {
    let metrics = app.metrics().await;
    metrics
        .lines()
        .find(|l| l.starts_with("ticket_creations_total") && l.contains("path=\"one_statement\""))
        .and_then(|l| l.rsplit(' ').next())
        .map_or(0, |n| n.parse().unwrap())
}

async fn update_member(app: &TestApp, owner: &Session, member: &Session, change: serde_json::Value) {
    let mut input = json!({ "userId": member.user_id });
    input.as_object_mut().unwrap().extend(change.as_object().unwrap().clone());
    let body = app.gql(Some(&owner.token), UPDATE_MEMBER, json!({ "input": input })).await;
    assert!(body["data"]["updateMember"].is_object(), "{body}");
}

/// Over GraphQL: repeat creations take the one statement, and a role or category changed by
/// someone else reaches the very next creation.
#[tokio::test]
async fn a_changed_role_or_category_reaches_the_next_ticket() {
    let app = TestApp::spawn().await;
    let owner = app.sign_up("acme").await;
    let agent = app.add_member(&owner, "agent@acme.test", "AGENT").await;
    let create = |session: &Session, input: serde_json::Value| {
        let token = session.token.clone();
        let app = &app;
        async move { app.gql(Some(&token), CREATE, json!({ "input": input })).await }
    };
    let plain = json!({ "kind": "INCIDENT", "subject": "Printer jams" });

    for _ in 0..3 {
        let body = create(&agent, plain.clone()).await;
        assert!(body["data"]["createTicket"]["ticket"].is_object(), "{body}");
    }
    assert!(one_statement_creations(&app).await >= 2, "repeat creations take the one statement");

    update_member(&app, &owner, &agent, json!({ "role": "STAKEHOLDER" })).await;
    assert_eq!(error_code(&create(&agent, plain.clone()).await), Some("FORBIDDEN"));
    update_member(&app, &owner, &agent, json!({ "role": "REQUESTER" })).await;
    let with_priority =
        json!({ "kind": "INCIDENT", "subject": "Urgent", "priority": "P1", "channel": "WEB" });
    assert_eq!(error_code(&create(&agent, with_priority.clone()).await), Some("FORBIDDEN"));
    let body = create(&agent, json!({ "kind": "INCIDENT", "subject": "Mine", "channel": "WEB" })).await;
    assert_eq!(body["data"]["createTicket"]["ticket"]["channel"], "PORTAL", "as a requester: {body}");
    update_member(&app, &owner, &agent, json!({ "role": "AGENT" })).await;
    let body = create(&agent, with_priority).await;
    assert_eq!(body["data"]["createTicket"]["ticket"]["channel"], "WEB", "an agent again: {body}");
    update_member(&app, &owner, &agent, json!({ "active": false })).await;
    assert_eq!(error_code(&create(&agent, plain).await), Some("UNAUTHENTICATED"));

    // A category moved to another department (which changes no SLA setup) between two
    // creations: the second ticket goes to the department the category is in now.
    let body = app.gql(Some(&owner.token), "{ organization { departments { id } } }", json!({})).await;
    let it = body["data"]["organization"]["departments"][0]["id"].clone();
    let body =
        app.gql(Some(&owner.token), "mutation { createDepartment(name: \"HR\") { id } }", json!({})).await;
    let hr = body["data"]["createDepartment"]["id"].clone();
    assert!(hr.is_string(), "{body}");
    let body = app
        .gql(
            Some(&owner.token),
            "mutation($input: CreateCategoryInput!) { createCategory(input: $input) { id } }",
            json!({ "input": { "departmentId": it, "name": "Badges" } }),
        )
        .await;
    let badges = body["data"]["createCategory"].clone();
    assert!(badges.is_object(), "{body}");
    let with_category = json!({ "kind": "INCIDENT", "subject": "Lost badge", "categoryId": badges["id"] });
    let before = one_statement_creations(&app).await;
    for _ in 0..2 {
        let body = create(&owner, with_category.clone()).await;
        assert!(body["data"]["createTicket"]["ticket"].is_object(), "{body}");
    }
    assert_eq!(one_statement_creations(&app).await, before + 1, "the second one took the one statement");
    let mut admin = app.db.admin_conn().await;
    let (acme, _) = app.db.owner_of("acme").await;
    let moved = sqlx::query(
        "update categories c set department_id = d.id from departments d
         where c.org_id = $1 and d.org_id = $1 and d.name = 'HR' and c.name = 'Badges'",
    )
    .bind(acme)
    .execute(&mut admin)
    .await
    .unwrap();
    assert_eq!(moved.rows_affected(), 1);
    let body = create(&owner, with_category).await;
    assert_eq!(body["data"]["createTicket"]["ticket"]["category"]["departmentId"], hr, "{body}");
}

/// Every way a ticket comes to be (a transaction, a member's one statement, the intake's batch,
/// the demo's load) goes through the one writer of ticket rows: the same ticket written each way
/// is the same row with the same creation event, numbered in turn.
#[tokio::test]
async fn every_way_of_creating_a_ticket_writes_the_same_row_and_event() {
    use ferrodesk_db::{demo, intake, mail::NewInbound, tickets::SlaColumns};

    let app = TestApp::spawn().await;
    app.sign_up("acme").await;
    let mut admin = app.db.admin_conn().await;
    let (acme, owner) = app.db.owner_of("acme").await;
    let db = Db::from_pool(sqlx::PgPool::connect(&app.db.app_url).await.unwrap());
    let worker = Db::from_pool(sqlx::PgPool::connect(&app.db.worker_url).await.unwrap());
    let (org, user) = (OrgId::from_uuid(acme), UserId::from_uuid(owner));
    // A first ticket, so that this process has seen what the one statement assumes.
    service::create(&db, Principal { org_id: org, user_id: user }, input("Printer jams")).await.unwrap();
    let assumed = repo::assumed(&db, org, user, None).expect("seen by the first creation");
    let department = assumed.sla.department_id;
    let at = |minutes| Some(chrono::Utc::now() + chrono::Duration::minutes(minutes));
    let sla = SlaColumns {
        response_due_at: at(60),
        resolution_due_at: at(480),
        response_at_risk_at: at(45),
        resolution_at_risk_at: at(384),
        ..Default::default()
    };
    let same = || NewTicket {
        description: "It jams on every page.",
        channel: Channel::Email,
        event_changes: json!({ "kind": "incident", "subject": "Scanner offline", "channel": "email" }),
        sla: sla.clone(),
        ..ticket(department, owner)
    };

    let mut tx = db.enter(org, user).await.unwrap();
    repo::insert(&mut tx, same()).await.unwrap();
    tx.commit().await.unwrap();

    repo::create_as_member(&db, org, user, &assumed, same()).await.unwrap().expect("one statement");

    let inbound = Uuid::now_v7();
    let token: String =
        sqlx::query_scalar("select fd_new_reply_token()").fetch_one(&mut admin).await.unwrap();
    let recipients = vec!["acme@inbound.localhost".to_owned()];
    let mut batch = worker.begin_system_hot().await.unwrap();
    let from_mail = intake::TicketIn {
        org_id: org,
        ticket: same(),
        reply_token: &token,
        raw: intake::RawIn {
            inbound: NewInbound {
                id: inbound,
                mail_from: "owner@acme.test",
                rcpt_to: &recipients,
                peer: "127.0.0.1",
                raw: b"Subject: Scanner offline\r\n\r\nIt jams on every page.\r\n",
                auth: None,
            },
            dedupe_key: "same-row",
            message_id: None,
            from_address: "owner@acme.test",
            subject: "Scanner offline",
        },
    };
    let written = intake::tickets(&mut batch, &[from_mail], &[]).await.unwrap();
    batch.commit().await.unwrap();
    assert_eq!(written[0].number, 4);

    let mut tx = db.system_in(org).await.unwrap();
    let loaded = same();
    let created_at = chrono::Utc::now() - chrono::Duration::minutes(5);
    let work = demo::Work {
        tickets: vec![demo::Ticket {
            id: Uuid::now_v7(),
            reply_token: token.chars().rev().collect(),
            kind: "incident",
            number: 5,
            subject: loaded.subject.to_owned(),
            description: loaded.description.to_owned(),
            status: "new",
            priority: 2,
            impact: None,
            urgency: None,
            channel: "email",
            department_id: department.into_uuid(),
            category_id: None,
            requester_id: owner,
            assignee_id: None,
            created_by: Some(owner),
            tags: Vec::new(),
            created_at,
            updated_at: created_at,
            first_response_at: None,
            resolved_at: None,
            closed_at: None,
            reopen_count: 0,
            sla: sla.clone(),
            event_id: Uuid::now_v7(),
            event_changes: loaded.event_changes,
        }],
        messages: Vec::new(),
        events: Vec::new(),
    };
    demo::load_work(&mut tx, &work).await.unwrap();
    tx.commit().await.unwrap();

    let rows: Vec<(i32, serde_json::Value, serde_json::Value, bool)> = sqlx::query_as(
        "select t.number,
                to_jsonb(t) - array['id', 'number', 'created_at', 'updated_at', 'reply_token',
                                    'source_inbound_id', 'search'],
                jsonb_build_object('actor', e.actor_id, 'action', e.action, 'changes', e.changes - 'number'),
                (e.changes->>'number')::int = t.number and e.created_at = t.created_at
         from tickets t join events e on e.org_id = t.org_id and e.subject_id = t.id
         where t.org_id = $1 and t.number > 1 order by t.number",
    )
    .bind(acme)
    .fetch_all(&mut admin)
    .await
    .unwrap();
    assert_eq!(
        rows.iter().map(|r| r.0).collect::<Vec<_>>(),
        [2, 3, 4, 5],
        "numbered in turn, one event each"
    );
    for (number, row, event, stamped) in &rows {
        assert_eq!((row, event), (&rows[0].1, &rows[0].2), "ticket {number} as the transaction wrote it");
        assert!(stamped, "ticket {number}: its event carries its number and its time");
    }
    let source: Option<Uuid> =
        sqlx::query_scalar("select source_inbound_id from tickets where org_id = $1 and number = 4")
            .bind(acme)
            .fetch_one(&mut admin)
            .await
            .unwrap();
    assert_eq!(source, Some(inbound), "the mailed-in ticket points at its message");
    let counter: i32 = sqlx::query_scalar("select last_number from record_counters where org_id = $1")
        .bind(acme)
        .fetch_one(&mut admin)
        .await
        .unwrap();
    assert_eq!(counter, 5);
}
