use ferrodesk_testkit::{TestApp, error_code, error_field};
use serde_json::json;

const SIGN_UP: &str = "mutation($input: SignUpInput!) { signUp(input: $input) { token organization { slug subscription { status trialEndsAt } } } }";
const LOG_IN: &str = "mutation($input: LogInInput!) { logIn(input: $input) { token viewer { name role } organization { slug } } }";

fn sign_up_input(slug: &str, email: &str) -> serde_json::Value {
    json!({ "input": { "organizationName": "Acme", "slug": slug, "name": "Ada", "email": email, "password": "correct horse battery" } })
}

#[tokio::test]
async fn sign_up_creates_a_trial_with_default_categories() {
    let app = TestApp::spawn().await;
    let body = app.gql(None, SIGN_UP, sign_up_input("acme", "ada@acme.test")).await;
    let org = &body["data"]["signUp"]["organization"];
    assert_eq!(org["slug"], "acme", "{body}");
    assert_eq!(org["subscription"]["status"], "trialing");
    let trial_ends: chrono::DateTime<chrono::Utc> =
        org["subscription"]["trialEndsAt"].as_str().unwrap().parse().unwrap();
    let days = (trial_ends - chrono::Utc::now()).num_hours() as f64 / 24.0;
    assert!((13.9..=14.0).contains(&days), "trial of {days} days");

    let token = body["data"]["signUp"]["token"].as_str().unwrap();
    let body = app
        .gql(
            Some(token),
            "{ viewer { name role } organization { departments { name } categories { name parentId } } }",
            json!({}),
        )
        .await;
    assert_eq!(body["data"]["viewer"]["role"], "OWNER");
    assert_eq!(body["data"]["organization"]["departments"], json!([{ "name": "IT" }]));
    let categories = body["data"]["organization"]["categories"].as_array().unwrap();
    let top: Vec<&str> =
        categories.iter().filter(|c| c["parentId"].is_null()).map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(top, ["Hardware", "Software", "Access", "Network"]);
    assert!(categories.iter().any(|c| c["name"] == "VPN" && !c["parentId"].is_null()));
}

#[tokio::test]
async fn a_taken_slug_is_a_conflict_that_writes_nothing() {
    let app = TestApp::spawn().await;
    app.gql(None, SIGN_UP, sign_up_input("acme", "ada@acme.test")).await;

    let body = app.gql(None, SIGN_UP, sign_up_input("acme", "bob@acme.test")).await;
    assert_eq!((error_code(&body), error_field(&body)), (Some("CONFLICT"), Some("slug")), "{body}");
    let mut admin = app.db.admin_conn().await;
    let orgs: i64 =
        sqlx::query_scalar("select count(*) from organizations").fetch_one(&mut admin).await.unwrap();
    let users: i64 = sqlx::query_scalar("select count(*) from users").fetch_one(&mut admin).await.unwrap();
    assert_eq!((orgs, users), (1, 1), "the failure left no organisation or person behind");
}

/// Signing up with an address that is already someone's answers exactly as for a new one (the
/// caller learns nothing), makes a new organisation that the address's owner is told about, and
/// gives the caller no say over the identity: the typed password is not set.
#[tokio::test]
async fn signing_up_with_a_known_address_reveals_nothing_and_sets_no_credential() {
    let app = TestApp::spawn().await;
    let first = app.gql(None, SIGN_UP, sign_up_input("acme", "ada@acme.test")).await;
    app.confirm_email("ada@acme.test").await;
    let input = json!({ "input": { "organizationName": "Evil", "slug": "evil", "name": "Ada",
                                   "email": "ADA@acme.test", "password": "attacker chosen pw" } });
    let second = app.gql(None, SIGN_UP, input).await;
    assert!(second["errors"].is_null(), "{second}");
    let shape = |b: &serde_json::Value| {
        let o = &b["data"]["signUp"]["organization"];
        (b["data"]["signUp"]["token"].as_str().map(|t| t.len()), o["subscription"]["status"].clone())
    };
    assert_eq!(shape(&first), shape(&second), "the same answer for a known address");

    // The attacker's password opens nothing; the owner's still does, for both organisations.
    let body = app
        .gql(None, LOG_IN, json!({ "input": { "email": "ada@acme.test", "password": "attacker chosen pw", "organizationSlug": "evil" } }))
        .await;
    assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "{body}");
    let body = app
        .gql(None, LOG_IN, json!({ "input": { "email": "ada@acme.test", "password": "correct horse battery", "organizationSlug": "acme" } }))
        .await;
    assert_eq!(body["data"]["logIn"]["organization"]["slug"], "acme", "{body}");
    let mut admin = app.db.admin_conn().await;
    let links: Vec<(String, Option<uuid::Uuid>)> = sqlx::query_as(
        "select purpose, about_org_id from email_links where email = 'ada@acme.test' order by created_at",
    )
    .fetch_all(&mut admin)
    .await
    .unwrap();
    assert_eq!(links.len(), 2, "{links:?}");
    assert_eq!(links[0].0, "confirm_email");
    assert_eq!(links[1].0, "reset_password", "the owner of the address hears of the new organisation");
    let users: i64 = sqlx::query_scalar("select count(*) from users").fetch_one(&mut admin).await.unwrap();
    assert_eq!(users, 1);
}

