//! What a request may ask before any of it runs, the same at every door (docs/SECURITY.md,
//! "Every door"): `POST /graphql`, operations over the graphql-ws socket, and uploads and
//! downloads of attachments.
//!
//! - Requests per minute per client address, per credential (session or API token) and per
//!   organisation (`RATE_LIMIT_*`), counted in Redis so every replica shares them.
//! - A GraphQL operation asks for at most [`MAX_ROOT_FIELDS`] root fields, aliases counted: each
//!   opens a transaction of its own, and they run at once.
//! - Writes in the public demo count against the visitor's hourly cap, per session and per
//!   client address ([`ferrodesk_core::sandbox::WRITES_PER_HOUR`]).
//!
//! Read-only organisations are not checked here: the database refuses their writes.

use std::collections::HashSet;
use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, FragmentDefinition, OperationDefinition, OperationType,
    Selection, SelectionSet,
};
use async_graphql::{ErrorExtensions, Name, Pos, Positioned, ServerError, ServerResult, Variables};
use axum::http::StatusCode;
use axum::response::Response;
use ferrodesk_core::auth::token_hash;
use ferrodesk_core::sandbox::{self, Sandbox};
use ferrodesk_core::{AppError, Principal, demo};

use crate::graphql::RequestCtx;
use crate::http::transport::transport_error;
use crate::state::AppState;

/// Root fields (aliases counted) one GraphQL operation may select. The web app's largest page
/// asks for six.
pub const MAX_ROOT_FIELDS: usize = 20;
/// The window of the per-minute request limits.
const MINUTE: u64 = 60;

/// Who is asking, as the limits count them.
pub struct Knock<'a> {
    pub ip: &'a str,
    /// The session or API token as sent ("" when none).
    pub credential: &'a str,
    pub principal: Option<Principal>,
}

impl Knock<'_> {
    /// A credential's bucket name: part of its hash, never the token.
    fn credential_key(&self) -> Option<String> {
        (!self.credential.is_empty()).then(|| hex::encode(&token_hash(self.credential)[..12]))
    }
}

/// Why a request was turned away before it ran.
#[derive(Debug)]
pub enum Refusal {
    TooManyRootFields(usize),
    RateLimited {
        retry_after_secs: u64,
    },
    DemoWrites {
        retry_after_secs: u64,
    },
    /// Redis did not answer: the limits cannot be counted, so nothing runs.
    Unavailable,
}

