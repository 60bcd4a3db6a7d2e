//! The attack suite (docs/SECURITY.md, "Attacks and the tests that close them"): each attack of
//! the security review, and the variants found since, run against the real gateway, the worker's
//! intake and job runner, PostgreSQL and Redis. Each test asserts that the attack fails with the
//! documented answer and that nothing was written: every table's row count, the audit trail
//! and the outbox are as they were (but for what the test names as the attack's own trace, such
//! as a quarantined message).

use std::collections::BTreeMap;
use std::net::IpAddr;

use ferrodesk_core::auth::LinkPurpose;
use ferrodesk_testkit::{Session, TestApp, error_code};
use serde_json::{Value, json};
use sqlx::PgConnection;

use crate::mail::{DOMAIN, MailHarness, message};

/// Every table's row count, as the owner role sees it (row-level security does not hide rows
/// from it).
pub async fn counts(admin: &mut PgConnection) -> BTreeMap<String, i64> {
    let tables: Vec<String> = sqlx::query_scalar(
        "select c.relname::text from pg_class c
         where c.relnamespace = 'public'::regnamespace and c.relkind = 'r' and c.relname <> '_sqlx_migrations'
         order by 1",
    )
    .fetch_all(&mut *admin)
    .await
    .unwrap();
    let mut counts = BTreeMap::new();
    for table in tables {
        let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("select count(*) from {table}")))
            .fetch_one(&mut *admin)
            .await
            .unwrap();
        counts.insert(table, n);
    }
    counts
}

/// Asserts that no table changed, but for those named (which may grow by the numbers given).
pub fn assert_unchanged(
    before: &BTreeMap<String, i64>,
    after: &BTreeMap<String, i64>,
    allowed: &[(&str, i64)],
) {
    for (table, n) in after {
        let was = before.get(table).copied().unwrap_or(0);
        let grew = allowed.iter().find(|(t, _)| t == table).map_or(0, |(_, g)| *g);
        assert_eq!(*n, was + grew, "{table}: {was} rows before, {n} after (allowed growth {grew})");
    }
}

/// A real domain for the organisation's staff: their mail comes from 192.0.2.10 only (SPF) and
/// is signed (DKIM); the domain asks receivers to reject anything else (DMARC).
async fn staff_domain(h: &MailHarness) -> ferrodesk_mail::auth::testing::MailDomain {
    h.dns.domain("acme-corp.test", "192.0.2.10".parse::<IpAddr>().unwrap()).await.unwrap()
}

/// Acme with an agent at its own domain and a requester's ticket INC-0001 (by mail, so it has an
/// acknowledgement and a reply address).
async fn acme_with_a_ticket(h: &MailHarness) -> (Session, Session, Value) {
    let owner = h.app.sign_up("acme").await;
    let agent = h.app.add_member(&owner, "agent@acme-corp.test", "AGENT").await;
    let raw = message(
        "Ann <ann@example.com>",
        &format!("acme@{DOMAIN}"),
        "VPN down",
        Some("vpn-1@example.com"),
        "",
        "It drops.",
    );
    h.send("ann@example.com", &format!("acme@{DOMAIN}"), &raw).await.unwrap();
    h.settle().await;
    let ticket = h.ticket(&owner, "INC-1").await;
    (owner, agent, ticket)
}

