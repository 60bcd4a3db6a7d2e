//! Billing end to end: the real gateway and the worker's job runner against the fake Stripe
//! (`ferrodesk_billing::fake`) on a local port, with webhooks signed as Stripe signs them.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::{SinkExt, StreamExt};

use ferrodesk_billing::fake::{FakeStripe, WebhookTarget, event_object};
use ferrodesk_billing::signature;
use ferrodesk_config::{BillingConfig, BillingMode, StripeConfig};
use ferrodesk_core::mail::MailService;
use ferrodesk_db::Db;
use ferrodesk_mail::outbound::{Sent, Templates, Transport};
use ferrodesk_mail::store::LocalStore;
use ferrodesk_testkit::{Session, TestApp, error_code};
use serde_json::{Value, json};
use tokio::sync::watch;

const SECRET: &str = "whsec_ferrodesk_tests";
const MONTHLY: &str = "price_ferrodesk_monthly";
const YEARLY: &str = "price_ferrodesk_yearly";

const SUBSCRIPTION: &str =
    "{ organization { subscription { status trialEndsAt currentPeriodEnd graceEndsAt interval
    cancelAtPeriodEnd billingEnabled yearlyAvailable readOnly readOnlyReason } } }";
const CHECKOUT: &str = "mutation($interval: BillingInterval!) { startCheckout(interval: $interval) { url } }";
const PORTAL: &str = "mutation { openBillingPortal { url } }";

pub(crate) fn billing_config(api_base: &str) -> BillingConfig {
    BillingConfig {
        mode: BillingMode::Stripe(StripeConfig {
            secret_key: "sk_test_ferrodesk".to_owned().into(),
            webhook_secret: SECRET.to_owned().into(),
            price_monthly: MONTHLY.into(),
            price_yearly: Some(YEARLY.into()),
            api_base: ferrodesk_config::api_base(Some(api_base)),
        }),
        grace_days: 7,
    }
}

struct Harness {
    app: TestApp,
    fake: FakeStripe,
    sent: Arc<Mutex<Vec<Sent>>>,
    mail: Arc<MailService>,
    _stop: watch::Sender<bool>,
}

impl Harness {
    /// The gateway with `BILLING=stripe` against a fresh fake, and a worker running jobs.
    async fn start() -> Self {
        let fake = FakeStripe::start("127.0.0.1:0".parse().unwrap()).await.unwrap();
        let config = billing_config(&fake.url());
        let app = TestApp::spawn_with(|c| c.billing = config.clone()).await;
        fake.set_webhook(Some(WebhookTarget { url: app.url("/webhooks/stripe"), secret: SECRET.into() }));
        let db = Db::connect(&app.db.worker_url.clone().into(), 5).await.unwrap();
        let (transport, sent) = Transport::memory();
        let mail = Arc::new(MailService {
            db: db.clone(),
            inbound_domain: "inbound.localhost".into(),
            public_url: "http://localhost:8080".into(),
            ack_limit_per_hour: 5,
            store: LocalStore::new(std::env::temp_dir().join("fd-billing-tests")),
            templates: Templates::new(),
            transport,
            links: ferrodesk_testkit::links(),
            quota: ferrodesk_core::notices::MailQuota { per_day: 2_000, trial_per_day: 200 },
            live: None,
        });
        let billing =
            ferrodesk_billing::from_config(db.clone(), &config, "http://localhost:8080").unwrap().unwrap();
        let runner =
            ferrodesk_worker::billing_jobs(ferrodesk_worker::runner(db, 4, mail.clone()), Arc::new(billing))
                .with_poll_interval(Duration::from_millis(30));
        let (stop_tx, stop) = watch::channel(false);
        tokio::spawn(runner.run(stop));
        Self { app, fake, sent, mail, _stop: stop_tx }
    }

    async fn gql(&self, session: &Session, query: &str, variables: Value) -> Value {
        self.app.gql(Some(&session.token), query, variables).await
    }

    async fn subscription(&self, session: &Session) -> Value {
        let body = self.gql(session, SUBSCRIPTION, json!({})).await;
        assert!(body["errors"].is_null(), "{body}");
        body["data"]["organization"]["subscription"].clone()
    }

