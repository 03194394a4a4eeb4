//! What the worker's schedules do with reservations (hold expiry, pickup reminders), the emails
//! the module queues, and payments reported late or twice.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::Duration;
use chrono_tz::Europe::Paris;
use common::{World, instant, world};
use sqlx::MySqlPool;
use uuid::Uuid;
use ycyw_reservations::{PaymentApplied, Reservations};
use ycyw_shared::domain::{CurrencyCode, Money};

/// Enqueues the job the schedule `name` makes now and runs the queue.
async fn run_schedule(w: &World, name: &str) {
    let schedule = w.app.work.schedules.iter().find(|s| s.name == name).unwrap_or_else(|| panic!("no schedule {name}"));
    let mut conn = w.app.state.db.acquire().await.unwrap();
    ycyw_shared::queue::enqueue(&mut conn, schedule.job_at(w.now()), w.now()).await.unwrap();
    drop(conn);
    for execution in w.app.run_jobs().await {
        assert!(format!("{:?}", execution.outcome).contains("Completed"), "{execution:?}");
    }
}

async fn status(w: &World, id: Uuid) -> String {
    sqlx::query_scalar!("SELECT status FROM reservations WHERE id = ?", id).fetch_one(&w.app.state.db).await.unwrap()
}

fn id_of(r: &serde_json::Value) -> Uuid {
    r["id"].as_str().unwrap().parse().unwrap()
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn the_minute_sweep_expires_ended_holds_and_nothing_else(pool: MySqlPool) {
    let w = world(pool).await;
    let (_, ana) = w.client("ana@example.com").await;
    let ended = id_of(&w.booked(&ana, &w.booking(&w.paris, "CDMR", instant(Paris, "2026-03-16T10:00"), 1)).await);
    w.app.clock.advance(Duration::minutes(10));
    let running = id_of(
        &w.booked(
            &w.client_token(w.registered_id("ana@example.com").await),
            &w.booking(&w.paris, "EDMR", instant(Paris, "2026-03-16T10:00"), 1),
        )
        .await,
    );
    w.app.clock.advance(Duration::minutes(20));
    run_schedule(&w, "expire_holds").await;
    assert_eq!(status(&w, ended).await, "expired");
    assert_eq!(status(&w, running).await, "pending_payment");
    let steps = sqlx::query!("SELECT status, actor FROM reservation_status_history WHERE reservation_id = ? ORDER BY changed_at", ended)
        .fetch_all(&w.app.state.db)
        .await
        .unwrap();
    assert_eq!(
        steps.iter().map(|s| (s.status.as_str(), s.actor.as_str())).collect::<Vec<_>>(),
        [("pending_payment", "client"), ("expired", "system")]
    );
    assert_eq!(w.app.work.schedules.iter().find(|s| s.name == "expire_holds").unwrap().every, std::time::Duration::from_secs(60));
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn reminders_go_out_once_in_the_clients_language_a_day_before(pool: MySqlPool) {
    let w = world(pool).await;
    let (_, ines) = w.client_born("ines@example.com", "1991-05-17", "fr").await;
    let pickup = instant(Paris, "2026-03-16T10:00");
    let id = w.confirmed(&ines, &w.booking(&w.paris, "CDMR", pickup, 1)).await;
    let confirmed = w.emails_to("ines@example.com").await.pop().unwrap();
    assert_eq!(confirmed["template"], "reservation_confirmed");
    let text = confirmed["rendered"]["text"].as_str().unwrap();
    assert!(confirmed["rendered"]["subject"].as_str().unwrap().starts_with("Votre réservation YCW-"), "{confirmed}");
    assert!(text.contains("lundi 16 mars 2026, 10:00 (Europe/Paris) à l'agence Paris Gare de Lyon"), "{text}");
    assert!(text.contains("45,00\u{a0}€"), "{text}");
    assert!(text.contains(&format!("http://localhost:4200/reservations/{id}")), "{text}");
    // Cancelled and unpaid ones get none.
    let (_, ben) = w.client("ben@example.com").await;
    w.booked(&ben, &w.booking(&w.paris, "EDMR", pickup, 1)).await;

    w.app.clock.set(pickup - Duration::hours(24) - Duration::minutes(1));
    run_schedule(&w, "send_pickup_reminders").await;
    assert_eq!(w.emails_to("ines@example.com").await.len(), 2, "not yet");
    w.app.clock.set(pickup - Duration::hours(24) + Duration::minutes(14));
    run_schedule(&w, "send_pickup_reminders").await;
    w.app.clock.advance(Duration::minutes(15));
    run_schedule(&w, "send_pickup_reminders").await;
    let reminders: Vec<_> = w.emails_to("ines@example.com").await.into_iter().filter(|e| e["template"] == "pickup_reminder").collect();
    assert_eq!(reminders.len(), 1, "exactly once");
    assert!(reminders[0]["rendered"]["subject"].as_str().unwrap().starts_with("Votre voiture vous attend demain"));
    assert!(w.emails_to("ben@example.com").await.iter().all(|e| e["template"] != "pickup_reminder"));
}

#[sqlx::test(migrator = "ycyw_shared::db::MIGRATOR")]
async fn payments_confirm_once_and_a_late_one_confirms_only_if_the_car_is_still_free(pool: MySqlPool) {
    let w = world(pool).await;
    let (_, ana) = w.client("ana@example.com").await;
    let (ben_id, _) = w.client("ben@example.com").await;
    let body = w.booking(&w.orly, "CDMR", instant(Paris, "2026-03-16T10:00"), 1);
    let first = w.booked(&ana, &body).await;
    let total = first["total"].clone();
    let id = id_of(&first);
    // Paid after the hold ended, the car still free: confirmed anyway.
    w.app.clock.advance(Duration::minutes(45));
    assert_eq!(w.pay(id, None, &total).await, PaymentApplied::Confirmed);
    assert_eq!(w.pay(id, None, &total).await, PaymentApplied::AlreadyApplied);
    assert_eq!(status(&w, id).await, "confirmed");
    assert_eq!(w.emails_to("ana@example.com").await.iter().filter(|e| e["template"] == "reservation_confirmed").count(), 1);

    // Paid after the hold ended and someone else took the car: refunded in full.
    let second = w.booked(&w.client_token(ben_id), &w.booking(&w.orly, "CDMR", instant(Paris, "2026-03-20T10:00"), 1)).await;
    w.app.clock.advance(Duration::minutes(31));
    let (_, cat) = w.client("cat@example.com").await;
    w.confirmed(&cat, &w.booking(&w.orly, "CDMR", instant(Paris, "2026-03-20T10:00"), 1)).await;
    assert_eq!(w.pay(id_of(&second), None, &second["total"]).await, PaymentApplied::Refunding);
    assert_eq!(status(&w, id_of(&second)).await, "pending_payment", "never confirmed over someone else");
    assert_eq!(w.refunds().await, [(id_of(&second).to_string(), 5000, "late_payment".to_string())]);
    assert_eq!(common::overlaps(&w.app.state.db, w.now()).await, 0);

    // A checkout that ended unpaid releases the hold at once.
    let third = w.booked(&w.client_token(ben_id), &w.booking(&w.orly, "CDMR", instant(Paris, "2026-03-25T10:00"), 1)).await;
    Reservations::new(&w.app.state).checkout_closed(id_of(&third), None, w.now()).await.unwrap();
    assert_eq!(status(&w, id_of(&third)).await, "expired");
    w.booked(&cat, &w.booking(&w.orly, "CDMR", instant(Paris, "2026-03-25T10:00"), 1)).await;
    // A payment in another currency is refused.
    let wrong = Reservations::new(&w.app.state).payment_received(id, None, Money::new(5000, CurrencyCode::Gbp), w.now()).await;
    assert!(wrong.is_err());
}
