//! The demo's dataset, generated: the same anchor instant always gives byte-for-byte the same
//! rows (a fixed seed, ids derived from it, every timestamp relative to the anchor), so the
//! nightly reset restores an exact, checkable state while dashboards always look current.
//!
//! A small self-contained generator (SplitMix64) rather than a `rand` engine: the dataset must
//! not change when a dependency changes its algorithm.

use chrono::{DateTime, Datelike, Duration, TimeZone, Timelike, Utc, Weekday};
use ferrodesk_db::demo::{
    Calendar, Category, Department, Event, Membership, Message, Person, Policy, Structure, Ticket,
};
use ferrodesk_db::events::EventRow;
use ferrodesk_db::tickets::SlaColumns;
use ferrodesk_domain::{Impact, Priority, Role, TicketKind, TicketStatus, Urgency};
use serde_json::{Value, json};
use uuid::Uuid;

use super::scenarios::{
    ADMIN, AGENTS, DEPARTMENTS, Dept, EMAIL_DOMAIN, FIRST_NAMES, LAST_NAMES, OTHER_CATEGORIES, OWNER,
    SCENARIOS, STAKEHOLDERS, Scenario,
};

pub use crate::sandbox::DEMO_ORG_ID as ORG_ID;
pub const SLUG: &str = "demo";
/// How many people work at the company (requesters), and how many tickets 90 days bring.
pub const EMPLOYEES: usize = 200;
pub const TICKETS: usize = 1_500;
const HISTORY_DAYS: i64 = 90;

/// SplitMix64: tiny, fast, and fixed forever.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// Minutes uniformly in `lo..hi`.
    fn minutes(&mut self, lo: i64, hi: i64) -> Duration {
        Duration::minutes(lo + self.below((hi - lo).max(1) as u64) as i64)
    }

    /// A UUIDv7 for something that happened at `at`: time-ordered like every other id, and
    /// reproducible.
    pub fn uuid_at(&mut self, at: DateTime<Utc>) -> Uuid {
        let mut random = [0u8; 10];
        random[..8].copy_from_slice(&self.next_u64().to_le_bytes());
        random[8..].copy_from_slice(&self.next_u64().to_le_bytes()[..2]);
        uuid::Builder::from_unix_timestamp_millis(at.timestamp_millis().max(0) as u64, &random).into_uuid()
    }
}

