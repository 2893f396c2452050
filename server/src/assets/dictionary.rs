//! Compression Dictionary Transport (RFC 9842): lazy wasm files compressed
//! against the main module, for browsers that hold it.
//!
//! A page's lazy code comes in many small files, and a small file compressed
//! alone compresses poorly. They resemble the main module's code, and the
//! browser has it by the time it opens another page or runs an action that
//! loads code. So the main module is offered as a dictionary
//! (`Use-As-Dictionary`, when the build made copies against it); a browser
//! that kept it names it in `Available-Dictionary` (its SHA-256) and accepts
//! `dcz`, and gets the copy `scripts/dictionary-compress.sh` made against
//! exactly those bytes. A browser without dictionaries, holding another
//! build's, or asking before the main module arrived (a cold visit's
//! preloads), gets brotli (BENCHMARKS.md).

use axum::{
    body::Bytes,
    http::{HeaderMap, HeaderName, HeaderValue},
};
use base64::{Engine, engine::general_purpose::STANDARD};

pub static USE_AS_DICTIONARY: HeaderName = HeaderName::from_static("use-as-dictionary");
pub static AVAILABLE_DICTIONARY: HeaderName = HeaderName::from_static("available-dictionary");

/// Which later requests may use the main module as their dictionary: the
/// bundle's other wasm files (the bundle is served at `/pkg`).
pub fn dictionary_scope() -> HeaderValue {
    HeaderValue::from_static(r#"match="/pkg/*.wasm""#)
}

/// A SHA-256 digest naming a dictionary.
pub type DictionaryHash = [u8; 32];

/// The start of every `dcz` stream (RFC 9842 section 4.2), before the
/// dictionary's hash.
const DCZ_MAGIC: [u8; 8] = [0x5e, 0x2a, 0x4d, 0x18, 0x20, 0x00, 0x00, 0x00];

/// A `dcz` copy of a file: the bytes to send and the dictionary they need.
pub struct DictionaryCopy {
    pub dictionary: DictionaryHash,
    pub body: Bytes,
}

impl DictionaryCopy {
    /// `None` for bytes that are not a `dcz` stream (a truncated or foreign
    /// file is never sent under that coding).
    pub fn parse(body: Bytes) -> Option<Self> {
        let rest = body.strip_prefix(&DCZ_MAGIC)?;
        let dictionary = rest.get(..32)?.try_into().ok()?;
        (rest.len() > 32).then_some(Self { dictionary, body })
    }
}

/// The dictionary the browser holds for this request: `Available-Dictionary`
/// is a structured-field byte sequence (`:base64:`, RFC 8941) of its SHA-256.
/// Anything else, a malformed value included, is no dictionary.
pub fn available(headers: &HeaderMap) -> Option<DictionaryHash> {
    let value = headers.get(&AVAILABLE_DICTIONARY)?.to_str().ok()?.trim();
    let encoded = value.strip_prefix(':')?.strip_suffix(':')?;
    STANDARD.decode(encoded).ok()?.try_into().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dcz(dictionary: DictionaryHash, frame: &[u8]) -> Bytes {
        [&DCZ_MAGIC[..], &dictionary, frame].concat().into()
    }

    fn with_available(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(&AVAILABLE_DICTIONARY, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn a_dcz_stream_names_its_dictionary() {
        let copy = DictionaryCopy::parse(dcz([7; 32], b"frame")).unwrap();
        assert_eq!(copy.dictionary, [7; 32]);
        assert_eq!(&copy.body[40..], b"frame");
    }

    #[test]
    fn bytes_that_are_not_a_dcz_stream_are_no_copy() {
        assert!(
            DictionaryCopy::parse(Bytes::from_static(b"\x28\xb5\x2f\xfd plain zstd")).is_none()
        );
        assert!(DictionaryCopy::parse(Bytes::from(DCZ_MAGIC.to_vec())).is_none());
        // A header with no frame after it: a file cut short.
        assert!(DictionaryCopy::parse(dcz([7; 32], b"")).is_none());
    }

    #[test]
    fn the_browsers_dictionary_is_read_from_a_byte_sequence() {
        let hash = [0xab; 32];
        let header = format!(":{}:", STANDARD.encode(hash));
        assert_eq!(available(&with_available(&header)), Some(hash));
    }

    #[test]
    fn a_malformed_available_dictionary_is_no_dictionary() {
        let short = format!(":{}:", STANDARD.encode([1; 16]));
        let unwrapped = STANDARD.encode([1; 32]);
        for value in [
            short.as_str(),
            unwrapped.as_str(),
            ":not base64!:",
            "::",
            "",
        ] {
            assert_eq!(available(&with_available(value)), None, "{value:?}");
        }
        assert_eq!(available(&HeaderMap::new()), None);
    }
}
