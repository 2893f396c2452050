use crate::{
    client::{session::Session, step_up::StepUp},
    components::{Nav, StepUpDialog},
    pages::{
        AdminPage, FavoritesPage, HomePage, HowItWorksPage, LabPage, LoginPage, NotFound,
        PasskeysPage, ProfilePage, RecoverPage, RecoveryLinkPage, SecurityPage,
        SessionsAndDataPage, SignupPage, SpotPage, StealPage,
    },
};
use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::{
    Lazy, SsrMode,
    components::{Route, Router, Routes},
    path,
};

/// The HTML document the server renders around the app.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // The favourites service's address, for the page's scripts and its CSP.
    #[cfg(feature = "ssr")]
    let favorites_url = use_context::<crate::state::AppState>()
        .map(|state| state.favorites_url.to_string())
        .unwrap_or_default();
    #[cfg(not(feature = "ssr"))]
    let favorites_url = String::new();
    #[cfg(feature = "ssr")]
    crate::security::set_page_csp(&options, &favorites_url);
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <AutoReload options=options.clone() />
                <HydrationScripts options=options.clone() />
                // The bundle's file names carry content hashes (cargo-leptos
                // `hash-files`), so they can be cached for a year.
                <HashedStylesheet options id="leptos" />
                <link rel="icon" type="image/svg+xml" href="/favicon.svg" />
                <meta name=crate::client::favorites::FAVORITES_URL_META content=favorites_url />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    Session::provide();
    StepUp::provide();

    view! {
        <Title formatter=crate::page_title::page_title />
        <Router>
            <Nav />
            <main>
                <Routes fallback=NotFound>
                    // The spot pages render in full before the answer
                    // starts: their status (404) and <title> depend on the
                    // database.
                    <Route path=path!("/") view={Lazy::<HomePage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/spots/:slug") view={Lazy::<SpotPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/how-it-works") view={Lazy::<HowItWorksPage>::new()} />
                    <Route path=path!("/login") view=LoginPage />
                    <Route path=path!("/favorites") view={Lazy::<FavoritesPage>::new()} />
                    <Route path=path!("/profile") view={Lazy::<ProfilePage>::new()} />
                    <Route path=path!("/profile/security") view={Lazy::<SecurityPage>::new()} />
                    <Route path=path!("/profile/passkeys") view={Lazy::<PasskeysPage>::new()} />
                    <Route path=path!("/profile/sessions") view={Lazy::<SessionsAndDataPage>::new()} />
                    <Route path=path!("/profile/data") view={Lazy::<SessionsAndDataPage>::new()} />
                    <Route path=path!("/goodbye") view={Lazy::<SessionsAndDataPage>::new()} />
                    <Route path=path!("/lab") view={Lazy::<LabPage>::new()} />
                    <Route path=path!("/lab/steal") view={Lazy::<StealPage>::new()} />
                    <Route path=path!("/recover") view={Lazy::<RecoverPage>::new()} />
                    <Route path=path!("/recover/link") view={Lazy::<RecoveryLinkPage>::new()} />
                    <Route path=path!("/signup") view={Lazy::<SignupPage>::new()} />
                    <Route path=path!("/admin") view={Lazy::<AdminPage>::new()} />
                </Routes>
            </main>
            <StepUpDialog />
        </Router>
    }
}
