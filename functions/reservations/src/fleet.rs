//! The module's answer to the catalog's fleet changes ([`FleetGuard`]): a vehicle leaving its
//! category or the fleet hands its future reservations to another free vehicle of the category
//! at its agency (under the fleet's lock, like a booking), or the change is refused naming them;
//! an agency changing time zone or closing is refused while reservations to come use it.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::MySqlConnection;
use ycyw_catalog::{Agency, FleetConflict, FleetGuard, Vehicle};

use crate::model::Status;
use crate::repo;

/// How many references a refusal names at most.
const NAMED: u32 = 20;

#[derive(Debug)]
pub(crate) struct ReservationsFleetGuard;

#[async_trait]
impl FleetGuard for ReservationsFleetGuard {
    async fn vehicle_changing(
        &self,
        conn: &mut MySqlConnection,
        before: &Vehicle,
        _after: &Vehicle,
        now: DateTime<Utc>,
    ) -> Result<(), FleetConflict> {
        let failed = |e: sqlx::Error| FleetConflict::Failed(e.into());
        // The fleet's lock first, as bookings take it: none picks this vehicle meanwhile.
        repo::lock_fleet(&mut *conn, before.agency_id, &before.category, now).await.map_err(failed)?;
        let mut blocked = repo::changes_holding(&mut *conn, before.id, now).await.map_err(failed)?;
        let affected = repo::future_on_vehicle(&mut *conn, before.id, now).await.map_err(failed)?;
        if affected.is_empty() && blocked.is_empty() {
            return Ok(());
        }
        let others: Vec<_> = ycyw_catalog::Catalog::vehicles_through(&mut *conn, before.agency_id, &before.category)
            .await
            .map_err(|e| FleetConflict::Failed(e.into()))?
            .into_iter()
            .map(|v| v.id)
            .filter(|id| *id != before.id)
            .collect();
        for id in affected {
            let Some(r) = repo::lock_reservation(&mut *conn, id).await.map_err(failed)? else { continue };
            if r.status == Status::PickedUp {
                // The car is out with a customer: it leaves the fleet once returned.
                blocked.push(r.reference.to_string());
                continue;
            }
            let busy =
                repo::busy_vehicles(&mut *conn, before.agency_id, &before.category, r.slot.pickup_at, r.slot.return_at, now, Some(r.id))
                    .await
                    .map_err(failed)?;
            match others.iter().find(|v| !busy.contains(v)) {
                Some(vehicle) => repo::move_to_vehicle(&mut *conn, r.id, *vehicle, now).await.map_err(failed)?,
                None => blocked.push(r.reference.to_string()),
            }
        }
        if blocked.is_empty() {
            tracing::info!(vehicle = %before.id, "future reservations moved off a vehicle leaving the fleet");
            Ok(())
        } else {
            Err(FleetConflict::Reservations { references: blocked })
        }
    }

    async fn agency_changing(
        &self,
        conn: &mut MySqlConnection,
        before: &Agency,
        _after: &Agency,
        now: DateTime<Utc>,
    ) -> Result<(), FleetConflict> {
        let references = repo::future_at_agency(conn, before.id, now, NAMED).await.map_err(|e| FleetConflict::Failed(e.into()))?;
        if references.is_empty() { Ok(()) } else { Err(FleetConflict::Reservations { references }) }
    }
}
