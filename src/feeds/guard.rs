//! The SSRF guard: feeds are addresses typed by chat users, so the bot must not become a way to reach
//! the machine it runs on, its private network or the cloud metadata service.
//!
//! Two checks together cover every way a request can reach an address:
//! - [`check_url`] runs on the feed address and on every redirect hop before a request is sent. It
//!   refuses non-http(s) schemes, `localhost` names and IP-literal hosts in blocked ranges. This is
//!   needed because an HTTP client never asks its DNS resolver about `http://127.0.0.1/`.
//! - [`GuardedResolver`] is the HTTP client's DNS resolver. It resolves names and refuses a name
//!   when *any* of its addresses is blocked; the client then connects only to the addresses it
//!   returned. Checking at connect time (instead of resolving once to check and again to connect)
//!   leaves no window for DNS rebinding.
//!
//! `allow_private` (set by `LAYOFFWATCH_ALLOW_PRIVATE_ADDRESSES`, for tests and intranet feeds) lets
//! loopback, private, link-local, shared and documentation addresses through. Addresses that are
//! never a feed server (unspecified, broadcast, multicast, reserved, the cloud metadata service) stay
//! blocked either way.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use url::{Host, Url};

/// Why an address is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockedRange {
    /// 127.0.0.0/8, ::1.
    Loopback,
    /// 10/8, 172.16/12, 192.168/16.
    Private,
    /// 100.64.0.0/10 (carrier-grade NAT).
    SharedAddressSpace,
    /// 169.254/16, fe80::/10.
    LinkLocal,
    /// fc00::/7 and the deprecated site-local fec0::/10.
    UniqueLocal,
    /// 192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32, 3fff::/20.
    Documentation,
    /// 198.18.0.0/15.
    Benchmarking,
    /// 169.254.169.254 and fd00:ec2::254: cloud instance metadata, which hands out credentials.
    CloudMetadata,
    /// 0.0.0.0/8, ::.
    Unspecified,
    /// 255.255.255.255.
    Broadcast,
    /// 224/4, ff00::/8.
    Multicast,
    /// 240/4, 192.0.0/24 and other special-purpose ranges.
    Reserved,
}

impl BlockedRange {
    /// Whether `allow_private` lets this range through. The others are never a feed server.
    pub fn is_private_network(self) -> bool {
        !matches!(
            self,
            BlockedRange::CloudMetadata
                | BlockedRange::Unspecified
                | BlockedRange::Broadcast
                | BlockedRange::Multicast
                | BlockedRange::Reserved
        )
    }
}

impl fmt::Display for BlockedRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BlockedRange::Loopback => "loopback",
            BlockedRange::Private => "private-network",
            BlockedRange::SharedAddressSpace => "carrier-grade NAT",
            BlockedRange::LinkLocal => "link-local",
            BlockedRange::UniqueLocal => "unique-local",
            BlockedRange::Documentation => "documentation",
            BlockedRange::Benchmarking => "benchmarking",
            BlockedRange::CloudMetadata => "cloud metadata",
            BlockedRange::Unspecified => "unspecified",
            BlockedRange::Broadcast => "broadcast",
            BlockedRange::Multicast => "multicast",
            BlockedRange::Reserved => "reserved",
        })
    }
}

/// A refused address, with what to do about it.
#[derive(Clone, Debug, thiserror::Error)]
pub enum GuardError {
    /// Not http or https.
    #[error("refusing {url}: only http and https feeds can be fetched, not {scheme}:")]
    Scheme {
        /// The refused address.
        url: String,
        /// Its scheme.
        scheme: String,
    },
    /// No host to connect to.
    #[error("refusing {url}: it has no host name")]
    NoHost {
        /// The refused address.
        url: String,
    },
    /// `localhost` or a name under `.localhost`.
    #[error(
        "refusing {host}: it names this machine; set LAYOFFWATCH_ALLOW_PRIVATE_ADDRESSES=true only if feeds really live on private addresses"
    )]
    LocalName {
        /// The refused host.
        host: String,
    },
    /// The host is, or resolves to, a blocked address.
    #[error("refusing {host}: {addr} is a {range} address{hint}", hint = hint(*range))]
    Blocked {
        /// The host as written in the URL.
        host: String,
        /// The offending address.
        addr: IpAddr,
        /// Why it is refused.
        range: BlockedRange,
    },
    /// DNS failed.
    #[error("could not resolve {host}: {source}; check the feed address for typos")]
    Resolve {
        /// The host.
        host: String,
        /// The resolver's error (shared so the guard's errors can be cloned out of the HTTP
        /// client's error chain).
        source: Arc<std::io::Error>,
    },
    /// DNS answered with no addresses.
    #[error("{host} has no addresses in DNS; check the feed address for typos")]
    NoAddresses {
        /// The host.
        host: String,
    },
}

