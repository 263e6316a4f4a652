//! A linear model over character n-grams: the analyzer's second opinion.
//!
//! The rules of `data/lexicon.toml` find what their authors thought of; real collectors word
//! things in ways no list anticipates (fragments, euphemisms, a relative addressed as "你儿子").
//! This model scores every text-level code from which character n-grams (1–2 characters as
//! trained; the file may say up to 4) occur in the normalised text, whether the message went to
//! someone other than the debtor, and its class features: which of the lexicon's word classes
//! (`context.model_classes`: kin, harm, authorities, legal process, a bank notice's wording…)
//! occur, and which pairs of them share a sentence — "你儿子……不得安宁" is kin with harm
//! whichever words say it, where n-grams know only the words trained on. It is
//! trained by `examples/train_model.rs` (`scripts/train-conduct-model.sh`) on the labelled
//! corpus — never on the frozen real test split — and its weights are `data/model.tsv`.
//!
//! Scores are calibrated (Platt scaling fitted on out-of-fold predictions), so a model hit says
//! how sure it is. Its span is the stretch of text whose n-grams pushed the score up most, and
//! its cues are those n-grams: a flagged message always shows what in it was found.
//!
//! Pure: no I/O. Training is deterministic (fixed seed, fixed order).

use std::collections::HashMap;

use crate::code::Code;
use crate::normalize::{Normalized, normalize_into};
use yuqi_util::SplitMix64;

/// Longest n-gram any model may use.
pub const MAX_N: usize = 4;
/// The feature standing for "sent to a relative, friend, employer… rather than the debtor".
pub const THIRD_PARTY_FEATURE: &str = "@@to_third_party";
/// The feature standing for "posted to many" (a wall, a group, the web).
pub const PUBLIC_FEATURE: &str = "@@to_public";
/// The lowest flagging threshold any code may have: below it a hit would be more noise than
/// signal whatever the folds said.
pub const FLAG_FLOOR: f32 = 0.25;

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

fn step(h: u64, c: char) -> u64 {
    (h ^ c as u64).wrapping_mul(FNV_PRIME)
}

/// Feature hash of a string (an n-gram or a special feature); never zero.
pub fn feature_hash(s: &str) -> u64 {
    s.chars().fold(FNV_OFFSET, step) | 1
}

/// Open-addressing map from feature hash to row, with a bitmap in front: most n-grams of a
/// message are not features, and a 32 KiB bitmap (in the first-level cache) turns nearly all of
/// them away before the table is touched.
#[derive(Debug, Clone)]
struct Table {
    mask: usize,
    keys: Vec<u64>,
    rows: Vec<u32>,
    filter: Vec<u64>,
}

const FILTER_BITS: u32 = 18;

impl Table {
    fn new(hashes: &[u64]) -> Table {
        let cap = (hashes.len() * 2).next_power_of_two().max(16);
        let mut t =
            Table { mask: cap - 1, keys: vec![0; cap], rows: vec![0; cap], filter: vec![0; 1 << (FILTER_BITS - 6)] };
        for (row, &h) in hashes.iter().enumerate() {
            let b = Table::bit(h);
            t.filter[b >> 6] |= 1 << (b & 63);
            let mut i = t.slot(h);
            while t.keys[i] != 0 && t.keys[i] != h {
                i = (i + 1) & t.mask;
            }
            t.keys[i] = h;
            t.rows[i] = row as u32;
        }
        t
    }

    fn slot(&self, h: u64) -> usize {
        (h.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40) as usize & self.mask
    }

    fn bit(h: u64) -> usize {
        (h >> (64 - FILTER_BITS)) as usize
    }

    fn get(&self, h: u64) -> Option<u32> {
        let b = Table::bit(h);
        if self.filter[b >> 6] & (1 << (b & 63)) == 0 {
            return None;
        }
        let mut i = self.slot(h);
        loop {
            let k = self.keys[i];
            if k == h {
                return Some(self.rows[i]);
            }
            if k == 0 {
                return None;
            }
            i = (i + 1) & self.mask;
        }
    }
}

