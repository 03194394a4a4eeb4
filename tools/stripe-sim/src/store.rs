//! The simulator's state and the Stripe rules over it: plain data and functions of `now`, no I/O
//! (the HTTP layer, the ticker and the webhook lanes call these under one lock).

use std::collections::{BTreeMap, HashMap, VecDeque};

use serde_json::{Value, json};

use crate::error::{ApiError, SimError};
use crate::form::Params;
use crate::model::{
    Cause, Charge, EventMeta, Fixtures, LineItem, PaymentIntent, Refund, Session, SessionStatus, format_amount, new_id, render_event,
};
use crate::records::{DeliveryAttempt, DeliveryStatus, EventRecord, Fault, RequestRecord};

/// Stripe's bounds on `expires_at`, from the session's creation.
const MIN_EXPIRY_SECS: i64 = 30 * 60;
const MAX_EXPIRY_SECS: i64 = 24 * 60 * 60;

/// Session params the simulator implements.
const SESSION_PARAMS: &[&str] = &[
    "mode",
    "line_items",
    "client_reference_id",
    "metadata",
    "customer_email",
    "expires_at",
    "success_url",
    "cancel_url",
    "payment_intent_data",
    "locale",
    "ui_mode",
    "payment_method_types",
    "submit_type",
    "billing_address_collection",
    "customer_creation",
    "expand",
];

/// Real Stripe session params the simulator does not implement (a clear 400, not "unknown").
const SESSION_PARAMS_UNSUPPORTED: &[&str] = &[
    "adaptive_pricing",
    "after_expiration",
    "allow_promotion_codes",
    "automatic_tax",
    "branding_settings",
    "consent_collection",
    "currency",
    "custom_fields",
    "custom_text",
    "customer",
    "customer_account",
    "customer_update",
    "discounts",
    "excluded_payment_method_types",
    "invoice_creation",
    "name_collection",
    "optional_items",
    "origin_context",
    "payment_method_collection",
    "payment_method_configuration",
    "payment_method_data",
    "payment_method_options",
    "permissions",
    "phone_number_collection",
    "redirect_on_completion",
    "return_url",
    "saved_payment_method_options",
    "setup_intent_data",
    "shipping_address_collection",
    "shipping_options",
    "subscription_data",
    "tax_id_collection",
    "wallet_options",
];

const REFUND_PARAMS: &[&str] = &["payment_intent", "charge", "amount", "metadata", "reason", "expand"];
const REFUND_PARAMS_UNSUPPORTED: &[&str] =
    &["currency", "customer", "instructions_email", "origin", "refund_application_fee", "reverse_transfer"];

/// An idempotent answer kept for replay.
#[derive(Clone, Debug)]
pub(crate) struct StoredResponse {
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) params: Value,
    pub(crate) status: u16,
    pub(crate) body: Vec<u8>,
    pub(crate) request_id: String,
}

/// Everything the simulator knows.
pub(crate) struct State {
    pub(crate) fixtures: Fixtures,
    pub(crate) public_url: String,
    pub(crate) api_version: Option<String>,
    pub(crate) webhook_url: Option<String>,
    sessions: HashMap<String, Session>,
    payment_intents: HashMap<String, PaymentIntent>,
    charges: HashMap<String, Charge>,
    refunds: HashMap<String, Refund>,
    events: Vec<EventRecord>,
    event_index: HashMap<String, usize>,
    pub(crate) requests: Vec<RequestRecord>,
    /// By (API key, `Idempotency-Key`).
    pub(crate) idempotency: HashMap<(String, String), StoredResponse>,
    pub(crate) faults: VecDeque<Fault>,
    /// Events emitted and not yet handed to their delivery lane: (lane, event id).
    pub(crate) outbox: Vec<(String, String)>,
}

/// What paying a session produced.
#[derive(Clone, Debug)]
pub(crate) struct Paid {
    pub(crate) session: Value,
    pub(crate) redirect: Option<String>,
}

impl State {
    pub(crate) fn new(fixtures: Fixtures, public_url: String, api_version: Option<String>, webhook_url: Option<String>) -> Self {
        Self {
            fixtures,
            public_url,
            api_version,
            webhook_url,
            sessions: HashMap::new(),
            payment_intents: HashMap::new(),
            charges: HashMap::new(),
            refunds: HashMap::new(),
            events: Vec::new(),
            event_index: HashMap::new(),
            requests: Vec::new(),
            idempotency: HashMap::new(),
            faults: VecDeque::new(),
            outbox: Vec::new(),
        }
    }

    // ---- Checkout Sessions -------------------------------------------------------------------

