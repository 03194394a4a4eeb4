//! The hosted checkout page (`GET /checkout/{id}`) and its buttons: plain, accessible HTML
//! standing in for Stripe Checkout, with a clear notice that no real payment happens.

use std::fmt::Write as _;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use crate::error::SimError;
use crate::model::{Session, SessionStatus, format_amount};
use crate::sim::Sim;

/// `GET /checkout/{id}`.
pub(crate) async fn show(State(sim): State<Arc<Sim>>, Path(id): Path<String>) -> Response {
    // The ticker may not have run yet: a session past its expiry shows as expired.
    sim.change(|state, now| {
        if state.session(&id).is_some_and(|s| s.status == SessionStatus::Open && s.expires_at <= now) {
            let _ = state.expire_session(&id, now, &Default::default());
        }
    });
    let state = sim.lock();
    match state.session(&id) {
        None => not_found(&sim.business_name),
        Some(session) => match session.status {
            SessionStatus::Open => html(StatusCode::OK, &pay_page(&sim.business_name, session)),
            SessionStatus::Complete => completed_page(&sim.business_name, session),
            SessionStatus::Expired => expired_page(&sim.business_name, session),
        },
    }
}

/// `POST /checkout/{id}/pay`: pays, then 303 to `success_url`.
pub(crate) async fn pay(State(sim): State<Arc<Sim>>, Path(id): Path<String>) -> Response {
    match sim.change(|state, now| state.pay_session(&id, now)) {
        Ok(paid) => {
            tracing::info!(session = id, "checkout session paid on the hosted page");
            match paid.redirect {
                Some(url) => Redirect::to(&url).into_response(),
                None => {
                    let state = sim.lock();
                    match state.session(&id) {
                        Some(session) => completed_page(&sim.business_name, session),
                        None => not_found(&sim.business_name),
                    }
                }
            }
        }
        // A second click after paying lands where the first did.
        Err(SimError::NotOpen { .. }) => {
            let state = sim.lock();
            match state.session(&id) {
                Some(session) if session.status == SessionStatus::Complete => match session.success_redirect() {
                    Some(url) => Redirect::to(&url).into_response(),
                    None => completed_page(&sim.business_name, session),
                },
                Some(session) => expired_page(&sim.business_name, session),
                None => not_found(&sim.business_name),
            }
        }
        Err(_) => not_found(&sim.business_name),
    }
}

/// `POST /checkout/{id}/cancel`: 303 to `cancel_url`; the session stays open until it expires.
pub(crate) async fn cancel(State(sim): State<Arc<Sim>>, Path(id): Path<String>) -> Response {
    let state = sim.lock();
    let Some(session) = state.session(&id) else {
        return not_found(&sim.business_name);
    };
    match session.cancel_redirect() {
        Some(url) => Redirect::to(&url).into_response(),
        None => html(
            StatusCode::OK,
            &layout(
                &sim.business_name,
                "Payment cancelled",
                "<h1>Payment cancelled</h1><p>No payment was taken. You can close this page.</p>",
            ),
        ),
    }
}