/// A password logs in only once its address is confirmed with the mailed link; until then the
/// answer is the wrong-credentials one.
#[tokio::test]
async fn an_unconfirmed_address_cannot_log_in_until_its_link_is_used() {
    let app = TestApp::spawn().await;
    let body = app.gql(None, SIGN_UP, sign_up_input("acme", "ada@acme.test")).await;
    let token = body["data"]["signUp"]["token"].as_str().unwrap().to_owned();
    let viewer = app.gql(Some(&token), "{ viewer { email } }", json!({})).await;
    assert_eq!(viewer["data"]["viewer"]["email"], "ada@acme.test", "the sign-up's own session works");
    let log_in = json!({ "input": { "email": "ada@acme.test", "password": "correct horse battery" } });
    let body = app.gql(None, LOG_IN, log_in.clone()).await;
    assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "{body}");
    let bogus = app.gql(None, "mutation { confirmEmail(token: \"fdc_bogus\") }", json!({})).await;
    assert_eq!(error_code(&bogus), Some("NOT_FOUND"), "{bogus}");
    app.confirm_email("ada@acme.test").await;
    let body = app.gql(None, LOG_IN, log_in).await;
    assert_eq!(body["data"]["logIn"]["organization"]["slug"], "acme", "{body}");
    // A link works once.
    let token = app.mailed_link("ada@acme.test", ferrodesk_core::auth::LinkPurpose::ConfirmEmail).await;
    let again =
        app.gql(None, "mutation($t: String!) { confirmEmail(token: $t) }", json!({ "t": token })).await;
    assert_eq!(error_code(&again), Some("NOT_FOUND"), "{again}");
}

#[tokio::test]
async fn bad_sign_up_input_names_the_field() {
    let app = TestApp::spawn().await;
    for (slug, email, password, field) in [
        ("acme", "ada@acme.test", "short", "password"),
        ("acme", "ada@acme.test", "", "password"),
        ("Not A Slug!", "ada@acme.test", "correct horse battery", "slug"),
        ("admin", "ada@acme.test", "correct horse battery", "slug"),
        ("acme", "not-an-email", "correct horse battery", "email"),
    ] {
        let input = json!({ "input": { "organizationName": "Acme", "slug": slug, "name": "Ada", "email": email, "password": password } });
        let body = app.gql(None, SIGN_UP, input).await;
        assert_eq!((error_code(&body), error_field(&body)), (Some("BAD_USER_INPUT"), Some(field)), "{body}");
    }
}

#[tokio::test]
async fn log_in_log_out_and_wrong_passwords() {
    let app = TestApp::spawn().await;
    app.sign_up("acme").await;
    let body = app
        .gql(None, LOG_IN, json!({ "input": { "email": "owner@acme.test", "password": "wrong password!" } }))
        .await;
    assert_eq!(error_code(&body), Some("UNAUTHENTICATED"), "{body}");
    let body = app
        .gql(None, LOG_IN, json!({ "input": { "email": "nobody@acme.test", "password": "wrong password!" } }))
        .await;
    assert_eq!(
        error_code(&body),
        Some("UNAUTHENTICATED"),
        "an unknown email answers like a wrong password: {body}"
    );

    let body = app
        .gql(
            None,
            LOG_IN,
            json!({ "input": { "email": "Owner@Acme.test", "password": "correct horse battery" } }),
        )
        .await;
    assert_eq!(body["data"]["logIn"]["organization"]["slug"], "acme", "{body}");
    let token = body["data"]["logIn"]["token"].as_str().unwrap().to_owned();
    let viewer = app.gql(Some(&token), "{ viewer { email } }", json!({})).await;
    assert_eq!(viewer["data"]["viewer"]["email"], "owner@acme.test");

    let body = app.gql(Some(&token), "mutation { logOut }", json!({})).await;
    assert_eq!(body["data"]["logOut"], true);
    let viewer = app.gql(Some(&token), "{ viewer { email } }", json!({})).await;
    assert!(viewer["data"]["viewer"].is_null(), "a revoked session is signed out: {viewer}");
    let body = app.gql(Some(&token), "{ tickets(first: 1) { edges { node { id } } } }", json!({})).await;
    assert_eq!(error_code(&body), Some("UNAUTHENTICATED"));
}

