//! Requests, responses and the validated values of the auth module. Parse, don't validate:
//! handlers turn request bodies into these types, which cannot hold invalid data.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use ycyw_shared::auth::Role;
use ycyw_shared::domain::{Email, InvalidValue, Phone, PostalAddress, PostalAddressInput, single_line};
use ycyw_shared::mail::Locale;

use crate::password;

/// A password acceptable for a new credential: 12 to 128 characters, not a common password,
/// not the email address.
pub struct NewPassword(pub String);

impl NewPassword {
    /// Checks `raw`, against `email` when known.
    pub fn parse(raw: &str, email: Option<&str>) -> Result<Self, InvalidValue> {
        let weak = |message: &str| InvalidValue::new("weak_password", message);
        let length = raw.chars().count();
        if length == 0 {
            return Err(InvalidValue::required("this field is required"));
        }
        if length < 12 {
            return Err(weak("use at least 12 characters"));
        }
        if length > 128 {
            return Err(InvalidValue::invalid("use at most 128 characters"));
        }
        let lowered = raw.to_lowercase();
        if password::is_common(&lowered) {
            return Err(weak("this password is too common; choose another one"));
        }
        if email
            .is_some_and(|e| lowered.contains(e) || e.split('@').next().is_some_and(|local| local.len() >= 4 && lowered.contains(local)))
        {
            return Err(weak("the password must not contain your email address"));
        }
        Ok(NewPassword(raw.to_string()))
    }
}

/// A first or last name: 1 to 100 characters, no control characters.
pub fn parse_name(raw: &str) -> Result<String, InvalidValue> {
    single_line(raw, 100)
}

/// A birth date of someone aged 18 to 120 on `today` (the age to rent a car).
pub fn parse_birth_date(raw: &str, today: NaiveDate) -> Result<NaiveDate, InvalidValue> {
    if raw.trim().is_empty() {
        return Err(InvalidValue::required("this field is required"));
    }
    let date = NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| InvalidValue::invalid("a real date, as YYYY-MM-DD"))?;
    let age = age_on(date, today);
    if date > today {
        return Err(InvalidValue::new("in_future", "the birth date is in the future"));
    }
    if age < 18 {
        return Err(InvalidValue::new("underage", "you must be at least 18 to rent a car"));
    }
    if age > 120 {
        return Err(InvalidValue::invalid("the birth date is more than 120 years ago"));
    }
    Ok(date)
}

/// Age in whole years on `today`.
pub fn age_on(birth: NaiveDate, today: NaiveDate) -> i32 {
    let mut age = today.year() - birth.year();
    if (today.month(), today.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

/// `POST /auth/registrations`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RegistrationRequest {
    /// Email address (unique, case-insensitive).
    pub email: String,
    /// At least 12 characters, not a common password.
    pub password: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// `YYYY-MM-DD`; the driver must be 18 or older.
    pub birth_date: String,
    /// Optional, E.164.
    #[serde(default)]
    pub phone: Option<String>,
    /// Postal address.
    pub address: PostalAddressInput,
    /// `en` or `fr`.
    pub locale: Locale,
    /// Must be true.
    pub accept_terms: bool,
}

/// A registration that passed validation.
#[derive(Debug, Clone)]
pub struct NewAccount {
    /// Normalised email.
    pub email: Email,
    /// The profile.
    pub profile: Profile,
}

/// The personal fields of an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Birth date.
    pub birth_date: NaiveDate,
    /// Address.
    pub address: PostalAddress,
    /// Phone, E.164.
    pub phone: Option<Phone>,
    /// Language.
    pub locale: Locale,
}

/// The answer to a registration, the same whether the address was new or not.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RegistrationAccepted {
    /// The normalised address a message was sent to.
    pub email: String,
    /// Always `verification_sent`.
    pub status: &'static str,
}

/// `{ "token": … }` bodies.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct TokenRequest {
    /// The token from the emailed link.
    pub token: String,
}

/// `POST /auth/sessions`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct LoginRequest {
    /// Email address.
    pub email: String,
    /// Password.
    pub password: String,
}

/// A user as the API shows them.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// Id (the JWT `sub`).
    pub id: Uuid,
    /// Email address.
    pub email: String,
    /// Role.
    pub role: Role,
    /// First name (null for staff who have not filled it).
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Birth date.
    pub birth_date: Option<NaiveDate>,
    /// Phone.
    pub phone: Option<Phone>,
    /// Address.
    pub address: Option<PostalAddress>,
    /// Language of emails and of the SPA.
    pub locale: Locale,
    /// Whether the address is verified.
    pub email_verified: bool,
    /// The agency of an agent.
    pub agency_id: Option<Uuid>,
}

/// `POST /auth/sessions` and `/auth/sessions/refresh` answers.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SessionResponse {
    /// The access JWT.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// The signed-in user.
    pub user: User,
}

/// `POST /auth/password-reset-requests`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ResetRequest {
    /// The account's email address.
    pub email: String,
}

/// `POST /auth/password-resets`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PasswordReset {
    /// The token from the emailed link (reset or staff invitation).
    pub token: String,
    /// The new password.
    pub new_password: String,
}

