//! Properties of the clock over random histories of pauses, resumptions and a reply, checked
//! against the definition read directly: the running periods are worked out from the events here,
//! independently of the clock, and every number is checked with the calendar's own sums.

use chrono::{NaiveDate, NaiveTime, TimeZone, Weekday};
use chrono_tz::Europe::London;
use proptest::prelude::*;

use super::*;
use crate::WorkingHours;

#[derive(Clone, Copy, Debug)]
enum Step {
    Pause,
    Resume,
    Respond,
}

#[derive(Clone, Debug)]
struct Case {
    targets: Targets,
    created: DateTime<Utc>,
    steps: Vec<(DateTime<Utc>, Step)>,
    now: DateTime<Utc>,
}

impl Case {
    fn events(&self) -> Vec<TimedEvent> {
        let mut events =
            vec![TimedEvent::new(self.created, ClockEvent::Created { targets: self.targets.clone() })];
        events.extend(self.steps.iter().map(|&(at, step)| {
            let event = match step {
                Step::Pause => ClockEvent::Paused { reason: "waiting on requester".into() },
                Step::Resume => ClockEvent::Resumed,
                Step::Respond => ClockEvent::FirstResponse,
            };
            TimedEvent::new(at, event)
        }));
        events
    }

    fn calendar(&self) -> &BusinessCalendar {
        &self.targets.calendar
    }

    /// The running periods of a clock, the last one open (`None`) if it runs at `now`.
    fn running(&self, stops_at_reply: bool) -> Vec<(DateTime<Utc>, Option<DateTime<Utc>>)> {
        let mut periods = Vec::new();
        let mut since = Some(self.created);
        let mut paused = false;
        for &(at, step) in &self.steps {
            match step {
                Step::Pause if !paused => {
                    paused = true;
                    if let Some(start) = since.take() {
                        periods.push((start, Some(at)));
                    }
                }
                Step::Resume if paused => {
                    paused = false;
                    since = Some(at);
                }
                Step::Respond if stops_at_reply => {
                    if let Some(start) = since.take() {
                        periods.push((start, Some(at)));
                    }
                    return periods;
                }
                _ => {}
            }
        }
        periods.extend(since.map(|start| (start, None)));
        periods
    }

    /// The pauses, the last one open if the ticket is paused at `now`.
    fn pauses(&self) -> Vec<(DateTime<Utc>, Option<DateTime<Utc>>)> {
        let mut pauses = Vec::new();
        let mut since = None;
        for &(at, step) in &self.steps {
            match step {
                Step::Pause if since.is_none() => since = Some(at),
                Step::Resume => pauses.extend(since.take().map(|start| (start, Some(at)))),
                _ => {}
            }
        }
        pauses.extend(since.map(|start| (start, None)));
        pauses
    }

    /// What a clock must report, read from its running periods.
    fn expected(&self, stops_at_reply: bool, target: TimeDelta) -> Expected {
        let calendar = self.calendar();
        let mut used = TimeDelta::zero();
        // The first instant at which the running time reaches the target.
        let mut reached = None;
        let periods = self.running(stops_at_reply);
        for &(start, end) in &periods {
            let end = end.unwrap_or(self.now);
            let spent = calendar.business_time_between(start, end);
            if reached.is_none() && used + spent >= target {
                reached = calendar.add(start, target - used).ok().filter(|due| *due <= end);
            }
            used += spent;
        }
        // Breached from the first instant of running time after the target was reached.
        let breached_at = reached.and_then(|due| {
            periods.iter().find_map(|&(start, end)| {
                let from = start.max(due);
                (end.unwrap_or(self.now) > from).then_some(from)
            })
        });
        let running = periods.last().is_some_and(|(_, end)| end.is_none());
        Expected { used, reached, breached_at, running, periods }
    }
}

struct Expected {
    used: TimeDelta,
    reached: Option<DateTime<Utc>>,
    breached_at: Option<DateTime<Utc>>,
    running: bool,
    periods: Vec<(DateTime<Utc>, Option<DateTime<Utc>>)>,
}

fn calendar() -> impl Strategy<Value = BusinessCalendar> {
    let at = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
    let split: Vec<_> = [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat]
        .into_iter()
        .flat_map(|day| [WorkingHours::new(day, at(8), at(12)), WorkingHours::new(day, at(13), at(17))])
        .collect();
    let split = BusinessCalendar::new(London, split, []).unwrap();
    // Holidays in the weeks the histories cover, which cross the spring-forward change.
    let holidays = prop::collection::vec(0..40u64, 0..4).prop_map(|offsets| {
        let first = NaiveDate::from_ymd_opt(2026, 3, 16).unwrap();
        offsets.into_iter().map(move |days| first + chrono::Days::new(days)).collect::<Vec<_>>()
    });
    (
        prop::sample::select(vec![
            BusinessCalendar::office_hours(London),
            split,
            BusinessCalendar::always(London),
        ]),
        holidays,
    )
        .prop_map(|(calendar, holidays)| calendar.with_holidays(holidays))
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![4 => Just(Step::Pause), 4 => Just(Step::Resume), 1 => Just(Step::Respond)]
}

