//! Billing state on the organisation, the Stripe events received, and the system calls that find
//! an organisation from Stripe's side (docs/ARCHITECTURE.md §Billing).

use chrono::{DateTime, Utc};
use ferrodesk_domain::OrgId;
use serde_json::Value;
use sqlx::PgConnection;

use crate::{Db, DbError, TenantTx};

/// What the organisation row says about its subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillingRow {
    pub name: String,
    pub is_demo: bool,
    pub status: String,
    pub trial_ends_at: Option<DateTime<Utc>>,
    pub current_period_end: Option<DateTime<Utc>>,
    pub grace_ends_at: Option<DateTime<Utc>>,
    pub interval: Option<String>,
    pub cancel_at_period_end: bool,
    pub stripe_customer_id: Option<String>,
    pub stripe_subscription_id: Option<String>,
    /// Why the organisation is read-only now (`fd_read_only_reason`), if it is.
    pub read_only_reason: Option<String>,
}

/// The transaction's organisation's billing state.
pub async fn state(tx: &mut TenantTx) -> Result<BillingRow, DbError> {
    let org = tx.org_id();
    let row = sqlx::query_as!(
        BillingRow,
        r#"select name, is_demo, subscription_status as status, trial_ends_at, current_period_end,
                  grace_ends_at, billing_interval as interval, cancel_at_period_end,
                  stripe_customer_id, stripe_subscription_id, fd_read_only_reason(o) as read_only_reason
           from organizations o where id = $1"#,
        org.as_uuid()
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok(row)
}

/// Like [`state`], and holds the row until commit, so billing changes to one organisation
/// (starting a checkout, applying Stripe events) happen one after another.
pub async fn lock_state(tx: &mut TenantTx) -> Result<BillingRow, DbError> {
    let org = tx.org_id();
    let row = sqlx::query_as!(
        BillingRow,
        r#"select name, is_demo, subscription_status as status, trial_ends_at, current_period_end,
                  grace_ends_at, billing_interval as interval, cancel_at_period_end,
                  stripe_customer_id, stripe_subscription_id, fd_read_only_reason(o) as read_only_reason
           from organizations o where id = $1 for update"#,
        org.as_uuid()
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok(row)
}

/// Tells the database's read-only guard that this transaction is about paying (starting a
/// checkout: the Stripe customer and its event), which a read-only organisation may still do: it
/// is how it becomes writable again.
pub async fn allow_billing_writes(tx: &mut TenantTx) -> Result<(), DbError> {
    sqlx::query_scalar!("select set_config('app.billing_write', 'on', true)").fetch_one(&mut **tx).await?;
    Ok(())
}

pub async fn set_customer(tx: &mut TenantTx, customer_id: &str) -> Result<(), DbError> {
    let org = tx.org_id();
    sqlx::query!(
        "update organizations set stripe_customer_id = $2 where id = $1",
        org.as_uuid(),
        customer_id
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The subscription as Stripe last reported it, to store on the organisation.
#[derive(Debug, Clone)]
pub struct SubscriptionUpdate<'a> {
    pub subscription_id: &'a str,
    pub status: &'a str,
    pub current_period_end: Option<DateTime<Utc>>,
    pub grace_ends_at: Option<DateTime<Utc>>,
    pub interval: Option<&'a str>,
    pub cancel_at_period_end: bool,
}

pub async fn apply_subscription(tx: &mut TenantTx, update: &SubscriptionUpdate<'_>) -> Result<(), DbError> {
    let org = tx.org_id();
    sqlx::query!(
        "update organizations set stripe_subscription_id = $2, subscription_status = $3,
                current_period_end = $4, grace_ends_at = $5, billing_interval = $6,
                cancel_at_period_end = $7, subscription_synced_at = now()
         where id = $1",
        org.as_uuid(),
        update.subscription_id,
        update.status,
        update.current_period_end,
        update.grace_ends_at,
        update.interval,
        update.cancel_at_period_end,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// System: the organisation a Stripe customer (or, for our own sessions, the organisation id
/// Stripe echoes back) belongs to.
pub async fn org_for_stripe(
    conn: &mut PgConnection,
    customer: Option<&str>,
    org_hint: Option<OrgId>,
) -> Result<Option<OrgId>, DbError> {
    let org = sqlx::query_scalar!(
        "select fd_billing_org_for_stripe($1, $2)",
        customer,
        org_hint.map(|o| o.into_uuid())
    )
    .fetch_one(conn)
    .await?;
    Ok(org.map(OrgId::from_uuid))
}

/// System: stores a Stripe event by its id; `false` when it was already received.
pub async fn record_event(
    conn: &mut PgConnection,
    id: &str,
    kind: &str,
    org: Option<OrgId>,
    payload: &Value,
) -> Result<bool, DbError> {
    let added = sqlx::query_scalar!(
        r#"select fd_record_stripe_event($1, $2, $3, $4) as "added!""#,
        id,
        kind,
        org.map(|o| o.into_uuid()),
        payload
    )
    .fetch_one(conn)
    .await?;
    Ok(added)
}

#[derive(Debug, Clone)]
pub struct StripeEventRow {
    pub id: String,
    pub kind: String,
    pub payload: Value,
    pub received_at: DateTime<Utc>,
    pub processed_at: Option<DateTime<Utc>>,
}

/// One of the organisation's Stripe events, locked until commit.
pub async fn lock_event(tx: &mut TenantTx, id: &str) -> Result<Option<StripeEventRow>, DbError> {
    let org = tx.org_id();
    let row = sqlx::query_as!(
        StripeEventRow,
        r#"select id, type as kind, payload, received_at, processed_at from stripe_events
           where org_id = $1 and id = $2 for update"#,
        org.as_uuid(),
        id
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row)
}

pub async fn mark_event_processed(tx: &mut TenantTx, id: &str) -> Result<(), DbError> {
    let org = tx.org_id();
    sqlx::query!(
        "update stripe_events set processed_at = now() where org_id = $1 and id = $2",
        org.as_uuid(),
        id
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The organisation's most recent Stripe events, newest first (owners and admins).
pub async fn recent_events(tx: &mut TenantTx, limit: i64) -> Result<Vec<StripeEventRow>, DbError> {
    let org = tx.org_id();
    let rows = sqlx::query_as!(
        StripeEventRow,
        r#"select id, type as kind, payload, received_at, processed_at from stripe_events
           where org_id = $1 order by received_at desc, id desc limit $2"#,
        org.as_uuid(),
        limit
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows)
}

/// System: organisations whose trial ends within the window and who have not been reminded.
pub async fn trial_reminders_due(
    db: &Db,
    now: DateTime<Utc>,
    before: DateTime<Utc>,
) -> Result<Vec<OrgId>, DbError> {
    let ids = sqlx::query_scalar!(
        r#"select org_id as "org_id!" from fd_billing_trial_reminders_due($1, $2)"#,
        now,
        before
    )
    .fetch_all(db.pool())
    .await?;
    Ok(ids.into_iter().map(OrgId::from_uuid).collect())
}

/// Marks the trial reminder as sent; `false` if another worker already did.
pub async fn mark_trial_reminded(tx: &mut TenantTx) -> Result<bool, DbError> {
    let org = tx.org_id();
    let done = sqlx::query!(
        "update organizations set trial_reminder_sent_at = now()
         where id = $1 and trial_reminder_sent_at is null",
        org.as_uuid()
    )
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(done == 1)
}

/// The active owners' addresses and names: who billing mail goes to.
pub async fn owners(tx: &mut TenantTx) -> Result<Vec<(String, String)>, DbError> {
    let org = tx.org_id();
    let rows = sqlx::query!(
        r#"select m.email::text as "email!", m.name from memberships m
           where m.org_id = $1 and m.role = 'owner' and m.status = 'active' order by m.created_at"#,
        org.as_uuid()
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|r| (r.email, r.name)).collect())
}
