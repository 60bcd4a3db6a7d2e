use async_graphql::connection::Connection;
use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use ferrodesk_core::AppError;
use ferrodesk_db::tickets::{
    self as repo, TicketCursor, TicketFilter as DbFilter, TicketOrder as DbOrder, TicketOrderField as DbField,
};
use ferrodesk_db::{accounts, catalog};
use ferrodesk_domain::{CategoryId, Role, TagName, TicketId, TicketNumber, UserId};
use uuid::Uuid;

use super::types::{
    Category, MemberRole, Node, Organization, Priority, Ticket, TicketKind, TicketStatus, User,
};
use super::{
    OrGql, decode_cursor, decode_global_id, global_id, keyset_page, page_size, parse_global_id, request,
    tenant,
};

#[derive(Default)]
pub struct CoreQuery;

#[derive(InputObject, Default)]
pub struct TicketFilter {
    pub status: Option<Vec<TicketStatus>>,
    pub priority: Option<Vec<Priority>>,
    pub kind: Option<TicketKind>,
    pub assignee_id: Option<ID>,
    /// Only tickets nobody is assigned to.
    pub unassigned: Option<bool>,
    pub requester_id: Option<ID>,
    /// A top-level category also matches its subcategories.
    pub category_id: Option<ID>,
    pub tag: Option<String>,
    /// Words to find in the subject, description and conversation (each word matches as a
    /// prefix), or a ticket number such as INC-1042.
    pub search: Option<String>,
    /// Tickets whose response or resolution target is (true) or is not (false) breached.
    pub sla_breached: Option<bool>,
    /// Running clocks past 80% of a target and not yet breached.
    pub sla_at_risk: Option<bool>,
    /// Tickets whose resolution falls due before this instant.
    pub sla_due_before: Option<DateTime<Utc>>,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Default)]
pub enum TicketOrderField {
    #[default]
    Created,
    Updated,
    /// Priority, then age: the agent queue.
    Priority,
    /// Resolution due time, soonest first with ASC; tickets with no due time come last.
    SlaDue,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq, Default)]
pub enum OrderDirection {
    Asc,
    #[default]
    Desc,
}

#[derive(InputObject, Default)]
pub struct TicketOrder {
    #[graphql(default)]
    pub field: TicketOrderField,
    #[graphql(default)]
    pub direction: OrderDirection,
}

/// A person's own account, the same in every organisation they belong to.
#[derive(SimpleObject)]
pub struct Account {
    pub email: String,
    /// Confirmed with the link mailed to it.
    pub email_confirmed: bool,
}

#[derive(SimpleObject)]
pub struct ApiToken {
    pub id: ID,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl From<accounts::ApiTokenRow> for ApiToken {
    fn from(t: accounts::ApiTokenRow) -> Self {
        Self {
            id: global_id("ApiToken", t.id),
            name: t.name,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
        }
    }
}

/// Tells the page cache whether a page of `rows` may be kept, and until when: not when the
/// filter compares with the clock or reads the conversation, and at most until the first due
/// instant on the page, when a breach flag on it turns (a clock already past its due instant but
/// read as running is not kept at all).
fn vouch_for_page(fill: &crate::page_cache::PageFill, filter: &DbFilter, rows: &[repo::TicketRow]) {
    if filter.search.is_some() || filter.sla_breached.is_some() || filter.sla_at_risk {
        return fill.refuse();
    }
    let turns = rows.iter().flat_map(|row| {
        let sla = &row.sla;
        [
            sla.response_due_at.filter(|_| !sla.response_breached),
            sla.resolution_due_at.filter(|_| !sla.resolution_breached),
        ]
    });
    fill.keep_until(turns.flatten().min());
}

fn to_db_filter(filter: TicketFilter) -> Result<DbFilter, AppError> {
    Ok(DbFilter {
        statuses: filter.status.unwrap_or_default().into_iter().map(Into::into).collect(),
        priorities: filter.priority.unwrap_or_default().into_iter().map(Into::into).collect(),
        kind: filter.kind.map(Into::into),
        sla_breached: filter.sla_breached,
        sla_at_risk: filter.sla_at_risk.unwrap_or(false),
        sla_due_before: filter.sla_due_before,
        assignee: filter
            .assignee_id
            .as_ref()
            .map(|id| parse_global_id("User", id).map(UserId::from_uuid))
            .transpose()?,
        unassigned: filter.unassigned.unwrap_or(false),
        requester: filter
            .requester_id
            .as_ref()
            .map(|id| parse_global_id("User", id).map(UserId::from_uuid))
            .transpose()?,
        category: filter
            .category_id
            .as_ref()
            .map(|id| parse_global_id("Category", id).map(CategoryId::from_uuid))
            .transpose()?,
        tag: filter.tag.as_deref().map(TagName::parse).transpose()?.map(|t| t.as_str().to_owned()),
        search: filter
            .search
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .map(|s| if s.chars().count() > 200 { s.chars().take(200).collect() } else { s }),
    })
}

#[Object]
impl CoreQuery {
    /// The signed-in person, or null.
    async fn viewer(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        let Some(principal) = request(ctx).principal else { return Ok(None) };
        // A session whose membership has ended reads as signed out; other failures are errors.
        let mut tx = match ferrodesk_core::enter(&super::app(ctx).db, principal).await {
            Ok(tx) => tx,
            Err(AppError::Unauthenticated) => return Ok(None),
            Err(e) => return Err(super::gql_error(e)),
        };
        let member = accounts::member(&mut tx, principal.user_id).await.gql()?;
        tx.commit().await.gql()?;
        Ok(member.map(User::from))
    }