fn case() -> impl Strategy<Value = Case> {
    let created = 0..(14 * 1440i64);
    let steps = prop::collection::vec((prop_oneof![1 => Just(0i64), 4 => 0..2000i64], step()), 0..10);
    (calendar(), 0..(24 * 60i64), 0..(48 * 60i64), created, steps, 0..4000i64).prop_map(
        |(calendar, response, resolution, created, gaps, last)| {
            let base = London.with_ymd_and_hms(2026, 3, 16, 0, 0, 0).unwrap().to_utc();
            let created = base + TimeDelta::minutes(created);
            let mut at = created;
            let steps = gaps
                .into_iter()
                .map(|(gap, step)| {
                    at += TimeDelta::minutes(gap);
                    (at, step)
                })
                .collect();
            let targets = Targets {
                label: "P3".into(),
                calendar: Arc::new(calendar),
                first_response: Some(TimeDelta::minutes(response)),
                resolution: Some(TimeDelta::minutes(resolution)),
            };
            Case { targets, created, steps, now: at + TimeDelta::minutes(last) }
        },
    )
}

fn check_clock(case: &Case, state: TargetState, expected: &Expected) -> Result<(), TestCaseError> {
    let calendar = case.calendar();
    prop_assert_eq!(state.used, expected.used);
    prop_assert_eq!(state.breached_at, expected.breached_at);
    prop_assert_eq!(state.due_at.is_some(), expected.running);
    if let (Some(due), Some(&(start, None))) = (state.due_at, expected.periods.last()) {
        let used_before: TimeDelta = expected.periods[..expected.periods.len() - 1]
            .iter()
            .map(|&(start, end)| calendar.business_time_between(start, end.unwrap_or(case.now)))
            .sum();
        if let Some(reached) = expected.reached {
            prop_assert_eq!(due, reached);
        }
        if expected.reached.is_some_and(|reached| reached <= start) {
            // Due when it was spent, and breached once running since.
            prop_assert!(due <= start);
            if case.now > start {
                prop_assert!(state.breached_at.is_some_and(|breached| breached <= start));
            }
        } else {
            prop_assert!(used_before <= state.target);
            prop_assert_eq!(calendar.business_time_between(start, due), state.target - used_before);
            prop_assert_eq!(Some(due), calendar.add(start, state.target - used_before).ok());
        }
        // Either way, the running periods hold exactly the target up to the due time.
        let up_to_due: TimeDelta = expected
            .periods
            .iter()
            .map(|&(start, end)| calendar.business_time_between(start, end.map_or(due, |end| end.min(due))))
            .sum();
        prop_assert_eq!(up_to_due, state.target);
        for (paused, resumed) in case.pauses() {
            prop_assert!(
                !(paused < due && resumed.is_none_or(|resumed| due < resumed)),
                "due {} in a pause",
                due
            );
        }
    }
    let (used, target) =
        (state.used.num_minutes() * 100, state.target.num_minutes() * i64::from(AT_RISK_PERCENT));
    let candidate = expected.running && expected.breached_at.is_none();
    prop_assert_eq!(state.at_risk_from.is_some(), candidate);
    prop_assert_eq!(state.at_risk, state.at_risk_from.is_some_and(|from| from <= case.now));
    // The share decides, except at the very threshold before any time is spent after it.
    if state.at_risk {
        prop_assert!(used >= target);
    } else if candidate {
        prop_assert!(used <= target);
    }
    Ok(())
}

proptest! {
    #[test]
    fn the_clocks_spend_business_time_only_while_running(case in case()) {
        let clock = SlaClock::derive(&case.events(), case.now).unwrap();
        let (response, resolution) = (clock.response.unwrap(), clock.resolution.unwrap());
        check_clock(&case, response, &case.expected(true, response.target))?;
        check_clock(&case, resolution, &case.expected(false, resolution.target))?;
        let paused = case.pauses().last().is_some_and(|(_, resumed)| resumed.is_none());
        prop_assert_eq!(clock.paused.is_some(), paused);
        if paused {
            prop_assert_eq!(resolution.due_at, None);
            prop_assert_eq!(response.due_at, None);
        }
        prop_assert!(clock.timeline.is_sorted_by_key(|entry| entry.at));
    }

    #[test]
    fn due_times_hold_until_the_next_event(case in case(), later in 0..(5 * 1440i64)) {
        // What is stored after an event stays right for sweeps until the next one.
        let events = case.events();
        let (now, then) = (case.now, case.now + TimeDelta::minutes(later));
        let (before, after) = (SlaClock::derive(&events, now).unwrap(), SlaClock::derive(&events, then).unwrap());
        let clocks = [(true, before.response, after.response), (false, before.resolution, after.resolution)];
        for (stops_at_reply, before, after) in clocks {
            let (before, after) = (before.unwrap(), after.unwrap());
            prop_assert_eq!(before.due_at, after.due_at);
            prop_assert_eq!(before.stopped_at, after.stopped_at);
            prop_assert!(after.used >= before.used);
            if let Some(breached) = before.breached_at {
                prop_assert_eq!(after.breached_at, Some(breached));
            }
            if let (Some(due), Some(&(start, _))) = (before.due_at, case.running(stops_at_reply).last()) {
                prop_assert_eq!(after.is_breached(), then > due.max(start) || before.is_breached());
            }
        }
    }

    #[test]
    fn retargeting_to_the_same_targets_changes_nothing(case in case(), position in 0..10usize) {
        let events = case.events();
        let position = 1 + position % events.len();
        let at = events[position - 1].at;
        let mut retargeted = events.clone();
        retargeted.insert(position, TimedEvent::new(at, ClockEvent::Retargeted { targets: case.targets.clone() }));
        let (plain, again) =
            (SlaClock::derive(&events, case.now).unwrap(), SlaClock::derive(&retargeted, case.now).unwrap());
        prop_assert_eq!((plain.response, plain.resolution, plain.paused), (again.response, again.resolution, again.paused));
    }
}
