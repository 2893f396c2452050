//! Static files are served precompressed where the build made brotli/gzip
//! copies (and lazy wasm files compressed against the main module, for
//! browsers that hold it), cacheable for as long as their names allow; a content-named bundle
//! is read from disk once.

use crate::common;

use common::TestServer;
use reqwest::{Response, StatusCode, header};
use serde_json::json;

fn header_of(response: &Response, name: header::HeaderName) -> Option<String> {
    response
        .headers()
        .get(name)
        .map(|value| value.to_str().unwrap().to_owned())
}

#[tokio::test]
async fn hashed_bundle_files_are_cached_for_a_year() {
    let server = TestServer::start_with_hashed_bundle().await;
    server.put_site_file("pkg/photo-spots.Xy9_abc.css", b"body { margin: 0 }");

    let response = server.get("/pkg/photo-spots.Xy9_abc.css", None).await;

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        header_of(&response, header::CACHE_CONTROL).as_deref(),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(
        header_of(&response, header::CONTENT_TYPE).as_deref(),
        Some("text/css")
    );
    assert_eq!(response.text().await.unwrap(), "body { margin: 0 }");
}

#[tokio::test]
async fn unhashed_bundle_files_are_revalidated_every_time() {
    let server = TestServer::start().await;
    server.put_site_file("pkg/photo-spots.css", b"body { margin: 0 }");

    let response = server.get("/pkg/photo-spots.css", None).await;

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        header_of(&response, header::CACHE_CONTROL).as_deref(),
        Some("no-cache")
    );
}

#[tokio::test]
async fn precompressed_copies_are_served_to_browsers_that_accept_them() {
    let server = TestServer::start_with_hashed_bundle().await;
    // Different bytes in each copy show which one was sent.
    server.put_site_file("pkg/photo-spots.h.wasm", b"raw wasm");
    server.put_site_file("pkg/photo-spots.h.wasm.br", b"brotli wasm");
    server.put_site_file("pkg/photo-spots.h.wasm.gz", b"gzip wasm");

    for (accepts, encoding, body) in [
        (Some("gzip, deflate, br"), Some("br"), "brotli wasm"),
        (Some("gzip"), Some("gzip"), "gzip wasm"),
        (None, None, "raw wasm"),
    ] {
        let response = server.get("/pkg/photo-spots.h.wasm", accepts).await;
        assert_eq!(response.status(), StatusCode::OK, "accepting {accepts:?}");
        // Shared caches must key the copy on the request's Accept-Encoding.
        assert_eq!(
            header_of(&response, header::VARY).as_deref(),
            Some("accept-encoding")
        );
        assert_eq!(
            header_of(&response, header::CONTENT_TYPE).as_deref(),
            Some("application/wasm")
        );
        assert_eq!(
            header_of(&response, header::CONTENT_ENCODING).as_deref(),
            encoding
        );
        // Nothing was compressed against this main module: it is no dictionary.
        assert_eq!(
            header_of(
                &response,
                header::HeaderName::from_static("use-as-dictionary")
            ),
            None
        );
        assert_eq!(
            response.text().await.unwrap(),
            body,
            "accepting {accepts:?}"
        );
    }
}

#[tokio::test]
async fn a_missing_bundle_file_is_404_and_not_cached() {
    let server = TestServer::start_with_hashed_bundle().await;

    let response = server.get("/pkg/photo-spots.gone.js", None).await;

    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(header_of(&response, header::CACHE_CONTROL), None);
}

#[tokio::test]
async fn a_hashed_bundle_file_is_read_from_disk_once() {
    let server = TestServer::start_with_hashed_bundle().await;
    server.put_site_file("pkg/photo-spots.h1.js", b"first build");
    assert_eq!(
        server
            .get("/pkg/photo-spots.h1.js", None)
            .await
            .text()
            .await
            .unwrap(),
        "first build"
    );

    // A content-named file never changes, so the server keeps what it read.
    server.put_site_file("pkg/photo-spots.h1.js", b"changed on disk");
    let again = server.get("/pkg/photo-spots.h1.js", None).await;

    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(
        header_of(&again, header::CONTENT_TYPE).as_deref(),
        Some("text/javascript")
    );
    assert_eq!(again.text().await.unwrap(), "first build");
}