    /// Waits until the worker has run every queued job (jobs are deleted when done).
    async fn settle(&self) {
        let mut conn = self.app.db.admin_conn().await;
        let started = Instant::now();
        loop {
            let (queued, dead): (i64, i64) = sqlx::query_as(
                "select count(*) filter (where status <> 'dead'), count(*) filter (where status = 'dead') from jobs",
            )
            .fetch_one(&mut conn)
            .await
            .unwrap();
            assert_eq!(dead, 0, "a job died");
            if queued == 0 {
                return;
            }
            assert!(started.elapsed() < Duration::from_secs(15), "jobs did not finish");
            tokio::time::sleep(Duration::from_millis(30)).await;
        }
    }

    /// Starts Checkout and pays on the fake's hosted page, as a browser would; returns the
    /// subscription id.
    async fn subscribe(&self, owner: &Session, interval: &str) -> String {
        let body = self.gql(owner, CHECKOUT, json!({ "interval": interval })).await;
        let url =
            body["data"]["startCheckout"]["url"].as_str().unwrap_or_else(|| panic!("{body}")).to_owned();
        let browser = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let page = browser.get(&url).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("Pay and subscribe"), "{page}");
        let paid = browser.post(format!("{url}/pay")).send().await.unwrap();
        assert_eq!(paid.status().as_u16(), 303);
        let back = paid.headers()["location"].to_str().unwrap();
        assert_eq!(back, "http://localhost:8080/admin/billing?checkout=success");
        self.settle().await;
        self.fake.session_of_url(&url).unwrap()["subscription"].as_str().unwrap().to_owned()
    }

    async fn create_ticket(&self, session: &Session, subject: &str) -> Value {
        self.gql(
            session,
            "mutation($input: CreateTicketInput!) { createTicket(input: $input) { ticket { id number } } }",
            json!({ "input": { "kind": "INCIDENT", "subject": subject } }),
        )
        .await
    }

    async fn sql(&self, statement: &str) {
        let mut conn = self.app.db.admin_conn().await;
        sqlx::raw_sql(sqlx::AssertSqlSafe(statement.to_owned())).execute(&mut conn).await.unwrap();
    }

    async fn count(&self, query: &str) -> i64 {
        let mut conn = self.app.db.admin_conn().await;
        sqlx::query_scalar(sqlx::AssertSqlSafe(query.to_owned())).fetch_one(&mut conn).await.unwrap()
    }

    fn mails_with(&self, subject: &str) -> Vec<Sent> {
        self.sent.lock().unwrap().iter().filter(|s| s.mail.subject.contains(subject)).cloned().collect()
    }

    /// Posts a raw body with a Stripe-Signature made for `timestamp` with `secret`.
    async fn post_event(&self, body: &[u8], secret: &str, timestamp: i64) -> (u16, Value) {
        let response = self
            .app
            .http
            .post(self.app.url("/webhooks/stripe"))
            .header("Stripe-Signature", signature::header(body, secret, timestamp))
            .header("Content-Type", "application/json")
            .body(body.to_vec())
            .send()
            .await
            .unwrap();
        (response.status().as_u16(), response.json().await.unwrap_or(Value::Null))
    }
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

