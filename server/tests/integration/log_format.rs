//! `LOG_FORMAT=json`: the server binary writes one JSON object per line,
//! each line of a request carrying its id; an unknown format is refused at
//! start, naming the variable.

use crate::common;

use common::{free_port, server_binary};
use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    time::Duration,
};

fn server(log_format: &str, dir: &std::path::Path, port: u16) -> Command {
    let mut command = server_binary(dir, port);
    command
        .env("LOG_FORMAT", log_format)
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

#[tokio::test]
async fn json_logs_are_one_object_per_line_and_name_the_request() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = server("json", dir.path(), port).spawn().unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    let mut refused = None;
    for _ in 0..300 {
        let sent = http
            .post(format!("{base}/api/me"))
            .bearer_auth("not.a.token")
            .json(&serde_json::json!({}))
            .send()
            .await;
        if let Ok(answer) = sent {
            refused = Some(
                answer.headers()["x-request-id"]
                    .to_str()
                    .unwrap()
                    .to_owned(),
            );
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let id = refused.expect("the server answered");
    child.kill().unwrap();
    child.wait().unwrap();

    let lines: Vec<String> = BufReader::new(child.stdout.take().unwrap())
        .lines()
        .map(Result::unwrap)
        .collect();
    assert!(!lines.is_empty());
    let events: Vec<serde_json::Value> = lines
        .iter()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();
    let refusal = events
        .iter()
        .find(|event| event["span"]["id"] == id.as_str())
        .unwrap_or_else(|| panic!("no line names request {id}: {lines:?}"));
    assert_eq!(refusal["span"]["path"], "/api/me", "{refusal}");
    assert!(refusal["fields"]["message"].is_string(), "{refusal}");
}

#[test]
fn an_unknown_log_format_is_refused_at_start_naming_the_variable() {
    let dir = tempfile::tempdir().unwrap();
    let output = server("yaml", dir.path(), free_port()).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("LOG_FORMAT"), "{stderr}");
}
