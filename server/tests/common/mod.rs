#![allow(dead_code)] // each test binary uses a different part of it
//! A real Photo Spots server on a random port, with its own SQLite file.

use app::{auth::TokenService, domain::UserId, state::AppState};
use leptos::config::LeptosOptions;
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};
use server::{Config, build_state, router};
use std::{sync::Arc, time::Duration};
use tempfile::TempDir;

pub const SECRET: &str = "integration-test-secret-0123456789abcdef";

pub struct TestServer {
    pub base: String,
    pub state: AppState,
    pub http: reqwest::Client,
    dir: TempDir,
    task: tokio::task::JoinHandle<()>,
}

impl TestServer {
    /// A fresh server with the demo users.
    pub async fn start() -> Self {
        Self::start_in(tempfile::tempdir().unwrap()).await
    }

    /// A server on the database in `dir` (to test restarts).
    pub async fn start_in(dir: TempDir) -> Self {
        let url = format!("sqlite://{}/photo-spots.db?mode=rwc", dir.path().display());
        let vars = |name: &str| match name {
            "DATABASE_URL" => Some(url.clone()),
            "JWT_SECRET" => Some(SECRET.to_owned()),
            "PHOTO_SPOTS_DEMO" => Some("1".to_owned()),
            _ => None,
        };
        let options = LeptosOptions::builder()
            .output_name("photo-spots")
            .site_root(dir.path().display().to_string())
            .build();
        let state = build_state(&Config::from_vars(options, vars).unwrap())
            .await
            .unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let app = router(state.clone());
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self {
            base,
            state,
            http: reqwest::Client::new(),
            dir,
            task,
        }
    }

    /// Stops this server (closing its database) and starts another on the same file.
    pub async fn restart(self) -> Self {
        self.task.abort();
        let _ = self.task.await;
        self.state.users.close().await;
        Self::start_in(self.dir).await
    }

    pub fn tokens(&self) -> Arc<TokenService> {
        self.state.tokens.clone()
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Response {
        let mut request = self.http.post(format!("{}{path}", self.base)).json(&body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request
            .timeout(Duration::from_secs(30))
            .send()
            .await
            .unwrap()
    }

    pub async fn login(&self, username: &str, password: &str) -> Response {
        self.post(
            "/api/login",
            None,
            json!({"username": username, "password": password}),
        )
        .await
    }

    /// John's token, from a real login.
    pub async fn token_for(&self, username: &str) -> String {
        let response = self.login(username, &format!("{username}-password")).await;
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.unwrap();
        body["token"].as_str().unwrap().to_owned()
    }

    /// The name the database holds for `id`, read directly.
    pub async fn name_in_db(&self, id: i64) -> String {
        let user = self
            .state
            .users
            .find_by_id(UserId::new(id).unwrap())
            .await
            .unwrap()
            .unwrap();
        user.name.to_string()
    }
}

/// Status and JSON body of a response.
pub async fn answer(response: Response) -> (StatusCode, Value) {
    let status = response.status();
    let text = response.text().await.unwrap();
    let body =
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON ({status}): {text}"));
    (status, body)
}
