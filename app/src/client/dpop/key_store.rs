//! The DPoP key pair in IndexedDB (database `photo-spots`, store `dpop`,
//! one entry): structured clone keeps a non-extractable key
//! non-extractable, which localStorage (strings only) could not.

use js_sys::{Array, Object, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue, closure::Closure};
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbObjectStore, IdbRequest, IdbTransactionMode};

const DATABASE: &str = "photo-spots";
const STORE: &str = "dpop";
const ENTRY: &str = "key-pair";

/// The stored key pair (`{privateKey, publicKey}`), if there is one.
pub async fn load() -> Result<Option<Object>, JsValue> {
    let store = open_store(IdbTransactionMode::Readonly).await?;
    let found = finished(&store.get(&ENTRY.into())?).await?;
    Ok(found.dyn_into::<Object>().ok())
}

/// Makes a new non-extractable ECDSA P-256 key pair and stores it in place
/// of any earlier one.
pub async fn replace_with_new() -> Result<(), JsValue> {
    let pair = generate().await?;
    let store = open_store(IdbTransactionMode::Readwrite).await?;
    finished(&store.put_with_key(&pair, &ENTRY.into())?).await?;
    Ok(())
}

/// A new non-extractable ECDSA P-256 key pair, not stored.
pub async fn generate() -> Result<JsValue, JsValue> {
    let subtle = super::proof::subtle()?;
    let algorithm = Object::new();
    Reflect::set(&algorithm, &"name".into(), &"ECDSA".into())?;
    Reflect::set(&algorithm, &"namedCurve".into(), &"P-256".into())?;
    let usages = Array::of2(&"sign".into(), &"verify".into());
    JsFuture::from(subtle.generate_key_with_object(&algorithm, false, &usages)?).await
}

pub async fn delete() -> Result<(), JsValue> {
    let store = open_store(IdbTransactionMode::Readwrite).await?;
    finished(&store.delete(&ENTRY.into())?).await?;
    Ok(())
}

async fn open_store(mode: IdbTransactionMode) -> Result<IdbObjectStore, JsValue> {
    let factory = web_sys::window()
        .ok_or(JsValue::NULL)?
        .indexed_db()?
        .ok_or(JsValue::NULL)?;
    let opening = factory.open_with_u32(DATABASE, 1)?;
    // The first open (version 1) creates the store; kept alive until the
    // open finishes, which comes after the upgrade.
    let request = opening.clone();
    let upgrade = Closure::<dyn FnMut()>::new(move || {
        if let Ok(database) = request.result().and_then(|db| db.dyn_into::<IdbDatabase>()) {
            let _ = database.create_object_store(STORE);
        }
    });
    opening.set_onupgradeneeded(Some(upgrade.as_ref().unchecked_ref()));
    let database: IdbDatabase = finished(&opening).await?.dyn_into()?;
    drop(upgrade);
    database
        .transaction_with_str_and_mode(STORE, mode)?
        .object_store(STORE)
}

/// Waits for `request` to succeed (its result) or fail.
async fn finished(request: &IdbRequest) -> Result<JsValue, JsValue> {
    let done = Promise::new(&mut |resolve, reject| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
    });
    JsFuture::from(done).await?;
    request.result()
}
