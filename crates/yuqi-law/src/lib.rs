//! Chinese legal parameters and statute texts, as dated and cited data.
//!
//! Everything the engines need to know about the law lives in `data/` as TOML:
//! `parameters.toml` (rate caps, multiples, day counts — each value with the
//! dates it holds and a citation), `lpr.toml` (every one-year/five-year LPR
//! publication), `rules.toml` (the rules the engines apply, each citing the
//! articles that decide it) and `statutes/` (the article texts themselves).
//! `build.rs` refuses to build if any of it is inconsistent.
//!
//! Nothing here does I/O: the files are embedded at compile time and parsed once.
//! Look-ups take the legally relevant date explicitly; there is no "today".

mod calendar;
mod numerals;
#[allow(dead_code, unreachable_pub)]
mod schema;

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

pub use calendar::{Calendar, RestDay, YearNotice};
pub use numerals::{chinese_count, normalise_article_number};

include!(concat!(env!("OUT_DIR"), "/statute_files.rs"));

const PARAMETERS: &str = include_str!("../data/parameters.toml");
const LPR: &str = include_str!("../data/lpr.toml");
const RULES: &str = include_str!("../data/rules.toml");
const HOLIDAYS: &str = include_str!("../data/holidays.toml");
const BENCHMARK: &str = include_str!("../data/bank_benchmark.toml");

/// How far a legal statement has been checked (docs/law/README.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Confidence {
    /// Read in the official text (or a faithful mirror of it).
    #[serde(rename = "V")]
    Verified,
    /// From secondary sources quoting or summarising the rule.
    #[serde(rename = "S")]
    Secondary,
    /// From memory; a lead, not a fact.
    #[serde(rename = "M")]
    Memory,
}

impl Confidence {
    fn parse(s: &str) -> Confidence {
        match s {
            "V" => Confidence::Verified,
            "S" => Confidence::Secondary,
            _ => Confidence::Memory,
        }
    }

    pub fn mark(self) -> &'static str {
        match self {
            Confidence::Verified => "V",
            Confidence::Secondary => "S",
            Confidence::Memory => "M",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Confidence::Verified => "已核对原文",
            Confidence::Secondary => "二手资料",
            Confidence::Memory => "未核实",
        }
    }
}

/// A pointer to one article of one document in `data/statutes`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Citation {
    pub doc: String,
    pub article: String,
    pub confidence: Confidence,
}

impl Citation {
    /// `《民法典》第670条` — human-readable, resolved against the law data.
    pub fn label(&self) -> String {
        law().citation_label(&self.doc, &self.article)
    }
}

impl fmt::Display for Citation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]", self.label(), self.confidence.mark())
    }
}

/// A parameter's value on a given date.
#[derive(Clone, Debug, Serialize)]
pub struct ParamAt {
    pub id: &'static str,
    pub label: &'static str,
    pub unit: &'static str,
    /// The raw value as written in the data (a decimal or a date).
    pub value: &'static str,
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
    pub citation: Citation,
    pub note: &'static str,
}

impl ParamAt {
    pub fn decimal(&self) -> Decimal {
        // The build validated every numeric value; a parse failure here is a bug.
        Decimal::from_str(self.value).unwrap_or_else(|_| panic!("parameter {} is not numeric", self.id))
    }

    pub fn date(&self) -> NaiveDate {
        schema::parse_date(self.value).unwrap_or_else(|| panic!("parameter {} is not a date", self.id))
    }

    /// The value as a borrower reads it in a sentence: rates and ratios as a percentage without
    /// trailing zeros (`0.24` → `24%`, `0.0005` → `0.05%`), counts as a plain number (`5`), dates
    /// as `2020年8月20日`. Prose that states a legal number formats it from here, so the text
    /// always says what the law data says for the date that matters.
    pub fn prose(&self) -> String {
        match self.unit {
            "rate" | "rate_per_day" | "ratio" => format!("{}%", (self.decimal() * Decimal::ONE_HUNDRED).normalize()),
            "date" => self.date().format("%Y年%-m月%-d日").to_string(),
            _ => self.decimal().normalize().to_string(),
        }
    }

