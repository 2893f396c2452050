//! Which device a session runs on, as its owner would recognise it on the
//! sessions page: a browser and OS read from the User-Agent ("Firefox on
//! Linux"), and the network it signed in from. The address is cut to its
//! network (IPv4 /24, IPv6 /48): enough to tell home from abroad, not enough
//! to keep where a person was.

use std::net::IpAddr;

/// What a User-Agent is read from at most: real ones are a few hundred
/// bytes, and the parser's cost grows with the text.
const MAX_USER_AGENT_BYTES: usize = 512;
/// Longest label stored.
const MAX_LABEL_CHARS: usize = 80;

/// A session's device, as stored with it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Device {
    /// "Chrome on Linux"; "Unknown browser" when the agent says nothing we know.
    pub label: String,
    /// "203.0.113.0/24", "2001:db8:5::/48"; empty when unknown.
    pub network: String,
    /// The passkey (its credential id) the session signed in with, if one
    /// did: the authenticator on or beside this device.
    pub passkey: Option<String>,
}

impl Device {
    /// The device a request with `user_agent` came from `address`.
    pub fn of(user_agent: Option<&str>, address: Option<IpAddr>) -> Self {
        Self {
            label: label(user_agent.unwrap_or_default()),
            network: address.map(network).unwrap_or_default(),
            passkey: None,
        }
    }

    /// The same device, signed in with the passkey `id`.
    pub fn with_passkey(self, id: String) -> Self {
        Self {
            passkey: Some(id),
            ..self
        }
    }

    /// "Firefox on Linux, from 203.0.113.0/24", for the security activity.
    pub fn describe(&self) -> String {
        match self.network.as_str() {
            "" => self.label.clone(),
            network => format!("{}, from {network}", self.label),
        }
    }

    /// From a request's headers and address.
    pub fn of_request(headers: &axum::http::HeaderMap, address: Option<IpAddr>) -> Self {
        let agent = headers
            .get(axum::http::header::USER_AGENT)
            .and_then(|value| value.to_str().ok());
        Self::of(agent, address)
    }
}

/// "Browser on OS", from a maintained table of agents (woothee).
fn label(user_agent: &str) -> String {
    let agent = match user_agent.char_indices().nth(MAX_USER_AGENT_BYTES) {
        Some((cut, _)) => &user_agent[..cut],
        None => user_agent,
    };
    let known = |text: &str| !text.is_empty() && text != woothee::woothee::VALUE_UNKNOWN;
    let label = match woothee::parser::Parser::new().parse(agent) {
        Some(found) if known(found.name) && known(found.os) => {
            format!("{} on {}", found.name, found.os)
        }
        Some(found) if known(found.name) => found.name.to_owned(),
        _ => "Unknown browser".to_owned(),
    };
    label.chars().take(MAX_LABEL_CHARS).collect()
}

/// The network `address` belongs to: its first 24 (IPv4) or 48 (IPv6) bits.
pub fn network(address: IpAddr) -> String {
    match address.to_canonical() {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            format!("{a}.{b}.{c}.0/24")
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            let prefix = std::net::Ipv6Addr::new(s[0], s[1], s[2], 0, 0, 0, 0, 0);
            format!("{prefix}/48")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIREFOX_LINUX: &str =
        "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
    const SAFARI_IPHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) \
        AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
    const CHROME_WINDOWS: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) \
        AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";

    #[test]
    fn a_browser_is_named_with_its_os() {
        assert_eq!(label(FIREFOX_LINUX), "Firefox on Linux");
        assert_eq!(label(SAFARI_IPHONE), "Safari on iPhone");
        assert_eq!(label(CHROME_WINDOWS), "Chrome on Windows 10");
    }

    #[test]
    fn an_agent_we_do_not_know_is_said_to_be_unknown() {
        for agent in ["", "curl/8.5.0", "x".repeat(10_000).as_str(), "é\u{0}💥"] {
            let label = label(agent);
            assert!(label.chars().count() <= MAX_LABEL_CHARS, "{label}");
            assert!(!label.is_empty());
        }
        assert_eq!(label(""), "Unknown browser");
    }

    #[test]
    fn addresses_are_cut_to_their_network() {
        let cases = [
            ("203.0.113.77", "203.0.113.0/24"),
            ("2001:db8:5:6:7::1", "2001:db8:5::/48"),
            ("::ffff:198.51.100.9", "198.51.100.0/24"),
            ("::1", "::/48"),
        ];
        for (address, expected) in cases {
            assert_eq!(network(address.parse().unwrap()), expected, "{address}");
        }
    }

    #[test]
    fn a_device_without_an_address_has_no_network() {
        let device = Device::of(Some(FIREFOX_LINUX), None);
        assert_eq!(device.network, "");
        assert_eq!(device.label, "Firefox on Linux");
    }
}
