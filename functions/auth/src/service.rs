//! The rules of accounts and sessions. Handlers call these with validated input and the instant
//! of the request (`now`, injected so tests put it on the edge of a rule); each function runs its
//! writes in one transaction, queues its emails in that same transaction, and fails with an
//! [`AuthError`], which the handlers' `?` turns into the problem+json answer.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde_json::{Value, json};
use sqlx::MySqlConnection;
use uuid::Uuid;
use ycyw_shared::account::Account;
use ycyw_shared::auth::{ACCESS_TOKEN_TTL, Role};
use ycyw_shared::db::OnConstraint as _;
use ycyw_shared::domain::{Email, FieldErrors, InvalidValue, Phone, PostalAddressInput};
use ycyw_shared::jobs::{Handle, JobError, JobSpec};
use ycyw_shared::mail::{self, EmailJob, Locale, Template};
use ycyw_shared::queue::{self, Job};
use ycyw_shared::rate_limit;
use ycyw_shared::time::to_db_precision;
use ycyw_shared::{AppState, db};

use crate::error::AuthError;
use crate::model::{
    LoginRequest, NewAccount, NewPassword, PasswordChange, PasswordReset, Profile, ProfilePatch, RegistrationAccepted, RegistrationRequest,
    SessionResponse, User, parse_birth_date, parse_name,
};
use crate::password::Hasher;
use crate::repo::{self, Purpose, UserRow};
use crate::tokens;

/// Consecutive failures that lock an account.
pub const MAX_FAILED_LOGINS: u32 = 5;
/// How long a locked account stays locked.
pub const LOCK_DURATION: Duration = Duration::minutes(15);
/// Lifetime of an address-verification link.
pub const VERIFY_EMAIL_TTL: Duration = Duration::hours(24);
/// Lifetime of a password-reset link.
pub const PASSWORD_RESET_TTL: Duration = Duration::hours(1);
/// Lifetime of a staff invitation.
pub const STAFF_INVITE_TTL: Duration = Duration::days(7);
/// Lifetime of a refresh-token family, from sign-in.
pub const SESSION_TTL: Duration = Duration::days(30);

/// What the auth module's handlers share beyond [`AppState`].
#[derive(Debug, Clone)]
pub struct Auth {
    /// Password hashing.
    pub hasher: Hasher,
}

fn internal(error: impl Into<anyhow::Error>) -> AuthError {
    AuthError::Internal(error.into())
}

/// Validates a registration into a new account (all field errors at once).
pub(crate) fn parse_registration(request: RegistrationRequest, today: NaiveDate) -> Result<(NewAccount, NewPassword), AuthError> {
    let mut errors = FieldErrors::new();
    let email = errors.check("email", Email::parse(&request.email));
    let password = errors.check("password", NewPassword::parse(&request.password, email.as_ref().map(Email::as_str)));
    let first_name = errors.check("firstName", parse_name(&request.first_name));
    let last_name = errors.check("lastName", parse_name(&request.last_name));
    let birth_date = errors.check("birthDate", parse_birth_date(&request.birth_date, today));
    let phone = errors.check("phone", optional_phone(request.phone.as_deref()));
    let address = errors.merge(request.address.parse("address"));
    if !request.accept_terms {
        errors.push(InvalidValue::required("the terms and conditions must be accepted").at("acceptTerms"));
    }
    errors.finish()?;
    match (email, password, first_name, last_name, birth_date, phone, address) {
        (Some(email), Some(password), Some(first_name), Some(last_name), Some(birth_date), Some(phone), Some(address)) => Ok((
            NewAccount { email, profile: Profile { first_name, last_name, birth_date, address, phone, locale: request.locale } },
            password,
        )),
        _ => Err(internal(anyhow::anyhow!("validation passed without values"))),
    }
}

/// An optional phone number: absent or blank is none.
fn optional_phone(raw: Option<&str>) -> Result<Option<Phone>, InvalidValue> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(raw) => Phone::parse(raw).map(Some),
    }
}

fn link(state: &AppState, path: &str, token: &str) -> String {
    let mut url = state.settings.public_url.clone();
    url.set_path(path);
    url.set_query(Some(&format!("token={token}")));
    url.to_string()
}

async fn send(
    conn: &mut MySqlConnection,
    to: &str,
    locale: Locale,
    template: Template,
    params: &[(&str, &str)],
    now: DateTime<Utc>,
) -> Result<(), AuthError> {
    let params: BTreeMap<String, String> = params.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    let email = EmailJob::new(to, locale, template, params).map_err(|e| AuthError::Internal(e.into()))?;
    mail::enqueue(conn, &email, now).await?;
    Ok(())
}