fn hint(range: BlockedRange) -> &'static str {
    if range.is_private_network() {
        "; set LAYOFFWATCH_ALLOW_PRIVATE_ADDRESSES=true only if feeds really live on private addresses"
    } else {
        " and is never fetched"
    }
}

/// Checks a URL before a request: scheme, host name and, for IP-literal hosts, the address.
/// Names are checked when they are resolved, by [`GuardedResolver`] or [`resolve_checked`].
pub fn check_url(url: &Url, allow_private: bool) -> Result<(), GuardError> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(GuardError::Scheme {
            url: url.to_string(),
            scheme: url.scheme().to_owned(),
        });
    }
    let host_str = url.host_str().unwrap_or_default().to_owned();
    match url.host() {
        None => Err(GuardError::NoHost {
            url: url.to_string(),
        }),
        Some(Host::Ipv4(v4)) => check_ip(&host_str, IpAddr::V4(v4), allow_private),
        Some(Host::Ipv6(v6)) => check_ip(&host_str, IpAddr::V6(v6), allow_private),
        Some(Host::Domain(name)) => {
            if !allow_private && is_localhost_name(name) {
                return Err(GuardError::LocalName { host: host_str });
            }
            Ok(())
        }
    }
}

/// `localhost`, `*.localhost` (RFC 6761), with or without the trailing root dot.
fn is_localhost_name(name: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    name == "localhost" || name.ends_with(".localhost")
}

/// Checks one address.
pub fn check_ip(host: &str, addr: IpAddr, allow_private: bool) -> Result<(), GuardError> {
    match classify(addr) {
        Some(range) if !(allow_private && range.is_private_network()) => Err(GuardError::Blocked {
            host: host.to_owned(),
            addr,
            range,
        }),
        _ => Ok(()),
    }
}

/// Resolves `host` and checks every address it resolves to; returns them all if none is blocked.
/// A name with one public and one private address is refused: an attacker controls which one a
/// client would pick.
pub async fn resolve_checked(
    host: &str,
    port: u16,
    allow_private: bool,
) -> Result<Vec<SocketAddr>, GuardError> {
    if !allow_private && is_localhost_name(host) {
        return Err(GuardError::LocalName {
            host: host.to_owned(),
        });
    }
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
        .await
        .map_err(|source| GuardError::Resolve {
            host: host.to_owned(),
            source: Arc::new(source),
        })?
        .collect();
    if addrs.is_empty() {
        return Err(GuardError::NoAddresses {
            host: host.to_owned(),
        });
    }
    for addr in &addrs {
        check_ip(host, addr.ip(), allow_private)?;
    }
    Ok(addrs)
}

/// Which blocked range an address is in, if any. IPv6 forms that carry an IPv4 address
/// (IPv4-mapped `::ffff:a.b.c.d`, IPv4-compatible `::a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4
/// `2002::/16`) are judged by the IPv4 address inside.
pub fn classify(addr: IpAddr) -> Option<BlockedRange> {
    match addr {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => classify_v6(v6),
    }
}