/// The trained model.
#[derive(Debug, Clone)]
pub struct Model {
    /// Column order of every per-code vector.
    pub codes: Vec<Code>,
    bias: Vec<f32>,
    /// Platt scaling per code: p = σ(a·score + b).
    platt: Vec<(f32, f32)>,
    /// Share of the rule hits of each code that were right on the real training messages
    /// (Laplace-smoothed): a rule hit's confidence when the model has no stronger opinion.
    pub rule_precision: Vec<f32>,
    /// Calibrated probability at or above which the model flags the code: chosen per code to
    /// give the best F1 of "rules or model" on the out-of-fold predictions of the real training
    /// messages (never below [`FLAG_FLOOR`]).
    pub threshold: Vec<f32>,
    /// Shortest and longest n-gram used.
    min_n: usize,
    max_n: usize,
    grams: Vec<String>,
    /// Row-major: `grams.len()` rows × `codes.len()` columns.
    weights: Vec<f32>,
    table: Table,
}

/// What explains a model hit, in normalised characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelSpan {
    pub start: usize,
    pub end: usize,
    /// Where the heaviest n-gram starts.
    pub peak: usize,
    pub cues: Vec<String>,
}

/// Reusable buffers for scoring (one per thread).
#[derive(Debug, Default)]
pub struct ModelScratch {
    chars: Vec<char>,
    stamps: Vec<u32>,
    epoch: u32,
    /// Occurrences of known features: (first normalised character, length, row); filled by
    /// [`Model::span`] only (most messages never need it).
    found: Vec<(u32, u8, u32)>,
    /// Raw scores per code of the last message.
    pub scores: Vec<f32>,
}

/// Model file errors are programming errors in the shipped data (tests load it).
#[derive(Debug)]
pub struct ModelError(pub String);

impl std::fmt::Display for ModelError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ModelError {}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

impl Model {
    /// Builds the lookup table for the model's features (a model is made without one).
    fn indexed(mut self) -> Model {
        let hashes: Vec<u64> = self.grams.iter().map(|g| feature_hash(g)).collect();
        self.table = Table::new(&hashes);
        self
    }

    /// Does column `k` flag at calibrated probability `p`?
    pub fn flags(&self, k: usize, p: f32) -> bool {
        p >= self.threshold[k]
    }

    pub fn feature_count(&self) -> usize {
        self.grams.len()
    }

    /// Column of `code`, if the model scores it.
    pub fn column(&self, code: Code) -> Option<usize> {
        self.codes.iter().position(|c| *c == code)
    }

    /// Scores normalised text: fills `s.scores` (raw, per code) and remembers where each known
    /// feature occurs, for [`Model::span`].
    /// `classes` are the hashes of the message's class features ([`class_feature_ids`]).
    pub fn score(&self, norm: &Normalized, third_party: bool, public: bool, classes: &[u64], s: &mut ModelScratch) {
        let k = self.codes.len();
        s.scores.clear();
        s.scores.extend_from_slice(&self.bias);
        s.found.clear();
        s.chars.clear();
        s.chars.extend(norm.text.chars());
        if s.stamps.len() != self.grams.len() {
            s.stamps = vec![0; self.grams.len()];
            s.epoch = 0;
        }
        s.epoch = s.epoch.wrapping_add(1);
        if s.epoch == 0 {
            s.stamps.iter_mut().for_each(|x| *x = 0);
            s.epoch = 1;
        }
        let epoch = s.epoch;
        let add = |row: u32, scores: &mut Vec<f32>, stamps: &mut Vec<u32>| {
            let r = row as usize;
            // Presence, not counts: a phrase repeated ten times is no surer than once.
            if stamps[r] != epoch {
                stamps[r] = epoch;
                for (acc, w) in scores.iter_mut().zip(&self.weights[r * k..r * k + k]) {
                    *acc += w;
                }
            }
        };
        let n = s.chars.len();
        for i in 0..n {
            let mut h = FNV_OFFSET;
            for len in 1..=self.max_n.min(n - i) {
                h = step(h, s.chars[i + len - 1]);
                if len < self.min_n {
                    continue;
                }
                if let Some(row) = self.table.get(h | 1) {
                    add(row, &mut s.scores, &mut s.stamps);
                }
            }
        }
        if third_party && let Some(row) = self.table.get(feature_hash(THIRD_PARTY_FEATURE)) {
            add(row, &mut s.scores, &mut s.stamps);
        }
        if public && let Some(row) = self.table.get(feature_hash(PUBLIC_FEATURE)) {
            add(row, &mut s.scores, &mut s.stamps);
        }
        for &h in classes {
            if let Some(row) = self.table.get(h) {
                add(row, &mut s.scores, &mut s.stamps);
            }
        }
    }

