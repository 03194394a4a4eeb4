//! The reservation emails (DESIGN §5), in the client's language, with times on the agency's
//! clock and the agency named: booking confirmed (when payment confirms), modified, cancelled
//! with the refund, pickup reminder. Queued in the transaction of the change they announce.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Utc};
use sqlx::MySqlConnection;
use ycyw_auth::AccountProfile;
use ycyw_catalog::Catalog;
use ycyw_shared::domain::{CurrencyCode, Money};
use ycyw_shared::mail::{self, EmailJob, Locale, TemplateSource};

use super::Ctx;
use super::views::Lookup;
use crate::error::ReservationsError;
use crate::model::Reservation;

const CONFIRMED: TemplateSource = ycyw_shared::mail_template!("reservation_confirmed", "../../templates");
const MODIFIED: TemplateSource = ycyw_shared::mail_template!("reservation_modified", "../../templates");
const CANCELLED: TemplateSource = ycyw_shared::mail_template!("reservation_cancelled", "../../templates");
const REMINDER: TemplateSource = ycyw_shared::mail_template!("pickup_reminder", "../../templates");

/// Every template of the module (tests render each in both languages).
#[cfg(test)]
pub const TEMPLATES: [TemplateSource; 4] = [CONFIRMED, MODIFIED, CANCELLED, REMINDER];

/// Which email.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Email {
    /// Paid: the booking stands.
    Confirmed,
    /// Changed; with what was settled: `Some(refund)` for a cheaper change, `None` for an equal one
    /// or a paid difference.
    Modified {
        /// The difference refunded, if any.
        refund: Option<Money>,
        /// The difference paid, if any.
        paid: Option<Money>,
    },
    /// Cancelled, refunding `refund` (`percent` of `paid`).
    Cancelled {
        /// The refund.
        refund: Money,
        /// Its percentage.
        percent: u8,
        /// What had been paid.
        paid: Money,
    },
    /// The pickup is in less than 24 h.
    Reminder,
}

/// The client `user` as a recipient: read before the transaction that queues the email, so it
/// never waits for a second connection while holding locks.
pub async fn recipient(ctx: &Ctx, user: uuid::Uuid) -> Result<Option<AccountProfile>, ReservationsError> {
    Ok(ctx.accounts.profile(user).await?)
}

/// Queues `email` about `r` to `recipient` (its client, from [`recipient`]) through `conn`;
/// nothing when the account has no address any more (deleted).
pub async fn queue(
    conn: &mut MySqlConnection,
    ctx: &Ctx,
    lookup: &Lookup,
    r: &Reservation,
    recipient: Option<&AccountProfile>,
    email: Email,
    now: DateTime<Utc>,
) -> Result<(), ReservationsError> {
    let Some(profile) = recipient.filter(|p| p.id == r.user_id) else { return Ok(()) };
    let Some(job) = compose(ctx, lookup, r, profile, email)? else { return Ok(()) };
    mail::enqueue(conn, &job, now).await?;
    Ok(())
}

fn compose(
    ctx: &Ctx,
    lookup: &Lookup,
    r: &Reservation,
    profile: &AccountProfile,
    email: Email,
) -> Result<Option<EmailJob>, ReservationsError> {
    let (Some(to), true) = (profile.email.clone(), profile.is_active()) else { return Ok(None) };
    let locale = profile.locale;
    let pickup = lookup.agency(r.slot.pickup_agency_id)?;
    let back = lookup.agency(r.slot.return_agency_id)?;
    let category = lookup.category(r.slot.category.as_str())?;
    let mut params = BTreeMap::new();
    let mut set = |k: &str, v: String| {
        params.insert(k.to_string(), v);
    };
    set("first_name", r.driver.first_name.clone());
    set("reference", r.reference.to_string());
    set("category", format!("{} ({}) – {}", category.category, category.code, category.description));
    set("pickup_agency", pickup.name.clone());
    set("pickup_address", format!("{}, {} {}", pickup.address.line1, pickup.address.postal_code, pickup.address.city));
    set("pickup_phone", pickup.phone.clone());
    set("pickup_at", local_time(locale, Catalog::utc_to_local(pickup, r.slot.pickup_at), pickup.time_zone.name()));
    set("return_agency", back.name.clone());
    set("return_at", local_time(locale, Catalog::utc_to_local(back, r.slot.return_at), back.time_zone.name()));
    set("total", money(locale, r.price.total));
    set("link", ctx.state.settings.public_url.join(&format!("reservations/{}", r.id)).map(|u| u.to_string()).unwrap_or_default());
    let source = match email {
        Email::Confirmed => CONFIRMED,
        Email::Modified { refund, paid } => {
            let settlement = match (locale, refund, paid) {
                (Locale::En, Some(m), _) => format!("The difference of {} is being refunded to your card.", money(locale, m)),
                (Locale::Fr, Some(m), _) => format!("La différence de {} est en cours de remboursement sur votre carte.", money(locale, m)),
                (Locale::En, None, Some(m)) => format!("Thank you for paying the difference of {}.", money(locale, m)),
                (Locale::Fr, None, Some(m)) => format!("Merci d'avoir réglé la différence de {}.", money(locale, m)),
                (Locale::En, None, None) => "The price is unchanged.".to_string(),
                (Locale::Fr, None, None) => "Le prix est inchangé.".to_string(),
            };
            set("settlement", settlement);
            MODIFIED
        }
        Email::Cancelled { refund, percent, paid } => {
            set("refund", money(locale, refund));
            set("refund_percent", percent.to_string());
            set("paid", money(locale, paid));
            CANCELLED
        }
        Email::Reminder => REMINDER,
    };
    EmailJob::compose(to, locale, &source, params).map(Some).map_err(|e| ReservationsError::Internal(e.into()))
}

