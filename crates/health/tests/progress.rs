//! Measurements, goals, series and photos behave the same in both products; these run on gym-api.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly at the first surprise"
)]

mod common;

use palestra_core::Role;
use serde_json::{Value, json};

use common::{delete, gym, gym_app, patch, person, record};

const ME: &str = "/api/v1/progress/people/me";

#[tokio::test]
async fn measurements_are_stored_canonical_and_shown_in_the_viewers_units() {
    let app = gym_app().await;
    let (gym, _owner) = gym(&app).await;
    let ana = person(&app, &gym, Role::Member).await;

    let created = ana
        .post(
            &format!("{ME}/measurements"),
            json!({ "metric": "weight", "value": 180, "unit": "lb", "measured_at": "2026-01-10T08:00:00Z" }),
        )
        .await
        .assert_status(201);
    let location = created.header("location").unwrap();
    let view: Value = created.json();
    assert!(location.ends_with(view["id"].as_str().unwrap()));
    assert_eq!(view["value"], 81.65);
    assert_eq!(view["unit"], "kg");
    assert_eq!(view["ucum"], "kg");
    assert_eq!(view["loinc"], "29463-7");
    assert_eq!(view["recorded_by"], ana.account_id());
    assert_eq!(view["person_id"], ana.account_id());

    // The account's preference (set with PATCH /me) turns every answer imperial; `?units=`
    // overrides it.
    patch(&ana, "/api/v1/me", json!({ "units": "imperial" }))
        .await
        .assert_status(200);
    let again: Value = ana.get(&location).await.assert_status(200).json();
    assert_eq!(again["value"], 180.0);
    assert_eq!(again["unit"], "lb");
    assert_eq!(again["ucum"], "[lb_av]");
    let metric: Value = ana.get(&format!("{location}?units=metric")).await.json();
    assert_eq!(metric["value"], 81.65);

    // Correct it; who recorded it stays.
    let fixed: Value = patch(
        &ana,
        &location,
        json!({ "value": 80, "unit": "kg", "note": "after breakfast" }),
    )
    .await
    .assert_status(200)
    .json();
    assert_eq!(fixed["value"], 176.37);
    assert_eq!(fixed["note"], "after breakfast");
    delete(&ana, &location).await.assert_status(204);
    let problem = ana.get(&location).await.assert_problem(404);
    assert_eq!(problem.code, "health.measurement_not_found");
}

#[tokio::test]
async fn bad_measurements_are_refused_with_the_field_at_fault() {
    let app = gym_app().await;
    let (gym, _owner) = gym(&app).await;
    let ana = person(&app, &gym, Role::Member).await;
    let cases = [
        (
            json!({ "metric": "charisma", "value": 1 }),
            "metric",
            "unknown_metric",
        ),
        (
            json!({ "metric": "weight", "value": 80, "unit": "cm" }),
            "unit",
            "incompatible_unit",
        ),
        (
            json!({ "metric": "weight", "value": 80, "unit": "stone" }),
            "unit",
            "unknown_unit",
        ),
        (
            json!({ "metric": "weight", "value": 9000 }),
            "value",
            "out_of_range",
        ),
        (
            json!({ "metric": "weight", "value": 80, "measured_at": "2999-01-01T00:00:00Z" }),
            "measured_at",
            "in_the_future",
        ),
    ];
    for (body, field, code) in cases {
        let problem = ana
            .post(&format!("{ME}/measurements"), body.clone())
            .await
            .assert_problem(422);
        assert_eq!(problem.errors[0].field, field, "{body}");
        assert_eq!(problem.errors[0].code, code, "{body}");
    }
    let problem = ana
        .post(
            &format!("{ME}/measurements"),
            json!({ "metric": "weight", "value": "heavy" }),
        )
        .await
        .assert_problem(422);
    assert_eq!(problem.errors[0].field, "value");
    let problem = ana
        .get(&format!("{ME}/measurements?metric=charisma"))
        .await
        .assert_problem(400);
    assert_eq!(problem.code, "health.unknown_metric");
    let problem = ana
        .get(&format!(
            "{ME}/measurements?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z"
        ))
        .await
        .assert_problem(400);
    assert_eq!(problem.code, "health.invalid_range");
    let problem = ana
        .get(&format!("{ME}/measurements?cursor=garbage"))
        .await
        .assert_problem(400);
    assert_eq!(problem.code, "request.invalid_cursor");
    ana.get(&format!("{ME}/measurements?units=furlongs"))
        .await
        .assert_problem(400);
    ana.get(&format!("{ME}/measurements?limit=1000"))
        .await
        .assert_problem(400);
    ana.get(&format!("{ME}/measurements?from=yesterday"))
        .await
        .assert_problem(400);
    let status = ana
        .get(&format!("{ME}/measurements/not-a-uuid"))
        .await
        .status
        .as_u16();
    assert!(status == 400 || status == 404, "{status}");
    ana.send(
        reqwest::Method::PATCH,
        &format!("{ME}/measurements/{}", uuid::Uuid::now_v7()),
        |r| r.json(&json!({ "unit": "kg" })),
    )
    .await
    .assert_problem(422);
}

