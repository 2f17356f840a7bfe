//! Who sees whose progress, route by route, in both products: oneself; in gym-api the assigned
//! trainer; in trainer-api the workspace's staff for its clients; everyone else a 404.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly at the first surprise"
)]

mod common;

use palestra_core::Role;
use palestra_testkit::{Actor, TestResponse};
use reqwest::Method;
use serde_json::{Value, json};

use common::{assign, gym, gym_app, person, put, record, trainer_app, workspace};

/// Every route about a person's data, with a body for those that take one, built around ids of
/// the person's own measurement, goal and photo.
struct Fixture {
    measurement: String,
    goal: String,
    photo: String,
}

impl Fixture {
    async fn of(owner: &Actor<'_>) -> Self {
        let m = record(owner, "me", json!({ "metric": "weight", "value": 80 })).await;
        let g: Value = owner
            .post(
                "/api/v1/progress/people/me/goals",
                json!({ "metric": "weight", "target_value": 75 }),
            )
            .await
            .assert_status(201)
            .json();
        let p: Value = owner
            .post(
                "/api/v1/progress/people/me/photos",
                json!({ "url": "https://cdn.example.com/p.jpg" }),
            )
            .await
            .assert_status(201)
            .json();
        Self {
            measurement: m["id"].as_str().unwrap().to_owned(),
            goal: g["id"].as_str().unwrap().to_owned(),
            photo: p["id"].as_str().unwrap().to_owned(),
        }
    }

    /// (method, path, body, success status) of every person route, about `person`.
    fn routes(&self, person: &str) -> Vec<(Method, String, Option<Value>, u16)> {
        let base = format!("/api/v1/progress/people/{person}");
        let (m, g, p) = (&self.measurement, &self.goal, &self.photo);
        vec![
            (Method::GET, format!("{base}/measurements"), None, 200),
            (Method::GET, format!("{base}/measurements/{m}"), None, 200),
            (
                Method::GET,
                format!("{base}/series?metric=weight"),
                None,
                200,
            ),
            (Method::GET, format!("{base}/goals"), None, 200),
            (Method::GET, format!("{base}/goals/{g}"), None, 200),
            (Method::GET, format!("{base}/photos"), None, 200),
            (Method::GET, format!("{base}/photos/{p}"), None, 200),
            (
                Method::POST,
                format!("{base}/measurements"),
                Some(json!({ "metric": "waist", "value": 80 })),
                201,
            ),
            (
                Method::PATCH,
                format!("{base}/measurements/{m}"),
                Some(json!({ "note": "checked" })),
                200,
            ),
            (
                Method::POST,
                format!("{base}/goals"),
                Some(json!({ "metric": "waist", "target_value": 75 })),
                201,
            ),
            (
                Method::PATCH,
                format!("{base}/goals/{g}"),
                Some(json!({ "title": "Lighter" })),
                200,
            ),
            (
                Method::POST,
                format!("{base}/photos"),
                Some(json!({ "url": "https://cdn.example.com/q.jpg" })),
                201,
            ),
        ]
    }

    /// The deleting routes, last because they remove the fixture.
    fn deletions(&self, person: &str) -> Vec<(Method, String, Option<Value>, u16)> {
        let base = format!("/api/v1/progress/people/{person}");
        vec![
            (
                Method::DELETE,
                format!("{base}/measurements/{}", self.measurement),
                None,
                204,
            ),
            (
                Method::DELETE,
                format!("{base}/goals/{}", self.goal),
                None,
                204,
            ),
            (
                Method::DELETE,
                format!("{base}/photos/{}", self.photo),
                None,
                204,
            ),
        ]
    }
}

async fn call(
    actor: &Actor<'_>,
    method: &Method,
    path: &str,
    body: Option<&Value>,
) -> TestResponse {
    actor
        .send(method.clone(), path, |r| match body {
            Some(body) => r.json(body),
            None => r,
        })
        .await
}

/// Every route refuses `actor` with 404 and this code.
async fn refused(actor: &Actor<'_>, routes: &[(Method, String, Option<Value>, u16)], code: &str) {
    for (method, path, body, _) in routes {
        let problem = call(actor, method, path, body.as_ref())
            .await
            .assert_problem(404);
        assert_eq!(problem.code, code, "{method} {path}");
    }
}

/// Every route lets `actor` through.
async fn allowed(actor: &Actor<'_>, routes: &[(Method, String, Option<Value>, u16)]) {
    for (method, path, body, status) in routes {
        call(actor, method, path, body.as_ref())
            .await
            .assert_status(*status);
    }
}

