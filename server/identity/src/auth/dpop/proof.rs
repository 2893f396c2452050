//! One DPoP proof checked against the request it came with: every check of
//! RFC 9449 §4.3 but the replay one (see `replay`).

use super::ALGORITHM;
use crate::error::DpopProblem;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, ThumbprintHash};
use ring::signature::{ECDSA_P256_SHA256_FIXED, UnparsedPublicKey};
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// How old a proof may be (its `iat`, by the browser's clock). A proof is
/// used within a second of being made; the window is for devices whose
/// clock is a few minutes off (as common as it is harmless), and a proof
/// can't be used twice within it anyway (the replay cache).
pub const MAX_AGE_SECONDS: u64 = 300;
/// How far ahead of this server's clock a proof's `iat` may be.
pub const MAX_AHEAD_SECONDS: u64 = 300;
/// A P-256 proof is about 600 bytes; anything far larger is not one.
const MAX_PROOF_BYTES: usize = 2048;
/// Longest accepted `jti` (the browser sends 22 characters).
const MAX_JTI_BYTES: usize = 128;
/// Members only a private JWK has (RFC 7517/7518): a proof's key must be public.
const PRIVATE_MEMBERS: [&str; 8] = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/// The request a proof must describe.
pub struct ProofCheck<'a> {
    pub method: &'a str,
    /// The endpoint's public URL (the configured origin and the path).
    pub url: &'a url::Url,
    /// The access token it accompanies; `None` at login and refresh.
    pub access_token: Option<&'a str>,
    /// Seconds since the Unix epoch.
    pub now: u64,
}

/// A proof that checked out: which key made it (its RFC 7638 thumbprint,
/// what a bound token's `cnf.jkt` names) and its id, for the replay cache.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedProof {
    pub jkt: String,
    pub jti: String,
    pub iat: u64,
}

#[derive(Deserialize)]
struct ProofHeader {
    typ: String,
    alg: String,
    jwk: serde_json::Map<String, serde_json::Value>,
}

#[derive(Deserialize)]
struct ProofClaims {
    jti: String,
    htm: String,
    htu: String,
    iat: u64,
    #[serde(default)]
    ath: Option<String>,
}

/// Checks `proof` against `check`: its header (`typ`, `alg` ES256, a public
/// P-256 `jwk`), its signature by that key, and its claims (`htm`, `htu`,
/// `iat`, `jti`, `ath`).
pub fn verify(proof: &str, check: &ProofCheck) -> Result<VerifiedProof, DpopProblem> {
    if proof.len() > MAX_PROOF_BYTES {
        return Err(DpopProblem::Invalid);
    }
    let (signed, signature) = proof.rsplit_once('.').ok_or(DpopProblem::Invalid)?;
    let (header, payload) = signed.split_once('.').ok_or(DpopProblem::Invalid)?;
    let (jwk, point) = public_key_in_header(header)?;
    check_signature(&point, signed, signature)?;
    let claims: ProofClaims =
        serde_json::from_slice(&base64url(payload)?).map_err(|_| DpopProblem::Invalid)?;
    check_claims(&claims, check)?;
    Ok(VerifiedProof {
        jkt: jwk.thumbprint(ThumbprintHash::SHA256),
        jti: claims.jti,
        iat: claims.iat,
    })
}

/// The header's key, once the header is what a DPoP proof's must be: as a
/// JWK (for its thumbprint) and as the uncompressed SEC1 point ring checks
/// the signature with. The algorithm is fixed here, never taken from the
/// proof: `none`, HS256 with the public key as the secret, and every other
/// are refused.
fn public_key_in_header(header: &str) -> Result<(Jwk, Vec<u8>), DpopProblem> {
    let header: ProofHeader =
        serde_json::from_slice(&base64url(header)?).map_err(|_| DpopProblem::Invalid)?;
    if header.typ != "dpop+jwt" || header.alg != ALGORITHM {
        return Err(DpopProblem::Invalid);
    }
    if PRIVATE_MEMBERS
        .iter()
        .any(|member| header.jwk.contains_key(*member))
    {
        return Err(DpopProblem::PrivateKey);
    }
    let jwk: Jwk = serde_json::from_value(serde_json::Value::Object(header.jwk))
        .map_err(|_| DpopProblem::Invalid)?;
    let AlgorithmParameters::EllipticCurve(ec) = &jwk.algorithm else {
        return Err(DpopProblem::Invalid);
    };
    let (x, y) = (base64url(&ec.x)?, base64url(&ec.y)?);
    if ec.curve != EllipticCurve::P256 || x.len() != 32 || y.len() != 32 {
        return Err(DpopProblem::Invalid);
    }
    // Whether the point is on the curve is ring's check, with the signature.
    let point = [&[0x04][..], &x, &y].concat();
    Ok((jwk, point))
}

