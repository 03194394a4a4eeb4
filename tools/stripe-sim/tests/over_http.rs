//! The simulator over plain HTTP, as a browser, a test in another language or `curl` sees it:
//! the hosted page and its buttons, the `/_sim/` admin endpoints, webhook retries, raw errors.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::LOCATION;
use serde_json::{Value, json};
use stripe_sim::{DeliveryStatus, RunningSimulator};
use stripe_webhook::Webhook;
use support::{API_KEY, Receiver, WEBHOOK_SECRET, eventually, now, simulator, simulator_with};

fn http() -> reqwest::Client {
    support::init();
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// Creates a session with a hand-written form body, as any Stripe client would send it.
async fn create_session(sim: &RunningSimulator, idempotency_key: Option<&str>) -> reqwest::Response {
    let form = format!(
        "mode=payment&line_items[0][price_data][currency]=eur&line_items[0][price_data][unit_amount]=4500\
         &line_items[0][price_data][product_data][name]=Reservation%20YCW-7K2M9Q\
         &line_items[0][price_data][product_data][description]=Compact%20%3CCDMR%3E&line_items[0][quantity]=1\
         &metadata[reservation_id]=r-2&expires_at={}\
         &success_url=http%3A%2F%2Flocalhost%3A8080%2Fpaid%3Fsession_id%3D%7BCHECKOUT_SESSION_ID%7D\
         &cancel_url=http%3A%2F%2Flocalhost%3A8080%2Fcancelled",
        now() + 3600
    );
    let mut request = http()
        .post(format!("{}/v1/checkout/sessions", sim.base_url()))
        .bearer_auth(API_KEY)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form);
    if let Some(key) = idempotency_key {
        request = request.header("idempotency-key", key);
    }
    request.send().await.unwrap()
}

async fn session_id(sim: &RunningSimulator) -> (String, String) {
    let session: Value = create_session(sim, None).await.json().await.unwrap();
    (session["id"].as_str().unwrap().to_owned(), session["url"].as_str().unwrap().to_owned())
}

async fn get_session(sim: &RunningSimulator, id: &str) -> Value {
    http().get(format!("{}/v1/checkout/sessions/{id}", sim.base_url())).bearer_auth(API_KEY).send().await.unwrap().json().await.unwrap()
}

#[tokio::test]
async fn the_hosted_page_shows_the_payment_and_its_buttons_redirect_303() {
    let sim = simulator(None).await;
    let (id, url) = session_id(&sim).await;
    assert_eq!(url, format!("{}/checkout/{id}", sim.base_url()));

    let page = http().get(&url).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let html = page.text().await.unwrap();
    for expected in ["Stripe simulator — no real payment", "Pay €45.00", "Reservation YCW-7K2M9Q", "Compact &lt;CDMR&gt;"] {
        assert!(html.contains(expected), "{expected} missing from the page");
    }

    let cancel = http().post(format!("{url}/cancel")).send().await.unwrap();
    assert_eq!(cancel.status(), StatusCode::SEE_OTHER);
    assert_eq!(cancel.headers()[LOCATION], "http://localhost:8080/cancelled");
    assert_eq!(get_session(&sim, &id).await["status"], "open", "cancel leaves the session open, as at Stripe");

    let pay = http().post(format!("{url}/pay")).send().await.unwrap();
    assert_eq!(pay.status(), StatusCode::SEE_OTHER);
    assert_eq!(pay.headers()[LOCATION].to_str().unwrap(), format!("http://localhost:8080/paid?session_id={id}"));
    let session = get_session(&sim, &id).await;
    assert_eq!((session["status"].as_str(), session["payment_status"].as_str()), (Some("complete"), Some("paid")));
    let again = http().post(format!("{url}/pay")).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::SEE_OTHER, "a second click lands on the success page, no second payment");
    assert_eq!(sim.events().len(), 1);

    let done = http().get(&url).send().await.unwrap().text().await.unwrap();
    assert!(done.contains("Payment complete"));
    assert_eq!(http().get(format!("{}/checkout/cs_test_nope", sim.base_url())).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    sim.stop().await;
}

