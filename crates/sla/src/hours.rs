use std::fmt;

use chrono::{NaiveTime, TimeDelta, Timelike, Weekday};

use crate::CalendarError;

/// One recurring stretch of working time in a weekly schedule, in local wall-clock time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct WorkingHours {
    day: Weekday,
    start: NaiveTime,
    end: NaiveTime,
    overnight: bool,
}

impl WorkingHours {
    /// Hours within one day, e.g. Monday 09:00–17:00.
    ///
    /// An `end` of 00:00 means the midnight that closes the day, so 18:00–00:00 is the evening and
    /// 00:00–00:00 the whole day. Hours that run past midnight are [`WorkingHours::overnight`]:
    /// keeping the two apart lets a typo such as 17:00–09:00 be refused instead of silently
    /// becoming a night shift.
    pub const fn new(day: Weekday, start: NaiveTime, end: NaiveTime) -> Self {
        Self { day, start, end, overnight: false }
    }

    /// Hours that start on `day` and end on the following day, e.g. Friday 22:00–06:00 runs until
    /// Saturday 06:00. The whole stretch belongs to `day`: a holiday on `day` cancels it, a
    /// holiday on the following day does not.
    pub const fn overnight(day: Weekday, start: NaiveTime, end: NaiveTime) -> Self {
        Self { day, start, end, overnight: true }
    }

    pub const fn day(&self) -> Weekday {
        self.day
    }

    pub const fn start(&self) -> NaiveTime {
        self.start
    }

    pub const fn end(&self) -> NaiveTime {
        self.end
    }

    pub const fn is_overnight(&self) -> bool {
        self.overnight
    }

    /// Wall-clock length; real length differs on days the clocks change.
    fn length(&self) -> Result<TimeDelta, CalendarError> {
        let day = TimeDelta::hours(24);
        let span = self.end - self.start;
        // An end of 00:00 on a same-day interval is the midnight that closes the day.
        let length = if self.overnight || self.end == NaiveTime::MIN { day + span } else { span };
        if length > day {
            Err(CalendarError::IntervalTooLong { hours: *self })
        } else if length < TimeDelta::zero() {
            Err(CalendarError::ReversedInterval { hours: *self })
        } else if length.is_zero() {
            Err(CalendarError::EmptyInterval { hours: *self })
        } else {
            Ok(length)
        }
    }
}

impl fmt::Display for WorkingHours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let day = match self.day {
            Weekday::Mon => "Monday",
            Weekday::Tue => "Tuesday",
            Weekday::Wed => "Wednesday",
            Weekday::Thu => "Thursday",
            Weekday::Fri => "Friday",
            Weekday::Sat => "Saturday",
            Weekday::Sun => "Sunday",
        };
        write!(f, "{day} {}–{}", ClockTime(self.start), ClockTime(self.end))?;
        if self.overnight {
            f.write_str(" (overnight)")?;
        }
        Ok(())
    }
}

/// 09:00 rather than chrono's 09:00:00, unless the seconds matter.
struct ClockTime(NaiveTime);

impl fmt::Display for ClockTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.second() == 0 && self.0.nanosecond() == 0 {
            write!(f, "{}", self.0.format("%H:%M"))
        } else {
            write!(f, "{}", self.0)
        }
    }
}

/// A working stretch ready for the maths: when it opens on its day, and for how long.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Shift {
    pub(crate) start: NaiveTime,
    pub(crate) length: TimeDelta,
}

/// Shifts by weekday (Monday first), each day's in opening order.
pub(crate) type Week = [Vec<Shift>; 7];

/// Checks a weekly schedule and arranges it by weekday.
pub(crate) fn week(hours: &[WorkingHours]) -> Result<Week, CalendarError> {
    // Overlaps are checked on the week as a circle, Monday 00:00 = 0, so that a Sunday night
    // shift is compared with Monday morning.
    let mut placed = Vec::with_capacity(hours.len());
    for h in hours {
        let length = h.length()?;
        let offset = TimeDelta::days(i64::from(h.day.num_days_from_monday())) + (h.start - NaiveTime::MIN);
        placed.push((offset, length, *h));
    }
    placed.sort_by_key(|&(offset, _, _)| offset);
    let Some(&(first_offset, _, first_hours)) = placed.first() else {
        return Err(CalendarError::NoWorkingHours);
    };
    let next_week = (first_offset + TimeDelta::days(7), first_hours);
    for (i, &(offset, length, hours)) in placed.iter().enumerate() {
        let (next_offset, next_hours) = placed.get(i + 1).map_or(next_week, |&(o, _, h)| (o, h));
        if offset + length > next_offset {
            return Err(CalendarError::OverlappingIntervals { first: hours, second: next_hours });
        }
    }
    let mut week: Week = Default::default();
    for (_, length, h) in placed {
        week[h.day.num_days_from_monday() as usize].push(Shift { start: h.start, length });
    }
    Ok(week)
}

