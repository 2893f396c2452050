use crate::client::session::Session;
use leptos::{either::Either, prelude::*};
use leptos_router::{NavigateOptions, hooks::use_navigate};

/// The site header: who is logged in, and the way in or out.
#[component]
pub fn Nav() -> impl IntoView {
    let session = Session::get();
    let navigate = use_navigate();
    let log_out = move |_| {
        session.end();
        navigate("/login", NavigateOptions::default());
    };

    view! {
        <header class="site-header">
            <nav aria-label="Main">
                <a href="/" class="brand">"Photo Spots"</a>
                <div class="nav-links">
                    <a href="/how-it-works">"How it works"</a>
                    {move || match session.name() {
                        Some(name) => Either::Left(view! {
                            // A hint only: the admin area asks the server,
                            // which decides on every call.
                            <Show when=move || session.says_admin()>
                                <a href="/admin">"Admin"</a>
                            </Show>
                            <a href="/favorites">"Favourites"</a>
                            <a href="/profile">"Profile"</a>
                            <span class="who">
                                "Logged in as " <strong data-testid="nav-user">{name}</strong>
                            </span>
                            <button type="button" class="link-button" on:click=log_out.clone()>
                                "Log out"
                            </button>
                        }),
                        None => Either::Right(view! { <a href="/login">"Log in"</a> }),
                    }}
                </div>
            </nav>
        </header>
    }
}