#[tokio::test]
async fn billing_journey_trial_active_past_due_read_only_and_paid_again() {
    let h = Harness::start().await;
    let owner = h.app.sign_up("acme").await;
    let agent = h.app.add_member(&owner, "agent@acme.test", "AGENT").await;

    // A new organisation is on a 14-day trial, without a card.
    let sub = h.subscription(&owner).await;
    assert_eq!(sub["status"], "trialing");
    assert_eq!((sub["billingEnabled"].as_bool(), sub["readOnly"].as_bool()), (Some(true), Some(false)));
    assert_eq!(sub["yearlyAvailable"], true);
    let trial_end = chrono::DateTime::parse_from_rfc3339(sub["trialEndsAt"].as_str().unwrap()).unwrap();
    assert!((trial_end.timestamp() - now() - 14 * 86_400).abs() < 120, "{sub}");
    let first = h.create_ticket(&agent, "Printer jammed").await;
    assert!(first["errors"].is_null(), "{first}");

    // Checkout: the customer is created once, the session asks for one flat monthly price.
    let subscription_id = h.subscribe(&owner, "MONTHLY").await;
    let customers = h.fake.customers();
    assert_eq!(customers.len(), 1);
    assert_eq!(customers[0]["email"], "owner@acme.test");
    let sub = h.subscription(&owner).await;
    assert_eq!(
        (sub["status"].as_str(), sub["interval"].as_str()),
        (Some("active"), Some("MONTHLY")),
        "{sub}"
    );
    let period_end = chrono::DateTime::parse_from_rfc3339(sub["currentPeriodEnd"].as_str().unwrap()).unwrap();
    assert!((period_end.timestamp() - now() - 30 * 86_400).abs() < 120);
    // A second checkout for a running subscription is refused: the portal changes plans.
    let again = h.gql(&owner, CHECKOUT, json!({ "interval": "YEARLY" })).await;
    assert_eq!(error_code(&again), Some("CONFLICT"), "{again}");

    // The renewal fails: a warning and a grace period, still writable, and the owner is mailed once.
    h.fake.fail_payment(&subscription_id).await.unwrap();
    h.settle().await;
    let sub = h.subscription(&owner).await;
    assert_eq!((sub["status"].as_str(), sub["readOnly"].as_bool()), (Some("past_due"), Some(false)), "{sub}");
    let grace = chrono::DateTime::parse_from_rfc3339(sub["graceEndsAt"].as_str().unwrap()).unwrap();
    assert!((grace.timestamp() - now() - 7 * 86_400).abs() < 120, "{sub}");
    assert!(h.create_ticket(&agent, "Still writable in the grace period").await["errors"].is_null());
    let failed = h.mails_with("Payment failed");
    assert_eq!(failed.len(), 1, "one payment-failure mail");
    assert_eq!(failed[0].mail.to, vec!["owner@acme.test".to_owned()]);
    assert!(failed[0].mail.text.contains("/admin/billing"), "{}", failed[0].mail.text);

    // The grace period passes: read-only for everyone, reads and exports still work.
    let before = (
        h.count("select count(*) from tickets").await,
        h.count("select count(*) from events").await,
        h.count("select count(*) from memberships").await,
    );
    h.sql("update organizations set grace_ends_at = now() - interval '1 minute'").await;
    let sub = h.subscription(&agent).await;
    assert_eq!(sub["readOnly"], true);
    assert!(sub["readOnlyReason"].as_str().unwrap().contains("payment is overdue"), "{sub}");
    for session in [&owner, &agent] {
        let blocked = h.create_ticket(session, "Refused while read-only").await;
        assert_eq!(error_code(&blocked), Some("READ_ONLY_TENANT"), "{blocked}");
        assert!(blocked["data"].is_null());
    }
    let update = h
        .gql(
            &agent,
            "mutation($input: UpdateTicketInput!) { updateTicket(input: $input) { ticket { id } } }",
            json!({ "input": { "id": first["data"]["createTicket"]["ticket"]["id"], "status": "OPEN" } }),
        )
        .await;
    assert_eq!(error_code(&update), Some("READ_ONLY_TENANT"), "{update}");
    // Mutations may travel over the live socket too: refused there the same way.
    let mut ws = crate::live::open(h.app.addr, Some(&agent.token), None).await.unwrap();
    let send = |m: Value| tokio_tungstenite::tungstenite::Message::text(m.to_string());
    ws.send(send(json!({ "type": "connection_init" }))).await.unwrap();
    ws.send(send(json!({ "id": "w", "type": "subscribe", "payload": {
        "query": "mutation { createTicket(input: { kind: INCIDENT, subject: \"Over the socket\" }) { ticket { id } } }"
    }})))
    .await
    .unwrap();
    let refusal = loop {
        let frame = tokio::time::timeout(Duration::from_secs(10), ws.next()).await.unwrap();
        let text = frame.unwrap().unwrap().into_text().unwrap();
        let message: Value = serde_json::from_str(&text).unwrap();
        match message["type"].as_str() {
            Some("next") => break message["payload"].clone(),
            Some("error") => break json!({ "errors": message["payload"] }),
            _ => continue,
        }
    };
    assert_eq!(error_code(&refusal), Some("READ_ONLY_TENANT"), "{refusal}");
    let read = h.gql(&agent, "{ tickets(first: 10) { edges { node { number subject } } } }", json!({})).await;
    assert_eq!(read["data"]["tickets"]["edges"].as_array().map(Vec::len), Some(2), "{read}");
    let month = chrono::Utc::now().format("%Y-%m").to_string();
    let export =
        h.gql(&owner, "query($m: String!) { slaReport(month: $m) { csv } }", json!({ "m": month })).await;
    assert!(export["data"]["slaReport"]["csv"].as_str().is_some_and(|c| !c.is_empty()), "{export}");
    // Paying is what makes it writable again, so the portal stays open.
    let portal = h.gql(&owner, PORTAL, json!({})).await;
    assert!(
        portal["data"]["openBillingPortal"]["url"].as_str().is_some_and(|u| u.contains("/portal/")),
        "{portal}"
    );

    // The payment succeeds: writable again at once, and nothing was lost on the way.
    h.fake.pay(&subscription_id).await.unwrap();
    h.settle().await;
    let sub = h.subscription(&owner).await;
    assert_eq!((sub["status"].as_str(), sub["readOnly"].as_bool()), (Some("active"), Some(false)), "{sub}");
    assert!(sub["graceEndsAt"].is_null());
    let after = (
        h.count("select count(*) from tickets").await,
        h.count("select count(*) from events").await,
        h.count("select count(*) from memberships").await,
    );
    assert_eq!(after.0, before.0, "no ticket deleted");
    assert!(after.1 > before.1, "the audit trail only grows");
    assert_eq!(after.2, before.2, "no member removed");
    assert!(h.create_ticket(&agent, "Writable again").await["errors"].is_null());
    // Every state change is in the audit trail.
    let changes = h.count("select count(*) from events where action = 'billing.subscription_changed'").await;
    assert_eq!(changes, 3, "trialing→active, active→past_due, past_due→active");
}

