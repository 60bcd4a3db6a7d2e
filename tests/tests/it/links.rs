//! Links between records (`ferrodesk_db::links`): both ends in the link's organisation, held
//! while it is made as a foreign key holds its row, and gone with either end.

use std::time::Duration;

use ferrodesk_db::{Db, DbError, links};
use ferrodesk_domain::{LinkRelation, OrgId, RecordKind, RecordRef, UserId};
use ferrodesk_testkit::TestApp;
use serde_json::json;
use uuid::Uuid;

async fn ticket(
    app: &TestApp,
    admin: &mut sqlx::PgConnection,
    session: &ferrodesk_testkit::Session,
    org: Uuid,
    subject: &str,
) -> RecordRef {
    app.create_ticket(session, json!({ "kind": "INCIDENT", "subject": subject })).await;
    let id: Uuid = sqlx::query_scalar("select id from tickets where org_id = $1 and subject = $2")
        .bind(org)
        .bind(subject)
        .fetch_one(admin)
        .await
        .unwrap();
    RecordRef { kind: RecordKind::Ticket, id }
}

#[tokio::test]
async fn links_join_records_of_one_organisation_and_go_with_them() {
    let app = TestApp::spawn().await;
    let (acme_owner, globex_owner) = (app.sign_up("acme").await, app.sign_up("globex").await);
    let mut admin = app.db.admin_conn().await;
    let ((acme, owner), (globex, other)) = (app.db.owner_of("acme").await, app.db.owner_of("globex").await);
    let vpn = ticket(&app, &mut admin, &acme_owner, acme, "VPN down").await;
    let again = ticket(&app, &mut admin, &acme_owner, acme, "VPN down again").await;
    let wifi = ticket(&app, &mut admin, &acme_owner, acme, "Wi-Fi slow").await;
    let theirs = ticket(&app, &mut admin, &globex_owner, globex, "Printer").await;
    let db = Db::from_pool(sqlx::PgPool::connect(&app.db.app_url).await.unwrap());
    let enter = |org: Uuid, user: Uuid| db.enter(OrgId::from_uuid(org), UserId::from_uuid(user));

    let mut tx = enter(acme, owner).await.unwrap();
    let link = links::add(&mut tx, again, vpn, LinkRelation::Duplicates).await.unwrap().expect("linked");
    assert_eq!((link.source, link.target, link.created_by), (again, vpn, Some(owner)));
    assert!(links::add(&mut tx, again, vpn, LinkRelation::Duplicates).await.unwrap().is_none(), "once");
    links::add(&mut tx, wifi, vpn, LinkRelation::RelatesTo).await.unwrap().expect("linked");
    assert_eq!(links::of(&mut tx, vpn).await.unwrap().len(), 2, "from either end");
    assert_eq!(links::of(&mut tx, again).await.unwrap(), std::slice::from_ref(&link));
    tx.commit().await.unwrap();

    // Refused whole: to itself, to another organisation's record, to nothing.
    for (target, constraint) in [
        (vpn, "record_links_not_to_itself"),
        (theirs, "record_links_ends_exist"),
        (RecordRef { kind: RecordKind::Ticket, id: Uuid::now_v7() }, "record_links_ends_exist"),
    ] {
        let mut tx = enter(acme, owner).await.unwrap();
        match links::add(&mut tx, vpn, target, LinkRelation::RelatesTo).await {
            Err(DbError::Check { constraint: c } | DbError::ForeignKey { constraint: c }) => {
                assert_eq!(c, constraint);
            }
            other => panic!("linking to {target:?}: {other:?}"),
        }
    }
    // Another organisation sees none of it, and cannot remove it.
    let mut tx = enter(globex, other).await.unwrap();
    assert!(links::of(&mut tx, vpn).await.unwrap().is_empty());
    assert!(links::remove(&mut tx, link.id).await.unwrap().is_none());
    tx.commit().await.unwrap();

    // A link being made holds its ends: deleting one waits, then takes the link with it.
    let mut tx = enter(acme, owner).await.unwrap();
    links::add(&mut tx, wifi, again, LinkRelation::CausedBy).await.unwrap().expect("linked");
    let deleting = tokio::spawn({
        let admin_url = app.db.admin_url.clone();
        async move {
            let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&admin_url).await.unwrap();
            sqlx::query("delete from tickets where id = $1").bind(again.id).execute(&mut conn).await.unwrap();
        }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!deleting.is_finished(), "the delete waits for the link's transaction");
    tx.commit().await.unwrap();
    deleting.await.unwrap();
    let left: Vec<(String, Uuid, Uuid)> =
        sqlx::query_as("select relation, source_id, target_id from record_links order by created_at")
            .fetch_all(&mut admin)
            .await
            .unwrap();
    assert_eq!(left, [("relates_to".to_owned(), wifi.id, vpn.id)], "the deleted ticket's links went with it");

    let mut tx = enter(acme, owner).await.unwrap();
    let links_of_vpn = links::of(&mut tx, vpn).await.unwrap();
    let removed = links::remove(&mut tx, links_of_vpn[0].id).await.unwrap().expect("removed");
    assert_eq!((removed.source, removed.relation), (wifi, LinkRelation::RelatesTo));
    tx.commit().await.unwrap();
}
