//! Users and passwords.

use sqlx::Row as _;
use sqlx::any::AnyRow;

use crate::error::is_unique_violation;
use crate::password::Lane;
use crate::{Db, DbError, UserId, now_secs};

/// Minimum password length, in characters.
pub const MIN_PASSWORD_CHARS: usize = 8;
/// Maximum password length, in characters (bounds the work done on hostile input).
pub const MAX_PASSWORD_CHARS: usize = 1024;
/// Maximum user-name length, in characters.
pub const MAX_NAME_CHARS: usize = 64;
/// Name of the single user of local mode. Reserved: [`Db::create_user`] refuses it.
pub const LOCAL_USER_NAME: &str = "local";

/// The hash of 32 random bytes that were thrown away (a password nobody knows), made with the same argon2id parameters as real hashes. Login
/// attempts for unknown users are checked against it, so that they take as long as attempts for
/// real users. A unit test checks that its parameters are still the crate's defaults.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$5ZlUSgidSDzocurIgLrVpw$QOSIdcAxSrIv2BLfFCRm1jQE3ViUQQCJoVrfJzg87Fk";

/// A user account. The password hash never leaves the crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Random id.
    pub id: UserId,
    /// Login name, unique.
    pub name: String,
    /// Unix seconds.
    pub created_at: i64,
}

impl User {
    pub(crate) fn from_row(row: &AnyRow) -> Result<User, DbError> {
        Ok(User {
            id: UserId::from_db(row.try_get("id")?),
            name: row.try_get("name")?,
            created_at: row.try_get("created_at")?,
        })
    }
}

fn check_name(name: &str) -> Result<&str, DbError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(DbError::InvalidUserName("不能为空"));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(DbError::InvalidUserName("最多 64 个字符"));
    }
    if name.chars().any(char::is_control) {
        return Err(DbError::InvalidUserName("不能含有控制字符"));
    }
    Ok(name)
}

fn check_password(password: &str) -> Result<(), DbError> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        return Err(DbError::PasswordTooShort { min: MIN_PASSWORD_CHARS });
    }
    if n > MAX_PASSWORD_CHARS {
        return Err(DbError::PasswordTooLong { max: MAX_PASSWORD_CHARS });
    }
    Ok(())
}

impl Db {
    /// Creates a user with an argon2id-hashed password. The name is trimmed; it must be 1–64
    /// characters without control characters, not taken, and not [`LOCAL_USER_NAME`]. The password
    /// must have 8–1024 characters.
    pub async fn create_user(&self, name: &str, password: &str) -> Result<User, DbError> {
        let name = check_name(name)?;
        if name == LOCAL_USER_NAME {
            return Err(DbError::ReservedUserName(name.to_owned()));
        }
        check_password(password)?;
        let hash = crate::password::hash(password).await?;
        self.insert_user(name, Some(&hash), now_secs()).await
    }

    async fn insert_user(&self, name: &str, hash: Option<&str>, created_at: i64) -> Result<User, DbError> {
        let id = UserId::generate()?;
        let result = sqlx::query("INSERT INTO users (id, name, password_hash, created_at) VALUES ($1, $2, $3, $4)")
            .bind(id.as_str())
            .bind(name)
            .bind(hash)
            .bind(created_at)
            .execute(&self.pool)
            .await;
        match result {
            Ok(_) => Ok(User { id, name: name.to_owned(), created_at }),
            Err(e) if is_unique_violation(&e) => Err(DbError::UserExists(name.to_owned())),
            Err(e) => Err(e.into()),
        }
    }

    /// Checks a login. `Ok(None)` for an unknown name, a wrong password, or a user without a
    /// password (the local user). An unknown name costs the same argon2 work as a known one, so the
    /// answer time does not tell whether the name exists.
    pub async fn verify_login(&self, name: &str, password: &str) -> Result<Option<User>, DbError> {
        self.verify_login_in(name, password, Lane::Open).await
    }

