//! The SLA clock of one ticket, derived from its lifecycle events.
//!
//! # The model
//!
//! A ticket has two clocks, *response* and *resolution*. Each is a budget of business time, a
//! target from the SLA policy for the ticket's department and priority ([`Targets`]), spent on a
//! [`BusinessCalendar`]. Nothing is kept between readings: [`SlaClock::derive`] replays the
//! ticket's [`ClockEvent`]s up to an instant, so a changed calendar, policy or priority only needs
//! a new event (or new targets in the creation event) and a fresh derivation.
//!
//! - Both clocks start when the ticket is created and run until stopped, except while the ticket
//!   is paused (in a status that waits on someone else). Running clocks spend only working time.
//! - The response clock stops for good at the first public staff reply, or at resolution, which
//!   counts as the response. The resolution clock stops at resolution and runs again on reopening,
//!   keeping the time it has spent.
//! - A retarget splits the running period in two: time spent before it was measured on the old
//!   calendar and is kept; from then on the new calendar and targets apply. A stopped clock keeps
//!   the target it stopped under (a response given within the P3 target stays met when the ticket
//!   is raised to P1); a resolved ticket takes the new resolution target when reopened.
//! - While a clock runs, it is due when its target is spent: `calendar.add(start of the running
//!   period, target − time spent before it)`, or, once an earlier period has spent it, the instant
//!   it was spent (so splitting a period in two never moves the due time). A paused or stopped
//!   clock has no due time, since it depends on when the clock runs again.
//! - A clock is breached from the first instant it runs after its due time: it has spent more
//!   than its target, or its due time passed out of hours (due Friday 17:00 and still running on
//!   Saturday), or it was resumed with its target spent. A clock stopped at its due instant is
//!   met. A retarget to a target already exceeded breaches at once (and one already spent exactly
//!   is due at once); one that lifts the target above the time spent clears the breach (the
//!   timeline keeps the history).
//! - A running clock that is not breached is at risk once it has spent [`AT_RISK_PERCENT`] of its
//!   target.
//!
//! Each event costs a few calendar sums, which grow with the calendar days they cross, so a
//! derivation costs O(events × days crossed).

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, NaiveTime, TimeDelta, Utc};

use crate::wall_clock::instant;
use crate::{BusinessCalendar, CalendarError, ClockError};

/// The share of its target a running clock has spent when it is reported at risk.
pub const AT_RISK_PERCENT: i32 = 80;

/// What the clocks run against: a calendar and the business-time targets, from the SLA policy for
/// the ticket's department and priority.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Targets {
    /// What the timeline calls these targets, e.g. "P2".
    pub label: String,
    pub calendar: Arc<BusinessCalendar>,
    /// `None`: the policy sets no response target, and the clock reports none.
    pub first_response: Option<TimeDelta>,
    /// `None`: the policy sets no resolution target, and the clock reports none.
    pub resolution: Option<TimeDelta>,
}

/// What happened to the ticket, as far as its SLA clock is concerned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClockEvent {
    /// The ticket was created; the first event, and only the first.
    Created { targets: Targets },
    /// The ticket entered a status that pauses the clocks, e.g. "waiting on requester". While
    /// already paused, this only changes the reason.
    Paused { reason: String },
    /// The ticket left its pausing status. Ignored when not paused.
    Resumed,
    /// A public reply by staff: stops the response clock. Later replies are ignored.
    FirstResponse,
    /// Stops the resolution clock, and the response clock if still running. Ends any pause.
    /// Ignored while resolved.
    Resolved,
    /// The resolution clock runs again, keeping the business time already spent. Ignored unless
    /// resolved.
    Reopened,
    /// The priority, the policy or its calendar changed.
    Retargeted { targets: Targets },
}

