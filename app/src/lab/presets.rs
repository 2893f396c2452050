use super::{Draft, DraftError, SignatureChoice};
use serde_json::Value;

/// Ten years, in seconds.
const TEN_YEARS: i64 = 10 * 365 * 24 * 3600 + 2 * 24 * 3600;

/// The classic forgeries, one click away.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preset {
    /// `sub` 120 → 121: claim to be Jack (or John, for Jack).
    BecomeSomeoneElse,
    /// `admin` → true.
    MakeMeAdmin,
    /// `exp` + 10 years.
    LiveForever,
    /// Send `header.payload.` with no signature.
    RemoveSignature,
    /// `"alg": "none"` and no signature: "this token is not signed".
    AlgNone,
}

impl Preset {
    pub const ALL: [Self; 5] = [
        Self::BecomeSomeoneElse,
        Self::MakeMeAdmin,
        Self::LiveForever,
        Self::RemoveSignature,
        Self::AlgNone,
    ];

    /// The button's label, for the token's owner (`sub`).
    pub fn label(self, sub: &str) -> &'static str {
        match self {
            Self::BecomeSomeoneElse if sub == JACK.0 => "Become John",
            Self::BecomeSomeoneElse => "Become Jack",
            Self::MakeMeAdmin => "Make me admin",
            Self::LiveForever => "Live forever",
            Self::RemoveSignature => "Remove the signature",
            Self::AlgNone => "alg: none",
        }
    }

    /// What the preset does, in a few words.
    pub fn describe(self) -> &'static str {
        match self {
            Self::BecomeSomeoneElse => "change sub to another user's id",
            Self::MakeMeAdmin => "set admin to true",
            Self::LiveForever => "push exp ten years ahead",
            Self::RemoveSignature => "drop the third part",
            Self::AlgNone => "say the token is not signed",
        }
    }

    /// Applies the preset to the draft's current text.
    pub fn apply(self, draft: &mut Draft) -> Result<(), DraftError> {
        let (mut header, mut payload) = draft.objects()?;
        match self {
            Self::BecomeSomeoneElse => {
                let (id, name) = if payload.get("sub") == Some(&JACK.0.into()) {
                    JOHN
                } else {
                    JACK
                };
                payload.insert("sub".into(), id.into());
                payload.insert("name".into(), name.into());
            }
            Self::MakeMeAdmin => {
                payload.insert("admin".into(), true.into());
            }
            Self::LiveForever => {
                let exp = payload
                    .get("exp")
                    .and_then(Value::as_i64)
                    .unwrap_or_default();
                payload.insert("exp".into(), (exp + TEN_YEARS).into());
            }
            Self::RemoveSignature => draft.signature = SignatureChoice::Removed,
            Self::AlgNone => {
                header.insert("alg".into(), "none".into());
                draft.signature = SignatureChoice::Removed;
            }
        }
        draft.set_objects(&header, &payload);
        Ok(())
    }
}

/// The demo users of the articles (README): John is 120, Jack 121.
const JOHN: (&str, &str) = ("120", "John");
const JACK: (&str, &str) = ("121", "Jack");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::draft::tests::john;

    fn forged_with(preset: Preset) -> (crate::lab::Forged, serde_json::Value, serde_json::Value) {
        let original = john();
        let mut draft = Draft::from_original(&original);
        preset.apply(&mut draft).unwrap();
        let (header, payload) = draft.objects().unwrap();
        (
            draft.forge(&original).unwrap(),
            header.into(),
            payload.into(),
        )
    }

    #[test]
    fn become_jack_changes_only_who_the_token_names() {
        let (forged, _, payload) = forged_with(Preset::BecomeSomeoneElse);
        assert_eq!(payload["sub"], "121");
        assert_eq!(payload["name"], "Jack");
        assert_eq!(forged.changed, [false, true, false]);
        assert_eq!(Preset::BecomeSomeoneElse.label("120"), "Become Jack");
        assert_eq!(Preset::BecomeSomeoneElse.label("121"), "Become John");
    }

    #[test]
    fn make_me_admin_and_live_forever_edit_one_claim() {
        let (_, _, payload) = forged_with(Preset::MakeMeAdmin);
        assert_eq!(payload["admin"], true);
        let (forged, _, payload) = forged_with(Preset::LiveForever);
        assert_eq!(payload["exp"], 1_700_003_600 + TEN_YEARS);
        assert_eq!(forged.changes.len(), 1);
    }

    #[test]
    fn alg_none_says_unsigned_and_drops_the_signature() {
        let (forged, header, _) = forged_with(Preset::AlgNone);
        assert_eq!(header["alg"], "none");
        assert_eq!(forged.alg, "none");
        assert!(forged.token().ends_with('.'));
        assert_eq!(forged.changed, [true, false, true]);
        let (removed, header, _) = forged_with(Preset::RemoveSignature);
        assert_eq!(header["alg"], "EdDSA");
        assert_eq!(removed.changed, [false, false, true]);
    }

    #[test]
    fn presets_stack() {
        let original = john();
        let mut draft = Draft::from_original(&original);
        Preset::BecomeSomeoneElse.apply(&mut draft).unwrap();
        Preset::MakeMeAdmin.apply(&mut draft).unwrap();
        let keys: Vec<_> = draft
            .forge(&original)
            .unwrap()
            .changes
            .into_iter()
            .map(|c| c.key)
            .collect();
        assert_eq!(keys, ["admin", "name", "sub"]);
    }
}