    /// [`Db::verify_login`] in the lane kept for devices this account has logged in from before
    /// (the web shell knows them by a cookie): a flood of guesses from elsewhere fills the open
    /// lane, not this one, so the account's owner still gets in.
    pub async fn verify_login_known_device(&self, name: &str, password: &str) -> Result<Option<User>, DbError> {
        self.verify_login_in(name, password, Lane::KnownDevice).await
    }

    async fn verify_login_in(&self, name: &str, password: &str, lane: Lane) -> Result<Option<User>, DbError> {
        let row = sqlx::query("SELECT id, name, created_at, password_hash FROM users WHERE name = $1")
            .bind(name.trim())
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else {
            crate::password::verify(password, DUMMY_HASH.to_owned(), lane).await?;
            return Ok(None);
        };
        let user = User::from_row(&row)?;
        let hash: Option<String> = row.try_get("password_hash")?;
        let Some(hash) = hash else {
            crate::password::verify(password, DUMMY_HASH.to_owned(), lane).await?;
            return Ok(None);
        };
        Ok(crate::password::verify(password, hash, lane).await?.then_some(user))
    }

    /// The single user of local single-user mode, named [`LOCAL_USER_NAME`], created on first use.
    /// It has no password, so [`Db::verify_login`] never accepts it.
    pub async fn ensure_local_user(&self) -> Result<User, DbError> {
        if let Some(user) = self.user_by_name(LOCAL_USER_NAME).await? {
            return Ok(user);
        }
        match self.insert_user(LOCAL_USER_NAME, None, now_secs()).await {
            Ok(user) => Ok(user),
            // Created concurrently by another connection: read theirs.
            Err(DbError::UserExists(_)) => self
                .user_by_name(LOCAL_USER_NAME)
                .await?
                .ok_or_else(|| DbError::UnknownUser(LOCAL_USER_NAME.to_owned())),
            Err(e) => Err(e),
        }
    }

    /// The user with this name, if any.
    pub async fn user_by_name(&self, name: &str) -> Result<Option<User>, DbError> {
        let row = sqlx::query("SELECT id, name, created_at FROM users WHERE name = $1")
            .bind(name.trim())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(User::from_row).transpose()
    }

    /// The user with this id, if any.
    pub async fn user_by_id(&self, id: &UserId) -> Result<Option<User>, DbError> {
        let row = sqlx::query("SELECT id, name, created_at FROM users WHERE id = $1")
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(User::from_row).transpose()
    }
}

/// Wall-clock unix seconds, only for `created_at` of users (everything time-sensitive takes `now`
/// from the caller).
#[cfg(test)]
mod tests {
    use argon2::Argon2;
    use argon2::password_hash::PasswordHasher as _;
    use argon2::password_hash::phc::PasswordHash;

    use super::*;

    #[test]
    fn dummy_hash_uses_the_default_parameters() {
        let dummy = PasswordHash::new(DUMMY_HASH).expect("dummy hash parses");
        let real = Argon2::default().hash_password(b"some password").expect("hash");
        assert_eq!(dummy.algorithm, real.algorithm);
        assert_eq!(dummy.version, real.version);
        assert_eq!(dummy.params, real.params);
        assert_eq!(dummy.hash.map(|h| h.len()), real.hash.map(|h| h.len()));
    }

    #[test]
    fn names_and_passwords() {
        assert_eq!(check_name("  张三 ").expect("ok"), "张三");
        assert!(matches!(check_name("   "), Err(DbError::InvalidUserName(_))));
        assert!(matches!(check_name("a\u{0}b"), Err(DbError::InvalidUserName(_))));
        assert!(matches!(check_name(&"名".repeat(65)), Err(DbError::InvalidUserName(_))));
        assert!(check_name(&"名".repeat(64)).is_ok());
        // Characters, not bytes: eight Chinese characters are enough.
        assert!(check_password("八个汉字的密码啊").is_ok());
        assert!(matches!(check_password("1234567"), Err(DbError::PasswordTooShort { min: 8 })));
        assert!(matches!(check_password(""), Err(DbError::PasswordTooShort { .. })));
        assert!(matches!(check_password(&"x".repeat(1025)), Err(DbError::PasswordTooLong { .. })));
    }
}
