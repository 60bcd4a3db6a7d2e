//! Admins shape departments and categories: new departments get SLA targets, categories route
//! tickets to their department, a category in use is never deleted, and nobody else can do it.

use ferrodesk_testkit::{TestApp, error_code, error_field};
use serde_json::{Value, json};

const CREATE_DEPARTMENT: &str = "mutation($name: String!) { createDepartment(name: $name) { id name } }";
const CREATE_CATEGORY: &str = "mutation($input: CreateCategoryInput!) { createCategory(input: $input) { id name parentId departmentId position } }";

#[tokio::test]
async fn admins_shape_departments_and_categories_without_losing_tickets() {
    let app = TestApp::spawn().await;
    let owner = app.sign_up("catalog").await;
    let agent = app.add_member(&owner, "agent@catalog.test", "AGENT").await;
    let other = app.sign_up("othercat").await;
    let gql = |token: &str, query: &'static str, variables: Value| {
        let token = token.to_owned();
        let app = &app;
        async move { app.gql(Some(&token), query, variables).await }
    };

    let body = gql(&owner.token, CREATE_DEPARTMENT, json!({ "name": "  Human Resources " })).await;
    let hr = body["data"]["createDepartment"]["id"].as_str().unwrap_or_else(|| panic!("{body}")).to_owned();
    assert_eq!(body["data"]["createDepartment"]["name"], "Human Resources");
    let dup = gql(&owner.token, CREATE_DEPARTMENT, json!({ "name": "human resources" })).await;
    assert_eq!((error_code(&dup), error_field(&dup)), (Some("CONFLICT"), Some("name")), "{dup}");
    let mut admin = app.db.admin_conn().await;
    let policies: i64 = sqlx::query_scalar(
        "select count(*) from sla_policies p join departments d on d.org_id = p.org_id and d.id = p.department_id
         where d.name = 'Human Resources'",
    )
    .fetch_one(&mut admin)
    .await
    .unwrap();
    assert_eq!(policies, 4, "a new department has targets for every priority");

    let body =
        gql(&owner.token, CREATE_CATEGORY, json!({ "input": { "departmentId": hr, "name": "People" } }))
            .await;
    let people = body["data"]["createCategory"]["id"].as_str().unwrap_or_else(|| panic!("{body}")).to_owned();
    let body = gql(
        &owner.token,
        CREATE_CATEGORY,
        json!({ "input": { "departmentId": hr, "parentId": people, "name": "Onboarding" } }),
    )
    .await;
    let onboarding =
        body["data"]["createCategory"]["id"].as_str().unwrap_or_else(|| panic!("{body}")).to_owned();
    let third = gql(
        &owner.token,
        CREATE_CATEGORY,
        json!({ "input": { "departmentId": hr, "parentId": onboarding, "name": "Too deep" } }),
    )
    .await;
    assert_eq!(
        (error_code(&third), error_field(&third)),
        (Some("BAD_USER_INPUT"), Some("parentId")),
        "{third}"
    );
    let body =
        gql(&owner.token, CREATE_CATEGORY, json!({ "input": { "departmentId": hr, "name": "Unused" } }))
            .await;
    let unused = body["data"]["createCategory"]["id"].as_str().unwrap().to_owned();
    assert_eq!(body["data"]["createCategory"]["position"], 1, "appended after People");

    let renamed = gql(
        &owner.token,
        "mutation($id: ID!) { renameCategory(id: $id, name: \"New starters\") { name } }",
        json!({ "id": onboarding }),
    )
    .await;
    assert_eq!(renamed["data"]["renameCategory"]["name"], "New starters", "{renamed}");
    let renamed = gql(
        &owner.token,
        "mutation($id: ID!) { renameDepartment(id: $id, name: \"People & Culture\") { name } }",
        json!({ "id": hr }),
    )
    .await;
    assert_eq!(renamed["data"]["renameDepartment"]["name"], "People & Culture", "{renamed}");

    // The category routes the ticket to its department; while in use it cannot be deleted.
    let ticket = app
        .create_ticket(
            &owner,
            json!({ "kind": "SERVICE_REQUEST", "subject": "New starter", "categoryId": onboarding }),
        )
        .await;
    let in_use =
        gql(&owner.token, "mutation($id: ID!) { deleteCategory(id: $id) }", json!({ "id": people })).await;
    assert_eq!(error_code(&in_use), Some("CONFLICT"), "{in_use}");
    assert!(in_use["errors"][0]["message"].as_str().unwrap().contains("1 ticket is filed"), "{in_use}");
    let deleted =
        gql(&owner.token, "mutation($id: ID!) { deleteCategory(id: $id) }", json!({ "id": unused })).await;
    assert_eq!(deleted["data"]["deleteCategory"], unused.as_str(), "{deleted}");
    let department: String = sqlx::query_scalar(
        "select d.name from tickets t join departments d on d.org_id = t.org_id and d.id = t.department_id
         where t.number = 1",
    )
    .fetch_one(&mut admin)
    .await
    .unwrap();
    assert_eq!(department, "People & Culture");
    assert!(ticket["number"].is_string());

    // Only admins, only this organisation.
    let refused = gql(&agent.token, CREATE_DEPARTMENT, json!({ "name": "Facilities" })).await;
    assert_eq!(error_code(&refused), Some("FORBIDDEN"), "{refused}");
    let foreign =
        gql(&other.token, CREATE_CATEGORY, json!({ "input": { "departmentId": hr, "name": "Sneaky" } }))
            .await;
    assert_eq!(error_code(&foreign), Some("NOT_FOUND"), "{foreign}");
    let foreign =
        gql(&other.token, "mutation($id: ID!) { deleteCategory(id: $id) }", json!({ "id": onboarding }))
            .await;
    assert_eq!(error_code(&foreign), Some("NOT_FOUND"), "{foreign}");

    let actions: Vec<String> = sqlx::query_scalar(
        "select action from events where subject_type in ('department', 'category') order by created_at, id",
    )
    .fetch_all(&mut admin)
    .await
    .unwrap();
    assert_eq!(
        actions,
        [
            "department.created",
            "category.created",
            "category.created",
            "category.created",
            "category.renamed",
            "department.renamed",
            "category.deleted"
        ],
    );
}
