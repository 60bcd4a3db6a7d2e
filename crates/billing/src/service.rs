//! Billing use cases that talk to Stripe: subscribing through Checkout, managing through the
//! Customer Portal, receiving webhooks, and applying them in the worker.

use chrono::{DateTime, Utc};
use ferrodesk_config::{BillingConfig, BillingMode};
use ferrodesk_core::billing::{SubscriptionStatus, grace_end};
use ferrodesk_core::jobs::ApplyStripeEvent;
use ferrodesk_core::notices::{Notice, queue_billing_notice};
use ferrodesk_core::{AppError, Principal, require_admin};
use ferrodesk_db::billing::{self as repo, BillingRow, SubscriptionUpdate};
use ferrodesk_db::{Db, TenantTx, events};
use ferrodesk_domain::OrgId;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};
use sha2_11::Digest;
use uuid::Uuid;

use crate::signature::{self, SignatureError};
use crate::stripe_api::{StripeApi, Subscription};

/// The events Ferrodesk acts on; others are acknowledged and dropped.
pub const HANDLED_EVENTS: &[&str] = &[
    "checkout.session.completed",
    "customer.subscription.created",
    "customer.subscription.updated",
    "customer.subscription.deleted",
    "invoice.paid",
    "invoice.payment_failed",
];

pub const DEMO_REFUSAL: &str = "Billing is disabled in the demo.";
pub const OFF_REFUSAL: &str = "Billing is turned off on this server (BILLING=off): there is nothing to pay.";

/// Monthly or yearly: one flat price each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interval {
    Month,
    Year,
}

impl Interval {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Month => "month",
            Self::Year => "year",
        }
    }
}

/// Billing with Stripe, shared by the gateway (checkout, portal, webhooks) and the worker
/// (applying events).
pub struct Billing {
    pub db: Db,
    pub stripe: StripeApi,
    pub price_monthly: String,
    pub price_yearly: Option<String>,
    pub webhook_secret: SecretString,
    /// Where Checkout and the portal send people back to.
    pub public_url: String,
    pub grace_days: i64,
}

impl std::fmt::Debug for Billing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Billing").field("price_monthly", &self.price_monthly).finish_non_exhaustive()
    }
}

/// What the webhook did with a verified event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Received {
    /// New: stored, and `billing.apply` queued in the same transaction.
    Queued(OrgId),
    /// This event id was received before: nothing more to do.
    Duplicate,
    /// An event type Ferrodesk does not act on.
    Ignored,
    /// About a customer no organisation has: stored for the record, not applied.
    UnknownCustomer,
}

