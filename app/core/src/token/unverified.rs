use base64ct::{Base64UrlUnpadded, Encoding};
use serde::Deserialize;
use serde::de::IgnoredAny;

/// The few claims the browser reads from its own token, **unverified**: to
/// show a name, time a renewal, pick the `Authorization` scheme. Only the
/// server's check of the signature decides anything.
///
/// Typed, so reading them needs neither `serde_json::Value` nor the
/// pretty-printer that [`TokenParts`](super::TokenParts) uses to show a
/// token: every page carries this, only the token pages carry that.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct UnverifiedClaims {
    pub name: Option<String>,
    #[serde(default)]
    pub admin: bool,
    /// Seconds since 1970 (whole, as RFC 7519's NumericDate is in ours).
    pub iat: Option<u64>,
    /// Seconds since 1970.
    pub exp: Option<u64>,
    cnf: Option<IgnoredAny>,
    /// How the person signed in (`amr`).
    #[serde(default)]
    pub amr: crate::domain::SignInMethod,
    /// When the person last proved who they are (seconds since 1970).
    pub auth_time: Option<u64>,
}

impl UnverifiedClaims {
    /// The payload of a compact JWT (`header.payload.signature`); `None` if
    /// `token` isn't one or its claims have other types than ours.
    pub fn read(token: &str) -> Option<Self> {
        let [_header, payload, _signature] = super::parts::compact_parts(token)?;
        let json = Base64UrlUnpadded::decode_vec(payload).ok()?;
        serde_json::from_slice(&json).ok()
    }

    /// Whether the token is bound to a key (`cnf`, RFC 9449).
    pub fn is_bound(&self) -> bool {
        self.cnf.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(payload: &str) -> String {
        format!(
            "e30.{}.c2ln",
            Base64UrlUnpadded::encode_string(payload.as_bytes())
        )
    }

    #[test]
    fn the_claims_the_page_needs_are_read_without_any_key() {
        let claims = UnverifiedClaims::read(&token(
            r#"{"sub":"120","name":"John","admin":true,"iat":1000,"exp":1600,"cnf":{"jkt":"k"},"jti":"x"}"#,
        ))
        .unwrap();
        assert_eq!(claims.name.as_deref(), Some("John"));
        assert!(claims.admin);
        assert_eq!((claims.iat, claims.exp), (Some(1000), Some(1600)));
        assert!(claims.is_bound());
    }

    #[test]
    fn missing_claims_are_absent_not_errors() {
        let claims = UnverifiedClaims::read(&token(r#"{"sub":"120"}"#)).unwrap();
        assert_eq!(claims, UnverifiedClaims::default());
        assert!(!claims.is_bound());
    }

    #[test]
    fn things_that_are_not_our_tokens_are_not_read() {
        for bad in [
            String::new(),
            "abc".into(),
            "e30.e30".into(),
            "e30.e30.s.s".into(),
            "!!.!!.s".into(),
            token(r#"{"admin":"yes"}"#),
            token("[1,2]"),
        ] {
            assert_eq!(UnverifiedClaims::read(&bad), None, "{bad:?}");
        }
    }
}
