//! Links between records of any kind (`record_links`): both ends in the link's organisation and
//! locked against deletion as it is made, as a foreign key would; a record that goes takes its
//! links with it.

use chrono::{DateTime, Utc};
use ferrodesk_domain::{LinkRelation, RecordKind, RecordRef};
use uuid::Uuid;

use crate::{DbError, TenantTx};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRow {
    pub id: Uuid,
    pub source: RecordRef,
    pub target: RecordRef,
    pub relation: LinkRelation,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

struct Raw {
    id: Uuid,
    source_kind: String,
    source_id: Uuid,
    target_kind: String,
    target_id: Uuid,
    relation: String,
    created_by: Option<Uuid>,
    created_at: DateTime<Utc>,
}

impl TryFrom<Raw> for LinkRow {
    type Error = DbError;

    fn try_from(r: Raw) -> Result<Self, DbError> {
        let kind =
            |k: &str| k.parse::<RecordKind>().map_err(|_| DbError::Invariant("a link's kinds are known"));
        Ok(Self {
            id: r.id,
            source: RecordRef { kind: kind(&r.source_kind)?, id: r.source_id },
            target: RecordRef { kind: kind(&r.target_kind)?, id: r.target_id },
            relation: r.relation.parse().map_err(|_| DbError::Invariant("a link's relation is known"))?,
            created_by: r.created_by,
            created_at: r.created_at,
        })
    }
}

/// Links `source` to `target`; `None` when that link is already there. A missing end (or one of
/// another organisation) is `DbError::ForeignKey` on `record_links_ends_exist`.
pub async fn add(
    tx: &mut TenantTx,
    source: RecordRef,
    target: RecordRef,
    relation: LinkRelation,
) -> Result<Option<LinkRow>, DbError> {
    let (org_id, created_by) = (tx.org_id(), tx.actor_id());
    let row = sqlx::query_as!(
        Raw,
        "insert into record_links (org_id, id, source_kind, source_id, target_kind, target_id, relation, created_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8)
         on conflict (org_id, source_kind, source_id, target_kind, target_id, relation) do nothing
         returning id, source_kind, source_id, target_kind, target_id, relation, created_by, created_at",
        org_id.as_uuid(),
        Uuid::now_v7(),
        source.kind.as_str(),
        source.id,
        target.kind.as_str(),
        target.id,
        relation.as_str(),
        created_by.map(|u| u.into_uuid())
    )
    .fetch_optional(&mut **tx)
    .await?;
    row.map(LinkRow::try_from).transpose()
}

/// Removes a link; returns it, or `None` when there is no such link.
pub async fn remove(tx: &mut TenantTx, id: Uuid) -> Result<Option<LinkRow>, DbError> {
    let org_id = tx.org_id();
    let row = sqlx::query_as!(
        Raw,
        "delete from record_links where org_id = $1 and id = $2
         returning id, source_kind, source_id, target_kind, target_id, relation, created_by, created_at",
        org_id.as_uuid(),
        id
    )
    .fetch_optional(&mut **tx)
    .await?;
    row.map(LinkRow::try_from).transpose()
}

/// Every link from or to `record`, oldest first.
pub async fn of(tx: &mut TenantTx, record: RecordRef) -> Result<Vec<LinkRow>, DbError> {
    let org_id = tx.org_id();
    let rows = sqlx::query_as!(
        Raw,
        "select id, source_kind, source_id, target_kind, target_id, relation, created_by, created_at
         from record_links
         where org_id = $1 and ((source_kind = $2 and source_id = $3) or (target_kind = $2 and target_id = $3))
         order by created_at, id",
        org_id.as_uuid(),
        record.kind.as_str(),
        record.id
    )
    .fetch_all(&mut **tx)
    .await?;
    rows.into_iter().map(LinkRow::try_from).collect()
}
