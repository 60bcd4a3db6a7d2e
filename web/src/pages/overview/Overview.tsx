// The read-only overview for stakeholders (and staff): open volume now, and SLA compliance for a
// month, with the figures behind it.
import { useMemo, useState } from 'react';
import { useQuery } from 'urql';
import { describeError } from '../../api/errors';
import { useDebouncedTicketChanges } from '../../api/live';
import { useViewer } from '../../auth/session';
import { graphql } from '../../gql';
import type { SlaReportRowFieldsFragment } from '../../gql/graphql';
import { formatMinutes } from '../../lib/format';
import { Button } from '../../ui/Button';
import { Alert, Skeleton } from '../../ui/Feedback';
import './overview.css';

const VolumeDocument = graphql(`
  query OverviewVolume {
    openVolume {
      open
      p1
      p2
      p3
      p4
      breached
    }
  }
`);

export const SlaReportRowFields = graphql(`
  fragment SlaReportRowFields on SlaReportRow {
    key
    label
    tickets
    resolved
    responseCompliancePercent
    resolutionCompliancePercent
    mttrMinutes
    medianFirstResponseMinutes
  }
`);

const ReportDocument = graphql(`
  query OverviewReport($month: String!) {
    slaReport(month: $month) {
      month
      timeZone
      overall {
        ...SlaReportRowFields
      }
      byPriority {
        ...SlaReportRowFields
      }
      byCategory {
        ...SlaReportRowFields
      }
      byAgent {
        ...SlaReportRowFields
      }
      csv
    }
  }
`);

