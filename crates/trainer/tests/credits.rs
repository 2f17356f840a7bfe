//! Session credits: packages, grants, adjustments, the ledger and its balance, consumption by
//! appointments, refunds, forfeits and expiry.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail the test loudly at the first surprise"
)]

mod support;

use std::str::FromStr;

use chrono::{Duration, Utc};
use palestra_core::ids::{AccountId, TenantId};
use palestra_trainer::credits;
use palestra_trainer::entities::{credit_balance, credit_entry, credit_lot};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

use support::{app, workspace};

fn ids(tenant: &str, account: &str) -> (TenantId, AccountId) {
    (
        TenantId::from_str(tenant).unwrap(),
        AccountId::from_str(account).unwrap(),
    )
}

/// The ledger's sum and the balance row agree, and neither is negative.
async fn assert_ledger_sums(
    db: &sea_orm::DatabaseConnection,
    tenant: TenantId,
    client: AccountId,
) -> i64 {
    let entries = credit_entry::Entity::find()
        .filter(credit_entry::Column::TenantId.eq(tenant.uuid()))
        .filter(credit_entry::Column::AccountId.eq(client.uuid()))
        .all(db)
        .await
        .unwrap();
    let sum: i64 = entries.iter().map(|e| i64::from(e.amount)).sum();
    let balance = credits::balances(db, tenant, &[client]).await.unwrap()[&client];
    assert_eq!(sum, balance, "the balance is the ledger's sum");
    let lots: i64 = credit_lot::Entity::find()
        .filter(credit_lot::Column::TenantId.eq(tenant.uuid()))
        .filter(credit_lot::Column::AccountId.eq(client.uuid()))
        .all(db)
        .await
        .unwrap()
        .iter()
        .map(|l| i64::from(l.remaining))
        .sum();
    assert_eq!(lots, balance, "the lots hold the balance");
    assert!(balance >= 0);
    balance
}

async fn package(owner: &palestra_testkit::Actor<'_>, sessions: i32, validity_days: i32) -> String {
    let body: Value = owner
        .post(
            "/api/v1/packages",
            json!({ "name": format!("{sessions} sessions"), "sessions": sessions,
                    "price_minor": 40000, "currency": "EUR", "validity_days": validity_days }),
        )
        .await
        .assert_status(201)
        .json();
    body["id"].as_str().unwrap().to_owned()
}

/// Grants a package to a client through the API, as the owner.
async fn grant(owner: &palestra_testkit::Actor<'_>, client: &str, package: &str) {
    owner
        .post(
            &format!("/api/v1/clients/{client}/credits/grants"),
            json!({ "package_id": package }),
        )
        .await
        .assert_status(201);
}

/// Adds credits by hand that never expire, as the owner.
async fn goodwill(owner: &palestra_testkit::Actor<'_>, client: &str, amount: i32) {
    owner
        .post(
            &format!("/api/v1/clients/{client}/credits/adjustments"),
            json!({ "amount": amount, "reason": "Goodwill" }),
        )
        .await
        .assert_status(201);
}

/// Consumes for an appointment in a transaction of its own.
async fn consume_committed(
    db: &sea_orm::DatabaseConnection,
    (tenant, client, by): (TenantId, AccountId, AccountId),
    appointment: uuid::Uuid,
    amount: i32,
) {
    let txn = palestra_core::db::begin_write(db).await.unwrap();
    credits::consume(&txn, tenant, client, appointment, amount, by)
        .await
        .unwrap();
    txn.commit().await.unwrap();
}

/// Refunds an appointment in a transaction of its own.
async fn refund_committed(
    db: &sea_orm::DatabaseConnection,
    (tenant, client, by): (TenantId, AccountId, AccountId),
    appointment: uuid::Uuid,
) {
    let txn = palestra_core::db::begin_write(db).await.unwrap();
    credits::refund(&txn, tenant, client, appointment, by)
        .await
        .unwrap();
    txn.commit().await.unwrap();
}

