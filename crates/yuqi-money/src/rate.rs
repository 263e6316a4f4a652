use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;

/// The unit of time a quoted rate refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RatePer {
    Year,
    Month,
    Day,
}

impl RatePer {
    pub fn label_zh(self) -> &'static str {
        match self {
            RatePer::Year => "年",
            RatePer::Month => "月",
            RatePer::Day => "日",
        }
    }
}

/// A rate as the user quoted it: `value` is a fraction per `per` (0.0005 per day
/// for 万分之五), and `text` keeps the original wording for the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RateInput {
    pub per: RatePer,
    pub value: Decimal,
    pub text: String,
}

/// Why a piece of text is not a rate we can read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RateError {
    #[error("无法识别利率“{0}”。可写成：年化24%、月息2%、月息2分、日息万分之五、万5、0.05%/日")]
    Unrecognised(String),
    #[error("利率“{0}”没有写明是年、月还是日利率（例如：年化24%、月息2分、日息万分之五）")]
    NoPeriod(String),
    #[error("利率“{0}”是负数")]
    Negative(String),
    #[error(
        "利率“{0}”中有无法识别的内容“{1}”。一处只写一个利率，例如：年化24%、月息2分、日息万分之五；说明文字请写在 # 开头的注释里"
    )]
    Extra(String, String),
    #[error("利率“{0}”同时写了年、月、日中的两种，请只写一种（例如：年化24% 或 月息2分）")]
    TwoPeriods(String),
}

impl RateInput {
    pub fn new(per: RatePer, value: Decimal) -> RateInput {
        let text = match per {
            RatePer::Year => format!("年利率{}", format_rate_percent(value, 4)),
            RatePer::Month => format!("月利率{}", format_rate_percent(value, 4)),
            RatePer::Day => format!("日利率{}", format_rate_percent(value, 4)),
        };
        RateInput { per, value, text }
    }

    pub fn annual(value: Decimal) -> RateInput {
        RateInput::new(RatePer::Year, value)
    }

    /// The simple (non-compounded) annual equivalent. A daily rate needs the
    /// day-count basis, which is a legal parameter chosen by the caller.
    pub fn annual_equivalent(&self, days_per_year: Decimal) -> Decimal {
        match self.per {
            RatePer::Year => self.value,
            RatePer::Month => self.value * Decimal::from(12),
            RatePer::Day => self.value * days_per_year,
        }
    }

    /// The rate per month (monthly rate; annual ÷ 12; daily × days/12).
    pub fn monthly_equivalent(&self, days_per_year: Decimal) -> Decimal {
        match self.per {
            RatePer::Month => self.value,
            _ => self.annual_equivalent(days_per_year) / Decimal::from(12),
        }
    }

    pub fn is_zero(&self) -> bool {
        self.value.is_zero()
    }
}

impl fmt::Display for RateInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// `0.24` → `"24.00%"` with `dp` decimals of the percentage.
pub fn format_rate_percent(fraction: Decimal, dp: u32) -> String {
    let pct = (fraction * Decimal::ONE_HUNDRED).round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero);
    format!("{pct:.prec$}%", prec = dp as usize)
}

impl FromStr for RateInput {
    type Err = RateError;

    fn from_str(s: &str) -> Result<RateInput, RateError> {
        parse_rate(s)
    }
}

fn normalise(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            // Full-width ASCII (digits, %, ., /) to half-width.
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '。' => '.',
            _ => c,
        })
        .collect::<String>()
        .to_lowercase()
}

/// What the number of a rate is counted in, found by [`locate`].
#[derive(Clone, Copy)]
enum Unit {
    /// 万分之 / 万 / ‱: per ten thousand; in lending apps it always means per day.
    TenThousandth,
    /// % or 百分之: a bare percentage is read as annual, how rates are disclosed since PBOC
    /// announcement 〔2021〕 No. 3 requires annualised display.
    Percent,
    /// ‰ or 千分之: needs a period.
    Permille,
    /// The traditional units: 月息2分 = 2 % a month, 月息8厘 = 0.8 % a month;
    /// 年息1分 = 10 % a year, 年息8厘 = 8 % a year.
    Fen,
    Li,
}

/// The rate's number, its unit, and the byte range of both in the normalised text.
struct Located {
    unit: Unit,
    number: Decimal,
    start: usize,
    end: usize,
}

