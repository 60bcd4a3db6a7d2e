//! The GraphQL schema, the public contract (committed as web/schema.graphql): Relay-style
//! connections with opaque keyset cursors, global ids through `node(id:)`, and errors with a
//! stable `extensions.code`.

mod accounts;
mod billing;
mod classification;
mod demo;
mod jobs;
pub(crate) mod live;
pub(crate) mod mail;
mod node;
mod notifications;
mod organization;
mod reports;
mod sla;
mod tickets;

use std::sync::{Arc, Mutex};

use async_graphql::connection::{Connection, Edge};
use async_graphql::{ErrorExtensions, MergedObject, OutputType, Schema, ServerError, Value};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ferrodesk_core::{AppError, Principal};
use ferrodesk_db::TenantTx;
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::state::AppState;
use live::LiveSubscription;

// Each concept's file (`accounts`, `tickets`, `sla`, …) holds its queries, mutations and types,
// merged here. (The doc comment below is the root types' description in the schema.)
/// The root types are merged from each module's own, so a module adds its operations in its file.
#[derive(MergedObject, Default)]
pub struct Query(
    accounts::AccountsQuery,
    organization::OrganizationQuery,
    tickets::TicketsQuery,
    node::NodeQuery,
    sla::SlaQuery,
    notifications::NotificationsQuery,
    reports::ReportsQuery,
    mail::MailQuery,
    jobs::JobsQuery,
    demo::DemoQuery,
);

#[derive(MergedObject, Default)]
pub struct Mutation(
    accounts::AccountsMutation,
    tickets::TicketsMutation,
    sla::SlaMutation,
    notifications::NotificationsMutation,
    mail::MailMutation,
    jobs::JobsMutation,
    billing::BillingMutation,
    classification::ClassificationMutation,
);

pub type AppSchema = Schema<Query, Mutation, LiveSubscription>;

/// Limits that keep a single request cheap: nesting depth and total field cost. A field that
/// opens a transaction of its own costs [`TX`], times the page it sits in; root fields each open
/// one too, and there are at most [`MAX_ROOT_FIELDS`] of them (aliases counted), see `admission`.
const MAX_DEPTH: usize = 12;
const MAX_COMPLEXITY: usize = 5_000;
pub(crate) const TX: usize = 20;
/// The largest page a connection returns.
pub const MAX_PAGE: i32 = 100;

/// The schema served over HTTP. It has no extensions: the handler admits each request itself
/// (`crate::admission`), with the document it parsed once, which execution reuses. (An
/// extension, even one that only looks at parsing, sends every resolved field through
/// async-graphql's extension chain: boxed futures per field and extension, seen on every field
/// of the agent queue's profile.)
pub fn build_schema() -> AppSchema {
    builder().finish()
}

pub(crate) fn builder() -> async_graphql::SchemaBuilder<Query, Mutation, LiveSubscription> {
    Schema::build(Query::default(), Mutation::default(), LiveSubscription)
        .limit_depth(MAX_DEPTH)
        .limit_complexity(MAX_COMPLEXITY)
        .limit_recursive_depth(32)
}

/// The schema in SDL, for clients' code generation (`ferrodesk schema`).
pub fn sdl() -> String {
    build_schema().sdl()
}

/// A session cookie to set: its token, and whether it outlives the browser (demo sessions do not).
pub struct SessionCookie {
    pub token: String,
    pub persistent: bool,
}

/// Per-request context: who is calling, from where, and a slot for the session cookie that a
/// mutation (logIn, logOut…) wants set on the response (`Some(None)` clears it).
pub struct RequestCtx {
    pub principal: Option<Principal>,
    pub session_token: Option<String>,
    /// The credential as sent (session or API token; "" when none), for the request limits.
    pub credential: String,
    pub client_ip: String,
    pub set_cookie: Arc<Mutex<Option<Option<SessionCookie>>>>,
    /// Set when the response may become a kept ticket page: resolvers report whether, and
    /// until when (`crate::page_cache`).
    pub page_fill: Option<Arc<crate::page_cache::PageFill>>,
}

impl RequestCtx {
    pub fn set_session_cookie(&self, token: Option<SessionCookie>) {
        if let Ok(mut slot) = self.set_cookie.lock() {
            *slot = Some(token);
        }
    }
}

pub(crate) fn app<'a>(ctx: &async_graphql::Context<'a>) -> &'a AppState {
    ctx.data_unchecked::<AppState>()
}

pub(crate) fn request<'a>(ctx: &async_graphql::Context<'a>) -> &'a RequestCtx {
    ctx.data_unchecked::<RequestCtx>()
}

/// The signed-in caller, or UNAUTHENTICATED.
pub(crate) fn principal(ctx: &async_graphql::Context<'_>) -> async_graphql::Result<Principal> {
    request(ctx).principal.ok_or_else(|| gql_error(AppError::Unauthenticated))
}