    /// Like [`ParamAt::prose`], but a whole count below 100 in Chinese numerals (`3` → `三`,
    /// `20` → `二十`), for sentences that write numbers of years the formal way.
    pub fn prose_zh(&self) -> String {
        match self.whole_count() {
            Some(n) => chinese_count(n),
            None => self.prose(),
        }
    }

    fn whole_count(&self) -> Option<u32> {
        if matches!(self.unit, "rate" | "rate_per_day" | "ratio" | "date") {
            return None;
        }
        let d = self.decimal();
        if d.fract().is_zero() { d.normalize().to_string().parse().ok() } else { None }
    }
}

/// One published LPR, found for a date.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct LprAt {
    /// The one-year LPR as a fraction (0.0385 for 3.85%).
    pub one_year: Decimal,
    pub five_year: Decimal,
    /// The publication the value comes from (on or before the asked date).
    pub published: NaiveDate,
    /// True when the asked date is after the newest verified publication, so the
    /// value is only presumed unchanged.
    pub unverified: bool,
    pub last_verified: NaiveDate,
}

/// The term bands of the PBoC benchmark lending rates (贷款基准利率的期限档次).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BenchmarkTerm {
    /// 六个月以内（含六个月）.
    UpToSixMonths,
    /// 六个月至一年（含一年）.
    UpToOneYear,
    /// 一至三年（含三年）.
    UpToThreeYears,
    /// 三至五年（含五年）.
    UpToFiveYears,
    /// 五年以上.
    OverFiveYears,
}

impl BenchmarkTerm {
    /// The band of a loan of `months` whole or begun months (a term of six months and a day is
    /// in the six-months-to-one-year band).
    pub fn from_months(months: u32) -> BenchmarkTerm {
        match months {
            0..=6 => BenchmarkTerm::UpToSixMonths,
            7..=12 => BenchmarkTerm::UpToOneYear,
            13..=36 => BenchmarkTerm::UpToThreeYears,
            37..=60 => BenchmarkTerm::UpToFiveYears,
            _ => BenchmarkTerm::OverFiveYears,
        }
    }

