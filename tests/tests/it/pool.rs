//! The lane (crates/db/src/lane.rs): connections reused without sqlx's pool in between, never all
//! of the pool's.

use ferrodesk_testkit::TestApp;
use std::time::Duration;

/// The lane keeps at most all but an eighth of the pool: once its connections are released,
/// the rest are back in the pool, so work that takes connections from the pool directly (sign-up,
/// system work) does not wait on the lane.
#[tokio::test]
async fn the_lane_keeps_connections_for_reuse_but_never_all_of_the_pool() {
    let app = TestApp::spawn().await;
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(8)
        .acquire_timeout(Duration::from_secs(1))
        .connect(&app.db.app_url)
        .await
        .unwrap();
    let db = ferrodesk_db::Db::from_pool(pool.clone());

    let mut held = Vec::new();
    for _ in 0..8 {
        held.push(db.acquire().await.unwrap());
    }
    let mut pids = Vec::new();
    for conn in &mut held {
        pids.push(
            sqlx::query_scalar::<_, i32>("select pg_backend_pid()").fetch_one(&mut **conn).await.unwrap(),
        );
    }
    for conn in held {
        conn.release();
    }
    // Seven kept by the lane; the eighth went back to the pool (its ping runs in a task).
    let mut direct = None;
    for _ in 0..50 {
        if pool.num_idle() == 1 {
            direct = Some(pool.acquire().await.unwrap());
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut direct = direct.expect("one connection back in the pool");
    let direct_pid: i32 =
        sqlx::query_scalar("select pg_backend_pid()").fetch_one(&mut *direct).await.unwrap();
    assert_eq!(pids.last(), Some(&direct_pid), "the connection past the lane's cap went back to the pool");

    // The lane hands its seven out again, most recently used first, without the pool.
    for expected in pids[..7].iter().rev() {
        let mut conn = db.acquire().await.unwrap();
        let pid: i32 = sqlx::query_scalar("select pg_backend_pid()").fetch_one(&mut *conn).await.unwrap();
        assert_eq!(pid, *expected);
    }
}
