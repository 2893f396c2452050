//! The signed-in person's account as a whole, from the browser: their data
//! to keep (`GET /api/account/export`, the favourites added here) and
//! deleting it (`DELETE /api/account`); see `server/src/account`.

use super::calls::{Body, send_for_body, send_unread};
use crate::error::ApiError;

/// Why the data could not be saved.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    #[error("{0}")]
    Api(#[from] ApiError),
    #[error("The favourites service did not answer, so nothing was saved. Try again soon.")]
    Favorites,
    #[error("The browser would not save the file.")]
    Save,
}

/// Everything Photo Spots holds about the caller, with their favourites
/// (which the favourites service holds), saved as one JSON file. Returns
/// the file's name.
///
/// The export is handled as bytes: it is one JSON object, and the
/// favourites go in as its last member. Reading it into a
/// `serde_json::Value` would have brought a whole JSON tree's code (about
/// 20 KB) into the page.
pub async fn download() -> Result<String, ExportError> {
    #[derive(serde::Deserialize)]
    struct Export {
        exported_at: i64,
        profile: Profile,
    }
    #[derive(serde::Deserialize)]
    struct Profile {
        username: String,
    }
    let mut export = send_for_body("GET", "/api/account/export", Body::None).await?;
    let head: Export = super::http::decode(&export)?;
    let favorites = super::favorites::list()
        .await
        .map_err(|_| ExportError::Favorites)?;
    let favorites = serde_json::to_string(&favorites).map_err(|_| ApiError::Internal)?;
    let end = export
        .iter()
        .rposition(|byte| *byte == b'}')
        .ok_or(ApiError::Internal)?;
    export.truncate(end);
    export.extend_from_slice(b",\"favorites\":");
    export.extend_from_slice(favorites.as_bytes());
    export.push(b'}');
    let json = String::from_utf8(export).map_err(|_| ApiError::Internal)?;
    let day = crate::spots::civil_date(head.exported_at);
    let file = format!("photo-spots-{}-{day}.json", head.profile.username);
    save(&file, &json).map_err(|()| ExportError::Save)?;
    Ok(file)
}

/// Deletes the caller's account, `username` as they typed it to confirm
/// (the server checks it is theirs); after the step-up dialog, if the
/// sign-in is too old.
pub async fn delete(username: &str) -> Result<(), ApiError> {
    #[derive(serde::Serialize)]
    struct Confirmation<'a> {
        username: &'a str,
    }
    let body = serde_json::to_string(&Confirmation { username }).map_err(|_| ApiError::Internal)?;
    send_unread("DELETE", "/api/account", Body::Json(body)).await
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