#[tokio::test]
async fn consumption_refund_and_forfeit_move_the_ledger_once() {
    let app = app().await;
    let ws = workspace(&app).await;
    let ana = ws.client(&app).await;
    let pack = package(&ws.owner, 3, 30).await;
    grant(&ws.owner, ana.account_id(), &pack).await;
    let (tenant, client) = ids(&ws.id, ana.account_id());
    let by = AccountId::from_str(ws.owner.account_id()).unwrap();
    let (first, second) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7());

    let txn = palestra_core::db::begin_write(&app.db).await.unwrap();
    credits::consume(&txn, tenant, client, first, 2, by)
        .await
        .unwrap();
    // A second consume for the same appointment does nothing.
    credits::consume(&txn, tenant, client, first, 2, by)
        .await
        .unwrap();
    txn.commit().await.unwrap();
    assert_eq!(assert_ledger_sums(&app.db, tenant, client).await, 1);

    let txn = palestra_core::db::begin_write(&app.db).await.unwrap();
    let error = credits::consume(&txn, tenant, client, second, 2, by)
        .await
        .unwrap_err();
    assert_eq!(error.code(), "trainer.no_credits");
    txn.rollback().await.unwrap();

    let txn = palestra_core::db::begin_write(&app.db).await.unwrap();
    credits::refund(&txn, tenant, client, first, by)
        .await
        .unwrap();
    credits::refund(&txn, tenant, client, first, by)
        .await
        .unwrap();
    // Already refunded: a forfeit now changes nothing.
    credits::forfeit(&txn, tenant, client, first, by)
        .await
        .unwrap();
    txn.commit().await.unwrap();
    assert_eq!(assert_ledger_sums(&app.db, tenant, client).await, 3);

    let txn = palestra_core::db::begin_write(&app.db).await.unwrap();
    credits::consume(&txn, tenant, client, second, 1, by)
        .await
        .unwrap();
    credits::forfeit(&txn, tenant, client, second, by)
        .await
        .unwrap();
    credits::refund(&txn, tenant, client, second, by)
        .await
        .unwrap();
    txn.commit().await.unwrap();
    assert_eq!(assert_ledger_sums(&app.db, tenant, client).await, 2);

    let ledger: Value = ws
        .owner
        .get(&format!("/api/v1/clients/{}/credits", ana.account_id()))
        .await
        .assert_status(200)
        .json();
    assert_eq!(ledger["balance"], 2);
    let kinds: Vec<&str> = ledger["entries"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["forfeit", "consume", "refund", "consume", "grant"]);
    assert_eq!(ledger["entries"]["items"][4]["source"], "manual");
}

#[tokio::test]
async fn credits_never_go_negative_under_concurrent_consumption() {
    let app = app().await;
    let ws = workspace(&app).await;
    let ana = ws.client(&app).await;
    let pack = package(&ws.owner, 5, 30).await;
    grant(&ws.owner, ana.account_id(), &pack).await;
    let (tenant, client) = ids(&ws.id, ana.account_id());
    let by = AccountId::from_str(ws.owner.account_id()).unwrap();

    let attempts = (0..20).map(|_| {
        let db = app.db.clone();
        tokio::spawn(async move {
            let txn = palestra_core::db::begin_write(&db).await.unwrap();
            match credits::consume(&txn, tenant, client, uuid::Uuid::now_v7(), 1, by).await {
                Ok(()) => {
                    txn.commit().await.unwrap();
                    true
                }
                Err(error) => {
                    assert_eq!(error.code(), "trainer.no_credits");
                    txn.rollback().await.unwrap();
                    false
                }
            }
        })
    });
    let outcomes = futures_util::future::join_all(attempts).await;
    let consumed = outcomes
        .into_iter()
        .filter(|r| *r.as_ref().unwrap())
        .count();
    assert_eq!(consumed, 5, "exactly the five credits were consumed");
    assert_eq!(assert_ledger_sums(&app.db, tenant, client).await, 0);
}