#[tokio::test]
async fn browsers_get_an_http_only_session_cookie() {
    let app = TestApp::spawn().await;
    app.sign_up("acme").await;
    let response = app
        .http
        .post(app.url("/graphql"))
        .json(&json!({ "query": LOG_IN, "variables": { "input": { "email": "owner@acme.test", "password": "correct horse battery" } } }))
        .send()
        .await
        .unwrap();
    let cookie = response.headers().get("set-cookie").unwrap().to_str().unwrap().to_owned();
    assert!(
        cookie.starts_with("fd_session=fds_")
            && cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let session = cookie.split(';').next().unwrap();
    let body: serde_json::Value = app
        .http
        .post(app.url("/graphql"))
        .header("cookie", session)
        .json(&json!({ "query": "{ viewer { email } }" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["data"]["viewer"]["email"], "owner@acme.test");
}

#[tokio::test]
async fn log_in_is_rate_limited_per_account() {
    let app = TestApp::spawn().await;
    app.sign_up("acme").await;
    let wrong = json!({ "input": { "email": "owner@acme.test", "password": "wrong password!" } });
    for _ in 0..10 {
        let body = app.gql(None, LOG_IN, wrong.clone()).await;
        assert_eq!(error_code(&body), Some("UNAUTHENTICATED"));
    }
    let body = app
        .gql(
            None,
            LOG_IN,
            json!({ "input": { "email": "owner@acme.test", "password": "correct horse battery" } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("RATE_LIMITED"), "even the right password waits: {body}");
    assert!(body["errors"][0]["extensions"]["retryAfterSeconds"].as_u64().unwrap() > 0);
}

#[tokio::test]
async fn invitations_add_members_who_then_log_in() {
    let app = TestApp::spawn().await;
    let owner = app.sign_up("acme").await;
    let agent = app.add_member(&owner, "agent@acme.test", "AGENT").await;
    let body = app.gql(Some(&agent.token), "{ viewer { role status } }", json!({})).await;
    assert_eq!(body["data"]["viewer"], json!({ "role": "AGENT", "status": "ACTIVE" }));
    let body = app
        .gql(
            None,
            LOG_IN,
            json!({ "input": { "email": "agent@acme.test", "password": "another good password" } }),
        )
        .await;
    assert_eq!(body["data"]["logIn"]["viewer"]["role"], "AGENT", "{body}");

    // Agents cannot invite; nobody can invite a second owner; members cannot be invited twice.
    let invite = "mutation($input: InviteMemberInput!) { inviteMember(input: $input) { invitation { id } } }";
    let body = app
        .gql(
            Some(&agent.token),
            invite,
            json!({ "input": { "email": "x@acme.test", "name": "X", "role": "AGENT" } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"));
    let body = app
        .gql(
            Some(&owner.token),
            invite,
            json!({ "input": { "email": "x@acme.test", "name": "X", "role": "OWNER" } }),
        )
        .await;
    assert_eq!((error_code(&body), error_field(&body)), (Some("BAD_USER_INPUT"), Some("role")));
    let body = app
        .gql(
            Some(&owner.token),
            invite,
            json!({ "input": { "email": "agent@acme.test", "name": "A", "role": "AGENT" } }),
        )
        .await;
    assert_eq!((error_code(&body), error_field(&body)), (Some("CONFLICT"), Some("email")));

    // The membership change is in the audit trail.
    let mut admin = app.db.admin_conn().await;
    let actions: Vec<String> = sqlx::query_scalar(
        "select action from events where subject_type = 'membership' order by created_at, id",
    )
    .fetch_all(&mut admin)
    .await
    .unwrap();
    assert_eq!(actions, ["member.invited", "member.joined"]);
}

/// An invitation's answer carries no link; only the invitee's mailbox does. A person whose
/// confirmed account has a password proves it to accept (the invitation never replaces it).
#[tokio::test]
async fn an_invitation_goes_only_to_the_mailbox_and_never_replaces_a_password() {
    let app = TestApp::spawn().await;
    let acme = app.sign_up("acme").await;
    app.sign_up("globex").await;
    let invite =
        "mutation($input: InviteMemberInput!) { inviteMember(input: $input) { invitation { acceptUrl } } }";
    let body = app
        .gql(
            Some(&acme.token),
            invite,
            json!({ "input": { "email": "owner@globex.test", "name": "G", "role": "AGENT" } }),
        )
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "the payload has no link to ask for: {body}");
    let invite = "mutation($input: InviteMemberInput!) { inviteMember(input: $input) { invitation { id email role } } }";
    let body = app
        .gql(
            Some(&acme.token),
            invite,
            json!({ "input": { "email": "owner@globex.test", "name": "G", "role": "AGENT" } }),
        )
        .await;
    assert_eq!(body["data"]["inviteMember"]["invitation"]["role"], "AGENT", "{body}");
    assert!(!body.to_string().contains("fdi_"), "no token in the answer: {body}");

    // The invitee, reading their mail, must give their own password.
    let token = app.invitation_token("owner@globex.test").await;
    let accept = "mutation($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { token organization { slug } } }";
    let body = app
        .gql(None, accept, json!({ "input": { "token": token, "password": "a different password" } }))
        .await;
    assert_eq!((error_code(&body), error_field(&body)), (Some("BAD_USER_INPUT"), Some("password")), "{body}");
    let body = app
        .gql(None, accept, json!({ "input": { "token": token, "password": "correct horse battery" } }))
        .await;
    assert_eq!(body["data"]["acceptInvitation"]["organization"]["slug"], "acme", "{body}");
    let body = app.gql(None, LOG_IN, json!({ "input": { "email": "owner@globex.test", "password": "correct horse battery", "organizationSlug": "globex" } })).await;
    assert_eq!(body["data"]["logIn"]["organization"]["slug"], "globex", "{body}");
}

/// Resetting a password: the same answer for any address, a link only to a real one, single use,
/// and every earlier session of the person ends.
#[tokio::test]
async fn a_password_reset_goes_by_mail_and_signs_out_everywhere() {
    let app = TestApp::spawn().await;
    let owner = app.sign_up("acme").await;
    let request = "mutation($e: String!) { requestPasswordReset(email: $e) }";
    for email in ["owner@acme.test", "nobody@acme.test"] {
        let body = app.gql(None, request, json!({ "e": email })).await;
        assert_eq!(body["data"]["requestPasswordReset"], true, "{body}");
    }
    let mut admin = app.db.admin_conn().await;
    let links: Vec<String> =
        sqlx::query_scalar("select email::text from email_links where purpose = 'reset_password'")
            .fetch_all(&mut admin)
            .await
            .unwrap();
    assert_eq!(links, ["owner@acme.test"], "a link only for the address that has an account");
    let jobs: i64 = sqlx::query_scalar("select count(*) from jobs where kind = 'account.mail'")
        .fetch_one(&mut admin)
        .await
        .unwrap();
    assert_eq!(jobs, 2, "the sign-up's confirmation and the reset are mailed");

    let token = app.mailed_link("owner@acme.test", ferrodesk_core::auth::LinkPurpose::ResetPassword).await;
    let reset = "mutation($input: ResetPasswordInput!) { resetPassword(input: $input) { token organization { slug } } }";
    let body = app.gql(None, reset, json!({ "input": { "token": token, "password": "short" } })).await;
    assert_eq!((error_code(&body), error_field(&body)), (Some("BAD_USER_INPUT"), Some("password")), "{body}");
    let body = app
        .gql(None, reset, json!({ "input": { "token": token, "password": "a brand new password" } }))
        .await;
    assert_eq!(body["data"]["resetPassword"]["organization"]["slug"], "acme", "{body}");
    let fresh = body["data"]["resetPassword"]["token"].as_str().unwrap().to_owned();
    let old = app.gql(Some(&owner.token), "{ viewer { id } }", json!({})).await;
    assert!(old["data"]["viewer"].is_null(), "the earlier session ended: {old}");
    let new = app.gql(Some(&fresh), "{ viewer { email } }", json!({})).await;
    assert_eq!(new["data"]["viewer"]["email"], "owner@acme.test");
    let again = app
        .gql(None, reset, json!({ "input": { "token": token, "password": "yet another password" } }))
        .await;
    assert_eq!(error_code(&again), Some("NOT_FOUND"), "single use: {again}");
    let body = app
        .gql(
            None,
            LOG_IN,
            json!({ "input": { "email": "owner@acme.test", "password": "a brand new password" } }),
        )
        .await;
    assert_eq!(body["data"]["logIn"]["organization"]["slug"], "acme", "{body}");
}

/// A signed-in person changes their password (proving the current one), their name (for this
/// organisation only) and their address (by a link to the new one).
#[tokio::test]
async fn people_change_their_password_name_and_address() {
    let app = TestApp::spawn().await;
    let acme = app.sign_up("acme").await;
    let globex = app.sign_up("globex").await;
    let ann = app.add_member(&acme, "ann@x.test", "AGENT").await;
    let ann_at_globex = app.add_member(&globex, "ann@x.test", "AGENT").await;

    let change = "mutation($input: ChangePasswordInput!) { changePassword(input: $input) }";
    let body = app
        .gql(
            Some(&ann.token),
            change,
            json!({ "input": { "currentPassword": "wrong one!!", "newPassword": "ann's new password" } }),
        )
        .await;
    assert_eq!(
        (error_code(&body), error_field(&body)),
        (Some("BAD_USER_INPUT"), Some("currentPassword")),
        "{body}"
    );
    let body = app
        .gql(Some(&ann.token), change, json!({ "input": { "currentPassword": "another good password", "newPassword": "ann's new password" } }))
        .await;
    assert_eq!(body["data"]["changePassword"], true, "{body}");
    let kept = app.gql(Some(&ann.token), "{ viewer { id } }", json!({})).await;
    assert!(kept["data"]["viewer"].is_object(), "the session that changed it goes on: {kept}");
    let ended = app.gql(Some(&ann_at_globex.token), "{ viewer { id } }", json!({})).await;
    assert!(ended["data"]["viewer"].is_null(), "the others end: {ended}");

    let rename = "mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { name } }";
    let body = app.gql(Some(&ann.token), rename, json!({ "input": { "name": "Ann at Acme" } })).await;
    assert_eq!(body["data"]["updateProfile"]["name"], "Ann at Acme", "{body}");
    let globex_view = app
        .gql(Some(&globex.token), "{ members(first: 10) { edges { node { name email } } } }", json!({}))
        .await;
    assert!(
        !globex_view.to_string().contains("Ann at Acme"),
        "Globex keeps its own name for Ann: {globex_view}"
    );

    let move_to = "mutation($input: RequestEmailChangeInput!) { requestEmailChange(input: $input) }";
    let body = app
        .gql(
            Some(&ann.token),
            move_to,
            json!({ "input": { "newEmail": "ann@new.test", "password": "ann's new password" } }),
        )
        .await;
    assert_eq!(body["data"]["requestEmailChange"], true, "{body}");
    let token = app.mailed_link("ann@new.test", ferrodesk_core::auth::LinkPurpose::ChangeEmail).await;
    let body =
        app.gql(None, "mutation($t: String!) { confirmEmailChange(token: $t) }", json!({ "t": token })).await;
    assert_eq!(body["data"]["confirmEmailChange"], true, "{body}");
    let body = app
        .gql(None, LOG_IN, json!({ "input": { "email": "ann@new.test", "password": "ann's new password", "organizationSlug": "acme" } }))
        .await;
    assert_eq!(body["data"]["logIn"]["viewer"]["role"], "AGENT", "{body}");
    let view =
        app.gql(Some(&globex.token), "{ members(first: 10) { edges { node { email } } } }", json!({})).await;
    assert!(view.to_string().contains("ann@new.test"), "the address is the identity's, everywhere: {view}");
}

#[tokio::test]
async fn api_tokens_authenticate_until_revoked() {
    let app = TestApp::spawn().await;
    let owner = app.sign_up("acme").await;
    let body = app
        .gql(
            Some(&owner.token),
            "mutation { createApiToken(input: { name: \"CI\" }) { token apiToken { id name } } }",
            json!({}),
        )
        .await;
    let token = body["data"]["createApiToken"]["token"].as_str().unwrap().to_owned();
    let id = body["data"]["createApiToken"]["apiToken"]["id"].as_str().unwrap().to_owned();
    assert!(token.starts_with("fdp_"));
    let body = app.gql(Some(&token), "{ viewer { role } apiTokens { name } }", json!({})).await;
    assert_eq!(body["data"]["viewer"]["role"], "OWNER", "{body}");
    assert_eq!(body["data"]["apiTokens"], json!([{ "name": "CI" }]));
    let body = app
        .gql(Some(&owner.token), "mutation($id: ID!) { revokeApiToken(id: $id) }", json!({ "id": id }))
        .await;
    assert_eq!(body["data"]["revokeApiToken"], true, "{body}");
    let body = app.gql(Some(&token), "{ viewer { role } }", json!({})).await;
    assert!(body["data"]["viewer"].is_null());
}

#[tokio::test]
async fn the_gateway_refuses_a_role_that_bypasses_row_level_security() {
    let db = ferrodesk_testkit::test_db().await;
    let mut config = ferrodesk_testkit::gateway_config(&db, "fdtest:refuse:");
    config.database.url = db.admin_url.clone().into();
    let err = ferrodesk_gateway::Application::build(config).await.err().expect("must refuse the owner role");
    assert!(format!("{err:#}").contains("bypass row-level security"), "{err:#}");
}

#[tokio::test]
async fn admins_change_roles_and_deactivate_members_who_are_then_signed_out() {
    let app = TestApp::spawn().await;
    let owner = app.sign_up("roles").await;
    let agent = app.add_member(&owner, "agent@roles.test", "AGENT").await;
    let other = app.sign_up("elsewhere").await;
    let update = "mutation($input: UpdateMemberInput!) { updateMember(input: $input) { id role status } }";
    let ticket = app.create_ticket(&owner, json!({ "kind": "INCIDENT", "subject": "Printer" })).await;
    let change_status =
        "mutation($id: ID!) { updateTicket(input: { id: $id, status: OPEN }) { ticket { id } } }";

    // A stakeholder reads but does not change tickets.
    let body = app
        .gql(
            Some(&owner.token),
            update,
            json!({ "input": { "userId": agent.user_id, "role": "STAKEHOLDER" } }),
        )
        .await;
    assert_eq!(body["data"]["updateMember"]["role"], "STAKEHOLDER", "{body}");
    let refused = app.gql(Some(&agent.token), change_status, json!({ "id": ticket["id"] })).await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");

    // Deactivated: the very next request is signed out; reactivated: back in.
    let body = app
        .gql(
            Some(&owner.token),
            update,
            json!({ "input": { "userId": agent.user_id, "role": "AGENT", "active": false } }),
        )
        .await;
    assert_eq!(body["data"]["updateMember"]["status"], "DISABLED", "{body}");
    let gone = app.gql(Some(&agent.token), "{ viewer { id } }", json!({})).await;
    assert!(gone["data"]["viewer"].is_null(), "a deactivated member is signed out: {gone}");
    let body = app
        .gql(Some(&owner.token), update, json!({ "input": { "userId": agent.user_id, "active": true } }))
        .await;
    assert_eq!(body["data"]["updateMember"]["status"], "ACTIVE", "{body}");
    let back = app.gql(Some(&agent.token), change_status, json!({ "id": ticket["id"] })).await;
    assert!(back["data"]["updateTicket"].is_object(), "reactivated as an agent: {back}");

    // The rules: one owner, nobody changes their own access, only admins, only this organisation.
    let body = app
        .gql(Some(&owner.token), update, json!({ "input": { "userId": agent.user_id, "role": "OWNER" } }))
        .await;
    assert_eq!(error_code(&body), Some("BAD_USER_INPUT"), "{body}");
    let body = app
        .gql(Some(&owner.token), update, json!({ "input": { "userId": owner.user_id, "active": false } }))
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    let body = app
        .gql(Some(&agent.token), update, json!({ "input": { "userId": owner.user_id, "role": "AGENT" } }))
        .await;
    assert_eq!(error_code(&body), Some("FORBIDDEN"), "{body}");
    let body = app
        .gql(Some(&owner.token), update, json!({ "input": { "userId": other.user_id, "role": "AGENT" } }))
        .await;
    assert_eq!(error_code(&body), Some("NOT_FOUND"), "another organisation's person is not found: {body}");

    let mut admin = app.db.admin_conn().await;
    let events: Vec<serde_json::Value> = sqlx::query_scalar(
        "select changes from events where action = 'member.updated' order by created_at, id",
    )
    .fetch_all(&mut admin)
    .await
    .unwrap();
    assert_eq!(events.len(), 3, "each change is audited: {events:?}");
    assert_eq!(events[1]["status"]["to"], "disabled");
}
