// Create or edit a business calendar: time zone, working intervals per weekday, holidays.
import { useEffect, useMemo, useState } from 'react';
import { useMutation } from 'urql';
import { describeError, hasProblem, noProblem, type Problem } from '../../api/errors';
import { graphql } from '../../gql';
import type { AdminSlaQuery, Weekday } from '../../gql/graphql';
import { Button } from '../../ui/Button';
import { Alert } from '../../ui/Feedback';
import { TextField } from '../../ui/Field';
import { PlusIcon, XIcon } from '../../ui/icons';
import { Dialog } from '../../ui/Overlay';
import { useToast } from '../../ui/Toast';

const SaveCalendarDocument = graphql(`
  mutation SaveCalendar($input: SaveBusinessCalendarInput!) {
    saveBusinessCalendar(input: $input) {
      calendar {
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
    }
  }
`);

export type Calendar = AdminSlaQuery['businessCalendars'][number];
type Hours = Calendar['workingHours'][number];

const DAYS: Weekday[] = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'];
const DAY_NAMES: Record<Weekday, string> = { MON: 'Mon', TUE: 'Tue', WED: 'Wed', THU: 'Thu', FRI: 'Fri', SAT: 'Sat', SUN: 'Sun' };

/** "Mon–Fri 09:00–17:00", "Every day, all day", or a list for irregular weeks. */
export function summariseHours(hours: Hours[]): string {
  if (hours.length === 0) return 'No working hours';
  const allDay = (h: Hours) => h.start === '00:00' && h.end === '00:00';
  if (hours.length === 7 && hours.every(allDay)) return 'Every day, all day';
  const first = hours[0];
  const same = first && hours.every((h) => h.start === first.start && h.end === first.end && h.overnight === first.overnight);
  const days = DAYS.filter((d) => hours.some((h) => h.day === d));
  const consecutive = days.every((d, i) => i === 0 || DAYS.indexOf(d) === DAYS.indexOf(days[i - 1] as Weekday) + 1);
  if (same && first && consecutive && days.length > 1) {
    return `${DAY_NAMES[days[0] as Weekday]}–${DAY_NAMES[days[days.length - 1] as Weekday]} ${first.start}–${first.end}`;
  }
  return hours.map((h) => `${DAY_NAMES[h.day]} ${h.start}–${h.end}`).join(', ');
}

const officeHours: Hours[] = DAYS.slice(0, 5).map((day) => ({ day, start: '09:00', end: '17:00', overnight: false }));

