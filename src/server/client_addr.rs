//! Who the client is: the TCP peer, unless that peer is a trusted proxy, in which
//! case the right-most untrusted hop of `X-Forwarded-For`. A visitor can write
//! anything into that header; only what our own proxies appended is believed.

use axum::extract::{ConnectInfo, Request};
use axum::http::HeaderMap;
use ipnet::IpNet;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

/// The client's address, as resolved once per request (a request extension).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

impl ClientAddr {
    /// The key rate limits count by: the address, or its /64 for IPv6 (one
    /// household or server gets a whole /64, so single addresses are free to rotate).
    pub fn limit_key(self) -> IpAddr {
        match self.0 {
            IpAddr::V4(v4) => IpAddr::V4(v4),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => IpAddr::V4(v4),
                None => {
                    let s = v6.segments();
                    IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
                }
            },
        }
    }
}

/// The proxies whose `X-Forwarded-For` is believed.
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies(Arc<Vec<IpNet>>);

impl TrustedProxies {
    /// Trusts exactly `nets`.
    pub fn new(nets: Vec<IpNet>) -> TrustedProxies {
        TrustedProxies(Arc::new(nets))
    }

    /// True when `ip` is one of the trusted proxies.
    pub fn trusts(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|n| n.contains(&ip))
    }

    /// The client of a request from `peer` carrying `headers`.
    pub fn resolve(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = canonical(peer);
        if !self.trusts(peer) {
            return peer;
        }
        // Every X-Forwarded-For line, in order, as one list of hops.
        let hops: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        let mut client = peer;
        for hop in hops.iter().rev() {
            match hop.parse::<IpAddr>() {
                Ok(ip) if self.trusts(ip) => client = canonical(ip),
                Ok(ip) => return canonical(ip),
                // Garbage written by whoever is left of our proxies: stop at the last good hop.
                Err(_) => return client,
            }
        }
        client
    }
}

impl TrustedProxies {
    /// True when the request came through a trusted proxy that says the
    /// shopper's connection is https (the right-most `X-Forwarded-Proto`, the
    /// one our own proxy set). From anyone else the header means nothing.
    pub fn says_https(&self, peer: IpAddr, headers: &HeaderMap) -> bool {
        if !self.trusts(peer) {
            return false;
        }
        headers
            .get_all("x-forwarded-proto")
            .iter()
            .next_back()
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .is_some_and(|p| p.trim().eq_ignore_ascii_case("https"))
    }
}

fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The address of the connection a request came on (unspecified when unknown).
pub fn peer(req: &Request) -> IpAddr {
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn xff(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", HeaderValue::from_str(v).expect("value"));
        h
    }

    fn trusted(list: &[&str]) -> TrustedProxies {
        TrustedProxies::new(list.iter().map(|n| n.parse().expect("net")).collect())
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_says() {
        let t = TrustedProxies::default();
        let peer: IpAddr = "198.51.100.7".parse().expect("ip");
        assert_eq!(t.resolve(peer, &xff("203.0.113.1")), peer);
    }

    #[test]
    fn behind_trusted_proxies_the_right_most_untrusted_hop_counts() {
        let t = trusted(&["10.0.0.0/8", "127.0.0.1/32"]);
        let peer: IpAddr = "127.0.0.1".parse().expect("ip");
        let got = t.resolve(peer, &xff("1.1.1.1, 203.0.113.9, 10.0.0.2"));
        assert_eq!(got, "203.0.113.9".parse::<IpAddr>().expect("ip"));
        assert_eq!(t.resolve(peer, &HeaderMap::new()), peer);
        // Garbage left of our proxy: the proxy's own hop is the best we know.
        assert_eq!(
            t.resolve(peer, &xff("not-an-ip, 10.0.0.2")),
            "10.0.0.2".parse::<IpAddr>().expect("ip")
        );
    }

    #[test]
    fn ipv6_clients_are_limited_by_their_slash_64() {
        let a = ClientAddr("2001:db8:1:2:aaaa::1".parse().expect("ip"));
        let b = ClientAddr("2001:db8:1:2:bbbb::9".parse().expect("ip"));
        assert_eq!(a.limit_key(), b.limit_key());
        let mapped = ClientAddr("::ffff:192.0.2.1".parse().expect("ip"));
        assert_eq!(
            mapped.limit_key(),
            "192.0.2.1".parse::<IpAddr>().expect("ip")
        );
    }
}
