//! The OpenAPI documents against the server: every route is documented,
//! every documented operation is answered by a route, every `$ref` resolves.

use crate::common;

use common::TestServer;
use serde_json::Value;
use std::{collections::BTreeSet, path::Path};

type Operations = BTreeSet<(String, String)>;

fn document(text: &str) -> Value {
    let document: Value = serde_json::from_str(text).expect("valid JSON");
    assert_eq!(document["openapi"], "3.1.0");
    document
}

/// `(METHOD, path)` of every operation in `document`.
fn documented(document: &Value) -> Operations {
    let mut operations = Operations::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, _) in item.as_object().unwrap() {
            if method != "parameters" {
                operations.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    operations
}

/// `(METHOD, path)` of every `.route(PATH, get(…).post(…))` in `file`: the
/// REST routes, read from the source (axum can't list its routes).
fn routes_in(file: &str) -> Operations {
    let source = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file)).unwrap();
    let constants = [
        ("REFRESH_PATH", app::wire::REFRESH_PATH),
        ("REFRESH_LOGOUT_PATH", app::wire::REFRESH_LOGOUT_PATH),
    ];
    let mut operations = Operations::new();
    for call in source.split(".route(").skip(1) {
        let (path, rest) = call.trim_start().split_once(',').unwrap();
        let path = path.trim().trim_matches('"');
        let path = constants
            .iter()
            .find(|(name, _)| *name == path)
            .map_or(path, |(_, value)| value);
        // Up to the call's closing parenthesis: its method routers.
        let mut depth = 1;
        let end = rest
            .char_indices()
            .find(|&(_, c)| {
                depth += match c {
                    '(' => 1,
                    ')' => -1,
                    _ => 0,
                };
                depth == 0
            })
            .map_or(rest.len(), |(i, _)| i);
        for (word, method) in [
            ("get(", "GET"),
            ("post(", "POST"),
            ("put(", "PUT"),
            ("delete(", "DELETE"),
            ("any(", "ANY"),
        ] {
            let called = rest[..end].match_indices(word).any(|(i, _)| {
                i == 0 || !rest[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_')
            });
            if called {
                operations.insert((method.to_owned(), path.to_owned()));
            }
        }
    }
    operations
}

fn refs_resolve(document: &Value, node: &Value) {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                let pointer = target.strip_prefix('#').expect("a local $ref");
                assert!(document.pointer(pointer).is_some(), "{target} resolves");
            }
            map.values().for_each(|value| refs_resolve(document, value));
        }
        Value::Array(items) => items.iter().for_each(|value| refs_resolve(document, value)),
        _ => {}
    }
}

#[test]
fn every_route_and_server_function_of_the_app_is_documented_and_nothing_else() {
    let document = document(server::openapi::APP);
    refs_resolve(&document, &document);
    let mut routes = routes_in("src/router.rs");
    routes.extend(routes_in("src/spots/mod.rs"));
    routes.extend(routes_in("src/refresh.rs"));
    routes.extend(routes_in("src/passkeys.rs"));
    routes.extend(routes_in("src/sessions.rs"));
    routes.extend(routes_in("src/account/mod.rs"));
    // The catch-all that answers 404 `not_found` for every other /api path.
    assert!(routes.remove(&("ANY".to_owned(), "/api/{*rest}".to_owned())));
    // The viewer of the document (HTML, its script and style), not JSON API.
    for viewer in ["/api/docs", "/api/docs/viewer.js", "/api/docs/viewer.css"] {
        assert!(
            routes.remove(&("GET".to_owned(), viewer.to_owned())),
            "{viewer}"
        );
    }

    for (path, method) in leptos::server_fn::axum::server_fn_paths() {
        routes.insert((method.to_string(), path.to_owned()));
    }
    assert_eq!(documented(&document), routes);
}

#[test]
fn every_route_of_the_favourites_service_is_documented_and_nothing_else() {
    let document = document(favorites::OPENAPI);
    refs_resolve(&document, &document);
    assert_eq!(documented(&document), routes_in("favorites/src/routes.rs"));
}

#[tokio::test]
async fn every_documented_operation_is_answered_by_a_route_and_the_document_is_served() {
    let server = TestServer::start_with_public_keys(&[]).await;
    let served = server.get("/api/openapi.json", None).await;
    assert_eq!(served.headers()["content-type"], "application/json");
    assert_eq!(served.text().await.unwrap(), server::openapi::APP);

    for (method, path) in documented(&document(server::openapi::APP)) {
        let url = format!("{}{}", server.base, path.replace("{slug}", "lake-bled"));
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let answer = server
            .http
            .request(method.clone(), &url)
            .json(&serde_json::json!({}))
            .send()
            .await
            .unwrap();
        let status = answer.status();
        let body: Value = answer.json().await.unwrap_or(Value::Null);
        let unrouted = status == 405
            || (status == 404 && body["message"] == "There is no API endpoint at this path.");
        assert!(!unrouted, "{method} {path}: {status} {body}");
    }
}
