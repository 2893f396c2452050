//! `/metrics` on its own listener: after a few logins and refused tokens the
//! counters have moved, by route template and bounded labels only.

use crate::common;

use common::{ServerProcess, free_addr};
use serde_json::json;

/// The value of the first sample named `name` whose labels include every
/// one of `labels` (`key="value"`), or 0.
fn sample(text: &str, name: &str, labels: &[&str]) -> f64 {
    text.lines()
        .filter(|line| {
            line.starts_with(&format!("{name}{{")) || line.starts_with(&format!("{name} "))
        })
        .filter(|line| labels.iter().all(|label| line.contains(label)))
        .filter_map(|line| line.rsplit(" ").next()?.parse::<f64>().ok())
        .sum()
}

// The recorder is process-wide, so the server runs in its own process: the
// other tests of this binary would move its counters.
#[tokio::test]
async fn the_counters_move_with_logins_and_refused_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let metrics = free_addr();
    let server = ServerProcess::start(dir.path(), &[("METRICS_ADDR", &metrics)]).await;
    let base = &server.base;
    let server = &server;
    let login = |password| async move { server.login("john", password).await.status() };
    let scrape = || async {
        let url = format!("http://{metrics}/metrics");
        reqwest::get(url).await.unwrap().text().await.unwrap()
    };

    for _ in 0..2 {
        assert_eq!(login("john-password").await, 200);
    }
    assert_eq!(login("not-johns-password").await, 401);
    let forged = server.post("/api/me", Some("a.b.c"), json!({})).await;
    assert_eq!(forged.status(), 401);
    let missing = server.http.get(format!("{base}/no/such/page-for-john"));
    missing.send().await.unwrap();

    let text = scrape().await;
    let logins = |outcome: &str| {
        sample(
            &text,
            "photo_spots_logins_total",
            &[&format!("outcome=\"{outcome}\"")],
        )
    };
    assert_eq!(logins("ok"), 2.0, "{text}");
    assert_eq!(logins("wrong_credentials"), 1.0, "{text}");
    let refused = sample(
        &text,
        "photo_spots_tokens_refused_total",
        &["reason=\"invalid\""],
    );
    assert_eq!(refused, 1.0, "{text}");
    let ok_logins = ["route=\"/api/login\"", "method=\"POST\"", "status=\"200\""];
    assert_eq!(
        sample(&text, "photo_spots_http_requests_total", &ok_logins),
        2.0
    );
    let timed = sample(
        &text,
        "photo_spots_http_request_duration_seconds_count",
        &["route=\"/api/login\""],
    );
    assert_eq!(timed, 3.0, "every login is timed: {text}");
    assert!(
        sample(
            &text,
            "photo_spots_http_requests_total",
            &["route=\"other\""]
        ) >= 1.0,
        "{text}"
    );
    // Labels are templates and fixed words: never a raw path, a name or a token.
    for leak in ["page-for-john", "a.b.c", "john-password"] {
        assert!(!text.contains(leak), "{leak} in the metrics:\n{text}");
    }
}

#[tokio::test]
async fn a_deletion_its_outbox_and_its_failed_deliveries_are_counted() {
    let dir = tempfile::tempdir().unwrap();
    let metrics = free_addr();
    // Nothing listens there: every delivery fails, and the event waits.
    let away = format!("http://{}/api/security-events", free_addr());
    let server = ServerProcess::start(
        dir.path(),
        &[("METRICS_ADDR", &metrics), ("FAVORITES_EVENTS_URL", &away)],
    )
    .await;
    let token = server.token_for("john").await;
    let deleted = server
        .http
        .delete(format!("{}/api/account", server.base))
        .bearer_auth(&token)
        .json(&json!({"username": "john"}))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);

    let mut text = String::new();
    for _ in 0..100 {
        text = reqwest::get(format!("http://{metrics}/metrics"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let failures = sample(
            &text,
            "photo_spots_security_event_failures_total",
            &["reason=\"unreachable\""],
        );
        if failures >= 2.0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        sample(
            &text,
            "photo_spots_security_event_failures_total",
            &["reason=\"unreachable\""]
        ) >= 2.0,
        "{text}"
    );
    assert_eq!(
        sample(
            &text,
            "photo_spots_accounts_deleted_total",
            &["by=\"owner\""]
        ),
        1.0,
        "{text}"
    );
    assert_eq!(
        sample(&text, "photo_spots_security_event_outbox_depth", &[]),
        1.0,
        "{text}"
    );
    assert_eq!(
        sample(&text, "photo_spots_security_events_delivered_total", &[]),
        0.0
    );
    // The app stays ready while a receiver is away.
    let ready = reqwest::get(format!("{}/api/ready", server.base))
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);
}
