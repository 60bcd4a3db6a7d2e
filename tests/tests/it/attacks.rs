//! The attack suite (docs/SECURITY.md, "Attacks and the tests that close them"): each attack of
//! the security review, and the variants found since, run against the real gateway, the worker's
//! intake and job runner, PostgreSQL and Redis. Each test asserts that the attack fails with the
//! documented answer and that nothing was written: every table's row count, the audit trail
//! and the outbox are as they were (but for what the test names as the attack's own trace, such
//! as a quarantined message).

use std::collections::BTreeMap;
use std::net::IpAddr;

use ferrodesk_core::auth::LinkPurpose;
use ferrodesk_testkit::{Session, error_code};
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
