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

fn parse_rate(original: &str) -> Result<RateInput, RateError> {
    let s = normalise(original);
    let unrecognised = || RateError::Unrecognised(original.to_string());
    if s.starts_with('-') {
        return Err(RateError::Negative(original.to_string()));
    }

    let per_marker = if ["年", "year", "annual", "apr", "p.a", "/y"].iter().any(|k| s.contains(k)) {
        Some(RatePer::Year)
    } else if ["月", "month", "/m"].iter().any(|k| s.contains(k)) {
        Some(RatePer::Month)
    } else if ["日", "天", "day", "/d"].iter().any(|k| s.contains(k)) {
        Some(RatePer::Day)
    } else {
        None
    };

    // 万分之五 / 万5 / 5‱ — a per-ten-thousand figure; in lending apps it always means per day.
    if let Some(idx) = s.find("万分之") {
        let rest = &s[idx + "万分之".len()..];
        let n = leading_number(rest).ok_or_else(unrecognised)?;
        return finish(original, per_marker.unwrap_or(RatePer::Day), n / Decimal::from(10_000));
    }
    if let Some(idx) = s.find('‱') {
        let n = trailing_number(&s[..idx]).ok_or_else(unrecognised)?;
        return finish(original, per_marker.unwrap_or(RatePer::Day), n / Decimal::from(10_000));
    }
    if let Some(idx) = s.find('万') {
        let rest = &s[idx + '万'.len_utf8()..];
        if let Some(n) = leading_number(rest) {
            return finish(original, per_marker.unwrap_or(RatePer::Day), n / Decimal::from(10_000));
        }
    }
    if let Some(idx) = s.find('%') {
        let n = trailing_number(&s[..idx]).ok_or_else(unrecognised)?;
        // A bare percentage is read as annual: that is how rates are disclosed since
        // PBOC announcement 〔2021〕 No. 3 requires annualised display.
        return finish(original, per_marker.unwrap_or(RatePer::Year), n / Decimal::ONE_HUNDRED);
    }
    if let Some(idx) = s.find('‰') {
        let n = trailing_number(&s[..idx]).ok_or_else(unrecognised)?;
        let per = per_marker.ok_or_else(|| RateError::NoPeriod(original.to_string()))?;
        return finish(original, per, n / Decimal::from(1000));
    }
    // Traditional units: 月息2分 = 2 % a month, 月息8厘 = 0.8 % a month;
    // 年息1分 = 10 % a year, 年息8厘 = 8 % a year.
    for (unit, month_div, year_div) in [('分', 100u32, 10u32), ('厘', 1000, 100)] {
        if let Some(idx) = s.find(unit) {
            let mut n = trailing_number(&s[..idx]).ok_or_else(unrecognised)?;
            // 一分五 / 2分5: a digit after the unit is tenths of the unit (1.5 分).
            let after = &s[idx + unit.len_utf8()..];
            let mut after_chars = after.chars();
            if let (Some(c), None) = (after_chars.next(), after_chars.next()) {
                let tenth = chinese_digit(c).or_else(|| c.to_digit(10)).ok_or_else(unrecognised)?;
                n += Decimal::new(i64::from(tenth), 1);
            }
            return match per_marker {
                Some(RatePer::Month) => finish(original, RatePer::Month, n / Decimal::from(month_div)),
                Some(RatePer::Year) => finish(original, RatePer::Year, n / Decimal::from(year_div)),
                Some(RatePer::Day) => Err(unrecognised()),
                None => Err(RateError::NoPeriod(original.to_string())),
            };
        }
    }
    Err(unrecognised())
}

fn finish(original: &str, per: RatePer, value: Decimal) -> Result<RateInput, RateError> {
    if value.is_sign_negative() {
        return Err(RateError::Negative(original.to_string()));
    }
    Ok(RateInput { per, value: value.normalize(), text: original.trim().to_string() })
}

/// A number (arabic or Chinese numerals) at the start of `s`.
fn leading_number(s: &str) -> Option<Decimal> {
    let end = s.char_indices().find(|(_, c)| !is_number_char(*c)).map_or(s.len(), |(i, _)| i);
    parse_number(&s[..end])
}

/// A number (arabic or Chinese numerals) at the end of `s`.
fn trailing_number(s: &str) -> Option<Decimal> {
    let start = s.char_indices().rev().take_while(|(_, c)| is_number_char(*c)).last().map_or(s.len(), |(i, _)| i);
    parse_number(&s[start..])
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
