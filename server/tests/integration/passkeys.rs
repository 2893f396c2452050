//! Passkeys over HTTP with a software authenticator (real keys, real
//! signatures): adding one, signing in with it, what the token says, and
//! every way a ceremony is refused.

use crate::common;

use app::domain::SignInMethod;
use common::authenticator::SoftPasskey;
use common::{TestServer, answer, claims_of, signed_in_ago};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Where the tests' browser is: WebAuthn needs a name, not an IP address.
const ORIGIN: &str = "http://localhost:3000";

async fn server() -> TestServer {
    TestServer::start_with(&[("PUBLIC_ORIGIN", ORIGIN)]).await
}

/// Adds `passkey` to the account `token` belongs to, as `name`.
async fn register(
    server: &TestServer,
    token: &str,
    passkey: &mut SoftPasskey,
    name: &str,
) -> (StatusCode, Value) {
    let (status, started) = server
        .call(
            Method::POST,
            "/api/passkeys/register/start",
            Some(token),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{started}");
    let credential = passkey.register(&started["options"]);
    let body = json!({"ceremony": started["ceremony"], "name": name, "credential": credential});
    server
        .call(
            Method::POST,
            "/api/passkeys/register/finish",
            Some(token),
            Some(body),
        )
        .await
}

async fn start_sign_in(server: &TestServer) -> Value {
    let (status, started) = server
        .call(Method::POST, "/api/passkeys/sign-in/start", None, None)
        .await;
    assert_eq!(status, StatusCode::OK, "{started}");
    started
}

async fn finish_sign_in(
    server: &TestServer,
    ceremony: &Value,
    credential: Value,
) -> (StatusCode, Value) {
    let (status, answer, _) = finish_keeping_cookie(server, ceremony, credential).await;
    (status, answer)
}

/// As [`finish_sign_in`], with the refresh cookie it set (`Set-Cookie`).
async fn finish_keeping_cookie(
    server: &TestServer,
    ceremony: &Value,
    credential: Value,
) -> (StatusCode, Value, Option<String>) {
    let response = server
        .http
        .post(format!("{}/api/passkeys/sign-in/finish", server.base))
        .json(&json!({"ceremony": ceremony, "credential": credential}))
        .send()
        .await
        .unwrap();
    let cookie = response
        .headers()
        .get("set-cookie")
        .map(|value| value.to_str().unwrap().to_owned());
    let (status, answer) = answer(response).await;
    (status, answer, cookie)
}

/// How the holder of `token` signed in, from its verified claims.
fn amr_of(server: &TestServer, token: &Value) -> SignInMethod {
    server.tokens().verify(token.as_str().unwrap()).unwrap().amr
}

/// A whole sign-in with `passkey`.
async fn sign_in(server: &TestServer, passkey: &mut SoftPasskey) -> (StatusCode, Value) {
    let started = start_sign_in(server).await;
    let credential = passkey.sign_in(&started["options"]);
    finish_sign_in(server, &started["ceremony"], credential).await
}

/// John with a device-bound passkey.
async fn john_with_a_passkey(server: &TestServer) -> SoftPasskey {
    let token = server.token_for("john").await;
    let mut passkey = SoftPasskey::new(ORIGIN, false);
    let (status, added) = register(server, &token, &mut passkey, "YubiKey").await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
    passkey
}

#[tokio::test]
async fn a_passkey_added_on_the_profile_signs_in_without_a_username_and_amr_says_so() {
    let server = server().await;
    let token = server.token_for("john").await;
    let mut passkey = SoftPasskey::new(ORIGIN, false);
    let (status, added) = register(&server, &token, &mut passkey, "  YubiKey ").await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
    assert_eq!(added["name"], "YubiKey");
    assert_eq!(added["synced"], false);
    assert_eq!(added["id"], passkey.id_b64());

    let started = start_sign_in(&server).await;
    assert_eq!(started["options"]["mediation"], "conditional", "{started}");
    assert_eq!(
        started["options"]["publicKey"]["userVerification"],
        "required"
    );
    let credential = passkey.sign_in(&started["options"]);
    let (status, login, cookie) =
        finish_keeping_cookie(&server, &started["ceremony"], credential).await;
    assert_eq!(status, StatusCode::OK, "{login}");
    assert!(
        cookie.unwrap().starts_with("photo_spots_refresh="),
        "a refresh cookie, as a password login gets"
    );
    assert_eq!(login["user"]["username"], "john");
    let claims = server
        .tokens()
        .verify(login["token"].as_str().unwrap())
        .unwrap();
    assert_eq!(claims.sub.get(), 120);
    assert_eq!(claims.amr, SignInMethod::Passkey { synced: false });
    let me = server
        .post("/api/me", login["token"].as_str(), json!({}))
        .await;
    assert_eq!(me.status(), StatusCode::OK);

    let (_, listed) = server
        .call(Method::GET, "/api/passkeys", Some(&token), None)
        .await;
    let last_used = &listed["passkeys"][0]["last_used_at"];
    assert!(last_used.is_i64(), "the sign-in is recorded: {listed}");
}

#[tokio::test]
async fn a_synced_passkey_says_swk_and_a_renewal_keeps_the_passkeys_amr() {
    let server = server().await;
    let token = server.token_for("jack").await;
    let mut passkey = SoftPasskey::new(ORIGIN, true);
    let (status, added) = register(&server, &token, &mut passkey, "Phone").await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
    assert_eq!(added["synced"], true);
    let started = start_sign_in(&server).await;
    let credential = passkey.sign_in(&started["options"]);
    let (status, login, set_cookie) =
        finish_keeping_cookie(&server, &started["ceremony"], credential).await;
    assert_eq!(status, StatusCode::OK, "{login}");
    let synced = SignInMethod::Passkey { synced: true };
    assert_eq!(amr_of(&server, &login["token"]), synced);

    let set_cookie = set_cookie.expect("a refresh cookie");
    let cookie = set_cookie.split(';').next().unwrap().to_owned();
    let renewed = server
        .http
        .post(format!("{}/api/refresh", server.base))
        .header("cookie", cookie)
        .header("x-photo-spots-csrf", "1")
        .send()
        .await
        .unwrap();
    let (status, renewed) = answer(renewed).await;
    assert_eq!(status, StatusCode::OK, "{renewed}");
    assert_eq!(amr_of(&server, &renewed["token"]), synced);
}

#[tokio::test]
async fn a_sign_in_challenge_is_accepted_once() {
    let server = server().await;
    let mut passkey = john_with_a_passkey(&server).await;
    let started = start_sign_in(&server).await;
    let credential = passkey.sign_in(&started["options"]);
    let (status, _) = finish_sign_in(&server, &started["ceremony"], credential.clone()).await;
    assert_eq!(status, StatusCode::OK);
    let (status, again) = finish_sign_in(&server, &started["ceremony"], credential).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{again}");
    assert_eq!(again["error"], "passkey_request_expired");
    assert_eq!(again["message"], "The request timed out, try again.");
}

#[tokio::test]
async fn an_answer_to_another_ceremonys_challenge_is_refused() {
    let server = server().await;
    let mut passkey = john_with_a_passkey(&server).await;
    let first = start_sign_in(&server).await;
    let second = start_sign_in(&server).await;
    let credential = passkey.sign_in(&first["options"]);
    let (status, refused) = finish_sign_in(&server, &second["ceremony"], credential).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{refused}");
    assert_eq!(refused["error"], "passkey_refused");
}

#[tokio::test]
async fn a_registration_started_by_one_user_cannot_be_finished_by_another() {
    let server = server().await;
    let john = server.token_for("john").await;
    let jack = server.token_for("jack").await;
    let (_, started) = server
        .call(
            Method::POST,
            "/api/passkeys/register/start",
            Some(&john),
            None,
        )
        .await;
    let mut passkey = SoftPasskey::new(ORIGIN, false);
    let credential = passkey.register(&started["options"]);
    let body = json!({"ceremony": started["ceremony"], "name": "Key", "credential": credential});
    let (status, refused) = server
        .call(
            Method::POST,
            "/api/passkeys/register/finish",
            Some(&jack),
            Some(body.clone()),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    assert_eq!(refused["error"], "passkey_request_expired");
    let (_, jacks) = server
        .call(Method::GET, "/api/passkeys", Some(&jack), None)
        .await;
    assert_eq!(jacks["passkeys"], json!([]));
    // Jack's attempt spent nothing: John finishes his own.
    let (status, added) = server
        .call(
            Method::POST,
            "/api/passkeys/register/finish",
            Some(&john),
            Some(body),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
}

#[tokio::test]
async fn a_signature_counter_that_goes_backwards_is_refused() {
    let server = server().await;
    let mut passkey = john_with_a_passkey(&server).await;
    passkey.counter = 10;
    let (status, _) = sign_in(&server, &mut passkey).await;
    assert_eq!(status, StatusCode::OK);
    // A clone of the authenticator, still at an older count.
    passkey.counter = 5;
    let (status, refused) = sign_in(&server, &mut passkey).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{refused}");
    assert_eq!(refused["error"], "passkey_refused");
    // The genuine one, ahead of both, still works.
    passkey.counter = 20;
    let (status, _) = sign_in(&server, &mut passkey).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_sign_in_without_user_verification_is_refused() {
    let server = server().await;
    let mut passkey = john_with_a_passkey(&server).await;
    passkey.verifies_user = false;
    let (status, refused) = sign_in(&server, &mut passkey).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{refused}");
    assert_eq!(refused["error"], "passkey_refused");
    assert_eq!(
        refused["message"],
        "The passkey could not be verified. Please try again."
    );
}

#[tokio::test]
async fn a_passkey_registered_nowhere_here_is_named_as_such() {
    let server = server().await;
    let _ = john_with_a_passkey(&server).await;
    let mut stranger = SoftPasskey::new(ORIGIN, false);
    stranger.user_handle = vec![7; 16];
    let (status, refused) = sign_in(&server, &mut stranger).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{refused}");
    assert_eq!(refused["error"], "passkey_not_registered");
    assert_eq!(
        refused["message"],
        "This passkey is not registered here. Log in with your password, then add it on your profile."
    );
}

#[tokio::test]
async fn a_second_registration_excludes_the_passkeys_already_there_and_a_repeat_is_refused() {
    let server = server().await;
    let token = server.token_for("john").await;
    let mut passkey = SoftPasskey::new(ORIGIN, false);
    let (status, _) = register(&server, &token, &mut passkey, "Key").await;
    assert_eq!(status, StatusCode::CREATED);
    let (_, started) = server
        .call(
            Method::POST,
            "/api/passkeys/register/start",
            Some(&token),
            None,
        )
        .await;
    let excluded = &started["options"]["publicKey"]["excludeCredentials"];
    assert_eq!(excluded[0]["id"], passkey.id_b64(), "{started}");
    // An authenticator that ignores the exclusion and registers it again.
    let credential = passkey.register(&started["options"]);
    let body = json!({"ceremony": started["ceremony"], "name": "Again", "credential": credential});
    let (status, refused) = server
        .call(
            Method::POST,
            "/api/passkeys/register/finish",
            Some(&token),
            Some(body),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert_eq!(refused["error"], "passkey_already_registered");
}

#[tokio::test]
async fn passkeys_are_renamed_and_removed_by_their_owner_only() {
    let server = server().await;
    let mut passkey = john_with_a_passkey(&server).await;
    let john = server.token_for("john").await;
    let jack = server.token_for("jack").await;
    let path = format!("/api/passkeys/{}", passkey.id_b64());

    let (status, renamed) = server
        .call(
            Method::PUT,
            &path,
            Some(&john),
            Some(json!({"name": "Blue key"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{renamed}");
    assert_eq!(renamed["name"], "Blue key");
    let (status, bad) = server
        .call(
            Method::PUT,
            &path,
            Some(&john),
            Some(json!({"name": "a\nb"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    assert_eq!(bad["field"], "name");

    for method in [Method::PUT, Method::DELETE] {
        let body = (method == Method::PUT).then(|| json!({"name": "Mine now"}));
        let (status, refused) = server.call(method, &path, Some(&jack), body).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{refused}");
        assert_eq!(refused["error"], "no_such_passkey");
    }
    let (_, listed) = server
        .call(Method::GET, "/api/passkeys", Some(&john), None)
        .await;
    assert_eq!(listed["passkeys"][0]["name"], "Blue key");

    let (status, _) = server.call(Method::DELETE, &path, Some(&john), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, refused) = sign_in(&server, &mut passkey).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{refused}");
    assert_eq!(refused["error"], "passkey_not_registered");
}

/// John with `passkey` removes his password; returns his new token.
async fn remove_johns_password(server: &TestServer, token: &str) -> (StatusCode, Value) {
    let body = json!({"current_password": "john-password"});
    server
        .call(
            Method::POST,
            "/api/remove_password",
            Some(token),
            Some(body),
        )
        .await
}

#[tokio::test]
async fn the_password_goes_only_when_a_passkey_can_sign_in_instead() {
    let server = server().await;
    let token = server.token_for("john").await;
    let (status, refused) = remove_johns_password(&server, &token).await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert_eq!(refused["error"], "last_sign_in_method");
    assert!(
        server
            .login("john", "john-password")
            .await
            .status()
            .is_success()
    );

    let mut passkey = john_with_a_passkey(&server).await;
    let wrong = json!({"current_password": "not-johns-password"});
    let (status, refused) = server
        .call(
            Method::POST,
            "/api/remove_password",
            Some(&token),
            Some(wrong),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
    assert_eq!(refused["error"], "wrong_password");

    let (status, fresh) = remove_johns_password(&server, &token).await;
    assert_eq!(status, StatusCode::OK, "{fresh}");
    let (_, methods) = server
        .call(Method::GET, "/api/passkeys", fresh["token"].as_str(), None)
        .await;
    assert_eq!(methods["password"], false, "{methods}");
    // Every older token is refused, as after a password change; the
    // password signs nobody in; the passkey does.
    let (status, _) = server
        .call(Method::GET, "/api/passkeys", Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let login = server.login("john", "john-password").await;
    assert_eq!(login.status(), StatusCode::UNAUTHORIZED);
    let (status, login) = sign_in(&server, &mut passkey).await;
    assert_eq!(status, StatusCode::OK, "{login}");
}

#[tokio::test]
async fn the_last_passkey_of_an_account_without_a_password_is_kept() {
    let server = server().await;
    let mut passkey = john_with_a_passkey(&server).await;
    let token = server.token_for("john").await;
    let (status, fresh) = remove_johns_password(&server, &token).await;
    assert_eq!(status, StatusCode::OK, "{fresh}");
    let token = fresh["token"].as_str().unwrap().to_owned();

    let path = format!("/api/passkeys/{}", passkey.id_b64());
    let (status, refused) = server.call(Method::DELETE, &path, Some(&token), None).await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert_eq!(refused["error"], "last_sign_in_method");
    assert_eq!(
        refused["message"],
        "That is your only way to sign in. Add another passkey or set a password first, then remove it."
    );
    let (status, login) = sign_in(&server, &mut passkey).await;
    assert_eq!(status, StatusCode::OK, "{login}");

    // With a second way in, the first one may go.
    let mut second = SoftPasskey::new(ORIGIN, true);
    let (status, _) = register(&server, &token, &mut second, "Phone").await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = server.call(Method::DELETE, &path, Some(&token), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let second_path = format!("/api/passkeys/{}", second.id_b64());
    let (status, refused) = server
        .call(Method::DELETE, &second_path, Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
}

#[tokio::test]
async fn two_removals_at_once_leave_a_way_to_sign_in() {
    let server = server().await;
    let mut first = john_with_a_passkey(&server).await;
    let token = server.token_for("john").await;
    let mut second = SoftPasskey::new(ORIGIN, true);
    let (status, _) = register(&server, &token, &mut second, "Phone").await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, fresh) = remove_johns_password(&server, &token).await;
    assert_eq!(status, StatusCode::OK, "{fresh}");
    let token = fresh["token"].as_str().unwrap();

    for _ in 0..5 {
        let paths = [first.id_b64(), second.id_b64()].map(|id| format!("/api/passkeys/{id}"));
        let (a, b) = tokio::join!(
            server.call(Method::DELETE, &paths[0], Some(token), None),
            server.call(Method::DELETE, &paths[1], Some(token), None),
        );
        let mut statuses = [a.0, b.0];
        statuses.sort();
        assert_eq!(statuses, [StatusCode::NO_CONTENT, StatusCode::CONFLICT]);
        // Put the removed one back for the next round.
        let gone = if a.0 == StatusCode::NO_CONTENT {
            &mut first
        } else {
            &mut second
        };
        *gone = SoftPasskey::new(ORIGIN, false);
        let (status, _) = register(&server, token, gone, "Again").await;
        assert_eq!(status, StatusCode::CREATED);
    }
}

#[tokio::test]
async fn a_passkey_only_account_sets_a_password_once_and_signs_in_with_it() {
    let server = server().await;
    john_with_a_passkey(&server).await;
    let token = server.token_for("john").await;
    let (_, fresh) = remove_johns_password(&server, &token).await;
    let token = fresh["token"].as_str().unwrap();

    let change = json!({"current_password": "john-password", "new_password": "a-new-password-1"});
    let (status, refused) = server
        .call(
            Method::POST,
            "/api/change_password",
            Some(token),
            Some(change),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert_eq!(refused["error"], "no_password");

    let weak = json!({"new_password": "john"});
    let (status, refused) = server
        .call(Method::POST, "/api/set_password", Some(token), Some(weak))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["field"], "new_password");

    let set = json!({"new_password": "a-new-password-1"});
    let (status, done) = server
        .call(
            Method::POST,
            "/api/set_password",
            Some(token),
            Some(set.clone()),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert!(
        server
            .login("john", "a-new-password-1")
            .await
            .status()
            .is_success()
    );
    let (status, refused) = server
        .call(Method::POST, "/api/set_password", Some(token), Some(set))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{refused}");
    assert_eq!(refused["error"], "password_already_set");
}

#[tokio::test]
async fn a_ceremony_started_on_one_instance_finishes_on_another() {
    let first = server().await;
    let mut passkey = john_with_a_passkey(&first).await;
    let second = TestServer::start_with(&[
        ("PUBLIC_ORIGIN", ORIGIN),
        ("DATABASE_URL", &first.database_url),
    ])
    .await;
    let started = start_sign_in(&first).await;
    let credential = passkey.sign_in(&started["options"]);
    let (status, login) = finish_sign_in(&second, &started["ceremony"], credential).await;
    assert_eq!(status, StatusCode::OK, "{login}");
}

#[tokio::test]
async fn reached_by_an_ip_address_passkeys_are_unavailable_with_a_reason() {
    let server = TestServer::start_with(&[("PUBLIC_ORIGIN", "http://127.0.0.1:3000")]).await;
    let (status, refused) = server
        .call(Method::POST, "/api/passkeys/sign-in/start", None, None)
        .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{refused}");
    assert_eq!(refused["error"], "passkeys_unavailable");
}

#[tokio::test]
async fn every_passkey_call_but_sign_in_needs_a_token() {
    let server = server().await;
    for (method, path) in [
        (Method::GET, "/api/passkeys"),
        (Method::POST, "/api/passkeys/register/start"),
        (Method::POST, "/api/passkeys/register/finish"),
        (Method::PUT, "/api/passkeys/abc"),
        (Method::DELETE, "/api/passkeys/abc"),
    ] {
        let (status, refused) = server
            .call(method.clone(), path, None, Some(json!({})))
            .await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "{method} {path}: {refused}"
        );
    }
}

#[tokio::test]
async fn support_lists_and_removes_a_lost_passkey_from_the_command_line() {
    let server = server().await;
    let mut passkey = john_with_a_passkey(&server).await;
    let id = passkey.id_b64();
    let (ok, listed) = server.operator(&["passkeys", "john"]);
    assert!(ok, "{listed}");
    assert!(
        listed.contains(&id) && listed.contains("\"YubiKey\"") && listed.contains("device-bound"),
        "{listed}"
    );

    // John has a password: this passkey is not his last way in.
    let (ok, removed) = server.operator(&["remove-passkey", "john", &id]);
    assert!(ok, "{removed}");
    let (status, refused) = sign_in(&server, &mut passkey).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{refused}");
    assert_eq!(refused["error"], "passkey_not_registered");

    let (ok, again) = server.operator(&["remove-passkey", "john", &id]);
    assert!(!ok);
    assert!(
        again.contains("There is no such passkey on your account."),
        "{again}"
    );

    // A passkey-only account's last passkey goes only when support says so.
    let mut last = john_with_a_passkey(&server).await;
    let token = server.token_for("john").await;
    let (status, _) = remove_johns_password(&server, &token).await;
    assert_eq!(status, StatusCode::OK);
    let id = last.id_b64();
    let (ok, refused) = server.operator(&["remove-passkey", "john", &id]);
    assert!(!ok);
    assert!(refused.contains("--even-if-last"), "{refused}");
    let (status, login) = sign_in(&server, &mut last).await;
    assert_eq!(status, StatusCode::OK, "{login}");
    let (ok, removed) = server.operator(&["remove-passkey", "john", &id, "--even-if-last"]);
    assert!(ok, "{removed}");
    let (status, refused) = sign_in(&server, &mut last).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{refused}");
}

#[tokio::test]
async fn where_admin_calls_need_a_passkey_an_admins_password_sign_in_is_refused() {
    let server =
        TestServer::start_with(&[("PUBLIC_ORIGIN", ORIGIN), ("ADMIN_REQUIRES_PASSKEY", "1")]).await;
    let password_token = server.token_for("ada").await;
    let (status, refused) = server
        .call(Method::GET, "/api/admin/spots", Some(&password_token), None)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");
    assert_eq!(refused["error"], "passkey_required");
    assert_eq!(
        refused["message"],
        "The admin area needs a passkey sign-in. Log out, then sign in with your passkey."
    );

    let mut passkey = SoftPasskey::new(ORIGIN, false);
    let (status, _) = register(&server, &password_token, &mut passkey, "Key").await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, login) = sign_in(&server, &mut passkey).await;
    assert_eq!(status, StatusCode::OK, "{login}");
    let (status, spots) = server
        .call(
            Method::GET,
            "/api/admin/spots",
            login["token"].as_str(),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{spots}");

    // Without the rule, a password sign-in is enough (the default).
    let relaxed = self::server().await;
    let token = relaxed.token_for("ada").await;
    let (status, _) = relaxed
        .call(Method::GET, "/api/admin/spots", Some(&token), None)
        .await;
    assert_eq!(status, StatusCode::OK);
}

/// The step-up ceremony for the holder of `token`: its start's answer.
async fn start_confirming(server: &TestServer, token: &str) -> (StatusCode, Value) {
    server
        .call(Method::POST, "/api/reauth/passkey/start", Some(token), None)
        .await
}

async fn finish_confirming(
    server: &TestServer,
    token: &str,
    started: &Value,
    credential: Value,
) -> (StatusCode, Value) {
    let body = json!({"ceremony": started["ceremony"], "credential": credential});
    server
        .call(
            Method::POST,
            "/api/reauth/passkey/finish",
            Some(token),
            Some(body),
        )
        .await
}

#[tokio::test]
async fn a_passkey_confirms_its_owner_and_the_browser_is_offered_only_theirs() {
    let server = server().await;
    let mut johns = john_with_a_passkey(&server).await;
    let (status, signed_in) = sign_in(&server, &mut johns).await;
    assert_eq!(status, StatusCode::OK, "{signed_in}");
    let stale = signed_in_ago(signed_in["token"].as_str().unwrap(), 3_600);
    let (status, refused) = server
        .call(
            Method::POST,
            "/api/passkeys/register/start",
            Some(&stale),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{refused}");
    assert_eq!(refused["error"], "insufficient_user_authentication");

    let (status, started) = start_confirming(&server, &stale).await;
    assert_eq!(status, StatusCode::OK, "{started}");
    let allowed = started["options"]["publicKey"]["allowCredentials"]
        .as_array()
        .unwrap();
    assert_eq!(allowed.len(), 1);
    assert_eq!(allowed[0]["id"], johns.id_b64(), "only John's own passkey");
    assert!(
        started["options"].get("mediation").is_none(),
        "asked at once, not as autofill"
    );

    let credential = johns.sign_in(&started["options"]);
    let (status, fresh) = finish_confirming(&server, &stale, &started, credential).await;
    assert_eq!(status, StatusCode::OK, "{fresh}");
    let (old, new) = (
        claims_of(&stale),
        claims_of(fresh["token"].as_str().unwrap()),
    );
    assert_eq!(new["sid"], old["sid"], "the same session");
    assert_eq!(new["amr"], old["amr"]);
    assert!(new["auth_time"].as_u64().unwrap() > old["auth_time"].as_u64().unwrap());
    let (status, body) = server
        .call(
            Method::POST,
            "/api/passkeys/register/start",
            fresh["token"].as_str(),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn another_users_passkey_cannot_confirm_and_an_account_without_one_is_told() {
    let server = server().await;
    let mut johns = john_with_a_passkey(&server).await;
    let jack = server.token_for("jack").await;
    let mut jacks = SoftPasskey::new(ORIGIN, false);
    let (status, _) = register(&server, &jack, &mut jacks, "Jack's key").await;
    assert_eq!(status, StatusCode::CREATED);

    let john = server.token_for("john").await;
    let (_, started) = start_confirming(&server, &john).await;
    let (status, refused) =
        finish_confirming(&server, &john, &started, jacks.sign_in(&started["options"])).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{refused}");
    assert_eq!(refused["error"], "passkey_not_registered");
    // The ceremony is spent either way; John's own passkey starts anew.
    let (_, started) = start_confirming(&server, &john).await;
    let credential = johns.sign_in(&started["options"]);
    assert_eq!(
        finish_confirming(&server, &john, &started, credential)
            .await
            .0,
        StatusCode::OK
    );

    let ada = server.token_for("ada").await;
    let (status, body) = start_confirming(&server, &ada).await;
    assert_eq!(
        (status, &body["error"]),
        (StatusCode::NOT_FOUND, &json!("no_such_passkey"))
    );
}

#[tokio::test]
async fn sessions_name_the_passkey_they_began_with_so_removing_it_can_end_them() {
    let server = server().await;
    let mut lost = john_with_a_passkey(&server).await;
    let lost_id = lost.id_b64();
    let mut kept = SoftPasskey::new(ORIGIN, false);
    let password = server.token_for("john").await;
    assert_eq!(
        register(&server, &password, &mut kept, "Laptop").await.0,
        StatusCode::CREATED
    );
    let mut begun = Vec::new();
    for _ in 0..2 {
        let (status, body) = sign_in(&server, &mut lost).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        begun.push(body["token"].as_str().unwrap().to_owned());
    }
    let (status, body) = sign_in(&server, &mut kept).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let other = body["token"].as_str().unwrap().to_owned();

    let path = format!("/api/passkeys/{lost_id}");
    let (status, body) = server
        .call(Method::DELETE, &path, Some(&password), None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");

    let (status, listed) = server
        .call(Method::GET, "/api/sessions", Some(&password), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{listed}");
    let sessions = listed["sessions"].as_array().unwrap();
    let with = |id: &str| -> Vec<String> {
        sessions
            .iter()
            .filter(|session| session["passkey"] == id)
            .map(|session| session["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let mut expected: Vec<String> = begun
        .iter()
        .map(|token| claims_of(token)["sid"].as_str().unwrap().to_owned())
        .collect();
    let mut found = with(&lost_id);
    expected.sort();
    found.sort();
    assert_eq!(found, expected, "{listed}");
    assert_eq!(with(&kept.id_b64()).len(), 1, "{listed}");
    let by_password = sessions.iter().filter(|s| s["passkey"].is_null()).count();
    // Two password sign-ins (adding the first passkey's and this test's):
    // they name no passkey.
    assert_eq!(by_password, 2, "{listed}");

    for sid in &found {
        let path = format!("/api/sessions/{sid}");
        let (status, body) = server
            .call(Method::DELETE, &path, Some(&password), None)
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    }
    for token in &begun {
        let (status, _) = server
            .call(Method::GET, "/api/sessions", Some(token), None)
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, _) = server
        .call(Method::GET, "/api/sessions", Some(&other), None)
        .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the other passkey's session carries on"
    );
}
