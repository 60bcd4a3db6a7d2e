//! The monthly SLA report (compliance by priority, category and agent) as chartable data and CSV.
//! The figures' definitions are in `ferrodesk_db::reports`.

use async_graphql::{Context, Object, SimpleObject};
use chrono::{Datelike, NaiveDate};
use ferrodesk_core::{AppError, role_of};
use ferrodesk_db::reports::{self as repo, NamedStats, SlaStats};
use ferrodesk_domain::{Priority, Role};

use super::{OrGql, global_id, tenant};

#[derive(SimpleObject, Clone, Debug, PartialEq)]
pub struct SlaReportRow {
    /// Stable within the report: `overall`, `P1`–`P4`, a category or user id, or `uncategorised` /
    /// `unassigned`.
    pub key: String,
    pub label: String,
    /// Tickets created in the month.
    pub tickets: i32,
    /// Of those, resolved now.
    pub resolved: i32,
    /// Met ÷ (met + breached) among tickets whose response clock has a verdict (responded, or
    /// breached); null when none has.
    pub response_compliance_percent: Option<f64>,
    /// The same for resolution (resolved, or breached).
    pub resolution_compliance_percent: Option<f64>,
    /// Mean wall-clock minutes from creation to resolution of the resolved tickets.
    pub mttr_minutes: Option<f64>,
    /// Median wall-clock minutes from creation to the first response.
    pub median_first_response_minutes: Option<f64>,
}

#[derive(SimpleObject)]
pub struct SlaReport {
    /// "YYYY-MM".
    pub month: String,
    /// The organisation's time zone, in which the month begins and ends.
    pub time_zone: String,
    pub overall: SlaReportRow,
    /// P1 to P4, each present even without tickets.
    pub by_priority: Vec<SlaReportRow>,
    /// By top-level category (subcategories count under their parent), uncategorised last.
    pub by_category: Vec<SlaReportRow>,
    /// By assignee, unassigned last.
    pub by_agent: Vec<SlaReportRow>,
    /// The same rows as RFC 4180 CSV, with a `group` column.
    pub csv: String,
}

/// Open work right now: exact counts, whatever the volume.
#[derive(SimpleObject)]
pub struct OpenVolume {
    /// New, open and pending tickets.
    pub open: i32,
    pub p1: i32,
    pub p2: i32,
    pub p3: i32,
    pub p4: i32,
    /// Open tickets with a breached response or resolution clock.
    pub breached: i32,
}

#[derive(Default)]
pub struct ReportsQuery;

#[Object]
impl ReportsQuery {
    /// Open tickets by priority and breached, counted exactly (staff and stakeholders).
    async fn open_volume(&self, ctx: &Context<'_>) -> async_graphql::Result<OpenVolume> {
        let mut tx = tenant(ctx).await?;
        if !matches!(role_of(&tx), Role::Owner | Role::Admin | Role::Agent | Role::Stakeholder) {
            return Err(AppError::Forbidden("only staff and stakeholders can see reports")).gql();
        }
        let volume = repo::open_volume(&mut tx).await.gql()?;
        tx.commit().await.gql()?;
        let n = |v: i64| i32::try_from(v).unwrap_or(i32::MAX);
        let [p1, p2, p3, p4] = volume.by_priority;
        Ok(OpenVolume {
            open: n(p1 + p2 + p3 + p4),
            p1: n(p1),
            p2: n(p2),
            p3: n(p3),
            p4: n(p4),
            breached: n(volume.breached),
        })
    }

    /// The SLA report over the tickets created in one calendar month ("YYYY-MM") of the
    /// organisation's time zone (staff and stakeholders).
    async fn sla_report(&self, ctx: &Context<'_>, month: String) -> async_graphql::Result<SlaReport> {
        let mut tx = tenant(ctx).await?;
        if !matches!(role_of(&tx), Role::Owner | Role::Admin | Role::Agent | Role::Stakeholder) {
            return Err(AppError::Forbidden("only staff and stakeholders can see reports")).gql();
        }
        let first_day = parse_month(&month).gql()?;
        let window = repo::month_window(&mut tx, first_day).await.gql()?;
        if first_day > window.today {
            return Err(AppError::bad_input("month", format!("{month} has not started yet"))).gql();
        }
        let report = repo::sla_report(&mut tx, &window).await.gql()?;
        tx.commit().await.gql()?;

        let overall = row("overall".into(), "All tickets".into(), &report.overall);
        let by_priority = [Priority::P1, Priority::P2, Priority::P3, Priority::P4]
            .into_iter()
            .map(|p| {
                let stats = report.by_priority.iter().find(|(level, _)| *level == p.level()).map(|(_, s)| s);
                row(p.to_string(), priority_label(p).into(), stats.unwrap_or(&SlaStats::default()))
            })
            .collect::<Vec<_>>();
        let by_category = named_rows(&report.by_category, "Category", "uncategorised", "Uncategorised");
        let by_agent = named_rows(&report.by_agent, "User", "unassigned", "Unassigned");
        let csv = to_csv(&[
            ("overall", std::slice::from_ref(&overall)),
            ("priority", &by_priority),
            ("category", &by_category),
            ("agent", &by_agent),
        ]);
        Ok(SlaReport {
            month: first_day.format("%Y-%m").to_string(),
            time_zone: window.time_zone,
            overall,
            by_priority,
            by_category,
            by_agent,
            csv,
        })
    }
}

