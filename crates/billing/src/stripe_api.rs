//! The Stripe calls Ferrodesk makes, through async-stripe's typed request builders. Responses are
//! read into the few fields we use (see the `miniserde` note in Cargo.toml); their names and
//! nesting follow Stripe's published objects, which the fake returns too.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use ferrodesk_config::StripeConfig;
use ferrodesk_domain::OrgId;
use secrecy::ExposeSecret;
use stripe::{IdempotencyKey, RequestStrategy, StripeRequest};
use stripe_billing::billing_portal_session::CreateBillingPortalSession;
use stripe_billing::subscription::RetrieveSubscription;
use stripe_checkout::checkout_session::{CreateCheckoutSession, CreateCheckoutSessionLineItems};
use stripe_core::customer::CreateCustomer;

#[derive(Debug, thiserror::Error)]
#[error("Stripe: {message}")]
pub struct StripeError {
    message: String,
    not_found: bool,
}

impl StripeError {
    fn other(message: String) -> Self {
        Self { message, not_found: false }
    }

    /// Stripe answered 404: the object does not exist (any more) in this account.
    pub fn is_not_found(&self) -> bool {
        self.not_found
    }
}

impl From<stripe::StripeError> for StripeError {
    fn from(e: stripe::StripeError) -> Self {
        let not_found = matches!(e, stripe::StripeError::Stripe(_, 404));
        Self { message: e.to_string(), not_found }
    }
}

#[derive(Debug, miniserde::Deserialize)]
struct Customer {
    id: String,
}

#[derive(Debug, miniserde::Deserialize)]
pub struct CheckoutSession {
    pub id: String,
    pub url: Option<String>,
}

#[derive(Debug, miniserde::Deserialize)]
pub struct PortalSession {
    pub id: String,
    pub url: String,
}

#[derive(Debug, Clone, miniserde::Deserialize)]
pub struct Recurring {
    pub interval: String,
}

#[derive(Debug, Clone, miniserde::Deserialize)]
pub struct Price {
    pub id: String,
    pub recurring: Option<Recurring>,
}

#[derive(Debug, Clone, miniserde::Deserialize)]
pub struct SubscriptionItem {
    pub price: Price,
    /// Since API version 2025-03-31 the period is per item.
    pub current_period_end: Option<i64>,
}

#[derive(Debug, Clone, miniserde::Deserialize)]
pub struct SubscriptionItems {
    pub data: Vec<SubscriptionItem>,
}

/// The subscription as Stripe has it now.
#[derive(Debug, Clone, miniserde::Deserialize)]
pub struct Subscription {
    pub id: String,
    pub customer: String,
    pub status: String,
    pub created: i64,
    pub cancel_at_period_end: bool,
    pub items: SubscriptionItems,
    /// Before API version 2025-03-31 the period was on the subscription.
    pub current_period_end: Option<i64>,
}

impl Subscription {
    pub fn current_period_end(&self) -> Option<DateTime<Utc>> {
        self.items
            .data
            .iter()
            .filter_map(|i| i.current_period_end)
            .max()
            .or(self.current_period_end)
            .and_then(|t| DateTime::from_timestamp(t, 0))
    }

    pub fn price_ids(&self) -> impl Iterator<Item = &str> {
        self.items.data.iter().map(|i| i.price.id.as_str())
    }

    /// `month` or `year`, from the first item's recurring price.
    pub fn interval(&self) -> Option<&str> {
        self.items.data.iter().find_map(|i| i.price.recurring.as_ref()).map(|r| r.interval.as_str())
    }
}

/// A Stripe client for one account (or for the fake, through `STRIPE_API_BASE`).
#[derive(Clone)]
pub struct StripeApi {
    client: stripe::Client,
}

impl std::fmt::Debug for StripeApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StripeApi")
    }
}

fn metadata(org: OrgId) -> HashMap<String, String> {
    HashMap::from([("org_id".to_owned(), org.to_string())])
}

impl StripeApi {
    pub fn new(config: &StripeConfig) -> Result<Self, StripeError> {
        let client = stripe::ClientBuilder::new(config.secret_key.expose_secret())
            .url(&config.api_base)
            .timeout(Duration::from_secs(15))
            .build()?;
        Ok(Self { client })
    }

    /// Creates the organisation's customer. The idempotency key makes a retried call (after a
    /// rolled-back transaction) return the same customer instead of a second one.
    pub async fn create_customer(&self, org: OrgId, name: &str, email: &str) -> Result<String, StripeError> {
        let key = IdempotencyKey::new(format!("ferrodesk-customer-{org}"))
            .map_err(|e| StripeError::other(format!("idempotency key: {e:?}")))?;
        let request = CreateCustomer::new().name(name).email(email).metadata(metadata(org));
        let customer: Customer = request
            .build()
            .customize()
            .request_strategy(RequestStrategy::Idempotent(key))
            .send(&self.client)
            .await?;
        Ok(customer.id)
    }

    /// A Checkout Session in subscription mode for one flat price (quantity 1: agents are never
    /// counted).
    pub async fn create_checkout_session(
        &self,
        org: OrgId,
        customer: &str,
        price: &str,
        success_url: &str,
        cancel_url: &str,
    ) -> Result<CheckoutSession, StripeError> {
        let mut item = CreateCheckoutSessionLineItems::new();
        item.price = Some(price.to_owned());
        item.quantity = Some(1);
        let mut subscription_data =
            stripe_checkout::checkout_session::CreateCheckoutSessionSubscriptionData::new();
        subscription_data.metadata = Some(metadata(org));
        let request = CreateCheckoutSession::new()
            .mode(stripe_shared::CheckoutSessionMode::Subscription)
            .customer(customer)
            .client_reference_id(org.to_string())
            .line_items(vec![item])
            .metadata(metadata(org))
            .subscription_data(subscription_data)
            .success_url(success_url)
            .cancel_url(cancel_url);
        Ok(request.build().customize().send(&self.client).await?)
    }

    pub async fn create_portal_session(
        &self,
        customer: &str,
        return_url: &str,
    ) -> Result<PortalSession, StripeError> {
        let request = CreateBillingPortalSession::new().customer(customer).return_url(return_url);
        Ok(request.build().customize().send(&self.client).await?)
    }

    pub async fn subscription(&self, id: &str) -> Result<Subscription, StripeError> {
        Ok(RetrieveSubscription::new(id).build().customize().send(&self.client).await?)
    }
}
