//! Refresh tokens over HTTP: the cookie, rotation, reuse detection, the
//! CSRF header, lifetimes, and every way a login ends.

use crate::common;

use common::{TestServer, answer};
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};
use std::time::Duration;

const COOKIE: &str = "photo_spots_refresh";
const CSRF: (&str, &str) = ("x-photo-spots-csrf", "1");

/// What a login hands a browser: the access token and the refresh cookie.
struct Login {
    token: String,
    /// The cookie's value (the refresh token).
    cookie: String,
    /// The whole `Set-Cookie` header, attributes and all.
    set_cookie: String,
}

/// The `Set-Cookie` header for the refresh cookie, if the answer has one.
fn refresh_set_cookie(response: &Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|value| value.starts_with(&format!("{COOKIE}=")))
        .map(str::to_owned)
}

fn cookie_value(set_cookie: &str) -> String {
    let pair = set_cookie.split(';').next().unwrap();
    pair.split_once('=').unwrap().1.to_owned()
}

fn attribute<'a>(set_cookie: &'a str, name: &str) -> Option<&'a str> {
    set_cookie
        .split(';')
        .map(str::trim)
        .find_map(|part| match part.split_once('=') {
            Some((key, value)) if key.eq_ignore_ascii_case(name) => Some(value),
            None if part.eq_ignore_ascii_case(name) => Some(""),
            _ => None,
        })
}

async fn into_login(response: Response) -> Login {
    let set_cookie = refresh_set_cookie(&response).expect("a refresh cookie");
    let (status, body) = answer(response).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    Login {
        token: body["token"].as_str().unwrap().to_owned(),
        cookie: cookie_value(&set_cookie),
        set_cookie,
    }
}

async fn login(server: &TestServer, username: &str) -> Login {
    into_login(
        server
            .login(username, &format!("{username}-password"))
            .await,
    )
    .await
}

/// `POST path` as the page sends it: the cookie and the CSRF header.
async fn with_cookie(server: &TestServer, path: &str, cookie: &str) -> Response {
    server
        .http
        .post(format!("{}{path}", server.base))
        .header("cookie", format!("{COOKIE}={cookie}"))
        .header(CSRF.0, CSRF.1)
        .send()
        .await
        .unwrap()
}

async fn refresh(server: &TestServer, cookie: &str) -> Response {
    with_cookie(server, "/api/refresh", cookie).await
}

async fn me(server: &TestServer, token: &str) -> StatusCode {
    server
        .post("/api/me", Some(token), json!({}))
        .await
        .status()
}

async fn assert_refused(response: Response) {
    let cleared = refresh_set_cookie(&response);
    let (status, body) = answer(response).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(body["error"], "invalid_refresh_token");
    assert_eq!(
        body["message"],
        "Your session is no longer valid. Please log in again."
    );
    let cleared = cleared.expect("a refused cookie is cleared");
    assert_eq!(attribute(&cleared, "Max-Age"), Some("0"));
}

#[tokio::test]
async fn login_sets_an_http_only_strict_cookie_scoped_to_the_refresh_path() {
    let server = TestServer::start().await;
    let Login {
        set_cookie,
        cookie,
        token,
    } = login(&server, "john").await;
    assert_eq!(attribute(&set_cookie, "Path"), Some("/api/refresh"));
    assert_eq!(attribute(&set_cookie, "HttpOnly"), Some(""));
    assert_eq!(attribute(&set_cookie, "SameSite"), Some("Strict"));
    let max_age: u64 = attribute(&set_cookie, "Max-Age").unwrap().parse().unwrap();
    assert!(
        (30 * 86_400 - 5..=30 * 86_400).contains(&max_age),
        "{max_age}"
    );
    // Tests run the development build over plain http: no `Secure` (a
    // production build sets it; see the config's tests).
    assert_eq!(attribute(&set_cookie, "Secure"), None);
    // 256 bits, opaque, and nowhere in the JSON a script reads.
    assert_eq!(cookie.len(), 43);
    assert!(!token.contains(&cookie));
}

#[tokio::test]
async fn signup_also_starts_a_login_with_a_refresh_cookie() {
    let server = TestServer::start().await;
    let body = json!({"username": "ansel", "password": "moonrise-hernandez", "name": "Ansel"});
    let signed_up = into_login(server.post("/api/signup", None, body).await).await;
    let renewed = into_login(refresh(&server, &signed_up.cookie).await).await;
    assert_eq!(me(&server, &renewed.token).await, StatusCode::OK);
}

