//! The dates a computation depends on, always explicit.

use chrono::NaiveDate;

/// Every date the pipeline uses. The shell fills `today` from the clock (China's calendar day,
/// `yuqi_util::china_today`); the rest are the user's overrides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dates {
    /// Today in China: the as-of date when neither the user nor the case file gives one.
    pub today: NaiveDate,
    /// The user's as-of date; wins over the case file's `as_of`.
    pub as_of: Option<NaiveDate>,
    /// The date a suit was filed (the caps of private lending depend on it); wins over the case
    /// file's `filing_date`.
    pub filing_date: Option<NaiveDate>,
    /// The date printed under a letter's signature; `today` when not given.
    pub written: Option<NaiveDate>,
}

impl Dates {
    /// Only today known: the case file's dates apply.
    pub fn today(today: NaiveDate) -> Dates {
        Dates { today, as_of: None, filing_date: None, written: None }
    }

    /// The as-of date for `case`: the user's, else the case file's, else today.
    pub fn as_of_for(&self, case: &yuqi_case::Case) -> NaiveDate {
        self.as_of.or(case.as_of).unwrap_or(self.today)
    }

    /// The date a document is written.
    pub fn written(&self) -> NaiveDate {
        self.written.unwrap_or(self.today)
    }
}
