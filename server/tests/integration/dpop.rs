//! Sender-constrained tokens (DPoP, RFC 9449) over HTTP, on the app and the
//! favourites service: a token bound to a key is refused without a fresh
//! proof by that key for that very request, so a copy of it is worth
//! nothing elsewhere.

use crate::common;

use app::auth::dpop::{ProofKey, access_token_hash};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use common::{FavoritesServer, TestServer, answer, new_postgres_database};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde_json::{Value, json};

/// Where the app says it is: proofs name it, whatever address the test
/// reaches it on (as behind a load balancer).
const ORIGIN: &str = "https://photos.example";
const FAVORITES_ORIGIN: &str = "https://favorites.example";
const COOKIE: &str = "photo_spots_refresh";

async fn app() -> TestServer {
    TestServer::start_with_public_keys(&[("PUBLIC_ORIGIN", ORIGIN)]).await
}

/// A bound login: the token, its key, and the refresh cookie.
struct Bound {
    token: String,
    key: ProofKey,
    cookie: String,
}

async fn bound_login(server: &TestServer, username: &str) -> Bound {
    let key = ProofKey::generate().unwrap();
    let proof = key
        .proof("POST", &format!("{ORIGIN}/api/login"), None)
        .unwrap();
    let response = server
        .http
        .post(format!("{}/api/login", server.base))
        .header("dpop", proof)
        .json(&json!({"username": username, "password": format!("{username}-password")}))
        .send()
        .await
        .unwrap();
    let cookie = refresh_cookie(&response).expect("a refresh cookie");
    let (status, body) = answer(response).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["token_type"], "DPoP");
    Bound {
        token: body["token"].as_str().unwrap().to_owned(),
        key,
        cookie,
    }
}

fn refresh_cookie(response: &Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(|value| value.strip_prefix(&format!("{COOKIE}=")))
        .map(|rest| rest.split(';').next().unwrap_or_default().to_owned())
}

fn payload(token: &str) -> Value {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

/// `POST /api/me` presenting `token` as `scheme`, with `proof` if given.
async fn me(server: &TestServer, scheme: &str, token: &str, proof: Option<String>) -> Response {
    let mut request = server
        .http
        .post(format!("{}/api/me", server.base))
        .header("authorization", format!("{scheme} {token}"))
        .json(&json!({}));
    if let Some(proof) = proof {
        request = request.header("dpop", proof);
    }
    request.send().await.unwrap()
}

fn me_proof(login: &Bound) -> String {
    login
        .key
        .proof("POST", &format!("{ORIGIN}/api/me"), Some(&login.token))
        .unwrap()
}

/// A 401 with a DPoP challenge naming `oauth_error`, and `problem` in the body.
async fn assert_dpop_refusal(response: Response, oauth_error: &str, problem: &str) {
    let challenge = response
        .headers()
        .get("www-authenticate")
        .map(|value| value.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let (status, body) = answer(response).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(body["error"], oauth_error, "{body}");
    assert_eq!(body["dpop"], problem, "{body}");
    assert!(
        challenge.starts_with(&format!("DPoP error=\"{oauth_error}\"")),
        "{challenge}"
    );
    assert!(challenge.contains("algs=\"ES256\""), "{challenge}");
}

/// Claims of a proof for `POST /api/me` with `token`, made now.
fn me_claims(token: &str) -> Value {
    json!({"jti": format!("{:x}", rand_u64()), "htm": "POST", "htu": format!("{ORIGIN}/api/me"),
           "iat": jsonwebtoken::get_current_timestamp(), "ath": access_token_hash(token)})
}

/// Unique within a test run: a proof's `jti`.
fn rand_u64() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    nanos ^ (NEXT.fetch_add(1, Ordering::Relaxed) << 48)
}

#[tokio::test]
async fn a_login_with_a_proof_gets_a_token_bound_to_its_key() {
    let server = app().await;
    let john = bound_login(&server, "john").await;
    assert_eq!(payload(&john.token)["cnf"]["jkt"], john.key.thumbprint());
    let (status, body) =
        answer(me(&server, "DPoP", &john.token, Some(me_proof(&john))).await).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["username"], "john");
}