    /// `POST /v1/checkout/sessions`.
    pub(crate) fn create_session(&mut self, params: &Value, now: i64) -> Result<Value, ApiError> {
        let p = Params::root(params);
        if let Some(key) = unknown_key(params, SESSION_PARAMS) {
            return Err(if SESSION_PARAMS_UNSUPPORTED.contains(&key) {
                ApiError::unsupported(key, "this Checkout Session parameter")
            } else {
                ApiError::unknown_param(key)
            });
        }
        match p.opt_str("mode")? {
            None | Some("") => return Err(ApiError::missing("mode")),
            Some("payment") => {}
            Some(mode @ ("setup" | "subscription")) => return Err(ApiError::unsupported("mode", &format!("mode={mode}"))),
            Some(other) => return Err(ApiError::invalid(format!("Invalid mode: {other}"), "mode")),
        }
        if let Some(ui_mode) = p.opt_str("ui_mode")?
            && ui_mode != "hosted"
        {
            return Err(ApiError::unsupported("ui_mode", &format!("ui_mode={ui_mode}")));
        }
        let (line_items, currency) = parse_line_items(&p)?;
        let session_id = new_id("cs_test_", 58);
        let expires_at = match p.opt_int("expires_at")? {
            None => now + MAX_EXPIRY_SECS,
            Some(at) if at < now + MIN_EXPIRY_SECS => {
                return Err(ApiError::invalid(
                    "The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation.",
                    "expires_at",
                ));
            }
            Some(at) if at > now + MAX_EXPIRY_SECS => {
                return Err(ApiError::invalid(
                    "The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.",
                    "expires_at",
                ));
            }
            Some(at) => at,
        };
        let customer_email = p.opt_str("customer_email")?.filter(|s| !s.is_empty());
        if let Some(email) = customer_email
            && !looks_like_email(email)
        {
            return Err(ApiError::invalid(format!("Invalid email address: {email}"), "customer_email").with_code("email_invalid"));
        }
        let client_reference_id = p.opt_str("client_reference_id")?.filter(|s| !s.is_empty());
        if client_reference_id.is_some_and(|id| id.chars().count() > 200) {
            return Err(ApiError::invalid("client_reference_id must be at most 200 characters.", "client_reference_id"));
        }
        let success_url = optional_url(&p, "success_url")?;
        let cancel_url = optional_url(&p, "cancel_url")?;
        let metadata = parse_metadata(&p, "metadata")?;
        let pi_data = p.child("payment_intent_data");
        let pi_data = pi_data.params();
        pi_data.only(&[
            "metadata",
            "description",
            "statement_descriptor",
            "statement_descriptor_suffix",
            "capture_method",
            "setup_future_usage",
            "receipt_email",
            "transfer_group",
            "on_behalf_of",
            "application_fee_amount",
            "transfer_data",
            "shipping",
        ])?;
        for unsupported in ["setup_future_usage", "on_behalf_of", "application_fee_amount", "transfer_data", "shipping"] {
            if pi_data.child(unsupported).params().is_present() {
                return Err(ApiError::unsupported(&format!("payment_intent_data[{unsupported}]"), "this parameter"));
            }
        }
        if let Some(method) = pi_data.opt_str("capture_method")?
            && !matches!(method, "automatic" | "automatic_async")
        {
            return Err(ApiError::unsupported("payment_intent_data[capture_method]", &format!("capture_method={method}")));
        }
        let payment_intent_metadata = parse_metadata(&pi_data, "metadata")?;
        let payment_intent_description = pi_data.opt_str("description")?.map(str::to_owned);
        let expand = p.string_list("expand")?;

        let session = Session {
            id: session_id.clone(),
            created: now,
            expires_at,
            status: SessionStatus::Open,
            currency,
            line_items,
            metadata,
            client_reference_id: client_reference_id.map(str::to_owned),
            customer_email: customer_email.map(str::to_owned),
            locale: p.opt_str("locale")?.map(str::to_owned),
            success_url,
            cancel_url,
            payment_intent: None,
            payment_intent_metadata,
            payment_intent_description,
        };
        check_minimum_amount(&session)?;
        let mut rendered = session.render(&self.fixtures, &self.public_url);
        self.expand(&mut rendered, &expand)?;
        self.sessions.insert(session_id, session);
        Ok(rendered)
    }

    /// `GET /v1/checkout/sessions/{id}`.
    pub(crate) fn session_object(&self, id: &str, params: &Value) -> Result<Value, ApiError> {
        let session = self.sessions.get(id).ok_or_else(|| ApiError::no_such("checkout.session", id))?;
        self.rendered_with_expand(session.render(&self.fixtures, &self.public_url), params)
    }

    /// The session itself (hosted page).
    pub(crate) fn session(&self, id: &str) -> Option<&Session> {
        self.sessions.get(id)
    }

