//! Password hashing and checking, bounded.
//!
//! argon2id is slow and memory-hard on purpose: one check takes tens of milliseconds and a
//! 19 MiB work area. Anyone who can reach the login page can ask for checks, so two things are
//! bounded here, whatever the caller does:
//!
//! * **How many run at once**: a semaphore with one permit per core (at most [`MAX_WORKERS`]).
//!   A request that cannot get a permit within [`WAIT`] gets [`DbError::Busy`] instead of
//!   queueing without end (the web shell answers 429). Logins from a device the account has
//!   used before have a lane of their own (one more worker): a flood of guesses from many
//!   addresses fills the open lane, and the account's owner still gets in.
//! * **Memory**: each permit owns one reusable work area. Allocating a fresh 19 MiB buffer per
//!   check on the blocking pool let the allocator keep every thread's freed buffer — a login
//!   flood grew the server to 14 GB and it stayed there. Reused buffers make the memory for
//!   password work a constant: permits × 19 MiB.

use std::sync::{LazyLock, Mutex};
use std::time::Duration;

use argon2::password_hash::phc::{Output, PasswordHash};
use argon2::{Algorithm, Argon2, Block, Params, Version};

use crate::DbError;

/// Most password checks that run at once, however many cores there are: each holds a work area.
pub(crate) const MAX_WORKERS: usize = 4;

/// How long a check waits for a free worker before the request is turned away as busy. Long
/// enough that a real user behind a handful of other logins gets in; short enough that a flood
/// cannot pile up waiting requests.
pub(crate) const WAIT: Duration = Duration::from_secs(3);

/// The largest argon2 memory cost (KiB) accepted in a stored hash. Hashes are written by this
/// crate with the library defaults (19,456 KiB); a stored hash asking for more is not ours and
/// would make every login allocate whatever it says.
const MAX_M_COST: u32 = 64 * 1024;

struct Workers {
    permits: tokio::sync::Semaphore,
    /// Work areas not in use; a permit guarantees one is here (or may be made).
    areas: Mutex<Vec<Vec<Block>>>,
}

static WORKERS: LazyLock<Workers> =
    LazyLock::new(|| Workers { permits: tokio::sync::Semaphore::new(workers()), areas: Mutex::new(Vec::new()) });
static KNOWN_DEVICE_WORKERS: LazyLock<Workers> =
    LazyLock::new(|| Workers { permits: tokio::sync::Semaphore::new(1), areas: Mutex::new(Vec::new()) });

/// Which workers a check waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lane {
    /// Everyone: new users, new devices, and attackers.
    Open,
    /// A device the account logged in from before.
    KnownDevice,
}

impl Lane {
    fn workers(self) -> &'static Workers {
        match self {
            Lane::Open => &WORKERS,
            Lane::KnownDevice => &KNOWN_DEVICE_WORKERS,
        }
    }
}

/// The number of checks that may run at once on this machine.
pub(crate) fn workers() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get).clamp(1, MAX_WORKERS)
}

/// Runs `work` with a work area, on the blocking pool, once a permit is free (or `Busy`).
async fn with_area<T: Send + 'static>(
    lane: Lane,
    work: impl FnOnce(&mut Vec<Block>) -> Result<T, DbError> + Send + 'static,
) -> Result<T, DbError> {
    let w = lane.workers();
    let permit = tokio::time::timeout(WAIT, w.permits.acquire()).await.map_err(|_| DbError::Busy)?;
    let _permit = permit.map_err(|_| DbError::Busy)?;
    tokio::task::spawn_blocking(move || {
        let mut area = w.areas.lock().map(|mut a| a.pop()).ok().flatten().unwrap_or_default();
        let out = work(&mut area);
        // Wipe what the password left in the area before it waits for the next one.
        area.fill(Block::new());
        if let Ok(mut a) = w.areas.lock() {
            a.push(area);
        }
        out
    })
    .await
    .map_err(|e| DbError::PasswordHash(e.to_string()))?
}

/// argon2id with the crate's default parameters; the PHC string to store.
pub(crate) async fn hash(password: &str) -> Result<String, DbError> {
    let password = password.to_owned();
    with_area(Lane::Open, move |area| {
        let salt = argon2::password_hash::phc::Salt::generate();
        let params = Params::default();
        let mut out = vec![0u8; params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN)];
        derive(area, Algorithm::default(), Version::default(), params.clone(), password.as_bytes(), &salt, &mut out)?;
        let phc = PasswordHash {
            algorithm: Algorithm::default().ident(),
            version: Some(Version::default().into()),
            params: (&params)
                .try_into()
                .map_err(|e: argon2::password_hash::Error| DbError::PasswordHash(e.to_string()))?,
            salt: Some(salt),
            hash: Some(Output::new(&out).map_err(|e| DbError::PasswordHash(e.to_string()))?),
        };
        Ok(phc.to_string())
    })
    .await
}

