//! The admin API, called from the browser with the stored token. The
//! server decides everything; these calls only carry the token and bring
//! back its answers (a refused token ends the session, as everywhere).

use crate::{
    error::ApiError,
    spots::{Spot, SpotInput},
};

/// Every spot, hidden ones included.
pub async fn list() -> Result<Vec<Spot>, ApiError> {
    #[derive(serde::Deserialize)]
    struct All {
        spots: Vec<Spot>,
    }
    let all: All = send("GET", "/api/admin/spots", Body::None).await?;
    Ok(all.spots)
}

/// Adds a spot (`input.slug` set) or edits the spot `editing`.
pub async fn save(editing: Option<String>, input: SpotInput) -> Result<Spot, ApiError> {
    let body = Body::Json(serde_json::to_string(&input).map_err(|_| ApiError::Internal)?);
    match editing {
        None => send("POST", "/api/admin/spots", body).await,
        Some(slug) => send("PUT", &format!("/api/admin/spots/{slug}"), body).await,
    }
}

pub async fn delete(slug: String) -> Result<(), ApiError> {
    send::<serde_json::Value>("DELETE", &format!("/api/admin/spots/{slug}"), Body::None)
        .await
        .map(drop)
}

/// Replaces the photo of `slug` with the file chosen in `input`.
#[cfg(feature = "hydrate")]
pub async fn upload_photo(slug: String, file: web_sys::File) -> Result<Spot, ApiError> {
    let form = web_sys::FormData::new().map_err(|_| ApiError::Internal)?;
    form.append_with_blob_and_filename("photo", &file, &file.name())
        .map_err(|_| ApiError::Internal)?;
    send(
        "PUT",
        &format!("/api/admin/spots/{slug}/photo"),
        Body::Form(form),
    )
    .await
}

// Only the browser sends requests; on the server the bodies go unread.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum Body {
    None,
    Json(String),
    #[cfg(feature = "hydrate")]
    Form(web_sys::FormData),
}

async fn send<T: serde::de::DeserializeOwned>(
    method: &str,
    url: &str,
    body: Body,
) -> Result<T, ApiError> {
    #[cfg(feature = "hydrate")]
    {
        use super::session::{end_session, with_fresh_token};
        let answer = with_fresh_token(
            |token| attempt(method, url, &body, token),
            |answer| matches!(answer, Err(ApiError::ExpiredToken)),
        )
        .await;
        if answer.as_ref().is_err_and(ApiError::ends_session) {
            end_session();
        }
        answer
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (method, url, body);
        Err(ApiError::Network)
    }
}

/// One request, and its answer decoded.
#[cfg(feature = "hydrate")]
async fn attempt<T: serde::de::DeserializeOwned>(
    method: &str,
    url: &str,
    body: &Body,
    token: Option<String>,
) -> Result<T, ApiError> {
    use gloo_net::http::{Method, RequestBuilder};
    let method = match method {
        "POST" => Method::POST,
        "PUT" => Method::PUT,
        "DELETE" => Method::DELETE,
        _ => Method::GET,
    };
    let mut request = RequestBuilder::new(url).method(method.clone());
    for (name, value) in super::dpop::authorization(method.as_str(), url, token.as_deref()).await {
        request = request.header(name, &value);
    }
    let request = match body {
        Body::None => request.build(),
        Body::Json(json) => request
            .header("Content-Type", "application/json")
            .body(json.as_str()),
        // The browser writes the multipart boundary into Content-Type.
        Body::Form(form) => request.body(form),
    }
    .map_err(|_| ApiError::Internal)?;
    super::http::send_json(request).await
}