    /// The band's name as the PBoC tables print it.
    pub fn label_zh(self) -> &'static str {
        match self {
            BenchmarkTerm::UpToSixMonths => "六个月以内（含六个月）",
            BenchmarkTerm::UpToOneYear => "六个月至一年（含一年）",
            BenchmarkTerm::UpToThreeYears => "一至三年（含三年）",
            BenchmarkTerm::UpToFiveYears => "三至五年（含五年）",
            BenchmarkTerm::OverFiveYears => "五年以上",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// A PBoC benchmark lending rate found for a date and a term.
#[derive(Clone, Debug, Serialize)]
pub struct BenchmarkAt {
    /// The annual rate as a fraction (0.0435 for 4.35%).
    pub rate: Decimal,
    pub term: BenchmarkTerm,
    /// The day the change that set this rate took effect (on or before the asked date).
    pub effective: NaiveDate,
    /// The row's sources (keys explained in `data/bank_benchmark.toml`).
    pub sources: Vec<&'static str>,
    pub citation: Citation,
    pub note: &'static str,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    /// Decided by the cited texts.
    Law,
    /// Court practice or unsettled: results are reported as disputed.
    Practice,
    /// How yuqi computes something.
    Method,
}

#[derive(Clone, Debug, Serialize)]
pub struct Rule {
    pub id: &'static str,
    pub kind: RuleKind,
    pub title: &'static str,
    pub summary: &'static str,
    pub cites: Vec<Citation>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Article {
    pub number: &'static str,
    pub label: &'static str,
    pub confidence: Confidence,
    /// verbatim | excerpt | summary
    pub text_kind: &'static str,
    pub text: &'static str,
    pub note: &'static str,
}

#[derive(Clone, Debug, Serialize)]
pub struct Document {
    pub id: &'static str,
    pub title: &'static str,
    pub short: &'static str,
    pub aliases: Vec<&'static str>,
    pub doc_number: &'static str,
    pub issuer: &'static str,
    pub kind: &'static str,
    pub adopted: Option<NaiveDate>,
    pub in_force: Option<NaiveDate>,
    pub source: &'static str,
    pub url: &'static str,
    pub articles: Vec<Article>,
}

impl Document {
    pub fn article(&self, number: &str) -> Option<&Article> {
        let wanted = normalise_article_number(number);
        self.articles.iter().find(|a| a.number == wanted)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LawError {
    #[error("unknown legal parameter {0}")]
    UnknownParam(String),
    #[error("parameter {id} has no value in force on {date}")]
    NoValueOn { id: String, date: NaiveDate },
    #[error("no one-year LPR was published on or before {0} (the LPR exists since 2019-08-20)")]
    NoLprBefore(NaiveDate),
    #[error("unknown rule {0}")]
    UnknownRule(String),
    #[error("no PBoC benchmark lending rate in the law data on or before {date} (the table begins on {first})")]
    NoBenchmarkBefore { date: NaiveDate, first: NaiveDate },
}

struct ParamEntry {
    id: &'static str,
    label: &'static str,
    unit: &'static str,
    values: Vec<(NaiveDate, Option<NaiveDate>, &'static str, Citation, &'static str)>,
}

struct LprRow {
    date: NaiveDate,
    one_year: Decimal,
    five_year: Decimal,
}

struct BenchmarkRow {
    date: NaiveDate,
    /// By [`BenchmarkTerm::index`].
    rates: [Decimal; 5],
    sources: Vec<&'static str>,
    confidence: Confidence,
    note: &'static str,
}

/// All law data, indexed. Obtain it with [`law()`].
pub struct Law {
    benchmark: Vec<BenchmarkRow>,
    benchmark_doc: (String, String),
    params: HashMap<&'static str, ParamEntry>,
    lpr: Vec<LprRow>,
    lpr_citation: Citation,
    lpr_last_verified: NaiveDate,
    rules: Vec<Rule>,
    docs: Vec<Document>,
    calendar: Calendar,
}

impl fmt::Debug for Law {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Law")
            .field("params", &self.params.len())
            .field("lpr_rows", &self.lpr.len())
            .field("rules", &self.rules.len())
            .field("documents", &self.docs.len())
            .finish()
    }
}

/// The embedded law data, parsed on first use.
pub fn law() -> &'static Law {
    static LAW: OnceLock<Law> = OnceLock::new();
    LAW.get_or_init(Law::load)
}

fn leak(s: String) -> &'static str {
    // The law data lives for the whole program; leaking once at start-up avoids
    // lifetimes on every public type without copying on each look-up.
    Box::leak(s.into_boxed_str())
}

fn date(s: &str) -> Option<NaiveDate> {
    if s.is_empty() { None } else { schema::parse_date(s) }
}

impl Law {
    fn load() -> Law {
        let ds = schema::parse_all(PARAMETERS, LPR, RULES, HOLIDAYS, STATUTE_FILES)
            .unwrap_or_else(|e| panic!("embedded law data does not parse (the build should have caught this): {e:?}"));
        let confidence_of = |docs: &[Document], doc: &str, article: &str| {
            docs.iter()
                .find(|d| d.id == doc)
                .and_then(|d| d.articles.iter().find(|a| a.number == article))
                .map_or(Confidence::Memory, |a| a.confidence)
        };

        let docs: Vec<Document> = ds
            .docs
            .into_iter()
            .map(|d| Document {
                id: leak(d.id),
                title: leak(d.title),
                short: leak(d.short),
                aliases: d.aliases.into_iter().map(leak).collect(),
                doc_number: leak(d.doc_number),
                issuer: leak(d.issuer),
                kind: leak(d.kind),
                adopted: date(&d.adopted),
                in_force: date(&d.in_force),
                source: leak(d.source),
                url: leak(d.url),
                articles: d
                    .article
                    .into_iter()
                    .map(|a| Article {
                        number: leak(a.number),
                        label: leak(a.label),
                        confidence: Confidence::parse(&a.confidence),
                        text_kind: leak(a.text_kind),
                        text: leak(a.text),
                        note: leak(a.note),
                    })
                    .collect(),
            })
            .collect();

        let params = ds
            .params
            .param
            .into_iter()
            .map(|p| {
                let id = leak(p.id);
                let entry = ParamEntry {
                    id,
                    label: leak(p.label),
                    unit: leak(p.unit),
                    values: p
                        .values
                        .into_iter()
                        .map(|v| {
                            let citation = Citation {
                                confidence: Confidence::parse(&v.confidence),
                                doc: v.doc,
                                article: v.article,
                            };
                            (
                                schema::parse_date(&v.from).unwrap_or_default(),
                                v.until.as_deref().and_then(schema::parse_date),
                                leak(v.value),
                                citation,
                                leak(v.note),
                            )
                        })
                        .collect(),
                };
                (id, entry)
            })
            .collect();

        let pct = |s: &str| Decimal::from_str(s).unwrap_or_default() / Decimal::ONE_HUNDRED;
        let lpr = ds
            .lpr
            .rows
            .iter()
            .map(|r| LprRow {
                date: schema::parse_date(&r.date).unwrap_or_default(),
                one_year: pct(&r.y1),
                five_year: pct(&r.y5),
            })
            .collect();
        let lpr_citation =
            Citation { confidence: Confidence::parse(&ds.lpr.confidence), doc: ds.lpr.doc, article: ds.lpr.article };

        let rules = ds
            .rules
            .rule
            .into_iter()
            .map(|r| Rule {
                kind: match r.kind.as_str() {
                    "law" => RuleKind::Law,
                    "practice" => RuleKind::Practice,
                    _ => RuleKind::Method,
                },
                cites: r
                    .cites
                    .iter()
                    .map(|c| Citation {
                        confidence: confidence_of(&docs, &c.doc, &c.article),
                        doc: c.doc.clone(),
                        article: c.article.clone(),
                    })
                    .collect(),
                id: leak(r.id),
                title: leak(r.title),
                summary: leak(r.summary),
            })
            .collect();

        let bench = schema::parse_benchmark(BENCHMARK).unwrap_or_else(|e| {
            panic!("embedded benchmark table does not parse (the build should have caught this): {e:?}")
        });
        let benchmark = bench
            .rows
            .into_iter()
            .map(|r| BenchmarkRow {
                date: schema::parse_date(&r.date).unwrap_or_default(),
                rates: [pct(&r.m6), pct(&r.y1), pct(&r.y3), pct(&r.y5), pct(&r.y5plus)],
                sources: r.sources.into_iter().map(leak).collect(),
                confidence: Confidence::parse(&r.confidence),
                note: leak(r.note),
            })
            .collect();

        let calendar = Calendar::from_data(&ds.holidays);
        Law {
            benchmark,
            benchmark_doc: (bench.doc, bench.article),
            calendar,
            params,
            lpr,
            lpr_citation,
            lpr_last_verified: schema::parse_date(&ds.lpr.last_verified).unwrap_or_default(),
            rules,
            docs,
        }
    }

    /// The value of parameter `id` in force on `on`.
    pub fn param(&self, id: &str, on: NaiveDate) -> Result<ParamAt, LawError> {
        let entry = self.params.get(id).ok_or_else(|| LawError::UnknownParam(id.to_string()))?;
        let n = entry.values.len();
        for (i, (from, until, value, citation, note)) in entry.values.iter().enumerate() {
            let implied_until = if i + 1 < n { entry.values[i + 1].0.pred_opt() } else { None };
            let end = until.or(implied_until);
            if on >= *from && end.is_none_or(|e| on <= e) {
                return Ok(ParamAt {
                    id: entry.id,
                    label: entry.label,
                    unit: entry.unit,
                    value,
                    from: *from,
                    until: end,
                    citation: citation.clone(),
                    note,
                });
            }
        }
        Err(LawError::NoValueOn { id: id.to_string(), date: on })
    }

    /// [`ParamAt::prose_zh`] of parameter `id` in force on `on`: a count in Chinese numerals.
    pub fn param_prose_zh(&self, id: &str, on: NaiveDate) -> Result<String, LawError> {
        self.param(id, on).map(|p| p.prose_zh())
    }

    /// [`ParamAt::prose`] of parameter `id` in force on `on`: the form in which user-facing text
    /// states a legal number.
    pub fn param_prose(&self, id: &str, on: NaiveDate) -> Result<String, LawError> {
        self.param(id, on).map(|p| p.prose())
    }

    /// Every parameter id, sorted.
    pub fn param_ids(&self) -> Vec<&'static str> {
        let mut ids: Vec<_> = self.params.values().map(|p| p.id).collect();
        ids.sort_unstable();
        ids
    }

    /// A parameter's first value. For the values the data records as facts about the past (the
    /// day a rule took effect), which do not depend on the date a case is looked at.
    pub fn param_first(&self, id: &str) -> Result<ParamAt, LawError> {
        let entry = self.params.get(id).ok_or_else(|| LawError::UnknownParam(id.to_string()))?;
        let from = entry.values.first().map(|v| v.0).ok_or_else(|| LawError::UnknownParam(id.to_string()))?;
        self.param(id, from)
    }

    /// The value in force on `on`, or the first value for a date before the data's first one —
    /// for rules applied to what is still to come (a judgment not yet given is enforced under
    /// the rules of its own time, never older ones).
    pub fn param_or_first(&self, id: &str, on: NaiveDate) -> Result<ParamAt, LawError> {
        match self.param(id, on) {
            Ok(p) => Ok(p),
            Err(e) => match self.param_first(id) {
                Ok(first) if on < first.from => Ok(first),
                _ => Err(e),
            },
        }
    }

    /// Every dated value of a parameter (for listings).
    pub fn param_history(&self, id: &str) -> Result<Vec<ParamAt>, LawError> {
        let entry = self.params.get(id).ok_or_else(|| LawError::UnknownParam(id.to_string()))?;
        entry.values.iter().map(|(from, _, _, _, _)| self.param(id, *from)).collect()
    }

    /// The LPR published on or before `on` (docs/law/formulas.md: the latest
    /// one-year LPR published on or before the date).
    pub fn lpr(&self, on: NaiveDate) -> Result<LprAt, LawError> {
        let idx = self.lpr.partition_point(|r| r.date <= on);
        if idx == 0 {
            return Err(LawError::NoLprBefore(on));
        }
        let row = &self.lpr[idx - 1];
        Ok(LprAt {
            one_year: row.one_year,
            five_year: row.five_year,
            published: row.date,
            unverified: on > self.lpr_last_verified,
            last_verified: self.lpr_last_verified,
        })
    }

    /// All LPR publications: `(date, one-year, five-year)` as fractions.
    pub fn lpr_rows(&self) -> impl Iterator<Item = (NaiveDate, Decimal, Decimal)> + '_ {
        self.lpr.iter().map(|r| (r.date, r.one_year, r.five_year))
    }

