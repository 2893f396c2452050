use crate::auth::TokenParts;
use leptos::{either::Either, prelude::*};

/// The token the browser holds, taken apart: header, payload, signature.
#[component]
pub fn TokenAnatomy(token: String) -> impl IntoView {
    let Some(parts) = TokenParts::decode(&token) else {
        return Either::Right(view! { <p class="error">"The stored token is not a JWT."</p> });
    };
    let [header_b64, payload_b64, signature_b64] = parts.encoded.clone();
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
                "It is not encrypted. What protects it is the signature: the server computed it "
                "over the header and payload with a secret key only it holds, so changing one "
                "character of the payload (say, your user id) makes the signature wrong and "
                "the server refuses the token."
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
                    <figcaption>"Signature: HMAC-SHA256 of header and payload"</figcaption>
                    <pre data-testid="token-signature">{parts.signature}</pre>
                </figure>
            </div>
        </section>
    })
}
