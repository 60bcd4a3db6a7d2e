//! Email end to end: a real SMTP client (lettre) talks to the intake listener on a free port; the
//! worker's job runner processes what it stored; outbound mail lands in a memory transport (or a
//! real SMTP server, see `outbound_through_a_real_smtp_server`).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ferrodesk_core::live::LivePublisher;
use ferrodesk_core::mail::{MailService, Received};
use ferrodesk_core::tickets::{self, CreateTicket};
use ferrodesk_db::mail::MailPerson;
use ferrodesk_db::{Actor, Db};
use ferrodesk_domain::{Channel, OrgId, Role, UserId};
use ferrodesk_mail::auth::testing::Dns;
use ferrodesk_mail::auth::{Authenticator, MailAuth};
use ferrodesk_mail::outbound::{Sent, Templates, Transport};
use ferrodesk_mail::smtp::{self, ServerConfig};
use ferrodesk_mail::store::LocalStore;
use ferrodesk_testkit::{Session, TestApp};
use lettre::address::Envelope;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use serde_json::{Value, json};
use sqlx::{Connection, Row};
use tokio::sync::watch;

pub const DOMAIN: &str = "inbound.localhost";

pub struct MailHarness {
    pub app: TestApp,
    /// The DNS the intake verifies senders against. `example.com` sends from 127.0.0.1 (SPF) and
    /// asks receivers to reject what fails (DMARC): the tests' everyday senders are authenticated
    /// by SPF alignment, and a test publishes other domains to play spoofed or signed mail.
    pub dns: Dns,
    pub smtp_addr: SocketAddr,
    pub sent: Arc<Mutex<Vec<Sent>>>,
    /// The job runner, when the test runs it by hand ([`Self::start_paused`]).
    pub runner: Option<ferrodesk_jobs::Runner>,
    /// The mail use cases the intake and the runner call.
    pub service: Arc<MailService>,
    _stop: watch::Sender<bool>,
}

impl MailHarness {
    pub async fn start() -> Self {
        Self::start_with(Transport::memory(), |_| {}).await
    }

    pub async fn start_with(
        transport: (Transport, Arc<Mutex<Vec<Sent>>>),
        configure: impl FnOnce(&mut ServerConfig),
    ) -> Self {
        Self::start_inner(transport, configure, true).await
    }

    /// The intake alone: the test runs the jobs it queues with `runner.run_once()`.
    pub async fn start_paused(transport: (Transport, Arc<Mutex<Vec<Sent>>>)) -> Self {
        Self::start_inner(transport, |_| {}, false).await
    }

    async fn start_inner(
        (transport, sent): (Transport, Arc<Mutex<Vec<Sent>>>),
        configure: impl FnOnce(&mut ServerConfig),
        run_jobs: bool,
    ) -> Self {
        let app = TestApp::spawn().await;
        let db = Db::connect(&app.db.worker_url.clone().into(), 10).await.unwrap();
        let store_dir =
            std::env::temp_dir().join(format!("fd-attachments-{}", uuid::Uuid::now_v7().simple()));
        let live = LivePublisher::connect(&ferrodesk_testkit::redis_url(), &app.redis_prefix).await.unwrap();
        let service = Arc::new(MailService {
            db: db.clone(),
            inbound_domain: DOMAIN.into(),
            public_url: "http://localhost:8080".into(),
            ack_limit_per_hour: 5,
            store: LocalStore::new(store_dir),
            templates: Templates::new(),
            transport,
            links: ferrodesk_testkit::links(),
            quota: ferrodesk_core::notices::MailQuota { per_day: 2_000, trial_per_day: 200 },
            live: Some(live),
        });
        let (stop_tx, stop) = watch::channel(false);
        let runner =
            ferrodesk_worker::runner(db, 8, service.clone()).with_poll_interval(Duration::from_millis(50));
        let dns = Dns::start().await.unwrap();
        dns.txt("example.com", "v=spf1 ip4:127.0.0.1 -all").await.unwrap();
        dns.txt("_dmarc.example.com", "v=DMARC1; p=reject").await.unwrap();
        let authenticator = Arc::new(Authenticator::new(Some(dns.addr), DOMAIN).unwrap());
        let intake = Arc::new(
            ferrodesk_worker::intake::MailIntake::new(service.clone(), runner.waker())
                .with_authenticator(authenticator),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let smtp_addr = listener.local_addr().unwrap();
        let mut config = ServerConfig::new(DOMAIN);
        // The tests' senders all connect from 127.0.0.1, where real mail comes from many addresses.
        config.max_sessions_per_ip = 64;
        configure(&mut config);
        tokio::spawn(smtp::serve(listener, Arc::new(config), intake, stop.clone()));
        let runner = if run_jobs {
            tokio::spawn(runner.run(stop));
            None
        } else {
            Some(runner)
        };
        Self { app, dns, smtp_addr, sent, runner, service, _stop: stop_tx }
    }

    pub fn client(&self) -> AsyncSmtpTransport<Tokio1Executor> {
        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1")
            .port(self.smtp_addr.port())
            .build()
    }

    /// Sends a raw message with a real SMTP client; Err carries the server's reply.
    pub async fn send(&self, from: &str, to: &str, raw: &str) -> Result<(), lettre::transport::smtp::Error> {
        let envelope = Envelope::new(
            if from.is_empty() { None } else { Some(from.parse().unwrap()) },
            vec![to.parse().unwrap()],
        )
        .unwrap();
        self.client().send_raw(&envelope, raw.as_bytes()).await.map(|_| ())
    }

    /// Waits until every stored message and every job has been dealt with.
    pub async fn settle(&self) {
        let mut admin = self.app.db.admin_conn().await;
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let busy: i64 = sqlx::query_scalar(
                "select (select count(*) from inbound_messages where status = 'received')
                      + (select count(*) from jobs where status <> 'dead' and run_at <= now())",
            )
            .fetch_one(&mut admin)
            .await
            .unwrap();
            if busy == 0 {
                return;
            }
            assert!(Instant::now() < deadline, "mail still being processed after 30 s");
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// The organisations' mail that went out: tickets' notices, invitations, billing. A person's
    /// own account mail (the sign-ups' confirmations) is [`Self::account_mail`].
    pub fn sent(&self) -> Vec<Sent> {
        self.sent.lock().unwrap().iter().filter(|m| m.mail.loop_tag != "account").cloned().collect()
    }

    /// The links mailed about people's own accounts.
    pub fn account_mail(&self) -> Vec<Sent> {
        self.sent.lock().unwrap().iter().filter(|m| m.mail.loop_tag == "account").cloned().collect()
    }

    pub async fn ticket(&self, session: &Session, number: &str) -> Value {
        let body = self
            .app
            .gql(
                Some(&session.token),
                "query($n: String!) { ticket(number: $n) { id number subject description status channel
                    requester { name email } reopenCount
                    attachments { filename contentType sizeBytes inline contentId }
                    messages { edges { node { body internal channel originalBody author { email }
                        email { messageId from to cc authentication { authenticated spf dkim dmarc } } } } }
                    events { edges { node { action changes } } } } }",
                json!({ "n": number }),
            )
            .await;
        body["data"]["ticket"].clone()
    }

    pub async fn ticket_count(&self) -> i64 {
        let mut admin = self.app.db.admin_conn().await;
        sqlx::query_scalar("select count(*) from tickets").fetch_one(&mut admin).await.unwrap()
    }
}

pub fn message(
    from: &str,
    to: &str,
    subject: &str,
    message_id: Option<&str>,
    extra_headers: &str,
    body: &str,
) -> String {
    let mid = message_id.map(|m| format!("Message-ID: <{m}>\r\n")).unwrap_or_default();
    format!(
        "From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nDate: Sun, 22 Nov 2026 09:00:00 +0000\r\n{mid}{extra_headers}MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    )
}

fn header<'a>(sent: &'a Sent, name: &str) -> Option<&'a str> {
    let raw = std::str::from_utf8(&sent.raw).ok()?;
    raw.lines().find_map(|l| l.strip_prefix(&format!("{name}: ")))
}

#[tokio::test]
async fn a_new_email_becomes_a_ticket_and_is_acknowledged() {
    let h = MailHarness::start().await;
    let owner = h.app.sign_up("acme").await;
    let raw = message(
        "\"Ann Smith\" <ann@example.com>",
        "acme@inbound.localhost",
        "Printer on 3rd floor jammed",
        Some("first@example.com"),
        "Cc: Bob Jones <bob@example.com>\r\n",
        "It jams on every page.\r\n\r\n-- \r\nAnn Smith\r\nFinance",
    );
    h.send("ann@example.com", "acme@inbound.localhost", &raw).await.unwrap();
    h.settle().await;

    let ticket = h.ticket(&owner, "INC-1").await;
    assert_eq!(ticket["subject"], "Printer on 3rd floor jammed");
    assert_eq!(ticket["channel"], "EMAIL");
    assert_eq!(ticket["requester"]["email"], "ann@example.com");
    assert_eq!(ticket["requester"]["name"], "Ann Smith");
    assert!(ticket["description"].as_str().unwrap().contains("It jams on every page."));

    let sent = h.sent();
    assert_eq!(sent.len(), 1, "one acknowledgement");
    let ack = &sent[0];
    assert_eq!(ack.mail.to, vec!["ann@example.com".to_owned()]);
    assert_eq!(ack.mail.subject, "[INC-0001] Printer on 3rd floor jammed");
    assert_eq!(ack.mail.in_reply_to.as_deref(), Some("first@example.com"));
    assert_eq!(header(ack, "Auto-Submitted"), Some("auto-replied"));
    let reply_to = ack.mail.reply_to.clone().unwrap();
    assert!(reply_to.starts_with("acme+") && reply_to.ends_with("@inbound.localhost"), "{reply_to}");
    assert!(ack.mail.text.contains("INC-0001"));

    // Bob (in Cc) is a participant: his reply through the reply address lands on the ticket.
    let bob = message(
        "bob@example.com",
        &reply_to,
        "Also on the 2nd floor",
        Some("bob-1@example.com"),
        "",
        "Same problem on the 2nd floor printer.",
    );
    h.send("bob@example.com", &reply_to, &bob).await.unwrap();
    h.settle().await;
    assert_eq!(h.ticket_count().await, 1);
    let ticket = h.ticket(&owner, "INC-1").await;
    let messages = ticket["messages"]["edges"].as_array().unwrap();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0]["node"]["author"]["email"], "bob@example.com");
    assert_eq!(messages[0]["node"]["channel"], "EMAIL");
    assert_eq!(messages[0]["node"]["email"]["messageId"], "bob-1@example.com");
    assert_eq!(h.sent().len(), 1, "replies are not acknowledged");
}

