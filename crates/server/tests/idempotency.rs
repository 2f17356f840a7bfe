//! `Idempotency-Key` through the real server, on the database store (SQLite or Postgres, as the
//! run is configured) and on Redis when it is reachable: replay, reuse with another body,
//! requests in flight, released failures, concurrency, expiry, scope and malformed keys.

mod common;

use std::sync::atomic::Ordering;
use std::time::Duration;

use futures_util::future::join_all;
use palestra_core::entities::idempotency_key;
use palestra_testkit::{TestApp, TestResponse};
use reqwest::Method;
use sea_orm::{ActiveValue::Set, EntityTrait};
use serde_json::{Value, json};

use common::{probe_app, stores};

async fn post(app: &TestApp, key: Option<&str>, body: Value) -> TestResponse {
    app.anonymous()
        .send(Method::POST, "/api/v1/probe", |r| {
            let r = r.json(&body);
            match key {
                Some(key) => r.header("idempotency-key", key),
                None => r,
            }
        })
        .await
}

fn replayed(response: &TestResponse) -> bool {
    response.header("idempotency-replayed").as_deref() == Some("true")
}

fn key() -> String {
    uuid::Uuid::now_v7().to_string()
}

#[tokio::test]
async fn a_repeat_with_the_same_key_and_body_gets_the_stored_response() {
    for redis in stores() {
        let (app, runs) = probe_app(|s| s.redis_url = redis.clone()).await;
        let key = key();
        let body = json!({ "status": 201, "note": "first" });
        let first = post(&app, Some(&key), body.clone())
            .await
            .assert_status(201);
        assert!(!replayed(&first));
        let again = post(&app, Some(&key), body.clone())
            .await
            .assert_status(201);
        assert!(replayed(&again), "{redis:?}");
        assert_eq!(again.body, first.body);
        assert_eq!(again.json::<Value>()["run"], 1);
        assert_eq!(again.header("location"), first.header("location"));
        assert_eq!(
            again.header("content-type").as_deref(),
            Some("application/json")
        );
        assert_eq!(runs.0.load(Ordering::SeqCst), 1, "{redis:?}");

        // Without a key, nothing is remembered.
        post(&app, None, body.clone()).await.assert_status(201);
        post(&app, None, body).await.assert_status(201);
        assert_eq!(runs.0.load(Ordering::SeqCst), 3);
    }
}

#[tokio::test]
async fn the_same_key_with_another_body_is_refused_with_422() {
    for redis in stores() {
        let (app, runs) = probe_app(|s| s.redis_url = redis.clone()).await;
        let key = key();
        post(&app, Some(&key), json!({ "status": 201, "note": "a" }))
            .await
            .assert_status(201);
        let problem = post(&app, Some(&key), json!({ "status": 201, "note": "b" }))
            .await
            .assert_problem(422);
        assert_eq!(problem.code, "request.idempotency_key_reused");
        assert_eq!(runs.0.load(Ordering::SeqCst), 1);
    }
}

#[tokio::test]
async fn a_repeat_while_the_first_runs_gets_409_then_the_replay() {
    for redis in stores() {
        let (app, runs) = probe_app(|s| s.redis_url = redis.clone()).await;
        let key = key();
        let body = json!({ "status": 201, "delay_ms": 800 });
        let (first, repeat) = tokio::join!(post(&app, Some(&key), body.clone()), async {
            tokio::time::sleep(Duration::from_millis(250)).await;
            let repeat = post(&app, Some(&key), body.clone()).await;
            let other = post(&app, Some(&key), json!({ "status": 201, "note": "other" })).await;
            (repeat, other)
        });
        first.assert_status(201);
        let (repeat, other) = repeat;
        assert_eq!(repeat.header("retry-after").as_deref(), Some("1"));
        assert_eq!(
            repeat.assert_problem(409).code,
            "request.idempotency_in_flight"
        );
        assert_eq!(
            other.assert_problem(422).code,
            "request.idempotency_key_reused"
        );
        let after = post(&app, Some(&key), body).await.assert_status(201);
        assert!(replayed(&after));
        assert_eq!(runs.0.load(Ordering::SeqCst), 1);
    }
}

