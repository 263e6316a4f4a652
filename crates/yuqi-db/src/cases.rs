//! Cases, their owners and who else may see them.

use std::fmt;

use sqlx::Row as _;
use sqlx::any::AnyRow;

use crate::error::is_foreign_key_violation;
use crate::{CaseId, Db, DbError, UserId, now_secs};

/// What a user may do with a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Everything: read, update, delete, share. Exactly one per case, the creator.
    Owner,
    /// Read and update.
    Editor,
    /// Read only.
    Viewer,
}

impl Role {
    /// The stored form: `owner`, `editor`, `viewer`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Editor => "editor",
            Role::Viewer => "viewer",
        }
    }

    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "owner" => Some(Role::Owner),
            "editor" => Some(Role::Editor),
            "viewer" => Some(Role::Viewer),
            _ => None,
        }
    }

    /// The Chinese label for the user interface.
    pub fn label(self) -> &'static str {
        match self {
            Role::Owner => "所有者",
            Role::Editor => "编辑者",
            Role::Viewer => "查看者",
        }
    }

    /// May update the case (title and case file).
    pub fn can_edit(self) -> bool {
        matches!(self, Role::Owner | Role::Editor)
    }

    fn from_row(row: &AnyRow) -> Result<Role, DbError> {
        let s: String = row.try_get("role")?;
        Role::parse(&s).ok_or_else(|| DbError::Corrupt(format!("未知的角色“{s}”")))
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// One line of a user's case list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseSummary {
    /// Random id.
    pub id: CaseId,
    /// Title given by the user.
    pub title: String,
    /// The listing user's role.
    pub role: Role,
    /// Unix seconds of the last update.
    pub updated_at: i64,
}

/// A whole case as one user sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRecord {
    /// Random id.
    pub id: CaseId,
    /// Title given by the user.
    pub title: String,
    /// The case file (yuqi-case TOML) exactly as saved; not validated here.
    pub toml: String,
    /// The guided interview's answers (JSON) when the case is built through it.
    pub interview: Option<String>,
    /// The owner.
    pub owner_id: UserId,
    /// The reading user's role.
    pub role: Role,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds.
    pub updated_at: i64,
}

/// The role expression shared by the read queries: `$1` is the user, `c` the case, `s` the user's
/// share row (LEFT JOIN). Rows without access are filtered by [`ACCESS`].
const ROLE: &str = "CASE WHEN c.owner_id = $1 THEN 'owner' ELSE s.role END AS role";
const ACCESS: &str = "(c.owner_id = $1 OR s.user_id IS NOT NULL)";

fn check_title(title: &str) -> Result<&str, DbError> {
    let title = title.trim();
    if title.is_empty() { Err(DbError::EmptyTitle) } else { Ok(title) }
}

impl Db {
    /// Creates a case owned by `user_id`. The title is trimmed and must not be empty.
    pub async fn create_case(&self, user_id: &UserId, title: &str, toml: &str, now: i64) -> Result<CaseId, DbError> {
        let title = check_title(title)?;
        let id = CaseId::generate()?;
        let result = sqlx::query(
            "INSERT INTO cases (id, owner_id, title, toml, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)",
        )
        .bind(id.as_str())
        .bind(user_id.as_str())
        .bind(title)
        .bind(toml)
        .bind(now)
        .execute(&self.pool)
        .await;
        match result {
            Ok(_) => Ok(id),
            Err(e) if is_foreign_key_violation(&e) => Err(DbError::UnknownUser(user_id.to_string())),
            Err(e) => Err(e.into()),
        }
    }