#[tokio::test]
async fn replies_thread_and_agent_replies_go_out_by_email() {
    let h = MailHarness::start().await;
    let owner = h.app.sign_up("acme").await;
    let first = message(
        "Ann <ann@example.com>",
        "acme@inbound.localhost",
        "VPN drops every hour",
        Some("vpn-1@example.com"),
        "Cc: carol@example.com\r\n",
        "The VPN disconnects hourly.",
    );
    h.send("ann@example.com", "acme@inbound.localhost", &first).await.unwrap();
    h.settle().await;
    let ticket = h.ticket(&owner, "INC-1").await;

    // An agent answers in the app: the requester gets it by email, Carol in Cc.
    let body = h
        .app
        .gql(
            Some(&owner.token),
            "mutation($i: AddTicketMessageInput!) { addTicketMessage(input: $i) { message { id } } }",
            json!({ "i": { "ticketId": ticket["id"], "body": "Please update the client to 5.2.\n\nThanks", "internal": false } }),
        )
        .await;
    assert!(body["errors"].is_null(), "{body}");
    // An internal note never leaves the building.
    h.app
        .gql(
            Some(&owner.token),
            "mutation($i: AddTicketMessageInput!) { addTicketMessage(input: $i) { message { id } } }",
            json!({ "i": { "ticketId": ticket["id"], "body": "Known issue with 5.1", "internal": true } }),
        )
        .await;
    h.settle().await;
    let sent = h.sent();
    assert_eq!(sent.len(), 2, "acknowledgement and the agent's reply");
    let reply = &sent[1];
    assert_eq!(reply.mail.to, vec!["ann@example.com".to_owned()]);
    assert_eq!(reply.mail.cc, vec!["carol@example.com".to_owned()]);
    assert_eq!(reply.mail.subject, "Re: [INC-0001] VPN drops every hour");
    assert!(reply.mail.text.contains("Please update the client to 5.2."));
    assert!(!reply.mail.text.contains("Known issue"));
    assert_eq!(header(reply, "Auto-Submitted"), None);

    // Ann answers the reply from Gmail: In-Reply-To threads it, the quote is trimmed.
    let answer = message(
        "Ann <ann@example.com>",
        "acme@inbound.localhost",
        "Re: [INC-1] VPN drops every hour",
        Some("vpn-2@example.com"),
        &format!(
            "In-Reply-To: <{}>\r\nReferences: <vpn-1@example.com> <{}>\r\n",
            reply.mail.message_id, reply.mail.message_id
        ),
        "Updated, all good now!\r\n\r\nOn Sun, 22 Nov 2026 at 10:00, Acme Support <acme@inbound.localhost> wrote:\r\n> Please update the client to 5.2.",
    );
    h.send("ann@example.com", "acme@inbound.localhost", &answer).await.unwrap();
    // A stranger using the ticket tag does not get into the conversation: a new ticket.
    let stranger = message(
        "eve@evil.test",
        "acme@inbound.localhost",
        "Re: [INC-1] VPN drops every hour",
        Some("eve-1@evil.test"),
        "",
        "let me in",
    );
    h.send("eve@evil.test", "acme@inbound.localhost", &stranger).await.unwrap();
    h.settle().await;
    let ticket = h.ticket(&owner, "INC-1").await;
    let bodies: Vec<&str> = ticket["messages"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["body"].as_str().unwrap())
        .collect();
    assert_eq!(
        bodies,
        ["Please update the client to 5.2.\n\nThanks", "Known issue with 5.1", "Updated, all good now!"]
    );
    let original = ticket["messages"]["edges"][2]["node"]["originalBody"].as_str().unwrap();
    assert!(original.contains("> Please update the client"), "the original keeps the quote");
    assert_eq!(h.ticket_count().await, 2, "the stranger got a ticket of their own");

    // Resolving tells Ann by email.
    h.app
        .gql(
            Some(&owner.token),
            "mutation($i: UpdateTicketInput!) { updateTicket(input: $i) { ticket { status } } }",
            json!({ "i": { "id": ticket["id"], "status": "RESOLVED" } }),
        )
        .await;
    h.settle().await;
    let last = h.sent().into_iter().find(|s| s.mail.text.contains("resolved")).expect("a status mail");
    assert_eq!(header(&last, "Auto-Submitted"), Some("auto-generated"));
}

#[tokio::test]
async fn replies_to_closed_tickets_follow_up_or_reopen() {
    let h = MailHarness::start().await;
    let owner = h.app.sign_up("acme").await;
    let first = message(
        "ann@example.com",
        "acme@inbound.localhost",
        "Laptop fan loud",
        Some("fan-1@example.com"),
        "",
        "Very loud.",
    );
    h.send("ann@example.com", "acme@inbound.localhost", &first).await.unwrap();
    h.settle().await;
    let ticket = h.ticket(&owner, "INC-1").await;
    h.app
        .gql(
            Some(&owner.token),
            "mutation($i: UpdateTicketInput!) { updateTicket(input: $i) { ticket { status } } }",
            json!({ "i": { "id": ticket["id"], "status": "CLOSED" } }),
        )
        .await;
    let reply = |n: u32| {
        message(
            "ann@example.com",
            "acme@inbound.localhost",
            "Re: Laptop fan loud",
            Some(&format!("fan-reply-{n}@example.com")),
            "In-Reply-To: <fan-1@example.com>\r\n",
            "It is back.",
        )
    };
    h.send("ann@example.com", "acme@inbound.localhost", &reply(1)).await.unwrap();
    h.settle().await;
    let follow_up = h.ticket(&owner, "INC-2").await;
    assert_eq!(follow_up["subject"], "Re: Laptop fan loud");
    let closed = h.ticket(&owner, "INC-1").await;
    assert_eq!(closed["status"], "CLOSED");
    assert!(
        closed["events"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["node"]["action"] == "ticket.follow_up_created"),
        "{closed}"
    );

    let body = h
        .app
        .gql(
            Some(&owner.token),
            "mutation { updateMailSettings(input: { closedReply: REOPEN }) { closedReply intakeAddress } }",
            json!({}),
        )
        .await;
    assert_eq!(body["data"]["updateMailSettings"]["closedReply"], "REOPEN", "{body}");
    assert_eq!(body["data"]["updateMailSettings"]["intakeAddress"], "acme@inbound.localhost");
    // INC-2 is closed too; a reply threads onto the newest ticket that knows the message.
    h.app
        .gql(
            Some(&owner.token),
            "mutation($i: UpdateTicketInput!) { updateTicket(input: $i) { ticket { status } } }",
            json!({ "i": { "id": follow_up["id"], "status": "CLOSED" } }),
        )
        .await;
    let reopen = message(
        "ann@example.com",
        "acme@inbound.localhost",
        "Re: Laptop fan loud",
        Some("fan-reply-2@example.com"),
        "In-Reply-To: <fan-reply-1@example.com>\r\n",
        "Still loud.",
    );
    h.send("ann@example.com", "acme@inbound.localhost", &reopen).await.unwrap();
    h.settle().await;
    let reopened = h.ticket(&owner, "INC-2").await;
    assert_eq!(reopened["status"], "OPEN");
    assert_eq!(reopened["reopenCount"], 1);
    assert_eq!(h.ticket_count().await, 2);
}

#[tokio::test]
async fn machines_never_start_a_mail_loop() {
    let h = MailHarness::start().await;
    let owner = h.app.sign_up("acme").await;
    let send = |from: &'static str, subject: &'static str, headers: &'static str, id: &'static str| {
        let h = &h;
        async move {
            let raw = message(from, "acme@inbound.localhost", subject, Some(id), headers, "text");
            h.send(from, "acme@inbound.localhost", &raw).await.unwrap();
        }
    };
    send("away@example.com", "Out of office", "Auto-Submitted: auto-replied\r\n", "a1@x").await;
    send("news@example.com", "Newsletter", "List-Id: <news.example.com>\r\n", "a2@x").await;
    send("bulk@example.com", "Offer", "Precedence: bulk\r\n", "a3@x").await;
    send("oof@example.com", "Away", "X-Autoreply: yes\r\n", "a4@x").await;
    h.settle().await;
    assert_eq!(h.ticket_count().await, 4, "machine mail is still logged");
    assert!(
        h.sent().is_empty(),
        "but never acknowledged: {:?}",
        h.sent().iter().map(|s| &s.mail.to).collect::<Vec<_>>()
    );

    // A person writing many times in an hour gets at most 5 acknowledgements.
    for n in 0..7 {
        let raw = message(
            "chatty@example.com",
            "acme@inbound.localhost",
            &format!("Question {n}"),
            Some(&format!("q{n}@x")),
            "",
            "?",
        );
        h.send("chatty@example.com", "acme@inbound.localhost", &raw).await.unwrap();
    }
    h.settle().await;
    assert_eq!(h.sent().len(), 5);

    // Our own acknowledgement coming back (a forward loop) is ignored.
    let own = String::from_utf8(h.sent()[0].raw.clone()).unwrap();
    h.send("acme@inbound.localhost", "acme@inbound.localhost", &own).await.unwrap();
    // A bounce of an acknowledgement becomes an event on its ticket, not a ticket.
    let ack_id = h.sent()[0].mail.message_id.clone();
    let dsn = format!(
        "From: MAILER-DAEMON@mx.example.com\r\nTo: acme@inbound.localhost\r\nSubject: Undelivered Mail\r\nMessage-ID: <dsn-1@mx.example.com>\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nfailed\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.com\r\n\r\nFinal-Recipient: rfc822; chatty@example.com\r\nAction: failed\r\nStatus: 5.1.1\r\n\r\n--b\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <{ack_id}>\r\n\r\n--b--\r\n"
    );
    h.send("", "acme@inbound.localhost", &dsn).await.unwrap();
    h.settle().await;
    assert_eq!(h.ticket_count().await, 11, "neither the loop nor the bounce made a ticket");
    assert_eq!(h.sent().len(), 5);
    let bounced: Vec<Value> = {
        let mut admin = h.app.db.admin_conn().await;
        sqlx::query("select changes from events where action = 'ticket.delivery_failed'")
            .fetch_all(&mut admin)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.get::<Value, _>(0))
            .collect()
    };
    assert_eq!(bounced.len(), 1);
    assert_eq!(bounced[0]["status"], "5.1.1");
    let _ = owner;
}

