use crate::domain::{SignInMethod, UserId, UserName};
use serde::{Deserialize, Serialize};

/// Who issues Photo Spots tokens (`iss`). Every service that accepts them checks it.
pub const ISSUER: &str = "photo-spots";
/// The main app's name in a token's `aud`: it accepts only tokens naming it.
pub const AUDIENCE: &str = "photo-spots";
/// The favourites service's name in a token's `aud`.
pub const FAVORITES_AUDIENCE: &str = "favorites";
/// Every service a Photo Spots token is for (`aud`). Each service checks that
/// its own name is in the list, so a token minted for some other service of
/// the same issuer can't be replayed here.
pub const AUDIENCES: [&str; 2] = [AUDIENCE, FAVORITES_AUDIENCE];

/// The payload of a Photo Spots token, e.g.
/// `{"sub":"120","name":"John","admin":false,"iat":…,"exp":…,"iss":"photo-spots","aud":["photo-spots","favorites"],"jti":"…","sid":"…","auth_time":…}`.
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
    /// Whether the user was an admin when the token was issued; the
    /// database's `is_admin` is the current answer.
    pub admin: bool,
    /// Issued at, seconds since the Unix epoch.
    pub iat: u64,
    /// Expires at, seconds since the Unix epoch.
    pub exp: u64,
    pub iss: String,
    /// The services this token is for. RFC 7519 allows one string or an
    /// array; we write an array and read either.
    #[serde(deserialize_with = "one_or_many")]
    pub aud: Vec<String>,
    /// A random id for this token, safe to log instead of the token itself.
    pub jti: String,
    /// The user's token version when this token was issued. Changing the
    /// password or logging out everywhere bumps the stored version, which
    /// refuses every older token.
    pub ver: u32,
    /// For a sender-constrained token, the key it is bound to (RFC 9449
    /// §6: `{"jkt": "<thumbprint>"}`); absent for a bearer token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cnf: Option<Confirmation>,
    /// How the person signed in (RFC 8176): `["pwd"]` for a password,
    /// `["hwk","mfa"]` or `["swk","mfa"]` for a passkey. Renewed tokens keep
    /// their login's.
    #[serde(default)]
    pub amr: SignInMethod,
    /// The session this token belongs to (its refresh family's id, OIDC's
    /// `sid`): ending the session refuses the token here at once.
    pub sid: String,
    /// When the person last proved who they are in this session, in Unix
    /// seconds (OIDC's `auth_time`): the sign-in, or a later "confirm it's
    /// you". A renewal keeps it; sensitive calls need it to be recent.
    pub auth_time: u64,
}

/// `cnf`: which key must sign a proof for the token to be used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confirmation {
    /// The RFC 7638 SHA-256 thumbprint of the public key, base64url.
    pub jkt: String,
}

fn one_or_many<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(deserializer)? {
        OneOrMany::One(one) => vec![one],
        OneOrMany::Many(many) => many,
    })
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
            aud: AUDIENCES.map(String::from).to_vec(),
            jti: "abc".into(),
            ver: 0,
            cnf: None,
            amr: SignInMethod::Password,
            sid: "f00d".into(),
            auth_time: 1,
        };
        let json = serde_json::to_value(&claims).unwrap();
        assert_eq!(json["sub"], "120");
        assert_eq!(json["aud"], serde_json::json!(["photo-spots", "favorites"]));
        assert_eq!(serde_json::from_value::<Claims>(json).unwrap(), claims);
    }

    #[test]
    fn aud_may_be_one_string_or_an_array() {
        let with_aud = |aud: serde_json::Value| {
            serde_json::json!({"sub": "120", "name": "John", "admin": false, "iat": 1, "exp": 2,
                "iss": ISSUER, "aud": aud, "jti": "x", "ver": 0, "sid": "s", "auth_time": 1})
        };
        let one = serde_json::from_value::<Claims>(with_aud("photo-spots".into())).unwrap();
        assert_eq!(one.aud, vec!["photo-spots".to_owned()]);
        let many =
            serde_json::from_value::<Claims>(with_aud(serde_json::json!(["a", "b"]))).unwrap();
        assert_eq!(many.aud, vec!["a".to_owned(), "b".to_owned()]);
        assert!(serde_json::from_value::<Claims>(with_aud(7.into())).is_err());
    }

    #[test]
    fn a_token_without_its_session_or_sign_in_time_is_not_ours() {
        let full = serde_json::json!({"sub": "120", "name": "John", "admin": false, "iat": 1,
            "exp": 2, "iss": ISSUER, "aud": AUDIENCE, "jti": "x", "ver": 0, "sid": "s",
            "auth_time": 1});
        assert!(serde_json::from_value::<Claims>(full.clone()).is_ok());
        for missing in ["sid", "auth_time"] {
            let mut claims = full.clone();
            claims.as_object_mut().unwrap().remove(missing);
            assert!(
                serde_json::from_value::<Claims>(claims).is_err(),
                "{missing}"
            );
        }
    }

    #[test]
    fn numeric_or_invalid_sub_is_refused() {
        let with_sub = |sub: serde_json::Value| {
            serde_json::json!({"sub": sub, "name": "John", "admin": false, "iat": 1, "exp": 2,
                "iss": ISSUER, "aud": AUDIENCE, "jti": "x", "ver": 0, "sid": "s", "auth_time": 1})
        };
        assert!(serde_json::from_value::<Claims>(with_sub(120.into())).is_err());
        assert!(serde_json::from_value::<Claims>(with_sub("-1".into())).is_err());
        assert!(serde_json::from_value::<Claims>(with_sub("120".into())).is_ok());
    }
}
