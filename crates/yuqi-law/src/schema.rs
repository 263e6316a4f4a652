//! The on-disk shape of the law data and the checks every data file must pass.
//!
//! This file is compiled twice: by `build.rs` (so that a data error fails the
//! build, with every problem listed) and by the library (which parses the same
//! embedded files at run time). Keep it free of crate-internal imports.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParamFile {
    pub param: Vec<ParamDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParamDef {
    pub id: String,
    pub label: String,
    pub unit: String,
    #[serde(default)]
    pub note: String,
    pub values: Vec<ParamValueDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParamValueDef {
    pub from: String,
    #[serde(default)]
    pub until: Option<String>,
    pub value: String,
    #[serde(default)]
    pub doc: String,
    #[serde(default)]
    pub article: String,
    #[serde(default)]
    pub confidence: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LprFile {
    pub doc: String,
    pub article: String,
    pub confidence: String,
    pub last_verified: String,
    pub rows: Vec<LprRowDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LprRowDef {
    pub date: String,
    pub y1: String,
    pub y5: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    pub rule: Vec<RuleDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDef {
    pub id: String,
    pub kind: String,
    pub title: String,
    pub summary: String,
    #[serde(default)]
    pub cites: Vec<CiteDef>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CiteDef {
    pub doc: String,
    pub article: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocFile {
    pub id: String,
    pub title: String,
    pub short: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub doc_number: String,
    #[serde(default)]
    pub issuer: String,
    pub kind: String,
    #[serde(default)]
    pub adopted: String,
    #[serde(default)]
    pub in_force: String,
    #[serde(default)]
    pub repealed: String,
    pub source: String,
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub article: Vec<ArticleDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArticleDef {
    pub number: String,
    pub label: String,
    pub confidence: String,
    pub text_kind: String,
    pub text: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HolidayFile {
    pub year: Vec<HolidayYear>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HolidayYear {
    pub year: i32,
    pub notice: String,
    #[serde(default)]
    pub doc_number: String,
    #[serde(default)]
    pub url: String,
    pub confidence: String,
    pub holidays: Vec<HolidayRange>,
    #[serde(default)]
    pub workdays: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HolidayRange {
    pub name: String,
    pub from: String,
    pub to: String,
}

/// Everything under `data/`, parsed but not yet indexed.
#[derive(Debug)]
pub struct DataSet {
    pub params: ParamFile,
    pub lpr: LprFile,
    pub rules: RuleFile,
    pub holidays: HolidayFile,
    pub docs: Vec<DocFile>,
}

pub const CONFIDENCE_MARKS: [&str; 3] = ["V", "S", "M"];
pub const DOC_KINDS: [&str; 8] = [
    "law",
    "judicial_interpretation",
    "judicial_document",
    "administrative_regulation",
    "departmental_rule",
    "normative_document",
    "industry_standard",
    "self_regulation",
];
pub const RULE_KINDS: [&str; 3] = ["law", "practice", "method"];
pub const TEXT_KINDS: [&str; 3] = ["verbatim", "excerpt", "summary"];
pub const PARAM_UNITS: [&str; 9] =
    ["rate", "rate_per_day", "ratio", "multiple", "days", "months", "years", "date", "yuan"];

pub fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// Parses the files; `docs` are `(file name, contents)`.
pub fn parse_all(
    params: &str,
    lpr: &str,
    rules: &str,
    holidays: &str,
    docs: &[(&str, &str)],
) -> Result<DataSet, Vec<String>> {
    let mut errors = Vec::new();
    let holidays = toml::from_str::<HolidayFile>(holidays).map_err(|e| errors.push(format!("holidays.toml: {e}"))).ok();
    let params = toml::from_str::<ParamFile>(params).map_err(|e| errors.push(format!("parameters.toml: {e}"))).ok();
    let lpr = toml::from_str::<LprFile>(lpr).map_err(|e| errors.push(format!("lpr.toml: {e}"))).ok();
    let rules = toml::from_str::<RuleFile>(rules).map_err(|e| errors.push(format!("rules.toml: {e}"))).ok();
    let mut parsed_docs = Vec::new();
    for (name, src) in docs {
        match toml::from_str::<DocFile>(src) {
            Ok(d) => {
                if format!("{}.toml", d.id) != *name {
                    errors.push(format!("statutes/{name}: id \"{}\" does not match the file name", d.id));
                }
                parsed_docs.push(d);
            }
            Err(e) => errors.push(format!("statutes/{name}: {e}")),
        }
    }
    match (params, lpr, rules, holidays) {
        (Some(params), Some(lpr), Some(rules), Some(holidays)) if errors.is_empty() => {
            Ok(DataSet { params, lpr, rules, holidays, docs: parsed_docs })
        }
        _ => Err(errors),
    }
}

/// Every rule the data must obey. Returns one line per problem; empty means valid.
pub fn validate(ds: &DataSet) -> Vec<String> {
    let mut p = Vec::new();

    // Documents and their articles.
    let mut articles: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    let mut aliases: BTreeMap<&str, &str> = BTreeMap::new();
    for d in &ds.docs {
        let here = format!("statutes/{}.toml", d.id);
        if articles.insert(d.id.as_str(), BTreeSet::new()).is_some() {
            p.push(format!("{here}: duplicate document id"));
        }
        if !DOC_KINDS.contains(&d.kind.as_str()) {
            p.push(format!("{here}: unknown kind \"{}\"", d.kind));
        }
        if d.title.trim().is_empty() || d.short.trim().is_empty() || d.source.trim().is_empty() {
            p.push(format!("{here}: title, short and source are required"));
        }
        for date in [&d.adopted, &d.in_force, &d.repealed] {
            if !date.is_empty() && parse_date(date).is_none() {
                p.push(format!("{here}: \"{date}\" is not a YYYY-MM-DD date"));
            }
        }
        for a in d.aliases.iter().chain([&d.short, &d.title]) {
            // The same alias may name two versions of one law only if they differ by
            // id; the look-up then prefers the newest. Record the first owner.
            aliases.entry(a.as_str()).or_insert(d.id.as_str());
        }
        if d.article.is_empty() {
            p.push(format!("{here}: no articles"));
        }
        for a in &d.article {
            let at = format!("{here} article {}", a.number);
            if !articles.get_mut(d.id.as_str()).is_some_and(|s| s.insert(a.number.as_str())) {
                p.push(format!("{at}: duplicate article number"));
            }
            if !CONFIDENCE_MARKS.contains(&a.confidence.as_str()) {
                p.push(format!("{at}: confidence must be V, S or M, not \"{}\"", a.confidence));
            }
            if !TEXT_KINDS.contains(&a.text_kind.as_str()) {
                p.push(format!("{at}: unknown text_kind \"{}\"", a.text_kind));
            }
            if a.text.trim().is_empty() {
                p.push(format!("{at}: empty text"));
            }
            if a.number.trim().is_empty() || a.label.trim().is_empty() {
                p.push(format!("{at}: number and label are required"));
            }
        }
    }
    let resolve = |doc: &str, article: &str| -> Option<String> {
        match articles.get(doc) {
            None => Some(format!("cites unknown document \"{doc}\"")),
            Some(arts) if !arts.contains(article) => {
                Some(format!("cites article \"{article}\" which statutes/{doc}.toml does not contain"))
            }
            Some(_) => None,
        }
    };

    // Parameters: every value cited, dates valid, no overlaps.
    let mut ids = BTreeSet::new();
    for param in &ds.params.param {
        let here = format!("parameters.toml [{}]", param.id);
        if !ids.insert(param.id.as_str()) {
            p.push(format!("{here}: duplicate id"));
        }
        if !PARAM_UNITS.contains(&param.unit.as_str()) {
            p.push(format!("{here}: unknown unit \"{}\"", param.unit));
        }
        if param.label.trim().is_empty() {
            p.push(format!("{here}: label is required"));
        }
        if param.values.is_empty() {
            p.push(format!("{here}: no values"));
        }
        let mut previous_end: Option<NaiveDate> = None;
        for v in &param.values {
            let at = format!("{here} from {}", v.from);
            if v.doc.is_empty() || v.article.is_empty() || v.confidence.is_empty() {
                p.push(format!("{at}: every value needs a citation: doc, article and confidence"));
            } else if let Some(problem) = resolve(&v.doc, &v.article) {
                p.push(format!("{at}: {problem}"));
            }
            if !v.confidence.is_empty() && !CONFIDENCE_MARKS.contains(&v.confidence.as_str()) {
                p.push(format!("{at}: confidence must be V, S or M"));
            }
            let from = parse_date(&v.from);
            let until = v.until.as_deref().map(parse_date);
            if from.is_none() || matches!(until, Some(None)) {
                p.push(format!("{at}: from/until must be YYYY-MM-DD dates"));
                continue;
            }
            let from = from.unwrap_or_default();
            if let Some(Some(until)) = until
                && until < from
            {
                p.push(format!("{at}: until is before from"));
            }
            if previous_end.is_some_and(|end| from <= end) {
                p.push(format!("{at}: overlaps the previous value"));
            }
            previous_end = Some(until.flatten().unwrap_or(from));
            let value_ok = match param.unit.as_str() {
                "date" => parse_date(&v.value).is_some(),
                _ => v.value.parse::<f64>().is_ok_and(|x| x.is_finite() && x >= 0.0),
            };
            if !value_ok {
                p.push(format!("{at}: value \"{}\" does not fit unit {}", v.value, param.unit));
            }
        }
    }

    // LPR table.
    if let Some(problem) = resolve(&ds.lpr.doc, &ds.lpr.article) {
        p.push(format!("lpr.toml: {problem}"));
    }
    if !CONFIDENCE_MARKS.contains(&ds.lpr.confidence.as_str()) {
        p.push("lpr.toml: confidence must be V, S or M".to_string());
    }
    let mut last: Option<NaiveDate> = None;
    for row in &ds.lpr.rows {
        let Some(date) = parse_date(&row.date) else {
            p.push(format!("lpr.toml: bad date \"{}\"", row.date));
            continue;
        };
        if last.is_some_and(|l| date <= l) {
            p.push(format!("lpr.toml: row {} is out of order or duplicated", row.date));
        }
        last = Some(date);
        for (name, v) in [("y1", &row.y1), ("y5", &row.y5)] {
            if !v.parse::<f64>().is_ok_and(|x| x > 0.0 && x < 20.0) {
                p.push(format!("lpr.toml: row {} {name} \"{v}\" is not a percentage", row.date));
            }
        }
    }
    match (parse_date(&ds.lpr.last_verified), last) {
        (None, _) => p.push("lpr.toml: last_verified must be a date".to_string()),
        (Some(v), Some(l)) if v < l => p.push("lpr.toml: last_verified is before the newest row".to_string()),
        _ => {}
    }
    if ds.lpr.rows.is_empty() {
        p.push("lpr.toml: no rows".to_string());
    }

    // Holiday calendar.
    let mut last_year = None;
    for y in &ds.holidays.year {
        let here = format!("holidays.toml [{}]", y.year);
        if last_year.is_some_and(|l| y.year <= l) {
            p.push(format!("{here}: years out of order or duplicated"));
        }
        last_year = Some(y.year);
        if y.notice.trim().is_empty() || !CONFIDENCE_MARKS.contains(&y.confidence.as_str()) {
            p.push(format!("{here}: notice and a V/S/M confidence are required"));
        }
        let mut ranges = Vec::new();
        for h in &y.holidays {
            match (parse_date(&h.from), parse_date(&h.to)) {
                (Some(f), Some(t)) if f <= t => ranges.push((f, t)),
                _ => p.push(format!("{here}: holiday {} has bad dates {}..{}", h.name, h.from, h.to)),
            }
        }
        for w in &y.workdays {
            match parse_date(w) {
                Some(d) if ranges.iter().any(|(f, t)| d >= *f && d <= *t) => {
                    p.push(format!("{here}: workday {w} falls inside a holiday"))
                }
                Some(_) => {}
                None => p.push(format!("{here}: bad workday date {w}")),
            }
        }
    }

    // Rules.
    let mut rule_ids = BTreeSet::new();
    for r in &ds.rules.rule {
        let here = format!("rules.toml [{}]", r.id);
        if !rule_ids.insert(r.id.as_str()) {
            p.push(format!("{here}: duplicate id"));
        }
        if !RULE_KINDS.contains(&r.kind.as_str()) {
            p.push(format!("{here}: unknown kind \"{}\"", r.kind));
        }
        if r.kind != "method" && r.cites.is_empty() {
            p.push(format!("{here}: a {} rule needs at least one citation", r.kind));
        }
        for c in &r.cites {
            if let Some(problem) = resolve(&c.doc, &c.article) {
                p.push(format!("{here}: {problem}"));
            }
        }
    }
    p
}

/// `bank_benchmark.toml`: the PBoC benchmark lending rates by term, one row per change.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BenchmarkFile {
    pub doc: String,
    pub article: String,
    pub rows: Vec<BenchmarkRowDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BenchmarkRowDef {
    pub date: String,
    /// Six months or less.
    pub m6: String,
    /// Six months to one year.
    pub y1: String,
    /// One to three years.
    pub y3: String,
    /// Three to five years.
    pub y5: String,
    /// Over five years.
    pub y5plus: String,
    pub sources: Vec<String>,
    pub confidence: String,
    #[serde(default)]
    pub note: String,
}

pub fn parse_benchmark(src: &str) -> Result<BenchmarkFile, Vec<String>> {
    toml::from_str::<BenchmarkFile>(src).map_err(|e| vec![format!("bank_benchmark.toml: {e}")])
}

/// The checks of the benchmark table: cited document, rows in order, every value a percentage,
/// every row with a source and a confidence mark.
pub fn validate_benchmark(b: &BenchmarkFile, ds: &DataSet) -> Vec<String> {
    let mut p = Vec::new();
    match ds.docs.iter().find(|d| d.id == b.doc) {
        None => p.push(format!("bank_benchmark.toml: cites unknown document \"{}\"", b.doc)),
        Some(d) if !d.article.iter().any(|a| a.number == b.article) => p.push(format!(
            "bank_benchmark.toml: cites article \"{}\" which statutes/{}.toml does not contain",
            b.article, b.doc
        )),
        Some(_) => {}
    }
    if b.rows.is_empty() {
        p.push("bank_benchmark.toml: no rows".to_string());
    }
    let mut last: Option<NaiveDate> = None;
    for row in &b.rows {
        let Some(date) = parse_date(&row.date) else {
            p.push(format!("bank_benchmark.toml: bad date \"{}\"", row.date));
            continue;
        };
        if last.is_some_and(|l| date <= l) {
            p.push(format!("bank_benchmark.toml: row {} is out of order or duplicated", row.date));
        }
        last = Some(date);
        for (name, v) in [("m6", &row.m6), ("y1", &row.y1), ("y3", &row.y3), ("y5", &row.y5), ("y5plus", &row.y5plus)] {
            if !v.parse::<f64>().is_ok_and(|x| x > 0.0 && x < 30.0) {
                p.push(format!("bank_benchmark.toml: row {} {name} \"{v}\" is not a percentage", row.date));
            }
        }
        if row.sources.is_empty() || row.sources.iter().any(|s| s.trim().is_empty()) {
            p.push(format!("bank_benchmark.toml: row {} needs at least one source", row.date));
        }
        if !CONFIDENCE_MARKS.contains(&row.confidence.as_str()) {
            p.push(format!("bank_benchmark.toml: row {} confidence must be V, S or M", row.date));
        }
    }
    p
}
