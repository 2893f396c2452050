use super::ValidationError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The handle a person logs in with, e.g. `john`.
///
/// 3 to 32 characters: lowercase ASCII letters, digits, `-` and `_`. Keeping it
/// this narrow means two usernames that look alike are the same bytes.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Username(String);

impl Username {
    pub const MIN_CHARS: usize = 3;
    pub const MAX_CHARS: usize = 32;

    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let username = raw.trim();
        if username.is_empty() {
            return Err(ValidationError::Empty { field: "Username" });
        }
        let allowed =
            |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_';
        let length_ok = (Self::MIN_CHARS..=Self::MAX_CHARS).contains(&username.len());
        if length_ok && username.chars().all(allowed) {
            Ok(Self(username.to_owned()))
        } else {
            Err(ValidationError::UsernameFormat)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Username {
    type Error = ValidationError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Username> for String {
    fn from(username: Username) -> Self {
        username.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_usernames_are_valid() {
        for name in ["john", "jack", "a_b-9"] {
            assert_eq!(Username::parse(name).unwrap().as_str(), name);
        }
    }

    #[test]
    fn blank_username_says_it_is_required() {
        assert_eq!(
            Username::parse("  "),
            Err(ValidationError::Empty { field: "Username" })
        );
    }

    #[test]
    fn wrong_length_or_characters_are_refused() {
        let too_long = "a".repeat(33);
        for bad in [
            "jo",
            too_long.as_str(),
            "John",
            "jo hn",
            "jöhn",
            "john!",
            "ｊｏｈｎ",
        ] {
            assert_eq!(
                Username::parse(bad),
                Err(ValidationError::UsernameFormat),
                "{bad:?}"
            );
        }
    }
}