#[tokio::test]
async fn refresh_rotates_the_refresh_token_and_issues_a_new_access_token() {
    let server = TestServer::start().await;
    let first = login(&server, "john").await;
    let second = into_login(refresh(&server, &first.cookie).await).await;
    assert_ne!(second.cookie, first.cookie, "a new refresh token");
    assert_ne!(second.token, first.token, "a new access token");
    assert_eq!(me(&server, &second.token).await, StatusCode::OK);
    let claims = server.tokens().verify(&second.token).unwrap();
    assert_eq!(claims.sub.get(), 120);
    assert_eq!(attribute(&second.set_cookie, "Path"), Some("/api/refresh"));
    // The successor renews in turn: a login can go on as long as it's used.
    let third = into_login(refresh(&server, &second.cookie).await).await;
    assert_eq!(me(&server, &third.token).await, StatusCode::OK);
}

#[tokio::test]
async fn a_password_login_says_pwd_in_amr_and_its_renewals_keep_it() {
    let server = TestServer::start().await;
    let first = login(&server, "john").await;
    let claims = server.tokens().verify(&first.token).unwrap();
    assert_eq!(claims.amr, app::domain::SignInMethod::Password);
    let payload = app::auth::TokenParts::decode(&first.token).unwrap().payload;
    let payload: Value = serde_json::from_str(&payload).unwrap();
    assert_eq!(payload["amr"], json!(["pwd"]), "{payload}");
    let renewed = into_login(refresh(&server, &first.cookie).await).await;
    let claims = server.tokens().verify(&renewed.token).unwrap();
    assert_eq!(claims.amr, app::domain::SignInMethod::Password);
}

#[tokio::test]
async fn a_spent_refresh_token_presented_again_revokes_its_whole_family() {
    let server = TestServer::start().await;
    let stolen = login(&server, "john").await;
    let elsewhere = login(&server, "john").await;
    let newest = into_login(refresh(&server, &stolen.cookie).await).await;
    // The copy is presented again (by a thief, or by the victim after the
    // thief renewed first): refused...
    assert_refused(refresh(&server, &stolen.cookie).await).await;
    // ...and the family's newest token, which the other holder has, too.
    assert_refused(refresh(&server, &newest.cookie).await).await;
    // John's other login (another device) is a different family.
    into_login(refresh(&server, &elsewhere.cookie).await).await;
}

#[tokio::test]
async fn refresh_needs_the_csrf_header_and_a_refusal_spends_nothing() {
    let server = TestServer::start().await;
    let john = login(&server, "john").await;
    let url = format!("{}/api/refresh", server.base);
    let cookie = format!("{COOKIE}={}", john.cookie);
    let no_header = server.http.post(&url).header("cookie", &cookie);
    let cross_site = server
        .http
        .post(&url)
        .header("cookie", &cookie)
        .header(CSRF.0, CSRF.1)
        .header("sec-fetch-site", "cross-site");
    for request in [no_header, cross_site] {
        let (status, body) = answer(request.send().await.unwrap()).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert_eq!(body["error"], "csrf_header_missing");
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .contains("X-Photo-Spots-CSRF")
        );
    }
    // The cookie was not spent: the page's own call still renews.
    into_login(refresh(&server, &john.cookie).await).await;
}

