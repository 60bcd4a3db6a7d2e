//! The monthly SLA report: compliance, MTTR and first-response time over the tickets created in
//! one calendar month of the organisation's time zone, overall and by priority, top-level
//! category and assignee.
//!
//! Definitions (a ticket counts in every group it belongs to):
//! - a clock has a *verdict* once it is breached (`*_breached`, or past its due instant) or stopped (response:
//!   `first_response_at` set; resolution: `resolved_at` set). Running clocks have none yet and
//!   are left out of compliance, so an unfinished month is not penalised for work in progress;
//! - *met* = stopped and not breached; compliance % = 100 × met / (met + breached), `None` when no
//!   ticket in the group has a verdict. A stopped clock without a target counts as met;
//! - MTTR = mean of `resolved_at − created_at` over tickets that are resolved now (wall-clock
//!   minutes, not business time); median first response = the interpolated median
//!   (`percentile_cont(0.5)`) of `first_response_at − created_at`, in minutes.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::{DbError, TenantTx};

/// One calendar month in the organisation's time zone, as instants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthWindow {
    pub time_zone: String,
    /// Local midnight on the first day of the month.
    pub starts_at: DateTime<Utc>,
    /// Local midnight on the first day of the next month (exclusive).
    pub ends_at: DateTime<Utc>,
    /// Today's date in the organisation's time zone, to tell past, current and future months apart.
    pub today: NaiveDate,
}

/// The month containing `month` (any day of it), in the organisation's time zone. The boundaries
/// are computed by Postgres from `organizations.time_zone`, so DST offsets at either end are the
/// zone's own.
pub async fn month_window(tx: &mut TenantTx, month: NaiveDate) -> Result<MonthWindow, DbError> {
    let org_id = tx.org_id();
    Ok(sqlx::query_as!(
        MonthWindow,
        r#"select o.time_zone,
                  date_trunc('month', $2::date::timestamp) at time zone o.time_zone as "starts_at!",
                  (date_trunc('month', $2::date::timestamp) + interval '1 month') at time zone o.time_zone
                      as "ends_at!",
                  (now() at time zone o.time_zone)::date as "today!"
           from organizations o where o.id = $1"#,
        org_id.as_uuid(),
        month
    )
    .fetch_one(&mut **tx)
    .await?)
}

/// Counts and timings for one group of tickets.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SlaStats {
    pub tickets: i64,
    pub resolved: i64,
    pub response_met: i64,
    pub response_breached: i64,
    pub resolution_met: i64,
    pub resolution_breached: i64,
    pub mttr_minutes: Option<f64>,
    pub median_first_response_minutes: Option<f64>,
}

impl SlaStats {
    pub fn response_compliance_percent(&self) -> Option<f64> {
        percent(self.response_met, self.response_breached)
    }

    pub fn resolution_compliance_percent(&self) -> Option<f64> {
        percent(self.resolution_met, self.resolution_breached)
    }
}

#[allow(clippy::cast_precision_loss)] // ticket counts are far below 2^52
fn percent(met: i64, breached: i64) -> Option<f64> {
    let decided = met + breached;
    (decided > 0).then(|| 100.0 * met as f64 / decided as f64)
}

/// A category or assignee group; `id` and `name` are `None` for tickets without one.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedStats {
    pub id: Option<Uuid>,
    pub name: Option<String>,
    pub stats: SlaStats,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SlaReport {
    pub overall: SlaStats,
    /// Only the priority levels (1–4) that have tickets, in order.
    pub by_priority: Vec<(i16, SlaStats)>,
    /// By top-level category (a subcategory counts under its parent), by name, the uncategorised
    /// last.
    pub by_category: Vec<NamedStats>,
    /// By assignee, by name, the unassigned last.
    pub by_agent: Vec<NamedStats>,
}

