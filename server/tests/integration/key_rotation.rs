//! The published keys: the JWKS, rotation while both services run, and a
//! second service that can't be made to hammer the issuer.

use crate::common;

use app::auth::keys::{KeyRing, PrivateKey, PublicJwk};
use axum::{Router, routing::get};
use common::{FavoritesServer, TestServer, answer, john_claims, sign_eddsa};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::{
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

async fn jwks(photo_spots: &TestServer) -> (Value, String) {
    let response = photo_spots.get("/.well-known/jwks.json", None).await;
    let cache = response.headers()["cache-control"]
        .to_str()
        .unwrap()
        .to_owned();
    let (status, body) = answer(response).await;
    assert_eq!(status, StatusCode::OK);
    (body, cache)
}

fn kids(jwks: &Value) -> Vec<String> {
    jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|key| key["kid"].as_str().unwrap().to_owned())
        .collect()
}

fn kid_of(token: &str) -> String {
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
    let header: Value =
        serde_json::from_slice(&B64.decode(token.split('.').next().unwrap()).unwrap()).unwrap();
    header["kid"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_jwks_publishes_the_signing_key_and_nothing_private() {
    let photo_spots = TestServer::start_with_public_keys(&[]).await;
    let (set, cache) = jwks(&photo_spots).await;
    assert_eq!(cache, "public, max-age=300");
    let key = &set["keys"][0];
    let pem = std::fs::read_to_string(photo_spots.key_file()).unwrap();
    let signing = PrivateKey::from_pem(&pem).unwrap();
    assert_eq!(
        key,
        &json!({"kty": "OKP", "crv": "Ed25519", "x": signing.public().x(), "kid": signing.kid(),
                "alg": "EdDSA", "use": "sig"})
    );
    let token = photo_spots.token_for("john").await;
    assert_eq!(kid_of(&token), signing.kid());
}

/// `server keys rotate` while both services run: new tokens use the new key
/// at once, the old key's tokens keep working on both until the old key
/// retires, and after that they are refused by both.
#[tokio::test]
async fn rotation_while_both_services_run() {
    // Tokens live 3 s, so the retired key leaves after 3 + 5 s of leeway;
    // the JWKS may be cached for 1 s.
    let env = [("JWT_TTL_SECONDS", "3"), ("JWKS_MAX_AGE_SECONDS", "1")];
    let photo_spots = TestServer::start_with_public_keys(&env).await;
    let favorites = FavoritesServer::trusting(&photo_spots).await;
    let old_token = photo_spots.token_for("john").await;
    favorites.wait_for_keys(&old_token).await;
    // What a thief of the old private key could sign, valid for ten minutes.
    let old_pem = std::fs::read_to_string(photo_spots.key_file()).unwrap();
    let stolen = sign_eddsa(&old_pem, None, &photo_spots.signed_in_claims("john").await);

    let (old_kid, new_kid) =
        KeyRing::rotate(&photo_spots.key_file(), Duration::from_secs(3 + 5)).unwrap();
    let new_token = photo_spots.token_for("john").await;
    assert_eq!(
        kid_of(&new_token),
        new_kid,
        "new tokens use the new key at once"
    );
    assert_eq!(kid_of(&old_token), old_kid);
    assert_eq!(
        kids(&jwks(&photo_spots).await.0),
        [new_kid.clone(), old_kid.clone()]
    );

    for (what, token) in [
        ("new", &new_token),
        ("old", &old_token),
        ("old key", &stolen),
    ] {
        let (status, _) = answer(photo_spots.post("/api/me", Some(token), json!({})).await).await;
        assert_eq!(status, StatusCode::OK, "main app refused the {what} token");
        let response = favorites
            .call(Method::GET, "/api/favorites", Some(token))
            .await;
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "favourites refused the {what} token"
        );
    }

    // After one token lifetime (and the leeway) the old key leaves the JWKS...
    let mut retired = false;
    for _ in 0..100 {
        if kids(&jwks(&photo_spots).await.0) == [new_kid.clone()] {
            retired = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(retired, "the old key never left the JWKS");
    // ...and its tokens are refused by the main app at once, and by the
    // favourites service once its copy of the JWKS expires (1 s).
    let (status, _) = answer(photo_spots.post("/api/me", Some(&stolen), json!({})).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let mut refused = false;
    for _ in 0..50 {
        let response = favorites
            .call(Method::GET, "/api/favorites", Some(&stolen))
            .await;
        if response.status() == StatusCode::UNAUTHORIZED {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(refused, "favourites still accepts the retired key");
    let fresh = photo_spots.token_for("john").await;
    let response = favorites
        .call(Method::GET, "/api/favorites", Some(&fresh))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

/// A JWKS server that counts how often it is asked.
async fn counting_issuer(key: &PrivateKey) -> (String, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let body = json!({"keys": [PublicJwk::from(key.public())]}).to_string();
    let counter = hits.clone();
    let app = Router::new().route(
        "/jwks.json",
        get(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            let body = body.clone();
            async move { ([("cache-control", "max-age=3600")], body) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/jwks.json", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, hits)
}

#[tokio::test]
async fn made_up_kids_cause_at_most_one_refetch() {
    let key = PrivateKey::generate().unwrap();
    let (url, hits) = counting_issuer(&key).await;
    let favorites = FavoritesServer::start(&[("JWT_JWKS_URL", &url)]).await;
    let good = sign_eddsa(&key.to_pem(), None, &john_claims());
    favorites.wait_for_keys(&good).await;
    assert_eq!(hits.load(Ordering::SeqCst), 1);
    for n in 0..25 {
        let junk = sign_eddsa(&key.to_pem(), Some(&format!("junk-{n}")), &john_claims());
        let response = favorites
            .call(Method::GET, "/api/favorites", Some(&junk))
            .await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        hits.load(Ordering::SeqCst),
        2,
        "one refetch for the first unknown kid, then none"
    );
    let response = favorites
        .call(Method::GET, "/api/favorites", Some(&good))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_jwks_holding_other_kinds_of_keys_gives_them_no_trust() {
    // An issuer (or someone between) publishing an HMAC key: never used.
    let secret = b"0123456789abcdef0123456789abcdef";
    let app = Router::new().route(
        "/jwks.json",
        get(|| async {
            json!({"keys": [{"kty": "oct", "k": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY", "kid": "hmac", "alg": "HS256"}]}).to_string()
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/jwks.json", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let favorites = FavoritesServer::start(&[("JWT_JWKS_URL", &url)]).await;
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    header.kid = Some("hmac".into());
    let token = jsonwebtoken::encode(
        &header,
        &john_claims(),
        &jsonwebtoken::EncodingKey::from_secret(secret),
    )
    .unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    // The set holds no usable key, so the service has none: "unavailable",
    // never the HMAC key.
    let status = favorites
        .call(Method::GET, "/api/favorites", Some(&token))
        .await
        .status();
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
}
