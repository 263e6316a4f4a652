//! From recognised words to chat messages, pure: no I/O, no clock.
//!
//! Words (text, box, confidence, Tesseract's line id) → lines (split at wide gaps, joined when
//! side by side) → the phone's chrome dropped (status bar, title bar, input bar) → timestamp
//! separators (centred lines that parse as a time) → bubbles (lines close under each other and
//! aligned on their left edge) → messages. A message's direction is the side of its bubble:
//! nearer the left edge of the image = received, nearer the right = sent. Rows with a time in a
//! right-hand column (a call log) take that time and their direction from the words 呼入/呼出.

use std::sync::LazyLock;

/// A rectangle in image pixels (origin top left).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Rect {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

impl Rect {
    pub fn right(&self) -> u32 {
        self.x + self.width
    }
    pub fn bottom(&self) -> u32 {
        self.y + self.height
    }
    fn center_x(&self) -> f64 {
        f64::from(self.x) + f64::from(self.width) / 2.0
    }
    fn center_y(&self) -> f64 {
        f64::from(self.y) + f64::from(self.height) / 2.0
    }
    /// The smallest rectangle holding both.
    pub fn union(&self, o: &Rect) -> Rect {
        let (x, y) = (self.x.min(o.x), self.y.min(o.y));
        Rect { x, y, width: self.right().max(o.right()) - x, height: self.bottom().max(o.bottom()) - y }
    }
    fn vertical_overlap(&self, o: &Rect) -> u32 {
        self.bottom().min(o.bottom()).saturating_sub(self.y.max(o.y))
    }
}

/// One word as the OCR engine returned it.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    pub text: String,
    pub rect: Rect,
    /// 0–100, as Tesseract reports it.
    pub confidence: f32,
    /// The engine's (block, paragraph, line) numbers: words sharing them were read as one line.
    pub line: (u32, u32, u32),
}

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Bubble on the left: the other side (the collector) wrote it.
    Received,
    /// Bubble on the right: the phone's owner wrote it.
    Sent,
    /// Not decidable (a call-log row without 呼入/呼出).
    Unknown,
}

/// The day part of a timestamp, as the app printed it (no calendar: "昨天" needs a reference
/// date the caller knows and this crate does not).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Day {
    /// Only a clock time ("21:14"): apps print this for today.
    Unstated,
    Today,
    Yesterday,
    DayBeforeYesterday,
    /// 1 = Monday … 7 = Sunday.
    Weekday(u8),
    /// "11月20日": month and day, year unstated.
    MonthDay {
        month: u8,
        day: u8,
    },
    /// "2026/11/20", "2026年11月20日".
    Date {
        year: u16,
        month: u8,
        day: u8,
    },
}

/// A timestamp: day and, when printed, the clock time in 24-hour form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub day: Day,
    /// (hour 0–23, minute 0–59).
    pub clock: Option<(u8, u8)>,
}

/// One chat message read off the screenshot.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub text: String,
    /// The latest timestamp separator above the message (or its row's time in a call log).
    pub time: Option<Stamp>,
    pub direction: Direction,
    /// Where the message's text lies on the image.
    pub rect: Rect,
    /// Mean word confidence, 0–1.
    pub confidence: f32,
}

/// Why words could not be laid out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LayoutError {
    #[error("截图尺寸无效（{width}×{height} 像素）")]
    EmptyImage { width: u32, height: u32 },
    #[error("识别结果中有文字位置超出截图范围（“{text}”）")]
    WordOutside { text: String },
}

/// Fractions of the image height taken by the phone's chrome. Status bar plus an app's title
/// bar end near 10–11 % of a 19.5:9 screen; the input bar and the gesture area start near 90 %.
const TOP_CHROME: f64 = 0.105;
const BOTTOM_CHROME: f64 = 0.905;
/// Short, exactly centred lines that are not timestamps are titles (a contact's name under an
/// avatar) this far down.
const TITLE_ZONE: f64 = 0.14;

