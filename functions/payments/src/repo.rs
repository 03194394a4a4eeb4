//! SQL over `payments` and `stripe_events`, and nothing else.

use chrono::{DateTime, Utc};
use sqlx::{Executor, MySql, MySqlConnection};
use uuid::Uuid;
use ycyw_shared::domain::{CurrencyCode, Money};

use crate::model::{Kind, Payment, PaymentStatus};

#[derive(Debug)]
struct PaymentRow {
    id: Uuid,
    reservation_id: Uuid,
    change_id: Option<Uuid>,
    kind: Kind,
    status: PaymentStatus,
    amount_minor: i64,
    currency: String,
    refund_request_id: Option<Uuid>,
    refund_reason: Option<String>,
    charge_payment_id: Option<Uuid>,
    stripe_session_id: Option<String>,
    stripe_session_url: Option<String>,
    session_expires_at: Option<DateTime<Utc>>,
    stripe_payment_intent_id: Option<String>,
    stripe_refund_id: Option<String>,
    failure: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<PaymentRow> for Payment {
    type Error = sqlx::Error;

    fn try_from(r: PaymentRow) -> Result<Self, Self::Error> {
        let currency: CurrencyCode = r.currency.parse().map_err(|_| sqlx::Error::Decode(format!("currency of payment {}", r.id).into()))?;
        Ok(Payment {
            id: r.id,
            reservation_id: r.reservation_id,
            change_id: r.change_id,
            kind: r.kind,
            status: r.status,
            amount: Money::new(r.amount_minor, currency),
            refund_request_id: r.refund_request_id,
            refund_reason: r.refund_reason,
            charge_payment_id: r.charge_payment_id,
            stripe_session_id: r.stripe_session_id,
            stripe_session_url: r.stripe_session_url,
            session_expires_at: r.session_expires_at,
            stripe_payment_intent_id: r.stripe_payment_intent_id,
            stripe_refund_id: r.stripe_refund_id,
            failure: r.failure,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

/// The payments of a reservation, oldest first; `for update` locks them.
pub async fn of_reservation(db: impl Executor<'_, Database = MySql>, reservation: Uuid) -> Result<Vec<Payment>, sqlx::Error> {
    let rows = sqlx::query_as!(
        PaymentRow,
        r#"SELECT id AS "id: Uuid", reservation_id AS "reservation_id: Uuid", change_id AS "change_id: Uuid", kind AS "kind: Kind",
                  status AS "status: PaymentStatus", amount_minor, currency, refund_request_id AS "refund_request_id: Uuid", refund_reason,
                  charge_payment_id AS "charge_payment_id: Uuid", stripe_session_id, stripe_session_url,
                  session_expires_at AS "session_expires_at: DateTime<Utc>", stripe_payment_intent_id, stripe_refund_id, failure,
                  created_at AS "created_at: DateTime<Utc>", updated_at AS "updated_at: DateTime<Utc>"
           FROM payments WHERE reservation_id = ? ORDER BY created_at, id FOR UPDATE"#,
        reservation
    )
    .fetch_all(db)
    .await?;
    rows.into_iter().map(Payment::try_from).collect()
}

/// Inserts a payment.
pub async fn insert(conn: &mut MySqlConnection, p: &Payment) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO payments (id, reservation_id, change_id, kind, status, amount_minor, currency, refund_request_id, refund_reason,
             charge_payment_id, stripe_session_id, stripe_session_url, session_expires_at, stripe_payment_intent_id, stripe_refund_id,
             failure, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        p.id,
        p.reservation_id,
        p.change_id,
        p.kind,
        p.status,
        p.amount.amount_minor,
        p.amount.currency.as_str(),
        p.refund_request_id,
        p.refund_reason,
        p.charge_payment_id,
        p.stripe_session_id,
        p.stripe_session_url,
        p.session_expires_at,
        p.stripe_payment_intent_id,
        p.stripe_refund_id,
        p.failure,
        p.created_at,
        p.updated_at
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Writes a payment's state (status, Stripe ids, what was reported, failure).
pub async fn update(conn: &mut MySqlConnection, p: &Payment, reported: Option<Money>, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE payments SET status = ?, stripe_payment_intent_id = ?, stripe_refund_id = ?, failure = ?,
             reported_amount_minor = COALESCE(?, reported_amount_minor), reported_currency = COALESCE(?, reported_currency), updated_at = ?
         WHERE id = ?",
        p.status,
        p.stripe_payment_intent_id,
        p.stripe_refund_id,
        p.failure,
        reported.map(|m| m.amount_minor),
        reported.map(|m| m.currency.as_str()),
        now,
        p.id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The reservation a Checkout Session, a payment intent or a refund belongs to.
pub async fn reservation_of(
    conn: &mut MySqlConnection,
    session: Option<&str>,
    payment_intent: Option<&str>,
    refund: Option<&str>,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT reservation_id AS "r: Uuid" FROM payments
           WHERE stripe_session_id = ? OR stripe_payment_intent_id = ? OR stripe_refund_id = ? LIMIT 1"#,
        session,
        payment_intent,
        refund
    )
    .fetch_optional(conn)
    .await
}

/// Stores a verified event once; false when it was stored before (a duplicate delivery).
pub async fn store_event(
    conn: &mut MySqlConnection,
    id: &str,
    event_type: &str,
    livemode: bool,
    payload: &str,
    signature: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "INSERT IGNORE INTO stripe_events (event_id, event_type, livemode, received_at, payload, signature) VALUES (?, ?, ?, ?, ?, ?)",
        id,
        event_type,
        livemode,
        now,
        payload,
        signature
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A stored event not processed yet, locked: its payload, signature header and reception time.
pub struct StoredEvent {
    /// The raw body.
    pub payload: String,
    /// Its `Stripe-Signature`.
    pub signature: String,
    /// When the endpoint received it.
    pub received_at: DateTime<Utc>,
}

/// The event `id` when it awaits processing (locked until the transaction ends).
pub async fn pending_event(conn: &mut MySqlConnection, id: &str) -> Result<Option<StoredEvent>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT payload, signature, received_at AS "received_at: DateTime<Utc>" FROM stripe_events
           WHERE event_id = ? AND processed_at IS NULL FOR UPDATE"#,
        id
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.and_then(|r| Some(StoredEvent { payload: r.payload?, signature: r.signature?, received_at: r.received_at })))
}

/// Marks an event processed with its outcome.
pub async fn processed(conn: &mut MySqlConnection, id: &str, outcome: &str, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE stripe_events SET processed_at = ?, outcome = ? WHERE event_id = ?", now, outcome, id).execute(conn).await?;
    Ok(())
}
