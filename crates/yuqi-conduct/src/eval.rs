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
