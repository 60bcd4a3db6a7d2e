//! Attachments over HTTP: uploaded by those who may change a ticket, downloaded by exactly those
//! who can see it, byte for byte; names and types made safe; limits with clear errors.

use ferrodesk_testkit::{Session, TestApp, error_code};
use serde_json::{Value, json};

async fn upload(app: &TestApp, who: &Session, ticket: &str, name: &str, body: Vec<u8>) -> (u16, Value) {
    let response = app
        .http
        .post(app.url(&format!("/attachments?ticket={ticket}")))
        .bearer_auth(&who.token)
        .header("content-type", "image/png")
        .header("x-filename", name)
        .body(body)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

async fn download(app: &TestApp, who: &Session, url: &str) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let response = app.http.get(app.url(url)).bearer_auth(&who.token).send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, headers, response.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn attachments_reach_exactly_those_who_see_the_ticket() {
    let app = TestApp::spawn().await;
    let owner = app.sign_up("files").await;
    let requester = app.add_member(&owner, "req@files.test", "REQUESTER").await;
    let someone = app.add_member(&owner, "other@files.test", "REQUESTER").await;
    let stakeholder = app.add_member(&owner, "stake@files.test", "STAKEHOLDER").await;
    let stranger = app.sign_up("strangers").await;
    let ticket =
        app.create_ticket(&requester, json!({ "kind": "INCIDENT", "subject": "Screen is cracked" })).await;
    let number = ticket["number"].as_str().unwrap();
    let png: Vec<u8> = (0..70_000u32).map(|i| (i % 251) as u8).collect();

    let (status, body) = upload(&app, &requester, number, "photo%20of%20the%20screen.png", png.clone()).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["filename"], "photo of the screen.png");
    assert_eq!(body["sizeBytes"], 70_000);
    let url = body["url"].as_str().unwrap().to_owned();

    let (status, headers, bytes) = download(&app, &owner, &url).await;
    assert_eq!(status, 200);
    assert_eq!(bytes, png, "byte for byte");
    assert_eq!(headers["content-type"], "image/png");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(
        headers["content-disposition"].to_str().unwrap().starts_with("inline; filename*=UTF-8''photo%20of")
    );
    assert_eq!(download(&app, &requester, &url).await.0, 200, "the requester");
    assert_eq!(download(&app, &stakeholder, &url).await.0, 200, "stakeholders read");
    assert_eq!(download(&app, &someone, &url).await.0, 404, "another requester does not see it");
    assert_eq!(download(&app, &stranger, &url).await.0, 404, "another organisation does not learn of it");
    let anonymous = app.http.get(app.url(&url)).send().await.unwrap();
    assert_eq!(anonymous.status().as_u16(), 401);

    // The ticket lists it, with the same URL, and its trail records it.
    let listed = app
        .gql(
            Some(&owner.token),
            "query($n: String!) { ticket(number: $n) { attachments { filename url sizeBytes }
               events { edges { node { action } } } } }",
            json!({ "n": number }),
        )
        .await;
    assert_eq!(listed["data"]["ticket"]["attachments"][0]["url"], url.as_str(), "{listed}");
    let actions: Vec<&str> = listed["data"]["ticket"]["events"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["node"]["action"].as_str())
        .collect();
    assert!(actions.contains(&"ticket.attachment_added"), "{actions:?}");

    // Who may not upload, and what is refused.
    let (status, body) = upload(&app, &stakeholder, number, "x.png", vec![1]).await;
    assert_eq!((status, error_code(&body)), (403, Some("FORBIDDEN")), "{body}");
    let (status, body) = upload(&app, &someone, number, "x.png", vec![1]).await;
    assert_eq!((status, error_code(&body)), (404, Some("NOT_FOUND")), "{body}");
    let (status, body) = upload(&app, &stranger, number, "x.png", vec![1]).await;
    assert_eq!((status, error_code(&body)), (404, Some("NOT_FOUND")), "{body}");
    let (status, body) = upload(&app, &owner, number, "empty.txt", vec![]).await;
    assert_eq!((status, error_code(&body)), (422, Some("BAD_USER_INPUT")), "{body}");
    let (status, body) = upload(&app, &owner, number, "huge.bin", vec![0; 25 * 1024 * 1024 + 1]).await;
    assert_eq!((status, error_code(&body)), (413, Some("BAD_USER_INPUT")), "{body}");
    let no_name = app
        .http
        .post(app.url(&format!("/attachments?ticket={number}")))
        .bearer_auth(&owner.token)
        .body(vec![1u8])
        .send()
        .await
        .unwrap();
    assert_eq!(
        no_name.status().as_u16(),
        422,
        "the name header is required (and keeps cross-site forms out)"
    );
}

#[tokio::test]
async fn the_demo_takes_small_files_only() {
    let app = TestApp::spawn().await;
    let db = ferrodesk_db::Db::connect(&app.db.worker_url.clone().into(), 2).await.unwrap();
    ferrodesk_core::demo::reset(&db, chrono::Utc::now(), ferrodesk_core::demo::When::Always).await.unwrap();
    let body = app.gql(None, "mutation { startDemoSession { token viewer { id } } }", json!({})).await;
    let visitor = Session {
        token: body["data"]["startDemoSession"]["token"].as_str().unwrap().to_owned(),
        user_id: body["data"]["startDemoSession"]["viewer"]["id"].as_str().unwrap().to_owned(),
    };
    let queue =
        app.gql(Some(&visitor.token), "{ tickets(first: 1) { edges { node { number } } } }", json!({})).await;
    let number = queue["data"]["tickets"]["edges"][0]["node"]["number"].as_str().unwrap().to_owned();
    let (status, body) = upload(&app, &visitor, &number, "small.png", vec![7; 1000]).await;
    assert_eq!(status, 201, "{body}");
    let (status, body) =
        upload(&app, &visitor, &number, "big.png", vec![7; ferrodesk_core::sandbox::MAX_UPLOAD_BYTES + 1])
            .await;
    assert_eq!((status, error_code(&body)), (422, Some("BAD_USER_INPUT")), "{body}");
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("up to 2 MB"), "{body}");
}
