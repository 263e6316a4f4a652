//! Reaching the app from the borrower's own phone (`yuqi serve --phone`).
//!
//! The app is single-user and has no login, so on the home network it must not simply answer
//! whoever connects. The computer shows a one-time pairing code (a QR code holding
//! `http://<home-network address>/pair/<token>`, valid for minutes, usable once); the phone that
//! opens it gets a device session (a random token in an HttpOnly, SameSite=Strict cookie, held
//! here in memory with its own CSRF token). The guard ([`admit`]) lets in the computer itself
//! (a loopback peer), the pairing link, the few files without any data that a browser fetches
//! without cookies (manifest, icons, stylesheet), and paired phones; everyone else gets a 403
//! page saying to scan the code on the computer.

mod lan;
mod pages;
mod qr;

use std::collections::HashMap;
use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request};

pub use lan::lan_ipv4;
pub(crate) use pages::{forget_phones, new_code, pair, phone_page, refused};
pub use qr::terminal as terminal_qr;

use crate::security::{cookie, random_token};
use crate::state::AppState;

/// The cookie of a paired phone.
pub(crate) const DEVICE_COOKIE: &str = "yq_device";

/// What phone mode can fail on before it starts.
#[derive(Debug, thiserror::Error)]
pub enum PhoneError {
    #[error(
        "没有找到这台电脑在家里无线网中的地址。请先让电脑连上家里的无线网（手机也连同一个），再启动；也可以用 --addr 指定地址"
    )]
    NoLanAddress,
    #[error("无法生成二维码：{0}")]
    Qr(String),
}

/// Why a pairing link was refused; the phone's page says which and what to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(crate) enum PairRefused {
    #[error("这个二维码已经用过了：每个二维码只能连一部手机，只能用一次。")]
    Used,
    #[error("这个二维码已经过期了：二维码只在生成后的几分钟内有效。")]
    Expired,
    #[error("这个二维码不对，或者电脑上已经换了新的二维码。")]
    Unknown,
}

/// Who is asking, as the guard decided in phone mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// A loopback peer: the person at the computer.
    Computer,
    /// A phone with a valid device session.
    Phone,
    /// The pairing link or a file without any data in it.
    Open,
}

/// A pairing link in the terminal or on the computer's page.
#[derive(Debug, Clone)]
pub struct PairingLink {
    /// `http://<home-network address>/pair/<token>`.
    pub url: String,
    /// Whole minutes it stays valid.
    pub minutes: i64,
}

struct Link {
    token: String,
    expires: i64,
    used: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Device {
    pub(crate) csrf: String,
    expires: i64,
}

/// The current pairing code (one at a time: a new one replaces the old) and the paired phones.
#[derive(Default)]
pub(crate) struct Book {
    link: Option<Link>,
    devices: HashMap<String, Device>,
}

impl std::fmt::Debug for Book {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Tokens are secrets: never in a log.
        f.debug_struct("Book").field("devices", &self.devices.len()).finish()
    }
}

impl Book {
    /// A new pairing token valid until `now + ttl`; the previous one stops working.
    fn issue(&mut self, now: i64, ttl: i64) -> String {
        // 128 bits: plenty for a secret that lives minutes and works once, and it keeps the
        // QR code small enough for an old phone's camera.
        let token = random_token()[..32].to_string();
        self.link = Some(Link { token: token.clone(), expires: now + ttl, used: false });
        token
    }

    /// The current token and its expiry, if it can still be used.
    fn current(&self, now: i64) -> Option<(&str, i64)> {
        self.link.as_ref().filter(|l| !l.used && now < l.expires).map(|l| (l.token.as_str(), l.expires))
    }

    /// Uses up `token` and pairs a phone: its session token and CSRF token.
    fn redeem(&mut self, token: &str, now: i64, device_ttl: i64) -> Result<(String, Device), PairRefused> {
        let link = self.link.as_mut().filter(|l| crate::security::same(&l.token, token)).ok_or(PairRefused::Unknown)?;
        if link.used {
            return Err(PairRefused::Used);
        }
        if now >= link.expires {
            return Err(PairRefused::Expired);
        }
        link.used = true;
        let device = Device { csrf: random_token(), expires: now + device_ttl };
        let session = random_token();
        self.devices.insert(session.clone(), device.clone());
        Ok((session, device))
    }

