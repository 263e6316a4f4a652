//! The storage tests. Every test function runs twice, as `<name>::sqlite` (a fresh file in a
//! temporary directory) and `<name>::postgres` (a fresh database `yuqi_t_<random>` on the server
//! named by `YUQI_TEST_PG_URL`, dropped afterwards).
//!
//! Without `YUQI_TEST_PG_URL` the PostgreSQL variants print a notice and pass — unless `CI` is set,
//! where they fail: CI must exercise the real server. Start one with
//! `export YUQI_TEST_PG_URL=$(bash scripts/ci-postgres.sh)`.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::time::Instant;

use sha2::{Digest, Sha256};
use sqlx::{AnyPool, AssertSqlSafe, Connection as _, Executor as _, PgConnection, Row as _};
use yuqi_db::{Backend, CaseId, Db, DbError, Role, User, UserId, migrator, restore, restore_sqlite, sqlite_url};

const T0: i64 = 1_750_000_000;
const CASE_TOML: &str = "[person]\nname = \"张三\"\n\n[[debt]]\nlender = \"某某消费金融\"\nprincipal = \"1.2万\"\nnote = 'quotes \" and \\ stay'\n";

// ---------------------------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------------------------

/// What a test gets: a migrated database, its URL, and a scratch directory.
struct Env {
    db: Db,
    url: String,
    scratch: PathBuf,
}

impl Env {
    /// A separate pool for looking at the tables directly.
    async fn raw(&self) -> AnyPool {
        sqlx::any::install_default_drivers();
        AnyPool::connect(&self.url).await.expect("raw connection")
    }

    async fn count(&self, sql: &'static str, arg: &str) -> i64 {
        let raw = self.raw().await;
        let n: i64 = sqlx::query_scalar(sql).bind(arg).fetch_one(&raw).await.expect("count query");
        raw.close().await;
        n
    }

    async fn user(&self, name: &str) -> User {
        self.db.create_user(name, "correct horse battery").await.expect("create user")
    }
}

fn random_hex() -> String {
    let mut b = [0u8; 8];
    getrandom::fill(&mut b).expect("random");
    b.iter().map(|x| format!("{x:02x}")).collect()
}

async fn on_sqlite<F, Fut>(test: F)
where
    F: FnOnce(Env) -> Fut,
    Fut: Future<Output = ()>,
{
    let dir = tempfile::tempdir().expect("tempdir");
    let scratch = dir.path().join("scratch");
    std::fs::create_dir(&scratch).expect("scratch dir");
    let url = sqlite_url(&dir.path().join("db").join("yuqi.sqlite")).expect("url");
    std::fs::create_dir(dir.path().join("db")).expect("db dir");
    let db = Db::connect(&url).await.expect("connect to SQLite");
    assert_eq!(db.backend(), Backend::Sqlite);
    test(Env { db, url, scratch }).await;
}

/// The admin URL, or `None` (with a notice) outside CI.
#[allow(clippy::print_stderr)]
fn pg_admin_url() -> Option<String> {
    match std::env::var("YUQI_TEST_PG_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false");
            assert!(
                !ci,
                "CI is set but YUQI_TEST_PG_URL is not: the PostgreSQL back end must be tested in CI. \
                 Run `export YUQI_TEST_PG_URL=$(bash scripts/ci-postgres.sh)` before the tests."
            );
            eprintln!("notice: YUQI_TEST_PG_URL is not set, skipping the PostgreSQL variant of this test");
            None
        }
    }
}