    /// `open` → `expired`, with `checkout.session.expired`.
    pub(crate) fn expire_session(&mut self, id: &str, now: i64, cause: &Cause) -> Result<Value, SimError> {
        let session = self.sessions.get_mut(id).ok_or_else(|| SimError::NotFound { object: "checkout.session", id: id.into() })?;
        if session.status != SessionStatus::Open {
            return Err(SimError::NotOpen { id: id.into(), status: session.status.as_str().into() });
        }
        session.status = SessionStatus::Expired;
        let rendered = session.render(&self.fixtures, &self.public_url);
        self.emit("checkout.session.expired", rendered.clone(), None, now, cause);
        Ok(rendered)
    }

    /// Expires every open session whose `expires_at` has passed (the background ticker).
    pub(crate) fn expire_due(&mut self, now: i64) -> Vec<String> {
        let mut due: Vec<(i64, String)> = self
            .sessions
            .values()
            .filter(|s| s.status == SessionStatus::Open && s.expires_at <= now)
            .map(|s| (s.expires_at, s.id.clone()))
            .collect();
        due.sort();
        due.into_iter().filter_map(|(_, id)| self.expire_session(&id, now, &Cause::default()).ok().map(|_| id)).collect()
    }

    /// The customer pays: a succeeded PaymentIntent and Charge, the session `complete`/`paid`,
    /// `checkout.session.completed`. A session past `expires_at` expires instead.
    pub(crate) fn pay_session(&mut self, id: &str, now: i64) -> Result<Paid, SimError> {
        let session = self.sessions.get(id).ok_or_else(|| SimError::NotFound { object: "checkout.session", id: id.into() })?;
        if session.status == SessionStatus::Open && session.expires_at <= now {
            self.expire_session(id, now, &Cause::default())?;
        }
        let Some(session) = self.sessions.get_mut(id) else {
            return Err(SimError::NotFound { object: "checkout.session", id: id.into() });
        };
        if session.status != SessionStatus::Open {
            return Err(SimError::NotOpen { id: id.into(), status: session.status.as_str().into() });
        }
        let pi_id = new_id("pi_", 24);
        let charge_id = new_id("ch_", 24);
        let payment_method = new_id("pm_", 24);
        let amount = session.amount_total();
        let intent = PaymentIntent {
            id: pi_id.clone(),
            created: now,
            amount,
            currency: session.currency.clone(),
            metadata: session.payment_intent_metadata.clone(),
            description: session.payment_intent_description.clone(),
            latest_charge: charge_id.clone(),
            payment_method: payment_method.clone(),
            client_secret: format!("{pi_id}_secret_{}", new_id("", 25)),
        };
        let charge = Charge {
            id: charge_id.clone(),
            created: now,
            amount,
            currency: session.currency.clone(),
            payment_intent: pi_id.clone(),
            metadata: session.payment_intent_metadata.clone(),
            description: session.payment_intent_description.clone(),
            billing_email: session.customer_email.clone(),
            payment_method,
            balance_transaction: new_id("txn_", 24),
            amount_refunded: 0,
            refunds: Vec::new(),
        };
        session.status = SessionStatus::Complete;
        session.payment_intent = Some(pi_id.clone());
        let redirect = session.success_redirect();
        let rendered = session.render(&self.fixtures, &self.public_url);
        self.payment_intents.insert(pi_id.clone(), intent);
        self.charges.insert(charge_id, charge);
        self.emit("checkout.session.completed", rendered.clone(), None, now, &Cause::default());
        Ok(Paid { session: rendered, redirect })
    }

    // ---- Refunds, PaymentIntents, Charges ----------------------------------------------------

