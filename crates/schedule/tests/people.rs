//! People views: a member's upcoming sessions and history (paged), a session's participants
//! and waitlist, a trainer's sessions, the front desk's day sheet; roles and tenant isolation.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly at the first surprise"
)]

mod extras;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use palestra_core::Role;
use palestra_schedule::entities::waitlist_entry;
use reqwest::Method;
use sea_orm::{ActiveValue::Set, EntityTrait};
use serde_json::Value;

use extras::{Gym, app};

fn ids(items: &Value, key: &str) -> Vec<String> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i[key].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_member_sees_upcoming_sessions_and_history_page_by_page() {
    let app = app().await;
    let gym = Gym::create(&app).await;
    let class = gym.class(&app, "Spinning").await;
    let now = Utc::now();
    let me = gym.member.account_id();
    let mut upcoming = Vec::new();
    for hours in [30, 10, 20] {
        let session = gym
            .session(&app, class, now + Duration::hours(hours), 5)
            .await;
        gym.book(&app, session, me).await;
        upcoming.push((hours, session));
    }
    upcoming.sort();
    let dropped = gym.session(&app, class, now + Duration::hours(5), 5).await;
    gym.book_as(&app, dropped, me, "cancelled").await;
    let mut history = Vec::new();
    for (days, status) in [(3, "attended"), (1, "no_show"), (2, "late_cancelled")] {
        let session = gym
            .session(&app, class, now - Duration::days(days), 5)
            .await;
        gym.book_as(&app, session, me, status).await;
        history.push((days, session, status));
    }
    let old_cancel = gym.session(&app, class, now - Duration::days(4), 5).await;
    gym.book_as(&app, old_cancel, me, "cancelled").await;

    let first: Value = gym
        .member
        .get("/api/v1/me/sessions?limit=2")
        .await
        .assert_status(200)
        .json();
    let cursor = first["next_cursor"].as_str().unwrap();
    let second: Value = gym
        .member
        .get(&format!("/api/v1/me/sessions?limit=2&cursor={cursor}"))
        .await
        .json();
    assert!(second["next_cursor"].is_null());
    let mut seen: Vec<String> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second["items"].as_array().unwrap())
        .map(|i| i["session"]["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        seen,
        upcoming
            .iter()
            .map(|(_, s)| s.to_string())
            .collect::<Vec<_>>()
    );
    let item = &first["items"][0];
    assert_eq!(item["booking_status"], "booked");
    assert_eq!(item["session"]["class_name"], "Spinning");
    assert!(
        item["session"]["starts_at"]["local"]
            .as_str()
            .unwrap()
            .len()
            > 20
    );

    let past: Value = gym
        .member
        .get("/api/v1/me/sessions?when=history")
        .await
        .assert_status(200)
        .json();
    seen = past["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            format!(
                "{}:{}",
                i["session"]["id"].as_str().unwrap(),
                i["booking_status"].as_str().unwrap()
            )
        })
        .collect();
    history.sort_by_key(|(days, _, _)| *days);
    assert_eq!(
        seen,
        history
            .iter()
            .map(|(_, s, status)| format!("{s}:{status}"))
            .collect::<Vec<_>>()
    );
    gym.member
        .get("/api/v1/me/sessions?cursor=garbage")
        .await
        .assert_problem(400);
}

