//! Worked examples in office hours (Monday to Friday, 09:00–17:00, Europe/London, which is UTC in
//! winter) and round the clock.

use chrono::{NaiveDate, TimeZone};
use chrono_tz::Europe::London;

use super::*;

fn jan(day: u32, h: u32, m: u32) -> DateTime<Utc> {
    London.with_ymd_and_hms(2026, 1, day, h, m, 0).single().unwrap().to_utc()
}

fn dec(day: u32, h: u32, m: u32) -> DateTime<Utc> {
    London.with_ymd_and_hms(2026, 12, day, h, m, 0).single().unwrap().to_utc()
}

fn hours(n: i64) -> TimeDelta {
    TimeDelta::hours(n)
}

fn minutes(n: i64) -> TimeDelta {
    TimeDelta::minutes(n)
}

fn targets(label: &str, calendar: BusinessCalendar, response: TimeDelta, resolution: TimeDelta) -> Targets {
    Targets {
        label: label.to_owned(),
        calendar: Arc::new(calendar),
        first_response: Some(response),
        resolution: Some(resolution),
    }
}

/// P3 in office hours: a response within 4 business hours, a resolution within 2 business days.
fn p3() -> Targets {
    targets("P3", BusinessCalendar::office_hours(London), hours(4), hours(16))
}

/// P1 round the clock: 1 hour to respond, 4 to resolve.
fn p1() -> Targets {
    targets("P1", BusinessCalendar::always(London), hours(1), hours(4))
}

fn created(at: DateTime<Utc>, targets: Targets) -> TimedEvent {
    TimedEvent::new(at, ClockEvent::Created { targets })
}

fn paused(at: DateTime<Utc>, reason: &str) -> TimedEvent {
    TimedEvent::new(at, ClockEvent::Paused { reason: reason.to_owned() })
}

fn event(at: DateTime<Utc>, event: ClockEvent) -> TimedEvent {
    TimedEvent::new(at, event)
}

fn derive(events: &[TimedEvent], now: DateTime<Utc>) -> SlaClock {
    SlaClock::derive(events, now).unwrap()
}

fn response(clock: &SlaClock) -> TargetState {
    clock.response.unwrap()
}

fn resolution(clock: &SlaClock) -> TargetState {
    clock.resolution.unwrap()
}

fn kinds(clock: &SlaClock) -> Vec<TimelineKind> {
    clock.timeline.iter().map(|entry| entry.kind).collect()
}

#[test]
fn created_on_friday_afternoon_is_due_on_monday() {
    let friday = jan(9, 16, 0);
    let clock = derive(&[created(friday, p3())], friday);
    // One hour on Friday, three on Monday morning.
    assert_eq!(response(&clock).due_at, Some(jan(12, 12, 0)));
    // One hour on Friday, eight on Monday, seven on Tuesday.
    assert_eq!(resolution(&clock).due_at, Some(jan(13, 16, 0)));
    assert_eq!(response(&clock).used, TimeDelta::zero());
    assert_eq!(response(&clock).remaining(), hours(4));
    assert!(!response(&clock).is_breached() && !response(&clock).at_risk);
    assert_eq!(clock.paused, None);
    assert_eq!(clock.label, "P3");
}

#[test]
fn a_pause_moves_the_due_time_by_the_business_time_paused() {
    let events = [created(jan(9, 16, 0), p3()), paused(jan(9, 16, 30), "waiting on requester")];
    // During the pause the clocks have no due time and do not spend.
    let saturday = derive(&events, jan(10, 12, 0));
    assert_eq!(saturday.paused, Some(Pause { since: jan(9, 16, 30), reason: "waiting on requester".into() }));
    assert_eq!(response(&saturday).due_at, None);
    assert_eq!(response(&saturday).used, minutes(30));
    assert_eq!(resolution(&saturday).due_at, None);

    // Half an hour on Friday and an hour on Monday were paused: due 13:30, not 12:00.
    let resumed = [&events[..], &[event(jan(12, 10, 0), ClockEvent::Resumed)]].concat();
    let clock = derive(&resumed, jan(12, 10, 0));
    assert_eq!(clock.paused, None);
    assert_eq!(response(&clock).due_at, Some(jan(12, 13, 30)));
    // 15 h 30 min left from Monday 10:00: 7 h on Monday, 8 on Tuesday, 30 min on Wednesday.
    assert_eq!(resolution(&clock).due_at, Some(jan(14, 9, 30)));
    assert_eq!(resolution(&clock).used, minutes(30));
}

