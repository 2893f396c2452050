//! Photo spots: what the pages and the JSON API show, and what admins write.
//!
//! The spots live in the main database (`store`, server only). Pages load
//! them through `load`: on the server straight from the store, in the browser
//! from the same JSON API that mobile apps use.

mod draft;
pub mod load;
mod photo;
#[cfg(feature = "ssr")]
pub mod store;

pub use draft::{SpotDraft, SpotInput};
pub use photo::{PHOTOS_PATH, Photo, PhotoFile};

use crate::domain::SpotSlug;
use serde::{Deserialize, Serialize};

/// Spots per page on the home page and in `GET /api/spots`.
pub const PAGE_SIZE: u32 = 24;

/// One spot, as pages and the JSON API show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Spot {
    pub slug: SpotSlug,
    pub name: String,
    pub place: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub best_light: String,
    pub note: String,
    pub photo: Option<Photo>,
    /// The name of the admin who added it; `None` for the spots Photo Spots
    /// started with.
    pub added_by: Option<String>,
    /// When it was added, seconds since the Unix epoch.
    pub added_at: i64,
    /// Hidden spots appear only in the admin area.
    pub hidden: bool,
}

impl Spot {
    /// The spot's own page.
    pub fn path(&self) -> String {
        format!("/spots/{}", self.slug)
    }

    /// The date it was added, e.g. `2026-11-23` (UTC).
    pub fn added_on(&self) -> String {
        civil_date(self.added_at)
    }
}

/// A latitude or longitude as text, e.g. `64.9415`. Written by serde_json,
/// whose float code the bundle has anyway: `format!` of an `f64` would add
/// core's float-printing tables to every page.
pub fn coordinate_text(value: f64) -> String {
    serde_json::to_string(&value).unwrap_or_default()
}

/// One page of the public list, newest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SpotList {
    pub spots: Vec<Spot>,
    /// This page, from 1.
    pub page: u32,
    /// How many pages there are (at least 1, even with no spots).
    pub pages: u32,
    /// Visible spots in all.
    pub total: u64,
}

impl SpotList {
    /// The page count for `total` spots.
    pub fn pages_for(total: u64) -> u32 {
        u32::try_from(total.div_ceil(u64::from(PAGE_SIZE)))
            .unwrap_or(u32::MAX)
            .max(1)
    }
}

/// `YYYY-MM-DD` for a Unix time, without a date library in the wasm
/// (Howard Hinnant's `civil_from_days`).
pub fn civil_date(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_utc_calendar_days() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(1_795_392_000), "2026-11-23");
        assert_eq!(civil_date(951_782_400), "2000-02-29");
        assert_eq!(civil_date(-1), "1969-12-31");
    }

    #[test]
    fn coordinates_print_as_written() {
        assert_eq!(coordinate_text(64.9415), "64.9415");
        assert_eq!(coordinate_text(-23.0), "-23.0");
    }

    #[test]
    fn page_count_rounds_up_and_is_never_zero() {
        assert_eq!(SpotList::pages_for(0), 1);
        assert_eq!(SpotList::pages_for(24), 1);
        assert_eq!(SpotList::pages_for(25), 2);
        assert_eq!(SpotList::pages_for(49), 3);
    }
}
