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
        for line in include_str!("../data/traditional.txt").lines().filter(|l| !l.starts_with('#')) {
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
    ) || ('\u{200B}'..='\u{200F}').contains(&c)
        || c == '\u{FEFF}'
        || c == '\u{2060}'
        || ('\u{FE00}'..='\u{FE0F}').contains(&c)
}

/// A normalised message. `text` is what the lexicons match; `spans[i]` is the
/// original character range `[start, end)` of the `i`-th normalised character.
#[derive(Debug, Default, Clone)]
pub struct Normalized {
    pub text: String,
    chars: Vec<char>,
    /// Byte offset in `text` of each normalised character (and one past the end).
    pub byte_starts: Vec<usize>,
    pub spans: Vec<(u32, u32)>,
}

impl Normalized {
    pub fn clear(&mut self) {
        self.chars.clear();
        self.text.clear();
        self.byte_starts.clear();
        self.spans.clear();
    }

    fn push(&mut self, c: char, start: usize, end: usize) {
        self.byte_starts.push(self.text.len());
        self.text.push(c);
        self.spans.push((start as u32, end as u32));
    }

    /// Original character range of the normalised byte range `[bs, be)`.
    pub fn original_range(&self, bs: usize, be: usize) -> (usize, usize) {
        let first = self.byte_starts.partition_point(|b| *b < bs);
        let last = self.byte_starts.partition_point(|b| *b < be).max(first + 1) - 1;
        let start = self.spans.get(first).map_or(0, |s| s.0 as usize);
        let end = self.spans.get(last).map_or(start, |s| s.1 as usize);
        (start, end)
    }

    /// Index of the normalised character at byte offset `b`.
    pub fn char_index(&self, b: usize) -> usize {
        self.byte_starts.partition_point(|x| *x < b)
    }
}

/// Normalises `input` into `out` (cleared first), reusing its buffers.
pub fn normalize_into(input: &str, out: &mut Normalized) {
    out.clear();
    let table = fold_table();
    let mut chars = std::mem::take(&mut out.chars);
    chars.extend(input.chars());
    let n = chars.len();
    let mut i = 0;
    while i < n {
        let c = fold_width(chars[i]);
        // URLs: one placeholder for the whole link.
        if (c == 'h' || c == 'H' || c == 'w' || c == 'W') && starts_url(&chars[i..]) {
            let mut j = i;
            while j < n && !chars[j].is_whitespace() && (chars[j].is_ascii_graphic()) {
                j += 1;
            }
            out.push(URL, i, j);
            i = j;
            continue;
        }
        // Numbers: phones, bank cards, amounts, masked numbers (138****1234).
        if c.is_ascii_digit() || (c == '¥' || c == '￥') && i + 1 < n && fold_width(chars[i + 1]).is_ascii_digit() {
            let (kind, j) = scan_number(&chars, i);
            match kind {
                Some(p) => out.push(p, i, j),
                None => {
                    for (k, ch) in chars.iter().enumerate().take(j).skip(i) {
                        let d = fold_width(*ch);
                        if !is_filler(d) {
                            out.push(d, k, k + 1);
                        }
                    }
                }
            }
            i = j;
            continue;
        }
        if is_filler(c) {
            i += 1;
            continue;
        }
        let folded = if (CJK_START..=CJK_END).contains(&(c as u32)) {
            table[(c as u32 - CJK_START) as usize]
        } else {
            c.to_ascii_lowercase()
        };
        out.push(folded, i, i + 1);
        i += 1;
    }
    out.byte_starts.push(out.text.len());
    out.chars = chars;
}

fn fold_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

fn starts_url(rest: &[char]) -> bool {
    let prefix: String = rest.iter().take(8).map(|c| fold_width(*c).to_ascii_lowercase()).collect();
    prefix.starts_with("http://") || prefix.starts_with("https://") || prefix.starts_with("www.")
}

/// Scans a digit run starting at `i`: digits with spaces, dashes or masking
/// asterisks in between, an optional decimal part and a currency unit.
fn scan_number(chars: &[char], i: usize) -> (Option<char>, usize) {
    let n = chars.len();
    let mut j = i;
    let mut digits = 0usize;
    let mut masked = 0usize;
    let mut yen = false;
    if matches!(chars[j], '¥' | '￥') {
        yen = true;
        j += 1;
    }
    let mut last_digit_end = j;
    while j < n {
        let c = fold_width(chars[j]);
        if c.is_ascii_digit() {
            digits += 1;
            j += 1;
            last_digit_end = j;
        } else if c == '*' || c == 'x' || c == 'X' {
            masked += 1;
            j += 1;
            last_digit_end = j;
        } else if (c == ' ' || c == '-') && j + 1 < n && fold_width(chars[j + 1]).is_ascii_digit() {
            j += 1;
        } else if (c == '.' || c == ',')
            && j + 1 < n
            && fold_width(chars[j + 1]).is_ascii_digit()
            && digits > 0
            && masked == 0
        {
            j += 1;
        } else {
            break;
        }
    }
    let end = last_digit_end;
    let total = digits + masked;
    let next = chars.get(end).map(|c| fold_width(*c));
    let unit = matches!(next, Some('元' | '块' | '万' | '圆' | '千'));
    let first_digit = chars[if yen { i + 1 } else { i }];
    let kind = if yen || unit {
        Some(AMOUNT)
    } else if total >= 15 {
        Some(CARD)
    } else if (total == 11 && first_digit == '1') || (total >= 7 && masked > 0) || (total >= 10 && total <= 12) {
        Some(PHONE)
    } else {
        None
    };
    // An amount includes its unit character.
    let end = if kind == Some(AMOUNT) && unit { end + 1 } else { end };
    (kind, end)
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
    }

    #[test]
    fn replaces_numbers_with_placeholders() {
        assert_eq!(norm("打13812345678").text, format!("打{PHONE}"));
        assert_eq!(norm("卡号6222 0212 3456 7890 123").text, format!("卡号{CARD}"));
        assert_eq!(norm("还5,000.50元").text, format!("还{AMOUNT}"));
        assert_eq!(norm("¥300").text, format!("{AMOUNT}"));
        assert_eq!(norm("138****1234").text, format!("{PHONE}"));
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
            proptest::prop_assert_eq!(n.spans.len() + 1, n.byte_starts.len());
        }
    }
}
