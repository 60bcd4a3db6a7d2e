#![recursion_limit = "256"]
//! Billing with Stripe (docs/ARCHITECTURE.md §Billing): Checkout and the Customer Portal through
//! async-stripe, `Stripe-Signature` verification, receiving and applying webhook events, and a
//! fake Stripe for tests and local development.
//!
//! Kept out of `ferrodesk-core` on purpose: async-stripe takes minutes to compile, and only the
//! gateway, the worker, the CLI and the integration tests need it. The read-only rule itself
//! lives in `ferrodesk_core::billing`.

#[cfg(feature = "fake")]
pub mod fake;
pub mod service;
pub mod signature;
pub mod stripe_api;

pub use service::{Billing, DEMO_REFUSAL, Interval, OFF_REFUSAL, Received, WebhookError, from_config};