#[tokio::test]
async fn staff_see_a_sessions_participants_and_waitlist_in_order() {
    let app = app().await;
    let gym = Gym::create(&app).await;
    let class = gym.class(&app, "Yoga").await;
    let session = gym
        .session(&app, class, Utc::now() + Duration::hours(3), 2)
        .await;
    let ana = app.signup_in(&gym.id, Role::Member).await;
    let ben = app.signup_in(&gym.id, Role::Member).await;
    let cid = app.signup_in(&gym.id, Role::Member).await;
    gym.book_as(&app, session, cid.account_id(), "cancelled")
        .await;
    gym.book(&app, session, ana.account_id()).await;
    gym.book(&app, session, ben.account_id()).await;
    let now = Utc::now();
    for (position, who) in [(2, gym.member.account_id()), (1, cid.account_id())] {
        waitlist_entry::Entity::insert(waitlist_entry::ActiveModel {
            id: Set(uuid::Uuid::now_v7()),
            tenant_id: Set(gym.tenant().uuid()),
            session_id: Set(session),
            account_id: Set(who.parse().unwrap()),
            position: Set(position),
            status: Set("waiting".to_owned()),
            added_by: Set(who.parse().unwrap()),
            booking_id: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .exec_without_returning(&app.db)
        .await
        .unwrap();
    }
    let people: Value = gym
        .trainer
        .get(&format!("/api/v1/sessions/{session}/participants"))
        .await
        .assert_status(200)
        .json();
    let who: Vec<String> = people["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["person"]["account_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(who, [ana.account_id(), ben.account_id(), cid.account_id()]);
    assert_eq!(people["participants"][2]["status"], "cancelled");
    assert_eq!(people["session"]["booked_count"], 2);
    let line: Vec<String> = people["waitlist"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["person"]["account_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(line, [cid.account_id(), gym.member.account_id()]);
    assert_eq!(people["waitlist"][0]["place"], 1);
    let problem = gym
        .trainer
        .get(&format!(
            "/api/v1/sessions/{}/participants",
            uuid::Uuid::now_v7()
        ))
        .await
        .assert_problem(404);
    assert_eq!(problem.code, "schedule.session_not_found");
}

#[tokio::test]
async fn a_trainers_sessions_and_the_day_sheet_follow_the_gyms_local_dates() {
    let app = app().await;
    let gym = Gym::create(&app).await;
    let class = gym.class(&app, "Boxing").await;
    // 2026-03-29 in Madrid runs from 2026-03-28T23:00Z to 2026-03-29T22:00Z (summer time starts).
    let late_evening = Utc.with_ymd_and_hms(2026, 3, 29, 21, 30, 0).unwrap();
    let just_before = Utc.with_ymd_and_hms(2026, 3, 28, 22, 30, 0).unwrap();
    let next_day = Utc.with_ymd_and_hms(2026, 3, 29, 22, 0, 0).unwrap();
    let on_the_day = gym.session(&app, class, late_evening, 5).await;
    gym.session(&app, class, just_before, 5).await;
    gym.session(&app, class, next_day, 5).await;
    gym.book(&app, on_the_day, gym.member.account_id()).await;

    let sheet: Value = gym
        .admin
        .get("/api/v1/day-sheet?date=2026-03-29")
        .await
        .assert_status(200)
        .json();
    assert_eq!(sheet["time_zone"], "Europe/Madrid");
    let sessions = sheet["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0]["session"]["id"], on_the_day.to_string());
    assert_eq!(
        sessions[0]["session"]["starts_at"]["local"],
        "2026-03-29T23:30:00+02:00"
    );
    assert_eq!(
        sessions[0]["trainer"]["account_id"],
        gym.trainer.account_id()
    );
    assert_eq!(
        ids(&sessions[0]["participants"], "booking_id").len(),
        1,
        "{sheet}"
    );

    let trainer = gym.trainer.account_id();
    let mine: Value = gym
        .trainer
        .get(&format!(
            "/api/v1/trainers/{trainer}/sessions?from=2026-03-28&to=2026-03-29"
        ))
        .await
        .assert_status(200)
        .json();
    assert_eq!(ids(&mine, "id").len(), 2);
    let day = NaiveDate::from_ymd_opt(2026, 3, 30).unwrap();
    let next: Value = gym
        .owner
        .get(&format!(
            "/api/v1/trainers/{trainer}/sessions?from={day}&to={day}"
        ))
        .await
        .json();
    assert_eq!(ids(&next, "id").len(), 1);
    let problem = gym
        .owner
        .get(&format!(
            "/api/v1/trainers/{}/sessions",
            uuid::Uuid::now_v7()
        ))
        .await
        .assert_problem(404);
    assert_eq!(problem.code, "schedule.member_not_found");
}

#[tokio::test]
async fn people_views_answer_each_role_and_hide_the_gym_from_outsiders() {
    let app = app().await;
    let gym = Gym::create(&app).await;
    let class = gym.class(&app, "Pilates").await;
    let session = gym
        .session(&app, class, Utc::now() + Duration::hours(2), 5)
        .await;
    let participants = format!("/api/v1/sessions/{session}/participants");
    let trainer = format!("/api/v1/trainers/{}/sessions", gym.trainer.account_id());
    let rows: [(&str, [u16; 5]); 5] = [
        ("/api/v1/me/sessions", [200, 200, 200, 200, 404]),
        (
            "/api/v1/me/sessions?when=history",
            [200, 200, 200, 200, 404],
        ),
        (&participants, [200, 200, 200, 403, 404]),
        (&trainer, [200, 200, 200, 403, 404]),
        ("/api/v1/day-sheet", [200, 200, 200, 403, 404]),
    ];
    for (path, expect) in rows {
        gym.expect_statuses(Method::GET, path, None, expect).await;
    }
}
