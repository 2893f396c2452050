use super::{
    changes::{Change, Changes},
    local_time::local_time,
};
use crate::{
    api::{remove_password, set_password},
    client::{passkeys, session::Session, sessions},
    error::ApiError,
    wire::{PasskeySummary, WaysToSignIn},
};
use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};

/// Your passkeys on the profile: add one (the browser's own dialog), see
/// them, rename or remove one; with a passkey, sign in with passkeys only
/// (remove the password), and set a password again.
#[component]
pub fn PasskeysPanel() -> impl IntoView {
    let session = Session::get();
    let listed = RwSignal::new(None::<WaysToSignIn>);
    let secret = RwSignal::new(String::new());
    let changes = Changes::new();
    let name = RwSignal::new("Passkey".to_owned());
    // The open sessions a passkey just removed had signed in: offered to end.
    let begun = RwSignal::new(Vec::<String>::new());

    let reload = move || {
        spawn_local(async move {
            match passkeys::list().await {
                Ok(all) => listed.set(Some(all)),
                Err(error) => changes.report(Err(error)),
            }
        });
    };
    Effect::new(move |_| reload());
    // One change at a time; the list is read again after each.
    let change = move |work: Change| changes.run(work, reload);
    let busy = move || changes.busy();

    let on_add = move |ev: SubmitEvent| {
        ev.prevent_default();
        let chosen = name.get_untracked();
        change(Box::pin(async move {
            let added = passkeys::add(chosen).await?;
            Ok(format!("Passkey \"{}\" added.", added.name))
        }));
    };

    // One field for both forms: only one is shown (with or without a
    // password), and it is emptied after each try.
    let take_secret = move || secret.try_update(std::mem::take).unwrap_or_default();
    let on_remove_password = move |ev: SubmitEvent| {
        ev.prevent_default();
        let current = take_secret();
        change(Box::pin(async move {
            let fresh = remove_password(current).await?;
            session.start(&fresh.token, &fresh.user);
            Ok("Password removed: you sign in with your passkeys from now on. Every other device has been logged out.".to_owned())
        }));
    };
    let on_set_password = move |ev: SubmitEvent| {
        ev.prevent_default();
        let new = take_secret();
        change(Box::pin(async move {
            set_password(new).await?;
            Ok("Password set: you can sign in with it as well as your passkeys.".to_owned())
        }));
    };
    let password_form = move |ways: &WaysToSignIn| {
        match ways.password {
        true if ways.passkeys.is_empty() => None,
        true => Some(view! {
            <form on:submit=on_remove_password data-testid="remove-password">
                <h3>"Passkeys only"</h3>
                <p class="hint">"Remove your password, so nobody can phish it or try it: you then sign in with a passkey."</p>
                <label for="password-to-remove">"Your password"</label>
                <input id="password-to-remove" type="password" autocomplete="current-password" required bind:value=secret />
                <button type="submit" class="danger" disabled=busy>"Remove my password"</button>
            </form>
        }.into_any()),
        false => Some(view! {
            <form on:submit=on_set_password data-testid="set-password">
                <h3>"Set a password"</h3>
                <p class="hint">"You sign in with passkeys only. A password is a second way in: at least 10 characters, and not your username."</p>
                <label for="password-to-set">"Password to set"</label>
                <input id="password-to-set" type="password" autocomplete="new-password" required bind:value=secret />
                <button type="submit" disabled=busy>"Set password"</button>
            </form>
        }.into_any()),
    }
    };

    let row = move |passkey: PasskeySummary| {
        let PasskeySummary {
            id,
            name: current,
            synced,
            created_at,
            last_used_at,
        } = passkey;
        let edited = RwSignal::new(current.clone());
        let (rename_id, remove_id) = (id.clone(), id.clone());
        let rename = move |ev: SubmitEvent| {
            ev.prevent_default();
            let (id, new_name) = (rename_id.clone(), edited.get_untracked());
            change(Box::pin(async move {
                let renamed = passkeys::rename(id, new_name).await?;
                Ok(format!("Renamed to \"{}\".", renamed.name))
            }));
        };
        let remove = move |_| {
            let id = remove_id.clone();
            change(Box::pin(async move {
                passkeys::remove(id.clone()).await?;
                let open = sessions_begun_by(&id).await;
                let offer = match open.len() {
                    0 => String::new(),
                    1 => " It had signed in 1 session that is still open: see below.".to_owned(),
                    n => format!(" It had signed in {n} sessions that are still open: see below."),
                };
                begun.set(open);
                Ok(format!(
                    "Passkey removed: it signs nobody in from now on.{offer}"
                ))
            }));
        };
        let kind = if synced {
            "synced to your other devices"
        } else {
            "on this device only"
        };
        let used = last_used_at.map_or_else(
            || "never used yet".to_owned(),
            |at| format!("last used {}", local_time(at)),
        );
        view! {
            <li class="passkey" data-testid="passkey">
                <form class="inline" on:submit=rename>
                    <input aria-label=format!("Name of passkey {current}") maxlength="64" required bind:value=edited />
                    <button type="submit" disabled=busy>"Rename"</button>
                    <button type="button" class="danger" disabled=busy on:click=remove>
                        "Remove"
                    </button>
                </form>
                <p class="hint">{format!("{kind}; added {}, {used}", local_time(created_at))}</p>
            </li>
        }
    };

    view! {
        <section class="card form passkeys" aria-labelledby="passkeys-title">
            <h2 id="passkeys-title">"Passkeys"</h2>
            <p class="hint">
                "Sign in with your phone, computer or security key instead of a password: it "
                "unlocks with your fingerprint, face or PIN, and works only on this site. Photo "
                "Spots keeps its public key, never a secret."
            </p>
            {move || listed.get().map(|all| if all.passkeys.is_empty() {
                view! { <p class="hint" data-testid="no-passkeys">"No passkeys yet."</p> }.into_any()
            } else {
                view! { <ul class="passkey-list">{all.passkeys.into_iter().map(row).collect_view()}</ul> }.into_any()
            })}
            <form on:submit=on_add>
                <label for="passkey-name">"Name for a new passkey"</label>
                <input id="passkey-name" maxlength="64" required bind:value=name />
                <button type="submit" disabled=busy>"Add a passkey"</button>
            </form>
            {move || listed.with(|all| all.as_ref().and_then(password_form))}
            {changes.view()}
            {move || (!begun.with(Vec::is_empty)).then(|| view! {
                <BegunSessions begun change busy=Signal::derive(busy) />
            })}
        </section>
    }
}

