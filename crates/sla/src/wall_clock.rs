use chrono::{DateTime, LocalResult, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

/// The real instant a local wall-clock time stands for in `tz`: the first instant at which the
/// wall clock reads `local` or later.
///
/// For an ordinary time that is the time itself. A time repeated by a fall-back change is read
/// at its earlier occurrence, and a time skipped by a spring-forward change at the first instant
/// after the gap. Reading every time this way never runs backwards (a later wall-clock time never
/// maps to an earlier instant), which is what keeps working intervals ordered and disjoint in real
/// time, and an interval that starts or ends inside a gap simply loses the skipped part.
///
/// `None` only at the edges of chrono's representable range.
pub(crate) fn instant(tz: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => Some(t.to_utc()),
        LocalResult::Ambiguous(a, b) => Some(a.min(b).to_utc()),
        LocalResult::None => gap_end(tz, local),
    }
}

fn offset_at(tz: Tz, utc_seconds: i64) -> Option<i64> {
    let utc = DateTime::from_timestamp(utc_seconds, 0)?;
    Some(i64::from(tz.offset_from_utc_datetime(&utc.naive_utc()).fix().local_minus_utc()))
}

/// The transition instant that opened the gap containing `local`.
///
/// chrono only reports that the time does not exist, and chrono-tz keeps its transition table
/// private, so the transition is found by bisection between the two instants `local` would be
/// under the offsets either side of it. Transitions fall on whole seconds.
fn gap_end(tz: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    // Whole seconds are enough: a transition on a whole second precedes `local` on the wall clock
    // exactly when it precedes `local` rounded down.
    let wall = local.and_utc().timestamp();
    // Read as UTC, `local` lies within the width of the gap of the transition, so the offset there
    // is one of the two, and reading `local` with that offset lands on the other side.
    let first = offset_at(tz, wall)?;
    let second = offset_at(tz, wall.checked_sub(first)?)?;
    let (before, after) = (first.min(second), first.max(second));
    // Under the later (larger) offset `local` would fall before the transition, under the earlier
    // one at or after it.
    let mut earlier = wall.checked_sub(after)?;
    let mut later = wall.checked_sub(before)?;
    while later - earlier > 1 {
        let middle = earlier + (later - earlier) / 2;
        if offset_at(tz, middle)? == after {
            later = middle;
        } else {
            earlier = middle;
        }
    }
    DateTime::from_timestamp(later, 0)
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use chrono_tz::{America, Australia, Europe};

    use super::*;

    fn local(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d).and_then(|d| d.and_hms_opt(h, min, 0)).unwrap()
    }

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        local(y, m, d, h, min).and_utc()
    }

    #[test]
    fn skipped_times_map_to_the_end_of_the_gap() {
        // London: 01:00 GMT on 29 March 2026 becomes 02:00 BST.
        let end = Some(utc(2026, 3, 29, 1, 0));
        assert_eq!(instant(Europe::London, local(2026, 3, 29, 1, 0)), end);
        assert_eq!(instant(Europe::London, local(2026, 3, 29, 1, 59)), end);
        assert_eq!(instant(Europe::London, local(2026, 3, 29, 2, 0)), end);
        assert_eq!(instant(Europe::London, local(2026, 3, 29, 0, 59)), Some(utc(2026, 3, 29, 0, 59)));
        // New York: 02:00 EST on 8 March 2026 becomes 03:00 EDT (07:00 UTC).
        assert_eq!(instant(America::New_York, local(2026, 3, 8, 2, 30)), Some(utc(2026, 3, 8, 7, 0)));
        // Lord Howe moves by half an hour: 02:00 +10:30 on 4 October 2026 becomes 02:30 +11.
        assert_eq!(instant(Australia::Lord_Howe, local(2026, 10, 4, 2, 10)), Some(utc(2026, 10, 3, 15, 30)));
    }

    #[test]
    fn repeated_times_map_to_their_first_occurrence() {
        // London: 02:00 BST on 25 October 2026 becomes 01:00 GMT, so 01:30 happens twice.
        assert_eq!(instant(Europe::London, local(2026, 10, 25, 1, 30)), Some(utc(2026, 10, 25, 0, 30)));
        assert_eq!(instant(Europe::London, local(2026, 10, 25, 2, 0)), Some(utc(2026, 10, 25, 2, 0)));
        // New York: 01:30 on 1 November 2026 is first EDT (05:30 UTC), then EST.
        assert_eq!(instant(America::New_York, local(2026, 11, 1, 1, 30)), Some(utc(2026, 11, 1, 5, 30)));
    }
}