    pub fn lpr_citation(&self) -> &Citation {
        &self.lpr_citation
    }

    /// The PBoC benchmark lending rate in force on `on` for a loan of `term_months` (whole or
    /// begun months; [`BenchmarkTerm::from_months`]): the latest change on or before the date. The
    /// table ends with the change of 2015-10-24, which stayed in force; dates before its first row
    /// are an error naming that row's date.
    pub fn bank_benchmark(&self, on: NaiveDate, term_months: u32) -> Result<BenchmarkAt, LawError> {
        self.bank_benchmark_for(on, BenchmarkTerm::from_months(term_months))
    }

    /// [`Law::bank_benchmark`] for a term band.
    pub fn bank_benchmark_for(&self, on: NaiveDate, term: BenchmarkTerm) -> Result<BenchmarkAt, LawError> {
        let idx = self.benchmark.partition_point(|r| r.date <= on);
        if idx == 0 {
            return Err(LawError::NoBenchmarkBefore { date: on, first: self.bank_benchmark_first() });
        }
        let row = &self.benchmark[idx - 1];
        Ok(BenchmarkAt {
            rate: row.rates[term.index()],
            term,
            effective: row.date,
            sources: row.sources.clone(),
            citation: Citation {
                doc: self.benchmark_doc.0.clone(),
                article: self.benchmark_doc.1.clone(),
                confidence: row.confidence,
            },
            note: row.note,
        })
    }

