//! The JSON API over real HTTP: login, me, update_name, and every refusal.

use crate::common;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
use common::{SECRET, TestServer, answer};
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn login_returns_a_signed_token_and_the_user() {
    let server = TestServer::start().await;
    let (status, body) = answer(server.login("john", "john-password").await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body["user"],
        json!({"id": 120, "username": "john", "name": "John"})
    );
    let token = body["token"].as_str().unwrap();
    let claims = server.tokens().verify(token).unwrap();
    assert_eq!(claims.sub.get(), 120);
    assert_eq!(claims.name.as_str(), "John");
    assert_eq!(
        claims.exp - claims.iat,
        600,
        "ten-minute access tokens by default"
    );
}

#[tokio::test]
async fn health_answers_without_a_token() {
    let server = TestServer::start().await;
    let (status, body) = answer(server.post("/api/health", None, json!({})).await).await;
    assert_eq!((status, body), (StatusCode::OK, json!("ok")));
    // GET too: what load balancers' health checks send.
    let (status, body) = answer(server.get("/api/health", None).await).await;
    assert_eq!((status, body), (StatusCode::OK, json!("ok")));
}

#[tokio::test]
async fn api_answers_are_never_cached() {
    let server = TestServer::start().await;
    for response in [
        server.login("john", "john-password").await,
        server.post("/api/me", None, json!({})).await,
    ] {
        assert_eq!(response.headers()["cache-control"], "no-store");
    }
}

#[tokio::test]
async fn wrong_password_and_unknown_user_get_the_same_401() {
    let server = TestServer::start().await;
    let (wrong_status, mut wrong_body) = answer(server.login("john", "jack-password").await).await;
    let (unknown_status, mut unknown_body) =
        answer(server.login("nobody", "john-password").await).await;
    // Each names its own request; everything else is the same.
    for body in [&mut wrong_body, &mut unknown_body] {
        let id = body.as_object_mut().unwrap().remove("request_id");
        assert!(id.is_some_and(|id| id.is_string()));
    }
    assert_eq!(wrong_status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown_status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong_body, unknown_body);
    assert_eq!(wrong_body["message"], "Wrong username or password.");
}

#[tokio::test]
async fn login_with_an_impossible_username_says_what_is_wrong() {
    let server = TestServer::start().await;
    let (status, body) = answer(server.login("John Smith", "x").await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["field"], "username");
    assert!(
        body["message"].as_str().unwrap().contains("lowercase"),
        "{body}"
    );
}

