use crate::{
    api::{make_recovery_codes, reset_password},
    client::{passkeys, session::Session},
    domain::SignInMethod,
    token::UnverifiedClaims,
};
use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};

/// Recovery codes on the security page: how many are left, and a new set
/// of ten, shown this once (making one needs a recent sign-in: the page
/// asks you to confirm it's you when yours is older).
#[component]
pub fn RecoveryPanel() -> impl IntoView {
    let left = RwSignal::new(None::<u32>);
    let shown = RwSignal::new(Vec::<String>::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let reload = move || {
        spawn_local(async move {
            if let Ok(ways) = passkeys::list().await {
                left.set(Some(ways.recovery_codes));
            }
        });
    };
    Effect::new(move |_| reload());
    let make = move |_| {
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match make_recovery_codes().await {
                Ok(made) => shown.set(made.codes),
                Err(problem) => error.set(Some(problem.to_string())),
            }
            busy.set(false);
            reload();
        });
    };
    view! {
        <section class="card form recovery" aria-labelledby="recovery-title">
            <h2 id="recovery-title">"Recovery codes"</h2>
            <p class="hint">
                "If you forget your password and lose your passkeys, a recovery code signs you in "
                "once (\u{201c}Use a recovery code\u{201d} on the login page). Keep them on paper "
                "or in a password manager, away from this device."
            </p>
            <p data-testid="recovery-left">
                {move || left.get().map(|n| match n {
                    0 => "You have no recovery codes.".to_owned(),
                    1 => "You have 1 recovery code left.".to_owned(),
                    n => format!("You have {n} recovery codes left."),
                })}
            </p>
            <Show when=move || !shown.with(Vec::is_empty)>
                <p role="status" class="success">
                    "Your new codes, shown this once. Each works one time; your older codes no longer work."
                </p>
                <ol class="recovery-codes" data-testid="recovery-codes">
                    {move || shown.get().into_iter().map(|code| view! { <li><code>{code}</code></li> }).collect_view()}
                </ol>
            </Show>
            <button type="button" disabled=move || busy.get() on:click=make>
                "Make new recovery codes"
            </button>
            {move || error.get().map(|message| view! { <p role="alert" class="error">{message}</p> })}
        </section>
    }
}

/// After signing in with a recovery code: set a new password without the
/// old one (every other session ends), or add a passkey below.
#[component]
pub fn ResetPasswordForm() -> impl IntoView {
    let session = Session::get();
    let recovered = move || {
        session
            .token()
            .and_then(|token| UnverifiedClaims::read(&token))
            .is_some_and(|claims| claims.amr == SignInMethod::RecoveryCode)
    };
    let new = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Result<String, String>>);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let chosen = new.get_untracked();
        spawn_local(async move {
            match reset_password(chosen).await {
                Ok(fresh) => {
                    new.set(String::new());
                    session.start(&fresh.token, &fresh.user);
                    outcome.set(Some(Ok(
                        "New password set. Every other device has been signed out.".to_owned(),
                    )));
                }
                Err(problem) => outcome.set(Some(Err(problem.to_string()))),
            }
        });
    };
    view! {
        <Show when=recovered>
            <form class="card form" on:submit=on_submit data-testid="reset-password">
                <h2>"Set a new password"</h2>
                <p class="notice">
                    "You signed in with a recovery code. Set a new password now (you don't need the "
                    "old one), or add a passkey below."
                </p>
                <label for="reset-password">"New password"</label>
                <input id="reset-password" type="password" autocomplete="new-password" required bind:value=new />
                <button type="submit">"Set new password"</button>
            </form>
        </Show>
        {move || outcome.get().map(|done| match done {
            Ok(done) => view! { <p role="status" class="success">{done}</p> }.into_any(),
            Err(problem) => view! { <p role="alert" class="error">{problem}</p> }.into_any(),
        })}
    }
}
