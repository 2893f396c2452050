//! The favourites service's `POST /api/security-events` (RFC 8935): only a
//! SET signed by the main app's published key, for this service, about a
//! known event, changes anything; everything else is refused with RFC
//! 8935's error code and changes nothing.

use crate::common;

use common::{FavoritesServer, TestServer, answer, claims_of};
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const ACCOUNT_PURGED: &str = "https://schemas.openid.net/secevent/risc/event-type/account-purged";

struct Setup {
    app: TestServer,
    favorites: FavoritesServer,
    john: String,
    pem: String,
}

/// The app and the favourites service, John with one favourite.
async fn setup() -> Setup {
    let app = TestServer::start_with_public_keys(&[]).await;
    let favorites = FavoritesServer::trusting(&app).await;
    let john = app.token_for("john").await;
    favorites.wait_for_keys(&john).await;
    let starred = favorites
        .call(Method::PUT, "/api/favorites/kirkjufell", Some(&john))
        .await;
    assert_eq!(starred.status(), StatusCode::NO_CONTENT);
    let pem = std::fs::read_to_string(app.key_file()).unwrap();
    Setup {
        app,
        favorites,
        john,
        pem,
    }
}

/// A SET's claims as the app makes them: John's account purged.
fn purged(jti: &str) -> Value {
    json!({
        "iss": "photo-spots", "aud": "favorites", "iat": jsonwebtoken::get_current_timestamp(),
        "jti": jti, "sub": "120", "events": {ACCOUNT_PURGED: {}}
    })
}

/// `claims` signed with the Ed25519 key in `pem`, as a SET (or as `typ`).
fn signed(pem: &str, claims: &Value, typ: &str) -> String {
    let key = app::auth::keys::PrivateKey::from_pem(pem).unwrap();
    let mut header = Header::new(Algorithm::EdDSA);
    header.typ = Some(typ.to_owned());
    header.kid = Some(key.kid().to_owned());
    encode(&header, claims, key.encoding_key()).unwrap()
}

fn set(pem: &str, claims: &Value) -> String {
    signed(pem, claims, "secevent+jwt")
}

/// The status, and the body as JSON (`null` for 202's empty one).
async fn push(favorites: &FavoritesServer, body: &str, content_type: &str) -> (StatusCode, Value) {
    let response = favorites
        .http
        .post(format!("{}/api/security-events", favorites.base))
        .header("content-type", content_type)
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    if response.status() == StatusCode::ACCEPTED {
        assert_eq!(response.text().await.unwrap(), "", "202 has no body");
        return (StatusCode::ACCEPTED, Value::Null);
    }
    answer(response).await
}

async fn push_set(favorites: &FavoritesServer, body: &str) -> (StatusCode, Value) {
    push(favorites, body, "application/secevent+jwt").await
}

/// John's token still works there and his favourite is still there.
async fn nothing_changed(setup: &Setup) {
    assert_eq!(setup.favorites.spots(&setup.john).await, ["kirkjufell"]);
}

fn b64(value: &Value) -> String {
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
    URL_SAFE_NO_PAD.encode(value.to_string())
}

#[tokio::test]
async fn a_set_signed_by_the_apps_key_is_accepted_once_and_a_repeat_changes_nothing_more() {
    let setup = setup().await;
    let event = set(&setup.pem, &purged("event-1"));
    for _ in 0..2 {
        let (status, body) = push_set(&setup.favorites, &event).await;
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    }
    let (status, _) = answer(
        setup
            .favorites
            .call(Method::GET, "/api/favorites", Some(&setup.john))
            .await,
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "the token issued before the event"
    );
    assert_eq!(setup.favorites.rows_of(120).await, 0);
    // The app itself never saw a deletion: John is still there.
    assert_eq!(setup.app.name_in_db(120).await, "John");
}

