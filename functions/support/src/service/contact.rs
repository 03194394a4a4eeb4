//! The contact form (DESIGN §6): anyone may write (rate-limited per client address, like
//! sign-in); the request is stored, the sender gets an acknowledgement in the form's language
//! and support a notification, both queued in the request's transaction; support lists the
//! requests and marks them handled.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use ycyw_shared::ApiError;
use ycyw_shared::domain::{Email, FieldErrors, InvalidValue, Page, PageQuery, Pagination, single_line};
use ycyw_shared::mail::{self, EmailJob, Locale, TemplateSource};

use super::Ctx;
use crate::model::{Actor, MAX_SUBJECT, body};

const RECEIVED: TemplateSource = ycyw_shared::mail_template!("contact_received", "../../templates");
const NOTICE: TemplateSource = ycyw_shared::mail_template!("contact_notice", "../../templates");

/// Every template of the module (tests render each in both languages).
pub const TEMPLATES: [TemplateSource; 2] = [RECEIVED, NOTICE];

/// `POST /support/contact-requests`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewContactRequest {
    /// The sender's name (1–100 characters).
    pub name: String,
    /// Where the answer goes.
    pub email: String,
    /// 1–200 characters.
    pub subject: String,
    /// 1–5000 characters.
    pub message: String,
    /// A booking reference (`YCW-XXXXXX`), when it is about one.
    #[serde(default)]
    pub reservation_reference: Option<String>,
    /// The language of the acknowledgement (`en` or `fr`; default `en`).
    #[serde(default)]
    pub locale: Option<String>,
}

/// `202` to the contact form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ContactAccepted {
    /// The request's id.
    pub id: Uuid,
    /// When it was received.
    pub received_at: DateTime<Utc>,
}

/// A contact request, as support sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ContactRequestView {
    /// Its id.
    pub id: Uuid,
    /// The sender's name.
    pub name: String,
    /// The sender's address.
    pub email: String,
    /// The subject.
    pub subject: String,
    /// The message.
    pub message: String,
    /// The booking reference given.
    pub reservation_reference: Option<String>,
    /// The form's language.
    pub locale: String,
    /// When it arrived.
    pub created_at: DateTime<Utc>,
    /// When support marked it handled.
    pub handled_at: Option<DateTime<Utc>>,
    /// Who did.
    pub handled_by: Option<Uuid>,
}

/// `GET /support/contact-requests` query.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ContactQuery {
    /// `handled` or `unhandled` (default: both).
    pub status: Option<String>,
    /// Items per page, 1 to 100 (default 20).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    /// `nextCursor` of the previous page.
    pub cursor: Option<String>,
}

/// A booking reference as the client typed it: `YCW-` and six letters or digits.
fn reference(raw: &str) -> Result<String, InvalidValue> {
    let upper = raw.trim().to_ascii_uppercase();
    let ok = upper.len() == 10 && upper.starts_with("YCW-") && upper[4..].bytes().all(|b| b.is_ascii_alphanumeric());
    if ok { Ok(upper) } else { Err(InvalidValue::new("invalid_reference", "a booking reference looks like YCW-7K2M9Q")) }
}

struct ContactInput {
    name: String,
    email: String,
    subject: String,
    message: String,
    reservation_reference: Option<String>,
    locale: Locale,
}

impl NewContactRequest {
    fn validate(&self) -> Result<ContactInput, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.check("name", single_line(&self.name, 100));
        let email = errors.check("email", Email::parse(&self.email));
        let subject = errors.check("subject", single_line(&self.subject, MAX_SUBJECT));
        let message = errors.check("message", body(&self.message));
        let reservation_reference = match self.reservation_reference.as_deref().map(str::trim) {
            None | Some("") => Some(None),
            Some(raw) => errors.check("reservationReference", reference(raw).map(Some)),
        };
        let locale = match self.locale.as_deref().map(str::trim) {
            None | Some("") => Some(Locale::En),
            Some(raw) => errors.check("locale", raw.parse::<Locale>().map_err(|_| InvalidValue::invalid("en or fr"))),
        };
        errors.finish()?;
        Ok(ContactInput {
            name: name.unwrap_or_default(),
            email: email.map(|e| e.as_str().to_string()).unwrap_or_default(),
            subject: subject.unwrap_or_default(),
            message: message.unwrap_or_default(),
            reservation_reference: reservation_reference.flatten(),
            locale: locale.unwrap_or_default(),
        })
    }
}

/// Stores a contact request and queues its two emails.
pub async fn submit(ctx: &Ctx, request: &NewContactRequest) -> Result<ContactAccepted, ApiError> {
    let input = request.validate()?;
    let now = ctx.now();
    let id = Uuid::now_v7();
    let link = |path: &str| ctx.state.settings.public_url.join(path).map(|u| u.to_string()).unwrap_or_default();
    let mut params = BTreeMap::new();
    params.insert("name".to_string(), input.name.clone());
    params.insert("subject".to_string(), input.subject.clone());
    params.insert("message".to_string(), input.message.clone());
    params.insert("link".to_string(), link("account"));
    let received =
        EmailJob::compose(input.email.clone(), input.locale, &RECEIVED, params.clone()).map_err(|e| ApiError::Internal(e.into()))?;
    params.insert("email".to_string(), input.email.clone());
    params.insert("locale".to_string(), input.locale.tag().to_string());
    params.insert("reservation".to_string(), input.reservation_reference.clone().unwrap_or_else(|| "—".into()));
    params.insert("link".to_string(), link("support/contact-requests"));
    let notice =
        EmailJob::compose(ctx.settings.support_email.clone(), Locale::En, &NOTICE, params).map_err(|e| ApiError::Internal(e.into()))?;
    let mut tx = ctx.state.db.begin().await?;
    sqlx::query!(
        "INSERT INTO contact_requests (id, name, email, subject, message, reservation_reference, locale, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        id,
        input.name,
        input.email,
        input.subject,
        input.message,
        input.reservation_reference,
        input.locale,
        now
    )
    .execute(&mut *tx)
    .await?;
    mail::enqueue(&mut tx, &received, now).await?;
    mail::enqueue(&mut tx, &notice, now).await?;
    tx.commit().await?;
    tracing::info!(contact_request = %id, "contact request received");
    Ok(ContactAccepted { id, received_at: now })
}

