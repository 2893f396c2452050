//! Development only: a page opened at the server's IP address
//! (`http://127.0.0.1:3000`, as cargo-leptos prints it) is sent on to its
//! name (`http://localhost:3000`), where passkeys work (WebAuthn refuses an
//! IP address) and where DPoP proofs are checked (`PUBLIC_ORIGIN`). Off
//! whenever `PUBLIC_ORIGIN` is set, and in every release build: there the
//! `Host` header decides nothing.

use axum::{
    Router,
    body::Body,
    extract::Request,
    http::{HeaderValue, Method, StatusCode, header},
    middleware::{self, Next},
    response::{IntoResponse, Response},
};
use std::sync::Arc;

/// `router`, sending page visits under another host to `origin`.
pub fn redirect_to(router: Router, origin: &str) -> Router {
    let origin: Arc<str> = origin.into();
    router.layer(middleware::from_fn(move |request: Request, next: Next| {
        let origin = origin.clone();
        async move { redirect(&origin, request, next).await }
    }))
}

async fn redirect(origin: &str, request: Request<Body>, next: Next) -> Response {
    // Pages only: API calls, keys and files answer wherever they are asked
    // (scripts, health checks and the favourites service use the address).
    let path = request.uri().path();
    let page = !["/api", "/.well-known", "/pkg", "/photos"]
        .iter()
        .any(|prefix| path.starts_with(prefix));
    let visit = page && matches!(*request.method(), Method::GET | Method::HEAD);
    let authority = origin.split_once("://").map_or(origin, |(_, rest)| rest);
    let elsewhere = request
        .headers()
        .get(header::HOST)
        .is_some_and(|host| host.as_bytes() != authority.as_bytes());
    if !(visit && elsewhere) {
        return next.run(request).await;
    }
    let path = request
        .uri()
        .path_and_query()
        .map_or("/", |path| path.as_str());
    match HeaderValue::from_str(&format!("{origin}{path}")) {
        Ok(location) => (
            StatusCode::PERMANENT_REDIRECT,
            [(header::LOCATION, location)],
        )
            .into_response(),
        Err(_) => next.run(request).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::get;
    use tower::ServiceExt;

    async fn visit(method: Method, host: &str, path: &str) -> Response {
        let app = redirect_to(
            Router::new()
                .route("/", get(|| async { "page" }).post(|| async { "posted" }))
                .route("/api/health", get(|| async { "ok" })),
            "http://localhost:3000",
        );
        let request = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, host)
            .body(Body::empty())
            .unwrap();
        app.oneshot(request).await.unwrap()
    }

    #[tokio::test]
    async fn a_page_visited_at_the_ip_address_goes_on_to_localhost() {
        let moved = visit(Method::GET, "127.0.0.1:3000", "/?next=%2Fprofile").await;
        assert_eq!(moved.status(), StatusCode::PERMANENT_REDIRECT);
        assert_eq!(
            moved.headers()[header::LOCATION],
            "http://localhost:3000/?next=%2Fprofile"
        );
        for (method, host, path) in [
            (Method::GET, "localhost:3000", "/"),
            (Method::GET, "127.0.0.1:3000", "/api/health"),
            (Method::POST, "127.0.0.1:3000", "/"),
        ] {
            let answered = visit(method.clone(), host, path).await;
            assert_eq!(answered.status(), StatusCode::OK, "{method} {host}{path}");
        }
    }
}
