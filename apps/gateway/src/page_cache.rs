//! Ticket pages kept between requests (docs/ARCHITECTURE.md, "Ticket pages kept between
//! requests"). Agents keep their queue open and refetch it on every change and every return to
//! the tab; most of those refetches find nothing changed. A page is the GraphQL response to a
//! `tickets` query, kept per member, query text, operation and variables, under the version of
//! what pages are made of (`Db::page_version`, migration `…11_page_versions`). A request whose
//! version is still the one its page was made under gets the page back without the query being
//! executed: one statement instead of a transaction, and no GraphQL execution.
//!
//! What makes a hit the answer the query would have given:
//! - **Only documents whose every field is a pure function of the versioned rows** are cached:
//!   [`is_ticket_page`] walks the document against a list of such fields (the ticket's columns,
//!   its people, category and stored SLA state; not its conversation, history or SLA
//!   explanation, which read other tables). Anything else is executed as always.
//! - **The version changes in the transaction that changes the rows.** A page is stored under
//!   the version read *before* its query ran, so it can hold newer rows than its version, never
//!   older ones.
//! - **The clock.** A page's breach flags turn at the due instants on it, so it expires at the
//!   earliest one (the `tickets` resolver reports it through [`PageFill`]); filters that compare
//!   with the clock (`slaBreached`, `slaAtRisk`) or read the conversation (`search`) are not
//!   cached at all. [`MAX_AGE`] bounds anything else.
//! - **Per member**: the key holds the organisation and the user, and the version check is the
//!   member's own (it fails for someone no longer an active member, who then goes the uncached
//!   way and is refused there).

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use async_graphql::Positioned;
use async_graphql::parser::types::{
    Directive, DocumentOperations, ExecutableDocument, OperationType, Selection, SelectionSet,
};
use axum::body::Bytes;
use chrono::{DateTime, Utc};
use ferrodesk_core::Principal;
use ferrodesk_db::Db;
use ferrodesk_domain::{OrgId, UserId};

/// The longest a page is served from memory, whatever else holds. Versions make this a bound
/// for the unforeseen (a change made with triggers disabled, by hand), not the expected path.
pub const MAX_AGE: Duration = Duration::from_secs(300);

/// Documents whose verdict is remembered (by text); past this the memory starts again.
const MAX_VERDICTS: usize = 512;
/// Longer documents are never pages, so neither verdicts nor keys hold large texts (the web
/// app's queue is under 1 KB).
const MAX_DOCUMENT_BYTES: usize = 16 * 1024;

/// Fields whose value is a function of the rows `page_versions` covers alone: (parent type,
/// field, `Some(child type)` for objects or `None` for leaves). Anything not listed makes a
/// document uncacheable, so a field added to `Ticket` is safe until someone lists it here (and a
/// test checks that every listed field exists with the listed type).
const PURE_FIELDS: &[(&str, &str, Option<&str>)] = &[
    ("Query", "tickets", Some("TicketConnection")),
    ("TicketConnection", "edges", Some("TicketEdge")),
    ("TicketConnection", "nodes", Some("Ticket")),
    ("TicketConnection", "pageInfo", Some("PageInfo")),
    ("TicketEdge", "cursor", None),
    ("TicketEdge", "node", Some("Ticket")),
    ("PageInfo", "hasNextPage", None),
    ("PageInfo", "hasPreviousPage", None),
    ("PageInfo", "startCursor", None),
    ("PageInfo", "endCursor", None),
    ("Ticket", "id", None),
    ("Ticket", "number", None),
    ("Ticket", "kind", None),
    ("Ticket", "subject", None),
    ("Ticket", "description", None),
    ("Ticket", "status", None),
    ("Ticket", "priority", None),
    ("Ticket", "impact", None),
    ("Ticket", "urgency", None),
    ("Ticket", "channel", None),
    ("Ticket", "tags", None),
    ("Ticket", "createdAt", None),
    ("Ticket", "updatedAt", None),
    ("Ticket", "firstResponseAt", None),
    ("Ticket", "resolvedAt", None),
    ("Ticket", "closedAt", None),
    ("Ticket", "reopenCount", None),
    ("Ticket", "requester", Some("Person")),
    ("Ticket", "assignee", Some("User")),
    ("Ticket", "category", Some("Category")),
    ("Ticket", "sla", Some("TicketSla")),
    ("Person", "id", None),
    ("Person", "name", None),
    ("Person", "email", None),
    ("User", "id", None),
    ("User", "name", None),
    ("User", "email", None),
    ("User", "role", None),
    ("User", "status", None),
    ("Category", "id", None),
    ("Category", "name", None),
    ("Category", "parentId", None),
    ("Category", "departmentId", None),
    ("Category", "position", None),
    ("TicketSla", "responseDueAt", None),
    ("TicketSla", "resolutionDueAt", None),
    ("TicketSla", "responseBreached", None),
    ("TicketSla", "resolutionBreached", None),
    ("TicketSla", "responseAtRiskAt", None),
    ("TicketSla", "resolutionAtRiskAt", None),
    ("TicketSla", "paused", None),
];