pub(crate) const WEEKDAYS: [Weekday; 7] =
    [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat, Weekday::Sun];

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn lengths(hours: &[WorkingHours]) -> Vec<Vec<TimeDelta>> {
        week(hours).unwrap().iter().map(|day| day.iter().map(|s| s.length).collect()).collect()
    }

    #[test]
    fn lengths_follow_the_wall_clock() {
        let hours = [
            WorkingHours::new(Weekday::Mon, at(9, 0), at(17, 30)),
            WorkingHours::new(Weekday::Tue, at(18, 0), at(0, 0)),
            WorkingHours::new(Weekday::Wed, at(0, 0), at(0, 0)),
            WorkingHours::overnight(Weekday::Fri, at(22, 0), at(6, 0)),
            WorkingHours::overnight(Weekday::Sun, at(6, 0), at(6, 0)),
        ];
        let h = TimeDelta::hours;
        assert_eq!(
            lengths(&hours),
            vec![
                vec![h(8) + TimeDelta::minutes(30)],
                vec![h(6)],
                vec![h(24)],
                vec![],
                vec![h(8)],
                vec![],
                vec![h(24)]
            ]
        );
    }

    #[test]
    fn touching_intervals_are_not_overlapping() {
        let hours = [
            WorkingHours::new(Weekday::Mon, at(8, 0), at(12, 0)),
            WorkingHours::new(Weekday::Mon, at(12, 0), at(17, 0)),
            WorkingHours::overnight(Weekday::Sun, at(22, 0), at(8, 0)),
        ];
        assert!(week(&hours).is_ok());
    }

    #[test]
    fn an_empty_schedule_is_refused() {
        assert_eq!(week(&[]), Err(CalendarError::NoWorkingHours));
        assert_eq!(
            CalendarError::NoWorkingHours.to_string(),
            "the calendar has no working hours: add at least one working interval"
        );
    }

    #[test]
    fn an_empty_interval_is_refused() {
        let hours = WorkingHours::new(Weekday::Tue, at(9, 0), at(9, 0));
        let err = week(&[hours]).unwrap_err();
        assert_eq!(err, CalendarError::EmptyInterval { hours });
        assert_eq!(err.to_string(), "Tuesday 09:00–09:00 is empty: it ends when it starts");
    }

    #[test]
    fn a_reversed_interval_is_refused_unless_overnight() {
        let hours = WorkingHours::new(Weekday::Fri, at(22, 0), at(6, 0));
        let err = week(&[hours]).unwrap_err();
        assert_eq!(err, CalendarError::ReversedInterval { hours });
        assert_eq!(
            err.to_string(),
            "Friday 22:00–06:00 ends before it starts: make it an overnight interval if it runs past midnight"
        );
        assert!(week(&[WorkingHours::overnight(Weekday::Fri, at(22, 0), at(6, 0))]).is_ok());
    }

    #[test]
    fn an_interval_longer_than_a_day_is_refused() {
        let hours = WorkingHours::overnight(Weekday::Sat, at(8, 0), at(8, 30));
        let err = week(&[hours]).unwrap_err();
        assert_eq!(err, CalendarError::IntervalTooLong { hours });
        assert_eq!(
            err.to_string(),
            "Saturday 08:00–08:30 (overnight) lasts more than 24 hours: split it into one interval per day"
        );
        assert!(week(&[WorkingHours::overnight(Weekday::Sat, at(8, 0), at(8, 0))]).is_ok());
    }

    #[test]
    fn overlapping_intervals_are_refused() {
        let morning = WorkingHours::new(Weekday::Wed, at(8, 0), at(12, 30));
        let afternoon = WorkingHours::new(Weekday::Wed, at(12, 0), at(17, 0));
        let err = week(&[afternoon, morning]).unwrap_err();
        assert_eq!(err, CalendarError::OverlappingIntervals { first: morning, second: afternoon });
        assert_eq!(
            err.to_string(),
            "Wednesday 08:00–12:30 overlaps Wednesday 12:00–17:00: merge them or shorten one"
        );
        assert!(week(&[morning, morning]).is_err());
    }

    #[test]
    fn night_shifts_overlapping_the_next_morning_are_refused() {
        let friday_night = WorkingHours::overnight(Weekday::Fri, at(22, 0), at(6, 0));
        let saturday = WorkingHours::new(Weekday::Sat, at(5, 0), at(9, 0));
        assert!(week(&[friday_night, saturday]).is_err());
        // Across the end of the week, Sunday night into Monday morning.
        let sunday_night = WorkingHours::overnight(Weekday::Sun, at(22, 0), at(9, 30));
        let monday = WorkingHours::new(Weekday::Mon, at(9, 0), at(17, 0));
        assert_eq!(
            week(&[monday, sunday_night]),
            Err(CalendarError::OverlappingIntervals { first: sunday_night, second: monday })
        );
    }
}