#[test]
fn the_first_response_stops_the_response_clock() {
    let start = created(jan(9, 16, 0), p3());
    let in_time = derive(&[start.clone(), event(jan(12, 11, 0), ClockEvent::FirstResponse)], jan(12, 15, 0));
    let met = response(&in_time);
    assert_eq!((met.stopped_at, met.due_at, met.breached_at), (Some(jan(12, 11, 0)), None, None));
    assert_eq!(met.used, hours(3));
    assert!(!met.at_risk, "a met clock is no longer at risk");
    // The resolution clock runs on.
    assert_eq!(resolution(&in_time).used, hours(7));
    assert_eq!(resolution(&in_time).due_at, Some(jan(13, 16, 0)));

    let late = derive(&[start.clone(), event(jan(12, 12, 30), ClockEvent::FirstResponse)], jan(12, 15, 0));
    let missed = response(&late);
    assert_eq!(missed.breached_at, Some(jan(12, 12, 0)));
    assert_eq!(missed.used, hours(4) + minutes(30));
    assert_eq!(missed.remaining(), -minutes(30));
    let entry = late.timeline.iter().find(|entry| entry.kind == TimelineKind::ResponseMet).unwrap();
    assert_eq!(entry.detail, "first response after 4 h 30 min of business time (target 4 h): target missed");

    // Later replies change nothing.
    let again = derive(
        &[
            start,
            event(jan(12, 11, 0), ClockEvent::FirstResponse),
            event(jan(12, 14, 0), ClockEvent::FirstResponse),
        ],
        jan(12, 15, 0),
    );
    assert_eq!(response(&again), met);
}

#[test]
fn a_running_clock_past_its_due_time_is_breached() {
    let clock = derive(&[created(jan(9, 16, 0), p3())], jan(12, 12, 30));
    let overdue = response(&clock);
    assert_eq!(overdue.due_at, Some(jan(12, 12, 0)));
    assert_eq!(overdue.breached_at, Some(jan(12, 12, 0)));
    assert!(!overdue.at_risk, "breached, so past being at risk");
    assert_eq!(overdue.at_risk_from, None);
    let breach = clock.timeline.iter().find(|entry| entry.kind == TimelineKind::Breached).unwrap();
    assert_eq!((breach.at, breach.detail.as_str()), (jan(12, 12, 0), "response target of 4 h breached"));
}

#[test]
fn a_due_time_passed_out_of_hours_is_a_breach() {
    // Due at Friday's closing; still unanswered on Saturday, though no business time was spent.
    let friday = jan(9, 13, 0);
    let clock = derive(&[created(friday, p3())], jan(10, 10, 0));
    let state = response(&clock);
    assert_eq!(state.used, hours(4));
    assert_eq!(state.breached_at, Some(jan(9, 17, 0)));
    // Answered at the very closing instant, it is met.
    let just =
        derive(&[created(friday, p3()), event(jan(9, 17, 0), ClockEvent::FirstResponse)], jan(10, 10, 0));
    assert_eq!(response(&just).breached_at, None);
}

