//! Any uploaded file: the photo pipeline refuses it with a reason, or keeps
//! two JPEGs that decode to the sizes it reports, never wider than the page
//! shows them. Never a panic, never an allocation past the limits.
#![no_main]

use image::ImageFormat;
use libfuzzer_sys::fuzz_target;
use server::spots::photos::process::{MAX_BYTES, process};

fuzz_target!(|data: &[u8]| {
    if data.len() > MAX_BYTES {
        return;
    }
    let Ok(processed) = process(data) else {
        return;
    };
    for (copy, widest) in [(&processed.large, 1600), (&processed.small, 400)] {
        assert!((1..=widest).contains(&copy.width) && copy.height >= 1);
        let kept = image::load_from_memory_with_format(&copy.jpeg, ImageFormat::Jpeg)
            .expect("what is kept is a JPEG");
        assert_eq!((kept.width(), kept.height()), (copy.width, copy.height));
    }
});
