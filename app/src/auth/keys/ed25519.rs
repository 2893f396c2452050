//! Ed25519 keys: the private key the main app signs with (PKCS#8 PEM on
//! disk) and the public half every service verifies with (a JWK).

use super::jwk::PublicJwk;
use base64::{
    Engine,
    engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD},
};
use ed25519_dalek::{SigningKey, VerifyingKey, pkcs8::DecodePrivateKey};
use jsonwebtoken::{DecodingKey, EncodingKey};
use sha2::{Digest, Sha256};
use std::fmt;
use thiserror::Error;

/// PKCS#8 v1 (RFC 8410) for Ed25519 is this fixed prefix and the 32-byte seed.
const PKCS8_PREFIX: [u8; 16] = [
    0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
];
const PEM_LABEL: &str = "PRIVATE KEY";

#[derive(Debug, Error, PartialEq, Eq)]
pub enum KeyError {
    #[error("the file is not a PEM \"{PEM_LABEL}\" block")]
    NotPem,
    #[error("the key is not an Ed25519 PKCS#8 private key")]
    NotEd25519,
    #[error("the public key is not 32 bytes of base64url, or not a point on Ed25519")]
    BadPublicKey,
    #[error("could not get random bytes from the operating system: {0}")]
    Random(String),
}

/// An Ed25519 public key and its key id: all a service needs to verify.
#[derive(Clone)]
pub struct PublicKey {
    kid: String,
    bytes: [u8; 32],
    decoding: DecodingKey,
}

impl PublicKey {
    /// From the 32 raw bytes, refusing anything that is not a valid point.
    pub fn from_bytes(bytes: [u8; 32]) -> Result<Self, KeyError> {
        VerifyingKey::from_bytes(&bytes).map_err(|_| KeyError::BadPublicKey)?;
        let x = URL_SAFE_NO_PAD.encode(bytes);
        Ok(Self {
            kid: thumbprint(&x),
            decoding: DecodingKey::from_ed_der(&bytes),
            bytes,
        })
    }

    /// From a JWK's base64url `x`.
    pub fn from_x(x: &str) -> Result<Self, KeyError> {
        let bytes = URL_SAFE_NO_PAD
            .decode(x)
            .ok()
            .and_then(|raw| <[u8; 32]>::try_from(raw).ok())
            .ok_or(KeyError::BadPublicKey)?;
        Self::from_bytes(bytes)
    }

    /// The RFC 7638 thumbprint: derived from the key itself, so a key id
    /// can't be claimed by a different key.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    pub fn decoding_key(&self) -> &DecodingKey {
        &self.decoding
    }

    /// The 32 raw bytes, as stored in the database.
    pub fn bytes(&self) -> &[u8; 32] {
        &self.bytes
    }

    pub fn to_jwk(&self) -> PublicJwk {
        PublicJwk::ed25519(URL_SAFE_NO_PAD.encode(self.bytes), self.kid.clone())
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.kid)
    }
}

/// An Ed25519 private key: it can mint tokens, so only the issuer holds one.
#[derive(Clone)]
pub struct PrivateKey {
    encoding: EncodingKey,
    public: PublicKey,
    seed: [u8; 32],
}

impl PrivateKey {
    /// A fresh key from the operating system's random source.
    pub fn generate() -> Result<Self, KeyError> {
        let mut seed = [0u8; 32];
        getrandom::getrandom(&mut seed).map_err(|e| KeyError::Random(e.to_string()))?;
        Self::from_seed(seed)
    }

    pub(super) fn from_seed(seed: [u8; 32]) -> Result<Self, KeyError> {
        let signing = SigningKey::from_bytes(&seed);
        let public = PublicKey::from_bytes(signing.verifying_key().to_bytes())?;
        Ok(Self {
            encoding: EncodingKey::from_ed_der(&pkcs8_der(&seed)),
            public,
            seed,
        })
    }

