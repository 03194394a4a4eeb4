//! Requests, responses and the validated values of the auth module. Parse, don't validate:
//! handlers turn request bodies into these types, which cannot hold invalid data.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use ycyw_shared::auth::Role;
use ycyw_shared::error::FieldError;
use ycyw_shared::mail::Locale;

use crate::password;

/// Collects field errors while parsing a request.
#[derive(Debug, Default)]
pub struct Errors(pub Vec<FieldError>);

impl Errors {
    /// Records an error on `field`.
    pub fn add(&mut self, field: &str, code: &str, message: &str) {
        self.0.push(FieldError::new(field, code, message));
    }

    /// Keeps the value of `result`, or records its error.
    pub fn take<T>(&mut self, result: Result<T, FieldError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.0.push(error);
                None
            }
        }
    }

    /// The 422 error when anything was recorded.
    pub fn finish(self) -> Result<(), ycyw_shared::ApiError> {
        if self.0.is_empty() { Ok(()) } else { Err(ycyw_shared::ApiError::Unprocessable(self.0)) }
    }
}

fn required(field: &str) -> FieldError {
    FieldError::new(field, "required", "this field is required")
}

fn invalid(field: &str, message: &str) -> FieldError {
    FieldError::new(field, "invalid", message)
}

/// An email address: trimmed, lower-cased, of a plausible shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// Parses the address of `field`.
    pub fn parse(field: &str, raw: &str) -> Result<Self, FieldError> {
        let email = raw.trim().to_lowercase();
        if email.is_empty() {
            return Err(required(field));
        }
        let valid = email.len() <= 254
            && email.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty()
                    && local.len() <= 64
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && domain.contains('.')
                    && !domain.contains("..")
                    && domain.chars().all(|c| c.is_alphanumeric() || c == '.' || c == '-')
                    && local.chars().all(|c| !c.is_whitespace() && !c.is_control() && c != '@')
            });
        if valid { Ok(Email(email)) } else { Err(invalid(field, "not a valid email address")) }
    }

    /// The normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password acceptable for a new credential: 12 to 128 characters, not a common password,
/// not the email address.
pub struct NewPassword(pub String);

impl NewPassword {
    /// Checks `raw` (for `field`), against `email` when known.
    pub fn parse(field: &str, raw: &str, email: Option<&str>) -> Result<Self, FieldError> {
        let length = raw.chars().count();
        if length == 0 {
            return Err(required(field));
        }
        if length < 12 {
            return Err(FieldError::new(field, "weak_password", "use at least 12 characters"));
        }
        if length > 128 {
            return Err(invalid(field, "use at most 128 characters"));
        }
        let lowered = raw.to_lowercase();
        if password::is_common(&lowered) {
            return Err(FieldError::new(field, "weak_password", "this password is too common; choose another one"));
        }
        if email
            .is_some_and(|e| lowered.contains(e) || e.split('@').next().is_some_and(|local| local.len() >= 4 && lowered.contains(local)))
        {
            return Err(FieldError::new(field, "weak_password", "the password must not contain your email address"));
        }
        Ok(NewPassword(raw.to_string()))
    }
}

/// A first or last name: 1 to 100 characters, no control characters.
pub fn parse_name(field: &str, raw: &str) -> Result<String, FieldError> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(required(field));
    }
    if name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(invalid(field, "at most 100 characters, no control characters"));
    }
    Ok(name.to_string())
}

/// A birth date of someone aged 18 to 120 on `today` (the age to rent a car).
pub fn parse_birth_date(field: &str, raw: &str, today: NaiveDate) -> Result<NaiveDate, FieldError> {
    if raw.trim().is_empty() {
        return Err(required(field));
    }
    let date = NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| invalid(field, "a real date, as YYYY-MM-DD"))?;
    let age = age_on(date, today);
    if date > today {
        return Err(FieldError::new(field, "in_future", "the birth date is in the future"));
    }
    if age < 18 {
        return Err(FieldError::new(field, "underage", "you must be at least 18 to rent a car"));
    }
    if age > 120 {
        return Err(invalid(field, "the birth date is more than 120 years ago"));
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

/// A phone number in E.164 form (`+33612345678`); spaces, dots and dashes are removed first.
pub fn parse_phone(field: &str, raw: &str) -> Result<String, FieldError> {
    let phone: String = raw.chars().filter(|c| !matches!(c, ' ' | '.' | '-' | '(' | ')')).collect();
    let digits = phone.strip_prefix('+').unwrap_or("");
    let valid = (8..=15).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit()) && !digits.starts_with('0');
    if valid { Ok(phone) } else { Err(invalid(field, "an international number such as +33612345678")) }
}

/// ISO 3166-1 alpha-2 country codes (officially assigned).
const COUNTRIES: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ \
CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL \
GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR \
LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK \
PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR \
TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

