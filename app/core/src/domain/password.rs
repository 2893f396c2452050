use super::{Username, ValidationError};
use std::fmt;

/// A password as typed at login. Never printed: `Debug` is redacted.
///
/// The upper bound keeps an attacker from making the server hash megabytes.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub const MAX_BYTES: usize = 1024;
    pub const MIN_NEW_CHARS: usize = 10;

    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        if raw.is_empty() {
            return Err(ValidationError::Empty { field: "Password" });
        }
        if raw.len() > Self::MAX_BYTES {
            return Err(ValidationError::TooLong {
                field: "Password",
                max: Self::MAX_BYTES,
            });
        }
        Ok(Self(raw.to_owned()))
    }

    /// A password someone is choosing (sign-up, password change): at least
    /// 10 characters, and not the username.
    pub fn new_for(raw: &str, username: &Username) -> Result<Self, ValidationError> {
        let password = Self::parse(raw)?;
        if raw.chars().count() < Self::MIN_NEW_CHARS {
            return Err(ValidationError::TooShort {
                field: "Password",
                min: Self::MIN_NEW_CHARS,
            });
        }
        if raw.trim().eq_ignore_ascii_case(username.as_str()) {
            return Err(ValidationError::PasswordIsUsername);
        }
        Ok(password)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_kept_exactly_including_spaces() {
        assert_eq!(
            Password::parse(" john-password ").unwrap().expose(),
            " john-password "
        );
    }

    #[test]
    fn empty_and_huge_passwords_are_refused() {
        assert!(Password::parse("").is_err());
        assert!(Password::parse(&"x".repeat(1025)).is_err());
        assert!(Password::parse(&"x".repeat(1024)).is_ok());
    }

    #[test]
    fn new_passwords_need_ten_characters_and_differ_from_the_username() {
        let ansel = Username::parse("ansel-adams").unwrap();
        assert!(Password::new_for("a-long-password", &ansel).is_ok());
        assert_eq!(
            Password::new_for("short", &ansel).unwrap_err(),
            ValidationError::TooShort {
                field: "Password",
                min: 10
            }
        );
        assert_eq!(
            Password::new_for("Ansel-Adams", &ansel).unwrap_err(),
            ValidationError::PasswordIsUsername
        );
    }

    #[test]
    fn debug_output_never_shows_the_password() {
        let shown = format!("{:?}", Password::parse("john-password").unwrap());
        assert!(!shown.contains("john"), "{shown}");
    }
}
