//! The server under hostile clients: silence, slowloris headers and
//! bodies, garbage bytes, huge headers, and ten thousand idle connections.
//! Each time the other clients keep being answered, and the hostile
//! connections are closed by the server within its time limits instead of
//! piling up. The figures (latency of the others, memory) are printed for
//! BENCHMARKS.md; nothing here asserts a speed.

use crate::common;

use common::{ServerProcess, TestServer};
use std::time::{Duration, Instant};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
    task::JoinSet,
};

/// Limits short enough for a test: the defaults are 10 s and 120 s.
const LIMITS: [(&str, &str); 2] = [
    ("HTTP_HEADER_TIMEOUT_SECONDS", "1"),
    ("HTTP_BODY_TIMEOUT_SECONDS", "2"),
];

fn address(base: &str) -> String {
    base.trim_start_matches("http://").to_owned()
}

/// Reads until the server closes the connection (or `limit` passes);
/// returns what it sent and whether it closed.
async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> (String, bool) {
    let mut answer = Vec::new();
    let mut buffer = [0u8; 4096];
    let deadline = Instant::now() + limit;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buffer)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return (String::from_utf8_lossy(&answer).into(), true),
            Ok(Ok(n)) => answer.extend_from_slice(&buffer[..n]),
            Err(_) => return (String::from_utf8_lossy(&answer).into(), false),
        }
    }
}

/// Health checks and logins as an ordinary client makes them, while `busy`
/// runs; every one must succeed. Returns the latencies, sorted.
async fn ordinary_client_during(base: &str, busy: Duration) -> Vec<Duration> {
    let http = reqwest::Client::new();
    let mut latencies = Vec::new();
    let until = Instant::now() + busy;
    while Instant::now() < until {
        let started = Instant::now();
        let health = http.get(format!("{base}/api/health")).send().await.unwrap();
        assert!(health.status().is_success(), "{}", health.status());
        let login = http
            .post(format!("{base}/api/login"))
            .json(&serde_json::json!({"username": "jack", "password": "jack-password"}))
            .send()
            .await
            .unwrap();
        assert!(login.status().is_success(), "{}", login.status());
        latencies.push(started.elapsed());
    }
    latencies.sort();
    latencies
}

fn p99(sorted: &[Duration]) -> Duration {
    sorted[(sorted.len() * 99 / 100).min(sorted.len() - 1)]
}

#[tokio::test]
async fn a_connection_that_sends_nothing_is_closed_after_the_header_timeout() {
    let server = TestServer::start_with(&LIMITS).await;
    let mut silent = TcpStream::connect(address(&server.base)).await.unwrap();
    let (answer, closed) = read_until_closed(&mut silent, Duration::from_secs(10)).await;
    assert!(closed, "still open after 10 s with a 1 s header timeout");
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 408"),
        "{answer}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn slowloris_headers_are_cut_off_while_everyone_else_is_answered() {
    let server = TestServer::start_with(&LIMITS).await;
    let addr = address(&server.base);
    let mut attackers = JoinSet::new();
    for _ in 0..200 {
        let addr = addr.clone();
        attackers.spawn(async move {
            let mut stream = TcpStream::connect(&addr).await.unwrap();
            let started = Instant::now();
            // One header byte every 200 ms: a request head that never ends.
            for byte in b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ".iter().cycle() {
                if stream.write_all(&[*byte]).await.is_err() {
                    return started.elapsed();
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
                if started.elapsed() > Duration::from_secs(15) {
                    break;
                }
            }
            let _ = read_until_closed(&mut stream, Duration::from_secs(1)).await;
            started.elapsed()
        });
    }
    let latencies = ordinary_client_during(&server.base, Duration::from_secs(2)).await;
    let held = attackers.join_all().await;
    let longest = held.iter().max().unwrap();
    eprintln!(
        "200 slowloris connections: {} ordinary requests, p99 {:?}; attackers cut off after at most {longest:?}",
        latencies.len(),
        p99(&latencies)
    );
    assert!(
        *longest < Duration::from_secs(10),
        "a slowloris connection was held {longest:?} with a 1 s header timeout"
    );
}

