use thiserror::Error;

/// Why a value was refused by a domain type's constructor.
///
/// The messages are shown to people as they are, in the browser and in API
/// answers, so they say what to change.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum ValidationError {
    #[error("{field} can't be empty.")]
    Empty { field: &'static str },
    #[error("{field} must be at most {max} characters.")]
    TooLong { field: &'static str, max: usize },
    #[error("{field} must be at least {min} characters.")]
    TooShort { field: &'static str, min: usize },
    #[error("Your password can't be your username.")]
    PasswordIsUsername,
    #[error("{field} can't contain control characters such as line breaks or tabs.")]
    ControlCharacters { field: &'static str },
    #[error("Usernames are 3 to 32 characters: lowercase letters, digits, '-' and '_'.")]
    UsernameFormat,
    #[error("A user id is a positive whole number.")]
    UserId,
    #[error("A spot is named by 1 to 64 lowercase letters, digits and '-', e.g. kirkjufell.")]
    SpotSlug,
    #[error("Give both latitude (-90 to 90) and longitude (-180 to 180), or neither.")]
    Coordinates,
}

impl ValidationError {
    /// The request field this error is about, for API answers.
    pub fn field(&self) -> &'static str {
        match self {
            Self::Empty { field } | Self::TooLong { field, .. } | Self::TooShort { field, .. } => {
                field
            }
            Self::PasswordIsUsername => "password",
            Self::ControlCharacters { field } => field,
            Self::UsernameFormat => "username",
            Self::UserId => "id",
            Self::SpotSlug => "spot",
            Self::Coordinates => "coordinates",
        }
    }
}

impl From<ValidationError> for crate::error::ApiError {
    fn from(error: ValidationError) -> Self {
        Self::Validation {
            // "Best light" → "best_light", the JSON field's name.
            field: error.field().to_ascii_lowercase().replace(' ', "_"),
            message: error.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ApiError;

    #[test]
    fn validation_errors_are_422_and_name_the_field() {
        let error = ApiError::from(ValidationError::Empty { field: "Name" });
        assert_eq!(error.status(), 422);
        assert_eq!(
            error,
            ApiError::Validation {
                field: "name".into(),
                message: "Name can't be empty.".into()
            }
        );
    }
}
