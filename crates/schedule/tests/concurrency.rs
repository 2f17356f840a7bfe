//! Capacity under concurrency, on whichever backend the suite runs: 50 members book a
//! 10-place session at once, then the refused join the waitlist at once, then 5 cancel at once.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly at the first surprise"
)]

mod support;

use std::collections::{HashMap, HashSet};

use futures_util::future::join_all;
use palestra_schedule::entities::{booking, waitlist_entry};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

use support::{Gym, app, book, messages};

#[tokio::test]
async fn fifty_members_racing_for_ten_places_get_exactly_ten_and_the_line_moves_in_order() {
    let app = app().await;
    let gym = Gym::create(&app).await;
    let session = gym.session(10).await;
    let mut members = Vec::new();
    for _ in 0..50 {
        members.push(gym.new_member().await);
    }

    // 50 bookings at once.
    let responses = join_all(members.iter().map(|m| book(m, &session))).await;
    let mut booked = Vec::new();
    let mut refused = Vec::new();
    for (i, response) in responses.into_iter().enumerate() {
        match response.status.as_u16() {
            201 => booked.push(i),
            409 => {
                let problem = response.assert_problem(409);
                assert_eq!(problem.code, "schedule.session_full");
                refused.push(i);
            }
            other => panic!("unexpected {other}: {}", response.body),
        }
    }
    assert_eq!(booked.len(), 10, "exactly the capacity is booked");
    assert_eq!(refused.len(), 40);
    let session_id: uuid::Uuid = session.parse().unwrap();
    let active = booking::Entity::find()
        .filter(booking::Column::SessionId.eq(session_id))
        .filter(booking::Column::Status.eq(booking::STATUS_BOOKED))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(active.len(), 10);
    let distinct: HashSet<_> = active.iter().map(|b| b.account_id).collect();
    assert_eq!(distinct.len(), 10, "no member holds two places");
    assert_eq!(gym.session_row(&session).await.booked_count, 10);

    // The 40 refused join the waitlist at once: 40 distinct positions.
    let waitlist = format!("/api/v1/sessions/{session}/waitlist");
    let responses = join_all(
        refused
            .iter()
            .map(|&i| members[i].post(&waitlist, json!({}))),
    )
    .await;
    for response in &responses {
        assert_eq!(response.status.as_u16(), 201, "{}", response.body);
    }
    let line = waitlist_entry::Entity::find()
        .filter(waitlist_entry::Column::SessionId.eq(session_id))
        .order_by_asc(waitlist_entry::Column::Position)
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(line.len(), 40);
    let positions: Vec<i32> = line.iter().map(|e| e.position).collect();
    assert_eq!(positions, (1..=40).collect::<Vec<_>>());
    assert_eq!(gym.session_row(&session).await.waitlist_count, 40);

    // 5 booked members cancel at once: the first 5 in line are promoted, in order.
    let bookings_of: HashMap<String, String> = active
        .iter()
        .map(|b| (b.account_id.to_string(), b.id.to_string()))
        .collect();
    let cancelling: Vec<_> = booked[..5].iter().map(|&i| &members[i]).collect();
    let paths: Vec<String> = cancelling
        .iter()
        .map(|m| format!("/api/v1/bookings/{}/cancel", bookings_of[m.account_id()]))
        .collect();
    let responses = join_all(
        cancelling
            .iter()
            .zip(&paths)
            .map(|(m, path)| m.post(path, json!({}))),
    )
    .await;
    for response in &responses {
        assert_eq!(response.status.as_u16(), 200, "{}", response.body);
    }
    let first_five: Vec<uuid::Uuid> = line[..5].iter().map(|e| e.account_id).collect();
    let now_booked: HashSet<uuid::Uuid> = booking::Entity::find()
        .filter(booking::Column::SessionId.eq(session_id))
        .filter(booking::Column::Status.eq(booking::STATUS_BOOKED))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|b| b.account_id)
        .collect();
    assert_eq!(now_booked.len(), 10);
    for account in &first_five {
        assert!(
            now_booked.contains(account),
            "the first five in line hold places"
        );
    }
    let row = gym.session_row(&session).await;
    assert_eq!((row.booked_count, row.waitlist_count), (10, 35));
    let promoted = messages(&app, "schedule.waitlist_promoted").await;
    let told: HashSet<uuid::Uuid> = promoted.iter().filter_map(|m| m.account_id).collect();
    assert_eq!(told, first_five.iter().copied().collect());
    // The sixth in line is now first.
    let sixth = members
        .iter()
        .find(|m| m.account_id() == line[5].account_id.to_string())
        .unwrap();
    let view: Value = sixth
        .get(&format!("/api/v1/sessions/{session}"))
        .await
        .json();
    assert_eq!(view["my_booking"]["position"], 1);
}