/// An ISO 3166-1 alpha-2 code, upper-cased.
pub fn parse_country(field: &str, raw: &str) -> Result<String, FieldError> {
    let code = raw.trim().to_uppercase();
    if code.is_empty() {
        return Err(required(field));
    }
    if code.len() == 2 && COUNTRIES.split(' ').any(|c| c == code) {
        Ok(code)
    } else {
        Err(invalid(field, "an ISO 3166-1 alpha-2 country code such as FR"))
    }
}

/// A postal code, checked against the country's format in the seven markets (upper-cased; UK
/// and Canadian codes get their single space).
pub fn parse_postal_code(field: &str, raw: &str, country: &str) -> Result<String, FieldError> {
    let code = raw.trim().to_uppercase();
    if code.is_empty() {
        return Err(required(field));
    }
    let compact: String = code.chars().filter(|c| *c != ' ').collect();
    let digits = |n: usize| compact.len() == n && compact.chars().all(|c| c.is_ascii_digit());
    let letter = |c: char, allowed: &str| allowed.contains(c);
    let normalised = match country {
        "FR" | "DE" | "IT" => digits(5).then(|| compact.clone()),
        "ES" => (digits(5) && (1..=52).contains(&compact[..2].parse::<u32>().unwrap_or(0))).then(|| compact.clone()),
        "US" => {
            let (zip, plus4) = compact.split_once('-').map_or((compact.as_str(), None), |(z, p)| (z, Some(p)));
            let zip_ok = zip.len() == 5 && zip.chars().all(|c| c.is_ascii_digit());
            let plus4_ok = plus4.is_none_or(|p| p.len() == 4 && p.chars().all(|c| c.is_ascii_digit()));
            (zip_ok && plus4_ok).then(|| compact.clone())
        }
        "CA" => {
            let c: Vec<char> = compact.chars().collect();
            let first = "ABCEGHJKLMNPRSTVXY";
            let other = "ABCEGHJKLMNPRSTVWXYZ";
            (c.len() == 6
                && letter(c[0], first)
                && c[1].is_ascii_digit()
                && letter(c[2], other)
                && c[3].is_ascii_digit()
                && letter(c[4], other)
                && c[5].is_ascii_digit())
            .then(|| format!("{} {}", &compact[..3], &compact[3..]))
        }
        "GB" => {
            // Outward code (A9, A99, AA9, AA99, A9A, AA9A) + inward code (9AA).
            let valid = (5..=7).contains(&compact.len()) && {
                let (outward, inward) = compact.split_at(compact.len() - 3);
                let i: Vec<char> = inward.chars().collect();
                let o: Vec<char> = outward.chars().collect();
                let inward_ok = i[0].is_ascii_digit() && i[1].is_ascii_alphabetic() && i[2].is_ascii_alphabetic();
                let outward_ok = o[0].is_ascii_alphabetic()
                    && o.iter().skip(1).all(|c| c.is_ascii_alphanumeric())
                    && o.iter().any(|c| c.is_ascii_digit())
                    && (o.len() < 2 || o[1].is_ascii_alphanumeric());
                inward_ok && outward_ok
            };
            valid.then(|| format!("{} {}", &compact[..compact.len() - 3], &compact[compact.len() - 3..]))
        }
        _ => (code.len() <= 12 && code.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-')).then(|| code.clone()),
    };
    normalised.ok_or_else(|| invalid(field, "not a valid postal code for this country"))
}

/// A postal address as the API carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Address {
    /// Street and number.
    pub line1: String,
    /// Building, floor, etc.
    #[serde(default)]
    pub line2: Option<String>,
    /// Postal code, in the country's format.
    pub postal_code: String,
    /// City.
    pub city: String,
    /// ISO 3166-1 alpha-2 code.
    pub country_code: String,
}

impl Address {
    /// Validates every field (errors under `address.*`) and returns the normalised address.
    pub fn parse(self, errors: &mut Errors) -> Option<Address> {
        let line1 = errors.take(parse_line("address.line1", &self.line1, true));
        let line2 = match self.line2.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
            Some(l) => errors.take(parse_line("address.line2", l, false)).map(Some),
            None => Some(None),
        };
        let city = errors.take(parse_line("address.city", &self.city, true));
        let country = errors.take(parse_country("address.countryCode", &self.country_code));
        let postal = match &country {
            Some(c) => errors.take(parse_postal_code("address.postalCode", &self.postal_code, c)),
            None => None,
        };
        Some(Address { line1: line1?, line2: line2?, postal_code: postal?, city: city?, country_code: country? })
    }
}

