//! The connection: back-end choice, the default SQLite file, migrations.

use std::borrow::Cow;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use sqlx::any::AnyPoolOptions;
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{AnyPool, SqlSafeStr as _};

use crate::DbError;

/// File name of the SQLite database inside the data directory.
pub const SQLITE_FILE_NAME: &str = "yuqi.sqlite";

/// The migrations, embedded in the binary. Each entry is `(version, description, sql)` and must
/// match a file `migrations/<version>_<description>.sql`; a test checks that the list and the
/// directory agree and that the checksums are the ones `sqlx::migrate!` would compute.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "init", include_str!("../migrations/0001_init.sql")),
    (2, "interview", include_str!("../migrations/0002_interview.sql")),
];

/// The embedded migrations as an sqlx [`Migrator`]. They run on connect; exposed for tests and
/// tools that want to inspect them.
pub fn migrator() -> Migrator {
    Migrator::with_migrations(
        MIGRATIONS
            .iter()
            .map(|&(version, description, sql)| {
                Migration::new(version, Cow::Borrowed(description), MigrationType::Simple, sql.into_sql_str(), false)
            })
            .collect(),
    )
}

/// Which database engine a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    /// One SQLite file (local single-user or small installations).
    Sqlite,
    /// A PostgreSQL server (organisations with many users).
    Postgres,
}

impl Backend {
    /// The back end a connection URL asks for.
    pub fn from_url(url: &str) -> Result<Backend, DbError> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(DbError::InvalidUrl("地址应以 sqlite:// 或 postgres:// 开头".to_owned()))
        }
    }
}

/// A handle on the yuqi database: a connection pool plus the back end it talks to.
///
/// Cloning is cheap (the pool is shared).
#[derive(Debug, Clone)]
pub struct Db {
    pub(crate) pool: AnyPool,
    backend: Backend,
}

impl Db {
    /// Connects to `sqlite://PATH` (the file is created if missing) or `postgres://…`, and brings
    /// the schema up to date.
    ///
    /// SQLite connections have foreign keys on and a 5 s busy timeout; the file is switched to
    /// WAL journaling so that readers never wait for a writer.
    pub async fn connect(url: &str) -> Result<Db, DbError> {
        let backend = Backend::from_url(url)?;
        sqlx::any::install_default_drivers();
        let (url, max_connections) = match backend {
            Backend::Sqlite => (sqlite_url_with_create(url)?, 4),
            Backend::Postgres => (url.to_owned(), 10),
        };
        let pool = AnyPoolOptions::new().max_connections(max_connections).connect(&url).await?;
        if backend == Backend::Sqlite {
            // Persistent in the file; a no-op once the file is in WAL mode.
            sqlx::query("PRAGMA journal_mode = WAL").execute(&pool).await?;
        }
        let db = Db { pool, backend };
        db.migrate().await?;
        Ok(db)
    }

    /// Opens (creating if needed) the SQLite database of local mode, `yuqi.sqlite` in
    /// [`default_data_dir`]. The directory is created with mode 0700 on Unix.
    pub async fn open_default() -> Result<Db, DbError> {
        let dir = default_data_dir()?;
        create_private_dir(&dir)?;
        Db::connect(&sqlite_url(&dir.join(SQLITE_FILE_NAME))?).await
    }

    /// The back end this handle talks to.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Runs the embedded migrations that have not run yet. [`Db::connect`] already does this;
    /// running it again is a no-op.
    pub async fn migrate(&self) -> Result<(), DbError> {
        migrator().run(&self.pool).await?;
        Ok(())
    }

    /// Closes every connection and waits until they are closed. For SQLite this also folds the WAL
    /// back into the main file, which [`crate::restore_sqlite`] expects.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The `sqlite://` URL for a file path (percent-encoding the characters SQLite URLs treat
/// specially), with `mode=rwc` so the file is created if missing.
pub fn sqlite_url(path: &Path) -> Result<String, DbError> {
    let text = path.to_str().ok_or_else(|| DbError::NonUtf8Path(path.to_path_buf()))?;
    let mut encoded = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => encoded.push_str("%25"),
            '?' => encoded.push_str("%3F"),
            '#' => encoded.push_str("%23"),
            c => encoded.push(c),
        }
    }
    Ok(format!("sqlite://{encoded}?mode=rwc"))
}

