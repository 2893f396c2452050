use crate::{
    client::{favorites::Favorites, session::Session},
    components::{FavoritesNotice, StarButton},
    spots::SPOTS,
};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn HomePage() -> impl IntoView {
    let session = Session::get();
    let favorites = Favorites::load(session);
    view! {
        <Title text="The best photo spots in the world" />
        <section class="hero">
            <h1>"The best photo spots in the world"</h1>
            <p>"Where to stand, when the light is right, and what to bring."</p>
            // Shown until the page knows someone is logged in (the server
            // can't see localStorage, so its HTML always has it).
            <Show when=move || session.token().is_none()>
                <p><a class="button" href="/login">"Log in"</a></p>
            </Show>
        </section>
        <FavoritesNotice favorites />
        <ul class="spots">
            {SPOTS
                .iter()
                .map(|spot| view! {
                    <li class="card spot" data-slug=spot.slug>
                        <div class="spot-title">
                            <h2>{spot.name}</h2>
                            <StarButton favorites slug=spot.slug name=spot.name />
                        </div>
                        <p class="place">{spot.place}</p>
                        <p><strong>"Best light: "</strong>{spot.best_light}</p>
                        <p>{spot.note}</p>
                    </li>
                })
                .collect_view()}
        </ul>
    }
}