const show = (n: number) => n.toLocaleString();
const percent = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${v.toFixed(1)}%`);
const minutes = (v: number | null | undefined) => (v === null || v === undefined ? '—' : formatMinutes(Math.round(v)));

/** The last six months as "YYYY-MM", this one first, in the organisation's time zone. */
function recentMonths(timeZone: string): string[] {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' }).formatToParts(new Date());
  let year = Number(parts.find((p) => p.type === 'year')?.value);
  let month = Number(parts.find((p) => p.type === 'month')?.value);
  const out: string[] = [];
  for (let i = 0; i < 6; i++) {
    out.push(`${year}-${String(month).padStart(2, '0')}`);
    month -= 1;
    if (month === 0) {
      month = 12;
      year -= 1;
    }
  }
  return out;
}

function monthName(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(Date.UTC(y ?? 2000, (m ?? 1) - 1, 1));
}

export default function Overview() {
  const { organization } = useViewer();
  const months = useMemo(() => recentMonths(organization?.timeZone ?? 'UTC'), [organization?.timeZone]);
  const [month, setMonth] = useState(months[0] ?? '');
  const [volume, refetchVolume] = useQuery({ query: VolumeDocument });
  const [report] = useQuery({ query: ReportDocument, variables: { month } });
  useDebouncedTicketChanges(() => refetchVolume({ requestPolicy: 'network-only' }), 1000);

  const v = volume.data?.openVolume;
  const byPriority = [v?.p1 ?? 0, v?.p2 ?? 0, v?.p3 ?? 0, v?.p4 ?? 0];
  const open = v?.open ?? 0;
  const urgent = byPriority[0]! + byPriority[1]!;
  const breached = v?.breached ?? 0;
  const widest = Math.max(1, ...byPriority);
  const r = report.data?.slaReport;

  function downloadCsv() {
    if (!r) return;
    const url = URL.createObjectURL(new Blob([r.csv], { type: 'text/csv' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `sla-report-${r.month}.csv`;
    a.click();
    URL.revokeObjectURL(url);
  }

  return (
    <div className="page page--stacked overview">
      <header className="page__header">
        <div>
          <h1>Overview</h1>
          <p className="page__subtitle">Open work right now, and how well {organization?.name ?? 'the team'} kept its SLA targets.</p>
        </div>
      </header>

      {volume.error && <Alert>{describeError(volume.error).message}</Alert>}
      <section className="kpis" aria-label="Open volume">
        <Kpi label="Open tickets" value={v ? show(open) : null} hint="New, open or pending" />
        <Kpi label="Critical and high" value={v ? show(urgent) : null} hint="P1 and P2, open" tone={urgent > 0 ? 'warning' : undefined} />
        <Kpi label="Breached, still open" value={v ? show(breached) : null} hint="Past a response or resolution target" tone={breached > 0 ? 'danger' : undefined} />
        <Kpi
          label={`Resolution compliance`}
          value={r ? percent(r.overall.resolutionCompliancePercent) : null}
          hint={r ? `Tickets created in ${monthName(r.month)}` : 'This month'}
        />
      </section>

      <div className="overview__grid">
        <section className="card card__body" aria-labelledby="by-priority">
          <h2 id="by-priority">Open by priority</h2>
          <ul className="bars">
            {(['P1 · Critical', 'P2 · High', 'P3 · Medium', 'P4 · Low'] as const).map((label, i) => {
              const c = byPriority[i] ?? 0;
              return (
                <li key={label}>
                  <span className="bars__label">{label}</span>
                  <span className="bars__track" aria-hidden="true">
                    <span className={`bars__fill bars__fill--p${i + 1}`} style={{ width: `${(c / widest) * 100}%` }} />
                  </span>
                  <span className="bars__value">{v ? show(c) : <Skeleton width={24} />}</span>
                </li>
              );
            })}
          </ul>
        </section>

        <section className="card card__body" aria-labelledby="compliance">
          <div className="overview__report-head">
            <h2 id="compliance">SLA compliance</h2>
            <div className="row">
              <label className="visually-hidden" htmlFor="report-month">
                Month
              </label>
              <select id="report-month" className="input select input--compact" value={month} onChange={(e) => setMonth(e.target.value)}>
                {months.map((m) => (
                  <option key={m} value={m}>
                    {monthName(m)}
                  </option>
                ))}
              </select>
              <Button size="sm" onClick={downloadCsv} disabled={!r}>
                Download CSV
              </Button>
            </div>
          </div>
          {report.error && <Alert>{describeError(report.error).message}</Alert>}
          {r ? (
            <dl className="figures">
              <Figure label="First response" value={percent(r.overall.responseCompliancePercent)} />
              <Figure label="Resolution" value={percent(r.overall.resolutionCompliancePercent)} />
              <Figure label="Created" value={String(r.overall.tickets)} />
              <Figure label="Resolved" value={String(r.overall.resolved)} />
              <Figure label="Mean time to resolve" value={minutes(r.overall.mttrMinutes)} />
              <Figure label="Median first response" value={minutes(r.overall.medianFirstResponseMinutes)} />
            </dl>
          ) : (
            !report.error && <Skeleton height={120} />
          )}
          <p className="small muted">
            Compliance counts the clocks with a verdict: met ÷ (met + breached). Times in {r?.timeZone ?? organization?.timeZone}.
          </p>
        </section>
      </div>

      {r && (
        <>
          <ReportTable title="By priority" rows={r.byPriority} />
          <ReportTable title="By category" rows={r.byCategory} />
          <ReportTable title="By assignee" rows={r.byAgent} />
        </>
      )}
    </div>
  );
}

function Kpi({ label, value, hint, tone }: { label: string; value: string | null; hint: string; tone?: 'warning' | 'danger' | undefined }) {
  return (
    <div className={`kpi card${tone ? ` kpi--${tone}` : ''}`}>
      <span className="kpi__label">{label}</span>
      <span className="kpi__value">{value ?? <Skeleton width={60} height={28} />}</span>
      <span className="kpi__hint">{hint}</span>
    </div>
  );
}

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

function ReportTable({ title, rows }: { title: string; rows: SlaReportRowFieldsFragment[] }) {
  return (
    <section className="card report" aria-label={title}>
      <div className="card__header">
        <h2>{title}</h2>
      </div>
      {rows.length === 0 ? (
        <p className="muted card__body">No tickets were created in this month.</p>
      ) : (
        <div className="report__scroll">
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">{title.replace('By ', '').replace(/^./, (c) => c.toUpperCase())}</th>
                <th scope="col" className="num">Tickets</th>
                <th scope="col" className="num">Resolved</th>
                <th scope="col" className="num">Response</th>
                <th scope="col" className="num">Resolution</th>
                <th scope="col" className="num">MTTR</th>
                <th scope="col" className="num">Median first response</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.key}>
                  <th scope="row">{row.label}</th>
                  <td className="num">{row.tickets}</td>
                  <td className="num">{row.resolved}</td>
                  <td className="num">{percent(row.responseCompliancePercent)}</td>
                  <td className="num">{percent(row.resolutionCompliancePercent)}</td>
                  <td className="num">{minutes(row.mttrMinutes)}</td>
                  <td className="num">{minutes(row.medianFirstResponseMinutes)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
