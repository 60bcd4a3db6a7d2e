//! `node(id:)`: any object by its global id, as Relay clients refetch them.

use async_graphql::{Context, ID, Interface, Object};
use ferrodesk_db::{accounts, classification, tickets};
use ferrodesk_domain::{CategoryId, TicketId, UserId};

use super::accounts::User;
use super::classification::Category;
use super::tickets::Ticket;
use super::{OrGql, decode_global_id, tenant};

#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID"))]
pub enum Node {
    Ticket(Box<Ticket>),
    Category(Category),
    User(User),
}

#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// Any object by its global id; null when it does not exist or is not visible.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Node>> {
        let Some((type_name, uuid)) = decode_global_id(&id) else { return Ok(None) };
        let mut tx = tenant(ctx).await?;
        let node = match type_name.as_str() {
            "Ticket" => tickets::by_id(&mut tx, TicketId::from_uuid(uuid))
                .await
                .gql()?
                .map(|t| Node::Ticket(Box::new(Ticket(t)))),
            "Category" => classification::category(&mut tx, CategoryId::from_uuid(uuid))
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
}
