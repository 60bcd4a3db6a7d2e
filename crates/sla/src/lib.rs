//! Business-time maths for SLA clocks: how much working time lies between two instants, and when
//! a given amount of working time will have elapsed; and the SLA clock of a ticket built on it.
//!
//! # The model
//!
//! A [`BusinessCalendar`] is a time zone, a weekly schedule of [`WorkingHours`] and a set of
//! holidays. Working hours are local wall-clock intervals on a weekday (Monday 09:00–17:00), as
//! many a day as needed (08:00–12:00 and 13:00–17:00), and may run past midnight when declared
//! overnight (Friday 22:00–06:00 ends on Saturday). Intervals may touch but not overlap, and none
//! is longer than 24 hours of wall clock.
//!
//! All sums are in real elapsed time. The opening and the closing of each interval are turned
//! into instants separately, with the offsets in force on their dates, so an interval measures
//! what the wall clock shows except when the clocks change during it:
//!
//! - a wall-clock time skipped by a spring-forward change stands for the first instant after the
//!   gap, so 00:00–04:00 on the spring-forward day in Europe/London is 3 real hours, and an
//!   interval wholly inside the gap is no working time at all;
//! - a wall-clock time repeated by a fall-back change stands for its earlier occurrence, so
//!   00:00–04:00 on the fall-back day in Europe/London is 5 real hours.
//!
//! Both rules read a wall-clock time as the first instant at which the clock shows it or later,
//! which never runs backwards, so intervals stay ordered and disjoint in real time.
//!
//! [`BusinessCalendar::always`] (24×7) is therefore exactly real time, 23- and 25-hour days
//! included.
//!
//! A holiday is a local date with no work. An overnight interval belongs to the date it starts
//! on: a holiday on Friday cancels Friday 22:00–06:00, a holiday on Saturday does not.
//!
//! # The search horizon
//!
//! Holidays are a finite list, so some working time always lies ahead, but a calendar can still
//! have none for a very long time. [`BusinessCalendar::add`] therefore looks at most
//! [`HORIZON_YEARS`] ahead of its start and answers [`CalendarError::BeyondHorizon`] rather than
//! keep searching. The search walks interval by interval, a day's intervals at a time, so its cost
//! grows with the calendar days crossed (a few thousand for ten years), never with minutes.
//!
//! # The clock of a ticket
//!
//! [`clock::SlaClock::derive`] replays a ticket's lifecycle (events: created, paused, resumed,
//! first response, resolved, reopened, retargeted) against its targets and tells, at a given
//! instant, for the response and the resolution target: the business time spent, the due time
//! while the clock runs, whether it is met, at risk or breached, and a timeline that explains it.
//! Clocks spend business time only while running (not paused, not stopped); a due time is
//! `add(start of the running period, target − time spent before it)`; a clock is breached once
//! it runs past its due time. A retarget keeps the time spent under the old calendar and measures
//! the rest on the new one. Nothing is stored between derivations: a changed calendar, policy or
//! priority is a new event and a new derivation. The [`clock`] module gives the details.

mod calendar;
pub mod clock;
mod error;
mod hours;
mod wall_clock;

#[cfg(test)]
mod properties;

pub use calendar::{BusinessCalendar, HORIZON_YEARS};
pub use chrono_tz::Tz;
pub use error::{CalendarError, ClockError};
pub use hours::WorkingHours;
