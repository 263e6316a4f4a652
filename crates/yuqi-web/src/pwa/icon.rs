//! The home-screen icon, drawn in code so no binary file needs explaining: a rounded square in
//! the app's accent colour with a white ¥ (what the tool is about: money owed). The same strokes
//! make the SVG and, rasterised here with anti-aliased edges, the PNGs that Android asks for.

/// The app's accent colour (`--accent` in app.css), also the manifest's theme colour.
pub(crate) const ACCENT: (u8, u8, u8) = (0x0b, 0x5c, 0xad);

/// Corner radius and stroke width in a 100-unit square.
const RADIUS: f64 = 20.0;
const STROKE: f64 = 9.0;

/// The ¥ as straight strokes with round caps: two arms, the stem, two bars.
const STROKES: [((f64, f64), (f64, f64)); 5] = [
    ((30.0, 20.0), (50.0, 47.0)),
    ((70.0, 20.0), (50.0, 47.0)),
    ((50.0, 47.0), (50.0, 82.0)),
    ((33.0, 55.0), (67.0, 55.0)),
    ((33.0, 68.0), (67.0, 68.0)),
];

pub(crate) fn svg() -> String {
    let d: String = STROKES.iter().map(|((x1, y1), (x2, y2))| format!("M{x1} {y1}L{x2} {y2}")).collect();
    let (r, g, b) = ACCENT;
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 100 100\"><rect width=\"100\" height=\"100\" \
rx=\"{RADIUS}\" fill=\"#{r:02x}{g:02x}{b:02x}\"/><path d=\"{d}\" fill=\"none\" stroke=\"#fff\" \
stroke-width=\"{STROKE}\" stroke-linecap=\"round\"/></svg>"
    )
}

fn segment_distance((px, py): (f64, f64), ((x1, y1), (x2, y2)): ((f64, f64), (f64, f64))) -> f64 {
    let (dx, dy) = (x2 - x1, y2 - y1);
    let t = (((px - x1) * dx + (py - y1) * dy) / (dx * dx + dy * dy)).clamp(0.0, 1.0);
    ((px - x1 - t * dx).powi(2) + (py - y1 - t * dy).powi(2)).sqrt()
}

/// Signed distance to the rounded square (negative inside).
fn square_distance((px, py): (f64, f64)) -> f64 {
    let q = |v: f64| (v - 50.0).abs() - (50.0 - RADIUS);
    let (qx, qy) = (q(px), q(py));
    (qx.max(0.0).powi(2) + qy.max(0.0).powi(2)).sqrt() + qx.max(qy).min(0.0) - RADIUS
}

/// RGBA pixels of a `size`×`size` icon.
fn pixels(size: u32) -> Vec<u8> {
    let unit = 100.0 / f64::from(size);
    // Coverage of an edge at signed distance `d` (in units) from a pixel's centre.
    let cover = |d: f64| (0.5 - d / unit).clamp(0.0, 1.0);
    let mut out = Vec::with_capacity((size * size * 4) as usize);
    for y in 0..size {
        for x in 0..size {
            let p = ((f64::from(x) + 0.5) * unit, (f64::from(y) + 0.5) * unit);
            let stroke = STROKES.iter().map(|s| segment_distance(p, *s)).fold(f64::INFINITY, f64::min);
            let white = cover(stroke - STROKE / 2.0);
            let mix = |c: u8| (f64::from(c) * (1.0 - white) + 255.0 * white).round() as u8;
            let (r, g, b) = ACCENT;
            out.extend_from_slice(&[mix(r), mix(g), mix(b), (cover(square_distance(p)) * 255.0).round() as u8]);
        }
    }
    out
}

/// The icon as a PNG file.
pub(crate) fn png(size: u32) -> Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, size, size);
    enc.set_color(png::ColorType::Rgba);
    enc.set_depth(png::BitDepth::Eight);
    let mut writer = enc.write_header()?;
    writer.write_image_data(&pixels(size))?;
    writer.finish()?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_icon_is_a_coloured_square_with_white_strokes_and_clear_corners() {
        let size = 96;
        let px = pixels(size);
        let at = |x: u32, y: u32| {
            let i = ((y * size + x) * 4) as usize;
            (px[i], px[i + 1], px[i + 2], px[i + 3])
        };
        assert_eq!(at(0, 0).3, 0, "the corner is outside the rounded square");
        assert_eq!(at(5, 48), (ACCENT.0, ACCENT.1, ACCENT.2, 255), "background");
        assert_eq!(at(48, 70), (255, 255, 255, 255), "on the stem");
        let png = png(size).expect("encodes");
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
        assert!(svg().starts_with("<svg") && svg().contains("#0b5cad"));
    }
}
