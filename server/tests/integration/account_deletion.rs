//! Leaving: an account deleted by its owner (or an operator) is gone from
//! the app at once, and the favourites service, which trusts tokens without
//! asking the app, hears of it as a Security Event Token from the outbox:
//! its rows go and the person's older tokens are refused there too, even
//! when it was down at the moment of deletion, and across an app restart.
//! Also: the data export, and the SETs the favourites service refuses.

use crate::common;

use common::{
    FavoritesServer, TestServer, answer, claims_of, free_addr, new_postgres_database, signed_in_ago,
};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// The promise: a receiver that comes back has the event within this.
const DELIVERY_DEADLINE: Duration = Duration::from_secs(30);

/// The app (signing with a key pair, so its SETs can be verified) and the
/// favourites service trusting it, each told where the other is.
async fn app_and_favorites(env: &[(&str, &str)]) -> (TestServer, FavoritesServer) {
    let app_addr = free_addr();
    let favorites_addr = free_addr();
    let events = format!("http://{favorites_addr}/api/security-events");
    let mut app_env = vec![("FAVORITES_EVENTS_URL", events.as_str())];
    app_env.extend_from_slice(env);
    let app = TestServer::start_public_keys_at(&app_addr, &app_env).await;
    let jwks = format!("{}/.well-known/jwks.json", app.base);
    let favorites = FavoritesServer::start_at(&favorites_addr, &[("JWT_JWKS_URL", &jwks)]).await;
    (app, favorites)
}

/// A fresh user signed up through the API.
struct SignedUp {
    token: String,
    id: i64,
    /// The refresh cookie, `name=value`.
    cookie: String,
}

/// `username` signed up through the API (the password is the tests' own).
async fn sign_up(app: &TestServer, username: &str) -> SignedUp {
    let response = app
        .post(
            "/api/signup",
            None,
            json!({"username": username, "name": "Leaving Soon", "password": "purple-kestrel-harbour-42"}),
        )
        .await;
    let cookie = response.headers().get("set-cookie").cloned();
    let (status, body) = answer(response).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let cookie = cookie.unwrap();
    let cookie = cookie
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let token = body["token"].as_str().unwrap().to_owned();
    let id = claims_of(&token)["sub"].as_str().unwrap().parse().unwrap();
    SignedUp { token, id, cookie }
}