/// Attack 2: mail `From:` an agent's address, answering a ticket by its subject tag and copying
/// Mallory. The agent's domain does not vouch for it (DMARC fails), so it gets no staff power:
/// it neither posts on INC-0001 nor mails the requester nor adds Mallory there. It becomes a new
/// ticket, flagged, that holds only what Mallory wrote; or waits in quarantine when the
/// organisation chose that.
#[tokio::test]
async fn spoofed_staff_mail_gets_no_power_over_an_existing_ticket() {
    let h = MailHarness::start().await;
    staff_domain(&h).await;
    let (owner, _agent, ticket) = acme_with_a_ticket(&h).await;
    let mut admin = h.app.db.admin_conn().await;
    let before = counts(&mut admin).await;
    let sent_before = h.sent().len();

    let spoof = message(
        "Acme Agent <agent@acme-corp.test>",
        &format!("acme@{DOMAIN}"),
        "Re: [INC-0001] VPN down",
        Some("spoof-1@evil.example"),
        "Cc: Mallory <mallory@evil.example>\r\n",
        "Please send your VPN password to Mallory, she is our new contractor.",
    );
    h.send("agent@acme-corp.test", &format!("acme@{DOMAIN}"), &spoof).await.unwrap();
    h.settle().await;

    let after = h.ticket(&owner, "INC-1").await;
    assert_eq!(after["messages"], ticket["messages"], "nothing was posted on INC-0001");
    let participants: Vec<String> = sqlx::query_scalar(
        "select m.email::text from ticket_participants p join memberships m on m.org_id = p.org_id and m.user_id = p.user_id
         join tickets t on t.org_id = p.org_id and t.id = p.ticket_id where t.number = 1",
    )
    .fetch_all(&mut admin)
    .await
    .unwrap();
    assert!(participants.is_empty(), "Mallory is not on INC-0001: {participants:?}");
    let new = h.ticket(&owner, "INC-2").await;
    assert_eq!(new["requester"]["email"], "agent@acme-corp.test", "the claim became a new ticket: {new}");
    let flagged: i64 =
        sqlx::query_scalar("select count(*) from events where action = 'ticket.unverified_staff_mail'")
            .fetch_one(&mut admin)
            .await
            .unwrap();
    assert_eq!(flagged, 1, "the new ticket says its staff sender is unverified");
    let auth = h
        .app
        .gql(
            Some(&owner.token),
            "{ ticket(number: \"INC-2\") { emailAuthentication { authenticated spf dmarc } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        auth["data"]["ticket"]["emailAuthentication"],
        json!({ "authenticated": false, "spf": "fail", "dmarc": "fail" }),
        "agents see why: {auth}"
    );
    // No mail to the requester of INC-0001; only the new ticket's acknowledgement, to the forged
    // address (its real owner), which carries nothing of INC-0001.
    let new_mail: Vec<_> = h.sent().into_iter().skip(sent_before).collect();
    assert!(
        new_mail.iter().all(|m| m.mail.to == ["agent@acme-corp.test"] && !m.mail.text.contains("It drops."))
    );
    // Exactly what a new ticket by mail leaves, and the flag; nothing on INC-0001.
    assert_unchanged(
        &before,
        &counts(&mut admin).await,
        &[
            ("inbound_messages", 1),
            ("tickets", 1),
            ("events", 2),
            ("users", 1),
            ("memberships", 1),
            ("ticket_participants", 1),
            ("outbound_messages", 1),
            ("ticket_mail_ids", 2),
        ],
    );

    // With quarantine chosen, the next one waits there and makes nothing at all.
    h.app
        .gql(
            Some(&owner.token),
            "mutation { updateMailSettings(input: { unprovenReplies: QUARANTINE }) { unprovenReplies } }",
            json!({}),
        )
        .await;
    let before = counts(&mut admin).await;
    let again = spoof.replace("spoof-1@", "spoof-2@");
    h.send("agent@acme-corp.test", &format!("acme@{DOMAIN}"), &again).await.unwrap();
    h.settle().await;
    let status: (String, String) = sqlx::query_as(
        "select status, reason from inbound_messages where message_id = 'spoof-2@evil.example'",
    )
    .fetch_one(&mut admin)
    .await
    .unwrap();
    assert_eq!(status.0, "quarantined", "{status:?}");
    assert_unchanged(&before, &counts(&mut admin).await, &[("inbound_messages", 1), ("page_versions", 0)]);
}

/// The same agent, with mail their domain really sent (signed, from their server), keeps their
/// staff powers by mail: the reply is theirs and goes to the requester.
#[tokio::test]
async fn authenticated_staff_mail_keeps_its_powers() {
    let h = MailHarness::start().await;
    let domain = staff_domain(&h).await;
    let (owner, _agent, _) = acme_with_a_ticket(&h).await;
    let raw = message(
        "Acme Agent <agent@acme-corp.test>",
        &format!("acme@{DOMAIN}"),
        "Re: [INC-0001] VPN down",
        Some("real-1@acme-corp.test"),
        "",
        "Reinstall the client, please.",
    );
    // Signed by the domain; the harness's client connects from 127.0.0.1, outside its SPF, so
    // DKIM alone aligns.
    let signed = String::from_utf8(domain.sign(raw.as_bytes()).unwrap()).unwrap();
    h.send("agent@acme-corp.test", &format!("acme@{DOMAIN}"), &signed).await.unwrap();
    h.settle().await;
    let ticket = h.ticket(&owner, "INC-1").await;
    let last = ticket["messages"]["edges"].as_array().unwrap().last().unwrap()["node"].clone();
    assert_eq!(last["body"], "Reinstall the client, please.", "{ticket}");
    assert_eq!(last["email"]["authentication"]["authenticated"], true, "{last}");
    assert_eq!(last["email"]["authentication"]["dkim"], "pass");
    assert!(
        h.sent()
            .iter()
            .any(|m| m.mail.to == ["ann@example.com"] && m.mail.text.contains("Reinstall the client")),
        "the agent's reply went to the requester"
    );
}

