//! Period arithmetic of 民法典 201–203: the first day is not counted; a period in
//! years or months ends on the corresponding day (month end when there is none);
//! an end that falls on a rest day moves to the next working day.

use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;
use yuqi_law::{RestDay, law};

/// The end of a period, with how it was reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PeriodEnd {
    /// The corresponding day before any move for rest days.
    pub raw: NaiveDate,
    /// The last day of the period (inclusive).
    pub end: NaiveDate,
    /// Rest days skipped to reach `end`.
    pub skipped: Vec<(NaiveDate, RestDay)>,
    /// No official holiday notice is in the data for the year of `raw`: only
    /// weekends were considered.
    pub holidays_unknown: bool,
}

impl PeriodEnd {
    pub fn explanation(&self) -> String {
        if self.skipped.is_empty() {
            return format!("{}", self.end);
        }
        let reasons: Vec<String> = self.skipped.iter().map(|(d, r)| format!("{d}（{}）", r.label_zh())).collect();
        format!("{} 是休息日（{}），顺延至 {}", self.raw, reasons.join("、"), self.end)
    }
}

/// `anchor + months`, clamped to month end (31 Jan + 1 month = 28/29 Feb).
pub fn add_months(anchor: NaiveDate, months: u32) -> NaiveDate {
    anchor.checked_add_months(Months::new(months)).unwrap_or(anchor)
}

/// The last day of a period of `months` counted from the day after `anchor`.
pub fn period_end(anchor: NaiveDate, months: u32) -> PeriodEnd {
    let raw = add_months(anchor, months);
    let cal = law().calendar();
    let (end, skipped) = cal.next_working_day(raw);
    PeriodEnd { raw, end, skipped, holidays_unknown: !cal.covers(raw.year()) }
}

pub fn years_to_months(years: u32) -> u32 {
    years * 12
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn leap_day_anchor_ends_on_february_28() {
        // 2024-02-29 + 3 years has no 29th: the month end, 2027-02-28 (a Sunday in
        // 2027 → moved to the next working day).
        let e = period_end(d("2024-02-29"), 36);
        assert_eq!(e.raw, d("2027-02-28"));
        assert!(e.end >= e.raw);
    }

    #[test]
    fn weekday_end_is_not_moved() {
        let e = period_end(d("2021-03-10"), 36); // 2024-03-10 is a Sunday
        assert_eq!(e.raw, d("2024-03-10"));
        assert_eq!(e.end, d("2024-03-11"));
        let e = period_end(d("2021-03-11"), 36); // 2024-03-11 is a Monday
        assert_eq!(e.end, d("2024-03-11"));
        assert!(e.skipped.is_empty());
    }
}
