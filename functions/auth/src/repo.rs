//! SQL of the auth module's own tables: `users`, `refresh_tokens`, `one_time_tokens`.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::MySqlConnection;
use uuid::Uuid;
use ycyw_shared::auth::Role;
use ycyw_shared::mail::Locale;

/// A row of `users`.
#[derive(Debug, Clone)]
pub(crate) struct UserRow {
    pub id: Uuid,
    pub email: Option<String>,
    pub password_hash: Option<String>,
    pub role: Role,
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
    pub locale: Locale,
    pub email_verified_at: Option<DateTime<Utc>>,
    pub terms_accepted_at: Option<DateTime<Utc>>,
    pub last_login_at: Option<DateTime<Utc>>,
    pub anonymized_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// The user with this (normalised) email: one statement, whether it finds one or not.
pub(crate) async fn user_by_email(conn: &mut MySqlConnection, email: &str) -> Result<Option<UserRow>, sqlx::Error> {
    user_where(conn, None, Some(email)).await
}

/// The user with this id.
pub(crate) async fn user_by_id(conn: &mut MySqlConnection, id: Uuid) -> Result<Option<UserRow>, sqlx::Error> {
    user_where(conn, Some(id), None).await
}

/// The user with this id or this email (one of them given; `= NULL` matches nothing).
async fn user_where(conn: &mut MySqlConnection, id: Option<Uuid>, email: Option<&str>) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query_as!(
        UserRow,
        r#"SELECT id AS "id: _", email, password_hash, role AS "role: _", agency_id AS "agency_id: _", first_name, last_name,
               birth_date, address_line1, address_line2, postal_code, city, country_code, phone, locale AS "locale: _",
               email_verified_at AS "email_verified_at: _", terms_accepted_at AS "terms_accepted_at: _",
               last_login_at AS "last_login_at: _", anonymized_at AS "anonymized_at: _", created_at AS "created_at: _"
           FROM users WHERE id = ? OR email = ?"#,
        id,
        email
    )
    .fetch_optional(conn)
    .await
}

