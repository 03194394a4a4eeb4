//! The module's answer to support's question ([`ReservationDirectory`]): whether a
//! conversation's reservation is its client's.

use async_trait::async_trait;
use sqlx::MySqlPool;
use uuid::Uuid;
use ycyw_support::seam::ReservationDirectory;

#[derive(Debug)]
pub(crate) struct SupportDirectory(pub MySqlPool);

#[async_trait]
impl ReservationDirectory for SupportDirectory {
    async fn belongs_to(&self, reservation: Uuid, client: Uuid) -> anyhow::Result<bool> {
        let found = sqlx::query_scalar!(r#"SELECT 1 AS "one: i32" FROM reservations WHERE id = ? AND user_id = ?"#, reservation, client)
            .fetch_optional(&self.0)
            .await?;
        Ok(found.is_some())
    }
}
