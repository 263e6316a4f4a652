//! The pairing code as a QR code: Unicode half-blocks for the terminal, inline SVG for the
//! computer's page. Both are drawn from the module matrix here (the `qrcode` crate's own
//! renderers would need its image feature for nothing, and its half-block renderer draws dark
//! modules in the text colour, which comes out inverted on the usual dark terminal).

use qrcode::{Color, EcLevel, QrCode};

use super::PhoneError;

/// Light modules around the code, as the QR standard asks: scanners find the code by it.
const QUIET: usize = 4;

/// The code's modules with the quiet zone: `true` is dark.
fn modules(text: &str) -> Result<(usize, Vec<bool>), PhoneError> {
    // Level M: a screen photographed at an angle loses some modules; the link is short enough
    // that the code stays small.
    let code = QrCode::with_error_correction_level(text, EcLevel::M).map_err(|e| PhoneError::Qr(e.to_string()))?;
    let inner = code.width();
    let colors = code.to_colors();
    let width = inner + 2 * QUIET;
    let mut dark = vec![false; width * width];
    for y in 0..inner {
        for x in 0..inner {
            dark[(y + QUIET) * width + x + QUIET] = colors[y * inner + x] == Color::Dark;
        }
    }
    Ok((width, dark))
}

/// The code for a terminal, two rows of modules per line. Light modules are drawn (blocks in
/// the text colour) and dark ones left blank, which is right on the usual light-on-dark
/// terminal; with `ansi` the colours are set explicitly (bright white on black), so the code is
/// right on a light terminal too.
pub fn terminal(text: &str, ansi: bool) -> Result<String, PhoneError> {
    let (width, dark) = modules(text)?;
    let light = |x: usize, y: usize| y >= width || !dark[y * width + x];
    let mut out = String::new();
    for y in (0..width).step_by(2) {
        if ansi {
            out.push_str("\x1b[97;40m");
        }
        for x in 0..width {
            out.push(match (light(x, y), light(x, y + 1)) {
                (true, true) => '█',
                (true, false) => '▀',
                (false, true) => '▄',
                (false, false) => ' ',
            });
        }
        if ansi {
            out.push_str("\x1b[0m");
        }
        out.push('\n');
    }
    Ok(out)
}

/// The code as an inline SVG element: one path, horizontal runs of dark modules. No text of
/// anyone's goes into it, only the link we made.
pub(crate) fn svg(text: &str) -> Result<String, PhoneError> {
    let (width, dark) = modules(text)?;
    let mut d = String::new();
    for y in 0..width {
        let mut x = 0;
        while x < width {
            if dark[y * width + x] {
                let start = x;
                while x < width && dark[y * width + x] {
                    x += 1;
                }
                d.push_str(&format!("M{start} {y}h{}v1h-{}z", x - start, x - start));
            } else {
                x += 1;
            }
        }
    }
    Ok(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {width}\" role=\"img\" \
aria-label=\"配对二维码\" shape-rendering=\"crispEdges\"><rect width=\"{width}\" height=\"{width}\" fill=\"#fff\"/>\
<path fill=\"#000\" d=\"{d}\"/></svg>"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINK: &str = "http://192.168.1.5:8080/pair/0123456789abcdef0123456789abcdef";

    /// What a scanner reads from modules drawn four pixels wide.
    fn scan(width: usize, light: impl Fn(usize, usize) -> bool) -> String {
        let scale = 4;
        let mut img = rqrr::PreparedImage::prepare_from_greyscale(width * scale, width * scale, |x, y| {
            if light(x / scale, y / scale) { 255 } else { 0 }
        });
        let grids = img.detect_grids();
        assert_eq!(grids.len(), 1, "one code found");
        grids[0].decode().expect("decodes").1
    }

    #[test]
    fn the_terminal_code_reads_back_as_the_link() {
        let text = terminal(LINK, false).expect("terminal");
        let lines: Vec<Vec<char>> = text.lines().map(|l| l.chars().collect()).collect();
        let width = lines[0].len();
        assert!(lines.iter().all(|l| l.len() == width));
        assert_eq!(lines.len(), width.div_ceil(2), "two module rows a line");
        let light = |x: usize, y: usize| {
            let c = lines[y / 2][x];
            c == '█' || c == if y.is_multiple_of(2) { '▀' } else { '▄' }
        };
        assert!((0..width).all(|x| light(x, 0)), "the quiet zone is light");
        assert_eq!(scan(width, light), LINK);
        let ansi = terminal(LINK, true).expect("ansi");
        assert!(ansi.lines().all(|l| l.starts_with("\x1b[97;40m") && l.ends_with("\x1b[0m")));
    }

    #[test]
    fn the_svg_code_reads_back_as_the_link() {
        let svg = svg(LINK).expect("svg");
        let width: usize = svg
            .split("viewBox=\"0 0 ")
            .nth(1)
            .and_then(|v| v.split(' ').next())
            .and_then(|w| w.parse().ok())
            .expect("width");
        let d = svg.split(" d=\"").nth(1).and_then(|v| v.split('"').next()).expect("path");
        let mut dark = vec![false; width * width];
        for run in d.split('M').filter(|r| !r.is_empty()) {
            // `{x} {y}h{n}v1h-{n}z`
            let (xy, rest) = run.split_once('h').expect("run");
            let (x, y) = xy.split_once(' ').expect("x y");
            let n: usize = rest.split('v').next().and_then(|n| n.parse().ok()).expect("length");
            let (x, y): (usize, usize) = (x.parse().expect("x"), y.parse().expect("y"));
            for i in x..x + n {
                dark[y * width + i] = true;
            }
        }
        assert_eq!(scan(width, |x, y| !dark[y * width + x]), LINK);
        assert!(!svg.contains("<?xml") && !svg.contains("style="), "inline in a page under our CSP");
    }
}
