//! The browser's own WebAuthn dialog, from Rust: the server's options go
//! through `PublicKeyCredential.parseCreationOptionsFromJSON` /
//! `parseRequestOptionsFromJSON`, the credential comes back through its
//! `toJSON()`, so no base64 or CBOR is handled here. Called through
//! `Reflect`, so the wasm needs no WebAuthn bindings; the JSON is handed
//! over as text (`RawValue`), so the login page carries no JSON tree
//! (`serde_json::Value`) either.

use crate::error::ApiError;
use js_sys::{Function, JSON, Object, Promise, Reflect};
use serde_json::value::RawValue;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// `navigator.credentials.create({publicKey})`, with `options` as the
/// server wrote them: the new credential's JSON.
pub async fn create(options: &RawValue) -> Result<Box<RawValue>, ApiError> {
    let options = parse("parseCreationOptionsFromJSON", options)?;
    credentials_call("create", &options, None, None).await
}

/// `navigator.credentials.get({publicKey, mediation, signal})`: the
/// assertion's JSON. `conditional`: the browser offers the passkeys in the
/// username field's autofill and waits until one is picked (or `signal`
/// aborts).
pub async fn get(
    options: &RawValue,
    conditional: bool,
    signal: Option<&web_sys::AbortSignal>,
) -> Result<Box<RawValue>, ApiError> {
    let options = parse("parseRequestOptionsFromJSON", options)?;
    let mediation = conditional.then_some("conditional");
    credentials_call("get", &options, mediation, signal).await
}

/// Whether this browser offers passkeys in autofill.
pub async fn conditional_mediation_available() -> bool {
    let Ok(class) = public_key_credential() else {
        return false;
    };
    let Ok(check) = method(&class, "isConditionalMediationAvailable") else {
        return false;
    };
    let Ok(promise) = check.call0(&class).and_then(|p| p.dyn_into::<Promise>()) else {
        return false;
    };
    JsFuture::from(promise)
        .await
        .is_ok_and(|available| available.as_bool() == Some(true))
}

fn public_key_credential() -> Result<JsValue, ApiError> {
    let class = Reflect::get(&js_sys::global(), &"PublicKeyCredential".into())
        .map_err(|_| ApiError::PasskeysUnsupported)?;
    if class.is_undefined() {
        return Err(ApiError::PasskeysUnsupported);
    }
    Ok(class)
}

fn method(target: &JsValue, name: &str) -> Result<Function, ApiError> {
    Reflect::get(target, &name.into())
        .ok()
        .and_then(|value| value.dyn_into::<Function>().ok())
        .ok_or(ApiError::PasskeysUnsupported)
}

/// `PublicKeyCredential[parser](options.publicKey)`.
fn parse(parser: &str, options: &RawValue) -> Result<JsValue, ApiError> {
    let class = public_key_credential()?;
    let options = JSON::parse(options.get()).map_err(|_| ApiError::Internal)?;
    let public_key = Reflect::get(&options, &"publicKey".into()).map_err(|_| ApiError::Internal)?;
    method(&class, parser)?
        .call1(&class, &public_key)
        .map_err(|_| ApiError::PasskeysUnsupported)
}

async fn credentials_call(
    name: &str,
    public_key: &JsValue,
    mediation: Option<&str>,
    signal: Option<&web_sys::AbortSignal>,
) -> Result<Box<RawValue>, ApiError> {
    let navigator = Reflect::get(&js_sys::global(), &"navigator".into())
        .map_err(|_| ApiError::PasskeysUnsupported)?;
    let credentials = Reflect::get(&navigator, &"credentials".into())
        .map_err(|_| ApiError::PasskeysUnsupported)?;
    let options = Object::new();
    let set = |key: &str, value: &JsValue| Reflect::set(&options, &key.into(), value);
    set("publicKey", public_key).map_err(|_| ApiError::Internal)?;
    if let Some(mediation) = mediation {
        set("mediation", &mediation.into()).map_err(|_| ApiError::Internal)?;
    }
    if let Some(signal) = signal {
        set("signal", signal).map_err(|_| ApiError::Internal)?;
    }
    let promise = method(&credentials, name)?
        .call1(&credentials, &options)
        .and_then(|promise| promise.dyn_into::<Promise>())
        .map_err(|_| ApiError::PasskeysUnsupported)?;
    let credential = JsFuture::from(promise).await.map_err(refusal)?;
    if credential.is_null() {
        return Err(ApiError::PasskeyCancelled);
    }
    let json = method(&credential, "toJSON")?
        .call0(&credential)
        .and_then(|json| JSON::stringify(&json))
        .map_err(|_| ApiError::Internal)?;
    RawValue::from_string(String::from(json)).map_err(|_| ApiError::Internal)
}

/// What the browser's refusal means for the person (a `DOMException`'s name).
fn refusal(error: JsValue) -> ApiError {
    let name = Reflect::get(&error, &"name".into())
        .ok()
        .and_then(|name| name.as_string())
        .unwrap_or_default();
    match name.as_str() {
        // One of the person's passkeys is on this authenticator already.
        "InvalidStateError" => ApiError::PasskeyAlreadyRegistered,
        "NotSupportedError" | "SecurityError" => ApiError::PasskeysUnsupported,
        // Cancelled, timed out, not verified, or aborted by the page.
        _ => ApiError::PasskeyCancelled,
    }
}
