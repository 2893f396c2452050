//! Sessions and "confirm it's you": every sign-in is a session its owner can
//! see and end, and an ended session's tokens are refused at once; sensitive
//! calls need a recent sign-in (RFC 9470 step-up), which `POST /api/reauth`
//! renews within the same session.

use crate::common;

use common::{TestServer, answer, claims_of, signed_in_ago};
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

const COOKIE: &str = "photo_spots_refresh";
const FIREFOX_LINUX: &str =
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
const CHROME_WINDOWS: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 \
    (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36";

/// A sign-in: its access token, its claims and its refresh cookie's value.
pub(crate) struct SignIn {
    pub token: String,
    pub claims: Value,
    pub cookie: String,
}

async fn sign_in_from(server: &TestServer, username: &str, user_agent: &str) -> SignIn {
    let response = server
        .http
        .post(format!("{}/api/login", server.base))
        .header("user-agent", user_agent)
        .json(&json!({"username": username, "password": format!("{username}-password")}))
        .send()
        .await
        .unwrap();
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(|value| value.strip_prefix(&format!("{COOKIE}=")))
        .map(|rest| rest.split(';').next().unwrap().to_owned())
        .expect("a refresh cookie");
    let (status, body) = answer(response).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let token = body["token"].as_str().unwrap().to_owned();
    SignIn {
        claims: claims_of(&token),
        token,
        cookie,
    }
}

pub(crate) async fn sign_in(server: &TestServer, username: &str) -> SignIn {
    sign_in_from(server, username, FIREFOX_LINUX).await
}

pub(crate) async fn me(server: &TestServer, token: &str) -> StatusCode {
    server
        .post("/api/me", Some(token), json!({}))
        .await
        .status()
}

async fn sessions(server: &TestServer, token: &str) -> Vec<Value> {
    let (status, body) = server
        .call(Method::GET, "/api/sessions", Some(token), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["sessions"].as_array().unwrap().clone()
}

async fn end_session(server: &TestServer, token: &str, id: &str) -> (StatusCode, Value) {
    server
        .call(
            Method::DELETE,
            &format!("/api/sessions/{id}"),
            Some(token),
            None,
        )
        .await
}

pub(crate) async fn renew(server: &TestServer, cookie: &str) -> Response {
    server
        .http
        .post(format!("{}/api/refresh", server.base))
        .header("cookie", format!("{COOKIE}={cookie}"))
        .header("x-photo-spots-csrf", "1")
        .send()
        .await
        .unwrap()
}

fn sid(sign_in: &SignIn) -> &str {
    sign_in.claims["sid"].as_str().unwrap()
}

#[tokio::test]
async fn each_sign_in_is_a_session_listed_with_its_device_and_the_current_one_marked() {
    let server = TestServer::start().await;
    let laptop = sign_in_from(&server, "john", FIREFOX_LINUX).await;
    let desktop = sign_in_from(&server, "john", CHROME_WINDOWS).await;
    sign_in(&server, "jack").await;

    let listed = sessions(&server, &laptop.token).await;
    assert_eq!(listed.len(), 2, "John's two, not Jack's: {listed:?}");
    let of = |id: &str| listed.iter().find(|s| s["id"] == id).unwrap().clone();
    let (this, other) = (of(sid(&laptop)), of(sid(&desktop)));
    assert_eq!(this["current"], true);
    assert_eq!(other["current"], false);
    assert_eq!(this["label"], "Firefox on Linux");
    assert_eq!(other["label"], "Chrome on Windows 10");
    assert_eq!(this["address"], "127.0.0.0/24", "shortened to its network");
    assert_eq!(this["amr"], json!(["pwd"]));
    let issued = laptop.claims["iat"].as_i64().unwrap();
    for time in ["created_at", "last_used_at", "auth_time"] {
        let at = this[time].as_i64().unwrap();
        assert!((issued - 5..=issued + 5).contains(&at), "{time}: {at}");
    }
    // Nothing that renews or is a session's secret.
    let text = serde_json::to_string(&listed).unwrap();
    assert!(!text.contains(&laptop.cookie) && !text.contains(&laptop.token));
}

#[tokio::test]
async fn tokens_name_their_session_and_when_the_person_signed_in() {
    let server = TestServer::start().await;
    let john = sign_in(&server, "john").await;
    assert_eq!(sid(&john).len(), 32);
    // Signed in as the token was made (the two clocks may straddle a second).
    let (auth_time, iat) = (&john.claims["auth_time"], &john.claims["iat"]);
    let signed_in_ago = iat.as_i64().unwrap() - auth_time.as_i64().unwrap();
    assert!((0..=1).contains(&signed_in_ago), "{auth_time} {iat}");
    // A renewal stays in the session and keeps its sign-in time.
    let (status, body) = answer(renew(&server, &john.cookie).await).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let renewed = claims_of(body["token"].as_str().unwrap());
    assert_eq!(renewed["sid"], john.claims["sid"]);
    assert_eq!(renewed["auth_time"], john.claims["auth_time"]);
}

#[tokio::test]
async fn ending_a_session_refuses_its_access_token_and_refresh_cookie_at_once() {
    let server = TestServer::start().await;
    let laptop = sign_in(&server, "john").await;
    let phone = sign_in(&server, "john").await;
    assert_eq!(me(&server, &phone.token).await, StatusCode::OK);

    let (status, body) = end_session(&server, &laptop.token, sid(&phone)).await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");

    let (status, body) = answer(server.post("/api/me", Some(&phone.token), json!({})).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"], "invalid_token");
    assert_eq!(
        renew(&server, &phone.cookie).await.status(),
        StatusCode::UNAUTHORIZED
    );
    // The session that ended it goes on; the list no longer has the other.
    assert_eq!(me(&server, &laptop.token).await, StatusCode::OK);
    let listed = sessions(&server, &laptop.token).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["id"], sid(&laptop));
    // Ending it again: there is no such live session any more.
    assert_eq!(
        end_session(&server, &laptop.token, sid(&phone)).await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn another_users_unknown_or_malformed_session_id_is_404_and_changes_nothing() {
    let server = TestServer::start().await;
    let john = sign_in(&server, "john").await;
    let jack = sign_in(&server, "jack").await;
    let long = "a".repeat(5_000);
    for id in [
        sid(&jack),
        "00000000000000000000000000000000",
        "not-a-session",
        "%27%20OR%201%3D1--",
        "%00",
        long.as_str(),
    ] {
        let (status, body) = end_session(&server, &john.token, id).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{id}: {body}");
        assert_eq!(body["error"], "no_such_session", "{id}");
    }
    assert_eq!(me(&server, &jack.token).await, StatusCode::OK);
    assert_eq!(renew(&server, &jack.cookie).await.status(), StatusCode::OK);
    assert_eq!(sessions(&server, &jack.token).await.len(), 1);
}

#[tokio::test]
async fn signing_out_all_other_sessions_keeps_this_one() {
    let server = TestServer::start().await;
    let this = sign_in(&server, "john").await;
    let others = [
        sign_in(&server, "john").await,
        sign_in(&server, "john").await,
    ];
    let jack = sign_in(&server, "jack").await;

    let (status, body) = server
        .call(
            Method::DELETE,
            "/api/sessions/others",
            Some(&this.token),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["ended"], 2);
    for other in &others {
        assert_eq!(me(&server, &other.token).await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(me(&server, &this.token).await, StatusCode::OK);
    assert_eq!(me(&server, &jack.token).await, StatusCode::OK);
    assert_eq!(sessions(&server, &this.token).await.len(), 1);
}

#[tokio::test]
async fn logging_out_on_a_device_refuses_its_access_token_at_once() {
    let server = TestServer::start().await;
    let john = sign_in(&server, "john").await;
    let response = server
        .http
        .post(format!("{}/api/refresh/logout", server.base))
        .header("cookie", format!("{COOKIE}={}", john.cookie))
        .header("x-photo-spots-csrf", "1")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(me(&server, &john.token).await, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_sessions_calls_need_a_valid_token() {
    let server = TestServer::start().await;
    for (method, path) in [
        (Method::GET, "/api/sessions"),
        (Method::DELETE, "/api/sessions/others"),
        (Method::DELETE, "/api/sessions/0123"),
    ] {
        let (status, body) = server.call(method.clone(), path, None, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path}: {body}");
    }
}

/// Each sensitive call, as `(method, path, body)`.
fn sensitive_calls() -> Vec<(Method, &'static str, Option<Value>)> {
    vec![
        (
            Method::POST,
            "/api/change_password",
            Some(
                json!({"current_password": "john-password", "new_password": "a new and long passphrase"}),
            ),
        ),
        (
            Method::POST,
            "/api/set_password",
            Some(json!({"new_password": "a new and long passphrase"})),
        ),
        (
            Method::POST,
            "/api/remove_password",
            Some(json!({"current_password": "john-password"})),
        ),
        (Method::POST, "/api/passkeys/register/start", None),
        (Method::DELETE, "/api/passkeys/AAAA", None),
    ]
}

#[tokio::test]
async fn each_sensitive_call_refuses_a_stale_sign_in_with_the_rfc_9470_challenge() {
    let server = TestServer::start().await;
    let john = sign_in(&server, "john").await;
    let stale = signed_in_ago(&john.token, 601);
    assert_eq!(
        me(&server, &stale).await,
        StatusCode::OK,
        "still a valid token"
    );
    for (method, path, body) in sensitive_calls() {
        let mut request = server
            .http
            .request(method.clone(), format!("{}{path}", server.base));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.bearer_auth(&stale).send().await.unwrap();
        let challenge = response
            .headers()
            .get("www-authenticate")
            .map(|value| value.to_str().unwrap().to_owned());
        let (status, body) = answer(response).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path}: {body}");
        assert_eq!(body["error"], "insufficient_user_authentication", "{path}");
        assert_eq!(body["max_age"], 600, "{path}");
        let challenge = challenge.expect("a WWW-Authenticate challenge");
        assert!(
            challenge.starts_with(
                r#"Bearer error="insufficient_user_authentication", error_description=""#
            ) && challenge.ends_with(r#"", max_age="600""#),
            "{path}: {challenge}"
        );
    }
    // Nothing changed: the old password still signs in, the session goes on.
    assert_eq!(
        server.login("john", "john-password").await.status(),
        StatusCode::OK
    );
    assert_eq!(me(&server, &john.token).await, StatusCode::OK);
}

#[tokio::test]
async fn a_fresh_sign_in_passes_the_step_up_check() {
    let server = TestServer::start().await;
    let john = sign_in(&server, "john").await;
    let recent = signed_in_ago(&john.token, 590);
    let (status, body) = server
        .call(
            Method::POST,
            "/api/passkeys/register/start",
            Some(&recent),
            None,
        )
        .await;
    // Past the step-up check (whatever the passkey ceremony answers next).
    assert_ne!(body["error"], "insufficient_user_authentication", "{body}");
    assert_ne!(status, StatusCode::UNAUTHORIZED, "{body}");
}

#[tokio::test]
async fn confirming_with_the_password_renews_the_sign_in_within_the_same_session() {
    let server = TestServer::start().await;
    let john = sign_in(&server, "john").await;
    let stale = signed_in_ago(&john.token, 3_600);

    let (status, body) = server
        .call(
            Method::POST,
            "/api/reauth",
            Some(&stale),
            Some(json!({"password": "john-password"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let fresh = body["token"].as_str().unwrap().to_owned();
    let claims = claims_of(&fresh);
    assert_eq!(claims["sid"], john.claims["sid"], "the same session");
    assert_eq!(claims["amr"], json!(["pwd"]));
    let now = jsonwebtoken::get_current_timestamp();
    assert!(claims["auth_time"].as_u64().unwrap() + 5 >= now);
    // The session's renewals carry the new sign-in time.
    let (_, renewed) = answer(renew(&server, &john.cookie).await).await;
    let renewed = claims_of(renewed["token"].as_str().unwrap());
    assert_eq!(renewed["auth_time"], claims["auth_time"]);

    // And the sensitive call now goes through.
    let (status, body) = server
        .call(
            Method::POST,
            "/api/change_password",
            Some(&fresh),
            Some(json!({"current_password": "john-password", "new_password": "a new and long passphrase"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn a_wrong_password_when_confirming_is_refused_and_counts_in_the_throttle() {
    let server = TestServer::start_with(&[("LOGIN_MAX_FAILURES_PER_USERNAME", "3")]).await;
    let john = sign_in(&server, "john").await;
    for _ in 0..3 {
        let (status, body) = server
            .call(
                Method::POST,
                "/api/reauth",
                Some(&john.token),
                Some(json!({"password": "guess"})),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
        assert_eq!(body["error"], "wrong_password");
    }
    let (status, body) = server
        .call(
            Method::POST,
            "/api/reauth",
            Some(&john.token),
            Some(json!({"password": "john-password"})),
        )
        .await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    // The same throttle as logins: the username is blocked there too.
    assert_eq!(
        server.login("john", "john-password").await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn confirming_in_an_ended_session_is_refused() {
    let server = TestServer::start().await;
    let laptop = sign_in(&server, "john").await;
    let phone = sign_in(&server, "john").await;
    end_session(&server, &laptop.token, sid(&phone)).await;
    let (status, _) = server
        .call(
            Method::POST,
            "/api/reauth",
            Some(&phone.token),
            Some(json!({"password": "john-password"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_disabled_account_is_signed_out_at_once_and_refused_until_enabled() {
    let server = TestServer::start().await;
    let john = sign_in(&server, "john").await;
    let jack = sign_in(&server, "jack").await;

    let (ok, printed) = server.operator(&["disable", "john"]);
    assert!(ok, "{printed}");
    assert!(
        printed.contains("john") && printed.contains("disabled"),
        "{printed}"
    );
    assert_eq!(me(&server, &john.token).await, StatusCode::UNAUTHORIZED);
    assert_eq!(
        renew(&server, &john.cookie).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let (status, body) = answer(server.login("john", "john-password").await).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"], "account_disabled");
    assert!(body["message"].as_str().unwrap().contains("disabled"));
    // A wrong password learns nothing about the account.
    let (status, body) = answer(server.login("john", "wrong-password").await).await;
    assert_eq!(
        (status, &body["error"]),
        (StatusCode::UNAUTHORIZED, &json!("invalid_credentials"))
    );
    // Nobody else is touched.
    assert_eq!(me(&server, &jack.token).await, StatusCode::OK);

    let (ok, printed) = server.operator(&["enable", "john"]);
    assert!(ok, "{printed}");
    assert_eq!(
        server.login("john", "john-password").await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn an_operator_signs_a_user_out_everywhere() {
    let server = TestServer::start().await;
    let laptop = sign_in(&server, "john").await;
    let phone = sign_in(&server, "john").await;
    let jack = sign_in(&server, "jack").await;

    let (ok, printed) = server.operator(&["logout", "john"]);
    assert!(ok, "{printed}");
    assert!(printed.contains("2 session(s)"), "{printed}");
    for john in [&laptop, &phone] {
        assert_eq!(me(&server, &john.token).await, StatusCode::UNAUTHORIZED);
        assert_eq!(
            renew(&server, &john.cookie).await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(me(&server, &jack.token).await, StatusCode::OK);
    // Not disabled: John signs in again.
    assert_eq!(
        server.login("john", "john-password").await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn operator_commands_name_an_unknown_user_and_change_nothing() {
    let server = TestServer::start().await;
    for command in ["disable", "enable", "logout"] {
        let (ok, printed) = server.operator(&[command, "nobody"]);
        assert!(!ok, "{command}: {printed}");
        assert!(
            printed.contains("no user named \"nobody\""),
            "{command}: {printed}"
        );
    }
}

async fn make_codes(server: &TestServer, token: &str) -> Vec<String> {
    let (status, body) = server
        .call(
            Method::POST,
            "/api/recovery_codes",
            Some(token),
            Some(json!({})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    serde_json::from_value(body["codes"].clone()).unwrap()
}

async fn recover(server: &TestServer, username: &str, code: &str) -> (StatusCode, Value) {
    let body = json!({"username": username, "code": code});
    answer(server.post("/api/recover", None, body).await).await
}

async fn codes_left(server: &TestServer, token: &str) -> u64 {
    let (status, body) = server
        .call(Method::GET, "/api/passkeys", Some(token), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["recovery_codes"].as_u64().unwrap()
}

#[tokio::test]
async fn recovery_codes_are_ten_one_use_codes_that_sign_in_as_a_recovery() {
    let server = TestServer::start().await;
    let john = sign_in(&server, "john").await;
    let codes = make_codes(&server, &john.token).await;
    assert_eq!(codes.len(), 10);
    assert_eq!(
        codes
            .iter()
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        10
    );
    assert_eq!(codes_left(&server, &john.token).await, 10);

    // Typed in lower case without dashes: still the code.
    let typed = codes[0].replace('-', "").to_lowercase();
    let (status, body) = recover(&server, "john", &typed).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let recovered = body["token"].as_str().unwrap();
    assert_eq!(
        claims_of(recovered)["amr"],
        json!(["otp"]),
        "not a password sign-in"
    );
    assert_eq!(me(&server, recovered).await, StatusCode::OK);
    assert_eq!(codes_left(&server, recovered).await, 9);

    // Used once: refused the second time, with the same answer as a made-up code.
    let (status, body) = recover(&server, "john", &codes[0]).await;
    assert_eq!(
        (status, &body["error"]),
        (StatusCode::UNAUTHORIZED, &json!("invalid_recovery_code"))
    );
    // Not Jack's, and nothing for an unknown username.
    assert_eq!(
        recover(&server, "jack", &codes[1]).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        recover(&server, "nobody", &codes[1]).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        recover(&server, "john", "not a code").await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(recover(&server, "john", &codes[1]).await.0, StatusCode::OK);
}

#[tokio::test]
async fn a_new_set_voids_the_old_one() {
    let server = TestServer::start().await;
    let john = sign_in(&server, "john").await;
    let old = make_codes(&server, &john.token).await;
    let new = make_codes(&server, &john.token).await;
    assert!(old.iter().all(|code| !new.contains(code)));
    assert_eq!(
        recover(&server, "john", &old[3]).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(recover(&server, "john", &new[3]).await.0, StatusCode::OK);
}

#[tokio::test]
async fn making_codes_needs_a_recent_sign_in() {
    let server = TestServer::start().await;
    let john = sign_in(&server, "john").await;
    let (status, body) = server
        .call(
            Method::POST,
            "/api/recovery_codes",
            Some(&signed_in_ago(&john.token, 3_600)),
            Some(json!({})),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(body["error"], "insufficient_user_authentication");
    assert_eq!(codes_left(&server, &john.token).await, 0, "none made");
}

#[tokio::test]
async fn wrong_recovery_codes_are_throttled_like_passwords() {
    let server = TestServer::start_with(&[("LOGIN_MAX_FAILURES_PER_USERNAME", "3")]).await;
    let john = sign_in(&server, "john").await;
    let codes = make_codes(&server, &john.token).await;
    for _ in 0..3 {
        let (status, _) = recover(&server, "john", "AAAA-AAAA-AAAA-AAAA").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    // Even the right code waits now, and so does the password.
    let (status, body) = recover(&server, "john", &codes[0]).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(
        server.login("john", "john-password").await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn after_a_recovery_a_new_password_is_set_without_the_old_and_every_other_session_ends() {
    let server = TestServer::start().await;
    let laptop = sign_in(&server, "john").await;
    let codes = make_codes(&server, &laptop.token).await;
    let new_password = json!({"new_password": "a-brand-new-password"});

    // A password session may not: it changes the password with the current one.
    let (status, body) = server
        .call(
            Method::POST,
            "/api/reset_password",
            Some(&laptop.token),
            Some(new_password.clone()),
        )
        .await;
    assert_eq!(
        (status, &body["error"]),
        (StatusCode::FORBIDDEN, &json!("not_a_recovery_session"))
    );

    let (_, recovered) = recover(&server, "john", &codes[0]).await;
    let token = recovered["token"].as_str().unwrap();
    let (status, body) = server
        .call(
            Method::POST,
            "/api/reset_password",
            Some(token),
            Some(json!({"new_password": "qwertyuiop"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, body) = server
        .call(
            Method::POST,
            "/api/reset_password",
            Some(token),
            Some(new_password),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        me(&server, body["token"].as_str().unwrap()).await,
        StatusCode::OK
    );
    assert_eq!(
        me(&server, &laptop.token).await,
        StatusCode::UNAUTHORIZED,
        "the other device is out"
    );
    assert_eq!(
        server.login("john", "john-password").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        server.login("john", "a-brand-new-password").await.status(),
        StatusCode::OK
    );
}

pub(crate) async fn activity(server: &TestServer, token: &str, query: &str) -> (StatusCode, Value) {
    server
        .call(
            Method::GET,
            &format!("/api/activity{query}"),
            Some(token),
            None,
        )
        .await
}

fn kinds(page: &Value) -> Vec<String> {
    page["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|event| event["kind"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn security_activity_lists_what_happened_newest_first_and_never_a_secret() {
    let server = TestServer::start().await;
    assert_eq!(
        server.login("john", "wrong-password").await.status(),
        StatusCode::UNAUTHORIZED
    );
    let laptop = sign_in_from(&server, "john", FIREFOX_LINUX).await;
    let phone = sign_in_from(&server, "john", CHROME_WINDOWS).await;
    end_session(&server, &laptop.token, sid(&phone)).await;
    let codes = make_codes(&server, &laptop.token).await;
    let (status, _) = server
        .call(
            Method::POST,
            "/api/reauth",
            Some(&laptop.token),
            Some(json!({"password": "john-password"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    sign_in(&server, "jack").await;

    let (status, page) = activity(&server, &laptop.token, "").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(
        kinds(&page),
        [
            "confirmed_its_you",
            "recovery_codes_made",
            "session_ended",
            "signed_in",
            "signed_in",
            "sign_in_failed",
        ],
        "John's own events, newest first: {page}"
    );
    let events = page["events"].as_array().unwrap();
    assert_eq!(
        events[2]["detail"], "Chrome on Windows 10",
        "the session that was ended"
    );
    let signed_in = events[4]["detail"].as_str().unwrap();
    assert!(
        signed_in.contains("Firefox on Linux")
            && signed_in.contains("127.0.0.0/24")
            && signed_in.contains("a password"),
        "{signed_in}"
    );
    assert!(
        events[5]["detail"]
            .as_str()
            .unwrap()
            .contains("wrong password")
    );
    assert_eq!(page["next"], Value::Null, "one page");
    let text = page.to_string();
    let secrets = [&laptop.token, &laptop.cookie, &codes[0], "john-password"];
    for secret in secrets.map(|secret| secret.to_string()) {
        assert!(!text.contains(&secret), "a secret in the activity: {text}");
    }
}

#[tokio::test]
async fn activity_comes_a_page_at_a_time_and_refuses_a_bad_cursor() {
    let server = TestServer::start_with(&[
        ("LOGIN_MAX_FAILURES_PER_USERNAME", "100"),
        ("LOGIN_MAX_FAILURES_PER_ADDRESS", "100"),
    ])
    .await;
    let john = sign_in(&server, "john").await;
    for _ in 0..25 {
        assert_eq!(
            server.login("john", "wrong-password").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    // 26 events: 20, then 6.
    let (status, first) = activity(&server, &john.token, "").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(first["events"].as_array().unwrap().len(), 20);
    let before = first["next"].as_i64().expect("a next page");
    let (status, second) = activity(&server, &john.token, &format!("?before={before}")).await;
    assert_eq!(status, StatusCode::OK);
    let ids: Vec<i64> = second["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids.len(), 6);
    assert!(ids.iter().all(|id| *id < before), "older than the cursor");
    assert_eq!(
        kinds(&second).last().map(String::as_str),
        Some("signed_in"),
        "the oldest last"
    );
    assert_eq!(second["next"], Value::Null);

    for bad in [
        "?before=abc",
        "?before=-1",
        "?before=0",
        "?before=99999999999999999999",
    ] {
        let (status, body) = activity(&server, &john.token, bad).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
    }
    assert_eq!(activity(&server, "", "").await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_disabled_accounts_good_recovery_code_is_refused_and_kept_for_when_it_is_enabled() {
    let server = TestServer::start().await;
    let john = sign_in(&server, "john").await;
    let codes = make_codes(&server, &john.token).await;
    let (ok, printed) = server.operator(&["disable", "john"]);
    assert!(ok, "{printed}");

    let (status, body) = recover(&server, "john", &codes[0]).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["error"], "account_disabled");
    // A wrong code learns nothing about the account.
    let (status, body) = recover(&server, "john", "0000-0000-0000-0000").await;
    assert_eq!(
        (status, &body["error"]),
        (StatusCode::UNAUTHORIZED, &json!("invalid_recovery_code"))
    );

    let (ok, printed) = server.operator(&["enable", "john"]);
    assert!(ok, "{printed}");
    let (status, body) = recover(&server, "john", &codes[0]).await;
    assert_eq!(status, StatusCode::OK, "the code was not spent: {body}");
}