impl Refusal {
    fn code(&self) -> &'static str {
        match self {
            Self::TooManyRootFields(_) => "BAD_USER_INPUT",
            Self::RateLimited { .. } | Self::DemoWrites { .. } => "RATE_LIMITED",
            Self::Unavailable => "INTERNAL",
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            Self::TooManyRootFields(_) => StatusCode::BAD_REQUEST,
            Self::RateLimited { .. } | Self::DemoWrites { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    fn message(&self) -> String {
        match self {
            Self::TooManyRootFields(n) => format!(
                "this operation selects {n} root fields (aliases count); at most {MAX_ROOT_FIELDS} are allowed"
            ),
            Self::RateLimited { retry_after_secs } => {
                format!("too many requests; try again in {retry_after_secs} seconds")
            }
            Self::DemoWrites { retry_after_secs } => format!(
                "The demo allows {} changes per hour per visitor; try again in {} minutes.",
                sandbox::WRITES_PER_HOUR.max,
                retry_after_secs.div_ceil(60)
            ),
            Self::Unavailable => "try again shortly".to_owned(),
        }
    }

    fn retry_after(&self) -> Option<u64> {
        match self {
            Self::RateLimited { retry_after_secs } | Self::DemoWrites { retry_after_secs } => {
                Some(*retry_after_secs)
            }
            _ => None,
        }
    }

    /// As an HTTP response shaped like any GraphQL error.
    pub fn into_response(self) -> Response {
        transport_error(self.status(), self.code(), &self.message())
    }

    fn into_server_error(self) -> ServerError {
        let (code, retry) = (self.code(), self.retry_after());
        async_graphql::Error::new(self.message())
            .extend_with(|_, ext| {
                ext.set("code", code);
                if let Some(retry) = retry {
                    ext.set("retryAfterSeconds", retry);
                }
            })
            .into_server_error(Pos::default())
    }
}

fn redis_trouble(e: AppError) -> Refusal {
    match e {
        AppError::RateLimited { retry_after_secs } => Refusal::RateLimited { retry_after_secs },
        other => {
            tracing::error!(error = ?other, "counting request limits");
            Refusal::Unavailable
        }
    }
}

/// Counts a request against the per-minute limits of its address, credential and organisation.
pub async fn rate_limit(state: &AppState, knock: &Knock<'_>) -> Result<(), Refusal> {
    let limits = state.rate_limits;
    let ip = format!("req-ip:{}", knock.ip);
    let credential = knock.credential_key().map(|k| format!("req-cred:{k}"));
    let org = knock.principal.map(|p| format!("req-org:{}", p.org_id));
    let mut buckets = vec![(ip.as_str(), limits.per_ip)];
    if let Some(credential) = &credential {
        buckets.push((credential.as_str(), limits.per_credential));
    }
    if let Some(org) = &org {
        buckets.push((org.as_str(), limits.per_org));
    }
    state.limiter.hit_all(MINUTE, &buckets).await.map_err(redis_trouble)
}

/// Counts a write in the demo against the visitor's hourly cap: per session, and per client
/// address (a visitor who starts new sessions keeps their address's count).
pub async fn demo_write(state: &AppState, knock: &Knock<'_>) -> Result<(), Refusal> {
    let Some(cap) = knock.principal.and_then(|p| Sandbox::of(p.org_id).writes_per_hour()) else {
        return Ok(());
    };
    let session = format!("demo-writes:{}", knock.credential_key().unwrap_or_default());
    let ip = format!("demo-writes-ip:{}", knock.ip);
    let per_ip = cap.max.saturating_mul(demo::SESSIONS_PER_IP.max.min(4));
    let buckets = [(session.as_str(), cap.max), (ip.as_str(), per_ip)];
    match state.limiter.hit_all(cap.window_secs, &buckets).await {
        Ok(()) => Ok(()),
        Err(AppError::RateLimited { retry_after_secs }) => Err(Refusal::DemoWrites { retry_after_secs }),
        Err(e) => Err(redis_trouble(e)),
    }
}

/// A parsed GraphQL operation's own checks: its root fields, and the demo's cap on writes.
pub async fn admit_operation(
    state: &AppState,
    knock: &Knock<'_>,
    document: &ExecutableDocument,
    operation_name: Option<&str>,
) -> Result<(), Refusal> {
    let Some(operation) = chosen(document, operation_name) else { return Ok(()) };
    admit(state, knock, document, operation).await
}

/// [`admit_operation`] for every operation of a document, where the one to run is not known when
/// it is parsed (the socket's messages name it separately).
async fn admit_document(
    state: &AppState,
    knock: &Knock<'_>,
    document: &ExecutableDocument,
) -> Result<(), Refusal> {
    let operations: Vec<&OperationDefinition> = match &document.operations {
        DocumentOperations::Single(op) => vec![&op.node],
        DocumentOperations::Multiple(ops) => ops.values().map(|op| &op.node).collect(),
    };
    for operation in operations {
        admit(state, knock, document, operation).await?;
    }
    Ok(())
}

async fn admit(
    state: &AppState,
    knock: &Knock<'_>,
    document: &ExecutableDocument,
    operation: &OperationDefinition,
) -> Result<(), Refusal> {
    let fields = root_fields(&operation.selection_set.node, &document.fragments);
    if fields > MAX_ROOT_FIELDS {
        return Err(Refusal::TooManyRootFields(fields));
    }
    if operation.ty == OperationType::Mutation {
        demo_write(state, knock).await?;
    }
    Ok(())
}

/// The operation a request runs: the one named, or the only one. (A request that names none of
/// several is refused by execution, which says why.)
fn chosen<'d>(document: &'d ExecutableDocument, name: Option<&str>) -> Option<&'d OperationDefinition> {
    match (&document.operations, name) {
        (DocumentOperations::Single(op), _) => Some(&op.node),
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name).map(|op| &op.node),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => ops.values().next().map(|op| &op.node),
        (DocumentOperations::Multiple(_), None) => None,
    }
}