#[tokio::test]
async fn a_server_error_or_a_429_releases_the_key_so_a_retry_runs() {
    for redis in stores() {
        let (app, runs) = probe_app(|s| s.redis_url = redis.clone()).await;
        let key = key();
        let body = json!({ "status": 201, "fail_first": 1, "limit_first": 1 });
        let failed = post(&app, Some(&key), body.clone()).await;
        assert_eq!(failed.assert_problem(500).code, "internal.error");
        let limited = post(&app, Some(&key), body.clone()).await;
        assert!(!replayed(&limited));
        assert_eq!(limited.assert_problem(429).code, "request.rate_limited");
        let succeeded = post(&app, Some(&key), body.clone())
            .await
            .assert_status(201);
        assert!(!replayed(&succeeded));
        assert_eq!(succeeded.json::<Value>()["run"], 3);
        let replay = post(&app, Some(&key), body).await.assert_status(201);
        assert!(replayed(&replay));
        assert_eq!(runs.0.load(Ordering::SeqCst), 3);
    }
}

#[tokio::test]
async fn a_handler_that_panics_answers_500_and_releases_its_claim() {
    for redis in stores() {
        let (app, runs) = probe_app(|s| s.redis_url = redis.clone()).await;
        let key = key();
        let body = json!({ "status": 201, "panic_first": 1 });
        let failed = post(&app, Some(&key), body.clone()).await;
        assert_eq!(failed.assert_problem(500).code, "internal.error");
        let retry = post(&app, Some(&key), body).await.assert_status(201);
        assert!(!replayed(&retry));
        assert_eq!(runs.0.load(Ordering::SeqCst), 2);
    }
}

#[tokio::test]
async fn a_client_error_is_stored_and_replayed_as_it_was() {
    for redis in stores() {
        let (app, runs) = probe_app(|s| s.redis_url = redis.clone()).await;
        let key = key();
        let body = json!({ "status": 409 });
        let first = post(&app, Some(&key), body.clone()).await;
        let first_body = first.body.clone();
        assert_eq!(first.assert_problem(409).code, "probe.refused");
        let again = post(&app, Some(&key), body).await;
        assert!(replayed(&again));
        assert_eq!(
            again.body, first_body,
            "the very same problem, request id included"
        );
        again.assert_problem(409);
        assert_eq!(runs.0.load(Ordering::SeqCst), 1);
    }
}

#[tokio::test]
async fn concurrent_requests_with_one_key_run_once() {
    for redis in stores() {
        let (app, runs) = probe_app(|s| s.redis_url = redis.clone()).await;
        let key = key();
        let body = json!({ "status": 201, "delay_ms": 300 });
        let responses = join_all((0..10).map(|_| post(&app, Some(&key), body.clone()))).await;
        let fresh = responses
            .iter()
            .filter(|r| r.status == 201 && !replayed(r))
            .count();
        assert_eq!(fresh, 1, "exactly one ran on {} / {redis:?}", app.backend());
        for response in responses {
            if response.status == 409 {
                assert_eq!(
                    response.assert_problem(409).code,
                    "request.idempotency_in_flight"
                );
            } else {
                assert_eq!(response.status, 201, "{}", response.body);
            }
        }
        assert_eq!(runs.0.load(Ordering::SeqCst), 1);
    }
}

#[tokio::test]
async fn keys_expire_after_their_time_to_live() {
    for redis in stores() {
        let (app, runs) = probe_app(|s| {
            s.redis_url = redis.clone();
            s.idempotency_ttl = Duration::from_secs(1);
        })
        .await;
        let key = key();
        post(&app, Some(&key), json!({ "status": 201 }))
            .await
            .assert_status(201);
        tokio::time::sleep(Duration::from_millis(1300)).await;
        let later = post(&app, Some(&key), json!({ "status": 201, "note": "new" }))
            .await
            .assert_status(201);
        assert!(!replayed(&later));
        assert_eq!(later.json::<Value>()["run"], 2);
        assert_eq!(runs.0.load(Ordering::SeqCst), 2);
    }
}

#[tokio::test]
async fn a_first_request_whose_client_went_away_still_completes_and_is_replayed() {
    for redis in stores() {
        let (app, runs) = probe_app(|s| s.redis_url = redis.clone()).await;
        let key = key();
        let body = json!({ "status": 201, "delay_ms": 500 });
        let gone = app
            .request(Method::POST, "/api/v1/probe")
            .header("idempotency-key", &key)
            .json(&body)
            .timeout(Duration::from_millis(100))
            .send()
            .await;
        assert!(gone.is_err(), "the client gave up");
        tokio::time::sleep(Duration::from_millis(700)).await;
        let retry = post(&app, Some(&key), body).await.assert_status(201);
        assert!(replayed(&retry), "{redis:?}: {}", retry.body);
        assert_eq!(runs.0.load(Ordering::SeqCst), 1);
    }
}

