use super::ValidationError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A spot's stable name in URLs and in other services, e.g. `kirkjufell`.
///
/// 1 to 64 characters from `[a-z0-9-]`: safe in a URL path without escaping,
/// and two slugs that look alike are the same bytes.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SpotSlug(String);

impl SpotSlug {
    pub const MAX_CHARS: usize = 64;

    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
        if (1..=Self::MAX_CHARS).contains(&raw.len()) && raw.chars().all(allowed) {
            Ok(Self(raw.to_owned()))
        } else {
            Err(ValidationError::SpotSlug)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for SpotSlug {
    type Error = ValidationError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<SpotSlug> for String {
    fn from(slug: SpotSlug) -> Self {
        slug.0
    }
}

impl fmt::Display for SpotSlug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_letters_digits_and_dashes() {
        for good in ["kirkjufell", "horseshoe-bend", "a", "x1-2", &"a".repeat(64)] {
            assert_eq!(SpotSlug::parse(good).unwrap().as_str(), good);
        }
    }

    #[test]
    fn anything_else_is_refused() {
        let long = "a".repeat(65);
        for bad in [
            "",
            "Kirkjufell",
            "with space",
            "a/b",
            "..",
            "é",
            "a_b",
            "%2e",
            long.as_str(),
        ] {
            assert_eq!(
                SpotSlug::parse(bad),
                Err(ValidationError::SpotSlug),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn deserializing_goes_through_the_check() {
        assert!(serde_json::from_str::<SpotSlug>("\"kirkjufell\"").is_ok());
        assert!(serde_json::from_str::<SpotSlug>("\"../etc\"").is_err());
    }
}