#[test]
fn resolving_then_reopening_keeps_the_time_spent() {
    let events = [
        created(jan(9, 16, 0), p3()),
        event(jan(12, 12, 0), ClockEvent::Resolved),
        event(jan(14, 9, 0), ClockEvent::Reopened),
    ];
    let resolved = derive(&events[..2], jan(13, 12, 0));
    let done = resolution(&resolved);
    assert_eq!((done.used, done.stopped_at, done.due_at), (hours(4), Some(jan(12, 12, 0)), None));
    // Resolving before any reply counts as the response.
    assert_eq!(response(&resolved).stopped_at, Some(jan(12, 12, 0)));
    assert_eq!(response(&resolved).breached_at, None);

    let reopened = derive(&events, jan(14, 10, 0));
    let running = resolution(&reopened);
    assert_eq!(running.used, hours(5));
    assert_eq!(running.stopped_at, None);
    // 12 hours left from Wednesday 09:00: all of Wednesday, then 4 hours on Thursday.
    assert_eq!(running.due_at, Some(jan(15, 13, 0)));
    assert_eq!(response(&reopened).stopped_at, Some(jan(12, 12, 0)), "the response stays met");
    assert_eq!(
        kinds(&reopened),
        [
            TimelineKind::Started,
            TimelineKind::ResponseMet,
            TimelineKind::Resolved,
            TimelineKind::Reopened,
            TimelineKind::ResolutionDue
        ]
    );
    assert_eq!(
        reopened.timeline[3].detail,
        "reopened: the resolution clock runs again with 4 h already spent"
    );
}

#[test]
fn resolving_ends_a_pause() {
    let events = [
        created(jan(12, 9, 0), p3()),
        paused(jan(12, 10, 0), "waiting on supplier"),
        event(jan(12, 15, 0), ClockEvent::Resolved),
        event(jan(13, 9, 0), ClockEvent::Reopened),
    ];
    let clock = derive(&events, jan(13, 11, 0));
    assert_eq!(clock.paused, None);
    assert_eq!(resolution(&clock).used, hours(3));
    // One hour spent before the pause, none while paused: 15 h left from Tuesday 09:00.
    assert_eq!(resolution(&clock).due_at, Some(jan(14, 16, 0)));
}

#[test]
fn raising_the_priority_measures_the_rest_against_the_new_target() {
    let created_monday = created(jan(12, 9, 0), p3());
    let replied = event(jan(12, 10, 0), ClockEvent::FirstResponse);
    // Two business hours spent under P3; P1 leaves two more, round the clock.
    let raised = event(jan(12, 11, 0), ClockEvent::Retargeted { targets: p1() });
    let clock = derive(&[created_monday.clone(), replied.clone(), raised.clone()], jan(12, 12, 15));
    let state = resolution(&clock);
    assert_eq!(
        (state.target, state.used, state.due_at),
        (hours(4), hours(3) + minutes(15), Some(jan(12, 13, 0)))
    );
    assert!(state.at_risk, "past 3 h 12 min of 4 h");
    // The response was met under P3 and stays so, with its P3 target.
    assert_eq!(response(&clock).target, hours(4));
    assert_eq!(response(&clock).breached_at, None);
    let entry = clock.timeline.iter().find(|entry| entry.kind == TimelineKind::Retargeted).unwrap();
    assert_eq!(entry.detail, "priority P3 → P1: resolution target 4 h");
    assert_eq!(clock.label, "P1");

    // Round the clock now: the evening counts.
    let evening = derive(&[created_monday.clone(), replied.clone(), raised], jan(12, 20, 0));
    assert_eq!(resolution(&evening).used, hours(11));
    assert_eq!(resolution(&evening).breached_at, Some(jan(12, 13, 0)));

    // Raised after six business hours: breached at once.
    let late = event(jan(12, 15, 0), ClockEvent::Retargeted { targets: p1() });
    let clock = derive(&[created_monday, replied, late], jan(12, 15, 0));
    let state = resolution(&clock);
    assert_eq!((state.breached_at, state.due_at), (Some(jan(12, 15, 0)), Some(jan(12, 15, 0))));
    assert_eq!(state.remaining(), -hours(2));
    let tail: Vec<_> = clock.timeline[2..].iter().map(|entry| (entry.kind, entry.detail.as_str())).collect();
    assert_eq!(
        tail,
        [
            (TimelineKind::Retargeted, "priority P3 → P1: resolution target 4 h"),
            (TimelineKind::Breached, "resolution target of 4 h breached"),
            (TimelineKind::ResolutionDue, "resolution overdue: target 4 h, 6 h spent"),
        ]
    );
}

