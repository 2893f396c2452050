use crate::token::TokenParts;
use base64ct::{Base64UrlUnpadded, Encoding};
use serde_json::{Map, Value};
use thiserror::Error;

/// A token's header or payload: a JSON object.
pub type Object = Map<String, Value>;

/// The real token, taken apart, that every forgery starts from.
#[derive(Clone, Debug, PartialEq)]
pub struct Original {
    /// The three parts exactly as they travel (base64url).
    pub encoded: [String; 3],
    pub header: Object,
    pub payload: Object,
}

impl Original {
    /// `None` unless `token` is a JWT whose header and payload are JSON objects.
    pub fn parse(token: &str) -> Option<Self> {
        let parts = TokenParts::decode(token)?;
        Some(Self {
            header: into_object(parts.header_json()?)?,
            payload: into_object(parts.payload_json()?)?,
            encoded: parts.encoded,
        })
    }

    /// The algorithm the server signs with (`EdDSA` or `HS256`).
    pub fn alg(&self) -> &str {
        self.header
            .get("alg")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    pub fn token(&self) -> String {
        self.encoded.join(".")
    }
}

/// What the forged token carries as its third part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SignatureChoice {
    /// The real token's signature, made for the original header and payload.
    Original,
    /// No signature at all: `header.payload.`
    Removed,
    /// A signature the person made themselves (base64url), with their guess
    /// at the secret.
    Own(String),
}

/// The person's edits: header and payload as JSON text, and the signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Draft {
    pub header: String,
    pub payload: String,
    pub signature: SignatureChoice,
}

/// Why a draft can't be made into a token.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum DraftError {
    #[error("The {0} is not valid JSON. Check the quotes, commas and braces.")]
    NotJson(&'static str),
    #[error("The {0} must be a JSON object: {{ … }}.")]
    NotObject(&'static str),
}

/// One claim (or header field) that differs from the original.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// "header" or "payload".
    pub part: &'static str,
    pub key: String,
    /// The JSON before and after; `None` where the key is missing.
    pub before: Option<String>,
    pub after: Option<String>,
}

/// The forged token, part by part, with what differs from the real one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Forged {
    pub encoded: [String; 3],
    /// Which of header, payload and signature differ from the real token.
    pub changed: [bool; 3],
    pub changes: Vec<Change>,
    /// The header's `alg`, as the forgery says it.
    pub alg: String,
    pub signature: SignatureChoice,
}

impl Forged {
    pub fn token(&self) -> String {
        self.encoded.join(".")
    }

    pub fn is_unchanged(&self) -> bool {
        !self.changed.iter().any(|&changed| changed)
    }
}

impl Draft {
    /// The real token as editable text, with its own signature.
    pub fn from_original(original: &Original) -> Self {
        Self {
            header: pretty(&original.header),
            payload: pretty(&original.payload),
            signature: SignatureChoice::Original,
        }
    }

    /// The header and payload as parsed objects.
    pub fn objects(&self) -> Result<(Object, Object), DraftError> {
        Ok((
            parse_object(&self.header, "header")?,
            parse_object(&self.payload, "payload")?,
        ))
    }

    /// Replaces the texts with `header` and `payload`, pretty-printed.
    pub fn set_objects(&mut self, header: &Object, payload: &Object) {
        self.header = pretty(header);
        self.payload = pretty(payload);
    }

    /// `header.payload` as the forged token will carry them: what a
    /// signature is computed over.
    pub fn signing_input(&self, original: &Original) -> Result<String, DraftError> {
        let (header, payload) = self.objects()?;
        Ok(format!(
            "{}.{}",
            encode_part(&header, &original.header, &original.encoded[0]),
            encode_part(&payload, &original.payload, &original.encoded[1])
        ))
    }

    /// Encodes the draft in the browser, as an attacker would: base64url of
    /// the JSON, keeping the real token's bytes for any part left as it was.
    pub fn forge(&self, original: &Original) -> Result<Forged, DraftError> {
        let (header, payload) = self.objects()?;
        let signature = match &self.signature {
            SignatureChoice::Original => original.encoded[2].clone(),
            SignatureChoice::Removed => String::new(),
            SignatureChoice::Own(signature) => signature.clone(),
        };
        let encoded = [
            encode_part(&header, &original.header, &original.encoded[0]),
            encode_part(&payload, &original.payload, &original.encoded[1]),
            signature,
        ];
        let changed = [0, 1, 2].map(|i| encoded[i] != original.encoded[i]);
        let mut changes = differences("header", &original.header, &header);
        changes.extend(differences("payload", &original.payload, &payload));
        Ok(Forged {
            alg: header
                .get("alg")
                .map(|alg| alg.as_str().map_or_else(|| alg.to_string(), str::to_owned))
                .unwrap_or_default(),
            encoded,
            changed,
            changes,
            signature: self.signature.clone(),
        })
    }
}

