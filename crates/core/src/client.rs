//! Where a request comes from: the client's IP address, as rate limits and anonymous
//! idempotency scopes see it.
//!
//! The address is the socket peer's. Only when the service runs behind a proxy it trusts
//! (`TRUST_PROXY=true`) is the first hop of `X-Forwarded-For` used instead; otherwise that header
//! is the client's own words and is ignored. This module does not decide what to do with the
//! address: that is the rate limiter's and the idempotency layer's business.

use std::fmt;
use std::future::{Ready, ready};
use std::net::{IpAddr, Ipv6Addr, SocketAddr};

use actix_web::dev::Payload;
use actix_web::http::header::HeaderName;
use actix_web::{FromRequest, HttpRequest, web};

use crate::context::AppContext;
use crate::error::ApiError;

/// The header a reverse proxy lists the client and the proxies it passed through in.
pub static X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");

/// The client's IP address, when it is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(Option<IpAddr>);

impl ClientIp {
    /// The address of a request: the socket peer, or the first hop of `X-Forwarded-For` when the
    /// proxy in front is trusted and the header names a valid address.
    pub fn from_http(req: &HttpRequest, trust_proxy: bool) -> Self {
        let forwarded = trust_proxy
            .then(|| req.headers().get(&X_FORWARDED_FOR))
            .flatten()
            .and_then(|value| value.to_str().ok())
            .and_then(first_hop);
        Self(
            forwarded
                .or_else(|| req.peer_addr().map(|peer| peer.ip()))
                .map(canonical),
        )
    }

    /// An address known in advance (tests, commands).
    pub fn new(addr: Option<IpAddr>) -> Self {
        Self(addr.map(canonical))
    }

    /// The address, if the connection had one.
    pub fn addr(&self) -> Option<IpAddr> {
        self.0
    }

    /// The subject rate limits and anonymous scopes key on: an IPv4 address, or the /64 network
    /// of an IPv6 one (a single host usually holds a whole /64), or `unknown`.
    pub fn subject(&self) -> String {
        match self.0 {
            Some(IpAddr::V4(v4)) => v4.to_string(),
            Some(IpAddr::V6(v6)) => {
                let network = u128::from(v6) & !((1u128 << 64) - 1);
                format!("{}/64", Ipv6Addr::from(network))
            }
            None => "unknown".to_owned(),
        }
    }
}

impl fmt::Display for ClientIp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(addr) => write!(f, "{addr}"),
            None => f.write_str("unknown"),
        }
    }
}

/// The first address of an `X-Forwarded-For` value, with or without a port.
fn first_hop(value: &str) -> Option<IpAddr> {
    let hop = value.split(',').next()?.trim();
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .or_else(|| {
            hop.strip_prefix('[')
                .and_then(|h| h.strip_suffix(']'))
                .and_then(|h| h.parse().ok())
        })
}

/// An IPv4 address written as IPv6 (`::ffff:a.b.c.d`) is the IPv4 address.
fn canonical(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(addr, IpAddr::V4),
        IpAddr::V4(_) => addr,
    }
}

impl FromRequest for ClientIp {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let trust_proxy = req
            .app_data::<web::Data<AppContext>>()
            .is_some_and(|ctx| ctx.trust_proxy);
        ready(Ok(Self::from_http(req, trust_proxy)))
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    fn request(forwarded: Option<&str>) -> HttpRequest {
        let mut req = TestRequest::default().peer_addr("10.0.0.7:5000".parse().unwrap());
        if let Some(value) = forwarded {
            req = req.insert_header(("x-forwarded-for", value));
        }
        req.to_http_request()
    }

    #[test]
    fn the_peer_address_is_used_unless_the_proxy_is_trusted() {
        let req = request(Some("203.0.113.9, 10.0.0.1"));
        assert_eq!(ClientIp::from_http(&req, false).subject(), "10.0.0.7");
        assert_eq!(ClientIp::from_http(&req, true).subject(), "203.0.113.9");
    }

    #[test]
    fn a_forwarded_header_that_names_no_address_falls_back_to_the_peer() {
        let req = request(Some("unknown, 10.0.0.1"));
        assert_eq!(ClientIp::from_http(&req, true).subject(), "10.0.0.7");
        let req = request(None);
        assert_eq!(ClientIp::from_http(&req, true).subject(), "10.0.0.7");
    }

    #[test]
    fn forwarded_hops_may_carry_ports_and_brackets() {
        assert_eq!(
            first_hop("203.0.113.9:4711"),
            Some("203.0.113.9".parse().unwrap())
        );
        assert_eq!(
            first_hop("[2001:db8::1]:443"),
            Some("2001:db8::1".parse().unwrap())
        );
        assert_eq!(
            first_hop("[2001:db8::1]"),
            Some("2001:db8::1".parse().unwrap())
        );
    }

    #[test]
    fn ipv6_clients_are_keyed_by_their_64_network_and_mapped_ipv4_is_ipv4() {
        let a = ClientIp::new(Some("2001:db8:1:2:aaaa::1".parse().unwrap()));
        let b = ClientIp::new(Some("2001:db8:1:2:bbbb::9".parse().unwrap()));
        assert_eq!(a.subject(), "2001:db8:1:2::/64");
        assert_eq!(a.subject(), b.subject());
        let mapped = ClientIp::new(Some("::ffff:198.51.100.4".parse().unwrap()));
        assert_eq!(mapped.subject(), "198.51.100.4");
        assert_eq!(ClientIp::new(None).subject(), "unknown");
    }
}
