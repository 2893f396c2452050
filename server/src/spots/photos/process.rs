//! From uploaded bytes to the two JPEGs that are kept: decoded by a real
//! image library (the content decides, not a header or a file name),
//! checked for size before any pixel is decoded, turned upright, resized
//! and re-encoded. Re-encoding from pixels is what strips the metadata:
//! EXIF (GPS position, camera serial), XMP, ICC and comments never reach
//! the new files. CPU-bound: run it on the blocking pool.

use app::spots::Photo;
use image::{
    DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, RgbImage,
    codecs::jpeg::JpegEncoder, imageops::FilterType,
};
use std::io::Cursor;

/// Largest upload, in bytes.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;
/// Most pixels a photo may have: a 40-megapixel RGBA image already takes
/// 160 MB to decode.
pub const MAX_PIXELS: u64 = 40_000_000;
/// Good for photos at these sizes; smaller files than 90, no visible loss.
const JPEG_QUALITY: u8 = 82;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    #[error("That file is not a JPEG, PNG or WebP image.")]
    NotAnImage,
    #[error("The photo file is incomplete or damaged. Please upload the whole file again.")]
    Damaged,
    #[error("That image is {width}×{height} pixels; photos can have at most 40 megapixels.")]
    TooManyPixels { width: u32, height: u32 },
    /// Our own JPEG encoder failed on pixels we decoded: a bug, not the upload's fault.
    #[error("The photo could not be saved.")]
    Encoding,
}

/// One re-encoded copy.
#[derive(Debug)]
pub struct Encoded {
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// The large copy (for the spot's page) and the small one (for lists).
#[derive(Debug)]
pub struct Processed {
    pub large: Encoded,
    pub small: Encoded,
}

pub fn process(bytes: &[u8]) -> Result<Processed, PhotoError> {
    let image = decode(bytes)?;
    let large = shrink(&image, Photo::LARGE_WIDTH);
    let small = shrink(&large, Photo::SMALL_WIDTH);
    Ok(Processed {
        large: encode(&large)?,
        small: encode(&small)?,
    })
}

/// The upright pixels, flattened onto white (JPEG has no transparency).
fn decode(bytes: &[u8]) -> Result<DynamicImage, PhotoError> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| PhotoError::NotAnImage)?;
    let format = match reader.format() {
        Some(format @ (ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP)) => format,
        _ => return Err(PhotoError::NotAnImage),
    };
    // Only the header is read here, so a small file claiming a huge
    // picture (a decompression bomb) is refused before any allocation.
    let mut decoder = reader.into_decoder().map_err(|_| PhotoError::Damaged)?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > MAX_PIXELS || width == 0 || height == 0 {
        return Err(PhotoError::TooManyPixels { width, height });
    }
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_PIXELS * 8);
    decoder
        .set_limits(limits)
        .map_err(|_| PhotoError::TooManyPixels { width, height })?;
    let orientation = decoder.orientation().ok();
    let mut image = match format {
        ImageFormat::Jpeg => decode_jpeg_strictly(bytes, width, height)?,
        _ => DynamicImage::from_decoder(decoder).map_err(|_| PhotoError::Damaged)?,
    };
    if let Some(orientation) = orientation {
        image.apply_orientation(orientation);
    }
    Ok(DynamicImage::ImageRgb8(flatten(image)))
}

/// The JPEG's pixels, or `Damaged` if any are missing. The image crate
/// runs zune-jpeg leniently, as browsers decode: a file cut short or
/// corrupt in its compressed data comes out with the rest painted grey, and
/// that grey picture would be kept. In strict mode the same decoder refuses
/// it. Only the header was read before this, so the pixels are decoded once.
fn decode_jpeg_strictly(bytes: &[u8], width: u32, height: u32) -> Result<DynamicImage, PhotoError> {
    use zune_core::{bytestream::ZCursor, colorspace::ColorSpace, options::DecoderOptions};
    let options = DecoderOptions::default()
        .set_strict_mode(true)
        .jpeg_set_out_colorspace(ColorSpace::RGB)
        .set_max_width(width as usize)
        .set_max_height(height as usize);
    let pixels = zune_jpeg::JpegDecoder::new_with_options(ZCursor::new(bytes), options)
        .decode()
        .map_err(|_| PhotoError::Damaged)?;
    RgbImage::from_raw(width, height, pixels)
        .map(DynamicImage::ImageRgb8)
        .ok_or(PhotoError::Damaged)
}

fn flatten(image: DynamicImage) -> RgbImage {
    if !image.color().has_alpha() {
        return image.into_rgb8();
    }
    let rgba = image.into_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let over_white = |c: u8| {
            let (c, a) = (u16::from(c), u16::from(a));
            ((c * a + 255 * (255 - a) + 127) / 255) as u8
        };
        image::Rgb([over_white(r), over_white(g), over_white(b)])
    })
}

