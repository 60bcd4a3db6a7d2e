//! Live updates: `ticketChanged` over graphql-ws at `/graphql/ws`, fanned out through Redis.
//!
//! Absence is proven by order: a change that must not reach a subscriber is made first, one that
//! must reach it next, and the first event the subscriber receives has to be the second one (Redis
//! pub/sub and the gateway keep one organisation's changes in order).

use std::net::SocketAddr;
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use ferrodesk_testkit::{Session, TestApp, gateway_config};

const UPDATE: &str = "mutation($input: UpdateTicketInput!) { updateTicket(input: $input) { ticket { id } } }";
const MESSAGE: &str =
    "mutation($input: AddTicketMessageInput!) { addTicketMessage(input: $input) { message { id } } }";

/// Opens `/graphql/ws` the way a browser does: the session cookie and, optionally, an `Origin`.
pub(crate) async fn open(
    addr: SocketAddr,
    token: Option<&str>,
    origin: Option<&str>,
) -> Result<WebSocketStream<MaybeTlsStream<TcpStream>>, tungstenite::Error> {
    let mut request = format!("ws://{addr}/graphql/ws").into_client_request()?;
    let headers = request.headers_mut();
    headers.insert("sec-websocket-protocol", HeaderValue::from_static("graphql-transport-ws"));
    if let Some(token) = token {
        headers.insert("cookie", HeaderValue::from_str(&format!("fd_session={token}")).unwrap());
    }
    if let Some(origin) = origin {
        headers.insert("origin", HeaderValue::from_str(origin).unwrap());
    }
    Ok(tokio_tungstenite::connect_async(request).await?.0)
}

/// A graphql-ws client subscribed to `ticketChanged`.
struct Listener {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

impl Listener {
    async fn subscribe(addr: SocketAddr, session: &Session) -> Self {
        let ws = open(addr, Some(&session.token), None).await.expect("open the socket");
        let mut listener = Self { ws };
        listener.send(json!({ "type": "connection_init" })).await;
        assert_eq!(listener.receive().await["type"], "connection_ack");
        listener
            .send(json!({ "id": "live", "type": "subscribe",
                "payload": { "query": "subscription { ticketChanged { ticketId number kind } }" } }))
            .await;
        // A query on the same socket completes only after the subscription above has been set up,
        // so changes made from here on reach it.
        listener
            .send(json!({ "id": "sync", "type": "subscribe", "payload": { "query": "{ viewer { id } }" } }))
            .await;
        loop {
            let message = listener.receive().await;
            assert_ne!(message["type"], "error", "{message}");
            if message["id"] == "sync" && message["type"] == "complete" {
                return listener;
            }
        }
    }

    async fn send(&mut self, message: Value) {
        self.ws.send(Message::text(message.to_string())).await.expect("send");
    }

    async fn receive(&mut self) -> Value {
        loop {
            let frame = tokio::time::timeout(Duration::from_secs(10), self.ws.next())
                .await
                .expect("a message within 10 s")
                .expect("the socket stays open")
                .expect("a frame");
            if let Message::Text(text) = frame {
                return serde_json::from_str(&text).unwrap();
            }
        }
    }

