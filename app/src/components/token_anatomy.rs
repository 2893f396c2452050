use crate::token::{TokenParts, UnverifiedClaims};
use leptos::{either::Either, prelude::*};

/// The token the browser holds, taken apart: header, payload, signature.
#[component]
pub fn TokenAnatomy(token: String) -> impl IntoView {
    let Some(parts) = TokenParts::decode(&token) else {
        return Either::Right(view! { <p class="error">"The stored token is not a JWT."</p> });
    };
    let [header_b64, payload_b64, signature_b64] = parts.encoded.clone();
    let public_key = parts
        .header_json()
        .and_then(|header| {
            header
                .get("alg")
                .and_then(|alg| alg.as_str().map(str::to_owned))
        })
        .is_some_and(|alg| alg == "EdDSA");
    let (signed_how, signature_caption) = if public_key {
        (
            "The server signed it with an Ed25519 private key that only it holds, and publishes \
             the matching public key at /.well-known/jwks.json. Anyone can check the signature \
             with that public key, but nobody can make a new one without the private key, so \
             changing one character of the payload (say, your user id) makes the signature \
             wrong and every service refuses the token.",
            "Signature: Ed25519 over header and payload",
        )
    } else {
        (
            "The server computed the signature over the header and payload with a secret key \
             that it shares only with the services that accept this token, so changing one \
             character of the payload (say, your user id) makes the signature wrong and the \
             server refuses the token.",
            "Signature: HMAC-SHA256 of header and payload",
        )
    };
    let method = UnverifiedClaims::read(&token).unwrap_or_default().amr;
    Either::Left(view! {
        <section class="token" aria-labelledby="token-title">
            <h2 id="token-title">"Your token, taken apart"</h2>
            <p class="token-raw" data-testid="token-raw">
                <span class="jwt-header">{header_b64}</span>
                "."
                <span class="jwt-payload">{payload_b64}</span>
                "."
                <span class="jwt-signature">{signature_b64}</span>
            </p>
            <p class="explain">
                "The payload is only base64url-encoded: anyone who has the token can read it. "
                "It is not encrypted. What protects it is the signature. "
                {signed_how}
            </p>
            <p class="explain" data-testid="token-revocation">
                "One token, two services: the favourites service accepts it too, checking only "
                "the signature and the expiry time. So when you change your password or log out "
                "everywhere, Photo Spots refuses this token at once, but the favourites service "
                "accepts it until it expires (at the \"exp\" time above). That is why tokens are "
                "short-lived: ten minutes by default. This page renews yours before then."
            </p>
            <p class="explain" data-testid="token-amr">
                {format!(
                    "\"amr\" says how you signed in: {} ({}). ",
                    method.describe(),
                    method.amr().join(", "),
                )}
                "\"pwd\" is a password; \"hwk\" a key held in hardware (a passkey that never "
                "leaves its device), \"swk\" one in software (a passkey your provider syncs to "
                "your other devices), \"mfa\" that more than one factor was used (the key, and "
                "your fingerprint, face or PIN that unlocked it). Renewed tokens keep it: it "
                "describes the sign-in, not the renewal."
            </p>
            <p class="explain" data-testid="token-session">
                "\"sid\" names this session: your sign-in on this device, which you can see and "
                "end on the Sessions page. End it (or log out here) and Photo Spots refuses this "
                "token from its very next call. \"auth_time\" is when you last proved who you "
                "are in this session: the sign-in, or a later \"confirm it's you\". Changing "
                "your password or passkeys needs it to be recent, so somebody at a device you "
                "left signed in can't lock you out."
            </p>
            <div class="token-parts">
                <figure class="part jwt-header">
                    <figcaption>"Header: how it is signed"</figcaption>
                    <pre data-testid="token-header">{parts.header}</pre>
                </figure>
                <figure class="part jwt-payload">
                    <figcaption>"Payload: who you are (readable by anyone)"</figcaption>
                    <pre data-testid="token-payload">{parts.payload}</pre>
                </figure>
                <figure class="part jwt-signature">
                    <figcaption>{signature_caption}</figcaption>
                    <pre data-testid="token-signature">{parts.signature}</pre>
                </figure>
            </div>
        </section>
    })
}