#[derive(Debug, Clone)]
struct Line {
    text: String,
    rect: Rect,
    /// Sum of confidence × characters, and characters, for a weighted mean.
    conf_sum: f64,
    chars: usize,
    /// The boxes of its words, while lines are being built.
    words: Vec<Rect>,
}

impl Line {
    fn absorb(&mut self, o: Line) {
        self.text = join(&self.text, &o.text);
        self.rect = self.rect.union(&o.rect);
        self.conf_sum += o.conf_sum;
        self.chars += o.chars;
        self.words.extend(o.words);
    }
}

/// Lay recognised words out as messages, top to bottom.
pub fn messages(words: &[Word], width: u32, height: u32) -> Result<Vec<Message>, LayoutError> {
    if width == 0 || height == 0 {
        return Err(LayoutError::EmptyImage { width, height });
    }
    if let Some(w) = words.iter().find(|w| w.rect.right() > width || w.rect.bottom() > height) {
        return Err(LayoutError::WordOutside { text: w.text.clone() });
    }
    let (w, h) = (f64::from(width), f64::from(height));
    let lines = lines(words);
    // A whole phone screen has its chrome at fixed places; a screenshot cropped to the messages
    // (as people often post them) has none, and cutting the same bands there lost its first and
    // last bubbles (docs/ocr.md, real screenshots). The status bar tells which it is.
    let (top, bottom) = if has_status_bar(&lines, w, h) { (TOP_CHROME, BOTTOM_CHROME) } else { (0.0, 1.0) };
    let lines: Vec<Line> = lines
        .into_iter()
        .filter(|l| {
            let cy = l.rect.center_y() / h;
            // A title is short and centred on the screen; a bubble's line is centred only by
            // accident, and then seldom this closely.
            let centred = (l.rect.center_x() - w / 2.0).abs() < 0.04 * w && f64::from(l.rect.width) < 0.5 * w;
            let title = centred && cy < TITLE_ZONE && parse_stamp(&l.text).is_none();
            cy > top && cy < bottom && !title
        })
        .collect();
    let lines = merge_side_by_side(lines, w);

    // Separate timestamp separators (centred) and right-column times (call logs) from content.
    let mut content: Vec<Line> = Vec::new();
    let mut separators: Vec<(u32, Stamp)> = Vec::new();
    let mut row_times: Vec<(Rect, Stamp)> = Vec::new();
    for l in lines {
        let centred = (l.rect.center_x() - w / 2.0).abs() < 0.08 * w && l.rect.width < (0.6 * w) as u32;
        match parse_stamp(&l.text) {
            Some(s) if centred => separators.push((l.rect.y, s)),
            Some(s) if f64::from(l.rect.x) > 0.55 * w => row_times.push((l.rect, s)),
            _ => content.push(l),
        }
    }

    // A right-hand line level with a left-hand one is a row's annex (a call log's time the
    // reader misread), not a message: chats never put two bubbles side by side.
    let annex = |l: &Line, all: &[Line]| {
        f64::from(l.rect.x) > 0.55 * w
            && l.chars <= 12
            && all.iter().any(|o| f64::from(o.rect.right()) < 0.5 * w && o.rect.vertical_overlap(&l.rect) > 0)
    };
    let content: Vec<Line> = content.iter().filter(|l| !annex(l, &content)).cloned().collect();

    let line_h = median(content.iter().map(|l| l.rect.height)).unwrap_or(1).max(1);
    let mut bubbles: Vec<Vec<Line>> = Vec::new();
    for l in content {
        let fits = |b: &Vec<Line>| {
            let Some(last) = b.last() else { return false };
            let gap = i64::from(l.rect.y) - i64::from(last.rect.bottom());
            let dx = (i64::from(l.rect.x) - i64::from(b[0].rect.x)).abs();
            let sep_between = separators.iter().any(|(y, _)| *y > last.rect.y && *y < l.rect.y);
            let row_time_between = row_times.iter().any(|(r, _)| r.y > last.rect.bottom() && r.bottom() <= l.rect.y);
            !sep_between
                && !row_time_between
                && (gap as f64) < f64::from(line_h)
                && (dx as f64) < 1.5 * f64::from(line_h)
        };
        // The last two bubbles are candidates: a line of another column may sit between two
        // lines of one bubble in reading order.
        let n = bubbles.len();
        match (n.saturating_sub(2)..n).rev().find(|&i| fits(&bubbles[i])) {
            Some(i) => bubbles[i].push(l),
            None => bubbles.push(vec![l]),
        }
    }
    bubbles.sort_by_key(|b| b.first().map(|l| (l.rect.y, l.rect.x)));

    // The two columns of a chat: received bubbles share a left edge, sent ones a right edge.
    let min_x = bubbles.iter().filter_map(|b| b.iter().map(|l| l.rect.x).min()).min().unwrap_or(0);
    let max_right = bubbles.iter().filter_map(|b| b.iter().map(|l| l.rect.right()).max()).max().unwrap_or(width);
    let mut out = Vec::new();
    for b in bubbles {
        let mut it = b.into_iter();
        let Some(mut m) = it.next() else { continue };
        for l in it {
            m.absorb(l);
        }
        let rect = m.rect;
        let row_time = row_times.iter().find(|(r, _)| r.vertical_overlap(&rect) > 0).map(|(_, s)| *s);
        let time = match row_time {
            Some(s) => Some(s),
            None => separators.iter().rfind(|(y, _)| *y < rect.y).map(|(_, s)| *s),
        };
        // On a screen of rows (some row has a time on the right: a call log) every row's
        // direction is in its words, also for a row whose time was misread.
        let direction = match (row_times.is_empty(), call_direction(&m.text)) {
            (false, d @ (Direction::Sent | Direction::Received)) => d,
            (false, _) if row_time.is_some() => Direction::Unknown,
            _ => side(rect, min_x, max_right, w),
        };
        // No message starts with closing punctuation; there it is what an avatar's or a
        // bubble tail's remains read as.
        let text = m.text.trim_start_matches(['，', ',', '、', '。', '”', '’', '"', '\'', '|', '｜']).to_string();
        if text.is_empty() {
            continue;
        }
        m.text = text;
        let confidence = if m.chars == 0 { 0.0 } else { (m.conf_sum / m.chars as f64 / 100.0).clamp(0.0, 1.0) as f32 };
        out.push(Message { text: m.text, time, direction, rect, confidence });
    }
    Ok(out)
}

