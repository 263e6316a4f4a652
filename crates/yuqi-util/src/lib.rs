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

/// `2026年11月24日`: a date as Chinese readers write it, in letters, reports and charts alike.
pub fn date_zh(d: NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// Escapes text for HTML, SVG and XML, in element content and in quoted attributes alike.
///
/// `&`, `<`, `>`, `"` and `'` become entities, and control characters other than newline and
/// tab are dropped: they are invalid in XML 1.0 (an SVG with one does not display at all) and
/// mean nothing in a page. Collectors' messages are hostile input, so one function that is
/// safe everywhere beats a faster one per context.
pub fn escape_markup(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// SplitMix64: a tiny, fast random stream that is the same on every machine and in any
/// language, for synthetic data (benchmarks, property tests, generated logs) that must be
/// reproducible from its seed. Not for anything secret.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 53 bits.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.next_f64()
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_escaping_covers_every_significant_character() {
        assert_eq!(
            escape_markup("<a href=\"x\" title='y'>&amp;</a>"),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;"
        );
        // Control characters are dropped, newline and tab kept, other text untouched.
        assert_eq!(escape_markup("催收\u{1}短信\r\n\t逾期"), "催收短信\n\t逾期");
    }

    #[test]
    fn splitmix64_matches_the_published_reference_stream() {
        // First outputs for seed 1234567 from the reference implementation (Vigna).
        let mut r = SplitMix64::new(1_234_567);
        assert_eq!(r.next_u64(), 6_457_827_717_110_365_317);
        assert_eq!(r.next_u64(), 3_203_168_211_198_807_973);
        let mut a = SplitMix64::new(7);
        let mut b = SplitMix64::new(7);
        for _ in 0..100 {
            let x = a.uniform(2.0, 3.0);
            assert!((2.0..3.0).contains(&x));
            assert_eq!(x.to_bits(), b.uniform(2.0, 3.0).to_bits());
            assert!(a.below(10) < 10);
            b.below(10);
        }
    }
}

/// The width a chart is drawn for. A chart drawn for a page and scaled down to a phone's
/// 360 pixels has 5-pixel text; the narrow drawing has fewer labels and type that stays legible.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartWidth {
    Wide,
    Narrow,
}
