//! The roster, invitations, ownership, leaving, join codes and the audit log.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail the test loudly at the first surprise"
)]

mod common;

use futures_util::future::join_all;
use palestra_core::Role;
use palestra_testkit::{Actor, PASSWORD, TestApp};
use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

use common::{gym_app, trainer_app};

async fn member_id(owner: &Actor<'_>, account: &str) -> String {
    let page: Value = owner
        .get("/api/v1/members?limit=100")
        .await
        .assert_status(200)
        .json();
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["account_id"] == account)
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .expect("the person is in the roster")
}

fn patch(body: Value) -> impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder {
    move |r| r.json(&body)
}

/// The token of the newest invitation email in the outbox.
async fn invitation_token(app: &TestApp, email: &str) -> String {
    use palestra_core::entities::outbox;
    let row = outbox::Entity::find()
        .filter(outbox::Column::Kind.eq("identity.invitation"))
        .filter(outbox::Column::Recipient.eq(email))
        .order_by_desc(outbox::Column::Id)
        .one(&app.db)
        .await
        .unwrap()
        .expect("an invitation email is queued");
    assert!(
        row.body.contains(row.data["token"].as_str().unwrap()),
        "the email carries the code"
    );
    row.data["token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn staff_see_the_roster_filtered_and_searched_and_members_do_not() {
    let app = gym_app().await;
    let owner = app.signup().await;
    let gym = owner.create_gym().await;
    let owner = owner.in_tenant(&gym);
    let trainer = app.signup_in(&gym, Role::Trainer).await;
    let member = app.signup_in(&gym, Role::Member).await;
    for name in ["Zoe", "Yara", "Xavi", "Under_Score"] {
        let (person, _) = app
            .signup_with_email(&format!("{}@example.com", name.to_lowercase()))
            .await;
        app.add_membership(&gym, person_id(&person).await.as_str(), Role::Member)
            .await;
    }
    let page: Value = trainer
        .get("/api/v1/members?role=member&limit=2")
        .await
        .assert_status(200)
        .json();
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    assert!(page["next_cursor"].is_string());
    let found: Value = owner
        .get("/api/v1/members?q=YARA")
        .await
        .assert_status(200)
        .json();
    assert_eq!(found["items"].as_array().unwrap().len(), 1);
    assert_eq!(found["items"][0]["email"], "yara@example.com");
    // Wildcards in the search are literal: `_` finds only the name that holds one, `%` none.
    let underscore: Value = owner
        .get("/api/v1/members?q=r_s")
        .await
        .assert_status(200)
        .json();
    let found: Vec<_> = underscore["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["email"].as_str().unwrap())
        .collect();
    assert_eq!(found, ["under_score@example.com"], "on {}", app.backend());
    let percent: Value = owner
        .get("/api/v1/members?q=%25")
        .await
        .assert_status(200)
        .json();
    assert_eq!(
        percent["items"].as_array().unwrap().len(),
        0,
        "on {}",
        app.backend()
    );
    member.get("/api/v1/members").await.assert_problem(403);
    app.signup()
        .await
        .in_tenant(&gym)
        .get("/api/v1/members")
        .await
        .assert_problem(404);
}

async fn person_id(actor: &Actor<'_>) -> String {
    let me: Value = actor.get("/api/v1/me").await.assert_status(200).json();
    me["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn adding_people_follows_the_rules() {
    let app = gym_app().await;
    let owner = app.signup().await;
    let gym = owner.create_gym().await;
    let owner = owner.in_tenant(&gym);
    let admin = app.signup_in(&gym, Role::Admin).await;
    app.signup_with_email("newbie@example.com").await;
    app.signup_with_email("coach@example.com").await;

    let added = owner
        .post(
            "/api/v1/members",
            json!({ "email": "NEWBIE@example.com", "role": "member" }),
        )
        .await;
    assert!(
        added
            .header("location")
            .unwrap()
            .starts_with("/api/v1/members/")
    );
    let added: Value = added.assert_status(201).json();
    assert_eq!(added["role"], "member");
    let problem = owner
        .post(
            "/api/v1/members",
            json!({ "email": "newbie@example.com", "role": "member" }),
        )
        .await
        .assert_problem(409);
    assert_eq!(problem.code, "roster.already_member");
    let problem = owner
        .post(
            "/api/v1/members",
            json!({ "email": "ghost@example.com", "role": "member" }),
        )
        .await
        .assert_problem(404);
    assert_eq!(problem.code, "roster.account_not_found");
    let problem = admin
        .post(
            "/api/v1/members",
            json!({ "email": "coach@example.com", "role": "admin" }),
        )
        .await
        .assert_problem(403);
    assert_eq!(problem.code, "roster.admin_only_by_owner");
    let problem = owner
        .post(
            "/api/v1/members",
            json!({ "email": "coach@example.com", "role": "owner" }),
        )
        .await
        .assert_problem(422);
    assert_eq!(problem.code, "roster.invalid_role");
    admin
        .post(
            "/api/v1/members",
            json!({ "email": "coach@example.com", "role": "trainer" }),
        )
        .await
        .assert_status(201);
}

#[tokio::test]
async fn role_changes_follow_the_rules() {
    let app = gym_app().await;
    let owner = app.signup().await;
    let gym = owner.create_gym().await;
    let owner = owner.in_tenant(&gym);
    let admin = app.signup_in(&gym, Role::Admin).await;
    let other_admin = app.signup_in(&gym, Role::Admin).await;
    let trainer = app.signup_in(&gym, Role::Trainer).await;
    let member = app.signup_in(&gym, Role::Member).await;
    let admin_id = member_id(&owner, admin.account_id()).await;
    let other_admin_id = member_id(&owner, other_admin.account_id()).await;
    let member_id_ = member_id(&owner, member.account_id()).await;
    let owner_id = member_id(&owner, owner.account_id()).await;

    let problem = admin
        .send(
            Method::PATCH,
            &format!("/api/v1/members/{admin_id}"),
            patch(json!({ "role": "member" })),
        )
        .await
        .assert_problem(409);
    assert_eq!(problem.code, "roster.own_membership");
    let problem = admin
        .send(
            Method::PATCH,
            &format!("/api/v1/members/{other_admin_id}"),
            patch(json!({ "role": "member" })),
        )
        .await
        .assert_problem(403);
    assert_eq!(problem.code, "roster.admin_protected");
    let problem = admin
        .send(
            Method::PATCH,
            &format!("/api/v1/members/{owner_id}"),
            patch(json!({ "role": "member" })),
        )
        .await
        .assert_problem(403);
    assert_eq!(problem.code, "roster.owner_protected");
    trainer
        .send(
            Method::PATCH,
            &format!("/api/v1/members/{member_id_}"),
            patch(json!({ "role": "trainer" })),
        )
        .await
        .assert_problem(403);
    let changed: Value = admin
        .send(
            Method::PATCH,
            &format!("/api/v1/members/{member_id_}"),
            patch(json!({ "role": "trainer" })),
        )
        .await
        .assert_status(200)
        .json();
    assert_eq!(changed["role"], "trainer");
    owner
        .send(
            Method::PATCH,
            &format!("/api/v1/members/{other_admin_id}"),
            patch(json!({ "role": "member" })),
        )
        .await
        .assert_status(200);
    let permissions: Value = member.get("/api/v1/me/permissions").await.json();
    assert_eq!(permissions["role"], "trainer");
}

#[tokio::test]
async fn concurrent_role_changes_lose_no_update() {
    let app = gym_app().await;
    let owner = app.signup().await;
    let gym = owner.create_gym().await;
    let owner = owner.in_tenant(&gym);
    let admin = app.signup_in(&gym, Role::Admin).await;
    let member = app.signup_in(&gym, Role::Member).await;
    let id = member_id(&owner, member.account_id()).await;
    let path = format!("/api/v1/members/{id}");
    let changes = (0..8).map(|i| {
        let actor = if i % 2 == 0 {
            owner.clone()
        } else {
            admin.clone()
        };
        let role = if i % 3 == 0 { "member" } else { "trainer" };
        let path = path.clone();
        async move {
            actor
                .send(Method::PATCH, &path, patch(json!({ "role": role })))
                .await
        }
    });
    let responses = join_all(changes).await;
    let winners = responses.iter().filter(|r| r.status == 200).count();
    assert!(winners >= 1);
    for response in responses.into_iter().filter(|r| r.status != 200) {
        assert_eq!(
            response.assert_problem(409).code,
            "roster.changed_concurrently"
        );
    }
    // Every change that won was decided on the state the previous one left: the audit log is
    // an unbroken chain from `member` to the final role, one link per success.
    let log: Value = owner
        .get("/api/v1/audit?limit=100")
        .await
        .assert_status(200)
        .json();
    let mut links: Vec<_> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "roster.role_changed")
        .collect();
    links.reverse();
    assert_eq!(links.len(), winners, "on {}", app.backend());
    let mut role = "member".to_owned();
    for link in links {
        assert_eq!(
            link["details"]["from"]["role"],
            role.as_str(),
            "a change was decided on a stale role"
        );
        role = link["details"]["to"]["role"].as_str().unwrap().to_owned();
    }
    let now: Value = member.get("/api/v1/me/permissions").await.json();
    assert_eq!(now["role"], role.as_str());
}

#[tokio::test]
async fn ownership_moves_to_exactly_one_person_even_under_concurrency() {
    let app = gym_app().await;
    let owner = app.signup().await;
    let gym = owner.create_gym().await;
    let owner = owner.in_tenant(&gym);
    let a = app.signup_in(&gym, Role::Admin).await;
    let b = app.signup_in(&gym, Role::Member).await;
    let a_id = member_id(&owner, a.account_id()).await;
    let b_id = member_id(&owner, b.account_id()).await;
    let transfers = [a_id.clone(), b_id.clone(), a_id, b_id].map(|to| {
        let owner = owner.clone();
        async move {
            owner
                .post("/api/v1/ownership/transfer", json!({ "membership_id": to }))
                .await
        }
    });
    let responses = join_all(transfers).await;
    assert_eq!(
        responses.iter().filter(|r| r.status == 200).count(),
        1,
        "on {}",
        app.backend()
    );
    let owners: Value = a
        .get("/api/v1/members?role=owner")
        .await
        .assert_status(200)
        .json();
    assert_eq!(owners["items"].as_array().unwrap().len(), 1);
    let me: Value = owner.get("/api/v1/me/permissions").await.json();
    assert_eq!(me["role"], "admin");
    owner
        .post(
            "/api/v1/ownership/transfer",
            json!({ "membership_id": uuid::Uuid::now_v7() }),
        )
        .await
        .assert_problem(403);
}

#[tokio::test]
async fn members_leave_and_lose_access_but_the_owner_cannot_leave() {
    let app = gym_app().await;
    let owner = app.signup().await;
    let gym = owner.create_gym().await;
    let owner = owner.in_tenant(&gym);
    let member = app.signup_in(&gym, Role::Member).await;
    let problem = owner
        .post("/api/v1/membership/leave", json!({}))
        .await
        .assert_problem(409);
    assert_eq!(problem.code, "roster.owner_cannot_leave");
    member
        .send(Method::POST, "/api/v1/membership/leave", |r| r)
        .await
        .assert_status(204);
    member.get("/api/v1/gym").await.assert_problem(404);
    // Removed people can be added back.
    let me: Value = member.get("/api/v1/me").await.json();
    owner
        .post(
            "/api/v1/members",
            json!({ "email": me["email"], "role": "member" }),
        )
        .await
        .assert_status(201);
    member.get("/api/v1/gym").await.assert_status(200);
}

#[tokio::test]
async fn removal_follows_the_rules() {
    let app = gym_app().await;
    let owner = app.signup().await;
    let gym = owner.create_gym().await;
    let owner = owner.in_tenant(&gym);
    let admin = app.signup_in(&gym, Role::Admin).await;
    let other_admin = app.signup_in(&gym, Role::Admin).await;
    let member = app.signup_in(&gym, Role::Member).await;
    let other_admin_id = member_id(&owner, other_admin.account_id()).await;
    let member_id_ = member_id(&owner, member.account_id()).await;
    let owner_id = member_id(&owner, owner.account_id()).await;
    admin
        .send(
            Method::DELETE,
            &format!("/api/v1/members/{other_admin_id}"),
            |r| r,
        )
        .await
        .assert_problem(403);
    admin
        .send(
            Method::DELETE,
            &format!("/api/v1/members/{owner_id}"),
            |r| r,
        )
        .await
        .assert_problem(403);
    admin
        .send(
            Method::DELETE,
            &format!("/api/v1/members/{member_id_}"),
            |r| r,
        )
        .await
        .assert_status(204);
    member.get("/api/v1/gym").await.assert_problem(404);
    admin
        .send(
            Method::DELETE,
            &format!("/api/v1/members/{member_id_}"),
            |r| r,
        )
        .await
        .assert_problem(404);
    // Another gym's membership id is not found here.
    let other_gym = app.signup().await.create_gym().await;
    let stranger = app.signup_in(&other_gym, Role::Member).await;
    let other_owner_view = app.signup_in(&other_gym, Role::Admin).await;
    let stranger_id = member_id(&other_owner_view, stranger.account_id()).await;
    owner
        .send(
            Method::DELETE,
            &format!("/api/v1/members/{stranger_id}"),
            |r| r,
        )
        .await
        .assert_problem(404);
}

#[tokio::test]
async fn an_invitation_is_accepted_once_by_the_invited_account() {
    let app = gym_app().await;
    let owner = app.signup().await;
    let gym = owner.create_gym().await;
    let owner = owner.in_tenant(&gym);
    let invitation: Value = owner
        .post(
            "/api/v1/invitations",
            json!({ "email": "Invitee@Example.com", "role": "trainer" }),
        )
        .await
        .assert_status(201)
        .json();
    assert_eq!(invitation["status"], "pending");
    let token = invitation_token(&app, "Invitee@Example.com").await;

    let someone_else = app.signup_with_email("someone@example.com").await.0;
    let problem = someone_else
        .post("/api/v1/invitations/accept", json!({ "token": token }))
        .await
        .assert_problem(403);
    assert_eq!(problem.code, "invitations.wrong_account");

    let invitee = app.signup_with_email("invitee@example.com").await.0;
    let accepts = (0..5).map(|_| {
        let invitee = invitee.clone();
        let token = token.clone();
        async move {
            invitee
                .post("/api/v1/invitations/accept", json!({ "token": token }))
                .await
        }
    });
    let responses = join_all(accepts).await;
    assert_eq!(
        responses.iter().filter(|r| r.status == 200).count(),
        1,
        "accepted once on {}",
        app.backend()
    );
    let joined: Value = responses.iter().find(|r| r.status == 200).unwrap().json();
    assert_eq!(joined["role"], "trainer");
    assert_eq!(joined["tenant_id"], gym.as_str());
    invitee
        .in_tenant(&gym)
        .get("/api/v1/gym")
        .await
        .assert_status(200);
    let problem = invitee
        .post("/api/v1/invitations/accept", json!({ "token": token }))
        .await
        .assert_problem(409);
    assert_eq!(problem.code, "invitations.not_pending");
    let list: Value = owner
        .get("/api/v1/invitations")
        .await
        .assert_status(200)
        .json();
    assert_eq!(list["items"][0]["status"], "accepted");
}

#[tokio::test]
async fn revoked_and_expired_invitations_cannot_be_accepted() {
    let app = gym_app().await;
    let owner = app.signup().await;
    let gym = owner.create_gym().await;
    let owner = owner.in_tenant(&gym);
    let invitee = app.signup_with_email("late@example.com").await.0;
    let first: Value = owner
        .post(
            "/api/v1/invitations",
            json!({ "email": "late@example.com", "role": "member" }),
        )
        .await
        .assert_status(201)
        .json();
    let first_token = invitation_token(&app, "late@example.com").await;
    // A second invitation to the same email replaces the first.
    owner
        .post(
            "/api/v1/invitations",
            json!({ "email": "late@example.com", "role": "member" }),
        )
        .await
        .assert_status(201);
    invitee
        .post(
            "/api/v1/invitations/accept",
            json!({ "token": first_token }),
        )
        .await
        .assert_problem(409);
    let second_token = invitation_token(&app, "late@example.com").await;
    let list: Value = owner.get("/api/v1/invitations").await.json();
    let second_id = list["items"][0]["id"].as_str().unwrap().to_owned();
    assert_ne!(second_id, first["id"].as_str().unwrap());
    owner
        .send(
            Method::DELETE,
            &format!("/api/v1/invitations/{second_id}"),
            |r| r,
        )
        .await
        .assert_status(204);
    owner
        .send(
            Method::DELETE,
            &format!("/api/v1/invitations/{second_id}"),
            |r| r,
        )
        .await
        .assert_problem(409);
    invitee
        .post(
            "/api/v1/invitations/accept",
            json!({ "token": second_token }),
        )
        .await
        .assert_problem(409);

    owner
        .post(
            "/api/v1/invitations",
            json!({ "email": "late@example.com", "role": "member" }),
        )
        .await
        .assert_status(201);
    let third_token = invitation_token(&app, "late@example.com").await;
    {
        use palestra_identity::entities::invitation;
        use sea_orm::sea_query::Expr;
        invitation::Entity::update_many()
            .col_expr(
                invitation::Column::ExpiresAt,
                Expr::value(chrono::Utc::now() - chrono::Duration::hours(1)),
            )
            .filter(invitation::Column::Status.eq("pending"))
            .exec(&app.db)
            .await
            .unwrap();
    }
    let problem = invitee
        .post(
            "/api/v1/invitations/accept",
            json!({ "token": third_token }),
        )
        .await
        .assert_problem(409);
    assert_eq!(problem.code, "invitations.expired");
    invitee
        .post("/api/v1/invitations/accept", json!({ "token": "nope" }))
        .await
        .assert_problem(404);
    app.signup_in(&gym, Role::Trainer)
        .await
        .post(
            "/api/v1/invitations",
            json!({ "email": "x@example.com", "role": "member" }),
        )
        .await
        .assert_problem(403);
}

async fn trainer_with_limit(app: &TestApp, max_clients: u32) -> Actor<'_> {
    let body: Value = app
        .anonymous()
        .post(
            "/api/v1/auth/register-trainer",
            json!({ "email": format!("{}@coach.example.com", uuid::Uuid::now_v7().simple()), "password": PASSWORD,
                    "full_name": "Coach", "time_zone": "Europe/Madrid", "max_clients": max_clients }),
        )
        .await
        .assert_status(201)
        .json();
    app.anonymous()
        .with_token(body["access_token"].as_str().unwrap())
}

#[tokio::test]
async fn clients_join_with_a_code_that_rotates_within_the_client_limit() {
    let app = trainer_app().await;
    let trainer = trainer_with_limit(&app, 3).await;
    let code: Value = trainer
        .get("/api/v1/join-code")
        .await
        .assert_status(200)
        .json();
    let code = code["code"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 10);
    let again: Value = trainer.get("/api/v1/join-code").await.json();
    assert_eq!(again["code"], code.as_str());

    let clients: Vec<_> = join_all((0..8).map(|_| app.signup())).await;
    let joins = clients.iter().map(|c| {
        let code = code.clone();
        async move {
            c.post("/api/v1/join", json!({ "code": code.to_lowercase() }))
                .await
        }
    });
    let responses = join_all(joins).await;
    let joined = responses.iter().filter(|r| r.status == 200).count();
    assert_eq!(
        joined,
        3,
        "max_clients holds under concurrency on {}",
        app.backend()
    );
    for response in responses.into_iter().filter(|r| r.status != 200) {
        assert_eq!(
            response.assert_problem(409).code,
            "roster.client_limit_reached"
        );
    }

    // Archiving a client frees a place; archived clients lose access, paused ones keep it.
    let page: Value = trainer
        .get("/api/v1/members?role=member")
        .await
        .assert_status(200)
        .json();
    let first = &page["items"][0];
    let second = &page["items"][1];
    let path = |m: &Value| format!("/api/v1/members/{}", m["id"].as_str().unwrap());
    trainer
        .send(
            Method::PATCH,
            &path(first),
            patch(json!({ "status": "archived" })),
        )
        .await
        .assert_status(200);
    trainer
        .send(
            Method::PATCH,
            &path(second),
            patch(json!({ "status": "paused" })),
        )
        .await
        .assert_status(200);
    let archived = clients
        .iter()
        .find(|c| c.account_id() == first["account_id"].as_str().unwrap())
        .unwrap();
    let paused = clients
        .iter()
        .find(|c| c.account_id() == second["account_id"].as_str().unwrap())
        .unwrap();
    archived.get("/api/v1/workspace").await.assert_problem(404);
    paused.get("/api/v1/workspace").await.assert_status(200);
    let late = clients.iter().find(|c| responses_lost(c, &page)).unwrap();
    late.post("/api/v1/join", json!({ "code": code }))
        .await
        .assert_status(200);
    let problem = trainer
        .send(
            Method::PATCH,
            &path(first),
            patch(json!({ "status": "active" })),
        )
        .await
        .assert_problem(409);
    assert_eq!(problem.code, "roster.client_limit_reached");

    let rotated: Value = trainer
        .send(Method::POST, "/api/v1/join-code/rotate", |r| r)
        .await
        .assert_status(200)
        .json();
    assert_ne!(rotated["code"], code.as_str());
    let newcomer = app.signup().await;
    let problem = newcomer
        .post("/api/v1/join", json!({ "code": code }))
        .await
        .assert_problem(404);
    assert_eq!(problem.code, "roster.join_code_invalid");
}

/// Whether a client is not in the roster page (did not get a place).
fn responses_lost(client: &Actor<'_>, page: &Value) -> bool {
    !page["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["account_id"] == client.account_id())
}

#[tokio::test]
async fn the_audit_log_records_roster_changes_for_owners_and_admins() {
    let app = gym_app().await;
    let owner = app.signup().await;
    let gym = owner.create_gym().await;
    let owner = owner.in_tenant(&gym);
    let member = app.signup_in(&gym, Role::Member).await;
    let id = member_id(&owner, member.account_id()).await;
    owner
        .send(
            Method::PATCH,
            &format!("/api/v1/members/{id}"),
            patch(json!({ "role": "trainer" })),
        )
        .await
        .assert_status(200);
    owner
        .send(
            Method::PUT,
            "/api/v1/modules/chat",
            patch(json!({ "active": true })),
        )
        .await
        .assert_status(200);
    let log: Value = owner.get("/api/v1/audit").await.assert_status(200).json();
    let actions: Vec<_> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(&actions[..2], ["modules.activated", "roster.role_changed"]);
    assert_eq!(log["items"][1]["details"]["to"]["role"], "trainer");
    assert_eq!(log["items"][1]["subject_account_id"], member.account_id());
    app.signup_in(&gym, Role::Admin)
        .await
        .get("/api/v1/audit")
        .await
        .assert_status(200);
    member.get("/api/v1/audit").await.assert_problem(403);
}
