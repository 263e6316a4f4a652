//! The lexicon file (`data/lexicon.toml`) and its compiled form.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use regex::{Regex, RegexSet};
use serde::Deserialize;

use crate::code::Code;
use crate::normalize::{AMOUNT, CARD, PHONE, URL};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    context: ContextDef,
    /// Named word classes (who is threatened, by what act…): a pattern writes `{NAME}` for
    /// "any word of the class", and an anchor `{NAME}` stands for every word of it. A frame —
    /// a kinship term, then an act against them — is one pattern over classes, not a list of
    /// phrases.
    #[serde(default)]
    sets: std::collections::BTreeMap<String, Vec<String>>,
    rule: Vec<RuleDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ContextDef {
    negation: Vec<String>,
    reporting: Vec<String>,
    /// Reporting frames: a third-person subject (a collector, "对方", a person in the news) and
    /// then a verb of saying or doing, written over word classes. Hits after such a frame in the
    /// same sentence are reported, not the sender's own words. Run only when one of
    /// `reporting_frame_anchors` (words, or `{SET}` for every word of a class) occurs.
    #[serde(default)]
    reporting_frames: Vec<String>,
    #[serde(default)]
    reporting_frame_anchors: Vec<String>,
    court_markers: Vec<String>,
    warning_markers: Vec<String>,
    /// Phrases that make the reader the subject of an accusation (你这是, 你已涉嫌): with one of
    /// them and no reporting cue, the warning markers accuse the reader instead of warning them.
    #[serde(default)]
    accusing: Vec<String>,
    court_senders: Vec<String>,
    debt_words: Vec<String>,
    third_party_recipients: Vec<String>,
    public_recipients: Vec<String>,
    public_shaming: Vec<String>,
    party_words: Vec<String>,
    /// Third-person words for the people collection happens to (消费者, 受害人, 借款人): a text
    /// that speaks of them and never addresses anyone (你, 您) describes collection, it does not
    /// collect.
    #[serde(default)]
    describing: Vec<String>,
    #[serde(default)]
    addressing: Vec<String>,
    /// Words that name someone other than the debtor, or a display before others (a wall, a
    /// poster; `{SET}` for every word of a class): the model's `contact_third_party` in a
    /// message to the debtor needs one of them as evidence.
    #[serde(default)]
    third_party_cues: Vec<String>,
    self_senders: Vec<String>,
    stop_all: Vec<String>,
    stop_calls: Vec<String>,
    stop_third_party: Vec<String>,
    /// Word classes (names from `sets`) whose presence, and whose co-occurrence in a sentence,
    /// are features of the model: a kinship word and a word of harm in one sentence is the same
    /// evidence whichever words they are, where the model's character n-grams know only the
    /// words it was trained on.
    #[serde(default)]
    model_classes: Vec<String>,
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
    /// Words that, anywhere in the message, show its hits of this rule are something lawful (a
    /// bank's repayment confirmation is not a payment to a person's card).
    #[serde(default)]
    unless: Vec<String>,
    /// Only for messages sent to these recipients: `public` (a post to many) or `third_party`
    /// (a relative, a colleague…). A manhunt notice means something else in a news report.
    #[serde(default)]
    only_to: Vec<String>,
    /// Counts only in a message that speaks of a debt (`context.debt_words`).
    #[serde(default)]
    needs_debt_word: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug)]
pub(crate) struct Rule {
    pub id: String,
    pub code: Code,
    pub negatable: bool,
    /// Counts only in a post to many.
    pub only_public: bool,
    /// Counts only in a message to a third party.
    pub only_third_party: bool,
    /// Counts only in a message that speaks of a debt.
    pub needs_debt_word: bool,
}

/// What a literal found by the automaton stands for.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Literal {
    /// A term of rule `i`: a hit by itself.
    Term(usize),
    /// A word of rule `i`'s `unless` list: the message's hits of rule `i` are dropped.
    Unless(usize),
    /// An anchor of rule `i`: run its patterns on this message.
    Anchor(usize),
    Negation,
    Reporting,
    /// A word that may start a reporting frame: run `Lexicon::reporting_frame`.
    ReportingFrame,
    CourtMarker,
    /// The message warns about fraud or misconduct (an anti-fraud notice, a news report).
    WarningMarker,
    /// The message calls its reader a fraudster ("你这是诈骗"): its fraud words accuse, not warn.
    Accusing,
    /// A third-person word for the people collection happens to.
    Describing,

    DebtWord,
    /// A word of model class `i` (`Lexicon::class_features`).
    Class(u16),
}

