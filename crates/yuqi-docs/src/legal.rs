//! Legal numbers as user-facing text states them. Letters, the dossier, the CLI report and the
//! web pages print a cap, a number of years or a day limit only through these functions, so the
//! figure a borrower reads is the law data's value for the date that matters, never a literal.

use chrono::NaiveDate;
use yuqi_law::law;

/// The parameter's value in force on `on`, as prose writes it (`24%`, `5`); `None` when the
/// law data has no value that day.
pub fn number(id: &str, on: NaiveDate) -> Option<String> {
    law().param_prose(id, on).ok()
}

/// A number of years in force on `on` (`5年`), or `法定年限` when the law data has none that
/// day, so the sentence still reads without inventing a figure.
pub fn years(id: &str, on: NaiveDate) -> String {
    number(id, on).map_or_else(|| "法定年限".to_string(), |n| format!("{n}年"))
}

/// A number of years in Chinese numerals (`三年`, `二十年`), as formal text and the borrower's
/// reports write it; `法定年限` when the law data has none that day.
pub fn years_zh(id: &str, on: NaiveDate) -> String {
    law().param_prose_zh(id, on).map_or_else(|_| "法定年限".to_string(), |n| format!("{n}年"))
}

/// The day count that converts between daily and annual rates on `on`
/// (`day_count.days_per_year`, in force for every date the law data covers).
pub fn days_per_year(on: NaiveDate) -> yuqi_money::Decimal {
    // The parameter holds from 1900; failing here means the embedded law data is broken.
    law().param("day_count.days_per_year", on).map(|p| p.decimal()).expect("the law data gives a day count")
}

/// [`number`], or `fallback` when the law data has no value that day.
pub fn number_or(id: &str, on: NaiveDate, fallback: &str) -> String {
    number(id, on).unwrap_or_else(|| fallback.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn numbers_come_from_the_law_data_for_the_date() {
        assert_eq!(years("credit.negative_record_years", d("2026-11-24")), "5年");
        assert_eq!(number("financial.judicial_combined_cap", d("2026-11-24")).as_deref(), Some("24%"));
        // Before the credit-reporting regulation took effect there is no retention period.
        assert_eq!(years("credit.negative_record_years", d("2013-03-14")), "法定年限");
        assert_eq!(years_zh("limitation.general_years", d("2026-11-24")), "三年");
        assert_eq!(years_zh("limitation.general_years", d("2017-09-30")), "法定年限");
        assert_eq!(number_or("private_lending.new_rules_from", d("2026-11-24"), "新规施行日"), "2020年8月20日");
        assert_eq!(number_or("private_lending.new_rules_from", d("2020-08-19"), "新规施行日"), "新规施行日");
    }
}
