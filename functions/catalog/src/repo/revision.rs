//! The catalog's revision (`catalog_revision`): every write to the catalog's tables moves it in
//! the write's own transaction, after the write, so a reader that saw a revision sees at least
//! every row written before it was reached.

use sqlx::{Executor, MySql, MySqlConnection};

use crate::error::CatalogError;

/// The current revision.
pub async fn revision(db: impl Executor<'_, Database = MySql>) -> Result<u64, CatalogError> {
    sqlx::query_scalar!("SELECT revision FROM catalog_revision WHERE id = 1")
        .fetch_optional(db)
        .await?
        .ok_or_else(|| super::corrupt("catalog_revision has no row"))
}

/// Moves the revision on: called by every write, on the write's connection, after it.
pub(super) async fn moved(conn: &mut MySqlConnection) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE catalog_revision SET revision = revision + 1 WHERE id = 1").execute(conn).await?;
    Ok(())
}