#[tokio::test]
async fn measurements_list_newest_first_by_metric_and_range_in_pages() {
    let app = gym_app().await;
    let (gym, _owner) = gym(&app).await;
    let ana = person(&app, &gym, Role::Member).await;
    for day in 1..=5 {
        record(&ana, "me", json!({ "metric": "weight", "value": 80 - day, "measured_at": format!("2026-03-0{day}T07:00:00Z") })).await;
    }
    record(&ana, "me", json!({ "metric": "waist", "value": 32, "unit": "in", "measured_at": "2026-03-03T07:00:00Z" })).await;

    let mut seen = Vec::new();
    let mut next = Some(format!("{ME}/measurements?metric=weight&limit=2"));
    while let Some(path) = next {
        let page: Value = ana.get(&path).await.assert_status(200).json();
        for item in page["items"].as_array().unwrap() {
            seen.push(item["value"].as_f64().unwrap());
        }
        next = page["next_cursor"]
            .as_str()
            .map(|c| format!("{ME}/measurements?metric=weight&limit=2&cursor={c}"));
    }
    assert_eq!(seen, vec![75.0, 76.0, 77.0, 78.0, 79.0]);

    let page: Value = ana
        .get(&format!(
            "{ME}/measurements?from=2026-03-02T00:00:00Z&to=2026-03-03T23:00:00Z"
        ))
        .await
        .json();
    let metrics: Vec<_> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["metric"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(metrics.len(), 3, "{page}");
    assert!(metrics.contains(&"waist".to_owned()));
    let waist = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["metric"] == "waist")
        .unwrap();
    assert_eq!(waist["value"], 81.28);
    assert_eq!(waist["unit"], "cm");
}