    /// The date of the first benchmark rate the law data has.
    pub fn bank_benchmark_first(&self) -> NaiveDate {
        self.benchmark.first().map(|r| r.date).unwrap_or_default()
    }

    pub fn rule(&self, id: &str) -> Result<&Rule, LawError> {
        self.rules.iter().find(|r| r.id == id).ok_or_else(|| LawError::UnknownRule(id.to_string()))
    }

    /// Official holidays and adjusted working days (民法典 203).
    pub fn calendar(&self) -> &Calendar {
        &self.calendar
    }

    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    pub fn documents(&self) -> &[Document] {
        &self.docs
    }

    /// Finds a document by id, short name, title, 文号 or alias. When several
    /// versions share a name (e.g. 民间借贷规定 2015 and 2020), the one in force
    /// latest wins; ask for the other by its 文号 or id.
    pub fn document(&self, name: &str) -> Option<&Document> {
        let name = name.trim().trim_start_matches('《').trim_end_matches('》');
        if let Some(d) = self.docs.iter().find(|d| d.id == name) {
            return Some(d);
        }
        self.docs
            .iter()
            .filter(|d| {
                d.short == name
                    || d.title == name
                    || (!d.doc_number.is_empty() && d.doc_number == name)
                    || d.aliases.contains(&name)
            })
            .max_by_key(|d| d.in_force)
    }