fn child_type(parent: &str, field: &str) -> Option<Option<&'static str>> {
    PURE_FIELDS.iter().find(|(p, f, _)| *p == parent && *f == field).map(|(_, _, child)| *child)
}

/// Whether the operation to run is a query made only of fields listed in `child_type`.
pub fn is_ticket_page(document: &ExecutableDocument, operation_name: Option<&str>) -> bool {
    let operation = match (&document.operations, operation_name) {
        (DocumentOperations::Single(op), _) => Some(op),
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name),
        // A named operation alone is still the one to run; among several, none is chosen.
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => ops.values().next(),
        (DocumentOperations::Multiple(_), None) => None,
    };
    operation.is_some_and(|op| {
        op.node.ty == OperationType::Query
            && plain(&op.node.directives)
            && pure(document, &op.node.selection_set.node, "Query", 0)
    })
}

fn pure(document: &ExecutableDocument, set: &SelectionSet, ty: &str, depth: usize) -> bool {
    // Deeper than any listed path goes: only fragments nested in fragments get here.
    if depth > 12 {
        return false;
    }
    set.items.iter().all(|item| match &item.node {
        Selection::Field(field) => {
            let field = &field.node;
            let name = field.name.node.as_str();
            if !plain(&field.directives) {
                return false;
            }
            if name == "__typename" {
                return true;
            }
            match child_type(ty, name) {
                None => false,
                Some(None) => field.selection_set.node.items.is_empty(),
                Some(Some(child)) => pure(document, &field.selection_set.node, child, depth + 1),
            }
        }
        Selection::InlineFragment(fragment) => {
            let fragment = &fragment.node;
            plain(&fragment.directives)
                && fragment.type_condition.as_ref().is_none_or(|c| c.node.on.node.as_str() == ty)
                && pure(document, &fragment.selection_set.node, ty, depth + 1)
        }
        Selection::FragmentSpread(spread) => {
            let spread = &spread.node;
            plain(&spread.directives)
                && document.fragments.get(&spread.fragment_name.node).is_some_and(|definition| {
                    let definition = &definition.node;
                    plain(&definition.directives)
                        && definition.type_condition.node.on.node.as_str() == ty
                        && pure(document, &definition.selection_set.node, ty, depth + 1)
                })
        }
    })
}

/// `@include` and `@skip` only: their outcome is decided by the variables, which are part of
/// the key.
fn plain(directives: &[Positioned<Directive>]) -> bool {
    directives.iter().all(|d| matches!(d.node.name.node.as_str(), "include" | "skip"))
}

/// What a page is kept under: whose it is, and exactly what was asked.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PageKey {
    org: OrgId,
    user: UserId,
    query: String,
    operation: Option<String>,
    variables: String,
}

impl PageKey {
    fn bytes(&self) -> usize {
        self.query.len() + self.operation.as_ref().map_or(0, String::len) + self.variables.len()
    }
}

struct Page {
    version: i64,
    expires: Instant,
    body: Bytes,
}

/// Two generations instead of per-entry recency: pages are looked up in the current one, then
/// in the previous one (and moved up when found there); once the current generation holds half
/// the budget, it becomes the previous one and the old previous one is dropped. Pages in use
/// survive, the others go, and a hit costs no bookkeeping.
#[derive(Default)]
struct Generations {
    current: HashMap<PageKey, Page>,
    current_bytes: usize,
    previous: HashMap<PageKey, Page>,
}

