//! Precision, recall and F1 per code against labelled messages.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::code::Code;

#[derive(Debug, Clone, Serialize)]
pub struct CodeMetrics {
    pub code: Code,
    pub support: usize,
    pub true_positives: usize,
    pub false_positives: usize,
    pub false_negatives: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct EvalReport {
    pub messages: usize,
    pub per_code: Vec<CodeMetrics>,
    pub micro_precision: f64,
    pub micro_recall: f64,
    pub micro_f1: f64,
    /// Unweighted mean of the per-code F1 over the text-level codes.
    pub macro_f1: f64,
    pub lawful_messages: usize,
    /// Share of lawful messages given at least one code.
    pub lawful_false_positive_rate: f64,
    /// Messages predicted exactly right (same set of codes).
    pub exact_match: f64,
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) }
}

/// `pairs`: (expected text-level codes — empty for lawful, predicted codes).
pub fn evaluate<I: IntoIterator<Item = (Vec<Code>, Vec<Code>)>>(pairs: I) -> EvalReport {
    let mut counts: BTreeMap<Code, (usize, usize, usize)> = Code::TEXT.iter().map(|c| (*c, (0, 0, 0))).collect();
    let (mut messages, mut lawful, mut lawful_fp, mut exact) = (0, 0, 0, 0);
    for (expected, predicted) in pairs {
        messages += 1;
        let predicted: Vec<Code> = predicted.into_iter().filter(|c| c.is_text_level()).collect();
        if expected.is_empty() {
            lawful += 1;
            if !predicted.is_empty() {
                lawful_fp += 1;
            }
        }
        let mut e = expected.clone();
        e.sort();
        let mut p = predicted.clone();
        p.sort();
        p.dedup();
        if e == p {
            exact += 1;
        }
        for c in Code::TEXT {
            let (tp, fp, fn_) = counts.entry(c).or_default();
            match (expected.contains(&c), predicted.contains(&c)) {
                (true, true) => *tp += 1,
                (false, true) => *fp += 1,
                (true, false) => *fn_ += 1,
                (false, false) => {}
            }
        }
    }
    let per_code: Vec<CodeMetrics> = counts
        .iter()
        .map(|(code, (tp, fp, fn_))| {
            let precision = ratio(*tp, tp + fp);
            let recall = ratio(*tp, tp + fn_);
            CodeMetrics {
                code: *code,
                support: tp + fn_,
                true_positives: *tp,
                false_positives: *fp,
                false_negatives: *fn_,
                precision,
                recall,
                f1: f1(precision, recall),
            }
        })
        .collect();
    let (tp, fp, fn_) = counts.values().fold((0, 0, 0), |a, c| (a.0 + c.0, a.1 + c.1, a.2 + c.2));
    let micro_precision = ratio(tp, tp + fp);
    let micro_recall = ratio(tp, tp + fn_);
    let with_support: Vec<&CodeMetrics> = per_code.iter().filter(|m| m.support > 0 || m.false_positives > 0).collect();
    let macro_f1 = if with_support.is_empty() {
        0.0
    } else {
        with_support.iter().map(|m| m.f1).sum::<f64>() / with_support.len() as f64
    };
    EvalReport {
        messages,
        per_code,
        micro_precision,
        micro_recall,
        micro_f1: f1(micro_precision, micro_recall),
        macro_f1,
        lawful_messages: lawful,
        lawful_false_positive_rate: ratio(lawful_fp, lawful),
        exact_match: ratio(exact, messages),
    }
}

/// The source group of a corpus line, for leave-one-source-out evaluation: the host of a URL
/// without `www.`/`m.`, or `owner/repo` of a repository path (`owner/repo path…` or
/// `github:owner/repo …`). Reposts on different hosts stay different groups; the corpus README
/// names the outlets they repeat. A line's own `group` field, where the corpus gives one (one
/// campaign spread over several repositories), overrides this.
pub fn source_group(source: &str) -> String {
    let s = source.trim();
    if let Some(rest) = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://")) {
        let mut parts = rest.split(['/', '?', '#']);
        let host = parts.next().unwrap_or(rest).to_lowercase();
        // One repository is one source; github.com as a whole is not.
        if host == "github.com"
            && let (Some(o), Some(r)) = (parts.next(), parts.next())
        {
            return format!("{o}/{r}");
        }
        let host = host.strip_prefix("www.").unwrap_or(&host);
        let host = host.strip_prefix("m.").unwrap_or(host);
        return host.to_string();
    }
    let s = s.strip_prefix("github:").unwrap_or(s);
    let repo = s.split_whitespace().next().unwrap_or(s);
    let mut parts = repo.split('/');
    match (parts.next(), parts.next()) {
        (Some(o), Some(r)) => format!("{o}/{r}"),
        _ => repo.to_string(),
    }
}

/// Is this source group in the frozen real test split? About three groups in ten, chosen by a
/// stable hash of the group's name: the choice never depends on the messages, and a group added
/// later falls on its side without moving any other. Rules are never written and the model is
/// never trained on these groups.
pub fn is_frozen_test(group: &str) -> bool {
    let h = group.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x0000_0100_0000_01b3));
    h % 10 < 3
}

/// Wilson score interval (95 %) for `k` successes in `n` trials.
pub fn wilson(k: usize, n: usize) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let z = 1.959_964f64;
    let (n, p) = (n as f64, k as f64 / n as f64);
    let d = 1.0 + z * z / n;
    let c = (p + z * z / (2.0 * n)) / d;
    let h = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / d;
    ((c - h).max(0.0), (c + h).min(1.0))
}

/// 95 % bootstrap interval of a statistic over messages (percentile method, `rounds`
/// resamples, a fixed seed so the figures are reproducible).
pub fn bootstrap<F: Fn(&[(Vec<Code>, Vec<Code>)]) -> f64>(
    pairs: &[(Vec<Code>, Vec<Code>)],
    rounds: usize,
    stat: F,
) -> (f64, f64) {
    if pairs.is_empty() {
        return (0.0, 0.0);
    }
    let mut rng = yuqi_util::SplitMix64::new(0x5EED);
    let mut values: Vec<f64> = (0..rounds)
        .map(|_| {
            let sample: Vec<(Vec<Code>, Vec<Code>)> =
                (0..pairs.len()).map(|_| pairs[rng.below(pairs.len() as u64) as usize].clone()).collect();
            stat(&sample)
        })
        .collect();
    values.sort_by(f64::total_cmp);
    let at = |q: f64| values[((rounds as f64 - 1.0) * q).round() as usize];
    (at(0.025), at(0.975))
}
