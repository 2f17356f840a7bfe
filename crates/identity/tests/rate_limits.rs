//! Rate limits on sign-in and sign-up, through the real server: 429 with `Retry-After` past the
//! quota, per client address and per account, in process and in Redis.

mod common;

use std::time::Duration;

use palestra_core::limits::{Quota, RateLimits};
use palestra_testkit::{PASSWORD, TestApp, TestResponse};
use reqwest::Method;
use serde_json::{Value, json};

use common::{gym_app_with, local_redis, trainer_app_with};

fn login_body(email: &str, password: &str) -> Value {
    json!({ "email": email, "password": password })
}

async fn login_from(app: &TestApp, ip: Option<&str>, body: Value) -> TestResponse {
    app.anonymous()
        .send(Method::POST, "/api/v1/auth/login", |r| {
            let r = r.json(&body);
            match ip {
                Some(ip) => r.header("x-forwarded-for", ip),
                None => r,
            }
        })
        .await
}

async fn register(app: &TestApp, key: Option<&str>) -> TestResponse {
    let email = format!("{}@example.com", uuid::Uuid::now_v7().simple());
    let body = json!({ "email": email, "password": PASSWORD, "full_name": "Rita Rate" });
    app.anonymous()
        .send(Method::POST, "/api/v1/auth/register", |r| {
            let r = r.json(&body);
            match key {
                Some(key) => r.header("idempotency-key", key),
                None => r,
            }
        })
        .await
}

/// Fails unless this is the rate limit's 429; returns its `Retry-After` in seconds.
#[track_caller]
fn assert_rate_limited(response: TestResponse, max_wait: u64) -> u64 {
    let retry_after: u64 = response
        .header("retry-after")
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("a 429 says when to retry: {:?}", response.headers));
    assert!(
        (1..=max_wait).contains(&retry_after),
        "Retry-After {retry_after} within 1..={max_wait}"
    );
    let problem = response.assert_problem(429);
    assert_eq!(problem.code, "request.rate_limited");
    assert!(problem.extensions.contains_key("limit"));
    retry_after
}

fn limits(configure: impl FnOnce(&mut RateLimits)) -> RateLimits {
    let mut limits = palestra_testkit::generous_rate_limits();
    configure(&mut limits);
    limits
}

#[tokio::test]
async fn sign_in_is_limited_per_address_with_retry_after() {
    let app = gym_app_with(|s| {
        s.rate_limits = limits(|l| l.login_per_ip.quota = Some(Quota::per_seconds(3, 60)));
    })
    .await;
    let ana = app.signup().await;
    let me: Value = ana.get("/api/v1/me").await.json();
    let email = me["email"].as_str().unwrap().to_owned();
    for i in 0..3 {
        login_from(
            &app,
            None,
            login_body(&format!("nobody{i}@example.com"), PASSWORD),
        )
        .await
        .assert_problem(401);
    }
    // Past the quota even the right password is refused, before any hashing.
    let refused = login_from(&app, None, login_body(&email, PASSWORD)).await;
    let problem_detail = refused.body.clone();
    assert_rate_limited(refused, 60);
    assert!(problem_detail.contains("3 per minute"), "{problem_detail}");
}

#[tokio::test]
async fn sign_in_is_limited_per_account_whatever_the_address() {
    let app = gym_app_with(|s| {
        s.trust_proxy = true;
        s.rate_limits = limits(|l| l.login_per_account.quota = Some(Quota::per_seconds(3, 900)));
    })
    .await;
    let ana = app.signup().await;
    let me: Value = ana.get("/api/v1/me").await.json();
    let email = me["email"].as_str().unwrap().to_owned();
    for i in 1..=3 {
        let ip = format!("198.51.100.{i}");
        login_from(&app, Some(&ip), login_body(&email, "not-the-password"))
            .await
            .assert_problem(401);
    }
    // Another address and another spelling of the email: the same account, refused.
    let refused = login_from(
        &app,
        Some("203.0.113.77"),
        login_body(&email.to_uppercase(), PASSWORD),
    )
    .await;
    assert_rate_limited(refused, 900);
    // Someone else signs in as usual.
    let ben = app.signup().await;
    let ben_email = ben.get("/api/v1/me").await.json::<Value>()["email"]
        .as_str()
        .unwrap()
        .to_owned();
    login_from(&app, Some("198.51.100.1"), login_body(&ben_email, PASSWORD))
        .await
        .assert_status(200);
}

#[tokio::test]
async fn the_default_account_limit_refuses_the_eleventh_attempt() {
    let app = gym_app_with(|s| s.rate_limits = RateLimits::default()).await;
    let email = "target@example.com";
    for _ in 0..10 {
        login_from(&app, None, login_body(email, "not-the-password"))
            .await
            .assert_problem(401);
    }
    let refused = login_from(&app, None, login_body(email, "not-the-password")).await;
    let body = refused.body.clone();
    assert_rate_limited(refused, 15 * 60);
    assert!(body.contains("10 per 15 minutes"), "{body}");
}

#[tokio::test]
async fn a_forwarded_for_header_is_ignored_unless_the_proxy_is_trusted() {
    let app = gym_app_with(|s| {
        s.rate_limits = limits(|l| l.login_per_ip.quota = Some(Quota::per_seconds(2, 60)));
    })
    .await;
    for i in 1..=2 {
        let ip = format!("198.51.100.{i}");
        login_from(&app, Some(&ip), login_body("x@example.com", PASSWORD))
            .await
            .assert_problem(401);
    }
    let refused = login_from(
        &app,
        Some("198.51.100.3"),
        login_body("x@example.com", PASSWORD),
    )
    .await;
    assert_rate_limited(refused, 60);
}

