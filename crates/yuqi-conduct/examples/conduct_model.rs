//! Trains the conduct model and evaluates the analyzer on real messages (docs/conduct.md,
//! "Evaluation protocol"). Run from the repository root:
//!
//!   conduct_model train [--check]   writes crates/yuqi-conduct/data/model.tsv (or checks that
//!                                   retraining gives the committed file byte for byte)
//!   conduct_model eval [--loso]     figures on the frozen real test split, and with --loso
//!                                   leave-one-source-out over every real source
//!   conduct_model tune              leave-one-source-out on the development part only
//!   conduct_model blind FILE…       counts on a new batch nobody has read (a blind test)
//!
//! Candidate models for a blind test are trained without the batch (`YUQI_EXCLUDE`, file names)
//! into another file (`YUQI_MODEL_OUT`) and evaluated with `YUQI_MODEL`; `YUQI_MODEL_ONLY` makes
//! `tune` score the model without the rules, `YUQI_TRAIN_NO_CLASSES` trains it without its class
//! features, and `YUQI_TRAIN_<PARAM>` overrides a training parameter.
//!
//! `scripts/train-conduct-model.sh` is the reproducible entry point.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::collections::BTreeSet;
use std::path::Path;

use yuqi_conduct::corpus::{Labelled, frozen_groups, parse_jsonl};
use yuqi_conduct::eval::{EvalReport, bootstrap, evaluate, wilson};
use yuqi_conduct::model::{Example, TrainParams, train};
use yuqi_conduct::{Analyzer, Code, Scratch};

const DIR: &str = "tests/data/conduct";
const MODEL: &str = "crates/yuqi-conduct/data/model.tsv";

fn load(path: &Path) -> Vec<Labelled> {
    let src = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    parse_jsonl(&path.display().to_string(), &src).unwrap_or_else(|e| panic!("{e}"))
}

struct Corpus {
    /// train.jsonl + train_extra.jsonl: the team's training lines (real and synthetic).
    team: Vec<Labelled>,
    /// test.jsonl: the team's held-out split (never trained on).
    team_test: Vec<Labelled>,
    real: Vec<Labelled>,
    frozen: BTreeSet<String>,
}

fn corpus() -> Corpus {
    let dir = Path::new(DIR);
    let mut team = load(&dir.join("train.jsonl"));
    team.extend(load(&dir.join("train_extra.jsonl")));
    let team_test = load(&dir.join("test.jsonl"));
    let mut files: Vec<_> = std::fs::read_dir(dir.join("real"))
        .expect("real corpus")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        // YUQI_EXCLUDE=<file names, comma-separated>: leave a batch out of everything (a blind
        // test of models trained without it, `blind`).
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            !std::env::var("YUQI_EXCLUDE").is_ok_and(|x| x.split(',').any(|e| e == name))
        })
        .collect();
    files.sort();
    let real: Vec<Labelled> = files.iter().flat_map(|p| load(p)).collect();
    let seen: Vec<Labelled> = team.iter().chain(&team_test).cloned().collect();
    let frozen = frozen_groups(&real, &seen);
    Corpus { team, team_test, real, frozen }
}

fn example(l: &Labelled, rules: &Analyzer, scratch: &mut Scratch) -> Example {
    let msg = l.message();
    Example {
        text: l.text.clone(),
        third_party: l.to.as_deref().is_some_and(|t| rules.is_third_party(t)),
        public: l.to.as_deref().is_some_and(|t| rules.is_public(t)),
        labels: l.labels.clone(),
        group: l.group.clone(),
        real: l.real,
        rule_codes: rules.analyze(&msg, scratch).codes,
        // YUQI_TRAIN_NO_CLASSES=1: the model without its class features (ablation).
        classes: if std::env::var_os("YUQI_TRAIN_NO_CLASSES").is_some() {
            Vec::new()
        } else {
            rules.class_features(&l.text)
        },
    }
}