export function CalendarDialog({
  calendar,
  open,
  defaultTimeZone,
  onOpenChange,
}: {
  calendar: Calendar | null;
  open: boolean;
  defaultTimeZone: string;
  onOpenChange: (open: boolean) => void;
}) {
  const [name, setName] = useState('');
  const [timeZone, setTimeZone] = useState(defaultTimeZone);
  const [hours, setHours] = useState<Hours[]>(officeHours);
  const [holidays, setHolidays] = useState<string[]>([]);
  const [newHoliday, setNewHoliday] = useState('');
  const [problem, setProblem] = useState<Problem>(noProblem);
  const [{ fetching }, save] = useMutation(SaveCalendarDocument);
  const toast = useToast();
  const zones = useMemo(() => (typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : []), []);

  useEffect(() => {
    if (!open) return;
    setName(calendar?.name ?? '');
    setTimeZone(calendar?.timeZone ?? defaultTimeZone);
    setHours(calendar ? calendar.workingHours.map((h) => ({ ...h })) : officeHours);
    setHolidays(calendar ? [...calendar.holidays].sort() : []);
    setProblem(noProblem);
  }, [open, calendar, defaultTimeZone]);

  function patch(i: number, change: Partial<Hours>) {
    setHours((hs) => hs.map((h, j) => (j === i ? { ...h, ...change } : h)));
  }

  async function submit() {
    if (!name.trim()) {
      setProblem({ ...noProblem, fields: { name: 'Name the calendar.' } });
      return;
    }
    const result = await save({
      input: {
        id: calendar?.id ?? null,
        name: name.trim(),
        timeZone: timeZone.trim(),
        workingHours: hours.map(({ day, start, end, overnight }) => ({ day, start, end, overnight })),
        holidays,
      },
    });
    const p = describeError(result.error, ['name', 'timeZone', 'workingHours', 'holidays']);
    setProblem(p);
    if (!hasProblem(p)) {
      toast({ tone: 'success', title: `${name.trim()} saved` });
      onOpenChange(false);
    }
  }

  return (
    <Dialog open={open} onOpenChange={onOpenChange} title={calendar ? `Edit ${calendar.name}` : 'New calendar'} width={640}>
      <form
        className="stack"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        {problem.message && <Alert>{problem.message}</Alert>}
        <div className="form-grid">
          <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} error={problem.fields.name} />
          <TextField
            label="Time zone"
            value={timeZone}
            list="time-zones"
            onChange={(e) => setTimeZone(e.target.value)}
            error={problem.fields.timeZone}
            hint="For example Europe/London."
          />
          <datalist id="time-zones">
            {zones.map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
        </div>

        <fieldset className="hours">
          <legend className="field__label">Working hours</legend>
          {hours.map((h, i) => (
            <div className="hours__row" key={i}>
              <select
                className="input select input--compact"
                aria-label={`Day of interval ${i + 1}`}
                value={h.day}
                onChange={(e) => patch(i, { day: e.target.value as Weekday })}
              >
                {DAYS.map((d) => (
                  <option key={d} value={d}>
                    {DAY_NAMES[d]}
                  </option>
                ))}
              </select>
              <input
                type="time"
                className="input input--compact"
                aria-label={`Start of interval ${i + 1}`}
                value={h.start}
                onChange={(e) => patch(i, { start: e.target.value })}
              />
              <span aria-hidden="true">–</span>
              <input
                type="time"
                className="input input--compact"
                aria-label={`End of interval ${i + 1}`}
                value={h.end}
                onChange={(e) => patch(i, { end: e.target.value })}
              />
              <label className="row small">
                <input type="checkbox" className="checkbox" checked={h.overnight} onChange={(e) => patch(i, { overnight: e.target.checked })} />
                Ends next day
              </label>
              <button type="button" className="icon-button" aria-label={`Remove interval ${i + 1}`} onClick={() => setHours((hs) => hs.filter((_, j) => j !== i))}>
                <XIcon />
              </button>
            </div>
          ))}
          {problem.fields.workingHours && (
            <p className="field__error" role="alert">
              {problem.fields.workingHours}
            </p>
          )}
          <Button
            size="sm"
            variant="ghost"
            icon={<PlusIcon />}
            onClick={() => setHours((hs) => [...hs, { day: 'MON', start: '09:00', end: '17:00', overnight: false }])}
          >
            Add hours
          </Button>
          <p className="small muted">00:00–00:00 is the whole day. Add two intervals for a lunch break.</p>
        </fieldset>

        <fieldset className="hours">
          <legend className="field__label">Holidays</legend>
          <ul className="holidays">
            {holidays.map((d) => (
              <li key={d} className="chip chip--neutral">
                {d}
                <button type="button" className="chip__remove" aria-label={`Remove holiday ${d}`} onClick={() => setHolidays((hs) => hs.filter((x) => x !== d))}>
                  <XIcon size={12} />
                </button>
              </li>
            ))}
            {holidays.length === 0 && <li className="small muted">No holidays: the clock runs on every working day.</li>}
          </ul>
          <div className="row">
            <input type="date" className="input input--compact" aria-label="Holiday date" value={newHoliday} onChange={(e) => setNewHoliday(e.target.value)} />
            <Button
              size="sm"
              disabled={!newHoliday}
              onClick={() => {
                if (!holidays.includes(newHoliday)) setHolidays((hs) => [...hs, newHoliday].sort());
                setNewHoliday('');
              }}
            >
              Add holiday
            </Button>
          </div>
          {problem.fields.holidays && (
            <p className="field__error" role="alert">
              {problem.fields.holidays}
            </p>
          )}
        </fieldset>

        <div className="dialog__actions">
          <Button onClick={() => onOpenChange(false)}>Cancel</Button>
          <Button type="submit" variant="primary" loading={fetching}>
            Save calendar
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