    /// `POST /v1/refunds`: refunds `amount` (default: what is left) of a charge, then emits
    /// `charge.refunded` and `refund.updated`.
    pub(crate) fn create_refund(&mut self, params: &Value, now: i64, cause: &Cause) -> Result<Value, ApiError> {
        let p = Params::root(params);
        if let Some(key) = unknown_key(params, REFUND_PARAMS) {
            return Err(if REFUND_PARAMS_UNSUPPORTED.contains(&key) {
                ApiError::unsupported(key, "this refund parameter")
            } else {
                ApiError::unknown_param(key)
            });
        }
        let charge_id = match (p.opt_str("payment_intent")?.filter(|s| !s.is_empty()), p.opt_str("charge")?.filter(|s| !s.is_empty())) {
            (Some(_), Some(_)) => {
                return Err(ApiError::invalid_request("You can only specify one of these parameters: charge, payment_intent."));
            }
            (None, None) => {
                return Err(ApiError::invalid_request(
                    "One of the following params should be provided for this request: payment_intent or charge.",
                ));
            }
            (Some(pi), None) => self
                .payment_intents
                .get(pi)
                .map(|intent| intent.latest_charge.clone())
                .ok_or_else(|| ApiError::no_such_param("payment_intent", pi, "payment_intent"))?,
            (None, Some(charge)) => {
                if !self.charges.contains_key(charge) {
                    return Err(ApiError::no_such_param("charge", charge, "charge"));
                }
                charge.to_owned()
            }
        };
        let amount = p.opt_int("amount")?;
        let reason = p.opt_str("reason")?.filter(|s| !s.is_empty());
        if let Some(reason) = reason
            && !matches!(reason, "duplicate" | "fraudulent" | "requested_by_customer")
        {
            return Err(ApiError::invalid(
                format!("Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer (got {reason})"),
                "reason",
            ));
        }
        let metadata = parse_metadata(&p, "metadata")?;
        let expand = p.string_list("expand")?;
        let charge = self.charges.get(&charge_id).ok_or_else(|| ApiError::no_such_param("charge", &charge_id, "charge"))?;
        let remaining = charge.remaining();
        if remaining <= 0 {
            return Err(
                ApiError::invalid(format!("Charge {charge_id} has already been refunded."), "charge").with_code("charge_already_refunded")
            );
        }
        let amount = match amount {
            None => remaining,
            Some(a) if a < 1 => return Err(ApiError::invalid("This value must be greater than or equal to 1.", "amount")),
            Some(a) if a > remaining => {
                return Err(ApiError::invalid(
                    format!(
                        "Refund amount ({}) is greater than unrefunded amount on charge ({})",
                        format_amount(a, &charge.currency),
                        format_amount(remaining, &charge.currency)
                    ),
                    "amount",
                )
                .with_code("amount_too_large"));
            }
            Some(a) => a,
        };
        let refund = Refund {
            id: new_id("re_", 24),
            created: now,
            amount,
            currency: charge.currency.clone(),
            charge: charge_id.clone(),
            payment_intent: charge.payment_intent.clone(),
            metadata,
            reason: reason.map(str::to_owned),
            balance_transaction: new_id("txn_", 24),
        };
        let refund_id = refund.id.clone();
        let rendered_refund = refund.render(&self.fixtures);
        self.refunds.insert(refund_id.clone(), refund);

        let Some(charge) = self.charges.get_mut(&charge_id) else {
            return Err(ApiError::no_such_param("charge", &charge_id, "charge"));
        };
        let previous = json!({ "amount_refunded": charge.amount_refunded, "refunded": charge.amount_refunded >= charge.amount });
        charge.amount_refunded += amount;
        charge.refunds.insert(0, refund_id);
        let rendered_charge = self.charge_object_unexpanded(&charge_id);
        if let Some(charge) = rendered_charge {
            self.emit("charge.refunded", charge, Some(previous), now, cause);
        }
        self.emit("refund.updated", rendered_refund.clone(), None, now, cause);
        let mut answer = rendered_refund;
        self.expand(&mut answer, &expand)?;
        Ok(answer)
    }

    fn charge_object_unexpanded(&self, id: &str) -> Option<Value> {
        let charge = self.charges.get(id)?;
        let refunds = charge.refunds.iter().filter_map(|r| self.refunds.get(r)).map(|r| r.render(&self.fixtures)).collect();
        Some(charge.render(&self.fixtures, refunds))
    }

    /// `GET /v1/refunds/{id}`.
    pub(crate) fn refund_object(&self, id: &str, params: &Value) -> Result<Value, ApiError> {
        let refund = self.refunds.get(id).ok_or_else(|| ApiError::no_such("refund", id))?;
        self.rendered_with_expand(refund.render(&self.fixtures), params)
    }

    /// `GET /v1/payment_intents/{id}`.
    pub(crate) fn payment_intent_object(&self, id: &str, params: &Value) -> Result<Value, ApiError> {
        let intent = self.payment_intents.get(id).ok_or_else(|| ApiError::no_such("payment_intent", id))?;
        self.rendered_with_expand(intent.render(&self.fixtures), params)
    }

    /// `GET /v1/charges/{id}`.
    pub(crate) fn charge_object(&self, id: &str, params: &Value) -> Result<Value, ApiError> {
        let charge = self.charge_object_unexpanded(id).ok_or_else(|| ApiError::no_such("charge", id))?;
        self.rendered_with_expand(charge, params)
    }

    /// `GET /v1/events/{id}`.
    pub(crate) fn event_object(&self, id: &str) -> Result<Value, ApiError> {
        self.event(id).map(|e| e.payload.clone()).ok_or_else(|| ApiError::no_such("event", id))
    }

    fn rendered_with_expand(&self, mut value: Value, params: &Value) -> Result<Value, ApiError> {
        let p = Params::root(params);
        p.only(&["expand"])?;
        let expand = p.string_list("expand")?;
        self.expand(&mut value, &expand)?;
        Ok(value)
    }

