//! Text-level analysis of one message.

use serde::Serialize;

use crate::code::{Code, basis};
use crate::lexicon::{Lexicon, Literal};
use crate::model::{Model, ModelScratch};
use crate::normalize::{Normalized, normalize_into};

/// One matched span, on the original text (character offsets).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hit {
    pub code: Code,
    pub start: usize,
    pub end: usize,
    /// The lexicon rule that fired (`data/lexicon.toml` id), `model` for the n-gram model
    /// (see `cues`), or the log/case rule.
    pub rule: String,
    pub basis: &'static str,
    /// How sure the analyzer is, in percent: the model's calibrated probability, or for a rule
    /// hit the larger of that and the rule's measured precision on real messages. Log- and
    /// case-level hits are counted or computed facts (100).
    pub confidence: u8,
    /// For a model hit: the character n-grams in the span that weighed most.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cues: Vec<String>,
}

/// Most hits of one code kept for one message.
pub const MAX_HITS_PER_CODE: usize = 100;

/// A hit at or above this confidence is shown by default; the others are listed as possible.
pub const SURE: u8 = 80;

impl Hit {
    pub fn is_sure(&self) -> bool {
        self.confidence >= SURE
    }
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

    /// Sorts hits, removes duplicates, keeps at most [`MAX_HITS_PER_CODE`] of each code and
    /// recomputes the code list.
    pub fn finish(&mut self) {
        self.hits.sort_by_key(|h| (h.start, h.end, h.code));
        self.hits.dedup_by(|b, a| a.code == b.code && b.start < a.end.max(a.start + 1));
        // A message repeating one threat ten thousand times shows the first hundred: the code is
        // proven, and the rest would only cost memory and the reader's time.
        let mut seen: Vec<(Code, usize)> = Vec::new();
        self.hits.retain(|h| match seen.iter_mut().find(|(c, _)| *c == h.code) {
            Some((_, n)) => {
                *n += 1;
                *n <= MAX_HITS_PER_CODE
            }
            None => {
                seen.push((h.code, 1));
                true
            }
        });
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
    /// Rules whose `unless` words occur in the message.
    cancelled: Vec<usize>,
    /// Byte ranges of the normalised text inside quotation marks that count as mentions.
    quotes: Vec<(usize, usize)>,
    negations: Vec<usize>,
    reportings: Vec<usize>,
    /// (clause, sentence) index of each normalised character.
    boundaries: Vec<(u32, u32)>,
    model: ModelScratch,
    probs: Vec<f32>,
    /// Model class words found: (class, byte offset in the normalised text).
    classes: Vec<(u16, usize)>,
    /// The message's class features: indices into `Lexicon::class_features`, then their hashes.
    class_ids: Vec<usize>,
    class_hashes: Vec<u64>,
}

impl crate::Analyzer {
    /// Is `to` an audience of many (a post, a group, a wall)? (Beside the analysis that uses it.)
    pub fn is_public(&self, to: &str) -> bool {
        self.lexicon.public_recipients.iter().any(|r| r == to)
    }

