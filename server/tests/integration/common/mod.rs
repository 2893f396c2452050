//! A real Photo Spots server on a random port, with its own SQLite file.

pub mod authenticator;

use app::{auth::TokenService, domain::UserId, state::AppState};
use leptos::config::LeptosOptions;
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};
use server::{Config, build_state, router};
use std::{path::PathBuf, sync::Arc, time::Duration};
use tempfile::TempDir;

pub const SECRET: &str = "integration-test-secret-0123456789abcdef";

/// How the server signs tokens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signing {
    /// HS256 with [`SECRET`] (`JWT_SECRET`), so tests can forge tokens.
    SharedSecret,
    /// EdDSA with a private key file in the server's directory (the default
    /// of the real app); see [`TestServer::key_file`].
    PublicKeys,
    /// EdDSA with keys kept in the PostgreSQL database named by the env's
    /// `DATABASE_URL`, sealed under its `JWT_KEY_ENCRYPTION_KEY`.
    DatabaseKeys,
}

pub struct TestServer {
    pub base: String,
    pub state: AppState,
    pub http: reqwest::Client,
    dir: TempDir,
    /// The database this server (and a restart of it) uses.
    pub database_url: String,
    env: Vec<(String, String)>,
    hashed_bundle: bool,
    signing: Signing,
    task: tokio::task::JoinHandle<()>,
}

impl TestServer {
    /// A fresh server with the demo users.
    pub async fn start() -> Self {
        Self::start_with(&[]).await
    }

    /// A fresh server with extra environment variables set.
    pub async fn start_with(env: &[(&str, &str)]) -> Self {
        Self::start_signing(env, Signing::SharedSecret).await
    }

    /// A fresh server in its own directory, signing as `signing` says.
    async fn start_signing(env: &[(&str, &str)], signing: Signing) -> Self {
        let env = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Self::start_in(tempfile::tempdir().unwrap(), env, false, signing).await
    }

    /// A fresh server signing with an Ed25519 key and publishing its JWKS.
    pub async fn start_with_public_keys(env: &[(&str, &str)]) -> Self {
        Self::start_public_keys_at("127.0.0.1:0", env).await
    }

    /// A fresh server keeping its signing keys in the database (the env
    /// names a PostgreSQL `DATABASE_URL` and a `JWT_KEY_ENCRYPTION_KEY`).
    pub async fn start_with_database_keys(env: &[(&str, &str)]) -> Self {
        Self::start_signing(env, Signing::DatabaseKeys).await
    }

    /// As [`start_with_public_keys`](Self::start_with_public_keys), listening on `addr`.
    pub async fn start_public_keys_at(addr: &str, env: &[(&str, &str)]) -> Self {
        let mut env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        env.push((BIND.to_owned(), addr.to_owned()));
        Self::start_in(
            tempfile::tempdir().unwrap(),
            env,
            false,
            Signing::PublicKeys,
        )
        .await
    }

    /// A fresh server that knows its bundle's file names carry content
    /// hashes (as after `cargo leptos build` with `hash-files`).
    pub async fn start_with_hashed_bundle() -> Self {
        Self::start_in(
            tempfile::tempdir().unwrap(),
            Vec::new(),
            true,
            Signing::SharedSecret,
        )
        .await
    }