    /// The paired phone of a session token, forgetting expired ones on the way.
    pub(crate) fn device(&mut self, session: &str, now: i64) -> Option<Device> {
        self.devices.retain(|_, d| now < d.expires);
        self.devices.get(session).cloned()
    }

    fn forget_all(&mut self) {
        self.devices.clear();
    }

    fn paired(&mut self, now: i64) -> usize {
        self.devices.retain(|_, d| now < d.expires);
        self.devices.len()
    }
}

impl AppState {
    fn book(&self) -> std::sync::MutexGuard<'_, Book> {
        // A panic while holding the lock leaves nothing half-written that matters (a map
        // insert or a flag), so a poisoned lock is still usable.
        self.phones.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A fresh pairing link (the previous one stops working); `None` outside phone mode.
    pub fn new_pairing_link(&self) -> Option<PairingLink> {
        let phone = self.cfg.phone.as_ref()?;
        let token = self.book().issue(crate::auth::now(), phone.pair_ttl);
        Some(PairingLink { url: self.pair_url(&token), minutes: phone.pair_ttl / 60 })
    }

    /// The link a pairing token makes (plain HTTP: see docs/web.md on what that exposes).
    fn pair_url(&self, token: &str) -> String {
        let lan = self.cfg.phone.as_ref().map_or_else(String::new, |p| p.lan.to_string());
        format!("http://{lan}/pair/{token}")
    }

    /// The paired phone of a request's device cookie.
    pub(crate) fn paired_device(&self, session: &str) -> Option<Device> {
        self.book().device(session, crate::auth::now())
    }
}

/// Paths anyone on the network may fetch in phone mode: the pairing link (its token is the
/// credential) and files with nothing private in them that browsers fetch without cookies
/// (the manifest and its icons) or that the refusal page needs (the stylesheet).
fn open_path(method: &Method, path: &str) -> bool {
    *method == Method::GET
        && (path.starts_with("/pair/")
            || matches!(
                path,
                "/manifest.webmanifest" | "/icon.svg" | "/icon-192.png" | "/icon-512.png" | "/static/app.css"
            ))
}

/// The guard's phone-mode decision. A request without a peer address (never the case under
/// `serve`, which records it) is not the computer: refusing is the safe side.
pub(crate) fn admit(state: &AppState, req: &Request<Body>) -> Option<Access> {
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_canonical());
    if peer.is_some_and(|ip| ip.is_loopback()) {
        return Some(Access::Computer);
    }
    if open_path(req.method(), req.uri().path()) {
        return Some(Access::Open);
    }
    let session = cookie(req.headers(), DEVICE_COOKIE)?;
    state.paired_device(session).map(|_| Access::Phone)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_pairs_one_phone_once_and_only_before_it_expires() {
        let mut b = Book::default();
        let t = b.issue(1000, 600);
        assert_eq!(t.len(), 32);
        assert_eq!(b.current(1599).map(|(x, _)| x.to_string()), Some(t.clone()));
        assert!(b.current(1600).is_none(), "expired at now + ttl");
        assert_eq!(b.redeem("0123", 1001, 60).err(), Some(PairRefused::Unknown));
        let (session, device) = b.redeem(&t, 1001, 60).expect("pairs");
        assert_eq!(b.redeem(&t, 1002, 60).err(), Some(PairRefused::Used));
        assert!(b.current(1002).is_none(), "a used code is not shown again");
        assert_eq!(b.device(&session, 1060).map(|d| d.csrf), Some(device.csrf));
        assert!(b.device(&session, 1061).is_none(), "the phone's session expires");
        assert_eq!(b.paired(1061), 0);

        let old = b.issue(2000, 600);
        let new = b.issue(2001, 600);
        assert_eq!(b.redeem(&old, 2002, 60).err(), Some(PairRefused::Unknown), "a new code replaces the old");
        assert_eq!(b.redeem(&new, 2601, 60).err(), Some(PairRefused::Expired));
    }
}
