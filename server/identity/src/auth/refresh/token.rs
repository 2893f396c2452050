//! The refresh token itself: 256 random bits, opaque to everyone but the
//! server that made it.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use sha2::{Digest, Sha256};

/// Bytes of randomness in a refresh token (256 bits: guessing one is out
/// of reach, so the stored hash needs no salt or slow hashing).
const BYTES: usize = 32;
/// Its length as base64url without padding.
const ENCODED_LEN: usize = 43;

/// A refresh token as the browser holds it (in its cookie). Only
/// [`RefreshToken::hash`] is ever stored.
#[derive(Clone, PartialEq, Eq)]
pub struct RefreshToken(String);

impl RefreshToken {
    /// A new token from the operating system's random source.
    pub fn generate() -> Result<Self, getrandom::Error> {
        let mut bytes = [0u8; BYTES];
        getrandom::getrandom(&mut bytes)?;
        Ok(Self(URL_SAFE_NO_PAD.encode(bytes)))
    }

    /// A token as presented by a client; `None` unless it has the shape
    /// this server gives out (43 base64url characters).
    pub fn parse(presented: &str) -> Option<Self> {
        let well_formed = presented.len() == ENCODED_LEN
            && URL_SAFE_NO_PAD
                .decode(presented)
                .is_ok_and(|bytes| bytes.len() == BYTES);
        well_formed.then(|| Self(presented.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What the database keeps: SHA-256 of the token, in hex.
    pub fn hash(&self) -> String {
        Sha256::digest(self.0.as_bytes())
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect()
    }
}

/// A random id for a family: 128 bits in hex. Not a secret (it is logged),
/// only unique.
pub fn family_id() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 16];
    getrandom::getrandom(&mut bytes)?;
    Ok(bytes.iter().map(|byte| format!("{byte:02x}")).collect())
}

/// Whether `text` could be a family id [`family_id`] made: anything else
/// names no family, and needs no database call to say so.
pub fn is_family_id(text: &str) -> bool {
    text.len() == 32 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Never printed: a log line must not hand out a working token.
impl std::fmt::Debug for RefreshToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RefreshToken(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn family_ids_are_told_from_anything_else() {
        let id = family_id().unwrap();
        assert!(is_family_id(&id), "{id}");
        for other in [
            "",
            "abc",
            "0123456789ABCDEF0123456789abcdef",
            "\0",
            &"a".repeat(33),
        ] {
            assert!(!is_family_id(other), "{other:?}");
        }
    }

    #[test]
    fn a_generated_token_is_256_random_bits_and_parses_back() {
        let one = RefreshToken::generate().unwrap();
        let two = RefreshToken::generate().unwrap();
        assert_ne!(one, two);
        assert_eq!(one.as_str().len(), ENCODED_LEN);
        assert_eq!(RefreshToken::parse(one.as_str()), Some(one));
    }

    #[test]
    fn the_stored_hash_is_not_the_token() {
        let token = RefreshToken::generate().unwrap();
        let hash = token.hash();
        assert_eq!(hash.len(), 64);
        assert!(!hash.contains(token.as_str()));
        assert_eq!(hash, token.clone().hash(), "the same token, the same hash");
    }

    #[test]
    fn anything_else_is_not_a_refresh_token() {
        let token = RefreshToken::generate().unwrap();
        for bad in [
            "",
            "short",
            &token.as_str()[1..],
            &format!("{}A", token.as_str()),
            &token.as_str().replace(|c: char| c.is_alphanumeric(), "+"),
            "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiIxMjAifQ.sig",
        ] {
            assert!(RefreshToken::parse(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn debug_output_hides_the_token() {
        let token = RefreshToken::generate().unwrap();
        assert!(!format!("{token:?}").contains(token.as_str()));
    }

    #[test]
    fn a_refresh_token_never_prints_its_value() {
        let token = RefreshToken::generate().unwrap();
        let printed = format!("{token:?}");
        assert_eq!(printed, "RefreshToken(…)");
    }
}
