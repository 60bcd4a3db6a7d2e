use ferrodesk_testkit::{TestApp, error_code};
use serde_json::{Value, json};

#[tokio::test]
async fn malformed_and_oversized_requests_get_coded_graphql_errors() {
    let app = TestApp::spawn().await;
    let send = |body: String, content_type: &'static str| {
        let req = app.http.post(app.url("/graphql")).header("content-type", content_type).body(body);
        async move {
            let response = req.send().await.unwrap();
            (response.status().as_u16(), response.json::<Value>().await.unwrap())
        }
    };
    let (status, body) = send("{not json".into(), "application/json").await;
    assert_eq!((status, error_code(&body)), (400, Some("BAD_USER_INPUT")), "{body}");
    let (status, body) =
        send(format!("{{\"query\": \"{}\"}}", "a".repeat(300_000)), "application/json").await;
    assert_eq!((status, error_code(&body)), (413, Some("BAD_USER_INPUT")));
    let (status, body) = send("query=%7Bviewer%7Bid%7D%7D".into(), "application/x-www-form-urlencoded").await;
    assert_eq!((status, error_code(&body)), (415, Some("BAD_USER_INPUT")), "form posts are refused (CSRF)");

    let body = app.gql(None, "{ viewer { id ", json!({})).await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    let body = app.gql(None, "{ nosuchfield }", json!({})).await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"));
    let deep = format!(
        "{{ __schema {{ types {}{} }} }}",
        "{ fields { type { ofType ".repeat(8),
        "} } }".repeat(8) + "}"
    );
    let body = app.gql(None, &deep, json!({})).await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "over the depth limit: {body}");
    let body = app.gql(None, "{ tickets { edges { node { id } } } }", json!({})).await;
    assert_eq!(error_code(&body), Some("UNAUTHENTICATED"));
    let body = app.gql(Some("fds_forged"), "{ viewer { id } }", json!({})).await;
    assert!(body["data"]["viewer"].is_null());
}

#[tokio::test]
async fn health_readiness_and_metrics() {
    let app = TestApp::spawn().await;
    let get = |path: &'static str| {
        let req = app.http.get(app.url(path));
        async move {
            let r = req.send().await.unwrap();
            let request_id = r.headers().get("x-request-id").map(|v| v.to_str().unwrap().to_owned());
            (r.status().as_u16(), request_id, r.text().await.unwrap())
        }
    };
    let (status, request_id, _) = get("/healthz").await;
    assert_eq!(status, 200);
    assert!(request_id.is_some_and(|id| id.len() >= 32), "every response carries a request id");
    let (status, _, body) = get("/readyz").await;
    assert_eq!((status, body.as_str()), (200, "{\"database\":true,\"redis\":true}"));
    app.gql(None, "{ viewer { id } }", json!({})).await;
    let (_, _, metrics) = get("/metrics").await;
    assert!(metrics.contains("http_requests_total") && metrics.contains("path=\"/graphql\""), "{metrics}");
}

#[tokio::test]
async fn graphiql_can_be_turned_off() {
    let app = TestApp::spawn_with(|config| config.http.graphiql = false).await;
    let get = app.http.get(app.url("/graphql")).send().await.unwrap();
    assert_eq!(get.status().as_u16(), 405, "no GraphiQL page");
    let body = app.gql(None, "{ viewer { id } }", json!({})).await;
    assert_eq!(body, json!({ "data": { "viewer": null } }));
}
