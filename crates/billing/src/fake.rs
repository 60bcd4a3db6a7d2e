//! A fake Stripe for tests and local development: the API endpoints Ferrodesk calls, hosted
//! Checkout and Customer Portal pages a person (or Playwright) can click through, and signed
//! webhooks for what happens. Objects follow the shapes of Stripe's published fixtures, trimmed
//! to what Ferrodesk reads (a test checks them against `shared/stripe/fixtures3.json`).
//!
//! Run it with `ferrodesk-dev fake-stripe` (see README §Billing). A price id containing `year` is
//! billed yearly, any other monthly.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use chrono::Utc;
use serde_json::{Value, json};

use crate::signature;

/// Where the fake sends its events.
#[derive(Debug, Clone)]
pub struct WebhookTarget {
    pub url: String,
    pub secret: String,
}

#[derive(Default)]
struct Store {
    seq: u64,
    customers: HashMap<String, Value>,
    sessions: HashMap<String, Value>,
    portals: HashMap<String, Value>,
    subscriptions: HashMap<String, Value>,
    invoices: HashMap<String, Value>,
    events: Vec<Value>,
}

impl Store {
    fn id(&mut self, prefix: &str) -> String {
        self.seq += 1;
        format!("{prefix}_fake{:06}", self.seq)
    }

    /// A new invoice in `status` for the subscription, which now names it as its latest.
    fn invoice(&mut self, sub: &mut Value, status: &str) -> Value {
        let id = self.id("in");
        let invoice = invoice_object(&id, sub, status, 1);
        sub["latest_invoice"] = json!(id);
        self.invoices.insert(id, invoice.clone());
        invoice
    }
}

struct Inner {
    base: String,
    store: Mutex<Store>,
    webhook: Mutex<Option<WebhookTarget>>,
    http: reqwest::Client,
}

/// A running fake Stripe. Dropping it does not stop the server task; it lives as long as the
/// process (tests are processes of their own).
#[derive(Clone)]
pub struct FakeStripe {
    pub addr: SocketAddr,
    inner: Arc<Inner>,
}

#[derive(Debug, thiserror::Error)]
pub enum FakeError {
    #[error("no such {0}: {1}")]
    Missing(&'static str, String),
    #[error("delivering a webhook: {0}")]
    Delivery(String),
}

fn now() -> i64 {
    Utc::now().timestamp()
}

fn lock(m: &Mutex<Store>) -> std::sync::MutexGuard<'_, Store> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn period_secs(price: &str) -> i64 {
    if price.contains("year") { 365 * 86_400 } else { 30 * 86_400 }
}

/// A subscription object shaped like Stripe's (`resources["subscription"]`).
pub fn subscription_object(id: &str, customer: &str, price: &str, metadata: Value, created: i64) -> Value {
    let interval = if price.contains("year") { "year" } else { "month" };
    json!({
        "id": id, "object": "subscription", "customer": customer, "status": "active",
        "created": created, "start_date": created, "billing_cycle_anchor": created,
        "cancel_at_period_end": false, "cancel_at": null, "canceled_at": null, "ended_at": null,
        "collection_method": "charge_automatically", "currency": "usd", "livemode": false,
        "latest_invoice": null, "metadata": metadata, "trial_end": null, "trial_start": null,
        "items": {
            "object": "list", "has_more": false, "url": format!("/v1/subscription_items?subscription={id}"),
            "data": [{
                "id": format!("si_{id}"), "object": "subscription_item", "created": created, "quantity": 1,
                "subscription": id, "metadata": {},
                "current_period_start": created, "current_period_end": created + period_secs(price),
                "price": {
                    "id": price, "object": "price", "active": true, "currency": "usd", "type": "recurring",
                    "unit_amount": if interval == "year" { 49_000 } else { 4_900 },
                    "product": "prod_fake_ferrodesk", "livemode": false, "created": created,
                    "recurring": { "interval": interval, "interval_count": 1, "usage_type": "licensed" },
                },
            }],
        },
    })
}

