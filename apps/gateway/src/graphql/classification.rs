//! Admins shape departments and categories (`crates/core/src/classification.rs` has the rules).

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use ferrodesk_core::{AppError, classification};
use ferrodesk_db::classification::{self as repo, CategoryRow};
use ferrodesk_domain::{CategoryId, DepartmentId};

use super::{OrGql, global_id, gql_error, parse_global_id, tenant};

#[derive(Default)]
pub struct ClassificationMutation;

#[derive(InputObject)]
pub struct CreateCategoryInput {
    pub department_id: ID,
    /// A top-level category, to create a subcategory under it.
    pub parent_id: Option<ID>,
    pub name: String,
}

fn department_id(id: &ID) -> async_graphql::Result<DepartmentId> {
    parse_global_id("Department", id).map(DepartmentId::from_uuid).gql()
}

fn category_id(id: &ID) -> async_graphql::Result<CategoryId> {
    parse_global_id("Category", id).map(CategoryId::from_uuid).gql()
}

async fn load_category(tx: &mut ferrodesk_db::TenantTx, id: CategoryId) -> async_graphql::Result<Category> {
    let row = repo::category(tx, id).await.gql()?.ok_or_else(|| gql_error(AppError::NotFound("category")))?;
    Ok(row.into())
}

#[Object]
impl ClassificationMutation {
    /// A new department (HR, Facilities…) with the default SLA calendars and targets.
    async fn create_department(&self, ctx: &Context<'_>, name: String) -> async_graphql::Result<Department> {
        let mut tx = tenant(ctx).await?;
        let id = classification::create_department(&mut tx, &name).await.gql()?;
        tx.commit().await.gql()?;
        Ok(Department { id: global_id("Department", id.into_uuid()), name: name.trim().to_owned() })
    }

    async fn rename_department(
        &self,
        ctx: &Context<'_>,
        id: ID,
        name: String,
    ) -> async_graphql::Result<Department> {
        let dept = department_id(&id)?;
        let mut tx = tenant(ctx).await?;
        classification::rename_department(&mut tx, dept, &name).await.gql()?;
        tx.commit().await.gql()?;
        Ok(Department { id, name: name.trim().to_owned() })
    }

    /// A category at the end of its department, or a subcategory at the end of its parent's.
    async fn create_category(
        &self,
        ctx: &Context<'_>,
        input: CreateCategoryInput,
    ) -> async_graphql::Result<Category> {
        let dept = department_id(&input.department_id)?;
        let parent = input.parent_id.as_ref().map(category_id).transpose()?;
        let mut tx = tenant(ctx).await?;
        let id = classification::create_category(&mut tx, dept, parent, &input.name).await.gql()?;
        let category = load_category(&mut tx, id).await?;
        tx.commit().await.gql()?;
        Ok(category)
    }

    async fn rename_category(
        &self,
        ctx: &Context<'_>,
        id: ID,
        name: String,
    ) -> async_graphql::Result<Category> {
        let category = category_id(&id)?;
        let mut tx = tenant(ctx).await?;
        classification::rename_category(&mut tx, category, &name).await.gql()?;
        let renamed = load_category(&mut tx, category).await?;
        tx.commit().await.gql()?;
        Ok(renamed)
    }

    /// Deletes a category no ticket uses (with its subcategories); returns its id.
    async fn delete_category(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<ID> {
        let category = category_id(&id)?;
        let mut tx = tenant(ctx).await?;
        classification::delete_category(&mut tx, category).await.gql()?;
        tx.commit().await.gql()?;
        Ok(id)
    }
}

#[derive(SimpleObject, Clone)]
pub struct Department {
    pub id: ID,
    pub name: String,
}

#[derive(SimpleObject, Clone)]
pub struct Category {
    #[graphql(owned)]
    pub id: ID,
    pub name: String,
    /// The top-level category of a subcategory.
    pub parent_id: Option<ID>,
    pub department_id: ID,
    pub position: i32,
}

impl From<CategoryRow> for Category {
    fn from(c: CategoryRow) -> Self {
        Self {
            id: global_id("Category", c.id),
            name: c.name,
            parent_id: c.parent_id.map(|p| global_id("Category", p)),
            department_id: global_id("Department", c.department_id),
            position: c.position,
        }
    }
}
