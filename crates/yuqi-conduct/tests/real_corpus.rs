//! The real corpus (tests/data/conduct/real/): its shape, and the floor CI keeps on the frozen
//! real test split — real messages from sources the rules were never written from and the model
//! was never trained on (docs/conduct.md, "Evaluation protocol").

use std::collections::BTreeSet;
use std::path::PathBuf;

use yuqi_conduct::corpus::{Labelled, frozen_groups, parse_jsonl};
use yuqi_conduct::eval::{evaluate, source_group};
use yuqi_conduct::{Analyzer, Code, Scratch};

/// Figures of the shipped analyzer on the frozen split when the model was last trained
/// (docs/conduct.md has the history). Lower only with a written reason. Second round of issue 17
/// (236 lines with part f): macro-F1 0.381, micro-F1 0.504, lawful flagged 9 of 142. Micro-F1 fell
/// below the first round's floor of 0.51 (0.515 then, on 224 lines): the frames found no more of
/// the frozen split's threats and the split grew by 12 lines, so the floor is lowered to what was
/// measured. Third round (reporting frames, 1–2-gram model; the split evaluated once): macro-F1
/// 0.389, micro-F1 0.515, lawful flagged 8 of 142 (5.6 %), sure hits alike; micro-F1 and the
/// lawful shares are raised to what was measured. Fourth round (57 more real lines, 6 of them in
/// the split, now 242; rules unchanged, model retrained): macro-F1 0.394, micro-F1 0.545, lawful
/// flagged 8 of 144; the floors stay (the split changed, and 6 lines move macro-F1 by noise).
/// Fifth round (convention 2 as a frame: contact threatened to the debtor is intimidation too;
/// a fee must be named; a judgment's register describes): macro-F1 0.403, micro-F1 0.561, lawful
/// flagged 8 of 144; micro-F1's floor raised to 0.55, macro-F1's to 0.39.
/// Sixth round (OpenCC's whole traditional-character table; Cantonese menace; a court-like message
/// that threatens violence or insults is not held; a fake police notice in a report's register and
/// a collector calling a default fraud are no longer taken for a report or a warning; chosen on the
/// development split, which rose): macro-F1 0.400, micro-F1 0.543, lawful flagged 9 of 144 (6.25 %).
/// The model's threshold for contact_third_party, picked on the development folds, rose from 0.45 to
/// 0.70 (the rules find more there) and it finds fewer on the split; the ninth lawful message comes
/// with the traditional-character table (without it, 8 of 144; docs/conduct.md, sixth round). So
/// micro-F1's floor is lowered to 0.53 and the lawful shares to 6.5 %: what was measured, written
/// down, not a target.
/// Seventh round (frames for the children's future, a court's or police header, a summons to
/// answer, debt-relief pitches; part h added 10 lines to the split, now 252): macro-F1 0.392,
/// micro-F1 0.519, lawful flagged 10 of 154 (6.5 %). The rules alone rose (0.349 → 0.360); the
/// model's thresholds, picked on development folds the rules were written from, rose again
/// (false_consequence 0.40 → 0.75) and it found less. Choosing thresholds for the model alone gave
/// 0.458 / 0.613 but 12 of 154 lawful flagged and bank look-alikes flagged at low confidence; it is
/// not shipped (docs/conduct.md, seventh round). Micro-F1's floor is lowered to 0.51.
/// Eighth round (the model weighs word classes and their pairs in a sentence; decided on a new
/// batch, part i, tested blind before anyone read it; part i added 13 lines, now 265): macro-F1
/// 0.397, micro-F1 0.530, lawful flagged 10 of 163 (6.1 %); the previous model on the same lines
/// 0.388 / 0.512. Thresholds for the model alone were rejected on the blind batch (5 of 45 lawful
/// flagged against 1). Floors unchanged.
/// Ninth round (part j, 45 lines, tested blind: 0.435 / 0.571 / 5 of 29 lawful flagged; 7 of its
/// lines joined the split, now 272): macro-F1 0.389, micro-F1 0.523, lawful flagged 11 of 168
/// (6.55 %) — the previous analyzer on the same 272 lines flags the same 11 (0.391 / 0.527). The
/// lawful ceilings rise from 6.5 % to 6.6 % because the split grew, not because the analyzer
/// flags more; the macro-F1 floor is lowered from 0.39 to 0.385, the new figure being 0.002 below
/// the previous analyzer's on the same lines (one label's worth, well inside the interval).
/// Tenth round (part k, 61 lines, tested blind: 0.385 / 0.716 / 6 of 45 lawful flagged; 18 of its
/// lines joined the split, now 290): macro-F1 0.424, micro-F1 0.572, lawful flagged 12 of 185
/// (6.5 %); the previous analyzer on the same 290 lines 0.392 / 0.528 / the same 12. The rules
/// alone did not move (0.352): the gain is the model retrained with part k's development lines.
/// Floors rise to 0.42 and 0.56.
const FROZEN_MACRO_F1: f64 = 0.42;
const FROZEN_MICRO_F1: f64 = 0.56;
/// At most this share of the split's lawful messages may be flagged at all…
const FROZEN_LAWFUL_FP: f64 = 0.066;
/// …and at most this share with a hit the analyzer is sure of (what letters show). The issue's
/// target is 5 %; the development split's leave-one-source-out gives 4.8 %, the frozen split
/// 6.3 % (9 of 142; first round 6.1 %, 8 of 131) since rule confidence is pulled towards the whole
/// corpus's precision (without that prior a court impersonation was "unsure" and left out of the
/// police report). Third round: 5.6 % (8 of 142); development leave-one-source-out 1.5 %. Sixth
/// round: 6.25 % (9 of 144). Seventh round: 6.5 % (10 of 154). Eighth round: 6.1 % (10 of 163).
/// Ninth round: 6.55 % (11 of 168; the previous analyzer the same on the grown split). Tenth
/// round: 6.5 % (12 of 185).
const FROZEN_LAWFUL_FP_SURE: f64 = 0.066;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/conduct")
}

