// SLA targets per department and priority, and the business calendars they count in.
import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { describeError } from '../../api/errors';
import { graphql } from '../../gql';
import type { AdminSlaQuery, Priority } from '../../gql/graphql';
import { formatMinutes, parseMinutes } from '../../lib/format';
import { PRIORITIES, priorityLabel } from '../../lib/labels';
import { Button } from '../../ui/Button';
import { Alert, PageLoading } from '../../ui/Feedback';
import { PlusIcon } from '../../ui/icons';
import { useToast } from '../../ui/Toast';
import { CalendarDialog, summariseHours, type Calendar } from './CalendarDialog';

const AdminSlaDocument = graphql(`
  query AdminSla {
    organization {
      id
      timeZone
      departments {
        id
        name
      }
    }
    businessCalendars {
      id
      name
      timeZone
      workingHours {
        day
        start
        end
        overnight
      }
      holidays
    }
    slaPolicies {
      id
      departmentId
      priority
      calendarId
      firstResponseMinutes
      resolutionMinutes
    }
  }
`);

const SetPolicyDocument = graphql(`
  mutation SetSlaPolicy($input: SetSlaPolicyInput!) {
    setSlaPolicy(input: $input) {
      policy {
        id
        departmentId
        priority
        calendarId
        firstResponseMinutes
        resolutionMinutes
      }
    }
  }
`);

const DeleteCalendarDocument = graphql(`
  mutation DeleteCalendar($id: ID!) {
    deleteBusinessCalendar(id: $id)
  }
`);

type Policy = AdminSlaQuery['slaPolicies'][number];

export function SlaSettings() {
  const [{ data, fetching, error }, refetch] = useQuery({ query: AdminSlaDocument });
  const [, remove] = useMutation(DeleteCalendarDocument);
  const toast = useToast();
  const [editing, setEditing] = useState<Calendar | 'new' | null>(null);
  if (!data && fetching) return <PageLoading label="Loading SLA settings" />;
  const calendars = data?.businessCalendars ?? [];
  const departments = data?.organization?.departments ?? [];

  async function deleteCalendar(calendar: Calendar) {
    if (!window.confirm(`Delete the calendar “${calendar.name}”?`)) return;
    const result = await remove({ id: calendar.id });
    if (result.error) {
      toast({ tone: 'danger', title: 'The calendar was not deleted', description: describeError(result.error).message ?? undefined });
    } else {
      toast({ tone: 'success', title: `${calendar.name} deleted` });
      refetch({ requestPolicy: 'network-only' });
    }
  }

  return (
    <div className="page page--stacked">
      <header className="page__header">
        <div>
          <h1>SLA policies</h1>
          <p className="page__subtitle">
            Targets in business time, per department and priority. Changes apply to open tickets within a minute.
          </p>
        </div>
      </header>
      {error && <Alert>{describeError(error).message}</Alert>}

      {departments.map((dept) => (
        <section key={dept.id} className="card sla-policies" aria-labelledby={`policies-${dept.id}`}>
          <div className="card__header">
            <h2 id={`policies-${dept.id}`}>{dept.name}</h2>
          </div>
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">Priority</th>
                <th scope="col">Calendar</th>
                <th scope="col">First response</th>
                <th scope="col">Resolution</th>
                <th scope="col">
                  <span className="visually-hidden">Save</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {PRIORITIES.map((priority) => (
                <PolicyRow
                  key={priority}
                  departmentId={dept.id}
                  priority={priority}
                  policy={data?.slaPolicies.find((p) => p.departmentId === dept.id && p.priority === priority)}
                  calendars={calendars}
                />
              ))}
            </tbody>
          </table>
        </section>
      ))}

      <section className="card" aria-labelledby="calendars">
        <div className="card__header">
          <div>
            <h2 id="calendars">Business calendars</h2>
            <p className="small muted">When the SLA clock runs: working hours in a time zone, minus holidays.</p>
          </div>
          <Button size="sm" icon={<PlusIcon />} onClick={() => setEditing('new')}>
            New calendar
          </Button>
        </div>
        <ul className="calendars">
          {calendars.map((c) => (
            <li key={c.id}>
              <div>
                <div className="calendars__name">{c.name}</div>
                <div className="small muted">
                  {summariseHours(c.workingHours)} · {c.timeZone}
                  {c.holidays.length > 0 && ` · ${c.holidays.length} holiday${c.holidays.length === 1 ? '' : 's'}`}
                </div>
              </div>
              <div className="row">
                <Button size="sm" onClick={() => setEditing(c)}>
                  Edit
                </Button>
                <Button size="sm" variant="ghost" onClick={() => void deleteCalendar(c)}>
                  Delete
                </Button>
              </div>
            </li>
          ))}
        </ul>
      </section>

      <CalendarDialog
        calendar={editing === 'new' ? null : editing}
        open={editing !== null}
        defaultTimeZone={data?.organization?.timeZone ?? 'UTC'}
        onOpenChange={(open) => !open && setEditing(null)}
      />
    </div>
  );
}