/// An invoice object shaped like Stripe's (`resources["invoice"]`), for a subscription.
pub fn invoice_object(id: &str, subscription: &Value, status: &str, attempt_count: i64) -> Value {
    let paid = status == "paid";
    json!({
        "id": id, "object": "invoice", "customer": subscription["customer"], "status": status,
        "currency": "usd", "amount_due": subscription["items"]["data"][0]["price"]["unit_amount"],
        "amount_paid": if paid { subscription["items"]["data"][0]["price"]["unit_amount"].clone() } else { json!(0) },
        "attempt_count": attempt_count, "attempted": attempt_count > 0, "created": now(), "livemode": false,
        "billing_reason": "subscription_cycle", "hosted_invoice_url": null,
        "period_start": subscription["items"]["data"][0]["current_period_start"],
        "period_end": subscription["items"]["data"][0]["current_period_end"],
        "parent": {
            "type": "subscription_details",
            "subscription_details": { "subscription": subscription["id"], "metadata": subscription["metadata"] },
        },
    })
}

/// An event envelope shaped like Stripe's (`resources["event"]`).
pub fn event_object(id: &str, kind: &str, object: Value, created: i64) -> Value {
    json!({
        "id": id, "object": "event", "api_version": "2025-09-30.clover", "created": created,
        "type": kind, "livemode": false, "pending_webhooks": 1,
        "request": { "id": null, "idempotency_key": null },
        "data": { "object": object },
    })
}

fn stripe_error(status: StatusCode, message: &str) -> Response {
    let code = if status == StatusCode::NOT_FOUND { "resource_missing" } else { "parameter_missing" };
    (status, Json(json!({ "error": { "type": "invalid_request_error", "code": code, "message": message } })))
        .into_response()
}

fn authorised(headers: &HeaderMap) -> bool {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("Bearer sk_"))
}

type Params = Vec<(String, String)>;

fn param<'a>(params: &'a Params, name: &str) -> Option<&'a str> {
    params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// `metadata[key]=value` pairs under a prefix, as a JSON object.
fn metadata(params: &Params, prefix: &str) -> Value {
    let map: serde_json::Map<String, Value> = params
        .iter()
        .filter_map(|(k, v)| {
            k.strip_prefix(prefix)
                .and_then(|rest| rest.strip_prefix('['))
                .and_then(|rest| rest.strip_suffix(']'))
                .map(|key| (key.to_owned(), Value::String(v.clone())))
        })
        .collect();
    Value::Object(map)
}

