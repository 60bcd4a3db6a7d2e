use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, TimeDelta, Utc};
use chrono_tz::Tz;

use crate::hours::{self, Shift, Week};
use crate::wall_clock::instant;
use crate::{CalendarError, WorkingHours};

/// How far ahead `add` and `next_open` look for working time before giving up.
pub const HORIZON_YEARS: u32 = 10;

/// Ten years of days, leap days included.
const HORIZON_DAYS: u64 = 3653;

/// When work happens for one service: weekly working hours in a time zone, minus holidays.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BusinessCalendar {
    tz: Tz,
    hours: Vec<WorkingHours>,
    week: Week,
    holidays: BTreeSet<NaiveDate>,
    /// Every instant is working time, so sums are plain subtraction (see `refresh_continuous`).
    continuous: bool,
}

/// Working time in real instants, half-open and never empty.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Span {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
}

impl BusinessCalendar {
    /// A calendar of `weekly` working hours in `tz`, with no work on the local dates in
    /// `holidays`. Refuses a schedule with no hours, an empty, reversed or over-long interval, or
    /// two intervals that overlap (overnight ones included).
    pub fn new(
        tz: Tz,
        weekly: impl IntoIterator<Item = WorkingHours>,
        holidays: impl IntoIterator<Item = NaiveDate>,
    ) -> Result<Self, CalendarError> {
        let hours: Vec<_> = weekly.into_iter().collect();
        let week = hours::week(&hours)?;
        Ok(Self::assemble(tz, hours, week, holidays.into_iter().collect()))
    }

    /// Round the clock, every day (24×7): business time is real elapsed time, DST changes
    /// included.
    pub fn always(tz: Tz) -> Self {
        let whole_day = || vec![Shift { start: NaiveTime::MIN, length: TimeDelta::hours(24) }];
        let hours = hours::WEEKDAYS.map(|day| WorkingHours::new(day, NaiveTime::MIN, NaiveTime::MIN));
        Self::assemble(tz, hours.to_vec(), hours::WEEKDAYS.map(|_| whole_day()), BTreeSet::new())
    }

    /// Monday to Friday, 09:00–17:00 local time, no holidays.
    pub fn office_hours(tz: Tz) -> Self {
        let (nine, length) = (NaiveTime::MIN + TimeDelta::hours(9), TimeDelta::hours(8));
        let hours =
            hours::WEEKDAYS[..5].iter().map(|&day| WorkingHours::new(day, nine, nine + length)).collect();
        let week = hours::WEEKDAYS.map(|day| {
            if day.num_days_from_monday() < 5 { vec![Shift { start: nine, length }] } else { vec![] }
        });
        Self::assemble(tz, hours, week, BTreeSet::new())
    }

    /// The same calendar with more holidays.
    pub fn with_holidays(mut self, holidays: impl IntoIterator<Item = NaiveDate>) -> Self {
        self.holidays.extend(holidays);
        self.refresh_continuous();
        self
    }

    fn assemble(tz: Tz, hours: Vec<WorkingHours>, week: Week, holidays: BTreeSet<NaiveDate>) -> Self {
        let mut calendar = Self { tz, hours, week, holidays, continuous: false };
        calendar.refresh_continuous();
        calendar
    }

    /// Whole days with no holidays join up into one unbroken stretch whatever the clocks do
    /// (each day ends at the very instant the next begins), so such a calendar can skip walking.
    fn refresh_continuous(&mut self) {
        let whole_day = Shift { start: NaiveTime::MIN, length: TimeDelta::hours(24) };
        self.continuous =
            self.holidays.is_empty() && self.week.iter().all(|day| day.as_slice() == [whole_day]);
    }

    pub fn time_zone(&self) -> Tz {
        self.tz
    }

    pub fn working_hours(&self) -> &[WorkingHours] {
        &self.hours
    }

    pub fn holidays(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.holidays.iter().copied()
    }