/// The other open sessions passkey `id` signed in (not this one: ending it
/// is logging out). None if the list can't be read: the offer is a help,
/// not a step the removal needs.
async fn sessions_begun_by(id: &str) -> Vec<String> {
    let Ok(all) = sessions::list().await else {
        return Vec::new();
    };
    all.sessions
        .into_iter()
        .filter(|session| !session.current && session.passkey.as_deref() == Some(id))
        .map(|session| session.id)
        .collect()
}

/// "Sign out the sessions it signed in?" after a passkey is removed: a
/// lost or stolen device's sessions end with one click.
#[component]
fn BegunSessions(
    begun: RwSignal<Vec<String>>,
    change: impl Fn(Change) + Copy + Send + Sync + 'static,
    busy: Signal<bool>,
) -> impl IntoView {
    let count = move || begun.with(Vec::len);
    let end_them = move |_| {
        let ids = begun.try_update(std::mem::take).unwrap_or_default();
        change(Box::pin(async move {
            let mut ended = 0;
            for id in ids {
                match sessions::end(id).await {
                    Ok(()) => ended += 1,
                    // Ended meanwhile (it expired, or its device logged out).
                    Err(ApiError::NoSuchSession) => {}
                    Err(error) => return Err(error),
                }
            }
            Ok(match ended {
                1 => "Signed out the session that passkey had signed in.".to_owned(),
                n => format!("Signed out {n} sessions that passkey had signed in."),
            })
        }));
    };
    view! {
        <div class="notice" role="group" aria-label="Sessions the removed passkey signed in" data-testid="passkey-sessions">
            <p>{move || match count() {
                1 => "The passkey you removed signed in a session that is still open. If the device is lost or not yours, sign it out.".to_owned(),
                n => format!("The passkey you removed signed in {n} sessions that are still open. If the device is lost or not yours, sign them out."),
            }}</p>
            <button type="button" class="danger" disabled=busy on:click=end_them>
                {move || match count() { 1 => "Sign it out", _ => "Sign them out" }}
            </button>
            " "
            <button type="button" disabled=busy on:click=move |_| begun.set(Vec::new())>"Keep"</button>
        </div>
    }
}