#[tokio::test]
async fn the_series_is_ready_for_a_chart() {
    let app = gym_app().await;
    let (gym, _owner) = gym(&app).await;
    let ana = person(&app, &gym, Role::Member).await;
    for (at, kg) in [
        ("2026-01-03", 88.0),
        ("2026-01-01", 90.0),
        ("2026-01-02", 91.5),
        ("2026-02-01", 85.0),
    ] {
        record(
            &ana,
            "me",
            json!({ "metric": "weight", "value": kg, "measured_at": format!("{at}T07:00:00Z") }),
        )
        .await;
    }
    record(&ana, "me", json!({ "metric": "body_fat", "value": 20 })).await;
    let series: Value = ana
        .get(&format!(
            "{ME}/series?metric=weight&from=2026-01-01T00:00:00Z&to=2026-01-31T00:00:00Z"
        ))
        .await
        .assert_status(200)
        .json();
    let values: Vec<_> = series["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["value"].as_f64().unwrap())
        .collect();
    assert_eq!(
        values,
        vec![90.0, 91.5, 88.0],
        "oldest first, in range: {series}"
    );
    assert_eq!(series["points"][0]["at"], "2026-01-01T07:00:00Z");
    assert_eq!(series["min"], 88.0);
    assert_eq!(series["max"], 91.5);
    assert_eq!(series["latest"]["value"], 88.0);
    assert_eq!(series["first"]["value"], 90.0);
    assert_eq!(series["change"], -2.0);
    assert_eq!(series["unit"], "kg");
    assert_eq!(series["truncated"], false);

    let imperial: Value = ana
        .get(&format!("{ME}/series?metric=weight&units=imperial"))
        .await
        .json();
    assert_eq!(imperial["unit"], "lb");
    assert_eq!(imperial["latest"]["value"], 187.39);
    assert_eq!(imperial["points"].as_array().unwrap().len(), 4);

    let empty: Value = ana
        .get(&format!("{ME}/series?metric=steps"))
        .await
        .assert_status(200)
        .json();
    assert_eq!(empty["points"], json!([]));
    assert!(empty["latest"].is_null());
    ana.get(&format!("{ME}/series")).await.assert_problem(400);
    let problem = ana
        .get(&format!("{ME}/series?metric=mood"))
        .await
        .assert_problem(400);
    assert_eq!(problem.code, "health.unknown_metric");
}

#[tokio::test]
async fn goals_track_progress_from_the_measurements() {
    let app = gym_app().await;
    let (gym, _owner) = gym(&app).await;
    let ana = person(&app, &gym, Role::Member).await;
    record(
        &ana,
        "me",
        json!({ "metric": "weight", "value": 90, "measured_at": "2026-01-01T07:00:00Z" }),
    )
    .await;

    let created = ana
        .post(&format!("{ME}/goals"), json!({ "metric": "weight", "target_value": 80, "deadline": "2026-06-30", "title": "Summer" }))
        .await
        .assert_status(201);
    let location = created.header("location").unwrap();
    let goal: Value = created.json();
    assert_eq!(goal["start_value"], 90.0);
    assert_eq!(goal["latest_value"], 90.0);
    assert_eq!(goal["progress_percent"], 0.0);
    assert_eq!(goal["status"], "active");

    record(
        &ana,
        "me",
        json!({ "metric": "weight", "value": 85, "measured_at": "2026-02-01T07:00:00Z" }),
    )
    .await;
    let goal: Value = ana.get(&location).await.assert_status(200).json();
    assert_eq!(goal["progress_percent"], 50.0);
    assert_eq!(goal["target_reached"], false);
    assert_eq!(goal["overdue"], true, "its deadline has passed");
    let imperial: Value = ana.get(&format!("{location}?units=imperial")).await.json();
    assert_eq!(imperial["target_value"], 176.37);
    assert_eq!(imperial["unit"], "lb");

    // A goal on a metric never measured starts at its first measurement.
    let waist: Value = ana
        .post(
            &format!("{ME}/goals"),
            json!({ "metric": "waist", "target_value": 30, "unit": "in" }),
        )
        .await
        .assert_status(201)
        .json();
    assert!(waist["start_value"].is_null());
    assert_eq!(waist["overdue"], false, "no deadline");
    assert!(waist["progress_percent"].is_null());
    record(
        &ana,
        "me",
        json!({ "metric": "waist", "value": 34, "unit": "in" }),
    )
    .await;
    let list: Value = ana
        .get(&format!("{ME}/goals?units=imperial"))
        .await
        .assert_status(200)
        .json();
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["metric"], "waist", "newest first");
    assert_eq!(items[0]["start_value"], 34.0);
    assert_eq!(items[0]["target_value"], 30.0);

    let done: Value = patch(&ana, &location, json!({ "status": "achieved" }))
        .await
        .assert_status(200)
        .json();
    assert_eq!(done["status"], "achieved");
    let active: Value = ana.get(&format!("{ME}/goals?status=active")).await.json();
    assert_eq!(active["items"].as_array().unwrap().len(), 1);
    let problem = ana
        .post(
            &format!("{ME}/goals"),
            json!({ "metric": "weight", "target_value": 0 }),
        )
        .await
        .assert_problem(422);
    assert_eq!(problem.errors[0].field, "target_value");
    patch(&ana, &location, json!({})).await.assert_problem(422);
    delete(&ana, &location).await.assert_status(204);
    ana.get(&location).await.assert_problem(404);
}