    /// Stripe's `expand[]`: replaces id fields (`payment_intent`, `charge`, `latest_charge`…,
    /// dotted for nested ones) with the objects.
    fn expand(&self, value: &mut Value, paths: &[String]) -> Result<(), ApiError> {
        for path in paths {
            self.expand_path(value, path, path)?;
        }
        Ok(())
    }

    fn expand_path(&self, value: &mut Value, path: &str, full: &str) -> Result<(), ApiError> {
        let cannot = || ApiError::invalid(format!("This property cannot be expanded ({full})."), "expand");
        let (field, rest) = match path.split_once('.') {
            Some((field, rest)) => (field, Some(rest)),
            None => (path, None),
        };
        let target = value.get_mut(field).ok_or_else(cannot)?;
        if let Value::String(id) = target {
            let object = if id.starts_with("pi_") {
                self.payment_intents.get(id.as_str()).map(|o| o.render(&self.fixtures))
            } else if id.starts_with("ch_") {
                self.charge_object_unexpanded(id)
            } else if id.starts_with("re_") {
                self.refunds.get(id.as_str()).map(|o| o.render(&self.fixtures))
            } else if id.starts_with("cs_") {
                self.sessions.get(id.as_str()).map(|o| o.render(&self.fixtures, &self.public_url))
            } else {
                None
            };
            *target = object.ok_or_else(cannot)?;
        } else if !target.is_null() && !target.is_object() {
            return Err(cannot());
        }
        match rest {
            Some(rest) if target.is_object() => self.expand_path(target, rest, full),
            _ => Ok(()),
        }
    }

    // ---- Events ------------------------------------------------------------------------------

    /// Records an event about `object` and queues it for delivery on its lane.
    pub(crate) fn emit(&mut self, event_type: &str, object: Value, previous: Option<Value>, now: i64, cause: &Cause) {
        let id = new_id("evt_", 24);
        let has_endpoint = self.webhook_url.is_some();
        let meta = EventMeta {
            id: &id,
            event_type,
            created: now,
            api_version: self.api_version.as_deref(),
            pending_webhooks: i64::from(has_endpoint),
            cause,
        };
        let object_id = object.get("id").and_then(Value::as_str).unwrap_or_default().to_owned();
        let lane = lane_of(&object);
        let payload = render_event(&self.fixtures, &meta, object, previous);
        self.event_index.insert(id.clone(), self.events.len());
        self.events.push(EventRecord {
            id: id.clone(),
            event_type: event_type.to_owned(),
            created: now,
            object_id,
            payload,
            delivery: if has_endpoint { DeliveryStatus::Pending } else { DeliveryStatus::NoEndpoint },
            attempts: Vec::new(),
        });
        if has_endpoint {
            self.outbox.push((lane, id));
        }
    }

    /// Queues an event again (Stripe may deliver an event more than once).
    pub(crate) fn resend(&mut self, id: &str) -> Result<(), SimError> {
        let has_endpoint = self.webhook_url.is_some();
        let event = self.event_mut(id).ok_or_else(|| SimError::NotFound { object: "event", id: id.into() })?;
        if !has_endpoint {
            event.delivery = DeliveryStatus::NoEndpoint;
            return Ok(());
        }
        event.delivery = DeliveryStatus::Pending;
        let lane = event.payload.get("data").and_then(|d| d.get("object")).map(lane_of).unwrap_or_default();
        self.outbox.push((lane, id.to_owned()));
        Ok(())
    }

    pub(crate) fn events(&self) -> &[EventRecord] {
        &self.events
    }

    pub(crate) fn event(&self, id: &str) -> Option<&EventRecord> {
        self.event_index.get(id).and_then(|&i| self.events.get(i))
    }

    fn event_mut(&mut self, id: &str) -> Option<&mut EventRecord> {
        let index = *self.event_index.get(id)?;
        self.events.get_mut(index)
    }

    pub(crate) fn record_attempt(&mut self, id: &str, attempt: DeliveryAttempt, status: DeliveryStatus) {
        if let Some(event) = self.event_mut(id) {
            event.attempts.push(attempt);
            event.delivery = status;
        }
    }

    pub(crate) fn set_delivery(&mut self, id: &str, status: DeliveryStatus) {
        if let Some(event) = self.event_mut(id) {
            event.delivery = status;
        }
    }
}

/// Deliveries on one lane keep their order: the lane of an object is its PaymentIntent (a paid
/// session, its charge and its refunds share one), else its own id.
fn lane_of(object: &Value) -> String {
    object.get("payment_intent").and_then(Value::as_str).or_else(|| object.get("id").and_then(Value::as_str)).unwrap_or_default().to_owned()
}