#[tokio::test]
async fn the_same_message_twice_makes_one_ticket() {
    let h = MailHarness::start().await;
    h.app.sign_up("acme").await;
    let with_id =
        message("ann@example.com", "acme@inbound.localhost", "Twice", Some("twice@example.com"), "", "hello");
    let without_id = message("ann@example.com", "acme@inbound.localhost", "No id", None, "", "hello");
    for _ in 0..3 {
        h.send("ann@example.com", "acme@inbound.localhost", &with_id).await.unwrap();
        h.send("ann@example.com", "acme@inbound.localhost", &without_id).await.unwrap();
    }
    h.settle().await;
    assert_eq!(h.ticket_count().await, 2);
    let mut admin = h.app.db.admin_conn().await;
    let duplicates: i64 =
        sqlx::query_scalar("select count(*) from inbound_messages where status = 'duplicate'")
            .fetch_one(&mut admin)
            .await
            .unwrap();
    assert_eq!(duplicates, 4);
}

#[tokio::test]
async fn unknown_recipients_big_messages_and_quarantine() {
    let h = MailHarness::start_with(Transport::memory(), |c| c.max_message_bytes = 20_000).await;
    let owner = h.app.sign_up("acme").await;
    let raw = message("ann@example.com", "nobody@inbound.localhost", "x", Some("u@x"), "", "x");
    let err = h.send("ann@example.com", "nobody@inbound.localhost", &raw).await.unwrap_err();
    assert!(err.is_permanent() && err.to_string().contains("550"), "{err}");
    let big =
        message("ann@example.com", "acme@inbound.localhost", "big", Some("big@x"), "", &"x".repeat(30_000));
    let err = h.send("ann@example.com", "acme@inbound.localhost", &big).await.unwrap_err();
    assert!(err.to_string().contains("552"), "{err}");

    // No From: kept in quarantine with the reason, for an admin to see, release or discard.
    let no_from = "To: acme@inbound.localhost\r\nSubject: who am I\r\nMessage-ID: <nofrom@x>\r\n\r\nbody\r\n";
    h.send("ann@example.com", "acme@inbound.localhost", no_from).await.unwrap();
    h.settle().await;
    let body = quarantine(&h, &owner).await;
    let edges = body["data"]["inboundMessages"]["edges"].as_array().unwrap().clone();
    assert_eq!(edges.len(), 1, "{body}");
    assert!(edges[0]["node"]["reason"].as_str().unwrap().contains("no sender"));
    let id = edges[0]["node"]["id"].clone();
    // Releasing processes it again (it is still without a sender, so back it goes).
    let body = h
        .app
        .gql(
            Some(&owner.token),
            "mutation($id: ID!) { releaseInboundMessage(id: $id) { status } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(body["data"]["releaseInboundMessage"]["status"], "RECEIVED", "{body}");
    h.settle().await;
    let body = h
        .app
        .gql(
            Some(&owner.token),
            "mutation($id: ID!) { discardInboundMessage(id: $id) { status } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(body["data"]["discardInboundMessage"]["status"], "DISCARDED", "{body}");
    assert!(quarantine(&h, &owner).await["data"]["inboundMessages"]["edges"].as_array().unwrap().is_empty());

    // Agents cannot see the quarantine.
    let agent = h.app.add_member(&owner, "agent@acme.test", "AGENT").await;
    let body = h
        .app
        .gql(
            Some(&agent.token),
            "{ inboundMessages(status: QUARANTINED) { edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(ferrodesk_testkit::error_code(&body), Some("FORBIDDEN"));
}

/// A message that made the MIME parser panic (found by fuzzing) is accepted and quarantined as
/// unreadable: it neither kills the session nor comes back from the sender for ever.
#[tokio::test]
async fn a_message_that_panics_the_parser_is_quarantined_as_unreadable() {
    let h = MailHarness::start().await;
    let owner = h.app.sign_up("acme").await;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/mail");
    let bytes = std::fs::read(dir.join("parser_panic.eml")).unwrap();
    let envelope = Envelope::new(
        Some("grace@example.com".parse().unwrap()),
        vec!["acme@inbound.localhost".parse().unwrap()],
    )
    .unwrap();
    h.client().send_raw(&envelope, &bytes).await.unwrap();
    h.settle().await;
    let body = quarantine(&h, &owner).await;
    let edges = body["data"]["inboundMessages"]["edges"].as_array().unwrap().clone();
    assert_eq!(edges.len(), 1, "{body}");
    assert!(edges[0]["node"]["reason"].as_str().unwrap().starts_with("unreadable"), "{body}");
    assert_eq!(h.ticket_count().await, 0);
}

#[tokio::test]
async fn mail_never_crosses_organisations() {
    let h = MailHarness::start().await;
    let acme = h.app.sign_up("acme").await;
    let globex = h.app.sign_up("globex").await;
    let raw = message(
        "ann@example.com",
        "acme@inbound.localhost",
        "Acme issue",
        Some("acme-1@example.com"),
        "",
        "x",
    );
    h.send("ann@example.com", "acme@inbound.localhost", &raw).await.unwrap();
    h.settle().await;
    // A message to Globex that references Acme's thread and Acme's reply token is a new Globex
    // ticket, never a reply on Acme's.
    let ack = h.sent()[0].mail.clone();
    let token_address = ack.reply_to.unwrap().replace("acme+", "globex+");
    let cross = message(
        "ann@example.com",
        &token_address,
        "Re: [INC-1] Acme issue",
        Some("cross@example.com"),
        &format!("In-Reply-To: <{}>\r\nReferences: <acme-1@example.com>\r\n", ack.message_id),
        "sneaky",
    );
    h.send("ann@example.com", &token_address, &cross).await.unwrap();
    h.settle().await;
    let acme_ticket = h.ticket(&acme, "INC-1").await;
    assert!(acme_ticket["messages"]["edges"].as_array().unwrap().is_empty());
    let globex_ticket = h.ticket(&globex, "INC-1").await;
    assert_eq!(globex_ticket["subject"], "Re: [INC-1] Acme issue");
    assert_eq!(globex_ticket["description"], "sneaky");
}

async fn quarantine(h: &MailHarness, owner: &Session) -> Value {
    h.app
        .gql(
            Some(&owner.token),
            "{ inboundMessages(status: QUARANTINED) { edges { node { id reason subject mailFrom } } } }",
            json!({}),
        )
        .await
}

/// Tricky real-world shapes (tests/fixtures/mail): each becomes one readable ticket.
#[tokio::test]
async fn a_corpus_of_tricky_messages() {
    let h = MailHarness::start().await;
    let owner = h.app.sign_up("acme").await;
    // (file, subject, a piece of the description, attachments)
    let cases: [(&str, &str, &str, usize); 11] = [
        ("latin1.eml", "Café machine cassée", "La machine à café du 2ème étage est cassée.", 0),
        (
            "windows1252.eml",
            "Smart quotes",
            "The \u{201c}Save\u{201d} button doesn\u{2019}t work \u{2013} at all.",
            0,
        ),
        ("nested_multipart.eml", "Error dialog with screenshot", "See the error in the screenshot below.", 2),
        ("winmail.eml", "Meeting room display broken", "The display in room 4.12 shows no signal.", 1),
        ("huge_header.eml", "Huge headers", "Body after huge headers.", 0),
        ("no_message_id.eml", "No message id here", "This message has no Message-ID header.", 0),
        (
            "eight_bit_header.eml",
            "Drucker im Büro geht nicht",
            "Der Drucker im Büro druckt nur leere Seiten.",
            0,
        ),
        ("only_attachment.eml", "Invoice scan", "", 1),
        ("forwarded.eml", "Fwd: Phishing?", "Click here to verify your account now.", 1),
        ("outlook_reply.eml", "RE: Monitor flickers", "The new cable fixed it.", 0),
        ("html_only.eml", "HTML only", "My keyboard types double letters.", 0),
    ];
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/mail");
    for (file, ..) in &cases {
        let bytes = std::fs::read(dir.join(file)).unwrap();
        let envelope = Envelope::new(
            Some("sender@example.com".parse().unwrap()),
            vec!["acme@inbound.localhost".parse().unwrap()],
        )
        .unwrap();
        h.client().send_raw(&envelope, &bytes).await.unwrap_or_else(|e| panic!("{file}: {e}"));
        // One at a time, so ticket numbers follow the list.
        h.settle().await;
    }
    assert_eq!(h.ticket_count().await, cases.len() as i64);
    for (n, (file, subject, text, attachments)) in cases.iter().enumerate() {
        let ticket = h.ticket(&owner, &format!("INC-{}", n + 1)).await;
        assert_eq!(ticket["subject"], *subject, "{file}");
        assert!(ticket["description"].as_str().unwrap().contains(text), "{file}: {}", ticket["description"]);
        assert_eq!(
            ticket["attachments"].as_array().unwrap().len(),
            *attachments,
            "{file}: {}",
            ticket["attachments"]
        );
    }
    let winmail = h.ticket(&owner, "INC-4").await;
    assert_eq!(winmail["attachments"][0]["filename"], "winmail.dat");
    let nested = h.ticket(&owner, "INC-3").await;
    let inline =
        nested["attachments"].as_array().unwrap().iter().find(|a| a["inline"] == true).unwrap().clone();
    assert_eq!(inline["contentId"], "shot1@example.com");
    assert_eq!(ticket_requester(&h, &owner, "INC-7").await, "Jürgen Groß");
}

async fn ticket_requester(h: &MailHarness, owner: &Session, number: &str) -> String {
    h.ticket(owner, number).await["requester"]["name"].as_str().unwrap().to_owned()
}

/// Debian's swaks, a real SMTP client this project did not write (installed by infra/test.sh).
#[tokio::test]
async fn swaks_delivers_a_ticket() {
    let h = MailHarness::start().await;
    let owner = h.app.sign_up("acme").await;
    let server = format!("127.0.0.1:{}", h.smtp_addr.port());
    let output = tokio::process::Command::new("swaks")
        .args(["--server", &server, "--from", "ann@example.com", "--to", "acme@inbound.localhost"])
        .args(["--header", "Subject: Sent with swaks", "--body", "Hello from swaks", "--pipeline"])
        .output()
        .await
        .expect("swaks is installed by infra/test.sh (apt-get install swaks)");
    let transcript = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{transcript}");
    assert!(transcript.contains("<-  250 2.0.0 OK queued as"), "{transcript}");
    h.settle().await;
    let ticket = h.ticket(&owner, "INC-1").await;
    assert_eq!(ticket["subject"], "Sent with swaks");
    assert!(ticket["description"].as_str().unwrap().contains("Hello from swaks"));
}

/// Outbound mail through a real SMTP server this project did not write: Debian's aiosmtpd,
/// delivering into a Maildir.
#[tokio::test]
async fn outbound_through_a_real_smtp_server() {
    let maildir = std::env::temp_dir().join(format!("fd-maildir-{}", uuid::Uuid::now_v7().simple()));
    let (port, mut server) = aiosmtpd("aiosmtpd.handlers.Mailbox", &maildir, None).await;
    let relay = Transport::from_config(Some(&format!("smtp://127.0.0.1:{port}")), &maildir).unwrap();
    let h = MailHarness::start_with((relay, Arc::new(Mutex::new(Vec::new()))), |_| {}).await;
    h.app.sign_up("acme").await;
    let raw = message(
        "Ann <ann@example.com>",
        "acme@inbound.localhost",
        "Screen is black",
        Some("black@example.com"),
        "",
        "Nothing on screen.",
    );
    h.send("ann@example.com", "acme@inbound.localhost", &raw).await.unwrap();
    h.settle().await;
    // The sign-up's confirmation may have gone too, or not (its link was used at once).
    let delivered: Vec<String> = std::fs::read_dir(maildir.join("new"))
        .map(|dir| dir.filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok()).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .filter(|m| !m.contains("X-Ferrodesk-Loop: account"))
        .collect();
    assert_eq!(delivered.len(), 1, "aiosmtpd received the acknowledgement");
    let mail = &delivered[0];
    assert!(mail.contains("Subject: [INC-0001] Screen is black"), "{mail}");
    assert!(mail.contains("In-Reply-To: <black@example.com>"), "{mail}");
    let mut admin = h.app.db.admin_conn().await;
    let status: String =
        sqlx::query_scalar("select status from outbound_messages").fetch_one(&mut admin).await.unwrap();
    assert_eq!(status, "sent");
    let _ = server.kill().await;
    let _ = std::fs::remove_dir_all(maildir);
}

#[tokio::test]
async fn a_forwarding_alias_is_verified_by_its_own_mail_coming_back() {
    let h = MailHarness::start().await;
    let owner = h.app.sign_up("acme").await;
    let body = h
        .app
        .gql(
            Some(&owner.token),
            r#"mutation { addMailAlias(address: "Support@Acme-Corp.example") { id address verifiedAt } }"#,
            json!({}),
        )
        .await;
    assert_eq!(body["data"]["addMailAlias"]["address"], "support@acme-corp.example", "{body}");
    assert!(body["data"]["addMailAlias"]["verifiedAt"].is_null());
    h.settle().await;
    // Until verified, the alias routes nothing.
    let early =
        message("ann@example.com", "support@acme-corp.example", "Too early", Some("early@x"), "", "x");
    let err = h.send("ann@example.com", "support@acme-corp.example", &early).await.unwrap_err();
    assert!(err.to_string().contains("550"), "{err}");

    // The verification mail goes to the alias; the customer's forward brings it back to us.
    let sent = h.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].mail.to, vec!["support@acme-corp.example".to_owned()]);
    let forwarded = String::from_utf8(sent[0].raw.clone()).unwrap();
    h.send("support@acme-corp.example", "acme@inbound.localhost", &forwarded).await.unwrap();
    h.settle().await;
    let body = h
        .app
        .gql(Some(&owner.token), "{ mailSetup { intakeAddress aliases { address verifiedAt } } }", json!({}))
        .await;
    assert!(body["data"]["mailSetup"]["aliases"][0]["verifiedAt"].is_string(), "{body}");
    assert_eq!(h.ticket_count().await, 0, "the verification mail is not a ticket");

    // Now mail to the alias (e.g. an MX pointing at us) becomes a ticket of the organisation.
    let real = message(
        "ann@example.com",
        "support@acme-corp.example",
        "Via the alias",
        Some("alias-1@x"),
        "",
        "hello",
    );
    h.send("ann@example.com", "support@acme-corp.example", &real).await.unwrap();
    h.settle().await;
    assert_eq!(h.ticket(&owner, "INC-1").await["subject"], "Via the alias");

    // Another organisation can add the same address, but never verify it away from Acme.
    let globex = h.app.sign_up("globex").await;
    let body = h
        .app
        .gql(
            Some(&globex.token),
            r#"mutation { addMailAlias(address: "support@acme-corp.example") { id } }"#,
            json!({}),
        )
        .await;
    assert!(body["errors"].is_null(), "adding reveals nothing: {body}");
}

/// STARTTLS with a self-signed certificate: the client upgrades and delivers over TLS.
#[tokio::test]
async fn starttls_when_a_certificate_is_configured() {
    let dir = std::env::temp_dir().join(format!("fd-tls-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let status = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost",
        ])
        .arg("-keyout")
        .arg(dir.join("key.pem"))
        .arg("-out")
        .arg(dir.join("cert.pem"))
        .stderr(std::process::Stdio::null())
        .status()
        .expect("openssl");
    assert!(status.success());
    let acceptor = smtp::tls_acceptor(
        &std::fs::read(dir.join("cert.pem")).unwrap(),
        &std::fs::read(dir.join("key.pem")).unwrap(),
    )
    .unwrap();
    let h = MailHarness::start_with(Transport::memory(), move |c| c.tls = Some(acceptor)).await;
    let owner = h.app.sign_up("acme").await;
    let tls = lettre::transport::smtp::client::TlsParameters::builder("localhost".into())
        .dangerous_accept_invalid_certs(true)
        .build_rustls()
        .unwrap();
    let client = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("127.0.0.1")
        .port(h.smtp_addr.port())
        .tls(lettre::transport::smtp::client::Tls::Required(tls))
        .build();
    let raw = message("ann@example.com", "acme@inbound.localhost", "Over TLS", Some("tls@x"), "", "secret");
    let envelope = Envelope::new(
        Some("ann@example.com".parse().unwrap()),
        vec!["acme@inbound.localhost".parse().unwrap()],
    )
    .unwrap();
    client.send_raw(&envelope, raw.as_bytes()).await.unwrap();
    h.settle().await;
    assert_eq!(h.ticket(&owner, "INC-1").await["subject"], "Over TLS");
    let _ = std::fs::remove_dir_all(dir);
}

/// Debian's aiosmtpd as a relay that refuses some recipients: `bounce…` for good (550), `later…`
/// for now (451); it delivers the rest into a Maildir.
async fn picky_relay(dir: &std::path::Path) -> (u16, tokio::process::Child) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(
        dir.join("picky.py"),
        "from aiosmtpd.handlers import Mailbox\n\
         class Picky(Mailbox):\n\
         \x20   async def handle_RCPT(self, server, session, envelope, address, rcpt_options):\n\
         \x20       if address.startswith('bounce'):\n\
         \x20           return '550 5.1.1 no such mailbox here'\n\
         \x20       if address.startswith('later'):\n\
         \x20           return '451 4.3.0 mailbox busy, try again later'\n\
         \x20       envelope.rcpt_tos.append(address)\n\
         \x20       return '250 OK'\n",
    )
    .unwrap();
    aiosmtpd("picky.Picky", &dir.join("maildir"), Some(dir)).await
}

