use base64ct::{Base64UrlUnpadded, Encoding};

/// A JWT taken apart for people to read: `header.payload.signature`.
///
/// This does **not** verify anything. It shows what the browser holds, which
/// is the point: the header and payload are only base64url-encoded JSON.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenParts {
    /// The header, decoded and pretty-printed, e.g. `{"alg": "HS256", "typ": "JWT"}`.
    pub header: String,
    /// The payload (the claims), decoded and pretty-printed.
    pub payload: String,
    /// The signature exactly as it travels (base64url): binary, not JSON.
    pub signature: String,
    /// The three parts as they are encoded in the token.
    pub encoded: [String; 3],
}

impl TokenParts {
    /// Splits and decodes a compact JWT; `None` if it isn't one.
    pub fn decode(token: &str) -> Option<Self> {
        let [header, payload, signature] = compact_parts(token)?;
        Some(Self {
            header: pretty_json(header)?,
            payload: pretty_json(payload)?,
            signature: signature.to_owned(),
            encoded: [header.to_owned(), payload.to_owned(), signature.to_owned()],
        })
    }

    /// The header as JSON, to show how the token says it was signed.
    pub fn header_json(&self) -> Option<serde_json::Value> {
        serde_json::from_str(&self.header).ok()
    }

    /// The payload as JSON, to read a claim for display (never for a decision).
    pub fn payload_json(&self) -> Option<serde_json::Value> {
        serde_json::from_str(&self.payload).ok()
    }
}

/// The three parts of a compact JWT, still encoded; `None` unless there
/// are exactly three.
pub(super) fn compact_parts(token: &str) -> Option<[&str; 3]> {
    let mut parts = token.split('.');
    let three = [parts.next()?, parts.next()?, parts.next()?];
    parts.next().is_none().then_some(three)
}

fn pretty_json(part: &str) -> Option<String> {
    let bytes = Base64UrlUnpadded::decode_vec(part).ok()?;
    let value: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    serde_json::to_string_pretty(&value).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(json: &str) -> String {
        Base64UrlUnpadded::encode_string(json.as_bytes())
    }

    #[test]
    fn header_and_payload_are_readable_without_any_key() {
        let token = format!(
            "{}.{}.c2lnbmF0dXJl",
            encode(r#"{"alg":"HS256","typ":"JWT"}"#),
            encode(r#"{"sub":"120","name":"John","admin":false}"#)
        );
        let parts = TokenParts::decode(&token).unwrap();
        assert!(parts.header.contains("\"HS256\""));
        assert_eq!(parts.payload_json().unwrap()["name"], "John");
        assert_eq!(parts.signature, "c2lnbmF0dXJl");
    }

    #[test]
    fn things_that_are_not_jwts_are_not_decoded() {
        let json = encode("{}");
        for bad in [
            "",
            "abc",
            &format!("{json}.{json}"),
            &format!("{json}.{json}.s.s"),
            "!!.!!.s",
        ] {
            assert_eq!(TokenParts::decode(bad), None, "{bad:?}");
        }
    }
}