impl FakeStripe {
    /// Starts on `addr` (port 0 for a free port).
    pub async fn start(addr: SocketAddr) -> anyhow::Result<Self> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let inner = Arc::new(Inner {
            base: format!("http://{addr}"),
            store: Mutex::new(Store::default()),
            webhook: Mutex::new(None),
            http: reqwest::Client::new(),
        });
        let fake = Self { addr, inner };
        let router = Router::new()
            .route("/v1/customers", post(create_customer))
            .route("/v1/checkout/sessions", post(create_session))
            .route("/v1/billing_portal/sessions", post(create_portal))
            .route("/v1/subscriptions/{id}", get(retrieve_subscription))
            .route("/checkout/{id}", get(checkout_page))
            .route("/checkout/{id}/pay", post(checkout_pay))
            .route("/portal/{id}", get(portal_page))
            .route("/portal/{id}/{action}", post(portal_action))
            .route("/_fake/subscriptions/{id}/{action}", post(control))
            .route("/_fake/events", get(list_events))
            .with_state(fake.clone());
        tokio::spawn(async move {
            if let Err(error) = axum::serve(listener, router).await {
                tracing::error!(%error, "fake Stripe stopped");
            }
        });
        Ok(fake)
    }

    /// The base URL to give Ferrodesk as `STRIPE_API_BASE`.
    pub fn url(&self) -> String {
        format!("{}/", self.inner.base)
    }

    /// Sends every later event, signed, to this target (or to nobody).
    pub fn set_webhook(&self, target: Option<WebhookTarget>) {
        if let Ok(mut slot) = self.inner.webhook.lock() {
            *slot = target;
        }
    }

    /// Every event so far, oldest first.
    pub fn events(&self) -> Vec<Value> {
        lock(&self.inner.store).events.clone()
    }

    pub fn subscription(&self, id: &str) -> Option<Value> {
        lock(&self.inner.store).subscriptions.get(id).cloned()
    }

    pub fn customers(&self) -> Vec<Value> {
        lock(&self.inner.store).customers.values().cloned().collect()
    }

    /// The Checkout Session behind a Checkout URL the app was given.
    pub fn session_of_url(&self, url: &str) -> Option<Value> {
        let id = url.rsplit('/').next()?;
        lock(&self.inner.store).sessions.get(id).cloned()
    }

    /// Posts one event to the webhook target, signed now; returns the HTTP status.
    pub async fn deliver(&self, event: &Value) -> Result<u16, FakeError> {
        let target = self.inner.webhook.lock().ok().and_then(|t| t.clone());
        let Some(target) = target else { return Ok(0) };
        let body = serde_json::to_vec(event).map_err(|e| FakeError::Delivery(e.to_string()))?;
        let signature = signature::header(&body, &target.secret, now());
        let response = self
            .inner
            .http
            .post(&target.url)
            .header("Stripe-Signature", signature)
            .header(header::CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await
            .map_err(|e| FakeError::Delivery(e.to_string()))?;
        Ok(response.status().as_u16())
    }

    async fn emit(&self, events: Vec<Value>) -> Result<(), FakeError> {
        for event in &events {
            let status = self.deliver(event).await?;
            if status != 0 && !(200..300).contains(&status) {
                tracing::warn!(status, event = %event["id"], "the webhook target refused an event");
            }
        }
        Ok(())
    }

    fn event(store: &mut Store, kind: &str, object: Value) -> Value {
        let id = store.id("evt");
        let event = event_object(&id, kind, object, now());
        store.events.push(event.clone());
        event
    }

    /// "Pays" a Checkout Session: the subscription starts, its first invoice is paid, and the
    /// events Stripe sends for that go out. Returns the subscription id.
    pub async fn complete_checkout(&self, session_id: &str) -> Result<String, FakeError> {
        let (id, events) = {
            let mut store = lock(&self.inner.store);
            let session = store
                .sessions
                .get(session_id)
                .cloned()
                .ok_or(FakeError::Missing("session", session_id.into()))?;
            if let Some(existing) = session["subscription"].as_str() {
                return Ok(existing.to_owned());
            }
            let id = store.id("sub");
            let price = session["fake_price"].as_str().unwrap_or("price_monthly").to_owned();
            let customer = session["customer"].as_str().unwrap_or_default().to_owned();
            let mut subscription = subscription_object(
                &id,
                &customer,
                &price,
                session["fake_subscription_metadata"].clone(),
                now(),
            );
            let invoice = store.invoice(&mut subscription, "paid");
            store.subscriptions.insert(id.clone(), subscription.clone());
            let mut completed = session.clone();
            completed["status"] = json!("complete");
            completed["payment_status"] = json!("paid");
            completed["subscription"] = json!(id);
            store.sessions.insert(session_id.to_owned(), completed.clone());
            let events = vec![
                Self::event(&mut store, "customer.subscription.created", subscription),
                Self::event(&mut store, "invoice.paid", invoice),
                Self::event(&mut store, "checkout.session.completed", public(&completed)),
            ];
            (id, events)
        };
        self.emit(events).await?;
        Ok(id)
    }

    fn change(
        &self,
        id: &str,
        apply: impl FnOnce(&mut Store, &mut Value) -> Vec<(&'static str, Value)>,
    ) -> Result<Vec<Value>, FakeError> {
        let mut store = lock(&self.inner.store);
        let mut subscription =
            store.subscriptions.get(id).cloned().ok_or(FakeError::Missing("subscription", id.into()))?;
        let changes = apply(&mut store, &mut subscription);
        store.subscriptions.insert(id.to_owned(), subscription);
        Ok(changes.into_iter().map(|(kind, object)| Self::event(&mut store, kind, object)).collect())
    }

    /// The renewal payment fails: the subscription is `past_due`.
    pub async fn fail_payment(&self, id: &str) -> Result<(), FakeError> {
        let events = self.change(id, |store, sub| {
            sub["status"] = json!("past_due");
            let invoice = store.invoice(sub, "open");
            vec![("invoice.payment_failed", invoice), ("customer.subscription.updated", sub.clone())]
        })?;
        self.emit(events).await
    }

    /// A payment succeeds (a retry, or a new card): `active`, and the period moves on.
    pub async fn pay(&self, id: &str) -> Result<(), FakeError> {
        let events = self.change(id, |store, sub| {
            sub["status"] = json!("active");
            let price = sub["items"]["data"][0]["price"]["id"].as_str().unwrap_or_default().to_owned();
            let end = sub["items"]["data"][0]["current_period_end"].as_i64().unwrap_or_else(now).max(now());
            sub["items"]["data"][0]["current_period_start"] = json!(end);
            sub["items"]["data"][0]["current_period_end"] = json!(end + period_secs(&price));
            let invoice = store.invoice(sub, "paid");
            vec![("invoice.paid", invoice), ("customer.subscription.updated", sub.clone())]
        })?;
        self.emit(events).await
    }

    /// Stripe gives up collecting: `unpaid`.
    pub async fn mark_unpaid(&self, id: &str) -> Result<(), FakeError> {
        let events = self.change(id, |_, sub| {
            sub["status"] = json!("unpaid");
            vec![("customer.subscription.updated", sub.clone())]
        })?;
        self.emit(events).await
    }

    /// Cancels at the end of the period (what the portal does by default), or at once.
    pub async fn cancel(&self, id: &str, at_period_end: bool) -> Result<(), FakeError> {
        let events = self.change(id, |_, sub| {
            if at_period_end {
                sub["cancel_at_period_end"] = json!(true);
                sub["cancel_at"] = sub["items"]["data"][0]["current_period_end"].clone();
                vec![("customer.subscription.updated", sub.clone())]
            } else {
                sub["status"] = json!("canceled");
                sub["canceled_at"] = json!(now());
                sub["ended_at"] = json!(now());
                vec![("customer.subscription.deleted", sub.clone())]
            }
        })?;
        self.emit(events).await
    }

    /// Switches the plan to another price (the portal's "update plan").
    pub async fn switch_price(&self, id: &str, price: &str) -> Result<(), FakeError> {
        let events = self.change(id, |_, sub| {
            let fresh = subscription_object(
                sub["id"].as_str().unwrap_or_default(),
                sub["customer"].as_str().unwrap_or_default(),
                price,
                sub["metadata"].clone(),
                now(),
            );
            sub["items"] = fresh["items"].clone();
            sub["cancel_at_period_end"] = json!(false);
            vec![("customer.subscription.updated", sub.clone())]
        })?;
        self.emit(events).await
    }

    /// The customer's most recent subscription.
    fn subscription_of_customer(&self, customer: &str) -> Option<String> {
        let store = lock(&self.inner.store);
        store
            .subscriptions
            .values()
            .filter(|s| s["customer"] == customer)
            .max_by_key(|s| (s["created"].as_i64(), s["id"].as_str().map(str::to_owned)))
            .and_then(|s| s["id"].as_str().map(str::to_owned))
    }
}

/// A session without the fake's own bookkeeping fields.
fn public(session: &Value) -> Value {
    let mut session = session.clone();
    if let Some(map) = session.as_object_mut() {
        map.retain(|k, _| !k.starts_with("fake_"));
    }
    session
}

async fn create_customer(
    State(fake): State<FakeStripe>,
    headers: HeaderMap,
    Form(params): Form<Params>,
) -> Response {
    if !authorised(&headers) {
        return stripe_error(StatusCode::UNAUTHORIZED, "Invalid API Key provided");
    }
    let mut store = lock(&fake.inner.store);
    let id = store.id("cus");
    let customer = json!({
        "id": id, "object": "customer", "name": param(&params, "name"), "email": param(&params, "email"),
        "metadata": metadata(&params, "metadata"), "created": now(), "livemode": false,
    });
    store.customers.insert(id, customer.clone());
    Json(customer).into_response()
}

async fn create_session(
    State(fake): State<FakeStripe>,
    headers: HeaderMap,
    Form(params): Form<Params>,
) -> Response {
    if !authorised(&headers) {
        return stripe_error(StatusCode::UNAUTHORIZED, "Invalid API Key provided");
    }
    let (Some("subscription"), Some(price), Some(customer), Some(success), Some(cancel)) = (
        param(&params, "mode"),
        param(&params, "line_items[0][price]"),
        param(&params, "customer"),
        param(&params, "success_url"),
        param(&params, "cancel_url"),
    ) else {
        return stripe_error(
            StatusCode::BAD_REQUEST,
            "mode=subscription, line_items, customer and the URLs are required",
        );
    };
    let mut store = lock(&fake.inner.store);
    if !store.customers.contains_key(customer) {
        return stripe_error(StatusCode::NOT_FOUND, &format!("No such customer: '{customer}'"));
    }
    let id = format!("cs_test_{}", store.id("session"));
    let session = json!({
        "id": id, "object": "checkout.session", "mode": "subscription", "status": "open",
        "payment_status": "unpaid", "customer": customer, "subscription": null,
        "client_reference_id": param(&params, "client_reference_id"),
        "metadata": metadata(&params, "metadata"), "success_url": success, "cancel_url": cancel,
        "url": format!("{}/checkout/{id}", fake.inner.base), "currency": "usd",
        "amount_total": if price.contains("year") { 49_000 } else { 4_900 },
        "created": now(), "expires_at": now() + 86_400, "livemode": false,
        "fake_price": price, "fake_subscription_metadata": metadata(&params, "subscription_data[metadata]"),
    });
    store.sessions.insert(id, session.clone());
    Json(public(&session)).into_response()
}

async fn create_portal(
    State(fake): State<FakeStripe>,
    headers: HeaderMap,
    Form(params): Form<Params>,
) -> Response {
    if !authorised(&headers) {
        return stripe_error(StatusCode::UNAUTHORIZED, "Invalid API Key provided");
    }
    let (Some(customer), Some(return_url)) = (param(&params, "customer"), param(&params, "return_url"))
    else {
        return stripe_error(StatusCode::BAD_REQUEST, "customer and return_url are required");
    };
    let mut store = lock(&fake.inner.store);
    if !store.customers.contains_key(customer) {
        return stripe_error(StatusCode::NOT_FOUND, &format!("No such customer: '{customer}'"));
    }
    let id = format!("bps_{}", store.id("portal"));
    let session = json!({
        "id": id, "object": "billing_portal.session", "customer": customer, "return_url": return_url,
        "url": format!("{}/portal/{id}", fake.inner.base), "created": now(), "livemode": false,
    });
    store.portals.insert(id, session.clone());
    Json(session).into_response()
}

async fn retrieve_subscription(
    State(fake): State<FakeStripe>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    if !authorised(&headers) {
        return stripe_error(StatusCode::UNAUTHORIZED, "Invalid API Key provided");
    }
    match fake.subscription(&id) {
        Some(sub) => Json(sub).into_response(),
        None => stripe_error(StatusCode::NOT_FOUND, &format!("No such subscription: '{id}'")),
    }
}

fn page(title: &str, body: &str) -> Html<String> {
    Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <style>body{{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#1f2430}}\
         button{{font:inherit;padding:.5rem 1rem;margin:.25rem 0;border-radius:6px;border:1px solid #3b5bdb;background:#3b5bdb;color:#fff;cursor:pointer}}\
         form{{display:inline-block;margin-right:.5rem}} .note{{color:#5b6275;font-size:.9rem}}</style></head>\
         <body><p class=\"note\">Fake Stripe (test mode): no money moves.</p>{body}</body></html>"
    ))
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

async fn checkout_page(State(fake): State<FakeStripe>, Path(id): Path<String>) -> Response {
    let Some(session) = lock(&fake.inner.store).sessions.get(&id).cloned() else {
        return (StatusCode::NOT_FOUND, "no such Checkout Session").into_response();
    };
    let price = session["fake_price"].as_str().unwrap_or_default();
    let label = if price.contains("year") {
        "Ferrodesk, yearly: 490.00 USD / year"
    } else {
        "Ferrodesk, monthly: 49.00 USD / month"
    };
    page(
        "Checkout",
        &format!(
            "<h1>Subscribe</h1><p>{label}<br>Unlimited agents.</p>\
             <form method=\"post\" action=\"/checkout/{id}/pay\"><button type=\"submit\">Pay and subscribe</button></form>\
             <p><a href=\"{}\">Back</a></p>",
            escape(session["cancel_url"].as_str().unwrap_or("/"))
        ),
    )
    .into_response()
}

async fn checkout_pay(State(fake): State<FakeStripe>, Path(id): Path<String>) -> Response {
    match fake.complete_checkout(&id).await {
        Ok(_) => {
            let success = fake.session_of_url(&id).and_then(|s| s["success_url"].as_str().map(str::to_owned));
            Redirect::to(&success.unwrap_or_else(|| "/".into())).into_response()
        }
        Err(e) => (StatusCode::NOT_FOUND, e.to_string()).into_response(),
    }
}

async fn portal_page(State(fake): State<FakeStripe>, Path(id): Path<String>) -> Response {
    let Some(session) = lock(&fake.inner.store).portals.get(&id).cloned() else {
        return (StatusCode::NOT_FOUND, "no such portal session").into_response();
    };
    let customer = session["customer"].as_str().unwrap_or_default();
    let subscription = fake.subscription_of_customer(customer).and_then(|s| fake.subscription(&s));
    let state = match &subscription {
        Some(s) => format!(
            "<p>Subscription {}: <strong>{}</strong>, billed every {}{}.</p>",
            escape(s["id"].as_str().unwrap_or_default()),
            escape(s["status"].as_str().unwrap_or_default()),
            escape(s["items"]["data"][0]["price"]["recurring"]["interval"].as_str().unwrap_or("month")),
            if s["cancel_at_period_end"] == true { ", cancels at the end of the period" } else { "" }
        ),
        None => "<p>No subscription.</p>".into(),
    };
    let button = |action: &str, label: &str| {
        format!(
            "<form method=\"post\" action=\"/portal/{id}/{action}\"><button type=\"submit\">{label}</button></form>"
        )
    };
    let actions = if subscription.is_some() {
        [
            button("monthly", "Switch to monthly"),
            button("yearly", "Switch to yearly"),
            button("cancel", "Cancel at period end"),
            button("cancel_now", "Cancel now"),
            button("fail_payment", "Simulate a failed payment"),
            button("pay", "Simulate a successful payment"),
        ]
        .concat()
    } else {
        String::new()
    };
    page(
        "Billing portal",
        &format!(
            "<h1>Billing portal</h1>{state}{actions}<p><a href=\"{}\">Return to Ferrodesk</a></p>",
            escape(session["return_url"].as_str().unwrap_or("/"))
        ),
    )
    .into_response()
}

async fn portal_action(
    State(fake): State<FakeStripe>,
    Path((id, action)): Path<(String, String)>,
) -> Response {
    let customer =
        lock(&fake.inner.store).portals.get(&id).and_then(|p| p["customer"].as_str().map(str::to_owned));
    let Some(sub) = customer.and_then(|c| fake.subscription_of_customer(&c)) else {
        return (StatusCode::NOT_FOUND, "no subscription").into_response();
    };
    if let Err(e) = act(&fake, &sub, &action).await {
        return (StatusCode::BAD_REQUEST, e.to_string()).into_response();
    }
    Redirect::to(&format!("/portal/{id}")).into_response()
}

async fn act(fake: &FakeStripe, sub: &str, action: &str) -> Result<(), FakeError> {
    let price = |interval: &str| {
        let current = fake
            .subscription(sub)
            .and_then(|s| s["items"]["data"][0]["price"]["id"].as_str().map(str::to_owned));
        let current = current.unwrap_or_default();
        match interval {
            "year" if !current.contains("year") => format!("{current}_yearly"),
            "month" if current.contains("year") => {
                current.replace("_yearly", "").replace("yearly", "monthly")
            }
            _ => current,
        }
    };
    match action {
        "fail_payment" => fake.fail_payment(sub).await,
        "pay" => fake.pay(sub).await,
        "unpaid" => fake.mark_unpaid(sub).await,
        "cancel" => fake.cancel(sub, true).await,
        "cancel_now" => fake.cancel(sub, false).await,
        "monthly" => fake.switch_price(sub, &price("month")).await,
        "yearly" => fake.switch_price(sub, &price("year")).await,
        other => Err(FakeError::Missing("action", other.into())),
    }
}

async fn control(State(fake): State<FakeStripe>, Path((id, action)): Path<(String, String)>) -> Response {
    match act(&fake, &id, &action).await {
        Ok(()) => Json(fake.subscription(&id)).into_response(),
        Err(e) => stripe_error(StatusCode::NOT_FOUND, &e.to_string()),
    }
}

async fn list_events(State(fake): State<FakeStripe>) -> Json<Vec<Value>> {
    Json(fake.events())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;

    /// Every key the fake sends must exist, at the same place, in Stripe's own example object.
    fn assert_shape(ours: &Value, theirs: &Value, path: &str) {
        match (ours, theirs) {
            (Value::Object(ours), Value::Object(theirs)) => {
                for (key, value) in ours {
                    let Some(their) = theirs.get(key) else {
                        panic!("{path}.{key} is not in Stripe's fixture");
                    };
                    if !(their.is_null() || path.ends_with("metadata") || key == "metadata") {
                        assert_shape(value, their, &format!("{path}.{key}"));
                    }
                }
            }
            (Value::Array(ours), Value::Array(theirs)) => {
                if let (Some(o), Some(t)) = (ours.first(), theirs.first()) {
                    assert_shape(o, t, &format!("{path}[]"));
                }
            }
            _ => {}
        }
    }

    #[test]
    fn objects_have_the_shapes_of_stripes_fixtures() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/stripe/fixtures3.json");
        let Ok(raw) = std::fs::read_to_string(&path) else {
            // Stripe's fixtures sit beside the repository on the team's machines (they are not
            // ours to vendor); a clone elsewhere checks the shapes through the other tests only.
            eprintln!("skipping the shape check: {} is absent", path.display());
            return;
        };
        let fixtures: Value = serde_json::from_str(&raw).unwrap();
        let resources = &fixtures["resources"];
        let sub = subscription_object("sub_1", "cus_1", "price_month", json!({"org_id": "x"}), 1);
        assert_shape(&sub, &resources["subscription"], "subscription");
        let invoice = invoice_object("in_1", &sub, "paid", 1);
        assert_shape(&invoice, &resources["invoice"], "invoice");
        let mut event = event_object("evt_1", "invoice.paid", json!({}), 1);
        event["data"]["object"] = json!({});
        assert_shape(&event, &resources["event"], "event");
        let session = json!({
            "id": "cs_1", "object": "checkout.session", "mode": "subscription", "status": "open",
            "payment_status": "unpaid", "customer": "cus_1", "subscription": null, "client_reference_id": "x",
            "metadata": {}, "success_url": "s", "cancel_url": "c", "url": "u", "currency": "usd",
            "amount_total": 1, "created": 1, "expires_at": 1, "livemode": false,
        });
        assert_shape(&session, &resources["checkout.session"], "checkout.session");
        let portal = json!({ "id": "bps_1", "object": "billing_portal.session", "customer": "c", "return_url": "r", "url": "u", "created": 1, "livemode": false });
        assert_shape(&portal, &resources["billing_portal.session"], "billing_portal.session");
        let customer = json!({ "id": "cus_1", "object": "customer", "name": null, "email": null, "metadata": {}, "created": 1, "livemode": false });
        assert_shape(&customer, &resources["customer"], "customer");
    }

    #[test]
    fn our_reader_understands_the_fakes_subscription() {
        let sub = subscription_object("sub_1", "cus_1", "price_x_yearly", json!({}), 1_000);
        let parsed: crate::stripe_api::Subscription =
            miniserde::json::from_str(&serde_json::to_string(&sub).unwrap()).unwrap();
        assert_eq!(parsed.interval(), Some("year"));
        assert_eq!(parsed.current_period_end().map(|d| d.timestamp()), Some(1_000 + 365 * 86_400));
        assert_eq!(parsed.customer, "cus_1");
    }
}