#[tokio::test]
async fn unused_credits_expire_once_as_ledger_rows() {
    let app = app().await;
    let ws = workspace(&app).await;
    let ana = ws.client(&app).await;
    let short = package(&ws.owner, 4, 10).await;
    for body in [
        json!({ "package_id": short }),
        json!({ "package_id": short, "note": "gift" }),
    ] {
        ws.owner
            .post(
                &format!("/api/v1/clients/{}/credits/grants", ana.account_id()),
                body,
            )
            .await
            .assert_status(201);
    }
    goodwill(&ws.owner, ana.account_id(), 1).await;
    let (tenant, client) = ids(&ws.id, ana.account_id());
    let by = AccountId::from_str(ws.owner.account_id()).unwrap();
    consume_committed(&app.db, (tenant, client, by), uuid::Uuid::now_v7(), 5).await;
    assert_eq!(assert_ledger_sums(&app.db, tenant, client).await, 4);

    // The first lot is used up; the second has 3 left when both pass their date.
    lots_pass_their_date(&app.db).await;
    let now = Utc::now();
    let (a, b) = tokio::join!(
        credits::expire_due(&app.db, now, 100),
        credits::expire_due(&app.db, now, 100)
    );
    a.unwrap();
    b.unwrap();
    assert_eq!(credits::expire_due(&app.db, now, 100).await.unwrap(), 0);
    assert_eq!(assert_ledger_sums(&app.db, tenant, client).await, 1);
    let expiries = credit_entry::Entity::find()
        .filter(credit_entry::Column::Kind.eq("expiry"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(expiries.len(), 1);
    assert_eq!(expiries[0].amount, -3);
    let balance = credit_balance::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(balance[0].balance, 1);
}

/// Puts every lot that has a date past it, without running the expiry job.
async fn lots_pass_their_date(db: &sea_orm::DatabaseConnection) {
    credit_lot::Entity::update_many()
        .col_expr(
            credit_lot::Column::ExpiresAt,
            Expr::value(Utc::now() - Duration::days(1)),
        )
        .filter(credit_lot::Column::ExpiresAt.is_not_null())
        .exec(db)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_booking_expires_what_is_due_before_it_takes_credits_and_a_refund_follows_its_lots() {
    let app = app().await;
    let ws = workspace(&app).await;
    let ana = ws.client(&app).await;
    let short = package(&ws.owner, 4, 10).await;
    grant(&ws.owner, ana.account_id(), &short).await;
    goodwill(&ws.owner, ana.account_id(), 1).await;
    let (tenant, client) = ids(&ws.id, ana.account_id());
    let by = AccountId::from_str(ws.owner.account_id()).unwrap();
    lots_pass_their_date(&app.db).await;

    // The balance row says 5, but 4 of them are past their date: 2 are not there.
    let txn = palestra_core::db::begin_write(&app.db).await.unwrap();
    let error = credits::consume(&txn, tenant, client, uuid::Uuid::now_v7(), 2, by)
        .await
        .unwrap_err();
    assert_eq!(error.code(), "trainer.no_credits");
    assert_eq!(
        error.problem().detail.as_deref(),
        Some("The client has 1 credit(s) left; 2 needed.")
    );
    txn.rollback().await.unwrap();
    assert_eq!(assert_ledger_sums(&app.db, tenant, client).await, 5);

    // One is: the due lot expires in the same transaction, and the credit comes from the other.
    let appointment = uuid::Uuid::now_v7();
    consume_committed(&app.db, (tenant, client, by), appointment, 1).await;
    assert_eq!(assert_ledger_sums(&app.db, tenant, client).await, 0);
    let kinds = |kind: &'static str| {
        credit_entry::Entity::find()
            .filter(credit_entry::Column::Kind.eq(kind))
            .all(&app.db)
    };
    assert_eq!(kinds("expiry").await.unwrap()[0].amount, -4);

    // Refunded, the credit goes back to the lot it came from.
    refund_committed(&app.db, (tenant, client, by), appointment).await;
    assert_eq!(assert_ledger_sums(&app.db, tenant, client).await, 1);

    // Credits consumed from a lot that has expired since come back and expire again at once.
    let later = package(&ws.owner, 3, 10).await;
    grant(&ws.owner, ana.account_id(), &later).await;
    let second = uuid::Uuid::now_v7();
    consume_committed(&app.db, (tenant, client, by), second, 2).await;
    assert_eq!(assert_ledger_sums(&app.db, tenant, client).await, 2);
    lots_pass_their_date(&app.db).await;
    credits::expire_due(&app.db, Utc::now(), 100).await.unwrap();
    assert_eq!(assert_ledger_sums(&app.db, tenant, client).await, 1);
    refund_committed(&app.db, (tenant, client, by), second).await;
    assert_eq!(assert_ledger_sums(&app.db, tenant, client).await, 1);
    let refunds = kinds("refund").await.unwrap();
    assert_eq!(
        refunds.iter().map(|e| e.amount).sum::<i32>(),
        3,
        "one credit, then two"
    );
    let expired_again: Vec<i32> = kinds("expiry")
        .await
        .unwrap()
        .iter()
        .filter(|e| e.appointment_id == Some(second))
        .map(|e| e.amount)
        .collect();
    assert_eq!(expired_again, vec![-2]);
}

#[tokio::test]
async fn every_credit_route_checks_role_and_workspace() {
    let app = app().await;
    let ws = workspace(&app).await;
    let other = workspace(&app).await;
    let ana = ws.client(&app).await;
    let assistant = ws.assistant(&app).await;
    // Someone of another workspace who names this one.
    let outsider = other.owner.in_tenant(&ws.id);
    let pack = package(&ws.owner, 5, 30).await;
    let client_path = format!("/api/v1/clients/{}/credits", ana.account_id());
    let new_package = json!({ "name": "Ten", "sessions": 10, "price_minor": 1, "currency": "EUR", "validity_days": 90 });

    // (method, path, body, [owner, assistant, client, outsider])
    let cases: Vec<(reqwest::Method, String, Option<Value>, [u16; 4])> = vec![
        (
            reqwest::Method::GET,
            "/api/v1/packages".into(),
            None,
            [200, 200, 200, 404],
        ),
        (
            reqwest::Method::POST,
            "/api/v1/packages".into(),
            Some(new_package.clone()),
            [201, 403, 403, 404],
        ),
        (
            reqwest::Method::GET,
            format!("/api/v1/packages/{pack}"),
            None,
            [200, 200, 200, 404],
        ),
        (
            reqwest::Method::PATCH,
            format!("/api/v1/packages/{pack}"),
            Some(json!({ "price_minor": 500 })),
            [200, 403, 403, 404],
        ),
        (
            reqwest::Method::POST,
            format!("{client_path}/grants"),
            Some(json!({ "package_id": pack })),
            [201, 201, 403, 404],
        ),
        (
            reqwest::Method::POST,
            format!("{client_path}/adjustments"),
            Some(json!({ "amount": -1, "reason": "typo" })),
            [201, 201, 403, 404],
        ),
        (
            reqwest::Method::GET,
            client_path.clone(),
            None,
            [200, 200, 403, 404],
        ),
        (
            reqwest::Method::GET,
            "/api/v1/me/credits".into(),
            None,
            [404, 404, 200, 404],
        ),
    ];
    for (method, path, body, expected) in cases {
        for (actor, status) in [&ws.owner, &assistant, &ana, &outsider]
            .into_iter()
            .zip(expected)
        {
            let response = actor
                .send(method.clone(), &path, |r| match &body {
                    Some(body) => r.json(body),
                    None => r,
                })
                .await;
            assert_eq!(
                response.status, status,
                "{method} {path}: {:?}",
                response.body
            );
        }
    }

    // The other workspace's trainer cannot reach this client through their own workspace.
    let problem = other.owner.get(&client_path).await.assert_problem(404);
    assert_eq!(problem.code, "trainer.client_not_found");
    let problem = other
        .owner
        .post(
            &format!("{client_path}/grants"),
            json!({ "package_id": pack }),
        )
        .await
        .assert_problem(404);
    assert_eq!(problem.code, "trainer.client_not_found");
    // Nor grant this workspace's package to their own client.
    let ben = other.client(&app).await;
    let problem = other
        .owner
        .post(
            &format!("/api/v1/clients/{}/credits/grants", ben.account_id()),
            json!({ "package_id": pack }),
        )
        .await
        .assert_problem(404);
    assert_eq!(problem.code, "trainer.package_not_found");

    // The client sees their own ledger, which is the one the trainer sees.
    let mine: Value = ana
        .get("/api/v1/me/credits")
        .await
        .assert_status(200)
        .json();
    assert_eq!(
        mine["balance"], 8,
        "two grants of five, two adjustments of one"
    );
    assert_eq!(mine["entries"]["items"][0]["kind"], "adjustment");
    assert_eq!(mine["entries"]["items"][0]["note"], "typo");
}

#[tokio::test]
async fn bad_requests_get_clear_problems() {
    let app = app().await;
    let ws = workspace(&app).await;
    let ana = ws.client(&app).await;
    let client_path = format!("/api/v1/clients/{}/credits", ana.account_id());

    let problem = ws
        .owner
        .post(
            "/api/v1/packages",
            json!({ "name": " ", "sessions": 0, "price_minor": -1, "currency": "EUR", "validity_days": 0 }),
        )
        .await
        .assert_problem(422);
    let fields: Vec<_> = problem.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["name", "sessions", "price_minor", "validity_days"]);
    let problem = ws
        .owner
        .post(
            "/api/v1/packages",
            json!({ "name": "X", "sessions": 1, "price_minor": 1, "currency": "ZZZ", "validity_days": 1 }),
        )
        .await
        .assert_problem(422);
    assert_eq!(problem.code, "request.validation_failed");

    let problem = ws
        .owner
        .post(
            &format!("{client_path}/adjustments"),
            json!({ "amount": -1, "reason": "oops" }),
        )
        .await
        .assert_problem(409);
    assert_eq!(problem.code, "trainer.no_credits");
    let problem = ws
        .owner
        .post(
            &format!("{client_path}/adjustments"),
            json!({ "amount": 0, "reason": "" }),
        )
        .await
        .assert_problem(422);
    assert_eq!(problem.errors.len(), 2);

    let pack = package(&ws.owner, 2, 30).await;
    ws.owner
        .send(
            reqwest::Method::PATCH,
            &format!("/api/v1/packages/{pack}"),
            |r| r.json(&json!({ "active": false })),
        )
        .await
        .assert_status(200);
    let problem = ws
        .owner
        .post(
            &format!("{client_path}/grants"),
            json!({ "package_id": pack }),
        )
        .await
        .assert_problem(409);
    assert_eq!(problem.code, "trainer.package_inactive");
    // Clients do not see packages off offer.
    ana.get(&format!("/api/v1/packages/{pack}"))
        .await
        .assert_problem(404);
    let listed: Value = ana.get("/api/v1/packages").await.assert_status(200).json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 0);

    let problem = ws
        .owner
        .post(
            &format!("/api/v1/clients/{}/credits/grants", uuid::Uuid::now_v7()),
            json!({ "package_id": pack }),
        )
        .await
        .assert_problem(404);
    assert_eq!(problem.code, "trainer.client_not_found");
    ws.owner
        .get("/api/v1/clients/not-a-uuid/credits")
        .await
        .assert_problem(400);
    ws.owner
        .get(&format!("{client_path}?limit=0"))
        .await
        .assert_problem(400);
}