    /// Calibrated probability of column `k` for a raw score.
    pub fn probability(&self, k: usize, raw: f32) -> f32 {
        let (a, b) = self.platt[k];
        sigmoid(a * raw + b)
    }

    /// The normalised character range that explains column `k` in the last scored message, where
    /// its heaviest n-gram starts (the analyzer checks negation and reported speech there), and
    /// the n-grams in it that weigh most. `None` when no n-gram speaks for the code (the score
    /// came from the recipient or the bias alone).
    pub fn span(&self, k: usize, s: &mut ModelScratch) -> Option<ModelSpan> {
        let kk = self.codes.len();
        let n = s.chars.len();
        if s.found.is_empty() {
            for i in 0..n {
                let mut h = FNV_OFFSET;
                for len in 1..=self.max_n.min(n - i) {
                    h = step(h, s.chars[i + len - 1]);
                    if len >= self.min_n
                        && let Some(row) = self.table.get(h | 1)
                    {
                        s.found.push((i as u32, len as u8, row));
                    }
                }
            }
        }
        let s = &*s;
        let mut contrib = vec![0f32; n];
        let mut any = false;
        for &(i, len, row) in &s.found {
            let w = self.weights[row as usize * kk + k];
            if w > 0.0 {
                any = true;
                let share = w / len as f32;
                for c in &mut contrib[i as usize..i as usize + len as usize] {
                    *c += share;
                }
            }
        }
        if !any {
            return None;
        }
        // The densest stretch: maximum-sum segment of the contributions less a small toll per
        // character, so the span stays on the words that matter.
        let toll = 0.05f32;
        let (mut best, mut best_range) = (f32::MIN, (0, 0));
        let (mut cur, mut cur_start) = (0f32, 0usize);
        for (i, c) in contrib.iter().enumerate() {
            if cur <= 0.0 {
                cur = 0.0;
                cur_start = i;
            }
            cur += c - toll;
            if cur > best {
                best = cur;
                best_range = (cur_start, i + 1);
            }
        }
        let (a, b) = best_range;
        let peak = s
            .found
            .iter()
            .filter(|&&(i, len, _)| i as usize >= a && i as usize + len as usize <= b)
            .max_by(|x, y| self.weights[x.2 as usize * kk + k].total_cmp(&self.weights[y.2 as usize * kk + k]))
            .map_or(a, |&(i, _, _)| i as usize);
        let mut cues: Vec<(f32, &str)> = s
            .found
            .iter()
            .filter(|&&(i, len, _)| i as usize >= a && i as usize + len as usize <= b)
            .map(|&(_, _, row)| (self.weights[row as usize * kk + k], self.grams[row as usize].as_str()))
            // A cue a person can read: two or more letters, no punctuation or number placeholder.
            .filter(|(w, g)| *w > 0.0 && g.chars().count() >= 2 && g.chars().all(char::is_alphabetic))
            .collect();
        cues.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(y.1)));
        cues.dedup_by(|x, y| x.1 == y.1);
        // Shorter n-grams inside a longer cue say nothing more.
        let mut kept: Vec<String> = Vec::new();
        for (_, g) in cues {
            if kept.len() == 3 {
                break;
            }
            if !kept.iter().any(|k| k.contains(g)) {
                kept.push(g.to_string());
            }
        }
        Some(ModelSpan { start: a, end: b, peak, cues: kept })
    }

    /// Parses `data/model.tsv`.
    pub fn parse(src: &str) -> Result<Model, ModelError> {
        let err = |line: usize, m: &str| ModelError(format!("model.tsv:{line}: {m}"));
        let mut codes = Vec::new();
        let (mut min_n, mut max_n) = (1usize, 3usize);
        let (mut bias, mut platt_a, mut platt_b, mut prec, mut thr) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut grams = Vec::new();
        let mut weights: Vec<f32> = Vec::new();
        let floats = |cells: &[&str], line: usize| -> Result<Vec<f32>, ModelError> {
            cells.iter().map(|c| c.parse::<f32>().map_err(|_| err(line, &format!("not a number: {c}")))).collect()
        };
        for (i, l) in src.lines().enumerate() {
            let line = i + 1;
            if l.starts_with('#') || l.is_empty() {
                continue;
            }
            let cells: Vec<&str> = l.split('\t').collect();
            match cells[0] {
                "codes" => {
                    codes = cells[1..]
                        .iter()
                        .map(|c| {
                            Code::parse(c)
                                .filter(|c| c.is_text_level())
                                .ok_or_else(|| err(line, &format!("unknown code {c}")))
                        })
                        .collect::<Result<_, _>>()?
                }
                "bias" => bias = floats(&cells[1..], line)?,
                "platt_a" => platt_a = floats(&cells[1..], line)?,
                "platt_b" => platt_b = floats(&cells[1..], line)?,
                "rule_precision" => prec = floats(&cells[1..], line)?,
                "threshold" => thr = floats(&cells[1..], line)?,
                "max_n" => {
                    max_n = cells
                        .get(1)
                        .and_then(|c| c.parse().ok())
                        .filter(|n| (1..=MAX_N).contains(n))
                        .ok_or_else(|| err(line, "max_n is 1 to 4"))?
                }
                "min_n" => {
                    min_n = cells
                        .get(1)
                        .and_then(|c| c.parse().ok())
                        .filter(|n| (1..=MAX_N).contains(n))
                        .ok_or_else(|| err(line, "min_n is 1, 2 or 3"))?
                }
                "w" => {
                    if cells.len() < 3 || codes.is_empty() {
                        return Err(err(line, "a weight line needs the codes line first, a feature and weights"));
                    }
                    grams.push(cells[1].to_string());
                    let start = weights.len();
                    weights.resize(start + codes.len(), 0.0);
                    for cell in &cells[2..] {
                        let (k, w) = cell.split_once(':').ok_or_else(|| err(line, "weight is column:value"))?;
                        let k: usize = k.parse().map_err(|_| err(line, "bad column"))?;
                        let w: f32 = w.parse().map_err(|_| err(line, "bad weight"))?;
                        if k >= codes.len() {
                            return Err(err(line, "column out of range"));
                        }
                        weights[start + k] = w;
                    }
                }
                other => return Err(err(line, &format!("unknown line kind {other}"))),
            }
        }
        let k = codes.len();
        if k == 0 || [bias.len(), platt_a.len(), platt_b.len(), prec.len(), thr.len()].iter().any(|&n| n != k) {
            return Err(ModelError(
                "model.tsv: codes, bias, platt_a, platt_b, rule_precision and threshold must have one value per code"
                    .into(),
            ));
        }
        let platt = platt_a.into_iter().zip(platt_b).collect();
        Ok(Model {
            codes,
            bias,
            platt,
            rule_precision: prec,
            threshold: thr,
            min_n,
            max_n,
            grams,
            weights,
            table: Table::new(&[]),
        }
        .indexed())
    }

    /// Writes the model in the format [`Model::parse`] reads. Weights keep four decimals.
    pub fn to_tsv(&self, header: &str) -> String {
        let mut out = String::new();
        for l in header.lines() {
            out.push_str("# ");
            out.push_str(l);
            out.push('\n');
        }
        let row = |name: &str, v: &mut dyn Iterator<Item = f32>| {
            let mut s = name.to_string();
            for x in v {
                s.push_str(&format!("\t{x:.4}"));
            }
            s.push('\n');
            s
        };
        out.push_str(&format!("min_n\t{}\n", self.min_n));
        if self.max_n != 3 {
            out.push_str(&format!("max_n\t{}\n", self.max_n));
        }
        out.push_str("codes");
        for c in &self.codes {
            out.push('\t');
            out.push_str(c.as_str());
        }
        out.push('\n');
        out.push_str(&row("bias", &mut self.bias.iter().copied()));
        out.push_str(&row("platt_a", &mut self.platt.iter().map(|p| p.0)));
        out.push_str(&row("platt_b", &mut self.platt.iter().map(|p| p.1)));
        out.push_str(&row("rule_precision", &mut self.rule_precision.iter().copied()));
        out.push_str(&row("threshold", &mut self.threshold.iter().copied()));
        let k = self.codes.len();
        for (r, g) in self.grams.iter().enumerate() {
            out.push_str("w\t");
            out.push_str(g);
            for (c, w) in self.weights[r * k..r * k + k].iter().enumerate() {
                if *w != 0.0 {
                    out.push_str(&format!("\t{c}:{w:.3}"));
                }
            }
            out.push('\n');
        }
        out
    }
}

