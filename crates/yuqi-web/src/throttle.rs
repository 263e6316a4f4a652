//! Login throttling (multi-user mode): after repeated wrong passwords, a growing wait before the
//! next attempt is even checked — per account, and per client address.
//!
//! Per account, so that guessing one person's password from many addresses is slow; per address,
//! so that one machine trying many accounts is slow too. An address gets more free failures than
//! an account because an organisation's users may share one address behind its router. A
//! throttled attempt is answered at once, without the password check: it costs the server almost
//! nothing, and a right password does not get in early (else the wait would not slow guessing).
//!
//! A browser that has logged in to an account before carries a known-device cookie for it (the
//! device-cookie defence against lockout): its attempts for that account skip the waits and
//! use a password-check lane of their own, so a flood of guesses from elsewhere — which fills
//! the waits and the open lane — does not lock the owner out. The cookie is good for its account
//! only and is forgotten after [`FREE_PER_ACCOUNT`] wrong passwords.
//!
//! In memory, bounded ([`MAX_KEYS`], [`MAX_DEVICES`]); forgotten on restart, which only shortens
//! a wait or makes a known device new again.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

/// Wrong passwords an account may have before it must wait.
const FREE_PER_ACCOUNT: u32 = 5;
/// Wrong passwords one client address may have before it must wait.
const FREE_PER_ADDRESS: u32 = 20;
/// The longest wait, in seconds (15 minutes): doubles from 1 s with each failure past the free ones.
const MAX_WAIT: i64 = 15 * 60;
/// A record with no failure for this long is forgotten.
const FORGET_AFTER: i64 = 24 * 3600;
/// Most records kept; past it the stalest are dropped (a flood of made-up account names cannot
/// grow memory without end).
pub(crate) const MAX_KEYS: usize = 50_000;

/// Known devices kept; past it the least recently used are dropped.
pub(crate) const MAX_DEVICES: usize = 50_000;
/// How long a known-device cookie lasts, in seconds (180 days).
pub(crate) const DEVICE_TTL: i64 = 180 * 24 * 3600;

#[derive(Debug, Clone)]
struct Device {
    /// The account it logged in to (as [`keys`] folds it).
    account: String,
    failures: u32,
    last_used: i64,
}

#[derive(Debug, Clone, Copy)]
struct Record {
    failures: u32,
    /// Unix seconds of the last failure.
    last: i64,
    /// Free failures of this kind of key.
    free: u32,
}

impl Record {
    /// Unix seconds until which the next attempt is refused.
    fn until(&self) -> i64 {
        if self.failures < self.free {
            return self.last;
        }
        let doublings = (self.failures - self.free).min(20);
        self.last + (1i64 << doublings).min(MAX_WAIT)
    }
}

#[derive(Debug, Default)]
pub(crate) struct Throttle {
    records: Mutex<HashMap<String, Record>>,
    devices: Mutex<HashMap<String, Device>>,
}

/// Keeps the newer half of `map` by the time `at` gives each value: what a full table gives up
/// rather than grow.
fn drop_older_half<V>(map: &mut HashMap<String, V>, at: impl Fn(&V) -> i64) {
    let mut times: Vec<i64> = map.values().map(&at).collect();
    times.sort_unstable();
    if let Some(&cut) = times.get(times.len() / 2) {
        map.retain(|_, v| at(v) > cut);
    }
}

fn account(name: &str) -> String {
    name.trim().to_lowercase()
}

/// The keys of one login attempt: the account name as typed (trimmed, case-folded) and the
/// client's address (an IPv6 client by its /64, which one household or host usually owns whole).
pub(crate) fn keys(name: &str, addr: Option<IpAddr>) -> Vec<(String, u32)> {
    let mut keys = vec![(format!("user:{}", account(name)), FREE_PER_ACCOUNT)];
    if let Some(addr) = addr {
        let a = match addr.to_canonical() {
            IpAddr::V4(v4) => v4.to_string(),
            IpAddr::V6(v6) => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        };
        keys.push((format!("addr:{a}"), FREE_PER_ADDRESS));
    }
    keys
}

impl Throttle {
    /// `Err(seconds)` if any key must still wait that long; `Ok` if the attempt may be checked.
    pub(crate) fn check(&self, keys: &[(String, u32)], now: i64) -> Result<(), i64> {
        let Ok(records) = self.records.lock() else { return Ok(()) };
        let wait = keys.iter().filter_map(|(k, _)| records.get(k)).map(|r| r.until() - now).max().unwrap_or(0);
        if wait > 0 { Err(wait) } else { Ok(()) }
    }

    /// Counts a wrong password against every key.
    pub(crate) fn failed(&self, keys: &[(String, u32)], now: i64) {
        let Ok(mut records) = self.records.lock() else { return };
        if records.len() + keys.len() > MAX_KEYS {
            records.retain(|_, r| now - r.last < FORGET_AFTER && r.until() > now);
            if records.len() + keys.len() > MAX_KEYS {
                // Still full of live waits: drop the older half rather than grow.
                drop_older_half(&mut records, |r| r.last);
            }
        }
        for (k, free) in keys {
            let r = records.entry(k.clone()).or_insert(Record { failures: 0, last: now, free: *free });
            r.failures = r.failures.saturating_add(1);
            r.last = now;
        }
    }

