//! `ycyw-shared`: the building blocks every Your Car Your Way function and the worker share.
//!
//! - [`account`]: the hooks through which modules export and erase a user's data.
//! - [`auth`]: access tokens, roles and the extractors that authorise requests.
//! - [`config`]: typed settings from the environment, secrets from AWS Secrets Manager.
//! - [`db`]: the MySQL/MariaDB pool and the embedded migrations.
//! - [`domain`]: the shared value types (email, phone, country, address, money, pages, field errors).
//! - [`error`]: [`error::ApiError`] rendered as RFC 9457 `application/problem+json`.
//! - [`extract`]: path ids and query strings with problem+json rejections.
//! - [`idempotency`]: `Idempotency-Key` on POST, replayed answers.
//! - [`queue`]: the transactional job outbox and the [`queue::Queue`] consumers use.
//! - [`jobs`]: typed job kinds, the handlers modules register, and schedules.
//! - [`module`]: the [`module::Module`] seam every function crate implements, and
//!   [`module::Deployable`], the modules one binary links.
//! - [`mail`]: localized templates and the SMTP / dev-mailbox mailer.
//! - [`openapi`]: the served document, completed with the failures every operation's shape implies.
//! - [`telemetry`]: logging with a masking policy for personal data and secrets.
//! - [`rate_limit`]: per-IP limits shared by every instance.
//! - [`retention`]: the retention purge's seam (what modules delete or anonymise on schedule)
//!   and the housekeeping of shared's tables.
//! - [`runtime`]: [`runtime::serve`] runs a module over HTTP or under AWS Lambda.
//! - [`time`]: the injectable [`time::Clock`].
//! - [`sql_enum`]: [`text_enum!`], enums stored as text columns.

pub mod account;
pub mod auth;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod extract;
pub mod health;
pub mod idempotency;
pub mod jobs;
pub mod mail;
pub mod module;
pub mod openapi;
pub mod queue;
pub mod rate_limit;
pub mod retention;
pub mod runtime;
pub mod services;
pub mod sql_enum;
pub mod state;
pub mod telemetry;
pub mod time;

pub use error::ApiError;
pub use state::AppState;
