//! The labelled corpus (`tests/data/conduct/*.jsonl`, `real/*.jsonl`) as data: parsing, the
//! source groups and the splits the evaluation protocol uses (docs/conduct.md). Pure: the
//! callers read the files.

use serde::Deserialize;

use crate::code::Code;
use crate::eval::source_group;

#[derive(Debug, Clone)]
pub struct Labelled {
    pub id: String,
    pub text: String,
    /// Text-level codes; empty for lawful.
    pub labels: Vec<Code>,
    pub real: bool,
    pub source: String,
    /// [`source_group`] of `source`.
    pub group: String,
    pub from: Option<String>,
    pub to: Option<String>,
    /// What kind of message a real lawful line is (`repayment_confirmation`, `bill`, …).
    pub kind: Option<String>,
}

#[derive(Deserialize)]
struct Raw {
    #[serde(default)]
    id: serde_json::Value,
    text: String,
    labels: Vec<String>,
    origin: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    /// Overrides the group derived from `source` (one campaign over several repositories).
    #[serde(default)]
    group: Option<String>,
    #[serde(default)]
    kind: Option<String>,
}

impl Labelled {
    /// The line as the analyzer's input (text, sender, recipient).
    pub fn message(&self) -> crate::Message<'_> {
        crate::Message {
            text: self.text.as_str().into(),
            from: self.from.as_deref().map(Into::into),
            to: self.to.as_deref().map(Into::into),
            ..crate::Message::default()
        }
    }
}

/// Parses one corpus file; `name` is used in errors (`name:line: …`).
pub fn parse_jsonl(name: &str, src: &str) -> Result<Vec<Labelled>, String> {
    let mut out = Vec::new();
    for (i, l) in src.lines().enumerate() {
        if l.trim().is_empty() {
            continue;
        }
        let at = || format!("{name}:{}", i + 1);
        let r: Raw = serde_json::from_str(l).map_err(|e| format!("{}: {e}", at()))?;
        let real = match r.origin.as_str() {
            "real" => true,
            "synthetic" => false,
            o => return Err(format!("{}: origin {o}", at())),
        };
        // A file the search index holds without naming its repository carries its index id as
        // its group.
        if real && !(r.source.starts_with("http") || r.source.contains('/') || r.group.is_some()) {
            return Err(format!("{}: a real line needs its source", at()));
        }
        let lawful = r.labels.iter().any(|l| l == "lawful");
        let labels: Vec<Code> = r
            .labels
            .iter()
            .filter(|l| *l != "lawful")
            .map(|l| Code::parse(l).filter(|c| c.is_text_level()).ok_or_else(|| format!("{}: label {l}", at())))
            .collect::<Result<_, _>>()?;
        if lawful && !labels.is_empty() {
            return Err(format!("{}: lawful with codes", at()));
        }
        if !lawful && labels.is_empty() {
            return Err(format!("{}: no labels", at()));
        }
        let id = match r.id {
            serde_json::Value::String(s) => s,
            v => v.to_string(),
        };
        let group = r.group.unwrap_or_else(|| source_group(&r.source));
        out.push(Labelled {
            id,
            group,
            text: r.text,
            labels,
            real,
            source: r.source,
            from: r.from,
            to: r.to,
            kind: r.kind,
        });
    }
    Ok(out)
}

/// The frozen real test split: real source groups that [`crate::eval::is_frozen_test`] picks
/// and that no line of the team's own corpus (`seen`: train, train_extra, test) comes from — a
/// source the rules were written from is never a test source.
pub fn frozen_groups(real: &[Labelled], seen: &[Labelled]) -> std::collections::BTreeSet<String> {
    let seen: std::collections::BTreeSet<&str> = seen.iter().map(|l| l.group.as_str()).collect();
    real.iter()
        .map(|l| l.group.as_str())
        .filter(|g| crate::eval::is_frozen_test(g) && !seen.contains(g))
        .map(str::to_string)
        .collect()
}
