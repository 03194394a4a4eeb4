//! The module's part of a user's account (DESIGN §8): the export lists their reservations; the
//! deletion cancels the future ones under the normal refund rule (refunds queued) and detaches
//! every one from the person (the driver snapshot is blanked; the rows stay 10 years for
//! accounting).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use sqlx::MySqlConnection;
use ycyw_shared::account::{Account, AccountPart};

use crate::model::Actor;
use crate::repo;
use crate::service::manage;

#[derive(Debug)]
pub(crate) struct ReservationsAccount;

#[async_trait]
impl AccountPart for ReservationsAccount {
    fn section(&self) -> &'static str {
        "reservations"
    }

    async fn export(&self, conn: &mut MySqlConnection, account: &Account) -> anyhow::Result<Value> {
        let ids = repo::ids_of_user(&mut *conn, account.id).await?;
        let reservations = repo::reservations(&mut *conn, &ids).await?;
        let history = repo::history(&mut *conn, &ids).await?;
        Ok(Value::Array(
            reservations
                .into_iter()
                .map(|r| {
                    let steps: Vec<Value> = history
                        .iter()
                        .filter(|(id, _)| *id == r.id)
                        .map(|(_, s)| json!({ "status": s.status, "by": s.by, "at": s.at }))
                        .collect();
                    json!({
                        "id": r.id, "reference": r.reference, "status": r.status, "category": r.slot.category.as_str(),
                        "pickupAgencyId": r.slot.pickup_agency_id, "returnAgencyId": r.slot.return_agency_id,
                        "pickupAt": r.slot.pickup_at, "returnAt": r.slot.return_at, "total": r.price.total,
                        "paid": r.net_paid(), "driver": { "firstName": r.driver.first_name, "lastName": r.driver.last_name,
                        "birthDate": r.driver.birth_date }, "history": steps, "createdAt": r.created_at,
                    })
                })
                .collect(),
        ))
    }

    async fn erase(&self, conn: &mut MySqlConnection, account: &Account, now: DateTime<Utc>) -> anyhow::Result<()> {
        for id in repo::future_open_of_user(&mut *conn, account.id, now).await? {
            let Some(r) = repo::lock_reservation(&mut *conn, id).await? else { continue };
            // A hold that just ended cannot be cancelled; the sweep expires it.
            if let Err(e) = manage::cancel_locked(&mut *conn, &r, now, Actor::System).await {
                match e {
                    crate::error::ReservationsError::Conflict { .. } => continue,
                    other => return Err(anyhow::anyhow!(other)),
                }
            }
        }
        let detached = repo::anonymize_drivers(&mut *conn, account.id, now).await?;
        tracing::info!(detached, "reservations detached from a deleted account");
        Ok(())
    }
}
