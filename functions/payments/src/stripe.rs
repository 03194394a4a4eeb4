//! The Stripe API as the module uses it, through async-stripe's real client: Checkout Sessions
//! (from the HTTP handler, retried here with backoff under one idempotency key) and Refunds
//! (from the worker, whose job retries). `STRIPE_API_BASE` points the client at a stand-in (the
//! dev simulator, tests); unset, it talks to api.stripe.com.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use secrecy::ExposeSecret;
use stripe::{Client, ClientBuilder, IdempotencyKey, RequestStrategy, StripeError, StripeRequest as _};
use stripe_checkout::CheckoutSessionMode;
use stripe_checkout::checkout_session::{
    CreateCheckoutSession, CreateCheckoutSessionLineItems, CreateCheckoutSessionLineItemsPriceData, ProductData,
};
use stripe_core::refund::CreateRefund;
use ycyw_shared::config::{SecretKey, Settings};
use ycyw_shared::domain::Money;

/// Attempts of a Checkout Session creation before answering 502.
const SESSION_ATTEMPTS: u32 = 3;
/// The longest one Stripe call may take.
const CALL_TIMEOUT: Duration = Duration::from_secs(10);

/// Why a Stripe call failed.
#[derive(Debug, thiserror::Error)]
pub enum StripeFailure {
    /// No answer, a timeout, a 429 or a 5xx: retrying may help.
    #[error("{0}")]
    Unavailable(String),
    /// A 4xx: retrying the same request will not help.
    #[error("{0}")]
    Refused(String),
}

impl From<StripeError> for StripeFailure {
    fn from(error: StripeError) -> Self {
        match error {
            StripeError::Stripe(errors, status) if status == 429 || status >= 500 => {
                StripeFailure::Unavailable(format!("HTTP {status}: {errors:?}"))
            }
            StripeError::Stripe(errors, status) => StripeFailure::Refused(format!("HTTP {status}: {}", errors.message.unwrap_or_default())),
            StripeError::ClientError(e) => StripeFailure::Unavailable(e),
            StripeError::Timeout => StripeFailure::Unavailable("timeout".into()),
            StripeError::JSONDeserialize(e) => StripeFailure::Refused(format!("unreadable answer: {e}")),
            StripeError::ConfigError(e) => StripeFailure::Refused(format!("configuration: {e}")),
        }
    }
}

/// What we ask Stripe Checkout for.
#[derive(Debug, Clone)]
pub struct SessionRequest {
    /// Amount and currency of the one line item.
    pub amount: Money,
    /// The line item's name (the reference) and description.
    pub name: String,
    /// A readable description: category, agencies, local dates.
    pub description: String,
    /// `client_reference_id`: the reservation id.
    pub client_reference_id: String,
    /// Metadata (reservation id, change id, payment id).
    pub metadata: HashMap<String, String>,
    /// The client's address.
    pub customer_email: Option<String>,
    /// When the session ends (the hold's end).
    pub expires_at: DateTime<Utc>,
    /// Where Stripe sends the client after paying.
    pub success_url: String,
    /// Where it sends them when they give up.
    pub cancel_url: String,
}

/// A session Stripe created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedSession {
    /// `cs_…`.
    pub id: String,
    /// The hosted payment page.
    pub url: String,
    /// When it ends.
    pub expires_at: DateTime<Utc>,
}

/// A refund Stripe accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedRefund {
    /// `re_…`.
    pub id: String,
    /// Stripe's status (`pending`, `succeeded`, `failed`, `canceled`, `requires_action`).
    pub status: String,
}

/// The Stripe client of a process.
#[derive(Clone)]
pub struct Stripe {
    client: Client,
}

impl std::fmt::Debug for Stripe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Stripe")
    }
}