#[tokio::test]
async fn a_login_without_a_proof_still_gets_a_bearer_token() {
    let server = app().await;
    let (status, body) = answer(server.login("john", "john-password").await).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["token_type"], "Bearer");
    let token = body["token"].as_str().unwrap();
    assert!(payload(token).get("cnf").is_none());
    assert_eq!(
        me(&server, "Bearer", token, None).await.status(),
        StatusCode::OK
    );
    // A bearer token presented as DPoP is refused: it names no key.
    let key = ProofKey::generate().unwrap();
    let proof = key
        .proof("POST", &format!("{ORIGIN}/api/me"), Some(token))
        .unwrap();
    assert_dpop_refusal(
        me(&server, "DPoP", token, Some(proof)).await,
        "invalid_token",
        "unbound_token_as_dpop",
    )
    .await;
}

#[tokio::test]
async fn a_bound_token_sent_as_bearer_is_refused_and_nothing_changes() {
    let server = app().await;
    let john = bound_login(&server, "john").await;
    let response = server
        .post(
            "/api/update_name",
            Some(&john.token),
            json!({"name": "Thief"}),
        )
        .await;
    assert_dpop_refusal(response, "invalid_token", "bound_token_as_bearer").await;
    assert_eq!(server.name_in_db(120).await, "John");
    // Without a proof at all, as DPoP: refused too.
    assert_dpop_refusal(
        me(&server, "DPoP", &john.token, None).await,
        "invalid_dpop_proof",
        "missing",
    )
    .await;
}

#[tokio::test]
async fn a_proof_signed_by_another_key_is_refused() {
    let server = app().await;
    let john = bound_login(&server, "john").await;
    let thief = ProofKey::generate().unwrap();
    let proof = thief
        .proof("POST", &format!("{ORIGIN}/api/me"), Some(&john.token))
        .unwrap();
    assert_dpop_refusal(
        me(&server, "DPoP", &john.token, Some(proof)).await,
        "invalid_dpop_proof",
        "wrong_key",
    )
    .await;
}

#[tokio::test]
async fn the_same_proof_twice_is_refused() {
    let server = app().await;
    let john = bound_login(&server, "john").await;
    let proof = me_proof(&john);
    assert_eq!(
        me(&server, "DPoP", &john.token, Some(proof.clone()))
            .await
            .status(),
        StatusCode::OK
    );
    assert_dpop_refusal(
        me(&server, "DPoP", &john.token, Some(proof)).await,
        "invalid_dpop_proof",
        "replayed",
    )
    .await;
}

#[tokio::test]
async fn a_proof_for_another_method_or_url_is_refused() {
    let server = app().await;
    let john = bound_login(&server, "john").await;
    let other_url = format!("{ORIGIN}/api/update_name");
    // The address the request really went to, as its Host header says: the
    // configured origin decides, not the Host header.
    let as_reached = format!("{}/api/me", server.base);
    for (method, url) in [
        ("GET", format!("{ORIGIN}/api/me")),
        ("POST", other_url),
        ("POST", as_reached),
    ] {
        let proof = john.key.proof(method, &url, Some(&john.token)).unwrap();
        assert_dpop_refusal(
            me(&server, "DPoP", &john.token, Some(proof)).await,
            "invalid_dpop_proof",
            "wrong_request",
        )
        .await;
    }
}

#[tokio::test]
async fn a_proof_for_another_token_is_refused() {
    let server = app().await;
    let john = bound_login(&server, "john").await;
    let mut claims = me_claims(&john.token);
    claims["ath"] = access_token_hash("some.other.token").into();
    let proof = john.key.sign(&claims).unwrap();
    assert_dpop_refusal(
        me(&server, "DPoP", &john.token, Some(proof)).await,
        "invalid_dpop_proof",
        "wrong_token",
    )
    .await;
}

#[tokio::test]
async fn a_proof_too_old_or_from_the_future_is_refused() {
    let server = app().await;
    let john = bound_login(&server, "john").await;
    let now = jsonwebtoken::get_current_timestamp();
    for iat in [now - 600, now + 600] {
        let mut claims = me_claims(&john.token);
        claims["iat"] = iat.into();
        let proof = john.key.sign(&claims).unwrap();
        assert_dpop_refusal(
            me(&server, "DPoP", &john.token, Some(proof)).await,
            "invalid_dpop_proof",
            "stale",
        )
        .await;
    }
}