/// The training parameters; `YUQI_TRAIN_<NAME>` overrides one for experiments (`tune`).
fn params() -> TrainParams {
    let mut p = TrainParams::default();
    let env = |n: &str| std::env::var(format!("YUQI_TRAIN_{n}")).ok();
    if let Some(v) = env("EPOCHS") {
        p.epochs = v.parse().expect("epochs");
    }
    if let Some(v) = env("LR") {
        p.learning_rate = v.parse().expect("lr");
    }
    if let Some(v) = env("L2") {
        p.l2 = v.parse().expect("l2");
    }
    if let Some(v) = env("REAL_WEIGHT") {
        p.real_weight = v.parse().expect("real weight");
    }
    if let Some(v) = env("POS") {
        p.positive_weight = v.parse().expect("positive weight");
    }
    if let Some(v) = env("MAX_N") {
        p.max_n = v.parse().expect("max n");
    }
    if let Some(v) = env("MIN_N") {
        p.min_n = v.parse().expect("min n");
    }
    if let Some(v) = env("MAX_FEATURES") {
        p.max_features = v.parse().expect("max features");
    }
    if let Some(v) = env("THRESHOLD_WITH_RULES") {
        p.threshold_with_rules = v == "1";
    }
    if let Some(v) = env("MIN_COUNT") {
        p.min_count = v.parse().expect("min count");
    }
    p
}

fn train_shipped(c: &Corpus) -> yuqi_conduct::model::Model {
    let rules = Analyzer::rules_only().expect("lexicon");
    let mut s = Scratch::default();
    let lines = c.team.iter().chain(c.real.iter().filter(|l| !c.frozen.contains(&l.group)));
    let examples: Vec<Example> = lines.map(|l| example(l, &rules, &mut s)).collect();
    train(&examples, &Code::TEXT, &params())
}

const HEADER: &str = "The conduct analyzer's n-gram model (src/model.rs). Generated by\n`bash scripts/train-conduct-model.sh`; do not edit by hand. Trained on\ntests/data/conduct/train.jsonl, train_extra.jsonl and the real lines outside the frozen test split.";

fn predict(a: &Analyzer, lines: &[&Labelled]) -> Vec<(Vec<Code>, Vec<Code>)> {
    let mut s = Scratch::default();
    lines.iter().map(|l| (l.labels.clone(), a.analyze(&l.message(), &mut s).codes)).collect()
}

/// Only the hits the analyzer is sure of (what letters and the inbox show by default).
fn predict_sure(a: &Analyzer, lines: &[&Labelled]) -> Vec<(Vec<Code>, Vec<Code>)> {
    predict_at(a, lines, yuqi_conduct::SURE)
}

/// The model alone, without rules or context (YUQI_MODEL_ONLY=1 in `tune`): how its own
/// generalisation moves with a change of features, free of the rules' advantage on the
/// development messages they were written from.
fn predict_model_only(a: &Analyzer, lines: &[&Labelled]) -> Vec<(Vec<Code>, Vec<Code>)> {
    let m = a.model().expect("model");
    let mut ms = yuqi_conduct::model::ModelScratch::default();
    let mut norm = yuqi_conduct::normalize::Normalized::default();
    lines
        .iter()
        .map(|l| {
            yuqi_conduct::normalize::normalize_into(&l.text, &mut norm);
            let classes: Vec<u64> =
                a.class_features(&l.text).iter().map(|f| yuqi_conduct::model::feature_hash(f)).collect();
            let tp = l.to.as_deref().is_some_and(|t| a.is_third_party(t));
            let public = l.to.as_deref().is_some_and(|t| a.is_public(t));
            m.score(&norm, tp, public, &classes, &mut ms);
            let codes: Vec<Code> = (0..m.codes.len())
                .filter(|&k| m.flags(k, m.probability(k, ms.scores[k])))
                .map(|k| m.codes[k])
                .collect();
            (l.labels.clone(), codes)
        })
        .collect()
}

fn predict_at(a: &Analyzer, lines: &[&Labelled], sure: u8) -> Vec<(Vec<Code>, Vec<Code>)> {
    let mut s = Scratch::default();
    lines
        .iter()
        .map(|l| {
            let mut codes: Vec<Code> =
                a.analyze(&l.message(), &mut s).hits.iter().filter(|h| h.confidence >= sure).map(|h| h.code).collect();
            codes.sort();
            codes.dedup();
            (l.labels.clone(), codes)
        })
        .collect()
}

