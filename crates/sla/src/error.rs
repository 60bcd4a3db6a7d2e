use chrono::{DateTime, TimeDelta, Utc};

use crate::{HORIZON_YEARS, WorkingHours};

/// Why a calendar cannot be built or a business-time sum cannot be answered.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("the calendar has no working hours: add at least one working interval")]
    NoWorkingHours,
    #[error("{hours} is empty: it ends when it starts")]
    EmptyInterval { hours: WorkingHours },
    #[error("{hours} ends before it starts: make it an overnight interval if it runs past midnight")]
    ReversedInterval { hours: WorkingHours },
    #[error("{hours} lasts more than 24 hours: split it into one interval per day")]
    IntervalTooLong { hours: WorkingHours },
    #[error("{first} overlaps {second}: merge them or shorten one")]
    OverlappingIntervals { first: WorkingHours, second: WorkingHours },
    #[error("a business-time duration cannot be negative (got {duration})")]
    NegativeDuration { duration: TimeDelta },
    /// The search horizon ran out: the calendar has too little working time (too many holidays, or
    /// a duration out of proportion to its hours).
    #[error(
        "the calendar has too little working time to reach that point within {HORIZON_YEARS} years of {start}: check its holidays and the duration"
    )]
    BeyondHorizon { start: DateTime<Utc> },
}