    /// The signed-in person's own account: their address, and whether it is confirmed (a password
    /// signs in only once it is).
    async fn account(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Account>> {
        let Some(principal) = request(ctx).principal else { return Ok(None) };
        let mut conn = super::app(ctx).db.acquire().await.gql()?;
        let identity = ferrodesk_db::accounts::identity(&mut conn, principal.user_id).await.gql()?;
        conn.release();
        Ok(identity.map(|i| Account { email: i.email, email_confirmed: i.verified }))
    }

    /// The organisation the session acts in.
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        if request(ctx).principal.is_none() {
            return Ok(None);
        }
        let mut tx = tenant(ctx).await?;
        let org = accounts::organization(&mut tx).await.gql()?;
        tx.commit().await.gql()?;
        Ok(Some(org.into()))
    }

    /// Tickets visible to the caller (requesters: their own), filtered and ordered, in pages.
    #[graphql(complexity = "first.unwrap_or(25).max(1) as usize * child_complexity")]
    async fn tickets(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<TicketFilter>,
        order_by: Option<TicketOrder>,
    ) -> async_graphql::Result<Connection<String, Ticket>> {
        let limit = page_size(first, 25).gql()?;
        let order = order_by.unwrap_or_default();
        let order = DbOrder {
            field: match order.field {
                TicketOrderField::Created => DbField::Created,
                TicketOrderField::Updated => DbField::Updated,
                TicketOrderField::Priority => DbField::Priority,
                TicketOrderField::SlaDue => DbField::SlaDue,
            },
            descending: order.direction == OrderDirection::Desc,
        };
        let cursor: Option<TicketCursor> = decode_cursor(after.as_deref()).gql()?;
        if order.field == DbField::Priority && cursor.as_ref().is_some_and(|c| c.priority.is_none()) {
            return Err(super::gql_error(AppError::bad_input(
                "after",
                "this cursor belongs to another ordering",
            )));
        }
        let filter = to_db_filter(filter.unwrap_or_default()).gql()?;
        let mut tx = tenant(ctx).await?;
        let rows = repo::list(&mut tx, &filter, order, cursor.as_ref(), limit + 1).await.gql()?;
        tx.commit().await.gql()?;
        if let Some(fill) = &request(ctx).page_fill {
            vouch_for_page(fill, &filter, &rows);
        }
        Ok(keyset_page(rows, limit, cursor.is_some(), |row| (TicketCursor::of(&row, order), Ticket(row))))
    }

    /// One ticket by its number, e.g. "INC-1042". Null when there is none visible to the caller.
    async fn ticket(&self, ctx: &Context<'_>, number: String) -> async_graphql::Result<Option<Ticket>> {
        let number = TicketNumber::parse(&number).gql()?;
        let mut tx = tenant(ctx).await?;
        let row = repo::by_number(&mut tx, number).await.gql()?;
        tx.commit().await.gql()?;
        Ok(row.map(Ticket))
    }

    /// Any object by its global id; null when it does not exist or is not visible.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Node>> {
        let Some((type_name, uuid)) = decode_global_id(&id) else { return Ok(None) };
        let mut tx = tenant(ctx).await?;
        let node = match type_name.as_str() {
            "Ticket" => repo::by_id(&mut tx, TicketId::from_uuid(uuid))
                .await
                .gql()?
                .map(|t| Node::Ticket(Box::new(Ticket(t)))),
            "Category" => catalog::category(&mut tx, CategoryId::from_uuid(uuid))
                .await
                .gql()?
                .map(|c| Node::Category(Category::from(c))),
            "User" => accounts::member(&mut tx, UserId::from_uuid(uuid))
                .await
                .gql()?
                .map(|m| Node::User(User::from(m))),
            _ => None,
        };
        tx.commit().await.gql()?;
        Ok(node)
    }

    /// Members of the organisation by name; optionally only some roles. Requesters see staff.
    async fn members(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        roles: Option<Vec<MemberRole>>,
    ) -> async_graphql::Result<Connection<String, User>> {
        let limit = page_size(first, 50).gql()?;
        let cursor: Option<(String, Uuid)> = decode_cursor(after.as_deref()).gql()?;
        let roles: Vec<Role> = roles.unwrap_or_default().into_iter().map(Into::into).collect();
        let mut tx = tenant(ctx).await?;
        let rows = accounts::members(&mut tx, &roles, cursor.clone(), limit + 1).await.gql()?;
        tx.commit().await.gql()?;
        Ok(keyset_page(rows, limit, cursor.is_some(), |m| ((m.name.clone(), m.user_id), User::from(m))))
    }

    /// The caller's personal API tokens (never their secrets).
    async fn api_tokens(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ApiToken>> {
        let mut tx = tenant(ctx).await?;
        let user = tx.actor_id().ok_or_else(|| super::gql_error(AppError::Unauthenticated))?;
        let rows = accounts::api_tokens(&mut tx, user).await.gql()?;
        tx.commit().await.gql()?;
        Ok(rows.into_iter().map(Into::into).collect())
    }
}
