//! The favourites service: a second service that accepts Photo Spots tokens
//! by the main app's published public keys, and refuses everything else.

use crate::common;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
use common::{FavoritesServer, TestServer, answer, free_addr, john_claims, sign_eddsa};
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn both() -> (TestServer, FavoritesServer) {
    let photo_spots = TestServer::start_with_public_keys(&[]).await;
    let favorites = FavoritesServer::trusting(&photo_spots).await;
    (photo_spots, favorites)
}

async fn status_of(
    favorites: &FavoritesServer,
    method: Method,
    path: &str,
    token: Option<&str>,
) -> StatusCode {
    favorites.call(method, path, token).await.status()
}

#[tokio::test]
async fn a_photo_spots_login_token_stars_and_unstars_spots() {
    let (photo_spots, favorites) = both().await;
    let john = photo_spots.token_for("john").await;
    favorites.wait_for_keys(&john).await;
    assert!(favorites.spots(&john).await.is_empty());
    for path in [
        "/api/favorites/kirkjufell",
        "/api/favorites/kirkjufell",
        "/api/favorites/trolltunga",
    ] {
        let response = favorites.call(Method::PUT, path, Some(&john)).await;
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        assert_eq!(response.headers()["cache-control"], "no-store");
    }
    assert_eq!(favorites.spots(&john).await, ["kirkjufell", "trolltunga"]);
    for _ in 0..2 {
        let status = status_of(
            &favorites,
            Method::DELETE,
            "/api/favorites/kirkjufell",
            Some(&john),
        )
        .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
    }
    assert_eq!(favorites.spots(&john).await, ["trolltunga"]);
}

#[tokio::test]
async fn jack_never_sees_or_changes_johns_favourites() {
    let (photo_spots, favorites) = both().await;
    let john = photo_spots.token_for("john").await;
    let jack = photo_spots.token_for("jack").await;
    favorites.wait_for_keys(&john).await;
    favorites
        .call(Method::PUT, "/api/favorites/moraine-lake", Some(&john))
        .await;
    assert!(favorites.spots(&jack).await.is_empty());
    let status = status_of(
        &favorites,
        Method::DELETE,
        "/api/favorites/moraine-lake",
        Some(&jack),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::NO_CONTENT,
        "removing what you don't have is a no-op"
    );
    assert_eq!(favorites.spots(&john).await, ["moraine-lake"]);
}

