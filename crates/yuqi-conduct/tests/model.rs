//! The n-gram model: its file round-trips, training is reproducible, and every model hit shows
//! its span and cues.

use yuqi_conduct::model::{Example, Model, TrainParams, train};
use yuqi_conduct::{Analyzer, Code, Message, Scratch};

fn ex(text: &str, labels: &[Code], group: &str) -> Example {
    Example {
        text: text.to_string(),
        third_party: false,
        public: false,
        labels: labels.to_vec(),
        group: group.to_string(),
        real: true,
        rule_codes: Vec::new(),
        classes: Vec::new(),
    }
}

fn toy() -> Vec<Example> {
    let mut v = Vec::new();
    for (i, t) in [
        "再不还钱就把你的事发到你们村群里",
        "把你欠钱的事发到你单位群里",
        "明天发到你老家的群里让大家都知道",
        "发到你公司群里曝光你",
    ]
    .iter()
    .enumerate()
    {
        v.push(ex(t, &[Code::Intimidation], &format!("g{i}")));
    }
    for (i, t) in [
        "您本期账单1200元，请按时还款",
        "您尾号1234的卡已还款成功",
        "还款日为本月10日，请留意",
        "感谢您按时还款，祝生活愉快",
    ]
    .iter()
    .enumerate()
    {
        v.push(ex(t, &[], &format!("h{i}")));
    }
    v
}

#[test]
fn training_is_reproducible_and_the_file_round_trips() {
    let p = TrainParams { folds: 2, min_count: 1, ..TrainParams::default() };
    let a = train(&toy(), &[Code::Intimidation], &p);
    let b = train(&toy(), &[Code::Intimidation], &p);
    let ta = a.to_tsv("toy");
    assert_eq!(ta, b.to_tsv("toy"), "same data, same bytes");
    let parsed = Model::parse(&ta).expect("parses");
    assert_eq!(parsed.to_tsv("toy"), ta, "parse ∘ write is the identity");
}

#[test]
fn the_shipped_model_reproduces_from_its_file() {
    // The embedded file parses into a model that writes the same file back (no hidden state).
    let src = include_str!("../data/model.tsv");
    let m = Model::parse(src).expect("shipped model");
    let body = |s: &str| s.lines().filter(|l| !l.starts_with('#')).collect::<Vec<_>>().join("\n");
    assert_eq!(body(&m.to_tsv("")), body(src));
    assert_eq!(m.codes.len(), Code::TEXT.len(), "the model scores every text-level code");
}

#[test]
fn bad_model_files_are_refused_with_the_line() {
    for (src, want) in [
        ("codes\tnot_a_code\n", "model.tsv:1"),
        ("codes\tinsult\nbias\tx\n", "model.tsv:2"),
        ("w\t坐牢\t0:1\n", "model.tsv:1"),
        ("codes\tinsult\nbias\t0\n", "one value per code"),
    ] {
        let e = Model::parse(src).expect_err(src);
        assert!(e.to_string().contains(want), "{src}: {e}");
    }
}

#[test]
fn every_model_hit_shows_its_span_and_cues() {
    let analyzer = Analyzer::shared();
    let mut s = Scratch::default();
    let mut model_hits = 0;
    for text in [
        "通知你家人了吗？明天把你的事发到你们村群里",
        "2.5折结清名下债务，不成功不收费",
        "你儿子在我们平台借款逾期了，让他赶紧还",
        "別在躲了，欠錢遲早要還",
        "叫人去你单位坐坐，看你还要不要脸",
        "别在躲了，欠钱迟早要还，你全家都会知道",
    ] {
        let a =
            analyzer.analyze(&Message { text: text.into(), to: Some("relative".into()), ..Message::default() }, &mut s);
        let chars: Vec<char> = text.chars().collect();
        for h in &a.hits {
            assert!(h.start < h.end && h.end <= chars.len(), "{text}: {h:?}");
            assert!(h.confidence <= 100);
            if h.rule == "model" {
                model_hits += 1;
                assert!(!h.cues.is_empty(), "{text}: a model hit without cues");
                // Every cue is a piece of the reported span (after normalisation).
                let span: String = chars[h.start..h.end].iter().collect();
                let mut n = yuqi_conduct::normalize::Normalized::default();
                yuqi_conduct::normalize::normalize_into(&span, &mut n);
                for c in &h.cues {
                    assert!(n.text.contains(c.as_str()), "{text}: cue {c} not in span {span}");
                }
            }
        }
    }
    assert!(model_hits > 0, "the model found nothing the rules did not");
}

#[test]
fn rule_hits_are_at_least_as_sure_as_the_rule_has_been() {
    let analyzer = Analyzer::shared();
    let m = analyzer.model().expect("model");
    let a = analyzer.analyze_text("你再不还，就等着坐牢吧", &mut Scratch::default());
    let h = a.hits.iter().find(|h| h.code == Code::ThreatJail).expect("jail");
    let k = m.column(Code::ThreatJail).expect("column");
    assert!(f32::from(h.confidence) + 0.5 >= m.rule_precision[k] * 100.0, "{h:?}");
}

#[test]
fn class_features_pair_words_of_one_sentence_only() {
    use yuqi_conduct::model::{class_feature_ids, class_feature_names};
    let names = class_feature_names(&["KIN".into(), "HARM".into(), "DEBT".into()]);
    assert_eq!(names, ["@@c:KIN", "@@c:HARM", "@@c:DEBT", "@@p:KIN+HARM", "@@p:KIN+DEBT", "@@p:HARM+DEBT"]);
    let text = "你儿子也要倒霉。欠款请还";
    let at = |w: &str| text.find(w).expect("word");
    // Kin and harm share the first sentence; the debt is in the second.
    let mut found = vec![(2u16, at("欠款")), (0, at("你儿子")), (1, at("倒霉"))];
    let mut ids = Vec::new();
    class_feature_ids(3, text, &mut found, &mut ids);
    let got: Vec<&str> = ids.iter().map(|&i| names[i].as_str()).collect();
    assert_eq!(got, ["@@c:KIN", "@@c:HARM", "@@c:DEBT", "@@p:KIN+HARM"]);
    // One class twice in a sentence is no pair; nothing found, no features.
    let mut twice = vec![(0u16, 0), (0, 3)];
    class_feature_ids(3, "你儿子你女儿", &mut twice, &mut ids);
    assert_eq!(ids, [0]);
    class_feature_ids(3, text, &mut [], &mut ids);
    assert!(ids.is_empty());
}

#[test]
fn the_analyzer_gives_the_model_the_classes_of_the_shipped_lexicon() {
    let a = Analyzer::shared();
    let f = a.class_features("再不还钱，你儿子就别想过个好年。");
    for want in ["@@c:KIN", "@@c:HARM", "@@c:URGE", "@@c:DEBT", "@@p:KIN+HARM"] {
        assert!(f.iter().any(|x| x == want), "{want} missing from {f:?}");
    }
    // A bank's confirmation: the notice class, and no kin.
    let f = a.class_features("【某银行】您尾号1234的信用卡还款成功，感谢您的使用。");
    assert!(f.iter().any(|x| x == "@@c:NOTICE"), "{f:?}");
    assert!(!f.iter().any(|x| x.contains("KIN")), "{f:?}");
}
