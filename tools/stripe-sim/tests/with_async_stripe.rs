//! The simulator driven by async-stripe's real client (=1.0.0-rc.10, DESIGN §9), as the payments
//! module will use it: typed deserialisation of every answer, signed webhooks verified with
//! `Webhook::construct_event`, idempotent retries and faults as the client sees them.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::HashMap;
use std::time::Duration;

use serde_json::json;
use stripe::{ApiErrorsCode, ApiErrorsType, Client, ClientBuilder, IdempotencyKey, RequestStrategy, StripeError, StripeRequest};
use stripe_checkout::checkout_session::{
    CreateCheckoutSession, CreateCheckoutSessionLineItems, CreateCheckoutSessionLineItemsPriceData, CreateCheckoutSessionPaymentIntentData,
    ExpireCheckoutSession, ProductData, RetrieveCheckoutSession,
};
use stripe_checkout::{CheckoutSession, CheckoutSessionMode, CheckoutSessionPaymentStatus, CheckoutSessionStatus};
use stripe_core::PaymentIntentStatus;
use stripe_core::charge::RetrieveCharge;
use stripe_core::payment_intent::RetrievePaymentIntent;
use stripe_core::refund::{CreateRefund, CreateRefundReason, RetrieveRefund};
use stripe_sim::{DeliveryStatus, Fault, RunningSimulator};
use stripe_types::Currency;
use stripe_webhook::{EventObject, EventType, Webhook};
use support::{API_KEY, Receiver, WEBHOOK_SECRET, now, simulator};

const SUCCESS_URL: &str = "http://localhost:8080/reservations/r-1/payment?session_id={CHECKOUT_SESSION_ID}";
const CANCEL_URL: &str = "http://localhost:8080/reservations/r-1";

fn client(sim: &RunningSimulator) -> Client {
    ClientBuilder::new(API_KEY).url(sim.base_url()).build().expect("client")
}

fn metadata(reservation: &str) -> HashMap<String, String> {
    HashMap::from([("reservation_id".to_owned(), reservation.to_owned())])
}

/// The Checkout Session our payments module asks for: one line, the hold's end as expiry.
fn reservation_checkout(amount: i64, expires_at: i64) -> CreateCheckoutSession {
    let mut product = ProductData::new("Reservation YCW-7K2M9Q");
    product.description = Some("Compact (CDMR), Paris → Lyon".into());
    let mut price = CreateCheckoutSessionLineItemsPriceData::new(Currency::EUR);
    price.unit_amount = Some(amount);
    price.product_data = Some(product);
    let mut line = CreateCheckoutSessionLineItems::new();
    line.price_data = Some(price);
    line.quantity = Some(1);
    let mut intent_data = CreateCheckoutSessionPaymentIntentData::new();
    intent_data.metadata = Some(metadata("r-1"));
    CreateCheckoutSession::new()
        .mode(CheckoutSessionMode::Payment)
        .line_items(vec![line])
        .client_reference_id("r-1")
        .metadata(metadata("r-1"))
        .customer_email("ana@example.com")
        .expires_at(expires_at)
        .success_url(SUCCESS_URL)
        .cancel_url(CANCEL_URL)
        .payment_intent_data(intent_data)
}

async fn create_with_key(client: &Client, request: &CreateCheckoutSession, key: &str) -> Result<CheckoutSession, StripeError> {
    request.customize().request_strategy(RequestStrategy::Idempotent(IdempotencyKey::new(key).unwrap())).send(client).await
}

fn stripe_error(result: Result<impl std::fmt::Debug, StripeError>) -> (Box<stripe::ApiErrors>, u16) {
    match result {
        Err(StripeError::Stripe(error, status)) => (error, status),
        other => panic!("expected a Stripe API error, got {other:?}"),
    }
}

/// Verifies a delivery as our webhook endpoint will.
fn verified(delivery: &support::Delivery) -> stripe_webhook::Event {
    assert!(delivery.content_type.starts_with("application/json"), "{}", delivery.content_type);
    Webhook::construct_event(&delivery.body, &delivery.signature, WEBHOOK_SECRET).expect("a valid Stripe signature")
}