    /// Every case `user_id` can see (own and shared), most recently updated first.
    pub async fn list_cases(&self, user_id: &UserId) -> Result<Vec<CaseSummary>, DbError> {
        let sql = format!(
            "SELECT c.id, c.title, c.updated_at, {ROLE} \
             FROM cases c LEFT JOIN case_shares s ON s.case_id = c.id AND s.user_id = $1 \
             WHERE {ACCESS} ORDER BY c.updated_at DESC, c.id"
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(user_id.as_str()).fetch_all(&self.pool).await?;
        rows.iter()
            .map(|row| {
                Ok(CaseSummary {
                    id: CaseId::from_db(row.try_get("id")?),
                    title: row.try_get("title")?,
                    role: Role::from_row(row)?,
                    updated_at: row.try_get("updated_at")?,
                })
            })
            .collect()
    }

    /// The case, if `user_id` may see it; [`DbError::NotFound`] otherwise.
    pub async fn get_case(&self, user_id: &UserId, case_id: &CaseId) -> Result<CaseRecord, DbError> {
        let sql = format!(
            "SELECT c.id, c.title, c.toml, c.interview, c.owner_id, c.created_at, c.updated_at, {ROLE} \
             FROM cases c LEFT JOIN case_shares s ON s.case_id = c.id AND s.user_id = $1 \
             WHERE c.id = $2 AND {ACCESS}"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(user_id.as_str())
            .bind(case_id.as_str())
            .fetch_optional(&self.pool)
            .await?
            .ok_or(DbError::NotFound)?;
        Ok(CaseRecord {
            id: CaseId::from_db(row.try_get("id")?),
            title: row.try_get("title")?,
            toml: row.try_get("toml")?,
            interview: row.try_get("interview")?,
            owner_id: UserId::from_db(row.try_get("owner_id")?),
            role: Role::from_row(&row)?,
            created_at: row.try_get("created_at")?,
            updated_at: row.try_get("updated_at")?,
        })
    }

    /// `user_id`'s role on the case, `None` without access.
    pub async fn case_role(&self, user_id: &UserId, case_id: &CaseId) -> Result<Option<Role>, DbError> {
        let sql = format!(
            "SELECT {ROLE} FROM cases c LEFT JOIN case_shares s ON s.case_id = c.id AND s.user_id = $1 \
             WHERE c.id = $2 AND {ACCESS}"
        );
        let row = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(user_id.as_str())
            .bind(case_id.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(Role::from_row).transpose()
    }

    /// The error for an operation that changed nothing: [`DbError::Forbidden`] if the user can see
    /// the case, [`DbError::NotFound`] if not.
    async fn denied(&self, user_id: &UserId, case_id: &CaseId) -> DbError {
        match self.case_role(user_id, case_id).await {
            Ok(Some(_)) => DbError::Forbidden,
            Ok(None) => DbError::NotFound,
            Err(e) => e,
        }
    }

    /// Replaces title and case file (the case is then no longer built by the interview). Owner or editor; a viewer gets [`DbError::Forbidden`], anyone
    /// else [`DbError::NotFound`]. The access check and the write are one statement, so a share
    /// revoked concurrently cannot slip through.
    pub async fn update_case(
        &self,
        user_id: &UserId,
        case_id: &CaseId,
        title: &str,
        toml: &str,
        now: i64,
    ) -> Result<(), DbError> {
        let title = check_title(title)?;
        self.write_case(user_id, case_id, "title = $1, toml = $2, interview = NULL", title, toml, now).await
    }

    /// Stores the interview's answers and the case file built from them, in one statement.
    /// The same access rule as [`Db::update_case`].
    pub async fn save_interview(
        &self,
        user_id: &UserId,
        case_id: &CaseId,
        interview: &str,
        toml: &str,
        now: i64,
    ) -> Result<(), DbError> {
        self.write_case(user_id, case_id, "interview = $1, toml = $2", interview, toml, now).await
    }

    /// The one write of a case's text: `set` assigns `$1` and `$2` (and may clear a column).
    /// Owner or editor; the access check and the write are one statement.
    async fn write_case(
        &self,
        user_id: &UserId,
        case_id: &CaseId,
        set: &'static str,
        first: &str,
        second: &str,
        now: i64,
    ) -> Result<(), DbError> {
        let sql = format!(
            "UPDATE cases SET {set}, updated_at = $3 \
             WHERE id = $4 AND (owner_id = $5 OR EXISTS \
               (SELECT 1 FROM case_shares WHERE case_id = $4 AND user_id = $5 AND role = 'editor'))"
        );
        let done = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(first)
            .bind(second)
            .bind(now)
            .bind(case_id.as_str())
            .bind(user_id.as_str())
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 { Err(self.denied(user_id, case_id).await) } else { Ok(()) }
    }

    /// Deletes the case and its shares. Owner only; a user who can see it gets
    /// [`DbError::Forbidden`], anyone else [`DbError::NotFound`].
    pub async fn delete_case(&self, user_id: &UserId, case_id: &CaseId) -> Result<(), DbError> {
        let done = sqlx::query("DELETE FROM cases WHERE id = $1 AND owner_id = $2")
            .bind(case_id.as_str())
            .bind(user_id.as_str())
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 { Err(self.denied(user_id, case_id).await) } else { Ok(()) }
    }

    /// Gives the user named `other_user_name` `role` on the case, replacing an earlier share.
    /// Owner only (others: [`DbError::Forbidden`] if they can see the case, else
    /// [`DbError::NotFound`]). `role` must be editor or viewer and the other user not the owner
    /// ([`DbError::InvalidShare`]); an unknown name gives [`DbError::UnknownUser`].
    pub async fn share_case(
        &self,
        owner_id: &UserId,
        case_id: &CaseId,
        other_user_name: &str,
        role: Role,
    ) -> Result<(), DbError> {
        self.require_owner(owner_id, case_id).await?;
        if role == Role::Owner {
            return Err(DbError::InvalidShare);
        }
        let other = self.share_target(owner_id, other_user_name).await?;
        let result = sqlx::query(
            "INSERT INTO case_shares (case_id, user_id, role, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (case_id, user_id) DO UPDATE SET role = excluded.role",
        )
        .bind(case_id.as_str())
        .bind(other.as_str())
        .bind(role.as_str())
        .bind(now_secs())
        .execute(&self.pool)
        .await;
        match result {
            Ok(_) => Ok(()),
            // The case was deleted between the check and the insert.
            Err(e) if is_foreign_key_violation(&e) => Err(DbError::NotFound),
            Err(e) => Err(e.into()),
        }
    }

    /// Takes back the access of the user named `other_user_name`. Owner only, like
    /// [`Db::share_case`]. Returns whether there was a share to take back.
    pub async fn unshare_case(
        &self,
        owner_id: &UserId,
        case_id: &CaseId,
        other_user_name: &str,
    ) -> Result<bool, DbError> {
        self.require_owner(owner_id, case_id).await?;
        let other = self.share_target(owner_id, other_user_name).await?;
        let done = sqlx::query("DELETE FROM case_shares WHERE case_id = $1 AND user_id = $2")
            .bind(case_id.as_str())
            .bind(other.as_str())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn require_owner(&self, user_id: &UserId, case_id: &CaseId) -> Result<(), DbError> {
        match self.case_role(user_id, case_id).await? {
            Some(Role::Owner) => Ok(()),
            Some(_) => Err(DbError::Forbidden),
            None => Err(DbError::NotFound),
        }
    }

    async fn share_target(&self, owner_id: &UserId, name: &str) -> Result<UserId, DbError> {
        let other = self.user_by_name(name).await?.ok_or_else(|| DbError::UnknownUser(name.trim().to_owned()))?;
        if &other.id == owner_id { Err(DbError::InvalidShare) } else { Ok(other.id) }
    }
}
