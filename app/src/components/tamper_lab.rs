use crate::lab::{
    Answer, Draft, Forged, Original, Preset, SignatureChoice, guessing_note, reason, send, sign,
};
use leptos::{either::Either, prelude::*, task::spawn_local};

/// What one "send" brought back: the token sent and the server's answers.
#[derive(Clone)]
struct Sent {
    forged: Forged,
    answers: Vec<Answer>,
}

/// Edit your own token, send the forgery to the real server, and read why
/// it was refused. The stored token is never replaced: the session goes on.
#[component]
pub fn TamperLab(token: String) -> impl IntoView {
    let Some(original) = Original::parse(&token) else {
        return Either::Right(());
    };
    let original = StoredValue::new(original);
    let server_alg = original.with_value(|o| o.alg().to_owned());
    let sub = original.with_value(|o| {
        o.payload
            .get("sub")
            .and_then(|s| s.as_str())
            .unwrap_or_default()
            .to_owned()
    });
    let draft = RwSignal::new(original.with_value(Draft::from_original));
    let forged = Memo::new(move |_| draft.with(|d| original.with_value(|o| d.forge(o))));
    let sent = RwSignal::new(None::<Sent>);
    let sending = RwSignal::new(false);
    let guess = RwSignal::new(String::new());
    let guess_error = RwSignal::new(None::<String>);

    let send_forged = move |forged: Forged| {
        let says_admin = draft.with_untracked(|d| {
            d.objects()
                .is_ok_and(|(_, payload)| payload.get("admin") == Some(&true.into()))
        });
        sending.set(true);
        spawn_local(async move {
            let token = forged.token();
            let mut answers = vec![send::to_me(&token).await];
            if says_admin {
                answers.push(send::to_admin(&token).await);
            }
            sent.set(Some(Sent { forged, answers }));
            sending.set(false);
        });
    };
    let on_send = move |_| {
        if let Ok(forged) = forged.get_untracked() {
            send_forged(forged);
        }
    };
    let on_sign = move |_| {
        guess_error.set(None);
        draft.update(|d| {
            if let Ok((mut header, payload)) = d.objects() {
                header.insert("alg".into(), "HS256".into());
                d.set_objects(&header, &payload);
            }
        });
        let Ok(input) = draft.with_untracked(|d| original.with_value(|o| d.signing_input(o)))
        else {
            return;
        };
        let guessed = guess.get_untracked();
        spawn_local(async move {
            match sign::hs256(&guessed, &input).await {
                Ok(signature) => {
                    draft.update(|d| d.signature = SignatureChoice::Own(signature));
                    if let Ok(forged) = forged.get_untracked() {
                        send_forged(forged);
                    }
                }
                Err(message) => guess_error.set(Some(message)),
            }
        });
    };

    let presets = Preset::ALL.map(|preset| {
        let label = preset.label(&sub);
        view! {
            <button type="button" class="preset" title=preset.describe()
                on:click=move |_| draft.update(|d| { let _ = preset.apply(d); })>
                {label}
            </button>
        }
    });

    Either::Left(view! {
        <section class="lab" aria-labelledby="lab-title" id="lab">
            <h2 id="lab-title">"Tamper lab: change your token, send it, see what happens"</h2>
            <p class="explain">
                "Anyone holding a token can read it and change it: it is only base64url. Edit the "
                "header or payload below, or pick a classic forgery, then send it to the real server. "
                "The forged token is only sent, never stored: you stay logged in."
            </p>
            <div class="presets" role="group" aria-label="Classic forgeries">
                {presets}
                <button type="button" class="preset reset"
                    on:click=move |_| { draft.set(original.with_value(Draft::from_original)); sent.set(None); }>
                    "Start over"
                </button>
            </div>
            <div class="lab-edit">
                <label for="lab-header">"Header (JSON)"</label>
                <textarea id="lab-header" rows="4" spellcheck="false"
                    prop:value=move || draft.with(|d| d.header.clone())
                    on:input=move |ev| draft.update(|d| d.header = event_target_value(&ev))></textarea>
                <label for="lab-payload">"Payload (JSON)"</label>
                <textarea id="lab-payload" rows="10" spellcheck="false"
                    prop:value=move || draft.with(|d| d.payload.clone())
                    on:input=move |ev| draft.update(|d| d.payload = event_target_value(&ev))></textarea>
                <p class="hint" data-testid="lab-signature">{move || signature_words(&draft.with(|d| d.signature.clone()))}</p>
            </div>
            {move || match forged.get() {
                Err(error) => Either::Left(view! { <p role="alert" class="error">{error.to_string()}</p> }),
                Ok(forged) => Either::Right(view! { <Comparison original=original.get_value() forged /> }),
            }}
            <button type="button" class="button" data-testid="lab-send"
                disabled=move || sending.get() || forged.with(Result::is_err) on:click=on_send>
                {move || if sending.get() { "Sending…" } else { "Send it to the server" }}
            </button>
            <div aria-live="polite" data-testid="lab-result">
                {let server_alg = server_alg.clone();
                 move || sent.get().map(|sent| view! { <Answers sent server_alg=server_alg.clone() /> })}
            </div>
            <h3>"Sign it yourself"</h3>
            <p class="explain">
                "A changed payload needs a new signature. Guess the server's secret, and this page "
                "signs the token with HS256 using your guess (with the browser's Web Crypto) and sends it."
            </p>
            <p class="explain" data-testid="lab-guessing">{guessing_note(&server_alg)}</p>
            <div class="lab-guess">
                <label for="lab-guess">"Your guess at the secret"</label>
                <input id="lab-guess" autocomplete="off" spellcheck="false" maxlength=sign::MAX_GUESS_CHARS
                    bind:value=guess />
                <button type="button" class="button" data-testid="lab-sign"
                    disabled=move || sending.get() || forged.with(Result::is_err) on:click=on_sign>
                    "Sign with my guess and send"
                </button>
            </div>
            {move || guess_error.get().map(|message| view! { <p role="alert" class="error">{message}</p> })}
        </section>
    })
}