/// ES256 (RFC 7518 §3.4): an ECDSA P-256 signature over `header.payload`,
/// as the 64 bytes r ‖ s. Checked with ring, whose P-256 is about six times
/// faster than the pure-Rust one behind `jsonwebtoken`'s `rust_crypto`
/// backend (BENCHMARKS.md), and runs on every DPoP call.
fn check_signature(point: &[u8], signed: &str, signature: &str) -> Result<(), DpopProblem> {
    UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, point)
        .verify(signed.as_bytes(), &base64url(signature)?)
        .map_err(|_| DpopProblem::Invalid)
}

fn base64url(text: &str) -> Result<Vec<u8>, DpopProblem> {
    URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|_| DpopProblem::Invalid)
}

fn check_claims(claims: &ProofClaims, check: &ProofCheck) -> Result<(), DpopProblem> {
    if claims.jti.is_empty() || claims.jti.len() > MAX_JTI_BYTES {
        return Err(DpopProblem::Invalid);
    }
    if claims.htm != check.method || !same_endpoint(&claims.htu, check.url) {
        return Err(DpopProblem::WrongRequest);
    }
    let too_old = claims.iat.saturating_add(MAX_AGE_SECONDS) < check.now;
    let ahead = claims.iat > check.now.saturating_add(MAX_AHEAD_SECONDS);
    if too_old || ahead {
        return Err(DpopProblem::Stale);
    }
    match (check.access_token, &claims.ath) {
        (None, _) => Ok(()),
        (Some(token), Some(ath)) if *ath == access_token_hash(token) => Ok(()),
        (Some(_), _) => Err(DpopProblem::WrongToken),
    }
}

/// Whether `htu` names `url`, compared as URLs (scheme and host are
/// case-insensitive, a default port may be left out) and without the query
/// and fragment, as §4.3 says.
fn same_endpoint(htu: &str, url: &url::Url) -> bool {
    let Ok(mut htu) = url::Url::parse(htu) else {
        return false;
    };
    htu.set_query(None);
    htu.set_fragment(None);
    let mut expected = url.clone();
    expected.set_query(None);
    expected.set_fragment(None);
    htu == expected
}