/// `PATCH /users/me`: only the fields present change.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProfilePatch {
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// `YYYY-MM-DD`.
    pub birth_date: Option<String>,
    /// E.164, or null to remove it.
    #[serde(default, deserialize_with = "double_option")]
    pub phone: Option<Option<String>>,
    /// The whole address.
    pub address: Option<PostalAddressInput>,
    /// `en` or `fr`.
    pub locale: Option<Locale>,
}

fn double_option<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(deserializer).map(Some)
}

/// `PUT /users/me/password`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PasswordChange {
    /// The current password.
    pub current_password: String,
    /// The new password.
    pub new_password: String,
}

/// `DELETE /users/me`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct AccountDeletion {
    /// The current password, as confirmation.
    pub password: String,
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// `valid` with a multi-byte character inserted at every character boundary.
    fn spliced(valid: &str) -> Vec<String> {
        let at = valid.char_indices().map(|(i, _)| i).chain([valid.len()]);
        at.flat_map(|i| ["É", "日", "🚗"].map(|wide| [&valid[..i], wide, &valid[i..]].concat())).collect()
    }

    #[test]
    fn passwords_need_length_and_rarity() {
        let code = |raw: &str, email| NewPassword::parse(raw, email).err().map(|e| e.code);
        assert_eq!(code("short-pass1", None), Some("weak_password"));
        assert_eq!(code("", None), Some("required"));
        assert_eq!(code("PasswordPassword", None), Some("weak_password"), "common, whatever the case");
        assert_eq!(code("qwertyuiopasdfghjkl", None), Some("weak_password"));
        assert_eq!(code("ana.silva-2026!!", Some("ana.silva@example.com")), Some("weak_password"));
        assert_eq!(code("violet-tractor-harbour-42", None), None);
        assert_eq!(code(&"x".repeat(129), None), Some("invalid"));
        assert_eq!(code("日本語の長いパスフレーズです", None), None, "characters, not bytes");
    }

    #[test]
    fn names_are_single_lines_of_at_most_100_characters() {
        assert_eq!(parse_name("  Ana "), Ok("Ana".to_string()));
        assert_eq!(parse_name(" ").unwrap_err().code, "required");
        assert_eq!(parse_name(&"é".repeat(100)).map(|n| n.chars().count()), Ok(100));
        assert_eq!(parse_name(&"x".repeat(101)).unwrap_err().code, "invalid");
        assert_eq!(parse_name("Ana\u{0}").unwrap_err().code, "invalid");
    }

    #[test]
    fn birth_dates_at_the_age_edges() {
        let today = date(2026, 3, 11);
        let code = |raw: &str| parse_birth_date(raw, today).err().map(|e| e.code);
        assert_eq!(code("2008-03-11"), None, "18 today");
        assert_eq!(code("2008-03-12"), Some("underage"));
        assert_eq!(code("1905-03-12"), None, "120, turning 121 tomorrow");
        assert_eq!(code("1905-03-11"), Some("invalid"), "121 today");
        assert_eq!(code("2026-03-12"), Some("in_future"));
        assert_eq!(code("1990-02-30"), Some("invalid"));
        assert_eq!(code("02/04/1990"), Some("invalid"));
        assert_eq!(code(" "), Some("required"));
        assert_eq!(age_on(date(2000, 2, 29), date(2018, 2, 28)), 17);
        assert_eq!(age_on(date(2000, 2, 29), date(2018, 3, 1)), 18);
    }

    #[test]
    fn wide_characters_anywhere_never_panic() {
        let today = date(2026, 3, 11);
        for input in spliced("1990-04-02") {
            assert!(parse_birth_date(&input, today).is_err(), "{input:?}");
        }
        for input in spliced("Ana Silva") {
            assert!(parse_name(&input).is_ok(), "{input:?}");
        }
        for input in spliced("violet-tractor-harbour-42") {
            let _ = NewPassword::parse(&input, Some("ana@example.com"));
        }
    }

    proptest! {
        /// Invariant: the account parsers (password, name, birth date) never panic, whatever
        /// the text; what they accept is covered by the example tests above.
        #[test]
        fn fuzz_account_input_parsers(
            raw in ycyw_testkit::fuzz::hostile_text(),
            near in ycyw_testkit::fuzz::mutated("1990-04-02"),
            email in "\\PC{0,20}",
            days in 0i64..80_000,
        ) {
            let today = date(2026, 3, 11) - chrono::Duration::days(days);
            for raw in [&raw, &near] {
                let _ = NewPassword::parse(raw, Some(&email));
                let _ = NewPassword::parse(raw, None);
                let _ = parse_name(raw);
                let _ = parse_birth_date(raw, today);
            }
        }

        #[test]
        fn every_real_date_of_an_adult_is_accepted(years in 18i32..=119, day in 0u32..365) {
            let today = date(2026, 3, 11);
            let birth = date(today.year() - years - 1, 1, 1) + chrono::Duration::days(i64::from(day));
            let expected = if age_on(birth, today) >= 18 { None } else { Some("underage") };
            prop_assert_eq!(parse_birth_date(&birth.format("%Y-%m-%d").to_string(), today).err().map(|e| e.code), expected);
        }
    }
}