fn pay_page(business: &str, session: &Session) -> String {
    let total = format_amount(session.amount_total(), &session.currency);
    let mut items = String::new();
    for item in &session.line_items {
        let line_total = format_amount(item.unit_amount.saturating_mul(item.quantity), &session.currency);
        let _ = write!(
            items,
            r#"<li><span class="item-name">{name}</span>{description}<span class="item-qty">Quantity {quantity}</span><span class="item-price">{line_total}</span></li>"#,
            name = escape(&item.name),
            description =
                item.description.as_deref().map(|d| format!(r#"<span class="item-desc">{}</span>"#, escape(d))).unwrap_or_default(),
            quantity = item.quantity,
        );
    }
    let expires =
        chrono::DateTime::from_timestamp(session.expires_at, 0).map(|at| at.format("%Y-%m-%d %H:%M UTC").to_string()).unwrap_or_default();
    let id = escape(&session.id);
    let body = format!(
        r#"<p class="merchant">{business}</p>
<h1>Pay <span class="amount">{total}</span></h1>
<section aria-labelledby="summary-title">
  <h2 id="summary-title">Order summary</h2>
  <ul class="items">{items}</ul>
  <p class="total"><span>Total due</span> <strong>{total}</strong></p>
</section>
<section aria-labelledby="method-title">
  <h2 id="method-title">Payment method</h2>
  <p>Simulated test card: Visa •••• 4242. No card details are asked for or stored.</p>
</section>
<p class="expires">This payment page expires on {expires}.</p>
<div class="actions">
  <form method="post" action="/checkout/{id}/pay"><button type="submit" class="pay">Pay {total}</button></form>
  <form method="post" action="/checkout/{id}/cancel"><button type="submit" class="cancel">Cancel and return to {business}</button></form>
</div>"#,
        business = escape(business),
    );
    layout(business, &format!("Pay {total} – {business}"), &body)
}

fn completed_page(business: &str, session: &Session) -> Response {
    let link = session
        .success_redirect()
        .map(|url| format!(r#"<p><a href="{}">Return to {}</a></p>"#, escape(&url), escape(business)))
        .unwrap_or_default();
    let total = format_amount(session.amount_total(), &session.currency);
    let body = format!("<h1>Payment complete</h1><p>This checkout session is already paid ({total}).</p>{link}");
    html(StatusCode::OK, &layout(business, "Payment complete", &body))
}

fn expired_page(business: &str, session: &Session) -> Response {
    let link = session
        .cancel_redirect()
        .map(|url| format!(r#"<p><a href="{}">Return to {}</a></p>"#, escape(&url), escape(business)))
        .unwrap_or_default();
    let body = format!(
        "<h1>This checkout session has expired</h1><p>The payment window has closed; no payment was taken. \
         Start again from your booking to get a new payment page.</p>{link}"
    );
    html(StatusCode::GONE, &layout(business, "Checkout session expired", &body))
}

fn not_found(business: &str) -> Response {
    let body = "<h1>Payment page not found</h1><p>There is no checkout session at this address.</p>";
    html(StatusCode::NOT_FOUND, &layout(business, "Payment page not found", body))
}

fn layout(business: &str, title: &str, body: &str) -> String {
    format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
  body {{ margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1a1f36; background: #f6f8fa; line-height: 1.5; }}
  .notice {{ margin: 0; background: #fff4d6; color: #4a3600; border-bottom: 2px solid #d9a400; padding: .75rem 1rem; text-align: center; }}
  main {{ max-width: 32rem; margin: 2rem auto; background: #fff; border: 1px solid #d5dbe1; border-radius: .5rem; padding: 1.5rem 2rem; }}
  .merchant {{ font-weight: 600; color: #3c4257; margin: 0; }}
  h1 {{ font-size: 1.75rem; margin: .25rem 0 1rem; }}
  h2 {{ font-size: 1rem; margin: 1.25rem 0 .5rem; }}
  .items {{ list-style: none; padding: 0; margin: 0; }}
  .items li {{ display: grid; grid-template-columns: 1fr auto; gap: .1rem 1rem; padding: .5rem 0; border-bottom: 1px solid #e3e8ee; }}
  .item-name {{ font-weight: 600; }} .item-price {{ grid-column: 2; grid-row: 1; font-weight: 600; }}
  .item-desc, .item-qty {{ grid-column: 1; color: #4f566b; font-size: .9rem; }}
  .total {{ display: flex; justify-content: space-between; font-size: 1.1rem; margin: .75rem 0 0; }}
  .expires {{ color: #4f566b; font-size: .9rem; }}
  .actions {{ display: grid; gap: .75rem; margin-top: 1.5rem; }}
  button {{ width: 100%; font: inherit; font-weight: 600; padding: .75rem 1rem; border-radius: .375rem; cursor: pointer; }}
  .pay {{ background: #0a2540; color: #fff; border: 2px solid #0a2540; }}
  .cancel {{ background: #fff; color: #0a2540; border: 2px solid #8792a2; }}
  button:focus-visible, a:focus-visible {{ outline: 3px solid #d9a400; outline-offset: 2px; }}
  a {{ color: #0a2540; }}
</style>
</head>
<body>
<p class="notice" role="note"><strong>Stripe simulator — no real payment.</strong> This page stands in for Stripe Checkout on a development machine: nothing is charged.</p>
<main>
{body}
</main>
<footer class="notice" aria-label="About this page"><small>{business} · local Stripe simulator</small></footer>
</body>
</html>
"#,
        title = escape(title),
        business = escape(business),
    )
}

fn html(status: StatusCode, page: &str) -> Response {
    let mut response = (status, page.to_owned()).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Escapes text for HTML content and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::model::LineItem;

    #[test]
    fn the_pay_page_shows_amount_items_and_the_notice_and_escapes_text() {
        let session = Session {
            id: "cs_test_1".into(),
            created: 0,
            expires_at: 1_800_000_000,
            status: SessionStatus::Open,
            currency: "eur".into(),
            line_items: vec![LineItem {
                name: "Reservation <YCW-1>".into(),
                description: Some("Compact \"CDMR\"".into()),
                unit_amount: 4500,
                quantity: 2,
            }],
            metadata: BTreeMap::new(),
            client_reference_id: None,
            customer_email: None,
            locale: None,
            success_url: None,
            cancel_url: None,
            payment_intent: None,
            payment_intent_metadata: BTreeMap::new(),
            payment_intent_description: None,
        };
        let page = pay_page("Your Car Your Way", &session);
        assert!(page.contains("<title>Pay €90.00 – Your Car Your Way</title>"));
        assert!(page.contains("Stripe simulator — no real payment."));
        assert!(page.contains("Reservation &lt;YCW-1&gt;") && page.contains("Compact &quot;CDMR&quot;"));
        assert!(page.contains(r#"action="/checkout/cs_test_1/pay""#) && page.contains("Pay €90.00</button>"));
        assert!(page.contains(r#"<html lang="en">"#));
    }
}
