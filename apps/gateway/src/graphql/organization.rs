//! The organisation the session acts in, and what it shows of itself: its departments and
//! categories, its subscription, and in the demo, when the data was generated and next resets.

use async_graphql::{ComplexObject, Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use ferrodesk_db::accounts::{self as repo, OrganizationRow};
use ferrodesk_db::classification;

use super::classification::{Category, Department};
use super::{OrGql, app, global_id, request, tenant};

#[derive(Default)]
pub struct OrganizationQuery;

#[Object]
impl OrganizationQuery {
    /// The organisation the session acts in.
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        if request(ctx).principal.is_none() {
            return Ok(None);
        }
        let mut tx = tenant(ctx).await?;
        let org = repo::organization(&mut tx).await.gql()?;
        tx.commit().await.gql()?;
        Ok(Some(org.into()))
    }
}

#[derive(SimpleObject)]
#[graphql(complex)]
pub struct Organization {
    pub id: ID,
    pub slug: String,
    pub name: String,
    pub time_zone: String,
    pub is_demo: bool,
    pub created_at: DateTime<Utc>,
    pub subscription: super::billing::Subscription,
}

impl From<OrganizationRow> for Organization {
    fn from(o: OrganizationRow) -> Self {
        Self {
            subscription: super::billing::Subscription::from(&o),
            id: global_id("Organization", o.id),
            slug: o.slug,
            name: o.name,
            time_zone: o.time_zone,
            is_demo: o.is_demo,
            created_at: o.created_at,
        }
    }
}

#[ComplexObject]
impl Organization {
    /// The demo's own facts (when its data was generated, when it next resets); null outside the
    /// demo.
    #[graphql(complexity = "super::TX + child_complexity")]
    async fn demo(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<DemoInfo>> {
        if !self.is_demo {
            return Ok(None);
        }
        info(ctx).await
    }

    #[graphql(complexity = "super::TX + child_complexity")]
    async fn departments(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Department>> {
        let mut tx = tenant(ctx).await?;
        let rows = classification::departments(&mut tx).await.gql()?;
        tx.commit().await.gql()?;
        Ok(rows.into_iter().map(|d| Department { id: global_id("Department", d.id), name: d.name }).collect())
    }

    /// All categories, top-level first; subcategories name their parent.
    #[graphql(complexity = "super::TX + child_complexity")]
    async fn categories(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Category>> {
        let mut tx = tenant(ctx).await?;
        let rows = classification::categories(&mut tx).await.gql()?;
        tx.commit().await.gql()?;
        Ok(rows.into_iter().map(Category::from).collect())
    }
}

#[derive(SimpleObject)]
pub struct DemoInfo {
    /// When the current dataset was generated (its dates are relative to this).
    pub data_as_of: DateTime<Utc>,
    /// When everything returns to its pristine state.
    pub next_reset_at: DateTime<Utc>,
}

pub(super) async fn info(ctx: &Context<'_>) -> async_graphql::Result<Option<DemoInfo>> {
    let mut tx = tenant(ctx).await?;
    let state = ferrodesk_core::demo::state(&mut tx, app(ctx).demo.reset_at_minute).await.gql()?;
    tx.commit().await.gql()?;
    Ok(state.map(|s| DemoInfo { data_as_of: s.data_as_of, next_reset_at: s.next_reset_at }))
}
