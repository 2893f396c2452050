use crate::domain::{UserId, UserName};
use serde::{Deserialize, Serialize};

/// Who issues Photo Spots tokens (`iss`). Every service that accepts them checks it.
pub const ISSUER: &str = "photo-spots";
/// Who Photo Spots tokens are for (`aud`).
pub const AUDIENCE: &str = "photo-spots";

/// The payload of a Photo Spots token, e.g.
/// `{"sub":"120","name":"John","admin":false,"iat":…,"exp":…,"iss":"photo-spots","aud":"photo-spots","jti":"…"}`.
///
/// Anyone holding the token can read these fields: the payload is only
/// base64url-encoded. Only the signature makes them trustworthy, so the server
/// uses claims only after verifying it (see `TokenService::verify`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The user id, as a string (RFC 7519 says `sub` is a string).
    #[serde(with = "sub_as_string")]
    pub sub: UserId,
    /// The name when the token was issued; the database has the current one.
    pub name: UserName,
    pub admin: bool,
    /// Issued at, seconds since the Unix epoch.
    pub iat: u64,
    /// Expires at, seconds since the Unix epoch.
    pub exp: u64,
    pub iss: String,
    pub aud: String,
    /// A random id for this token, safe to log instead of the token itself.
    pub jti: String,
    /// The user's token version when this token was issued. Changing the
    /// password or logging out everywhere bumps the stored version, which
    /// refuses every older token.
    pub ver: u32,
}

mod sub_as_string {
    use crate::domain::UserId;
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub fn serialize<S: Serializer>(id: &UserId, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(id)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<UserId, D::Error> {
        let raw = String::deserialize(deserializer)?;
        raw.parse().map_err(D::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sub_is_a_string_in_json() {
        let claims = Claims {
            sub: UserId::new(120).unwrap(),
            name: UserName::parse("John").unwrap(),
            admin: false,
            iat: 1,
            exp: 2,
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            jti: "abc".into(),
            ver: 0,
        };
        let json = serde_json::to_value(&claims).unwrap();
        assert_eq!(json["sub"], "120");
        assert_eq!(serde_json::from_value::<Claims>(json).unwrap(), claims);
    }

    #[test]
    fn numeric_or_invalid_sub_is_refused() {
        let with_sub = |sub: serde_json::Value| {
            serde_json::json!({"sub": sub, "name": "John", "admin": false, "iat": 1, "exp": 2,
                "iss": ISSUER, "aud": AUDIENCE, "jti": "x", "ver": 0})
        };
        assert!(serde_json::from_value::<Claims>(with_sub(120.into())).is_err());
        assert!(serde_json::from_value::<Claims>(with_sub("-1".into())).is_err());
        assert!(serde_json::from_value::<Claims>(with_sub("120".into())).is_ok());
    }
}
