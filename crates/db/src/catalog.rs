//! Departments and their two-level categories.

use ferrodesk_domain::{CategoryId, DepartmentId};
use uuid::Uuid;

use crate::{DbError, TenantTx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DepartmentRow {
    pub id: Uuid,
    pub name: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CategoryRow {
    pub id: Uuid,
    pub department_id: Uuid,
    pub parent_id: Option<Uuid>,
    pub name: String,
    pub position: i32,
}

pub async fn insert_department(tx: &mut TenantTx, name: &str) -> Result<DepartmentId, DbError> {
    let id = DepartmentId::generate();
    let org_id = tx.org_id();
    sqlx::query!(
        "insert into departments (org_id, id, name) values ($1, $2, $3)",
        org_id.as_uuid(),
        id.as_uuid(),
        name
    )
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

pub async fn insert_category(
    tx: &mut TenantTx,
    department: DepartmentId,
    parent: Option<CategoryId>,
    name: &str,
    position: i32,
) -> Result<CategoryId, DbError> {
    let id = CategoryId::generate();
    let org_id = tx.org_id();
    sqlx::query!(
        "insert into categories (org_id, id, department_id, parent_id, name, position)
         values ($1, $2, $3, $4, $5, $6)",
        org_id.as_uuid(),
        id.as_uuid(),
        department.as_uuid(),
        parent.map(|p| p.into_uuid()),
        name,
        position
    )
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

pub async fn departments(tx: &mut TenantTx) -> Result<Vec<DepartmentRow>, DbError> {
    let org_id = tx.org_id();
    Ok(sqlx::query_as!(
        DepartmentRow,
        "select id, name from departments where org_id = $1 order by name",
        org_id.as_uuid()
    )
    .fetch_all(&mut **tx)
    .await?)
}

pub async fn categories(tx: &mut TenantTx) -> Result<Vec<CategoryRow>, DbError> {
    let org_id = tx.org_id();
    Ok(sqlx::query_as!(
        CategoryRow,
        "select id, department_id, parent_id, name, position from categories
         where org_id = $1 order by parent_id nulls first, position, name",
        org_id.as_uuid()
    )
    .fetch_all(&mut **tx)
    .await?)
}

pub async fn category(tx: &mut TenantTx, id: CategoryId) -> Result<Option<CategoryRow>, DbError> {
    let org_id = tx.org_id();
    Ok(sqlx::query_as!(
        CategoryRow,
        "select id, department_id, parent_id, name, position from categories
         where org_id = $1 and id = $2",
        org_id.as_uuid(),
        id.as_uuid()
    )
    .fetch_optional(&mut **tx)
    .await?)
}
