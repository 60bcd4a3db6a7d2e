//! `GET /graphql/ws`: the socket door. A connection is authenticated once, at the upgrade, with
//! the same credential as `POST /graphql` (the session cookie or a bearer token), admitted like
//! any request, and each operation on it passes the same admission as over HTTP.

use std::net::SocketAddr;
use std::sync::Arc;

use async_graphql::Data;
use async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use ferrodesk_core::auth::Credential;
use ferrodesk_core::live::TicketChange;
use tokio::sync::broadcast;

use super::Doors;
use super::transport::{bearer_or_cookie, client_ip, transport_error};
use crate::admission::{self, Knock, SocketAdmission};
use crate::graphql::live::LiveViewer;
use crate::graphql::{AppSchema, RequestCtx};

/// The schema served on sockets, where queries and mutations may travel too and no handler sees
/// each operation first: the same admission, as an extension.
pub(super) fn build_socket_schema() -> AppSchema {
    crate::graphql::builder().extension(SocketAdmission).finish()
}

/// Keeps the connection's organisation watched for as long as the connection is open.
struct Watching {
    _receiver: broadcast::Receiver<TicketChange>,
}

/// A browser always sends `Origin` with a WebSocket handshake and a cross-site page cannot forge
/// it: accept only our own origin, so another site cannot ride the session cookie over a
/// WebSocket (which is not subject to the JSON-only rule of `POST /graphql`). Clients that are
/// not browsers send no `Origin`.
fn same_origin(headers: &HeaderMap, public_url: &str) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else { return true };
    let Ok(origin) = origin.to_str() else { return false };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let origin_host = origin.split_once("://").map(|(_, rest)| rest);
    origin == public_url || (host.is_some() && origin_host == host)
}

/// `GET /graphql/ws`: upgrades an authenticated request to a graphql-ws connection.
pub(super) async fn graphql_ws(
    State(doors): State<Doors>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    protocol: GraphQLProtocol,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    let state = &doors.app;
    if !same_origin(&headers, &state.public_url) {
        return transport_error(StatusCode::FORBIDDEN, "FORBIDDEN", "this origin may not open live updates");
    }
    let token = bearer_or_cookie(&headers).unwrap_or_default();
    let ip = client_ip(state, &headers, peer);
    let Some(credential) = Credential::from_token(&token) else {
        return transport_error(StatusCode::UNAUTHORIZED, "UNAUTHENTICATED", "sign in to continue");
    };
    let viewer = match LiveViewer::resolve(state, credential).await {
        Ok(Some(viewer)) => viewer,
        Ok(None) => {
            return transport_error(StatusCode::UNAUTHORIZED, "UNAUTHENTICATED", "sign in to continue");
        }
        Err(e) => {
            tracing::error!(error = ?e, "authenticating a live connection");
            return transport_error(StatusCode::SERVICE_UNAVAILABLE, "INTERNAL", "try again shortly");
        }
    };
    let knock = Knock { ip: &ip, credential: &token, principal: Some(viewer.principal) };
    if let Err(refused) = admission::rate_limit(state, &knock).await {
        return refused.into_response();
    }
    // Queries and mutations may travel over the socket too: they get the same context as over HTTP
    // and the same admission, operation by operation (a session cookie cannot be set on a socket,
    // so logIn and logOut belong on POST).
    let request = RequestCtx {
        principal: Some(viewer.principal),
        session_token: match &viewer.credential {
            Credential::Session(token) => Some(token.clone()),
            Credential::ApiToken(_) => None,
        },
        credential: token.clone(),
        client_ip: ip.clone(),
        set_cookie: Arc::default(),
        page_fill: None,
    };
    // Watched from before the upgrade completes: a subscription then starts without waiting for
    // Redis, and hears every change committed after it (which `ticketChanged` promises).
    let watching = Watching { _receiver: state.live.hub.watch(viewer.principal.org_id).await };
    let mut data = Data::default();
    data.insert(watching);
    data.insert(state.clone());
    data.insert(request);
    data.insert(viewer);
    let schema = doors.socket_schema.clone();
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| GraphQLWebSocket::new(socket, schema, protocol).with_data(data).serve())
        .into_response()
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn headers(origin: Option<&'static str>, host: &'static str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static(host));
        if let Some(origin) = origin {
            h.insert(header::ORIGIN, HeaderValue::from_static(origin));
        }
        h
    }

    #[test]
    fn only_our_own_origin_may_open_a_socket() {
        let public = "https://desk.example.com";
        assert!(same_origin(&headers(Some("https://desk.example.com"), "10.0.0.5:8080"), public));
        assert!(same_origin(&headers(Some("http://127.0.0.1:8080"), "127.0.0.1:8080"), public));
        assert!(same_origin(&headers(None, "127.0.0.1:8080"), public), "non-browser clients");
        assert!(!same_origin(&headers(Some("https://evil.example"), "desk.example.com"), public));
        assert!(!same_origin(&headers(Some("https://desk.example.com.evil.example"), "x"), public));
        assert!(!same_origin(&headers(Some("null"), "desk.example.com"), public));
    }
}