#[tokio::test]
async fn billing_webhooks_refuse_bad_signatures_and_apply_each_event_once() {
    let h = Harness::start().await;
    let owner = h.app.sign_up("acme").await;
    h.fake.set_webhook(None); // this test delivers by hand
    let body = h.gql(&owner, CHECKOUT, json!({ "interval": "MONTHLY" })).await;
    let url = body["data"]["startCheckout"]["url"].as_str().unwrap().to_owned();
    let session_id = h.fake.session_of_url(&url).unwrap()["id"].as_str().unwrap().to_owned();
    h.fake.complete_checkout(&session_id).await.unwrap();
    let events = h.fake.events();
    assert_eq!(events.len(), 3);
    let completed = serde_json::to_vec(&events[2]).unwrap();

    // Wrongly signed, unsigned, stale and garbled deliveries are refused and change nothing.
    let (status, _) = h.post_event(&completed, "whsec_someone_else", now()).await;
    assert_eq!(status, 400);
    let (status, body) = h.post_event(&completed, SECRET, now() - 301).await;
    assert_eq!(status, 400);
    assert!(body["error"].as_str().unwrap().contains("seconds away"), "{body}");
    let unsigned =
        h.app.http.post(h.app.url("/webhooks/stripe")).body(completed.clone()).send().await.unwrap();
    assert_eq!(unsigned.status().as_u16(), 400);
    let (status, _) = h.post_event(b"not json", SECRET, now()).await;
    assert_eq!(status, 400);
    assert_eq!(h.count("select count(*) from stripe_events").await, 0);
    assert_eq!(h.subscription(&owner).await["status"], "trialing");

    // Correctly signed (and within the tolerance): stored, queued, applied.
    let (status, body) = h.post_event(&completed, SECRET, now() - 250).await;
    assert_eq!((status, body["outcome"].as_str()), (200, Some("queued")), "{body}");
    h.settle().await;
    assert_eq!(h.subscription(&owner).await["status"], "active");

    // Replayed: acknowledged, not applied again.
    for _ in 0..3 {
        let (status, body) = h.post_event(&completed, SECRET, now()).await;
        assert_eq!((status, body["outcome"].as_str()), (200, Some("duplicate")), "{body}");
    }
    h.settle().await;
    assert_eq!(h.count("select count(*) from stripe_events").await, 1);
    assert_eq!(h.count("select count(*) from stripe_events where processed_at is not null").await, 1);
    assert_eq!(h.count("select count(*) from events where action = 'billing.subscription_changed'").await, 1);

    // An event about a subscription Stripe no longer has is recorded as done, not retried forever.
    let customer = h.fake.customers()[0]["id"].clone();
    let gone =
        json!({ "id": "sub_gone", "object": "subscription", "customer": customer, "status": "active" });
    let gone =
        serde_json::to_vec(&event_object("evt_gone", "customer.subscription.updated", gone, now())).unwrap();
    let (status, body) = h.post_event(&gone, SECRET, now()).await;
    assert_eq!((status, body["outcome"].as_str()), (200, Some("queued")), "{body}");
    h.settle().await;
    assert_eq!(
        h.count("select count(*) from stripe_events where id = 'evt_gone' and processed_at is not null")
            .await,
        1
    );
    assert_eq!(h.subscription(&owner).await["status"], "active");

    // Types we do not act on, and customers we do not know, are acknowledged and not applied.
    let other = serde_json::to_vec(&event_object("evt_other", "charge.refunded", json!({}), now())).unwrap();
    let (status, body) = h.post_event(&other, SECRET, now()).await;
    assert_eq!((status, body["outcome"].as_str()), (200, Some("ignored")));
    let stranger = json!({ "id": "sub_stranger", "object": "subscription", "customer": "cus_stranger" });
    let stranger =
        serde_json::to_vec(&event_object("evt_stranger", "customer.subscription.updated", stranger, now()))
            .unwrap();
    let (status, body) = h.post_event(&stranger, SECRET, now()).await;
    assert_eq!((status, body["outcome"].as_str()), (200, Some("unknown customer")));
    assert_eq!(h.count("select count(*) from stripe_events where org_id is null").await, 1);
}

