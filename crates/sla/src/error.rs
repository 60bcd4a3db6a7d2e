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

/// Why a ticket's SLA clock cannot be derived from its events.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ClockError {
    #[error("no events were given: a ticket's SLA clock starts with its creation")]
    NoEvents,
    #[error("the first event must be the ticket's creation, not the {found} at {at}")]
    NotStartedByCreation { found: &'static str, at: DateTime<Utc> },
    #[error(
        "event {index} (the {found} at {at}) is earlier than the event before it, at {previous}: give the events in time order"
    )]
    OutOfOrder { index: usize, found: &'static str, at: DateTime<Utc>, previous: DateTime<Utc> },
    #[error(
        "event {index} creates the ticket a second time, at {at}: only the first event may be its creation"
    )]
    CreatedTwice { index: usize, at: DateTime<Utc> },
    #[error("the ticket was created at {created}, after the instant the clock is read at ({now})")]
    CreatedAfterNow { created: DateTime<Utc>, now: DateTime<Utc> },
    #[error("the {label} {clock} target is negative ({target}): a target must be zero or more")]
    NegativeTarget { label: String, clock: &'static str, target: TimeDelta },
    #[error("a due time cannot be placed on the SLA calendar: {0}")]
    Calendar(#[from] CalendarError),
}