    pub fn article(&self, doc: &str, number: &str) -> Option<(&Document, &Article)> {
        let d = self.document(doc)?;
        d.article(number).map(|a| (d, a))
    }

    /// `《民法典》第670条`; falls back to the raw ids if the data lacks them.
    pub fn citation_label(&self, doc: &str, article: &str) -> String {
        let Some(d) = self.docs.iter().find(|d| d.id == doc) else {
            return format!("{doc} {article}");
        };
        format!("{}{}", doc_label(d), article_label(d, article))
    }

    /// Citations grouped by document, in order: `《刑法》第193条、第196条`.
    pub fn citation_labels_grouped(&self, cites: &[Citation]) -> Vec<String> {
        let mut out: Vec<(String, Vec<String>)> = Vec::new();
        for c in cites {
            let Some(d) = self.docs.iter().find(|d| d.id == c.doc) else {
                out.push((format!("{} ", c.doc), vec![c.article.clone()]));
                continue;
            };
            let name = doc_label(d);
            let art = article_label(d, &c.article);
            match out.iter_mut().find(|(n, _)| *n == name) {
                Some((_, arts)) => arts.push(art),
                None => out.push((name, vec![art])),
            }
        }
        out.into_iter().map(|(name, arts)| format!("{name}{}", arts.join("、"))).collect()
    }
}

/// `《民间借贷规定》（法释〔2020〕17号）`: short name and the first 文号 only.
fn doc_label(d: &Document) -> String {
    let number = d.doc_number.split('（').next().unwrap_or("").trim();
    if number.is_empty() || number == d.short {
        format!("《{}》", d.short)
    } else {
        format!("《{}》（{}）", d.short, number)
    }
}