fn report(title: &str, pairs: &[(Vec<Code>, Vec<Code>)]) {
    let r = evaluate(pairs.iter().cloned());
    let lawful = pairs.iter().filter(|p| p.0.is_empty()).count();
    let lawful_fp = pairs.iter().filter(|p| p.0.is_empty() && !p.1.is_empty()).count();
    let (ml, mh) = bootstrap(pairs, 1000, |s| evaluate(s.iter().cloned()).macro_f1);
    let (il, ih) = bootstrap(pairs, 1000, |s| evaluate(s.iter().cloned()).micro_f1);
    let (fl, fh) = wilson(lawful_fp, lawful);
    println!("### {title}\n");
    println!(
        "{} messages ({} with codes, {} lawful). Macro-F1 **{:.3}** (95 % CI {:.3}–{:.3}), micro-F1 {:.3} ({:.3}–{:.3}), lawful false positives **{:.1} %** ({} of {}; {:.1}–{:.1} %).\n",
        r.messages,
        r.messages - lawful,
        lawful,
        r.macro_f1,
        ml,
        mh,
        r.micro_f1,
        il,
        ih,
        r.lawful_false_positive_rate * 100.0,
        lawful_fp,
        lawful,
        fl * 100.0,
        fh * 100.0
    );
    print_codes(&r);
}