fn parse_line(field: &str, raw: &str, mandatory: bool) -> Result<String, FieldError> {
    let line = raw.trim();
    if line.is_empty() && mandatory {
        return Err(required(field));
    }
    if line.chars().count() > 200 || line.chars().any(char::is_control) {
        return Err(invalid(field, "at most 200 characters, no control characters"));
    }
    Ok(line.to_string())
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
    pub address: Address,
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
    pub address: Address,
    /// Phone, E.164.
    pub phone: Option<String>,
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
    pub phone: Option<String>,
    /// Address.
    pub address: Option<Address>,
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
    pub address: Option<Address>,
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
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(Email::parse("email", "  Ana.Silva@Example.COM ").unwrap().as_str(), "ana.silva@example.com");
        for bad in [
            "",
            "ana",
            "ana@",
            "@example.com",
            "ana@example",
            "ana@@example.com",
            "ana @example.com",
            "ana@exa mple.com",
            "ana@.example.com",
        ] {
            assert!(Email::parse("email", bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn passwords_need_length_and_rarity() {
        assert_eq!(NewPassword::parse("password", "short-pass1", None).err().unwrap().code, "weak_password");
        assert_eq!(NewPassword::parse("password", "", None).err().unwrap().code, "required");
        assert_eq!(
            NewPassword::parse("password", "PasswordPassword", None).err().unwrap().code,
            "weak_password",
            "common, whatever the case"
        );
        assert_eq!(NewPassword::parse("password", "qwertyuiopasdfghjkl", None).err().unwrap().code, "weak_password");
        assert_eq!(NewPassword::parse("password", "ana.silva-2026!!", Some("ana.silva@example.com")).err().unwrap().code, "weak_password");
        assert!(NewPassword::parse("password", "violet-tractor-harbour-42", None).is_ok());
        assert_eq!(NewPassword::parse("password", &"x".repeat(129), None).err().unwrap().code, "invalid");
    }

    #[test]
    fn birth_dates_at_the_age_edges() {
        let today = date(2026, 3, 11);
        assert!(parse_birth_date("birthDate", "2008-03-11", today).is_ok(), "18 today");
        assert_eq!(parse_birth_date("birthDate", "2008-03-12", today).unwrap_err().code, "underage");
        assert!(parse_birth_date("birthDate", "1905-03-12", today).is_ok(), "120, turning 121 tomorrow");
        assert_eq!(parse_birth_date("birthDate", "1905-03-11", today).unwrap_err().code, "invalid", "121 today");
        assert_eq!(parse_birth_date("birthDate", "2026-03-12", today).unwrap_err().code, "in_future");
        assert_eq!(parse_birth_date("birthDate", "1990-02-30", today).unwrap_err().code, "invalid");
        assert_eq!(parse_birth_date("birthDate", "02/04/1990", today).unwrap_err().code, "invalid");
        assert_eq!(age_on(date(2000, 2, 29), date(2018, 2, 28)), 17);
        assert_eq!(age_on(date(2000, 2, 29), date(2018, 3, 1)), 18);
    }

    #[test]
    fn postal_codes_of_the_seven_markets() {
        let ok = [
            ("FR", "75001", "75001"),
            ("DE", "10115", "10115"),
            ("ES", "28013", "28013"),
            ("IT", "00184", "00184"),
            ("GB", "sw1a 1aa", "SW1A 1AA"),
            ("GB", "M11AE", "M1 1AE"),
            ("GB", "EC1A 1BB", "EC1A 1BB"),
            ("CA", "k1a0b1", "K1A 0B1"),
            ("US", "10001", "10001"),
            ("US", "10001-1234", "10001-1234"),
        ];
        for (country, raw, normalised) in ok {
            assert_eq!(parse_postal_code("p", raw, country).unwrap(), normalised, "{country} {raw}");
        }
        let bad = [
            ("FR", "7500"),
            ("DE", "1011A"),
            ("ES", "53001"),
            ("ES", "00001"),
            ("IT", "001844"),
            ("GB", "12345"),
            ("GB", "SW1A"),
            ("CA", "D1A 0B1"),
            ("CA", "12345"),
            ("US", "1234"),
            ("US", "10001-12"),
        ];
        for (country, raw) in bad {
            assert!(parse_postal_code("p", raw, country).is_err(), "{country} {raw} accepted");
        }
    }

    #[test]
    fn countries_and_phones() {
        assert_eq!(parse_country("c", "fr").unwrap(), "FR");
        assert!(parse_country("c", "XX").is_err() && parse_country("c", "FRA").is_err() && parse_country("c", "UK").is_err());
        assert_eq!(parse_phone("phone", "+33 6 12 34 56 78").unwrap(), "+33612345678");
        assert!(
            parse_phone("phone", "0612345678").is_err()
                && parse_phone("phone", "+0612345678").is_err()
                && parse_phone("phone", "+33abc").is_err()
        );
    }
}
