//! Normalisation of real messages before matching, with a map back to the
//! original character offsets.
//!
//! Collectors and filters play cat and mouse: full-width letters (ｆａ院),
//! traditional characters (債務), symbols or spaces inside words (坐 牢, 法*院),
//! zero-width characters, and numbers that change every time (phones, cards,
//! amounts). The normaliser folds all of these so that one lexicon entry catches
//! every variant, and records, for every normalised character, the span of the
//! original text it came from — hits are always reported on the original text.

use std::sync::OnceLock;

/// Placeholders for recognised entities (private-use code points, so they can
/// never collide with real text). Lexicon patterns write them as `{PHONE}` etc.
pub const PHONE: char = '\u{E000}';
pub const CARD: char = '\u{E001}';
pub const AMOUNT: char = '\u{E002}';
pub const URL: char = '\u{E003}';

const CJK_START: u32 = 0x4E00;
const CJK_END: u32 = 0x9FFF;

fn fold_table() -> &'static [char] {
    static TABLE: OnceLock<Vec<char>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t: Vec<char> = (CJK_START..=CJK_END).map(|c| char::from_u32(c).unwrap_or(' ')).collect();
        // OpenCC's whole table first (a hand-picked list missed characters collectors use), then
        // ours over it: Cantonese words folded to Mandarin ones, a few choices of our own.
        let tables = [include_str!("../data/opencc-ts.txt"), include_str!("../data/traditional.txt")];
        for line in tables.iter().flat_map(|t| t.lines()).filter(|l| !l.starts_with('#')) {
            for pair in line.split_whitespace() {
                let mut chars = pair.chars();
                if let (Some(from), Some(to), None) = (chars.next(), chars.next(), chars.next())
                    && (CJK_START..=CJK_END).contains(&(from as u32))
                {
                    t[(from as u32 - CJK_START) as usize] = to;
                }
            }
        }
        t
    })
}

/// Characters inserted between the characters of a word to defeat filters.
fn is_filler(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t'
            | '\u{3000}'
            | '*'
            | '_'
            | '-'
            | '.'
            | '·'
            | '•'
            | '|'
            | '/'
            | '\\'
            | '~'
            | '^'
            | '`'
            | '#'
            | '+'
            | '='
            | '丶'
            | '丨'
            // decorative symbols slipped between characters ("后♂果自♂负")
            | '♂'
            | '♀'
            | '★'
            | '☆'
            | '♥'
            | '♡'
            | '❤'
            | '✿'
            | '❀'
            | '◆'
            | '◇'
            | '●'
            | '○'
            | '※'
    ) || ('\u{200B}'..='\u{200F}').contains(&c)
        || is_decoration(c)
        || c == '\u{FEFF}'
        || c == '\u{2060}'
        || ('\u{FE00}'..='\u{FE0F}').contains(&c)
}

/// Pictographs and decorative symbols (arrows, shapes, dingbats, emoji) slipped between the
/// characters of a word ("上🙂门", "坐➡牢"). The few that carry a threat themselves (knives, guns,
/// bombs, skulls, coffins, blood) are kept: the lexicon matches them.
fn is_decoration(c: char) -> bool {
    let keep = matches!(c, '🔪' | '🗡' | '🔫' | '💣' | '💀' | '☠' | '⚰' | '🩸' | '🧨' | '⚔');
    !keep
        && (('\u{2190}'..='\u{21FF}').contains(&c)
            || ('\u{2500}'..='\u{27BF}').contains(&c)
            || ('\u{2B00}'..='\u{2BFF}').contains(&c)
            || ('\u{1F300}'..='\u{1FAFF}').contains(&c))
}

/// A normalised message. `text` is what the lexicons match; `spans[i]` is the
/// original character range `[start, end)` of the `i`-th normalised character.
#[derive(Debug, Default, Clone)]
pub struct Normalized {
    pub text: String,
    /// Original character range `[start, end)` of each normalised character.
    pub spans: Vec<(u32, u32)>,
    /// Byte offset in `text` of each normalised character: byte → character lookups are a
    /// binary search, so a message with many hits costs n·log n, not n² (issue 19).
    pub starts: Vec<u32>,
}

impl Normalized {
    pub fn clear(&mut self) {
        self.text.clear();
        self.spans.clear();
        self.starts.clear();
    }

    fn push(&mut self, c: char, start: usize, end: usize) {
        self.starts.push(self.text.len() as u32);
        self.text.push(c);
        self.spans.push((start as u32, end as u32));
    }

    /// Original character range of the normalised byte range `[bs, be)`.
    /// Computed on demand: only hits (rare) need it.
    pub fn original_range(&self, bs: usize, be: usize) -> (usize, usize) {
        let first = self.char_index(bs);
        let last = self.char_index(be).max(first + 1) - 1;
        let start = self.spans.get(first).map_or(0, |s| s.0 as usize);
        let end = self.spans.get(last).map_or(start, |s| s.1 as usize);
        (start, end)
    }

