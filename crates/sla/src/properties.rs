//! Properties over random calendars, checked against a deliberately naive model.
//!
//! Interval boundaries are drawn on quarter hours, and every zone here changes its clocks on a
//! quarter hour of UTC, so all working time starts and stops on quarter hours of real time. That
//! lets the naive model map wall-clock times to instants by scanning quarter hours, independently
//! of `wall_clock::instant`.

use std::collections::BTreeSet;

use chrono::{
    DateTime, Datelike, Days, DurationRound, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeDelta,
    TimeZone, Utc,
};
use chrono_tz::{America, Asia, Australia, Europe, Tz};
use proptest::prelude::*;

use crate::hours::WEEKDAYS;
use crate::{BusinessCalendar, WorkingHours};

/// Zones with spring and autumn changes both ways round the world, half-hour changes (Lord
/// Howe), changes at midnight (Havana, Santiago) and none at all.
const ZONES: [Tz; 7] = [
    Europe::London,
    America::New_York,
    Australia::Lord_Howe,
    America::Havana,
    America::Santiago,
    Asia::Kolkata,
    Tz::UTC,
];

const QUARTER: TimeDelta = TimeDelta::minutes(15);
const QUARTERS_A_DAY: u32 = 96;
const QUARTERS_A_WEEK: u32 = 7 * QUARTERS_A_DAY;

#[derive(Debug)]
struct Case {
    calendar: BusinessCalendar,
    holidays: BTreeSet<NaiveDate>,
    start: DateTime<Utc>,
    /// Working time in an ordinary week, to keep durations in proportion.
    weekly: TimeDelta,
}

/// The hours starting `start` quarters into the week (Monday 00:00) and lasting `length`.
fn hours_at(start: u32, length: u32) -> WorkingHours {
    let day = WEEKDAYS[(start / QUARTERS_A_DAY) as usize];
    let time = |quarter: u32| NaiveTime::MIN + QUARTER * quarter as i32;
    let (opens, closes) = (start % QUARTERS_A_DAY, start % QUARTERS_A_DAY + length);
    if closes <= QUARTERS_A_DAY {
        WorkingHours::new(day, time(opens), time(closes))
    } else {
        WorkingHours::overnight(day, time(opens), time(closes - QUARTERS_A_DAY))
    }
}

/// A valid week by construction: sorted distinct points paired into disjoint intervals, capped
/// at a day, then turned round the week by whole days so some run over Sunday midnight.
fn schedule() -> impl Strategy<Value = (Vec<WorkingHours>, u32)> {
    // Clocks change between 00:00 and 03:00, so boundaries there are drawn more often.
    let small_hours = (0..7u32, 0..16u32).prop_map(|(day, quarter)| day * QUARTERS_A_DAY + quarter);
    let point = prop_oneof![0..QUARTERS_A_WEEK, small_hours];
    (prop::collection::btree_set(point, 2..=14), 0..7u32).prop_map(|(points, days)| {
        let points: Vec<u32> = points.into_iter().collect();
        let turn = |quarter: u32| (quarter + days * QUARTERS_A_DAY) % QUARTERS_A_WEEK;
        let intervals: Vec<(u32, u32)> = points
            .chunks_exact(2)
            .map(|pair| (turn(pair[0]), (pair[1] - pair[0]).min(QUARTERS_A_DAY)))
            .collect();
        let quarters = intervals.iter().map(|&(_, length)| length).sum();
        (intervals.into_iter().map(|(start, length)| hours_at(start, length)).collect(), quarters)
    })
}

fn instant_strategy() -> impl Strategy<Value = DateTime<Utc>> {
    let base = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
    let quarters = 0..(4 * 366 * 96i64);
    // Half the time on a quarter hour, where openings, closings and clock changes are.
    (quarters, prop_oneof![Just(0i64), 0..900i64])
        .prop_map(move |(q, seconds)| base + QUARTER * q as i32 + TimeDelta::seconds(seconds))
}

/// The first UTC midnight within a year after `t` with another UTC offset than the day before.
fn next_clock_change(tz: Tz, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let offset = |t: DateTime<Utc>| t.with_timezone(&tz).offset().fix();
    let midnight = t.duration_trunc(TimeDelta::days(1)).unwrap();
    (1..=366)
        .map(|n| midnight + TimeDelta::days(n))
        .find(|&day| offset(day) != offset(day - TimeDelta::days(1)))
}

fn case() -> impl Strategy<Value = Case> {
    let zone = prop::sample::select(ZONES.to_vec());
    let holidays = prop::collection::vec(0..120u64, 0..20);
    // Most starts fall in the week before a clock change, where the edge cases are.
    let lead = prop::option::weighted(0.75, 0..(7 * 96i32));
    (schedule(), zone, instant_strategy(), lead, holidays).prop_map(
        |((hours, quarters), tz, t, lead, offsets)| {
            let start = match (lead, next_clock_change(tz, t)) {
                (Some(lead), Some(change)) => {
                    change - QUARTER * lead + (t - t.duration_trunc(QUARTER).unwrap())
                }
                _ => t,
            };
            let before_start = start.with_timezone(&tz).date_naive() - Days::new(1);
            let holidays: BTreeSet<_> =
                offsets.into_iter().map(|days| before_start + Days::new(days)).collect();
            let calendar = BusinessCalendar::new(tz, hours, holidays.clone()).unwrap();
            Case { calendar, holidays, start, weekly: QUARTER * quarters as i32 }
        },
    )
}

