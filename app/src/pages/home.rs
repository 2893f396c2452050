use crate::{
    client::{favorites::Favorites, session::Session},
    components::{FavoritesNotice, SpotCard},
    spots::{
        SpotList,
        load::{self, LoadError},
    },
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{LazyRoute, hooks::use_query_map, lazy_route};

/// `/`: the spots, newest first, 24 a page.
///
/// A lazy route (see `AdminPage`), and its data is loaded by the lazy part
/// too. Loading it in `data()` would start it while the code downloads, but
/// it would also keep the spot types' code in the main wasm file that every
/// page loads (BENCHMARKS.md). The first page's spots come with the server's
/// HTML anyway; only moving to another page waits for code, then data.
pub struct HomePage;

#[lazy_route]
impl LazyRoute for HomePage {
    fn data() -> Self {
        Self
    }

    fn view(this: Self) -> AnyView {
        let HomePage = this; // no data: the page loads its own
        home_page().into_any()
    }
}

fn home_page() -> impl IntoView {
    let query = use_query_map();
    let page = move || query.with(|query| load::parse_page(query.get_str("page")));
    let spots = Resource::new(page, |page| async move {
        match page {
            Some(page) => load::page(page).await,
            None => Err(LoadError::NotFound),
        }
    });
    let session = Session::get();
    let favorites = Favorites::load(session);
    view! {
        <Title text="The best photo spots in the world" />
        <section class="hero">
            <h1>"The best photo spots in the world"</h1>
            <p>"Where to stand, when the light is right, and what to bring."</p>
            <p class="hint">
                "Logging in here uses a signed token (JWT). "
                <a href="/how-it-works">"How it works, in five minutes"</a>
            </p>
            // Shown until the page knows someone is logged in (the server
            // can't see localStorage, so its HTML always has it).
            <Show when=move || session.token().is_none()>
                <p><a class="button" href="/login">"Log in"</a></p>
            </Show>
        </section>
        <FavoritesNotice favorites />
        <Suspense fallback=|| view! { <p class="loading">"Loading the spots…"</p> }>
            {move || Suspend::new(async move {
                match spots.await {
                    Ok(list) => view! { <SpotGrid list favorites /> }.into_any(),
                    Err(error) => {
                        super::set_status(error.status());
                        view! { <p class="notice" role="alert">{error.to_string()}</p> }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn SpotGrid(list: SpotList, favorites: Favorites) -> impl IntoView {
    let empty = list.spots.is_empty();
    view! {
        <Show when=move || empty>
            <p class="notice">"No photo spots on this page."</p>
        </Show>
        <ul class="spots">
            {list
                .spots
                .into_iter()
                .map(|spot| view! { <SpotCard spot favorites /> })
                .collect_view()}
        </ul>
        <Pager page=list.page pages=list.pages />
    }
}

/// Newer and older pages, when there is more than one.
#[component]
fn Pager(page: u32, pages: u32) -> impl IntoView {
    (pages > 1).then(|| {
        view! {
            <nav class="pager" aria-label="Pages">
                {(page > 1).then(|| view! {
                    <a href=format!("/?page={}", page - 1) rel="prev">"← Newer spots"</a>
                })}
                <span>{format!("Page {page} of {pages}")}</span>
                {(page < pages).then(|| view! {
                    <a href=format!("/?page={}", page + 1) rel="next">"Older spots →"</a>
                })}
            </nav>
        }
    })
}
