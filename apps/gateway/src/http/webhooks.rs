//! `POST /webhooks/stripe`.

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::state::AppState;

/// Largest Stripe event accepted (Stripe's are a few KB; an invoice with many lines more).
const MAX_WEBHOOK_BYTES: usize = 1024 * 1024;

/// `POST /webhooks/stripe`: verify, store once, queue the work, answer 2xx at once. A bad or
/// stale signature is 400 (Stripe shows it in the dashboard); a storage failure is 500, so
/// Stripe retries the delivery later.
pub(super) async fn stripe_webhook(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let Some(billing) = &state.billing else {
        return (StatusCode::NOT_FOUND, Json(json!({ "error": "billing is off on this server" })))
            .into_response();
    };
    let Ok(payload) = axum::body::to_bytes(body, MAX_WEBHOOK_BYTES).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, Json(json!({ "error": "the event is too large" })))
            .into_response();
    };
    let signature = headers.get("stripe-signature").and_then(|v| v.to_str().ok());
    match billing.receive(&payload, signature).await {
        Ok(received) => {
            let outcome = match received {
                ferrodesk_billing::Received::Queued(_) => "queued",
                ferrodesk_billing::Received::Duplicate => "duplicate",
                ferrodesk_billing::Received::Ignored => "ignored",
                ferrodesk_billing::Received::UnknownCustomer => "unknown customer",
            };
            (StatusCode::OK, Json(json!({ "received": true, "outcome": outcome }))).into_response()
        }
        Err(ferrodesk_billing::WebhookError::Storage(error)) => {
            tracing::error!(error = %error, "storing a Stripe event");
            (StatusCode::INTERNAL_SERVER_ERROR, Json(json!({ "error": "try again later" }))).into_response()
        }
        Err(error) => {
            tracing::warn!(error = %error, "refused a Stripe webhook");
            (StatusCode::BAD_REQUEST, Json(json!({ "error": error.to_string() }))).into_response()
        }
    }
}