    /// A right password: the account and the address start afresh.
    pub(crate) fn succeeded(&self, keys: &[(String, u32)]) {
        if let Ok(mut records) = self.records.lock() {
            for (k, _) in keys {
                records.remove(k);
            }
        }
    }

    /// Whether `token` is a known device of the account `name` (and still good).
    pub(crate) fn known_device(&self, token: &str, name: &str, now: i64) -> bool {
        let Ok(devices) = self.devices.lock() else { return false };
        devices.get(token).is_some_and(|d| d.account == account(name) && now - d.last_used < DEVICE_TTL)
    }

    /// A right password: remembers the device (a new token, or the one it had) for the account.
    pub(crate) fn remember_device(&self, token: &str, name: &str, now: i64) {
        let Ok(mut devices) = self.devices.lock() else { return };
        if devices.len() >= MAX_DEVICES && !devices.contains_key(token) {
            devices.retain(|_, d| now - d.last_used < DEVICE_TTL);
            if devices.len() >= MAX_DEVICES {
                drop_older_half(&mut devices, |d| d.last_used);
            }
        }
        devices.insert(token.to_string(), Device { account: account(name), failures: 0, last_used: now });
    }

    /// A wrong password from a known device: after as many as an account is allowed, the device
    /// is a stranger again (a stolen cookie does not give endless guesses).
    pub(crate) fn device_failed(&self, token: &str) {
        let Ok(mut devices) = self.devices.lock() else { return };
        if let Some(d) = devices.get_mut(token) {
            d.failures += 1;
            if d.failures >= FREE_PER_ACCOUNT {
                devices.remove(token);
            }
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.records.lock().map(|r| r.len()).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_after_the_free_failures_and_reset_on_success() {
        let t = Throttle::default();
        let k = keys("Alice ", Some("10.0.0.1".parse().expect("ip")));
        let now = 1_000_000;
        for _ in 0..FREE_PER_ACCOUNT {
            assert_eq!(t.check(&k, now), Ok(()));
            t.failed(&k, now);
        }
        // Five failures: the sixth attempt waits 1 s, then 2, 4, 8 …
        assert_eq!(t.check(&k, now), Err(1));
        assert_eq!(t.check(&k, now + 1), Ok(()));
        t.failed(&k, now + 1);
        assert_eq!(t.check(&k, now + 1), Err(2));
        for i in 0..30 {
            t.failed(&k, now + 2 + i);
        }
        assert_eq!(t.check(&k, now + 31), Err(MAX_WAIT), "the wait stops growing at 15 minutes");
        // The same account typed differently is the same account; another address is throttled
        // by the account alone.
        let other = keys("alice", Some("10.0.0.2".parse().expect("ip")));
        assert!(t.check(&other, now + 31).is_err());
        t.succeeded(&k);
        assert_eq!(t.check(&k, now + 31), Ok(()));
    }

    #[test]
    fn an_address_trying_many_accounts_is_throttled() {
        let t = Throttle::default();
        let ip: IpAddr = "2001:db8:1:2:3:4:5:6".parse().expect("ip");
        for i in 0..FREE_PER_ADDRESS {
            t.failed(&keys(&format!("user{i}"), Some(ip)), 50);
        }
        // Another account from the same /64: the address waits.
        let next = keys("fresh", Some("2001:db8:1:2:ffff::1".parse().expect("ip")));
        assert_eq!(t.check(&next, 50), Err(1));
        // Another address, another account: free.
        assert_eq!(t.check(&keys("fresh", Some("2001:db8:9::1".parse().expect("ip"))), 50), Ok(()));
    }

    #[test]
    fn a_known_device_is_known_for_its_account_only_and_not_for_ever() {
        let t = Throttle::default();
        t.remember_device("tok", "Alice", 100);
        assert!(t.known_device("tok", " alice ", 200));
        assert!(!t.known_device("tok", "bob", 200));
        assert!(!t.known_device("other", "alice", 200));
        assert!(!t.known_device("tok", "alice", 100 + DEVICE_TTL));
        for _ in 0..FREE_PER_ACCOUNT {
            assert!(t.known_device("tok", "alice", 300));
            t.device_failed("tok");
        }
        assert!(!t.known_device("tok", "alice", 300), "too many wrong passwords: a stranger again");
        for i in 0..(MAX_DEVICES as i64 + 10) {
            t.remember_device(&format!("d{i}"), "x", i);
        }
        assert!(t.devices.lock().expect("lock").len() <= MAX_DEVICES);
    }

    #[test]
    fn made_up_names_cannot_grow_memory_without_end() {
        let t = Throttle::default();
        for i in 0..(MAX_KEYS as i64 + 5_000) {
            t.failed(&keys(&format!("n{i}"), None), i);
        }
        assert!(t.len() <= MAX_KEYS, "{} records", t.len());
    }
}
