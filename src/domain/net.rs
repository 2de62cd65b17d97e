//! Network addresses as the app trusts them: which peers are our own proxies,
//! and who the client is behind them.

use std::net::IpAddr;

/// An address block like `10.0.0.0/8` or `::1/128` (a bare address is a /32 or /128).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    net: IpAddr,
    bits: u8,
}

impl Cidr {
    pub fn parse(raw: &str) -> Result<Cidr, String> {
        let raw = raw.trim();
        let (addr, bits) = match raw.split_once('/') {
            Some((a, b)) => (a, Some(b)),
            None => (raw, None),
        };
        let net: IpAddr = addr.parse().map_err(|_| format!("{raw:?} is not an IP address or CIDR block"))?;
        let max = if net.is_ipv4() { 32 } else { 128 };
        let bits = match bits {
            Some(b) => {
                b.parse::<u8>().ok().filter(|b| *b <= max).ok_or_else(|| format!("{raw:?} has a bad prefix length"))?
            }
            None => max,
        };
        Ok(Cidr { net, bits })
    }

    /// A comma-separated list; empty means none.
    pub fn parse_list(raw: &str) -> Result<Vec<Cidr>, String> {
        raw.split(',').filter(|s| !s.trim().is_empty()).map(Cidr::parse).collect()
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        match (self.net, ip) {
            (IpAddr::V4(n), IpAddr::V4(a)) => prefix_eq(&n.octets(), &a.octets(), self.bits),
            (IpAddr::V6(n), IpAddr::V6(a)) => prefix_eq(&n.octets(), &a.octets(), self.bits),
            _ => false,
        }
    }
}

/// IPv4 addresses seen through an IPv6 socket (`::ffff:1.2.3.4`) are IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    }
}

fn prefix_eq(a: &[u8], b: &[u8], bits: u8) -> bool {
    let (whole, rest) = ((bits / 8) as usize, bits % 8);
    if a[..whole] != b[..whole] {
        return false;
    }
    if rest == 0 {
        return true;
    }
    let mask = 0xffu8 << (8 - rest);
    a[whole] & mask == b[whole] & mask
}

/// The client behind our proxies: the peer itself unless it is a trusted proxy;
/// then `X-Forwarded-For` read from the right, skipping trusted proxies, so a
/// client cannot choose its own address by sending the header itself.
pub fn client_address(peer: Option<IpAddr>, forwarded_for: Option<&str>, trusted: &[Cidr]) -> Option<IpAddr> {
    let peer = peer.map(canonical)?;
    let is_trusted = |ip: IpAddr| trusted.iter().any(|c| c.contains(ip));
    if !is_trusted(peer) {
        return Some(peer);
    }
    let mut client = peer;
    for hop in forwarded_for.unwrap_or("").rsplit(',') {
        let Ok(ip) = hop.trim().parse::<IpAddr>() else {
            break;
        };
        client = canonical(ip);
        if !is_trusted(client) {
            break;
        }
    }
    Some(client)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn blocks() {
        let c = Cidr::parse("10.1.0.0/16").unwrap();
        assert!(c.contains(ip("10.1.200.3")));
        assert!(!c.contains(ip("10.2.0.1")));
        assert!(Cidr::parse("127.0.0.1").unwrap().contains(ip("::ffff:127.0.0.1")));
        assert!(Cidr::parse("fd00::/8").unwrap().contains(ip("fd12::1")));
        assert!(Cidr::parse("10.0.0.0/33").is_err());
        assert!(Cidr::parse("nonsense").is_err());
        assert_eq!(Cidr::parse_list(" ").unwrap(), vec![]);
        assert!(Cidr::parse("0.0.0.0/0").unwrap().contains(ip("8.8.8.8")));
    }

    #[test]
    fn forwarded_for_only_from_trusted_peers() {
        let trusted = Cidr::parse_list("10.0.0.0/8").unwrap();
        // An untrusted peer cannot claim another address.
        assert_eq!(client_address(Some(ip("203.0.113.9")), Some("1.2.3.4"), &trusted), Some(ip("203.0.113.9")));
        // Behind our proxy: the rightmost address not ours.
        assert_eq!(
            client_address(Some(ip("10.0.0.2")), Some("1.2.3.4, 198.51.100.7, 10.0.0.5"), &trusted),
            Some(ip("198.51.100.7"))
        );
        // Garbage stops the walk at the last good hop.
        assert_eq!(client_address(Some(ip("10.0.0.2")), Some("junk"), &trusted), Some(ip("10.0.0.2")));
        assert_eq!(client_address(None, None, &trusted), None);
    }
}
