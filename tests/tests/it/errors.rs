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
    let metrics = app.metrics().await;
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

/// Every response tells browsers what our pages may do, and the metrics are not public.
#[tokio::test]
async fn responses_carry_the_security_headers_and_metrics_need_their_own_door() {
    let app = TestApp::spawn_with(|c| c.http.metrics_token = None).await;
    let response = app
        .http
        .post(app.url("/graphql"))
        .json(&json!({ "query": "{ viewer { id } }" }))
        .send()
        .await
        .unwrap();
    let header =
        |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    assert!(header("content-security-policy").contains("frame-ancestors 'none'"), "{:?}", response.headers());
    assert!(header("content-security-policy").contains("script-src 'self'"));
    assert_eq!(header("x-frame-options"), "DENY");
    assert_eq!(header("referrer-policy"), "no-referrer");
    assert_eq!(header("x-content-type-options"), "nosniff");
    let metrics = app.http.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(metrics.status(), 404, "no token configured: the public listener serves no metrics");

    let with_token =
        TestApp::spawn_with(|c| c.http.metrics_token = Some("s3cret-scrape-token".to_owned().into())).await;
    let refused = with_token.http.get(with_token.url("/metrics")).bearer_auth("guess").send().await.unwrap();
    assert_eq!(refused.status(), 404);
    let allowed = with_token
        .http
        .get(with_token.url("/metrics"))
        .bearer_auth("s3cret-scrape-token")
        .send()
        .await
        .unwrap();
    assert_eq!(allowed.status(), 200);
    assert!(allowed.text().await.unwrap().contains("http_requests_total"));
}

/// In production the gateway refuses what is only safe on a developer's machine.
#[tokio::test]
async fn production_refuses_a_default_secret_plain_http_and_an_open_redis() {
    let db = ferrodesk_testkit::test_db().await;
    let mut config = ferrodesk_testkit::gateway_config(&db, "fdtest:production:");
    config.security.environment = ferrodesk_config::Environment::Production;
    let err = ferrodesk_gateway::Application::build(config).await.err().expect("refused").to_string();
    for problem in ["SECRET_KEY", "PUBLIC_URL", "REDIS_URL"] {
        assert!(err.contains(problem), "{problem} missing from: {err}");
    }
}