fn article_label(d: &Document, article: &str) -> String {
    let is_digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    match article.split_once('-') {
        Some((n, k)) if is_digits(n) && is_digits(k) => format!("第{n}条之{}", numerals::small_chinese(k)),
        _ if is_digits(article) => format!("第{article}条"),
        _ => {
            d.articles.iter().find(|a| a.number == article).map_or_else(|| article.to_string(), |a| a.label.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
    }

    /// The first value stands in only before the data begins, never in a gap after an `until`.
    #[test]
    fn first_values() {
        let l = law();
        assert_eq!(l.param_first("private_lending.new_rules_from").expect("first").date(), d("2020-08-20"));
        let early = l.param_or_first("enforcement.delay_interest_daily_rate", d("2010-01-01")).expect("first");
        assert_eq!(early.from, d("2014-08-01"));
        assert!(l.param("enforcement.delay_interest_daily_rate", d("2010-01-01")).is_err());
        // The card cap ended on 2020-12-31: a later date is not given the first value.
        assert!(l.param_or_first("credit_card.daily_rate_cap", d("2022-01-01")).is_err());
        assert!(matches!(l.param_first("no.such.param"), Err(LawError::UnknownParam(_))));
    }

    #[test]
    fn embedded_data_is_valid() {
        let ds = schema::parse_all(PARAMETERS, LPR, RULES, HOLIDAYS, STATUTE_FILES).expect("parses");
        assert_eq!(schema::validate(&ds), Vec::<String>::new());
    }

    #[test]
    fn validation_catches_a_missing_citation() {
        let broken =
            PARAMETERS.replacen("doc = \"private_lending_2020\", article = \"25\"", "doc = \"\", article = \"\"", 1);
        let ds = schema::parse_all(&broken, LPR, RULES, HOLIDAYS, STATUTE_FILES).expect("parses");
        let problems = schema::validate(&ds);
        assert!(
            problems.iter().any(|p| p.contains("private_lending.lpr_multiple") && p.contains("citation")),
            "{problems:?}"
        );
    }

    #[test]
    fn validation_catches_an_unknown_article() {
        let broken = RULES.replacen(
            "{ doc = \"civil_code\", article = \"561\" }",
            "{ doc = \"civil_code\", article = \"99999\" }",
            1,
        );
        let ds = schema::parse_all(PARAMETERS, LPR, &broken, HOLIDAYS, STATUTE_FILES).expect("parses");
        let problems = schema::validate(&ds);
        assert!(problems.iter().any(|p| p.contains("payment_order") && p.contains("99999")), "{problems:?}");
    }

    #[test]
    fn validation_catches_lpr_rows_out_of_order() {
        let broken = LPR.replacen("{ date = \"2019-09-20\"", "{ date = \"2019-08-01\"", 1);
        let ds = schema::parse_all(PARAMETERS, &broken, RULES, HOLIDAYS, STATUTE_FILES).expect("parses");
        assert!(schema::validate(&ds).iter().any(|p| p.contains("out of order")));
    }

    #[test]
    fn lpr_lookup_uses_the_publication_on_or_before_the_date() {
        let l = law();
        assert_eq!(l.lpr(d("2024-10-21")).expect("lpr").one_year, Decimal::new(310, 4));
        assert_eq!(l.lpr(d("2024-10-20")).expect("lpr").one_year, Decimal::new(335, 4));
        assert_eq!(l.lpr(d("2019-08-20")).expect("lpr").one_year, Decimal::new(425, 4));
        assert!(matches!(l.lpr(d("2019-08-19")), Err(LawError::NoLprBefore(_))));
        let late = l.lpr(d("2026-11-24")).expect("lpr");
        assert!(late.unverified);
        assert_eq!(late.published, d("2026-08-20"));
        assert!(!l.lpr(d("2026-08-20")).expect("lpr").unverified);
    }

    #[test]
    fn benchmark_rates_by_date_and_term() {
        let l = law();
        let at = |date: &str, months: u32| l.bank_benchmark(d(date), months).expect("benchmark").rate;
        // The last change: one year 4.35 %, one to five years 4.75 %, over five years 4.90 %.
        assert_eq!(at("2015-10-24", 12), Decimal::new(435, 4));
        assert_eq!(at("2015-10-24", 6), Decimal::new(435, 4));
        assert_eq!(at("2015-10-24", 36), Decimal::new(475, 4));
        assert_eq!(at("2015-10-24", 61), Decimal::new(490, 4));
        // It stays in force after the table ends.
        assert_eq!(at("2019-01-01", 12), Decimal::new(435, 4));
        // The day before a change takes the earlier row.
        assert_eq!(at("2015-10-23", 12), Decimal::new(460, 4));
        // 2011-07-07: six months 6.10 %, one year 6.56 %, three to five years 6.90 %.
        assert_eq!(at("2012-01-01", 6), Decimal::new(610, 4));
        assert_eq!(at("2012-01-01", 12), Decimal::new(656, 4));
        assert_eq!(at("2012-01-01", 7), Decimal::new(656, 4));
        assert_eq!(at("2012-01-01", 48), Decimal::new(690, 4));
        // 2012-07-06: six months 5.60 % (the rate a Gansu court used for a two-month loan of 2012-07-20).
        let b = l.bank_benchmark(d("2012-07-20"), 2).expect("benchmark");
        assert_eq!(
            (b.rate, b.effective, b.term),
            (Decimal::new(560, 4), d("2012-07-06"), BenchmarkTerm::UpToSixMonths)
        );
        assert_eq!(b.citation.doc, "pboc_benchmark_lending_rates");
        // The first row, and nothing before it.
        assert_eq!(at("1991-04-21", 12), Decimal::new(864, 4));
        assert_eq!(l.bank_benchmark_first(), d("1991-04-21"));
        assert!(matches!(l.bank_benchmark(d("1991-04-20"), 12), Err(LawError::NoBenchmarkBefore { .. })));
    }

    #[test]
    fn benchmark_validation_catches_rows_out_of_order() {
        let ds = schema::parse_all(PARAMETERS, LPR, RULES, HOLIDAYS, STATUTE_FILES).expect("parses");
        let ok = schema::parse_benchmark(BENCHMARK).expect("parses");
        assert_eq!(schema::validate_benchmark(&ok, &ds), Vec::<String>::new());
        let broken = BENCHMARK.replacen("{ date = \"1993-05-15\"", "{ date = \"1990-01-01\"", 1);
        let b = schema::parse_benchmark(&broken).expect("parses");
        assert!(schema::validate_benchmark(&b, &ds).iter().any(|p| p.contains("out of order")));
    }

    #[test]
    fn parameters_are_chosen_by_date() {
        let l = law();
        let old = l.param("private_lending.old.enforceable_cap", d("2020-08-19")).expect("in force");
        assert_eq!(old.decimal(), Decimal::new(24, 2));
        assert!(matches!(
            l.param("private_lending.old.enforceable_cap", d("2020-08-20")),
            Err(LawError::NoValueOn { .. })
        ));
        assert!(matches!(l.param("private_lending.lpr_multiple", d("2020-08-19")), Err(LawError::NoValueOn { .. })));
        assert_eq!(
            l.param("private_lending.lpr_multiple", d("2020-08-20")).expect("in force").decimal(),
            Decimal::from(4)
        );
        assert!(matches!(l.param("no.such", d("2020-08-20")), Err(LawError::UnknownParam(_))));
    }

    #[test]
    fn parameters_read_as_prose() {
        let l = law();
        assert_eq!(l.param_prose("financial.judicial_combined_cap", d("2024-01-01")).expect("in force"), "24%");
        assert_eq!(l.param_prose("private_lending.old.void_above", d("2019-01-01")).expect("in force"), "36%");
        assert_eq!(l.param_prose("credit_card.daily_rate_cap", d("2018-01-01")).expect("in force"), "0.05%");
        assert_eq!(l.param_prose("credit.negative_record_years", d("2024-01-01")).expect("in force"), "5");
        assert_eq!(l.param_prose("limitation.general_years", d("2024-01-01")).expect("in force"), "3");
        assert_eq!(l.param_prose("limitation.general_years", d("2017-09-30")).ok(), None);
        assert_eq!(
            l.param_prose("private_lending.new_rules_from", d("2024-01-01")).expect("in force"),
            "2020年8月20日"
        );
        assert_eq!(l.param_prose_zh("limitation.general_years", d("2024-01-01")).expect("in force"), "三");
        assert_eq!(l.param_prose_zh("limitation.absolute_years", d("2024-01-01")).expect("in force"), "二十");
        assert_eq!(l.param_prose_zh("financial.judicial_combined_cap", d("2024-01-01")).expect("in force"), "24%");
    }

    #[test]
    fn documents_are_found_by_any_name() {
        let l = law();
        let (doc, art) = l.article("民法典", "670").expect("民法典 670");
        assert_eq!(doc.id, "civil_code");
        assert!(art.text.contains("预先在本金中扣除"));
        assert_eq!(l.article("中华人民共和国民法典", "第六百七十条").map(|(_, a)| a.number), Some("670"));
        assert_eq!(l.document("民间借贷规定").map(|d| d.id), Some("private_lending_2020"));
        assert_eq!(l.citation_label("civil_code", "670"), "《民法典》第670条");
        assert_eq!(l.citation_label("criminal_law", "293-1"), "《刑法》第293条之一");
        assert_eq!(l.citation_label("private_lending_2020", "26"), "《民间借贷规定》（法释〔2020〕17号）第26条");
    }
}
