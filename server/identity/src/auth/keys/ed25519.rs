//! Ed25519 keys: the private key the main app signs with (PKCS#8 PEM on
//! disk, read and written by `ed25519-dalek`) and the public half every
//! service verifies with.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use ed25519_dalek::{
    SigningKey, VerifyingKey,
    pkcs8::{
        DecodePrivateKey, EncodePrivateKey,
        spki::der::{self, pem::LineEnding},
    },
};
use jsonwebtoken::{
    DecodingKey, EncodingKey,
    jwk::{
        AlgorithmParameters, CommonParameters, EllipticCurve, Jwk, OctetKeyPairParameters,
        OctetKeyPairType, ThumbprintHash,
    },
};
use std::fmt;
use thiserror::Error;
use zeroize::Zeroizing;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum KeyError {
    #[error("the file is not a PEM \"PRIVATE KEY\" block")]
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
        Ok(Self {
            kid: thumbprint(&bytes),
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

    /// The base64url `x` of its JWK.
    pub fn x(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.bytes)
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.kid)
    }
}

/// An Ed25519 private key: it can mint tokens, so only the issuer holds one.
/// Its secret bytes are wiped from memory when it is dropped.
#[derive(Clone)]
pub struct PrivateKey {
    signing: SigningKey,
    encoding: EncodingKey,
    public: PublicKey,
}

impl PrivateKey {
    /// A fresh key from the operating system's random source.
    pub fn generate() -> Result<Self, KeyError> {
        let mut seed = Zeroizing::new([0u8; 32]);
        getrandom::getrandom(seed.as_mut()).map_err(|e| KeyError::Random(e.to_string()))?;
        Self::from_seed(&seed)
    }

    pub(super) fn from_seed(seed: &[u8; 32]) -> Result<Self, KeyError> {
        Self::from_signing(SigningKey::from_bytes(seed))
    }

    fn from_signing(signing: SigningKey) -> Result<Self, KeyError> {
        let der = signing
            .to_pkcs8_der()
            .expect("an Ed25519 key always encodes as PKCS#8");
        Ok(Self {
            encoding: EncodingKey::from_ed_der(der.as_bytes()),
            public: PublicKey::from_bytes(signing.verifying_key().to_bytes())?,
            signing,
        })
    }

    /// Reads a PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), as written by
    /// [`to_pem`](Self::to_pem) or `openssl genpkey -algorithm ed25519`.
    pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
        let signing = SigningKey::from_pkcs8_pem(pem.trim()).map_err(|error| match error {
            ed25519_dalek::pkcs8::Error::Asn1(error)
                if matches!(error.kind(), der::ErrorKind::Pem(_)) =>
            {
                KeyError::NotPem
            }
            _ => KeyError::NotEd25519,
        })?;
        Self::from_signing(signing)
    }

    /// PKCS#8 v2 PEM (the seed and the public key), wiped when dropped.
    pub fn to_pem(&self) -> Zeroizing<String> {
        self.signing
            .to_pkcs8_pem(LineEnding::LF)
            .expect("an Ed25519 key always encodes as PKCS#8")
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
    pub(super) fn seed(&self) -> Zeroizing<[u8; 32]> {
        Zeroizing::new(self.signing.to_bytes())
    }
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PrivateKey({}, <redacted>)", self.kid())
    }
}

/// RFC 7638 (and RFC 8037 for this key type), as `jsonwebtoken` computes it.
fn thumbprint(bytes: &[u8; 32]) -> String {
    let jwk = Jwk {
        common: CommonParameters::default(),
        algorithm: AlgorithmParameters::OctetKeyPair(OctetKeyPairParameters {
            key_type: OctetKeyPairType::OctetKeyPair,
            curve: EllipticCurve::Ed25519,
            x: URL_SAFE_NO_PAD.encode(bytes),
        }),
    };
    jwk.thumbprint(ThumbprintHash::SHA256)
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
            key.public().x(),
            "Gb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE"
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
