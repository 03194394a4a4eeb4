//! SQL of the auth module's own tables: `users`, `refresh_tokens`, `one_time_tokens`.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{FromRow, MySqlConnection};
use uuid::Uuid;

/// A row of `users`.
#[derive(Debug, Clone, FromRow)]
pub struct UserRow {
    pub id: Uuid,
    pub email: Option<String>,
    pub password_hash: Option<String>,
    pub role: String,
    pub agency_id: Option<Uuid>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub address_line1: Option<String>,
    pub address_line2: Option<String>,
    pub postal_code: Option<String>,
    pub city: Option<String>,
    pub country_code: Option<String>,
    pub phone: Option<String>,
    pub locale: String,
    pub email_verified_at: Option<DateTime<Utc>>,
    pub failed_logins: u32,
    pub locked_until: Option<DateTime<Utc>>,
    pub terms_accepted_at: Option<DateTime<Utc>>,
    pub last_login_at: Option<DateTime<Utc>>,
    pub anonymized_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const USER_COLUMNS: &str = "id, email, password_hash, role, agency_id, first_name, last_name, birth_date, address_line1, address_line2, \
     postal_code, city, country_code, phone, locale, email_verified_at, failed_logins, locked_until, terms_accepted_at, last_login_at, \
     anonymized_at, created_at, updated_at";

/// The user with this (normalised) email.
pub async fn user_by_email(conn: &mut MySqlConnection, email: &str) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {USER_COLUMNS} FROM users WHERE email = ?"))).bind(email).fetch_optional(conn).await
}

/// The user with this id.
pub async fn user_by_id(conn: &mut MySqlConnection, id: Uuid) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?"))).bind(id).fetch_optional(conn).await
}

/// The user with this id, locked for update.
pub async fn user_for_update(conn: &mut MySqlConnection, id: Uuid) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("SELECT {USER_COLUMNS} FROM users WHERE id = ? FOR UPDATE")))
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// What a new account holds.
pub struct NewUser<'a> {
    pub id: Uuid,
    pub email: &'a str,
    pub password_hash: Option<&'a str>,
    pub role: &'a str,
    pub agency_id: Option<Uuid>,
    pub profile: Option<&'a crate::model::Profile>,
    pub locale: &'a str,
    pub email_verified_at: Option<DateTime<Utc>>,
    pub terms_accepted_at: Option<DateTime<Utc>>,
    pub now: DateTime<Utc>,
}

