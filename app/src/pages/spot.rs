use crate::{
    client::{favorites::Favorites, session::Session},
    components::{FavoritesNotice, StarButton},
    domain::SpotSlug,
    spots::{
        Spot, coordinate_text,
        load::{self, LoadError},
    },
};
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::{LazyRoute, hooks::use_params_map, lazy_route};

/// `/spots/{slug}`: one spot, rendered on the server with its own title and
/// description (the route renders in full before answering, so an unknown
/// slug gets a real 404).
///
/// A lazy route whose data is loaded by the lazy part, as on `HomePage`.
pub struct SpotPage;

#[lazy_route]
impl LazyRoute for SpotPage {
    fn data() -> Self {
        Self
    }

    fn view(this: Self) -> AnyView {
        let SpotPage = this;
        spot_page().into_any()
    }
}

fn spot_page() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.with(|params| params.get_str("slug").map(SpotSlug::parse));
    let spot = Resource::new(slug, |slug| async move {
        match slug {
            Some(Ok(slug)) => load::spot(slug).await,
            _ => Err(LoadError::NotFound),
        }
    });
    let favorites = Favorites::load(Session::get());
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading the spot…"</p> }>
            {move || Suspend::new(async move {
                match spot.await {
                    Ok(spot) => view! { <SpotDetails spot favorites /> }.into_any(),
                    Err(error) => {
                        super::set_status(error.status());
                        view! { <Missing error /> }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn SpotDetails(spot: Spot, favorites: Favorites) -> impl IntoView {
    let description = describe(&spot);
    let photo = spot.photo.as_ref().map(|photo| {
        view! {
            <img
                class="spot-large"
                src=photo.large.url.clone()
                width=photo.large.width
                height=photo.large.height
                alt=format!("{}, {}", spot.name, spot.place)
            />
        }
    });
    let map = spot.latitude.zip(spot.longitude).map(|(lat, lon)| {
        let (lat, lon) = (coordinate_text(lat), coordinate_text(lon));
        let href =
            format!("https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=14/{lat}/{lon}");
        view! {
            <p><a href=href rel="noopener">{format!("{lat}, {lon} on OpenStreetMap")}</a></p>
        }
    });
    let added = match &spot.added_by {
        Some(admin) => format!("Added by {admin} on {}.", spot.added_on()),
        None => format!("Added on {}.", spot.added_on()),
    };
    view! {
        <Title text=spot.name.clone() />
        <Meta name="description" content=description />
        <FavoritesNotice favorites />
        <article class="card spot-page" data-slug=spot.slug.to_string()>
            {photo}
            <div class="spot-title">
                <h1>{spot.name.clone()}</h1>
                <StarButton favorites slug=spot.slug.to_string() name=spot.name.clone() />
            </div>
            <p class="place">{spot.place.clone()}</p>
            {(!spot.best_light.is_empty()).then(|| view! {
                <p><strong>"Best light: "</strong>{spot.best_light.clone()}</p>
            })}
            {spot.note.split('\n').filter(|line| !line.trim().is_empty()).map(|line| {
                view! { <p>{line.to_owned()}</p> }
            }).collect_view()}
            {map}
            <p class="explain">{added}</p>
            <p><a href="/">"← All the photo spots"</a></p>
        </article>
    }
}

#[component]
fn Missing(error: LoadError) -> impl IntoView {
    let title = match error {
        LoadError::NotFound => "Spot not found",
        LoadError::Unavailable => "Spots unavailable",
    };
    view! {
        <Title text=title />
        <section class="card">
            <h1>{title}</h1>
            <p>{error.to_string()}</p>
            <p><a href="/">"Back to the photo spots"</a></p>
        </section>
    }
}

/// The page's meta description: the spot in one sentence, at most 160
/// characters (what search results show).
fn describe(spot: &Spot) -> String {
    let mut text = format!("{}, {}.", spot.name, spot.place);
    if !spot.best_light.is_empty() {
        text.push_str(&format!(" Best light: {}.", spot.best_light));
    }
    if text.chars().count() > 160 {
        text = text.chars().take(159).collect::<String>() + "…";
    }
    text
}
