//! Official rest days for period arithmetic (民法典 203): the State Council's
//! annual holiday periods, weekends, minus the weekend days it makes working days.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Serialize;

use crate::schema::{HolidayFile, parse_date};

/// Why a day is not a working day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RestDay {
    /// Part of an official holiday period (the name, e.g. 春节).
    Holiday { name: String },
    /// A Saturday or Sunday that the notices did not make a working day.
    Weekend,
}

impl RestDay {
    pub fn label_zh(&self) -> String {
        match self {
            RestDay::Holiday { name } => format!("{name}假期"),
            RestDay::Weekend => "周末".to_string(),
        }
    }
}

/// The notice a year's data comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct YearNotice {
    pub year: i32,
    pub notice: String,
    pub doc_number: String,
    pub url: String,
    pub confidence: String,
}

#[derive(Debug, Clone, Default)]
pub struct Calendar {
    holidays: BTreeMap<NaiveDate, String>,
    workdays: BTreeSet<NaiveDate>,
    notices: BTreeMap<i32, YearNotice>,
}

impl Calendar {
    pub(crate) fn from_data(file: &HolidayFile) -> Calendar {
        let mut c = Calendar::default();
        for y in &file.year {
            for h in &y.holidays {
                if let (Some(mut d), Some(to)) = (parse_date(&h.from), parse_date(&h.to)) {
                    while d <= to {
                        c.holidays.insert(d, h.name.clone());
                        d = d.succ_opt().unwrap_or(to + chrono::Duration::days(1));
                    }
                }
            }
            c.workdays.extend(y.workdays.iter().filter_map(|w| parse_date(w)));
            c.notices.insert(
                y.year,
                YearNotice {
                    year: y.year,
                    notice: y.notice.clone(),
                    doc_number: y.doc_number.clone(),
                    url: y.url.clone(),
                    confidence: y.confidence.clone(),
                },
            );
        }
        c
    }

    /// Is `d` a rest day, and why? Adjusted working days are not rest days.
    pub fn rest_day(&self, d: NaiveDate) -> Option<RestDay> {
        if self.workdays.contains(&d) {
            return None;
        }
        if let Some(name) = self.holidays.get(&d) {
            return Some(RestDay::Holiday { name: name.clone() });
        }
        matches!(d.weekday(), Weekday::Sat | Weekday::Sun).then_some(RestDay::Weekend)
    }

    /// The first working day on or after `d`, with the rest days skipped.
    pub fn next_working_day(&self, d: NaiveDate) -> (NaiveDate, Vec<(NaiveDate, RestDay)>) {
        let mut day = d;
        let mut skipped = Vec::new();
        while let Some(r) = self.rest_day(day) {
            skipped.push((day, r));
            match day.succ_opt() {
                Some(n) => day = n,
                None => break,
            }
        }
        (day, skipped)
    }

    /// Whether the official notice for `year` is in the data (otherwise only
    /// weekends are known for that year).
    pub fn covers(&self, year: i32) -> bool {
        self.notices.contains_key(&year)
    }

    pub fn notice(&self, year: i32) -> Option<&YearNotice> {
        self.notices.get(&year)
    }

    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.notices.keys().copied()
    }
}