/// "leaving" signed up, with a favourite, then deleted while the favourites
/// service is stopped.
async fn deleted_while_favorites_are_down(
    app: &TestServer,
    favorites: &mut FavoritesServer,
) -> SignedUp {
    let leaving = sign_up(app, "leaving").await;
    star(favorites, &leaving.token, "kirkjufell").await;
    favorites.stop().await;
    assert_eq!(
        delete_account(app, &leaving.token, "leaving")
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    leaving
}

async fn star(favorites: &FavoritesServer, token: &str, spot: &str) {
    favorites.wait_for_keys(token).await;
    let path = format!("/api/favorites/{spot}");
    let response = favorites.call(Method::PUT, &path, Some(token)).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}

/// `DELETE /api/account`, `username` typed to confirm.
async fn delete_account(app: &TestServer, token: &str, username: &str) -> reqwest::Response {
    app.http
        .delete(format!("{}/api/account", app.base))
        .bearer_auth(token)
        .json(&json!({ "username": username }))
        .send()
        .await
        .unwrap()
}

/// Waits until the favourites service refuses `token` (it heard of the
/// deletion), failing after the deadline; returns how long it took.
async fn refused_by_favorites_within_deadline(
    favorites: &FavoritesServer,
    token: &str,
) -> Duration {
    let started = Instant::now();
    while started.elapsed() < DELIVERY_DEADLINE {
        let response = favorites
            .call(Method::GET, "/api/favorites", Some(token))
            .await;
        if response.status() == StatusCode::UNAUTHORIZED {
            return started.elapsed();
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!(
        "the favourites service still accepts the deleted account's token after {DELIVERY_DEADLINE:?}"
    );
}

/// The outbox's rows: `(attempts, delivered)` each.
async fn outbox(app: &TestServer) -> Vec<(i32, bool)> {
    use app::db::Pools;
    let sql = "SELECT attempts, delivered_at IS NOT NULL FROM security_event_outbox ORDER BY id";
    match app.state.users.pools() {
        Pools::Sqlite { reader, .. } => sqlx::query_as(sql).fetch_all(reader).await,
        Pools::Postgres(pool) => sqlx::query_as(sql).fetch_all(pool).await,
    }
    .unwrap()
}

#[tokio::test]
async fn a_deleted_account_is_gone_from_the_app_at_once_and_from_favourites_within_seconds() {
    let (app, favorites) = app_and_favorites(&[]).await;
    let SignedUp { token, id, cookie } = sign_up(&app, "leaving").await;
    star(&favorites, &token, "kirkjufell").await;
    star(&favorites, &token, "trolltunga").await;
    assert_eq!(favorites.rows_of(id).await, 2);

    let response = delete_account(&app, &token, "leaving").await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let cleared = response.headers()["set-cookie"].to_str().unwrap();
    assert!(cleared.contains("Max-Age=0"), "{cleared}");

    // The app: the token, the refresh cookie, the password and the user are
    // gone at once.
    let renewal = app
        .http
        .post(format!("{}/api/refresh", app.base))
        .header("cookie", &cookie)
        .header(app::wire::CSRF_HEADER, "1")
        .send()
        .await
        .unwrap();
    assert_eq!(renewal.status(), StatusCode::UNAUTHORIZED);
    let (status, body) = answer(app.post("/api/me", Some(&token), json!({})).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let (status, _) = answer(app.login("leaving", "purple-kestrel-harbour-42").await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        app.state
            .users
            .find_by_id(app::domain::UserId::new(id).unwrap())
            .await
            .unwrap()
            .is_none()
    );

    // The favourites service: rows gone, token refused, within seconds.
    let took = refused_by_favorites_within_deadline(&favorites, &token).await;
    assert!(took < Duration::from_secs(5), "took {took:?}");
    assert_eq!(favorites.rows_of(id).await, 0);
    assert_eq!(outbox(&app).await, [(1, true)]);

    // The username is free again; the id is not.
    let new_id = sign_up(&app, "leaving").await.id;
    assert!(new_id > id, "{new_id} after {id}");
}

#[tokio::test]
async fn a_favourites_service_down_at_the_deletion_hears_within_thirty_seconds_of_coming_back() {
    let (app, mut favorites) = app_and_favorites(&[]).await;
    let SignedUp { token, id, .. } = deleted_while_favorites_are_down(&app, &mut favorites).await;
    // Attempts fail meanwhile; the app stays ready.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (attempts, delivered) = outbox(&app).await[0];
    assert!(
        attempts >= 2 && !delivered,
        "{attempts} attempts, delivered {delivered}"
    );
    assert_eq!(app.get("/api/ready", None).await.status(), StatusCode::OK);

    favorites.start_again().await;
    refused_by_favorites_within_deadline(&favorites, &token).await;
    assert_eq!(favorites.rows_of(id).await, 0);
}

#[tokio::test]
async fn an_app_restart_between_the_deletion_and_the_delivery_loses_nothing() {
    let (app, mut favorites) = app_and_favorites(&[]).await;
    let SignedUp { token, id, .. } = deleted_while_favorites_are_down(&app, &mut favorites).await;

    let _app = app.restart().await;
    favorites.start_again().await;
    refused_by_favorites_within_deadline(&favorites, &token).await;
    assert_eq!(favorites.rows_of(id).await, 0);
}

#[tokio::test]
async fn an_operator_deletes_an_account_and_the_favourites_service_hears_of_it() {
    let (app, favorites) = app_and_favorites(&[]).await;
    let SignedUp { token, id, .. } = sign_up(&app, "leaving").await;
    star(&favorites, &token, "kirkjufell").await;

    let (ok, printed) = app.operator(&["delete", "leaving"]);
    assert!(!ok && printed.contains("--yes"), "{printed}");
    assert_eq!(
        favorites.rows_of(id).await,
        1,
        "nothing deleted without --yes"
    );

    let (ok, printed) = app.operator(&["delete", "leaving", "--yes"]);
    assert!(ok, "{printed}");
    let (status, _) = answer(app.post("/api/me", Some(&token), json!({})).await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // The running app's deliverer finds the operator's event by itself.
    refused_by_favorites_within_deadline(&favorites, &token).await;
    assert_eq!(favorites.rows_of(id).await, 0);
}

#[tokio::test]
async fn spots_a_deleted_person_added_stay_credited_to_nobody() {
    let app = TestServer::start().await;
    let ada = app.token_for("ada").await;
    let (status, body) = answer(
        app.post(
            "/api/admin/spots",
            Some(&ada),
            json!({"slug": "lake-bled", "name": "Lake Bled", "place": "Slovenia"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(
        delete_account(&app, &ada, "ada").await.status(),
        StatusCode::NO_CONTENT
    );
    let (status, spot) = app
        .call(Method::GET, "/api/spots/lake-bled", None, None)
        .await;
    assert_eq!(status, StatusCode::OK, "{spot}");
    assert_eq!(spot["added_by"], Value::Null);
}

#[tokio::test]
async fn a_deleted_demo_users_id_is_never_given_again_even_to_the_demo() {
    let app = TestServer::start().await;
    let john = app.token_for("john").await;
    assert_eq!(
        delete_account(&app, &john, "john").await.status(),
        StatusCode::NO_CONTENT
    );
    // A restart in demo mode creates missing demo users by id: not this one.
    let app = app.restart().await;
    let (status, _) = answer(app.login("john", "john-password").await).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        app.state
            .users
            .was_deleted(app::domain::UserId::new(120).unwrap())
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn a_stale_sign_in_can_neither_delete_nor_export() {
    let app = TestServer::start().await;
    let stale = signed_in_ago(&app.token_for("john").await, 3600);
    for (method, path) in [
        (Method::DELETE, "/api/account"),
        (Method::GET, "/api/account/export"),
    ] {
        let response = app
            .http
            .request(method, format!("{}{path}", app.base))
            .bearer_auth(&stale)
            .json(&json!({"username": "john"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{path}");
        let challenge = response.headers()["www-authenticate"].to_str().unwrap();
        assert!(
            challenge.contains("insufficient_user_authentication"),
            "{challenge}"
        );
    }
    assert_eq!(
        app.name_in_db(120).await,
        "John",
        "the account is still there"
    );
}

#[tokio::test]
async fn the_export_holds_the_persons_data_and_none_of_its_secrets() {
    let app = TestServer::start().await;
    let login = app.login("john", "john-password").await;
    let cookie = login.headers()["set-cookie"].to_str().unwrap().to_owned();
    let refresh_value = cookie
        .split(';')
        .next()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1
        .to_owned();
    let token = answer(login).await.1["token"].as_str().unwrap().to_owned();
    let (status, codes) = answer(
        app.post("/api/recovery_codes", Some(&token), json!({}))
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{codes}");

    let response = app
        .http
        .get(format!("{}/api/account/export", app.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    let today = app::spots::civil_date(app::clock::unix_now_i64());
    assert_eq!(
        disposition,
        format!("attachment; filename=\"photo-spots-john-{today}.json\"")
    );
    let text = response.text().await.unwrap();
    let export: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(export["format"], "photo-spots-export/1");
    assert_eq!(export["profile"]["username"], "john");
    assert_eq!(export["profile"]["id"], 120);
    assert_eq!(export["sign_in"]["password"], true);
    assert_eq!(export["sign_in"]["recovery_codes_left"], 10);
    assert!(!export["sessions"].as_array().unwrap().is_empty());
    assert!(
        export["activity"]
            .as_array()
            .unwrap()
            .iter()
            .any(|event| event["kind"] == "signed_in"),
        "{}",
        export["activity"]
    );

    let claims = claims_of(&token);
    let hash: String = app
        .state
        .users
        .find_credentials_by_id(app::domain::UserId::new(120).unwrap())
        .await
        .unwrap()
        .unwrap()
        .password_hash
        .unwrap();
    let mut secrets = vec![
        token.clone(),
        refresh_value,
        hash,
        "argon2".to_owned(),
        claims["jti"].as_str().unwrap().to_owned(),
        claims["sid"].as_str().unwrap().to_owned(),
        "BEGIN PRIVATE KEY".to_owned(),
    ];
    secrets.extend(
        codes["codes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|code| code.as_str().unwrap().to_owned()),
    );
    for secret in secrets {
        assert!(!text.contains(&secret), "the export holds {secret:?}");
    }
}

#[tokio::test]
#[cfg_attr(
    not(postgres_tests),
    ignore = "needs PostgreSQL: scripts/test.sh runs it"
)]
async fn two_app_instances_on_one_postgresql_deliver_each_event_once() {
    const KEK: &str = "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80=";
    let database = new_postgres_database().await;
    let favorites_addr = free_addr();
    let events = format!("http://{favorites_addr}/api/security-events");
    let env = [
        ("DATABASE_URL", database.as_str()),
        ("JWT_KEY_ENCRYPTION_KEY", KEK),
        ("FAVORITES_EVENTS_URL", events.as_str()),
    ];
    let (a, b) = tokio::join!(
        TestServer::start_with_database_keys(&env),
        TestServer::start_with_database_keys(&env),
    );
    let jwks = format!("{}/.well-known/jwks.json", a.base);
    let favorites = FavoritesServer::start_at(&favorites_addr, &[("JWT_JWKS_URL", &jwks)]).await;

    let mut tokens = Vec::new();
    for n in 0..8 {
        let SignedUp { token, id, .. } = sign_up(&a, &format!("leaving-{n}")).await;
        star(&favorites, &token, "kirkjufell").await;
        tokens.push((token, id));
    }
    // Deleted through both instances at once: both deliverers are awake.
    let deletions: Vec<_> = tokens
        .iter()
        .enumerate()
        .map(|(n, (token, _))| {
            let instance = if n % 2 == 0 { &a } else { &b };
            tokio::spawn(
                instance
                    .http
                    .delete(format!("{}/api/account", instance.base))
                    .bearer_auth(token)
                    .json(&json!({ "username": format!("leaving-{n}") }))
                    .send(),
            )
        })
        .collect();
    for deletion in deletions {
        assert_eq!(
            deletion.await.unwrap().unwrap().status(),
            StatusCode::NO_CONTENT
        );
    }
    for (token, id) in &tokens {
        refused_by_favorites_within_deadline(&favorites, token).await;
        assert_eq!(favorites.rows_of(*id).await, 0);
    }
    let rows = outbox(&a).await;
    assert_eq!(rows.len(), 8);
    assert!(
        rows.iter().all(|row| *row == (1, true)),
        "each sent once: {rows:?}"
    );
}

#[tokio::test]
async fn deleting_needs_your_own_username_typed_and_anything_else_changes_nothing() {
    let app = TestServer::start().await;
    let john = app.token_for("john").await;
    let (status, body) = answer(delete_account(&app, &john, "jack").await).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["field"], "username");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("not your username"),
        "{body}"
    );
    let no_body = app
        .http
        .delete(format!("{}/api/account", app.base))
        .bearer_auth(&john)
        .send()
        .await
        .unwrap();
    assert_eq!(no_body.status(), StatusCode::BAD_REQUEST);
    let extra = app
        .http
        .delete(format!("{}/api/account", app.base))
        .bearer_auth(&john)
        .json(&json!({"username": "john", "id": 121}))
        .send()
        .await
        .unwrap();
    assert_eq!(extra.status(), StatusCode::BAD_REQUEST);
    let (status, _) = answer(app.post("/api/me", Some(&john), json!({})).await).await;
    assert_eq!(status, StatusCode::OK, "John is still there");
    assert_eq!(outbox(&app).await, []);
}
