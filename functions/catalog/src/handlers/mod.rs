//! One thin handler per endpoint: extract, authorise, call the service, answer. Agent routes
//! extract [`AgentUser`](ycyw_shared::auth::AgentUser) first (401 anonymous, 403 other roles), then
//! check ownership (404) before reading the body, so a stranger learns nothing from validation.

pub mod create_agency;
pub mod create_vehicle;
pub mod delete_vehicle;
pub mod get_agency;
pub mod get_rates;
pub mod list_agencies;
pub mod list_vehicle_categories;
pub mod list_vehicles;
pub mod replace_rates;
pub mod update_agency;
pub mod update_vehicle;

pub use ycyw_shared::extract::{Params, ResourceId};