#[tokio::test]
async fn a_proof_carrying_a_private_key_is_refused() {
    let server = app().await;
    let john = bound_login(&server, "john").await;
    let mut jwk = serde_json::to_value(john.key.public_jwk()).unwrap();
    jwk["d"] = "bm90IHJlYWxseQ".into();
    let header = json!({"typ": "dpop+jwt", "alg": "ES256", "jwk": jwk});
    let proof = john
        .key
        .sign_with_header(header, &me_claims(&john.token))
        .unwrap();
    assert_dpop_refusal(
        me(&server, "DPoP", &john.token, Some(proof)).await,
        "invalid_dpop_proof",
        "private_key",
    )
    .await;
}

#[tokio::test]
async fn unsigned_and_hmac_proofs_are_refused() {
    let server = app().await;
    let john = bound_login(&server, "john").await;
    let jwk = serde_json::to_value(john.key.public_jwk()).unwrap();
    let b64 = |value: &Value| URL_SAFE_NO_PAD.encode(value.to_string());
    let claims = me_claims(&john.token);
    let none = json!({"typ": "dpop+jwt", "alg": "none", "jwk": jwk});
    let unsigned = format!("{}.{}.", b64(&none), b64(&claims));
    // HS256 keyed with the public key itself, which the proof carries.
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    header.typ = Some("dpop+jwt".into());
    header.jwk = Some(john.key.public_jwk());
    let secret = jsonwebtoken::EncodingKey::from_secret(jwk.to_string().as_bytes());
    let hmac = jsonwebtoken::encode(&header, &claims, &secret).unwrap();
    for proof in [unsigned, hmac] {
        assert_dpop_refusal(
            me(&server, "DPoP", &john.token, Some(proof)).await,
            "invalid_dpop_proof",
            "invalid",
        )
        .await;
    }
}

