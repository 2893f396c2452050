//! Every way people try to get a forged token past the server, over HTTP.
//! Each must be refused with 401 and change nothing.

use crate::common;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
use common::{SECRET, TestServer, answer};
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn now() -> i64 {
    jsonwebtoken::get_current_timestamp() as i64
}

/// Claims that would be accepted for Jack (121) if correctly signed: those
/// of a real sign-in of his (a live session), made an admin's.
async fn jack_claims(server: &TestServer) -> Value {
    let mut claims = server.signed_in_claims("jack").await;
    claims["admin"] = json!(true);
    claims["jti"] = json!("attack");
    claims
}

fn with(mut claims: Value, key: &str, value: Value) -> Value {
    claims[key] = value;
    claims
}

fn without(mut claims: Value, key: &str) -> Value {
    claims.as_object_mut().unwrap().remove(key);
    claims
}

fn sign(header: &Header, claims: &Value, secret: &str) -> String {
    encode(header, claims, &EncodingKey::from_secret(secret.as_bytes())).unwrap()
}

fn hs256(claims: &Value) -> String {
    sign(&Header::new(Algorithm::HS256), claims, SECRET)
}

fn b64(value: &Value) -> String {
    B64.encode(value.to_string())
}

/// A token with a hand-written header and the given signature part.
fn raw(header: Value, claims: &Value, signature: &str) -> String {
    format!("{}.{}.{signature}", b64(&header), b64(claims))
}

async fn assert_refused(server: &TestServer, what: &str, authorization: Option<&str>) {
    let mut request = server
        .http
        .post(format!("{}/api/update_name", server.base))
        .json(&json!({"name": "Pwned"}));
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    let (status, body) = answer(request.send().await.unwrap()).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "{what} was not refused: {body}"
    );
    assert_eq!(
        server.name_in_db(121).await,
        "Jack",
        "{what} changed Jack's name"
    );
}

#[tokio::test]
async fn a_correctly_signed_token_is_accepted_so_the_refusals_below_mean_something() {
    let server = TestServer::start().await;
    let token = hs256(&jack_claims(&server).await);
    let (status, _) = answer(server.post("/api/me", Some(&token), json!({})).await).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn unsigned_and_wrongly_signed_tokens_are_refused() {
    let server = TestServer::start().await;
    let claims = jack_claims(&server).await;
    let good = hs256(&claims);
    let good_signature = good.rsplit('.').next().unwrap().to_owned();
    let mut cases = vec![];
    for alg in ["none", "None", "NONE", "nOnE"] {
        let header = json!({"alg": alg, "typ": "JWT"});
        cases.push((
            format!("alg {alg}, empty signature"),
            raw(header.clone(), &claims, ""),
        ));
        cases.push((
            format!("alg {alg}, kept signature"),
            raw(header, &claims, &good_signature),
        ));
    }
    let (head, _) = good.rsplit_once('.').unwrap();
    cases.push(("signature removed".into(), format!("{head}.")));
    cases.push(("signature part missing".into(), head.to_owned()));
    cases.push((
        "another key".into(),
        sign(
            &Header::new(Algorithm::HS256),
            &claims,
            "an-attackers-own-secret-0123456789",
        ),
    ));
    cases.push((
        "HS384, same secret".into(),
        sign(&Header::new(Algorithm::HS384), &claims, SECRET),
    ));
    cases.push((
        "HS512, same secret".into(),
        sign(&Header::new(Algorithm::HS512), &claims, SECRET),
    ));
    for (field, value) in [
        ("kid", "../../dev/null"),
        ("jku", "https://evil.example/jwks.json"),
        ("x5u", "https://evil.example/cert.pem"),
    ] {
        let header = json!({"alg": "HS256", "typ": "JWT", field: value});
        let forged_signature = B64.encode([7u8; 32]);
        cases.push((
            format!("header {field} pointing elsewhere"),
            raw(header, &claims, &forged_signature),
        ));
    }
    for (what, token) in cases {
        assert_refused(&server, &what, Some(&format!("Bearer {token}"))).await;
    }
}

#[tokio::test]
async fn tokens_with_bad_claims_are_refused() {
    let server = TestServer::start().await;
    let claims = jack_claims(&server).await;
    let cases = [
        (
            "expired beyond the leeway",
            with(claims.clone(), "exp", json!(now() - 60)),
        ),
        (
            "not valid yet (nbf)",
            with(claims.clone(), "nbf", json!(now() + 600)),
        ),
        (
            "wrong issuer",
            with(claims.clone(), "iss", json!("evil-corp")),
        ),
        (
            "wrong audience",
            with(claims.clone(), "aud", json!("another-app")),
        ),
        ("missing exp", without(claims.clone(), "exp")),
        ("missing sub", without(claims.clone(), "sub")),
        ("numeric sub", with(claims.clone(), "sub", json!(121))),
        (
            "sub of no user",
            with(claims.clone(), "sub", json!("999999")),
        ),
        ("older token version", with(claims.clone(), "ver", json!(7))),
    ];
    for (what, claims) in cases {
        assert_refused(&server, what, Some(&format!("Bearer {}", hs256(&claims)))).await;
    }
}

#[tokio::test]
async fn a_token_from_before_a_password_change_is_refused() {
    let server = TestServer::start().await;
    let old = server.token_for("jack").await;
    let body = json!({"current_password": "jack-password", "new_password": "jacks-new-password"});
    let (status, _) = answer(server.post("/api/change_password", Some(&old), body).await).await;
    assert_eq!(status, StatusCode::OK);
    assert_refused(&server, "pre-change token", Some(&format!("Bearer {old}"))).await;
}

#[tokio::test]
async fn garbage_and_wrong_schemes_are_refused() {
    let server = TestServer::start().await;
    let good = server.token_for("jack").await;
    let cases = [
        ("no header", None),
        ("empty bearer", Some("Bearer ".to_owned())),
        ("garbage", Some("Bearer garbage".to_owned())),
        ("two parts", Some("Bearer aGVsbG8.d29ybGQ".to_owned())),
        ("four parts", Some(format!("Bearer {good}.AAAA"))),
        ("not base64", Some("Bearer !!!.@@@.###".to_owned())),
        ("token without scheme", Some(good.clone())),
        ("Basic scheme", Some(format!("Basic {good}"))),
        ("Token scheme", Some(format!("Token {good}"))),
        ("token in quotes", Some(format!("Bearer \"{good}\""))),
    ];
    for (what, header) in cases {
        assert_refused(&server, what, header.as_deref()).await;
    }
}