fn parse_rate(original: &str) -> Result<RateInput, RateError> {
    let s = normalise(original);
    let unrecognised = || RateError::Unrecognised(original.to_string());
    let found = locate(&s).ok_or_else(unrecognised)?;
    let (before, after) = (&s[..found.start], &s[found.end..]);
    // A minus sign anywhere before the number (年化-24% once read as +24 %).
    if before.ends_with(['-', '负', '−']) || s.starts_with('-') {
        return Err(RateError::Negative(original.to_string()));
    }
    // Everything around the number must be words that name the period or the rate itself:
    // 年化1e2% once read as 2 %, and a second rate after the first was silently ignored.
    let mut pers = Vec::new();
    for part in [before, after] {
        let extra = markers(part, &mut pers);
        if !extra.is_empty() {
            return Err(RateError::Extra(original.to_string(), extra.to_string()));
        }
    }
    pers.dedup();
    let per_marker = match pers.as_slice() {
        [] => None,
        [one] => Some(*one),
        _ => return Err(RateError::TwoPeriods(original.to_string())),
    };
    let n = found.number;
    match found.unit {
        Unit::TenThousandth => finish(original, per_marker.unwrap_or(RatePer::Day), n / Decimal::from(10_000)),
        Unit::Percent => finish(original, per_marker.unwrap_or(RatePer::Year), n / Decimal::ONE_HUNDRED),
        Unit::Permille => {
            let per = per_marker.ok_or_else(|| RateError::NoPeriod(original.to_string()))?;
            finish(original, per, n / Decimal::from(1000))
        }
        Unit::Fen | Unit::Li => {
            let (month_div, year_div) = if matches!(found.unit, Unit::Fen) { (100u32, 10u32) } else { (1000, 100) };
            match per_marker {
                Some(RatePer::Month) => finish(original, RatePer::Month, n / Decimal::from(month_div)),
                Some(RatePer::Year) => finish(original, RatePer::Year, n / Decimal::from(year_div)),
                Some(RatePer::Day) => Err(unrecognised()),
                None => Err(RateError::NoPeriod(original.to_string())),
            }
        }
    }
}

/// The first rate figure in `s` (normalised), tried in the order that keeps 万分之 from being
/// read as 分 and 百分之 from being read as %.
fn locate(s: &str) -> Option<Located> {
    for (marker, unit) in [("万分之", Unit::TenThousandth), ("千分之", Unit::Permille), ("百分之", Unit::Percent)]
    {
        if let Some(idx) = s.find(marker) {
            let from = idx + marker.len();
            let (number, len) = leading_number(&s[from..])?;
            return Some(Located { unit, number, start: idx, end: from + len });
        }
    }
    for (sign, unit) in [('‱', Unit::TenThousandth), ('%', Unit::Percent), ('‰', Unit::Permille)] {
        if let Some(idx) = s.find(sign) {
            let (number, start) = trailing_number(&s[..idx])?;
            return Some(Located { unit, number, start, end: idx + sign.len_utf8() });
        }
    }
    // 万5 / 万五 / 日万5.
    if let Some(idx) = s.find('万') {
        let from = idx + '万'.len_utf8();
        if let Some((number, len)) = leading_number(&s[from..]) {
            return Some(Located { unit: Unit::TenThousandth, number, start: idx, end: from + len });
        }
    }
    for (sign, unit) in [('分', Unit::Fen), ('厘', Unit::Li)] {
        if let Some(idx) = s.find(sign) {
            let (mut number, start) = trailing_number(&s[..idx])?;
            let mut end = idx + sign.len_utf8();
            // 一分五 / 2分5: a digit right after the unit is tenths of the unit (1.5 分).
            if let Some(c) = s[end..].chars().next()
                && let Some(tenth) = chinese_digit(c).or_else(|| c.to_digit(10))
            {
                number += Decimal::new(i64::from(tenth), 1);
                end += c.len_utf8();
            }
            return Some(Located { unit, number, start, end });
        }
    }
    None
}

