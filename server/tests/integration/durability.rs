//! Under concurrent writes and on shutdown, nothing answered 200 is lost.

use crate::common;

use app::domain::{UserName, Username};
use common::{SECRET, TestServer, free_port};
use reqwest::StatusCode;
use serde_json::json;
use std::{
    collections::HashMap,
    process::{Child, Command, Stdio},
    time::Duration,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_concurrent_renames_from_twenty_users_all_land_cleanly() {
    let server = TestServer::start().await;
    let hash = server
        .state
        .passwords
        .hash(&app::domain::Password::parse("irrelevant").unwrap())
        .unwrap();
    let mut users = vec![];
    for i in 0..20 {
        let username = Username::parse(&format!("user-{i}")).unwrap();
        let name = UserName::parse(&format!("User {i}")).unwrap();
        let user = server
            .state
            .users
            .create_user(&username, &name, &hash)
            .await
            .unwrap()
            .unwrap();
        let token = server
            .session_token(&app::users::CurrentUser::new_user(user.clone()))
            .await;
        users.push((user.id.get(), token));
    }

    let mut requests = tokio::task::JoinSet::new();
    for (id, token) in &users {
        for round in 0..10 {
            let (http, base, token, id) =
                (server.http.clone(), server.base.clone(), token.clone(), *id);
            requests.spawn(async move {
                let name = format!("user {id} take {round}");
                let response = http
                    .post(format!("{base}/api/update_name"))
                    .bearer_auth(&token)
                    .json(&json!({"name": name}))
                    .send()
                    .await
                    .unwrap();
                (id, name, response.status())
            });
        }
    }
    let mut sent: HashMap<i64, Vec<String>> = HashMap::new();
    while let Some(result) = requests.join_next().await {
        let (id, name, status) = result.unwrap();
        assert_eq!(status, StatusCode::OK, "{name}");
        sent.entry(id).or_default().push(name);
    }
    assert_eq!(sent.values().map(Vec::len).sum::<usize>(), 200);
    for (id, names) in sent {
        let final_name = server.name_in_db(id).await;
        assert!(
            names.contains(&final_name),
            "user {id} ended as {final_name:?}, which they never sent"
        );
    }
}

/// The real binary, on its own port and database, started and stopped by
/// the test (the database outlives each process).
struct RealServer {
    dir: tempfile::TempDir,
    port: u16,
    base: String,
    http: reqwest::Client,
}

impl RealServer {
    fn new() -> Self {
        let port = free_port();
        Self {
            dir: tempfile::tempdir().unwrap(),
            port,
            base: format!("http://127.0.0.1:{port}"),
            http: reqwest::Client::new(),
        }
    }

    /// Starts the server and waits until it answers.
    async fn start(&self) -> Child {
        let dir = self.dir.path();
        let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
            .env("LEPTOS_OUTPUT_NAME", "photo-spots")
            .env("LEPTOS_SITE_ROOT", dir)
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{}", self.port))
            .env(
                "DATABASE_URL",
                format!("sqlite://{}/db.sqlite?mode=rwc", dir.display()),
            )
            .env("JWT_SECRET", SECRET)
            .env("PHOTO_SPOTS_DEMO", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        for _ in 0..200 {
            if self.http.get(&self.base).send().await.is_ok() {
                return child;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("server at {} did not start", self.base);
    }

    /// Logs in with the demo password; owned, so it can be spawned.
    fn log_in(
        &self,
        username: &'static str,
    ) -> impl Future<Output = reqwest::Result<reqwest::Response>> + Send + 'static {
        let request = self
            .http
            .post(format!("{}/api/login", self.base))
            .json(&json!({"username": username, "password": format!("{username}-password")}));
        request.send()
    }

    async fn token_for(&self, username: &'static str) -> String {
        let body: serde_json::Value = self.log_in(username).await.unwrap().json().await.unwrap();
        body["token"].as_str().unwrap().to_owned()
    }

    async fn rename(&self, token: &str, name: &str) -> StatusCode {
        self.http
            .post(format!("{}/api/update_name", self.base))
            .bearer_auth(token)
            .json(&json!({ "name": name }))
            .send()
            .await
            .unwrap()
            .status()
    }

    /// The name `/api/me` answers with for `token`'s user.
    async fn name_seen_by(&self, token: &str) -> serde_json::Value {
        let me: serde_json::Value = self
            .http
            .post(format!("{}/api/me", self.base))
            .bearer_auth(token)
            .json(&json!({}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        me["name"].clone()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_lets_in_flight_requests_finish_and_keeps_every_answered_change() {
    let server = RealServer::new();
    let mut child = server.start().await;
    let token = server.token_for("john").await;
    assert_eq!(
        server.rename(&token, "Committed John").await,
        StatusCode::OK
    );

    // A login is slow on purpose (argon2): SIGTERM arrives while it runs.
    let in_flight = tokio::spawn(server.log_in("john"));
    tokio::time::sleep(Duration::from_millis(20)).await;
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let answer = in_flight
        .await
        .unwrap()
        .expect("the in-flight request got an answer");
    assert_eq!(answer.status(), StatusCode::OK);
    let exit = tokio::task::spawn_blocking(move || child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(exit.success(), "graceful shutdown exits 0, got {exit}");

    let mut child = server.start().await;
    assert_eq!(server.name_seen_by(&token).await, "Committed John");
    child.kill().unwrap();
    child.wait().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_crashed_server_keeps_every_change_it_answered_200() {
    let server = RealServer::new();
    let mut child = server.start().await;
    let token = server.token_for("jack").await;
    for n in 1..=20 {
        assert_eq!(
            server.rename(&token, &format!("Jack {n}")).await,
            StatusCode::OK
        );
    }

    // SIGKILL: no shutdown, no pool close, no WAL checkpoint.
    child.kill().unwrap();
    child.wait().unwrap();

    let mut child = server.start().await;
    assert_eq!(server.name_seen_by(&token).await, "Jack 20");
    child.kill().unwrap();
    child.wait().unwrap();
}