#[tokio::test]
async fn sign_ups_are_limited_per_address_across_both_sign_up_routes() {
    let app = trainer_app_with(|s| {
        s.rate_limits = limits(|l| l.register_per_ip.quota = Some(Quota::per_seconds(2, 3600)));
    })
    .await;
    register(&app, None).await.assert_status(201);
    let trainer = json!({
        "email": "tina@example.com",
        "password": PASSWORD,
        "full_name": "Tina Trainer",
        "time_zone": "Europe/Madrid",
    });
    app.anonymous()
        .post("/api/v1/auth/register-trainer", trainer.clone())
        .await
        .assert_status(201);
    let retry_after = assert_rate_limited(register(&app, None).await, 3600);
    assert!(retry_after > 3500, "the window is an hour: {retry_after}");
    let mut tom = trainer;
    tom["email"] = json!("tom@example.com");
    let refused = app
        .anonymous()
        .post("/api/v1/auth/register-trainer", tom)
        .await;
    assert_rate_limited(refused, 3600);
}

#[tokio::test]
async fn a_refused_sign_up_is_not_stored_under_its_key_and_can_be_retried() {
    let app = gym_app_with(|s| {
        s.rate_limits = limits(|l| l.register_per_ip.quota = Some(Quota::per_seconds(1, 1)));
    })
    .await;
    register(&app, None).await.assert_status(201);
    let key = uuid::Uuid::now_v7().to_string();
    let email = "late@example.com";
    let body = json!({ "email": email, "password": PASSWORD, "full_name": "Lara Late" });
    let send = || {
        let (anonymous, body, key) = (app.anonymous(), body.clone(), key.clone());
        async move {
            anonymous
                .send(Method::POST, "/api/v1/auth/register", move |r| {
                    r.json(&body).header("idempotency-key", key)
                })
                .await
        }
    };
    assert_rate_limited(send().await, 1);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let created = send().await.assert_status(201);
    assert!(created.header("idempotency-replayed").is_none());
}

#[tokio::test]
async fn redis_counts_across_instances_and_namespaces_do_not_collide() {
    let Some(redis) = local_redis() else { return };
    let namespace = format!("palestra-test:{}:", uuid::Uuid::now_v7().simple());
    let configure = |s: &mut palestra_testkit::AppSettings| {
        s.redis_url = Some(redis.clone());
        s.redis_prefix = namespace.clone();
        s.rate_limits = limits(|l| l.login_per_ip.quota = Some(Quota::per_seconds(2, 60)));
    };
    // Two instances of one service share Redis and its namespace: they share the counters.
    let first = gym_app_with(configure).await;
    let second = gym_app_with(configure).await;
    let body = login_body("shared@example.com", PASSWORD);
    login_from(&first, None, body.clone())
        .await
        .assert_problem(401);
    login_from(&second, None, body.clone())
        .await
        .assert_problem(401);
    assert_rate_limited(login_from(&first, None, body.clone()).await, 60);
    assert_rate_limited(login_from(&second, None, body.clone()).await, 60);
    // Another app (another test, another service) has its own namespace and its own counters.
    let other = gym_app_with(|s| {
        s.redis_url = Some(redis.clone());
        s.rate_limits = limits(|l| l.login_per_ip.quota = Some(Quota::per_seconds(2, 60)));
    })
    .await;
    login_from(&other, None, body).await.assert_problem(401);
}

#[tokio::test]
async fn an_unreachable_redis_lets_sign_ins_through() {
    // Nothing listens on port 1: the limiter fails open rather than lock everyone out.
    let app = gym_app_with(|s| {
        s.redis_url = Some("redis://127.0.0.1:1".to_owned());
        s.rate_limits = limits(|l| l.login_per_ip.quota = Some(Quota::per_seconds(1, 60)));
    })
    .await;
    for _ in 0..3 {
        login_from(&app, None, login_body("x@example.com", PASSWORD))
            .await
            .assert_problem(401);
    }
}

#[tokio::test]
async fn password_reset_requests_are_limited_per_email_and_per_address() {
    let app = gym_app_with(|s| {
        s.rate_limits = limits(|l| {
            l.password_reset_per_account.quota = Some(Quota::per_seconds(2, 3600));
            l.password_reset_per_ip.quota = Some(Quota::per_seconds(4, 3600));
        });
    })
    .await;
    let anonymous = app.anonymous();
    let ask = |email: &'static str| {
        anonymous.post("/api/v1/auth/password-reset", json!({ "email": email }))
    };
    ask("someone@example.com").await.assert_status(202);
    ask("SOMEONE@example.com").await.assert_status(202);
    assert_rate_limited(ask("someone@example.com").await, 3600);
    // Unknown emails are counted the same way: the limit reveals nothing.
    ask("other@example.com").await.assert_status(202);
    assert_rate_limited(ask("third@example.com").await, 3600);
}

#[tokio::test]
async fn invitations_are_limited_per_inviting_account() {
    let app = gym_app_with(|s| {
        s.rate_limits =
            limits(|l| l.invitations_per_account.quota = Some(Quota::per_seconds(2, 3600)));
    })
    .await;
    let owner = app.signup().await;
    let gym = owner.create_gym().await;
    let owner = owner.in_tenant(&gym);
    for i in 0..2 {
        owner
            .post(
                "/api/v1/invitations",
                json!({ "email": format!("guest{i}@example.com"), "role": "member" }),
            )
            .await
            .assert_status(201);
    }
    let refused = owner
        .post(
            "/api/v1/invitations",
            json!({ "email": "guest9@example.com", "role": "member" }),
        )
        .await;
    assert_rate_limited(refused, 3600);
}