/// The user with this id, locked for update.
pub(crate) async fn user_for_update(conn: &mut MySqlConnection, id: Uuid) -> Result<Option<UserRow>, sqlx::Error> {
    let locked =
        sqlx::query_scalar!(r#"SELECT id AS "id: Uuid" FROM users WHERE id = ? FOR UPDATE"#, id).fetch_optional(&mut *conn).await?;
    match locked {
        Some(id) => user_by_id(conn, id).await,
        None => Ok(None),
    }
}

/// True when the account exists and is not deleted (anonymised).
pub(crate) async fn is_active(conn: &mut MySqlConnection, id: Uuid) -> Result<bool, sqlx::Error> {
    let anonymized = sqlx::query_scalar!(r#"SELECT anonymized_at IS NOT NULL AS "anonymized!: bool" FROM users WHERE id = ?"#, id)
        .fetch_optional(conn)
        .await?;
    Ok(anonymized == Some(false))
}

/// What a new account holds.
pub(crate) struct NewUser<'a> {
    pub id: Uuid,
    pub email: &'a str,
    pub password_hash: Option<&'a str>,
    pub role: Role,
    pub agency_id: Option<Uuid>,
    pub profile: Option<&'a crate::model::Profile>,
    pub locale: Locale,
    pub email_verified_at: Option<DateTime<Utc>>,
    pub terms_accepted_at: Option<DateTime<Utc>>,
    pub now: DateTime<Utc>,
}

/// Inserts a user; a duplicate email is a unique violation on `users_email_uq`.
pub(crate) async fn insert_user(conn: &mut MySqlConnection, user: NewUser<'_>) -> Result<(), sqlx::Error> {
    let p = user.profile;
    sqlx::query!(
        "INSERT INTO users (id, email, password_hash, role, agency_id, first_name, last_name, birth_date, address_line1, address_line2,
             postal_code, city, country_code, phone, locale, email_verified_at, terms_accepted_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        user.id,
        user.email,
        user.password_hash,
        user.role,
        user.agency_id,
        p.map(|p| p.first_name.as_str()),
        p.map(|p| p.last_name.as_str()),
        p.map(|p| p.birth_date),
        p.map(|p| p.address.line1.as_str()),
        p.and_then(|p| p.address.line2.as_deref()),
        p.map(|p| p.address.postal_code.as_str()),
        p.map(|p| p.address.city.as_str()),
        p.map(|p| p.address.country_code.as_str()),
        p.and_then(|p| p.phone.as_deref()),
        user.locale,
        user.email_verified_at,
        user.terms_accepted_at,
        user.now,
        user.now
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Replaces the profile fields.
pub(crate) async fn update_profile(
    conn: &mut MySqlConnection,
    id: Uuid,
    p: &crate::model::Profile,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE users SET first_name = ?, last_name = ?, birth_date = ?, address_line1 = ?, address_line2 = ?, postal_code = ?, city = ?,
             country_code = ?, phone = ?, locale = ?, updated_at = ? WHERE id = ?",
        p.first_name,
        p.last_name,
        p.birth_date,
        p.address.line1,
        p.address.line2,
        p.address.postal_code.as_str(),
        p.address.city,
        p.address.country_code.as_str(),
        p.phone.as_deref(),
        p.locale,
        now,
        id
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Changes only the language (staff without a profile).
pub(crate) async fn set_locale(conn: &mut MySqlConnection, id: Uuid, locale: Locale, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE users SET locale = ?, updated_at = ? WHERE id = ?", locale, now, id).execute(conn).await?;
    Ok(())
}

/// The password attempts of an address not yet proven right, and the lock they led to.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Attempts {
    pub failed_count: u32,
    pub locked_until: Option<DateTime<Utc>>,
}

/// The attempts of `email_key`, its row created when missing and locked for update: the same
/// statements for every address, with an account or without.
pub(crate) async fn attempts_for_update(conn: &mut MySqlConnection, email_key: &[u8], now: DateTime<Utc>) -> Result<Attempts, sqlx::Error> {
    sqlx::query!(
        "INSERT INTO sign_in_attempts (email_key, failed_count, locked_until, updated_at) VALUES (?, 0, NULL, ?)
         ON DUPLICATE KEY UPDATE email_key = email_key",
        email_key,
        now
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query_as!(
        Attempts,
        r#"SELECT failed_count, locked_until AS "locked_until: _" FROM sign_in_attempts WHERE email_key = ? FOR UPDATE"#,
        email_key
    )
    .fetch_one(conn)
    .await
}

/// Stores the attempts of `email_key`.
pub(crate) async fn set_attempts(
    conn: &mut MySqlConnection,
    email_key: &[u8],
    attempts: Attempts,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE sign_in_attempts SET failed_count = ?, locked_until = ?, updated_at = ? WHERE email_key = ?",
        attempts.failed_count,
        attempts.locked_until,
        now,
        email_key
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Forgets the attempts of `email_key` (a right password, a reset through the emailed link, an
/// erased account).
pub(crate) async fn clear_attempts(conn: &mut MySqlConnection, email_key: &[u8]) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM sign_in_attempts WHERE email_key = ?", email_key).execute(conn).await?;
    Ok(())
}

/// The attempts of `email_key`, if any (the export).
pub(crate) async fn attempts_of(conn: &mut MySqlConnection, email_key: &[u8]) -> Result<Option<Attempts>, sqlx::Error> {
    sqlx::query_as!(
        Attempts,
        r#"SELECT failed_count, locked_until AS "locked_until: _" FROM sign_in_attempts WHERE email_key = ?"#,
        email_key
    )
    .fetch_optional(conn)
    .await
}

/// Records a successful login.
pub(crate) async fn record_login(conn: &mut MySqlConnection, id: Uuid, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE users SET last_login_at = ?, updated_at = ? WHERE id = ?", now, now, id).execute(conn).await?;
    Ok(())
}

/// Records that the inactivity notice of the account was queued at `now`.
pub(crate) async fn set_inactivity_notice(conn: &mut MySqlConnection, id: Uuid, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE users SET inactivity_notice_at = ?, updated_at = ? WHERE id = ?", now, now, id).execute(conn).await?;
    Ok(())
}

/// Sets a new password hash.
pub(crate) async fn set_password(conn: &mut MySqlConnection, id: Uuid, hash: &str, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?", hash, now, id).execute(conn).await?;
    Ok(())
}

/// Marks the address verified (first time only).
pub(crate) async fn mark_verified(conn: &mut MySqlConnection, id: Uuid, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE users SET email_verified_at = COALESCE(email_verified_at, ?), updated_at = ? WHERE id = ?", now, now, id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Erases every personal field of the user, in place.
pub(crate) async fn anonymize(conn: &mut MySqlConnection, id: Uuid, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE users SET email = NULL, password_hash = NULL, first_name = NULL, last_name = NULL, birth_date = NULL, address_line1 = NULL,
             address_line2 = NULL, postal_code = NULL, city = NULL, country_code = NULL, phone = NULL, last_login_at = NULL,
             inactivity_notice_at = NULL, anonymized_at = ?, updated_at = ? WHERE id = ?",
        now,
        now,
        id
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!("DELETE FROM one_time_tokens WHERE user_id = ?", id).execute(&mut *conn).await?;
    sqlx::query!("DELETE FROM refresh_tokens WHERE user_id = ?", id).execute(&mut *conn).await?;
    Ok(())
}

/// Deletes the row of an account erased by [`anonymize`] (one never verified: nothing refers to it).
pub(crate) async fn delete_user(conn: &mut MySqlConnection, id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM users WHERE id = ? AND anonymized_at IS NOT NULL", id).execute(conn).await?;
    Ok(())
}

/// Why a one-time token exists (`one_time_tokens.purpose`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// Confirm a new address (24 h).
    VerifyEmail,
    /// Choose a new password (1 h).
    PasswordReset,
    /// A staff member sets their first password (7 days).
    StaffInvite,
}

ycyw_shared::text_enum!(Purpose { VerifyEmail => "verify_email", PasswordReset => "password_reset", StaffInvite => "staff_invite" });

/// Stores a one-time token.
pub(crate) async fn insert_one_time_token(
    conn: &mut MySqlConnection,
    user: Uuid,
    purpose: Purpose,
    hash: &[u8],
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO one_time_tokens (id, user_id, purpose, token_hash, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        Uuid::now_v7(),
        user,
        purpose,
        hash,
        expires_at,
        now
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The user of a valid (unused, unexpired) one-time token of one of `purposes`, without using it
/// up: checked before any costly work is done for the request.
pub(crate) async fn valid_one_time_token(
    conn: &mut MySqlConnection,
    hash: &[u8],
    purposes: &[Purpose],
    now: DateTime<Utc>,
) -> Result<Option<Uuid>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT user_id AS "user_id: Uuid", purpose AS "purpose: Purpose" FROM one_time_tokens
           WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?"#,
        hash,
        now
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.filter(|row| purposes.contains(&row.purpose)).map(|row| row.user_id))
}

/// Uses up a valid one-time token of one of `purposes`: returns its user and purpose, or `None`
/// when the token is unknown, expired or used.
pub(crate) async fn consume_one_time_token(
    conn: &mut MySqlConnection,
    hash: &[u8],
    purposes: &[Purpose],
    now: DateTime<Utc>,
) -> Result<Option<(Uuid, Purpose)>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT id AS "id: Uuid", user_id AS "user_id: Uuid", purpose AS "purpose: Purpose" FROM one_time_tokens
           WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? FOR UPDATE"#,
        hash,
        now
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row.filter(|row| purposes.contains(&row.purpose)) else { return Ok(None) };
    sqlx::query!("UPDATE one_time_tokens SET used_at = ? WHERE id = ?", now, row.id).execute(&mut *conn).await?;
    // The other open tokens of that purpose die with this one.
    sqlx::query!(
        "UPDATE one_time_tokens SET used_at = ? WHERE user_id = ? AND purpose = ? AND used_at IS NULL",
        now,
        row.user_id,
        row.purpose
    )
    .execute(&mut *conn)
    .await?;
    Ok(Some((row.user_id, row.purpose)))
}

/// A row of `refresh_tokens`.
#[derive(Debug, Clone)]
pub(crate) struct RefreshRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub family_id: Uuid,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub replaced_by: Option<Uuid>,
}

/// Stores a refresh token.
pub(crate) async fn insert_refresh_token(
    conn: &mut MySqlConnection,
    id: Uuid,
    user: Uuid,
    family: Uuid,
    hash: &[u8],
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, issued_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
        id,
        user,
        family,
        hash,
        now,
        expires_at
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The refresh token with this hash, locked for update.
pub(crate) async fn refresh_token_for_update(conn: &mut MySqlConnection, hash: &[u8]) -> Result<Option<RefreshRow>, sqlx::Error> {
    sqlx::query_as!(
        RefreshRow,
        r#"SELECT id AS "id: _", user_id AS "user_id: _", family_id AS "family_id: _", expires_at AS "expires_at: _",
               revoked_at AS "revoked_at: _", replaced_by AS "replaced_by: _"
           FROM refresh_tokens WHERE token_hash = ? FOR UPDATE"#,
        hash
    )
    .fetch_optional(conn)
    .await
}

/// Marks `old` replaced by `new`.
pub(crate) async fn mark_replaced(conn: &mut MySqlConnection, old: Uuid, new: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE refresh_tokens SET replaced_by = ? WHERE id = ?", new, old).execute(conn).await?;
    Ok(())
}

/// Revokes every token of a family.
pub(crate) async fn revoke_family(conn: &mut MySqlConnection, family: Uuid, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    sqlx::query!("UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL", now, family).execute(conn).await?;
    Ok(())
}

/// Revokes every token of the user, except those of `keep` (the current session).
pub(crate) async fn revoke_user_families(
    conn: &mut MySqlConnection,
    user: Uuid,
    keep: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    match keep {
        Some(keep) => {
            sqlx::query!(
                "UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL AND family_id <> ?",
                now,
                user,
                keep
            )
            .execute(conn)
            .await?
        }
        None => {
            sqlx::query!("UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", now, user)
                .execute(conn)
                .await?
        }
    };
    Ok(())
}

/// One session of the export (no hashes).
#[derive(Debug, Clone)]
pub(crate) struct SessionRow {
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Session metadata of a user, for the export.
pub(crate) async fn sessions_of(conn: &mut MySqlConnection, user: Uuid) -> Result<Vec<SessionRow>, sqlx::Error> {
    sqlx::query_as!(
        SessionRow,
        r#"SELECT issued_at AS "issued_at: _", expires_at AS "expires_at: _", revoked_at AS "revoked_at: _"
           FROM refresh_tokens WHERE user_id = ? ORDER BY issued_at"#,
        user
    )
    .fetch_all(conn)
    .await
}

/// Records an audit event (ids only, no personal data); no actor for the system's own acts.
pub(crate) async fn record_audit_event(
    conn: &mut MySqlConnection,
    actor: Option<Uuid>,
    action: &str,
    target: Uuid,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO audit_events (id, actor_id, action, target_id, at) VALUES (?, ?, ?, ?, ?)",
        Uuid::now_v7(),
        actor,
        action,
        target,
        now
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// One audit event of the export.
#[derive(Debug, Clone)]
pub(crate) struct AuditRow {
    pub action: String,
    pub actor_id: Option<Uuid>,
    pub target_id: Option<Uuid>,
    pub at: DateTime<Utc>,
}

/// The audit events the user did or underwent, oldest first.
pub(crate) async fn audit_events_about(conn: &mut MySqlConnection, user: Uuid) -> Result<Vec<AuditRow>, sqlx::Error> {
    sqlx::query_as!(
        AuditRow,
        r#"SELECT action, actor_id AS "actor_id: _", target_id AS "target_id: _", at AS "at: _"
           FROM audit_events WHERE actor_id = ? OR target_id = ? ORDER BY at, id"#,
        user,
        user
    )
    .fetch_all(conn)
    .await
}
