//! The simulator's objects, and how each renders as the Stripe object: a copy of Stripe's own
//! example (`fixtures/stripe-objects.json`, from Stripe's OpenAPI fixtures) with the fields the
//! requests decided set, and fields that would claim features we never use (adaptive pricing,
//! shipping, taxes…) neutralised, so async-stripe deserialises real shapes.

use std::collections::BTreeMap;

use anyhow::Context;
use rand::Rng;
use rand::distr::Alphanumeric;
use serde_json::{Map, Value, json};

const FIXTURES: &str = include_str!("../fixtures/stripe-objects.json");

/// Stripe's example objects, parsed once at start.
#[derive(Clone, Debug)]
pub(crate) struct Fixtures {
    session: Map<String, Value>,
    payment_intent: Map<String, Value>,
    charge: Map<String, Value>,
    refund: Map<String, Value>,
    event: Map<String, Value>,
}

impl Fixtures {
    /// Parses the embedded fixtures (a start-up step: an error here is a build mistake).
    pub(crate) fn load() -> anyhow::Result<Self> {
        let all: Map<String, Value> = serde_json::from_str(FIXTURES).context("parsing stripe-objects.json")?;
        let object = |name: &str| -> anyhow::Result<Map<String, Value>> {
            match all.get(name) {
                Some(Value::Object(map)) => Ok(map.clone()),
                _ => anyhow::bail!("stripe-objects.json has no `{name}` object"),
            }
        };
        Ok(Self {
            session: object("checkout.session")?,
            payment_intent: object("payment_intent")?,
            charge: object("charge")?,
            refund: object("refund")?,
            event: object("event")?,
        })
    }
}

/// A new Stripe-looking id: `prefix` then `len` random letters and digits.
pub(crate) fn new_id(prefix: &str, len: usize) -> String {
    let random: String = rand::rng().sample_iter(Alphanumeric).take(len).map(char::from).collect();
    format!("{prefix}{random}")
}

/// `checkout.session.status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SessionStatus {
    Open,
    Complete,
    Expired,
}

impl SessionStatus {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            SessionStatus::Open => "open",
            SessionStatus::Complete => "complete",
            SessionStatus::Expired => "expired",
        }
    }
}

/// One `line_items[n]` with inline `price_data`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct LineItem {
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) unit_amount: i64,
    pub(crate) quantity: i64,
}

/// A Checkout Session.
#[derive(Clone, Debug)]
pub(crate) struct Session {
    pub(crate) id: String,
    pub(crate) created: i64,
    pub(crate) expires_at: i64,
    pub(crate) status: SessionStatus,
    pub(crate) currency: String,
    pub(crate) line_items: Vec<LineItem>,
    pub(crate) metadata: BTreeMap<String, String>,
    pub(crate) client_reference_id: Option<String>,
    pub(crate) customer_email: Option<String>,
    pub(crate) locale: Option<String>,
    pub(crate) success_url: Option<String>,
    pub(crate) cancel_url: Option<String>,
    pub(crate) payment_intent: Option<String>,
    pub(crate) payment_intent_metadata: BTreeMap<String, String>,
    pub(crate) payment_intent_description: Option<String>,
}

impl Session {
    pub(crate) fn amount_total(&self) -> i64 {
        self.line_items.iter().map(|item| item.unit_amount.saturating_mul(item.quantity)).fold(0, i64::saturating_add)
    }

    /// `success_url` with `{CHECKOUT_SESSION_ID}` replaced, as Stripe redirects.
    pub(crate) fn success_redirect(&self) -> Option<String> {
        self.success_url.as_ref().map(|url| url.replace("{CHECKOUT_SESSION_ID}", &self.id))
    }

    /// `cancel_url` with `{CHECKOUT_SESSION_ID}` replaced.
    pub(crate) fn cancel_redirect(&self) -> Option<String> {
        self.cancel_url.as_ref().map(|url| url.replace("{CHECKOUT_SESSION_ID}", &self.id))
    }