/// "YYYY-MM", exactly, to the first day of that month.
fn parse_month(raw: &str) -> Result<NaiveDate, AppError> {
    let invalid = || AppError::bad_input("month", format!("{raw:?} is not a month such as 2026-03"));
    let bytes = raw.as_bytes();
    let shape_ok = bytes.len() == 7
        && bytes[4] == b'-'
        && bytes.iter().enumerate().all(|(i, b)| i == 4 || b.is_ascii_digit());
    if !shape_ok {
        return Err(invalid());
    }
    let year: i32 = raw[..4].parse().map_err(|_| invalid())?;
    let month: u32 = raw[5..].parse().map_err(|_| invalid())?;
    NaiveDate::from_ymd_opt(year, month, 1).filter(|d| d.year() >= 1).ok_or_else(invalid)
}

fn priority_label(p: Priority) -> &'static str {
    match p {
        Priority::P1 => "P1 Critical",
        Priority::P2 => "P2 High",
        Priority::P3 => "P3 Medium",
        Priority::P4 => "P4 Low",
    }
}

fn named_rows(groups: &[NamedStats], type_name: &str, none_key: &str, none_label: &str) -> Vec<SlaReportRow> {
    groups
        .iter()
        .map(|g| {
            let key = g.id.map_or_else(|| none_key.to_owned(), |id| global_id(type_name, id).0);
            let label = match (&g.id, &g.name) {
                (None, _) => none_label.to_owned(),
                (Some(_), Some(name)) => name.clone(),
                // A name the caller's policies hide; the id still tells groups apart.
                (Some(_), None) => "Unknown".to_owned(),
            };
            row(key, label, &g.stats)
        })
        .collect()
}

fn count(n: i64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

fn row(key: String, label: String, s: &SlaStats) -> SlaReportRow {
    SlaReportRow {
        key,
        label,
        tickets: count(s.tickets),
        resolved: count(s.resolved),
        response_compliance_percent: s.response_compliance_percent(),
        resolution_compliance_percent: s.resolution_compliance_percent(),
        mttr_minutes: s.mttr_minutes,
        median_first_response_minutes: s.median_first_response_minutes,
    }
}

const CSV_HEADER: &str = "group,key,label,tickets,resolved,response_compliance_percent,\
                          resolution_compliance_percent,mttr_minutes,median_first_response_minutes";

/// RFC 4180: CRLF line ends, a header row, and fields quoted when they hold a comma, a quote or a
/// line break. Text that a spreadsheet would evaluate as a formula is prefixed with `'`.
fn to_csv(groups: &[(&str, &[SlaReportRow])]) -> String {
    let mut out = String::from(CSV_HEADER);
    out.push_str("\r\n");
    let number = |v: Option<f64>| v.map(|v| format!("{v:.1}")).unwrap_or_default();
    for (group, rows) in groups {
        for r in *rows {
            let fields = [
                csv_text(group),
                csv_text(&r.key),
                csv_text(&r.label),
                r.tickets.to_string(),
                r.resolved.to_string(),
                number(r.response_compliance_percent),
                number(r.resolution_compliance_percent),
                number(r.mttr_minutes),
                number(r.median_first_response_minutes),
            ];
            out.push_str(&fields.join(","));
            out.push_str("\r\n");
        }
    }
    out
}

/// One text field: neutralised against formula injection (OWASP's leading characters), then
/// quoted if it needs to be.
fn csv_text(raw: &str) -> String {
    let neutral =
        if raw.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{raw}") } else { raw.to_owned() };
    if neutral.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", neutral.replace('"', "\"\""))
    } else {
        neutral
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_exactly_yyyy_mm() {
        assert_eq!(parse_month("2026-03").ok(), NaiveDate::from_ymd_opt(2026, 3, 1));
        for bad in
            ["2026-13", "2026-00", "2026-3", "26-03", "2026/03", "2026-03-01", "", "0000-01", "２０２６-03"]
        {
            let err = parse_month(bad).err();
            assert!(matches!(err, Some(AppError::BadInput { field: "month", .. })), "{bad:?}");
        }
    }

    #[test]
    fn csv_fields_are_quoted_and_neutralised() {
        assert_eq!(csv_text("Hardware"), "Hardware");
        assert_eq!(csv_text("Smith, Jo"), "\"Smith, Jo\"");
        assert_eq!(csv_text("The \"fixer\""), "\"The \"\"fixer\"\"\"");
        assert_eq!(csv_text("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_text("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
        assert_eq!(csv_text("=SUM(A1,B1)"), "\"'=SUM(A1,B1)\"");
        for lead in ["+1", "-1", "@x", "\tx"] {
            assert!(csv_text(lead).starts_with('\''), "{lead:?}");
        }
    }

    #[test]
    fn csv_has_a_header_and_one_line_per_row() {
        let r = row(
            "P1".into(),
            "P1 Critical".into(),
            &SlaStats {
                tickets: 3,
                resolved: 2,
                response_met: 2,
                response_breached: 1,
                mttr_minutes: Some(90.0),
                ..SlaStats::default()
            },
        );
        let csv = to_csv(&[("priority", std::slice::from_ref(&r))]);
        assert_eq!(csv, format!("{CSV_HEADER}\r\npriority,P1,P1 Critical,3,2,66.7,,90.0,\r\n"));
    }
}