fn print_codes(r: &EvalReport) {
    println!("| code | support | TP | FP | FN | precision (95 % CI) | recall (95 % CI) | F1 |");
    println!("|---|---|---|---|---|---|---|---|");
    for m in &r.per_code {
        if m.support == 0 && m.false_positives == 0 {
            continue;
        }
        let (pl, ph) = wilson(m.true_positives, m.true_positives + m.false_positives);
        let (rl, rh) = wilson(m.true_positives, m.support);
        println!(
            "| `{}` | {} | {} | {} | {} | {:.2} ({:.2}–{:.2}) | {:.2} ({:.2}–{:.2}) | {:.2} |",
            m.code.as_str(),
            m.support,
            m.true_positives,
            m.false_positives,
            m.false_negatives,
            m.precision,
            pl,
            ph,
            m.recall,
            rl,
            rh,
            m.f1
        );
    }
    println!();
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let c = corpus();
    match args.first().map(String::as_str) {
        Some("train") => {
            let model = train_shipped(&c);
            let text = model.to_tsv(HEADER);
            if args.iter().any(|a| a == "--check") {
                let old = std::fs::read_to_string(MODEL).unwrap_or_default();
                if old != text {
                    eprintln!("{MODEL} differs from a fresh training run: retrain with scripts/train-conduct-model.sh");
                    std::process::exit(1);
                }
                println!("{MODEL}: retraining gives the committed model ({} features)", model.feature_count());
            } else {
                // YUQI_MODEL_OUT=<file>: a candidate model elsewhere (blind comparisons).
                let out = std::env::var("YUQI_MODEL_OUT").unwrap_or_else(|_| MODEL.to_string());
                std::fs::write(&out, text).expect("write model");
                println!("wrote {out}: {} features", model.feature_count());
            }
        }
        Some("blind") => {
            // blind FILE…: figures (counts only, never texts) on a batch nobody has looked at,
            // with the shipped model or YUQI_MODEL=<file> (trained with YUQI_EXCLUDE=<the batch>).
            let a = match std::env::var("YUQI_MODEL") {
                Ok(p) => Analyzer::with_model(
                    yuqi_conduct::model::Model::parse(&std::fs::read_to_string(p).expect("model")).expect("model"),
                )
                .expect("lexicon"),
                Err(_) => Analyzer::new().expect("shipped analyzer"),
            };
            let lines: Vec<Labelled> = args[1..].iter().flat_map(|p| load(Path::new(p))).collect();
            let refs: Vec<&Labelled> = lines.iter().collect();
            report("Blind batch, all hits", &predict(&a, &refs));
            let sure = evaluate(predict_sure(&a, &refs));
            println!(
                "Sure hits only: macro-F1 {:.3}, micro-F1 {:.3}, lawful false positives {:.1} %\n",
                sure.macro_f1,
                sure.micro_f1,
                sure.lawful_false_positive_rate * 100.0
            );
            let frozen: Vec<&Labelled> = lines.iter().filter(|l| c.frozen.contains(&l.group)).collect();
            println!("({} of these lines are in the frozen split's groups)", frozen.len());
        }
        Some("eval") => {
            // YUQI_LEXICON=<file>, YUQI_MODEL=<file>: the same evaluation with another lexicon or
            // model (ablations; the previous model on a grown frozen split).
            let shipped = match (std::env::var("YUQI_LEXICON"), std::env::var("YUQI_MODEL")) {
                (Err(_), Err(_)) => Analyzer::new().expect("shipped analyzer"),
                (l, m) => Analyzer::from_sources(
                    &l.map_or_else(
                        |_| include_str!("../data/lexicon.toml").to_string(),
                        |p| std::fs::read_to_string(p).expect("lexicon"),
                    ),
                    &std::fs::read_to_string(m.unwrap_or_else(|_| MODEL.to_string())).expect("model"),
                )
                .expect("lexicon"),
            };
            let rules = Analyzer::rules_only().expect("lexicon");
            let frozen: Vec<&Labelled> = c.real.iter().filter(|l| c.frozen.contains(&l.group)).collect();
            let dev: Vec<&Labelled> = c.real.iter().filter(|l| !c.frozen.contains(&l.group)).collect();
            println!(
                "Real lines: {} from {} source groups; frozen test split: {} lines from {} groups; development: {} lines.\n",
                c.real.len(),
                c.real.iter().map(|l| &l.group).collect::<BTreeSet<_>>().len(),
                frozen.len(),
                c.frozen.len(),
                dev.len()
            );
            report("Frozen real test split — rules and model (shipped)", &predict(&shipped, &frozen));
            report(
                "Frozen real test split — sure hits only (what letters and the inbox show by default)",
                &predict_sure(&shipped, &frozen),
            );
            report("Frozen real test split — rules alone", &predict(&rules, &frozen));
            // YUQI_SUBSET=<real corpus files>: the frozen split also in two parts, the lines of
            // those files (added after the rules and the model were last changed: never seen by
            // anyone who wrote a rule) and the rest (the split an earlier round measured, so the
            // rounds can be compared line for line). Totals and counts only, as for the whole.
            if let Ok(files) = std::env::var("YUQI_SUBSET") {
                let ids: BTreeSet<String> = files.split(',').flat_map(|p| load(Path::new(p))).map(|l| l.id).collect();
                let (new, old): (Vec<&Labelled>, Vec<&Labelled>) = frozen.iter().partition(|l| ids.contains(&l.id));
                report(&format!("Frozen real test split — only the lines of {files}"), &predict(&shipped, &new));
                report(&format!("Frozen real test split — without the lines of {files}"), &predict(&shipped, &old));
            }
            report(
                "Development split — rules and model (tuned on; not a generalisation figure)",
                &predict(&shipped, &dev),
            );
            let team_test: Vec<&Labelled> = c.team_test.iter().collect();
            report(
                "Team's own test.jsonl (written by the team; not a generalisation figure)",
                &predict(&shipped, &team_test),
            );
            if args.iter().any(|a| a == "--loso") {
                loso(&c, false);
            }
        }
        Some("scan") => {
            // Lines of text (or JSON with text and to) on stdin: the shipped analyzer's hits.
            let shipped = Analyzer::new().expect("shipped analyzer");
            let mut s = Scratch::default();
            for line in std::io::stdin().lines() {
                let line = line.expect("stdin");
                let (text, to) = match serde_json::from_str::<serde_json::Value>(&line) {
                    Ok(v) if v.is_object() => {
                        (v["text"].as_str().unwrap_or_default().to_string(), v["to"].as_str().map(str::to_string))
                    }
                    _ => (line.clone(), None),
                };
                let m = yuqi_conduct::Message {
                    text: text.as_str().into(),
                    to: to.as_deref().map(Into::into),
                    ..Default::default()
                };
                let a = shipped.analyze(&m, &mut s);
                let hits: Vec<String> = a
                    .hits
                    .iter()
                    .map(|h| {
                        let span: String = text.chars().skip(h.start).take(h.end - h.start).collect();
                        format!("{}:{}@{}[{span}]", h.code.as_str(), h.rule, h.confidence)
                    })
                    .collect();
                let held = if a.needs_confirmation { "\theld for confirmation" } else { "" };
                println!("{}\t{:?}{held}", text, hits);
            }
        }
        Some("bench") => {
            // bench FILE [LEXICON MODEL]: analyzer throughput on one thread over a JSON-lines file
            // (text and to), optionally with another lexicon and model (speed before and after).
            let file = args.get(1).expect("bench FILE");
            let a = match (args.get(2), args.get(3)) {
                (Some(l), Some(m)) => Analyzer::from_sources(
                    &std::fs::read_to_string(l).expect("lexicon"),
                    &std::fs::read_to_string(m).expect("model"),
                )
                .expect("analyzer"),
                _ => Analyzer::new().expect("shipped analyzer"),
            };
            let src = std::fs::read_to_string(file).expect("messages");
            let lines: Vec<(String, Option<String>)> = src
                .lines()
                .map(|l| {
                    let v: serde_json::Value = serde_json::from_str(l).expect("json line");
                    (v["text"].as_str().unwrap_or_default().to_string(), v["to"].as_str().map(str::to_string))
                })
                .collect();
            let mut s = Scratch::default();
            let started = std::time::Instant::now();
            let mut flagged = 0usize;
            for (text, to) in &lines {
                let m = yuqi_conduct::Message {
                    text: text.as_str().into(),
                    to: to.as_deref().map(Into::into),
                    ..Default::default()
                };
                flagged += usize::from(!a.analyze(&m, &mut s).codes.is_empty());
            }
            let secs = started.elapsed().as_secs_f64();
            let bytes: usize = lines.iter().map(|l| l.0.len()).sum();
            println!(
                "{} messages, {:.1} MB of text, {flagged} flagged: {secs:.2} s, {:.1} MB/s of text",
                lines.len(),
                bytes as f64 / 1e6,
                bytes as f64 / 1e6 / secs
            );
        }
        Some("tune") => {
            // Leave one source out over the development groups only, with the frozen groups
            // out of training too: the figure design choices are made on.
            loso(&c, true);
        }
        Some("team") => {
            // The team's test.jsonl alone (the CI regression check of tests/corpus.rs), optionally
            // with another lexicon (YUQI_LEXICON): which change moved it, without the frozen split.
            let a = match std::env::var("YUQI_LEXICON") {
                Ok(p) => Analyzer::from_sources(
                    &std::fs::read_to_string(p).expect("lexicon"),
                    &std::fs::read_to_string(MODEL).expect("model"),
                )
                .expect("lexicon"),
                Err(_) => Analyzer::new().expect("shipped analyzer"),
            };
            let team_test: Vec<&Labelled> = c.team_test.iter().collect();
            report("Team's own test.jsonl (a regression check, not a generalisation figure)", &predict(&a, &team_test));
        }
        Some("dev") => {
            // The development lines as JSON (id, labels, to, text), for studying what a general
            // rule would match. Never the frozen split.
            for l in c.real.iter().filter(|l| !c.frozen.contains(&l.group)) {
                let labels: Vec<&str> = l.labels.iter().map(|c| c.as_str()).collect();
                println!(
                    "{}",
                    serde_json::json!({"id": l.id, "group": l.group, "labels": labels, "to": l.to, "text": l.text})
                );
            }
        }
        Some("errors") => {
            // The development split's mistakes, for writing rules. Never the frozen split.
            let shipped = Analyzer::new().expect("shipped analyzer");
            let mut s = Scratch::default();
            for l in c.real.iter().filter(|l| !c.frozen.contains(&l.group)) {
                let a = shipped.analyze(&l.message(), &mut s);
                let mut want: Vec<&str> = l.labels.iter().map(|c| c.as_str()).collect();
                want.sort();
                let mut got: Vec<&str> = a.codes.iter().map(|c| c.as_str()).collect();
                got.sort();
                if want != got {
                    let hits: Vec<String> =
                        a.hits.iter().map(|h| format!("{}:{}@{}", h.code.as_str(), h.rule, h.confidence)).collect();
                    println!(
                        "{}\twant {:?}\tgot {:?}\t{}\t{}",
                        l.id,
                        want,
                        hits,
                        l.to.as_deref().unwrap_or("-"),
                        l.text
                    );
                }
            }
        }
        _ => {
            eprintln!(
                "usage: conduct_model train [--check] | eval [--loso] | tune | blind FILE… | errors | dev | team | scan | bench FILE [LEXICON MODEL]"
            );
            std::process::exit(2);
        }
    }
}