/// At most `width` wide, never enlarged, aspect kept.
fn shrink(image: &DynamicImage, width: u32) -> DynamicImage {
    if image.width() <= width {
        return image.clone();
    }
    let height = (u64::from(image.height()) * u64::from(width) + u64::from(image.width()) / 2)
        / u64::from(image.width());
    let height = u32::try_from(height.max(1)).unwrap_or(u32::MAX);
    // `DynamicImage`'s methods are compiled (and optimised, see the dev
    // profile) inside the image crate; the generic `imageops::resize` would
    // be compiled here, unoptimised in debug builds, and take seconds.
    image.resize_exact(width, height, FilterType::Triangle)
}

fn encode(image: &DynamicImage) -> Result<Encoded, PhotoError> {
    let mut jpeg = Vec::new();
    image
        .write_with_encoder(JpegEncoder::new_with_quality(&mut jpeg, JPEG_QUALITY))
        .map_err(|_| PhotoError::Encoding)?;
    Ok(Encoded {
        jpeg,
        width: image.width(),
        height: image.height(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageEncoder, Rgb, RgbImage, codecs::png::PngEncoder};

    fn gradient(width: u32, height: u32) -> RgbImage {
        RgbImage::from_fn(width, height, |x, y| {
            Rgb([(x % 256) as u8, (y % 256) as u8, ((x + y) % 256) as u8])
        })
    }

    fn jpeg(image: &RgbImage) -> Vec<u8> {
        let mut bytes = Vec::new();
        image
            .write_with_encoder(JpegEncoder::new_with_quality(&mut bytes, 90))
            .unwrap();
        bytes
    }

    fn png(image: &RgbImage) -> Vec<u8> {
        let mut bytes = Vec::new();
        image
            .write_with_encoder(PngEncoder::new(&mut bytes))
            .unwrap();
        bytes
    }

    fn decoded(copy: &Encoded) -> DynamicImage {
        let image = image::load_from_memory_with_format(&copy.jpeg, ImageFormat::Jpeg).unwrap();
        assert_eq!((image.width(), image.height()), (copy.width, copy.height));
        image
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack
            .windows(needle.len())
            .any(|window| window == needle)
    }

    #[test]
    fn a_large_photo_becomes_a_1600_and_a_400_pixel_wide_jpeg() {
        let processed = process(&png(&gradient(2000, 1000))).unwrap();
        decoded(&processed.large);
        decoded(&processed.small);
        assert_eq!((processed.large.width, processed.large.height), (1600, 800));
        assert_eq!((processed.small.width, processed.small.height), (400, 200));
    }

    #[test]
    fn a_small_photo_is_not_enlarged() {
        let processed = process(&jpeg(&gradient(300, 200))).unwrap();
        assert_eq!((processed.large.width, processed.large.height), (300, 200));
        assert_eq!((processed.small.width, processed.small.height), (300, 200));
    }

    #[test]
    fn webp_is_taken_too() {
        let processed = process(&webp(&gradient(640, 480))).unwrap();
        assert_eq!((processed.small.width, processed.small.height), (400, 300));
    }

    #[test]
    fn transparent_pixels_become_white() {
        let image = image::RgbaImage::from_pixel(20, 10, image::Rgba([0, 0, 0, 0]));
        let mut bytes = Vec::new();
        image
            .write_with_encoder(PngEncoder::new(&mut bytes))
            .unwrap();
        let processed = process(&bytes).unwrap();
        let pixel = decoded(&processed.large).to_rgb8().get_pixel(5, 5).0;
        assert!(pixel.iter().all(|&c| c > 245), "{pixel:?}");
    }

    #[test]
    fn a_text_file_named_jpg_is_not_an_image() {
        let text = b"Just some notes, saved as holiday.jpg by mistake.\n".repeat(20);
        assert_eq!(process(&text).unwrap_err(), PhotoError::NotAnImage);
        assert_eq!(process(&[]).unwrap_err(), PhotoError::NotAnImage);
    }

    #[test]
    fn a_gif_is_not_one_of_the_formats_taken() {
        assert_eq!(
            process(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;").unwrap_err(),
            PhotoError::NotAnImage
        );
    }

    fn webp(image: &RgbImage) -> Vec<u8> {
        let mut bytes = Vec::new();
        image::codecs::webp::WebPEncoder::new_lossless(&mut bytes)
            .write_image(
                image.as_raw(),
                image.width(),
                image.height(),
                image::ExtendedColorType::Rgb8,
            )
            .unwrap();
        bytes
    }

    #[test]
    fn the_first_third_of_a_photo_is_refused_as_incomplete_in_every_format() {
        let photo = gradient(400, 300);
        for (format, whole) in [
            ("JPEG", jpeg(&photo)),
            ("PNG", png(&photo)),
            ("WebP", webp(&photo)),
        ] {
            for cut in [whole.len() / 3, whole.len() * 2 / 3, 40] {
                assert_eq!(
                    process(&whole[..cut]).unwrap_err(),
                    PhotoError::Damaged,
                    "{format} cut at {cut} of {} bytes",
                    whole.len()
                );
            }
            assert!(process(&whole).is_ok(), "the whole {format} is taken");
        }
    }

    #[test]
    fn a_jpeg_with_garbage_in_its_compressed_data_is_refused() {
        let mut damaged = jpeg(&gradient(400, 300));
        let middle = damaged.len() / 2;
        // A marker that has no place inside the entropy-coded data.
        damaged[middle..middle + 2].copy_from_slice(&[0xFF, 0xC4]);
        assert_eq!(process(&damaged).unwrap_err(), PhotoError::Damaged);
    }

    #[test]
    fn a_greyscale_jpeg_still_decodes_in_strict_mode() {
        let grey = image::GrayImage::from_fn(64, 48, |x, y| image::Luma([((x * y) % 256) as u8]));
        let mut bytes = Vec::new();
        grey.write_with_encoder(JpegEncoder::new_with_quality(&mut bytes, 90))
            .unwrap();
        let processed = process(&bytes).unwrap();
        assert_eq!((processed.large.width, processed.large.height), (64, 48));
    }

    #[test]
    fn a_header_claiming_100000_by_100000_pixels_is_refused_before_decoding() {
        let mut bomb = png(&gradient(1, 1));
        // IHDR's width and height, then its CRC over type and data.
        bomb[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        bomb[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        let crc = crc32fast::hash(&bomb[12..29]);
        bomb[29..33].copy_from_slice(&crc.to_be_bytes());
        assert_eq!(
            process(&bomb).unwrap_err(),
            PhotoError::TooManyPixels {
                width: 100_000,
                height: 100_000
            }
        );
    }

    #[test]
    fn exif_with_a_gps_position_is_gone_and_the_orientation_applied() {
        // A 200×100 photo whose EXIF says "rotate 90° clockwise" and where it was taken.
        let original = jpeg(&gradient(200, 100));
        let exif = exif_with_gps_and_orientation();
        let mut tagged = original[..2].to_vec();
        tagged.extend_from_slice(&[0xFF, 0xE1]);
        tagged.extend_from_slice(&((exif.len() + 2) as u16).to_be_bytes());
        tagged.extend_from_slice(&exif);
        tagged.extend_from_slice(&original[2..]);
        assert!(contains(&tagged, GPS_LATITUDE));

        let processed = process(&tagged).unwrap();
        for copy in [&processed.large, &processed.small] {
            assert!(!contains(&copy.jpeg, b"Exif"), "EXIF left in the file");
            assert!(!contains(&copy.jpeg, GPS_LATITUDE), "GPS left in the file");
        }
        assert_eq!((processed.large.width, processed.large.height), (100, 200));
    }

    /// 64° 56' 3" as three big-endian rationals.
    const GPS_LATITUDE: &[u8] = &[
        0, 0, 0, 64, 0, 0, 0, 1, 0, 0, 0, 56, 0, 0, 0, 1, 0, 0, 0, 3, 0, 0, 0, 1,
    ];

    /// "Exif\0\0" and a big-endian TIFF: IFD0 with Orientation = 6 and a
    /// pointer to a GPS IFD holding a latitude.
    fn exif_with_gps_and_orientation() -> Vec<u8> {
        let mut tiff = b"MM\x00\x2a\x00\x00\x00\x08".to_vec();
        let entry = |tag: u16, kind: u16, count: u32, value: [u8; 4]| {
            let mut entry = tag.to_be_bytes().to_vec();
            entry.extend_from_slice(&kind.to_be_bytes());
            entry.extend_from_slice(&count.to_be_bytes());
            entry.extend_from_slice(&value);
            entry
        };
        let gps_ifd: u32 = 8 + 2 + 2 * 12 + 4;
        let latitude: u32 = gps_ifd + 2 + 2 * 12 + 4;
        tiff.extend_from_slice(&2u16.to_be_bytes());
        tiff.extend(entry(0x0112, 3, 1, [0, 6, 0, 0]));
        tiff.extend(entry(0x8825, 4, 1, gps_ifd.to_be_bytes()));
        tiff.extend_from_slice(&0u32.to_be_bytes());
        tiff.extend_from_slice(&2u16.to_be_bytes());
        tiff.extend(entry(0x0001, 2, 2, *b"N\0\0\0"));
        tiff.extend(entry(0x0002, 5, 3, latitude.to_be_bytes()));
        tiff.extend_from_slice(&0u32.to_be_bytes());
        tiff.extend_from_slice(GPS_LATITUDE);
        let mut exif = b"Exif\0\0".to_vec();
        exif.extend(tiff);
        exif
    }
}