    /// The instant at which `duration` of business time has elapsed after `start`.
    ///
    /// Outside working hours the clock waits for the next opening. A deadline that falls exactly
    /// at a closing time is that closing time (Friday 16:00 + 1 h = Friday 17:00), not the next
    /// opening. A zero duration gives the first business instant at or after `start`: `start`
    /// itself during working hours, else the next opening, so a clock started out of hours reads
    /// as started at the opening.
    pub fn add(&self, start: DateTime<Utc>, duration: TimeDelta) -> Result<DateTime<Utc>, CalendarError> {
        if duration < TimeDelta::zero() {
            return Err(CalendarError::NegativeDuration { duration });
        }
        let beyond = || CalendarError::BeyondHorizon { start };
        if self.continuous {
            // The same horizon as walking, so 24×7 does not answer differently from its
            // hand-built equivalent.
            if duration > TimeDelta::days(HORIZON_DAYS as i64) {
                return Err(beyond());
            }
            return start.checked_add_signed(duration).ok_or_else(beyond);
        }
        let last = self.local_date(start).checked_add_days(Days::new(HORIZON_DAYS)).unwrap_or(NaiveDate::MAX);
        let mut remaining = duration;
        for span in self.spans(self.first_date(start), last) {
            if span.end <= start {
                continue;
            }
            let from = span.start.max(start);
            let available = span.end - from;
            if remaining <= available {
                return from.checked_add_signed(remaining).ok_or_else(beyond);
            }
            remaining -= available;
        }
        Err(beyond())
    }

    /// Business time elapsed between `from` and `to`; zero when `to` is not after `from`.
    ///
    /// The cost grows with the number of calendar days between the two, not with the result.
    pub fn business_time_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> TimeDelta {
        if to <= from {
            return TimeDelta::zero();
        }
        if self.continuous {
            return to - from;
        }
        // One day beyond `to`'s date: where midnight repeats, the next day's first shift can open
        // before `to`.
        let last = self.local_date(to).succ_opt().unwrap_or(NaiveDate::MAX);
        self.spans(self.first_date(from), last)
            .take_while(|span| span.start < to)
            .map(|span| span.end.min(to) - span.start.max(from))
            .filter(|overlap| *overlap > TimeDelta::zero())
            .sum()
    }

    /// Whether `t` is business time. Openings count as open, closings as closed.
    pub fn is_open(&self, t: DateTime<Utc>) -> bool {
        if self.continuous {
            return true;
        }
        let last = self.local_date(t).succ_opt().unwrap_or(NaiveDate::MAX);
        self.spans(self.first_date(t), last).take_while(|span| span.start <= t).any(|span| t < span.end)
    }

    /// The first business instant at or after `t` (`t` itself when open), or `None` when there
    /// is none within the search horizon.
    pub fn next_open(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.add(t, TimeDelta::zero()).ok()
    }

    /// The holidays that take working hours away between `from` and `to`: those whose local date
    /// overlaps the half-open stretch and falls on a weekday with working hours, in date order.
    ///
    /// A holiday on a day with no work (a Saturday in office hours) changes nothing, so it is left
    /// out. The cost grows with the number of holidays returned, not with the days crossed.
    pub fn holidays_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Vec<NaiveDate> {
        if to <= from {
            return Vec::new();
        }
        self.holidays
            .range(self.local_date(from)..=self.local_date(to))
            .copied()
            .filter(|date| !self.week[date.weekday().num_days_from_monday() as usize].is_empty())
            // `to` may be the very midnight that opens its date, which then does not overlap.
            .filter(|date| instant(self.tz, date.and_time(NaiveTime::MIN)).is_some_and(|start| start < to))
            .collect()
    }

    fn local_date(&self, t: DateTime<Utc>) -> NaiveDate {
        t.with_timezone(&self.tz).date_naive()
    }

    /// The earliest local date whose shifts can still be open at `t`: a shift lasts at most 24
    /// hours of wall clock, so only the previous day's can run into `t`'s.
    fn first_date(&self, t: DateTime<Utc>) -> NaiveDate {
        let date = self.local_date(t);
        date.pred_opt().unwrap_or(date)
    }