#[test]
fn lowering_the_priority_relaxes_the_clock() {
    let events = [
        created(jan(12, 9, 0), p1()),
        event(jan(12, 9, 30), ClockEvent::FirstResponse),
        event(jan(12, 14, 0), ClockEvent::Retargeted { targets: p3() }),
    ];
    let before = derive(&events[..2], jan(12, 14, 0));
    assert_eq!(resolution(&before).breached_at, Some(jan(12, 13, 0)));
    let after = derive(&events, jan(12, 14, 0));
    let state = resolution(&after);
    assert_eq!(state.breached_at, None);
    // Five hours spent, eleven left in office hours: three on Monday, eight on Tuesday.
    assert_eq!(state.due_at, Some(jan(13, 17, 0)));
    let entry = after.timeline.iter().find(|entry| entry.kind == TimelineKind::Retargeted).unwrap();
    assert_eq!(entry.detail, "priority P1 → P3: resolution target 16 h; resolution back within target");
    // The breach stays in the history.
    assert!(
        after.timeline.iter().any(|entry| entry.kind == TimelineKind::Breached && entry.at == jan(12, 13, 0))
    );
}

#[test]
fn a_reopened_ticket_takes_the_targets_set_while_it_was_resolved() {
    let events = [
        created(jan(12, 9, 0), p3()),
        event(jan(12, 11, 0), ClockEvent::Resolved),
        event(jan(12, 12, 0), ClockEvent::Retargeted { targets: p1() }),
        event(jan(12, 13, 0), ClockEvent::Reopened),
    ];
    let resolved = derive(&events[..3], jan(12, 12, 30));
    assert_eq!(resolution(&resolved).target, hours(16), "resolved under P3");
    let entry = resolved.timeline.iter().find(|entry| entry.kind == TimelineKind::Retargeted).unwrap();
    assert_eq!(entry.detail, "priority P3 → P1: both clocks already stopped");
    let reopened = derive(&events, jan(12, 13, 30));
    assert_eq!(resolution(&reopened).target, hours(4));
    assert_eq!(resolution(&reopened).due_at, Some(jan(12, 15, 0)));
}

#[test]
fn a_holiday_in_the_running_period_is_skipped_and_told() {
    let holiday = NaiveDate::from_ymd_opt(2026, 1, 12).unwrap();
    let calendar = BusinessCalendar::office_hours(London).with_holidays([holiday]);
    let with_holiday = targets("P3", calendar, hours(4), hours(16));
    let friday = jan(9, 16, 0);
    let clock = derive(&[created(friday, with_holiday)], friday);
    // Monday is skipped: due on Tuesday, a working day later than without it.
    assert_eq!(response(&clock).due_at, Some(jan(13, 12, 0)));
    let entry = clock.timeline.iter().find(|entry| entry.kind == TimelineKind::HolidaySkipped).unwrap();
    assert_eq!((entry.at, entry.detail.as_str()), (jan(12, 0, 0), "holiday 2026-01-12 skipped"));
    assert_eq!(clock.timeline.iter().filter(|entry| entry.kind == TimelineKind::HolidaySkipped).count(), 1);
}

#[test]
fn a_holiday_wholly_inside_a_pause_is_not_told() {
    let holiday = NaiveDate::from_ymd_opt(2026, 1, 12).unwrap();
    let calendar = BusinessCalendar::office_hours(London).with_holidays([holiday]);
    let events = [
        created(jan(9, 16, 0), targets("P3", calendar, hours(4), hours(16))),
        paused(jan(9, 16, 30), "waiting on requester"),
        event(jan(13, 9, 0), ClockEvent::Resumed),
    ];
    let clock = derive(&events, jan(13, 9, 0));
    assert!(!kinds(&clock).contains(&TimelineKind::HolidaySkipped));
}