/// Starts Debian's aiosmtpd on a free port with `handler` (a Python class, found on
/// `pythonpath` when given) delivering into `maildir`; returns once it accepts connections.
async fn aiosmtpd(
    handler: &str,
    maildir: &std::path::Path,
    pythonpath: Option<&std::path::Path>,
) -> (u16, tokio::process::Child) {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut command = tokio::process::Command::new("/usr/bin/python3");
    command.args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}"), "-c", handler]).arg(maildir);
    if let Some(path) = pythonpath {
        command.env("PYTHONPATH", path);
    }
    let server = command
        .kill_on_drop(true)
        .spawn()
        .expect("aiosmtpd is installed by infra/test.sh (apt-get install python3-aiosmtpd)");
    let deadline = Instant::now() + Duration::from_secs(15);
    while tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
        assert!(Instant::now() < deadline, "aiosmtpd did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    (port, server)
}

/// New tickets' acknowledgements are stored with their ticket and go out in one batch across
/// organisations: what the relay took is marked sent, what it refused for good is marked failed
/// with an event on its ticket, and what it deferred stays queued with the reason, its job
/// retried later. The batch functions act only for the worker holding the jobs.
#[tokio::test]
async fn stored_acknowledgements_go_out_in_batches_and_each_failure_is_recorded() {
    let dir = std::env::temp_dir().join(format!("fd-picky-{}", uuid::Uuid::now_v7().simple()));
    let (port, mut server) = picky_relay(&dir).await;
    let relay = Transport::from_config(Some(&format!("smtp://127.0.0.1:{port}")), &dir).unwrap();
    let h = MailHarness::start_paused((relay, Arc::new(Mutex::new(Vec::new())))).await;
    h.app.sign_up("acme").await;
    h.app.sign_up("beta").await;
    let mut admin = h.app.db.admin_conn().await;
    // The sign-ups' confirmation mails are not this test's batch.
    sqlx::query("delete from jobs where kind = 'account.mail'").execute(&mut admin).await.unwrap();
    for (from, to) in [
        ("ann@example.com", "acme"),
        ("bob@example.com", "beta"),
        ("bounce@example.com", "acme"),
        ("later@example.com", "beta"),
    ] {
        let raw = message(from, &format!("{to}@{DOMAIN}"), &format!("Help {from}"), None, "", "Please help.");
        h.send(from, &format!("{to}@{DOMAIN}"), &raw).await.unwrap();
    }
    let stored: Vec<(String, String)> =
        sqlx::query_as("select recipients[1], status from outbound_messages order by recipients[1]")
            .fetch_all(&mut admin)
            .await
            .unwrap();
    assert_eq!(stored.len(), 4, "each acknowledgement is stored with its ticket, before any job runs");
    assert!(stored.iter().all(|(_, status)| status == "queued"), "{stored:?}");

    let runner = h.runner.as_ref().unwrap();
    assert_eq!(runner.run_once().await.unwrap(), 4, "one claim takes the whole batch");
    let outcome: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "select recipients[1], status, last_error from outbound_messages order by recipients[1]",
    )
    .fetch_all(&mut admin)
    .await
    .unwrap();
    assert_eq!(outcome[0].0, "ann@example.com");
    assert_eq!(outcome[0].1, "sent");
    assert_eq!(outcome[1].0, "bob@example.com");
    assert_eq!(outcome[1].1, "sent");
    assert_eq!(outcome[2].0, "bounce@example.com");
    assert_eq!(outcome[2].1, "failed");
    assert!(outcome[2].2.as_deref().unwrap_or_default().contains("no such mailbox"), "{outcome:?}");
    assert_eq!(outcome[3].0, "later@example.com");
    assert_eq!(outcome[3].1, "queued");
    assert!(outcome[3].2.as_deref().unwrap_or_default().contains("try again later"), "{outcome:?}");
    let delivered = std::fs::read_dir(dir.join("maildir").join("new")).map(|d| d.count()).unwrap_or(0);
    assert_eq!(delivered, 2, "the relay holds the two it accepted");
    let failure: Value = sqlx::query_scalar(
        "select e.changes from events e join tickets t on t.org_id = e.org_id and t.id = e.subject_id
         join users u on u.id = t.requester_id
         where e.action = 'ticket.delivery_failed' and u.email = 'bounce@example.com'",
    )
    .fetch_one(&mut admin)
    .await
    .unwrap();
    assert_eq!(failure["recipients"], json!(["bounce@example.com"]));
    let jobs: Vec<(String, i32, bool)> = sqlx::query_as("select status, attempts, run_at > now() from jobs")
        .fetch_all(&mut admin)
        .await
        .unwrap();
    assert_eq!(jobs, vec![("queued".to_owned(), 1, true)], "only the deferred one is left, retried later");

    // The batch functions, as the worker's login: nothing for a worker that does not hold the job.
    let mut app = sqlx::PgConnection::connect(&h.app.db.worker_url).await.unwrap();
    sqlx::query("update jobs set run_at = now()").execute(&mut admin).await.unwrap();
    let claimed: Vec<uuid::Uuid> = sqlx::query_scalar("select id from fd_claim_jobs('w1', 10, '1 minute')")
        .fetch_all(&mut app)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 1);
    let other: i64 = sqlx::query_scalar("select count(*) from fd_stored_notices('w2', $1, null)")
        .bind(&claimed)
        .fetch_one(&mut app)
        .await
        .unwrap();
    assert_eq!(other, 0);
    let done: Vec<uuid::Uuid> = sqlx::query_scalar("select * from fd_notices_sent('w2', $1)")
        .bind(&claimed)
        .fetch_all(&mut app)
        .await
        .unwrap();
    assert!(done.is_empty(), "another worker's jobs are not completed");
    let notices: Vec<(String,)> =
        sqlx::query_as("select recipients[1] from fd_stored_notices('w1', $1, null)")
            .bind(&claimed)
            .fetch_all(&mut app)
            .await
            .unwrap();
    assert_eq!(notices, vec![("later@example.com".to_owned(),)], "the holder sees its job's message only");
    let done: Vec<uuid::Uuid> = sqlx::query_scalar("select * from fd_notices_sent('w1', $1)")
        .bind(&claimed)
        .fetch_all(&mut app)
        .await
        .unwrap();
    assert_eq!(done, claimed);
    let (status, sent_at): (String, bool) = sqlx::query_as(
        "select status, sent_at is not null from outbound_messages where recipients[1] = 'later@example.com'",
    )
    .fetch_one(&mut admin)
    .await
    .unwrap();
    assert_eq!((status.as_str(), sent_at), ("sent", true));
    let left: i64 = sqlx::query_scalar("select count(*) from jobs").fetch_one(&mut admin).await.unwrap();
    assert_eq!(left, 0);
    let _ = server.kill().await;
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn a_sender_is_known_deduplicated_and_limited_only_within_their_organisation() {
    let h = MailHarness::start().await;
    h.app.sign_up("acme").await;
    h.app.sign_up("globex").await;
    let mut admin = h.app.db.admin_conn().await;
    let org = |slug: &'static str| {
        sqlx::query_scalar::<_, uuid::Uuid>("select id from organizations where slug = $1").bind(slug)
    };
    let acme_id = org("acme").fetch_one(&mut admin).await.unwrap();
    let globex_id = org("globex").fetch_one(&mut admin).await.unwrap();
    let to_acme = format!("acme@{DOMAIN}");
    let to_globex = format!("globex@{DOMAIN}");
    let raw = message("Ann <ann@example.com>", &to_acme, "VPN", Some("vpn-1@example.com"), "", "It drops.");
    h.send("ann@example.com", &to_acme, &raw).await.unwrap();
    h.settle().await;
    // Written once, with its outcome: processed at or after it was received, with its ticket.
    let (status, processed, ticket): (String, bool, bool) = sqlx::query_as(
        "select status, processed_at >= received_at, ticket_id is not null from inbound_messages",
    )
    .fetch_one(&mut admin)
    .await
    .unwrap();
    assert_eq!((status.as_str(), processed, ticket), ("processed", true, true));
    let member: (String, String) = sqlx::query_as(
        "select m.role, m.status from memberships m join users u on u.id = m.user_id
         where m.org_id = $1 and u.email = 'ann@example.com'",
    )
    .bind(acme_id)
    .fetch_one(&mut admin)
    .await
    .unwrap();
    assert_eq!(member, ("requester".to_owned(), "active".to_owned()), "a first mail makes a requester");

    // The same message to Globex is Globex's first (dedupe keys are per organisation); to Acme
    // again it is a duplicate.
    h.send("ann@example.com", &to_globex, &raw).await.unwrap();
    h.send("ann@example.com", &to_acme, &raw).await.unwrap();
    h.settle().await;
    let outcomes: Vec<(String, String)> = sqlx::query_as(
        "select o.slug, i.status from inbound_messages i join organizations o on o.id = i.org_id
         order by i.received_at, i.id",
    )
    .fetch_all(&mut admin)
    .await
    .unwrap();
    let outcomes: Vec<(&str, &str)> = outcomes.iter().map(|(o, s)| (o.as_str(), s.as_str())).collect();
    assert_eq!(outcomes, [("acme", "processed"), ("globex", "processed"), ("acme", "duplicate")]);

    // Deactivated in Acme: Ann's mail there is quarantined, while Globex still takes it.
    sqlx::query(
        "update memberships set status = 'disabled' where org_id = $1
         and user_id = (select id from users where email = 'ann@example.com')",
    )
    .bind(acme_id)
    .execute(&mut admin)
    .await
    .unwrap();
    let again = message("ann@example.com", &to_acme, "VPN again", Some("vpn-2@example.com"), "", "Still.");
    h.send("ann@example.com", &to_acme, &again).await.unwrap();
    h.send("ann@example.com", &to_globex, &again).await.unwrap();
    h.settle().await;
    let last: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "select o.slug, i.status, i.reason from inbound_messages i join organizations o on o.id = i.org_id
         where i.message_id = 'vpn-2@example.com' order by o.slug",
    )
    .fetch_all(&mut admin)
    .await
    .unwrap();
    assert_eq!(last[0].0, "acme");
    assert_eq!(last[0].1, "quarantined");
    assert!(last[0].2.as_deref().unwrap_or_default().contains("deactivated member"), "{last:?}");
    assert_eq!((last[1].0.as_str(), last[1].1.as_str()), ("globex", "processed"));

    // The look-ups themselves, as the worker's login in Acme's tenant, aimed at Globex: Globex's
    // processed message is not a duplicate here, its acknowledgements to Ann count nothing, and
    // a membership in Globex cannot be written.
    let globex_acks: i64 = sqlx::query_scalar(
        "select count(*) from outbound_messages where org_id = $1 and kind = 'acknowledgement'",
    )
    .bind(globex_id)
    .fetch_one(&mut admin)
    .await
    .unwrap();
    assert_eq!(globex_acks, 2);
    let dedupe_key: String = sqlx::query_scalar(
        "select dedupe_key from inbound_messages where org_id = $1 and status = 'processed' limit 1",
    )
    .bind(globex_id)
    .fetch_one(&mut admin)
    .await
    .unwrap();
    let mut conn = sqlx::PgConnection::connect(&h.app.db.worker_url).await.unwrap();
    let mut tx = sqlx::Connection::begin(&mut conn).await.unwrap();
    sqlx::query("select set_config('app.org_id', $1, true), set_config('app.role', 'system', true)")
        .bind(acme_id.to_string())
        .execute(&mut *tx)
        .await
        .unwrap();
    let counted: i64 = sqlx::query_scalar(
        "select fd_acknowledgements_since($1, 'ann@example.com', now() - interval '1 hour')",
    )
    .bind(globex_id)
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    assert_eq!(counted, 0);
    let own: i64 = sqlx::query_scalar(
        "select fd_acknowledgements_since($1, 'ann@example.com', now() - interval '1 hour')",
    )
    .bind(acme_id)
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    assert_eq!(own, 1, "Acme acknowledged Ann's first mail only");
    let err =
        sqlx::query("select * from fd_mail_person($1, gen_random_uuid(), 'zed@example.com', 'Zed', $2)")
            .bind(globex_id)
            .bind(&dedupe_key)
            .fetch_one(&mut *tx)
            .await
            .unwrap_err();
    let code = err.as_database_error().and_then(|e| e.code()).map(|c| c.into_owned());
    assert_eq!(code.as_deref(), Some("42501"), "row security refuses the membership: {err}");
    drop(tx);
    let zed: i64 = sqlx::query_scalar(
        "select count(*) from memberships m join users u on u.id = m.user_id where u.email = 'zed@example.com'",
    )
    .fetch_one(&mut admin)
    .await
    .unwrap();
    assert_eq!(zed, 0);
}

