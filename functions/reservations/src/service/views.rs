//! The API's views of reservations, built for a page at once: agencies, categories, histories
//! and pending changes are read in one query each, whatever the page's length.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, Utc};
use uuid::Uuid;
use ycyw_catalog::{Agency, Catalog, VehicleCategory};

use super::{Ctx, rules};
use crate::error::ReservationsError;
use crate::model::{Change, DriverView, PendingChangeView, Reservation, ReservationView, Status, StatusChange};
use crate::repo;

/// The agencies and categories views refer to.
#[derive(Debug, Default)]
pub struct Lookup {
    agencies: BTreeMap<Uuid, Agency>,
    categories: BTreeMap<String, VehicleCategory>,
}

impl Lookup {
    /// Reads the agencies `ids` and every category (a small reference table).
    pub async fn load(ctx: &Ctx, ids: impl IntoIterator<Item = Uuid>) -> Result<Self, ReservationsError> {
        let mut ids: Vec<Uuid> = ids.into_iter().collect();
        ids.sort();
        ids.dedup();
        let agencies = ctx.catalog.agencies(&ids).await?.into_iter().map(|a| (a.id, a)).collect();
        let categories = ctx.catalog.categories().await?.into_iter().map(|c| (c.code.as_str().to_string(), c)).collect();
        Ok(Self { agencies, categories })
    }

    /// An agency of the lookup.
    pub fn agency(&self, id: Uuid) -> Result<&Agency, ReservationsError> {
        self.agencies.get(&id).ok_or_else(|| ReservationsError::Internal(anyhow::anyhow!("agency {id} of a reservation is missing")))
    }

    /// A category of the lookup.
    pub fn category(&self, code: &str) -> Result<&VehicleCategory, ReservationsError> {
        self.categories.get(code).ok_or_else(|| ReservationsError::Internal(anyhow::anyhow!("category {code} of a reservation is missing")))
    }

    /// The instant on an agency's clock.
    pub fn local(&self, agency: Uuid, at: DateTime<Utc>) -> Result<DateTime<FixedOffset>, ReservationsError> {
        Ok(Catalog::utc_to_local(self.agency(agency)?, at).fixed_offset())
    }
}

/// The views of `reservations` at `now`, in their order.
pub async fn views(ctx: &Ctx, reservations: Vec<Reservation>, now: DateTime<Utc>) -> Result<Vec<ReservationView>, ReservationsError> {
    let ids: Vec<Uuid> = reservations.iter().map(|r| r.id).collect();
    let changes = repo::pending_changes(&ctx.state.db, &ids).await?;
    let agencies = reservations
        .iter()
        .flat_map(|r| [r.slot.pickup_agency_id, r.slot.return_agency_id])
        .chain(changes.iter().flat_map(|c| [c.slot.pickup_agency_id, c.slot.return_agency_id]));
    let lookup = Lookup::load(ctx, agencies.collect::<Vec<_>>()).await?;
    let mut histories: BTreeMap<Uuid, Vec<StatusChange>> = BTreeMap::new();
    for (id, step) in repo::history(&ctx.state.db, &ids).await? {
        histories.entry(id).or_default().push(step);
    }
    let mut changes: BTreeMap<Uuid, Change> = changes.into_iter().map(|c| (c.reservation_id, c)).collect();
    reservations
        .into_iter()
        .map(|r| {
            let history = histories.remove(&r.id).unwrap_or_default();
            let change = changes.remove(&r.id).filter(|c| c.is_pending_at(now));
            view(&lookup, r, change.as_ref(), history, now)
        })
        .collect()
}

/// The view of one reservation.
pub async fn view_one(ctx: &Ctx, reservation: Reservation, now: DateTime<Utc>) -> Result<ReservationView, ReservationsError> {
    let mut all = views(ctx, vec![reservation], now).await?;
    all.pop().ok_or_else(|| ReservationsError::Internal(anyhow::anyhow!("a view went missing")))
}

/// The view of `r` with what the lookup knows.
pub fn view(
    lookup: &Lookup,
    r: Reservation,
    change: Option<&Change>,
    mut history: Vec<StatusChange>,
    now: DateTime<Utc>,
) -> Result<ReservationView, ReservationsError> {
    let status = r.status_at(now);
    if status == Status::Expired && r.status == Status::PendingPayment {
        // The sweep has not written it yet; the history shows it as it will.
        if let Some(end) = r.hold_expires_at {
            history.push(StatusChange { status, by: crate::model::Actor::System, at: end });
        }
    }
    let pending_change = change
        .map(|c| -> Result<PendingChangeView, ReservationsError> {
            Ok(PendingChangeView {
                id: c.id,
                category: lookup.category(c.slot.category.as_str())?.clone(),
                pickup_agency: lookup.agency(c.slot.pickup_agency_id)?.clone(),
                return_agency: lookup.agency(c.slot.return_agency_id)?.clone(),
                pickup_at: lookup.local(c.slot.pickup_agency_id, c.slot.pickup_at)?,
                return_at: lookup.local(c.slot.return_agency_id, c.slot.return_at)?,
                total: c.price.total,
                difference: c.difference(),
                hold_expires_at: c.hold_expires_at,
            })
        })
        .transpose()?;
    Ok(ReservationView {
        id: r.id,
        reference: r.reference.clone(),
        status,
        category: lookup.category(r.slot.category.as_str())?.clone(),
        pickup_agency: lookup.agency(r.slot.pickup_agency_id)?.clone(),
        return_agency: lookup.agency(r.slot.return_agency_id)?.clone(),
        pickup_at: lookup.local(r.slot.pickup_agency_id, r.slot.pickup_at)?,
        return_at: lookup.local(r.slot.return_agency_id, r.slot.return_at)?,
        days: r.price.days,
        daily_rate: r.price.daily_rate,
        one_way_fee: r.price.one_way_fee,
        total: r.price.total,
        paid: r.net_paid(),
        hold_expires_at: if status == Status::PendingPayment { r.hold_expires_at } else { None },
        driver: DriverView {
            first_name: r.driver.first_name.clone(),
            last_name: r.driver.last_name.clone(),
            birth_date: r.driver.birth_date,
        },
        can_modify: rules::modifiable(status, now, r.slot.pickup_at),
        can_cancel: rules::cancellable(status, now, r.slot.pickup_at),
        pending_change,
        history,
        created_at: r.created_at,
        updated_at: r.updated_at,
    })
}