fn classify_v4(ip: Ipv4Addr) -> Option<BlockedRange> {
    let [a, b, c, _] = ip.octets();
    Some(match (a, b, c) {
        _ if ip == Ipv4Addr::new(169, 254, 169, 254) => BlockedRange::CloudMetadata,
        _ if ip.is_broadcast() => BlockedRange::Broadcast,
        (0, _, _) => BlockedRange::Unspecified,
        (127, _, _) => BlockedRange::Loopback,
        (10, _, _) | (192, 168, _) => BlockedRange::Private,
        (172, 16..=31, _) => BlockedRange::Private,
        (100, 64..=127, _) => BlockedRange::SharedAddressSpace,
        (169, 254, _) => BlockedRange::LinkLocal,
        (192, 0, 2) | (198, 51, 100) | (203, 0, 113) => BlockedRange::Documentation,
        (198, 18..=19, _) => BlockedRange::Benchmarking,
        (224..=239, _, _) => BlockedRange::Multicast,
        (240..=255, _, _) | (192, 0, 0) | (192, 88, 99) => BlockedRange::Reserved,
        _ => return None,
    })
}

fn classify_v6(ip: Ipv6Addr) -> Option<BlockedRange> {
    let seg = ip.segments();
    if ip.is_unspecified() {
        return Some(BlockedRange::Unspecified);
    }
    if ip.is_loopback() {
        return Some(BlockedRange::Loopback);
    }
    // IPv4-mapped ::ffff:a.b.c.d and the deprecated IPv4-compatible ::a.b.c.d.
    if let Some(v4) = ip.to_ipv4() {
        return classify_v4(v4);
    }
    // NAT64 64:ff9b::/96 carries the IPv4 address in its last 32 bits.
    if seg[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return classify_v4(embedded_v4(seg[6], seg[7]));
    }
    // 6to4 2002:AABB:CCDD::/48 carries AA.BB.CC.DD.
    if seg[0] == 0x2002 {
        return classify_v4(embedded_v4(seg[1], seg[2]));
    }
    if ip == Ipv6Addr::new(0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x0254) {
        return Some(BlockedRange::CloudMetadata);
    }
    Some(match seg[0] {
        s if s & 0xff00 == 0xff00 => BlockedRange::Multicast,
        s if s & 0xffc0 == 0xfe80 => BlockedRange::LinkLocal,
        s if s & 0xffc0 == 0xfec0 => BlockedRange::UniqueLocal,
        s if s & 0xfe00 == 0xfc00 => BlockedRange::UniqueLocal,
        0x2001 if seg[1] == 0x0db8 => BlockedRange::Documentation,
        s if s & 0xfff0 == 0x3ff0 => BlockedRange::Documentation,
        // 100::/64 discard-only.
        0x0100 if seg[1..4] == [0, 0, 0] => BlockedRange::Reserved,
        _ => return None,
    })
}

fn embedded_v4(high: u16, low: u16) -> Ipv4Addr {
    let [a, b] = high.to_be_bytes();
    let [c, d] = low.to_be_bytes();
    Ipv4Addr::new(a, b, c, d)
}

