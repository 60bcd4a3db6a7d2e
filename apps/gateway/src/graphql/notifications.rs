//! The viewer's in-app notifications (SLA escalations today; mentions and approvals later).

use async_graphql::connection::Connection;
use async_graphql::{Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use ferrodesk_db::notifications::{self as repo, NotificationRow};
use uuid::Uuid;

use super::{OrGql, decode_cursor, global_id, keyset_page, page_size, parse_global_id, tenant};

#[derive(SimpleObject)]
pub struct Notification {
    pub id: ID,
    /// e.g. `sla.resolution_at_risk`, `sla.response_breached`.
    pub kind: String,
    pub title: String,
    /// The ticket it is about, e.g. INC-1042.
    pub ticket_number: Option<String>,
    pub ticket_id: Option<ID>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

impl From<NotificationRow> for Notification {
    fn from(n: NotificationRow) -> Self {
        Self {
            id: global_id("Notification", n.id),
            kind: n.kind,
            title: n.title,
            ticket_number: n.ticket_number,
            ticket_id: n.ticket_id.map(|t| global_id("Ticket", t)),
            created_at: n.created_at,
            read_at: n.read_at,
        }
    }
}

#[derive(Default)]
pub struct NotificationsQuery;

#[Object]
impl NotificationsQuery {
    /// The viewer's notifications, newest first.
    async fn notifications(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        #[graphql(default)] unread_only: bool,
    ) -> async_graphql::Result<Connection<String, Notification>> {
        let limit = page_size(first, 20).gql()?;
        let cursor: Option<(DateTime<Utc>, Uuid)> = decode_cursor(after.as_deref()).gql()?;
        let mut tx = tenant(ctx).await?;
        let rows = repo::for_actor(&mut tx, unread_only, cursor, limit + 1).await.gql()?;
        tx.commit().await.gql()?;
        Ok(keyset_page(rows, limit, cursor.is_some(), |n| ((n.created_at, n.id), Notification::from(n))))
    }

    async fn unread_notification_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        let mut tx = tenant(ctx).await?;
        let n = repo::unread_count(&mut tx).await.gql()?;
        tx.commit().await.gql()?;
        Ok(n)
    }
}

#[derive(Default)]
pub struct NotificationsMutation;

#[Object]
impl NotificationsMutation {
    /// Marks the viewer's notifications read: those listed, or all when `ids` is empty. Returns how
    /// many changed.
    async fn mark_notifications_read(&self, ctx: &Context<'_>, ids: Vec<ID>) -> async_graphql::Result<u64> {
        let ids =
            ids.iter().map(|id| parse_global_id("Notification", id)).collect::<Result<Vec<_>, _>>().gql()?;
        let mut tx = tenant(ctx).await?;
        let n = repo::mark_read(&mut tx, &ids).await.gql()?;
        tx.commit().await.gql()?;
        Ok(n)
    }
}