    /// A server on the database in `dir` (to test restarts).
    async fn start_in(
        dir: TempDir,
        env: Vec<(String, String)>,
        hashed_bundle: bool,
        signing: Signing,
    ) -> Self {
        let url = match vars_of(&env, "DATABASE_URL") {
            Some(url) => url,
            None => test_database_url(&dir).await,
        };
        let key_file =
            vars_of(&env, "JWT_PRIVATE_KEY_FILE").map_or_else(|| key_file_in(&dir), PathBuf::from);
        if signing == Signing::PublicKeys {
            app::auth::keys::KeyRing::create_if_missing(&key_file).unwrap();
        }
        // Each server's photos in its own directory, whatever the database
        // (on PostgreSQL the default would be ./data/photos, shared by all).
        let photos = dir.path().join("photos").display().to_string();
        let vars = |name: &str| match (name, signing) {
            ("DATABASE_URL", _) => Some(url.clone()),
            ("PHOTOS_DIR", _) => vars_of(&env, name).or_else(|| Some(photos.clone())),
            ("JWT_SECRET", Signing::SharedSecret) => Some(SECRET.to_owned()),
            ("JWT_PRIVATE_KEY_FILE", Signing::PublicKeys) => Some(key_file.display().to_string()),
            _ => vars_of(&env, name),
        };
        let options = LeptosOptions::builder()
            .output_name("photo-spots")
            .site_root(dir.path().display().to_string())
            .hash_files(hashed_bundle)
            .build();
        let config = Config::from_vars(options, vars).unwrap();
        let state = build_state(&config).await.unwrap();
        let bind = vars_of(&env, BIND).unwrap_or_else(|| "127.0.0.1:0".to_owned());
        let listener = tokio::net::TcpListener::bind(bind).await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        // The connection loop the binary runs, with its limits.
        let task = tokio::spawn(service_kit::serve::serve(
            listener,
            router(state.clone()),
            config.serve,
            std::future::pending(),
        ));
        let mut env = env;
        // A restart must find the same database, even a fresh PostgreSQL one.
        if vars_of(&env, "DATABASE_URL").is_none() {
            env.push(("DATABASE_URL".to_owned(), url.clone()));
        }
        Self {
            base,
            state,
            http: reqwest::Client::new(),
            dir,
            database_url: url,
            env,
            hashed_bundle,
            signing,
            task,
        }
    }

    /// The signing key file, in public-key mode.
    pub fn key_file(&self) -> PathBuf {
        key_file_in(&self.dir)
    }

    /// Stops this server (closing its database) and starts another on the same file.
    pub async fn restart(self) -> Self {
        self.task.abort();
        let _ = self.task.await;
        self.state.users.close().await;
        Self::start_in(self.dir, self.env, self.hashed_bundle, self.signing).await
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
        send(
            client.post(format!("{}{path}", self.base)).json(&body),
            token,
        )
        .await
    }