#[tokio::test]
async fn a_created_checkout_session_is_logged_replayed_by_key_and_refused_with_other_params() {
    let sim = simulator(None).await;
    let client = client(&sim);
    let expires_at = now() + 31 * 60;
    let request = reservation_checkout(4500, expires_at);

    let session = create_with_key(&client, &request, "checkout-r-1").await.expect("session created");
    assert!(session.id.as_str().starts_with("cs_test_"), "{}", session.id.as_str());
    assert_eq!(session.status, Some(CheckoutSessionStatus::Open));
    assert_eq!(session.payment_status, CheckoutSessionPaymentStatus::Unpaid);
    assert_eq!(session.mode, CheckoutSessionMode::Payment);
    assert_eq!((session.amount_total, session.amount_subtotal), (Some(4500), Some(4500)));
    assert_eq!(session.currency, Some(Currency::EUR));
    assert_eq!(session.metadata, Some(metadata("r-1")));
    assert_eq!(session.client_reference_id.as_deref(), Some("r-1"));
    assert_eq!(session.customer_email.as_deref(), Some("ana@example.com"));
    assert_eq!(session.expires_at, expires_at);
    assert!(!session.livemode);
    assert!(session.payment_intent.is_none());
    assert_eq!(session.success_url.as_deref(), Some(SUCCESS_URL));
    assert_eq!(session.url, Some(format!("{}/checkout/{}", sim.base_url(), session.id.as_str())));

    let requests = sim.requests();
    assert_eq!(requests.len(), 1);
    let logged = &requests[0];
    assert_eq!((logged.method.as_str(), logged.path.as_str(), logged.status), ("POST", "/v1/checkout/sessions", Some(200)));
    assert_eq!(logged.headers.idempotency_key.as_deref(), Some("checkout-r-1"));
    assert_eq!(logged.headers.content_type.as_deref(), Some("application/x-www-form-urlencoded"));
    assert!(logged.headers.stripe_version.as_deref().is_some_and(|v| !v.is_empty()));
    let authorization = logged.headers.authorization.as_deref().unwrap();
    assert!(authorization.starts_with("Bearer sk_test_") && !authorization.contains(API_KEY), "{authorization}");
    assert_eq!(
        logged.params,
        json!({
            "mode": "payment",
            "line_items": [{
                "price_data": { "currency": "eur", "unit_amount": "4500",
                                "product_data": { "name": "Reservation YCW-7K2M9Q", "description": "Compact (CDMR), Paris → Lyon" } },
                "quantity": "1",
            }],
            "client_reference_id": "r-1",
            "metadata": { "reservation_id": "r-1" },
            "customer_email": "ana@example.com",
            "expires_at": expires_at.to_string(),
            "success_url": SUCCESS_URL,
            "cancel_url": CANCEL_URL,
            "payment_intent_data": { "metadata": { "reservation_id": "r-1" } },
        })
    );

    let replay = create_with_key(&client, &request, "checkout-r-1").await.expect("replayed");
    assert_eq!(replay.id, session.id);
    assert!(sim.requests()[1].idempotent_replayed);

    let (error, status) = stripe_error(create_with_key(&client, &reservation_checkout(9000, expires_at), "checkout-r-1").await);
    assert_eq!(status, 400);
    assert_eq!(error.type_, ApiErrorsType::IdempotencyError);

    let fetched = RetrieveCheckoutSession::new(session.id.clone()).send(&client).await.expect("retrieved");
    assert_eq!((fetched.id, fetched.amount_total, fetched.status), (session.id, Some(4500), Some(CheckoutSessionStatus::Open)));
    sim.stop().await;
}

