use super::local_time::local_time;
use crate::{client::sessions, wire::ActivityEvent};
use leptos::{prelude::*, task::spawn_local};

/// What happened to your account lately (90 days), newest first, with
/// "Show older" for more: sign-ins, failed ones, and every change to how
/// you sign in.
#[component]
pub fn ActivityList() -> impl IntoView {
    let events = RwSignal::new(Vec::<ActivityEvent>::new());
    let next = RwSignal::new(None::<i64>);
    let error = RwSignal::new(None::<String>);
    let load = move |before: Option<i64>| {
        spawn_local(async move {
            match sessions::activity(before).await {
                Ok(page) => {
                    events.update(|all| all.extend(page.events));
                    next.set(page.next);
                }
                Err(problem) => error.set(Some(problem.to_string())),
            }
        });
    };
    Effect::new(move |_| load(None));
    let row = |event: ActivityEvent| {
        let detail = (!event.detail.is_empty()).then(|| format!(" · {}", event.detail));
        view! {
            <li data-testid="activity-event">
                <strong>{event.kind.describe()}</strong>
                <span class="hint">" " {local_time(event.at)} {detail}</span>
            </li>
        }
    };
    view! {
        <section class="card activity" aria-labelledby="activity-title">
            <h2 id="activity-title">"Security activity"</h2>
            <p class="hint">"The last 90 days. Something you don't recognise? Change your password and sign out the other sessions."</p>
            <ul class="activity-list">{move || events.get().into_iter().map(row).collect_view()}</ul>
            {move || next.get().map(|before| view! {
                <button type="button" class="link-button" on:click=move |_| load(Some(before))>"Show older"</button>
            })}
            {move || error.get().map(|message| view! { <p role="alert" class="error">{message}</p> })}
        </section>
    }
}
