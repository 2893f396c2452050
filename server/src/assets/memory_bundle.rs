//! The content-named bundle, served from memory.
//!
//! With `hash-files`, a name like `photo-spots.<hash>.wasm` always holds the
//! same bytes, so the first request for a name may keep the file (and its
//! `.br`/`.gz` copies) for the life of the process: later requests cost a
//! map lookup instead of an open, a stat and reads on the blocking pool
//! (BENCHMARKS.md: 9,600/s from disk). Only files that exist are kept, so the
//! memory used is at most the size of the bundle directory; a name that isn't
//! there is looked up on disk each time and answered 404.

use super::{
    FOR_A_YEAR,
    accept_encoding::{Encoding, negotiate},
    dictionary::{self, DictionaryCopy, DictionaryHash},
};
use axum::{
    Router,
    body::{Body, Bytes},
    extract::{Path, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use parking_lot::RwLock;
use std::{collections::HashMap, io, path::PathBuf, sync::Arc};

/// `/{file}` under the bundle directory `dir`, to be nested at `/pkg`;
/// `output_name` names the main module (`<output_name>.<hash>.wasm`).
pub fn router(dir: PathBuf, output_name: &str) -> Router {
    let cache = Arc::new(BundleCache {
        dir,
        main_module_prefix: format!("{output_name}."),
        files: RwLock::default(),
    });
    Router::new()
        .route("/{file}", get(serve))
        .fallback(|| async { StatusCode::NOT_FOUND })
        .with_state(cache)
}

struct BundleCache {
    dir: PathBuf,
    main_module_prefix: String,
    files: RwLock<HashMap<String, Arc<CachedFile>>>,
}

/// A file and whichever precompressed copies the build wrote beside it.
struct CachedFile {
    content_type: HeaderValue,
    plain: Bytes,
    /// In order of preference, as `negotiate` takes them.
    compressed: Vec<(Encoding, Bytes)>,
    /// A lazy wasm file's copy compressed against the main module.
    against_dictionary: Option<DictionaryCopy>,
    /// The main module, offered to browsers as a dictionary.
    is_dictionary: bool,
}

async fn serve(
    State(cache): State<Arc<BundleCache>>,
    Path(name): Path<String>,
    headers: HeaderMap,
) -> Response {
    match cache.get(&name).await {
        Ok(Some(file)) => file.response(accept_encoding(&headers), dictionary::available(&headers)),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(error) => {
            tracing::error!(%error, file = %name, "could not read a bundle file");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

fn accept_encoding(headers: &HeaderMap) -> &str {
    headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
}

impl BundleCache {
    async fn get(&self, name: &str) -> io::Result<Option<Arc<CachedFile>>> {
        let cached = self.files.read().get(name).cloned();
        if cached.is_some() {
            return Ok(cached);
        }
        let Some(file) = self.load(name).await? else {
            return Ok(None);
        };
        let file = Arc::new(file);
        self.files.write().insert(name.to_owned(), file.clone());
        Ok(Some(file))
    }

    async fn load(&self, name: &str) -> io::Result<Option<CachedFile>> {
        // One plain file name: nothing that could climb out of the directory.
        if name.is_empty() || name.starts_with('.') || name.contains(['/', '\\']) {
            return Ok(None);
        }
        let path = self.dir.join(name);
        let Some(plain) = read_if_present(path.clone()).await? else {
            return Ok(None);
        };
        let sibling = |extension: &str| {
            let mut path = path.clone().into_os_string();
            path.push(extension);
            PathBuf::from(path)
        };
        let mut compressed = Vec::new();
        for (encoding, extension) in [(Encoding::Brotli, ".br"), (Encoding::Gzip, ".gz")] {
            if let Some(copy) = read_if_present(sibling(extension)).await? {
                compressed.push((encoding, copy));
            }
        }
        let against_dictionary = read_if_present(sibling(".dcz"))
            .await?
            .and_then(DictionaryCopy::parse);
        let content_type = mime_guess::from_path(name).first_or_octet_stream();
        Ok(Some(CachedFile {
            content_type: HeaderValue::from_str(content_type.as_ref())
                .unwrap_or(HeaderValue::from_static("application/octet-stream")),
            plain,
            compressed,
            against_dictionary,
            is_dictionary: self.is_main_module(name) && self.has_dictionary_copies().await,
        }))
    }

    /// Whether the build compressed anything against the main module: without
    /// such copies, offering it would only fill the browser's dictionary store.
    async fn has_dictionary_copies(&self) -> bool {
        let Ok(mut entries) = tokio::fs::read_dir(&self.dir).await else {
            return false;
        };
        while let Ok(Some(entry)) = entries.next_entry().await {
            if entry.file_name().to_string_lossy().ends_with(".wasm.dcz") {
                return true;
            }
        }
        false
    }

    /// `photo-spots.<hash>.wasm`, not one of wasm-split's lazy files.
    fn is_main_module(&self, name: &str) -> bool {
        name.strip_prefix(&self.main_module_prefix)
            .and_then(|rest| rest.strip_suffix(".wasm"))
            .is_some_and(|hash| !hash.is_empty() && !hash.contains('.'))
    }
}

/// The file's bytes; `None` if there is no such file (or it is a directory).
async fn read_if_present(path: PathBuf) -> io::Result<Option<Bytes>> {
    match tokio::fs::read(&path).await {
        Ok(bytes) => Ok(Some(Bytes::from(bytes))),
        Err(error)
            if matches!(
                error.kind(),
                io::ErrorKind::NotFound | io::ErrorKind::IsADirectory
            ) =>
        {
            Ok(None)
        }
        Err(error) => Err(error),
    }
}

impl CachedFile {
    fn response(&self, accept_encoding: &str, dictionary: Option<DictionaryHash>) -> Response {
        let against_dictionary = self
            .against_dictionary
            .as_ref()
            .filter(|copy| Some(copy.dictionary) == dictionary);
        let available = against_dictionary
            .map(|_| Encoding::DictionaryZstd)
            .into_iter()
            .chain(self.compressed.iter().map(|(encoding, _)| *encoding));
        let encoding = negotiate(accept_encoding, available);
        let body = match (encoding, against_dictionary) {
            (Encoding::DictionaryZstd, Some(copy)) => &copy.body,
            _ => self
                .compressed
                .iter()
                .find(|(copy, _)| *copy == encoding)
                .map_or(&self.plain, |(_, bytes)| bytes),
        };

        let mut response = Response::new(Body::from(body.clone()));
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, self.content_type.clone());
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(FOR_A_YEAR));
        if self.against_dictionary.is_some() {
            headers.insert(
                header::VARY,
                HeaderValue::from_static("accept-encoding, available-dictionary"),
            );
        } else if !self.compressed.is_empty() {
            headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        }
        if self.is_dictionary {
            headers.insert(
                dictionary::USE_AS_DICTIONARY.clone(),
                dictionary::dictionary_scope(),
            );
        }
        if let Some(coding) = encoding.header_value() {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
        }
        response
    }
}