#[tokio::test]
async fn paying_sends_checkout_session_completed_that_construct_event_verifies() {
    let receiver = Receiver::start(0).await;
    let sim = simulator(Some(receiver.url.clone())).await;
    let client = client(&sim);
    let session = reservation_checkout(4500, now() + 3600).send(&client).await.unwrap();

    let paid = sim.pay(session.id.as_str()).expect("paid");
    assert_eq!(paid["status"], "complete");

    let deliveries = receiver.wait_for(1).await;
    let event = verified(&deliveries[0]);
    assert_eq!(event.type_, EventType::CheckoutSessionCompleted);
    assert!(event.id.as_str().starts_with("evt_") && !event.livemode);
    let EventObject::CheckoutSessionCompleted(completed) = event.data.object else {
        panic!("not a checkout.session.completed object");
    };
    assert_eq!(completed.id, session.id);
    assert_eq!(completed.status, Some(CheckoutSessionStatus::Complete));
    assert_eq!(completed.payment_status, CheckoutSessionPaymentStatus::Paid);
    assert_eq!(completed.metadata, Some(metadata("r-1")));
    assert_eq!(completed.customer_details.as_ref().and_then(|d| d.email.as_deref()), Some("ana@example.com"));
    let pi = completed.payment_intent.as_ref().expect("a payment intent").id().clone();
    assert!(Webhook::construct_event(&deliveries[0].body, &deliveries[0].signature, "whsec_other").is_err());

    let intent = RetrievePaymentIntent::new(pi.clone()).send(&client).await.expect("payment intent");
    assert_eq!((intent.status, intent.amount, intent.amount_received), (PaymentIntentStatus::Succeeded, 4500, 4500));
    assert_eq!(intent.metadata, metadata("r-1"));
    let charge_id = intent.latest_charge.as_ref().expect("a charge").id().clone();
    let charge = RetrieveCharge::new(charge_id).send(&client).await.expect("charge");
    assert!(charge.paid && charge.captured && !charge.refunded);
    assert_eq!(charge.payment_intent.as_ref().map(|p| p.id().clone()), Some(pi));

    let fetched = RetrieveCheckoutSession::new(session.id.clone()).send(&client).await.unwrap();
    assert_eq!(fetched.status, Some(CheckoutSessionStatus::Complete));
    assert_eq!(fetched.url, None);
    let events = sim.events();
    assert_eq!(events[0].delivery, DeliveryStatus::Delivered);
    assert_eq!(events[0].attempts.iter().map(|a| a.status).collect::<Vec<_>>(), [Some(200)]);
    sim.stop().await;
}

#[tokio::test]
async fn refunds_send_charge_refunded_then_refund_updated_and_refuse_more_than_is_left() {
    let receiver = Receiver::start(0).await;
    let sim = simulator(Some(receiver.url.clone())).await;
    let client = client(&sim);
    let session = reservation_checkout(4500, now() + 3600).send(&client).await.unwrap();
    let paid = sim.pay(session.id.as_str()).unwrap();
    let pi = paid["payment_intent"].as_str().unwrap().to_owned();

    let refund = CreateRefund::new()
        .payment_intent(pi.clone())
        .amount(1125)
        .reason(CreateRefundReason::RequestedByCustomer)
        .metadata(metadata("r-1"))
        .customize()
        .request_strategy(RequestStrategy::Idempotent(IdempotencyKey::new("refund-r-1-1").unwrap()))
        .send(&client)
        .await
        .expect("refund created");
    assert!(refund.id.as_str().starts_with("re_"));
    assert_eq!((refund.amount, refund.status.as_deref()), (1125, Some("succeeded")));
    assert_eq!(refund.payment_intent.as_ref().map(|p| p.id().as_str().to_owned()), Some(pi.clone()));
    assert_eq!(refund.metadata, Some(metadata("r-1")));

    let deliveries = receiver.wait_for(3).await;
    let types: Vec<String> = deliveries.iter().map(support::Delivery::event_type).collect();
    assert_eq!(types, ["checkout.session.completed", "charge.refunded", "refund.updated"]);
    let EventObject::ChargeRefunded(charge) = verified(&deliveries[1]).data.object else { panic!("not a charge") };
    assert_eq!((charge.amount_refunded, charge.refunded), (1125, false));
    assert_eq!(charge.refunds.as_ref().map(|list| list.data.len()), Some(1));
    let EventObject::RefundUpdated(updated) = verified(&deliveries[2]).data.object else { panic!("not a refund") };
    assert_eq!(updated.id, refund.id);
    let request = verified(&deliveries[2]).request.expect("request of the event");
    assert_eq!(request.idempotency_key.as_deref(), Some("refund-r-1-1"));

    let (error, status) = stripe_error(CreateRefund::new().payment_intent(pi.clone()).amount(4000).send(&client).await);
    assert_eq!((status, error.param.as_deref()), (400, Some("amount")));

    let rest = CreateRefund::new().payment_intent(pi.clone()).send(&client).await.expect("the rest");
    assert_eq!(rest.amount, 3375);
    let deliveries = receiver.wait_for(5).await;
    let EventObject::ChargeRefunded(charge) = verified(&deliveries[3]).data.object else { panic!("not a charge") };
    assert_eq!((charge.amount_refunded, charge.refunded), (4500, true));
    let (error, _) = stripe_error(CreateRefund::new().payment_intent(pi).send(&client).await);
    assert_eq!(error.code, Some(ApiErrorsCode::ChargeAlreadyRefunded));

    let fetched = RetrieveRefund::new(rest.id.clone()).send(&client).await.expect("retrieved refund");
    assert_eq!((fetched.id, fetched.amount), (rest.id, 3375));
    sim.stop().await;
}

