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

pub async fn rename_department(tx: &mut TenantTx, id: DepartmentId, name: &str) -> Result<bool, DbError> {
    let org_id = tx.org_id();
    let done = sqlx::query!(
        "update departments set name = $3 where org_id = $1 and id = $2",
        org_id.as_uuid(),
        id.as_uuid(),
        name
    )
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn rename_category(tx: &mut TenantTx, id: CategoryId, name: &str) -> Result<bool, DbError> {
    let org_id = tx.org_id();
    let done = sqlx::query!(
        "update categories set name = $3 where org_id = $1 and id = $2",
        org_id.as_uuid(),
        id.as_uuid(),
        name
    )
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The next position after the last sibling (a new category goes at the end of its list).
pub async fn next_position(
    tx: &mut TenantTx,
    department: DepartmentId,
    parent: Option<CategoryId>,
) -> Result<i32, DbError> {
    let org_id = tx.org_id();
    Ok(sqlx::query_scalar!(
        r#"select coalesce(max(position) + 1, 0) as "next!" from categories
           where org_id = $1 and department_id = $2 and parent_id is not distinct from $3"#,
        org_id.as_uuid(),
        department.as_uuid(),
        parent.map(|p| p.into_uuid())
    )
    .fetch_one(&mut **tx)
    .await?)
}

/// Tickets filed under a category or any of its subcategories.
pub async fn tickets_using(tx: &mut TenantTx, id: CategoryId) -> Result<i64, DbError> {
    let org_id = tx.org_id();
    Ok(sqlx::query_scalar!(
        r#"select count(*) as "count!" from tickets t
           where t.org_id = $1 and t.category_id in (
               select c.id from categories c where c.org_id = $1 and (c.id = $2 or c.parent_id = $2))"#,
        org_id.as_uuid(),
        id.as_uuid()
    )
    .fetch_one(&mut **tx)
    .await?)
}

pub async fn delete_category(tx: &mut TenantTx, id: CategoryId) -> Result<bool, DbError> {
    let org_id = tx.org_id();
    let done =
        sqlx::query!("delete from categories where org_id = $1 and id = $2", org_id.as_uuid(), id.as_uuid())
            .execute(&mut **tx)
            .await?;
    Ok(done.rows_affected() == 1)
}