/// Opens the caller's tenant transaction, or fails with UNAUTHENTICATED.
pub(crate) async fn tenant(ctx: &async_graphql::Context<'_>) -> async_graphql::Result<TenantTx> {
    ferrodesk_core::enter(&app(ctx).db, principal(ctx)?).await.map_err(gql_error)
}

/// The one mapping from use-case errors to GraphQL errors. Internal causes are logged with
/// their chain and replaced by a generic message.
pub(crate) fn gql_error(err: AppError) -> async_graphql::Error {
    if let AppError::Internal(cause) = &err {
        tracing::error!(error = format!("{cause:#}"), "internal error");
    }
    let code = err.code();
    let field = err.field();
    let retry = match &err {
        AppError::RateLimited { retry_after_secs } => Some(*retry_after_secs),
        _ => None,
    };
    async_graphql::Error::new(err.to_string()).extend_with(|_, ext| {
        ext.set("code", code);
        if let Some(field) = field {
            ext.set("field", field);
        }
        if let Some(retry) = retry {
            ext.set("retryAfterSeconds", retry);
        }
    })
}

pub(crate) trait OrGql<T> {
    fn gql(self) -> async_graphql::Result<T>;
}

impl<T, E: Into<AppError>> OrGql<T> for Result<T, E> {
    fn gql(self) -> async_graphql::Result<T> {
        self.map_err(|e| gql_error(e.into()))
    }
}

/// Gives every error a code: parse and validation errors (including the depth and complexity
/// limits) are the client's; anything else without a code is internal.
pub fn with_error_codes(mut response: async_graphql::Response) -> async_graphql::Response {
    for error in &mut response.errors {
        let has_code = error.extensions.as_ref().is_some_and(|e| e.get("code").is_some());
        if !has_code {
            let code = if error.path.is_empty() { "BAD_USER_INPUT" } else { "INTERNAL" };
            if code == "INTERNAL" {
                tracing::error!(message = %error.message, "resolver error without a code");
                *error = ServerError { message: "internal error".into(), ..error.clone() };
            }
            error.extensions.get_or_insert_with(Default::default).set("code", Value::from(code));
        }
    }
    response
}

/// Relay global ids: `base64url("Ticket:<uuid>")`.
pub(crate) fn global_id(type_name: &str, id: Uuid) -> async_graphql::ID {
    async_graphql::ID(URL_SAFE_NO_PAD.encode(format!("{type_name}:{id}")))
}

/// Decodes a global id of the expected type. Any malformed or mistyped id is NOT_FOUND, the same
/// answer as an id that exists in another organisation.
pub(crate) fn parse_global_id(type_name: &'static str, id: &async_graphql::ID) -> Result<Uuid, AppError> {
    let decoded = URL_SAFE_NO_PAD.decode(id.as_str()).ok().and_then(|b| String::from_utf8(b).ok());
    decoded
        .as_deref()
        .and_then(|s| s.split_once(':'))
        .filter(|(t, _)| *t == type_name)
        .and_then(|(_, uuid)| Uuid::parse_str(uuid).ok())
        .ok_or(AppError::NotFound(type_name))
}

pub(crate) fn decode_global_id(id: &async_graphql::ID) -> Option<(String, Uuid)> {
    let decoded = String::from_utf8(URL_SAFE_NO_PAD.decode(id.as_str()).ok()?).ok()?;
    let (t, uuid) = decoded.split_once(':')?;
    Some((t.to_owned(), Uuid::parse_str(uuid).ok()?))
}

pub(crate) fn encode_cursor<T: Serialize>(value: &T) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(value).unwrap_or_default())
}

pub(crate) fn decode_cursor<T: DeserializeOwned>(cursor: Option<&str>) -> Result<Option<T>, AppError> {
    cursor
        .map(|c| {
            URL_SAFE_NO_PAD
                .decode(c)
                .ok()
                .and_then(|b| serde_json::from_slice(&b).ok())
                .ok_or_else(|| AppError::bad_input("after", "this cursor is not one the API returned"))
        })
        .transpose()
}

/// A keyset connection's page from the rows read after the cursor, `limit + 1` of them: the
/// extra row only tells that a next page exists. `edge` gives each row's cursor key and node.
pub(crate) fn keyset_page<R, K: Serialize, N: OutputType>(
    mut rows: Vec<R>,
    limit: i64,
    after_cursor: bool,
    edge: impl Fn(R) -> (K, N),
) -> Connection<String, N> {
    let has_next = rows.len() as i64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    let mut connection = Connection::new(after_cursor, has_next);
    connection.edges.extend(rows.into_iter().map(|row| {
        let (key, node) = edge(row);
        Edge::new(encode_cursor(&key), node)
    }));
    connection
}

/// Validates `first`: 1 to MAX_PAGE, default `default`.
pub(crate) fn page_size(first: Option<i32>, default: i32) -> Result<i64, AppError> {
    match first.unwrap_or(default) {
        n if (1..=MAX_PAGE).contains(&n) => Ok(i64::from(n)),
        _ => Err(AppError::bad_input("first", format!("first must be between 1 and {MAX_PAGE}"))),
    }
}