// ---------------------------------------------------------------------------------------------
// Training.

/// One labelled message for training.
#[derive(Debug, Clone)]
pub struct Example {
    pub text: String,
    pub third_party: bool,
    /// Posted to many (`to` is a public recipient).
    pub public: bool,
    /// Text-level codes; empty for lawful.
    pub labels: Vec<Code>,
    /// The source group (see [`crate::eval::source_group`]); folds never split a group.
    pub group: String,
    pub real: bool,
    /// The codes the rules give this message (for the rules' measured precision).
    pub rule_codes: Vec<Code>,
    /// Its class features (`Analyzer::class_features`).
    pub classes: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct TrainParams {
    pub epochs: usize,
    pub learning_rate: f32,
    pub l2: f32,
    /// A feature must occur in this many training messages.
    pub min_count: usize,
    /// Keep at most this many features (those with the largest weights).
    pub max_features: usize,
    /// Folds for the out-of-fold calibration.
    pub folds: usize,
    /// Weight of a real message relative to a synthetic one.
    pub real_weight: f32,
    pub seed: u64,
    /// Shortest n-gram (1 or 2).
    pub min_n: usize,
    /// Longest n-gram (up to [`MAX_N`]). Two: under leave-one-source-out on the development
    /// groups, bigrams alone flagged fewer lawful messages than up to trigrams at the same
    /// macro-F1, in each of the three rule versions tried (docs/conduct.md, third round).
    pub max_n: usize,
    /// Weight of a positive example of a code relative to a negative one (codes are rare).
    pub positive_weight: f32,
    /// Choose each code's threshold for "a rule fired or p ≥ t" (true) or for the model alone
    /// (false). The rules are written from the development messages the thresholds are chosen on,
    /// so there they find more than they will on unseen messages; a threshold chosen together
    /// with them credits the model too little, and rose with each round of rules.
    pub threshold_with_rules: bool,
}

impl Default for TrainParams {
    fn default() -> Self {
        TrainParams {
            epochs: 12,
            learning_rate: 0.3,
            l2: 1e-4,
            min_count: 2,
            max_features: 8_000,
            folds: 5,
            real_weight: 2.0,
            seed: 17,
            min_n: 1,
            max_n: 2,
            positive_weight: 1.0,
            threshold_with_rules: true,
        }
    }
}

/// Most word classes a lexicon may give the model (their co-occurrence is a 64-bit mask).
pub const MAX_CLASSES: usize = 64;

/// The names of the class features of `classes`, in the order of [`class_feature_ids`]: one
/// per class (it occurs), then one per pair (both occur in one sentence).
pub fn class_feature_names(classes: &[String]) -> Vec<String> {
    let mut out: Vec<String> = classes.iter().map(|c| format!("@@c:{c}")).collect();
    for (a, x) in classes.iter().enumerate() {
        for y in &classes[a + 1..] {
            out.push(format!("@@p:{x}+{y}"));
        }
    }
    out
}

/// Index of the pair (a, b), a < b, among the pairs of `n` classes.
fn pair_index(n: usize, a: usize, b: usize) -> usize {
    a * (2 * n - a - 1) / 2 + (b - a - 1)
}

/// The class features of a normalised text, as indices into [`class_feature_names`]:
/// `found` holds each class word's class and byte offset (any order; sorted here); a pair
/// counts when both classes occur in one sentence, so "你儿子……不得安宁" pairs kin with harm
/// and a bank's bill that names 家人 in its footer does not pair it with the overdue amount.
pub fn class_feature_ids(n: usize, text: &str, found: &mut [(u16, usize)], out: &mut Vec<usize>) {
    out.clear();
    if found.is_empty() || n == 0 {
        return;
    }
    found.sort_unstable_by_key(|x| x.1);
    let mut all = 0u64;
    let mut sentence = 0u64;
    let emit = |mask: u64, out: &mut Vec<usize>| {
        let mut a_bits = mask;
        while a_bits != 0 {
            let a = a_bits.trailing_zeros() as usize;
            a_bits &= a_bits - 1;
            let mut b_bits = a_bits;
            while b_bits != 0 {
                let b = b_bits.trailing_zeros() as usize;
                b_bits &= b_bits - 1;
                out.push(n + pair_index(n, a, b));
            }
        }
    };
    let mut chars = text.char_indices().peekable();
    for &(class, at) in found.iter() {
        // A sentence ends at a full stop, question or exclamation mark, or a line break.
        while let Some(&(i, c)) = chars.peek() {
            if i >= at {
                break;
            }
            if matches!(c, '。' | '！' | '？' | '!' | '?' | '\n') && sentence != 0 {
                emit(sentence, out);
                sentence = 0;
            }
            chars.next();
        }
        let bit = 1u64 << (class as usize).min(MAX_CLASSES - 1);
        sentence |= bit;
        all |= bit;
    }
    emit(sentence, out);
    let mut bits = all;
    while bits != 0 {
        out.push(bits.trailing_zeros() as usize);
        bits &= bits - 1;
    }
    out.sort_unstable();
    out.dedup();
}

/// The distinct feature strings of a message, sorted: its n-grams from `min_n` to [`MAX_N`]
/// characters, the recipient features and its class features.
pub fn features(
    text: &str,
    third_party: bool,
    public: bool,
    classes: &[String],
    min_n: usize,
    max_n: usize,
) -> Vec<String> {
    let mut norm = Normalized::default();
    normalize_into(text, &mut norm);
    let chars: Vec<char> = norm.text.chars().collect();
    let mut out: Vec<String> = Vec::new();
    for i in 0..chars.len() {
        for len in 1..=max_n.min(chars.len() - i) {
            let g = &chars[i..i + len];
            // Whitespace and control characters never make a useful feature (and would break
            // the file format).
            if g.iter().any(|c| c.is_whitespace() || c.is_control()) {
                break;
            }
            if len >= min_n {
                out.push(g.iter().collect());
            }
        }
    }
    if third_party {
        out.push(THIRD_PARTY_FEATURE.to_string());
    }
    if public {
        out.push(PUBLIC_FEATURE.to_string());
    }
    out.extend(classes.iter().cloned());
    out.sort();
    out.dedup();
    out
}

/// Logistic regression, one output per code, AdaGrad over shuffled examples.
/// `rows[i]` are the feature columns of example `i`; returns (weights rows×k, bias).
fn fit(
    rows: &[Vec<u32>],
    ys: &[Vec<bool>],
    ws: &[f32],
    n_features: usize,
    k: usize,
    p: &TrainParams,
) -> (Vec<f32>, Vec<f32>) {
    let mut w = vec![0f32; n_features * k];
    let mut g2 = vec![1e-6f32; n_features * k];
    let mut b = vec![0f32; k];
    let mut gb2 = vec![1e-6f32; k];
    let mut order: Vec<usize> = (0..rows.len()).collect();
    let mut rng = SplitMix64::new(p.seed);
    let mut s = vec![0f32; k];
    for _ in 0..p.epochs {
        for i in (1..order.len()).rev() {
            let j = rng.below(i as u64 + 1) as usize;
            order.swap(i, j);
        }
        for &e in &order {
            s.copy_from_slice(&b);
            for &f in &rows[e] {
                for (acc, x) in s.iter_mut().zip(&w[f as usize * k..f as usize * k + k]) {
                    *acc += x;
                }
            }
            for c in 0..k {
                let g = if ys[e][c] { (sigmoid(s[c]) - 1.0) * p.positive_weight } else { sigmoid(s[c]) } * ws[e];
                gb2[c] += g * g;
                b[c] -= p.learning_rate * g / gb2[c].sqrt();
                for &f in &rows[e] {
                    let i = f as usize * k + c;
                    let gi = g + p.l2 * w[i];
                    g2[i] += gi * gi;
                    w[i] -= p.learning_rate * gi / g2[i].sqrt();
                }
            }
        }
    }
    (w, b)
}

fn raw_scores(rows: &[u32], w: &[f32], b: &[f32]) -> Vec<f32> {
    let k = b.len();
    let mut s = b.to_vec();
    for &f in rows {
        for (acc, x) in s.iter_mut().zip(&w[f as usize * k..f as usize * k + k]) {
            *acc += x;
        }
    }
    s
}

/// Platt scaling: (a, b) minimising the log loss of σ(a·x + b) on (score, label) pairs, with
/// Platt's smoothed targets so that a separable fold does not give infinite slopes; Newton's
/// method with a backtracking line search (Lin, Lin and Weng's formulation).
fn platt(pairs: &[(f32, bool)]) -> (f32, f32) {
    let pos = pairs.iter().filter(|p| p.1).count() as f64;
    let neg = pairs.len() as f64 - pos;
    let (hi, lo) = ((pos + 1.0) / (pos + 2.0), 1.0 / (neg + 2.0));
    let data: Vec<(f64, f64)> = pairs.iter().map(|&(x, y)| (x as f64, if y { hi } else { lo })).collect();
    // Log loss, computed stably.
    let loss = |a: f64, b: f64| -> f64 {
        data.iter()
            .map(|&(x, t)| {
                let f = a * x + b;
                if f >= 0.0 { (1.0 - t) * f + (1.0 + (-f).exp()).ln() } else { -t * f + (1.0 + f.exp()).ln() }
            })
            .sum()
    };
    let (mut a, mut b) = (0.0f64, ((pos + 1.0) / (neg + 1.0)).ln());
    let mut f = loss(a, b);
    for _ in 0..100 {
        let (mut ga, mut gb, mut haa, mut hab, mut hbb) = (0.0, 0.0, 1e-12, 0.0, 1e-12);
        for &(x, t) in &data {
            let z = a * x + b;
            let p = 1.0 / (1.0 + (-z).exp());
            let d = t - p;
            ga += x * d;
            gb += d;
            let v = p * (1.0 - p);
            haa += x * x * v;
            hab += x * v;
            hbb += v;
        }
        if ga.abs() < 1e-6 && gb.abs() < 1e-6 {
            break;
        }
        let det = haa * hbb - hab * hab;
        // Newton direction for minimising the loss (its gradient is −(ga, gb)).
        let da = (hbb * ga - hab * gb) / det;
        let db = (haa * gb - hab * ga) / det;
        let slope = -(ga * da + gb * db);
        let mut step = 1.0;
        let mut moved = false;
        while step >= 1e-10 {
            let (na, nb) = (a + step * da, b + step * db);
            let nf = loss(na, nb);
            if nf < f + 1e-4 * step * slope {
                a = na;
                b = nb;
                f = nf;
                moved = true;
                break;
            }
            step /= 2.0;
        }
        if !moved {
            break;
        }
    }
    (a as f32, b as f32)
}

/// Weight, in messages, of the whole corpus's rule precision against the real messages' own.
const RULE_PRIOR: f32 = 10.0;

/// Fold of a source group: a stable hash, so adding messages never moves a group.
fn fold_of(group: &str, folds: usize) -> usize {
    (feature_hash(group) >> 7) as usize % folds
}

/// Trains a model on `examples` for `codes`.
pub fn train(examples: &[Example], codes: &[Code], p: &TrainParams) -> Model {
    let k = codes.len();
    let feats: Vec<Vec<String>> =
        examples.iter().map(|e| features(&e.text, e.third_party, e.public, &e.classes, p.min_n, p.max_n)).collect();
    let mut count: HashMap<&str, usize> = HashMap::new();
    for f in &feats {
        for g in f {
            *count.entry(g.as_str()).or_default() += 1;
        }
    }
    let mut vocab: Vec<&str> = count.iter().filter(|(_, n)| **n >= p.min_count).map(|(g, _)| *g).collect();
    vocab.sort();
    let index: HashMap<&str, u32> = vocab.iter().enumerate().map(|(i, g)| (*g, i as u32)).collect();
    let rows: Vec<Vec<u32>> =
        feats.iter().map(|f| f.iter().filter_map(|g| index.get(g.as_str()).copied()).collect()).collect();
    let ys: Vec<Vec<bool>> = examples.iter().map(|e| codes.iter().map(|c| e.labels.contains(c)).collect()).collect();
    let ws: Vec<f32> = examples.iter().map(|e| if e.real { p.real_weight } else { 1.0 }).collect();

    // Out-of-fold scores for calibration: every example scored by a model that never saw its
    // source group.
    let mut oof: Vec<Vec<f32>> = vec![Vec::new(); examples.len()];
    for fold in 0..p.folds {
        let train_idx: Vec<usize> =
            (0..examples.len()).filter(|&i| fold_of(&examples[i].group, p.folds) != fold).collect();
        if train_idx.len() == examples.len() {
            continue;
        }
        let r: Vec<Vec<u32>> = train_idx.iter().map(|&i| rows[i].clone()).collect();
        let y: Vec<Vec<bool>> = train_idx.iter().map(|&i| ys[i].clone()).collect();
        let wv: Vec<f32> = train_idx.iter().map(|&i| ws[i]).collect();
        let (w, b) = fit(&r, &y, &wv, vocab.len(), k, p);
        for i in 0..examples.len() {
            if fold_of(&examples[i].group, p.folds) == fold {
                oof[i] = raw_scores(&rows[i], &w, &b);
            }
        }
    }
    let platt_params: Vec<(f32, f32)> = (0..k)
        .map(|c| {
            let pairs: Vec<(f32, bool)> =
                (0..examples.len()).filter(|&i| !oof[i].is_empty()).map(|i| (oof[i][c], ys[i][c])).collect();
            if pairs.is_empty() { (1.0, 0.0) } else { platt(&pairs) }
        })
        .collect();
    // Per-code threshold: the best F1 of "a rule fired or p ≥ t" over the out-of-fold real
    // predictions (all predictions when the real ones have too few positives).
    let threshold: Vec<f32> = (0..k)
        .map(|c| {
            let scored = |i: &usize| !oof[*i].is_empty();
            let real: Vec<usize> = (0..examples.len()).filter(scored).filter(|&i| examples[i].real).collect();
            let pool: Vec<usize> = if real.iter().filter(|&&i| ys[i][c]).count() >= 5 {
                real
            } else {
                (0..examples.len()).filter(scored).collect()
            };
            let (pa, pb) = platt_params[c];
            let mut best = (f32::MIN, 0.5f32);
            for step in 0..=12 {
                let t = FLAG_FLOOR + step as f32 * 0.05;
                let (mut tp, mut fp, mut fn_) = (0f32, 0f32, 0f32);
                for &i in &pool {
                    let fired = (p.threshold_with_rules && examples[i].rule_codes.contains(&codes[c]))
                        || sigmoid(pa * oof[i][c] + pb) >= t;
                    match (fired, ys[i][c]) {
                        (true, true) => tp += 1.0,
                        (true, false) => fp += 1.0,
                        (false, true) => fn_ += 1.0,
                        _ => {}
                    }
                }
                let f1 = if tp == 0.0 { 0.0 } else { 2.0 * tp / (2.0 * tp + fp + fn_) };
                if f1 > best.0 + 1e-6 {
                    best = (f1, t);
                }
            }
            best.1
        })
        .collect();
    // The rules' precision per code: the real messages' count, pulled towards the whole training
    // corpus's (synthetic included) by a prior worth RULE_PRIOR messages. A code with a handful of
    // real examples (impersonation has one) must not be judged on them alone: one mistake would
    // make every court impersonation "unsure" and drop it from the police report.
    let count = |real_only: bool, c: &Code| {
        let (mut tp, mut fp) = (0f32, 0f32);
        for e in examples.iter().filter(|e| (!real_only || e.real) && e.rule_codes.contains(c)) {
            if e.labels.contains(c) {
                tp += 1.0;
            } else {
                fp += 1.0;
            }
        }
        (tp, fp)
    };
    let rule_precision: Vec<f32> = codes
        .iter()
        .map(|c| {
            let (tp_all, fp_all) = count(false, c);
            let prior = (tp_all + 1.0) / (tp_all + fp_all + 2.0);
            let (tp, fp) = count(true, c);
            (tp + RULE_PRIOR * prior) / (tp + fp + RULE_PRIOR)
        })
        .collect();

    let (w, b) = fit(&rows, &ys, &ws, vocab.len(), k, p);
    // Keep the features that matter most.
    let mut strength: Vec<(f32, usize)> =
        (0..vocab.len()).map(|f| (w[f * k..f * k + k].iter().fold(0f32, |m, x| m.max(x.abs())), f)).collect();
    strength.sort_by(|x, y| y.0.total_cmp(&x.0).then(vocab[x.1].cmp(vocab[y.1])));
    strength.truncate(p.max_features);
    strength.retain(|s| s.0 >= 0.01);
    strength.sort_by(|x, y| vocab[x.1].cmp(vocab[y.1]));
    let grams: Vec<String> = strength.iter().map(|s| vocab[s.1].to_string()).collect();
    // Three decimals, and weights under 0.01 dropped: they change no decision and would make
    // the file several times larger.
    let quantise = |x: f32| if x.abs() < 0.01 { 0.0 } else { (x * 1000.0).round() / 1000.0 };
    let weights: Vec<f32> =
        strength.iter().flat_map(|s| w[s.1 * k..s.1 * k + k].iter().map(|x| quantise(*x))).collect();
    let bias = b.iter().map(|x| (x * 10_000.0).round() / 10_000.0).collect();
    let round = |x: f32| (x * 10_000.0).round() / 10_000.0;
    Model {
        codes: codes.to_vec(),
        bias,
        platt: platt_params.into_iter().map(|(a, b)| (round(a), round(b))).collect(),
        rule_precision: rule_precision.into_iter().map(round).collect(),
        threshold: threshold.into_iter().map(round).collect(),
        min_n: p.min_n,
        max_n: p.max_n,
        grams,
        weights,
        table: Table::new(&[]),
    }
    .indexed()
}