fn load(path: PathBuf) -> Vec<Labelled> {
    let src = std::fs::read_to_string(&path).expect("corpus file");
    parse_jsonl(&path.display().to_string(), &src).unwrap_or_else(|e| panic!("{e}"))
}

fn real() -> Vec<Labelled> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir().join("real"))
        .expect("real corpus")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    files.into_iter().flat_map(load).collect()
}

fn team() -> Vec<Labelled> {
    ["train.jsonl", "train_extra.jsonl", "test.jsonl"].iter().flat_map(|f| load(dir().join(f))).collect()
}

fn normalised(text: &str) -> String {
    text.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

#[test]
fn the_real_corpus_is_large_varied_and_has_no_duplicates() {
    let real = real();
    assert!(real.len() >= 750, "{} real lines", real.len());
    assert!(real.iter().all(|l| l.real), "synthetic lines never belong in real/");
    let lawful = real.iter().filter(|l| l.labels.is_empty()).count();
    assert!(lawful >= 400, "{lawful} real lawful messages");
    let groups: BTreeSet<&str> = real.iter().map(|l| l.group.as_str()).collect();
    assert!(groups.len() >= 250, "{} source groups", groups.len());
    // De-duplicated by normalised text, among themselves and against the team's corpus.
    let mut seen = BTreeSet::new();
    for l in team().iter().chain(&real) {
        let n = normalised(&l.text);
        assert!(seen.insert(n), "{}: duplicate text", l.id);
    }
    // The new code has real examples beyond the minimum the issue asks for.
    let scams = real.iter().filter(|l| l.labels.contains(&Code::DebtReliefScam)).count();
    assert!(scams >= 25, "{scams} debt-relief offers");
}

#[test]
fn source_groups_follow_the_protocol() {
    assert_eq!(source_group("https://www.163.com/dy/article/X.html"), "163.com");
    assert_eq!(source_group("https://m.sohu.com/a/1"), "sohu.com");
    assert_eq!(source_group("https://github.com/owner/repo/issues/21"), "owner/repo");
    assert_eq!(source_group("AutoAccountingOrg/AutoRule src/rule/x.txt"), "AutoAccountingOrg/AutoRule");
    assert_eq!(source_group("github:owner/repo path/file.rs"), "owner/repo");
}

#[test]
fn the_frozen_split_is_disjoint_from_training_and_rule_sources() {
    let real = real();
    let team = team();
    let frozen = frozen_groups(&real, &team);
    assert!(!frozen.is_empty());
    // No frozen group is a source of the team's own corpus, the one the rules were written from.
    for l in &team {
        assert!(!frozen.contains(&l.group), "{}: the team's corpus draws on frozen source {}", l.id, l.group);
    }
    let frozen_lines = real.iter().filter(|l| frozen.contains(&l.group)).count();
    assert!(frozen_lines >= 200, "{frozen_lines} frozen lines");
}

#[test]
fn the_frozen_real_split_keeps_its_floor() {
    let real = real();
    let frozen = frozen_groups(&real, &team());
    let analyzer = Analyzer::shared();
    let mut scratch = Scratch::default();
    let mut sure_pairs = Vec::new();
    let pairs: Vec<(Vec<Code>, Vec<Code>)> = real
        .iter()
        .filter(|l| frozen.contains(&l.group))
        .map(|l| {
            let m = l.message();
            let a = analyzer.analyze(&m, &mut scratch);
            let mut sure: Vec<Code> = a.hits.iter().filter(|h| h.is_sure()).map(|h| h.code).collect();
            sure.dedup();
            sure_pairs.push((l.labels.clone(), sure));
            (l.labels.clone(), a.codes)
        })
        .collect();
    let r = evaluate(pairs);
    let sure = evaluate(sure_pairs);
    assert!(
        sure.lawful_false_positive_rate <= FROZEN_LAWFUL_FP_SURE + 1e-9,
        "lawful FP of sure hits {:.3}",
        sure.lawful_false_positive_rate
    );
    assert!(r.macro_f1 + 1e-9 >= FROZEN_MACRO_F1, "frozen macro-F1 {:.3}: {:#?}", r.macro_f1, r.per_code);
    assert!(r.micro_f1 + 1e-9 >= FROZEN_MICRO_F1, "frozen micro-F1 {:.3}", r.micro_f1);
    assert!(r.lawful_false_positive_rate <= FROZEN_LAWFUL_FP + 1e-9, "lawful FP {:.3}", r.lawful_false_positive_rate);
}

/// Issue 17, item 5: a bank's or platform's own notices — repayment confirmations, bills, due and
/// overdue reminders stating lawful consequences — are never flagged on the development split.
/// On the frozen split (measured, never tuned) one is still flagged with a sure finding today: an
/// insurer's notice that an unpaid premium was reported to the credit bureau (extra_fee); the
/// count may only go down.
#[test]
fn lawful_bank_notices_stay_lawful() {
    const KINDS: [&str; 5] =
        ["repayment_confirmation", "bill", "due_reminder", "overdue_reminder", "repayment_account"];
    let real = real();
    let frozen = frozen_groups(&real, &team());
    let analyzer = Analyzer::shared();
    let mut scratch = Scratch::default();
    let (mut checked, mut frozen_sure) = (0, 0);
    for l in real.iter().filter(|l| l.labels.is_empty() && l.kind.as_deref().is_some_and(|k| KINDS.contains(&k))) {
        let m = l.message();
        let a = analyzer.analyze(&m, &mut scratch);
        if frozen.contains(&l.group) {
            frozen_sure += usize::from(a.hits.iter().any(|h| h.is_sure()));
        } else {
            assert!(a.hits.is_empty(), "{}: {:?}", l.id, a.hits);
        }
        checked += 1;
    }
    assert!(checked >= 150, "{checked} bank notices");
    assert!(frozen_sure <= 1, "{frozen_sure} bank notices of the frozen split flagged with a sure finding");
}