#[tokio::test]
async fn expiring_a_session_sends_checkout_session_expired_and_the_ticker_expires_at_expires_at() {
    let receiver = Receiver::start(0).await;
    let sim = simulator(Some(receiver.url.clone())).await;
    let client = client(&sim);
    let first = reservation_checkout(4500, now() + 3600).send(&client).await.unwrap();

    let expired = ExpireCheckoutSession::new(first.id.clone()).send(&client).await.expect("expired");
    assert_eq!(expired.status, Some(CheckoutSessionStatus::Expired));
    let deliveries = receiver.wait_for(1).await;
    let EventObject::CheckoutSessionExpired(object) = verified(&deliveries[0]).data.object else { panic!("not expired") };
    assert_eq!(object.id, first.id);
    let (_, status) = stripe_error(ExpireCheckoutSession::new(first.id.clone()).send(&client).await);
    assert_eq!(status, 400);

    let second = reservation_checkout(4500, now() + 31 * 60).send(&client).await.unwrap();
    sim.advance_clock(Duration::from_secs(32 * 60));
    let deliveries = receiver.wait_for(2).await;
    let EventObject::CheckoutSessionExpired(object) = verified(&deliveries[1]).data.object else { panic!("not expired") };
    assert_eq!(object.id, second.id);
    assert!(sim.pay(second.id.as_str()).is_err());
    sim.stop().await;
}

#[tokio::test]
async fn a_503_fault_reaches_the_client_and_the_next_call_succeeds() {
    let sim = simulator(None).await;
    let client = client(&sim);
    let session = reservation_checkout(4500, now() + 3600).send(&client).await.unwrap();
    sim.faults([Fault::http(503)]).unwrap();

    let (error, status) = stripe_error(RetrieveCheckoutSession::new(session.id.clone()).send(&client).await);
    assert_eq!((status, error.type_), (503, ApiErrorsType::ApiError));
    let fetched = RetrieveCheckoutSession::new(session.id.clone()).send(&client).await.expect("second call");
    assert_eq!(fetched.id, session.id);
    let statuses: Vec<_> = sim.requests().iter().map(|r| (r.status, r.fault.is_some())).collect();
    assert_eq!(statuses, [(Some(200), false), (Some(503), true), (Some(200), false)]);
    sim.stop().await;
}

