//! Localized emails and how they leave: SMTP (TLS required in production) when `SMTP_URL` is set,
//! `.eml` files in `DEV_MAILBOX_DIR` otherwise. Emails are sent by the worker from `send_email`
//! jobs, enqueued with [`enqueue`] in the transaction of the change they announce; [`MailModule`]
//! is the module that owns those jobs (their handler, and their part in account export and
//! deletion).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use sqlx::MySqlConnection;

use crate::config::{SecretKey, Settings};
use crate::jobs::JobSpec;
use crate::queue::{self, Enqueued};

mod module;

pub use module::{DEAD_MAIL_RETENTION, EraseDeadMail, MailModule, SendEmail};

/// The languages emails are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    /// English.
    #[default]
    En,
    /// French.
    Fr,
}

crate::text_enum!(Locale { En => "en", Fr => "fr" });

impl Locale {
    /// The BCP 47 tag (also the stored name).
    pub fn tag(self) -> &'static str {
        self.as_str()
    }
}

/// The emails the product sends. Each has an English and a French text and HTML version under
/// `shared/templates/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Template {
    /// Confirm the address of a new account (`first_name`, `link`).
    VerifyEmail,
    /// Choose a new password (`first_name`, `link`).
    PasswordReset,
    /// Someone registered with the address of an existing account (`first_name`, `link` to reset).
    AccountExists,
    /// The account was deleted at the user's request (`first_name`).
    AccountDeleted,
    /// A staff account was created; choose a password (`role`, `link`).
    StaffInvite,
}

impl Template {
    /// Every template.
    pub const ALL: [Template; 5] =
        [Template::VerifyEmail, Template::PasswordReset, Template::AccountExists, Template::AccountDeleted, Template::StaffInvite];
}

/// The texts of one email in both languages: what a module brings for each email it sends
/// (the platform's own are the [`Template`]s). The text version's first line is the subject,
/// then a blank line, then the body; the HTML version is the body, set in the shared layout.
/// `{{name}}` placeholders are filled from the job's parameters (HTML-escaped in the HTML).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TemplateSource {
    /// The email's name (`verify_email`, `reservation_confirmed`, …), kept in the job.
    pub name: &'static str,
    /// English text version.
    pub en_text: &'static str,
    /// English HTML body.
    pub en_html: &'static str,
    /// French text version.
    pub fr_text: &'static str,
    /// French HTML body.
    pub fr_html: &'static str,
}

impl TemplateSource {
    fn texts(&self, locale: Locale) -> (&'static str, &'static str) {
        match locale {
            Locale::En => (self.en_text, self.en_html),
            Locale::Fr => (self.fr_text, self.fr_html),
        }
    }
}

/// The [`TemplateSource`] of `dir/<name>.{en,fr}.{txt,html}`, with `dir` relative to the file that
/// invokes the macro: `mail_template!("reservation_confirmed", "../templates")`.
#[macro_export]
macro_rules! mail_template {
    ($name:literal, $dir:literal) => {
        $crate::mail::TemplateSource {
            name: $name,
            en_text: include_str!(concat!($dir, "/", $name, ".en.txt")),
            en_html: include_str!(concat!($dir, "/", $name, ".en.html")),
            fr_text: include_str!(concat!($dir, "/", $name, ".fr.txt")),
            fr_html: include_str!(concat!($dir, "/", $name, ".fr.html")),
        }
    };
}

const LAYOUT: &str = include_str!("../../templates/layout.html");

impl Template {
    /// Its texts.
    pub fn source(self) -> TemplateSource {
        match self {
            Template::VerifyEmail => crate::mail_template!("verify_email", "../../templates"),
            Template::PasswordReset => crate::mail_template!("password_reset", "../../templates"),
            Template::AccountExists => crate::mail_template!("account_exists", "../../templates"),
            Template::AccountDeleted => crate::mail_template!("account_deleted", "../../templates"),
            Template::StaffInvite => crate::mail_template!("staff_invite", "../../templates"),
        }
    }
}

/// The payload of a `send_email` job: the email as rendered when it was queued (so the worker
/// needs no module's templates, and a queued email keeps the text it was queued with), with the
/// name of its template and its parameters for the user's data export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailJob {
    /// Recipient address.
    pub to: String,
    /// Language of the email.
    pub locale: Locale,
    /// Which email ([`TemplateSource::name`]).
    pub template: String,
    /// Values of the template's placeholders.
    pub params: BTreeMap<String, String>,
    /// The rendered email.
    pub rendered: Rendered,
}

impl EmailJob {
    /// One of the platform's emails to `to`.
    pub fn new(to: impl Into<String>, locale: Locale, template: Template, params: BTreeMap<String, String>) -> Result<Self, MailError> {
        Self::compose(to, locale, &template.source(), params)
    }