/// The report over the tickets created in `window` that this transaction may see. One scan of
/// the month through `tickets_created_idx`, aggregated once per grouping set.
pub async fn sla_report(tx: &mut TenantTx, window: &MonthWindow) -> Result<SlaReport, DbError> {
    let org_id = tx.org_id();
    let rows = sqlx::query!(
        r#"with scoped as (
               select t.priority, coalesce(p.id, c.id) as category_id, coalesce(p.name, c.name) as category_name,
                      t.assignee_id, a.name as assignee_name,
                      t.resolved_at is not null as resolved,
                      t.first_response_at is not null
                          and not (t.response_breached or coalesce(t.response_due_at <= now(), false))
                          as response_met,
                      t.response_breached or coalesce(t.response_due_at <= now(), false) as response_breached,
                      t.resolved_at is not null
                          and not (t.resolution_breached or coalesce(t.resolution_due_at <= now(), false))
                          as resolution_met,
                      t.resolution_breached or coalesce(t.resolution_due_at <= now(), false)
                          as resolution_breached,
                      (extract(epoch from t.resolved_at - t.created_at) / 60)::float8 as resolution_minutes,
                      (extract(epoch from t.first_response_at - t.created_at) / 60)::float8 as first_response_minutes
               from tickets t
               left join categories c on c.org_id = t.org_id and c.id = t.category_id
               left join categories p on p.org_id = c.org_id and p.id = c.parent_id
               left join memberships a on a.org_id = t.org_id and a.user_id = t.assignee_id
               where t.org_id = $1 and t.created_at >= $2 and t.created_at < $3
           )
           select case grouping(priority, category_id, assignee_id)
                      when 7 then 'overall' when 3 then 'priority' when 5 then 'category' else 'agent'
                  end as "dimension!",
                  priority as "priority?", category_id as "category_id?", category_name as "category_name?",
                  assignee_id as "assignee_id?", assignee_name as "assignee_name?",
                  count(*) as "tickets!",
                  count(*) filter (where resolved) as "resolved!",
                  count(*) filter (where response_met) as "response_met!",
                  count(*) filter (where response_breached) as "response_breached!",
                  count(*) filter (where resolution_met) as "resolution_met!",
                  count(*) filter (where resolution_breached) as "resolution_breached!",
                  avg(resolution_minutes) as "mttr_minutes?",
                  percentile_cont(0.5) within group (order by first_response_minutes)
                      as "median_first_response_minutes?"
           from scoped
           group by grouping sets ((), (priority), (category_id, category_name), (assignee_id, assignee_name))
           order by priority, category_name nulls last, category_id nulls last,
                    assignee_name nulls last, assignee_id nulls last"#,
        org_id.as_uuid(),
        window.starts_at,
        window.ends_at
    )
    .fetch_all(&mut **tx)
    .await?;

    let mut report = SlaReport::default();
    for row in rows {
        let stats = SlaStats {
            tickets: row.tickets,
            resolved: row.resolved,
            response_met: row.response_met,
            response_breached: row.response_breached,
            resolution_met: row.resolution_met,
            resolution_breached: row.resolution_breached,
            mttr_minutes: row.mttr_minutes,
            median_first_response_minutes: row.median_first_response_minutes,
        };
        match (row.dimension.as_str(), row.priority) {
            ("overall", _) => report.overall = stats,
            ("priority", Some(priority)) => report.by_priority.push((priority, stats)),
            ("category", _) => {
                report.by_category.push(NamedStats { id: row.category_id, name: row.category_name, stats })
            }
            ("agent", _) => {
                report.by_agent.push(NamedStats { id: row.assignee_id, name: row.assignee_name, stats });
            }
            _ => {}
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compliance_counts_only_clocks_with_a_verdict() {
        let stats = SlaStats { response_met: 3, response_breached: 1, ..SlaStats::default() };
        assert_eq!(stats.response_compliance_percent(), Some(75.0));
        assert_eq!(stats.resolution_compliance_percent(), None, "no verdict yet: no figure, not 0%");
        let all_breached = SlaStats { resolution_breached: 2, ..SlaStats::default() };
        assert_eq!(all_breached.resolution_compliance_percent(), Some(0.0));
    }
}

/// Open tickets now (new, open, pending), by priority, with how many of them have a breached
/// clock (the queue's `slaBreached` definition). One pass over the queue's partial index.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpenVolume {
    /// Count per priority level 1–4 (index 0 is P1).
    pub by_priority: [i64; 4],
    pub breached: i64,
}

pub async fn open_volume(tx: &mut TenantTx) -> Result<OpenVolume, DbError> {
    let org_id = tx.org_id();
    let rows = sqlx::query!(
        r#"select t.priority as "priority!", count(*) as "open!",
                  count(*) filter (where t.response_breached or t.resolution_breached
                                         or coalesce(t.response_due_at <= now(), false)
                                         or coalesce(t.resolution_due_at <= now(), false)) as "breached!"
           from tickets t
           where t.org_id = $1 and t.status in ('new', 'open', 'pending')
           group by t.priority"#,
        org_id.as_uuid()
    )
    .fetch_all(&mut **tx)
    .await?;
    let mut volume = OpenVolume::default();
    for row in rows {
        if let Some(slot) = usize::try_from(row.priority - 1).ok().and_then(|i| volume.by_priority.get_mut(i))
        {
            *slot = row.open;
        }
        volume.breached += row.breached;
    }
    Ok(volume)
}