    /// The model's class features of `text` (`@@c:KIN`, `@@p:KIN+HARM`…), as the analysis
    /// computes them: what the model is trained on (`model::Example::classes`).
    pub fn class_features(&self, text: &str) -> Vec<String> {
        let lex = &self.lexicon;
        let mut norm = Normalized::default();
        normalize_into(text, &mut norm);
        let mut found: Vec<(u16, usize)> = Vec::new();
        for m in lex.automaton.find_overlapping_iter(&norm.text) {
            for lit in &lex.literals[m.pattern().as_usize()] {
                if let Literal::Class(c) = *lit {
                    found.push((c, m.start()));
                }
            }
        }
        let mut ids = Vec::new();
        crate::model::class_feature_ids(lex.class_count, &norm.text, &mut found, &mut ids);
        ids.into_iter().map(|i| lex.class_features[i].0.clone()).collect()
    }
}

/// How far before a hit a negation cue may stand (normalised characters).
const NEGATION_REACH: usize = 8;

fn percent(p: f32) -> u8 {
    (p.clamp(0.0, 1.0) * 100.0).round() as u8
}

pub(crate) fn analyze(
    lex: &Lexicon,
    model: Option<&Model>,
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
    let Scratch {
        norm,
        candidates,
        triggered,
        cancelled,
        quotes,
        negations,
        reportings,
        boundaries,
        model: ms,
        probs,
        classes,
        class_ids,
        class_hashes,
    } = scratch;
    normalize_into(text, norm);
    candidates.clear();
    triggered.clear();
    cancelled.clear();
    negations.clear();
    reportings.clear();
    classes.clear();
    let mut court = false;
    // The hits of a message that looks like a court notice, until it is clear whether it can be one.
    let mut held: Vec<Hit> = Vec::new();
    let mut warning = false;
    let mut accusing = false;
    let mut describing = false;
    let mut frame_anchor = false;
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
                Literal::Unless(rule) => cancelled.push(rule),
                Literal::Negation => negations.push(m.end()),
                Literal::Reporting => reportings.push(m.end()),
                Literal::ReportingFrame => frame_anchor = true,
                Literal::CourtMarker => court = true,
                Literal::WarningMarker => warning = true,
                Literal::Accusing => accusing = true,
                Literal::Describing => describing = true,
                Literal::DebtWord => {
                    debt_word.get_or_insert((m.start(), m.end()));
                }
                Literal::Class(c) => classes.push((c, m.start())),
            }
        }
    }
    for &rule in triggered.iter() {
        if cancelled.contains(&rule) {
            continue;
        }
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
    // A guarantor or co-borrower is a party of the loan, not a third party, even when the
    // message's recipient field says "contact".
    let to_third_party = to.is_some_and(|t| lex.third_party_recipients.iter().any(|r| r == t))
        && !lex.party_words.iter().any(|w| norm.text.contains(w.as_str()));
    let to_public = to.is_some_and(|t| lex.public_recipients.iter().any(|r| r == t));
    probs.clear();
    let mut model_fires = false;
    if let Some(m) = model {
        crate::model::class_feature_ids(lex.class_count, &norm.text, classes, class_ids);
        class_hashes.clear();
        class_hashes.extend(class_ids.iter().map(|&i| lex.class_features[i].1));
        m.score(norm, to_third_party, to_public, class_hashes, ms);
        probs.extend(ms.scores.iter().enumerate().map(|(k, raw)| m.probability(k, *raw)));
        model_fires = probs.iter().enumerate().any(|(k, p)| m.flags(k, *p));
    }
    if candidates.is_empty() && !to_third_party && !model_fires && !to_public {
        return out;
    }
    // An anti-fraud notice or a news report quotes the conduct it warns about: nothing in it is
    // the sender's own conduct. Unless it calls its reader the fraudster ("你这是典型的诈骗") and
    // reports nobody's words: a collector framing a default as fraud uses the same words.
    if warning && !(accusing && reportings.is_empty()) {
        return out;
    }
    // "对方还熟知…，称要打给家人": a third-person subject and a verb of saying or doing before a
    // threat report it; the frame's end is a reporting cue like "他说".
    if frame_anchor && let Some(re) = &lex.reporting_frame {
        reportings.extend(re.find_iter(&norm.text).map(|m| m.end()));
    }
    let prob_of =
        |code: Code| -> f32 { model.and_then(|m| m.column(code)).and_then(|k| probs.get(k).copied()).unwrap_or(0.0) };
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
            boundaries.push((clause, sentence));
        }
    }
    let clause_of = |b: usize| -> u32 { boundaries.get(norm.char_index(b)).map_or(clause, |x| x.0) };
    let sentence_of = |b: usize| -> u32 { boundaries.get(norm.char_index(b)).map_or(sentence, |x| x.1) };
    negations.sort_unstable();
    reportings.sort_unstable();
    // The last cue ending at or before `b`: the nearest one, and the only one that can share a
    // clause or sentence with `b` if any does (so each hit costs a binary search, not a scan).
    let last_before = |cues: &[usize], b: usize| -> Option<usize> {
        let i = cues.partition_point(|&x| x <= b);
        (i > 0).then(|| cues[i - 1])
    };

    // Negated ("我们不会上门") or reported ("他们说要让我坐牢") in its clause or sentence.
    let in_context = |bs: usize, negatable: bool| -> bool {
        let start_char = norm.char_index(bs);
        (negatable
            && last_before(negations, bs).is_some_and(|ne| {
                start_char - norm.char_index(ne).min(start_char) <= NEGATION_REACH
                    && clause_of(ne.saturating_sub(1)) == clause_of(bs)
            }))
            || last_before(reportings, bs).is_some_and(|re| sentence_of(re.saturating_sub(1)) == sentence_of(bs))
    };
    // Phrases quoted inside a longer text ("…这些话术一听就不合法") are mentioned, not used: an
    // explainer or a news report lists what collectors say. Collectors' own scare quotes are
    // single words ("保证金", "拜访"), so only a long quotation, or one of several, counts.
    quotes.clear();
    if norm.text.contains(['“', '「', '『']) {
        quoted_spans(&norm.text, quotes);
    }
    let mentioned = |bs: usize, be: usize| quotes.iter().any(|&(a, b)| a <= bs && be <= b);
    for &(rule_idx, bs, be) in candidates.iter() {
        let rule = &lex.rules[rule_idx];
        if (rule.only_public && !to_public)
            || (rule.only_third_party && !to_third_party)
            || (rule.needs_debt_word && debt_word.is_none())
        {
            continue;
        }
        if cancelled.contains(&rule_idx) || in_context(bs, rule.negatable) || mentioned(bs, be) {
            continue;
        }
        let (start, end) = norm.original_range(bs, be);
        let prior = model.and_then(|m| m.column(rule.code).map(|k| m.rule_precision[k])).unwrap_or(1.0);
        // A court notice states real legal consequences; whether it is genuine is for the user
        // to confirm (12368), not for a keyword list: its hits wait (see below).
        (if court { &mut held } else { &mut out.hits }).push(Hit {
            code: rule.code,
            start,
            end,
            rule: rule.id.clone(),
            basis: basis(rule.code),
            confidence: percent(prior.max(prob_of(rule.code))),
            cues: Vec::new(),
        });
    }
    // What the model finds that no rule did: its span and cues explain it.
    if let Some(m) = model.filter(|_| model_fires) {
        for (k, code) in m.codes.iter().enumerate() {
            let p = probs[k];
            if !m.flags(k, p) || out.hits.iter().chain(&held).any(|h| h.code == *code) {
                continue;
            }
            // A rule of this code saw the words that make it lawful here (a bank's repayment
            // confirmation names a card): the model's guess is not stronger than that.
            if cancelled.iter().any(|&r| lex.rules[r].code == *code) {
                continue;
            }
            // Contacting a third party needs one: a message to the debtor that names nobody else
            // and no display before others ("已列入失信名单") is not evidence of it, whatever its
            // n-grams resemble.
            if *code == Code::ContactThirdParty
                && !to_third_party
                && !to_public
                && !lex.third_party_cues.iter().any(|w| norm.text.contains(w.as_str()))
            {
                continue;
            }
            let Some(span) = m.span(k, ms) else { continue };
            let (a, b) = (span.start, span.end);
            // "我们不会上门": the cue that weighs most is what a negation or a report must precede.
            let peak = norm.byte_of(span.peak);
            if in_context(peak, true) || mentioned(peak, peak + 1) {
                continue;
            }
            let start = norm.spans.get(a).map_or(0, |s| s.0 as usize);
            let end = norm.spans.get(b.max(a + 1) - 1).map_or(start, |s| s.1 as usize);
            (if court { &mut held } else { &mut out.hits }).push(Hit {
                code: *code,
                start,
                end,
                rule: "model".to_string(),
                basis: basis(*code),
                confidence: percent(p),
                cues: span.cues,
            });
        }
    }
    // A message that looks like a court's but does what no court does — threatens violence,
    // insults, pushes to borrow, sells debt relief — is not a genuine notice: everything found in
    // it stands, its court words included. Only a rule's finding counts as that proof, not the
    // model's guess.
    if !held.is_empty() {
        if held.iter().any(|h| NEVER_BY_A_COURT.contains(&h.code) && h.rule != "model") {
            out.hits.append(&mut held);
        } else {
            out.needs_confirmation = true;
        }
    }
    // A post addressed to many that speaks of someone's debt discloses it — unless it reports or
    // warns (news, advice), which the reporting cues tell.
    if (to_public || to_third_party)
        && reportings.is_empty()
        && let Some((bs, be)) =
            lex.public_shaming.iter().find_map(|p| norm.text.find(p.as_str()).map(|b| (b, b + p.len())))
        && !out.hits.iter().any(|h| h.code == Code::DebtReliefScam)
    {
        // Shaming a debtor before an audience — or before their own family — is also pressure
        // (社死: intimidation).
        let (start, end) = norm.original_range(bs, be);
        for code in [Code::ContactThirdParty, Code::Intimidation] {
            out.add(Hit {
                code,
                start,
                end,
                rule: if to_public { "public_post_names_debt" } else { "debt_shamed_to_third_party" }.to_string(),
                basis: basis(code),
                confidence: percent(model.and_then(|m| m.column(code).map(|k| m.rule_precision[k])).unwrap_or(1.0)),
                cues: Vec::new(),
            });
        }
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
            confidence: 100,
            cues: Vec::new(),
        });
    }
    // Telling the debtor that others will be, or were, told ("家人朋友即将收到通知函", "可以联系你
    // 女儿班主任") is pressure on the debtor through them: intimidation as well (labelling
    // convention 2, as frame.told_already_menace says it for the words it knows; in the real
    // corpus's development part every such message to the debtor carries both codes).
    if !to_third_party
        && !to_public
        && !out.hits.iter().any(|h| h.code == Code::Intimidation)
        && let Some(h) = out.hits.iter().find(|h| h.code == Code::ContactThirdParty)
    {
        let hit = Hit {
            code: Code::Intimidation,
            start: h.start,
            end: h.end,
            rule: "frame.threat_to_tell_others".to_string(),
            basis: basis(Code::Intimidation),
            confidence: h.confidence,
            cues: h.cues.clone(),
        };
        out.add(hit);
    }
    // A text about borrowers, consumers or victims that addresses nobody describes collection
    // (an explainer, a report): what it names is not its sender's conduct. An offer of debt relief
    // speaks of its "clients" the same way and stays.
    if describing && !to_third_party && !lex.addressing.iter().any(|w| norm.text.contains(w.as_str())) {
        out.hits.retain(|h| h.code == Code::DebtReliefScam);
    }
    // A paid debt-relief offer comes from a seller, not from the creditor: its fees, its
    // "lawyers" and its talk of blacklists are the sales pitch the warning is about, not a
    // collector's extra fee, impersonation or invented consequence.
    // Only a rule's offer counts here: a model's guess must not erase what the rules found.
    if out.hits.iter().any(|h| h.code == Code::DebtReliefScam && h.rule != "model") {
        out.hits.retain(|h| !SELLER_PITCH.contains(&h.code));
    }
    out.finish();
    out
}