/// The HTTP client's DNS resolver: [`resolve_checked`] at connect time.
#[derive(Clone, Copy, Debug)]
pub struct GuardedResolver {
    /// Lets private-network addresses through (see the module documentation).
    pub allow_private: bool,
}

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let addrs = resolve_checked(name.as_str(), 0, allow_private).await?;
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocked(url: &str) -> bool {
        check_url(&Url::parse(url).unwrap(), false).is_err()
    }

    #[test]
    fn loopback_private_and_metadata_literals_are_refused() {
        for url in [
            "http://127.0.0.1/",
            "http://127.1.2.3:8080/feed",
            "http://10.0.0.1/",
            "http://172.16.5.4/",
            "http://192.168.1.1/",
            "http://100.64.0.1/",
            "http://169.254.169.254/latest/meta-data/",
            "http://169.254.1.1/",
            "http://0.0.0.0/",
            "http://255.255.255.255/",
            "http://224.0.0.1/",
            "http://192.0.2.1/",
            "http://[::1]/",
            "http://[::]/",
            "http://[fe80::1]/",
            "http://[fc00::1]/",
            "http://[fd12:3456::1]/",
            "http://[ff02::1]/",
            "http://[2001:db8::1]/",
        ] {
            assert!(blocked(url), "{url} should be refused");
        }
    }

    #[test]
    fn ipv6_forms_of_private_ipv4_addresses_are_refused() {
        for url in [
            "http://[::ffff:127.0.0.1]/",
            "http://[::ffff:7f00:1]/",
            "http://[::127.0.0.1]/",
            "http://[::ffff:169.254.169.254]/",
            "http://[64:ff9b::10.0.0.1]/",
            "http://[2002:c0a8:0101::1]/",
        ] {
            assert!(blocked(url), "{url} should be refused");
        }
    }

    #[test]
    fn obfuscated_ipv4_literals_are_normalised_and_refused() {
        // The URL parser reads these as 127.0.0.1, like browsers and curl do.
        for url in ["http://2130706433/", "http://0x7f.1/", "http://0177.0.0.1/"] {
            assert!(blocked(url), "{url} should be refused");
        }
    }

    #[test]
    fn localhost_names_are_refused_unless_private_addresses_are_allowed() {
        assert!(blocked("http://localhost/"));
        assert!(blocked("http://LOCALHOST./"));
        assert!(blocked("http://api.localhost:8080/"));
        assert!(check_url(&Url::parse("http://localhost/").unwrap(), true).is_ok());
    }

    #[test]
    fn non_http_schemes_are_refused() {
        for url in [
            "file:///etc/passwd",
            "ftp://example.com/",
            "gopher://example.com/",
        ] {
            let err = check_url(&Url::parse(url).unwrap(), true).unwrap_err();
            assert!(matches!(err, GuardError::Scheme { .. }), "{url}: {err}");
        }
    }

    #[test]
    fn public_addresses_and_names_pass() {
        assert!(!blocked("https://93.184.215.14/"));
        assert!(!blocked("https://[2606:4700::1111]/"));
        assert!(!blocked("https://news.example.com/feed"));
        assert!(!blocked("http://172.32.0.1/"));
    }

    #[test]
    fn allow_private_opens_private_ranges_but_never_metadata_or_multicast() {
        let ok = |s: &str| check_url(&Url::parse(s).unwrap(), true).is_ok();
        assert!(ok("http://127.0.0.1:8080/"));
        assert!(ok("http://10.1.2.3/"));
        assert!(ok("http://[fd00::1]/"));
        assert!(!ok("http://169.254.169.254/"));
        assert!(!ok("http://[::ffff:169.254.169.254]/"));
        assert!(!ok("http://224.0.0.1/"));
        assert!(!ok("http://0.0.0.0/"));
    }

    #[test]
    fn refusals_say_what_to_do() {
        let err = check_url(&Url::parse("http://10.0.0.1/").unwrap(), false).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("10.0.0.1") && msg.contains("LAYOFFWATCH_ALLOW_PRIVATE_ADDRESSES"),
            "{msg}"
        );
    }

    #[tokio::test]
    async fn the_http_clients_resolver_refuses_with_a_guard_error_it_can_find_again() {
        use reqwest::dns::Resolve;
        let name: reqwest::dns::Name = "127.0.0.1".parse().unwrap();
        let Err(error) = GuardedResolver {
            allow_private: false,
        }
        .resolve(name)
        .await
        else {
            panic!("loopback should be refused");
        };
        assert!(matches!(
            error.downcast_ref::<GuardError>(),
            Some(GuardError::Blocked {
                range: BlockedRange::Loopback,
                ..
            })
        ));
    }

    #[tokio::test]
    async fn names_resolving_to_loopback_are_refused_after_resolution() {
        // `localhost` is refused by name before DNS; an IP written as a "name" resolves to itself.
        let err = resolve_checked("127.0.0.1", 80, false).await.unwrap_err();
        assert!(
            matches!(
                err,
                GuardError::Blocked {
                    range: BlockedRange::Loopback,
                    ..
                }
            ),
            "{err}"
        );
        assert!(resolve_checked("127.0.0.1", 80, true).await.is_ok());
    }
}
