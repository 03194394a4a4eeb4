//! The seam between the auth module, which owns accounts, and the modules that hold data about
//! a user: each module's [`Module::account`](crate::module::Module::account) gives an
//! [`AccountPart`], so a data export gathers everything held about the user and an account
//! deletion lets each module erase or detach its data in the same transaction (reservations
//! cancels future bookings, mail erases the queued messages to the address, …).
//!
//! Every deployable binary registers the parts of every module it links, not only of those it
//! serves: `ycyw-auth` deployed alone still reaches reservations' and support's data (see
//! docs/architecture.md, "Composition").

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::MySqlConnection;
use uuid::Uuid;

use crate::auth::Role;

/// The account an export or an erasure is about, as auth knows it before erasing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// The user's id (the JWT `sub`).
    pub id: Uuid,
    /// The (normalised) email address, while the account has one.
    pub email: Option<String>,
    /// The role.
    pub role: Role,
    /// The agency of an agent.
    pub agency_id: Option<Uuid>,
}

/// What a module does for the accounts of its users.
#[async_trait]
pub trait AccountPart: Send + Sync + std::fmt::Debug {
    /// The key of the module's section in the export (`catalog`, `reservations`, …).
    fn section(&self) -> &'static str;

    /// Everything the module holds about the account, as JSON (an empty list or object when it
    /// holds nothing: the section is always there, so the user sees that it was looked at).
    async fn export(&self, conn: &mut MySqlConnection, account: &Account) -> anyhow::Result<serde_json::Value>;

    /// Called inside the account-deletion transaction: erase or detach the account's data.
    async fn erase(&self, conn: &mut MySqlConnection, account: &Account, now: DateTime<Utc>) -> anyhow::Result<()>;
}

/// The account parts of every module linked into this process.
pub type AccountParts = Arc<[Arc<dyn AccountPart>]>;
