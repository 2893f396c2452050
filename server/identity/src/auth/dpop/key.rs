//! A DPoP key pair on the Rust side: how a Rust client (and this project's
//! tests and benchmark) makes proofs. The browser makes its own with
//! WebCrypto and never lets the private half out.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use jsonwebtoken::jwk::{
    AlgorithmParameters, CommonParameters, EllipticCurve, EllipticCurveKeyParameters,
    EllipticCurveKeyType, Jwk, ThumbprintHash,
};
use ring::{
    rand::SystemRandom,
    signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair},
};
use serde_json::{Value, json};

/// An ECDSA P-256 key pair that signs DPoP proofs (ES256).
pub struct ProofKey {
    pair: EcdsaKeyPair,
    rng: SystemRandom,
}

#[derive(Debug, thiserror::Error)]
#[error("could not make or use a DPoP key")]
pub struct ProofKeyError;

impl ProofKey {
    pub fn generate() -> Result<Self, ProofKeyError> {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
            .map_err(|_| ProofKeyError)?;
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng)
            .map_err(|_| ProofKeyError)?;
        Ok(Self { pair, rng })
    }

    /// The public half as a JWK, as a proof's header carries it.
    pub fn public_jwk(&self) -> Jwk {
        // An uncompressed point: 0x04, then x and y, 32 bytes each.
        let point = self.pair.public_key().as_ref();
        let (x, y) = point[1..].split_at(32);
        Jwk {
            common: CommonParameters::default(),
            algorithm: AlgorithmParameters::EllipticCurve(EllipticCurveKeyParameters {
                key_type: EllipticCurveKeyType::EC,
                curve: EllipticCurve::P256,
                x: URL_SAFE_NO_PAD.encode(x),
                y: URL_SAFE_NO_PAD.encode(y),
            }),
        }
    }

    /// The RFC 7638 thumbprint a token bound to this key carries (`cnf.jkt`).
    pub fn thumbprint(&self) -> String {
        self.public_jwk().thumbprint(ThumbprintHash::SHA256)
    }

    /// A proof for a `method` call to `url`, made now, with a fresh `jti`
    /// and, when it accompanies one, the access token's hash.
    pub fn proof(
        &self,
        method: &str,
        url: &str,
        access_token: Option<&str>,
    ) -> Result<String, ProofKeyError> {
        let mut jti = [0u8; 16];
        getrandom::getrandom(&mut jti).map_err(|_| ProofKeyError)?;
        let mut claims = json!({
            "jti": URL_SAFE_NO_PAD.encode(jti),
            "htm": method,
            "htu": url,
            "iat": crate::clock::unix_now(),
        });
        if let Some(token) = access_token {
            claims["ath"] = super::access_token_hash(token).into();
        }
        self.sign(&claims)
    }

    /// Signs `claims` under the header a proof has.
    pub fn sign(&self, claims: &Value) -> Result<String, ProofKeyError> {
        let header = json!({"typ": "dpop+jwt", "alg": "ES256", "jwk": self.public_jwk()});
        self.sign_with_header(header, claims)
    }

    /// Signs `claims` under any `header`: for tests of what a server must
    /// refuse.
    pub fn sign_with_header(&self, header: Value, claims: &Value) -> Result<String, ProofKeyError> {
        let signed = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let signature = self
            .pair
            .sign(&self.rng, signed.as_bytes())
            .map_err(|_| ProofKeyError)?;
        Ok(format!(
            "{signed}.{}",
            URL_SAFE_NO_PAD.encode(signature.as_ref())
        ))
    }
}
