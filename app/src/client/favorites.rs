//! The favourites service, called straight from the browser with the token
//! from localStorage: one login, two services.
//!
//! Where it lives comes from the page (`<meta name="photo-spots:favorites-url">`,
//! written by the server from `FAVORITES_URL`). If it is down or slow, the
//! pages go on working and say favourites are unavailable.

use super::{LatestLoad, session::Session};
use leptos::{prelude::*, task::spawn_local};
use std::collections::BTreeSet;

/// The `<meta>` naming the favourites service's origin.
pub const FAVORITES_URL_META: &str = "photo-spots:favorites-url";

/// Why favourites can't be shown or changed right now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FavoritesError {
    #[error("Favourites are unavailable right now. Everything else works; try again later.")]
    Unavailable,
    #[error("The favourites service did not accept your log-in just now. Try logging in again.")]
    Refused,
}

/// Favourites as a page shows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FavoritesState {
    /// Nobody is logged in: nothing to show.
    LoggedOut,
    Loading,
    Ready(BTreeSet<String>),
    Failed(FavoritesError),
}

/// The logged-in person's favourites, loaded when the page knows the session.
#[derive(Clone, Copy)]
pub struct Favorites {
    state: RwSignal<FavoritesState>,
    /// Spots whose star is being saved (one change at a time per spot).
    saving: RwSignal<BTreeSet<String>>,
}

impl Favorites {
    pub fn load(session: Session) -> Self {
        let state = RwSignal::new(FavoritesState::Loading);
        // Whether someone is logged in, not which token: a renewed token
        // is the same person and needs no reload.
        let logged_in = Memo::new(move |_| session.loaded() && session.token().is_some());
        // A plain task rather than a `LocalResource` (see the profile page).
        let loads = LatestLoad::new();
        Effect::new(move |_| {
            if !session.loaded() {
                return;
            }
            let load = loads.begin();
            if !logged_in.get() {
                state.set(FavoritesState::LoggedOut);
                return;
            }
            state.set(FavoritesState::Loading);
            spawn_local(async move {
                let loaded = list().await;
                // Logged out, someone else logged in, or the page left while
                // the list was on its way.
                if !loads.is_latest(load) {
                    return;
                }
                state.set(match loaded {
                    Ok(spots) => FavoritesState::Ready(spots),
                    Err(error) => FavoritesState::Failed(error),
                });
            });
        });
        Self {
            state,
            saving: RwSignal::new(BTreeSet::new()),
        }
    }

    pub fn state(&self) -> FavoritesState {
        self.state.get()
    }

    pub fn error(&self) -> Option<FavoritesError> {
        match self.state.get() {
            FavoritesState::Failed(error) => Some(error),
            _ => None,
        }
    }

    pub fn is_ready(&self) -> bool {
        matches!(self.state.get(), FavoritesState::Ready(_))
    }

    pub fn is_starred(&self, slug: &str) -> bool {
        self.state
            .with(|state| matches!(state, FavoritesState::Ready(spots) if spots.contains(slug)))
    }

    pub fn is_saving(&self, slug: &str) -> bool {
        self.saving.with(|saving| saving.contains(slug))
    }

    /// Stars or unstars `slug`: shown at once, saved in the background,
    /// and undone (with the reason shown) if saving fails.
    pub fn toggle(&self, slug: String) {
        if self.is_saving(&slug) || !self.is_ready() {
            return;
        }
        let starred = !self.is_starred(&slug);
        let (state, saving) = (self.state, self.saving);
        let apply = {
            let slug = slug.clone();
            move |on: bool| {
                state.update(|state| {
                    if let FavoritesState::Ready(spots) = state {
                        if on {
                            spots.insert(slug.clone());
                        } else {
                            spots.remove(&slug);
                        }
                    }
                })
            }
        };
        apply(starred);
        saving.update(|saving| {
            saving.insert(slug.clone());
        });
        leptos::task::spawn_local(async move {
            let result = save(slug.clone(), starred).await;
            saving.update(|saving| {
                saving.remove(&slug);
            });
            if let Err(error) = result {
                apply(!starred);
                state.set(FavoritesState::Failed(error));
            }
        });
    }
}

/// The stored favourites of whoever the token names.
///
/// This and [`save`] are each in a wasm file of their own (`#[lazy]`,
/// `cargo leptos --split`), fetched with their first call: a visitor who
/// is not logged in never downloads the favourites client.
#[leptos::lazy]
pub async fn list() -> Result<BTreeSet<String>, FavoritesError> {
    #[cfg(feature = "hydrate")]
    {
        #[derive(serde::Deserialize)]
        struct Listed {
            spots: Vec<String>,
        }
        let response = send(gloo_net::http::Method::GET, "/api/favorites").await?;
        let listed: Listed = response
            .json()
            .await
            .map_err(|_| FavoritesError::Unavailable)?;
        Ok(listed.spots.into_iter().collect())
    }
    #[cfg(not(feature = "hydrate"))]
    Err(FavoritesError::Unavailable)
}

/// Stars (`PUT`) or unstars (`DELETE`) one spot.
#[leptos::lazy]
pub async fn save(slug: String, starred: bool) -> Result<(), FavoritesError> {
    #[cfg(feature = "hydrate")]
    {
        use gloo_net::http::Method;
        let method = if starred { Method::PUT } else { Method::DELETE };
        send(method, &format!("/api/favorites/{slug}"))
            .await
            .map(|_| ())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = (slug, starred);
        Err(FavoritesError::Unavailable)
    }
}

/// A call that takes longer than this is given up as "unavailable".
#[cfg(feature = "hydrate")]
const TIMEOUT_MS: u32 = 5000;

#[cfg(feature = "hydrate")]
async fn send(
    method: gloo_net::http::Method,
    path: &str,
) -> Result<gloo_net::http::Response, FavoritesError> {
    let url = format!(
        "{}{path}",
        service_url().ok_or(FavoritesError::Unavailable)?
    );
    let url = url.as_str();
    // This service can't say why it refuses (it only checks signatures and
    // times): a 401 may be an expired token, so it is renewed and tried once more.
    let answer = super::session::with_fresh_token(
        |token| {
            let method = method.clone();
            async move {
                let token = token.ok_or(FavoritesError::Refused)?;
                attempt(method, url, &token).await
            }
        },
        |answer| matches!(answer, Ok(response) if response.status() == 401),
    )
    .await?;
    match answer.status() {
        401 => Err(FavoritesError::Refused),
        _ => Ok(answer),
    }
}

/// One call; any status but 2xx and 401 means "unavailable".
#[cfg(feature = "hydrate")]
async fn attempt(
    method: gloo_net::http::Method,
    url: &str,
    token: &str,
) -> Result<gloo_net::http::Response, FavoritesError> {
    let timeout = web_sys::AbortSignal::timeout_with_u32(TIMEOUT_MS);
    let mut request = gloo_net::http::RequestBuilder::new(url).method(method.clone());
    for (name, value) in super::dpop::authorization(method.as_str(), url, Some(token)).await {
        request = request.header(name, &value);
    }
    let response = request
        .abort_signal(Some(&timeout))
        .send()
        .await
        .map_err(|_| FavoritesError::Unavailable)?;
    match response.status() {
        200..=299 | 401 => Ok(response),
        _ => Err(FavoritesError::Unavailable),
    }
}

#[cfg(feature = "hydrate")]
fn service_url() -> Option<String> {
    let document = web_sys::window()?.document()?;
    let meta = document
        .query_selector(&format!("meta[name=\"{FAVORITES_URL_META}\"]"))
        .ok()??;
    meta.get_attribute("content").filter(|url| !url.is_empty())
}