impl Stripe {
    /// The client of `settings`: the `STRIPE_SECRET_KEY` secret, and `STRIPE_API_BASE` when set.
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        let key = settings.secrets.get(SecretKey::StripeSecretKey).ok_or_else(|| anyhow::anyhow!("STRIPE_SECRET_KEY is not set"))?;
        // Three attempts and their pauses must fit in the request's own timeout
        // (`REQUEST_TIMEOUT_SECONDS`), so each call gets at most a quarter of it.
        let timeout = CALL_TIMEOUT.min(settings.request_timeout / 4);
        let mut builder = ClientBuilder::new(key.expose_secret()).timeout(timeout);
        if let Some(base) = &settings.stripe_api_base {
            builder = builder.url(base.trim_end_matches('/'));
        }
        Ok(Self { client: builder.build().map_err(|e| anyhow::anyhow!("the Stripe client: {e}"))? })
    }

    /// Creates a Checkout Session (mode payment, one line item), trying up to three times with
    /// backoff under the one idempotency key `key` (a retry that reaches Stripe twice gets the
    /// first session back).
    pub async fn create_session(&self, request: &SessionRequest, key: &str) -> Result<CreatedSession, StripeFailure> {
        let key = IdempotencyKey::new(key).map_err(|e| StripeFailure::Refused(e.to_string()))?;
        let currency: stripe_types::Currency =
            request.amount.currency.as_str().to_ascii_lowercase().parse().map_err(|_| StripeFailure::Refused("currency".into()))?;
        let mut product = ProductData::new(request.name.clone());
        product.description = Some(request.description.clone());
        let mut price = CreateCheckoutSessionLineItemsPriceData::new(currency);
        price.unit_amount = Some(request.amount.amount_minor);
        price.product_data = Some(product);
        let mut item = CreateCheckoutSessionLineItems::new();
        item.price_data = Some(price);
        item.quantity = Some(1);
        let mut create = CreateCheckoutSession::new()
            .mode(CheckoutSessionMode::Payment)
            .line_items(vec![item])
            .client_reference_id(request.client_reference_id.clone())
            .metadata(request.metadata.clone())
            .expires_at(request.expires_at.timestamp())
            .success_url(request.success_url.clone())
            .cancel_url(request.cancel_url.clone());
        if let Some(email) = &request.customer_email {
            create = create.customer_email(email.clone());
        }
        let mut attempt = 0;
        loop {
            attempt += 1;
            let answer = create.clone().customize().request_strategy(RequestStrategy::Idempotent(key.clone())).send(&self.client).await;
            match answer.map_err(StripeFailure::from) {
                Ok(session) => {
                    let url = session.url.clone().ok_or_else(|| StripeFailure::Refused("a session without a url".into()))?;
                    let expires_at = DateTime::from_timestamp(session.expires_at, 0).unwrap_or(request.expires_at);
                    return Ok(CreatedSession { id: session.id.to_string(), url, expires_at });
                }
                Err(StripeFailure::Unavailable(cause)) if attempt < SESSION_ATTEMPTS => {
                    tracing::warn!(attempt, %cause, "Stripe unavailable; trying again");
                    tokio::time::sleep(Duration::from_millis(200 * 2u64.pow(attempt))).await;
                }
                Err(other) => return Err(other),
            }
        }
    }

    /// Refunds `amount_minor` of payment intent `payment_intent` under idempotency key `key`:
    /// the same key never refunds twice, whatever crashed between Stripe's answer and our commit.
    pub async fn create_refund(
        &self,
        payment_intent: &str,
        amount_minor: i64,
        metadata: HashMap<String, String>,
        key: &str,
    ) -> Result<CreatedRefund, StripeFailure> {
        let key = IdempotencyKey::new(key).map_err(|e| StripeFailure::Refused(e.to_string()))?;
        let refund = CreateRefund::new()
            .payment_intent(payment_intent.to_string())
            .amount(amount_minor)
            .metadata(metadata)
            .customize()
            .request_strategy(RequestStrategy::Idempotent(key))
            .send(&self.client)
            .await?;
        Ok(CreatedRefund { id: refund.id.to_string(), status: refund.status.unwrap_or_else(|| "pending".into()) })
    }
}
