//! The photo spots on the home page. Static for now.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spot {
    pub name: &'static str,
    pub place: &'static str,
    pub best_light: &'static str,
    pub note: &'static str,
}

pub const SPOTS: &[Spot] = &[
    Spot {
        name: "Kirkjufell",
        place: "Snæfellsnes, Iceland",
        best_light: "Midnight sun in June; aurora from September",
        note: "Frame the mountain behind the three small waterfalls of Kirkjufellsfoss.",
    },
    Spot {
        name: "Horseshoe Bend",
        place: "Page, Arizona, USA",
        best_light: "An hour after sunrise, when the river leaves the shadow",
        note: "Bring your widest lens: the bend fills a 16 mm frame.",
    },
    Spot {
        name: "Fushimi Inari Taisha",
        place: "Kyoto, Japan",
        best_light: "Early morning, before the crowds",
        note: "Thousands of vermilion torii gates; walk up past the first fork for empty paths.",
    },
    Spot {
        name: "Moraine Lake",
        place: "Banff, Canada",
        best_light: "Sunrise from the rockpile, June to September",
        note: "The water is bluest in early July, when the glacial melt peaks.",
    },
    Spot {
        name: "Trolltunga",
        place: "Vestland, Norway",
        best_light: "Late afternoon, with the sun behind you",
        note: "A ten-hour hike; start before seven to shoot without a queue.",
    },
    Spot {
        name: "Chefchaouen Medina",
        place: "Rif Mountains, Morocco",
        best_light: "Soft morning light in the blue alleys",
        note: "Ask before photographing people; the cats need no permission.",
    },
];