/// The root fields a selection set runs, through every inline fragment and fragment spread
/// however deeply nested (the parser bounds the nesting); a fragment spread twice counts twice,
/// as it runs twice. A fragment that spreads itself (invalid, refused by validation) is followed
/// once per path.
fn root_fields(
    set: &SelectionSet,
    fragments: &std::collections::HashMap<Name, Positioned<FragmentDefinition>>,
) -> usize {
    fn walk<'a>(
        set: &'a SelectionSet,
        fragments: &'a std::collections::HashMap<Name, Positioned<FragmentDefinition>>,
        path: &mut HashSet<&'a str>,
    ) -> usize {
        set.items
            .iter()
            .map(|item| match &item.node {
                Selection::Field(_) => 1,
                Selection::InlineFragment(inline) => walk(&inline.node.selection_set.node, fragments, path),
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    let Some(fragment) = fragments.get(&spread.node.fragment_name.node) else { return 0 };
                    if !path.insert(name) {
                        return 0;
                    }
                    let n = walk(&fragment.node.selection_set.node, fragments, path);
                    path.remove(name);
                    n
                }
            })
            .sum()
    }
    walk(set, fragments, &mut HashSet::new())
}

/// The same admission for GraphQL over the socket, where no handler sees each operation first:
/// the request limits and the operation's checks, as the operation is parsed.
pub struct SocketAdmission;

impl ExtensionFactory for SocketAdmission {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(SocketAdmission)
    }
}

#[async_trait::async_trait]
impl Extension for SocketAdmission {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        let (Some(state), Some(request)) = (ctx.data_opt::<AppState>(), ctx.data_opt::<RequestCtx>()) else {
            return Ok(document);
        };
        let knock =
            Knock { ip: &request.client_ip, credential: &request.credential, principal: request.principal };
        rate_limit(state, &knock).await.map_err(Refusal::into_server_error)?;
        admit_document(state, &knock, &document).await.map_err(Refusal::into_server_error)?;
        Ok(document)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(query: &str) -> usize {
        let doc = async_graphql::parser::parse_query(query).unwrap();
        let op = chosen(&doc, None).unwrap();
        root_fields(&op.selection_set.node, &doc.fragments)
    }

    #[test]
    fn root_fields_count_aliases_and_look_through_every_fragment() {
        assert_eq!(count("{ viewer { id } organization { id } }"), 2);
        assert_eq!(count("{ a: viewer { id } b: viewer { id } c: viewer { id } }"), 3);
        let nested = format!(
            "mutation {{ {} createTicket(input: {{}}) {{ ticket {{ id }} }} {} }}",
            "...on Mutation {".repeat(9),
            "}".repeat(9)
        );
        assert_eq!(count(&nested), 1, "nine inline fragments deep is still one root field");
        assert_eq!(count("{ ...F ...F } fragment F on Query { a: viewer { id } b: viewer { id } }"), 4);
        assert_eq!(
            count("{ ...F } fragment F on Query { viewer { id } ...F }"),
            1,
            "a cycle is followed once"
        );
    }

    #[test]
    fn the_chosen_operation_is_the_named_or_the_only_one() {
        let doc =
            async_graphql::parser::parse_query("query A { viewer { id } } mutation B { logOut }").unwrap();
        assert_eq!(chosen(&doc, Some("B")).map(|o| o.ty), Some(OperationType::Mutation));
        assert!(chosen(&doc, None).is_none());
    }
}
