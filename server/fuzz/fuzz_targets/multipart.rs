//! Any upload body (and boundary): the multipart reader hands over the
//! `photo` field's bytes, never more than the limit, or refuses the request
//! with 400 or 413. The input's first line is the boundary.
#![no_main]

use axum::{
    body::Body,
    extract::{FromRequest, Multipart},
    http::{Request, header::CONTENT_TYPE},
};
use libfuzzer_sys::fuzz_target;
use server::spots::photos::{photo_field, process::MAX_BYTES};
use std::sync::LazyLock;

static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
});

fuzz_target!(|data: &[u8]| {
    let (boundary, body) = match data.iter().position(|&byte| byte == b'\n') {
        Some(end) => (&data[..end], &data[end + 1..]),
        None => (&b"X"[..], data),
    };
    let mut content_type = b"multipart/form-data; boundary=".to_vec();
    content_type.extend_from_slice(boundary);
    let Ok(request) = Request::builder()
        .method("PUT")
        .header(CONTENT_TYPE, content_type)
        .body(Body::from(body.to_vec()))
    else {
        return;
    };
    RUNTIME.block_on(async {
        let multipart = Multipart::from_request(request, &()).await;
        match photo_field(multipart).await {
            Ok(bytes) => assert!(bytes.len() <= MAX_BYTES),
            Err(error) => assert!(matches!(error.status(), 400 | 413), "{error:?}"),
        }
    });
});
