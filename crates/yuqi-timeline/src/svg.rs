//! An SVG chart of the timeline: one row per debt, time left to right.
//! Hand-written SVG (no dependencies); text is escaped; fonts fall back to the
//! viewer's CJK fonts.

use std::fmt::Write as _;

use chrono::NaiveDate;
use yuqi_util::{ChartWidth, date_zh, escape_markup};

use crate::acts::ActKind;
use crate::limitation::Status;
use crate::{CaseTimeline, DebtTimeline};

/// Where things go. Wide: names in a column left of the bars. Narrow (a phone): each debt's name
/// above its bar, the bars the full width, the legend in rows of two.
struct Layout {
    width: f64,
    left: f64,
    right: f64,
    row: f64,
    top: f64,
    font: f64,
    names_above: bool,
    legend_per_row: usize,
}

const WIDE: Layout = Layout {
    width: 1000.0,
    left: 150.0,
    right: 30.0,
    row: 90.0,
    top: 60.0,
    font: 12.0,
    names_above: false,
    legend_per_row: 5,
};
const NARROW: Layout = Layout {
    width: 360.0,
    left: 12.0,
    right: 12.0,
    row: 84.0,
    top: 72.0,
    font: 12.0,
    names_above: true,
    legend_per_row: 2,
};

struct Scale<'a> {
    from: NaiveDate,
    days: f64,
    l: &'a Layout,
}

impl Scale<'_> {
    fn x(&self, d: NaiveDate) -> f64 {
        self.l.left + (self.l.width - self.l.left - self.l.right) * ((d - self.from).num_days() as f64 / self.days)
    }
}

fn range(t: &CaseTimeline) -> (NaiveDate, NaiveDate) {
    let mut lo = t.as_of;
    let mut hi = t.as_of;
    for d in &t.debts {
        lo = lo.min(d.contract_date);
        for a in &d.acts {
            lo = lo.min(a.date);
            hi = hi.max(a.date);
        }
        if let Some(e) = &d.limitation.expiry {
            hi = hi.max(e.end);
        }
    }
    (lo, hi)
}

/// The chart drawn for a page.
pub fn render(t: &CaseTimeline) -> String {
    render_for(t, ChartWidth::Wide)
}

