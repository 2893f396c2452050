//! "Steal my token": the live token copied out of localStorage, as an XSS
//! payload would, and sent from "another device" three ways. With a DPoP
//! token each is refused, and the page shows the server's reason.

use crate::{
    client::{dpop, session::Session},
    lab::{Answer, send},
};
use leptos::{prelude::*, task::spawn_local};

/// One way a thief tries the copied token.
#[derive(Clone)]
struct Attempt {
    what: &'static str,
    answer: Answer,
}

#[component]
pub fn StealToken() -> impl IntoView {
    let session = Session::get();
    let attempts = RwSignal::new(Vec::<Attempt>::new());
    let running = RwSignal::new(false);
    let steal = move |_| {
        let Some(token) = session.token() else {
            return;
        };
        running.set(true);
        attempts.set(Vec::new());
        spawn_local(async move {
            for attempt in steal_three_ways(&token).await {
                attempts.update(|all| all.push(attempt));
            }
            running.set(false);
        });
    };
    let bound = move || session.token().as_deref().is_some_and(dpop::is_bound);
    view! {
        <section class="lab steal" aria-labelledby="steal-title">
            <h2 id="steal-title">"Steal my token"</h2>
            <p class="explain">
                "Any script on this page can read the token in localStorage. This copies yours "
                "and sends it from \u{201c}another device\u{201d}: with no proof, with a proof by "
                "a key of its own, and with a proof this page already used."
            </p>
            <p class="hint" data-testid="steal-kind">{move || if bound() {
                "Your token is bound to a key this browser keeps and won't export (DPoP): a copy alone should get nowhere."
            } else {
                "Your token is a bearer token: whoever copies it can use it until it expires."
            }}</p>
            <button type="button" class="button" data-testid="steal-send"
                disabled=move || running.get() on:click=steal>
                {move || if running.get() { "Stealing…" } else { "Steal it and send it" }}
            </button>
            <ol aria-live="polite" data-testid="steal-result">
                {move || attempts.get().into_iter().map(|Attempt { what, answer }| {
                    let class = if answer.accepted() { "answer accepted" } else { "answer refused" };
                    view! {
                        <li class=class data-testid="steal-answer">
                            <p>{what}" → "<strong data-testid="steal-status">{answer.status}</strong>" "
                                <code data-testid="steal-code">{answer.code}</code></p>
                            <p class="reason" data-testid="steal-reason">{answer.message}</p>
                        </li>
                    }
                }).collect_view()}
            </ol>
            <p class="explain">"Try it yourself from a terminal (the token is yours; it expires soon):"</p>
            <pre class="token-raw" data-testid="steal-curl">{move || session.token().map(|token| curl_line(&token, bound()))}</pre>
        </section>
    }
}

/// The three tries, in order.
async fn steal_three_ways(token: &str) -> Vec<Attempt> {
    let url = "/api/me";
    let scheme = if dpop::is_bound(token) {
        "DPoP"
    } else {
        "Bearer"
    };
    let authorization = ("Authorization", format!("{scheme} {token}"));
    #[cfg_attr(not(feature = "hydrate"), allow(unused_mut))]
    let mut attempts = vec![Attempt {
        what: "The copy alone, no proof",
        answer: send::to_me_with(vec![authorization.clone()]).await,
    }];
    #[cfg(feature = "hydrate")]
    {
        let mut headers = vec![authorization.clone()];
        if let Some(proof) = dpop::with_throwaway_key("POST", url, Some(token)).await {
            headers.push(("DPoP", proof));
        }
        attempts.push(Attempt {
            what: "With a proof signed by the thief's own key",
            answer: send::to_me_with(headers).await,
        });
        // This page's own call uses a proof once; the thief, who saw it go
        // by, sends it again.
        if let Some(proof) = dpop::proof("POST", url, Some(token)).await {
            let headers = vec![authorization.clone(), ("DPoP", proof)];
            let _ = send::to_me_with(headers.clone()).await;
            attempts.push(Attempt {
                what: "With a proof this page already used",
                answer: send::to_me_with(headers).await,
            });
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = url;
    attempts
}

fn curl_line(token: &str, bound: bool) -> String {
    let origin = origin();
    let scheme = if bound { "DPoP" } else { "Bearer" };
    format!(
        "curl -i -X POST {origin}/api/me -H 'Authorization: {scheme} {token}' -H 'Content-Type: application/json' -d '{{}}'"
    )
}

fn origin() -> String {
    #[cfg(feature = "hydrate")]
    if let Some(origin) = web_sys::window().and_then(|w| w.location().origin().ok()) {
        return origin;
    }
    String::new()
}