#[tokio::test]
async fn admin_pay_and_expire_do_what_the_page_and_the_ticker_do() {
    let sim = simulator(None).await;
    let base = sim.base_url().to_owned();
    let (paid_id, _) = session_id(&sim).await;
    let paid = http().post(format!("{base}/_sim/sessions/{paid_id}/pay")).send().await.unwrap();
    assert_eq!(paid.status(), StatusCode::OK);
    let paid: Value = paid.json().await.unwrap();
    assert_eq!(paid["session"]["status"], "complete");
    assert_eq!(paid["redirect_url"], format!("http://localhost:8080/paid?session_id={paid_id}"));

    let (expired_id, url) = session_id(&sim).await;
    let expired: Value = http().post(format!("{base}/_sim/sessions/{expired_id}/expire")).send().await.unwrap().json().await.unwrap();
    assert_eq!(expired["session"]["status"], "expired");
    let page = http().get(&url).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::GONE);
    assert!(page.text().await.unwrap().contains("This checkout session has expired"));
    assert_eq!(http().post(format!("{base}/_sim/sessions/{expired_id}/pay")).send().await.unwrap().status(), StatusCode::CONFLICT);
    assert_eq!(http().post(format!("{base}/_sim/sessions/cs_test_nope/expire")).send().await.unwrap().status(), StatusCode::NOT_FOUND);

    let events: Value = http().get(format!("{base}/_sim/events")).send().await.unwrap().json().await.unwrap();
    let types: Vec<&str> = events["data"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["checkout.session.completed", "checkout.session.expired"]);
    assert_eq!(events["data"][0]["delivery"], "no_endpoint");
    let event_id = events["data"][1]["id"].as_str().unwrap();
    let event = http().get(format!("{base}/v1/events/{event_id}")).bearer_auth(API_KEY).send().await.unwrap();
    assert_eq!(event.json::<Value>().await.unwrap()["data"]["object"]["id"], expired_id.as_str());
    sim.stop().await;
}

#[tokio::test]
async fn the_request_log_and_fault_queue_are_reachable_over_http() {
    let sim = simulator(None).await;
    let base = sim.base_url().to_owned();
    let queued = http()
        .post(format!("{base}/_sim/faults"))
        .json(&json!({ "next": [{ "status": 500 }, { "status": 502, "should_retry": true }] }))
        .send()
        .await
        .unwrap();
    assert_eq!(queued.status(), StatusCode::CREATED);
    let refused = http().post(format!("{base}/_sim/faults")).json(&json!({ "next": [{ "status": 200 }] })).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert_eq!(http().post(format!("{base}/_sim/faults")).body("{").send().await.unwrap().status(), StatusCode::BAD_REQUEST);

    let first = create_session(&sim, Some("k-1")).await;
    assert_eq!(first.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(first.json::<Value>().await.unwrap()["error"]["type"], "api_error");
    let second = create_session(&sim, Some("k-1")).await;
    assert_eq!(second.status(), StatusCode::BAD_GATEWAY);
    assert_eq!(second.headers()["stripe-should-retry"], "true");
    let third = create_session(&sim, Some("k-1")).await;
    assert_eq!(third.status(), StatusCode::OK, "faults are not stored under the idempotency key");
    let replay = create_session(&sim, Some("k-1")).await;
    assert_eq!(replay.headers()["idempotent-replayed"], "true");
    assert_eq!(replay.headers()["request-id"], third.headers()["request-id"]);

    let log: Value = http().get(format!("{base}/_sim/requests")).send().await.unwrap().json().await.unwrap();
    let data = log["data"].as_array().unwrap();
    assert_eq!(data.len(), 4);
    assert_eq!(data[0]["headers"]["Idempotency-Key"], "k-1");
    assert_eq!(data[0]["fault"]["status"], 500);
    assert_eq!(data[0]["params"]["line_items"][0]["price_data"]["unit_amount"], "4500");
    assert_eq!(data[3]["idempotent_replayed"], true);
    assert!(!log.to_string().contains(API_KEY), "the key is masked in the log");
    assert_eq!(http().delete(format!("{base}/_sim/requests")).send().await.unwrap().status(), StatusCode::NO_CONTENT);
    assert!(sim.requests().is_empty());
    sim.stop().await;
}

#[tokio::test]
async fn webhooks_are_retried_with_fresh_signatures_until_the_endpoint_answers_2xx() {
    let receiver = Receiver::start(2).await;
    let sim = simulator(Some(receiver.url.clone())).await;
    let (id, _) = session_id(&sim).await;
    sim.pay(&id).unwrap();

    let deliveries = receiver.wait_for(3).await;
    assert!(deliveries.iter().all(|d| d.body == deliveries[0].body), "the same event each time");
    for delivery in &deliveries {
        Webhook::construct_event(&delivery.body, &delivery.signature, WEBHOOK_SECRET).expect("signed");
    }
    let event = eventually("the delivery to be recorded", || {
        let events = sim.events();
        async move { events.into_iter().next().filter(|e| e.delivery == DeliveryStatus::Delivered) }
    })
    .await;
    assert_eq!(event.attempts.iter().map(|a| a.status).collect::<Vec<_>>(), [Some(500), Some(500), Some(200)]);

    let resent = http().post(format!("{}/_sim/events/{}/resend", sim.base_url(), event.id)).send().await.unwrap();
    assert_eq!(resent.status(), StatusCode::ACCEPTED);
    let deliveries = receiver.wait_for(4).await;
    assert_eq!(deliveries[3].body, deliveries[0].body, "a duplicate delivery, as Stripe may send");
    sim.stop().await;
}

#[tokio::test]
async fn webhooks_to_an_unreachable_endpoint_are_marked_failed_after_the_last_attempt() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let sim = simulator_with(|config| {
        config.webhook_url = Some(format!("http://{closed}/webhooks"));
        config.webhook_max_attempts = 3;
    })
    .await;
    let (id, _) = session_id(&sim).await;
    let started = std::time::Instant::now();
    let answer = sim.pay(&id);
    assert!(answer.is_ok() && started.elapsed() < Duration::from_secs(1), "delivery never blocks the caller");
    let event = eventually("the delivery to fail", || {
        let events = sim.events();
        async move { events.into_iter().next().filter(|e| e.delivery == DeliveryStatus::Failed) }
    })
    .await;
    assert_eq!(event.attempts.len(), 3);
    assert!(event.attempts.iter().all(|a| a.status.is_none() && a.error.is_some()));
    sim.stop().await;
}

