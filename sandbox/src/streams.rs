//! Open event streams counted per client address, so that nobody can hold an
//! unbounded number of them. A [`Place`] is taken before a stream starts and given
//! back when it is dropped (the stream ended, or its client went away).

use super::Sandbox;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Mutex, PoisonError};

/// Open streams per client. Only clients holding at least one are kept, so the
/// map is never larger than the number of open streams.
#[derive(Default)]
pub struct Places {
    open: Mutex<HashMap<Client, usize>>,
}

/// Whom a stream is counted against: the peer's address (IPv4, or the /64 of an
/// IPv6 one, since one host is given a whole /64), or `None` when the sandbox is
/// served without connection info. That case is one shared bucket rather than a
/// header's word: `X-Forwarded-For` is written by whoever sends the request.
type Client = Option<IpAddr>;

fn client(peer: Option<IpAddr>) -> Client {
    peer.map(|ip| match ip {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::from([s[0], s[1], s[2], s[3], 0, 0, 0, 0])
            }
        },
    })
}

/// One open stream's place; given back on drop.
pub struct Place {
    sb: Sandbox,
    client: Client,
}

impl Place {
    /// A place for a stream of `peer`, or `None` when it holds as many as allowed.
    pub fn take(sb: &Sandbox, peer: Option<IpAddr>) -> Option<Place> {
        let client = client(peer);
        let cap = sb.inner.config.max_streams_per_client;
        let mut open = sb
            .inner
            .streams
            .open
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let n = open.entry(client).or_default();
        if *n >= cap {
            if *n == 0 {
                open.remove(&client);
            }
            return None;
        }
        *n += 1;
        Some(Place {
            sb: sb.clone(),
            client,
        })
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        let mut open = self
            .sb
            .inner
            .streams
            .open
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(n) = open.get_mut(&self.client) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                open.remove(&self.client);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ipv6_host_is_counted_by_its_64_and_mapped_ipv4_as_ipv4() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().expect("ip");
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().expect("ip");
        let c: IpAddr = "2001:db8:1:3::1".parse().expect("ip");
        assert_eq!(client(Some(a)), client(Some(b)));
        assert_ne!(client(Some(a)), client(Some(c)));
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().expect("ip");
        assert_eq!(client(Some(mapped)), Some("192.0.2.7".parse().expect("ip")));
        assert_eq!(client(None), None);
    }

    #[test]
    fn places_are_given_back_and_forgotten_on_drop() {
        let sb = Sandbox::new(crate::SandboxConfig {
            max_streams_per_client: 2,
            ..crate::SandboxConfig::default()
        });
        let peer = Some(IpAddr::from([192, 0, 2, 1]));
        let one = Place::take(&sb, peer).expect("first");
        let two = Place::take(&sb, peer).expect("second");
        assert!(Place::take(&sb, peer).is_none());
        // Another client, and the shared bucket of unknown peers, are counted apart.
        let other = Place::take(&sb, Some(IpAddr::from([192, 0, 2, 2]))).expect("other");
        let unknown = Place::take(&sb, None).expect("unknown");
        drop(one);
        let three = Place::take(&sb, peer).expect("given back");
        drop((two, three, other, unknown));
        let open = sb.inner.streams.open.lock().expect("lock");
        assert!(open.is_empty(), "{:?}", *open);
    }
}