pub struct Cast {
    pub people: Vec<Person>,
    pub memberships: Vec<Membership>,
    pub admin: Uuid,
    pub owner: Uuid,
    pub agents: Vec<(Uuid, &'static str)>,
    pub requesters: Vec<(Uuid, String)>,
}

fn email(local: &str) -> String {
    format!("{local}@{EMAIL_DOMAIN}")
}

fn first_name(name: &str) -> &str {
    name.split(' ').next().unwrap_or(name)
}

/// The company's people. Their ids do not depend on the anchor: a visitor's session (as the demo
/// admin) stays valid across resets.
pub fn cast(as_of: DateTime<Utc>) -> Cast {
    let mut rng = Rng::new(0xD3E0_0001);
    let born = Utc.with_ymd_and_hms(2025, 1, 6, 9, 0, 0).single().unwrap_or(DateTime::UNIX_EPOCH);
    let joined = as_of - Duration::days(365);
    let mut people = Vec::new();
    let mut memberships = Vec::new();
    let mut add = |rng: &mut Rng, name: String, local: String, role: Role| {
        let id = rng.uuid_at(born);
        memberships.push(Membership {
            user_id: id,
            role: role.as_str(),
            name: name.clone(),
            created_at: joined,
        });
        people.push(Person { id, email: email(&local), name });
        id
    };
    let admin = add(&mut rng, ADMIN.0.into(), ADMIN.1.into(), Role::Admin);
    let owner = add(&mut rng, OWNER.0.into(), OWNER.1.into(), Role::Owner);
    let agents: Vec<(Uuid, &'static str)> = AGENTS
        .iter()
        .map(|(name, local)| (add(&mut rng, (*name).into(), (*local).into(), Role::Agent), *name))
        .collect();
    for (name, local) in STAKEHOLDERS {
        add(&mut rng, (*name).into(), (*local).into(), Role::Stakeholder);
    }
    let mut requesters = Vec::with_capacity(EMPLOYEES);
    let mut taken = std::collections::HashSet::new();
    while requesters.len() < EMPLOYEES {
        let first = *rng.pick(FIRST_NAMES);
        let last = *rng.pick(LAST_NAMES);
        if !taken.insert((first, last)) {
            continue;
        }
        let local = format!("{}.{}", first.to_lowercase(), last.to_lowercase().replace('\'', ""));
        let id = add(&mut rng, format!("{first} {last}"), local, Role::Requester);
        requesters.push((id, first.to_owned()));
    }
    Cast { people, memberships, admin, owner, agents, requesters }
}

/// Departments, categories (name → id per department) and the SLA set-up.
pub struct Classification {
    pub structure: Structure,
    pub departments: Vec<(Dept, Uuid)>,
    /// (department, top-level name, subcategory name) → subcategory id.
    pub categories: Vec<(Dept, &'static str, &'static str, Uuid)>,
}

impl Classification {
    pub fn department(&self, dept: Dept) -> Uuid {
        self.departments.iter().find(|(d, _)| *d == dept).map_or(Uuid::nil(), |(_, id)| *id)
    }

    fn category(&self, dept: Dept, (top, sub): (&str, &str)) -> Option<Uuid> {
        self.categories.iter().find(|(d, t, s, _)| *d == dept && *t == top && *s == sub).map(|c| c.3)
    }
}

pub fn classification(as_of: DateTime<Utc>, memberships: Vec<Membership>) -> Classification {
    let mut rng = Rng::new(0xD3E0_0002);
    let created = as_of - Duration::days(365);
    let mut departments = Vec::new();
    let mut dept_rows = Vec::new();
    for (dept, name) in DEPARTMENTS {
        let id = rng.uuid_at(created);
        departments.push((*dept, id));
        dept_rows.push(Department { id, name, created_at: created });
    }
    let dept_id = |d: Dept| departments.iter().find(|(x, _)| *x == d).map_or(Uuid::nil(), |(_, id)| *id);
    let mut categories = Vec::new();
    let mut category_rows = Vec::new();
    let it = crate::classification::DEFAULT_CATEGORIES.iter().map(|(top, subs)| (Dept::It, *top, *subs));
    let all = it.chain(OTHER_CATEGORIES.iter().map(|(d, top, subs)| (*d, *top, *subs)));
    for (position, (dept, top, subs)) in (0..).zip(all) {
        let parent = rng.uuid_at(created);
        category_rows.push(Category {
            id: parent,
            department_id: dept_id(dept),
            parent_id: None,
            name: top,
            position,
            created_at: created,
        });
        for (position, sub) in (0..).zip(subs) {
            let id = rng.uuid_at(created);
            category_rows.push(Category {
                id,
                department_id: dept_id(dept),
                parent_id: Some(parent),
                name: sub,
                position,
                created_at: created,
            });
            categories.push((dept, top, *sub, id));
        }
    }
    let mut calendars = Vec::new();
    for (name, hours) in crate::sla::default_calendars() {
        calendars.push(Calendar {
            id: rng.uuid_at(created),
            name,
            time_zone: super::scenarios::TIME_ZONE.to_owned(),
            working_hours: serde_json::to_value(hours).unwrap_or(Value::Null),
            created_at: created,
        });
    }
    let mut policies = Vec::new();
    for (_, department) in &departments {
        for (priority, calendar, response, resolution) in crate::sla::DEFAULT_TARGETS {
            policies.push(Policy {
                id: rng.uuid_at(created),
                department_id: *department,
                priority: priority.level(),
                calendar_id: calendars[calendar].id,
                first_response_minutes: response,
                resolution_minutes: resolution,
                created_at: created,
            });
        }
    }
    Classification {
        structure: Structure {
            memberships,
            departments: dept_rows,
            categories: category_rows,
            calendars,
            policies,
        },
        departments,
        categories,
    }
}

/// One ticket's story as generated, before its SLA clock is computed from its trail.
pub struct Story {
    pub ticket: Ticket,
    pub department: Uuid,
    pub messages: Vec<Message>,
    pub events: Vec<Event>,
}

impl Story {
    /// The trail in the form the SLA clock reads.
    pub fn trail(&self) -> Vec<EventRow> {
        self.events
            .iter()
            .map(|e| EventRow {
                id: e.id,
                action: e.action.to_owned(),
                actor_id: e.actor_id,
                actor_name: None,
                changes: e.changes.clone(),
                created_at: e.created_at,
            })
            .collect()
    }
}

/// Picks a scenario by weight.
fn scenario(rng: &mut Rng) -> &'static Scenario {
    let total: u64 = SCENARIOS.iter().map(|s| u64::from(s.weight)).sum();
    let mut roll = rng.below(total);
    for s in SCENARIOS {
        if roll < u64::from(s.weight) {
            return s;
        }
        roll -= u64::from(s.weight);
    }
    &SCENARIOS[0]
}

/// A creation instant within the last 90 days: working days and hours mostly, never in the last
/// few minutes.
fn created_at(rng: &mut Rng, as_of: DateTime<Utc>) -> DateTime<Utc> {
    loop {
        let day = as_of - Duration::days(rng.below(HISTORY_DAYS as u64) as i64);
        let weekend = matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
        if weekend && !rng.chance(15) {
            continue;
        }
        let hour = 7 + rng.below(11) as u32;
        let at = day.with_hour(hour).and_then(|d| d.with_minute(rng.below(60) as u32)).unwrap_or(day);
        if at < as_of - Duration::minutes(20) {
            return at;
        }
    }
}

fn shifted(level: Impact, rng: &mut Rng) -> Impact {
    match (level, rng.below(10)) {
        (Impact::Medium, 0) => Impact::High,
        (Impact::Medium, 1) | (Impact::High, 0) => Impact::Low,
        (Impact::Low, 0) => Impact::Medium,
        (l, _) => l,
    }
}

fn shifted_urgency(level: Urgency, rng: &mut Rng) -> Urgency {
    match (level, rng.below(10)) {
        (Urgency::Medium, 0) | (Urgency::Low, 0) => Urgency::High,
        (Urgency::High, 0) => Urgency::Medium,
        (l, _) => l,
    }
}

/// How long the first response and the resolution take, by priority (wall-clock minutes), with
/// a tail of slow ones that breach their targets.
fn delays(rng: &mut Rng, priority: Priority) -> (Duration, Duration) {
    let (response, resolution) = match priority {
        Priority::P1 => (rng.minutes(4, 50), rng.minutes(60, 300)),
        Priority::P2 => (rng.minutes(8, 150), rng.minutes(120, 2_000)),
        Priority::P3 => (rng.minutes(10, 300), rng.minutes(240, 4_500)),
        Priority::P4 => (rng.minutes(30, 1_400), rng.minutes(900, 9_000)),
    };
    let response = if rng.chance(9) { response * 5 } else { response };
    let resolution = if rng.chance(12) { resolution * 3 } else { resolution };
    (response, resolution)
}

struct Writer<'a> {
    rng: &'a mut Rng,
    ticket: Uuid,
    channel: &'static str,
    messages: Vec<Message>,
    events: Vec<Event>,
}