/// Whether the top of the image is a phone's status bar: a short line at the very top, against
/// the left or right edge (a centred one is a chat's time separator), holding the clock or the
/// battery and network marks.
fn has_status_bar(lines: &[Line], w: f64, h: f64) -> bool {
    static MARKS: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"[0-9]{1,2}[:：][0-9]{2}|[0-9]{1,3}\s?%|[345]G|LTE|HD")
            .unwrap_or_else(|e| unreachable!("fixed pattern: {e}"))
    });
    lines.iter().any(|l| {
        let at_edge = f64::from(l.rect.x) < 0.25 * w || f64::from(l.rect.right()) > 0.75 * w;
        l.rect.center_y() < 0.05 * h && f64::from(l.rect.width) < 0.5 * w && at_edge && MARKS.is_match(&l.text)
    })
}

/// Which side a bubble is on: the column whose edge it shares; when it shares both (it is as
/// wide as a bubble gets, or alone) or neither, the nearer edge of the image.
fn side(rect: Rect, min_x: u32, max_right: u32, w: f64) -> Direction {
    let tol = 0.03 * w;
    let at_left = f64::from(rect.x.saturating_sub(min_x)) < tol;
    let at_right = f64::from(max_right.saturating_sub(rect.right())) < tol;
    match (at_left, at_right) {
        (true, false) => Direction::Received,
        (false, true) => Direction::Sent,
        _ if f64::from(rect.x) <= w - f64::from(rect.right()) => Direction::Received,
        _ => Direction::Sent,
    }
}

/// Call-log rows say which way the call went.
fn call_direction(text: &str) -> Direction {
    if ["呼出", "去电", "已拨"].iter().any(|k| text.contains(k)) {
        Direction::Sent
    } else if ["呼入", "来电", "未接", "已接"].iter().any(|k| text.contains(k)) {
        Direction::Received
    } else {
        Direction::Unknown
    }
}