#[tokio::test]
async fn each_forged_or_misdirected_set_is_refused_with_its_rfc_8935_error() {
    let setup = setup().await;
    let foreign = app::auth::keys::PrivateKey::generate().unwrap().to_pem();
    let mut wrong_aud = purged("wrong-aud");
    wrong_aud["aud"] = json!("photo-spots");
    let mut wrong_iss = purged("wrong-iss");
    wrong_iss["iss"] = json!("someone-else");
    let mut unknown_event = purged("unknown-event");
    unknown_event["events"] =
        json!({"https://schemas.openid.net/secevent/risc/event-type/account-disabled": {}});
    let mut two_events = purged("two-events");
    two_events["events"][ACCOUNT_PURGED.to_owned() + "-too"] = json!({});
    let mut not_a_user = purged("not-a-user");
    not_a_user["sub"] = json!("john");
    let unsigned = format!(
        "{}.{}.",
        b64(&json!({"alg": "none", "typ": "secevent+jwt"})),
        b64(&purged("unsigned"))
    );
    let hs256 = {
        let mut header = Header::new(Algorithm::HS256);
        header.typ = Some("secevent+jwt".into());
        encode(
            &header,
            &purged("hs256"),
            &EncodingKey::from_secret(setup.pem.as_bytes()),
        )
        .unwrap()
    };
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "another key",
            set(&foreign, &purged("foreign")),
            "invalid_key",
        ),
        ("alg none", unsigned, "invalid_request"),
        ("HS256", hs256, "invalid_key"),
        ("wrong aud", set(&setup.pem, &wrong_aud), "invalid_audience"),
        ("wrong iss", set(&setup.pem, &wrong_iss), "invalid_issuer"),
        (
            "unknown event type",
            set(&setup.pem, &unknown_event),
            "invalid_request",
        ),
        (
            "two events",
            set(&setup.pem, &two_events),
            "invalid_request",
        ),
        (
            "sub not a user id",
            set(&setup.pem, &not_a_user),
            "invalid_request",
        ),
        ("an access token", setup.john.clone(), "invalid_request"),
        (
            "typ JWT",
            signed(&setup.pem, &purged("typ-jwt"), "JWT"),
            "invalid_request",
        ),
        ("not a JWT", "hello".to_owned(), "invalid_request"),
    ];
    for (case, body, err) in cases {
        let (status, answer) = push_set(&setup.favorites, &body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{case}: {answer}");
        assert_eq!(answer["err"], err, "{case}: {answer}");
        assert!(
            answer["description"]
                .as_str()
                .is_some_and(|d| !d.is_empty()),
            "{case}"
        );
        nothing_changed(&setup).await;
    }
}

#[tokio::test]
async fn a_replayed_jti_carrying_another_event_is_refused() {
    let setup = setup().await;
    // Jack's deletion, accepted; then the same jti naming John.
    let mut jack = purged("shared-jti");
    jack["sub"] = json!("121");
    let (status, _) = push_set(&setup.favorites, &set(&setup.pem, &jack)).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let (status, body) = push_set(&setup.favorites, &set(&setup.pem, &purged("shared-jti"))).await;
    assert_eq!(
        (status, body["err"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_request")),
        "{body}"
    );
    nothing_changed(&setup).await;
}

#[tokio::test]
async fn a_set_must_be_sent_as_secevent_jwt() {
    let setup = setup().await;
    let event = set(&setup.pem, &purged("plain"));
    let (status, body) = push(&setup.favorites, &event, "application/json").await;
    assert_eq!(
        (status, body["err"].as_str()),
        (StatusCode::UNSUPPORTED_MEDIA_TYPE, Some("invalid_request")),
        "{body}"
    );
    nothing_changed(&setup).await;
}

#[tokio::test]
async fn tokens_issued_after_a_deletion_are_not_refused_by_it() {
    // Ids are never given again, so no such token can exist; the rule is
    // "issued before the event", and this pins it down.
    let setup = setup().await;
    let mut earlier = purged("earlier");
    earlier["iat"] = json!(jsonwebtoken::get_current_timestamp() - 120);
    let (status, _) = push_set(&setup.favorites, &set(&setup.pem, &earlier)).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert!(claims_of(&setup.john)["iat"].as_u64().unwrap() > earlier["iat"].as_u64().unwrap());
    assert!(
        setup.favorites.spots(&setup.john).await.is_empty(),
        "rows gone, token still good"
    );
}