#[test]
fn at_risk_from_eighty_percent_of_the_target() {
    let start = [created(jan(12, 9, 0), p3())];
    // 80% of 4 hours is 3 h 12 min.
    let before = response(&derive(&start, jan(12, 12, 11)));
    assert!(!before.at_risk);
    assert_eq!(before.at_risk_from, Some(jan(12, 12, 12)));
    let at = response(&derive(&start, jan(12, 12, 12)));
    assert!(at.at_risk);
    assert_eq!(at.at_risk_from, Some(jan(12, 12, 12)));
    // Paused, it is not running, so not at risk.
    let pause = [created(jan(12, 9, 0), p3()), paused(jan(12, 12, 30), "waiting on requester")];
    assert!(!response(&derive(&pause, jan(12, 13, 0))).at_risk);
}

#[test]
fn events_after_now_are_ignored() {
    let events = [created(jan(12, 9, 0), p3()), event(jan(12, 10, 0), ClockEvent::FirstResponse)];
    let clock = derive(&events, jan(12, 9, 30));
    assert_eq!(response(&clock).stopped_at, None);
    assert_eq!(response(&clock).used, minutes(30));
    assert_eq!(response(&clock).due_at, Some(jan(12, 13, 0)));
}

#[test]
fn a_policy_without_a_response_target_reports_none() {
    let mut no_response = p3();
    no_response.first_response = None;
    let clock = derive(&[created(jan(12, 9, 0), no_response)], jan(12, 10, 0));
    assert_eq!(clock.response, None);
    assert_eq!(resolution(&clock).used, hours(1));
    assert_eq!(clock.timeline[0].detail, "P3 clock started: resolution target 16 h");
}

#[test]
fn the_timeline_explains_the_clock() {
    let christmas =
        [NaiveDate::from_ymd_opt(2026, 12, 25).unwrap(), NaiveDate::from_ymd_opt(2026, 12, 28).unwrap()];
    let calendar = BusinessCalendar::office_hours(London).with_holidays(christmas);
    let events = [
        created(dec(23, 9, 12), targets("P3", calendar, hours(4), hours(16))),
        paused(dec(23, 11, 40), "waiting on requester"),
        event(dec(23, 14, 5), ClockEvent::Resumed),
        event(dec(23, 15, 0), ClockEvent::FirstResponse),
    ];
    let clock = derive(&events, dec(23, 16, 0));
    let timeline: Vec<_> =
        clock.timeline.iter().map(|entry| (entry.at, entry.kind, entry.detail.as_str())).collect();
    assert_eq!(
        timeline,
        [
            (
                dec(23, 9, 12),
                TimelineKind::Started,
                "P3 clock started: response target 4 h, resolution target 16 h"
            ),
            (dec(23, 11, 40), TimelineKind::Paused, "paused: waiting on requester"),
            (dec(23, 14, 5), TimelineKind::Resumed, "resumed after waiting on requester"),
            (
                dec(23, 15, 0),
                TimelineKind::ResponseMet,
                "first response after 3 h 23 min of business time (target 4 h)"
            ),
            (dec(25, 0, 0), TimelineKind::HolidaySkipped, "holiday 2026-12-25 skipped"),
            (dec(28, 0, 0), TimelineKind::HolidaySkipped, "holiday 2026-12-28 skipped"),
            // 4 h 23 min spent; 1 h on the 23rd, 8 on the 24th, the rest after the holidays.
            (dec(29, 11, 37), TimelineKind::ResolutionDue, "resolution due: target 16 h, 11 h 37 min left"),
        ]
    );
}

#[test]
fn a_second_pause_reason_replaces_the_first() {
    let events = [
        created(jan(12, 9, 0), p3()),
        paused(jan(12, 10, 0), "waiting on requester"),
        paused(jan(12, 11, 0), "waiting on supplier"),
        event(jan(12, 12, 0), ClockEvent::Resumed),
        event(jan(12, 12, 30), ClockEvent::Resumed),
    ];
    let paused = derive(&events[..3], jan(12, 11, 30));
    assert_eq!(paused.paused, Some(Pause { since: jan(12, 10, 0), reason: "waiting on supplier".into() }));
    let clock = derive(&events, jan(12, 13, 0));
    assert_eq!(response(&clock).used, hours(2));
    assert_eq!(clock.timeline.iter().filter(|entry| entry.kind == TimelineKind::Resumed).count(), 1);
}