/// Leave one source out: for every real source group, a model trained on everything except that
/// group's lines (real and the team's own lines from it) predicts that group.
fn loso(c: &Corpus, dev_only: bool) {
    let rules = Analyzer::rules_only().expect("lexicon");
    let mut s = Scratch::default();
    let team: Vec<Example> = c.team.iter().map(|l| example(l, &rules, &mut s)).collect();
    let keep = |l: &&Labelled| !dev_only || !c.frozen.contains(&l.group);
    let real: Vec<Example> = c.real.iter().filter(keep).map(|l| example(l, &rules, &mut s)).collect();
    let groups: BTreeSet<&str> = c.real.iter().filter(keep).map(|l| l.group.as_str()).collect();
    let seen: BTreeSet<&str> = c.team.iter().chain(&c.team_test).map(|l| l.group.as_str()).collect();
    let mut p = params();
    p.folds = 3;
    let (mut all, mut unseen) = (Vec::new(), Vec::new());
    // YUQI_SUBSET=<real corpus files, comma-separated>: also report their development lines alone (lines
    // added after the rules were written: the least biased development figure). `eval` reports
    // the frozen split's part the same way (counts only).
    let subset_file = std::env::var("YUQI_SUBSET").ok().filter(|_| dev_only);
    let subset_ids: BTreeSet<String> = subset_file
        .as_deref()
        .map(|ps| ps.split(',').flat_map(|p| load(Path::new(p))).map(|l| l.id).collect())
        .unwrap_or_default();
    let mut subset = Vec::new();
    // The "sure" level is chosen on these figures: (level, predictions at that level).
    let levels: Vec<u8> = vec![50, 60, 70, 80, 90];
    let mut at_level: Vec<Vec<(Vec<Code>, Vec<Code>)>> = vec![Vec::new(); levels.len()];
    for (i, g) in groups.iter().enumerate() {
        let training: Vec<Example> = team.iter().chain(&real).filter(|e| e.group != *g).cloned().collect();
        let model = train(&training, &Code::TEXT, &p);
        let a = Analyzer::with_model(model).expect("lexicon");
        let held: Vec<&Labelled> = c.real.iter().filter(|l| l.group == *g).collect();
        let pairs = if std::env::var_os("YUQI_MODEL_ONLY").is_some() {
            predict_model_only(&a, &held)
        } else {
            predict(&a, &held)
        };
        for (i, level) in levels.iter().enumerate() {
            at_level[i].extend(predict_at(&a, &held, *level));
        }
        if dev_only && std::env::var_os("YUQI_SHOW_ERRORS").is_some() {
            for (l, (want, got)) in held.iter().zip(&pairs) {
                let (mut w, mut g) = (want.clone(), got.clone());
                w.sort();
                g.sort();
                if w != g {
                    let w: Vec<&str> = want.iter().map(|c| c.as_str()).collect();
                    let g: Vec<&str> = got.iter().map(|c| c.as_str()).collect();
                    println!("{}\twant {w:?}\tgot {g:?}\t{}\t{}", l.id, l.to.as_deref().unwrap_or("-"), l.text);
                }
            }
        }
        if !seen.contains(g) {
            unseen.extend(pairs.iter().cloned());
        }
        subset.extend(held.iter().zip(&pairs).filter(|(l, _)| subset_ids.contains(&l.id)).map(|(_, p)| p.clone()));
        all.extend(pairs);
        if (i + 1) % 20 == 0 {
            eprintln!("leave-one-source-out: {} of {} groups", i + 1, groups.len());
        }
    }
    let scope = if dev_only { "development groups (frozen groups out of training)" } else { "every real source group" };
    report(&format!("Leave one source out — {scope}"), &all);
    for (level, pairs) in levels.iter().zip(&at_level) {
        let r = evaluate(pairs.iter().cloned());
        println!(
            "Hits with confidence ≥ {level}: macro-F1 {:.3}, micro-F1 {:.3}, lawful false positives {:.1} %\n",
            r.macro_f1,
            r.micro_f1,
            r.lawful_false_positive_rate * 100.0
        );
    }
    report(&format!("Leave one source out — {scope}, only groups the team's corpus never drew from"), &unseen);
    if let Some(f) = subset_file {
        report(&format!("Leave one source out — {scope}, only the lines of {f}"), &subset);
    }
}