#[tokio::test]
async fn a_bundle_file_missing_at_first_is_found_once_it_exists() {
    let server = TestServer::start_with_hashed_bundle().await;
    let missing = server.get("/pkg/photo-spots.later.css", None).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);

    server.put_site_file("pkg/photo-spots.later.css", b"p {}");
    let found = server.get("/pkg/photo-spots.later.css", None).await;

    assert_eq!(found.status(), StatusCode::OK);
    assert_eq!(found.text().await.unwrap(), "p {}");
}

#[tokio::test]
async fn bundle_paths_cannot_reach_outside_the_bundle_directory() {
    for hashed in [true, false] {
        let server = if hashed {
            TestServer::start_with_hashed_bundle().await
        } else {
            TestServer::start().await
        };
        // The test server's database lives one directory above `pkg`.
        server.put_site_file("pkg/photo-spots.h.css", b"p {}");
        for path in [
            "/pkg/%2e%2e%2fphoto-spots.db",
            "/pkg/..%2fphoto-spots.db",
            "/pkg/%2e%2e%5cphoto-spots.db",
        ] {
            let response = server.get(path, None).await;
            assert_eq!(
                response.status(),
                StatusCode::NOT_FOUND,
                "{path} (hashed: {hashed})"
            );
        }
    }
}

