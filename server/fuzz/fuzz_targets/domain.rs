//! Any text given to the domain types' constructors: each either refuses it
//! or holds a value that keeps its promise, and parsing that value again
//! gives the same value. Also any JSON body for a spot.
#![no_main]

use app::{
    domain::{Password, ReturnPath, SpotSlug, UserName, Username},
    spots::{SpotDraft, SpotInput},
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(name) = UserName::parse(text) {
        let kept = name.as_str();
        let chars = kept.chars().count();
        assert!((1..=UserName::MAX_CHARS).contains(&chars), "{kept:?}");
        assert!(!kept.chars().any(char::is_control), "{kept:?}");
        assert_eq!(kept, kept.trim());
        assert_eq!(UserName::parse(kept), Ok(name.clone()));
    }
    if let Ok(username) = Username::parse(text) {
        let kept = username.as_str();
        assert!(
            kept.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_'),
            "{kept:?}"
        );
        assert_eq!(Username::parse(kept), Ok(username.clone()));
    }
    if let Ok(slug) = SpotSlug::parse(text) {
        let kept = slug.as_str();
        assert!(
            !kept.is_empty()
                && kept
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{kept:?}"
        );
        assert_eq!(SpotSlug::parse(kept), Ok(slug.clone()));
    }
    let _ = Password::parse(text);
    if let Some(path) = ReturnPath::parse(text) {
        let kept = path.as_str();
        assert!(kept.starts_with('/'), "{kept:?}");
        assert!(!kept.starts_with("//") && !kept.contains('\\'), "{kept:?}");
        assert!(
            !kept.chars().any(|c| c.is_control() || c.is_whitespace()),
            "{kept:?}"
        );
        assert!(
            path.session_ended_url()
                .bytes()
                .all(|b| b.is_ascii_graphic()),
            "{kept:?}"
        );
    }
    if let Ok(input) = serde_json::from_str::<SpotInput>(text) {
        let _ = SpotDraft::parse(&input);
    }
});