#[tokio::test]
async fn gym_members_keep_their_own_and_only_their_assigned_trainer_sees_it() {
    let app = gym_app().await;
    let (gym_id, owner) = gym(&app).await;
    let ana = person(&app, &gym_id, Role::Member).await;
    let ben = person(&app, &gym_id, Role::Member).await;
    let coach = person(&app, &gym_id, Role::Trainer).await;
    let other_coach = person(&app, &gym_id, Role::Trainer).await;
    let admin = person(&app, &gym_id, Role::Admin).await;
    assign(&owner, &ana, &coach).await;
    let fixture = Fixture::of(&ana).await;
    let about_ana = fixture.routes(ana.account_id());

    // Ana through "me" and through her own id; her trainer through her id.
    allowed(&ana, &fixture.routes("me")).await;
    allowed(&ana, &about_ana).await;
    allowed(&coach, &about_ana).await;
    // What the trainer records says so.
    let by_coach = record(
        &coach,
        ana.account_id(),
        json!({ "metric": "weight", "value": 79 }),
    )
    .await;
    assert_eq!(by_coach["recorded_by"], coach.account_id());
    assert_eq!(by_coach["person_id"], ana.account_id());

    // Another member, an unassigned trainer, the owner and an admin see nothing: health data is
    // not theirs by role alone.
    for actor in [&ben, &other_coach, &owner, &admin] {
        refused(actor, &about_ana, "health.person_not_found").await;
    }
    // Ben cannot reach Ana's rows through his own "me" either.
    let problem = ben
        .get(&format!(
            "/api/v1/progress/people/me/measurements/{}",
            fixture.measurement
        ))
        .await
        .assert_problem(404);
    assert_eq!(problem.code, "health.measurement_not_found");
    let ben_list: Value = ben
        .get("/api/v1/progress/people/me/measurements")
        .await
        .json();
    assert_eq!(ben_list["items"], json!([]));
    // Nonsense person ids are the same 404.
    ana.get("/api/v1/progress/people/not-a-person/goals")
        .await
        .assert_problem(404);

    // Someone of another gym: not even the gym exists for them; a trainer assigned there does
    // not see Ana's data here.
    let other_gym = app.signup().await.create_gym().await;
    let outsider = person(&app, &other_gym, Role::Trainer).await;
    refused(
        &outsider.in_tenant(&gym_id),
        &about_ana,
        "tenancy.not_found",
    )
    .await;
    refused(&outsider, &about_ana, "health.person_not_found").await;
    // Ana's data belongs to this gym: in another gym she starts empty.
    app.add_membership(&other_gym, ana.account_id(), Role::Member)
        .await;
    let elsewhere: Value = ana
        .in_tenant(&other_gym)
        .get("/api/v1/progress/people/me/measurements")
        .await
        .json();
    assert_eq!(elsewhere["items"], json!([]));

    // Unassigned, the trainer loses access at once.
    let id = common::membership_id(&owner, ana.account_id()).await;
    put(
        &owner,
        &format!("/api/v1/members/{id}/trainer"),
        json!({ "trainer_id": null }),
    )
    .await
    .assert_status(200);
    refused(&coach, &about_ana, "health.person_not_found").await;

    allowed(&ana, &fixture.deletions("me")).await;
    app.anonymous()
        .get("/api/v1/progress/people/me/goals")
        .await
        .assert_problem(401);
}

#[tokio::test]
async fn trainer_deletions_work_for_the_assigned_trainer_only() {
    let app = gym_app().await;
    let (gym_id, owner) = gym(&app).await;
    let ana = person(&app, &gym_id, Role::Member).await;
    let coach = person(&app, &gym_id, Role::Trainer).await;
    let other_coach = person(&app, &gym_id, Role::Trainer).await;
    assign(&owner, &ana, &coach).await;
    let fixture = Fixture::of(&ana).await;
    refused(
        &other_coach,
        &fixture.deletions(ana.account_id()),
        "health.person_not_found",
    )
    .await;
    allowed(&coach, &fixture.deletions(ana.account_id())).await;
}