/// The words allowed around a rate's number, each with the period it names (longest first
/// where one is a prefix of another; matching tries the longest).
const MARKERS: &[(&str, Option<RatePer>)] = &[
    ("年化利率", Some(RatePer::Year)),
    ("年化", Some(RatePer::Year)),
    ("年利率", Some(RatePer::Year)),
    ("年息", Some(RatePer::Year)),
    ("年费率", Some(RatePer::Year)),
    ("每年", Some(RatePer::Year)),
    ("年", Some(RatePer::Year)),
    ("peryear", Some(RatePer::Year)),
    ("yearly", Some(RatePer::Year)),
    ("year", Some(RatePer::Year)),
    ("annually", Some(RatePer::Year)),
    ("annual", Some(RatePer::Year)),
    ("apr", Some(RatePer::Year)),
    ("p.a.", Some(RatePer::Year)),
    ("p.a", Some(RatePer::Year)),
    ("/y", Some(RatePer::Year)),
    ("月利率", Some(RatePer::Month)),
    ("月息", Some(RatePer::Month)),
    ("月费率", Some(RatePer::Month)),
    ("每月", Some(RatePer::Month)),
    ("月", Some(RatePer::Month)),
    ("permonth", Some(RatePer::Month)),
    ("monthly", Some(RatePer::Month)),
    ("month", Some(RatePer::Month)),
    ("/m", Some(RatePer::Month)),
    ("日利率", Some(RatePer::Day)),
    ("日息", Some(RatePer::Day)),
    ("日费率", Some(RatePer::Day)),
    ("每日", Some(RatePer::Day)),
    ("每天", Some(RatePer::Day)),
    ("日", Some(RatePer::Day)),
    ("天", Some(RatePer::Day)),
    ("perday", Some(RatePer::Day)),
    ("daily", Some(RatePer::Day)),
    ("day", Some(RatePer::Day)),
    ("/d", Some(RatePer::Day)),
    ("综合", None),
    ("实际", None),
    ("利率", None),
    ("利息", None),
    ("费率", None),
    ("rate", None),
    ("interest", None),
    ("息", None),
    ("约", None),
    ("为", None),
    ("是", None),
    ("按", None),
    ("计", None),
    ("/", None),
    ("(", None),
    (")", None),
    (":", None),
    ("=", None),
];

/// Consumes the words of [`MARKERS`] from `part`, noting the periods they name in `pers`;
/// returns what is left from the first word that is not one (empty when all were).
fn markers<'a>(mut part: &'a str, pers: &mut Vec<RatePer>) -> &'a str {
    while !part.is_empty() {
        let Some((word, per)) = MARKERS.iter().filter(|(w, _)| part.starts_with(w)).max_by_key(|(w, _)| w.len()) else {
            return part;
        };
        if let Some(per) = per {
            pers.push(*per);
        }
        part = &part[word.len()..];
    }
    part
}

fn finish(original: &str, per: RatePer, value: Decimal) -> Result<RateInput, RateError> {
    if value.is_sign_negative() {
        return Err(RateError::Negative(original.to_string()));
    }
    Ok(RateInput { per, value: value.normalize(), text: original.trim().to_string() })
}

/// A number (arabic or Chinese numerals) at the start of `s`, and its length in bytes.
fn leading_number(s: &str) -> Option<(Decimal, usize)> {
    let end = s.char_indices().find(|(_, c)| !is_number_char(*c)).map_or(s.len(), |(i, _)| i);
    parse_number(&s[..end]).map(|n| (n, end))
}

/// A number (arabic or Chinese numerals) at the end of `s`, and where it starts.
fn trailing_number(s: &str) -> Option<(Decimal, usize)> {
    let start = s.char_indices().rev().take_while(|(_, c)| is_number_char(*c)).last().map_or(s.len(), |(i, _)| i);
    parse_number(&s[start..]).map(|n| (n, start))
}

fn is_number_char(c: char) -> bool {
    c.is_ascii_digit() || c == '.' || chinese_digit(c).is_some() || c == '十' || c == '点'
}

