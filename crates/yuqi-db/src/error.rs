//! The one error type of the crate.

use std::path::PathBuf;

/// Everything that can go wrong in `yuqi-db`.
///
/// The `Display` text is Chinese and may be shown to the user as is. The access-control errors are
/// deliberately vague: [`DbError::NotFound`] is returned both for a case that does not exist and for
/// a case the user may not see, so that a stranger cannot learn that a case id exists.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DbError {
    /// The connection URL is neither `sqlite://…` nor `postgres://…`, or asks for something this
    /// crate does not support (an in-memory SQLite database).
    #[error("不支持的数据库地址：{0}")]
    InvalidUrl(String),

    /// No data directory could be determined for the default SQLite file.
    #[error("找不到数据目录：请设置 YUQI_DATA_DIR、XDG_DATA_HOME 或 HOME 环境变量")]
    NoDataDir,

    /// A path that must be passed to SQLite as text is not valid UTF-8.
    #[error("路径 {0} 含有无法识别的字符，请换一个路径")]
    NonUtf8Path(PathBuf),

    /// Reading or writing a file failed.
    #[error("读写 {path} 失败：{source}")]
    Io {
        /// The file or directory concerned.
        path: PathBuf,
        /// The operating-system error.
        #[source]
        source: std::io::Error,
    },

    /// The database driver reported an error (connection lost, disk full, constraint, …).
    #[error("数据库出错：{0}")]
    Sql(#[from] sqlx::Error),

    /// Bringing the schema up to date failed.
    #[error("数据库结构升级失败：{0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),

    /// The stored data is not what this crate wrote (an unknown role, a malformed password hash).
    #[error("数据库中的数据已损坏：{0}")]
    Corrupt(String),

    /// The user name is empty, too long, or contains control characters.
    #[error("用户名无效：{0}")]
    InvalidUserName(&'static str),

    /// The user name is reserved for the local single-user mode.
    #[error("用户名“{0}”为系统保留，请换一个")]
    ReservedUserName(String),

    /// Another user already has this name.
    #[error("用户名“{0}”已被使用")]
    UserExists(String),

    /// The password is shorter than the minimum.
    #[error("密码太短：至少需要 {min} 个字符")]
    PasswordTooShort {
        /// The minimum number of characters.
        min: usize,
    },

    /// The password is longer than the maximum.
    #[error("密码太长：最多 {max} 个字符")]
    PasswordTooLong {
        /// The maximum number of characters.
        max: usize,
    },

    /// Hashing or checking a password failed for a reason other than a wrong password.
    #[error("密码处理失败：{0}")]
    PasswordHash(String),

    /// The operating system did not provide random bytes.
    #[error("无法取得系统随机数：{0}")]
    Random(String),

    /// Too many password checks are waiting (a login flood): try again in a moment.
    #[error("登录请求太多，请稍等几秒再试")]
    Busy,

    /// No user with this name or id.
    #[error("找不到用户“{0}”")]
    UnknownUser(String),

    /// The session lifetime is not positive or overflows.
    #[error("会话有效期无效：{0} 秒")]
    InvalidTtl(i64),

    /// The case title is empty.
    #[error("案件标题不能为空")]
    EmptyTitle,

    /// The case does not exist, or the user has no access to it. The two are indistinguishable on
    /// purpose.
    #[error("找不到该案件，或你无权访问")]
    NotFound,

    /// The user can see the case but may not do this (a viewer editing, an editor deleting or
    /// sharing).
    #[error("你没有权限执行此操作")]
    Forbidden,

    /// A case can only be shared with another user, as editor or viewer.
    #[error("案件只能以“编辑者”或“查看者”身份共享给其他用户")]
    InvalidShare,

    /// The backup target already exists; backups never overwrite.
    #[error("备份文件 {0} 已存在，不会覆盖；请换一个文件名")]
    BackupExists(PathBuf),

    /// The file offered for restore is not an intact yuqi database.
    #[error("{path} 不是完整的 yuqi 数据库备份：{reason}")]
    InvalidBackup {
        /// The backup file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },

    /// The restore target has a journal or WAL file next to it, so it may be open or was not closed
    /// cleanly.
    #[error("数据库 {0} 可能正在使用中（旁边有未合并的日志文件）；请先关闭 yuqi，再恢复备份")]
    TargetInUse(PathBuf),

    /// The operation does not exist for this back end.
    #[error("PostgreSQL 数据库不支持{what}；请使用 PostgreSQL 自带的 pg_dump 备份、pg_restore 恢复")]
    Unsupported {
        /// The operation, in Chinese ("备份", "恢复").
        what: &'static str,
    },
}

impl DbError {
    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> DbError {
        let path = path.into();
        move |source| DbError::Io { path, source }
    }
}

/// `true` if the error is a unique-constraint violation (SQLite or PostgreSQL).
pub(crate) fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

/// `true` if the error is a foreign-key violation (SQLite or PostgreSQL).
pub(crate) fn is_foreign_key_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_foreign_key_violation())
}