#[tokio::test]
async fn a_workspaces_staff_see_all_its_clients_and_clients_see_only_their_own() {
    let app = trainer_app().await;
    let (ws, owner) = workspace(&app).await;
    let assistant = person(&app, &ws, Role::Trainer).await;
    let client = person(&app, &ws, Role::Member).await;
    let other_client = person(&app, &ws, Role::Member).await;
    let fixture = Fixture::of(&client).await;
    let about_client = fixture.routes(client.account_id());

    allowed(&client, &fixture.routes("me")).await;
    allowed(&owner, &about_client).await;
    allowed(&assistant, &about_client).await;
    let by_owner = record(
        &owner,
        client.account_id(),
        json!({ "metric": "body_fat", "value": 18.5 }),
    )
    .await;
    assert_ne!(by_owner["recorded_by"], client.account_id());

    refused(&other_client, &about_client, "health.person_not_found").await;
    // Staff are not each other's clients.
    let about_assistant = Fixture::of(&assistant).await.routes(assistant.account_id());
    refused(&owner, &about_assistant, "health.person_not_found").await;
    refused(&client, &about_assistant, "health.person_not_found").await;

    // Another trainer's workspace and its client see nothing of this one.
    let (other_ws, other_owner) = workspace(&app).await;
    let stranger = person(&app, &other_ws, Role::Member).await;
    refused(&other_owner, &about_client, "health.person_not_found").await;
    refused(&stranger, &about_client, "health.person_not_found").await;
    refused(&stranger.in_tenant(&ws), &about_client, "tenancy.not_found").await;

    allowed(&assistant, &fixture.deletions(client.account_id())).await;
}

#[tokio::test]
async fn a_switched_off_progress_module_answers_403() {
    let app = gym_app().await;
    let (gym_id, owner) = gym(&app).await;
    let ana = person(&app, &gym_id, Role::Member).await;
    put(
        &owner,
        "/api/v1/modules/progress",
        json!({ "active": false }),
    )
    .await
    .assert_status(200);
    let problem = ana
        .get("/api/v1/progress/people/me/measurements")
        .await
        .assert_problem(403);
    assert_eq!(problem.code, "module.disabled");
    let problem = ana
        .get("/api/v1/progress/people/me/goals")
        .await
        .assert_problem(403);
    assert_eq!(problem.code, "module.disabled");
}

fn names(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["account_id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn staff_list_exactly_the_people_whose_progress_they_keep() {
    let app = gym_app().await;
    let (gym_id, owner) = gym(&app).await;
    let ana = person(&app, &gym_id, Role::Member).await;
    let ben = person(&app, &gym_id, Role::Member).await;
    let cai = person(&app, &gym_id, Role::Member).await;
    let coach = person(&app, &gym_id, Role::Trainer).await;
    let other_coach = person(&app, &gym_id, Role::Trainer).await;
    assign(&owner, &ana, &coach).await;
    assign(&owner, &cai, &coach).await;

    let mut seen = Vec::new();
    let mut next = Some("/api/v1/progress/people?limit=1".to_owned());
    while let Some(path) = next {
        let page: Value = coach.get(&path).await.assert_status(200).json();
        seen.extend(names(&page));
        next = page["next_cursor"]
            .as_str()
            .map(|c| format!("/api/v1/progress/people?limit=1&cursor={c}"));
    }
    seen.sort();
    let mut expected = vec![ana.account_id().to_owned(), cai.account_id().to_owned()];
    expected.sort();
    assert_eq!(seen, expected);
    for nobody in [&other_coach, &owner, &ben] {
        let page: Value = nobody
            .get("/api/v1/progress/people")
            .await
            .assert_status(200)
            .json();
        assert_eq!(page["items"], json!([]));
    }
    let other_gym = app.signup().await.create_gym().await;
    let outsider = person(&app, &other_gym, Role::Trainer).await;
    outsider
        .in_tenant(&gym_id)
        .get("/api/v1/progress/people")
        .await
        .assert_problem(404);
}

#[tokio::test]
async fn a_workspaces_staff_list_its_clients_and_clients_list_nobody() {
    let app = trainer_app().await;
    let (ws, owner) = workspace(&app).await;
    let assistant = person(&app, &ws, Role::Trainer).await;
    let client = person(&app, &ws, Role::Member).await;
    let other_client = person(&app, &ws, Role::Member).await;
    let (other_ws, _) = workspace(&app).await;
    person(&app, &other_ws, Role::Member).await;

    let mut expected = vec![
        client.account_id().to_owned(),
        other_client.account_id().to_owned(),
    ];
    expected.sort();
    for staff in [&owner, &assistant] {
        let page: Value = staff
            .get("/api/v1/progress/people")
            .await
            .assert_status(200)
            .json();
        let mut seen = names(&page);
        seen.sort();
        assert_eq!(seen, expected);
    }
    let page: Value = client.get("/api/v1/progress/people").await.json();
    assert_eq!(page["items"], json!([]));
}