fn signature_words(signature: &SignatureChoice) -> &'static str {
    match signature {
        SignatureChoice::Original => {
            "Signature: the real one, made by the server for the original header and payload."
        }
        SignatureChoice::Removed => "Signature: none. The token ends with a dot.",
        SignatureChoice::Own(_) => "Signature: your own, HS256 with your guess at the secret.",
    }
}

/// The real token and the forgery side by side, the parts that differ marked.
#[component]
fn Comparison(original: Original, forged: Forged) -> impl IntoView {
    let classes = ["jwt-header", "jwt-payload", "jwt-signature"];
    let forged_parts = (0..3)
        .map(|i| {
            let part = forged.encoded[i].clone();
            let class = classes[i];
            let dot = (i < 2).then_some(".");
            if forged.changed[i] {
                Either::Left(view! { <mark class=format!("{class} changed")>{part}</mark>{dot} })
            } else {
                Either::Right(view! { <span class=class>{part}</span>{dot} })
            }
        })
        .collect_view();
    let changes = forged
        .changes
        .iter()
        .map(|change| {
            let show = |value: &Option<String>| value.clone().unwrap_or_else(|| "(missing)".into());
            view! {
                <li><code>{format!("{}.{}", change.part, change.key)}</code>": "
                    <del>{show(&change.before)}</del>" → "<ins>{show(&change.after)}</ins></li>
            }
        })
        .collect_view();
    let signature_note = forged.changed[2].then_some(view! { <li>"signature: replaced"</li> });
    view! {
        <div class="lab-compare">
            <figure>
                <figcaption>"Your real token"</figcaption>
                <p class="token-raw">{original.token()}</p>
            </figure>
            <figure>
                <figcaption>"The forged token (changes highlighted)"</figcaption>
                <p class="token-raw" data-testid="lab-forged">{forged_parts}</p>
            </figure>
        </div>
        {if forged.is_unchanged() {
            Either::Left(view! { <p class="hint">"Nothing changed yet: this is your real token."</p> })
        } else {
            Either::Right(view! { <ul class="lab-changes" data-testid="lab-changes">{changes}{signature_note}</ul> })
        }}
    }
}

/// The server's answers, each with the reason in plain words.
#[component]
fn Answers(sent: Sent, server_alg: String) -> impl IntoView {
    sent.answers
        .into_iter()
        .map(|answer| {
            let why = reason(&sent.forged, &server_alg, &answer);
            let class = if answer.accepted() {
                "answer accepted"
            } else {
                "answer refused"
            };
            let status = match answer.status {
                0 => "no answer".to_owned(),
                status => status.to_string(),
            };
            view! {
                <div class=class data-testid="lab-answer">
                    <p>
                        <code>{answer.endpoint}</code>" → "
                        <strong data-testid="lab-status">{status}</strong>" "
                        <code data-testid="lab-code">{answer.code}</code>
                        {(!answer.message.is_empty()).then(|| view! { " “"{answer.message}"”" })}
                    </p>
                    <p class="reason" data-testid="lab-reason">{why}</p>
                </div>
            }
        })
        .collect_view()
}