async fn issue_one_time_token(
    conn: &mut MySqlConnection,
    user: Uuid,
    purpose: Purpose,
    ttl: Duration,
    now: DateTime<Utc>,
) -> Result<String, AuthError> {
    let (token, hash) = tokens::generate();
    repo::insert_one_time_token(conn, user, purpose, &hash, now + ttl, now).await?;
    Ok(token)
}

/// Registers a client. An address that already has an account gets a "you already have an
/// account" email instead, and the caller sees the same answer either way.
pub(crate) async fn register(
    state: &AppState,
    auth: &Auth,
    request: RegistrationRequest,
    now: DateTime<Utc>,
) -> Result<RegistrationAccepted, AuthError> {
    let (account, password) = parse_registration(request, now.date_naive())?;
    // Hashed in both cases, so the answer takes as long whether the address is known or not.
    let hash = auth.hasher.hash(password.0).await?;
    let accepted = RegistrationAccepted { email: account.email.as_str().to_string(), status: "verification_sent" };
    let mut tx = state.db.begin().await?;
    if let Some(existing) = repo::user_by_email(&mut tx, account.email.as_str()).await? {
        notify_existing_account(&mut tx, state, &existing, now).await?;
        tx.commit().await?;
        return Ok(accepted);
    }
    let id = Uuid::now_v7();
    let inserted = repo::insert_user(
        &mut tx,
        repo::NewUser {
            id,
            email: account.email.as_str(),
            password_hash: Some(&hash),
            role: Role::Client,
            agency_id: None,
            profile: Some(&account.profile),
            locale: account.profile.locale,
            email_verified_at: None,
            terms_accepted_at: Some(now),
            now,
        },
    )
    .await;
    match inserted {
        Ok(()) => {}
        Err(e) if db::is_unique_violation(&e, "users_email_uq") => {
            // Registered concurrently: answer as for any existing address.
            tx.rollback().await?;
            let mut tx = state.db.begin().await?;
            if let Some(existing) = repo::user_by_email(&mut tx, account.email.as_str()).await? {
                notify_existing_account(&mut tx, state, &existing, now).await?;
            }
            tx.commit().await?;
            return Ok(accepted);
        }
        Err(e) => return Err(e.into()),
    }
    let token = issue_one_time_token(&mut tx, id, Purpose::VerifyEmail, VERIFY_EMAIL_TTL, now).await?;
    let link = link(state, "/verify-email", &token);
    send(
        &mut tx,
        account.email.as_str(),
        account.profile.locale,
        Template::VerifyEmail,
        &[("first_name", &account.profile.first_name), ("link", &link)],
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(user_id = %id, "account registered");
    Ok(accepted)
}

async fn notify_existing_account(
    conn: &mut MySqlConnection,
    state: &AppState,
    existing: &UserRow,
    now: DateTime<Utc>,
) -> Result<(), AuthError> {
    let Some(email) = existing.email.as_deref() else { return Ok(()) };
    let token = issue_one_time_token(conn, existing.id, Purpose::PasswordReset, PASSWORD_RESET_TTL, now).await?;
    let link = link(state, "/reset-password", &token);
    let name = existing.first_name.clone().unwrap_or_default();
    send(conn, email, existing.locale, Template::AccountExists, &[("first_name", &name), ("link", &link)], now).await
}

/// Confirms an address with the token of the emailed link.
pub(crate) async fn verify_email(state: &AppState, token: &str, now: DateTime<Utc>) -> Result<(), AuthError> {
    let mut tx = state.db.begin().await?;
    let (user, _) = repo::consume_one_time_token(&mut tx, &tokens::hash(token), &[Purpose::VerifyEmail], now)
        .await?
        .ok_or_else(AuthError::invalid_token)?;
    repo::mark_verified(&mut tx, user, now).await?;
    tx.commit().await?;
    Ok(())
}

/// The API view of a user row. Stored values are parsed again, like any input: a row that no
/// longer parses is a bug (500), never shown half-valid.
pub(crate) fn user_view(row: &UserRow) -> Result<User, AuthError> {
    let role = row.role;
    let corrupt = |column: &str| internal(anyhow::anyhow!("users.{column} of {} does not parse", row.id));
    let address = match (&row.address_line1, &row.postal_code, &row.city, &row.country_code) {
        (Some(line1), Some(postal_code), Some(city), Some(country_code)) => {
            let stored = PostalAddressInput {
                line1: line1.clone(),
                line2: row.address_line2.clone(),
                postal_code: postal_code.clone(),
                city: city.clone(),
                country_code: country_code.clone(),
            };
            Some(stored.parse("address").map_err(|_| corrupt("address"))?)
        }
        _ => None,
    };
    let phone = row.phone.as_deref().map(Phone::parse).transpose().map_err(|_| corrupt("phone"))?;
    Ok(User {
        id: row.id,
        email: row.email.clone().unwrap_or_default(),
        role,
        first_name: row.first_name.clone(),
        last_name: row.last_name.clone(),
        birth_date: row.birth_date,
        phone,
        address,
        locale: row.locale,
        email_verified: row.email_verified_at.is_some(),
        agency_id: row.agency_id,
    })
}

/// A session just started or refreshed: the answer, and the refresh token for the cookie with
/// the end of its family (the cookie lives exactly as long).
#[derive(Debug)]
pub(crate) struct Session {
    pub answer: SessionResponse,
    pub refresh_token: String,
    pub expires_at: DateTime<Utc>,
}

/// Issues an access token naming its session (`sid`) and stores the refresh token `id` of
/// `family` (a new family when `None`).
async fn start_session(
    conn: &mut MySqlConnection,
    state: &AppState,
    user: &UserRow,
    id: Uuid,
    family: Option<(Uuid, DateTime<Utc>)>,
    now: DateTime<Utc>,
) -> Result<Session, AuthError> {
    let view = user_view(user)?;
    let keys = state.jwt.as_ref().ok_or_else(|| internal(anyhow::anyhow!("JWT_SIGNING_KEY is not configured")))?;
    let (family_id, expires_at) = family.unwrap_or_else(|| (Uuid::now_v7(), now + SESSION_TTL));
    let access_token = keys
        .issue(user.id, view.role, user.agency_id, Some(family_id), now)
        .map_err(|e| internal(anyhow::anyhow!("issuing an access token: {e}")))?;
    let (refresh, hash) = tokens::generate();
    repo::insert_refresh_token(conn, id, user.id, family_id, &hash, expires_at, now).await?;
    let answer = SessionResponse { access_token, token_type: "Bearer", expires_in: ACCESS_TOKEN_TTL.num_seconds(), user: view };
    Ok(Session { answer, refresh_token: refresh, expires_at })
}

/// What a password attempt on an account may do, given the attempts it has not yet proven right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Attempt {
    /// The account is locked: refuse without looking at the password.
    Locked {
        /// When the lock ends.
        until: DateTime<Utc>,
    },
    /// The attempt is counted first — the row gets this count, and the lock when it is the
    /// last one allowed —, then the password is checked; a right one clears the count.
    Counted {
        /// The attempts not proven right, this one included.
        failed_logins: u32,
        /// The lock this attempt starts, when it is the last one allowed.
        locked_until: Option<DateTime<Utc>>,
    },
}

