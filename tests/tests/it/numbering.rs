//! Numbers for any kind of record (`ferrodesk_db::numbering`): per organisation and kind,
//! gapless and never shared, however many transactions take them at once.

use ferrodesk_db::{Db, numbering};
use ferrodesk_domain::OrgId;

async fn org(admin: &mut sqlx::PgConnection, slug: &str) -> OrgId {
    let id: uuid::Uuid = sqlx::query_scalar(
        "insert into organizations (id, slug, name) values (gen_random_uuid(), $1, $1) returning id",
    )
    .bind(slug)
    .fetch_one(admin)
    .await
    .unwrap();
    OrgId::from_uuid(id)
}

#[tokio::test]
async fn numbers_are_gapless_and_unique_per_organisation_and_kind_under_concurrency() {
    let test_db = ferrodesk_testkit::test_db().await;
    let db = Db::from_pool(sqlx::PgPool::connect(&test_db.app_url).await.unwrap());
    let mut admin = test_db.admin_conn().await;
    let (acme, globex) = (org(&mut admin, "acme").await, org(&mut admin, "globex").await);

    // Twenty transactions at once, one of which gives its number back.
    let take = |n: usize| {
        let db = db.clone();
        async move {
            let mut tx = db.system_in(acme).await.unwrap();
            let number = numbering::next(&mut tx, "change").await.unwrap();
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            if n == 7 {
                return None; // rolled back
            }
            tx.commit().await.unwrap();
            Some(number)
        }
    };
    let mut kept: Vec<i32> =
        futures::future::join_all((0..20).map(take)).await.into_iter().flatten().collect();
    kept.sort_unstable();
    let mut tx = db.system_in(acme).await.unwrap();
    let next = numbering::next(&mut tx, "change").await.unwrap();
    tx.commit().await.unwrap();
    kept.push(next);
    assert_eq!(kept, (1..=20).collect::<Vec<_>>(), "no number twice, and the one given back is taken again");

    // Each kind and each organisation counts on its own; tickets' numbers are not touched.
    let mut tx = db.system_in(acme).await.unwrap();
    assert_eq!(numbering::next(&mut tx, "problem").await.unwrap(), 1);
    tx.commit().await.unwrap();
    let mut tx = db.system_in(globex).await.unwrap();
    assert_eq!(numbering::next(&mut tx, "change").await.unwrap(), 1);
    tx.commit().await.unwrap();
    let counters: Vec<(String, String, i32)> = sqlx::query_as(
        "select o.slug::text, c.kind, c.last_number from record_counters c join organizations o on o.id = c.org_id
         order by 1, 2",
    )
    .fetch_all(&mut admin)
    .await
    .unwrap();
    assert_eq!(
        counters,
        [
            ("acme".into(), "change".into(), 20),
            ("acme".into(), "problem".into(), 1),
            ("globex".into(), "change".into(), 1)
        ]
    );
    let page_versions: i64 =
        sqlx::query_scalar("select count(*) from page_versions").fetch_one(&mut admin).await.unwrap();
    assert_eq!(page_versions, 0, "other kinds' numbers leave ticket pages alone");

    // Outside any organisation there is no counter to take.
    let mut system = db.begin_system().await.unwrap();
    let refused =
        sqlx::query_scalar::<_, i32>("select fd_next_number('change')").fetch_one(&mut *system).await;
    assert!(refused.is_err(), "{refused:?}");
}
