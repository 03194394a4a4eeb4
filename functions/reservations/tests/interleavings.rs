//! Reservations issue, acceptance 3 (property): random interleavings of booking, modification,
//! cancellation, payment and hold expiry on a small fleet never put two active reservations
//! on one vehicle at once, and the offer search's memory of taken vehicles always agrees with the
//! tables. Operations run in concurrent batches against the real database; the SQL overlap check
//! and the comparison run after every batch.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use chrono::Duration;
use chrono_tz::Europe::Paris;
use common::{World, instant, world};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use serde_json::{Value, json};
use sqlx::MySqlPool;
use uuid::Uuid;

#[derive(Debug, Clone)]
enum Op {
    /// Client `who` books the Orly (one car) or Paris (four) compact from day `day` for `days`
    /// days, and pays at once when `pay`.
    Book { who: usize, paris: bool, day: u32, days: u32, pay: bool },
    /// The `nth` reservation so far moves to day `day`.
    Modify { nth: usize, day: u32, days: u32 },
    /// The `nth` reservation is cancelled.
    Cancel { nth: usize },
    /// The `nth` reservation is paid.
    Pay { nth: usize },
    /// Time passes (holds end).
    Wait { minutes: i64 },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        4 => (0..3usize, prop::bool::weighted(0.3), 0..6u32, 1..4u32, any::<bool>())
            .prop_map(|(who, paris, day, days, pay)| Op::Book { who, paris, day, days, pay }),
        2 => (0..8usize, 0..6u32, 1..4u32).prop_map(|(nth, day, days)| Op::Modify { nth, day, days }),
        1 => (0..8usize).prop_map(|nth| Op::Cancel { nth }),
        3 => (0..8usize).prop_map(|nth| Op::Pay { nth }),
        1 => (10..40i64).prop_map(|minutes| Op::Wait { minutes }),
    ]
}

/// Batches of one to four operations, run concurrently.
fn scenario() -> impl Strategy<Value = Vec<Vec<Op>>> {
    prop::collection::vec(prop::collection::vec(op(), 1..5), 2..6)
}

struct Booked {
    id: Uuid,
    who: usize,
    total: Value,
}

/// What the operations did, over all cases: the property must be exercised, not vacuous.
#[derive(Debug, Default)]
struct Tally {
    booked: usize,
    refused: usize,
    modified: usize,
}