/// Counts an attempt before its password is checked, so that parallel guesses cannot get more
/// than [`MAX_FAILED_LOGINS`] checks per lock period. A lock that has ended starts a new count.
pub(crate) fn count_attempt(failed_logins: u32, locked_until: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Attempt {
    match locked_until {
        Some(until) if until > now => Attempt::Locked { until },
        ended => {
            let failed_logins = if ended.is_some() { 1 } else { failed_logins.saturating_add(1) };
            let locked_until = (failed_logins >= MAX_FAILED_LOGINS).then(|| now + LOCK_DURATION);
            Attempt::Counted { failed_logins, locked_until }
        }
    }
}

/// The key of an address's row in `sign_in_attempts`.
fn attempts_key(state: &AppState, email: &str) -> Result<[u8; 32], AuthError> {
    rate_limit::identifier_key(state, "sign-in", email).map_err(|e| AuthError::Internal(anyhow::anyhow!("{e}")))
}

/// Checks `password` against `hash` (none: no such account, or no password yet), counting the
/// attempt for the address `email` first, under its row's lock. The statements are the same
/// whether an account has the address or not (an unknown address is counted and locked too), so
/// neither answers nor timing tell them apart; sign-in, password change and account deletion
/// share the count. A locked address is [`AuthError::Locked`] whatever the password; a right
/// password clears the count.
async fn check_password(
    state: &AppState,
    auth: &Auth,
    email: &str,
    hash: Option<String>,
    password: String,
    now: DateTime<Utc>,
) -> Result<bool, AuthError> {
    let key = attempts_key(state, email)?;
    let mut tx = state.db.begin().await?;
    let attempts = repo::attempts_for_update(&mut tx, &key, now).await?;
    match count_attempt(attempts.failed_count, attempts.locked_until, now) {
        Attempt::Locked { until } => return Err(AuthError::Locked { retry_after: (until - now).to_std().unwrap_or_default() }),
        Attempt::Counted { failed_logins, locked_until } => {
            repo::set_attempts(&mut tx, &key, repo::Attempts { failed_count: failed_logins, locked_until }, now).await?;
        }
    }
    tx.commit().await?;
    // Hashing runs outside the transaction: the row is not held while argon2 works.
    let matches = auth.hasher.verify(password, hash).await?;
    if matches {
        repo::clear_attempts(&mut *state.db.acquire().await?, &key).await?;
    }
    Ok(matches)
}

/// Signs in: returns the session and the refresh token for the cookie.
pub(crate) async fn login(state: &AppState, auth: &Auth, request: LoginRequest, now: DateTime<Utc>) -> Result<Session, AuthError> {
    let email = Email::parse(&request.email).map_err(|e| FieldErrors::from(e.at("email")))?;
    if request.password.is_empty() {
        return Err(AuthError::field("password", "required", "this field is required"));
    }
    let user = repo::user_by_email(&mut *state.db.acquire().await?, email.as_str()).await?;
    let hash = user.as_ref().and_then(|u| u.password_hash.clone());
    let matches = check_password(state, auth, email.as_str(), hash, request.password.clone(), now).await?;
    let Some(user) = user.filter(|_| matches) else {
        return Err(AuthError::LoginFailed);
    };
    if user.password_hash.as_deref().is_some_and(|hash| auth.hasher.needs_rehash(hash)) {
        // The configured cost moved: the password is known now, store it at today's cost. A
        // saturated hasher only postpones this to the next sign-in.
        match auth.hasher.hash(request.password).await {
            Ok(hash) => repo::set_password(&mut *state.db.acquire().await?, user.id, &hash, now).await?,
            Err(e) => tracing::warn!(user_id = %user.id, error = %e, "password not rehashed"),
        }
    }
    if user.email_verified_at.is_none() {
        return Err(AuthError::EmailUnverified);
    }
    let mut tx = state.db.begin().await?;
    repo::record_login(&mut tx, user.id, now).await?;
    let session = start_session(&mut tx, state, &user, Uuid::now_v7(), None, now).await?;
    tx.commit().await?;
    Ok(session)
}

/// Rotates a refresh token. A token already rotated or revoked is a replay: its whole family is
/// revoked, so the thief's and the victim's newest tokens both stop working.
pub(crate) async fn refresh(state: &AppState, refresh_token: &str, now: DateTime<Utc>) -> Result<Session, AuthError> {
    let mut tx = state.db.begin().await?;
    let Some(row) = repo::refresh_token_for_update(&mut tx, &tokens::hash(refresh_token)).await? else {
        return Err(AuthError::SessionRefused);
    };
    if row.revoked_at.is_some() || row.replaced_by.is_some() {
        repo::revoke_family(&mut tx, row.family_id, now).await?;
        tx.commit().await?;
        tracing::warn!(user_id = %row.user_id, family = %row.family_id, "refresh token replayed: session family revoked");
        return Err(AuthError::SessionRefused);
    }
    if row.expires_at <= now {
        return Err(AuthError::SessionRefused);
    }
    let Some(user) = repo::user_by_id(&mut tx, row.user_id).await?.filter(|u| u.anonymized_at.is_none() && u.password_hash.is_some())
    else {
        return Err(AuthError::SessionRefused);
    };
    // A sign-in lock stops new sign-ins only: the owner's open sessions go on (a stranger's five
    // wrong guesses must not sign them out everywhere).
    let new_id = Uuid::now_v7();
    let session = start_session(&mut tx, state, &user, new_id, Some((row.family_id, row.expires_at)), now).await?;
    repo::mark_replaced(&mut tx, row.id, new_id).await?;
    tx.commit().await?;
    Ok(session)
}

/// Signs out: revokes the family of the given refresh token, if it is one.
pub(crate) async fn logout(state: &AppState, refresh_token: Option<&str>, now: DateTime<Utc>) -> Result<(), AuthError> {
    let Some(token) = refresh_token else { return Ok(()) };
    let mut tx = state.db.begin().await?;
    if let Some(row) = repo::refresh_token_for_update(&mut tx, &tokens::hash(token)).await? {
        repo::revoke_family(&mut tx, row.family_id, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Sends a reset link when the address belongs to an active account; says nothing otherwise.
pub(crate) async fn request_password_reset(state: &AppState, email: &str, now: DateTime<Utc>) -> Result<(), AuthError> {
    let Ok(email) = Email::parse(email) else { return Ok(()) };
    // Off the response path: known and unknown addresses cost the request the same one insert,
    // and the worker looks the address up (issue 11, defect 13).
    let job = PasswordResetRequest { email: email.as_str().to_string() }.to_job().map_err(internal)?;
    queue::enqueue(&mut *state.db.acquire().await?, job, now).await?;
    Ok(())
}

/// A reset link was asked for an address (`password_reset_request`): the worker sends one when an
/// active account has the address, and nothing otherwise.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct PasswordResetRequest {
    /// The normalised address.
    pub email: String,
}

impl JobSpec for PasswordResetRequest {
    const KIND: &'static str = "password_reset_request";
    // The address is needed to answer the request, not afterwards.
    const ERASE_WHEN_DONE: bool = true;
}

/// Runs [`PasswordResetRequest`]s.
pub(crate) struct SendResetLink(pub AppState);

#[async_trait::async_trait]
impl Handle<PasswordResetRequest> for SendResetLink {
    async fn handle(&self, request: PasswordResetRequest, _job: &Job) -> Result<(), JobError> {
        let now = to_db_precision(self.0.clock.now());
        send_reset_link(&self.0, &request.email, now).await.map_err(|e| JobError::Retryable(anyhow::anyhow!("{e}")))
    }
}

/// Issues a reset token and queues its email when an active account has `email`.
async fn send_reset_link(state: &AppState, email: &str, now: DateTime<Utc>) -> Result<(), AuthError> {
    let mut tx = state.db.begin().await?;
    if let Some(user) = repo::user_by_email(&mut tx, email).await?.filter(|u| u.anonymized_at.is_none()) {
        let token = issue_one_time_token(&mut tx, user.id, Purpose::PasswordReset, PASSWORD_RESET_TTL, now).await?;
        let link = link(state, "/reset-password", &token);
        let name = user.first_name.clone().unwrap_or_default();
        send(&mut tx, email, user.locale, Template::PasswordReset, &[("first_name", &name), ("link", &link)], now).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Sets a new password from a reset or staff-invitation token; every session is revoked. The
/// link proved control of the address, so it counts as verified.
pub(crate) async fn reset_password(state: &AppState, auth: &Auth, request: PasswordReset, now: DateTime<Utc>) -> Result<(), AuthError> {
    const PURPOSES: [Purpose; 2] = [Purpose::PasswordReset, Purpose::StaffInvite];
    let token = tokens::hash(&request.token);
    // The token first: an unknown one costs a lookup, never a hash (issue 11, defect 3).
    let user_row = {
        let mut conn = state.db.acquire().await?;
        let user = repo::valid_one_time_token(&mut conn, &token, &PURPOSES, now).await?.ok_or_else(AuthError::invalid_token)?;
        repo::user_by_id(&mut conn, user).await?.ok_or_else(AuthError::invalid_token)?
    };
    let password =
        NewPassword::parse(&request.new_password, user_row.email.as_deref()).map_err(|e| FieldErrors::from(e.at("newPassword")))?;
    let hash = auth.hasher.hash(password.0).await?;
    let mut tx = state.db.begin().await?;
    // Used up only now, and only once: a concurrent use of the same link finds it spent.
    let (user, _) = repo::consume_one_time_token(&mut tx, &token, &PURPOSES, now).await?.ok_or_else(AuthError::invalid_token)?;
    repo::set_password(&mut tx, user, &hash, now).await?;
    if let Some(email) = &user_row.email {
        // The link proved control of the address: its lock, if any, ends.
        repo::clear_attempts(&mut tx, &attempts_key(state, email)?).await?;
    }
    repo::mark_verified(&mut tx, user, now).await?;
    repo::revoke_user_families(&mut tx, user, None, now).await?;
    tx.commit().await?;
    tracing::info!(user_id = %user, "password reset");
    Ok(())
}

async fn active_user(conn: &mut MySqlConnection, id: Uuid) -> Result<UserRow, AuthError> {
    repo::user_by_id(conn, id).await?.filter(|u| u.anonymized_at.is_none()).ok_or(AuthError::NotFound)
}

/// The caller's profile.
pub(crate) async fn profile(state: &AppState, user: Uuid) -> Result<User, AuthError> {
    let mut conn = state.db.acquire().await?;
    user_view(&active_user(&mut conn, user).await?)
}

/// Applies the fields present in `patch` (validated like a registration).
pub(crate) async fn update_profile(state: &AppState, user: Uuid, patch: ProfilePatch, now: DateTime<Utc>) -> Result<User, AuthError> {
    let mut tx = state.db.begin().await?;
    let row = repo::user_for_update(&mut tx, user).await?.filter(|u| u.anonymized_at.is_none()).ok_or(AuthError::NotFound)?;
    let current = user_view(&row)?;
    let mut errors = FieldErrors::new();
    let first_name = match &patch.first_name {
        Some(raw) => errors.check("firstName", parse_name(raw)),
        None => current.first_name.clone(),
    };
    let last_name = match &patch.last_name {
        Some(raw) => errors.check("lastName", parse_name(raw)),
        None => current.last_name.clone(),
    };
    let birth_date = match &patch.birth_date {
        Some(raw) => errors.check("birthDate", parse_birth_date(raw, now.date_naive())),
        None => current.birth_date,
    };
    let phone = match &patch.phone {
        Some(raw) => errors.check("phone", optional_phone(raw.as_deref())),
        None => Some(current.phone.clone()),
    };
    let address = match &patch.address {
        Some(input) => errors.merge(input.parse("address")),
        None => current.address.clone(),
    };
    let mut missing = |value_missing: bool, field: &str| {
        if value_missing {
            errors.push(InvalidValue::required("this field is required").at(field));
        }
    };
    let incomplete = first_name.is_none() as u8 + last_name.is_none() as u8 + birth_date.is_none() as u8 + address.is_none() as u8;
    if incomplete > 0
        && patch.first_name.is_none()
        && patch.last_name.is_none()
        && patch.birth_date.is_none()
        && patch.address.is_none()
        && patch.locale.is_some()
    {
        // A staff member without a profile may change only the language.
        repo::set_locale(&mut tx, user, patch.locale.unwrap_or_default(), now).await?;
        let row = repo::user_by_id(&mut tx, user).await?.ok_or(AuthError::NotFound)?;
        tx.commit().await?;
        return user_view(&row);
    }
    missing(first_name.is_none() && patch.first_name.is_none(), "firstName");
    missing(last_name.is_none() && patch.last_name.is_none(), "lastName");
    missing(birth_date.is_none() && patch.birth_date.is_none(), "birthDate");
    missing(address.is_none() && patch.address.is_none(), "address");
    errors.finish()?;
    let (Some(first_name), Some(last_name), Some(birth_date), Some(phone), Some(address)) =
        (first_name, last_name, birth_date, phone, address)
    else {
        return Err(internal(anyhow::anyhow!("validation passed without values")));
    };
    let profile = Profile { first_name, last_name, birth_date, address, phone, locale: patch.locale.unwrap_or(current.locale) };
    repo::update_profile(&mut tx, user, &profile, now).await?;
    let row = repo::user_by_id(&mut tx, user).await?.ok_or(AuthError::NotFound)?;
    tx.commit().await?;
    user_view(&row)
}

/// Changes the password after checking the current one; every session but `current_family`
/// (the access token's `sid`) is revoked.
pub(crate) async fn change_password(
    state: &AppState,
    auth: &Auth,
    user: Uuid,
    request: PasswordChange,
    current_family: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<(), AuthError> {
    // No connection is held across the check: it takes its own (and argon2's time).
    let row = active_user(&mut *state.db.acquire().await?, user).await?;
    let email = row.email.clone().ok_or(AuthError::NotFound)?;
    if !check_password(state, auth, &email, row.password_hash.clone(), request.current_password, now).await? {
        return Err(AuthError::field("currentPassword", "invalid", "the current password is not correct"));
    }
    let password = NewPassword::parse(&request.new_password, row.email.as_deref()).map_err(|e| FieldErrors::from(e.at("newPassword")))?;
    let hash = auth.hasher.hash(password.0).await?;
    let mut tx = state.db.begin().await?;
    repo::set_password(&mut tx, user, &hash, now).await?;
    repo::revoke_user_families(&mut tx, user, current_family, now).await?;
    tx.commit().await?;
    Ok(())
}

/// The account as the other modules' [`AccountPart`](ycyw_shared::account::AccountPart)s see it.
fn account_of(row: &UserRow) -> Result<Account, AuthError> {
    Ok(Account { id: row.id, email: row.email.clone(), role: row.role, agency_id: row.agency_id })
}

/// Everything held about the user: the account, its sessions, sign-in lock state, the audit
/// trail about it, and each linked module's section.
pub(crate) async fn export(state: &AppState, user: Uuid, now: DateTime<Utc>) -> Result<Value, AuthError> {
    let mut conn = state.db.acquire().await?;
    let row = active_user(&mut conn, user).await?;
    let sessions: Vec<Value> = repo::sessions_of(&mut conn, user)
        .await?
        .into_iter()
        .map(|s| json!({ "signedInAt": s.issued_at, "expiresAt": s.expires_at, "revokedAt": s.revoked_at }))
        .collect();
    let audit: Vec<Value> = repo::audit_events_about(&mut conn, user)
        .await?
        .into_iter()
        .map(|e| json!({ "action": e.action, "actorId": e.actor_id, "targetId": e.target_id, "at": e.at }))
        .collect();
    let attempts = match &row.email {
        Some(email) => repo::attempts_of(&mut conn, &attempts_key(state, email)?).await?,
        None => None,
    };
    let mut export = json!({
        "exportedAt": now,
        "account": user_view(&row)?,
        "accountHistory": {
            "createdAt": row.created_at,
            "termsAcceptedAt": row.terms_accepted_at,
            "emailVerifiedAt": row.email_verified_at,
            "lastLoginAt": row.last_login_at,
        },
        "signIn": { "failedAttempts": attempts.map_or(0, |a| a.failed_count), "lockedUntil": attempts.and_then(|a| a.locked_until) },
        "sessions": sessions,
        "auditEvents": audit,
    });
    let account = account_of(&row)?;
    for part in state.account_parts.iter() {
        export[part.section()] = part.export(&mut conn, &account).await.map_err(AuthError::Internal)?;
    }
    Ok(export)
}

/// Deletes the caller's account after checking the password: erased in one transaction by
/// [`erase_account`], and a confirmation sent to the address the account had.
pub(crate) async fn delete_account(
    state: &AppState,
    auth: &Auth,
    user: Uuid,
    password: String,
    now: DateTime<Utc>,
) -> Result<(), AuthError> {
    let active = active_user(&mut *state.db.acquire().await?, user).await?;
    let email = active.email.clone().ok_or(AuthError::NotFound)?;
    if !check_password(state, auth, &email, active.password_hash.clone(), password, now).await? {
        return Err(AuthError::field("password", "invalid", "the password is not correct"));
    }
    let mut tx = state.db.begin().await?;
    let row = repo::user_for_update(&mut tx, user).await?.filter(|u| u.anonymized_at.is_none()).ok_or(AuthError::NotFound)?;
    erase_account(&mut tx, state, &row, Erasure::Requested, now).await?;
    if let Some(email) = &row.email {
        let name = row.first_name.clone().unwrap_or_default();
        send(&mut tx, email, row.locale, Template::AccountDeleted, &[("first_name", &name)], now).await?;
    }
    tx.commit().await?;
    forget_subject(state, user);
    tracing::info!(user_id = %user, "account deleted and anonymised");
    Ok(())
}

/// Why an account is erased.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Erasure {
    /// Its holder deleted it (password checked).
    Requested,
    /// The retention purge: inactive for the period, the notice unanswered.
    Inactive,
    /// The retention purge: the address was never verified (the row is deleted afterwards).
    Unverified,
}

impl Erasure {
    /// The audit event's action.
    fn action(self) -> &'static str {
        match self {
            Erasure::Requested => "account.deleted",
            Erasure::Inactive => "account.anonymised_inactive",
            Erasure::Unverified => "account.deleted_unverified",
        }
    }
}

/// Erases the account `row`, locked by the caller's transaction `conn`: every linked module's
/// part first (reservations cancels the future bookings and detaches every one, mail erases the
/// queued emails to the address, …), then the personal fields, the one-time tokens and the
/// sessions (refresh tokens), the sign-in count of the address, and an audit event (ids only).
/// The one path of every erasure: the holder's deletion and the retention purge's
/// anonymisation and deletion. After the commit, call [`forget_subject`].
pub(crate) async fn erase_account(
    conn: &mut MySqlConnection,
    state: &AppState,
    row: &UserRow,
    erasure: Erasure,
    now: DateTime<Utc>,
) -> Result<(), AuthError> {
    let account = account_of(row)?;
    for part in state.account_parts.iter() {
        part.erase(&mut *conn, &account, now).await.map_err(AuthError::Internal)?;
    }
    repo::anonymize(&mut *conn, row.id, now).await?;
    if let Some(email) = &row.email {
        match attempts_key(state, email) {
            Ok(key) => repo::clear_attempts(&mut *conn, &key).await?,
            // A worker without RATE_LIMIT_KEY (dev) cannot find the row; the housekeeping
            // deletes it once it is old.
            Err(e) if erasure != Erasure::Requested => tracing::warn!(user_id = %row.id, error = %e, "sign-in count not cleared"),
            Err(e) => return Err(e),
        }
    }
    let actor = (erasure == Erasure::Requested).then_some(row.id);
    repo::record_audit_event(&mut *conn, actor, erasure.action(), row.id, now).await?;
    Ok(())
}

/// The erased account's access tokens act no more: at once on this instance, within the subject
/// guard's cache time on the others.
pub(crate) fn forget_subject(state: &AppState, user: Uuid) {
    if let Some(subjects) = &state.subjects {
        subjects.deleted(user);
    }
}

/// Why a staff account could not be created.
#[derive(Debug, thiserror::Error)]
pub enum StaffError {
    /// Clients register themselves.
    #[error("staff accounts are support or agent")]
    NotStaff,
    /// An agent belongs to an agency.
    #[error("an agent needs an agency")]
    AgencyRequired,
    /// Support staff belong to no agency.
    #[error("only agents belong to an agency")]
    AgencyNotAllowed,
    /// The address is not valid.
    #[error("invalid email address")]
    InvalidEmail,
    /// The address has an account already.
    #[error("an account with this email address exists already")]
    Exists,
    /// The database failed.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Creates a support or agent account without a password and queues the invitation to set one
/// (`/set-password?token=…`, 7 days). Staff cannot self-register; this is the ops path.
pub(crate) async fn create_staff(
    state: &AppState,
    role: Role,
    email: &str,
    agency: Option<Uuid>,
    locale: Locale,
    now: DateTime<Utc>,
) -> Result<Uuid, StaffError> {
    match (role, agency) {
        (Role::Client, _) => return Err(StaffError::NotStaff),
        (Role::Agent, None) => return Err(StaffError::AgencyRequired),
        (Role::Support, Some(_)) => return Err(StaffError::AgencyNotAllowed),
        _ => {}
    }
    let email = Email::parse(email).map_err(|_| StaffError::InvalidEmail)?;
    let id = Uuid::now_v7();
    let mut tx = state.db.begin().await?;
    let new = repo::NewUser {
        id,
        email: email.as_str(),
        password_hash: None,
        role,
        agency_id: agency,
        profile: None,
        locale,
        email_verified_at: None,
        terms_accepted_at: None,
        now,
    };
    repo::insert_user(&mut tx, new).await.on_constraint("users_email_uq", || StaffError::Exists)?;
    let (token, hash) = tokens::generate();
    repo::insert_one_time_token(&mut tx, id, Purpose::StaffInvite, &hash, now + STAFF_INVITE_TTL, now).await?;
    let link = link(state, "/set-password", &token);
    let params: BTreeMap<String, String> = [("role".to_string(), role.as_str().to_string()), ("link".to_string(), link)].into();
    let invite = EmailJob::new(email.as_str(), locale, Template::StaffInvite, params)
        .map_err(|e| StaffError::Database(sqlx::Error::Encode(Box::new(e))))?;
    mail::enqueue(&mut tx, &invite, now).await?;
    tx.commit().await?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 11, 9, minute, 0).unwrap()
    }

    #[test]
    fn attempts_are_counted_before_the_check_and_the_last_allowed_one_locks() {
        assert_eq!(count_attempt(0, None, at(0)), Attempt::Counted { failed_logins: 1, locked_until: None });
        assert_eq!(count_attempt(3, None, at(0)), Attempt::Counted { failed_logins: 4, locked_until: None });
        assert_eq!(count_attempt(4, None, at(0)), Attempt::Counted { failed_logins: 5, locked_until: Some(at(15)) });
        assert_eq!(count_attempt(5, Some(at(15)), at(14)), Attempt::Locked { until: at(15) });
        assert_eq!(count_attempt(5, Some(at(15)), at(15)), Attempt::Counted { failed_logins: 1, locked_until: None }, "a lock that ended");
        assert_eq!(count_attempt(u32::MAX, None, at(0)), Attempt::Counted { failed_logins: u32::MAX, locked_until: Some(at(15)) });
    }
}
