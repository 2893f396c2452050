use super::ValidationError;

/// `raw` trimmed, if it is 1 to `max` characters (Unicode scalar values)
/// with no control characters: a name people give something.
pub(super) fn one_line(
    raw: &str,
    field: &'static str,
    max: usize,
) -> Result<String, ValidationError> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(ValidationError::Empty { field });
    }
    if text.chars().count() > max {
        return Err(ValidationError::TooLong { field, max });
    }
    if text.chars().any(char::is_control) {
        return Err(ValidationError::ControlCharacters { field });
    }
    Ok(text.to_owned())
}
use serde::{Deserialize, Serialize};
use std::fmt;

/// A person's display name, e.g. "John".
///
/// Trimmed, 1 to 50 characters (Unicode scalar values), no control characters.
/// Anything else is stored exactly as typed: the page escapes it when showing it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UserName(String);

impl UserName {
    pub const MAX_CHARS: usize = 50;
    const FIELD: &'static str = "Name";

    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        one_line(raw, Self::FIELD, Self::MAX_CHARS).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for UserName {
    type Error = ValidationError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<UserName> for String {
    fn from(name: UserName) -> Self {
        name.0
    }
}

impl fmt::Display for UserName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surrounding_whitespace_is_trimmed() {
        assert_eq!(UserName::parse("  John \n").unwrap().as_str(), "John");
    }

    #[test]
    fn empty_or_blank_names_are_refused() {
        for blank in ["", "   ", "\t\n"] {
            assert_eq!(
                UserName::parse(blank),
                Err(ValidationError::Empty { field: "Name" })
            );
        }
    }

    #[test]
    fn fifty_characters_fit_and_fifty_one_do_not() {
        assert!(UserName::parse(&"é".repeat(50)).is_ok());
        assert_eq!(
            UserName::parse(&"a".repeat(51)),
            Err(ValidationError::TooLong {
                field: "Name",
                max: 50
            })
        );
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        // 50 four-byte characters are 200 bytes but still 50 characters.
        assert!(UserName::parse(&"📷".repeat(50)).is_ok());
    }

    #[test]
    fn control_characters_inside_are_refused() {
        for bad in ["Jo\nhn", "Jo\u{0}hn", "Jo\u{7f}hn", "Jo\u{1b}[31mhn"] {
            assert_eq!(
                UserName::parse(bad),
                Err(ValidationError::ControlCharacters { field: "Name" })
            );
        }
    }

    #[test]
    fn markup_is_kept_as_typed() {
        let name = "<img src=x onerror=alert(1)>";
        assert_eq!(UserName::parse(name).unwrap().as_str(), name);
    }

    /// Names as people type them, odd whitespace and markup included, and
    /// any string at all.
    fn typed_names() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        prop_oneof![
            "[ \t\na-zA-Z<>\"'&\u{7f}\u{85}\u{a0}\u{2028}\u{3000}\u{feff}é📷]{0,60}",
            any::<String>(),
        ]
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1024))]

        /// The page checks a name with `UserName::parse` before it sends
        /// `{"name": typed}`; the server parses what arrives. They agree on
        /// every input, and an accepted name read back (from the database,
        /// from a token's `name` claim) is accepted again, unchanged.
        #[test]
        fn the_page_and_the_server_agree_on_every_name(typed in typed_names()) {
            let in_the_page = UserName::parse(&typed);
            let body = serde_json::json!({ "name": typed }).to_string();
            let arrived: serde_json::Value = serde_json::from_str(&body).unwrap();
            let on_the_server = UserName::parse(arrived["name"].as_str().unwrap());
            proptest::prop_assert_eq!(&in_the_page, &on_the_server);
            if let Ok(name) = in_the_page {
                proptest::prop_assert_eq!(UserName::parse(name.as_str()), Ok(name.clone()));
                let json = serde_json::to_value(&name).unwrap();
                proptest::prop_assert_eq!(serde_json::from_value::<UserName>(json).unwrap(), name);
            }
        }
    }

    #[test]
    fn json_goes_through_the_constructor() {
        assert!(serde_json::from_str::<UserName>("\"\"").is_err());
        assert_eq!(
            serde_json::from_str::<UserName>("\" Jack \"")
                .unwrap()
                .as_str(),
            "Jack"
        );
    }
}