    /// Reads a PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), as written by
    /// [`to_pem`](Self::to_pem) or `openssl genpkey -algorithm ed25519`.
    pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
        let der = pem_body(pem)?;
        let signing = SigningKey::from_pkcs8_der(&der).map_err(|_| KeyError::NotEd25519)?;
        Self::from_seed(signing.to_bytes())
    }

    pub fn to_pem(&self) -> String {
        let body = STANDARD.encode(pkcs8_der(&self.seed));
        format!("-----BEGIN {PEM_LABEL}-----\n{body}\n-----END {PEM_LABEL}-----\n")
    }

    pub fn public(&self) -> &PublicKey {
        &self.public
    }

    pub fn kid(&self) -> &str {
        self.public.kid()
    }

    pub fn encoding_key(&self) -> &EncodingKey {
        &self.encoding
    }

    /// The 32 secret bytes, for sealing (`sealed.rs`); never logged.
    pub(super) fn seed(&self) -> &[u8; 32] {
        &self.seed
    }
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PrivateKey({}, <redacted>)", self.kid())
    }
}

fn pkcs8_der(seed: &[u8; 32]) -> Vec<u8> {
    [PKCS8_PREFIX.as_slice(), seed].concat()
}

fn pem_body(pem: &str) -> Result<Vec<u8>, KeyError> {
    let begin = format!("-----BEGIN {PEM_LABEL}-----");
    let end = format!("-----END {PEM_LABEL}-----");
    let start = pem.find(&begin).ok_or(KeyError::NotPem)? + begin.len();
    let stop = pem[start..].find(&end).ok_or(KeyError::NotPem)? + start;
    let base64: String = pem[start..stop]
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    STANDARD.decode(base64).map_err(|_| KeyError::NotPem)
}

/// RFC 7638: SHA-256 over the required members in lexicographic order.
fn thumbprint(x: &str) -> String {
    let canonical = format!(r#"{{"crv":"Ed25519","kty":"OKP","x":"{x}"}}"#);
    URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_round_trips_and_keeps_the_key_id() {
        let key = PrivateKey::generate().unwrap();
        let again = PrivateKey::from_pem(&key.to_pem()).unwrap();
        assert_eq!(again.kid(), key.kid());
        assert!(key.to_pem().starts_with("-----BEGIN PRIVATE KEY-----\n"));
    }

    #[test]
    fn reads_an_openssl_generated_key() {
        // `openssl genpkey -algorithm ed25519` (RFC 8410 section 10.3's key).
        let pem = "-----BEGIN PRIVATE KEY-----\n\
                   MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC\n\
                   -----END PRIVATE KEY-----\n";
        let key = PrivateKey::from_pem(pem).unwrap();
        // RFC 8410's public key for that private key, as a JWK `x`.
        assert_eq!(
            key.public().to_jwk().x.as_deref(),
            Some("Gb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE")
        );
    }

    #[test]
    fn thumbprint_matches_rfc_8037() {
        // RFC 8037 appendix A.3: the thumbprint of its example Ed25519 key.
        let key = PublicKey::from_x("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo").unwrap();
        assert_eq!(key.kid(), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
    }

    #[test]
    fn other_pem_contents_are_refused() {
        assert_eq!(
            PrivateKey::from_pem("not a key").unwrap_err(),
            KeyError::NotPem
        );
        let rsa_like = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
        assert_eq!(
            PrivateKey::from_pem(rsa_like).unwrap_err(),
            KeyError::NotEd25519
        );
    }

    #[test]
    fn short_or_invalid_public_keys_are_refused() {
        for x in [
            "",
            "AAAA",
            "not base64!",
            &URL_SAFE_NO_PAD.encode([0u8; 33]),
        ] {
            assert_eq!(
                PublicKey::from_x(x).unwrap_err(),
                KeyError::BadPublicKey,
                "{x}"
            );
        }
    }

    #[test]
    fn debug_output_hides_the_private_key() {
        let key = PrivateKey::generate().unwrap();
        let debug = format!("{key:?}");
        assert!(debug.contains("redacted"));
        assert!(!debug.contains(&key.to_pem()[28..40]));
    }
}
