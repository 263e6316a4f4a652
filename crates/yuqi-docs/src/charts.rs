//! The dossier's charts as hand-written SVG (no dependencies). Text is escaped; the font list
//! names the CJK families the PDF renderer loads, so the same SVG reads in a browser and in the
//! PDF. Coordinates are the only floats here; money values are converted to pixels last.

use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate};
use yuqi_money::Money;
use yuqi_util::{ChartWidth, escape_markup};

const FONT: &str = "Noto Sans CJK SC, Noto Serif CJK SC, Source Han Sans SC, sans-serif";

/// One point of the "claimed vs lawful" series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AmountPoint {
    pub date: NaiveDate,
    /// What the contracts' own arithmetic says is owed on that day.
    pub contract: Money,
    /// The most a court would support on that day.
    pub lawful: Money,
}

fn nice_step(max: f64) -> f64 {
    let raw = max / 4.0;
    let mag = 10f64.powf(raw.log10().floor());
    let norm = raw / mag;
    let n = if norm <= 1.0 {
        1.0
    } else if norm <= 2.0 {
        2.0
    } else if norm <= 5.0 {
        5.0
    } else {
        10.0
    };
    n * mag
}

/// Claimed (contract arithmetic and collectors' demands) against the lawful amount over time.
pub fn amounts(points: &[AmountPoint], demands: &[(NaiveDate, Money)], width: ChartWidth) -> String {
    let narrow = width == ChartWidth::Narrow;
    // Narrow: a phone's width, the legend in two rows above the plot.
    let (cw, ch, cl, cr, ct, cb) =
        if narrow { (360.0, 270.0, 56.0, 12.0, 52.0, 46.0) } else { (720.0, 320.0, 80.0, 20.0, 40.0, 50.0) };
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{cw}" height="{ch}" viewBox="0 0 {cw} {ch}" font-family="{FONT}" font-size="12">"#
    );
    s.push_str(r##"<rect width="100%" height="100%" fill="#ffffff"/>"##);
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        let _ =
            write!(s, r#"<text x="{}" y="{}" text-anchor="middle">没有可画的数据</text></svg>"#, cw / 2.0, ch / 2.0);
        return s;
    };
    let from = first.date.min(demands.iter().map(|d| d.0).min().unwrap_or(first.date));
    let to = last.date.max(demands.iter().map(|d| d.0).max().unwrap_or(last.date));
    let days = ((to - from).num_days().max(1)) as f64;
    let max_fen = points
        .iter()
        .flat_map(|p| [p.contract.fen(), p.lawful.fen()])
        .chain(demands.iter().map(|d| d.1.fen()))
        .max()
        .unwrap_or(0)
        .max(100);
    let max_y = max_fen as f64 / 100.0;
    let step = nice_step(max_y);
    let top = (max_y / step).ceil() * step;
    let x = |d: NaiveDate| cl + (cw - cl - cr) * ((d - from).num_days() as f64 / days);
    let y = |m: Money| ct + (ch - ct - cb) * (1.0 - (m.fen() as f64 / 100.0) / top);

    // Grid and axis labels.
    let mut v = 0.0;
    while v <= top + step / 2.0 {
        let py = ct + (ch - ct - cb) * (1.0 - v / top);
        let _ = write!(
            s,
            r##"<line x1="{cl}" x2="{}" y1="{py:.1}" y2="{py:.1}" stroke="#dddddd"/><text x="{}" y="{:.1}" text-anchor="end">{}</text>"##,
            cw - cr,
            cl - 6.0,
            py + 4.0,
            escape_markup(&Money::from_fen((v * 100.0).round() as i64).to_grouped_string().replace(".00", ""))
        );
        v += step;
    }
    let mut year = from.year();
    while let Some(d) = NaiveDate::from_ymd_opt(year, 1, 1) {
        if d > to {
            break;
        }
        if d >= from {
            let px = x(d);
            let _ = write!(
                s,
                r##"<line x1="{px:.1}" x2="{px:.1}" y1="{ct}" y2="{}" stroke="#eeeeee"/><text x="{px:.1}" y="{}" text-anchor="middle">{year}年</text>"##,
                ch - cb,
                ch - cb + 18.0
            );
        }
        year += 1;
    }
    let _ = write!(
        s,
        r##"<text x="{cl}" y="{}" fill="#555555">{}</text><text x="{}" y="{}" text-anchor="end" fill="#555555">{}</text>"##,
        ch - cb + 36.0,
        first.date,
        cw - cr,
        ch - cb + 36.0,
        last.date
    );
    // Series.
    for (color, label, pick, dash) in [
        ("#c0392b", "按合同计算", (|p: &AmountPoint| p.contract) as fn(&AmountPoint) -> Money, ""),
        ("#1e8449", "依法最多支持", |p: &AmountPoint| p.lawful, ""),
    ] {
        let pts: Vec<String> = points.iter().map(|p| format!("{:.1},{:.1}", x(p.date), y(pick(p)))).collect();
        let _ = write!(
            s,
            r#"<polyline fill="none" stroke="{color}" stroke-width="2.5"{dash} points="{}"><title>{label}</title></polyline>"#,
            pts.join(" ")
        );
    }
    for (d, m) in demands {
        let _ = write!(
            s,
            r##"<circle cx="{:.1}" cy="{:.1}" r="5" fill="#e67e22"><title>{} 对方主张 {} 元</title></circle>"##,
            x(*d),
            y(*m),
            d,
            escape_markup(&m.to_grouped_string())
        );
    }
    // Legend.
    if narrow {
        let _ = write!(
            s,
            r##"<g transform="translate(12,16)"><rect width="14" height="4" y="-6" fill="#c0392b"/><text x="20">按合同计算</text><rect x="130" width="14" height="4" y="-6" fill="#1e8449"/><text x="150">依法最多支持</text></g><g transform="translate(12,36)"><circle cx="7" cy="-4" r="5" fill="#e67e22"/><text x="20">对方主张</text><text x="130" fill="#555555">单位：元</text></g>"##
        );
    } else {
        let _ = write!(
            s,
            r##"<g transform="translate({cl},16)"><rect width="14" height="4" y="-6" fill="#c0392b"/><text x="20">按合同计算</text><rect x="110" width="14" height="4" y="-6" fill="#1e8449"/><text x="130">依法最多支持</text><circle cx="237" cy="-4" r="5" fill="#e67e22"/><text x="247">对方主张</text><text x="330" fill="#555555">单位：元</text></g>"##
        );
    }
    s.push_str("</svg>");
    s
}

