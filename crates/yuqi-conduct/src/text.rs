//! Text-level analysis of one message.

use serde::Serialize;

use crate::code::{Code, basis};
use crate::lexicon::{Lexicon, Literal};
use crate::normalize::{Normalized, normalize_into};

/// One matched span, on the original text (character offsets).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hit {
    pub code: Code,
    pub start: usize,
    pub end: usize,
    /// The lexicon rule that fired (`data/lexicon.toml` id) or the log/case rule.
    pub rule: String,
    pub basis: &'static str,
}

/// Why a message was not analysed for text-level codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Skipped {
    /// Written by the debtor: their own words are never collection conduct.
    OwnMessage,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Analysis {
    pub codes: Vec<Code>,
    pub hits: Vec<Hit>,
    /// Looks like a genuine court notice: court-related codes were withheld and
    /// the user should confirm with the court (12368) whether it is real.
    pub needs_confirmation: bool,
    pub skipped: Option<Skipped>,
}

impl Analysis {
    pub fn add(&mut self, hit: Hit) {
        self.hits.push(hit);
    }

    /// Sorts hits, removes duplicates and recomputes the code list.
    pub fn finish(&mut self) {
        self.hits.sort_by_key(|h| (h.start, h.end, h.code));
        self.hits.dedup_by(|b, a| a.code == b.code && b.start < a.end.max(a.start + 1));
        self.codes = self.hits.iter().map(|h| h.code).collect();
        self.codes.sort();
        self.codes.dedup();
    }
}

/// Reusable buffers: one per thread, so that analysing a message allocates
/// nothing in the steady state.
#[derive(Debug, Default)]
pub struct Scratch {
    norm: Normalized,
    candidates: Vec<(usize, usize, usize)>,
    triggered: Vec<usize>,
    negations: Vec<usize>,
    reportings: Vec<usize>,
    boundaries: Vec<u32>,
}

/// How far before a hit a negation cue may stand (normalised characters).
const NEGATION_REACH: usize = 8;

pub(crate) fn analyze(
    lex: &Lexicon,
    text: &str,
    from: Option<&str>,
    to: Option<&str>,
    scratch: &mut Scratch,
) -> Analysis {
    let mut out = Analysis::default();
    if from.is_some_and(|f| lex.self_senders.iter().any(|s| s == f)) {
        out.skipped = Some(Skipped::OwnMessage);
        return out;
    }
    let Scratch { norm, candidates, triggered, negations, reportings, boundaries } = scratch;
    normalize_into(text, norm);
    candidates.clear();
    triggered.clear();
    negations.clear();
    reportings.clear();
    let mut court = false;
    let mut debt_word: Option<(usize, usize)> = None;
    for m in lex.automaton.find_overlapping_iter(&norm.text) {
        for lit in &lex.literals[m.pattern().as_usize()] {
            match *lit {
                Literal::Term(rule) => candidates.push((rule, m.start(), m.end())),
                Literal::Anchor(rule) => {
                    if !triggered.contains(&rule) {
                        triggered.push(rule);
                    }
                }
                Literal::Negation => negations.push(m.end()),
                Literal::Reporting => reportings.push(m.end()),
                Literal::CourtMarker => court = true,
                Literal::DebtWord => {
                    debt_word.get_or_insert((m.start(), m.end()));
                }
            }
        }
    }
    for &rule in triggered.iter() {
        let own = &lex.rule_patterns[rule];
        let text = norm.text.as_str();
        let mut run = |idx: usize| {
            let re = &lex.patterns[idx];
            if lex.pattern_has_span[idx] {
                // The pattern marks the part to report with a group named `h`
                // (a conditional threat reports the threat, not the condition).
                for c in re.captures_iter(text) {
                    if let Some(m) = c.name("h").or_else(|| c.get(0)) {
                        candidates.push((rule, m.start(), m.end()));
                    }
                }
            } else {
                for m in re.find_iter(text) {
                    candidates.push((rule, m.start(), m.end()));
                }
            }
        };
        match &lex.rule_sets[rule] {
            // Most triggered rules do not match at all: the early-exit test is cheaper than
            // asking which of the patterns match.
            Some(set) if !set.is_match(text) => {}
            Some(set) => set.matches(text).iter().for_each(|k| run(own[k])),
            None => own.iter().for_each(|&idx| run(idx)),
        }
    }
    let to_third_party = to.is_some_and(|t| lex.third_party_recipients.iter().any(|r| r == t));
    if candidates.is_empty() && !to_third_party {
        return out;
    }
    court = court || from.is_some_and(|f| lex.court_senders.iter().any(|s| s == f));

    // Clause and sentence boundaries, as prefix counts over normalised characters; needed only
    // when a negation or a reporting cue is present (most messages have neither).
    boundaries.clear();
    let (mut clause, mut sentence) = (0u32, 0u32);
    if !negations.is_empty() || !reportings.is_empty() {
        for c in norm.text.chars() {
            let (cl, se) = match c {
                '。' | '！' | '？' | '!' | '?' | '\n' => (true, true),
                '，' | '；' | ',' | ';' | '：' | ':' => (true, false),
                _ => (false, false),
            };
            clause += cl as u32;
            sentence += se as u32;
            boundaries.push(clause << 16 | sentence.min(0xFFFF));
        }
    }
    let clause_of = |b: usize| -> u32 { boundaries.get(norm.char_index(b)).map_or(clause, |x| x >> 16) };
    let sentence_of = |b: usize| -> u32 { boundaries.get(norm.char_index(b)).map_or(sentence, |x| x & 0xFFFF) };

    for &(rule_idx, bs, be) in candidates.iter() {
        let rule = &lex.rules[rule_idx];
        let start_char = norm.char_index(bs);
        if rule.negatable
            && negations.iter().any(|&ne| {
                ne <= bs
                    && start_char - norm.char_index(ne).min(start_char) <= NEGATION_REACH
                    && clause_of(ne.saturating_sub(1)) == clause_of(bs)
            })
        {
            continue;
        }
        if reportings.iter().any(|&re| re <= bs && sentence_of(re.saturating_sub(1)) == sentence_of(bs)) {
            continue;
        }
        if court {
            // A court notice states real legal consequences; whether it is genuine
            // is for the user to confirm (12368), not for a keyword list.
            out.needs_confirmation = true;
            continue;
        }
        let (start, end) = norm.original_range(bs, be);
        out.add(Hit { code: rule.code, start, end, rule: rule.id.clone(), basis: basis(rule.code) });
    }
    if to_third_party && (debt_word.is_some() || !out.hits.is_empty()) {
        let (start, end) = match debt_word {
            Some((bs, be)) => norm.original_range(bs, be),
            None => (0, text.chars().count()),
        };
        out.add(Hit {
            code: Code::ContactThirdParty,
            start,
            end,
            rule: "recipient_not_debtor".to_string(),
            basis: basis(Code::ContactThirdParty),
        });
    }
    out.finish();
    out
}
