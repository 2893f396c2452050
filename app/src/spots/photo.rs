use serde::{Deserialize, Serialize};

/// Where photo files are served from.
pub const PHOTOS_PATH: &str = "/photos";

/// A spot's photo: a large copy for its page and a small one for lists.
/// Both are JPEGs re-encoded by the server, without any metadata.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Photo {
    pub large: PhotoFile,
    pub small: PhotoFile,
}

/// One copy of a photo. The size is sent along so pages can reserve the
/// space before the image arrives (no layout shift).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhotoFile {
    pub url: String,
    pub width: u32,
    pub height: u32,
}

impl Photo {
    /// The large copy's width (narrower originals are not enlarged).
    pub const LARGE_WIDTH: u32 = 1600;
    /// The small copy's width.
    pub const SMALL_WIDTH: u32 = 400;

    /// The photo whose files `key` names, with the sizes of its two copies.
    pub fn stored(key: &str, large: (u32, u32), small: (u32, u32)) -> Self {
        let [large_name, small_name] = Self::file_names(key);
        let file = |name: String, (width, height): (u32, u32)| PhotoFile {
            url: format!("{PHOTOS_PATH}/{name}"),
            width,
            height,
        };
        Self {
            large: file(large_name, large),
            small: file(small_name, small),
        }
    }

    /// The file names of the large and the small copy for `key`.
    pub fn file_names(key: &str) -> [String; 2] {
        [
            format!("{key}-{}.jpg", Self::LARGE_WIDTH),
            format!("{key}-{}.jpg", Self::SMALL_WIDTH),
        ]
    }
}
