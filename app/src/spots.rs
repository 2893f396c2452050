//! The photo spots on the home page. Static for now.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spot {
    /// Stable, URL-safe name (a valid `SpotSlug`): what other services,
    /// such as favourites, store.
    pub slug: &'static str,
    pub name: &'static str,
    pub place: &'static str,
    pub best_light: &'static str,
    pub note: &'static str,
}

pub const SPOTS: &[Spot] = &[
    Spot {
        slug: "kirkjufell",
        name: "Kirkjufell",
        place: "Snæfellsnes, Iceland",
        best_light: "Midnight sun in June; aurora from September",
        note: "Frame the mountain behind the three small waterfalls of Kirkjufellsfoss.",
    },
    Spot {
        slug: "horseshoe-bend",
        name: "Horseshoe Bend",
        place: "Page, Arizona, USA",
        best_light: "An hour after sunrise, when the river leaves the shadow",
        note: "Bring your widest lens: the bend fills a 16 mm frame.",
    },
    Spot {
        slug: "fushimi-inari-taisha",
        name: "Fushimi Inari Taisha",
        place: "Kyoto, Japan",
        best_light: "Early morning, before the crowds",
        note: "Thousands of vermilion torii gates; walk up past the first fork for empty paths.",
    },
    Spot {
        slug: "moraine-lake",
        name: "Moraine Lake",
        place: "Banff, Canada",
        best_light: "Sunrise from the rockpile, June to September",
        note: "The water is bluest in early July, when the glacial melt peaks.",
    },
    Spot {
        slug: "trolltunga",
        name: "Trolltunga",
        place: "Vestland, Norway",
        best_light: "Late afternoon, with the sun behind you",
        note: "A ten-hour hike; start before seven to shoot without a queue.",
    },
    Spot {
        slug: "chefchaouen-medina",
        name: "Chefchaouen Medina",
        place: "Rif Mountains, Morocco",
        best_light: "Soft morning light in the blue alleys",
        note: "Ask before photographing people; the cats need no permission.",
    },
];

/// The spot with this slug, if it is one of ours.
pub fn find(slug: &str) -> Option<&'static Spot> {
    SPOTS.iter().find(|spot| spot.slug == slug)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::SpotSlug;

    #[test]
    fn every_spot_has_a_valid_unique_slug() {
        let mut seen = std::collections::HashSet::new();
        for spot in SPOTS {
            assert!(SpotSlug::parse(spot.slug).is_ok(), "{}", spot.slug);
            assert!(seen.insert(spot.slug), "duplicate slug {}", spot.slug);
            assert_eq!(find(spot.slug), Some(spot));
        }
    }
}