/// Inserts a user; a duplicate email is a unique violation on `users_email_uq`.
pub async fn insert_user(conn: &mut MySqlConnection, user: NewUser<'_>) -> Result<(), sqlx::Error> {
    let p = user.profile;
    sqlx::query(
        "INSERT INTO users (id, email, password_hash, role, agency_id, first_name, last_name, birth_date, address_line1, address_line2,
             postal_code, city, country_code, phone, locale, email_verified_at, terms_accepted_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(user.id)
    .bind(user.email)
    .bind(user.password_hash)
    .bind(user.role)
    .bind(user.agency_id)
    .bind(p.map(|p| p.first_name.as_str()))
    .bind(p.map(|p| p.last_name.as_str()))
    .bind(p.map(|p| p.birth_date))
    .bind(p.map(|p| p.address.line1.as_str()))
    .bind(p.and_then(|p| p.address.line2.as_deref()))
    .bind(p.map(|p| p.address.postal_code.as_str()))
    .bind(p.map(|p| p.address.city.as_str()))
    .bind(p.map(|p| p.address.country_code.as_str()))
    .bind(p.and_then(|p| p.phone.as_deref()))
    .bind(user.locale)
    .bind(user.email_verified_at)
    .bind(user.terms_accepted_at)
    .bind(user.now)
    .bind(user.now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Replaces the profile fields.
pub async fn update_profile(
    conn: &mut MySqlConnection,
    id: Uuid,
    p: &crate::model::Profile,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET first_name = ?, last_name = ?, birth_date = ?, address_line1 = ?, address_line2 = ?, postal_code = ?, city = ?,
             country_code = ?, phone = ?, locale = ?, updated_at = ? WHERE id = ?",
    )
    .bind(&p.first_name)
    .bind(&p.last_name)
    .bind(p.birth_date)
    .bind(&p.address.line1)
    .bind(&p.address.line2)
    .bind(&p.address.postal_code)
    .bind(&p.address.city)
    .bind(&p.address.country_code)
    .bind(&p.phone)
    .bind(p.locale.tag())
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Counts a failed login; the fifth in a row locks the account until `lock_until` and starts
/// the count again.
pub async fn record_failed_login(
    conn: &mut MySqlConnection,
    id: Uuid,
    max_failures: u32,
    lock_until: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    // locked_until is assigned first, so both expressions read the count before this failure.
    sqlx::query(
        "UPDATE users SET
             locked_until = CASE WHEN failed_logins + 1 >= ? THEN ? ELSE locked_until END,
             failed_logins = CASE WHEN failed_logins + 1 >= ? THEN 0 ELSE failed_logins + 1 END,
             updated_at = ?
         WHERE id = ?",
    )
    .bind(max_failures)
    .bind(lock_until)
    .bind(max_failures)
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Records a successful login.
pub async fn record_login(conn: &mut MySqlConnection, id: Uuid, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = ?, updated_at = ? WHERE id = ?")
        .bind(now)
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Sets a new password hash and lifts any lock.
pub async fn set_password(conn: &mut MySqlConnection, id: Uuid, hash: &str, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET password_hash = ?, failed_logins = 0, locked_until = NULL, updated_at = ? WHERE id = ?")
        .bind(hash)
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Marks the address verified (first time only).
pub async fn mark_verified(conn: &mut MySqlConnection, id: Uuid, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET email_verified_at = COALESCE(email_verified_at, ?), updated_at = ? WHERE id = ?")
        .bind(now)
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Erases every personal field of the user, in place.
pub async fn anonymize(conn: &mut MySqlConnection, id: Uuid, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET email = NULL, password_hash = NULL, first_name = NULL, last_name = NULL, birth_date = NULL, address_line1 = NULL,
             address_line2 = NULL, postal_code = NULL, city = NULL, country_code = NULL, phone = NULL, last_login_at = NULL,
             locked_until = NULL, failed_logins = 0, anonymized_at = ?, updated_at = ? WHERE id = ?",
    )
    .bind(now)
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM one_time_tokens WHERE user_id = ?").bind(id).execute(&mut *conn).await?;
    sqlx::query("DELETE FROM refresh_tokens WHERE user_id = ?").bind(id).execute(&mut *conn).await?;
    Ok(())
}

/// Why a one-time token exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Confirm a new address (24 h).
    VerifyEmail,
    /// Choose a new password (1 h).
    PasswordReset,
    /// A staff member sets their first password (7 days).
    StaffInvite,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::VerifyEmail => "verify_email",
            Purpose::PasswordReset => "password_reset",
            Purpose::StaffInvite => "staff_invite",
        }
    }
}

/// Stores a one-time token.
pub async fn insert_one_time_token(
    conn: &mut MySqlConnection,
    user: Uuid,
    purpose: Purpose,
    hash: &[u8],
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO one_time_tokens (id, user_id, purpose, token_hash, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?)")
        .bind(Uuid::now_v7())
        .bind(user)
        .bind(purpose.as_str())
        .bind(hash)
        .bind(expires_at)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// Uses up a valid one-time token of one of `purposes`: returns its user and purpose, or `None`
/// when the token is unknown, expired or used.
pub async fn consume_one_time_token(
    conn: &mut MySqlConnection,
    hash: &[u8],
    purposes: &[Purpose],
    now: DateTime<Utc>,
) -> Result<Option<(Uuid, Purpose)>, sqlx::Error> {
    let row: Option<(Uuid, Uuid, String)> = sqlx::query_as(
        "SELECT id, user_id, purpose FROM one_time_tokens WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? FOR UPDATE",
    )
    .bind(hash)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((id, user, purpose)) = row else { return Ok(None) };
    let Some(purpose) = purposes.iter().copied().find(|p| p.as_str() == purpose) else { return Ok(None) };
    sqlx::query("UPDATE one_time_tokens SET used_at = ? WHERE id = ?").bind(now).bind(id).execute(&mut *conn).await?;
    // The other open tokens of that purpose die with this one.
    sqlx::query("UPDATE one_time_tokens SET used_at = ? WHERE user_id = ? AND purpose = ? AND used_at IS NULL")
        .bind(now)
        .bind(user)
        .bind(purpose.as_str())
        .execute(&mut *conn)
        .await?;
    Ok(Some((user, purpose)))
}

/// A row of `refresh_tokens`.
#[derive(Debug, Clone, FromRow)]
pub struct RefreshRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub family_id: Uuid,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub replaced_by: Option<Uuid>,
}

/// Stores a refresh token.
pub async fn insert_refresh_token(
    conn: &mut MySqlConnection,
    id: Uuid,
    user: Uuid,
    family: Uuid,
    hash: &[u8],
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, issued_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)")
        .bind(id)
        .bind(user)
        .bind(family)
        .bind(hash)
        .bind(now)
        .bind(expires_at)
        .execute(conn)
        .await?;
    Ok(())
}

/// The refresh token with this hash, locked for update.
pub async fn refresh_token_for_update(conn: &mut MySqlConnection, hash: &[u8]) -> Result<Option<RefreshRow>, sqlx::Error> {
    sqlx::query_as("SELECT id, user_id, family_id, expires_at, revoked_at, replaced_by FROM refresh_tokens WHERE token_hash = ? FOR UPDATE")
        .bind(hash)
        .fetch_optional(conn)
        .await
}

/// Marks `old` replaced by `new`.
pub async fn mark_replaced(conn: &mut MySqlConnection, old: Uuid, new: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE refresh_tokens SET replaced_by = ? WHERE id = ?").bind(new).bind(old).execute(conn).await?;
    Ok(())
}

/// Revokes every token of a family.
pub async fn revoke_family(conn: &mut MySqlConnection, family: Uuid, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL")
        .bind(now)
        .bind(family)
        .execute(conn)
        .await?;
    Ok(())
}

/// Revokes every token of the user, except those of `keep` (the current session).
pub async fn revoke_user_families(
    conn: &mut MySqlConnection,
    user: Uuid,
    keep: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL AND (? IS NULL OR family_id <> ?)")
        .bind(now)
        .bind(user)
        .bind(keep)
        .bind(keep)
        .execute(conn)
        .await?;
    Ok(())
}

/// Session metadata of a user, for the export (no hashes).
pub async fn sessions_of(
    conn: &mut MySqlConnection,
    user: Uuid,
) -> Result<Vec<(DateTime<Utc>, DateTime<Utc>, Option<DateTime<Utc>>)>, sqlx::Error> {
    sqlx::query_as("SELECT issued_at, expires_at, revoked_at FROM refresh_tokens WHERE user_id = ? ORDER BY issued_at")
        .bind(user)
        .fetch_all(conn)
        .await
}

/// Records an audit event (ids only, no personal data).
pub async fn record_audit_event(
    conn: &mut MySqlConnection,
    actor: Uuid,
    action: &str,
    target: Uuid,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO audit_events (id, actor_id, action, target_id, at) VALUES (?, ?, ?, ?, ?)")
        .bind(Uuid::now_v7())
        .bind(actor)
        .bind(action)
        .bind(target)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// The audit events the user did or underwent, oldest first: (action, actor, target, at).
pub async fn audit_events_about(
    conn: &mut MySqlConnection,
    user: Uuid,
) -> Result<Vec<(String, Option<Uuid>, Option<Uuid>, DateTime<Utc>)>, sqlx::Error> {
    sqlx::query_as("SELECT action, actor_id, target_id, at FROM audit_events WHERE actor_id = ? OR target_id = ? ORDER BY at, id")
        .bind(user)
        .bind(user)
        .fetch_all(conn)
        .await
}