async fn run(w: &World, clients: &[Uuid], booked: &tokio::sync::Mutex<Vec<Booked>>, tally: &std::sync::Mutex<Tally>, op: Op) {
    let day = |d: u32| instant(Paris, "2026-03-20T10:00") + Duration::days(i64::from(d));
    let local = |at| common::local(Paris, at);
    match op {
        Op::Book { who, paris, day: d, days, pay } => {
            let agency = if paris { &w.paris } else { &w.orly };
            let response = w.book(&w.client_token(clients[who]), &w.booking(agency, "CDMR", day(d), i64::from(days))).await;
            match response.status {
                StatusCode::CREATED => {
                    let body = response.json();
                    let id: Uuid = body["id"].as_str().unwrap().parse().unwrap();
                    if pay {
                        w.pay(id, None, &body["total"]).await;
                    }
                    booked.lock().await.push(Booked { id, who, total: body["total"].clone() });
                    tally.lock().unwrap().booked += 1;
                }
                StatusCode::CONFLICT => {
                    assert_eq!(response.json()["code"], "unavailable");
                    tally.lock().unwrap().refused += 1;
                }
                other => panic!("booking answered {other}: {}", String::from_utf8_lossy(&response.body)),
            }
        }
        Op::Modify { nth, day: d, days } => {
            let Some((id, who)) = booked.lock().await.get(nth).map(|b| (b.id, b.who)) else { return };
            let body = json!({ "pickupAt": local(day(d)), "returnAt": local(day(d) + Duration::days(i64::from(days))) });
            let response = w.send(&w.client_token(clients[who]), Method::PATCH, &format!("/api/v1/reservations/{id}"), Some(&body)).await;
            assert!(
                matches!(response.status.as_u16(), 200 | 409 | 422),
                "modification answered {}: {}",
                response.status,
                String::from_utf8_lossy(&response.body)
            );
            if response.status == StatusCode::OK {
                tally.lock().unwrap().modified += 1;
                let body = response.json();
                if let Some(change) = body["reservation"]["pendingChange"]["id"].as_str() {
                    // Pay the difference at once half of the time.
                    if d % 2 == 0 {
                        w.pay(id, Some(change.parse().unwrap()), &body["difference"]).await;
                    }
                }
            }
        }
        Op::Cancel { nth } => {
            let Some((id, who)) = booked.lock().await.get(nth).map(|b| (b.id, b.who)) else { return };
            let response =
                w.send(&w.client_token(clients[who]), Method::POST, &format!("/api/v1/reservations/{id}/cancellation"), None).await;
            assert!(matches!(response.status.as_u16(), 200 | 409), "cancellation answered {}", response.status);
        }
        Op::Pay { nth } => {
            let Some((id, total)) = booked.lock().await.get(nth).map(|b| (b.id, b.total.clone())) else { return };
            w.pay(id, None, &total).await;
        }
        Op::Wait { minutes } => {
            w.app.clock.advance(Duration::minutes(minutes));
            ycyw_reservations::Reservations::new(&w.app.state).expire_holds().await.unwrap();
        }
    }
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn random_interleavings_never_overbook(pool: MySqlPool) {
    let w = world(pool).await;
    let mut clients = Vec::new();
    for n in 0..3 {
        clients.push(w.client(&format!("c{n}@example.com")).await.0);
    }
    let tally = std::sync::Mutex::new(Tally::default());
    let memory = w.app.state.services.get::<std::sync::Arc<ycyw_reservations::occupancy::Occupancy>>().unwrap().clone();
    let day = |d: u32| instant(Paris, "2026-03-20T10:00") + Duration::days(i64::from(d));
    let mut runner = TestRunner::deterministic();
    for case in 0..24 {
        let scenario = scenario().new_tree(&mut runner).unwrap().current();
        sqlx::query!("DELETE FROM reservation_status_history").execute(&w.app.state.db).await.unwrap();
        sqlx::query!("DELETE FROM reservation_changes").execute(&w.app.state.db).await.unwrap();
        sqlx::query!("DELETE FROM reservations").execute(&w.app.state.db).await.unwrap();
        w.app.clock.set(ycyw_testkit::test_epoch());
        let booked = tokio::sync::Mutex::new(Vec::new());
        for batch in &scenario {
            let runs = batch.iter().cloned().map(|op| run(&w, &clients, &booked, &tally, op));
            futures_join_all(runs).await;
            assert_eq!(common::overlaps(&w.app.state.db, w.now()).await, 0, "case {case} overbooked: {scenario:?}");
            // The offer search's memory of taken vehicles, kept across batches and cases, agrees
            // with the tables after every batch.
            for agency in [&w.paris, &w.orly] {
                for d in 0..7 {
                    let probe = common::Probe { agency: agency.id, category: "CDMR", from: day(d), to: day(d + 2), now: w.now() };
                    assert_eq!(
                        common::busy_in_memory(&memory, &w.app.state.db, probe).await,
                        common::busy_by_sql(&w.app.state.db, probe).await,
                        "case {case}, {} from day {d}: {scenario:?}",
                        agency.code
                    );
                }
            }
        }
    }
    let tally = tally.into_inner().unwrap();
    assert!(tally.booked >= 20 && tally.refused >= 5 && tally.modified >= 3, "the scenarios exercised too little: {tally:?}");
}

/// Runs the futures concurrently on this task (their database calls interleave).
async fn futures_join_all<F: std::future::Future<Output = ()>>(futures: impl Iterator<Item = F>) {
    let mut pinned: Vec<std::pin::Pin<Box<F>>> = futures.map(Box::pin).collect();
    std::future::poll_fn(move |cx| {
        pinned.retain_mut(|f| f.as_mut().poll(cx).is_pending());
        if pinned.is_empty() { std::task::Poll::Ready(()) } else { std::task::Poll::Pending }
    })
    .await;
}
