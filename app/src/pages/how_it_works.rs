use crate::{client::session::Session, components::FlowDiagram, token::TokenParts};
use leptos::{either::Either, prelude::*};
use leptos_meta::{Meta, Title};
use leptos_router::{LazyRoute, lazy_route};

/// `/how-it-works`: the whole login-to-name-change flow on one page,
/// explained with the reader's own token when they are logged in.
///
/// A lazy route (see `AdminPage`): its code is fetched when someone opens
/// it. Its words stay in the main wasm file's data (wasm-split moves code,
/// not data), which BENCHMARKS.md counts.
pub struct HowItWorksPage;

#[lazy_route]
impl LazyRoute for HowItWorksPage {
    fn data() -> Self {
        Self
    }

    fn view(this: Self) -> AnyView {
        let HowItWorksPage = this;
        how_it_works().into_any()
    }
}

/// Shown to readers who are not logged in. Its signature is made up, so no
/// server accepts it.
const SAMPLE_TOKEN: &str = "eyJhbGciOiJFZERTQSIsInR5cCI6IkpXVCIsImtpZCI6InNhbXBsZSJ9.\
eyJzdWIiOiIxMjAiLCJuYW1lIjoiSm9obiIsImFkbWluIjpmYWxzZSwiaWF0IjoxNzY0MDAwMDAwLCJleHAiOjE3NjQwMDM2MDAsImlzcyI6InBob3RvLXNwb3RzIiwiYXVkIjpbInBob3RvLXNwb3RzIiwiZmF2b3JpdGVzIl0sImp0aSI6InNhbXBsZSIsInZlciI6MH0.\
bWFkZS11cC1zaWduYXR1cmUtbm90LXNpZ25lZC1ieS1hbnkta2V5";

