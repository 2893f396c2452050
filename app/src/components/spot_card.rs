use crate::{client::favorites::Favorites, components::StarButton, spots::Spot};
use leptos::prelude::*;

/// One spot in a list: its small photo (lazy, with its size reserved so
/// nothing jumps as it loads), name, place and light.
#[component]
pub fn SpotCard(spot: Spot, favorites: Favorites) -> impl IntoView {
    let path = spot.path();
    let photo = spot.photo.as_ref().map(|photo| {
        view! {
            <a href=path.clone() class="spot-photo" tabindex="-1" aria-hidden="true">
                <img
                    src=photo.small.url.clone()
                    width=photo.small.width
                    height=photo.small.height
                    loading="lazy"
                    decoding="async"
                    alt=""
                />
            </a>
        }
    });
    view! {
        <li class="card spot" data-slug=spot.slug.to_string()>
            {photo}
            <div class="spot-title">
                <h2><a href=path>{spot.name.clone()}</a></h2>
                <StarButton favorites slug=spot.slug.to_string() name=spot.name />
            </div>
            <p class="place">{spot.place}</p>
            <Show when={
                let light = !spot.best_light.is_empty();
                move || light
            }>
                <p><strong>"Best light: "</strong>{spot.best_light.clone()}</p>
            </Show>
        </li>
    }
}
