//! Operations: every answer carries a request id (in the body of every JSON
//! error too), and readiness follows the database while liveness doesn't.

use crate::common;

use common::{TestServer, answer};
use serde_json::json;

fn request_id(response: &reqwest::Response) -> String {
    let id = response
        .headers()
        .get("x-request-id")
        .expect("an x-request-id");
    id.to_str().unwrap().to_owned()
}

#[tokio::test]
async fn every_answer_carries_a_request_id_and_an_error_body_names_it() {
    let server = TestServer::start().await;
    let page = server.get("/", None).await;
    let first = request_id(&page);
    // A random UUID: 8-4-4-4-12 hex digits.
    let groups: Vec<usize> = first.split('-').map(str::len).collect();
    assert_eq!(groups, [8, 4, 4, 4, 12], "{first}");
    assert!(first.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-'));

    let refused = server.post("/api/me", Some("not.a.token"), json!({})).await;
    let id = request_id(&refused);
    assert_ne!(id, first, "each request gets its own");
    let (status, body) = answer(refused).await;
    assert_eq!(status, 401);
    assert_eq!(body["request_id"], id.as_str());
    assert_eq!(
        body["error"], "invalid_token",
        "the error itself is unchanged"
    );

    let (status, body) = answer(server.get("/api/no-such-endpoint", None).await).await;
    assert_eq!(status, 404);
    assert!(body["request_id"].is_string(), "{body}");
}

async fn sent_with_id(server: &TestServer, id: &str) -> String {
    let response = server
        .http
        .get(format!("{}/api/health", server.base))
        .header("x-request-id", id)
        .send()
        .await
        .unwrap();
    request_id(&response)
}

#[tokio::test]
async fn a_client_cannot_choose_its_request_id_but_a_trusted_proxy_can() {
    let direct = TestServer::start().await;
    assert_ne!(sent_with_id(&direct, "my-own-id").await, "my-own-id");

    let behind_proxy = TestServer::start_with(&[("TRUSTED_PROXY_ADDRESSES", "127.0.0.1")]).await;
    assert_eq!(
        sent_with_id(&behind_proxy, "lb-7f3a:42").await,
        "lb-7f3a:42"
    );
    // Not a plain token (a forged log line, say): replaced, even from the proxy.
    for forged in ["two words", "x\" level=ERROR", &"a".repeat(65)] {
        assert_ne!(sent_with_id(&behind_proxy, forged).await, forged);
    }
}

#[tokio::test]
async fn readiness_follows_the_database_and_liveness_does_not() {
    let server = TestServer::start().await;
    let (status, body) = answer(server.get("/api/ready", None).await).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "ready");

    server.state.users.close().await;

    let (status, body) = answer(server.get("/api/ready", None).await).await;
    assert_eq!(status, 503, "{body}");
    assert_eq!(body["error"], "unavailable");
    assert_eq!(body["outage"], "database");
    let (status, _) = answer(server.get("/api/health", None).await).await;
    assert_eq!(status, 200, "the process still answers");
}