#[derive(Debug)]
pub(crate) struct Lexicon {
    pub rules: Vec<Rule>,
    /// Every pattern of every rule. Each is compiled on its own (small automata
    /// stay in the lazy DFA's cache) and run only when one of its rule's anchors
    /// occurs in the message.
    pub patterns: Vec<Regex>,
    /// Indices into `patterns` for each rule.
    pub rule_patterns: Vec<Vec<usize>>,
    /// For a rule with several patterns, all of them as one set: one pass over the message
    /// tells which of them match, so spans are searched only for those. (One set for the whole
    /// lexicon was tried: its automaton is too big for the lazy DFA's cache on messages dense
    /// with anchors.)
    pub rule_sets: Vec<Option<RegexSet>>,
    /// The pattern has a group named `h`: the span to report.
    pub pattern_has_span: Vec<bool>,
    /// For each distinct literal string in the automaton, what it stands for.
    pub literals: Vec<Vec<Literal>>,
    pub automaton: AhoCorasick,
    /// Every reporting frame as one alternation (`context.reporting_frames`); the end of each
    /// match counts as a reporting cue.
    pub reporting_frame: Option<Regex>,
    pub court_senders: Vec<String>,
    pub third_party_recipients: Vec<String>,
    /// `to` values meaning a post or notice addressed to many (a wall, a group, the web).
    pub public_recipients: Vec<String>,
    /// Normalised phrases that, in a post to many, call someone a debtor.
    pub public_shaming: Vec<String>,
    /// Normalised words naming a party of the loan (guarantor, co-borrower).
    pub party_words: Vec<String>,
    pub self_senders: Vec<String>,
    /// Normalised words addressing the reader (你, 您): looked for only in a text that describes.
    pub addressing: Vec<String>,
    /// Normalised words naming a third party or a public display (`context.third_party_cues`).
    pub third_party_cues: Vec<String>,
    /// Normalised stop-request phrases: (all, calls, third parties).
    pub stop_all: Vec<String>,
    pub stop_calls: Vec<String>,
    pub stop_third_party: Vec<String>,
    /// The model's class features: first one per class (`@@c:NAME`, the class occurs), then one
    /// per pair of classes (`@@p:A+B`, both occur in one sentence), as (name, feature hash).
    pub class_features: Vec<(String, u64)>,
    /// Number of model classes.
    pub class_count: usize,
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

/// `{PHONE}`-style placeholders in patterns and terms. Patterns are otherwise
/// used as written (they must be written in normalised form: simplified,
/// lower-case, half-width).
fn placeholders(s: &str) -> String {
    s.replace("{PHONE}", &PHONE.to_string())
        .replace("{CARD}", &CARD.to_string())
        .replace("{AMOUNT}", &AMOUNT.to_string())
        .replace("{URL}", &URL.to_string())
}

/// The words an anchor-like entry stands for: `{NAME}` every word of that class, anything
/// else (including an unknown class name) itself.
fn words_of<'a>(entry: &'a str, sets: &'a std::collections::BTreeMap<String, Vec<String>>) -> Vec<&'a str> {
    match entry.strip_prefix('{').and_then(|x| x.strip_suffix('}')).and_then(|n| sets.get(n)) {
        Some(words) => words.iter().map(String::as_str).collect(),
        None => vec![entry],
    }
}

/// `{NAME}` of a word class in a pattern becomes a group matching any of its words (longest
/// first, escaped).
fn expand_sets(p: &str, sets: &std::collections::BTreeMap<String, Vec<String>>) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = p;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let name_len = after.find('}').filter(|&e| after[..e].chars().all(|c| c.is_ascii_uppercase() || c == '_'));
        match name_len.map(|e| (&after[..e], e)) {
            Some((name, e)) if !name.is_empty() && !matches!(name, "PHONE" | "CARD" | "AMOUNT" | "URL") => {
                let words = sets.get(name).ok_or_else(|| format!("unknown set {{{name}}}"))?;
                let mut ws: Vec<String> = words.iter().map(|w| regex::escape(&normalize_literal(w))).collect();
                ws.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
                ws.dedup();
                out.push_str("(?:");
                out.push_str(&ws.join("|"));
                out.push(')');
                rest = &after[e + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// Terms get the same folding the normaliser applies to text, so they may be
/// written naturally.
fn normalize_literal(s: &str) -> String {
    let mut n = crate::normalize::Normalized::default();
    crate::normalize::normalize_into(&placeholders(s).to_lowercase(), &mut n);
    n.text
}

pub(crate) fn load(src: &str) -> Result<Lexicon, LexiconError> {
    let file: File = toml::from_str(src).map_err(|e| LexiconError(format!("lexicon.toml: {e}")))?;
    let mut patterns_ac: Vec<String> = Vec::new();
    let mut literals: Vec<Vec<Literal>> = Vec::new();
    let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    // One automaton pattern per distinct string: the same word in several rules
    // is found once and reported to all of them.
    let mut add = |text: String, lit: Literal| {
        if text.is_empty() {
            return;
        }
        match index.get(&text) {
            Some(&i) => literals[i].push(lit),
            None => {
                index.insert(text.clone(), patterns_ac.len());
                patterns_ac.push(text);
                literals.push(vec![lit]);
            }
        }
    };
    let mut rules = Vec::new();
    let mut all_patterns: Vec<Regex> = Vec::new();
    let mut rule_patterns: Vec<Vec<usize>> = Vec::new();
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
            for w in words_of(a, &file.sets) {
                add(normalize_literal(w), Literal::Anchor(i));
            }
        }
        for u in &r.unless {
            for w in words_of(u, &file.sets) {
                add(normalize_literal(w), Literal::Unless(i));
            }
        }
        let mut own = Vec::new();
        for p in &r.patterns {
            let expanded =
                expand_sets(p, &file.sets).map_err(|e| LexiconError(format!("rule {}: pattern {p}: {e}", r.id)))?;
            let re = Regex::new(&placeholders(&expanded))
                .map_err(|e| LexiconError(format!("rule {}: bad pattern {p}: {e}", r.id)))?;
            own.push(all_patterns.len());
            all_patterns.push(re);
        }
        rule_patterns.push(own);
        if let Some(bad) = r.only_to.iter().find(|t| !matches!(t.as_str(), "public" | "third_party")) {
            return Err(LexiconError(format!("rule {}: only_to {bad} (public or third_party)", r.id)));
        }
        let only = |t: &str| !r.only_to.is_empty() && r.only_to.iter().all(|x| x == t);
        rules.push(Rule {
            id: r.id.clone(),
            code,
            negatable: r.negatable,
            only_public: only("public"),
            only_third_party: only("third_party"),
            needs_debt_word: r.needs_debt_word,
        });
    }
    let c = &file.context;
    for t in &c.negation {
        add(normalize_literal(t), Literal::Negation);
    }
    for t in &c.reporting {
        add(normalize_literal(t), Literal::Reporting);
    }
    for a in &c.reporting_frame_anchors {
        for w in words_of(a, &file.sets) {
            add(normalize_literal(w), Literal::ReportingFrame);
        }
    }
    let reporting_frame = if c.reporting_frames.is_empty() {
        None
    } else {
        let parts = c
            .reporting_frames
            .iter()
            .map(|p| {
                expand_sets(p, &file.sets)
                    .map(|e| format!("(?:{})", placeholders(&e)))
                    .map_err(|e| LexiconError(format!("reporting frame {p}: {e}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Some(Regex::new(&parts.join("|")).map_err(|e| LexiconError(format!("reporting frames: {e}")))?)
    };
    for t in &c.court_markers {
        add(normalize_literal(t), Literal::CourtMarker);
    }
    for t in &c.warning_markers {
        add(normalize_literal(t), Literal::WarningMarker);
    }
    for t in &c.accusing {
        add(normalize_literal(t), Literal::Accusing);
    }
    for t in &c.debt_words {
        add(normalize_literal(t), Literal::DebtWord);
    }
    for t in &c.describing {
        add(normalize_literal(t), Literal::Describing);
    }
    if c.model_classes.len() > crate::model::MAX_CLASSES {
        return Err(LexiconError(format!("more than {} model classes", crate::model::MAX_CLASSES)));
    }
    for (i, name) in c.model_classes.iter().enumerate() {
        let words = file.sets.get(name).ok_or_else(|| LexiconError(format!("model class {name}: no such set")))?;
        for w in words {
            add(normalize_literal(w), Literal::Class(i as u16));
        }
    }
    let class_features = crate::model::class_feature_names(&c.model_classes)
        .into_iter()
        .map(|n| {
            let h = crate::model::feature_hash(&n);
            (n, h)
        })
        .collect();

    let automaton = AhoCorasickBuilder::new()
        .match_kind(MatchKind::Standard)
        .kind(Some(AhoCorasickKind::DFA))
        .build(&patterns_ac)
        .map_err(|e| LexiconError(format!("automaton: {e}")))?;
    let rule_sets = rule_patterns
        .iter()
        .map(|own| {
            (own.len() > 1)
                .then(|| RegexSet::new(own.iter().map(|&i| all_patterns[i].as_str())))
                .transpose()
                .map_err(|e| LexiconError(format!("pattern set: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Lexicon {
        rule_sets,
        rules,
        pattern_has_span: all_patterns.iter().map(|r| r.capture_names().any(|n| n == Some("h"))).collect(),
        patterns: all_patterns,
        rule_patterns,
        literals,
        automaton,
        reporting_frame,
        court_senders: c.court_senders.clone(),
        third_party_recipients: c.third_party_recipients.clone(),
        public_recipients: c.public_recipients.clone(),
        public_shaming: c.public_shaming.iter().map(|t| normalize_literal(t)).collect(),
        party_words: c.party_words.iter().map(|t| normalize_literal(t)).collect(),
        self_senders: c.self_senders.clone(),
        addressing: c.addressing.iter().map(|t| normalize_literal(t)).collect(),
        third_party_cues: {
            let mut ws: Vec<String> =
                c.third_party_cues.iter().flat_map(|a| words_of(a, &file.sets)).map(normalize_literal).collect();
            ws.sort();
            ws.dedup();
            ws
        },
        stop_all: c.stop_all.iter().map(|t| normalize_literal(t)).collect(),
        stop_calls: c.stop_calls.iter().map(|t| normalize_literal(t)).collect(),
        stop_third_party: c.stop_third_party.iter().map(|t| normalize_literal(t)).collect(),
        class_features,
        class_count: c.model_classes.len(),
    })
}