    /// The email of `source` to `to`, rendered now; a missing parameter is an error here, at
    /// the sender, not in the worker.
    pub fn compose(
        to: impl Into<String>,
        locale: Locale,
        source: &TemplateSource,
        params: BTreeMap<String, String>,
    ) -> Result<Self, MailError> {
        let rendered = render_source(source, locale, &params)?;
        Ok(Self { to: to.into(), locale, template: source.name.to_string(), params, rendered })
    }
}

/// A rendered email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rendered {
    /// Subject line.
    pub subject: String,
    /// Plain-text part.
    pub text: String,
    /// HTML part.
    pub html: String,
}

/// Why an email could not be rendered or sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The job lacks a value the template needs (never fixed by retrying).
    #[error("template parameter {0} is missing")]
    MissingParam(String),
    /// The recipient or sender is not a valid address (never fixed by retrying).
    #[error("invalid address: {0}")]
    Address(String),
    /// Configuration is unusable.
    #[error("mail configuration: {0}")]
    Config(String),
    /// The server refused the message for good (5xx).
    #[error("smtp permanent failure: {0}")]
    Permanent(String),
    /// The server or the network failed; a retry may succeed.
    #[error("mail transport failure: {0}")]
    Transient(String),
}

impl MailError {
    /// True when retrying cannot help.
    pub fn is_permanent(&self) -> bool {
        matches!(self, MailError::MissingParam(_) | MailError::Address(_) | MailError::Config(_) | MailError::Permanent(_))
    }
}

/// Renders `{{name}}` placeholders; values are HTML-escaped in the HTML part.
pub fn render(template: Template, locale: Locale, params: &BTreeMap<String, String>) -> Result<Rendered, MailError> {
    render_source(&template.source(), locale, params)
}

/// Renders `source` in `locale` (see [`render`]).
pub fn render_source(source: &TemplateSource, locale: Locale, params: &BTreeMap<String, String>) -> Result<Rendered, MailError> {
    let (text_source, html_source) = source.texts(locale);
    let text = fill(text_source, params, |v| v.to_string())?;
    let (subject, body) = text.split_once("\n\n").unwrap_or((text.as_str(), ""));
    let subject = subject.trim().to_string();
    let content = fill(html_source, params, html_escape)?;
    let mut layout_params = BTreeMap::new();
    layout_params.insert("lang".to_string(), locale.tag().to_string());
    layout_params.insert("subject".to_string(), subject.clone());
    let html = fill(LAYOUT, &layout_params, html_escape)?.replace("{{content}}", &content);
    Ok(Rendered { subject, text: body.trim_start().to_string(), html })
}