impl ClockEvent {
    fn name(&self) -> &'static str {
        match self {
            Self::Created { .. } => "creation",
            Self::Paused { .. } => "pause",
            Self::Resumed => "resumption",
            Self::FirstResponse => "first response",
            Self::Resolved => "resolution",
            Self::Reopened => "reopening",
            Self::Retargeted { .. } => "retargeting",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimedEvent {
    pub at: DateTime<Utc>,
    pub event: ClockEvent,
}

impl TimedEvent {
    pub fn new(at: DateTime<Utc>, event: ClockEvent) -> Self {
        Self { at, event }
    }
}

/// A ticket's SLA clocks as they stand at one instant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlaClock {
    /// The label of the targets in force.
    pub label: String,
    /// `None` when the targets in force set no response target.
    pub response: Option<TargetState>,
    /// `None` when the targets in force set no resolution target.
    pub resolution: Option<TargetState>,
    pub paused: Option<Pause>,
    /// What explains the clocks, in time order. It runs past the reading instant to the due times
    /// of running clocks, with the holidays before them.
    pub timeline: Vec<TimelineEntry>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pause {
    pub since: DateTime<Utc>,
    /// The reason given by the latest `Paused` event.
    pub reason: String,
}

/// One clock, response or resolution, as it stands at the reading instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TargetState {
    /// The business time allowed.
    pub target: TimeDelta,
    /// The business time spent up to the reading instant, or up to the stop.
    pub used: TimeDelta,
    /// When the target is (or was) spent; `Some` exactly while the clock runs. In the past when
    /// breached.
    pub due_at: Option<DateTime<Utc>>,
    /// When the clock is (or was) at risk; `Some` while it runs and is not breached. A sweep that
    /// warns about tickets at risk looks at the ticket then.
    pub at_risk_from: Option<DateTime<Utc>>,
    /// When the clock stopped: the response given, or the ticket resolved.
    pub stopped_at: Option<DateTime<Utc>>,
    /// When the clock went past its due time.
    pub breached_at: Option<DateTime<Utc>>,
    /// Running, not breached, and [`AT_RISK_PERCENT`] of the target spent (`at_risk_from` has come).
    pub at_risk: bool,
}

impl TargetState {
    /// The business time left; negative once more than the target is spent.
    pub fn remaining(&self) -> TimeDelta {
        self.target - self.used
    }

    pub fn is_breached(&self) -> bool {
        self.breached_at.is_some()
    }