#[tokio::test]
async fn malformed_bodies_are_400_with_a_message() {
    let server = TestServer::start().await;
    let broken = server
        .http
        .post(format!("{}/api/login", server.base))
        .header("content-type", "application/json")
        .body("{\"username\": ")
        .send()
        .await
        .unwrap();
    let (status, body) = answer(broken).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "bad_request");

    let (status, body) = answer(
        server
            .post("/api/login", None, json!({"username": "john"}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["message"].as_str().unwrap().contains("password"),
        "{body}"
    );

    let (status, _) = answer(
        server
            .post("/api/login", None, json!({"username": 5, "password": []}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn me_returns_the_user_for_a_valid_token() {
    let server = TestServer::start().await;
    let token = server.token_for("jack").await;
    let (status, body) = answer(server.post("/api/me", Some(&token), json!({})).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({"id": 121, "username": "jack", "name": "Jack"}));
}

#[tokio::test]
async fn me_without_a_token_is_401_with_a_bearer_challenge() {
    let server = TestServer::start().await;
    let response = server.post("/api/me", None, json!({})).await;
    let challenge = response.headers().get("www-authenticate").cloned();
    let (status, body) = answer(response).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"], "missing_token");
    assert!(challenge.unwrap().to_str().unwrap().starts_with("Bearer"));
}

#[tokio::test]
async fn update_name_renames_the_token_holder_and_persists() {
    let server = TestServer::start().await;
    let token = server.token_for("john").await;
    let (status, body) = answer(
        server
            .post(
                "/api/update_name",
                Some(&token),
                json!({"name": "  Johnny B. "}),
            )
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        body,
        json!({"id": 120, "username": "john", "name": "Johnny B."})
    );

    let (_, me) = answer(server.post("/api/me", Some(&token), json!({})).await).await;
    assert_eq!(me["name"], "Johnny B.");
    let server = server.restart().await;
    assert_eq!(server.name_in_db(120).await, "Johnny B.");
}

#[tokio::test]
async fn name_update_uses_id_from_token_not_body() {
    let server = TestServer::start().await;
    let john = server.token_for("john").await;
    let body = json!({"name": "Mallory", "id": 121, "sub": "121", "user_id": 121});
    let (status, updated) = answer(server.post("/api/update_name", Some(&john), body).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(updated["id"], 120);
    assert_eq!(server.name_in_db(120).await, "Mallory");
    assert_eq!(server.name_in_db(121).await, "Jack");
}

/// John edits his token's payload to say he is Jack (121), keeping the old signature.
fn forge_as_jack(john_token: &str) -> String {
    let parts: Vec<&str> = john_token.split('.').collect();
    let mut payload: Value = serde_json::from_slice(&B64.decode(parts[1]).unwrap()).unwrap();
    payload["sub"] = json!("121");
    payload["name"] = json!("Jack");
    format!(
        "{}.{}.{}",
        parts[0],
        B64.encode(payload.to_string()),
        parts[2]
    )
}

#[tokio::test]
async fn tampered_token_is_rejected_and_nothing_changes() {
    let server = TestServer::start().await;
    let forged = forge_as_jack(&server.token_for("john").await);
    let response = server
        .post("/api/update_name", Some(&forged), json!({"name": "Hacked"}))
        .await;
    let challenge = response
        .headers()
        .get("www-authenticate")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let (status, body) = answer(response).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"], "invalid_token");
    assert!(challenge.contains("invalid_token"), "{challenge}");
    assert_eq!(server.name_in_db(121).await, "Jack");
    assert_eq!(server.name_in_db(120).await, "John");

    let (status, _) = answer(server.post("/api/me", Some(&forged), json!({})).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

fn sign_with(secret: &str, alg: Algorithm, claims: &Value) -> String {
    encode(
        &Header::new(alg),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

fn claims_for(sub: &str, exp_offset: i64) -> Value {
    let now = jsonwebtoken::get_current_timestamp() as i64;
    json!({"sub": sub, "name": "Jack", "admin": true, "iat": now, "exp": now + exp_offset,
           "iss": "photo-spots", "aud": "photo-spots", "jti": "forged", "ver": 0})
}

#[tokio::test]
async fn forged_expired_and_unsigned_tokens_are_each_refused_and_change_nothing() {
    let server = TestServer::start().await;
    let unsigned = format!(
        "{}.{}.",
        B64.encode(json!({"alg": "none", "typ": "JWT"}).to_string()),
        B64.encode(claims_for("121", 600).to_string())
    );
    let cases = [
        (
            "wrong key",
            sign_with(
                "some-other-secret-that-is-long-enough!!",
                Algorithm::HS256,
                &claims_for("121", 600),
            ),
        ),
        (
            "HS512 with the right secret",
            sign_with(SECRET, Algorithm::HS512, &claims_for("121", 600)),
        ),
        (
            "expired",
            sign_with(SECRET, Algorithm::HS256, &claims_for("121", -3600)),
        ),
        ("alg none", unsigned),
        (
            "unknown user",
            sign_with(SECRET, Algorithm::HS256, &claims_for("999", 600)),
        ),
        ("garbage", "not.a.token".to_owned()),
    ];
    for (what, token) in cases {
        let (status, body) = answer(
            server
                .post("/api/update_name", Some(&token), json!({"name": "Hacked"}))
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{what}: {body}");
        assert!(
            body["message"].as_str().unwrap().contains("log in again"),
            "{what}: {body}"
        );
    }
    assert_eq!(server.name_in_db(121).await, "Jack");
}

#[tokio::test]
async fn invalid_names_are_422_with_a_message_and_change_nothing() {
    let server = TestServer::start().await;
    let token = server.token_for("john").await;
    let too_long = "x".repeat(51);
    for (name, expected) in [
        ("   ", "can't be empty"),
        (too_long.as_str(), "at most 50"),
        ("Jo\nhn", "control characters"),
    ] {
        let (status, body) = answer(
            server
                .post("/api/update_name", Some(&token), json!({"name": name}))
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{name:?}");
        assert_eq!(body["field"], "name");
        assert!(
            body["message"].as_str().unwrap().contains(expected),
            "{body}"
        );
    }
    assert_eq!(server.name_in_db(120).await, "John");
}

#[tokio::test]
async fn markup_in_a_name_is_stored_as_typed() {
    let server = TestServer::start().await;
    let token = server.token_for("john").await;
    let name = "<img src=x onerror=alert(1)>";
    let (status, body) = answer(
        server
            .post("/api/update_name", Some(&token), json!({"name": name}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["name"], name);
    assert_eq!(server.name_in_db(120).await, name);
}

#[tokio::test]
async fn unknown_api_paths_are_404_json() {
    let server = TestServer::start().await;
    let (status, body) = answer(server.post("/api/delete_everything", None, json!({})).await).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"], "not_found");
}

#[tokio::test]
async fn demo_users_are_not_overwritten_on_restart() {
    let server = TestServer::start().await;
    let token = server.token_for("jack").await;
    server
        .post("/api/update_name", Some(&token), json!({"name": "Jackie"}))
        .await;
    let server = server.restart().await;
    assert_eq!(server.name_in_db(121).await, "Jackie");
    // Tokens survive the restart: nothing about them was stored in the server.
    let (status, me) = answer(server.post("/api/me", Some(&token), json!({})).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["name"], "Jackie");
}

#[tokio::test]
async fn me_and_logout_all_accept_an_empty_body() {
    let server = TestServer::start().await;
    let token = server.token_for("john").await;
    // What `curl -X POST -H 'Authorization: Bearer …'` sends: no body, no content type.
    let bare = |path: &str| {
        server
            .http
            .post(format!("{}{path}", server.base))
            .bearer_auth(&token)
            .send()
    };
    let (status, body) = answer(bare("/api/me").await.unwrap()).await;
    assert_eq!((status, body["id"].as_i64()), (StatusCode::OK, Some(120)));
    let (status, _) = answer(bare("/api/logout_all").await.unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = answer(bare("/api/me").await.unwrap()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "logged out everywhere");
}

#[tokio::test]
async fn no_token_is_401_whatever_the_body() {
    let server = TestServer::start().await;
    for path in [
        "/api/me",
        "/api/logout_all",
        "/api/update_name",
        "/api/change_password",
    ] {
        for body in ["", "{", "not json", "{\"name\": 5}"] {
            let response = server
                .http
                .post(format!("{}{path}", server.base))
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .unwrap();
            let (status, json) = answer(response).await;
            assert_eq!(
                status,
                StatusCode::UNAUTHORIZED,
                "{path} with {body:?}: {json}"
            );
            assert_eq!(json["error"], "missing_token");
        }
    }
    assert_eq!(server.name_in_db(120).await, "John");
}

#[tokio::test]
async fn with_a_token_a_malformed_body_is_still_400() {
    let server = TestServer::start().await;
    let token = server.token_for("john").await;
    let response = server
        .http
        .post(format!("{}/api/update_name", server.base))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .unwrap();
    let (status, body) = answer(response).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("bad_request"))
    );
    assert_eq!(server.name_in_db(120).await, "John");
}

#[tokio::test]
async fn a_body_that_is_not_a_json_object_is_refused_and_changes_nothing() {
    let server = TestServer::start().await;
    let token = server.token_for("john").await;
    for body in [json!(["Bob"]), json!("Bob"), json!(null)] {
        let (status, answer) = answer(
            server
                .post("/api/update_name", Some(&token), body.clone())
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {answer}");
    }
    assert_eq!(server.name_in_db(120).await, "John");
}
