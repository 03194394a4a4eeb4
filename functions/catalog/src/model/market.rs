//! The seven markets: the countries that have our agencies, each with the currency it prices in.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use ycyw_shared::domain::{self, CurrencyCode, InvalidValue};

/// A market we operate in: one of the seven countries that have our agencies, each pricing in
/// one currency. A catalog rule; a user may live in any [`domain::CountryCode`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum Market {
    /// France.
    Fr,
    /// Germany.
    De,
    /// Spain.
    Es,
    /// Italy.
    It,
    /// United Kingdom.
    Gb,
    /// Canada.
    Ca,
    /// United States.
    Us,
}

/// An ISO code written in the source, checked when compiling.
const fn iso(code: [u8; 2]) -> domain::CountryCode {
    match domain::CountryCode::from_ascii(code) {
        Some(country) => country,
        None => panic!("not an assigned ISO 3166-1 code"),
    }
}

impl Market {
    /// Every market.
    pub const ALL: [Market; 7] = [Market::Fr, Market::De, Market::Es, Market::It, Market::Gb, Market::Ca, Market::Us];

    /// The ISO code.
    pub fn as_str(self) -> &'static str {
        self.country().as_str()
    }

    /// The country of this market.
    pub const fn country(self) -> domain::CountryCode {
        match self {
            Market::Fr => const { iso(*b"FR") },
            Market::De => const { iso(*b"DE") },
            Market::Es => const { iso(*b"ES") },
            Market::It => const { iso(*b"IT") },
            Market::Gb => const { iso(*b"GB") },
            Market::Ca => const { iso(*b"CA") },
            Market::Us => const { iso(*b"US") },
        }
    }

    /// The currency agencies of this market price in.
    pub fn currency(self) -> CurrencyCode {
        match self {
            Market::Fr | Market::De | Market::Es | Market::It => CurrencyCode::Eur,
            Market::Gb => CurrencyCode::Gbp,
            Market::Ca => CurrencyCode::Cad,
            Market::Us => CurrencyCode::Usd,
        }
    }

    /// Parses an ISO code (any case) that is one of our markets.
    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        domain::CountryCode::parse(raw).and_then(Market::try_from)
    }
}

impl TryFrom<domain::CountryCode> for Market {
    type Error = InvalidValue;

    fn try_from(country: domain::CountryCode) -> Result<Self, Self::Error> {
        Market::ALL
            .into_iter()
            .find(|market| market.country() == country)
            .ok_or_else(|| InvalidValue::invalid("must be one of our markets: FR, DE, ES, IT, GB, CA, US"))
    }
}

impl From<Market> for domain::CountryCode {
    fn from(market: Market) -> Self {
        market.country()
    }
}

impl FromStr for Market {
    type Err = InvalidValue;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        Self::parse(raw)
    }
}

impl fmt::Display for Market {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markets_parse_convert_and_map_to_their_currency() {
        assert_eq!("fr".parse::<Market>(), Ok(Market::Fr));
        assert_eq!("GB".parse::<Market>().map(Market::currency), Ok(CurrencyCode::Gbp));
        assert_eq!(Market::Ca.currency(), CurrencyCode::Cad);
        assert_eq!(Market::Us.currency(), CurrencyCode::Usd);
        assert_eq!("BE".parse::<Market>().map_err(|e| e.code), Err("invalid"), "a country, not a market");
        assert_eq!("".parse::<Market>().map_err(|e| e.code), Err("required"));
        assert_eq!(serde_json::to_string(&Market::Gb).unwrap(), "\"GB\"");
        for market in Market::ALL {
            let country = domain::CountryCode::from(market);
            assert_eq!((country.as_str(), Market::try_from(country)), (market.as_str(), Ok(market)));
        }
    }
}
