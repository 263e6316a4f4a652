//! The computer's address on the home network.
//!
//! A UDP socket "connected" to a private address makes the operating system choose the route
//! and so the local address it would send from; `connect` on UDP sends no packet. The first
//! private (RFC 1918) address found is the one a phone on the same Wi-Fi can reach: that is
//! what home routers hand out. Anything else (a public address, a carrier's shared range, a
//! VPN's) is not offered: the user can still name an address with `--addr`.

use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4, UdpSocket};

use super::PhoneError;

/// One probe per private range; the port is irrelevant, nothing is sent.
const PROBES: [Ipv4Addr; 3] = [Ipv4Addr::new(192, 168, 0, 1), Ipv4Addr::new(10, 0, 0, 1), Ipv4Addr::new(172, 16, 0, 1)];

fn route_source(target: Ipv4Addr) -> Option<Ipv4Addr> {
    let socket = UdpSocket::bind(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, 0)).ok()?;
    socket.connect(SocketAddrV4::new(target, 9)).ok()?;
    match socket.local_addr().ok()? {
        SocketAddr::V4(a) => Some(*a.ip()),
        SocketAddr::V6(_) => None,
    }
}

/// An address a phone on the same home network can reach.
fn usable(ip: Ipv4Addr) -> bool {
    ip.is_private()
}

/// The first usable one of the addresses the routes would send from.
fn first_usable(sources: impl IntoIterator<Item = Option<Ipv4Addr>>) -> Result<Ipv4Addr, PhoneError> {
    sources.into_iter().flatten().find(|ip| usable(*ip)).ok_or(PhoneError::NoLanAddress)
}

/// The computer's IPv4 address on the home network, or [`PhoneError::NoLanAddress`].
pub fn lan_ipv4() -> Result<Ipv4Addr, PhoneError> {
    first_usable(PROBES.iter().map(|p| route_source(*p)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_home_network_addresses_are_offered() {
        let ip = |s: &str| s.parse::<Ipv4Addr>().ok();
        assert_eq!(first_usable([None, ip("192.168.1.5")]).ok(), ip("192.168.1.5"));
        assert_eq!(first_usable([ip("8.8.8.8"), ip("10.0.0.7")]).ok(), ip("10.0.0.7"));
        assert_eq!(first_usable([ip("172.20.1.2")]).ok(), ip("172.20.1.2"));
        for other in ["127.0.0.1", "0.0.0.0", "100.64.0.1", "192.0.2.2", "169.254.3.4", "8.8.8.8"] {
            assert!(matches!(first_usable([ip(other)]), Err(PhoneError::NoLanAddress)), "{other}");
        }
    }
}