/// A per-request report from the resolvers: whether what they read may be kept, and until when.
#[derive(Debug, Default)]
pub struct PageFill {
    state: Mutex<FillState>,
}

#[derive(Debug, Default)]
struct FillState {
    /// A `tickets` resolver ran and vouched for its part.
    vouched: bool,
    refused: bool,
    until: Option<DateTime<Utc>>,
}

impl PageFill {
    /// The resolver's part may be kept until `until` (`None`: no limit of its own).
    pub fn keep_until(&self, until: Option<DateTime<Utc>>) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.vouched = true;
        state.until = match (state.until, until) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }

    /// The resolver's part must not be kept (it depends on the clock or on other tables).
    pub fn refuse(&self) {
        self.state.lock().unwrap_or_else(PoisonError::into_inner).refused = true;
    }

    /// How long the page may be kept from `now`, if at all.
    fn lifetime(&self, now: DateTime<Utc>) -> Option<Duration> {
        let state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        if !state.vouched || state.refused {
            return None;
        }
        match state.until {
            None => Some(MAX_AGE),
            Some(until) => (until - now).to_std().ok().filter(|d| !d.is_zero()).map(|d| d.min(MAX_AGE)),
        }
    }
}

/// What the transport does with a request.
pub enum Lookup {
    /// Not a page: execute as always.
    Pass,
    /// The kept page, as the response body.
    Hit(Bytes),
    /// Execute with `fill` in the request's context, then offer the response to `keep`.
    Miss { key: PageKey, version: i64, fill: std::sync::Arc<PageFill> },
}

pub struct PageCache {
    budget_bytes: usize,
    pages: Mutex<Generations>,
    /// Whether a (query text, operation) is a page, so a hit is answered without parsing.
    verdicts: Mutex<HashMap<(String, Option<String>), bool>>,
}

impl PageCache {
    pub fn new(budget_bytes: usize) -> Self {
        Self { budget_bytes, pages: Mutex::default(), verdicts: Mutex::default() }
    }

    /// Decides how to answer `request` for `principal`. Parses the document only the first time
    /// its text is seen (execution reuses the parse).
    pub async fn lookup(
        &self,
        db: &Db,
        principal: Principal,
        request: &mut async_graphql::Request,
    ) -> Lookup {
        if !request.extensions.is_empty() || request.query.len() > MAX_DOCUMENT_BYTES {
            return Lookup::Pass;
        }
        // The document's text, copied once: it looks up the verdict, then goes into the key.
        let document = (request.query.clone(), request.operation_name.clone());
        if !self.is_page(&document, request) {
            return Lookup::Pass;
        }
        let Ok(variables) = serde_json::to_string(&request.variables) else { return Lookup::Pass };
        let (query, operation) = document;
        let key = PageKey { org: principal.org_id, user: principal.user_id, query, operation, variables };
        let version = match db.page_version(principal.org_id, principal.user_id).await {
            Ok(Some(version)) => version,
            // Not a member any more, or the database is away: the uncached way says which.
            Ok(None) | Err(_) => return Lookup::Pass,
        };
        match self.get(&key, version) {
            Some(body) => {
                metrics::counter!("graphql_page_cache_total", "result" => "hit").increment(1);
                Lookup::Hit(body)
            }
            None => {
                metrics::counter!("graphql_page_cache_total", "result" => "miss").increment(1);
                Lookup::Miss { key, version, fill: std::sync::Arc::default() }
            }
        }
    }

    /// Whether `document` (the request's query text and operation name) is a page.
    fn is_page(&self, document: &(String, Option<String>), request: &mut async_graphql::Request) -> bool {
        if let Some(&known) = self.verdicts.lock().unwrap_or_else(PoisonError::into_inner).get(document) {
            return known;
        }
        // A document that does not parse is not a page; execution reports why.
        let verdict =
            request.parsed_query().is_ok_and(|parsed| is_ticket_page(parsed, document.1.as_deref()));
        let mut verdicts = self.verdicts.lock().unwrap_or_else(PoisonError::into_inner);
        if verdicts.len() >= MAX_VERDICTS {
            verdicts.clear();
        }
        verdicts.insert(document.clone(), verdict);
        verdict
    }