/// A requester whose domain publishes nothing (no DMARC) still answers their ticket: a reply to
/// our acknowledgement carries our Message-ID, which proves they received it.
#[tokio::test]
async fn a_reply_to_our_own_mail_proves_knowledge_without_dmarc() {
    let h = MailHarness::start().await;
    let owner = h.app.sign_up("acme").await;
    let raw = message(
        "Bo <bo@small-shop.test>",
        &format!("acme@{DOMAIN}"),
        "Printer",
        Some("p-1@small-shop.test"),
        "",
        "Jammed.",
    );
    h.send("bo@small-shop.test", &format!("acme@{DOMAIN}"), &raw).await.unwrap();
    h.settle().await;
    let ack = h.sent().into_iter().find(|m| m.mail.to == ["bo@small-shop.test"]).unwrap();
    // By subject alone, unauthenticated: a new ticket.
    let by_subject = message(
        "Bo <bo@small-shop.test>",
        &format!("acme@{DOMAIN}"),
        "Re: [INC-0001] Printer",
        Some("p-2@small-shop.test"),
        "",
        "Still jammed.",
    );
    h.send("bo@small-shop.test", &format!("acme@{DOMAIN}"), &by_subject).await.unwrap();
    // Answering our mail: the same ticket.
    let answer = message(
        "Bo <bo@small-shop.test>",
        &format!("acme@{DOMAIN}"),
        "Re: [INC-0001] Printer",
        Some("p-3@small-shop.test"),
        &format!("In-Reply-To: <{}>\r\n", ack.mail.message_id),
        "Fixed it myself.",
    );
    h.send("bo@small-shop.test", &format!("acme@{DOMAIN}"), &answer).await.unwrap();
    h.settle().await;
    let ticket = h.ticket(&owner, "INC-1").await;
    let bodies: Vec<&str> = ticket["messages"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["body"].as_str().unwrap())
        .collect();
    assert_eq!(bodies, ["Fixed it myself."], "{ticket}");
    assert_eq!(h.ticket(&owner, "INC-2").await["subject"], "Re: [INC-0001] Printer");
}

/// Attack 3: an alias verified by a message that only looks like our verification mail coming
/// back (our loop header, the guessable Message-ID) but lacks the code the real one carried.
#[tokio::test]
async fn a_forged_alias_verification_verifies_nothing() {
    let h = MailHarness::start().await;
    let owner = h.app.sign_up("acme").await;
    let body = h
        .app
        .gql(
            Some(&owner.token),
            r#"mutation { addMailAlias(address: "support@victim.test") { id } }"#,
            json!({}),
        )
        .await;
    let alias_id = body["data"]["addMailAlias"]["id"].as_str().unwrap().to_owned();
    h.settle().await;
    let mut admin = h.app.db.admin_conn().await;
    let raw_id: uuid::Uuid =
        sqlx::query_scalar("select id from mail_aliases").fetch_one(&mut admin).await.unwrap();
    let forged = format!(
        "From: support@victim.test\r\nTo: acme@{DOMAIN}\r\nSubject: Verify forwarding\r\n\
         Message-ID: <alias-verification.{raw_id}@{DOMAIN}>\r\nX-Ferrodesk-Loop: whatever\r\n\r\nVerification code: AAAA\r\n"
    );
    let before = counts(&mut admin).await;
    h.send("support@victim.test", &format!("acme@{DOMAIN}"), &forged).await.unwrap();
    h.settle().await;
    let verified: Option<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("select verified_at from mail_aliases").fetch_one(&mut admin).await.unwrap();
    assert!(verified.is_none(), "the alias stays unverified");
    assert_unchanged(&before, &counts(&mut admin).await, &[("inbound_messages", 1)]);
    // A guessed code is refused too; the outbox never shows the real one.
    let body = h
        .app
        .gql(
            Some(&owner.token),
            "mutation($id: ID!) { verifyMailAlias(id: $id, code: \"AAAAAAAAAAAAAAAA\") { verifiedAt } }",
            json!({ "id": alias_id }),
        )
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    let code = ferrodesk_testkit::links().token(LinkPurpose::MailAlias, raw_id);
    let outbox = h
        .app
        .gql(Some(&owner.token), "{ outboundMessages(first: 5) { edges { node { text } } } }", json!({}))
        .await;
    assert!(!outbox.to_string().contains(&code), "{outbox}");
    // The admin who reads the alias's mailbox types the code: verified.
    let body = h
        .app
        .gql(
            Some(&owner.token),
            "mutation($id: ID!, $c: String!) { verifyMailAlias(id: $id, code: $c) { verifiedAt } }",
            json!({ "id": alias_id, "c": code }),
        )
        .await;
    assert!(body["data"]["verifyMailAlias"]["verifiedAt"].is_string(), "{body}");
}

