use super::{
    changes::{Change, Changes},
    local_time::local_time,
};
use crate::{
    client::sessions,
    wire::{SessionSummary, Sessions},
};
use leptos::{prelude::*, task::spawn_local};

/// Where you are signed in: each session with its device, network and
/// times; end one (a lost phone) or every other. An ended session's device
/// is signed out at once: its next call is refused.
#[component]
pub fn SessionsPanel() -> impl IntoView {
    let listed = RwSignal::new(None::<Sessions>);
    let changes = Changes::new();

    let reload = move || {
        spawn_local(async move {
            match sessions::list().await {
                Ok(all) => listed.set(Some(all)),
                Err(error) => changes.report(Err(error)),
            }
        });
    };
    Effect::new(move |_| reload());
    // One change at a time; the list is read again after each.
    let change = move |work: Change| changes.run(work, reload);
    let busy = move || changes.busy();
    let end_others = move |_| {
        change(Box::pin(async move {
            let ended = sessions::end_others().await?;
            Ok(match ended {
                0 => "There was no other session to sign out.".to_owned(),
                1 => "Signed out 1 other session.".to_owned(),
                n => format!("Signed out {n} other sessions."),
            })
        }));
    };

    let row = move |session: SessionSummary| {
        let id = session.id.clone();
        let end = move |_| {
            let id = id.clone();
            change(Box::pin(async move {
                sessions::end(id).await?;
                Ok("Session ended: that device is signed out.".to_owned())
            }));
        };
        let label = session.label.clone();
        view! {
            <li class="session" data-testid="session">
                <p>
                    <strong>{session.label.clone()}</strong>
                    {session.current.then(|| view! { " " <span class="badge" data-testid="this-session">"This device"</span> })}
                </p>
                <p class="hint">{describe(&session)}</p>
                {(!session.current).then(|| view! {
                    <button type="button" class="danger" disabled=busy on:click=end
                        aria-label=format!("Sign out {label}")>
                        "Sign out"
                    </button>
                })}
            </li>
        }
    };

    view! {
        <section class="card sessions" aria-labelledby="sessions-title">
            <h2 id="sessions-title">"Where you're signed in"</h2>
            <p class="hint">
                "Each sign-in is a session. Don't recognise one, or lost a device? Sign it "
                "out here: it is refused from its very next call."
            </p>
            {move || listed.get().map(|all| view! {
                <ul class="session-list">{all.sessions.into_iter().map(row).collect_view()}</ul>
            })}
            <button type="button" disabled=busy on:click=end_others data-testid="end-others">
                "Sign out all other sessions"
            </button>
            {changes.view()}
        </section>
    }
}

/// "From 203.0.113.0/24 · signed in with a password on 6 Dec 2026, 10:00 · last active …".
fn describe(session: &SessionSummary) -> String {
    let from = if session.address.is_empty() {
        String::new()
    } else {
        format!("From {} · ", session.address)
    };
    format!(
        "{from}signed in with {} on {} · last renewed {}",
        session.amr.describe(),
        local_time(session.created_at),
        local_time(session.last_used_at)
    )
}