fn chinese_digit(c: char) -> Option<u32> {
    Some(match c {
        '零' | '〇' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

fn parse_number(s: &str) -> Option<Decimal> {
    if s.is_empty() {
        return None;
    }
    if s.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return Decimal::from_str(s).ok();
    }
    // Chinese numerals up to 99 with an optional 点 fraction: 五, 十二, 二十四, 五点五.
    let (int_part, frac_part) = match s.split_once('点') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    let int_value = if int_part.is_empty() {
        0
    } else if let Some((tens, ones)) = int_part.split_once('十') {
        let t = if tens.is_empty() { 1 } else { single_chinese_digit(tens)? };
        let o = if ones.is_empty() { 0 } else { single_chinese_digit(ones)? };
        t * 10 + o
    } else {
        single_chinese_digit(int_part)?
    };
    let mut value = Decimal::from(int_value);
    if let Some(frac) = frac_part {
        let mut scale = Decimal::new(1, 1);
        for c in frac.chars() {
            let d = chinese_digit(c).or_else(|| c.to_digit(10))?;
            value += scale * Decimal::from(d);
            scale /= Decimal::TEN;
        }
    }
    Some(value)
}

fn single_chinese_digit(s: &str) -> Option<u32> {
    let mut chars = s.chars();
    let c = chars.next()?;
    if chars.next().is_some() {
        return None;
    }
    chinese_digit(c).or_else(|| c.to_digit(10))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).expect("test decimal")
    }

    #[test]
    fn reads_the_forms_borrowers_meet() {
        let cases = [
            ("24%", RatePer::Year, "0.24"),
            ("年化24%", RatePer::Year, "0.24"),
            ("年利率 15.4%", RatePer::Year, "0.154"),
            ("月息2%", RatePer::Month, "0.02"),
            ("月息2分", RatePer::Month, "0.02"),
            ("月息8厘", RatePer::Month, "0.008"),
            ("年息1分", RatePer::Year, "0.1"),
            ("年息8厘", RatePer::Year, "0.08"),
            ("日息万分之五", RatePer::Day, "0.0005"),
            ("万分之五", RatePer::Day, "0.0005"),
            ("万分之5", RatePer::Day, "0.0005"),
            ("日万5", RatePer::Day, "0.0005"),
            ("万五", RatePer::Day, "0.0005"),
            ("万分之五点五", RatePer::Day, "0.00055"),
            ("5‱", RatePer::Day, "0.0005"),
            ("0.05%/日", RatePer::Day, "0.0005"),
            ("日0.05%", RatePer::Day, "0.0005"),
            ("每天０．０５％", RatePer::Day, "0.0005"),
            ("月息一分五", RatePer::Month, "0.015"),
            ("月息2分5", RatePer::Month, "0.025"),
            ("月利率二十‰", RatePer::Month, "0.02"),
        ];
        for (text, per, value) in cases {
            let r: RateInput = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!((r.per, r.value), (per, d(value).normalize()), "{text}");
        }
    }

    #[test]
    fn refuses_what_it_cannot_read() {
        assert!(matches!("24".parse::<RateInput>(), Err(RateError::Unrecognised(_))));
        assert!(matches!("2分".parse::<RateInput>(), Err(RateError::NoPeriod(_))));
        assert!(matches!("-5%".parse::<RateInput>(), Err(RateError::Negative(_))));
        assert!(matches!("很高".parse::<RateInput>(), Err(RateError::Unrecognised(_))));
    }

    /// Issue 19 item 8: what each hostile rate text used to become, and what it is now.
    #[test]
    fn reads_all_of_the_text_or_refuses_it() {
        let ok = [
            ("年化２４％", RatePer::Year, "0.24"),
            ("年化利率：24%", RatePer::Year, "0.24"),
            ("24%/年", RatePer::Year, "0.24"),
            ("年化百分之二十四", RatePer::Year, "0.24"),
            ("月利率千分之二十", RatePer::Month, "0.02"),
            ("综合年化 1000%", RatePer::Year, "10"),
            ("APR 36%", RatePer::Year, "0.36"),
            ("日息0.05%（约）", RatePer::Day, "0.0005"),
        ];
        for (text, per, value) in ok {
            let r: RateInput = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!((r.per, r.value), (per, d(value).normalize()), "{text}");
        }
        let negative = ["年化-24%", "年化－24%", "-24%", "月息负2分", "年化 - 24 %"];
        for text in negative {
            assert!(matches!(text.parse::<RateInput>(), Err(RateError::Negative(_))), "{text}");
        }
        // Was: 1e2 → 2 %, the second rate ignored, the note ignored.
        let extra = [
            ("年化1e2%", "1e"),
            ("年化24%月息2分", "2分"),
            ("年化24%，逾期加倍", ",逾期加倍"),
            ("月息2分5厘", "厘"),
            ("日息万分之五外加服务费", "外加服务费"),
            ("24%左右", "左右"),
        ];
        for (text, left) in extra {
            match text.parse::<RateInput>() {
                Err(RateError::Extra(_, e)) => assert_eq!(e, left, "{text}"),
                other => panic!("{text}: {other:?}"),
            }
        }
        assert!(matches!("年化日息0.05%".parse::<RateInput>(), Err(RateError::TwoPeriods(_))));
        let e = "年化1e2%".parse::<RateInput>().expect_err("refused").to_string();
        assert!(e.contains("无法识别的内容“1e”"), "{e}");
    }

    #[test]
    fn converts_to_annual() {
        let daily: RateInput = "万分之五".parse().expect("rate");
        assert_eq!(daily.annual_equivalent(Decimal::from(365)), d("0.1825"));
        assert_eq!(daily.annual_equivalent(Decimal::from(360)), d("0.18"));
        let monthly: RateInput = "月息2分".parse().expect("rate");
        assert_eq!(monthly.annual_equivalent(Decimal::from(365)), d("0.24"));
        assert_eq!(format_rate_percent(d("0.567512"), 2), "56.75%");
    }
}
