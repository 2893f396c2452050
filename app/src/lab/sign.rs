//! "Sign it yourself": HMAC-SHA256 with the person's guess at the secret,
//! computed by the browser's own Web Crypto, as an attacker's script would.

/// The longest guess accepted (the real secret is 32 random bytes or more).
pub const MAX_GUESS_CHARS: usize = 256;

/// The base64url HS256 signature of `input` under `guess`.
pub async fn hs256(guess: &str, input: &str) -> Result<String, String> {
    if guess.is_empty() {
        return Err("Type a guess at the secret first.".into());
    }
    if guess.chars().count() > MAX_GUESS_CHARS {
        return Err(format!("Guesses are at most {MAX_GUESS_CHARS} characters."));
    }
    #[cfg(feature = "hydrate")]
    {
        use base64ct::{Base64UrlUnpadded, Encoding};
        let signature = web_crypto_hmac(guess.as_bytes(), input.as_bytes())
            .await
            .map_err(|_| "This browser could not sign (Web Crypto is unavailable).".to_owned())?;
        Ok(Base64UrlUnpadded::encode_string(&signature))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = input;
        Err("Signing happens in the browser.".into())
    }
}

#[cfg(feature = "hydrate")]
async fn web_crypto_hmac(key: &[u8], data: &[u8]) -> Result<Vec<u8>, wasm_bindgen::JsValue> {
    use js_sys::{Array, Object, Reflect, Uint8Array};
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;

    let subtle = web_sys::window()
        .ok_or(wasm_bindgen::JsValue::NULL)?
        .crypto()?
        .subtle();
    let algorithm = Object::new();
    Reflect::set(&algorithm, &"name".into(), &"HMAC".into())?;
    Reflect::set(&algorithm, &"hash".into(), &"SHA-256".into())?;
    let usages = Array::of1(&"sign".into());
    let imported =
        subtle.import_key_with_object("raw", &Uint8Array::from(key), &algorithm, false, &usages)?;
    let key: web_sys::CryptoKey = JsFuture::from(imported).await?.dyn_into()?;
    let signed = JsFuture::from(subtle.sign_with_str_and_u8_array("HMAC", &key, data)?).await?;
    Ok(Uint8Array::new(&signed).to_vec())
}
