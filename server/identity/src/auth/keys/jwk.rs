//! The JSON Web Key Set the main app publishes (RFC 7517, RFC 8037) and
//! other services read.

use super::ed25519::{KeyError, PublicKey};
use serde::{Deserialize, Serialize};

/// One public key as JSON: `{"kty":"OKP","crv":"Ed25519","x":…,"kid":…,"alg":"EdDSA","use":"sig"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicJwk {
    pub kty: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crv: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alg: Option<String>,
    #[serde(default, rename = "use", skip_serializing_if = "Option::is_none")]
    pub use_: Option<String>,
}

/// `{"keys":[…]}`. Unknown members of the set and of each key are ignored,
/// as RFC 7517 asks.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JwkSet {
    pub keys: Vec<PublicJwk>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum JwkError {
    #[error(
        "not an Ed25519 signing key for EdDSA (kty {kty:?}, crv {crv:?}, alg {alg:?}, use {use_:?})"
    )]
    NotEdDsa {
        kty: String,
        crv: Option<String>,
        alg: Option<String>,
        use_: Option<String>,
    },
    #[error("{0}")]
    Key(#[from] KeyError),
    #[error("the kid {given:?} is not the key's thumbprint {actual:?}")]
    KidMismatch { given: String, actual: String },
}

impl From<&PublicKey> for PublicJwk {
    fn from(key: &PublicKey) -> Self {
        Self {
            kty: "OKP".into(),
            crv: Some("Ed25519".into()),
            x: Some(key.x()),
            kid: Some(key.kid().to_owned()),
            alg: Some("EdDSA".into()),
            use_: Some("sig".into()),
        }
    }
}

impl PublicJwk {
    /// The key this JWK describes, if it is one we may verify Photo Spots
    /// tokens with: Ed25519, for signatures, and named by its own thumbprint.
    /// Everything else (RSA, HMAC `oct` keys, encryption keys) is refused,
    /// so nobody can slip an algorithm in through the key set.
    pub fn to_public_key(&self) -> Result<PublicKey, JwkError> {
        let is_eddsa = self.kty == "OKP"
            && self.crv.as_deref() == Some("Ed25519")
            && self.alg.as_deref().is_none_or(|alg| alg == "EdDSA")
            && self.use_.as_deref().is_none_or(|use_| use_ == "sig");
        if !is_eddsa {
            return Err(JwkError::NotEdDsa {
                kty: self.kty.clone(),
                crv: self.crv.clone(),
                alg: self.alg.clone(),
                use_: self.use_.clone(),
            });
        }
        let key = PublicKey::from_x(self.x.as_deref().unwrap_or_default())?;
        match &self.kid {
            Some(kid) if kid != key.kid() => Err(JwkError::KidMismatch {
                given: kid.clone(),
                actual: key.kid().to_owned(),
            }),
            _ => Ok(key),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::keys::PrivateKey;

    #[test]
    fn published_jwk_has_the_rfc_members() {
        let key = PrivateKey::generate().unwrap();
        let json = serde_json::to_value(PublicJwk::from(key.public())).unwrap();
        assert_eq!(json["kty"], "OKP");
        assert_eq!(json["crv"], "Ed25519");
        assert_eq!(json["alg"], "EdDSA");
        assert_eq!(json["use"], "sig");
        assert_eq!(json["kid"], key.kid());
        assert_eq!(json["x"].as_str().unwrap().len(), 43);
        assert!(
            json.get("d").is_none(),
            "the private part must never be published"
        );
    }

    #[test]
    fn a_published_jwk_reads_back_as_the_same_key() {
        let key = PrivateKey::generate().unwrap();
        let back = PublicJwk::from(key.public()).to_public_key().unwrap();
        assert_eq!(back.kid(), key.kid());
    }

    #[test]
    fn other_kinds_of_keys_are_refused() {
        let good = PublicJwk::from(PrivateKey::generate().unwrap().public());
        let edits: [fn(&mut PublicJwk); 5] = [
            |jwk| jwk.kty = "oct".into(),
            |jwk| jwk.crv = Some("X25519".into()),
            |jwk| jwk.alg = Some("HS256".into()),
            |jwk| jwk.use_ = Some("enc".into()),
            |jwk| jwk.kid = Some("someone-elses-kid".into()),
        ];
        for edit in edits {
            let mut jwk = good.clone();
            edit(&mut jwk);
            assert!(jwk.to_public_key().is_err(), "{jwk:?}");
        }
    }
}