#[tokio::test]
async fn a_timed_out_create_was_done_once_and_its_retry_with_the_key_is_replayed() {
    let sim = simulator(None).await;
    let impatient = ClientBuilder::new(API_KEY).url(sim.base_url()).timeout(Duration::from_millis(200)).build().unwrap();
    sim.faults([Fault::delay(Duration::from_secs(2))]).unwrap();
    let request = reservation_checkout(4500, now() + 3600);

    let timed_out = create_with_key(&impatient, &request, "checkout-slow").await;
    assert!(matches!(timed_out, Err(StripeError::Timeout)), "{timed_out:?}");
    let retried = create_with_key(&client(&sim), &request, "checkout-slow").await.expect("retry answered");
    let requests = sim.requests();
    assert!(requests[1].idempotent_replayed, "the retry is a replay of the first, done while the client waited");
    assert!(retried.id.as_str().starts_with("cs_test_"));
    sim.stop().await;
}

#[tokio::test]
async fn a_dropped_connection_is_a_transport_error_for_the_client() {
    let sim = simulator(None).await;
    let client = client(&sim);
    sim.faults([Fault::drop_connection()]).unwrap();

    let result = reservation_checkout(4500, now() + 3600).send(&client).await;
    assert!(matches!(result, Err(StripeError::ClientError(_))), "{result:?}");
    let requests = sim.requests();
    assert_eq!((requests[0].status, requests[0].fault.as_ref().map(|f| f.reset)), (None, Some(true)));
    assert!(reservation_checkout(4500, now() + 3600).send(&client).await.is_ok(), "the next call works");
    sim.stop().await;
}

#[tokio::test]
async fn wrong_keys_unknown_ids_and_bad_params_get_stripe_errors() {
    let sim = simulator(None).await;
    let stranger = ClientBuilder::new("sk_test_someone_else_000000").url(sim.base_url()).build().unwrap();
    let (error, status) = stripe_error(RetrieveCheckoutSession::new("cs_test_x").send(&stranger).await);
    assert_eq!((status, error.type_), (401, ApiErrorsType::InvalidRequestError));
    assert!(error.message.as_deref().unwrap_or_default().starts_with("Invalid API Key provided"));

    let client = client(&sim);
    let (error, status) = stripe_error(RetrievePaymentIntent::new("pi_missing").send(&client).await);
    assert_eq!((status, error.code), (404, Some(ApiErrorsCode::ResourceMissing)));
    let (error, status) = stripe_error(reservation_checkout(4500, now() + 10 * 60).send(&client).await);
    assert_eq!((status, error.param.as_deref()), (400, Some("expires_at")));
    let (error, _) = stripe_error(reservation_checkout(4500, now() + 25 * 3600).send(&client).await);
    assert_eq!(error.param.as_deref(), Some("expires_at"));
    sim.stop().await;
}

#[tokio::test]
async fn stored_event_payloads_parse_with_serde_as_well_as_with_the_webhook_parser() {
    let sim = simulator(None).await;
    let client = client(&sim);
    let paid_session = reservation_checkout(4500, now() + 3600).send(&client).await.unwrap();
    let paid = sim.pay(paid_session.id.as_str()).unwrap();
    CreateRefund::new().payment_intent(paid["payment_intent"].as_str().unwrap()).amount(500).send(&client).await.unwrap();
    let expired = reservation_checkout(4500, now() + 3600).send(&client).await.unwrap();
    sim.expire(expired.id.as_str()).unwrap();

    let events = sim.events();
    let types: Vec<&str> = events.iter().map(|e| e.event_type.as_str()).collect();
    assert_eq!(types, ["checkout.session.completed", "charge.refunded", "refund.updated", "checkout.session.expired"]);
    for event in &events {
        // The payments worker may re-read a stored payload with serde rather than the webhook parser.
        let parsed: stripe_webhook::Event = serde_json::from_value(event.payload.clone())
            .unwrap_or_else(|error| panic!("{} does not deserialize with serde: {error}", event.event_type));
        assert!(!matches!(parsed.data.object, EventObject::Unknown(_)), "{}", event.event_type);
        assert!(Webhook::insecure(&event.payload.to_string()).is_ok(), "{}", event.event_type);
    }
    sim.stop().await;
}