/// Attack 1: another organisation invites a person Acme knows (a requester who mailed Acme), and
/// tries to take over the identity to read Acme's tickets: it never sees a link, and without the
/// mailbox nobody can set the person's password.
#[tokio::test]
async fn an_invitation_from_another_tenant_cannot_take_over_a_person() {
    let h = MailHarness::start().await;
    let acme = h.app.sign_up("acme").await;
    let raw = message(
        "Ann <ann@example.com>",
        &format!("acme@{DOMAIN}"),
        "Payslip question",
        Some("pay-1@example.com"),
        "",
        "Private.",
    );
    h.send("ann@example.com", &format!("acme@{DOMAIN}"), &raw).await.unwrap();
    h.settle().await;
    let evil = h.app.sign_up("evil").await;
    let invite = h
        .app
        .gql(
            Some(&evil.token),
            "mutation { inviteMember(input: { email: \"ann@example.com\", name: \"Ann\", role: ADMIN }) { invitation { id email } } }",
            json!({}),
        )
        .await;
    assert!(invite["errors"].is_null(), "{invite}");
    assert!(!invite.to_string().contains("fdi_"), "the answer carries no link: {invite}");
    // What Evil's admins can read of the mail: the placeholder, not the link.
    h.settle().await;
    let outbox = h
        .app
        .gql(Some(&evil.token), "{ outboundMessages(first: 5) { edges { node { kind text } } } }", json!({}))
        .await;
    assert!(!outbox.to_string().contains("/invitations/fdi_"), "{outbox}");
    // Guessing: a made-up token and the password-reset door both lead nowhere.
    let mut admin = h.app.db.admin_conn().await;
    let before = counts(&mut admin).await;
    let accept = "mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { token } }";
    let body = h
        .app
        .gql(None, accept, json!({ "input": { "token": "fdi_guessed", "password": "attacker chosen pw" } }))
        .await;
    assert_eq!(error_code(&body), Some("NOT_FOUND"), "{body}");
    let login = "mutation($input: LogInInput!) { logIn(input: $input) { token } }";
    let body = h
        .app
        .gql(None, login, json!({ "input": { "email": "ann@example.com", "password": "attacker chosen pw", "organizationSlug": "acme" } }))
        .await;
    assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "{body}");
    assert_unchanged(&before, &counts(&mut admin).await, &[]);
    // Acme's ticket stays Acme's: Evil's owner cannot name it.
    let body = h.app.gql(Some(&evil.token), "{ ticket(number: \"INC-0001\") { subject } }", json!({})).await;
    assert!(body["data"]["ticket"].is_null(), "{body}");
    let _ = acme;
}

/// A GraphQL client on the socket, speaking graphql-transport-ws.
struct Socket {
    ws: tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
    next: u32,
}

impl Socket {
    async fn open(app: &TestApp, token: &str) -> Self {
        use futures::SinkExt;
        let mut ws = crate::live::open(app.addr, Some(token), None).await.expect("open the socket");
        ws.send(tokio_tungstenite::tungstenite::Message::text(
            json!({ "type": "connection_init" }).to_string(),
        ))
        .await
        .unwrap();
        let mut socket = Self { ws, next: 0 };
        assert_eq!(socket.receive().await["type"], "connection_ack");
        socket
    }

    async fn receive(&mut self) -> Value {
        use futures::StreamExt;
        loop {
            let frame = tokio::time::timeout(std::time::Duration::from_secs(10), self.ws.next())
                .await
                .expect("an answer within 10 s")
                .expect("the socket stays open")
                .expect("a frame");
            if let tokio_tungstenite::tungstenite::Message::Text(text) = frame {
                return serde_json::from_str(&text).unwrap();
            }
        }
    }

    /// Runs one operation; returns its result's `payload` (`data`/`errors`), or the `error`
    /// message's errors.
    async fn run(&mut self, query: &str) -> Value {
        use futures::SinkExt;
        self.next += 1;
        let id = self.next.to_string();
        let message = json!({ "id": id, "type": "subscribe", "payload": { "query": query } });
        self.ws.send(tokio_tungstenite::tungstenite::Message::text(message.to_string())).await.unwrap();
        loop {
            let answer = self.receive().await;
            if answer["id"] != id.as_str() {
                continue;
            }
            match answer["type"].as_str() {
                Some("next") => return answer["payload"].clone(),
                Some("error") => return json!({ "errors": answer["payload"] }),
                _ => {}
            }
        }
    }
}