/// `query_as!` of [`Row`]s: every column `FROM contact_requests`, then `$rest`.
macro_rules! contact_requests {
    ($rest:tt, $($arg:expr),* $(,)?) => {
        sqlx::query_as!(
            Row,
            r#"SELECT id AS "id: Uuid", name, email, subject, message, reservation_reference, locale,
                      created_at AS "created_at: DateTime<Utc>", handled_at AS "handled_at: DateTime<Utc>", handled_by AS "handled_by: Uuid"
               FROM contact_requests "# + $rest,
            $($arg),*
        )
    };
}

struct Row {
    id: Uuid,
    name: String,
    email: String,
    subject: String,
    message: String,
    reservation_reference: Option<String>,
    locale: String,
    created_at: DateTime<Utc>,
    handled_at: Option<DateTime<Utc>>,
    handled_by: Option<Uuid>,
}

impl From<Row> for ContactRequestView {
    fn from(r: Row) -> Self {
        Self {
            id: r.id,
            name: r.name,
            email: r.email,
            subject: r.subject,
            message: r.message,
            reservation_reference: r.reservation_reference,
            locale: r.locale,
            created_at: r.created_at,
            handled_at: r.handled_at,
            handled_by: r.handled_by,
        }
    }
}

fn support_only(actor: Actor) -> Result<(), ApiError> {
    if actor.is_support() {
        Ok(())
    } else {
        Err(ApiError::Forbidden { code: "forbidden", detail: "contact requests are support's".into() })
    }
}

/// A page of contact requests, newest first.
pub async fn list(ctx: &Ctx, actor: Actor, query: &ContactQuery) -> Result<Page<ContactRequestView>, ApiError> {
    support_only(actor)?;
    let mut errors = FieldErrors::new();
    let handled = match query.status.as_deref().map(str::trim) {
        None | Some("") => Some(None),
        Some("handled") => Some(Some(true)),
        Some("unhandled") => Some(Some(false)),
        Some(_) => errors.check("status", Err::<Option<bool>, _>(InvalidValue::invalid("handled or unhandled"))),
    };
    let pagination = errors.merge(Pagination::parse(&PageQuery { limit: query.limit.clone(), cursor: query.cursor.clone() }));
    errors.finish()?;
    let (handled, pagination) = (handled.flatten(), pagination.unwrap_or(Pagination { limit: 20, after: None }));
    let (at, after_id) = super::time_cursor(&pagination)?.unzip();
    let rows = contact_requests!(
        "WHERE (? IS NULL OR (handled_at IS NOT NULL) = ?) AND (? IS NULL OR (created_at, id) < (?, ?))
         ORDER BY created_at DESC, id DESC LIMIT ?",
        handled,
        handled,
        at,
        at,
        after_id,
        pagination.fetch()
    )
    .fetch_all(&ctx.state.db)
    .await?;
    let page = super::time_page(&pagination, rows, |row| (row.created_at, row.id));
    Ok(Page { items: page.items.into_iter().map(ContactRequestView::from).collect(), next_cursor: page.next_cursor })
}

/// Support marks request `id` handled (again: unchanged).
pub async fn handle(ctx: &Ctx, actor: Actor, id: Uuid) -> Result<ContactRequestView, ApiError> {
    support_only(actor)?;
    let now = ctx.now();
    sqlx::query!("UPDATE contact_requests SET handled_at = ?, handled_by = ? WHERE id = ? AND handled_at IS NULL", now, actor.id, id)
        .execute(&ctx.state.db)
        .await?;
    let row = contact_requests!("WHERE id = ?", id).fetch_optional(&ctx.state.db).await?.ok_or(ApiError::NotFound)?;
    Ok(row.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::MAX_BODY;

    #[test]
    fn references_are_normalised_or_refused() {
        assert_eq!(reference(" ycw-7k2m9q "), Ok("YCW-7K2M9Q".to_string()));
        for bad in ["YCW-7K2M9", "ABC-7K2M9Q", "YCW-7K2M9Q1", "YCW-7K2M9é"] {
            assert!(reference(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn both_templates_render_in_both_languages_with_every_parameter() {
        let params: BTreeMap<String, String> = ["name", "subject", "message", "link", "email", "locale", "reservation"]
            .into_iter()
            .map(|k| (k.to_string(), format!("<{k}>")))
            .collect();
        for template in TEMPLATES {
            for locale in [Locale::En, Locale::Fr] {
                let rendered = mail::render_source(&template, locale, &params).unwrap();
                assert!(!rendered.text.contains("{{"), "{} {locale}: every placeholder filled", template.name);
                assert!(rendered.html.contains("&lt;subject&gt;"), "{} {locale}: escaped in HTML", template.name);
            }
        }
    }

    #[test]
    fn the_form_names_each_bad_field() {
        let request = NewContactRequest {
            name: "".into(),
            email: "nobody".into(),
            subject: "Hi".into(),
            message: "x".repeat(MAX_BODY + 1),
            reservation_reference: Some("nope".into()),
            locale: Some("de".into()),
        };
        let fields: Vec<String> = request.validate().err().unwrap().into_vec().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["name", "email", "message", "reservationReference", "locale"]);
    }
}
