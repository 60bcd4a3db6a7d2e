//! The request limits' batched count (`RateLimiter::hit_all`) against counting every hit in
//! Redis (`RateLimiter::hit`): the same answers in one process, and a bounded overshoot across
//! replicas.

use ferrodesk_core::AppError;
use ferrodesk_core::auth::{RateLimit, RateLimiter};
use redis::aio::ConnectionManager;

async fn limiter(prefix: &str) -> RateLimiter {
    let client = redis::Client::open(ferrodesk_testkit::redis_url()).unwrap();
    let redis = ConnectionManager::new(client).await.unwrap();
    RateLimiter::new(redis, prefix)
}

fn prefix() -> String {
    format!("fdt-rl-{}:", uuid::Uuid::now_v7().simple())
}

/// Whether each of `n` hits was admitted.
async fn plain(limiter: &RateLimiter, bucket: &str, max: u32, n: u32) -> Vec<bool> {
    let mut answers = Vec::new();
    for _ in 0..n {
        answers.push(limiter.hit(bucket, RateLimit { max, window_secs: 60 }).await.is_ok());
    }
    answers
}

async fn batched(limiter: &RateLimiter, bucket: &str, max: u32, n: u32) -> Vec<bool> {
    let mut answers = Vec::new();
    for _ in 0..n {
        answers.push(match limiter.hit_all(60, &[(bucket, max)]).await {
            Ok(()) => true,
            Err(AppError::RateLimited { retry_after_secs }) => {
                assert!((1..=60).contains(&retry_after_secs), "{retry_after_secs}");
                false
            }
            Err(e) => panic!("{e}"),
        });
    }
    answers
}

#[tokio::test]
async fn one_process_counts_in_batches_exactly_as_hit_by_hit() {
    let limiter = limiter(&prefix()).await;
    for max in [1, 5, 127, 128, 300, 2_000] {
        let n = max + 40;
        let expected = plain(&limiter, &format!("plain-{max}"), max, n).await;
        assert_eq!(expected.iter().filter(|ok| **ok).count(), max as usize);
        let got = batched(&limiter, &format!("batched-{max}"), max, n).await;
        assert_eq!(got, expected, "limit {max}");
    }
}

#[tokio::test]
async fn many_requests_at_once_in_one_process_get_no_more_than_the_limit() {
    let limiter = limiter(&prefix()).await;
    let max = 1_000;
    let tasks: Vec<_> = (0..1_500)
        .map(|_| {
            let limiter = limiter.clone();
            tokio::spawn(
                async move { limiter.hit_all(60, &[("busy", max), ("quiet", u32::MAX)]).await.is_ok() },
            )
        })
        .collect();
    let mut admitted = 0;
    for task in tasks {
        admitted += usize::from(task.await.unwrap());
    }
    assert_eq!(admitted, max as usize);
}

#[tokio::test]
async fn each_further_replica_lets_through_at_most_a_batch_more() {
    let prefix = prefix();
    let (a, b, c) = (limiter(&prefix).await, limiter(&prefix).await, limiter(&prefix).await);
    // A limit under 128 is counted hit by hit: exact across replicas too.
    for (max, slack) in [(100_u32, 0_usize), (2_000, 2 * 15)] {
        let bucket = format!("shared-{max}");
        let mut admitted = 0;
        for i in 0..max + 200 {
            let replica = [&a, &b, &c][i as usize % 3];
            admitted += usize::from(replica.hit_all(60, &[(bucket.as_str(), max)]).await.is_ok());
        }
        assert!(
            (max as usize..=max as usize + slack).contains(&admitted),
            "limit {max}: {admitted} admitted by three replicas"
        );
    }
}