#[test]
fn a_history_that_does_not_start_with_the_creation_is_refused() {
    let now = jan(12, 12, 0);
    assert_eq!(SlaClock::derive(&[], now), Err(ClockError::NoEvents));
    let err =
        SlaClock::derive(&[event(jan(12, 9, 0), ClockEvent::Resumed), created(jan(12, 10, 0), p3())], now)
            .unwrap_err();
    assert_eq!(err, ClockError::NotStartedByCreation { found: "resumption", at: jan(12, 9, 0) });
    assert_eq!(
        err.to_string(),
        "the first event must be the ticket's creation, not the resumption at 2026-01-12 09:00:00 UTC"
    );
    let twice = [created(jan(12, 9, 0), p3()), created(jan(12, 10, 0), p1())];
    assert_eq!(SlaClock::derive(&twice, now), Err(ClockError::CreatedTwice { index: 1, at: jan(12, 10, 0) }));
    assert_eq!(
        SlaClock::derive(&[created(jan(12, 13, 0), p3())], now),
        Err(ClockError::CreatedAfterNow { created: jan(12, 13, 0), now })
    );
}

#[test]
fn events_out_of_order_are_refused_even_after_now() {
    let events = [
        created(jan(12, 9, 0), p3()),
        paused(jan(12, 10, 0), "waiting on requester"),
        event(jan(12, 16, 0), ClockEvent::Resumed),
        event(jan(12, 15, 0), ClockEvent::FirstResponse),
    ];
    let err = SlaClock::derive(&events, jan(12, 12, 0)).unwrap_err();
    assert_eq!(
        err,
        ClockError::OutOfOrder {
            index: 3,
            found: "first response",
            at: jan(12, 15, 0),
            previous: jan(12, 16, 0)
        }
    );
    assert!(err.to_string().ends_with("give the events in time order"));
    // Events at the same instant keep their order.
    let same = [created(jan(12, 9, 0), p3()), paused(jan(12, 9, 0), "waiting on requester")];
    assert_eq!(response(&derive(&same, jan(12, 12, 0))).used, TimeDelta::zero());
}

#[test]
fn negative_targets_are_refused() {
    let mut broken = p1();
    broken.resolution = Some(-hours(1));
    let events =
        [created(jan(12, 9, 0), p3()), event(jan(12, 10, 0), ClockEvent::Retargeted { targets: broken })];
    let err = SlaClock::derive(&events, jan(12, 12, 0)).unwrap_err();
    assert_eq!(
        err,
        ClockError::NegativeTarget { label: "P1".into(), clock: "resolution", target: -hours(1) }
    );
    assert_eq!(
        err.to_string(),
        "the P1 resolution target is negative (-PT3600S): a target must be zero or more"
    );
}

#[test]
fn a_calendar_that_cannot_place_the_due_time_is_reported() {
    let every_day_for_eleven_years = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap().iter_days().take(11 * 366);
    let lost = BusinessCalendar::office_hours(London).with_holidays(every_day_for_eleven_years);
    let err =
        SlaClock::derive(&[created(jan(12, 9, 0), targets("P3", lost, hours(4), hours(16)))], jan(12, 9, 0))
            .unwrap_err();
    assert!(matches!(err, ClockError::Calendar(CalendarError::BeyondHorizon { .. })));
    assert!(err.to_string().starts_with("a due time cannot be placed on the SLA calendar: "));
}

#[test]
fn durations_are_written_in_hours_and_minutes() {
    assert_eq!(format_duration(hours(4)), "4 h");
    assert_eq!(format_duration(hours(16)), "16 h");
    assert_eq!(format_duration(minutes(90)), "1 h 30 min");
    assert_eq!(format_duration(minutes(45)), "45 min");
    assert_eq!(format_duration(TimeDelta::seconds(45)), "45 s");
    assert_eq!(format_duration(TimeDelta::zero()), "0 min");
    assert_eq!(format_duration(TimeDelta::milliseconds(500)), "0 min");
    assert_eq!(format_duration(-minutes(30)), "-30 min");
}