#[tokio::test]
async fn progress_photos_are_records_with_a_url() {
    let app = gym_app().await;
    let (gym, _owner) = gym(&app).await;
    let ana = person(&app, &gym, Role::Member).await;
    let created = ana
        .post(&format!("{ME}/photos"), json!({ "url": "https://cdn.example.com/a.jpg", "pose": "front", "taken_at": "2026-01-01T07:00:00Z" }))
        .await
        .assert_status(201);
    let location = created.header("location").unwrap();
    ana.post(
        &format!("{ME}/photos"),
        json!({ "url": "https://cdn.example.com/b.jpg" }),
    )
    .await
    .assert_status(201);
    let page: Value = ana
        .get(&format!("{ME}/photos?limit=1"))
        .await
        .assert_status(200)
        .json();
    assert_eq!(page["items"][0]["url"], "https://cdn.example.com/b.jpg");
    assert_eq!(page["items"][0]["pose"], "other");
    let cursor = page["next_cursor"].as_str().unwrap();
    let next: Value = ana
        .get(&format!("{ME}/photos?limit=1&cursor={cursor}"))
        .await
        .json();
    assert_eq!(next["items"][0]["pose"], "front");
    assert!(next["next_cursor"].is_null());
    for url in ["ftp://x.example.com/a.jpg", "not a url", "https://"] {
        let problem = ana
            .post(&format!("{ME}/photos"), json!({ "url": url }))
            .await
            .assert_problem(422);
        assert_eq!(problem.errors[0].field, "url");
    }
    ana.get(&location).await.assert_status(200);
    delete(&ana, &location).await.assert_status(204);
    ana.get(&location).await.assert_problem(404);
}

#[tokio::test]
async fn the_catalogue_names_loinc_codes_and_units() {
    let app = gym_app().await;
    let ana = app.signup().await;
    let metrics: Value = ana
        .get("/api/v1/progress/metrics")
        .await
        .assert_status(200)
        .json();
    let weight = metrics
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["key"] == "weight")
        .unwrap();
    assert_eq!(weight["loinc"], "29463-7");
    assert_eq!(weight["ucum"], "kg");
    assert_eq!(weight["imperial_ucum"], "[lb_av]");
    let chest = metrics
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["key"] == "chest")
        .unwrap();
    assert!(chest["loinc"].is_null());
    app.anonymous()
        .get("/api/v1/progress/metrics")
        .await
        .assert_problem(401);
}

#[tokio::test]
async fn a_deleted_account_takes_its_progress_with_it() {
    use palestra_health::entities::measurement;
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

    let app = gym_app().await;
    let (gym, _owner) = gym(&app).await;
    let ana = person(&app, &gym, Role::Member).await;
    record(&ana, "me", json!({ "metric": "weight", "value": 70 })).await;
    ana.send(reqwest::Method::DELETE, "/api/v1/me", |r| {
        r.json(&json!({ "password": palestra_testkit::PASSWORD }))
    })
    .await
    .assert_status(204);
    let left = measurement::Entity::find()
        .filter(measurement::Column::AccountId.eq(ana.account_id().parse::<uuid::Uuid>().unwrap()))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(left, 0);
}

#[tokio::test]
async fn a_goal_takes_its_start_once_even_from_concurrent_measurements() {
    use futures_util::future::join_all;

    let app = gym_app().await;
    let (gym, owner) = gym(&app).await;
    let ana = person(&app, &gym, Role::Member).await;
    let coach = person(&app, &gym, Role::Trainer).await;
    common::assign(&owner, &ana, &coach).await;
    let goal: Value = ana
        .post(
            &format!("{ME}/goals"),
            json!({ "metric": "waist", "target_value": 70 }),
        )
        .await
        .assert_status(201)
        .json();
    let location = format!("{ME}/goals/{}", goal["id"].as_str().unwrap());
    let about_ana = format!("/api/v1/progress/people/{}/measurements", ana.account_id());
    let results = join_all((0..16).map(|i| {
        let (who, path) = if i % 2 == 0 {
            (&ana, format!("{ME}/measurements"))
        } else {
            (&coach, about_ana.clone())
        };
        async move {
            who.post(&path, json!({ "metric": "waist", "value": 80 + i }))
                .await
        }
    }))
    .await;
    let mut values = Vec::new();
    for result in results {
        let view: Value = result.assert_status(201).json();
        values.push(view["value"].as_f64().unwrap());
    }
    let goal: Value = ana.get(&location).await.json();
    let start = goal["start_value"].as_f64().unwrap();
    assert!(values.contains(&start), "{start} is one of {values:?}");
    record(&ana, "me", json!({ "metric": "waist", "value": 75 })).await;
    let goal: Value = ana.get(&location).await.json();
    assert_eq!(
        goal["start_value"].as_f64().unwrap(),
        start,
        "the start stays"
    );
    let page: Value = ana
        .get(&format!("{ME}/measurements?limit=100"))
        .await
        .json();
    assert_eq!(page["items"].as_array().unwrap().len(), 17);
}