#[tokio::test]
async fn concurrent_bookings_never_take_more_credits_than_there_are() {
    let app = app().await;
    let ws = workspace(&app).await;
    let ana = ws.client(&app).await;
    let pack = package(&ws.owner, 3, 30).await;
    grant(&ws.owner, ana.account_id(), &pack).await;
    let type_id = support::insert_type(&app, &ws.id, "Personal training", 1).await;

    // Ten free hours of next week's Monday and Tuesday (09:00 to 14:00 in Madrid).
    let zone: chrono_tz::Tz = "Europe/Madrid".parse().unwrap();
    let today = Utc::now().with_timezone(&zone).date_naive();
    let monday = today
        + Duration::days(7 - i64::from(chrono::Datelike::weekday(&today).num_days_from_monday()));
    let starts: Vec<String> = (0..10)
        .map(|i| {
            let date = monday + Duration::days(i / 5);
            let local = date
                .and_hms_opt(9 + u32::try_from(i % 5).unwrap(), 0, 0)
                .unwrap();
            chrono::TimeZone::from_local_datetime(&zone, &local)
                .single()
                .unwrap()
                .with_timezone(&Utc)
                .to_rfc3339()
        })
        .collect();
    let attempts = starts.iter().map(|start| {
        ws.owner.post(
            "/api/v1/appointments",
            json!({ "type_id": type_id, "starts_at": start, "client_id": ana.account_id() }),
        )
    });
    let responses = futures_util::future::join_all(attempts).await;
    let mut booked = 0;
    for response in responses {
        match response.status.as_u16() {
            201 => booked += 1,
            409 => assert!(
                response.body.contains("trainer.no_credits"),
                "{}",
                response.body
            ),
            other => panic!("unexpected {other}: {}", response.body),
        }
    }
    assert_eq!(booked, 3, "three credits, three bookings");
    let (tenant, client) = ids(&ws.id, ana.account_id());
    assert_eq!(assert_ledger_sums(&app.db, tenant, client).await, 0);
}

#[tokio::test]
async fn a_retried_grant_with_its_idempotency_key_grants_once() {
    let app = app().await;
    let ws = workspace(&app).await;
    let ana = ws.client(&app).await;
    let pack = package(&ws.owner, 4, 30).await;
    let path = format!("/api/v1/clients/{}/credits/grants", ana.account_id());
    let body = json!({ "package_id": pack });
    let send = || {
        ws.owner.send(reqwest::Method::POST, &path, |r| {
            r.header("Idempotency-Key", "grant-ana-1").json(&body)
        })
    };
    let first = send().await.assert_status(201);
    let again = send().await.assert_status(201);
    assert_eq!(
        again.header("idempotency-replayed").as_deref(),
        Some("true")
    );
    assert_eq!(first.body, again.body);
    let ledger: Value = ws
        .owner
        .get(&format!("/api/v1/clients/{}/credits", ana.account_id()))
        .await
        .json();
    assert_eq!(ledger["balance"], 4);
}
