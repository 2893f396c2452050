//! The cookie that carries the refresh token.
//!
//! `HttpOnly`: no script on the page can read it, so a script injected into
//! the page can't take the long-lived credential away (the access token in
//! localStorage, which it can read, lasts minutes). `SameSite=Strict` and
//! the path keep the browser from sending it anywhere but the refresh
//! endpoints, and never on a request another site starts.

use super::RefreshToken;
use axum::http::{HeaderMap, HeaderValue, header::COOKIE};
use cookie::{Cookie, SameSite};
use std::time::Duration;

pub const COOKIE_NAME: &str = "photo_spots_refresh";
/// The only path the browser sends the cookie to: `POST /api/refresh` and
/// `POST /api/refresh/logout`.
pub const COOKIE_PATH: &str = crate::wire::REFRESH_PATH;

/// `Set-Cookie` handing `token` to the browser for `max_age`.
pub fn set_cookie(token: &RefreshToken, max_age: Duration, secure: bool) -> HeaderValue {
    cookie_header(token.as_str(), max_age, secure)
}

/// `Set-Cookie` telling the browser to forget the cookie.
pub fn clear_cookie(secure: bool) -> HeaderValue {
    cookie_header("", Duration::ZERO, secure)
}

fn cookie_header(value: &str, max_age: Duration, secure: bool) -> HeaderValue {
    let max_age = cookie::time::Duration::try_from(max_age).unwrap_or(cookie::time::Duration::MAX);
    let cookie = Cookie::build((COOKIE_NAME, value))
        .path(COOKIE_PATH)
        .max_age(max_age)
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .build();
    // Only base64url characters and fixed text: always a valid header.
    HeaderValue::from_str(&cookie.to_string()).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The refresh token in the request's cookies, if there is one of the
/// right shape.
pub fn from_headers(headers: &HeaderMap) -> Option<RefreshToken> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|cookie| cookie.name() == COOKIE_NAME)
        .and_then(|cookie| RefreshToken::parse(cookie.value()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cookies(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(COOKIE, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn the_cookie_is_http_only_strict_and_scoped_to_the_refresh_path() {
        let token = RefreshToken::generate().unwrap();
        let header = set_cookie(&token, Duration::from_secs(2_592_000), true);
        let header = header.to_str().unwrap();
        assert!(header.starts_with(&format!("{COOKIE_NAME}={}", token.as_str())));
        for attribute in [
            "Path=/api/refresh",
            "Max-Age=2592000",
            "HttpOnly",
            "SameSite=Strict",
            "Secure",
        ] {
            assert!(header.contains(attribute), "{attribute} in {header}");
        }
        let plain_http = set_cookie(&token, Duration::from_secs(60), false);
        assert!(!plain_http.to_str().unwrap().contains("Secure"));
    }

    #[test]
    fn clearing_empties_the_cookie_at_once() {
        let header = clear_cookie(true);
        let header = header.to_str().unwrap();
        assert!(header.starts_with(&format!("{COOKIE_NAME}=;")));
        assert!(header.contains("Max-Age=0"));
        assert!(header.contains("Path=/api/refresh"));
    }

    #[test]
    fn the_token_is_found_among_other_cookies() {
        let token = RefreshToken::generate().unwrap();
        let headers = cookies(&format!(
            "theme=dark; {COOKIE_NAME}={}; x=1",
            token.as_str()
        ));
        assert_eq!(from_headers(&headers), Some(token));
        assert_eq!(from_headers(&cookies("theme=dark")), None);
        assert_eq!(
            from_headers(&cookies(&format!("{COOKIE_NAME}=not-a-token"))),
            None
        );
        assert_eq!(from_headers(&HeaderMap::new()), None);
    }
}
