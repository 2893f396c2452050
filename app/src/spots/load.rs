//! How pages get spots: on the server straight from the store, in the
//! browser from the public JSON API (`GET /api/spots…`), the one mobile
//! apps use too. Either way the answer is the same type.

use super::{Spot, SpotList};
use crate::domain::SpotSlug;
use serde::{Deserialize, Serialize};

/// The highest page number asked for; past it the request is nonsense.
pub const MAX_PAGE: u32 = 100_000;

/// Why a page can't show spots.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum LoadError {
    #[error("There is no photo spot here. It may have been removed.")]
    NotFound,
    #[error("The photo spots can't be loaded right now. Please try again in a moment.")]
    Unavailable,
}

impl LoadError {
    /// The HTTP status of a page that could not show its spots.
    pub fn status(&self) -> u16 {
        match self {
            Self::NotFound => 404,
            Self::Unavailable => 503,
        }
    }
}

/// `?page=N`: a whole number from 1 to [`MAX_PAGE`]; absent means 1.
pub fn parse_page(raw: Option<&str>) -> Option<u32> {
    match raw {
        None => Some(1),
        Some(raw) => raw
            .parse()
            .ok()
            .filter(|page| (1..=MAX_PAGE).contains(page)),
    }
}

/// Page `page` of the public list.
pub async fn page(page: u32) -> Result<SpotList, LoadError> {
    #[cfg(feature = "ssr")]
    {
        let spots = server::store()?;
        spots.list_public(page).await.map_err(server::failed)
    }
    #[cfg(not(feature = "ssr"))]
    browser::get_json(format!("/api/spots?page={page}")).await
}

/// The public spot named `slug`.
pub async fn spot(slug: SpotSlug) -> Result<Spot, LoadError> {
    #[cfg(feature = "ssr")]
    {
        let spots = server::store()?;
        match spots.find_public(&slug).await {
            Ok(found) => found.ok_or(LoadError::NotFound),
            Err(error) => Err(server::failed(error)),
        }
    }
    #[cfg(not(feature = "ssr"))]
    browser::get_json(format!("/api/spots/{slug}")).await
}

/// A spot's name and place, for a list of favourites.
///
/// Read from the same answer as [`spot`], but only these fields: the pages
/// everyone loads (the profile) then carry no code for the whole spot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpotName {
    pub name: String,
    pub place: String,
}

pub async fn spot_name(slug: SpotSlug) -> Result<SpotName, LoadError> {
    #[cfg(feature = "ssr")]
    {
        let spot = spot(slug).await?;
        Ok(SpotName {
            name: spot.name,
            place: spot.place,
        })
    }
    #[cfg(not(feature = "ssr"))]
    browser::get_json(format!("/api/spots/{slug}")).await
}

#[cfg(feature = "ssr")]
mod server {
    use super::LoadError;
    use crate::spots::store::SpotStore;

    /// The store, which the server provides to the pages it renders.
    pub fn store() -> Result<SpotStore, LoadError> {
        leptos::prelude::use_context::<SpotStore>().ok_or_else(|| {
            tracing::error!("the spots' store is missing from the page's context");
            LoadError::Unavailable
        })
    }

    pub fn failed(error: sqlx::Error) -> LoadError {
        // The same logging (outage or bug) as every API call.
        let _ = crate::error::ApiError::from(error);
        LoadError::Unavailable
    }
}

#[cfg(not(feature = "ssr"))]
mod browser {
    use super::LoadError;

    pub async fn get_json<T: serde::de::DeserializeOwned>(url: String) -> Result<T, LoadError> {
        #[cfg(feature = "hydrate")]
        {
            // Resources need `Send` futures; the browser has one thread.
            send_wrapper::SendWrapper::new(async move {
                let response = gloo_net::http::Request::get(&url)
                    .send()
                    .await
                    .map_err(|_| LoadError::Unavailable)?;
                match response.status() {
                    200 => response.json().await.map_err(|_| LoadError::Unavailable),
                    404 => Err(LoadError::NotFound),
                    _ => Err(LoadError::Unavailable),
                }
            })
            .await
        }
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = url;
            Err(LoadError::Unavailable)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_whole_numbers_from_one() {
        assert_eq!(parse_page(None), Some(1));
        assert_eq!(parse_page(Some("3")), Some(3));
        for bad in ["0", "-1", "abc", "", "1.5", "100001", "99999999999"] {
            assert_eq!(parse_page(Some(bad)), None, "{bad:?}");
        }
    }
}