    /// The next `ticketChanged` event: `(ticketId, number, kind)`.
    async fn next_change(&mut self) -> (String, String, String) {
        loop {
            let message = self.receive().await;
            if message["type"] == "ping" {
                self.send(json!({ "type": "pong" })).await;
                continue;
            }
            assert_eq!((&message["id"], &message["type"]), (&json!("live"), &json!("next")), "{message}");
            let change = &message["payload"]["data"]["ticketChanged"];
            return (
                change["ticketId"].as_str().unwrap().to_owned(),
                change["number"].as_str().unwrap().to_owned(),
                change["kind"].as_str().unwrap().to_owned(),
            );
        }
    }
}

/// This test app's live channels that Redis has subscribers for.
async fn live_channels(app: &TestApp) -> Vec<String> {
    let client = redis::Client::open(ferrodesk_testkit::redis_url()).unwrap();
    let mut redis = client.get_multiplexed_async_connection().await.unwrap();
    redis::cmd("PUBSUB")
        .arg("CHANNELS")
        .arg(format!("{}live:*", app.redis_prefix))
        .query_async(&mut redis)
        .await
        .unwrap()
}

fn id(ticket: &Value) -> String {
    ticket["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn live_changes_reach_the_organisation_and_no_other() {
    let app = TestApp::spawn().await;
    let acme = app.sign_up("acme").await;
    let agent = app.add_member(&acme, "agent@acme.test", "AGENT").await;
    let globex = app.sign_up("globex").await;
    let mut live = Listener::subscribe(app.addr, &agent).await;

    // Both organisations number their first incident INC-0001: only the ids tell them apart.
    app.create_ticket(&globex, json!({ "kind": "INCIDENT", "subject": "Globex printer" })).await;
    let ours = app.create_ticket(&acme, json!({ "kind": "INCIDENT", "subject": "Acme VPN" })).await;
    assert_eq!(live.next_change().await, (id(&ours), "INC-0001".into(), "CREATED".into()));

    app.gql(Some(&acme.token), UPDATE, json!({ "input": { "id": ours["id"], "priority": "P1" } })).await;
    assert_eq!(live.next_change().await.2, "UPDATED");
    let body = app
        .gql(
            Some(&acme.token),
            MESSAGE,
            json!({ "input": { "ticketId": ours["id"], "body": "Looking", "internal": true } }),
        )
        .await;
    assert!(body["errors"].is_null(), "{body}");
    assert_eq!(live.next_change().await, (id(&ours), "INC-0001".into(), "MESSAGE".into()));
}

#[tokio::test]
async fn requesters_hear_only_of_their_own_tickets_and_never_of_internal_notes() {
    let app = TestApp::spawn().await;
    let owner = app.sign_up("acme").await;
    let jane = app.add_member(&owner, "jane@acme.test", "REQUESTER").await;
    app.add_member(&owner, "omar@acme.test", "REQUESTER").await;
    let mut live = Listener::subscribe(app.addr, &jane).await;

    app.create_ticket(
        &owner,
        json!({ "kind": "INCIDENT", "subject": "Omar's screen", "requesterEmail": "omar@acme.test" }),
    )
    .await;
    let hers = app
        .create_ticket(
            &owner,
            json!({ "kind": "INCIDENT", "subject": "Jane's VPN", "requesterEmail": "jane@acme.test" }),
        )
        .await;
    assert_eq!(live.next_change().await, (id(&hers), "INC-0002".into(), "CREATED".into()));

    let note =
        json!({ "input": { "ticketId": hers["id"], "body": "Requester seems confused", "internal": true } });
    app.gql(Some(&owner.token), MESSAGE, note).await;
    let reply =
        json!({ "input": { "ticketId": hers["id"], "body": "Try the new profile", "internal": false } });
    app.gql(Some(&owner.token), MESSAGE, reply).await;
    assert_eq!(
        live.next_change().await,
        (id(&hers), "INC-0002".into(), "MESSAGE".into()),
        "the public reply, not the internal note before it"
    );
}

#[tokio::test]
async fn changes_reach_subscribers_of_another_gateway_replica_through_redis() {
    let app = TestApp::spawn().await;
    let owner = app.sign_up("acme").await;
    let replica = ferrodesk_gateway::Application::build(gateway_config(&app.db, &app.redis_prefix))
        .await
        .expect("a second gateway over the same database and Redis");
    let replica_addr = replica.local_addr();
    tokio::spawn(replica.run_until_stopped());

    let mut live = Listener::subscribe(replica_addr, &owner).await;
    let ticket =
        app.create_ticket(&owner, json!({ "kind": "SERVICE_REQUEST", "subject": "New laptop" })).await;
    assert_eq!(live.next_change().await, (id(&ticket), "REQ-0001".into(), "CREATED".into()));
}

#[tokio::test]
async fn an_organisation_is_heard_again_after_its_last_screen_closed() {
    let app = TestApp::spawn().await;
    let owner = app.sign_up("acme").await;
    let mut first = Listener::subscribe(app.addr, &owner).await;
    let one = app.create_ticket(&owner, json!({ "kind": "INCIDENT", "subject": "One" })).await;
    assert_eq!(first.next_change().await.0, id(&one));
    drop(first);
    // With nobody watching, the next change makes the gateway unsubscribe the organisation (once
    // it has noticed the socket close).
    let mut unsubscribed = false;
    for _ in 0..50 {
        app.create_ticket(&owner, json!({ "kind": "INCIDENT", "subject": "Unheard" })).await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        if live_channels(&app).await.is_empty() {
            unsubscribed = true;
            break;
        }
    }
    assert!(unsubscribed, "the gateway still listens to an organisation nobody watches");

    let mut second = Listener::subscribe(app.addr, &owner).await;
    assert_eq!(live_channels(&app).await.len(), 1);
    let three = app.create_ticket(&owner, json!({ "kind": "INCIDENT", "subject": "Three" })).await;
    let (ticket, _, kind) = second.next_change().await;
    assert_eq!((ticket, kind), (id(&three), "CREATED".to_owned()));
}

#[tokio::test]
async fn a_live_socket_needs_a_session_and_our_own_origin() {
    let app = TestApp::spawn().await;
    let owner = app.sign_up("acme").await;
    let status = |result: Result<_, tungstenite::Error>| match result {
        Ok(_) => 101,
        Err(tungstenite::Error::Http(response)) => response.status().as_u16(),
        Err(e) => panic!("unexpected failure: {e}"),
    };
    assert_eq!(status(open(app.addr, None, None).await), 401, "no session");
    assert_eq!(status(open(app.addr, Some("fds_not-a-session"), None).await), 401, "unknown session");
    assert_eq!(
        status(open(app.addr, Some(&owner.token), Some("https://evil.example")).await),
        403,
        "another site riding the cookie"
    );
    let own_origin = format!("http://{}", app.addr);
    assert_eq!(status(open(app.addr, Some(&owner.token), Some(&own_origin)).await), 101);

    app.gql(Some(&owner.token), "mutation { logOut }", json!({})).await;
    assert_eq!(status(open(app.addr, Some(&owner.token), None).await), 401, "a session that ended");
}

/// Tickets created and answered by email are announced like those made in the app: the worker
/// publishes them after its transaction commits, through the same Redis channel.
#[tokio::test]
async fn tickets_created_and_answered_by_email_reach_open_screens() {
    use crate::mail::{DOMAIN, MailHarness, message};
    let h = MailHarness::start().await;
    let acme = h.app.sign_up("acme").await;
    let globex = h.app.sign_up("globex").await;
    let mut live = Listener::subscribe(h.app.addr, &acme).await;
    let to = format!("acme@{DOMAIN}");

    // Mail to another organisation is never heard here.
    let theirs = message("Gus <gus@example.com>", &format!("globex@{DOMAIN}"), "Globex fax", None, "", "Hi");
    h.send("gus@example.com", &format!("globex@{DOMAIN}"), &theirs).await.unwrap();
    let first =
        message("Ann <ann@example.com>", &to, "Laptop will not boot", Some("boot-1@example.com"), "", "Help");
    h.send("ann@example.com", &to, &first).await.unwrap();
    let (ticket_id, number, kind) = live.next_change().await;
    assert_eq!((number.as_str(), kind.as_str()), ("INC-0001", "CREATED"));
    let ticket = h.ticket(&acme, "INC-1").await;
    assert_eq!(ticket["id"], ticket_id.as_str());

    let reply = message(
        "Ann <ann@example.com>",
        &to,
        "Re: Laptop will not boot",
        Some("boot-2@example.com"),
        "In-Reply-To: <boot-1@example.com>\r\nReferences: <boot-1@example.com>\r\n",
        "It shows a blinking cursor now.",
    );
    h.send("ann@example.com", &to, &reply).await.unwrap();
    assert_eq!(live.next_change().await, (ticket_id, "INC-0001".into(), "MESSAGE".into()));
    let globex_tickets =
        h.app.gql(Some(&globex.token), "{ tickets(first: 5) { nodes { subject } } }", json!({})).await;
    assert_eq!(globex_tickets["data"]["tickets"]["nodes"], json!([{ "subject": "Globex fax" }]));
}