/// The first top-level param outside `known`.
fn unknown_key<'a>(params: &'a Value, known: &[&str]) -> Option<&'a str> {
    params.as_object()?.keys().map(String::as_str).find(|k| !known.contains(k))
}

fn parse_line_items(p: &Params<'_>) -> Result<(Vec<LineItem>, String), ApiError> {
    let items = p.list("line_items")?;
    if items.is_empty() {
        return Err(ApiError::missing("line_items"));
    }
    if items.len() > 100 {
        return Err(ApiError::invalid("A Checkout Session can have at most 100 line items.", "line_items"));
    }
    let mut parsed = Vec::with_capacity(items.len());
    let mut currency: Option<String> = None;
    for (index, item) in items.iter().enumerate() {
        let item = item.params();
        let name = |key: &str| format!("line_items[{index}][{key}]");
        item.only(&["price_data", "quantity", "price", "adjustable_quantity", "tax_rates", "dynamic_tax_rates"])?;
        for unsupported in ["price", "adjustable_quantity", "tax_rates", "dynamic_tax_rates"] {
            if item.child(unsupported).params().is_present() {
                return Err(ApiError::unsupported(&name(unsupported), "this line item parameter (send price_data)"));
            }
        }
        let quantity = item.opt_int("quantity")?.ok_or_else(|| ApiError::missing(&name("quantity")))?;
        if quantity < 1 {
            return Err(ApiError::invalid("This value must be greater than or equal to 1.", name("quantity")));
        }
        let price_data = item.child("price_data");
        let price_data = price_data.params();
        if !price_data.is_present() {
            return Err(ApiError::missing(&name("price_data")));
        }
        price_data.only(&["currency", "unit_amount", "unit_amount_decimal", "product_data", "product", "tax_behavior", "recurring"])?;
        for unsupported in ["unit_amount_decimal", "product"] {
            if price_data.child(unsupported).params().is_present() {
                return Err(ApiError::unsupported(&format!("line_items[{index}][price_data][{unsupported}]"), "this parameter"));
            }
        }
        if price_data.child("recurring").params().is_present() {
            return Err(ApiError::invalid(
                "You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode or use only one-time prices.",
                format!("line_items[{index}][price_data][recurring]"),
            ));
        }
        let item_currency = price_data.req_str("currency")?.to_ascii_lowercase();
        if item_currency.len() != 3 || !item_currency.bytes().all(|b| b.is_ascii_lowercase()) {
            return Err(ApiError::invalid(
                format!("Invalid currency: {item_currency}"),
                format!("line_items[{index}][price_data][currency]"),
            ));
        }
        match &currency {
            Some(first) if *first != item_currency => {
                return Err(ApiError::invalid(
                    "All line items of a Checkout Session must use the same currency.",
                    format!("line_items[{index}][price_data][currency]"),
                ));
            }
            _ => currency = Some(item_currency),
        }
        let unit_amount = price_data
            .opt_int("unit_amount")?
            .ok_or_else(|| ApiError::missing(&format!("line_items[{index}][price_data][unit_amount]")))?;
        if unit_amount < 0 {
            return Err(ApiError::invalid(
                "This value must be greater than or equal to 0.",
                format!("line_items[{index}][price_data][unit_amount]"),
            ));
        }
        let product = price_data.child("product_data");
        let product = product.params();
        if !product.is_present() {
            return Err(ApiError::missing(&format!("line_items[{index}][price_data][product_data]")));
        }
        product.only(&["name", "description", "images", "metadata", "tax_code", "unit_label"])?;
        parsed.push(LineItem {
            name: product.req_str("name")?.to_owned(),
            description: product.opt_str("description")?.filter(|s| !s.is_empty()).map(str::to_owned),
            unit_amount,
            quantity,
        });
    }
    let currency = currency.ok_or_else(|| ApiError::missing("line_items"))?;
    Ok((parsed, currency))
}

/// Stripe's minimum charge amounts for the currencies of our markets.
fn check_minimum_amount(session: &Session) -> Result<(), ApiError> {
    let minimum = match session.currency.as_str() {
        "eur" | "usd" | "cad" => 50,
        "gbp" => 30,
        _ => return Ok(()),
    };
    if session.amount_total() < minimum {
        return Err(ApiError::invalid(
            format!(
                "The Checkout Session's total amount due must add up to at least {} {}",
                format_amount(minimum, &session.currency),
                session.currency
            ),
            "line_items",
        ));
    }
    Ok(())
}

