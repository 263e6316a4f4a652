//! Pixel preprocessing before Tesseract, pure (pixels in, pixels out).
//!
//! Why: chat screenshots defeat Tesseract's own global binarisation. Text sits on bubbles of
//! several colours (white, green, blue, dark grey), light on dark in dark mode and dark on
//! light elsewhere, and avatars and emoji are solid coloured blocks that its page layout
//! takes for pictures, dropping the short bubbles next to them. So each pixel is called
//! "ink" when it differs enough from the mean of its neighbourhood, whatever the polarity,
//! and solid ink areas wider than any pen stroke (avatars, emoji, icons, the edges of a
//! bright bubble on a dark background) are wiped. Tesseract then sees black text on white.

/// How far (0–255) a pixel's luminance must lie from its neighbourhood's mean to be ink.
const INK_CONTRAST: i32 = 40;

/// Black-on-white luminance plane (0 = ink, 255 = paper) of an RGB image (3 bytes a pixel,
/// row-major). Returns an empty vector when the buffer does not match the size.
pub fn binarize(rgb: &[u8], width: u32, height: u32) -> Vec<u8> {
    let (w, h) = (width as usize, height as usize);
    if w == 0 || h == 0 || rgb.len() != w * h * 3 {
        return Vec::new();
    }
    let lum: Vec<u8> = rgb
        .chunks_exact(3)
        .map(|p| ((299 * u32::from(p[0]) + 587 * u32::from(p[1]) + 114 * u32::from(p[2])) / 1000) as u8)
        .collect();
    // The neighbourhood spans a bit more than one line of chat text, so its mean is the
    // bubble's colour even inside a dense character.
    let radius = (w / 36).max(8);
    let s1 = integral(w, h, |i| u64::from(lum[i]));
    let s2 = integral(w, h, |i| u64::from(lum[i]).pow(2));
    let s3 = integral(w, h, |i| u64::from(lum[i]).pow(3));
    let mut ink = vec![false; w * h];
    for y in 0..h {
        let (y0, y1) = (y.saturating_sub(radius), (y + radius + 1).min(h));
        for x in 0..w {
            let (x0, x1) = (x.saturating_sub(radius), (x + radius + 1).min(w));
            let n = ((x1 - x0) * (y1 - y0)) as f64;
            let m1 = box_sum(&s1, w, x0, y0, x1, y1) as f64 / n;
            let v = f64::from(lum[y * w + x]);
            if (v - m1).abs() <= f64::from(INK_CONTRAST) {
                continue;
            }
            // Text is the minority of a neighbourhood, so the distribution leans away from it:
            // the sign of the third central moment says whether ink is dark or light here. A
            // symmetric test would also take the paper between dense strokes for ink.
            let m2 = box_sum(&s2, w, x0, y0, x1, y1) as f64 / n;
            let m3 = box_sum(&s3, w, x0, y0, x1, y1) as f64 / n;
            let skew = m3 - 3.0 * m1 * m2 + 2.0 * m1.powi(3);
            ink[y * w + x] = if skew < 0.0 { v < m1 } else { v > m1 };
        }
    }
    // A pen stroke of 16-px chat text at 3× is 4–7 pixels wide; a solid square wider than
    // that is not writing (smaller squares miss the wedge an avatar's corner leaves).
    let k = (w / 120).max(6);
    let solid = solid_cover(&ink, w, h, k);
    // Whole connected marks go, not just their solid part: an avatar's anti-aliased rim and
    // rounded corners, an emoji's outline and the halo around a bright bubble on a dark
    // background are joined to a solid area; a letter never is. So are marks wider than a fifth
    // of the screen (dividers, frames) or taller than 7 % of its width: chat text is 4–5 %
    // of the width high, an avatar's or a call-log icon's ring (whose flat inside is no ink
    // at all, only its anti-aliased rim) 9 % and more.
    let keep = components_to_keep(&ink, &solid, w, h, w / 5, w * 7 / 100, k);
    ink.iter().zip(&keep).map(|(&i, &k)| if i && k { 0 } else { 255 }).collect()
}

/// A binary PGM (P5) file of a luminance plane: Tesseract's image library reads it from stdin.
pub fn to_pgm(gray: &[u8], width: u32, height: u32) -> Vec<u8> {
    let mut out = format!("P5\n{width} {height}\n255\n").into_bytes();
    out.extend_from_slice(gray);
    out
}

/// Summed-area table with one row and column of zeros in front.
fn integral(w: usize, h: usize, value: impl Fn(usize) -> u64) -> Vec<u64> {
    let mut s = vec![0u64; (w + 1) * (h + 1)];
    for y in 0..h {
        let mut row = 0u64;
        for x in 0..w {
            row += value(y * w + x);
            s[(y + 1) * (w + 1) + x + 1] = s[y * (w + 1) + x + 1] + row;
        }
    }
    s
}

fn box_sum(s: &[u64], w: usize, x0: usize, y0: usize, x1: usize, y1: usize) -> u64 {
    let stride = w + 1;
    s[y1 * stride + x1] + s[y0 * stride + x0] - s[y0 * stride + x1] - s[y1 * stride + x0]
}