#[tokio::test]
async fn mailed_tickets_start_their_clock_from_the_sla_policy_in_force() {
    let h = MailHarness::start().await;
    h.app.sign_up("acme").await;
    let to = format!("acme@{DOMAIN}");
    let mut admin = h.app.db.admin_conn().await;
    let due = |number: i32| {
        sqlx::query_as::<_, (Option<chrono::DateTime<chrono::Utc>>, Option<chrono::DateTime<chrono::Utc>>)>(
            "select response_due_at, resolution_due_at from tickets where number = $1",
        )
        .bind(number)
    };
    // Two tickets under the sign-up's policies: the second takes them from the intake's cache.
    for n in 1..=2 {
        let raw = message("ann@example.com", &to, &format!("Issue {n}"), None, "", "Help.");
        h.send("ann@example.com", &to, &raw).await.unwrap();
        h.settle().await;
        let (response, resolution) = due(n).fetch_one(&mut admin).await.unwrap();
        assert!(response.is_some() && resolution.is_some(), "ticket {n} has SLA targets");
    }
    // An admin drops the targets: the next mailed ticket's clock has none, not the cached ones.
    sqlx::query("update sla_policies set first_response_minutes = null, resolution_minutes = null")
        .execute(&mut admin)
        .await
        .unwrap();
    let raw = message("ann@example.com", &to, "Issue 3", None, "", "Help.");
    h.send("ann@example.com", &to, &raw).await.unwrap();
    h.settle().await;
    assert_eq!(due(3).fetch_one(&mut admin).await.unwrap(), (None, None));
}

