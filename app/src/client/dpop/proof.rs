//! A DPoP proof made by WebCrypto: `{"typ":"dpop+jwt","alg":"ES256","jwk":…}`
//! over `{"jti","htm","htu","iat","ath"}`, signed with the stored key.

use base64ct::{Base64UrlUnpadded, Encoding};
use js_sys::{Object, Reflect, Uint8Array};
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::CryptoKey;

/// A proof for a `method` call to `url` (absolute or on this origin),
/// accompanying `token`; `None` if this browser holds no key (or can't sign).
pub async fn make(method: &str, url: &str, token: Option<&str>) -> Option<String> {
    made(method.to_owned(), url.to_owned(), token.map(str::to_owned)).await
}

/// [`make`], in a wasm file of its own (`cargo leptos --split`), fetched
/// with the first proof: a visit without a session (the login page, a
/// spot) never downloads the signing code.
#[leptos::lazy]
async fn made(method: String, url: String, token: Option<String>) -> Option<String> {
    let pair = super::key_store::load().await.ok()??;
    match sign_proof(&pair, &method, &url, token.as_deref()).await {
        Ok(proof) => Some(proof),
        Err(error) => {
            leptos::logging::warn!("could not make a DPoP proof: {error:?}");
            None
        }
    }
}

/// A proof by a key made for this one proof and thrown away: what another
/// device, holding a copied token but not this browser's key, could send.
pub async fn with_throwaway_key(method: &str, url: &str, token: Option<&str>) -> Option<String> {
    let pair = super::key_store::generate()
        .await
        .ok()?
        .dyn_into::<Object>()
        .ok()?;
    sign_proof(&pair, method, url, token).await.ok()
}

async fn sign_proof(
    pair: &Object,
    method: &str,
    url: &str,
    token: Option<&str>,
) -> Result<String, JsValue> {
    let subtle = subtle()?;
    let private: CryptoKey = Reflect::get(pair, &"privateKey".into())?.dyn_into()?;
    let public: CryptoKey = Reflect::get(pair, &"publicKey".into())?.dyn_into()?;
    let jwk = JsFuture::from(subtle.export_key("jwk", &public)?).await?;
    let member = |name: &str| {
        Reflect::get(&jwk, &name.into())?
            .as_string()
            .ok_or_else(|| JsValue::from_str("the exported key has no coordinates"))
    };
    // Only the members RFC 7638 hashes: the server's thumbprint is the same.
    let header = ProofHeader {
        typ: "dpop+jwt",
        alg: "ES256",
        jwk: PublicJwk {
            kty: "EC",
            crv: "P-256",
            x: member("x")?,
            y: member("y")?,
        },
    };
    let mut claims = ProofClaims {
        jti: random_id()?,
        htm: method,
        htu: endpoint(url)?,
        iat: (js_sys::Date::now() / 1000.0).floor() as u64,
        ath: None,
    };
    if let Some(token) = token {
        let digest = subtle.digest_with_str_and_u8_array("SHA-256", token.as_bytes())?;
        let digest = Uint8Array::new(&JsFuture::from(digest).await?).to_vec();
        claims.ath = Some(Base64UrlUnpadded::encode_string(&digest));
    }
    let signed = format!(
        "{}.{}",
        Base64UrlUnpadded::encode_string(json(&header)?.as_bytes()),
        Base64UrlUnpadded::encode_string(json(&claims)?.as_bytes())
    );
    let algorithm = Object::new();
    Reflect::set(&algorithm, &"name".into(), &"ECDSA".into())?;
    Reflect::set(&algorithm, &"hash".into(), &"SHA-256".into())?;
    // WebCrypto's ECDSA signature is r‖s, 64 bytes: exactly what JWS wants.
    let signature =
        subtle.sign_with_object_and_u8_array(&algorithm, &private, signed.as_bytes())?;
    let signature = Uint8Array::new(&JsFuture::from(signature).await?).to_vec();
    Ok(format!(
        "{signed}.{}",
        Base64UrlUnpadded::encode_string(&signature)
    ))
}

// Typed rather than `serde_json::json!`: every page carries this code, and
// a `Value` would bring its map and serializer along.
#[derive(Serialize)]
struct ProofHeader {
    typ: &'static str,
    alg: &'static str,
    jwk: PublicJwk,
}

#[derive(Serialize)]
struct PublicJwk {
    kty: &'static str,
    crv: &'static str,
    x: String,
    y: String,
}

#[derive(Serialize)]
struct ProofClaims<'a> {
    jti: String,
    htm: &'a str,
    htu: String,
    iat: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    ath: Option<String>,
}

fn json(value: &impl Serialize) -> Result<String, JsValue> {
    serde_json::to_string(value).map_err(|_| JsValue::from_str("could not write the proof"))
}

/// `url` resolved against this page, without its query and fragment (`htu`).
fn endpoint(url: &str) -> Result<String, JsValue> {
    let base = web_sys::window().ok_or(JsValue::NULL)?.location().href()?;
    let url = web_sys::Url::new_with_base(url, &base)?;
    Ok(format!("{}{}", url.origin(), url.pathname()))
}

/// 16 random bytes, base64url: unique per proof.
fn random_id() -> Result<String, JsValue> {
    let mut bytes = [0u8; 16];
    web_sys::window()
        .ok_or(JsValue::NULL)?
        .crypto()?
        .get_random_values_with_u8_array(&mut bytes)?;
    Ok(Base64UrlUnpadded::encode_string(&bytes))
}

pub fn subtle() -> Result<web_sys::SubtleCrypto, JsValue> {
    Ok(web_sys::window().ok_or(JsValue::NULL)?.crypto()?.subtle())
}