    /// The rendered `checkout.session`; `public_url` is where the hosted page is served.
    pub(crate) fn render(&self, fixtures: &Fixtures, public_url: &str) -> Value {
        let mut o = fixtures.session.clone();
        let amount = self.amount_total();
        let open = self.status == SessionStatus::Open;
        let paid = self.status == SessionStatus::Complete;
        let customer_details = if paid {
            let mut details = o.get("customer_details").cloned().unwrap_or_else(|| json!({}));
            if let Some(map) = details.as_object_mut() {
                map.insert("email".into(), json!(self.customer_email));
                map.insert("name".into(), Value::Null);
            }
            details
        } else {
            Value::Null
        };
        let fields = [
            ("id", json!(self.id)),
            ("object", json!("checkout.session")),
            ("created", json!(self.created)),
            ("expires_at", json!(self.expires_at)),
            ("livemode", json!(false)),
            ("mode", json!("payment")),
            ("status", json!(self.status.as_str())),
            ("payment_status", json!(if paid { "paid" } else { "unpaid" })),
            ("amount_subtotal", json!(amount)),
            ("amount_total", json!(amount)),
            ("currency", json!(self.currency)),
            ("metadata", json!(self.metadata)),
            ("client_reference_id", json!(self.client_reference_id)),
            ("customer_email", json!(self.customer_email)),
            ("customer_details", customer_details),
            ("customer_creation", json!("if_required")),
            ("locale", json!(self.locale)),
            ("success_url", json!(self.success_url)),
            ("cancel_url", json!(self.cancel_url)),
            ("url", if open { json!(format!("{public_url}/checkout/{}", self.id)) } else { Value::Null }),
            ("payment_intent", json!(self.payment_intent)),
            // What the fixture shows of features this integration never turns on.
            ("adaptive_pricing", json!({ "enabled": false })),
            ("after_expiration", Value::Null),
            ("automatic_tax", json!({ "enabled": false, "liability": null, "provider": null, "status": null })),
            ("collected_information", Value::Null),
            ("consent", Value::Null),
            ("consent_collection", Value::Null),
            ("currency_conversion", Value::Null),
            (
                "custom_text",
                json!({ "after_submit": null, "shipping_address": null, "submit": null,
                        "terms_of_service_acceptance": null }),
            ),
            ("invoice_creation", Value::Null),
            ("managed_payments", Value::Null),
            ("payment_method_configuration_details", Value::Null),
            ("permissions", Value::Null),
            ("saved_payment_method_options", Value::Null),
            ("shipping_address_collection", Value::Null),
            ("shipping_cost", Value::Null),
            ("total_details", json!({ "amount_discount": 0, "amount_shipping": 0, "amount_tax": 0 })),
        ];
        for (key, value) in fields {
            o.insert(key.into(), value);
        }
        Value::Object(o)
    }
}

/// A succeeded PaymentIntent (created when a session is paid).
#[derive(Clone, Debug)]
pub(crate) struct PaymentIntent {
    pub(crate) id: String,
    pub(crate) created: i64,
    pub(crate) amount: i64,
    pub(crate) currency: String,
    pub(crate) metadata: BTreeMap<String, String>,
    pub(crate) description: Option<String>,
    pub(crate) latest_charge: String,
    pub(crate) payment_method: String,
    pub(crate) client_secret: String,
}

impl PaymentIntent {
    pub(crate) fn render(&self, fixtures: &Fixtures) -> Value {
        let mut o = fixtures.payment_intent.clone();
        let fields = [
            ("id", json!(self.id)),
            ("object", json!("payment_intent")),
            ("created", json!(self.created)),
            ("livemode", json!(false)),
            ("amount", json!(self.amount)),
            ("amount_capturable", json!(0)),
            ("amount_received", json!(self.amount)),
            ("currency", json!(self.currency)),
            ("metadata", json!(self.metadata)),
            ("description", json!(self.description)),
            ("status", json!("succeeded")),
            ("latest_charge", json!(self.latest_charge)),
            ("payment_method", json!(self.payment_method)),
            ("client_secret", json!(self.client_secret)),
            ("canceled_at", Value::Null),
            ("cancellation_reason", Value::Null),
            ("last_payment_error", Value::Null),
            ("next_action", Value::Null),
            ("processing", Value::Null),
            ("automatic_payment_methods", Value::Null),
            ("managed_payments", Value::Null),
            ("payment_method_configuration_details", Value::Null),
            ("shipping", Value::Null),
            ("transfer_data", Value::Null),
        ];
        for (key, value) in fields {
            o.insert(key.into(), value);
        }
        Value::Object(o)
    }
}

/// The card charge of a paid session.
#[derive(Clone, Debug)]
pub(crate) struct Charge {
    pub(crate) id: String,
    pub(crate) created: i64,
    pub(crate) amount: i64,
    pub(crate) currency: String,
    pub(crate) payment_intent: String,
    pub(crate) metadata: BTreeMap<String, String>,
    pub(crate) description: Option<String>,
    pub(crate) billing_email: Option<String>,
    pub(crate) payment_method: String,
    pub(crate) balance_transaction: String,
    pub(crate) amount_refunded: i64,
    /// Newest first, as Stripe lists them.
    pub(crate) refunds: Vec<String>,
}

