//! The seam between the auth module, which owns accounts, and the modules that hold data about
//! a user: each registers an [`AccountHook`] so a data export gathers everything held about the
//! user, and an account deletion lets each module erase or detach its data in the same
//! transaction (e.g. reservations cancels future bookings).

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::MySqlConnection;
use uuid::Uuid;

/// What a module does for the accounts of its users.
#[async_trait]
pub trait AccountHook: Send + Sync + std::fmt::Debug {
    /// The module's name: the key of its section in the export.
    fn module(&self) -> &'static str;

    /// Everything the module holds about `user`, as JSON.
    async fn export(&self, conn: &mut MySqlConnection, user: Uuid) -> anyhow::Result<serde_json::Value>;

    /// Called inside the account-deletion transaction: erase or detach the user's data.
    async fn erase(&self, conn: &mut MySqlConnection, user: Uuid, now: DateTime<Utc>) -> anyhow::Result<()>;
}

/// The hooks of every module mounted in this process.
pub type AccountHooks = Arc<[Arc<dyn AccountHook>]>;
