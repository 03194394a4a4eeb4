//! [`Accounts`]: what other modules and the ops tools may ask the auth module — the seam where a
//! network call would go if auth were extracted. Reservations reads a driver's profile and age
//! through it; support a user's role and language; `ycyw-worker create-staff` creates staff.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;
use ycyw_shared::AppState;
use ycyw_shared::auth::Role;
use ycyw_shared::domain::{Phone, PostalAddress};
use ycyw_shared::mail::Locale;
use ycyw_shared::time::to_db_precision;

use crate::model::age_on;
use crate::repo;
use crate::service::{self, StaffError};

/// A user as other modules see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountProfile {
    /// The user's id (the JWT `sub`).
    pub id: Uuid,
    /// The role.
    pub role: Role,
    /// The agency of an agent.
    pub agency_id: Option<Uuid>,
    /// The address emails go to (`None` once the account is anonymised).
    pub email: Option<String>,
    /// The language of their emails.
    pub locale: Locale,
    /// Whether the address is verified.
    pub email_verified: bool,
    /// When the account was anonymised (deleted): such an account acts no more.
    pub anonymized_at: Option<DateTime<Utc>>,
    /// First name, when the profile has one.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Birth date.
    pub birth_date: Option<NaiveDate>,
    /// Postal address.
    pub address: Option<PostalAddress>,
    /// Phone.
    pub phone: Option<Phone>,
}

impl AccountProfile {
    /// True while the account is not deleted.
    pub fn is_active(&self) -> bool {
        self.anonymized_at.is_none()
    }

    /// True when a booking has what it needs of the driver: names, birth date and address.
    pub fn is_complete(&self) -> bool {
        self.first_name.is_some() && self.last_name.is_some() && self.birth_date.is_some() && self.address.is_some()
    }

    /// Age in whole years on `date` (e.g. the pickup's agency-local date), when the birth date
    /// is known.
    pub fn age_on(&self, date: NaiveDate) -> Option<i32> {
        self.birth_date.map(|birth| age_on(birth, date))
    }
}

/// Why the auth module could not answer.
#[derive(Debug, thiserror::Error)]
pub enum AccountsError {
    /// The database failed, or a stored row no longer parses.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// The auth module's public Rust API. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Accounts {
    state: AppState,
}

impl Accounts {
    /// The auth module of an application state.
    pub fn new(state: &AppState) -> Self {
        Self { state: state.clone() }
    }

    /// The user `id`, active or anonymised; `None` for an unknown id.
    pub async fn profile(&self, id: Uuid) -> Result<Option<AccountProfile>, AccountsError> {
        let mut conn = self.state.db.acquire().await.map_err(anyhow::Error::from)?;
        let Some(row) = repo::user_by_id(&mut conn, id).await.map_err(anyhow::Error::from)? else { return Ok(None) };
        let view = service::user_view(&row).map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok(Some(AccountProfile {
            id: row.id,
            role: row.role,
            agency_id: row.agency_id,
            email: row.email.clone(),
            locale: row.locale,
            email_verified: row.email_verified_at.is_some(),
            anonymized_at: row.anonymized_at,
            first_name: view.first_name,
            last_name: view.last_name,
            birth_date: view.birth_date,
            address: view.address,
            phone: view.phone,
        }))
    }

    /// Creates a support or agent account without a password and queues the invitation to set
    /// one (`/set-password?token=…`, valid 7 days): staff cannot self-register.
    pub async fn create_staff(&self, role: Role, email: &str, agency: Option<Uuid>, locale: Locale) -> Result<Uuid, StaffError> {
        service::create_staff(&self.state, role, email, agency, locale, to_db_precision(self.state.clock.now())).await
    }
}