/// Collection contacts by weekday and hour; the night window is shaded.
pub fn heatmap(h: &[[u32; 24]; 7], night: (u32, u32), width: ChartWidth) -> String {
    let narrow = width == ChartWidth::Narrow;
    // Narrow: 13-pixel cells, an hour label every three hours, the counts only in the tooltips.
    let (cell, cl, ct) = if narrow { (13.5, 34.0, 30.0) } else { (24.0, 50.0, 40.0) };
    let label_every = if narrow { 3 } else { 2 };
    let w = cl + cell * 24.0 + if narrow { 8.0 } else { 20.0 };
    let hgt = ct + cell * 7.0 + 50.0;
    let max = h.iter().flatten().copied().max().unwrap_or(0);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{hgt}" viewBox="0 0 {w} {hgt}" font-family="{FONT}" font-size="11">"#
    );
    s.push_str(r##"<rect width="100%" height="100%" fill="#ffffff"/>"##);
    let in_night = |hour: u32| {
        if night.0 > night.1 { hour >= night.0 || hour < night.1 } else { hour >= night.0 && hour < night.1 }
    };
    for hour in 0..24u32 {
        let px = cl + cell * f64::from(hour);
        if in_night(hour) {
            let _ = write!(
                s,
                r##"<rect x="{px}" y="{}" width="{cell}" height="{}" fill="#ecf0f1"/>"##,
                ct - 14.0,
                cell * 7.0 + 14.0
            );
        }
        if hour % label_every == 0 {
            let _ =
                write!(s, r#"<text x="{:.1}" y="{}" text-anchor="middle">{hour}</text>"#, px + cell / 2.0, ct - 4.0);
        }
    }
    for (day, row) in h.iter().enumerate() {
        let py = ct + cell * day as f64;
        let name = ["一", "二", "三", "四", "五", "六", "日"][day];
        let _ =
            write!(s, r#"<text x="{}" y="{:.1}" text-anchor="end">周{name}</text>"#, cl - 6.0, py + cell / 2.0 + 4.0);
        for (hour, &n) in row.iter().enumerate() {
            let px = cl + cell * hour as f64;
            let shade = if max == 0 || n == 0 { 0.0 } else { 0.15 + 0.85 * f64::from(n) / f64::from(max) };
            let _ = write!(
                s,
                r##"<rect x="{px}" y="{py}" width="{}" height="{}" fill="#c0392b" fill-opacity="{shade:.2}" stroke="#ffffff"><title>周{name} {hour}时：{n} 次</title></rect>"##,
                cell - 1.0,
                cell - 1.0
            );
            if n > 0 && !narrow {
                let _ = write!(
                    s,
                    r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="10" fill="{}">{n}</text>"##,
                    px + cell / 2.0,
                    py + cell / 2.0 + 3.5,
                    if shade > 0.5 { "#ffffff" } else { "#333333" }
                );
            }
        }
    }
    if narrow {
        let _ = write!(
            s,
            r##"<text x="{cl}" y="{}" fill="#555555">横轴：时（0–23）；颜色越深次数越多</text><text x="{cl}" y="{}" fill="#555555">灰色底为夜间（{}:00–次日{}:00）</text>"##,
            ct + cell * 7.0 + 20.0,
            ct + cell * 7.0 + 38.0,
            night.0,
            night.1
        );
    } else {
        let _ = write!(
            s,
            r##"<text x="{cl}" y="{}" fill="#555555">横轴：时（0–23）；灰色底为夜间（{}:00–次日{}:00）；数字为来电和来信次数。</text>"##,
            ct + cell * 7.0 + 24.0,
            night.0,
            night.1
        );
    }
    s.push_str("</svg>");
    s
}
