//! The signed-in person's account as a whole, from the browser: their data
//! to keep (`GET /api/account/export`, the favourites added here) and
//! deleting it (`DELETE /api/account`); see `server/src/account`.

use super::calls::{Body, send, send_unread};
use crate::error::ApiError;

/// Why the data could not be saved.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    #[error("{0}")]
    Api(#[from] ApiError),
    #[error(
        "The favourites service did not answer, so nothing was saved: the file would have \
         left your favourites out. Try again in a moment."
    )]
    Favorites,
    #[error("The browser would not save the file.")]
    Save,
}

/// Everything Photo Spots holds about the caller, with their favourites
/// (which the favourites service holds), saved as one JSON file. Returns
/// the file's name.
pub async fn download() -> Result<String, ExportError> {
    let mut export: serde_json::Value = send("GET", "/api/account/export", Body::None).await?;
    let favorites = super::favorites::list()
        .await
        .map_err(|_| ExportError::Favorites)?;
    export["favorites"] = serde_json::Value::from(favorites.into_iter().collect::<Vec<_>>());
    let username = export["profile"]["username"].as_str().unwrap_or("account");
    let day = crate::spots::civil_date(export["exported_at"].as_i64().unwrap_or_default());
    let file = format!("photo-spots-{username}-{day}.json");
    save(&file, &export.to_string()).map_err(|()| ExportError::Save)?;
    Ok(file)
}

/// Deletes the caller's account (after the step-up dialog, if the sign-in
/// is too old).
pub async fn delete() -> Result<(), ApiError> {
    send_unread("DELETE", "/api/account", Body::None).await
}

/// Offers `json` as a download named `file`.
fn save(file: &str, json: &str) -> Result<(), ()> {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(json));
        let options = web_sys::BlobPropertyBag::new();
        options.set_type("application/json");
        let blob =
            web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(drop)?;
        let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(drop)?;
        let link: web_sys::HtmlAnchorElement = web_sys::window()
            .and_then(|window| window.document())
            .and_then(|document| document.create_element("a").ok())
            .and_then(|element| element.dyn_into().ok())
            .ok_or(())?;
        link.set_href(&url);
        link.set_download(file);
        link.click();
        let _ = web_sys::Url::revoke_object_url(&url);
        Ok(())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (file, json);
        Err(())
    }
}
