//! Small helpers shared by every yuqi crate, so that each exists once.
//!
//! Only `china_today` touches the outside world (the clock): pure crates never call it; the
//! shells (CLI, web app, store) decide "today" once and pass the date down explicitly.

use chrono::NaiveDate;

/// Today's calendar date in China (UTC+8, no daylight saving): legal dates are Chinese
/// calendar days, whatever the machine's time zone.
pub fn china_today() -> NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
}
