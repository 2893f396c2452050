//! The support path for a person with nothing left: `server users
//! recovery-link USERNAME` prints a one-use link, valid 15 minutes, to a page
//! where they set a new password themselves; every session of theirs then
//! ends. The operator never chooses or sees the password.

use crate::common;
use crate::sessions::{activity, me, renew, sign_in};

use common::{TestServer, answer};
use reqwest::StatusCode;
use serde_json::{Value, json};

const NEW_PASSWORD: &str = "copper-lantern-quietly-folds";

/// A link for `username`, as the operator's command prints it: the page's
/// address and the secret after its `#`.
fn make_link(server: &TestServer, username: &str) -> (String, String) {
    let (ok, printed) = server.operator(&["recovery-link", username]);
    assert!(ok, "{printed}");
    let link = printed
        .split_whitespace()
        .find(|word| word.contains("/recover/link#"))
        .unwrap_or_else(|| panic!("no link in: {printed}"));
    let (page, secret) = link.split_once('#').unwrap();
    (page.to_owned(), secret.to_owned())
}

async fn use_link(server: &TestServer, secret: &str, password: &str) -> (StatusCode, Value) {
    let body = json!({"link": secret, "new_password": password});
    answer(server.post("/api/recovery_link", None, body).await).await
}

async fn login_status(server: &TestServer, password: &str) -> StatusCode {
    server.login("john", password).await.status()
}

#[tokio::test]
async fn a_recovery_link_sets_a_new_password_and_ends_every_session() {
    let server = TestServer::start().await;
    let laptop = sign_in(&server, "john").await;
    let phone = sign_in(&server, "john").await;
    let jack = sign_in(&server, "jack").await;

    let (page, secret) = make_link(&server, "john");
    assert_eq!(page, format!("{}/recover/link", server.base));
    let (status, body) = use_link(&server, &secret, NEW_PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body, json!({"username": "john"}));

    for session in [&laptop, &phone] {
        assert_eq!(me(&server, &session.token).await, StatusCode::UNAUTHORIZED);
        assert_eq!(renew(&server, &session.cookie).await.status(), 401);
    }
    assert_eq!(me(&server, &jack.token).await, StatusCode::OK, "not jack's");
    assert_eq!(login_status(&server, "john-password").await, 401);
    assert_eq!(login_status(&server, NEW_PASSWORD).await, 200);

    let john = sign_in_with(&server, NEW_PASSWORD).await;
    let (status, page) = activity(&server, &john, "").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let kinds: Vec<&str> = page["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|event| event["kind"].as_str())
        .collect();
    assert!(kinds.contains(&"recovery_link_made"), "{kinds:?}");
    assert!(kinds.contains(&"recovery_link_used"), "{kinds:?}");
    let text = page.to_string();
    assert!(
        !text.contains(&secret) && !text.contains(NEW_PASSWORD),
        "{text}"
    );
}

async fn sign_in_with(server: &TestServer, password: &str) -> String {
    let (status, body) = answer(server.login("john", password).await).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_recovery_link_works_once_within_15_minutes_and_only_the_newest() {
    let server = TestServer::start().await;
    let (_, once) = make_link(&server, "john");
    assert_eq!(use_link(&server, &once, NEW_PASSWORD).await.0, 200);
    let (status, body) = use_link(&server, &once, "another-long-unguessable-phrase").await;
    assert_eq!(status, StatusCode::GONE, "{body}");
    assert_eq!(body["error"], "invalid_recovery_link");
    assert_eq!(login_status(&server, NEW_PASSWORD).await, 200, "unchanged");

    let (_, older) = make_link(&server, "john");
    let (_, newer) = make_link(&server, "john");
    assert_eq!(
        use_link(&server, &older, "older-link-new-phrase").await.0,
        410
    );

    // Fifteen minutes later.
    let later =
        "UPDATE recovery_links SET created_at = created_at - 900, expires_at = expires_at - 900";
    server.execute(later).await;
    let (status, body) = use_link(&server, &newer, "expired-link-new-phrase").await;
    assert_eq!(status, StatusCode::GONE, "{body}");
    assert_eq!(login_status(&server, NEW_PASSWORD).await, 200, "unchanged");
}

#[tokio::test]
async fn a_guessable_password_is_refused_and_the_link_still_works() {
    let server = TestServer::start().await;
    let (_, secret) = make_link(&server, "john");
    for guessable in ["1234567890", "qwertyuiop", "password123", "short"] {
        let (status, body) = use_link(&server, &secret, guessable).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{guessable}: {body}"
        );
        assert_eq!(body["field"], "new_password", "{body}");
    }
    assert_eq!(
        login_status(&server, "john-password").await,
        200,
        "unchanged"
    );
    assert_eq!(use_link(&server, &secret, NEW_PASSWORD).await.0, 200);
}

#[tokio::test]
async fn a_malformed_or_unknown_link_is_refused_and_changes_nothing() {
    let server = TestServer::start().await;
    make_link(&server, "john");
    let unknown = "A".repeat(43);
    for link in [
        "",
        "abc",
        unknown.as_str(),
        "../../etc/passwd",
        &"x".repeat(5000),
    ] {
        let (status, body) = use_link(&server, link, NEW_PASSWORD).await;
        assert_eq!(status, StatusCode::GONE, "{link:.20}: {body}");
        assert!(
            body["message"].as_str().unwrap().contains("support"),
            "{body}"
        );
    }
    for shape in [
        json!({}),
        json!({"link": 1, "new_password": NEW_PASSWORD}),
        json!([]),
    ] {
        let (status, body) = answer(server.post("/api/recovery_link", None, shape).await).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    }
    assert_eq!(
        login_status(&server, "john-password").await,
        200,
        "unchanged"
    );
}

#[tokio::test]
async fn no_link_is_made_for_an_unknown_or_disabled_account() {
    let server = TestServer::start().await;
    let (ok, printed) = server.operator(&["recovery-link", "nobody"]);
    assert!(!ok && printed.contains("nobody"), "{printed}");
    assert!(!printed.contains("/recover/link#"), "{printed}");

    let (ok, printed) = server.operator(&["disable", "john"]);
    assert!(ok, "{printed}");
    let (ok, printed) = server.operator(&["recovery-link", "john"]);
    assert!(!ok && printed.contains("enable"), "{printed}");
    assert!(!printed.contains("/recover/link#"), "{printed}");
}
