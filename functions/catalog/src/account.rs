//! The catalog's part in a user's data export: an agent is staff of one agency, and the export
//! says which. The catalog keeps nothing else about people, so erasure has nothing to do.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use sqlx::MySqlConnection;
use ycyw_shared::account::{Account, AccountPart};

use crate::repo;

#[derive(Debug)]
pub(crate) struct CatalogAccount;

#[async_trait]
impl AccountPart for CatalogAccount {
    fn section(&self) -> &'static str {
        "catalog"
    }

    async fn export(&self, conn: &mut MySqlConnection, account: &Account) -> anyhow::Result<Value> {
        let agency = match account.agency_id {
            Some(id) => repo::find_agency(&mut *conn, id).await?,
            None => None,
        };
        Ok(json!({ "staffOfAgency": agency.map(|a| json!({ "id": a.id, "code": a.code, "name": a.name })) }))
    }

    async fn erase(&self, _conn: &mut MySqlConnection, _account: &Account, _now: DateTime<Utc>) -> anyhow::Result<()> {
        Ok(())
    }
}
