use crate::domain::{SpotSlug, ValidationError};
use serde::{Deserialize, Serialize};

/// What an admin sends to add or edit a spot: the JSON body of
/// `POST /api/admin/spots` and `PUT /api/admin/spots/{slug}`.
///
/// Unknown fields are refused, so a misspelt `"hiden": true` is an error
/// rather than a spot that is silently left public.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpotInput {
    /// Required to add a spot; when editing, it may only repeat the path's.
    #[serde(default)]
    pub slug: Option<SpotSlug>,
    pub name: String,
    pub place: String,
    #[serde(default)]
    pub latitude: Option<f64>,
    #[serde(default)]
    pub longitude: Option<f64>,
    #[serde(default)]
    pub best_light: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub hidden: bool,
}

/// A spot's editable fields, checked: it can only be built by [`SpotDraft::parse`].
#[derive(Clone, Debug, PartialEq)]
pub struct SpotDraft {
    name: String,
    place: String,
    coordinates: Option<(f64, f64)>,
    best_light: String,
    note: String,
    hidden: bool,
}

impl SpotDraft {
    pub const NAME_MAX: usize = 80;
    pub const PLACE_MAX: usize = 120;
    pub const BEST_LIGHT_MAX: usize = 200;
    pub const NOTE_MAX: usize = 1000;

    pub fn parse(input: &SpotInput) -> Result<Self, ValidationError> {
        Ok(Self {
            name: text(
                "Name",
                &input.name,
                Self::NAME_MAX,
                Required::Yes,
                Lines::One,
            )?,
            place: text(
                "Place",
                &input.place,
                Self::PLACE_MAX,
                Required::Yes,
                Lines::One,
            )?,
            coordinates: coordinates(input.latitude, input.longitude)?,
            best_light: text(
                "Best light",
                &input.best_light,
                Self::BEST_LIGHT_MAX,
                Required::No,
                Lines::One,
            )?,
            note: text(
                "Note",
                &input.note,
                Self::NOTE_MAX,
                Required::No,
                Lines::Many,
            )?,
            hidden: input.hidden,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn place(&self) -> &str {
        &self.place
    }
    pub fn latitude(&self) -> Option<f64> {
        self.coordinates.map(|(latitude, _)| latitude)
    }
    pub fn longitude(&self) -> Option<f64> {
        self.coordinates.map(|(_, longitude)| longitude)
    }
    pub fn best_light(&self) -> &str {
        &self.best_light
    }
    pub fn note(&self) -> &str {
        &self.note
    }
    pub fn hidden(&self) -> bool {
        self.hidden
    }
}

#[derive(PartialEq)]
enum Required {
    Yes,
    No,
}

#[derive(PartialEq)]
enum Lines {
    One,
    /// Line breaks allowed (a note may have paragraphs).
    Many,
}

/// Trimmed text of at most `max` characters without control characters.
fn text(
    field: &'static str,
    raw: &str,
    max: usize,
    required: Required,
    lines: Lines,
) -> Result<String, ValidationError> {
    let value = raw.trim().replace("\r\n", "\n");
    if value.is_empty() && required == Required::Yes {
        return Err(ValidationError::Empty { field });
    }
    if value.chars().count() > max {
        return Err(ValidationError::TooLong { field, max });
    }
    let allowed = |c: char| !c.is_control() || (c == '\n' && lines == Lines::Many);
    if !value.chars().all(allowed) {
        return Err(ValidationError::ControlCharacters { field });
    }
    Ok(value)
}

/// Both or neither, each in range.
fn coordinates(
    latitude: Option<f64>,
    longitude: Option<f64>,
) -> Result<Option<(f64, f64)>, ValidationError> {
    match (latitude, longitude) {
        (None, None) => Ok(None),
        (Some(latitude), Some(longitude))
            if (-90.0..=90.0).contains(&latitude) && (-180.0..=180.0).contains(&longitude) =>
        {
            Ok(Some((latitude, longitude)))
        }
        _ => Err(ValidationError::Coordinates),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> SpotInput {
        SpotInput {
            name: "  Moraine Lake ".into(),
            place: "Banff, Canada".into(),
            latitude: Some(51.32),
            longitude: Some(-116.19),
            note: "First line\r\nSecond line".into(),
            ..SpotInput::default()
        }
    }

    #[test]
    fn a_good_spot_is_trimmed_and_kept() {
        let draft = SpotDraft::parse(&input()).unwrap();
        assert_eq!(draft.name(), "Moraine Lake");
        assert_eq!(draft.latitude(), Some(51.32));
        assert_eq!(draft.longitude(), Some(-116.19));
        assert_eq!(draft.note(), "First line\nSecond line");
        assert_eq!(draft.best_light(), "");
        assert!(!draft.hidden());
    }

    #[test]
    fn name_and_place_are_required_and_bounded() {
        let empty = SpotInput {
            name: "   ".into(),
            ..input()
        };
        assert_eq!(
            SpotDraft::parse(&empty),
            Err(ValidationError::Empty { field: "Name" })
        );
        let long = SpotInput {
            place: "x".repeat(SpotDraft::PLACE_MAX + 1),
            ..input()
        };
        assert_eq!(
            SpotDraft::parse(&long),
            Err(ValidationError::TooLong {
                field: "Place",
                max: SpotDraft::PLACE_MAX
            })
        );
    }

    #[test]
    fn only_the_note_may_have_line_breaks() {
        let name = SpotInput {
            name: "Two\nlines".into(),
            ..input()
        };
        assert_eq!(
            SpotDraft::parse(&name),
            Err(ValidationError::ControlCharacters { field: "Name" })
        );
        let note = SpotInput {
            note: "a\u{0007}bell".into(),
            ..input()
        };
        assert_eq!(
            SpotDraft::parse(&note),
            Err(ValidationError::ControlCharacters { field: "Note" })
        );
    }

    #[test]
    fn coordinates_come_in_pairs_within_range() {
        for (latitude, longitude) in [
            (Some(91.0), Some(0.0)),
            (Some(0.0), Some(-180.5)),
            (Some(10.0), None),
            (None, Some(10.0)),
            (Some(f64::NAN), Some(0.0)),
        ] {
            let bad = SpotInput {
                latitude,
                longitude,
                ..input()
            };
            assert_eq!(
                SpotDraft::parse(&bad),
                Err(ValidationError::Coordinates),
                "{latitude:?} {longitude:?}"
            );
        }
        let none = SpotInput {
            latitude: None,
            longitude: None,
            ..input()
        };
        assert_eq!(SpotDraft::parse(&none).unwrap().latitude(), None);
    }

    #[test]
    fn unknown_fields_are_refused() {
        let json = r#"{"name":"A","place":"B","hiden":true}"#;
        assert!(serde_json::from_str::<SpotInput>(json).is_err());
        let json = r#"{"slug":"../x","name":"A","place":"B"}"#;
        assert!(serde_json::from_str::<SpotInput>(json).is_err());
    }
}