#[tokio::test]
async fn one_member_booking_twice_at_once_holds_one_place() {
    let app = app().await;
    let gym = Gym::create(&app).await;
    let session = gym.session(10).await;
    let responses = join_all((0..8).map(|_| book(&gym.member, &session))).await;
    let created = responses
        .iter()
        .filter(|r| r.status.as_u16() == 201)
        .count();
    assert_eq!(created, 1);
    for response in responses.into_iter().filter(|r| r.status.as_u16() != 201) {
        assert_eq!(response.assert_problem(409).code, "schedule.already_booked");
    }
    assert_eq!(gym.session_row(&session).await.booked_count, 1);
}

#[tokio::test]
async fn cancellations_leaves_and_a_capacity_change_at_once_keep_the_counts_true() {
    let app = app().await;
    let gym = Gym::create(&app).await;
    let session = gym.session(4).await;
    let mut members = Vec::new();
    for _ in 0..14 {
        members.push(gym.new_member().await);
    }
    let mut bookings = Vec::new();
    for m in &members[..4] {
        let b: Value = book(m, &session).await.assert_status(201).json();
        bookings.push(b["id"].as_str().unwrap().to_owned());
    }
    let mut entries = Vec::new();
    for m in &members[4..] {
        let e: Value = m
            .post(&format!("/api/v1/sessions/{session}/waitlist"), json!({}))
            .await
            .assert_status(201)
            .json();
        entries.push(e["id"].as_str().unwrap().to_owned());
    }

    // At once: 3 cancel, 4 of those waiting leave (the last four), a manager adds 2 places.
    let cancels: Vec<String> = bookings[..3]
        .iter()
        .map(|id| format!("/api/v1/bookings/{id}/cancel"))
        .collect();
    let leaves: Vec<String> = entries[6..]
        .iter()
        .map(|id| format!("/api/v1/waitlist/{id}"))
        .collect();
    let patch = format!("/api/v1/sessions/{session}");
    let mut requests: Vec<
        std::pin::Pin<Box<dyn std::future::Future<Output = palestra_testkit::TestResponse> + '_>>,
    > = Vec::new();
    for (m, path) in members[..3].iter().zip(&cancels) {
        requests.push(Box::pin(m.post(path, json!({}))));
    }
    for (m, path) in members[10..].iter().zip(&leaves) {
        requests.push(Box::pin(m.send(reqwest::Method::DELETE, path, |r| r)));
    }
    requests.push(Box::pin(gym.admin.send(
        reqwest::Method::PATCH,
        &patch,
        |r| r.json(&json!({ "capacity": 6 })),
    )));
    for response in join_all(requests).await {
        assert!(
            response.status.is_success(),
            "{}: {}",
            response.status,
            response.body
        );
    }

    let session_id: uuid::Uuid = session.parse().unwrap();
    let row = gym.session_row(&session).await;
    let active = booking::Entity::find()
        .filter(booking::Column::SessionId.eq(session_id))
        .filter(booking::Column::Status.eq(booking::STATUS_BOOKED))
        .all(&app.db)
        .await
        .unwrap();
    let waiting = waitlist_entry::Entity::find()
        .filter(waitlist_entry::Column::SessionId.eq(session_id))
        .filter(waitlist_entry::Column::Status.eq(waitlist_entry::STATUS_WAITING))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(row.capacity, 6);
    assert_eq!(
        row.booked_count as usize,
        active.len(),
        "the count matches the rows"
    );
    assert_eq!(
        row.waitlist_count as usize,
        waiting.len(),
        "the line's count matches"
    );
    // 1 kept + 6 waiting who did not leave = 7 people for 6 places: 6 booked, 1 waiting.
    assert_eq!(active.len(), 6);
    assert_eq!(waiting.len(), 1);
    // Whoever waits is the last of the six who stayed in line.
    assert_eq!(waiting[0].account_id.to_string(), members[9].account_id());
}