/// `Ok(true)` if `password` matches the PHC string `stored`.
pub(crate) async fn verify(password: &str, stored: String, lane: Lane) -> Result<bool, DbError> {
    let password = password.to_owned();
    with_area(lane, move |area| verify_in(area, password.as_bytes(), &stored)).await
}

fn corrupt(e: impl std::fmt::Display) -> DbError {
    DbError::Corrupt(format!("密码哈希无法解析（{e}）"))
}

/// argon2 of `password` and `salt` into `out`, in the reused `area` (grown once per worker to
/// what `params` needs, afterwards reused).
fn derive(
    area: &mut Vec<Block>,
    algorithm: Algorithm,
    version: Version,
    params: Params,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> Result<(), DbError> {
    let blocks = params.block_count();
    if area.len() < blocks {
        area.resize(blocks, Block::new());
    }
    Argon2::new(algorithm, version, params)
        .hash_password_into_with_memory(password, salt, out, &mut area[..blocks])
        .map_err(|e| DbError::PasswordHash(e.to_string()))
}

fn verify_in(area: &mut Vec<Block>, password: &[u8], stored: &str) -> Result<bool, DbError> {
    let parsed = PasswordHash::new(stored).map_err(corrupt)?;
    let algorithm = Algorithm::try_from(parsed.algorithm.as_str()).map_err(corrupt)?;
    let version = parsed.version.map(Version::try_from).transpose().map_err(corrupt)?.unwrap_or_default();
    let params = Params::try_from(&parsed).map_err(corrupt)?;
    if params.m_cost() > MAX_M_COST {
        return Err(corrupt(format!("内存参数 {} KiB 超出范围", params.m_cost())));
    }
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return Err(corrupt("缺少盐或哈希值"));
    };
    let mut out = vec![0u8; expected.len()];
    derive(area, algorithm, version, params, password, &salt, &mut out)?;
    // `Output` compares in constant time.
    Ok(Output::new(&out).map_err(corrupt)? == expected)
}

#[cfg(test)]
mod tests {
    use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};

    use super::*;

    #[tokio::test]
    async fn our_hashes_are_the_librarys_and_back() {
        let h = hash("正确的密码 horse").await.expect("hash");
        // The library verifies what we wrote, and we verify what the library writes.
        assert!(Argon2::default().verify_password("正确的密码 horse".as_bytes(), h.as_str()).is_ok());
        assert!(verify("正确的密码 horse", h.clone(), Lane::Open).await.expect("verify"));
        assert!(!verify("错误的密码 horse", h, Lane::KnownDevice).await.expect("verify"));
        let theirs = Argon2::default().hash_password(b"library made").expect("hash").to_string();
        assert!(verify("library made", theirs.clone(), Lane::Open).await.expect("verify"));
        assert!(!verify("library mad", theirs, Lane::Open).await.expect("verify"));
    }

    #[tokio::test]
    async fn hostile_stored_hashes_are_refused_not_allocated() {
        let huge =
            "$argon2id$v=19$m=4000000,t=2,p=1$5ZlUSgidSDzocurIgLrVpw$QOSIdcAxSrIv2BLfFCRm1jQE3ViUQQCJoVrfJzg87Fk";
        assert!(matches!(verify("x", huge.into(), Lane::Open).await, Err(DbError::Corrupt(_))));
        assert!(matches!(verify("x", "not a hash".into(), Lane::Open).await, Err(DbError::Corrupt(_))));
        assert!(matches!(
            verify("x", "$argon2id$v=19$m=19456,t=2,p=1".into(), Lane::Open).await,
            Err(DbError::Corrupt(_))
        ));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn at_most_one_check_per_worker_runs_at_once() {
        // Twice as many checks as workers, all started together: the semaphore lets `workers()`
        // run, the others wait (WAIT is long enough for them here) — and every one gets its answer.
        let n = workers() * 2 + 1;
        let stored = hash("password1").await.expect("hash");
        let running = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let most = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..n {
            let (stored, running, most) = (stored.clone(), running.clone(), most.clone());
            tasks.push(tokio::spawn(async move {
                with_area(Lane::Open, move |area| {
                    let now = running.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
                    most.fetch_max(now, std::sync::atomic::Ordering::SeqCst);
                    let r = verify_in(area, b"password1", &stored);
                    running.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
                    r
                })
                .await
            }));
        }
        for t in tasks {
            assert!(t.await.expect("join").expect("verified"));
        }
        let most = most.load(std::sync::atomic::Ordering::SeqCst);
        assert!(most >= 1 && most <= workers(), "{most} checks ran at once, workers: {}", workers());
        // One area per worker was ever made.
        assert!(WORKERS.areas.lock().expect("lock").len() <= workers());
    }
}