#[tokio::test]
async fn every_ticket_has_a_reply_token_whoever_makes_it() {
    let h = MailHarness::start().await;
    let owner = h.app.sign_up("acme").await;
    // Twice from the app (the second through the one-statement path), once by mail.
    for subject in ["From the app", "Again from the app"] {
        h.app.create_ticket(&owner, json!({ "kind": "INCIDENT", "subject": subject })).await;
    }
    let to = format!("acme@{DOMAIN}");
    let raw = message("ann@example.com", &to, "By mail", None, "", "Help.");
    h.send("ann@example.com", &to, &raw).await.unwrap();
    h.settle().await;
    let mut admin = h.app.db.admin_conn().await;
    let tokens: Vec<(String, String)> =
        sqlx::query_as("select subject, reply_token from tickets order by number")
            .fetch_all(&mut admin)
            .await
            .unwrap();
    assert_eq!(tokens.len(), 3);
    for (subject, token) in &tokens {
        assert!(
            token.len() == 16 && token.bytes().all(|b| b"abcdefghijkmnpqrstuvwxyz23456789".contains(&b)),
            "{subject}: {token:?}"
        );
    }
    let distinct: std::collections::HashSet<_> = tokens.iter().map(|(_, t)| t).collect();
    assert_eq!(distinct.len(), 3);
    // The mailed ticket's acknowledgement carries the token the ticket was created with.
    let reply_to = h.sent()[0].mail.reply_to.clone().unwrap();
    assert_eq!(reply_to, format!("acme+{}@{DOMAIN}", tokens[2].1));
}

/// A message with a PDF attached.
fn with_attachment(from: &str, subject: &str, message_id: &str, extra_headers: &str, pdf: &str) -> String {
    format!(
        "From: {from}\r\nTo: acme@{DOMAIN}\r\nSubject: {subject}\r\nMessage-ID: <{message_id}>\r\n{extra_headers}\
         MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n\
         --b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSee attached.\r\n\
         --b\r\nContent-Type: application/pdf; name=\"{message_id}.pdf\"\r\n\
         Content-Disposition: attachment; filename=\"{message_id}.pdf\"\r\n\r\n\
         {pdf}\r\n--b--\r\n"
    )
}

#[tokio::test]
async fn a_mails_attachments_message_id_and_acknowledgement_are_filed_on_every_path() {
    let h = MailHarness::start().await;
    let owner = h.app.sign_up("acme").await;
    let mut admin = h.app.db.admin_conn().await;
    let acme = OrgId::from_uuid(
        sqlx::query_scalar("select id from organizations where slug = 'acme'")
            .fetch_one(&mut admin)
            .await
            .unwrap(),
    );
    let to = format!("acme@{DOMAIN}");
    // Where each message's attachments went (the ticket, or one of its messages), and whether its
    // Message-ID threads to that ticket.
    let filed = |message_id: &'static str| {
        sqlx::query_as::<_, (String, i32, Option<uuid::Uuid>, bool, String, bool)>(
            "select a.filename, t.number, a.message_id,
                    exists (select 1 from ticket_mail_ids m where m.message_id = $1 and m.ticket_id = t.id),
                    i.status, i.processed_at > i.received_at
             from inbound_messages i join tickets t on t.id = i.ticket_id
             join attachments a on a.ticket_id = t.id and a.filename = $1 || '.pdf'
             where i.message_id = $1",
        )
        .bind(message_id)
    };

    // A new ticket: its attachment on the ticket, its Message-ID filed, acknowledged.
    let first = with_attachment("Ann <ann@example.com>", "Printer", "p-1@example.com", "", "%PDF-1.4 first");
    h.send("ann@example.com", &to, &first).await.unwrap();
    h.settle().await;
    let row = filed("p-1@example.com").fetch_one(&mut admin).await.unwrap();
    assert_eq!(row, ("p-1@example.com.pdf".into(), 1, None, true, "processed".into(), false));
    assert_eq!(h.sent().len(), 1, "acknowledged");

    // A reply threaded by In-Reply-To (found in the sender's look-up): its attachment on the
    // reply's message, its Message-ID filed under the same ticket, no acknowledgement.
    let reply = with_attachment(
        "Ann <ann@example.com>",
        "Re: Printer",
        "p-2@example.com",
        "In-Reply-To: <p-1@example.com>\r\n",
        "%PDF-1.4 second",
    );
    h.send("ann@example.com", &to, &reply).await.unwrap();
    h.settle().await;
    let row = filed("p-2@example.com").fetch_one(&mut admin).await.unwrap();
    let message: uuid::Uuid = sqlx::query_scalar(
        "select m.id from ticket_messages m join tickets t on t.id = m.ticket_id
         where t.number = 1 and m.body = 'See attached.'",
    )
    .fetch_one(&mut admin)
    .await
    .unwrap();
    assert_eq!(row, ("p-2@example.com.pdf".into(), 1, Some(message), true, "processed".into(), false));
    assert_eq!(h.sent().len(), 1, "a reply is not acknowledged");

    // Stored first and processed by the retry job (as after a failed first try): the same rows,
    // on the stored row, processed after it was received.
    let third = with_attachment("Ann <ann@example.com>", "Scanner", "p-3@example.com", "", "%PDF-1.4 third");
    let recipients = vec![to.clone()];
    let received = Received {
        mail_from: "ann@example.com",
        recipients: &recipients,
        peer: "127.0.0.1",
        raw: third.as_bytes(),
        auth: &MailAuth::unverified("stored by the test"),
    };
    h.service.store(acme, received).await.unwrap();
    h.settle().await;
    let row = filed("p-3@example.com").fetch_one(&mut admin).await.unwrap();
    assert_eq!(row, ("p-3@example.com.pdf".into(), 2, None, true, "processed".into(), true));
    let sent = h.sent();
    assert_eq!(sent.len(), 2, "the retried ticket is acknowledged too");
    assert!(sent[1].mail.subject.contains("INC-0002"), "{}", sent[1].mail.subject);
    let ticket = h.ticket(&owner, "INC-2").await;
    assert_eq!(ticket["attachments"][0]["filename"], "p-3@example.com.pdf");
}