impl Writer<'_> {
    /// Appends an event to the trail; returns its id.
    fn event(
        &mut self,
        at: DateTime<Utc>,
        actor: Option<Uuid>,
        action: &'static str,
        changes: Value,
    ) -> Uuid {
        let id = self.rng.uuid_at(at);
        self.events.push(Event {
            id,
            subject_type: "ticket",
            subject_id: self.ticket,
            actor_id: actor,
            action,
            changes,
            created_at: at,
        });
        id
    }

    /// A message and its audit event; `status` is the change the message brings, if any.
    fn message(
        &mut self,
        at: DateTime<Utc>,
        author: Uuid,
        staff: bool,
        internal: bool,
        body: String,
        status: Option<(TicketStatus, TicketStatus)>,
    ) {
        let id = self.rng.uuid_at(at);
        let channel = if staff { "web" } else { self.channel };
        self.messages.push(Message {
            id,
            ticket_id: self.ticket,
            author_id: author,
            internal,
            body,
            channel,
            created_at: at,
        });
        let mut changes = json!({ "messageId": id, "internal": internal, "staff": staff });
        if let Some((from, to)) = status {
            changes["status"] = json!({ "from": from, "to": to });
        }
        let action = if internal { "ticket.note_added" } else { "ticket.reply_added" };
        self.event(at, Some(author), action, changes);
    }

    fn status(&mut self, at: DateTime<Utc>, actor: Option<Uuid>, from: TicketStatus, to: TicketStatus) {
        let mut changes = json!({ "status": { "from": from, "to": to } });
        if !from.is_active() && to.is_active() {
            changes["reopened"] = Value::Bool(true);
        }
        self.event(at, actor, "ticket.updated", changes);
    }
}

