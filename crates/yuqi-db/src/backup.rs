//! Backup and restore of the SQLite back end.

use std::path::{Path, PathBuf};

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions as _, Connection as _, Row as _, SqliteConnection};

use crate::db::migrator;
use crate::ids::random_hex_id;
use crate::{Backend, Db, DbError};

/// Tables a yuqi database has after migration 1.
const REQUIRED_TABLES: &[&str] = &["_sqlx_migrations", "users", "sessions", "cases", "case_shares"];

impl Db {
    /// Writes a consistent copy of the whole database to `path` with `VACUUM INTO` (safe while the
    /// app runs). Refuses to overwrite: [`DbError::BackupExists`] if `path` exists. PostgreSQL:
    /// [`DbError::Unsupported`] (use `pg_dump`).
    pub async fn backup_to(&self, path: &Path) -> Result<(), DbError> {
        if self.backend() == Backend::Postgres {
            return Err(DbError::Unsupported { what: "备份" });
        }
        if path.symlink_metadata().is_ok() {
            return Err(DbError::BackupExists(path.to_path_buf()));
        }
        let text = path.to_str().ok_or_else(|| DbError::NonUtf8Path(path.to_path_buf()))?;
        // SQLite itself also refuses an existing non-empty file, should one appear meanwhile.
        sqlx::query("VACUUM INTO $1").bind(text).execute(&self.pool).await?;
        Ok(())
    }
}

/// Restores the database named by a connection URL from a backup: [`restore_sqlite`] for
/// `sqlite://PATH`, [`DbError::Unsupported`] for PostgreSQL (use `pg_restore`).
pub async fn restore(backup_path: &Path, target_url: &str) -> Result<(), DbError> {
    match Backend::from_url(target_url)? {
        Backend::Postgres => Err(DbError::Unsupported { what: "恢复" }),
        Backend::Sqlite => {
            let options: SqliteConnectOptions = target_url.parse()?;
            restore_sqlite(backup_path, options.get_filename()).await
        }
    }
}

/// Replaces the SQLite database at `target_path` with the backup at `backup_path`.
///
/// The backup is first copied next to the target, and the copy (not the original, so what was
/// checked is what gets installed) must pass `PRAGMA integrity_check` and be a yuqi database: the
/// yuqi tables exist and every migration recorded in it is one of this crate's, with the same
/// checksum. Only then is it renamed over the target, which is atomic: the target is either the
/// old database or the backup, never a mix. On any failure the target is untouched and the copy is
/// removed.
///
/// Stop the app first: if the target has a `-wal`, `-shm` or `-journal` file next to it (open, or
/// not closed cleanly) this returns [`DbError::TargetInUse`]; opening and closing the database once
/// with yuqi folds such files in. A backup made by an older yuqi is fine (the missing migrations run
/// on the next connect); one made by a newer yuqi is refused.
///
/// For PostgreSQL use `pg_dump`/`pg_restore` (see [`restore`]).
pub async fn restore_sqlite(backup_path: &Path, target_path: &Path) -> Result<(), DbError> {
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut side = target_path.as_os_str().to_owned();
        side.push(suffix);
        if Path::new(&side).symlink_metadata().is_ok() {
            return Err(DbError::TargetInUse(target_path.to_path_buf()));
        }
    }
    let temp = temp_path(target_path)?;
    let result = async {
        let (from, to) = (backup_path.to_path_buf(), temp.clone());
        blocking(move || std::fs::copy(&from, &to).map(drop).map_err(DbError::io(from))).await?;
        check_backup(&temp, backup_path).await?;
        let (from, to) = (temp.clone(), target_path.to_path_buf());
        blocking(move || install(&from, &to)).await
    }
    .await;
    if result.is_err() {
        // Best effort: the copy may not exist if the copy itself failed.
        let _ = std::fs::remove_file(&temp);
    }
    result
}

/// `.<name>.restore-<random>` in the target's directory (same file system, so the rename is
/// atomic).
fn temp_path(target: &Path) -> Result<PathBuf, DbError> {
    let name = target.file_name().ok_or_else(|| DbError::io(target)(std::io::ErrorKind::InvalidInput.into()))?;
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(name);
    temp_name.push(format!(".restore-{}", random_hex_id()?));
    Ok(target.with_file_name(temp_name))
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T, DbError> + Send + 'static) -> Result<T, DbError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| DbError::Io { path: PathBuf::new(), source: std::io::Error::other(e.to_string()) })?
}

/// fsync the copy, rename it over the target, fsync the directory.
fn install(temp: &Path, target: &Path) -> Result<(), DbError> {
    std::fs::File::open(temp).and_then(|f| f.sync_all()).map_err(DbError::io(temp))?;
    std::fs::rename(temp, target).map_err(DbError::io(target))?;
    #[cfg(unix)]
    if let Some(dir) = target.parent() {
        let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
        std::fs::File::open(dir).and_then(|f| f.sync_all()).map_err(DbError::io(dir))?;
    }
    Ok(())
}

/// Checks the copy at `path`; errors name `shown` (the file the user gave).
async fn check_backup(path: &Path, shown: &Path) -> Result<(), DbError> {
    let invalid = |reason: String| DbError::InvalidBackup { path: shown.to_path_buf(), reason };
    // Read-only and immutable: no journal, no WAL, no locks, nothing written next to the copy.
    let mut conn: SqliteConnection = SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .immutable(true)
        .connect()
        .await
        .map_err(|e| invalid(format!("无法打开（{e}）")))?;
    let result = check_connection(&mut conn).await.map_err(invalid);
    // The connection is read-only; an error while closing cannot affect the file.
    let _ = conn.close().await;
    result
}

async fn check_connection(conn: &mut SqliteConnection) -> Result<(), String> {
    let problems: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| format!("不是 SQLite 数据库或已损坏（{e}）"))?;
    if problems != ["ok"] {
        return Err(format!("完整性检查未通过（{}）", problems.join("；")));
    }

    let tables: Vec<String> = sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table'")
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| e.to_string())?;
    if let Some(missing) = REQUIRED_TABLES.iter().find(|t| !tables.iter().any(|name| name == *t)) {
        return Err(format!("缺少数据表 {missing}"));
    }

    let applied = sqlx::query("SELECT version, checksum, success FROM _sqlx_migrations ORDER BY version")
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| format!("无法读取迁移记录（{e}）"))?;
    let ours = migrator();
    let mut saw_first = false;
    for row in &applied {
        let version: i64 = row.try_get("version").map_err(|e| e.to_string())?;
        let checksum: Vec<u8> = row.try_get("checksum").map_err(|e| e.to_string())?;
        let success: bool = row.try_get("success").map_err(|e| e.to_string())?;
        if !success {
            return Err(format!("第 {version} 号迁移未完成"));
        }
        let Some(known) = ours.iter().find(|m| m.version == version) else {
            return Err(format!("含有本版本 yuqi 不认识的第 {version} 号迁移（备份来自更新的版本？）"));
        };
        if known.checksum.as_ref() != checksum.as_slice() {
            return Err(format!("第 {version} 号迁移与本版本 yuqi 不一致"));
        }
        saw_first |= version == 1;
    }
    if !saw_first {
        return Err("没有 yuqi 的迁移记录".to_owned());
    }
    Ok(())
}
