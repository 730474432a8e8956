//! Brand logos at every documented size and format, generated once and kept.

use axum::body::Bytes;
use image::{ImageEncoder, Rgb, RgbImage};
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

/// Sizes by suffix: full, `_500x318`, `_300x190`.
pub fn size_of(suffix: &str) -> Option<(u32, u32)> {
    match suffix {
        "" => Some((1000, 636)),
        "_500x318" => Some((500, 318)),
        "_300x190" => Some((300, 190)),
        _ => None,
    }
}

/// Generated logos by file name.
#[derive(Default)]
pub struct Logos {
    cache: Mutex<HashMap<String, Bytes>>,
}

fn color(hex: &str) -> Rgb<u8> {
    let h = hex.trim_start_matches('#');
    let p = |i: usize| {
        h.get(i..i + 2)
            .and_then(|s| u8::from_str_radix(s, 16).ok())
            .unwrap_or(80)
    };
    Rgb([p(0), p(2), p(4)])
}

/// Draws a card: brand colour, a lighter band and a chip.
fn draw(bg: &str, seed: u64, w: u32, h: u32) -> RgbImage {
    let base = color(bg);
    let light = Rgb(base.0.map(|c| c.saturating_add(60)));
    let chip = Rgb([230, 200, 120]);
    let band_top = h * (40 + (seed % 20) as u32) / 100;
    RgbImage::from_fn(w, h, |x, y| {
        let in_chip = x > w / 12 && x < w / 12 + w / 8 && y > h / 6 && y < h / 6 + h / 7;
        if in_chip {
            chip
        } else if y > band_top && y < band_top + h / 8 {
            light
        } else {
            base
        }
    })
}

impl Logos {
    /// The bytes and content type of `file` (e.g. `steam_300x190.webp`), if it names a logo.
    pub fn get(&self, file: &str) -> Option<(Bytes, &'static str)> {
        let (stem, ext) = file.rsplit_once('.')?;
        let content_type = match ext {
            "webp" => "image/webp",
            "jpg" => "image/jpeg",
            _ => return None,
        };
        let (slug, suffix) = match stem.rsplit_once('_') {
            Some((s, sfx)) if size_of(&format!("_{sfx}")).is_some() => (s, format!("_{sfx}")),
            _ => (stem, String::new()),
        };
        let bg = match super::catalogue::find(slug) {
            Some(f) => f.bg,
            None if slug == "usdc" => "#2775ca",
            None if slug == "usdt" => "#26a17b",
            None => return None,
        };
        if let Some(b) = self
            .cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(file)
        {
            return Some((b.clone(), content_type));
        }
        let (w, h) = size_of(&suffix)?;
        let img = draw(bg, super::hash::hash64(slug.as_bytes()), w, h);
        let mut out = Vec::new();
        let ok = match ext {
            "webp" => image::codecs::webp::WebPEncoder::new_lossless(&mut out)
                .write_image(img.as_raw(), w, h, image::ExtendedColorType::Rgb8)
                .is_ok(),
            _ => image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
                .write_image(img.as_raw(), w, h, image::ExtendedColorType::Rgb8)
                .is_ok(),
        };
        if !ok {
            return None;
        }
        let bytes = Bytes::from(out);
        self.cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(file.to_string(), bytes.clone());
        Some((bytes, content_type))
    }
}
