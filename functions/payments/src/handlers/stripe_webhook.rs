//! `POST /payments/stripe/webhooks`: Stripe's events, verified, stored once, queued.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use ycyw_shared::ApiError;
use ycyw_shared::error::Problem;

use crate::service::{Ctx, webhook};

/// Receives a Stripe event.
#[utoipa::path(
    post,
    path = "/payments/stripe/webhooks",
    tag = "payments",
    request_body(content = String, description = "The event as Stripe sent it (raw JSON, signed)", content_type = "application/json"),
    params(("Stripe-Signature" = String, Header, description = "t=<unix>,v1=<hex HMAC-SHA256 of \"<t>.<body>\">")),
    responses(
        (status = 200, description = "Stored and queued, or a duplicate ignored"),
        (status = 400, description = "invalid_signature: missing, wrong or older than 5 minutes; nothing stored", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn stripe_webhook(
    State(ctx): State<Ctx>,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<StatusCode, ApiError> {
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge
        } else {
            ApiError::BadRequest { code: "bad_request", detail: "the request body could not be read".into() }
        }
    })?;
    let payload = std::str::from_utf8(&body)
        .map_err(|_| ApiError::BadRequest { code: "invalid_signature", detail: "the body is not UTF-8".into() })?;
    let signature = headers.get("stripe-signature").and_then(|v| v.to_str().ok());
    webhook::receive(&ctx, payload, signature).await?;
    Ok(StatusCode::OK)
}
