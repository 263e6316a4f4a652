//! The leaf converters of [`Cx`]: one spanned TOML value into a string, amount, date, number,
//! percentage, rate or choice. Each reports its own problem at the value's span, so the
//! table-level steps only decide which fields are required.

use std::ops::Range;
use std::str::FromStr;

use chrono::NaiveDate;
use toml::{Spanned, Value};
use yuqi_money::{Decimal, Money, RateInput, RatePer};

use super::raw::Field;
use crate::error::{CaseError, LineIndex};
use crate::limits;

pub(super) struct Cx<'a> {
    pub(super) file: &'a str,
    pub(super) src: &'a str,
    pub(super) errors: Vec<CaseError>,
    /// The file's line index, built at the first error.
    pub(super) lines: std::cell::OnceCell<LineIndex>,
}

impl Cx<'_> {
    pub(super) fn err(&mut self, span: Range<usize>, message: String) {
        let lines = self.lines.get_or_init(|| LineIndex::new(self.src));
        self.errors.push(CaseError::at_indexed(self.file, self.src, lines, span.start, message));
    }

    /// A required field: reports `缺少…` at `parent` when absent.
    pub(super) fn req<T>(
        &mut self,
        field: &Field,
        parent: &Range<usize>,
        key: &str,
        what: &str,
        convert: impl FnOnce(&mut Self, &Spanned<Value>) -> Option<T>,
    ) -> Option<T> {
        match field {
            Some(v) => convert(self, v),
            None => {
                self.err(parent.clone(), format!("缺少字段 {key}（{what}）"));
                None
            }
        }
    }

    pub(super) fn opt<T>(
        &mut self,
        field: &Field,
        convert: impl FnOnce(&mut Self, &Spanned<Value>) -> Option<T>,
    ) -> Option<T> {
        field.as_ref().and_then(|v| convert(self, v))
    }

    pub(super) fn string(&mut self, v: &Spanned<Value>) -> Option<String> {
        match v.get_ref() {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Value::String(_) => {
                self.err(v.span(), "不能为空".to_string());
                None
            }
            other => {
                self.err(v.span(), format!("应为文字（加英文双引号），而不是 {}", describe(other)));
                None
            }
        }
    }

    pub(super) fn money(&mut self, v: &Spanned<Value>) -> Option<Money> {
        let parsed = match v.get_ref() {
            Value::Integer(i) => i.checked_mul(100).map(Money::from_fen).ok_or_else(|| "金额过大".to_string()),
            // A TOML float prints back as the shortest decimal that reads as the
            // same float, which is what the user typed (9000.5 → "9000.5").
            Value::Float(f) if f.is_finite() => Money::from_str(&f.to_string()).map_err(|e| e.to_string()),
            Value::String(s) => Money::from_str(s).map_err(|e| e.to_string()),
            other => Err(format!("应为金额（如 9000 或 \"9000.00\"），而不是 {}", describe(other))),
        };
        match parsed {
            Ok(m) if m.is_negative() => {
                self.err(v.span(), "金额不能为负数".to_string());
                None
            }
            Ok(m) if m > limits::max_amount() => {
                self.err(v.span(), limits::amount_message());
                None
            }
            Ok(m) => Some(m),
            Err(msg) => {
                self.err(v.span(), msg);
                None
            }
        }
    }

    pub(super) fn positive_money(&mut self, v: &Spanned<Value>) -> Option<Money> {
        let m = self.money(v)?;
        if m.is_zero() {
            self.err(v.span(), "金额必须大于零".to_string());
            return None;
        }
        Some(m)
    }

    pub(super) fn date(&mut self, v: &Spanned<Value>) -> Option<NaiveDate> {
        let parsed = match v.get_ref() {
            Value::Datetime(dt) => match (dt.date, dt.time) {
                (Some(d), None) => NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day)),
                _ => None,
            },
            Value::String(s) => parse_date_text(s),
            _ => None,
        };
        match parsed {
            None => {
                self.err(v.span(), "应为日期，例如 2024-03-15（不加引号）或 \"2024年3月15日\"".to_string());
                None
            }
            Some(d) if !limits::date_in_range(d) => {
                self.err(v.span(), limits::date_message(d));
                None
            }
            Some(d) => Some(d),
        }
    }

    pub(super) fn uint(&mut self, v: &Spanned<Value>, min: u32, max: u32) -> Option<u32> {
        match v.get_ref() {
            Value::Integer(i) if (i64::from(min)..=i64::from(max)).contains(i) => u32::try_from(*i).ok(),
            _ => {
                self.err(v.span(), format!("应为 {min} 到 {max} 之间的整数"));
                None
            }
        }
    }

    pub(super) fn boolean(&mut self, v: &Spanned<Value>) -> Option<bool> {
        match v.get_ref() {
            Value::Boolean(b) => Some(*b),
            _ => {
                self.err(v.span(), "应为 true 或 false".to_string());
                None
            }
        }
    }

    /// `"5%"`, `"0.1%"` or a fraction like `0.05`.
    pub(super) fn fraction(&mut self, v: &Spanned<Value>) -> Option<Decimal> {
        let parsed = match v.get_ref() {
            Value::Float(f) if f.is_finite() && *f >= 0.0 => Decimal::from_str(&f.to_string()).ok(),
            Value::String(s) => {
                let t = s.trim().replace('％', "%");
                t.strip_suffix('%')
                    .and_then(|n| Decimal::from_str(n.trim()).ok())
                    .map(|d| d / Decimal::ONE_HUNDRED)
                    .filter(|d| !d.is_sign_negative())
            }
            _ => None,
        };
        match parsed {
            None => {
                self.err(v.span(), "应为百分比，例如 \"5%\"（或小数 0.05）".to_string());
                None
            }
            // A percentage (a fee, a markup, a penalty) above the rate bound is no more
            // computable than such a rate, and no contract states one.
            Some(f) if f > limits::max_annual_rate() => {
                self.err(
                    v.span(),
                    format!("百分比超过 {}%，超出本工具可计算的范围；请核对", limits::MAX_ANNUAL_RATE_PERCENT),
                );
                None
            }
            Some(f) => Some(f),
        }
    }

    /// A rate: `"年化24%"`, `"日息万分之五"`, or `{ annual = "24%" }` / `{ monthly = 0.02 }` / `{ daily = "0.05%" }`.
    pub(super) fn rate(&mut self, v: &Spanned<Value>) -> Option<RateInput> {
        let rate = self.rate_unbounded(v)?;
        self.bounded_rate(v, rate)
    }

    /// `rate` if it is within [`limits::MAX_ANNUAL_RATE_PERCENT`]; reported at `v` otherwise.
    pub(super) fn bounded_rate(&mut self, v: &Spanned<Value>, rate: RateInput) -> Option<RateInput> {
        if limits::rate_too_high(&rate) {
            self.err(v.span(), limits::rate_message());
            return None;
        }
        Some(rate)
    }

    fn rate_unbounded(&mut self, v: &Spanned<Value>) -> Option<RateInput> {
        match v.get_ref() {
            Value::String(s) => match RateInput::from_str(s) {
                Ok(r) => Some(r),
                Err(e) => {
                    self.err(v.span(), e.to_string());
                    None
                }
            },
            Value::Table(t) if t.len() == 1 => {
                let (key, value) = t.iter().next()?;
                let per = match key.as_str() {
                    "annual" | "year" => RatePer::Year,
                    "monthly" | "month" => RatePer::Month,
                    "daily" | "day" => RatePer::Day,
                    _ => {
                        self.err(v.span(), format!("利率表只能用 annual、monthly 或 daily，而不是 {key}"));
                        return None;
                    }
                };
                let value = Spanned::new(v.span(), value.clone());
                let fraction = self.fraction(&value)?;
                let mut r = RateInput::new(per, fraction);
                r.text = format!("{}（{}）", r.text, key);
                Some(r)
            }
            _ => {
                self.err(
                    v.span(),
                    "利率应写成文字，如 \"年化24%\"、\"月息2分\"、\"日息万分之五\"，或 { annual = \"24%\" }"
                        .to_string(),
                );
                None
            }
        }
    }

    pub(super) fn choice<T>(
        &mut self,
        v: &Spanned<Value>,
        parse: impl Fn(&str) -> Option<T>,
        allowed: &str,
    ) -> Option<T> {
        let s = self.string(v)?;
        let parsed = parse(&s);
        if parsed.is_none() {
            self.err(v.span(), format!("无法识别“{s}”。可选：{allowed}"));
        }
        parsed
    }
}

fn parse_date_text(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    for fmt in ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"] {
        if let Ok(d) = NaiveDate::parse_from_str(s, fmt) {
            return Some(d);
        }
    }
    None
}

fn describe(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "文字",
        Value::Integer(_) => "整数",
        Value::Float(_) => "小数",
        Value::Boolean(_) => "true/false",
        Value::Datetime(_) => "日期",
        Value::Array(_) => "数组",
        Value::Table(_) => "表",
    }
}