#[tokio::test]
async fn keys_belong_to_their_caller() {
    for redis in stores() {
        let (app, runs) = probe_app(|s| {
            s.redis_url = redis.clone();
            s.trust_proxy = true;
        })
        .await;
        let key = key();
        let body = json!({ "status": 201 });
        let from = |ip: &'static str| {
            let (body, key, anonymous) = (body.clone(), key.clone(), app.anonymous());
            async move {
                anonymous
                    .send(Method::POST, "/api/v1/probe", move |r| {
                        r.json(&body)
                            .header("idempotency-key", key)
                            .header("x-forwarded-for", ip)
                    })
                    .await
            }
        };
        let ana = from("198.51.100.1").await.assert_status(201);
        let ben = from("198.51.100.2").await.assert_status(201);
        assert!(!replayed(&ben), "another caller's key is theirs alone");
        assert_ne!(ana.body, ben.body);
        assert!(replayed(&from("198.51.100.1").await.assert_status(201)));
        assert_eq!(runs.0.load(Ordering::SeqCst), 2);
    }
}

#[tokio::test]
async fn malformed_keys_are_refused_with_400() {
    let (app, runs) = probe_app(|_| {}).await;
    let long = "k".repeat(256);
    for bad in ["with space", long.as_str()] {
        let problem = post(&app, Some(bad), json!({ "status": 201 }))
            .await
            .assert_problem(400);
        assert_eq!(problem.code, "request.invalid_idempotency_key");
    }
    let twice = app
        .anonymous()
        .send(Method::POST, "/api/v1/probe", |r| {
            r.json(&json!({ "status": 201 }))
                .header("idempotency-key", "one")
                .header("idempotency-key", "two")
        })
        .await
        .assert_problem(400);
    assert_eq!(twice.code, "request.invalid_idempotency_key");
    post(&app, Some(&"k".repeat(255)), json!({ "status": 201 }))
        .await
        .assert_status(201);
    assert_eq!(runs.0.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn an_abandoned_claim_is_taken_over_once_its_lease_ends() {
    // The database store: a claim left in flight by a process that died.
    let (app, runs) = probe_app(|_| {}).await;
    let key = key();
    let long_ago = chrono::Utc::now() - chrono::Duration::hours(1);
    idempotency_key::Entity::insert(idempotency_key::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        scope: Set("ip:127.0.0.1".to_owned()),
        route: Set("POST /api/v1/probe".to_owned()),
        idempotency_key: Set(key.clone()),
        // Whatever it was: an abandoned claim is taken over without being compared.
        fingerprint: Set("0".repeat(64)),
        status: Set(idempotency_key::STATUS_IN_FLIGHT.to_owned()),
        response_status: Set(None),
        response_body: Set(None),
        created_at: Set(long_ago),
        expires_at: Set(long_ago + chrono::Duration::minutes(5)),
    })
    .exec(&app.db)
    .await
    .unwrap();
    let taken = app
        .anonymous()
        .send(Method::POST, "/api/v1/probe", |r| {
            r.header("content-type", "application/json")
                .header("idempotency-key", key.clone())
                .body(r#"{"status":201}"#)
        })
        .await
        .assert_status(201);
    assert!(!replayed(&taken));
    assert_eq!(runs.0.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn an_unreachable_redis_refuses_idempotent_requests_with_503() {
    // Nothing listens on port 1: better refuse than risk running twice.
    let (app, runs) = probe_app(|s| s.redis_url = Some("redis://127.0.0.1:1".to_owned())).await;
    let response = post(&app, Some(&key()), json!({ "status": 201 })).await;
    assert!(response.header("retry-after").is_some());
    let problem = response.assert_problem(503);
    assert_eq!(problem.code, "request.idempotency_unavailable");
    assert_eq!(runs.0.load(Ordering::SeqCst), 0);
    post(&app, None, json!({ "status": 201 }))
        .await
        .assert_status(201);
}