/// Attack 6 and its variants: an organisation whose subscription lapsed is read-only in the
/// database. A mutation hidden behind nested fragments, one sent over the socket, and SQL written
/// as the member all fail with READ_ONLY_TENANT and write nothing; reading goes on.
#[tokio::test]
async fn a_read_only_organisation_writes_nothing_through_any_door() {
    let app = TestApp::spawn_with(|c| c.billing = crate::billing::billing_config("http://127.0.0.1:9")).await;
    let owner = app.sign_up("acme").await;
    app.create_ticket(&owner, json!({ "kind": "INCIDENT", "subject": "Before the lapse" })).await;
    let mut admin = app.db.admin_conn().await;
    sqlx::query("update organizations set subscription_status = 'canceled'")
        .execute(&mut admin)
        .await
        .unwrap();
    let before = counts(&mut admin).await;

    let nested = format!(
        "mutation {{ {} createTicket(input: {{ kind: INCIDENT, subject: \"hidden\" }}) {{ ticket {{ id }} }} {} }}",
        "... on Mutation {".repeat(9),
        "}".repeat(9)
    );
    let body = app.gql(Some(&owner.token), &nested, json!({})).await;
    assert_eq!(error_code(&body), Some("READ_ONLY_TENANT"), "{body}");
    let mut socket = Socket::open(&app, &owner.token).await;
    let body = socket
        .run("mutation { createTicket(input: { kind: INCIDENT, subject: \"by socket\" }) { ticket { id } } }")
        .await;
    assert_eq!(error_code(&body), Some("READ_ONLY_TENANT"), "{body}");
    let body =
        app.gql(Some(&owner.token), "{ tickets(first: 5) { edges { node { subject } } } }", json!({})).await;
    assert_eq!(
        body["data"]["tickets"]["edges"][0]["node"]["subject"], "Before the lapse",
        "reading goes on: {body}"
    );

    // The member's own SQL, as the gateway's login: the database itself refuses.
    let (org, user): (uuid::Uuid, uuid::Uuid) = sqlx::query_as(
        "select o.id, m.user_id from organizations o join memberships m on m.org_id = o.id where m.role = 'owner'",
    )
    .fetch_one(&mut admin)
    .await
    .unwrap();
    let mut conn = app.db.app_conn().await;
    sqlx::query("set app.billing = 'on'").execute(&mut conn).await.unwrap();
    let mut tx = sqlx::Connection::begin(&mut conn).await.unwrap();
    sqlx::query("select * from fd_enter($1, $2)").bind(org).bind(user).execute(&mut *tx).await.unwrap();
    let err = sqlx::query("update tickets set subject = 'changed'").execute(&mut *tx).await.unwrap_err();
    assert!(err.to_string().contains("read-only"), "{err}");
    drop(tx);
    assert_unchanged(&before, &counts(&mut admin).await, &[]);
}

/// THE read-only rule, in the database (`fd_read_only_reason`): each state of a subscription.
#[tokio::test]
async fn the_read_only_rule_reads_the_subscription_and_the_clock() {
    let db = ferrodesk_testkit::test_db().await;
    let mut admin = db.admin_conn().await;
    sqlx::query(
        "insert into organizations (id, slug, name, subscription_status, trial_ends_at, grace_ends_at, is_demo, stripe_subscription_id)
         values (gen_random_uuid(), 'trial-on', 'x', 'trialing', now() + interval '1 day', null, false, null),
                (gen_random_uuid(), 'trial-over', 'x', 'trialing', now() - interval '1 second', null, false, null),
                (gen_random_uuid(), 'stripe-trial', 'x', 'trialing', now() - interval '1 day', null, false, 'sub_1'),
                (gen_random_uuid(), 'grace-on', 'x', 'past_due', null, now() + interval '1 hour', false, 'sub_2'),
                (gen_random_uuid(), 'grace-over', 'x', 'past_due', null, now() - interval '1 hour', false, 'sub_3'),
                (gen_random_uuid(), 'paid', 'x', 'active', null, null, false, 'sub_4'),
                (gen_random_uuid(), 'unpaid', 'x', 'unpaid', null, null, false, 'sub_5'),
                (gen_random_uuid(), 'canceled', 'x', 'canceled', null, null, false, 'sub_6'),
                (gen_random_uuid(), 'demo-x', 'x', 'canceled', null, null, true, null)",
    )
    .execute(&mut admin)
    .await
    .unwrap();
    let read = "select coalesce(string_agg(o.slug || '=' || coalesce(fd_read_only_reason(o), '-'), ' ' order by o.slug), '')
                from organizations o";
    sqlx::query("set app.billing = 'on'").execute(&mut admin).await.unwrap();
    let on: String = sqlx::query_scalar(read).fetch_one(&mut admin).await.unwrap();
    assert_eq!(
        on,
        "canceled=canceled demo-x=- grace-on=- grace-over=payment_overdue paid=- stripe-trial=- \
         trial-on=- trial-over=trial_ended unpaid=unpaid"
    );
    sqlx::query("set app.billing = 'off'").execute(&mut admin).await.unwrap();
    let off: String = sqlx::query_scalar(read).fetch_one(&mut admin).await.unwrap();
    assert!(off.split(' ').all(|case| case.ends_with("=-")), "with billing off nothing is read-only: {off}");
}