#[tokio::test]
async fn billing_out_of_order_and_late_events_cannot_roll_the_state_back() {
    let h = Harness::start().await;
    let owner = h.app.sign_up("acme").await;
    h.fake.set_webhook(None);
    let body = h.gql(&owner, CHECKOUT, json!({ "interval": "YEARLY" })).await;
    let url = body["data"]["startCheckout"]["url"].as_str().unwrap().to_owned();
    let session_id = h.fake.session_of_url(&url).unwrap()["id"].as_str().unwrap().to_owned();
    let subscription_id = h.fake.complete_checkout(&session_id).await.unwrap();
    h.fake.fail_payment(&subscription_id).await.unwrap();
    h.fake.pay(&subscription_id).await.unwrap();
    // Stripe now says: active. Deliver everything newest first.
    let target = WebhookTarget { url: h.app.url("/webhooks/stripe"), secret: SECRET.into() };
    h.fake.set_webhook(Some(target));
    let mut events = h.fake.events();
    events.reverse();
    for event in &events {
        assert_eq!(h.fake.deliver(event).await.unwrap(), 200);
    }
    h.settle().await;
    let sub = h.subscription(&owner).await;
    assert_eq!((sub["status"].as_str(), sub["interval"].as_str()), (Some("active"), Some("YEARLY")), "{sub}");
    assert!(sub["graceEndsAt"].is_null());
    // The payment failure was already settled when its event was applied: no alarming mail.
    assert!(h.mails_with("Payment failed").is_empty());

    // A late copy of the past_due update (a new delivery id, an old object) changes nothing.
    let stale = events.iter().find(|e| {
        e["type"] == "customer.subscription.updated" && e["data"]["object"]["status"] == "past_due"
    });
    let mut late = stale.unwrap().clone();
    late["id"] = json!("evt_late_copy");
    let (status, _) = h.post_event(&serde_json::to_vec(&late).unwrap(), SECRET, now()).await;
    assert_eq!(status, 200);
    h.settle().await;
    assert_eq!(h.subscription(&owner).await["status"], "active");

    // Cancelling in the portal: at the period's end first, then for good (read-only, nothing lost).
    h.fake.cancel(&subscription_id, true).await.unwrap();
    h.settle().await;
    let sub = h.subscription(&owner).await;
    assert_eq!((sub["status"].as_str(), sub["cancelAtPeriodEnd"].as_bool()), (Some("active"), Some(true)));
    h.fake.cancel(&subscription_id, false).await.unwrap();
    h.settle().await;
    let sub = h.subscription(&owner).await;
    assert_eq!((sub["status"].as_str(), sub["readOnly"].as_bool()), (Some("canceled"), Some(true)), "{sub}");
    assert!(sub["readOnlyReason"].as_str().unwrap().contains("subscription has ended"));
    // Subscribing again is allowed while read-only, and makes the organisation writable.
    let new_subscription = h.subscribe(&owner, "MONTHLY").await;
    assert_ne!(new_subscription, subscription_id);
    let sub = h.subscription(&owner).await;
    assert_eq!((sub["status"].as_str(), sub["readOnly"].as_bool()), (Some("active"), Some(false)), "{sub}");
    assert_eq!(h.fake.customers().len(), 1, "the same Stripe customer");
}

