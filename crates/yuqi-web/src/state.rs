//! Application state and configuration.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use crate::search::LawIndex;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// One person on their own machine: no login, one built-in user.
    Local,
    /// An organisation's server: password login, sessions, per-case access control.
    MultiUser,
}

#[derive(Debug, Clone)]
pub struct Config {
    pub mode: Mode,
    /// `Host` header values accepted (DNS-rebinding defence), e.g. `127.0.0.1:8080`.
    pub allowed_hosts: Vec<String>,
    /// Where each case's evidence store lives (`cases/<id>/evidence`).
    pub data_dir: PathBuf,
    /// Largest request body outside uploads.
    pub body_limit: usize,
    /// Largest evidence upload.
    pub upload_limit: usize,
    /// Send cookies with `Secure` (set when served behind HTTPS).
    pub secure_cookies: bool,
    /// Phone mode (`yuqi serve --phone`): local mode that also listens on the home network,
    /// where only the computer itself and phones paired by a one-time code get in.
    pub phone: Option<PhoneConfig>,
    /// Bounds on connections: how many at once, how long idle (see `serve.rs`).
    pub limits: crate::serve::Limits,
}

/// Phone mode: where the phone connects and how long its pairing lasts.
#[derive(Debug, Clone)]
pub struct PhoneConfig {
    /// The computer's address on the home network (`ip:port`), the one the pairing code holds.
    pub lan: SocketAddr,
    /// Seconds a pairing code stays valid: long enough to pick up the phone, short enough that
    /// a photo of the screen is soon worthless.
    pub pair_ttl: i64,
    /// Seconds a paired phone stays paired; the server forgets every phone when it stops.
    pub device_ttl: i64,
}

impl PhoneConfig {
    pub fn new(lan: SocketAddr) -> PhoneConfig {
        PhoneConfig { lan, pair_ttl: 10 * 60, device_ttl: 12 * 3600 }
    }
}

impl Config {
    /// Local single-user mode on `port`: only loopback names are accepted as Host.
    pub fn local(port: u16, data_dir: PathBuf) -> Config {
        Config {
            mode: Mode::Local,
            allowed_hosts: vec![format!("127.0.0.1:{port}"), format!("localhost:{port}"), format!("[::1]:{port}")],
            data_dir,
            body_limit: 2 * 1024 * 1024,
            upload_limit: 512 * 1024 * 1024,
            secure_cookies: false,
            phone: None,
            limits: crate::serve::Limits::default(),
        }
    }

    /// Phone mode: local mode whose Host allow-list also has the home-network address.
    pub fn phone(phone: PhoneConfig, data_dir: PathBuf) -> Config {
        let mut cfg = Config::local(phone.lan.port(), data_dir);
        cfg.allowed_hosts.push(phone.lan.to_string());
        cfg.phone = Some(phone);
        cfg
    }
}

#[derive(Clone)]
pub struct AppState {
    pub db: yuqi_db::Db,
    pub(crate) cfg: Arc<Config>,
    pub(crate) law: Arc<LawIndex>,
    /// The CSRF token of local mode (one user, one token per process).
    pub(crate) local_csrf: Arc<String>,
    pub(crate) renderer: Arc<OnceLock<Result<yuqi_render::Renderer, String>>>,
    /// Rendered case pages by (page, case, version, evidence state, date): the audit and the
    /// timeline recompute the whole dossier (dozens of ledger runs for the charts), and nothing
    /// in them changes until the case, its evidence or the date does.
    pub(crate) pages: Arc<Mutex<PageCache>>,
    /// Phone mode's pairing code and paired phones (empty in the other modes). In memory only:
    /// stopping the server unpairs every phone.
    pub(crate) phones: Arc<Mutex<crate::phone::Book>>,
    /// One lock per evidence store: imports into the same case wait for each other (a large
    /// import holds SQLite's write lock longer than its busy timeout).
    pub(crate) imports: Arc<Mutex<HashMap<PathBuf, Arc<tokio::sync::Mutex<()>>>>>,
    /// One permit per core for CPU-heavy work (see [`AppState::cpu`]).
    pub(crate) cpu: Arc<tokio::sync::Semaphore>,
    /// Wrong-password counts per account and per address (multi-user mode's login).
    pub(crate) logins: Arc<crate::throttle::Throttle>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").field("cfg", &self.cfg).finish()
    }
}

