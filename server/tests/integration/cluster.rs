//! Several instances on one PostgreSQL database: nothing about a login is
//! held by one instance. Needs the throw-away PostgreSQL that
//! `scripts/test.sh` starts (`PHOTO_SPOTS_TEST_POSTGRES`), and for the
//! rolling restart Debian's HAProxy; elsewhere these tests are listed as
//! ignored (see `build.rs`).

use crate::common;

use common::{TestServer, answer, free_port, new_postgres_database};
use reqwest::StatusCode;
use serde_json::json;
use std::{
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

/// The key-encryption key every test instance shares.
const KEK: &str = "q83vEjRWeJq83vEjRWeJq83vEjRWeJq83vEjRWeJq80=";
/// Instances reread the key table every second here (ten by default).
const KEY_REFRESH: Duration = Duration::from_secs(1);

/// Three in-process instances on one fresh database, with their signing
/// keys in it: what `scripts/cluster.sh` runs as processes.
async fn three_instances(env: &[(&str, &str)]) -> (TestServer, TestServer, TestServer) {
    let database = new_postgres_database().await;
    let refresh = KEY_REFRESH.as_secs().to_string();
    let shared = with(
        env,
        &[
            ("DATABASE_URL", &database),
            ("JWT_KEY_ENCRYPTION_KEY", KEK),
            ("JWT_KEY_REFRESH_SECONDS", &refresh),
        ],
    );
    let (a, b, c) = tokio::join!(
        TestServer::start_with_database_keys(&shared),
        TestServer::start_with_database_keys(&shared),
        TestServer::start_with_database_keys(&shared),
    );
    (a, b, c)
}

fn with<'a>(env: &[(&'a str, &'a str)], more: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    env.iter().chain(more).copied().collect()
}

async fn me(instance: &TestServer, token: &str) -> (StatusCode, serde_json::Value) {
    answer(instance.post("/api/me", Some(token), json!({})).await).await
}