    /// `method path` with `token` as a bearer token and `body` as JSON, if
    /// given: the status and the body (JSON, or the text as a string).
    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = send(request, token).await;
        let status = response.status();
        let text = response.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// `server users ARGS…` against this server's database and public
    /// origin, as an operator runs it: whether it succeeded, and what it
    /// printed.
    pub fn operator(&self, args: &[&str]) -> (bool, String) {
        let origin = self
            .env
            .iter()
            .find(|(name, _)| name == "PUBLIC_ORIGIN")
            .map_or(self.base.as_str(), |(_, origin)| origin.as_str());
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
            .arg("users")
            .args(args)
            .env_clear()
            .env("LEPTOS_OUTPUT_NAME", "photo-spots")
            .env("DATABASE_URL", &self.database_url)
            .env("PUBLIC_ORIGIN", origin)
            .env("RUST_LOG", "error")
            .output()
            .unwrap();
        let printed = String::from_utf8_lossy(&output.stdout).into_owned()
            + &String::from_utf8_lossy(&output.stderr);
        (output.status.success(), printed)
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

    /// An access token of a new session of `holder`'s, as a sign-in would
    /// make (the password unchecked): for tests that make their own users.
    pub async fn session_token(&self, holder: &app::users::CurrentUser) -> String {
        let login = app::auth::SignIn::password(None);
        let device = app::auth::Device::default();
        let grant = self
            .state
            .refresh
            .start(holder.user.id, login, &device)
            .await
            .unwrap();
        let (token, _) = self
            .tokens()
            .issue_for(holder, &grant.login, &grant.family.id)
            .unwrap();
        token
    }

    /// The claims of a real sign-in of `username`'s (a live session), for
    /// tests that change and re-sign them.
    pub async fn signed_in_claims(&self, username: &str) -> Value {
        claims_of(&self.token_for(username).await)
    }

    /// The name the database holds for `id`, read directly.
    /// Runs `sql` on this server's database, by hand (behind the app's back).
    pub async fn execute(&self, sql: &str) {
        use app::db::Pools;
        match self.state.users.pools() {
            Pools::Sqlite { writer, .. } => sqlx::query(sql).execute(writer).await.map(drop),
            Pools::Postgres(pool) => sqlx::query(sql).execute(pool).await.map(drop),
        }
        .unwrap();
    }

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

/// Sends `request`, with `token` as a bearer token if given.
async fn send(mut request: reqwest::RequestBuilder, token: Option<&str>) -> Response {
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request
        .timeout(Duration::from_secs(30))
        .send()
        .await
        .unwrap()
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

/// Where `scripts/test.sh` puts the throw-away PostgreSQL server (its admin URL).
pub const POSTGRES_VAR: &str = "PHOTO_SPOTS_TEST_POSTGRES";
/// `postgres` runs every `TestServer` on a fresh PostgreSQL database; SQLite otherwise.
pub const DATABASE_VAR: &str = "PHOTO_SPOTS_TEST_DATABASE";

/// A fresh database for a test server: an SQLite file in `dir`, or a new
/// database in the throw-away PostgreSQL when `DATABASE_VAR` says so.
async fn test_database_url(dir: &TempDir) -> String {
    match std::env::var(DATABASE_VAR).as_deref() {
        Ok("postgres") => new_postgres_database().await,
        Ok("sqlite") | Err(_) => {
            format!("sqlite://{}/photo-spots.db?mode=rwc", dir.path().display())
        }
        Ok(other) => panic!("{DATABASE_VAR} must be sqlite or postgres, not {other:?}"),
    }
}

/// A new, empty database in the throw-away PostgreSQL server.
pub async fn new_postgres_database() -> String {
    use sqlx::Connection;
    let admin = std::env::var(POSTGRES_VAR).unwrap_or_else(|_| {
        panic!("{POSTGRES_VAR} must name a PostgreSQL server (scripts/test.sh starts one)")
    });
    let name = format!("test_{}", uuid_like());
    let mut connection = sqlx::PgConnection::connect(&admin).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut connection)
        .await
        .unwrap();
    let base = admin
        .rsplit_once('/')
        .map_or(admin.as_str(), |(base, _)| base);
    format!("{base}/{name}")
}

/// Unique enough for database names within one test run.
fn uuid_like() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!(
        "{}_{nanos}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// Not a real setting: where a test asks its server to listen.
const BIND: &str = "TEST_BIND_ADDR";

/// A free local port, for a server that should start later.
pub fn free_port() -> u16 {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    probe.local_addr().unwrap().port()
}

/// The `server` binary, set to serve from `dir` on `port`: its own SQLite
/// file and signing key file there (the key made now), and the demo users.
/// Callers add their log settings and standard streams.
pub fn server_binary(dir: &std::path::Path, port: u16) -> std::process::Command {
    let key = dir.join("signing.pem");
    app::auth::keys::KeyRing::create_if_missing(&key).unwrap();
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_server"));
    command
        .env("LEPTOS_OUTPUT_NAME", "photo-spots")
        .env("LEPTOS_SITE_ROOT", dir)
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/db.sqlite?mode=rwc", dir.display()),
        )
        .env("JWT_PRIVATE_KEY_FILE", key)
        .env("PHOTO_SPOTS_DEMO", "1");
    command
}

/// The `server` binary in its own process, for what is process-wide and so
/// can't be shared with the other tests of this binary (file descriptors,
/// memory, the metrics recorder, log output); stopped when dropped.
pub struct ServerProcess {
    pub child: std::process::Child,
    pub base: String,
    pub http: reqwest::Client,
}

impl ServerProcess {
    /// Started in `dir` (its database, key and site) with `env` added, once
    /// it answers `/api/health`.
    pub async fn start(dir: &std::path::Path, env: &[(&str, &str)]) -> Self {
        Self::start_with_stdout(dir, env, std::process::Stdio::null()).await
    }

    /// As [`start`](Self::start), with everything it writes to stdout (its
    /// log) appended to `log` as it comes.
    pub async fn start_logging(
        dir: &std::path::Path,
        env: &[(&str, &str)],
        log: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
    ) -> Self {
        use std::io::Read;
        let mut process = Self::start_with_stdout(dir, env, std::process::Stdio::piped()).await;
        let mut stdout = process.child.stdout.take().unwrap();
        // Read as it comes, or a full pipe would stop the server.
        std::thread::spawn(move || {
            let mut chunk = [0u8; 8192];
            while let Ok(read @ 1..) = stdout.read(&mut chunk) {
                log.lock().unwrap().extend_from_slice(&chunk[..read]);
            }
        });
        process
    }

    /// `POST path` with `body` as JSON, and `token` as a bearer token if given.
    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Response {
        send(
            self.http.post(format!("{}{path}", self.base)).json(&body),
            token,
        )
        .await
    }

    pub async fn login(&self, username: &str, password: &str) -> Response {
        let body = json!({"username": username, "password": password});
        self.post("/api/login", None, body).await
    }

    /// A token from a real login with the demo password.
    pub async fn token_for(&self, username: &str) -> String {
        let (status, body) =
            answer(self.login(username, &format!("{username}-password")).await).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["token"].as_str().unwrap().to_owned()
    }

    async fn start_with_stdout(
        dir: &std::path::Path,
        env: &[(&str, &str)],
        stdout: std::process::Stdio,
    ) -> Self {
        let port = free_port();
        let child = server_binary(dir, port)
            .envs(env.iter().copied())
            .stdout(stdout)
            .spawn()
            .unwrap();
        // Owned at once, so that Drop stops it whatever happens next.
        let process = Self {
            child,
            base: format!("http://127.0.0.1:{port}"),
            http: reqwest::Client::new(),
        };
        for _ in 0..600 {
            if reqwest::get(format!("{}/api/health", process.base))
                .await
                .is_ok()
            {
                return process;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the server never answered");
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// As [`free_port`], as `127.0.0.1:PORT`.
pub fn free_addr() -> String {
    format!("127.0.0.1:{}", free_port())
}

fn key_file_in(dir: &TempDir) -> PathBuf {
    dir.path().join("keys").join("signing.pem")
}

/// `name` from `env`, with the demo users on unless `env` says otherwise.
fn vars_of(env: &[(String, String)], name: &str) -> Option<String> {
    let given = env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    match name {
        "PHOTO_SPOTS_DEMO" => given.or_else(|| Some("1".to_owned())),
        _ => given,
    }
}

/// A real favourites service on a random port, with its own SQLite file.
/// It can be stopped and started again, on the same address and file.
pub struct FavoritesServer {
    pub base: String,
    pub http: reqwest::Client,
    dir: TempDir,
    env: Vec<(String, String)>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl FavoritesServer {
    /// Started with these settings (e.g. `JWT_JWKS_URL`), as development.
    pub async fn start(env: &[(&str, &str)]) -> Self {
        Self::start_at("127.0.0.1:0", env).await
    }

    /// As [`start`](Self::start), listening on `addr`.
    pub async fn start_at(addr: &str, env: &[(&str, &str)]) -> Self {
        let env = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let mut server = Self {
            base: String::new(),
            http: reqwest::Client::new(),
            dir: tempfile::tempdir().unwrap(),
            env,
            stop: None,
            task: None,
        };
        server.serve(addr).await;
        server
    }

    async fn serve(&mut self, addr: &str) {
        use favorites::{FavoritesConfig, build_state, router};
        let url = self.database_url();
        let vars = |name: &str| match name {
            "FAVORITES_DATABASE_URL" => Some(url.clone()),
            _ => self
                .env
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone()),
        };
        let config = FavoritesConfig::from_vars(false, vars).unwrap();
        let state = build_state(&config).await.unwrap();
        let listener = tokio::net::TcpListener::bind(addr).await.unwrap();
        self.base = format!("http://{}", listener.local_addr().unwrap());
        let app = router(state.clone(), &config.allowed_origins);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        self.stop = Some(stop);
        self.task = Some(tokio::spawn(async move {
            // Graceful: kept-alive connections close too, so a stopped
            // service answers nobody (a client's pooled connection included).
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = stopped.await;
                })
                .await
                .unwrap();
            state.store.close().await;
        }));
    }

    /// Its database, for looking at its rows.
    pub fn database_url(&self) -> String {
        format!(
            "sqlite://{}/favorites.db?mode=rwc",
            self.dir.path().display()
        )
    }

    /// Stops answering: the address refuses connections.
    pub async fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.unwrap();
        }
    }

    /// Starts again on the same address and database, with the same settings.
    pub async fn start_again(&mut self) {
        let addr = self.base.trim_start_matches("http://").to_owned();
        self.serve(&addr).await;
    }

    /// How many favourites user `id` has in the service's database.
    pub async fn rows_of(&self, id: i64) -> i64 {
        use sqlx::Connection;
        let mut db = sqlx::SqliteConnection::connect(&self.database_url())
            .await
            .unwrap();
        sqlx::query_scalar("SELECT COUNT(*) FROM favorites WHERE user_id = ?")
            .bind(id)
            .fetch_one(&mut db)
            .await
            .unwrap()
    }

    /// Trusting the keys `photo_spots` publishes.
    pub async fn trusting(photo_spots: &TestServer) -> Self {
        let jwks = format!("{}/.well-known/jwks.json", photo_spots.base);
        Self::start(&[("JWT_JWKS_URL", &jwks)]).await
    }

    /// `method` on `path` with an optional bearer token.
    pub async fn call(&self, method: reqwest::Method, path: &str, token: Option<&str>) -> Response {
        send(
            self.http.request(method, format!("{}{path}", self.base)),
            token,
        )
        .await
    }

    /// The spots `token`'s user has starred, asserting the call succeeds.
    pub async fn spots(&self, token: &str) -> Vec<String> {
        let (status, body) = answer(
            self.call(reqwest::Method::GET, "/api/favorites", Some(token))
                .await,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        serde_json::from_value(body["spots"].clone()).unwrap()
    }

    /// Waits until the service has fetched its keys.
    pub async fn wait_for_keys(&self, token: &str) {
        for _ in 0..200 {
            let response = self
                .call(reqwest::Method::GET, "/api/favorites", Some(token))
                .await;
            if response.status() != StatusCode::SERVICE_UNAVAILABLE {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the favourites service never loaded its keys");
    }
}

/// Signs `claims` with the Ed25519 key in `pem`, naming `kid` in the header.
pub fn sign_eddsa(pem: &str, kid: Option<&str>, claims: &Value) -> String {
    let key = app::auth::keys::PrivateKey::from_pem(pem).unwrap();
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::EdDSA);
    header.kid = kid
        .map(str::to_owned)
        .or_else(|| Some(key.kid().to_owned()));
    jsonwebtoken::encode(&header, claims, key.encoding_key()).unwrap()
}

/// A token's claims, read the way anyone can: it is signed, not encrypted.
pub fn claims_of(token: &str) -> Value {
    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

/// `token` as it would be had its session's sign-in been `seconds_ago`:
/// the same claims, re-signed with the test server's HS256 secret.
pub fn signed_in_ago(token: &str, seconds_ago: u64) -> String {
    let mut claims = claims_of(token);
    let now = jsonwebtoken::get_current_timestamp();
    claims["auth_time"] = json!(now - seconds_ago);
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .unwrap()
}

/// Claims a real token for John would carry, valid for ten minutes.
pub fn john_claims() -> Value {
    let now = jsonwebtoken::get_current_timestamp();
    json!({"sub": "120", "name": "John", "admin": false, "iat": now, "exp": now + 600,
           "iss": "photo-spots", "aud": ["photo-spots", "favorites"], "jti": "test", "ver": 0,
           "sid": "test", "auth_time": now})
}