#[tokio::test]
async fn a_body_that_trickles_in_is_refused_with_408_and_nothing_is_changed() {
    let server = TestServer::start_with(&LIMITS).await;
    let token = server.token_for("john").await;
    let mut stream = TcpStream::connect(address(&server.base)).await.unwrap();
    let body = r#"{"name":"Slow John"}"#;
    let head = format!(
        "POST /api/update_name HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let started = Instant::now();
    for byte in body.bytes() {
        if stream.write_all(&[byte]).await.is_err() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(400)).await;
    }
    let (answer, _) = read_until_closed(&mut stream, Duration::from_secs(10)).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("request_timeout"), "{answer}");
    assert!(
        started.elapsed() < Duration::from_secs(9),
        "answered at the deadline"
    );
    let (_, me) = common::answer(
        server
            .post("/api/me", Some(&token), serde_json::json!({}))
            .await,
    )
    .await;
    assert_eq!(me["name"], "John", "nothing changed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn garbage_and_huge_headers_get_4xx_while_everyone_else_is_answered() {
    let server = TestServer::start_with(&LIMITS).await;
    let addr = address(&server.base);
    let mut attackers = JoinSet::new();
    for n in 0u32..200 {
        let addr = addr.clone();
        attackers.spawn(async move {
            let mut stream = TcpStream::connect(&addr).await.unwrap();
            let garbage: Vec<u8> = if n % 2 == 0 {
                // Bytes no HTTP parser takes (a cheap xorshift, different per connection).
                let mut state = n.wrapping_mul(2_654_435_761).max(1);
                (0..4096)
                    .map(|_| {
                        state ^= state << 13;
                        state ^= state >> 17;
                        state ^= state << 5;
                        (state % 256) as u8
                    })
                    .collect()
            } else {
                format!(
                    "GET / HTTP/1.1\r\nHost: x\r\nX-Huge: {}\r\n\r\n",
                    "a".repeat(1 << 20)
                )
                .into_bytes()
            };
            let _ = stream.write_all(&garbage).await;
            read_until_closed(&mut stream, Duration::from_secs(10)).await
        });
    }
    let latencies = ordinary_client_during(&server.base, Duration::from_secs(2)).await;
    for (answer, closed) in attackers.join_all().await {
        assert!(closed, "a garbage connection was left open: {answer}");
        let status = answer.get(9..12).unwrap_or("closed without an answer");
        assert!(
            answer.is_empty() || ["400", "431"].contains(&status),
            "{status}: {answer}"
        );
    }
    eprintln!(
        "200 garbage and 1 MB-header connections: {} ordinary requests, p99 {:?}",
        latencies.len(),
        p99(&latencies)
    );
}

/// What only a server in its own process shows: its file descriptors (ten
/// thousand connections' are split between it and this test) and memory.
impl ServerProcess {
    /// Its file descriptors: one per open connection, plus a few.
    fn open_files(&self) -> usize {
        std::fs::read_dir(format!("/proc/{}/fd", self.child.id()))
            .map(|entries| entries.count())
            .unwrap_or_default()
    }

    /// Resident memory, from /proc.
    fn rss_mib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|kib| kib.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .unwrap_or_default()
            / 1024
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_thousand_idle_connections_neither_starve_others_nor_stay_open() {
    let dir = tempfile::tempdir().unwrap();
    let server = ServerProcess::start(dir.path(), &[("RUST_LOG", "warn")]).await;
    let baseline = ordinary_client_during(&server.base, Duration::from_secs(1)).await;
    let (rss_before, held_before) = (server.rss_mib(), server.open_files());

    let addr = address(&server.base);
    let mut idle = Vec::with_capacity(10_000);
    let opened = Instant::now();
    // In waves of 500: ten thousand SYNs in the same millisecond would
    // overflow even the server's 4096-long accept queue, and a handshake the
    // kernel drops looks open to the client while the server never hears of
    // it. (With tokio's default queue of 1024 it took 20 s, not 0.4 s, to
    // open them, and two in five never reached the server.)
    for _ in 0..20 {
        let mut connecting = JoinSet::new();
        for _ in 0..500 {
            let addr = addr.clone();
            connecting.spawn(async move { TcpStream::connect(addr).await });
        }
        for connected in connecting.join_all().await {
            idle.push(connected.expect("connected"));
        }
    }
    let connected_in = opened.elapsed();
    // The server accepts what the kernel queued a moment later.
    let mut held_during = 0;
    for _ in 0..50 {
        held_during = held_during.max(server.open_files().saturating_sub(held_before));
        if held_during >= 9_990 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let during = ordinary_client_during(&server.base, Duration::from_secs(2)).await;
    let rss_during = server.rss_mib();

    // What the server holds is what can starve it: its descriptors go back
    // to where they were once the idle connections' heads are late.
    let released = loop {
        if server.open_files() <= held_before + 5 {
            break opened.elapsed();
        }
        assert!(
            opened.elapsed() < Duration::from_secs(40),
            "the server still holds {} idle connections",
            server.open_files() - held_before
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    drop(idle);
    eprintln!(
        "10000 idle connections opened in {connected_in:?}, {held_during} held by the server at once; \
         ordinary p99 {:?} before, {:?} during ({} requests); RSS {rss_before} MiB before, \
         {rss_during} MiB with them open; all released {released:?} after the first opened",
        p99(&baseline),
        p99(&during),
        during.len()
    );
    assert!(
        held_during >= 9_000,
        "the test meant to hold thousands of connections open, the server saw {held_during}"
    );
}