/// A quotation this long (characters) is a phrase being quoted, not a scare-quoted word.
const LONG_QUOTE: usize = 8;
/// Text outside the quotations, in characters, for them to be quotations inside something else.
const QUOTING_TEXT: usize = 10;

/// The byte ranges inside “…”, 「…」 and 『…』 that are mentions: every quotation when there are
/// several of them, or a long one, in a text that says something besides them.
fn quoted_spans(text: &str, out: &mut Vec<(usize, usize)>) {
    let mut open: Option<(char, usize, usize)> = None; // closing mark, byte after the opening, chars
    let mut found: Vec<(usize, usize, usize)> = Vec::new();
    let (mut total, mut inside) = (0usize, 0usize);
    for (b, c) in text.char_indices() {
        total += 1;
        match open {
            Some((close, start, n)) if c == close => {
                found.push((start, b, n));
                inside += n;
                open = None;
            }
            Some((close, start, n)) => open = Some((close, start, n + 1)),
            None => {
                let close = match c {
                    '“' => '”',
                    '「' => '」',
                    '『' => '』',
                    _ => continue,
                };
                open = Some((close, b + c.len_utf8(), 0));
            }
        }
    }
    if total.saturating_sub(inside) < QUOTING_TEXT {
        return;
    }
    let several = found.len() >= 2;
    out.extend(found.into_iter().filter(|&(_, _, n)| several || n >= LONG_QUOTE).map(|(a, b, _)| (a, b)));
}

/// What no court notice does: a message with a court's markers that does any of it is not one.
/// Payment details and fees are left out on purpose: a genuine notice names the court's own
/// account ("户名：某某人民法院") and costs borne by a party ("受理费由被告负担"), which the
/// personal-account and extra-fee rules could mistake.
const NEVER_BY_A_COURT: [Code; 4] = [Code::ThreatViolence, Code::Insult, Code::InduceBorrowing, Code::DebtReliefScam];

const SELLER_PITCH: [Code; 6] = [
    Code::ExtraFee,
    Code::PersonalAccountPayment,
    Code::ImpersonateAuthority,
    Code::FakeLegalDocument,
    Code::FalseConsequence,
    Code::InduceBorrowing,
];