/// A new sender's first mail adds a membership (taking the organisation's page version) before
/// its ticket takes the number counter; a known sender's ticket took the counter first and the
/// page version when its statement ended. Side by side in one organisation they deadlocked, and
/// PostgreSQL broke the tie only after a second. Now every ticket takes the page version first.
#[tokio::test]
async fn a_new_and_a_known_sender_create_tickets_side_by_side_without_deadlock() {
    let app = TestApp::spawn().await;
    app.sign_up("acme").await;
    let mut admin = app.db.admin_conn().await;
    let (org, owner) = org_and_owner(&mut admin, "acme").await;
    let db = Db::connect(&app.db.worker_url.clone().into(), 4).await.unwrap();
    let ticket =
        |subject: &str| CreateTicket::incident(subject.to_owned(), "It jams.".to_owned(), Channel::Email);

    // The new sender's transaction: their membership is added first.
    let mut new_sender = db.system_in(org).await.unwrap();
    let MailPerson::Member { user_id: zed, .. } =
        ferrodesk_db::mail::mail_person(&mut new_sender, "zed@example.com", "Zed").await.unwrap()
    else {
        panic!("a first mail makes a member");
    };
    // The known sender's ticket meanwhile, until it waits for a lock.
    let (pid_tx, pid) = tokio::sync::oneshot::channel::<i32>();
    let known = {
        let (db, input) = (db.clone(), ticket("Printer"));
        let owner = Actor { user_id: owner, role: Role::Owner };
        tokio::spawn(async move {
            let mut tx = db.system_in(org).await?;
            let _ =
                pid_tx.send(sqlx::query_scalar("select pg_backend_pid()").fetch_one(&mut *tx).await.unwrap());
            tx.on_behalf_of(owner);
            let created = tickets::create_ticket(&mut tx, input).await?;
            tx.commit().await?;
            Ok::<_, ferrodesk_core::AppError>(created.number)
        })
    };
    let pid = pid.await.unwrap();
    let blocked = "select cardinality(pg_blocking_pids($1)) > 0";
    wait_until_blocked(&mut admin, blocked, Some(pid), &known, "the known sender's ticket").await;
    // The new sender's ticket goes ahead: the other transaction waits holding nothing it needs.
    let started = Instant::now();
    new_sender.on_behalf_of(Actor { user_id: zed, role: Role::Requester });
    let first = tickets::create_ticket(&mut new_sender, ticket("Scanner")).await.expect("no deadlock");
    new_sender.commit().await.unwrap();
    let second = known.await.unwrap().expect("no deadlock");
    assert_eq!((first.number, second), (1, 2));
    assert!(started.elapsed() < Duration::from_millis(900), "nobody waited for deadlock detection");
}

/// Two mails from one sender at once, one Cc'ing a newcomer: the newcomer's membership takes the
/// organisation's page version, and the acknowledgement's limit takes a lock on the sender. The
/// Cc'ing mail used to add the newcomer first and then wait for the sender's lock, while the other
/// mail held that lock and waited for the page version with its ticket: PostgreSQL broke the cycle
/// after a second. Now a mail takes the sender's lock before it adds anyone.
#[tokio::test]
async fn two_mails_from_one_sender_one_ccing_a_newcomer_do_not_deadlock() {
    let h = MailHarness::start().await;
    let owner = h.app.sign_up("acme").await;
    let mut admin = h.app.db.admin_conn().await;
    let (acme, owner_id) = org_and_owner(&mut admin, "acme").await;
    let to = format!("acme@{DOMAIN}");
    let mail = |cc: &str, subject: &str| {
        format!(
            "From: Ann <ann@example.com>\r\nTo: {to}\r\n{cc}Subject: {subject}\r\n\
             Message-ID: <{subject}@example.com>\r\n\r\nIt jams.\r\n"
        )
    };
    // Ann is a known sender from her first mail on.
    h.send("ann@example.com", &to, &mail("", "first")).await.unwrap();
    h.settle().await;

    // The other mail's transaction holds Ann's acknowledgement lock (it passed the limit) ...
    let mut other = h.service.db.system_in(acme).await.unwrap();
    let since = chrono::Utc::now() - chrono::Duration::hours(1);
    assert_eq!(
        ferrodesk_db::mail::acknowledgements_since(&mut other, "ann@example.com", since).await.unwrap(),
        1
    );
    // ... when her mail Cc'ing Zed, who is new, arrives and waits for that lock.
    let ccing = {
        let (service, raw, to) =
            (h.service.clone(), mail("Cc: Zed <zed@example.com>\r\n", "second"), to.clone());
        tokio::spawn(async move {
            let recipients = vec![to];
            let received = Received {
                mail_from: "ann@example.com",
                recipients: &recipients,
                peer: "127.0.0.1",
                raw: raw.as_bytes(),
                auth: &MailAuth::unverified("received by the test"),
            };
            service.receive(acme, received).await
        })
    };
    let waits = "select exists (select 1 from pg_locks where locktype = 'advisory' and not granted)";
    wait_until_blocked(&mut admin, waits, None, &ccing, "the Cc'ing mail").await;
    // The other mail's ticket goes ahead: the waiting one holds neither the page version nor the
    // number counter.
    let started = Instant::now();
    other.on_behalf_of(Actor { user_id: owner_id, role: Role::Owner });
    let input = CreateTicket::incident("third".to_owned(), "It jams.".to_owned(), Channel::Email);
    let created = tickets::create_ticket(&mut other, input).await.expect("no deadlock");
    other.commit().await.unwrap();
    let (_, outcome) = ccing.await.unwrap().expect("no deadlock");
    assert!(started.elapsed() < Duration::from_millis(900), "nobody waited for deadlock detection");
    assert_eq!(created.number, 2);
    assert!(matches!(outcome, ferrodesk_core::mail::Ingested::NewTicket(_)), "{outcome:?}");
    let ticket = h.ticket(&owner, "INC-3").await;
    assert_eq!(ticket["subject"], "second");
    let participants: Vec<String> = sqlx::query_scalar(
        "select u.email::text from ticket_participants p join users u on u.id = p.user_id
         join tickets t on t.id = p.ticket_id where t.number = 3",
    )
    .fetch_all(&mut admin)
    .await
    .unwrap();
    assert_eq!(participants, ["zed@example.com"]);
}

/// Waits until `query` (with `$1` the backend's pid, when given) says a transaction waits for a
/// lock, failing if the task doing it finished instead, or never got there.
async fn wait_until_blocked<T>(
    admin: &mut sqlx::PgConnection,
    query: &'static str,
    pid: Option<i32>,
    task: &tokio::task::JoinHandle<T>,
    what: &str,
) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let mut waiting = sqlx::query_scalar::<_, bool>(query);
        if let Some(pid) = pid {
            waiting = waiting.bind(pid);
        }
        if waiting.fetch_one(&mut *admin).await.unwrap() {
            return;
        }
        assert!(!task.is_finished(), "{what} finished without waiting");
        assert!(Instant::now() < deadline, "{what} never waited");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// A reply keeps its HTML, sanitised; a new ticket keeps only its text (so reading a new ticket's
/// mail does not sanitise its HTML at all).
#[tokio::test]
async fn a_replys_html_is_kept_sanitised() {
    let h = MailHarness::start().await;
    h.app.sign_up("acme").await;
    let to = format!("acme@{DOMAIN}");
    let html_mail = |subject: &str, message_id: &str, extra: &str| {
        format!(
            "From: Ann <ann@example.com>\r\nTo: {to}\r\nSubject: {subject}\r\nMessage-ID: <{message_id}>\r\n{extra}\
             MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"b\"\r\n\r\n\
             --b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nStill jammed.\r\n\
             --b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n\
             <p onclick=\"steal()\">Still <b>jammed</b>.<script>alert(1)</script></p>\r\n--b--\r\n"
        )
    };
    h.send("ann@example.com", &to, &html_mail("Printer", "h-1@example.com", "")).await.unwrap();
    h.send(
        "ann@example.com",
        &to,
        &html_mail("Re: Printer", "h-2@example.com", "In-Reply-To: <h-1@example.com>\r\n"),
    )
    .await
    .unwrap();
    h.settle().await;
    let mut admin = h.app.db.admin_conn().await;
    let kept: Vec<Option<String>> =
        sqlx::query_scalar("select body_html from ticket_messages order by created_at")
            .fetch_all(&mut admin)
            .await
            .unwrap();
    assert_eq!(kept.len(), 1, "the reply is the ticket's one message: {kept:?}");
    let html = kept[0].as_deref().expect("the reply's HTML is kept");
    assert!(html.contains("<p>Still <b>jammed</b>.</p>"), "{html}");
    assert!(!html.contains("script") && !html.contains("onclick"), "{html}");
}

/// A signed-up organisation's id and its owner's (its only member).
pub async fn org_and_owner(admin: &mut sqlx::PgConnection, slug: &str) -> (OrgId, UserId) {
    let (org, owner): (uuid::Uuid, uuid::Uuid) = sqlx::query_as(
        "select o.id, m.user_id from organizations o join memberships m on m.org_id = o.id where o.slug = $1",
    )
    .bind(slug)
    .fetch_one(admin)
    .await
    .unwrap();
    (OrgId::from_uuid(org), UserId::from_uuid(owner))
}

/// The links that prove an address travel only by mail: the worker sends a sign-up's confirmation
/// and an invitation with their links in them, while the stored copy of the organisation's mail
/// (what its admins can read in the outbox) holds a placeholder where the link goes.
#[tokio::test]
async fn links_that_prove_an_address_are_only_in_the_mail_sent() {
    let h = MailHarness::start().await;
    let body = h
        .app
        .gql(
            None,
            "mutation($input: SignUpInput!) { signUp(input: $input) { token } }",
            json!({ "input": { "organizationName": "Acme", "slug": "acme", "name": "Ada",
                               "email": "ada@acme.test", "password": "correct horse battery" } }),
        )
        .await;
    let owner = Session {
        token: body["data"]["signUp"]["token"].as_str().unwrap().to_owned(),
        user_id: String::new(),
    };
    h.settle().await;
    let confirmation = h.account_mail().into_iter().find(|m| m.mail.to == ["ada@acme.test"]).expect("mailed");
    let link =
        confirmation.mail.text.lines().find(|l| l.contains("/account/confirm/")).unwrap().trim().to_owned();
    let token = link.rsplit('/').next().unwrap();
    let body =
        h.app.gql(None, "mutation($t: String!) { confirmEmail(token: $t) }", json!({ "t": token })).await;
    assert_eq!(body["data"]["confirmEmail"], true, "{body}");

    h.app
        .gql(
            Some(&owner.token),
            "mutation { inviteMember(input: { email: \"bob@acme.test\", name: \"Bob\", role: AGENT }) { invitation { id } } }",
            json!({}),
        )
        .await;
    h.settle().await;
    let invitation =
        h.sent().into_iter().find(|m| m.mail.to == ["bob@acme.test"]).expect("the invitation went");
    let sent_text = String::from_utf8_lossy(&invitation.raw).into_owned();
    let token = h.app.invitation_token("bob@acme.test").await;
    assert!(invitation.mail.text.contains(&token), "the sent mail carries the link");
    assert!(sent_text.contains(&token[..20]), "in the bytes that left too");
    let outbox = h
        .app
        .gql(
            Some(&owner.token),
            "{ outboundMessages(first: 10) { edges { node { kind text } } } }",
            json!({}),
        )
        .await;
    let stored = outbox.to_string();
    assert!(stored.contains("invitation"), "{outbox}");
    assert!(!stored.contains(&token), "the outbox never shows the link: {outbox}");
    assert!(stored.contains(ferrodesk_mail::outbound::SECRET_PLACEHOLDER), "{outbox}");
}

