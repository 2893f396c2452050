use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// The account's pages, as tabs a person finds without reading any docs:
/// each page does one thing, and none is a long scroll.
const PAGES: [(&str, &str); 7] = [
    ("/profile", "Profile"),
    ("/profile/security", "Password"),
    ("/profile/passkeys", "Passkeys"),
    ("/profile/sessions", "Sessions & activity"),
    ("/profile/data", "Your data"),
    ("/lab", "Token lab"),
    ("/lab/steal", "Steal my token"),
];

#[component]
pub fn AccountNav() -> impl IntoView {
    let location = use_location();
    let link = move |(href, label): (&'static str, &'static str)| {
        let current = move || (location.pathname.get() == href).then_some("page");
        view! { <li><a href=href aria-current=current>{label}</a></li> }
    };
    view! {
        <nav class="account-nav" aria-label="Your account">
            <ul>{PAGES.into_iter().map(link).collect_view()}</ul>
        </nav>
    }
}
