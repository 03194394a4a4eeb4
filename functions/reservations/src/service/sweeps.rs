//! The worker's periodic sweeps over reservations (their schedules are in the module's `work`).

use chrono::{DateTime, Duration, Utc};

use super::emails::{self, Email};
use super::{Ctx, views};
use crate::error::ReservationsError;
use crate::repo;

/// Holds expired per transaction.
const EXPIRE_BATCH: u32 = 500;
/// Reminders go out in the 24 hours before pickup.
pub const REMINDER_AHEAD: Duration = Duration::hours(24);

/// What one expiry sweep did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Expired {
    /// Reservations whose hold ended unpaid.
    pub holds: usize,
    /// Pending changes whose hold ended unpaid.
    pub changes: u64,
}

/// Marks every hold that ended by `now` as expired (several sweeps at once share the work:
/// rows another sweep holds are skipped).
pub async fn expire(ctx: &Ctx, now: DateTime<Utc>) -> Result<Expired, ReservationsError> {
    let mut done = Expired::default();
    loop {
        let mut tx = ctx.state.db.begin().await?;
        let ids = repo::expire_holds(&mut tx, now, EXPIRE_BATCH).await?;
        if done.changes == 0 {
            done.changes = repo::expire_changes(&mut tx, now).await?;
        }
        tx.commit().await?;
        done.holds += ids.len();
        if ids.len() < EXPIRE_BATCH as usize {
            return Ok(done);
        }
    }
}

/// Queues the pickup reminder of each confirmed reservation picked up within 24 h of `now`
/// that has not had one; each reservation's exactly once, whatever runs at the same time.
pub async fn remind(ctx: &Ctx, now: DateTime<Utc>) -> Result<usize, ReservationsError> {
    let ids = repo::due_reminders(&ctx.state.db, now, now + REMINDER_AHEAD).await?;
    let reservations = repo::reservations(&ctx.state.db, &ids).await?;
    let lookup =
        views::Lookup::load(ctx, reservations.iter().flat_map(|r| [r.slot.pickup_agency_id, r.slot.return_agency_id]).collect::<Vec<_>>())
            .await?;
    let mut sent = 0;
    for r in &reservations {
        let recipient = emails::recipient(ctx, r.user_id).await?;
        let mut tx = ctx.state.db.begin().await?;
        if repo::mark_reminded(&mut tx, r.id, now).await? {
            emails::queue(&mut tx, ctx, &lookup, r, recipient.as_ref(), Email::Reminder, now).await?;
            sent += 1;
        }
        tx.commit().await?;
    }
    Ok(sent)
}
