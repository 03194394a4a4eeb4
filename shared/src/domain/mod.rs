//! The vocabulary every module speaks: email addresses, phone numbers, countries, postal
//! addresses, currencies and money, pages of a list, and the field errors a request is refused
//! with. Parse, don't validate: each type is built by a total parser (`parse`, `FromStr`,
//! `TryFrom`) that never panics, whatever the input, so a value of it is valid by construction
//! and services never check it again. A module's own rules (ACRISS codes, markets, passwords)
//! stay in that module.
//!
//! - [`email`]: email addresses, [`Email`].
//! - [`phone`]: phone numbers in E.164 form, [`Phone`].
//! - [`country`]: ISO 3166-1 alpha-2 countries, [`CountryCode`].
//! - [`address`]: [`PostalAddress`], its request shape [`PostalAddressInput`], [`PostalCode`].
//! - [`money`]: [`CurrencyCode`], [`Money`], [`MoneyInput`].
//! - [`page`]: [`Page`], [`PageQuery`], [`Pagination`] and opaque cursors.
//! - [`text`]: single lines of text (names, address lines).
//! - [`errors`]: [`InvalidValue`] and the [`FieldErrors`] collector behind every 422.

pub mod address;
pub mod country;
pub mod email;
pub mod errors;
pub mod money;
pub mod page;
pub mod phone;
pub mod text;

pub use address::{PostalAddress, PostalAddressInput, PostalCode, PostalCodeRule};
pub use country::CountryCode;
pub use email::Email;
pub use errors::{FieldErrors, InvalidValue};
pub use money::{CurrencyCode, Money, MoneyInput};
pub use page::{Page, PageQuery, Pagination};
pub use phone::Phone;
pub use text::{optional_line, single_line};

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

/// The OpenAPI schema of a value serialized as one string; see [`string_schema!`](crate::string_schema).
pub fn string_schema(description: &str, pattern: Option<&str>, example: &str) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
        .pattern(pattern)
        .examples([serde_json::Value::String(example.to_string())])
        .into()
}

/// Implements `utoipa::ToSchema` for a type serialized as one string:
/// `string_schema!(AgencyCode, "Agency code", Some("^[A-Z]{3}-[A-Z0-9]{2,6}$"), "PAR-GDL");`
#[macro_export]
macro_rules! string_schema {
    ($ty:ty, $description:expr, $pattern:expr, $example:expr) => {
        impl ::utoipa::PartialSchema for $ty {
            fn schema() -> ::utoipa::openapi::RefOr<::utoipa::openapi::schema::Schema> {
                $crate::domain::string_schema($description, $pattern, $example)
            }
        }
        impl ::utoipa::ToSchema for $ty {}
    };
}

/// What every string-backed value type of this module has, given its inherent `as_str`: display,
/// `AsRef<str>`/`Deref<Target = str>` for reading, JSON as a plain string, and binding as a SQL
/// string (there is no `Decode`: rows are parsed again, like any other input).
macro_rules! text_value {
    ($ty:ty) => {
        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl ::std::ops::Deref for $ty {
            type Target = str;

            fn deref(&self) -> &str {
                self.as_str()
            }
        }

        impl From<$ty> for String {
            fn from(value: $ty) -> String {
                value.as_str().to_string()
            }
        }

        impl ::serde::Serialize for $ty {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl ::sqlx::Type<::sqlx::MySql> for $ty {
            fn type_info() -> ::sqlx::mysql::MySqlTypeInfo {
                <str as ::sqlx::Type<::sqlx::MySql>>::type_info()
            }

            fn compatible(ty: &::sqlx::mysql::MySqlTypeInfo) -> bool {
                <str as ::sqlx::Type<::sqlx::MySql>>::compatible(ty)
            }
        }

        impl ::sqlx::Encode<'_, ::sqlx::MySql> for $ty {
            fn encode_by_ref(&self, buf: &mut Vec<u8>) -> Result<::sqlx::encode::IsNull, ::sqlx::error::BoxDynError> {
                <&str as ::sqlx::Encode<'_, ::sqlx::MySql>>::encode(self.as_str(), buf)
            }
        }
    };
}

/// `FromStr`, `TryFrom<&str>` and a `Deserialize` that refuses what `parse` refuses, for value
/// types parsed from the text alone.
macro_rules! parsed_from_str {
    ($ty:ty) => {
        impl ::std::str::FromStr for $ty {
            type Err = $crate::domain::InvalidValue;

            fn from_str(raw: &str) -> Result<Self, Self::Err> {
                Self::parse(raw)
            }
        }

        impl TryFrom<&str> for $ty {
            type Error = $crate::domain::InvalidValue;

            fn try_from(raw: &str) -> Result<Self, Self::Error> {
                Self::parse(raw)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $ty {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let raw = <String as ::serde::Deserialize>::deserialize(deserializer)?;
                Self::parse(&raw).map_err(::serde::de::Error::custom)
            }
        }
    };
}

pub(crate) use {parsed_from_str, text_value};

/// Test inputs shared by the parsers' property tests.
#[cfg(test)]
pub(crate) mod fuzz {
    /// Multi-byte characters (2, 3 and 4 UTF-8 bytes, and a combining mark) to insert.
    pub const WIDE: [&str; 4] = ["É", "日", "🚗", "\u{301}"];

    /// `valid` with each of [`WIDE`] inserted at every character boundary.
    pub fn spliced(valid: &str) -> Vec<String> {
        let boundaries = valid.char_indices().map(|(i, _)| i).chain([valid.len()]);
        boundaries.flat_map(|i| WIDE.map(|wide| format!("{}{wide}{}", &valid[..i], &valid[i..]))).collect()
    }
}
