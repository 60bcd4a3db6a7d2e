use ferrodesk_jobs::Payload;
use serde::{Deserialize, Serialize};

/// Applies one Stripe event the webhook received and stored (`Billing::apply`), once per event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplyStripeEvent {
    /// Stripe's `evt_…` id.
    pub event_id: String,
}

impl Payload for ApplyStripeEvent {
    const KIND: &'static str = "billing.apply";

    fn dedupe_key(&self) -> Option<String> {
        Some(self.event_id.clone())
    }
}
