#![allow(dead_code)] // each test binary uses a different part of it
//! A real Photo Spots server on a random port, with its own SQLite file.

use app::{auth::TokenService, domain::UserId, state::AppState};
use leptos::config::LeptosOptions;
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};
use server::{Config, build_state, router};
use std::{net::SocketAddr, sync::Arc, time::Duration};
use tempfile::TempDir;

pub const SECRET: &str = "integration-test-secret-0123456789abcdef";

pub struct TestServer {
    pub base: String,
    pub state: AppState,
    pub http: reqwest::Client,
    dir: TempDir,
    env: Vec<(String, String)>,
    hashed_bundle: bool,
    task: tokio::task::JoinHandle<()>,
}

impl TestServer {
    /// A fresh server with the demo users.
    pub async fn start() -> Self {
        Self::start_with(&[]).await
    }

    /// A fresh server with extra environment variables set.
    pub async fn start_with(env: &[(&str, &str)]) -> Self {
        let env = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Self::start_in(tempfile::tempdir().unwrap(), env, false).await
    }

    /// A fresh server that knows its bundle's file names carry content
    /// hashes (as after `cargo leptos build` with `hash-files`).
    pub async fn start_with_hashed_bundle() -> Self {
        Self::start_in(tempfile::tempdir().unwrap(), Vec::new(), true).await
    }

    /// A server on the database in `dir` (to test restarts).
    async fn start_in(dir: TempDir, env: Vec<(String, String)>, hashed_bundle: bool) -> Self {
        let url = format!("sqlite://{}/photo-spots.db?mode=rwc", dir.path().display());
        let vars = |name: &str| match name {
            "DATABASE_URL" => Some(url.clone()),
            "JWT_SECRET" => Some(SECRET.to_owned()),
            "PHOTO_SPOTS_DEMO" => Some("1".to_owned()),
            _ => env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()),
        };
        let options = LeptosOptions::builder()
            .output_name("photo-spots")
            .site_root(dir.path().display().to_string())
            .hash_files(hashed_bundle)
            .build();
        let state = build_state(&Config::from_vars(options, vars).unwrap())
            .await
            .unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let app = router(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self {
            base,
            state,
            http: reqwest::Client::new(),
            dir,
            env,
            hashed_bundle,
            task,
        }
    }

    /// Stops this server (closing its database) and starts another on the same file.
    pub async fn restart(self) -> Self {
        self.task.abort();
        let _ = self.task.await;
        self.state.users.close().await;
        Self::start_in(self.dir, self.env, self.hashed_bundle).await
    }

    /// Writes a file into the served site (e.g. `pkg/photo-spots.css`).
    pub fn put_site_file(&self, path: &str, contents: &[u8]) {
        let file = self.dir.path().join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, contents).unwrap();
    }

    pub async fn get(&self, path: &str, accept_encoding: Option<&str>) -> Response {
        let mut request = self.http.get(format!("{}{path}", self.base));
        if let Some(encodings) = accept_encoding {
            request = request.header("accept-encoding", encodings);
        }
        request.send().await.unwrap()
    }

    pub fn tokens(&self) -> Arc<TokenService> {
        self.state.tokens.clone()
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Response {
        self.post_with(&self.http, path, token, body).await
    }

    /// As [`post`](Self::post), through `client` (e.g. one bound to another
    /// loopback address, to look like another machine).
    pub async fn post_with(
        &self,
        client: &reqwest::Client,
        path: &str,
        token: Option<&str>,
        body: Value,
    ) -> Response {
        let mut request = client.post(format!("{}{path}", self.base)).json(&body);
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

    /// A token from a real login with the demo password.
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

/// An HTTP client whose connections come from `127.0.0.{last}`.
pub fn client_from(last: u8) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(std::net::IpAddr::from([127, 0, 0, last]))
        .build()
        .unwrap()
}