#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    #[error(transparent)]
    Signature(#[from] SignatureError),
    #[error("the payload is not a Stripe event: {0}")]
    NotAnEvent(String),
    #[error("storing the event: {0}")]
    Storage(#[from] ferrodesk_db::DbError),
}

/// `Some` with Stripe, `None` with `BILLING=off`.
pub fn from_config(db: Db, config: &BillingConfig, public_url: &str) -> anyhow::Result<Option<Billing>> {
    let BillingMode::Stripe(stripe) = &config.mode else { return Ok(None) };
    Ok(Some(Billing {
        db,
        stripe: StripeApi::new(stripe)?,
        price_monthly: stripe.price_monthly.clone(),
        price_yearly: stripe.price_yearly.clone(),
        webhook_secret: stripe.webhook_secret.clone(),
        public_url: public_url.trim_end_matches('/').to_owned(),
        grace_days: config.grace_days,
    }))
}

fn internal(e: impl Into<anyhow::Error>) -> AppError {
    AppError::Internal(e.into())
}

/// The subscription an event is about, from the object it carries.
fn subscription_of(kind: &str, object: &Value) -> Option<String> {
    let id = match kind {
        "checkout.session.completed" => &object["subscription"],
        k if k.starts_with("customer.subscription.") => &object["id"],
        // Since API version 2025-03-31 an invoice names its subscription under `parent`.
        _ => match &object["parent"]["subscription_details"]["subscription"] {
            Value::Null => &object["subscription"],
            found => found,
        },
    };
    // An expanded object carries its id inside.
    id.as_str().or_else(|| id["id"].as_str()).map(str::to_owned)
}

/// The organisation id we put on our own sessions and subscriptions.
fn org_hint(object: &Value) -> Option<OrgId> {
    [
        &object["client_reference_id"],
        &object["metadata"]["org_id"],
        &object["parent"]["subscription_details"]["metadata"]["org_id"],
    ]
    .into_iter()
    .find_map(|v| v.as_str().and_then(|s| s.parse::<Uuid>().ok()))
    .map(OrgId::from_uuid)
}

fn customer_of(object: &Value) -> Option<String> {
    let c = &object["customer"];
    c.as_str().or_else(|| c["id"].as_str()).map(str::to_owned)
}

/// A stable uuid for a Stripe id, so the mail about one invoice is queued and sent once.
fn source_id(kind: &str, stripe_id: &str) -> Uuid {
    let digest = sha2_11::Sha256::digest(format!("{kind}:{stripe_id}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

impl Billing {
    fn price(&self, interval: Interval) -> Result<&str, AppError> {
        match interval {
            Interval::Month => Ok(&self.price_monthly),
            Interval::Year => self
                .price_yearly
                .as_deref()
                .ok_or_else(|| AppError::bad_input("interval", "yearly billing is not offered here")),
        }
    }

    /// Whether yearly billing is offered (a yearly price is configured).
    pub fn offers_yearly(&self) -> bool {
        self.price_yearly.is_some()
    }

    fn billing_url(&self) -> String {
        format!("{}/admin/billing", self.public_url)
    }

    /// Starts Stripe Checkout for the organisation (owners and admins), creating its Stripe
    /// customer the first time. Returns the Checkout URL to send the browser to.
    pub async fn start_checkout(&self, principal: Principal, interval: Interval) -> Result<String, AppError> {
        let mut tx = ferrodesk_core::enter(&self.db, principal).await?;
        require_admin(&tx)?;
        repo::allow_billing_writes(&mut tx).await?;
        // The row lock makes two clicks (or two admins) create one customer.
        let row = repo::lock_state(&mut tx).await?;
        if row.is_demo {
            return Err(AppError::Forbidden(DEMO_REFUSAL));
        }
        let live = SubscriptionStatus::parse(&row.status).is_some_and(SubscriptionStatus::is_live);
        if row.stripe_subscription_id.is_some() && live {
            return Err(AppError::Conflict {
                field: "interval",
                message: "this organisation already has a subscription: change it in the billing portal"
                    .into(),
            });
        }
        let price = self.price(interval)?.to_owned();
        let customer = match &row.stripe_customer_id {
            Some(customer) => customer.clone(),
            None => {
                let email = ferrodesk_db::accounts::member(&mut tx, principal.user_id)
                    .await?
                    .map(|m| m.email)
                    .unwrap_or_default();
                let customer = self
                    .stripe
                    .create_customer(principal.org_id, &row.name, &email)
                    .await
                    .map_err(internal)?;
                repo::set_customer(&mut tx, &customer).await?;
                customer
            }
        };
        let session = self
            .stripe
            .create_checkout_session(
                principal.org_id,
                &customer,
                &price,
                &format!("{}?checkout=success", self.billing_url()),
                &format!("{}?checkout=canceled", self.billing_url()),
            )
            .await
            .map_err(internal)?;
        let url = session
            .url
            .ok_or_else(|| internal(anyhow::anyhow!("Checkout Session {} has no url", session.id)))?;
        events::append(
            &mut tx,
            events::NewEvent {
                subject_type: "organization",
                subject_id: principal.org_id.into_uuid(),
                action: "billing.checkout_started",
                changes: json!({ "interval": interval.as_str(), "session": session.id }),
            },
        )
        .await?;
        tx.commit().await?;
        Ok(url)
    }

    /// A Customer Portal session (change card, switch plan, cancel). Returns its URL.
    pub async fn open_portal(&self, principal: Principal) -> Result<String, AppError> {
        let mut tx = ferrodesk_core::enter(&self.db, principal).await?;
        require_admin(&tx)?;
        let row = repo::state(&mut tx).await?;
        tx.commit().await?;
        if row.is_demo {
            return Err(AppError::Forbidden(DEMO_REFUSAL));
        }
        let Some(customer) = row.stripe_customer_id else {
            return Err(AppError::NotFound("billing account (subscribe first)"));
        };
        let session =
            self.stripe.create_portal_session(&customer, &self.billing_url()).await.map_err(internal)?;
        Ok(session.url)
    }

    /// `POST /webhooks/stripe`: verifies, stores the event once, and queues `billing.apply` in
    /// the same transaction. Everything slow happens in the job, so Stripe gets its 2xx fast.
    pub async fn receive(
        &self,
        payload: &[u8],
        signature_header: Option<&str>,
    ) -> Result<Received, WebhookError> {
        signature::verify(
            payload,
            signature_header,
            self.webhook_secret.expose_secret(),
            Utc::now().timestamp(),
        )?;
        let event: Value =
            serde_json::from_slice(payload).map_err(|e| WebhookError::NotAnEvent(e.to_string()))?;
        let (Some(id), Some(kind)) = (event["id"].as_str(), event["type"].as_str()) else {
            return Err(WebhookError::NotAnEvent("no id or type".into()));
        };
        if !HANDLED_EVENTS.contains(&kind) {
            return Ok(Received::Ignored);
        }
        let object = &event["data"]["object"];
        let mut tx = self.db.begin_system().await?;
        let org = repo::org_for_stripe(&mut tx, customer_of(object).as_deref(), org_hint(object)).await?;
        if !repo::record_event(&mut tx, id, kind, org, &event).await? {
            tx.commit().await.map_err(ferrodesk_db::DbError::from)?;
            return Ok(Received::Duplicate);
        }
        let Some(org) = org else {
            tx.commit().await.map_err(ferrodesk_db::DbError::from)?;
            tracing::warn!(event = id, kind, "Stripe event for a customer no organisation has");
            return Ok(Received::UnknownCustomer);
        };
        let mut tx = TenantTx::system(tx, org).await?;
        ferrodesk_jobs::enqueue(&mut tx, &ApplyStripeEvent { event_id: id.to_owned() }).await?;
        tx.commit().await?;
        Ok(Received::Queued(org))
    }

    /// The `billing.apply` job: applies one stored event once. The subscription's state is
    /// fetched from Stripe rather than taken from the event, so events delivered late or out
    /// of order cannot move the organisation back to an older state.
    pub async fn apply(&self, org: OrgId, event_id: &str) -> anyhow::Result<()> {
        let mut tx = self.db.system_in(org).await?;
        let Some(event) = repo::lock_event(&mut tx, event_id).await? else {
            tx.commit().await?;
            return Ok(());
        };
        if event.processed_at.is_some() {
            tx.commit().await?;
            return Ok(());
        }
        let before = repo::lock_state(&mut tx).await?;
        let object = &event.payload["data"]["object"];
        let subscription_id =
            subscription_of(&event.kind, object).or_else(|| before.stripe_subscription_id.clone());
        let mut now_status = SubscriptionStatus::parse(&before.status);
        if let Some(id) = subscription_id {
            match self.stripe.subscription(&id).await {
                Ok(subscription) => {
                    if let Some(status) = self.adopt(&mut tx, &before, &subscription, Utc::now()).await? {
                        now_status = Some(status);
                    }
                }
                // Deleted test data, or an event from another account: retrying cannot help.
                Err(e) if e.is_not_found() => {
                    tracing::warn!(org_id = %org, event = event_id, subscription = %id, "Stripe has no such subscription");
                }
                Err(e) => return Err(e.into()),
            }
        }
        if event.kind == "invoice.payment_failed"
            && matches!(now_status, Some(SubscriptionStatus::PastDue | SubscriptionStatus::Unpaid))
            && let Some(invoice) = object["id"].as_str()
        {
            queue_billing_notice(&mut tx, Notice::PaymentFailed, source_id("invoice", invoice)).await?;
        }
        repo::mark_event_processed(&mut tx, event_id).await?;
        tx.commit().await?;
        tracing::info!(org_id = %org, event = event_id, kind = %event.kind, "Stripe event applied");
        Ok(())
    }

    /// Stores the subscription's current state on the organisation. Returns the new status,
    /// or `None` when this subscription does not decide the organisation's state (a first
    /// payment still incomplete; an old subscription ending after a new one started).
    async fn adopt(
        &self,
        tx: &mut TenantTx,
        before: &BillingRow,
        subscription: &Subscription,
        now: DateTime<Utc>,
    ) -> anyhow::Result<Option<SubscriptionStatus>> {
        let Some(status) = SubscriptionStatus::from_stripe(&subscription.status) else { return Ok(None) };
        let other =
            before.stripe_subscription_id.as_deref().is_some_and(|current| current != subscription.id);
        let current_is_live =
            SubscriptionStatus::parse(&before.status).is_some_and(SubscriptionStatus::is_live);
        if other && current_is_live && !status.is_live() {
            return Ok(None);
        }
        let grace = (status == SubscriptionStatus::PastDue)
            .then(|| grace_end(&before.status, before.grace_ends_at, now, self.grace_days));
        let interval = self.interval_of(subscription);
        repo::apply_subscription(
            tx,
            &SubscriptionUpdate {
                subscription_id: &subscription.id,
                status: status.as_str(),
                current_period_end: subscription.current_period_end(),
                grace_ends_at: grace,
                interval,
                cancel_at_period_end: subscription.cancel_at_period_end,
            },
        )
        .await?;
        if before.status != status.as_str()
            || before.stripe_subscription_id.as_deref() != Some(&subscription.id)
        {
            events::append(
                tx,
                events::NewEvent {
                    subject_type: "organization",
                    subject_id: tx.org_id().into_uuid(),
                    action: "billing.subscription_changed",
                    changes: json!({
                        "status": { "from": before.status, "to": status.as_str() },
                        "subscription": subscription.id,
                        "graceEndsAt": grace,
                    }),
                },
            )
            .await?;
        }
        Ok(Some(status))
    }

    /// Our own price ids decide; a price we do not know (set up in the Dashboard) by its interval.
    fn interval_of<'a>(&self, subscription: &'a Subscription) -> Option<&'a str> {
        let has = |price: Option<&str>| subscription.price_ids().any(|p| Some(p) == price);
        if has(self.price_yearly.as_deref()) {
            Some("year")
        } else if has(Some(&self.price_monthly)) {
            Some("month")
        } else {
            subscription.interval().filter(|i| *i == "month" || *i == "year")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_subscription_of_each_event_kind() {
        let session =
            json!({ "subscription": "sub_1", "client_reference_id": "0190e0b4-5d3c-7c1e-9c55-6a2f1e0e7d11" });
        assert_eq!(subscription_of("checkout.session.completed", &session).as_deref(), Some("sub_1"));
        assert!(org_hint(&session).is_some());
        let subscription = json!({ "id": "sub_2", "customer": { "id": "cus_1" } });
        assert_eq!(subscription_of("customer.subscription.updated", &subscription).as_deref(), Some("sub_2"));
        assert_eq!(customer_of(&subscription).as_deref(), Some("cus_1"));
        let new_invoice = json!({ "parent": { "subscription_details": { "subscription": "sub_3" } } });
        assert_eq!(subscription_of("invoice.paid", &new_invoice).as_deref(), Some("sub_3"));
        let old_invoice = json!({ "subscription": "sub_4", "parent": null });
        assert_eq!(subscription_of("invoice.payment_failed", &old_invoice).as_deref(), Some("sub_4"));
        assert_eq!(subscription_of("invoice.paid", &json!({})), None);
    }

    #[test]
    fn one_invoice_gives_one_mail_source() {
        assert_eq!(source_id("invoice", "in_1"), source_id("invoice", "in_1"));
        assert_ne!(source_id("invoice", "in_1"), source_id("invoice", "in_2"));
    }
}