/// Words grouped by the engine's line, split where a gap is wider than a few characters (a
/// status bar's clock and battery, a call log's name and time share one engine line), and
/// stripped of lines holding no letter, digit or CJK character (icons, emoji residue).
fn lines(words: &[Word]) -> Vec<Line> {
    let mut keys: Vec<(u32, u32, u32)> = Vec::new();
    for w in words {
        if !keys.contains(&w.line) {
            keys.push(w.line);
        }
    }
    let mut out = Vec::new();
    for k in keys {
        // A lone vertical bar is what the edge of an avatar or a bubble's tail reads as.
        let mut ws: Vec<&Word> = words
            .iter()
            .filter(|w| w.line == k && !w.text.trim().chars().all(|c| matches!(c, '|' | '｜' | '丨')))
            .collect();
        ws.sort_by_key(|w| w.rect.x);
        let mut cur: Option<Line> = None;
        for wd in ws {
            let chars = wd.text.chars().count();
            let piece = Line {
                text: wd.text.trim().to_string(),
                rect: wd.rect,
                conf_sum: f64::from(wd.confidence.max(0.0)) * chars as f64,
                chars,
                words: vec![wd.rect],
            };
            match cur.as_mut() {
                Some(c) if wd.rect.x.saturating_sub(c.rect.right()) <= 3 * c.rect.height.max(wd.rect.height) => {
                    c.absorb(piece)
                }
                _ => {
                    if let Some(c) = cur.replace(piece) {
                        out.push(c);
                    }
                }
            }
        }
        out.extend(cur);
    }
    // A line's height is that of its typical word: Tesseract gives some glyphs (punctuation,
    // a wide Latin run) boxes far taller than the line, and a union of boxes would swallow the
    // gap between two bubbles.
    for l in &mut out {
        let (mut tops, mut bottoms): (Vec<u32>, Vec<u32>) = l.words.iter().map(|r| (r.y, r.bottom())).unzip();
        tops.sort_unstable();
        bottoms.sort_unstable();
        let (top, bottom) = (tops[tops.len() / 2], bottoms[bottoms.len() / 2]);
        if bottom > top {
            l.rect.y = top;
            l.rect.height = bottom - top;
        }
    }
    // One or two characters read with low confidence are what an icon, an avatar's rim or an
    // emoji's outline turns into.
    out.retain(|l| {
        l.text.chars().any(|c| c.is_alphanumeric()) && (l.chars > 2 || l.conf_sum / l.chars.max(1) as f64 >= 60.0)
    });
    out.sort_by_key(|l| (l.rect.y, l.rect.x));
    out
}

/// Lines the engine split but that sit side by side at the same height and close together
/// are one line. Far apart ones (a left column and a right column) stay apart.
fn merge_side_by_side(lines: Vec<Line>, w: f64) -> Vec<Line> {
    let mut out: Vec<Line> = Vec::new();
    for l in lines {
        let near = out.iter_mut().rev().take(3).find(|o| {
            let ov = o.rect.vertical_overlap(&l.rect);
            let gap = f64::from(l.rect.x.max(o.rect.x)) - f64::from(l.rect.right().min(o.rect.right()));
            2 * ov > o.rect.height.min(l.rect.height) && gap < 0.12 * w
        });
        match near {
            Some(o) => {
                if l.rect.x < o.rect.x {
                    let mut l = l;
                    l.absorb(o.clone());
                    *o = l;
                } else {
                    o.absorb(l);
                }
            }
            None => out.push(l),
        }
    }
    out.sort_by_key(|l| (l.rect.y, l.rect.x));
    out
}

/// Join two pieces of text: a space only between two Latin letters or digits (Chinese has
/// none; a bubble wraps mid-sentence).
fn join(a: &str, b: &str) -> String {
    let space = a.chars().last().is_some_and(|c| c.is_ascii_alphanumeric())
        && b.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
    if space { format!("{a} {b}") } else { format!("{a}{b}") }
}