fn parse_metadata(p: &Params<'_>, key: &str) -> Result<BTreeMap<String, String>, ApiError> {
    let map = p.opt_string_map(key)?;
    let named = p.child(key);
    let name = named.name();
    if map.len() > 50 {
        return Err(ApiError::invalid("Metadata can have at most 50 keys.", name));
    }
    for (k, v) in &map {
        if k.chars().count() > 40 || k.contains('[') || k.contains(']') {
            return Err(ApiError::invalid(format!("Invalid metadata key: {k} (at most 40 characters, no brackets)"), name));
        }
        if v.chars().count() > 500 {
            return Err(ApiError::invalid(format!("Metadata values can have at most 500 characters ({k})."), name));
        }
    }
    Ok(map)
}

fn optional_url(p: &Params<'_>, key: &str) -> Result<Option<String>, ApiError> {
    let Some(raw) = p.opt_str(key)?.filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    match url::Url::parse(raw) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => Ok(Some(raw.to_owned())),
        _ => Err(ApiError::invalid("Not a valid URL", key).with_code("url_invalid")),
    }
}

fn looks_like_email(email: &str) -> bool {
    match email.split_once('@') {
        Some((local, domain)) => !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.'),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::decode;

    const NOW: i64 = 1_800_000_000;

    fn state() -> State {
        State::new(Fixtures::load().unwrap(), "http://sim".into(), None, Some("http://hook".into()))
    }

    fn session_params(extra: &str) -> Value {
        let raw = format!(
            "mode=payment&line_items[0][price_data][currency]=EUR&line_items[0][price_data][unit_amount]=4500\
             &line_items[0][price_data][product_data][name]=Reservation&line_items[0][quantity]=2\
             &metadata[reservation_id]=r1&client_reference_id=r1&expires_at={}&success_url=http://app/ok%3Fs%3D%7BCHECKOUT_SESSION_ID%7D\
             &payment_intent_data[metadata][reservation_id]=r1{extra}",
            NOW + 1800
        );
        decode(raw.as_bytes()).unwrap()
    }

    fn created(state: &mut State) -> String {
        let session = state.create_session(&session_params(""), NOW).unwrap();
        session["id"].as_str().unwrap().to_owned()
    }

    #[test]
    fn a_session_is_created_open_and_unpaid_with_the_requested_fields() {
        let mut state = state();
        let session = state.create_session(&session_params(""), NOW).unwrap();
        assert_eq!(session["status"], "open");
        assert_eq!(session["payment_status"], "unpaid");
        assert_eq!(session["amount_total"], 9000);
        assert_eq!(session["currency"], "eur");
        assert_eq!(session["expires_at"], NOW + 1800);
        assert_eq!(session["client_reference_id"], "r1");
        assert!(session["id"].as_str().unwrap().starts_with("cs_test_"));
        assert!(state.events().is_empty());
    }

    #[test]
    fn expires_at_must_be_between_30_minutes_and_24_hours_ahead() {
        let mut state = state();
        for (at, ok) in [(NOW + 1799, false), (NOW + 1800, true), (NOW + 86_400, true), (NOW + 86_401, false)] {
            let mut params = session_params("");
            params["expires_at"] = json!(at.to_string());
            let result = state.create_session(&params, NOW);
            assert_eq!(result.is_ok(), ok, "{at}");
            if let Err(error) = result {
                assert_eq!(error.param.as_deref(), Some("expires_at"));
            }
        }
    }

    #[test]
    fn bad_session_params_are_named_400s() {
        let mut state = state();
        let cases = [
            ("&bogus=1", "bogus"),
            ("&automatic_tax[enabled]=true", "automatic_tax"),
            ("&customer_email=nope", "customer_email"),
            ("&cancel_url=not-a-url", "cancel_url"),
            ("&payment_intent_data[capture_method]=manual", "payment_intent_data[capture_method]"),
        ];
        for (extra, param) in cases {
            let error = state.create_session(&session_params(extra), NOW).unwrap_err();
            assert_eq!(error.param.as_deref(), Some(param), "{extra}: {error:?}");
        }
        let mut no_items = session_params("");
        no_items.as_object_mut().unwrap().remove("line_items");
        assert_eq!(state.create_session(&no_items, NOW).unwrap_err().param.as_deref(), Some("line_items"));
        let mut bad_amount = session_params("");
        bad_amount["line_items"][0]["price_data"]["unit_amount"] = json!("45.00");
        let error = state.create_session(&bad_amount, NOW).unwrap_err();
        assert_eq!(error.param.as_deref(), Some("line_items[0][price_data][unit_amount]"));
        let mut too_small = session_params("");
        too_small["line_items"][0]["price_data"]["unit_amount"] = json!("10");
        assert!(state.create_session(&too_small, NOW).is_err());
    }

    #[test]
    fn paying_completes_the_session_and_emits_checkout_session_completed() {
        let mut state = state();
        let id = created(&mut state);
        let paid = state.pay_session(&id, NOW + 60).unwrap();
        assert_eq!(paid.session["status"], "complete");
        assert_eq!(paid.session["payment_status"], "paid");
        assert_eq!(paid.session["url"], Value::Null);
        assert_eq!(paid.redirect.unwrap(), format!("http://app/ok?s={id}"));
        let pi = paid.session["payment_intent"].as_str().unwrap().to_owned();
        let intent = state.payment_intent_object(&pi, &json!({})).unwrap();
        assert_eq!(intent["status"], "succeeded");
        assert_eq!(intent["amount"], 9000);
        assert_eq!(intent["metadata"]["reservation_id"], "r1");
        let charge = state.charge_object(intent["latest_charge"].as_str().unwrap(), &json!({})).unwrap();
        assert_eq!(charge["paid"], true);
        assert_eq!(charge["payment_intent"], pi.as_str());
        let events = state.events();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].event_type, "checkout.session.completed");
        assert_eq!(events[0].payload["data"]["object"]["payment_intent"], pi.as_str());
        assert_eq!(state.outbox, vec![(pi, events[0].id.clone())]);
        assert!(matches!(state.pay_session(&id, NOW + 61), Err(SimError::NotOpen { .. })));
    }

    #[test]
    fn refunds_take_what_is_left_and_refuse_more() {
        let mut state = state();
        let id = created(&mut state);
        let pi = state.pay_session(&id, NOW).unwrap().session["payment_intent"].as_str().unwrap().to_owned();
        let cause = Cause::default();
        let partial = state.create_refund(&json!({ "payment_intent": pi, "amount": "2250" }), NOW, &cause).unwrap();
        assert_eq!(partial["amount"], 2250);
        assert_eq!(partial["status"], "succeeded");
        let too_much = state.create_refund(&json!({ "payment_intent": pi, "amount": "9000" }), NOW, &cause).unwrap_err();
        assert_eq!(too_much.param.as_deref(), Some("amount"));
        assert_eq!(too_much.message, "Refund amount (€90.00) is greater than unrefunded amount on charge (€67.50)");
        let rest = state.create_refund(&json!({ "payment_intent": pi, "reason": "requested_by_customer" }), NOW, &cause).unwrap();
        assert_eq!(rest["amount"], 6750);
        let done = state.create_refund(&json!({ "payment_intent": pi }), NOW, &cause).unwrap_err();
        assert_eq!(done.code, Some("charge_already_refunded"));
        let charge = state.charge_object(rest["charge"].as_str().unwrap(), &json!({})).unwrap();
        assert_eq!(charge["amount_refunded"], 9000);
        assert_eq!(charge["refunded"], true);
        assert_eq!(charge["refunds"]["data"][0]["id"], rest["id"]);
        let types: Vec<&str> = state.events().iter().map(|e| e.event_type.as_str()).collect();
        assert_eq!(types, ["checkout.session.completed", "charge.refunded", "refund.updated", "charge.refunded", "refund.updated"]);
        assert!(state.create_refund(&json!({ "payment_intent": "pi_missing" }), NOW, &cause).is_err());
        assert!(state.create_refund(&json!({}), NOW, &cause).is_err());
        assert!(state.create_refund(&json!({ "charge": "ch_x", "payment_intent": "pi_x" }), NOW, &cause).is_err());
    }

    #[test]
    fn the_ticker_expires_only_sessions_past_expires_at() {
        let mut state = state();
        let id = created(&mut state);
        assert!(state.expire_due(NOW + 1799).is_empty());
        assert_eq!(state.expire_due(NOW + 1800), vec![id.clone()]);
        assert!(state.expire_due(NOW + 1801).is_empty());
        assert_eq!(state.events()[0].event_type, "checkout.session.expired");
        assert!(matches!(state.pay_session(&id, NOW), Err(SimError::NotOpen { .. })));
        let late = created(&mut state);
        assert!(matches!(state.pay_session(&late, NOW + 1800), Err(SimError::NotOpen { .. })));
    }

    #[test]
    fn expand_replaces_ids_with_objects() {
        let mut state = state();
        let id = created(&mut state);
        state.pay_session(&id, NOW).unwrap();
        let session = state.session_object(&id, &json!({ "expand": ["payment_intent.latest_charge"] })).unwrap();
        assert_eq!(session["payment_intent"]["object"], "payment_intent");
        assert_eq!(session["payment_intent"]["latest_charge"]["object"], "charge");
        assert!(state.session_object(&id, &json!({ "expand": ["currency"] })).is_err());
        assert!(state.session_object(&id, &json!({ "bogus": "1" })).is_err());
        assert_eq!(state.session_object("cs_test_missing", &json!({})).unwrap_err().status, axum::http::StatusCode::NOT_FOUND);
    }
}