const EN_DAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const FR_DAYS: [&str; 7] = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"];
const EN_MONTHS: [&str; 12] =
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const FR_MONTHS: [&str; 12] =
    ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"];

/// `Tuesday 8 December 2026, 10:00 (Europe/Paris)` / `mardi 8 décembre 2026, 10:00 (Europe/Paris)`.
pub fn local_time<Tz: chrono::TimeZone>(locale: Locale, at: DateTime<Tz>, zone: &str) -> String
where
    Tz::Offset: std::fmt::Display,
{
    let weekday = usize::try_from(at.weekday().num_days_from_monday()).unwrap_or(0);
    let month = usize::try_from(at.month0()).unwrap_or(0);
    let (days, months) = match locale {
        Locale::En => (EN_DAYS, EN_MONTHS),
        Locale::Fr => (FR_DAYS, FR_MONTHS),
    };
    let time = at.format("%H:%M");
    format!("{} {} {} {}, {time} ({zone})", days[weekday], at.day(), months[month], at.year())
}

/// `€1,234.50` in English, `1 234,50 €` in French (every currency we sell in has cents).
pub fn money(locale: Locale, amount: Money) -> String {
    let minor = amount.amount_minor.unsigned_abs();
    let sign = if amount.amount_minor < 0 { "-" } else { "" };
    let (units, cents) = (minor / 100, minor % 100);
    let symbol = match amount.currency {
        CurrencyCode::Eur => "€",
        CurrencyCode::Gbp => "£",
        CurrencyCode::Usd => "$",
        CurrencyCode::Cad => "CA$",
    };
    let grouped = |separator: &str| {
        let digits = units.to_string();
        let mut out = String::new();
        for (i, d) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push_str(separator);
            }
            out.push(d);
        }
        out
    };
    match locale {
        Locale::En => format!("{sign}{symbol}{}.{cents:02}", grouped(",")),
        Locale::Fr => format!("{sign}{},{cents:02}\u{a0}{symbol}", grouped("\u{202f}")),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use chrono_tz::Europe::Paris;

    use super::*;

    #[test]
    fn amounts_and_times_read_as_each_language_writes_them() {
        assert_eq!(money(Locale::En, Money::new(123_450, CurrencyCode::Eur)), "€1,234.50");
        assert_eq!(money(Locale::Fr, Money::new(123_450, CurrencyCode::Eur)), "1\u{202f}234,50\u{a0}€");
        assert_eq!(money(Locale::En, Money::new(5, CurrencyCode::Cad)), "CA$0.05");
        assert_eq!(money(Locale::En, Money::new(100_000_000, CurrencyCode::Gbp)), "£1,000,000.00");
        let at = Paris.with_ymd_and_hms(2026, 12, 8, 10, 0, 0).unwrap();
        assert_eq!(local_time(Locale::En, at, "Europe/Paris"), "Tuesday 8 December 2026, 10:00 (Europe/Paris)");
        assert_eq!(local_time(Locale::Fr, at, "Europe/Paris"), "mardi 8 décembre 2026, 10:00 (Europe/Paris)");
    }

    #[test]
    fn every_template_renders_in_both_languages() {
        let names = [
            "first_name",
            "reference",
            "category",
            "pickup_agency",
            "pickup_address",
            "pickup_phone",
            "pickup_at",
            "return_agency",
            "return_at",
            "total",
            "link",
            "settlement",
            "refund",
            "refund_percent",
            "paid",
        ];
        let params: BTreeMap<String, String> = names.iter().map(|n| (n.to_string(), format!("<{n}>"))).collect();
        for source in TEMPLATES {
            for locale in [Locale::En, Locale::Fr] {
                let r = mail::render_source(&source, locale, &params).unwrap();
                assert!(r.subject.contains("<reference>"), "{} {locale:?}: {}", source.name, r.subject);
                assert!(!r.text.contains("{{") && !r.html.contains("{{"), "{} {locale:?}", source.name);
                assert!(r.html.contains("&lt;first_name&gt;"), "{} {locale:?}", source.name);
            }
        }
    }
}
