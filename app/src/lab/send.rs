//! Sends a forged token to the real API, exactly as any client would, and
//! brings back the answer. The stored token is neither used nor touched:
//! these calls do not go through the session's client, so a refusal here
//! ends nothing.

use super::Answer;

/// `POST /api/me`: who does the server think this token is?
pub async fn to_me(token: &str) -> Answer {
    call("POST", "/api/me", "POST /api/me", token).await
}

/// `GET /api/admin/spots`: an admin-only call.
pub async fn to_admin(token: &str) -> Answer {
    call("GET", "/api/admin/spots", "GET /api/admin/spots", token).await
}

/// `POST /api/me` with exactly `headers` (a stolen token presented some
/// way, with or without a proof), as another device would send it.
pub async fn to_me_with(headers: Vec<(&'static str, String)>) -> Answer {
    call_with("POST", "/api/me", "POST /api/me", headers).await
}

/// Presents the (forged) token as the page presents its real one: a token
/// that names a key goes as `DPoP`, with a proof by this browser's key, so
/// the server judges the forgery and not a missing proof.
async fn call(method: &str, url: &str, endpoint: &'static str, token: &str) -> Answer {
    let headers = crate::client::dpop::authorization(method, url, Some(token)).await;
    call_with(method, url, endpoint, headers).await
}

async fn call_with(
    method: &str,
    url: &str,
    endpoint: &'static str,
    headers: Vec<(&'static str, String)>,
) -> Answer {
    #[cfg(feature = "hydrate")]
    {
        use gloo_net::http::{Method, RequestBuilder};
        let mut request = RequestBuilder::new(url).method(if method == "POST" {
            Method::POST
        } else {
            Method::GET
        });
        for (name, value) in &headers {
            request = request.header(name, value);
        }
        let sent = if method == "POST" {
            match request
                .header("Content-Type", "application/json")
                .body("{}")
            {
                Ok(request) => request.send().await,
                Err(error) => Err(error),
            }
        } else {
            request.send().await
        };
        let Ok(response) = sent else {
            return unanswered(endpoint);
        };
        let status = response.status();
        let body: serde_json::Value = response.json().await.unwrap_or_default();
        let field = |name: &str| body.get(name).and_then(|v| v.as_str()).map(str::to_owned);
        Answer {
            endpoint,
            status,
            code: field("error").unwrap_or_else(|| "ok".into()),
            message: field("message").unwrap_or_default(),
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (method, url, headers);
        unanswered(endpoint)
    }
}

fn unanswered(endpoint: &'static str) -> Answer {
    Answer {
        endpoint,
        status: 0,
        code: "network".into(),
        message: crate::error::ApiError::Network.to_string(),
    }
}