#[tokio::test]
async fn bundle_files_answer_head_and_refuse_other_methods() {
    let server = TestServer::start_with_hashed_bundle().await;
    server.put_site_file("pkg/photo-spots.h.css", b"body { margin: 0 }");

    let head = server
        .http
        .head(format!("{}/pkg/photo-spots.h.css", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), StatusCode::OK);
    assert_eq!(
        header_of(&head, header::CONTENT_LENGTH).as_deref(),
        Some("18")
    );
    assert!(head.bytes().await.unwrap().is_empty());

    let post = server.post("/pkg/photo-spots.h.css", None, json!({})).await;
    assert_eq!(post.status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn public_files_are_served_from_the_site_root() {
    let server = TestServer::start().await;
    server.put_site_file("favicon.svg", b"<svg/>");

    let response = server.get("/favicon.svg", None).await;

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        header_of(&response, header::CONTENT_TYPE).as_deref(),
        Some("image/svg+xml")
    );
    assert_eq!(
        header_of(&response, header::CACHE_CONTROL).as_deref(),
        Some("no-cache")
    );
}

#[tokio::test]
async fn unknown_paths_get_the_apps_404_page_whatever_the_method() {
    let server = TestServer::start().await;

    let get = server.get("/no-such-page", None).await;
    assert_eq!(get.status(), StatusCode::NOT_FOUND);
    assert!(get.text().await.unwrap().contains("<html"));

    let post = server.post("/no-such-page", None, json!({})).await;
    assert_eq!(post.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn pages_are_gzipped_for_browsers_that_accept_it() {
    let server = TestServer::start().await;

    let gzipped = server.get("/", Some("gzip")).await;
    assert_eq!(gzipped.status(), StatusCode::OK);
    assert_eq!(
        header_of(&gzipped, header::CONTENT_ENCODING).as_deref(),
        Some("gzip")
    );
    let bytes = gzipped.bytes().await.unwrap();
    assert_eq!(&bytes[..2], &[0x1f, 0x8b], "a gzip stream");

    let plain = server.get("/", None).await;
    assert_eq!(header_of(&plain, header::CONTENT_ENCODING), None);
    assert!(plain.text().await.unwrap().contains("Photo Spots"));
}

#[tokio::test]
async fn small_api_answers_are_not_compressed() {
    let server = TestServer::start().await;

    let response = server
        .http
        .post(format!("{}/api/health", server.base))
        .header("accept-encoding", "gzip")
        .json(&json!({}))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header_of(&response, header::CONTENT_ENCODING), None);
}

/// A `dcz` copy of a lazy file made against `dictionary` (RFC 9842): the
/// magic number, the dictionary's SHA-256, then what stands for the zstd frame.
fn dcz_against(dictionary: &[u8], frame: &[u8]) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    let magic = [0x5e, 0x2a, 0x4d, 0x18, 0x20, 0x00, 0x00, 0x00];
    [&magic[..], &Sha256::digest(dictionary)[..], frame].concat()
}

/// `Available-Dictionary` as a browser holding `dictionary` sends it.
fn holding(dictionary: &[u8]) -> String {
    use base64::{Engine, engine::general_purpose::STANDARD};
    use sha2::{Digest, Sha256};
    format!(":{}:", STANDARD.encode(Sha256::digest(dictionary)))
}

const MAIN_MODULE: &[u8] = b"\0asm main module of this build";

async fn lazy_file_request(
    server: &TestServer,
    accepts: &str,
    dictionary: Option<String>,
) -> Response {
    let mut request = server
        .http
        .get(format!("{}/pkg/chunk_7.h.wasm", server.base))
        .header(header::ACCEPT_ENCODING, accepts);
    if let Some(dictionary) = dictionary {
        request = request.header("available-dictionary", dictionary);
    }
    request.send().await.unwrap()
}

async fn bundle_with_dictionary_copy() -> TestServer {
    let server = TestServer::start_with_hashed_bundle().await;
    server.put_site_file("pkg/photo-spots.h.wasm", MAIN_MODULE);
    server.put_site_file("pkg/chunk_7.h.wasm", b"raw lazy wasm");
    server.put_site_file("pkg/chunk_7.h.wasm.br", b"brotli lazy wasm");
    server.put_site_file(
        "pkg/chunk_7.h.wasm.dcz",
        &dcz_against(MAIN_MODULE, b"zstd frame"),
    );
    server
}

#[tokio::test]
async fn the_main_module_is_offered_as_a_dictionary_for_the_lazy_files() {
    let server = bundle_with_dictionary_copy().await;

    let main = server.get("/pkg/photo-spots.h.wasm", Some("br")).await;
    assert_eq!(
        header_of(&main, header::HeaderName::from_static("use-as-dictionary")).as_deref(),
        Some(r#"match="/pkg/*.wasm""#)
    );
    let lazy = server.get("/pkg/chunk_7.h.wasm", Some("br")).await;
    assert_eq!(
        header_of(&lazy, header::HeaderName::from_static("use-as-dictionary")),
        None
    );
}

#[tokio::test]
async fn a_lazy_file_goes_compressed_against_the_main_module_the_browser_holds() {
    let server = bundle_with_dictionary_copy().await;

    let response = lazy_file_request(
        &server,
        "gzip, br, zstd, dcb, dcz",
        Some(holding(MAIN_MODULE)),
    )
    .await;

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        header_of(&response, header::CONTENT_ENCODING).as_deref(),
        Some("dcz")
    );
    // Caches must key the copy on the dictionary too.
    assert_eq!(
        header_of(&response, header::VARY).as_deref(),
        Some("accept-encoding, available-dictionary")
    );
    assert_eq!(
        response.bytes().await.unwrap(),
        dcz_against(MAIN_MODULE, b"zstd frame")
    );
}

#[tokio::test]
async fn a_browser_without_that_dictionary_gets_brotli() {
    let server = bundle_with_dictionary_copy().await;

    for (accepts, dictionary) in [
        // Another build's main module: the copy would not decode.
        ("br, dcz", Some(holding(b"\0asm an older build"))),
        ("br, dcz", None),
        ("br, dcz", Some(":not base64:".to_owned())),
        // Holding it, but not accepting the coding.
        ("br, zstd", Some(holding(MAIN_MODULE))),
    ] {
        let response = lazy_file_request(&server, accepts, dictionary.clone()).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            header_of(&response, header::CONTENT_ENCODING).as_deref(),
            Some("br"),
            "{accepts} with {dictionary:?}"
        );
        assert_eq!(response.text().await.unwrap(), "brotli lazy wasm");
    }
}