    fn get(&self, key: &PageKey, version: i64) -> Option<Bytes> {
        let now = Instant::now();
        let mut pages = self.pages.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(page) = pages.current.get(key) {
            return (page.version == version && page.expires > now).then(|| page.body.clone());
        }
        let page = pages.previous.remove(key)?;
        if page.version != version || page.expires <= now {
            return None;
        }
        let body = page.body.clone();
        pages.insert(key.clone(), page, self.budget_bytes);
        Some(body)
    }

    /// Keeps a response made under `version`, if the resolvers vouched for it.
    pub fn keep(&self, key: PageKey, version: i64, fill: &PageFill, body: Bytes) {
        let Some(lifetime) = fill.lifetime(Utc::now()) else { return };
        if key.bytes() + body.len() > self.budget_bytes / 2 {
            return;
        }
        let page = Page { version, expires: Instant::now() + lifetime, body };
        self.pages.lock().unwrap_or_else(PoisonError::into_inner).insert(key, page, self.budget_bytes);
    }
}

impl Generations {
    fn insert(&mut self, key: PageKey, page: Page, budget_bytes: usize) {
        let size = key.bytes() + page.body.len();
        if self.current_bytes + size > budget_bytes / 2 {
            self.previous = std::mem::take(&mut self.current);
            self.current_bytes = 0;
        }
        self.previous.remove(&key);
        self.current_bytes += size;
        let key_bytes = key.bytes();
        if let Some(old) = self.current.insert(key, page) {
            self.current_bytes = self.current_bytes.saturating_sub(key_bytes + old.body.len());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(query: &str, operation: Option<&str>) -> bool {
        let document = async_graphql::parser::parse_query(query).unwrap();
        is_ticket_page(&document, operation)
    }

    /// The web app's queue (web/src/pages/agent/Queue.tsx).
    const WEB_QUEUE: &str =
        "query Queue($first: Int!, $after: String, $filter: TicketFilter, $orderBy: TicketOrder) {
        tickets(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
          edges { node { id number kind subject status priority updatedAt tags
            requester { id name } assignee { id name } category { id name }
            sla { responseDueAt resolutionDueAt responseBreached resolutionBreached
                  responseAtRiskAt resolutionAtRiskAt paused } } }
          pageInfo { hasNextPage endCursor } } }";

    #[test]
    fn queue_documents_are_pages() {
        assert!(page(WEB_QUEUE, None));
        assert!(page("{ tickets(first: 5) { nodes { id __typename sla { paused } } } }", None));
        assert!(page(
            "query Q($all: Boolean!) { tickets { ...T } } fragment T on TicketConnection { \
             edges @include(if: $all) { cursor node { ... on Ticket { number } } } }",
            Some("Q")
        ));
    }

    #[test]
    fn anything_else_is_executed() {
        // Fields that read other tables, or the clock.
        assert!(!page("{ tickets { nodes { messages { edges { cursor } } } } }", None));
        assert!(!page("{ tickets { nodes { events { edges { cursor } } } } }", None));
        assert!(!page("{ tickets { nodes { attachments { id } } } }", None));
        assert!(!page("{ tickets { nodes { sla { explanation { label } } } } }", None));
        // Other roots, mutations, subscriptions.
        assert!(!page("{ tickets { nodes { id } } viewer { id } }", None));
        assert!(!page("{ ticket(number: \"INC-1\") { id } }", None));
        assert!(!page("mutation { logOut }", None));
        assert!(!page("subscription { ticketChanged { number } }", None));
        // A fragment on another type, an unknown fragment, an unknown directive.
        assert!(!page("{ tickets { ...F } } fragment F on Query { viewer { id } }", None));
        assert!(!page("{ tickets { ...Missing } }", None));
        assert!(!page("{ tickets @deprecated { nodes { id } } }", None));
        // Several operations and no name to choose one.
        assert!(!page("query A { tickets { nodes { id } } } query B { tickets { nodes { id } } }", None));
        assert!(page("query A { tickets { nodes { id } } } query B { viewer { id } }", Some("A")));
        assert!(!page("query A { tickets { nodes { id } } } query B { viewer { id } }", Some("B")));
    }

    #[tokio::test]
    async fn every_listed_field_exists_with_the_listed_type() {
        let schema = crate::graphql::build_schema();
        for (parent, field, child) in PURE_FIELDS {
            let query = format!(
                "{{ __type(name: \"{parent}\") {{ fields {{ name type {{ name kind ofType {{ name kind \
                 ofType {{ name kind ofType {{ name kind }} }} }} }} }} }} }}"
            );
            let json = schema.execute(query).await.data.into_json().unwrap();
            let found = json["__type"]["fields"]
                .as_array()
                .unwrap_or_else(|| panic!("no type {parent}"))
                .iter()
                .find(|f| f["name"] == *field)
                .unwrap_or_else(|| panic!("no field {parent}.{field}"))
                .clone();
            let mut ty = &found["type"];
            while ty["name"].is_null() {
                ty = &ty["ofType"];
            }
            match child {
                Some(child) => assert_eq!(ty["name"], *child, "{parent}.{field}"),
                None => assert!(ty["kind"] == "SCALAR" || ty["kind"] == "ENUM", "{parent}.{field} is a leaf"),
            }
        }
    }

    #[test]
    fn fragments_that_nest_without_end_are_refused() {
        assert!(!page("{ tickets { ...A } } fragment A on TicketConnection { ...A }", None));
    }

    fn key(query: &str) -> PageKey {
        PageKey {
            org: OrgId::generate(),
            user: UserId::generate(),
            query: query.into(),
            operation: None,
            variables: "{}".into(),
        }
    }

    fn vouched(until: Option<DateTime<Utc>>) -> PageFill {
        let fill = PageFill::default();
        fill.keep_until(until);
        fill
    }

    #[test]
    fn a_page_is_served_only_under_its_version_and_before_it_expires() {
        let cache = PageCache::new(1 << 20);
        let k = key("{ tickets { nodes { id } } }");
        cache.keep(k.clone(), 7, &vouched(None), Bytes::from_static(b"{\"data\":1}"));
        assert_eq!(cache.get(&k, 7).as_deref(), Some(&b"{\"data\":1}"[..]));
        assert_eq!(cache.get(&k, 8), None);
        // Another member asking the same thing has their own page.
        assert_eq!(cache.get(&key("{ tickets { nodes { id } } }"), 7), None);

        let soon = key("{ tickets { nodes { id sla { paused } } } }");
        cache.keep(soon.clone(), 7, &vouched(Some(Utc::now() - chrono::Duration::seconds(1))), Bytes::new());
        assert_eq!(cache.get(&soon, 7), None, "a page already past a due instant is not kept");
    }

    #[test]
    fn nothing_is_kept_without_a_voucher_or_with_a_refusal() {
        let cache = PageCache::new(1 << 20);
        let k = key("{ tickets { nodes { id } } }");
        cache.keep(k.clone(), 1, &PageFill::default(), Bytes::from_static(b"x"));
        assert_eq!(cache.get(&k, 1), None);
        let refused = vouched(None);
        refused.refuse();
        cache.keep(k.clone(), 1, &refused, Bytes::from_static(b"x"));
        assert_eq!(cache.get(&k, 1), None);
    }

    #[test]
    fn the_budget_drops_pages_not_used_since_the_last_generation() {
        let cache = PageCache::new(4_000);
        let body = Bytes::from(vec![b'x'; 600]);
        let keys: Vec<PageKey> =
            (0..8).map(|i| key(&format!("{{ tickets(first: {i}) {{ nodes {{ id }} }} }}"))).collect();
        for k in &keys[..3] {
            cache.keep(k.clone(), 1, &vouched(None), body.clone());
        }
        // Used while the next pages come in: it moves up and stays.
        for k in &keys[3..] {
            assert!(cache.get(&keys[0], 1).is_some());
            cache.keep(k.clone(), 1, &vouched(None), body.clone());
        }
        assert!(cache.get(&keys[0], 1).is_some());
        assert!(cache.get(&keys[1], 1).is_none(), "an unused page went with its generation");
        let pages = cache.pages.lock().unwrap();
        let held: usize = pages.current.values().chain(pages.previous.values()).map(|p| p.body.len()).sum();
        assert!(held <= 4_000, "held {held} bytes");
    }
}