/// `url` with its database name replaced.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[authority_start..].find('/').map_or(base.len(), |i| authority_start + i);
    let mut out = format!("{}/{name}", &base[..path_start]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

async fn on_postgres<F, Fut>(test: F)
where
    F: FnOnce(Env) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let Some(admin_url) = pg_admin_url() else { return };
    let name = format!("yuqi_t_{}", random_hex());
    let mut admin = PgConnection::connect(&admin_url).await.expect("connect to YUQI_TEST_PG_URL");
    admin.execute(AssertSqlSafe(format!("CREATE DATABASE {name}"))).await.expect("CREATE DATABASE");
    let url = with_database(&admin_url, &name);
    let dir = tempfile::tempdir().expect("tempdir");
    let scratch = dir.path().to_path_buf();
    // In its own task so that a failing assertion still reaches the DROP below.
    let outcome = tokio::spawn(async move {
        let db = Db::connect(&url).await.expect("connect to the test database");
        assert_eq!(db.backend(), Backend::Postgres);
        test(Env { db, url, scratch }).await;
    })
    .await;
    // FORCE: the test's pool may not have closed all its connections yet.
    admin.execute(AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))).await.expect("DROP DATABASE");
    admin.close().await.expect("close admin connection");
    if let Err(e) = outcome {
        std::panic::resume_unwind(e.into_panic());
    }
}

/// For each test function `f(env: Env)`, a module `f` with tests `sqlite` and `postgres`.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                crate::on_sqlite(super::$name).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                crate::on_postgres(super::$name).await;
            }
        }
    )*};
}

on_both_backends!(
    migrations_are_idempotent,
    users,
    login,
    sessions,
    session_purge,
    case_crud,
    interview_answers,
    acl_matrix,
    list_shows_only_accessible_cases,
    backup_and_restore,
    restore_refuses_bad_backups,
);

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

async fn migrations_are_idempotent(env: Env) {
    let user = env.user("甲").await;
    env.db.migrate().await.expect("second migrate");
    env.db.migrate().await.expect("third migrate");
    // A second connect migrates again: still fine, data kept.
    let again = Db::connect(&env.url).await.expect("reconnect");
    again.migrate().await.expect("migrate on the second handle");
    assert_eq!(again.user_by_name("甲").await.expect("lookup"), Some(user));
    again.close().await;

    let raw = env.raw().await;
    let rows =
        sqlx::query("SELECT version FROM _sqlx_migrations ORDER BY version").fetch_all(&raw).await.expect("rows");
    let applied: Vec<i64> = rows.iter().map(|r| r.try_get("version").expect("version")).collect();
    let ours: Vec<i64> = migrator().iter().map(|m| m.version).collect();
    assert_eq!(applied, ours, "every embedded migration applied exactly once");
    raw.close().await;
}

#[tokio::test]
async fn embedded_migrations_match_the_directory() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let from_dir = sqlx::migrate::Migrator::new(dir.as_path()).await.expect("read migrations directory");
    let embedded = migrator();
    let summary = |m: &sqlx::migrate::Migrator| {
        m.iter().map(|x| (x.version, x.description.to_string(), x.checksum.to_vec())).collect::<Vec<_>>()
    };
    assert!(!summary(&embedded).is_empty());
    assert_eq!(summary(&embedded), summary(&from_dir), "src/db.rs MIGRATIONS must list every file in migrations/");
}

async fn users(env: Env) {
    let user = env.db.create_user("  张三  ", "correct horse battery").await.expect("create");
    assert_eq!(user.name, "张三", "name is trimmed");
    assert!(UserId::parse(user.id.as_str()).is_some(), "id is 32 hex digits: {}", user.id);
    assert_eq!(env.db.user_by_name("张三").await.expect("lookup"), Some(user.clone()));
    assert_eq!(env.db.user_by_id(&user.id).await.expect("lookup"), Some(user.clone()));

    let dup = env.db.create_user("张三", "another good password").await;
    assert!(matches!(dup, Err(DbError::UserExists(ref n)) if n == "张三"), "{dup:?}");

    for short in ["", "1234567", "七个汉字的密码"] {
        let e = env.db.create_user("李四", short).await;
        assert!(matches!(e, Err(DbError::PasswordTooShort { min: 8 })), "{short:?}: {e:?}");
    }
    let e = env.db.create_user("李四", "1234567").await.expect_err("short");
    assert_eq!(e.to_string(), "密码太短：至少需要 8 个字符");
    assert_eq!(env.db.user_by_name("李四").await.expect("lookup"), None, "failed creations store nothing");

    assert!(matches!(env.db.create_user("  ", "correct horse battery").await, Err(DbError::InvalidUserName(_))));
    assert!(matches!(env.db.create_user("local", "correct horse battery").await, Err(DbError::ReservedUserName(_))));

    // The password is stored only as an argon2id PHC string.
    let raw = env.raw().await;
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM users WHERE name = $1")
        .bind("张三")
        .fetch_one(&raw)
        .await
        .expect("hash");
    assert!(hash.starts_with("$argon2id$v=19$"), "{hash}");
    assert!(!hash.contains("correct horse battery"));
    raw.close().await;

    // The local user: created once, no password.
    let local = env.db.ensure_local_user().await.expect("local user");
    assert_eq!(local.name, "local");
    assert_eq!(env.db.ensure_local_user().await.expect("again"), local, "the same user every time");
    assert_eq!(env.count("SELECT COUNT(*) FROM users WHERE name = $1", "local").await, 1);
}