    /// Index of the normalised character at byte offset `b`.
    /// A byte inside a character counts as that character.
    pub fn char_index(&self, b: usize) -> usize {
        if b >= self.text.len() {
            return self.starts.len();
        }
        self.starts.partition_point(|&s| s as usize <= b).saturating_sub(1)
    }

    /// Byte offset of the `i`-th normalised character (the text's length past the end).
    pub fn byte_of(&self, i: usize) -> usize {
        self.starts.get(i).map_or(self.text.len(), |&s| s as usize)
    }
}

/// Normalises `input` into `out` (cleared first), reusing its buffers.
pub fn normalize_into(input: &str, out: &mut Normalized) {
    out.clear();
    let table = fold_table();
    let mut rest = input;
    let mut i = 0usize; // original character index of `rest`'s first character
    while let Some(raw) = rest.chars().next() {
        let c = fold_width(raw);
        // URLs: one placeholder for the whole link.
        if matches!(c, 'h' | 'H' | 'w' | 'W') && starts_url(rest) {
            let (chars, bytes) = prefix_while(rest, |ch| !ch.is_whitespace() && ch.is_ascii_graphic());
            out.push(URL, i, i + chars);
            rest = &rest[bytes..];
            i += chars;
            continue;
        }
        // Numbers: phones, bank cards, amounts, masked numbers (138****1234).
        let yen = matches!(raw, '¥' | '￥')
            && rest[raw.len_utf8()..].chars().next().is_some_and(|n| fold_width(n).is_ascii_digit());
        if c.is_ascii_digit() || yen {
            let (kind, chars, bytes) = scan_number(rest);
            match kind {
                Some(p) => out.push(p, i, i + chars),
                None => {
                    for (k, ch) in rest[..bytes].chars().enumerate() {
                        let d = fold_width(ch);
                        if !is_filler(d) {
                            out.push(d, i + k, i + k + 1);
                        }
                    }
                }
            }
            rest = &rest[bytes..];
            i += chars;
            continue;
        }
        rest = &rest[raw.len_utf8()..];
        if !is_filler(c) {
            let folded = if (CJK_START..=CJK_END).contains(&(c as u32)) {
                table[(c as u32 - CJK_START) as usize]
            } else {
                c.to_ascii_lowercase()
            };
            out.push(folded, i, i + 1);
        }
        i += 1;
    }
}

/// Length (characters, bytes) of the longest prefix whose characters satisfy `f`.
fn prefix_while(s: &str, f: impl Fn(char) -> bool) -> (usize, usize) {
    let mut chars = 0;
    let mut bytes = 0;
    for ch in s.chars() {
        if !f(ch) {
            break;
        }
        chars += 1;
        bytes += ch.len_utf8();
    }
    (chars, bytes)
}

fn fold_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

fn starts_url(rest: &str) -> bool {
    let mut prefix = [0u8; 8];
    let mut n = 0;
    for ch in rest.chars().take(8) {
        let c = fold_width(ch).to_ascii_lowercase();
        if !c.is_ascii() {
            break;
        }
        prefix[n] = c as u8;
        n += 1;
    }
    let p = &prefix[..n];
    p.starts_with(b"http://") || p.starts_with(b"https://") || p.starts_with(b"www.")
}