/// Adds `mode=rwc` unless the URL already chooses a mode; refuses in-memory databases (each pooled
/// connection would get its own empty database).
fn sqlite_url_with_create(url: &str) -> Result<String, DbError> {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let memory = base.ends_with(":memory:") || base == "sqlite:" || base == "sqlite://";
    let params: Vec<&str> = query.map(|q| q.split('&').collect()).unwrap_or_default();
    if memory || params.contains(&"mode=memory") {
        return Err(DbError::InvalidUrl("不支持内存数据库，请给出 SQLite 文件路径".to_owned()));
    }
    if params.iter().any(|p| p.starts_with("mode=")) {
        Ok(url.to_owned())
    } else if query.is_some() {
        Ok(format!("{url}&mode=rwc"))
    } else {
        Ok(format!("{url}?mode=rwc"))
    }
}

/// The data directory of local mode: `$YUQI_DATA_DIR` if set, else `$XDG_DATA_HOME/yuqi`, else
/// `$HOME/.local/share/yuqi`. Empty variables count as unset, and a relative `XDG_DATA_HOME` is
/// ignored (the XDG specification says so).
pub fn default_data_dir() -> Result<PathBuf, DbError> {
    resolve_data_dir(|key| std::env::var_os(key))
}

fn resolve_data_dir(get: impl Fn(&str) -> Option<OsString>) -> Result<PathBuf, DbError> {
    let non_empty = |key: &str| get(key).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(dir) = non_empty("YUQI_DATA_DIR") {
        return Ok(dir);
    }
    if let Some(xdg) = non_empty("XDG_DATA_HOME").filter(|p| p.is_absolute()) {
        return Ok(xdg.join("yuqi"));
    }
    if let Some(home) = non_empty("HOME") {
        return Ok(home.join(".local").join("share").join("yuqi"));
    }
    Err(DbError::NoDataDir)
}

fn create_private_dir(dir: &Path) -> Result<(), DbError> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt as _;
        builder.mode(0o700);
    }
    builder.create(dir).map_err(DbError::io(dir))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        move |key| vars.iter().find(|(k, _)| *k == key).map(|(_, v)| OsString::from(v))
    }

    #[test]
    fn data_dir_precedence() {
        let all = [("YUQI_DATA_DIR", "/d/yuqi"), ("XDG_DATA_HOME", "/x"), ("HOME", "/h")];
        assert_eq!(resolve_data_dir(env(&all)).expect("dir"), PathBuf::from("/d/yuqi"));
        let no_yuqi = [("YUQI_DATA_DIR", ""), ("XDG_DATA_HOME", "/x"), ("HOME", "/h")];
        assert_eq!(resolve_data_dir(env(&no_yuqi)).expect("dir"), PathBuf::from("/x/yuqi"));
        let relative_xdg = [("XDG_DATA_HOME", "x"), ("HOME", "/h")];
        assert_eq!(resolve_data_dir(env(&relative_xdg)).expect("dir"), PathBuf::from("/h/.local/share/yuqi"));
        assert!(matches!(resolve_data_dir(env(&[])), Err(DbError::NoDataDir)));
    }

    #[test]
    fn sqlite_urls() {
        assert_eq!(
            sqlite_url(Path::new("/a b/案件?#%.sqlite")).expect("url"),
            "sqlite:///a b/案件%3F%23%25.sqlite?mode=rwc"
        );
        assert_eq!(sqlite_url_with_create("sqlite:///x.db").expect("url"), "sqlite:///x.db?mode=rwc");
        assert_eq!(
            sqlite_url_with_create("sqlite:///x.db?cache=private").expect("url"),
            "sqlite:///x.db?cache=private&mode=rwc"
        );
        assert_eq!(sqlite_url_with_create("sqlite:///x.db?mode=ro").expect("url"), "sqlite:///x.db?mode=ro");
        assert!(sqlite_url_with_create("sqlite::memory:").is_err());
        assert!(sqlite_url_with_create("sqlite://?mode=memory").is_err());
        assert!(matches!(Backend::from_url("mysql://x"), Err(DbError::InvalidUrl(_))));
        assert_eq!(Backend::from_url("postgresql://x/y").expect("pg"), Backend::Postgres);
    }
}
