//! Classification: departments and their categories, as admins shape them. A new department
//! starts with the default SLA calendars and targets, so its tickets have clocks from the first
//! one. A category in use is never deleted: its tickets would lose their classification silently.

use ferrodesk_db::{TenantTx, classification as repo, events};
use ferrodesk_domain::{CategoryId, DepartmentId};
use serde_json::json;
use uuid::Uuid;

use crate::{AppError, require_admin};

/// The categories every new organisation starts with, in its IT department.
pub const DEFAULT_CATEGORIES: &[(&str, &[&str])] = &[
    ("Hardware", &["Laptop", "Desktop", "Monitor & peripherals", "Printer", "Mobile device"]),
    ("Software", &["Installation", "Licence", "Bug or error", "Email & calendar"]),
    ("Access", &["New account", "Password reset", "Permissions", "Multi-factor authentication"]),
    ("Network", &["Wi-Fi", "VPN", "Internet connectivity"]),
];

/// A new organisation's IT department with the default categories (its SLA comes separately).
pub(crate) async fn seed_it_department(tx: &mut TenantTx) -> Result<DepartmentId, AppError> {
    let it = repo::insert_department(tx, "IT").await?;
    for (position, (parent, children)) in (0..).zip(DEFAULT_CATEGORIES) {
        let parent_id = repo::insert_category(tx, it, None, parent, position).await?;
        for (position, child) in (0..).zip(*children) {
            repo::insert_category(tx, it, Some(parent_id), child, position).await?;
        }
    }
    Ok(it)
}

fn name_of(field: &'static str, raw: &str) -> Result<String, AppError> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > 80 {
        return Err(AppError::bad_input(field, "use 1 to 80 characters"));
    }
    Ok(name.to_owned())
}

async fn audit(
    tx: &mut TenantTx,
    subject_type: &'static str,
    id: Uuid,
    action: &'static str,
    changes: serde_json::Value,
) -> Result<(), AppError> {
    events::append(tx, events::NewEvent { subject_type, subject_id: id, action, changes }).await?;
    Ok(())
}

pub async fn create_department(tx: &mut TenantTx, name: &str) -> Result<DepartmentId, AppError> {
    require_admin(tx)?;
    let name = name_of("name", name)?;
    let existing = repo::departments(tx).await?;
    if existing.iter().any(|d| d.name.eq_ignore_ascii_case(&name)) {
        return Err(AppError::Conflict {
            field: "name",
            message: "a department with this name already exists".into(),
        });
    }
    let id = repo::insert_department(tx, &name).await?;
    let time_zone = ferrodesk_db::accounts::organization(tx).await?.time_zone;
    crate::sla::seed_defaults(tx, id, &time_zone).await?;
    audit(tx, "department", id.into_uuid(), "department.created", json!({ "name": name })).await?;
    Ok(id)
}

pub async fn rename_department(tx: &mut TenantTx, id: DepartmentId, name: &str) -> Result<(), AppError> {
    require_admin(tx)?;
    let name = name_of("name", name)?;
    let existing = repo::departments(tx).await?;
    let Some(current) = existing.iter().find(|d| d.id == id.into_uuid()) else {
        return Err(AppError::NotFound("department"));
    };
    if existing.iter().any(|d| d.id != id.into_uuid() && d.name.eq_ignore_ascii_case(&name)) {
        return Err(AppError::Conflict {
            field: "name",
            message: "a department with this name already exists".into(),
        });
    }
    let from = current.name.clone();
    repo::rename_department(tx, id, &name).await?;
    audit(
        tx,
        "department",
        id.into_uuid(),
        "department.renamed",
        json!({ "name": { "from": from, "to": name } }),
    )
    .await
}

/// Adds a category at the end of its department (top level) or of its parent's subcategories.
pub async fn create_category(
    tx: &mut TenantTx,
    department: DepartmentId,
    parent: Option<CategoryId>,
    name: &str,
) -> Result<CategoryId, AppError> {
    require_admin(tx)?;
    let name = name_of("name", name)?;
    if !repo::departments(tx).await?.iter().any(|d| d.id == department.into_uuid()) {
        return Err(AppError::NotFound("department"));
    }
    if let Some(p) = parent {
        let row = repo::category(tx, p).await?.ok_or(AppError::NotFound("parent category"))?;
        if row.department_id != department.into_uuid() || row.parent_id.is_some() {
            return Err(AppError::bad_input(
                "parentId",
                "categories have two levels: pick a top-level parent",
            ));
        }
    }
    let position = repo::next_position(tx, department, parent).await?;
    let id = repo::insert_category(tx, department, parent, &name, position).await?;
    audit(
        tx,
        "category",
        id.into_uuid(),
        "category.created",
        json!({ "name": name, "department": department, "parent": parent }),
    )
    .await?;
    Ok(id)
}

pub async fn rename_category(tx: &mut TenantTx, id: CategoryId, name: &str) -> Result<(), AppError> {
    require_admin(tx)?;
    let name = name_of("name", name)?;
    let current = repo::category(tx, id).await?.ok_or(AppError::NotFound("category"))?;
    repo::rename_category(tx, id, &name).await?;
    audit(
        tx,
        "category",
        id.into_uuid(),
        "category.renamed",
        json!({ "name": { "from": current.name, "to": name } }),
    )
    .await
}

/// Deletes an unused category (with its unused subcategories).
pub async fn delete_category(tx: &mut TenantTx, id: CategoryId) -> Result<(), AppError> {
    require_admin(tx)?;
    let current = repo::category(tx, id).await?.ok_or(AppError::NotFound("category"))?;
    let used = repo::tickets_using(tx, id).await?;
    if used > 0 {
        return Err(AppError::Conflict {
            field: "id",
            message: format!(
                "{used} ticket{} filed under this category; move {} to another category first",
                if used == 1 { " is" } else { "s are" },
                if used == 1 { "it" } else { "them" }
            ),
        });
    }
    repo::delete_category(tx, id).await?;
    audit(tx, "category", id.into_uuid(), "category.deleted", json!({ "name": current.name })).await
}