#[tokio::test]
async fn refresh_without_a_usable_cookie_is_refused() {
    let server = TestServer::start().await;
    let url = format!("{}/api/refresh", server.base);
    let response = server.http.post(&url).header(CSRF.0, CSRF.1).send().await;
    let (status, body) = answer(response.unwrap()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"], "missing_refresh_token");
    // Well-formed but never issued; and an access token in its place.
    let john = login(&server, "john").await;
    assert_refused(refresh(&server, &"A".repeat(43)).await).await;
    let (status, _) = answer(refresh(&server, &john.token).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // GET is not how it's called.
    let get = server.http.get(&url).header(CSRF.0, CSRF.1).send().await;
    assert_eq!(get.unwrap().status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn a_refresh_token_unused_past_its_sliding_end_is_refused() {
    let server = TestServer::start_with(&[
        ("REFRESH_TTL_SECONDS", "2"),
        ("REFRESH_MAX_AGE_SECONDS", "60"),
    ])
    .await;
    let john = login(&server, "john").await;
    assert_eq!(attribute(&john.set_cookie, "Max-Age"), Some("2"));
    tokio::time::sleep(Duration::from_millis(3_200)).await;
    assert_refused(refresh(&server, &john.cookie).await).await;
}

#[tokio::test]
async fn no_renewal_outlives_the_absolute_end_of_the_login() {
    let server = TestServer::start_with(&[
        ("REFRESH_TTL_SECONDS", "4"),
        ("REFRESH_MAX_AGE_SECONDS", "5"),
    ])
    .await;
    let mut cookie = login(&server, "john").await.cookie;
    // Renewed well inside every sliding window...
    for pause_ms in [1_000, 1_500] {
        tokio::time::sleep(Duration::from_millis(pause_ms)).await;
        cookie = into_login(refresh(&server, &cookie).await).await.cookie;
    }
    // ...yet five seconds after logging in, the login is over.
    tokio::time::sleep(Duration::from_millis(3_000)).await;
    assert_refused(refresh(&server, &cookie).await).await;
}

#[tokio::test]
async fn logout_revokes_this_login_and_clears_the_cookie() {
    let server = TestServer::start().await;
    let here = login(&server, "john").await;
    let elsewhere = login(&server, "john").await;
    let response = with_cookie(&server, "/api/refresh/logout", &here.cookie).await;
    let cleared = refresh_set_cookie(&response).expect("the cookie is cleared");
    assert_eq!(attribute(&cleared, "Max-Age"), Some("0"));
    assert_eq!(attribute(&cleared, "Path"), Some("/api/refresh"));
    let (status, body) = answer(response).await;
    assert_eq!((status, body), (StatusCode::OK, Value::Null));
    assert_refused(refresh(&server, &here.cookie).await).await;
    into_login(refresh(&server, &elsewhere.cookie).await).await;
    // Logging out again (or with no cookie) is not an error.
    let again = with_cookie(&server, "/api/refresh/logout", &here.cookie).await;
    assert_eq!(again.status(), StatusCode::OK);
    // It needs the CSRF header like the refresh itself.
    let forged = server
        .http
        .post(format!("{}/api/refresh/logout", server.base))
        .header("cookie", format!("{COOKIE}={}", elsewhere.cookie))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn logout_everywhere_revokes_every_refresh_token_of_the_user() {
    let server = TestServer::start().await;
    let phone = login(&server, "john").await;
    let laptop = login(&server, "john").await;
    let jack = login(&server, "jack").await;
    let response = server
        .post("/api/logout_all", Some(&laptop.token), json!({}))
        .await;
    let cleared = refresh_set_cookie(&response).expect("this device's cookie is cleared");
    assert_eq!(attribute(&cleared, "Max-Age"), Some("0"));
    assert_eq!(response.status(), StatusCode::OK);
    assert_refused(refresh(&server, &phone.cookie).await).await;
    assert_refused(refresh(&server, &laptop.cookie).await).await;
    // The access tokens end at once here, as before (token version).
    assert_eq!(me(&server, &phone.token).await, StatusCode::UNAUTHORIZED);
    into_login(refresh(&server, &jack.cookie).await).await;
}

#[tokio::test]
async fn a_password_change_ends_every_other_login_and_starts_a_new_one_here() {
    let server = TestServer::start().await;
    let phone = login(&server, "john").await;
    let laptop = login(&server, "john").await;
    let body = json!({"current_password": "john-password", "new_password": "a-brand-new-password"});
    let changed = server
        .post("/api/change_password", Some(&laptop.token), body)
        .await;
    let here = into_login(changed).await;
    assert_refused(refresh(&server, &phone.cookie).await).await;
    assert_refused(refresh(&server, &laptop.cookie).await).await;
    let renewed = into_login(refresh(&server, &here.cookie).await).await;
    assert_eq!(me(&server, &renewed.token).await, StatusCode::OK);
}

#[tokio::test]
async fn a_renewed_access_token_carries_the_user_as_stored_now() {
    let server = TestServer::start().await;
    let john = login(&server, "john").await;
    let renamed = server
        .post(
            "/api/update_name",
            Some(&john.token),
            json!({"name": "Johnny"}),
        )
        .await;
    assert_eq!(renamed.status(), StatusCode::OK);
    let renewed = into_login(refresh(&server, &john.cookie).await).await;
    let claims = server.tokens().verify(&renewed.token).unwrap();
    assert_eq!(claims.name.to_string(), "Johnny");
}

#[tokio::test]
async fn the_database_holds_refresh_token_hashes_never_the_tokens() {
    let server = TestServer::start().await;
    let first = login(&server, "john").await;
    let second = into_login(refresh(&server, &first.cookie).await).await;
    let rows = stored_refresh_rows(&server.database_url).await;
    assert_eq!(rows.len(), 2, "{rows:?}");
    for cookie in [&first.cookie, &second.cookie] {
        assert!(!rows.iter().any(|row| row.contains(cookie.as_str())));
        let hash = sha256_hex(cookie);
        assert!(
            rows.iter().any(|row| row.contains(&hash)),
            "{hash} in {rows:?}"
        );
    }
}

/// Every column of every refresh token row, as text.
async fn stored_refresh_rows(url: &str) -> Vec<String> {
    const SQL: &str = "SELECT hash || ' ' || family_id || ' ' || CAST(issued_at AS TEXT) || ' ' \
                       || CAST(expires_at AS TEXT) || ' ' || COALESCE(CAST(rotated_at AS TEXT), '') \
                       FROM refresh_tokens";
    if url.starts_with("postgres") {
        let pool = sqlx::PgPool::connect(url).await.unwrap();
        sqlx::query_scalar(SQL).fetch_all(&pool).await.unwrap()
    } else {
        let pool = sqlx::SqlitePool::connect(url).await.unwrap();
        sqlx::query_scalar(SQL).fetch_all(&pool).await.unwrap()
    }
}

fn sha256_hex(text: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(text.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}
