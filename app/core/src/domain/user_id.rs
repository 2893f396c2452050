use super::ValidationError;
use serde::{Deserialize, Serialize};
use std::{fmt, str::FromStr};

/// A user's database id: a positive integer.
///
/// In a token it travels as the string `sub` claim (`"120"`), as RFC 7519 asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct UserId(i64);

impl UserId {
    pub fn new(value: i64) -> Result<Self, ValidationError> {
        if value > 0 {
            Ok(Self(value))
        } else {
            Err(ValidationError::UserId)
        }
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

impl TryFrom<i64> for UserId {
    type Error = ValidationError;
    fn try_from(value: i64) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<UserId> for i64 {
    fn from(id: UserId) -> Self {
        id.0
    }
}

impl FromStr for UserId {
    type Err = ValidationError;

    /// Parses the canonical decimal form only, so `"0120"` or `"+120"` (which
    /// would name the same user under another spelling) are refused.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let value: i64 = s.parse().map_err(|_| ValidationError::UserId)?;
        let id = Self::new(value)?;
        if id.to_string() == s {
            Ok(id)
        } else {
            Err(ValidationError::UserId)
        }
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positive_ids_are_accepted() {
        assert_eq!(UserId::new(120).map(UserId::get), Ok(120));
    }

    #[test]
    fn zero_and_negative_ids_are_refused() {
        assert_eq!(UserId::new(0), Err(ValidationError::UserId));
        assert_eq!(UserId::new(-121), Err(ValidationError::UserId));
    }

    #[test]
    fn only_the_canonical_decimal_form_parses() {
        assert_eq!("120".parse::<UserId>().map(UserId::get), Ok(120));
        for bad in ["0120", "+120", " 120", "12a", "", "99999999999999999999"] {
            assert!(bad.parse::<UserId>().is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn json_goes_through_the_constructor() {
        assert!(serde_json::from_str::<UserId>("0").is_err());
        assert_eq!(
            serde_json::from_str::<UserId>("121").map(UserId::get).ok(),
            Some(121)
        );
    }
}
