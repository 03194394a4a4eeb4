//! `GET /reservations/{id}/payments`: its charges and refunds, for its client or an agent of its
//! agencies (someone else's reservation is 404, support staff 403).

use ycyw_shared::auth::{Claims, Role};

use super::Ctx;
use crate::error::PaymentsError;
use crate::model::{PaymentList, PaymentView};
use crate::repo;

/// The payments of reservation `id` as `viewer` may see them.
pub async fn list(ctx: &Ctx, viewer: &Claims, id: uuid::Uuid) -> Result<PaymentList, PaymentsError> {
    let visible = match (viewer.role, viewer.agency) {
        (Role::Client, _) => ctx.reservations.of_client(viewer.sub, id).await?.is_some(),
        (Role::Agent, Some(agency)) => ctx.reservations.of_agency(agency, id).await?.is_some(),
        _ => return Err(PaymentsError::Forbidden),
    };
    if !visible {
        return Err(PaymentsError::NotFound);
    }
    let payments = repo::of_reservation(&ctx.state.db, id).await?;
    Ok(PaymentList { items: payments.iter().map(PaymentView::from).collect(), next_cursor: None })
}