/// Attack 5: one request asking for thousands of root fields (each its own transaction, run at
/// once) is refused before anything runs, anonymous or not, at every door.
#[tokio::test]
async fn one_request_cannot_fan_out_into_thousands_of_transactions() {
    let app = TestApp::spawn().await;
    let owner = app.sign_up("acme").await;
    let aliases: String = (0..2400).map(|i| format!("a{i}: openVolume {{ open }} ")).collect();
    let query = format!("{{ {aliases} }}");
    let body = app.gql(None, &query, json!({})).await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "anonymous: {body}");
    let body = app.gql(Some(&owner.token), &query, json!({})).await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "signed in: {body}");
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("2400 root fields"), "{body}");
    let mut socket = Socket::open(&app, &owner.token).await;
    let body = socket.run(&query).await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "over the socket: {body}");
    // Twenty are fine.
    let twenty: String = (0..20).map(|i| format!("v{i}: viewer {{ id }} ")).collect();
    let body = app.gql(Some(&owner.token), &format!("{{ {twenty} }}"), json!({})).await;
    assert!(body["errors"].is_null(), "{body}");
}

/// The runtime logins carry the limits that stop one request from holding a connection for long.
#[tokio::test]
async fn the_runtime_logins_end_long_statements_and_idle_transactions() {
    let db = ferrodesk_testkit::test_db().await;
    for (url, statement, idle) in [(&db.app_url, "10s", "15s"), (&db.worker_url, "2min", "1min")] {
        let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(url).await.unwrap();
        let (s, i): (String, String) =
            sqlx::query_as("select current_setting('statement_timeout'), current_setting('idle_in_transaction_session_timeout')")
                .fetch_one(&mut conn)
                .await
                .unwrap();
        assert_eq!((s.as_str(), i.as_str()), (statement, idle), "{url}");
    }
}

/// Per-minute request limits per client address, credential and organisation.
#[tokio::test]
async fn requests_beyond_the_per_minute_limits_are_refused() {
    let app = TestApp::spawn_with(|c| {
        c.http.rate_limits = ferrodesk_config::RateLimits { per_ip: 1000, per_credential: 5, per_org: 1000 }
    })
    .await;
    let owner = app.sign_up("acme").await;
    let mut codes = Vec::new();
    for _ in 0..7 {
        let body = app.gql(Some(&owner.token), "{ viewer { id } }", json!({})).await;
        codes.push(error_code(&body).unwrap_or("ok").to_owned());
    }
    // The sign-up's own request counted toward the address, not the new session.
    assert_eq!(codes, ["ok", "ok", "ok", "ok", "ok", "RATE_LIMITED", "RATE_LIMITED"]);
    // Another person is not held up by Acme's owner.
    let other = app.sign_up("globex").await;
    let body = app.gql(Some(&other.token), "{ viewer { id } }", json!({})).await;
    assert!(body["errors"].is_null(), "{body}");
}

/// Attack 4's other half: the demo's cap on writes covers the socket, its sessions end however
/// busy they are, and it gives out no API tokens (which would outlive both).
#[tokio::test]
async fn the_demo_caps_writes_at_every_door_and_issues_no_lasting_credential() {
    let app = TestApp::spawn().await;
    let db = ferrodesk_db::Db::connect(&app.db.worker_url.clone().into(), 4).await.unwrap();
    ferrodesk_core::demo::reset(
        &db,
        ferrodesk_core::demo::fixed_anchor(),
        ferrodesk_core::demo::When::Always,
    )
    .await
    .unwrap();
    let visitor = crate::demo::demo_session(&app).await;
    let body = app
        .gql(
            Some(&visitor.token),
            "mutation { createApiToken(input: { name: \"forever\" }) { token } }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");

    let mut socket = Socket::open(&app, &visitor.token).await;
    // The refused token was a write attempt too: it counted.
    let cap = ferrodesk_core::sandbox::WRITES_PER_HOUR.max;
    for _ in 1..cap {
        let body = socket.run("mutation { markNotificationsRead(ids: []) }").await;
        assert!(body["errors"].is_null(), "{body}");
    }
    let body = socket.run("mutation { markNotificationsRead(ids: []) }").await;
    assert_eq!(error_code(&body), Some("RATE_LIMITED"), "over the socket too: {body}");
    let body = app.gql(Some(&visitor.token), "mutation { markNotificationsRead(ids: []) }", json!({})).await;
    assert_eq!(error_code(&body), Some("RATE_LIMITED"), "and over HTTP: {body}");

    // A demo session past its absolute lifetime is over, however recently it was used.
    let mut redis = redis::Client::open(ferrodesk_testkit::redis_url())
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap();
    let key = format!(
        "{}session:{}",
        app.redis_prefix,
        hex::encode(ferrodesk_core::auth::token_hash(&visitor.token))
    );
    let stored: String = redis::cmd("GET").arg(&key).query_async(&mut redis).await.unwrap();
    let mut session: Value = serde_json::from_str(&stored).unwrap();
    session["created_at"] = json!((chrono::Utc::now() - chrono::Duration::hours(9)).to_rfc3339());
    let _: () = redis::cmd("SET").arg(&key).arg(session.to_string()).query_async(&mut redis).await.unwrap();
    let body = app.gql(Some(&visitor.token), "{ viewer { id } }", json!({})).await;
    assert!(body["data"]["viewer"].is_null(), "{body}");
}