impl AppState {
    pub fn new(db: yuqi_db::Db, cfg: Config) -> AppState {
        AppState {
            db,
            cfg: Arc::new(cfg),
            law: Arc::new(LawIndex::build()),
            local_csrf: Arc::new(crate::security::random_token()),
            renderer: Arc::new(OnceLock::new()),
            pages: Arc::new(Mutex::new(PageCache::default())),
            imports: Arc::new(Mutex::new(HashMap::new())),
            cpu: Arc::new(tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get),
            )),
            phones: Arc::new(Mutex::new(crate::phone::Book::default())),
            logins: Arc::new(crate::throttle::Throttle::default()),
        }
    }

    pub(crate) fn cached_page(&self, key: &str) -> Option<Arc<String>> {
        self.pages.lock().ok()?.map.get(key).cloned()
    }

    pub(crate) fn cache_page(&self, key: String, body: Arc<String>) {
        if let Ok(mut c) = self.pages.lock() {
            c.insert(key, body);
        }
    }

    /// The lock that imports into the evidence store `dir` take in turn.
    pub(crate) fn import_lock(&self, dir: &std::path::Path) -> Arc<tokio::sync::Mutex<()>> {
        let mut m = self.imports.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        m.entry(dir.to_path_buf()).or_default().clone()
    }

    /// Runs CPU-heavy work (the case pipeline, the analyzer, rendering, imports) on the blocking
    /// pool, at most one job per core at a time. Off the async workers, so that a slow request
    /// never stalls the others' pages; bounded, so that many slow requests queue rather than
    /// start hundreds of threads that each hold their input in memory.
    pub(crate) async fn cpu<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, crate::error::WebError> {
        let _permit = self.cpu.acquire().await.map_err(|_| crate::error::WebError::Busy("服务器正在关闭".into()))?;
        Ok(tokio::task::spawn_blocking(work).await?)
    }

    /// What identifies the evidence store's state cheaply: its database file's size and time.
    pub(crate) fn evidence_stamp(&self, case_id: &yuqi_db::CaseId) -> String {
        let f = self.evidence_dir(case_id).join(yuqi_store::DB_FILE);
        match std::fs::metadata(&f) {
            Ok(m) => format!(
                "{}-{}",
                m.len(),
                m.modified()
                    .ok()
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_nanos())
            ),
            Err(_) => "none".to_string(),
        }
    }

    /// The PDF renderer, loaded on first use (font loading takes ~60 ms).
    pub(crate) fn renderer(&self) -> Result<&yuqi_render::Renderer, String> {
        self.renderer
            .get_or_init(|| yuqi_render::Renderer::new().map_err(|e| e.to_string()))
            .as_ref()
            .map_err(Clone::clone)
    }

    pub(crate) fn evidence_dir(&self, case_id: &yuqi_db::CaseId) -> PathBuf {
        // Case ids are validated hex (CaseId::parse): nothing else reaches the file system.
        self.cfg.data_dir.join("cases").join(case_id.as_str()).join("evidence")
    }
}

/// Rendered case pages, bounded by entries and by bytes: a large case's audit page runs to
/// megabytes, and a cache that counted only entries could hold hundreds of them.
#[derive(Debug, Default)]
pub(crate) struct PageCache {
    map: HashMap<String, Arc<String>>,
    bytes: usize,
}

impl PageCache {
    /// Entries kept; past this the cache starts over (it is a cache of a few open cases, not a
    /// store).
    const MAX_ENTRIES: usize = 256;
    /// Bytes kept (64 MiB).
    const MAX_BYTES: usize = 64 << 20;

    fn insert(&mut self, key: String, body: Arc<String>) {
        // A page bigger than a quarter of the budget is rendered each time instead.
        if body.len() > Self::MAX_BYTES / 4 {
            return;
        }
        if self.map.len() >= Self::MAX_ENTRIES || self.bytes + body.len() > Self::MAX_BYTES {
            self.map.clear();
            self.bytes = 0;
        }
        self.bytes += body.len();
        if let Some(old) = self.map.insert(key, body) {
            self.bytes -= old.len();
        }
    }
}

/// A case id from a URL: anything that is not a well-formed id is simply "not found".
pub(crate) fn case_id(s: &str) -> Result<yuqi_db::CaseId, crate::error::WebError> {
    yuqi_db::CaseId::parse(s).ok_or(crate::error::WebError::NotFound)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_cache_is_bounded_by_bytes() {
        let mut c = PageCache::default();
        let page = Arc::new("页".repeat(3 << 20)); // 9 MiB of UTF-8
        for i in 0..40 {
            c.insert(format!("p{i}"), page.clone());
            assert!(c.bytes <= PageCache::MAX_BYTES, "{} bytes after {i}", c.bytes);
            assert_eq!(c.bytes, c.map.values().map(|p| p.len()).sum::<usize>());
        }
        // Too big to keep at all.
        c.insert("huge".into(), Arc::new("x".repeat(PageCache::MAX_BYTES / 2)));
        assert!(!c.map.contains_key("huge"));
        // The same key again replaces, and the count follows.
        let mut d = PageCache::default();
        d.insert("k".into(), Arc::new("ab".into()));
        d.insert("k".into(), Arc::new("abcd".into()));
        assert_eq!(d.bytes, 4);
    }
}