impl Charge {
    pub(crate) fn remaining(&self) -> i64 {
        self.amount - self.amount_refunded
    }

    /// The rendered `charge`, with `refunds` (already rendered, newest first).
    pub(crate) fn render(&self, fixtures: &Fixtures, refunds: Vec<Value>) -> Value {
        let mut o = fixtures.charge.clone();
        let mut billing = o.get("billing_details").cloned().unwrap_or_else(|| json!({}));
        if let Some(map) = billing.as_object_mut() {
            map.insert("email".into(), json!(self.billing_email));
            map.insert("name".into(), Value::Null);
        }
        let mut card_details = o.get("payment_method_details").cloned().unwrap_or(Value::Null);
        if let Some(card) = card_details.get_mut("card").and_then(Value::as_object_mut) {
            card.insert("amount_authorized".into(), json!(self.amount));
            if let Some(overcapture) = card.get_mut("overcapture").and_then(Value::as_object_mut) {
                overcapture.insert("maximum_amount_capturable".into(), json!(self.amount));
            }
            card.insert("wallet".into(), Value::Null);
        }
        let fields = [
            ("id", json!(self.id)),
            ("object", json!("charge")),
            ("created", json!(self.created)),
            ("livemode", json!(false)),
            ("amount", json!(self.amount)),
            ("amount_captured", json!(self.amount)),
            ("amount_refunded", json!(self.amount_refunded)),
            ("captured", json!(true)),
            ("paid", json!(true)),
            ("status", json!("succeeded")),
            ("refunded", json!(self.amount_refunded >= self.amount)),
            (
                "refunds",
                json!({ "object": "list", "data": refunds, "has_more": false,
                        "url": format!("/v1/charges/{}/refunds", self.id) }),
            ),
            ("currency", json!(self.currency)),
            ("payment_intent", json!(self.payment_intent)),
            ("payment_method", json!(self.payment_method)),
            ("payment_method_details", card_details),
            ("metadata", json!(self.metadata)),
            ("description", json!(self.description)),
            ("billing_details", billing),
            ("balance_transaction", json!(self.balance_transaction)),
            (
                "outcome",
                json!({ "advice_code": null, "network_advice_code": null, "network_decline_code": null,
                        "network_status": "approved_by_network", "reason": null, "risk_level": "normal",
                        "risk_score": 20, "seller_message": "Payment complete.", "type": "authorized" }),
            ),
            ("receipt_url", Value::Null),
            ("shipping", Value::Null),
            ("source", Value::Null),
            ("transfer_data", Value::Null),
        ];
        for (key, value) in fields {
            o.insert(key.into(), value);
        }
        Value::Object(o)
    }
}

/// A refund (always `succeeded`: card refunds in test mode are).
#[derive(Clone, Debug)]
pub(crate) struct Refund {
    pub(crate) id: String,
    pub(crate) created: i64,
    pub(crate) amount: i64,
    pub(crate) currency: String,
    pub(crate) charge: String,
    pub(crate) payment_intent: String,
    pub(crate) metadata: BTreeMap<String, String>,
    pub(crate) reason: Option<String>,
    pub(crate) balance_transaction: String,
}

impl Refund {
    pub(crate) fn render(&self, fixtures: &Fixtures) -> Value {
        let mut o = fixtures.refund.clone();
        let fields = [
            ("id", json!(self.id)),
            ("object", json!("refund")),
            ("created", json!(self.created)),
            ("amount", json!(self.amount)),
            ("currency", json!(self.currency)),
            ("charge", json!(self.charge)),
            ("payment_intent", json!(self.payment_intent)),
            ("metadata", json!(self.metadata)),
            ("reason", json!(self.reason)),
            ("status", json!("succeeded")),
            ("balance_transaction", json!(self.balance_transaction)),
        ];
        for (key, value) in fields {
            o.insert(key.into(), value);
        }
        Value::Object(o)
    }
}

/// What caused an event: the API request (`request.id`, `request.idempotency_key`), or nothing
/// (the hosted page, the expiry ticker, the admin endpoints).
#[derive(Clone, Debug, Default)]
pub(crate) struct Cause {
    pub(crate) request_id: Option<String>,
    pub(crate) idempotency_key: Option<String>,
}