/// Scans a digit run at the start of `s`: digits with spaces, dashes or masking
/// asterisks in between, an optional decimal part and a currency unit. Returns
/// the placeholder (if the run is an entity) and the characters and bytes used.
fn scan_number(s: &str) -> (Option<char>, usize, usize) {
    let mut it = s.char_indices().peekable();
    let peeked_yen = it.peek().is_some_and(|&(_, c)| matches!(c, '¥' | '￥'));
    let mut digits = 0usize;
    let mut masked = 0usize;
    let mut yen = false;
    let mut first_digit = None;
    if peeked_yen {
        yen = true;
        it.next();
    }
    // (chars, bytes) up to the last digit or mask seen.
    let mut end_chars = usize::from(yen);
    let mut end_bytes = if yen { s.chars().next().map_or(0, char::len_utf8) } else { 0 };
    let mut count = end_chars;
    for (b, raw) in it {
        let c = fold_width(raw);
        let next_is_digit = || s[b + raw.len_utf8()..].chars().next().is_some_and(|n| fold_width(n).is_ascii_digit());
        // Masked groups may follow a space or dash too ("6228 48** **** 3316").
        let next_is_digit_or_mask =
            || s[b + raw.len_utf8()..].chars().next().is_some_and(|n| matches!(fold_width(n), '0'..='9' | '*'));
        if c.is_ascii_digit() {
            first_digit.get_or_insert(c);
            digits += 1;
        } else if matches!(c, '*' | 'x' | 'X') {
            masked += 1;
        } else if ((c == ' ' || c == '-') && next_is_digit_or_mask())
            || (matches!(c, '.' | ',') && digits > 0 && masked == 0 && next_is_digit())
        {
            // A separator inside the number (grouping, decimal point) is part of it
            // but does not end it.
            count += 1;
            continue;
        } else {
            break;
        }
        count += 1;
        end_chars = count;
        end_bytes = b + raw.len_utf8();
    }
    let total = digits + masked;
    let next = s[end_bytes..].chars().next().map(fold_width);
    // Traditional units (萬, 塊) too: numbers are found before characters are folded.
    let unit = matches!(next, Some('元' | '块' | '万' | '圆' | '千' | '萬' | '塊'));
    let kind = if yen || unit {
        Some(AMOUNT)
    } else if total >= 15 {
        Some(CARD)
    } else if (total == 11 && first_digit == Some('1')) || (total >= 7 && masked > 0) || (10..=12).contains(&total) {
        Some(PHONE)
    } else {
        None
    };
    // An amount includes its unit character.
    match (kind, next) {
        (Some(AMOUNT), Some(u)) if unit => (kind, end_chars + 1, end_bytes + u.len_utf8()),
        _ => (kind, end_chars, end_bytes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> Normalized {
        let mut n = Normalized::default();
        normalize_into(s, &mut n);
        n
    }

    #[test]
    fn folds_width_traditional_fillers_and_case() {
        assert_eq!(norm("坐 牢").text, "坐牢");
        assert_eq!(norm("法*院").text, "法院");
        assert_eq!(norm("債務").text, "债务");
        assert_eq!(norm("ＦＡ院").text, "fa院");
        assert_eq!(norm("坐\u{200B}牢").text, "坐牢");
        assert_eq!(norm("后♂果自♂负").text, "后果自负");
        assert_eq!(norm("上🙂门催➡收").text, "上门催收");
        assert_eq!(norm("🔪").text, "🔪");
    }

    #[test]
    fn folds_every_traditional_character_and_keeps_simplified_ones() {
        // Characters the hand-picked list lacked (OpenCC's table has them), and a Hong Kong
        // variant form (綫 → 線 → 线).
        assert_eq!(norm("源頭刪除記錄").text, "源头删除记录");
        assert_eq!(norm("嚴懲騙貸").text, "严惩骗贷");
        assert_eq!(norm("電綫").text, "电线");
        // Simplified text is left alone, also where OpenCC lists a character as a variant of
        // another (什么 must not become 什幺).
        assert_eq!(norm("什么时候还款").text, "什么时候还款");
        // Our own table wins over OpenCC's: Cantonese words fold to Mandarin ones.
        assert_eq!(norm("搵你").text, "找你");
        // and its simplified spelling (揾) too
        assert_eq!(norm("揾人搞你").text, "找人搞你");
    }

    #[test]
    fn replaces_numbers_with_placeholders() {
        assert_eq!(norm("打13812345678").text, format!("打{PHONE}"));
        assert_eq!(norm("卡号6222 0212 3456 7890 123").text, format!("卡号{CARD}"));
        assert_eq!(norm("还5,000.50元").text, format!("还{AMOUNT}"));
        assert_eq!(norm("¥300").text, format!("{AMOUNT}"));
        // a traditional unit is a unit (numbers are found before characters are folded)
        assert_eq!(norm("2.5萬元化解10萬").text, format!("{AMOUNT}元化解{AMOUNT}"));
        assert_eq!(norm("138****1234").text, format!("{PHONE}"));
        assert_eq!(norm("6228 48** **** 3316").text, format!("{CARD}"));
        assert_eq!(norm("看 https://x.cn/a?b=1 ok").text, format!("看{URL}ok"));
        assert_eq!(norm("3天").text, "3天");
    }

    #[test]
    fn maps_back_to_original_characters() {
        let original = "你 要 坐 牢了";
        let n = norm(original);
        let b = n.text.find("坐牢").expect("found");
        let (s, e) = n.original_range(b, b + "坐牢".len());
        let chars: Vec<char> = original.chars().collect();
        assert_eq!(chars[s..e].iter().collect::<String>(), "坐 牢");
    }

    proptest::proptest! {
        #[test]
        fn spans_stay_inside_the_original(s in "\\PC{0,60}") {
            let n = norm(&s);
            let len = s.chars().count() as u32;
            for (a, b) in &n.spans {
                proptest::prop_assert!(a < b && *b <= len);
            }
            proptest::prop_assert_eq!(n.spans.len(), n.text.chars().count());
        }
    }
}