/// Which pixels lie inside some k×k square that is ink throughout.
fn solid_cover(ink: &[bool], w: usize, h: usize, k: usize) -> Vec<bool> {
    let mut cover = vec![false; w * h];
    if w < k || h < k {
        return cover;
    }
    let sums = integral(w, h, |i| u64::from(ink[i]));
    let full = (k * k) as u64;
    // Difference array: +1 where a full square starts, -1 past its end, in both directions.
    let stride = w + 1;
    let mut diff = vec![0i32; stride * (h + 1)];
    for y in 0..=h - k {
        for x in 0..=w - k {
            if box_sum(&sums, w, x, y, x + k, y + k) == full {
                diff[y * stride + x] += 1;
                diff[y * stride + x + k] -= 1;
                diff[(y + k) * stride + x] -= 1;
                diff[(y + k) * stride + x + k] += 1;
            }
        }
    }
    for y in 0..=h {
        for x in 1..=w {
            diff[y * stride + x] += diff[y * stride + x - 1];
        }
    }
    for y in 1..=h {
        for x in 0..=w {
            diff[y * stride + x] += diff[(y - 1) * stride + x];
        }
    }
    for y in 0..h {
        for x in 0..w {
            cover[y * w + x] = diff[y * stride + x] > 0;
        }
    }
    cover
}

/// For each ink pixel, whether its 8-connected mark holds no solid pixel, fits in
/// `max_width` × `max_height`, and does not lie wholly within `margin` of an avatar-sized
/// square mark that was dropped (the corner wedges an avatar's rim leaves are separate marks
/// inside its box).
fn components_to_keep(
    ink: &[bool],
    solid: &[bool],
    w: usize,
    h: usize,
    max_width: usize,
    max_height: usize,
    margin: usize,
) -> Vec<bool> {
    // (x0, y0, x1, y1, dropped, members start, members end)
    let mut marks: Vec<(usize, usize, usize, usize, bool, usize, usize)> = Vec::new();
    let mut members = Vec::new();
    let mut seen = vec![false; w * h];
    let mut stack = Vec::new();
    for start in 0..w * h {
        if !ink[start] || seen[start] {
            continue;
        }
        seen[start] = true;
        stack.push(start);
        let first = members.len();
        let (mut x0, mut y0, mut x1, mut y1) = (usize::MAX, usize::MAX, 0, 0);
        let mut has_solid = false;
        while let Some(i) = stack.pop() {
            members.push(i);
            let (x, y) = (i % w, i / w);
            (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
            has_solid |= solid[i];
            for ny in y.saturating_sub(1)..=(y + 1).min(h - 1) {
                for nx in x.saturating_sub(1)..=(x + 1).min(w - 1) {
                    let j = ny * w + nx;
                    if ink[j] && !seen[j] {
                        seen[j] = true;
                        stack.push(j);
                    }
                }
            }
        }
        let dropped = has_solid || x1 - x0 >= max_width || y1 - y0 >= max_height;
        marks.push((x0, y0, x1, y1, dropped, first, members.len()));
    }
    // Only avatar-like drops count: small and about square. A bubble's outline on a contrasting
    // background is also a dropped mark, and its text lies wholly inside it.
    let avatar_like = |m: &&(usize, usize, usize, usize, bool, usize, usize)| {
        let (bw, bh) = (m.2 - m.0 + 1, m.3 - m.1 + 1);
        m.4 && bw.max(bh) <= w * 12 / 100 && 4 * bw >= 3 * bh && 4 * bh >= 3 * bw
    };
    let dropped: Vec<(usize, usize, usize, usize)> = marks
        .iter()
        .filter(avatar_like)
        .map(|m| (m.0.saturating_sub(margin), m.1.saturating_sub(margin), m.2 + margin, m.3 + margin))
        .collect();
    let mut keep = vec![false; w * h];
    for &(x0, y0, x1, y1, gone, a, b) in &marks {
        let inside = dropped.iter().any(|d| x0 >= d.0 && y0 >= d.1 && x1 <= d.2 && y1 <= d.3);
        if !gone && !inside {
            for &i in &members[a..b] {
                keep[i] = true;
            }
        }
    }
    keep
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(w: usize, h: usize, f: impl Fn(usize, usize) -> [u8; 3]) -> Vec<u8> {
        (0..h).flat_map(|y| (0..w).map(move |x| (x, y))).flat_map(|(x, y)| f(x, y)).collect()
    }

    #[test]
    fn thin_strokes_are_ink_in_either_polarity_and_solid_blocks_are_not() {
        let (w, h) = (200, 100);
        // Left half light with a short dark 3-px stroke; right half dark with a light one;
        // a 40×40 solid block on the light half.
        let rgb = image(w, h, |x, y| {
            let light = x < 100;
            let stroke = (50..53).contains(&y) && (60..80).contains(&(x % 100));
            let block = light && (10..50).contains(&x) && (5..45).contains(&y);
            match (light, stroke || block) {
                (true, false) => [240, 240, 240],
                (true, true) => [20, 20, 20],
                (false, false) => [20, 20, 20],
                (false, true) => [230, 230, 230],
            }
        });
        let g = binarize(&rgb, w as u32, h as u32);
        assert_eq!(g[51 * w + 70], 0, "dark stroke on light");
        assert_eq!(g[51 * w + 170], 0, "light stroke on dark");
        assert_eq!(g[25 * w + 30], 255, "inside a solid block");
        assert_eq!(g[80 * w + 30], 255, "paper");
        assert!(binarize(&rgb, 3, 3).is_empty());
        assert!(to_pgm(&g, w as u32, h as u32).starts_with(b"P5\n200 100\n255\n"));
    }
}
