use crate::{
    api::Signup,
    client::server_action,
    components::session_starter,
    domain::{Password, UserName, Username},
};
use leptos::{ev::SubmitEvent, html::Input, prelude::*};
use leptos_meta::Title;
use leptos_router::{LazyRoute, lazy_route};

/// Create an account. Each field is checked as you type by the same domain
/// types the server uses; the server's check is the one that counts.
/// `/signup`: a lazy route (see `AdminPage`). Its form is only on this page, so
/// the other pages' first visit doesn't download it.
pub struct SignupPage;

#[lazy_route]
impl LazyRoute for SignupPage {
    fn data() -> Self {
        Self
    }

    fn view(this: Self) -> AnyView {
        let SignupPage = this; // no data
        signup_page().into_any()
    }
}

fn signup_page() -> impl IntoView {
    let username = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let touched = RwSignal::new(false);
    let (username_field, name_field, password_field) = (
        NodeRef::<Input>::new(),
        NodeRef::<Input>::new(),
        NodeRef::<Input>::new(),
    );
    let signup = server_action::<Signup>();
    session_starter(move || signup.value().get());

    let username_problem = move || {
        Username::parse(&username.get())
            .err()
            .map(|e| e.to_string())
    };
    let name_problem = move || UserName::parse(&name.get()).err().map(|e| e.to_string());
    let password_problem = move || {
        let username = Username::parse(&username.get()).ok()?;
        Password::new_for(&password.get(), &username)
            .err()
            .map(|e| e.to_string())
    };
    let problem = move || {
        username_problem()
            .or_else(name_problem)
            .or_else(password_problem)
    };
    let shown = move |p: Option<String>| touched.get().then_some(p).flatten();

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        // Text typed before the page became interactive fired no input events.
        for (field, signal) in [
            (username_field, username),
            (name_field, name),
            (password_field, password),
        ] {
            if let Some(input) = field.get_untracked() {
                signal.set(input.value());
            }
        }
        touched.set(true);
        if problem().is_none() {
            signup.dispatch(Signup {
                username: username.get_untracked(),
                password: password.get_untracked(),
                name: name.get_untracked(),
            });
        }
    };

    view! {
        <Title text="Sign up" />
        <section class="card form auth">
            <h1>"Create an account"</h1>
            <form on:submit=on_submit method="post" novalidate>
                <label for="username">"Username"</label>
                <input id="username" name="username" autocomplete="username" autocapitalize="none"
                    spellcheck="false" node_ref=username_field
                    on:input:target=move |ev| username.set(ev.target().value()) aria-describedby="username-rules" />
                <p id="username-rules" class="hint">"3 to 32 characters: lowercase letters, digits, - and _."</p>
                {move || shown(username_problem()).map(|m| view! { <p role="alert" class="error">{m}</p> })}
                <label for="name">"Name"</label>
                <input id="name" name="name" autocomplete="name" node_ref=name_field
                    on:input:target=move |ev| name.set(ev.target().value()) />
                {move || shown(name_problem()).map(|m| view! { <p role="alert" class="error">{m}</p> })}
                <label for="password">"Password"</label>
                <input id="password" name="password" type="password" autocomplete="new-password"
                    node_ref=password_field on:input:target=move |ev| password.set(ev.target().value())
                    aria-describedby="password-rules" />
                <p id="password-rules" class="hint">"At least 10 characters, and not your username."</p>
                {move || shown(password_problem()).map(|m| view! { <p role="alert" class="error">{m}</p> })}
                <button type="submit" disabled=move || signup.pending().get()>
                    {move || if signup.pending().get() { "Creating your account…" } else { "Sign up" }}
                </button>
                {move || match signup.value().get() {
                    Some(Err(error)) => Some(view! { <p role="alert" class="error">{error.to_string()}</p> }),
                    _ => None,
                }}
            </form>
            <p class="hint">"Already have an account? " <a href="/login">"Log in"</a></p>
        </section>
    }
}
