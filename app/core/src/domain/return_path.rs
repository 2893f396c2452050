use std::fmt;

/// Where to go after logging in: `/login?next=/profile` returns to the
/// profile. Only a path on this site can be one.
///
/// A `next` that could leave the site (`https://evil.example`, `//evil.example`,
/// `/\evil.example`, `javascript:…`) would turn the login page into an open
/// redirect: a link that shows our address and lands somewhere else after a
/// real login. Such values are refused, and the login goes to the default.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReturnPath(String);

impl ReturnPath {
    pub const MAX_CHARS: usize = 512;
    /// Where a login goes when `next` is missing or refused.
    pub const DEFAULT: &'static str = "/profile";

    /// `None` unless `raw` is a path on this site (and not the login page).
    pub fn parse(raw: &str) -> Option<Self> {
        let mut chars = raw.chars();
        let on_this_site = chars.next() == Some('/') && !matches!(chars.next(), Some('/' | '\\'));
        // Browsers drop tabs and line breaks inside URLs and read `\` as
        // `/`, so `/\t/evil` and `/\evil` would become `//evil`.
        let clean = !raw
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || c == '\\');
        let path = raw.split(['?', '#']).next().unwrap_or_default();
        let not_login = path != "/login";
        (on_this_site && clean && not_login && raw.len() <= Self::MAX_CHARS)
            .then(|| Self(raw.to_owned()))
    }

    /// The path to go to after a login with this `next`.
    pub fn after_login(next: Option<&str>) -> Self {
        next.and_then(Self::parse)
            .unwrap_or_else(|| Self(Self::DEFAULT.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The login page saying the session ended, with this path as `next`
    /// (percent-encoded), so logging in again comes back here.
    pub fn session_ended_url(&self) -> String {
        format!("/login?session=ended&next={}", percent_encode(&self.0))
    }
}

impl fmt::Display for ReturnPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Encodes everything but unreserved characters and `/`, which stay readable.
fn percent_encode(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for byte in raw.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_on_this_site_are_kept() {
        for good in [
            "/profile",
            "/",
            "/spots/kirkjufell",
            "/?page=2",
            "/how-it-works#lab",
        ] {
            assert_eq!(ReturnPath::parse(good).unwrap().as_str(), good);
        }
    }

    #[test]
    fn anything_that_could_leave_the_site_is_refused() {
        for bad in [
            "",
            "profile",
            "//evil.example",
            "//evil.example/profile",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/ /evil.example",
            "https://evil.example",
            "http:/evil.example",
            "javascript:alert(1)",
            " /profile",
            "\\\\evil.example",
            "/login",
            "/login?next=/profile",
        ] {
            assert_eq!(ReturnPath::parse(bad), None, "{bad:?}");
        }
        assert_eq!(ReturnPath::parse(&format!("/{}", "a".repeat(600))), None);
    }

    #[test]
    fn a_refused_or_missing_next_goes_to_the_profile() {
        assert_eq!(ReturnPath::after_login(None).as_str(), "/profile");
        assert_eq!(
            ReturnPath::after_login(Some("//evil.example")).as_str(),
            "/profile"
        );
        assert_eq!(ReturnPath::after_login(Some("/admin")).as_str(), "/admin");
    }

    /// `next` values an attacker would try (slashes, backslashes, schemes,
    /// whitespace browsers drop, encodings), and any string at all.
    fn next_values() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        prop_oneof![
            "[/\\\\\t\n\r :@.a-z%?#\u{3000}\u{ff0f}]{0,16}",
            "/[/\\\\\t\n\r :@.a-z%?#\u{3000}\u{ff0f}]{0,16}",
            any::<String>(),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2048))]

        /// Whatever `next` holds, the address a browser would go to after
        /// the login (resolved as browsers do, by the WHATWG URL rules) is
        /// on this site, and the session-ended link brings the same path back.
        #[test]
        fn no_next_ever_leads_off_the_site(raw in next_values()) {
            let login = url::Url::parse("https://photo-spots.example/login?next=x").unwrap();
            let path = ReturnPath::after_login(Some(&raw));
            let target = login.join(path.as_str());
            proptest::prop_assert!(target.is_ok(), "{:?} does not resolve", path);
            proptest::prop_assert_eq!(target.unwrap().origin(), login.origin(), "from {:?}", raw);
            let ended = login.join(&path.session_ended_url()).unwrap();
            let next = ended
                .query_pairs()
                .find(|(name, _)| name == "next")
                .map(|(_, value)| value.into_owned());
            proptest::prop_assert_eq!(next.as_deref(), Some(path.as_str()));
        }
    }

    #[test]
    fn the_ended_session_url_carries_the_path_encoded() {
        let page = ReturnPath::parse("/?page=2&sort=new").unwrap();
        assert_eq!(
            page.session_ended_url(),
            "/login?session=ended&next=/%3Fpage%3D2%26sort%3Dnew"
        );
        let spot = ReturnPath::parse("/spots/kirkjufell").unwrap();
        assert_eq!(
            spot.session_ended_url(),
            "/login?session=ended&next=/spots/kirkjufell"
        );
    }
}