pub fn render_for(t: &CaseTimeline, w: ChartWidth) -> String {
    let l = match w {
        ChartWidth::Wide => &WIDE,
        ChartWidth::Narrow => &NARROW,
    };
    let (width, left, top, row_h) = (l.width, l.left, l.top, l.row);
    let legend_rows = 5usize.div_ceil(l.legend_per_row) as f64;
    let (lo, hi) = range(t);
    let pad = ((hi - lo).num_days() / 20).max(15);
    let from = lo - chrono::Duration::days(pad);
    let to = hi + chrono::Duration::days(pad);
    let s = Scale { from, days: (to - from).num_days().max(1) as f64, l };
    let height = top + row_h * t.debts.len() as f64 + 52.0 + 18.0 * legend_rows;
    let bottom = height - 32.0 - 18.0 * (legend_rows - 1.0);
    let mut svg = String::new();
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',sans-serif" font-size="{}">"#,
        l.font
    );
    let _ = writeln!(svg, "<title>{}</title>", escape_markup("诉讼时效与催收时间线"));
    let _ = writeln!(svg, r##"<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>"##);
    let _ = writeln!(
        svg,
        r##"<text x="{left}" y="24" font-size="16" font-weight="bold" fill="#222">{}</text>"##,
        escape_markup("时间线（截至 ") + &t.as_of.to_string() + "）"
    );

    // Year grid.
    let mut year = chrono::Datelike::year(&from) + 1;
    while let Some(d) = NaiveDate::from_ymd_opt(year, 1, 1) {
        if d > to {
            break;
        }
        let x = s.x(d);
        let _ = writeln!(
            svg,
            r##"<line x1="{x:.1}" y1="{}" x2="{x:.1}" y2="{}" stroke="#e3e3e3"/>"##,
            top - 10.0,
            bottom - 18.0
        );
        let _ =
            writeln!(svg, r##"<text x="{x:.1}" y="{}" fill="#888" text-anchor="middle">{year}</text>"##, bottom - 2.0);
        year += 1;
    }
    // As-of line.
    let ax = s.x(t.as_of);
    let _ = writeln!(
        svg,
        r##"<line x1="{ax:.1}" y1="{}" x2="{ax:.1}" y2="{}" stroke="#1f6feb" stroke-dasharray="4 3"/>"##,
        top - 20.0,
        bottom - 18.0
    );
    // Labelled with its date, not "今天": the as-of date is fixed (the demo's is 2026-11-24)
    // and is rarely the day the chart is read. Kept inside the chart when the line is near an
    // edge (the phone's chart is 360 wide).
    let label = format!("截至 {}", date_zh(t.as_of));
    let half = text_width(&label, l.font) / 2.0;
    let lx = ax.clamp(half + 4.0, (width - half - 4.0).max(half + 4.0));
    let _ = writeln!(
        svg,
        r##"<text x="{lx:.1}" y="{}" fill="#1f6feb" text-anchor="middle">{}</text>"##,
        top - 24.0,
        escape_markup(&label)
    );

    for (i, d) in t.debts.iter().enumerate() {
        row(&mut svg, &s, d, top + row_h * i as f64);
    }
    legend(&mut svg, l, bottom + 20.0);
    svg.push_str("</svg>\n");
    svg
}

/// Roughly how wide a line of text is drawn: a CJK character is a square of the font size,
/// digits and Latin letters about six tenths of it.
fn text_width(s: &str, font: f64) -> f64 {
    s.chars().map(|c| if c.is_ascii() { 0.6 * font } else { font }).sum()
}

fn row(svg: &mut String, s: &Scale, d: &DebtTimeline, y: f64) {
    let (width, right) = (s.l.width, s.l.right);
    let mid = if s.l.names_above { y + 40.0 } else { y + 30.0 };
    if s.l.names_above {
        let _ = writeln!(
            svg,
            r##"<text x="{}" y="{:.1}" fill="#222"><tspan font-weight="bold">{}</tspan><tspan fill="#666"> {}</tspan></text>"##,
            s.l.left,
            y + 12.0,
            escape_markup(&truncate(&d.name, 9)),
            escape_markup(&truncate(&d.lender, 14))
        );
    } else {
        let _ = writeln!(
            svg,
            r##"<text x="10" y="{mid:.1}" font-weight="bold" fill="#222">{}</text>"##,
            escape_markup(&truncate(&d.name, 9))
        );
        let _ = writeln!(
            svg,
            r##"<text x="10" y="{:.1}" fill="#666">{}</text>"##,
            mid + 16.0,
            escape_markup(&truncate(&d.lender, 10))
        );
    }
    // Loan term.
    let (x0, x1) = (s.x(d.contract_date), s.x(d.last_due));
    let _ = writeln!(
        svg,
        r##"<rect x="{x0:.1}" y="{:.1}" width="{:.1}" height="8" fill="#c9d7f0"><title>{}</title></rect>"##,
        mid - 4.0,
        (x1 - x0).max(2.0),
        escape_markup(&format!("借款期间 {} 至 {}", d.contract_date, d.last_due))
    );
    // Limitation period.
    if let (Some(start), Some(exp)) = (d.limitation.start, &d.limitation.expiry) {
        let (a, b) = (s.x(start), s.x(exp.end));
        let color = match d.limitation.status {
            Status::Expired { .. } => "#2da44e",
            Status::Running { days_left, .. } if days_left <= 183 => "#d29922",
            _ => "#8b949e",
        };
        let _ = writeln!(
            svg,
            r##"<rect x="{a:.1}" y="{:.1}" width="{:.1}" height="6" fill="{color}" opacity="0.7"><title>{}</title></rect>"##,
            mid + 10.0,
            (b - a).max(2.0),
            escape_markup(&format!("诉讼时效：{}", d.limitation.status.label_zh()))
        );
        // Keep the label inside the canvas near the right edge.
        let anchor = if b > width - right - 60.0 { "end" } else { "middle" };
        let _ = writeln!(
            svg,
            r##"<text x="{b:.1}" y="{:.1}" fill="{color}" text-anchor="{anchor}">{}</text>"##,
            mid + 30.0,
            escape_markup(&format!("届满 {}", exp.end))
        );
    }
    for a in &d.acts {
        let x = s.x(a.date);
        let title = escape_markup(&format!("{} {}", a.date, a.label));
        let _ = match a.kind {
            ActKind::Payment => writeln!(
                svg,
                r##"<circle cx="{x:.1}" cy="{mid:.1}" r="5" fill="#2da44e"><title>{title}</title></circle>"##
            ),
            ActKind::Demand if a.reached => writeln!(
                svg,
                r##"<path d="M{x:.1} {:.1} l5 9 h-10 z" fill="#cf222e"><title>{title}</title></path>"##,
                mid - 16.0
            ),
            ActKind::Demand => writeln!(
                svg,
                r##"<path d="M{x:.1} {:.1} l5 9 h-10 z" fill="none" stroke="#cf222e"><title>{title}（未到达）</title></path>"##,
                mid - 16.0
            ),
            ActKind::DebtorAgreement => writeln!(
                svg,
                r##"<rect x="{:.1}" y="{:.1}" width="9" height="9" fill="#8250df"><title>{title}</title></rect>"##,
                x - 4.5,
                mid - 18.0
            ),
            ActKind::AssignmentNotice | ActKind::AssignmentNoticeByAssignee => writeln!(
                svg,
                r##"<path d="M{x:.1} {:.1} l5 5 l-5 5 l-5 -5 z" fill="#bf8700"><title>{title}</title></path>"##,
                mid - 18.0
            ),
            ActKind::Proceeding | ActKind::Judgment => writeln!(
                svg,
                r##"<rect x="{:.1}" y="{:.1}" width="4" height="20" fill="#0969da"><title>{title}</title></rect>"##,
                x - 2.0,
                mid - 10.0
            ),
            _ => writeln!(
                svg,
                r##"<circle cx="{x:.1}" cy="{mid:.1}" r="3" fill="#8b949e"><title>{title}</title></circle>"##
            ),
        };
    }
}

fn legend(svg: &mut String, l: &Layout, y: f64) {
    let items = [
        ("#2da44e", "还款"),
        ("#cf222e", "催收（空心=未到达）"),
        ("#8250df", "你的承诺/申请"),
        ("#bf8700", "转让通知"),
        ("#0969da", "诉讼/判决"),
    ];
    let step = (l.width - l.left - l.right) / l.legend_per_row as f64;
    for (i, (color, label)) in items.into_iter().enumerate() {
        let x = l.left + step * (i % l.legend_per_row) as f64;
        let y = y + 18.0 * (i / l.legend_per_row) as f64;
        let _ = writeln!(svg, r##"<rect x="{x:.1}" y="{:.1}" width="10" height="10" fill="{color}"/>"##, y - 9.0);
        let _ = writeln!(svg, r##"<text x="{:.1}" y="{y:.1}" fill="#444">{}</text>"##, x + 14.0, escape_markup(label));
    }
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_string() } else { s.chars().take(n).collect::<String>() + "…" }
}