async fn login(env: Env) {
    let user = env.user("王五").await;
    let ok = env.db.verify_login("王五", "correct horse battery").await.expect("login");
    assert_eq!(ok, Some(user));
    assert_eq!(env.db.verify_login("王五", "wrong horse battery").await.expect("login"), None);
    assert_eq!(env.db.verify_login("王五", "").await.expect("login"), None);
    assert_eq!(env.db.verify_login("赵六", "correct horse battery").await.expect("login"), None);

    // The local user has no password: nothing logs in as it.
    env.db.ensure_local_user().await.expect("local");
    assert_eq!(env.db.verify_login("local", "").await.expect("login"), None);
    assert_eq!(env.db.verify_login("local", "correct horse battery").await.expect("login"), None);

    // An unknown name costs an argon2 verification too (no shortcut that reveals existence).
    let t = Instant::now();
    env.db.verify_login("王五", "wrong horse battery").await.expect("login");
    let known = t.elapsed();
    let t = Instant::now();
    env.db.verify_login("nobody-here", "wrong horse battery").await.expect("login");
    let unknown = t.elapsed();
    assert!(unknown * 4 > known, "unknown user answered in {unknown:?}, known user in {known:?}");
}

async fn sessions(env: Env) {
    let user = env.user("钱七").await;
    let new = env.db.create_session(&user.id, 3600, T0).await.expect("session");
    assert_eq!(new.expires_at, T0 + 3600);
    assert_eq!(new.token.len(), 43);
    assert!(new.token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "URL-safe");
    assert_ne!(new.token, new.csrf_token);
    let debug = format!("{new:?}");
    assert!(!debug.contains(&new.token) && !debug.contains(&new.csrf_token), "Debug redacts: {debug}");

    let s = env.db.session(&new.token, T0).await.expect("read").expect("live session");
    assert_eq!(s.user, user);
    assert_eq!(s.csrf_token, new.csrf_token);
    assert_eq!(s.expires_at, T0 + 3600);
    assert!(env.db.session(&new.token, T0 + 3599).await.expect("read").is_some());
    assert!(env.db.session(&new.token, T0 + 3600).await.expect("read").is_none(), "expired at expires_at");
    assert!(env.db.session(&new.csrf_token, T0).await.expect("read").is_none(), "the CSRF token is not a session");
    assert!(env.db.session("", T0).await.expect("read").is_none());
    assert!(env.db.session(&"x".repeat(10_000), T0).await.expect("read").is_none());

    // Only the SHA-256 of the token is stored.
    let raw = env.raw().await;
    let rows = sqlx::query("SELECT token_hash, user_id, csrf_token FROM sessions").fetch_all(&raw).await.expect("rows");
    assert_eq!(rows.len(), 1);
    for col in ["token_hash", "user_id", "csrf_token"] {
        let v: String = rows[0].try_get(col).expect("column");
        assert!(!v.contains(&new.token), "raw token found in sessions.{col}");
    }
    let stored: String = rows[0].try_get("token_hash").expect("hash");
    let expected: String = Sha256::digest(new.token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(stored, expected);
    raw.close().await;

    // Logout.
    env.db.delete_session(&new.token).await.expect("delete");
    assert!(env.db.session(&new.token, T0).await.expect("read").is_none());
    env.db.delete_session(&new.token).await.expect("deleting twice is fine");

    // Bad input.
    assert!(matches!(env.db.create_session(&user.id, 0, T0).await, Err(DbError::InvalidTtl(0))));
    assert!(matches!(env.db.create_session(&user.id, 1, i64::MAX).await, Err(DbError::InvalidTtl(1))));
    // Foreign keys are enforced on both back ends.
    let ghost = UserId::parse("0123456789abcdef0123456789abcdef").expect("id");
    assert!(matches!(env.db.create_session(&ghost, 60, T0).await, Err(DbError::UnknownUser(_))));
}

async fn session_purge(env: Env) {
    let user = env.user("孙八").await;
    let short = env.db.create_session(&user.id, 10, T0).await.expect("s1");
    let also_short = env.db.create_session(&user.id, 20, T0).await.expect("s2");
    let long = env.db.create_session(&user.id, 1000, T0).await.expect("s3");
    assert_eq!(env.db.purge_sessions(T0).await.expect("purge"), 0);
    assert_eq!(env.db.purge_sessions(T0 + 20).await.expect("purge"), 2);
    assert_eq!(env.db.purge_sessions(T0 + 20).await.expect("purge"), 0);
    assert!(env.db.session(&long.token, T0 + 20).await.expect("read").is_some());
    assert_eq!(env.count("SELECT COUNT(*) FROM sessions WHERE user_id = $1", user.id.as_str()).await, 1);
    assert!(env.db.session(&short.token, T0).await.expect("read").is_none(), "purged rows are gone");
    assert!(env.db.session(&also_short.token, T0).await.expect("read").is_none());
}

async fn case_crud(env: Env) {
    let owner = env.user("周九").await;
    let other = env.user("吴十").await;
    let id = env.db.create_case(&owner.id, "  借呗逾期  ", CASE_TOML, T0).await.expect("create");
    assert!(CaseId::parse(id.as_str()).is_some());

    let rec = env.db.get_case(&owner.id, &id).await.expect("get");
    assert_eq!(rec.id, id);
    assert_eq!(rec.title, "借呗逾期");
    assert_eq!(rec.toml, CASE_TOML, "the case file comes back byte for byte");
    assert_eq!(rec.owner_id, owner.id);
    assert_eq!(rec.role, Role::Owner);
    assert_eq!((rec.created_at, rec.updated_at), (T0, T0));

    env.db
        .update_case(&owner.id, &id, "借呗逾期（已协商）", "[person]\nname = \"张三\"\n", T0 + 60)
        .await
        .expect("update");
    let rec = env.db.get_case(&owner.id, &id).await.expect("get");
    assert_eq!(rec.title, "借呗逾期（已协商）");
    assert_eq!(rec.toml, "[person]\nname = \"张三\"\n");
    assert_eq!((rec.created_at, rec.updated_at), (T0, T0 + 60));

    assert!(matches!(env.db.create_case(&owner.id, " ", "", T0).await, Err(DbError::EmptyTitle)));
    assert!(matches!(env.db.update_case(&owner.id, &id, "", "", T0).await, Err(DbError::EmptyTitle)));
    let ghost = UserId::parse("0123456789abcdef0123456789abcdef").expect("id");
    assert!(matches!(env.db.create_case(&ghost, "t", "", T0).await, Err(DbError::UnknownUser(_))));

    let list = env.db.list_cases(&owner.id).await.expect("list");
    assert_eq!(list.len(), 1);
    assert_eq!((list[0].id.clone(), list[0].role, list[0].updated_at), (id.clone(), Role::Owner, T0 + 60));

    // Deleting removes the case and its shares.
    env.db.share_case(&owner.id, &id, "吴十", Role::Viewer).await.expect("share");
    assert_eq!(env.count("SELECT COUNT(*) FROM case_shares WHERE case_id = $1", id.as_str()).await, 1);
    env.db.delete_case(&owner.id, &id).await.expect("delete");
    assert!(matches!(env.db.get_case(&owner.id, &id).await, Err(DbError::NotFound)));
    assert!(matches!(env.db.get_case(&other.id, &id).await, Err(DbError::NotFound)));
    assert!(env.db.list_cases(&owner.id).await.expect("list").is_empty());
    assert!(env.db.list_cases(&other.id).await.expect("list").is_empty());
    assert_eq!(env.count("SELECT COUNT(*) FROM case_shares WHERE case_id = $1", id.as_str()).await, 0);
    assert!(matches!(env.db.delete_case(&owner.id, &id).await, Err(DbError::NotFound)));
}

/// The interview's answers are stored with the case file they build, only by the owner or an
/// editor; saving the case file directly clears them (the case is then the expert's).
async fn interview_answers(env: Env) {
    let owner = env.user("郑一").await;
    let viewer = env.user("王二").await;
    let id = env.db.create_case(&owner.id, "我的借款", "", T0).await.expect("create");
    assert_eq!(env.db.get_case(&owner.id, &id).await.expect("get").interview, None);
    env.db.save_interview(&owner.id, &id, "{\"debts\":[]}", CASE_TOML, T0 + 1).await.expect("save");
    let rec = env.db.get_case(&owner.id, &id).await.expect("get");
    assert_eq!(rec.interview.as_deref(), Some("{\"debts\":[]}"));
    assert_eq!((rec.toml.as_str(), rec.updated_at), (CASE_TOML, T0 + 1));
    env.db.share_case(&owner.id, &id, "王二", Role::Viewer).await.expect("share");
    assert!(matches!(env.db.save_interview(&viewer.id, &id, "{}", "", T0 + 2).await, Err(DbError::Forbidden)));
    env.db.update_case(&owner.id, &id, "我的借款", CASE_TOML, T0 + 3).await.expect("update");
    assert_eq!(env.db.get_case(&owner.id, &id).await.expect("get").interview, None, "the expert view detaches it");
}

async fn acl_matrix(env: Env) {
    let owner = env.user("owner").await;
    let editor = env.user("editor").await;
    let viewer = env.user("viewer").await;
    let stranger = env.user("stranger").await;
    let id = env.db.create_case(&owner.id, "案件", CASE_TOML, T0).await.expect("create");
    env.db.share_case(&owner.id, &id, "editor", Role::Editor).await.expect("share editor");
    env.db.share_case(&owner.id, &id, " viewer ", Role::Viewer).await.expect("share viewer");

    // A stranger cannot tell the case exists: NotFound everywhere, exactly as for a missing id.
    let missing = CaseId::parse("00000000000000000000000000000000").expect("id");
    for case in [&id, &missing] {
        let who = if case == &id { &stranger } else { &owner };
        assert!(matches!(env.db.get_case(&who.id, case).await, Err(DbError::NotFound)));
        assert!(matches!(env.db.update_case(&who.id, case, "x", "x", T0).await, Err(DbError::NotFound)));
        assert!(matches!(env.db.delete_case(&who.id, case).await, Err(DbError::NotFound)));
        assert!(matches!(env.db.share_case(&who.id, case, "editor", Role::Viewer).await, Err(DbError::NotFound)));
        assert!(matches!(env.db.share_case(&who.id, case, "no such user", Role::Owner).await, Err(DbError::NotFound)));
        assert!(matches!(env.db.unshare_case(&who.id, case, "viewer").await, Err(DbError::NotFound)));
        assert_eq!(env.db.case_role(&who.id, case).await.expect("role"), None);
    }
    assert_eq!(DbError::NotFound.to_string(), "找不到该案件，或你无权访问");

    // Viewer: read only.
    assert_eq!(env.db.get_case(&viewer.id, &id).await.expect("viewer reads").role, Role::Viewer);
    assert!(matches!(env.db.update_case(&viewer.id, &id, "改", "改", T0 + 1).await, Err(DbError::Forbidden)));
    assert!(matches!(env.db.delete_case(&viewer.id, &id).await, Err(DbError::Forbidden)));
    assert!(matches!(env.db.share_case(&viewer.id, &id, "stranger", Role::Viewer).await, Err(DbError::Forbidden)));
    assert!(matches!(env.db.unshare_case(&viewer.id, &id, "editor").await, Err(DbError::Forbidden)));
    assert_eq!(env.db.get_case(&owner.id, &id).await.expect("get").toml, CASE_TOML, "failed update changed nothing");

    // Editor: read and update, not delete or share.
    assert_eq!(env.db.get_case(&editor.id, &id).await.expect("editor reads").role, Role::Editor);
    env.db.update_case(&editor.id, &id, "编辑过", "edited = true\n", T0 + 2).await.expect("editor updates");
    let rec = env.db.get_case(&owner.id, &id).await.expect("get");
    assert_eq!((rec.title.as_str(), rec.toml.as_str(), rec.updated_at), ("编辑过", "edited = true\n", T0 + 2));
    assert!(matches!(env.db.delete_case(&editor.id, &id).await, Err(DbError::Forbidden)));
    assert!(matches!(env.db.share_case(&editor.id, &id, "stranger", Role::Viewer).await, Err(DbError::Forbidden)));
    assert!(matches!(env.db.get_case(&stranger.id, &id).await, Err(DbError::NotFound)), "the editor's share failed");

    // Owner: sharing rules.
    assert!(matches!(env.db.share_case(&owner.id, &id, "stranger", Role::Owner).await, Err(DbError::InvalidShare)));
    assert!(matches!(env.db.share_case(&owner.id, &id, "owner", Role::Editor).await, Err(DbError::InvalidShare)));
    let unknown = env.db.share_case(&owner.id, &id, "nobody", Role::Viewer).await;
    assert!(matches!(unknown, Err(DbError::UnknownUser(ref n)) if n == "nobody"), "{unknown:?}");
    // Re-sharing replaces the role: the editor becomes a viewer.
    env.db.share_case(&owner.id, &id, "editor", Role::Viewer).await.expect("downgrade");
    assert_eq!(env.db.case_role(&editor.id, &id).await.expect("role"), Some(Role::Viewer));
    assert!(matches!(env.db.update_case(&editor.id, &id, "x", "x", T0 + 3).await, Err(DbError::Forbidden)));
    // Unsharing takes access away completely.
    assert!(env.db.unshare_case(&owner.id, &id, "viewer").await.expect("unshare"));
    assert!(!env.db.unshare_case(&owner.id, &id, "viewer").await.expect("unshare again"));
    assert!(matches!(env.db.get_case(&viewer.id, &id).await, Err(DbError::NotFound)));
    // The owner can do everything.
    env.db.update_case(&owner.id, &id, "所有者改", "owner = true\n", T0 + 4).await.expect("owner updates");
    env.db.delete_case(&owner.id, &id).await.expect("owner deletes");
    assert!(matches!(env.db.get_case(&editor.id, &id).await, Err(DbError::NotFound)));
}

async fn list_shows_only_accessible_cases(env: Env) {
    let a = env.user("a").await;
    let b = env.user("b").await;
    let c = env.user("c").await;
    let a1 = env.db.create_case(&a.id, "a1", "", T0).await.expect("a1");
    let a2 = env.db.create_case(&a.id, "a2", "", T0 + 10).await.expect("a2");
    let b1 = env.db.create_case(&b.id, "b1", "", T0 + 5).await.expect("b1");
    env.db.share_case(&a.id, &a2, "b", Role::Editor).await.expect("share");
    env.db.share_case(&b.id, &b1, "c", Role::Viewer).await.expect("share");

    let listed = |v: Vec<yuqi_db::CaseSummary>| v.into_iter().map(|s| (s.title, s.role)).collect::<Vec<_>>();
    // Most recently updated first.
    assert_eq!(
        listed(env.db.list_cases(&a.id).await.expect("list a")),
        [("a2".to_owned(), Role::Owner), ("a1".to_owned(), Role::Owner)]
    );
    assert_eq!(
        listed(env.db.list_cases(&b.id).await.expect("list b")),
        [("a2".to_owned(), Role::Editor), ("b1".to_owned(), Role::Owner)]
    );
    assert_eq!(listed(env.db.list_cases(&c.id).await.expect("list c")), [("b1".to_owned(), Role::Viewer)]);
    let d = env.user("d").await;
    assert!(env.db.list_cases(&d.id).await.expect("list d").is_empty());

    // An update moves a case to the top.
    env.db.update_case(&a.id, &a1, "a1", "", T0 + 20).await.expect("update");
    let ids: Vec<CaseId> = env.db.list_cases(&a.id).await.expect("list").into_iter().map(|s| s.id).collect();
    assert_eq!(ids, [a1, a2]);
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The SQLite file behind `env.url`.
fn sqlite_path(env: &Env) -> PathBuf {
    let opts: sqlx::sqlite::SqliteConnectOptions = env.url.parse().expect("sqlite url");
    opts.get_filename().to_path_buf()
}

async fn backup_and_restore(env: Env) {
    let user = env.user("郑一").await;
    let id = env.db.create_case(&user.id, "原始", CASE_TOML, T0).await.expect("create");
    let backup = env.scratch.join("备份 1.sqlite");

    if env.db.backend() == Backend::Postgres {
        let e = env.db.backup_to(&backup).await.expect_err("no backup on PostgreSQL");
        assert!(matches!(e, DbError::Unsupported { .. }), "{e:?}");
        assert!(e.to_string().contains("pg_dump") && e.to_string().contains("pg_restore"), "{e}");
        assert!(!backup.exists());
        let e = restore(&backup, &env.url).await.expect_err("no restore on PostgreSQL");
        assert!(matches!(e, DbError::Unsupported { .. }) && e.to_string().contains("pg_restore"), "{e}");
        return;
    }

    env.db.backup_to(&backup).await.expect("backup");
    let bytes = std::fs::read(&backup).expect("backup written");
    assert!(bytes.starts_with(b"SQLite format 3\0"));
    // Never overwrites.
    let e = env.db.backup_to(&backup).await.expect_err("exists");
    assert!(matches!(e, DbError::BackupExists(_)), "{e:?}");
    assert_eq!(std::fs::read(&backup).expect("read"), bytes, "existing backup untouched");

    // Change things after the backup.
    env.db.update_case(&user.id, &id, "改过", "changed = true\n", T0 + 1).await.expect("update");
    let later = env.db.create_case(&user.id, "备份之后", "", T0 + 2).await.expect("create");

    // While the database is open, restore refuses (the WAL is next to it).
    let target = sqlite_path(&env);
    let e = restore_sqlite(&backup, &target).await.expect_err("in use");
    assert!(matches!(e, DbError::TargetInUse(_)), "{e:?}");
    env.db.close().await;
    let before = files_in(target.parent().expect("dir"));
    assert_eq!(before, ["yuqi.sqlite"], "closing folds the WAL back into the file");

    restore(&backup, &env.url).await.expect("restore");
    assert_eq!(files_in(target.parent().expect("dir")), before, "no temporary file left");

    let db = Db::connect(&env.url).await.expect("reopen");
    let rec = db.get_case(&user.id, &id).await.expect("case from the backup");
    assert_eq!((rec.title.as_str(), rec.toml.as_str()), ("原始", CASE_TOML));
    assert!(matches!(db.get_case(&user.id, &later).await, Err(DbError::NotFound)), "later case gone");
    assert_eq!(db.verify_login("郑一", "correct horse battery").await.expect("login"), Some(user));
    db.close().await;
}

async fn restore_refuses_bad_backups(env: Env) {
    let user = env.user("冯二").await;
    env.db.create_case(&user.id, "案件", CASE_TOML, T0).await.expect("create");

    if env.db.backend() == Backend::Postgres {
        let junk = env.scratch.join("junk");
        std::fs::write(&junk, b"junk").expect("write");
        assert!(matches!(restore(&junk, &env.url).await, Err(DbError::Unsupported { .. })));
        // The PostgreSQL data is untouched.
        assert_eq!(env.db.list_cases(&user.id).await.expect("list").len(), 1);
        return;
    }

    // A good backup to derive bad ones from.
    let good = env.scratch.join("good.sqlite");
    env.db.backup_to(&good).await.expect("backup");
    let good_bytes = std::fs::read(&good).expect("read");
    env.db.close().await;
    let target = sqlite_path(&env);
    let target_dir = target.parent().expect("dir").to_path_buf();
    let target_bytes = std::fs::read(&target).expect("read target");

    let mut bad: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("not sqlite", b"this is a letter, not a database".repeat(200)),
        ("truncated", good_bytes[..good_bytes.len() / 2].to_vec()),
    ];
    let mut page2 = good_bytes.clone();
    page2[4096..8192].fill(0xA5);
    bad.push(("page 2 overwritten", page2));
    for (what, bytes) in bad {
        let path = env.scratch.join(format!("{what}.sqlite"));
        std::fs::write(&path, bytes).expect("write bad backup");
        let e = restore_sqlite(&path, &target).await.expect_err(what);
        assert!(matches!(e, DbError::InvalidBackup { .. }), "{what}: {e:?}");
        assert!(e.to_string().contains("不是完整的 yuqi 数据库备份"), "{e}");
        assert_eq!(std::fs::read(&target).expect("read"), target_bytes, "{what}: target untouched");
        assert_eq!(files_in(&target_dir), ["yuqi.sqlite"], "{what}: no temporary file left");
    }

    // A sound SQLite database that is not yuqi's.
    let foreign = env.scratch.join("foreign.sqlite");
    let foreign_url = sqlite_url(&foreign).expect("url");
    let mut conn = sqlx::SqliteConnection::connect(&foreign_url).await.expect("create foreign db");
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('hi');")
        .await
        .expect("fill foreign db");
    conn.close().await.expect("close");
    let e = restore_sqlite(&foreign, &target).await.expect_err("foreign");
    assert!(matches!(e, DbError::InvalidBackup { ref reason, .. } if reason.contains("缺少数据表")), "{e:?}");

    // A backup that opens and has every table, but whose index no longer matches its table: only
    // `PRAGMA integrity_check` notices.
    let bad_index = env.scratch.join("bad-index.sqlite");
    std::fs::write(&bad_index, &good_bytes).expect("copy");
    let mut conn = sqlx::SqliteConnection::connect(&sqlite_url(&bad_index).expect("url")).await.expect("open copy");
    conn.execute(
        "PRAGMA writable_schema = ON; \
         UPDATE sqlite_master SET rootpage = (SELECT rootpage FROM sqlite_master WHERE name = 'sessions_user_id') \
         WHERE name = 'cases_owner_id';",
    )
    .await
    .expect("break the index");
    conn.close().await.expect("close");
    let e = restore_sqlite(&bad_index, &target).await.expect_err("bad index");
    assert!(matches!(e, DbError::InvalidBackup { ref reason, .. } if reason.contains("完整性检查未通过")), "{e:?}");

    // A yuqi backup from a newer version (a migration we do not know).
    let newer = env.scratch.join("newer.sqlite");
    std::fs::write(&newer, &good_bytes).expect("copy");
    let mut conn = sqlx::SqliteConnection::connect(&sqlite_url(&newer).expect("url")).await.expect("open copy");
    conn.execute(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (9999, 'future', TRUE, X'00', 0)",
    )
    .await
    .expect("add future migration");
    conn.close().await.expect("close");
    let e = restore_sqlite(&newer, &target).await.expect_err("newer");
    assert!(matches!(e, DbError::InvalidBackup { ref reason, .. } if reason.contains("9999")), "{e:?}");

    // A missing backup file.
    let e = restore_sqlite(&env.scratch.join("nope.sqlite"), &target).await.expect_err("missing");
    assert!(matches!(e, DbError::Io { .. }), "{e:?}");

    assert_eq!(std::fs::read(&target).expect("read"), target_bytes, "target untouched after every refusal");
    assert_eq!(files_in(&target_dir), ["yuqi.sqlite"]);
    // And the good one still restores.
    restore_sqlite(&good, &target).await.expect("good backup restores");
    let db = Db::connect(&env.url).await.expect("reopen");
    assert_eq!(db.list_cases(&user.id).await.expect("list").len(), 1);
    db.close().await;
}

#[test]
fn with_database_replaces_only_the_name() {
    assert_eq!(with_database("postgres://u:p@h:5432/postgres", "x"), "postgres://u:p@h:5432/x");
    assert_eq!(with_database("postgres://u:p@h/postgres?sslmode=disable", "x"), "postgres://u:p@h/x?sslmode=disable");
    assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
}
