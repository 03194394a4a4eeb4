//! The module's part of an account: the export lists the payments of the user's reservations
//! (amounts and states; no card data is ever held). Payments are kept for accounting and hold
//! nothing personal, so deletion leaves them (the reservations they belong to are detached).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use sqlx::MySqlConnection;
use uuid::Uuid;
use ycyw_shared::account::{Account, AccountPart};

#[derive(Debug)]
pub(crate) struct PaymentsAccount;

#[async_trait]
impl AccountPart for PaymentsAccount {
    fn section(&self) -> &'static str {
        "payments"
    }

    async fn export(&self, conn: &mut MySqlConnection, account: &Account) -> anyhow::Result<Value> {
        let reservations = ycyw_reservations::Reservations::ids_of_user(&mut *conn, account.id).await?;
        let rows = sqlx::query!(
            r#"SELECT p.id AS "id: Uuid", p.reservation_id AS "reservation_id: Uuid", p.kind, p.status, p.amount_minor, p.currency,
                      p.created_at AS "created_at: DateTime<Utc>"
               FROM JSON_TABLE(?, '$[*]' COLUMNS (id CHAR(32) PATH '$')) AS mine
               STRAIGHT_JOIN payments p ON p.reservation_id = UNHEX(mine.id)
               ORDER BY p.created_at, p.id"#,
            ycyw_shared::db::json_ids(&reservations)
        )
        .fetch_all(&mut *conn)
        .await?;
        Ok(Value::Array(
            rows.into_iter()
                .map(|r| {
                    json!({ "id": r.id, "reservationId": r.reservation_id, "kind": r.kind, "status": r.status,
                            "amount": { "amountMinor": r.amount_minor, "currency": r.currency }, "createdAt": r.created_at })
                })
                .collect(),
        ))
    }

    async fn erase(&self, _conn: &mut MySqlConnection, _account: &Account, _now: DateTime<Utc>) -> anyhow::Result<()> {
        Ok(())
    }
}
