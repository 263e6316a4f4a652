//! The labelled corpus and the held-out quality floor.
//!
//! `tests/data/conduct/test.jsonl` is never used to write or tune rules. Its
//! macro-F1 is recorded here; CI fails if a change makes it worse.

use std::path::PathBuf;

use serde::Deserialize;
use yuqi_conduct::eval::evaluate;
use yuqi_conduct::{Analyzer, Code, Message, Scratch};

/// Macro-F1 on the held-out split, recorded when the rules were last changed
/// (see docs/conduct.md for the history: 0.694 for the first rules, 0.790 after the
/// second round tuned on train + train_extra). Lower only with a written reason: issue 17's
/// second round (frames, quotations and descriptions as mentions, the model retrained with the
/// real corpus's part f) gives 0.780 on this mostly synthetic split; the real-message figures are
/// the ones that count (tests/real_corpus.rs), this is a regression check.
const HELD_OUT_MACRO_F1: f64 = 0.78;

/// Text-level codes added after `test.jsonl` was frozen (issue 17: the debt-relief offers). Its
/// lines were labelled before these codes existed: a line that would now carry one (such as a
/// collector selling "征信修复" for a fee, like x0051 of train_extra.jsonl) may carry only the older
/// codes there. A prediction of such a code on the held-out split can therefore be judged neither
/// right nor wrong, and is left out of the held-out figures. Their precision is checked on the
/// hard negatives of train_extra.jsonl and tests/analyzer.rs, and on the real lines of real/.
const ADDED_AFTER_THE_SPLIT: [Code; 1] = [Code::DebtReliefScam];

#[derive(Deserialize)]
struct Line<'a> {
    #[serde(borrow, flatten)]
    message: Message<'a>,
    labels: Vec<String>,
    origin: String,
    source: String,
}

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/conduct")
}

fn evaluate_file(name: &str) -> (yuqi_conduct::eval::EvalReport, usize, usize) {
    let text = std::fs::read_to_string(dir().join(name)).expect("corpus file");
    let analyzer = Analyzer::shared();
    let mut scratch = Scratch::default();
    let mut pairs = Vec::new();
    let (mut real, mut synthetic) = (0, 0);
    for (i, l) in text.lines().enumerate() {
        let line: Line<'_> = serde_json::from_str(l).unwrap_or_else(|e| panic!("{name}:{}: {e}", i + 1));
        match line.origin.as_str() {
            "real" => {
                assert!(
                    line.source.starts_with("http") || line.source.contains('/'),
                    "{name}:{}: real line without a source",
                    i + 1
                );
                real += 1;
            }
            "synthetic" => synthetic += 1,
            other => panic!("{name}:{}: origin {other}", i + 1),
        }
        let expected: Vec<Code> = line
            .labels
            .iter()
            .filter(|l| *l != "lawful")
            .map(|l| Code::parse(l).unwrap_or_else(|| panic!("{name}:{}: label {l}", i + 1)))
            .collect();
        assert!(
            !line.labels.contains(&"lawful".to_string()) || expected.is_empty(),
            "{name}:{}: lawful with codes",
            i + 1
        );
        let mut predicted = analyzer.analyze(&line.message, &mut scratch).codes;
        if name == "test.jsonl" {
            predicted.retain(|c| !ADDED_AFTER_THE_SPLIT.contains(c));
        }
        pairs.push((expected, predicted));
    }
    (evaluate(pairs), real, synthetic)
}

#[test]
fn the_corpus_is_large_enough_and_well_formed() {
    let (train, real_a, syn_a) = evaluate_file("train.jsonl");
    let (test, real_b, syn_b) = evaluate_file("test.jsonl");
    let (extra, _, syn_c) = evaluate_file("train_extra.jsonl");
    assert!(train.messages + test.messages >= 400);
    assert_eq!(extra.messages, syn_c, "train_extra is synthetic only");
    assert!(real_a + real_b >= 100, "real messages: {}", real_a + real_b);
    assert!(syn_a + syn_b > 0);
    // Every text-level code is represented in the training data (train + train_extra) and in the
    // held-out split, except codes added after the held-out split was frozen: their examples
    // could only be written by the people writing the rules, so they are left out of it (the
    // real lines of tests/data/conduct/real/ evaluate them instead).
    for (m, e) in train.per_code.iter().zip(&extra.per_code) {
        assert!(m.support + e.support > 0, "{:?} has no training examples", m.code);
    }
    for m in &test.per_code {
        assert!(m.support > 0 || ADDED_AFTER_THE_SPLIT.contains(&m.code), "{:?} has no held-out examples", m.code);
    }
}

#[test]
fn held_out_macro_f1_does_not_regress() {
    let (report, _, _) = evaluate_file("test.jsonl");
    assert!(
        report.macro_f1 + 1e-9 >= HELD_OUT_MACRO_F1,
        "held-out macro-F1 fell to {:.4} (recorded {HELD_OUT_MACRO_F1}); per code: {:#?}",
        report.macro_f1,
        report.per_code
    );
}
