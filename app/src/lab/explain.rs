use super::{Forged, SignatureChoice};

/// What the real server answered to a forged token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    /// The call, e.g. `POST /api/me`.
    pub endpoint: &'static str,
    pub status: u16,
    /// The API's error code (`invalid_token`, …), or `ok`.
    pub code: String,
    /// The server's message, as it sent it.
    pub message: String,
}

impl Answer {
    pub fn accepted(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// Why the server answered as it did, in one line of plain words.
///
/// Worked out from what was forged (the server's answers say only
/// `invalid_token`, on purpose: telling an attacker which check failed
/// would help them).
pub fn reason(forged: &Forged, server_alg: &str, answer: &Answer) -> String {
    if answer.accepted() {
        return if forged.is_unchanged() {
            "Accepted: this is the token exactly as the server signed it, so the signature checks out."
                .into()
        } else {
            "The server accepted a changed token. That must never happen: please report it.".into()
        };
    }
    if answer.code == "forbidden" {
        return "The token is genuine, but you are not an admin: the server asks its own database, \
                not only the token."
            .into();
    }
    if forged.alg == "none" {
        return format!(
            "\"alg\": \"none\" says the token is not signed. The server only accepts {server_alg}, \
             and an unsigned token proves nothing, so it is refused."
        );
    }
    if forged.signature == SignatureChoice::Removed {
        return "There is no signature. Without one, anyone could have written this token, so the \
                server refuses it."
            .into();
    }
    if forged.alg != server_alg {
        return format!(
            "The header asks for {}, but the server only accepts {server_alg}: it never lets a \
             token choose how it is checked.",
            forged.alg
        );
    }
    if matches!(forged.signature, SignatureChoice::Own(_)) {
        return "It is signed with your guess, not with the server's key, so the signature does not \
                match."
            .into();
    }
    if forged.changed[0] || forged.changed[1] {
        return "The signature no longer matches the header and payload: it was made for the \
                original ones, and only the server's key can make a new one."
            .into();
    }
    if answer.code == "expired_token" {
        return "This token has expired: its exp time has passed.".into();
    }
    format!("The server refused it: {}", answer.message)
}

/// Why guessing the key fails, for the server's algorithm.
pub fn guessing_note(server_alg: &str) -> &'static str {
    if server_alg == "HS256" {
        "The server's secret is at least 32 random bytes: 2^256 possible keys. At a billion \
         billion guesses a second, trying them all would take vastly longer than the age of the \
         universe. Guessing only works against a short or made-up secret, which is why the \
         server refuses to start with one."
    } else {
        "There is no secret to guess: the server signs with an Ed25519 private key that never \
         leaves it. This page can only see the public key (published at /.well-known/jwks.json), \
         which checks signatures but cannot make them. And whatever you type, a token signed \
         with HS256 is refused: the server only accepts EdDSA."
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::{Draft, Preset, draft::tests::john};

    fn refused(code: &str) -> Answer {
        Answer {
            endpoint: "POST /api/me",
            status: 401,
            code: code.into(),
            message: "Your session is no longer valid. Please log in again.".into(),
        }
    }

    fn forged(edit: impl FnOnce(&mut Draft)) -> Forged {
        let original = john();
        let mut draft = Draft::from_original(&original);
        edit(&mut draft);
        draft.forge(&original).unwrap()
    }

    #[test]
    fn an_edited_payload_is_explained_by_the_signature() {
        let jack = forged(|d| Preset::BecomeSomeoneElse.apply(d).unwrap());
        let why = reason(&jack, "EdDSA", &refused("invalid_token"));
        assert!(
            why.contains("signature no longer matches the header and payload"),
            "{why}"
        );
    }

    #[test]
    fn each_preset_has_its_own_reason() {
        let none = forged(|d| Preset::AlgNone.apply(d).unwrap());
        assert!(reason(&none, "EdDSA", &refused("invalid_token")).contains("not signed"));
        let bare = forged(|d| Preset::RemoveSignature.apply(d).unwrap());
        assert!(reason(&bare, "EdDSA", &refused("invalid_token")).contains("no signature"));
        let forever = forged(|d| Preset::LiveForever.apply(d).unwrap());
        assert!(
            reason(&forever, "EdDSA", &refused("invalid_token")).contains("signature no longer")
        );
    }

    #[test]
    fn a_guess_is_explained_by_the_algorithm_or_the_key() {
        let own = |d: &mut Draft| {
            d.header = d.header.replace("EdDSA", "HS256");
            d.signature = SignatureChoice::Own("x".into());
        };
        let guessed = forged(own);
        assert!(
            reason(&guessed, "EdDSA", &refused("invalid_token")).contains("only accepts EdDSA")
        );
        assert!(
            reason(&guessed, "HS256", &refused("invalid_token")).contains("signed with your guess")
        );
        assert!(guessing_note("EdDSA").contains("no secret to guess"));
        assert!(guessing_note("HS256").contains("2^256"));
    }

    #[test]
    fn the_real_token_is_accepted_and_a_non_admin_is_forbidden() {
        let real = forged(|_| {});
        let ok = Answer {
            endpoint: "POST /api/me",
            status: 200,
            code: "ok".into(),
            message: String::new(),
        };
        assert!(reason(&real, "EdDSA", &ok).starts_with("Accepted"));
        let admin = forged(|d| Preset::MakeMeAdmin.apply(d).unwrap());
        assert!(reason(&admin, "EdDSA", &ok).contains("must never happen"));
        let forbidden = Answer {
            status: 403,
            code: "forbidden".into(),
            ..refused("forbidden")
        };
        assert!(reason(&real, "EdDSA", &forbidden).contains("not an admin"));
    }
}