fn into_object(value: Value) -> Option<Object> {
    match value {
        Value::Object(object) => Some(object),
        _ => None,
    }
}

fn parse_object(text: &str, part: &'static str) -> Result<Object, DraftError> {
    match serde_json::from_str(text) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(_) => Err(DraftError::NotObject(part)),
        Err(_) => Err(DraftError::NotJson(part)),
    }
}

fn pretty(object: &Object) -> String {
    serde_json::to_string_pretty(object).unwrap_or_default()
}

/// A part left as it was keeps the real token's exact bytes (JSON has many
/// spellings of one object; re-encoding would change the bytes the
/// signature covers even though nothing was edited).
fn encode_part(edited: &Object, original: &Object, encoded: &str) -> String {
    if edited == original {
        encoded.to_owned()
    } else {
        Base64UrlUnpadded::encode_string(
            serde_json::to_string(edited).unwrap_or_default().as_bytes(),
        )
    }
}

fn differences(part: &'static str, before: &Object, after: &Object) -> Vec<Change> {
    let mut keys: Vec<&String> = before.keys().chain(after.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|key| before.get(*key) != after.get(*key))
        .map(|key| Change {
            part,
            key: key.clone(),
            before: before.get(key).map(Value::to_string),
            after: after.get(key).map(Value::to_string),
        })
        .collect()
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// A token shaped like the server's, with a made-up signature.
    pub fn john() -> Original {
        let header = Base64UrlUnpadded::encode_string(br#"{"alg":"EdDSA","typ":"JWT","kid":"k1"}"#);
        let payload = Base64UrlUnpadded::encode_string(
            br#"{"sub":"120","name":"John","admin":false,"iat":1700000000,"exp":1700003600,"jti":"j"}"#,
        );
        Original::parse(&format!("{header}.{payload}.c2lnbmF0dXJl")).unwrap()
    }

    #[test]
    fn an_untouched_draft_is_the_real_token_byte_for_byte() {
        let original = john();
        let forged = Draft::from_original(&original).forge(&original).unwrap();
        assert_eq!(forged.token(), original.token());
        assert!(forged.is_unchanged());
        assert!(forged.changes.is_empty());
    }

    #[test]
    fn an_edited_payload_is_re_encoded_and_keeps_the_old_signature() {
        let original = john();
        let mut draft = Draft::from_original(&original);
        draft.payload = draft.payload.replace("\"120\"", "\"121\"");
        let forged = draft.forge(&original).unwrap();
        assert_eq!(forged.changed, [false, true, false]);
        assert_eq!(forged.encoded[2], "c2lnbmF0dXJl");
        let payload: Value =
            serde_json::from_slice(&Base64UrlUnpadded::decode_vec(&forged.encoded[1]).unwrap())
                .unwrap();
        assert_eq!(payload["sub"], "121");
        assert_eq!(payload["name"], "John");
        assert_eq!(
            forged.changes,
            vec![Change {
                part: "payload",
                key: "sub".into(),
                before: Some("\"120\"".into()),
                after: Some("\"121\"".into())
            }]
        );
    }

    #[test]
    fn the_signature_can_be_removed_or_replaced() {
        let original = john();
        let mut draft = Draft::from_original(&original);
        draft.signature = SignatureChoice::Removed;
        let removed = draft.forge(&original).unwrap();
        assert!(removed.token().ends_with('.'));
        assert_eq!(removed.changed, [false, false, true]);
        draft.signature = SignatureChoice::Own("b3du".into());
        assert!(draft.forge(&original).unwrap().token().ends_with(".b3du"));
    }

    #[test]
    fn text_that_is_not_a_json_object_is_refused_with_a_reason() {
        let original = john();
        let mut draft = Draft::from_original(&original);
        draft.payload = "{\"sub\": ".into();
        assert_eq!(draft.forge(&original), Err(DraftError::NotJson("payload")));
        draft.payload = "[1, 2]".into();
        assert_eq!(
            draft.forge(&original),
            Err(DraftError::NotObject("payload"))
        );
        draft.payload = "{}".into();
        draft.header = "null".into();
        assert_eq!(draft.forge(&original), Err(DraftError::NotObject("header")));
    }

    #[test]
    fn the_signing_input_is_the_forged_header_and_payload() {
        let original = john();
        let mut draft = Draft::from_original(&original);
        draft.payload = draft.payload.replace("false", "true");
        let forged = draft.forge(&original).unwrap();
        assert_eq!(
            draft.signing_input(&original).unwrap(),
            format!("{}.{}", forged.encoded[0], forged.encoded[1])
        );
    }

    #[test]
    fn what_is_not_a_jwt_of_objects_is_not_an_original() {
        assert_eq!(Original::parse("a.b"), None);
        let array = Base64UrlUnpadded::encode_string(b"[1]");
        assert_eq!(Original::parse(&format!("{array}.{array}.s")), None);
    }
}