fn median(values: impl Iterator<Item = u32>) -> Option<u32> {
    let mut v: Vec<u32> = values.collect();
    v.sort_unstable();
    v.get(v.len() / 2).copied()
}

static STAMP: LazyLock<regex::Regex> = LazyLock::new(|| {
    #[allow(clippy::unwrap_used)] // a constant pattern, checked by the tests
    regex::Regex::new(
        r"^(?:(今天|昨天|前天)|(?:星期|周)([一二三四五六日天])|(\d{4})[年/.\-](\d{1,2})[月/.\-](\d{1,2})日?|(\d{1,2})月(\d{1,2})日)?(凌晨|早上|上午|中午|下午|晚上|傍晚)?(?:(\d{1,2})[:：](\d{2}))?$",
    )
    .unwrap()
});

/// Parse a chat app's timestamp: "21:14", "昨天 21:14", "星期三 08:02", "11月20日 下午9:14",
/// "2026/11/20 21:14", "2026年11月20日 21:14". `None` for anything else (so message text that
/// merely contains a time is not taken for a separator).
pub fn parse_stamp(text: &str) -> Option<Stamp> {
    let s: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if s.is_empty() {
        return None;
    }
    let c = STAMP.captures(&s)?;
    let num = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<u16>().ok());
    let day = if let Some(d) = c.get(1) {
        match d.as_str() {
            "今天" => Day::Today,
            "昨天" => Day::Yesterday,
            _ => Day::DayBeforeYesterday,
        }
    } else if let Some(d) = c.get(2) {
        let n = "一二三四五六日".find(d.as_str()).map_or(7, |i| i / 3 + 1);
        Day::Weekday(n as u8)
    } else if let (Some(y), Some(m), Some(d)) = (num(3), num(4), num(5)) {
        valid_date(m, d)?;
        Day::Date { year: y, month: m as u8, day: d as u8 }
    } else if let (Some(m), Some(d)) = (num(6), num(7)) {
        valid_date(m, d)?;
        Day::MonthDay { month: m as u8, day: d as u8 }
    } else {
        Day::Unstated
    };
    let clock = match (num(9), num(10)) {
        (Some(hh), Some(mm)) if hh < 24 && mm < 60 => {
            let hh = match c.get(8).map(|p| p.as_str()) {
                Some("下午" | "晚上" | "傍晚") if hh < 12 => hh + 12,
                Some("中午") if hh < 11 => hh + 12,
                Some("凌晨" | "早上" | "上午") if hh == 12 => 0,
                _ => hh,
            };
            Some((hh as u8, mm as u8))
        }
        (Some(_), Some(_)) => return None,
        _ => None,
    };
    if day == Day::Unstated && clock.is_none() {
        return None;
    }
    Some(Stamp { day, clock })
}