/// Attack 4: the demo is sealed. Every path that creates or changes a person is tried from a real
/// organisation with the demo's people, and from the demo with real ones; none ties them
/// together, nobody logs in to the demo, and the nightly reset still works afterwards.
#[tokio::test]
async fn no_path_ties_a_demo_person_to_a_real_organisation_and_the_reset_still_works() {
    let h = MailHarness::start().await;
    let db = ferrodesk_db::Db::connect(&h.app.db.worker_url.clone().into(), 4).await.unwrap();
    let anchor = ferrodesk_core::demo::fixed_anchor();
    ferrodesk_core::demo::reset(&db, anchor, ferrodesk_core::demo::When::Always).await.unwrap();
    let cast_member = "grace.holloway@northwind.invalid";
    let acme = h.app.sign_up("acme").await;
    let app = &h.app;

    let body = app
        .gql(None, "mutation($i: SignUpInput!) { signUp(input: $i) { token } }", json!({ "i": {
            "organizationName": "Evil", "slug": "evil", "name": "Grace", "email": cast_member, "password": "attacker chosen pw" } }))
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "sign-up: {body}");
    let body = app
        .gql(Some(&acme.token), "mutation($e: String!) { inviteMember(input: { email: $e, name: \"G\", role: ADMIN }) { invitation { id } } }", json!({ "e": cast_member }))
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "invitation: {body}");
    let body = app
        .gql(Some(&acme.token), "mutation($e: String!) { createTicket(input: { kind: INCIDENT, subject: \"x\", requesterEmail: $e }) { ticket { id } } }", json!({ "e": cast_member }))
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "ticket on behalf: {body}");
    let body = app
        .gql(None, "mutation($e: String!) { requestPasswordReset(email: $e) }", json!({ "e": cast_member }))
        .await;
    assert_eq!(body["data"]["requestPasswordReset"], true, "the same answer as ever: {body}");
    let body = app
        .gql(Some(&acme.token), "mutation($e: String!) { requestEmailChange(input: { newEmail: $e, password: \"correct horse battery\" }) }", json!({ "e": cast_member }))
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "change of address: {body}");
    // By mail: from a demo person, and copying one.
    let raw = message(
        &format!("Grace <{cast_member}>"),
        &format!("acme@{DOMAIN}"),
        "Hi",
        Some("g-1@northwind.invalid"),
        "",
        "x",
    );
    h.send(cast_member, &format!("acme@{DOMAIN}"), &raw).await.unwrap();
    let raw = message(
        "Ann <ann@example.com>",
        &format!("acme@{DOMAIN}"),
        "Hi",
        Some("a-1@example.com"),
        &format!("Cc: {cast_member}\r\n"),
        "x",
    );
    h.send("ann@example.com", &format!("acme@{DOMAIN}"), &raw).await.unwrap();
    // From the demo: a real person cannot be named, nor mail their way in.
    let visitor = crate::demo::demo_session(app).await;
    let body = app
        .gql(Some(&visitor.token), "mutation { createTicket(input: { kind: INCIDENT, subject: \"x\", requesterEmail: \"owner@acme.test\" }) { ticket { id } } }", json!({}))
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    let raw = message(
        "Owner <owner@acme.test>",
        &format!("demo@{DOMAIN}"),
        "Let me in",
        Some("o-1@acme.test"),
        "",
        "x",
    );
    h.send("owner@acme.test", &format!("demo@{DOMAIN}"), &raw).await.unwrap();
    // The demo's own invitations cannot be accepted, even with the mailed token.
    let body = app
        .gql(Some(&visitor.token), "mutation { inviteMember(input: { email: \"sam.new@northwind.invalid\", name: \"Sam\", role: ADMIN }) { invitation { id } } }", json!({}))
        .await;
    assert!(body["errors"].is_null(), "{body}");
    let token = app.invitation_token("sam.new@northwind.invalid").await;
    let body = app
        .gql(None, "mutation($t: String!) { acceptInvitation(input: { token: $t, password: \"attacker chosen pw\" }) { token } }", json!({ "t": token }))
        .await;
    assert_eq!(error_code(&body), Some("NOT_FOUND"), "{body}");
    let body = app
        .gql(None, "mutation($e: String!) { logIn(input: { email: $e, password: \"anything at all\", organizationSlug: \"demo\" }) { token } }", json!({ "e": cast_member }))
        .await;
    assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "{body}");
    h.settle().await;

    let mut admin = app.db.admin_conn().await;
    let crossed: i64 = sqlx::query_scalar(
        "select count(*) from memberships m join users u on u.id = m.user_id join organizations o on o.id = m.org_id
         where u.demo <> o.is_demo",
    )
    .fetch_one(&mut admin)
    .await
    .unwrap();
    assert_eq!(crossed, 0, "no membership ties the demo to a real organisation");
    let quarantined: Vec<String> = sqlx::query_scalar(
        "select message_id from inbound_messages where status = 'quarantined' order by message_id",
    )
    .fetch_all(&mut admin)
    .await
    .unwrap();
    assert_eq!(quarantined, ["g-1@northwind.invalid", "o-1@acme.test"]);
    // And the reset, twice, as nights do.
    let report = ferrodesk_core::demo::reset(&db, anchor, ferrodesk_core::demo::When::Always).await.unwrap();
    assert!(report.replaced);
    ferrodesk_core::demo::reset(&db, anchor, ferrodesk_core::demo::When::Always).await.unwrap();
}