#[tokio::test]
async fn billing_an_expired_trial_is_read_only_until_subscribed_and_only_admins_pay() {
    let h = Harness::start().await;
    let owner = h.app.sign_up("acme").await;
    let agent = h.app.add_member(&owner, "agent@acme.test", "AGENT").await;
    let refused = h.gql(&agent, CHECKOUT, json!({ "interval": "MONTHLY" })).await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    let refused = h.gql(&owner, PORTAL, json!({})).await;
    assert_eq!(error_code(&refused), Some("NOT_FOUND"), "no billing account before subscribing: {refused}");

    h.sql("update organizations set trial_ends_at = now() - interval '1 hour'").await;
    let sub = h.subscription(&agent).await;
    assert_eq!(sub["readOnly"], true);
    assert!(sub["readOnlyReason"].as_str().unwrap().contains("trial has ended"));
    let blocked = h.create_ticket(&agent, "After the trial").await;
    assert_eq!(error_code(&blocked), Some("READ_ONLY_TENANT"), "{blocked}");
    let blocked = h.gql(&owner, "mutation { markNotificationsRead(ids: []) }", json!({})).await;
    assert_eq!(error_code(&blocked), Some("READ_ONLY_TENANT"), "{blocked}");
    // Mail from requesters is never lost: it still becomes a ticket (and is acknowledged).
    let org: uuid::Uuid = {
        let mut conn = h.app.db.admin_conn().await;
        sqlx::query_scalar("select id from organizations where slug = 'acme'")
            .fetch_one(&mut conn)
            .await
            .unwrap()
    };
    let raw = b"From: Ann <ann@example.com>\r\nTo: acme@inbound.localhost\r\nSubject: Printer on fire\r\nMessage-ID: <fire@example.com>\r\n\r\nIt is on fire.\r\n";
    h.mail
        .store(
            ferrodesk_domain::OrgId::from_uuid(org),
            ferrodesk_core::mail::Received {
                mail_from: "ann@example.com",
                recipients: &["acme@inbound.localhost".to_owned()],
                peer: "127.0.0.1",
                raw,
                auth: &ferrodesk_mail::auth::MailAuth::unverified("stored by the test"),
            },
        )
        .await
        .unwrap();
    h.settle().await;
    assert_eq!(h.count("select count(*) from tickets where subject = 'Printer on fire'").await, 1);
    assert_eq!(h.mails_with("Printer on fire").len(), 1, "the requester is acknowledged");
    // Signing out and in still work.
    let out = h.gql(&agent, "mutation { logOut }", json!({})).await;
    assert_eq!(out["data"]["logOut"], true);
    let back = h
        .app
        .gql(
            None,
            "mutation($input: LogInInput!) { logIn(input: $input) { token } }",
            json!({ "input": { "email": "agent@acme.test", "password": "another good password" } }),
        )
        .await;
    let agent = Session { token: back["data"]["logIn"]["token"].as_str().unwrap().to_owned(), ..agent };

    h.subscribe(&owner, "MONTHLY").await;
    let created = h.create_ticket(&agent, "Subscribed").await;
    assert!(created["errors"].is_null(), "{created}");
}