/// `POST /api/refresh` as the page sends it, with `proof` if given.
async fn refresh(server: &TestServer, cookie: &str, proof: Option<String>) -> Response {
    let mut request = server
        .http
        .post(format!("{}/api/refresh", server.base))
        .header("cookie", format!("{COOKIE}={cookie}"))
        .header("x-photo-spots-csrf", "1");
    if let Some(proof) = proof {
        request = request.header("dpop", proof);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn a_bound_login_is_renewed_only_with_a_proof_by_its_key() {
    let server = app().await;
    let john = bound_login(&server, "john").await;
    let refresh_url = format!("{ORIGIN}/api/refresh");
    let thief = ProofKey::generate().unwrap();
    let stolen = refresh(
        &server,
        &john.cookie,
        Some(thief.proof("POST", &refresh_url, None).unwrap()),
    )
    .await;
    assert_dpop_refusal(stolen, "invalid_dpop_proof", "wrong_key").await;
    assert_dpop_refusal(
        refresh(&server, &john.cookie, None).await,
        "invalid_dpop_proof",
        "wrong_key",
    )
    .await;
    // The refusals spent nothing: John's own key renews, bound again.
    let renewed = refresh(
        &server,
        &john.cookie,
        Some(john.key.proof("POST", &refresh_url, None).unwrap()),
    )
    .await;
    let (status, body) = answer(renewed).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["token_type"], "DPoP");
    assert_eq!(
        payload(body["token"].as_str().unwrap())["cnf"]["jkt"],
        john.key.thumbprint()
    );
}

/// `POST /api/login` as John, with `password` and `proof`.
async fn login_with(server: &TestServer, password: &str, proof: &str) -> Response {
    server
        .http
        .post(format!("{}/api/login", server.base))
        .header("dpop", proof)
        .json(&json!({"username": "john", "password": password}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_login_proof_is_spent_only_by_a_login_that_succeeds() {
    // Anyone can make valid proofs with a key of their own: if a refused
    // login spent its proof, strangers could fill the replay cache, and
    // every DPoP call would be refused until it drained.
    let server = app().await;
    let key = ProofKey::generate().unwrap();
    let proof = key
        .proof("POST", &format!("{ORIGIN}/api/login"), None)
        .unwrap();
    let (status, body) = answer(login_with(&server, "not-his-password", &proof).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(body["error"], "invalid_credentials", "{body}");

    let (status, body) = answer(login_with(&server, "john-password", &proof).await).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        payload(body["token"].as_str().unwrap())["cnf"]["jkt"],
        key.thumbprint()
    );

    // Spent now: the same proof cannot log in again.
    assert_dpop_refusal(
        login_with(&server, "john-password", &proof).await,
        "invalid_dpop_proof",
        "replayed",
    )
    .await;
}

#[tokio::test]
async fn a_renewal_proof_is_spent_only_by_a_renewal_that_succeeds() {
    let server = app().await;
    let john = bound_login(&server, "john").await;
    let proof = john
        .key
        .proof("POST", &format!("{ORIGIN}/api/refresh"), None)
        .unwrap();
    // Well formed, but no login of ours.
    let forged = refresh(&server, &"A".repeat(43), Some(proof.clone())).await;
    assert_eq!(forged.status(), StatusCode::UNAUTHORIZED);

    let (status, body) = answer(refresh(&server, &john.cookie, Some(proof.clone())).await).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["token_type"], "DPoP");
}

/// `method path` with a bound token and a fresh proof for it.
fn with_proof(server: &TestServer, login: &Bound, method: Method, path: &str) -> RequestBuilder {
    let proof = login
        .key
        .proof(
            method.as_str(),
            &format!("{ORIGIN}{path}"),
            Some(&login.token),
        )
        .unwrap();
    server
        .http
        .request(method, format!("{}{path}", server.base))
        .header("authorization", format!("DPoP {}", login.token))
        .header("dpop", proof)
}

#[tokio::test]
async fn a_valid_proof_works_on_every_protected_endpoint() {
    let server = app().await;
    let ada = bound_login(&server, "ada").await;
    let ok = |response: Response| async move {
        let (status, body) = answer(response).await;
        assert!(status.is_success(), "{status} {body}");
        body
    };
    ok(with_proof(&server, &ada, Method::POST, "/api/me")
        .json(&json!({}))
        .send()
        .await
        .unwrap())
    .await;
    let renamed = ok(with_proof(&server, &ada, Method::POST, "/api/update_name")
        .json(&json!({"name": "Ada L."}))
        .send()
        .await
        .unwrap())
    .await;
    assert_eq!(renamed["name"], "Ada L.");
    ok(with_proof(&server, &ada, Method::GET, "/api/admin/spots")
        .send()
        .await
        .unwrap())
    .await;
    let changed = ok(with_proof(&server, &ada, Method::POST, "/api/change_password")
        .json(&json!({"current_password": "ada-password", "new_password": "a-brand-new-passphrase"}))
        .send().await.unwrap()).await;
    // The new login on this device stays bound to the same key.
    let token = changed["token"].as_str().unwrap().to_owned();
    assert_eq!(payload(&token)["cnf"]["jkt"], ada.key.thumbprint());
    let ada = Bound { token, ..ada };
    ok(with_proof(&server, &ada, Method::POST, "/api/logout_all")
        .json(&json!({}))
        .send()
        .await
        .unwrap())
    .await;
}

#[tokio::test]
async fn with_dpop_required_bearer_logins_and_tokens_are_refused() {
    let server =
        TestServer::start_with_public_keys(&[("PUBLIC_ORIGIN", ORIGIN), ("DPOP_REQUIRED", "1")])
            .await;
    let response = server.login("john", "john-password").await;
    assert_dpop_refusal(response, "invalid_token", "required").await;
    // A bearer token from before the switch (signed by the same keys).
    let holder = server
        .state
        .users
        .current_user(app::domain::UserId::new(120).unwrap())
        .await
        .unwrap()
        .unwrap();
    let (bearer, _) = server.tokens().issue(&holder).unwrap();
    assert_dpop_refusal(
        me(&server, "Bearer", &bearer, None).await,
        "invalid_token",
        "required",
    )
    .await;
    let john = bound_login(&server, "john").await;
    assert_eq!(
        me(&server, "DPoP", &john.token, Some(me_proof(&john)))
            .await
            .status(),
        StatusCode::OK
    );
}

async fn favorites_for(server: &TestServer) -> FavoritesServer {
    let jwks = format!("{}/.well-known/jwks.json", server.base);
    FavoritesServer::start(&[
        ("JWT_JWKS_URL", &jwks),
        ("FAVORITES_PUBLIC_ORIGIN", FAVORITES_ORIGIN),
    ])
    .await
}

/// `GET /api/favorites` on `favorites` presenting `token` as `scheme`.
async fn list(
    favorites: &FavoritesServer,
    scheme: &str,
    token: &str,
    proof: Option<String>,
) -> Response {
    let mut request = favorites
        .http
        .get(format!("{}/api/favorites", favorites.base))
        .header("authorization", format!("{scheme} {token}"));
    if let Some(proof) = proof {
        request = request.header("dpop", proof);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn the_favourites_service_checks_proofs_too() {
    let server = app().await;
    let favorites = favorites_for(&server).await;
    let john = bound_login(&server, "john").await;
    let url = format!("{FAVORITES_ORIGIN}/api/favorites");
    let proof = |key: &ProofKey, url: &str| key.proof("GET", url, Some(&john.token)).unwrap();
    // Its keys come from the app in the background.
    let mut status = StatusCode::SERVICE_UNAVAILABLE;
    for _ in 0..200 {
        status = list(
            &favorites,
            "DPoP",
            &john.token,
            Some(proof(&john.key, &url)),
        )
        .await
        .status();
        if status != StatusCode::SERVICE_UNAVAILABLE {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(status, StatusCode::OK);
    assert_dpop_refusal(
        list(&favorites, "Bearer", &john.token, None).await,
        "invalid_token",
        "bound_token_as_bearer",
    )
    .await;
    let thief = ProofKey::generate().unwrap();
    assert_dpop_refusal(
        list(&favorites, "DPoP", &john.token, Some(proof(&thief, &url))).await,
        "invalid_dpop_proof",
        "wrong_key",
    )
    .await;
    // A proof made for the app is not one for this service.
    let for_the_app = proof(&john.key, &format!("{ORIGIN}/api/favorites"));
    assert_dpop_refusal(
        list(&favorites, "DPoP", &john.token, Some(for_the_app)).await,
        "invalid_dpop_proof",
        "wrong_request",
    )
    .await;
    let once = proof(&john.key, &url);
    assert_eq!(
        list(&favorites, "DPoP", &john.token, Some(once.clone()))
            .await
            .status(),
        StatusCode::OK
    );
    assert_dpop_refusal(
        list(&favorites, "DPoP", &john.token, Some(once)).await,
        "invalid_dpop_proof",
        "replayed",
    )
    .await;
}

#[tokio::test]
async fn the_favourites_service_lets_pages_send_proofs_and_read_refusals() {
    let server = app().await;
    let favorites = favorites_for(&server).await;
    let preflight = favorites
        .http
        .request(Method::OPTIONS, format!("{}/api/favorites", favorites.base))
        .header("origin", "http://127.0.0.1:3000")
        .header("access-control-request-method", "GET")
        .header("access-control-request-headers", "authorization, dpop")
        .send()
        .await
        .unwrap();
    let allowed = preflight.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .to_ascii_lowercase();
    assert!(allowed.contains("dpop"), "{allowed}");
    let refused = favorites
        .http
        .get(format!("{}/api/favorites", favorites.base))
        .header("origin", "http://127.0.0.1:3000")
        .header("authorization", "Bearer not.a.token")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    let exposed = refused.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap();
    assert!(
        exposed.to_ascii_lowercase().contains("www-authenticate"),
        "{exposed}"
    );
}

/// With PostgreSQL, the proofs seen are shared: a proof used on one
/// instance is refused on another.
#[tokio::test]
#[cfg_attr(
    not(postgres_tests),
    ignore = "needs PostgreSQL: scripts/test.sh runs it"
)]
async fn a_proof_used_on_one_instance_is_refused_on_another() {
    let database = new_postgres_database().await;
    // Any 32 bytes, base64: the key that seals the signing keys in the database.
    let kek = "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80=";
    let env = [
        ("DATABASE_URL", database.as_str()),
        ("JWT_KEY_ENCRYPTION_KEY", kek),
        ("PUBLIC_ORIGIN", ORIGIN),
    ];
    let one = TestServer::start_with_database_keys(&env).await;
    let two = TestServer::start_with_database_keys(&env).await;
    let john = bound_login(&one, "john").await;
    let proof = me_proof(&john);
    assert_eq!(
        me(&one, "DPoP", &john.token, Some(proof.clone()))
            .await
            .status(),
        StatusCode::OK
    );
    assert_dpop_refusal(
        me(&two, "DPoP", &john.token, Some(proof)).await,
        "invalid_dpop_proof",
        "replayed",
    )
    .await;
    assert_eq!(
        me(&two, "DPoP", &john.token, Some(me_proof(&john)))
            .await
            .status(),
        StatusCode::OK
    );
}
