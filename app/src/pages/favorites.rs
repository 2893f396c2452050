use super::signed_in::signed_in_only;
use crate::{client::favorites::Favorites, components::FavoritesList};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{LazyRoute, lazy_route};

/// `/favorites`: the spots a person starred, which the second service keeps.
///
/// A page of its own rather than a section of the profile: the favourites
/// client and list are a quarter of what the profile page downloaded
/// (BENCHMARKS.md), and the profile is about the account. A lazy route (see
/// `AdminPage`).
pub struct FavoritesPage;

#[lazy_route]
impl LazyRoute for FavoritesPage {
    fn data() -> Self {
        Self
    }

    fn view(this: Self) -> AnyView {
        let FavoritesPage = this; // no data: the page loads its own
        favorites_page().into_any()
    }
}

fn favorites_page() -> impl IntoView {
    let favorites = Favorites::load(signed_in_only("/favorites"));
    view! {
        <Title text="Your favourite spots" />
        <h1>"Favourites"</h1>
        <FavoritesList favorites />
    }
}