#[tokio::test]
async fn bad_requests_get_stripe_shaped_errors() {
    let sim = simulator(None).await;
    let base = sim.base_url().to_owned();
    let no_key = http().get(format!("{base}/v1/checkout/sessions/cs_test_x")).send().await.unwrap();
    assert_eq!(no_key.status(), StatusCode::UNAUTHORIZED);
    assert!(no_key.json::<Value>().await.unwrap()["error"]["message"].as_str().unwrap().contains("did not provide an API key"));

    let as_json =
        http().post(format!("{base}/v1/refunds")).bearer_auth(API_KEY).json(&json!({ "payment_intent": "pi_1" })).send().await.unwrap();
    assert_eq!(as_json.status(), StatusCode::BAD_REQUEST);
    assert_eq!(as_json.json::<Value>().await.unwrap()["error"]["type"], "invalid_request_error");

    let form = |body: &'static str| {
        http()
            .post(format!("{base}/v1/checkout/sessions"))
            .bearer_auth(API_KEY)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
    };
    for (body, param) in [
        ("mode=payment&line_items[0][quantity=1", Value::Null),
        ("mode=payment", json!("line_items")),
        (
            "mode=payment&line_items[0][quantity]=1&line_items[0][price_data][currency]=eur&line_items[0][price_data][unit_amount]=abc",
            json!("line_items[0][price_data][unit_amount]"),
        ),
        ("mode=payment&surprise=1", json!("surprise")),
    ] {
        let response = form(body).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body}");
        let error = response.json::<Value>().await.unwrap();
        assert_eq!(error["error"]["type"], "invalid_request_error", "{body}");
        assert_eq!(error["error"].get("param").cloned().unwrap_or(Value::Null), param, "{body}");
    }

    let unknown = http().get(format!("{base}/v1/customers/cus_1")).bearer_auth(API_KEY).send().await.unwrap();
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert!(unknown.json::<Value>().await.unwrap()["error"]["message"].as_str().unwrap().starts_with("Unrecognized request URL"));
    assert_eq!(http().get(format!("{base}/favicon.ico")).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    assert_eq!(sim.requests().len(), 7, "only /v1 requests are logged");
    sim.stop().await;
}

#[tokio::test]
async fn a_stopped_simulator_frees_its_port() {
    let sim = simulator(None).await;
    let addr = sim.local_addr();
    assert_eq!(http().get(format!("{}/_sim/health", sim.base_url())).send().await.unwrap().text().await.unwrap(), "ok");
    sim.stop().await;
    assert!(http().get(format!("http://{addr}/_sim/health")).send().await.is_err());
    assert!(std::net::TcpListener::bind(addr).is_ok(), "the port is free again");
}

#[tokio::test]
async fn the_simulator_clock_only_moves_forward_and_never_overflows() {
    let sim = simulator(None).await;
    let clock = format!("{}/_sim/clock", sim.base_url());
    let (_, url) = session_id(&sim).await;
    let moved: Value = http().post(&clock).json(&json!({ "advance_seconds": 1860 })).send().await.unwrap().json().await.unwrap();
    assert_eq!(moved["offset_seconds"], 1860);
    assert!(moved["now"].as_i64().unwrap() >= now() + 1860);
    assert_eq!(http().post(&clock).json(&json!({ "advance_seconds": -5 })).send().await.unwrap().status(), StatusCode::BAD_REQUEST);
    let far = http().post(&clock).json(&json!({ "advance_seconds": i64::MAX })).send().await.unwrap();
    assert_eq!(far.status(), StatusCode::OK);
    assert_eq!(http().get(&url).send().await.unwrap().status(), StatusCode::GONE, "still serving; the session is long expired");
    sim.stop().await;
}