/// `ath`: the base64url SHA-256 of the access token a proof accompanies.
pub fn access_token_hash(token: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::super::ProofKey;
    use super::*;
    use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
    use serde_json::{Value, json};

    const NOW: u64 = 1_800_000_000;
    const TOKEN: &str = "header.payload.signature";

    fn url() -> url::Url {
        url::Url::parse("https://photos.example/api/me").unwrap()
    }

    fn check<'a>(url: &'a url::Url, token: Option<&'a str>) -> ProofCheck<'a> {
        ProofCheck {
            method: "POST",
            url,
            access_token: token,
            now: NOW,
        }
    }

    fn claims() -> Value {
        json!({"jti": "j1", "htm": "POST", "htu": "https://photos.example/api/me",
               "iat": NOW, "ath": access_token_hash(TOKEN)})
    }

    fn refused_with(proof: &str, problem: DpopProblem) {
        let url = url();
        assert_eq!(
            verify(proof, &check(&url, Some(TOKEN))),
            Err(problem),
            "{proof}"
        );
    }

    #[test]
    fn a_proof_for_this_request_is_accepted_and_names_its_key() {
        let key = ProofKey::generate().unwrap();
        let proof = key.sign(&claims()).unwrap();
        let url = url();
        let verified = verify(&proof, &check(&url, Some(TOKEN))).unwrap();
        assert_eq!(verified.jkt, key.thumbprint());
        assert_eq!(verified.jti, "j1");
    }

    #[test]
    fn a_proof_may_name_the_url_with_a_query_and_another_case_of_host() {
        let key = ProofKey::generate().unwrap();
        let mut claims = claims();
        claims["htu"] = "HTTPS://Photos.Example:443/api/me?x=1#top".into();
        let url = url();
        assert!(verify(&key.sign(&claims).unwrap(), &check(&url, Some(TOKEN))).is_ok());
    }

    #[test]
    fn another_method_or_url_is_refused() {
        let key = ProofKey::generate().unwrap();
        for (name, value) in [
            ("htm", "GET"),
            ("htm", "post"),
            ("htu", "https://photos.example/api/update_name"),
            ("htu", "https://evil.example/api/me"),
            ("htu", "http://photos.example/api/me"),
            ("htu", "not a url"),
        ] {
            let mut claims = claims();
            claims[name] = value.into();
            refused_with(&key.sign(&claims).unwrap(), DpopProblem::WrongRequest);
        }
    }

    #[test]
    fn a_proof_too_old_or_from_the_future_is_refused() {
        let key = ProofKey::generate().unwrap();
        for iat in [NOW - MAX_AGE_SECONDS - 1, NOW + MAX_AHEAD_SECONDS + 1, 0] {
            let mut claims = claims();
            claims["iat"] = iat.into();
            refused_with(&key.sign(&claims).unwrap(), DpopProblem::Stale);
        }
    }

    #[test]
    fn the_hash_of_another_token_or_none_is_refused() {
        let key = ProofKey::generate().unwrap();
        let mut other = claims();
        other["ath"] = access_token_hash("another.token.here").into();
        refused_with(&key.sign(&other).unwrap(), DpopProblem::WrongToken);
        let mut none = claims();
        none.as_object_mut().unwrap().remove("ath");
        refused_with(&key.sign(&none).unwrap(), DpopProblem::WrongToken);
    }

    #[test]
    fn a_key_with_private_members_is_refused() {
        let key = ProofKey::generate().unwrap();
        let mut jwk = serde_json::to_value(key.public_jwk()).unwrap();
        jwk["d"] = "c2VjcmV0".into();
        let proof = key.sign_with_header(
            json!({"typ": "dpop+jwt", "alg": "ES256", "jwk": jwk}),
            &claims(),
        );
        refused_with(&proof.unwrap(), DpopProblem::PrivateKey);
    }

    #[test]
    fn a_signature_by_another_key_than_the_header_names_is_refused() {
        let (key, other) = (ProofKey::generate().unwrap(), ProofKey::generate().unwrap());
        let header = json!({"typ": "dpop+jwt", "alg": "ES256", "jwk": other.public_jwk()});
        refused_with(
            &key.sign_with_header(header, &claims()).unwrap(),
            DpopProblem::Invalid,
        );
    }

    #[test]
    fn unsigned_and_hmac_proofs_are_refused() {
        let key = ProofKey::generate().unwrap();
        let jwk = serde_json::to_value(key.public_jwk()).unwrap();
        let b64 = |value: &Value| URL_SAFE_NO_PAD.encode(value.to_string());
        let none = json!({"typ": "dpop+jwt", "alg": "none", "jwk": jwk});
        refused_with(
            &format!("{}.{}.", b64(&none), b64(&claims())),
            DpopProblem::Invalid,
        );
        // HS256 with the public key's JSON as the secret: a verifier that
        // let the proof pick its algorithm would accept this.
        let mut header = Header::new(Algorithm::HS256);
        header.typ = Some("dpop+jwt".into());
        header.jwk = Some(key.public_jwk());
        let secret = EncodingKey::from_secret(jwk.to_string().as_bytes());
        refused_with(
            &encode(&header, &claims(), &secret).unwrap(),
            DpopProblem::Invalid,
        );
    }

    #[test]
    fn a_proof_without_its_typ_or_key_is_refused() {
        let key = ProofKey::generate().unwrap();
        let jwk = key.public_jwk();
        for header in [
            json!({"typ": "JWT", "alg": "ES256", "jwk": jwk}),
            json!({"alg": "ES256", "jwk": jwk}),
            json!({"typ": "dpop+jwt", "alg": "ES256"}),
            json!({"typ": "dpop+jwt", "alg": "ES256", "jwk": "a key"}),
        ] {
            refused_with(
                &key.sign_with_header(header, &claims()).unwrap(),
                DpopProblem::Invalid,
            );
        }
    }

    #[test]
    fn a_key_off_the_curve_or_of_the_wrong_size_is_refused() {
        let key = ProofKey::generate().unwrap();
        let jwk = serde_json::to_value(key.public_jwk()).unwrap();
        let y = URL_SAFE_NO_PAD.decode(jwk["y"].as_str().unwrap()).unwrap();
        let mut moved = y.clone();
        moved[31] ^= 1;
        for bad_y in [moved, y[..31].to_vec(), [&y[..], &[0]].concat()] {
            let mut bad = jwk.clone();
            bad["y"] = URL_SAFE_NO_PAD.encode(bad_y).into();
            let header = json!({"typ": "dpop+jwt", "alg": "ES256", "jwk": bad});
            refused_with(
                &key.sign_with_header(header, &claims()).unwrap(),
                DpopProblem::Invalid,
            );
        }
    }

    #[test]
    fn garbage_is_refused_without_a_panic() {
        for garbage in [
            "",
            ".",
            "..",
            "a.b.c",
            "a.b.c.d",
            "e30.e30.",
            &"a".repeat(5000),
        ] {
            refused_with(garbage, DpopProblem::Invalid);
        }
    }

    #[test]
    fn the_edges_of_the_time_window_are_accepted() {
        let key = ProofKey::generate().unwrap();
        let url = url();
        for iat in [NOW - MAX_AGE_SECONDS, NOW + MAX_AHEAD_SECONDS] {
            let mut claims = claims();
            claims["iat"] = iat.into();
            let proof = key.sign(&claims).unwrap();
            assert!(
                verify(&proof, &check(&url, Some(TOKEN))).is_ok(),
                "iat {iat}"
            );
        }
    }

    #[test]
    fn a_proof_id_must_be_there_and_short() {
        let key = ProofKey::generate().unwrap();
        let url = url();
        let mut longest = claims();
        longest["jti"] = "j".repeat(MAX_JTI_BYTES).into();
        assert!(verify(&key.sign(&longest).unwrap(), &check(&url, Some(TOKEN))).is_ok());
        for jti in [String::new(), "j".repeat(MAX_JTI_BYTES + 1)] {
            let mut claims = claims();
            claims["jti"] = jti.into();
            refused_with(&key.sign(&claims).unwrap(), DpopProblem::Invalid);
        }
    }

    #[test]
    fn a_key_that_says_another_curve_is_refused_even_with_p256_sized_coordinates() {
        let key = ProofKey::generate().unwrap();
        let mut jwk = serde_json::to_value(key.public_jwk()).unwrap();
        jwk["crv"] = "P-384".into();
        let header = json!({"typ": "dpop+jwt", "alg": "ES256", "jwk": jwk});
        refused_with(
            &key.sign_with_header(header, &claims()).unwrap(),
            DpopProblem::Invalid,
        );
    }

    #[test]
    fn a_proof_of_the_largest_size_is_read_and_a_longer_one_is_not() {
        let key = ProofKey::generate().unwrap();
        let url = url();
        let sized = |padding: usize| {
            let mut claims = claims();
            claims["pad"] = "p".repeat(padding).into();
            key.sign(&claims).unwrap()
        };
        let padding = (0..MAX_PROOF_BYTES)
            .find(|&padding| sized(padding).len() == MAX_PROOF_BYTES)
            .expect("some padding gives a proof of exactly the limit");
        assert!(verify(&sized(padding), &check(&url, Some(TOKEN))).is_ok());
        // One more byte of payload is at least one more character of base64url.
        let longer = sized(padding + 1);
        assert!(longer.len() > MAX_PROOF_BYTES);
        refused_with(&longer, DpopProblem::Invalid);
    }
}
