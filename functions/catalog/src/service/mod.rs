//! The catalog's rules, one file per concern: [`pricing`], [`local_time`] (agency-local
//! date-times), [`agencies`], [`fleet`] (categories and vehicles), [`rates`], and [`setup`] (whole
//! agencies loaded at once, for the demo and benchmark tools). In each, the pure
//! rules (validation of an input into a model value) come first and are unit-tested without a
//! database; the operations behind each endpoint follow, each one a short sequence of checks and
//! `repo` calls inside one transaction where they write.
//!
//! Rules of record:
//! - **Price** ([`pricing`]): daily rate × started 24 h periods, plus the one-way fee when the
//!   car is returned to another agency.
//! - **Agency-local time** ([`local_time`]): local date-times are read in the agency's IANA zone; a
//!   time skipped by daylight saving is refused, a repeated one is the earlier instant.
//! - **Ownership**: an agent reaches only their own agency's resources; anything else is 404.

pub mod agencies;
pub mod fleet;
pub mod local_time;
pub mod pricing;
pub mod rates;
pub mod setup;

use sqlx::MySqlPool;
use uuid::Uuid;

pub use self::local_time::LocalTimeError;
pub use self::pricing::PricingError;
use crate::error::CatalogError;
use crate::model::Agency;
use crate::repo;

/// Longest name or model.
const NAME_MAX: usize = 120;

/// An agent's access to an agency's resources: their own agency only; 404 otherwise (API.md).
pub fn ensure_own_agency(actor_agency: Uuid, agency_id: Uuid) -> Result<(), CatalogError> {
    if actor_agency == agency_id { Ok(()) } else { Err(CatalogError::NotFound) }
}

/// Whether a token may create agencies over HTTP. API.md gives this right to agents with the
/// `agencies:create` scope; access tokens carry no scopes yet, so no token has it and agencies are
/// created by ops with `ycyw-worker create-agency` (or `seed-demo`). When auth adds scopes, this
/// is the one place to read them.
pub fn may_create_agencies(_claims: &ycyw_shared::auth::Claims) -> bool {
    false
}

/// The agency `agency_id`, when it exists and the agent `actor_agency` belongs to it; 404 otherwise.
async fn own_existing_agency(db: &MySqlPool, actor_agency: Uuid, agency_id: Uuid) -> Result<Agency, CatalogError> {
    ensure_own_agency(actor_agency, agency_id)?;
    repo::find_agency(db, agency_id).await?.ok_or(CatalogError::NotFound)
}

#[cfg(test)]
pub(crate) mod test_support {
    use std::collections::BTreeSet;

    use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};

    use crate::error::CatalogError;
    use crate::model::NewAgency;

    pub(crate) fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
    }

    pub(crate) fn local(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, mo, d).unwrap().and_hms_opt(h, mi, 0).unwrap()
    }

    /// The categories the tests' catalog knows.
    pub(crate) fn known() -> BTreeSet<String> {
        ["CDMR", "ECMR", "IDAR"].into_iter().map(String::from).collect()
    }

    /// A valid `POST /agencies` body, in Paris.
    pub(crate) fn new_agency() -> NewAgency {
        serde_json::from_value(serde_json::json!({
            "code": "par-gdl", "name": "Paris Gare de Lyon",
            "address": { "line1": "20 boulevard Diderot", "postalCode": "75012", "city": "Paris", "countryCode": "FR" },
            "timeZone": "Europe/Paris", "phone": "+33 1 99 00 12 34", "email": "par-gdl@example.com",
            "openingHours": [{ "weekday": 1, "opens": "08:00", "closes": "19:00" }]
        }))
        .unwrap()
    }

    /// The `(field, code)` of a validation error.
    pub(crate) fn fields(error: CatalogError) -> Vec<(String, String)> {
        match error {
            CatalogError::Invalid(errors) => errors.into_iter().map(|e| (e.field, e.code)).collect(),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agents_reach_only_their_own_agency() {
        let (mine, theirs) = (Uuid::now_v7(), Uuid::now_v7());
        assert!(ensure_own_agency(mine, mine).is_ok());
        assert!(matches!(ensure_own_agency(mine, theirs), Err(CatalogError::NotFound)));
    }
}