/// Every forged or wrong token: 401 with a bearer challenge and our error
/// shape, on both services, and nothing stored.
#[tokio::test]
async fn forged_expired_and_misdirected_tokens_are_refused_by_both_services() {
    let (photo_spots, favorites) = both().await;
    let john = photo_spots.token_for("john").await;
    favorites.wait_for_keys(&john).await;
    let pem = std::fs::read_to_string(photo_spots.key_file()).unwrap();
    let public_key = app::auth::keys::PrivateKey::from_pem(&pem).unwrap();
    let kid = public_key.kid().to_owned();
    let x = public_key.public().x();
    let with = |edit: fn(&mut Value)| {
        let mut claims = john_claims();
        edit(&mut claims);
        claims
    };
    let [header, payload, signature]: [&str; 3] =
        john.split('.').collect::<Vec<_>>().try_into().unwrap();
    let mut as_jack: Value = serde_json::from_slice(&B64.decode(payload).unwrap()).unwrap();
    as_jack["sub"] = "121".into();
    let foreign = app::auth::keys::PrivateKey::generate().unwrap().to_pem();
    let hs256_with = |secret: &[u8]| {
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(kid.clone());
        encode(&header, &john_claims(), &EncodingKey::from_secret(secret)).unwrap()
    };
    let raw_header = |header: Value| B64.encode(header.to_string());
    let cases: Vec<(&str, String)> = vec![
        (
            "payload edited to Jack",
            format!("{header}.{}.{signature}", B64.encode(as_jack.to_string())),
        ),
        (
            "expired",
            sign_eddsa(
                &pem,
                None,
                &with(|c| c["exp"] = (jsonwebtoken::get_current_timestamp() - 60).into()),
            ),
        ),
        (
            "for no audience of ours",
            sign_eddsa(&pem, None, &with(|c| c["aud"] = json!(["bank", "pension"]))),
        ),
        (
            "from another issuer",
            sign_eddsa(&pem, None, &with(|c| c["iss"] = "evil-corp".into())),
        ),
        (
            "unknown kid",
            sign_eddsa(&pem, Some("not-a-key-we-publish"), &john_claims()),
        ),
        (
            "foreign key with our kid",
            sign_eddsa(&foreign, Some(&kid), &john_claims()),
        ),
        (
            "foreign key, its own kid",
            sign_eddsa(&foreign, None, &john_claims()),
        ),
        (
            "HS256 keyed with the public key",
            hs256_with(&B64.decode(&x).unwrap()),
        ),
        (
            "HS256 keyed with the public key's text",
            hs256_with(x.as_bytes()),
        ),
        (
            "alg none",
            format!(
                "{}.{payload}.",
                raw_header(json!({"alg": "none", "kid": kid}))
            ),
        ),
        (
            "jku pointing at the attacker",
            format!(
                "{}.{payload}.{signature}",
                raw_header(
                    json!({"alg": "EdDSA", "kid": kid, "jku": "https://evil.example/jwks.json"})
                )
            ),
        ),
        ("jwk in the header", {
            let evil = app::auth::keys::PrivateKey::generate().unwrap();
            let mut header = Header::new(Algorithm::EdDSA);
            header.jwk = Some(
                serde_json::from_value(
                    serde_json::to_value(app::auth::keys::PublicJwk::from(evil.public())).unwrap(),
                )
                .unwrap(),
            );
            encode(&header, &john_claims(), evil.encoding_key()).unwrap()
        }),
        ("garbage", "not.a.token".to_owned()),
    ];
    for (what, token) in &cases {
        let response = favorites
            .call(Method::PUT, "/api/favorites/pwned", Some(token))
            .await;
        let challenge = response.headers().get("www-authenticate").cloned();
        let (status, body) = answer(response).await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "favourites accepted: {what} ({body})"
        );
        assert!(
            challenge.unwrap().to_str().unwrap().starts_with("Bearer"),
            "{what}"
        );
        assert!(
            body["error"].as_str().unwrap().ends_with("_token"),
            "{what}: {body}"
        );
        assert!(body["message"].is_string(), "{what}");
        let (status, _) = answer(photo_spots.post("/api/me", Some(token), json!({})).await).await;
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "the main app accepted: {what}"
        );
    }
    let none = favorites
        .call(Method::PUT, "/api/favorites/pwned", None)
        .await;
    assert_eq!(none.status(), StatusCode::UNAUTHORIZED);
    assert!(
        favorites.spots(&john).await.is_empty(),
        "a refused call stored something"
    );
}

