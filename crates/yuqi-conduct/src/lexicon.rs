//! The lexicon file (`data/lexicon.toml`) and its compiled form.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::Regex;
use serde::Deserialize;

use crate::code::Code;
use crate::normalize::{AMOUNT, CARD, PHONE, URL};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    context: ContextDef,
    rule: Vec<RuleDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ContextDef {
    negation: Vec<String>,
    reporting: Vec<String>,
    court_markers: Vec<String>,
    court_senders: Vec<String>,
    debt_words: Vec<String>,
    third_party_recipients: Vec<String>,
    self_senders: Vec<String>,
    stop_all: Vec<String>,
    stop_calls: Vec<String>,
    stop_third_party: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleDef {
    id: String,
    code: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    terms: Vec<String>,
    #[serde(default)]
    patterns: Vec<String>,
    #[serde(default)]
    anchors: Vec<String>,
    #[serde(default = "yes")]
    negatable: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug)]
pub(crate) struct Rule {
    pub id: String,
    pub code: Code,
    pub patterns: Vec<Regex>,
    pub negatable: bool,
}

/// What a literal found by the automaton stands for.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Literal {
    /// A term of rule `i`: a hit by itself.
    Term(usize),
    /// An anchor of rule `i`: run its patterns on this message.
    Anchor(usize),
    Negation,
    Reporting,
    CourtMarker,
    DebtWord,
}

#[derive(Debug)]
pub(crate) struct Lexicon {
    pub rules: Vec<Rule>,
    pub literals: Vec<Literal>,
    pub automaton: AhoCorasick,
    pub court_senders: Vec<String>,
    pub third_party_recipients: Vec<String>,
    pub self_senders: Vec<String>,
    /// Normalised stop-request phrases: (all, calls, third parties).
    pub stop_all: Vec<String>,
    pub stop_calls: Vec<String>,
    pub stop_third_party: Vec<String>,
}

/// Lexicon errors are programming errors in the shipped data (tests load it).
#[derive(Debug)]
pub struct LexiconError(pub String);

impl std::fmt::Display for LexiconError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LexiconError {}

/// `{PHONE}`-style placeholders in patterns and terms, and the same folding the
/// normaliser applies to text (so lexicon entries may be written naturally).
fn prepare(s: &str) -> String {
    let s = s
        .replace("{PHONE}", &PHONE.to_string())
        .replace("{CARD}", &CARD.to_string())
        .replace("{AMOUNT}", &AMOUNT.to_string())
        .replace("{URL}", &URL.to_string());
    s.to_lowercase()
}

fn normalize_literal(s: &str) -> String {
    let mut n = crate::normalize::Normalized::default();
    crate::normalize::normalize_into(&prepare(s), &mut n);
    n.text
}

pub(crate) fn load(src: &str) -> Result<Lexicon, LexiconError> {
    let file: File = toml::from_str(src).map_err(|e| LexiconError(format!("lexicon.toml: {e}")))?;
    let mut patterns_ac: Vec<String> = Vec::new();
    let mut literals = Vec::new();
    let mut add = |text: String, lit: Literal| {
        if !text.is_empty() {
            patterns_ac.push(text);
            literals.push(lit);
        }
    };
    let mut rules = Vec::new();
    for (i, r) in file.rule.iter().enumerate() {
        let code = Code::parse(&r.code)
            .filter(|c| c.is_text_level())
            .ok_or_else(|| LexiconError(format!("rule {}: unknown text-level code {}", r.id, r.code)))?;
        if r.terms.is_empty() && r.patterns.is_empty() {
            return Err(LexiconError(format!("rule {}: no terms and no patterns", r.id)));
        }
        if !r.patterns.is_empty() && r.anchors.is_empty() {
            return Err(LexiconError(format!("rule {}: patterns need anchors", r.id)));
        }
        let _ = &r.note;
        for t in &r.terms {
            add(normalize_literal(t), Literal::Term(i));
        }
        for a in &r.anchors {
            add(normalize_literal(a), Literal::Anchor(i));
        }
        let patterns = r
            .patterns
            .iter()
            .map(|p| Regex::new(&prepare(p)).map_err(|e| LexiconError(format!("rule {}: bad pattern {p}: {e}", r.id))))
            .collect::<Result<Vec<_>, _>>()?;
        rules.push(Rule { id: r.id.clone(), code, patterns, negatable: r.negatable });
    }
    let c = &file.context;
    for t in &c.negation {
        add(normalize_literal(t), Literal::Negation);
    }
    for t in &c.reporting {
        add(normalize_literal(t), Literal::Reporting);
    }
    for t in &c.court_markers {
        add(normalize_literal(t), Literal::CourtMarker);
    }
    for t in &c.debt_words {
        add(normalize_literal(t), Literal::DebtWord);
    }
    let automaton = AhoCorasickBuilder::new()
        .match_kind(MatchKind::Standard)
        .build(&patterns_ac)
        .map_err(|e| LexiconError(format!("automaton: {e}")))?;
    Ok(Lexicon {
        rules,
        literals,
        automaton,
        court_senders: c.court_senders.clone(),
        third_party_recipients: c.third_party_recipients.clone(),
        self_senders: c.self_senders.clone(),
        stop_all: c.stop_all.iter().map(|t| normalize_literal(t)).collect(),
        stop_calls: c.stop_calls.iter().map(|t| normalize_literal(t)).collect(),
        stop_third_party: c.stop_third_party.iter().map(|t| normalize_literal(t)).collect(),
    })
}