function PolicyRow({
  departmentId,
  priority,
  policy,
  calendars,
}: {
  departmentId: string;
  priority: Priority;
  policy: Policy | undefined;
  calendars: Calendar[];
}) {
  const [calendarId, setCalendarId] = useState(policy?.calendarId ?? calendars[0]?.id ?? '');
  const [response, setResponse] = useState(policy?.firstResponseMinutes ? formatMinutes(policy.firstResponseMinutes) : '');
  const [resolution, setResolution] = useState(policy?.resolutionMinutes ? formatMinutes(policy.resolutionMinutes) : '');
  const [problem, setProblem] = useState<string | null>(null);
  const [{ fetching }, save] = useMutation(SetPolicyDocument);
  const toast = useToast();
  const dirty =
    calendarId !== (policy?.calendarId ?? '') ||
    parseMinutes(response) !== (policy?.firstResponseMinutes ?? null) ||
    parseMinutes(resolution) !== (policy?.resolutionMinutes ?? null);
  const id = `${departmentId}-${priority}`;

  async function submit() {
    const first = response.trim() ? parseMinutes(response) : null;
    const resolve = resolution.trim() ? parseMinutes(resolution) : null;
    if ((response.trim() && first === null) || (resolution.trim() && resolve === null)) {
      setProblem('Write targets like 4h, 1h 30m or 45m.');
      return;
    }
    const result = await save({
      input: { departmentId, priority, calendarId, firstResponseMinutes: first, resolutionMinutes: resolve },
    });
    const message = describeError(result.error).message;
    setProblem(message);
    if (!message) toast({ tone: 'success', title: `${priorityLabel[priority]} targets saved` });
  }

  return (
    <tr>
      <th scope="row">{priorityLabel[priority]}</th>
      <td>
        <select
          className="input select input--compact"
          aria-label={`Calendar for ${priorityLabel[priority]}`}
          value={calendarId}
          onChange={(e) => setCalendarId(e.target.value)}
        >
          {calendars.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
      </td>
      <td>
        <input
          className="input input--compact sla-policies__minutes"
          aria-label={`First response target for ${priorityLabel[priority]}`}
          placeholder="No target"
          value={response}
          onChange={(e) => setResponse(e.target.value)}
          aria-describedby={problem ? `${id}-problem` : undefined}
        />
      </td>
      <td>
        <input
          className="input input--compact sla-policies__minutes"
          aria-label={`Resolution target for ${priorityLabel[priority]}`}
          placeholder="No target"
          value={resolution}
          onChange={(e) => setResolution(e.target.value)}
          aria-describedby={problem ? `${id}-problem` : undefined}
        />
        {problem && (
          <p className="field__error" id={`${id}-problem`} role="alert">
            {problem}
          </p>
        )}
      </td>
      <td>
        <Button size="sm" variant={dirty ? 'primary' : 'secondary'} disabled={!dirty || !calendarId} loading={fetching} onClick={() => void submit()}>
          Save
        </Button>
      </td>
    </tr>
  );
}