/// Every ticket's story, in creation order, numbered per kind.
pub fn stories(as_of: DateTime<Utc>, cast: &Cast, classification: &Classification) -> Vec<Story> {
    let mut rng = Rng::new(0xD3E0_0003);
    let mut starts: Vec<DateTime<Utc>> = (0..TICKETS).map(|_| created_at(&mut rng, as_of)).collect();
    starts.sort();
    let mut numbers = [0i32; 2];
    let mut stories: Vec<Story> = starts
        .into_iter()
        .map(|created| story(&mut rng, as_of, created, cast, classification, &mut numbers))
        .collect();
    // Reply tokens from their own sequence, so they leave every other draw as it was.
    let mut tokens = Rng::new(0xD3E0_0004);
    for story in &mut stories {
        story.ticket.reply_token = ferrodesk_mail::reply_token(|| tokens.below(32) as usize);
    }
    stories
}

fn story(
    rng: &mut Rng,
    as_of: DateTime<Utc>,
    created: DateTime<Utc>,
    cast: &Cast,
    classification: &Classification,
    numbers: &mut [i32; 2],
) -> Story {
    let s = scenario(rng);
    let (requester, requester_first) = rng.pick(&cast.requesters).clone();
    let agent = match s.dept {
        Dept::Hr => cast.agents[4],
        Dept::Facilities => cast.agents[3],
        // The visitor (the demo admin) has a little work of their own, so "My open" is not empty.
        Dept::It if rng.chance(6) => (cast.admin, super::scenarios::ADMIN.0),
        Dept::It => *rng.pick(&cast.agents[..4]),
    };
    let impact = shifted(s.impact, rng);
    let urgency = shifted_urgency(s.urgency, rng);
    let priority = Priority::from_matrix(impact, urgency);
    let channel = *rng
        .pick(&["email", "email", "email", "email", "portal", "portal", "portal", "phone", "phone", "web"]);
    let by_agent = matches!(channel, "phone" | "web");
    let kind_index = usize::from(s.kind == TicketKind::ServiceRequest);
    numbers[kind_index] += 1;
    let subject = (*rng.pick(s.subjects)).to_owned();
    let department = classification.department(s.dept);
    let category = classification.category(s.dept, s.category);
    let id = rng.uuid_at(created);
    let tags: Vec<&'static str> = s.tags.to_vec();
    let mut w = Writer { rng, ticket: id, channel, messages: Vec::new(), events: Vec::new() };

    let creator = if by_agent { agent.0 } else { requester };
    let created_changes = json!({
        "kind": s.kind, "subject": subject, "status": TicketStatus::New, "priority": priority.to_string(),
        "requester": requester, "assignee": null, "category": category, "tags": tags, "channel": channel,
        "number": numbers[kind_index],
    });
    let created_event = w.event(created, Some(creator), "ticket.created", created_changes.clone());

    let (response, resolution) = delays(w.rng, priority);
    // Most stories run to their end; a few stall waiting on the requester or on the team.
    // Only recent work is still stuck: older stalls would long since have been chased and closed.
    let recent = as_of - created < Duration::days(14);
    let stalls = w.rng.chance(10) && recent;
    // Some tickets wait for triage a good while (the Unassigned view is never empty).
    let fresh = as_of - created < Duration::days(1);
    let slow_triage = w.rng.chance(12) || (fresh && w.rng.chance(40));
    let waits_on_requester = w.rng.chance(if recent { 50 } else { 35 });
    let reopens = w.rng.chance(5);
    let with_note = w.rng.chance(30);
    let greet = |text: &str| format!("Hi {requester_first},\n\n{text}\n\n{}", first_name(agent.1));
    let sign = |text: &str| format!("{text}\n\n{requester_first}");

    let mut status = TicketStatus::New;
    let mut assignee = None;
    let mut first_response_at = None;
    let mut resolved_at = None;
    let mut closed_at = None;
    let mut reopen_count = 0;
    let mut last = created;
    // Each step happens only if its time has come by the anchor; the ticket's state is where the
    // story has got to.
    'story: {
        let assigned = if slow_triage {
            created + w.rng.minutes(360, 4_000)
        } else {
            created + w.rng.minutes(2, response.num_minutes().max(3))
        };
        if assigned >= as_of {
            break 'story;
        }
        w.event(
            assigned,
            Some(agent.0),
            "ticket.updated",
            json!({ "assignee": { "from": null, "to": agent.0 }, "status": { "from": status, "to": TicketStatus::Open } }),
        );
        (status, assignee, last) = (TicketStatus::Open, Some(agent.0), assigned);

        let answered = (created + response).max(assigned + Duration::minutes(1));
        if answered >= as_of {
            break 'story;
        }
        w.message(answered, agent.0, true, false, greet(s.reply), None);
        (first_response_at, last) = (Some(answered), answered);
        if with_note {
            let at = answered + w.rng.minutes(1, 30);
            if at < as_of {
                w.message(at, agent.0, true, true, s.note.to_owned(), None);
                last = at;
            }
        }
        let mut working_from = answered;
        if waits_on_requester {
            w.status(answered + Duration::minutes(1), Some(agent.0), status, TicketStatus::Pending);
            (status, last) = (TicketStatus::Pending, answered + Duration::minutes(1));
            if stalls {
                break 'story;
            }
            let replied = answered + w.rng.minutes(20, 1_800);
            if replied >= as_of {
                break 'story;
            }
            w.message(
                replied,
                requester,
                false,
                false,
                sign(s.follow_up),
                Some((status, TicketStatus::Open)),
            );
            (status, last, working_from) = (TicketStatus::Open, replied, replied);
        } else if stalls {
            break 'story;
        }

        let resolved = working_from.max(created + resolution);
        if resolved >= as_of {
            break 'story;
        }
        w.message(resolved, agent.0, true, false, greet(s.resolution), None);
        w.status(resolved + Duration::seconds(30), Some(agent.0), status, TicketStatus::Resolved);
        (status, resolved_at, last) =
            (TicketStatus::Resolved, Some(resolved), resolved + Duration::seconds(30));

        let mut closing_from = resolved;
        if reopens {
            let back = resolved + w.rng.minutes(60, 2_000);
            if back >= as_of {
                break 'story;
            }
            let body = sign("Sorry, this has started happening again since this morning.");
            w.message(back, requester, false, false, body, Some((status, TicketStatus::Open)));
            (status, resolved_at, reopen_count, last) = (TicketStatus::Open, None, 1, back);
            let fixed = back + w.rng.minutes(60, 1_500);
            if fixed >= as_of {
                break 'story;
            }
            let body = greet(
                "Found the remaining cause and fixed it properly this time. Resolving again; thanks for your patience.",
            );
            w.message(fixed, agent.0, true, false, body, None);
            w.status(fixed + Duration::seconds(30), Some(agent.0), status, TicketStatus::Resolved);
            (status, resolved_at, last) =
                (TicketStatus::Resolved, Some(fixed), fixed + Duration::seconds(30));
            closing_from = fixed;
        }
        // Resolved tickets close after three quiet days.
        let closed = closing_from + Duration::days(3);
        if closed >= as_of {
            break 'story;
        }
        w.status(closed, None, status, TicketStatus::Closed);
        (status, closed_at, last) = (TicketStatus::Closed, Some(closed), closed);
    }

    let Writer { messages, events, .. } = w;
    Story {
        ticket: Ticket {
            id,
            reply_token: String::new(),
            kind: s.kind.as_str(),
            number: numbers[kind_index],
            subject,
            description: sign(s.description),
            status: status.as_str(),
            priority: priority.level(),
            impact: Some(impact.as_str()),
            urgency: Some(urgency.as_str()),
            channel,
            department_id: department,
            category_id: category,
            requester_id: requester,
            assignee_id: assignee,
            created_by: Some(creator),
            tags,
            created_at: created,
            updated_at: last,
            first_response_at,
            resolved_at,
            closed_at,
            reopen_count,
            sla: SlaColumns::default(),
            event_id: created_event,
            event_changes: created_changes,
        },
        department,
        messages,
        events,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anchor() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 22, 3, 0, 0).single().expect("a valid instant")
    }

    #[test]
    fn the_same_anchor_gives_the_same_dataset() {
        let digest = |as_of| {
            let cast = cast(as_of);
            let classification = classification(as_of, Vec::new());
            let stories = stories(as_of, &cast, &classification);
            stories
                .iter()
                .map(|s| format!("{}{}{}{}", s.ticket.id, s.ticket.subject, s.ticket.status, s.events.len()))
                .collect::<String>()
        };
        assert_eq!(digest(anchor()), digest(anchor()));
        assert_ne!(digest(anchor()), digest(anchor() + Duration::days(1)));
    }

    #[test]
    fn people_keep_their_ids_across_anchors() {
        let a = cast(anchor());
        let b = cast(anchor() + Duration::days(30));
        assert_eq!(a.admin, b.admin);
        assert_eq!(
            a.people.iter().map(|p| p.id).collect::<Vec<_>>(),
            b.people.iter().map(|p| p.id).collect::<Vec<_>>()
        );
        assert_eq!(a.requesters.len(), EMPLOYEES);
        let emails: std::collections::HashSet<_> = a.people.iter().map(|p| p.email.as_str()).collect();
        assert_eq!(emails.len(), a.people.len(), "emails are unique");
    }

    #[test]
    fn the_dataset_looks_like_a_real_helpdesk() {
        let as_of = anchor();
        let cast = cast(as_of);
        let classification = classification(as_of, Vec::new());
        let stories = stories(as_of, &cast, &classification);
        assert_eq!(stories.len(), TICKETS);
        let count = |status: &str| stories.iter().filter(|s| s.ticket.status == status).count();
        let open = count("new") + count("open") + count("pending");
        assert!(count("closed") > TICKETS / 2, "most history is closed: {}", count("closed"));
        assert!((40..300).contains(&open), "a believable open backlog: {open}");
        assert!(count("pending") > 10, "some wait on requesters: {}", count("pending"));
        assert!(stories.iter().any(|s| s.ticket.reopen_count > 0), "some were reopened");
        assert!(stories.iter().all(|s| s.ticket.created_at >= as_of - Duration::days(HISTORY_DAYS + 1)));
        assert!(
            stories.iter().flat_map(|s| &s.events).all(|e| e.created_at < as_of),
            "nothing in the future"
        );
        let numbers: std::collections::HashSet<_> =
            stories.iter().map(|s| (s.ticket.kind, s.ticket.number)).collect();
        assert_eq!(numbers.len(), TICKETS, "numbers are unique per kind");
        for dept in [Dept::It, Dept::Hr, Dept::Facilities] {
            assert!(stories.iter().any(|s| s.department == classification.department(dept)));
        }
    }
}