/// Each service accepts a token only if its `aud` names that service.
#[tokio::test]
async fn a_token_for_one_service_is_refused_by_the_other() {
    let (photo_spots, favorites) = both().await;
    let john = photo_spots.token_for("john").await;
    favorites.wait_for_keys(&john).await;
    let pem = std::fs::read_to_string(photo_spots.key_file()).unwrap();
    // A real session's claims: the main app also checks that it is live.
    let johns = photo_spots.signed_in_claims("john").await;
    let for_audience = |aud: Value| {
        let mut claims = johns.clone();
        claims["aud"] = aud;
        sign_eddsa(&pem, None, &claims)
    };
    let main_only = for_audience(json!(["photo-spots"]));
    let favorites_only = for_audience(json!("favorites"));
    let me = |token: String| {
        let photo_spots = &photo_spots;
        async move {
            photo_spots
                .post("/api/me", Some(&token), json!({}))
                .await
                .status()
        }
    };
    assert_eq!(me(main_only.clone()).await, StatusCode::OK);
    assert_eq!(me(favorites_only.clone()).await, StatusCode::UNAUTHORIZED);
    assert_eq!(
        status_of(&favorites, Method::GET, "/api/favorites", Some(&main_only)).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        status_of(
            &favorites,
            Method::GET,
            "/api/favorites",
            Some(&favorites_only)
        )
        .await,
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_token_is_checked_before_the_spot() {
    let (photo_spots, favorites) = both().await;
    let john = photo_spots.token_for("john").await;
    favorites.wait_for_keys(&john).await;
    for bad in ["Kirkjufell", "a_b", "x%2Fy", "%00", &"a".repeat(65)] {
        let path = format!("/api/favorites/{bad}");
        assert_eq!(
            status_of(&favorites, Method::PUT, &path, None).await,
            StatusCode::UNAUTHORIZED
        );
        let (status, body) = answer(favorites.call(Method::PUT, &path, Some(&john)).await).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .contains("lowercase letters"),
            "{body}"
        );
    }
    assert!(favorites.spots(&john).await.is_empty());
}

#[tokio::test]
async fn unknown_paths_methods_and_oversized_requests_get_json_errors() {
    let (photo_spots, favorites) = both().await;
    let john = photo_spots.token_for("john").await;
    let missing = favorites
        .call(Method::GET, "/api/nothing-here", Some(&john))
        .await;
    let request_id = missing.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let (status, body) = answer(missing).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
    assert_eq!(body["request_id"], request_id.as_str(), "{body}");
    let (status, body) = answer(favorites.call(Method::GET, "/api/ready", None).await).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, Some("ready")));
    let (status, body) = answer(
        favorites
            .call(Method::POST, "/api/favorites", Some(&john))
            .await,
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::METHOD_NOT_ALLOWED, Some("method_not_allowed"))
    );
    let huge = favorites
        .http
        .get(format!("{}/api/favorites", favorites.base))
        .bearer_auth(&john)
        .header("x-padding", "p".repeat(9 * 1024))
        .send()
        .await
        .unwrap();
    let (status, body) = answer(huge).await;
    assert_eq!(
        (status.as_u16(), body["error"].as_str()),
        (431, Some("headers_too_large"))
    );
    let body_sent = favorites
        .http
        .put(format!("{}/api/favorites/kirkjufell", favorites.base))
        .bearer_auth(&john)
        // Past the largest body it reads, a security event's.
        .body(vec![b'x'; app::auth::security_event::MAX_SET_BYTES + 1])
        .send()
        .await
        .unwrap();
    assert_eq!(body_sent.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn only_the_main_apps_origin_may_call_from_a_browser() {
    let favorites = FavoritesServer::start(&[
        ("JWT_JWKS_URL", "http://127.0.0.1:9/jwks.json"),
        ("FAVORITES_ALLOWED_ORIGINS", "http://photos.test:3000"),
    ])
    .await;
    let preflight = |origin: &'static str| {
        favorites
            .http
            .request(
                Method::OPTIONS,
                format!("{}/api/favorites/kirkjufell", favorites.base),
            )
            .header("origin", origin)
            .header("access-control-request-method", "PUT")
            .header("access-control-request-headers", "authorization")
            .send()
    };
    let allowed = preflight("http://photos.test:3000").await.unwrap();
    assert!(allowed.status().is_success());
    let headers = allowed.headers();
    assert_eq!(
        headers["access-control-allow-origin"],
        "http://photos.test:3000"
    );
    assert!(
        headers["access-control-allow-methods"]
            .to_str()
            .unwrap()
            .contains("PUT")
    );
    assert!(
        headers["access-control-allow-headers"]
            .to_str()
            .unwrap()
            .contains("authorization")
    );
    assert!(headers.get("access-control-allow-credentials").is_none());
    let other = preflight("https://evil.example").await.unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn started_before_the_main_app_it_waits_then_works() {
    let addr = free_addr();
    let favorites = FavoritesServer::start(&[(
        "JWT_JWKS_URL",
        &format!("http://{addr}/.well-known/jwks.json"),
    )])
    .await;
    let early = favorites
        .call(Method::GET, "/api/favorites", Some("a.b.c"))
        .await;
    let (status, body) = answer(early).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_token"))
    );
    let shaped_like_ours = sign_eddsa(
        &app::auth::keys::PrivateKey::generate().unwrap().to_pem(),
        None,
        &john_claims(),
    );
    let (status, body) = answer(
        favorites
            .call(Method::GET, "/api/favorites", Some(&shaped_like_ours))
            .await,
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, Some("unavailable"))
    );
    // Now the main app comes up where the favourites service looks for keys.
    let photo_spots = TestServer::start_public_keys_at(&addr, &[]).await;
    let john = photo_spots.token_for("john").await;
    favorites.wait_for_keys(&john).await;
    assert!(favorites.spots(&john).await.is_empty());
}

#[tokio::test]
async fn shared_secret_mode_works_across_both_services() {
    let photo_spots = TestServer::start().await;
    let favorites = FavoritesServer::start(&[("JWT_SECRET", common::SECRET)]).await;
    let john = photo_spots.token_for("john").await;
    let (status, _) = answer(photo_spots.get("/.well-known/jwks.json", None).await).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "a shared secret must never be published"
    );
    assert_eq!(
        status_of(
            &favorites,
            Method::PUT,
            "/api/favorites/trolltunga",
            Some(&john)
        )
        .await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(favorites.spots(&john).await, ["trolltunga"]);
    let other_secret =
        FavoritesServer::start(&[("JWT_SECRET", "a-different-secret-for-another-company")]).await;
    assert_eq!(
        status_of(&other_secret, Method::GET, "/api/favorites", Some(&john)).await,
        StatusCode::UNAUTHORIZED
    );
}