    pub fn is_running(&self) -> bool {
        self.due_at.is_some()
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    pub kind: TimelineKind,
    /// Plain English. Instants are left to the viewer's zone (`at`); durations are written out,
    /// as [`format_duration`] does.
    pub detail: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TimelineKind {
    Started,
    Paused,
    Resumed,
    Retargeted,
    /// A holiday within a running period: the clocks do not run that day.
    HolidaySkipped,
    ResponseMet,
    /// When the running response clock is due.
    ResponseDue,
    Resolved,
    Reopened,
    /// When the running resolution clock is due.
    ResolutionDue,
    Breached,
}

impl SlaClock {
    /// The clocks at `now`, from the ticket's events in time order, starting with its creation.
    /// Events after `now` are ignored, but all of them must be in order.
    pub fn derive(events: &[TimedEvent], now: DateTime<Utc>) -> Result<Self, ClockError> {
        let targets = check(events)?;
        let created = events.first().map_or(now, |first| first.at);
        if created > now {
            return Err(ClockError::CreatedAfterNow { created, now });
        }
        let mut derivation = Derivation::start(targets.clone(), created);
        for event in events.get(1..).unwrap_or(&[]).iter().take_while(|event| event.at <= now) {
            derivation.apply(event)?;
        }
        derivation.read(now)
    }
}

/// Checks the whole history, events after `now` included, and returns the creation targets.
fn check(events: &[TimedEvent]) -> Result<&Targets, ClockError> {
    let first = events.first().ok_or(ClockError::NoEvents)?;
    let ClockEvent::Created { targets } = &first.event else {
        return Err(ClockError::NotStartedByCreation { found: first.event.name(), at: first.at });
    };
    for (index, pair) in events.windows(2).enumerate() {
        let [previous, event] = pair else { continue };
        let index = index + 1;
        if event.at < previous.at {
            return Err(ClockError::OutOfOrder {
                index,
                found: event.event.name(),
                at: event.at,
                previous: previous.at,
            });
        }
        if matches!(event.event, ClockEvent::Created { .. }) {
            return Err(ClockError::CreatedTwice { index, at: event.at });
        }
    }
    for event in events {
        if let ClockEvent::Created { targets } | ClockEvent::Retargeted { targets } = &event.event {
            for (which, target) in
                [(Which::Response, targets.first_response), (Which::Resolution, targets.resolution)]
            {
                if let Some(target) = target.filter(|target| *target < TimeDelta::zero()) {
                    return Err(ClockError::NegativeTarget {
                        label: targets.label.clone(),
                        clock: which.name(),
                        target,
                    });
                }
            }
        }
    }
    Ok(targets)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Which {
    Response,
    Resolution,
}

impl Which {
    fn name(self) -> &'static str {
        match self {
            Self::Response => "response",
            Self::Resolution => "resolution",
        }
    }

    fn due_kind(self) -> TimelineKind {
        match self {
            Self::Response => TimelineKind::ResponseDue,
            Self::Resolution => TimelineKind::ResolutionDue,
        }
    }
}

/// One clock while the events are replayed.
#[derive(Debug)]
struct Clock {
    which: Which,
    target: Option<TimeDelta>,
    /// Spent up to `running_since` while running, else in total.
    used: TimeDelta,
    running_since: Option<DateTime<Utc>>,
    stopped_at: Option<DateTime<Utc>>,
    /// When the target was spent, once a running period has reached it. Later periods are due
    /// then: measuring afresh from their start would read a target spent exactly at a closing
    /// time as due at the next opening, so splitting a period would move its due time.
    reached_at: Option<DateTime<Utc>>,
    /// When [`AT_RISK_PERCENT`] of the target was spent, kept for the same reason.
    at_risk_reached_at: Option<DateTime<Utc>>,
    breached_at: Option<DateTime<Utc>>,
}

/// What a retarget did to a clock's breach.
enum BreachChange {
    None,
    Breached,
    Cleared,
}

impl Clock {
    fn new(which: Which, target: Option<TimeDelta>) -> Self {
        Self {
            which,
            target,
            used: TimeDelta::zero(),
            running_since: None,
            stopped_at: None,
            reached_at: None,
            at_risk_reached_at: None,
            breached_at: None,
        }
    }

    fn run(&mut self, at: DateTime<Utc>) {
        if self.stopped_at.is_none() && self.running_since.is_none() {
            self.running_since = Some(at);
        }
    }

    /// When the running clock is due; `None` when not running or without a target.
    fn due(&self, calendar: &BusinessCalendar) -> Result<Option<DateTime<Utc>>, CalendarError> {
        match (self.running_since, self.target, self.reached_at) {
            (Some(_), Some(_), Some(reached)) => Ok(Some(reached)),
            // Not reached yet, so `used` is at most the target.
            (Some(since), Some(target), None) => calendar.add(since, target - self.used).map(Some),
            _ => Ok(None),
        }
    }

    /// Ends the running period at `at`, spending its business time.
    fn halt(
        &mut self,
        calendar: &BusinessCalendar,
        at: DateTime<Utc>,
        timeline: &mut Timeline,
    ) -> Result<(), ClockError> {
        let Some(since) = self.running_since else { return Ok(()) };
        let spent = calendar.business_time_between(since, at);
        if let Some(target) = self.target {
            if self.at_risk_reached_at.is_none() {
                self.at_risk_reached_at =
                    reached_in(calendar, since, at, self.used, spent, at_risk_threshold(target))?;
            }
            if self.reached_at.is_none() {
                self.reached_at = reached_in(calendar, since, at, self.used, spent, target)?;
            }
            // Running at any instant after the due time is a breach, from the first such instant.
            if let Some(overdue_from) = self.reached_at.map(|reached| reached.max(since))
                && at > overdue_from
                && self.breached_at.is_none()
            {
                self.breach(overdue_from, timeline);
            }
        }
        timeline.holidays(calendar, since, at);
        self.used += spent;
        self.running_since = None;
        Ok(())
    }

    fn stop(
        &mut self,
        calendar: &BusinessCalendar,
        at: DateTime<Utc>,
        timeline: &mut Timeline,
    ) -> Result<(), ClockError> {
        self.halt(calendar, at, timeline)?;
        self.stopped_at = Some(at);
        Ok(())
    }

    fn breach(&mut self, at: DateTime<Utc>, timeline: &mut Timeline) {
        self.breached_at = Some(at);
        let detail = match self.target {
            Some(target) => format!("{} target of {} breached", self.which.name(), format_duration(target)),
            None => format!("{} target breached", self.which.name()),
        };
        timeline.push(at, TimelineKind::Breached, detail);
    }

    /// Puts a halted (or stopped) clock under a new target at `at`.
    fn retarget(&mut self, target: Option<TimeDelta>, at: DateTime<Utc>) -> BreachChange {
        if target == self.target {
            return BreachChange::None;
        }
        self.target = target;
        // A target already spent counts as reached now: when the time spent crossed it, another
        // target was in force. A breach that goes on stays dated from when it began.
        self.reached_at = target.filter(|target| self.used >= *target).map(|_| at);
        self.at_risk_reached_at = target.filter(|target| self.used >= at_risk_threshold(*target)).map(|_| at);
        match target {
            Some(target) if self.used > target => {
                if self.breached_at.is_some() {
                    self.reached_at = self.breached_at;
                    BreachChange::None
                } else {
                    self.breached_at = Some(at);
                    BreachChange::Breached
                }
            }
            _ if self.breached_at.take().is_some() => BreachChange::Cleared,
            _ => BreachChange::None,
        }
    }

    /// The clock at `now`, halting it there.
    fn read(
        &mut self,
        calendar: &BusinessCalendar,
        now: DateTime<Utc>,
        timeline: &mut Timeline,
    ) -> Result<Option<TargetState>, ClockError> {
        let Some(target) = self.target else {
            self.halt(calendar, now, timeline)?;
            return Ok(None);
        };
        let running = self.running_since.is_some();
        let due_at = self.due(calendar)?;
        let at_risk_at = match (self.running_since, self.at_risk_reached_at) {
            (Some(since), None) => Some(calendar.add(since, at_risk_threshold(target) - self.used)?),
            (_, reached) => reached,
        };
        if let (Some(since), Some(due)) = (self.running_since, due_at) {
            timeline.holidays(calendar, since, due.max(now));
        }
        self.halt(calendar, now, timeline)?;
        let breached = self.breached_at.is_some();
        let at_risk_from = at_risk_at.filter(|_| running && !breached);
        let state = TargetState {
            target,
            used: self.used,
            due_at,
            at_risk_from,
            stopped_at: self.stopped_at,
            breached_at: self.breached_at,
            at_risk: at_risk_from.is_some_and(|from| from <= now),
        };
        if let Some(due) = due_at {
            let detail = if breached {
                format!(
                    "{} overdue: target {}, {} spent",
                    self.which.name(),
                    format_duration(target),
                    format_duration(state.used)
                )
            } else {
                format!(
                    "{} due: target {}, {} left",
                    self.which.name(),
                    format_duration(target),
                    format_duration(state.remaining())
                )
            };
            timeline.push(due, self.which.due_kind(), detail);
        }
        Ok(Some(state))
    }

    /// "after 2 h of business time (target 4 h)", for the stop entries.
    fn spent_summary(&self) -> String {
        let mut summary = format!("after {} of business time", format_duration(self.used));
        if let Some(target) = self.target {
            let verdict = if self.breached_at.is_some() { ": target missed" } else { "" };
            let _ = write!(summary, " (target {}){verdict}", format_duration(target));
        }
        summary
    }
}

/// When the running period from `since` to `at`, which spent `spent` after `used`, brought the total
/// to `amount`; `None` if it did not. `used` must not have reached `amount` before.
fn reached_in(
    calendar: &BusinessCalendar,
    since: DateTime<Utc>,
    at: DateTime<Utc>,
    used: TimeDelta,
    spent: TimeDelta,
    amount: TimeDelta,
) -> Result<Option<DateTime<Utc>>, CalendarError> {
    if used + spent < amount {
        return Ok(None);
    }
    // With nothing left to spend, `add` answers the next opening, which the period may end before.
    let reached = calendar.add(since, amount - used)?;
    Ok((reached <= at).then_some(reached))
}

/// The least business time that is [`AT_RISK_PERCENT`] of `target`, rounded up.
fn at_risk_threshold(target: TimeDelta) -> TimeDelta {
    let margin = target.checked_mul(100 - AT_RISK_PERCENT).map_or(TimeDelta::zero(), |margin| margin / 100);
    target - margin
}

#[derive(Debug, Default)]
struct Timeline {
    entries: Vec<TimelineEntry>,
    /// A holiday crossed by several running periods (or both clocks) is told once.
    holidays: BTreeSet<NaiveDate>,
}

impl Timeline {
    fn push(&mut self, at: DateTime<Utc>, kind: TimelineKind, detail: String) {
        self.entries.push(TimelineEntry { at, kind, detail });
    }

    fn holidays(&mut self, calendar: &BusinessCalendar, from: DateTime<Utc>, to: DateTime<Utc>) {
        for date in calendar.holidays_between(from, to) {
            if self.holidays.insert(date) {
                let midnight = instant(calendar.time_zone(), date.and_time(NaiveTime::MIN)).unwrap_or(from);
                self.push(
                    midnight.max(from),
                    TimelineKind::HolidaySkipped,
                    format!("holiday {date} skipped"),
                );
            }
        }
    }
}

/// The replay of a ticket's events.
struct Derivation {
    targets: Targets,
    pause: Option<Pause>,
    response: Clock,
    resolution: Clock,
    timeline: Timeline,
}

impl Derivation {
    fn start(targets: Targets, at: DateTime<Utc>) -> Self {
        let mut response = Clock::new(Which::Response, targets.first_response);
        let mut resolution = Clock::new(Which::Resolution, targets.resolution);
        response.run(at);
        resolution.run(at);
        let mut timeline = Timeline::default();
        let detail =
            format!("{} clock started: {}", targets.label, target_summary(&[&response, &resolution]));
        timeline.push(at, TimelineKind::Started, detail);
        Self { targets, pause: None, response, resolution, timeline }
    }

    fn apply(&mut self, event: &TimedEvent) -> Result<(), ClockError> {
        let at = event.at;
        let calendar = Arc::clone(&self.targets.calendar);
        let timeline = &mut self.timeline;
        match &event.event {
            // `check` allows it first only, where `start` took it.
            ClockEvent::Created { .. } => {}
            ClockEvent::Paused { reason } => {
                if let Some(pause) = &mut self.pause {
                    pause.reason.clone_from(reason);
                } else {
                    self.response.halt(&calendar, at, timeline)?;
                    self.resolution.halt(&calendar, at, timeline)?;
                    self.pause = Some(Pause { since: at, reason: reason.clone() });
                }
                timeline.push(at, TimelineKind::Paused, format!("paused: {reason}"));
            }
            ClockEvent::Resumed => {
                if let Some(pause) = self.pause.take() {
                    self.response.run(at);
                    self.resolution.run(at);
                    timeline.push(at, TimelineKind::Resumed, format!("resumed after {}", pause.reason));
                }
            }
            ClockEvent::FirstResponse => {
                if self.response.stopped_at.is_none() {
                    self.response.stop(&calendar, at, timeline)?;
                    let detail = format!("first response {}", self.response.spent_summary());
                    timeline.push(at, TimelineKind::ResponseMet, detail);
                }
            }
            ClockEvent::Resolved => {
                if self.resolution.stopped_at.is_none() {
                    if self.response.stopped_at.is_none() {
                        self.response.stop(&calendar, at, timeline)?;
                        let detail = format!(
                            "resolved before any reply, which counts as the response, {}",
                            self.response.spent_summary()
                        );
                        timeline.push(at, TimelineKind::ResponseMet, detail);
                    }
                    self.resolution.stop(&calendar, at, timeline)?;
                    self.pause = None;
                    timeline.push(
                        at,
                        TimelineKind::Resolved,
                        format!("resolved {}", self.resolution.spent_summary()),
                    );
                }
            }
            ClockEvent::Reopened => {
                if self.resolution.stopped_at.take().is_some() {
                    // Retargets while resolved left the stopped clock alone; they apply now.
                    let change = self.resolution.retarget(self.targets.resolution, at);
                    if self.pause.is_none() {
                        self.resolution.run(at);
                    }
                    let detail = format!(
                        "reopened: the resolution clock runs again with {} already spent",
                        format_duration(self.resolution.used)
                    );
                    timeline.push(at, TimelineKind::Reopened, detail);
                    if let BreachChange::Breached = change {
                        self.resolution.breach(at, timeline);
                    }
                }
            }
            ClockEvent::Retargeted { targets } => self.retarget(targets, at)?,
        }
        Ok(())
    }

    fn retarget(&mut self, targets: &Targets, at: DateTime<Utc>) -> Result<(), ClockError> {
        let old = std::mem::replace(&mut self.targets, targets.clone());
        let mut changes = Vec::new();
        for (clock, target) in
            [(&mut self.response, targets.first_response), (&mut self.resolution, targets.resolution)]
        {
            if clock.stopped_at.is_some() {
                continue;
            }
            let running = clock.running_since.is_some();
            // Time spent so far is measured on the calendar it was spent under.
            clock.halt(&old.calendar, at, &mut self.timeline)?;
            changes.push((clock.which, clock.retarget(target, at)));
            if running {
                clock.run(at);
            }
        }
        let heading = if old.label == targets.label {
            format!("{} targets changed", targets.label)
        } else {
            format!("priority {} → {}", old.label, targets.label)
        };
        let open: Vec<&Clock> = [&self.response, &self.resolution]
            .into_iter()
            .filter(|clock| clock.stopped_at.is_none())
            .collect();
        let mut detail = if open.is_empty() {
            format!("{heading}: both clocks already stopped")
        } else {
            format!("{heading}: {}", target_summary(&open))
        };
        for (which, change) in &changes {
            if let BreachChange::Cleared = change {
                let _ = write!(detail, "; {} back within target", which.name());
            }
        }
        self.timeline.push(at, TimelineKind::Retargeted, detail);
        for (which, change) in changes {
            if let BreachChange::Breached = change {
                match which {
                    Which::Response => self.response.breach(at, &mut self.timeline),
                    Which::Resolution => self.resolution.breach(at, &mut self.timeline),
                }
            }
        }
        Ok(())
    }

    fn read(mut self, now: DateTime<Utc>) -> Result<SlaClock, ClockError> {
        let calendar = Arc::clone(&self.targets.calendar);
        let response = self.response.read(&calendar, now, &mut self.timeline)?;
        let resolution = self.resolution.read(&calendar, now, &mut self.timeline)?;
        let mut timeline = self.timeline.entries;
        // Stable, so entries at one instant keep the order in which they happened.
        timeline.sort_by_key(|entry| entry.at);
        Ok(SlaClock { label: self.targets.label, response, resolution, paused: self.pause, timeline })
    }
}

/// "response target 4 h, resolution target 16 h"
fn target_summary(clocks: &[&Clock]) -> String {
    let targets: Vec<String> = clocks
        .iter()
        .filter_map(|clock| {
            clock.target.map(|target| format!("{} target {}", clock.which.name(), format_duration(target)))
        })
        .collect();
    if targets.is_empty() { "no targets".to_owned() } else { targets.join(", ") }
}

/// A duration as the timeline writes it: "4 h", "1 h 30 min", "45 s", "0 min"; whole seconds,
/// negative ones with a minus sign. Hours are not gathered into days, whose length depends on the
/// calendar.
pub fn format_duration(duration: TimeDelta) -> String {
    let seconds = duration.num_seconds().unsigned_abs();
    let (hours, minutes, seconds) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    let parts: Vec<String> = [(hours, "h"), (minutes, "min"), (seconds, "s")]
        .into_iter()
        .filter(|(amount, _)| *amount > 0)
        .map(|(amount, unit)| format!("{amount} {unit}"))
        .collect();
    match (parts.is_empty(), duration < TimeDelta::zero()) {
        (true, _) => "0 min".to_owned(),
        (false, true) => format!("-{}", parts.join(" ")),
        (false, false) => parts.join(" "),
    }
}

#[cfg(test)]
mod properties;
#[cfg(test)]
mod tests;