fn fill(source: &str, params: &BTreeMap<String, String>, escape: impl Fn(&str) -> String) -> Result<String, MailError> {
    let mut out = String::with_capacity(source.len());
    let mut rest = source;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            return Ok(out);
        };
        let name = after[..end].trim();
        if name == "content" {
            out.push_str("{{content}}");
        } else {
            let value = params.get(name).ok_or_else(|| MailError::MissingParam(name.to_string()))?;
            out.push_str(&escape(value));
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

fn html_escape(value: &str) -> String {
    value.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

impl JobSpec for EmailJob {
    const KIND: &'static str = "send_email";
    // The address, names and link tokens are needed to send, not afterwards.
    const ERASE_WHEN_DONE: bool = true;
}

/// Queues `email` as a `send_email` job through `conn` (the caller's transaction).
pub async fn enqueue(conn: &mut MySqlConnection, email: &EmailJob, now: DateTime<Utc>) -> Result<Enqueued, sqlx::Error> {
    let job = email.to_job().map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    queue::enqueue(conn, job, now).await
}

/// Sends rendered emails.
#[derive(Debug, Clone)]
pub struct Mailer {
    from: Mailbox,
    transport: Transport,
}

#[derive(Debug, Clone)]
enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(PathBuf),
}

impl Mailer {
    /// SMTP when `SMTP_URL` is set (credentials: the URL's user with `SMTP_PASSWORD` when that
    /// secret exists); the dev mailbox folder otherwise. Production refuses a mailbox folder and
    /// SMTP without TLS.
    pub fn from_settings(settings: &Settings) -> Result<Self, MailError> {
        let from: Mailbox = settings.mail_from.parse().map_err(|_| MailError::Config("MAIL_FROM is not a valid mailbox".into()))?;
        let transport = match &settings.smtp_url {
            Some(url) => {
                let parsed = url::Url::parse(url).map_err(|_| MailError::Config("SMTP_URL is not a valid URL".into()))?;
                let tls = parsed.scheme() == "smtps" || parsed.query_pairs().any(|(k, v)| k == "tls" && v == "required");
                if settings.is_prod() && !tls {
                    return Err(MailError::Config("SMTP_URL must use TLS in production (smtps:// or ?tls=required)".into()));
                }
                let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|_| MailError::Config("SMTP_URL is not a valid SMTP URL".into()))?
                    .timeout(Some(Duration::from_secs(30)));
                if let Some(password) = settings.secrets.get(SecretKey::SmtpPassword) {
                    let user = percent_decode(parsed.username());
                    builder = builder.credentials(Credentials::new(user, password.expose_secret().to_string()));
                }
                Transport::Smtp(builder.build())
            }
            None if settings.is_prod() => {
                return Err(MailError::Config("SMTP_URL is required in production".into()));
            }
            None => Transport::Files(settings.dev_mailbox_dir.clone()),
        };
        Ok(Self { from, transport })
    }

    /// Sends one email.
    pub async fn send(&self, email: &EmailJob) -> Result<(), MailError> {
        self.send_as(email, None).await
    }

    /// Sends one email with `message_id` as its `Message-ID` (`<…@…>`; one is made up when
    /// `None`): the same id for a resend lets mail clients show it once.
    pub async fn send_as(&self, email: &EmailJob, message_id: Option<String>) -> Result<(), MailError> {
        let rendered = email.rendered.clone();
        let to: Mailbox = email.to.parse().map_err(|_| MailError::Address("recipient".into()))?;
        let message = Message::builder()
            .message_id(message_id)
            .from(self.from.clone())
            .to(to)
            .subject(rendered.subject)
            .multipart(MultiPart::alternative_plain_html(rendered.text, rendered.html))
            .map_err(|e| MailError::Address(e.to_string()))?;
        match &self.transport {
            Transport::Smtp(smtp) => smtp
                .send(message)
                .await
                .map(drop)
                .map_err(|e| if e.is_permanent() { MailError::Permanent(e.to_string()) } else { MailError::Transient(e.to_string()) }),
            Transport::Files(dir) => {
                tokio::fs::create_dir_all(dir).await.map_err(|e| MailError::Transient(format!("mailbox folder: {e}")))?;
                AsyncFileTransport::<Tokio1Executor>::new(dir)
                    .send(message)
                    .await
                    .map(drop)
                    .map_err(|e| MailError::Transient(e.to_string()))
            }
        }
    }
}

fn percent_decode(raw: &str) -> String {
    url::form_urlencoded::parse(format!("u={raw}").as_bytes()).next().map(|(_, v)| v.into_owned()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn every_template_renders_in_both_languages() {
        for template in Template::ALL {
            for locale in [Locale::En, Locale::Fr] {
                let values = params(&[("first_name", "Ana"), ("link", "https://x/y?token=t"), ("role", "agent")]);
                let r = render(template, locale, &values).unwrap();
                assert!(!r.subject.is_empty() && !r.subject.contains("{{"));
                let mentions = |v: &str| r.text.contains(v) && r.html.contains(v);
                assert!(mentions("Ana") || mentions("agent"), "{template:?} {locale:?} greets or names the role");
                assert!(template == Template::AccountDeleted || mentions("https://x/y?token=t"), "{template:?} {locale:?} has its link");
                assert!(r.html.contains(&format!("lang=\"{}\"", locale.tag())));
                assert!(!r.html.contains("{{") && !r.text.contains("{{"));
            }
        }
        let fr = render(Template::VerifyEmail, Locale::Fr, &params(&[("first_name", "Ana"), ("link", "l")])).unwrap();
        let en = render(Template::VerifyEmail, Locale::En, &params(&[("first_name", "Ana"), ("link", "l")])).unwrap();
        assert_ne!(fr.subject, en.subject);
    }

    #[test]
    fn html_values_are_escaped_and_missing_params_fail() {
        let r = render(Template::VerifyEmail, Locale::En, &params(&[("first_name", "<script>"), ("link", "a&b")])).unwrap();
        assert!(r.html.contains("&lt;script&gt;") && !r.html.contains("<script>"));
        assert!(r.html.contains("a&amp;b"));
        assert!(r.text.contains("<script>"), "the text part is not HTML");
        let err = render(Template::VerifyEmail, Locale::En, &params(&[("first_name", "Ana")])).unwrap_err();
        assert!(matches!(err, MailError::MissingParam(ref p) if p == "link"));
        assert!(err.is_permanent());
    }

    #[test]
    fn user_names_are_decoded() {
        assert_eq!(percent_decode("apikey%40mailgun"), "apikey@mailgun");
    }
}