#[tokio::test]
#[cfg_attr(
    not(postgres_tests),
    ignore = "needs PostgreSQL: scripts/test.sh runs it"
)]
async fn a_login_on_one_instance_works_on_the_others_until_a_password_change_on_a_third() {
    let (a, b, c) = three_instances(&[]).await;
    let token = a.token_for("john").await;
    assert_eq!(
        me(&b, &token).await.0,
        StatusCode::OK,
        "B accepts A's token"
    );

    let (status, body) = answer(
        c.post(
            "/api/change_password",
            Some(&token),
            json!({"current_password": "john-password", "new_password": "a whole new secret"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    for instance in [&a, &b] {
        let (status, body) = me(instance, &token).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        assert_eq!(body["error"], "invalid_token");
    }
    let fresh = body["token"].as_str().unwrap();
    assert_eq!(me(&a, fresh).await.0, StatusCode::OK);
}

#[tokio::test]
#[cfg_attr(
    not(postgres_tests),
    ignore = "needs PostgreSQL: scripts/test.sh runs it"
)]
async fn failed_logins_spread_over_three_instances_add_up() {
    let (a, b, c) = three_instances(&[("LOGIN_MAX_FAILURES_PER_ADDRESS", "5")]).await;
    for (n, instance) in [&a, &b, &c, &a, &b].into_iter().enumerate() {
        let status = instance.login("john", "wrong-password").await.status();
        assert_eq!(status, StatusCode::UNAUTHORIZED, "failure {}", n + 1);
    }
    for instance in [&c, &a, &b] {
        let (status, body) = answer(instance.login("john", "john-password").await).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    }
}

#[tokio::test]
#[cfg_attr(
    not(postgres_tests),
    ignore = "needs PostgreSQL: scripts/test.sh runs it"
)]
async fn every_instance_publishes_the_same_keys_and_a_rotation_reaches_all_without_a_restart() {
    let (a, b, c) = three_instances(&[]).await;
    let jwks = |instance: &TestServer| {
        let url = format!("{}/.well-known/jwks.json", instance.base);
        let http = instance.http.clone();
        async move { http.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let before = jwks(&a).await;
    assert_eq!(jwks(&b).await, before, "started together, one first key");
    assert_eq!(jwks(&c).await, before);
    let old_token = b.token_for("jack").await;

    // What `server keys rotate` does, from outside the three instances.
    let pool = a.state.users.pools().postgres().unwrap().clone();
    let kek = app::auth::keys::KeyEncryptionKey::parse(KEK).unwrap();
    let stored =
        app::auth::keys::StoredKeys::new(pool, kek, Duration::from_secs(3600), KEY_REFRESH);
    let rotated_at = Instant::now();
    let new_kid = stored.rotate().await.unwrap();

    // Published everywhere within a refresh, before any instance signs with it.
    let deadline = rotated_at + 2 * KEY_REFRESH + Duration::from_millis(500);
    for instance in [&a, &b, &c] {
        while !jwks(instance).await.contains(&new_kid) {
            assert!(
                Instant::now() < deadline,
                "{} did not publish {new_kid}",
                instance.base
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    let after = jwks(&a).await;
    assert_ne!(after, before);
    assert_eq!(jwks(&b).await, after);
    assert_eq!(jwks(&c).await, after);

    // Then every instance signs with it, without a restart.
    let deadline = rotated_at + stored.activation_delay() + 2 * KEY_REFRESH;
    for instance in [&a, &b, &c] {
        while kid(&instance.token_for("jack").await) != new_kid {
            assert!(
                Instant::now() < deadline,
                "{} still signs with the old key",
                instance.base
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    let new_token = c.token_for("jack").await;
    for instance in [&a, &b, &c] {
        assert_eq!(me(instance, &new_token).await.0, StatusCode::OK);
        assert_eq!(
            me(instance, &old_token).await.0,
            StatusCode::OK,
            "the retired key still verifies"
        );
    }
}

fn kid(token: &str) -> String {
    use base64::Engine;
    let header = token.split('.').next().unwrap();
    let header = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(header)
        .unwrap();
    let header: serde_json::Value = serde_json::from_slice(&header).unwrap();
    header["kid"].as_str().unwrap().to_owned()
}

/// A PostgreSQL server of this test's own, to stop and start (the shared
/// one serves the other tests).
struct OwnPostgres {
    dir: tempfile::TempDir,
}

impl OwnPostgres {
    fn script() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/postgres.sh")
    }

    fn run(&self, command: &str) -> String {
        let output = Command::new(Self::script())
            .args([command, &self.dir.path().join("pg").display().to_string()])
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "postgres.sh {command}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap().trim().to_owned()
    }

    fn start() -> (Self, String) {
        let server = Self {
            dir: tempfile::tempdir().unwrap(),
        };
        let url = server.run("start");
        (server, url)
    }
}

impl Drop for OwnPostgres {
    fn drop(&mut self) {
        let _ = Command::new(Self::script())
            .args(["stop", &self.dir.path().join("pg").display().to_string()])
            .status();
    }
}

#[tokio::test]
#[cfg_attr(
    not(postgres_tests),
    ignore = "needs PostgreSQL: scripts/test.sh runs it"
)]
async fn a_database_that_goes_away_means_503_and_the_app_recovers_by_itself() {
    let (postgres, url) = OwnPostgres::start();
    let server = TestServer::start_with(&[
        ("DATABASE_URL", &url),
        ("DATABASE_CONNECT_TIMEOUT_SECONDS", "1"),
    ])
    .await;
    let token = server.token_for("john").await;
    assert_eq!(me(&server, &token).await.0, StatusCode::OK);

    postgres.run("stop");
    let asked = Instant::now();
    let (status, body) = me(&server, &token).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["error"], "unavailable");
    assert_eq!(body["outage"], "database", "says what failed: {body}");
    assert!(
        !body.to_string().contains("127.0.0.1"),
        "no internals: {body}"
    );
    assert!(
        asked.elapsed() < Duration::from_secs(5),
        "answered, not hung"
    );
    let (status, _) = answer(server.login("john", "john-password").await).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    let rename = server
        .post(
            "/api/update_name",
            Some(&token),
            json!({"name": "Lost John"}),
        )
        .await;
    assert_eq!(rename.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(rename.headers()["retry-after"], "5", "when to try again");
    let body: serde_json::Value = rename.json().await.unwrap();
    let message = body["message"].as_str().unwrap();
    assert!(
        message.contains("database") && !message.contains("log-in"),
        "a rename is told the database is down, not that log-ins can't be checked: {message}"
    );

    postgres.run("start");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let (status, body) = me(&server, &token).await;
        if status == StatusCode::OK {
            assert_eq!(body["name"], "John");
            break;
        }
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
        assert!(Instant::now() < deadline, "never recovered");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let renamed = server
        .post(
            "/api/update_name",
            Some(&token),
            json!({"name": "Back John"}),
        )
        .await;
    assert_eq!(renamed.status(), StatusCode::OK, "writes work again too");
}

/// The port a test server listens on.
fn port_of(server: &TestServer) -> u16 {
    let port = server.base.rsplit(':').next().unwrap_or_default();
    port.parse().expect("a base URL that ends with its port")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[cfg_attr(
    not(postgres_tests),
    ignore = "needs PostgreSQL: scripts/test.sh runs it"
)]
async fn with_the_shared_database_down_the_balancer_still_gives_the_apps_json_503() {
    let (postgres, url) = OwnPostgres::start();
    let env = [
        ("DATABASE_URL", url.as_str()),
        ("DATABASE_CONNECT_TIMEOUT_SECONDS", "1"),
    ];
    let instances = [
        TestServer::start_with(&env).await,
        TestServer::start_with(&env).await,
        TestServer::start_with(&env).await,
    ];
    let front_port = free_port();
    let _haproxy = LoadBalancer::start(front_port, &instances.each_ref().map(port_of)).await;
    let front = format!("http://127.0.0.1:{front_port}");
    let http = reqwest::Client::new();
    let john = instances[0].token_for("john").await;
    assert_eq!(me_through(&http, &front, &john).await.0, StatusCode::OK);

    postgres.run("stop");
    // Every instance fails its readiness check within a second or two.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let ready = http.get(format!("{front}/api/ready")).send().await.unwrap();
    assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE);
    let (status, body) = me_through(&http, &front, &john).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(
        (body["error"].as_str(), body["outage"].as_str()),
        (Some("unavailable"), Some("database")),
        "the app's own answer, not the balancer's page: {body}"
    );

    postgres.run("start");
    let deadline = Instant::now() + Duration::from_secs(20);
    while me_through(&http, &front, &john).await.0 != StatusCode::OK {
        assert!(Instant::now() < deadline, "never recovered");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// One real instance (the `server` binary) of a cluster on `database`.
struct Instance {
    port: u16,
    child: Option<Child>,
}

impl Instance {
    async fn start(port: u16, database: &str, key_file: &Path, site: &Path) -> Self {
        let child = Command::new(env!("CARGO_BIN_EXE_server"))
            .env("LEPTOS_OUTPUT_NAME", "photo-spots")
            .env("LEPTOS_SITE_ROOT", site)
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("DATABASE_URL", database)
            .env("JWT_PRIVATE_KEY_FILE", key_file)
            .env("TRUSTED_PROXY_ADDRESSES", "127.0.0.1")
            .env("PHOTO_SPOTS_DEMO", "1")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let instance = Self {
            port,
            child: Some(child),
        };
        wait_until_healthy(&format!("http://127.0.0.1:{port}")).await;
        instance
    }

    /// SIGTERM, and the exit status once it has finished what it started.
    async fn stop(&mut self) -> std::process::ExitStatus {
        let mut child = self.child.take().expect("running");
        let signalled = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(signalled.success());
        tokio::task::spawn_blocking(move || child.wait())
            .await
            .unwrap()
            .unwrap()
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

async fn wait_until_healthy(base: &str) {
    let http = reqwest::Client::new();
    for _ in 0..300 {
        let health = http.get(format!("{base}/api/health")).send().await;
        if health.is_ok_and(|answer| answer.status().is_success()) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{base} never became healthy");
}

/// Debian's HAProxy with the cluster's own configuration.
struct LoadBalancer(Child);

impl LoadBalancer {
    async fn start(front: u16, instances: &[u16; 3]) -> Self {
        let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/haproxy.cfg");
        // Debian puts it in /usr/sbin, which a non-root PATH may lack.
        let haproxy = ["/usr/sbin/haproxy", "haproxy"]
            .into_iter()
            .find(|path| Path::new(path).is_file())
            .unwrap_or("haproxy");
        let child = Command::new(haproxy)
            .arg("-db")
            .arg("-f")
            .arg(config)
            .env("FRONT_PORT", front.to_string())
            .env("APP1_PORT", instances[0].to_string())
            .env("APP2_PORT", instances[1].to_string())
            .env("APP3_PORT", instances[2].to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("haproxy is installed (scripts/setup.sh --haproxy)");
        wait_until_healthy(&format!("http://127.0.0.1:{front}")).await;
        Self(child)
    }
}

impl Drop for LoadBalancer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Renames John over and over through the load balancer, one rename at a
/// time; returns every status and the last name sent.
async fn keep_renaming(
    http: reqwest::Client,
    front: String,
    token: String,
    stop: tokio::sync::watch::Receiver<bool>,
) -> (Vec<StatusCode>, String) {
    let mut statuses = Vec::new();
    let mut last = String::new();
    for n in 0.. {
        if *stop.borrow() {
            break;
        }
        last = format!("John {n}");
        let status = http
            .post(format!("{front}/api/update_name"))
            .bearer_auth(&token)
            .json(&json!({ "name": last }))
            .send()
            .await
            .map_or(StatusCode::BAD_GATEWAY, |answer| answer.status());
        statuses.push(status);
    }
    (statuses, last)
}

/// Reads Jack's profile over and over; returns every status.
async fn keep_reading(
    http: reqwest::Client,
    front: String,
    token: String,
    stop: tokio::sync::watch::Receiver<bool>,
) -> Vec<StatusCode> {
    let mut statuses = Vec::new();
    while !*stop.borrow() {
        let status = http
            .post(format!("{front}/api/me"))
            .bearer_auth(&token)
            .json(&json!({}))
            .send()
            .await
            .map_or(StatusCode::BAD_GATEWAY, |answer| answer.status());
        statuses.push(status);
    }
    statuses
}

/// `POST /api/me` with `token`, through the load balancer at `front`.
async fn me_through(
    http: &reqwest::Client,
    front: &str,
    token: &str,
) -> (StatusCode, serde_json::Value) {
    let sent = http
        .post(format!("{front}/api/me"))
        .bearer_auth(token)
        .json(&json!({}))
        .send()
        .await;
    answer(sent.unwrap()).await
}

/// What three instances of a cluster test share: a fresh database, one
/// signing key file (in the directory), and their ports.
async fn three_instances_share() -> (String, tempfile::TempDir, PathBuf, [u16; 3]) {
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("signing.pem");
    app::auth::keys::KeyRing::create_if_missing(&key_file).unwrap();
    let ports = [free_port(), free_port(), free_port()];
    (new_postgres_database().await, dir, key_file, ports)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[cfg_attr(
    not(postgres_tests),
    ignore = "needs PostgreSQL: scripts/test.sh runs it"
)]
async fn a_rolling_restart_behind_haproxy_loses_no_request_and_no_write() {
    let (database, dir, key_file, ports) = three_instances_share().await;
    let mut instances = Vec::new();
    for port in ports {
        instances.push(Instance::start(port, &database, &key_file, dir.path()).await);
    }
    let front_port = free_port();
    let _haproxy = LoadBalancer::start(front_port, &ports).await;
    let front = format!("http://127.0.0.1:{front_port}");

    let http = reqwest::Client::new();
    let token_of = |username: &'static str| {
        let request = http
            .post(format!("{front}/api/login"))
            .json(&json!({"username": username, "password": format!("{username}-password")}));
        async move {
            let body: serde_json::Value = request.send().await.unwrap().json().await.unwrap();
            body["token"].as_str().unwrap().to_owned()
        }
    };
    let (john, jack) = (token_of("john").await, token_of("jack").await);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let writer = tokio::spawn(keep_renaming(
        http.clone(),
        front.clone(),
        john.clone(),
        stopped.clone(),
    ));
    let reader = tokio::spawn(keep_reading(http.clone(), front.clone(), jack, stopped));

    for instance in &mut instances {
        tokio::time::sleep(Duration::from_millis(700)).await;
        let exit = instance.stop().await;
        assert!(exit.success(), "graceful shutdown exits 0, got {exit}");
        *instance = Instance::start(instance.port, &database, &key_file, dir.path()).await;
        // HAProxy takes it back after two good health checks.
        tokio::time::sleep(Duration::from_millis(1500)).await;
    }
    stop.send(true).unwrap();
    let (writes, last_name) = writer.await.unwrap();
    let reads = reader.await.unwrap();

    assert!(
        writes.len() > 20 && reads.len() > 20,
        "load ran: {} writes, {} reads",
        writes.len(),
        reads.len()
    );
    eprintln!(
        "through the rolling restart: {} writes, {} reads",
        writes.len(),
        reads.len()
    );
    let failed =
        |statuses: &[StatusCode]| statuses.iter().filter(|s| **s != StatusCode::OK).count();
    assert_eq!(failed(&writes), 0, "writes: {writes:?}");
    assert_eq!(failed(&reads), 0, "reads: {reads:?}");
    let (status, me) = me_through(&http, &front, &john).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        me["name"], last_name,
        "the last answered write is the one kept"
    );
}

/// One instance kept running by `scripts/supervise.sh`, as `make cluster`
/// runs it; the supervisor's log goes to a file.
struct Supervised {
    port: u16,
    supervisor: Option<Child>,
    log: PathBuf,
}

impl Supervised {
    async fn start(name: &str, port: u16, database: &str, key_file: &Path, dir: &Path) -> Self {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/supervise.sh");
        let log = dir.join(format!("{name}.log"));
        let supervisor = Command::new("bash")
            .arg(script)
            .arg(name)
            .arg(env!("CARGO_BIN_EXE_server"))
            .env("LEPTOS_OUTPUT_NAME", "photo-spots")
            .env("LEPTOS_SITE_ROOT", dir)
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("DATABASE_URL", database)
            .env("JWT_PRIVATE_KEY_FILE", key_file)
            .env("TRUSTED_PROXY_ADDRESSES", "127.0.0.1")
            .env("PHOTO_SPOTS_DEMO", "1")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        wait_until_healthy(&format!("http://127.0.0.1:{port}")).await;
        Self {
            port,
            supervisor: Some(supervisor),
            log,
        }
    }

    /// The process id of the instance the supervisor runs now.
    fn instance_pid(&self) -> Option<u32> {
        let supervisor = self.supervisor.as_ref()?.id();
        children_of(supervisor).into_iter().next()
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Ends the supervision: SIGTERM to the supervisor, which stops the instance.
    fn stop(&mut self) {
        if let Some(mut supervisor) = self.supervisor.take() {
            let _ = Command::new("kill")
                .args(["-TERM", &supervisor.id().to_string()])
                .status();
            let _ = supervisor.wait();
        }
    }
}

impl Drop for Supervised {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Processes whose parent is `parent`, from /proc.
fn children_of(parent: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            // "pid (comm) state ppid …"; comm may hold spaces, so read after the last ')'.
            std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .ok()
                .and_then(|stat| {
                    let rest = &stat[stat.rfind(')')? + 1..];
                    rest.split_whitespace().nth(1)?.parse::<u32>().ok()
                })
                == Some(parent)
        })
        .collect()
}

async fn is_healthy(port: u16) -> bool {
    reqwest::get(format!("http://127.0.0.1:{port}/api/health"))
        .await
        .is_ok_and(|answer| answer.status().is_success())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[cfg_attr(
    not(postgres_tests),
    ignore = "needs PostgreSQL: scripts/test.sh runs it"
)]
async fn an_instance_killed_under_load_is_restarted_and_no_request_is_lost() {
    let (database, dir, key_file, ports) = three_instances_share().await;
    let mut instances = Vec::new();
    for (n, port) in ports.into_iter().enumerate() {
        let name = format!("app{}", n + 1);
        instances.push(Supervised::start(&name, port, &database, &key_file, dir.path()).await);
    }
    let front_port = free_port();
    let _haproxy = LoadBalancer::start(front_port, &ports).await;
    let front = format!("http://127.0.0.1:{front_port}");
    let http = reqwest::Client::new();
    let john = token_through(&http, &front, "john").await;
    let jack = token_through(&http, &front, "jack").await;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let writer = tokio::spawn(keep_renaming(
        http.clone(),
        front.clone(),
        john.clone(),
        stopped.clone(),
    ));
    let reader = tokio::spawn(keep_reading(http.clone(), front.clone(), jack, stopped));

    tokio::time::sleep(Duration::from_millis(700)).await;
    let victim = &instances[1];
    let killed_pid = victim
        .instance_pid()
        .expect("the supervisor runs an instance");
    let killed = Command::new("kill")
        .args(["-KILL", &killed_pid.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let killed_at = Instant::now();
    let back_after = loop {
        let restarted = victim.instance_pid().is_some_and(|pid| pid != killed_pid);
        if restarted && is_healthy(victim.port).await {
            break killed_at.elapsed();
        }
        assert!(
            killed_at.elapsed() < Duration::from_secs(15),
            "not restarted; supervisor log:\n{}",
            victim.log()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    // HAProxy takes it back after two good health checks, under the same load.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    stop.send(true).unwrap();
    let (writes, last_name) = writer.await.unwrap();
    let reads = reader.await.unwrap();
    eprintln!(
        "killed app2: {} writes, {} reads; serving again on its port after {back_after:?}",
        writes.len(),
        reads.len()
    );
    assert!(
        writes.len() > 20 && reads.len() > 20,
        "load ran: {} writes, {} reads",
        writes.len(),
        reads.len()
    );
    let failed =
        |statuses: &[StatusCode]| statuses.iter().filter(|s| **s != StatusCode::OK).count();
    assert_eq!(failed(&writes), 0, "writes: {writes:?}");
    assert_eq!(failed(&reads), 0, "reads: {reads:?}");
    assert!(
        back_after < Duration::from_secs(5),
        "back within seconds, took {back_after:?}"
    );
    let log = victim.log();
    assert!(
        log.contains("supervise: app2 was killed by SIGKILL"),
        "the supervisor says what happened: {log}"
    );

    // In the rotation: with the other two stopped, the restarted one alone
    // answers every request HAProxy passes on (a server it counts as down
    // would get none, and the answer would be 503).
    instances[0].stop();
    instances[2].stop();
    tokio::time::sleep(Duration::from_millis(1000)).await;
    for _ in 0..6 {
        let (status, me) = me_through(&http, &front, &john).await;
        assert_eq!(status, StatusCode::OK, "{me}");
        assert_eq!(me["name"], last_name, "the last answered write is kept");
    }
}

async fn token_through(http: &reqwest::Client, front: &str, username: &str) -> String {
    let body: serde_json::Value = http
        .post(format!("{front}/api/login"))
        .json(&json!({"username": username, "password": format!("{username}-password")}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["token"].as_str().unwrap().to_owned()
}

#[tokio::test]
#[cfg_attr(
    not(postgres_tests),
    ignore = "needs PostgreSQL: scripts/test.sh runs it"
)]
async fn an_instance_started_before_its_database_waits_for_it() {
    let (postgres, url) = OwnPostgres::start();
    postgres.run("stop");
    let starting = tokio::spawn(async move {
        TestServer::start_with(&[
            ("DATABASE_URL", &url),
            ("DATABASE_START_TIMEOUT_SECONDS", "30"),
        ])
        .await
    });
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(!starting.is_finished(), "still waiting for the database");
    postgres.run("start");
    let server = tokio::time::timeout(Duration::from_secs(30), starting)
        .await
        .expect("started once the database was back")
        .unwrap();
    assert_eq!(
        me(&server, &server.token_for("jack").await).await.0,
        StatusCode::OK
    );
}