#[tokio::test]
async fn billing_trial_reminder_goes_to_the_owners_once() {
    let h = Harness::start().await;
    let _owner = h.app.sign_up("acme").await;
    let _later = h.app.sign_up("later").await;
    h.sql("update organizations set trial_ends_at = now() + interval '2 days' where slug = 'acme'").await;
    let db = Db::connect(&h.app.db.worker_url.clone().into(), 2).await.unwrap();
    let now = chrono::Utc::now();
    assert_eq!(ferrodesk_core::billing::send_trial_reminders(&db, now).await.unwrap(), 1);
    assert_eq!(ferrodesk_core::billing::send_trial_reminders(&db, now).await.unwrap(), 0);
    h.settle().await;
    let mails = h.mails_with("trial for acme Ltd ends soon");
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].mail.to, vec!["owner@acme.test".to_owned()]);
    assert!(mails[0].mail.from_address.starts_with("billing@"));
    assert!(mails[0].mail.text.contains("read-only") && mails[0].mail.text.contains("Nothing is deleted"));
}

#[tokio::test]
async fn billing_demo_organisations_never_pay_and_are_never_read_only() {
    let h = Harness::start().await;
    let owner = h.app.sign_up("demo-acme").await;
    h.sql("update organizations set is_demo = true, subscription_status = 'canceled'").await;
    let sub = h.subscription(&owner).await;
    assert_eq!(sub["readOnly"], false);
    assert!(h.create_ticket(&owner, "Demo tickets are always welcome").await["errors"].is_null());
    for mutation in [CHECKOUT, PORTAL] {
        let body = h.gql(&owner, mutation, json!({ "interval": "MONTHLY" })).await;
        assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
        assert_eq!(body["errors"][0]["message"], "Billing is disabled in the demo.");
    }
    // The real demo, entered as a visitor does.
    let db = ferrodesk_db::Db::connect(&h.app.db.worker_url.clone().into(), 2).await.unwrap();
    ferrodesk_core::demo::reset(&db, chrono::Utc::now(), ferrodesk_core::demo::When::Always).await.unwrap();
    let body = h.app.gql(None, "mutation { startDemoSession { token viewer { id } } }", json!({})).await;
    let visitor = ferrodesk_testkit::Session {
        token: body["data"]["startDemoSession"]["token"].as_str().unwrap().to_owned(),
        user_id: body["data"]["startDemoSession"]["viewer"]["id"].as_str().unwrap().to_owned(),
    };
    assert_eq!(h.subscription(&visitor).await["readOnly"], false);
    for mutation in [CHECKOUT, PORTAL] {
        let body = h.gql(&visitor, mutation, json!({ "interval": "YEARLY" })).await;
        assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    }
    assert!(h.fake.customers().is_empty(), "no Stripe customer for the demo");
}

#[tokio::test]
async fn billing_off_has_no_limits_and_no_billing() {
    let app = TestApp::spawn().await;
    let owner = app.sign_up("selfhosted").await;
    let mut conn = app.db.admin_conn().await;
    sqlx::query("update organizations set subscription_status = 'canceled', trial_ends_at = now() - interval '30 days'")
        .execute(&mut conn)
        .await
        .unwrap();
    let body = app.gql(Some(&owner.token), SUBSCRIPTION, json!({})).await;
    let sub = &body["data"]["organization"]["subscription"];
    assert_eq!(
        (sub["billingEnabled"].as_bool(), sub["readOnly"].as_bool()),
        (Some(false), Some(false)),
        "{body}"
    );
    let ticket = app.create_ticket(&owner, json!({ "kind": "INCIDENT", "subject": "No limits" })).await;
    assert!(ticket["number"].is_string());
    let body = app.gql(Some(&owner.token), CHECKOUT, json!({ "interval": "MONTHLY" })).await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"));
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("BILLING=off"), "{body}");
    let webhook = app.http.post(app.url("/webhooks/stripe")).body("{}").send().await.unwrap();
    assert_eq!(webhook.status().as_u16(), 404);
}