fn valid_date(m: u16, d: u16) -> Option<()> {
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then_some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str, x: u32, y: u32, w: u32, line: u32) -> Word {
        Word { text: text.into(), rect: Rect { x, y, width: w, height: 40 }, confidence: 90.0, line: (line, 1, 1) }
    }

    #[test]
    fn stamps_in_the_forms_apps_print() {
        let st = |day, clock| Some(Stamp { day, clock });
        assert_eq!(parse_stamp("昨天 21:14"), st(Day::Yesterday, Some((21, 14))));
        assert_eq!(parse_stamp("11月20日 下午9:14"), st(Day::MonthDay { month: 11, day: 20 }, Some((21, 14))));
        assert_eq!(parse_stamp("2026/11/20 21:14"), st(Day::Date { year: 2026, month: 11, day: 20 }, Some((21, 14))));
        assert_eq!(parse_stamp("2026年11月20日"), st(Day::Date { year: 2026, month: 11, day: 20 }, None));
        assert_eq!(parse_stamp("星期日 上午12:05"), st(Day::Weekday(7), Some((0, 5))));
        assert_eq!(parse_stamp("周三 08:02"), st(Day::Weekday(3), Some((8, 2))));
        assert_eq!(parse_stamp("中午12:30"), st(Day::Unstated, Some((12, 30))));
        assert_eq!(parse_stamp("9:05"), st(Day::Unstated, Some((9, 5))));
        assert_eq!(parse_stamp("昨天"), st(Day::Yesterday, None));
        for no in ["", "好的", "明天21:14还", "25:10", "13月2日", "今天下午还款"] {
            assert_eq!(parse_stamp(no), None, "{no}");
        }
    }

    #[test]
    fn bubbles_sides_separators_and_chrome() {
        let (w, h) = (1000, 2000);
        let words = vec![
            word("21:14", 40, 20, 100, 1),
            word("5G", 850, 20, 60, 1),
            word("催收专员", 420, 120, 160, 2),
            word("昨天", 420, 300, 80, 3),
            word("21:14", 505, 300, 90, 3),
            word("您好，您的借款", 150, 400, 560, 4),
            word("已逾期。", 150, 450, 300, 5),
            word("好的", 760, 600, 80, 6),
            word("发送", 850, 1900, 80, 7),
        ];
        let m = messages(&words, w, h).expect("layout");
        assert_eq!(m.len(), 2, "{m:?}");
        assert_eq!(m[0].text, "您好，您的借款已逾期。");
        assert_eq!(m[0].direction, Direction::Received);
        assert_eq!(m[0].time, Some(Stamp { day: Day::Yesterday, clock: Some((21, 14)) }));
        assert_eq!(m[0].rect, Rect { x: 150, y: 400, width: 560, height: 90 });
        assert!((m[0].confidence - 0.9).abs() < 1e-4);
        assert_eq!(m[1].text, "好的");
        assert_eq!(m[1].direction, Direction::Sent);
        assert_eq!(messages(&words, 0, 10), Err(LayoutError::EmptyImage { width: 0, height: 10 }));
        assert!(matches!(messages(&words, 500, 2000), Err(LayoutError::WordOutside { .. })));
    }

    #[test]
    fn a_screenshot_cropped_to_the_messages_keeps_its_first_and_last_bubbles() {
        let (w, h) = (1000, 1800);
        let words = vec![
            word("您好，您的借款", 150, 20, 560, 1),
            word("已逾期。", 150, 70, 300, 2),
            word("昨天", 420, 800, 80, 3),
            word("21:14", 505, 800, 90, 3),
            word("好的", 760, 1740, 80, 4),
        ];
        let m = messages(&words, w, h).expect("layout");
        assert_eq!(m.len(), 2, "{m:?}");
        assert_eq!(m[0].text, "您好，您的借款已逾期。");
        assert_eq!(m[1].text, "好的");
        assert_eq!(m[1].time, Some(Stamp { day: Day::Yesterday, clock: Some((21, 14)) }));
        // With a status bar above, the same top and bottom bands are chrome.
        let mut full = words.clone();
        full.push(word("21:14", 40, 10, 100, 9));
        assert!(messages(&full, w, h).expect("layout").is_empty());
    }

    #[test]
    fn call_log_rows_take_the_right_column_time_and_the_call_direction() {
        let words = vec![
            word("138 0013 8000", 150, 400, 400, 1),
            word("呼出 2分钟", 150, 450, 300, 2),
            word("昨天", 850, 420, 90, 3),
            word("某催收公司", 150, 600, 400, 4),
            word("呼入 1分钟", 150, 650, 300, 5),
            word("11月20日", 800, 620, 160, 6),
            // A time the reader garbled: level with a row, on the right, so not a message.
            word("星期三一", 800, 780, 160, 7),
            word("妈妈", 150, 760, 100, 8),
            word("呼出 未接通", 150, 810, 300, 9),
        ];
        let m = messages(&words, 1000, 2000).expect("layout");
        assert_eq!(m.len(), 3, "{m:?}");
        assert_eq!((m[0].direction, m[0].time.map(|t| t.day)), (Direction::Sent, Some(Day::Yesterday)));
        assert_eq!(m[1].direction, Direction::Received);
        assert_eq!(m[1].text, "某催收公司呼入 1分钟");
        assert_eq!((m[2].text.as_str(), m[2].direction, m[2].time), ("妈妈呼出 未接通", Direction::Sent, None));
    }
}