    /// The working time of the shifts that start on local dates `first..=last`, in order.
    ///
    /// Order and disjointness carry over from the validated week because the wall clock maps to
    /// instants without ever going backwards (see `wall_clock::instant`).
    fn spans(&self, first: NaiveDate, last: NaiveDate) -> impl Iterator<Item = Span> + '_ {
        first
            .iter_days()
            .take_while(move |date| *date <= last)
            .filter(|date| !self.holidays.contains(date))
            .flat_map(move |date| {
                self.week[date.weekday().num_days_from_monday() as usize].iter().filter_map(move |shift| {
                    let opens = date.and_time(shift.start);
                    let start = instant(self.tz, opens)?;
                    let end = instant(self.tz, opens.checked_add_signed(shift.length)?)?;
                    // A shift wholly inside a spring-forward gap never happens.
                    (end > start).then_some(Span { start, end })
                })
            })
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Weekday};
    use chrono_tz::America::New_York;
    use chrono_tz::Europe::London;

    use super::*;

    fn at(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// A local wall-clock time that happens exactly once.
    fn local(tz: Tz, y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        tz.with_ymd_and_hms(y, m, d, h, min, 0).single().unwrap().to_utc()
    }

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).single().unwrap()
    }

    fn hours(n: i64) -> TimeDelta {
        TimeDelta::hours(n)
    }

    fn every_day(start: NaiveTime, end: NaiveTime) -> Vec<WorkingHours> {
        hours::WEEKDAYS.iter().map(|&day| WorkingHours::new(day, start, end)).collect()
    }

    fn working_days(shifts: &[(NaiveTime, NaiveTime)]) -> Vec<WorkingHours> {
        hours::WEEKDAYS[..5]
            .iter()
            .flat_map(|&day| shifts.iter().map(move |&(start, end)| WorkingHours::new(day, start, end)))
            .collect()
    }

    #[test]
    fn the_convenience_calendars_equal_their_schedules_built_by_hand() {
        let office = BusinessCalendar::new(London, working_days(&[(at(9, 0), at(17, 0))]), []);
        assert_eq!(office, Ok(BusinessCalendar::office_hours(London)));
        let always = BusinessCalendar::new(New_York, every_day(at(0, 0), at(0, 0)), []);
        assert_eq!(always, Ok(BusinessCalendar::always(New_York)));
    }

    #[test]
    fn new_refuses_a_schedule_it_cannot_work_with() {
        // Each refusal is tested in `hours`; this checks they reach the caller.
        assert_eq!(
            BusinessCalendar::new(London, [], [date(2026, 12, 25)]),
            Err(CalendarError::NoWorkingHours)
        );
        let reversed = WorkingHours::new(Weekday::Fri, at(22, 0), at(6, 0));
        assert_eq!(
            BusinessCalendar::new(London, [reversed], []),
            Err(CalendarError::ReversedInterval { hours: reversed })
        );
    }

    #[test]
    fn friday_afternoon_plus_two_hours_is_monday_mid_morning() {
        let calendar = BusinessCalendar::office_hours(London);
        let friday = local(London, 2026, 1, 9, 16, 0);
        assert_eq!(calendar.add(friday, hours(2)), Ok(local(London, 2026, 1, 12, 10, 0)));
        assert_eq!(calendar.business_time_between(friday, local(London, 2026, 1, 12, 10, 0)), hours(2));
    }

    #[test]
    fn a_deadline_at_closing_time_stays_on_that_day() {
        let calendar = BusinessCalendar::office_hours(London);
        let friday = local(London, 2026, 1, 9, 16, 0);
        assert_eq!(calendar.add(friday, hours(1)), Ok(local(London, 2026, 1, 9, 17, 0)));
    }

    #[test]
    fn a_clock_started_out_of_hours_runs_from_the_next_opening() {
        let calendar = BusinessCalendar::office_hours(London);
        let saturday = local(London, 2026, 1, 10, 11, 0);
        assert_eq!(calendar.add(saturday, hours(3)), Ok(local(London, 2026, 1, 12, 12, 0)));
        let friday_evening = local(London, 2026, 1, 9, 18, 0);
        assert_eq!(
            calendar.add(friday_evening, TimeDelta::minutes(30)),
            Ok(local(London, 2026, 1, 12, 9, 30))
        );
        let monday_early = local(London, 2026, 1, 12, 7, 0);
        assert_eq!(calendar.add(monday_early, hours(1)), Ok(local(London, 2026, 1, 12, 10, 0)));
        assert_eq!(
            calendar.business_time_between(saturday, local(London, 2026, 1, 12, 9, 0)),
            TimeDelta::zero()
        );
    }

    #[test]
    fn a_zero_duration_gives_the_next_business_instant() {
        let calendar = BusinessCalendar::office_hours(London);
        let monday_morning = local(London, 2026, 1, 12, 9, 0);
        let tuesday_noon = local(London, 2026, 1, 13, 12, 0);
        assert_eq!(calendar.add(tuesday_noon, TimeDelta::zero()), Ok(tuesday_noon));
        let saturday = local(London, 2026, 1, 10, 11, 0);
        assert_eq!(calendar.add(saturday, TimeDelta::zero()), Ok(monday_morning));
        let friday_closing = local(London, 2026, 1, 9, 17, 0);
        assert_eq!(calendar.add(friday_closing, TimeDelta::zero()), Ok(monday_morning));
        assert_eq!(calendar.next_open(friday_closing), Some(monday_morning));
        assert!(calendar.is_open(monday_morning));
        assert!(!calendar.is_open(friday_closing));
        assert!(calendar.is_open(friday_closing - TimeDelta::nanoseconds(1)));
    }

    #[test]
    fn holidays_are_skipped() {
        // Christmas Day on a Friday, Boxing Day observed on the Monday after.
        let calendar =
            BusinessCalendar::office_hours(London).with_holidays([date(2026, 12, 25), date(2026, 12, 28)]);
        let christmas_eve = local(London, 2026, 12, 24, 16, 0);
        assert_eq!(calendar.add(christmas_eve, hours(2)), Ok(local(London, 2026, 12, 29, 10, 0)));
        let week = calendar
            .business_time_between(local(London, 2026, 12, 24, 9, 0), local(London, 2026, 12, 29, 17, 0));
        assert_eq!(week, hours(16));
        assert!(!calendar.is_open(local(London, 2026, 12, 25, 12, 0)));
    }

    #[test]
    fn holidays_between_lists_the_working_days_lost() {
        // Christmas on a Friday, Boxing Day on the Saturday (no work anyway), observed on Monday.
        let calendar = BusinessCalendar::office_hours(London).with_holidays([
            date(2026, 12, 25),
            date(2026, 12, 26),
            date(2026, 12, 28),
            date(2027, 1, 1),
        ]);
        let christmas_eve = local(London, 2026, 12, 24, 16, 0);
        let new_year = local(London, 2027, 1, 1, 0, 0);
        assert_eq!(
            calendar.holidays_between(christmas_eve, new_year),
            [date(2026, 12, 25), date(2026, 12, 28)],
            "New Year's Day starts exactly at the end, so it is not included"
        );
        assert_eq!(
            calendar.holidays_between(christmas_eve, new_year + TimeDelta::minutes(1)),
            [date(2026, 12, 25), date(2026, 12, 28), date(2027, 1, 1)]
        );
        // A stretch starting late on the holiday still overlaps it.
        let christmas_night = local(London, 2026, 12, 25, 23, 0);
        assert_eq!(
            calendar.holidays_between(christmas_night, new_year),
            [date(2026, 12, 25), date(2026, 12, 28)]
        );
        assert_eq!(calendar.holidays_between(new_year, christmas_eve), []);
    }

    #[test]
    fn a_lunch_break_splits_the_day() {
        let calendar =
            BusinessCalendar::new(London, working_days(&[(at(8, 0), at(12, 0)), (at(13, 0), at(17, 0))]), [])
                .unwrap();
        let monday = |h, m| local(London, 2026, 1, 12, h, m);
        assert_eq!(calendar.add(monday(11, 0), hours(2)), Ok(monday(14, 0)));
        assert_eq!(calendar.add(monday(12, 30), TimeDelta::zero()), Ok(monday(13, 0)));
        assert_eq!(calendar.add(monday(16, 0), hours(2)), Ok(local(London, 2026, 1, 13, 9, 0)));
        assert_eq!(calendar.business_time_between(monday(7, 0), monday(18, 0)), hours(8));
        assert_eq!(calendar.business_time_between(monday(11, 30), monday(13, 30)), hours(1));
        assert!(!calendar.is_open(monday(12, 15)));
    }

    #[test]
    fn overnight_shifts_run_into_the_next_day() {
        let nights: Vec<_> = hours::WEEKDAYS[..5]
            .iter()
            .map(|&day| WorkingHours::overnight(day, at(22, 0), at(6, 0)))
            .collect();
        let calendar = BusinessCalendar::new(London, nights, []).unwrap();
        // Saturday 05:00 is still Friday night's shift: one hour left, then Monday night.
        let saturday = local(London, 2026, 1, 10, 5, 0);
        assert!(calendar.is_open(saturday));
        assert_eq!(calendar.add(saturday, hours(2)), Ok(local(London, 2026, 1, 12, 23, 0)));
        let friday_to_saturday = calendar
            .business_time_between(local(London, 2026, 1, 9, 12, 0), local(London, 2026, 1, 10, 12, 0));
        assert_eq!(friday_to_saturday, hours(8));
    }

    #[test]
    fn an_overnight_shift_belongs_to_the_date_it_starts_on() {
        let nights: Vec<_> = hours::WEEKDAYS[..5]
            .iter()
            .map(|&day| WorkingHours::overnight(day, at(22, 0), at(6, 0)))
            .collect();
        let calendar = BusinessCalendar::new(London, nights, [date(2026, 1, 13)]).unwrap();
        let monday_noon = local(London, 2026, 1, 12, 12, 0);
        // Monday night runs into the Tuesday holiday in full; Tuesday night does not happen.
        let to_wednesday_noon = local(London, 2026, 1, 14, 12, 0);
        assert_eq!(calendar.business_time_between(monday_noon, to_wednesday_noon), hours(8));
        assert_eq!(
            calendar.next_open(local(London, 2026, 1, 13, 6, 0)),
            Some(local(London, 2026, 1, 14, 22, 0))
        );
    }

    #[test]
    fn always_is_real_time_across_dst_in_london() {
        let calendar = BusinessCalendar::always(London);
        // 24 real hours across the spring-forward night read 13:00 on the wall clock the next day.
        let saturday_noon = local(London, 2026, 3, 28, 12, 0);
        assert_eq!(calendar.add(saturday_noon, hours(24)), Ok(local(London, 2026, 3, 29, 13, 0)));
        let autumn = local(London, 2026, 10, 24, 12, 0);
        assert_eq!(calendar.add(autumn, hours(24)), Ok(local(London, 2026, 10, 25, 11, 0)));
        let midnights = |m, d| (local(London, 2026, m, d, 0, 0), local(London, 2026, m, d + 1, 0, 0));
        let (from, to) = midnights(3, 29);
        assert_eq!(calendar.business_time_between(from, to), hours(23));
        let (from, to) = midnights(10, 25);
        assert_eq!(calendar.business_time_between(from, to), hours(25));
    }

    #[test]
    fn always_is_real_time_across_dst_in_new_york() {
        let calendar = BusinessCalendar::always(New_York);
        let saturday_noon = local(New_York, 2026, 3, 7, 12, 0);
        assert_eq!(calendar.add(saturday_noon, hours(24)), Ok(local(New_York, 2026, 3, 8, 13, 0)));
        let autumn = local(New_York, 2026, 10, 31, 12, 0);
        assert_eq!(calendar.add(autumn, hours(24)), Ok(local(New_York, 2026, 11, 1, 11, 0)));
        let (from, to) = (local(New_York, 2026, 3, 8, 0, 0), local(New_York, 2026, 3, 9, 0, 0));
        assert_eq!(calendar.business_time_between(from, to), hours(23));
    }

    #[test]
    fn whole_days_walked_one_by_one_are_real_time_too() {
        // A holiday long ago keeps the calendar off the 24×7 shortcut, so this walks the days.
        for tz in [London, New_York] {
            let calendar =
                BusinessCalendar::new(tz, every_day(at(0, 0), at(0, 0)), [date(1900, 1, 1)]).unwrap();
            assert_ne!(calendar, BusinessCalendar::always(tz));
            for (from, to) in [
                (utc(2026, 3, 1, 0, 0), utc(2026, 4, 1, 0, 0)),
                (utc(2026, 10, 20, 0, 0), utc(2026, 11, 5, 7, 30)),
            ] {
                assert_eq!(calendar.business_time_between(from, to), to - from);
                assert_eq!(calendar.add(from, to - from), Ok(to));
            }
        }
    }

    #[test]
    fn an_interval_over_the_change_lasts_the_real_time() {
        let calendar =
            BusinessCalendar::new(London, [WorkingHours::new(Weekday::Sun, at(0, 0), at(4, 0))], []).unwrap();
        let sunday =
            |m, d| calendar.business_time_between(utc(2026, m, d - 1, 12, 0), utc(2026, m, d, 12, 0));
        assert_eq!(sunday(3, 22), hours(4));
        assert_eq!(sunday(3, 29), hours(3));
        assert_eq!(sunday(10, 25), hours(5));
        // Half an hour before the gap, then the clock resumes at 02:00 BST.
        assert_eq!(calendar.add(utc(2026, 3, 29, 0, 30), hours(1)), Ok(utc(2026, 3, 29, 1, 30)));
    }

    #[test]
    fn new_york_intervals_in_the_gap_and_in_the_repeated_hour() {
        let sunday = |start, end| {
            let calendar =
                BusinessCalendar::new(New_York, [WorkingHours::new(Weekday::Sun, start, end)], []).unwrap();
            move |m, d| calendar.business_time_between(utc(2026, m, d, 0, 0), utc(2026, m, d + 1, 0, 0))
        };
        let early = sunday(at(1, 0), at(3, 0));
        assert_eq!(early(3, 8), hours(1));
        assert_eq!(early(11, 1), hours(3));
        // Opening inside the gap opens when the gap ends, 03:00 EDT.
        let from_the_gap = sunday(at(2, 30), at(5, 0));
        assert_eq!(from_the_gap(3, 8), hours(2));
        // Opening in the repeated hour opens at its first occurrence.
        let from_the_repeat = sunday(at(1, 30), at(3, 0));
        assert_eq!(from_the_repeat(11, 1), hours(2) + TimeDelta::minutes(30));
    }

    #[test]
    fn office_hours_across_the_clock_changes() {
        let london = BusinessCalendar::office_hours(London);
        let friday = local(London, 2026, 3, 27, 16, 0);
        assert_eq!(london.add(friday, hours(2)), Ok(utc(2026, 3, 30, 9, 0)));
        // Monday 16:00 BST is 15:00 UTC.
        assert_eq!(london.business_time_between(friday, utc(2026, 3, 30, 15, 0)), hours(8));
        let friday = local(London, 2026, 10, 23, 16, 0);
        assert_eq!(london.add(friday, hours(2)), Ok(utc(2026, 10, 26, 10, 0)));

        let new_york = BusinessCalendar::office_hours(New_York);
        let friday = local(New_York, 2026, 3, 6, 16, 0);
        assert_eq!(new_york.add(friday, hours(2)), Ok(utc(2026, 3, 9, 14, 0)));
        let friday = local(New_York, 2026, 10, 30, 16, 0);
        assert_eq!(new_york.add(friday, hours(2)), Ok(utc(2026, 11, 2, 15, 0)));
    }

    #[test]
    fn nine_to_five_on_the_change_days_is_eight_real_hours() {
        // The changes happen at night, so a 09:00–17:00 day keeps its eight hours.
        let london = [((3, 28), (3, 29)), ((10, 24), (10, 25))];
        let new_york = [((3, 7), (3, 8)), ((10, 31), (11, 1))];
        for (tz, weekends) in [(London, london), (New_York, new_york)] {
            let calendar = BusinessCalendar::new(tz, every_day(at(9, 0), at(17, 0)), []).unwrap();
            for ((sat_m, sat_d), (m, d)) in weekends {
                let saturday_afternoon = local(tz, 2026, sat_m, sat_d, 16, 0);
                assert_eq!(calendar.add(saturday_afternoon, hours(2)), Ok(local(tz, 2026, m, d, 10, 0)));
                let sunday =
                    calendar.business_time_between(local(tz, 2026, m, d, 8, 0), local(tz, 2026, m, d, 18, 0));
                assert_eq!(sunday, hours(8), "{tz} 2026-{m}-{d}");
            }
        }
    }

    #[test]
    fn thirty_business_days_end_six_weeks_later() {
        let calendar = BusinessCalendar::office_hours(London);
        let monday = local(London, 2026, 1, 5, 9, 0);
        assert_eq!(calendar.add(monday, hours(30 * 8)), Ok(local(London, 2026, 2, 13, 17, 0)));
        // Five years of business time is walked interval by interval, not minute by minute.
        let five_years = hours(5 * 52 * 5 * 8);
        let deadline = calendar.add(monday, five_years).unwrap();
        assert_eq!(deadline, local(London, 2030, 12, 27, 17, 0));
        assert_eq!(calendar.business_time_between(monday, deadline), five_years);
    }

    #[test]
    fn a_calendar_lost_in_holidays_gives_up_at_the_horizon() {
        let start = date(2026, 1, 1);
        let every_day_for_eleven_years = start.iter_days().take(11 * 366);
        let calendar = BusinessCalendar::office_hours(London).with_holidays(every_day_for_eleven_years);
        let new_year = local(London, 2026, 1, 1, 9, 0);
        let err = calendar.add(new_year, hours(1)).unwrap_err();
        assert_eq!(err, CalendarError::BeyondHorizon { start: new_year });
        assert_eq!(
            err.to_string(),
            "the calendar has too little working time to reach that point within 10 years of \
             2026-01-01 09:00:00 UTC: check its holidays and the duration"
        );
        assert_eq!(calendar.next_open(new_year), None);
        assert_eq!(
            calendar.business_time_between(new_year, local(London, 2036, 1, 1, 9, 0)),
            TimeDelta::zero()
        );
    }

    #[test]
    fn a_duration_out_of_proportion_gives_up_at_the_horizon() {
        let one_minute_a_week = [WorkingHours::new(Weekday::Mon, at(9, 0), at(9, 1))];
        let calendar = BusinessCalendar::new(London, one_minute_a_week, []).unwrap();
        let start = utc(2026, 1, 1, 0, 0);
        assert!(calendar.add(start, TimeDelta::minutes(500)).is_ok());
        assert_eq!(calendar.add(start, TimeDelta::minutes(600)), Err(CalendarError::BeyondHorizon { start }));
        let always = BusinessCalendar::always(London);
        assert_eq!(always.add(start, TimeDelta::days(3660)), Err(CalendarError::BeyondHorizon { start }));
    }

    #[test]
    fn negative_durations_are_refused() {
        let calendar = BusinessCalendar::office_hours(London);
        let err = calendar.add(utc(2026, 1, 5, 9, 0), hours(-1)).unwrap_err();
        assert_eq!(err, CalendarError::NegativeDuration { duration: hours(-1) });
        assert!(err.to_string().starts_with("a business-time duration cannot be negative"));
        assert_eq!(
            calendar.business_time_between(utc(2026, 1, 5, 12, 0), utc(2026, 1, 5, 10, 0)),
            TimeDelta::zero()
        );
    }
}
