//! Login sessions.

use std::fmt;

use sqlx::Row as _;

use crate::error::is_foreign_key_violation;
use crate::ids::{random_token, sha256_hex};
use crate::{Db, DbError, User, UserId};

/// Longest token [`Db::session`] looks up; anything longer is not one of ours.
const MAX_TOKEN_LEN: usize = 128;

/// A session just created. The token goes into the cookie; only its SHA-256 is stored, so it can
/// never be read back.
#[derive(Clone, PartialEq, Eq)]
pub struct NewSession {
    /// 256 random bits, URL-safe base64 (43 characters). The bearer secret.
    pub token: String,
    /// 256 random bits, URL-safe base64, to put in forms and compare on every state-changing
    /// request.
    pub csrf_token: String,
    /// Unix seconds; the session is valid while `now < expires_at`.
    pub expires_at: i64,
}

impl fmt::Debug for NewSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewSession")
            .field("token", &"<redacted>")
            .field("csrf_token", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// A live session, as found from its token.
#[derive(Clone, PartialEq, Eq)]
pub struct Session {
    /// The logged-in user.
    pub user: User,
    /// The session's CSRF token.
    pub csrf_token: String,
    /// Unix seconds.
    pub expires_at: i64,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("user", &self.user)
            .field("csrf_token", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

impl Db {
    /// Starts a session for `user_id`, valid for `ttl_secs` (> 0) from `now` (unix seconds).
    pub async fn create_session(&self, user_id: &UserId, ttl_secs: i64, now: i64) -> Result<NewSession, DbError> {
        let expires_at = match now.checked_add(ttl_secs) {
            Some(t) if ttl_secs > 0 => t,
            _ => return Err(DbError::InvalidTtl(ttl_secs)),
        };
        let token = random_token()?;
        let csrf_token = random_token()?;
        let result = sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(sha256_hex(&token))
        .bind(user_id.as_str())
        .bind(csrf_token.as_str())
        .bind(now)
        .bind(expires_at)
        .execute(&self.pool)
        .await;
        match result {
            Ok(_) => Ok(NewSession { token, csrf_token, expires_at }),
            Err(e) if is_foreign_key_violation(&e) => Err(DbError::UnknownUser(user_id.to_string())),
            Err(e) => Err(e.into()),
        }
    }

    /// The session behind `token`, if it exists and has not expired at `now`.
    pub async fn session(&self, token: &str, now: i64) -> Result<Option<Session>, DbError> {
        if token.is_empty() || token.len() > MAX_TOKEN_LEN {
            return Ok(None);
        }
        let row = sqlx::query(
            "SELECT u.id, u.name, u.created_at, s.csrf_token, s.expires_at \
             FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .bind(sha256_hex(token))
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(Session {
            user: User::from_row(&row)?,
            csrf_token: row.try_get("csrf_token")?,
            expires_at: row.try_get("expires_at")?,
        }))
    }

    /// Ends the session behind `token` (logout). Unknown tokens are not an error.
    pub async fn delete_session(&self, token: &str) -> Result<(), DbError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(sha256_hex(token)).execute(&self.pool).await?;
        Ok(())
    }

    /// Deletes every session expired at `now`; returns how many.
    pub async fn purge_sessions(&self, now: i64) -> Result<u64, DbError> {
        let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now).execute(&self.pool).await?;
        Ok(done.rows_affected())
    }
}