fn how_it_works() -> impl IntoView {
    let session = Session::get();
    let own = move || session.token().and_then(|token| TokenParts::decode(&token));
    let parts = move || own().or_else(|| TokenParts::decode(SAMPLE_TOKEN));
    let whose = move || {
        if own().is_some() {
            "This is your own token, exactly as this browser holds it right now:"
        } else {
            "You are not logged in, so here is a sample token for John (log in to see your own):"
        }
    };
    view! {
        <Title text="How it works" />
        <Meta name="description" content="How Photo Spots logs you in with a signed JWT: authentication, authorization, and what a token can and cannot do." />
        <article class="how">
            <h1>"How it works"</h1>
            <p class="lead">
                "Photo Spots logs you in with a JSON Web Token (JWT). Five minutes, one page: what "
                "happens when you log in and change your name, and why it is safe."
            </p>

            <h2>"Authentication, then authorization"</h2>
            <p>
                <strong>"Authentication"</strong>" answers "<em>"who are you?"</em>" You send your "
                "username and password once; the server checks the password against a slow argon2id "
                "hash in its database and, if it matches, gives you a signed token that says who you are."
            </p>
            <p>
                <strong>"Authorization"</strong>" answers "<em>"may you do this?"</em>" From then on "
                "every call carries the token. Before the server changes your name, it checks the "
                "token's signature and claims, and takes your user id from the verified token, never "
                "from what the request says."
            </p>
            <FlowDiagram />

            <h2>"Three parts: header, payload, signature"</h2>
            <p>{whose}</p>
            {move || parts().map(|parts| view! { <TokenParts3 parts /> })}
            <p>
                "The "<span class="jwt-header">"header"</span>" says how the token is signed. The "
                <span class="jwt-payload">"payload"</span>" holds the claims: "<code>"sub"</code>
                " (your user id), "<code>"name"</code>", "<code>"admin"</code>", when it was issued "
                "and when it expires ("<code>"iat"</code>", "<code>"exp"</code>"). The "
                <span class="jwt-signature">"signature"</span>" is computed over the other two with "
                "a key only the server holds."
            </p>

            <h2>"Signed, not encrypted"</h2>
            <p>
                "Anyone who has the token can read the payload above: it is base64url, not "
                "encryption. That is why a token never carries a password or anything secret. What "
                "the signature gives is not secrecy but "<em>"integrity"</em>": nobody can change a "
                "single character without the server noticing."
            </p>

            <h2>"What happens when you change it"</h2>
            <p>
                "If John (user 120) edits his token to say "<code>"\"sub\": \"121\""</code>" (Jack), "
                "the payload no longer matches the signature, and making a new signature needs the "
                "server's key. The server answers 401 and changes nothing. The same goes for "
                <code>"\"admin\": true"</code>", a later "<code>"exp"</code>", a removed signature, "
                "or a header saying "<code>"\"alg\": \"none\""</code>"."
            </p>
            {move || if session.token().is_some() {
                Either::Left(view! { <p><a href="/lab">"Try it in the token lab"</a>": edit your own token and send it to the real server."</p> })
            } else {
                Either::Right(view! { <p><a href="/login?next=/lab">"Log in"</a>" to try it in the token lab: edit your own token and send it to the real server."</p> })
            }}

            <h2>"No session on the server"</h2>
            <p>
                "Checking a token needs no record of your login. Everything the server needs is in "
                "the token and its signature, so any server holding the public key can check it on "
                "its own. Think "
                "of a bank and its retirement-savings service: log in at the bank, and the retirement "
                "server accepts the same token without asking the bank. Here, the favourites service "
                "plays that part: it checks your token with the public key Photo Spots publishes at "
                <code>"/.well-known/jwks.json"</code>", and never sees a password."
            </p>

            <h2>"Why localStorage, and what about XSS?"</h2>
            <p>
                "The token lives in your browser's localStorage and is sent as "
                <code>"Authorization: Bearer …"</code>" with every call, so the same API serves the "
                "web page and the mobile app, and a site in another tab cannot make your browser send "
                "it (no cross-site request forgery). The price: any script running on this page could "
                "read it. A cross-site scripting (XSS) bug would let an attacker steal the token and "
                "use it until it expires, ten minutes at most. The longer-lived refresh token (below) "
                "is kept where script can't reach it."
            </p>
            <p>
                "So this page runs no script it did not ship. Its Content-Security-Policy allows "
                "scripts only from this site (the inline ones need a fresh random nonce), no plugins, "
                "no framing, and connections only to this site and the favourites service. Names and "
                "other text you type are always shown as text, never as HTML."
            </p>

            <h2>"A copied token is worth nothing (DPoP)"</h2>
            <p>
                "Any script that runs in this page can read localStorage. A plain "<em>"bearer"</em>
                " token works for whoever holds it, so a copy would work anywhere until it expires. "
                "Photo Spots binds your token to a key instead (DPoP, RFC 9449). At login your "
                "browser makes a key pair with Web Crypto that no script can export, and keeps it "
                "in IndexedDB; the token names that key (its "<code>"cnf"</code>" claim), and every "
                "call carries a fresh "<em>"proof"</em>", a small JWT signed with the key that names "
                "the call's method and URL, the moment it was made, a unique id and a hash of the token."
            </p>
            <table class="threats" data-testid="how-threats">
                <caption>"What someone who can read localStorage (or the network log) can do"</caption>
                <thead><tr><th scope="col">"They copy…"</th><th scope="col">"…and can"</th></tr></thead>
                <tbody>
                    <tr><th scope="row">"a bearer token"</th><td>"be you, from any machine, until it expires (ten minutes)."</td></tr>
                    <tr><th scope="row">"a DPoP token"</th><td>"nothing elsewhere: without the key there is no proof, and a proof seen in passing is refused a second time or for another call."</td></tr>
                    <tr><th scope="row">"the refresh cookie"</th><td>"nothing: scripts can't read it (HttpOnly), and a bound login is renewed only with a proof by its key."</td></tr>
                </tbody>
            </table>
            <p>
                "What DPoP does not stop: a script running live in this page can still ask the browser "
                "to sign with the key, and act as you while the page is open. That is why the page "
                "also runs only the scripts it ships (its Content-Security-Policy). Try it on your "
                "token lab: \u{201c}Steal my token\u{201d}."
            </p>

            <h2>"Passkeys, and how the token says you signed in"</h2>
            <p data-testid="how-passkeys">
                "Instead of a password you can sign in with a passkey: a key pair your phone, "
                "computer or security key makes for this site alone, unlocked with your fingerprint, "
                "face or PIN. The server keeps only the public key and checks a signature over a "
                "fresh challenge, so there is nothing to phish or leak. Either way you get the same "
                "token, and its "<code>"amr"</code>" claim (RFC 8176) says how you signed in: "
                <code>"[\"pwd\"]"</code>" for a password, "<code>"[\"hwk\",\"mfa\"]"</code>" for a "
                "passkey that never leaves its device, "<code>"[\"swk\",\"mfa\"]"</code>" for one "
                "your provider syncs to your other devices. Renewed tokens keep it."
            </p>

            <h2>"Expiry and revocation: the trade-off"</h2>
            <p>
                "A token is valid until its "<code>"exp"</code>" time, ten minutes by default. You "
                "don't log in every ten minutes because logging in also gave your browser a "
                <em>"refresh token"</em>": 256 random bits in a cookie that no script can read "
                "("<code>"HttpOnly"</code>"), that the browser sends only to "
                <code>"/api/refresh"</code>" and never on a request another site starts "
                "("<code>"SameSite=Strict"</code>"). Shortly before the token expires, the page "
                "trades the refresh token for a new token and a new refresh token; the old one is "
                "spent. Photo Spots stores only a hash of each refresh token. A login ends after 30 "
                "days without a visit, or 90 days after you logged in."
            </p>
            <p>
                "If a spent refresh token comes back, two parties hold copies of it, and Photo Spots "
                "can't tell which is you: it ends that login on every device that shares it, and "
                "both must log in again. Open tabs take turns to renew (the Web Locks API), so your "
                "own tabs never look like a thief."
            </p>
            <p>
                "To take tokens back early, Photo Spots keeps one number per user, a token version. "
                "Changing your password or \"Log out of all devices\" raises it and ends every refresh "
                "token, and Photo Spots refuses every older token at once. The favourites service only "
                "checks the signature and expiry, so it accepts an old token until it expires, ten "
                "minutes at most. That is the trade-off: services that check alone are fast and "
                "independent, and short-lived tokens bound how long a stolen or revoked one keeps working."
            </p>

            <h2>"Sessions, and \u{201c}confirm it's you\u{201d}"</h2>
            <p data-testid="how-sessions">
                "Each sign-in is a session: one device's refresh-token family. Every token names its "
                "session ("<code>"sid"</code>"), and Photo Spots checks that the session is still "
                "going in the same database read that checks the token version, so signing out one "
                "device on the Sessions page refuses that device's token on its very next call, "
                "while your other devices carry on. Each session shows the browser and system it "
                "signed in from and the network (the address cut to its first three numbers), "
                "never the full address."
            </p>
            <p data-testid="how-step-up">
                "A session can last weeks, and somebody may find your laptop unlocked. So the changes "
                "that would let them keep your account (your password, your passkeys) also need a "
                <em>"recent"</em>" sign-in: the token's "<code>"auth_time"</code>" says when you last "
                "proved who you are, and the server wants it within the last ten minutes. When it is "
                "older, the server answers 401 with "<code>"error=\"insufficient_user_authentication\""</code>
                " and a "<code>"max_age"</code>" (RFC 9470, \u{201c}step-up\u{201d}); the page asks "
                "for your password, gets a new token for the same session with a fresh "
                <code>"auth_time"</code>", and makes your change. Nothing you typed is lost. "
                "No password? Confirm with one of your passkeys instead."
            </p>
            <p data-testid="how-recovery">
                "And when the password is forgotten and the passkeys are lost? Recovery codes: ten "
                "one-use codes, each 80 random bits, that you make on the security page and keep on "
                "paper. Photo Spots stores only their hashes. One signs you in once; the token then "
                "says so ("<code>"\"amr\": [\"otp\"]"</code>"), and only such a session may set a "
                "new password without the old one, which also signs out every other device. Lost "
                "the codes too? Support can make a one-use link, valid for 15 minutes, to a page "
                "where you choose a new password yourself; its secret sits after the "<code>"#"</code>
                " of the address, a part your browser never sends to any server, so it stays out of "
                "their logs. Using it signs out every device."
            </p>

            <h2>"Leaving: a message to every service"</h2>
            <p data-testid="how-leaving">
                "The favourites service never asks Photo Spots about a token, so deleting your "
                "account sends it a "<em>"Security Event Token"</em>" (RFC 8417): a JWT, signed "
                "with the same key, saying \u{201c}account "<code>"sub"</code>" deleted\u{201d}. "
                "It is saved with the deletion and resent until the service has it; then your "
                "favourites go and your older tokens are refused there too."
            </p>
        </article>
    }
}

/// A token's three parts, each with its decoded content.
#[component]
fn TokenParts3(parts: TokenParts) -> impl IntoView {
    let [header, payload, signature] = parts.encoded.clone();
    view! {
        <p class="token-raw" data-testid="how-token">
            <span class="jwt-header">{header}</span>"."
            <span class="jwt-payload">{payload}</span>"."
            <span class="jwt-signature">{signature}</span>
        </p>
        <div class="token-parts">
            <figure class="part jwt-header">
                <figcaption>"Header"</figcaption>
                <pre>{parts.header}</pre>
            </figure>
            <figure class="part jwt-payload">
                <figcaption>"Payload, decoded by this page without any key"</figcaption>
                <pre data-testid="how-payload">{parts.payload}</pre>
            </figure>
            <figure class="part jwt-signature">
                <figcaption>"Signature (binary, base64url)"</figcaption>
                <pre>{parts.signature}</pre>
            </figure>
        </div>
    }
}