/// A new password or a new address is told to the address the account had (OWASP ASVS 2.2.3),
/// in a notice that carries no link and cannot be used for anything.
#[tokio::test]
async fn changes_of_password_and_address_are_told_to_the_address_the_account_had() {
    let h = MailHarness::start().await;
    let owner = h.app.sign_up("acme").await;
    let told = |purpose: &str| {
        h.account_mail()
            .into_iter()
            .filter(|m| m.mail.message_id.starts_with(&format!("account-{purpose}.")))
            .collect::<Vec<_>>()
    };

    let change = "mutation($input: ChangePasswordInput!) { changePassword(input: $input) }";
    let body = h
        .app
        .gql(
            Some(&owner.token),
            change,
            json!({ "input": { "currentPassword": "correct horse battery", "newPassword": "a second password" } }),
        )
        .await;
    assert_eq!(body["data"]["changePassword"], true, "{body}");
    h.settle().await;
    let notices = told("password-changed");
    assert_eq!(notices.len(), 1, "one notice for one change");
    let notice = &notices[0];
    assert_eq!(notice.mail.to, ["owner@acme.test"]);
    assert!(notice.mail.text.contains("A new password was set"), "{}", notice.mail.text);
    assert!(notice.mail.text.contains("/account/forgot"), "it says where to take the account back");
    assert!(!notice.mail.text.contains("The link works once"), "a notice is not a link");

    h.app.gql(None, "mutation { requestPasswordReset(email: \"owner@acme.test\") }", json!({})).await;
    let token = h.app.mailed_link("owner@acme.test", ferrodesk_core::auth::LinkPurpose::ResetPassword).await;
    let body = h
        .app
        .gql(
            None,
            "mutation($input: ResetPasswordInput!) { resetPassword(input: $input) { token } }",
            json!({ "input": { "token": token, "password": "a third password" } }),
        )
        .await;
    let fresh = body["data"]["resetPassword"]["token"].as_str().expect("reset").to_owned();
    h.settle().await;
    assert_eq!(told("password-changed").len(), 2, "a reset is told too");

    let body = h
        .app
        .gql(
            Some(&fresh),
            "mutation($input: RequestEmailChangeInput!) { requestEmailChange(input: $input) }",
            json!({ "input": { "newEmail": "ada@new.test", "password": "a third password" } }),
        )
        .await;
    assert_eq!(body["data"]["requestEmailChange"], true, "{body}");
    h.settle().await;
    assert!(told("email-changed").is_empty(), "nothing has changed until the new address answers");
    let token = h.app.mailed_link("ada@new.test", ferrodesk_core::auth::LinkPurpose::ChangeEmail).await;
    let body = h
        .app
        .gql(None, "mutation($t: String!) { confirmEmailChange(token: $t) }", json!({ "t": token }))
        .await;
    assert_eq!(body["data"]["confirmEmailChange"], true, "{body}");
    h.settle().await;
    let notices = told("email-changed");
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].mail.to, ["owner@acme.test"], "the old address hears of it");
    assert!(notices[0].mail.text.contains("took the address ada@new.test"), "{}", notices[0].mail.text);

    // Nothing in a notice proves anything: its row has no token to find it by.
    let mut admin = h.app.db.admin_conn().await;
    let tokens: i64 = sqlx::query_scalar(
        "select count(token_hash) from email_links where purpose in ('password_changed', 'email_changed')",
    )
    .fetch_one(&mut admin)
    .await
    .unwrap();
    assert_eq!(tokens, 0);
}

/// A message's place against the quota is counted no further than the largest quota: a flood of
/// stored acknowledgements costs each of them a bounded count, not one that grows with the flood.
#[tokio::test]
async fn a_place_against_the_quota_is_counted_no_further_than_the_quota() {
    let h = MailHarness::start().await;
    let app = &h.app;
    let owner = app.sign_up("acme").await;
    let reply = "mutation($t: ID!) { addTicketMessage(input: { ticketId: $t, body: \"Hello\", internal: false }) { message { id } } }";
    for n in 0..4 {
        let ticket = app
            .create_ticket(
                &owner,
                json!({ "kind": "INCIDENT", "subject": "x", "requesterEmail": format!("r{n}@example.com") }),
            )
            .await;
        let body = app.gql(Some(&owner.token), reply, json!({ "t": ticket["id"] })).await;
        assert!(body["errors"].is_null(), "{body}");
    }
    h.settle().await;
    let mut admin = app.db.admin_conn().await;
    let stored: i64 = sqlx::query_scalar("select count(*) from outbound_messages where status <> 'failed'")
        .fetch_one(&mut admin)
        .await
        .unwrap();
    assert!(stored >= 4, "{stored}");
    let mut rank = async |cap: Option<i64>| -> i64 {
        sqlx::query_scalar(
            "select fd_quota_rank(o.org_id, o.created_at, o.id, $1) from outbound_messages o
             order by o.created_at desc, o.id desc limit 1",
        )
        .bind(cap)
        .fetch_one(&mut admin)
        .await
        .unwrap()
    };
    assert_eq!(rank(None).await, stored, "no quota: every message counts");
    assert_eq!(rank(Some(2_000)).await, stored, "under the quota: the exact place");
    assert_eq!(rank(Some(2)).await, 3, "beyond it: the quota and one, all that over needs");
    let boundless = ferrodesk_core::notices::MailQuota { per_day: i64::MAX, trial_per_day: i64::MAX };
    assert_eq!(rank(boundless.cap()).await, stored, "a quota no count reaches: the exact place");
}

/// A send batch ranks its stored notices per organisation (one bounded count, one numbered walk);
/// each notice must get the place the plain one-notice count gives it, whatever the quota, with
/// failures, day-old messages, ties on the clock and two organisations interleaved.
#[tokio::test]
async fn a_batchs_quota_places_are_the_ones_each_notice_counts_alone() {
    let test_db = ferrodesk_testkit::test_db().await;
    let worker = Db::from_pool(sqlx::PgPool::connect(&test_db.worker_url).await.unwrap());
    let mut admin = test_db.admin_conn().await;
    let mut orgs = Vec::new();
    for slug in ["rank-a", "rank-b"] {
        let id: uuid::Uuid = sqlx::query_scalar(
            "insert into organizations (id, slug, name) values (gen_random_uuid(), $1, $1) returning id",
        )
        .bind(slug)
        .fetch_one(&mut admin)
        .await
        .unwrap();
        orgs.push(id);
    }
    // Forty messages per organisation over the last thirty hours, some sharing a clock tick, every
    // seventh failed; every third one waits in a claimed job.
    let mut jobs = Vec::new();
    for (o, org) in orgs.iter().enumerate() {
        for n in 0..40i32 {
            let minutes_ago = (40 - n / 2 * 2) * 45 + o as i32;
            let status = if n % 7 == 3 { "failed" } else { "queued" };
            let source = uuid::Uuid::now_v7();
            sqlx::query(
                "insert into outbound_messages (org_id, id, kind, source_id, message_id, recipients, mail, status, created_at)
                 values ($1, gen_random_uuid(), 'acknowledgement', $2, $3, array['r@example.com'], '{}', $4,
                         now() - make_interval(mins => $5))",
            )
            .bind(org)
            .bind(source)
            .bind(format!("<{source}@test>"))
            .bind(status)
            .bind(minutes_ago)
            .execute(&mut admin)
            .await
            .unwrap();
            if n % 3 == 0 {
                let job: uuid::Uuid = sqlx::query_scalar(
                    "insert into jobs (id, org_id, kind, payload, status, locked_by, locked_until)
                     values (gen_random_uuid(), $1, 'mail.notify',
                             jsonb_build_object('notice', 'acknowledgement', 'source_id', $2::text),
                             'running', 'w1', now() + interval '5 minutes')
                     returning id",
                )
                .bind(org)
                .bind(source)
                .fetch_one(&mut admin)
                .await
                .unwrap();
                jobs.push(job);
            }
        }
    }
    for cap in [None, Some(0), Some(1), Some(4), Some(9), Some(25), Some(2_000)] {
        let batch = ferrodesk_db::mail::stored_notices(&worker, "w1", &jobs, cap).await.unwrap();
        assert_eq!(batch.len(), jobs.len(), "every claimed job's message is found");
        for notice in batch {
            let alone: i64 = sqlx::query_scalar(
                "select fd_quota_rank(o.org_id, o.created_at, o.id, $2) from outbound_messages o where o.id = $1",
            )
            .bind(notice.outbound_id)
            .bind(cap)
            .fetch_one(&mut admin)
            .await
            .unwrap();
            assert_eq!(
                notice.quota_rank, alone,
                "cap {cap:?}, message {} ({})",
                notice.outbound_id, notice.status
            );
        }
    }
    let other = ferrodesk_db::mail::stored_notices(&worker, "w2", &jobs, None).await.unwrap();
    assert!(other.is_empty(), "another worker's jobs are not its to send");
}