/// The envelope of an event.
pub(crate) struct EventMeta<'a> {
    pub(crate) id: &'a str,
    pub(crate) event_type: &'a str,
    pub(crate) created: i64,
    pub(crate) api_version: Option<&'a str>,
    pub(crate) pending_webhooks: i64,
    pub(crate) cause: &'a Cause,
}

/// The rendered `event` around `object`.
pub(crate) fn render_event(fixtures: &Fixtures, meta: &EventMeta<'_>, object: Value, previous: Option<Value>) -> Value {
    let mut o = fixtures.event.clone();
    let mut data = json!({ "object": object });
    if let (Some(previous), Some(map)) = (previous, data.as_object_mut()) {
        map.insert("previous_attributes".into(), previous);
    }
    let fields = [
        ("id", json!(meta.id)),
        ("object", json!("event")),
        ("type", json!(meta.event_type)),
        ("created", json!(meta.created)),
        ("livemode", json!(false)),
        ("api_version", json!(meta.api_version)),
        ("data", data),
        ("pending_webhooks", json!(meta.pending_webhooks)),
        ("request", json!({ "id": meta.cause.request_id, "idempotency_key": meta.cause.idempotency_key })),
    ];
    for (key, value) in fields {
        o.insert(key.into(), value);
    }
    Value::Object(o)
}

/// Minor units per major unit of `currency` (Stripe's zero-decimal currencies have none).
pub(crate) fn minor_digits(currency: &str) -> u32 {
    const ZERO_DECIMAL: [&str; 16] =
        ["bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf"];
    if ZERO_DECIMAL.contains(&currency) { 0 } else { 2 }
}

/// `4500`, `eur` → `€45.00`; unknown currencies show their code: `CHF 45.00`.
pub(crate) fn format_amount(amount: i64, currency: &str) -> String {
    let digits = minor_digits(currency);
    let sign = if amount < 0 { "-" } else { "" };
    let abs = amount.unsigned_abs();
    let number = if digits == 0 {
        abs.to_string()
    } else {
        let unit = 10u64.pow(digits);
        format!("{}.{:0width$}", abs / unit, abs % unit, width = digits as usize)
    };
    let symbol = match currency {
        "eur" => "€",
        "usd" => "$",
        "gbp" => "£",
        "cad" => "CA$",
        "jpy" => "¥",
        _ => "",
    };
    if symbol.is_empty() { format!("{sign}{} {number}", currency.to_uppercase()) } else { format!("{sign}{symbol}{number}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_show_with_the_currency() {
        assert_eq!(format_amount(4500, "eur"), "€45.00");
        assert_eq!(format_amount(5, "usd"), "$0.05");
        assert_eq!(format_amount(123456, "cad"), "CA$1234.56");
        assert_eq!(format_amount(1200, "jpy"), "¥1200");
        assert_eq!(format_amount(990, "chf"), "CHF 9.90");
    }

    #[test]
    fn fixtures_load_and_ids_look_like_stripe_ids() {
        let fixtures = Fixtures::load().unwrap();
        assert_eq!(fixtures.session["object"], "checkout.session");
        let id = new_id("pi_", 24);
        assert!(id.starts_with("pi_") && id.len() == 27 && id[3..].chars().all(|c| c.is_ascii_alphanumeric()));
    }

    #[test]
    fn an_open_session_renders_its_hosted_page_url_and_amounts() {
        let fixtures = Fixtures::load().unwrap();
        let session = Session {
            id: "cs_test_1".into(),
            created: 100,
            expires_at: 2000,
            status: SessionStatus::Open,
            currency: "eur".into(),
            line_items: vec![LineItem { name: "Car".into(), description: None, unit_amount: 1500, quantity: 3 }],
            metadata: BTreeMap::from([("reservation_id".into(), "r1".into())]),
            client_reference_id: Some("r1".into()),
            customer_email: None,
            locale: None,
            success_url: Some("http://app/ok?session_id={CHECKOUT_SESSION_ID}".into()),
            cancel_url: None,
            payment_intent: None,
            payment_intent_metadata: BTreeMap::new(),
            payment_intent_description: None,
        };
        let value = session.render(&fixtures, "http://sim");
        assert_eq!(value["url"], "http://sim/checkout/cs_test_1");
        assert_eq!(value["amount_total"], 4500);
        assert_eq!(value["payment_intent"], Value::Null);
        assert_eq!(value["metadata"]["reservation_id"], "r1");
        assert_eq!(session.success_redirect().unwrap(), "http://app/ok?session_id=cs_test_1");
    }
}