/// Up to eight ordinary weeks of working time, often zero.
fn duration(weekly: TimeDelta, thousandths: u32) -> TimeDelta {
    TimeDelta::seconds(weekly.num_seconds() * i64::from(thousandths) / 1000)
}

fn thousandths() -> impl Strategy<Value = u32> {
    prop_oneof![1 => Just(0u32), 9 => 0..8000u32]
}

/// The naive model: the first quarter hour at which the wall clock reads `local` or later.
fn naive_instant(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    let guess = local.and_utc();
    (-60..=60).map(|q| guess + QUARTER * q).find(|t| t.with_timezone(&tz).naive_local() >= local).unwrap()
}

/// The naive model: `t` is working time if a shift of the day before, the day or the day after
/// (whatever its date) covers it.
fn naive_is_open(case: &Case, t: DateTime<Utc>) -> bool {
    let tz = case.calendar.time_zone();
    let today = t.with_timezone(&tz).date_naive();
    [today - Days::new(1), today, today + Days::new(1)].into_iter().any(|date| {
        !case.holidays.contains(&date)
            && case.calendar.working_hours().iter().filter(|h| h.day() == date.weekday()).any(|h| {
                let opens = date.and_time(h.start());
                let closes = if h.is_overnight() || h.end() == NaiveTime::MIN {
                    (date + Days::new(1)).and_time(h.end())
                } else {
                    date.and_time(h.end())
                };
                naive_instant(tz, opens) <= t && t < naive_instant(tz, closes)
            })
    })
}

proptest! {
    #[test]
    fn adding_then_measuring_gives_back_the_duration(case in case(), k in thousandths()) {
        let d = duration(case.weekly, k);
        let deadline = case.calendar.add(case.start, d).unwrap();
        prop_assert!(deadline >= case.start);
        prop_assert_eq!(case.calendar.business_time_between(case.start, deadline), d);
    }

    #[test]
    fn a_longer_duration_never_ends_sooner(case in case(), a in thousandths(), b in thousandths()) {
        let (shorter, longer) = (duration(case.weekly, a.min(b)), duration(case.weekly, a.max(b)));
        let (first, second) = (case.calendar.add(case.start, shorter).unwrap(), case.calendar.add(case.start, longer).unwrap());
        if shorter < longer {
            prop_assert!(first < second);
        } else {
            prop_assert_eq!(first, second);
        }
    }

    #[test]
    fn business_time_adds_up_over_consecutive_stretches(
        case in case(),
        first in 0..(40 * 86_400i64),
        second in 0..(40 * 86_400i64),
    ) {
        let a = case.start;
        let b = a + TimeDelta::seconds(first);
        let c = b + TimeDelta::seconds(second);
        let calendar = &case.calendar;
        let whole = calendar.business_time_between(a, c);
        prop_assert_eq!(calendar.business_time_between(a, b) + calendar.business_time_between(b, c), whole);
        prop_assert!(whole <= c - a);
        prop_assert_eq!(calendar.business_time_between(c, a), TimeDelta::zero());
    }

    #[test]
    fn deadlines_fall_in_working_hours_never_on_holidays(case in case(), k in thousandths()) {
        let d = duration(case.weekly, k);
        let deadline = case.calendar.add(case.start, d).unwrap();
        let just_before = deadline - TimeDelta::nanoseconds(1);
        if d.is_zero() {
            // The opening instant itself, with nothing open between the start and it.
            prop_assert!(naive_is_open(&case, deadline));
            prop_assert!(deadline == case.start || !naive_is_open(&case, just_before));
        } else {
            // Working time runs up to the deadline, which may be a closing time.
            prop_assert!(naive_is_open(&case, just_before));
        }
    }

    #[test]
    fn openness_matches_the_naive_model(case in case(), offsets in prop::collection::vec(0..(4 * 96i32), 24)) {
        for t in offsets.into_iter().map(|q| case.start + QUARTER * q) {
            prop_assert_eq!(case.calendar.is_open(t), naive_is_open(&case, t), "at {}", t);
        }
    }

    #[test]
    fn business_time_counts_the_open_quarter_hours(case in case(), quarters in 0..(3 * 96i32)) {
        // Quarter hours of real time are either wholly working time or not at all.
        let from = case.start.duration_trunc(QUARTER).unwrap();
        let to = from + QUARTER * quarters;
        let open = (0..quarters).filter(|&q| naive_is_open(&case, from + QUARTER * q)).count();
        prop_assert_eq!(case.calendar.business_time_between(from, to), QUARTER * open as i32);
    }

    #[test]
    fn whole_days_walked_one_by_one_are_real_time(
        tz in prop::sample::select(ZONES.to_vec()),
        start in instant_strategy(),
        seconds in 0..(400 * 86_400i64),
    ) {
        let whole_days = WEEKDAYS.map(|day| WorkingHours::new(day, NaiveTime::MIN, NaiveTime::MIN));
        // A holiday long ago keeps the calendar off the 24×7 shortcut.
        let long_ago = NaiveDate::from_ymd_opt(1900, 1, 1);
        let calendar = BusinessCalendar::new(tz, whole_days, long_ago).unwrap();
        let d = TimeDelta::seconds(seconds);
        prop_assert_eq!(calendar.add(start, d), Ok(start + d));
        prop_assert_eq!(calendar.business_time_between(start, start + d), d);
        prop_assert_eq!(BusinessCalendar::always(tz).add(start, d), Ok(start + d));
    }
}