/// Attack 8's spam relay: tickets on behalf of any address and public replies mail arbitrary text
/// to it. Each organisation has an outbound quota (stricter on a free trial): past it a reply is
/// refused with RATE_LIMITED and nothing is written; admins see the count.
#[tokio::test]
async fn outbound_mail_stops_at_the_organisations_quota() {
    let app = TestApp::spawn_with(|c| c.mail.trial_daily_quota = 2).await;
    let owner = app.sign_up("acme").await;
    let reply = "mutation($t: ID!) { addTicketMessage(input: { ticketId: $t, body: \"Buy cheap watches\", internal: false }) { message { id } } }";
    let mut answers = Vec::new();
    for n in 0..3 {
        let ticket = app
            .create_ticket(&owner, json!({ "kind": "INCIDENT", "subject": "x", "requesterEmail": format!("victim{n}@example.com") }))
            .await;
        let mut admin = app.db.admin_conn().await;
        let before = counts(&mut admin).await;
        let body = app.gql(Some(&owner.token), reply, json!({ "t": ticket["id"] })).await;
        if error_code(&body).is_some() {
            assert_unchanged(&before, &counts(&mut admin).await, &[]);
        }
        answers.push(error_code(&body).unwrap_or("sent").to_owned());
    }
    // No worker has sent them yet: a reply counts from when it is queued.
    let body =
        app.gql(Some(&owner.token), "{ mailSetup { quota { sentLast24Hours limit } } }", json!({})).await;
    assert_eq!(body["data"]["mailSetup"]["quota"], json!({ "sentLast24Hours": 2, "limit": 2 }), "{body}");
    assert_eq!(answers, ["sent", "sent", "RATE_LIMITED"]);
}

/// Attack 7: an invitee whom an admin deactivated before they accepted cannot join with the link,
/// and a role changed before acceptance is the role they get.
#[tokio::test]
async fn a_deactivated_invitee_cannot_join_and_an_invitation_grants_its_own_role() {
    let app = TestApp::spawn().await;
    let owner = app.sign_up("acme").await;
    let invite = "mutation($e: String!, $r: MemberRole!) { inviteMember(input: { email: $e, name: \"X\", role: $r }) { invitation { id } } }";
    app.gql(Some(&owner.token), invite, json!({ "e": "gone@acme.test", "r": "ADMIN" })).await;
    let token = app.invitation_token("gone@acme.test").await;
    let mut admin = app.db.admin_conn().await;
    let user: uuid::Uuid =
        sqlx::query_scalar("select user_id from memberships where email = 'gone@acme.test'")
            .fetch_one(&mut admin)
            .await
            .unwrap();
    let update = "mutation($u: ID!) { updateMember(input: { userId: $u, active: false }) { status } }";
    let id = ferrodesk_testkit::global_id("User", user);
    let body = app.gql(Some(&owner.token), update, json!({ "u": id })).await;
    assert_eq!(body["data"]["updateMember"]["status"], "DISABLED", "{body}");
    let before = counts(&mut admin).await;
    let accept = "mutation($t: String!) { acceptInvitation(input: { token: $t, password: \"a fine new password\" }) { token } }";
    let body = app.gql(None, accept, json!({ "t": token })).await;
    assert_eq!(error_code(&body), Some("NOT_FOUND"), "{body}");
    assert_unchanged(&before, &counts(&mut admin).await, &[]);

    // Another invitation, demoted to requester before it is accepted: a requester joins.
    app.gql(Some(&owner.token), invite, json!({ "e": "later@acme.test", "r": "ADMIN" })).await;
    let user: uuid::Uuid =
        sqlx::query_scalar("select user_id from memberships where email = 'later@acme.test'")
            .fetch_one(&mut admin)
            .await
            .unwrap();
    let demote = "mutation($u: ID!) { updateMember(input: { userId: $u, role: REQUESTER }) { role } }";
    app.gql(Some(&owner.token), demote, json!({ "u": ferrodesk_testkit::global_id("User", user) })).await;
    let token = app.invitation_token("later@acme.test").await;
    let body = app
        .gql(None, "mutation($t: String!) { acceptInvitation(input: { token: $t, password: \"a fine new password\" }) { viewer { role } } }", json!({ "t": token }))
        .await;
    assert_eq!(body["data"]["acceptInvitation"]["viewer"]["role"], "REQUESTER", "{body}");
}
