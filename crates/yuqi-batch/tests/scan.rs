//! The batch scan against the analyzer it is built on: every message of a
//! generated log must get exactly the hits yuqi-conduct gives it (text analysis
//! per message, log analysis per debtor in time order), in every input format;
//! the aggregate report must equal counts made independently from those hits;
//! and bad input must fail clearly without leaving output behind.

#![allow(clippy::unwrap_used)]

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use arrow::array::{Array, AsArray};
use datafusion::prelude::{ParquetReadOptions, SessionContext};
use sha2::Digest;
use yuqi_batch::cluster::{MemoryBudget, local_context, local_context_with};
use yuqi_batch::generate::{GenMessage, GenOptions, generate};
use yuqi_batch::input::InputFormat;
use yuqi_batch::provenance::HELD_OUT;
use yuqi_batch::report::report_codes;
use yuqi_batch::scan::{ScanOptions, scan};
use yuqi_batch::{BatchError, generate as gen_mod};
use yuqi_conduct::message::parse_time;
use yuqi_conduct::{Analyzer, Code, Message, Scratch};

type HitRow = (String, i32, i32, String, String);

/// A budget small enough that the sort of a [`SPILL_MESSAGES`]-message scan must spill, with
/// room for what cannot spill (the Parquet writer's buffers, the sort's merge of its spill
/// files; 16 MiB is too small). The bounded run uses one partition: with two, whether each
/// sort spills and how much their merges hold depends on timing — under 48 MiB the sorts
/// sometimes did not spill, under 32 MiB the two merges sometimes left the writer nothing
/// (a known limit, docs/batch.md “Not done”).
const BUDGET: u64 = 32 << 20;
const SPILL_MESSAGES: u64 = 60_000;

fn generated(n: u64, seed: u64) -> Vec<GenMessage> {
    let mut all = Vec::new();
    generate(GenOptions { messages: n, seed, per_debtor: 60 }, |rows| {
        all.extend_from_slice(rows);
        Ok(())
    })
    .unwrap();
    all
}

/// What yuqi-conduct says about each message: text hits, then log hits computed
/// per debtor over the debtor's messages sorted by (time, id).
fn reference(msgs: &[GenMessage]) -> HashMap<String, Vec<HitRow>> {
    let analyzer = Analyzer::shared();
    let mut scratch = Scratch::default();
    let mut out: HashMap<String, Vec<HitRow>> = HashMap::new();
    let mut by_debtor: BTreeMap<&str, Vec<&GenMessage>> = BTreeMap::new();
    for m in msgs {
        by_debtor.entry(&m.debtor).or_default().push(m);
    }
    let row = |h: &yuqi_conduct::Hit| {
        (h.code.as_str().to_string(), h.start as i32, h.end as i32, h.rule.clone(), h.basis.to_string())
    };
    for (_, mut list) in by_debtor {
        list.sort_by_key(|m| (parse_time(&m.time).map(|t| t.timestamp_millis()), m.id.clone()));
        let converted: Vec<Message<'_>> = list
            .iter()
            .map(|m| Message {
                id: Some(Cow::Borrowed(&m.id)),
                text: Cow::Borrowed(&m.text),
                time: Some(Cow::Borrowed(&m.time)),
                from: Some(Cow::Borrowed(&m.from)),
                to: Some(Cow::Borrowed(&m.to)),
                channel: Some(Cow::Borrowed(m.channel)),
                connected: m.connected,
                duration: m.duration.map(|d| d as u32),
                creditor: Some(Cow::Borrowed(&m.creditor)),
                consent: None,
            })
            .collect();
        let log = analyzer.analyze_log(&converted);
        // Exactly what `yuqi scan --log` does with a message's text and log hits.
        for (m, log_hits) in converted.iter().zip(log) {
            let mut analysis = analyzer.analyze(m, &mut scratch);
            for h in log_hits {
                analysis.add(h);
            }
            analysis.finish();
            out.insert(m.id.as_deref().unwrap().to_string(), analysis.hits.iter().map(row).collect());
        }
    }
    out
}

async fn read_hits(dir: &Path) -> HashMap<String, (Vec<HitRow>, Vec<String>)> {
    let ctx = SessionContext::new();
    ctx.register_parquet("m", dir.join("messages").to_string_lossy().as_ref(), ParquetReadOptions::default())
        .await
        .unwrap();
    let batches = ctx.sql("SELECT id, hits, codes FROM m").await.unwrap().collect().await.unwrap();
    let mut out = HashMap::new();
    for b in batches {
        let id = arrow::compute::cast(b.column(0), &arrow::datatypes::DataType::Utf8).unwrap();
        let id = id.as_string::<i32>();
        let hits = b.column(1).as_list::<i32>();
        let codes = b.column(2).as_list::<i32>();
        for i in 0..b.num_rows() {
            let item = hits.value(i);
            let s = item.as_struct();
            let (c, st, en, ru, ba) = (
                s.column(0).as_string::<i32>(),
                s.column(1).as_primitive::<arrow::datatypes::Int32Type>(),
                s.column(2).as_primitive::<arrow::datatypes::Int32Type>(),
                s.column(3).as_string::<i32>(),
                s.column(4).as_string::<i32>(),
            );
            let rows: Vec<HitRow> = (0..s.len())
                .map(|j| {
                    (c.value(j).to_string(), st.value(j), en.value(j), ru.value(j).to_string(), ba.value(j).to_string())
                })
                .collect();
            let cs = codes.value(i);
            let cs: Vec<String> = cs.as_string::<i32>().iter().map(|x| x.unwrap().to_string()).collect();
            out.insert(id.value(i).to_string(), (rows, cs));
        }
    }
    out
}

fn write_input(msgs: &[GenMessage], seed: u64, dir: &Path, format: InputFormat) -> std::path::PathBuf {
    let ext = match format {
        InputFormat::Csv => "csv",
        InputFormat::Jsonl => "jsonl",
        InputFormat::Parquet => "parquet",
    };
    let p = dir.join(format!("log.{ext}"));
    let n = gen_mod::write(GenOptions { messages: msgs.len() as u64, seed, per_debtor: 60 }, &p, format).unwrap();
    assert_eq!(n, msgs.len() as u64);
    p
}

type Scanned = yuqi_batch::Result<(yuqi_batch::scan::ScanSummary, yuqi_batch::report::Report)>;

async fn run_with(input: &Path, output: &Path, partitions: usize, single_debtor: bool, overwrite: bool) -> Scanned {
    let ctx = local_context(Some(partitions)).unwrap();
    let opts = ScanOptions { overwrite, single_debtor, ..ScanOptions::new(input, output, "test") };
    scan(&ctx, &opts).await
}

async fn run(input: &Path, output: &Path, partitions: usize) -> Scanned {
    run_with(input, output, partitions, false, false).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_message_gets_exactly_the_analyzers_hits_in_every_format() {
    let seed = 11;
    let msgs = generated(12_000, seed);
    let expected = reference(&msgs);
    // The generated log must exercise every code the batch can report, or this test proves little.
    let seen: HashSet<&str> = expected.values().flatten().map(|h| h.0.as_str()).collect();
    for c in report_codes() {
        assert!(seen.contains(c.as_str()), "the generated log has no {c:?}: make the generator richer");
    }

    let tmp = tempfile::tempdir().unwrap();
    let mut outputs = Vec::new();
    for (format, partitions) in [(InputFormat::Parquet, 3), (InputFormat::Jsonl, 2), (InputFormat::Csv, 1)] {
        let input = write_input(&msgs, seed, tmp.path(), format);
        let out = tmp.path().join(format!("out-{format:?}"));
        let (summary, _) = run(&input, &out, partitions).await.unwrap();
        assert_eq!(summary.rows, msgs.len() as u64);
        // Each partition writes its own file where it was judged (src/sink.rs); DataFusion's own
        // sink gathers the partitions into one writer.
        let files = std::fs::read_dir(out.join("messages")).unwrap().count();
        assert_eq!(files, partitions, "{format:?}: files in messages/");
        let got = read_hits(&out).await;
        assert_eq!(got.len(), expected.len(), "{format:?}: one output row per input row");
        let mut mismatches = 0;
        for (id, want) in &expected {
            let (hits, codes) = &got[id];
            if hits != want {
                mismatches += 1;
                if mismatches < 4 {
                    eprintln!("{format:?} {id}: batch {hits:?}\n   analyzer {want:?}");
                }
            }
            let mut want_codes: Vec<Code> = want.iter().filter_map(|h| Code::parse(&h.0)).collect();
            want_codes.sort();
            want_codes.dedup();
            assert_eq!(codes, &want_codes.iter().map(|c| c.as_str().to_string()).collect::<Vec<_>>(), "{id}: codes");
        }
        assert_eq!(mismatches, 0, "{format:?}: messages whose hits differ from yuqi-conduct");
        outputs.push(out);
    }
    // And the three runs agree row for row, reports included.
    for o in &outputs[1..] {
        let c = yuqi_batch::compare::compare(&outputs[0], o).await.unwrap();
        assert_eq!(c.difference, None);
        assert_eq!(c.message_rows, msgs.len() as u64);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_report_equals_counts_made_independently() {
    let seed = 5;
    let msgs = generated(6_000, seed);
    let expected = reference(&msgs);
    let tmp = tempfile::tempdir().unwrap();
    let input = write_input(&msgs, seed, tmp.path(), InputFormat::Parquet);
    let out = tmp.path().join("out");
    let (summary, report) = run(&input, &out, 2).await.unwrap();

    let codes = report_codes();
    let is_self = |m: &GenMessage| Analyzer::shared().is_self_sender(&m.from);
    // key -> (messages, debtors, flagged, per-code counts, breach (debtor, day) pairs)
    type Acc = (i64, HashSet<String>, i64, Vec<i64>, HashSet<(String, String)>, i64);
    // Held back as possible genuine court notices: the text analysis the batch runs (text, from, to).
    let mut scratch = Scratch::default();
    let held = |m: &GenMessage, scratch: &mut Scratch| {
        let msg = Message {
            text: Cow::Borrowed(&m.text),
            from: Some(Cow::Borrowed(&m.from)),
            to: Some(Cow::Borrowed(&m.to)),
            ..Message::default()
        };
        Analyzer::shared().analyze(&msg, scratch).needs_confirmation
    };
    let mut acc: BTreeMap<(String, String), Acc> = BTreeMap::new();
    for m in msgs.iter().filter(|m| !is_self(m)) {
        // Reports count what standards in force at the time decide.
        let hits = &expected[&m.id];
        let has: HashSet<&str> =
            hits.iter().filter(|h| !h.3.ends_with("before_standard")).map(|h| h.0.as_str()).collect();
        let day = parse_time(&m.time).unwrap().date_naive().to_string();
        let is_held = held(m, &mut scratch);
        for (dim, key) in [("agency", &m.agency), ("creditor", &m.creditor), ("sender", &m.from)] {
            let e = acc
                .entry((dim.to_string(), key.clone()))
                .or_insert_with(|| (0, HashSet::new(), 0, vec![0; codes.len()], HashSet::new(), 0));
            e.5 += i64::from(is_held);
            e.0 += 1;
            e.1.insert(m.debtor.clone());
            e.2 += i64::from(!has.is_empty());
            for (i, c) in codes.iter().enumerate() {
                e.3[i] += i64::from(has.contains(c.as_str()));
            }
            if has.contains("frequent_contact") {
                e.4.insert((m.debtor.clone(), day.clone()));
            }
        }
    }
    // report.parquet has every group, in order; the report keeps only their summaries.
    let rows = yuqi_batch::report::read_rows(&out).unwrap();
    assert_eq!(rows.len(), acc.len());
    for (row, ((dim, key), (n, debtors, flagged, per_code, breach, held))) in rows.iter().zip(&acc) {
        assert_eq!(row.held_for_confirmation, *held, "{dim} {key}");
        assert_eq!((&row.dimension, &row.key), (dim, key));
        assert_eq!(row.messages, *n, "{dim} {key}");
        assert_eq!(row.debtors, debtors.len() as i64, "{dim} {key}");
        assert_eq!(row.flagged, *flagged, "{dim} {key}");
        assert_eq!(&row.codes, per_code, "{dim} {key}");
        assert_eq!(row.frequency_breach_days, breach.len() as i64, "{dim} {key}");
    }
    // The summaries kept while the rows streamed: per dimension, the counts and the groups the
    // rendered report lists (worst rate among groups of 100 messages or more; most flagged).
    for (dim, _, _) in yuqi_batch::report::DIMENSIONS {
        let of_dim: Vec<_> = acc.iter().filter(|((d, _), _)| d == dim).collect();
        let d = report.groups.get(dim).unwrap();
        assert_eq!(d.groups, of_dim.len() as u64, "{dim}");
        assert_eq!(d.messages, of_dim.iter().map(|(_, a)| a.0).sum::<i64>(), "{dim}");
        assert_eq!(d.breach_days, of_dim.iter().map(|(_, a)| a.4.len() as i64).sum::<i64>(), "{dim}");
        let mut ranked: Vec<_> = of_dim.iter().filter(|(_, a)| a.0 >= 100).collect();
        assert_eq!(d.ranked, ranked.len() as u64, "{dim}");
        // Rate compared exactly: flagged_a / n_a > flagged_b / n_b.
        ranked.sort_by(|((_, ka), a), ((_, kb), b)| (b.2 * a.0).cmp(&(a.2 * b.0)).then(b.0.cmp(&a.0)).then(ka.cmp(kb)));
        let want: Vec<&String> = ranked.iter().take(20).map(|((_, k), _)| k).collect();
        assert_eq!(d.worst.iter().map(|r| &r.key).collect::<Vec<_>>(), want, "{dim} worst rates");
        let mut most: Vec<_> = of_dim.iter().filter(|(_, a)| a.2 > 0).collect();
        most.sort_by(|((_, ka), a), ((_, kb), b)| b.2.cmp(&a.2).then(b.0.cmp(&a.0)).then(ka.cmp(kb)));
        let want: Vec<&String> = most.iter().take(20).map(|((_, k), _)| k).collect();
        assert_eq!(d.most_flagged.iter().map(|r| &r.key).collect::<Vec<_>>(), want, "{dim} most flagged");
    }
    // Messages with text and, of them, the flagged: per group and in all.
    let flagged_in_force = |m: &GenMessage| expected[&m.id].iter().any(|h| !h.3.ends_with("before_standard"));
    let mut texted: BTreeMap<(String, String), (i64, i64)> = BTreeMap::new();
    for m in msgs.iter().filter(|m| !is_self(m) && !m.text.is_empty()) {
        for (dim, key) in [("agency", &m.agency), ("creditor", &m.creditor), ("sender", &m.from)] {
            let e = texted.entry((dim.to_string(), key.clone())).or_default();
            e.0 += 1;
            e.1 += i64::from(flagged_in_force(m));
        }
    }
    for row in &rows {
        let want = texted.get(&(row.dimension.clone(), row.key.clone())).copied().unwrap_or_default();
        assert_eq!((row.texted, row.flagged_texted), want, "{} {}", row.dimension, row.key);
    }
    let with_text: Vec<&GenMessage> = msgs.iter().filter(|m| !is_self(m) && !m.text.is_empty()).collect();
    assert_eq!(report.counts.texted, with_text.len() as u64);
    assert_eq!(report.counts.flagged_texted, with_text.iter().filter(|m| flagged_in_force(m)).count() as u64);
    let contacts = msgs.iter().filter(|m| !is_self(m)).count() as u64;
    assert_eq!(summary.contacts, contacts);
    let held_total = msgs.iter().filter(|m| !is_self(m) && held(m, &mut scratch)).count() as u64;
    assert_eq!(summary.held_for_confirmation, held_total);
    assert_eq!(report.counts.held_for_confirmation, held_total);

    // Provenance: the input's SHA-256 as sha256sum computes it, its rows, the analyzer.
    let sha: String = sha2::Sha256::digest(std::fs::read(&input).unwrap()).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(summary.input.digest.sha256, sha);
    assert_eq!(summary.input.digest.bytes, std::fs::metadata(&input).unwrap().len());
    assert_eq!(summary.input.rows, msgs.len() as u64);
    assert_eq!(summary.analyzer.rules, Analyzer::shared().rule_count());
    assert_eq!(summary.analyzer.fingerprint.len(), 64);
    assert_eq!(summary.analyzer.held_out, HELD_OUT);
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(json["input"]["digest"]["sha256"], sha.as_str());
    assert_eq!(json["input"]["rows"], msgs.len() as u64);
    assert_eq!(json["held_for_confirmation"], held_total);
    assert_eq!(json["analyzer"]["held_out"]["macro_f1"], HELD_OUT.macro_f1);
    assert_eq!(json["analyzer"]["fingerprint"], summary.analyzer.fingerprint.as_str());
    assert_eq!(summary.rows - summary.contacts, msgs.iter().filter(|m| is_self(m)).count() as u64);

    // The readable reports carry the totals and the parameters' sources.
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains(&format!("有问题的催收消息：{} 条", summary.flagged)), "flagged total missing");
    assert!(html.contains(&format!("有问题的催收消息：{} 条", summary.flagged)), "flagged total missing");
    for text in [&html, &md] {
        // The parameter by its Chinese name; the law data's internal ids are not for the reader.
        assert!(text.contains("同一机构（含合作催收机构）每日对同一债务人接通的催收电话上限"));
        assert!(!text.contains("conduct.max_connected_calls_per_day"), "internal parameter id in the report");
        assert!(!text.contains("threat_violence"), "internal code name in the report");
        assert!(text.contains("不是法律认定"));
        assert!(text.contains(&sha), "input SHA-256 in the report");
        assert!(text.contains(&format!("{} 行", msgs.len())), "input rows in the report");
        assert!(text.contains(&summary.analyzer.fingerprint), "analyzer fingerprint in the report");
        let held_out = format!(
            "宏平均 F1 {:.3}（95% 区间 {:.3}–{:.3}）",
            HELD_OUT.macro_f1, HELD_OUT.macro_f1_low, HELD_OUT.macro_f1_high
        );
        assert!(text.contains(&held_out), "held-out figures in the report");
        assert!(text.contains(&format!("待核实的法院通知：{held_total} 条")), "held count in the report");
    }
    // The sender most flagged is listed whatever its size (ranking by rate needs 100 messages).
    let rows = yuqi_batch::report::read_rows(&out).unwrap();
    let worst_sender = rows
        .iter()
        .filter(|r| r.dimension == "sender" && r.flagged > 0)
        .max_by(|a, b| a.flagged.cmp(&b.flagged).then(b.messages.cmp(&a.messages)).then(b.key.cmp(&a.key)))
        .expect("a flagged sender");
    let section = md.split("按发送号码：有问题条数最多的").nth(1).expect("most-flagged senders section");
    let section = section.split("\n#").next().unwrap_or(section);
    assert!(section.contains(&format!("| {} |", worst_sender.key)), "most flagged sender {} listed", worst_sender.key);
    assert!(html.contains("<svg"), "charts are inline in the HTML");
    assert!(md.contains("![各类问题](chart-codes.svg)") && out.join("chart-codes.svg").exists());
    // report.parquet has every group.
    let ctx = SessionContext::new();
    ctx.register_parquet("r", out.join("report.parquet").to_string_lossy().as_ref(), ParquetReadOptions::default())
        .await
        .unwrap();
    let batches = ctx.sql("SELECT * FROM r").await.unwrap().collect().await.unwrap();
    let n: usize = batches.iter().map(|b| b.num_rows()).sum();
    assert_eq!(n, acc.len());
    let held_sum: i64 = ctx
        .sql("SELECT CAST(SUM(held_for_confirmation) AS BIGINT) FROM r WHERE dimension = 'agency'")
        .await
        .unwrap()
        .collect()
        .await
        .unwrap()[0]
        .column(0)
        .as_primitive::<arrow::datatypes::Int64Type>()
        .value(0);
    assert_eq!(held_sum as u64, held_total);
    // The Parquet file itself says what it was made from.
    let file = std::fs::File::open(out.join("report.parquet")).unwrap();
    let reader = datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file).unwrap();
    let meta = reader.schema().metadata().clone();
    assert_eq!(meta["yuqi.input_sha256"], sha);
    assert_eq!(meta["yuqi.input_rows"], msgs.len().to_string());
    assert_eq!(meta["yuqi.held_for_confirmation"], held_total.to_string());
    let analyzer: serde_json::Value = serde_json::from_str(&meta["yuqi.analyzer"]).unwrap();
    assert_eq!(analyzer["held_out"]["messages"], HELD_OUT.messages);
    assert_eq!(analyzer["fingerprint"], summary.analyzer.fingerprint.as_str());
}

/// The held-out figures every report prints are the ones docs/conduct.md states for the latest
/// round (its last table row of the frozen split, rules and model), not an earlier round's.
#[test]
fn held_out_figures_match_docs_conduct() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/conduct.md")).unwrap();
    let h = HELD_OUT;
    let prefix = "| 冻结测试集：规则 + 模型（全部命中） |";
    let row = format!(
        "{prefix} {} | **{:.3}**（{:.3}–{:.3}） | {:.3} | {:.1}%（{}/{}） |",
        h.messages,
        h.macro_f1,
        h.macro_f1_low,
        h.macro_f1_high,
        h.micro_f1,
        f64::from(h.lawful_flagged) * 100.0 / f64::from(h.lawful_messages),
        h.lawful_flagged,
        h.lawful_messages
    );
    let latest = doc.lines().rfind(|l| l.starts_with(prefix));
    assert_eq!(latest, Some(row.as_str()), "docs/conduct.md's latest frozen-split row is not the report's");
}

/// A message that looks like a genuine court notice is held back, not flagged, and counted apart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn court_notice_look_alikes_are_counted_apart() {
    let tmp = tempfile::tempdir().unwrap();
    let lines = vec![
        serde_json::json!({"id": "k1", "debtor": "A", "creditor": "P", "agency": "X", "from": "12368", "channel": "sms", "time": "2025-06-01T10:00:00+08:00", "text": "【12368】您好，（2025）X0105民初1234号案件已立案，承办法官李某。"}),
        serde_json::json!({"id": "k2", "debtor": "A", "creditor": "P", "agency": "X", "from": "1069", "channel": "sms", "time": "2025-06-01T11:00:00+08:00", "text": "再不还钱就弄死你"}),
        serde_json::json!({"id": "k3", "debtor": "A", "creditor": "P", "agency": "X", "from": "1069", "channel": "sms", "time": "2025-06-01T12:00:00+08:00", "text": "提醒还款"}),
    ];
    let input = jsonl(tmp.path(), "court.jsonl", &lines);
    let out = tmp.path().join("out");
    let (summary, report) = run(&input, &out, 2).await.unwrap();
    assert_eq!(summary.held_for_confirmation, 1);
    assert_eq!(summary.flagged, 1, "the held notice is not counted as flagged");
    let agency = report.groups.get("agency").unwrap().most_flagged.iter().find(|r| r.key == "X").unwrap();
    assert_eq!((agency.messages, agency.flagged, agency.held_for_confirmation), (3, 1, 1));
    let ctx = SessionContext::new();
    ctx.register_parquet("m", out.join("messages").to_string_lossy().as_ref(), ParquetReadOptions::default())
        .await
        .unwrap();
    let b = ctx.sql("SELECT id FROM m WHERE held_for_confirmation ORDER BY id").await.unwrap().collect().await.unwrap();
    let ids: Vec<String> = b
        .iter()
        .flat_map(|b| {
            let c = arrow::compute::cast(b.column(0), &arrow::datatypes::DataType::Utf8).unwrap();
            c.as_string::<i32>().iter().map(|x| x.unwrap().to_string()).collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(ids, vec!["k1".to_string()]);
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("待核实的法院通知：1 条"));
}

/// With a memory budget far below what the sorts want, the scan spills to disk and gives
/// exactly the output of an unbounded run; the spill directory is removed with the session.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_small_memory_budget_spills_and_changes_nothing() {
    let seed = 9;
    let msgs = generated(SPILL_MESSAGES, seed);
    let tmp = tempfile::tempdir().unwrap();
    let input = write_input(&msgs, seed, tmp.path(), InputFormat::Parquet);
    let free = tmp.path().join("free");
    run(&input, &free, 2).await.unwrap();

    let bounded = tmp.path().join("bounded");
    let spill = yuqi_batch::scan::spill_dir(&bounded).unwrap();
    let budget = MemoryBudget { limit: BUDGET, spill_dir: spill.clone() };
    let ctx = local_context_with(Some(1), Some(&budget)).unwrap();
    let opts = ScanOptions::new(&input, &bounded, "test");
    let (summary, _) = scan(&ctx, &opts).await.unwrap();
    assert_eq!(summary.memory.limit_bytes, Some(BUDGET));
    assert!(summary.memory.peak_spilled_bytes > 0, "nothing spilled under {BUDGET} bytes: {:?}", summary.memory);
    assert!(spill.exists());
    drop(ctx);
    assert_eq!(std::fs::read_dir(&spill).unwrap().count(), 0, "spill files outlive the session");
    let c = yuqi_batch::compare::compare(&free, &bounded).await.unwrap();
    assert_eq!(c.difference, None);
    assert_eq!(c.message_rows, msgs.len() as u64);
}

fn jsonl(dir: &Path, name: &str, lines: &[serde_json::Value]) -> std::path::PathBuf {
    let p = dir.join(name);
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(&p, text).unwrap();
    p
}

/// Hand-made cases, each decided by one parameter of docs/law/conduct.md §8 as stored in
/// yuqi-law (conduct.night_start_hour = 22, night_end_hour = 8,
/// max_connected_calls_per_day = 3, max_attempts_per_number_per_day = 6; source
/// GB/T 45251-2025, see `yuqi law params`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn night_and_frequency_follow_the_parameters() {
    let tmp = tempfile::tempdir().unwrap();
    let mut lines = vec![
        // 22:00 is night (start inclusive), 21:59 is not, 07:59 is, 08:00 is not.
        serde_json::json!({"id": "n1", "debtor": "A", "creditor": "P", "from": "1069", "channel": "sms", "time": "2025-06-01T22:00:00+08:00", "text": "提醒还款"}),
        serde_json::json!({"id": "n2", "debtor": "A", "creditor": "P", "from": "1069", "channel": "sms", "time": "2025-06-01T21:59:59+08:00", "text": "提醒还款"}),
        serde_json::json!({"id": "n3", "debtor": "A", "creditor": "P", "from": "1069", "channel": "sms", "time": "2025-06-02T07:59:00+08:00", "text": "提醒还款"}),
        serde_json::json!({"id": "n4", "debtor": "A", "creditor": "P", "from": "1069", "channel": "sms", "time": "2025-06-02T08:00:00+08:00", "text": "提醒还款"}),
        // UTC 15:30 is 23:30 in Beijing.
        serde_json::json!({"id": "n5", "debtor": "A", "creditor": "P", "from": "1069", "channel": "sms", "time": "2025-06-03T15:30:00Z", "text": "提醒还款"}),
        // Consent recorded: not night contact.
        serde_json::json!({"id": "n6", "debtor": "A", "creditor": "P", "from": "1069", "channel": "sms", "time": "2025-06-03T23:00:00+08:00", "text": "提醒还款", "consent": true}),
        // The debtor's own message at night is not collection.
        serde_json::json!({"id": "n7", "debtor": "A", "creditor": "P", "from": "self", "to": "1069", "channel": "sms", "time": "2025-06-03T23:10:00+08:00", "text": "好的"}),
        // No time: text only.
        serde_json::json!({"id": "n8", "debtor": "A", "creditor": "P", "from": "1069", "channel": "sms", "text": "再不还钱就弄死你"}),
    ];
    // Four connected calls on one day: the fourth breaks the limit of three.
    for i in 0..4 {
        lines.push(serde_json::json!({"id": format!("c{i}"), "debtor": "B", "creditor": "Q", "from": format!("13{i}00000000"), "channel": "call", "connected": true, "duration": 30, "time": format!("2025-06-05T1{i}:00:00+08:00"), "text": ""}));
    }
    // Seven unanswered attempts to one number: the seventh breaks the limit of six; another debtor is counted apart.
    for i in 0..7 {
        lines.push(serde_json::json!({"id": format!("t{i}"), "debtor": "C", "creditor": "Q", "from": "13900000000", "channel": "call", "connected": false, "time": format!("2025-06-05T1{i}:30:00+08:00"), "text": ""}));
    }
    lines.push(serde_json::json!({"id": "t9", "debtor": "D", "creditor": "Q", "from": "13900000000", "channel": "call", "connected": false, "time": "2025-06-05T19:30:00+08:00", "text": ""}));
    // The same seven attempts after the six-attempt guideline took effect (2026-01-30).
    for i in 0..7 {
        lines.push(serde_json::json!({"id": format!("u{i}"), "debtor": "E", "creditor": "Q", "from": "13900000000", "channel": "call", "connected": false, "time": format!("2026-03-05T1{i}:30:00+08:00"), "text": ""}));
    }
    let input = jsonl(tmp.path(), "cases.jsonl", &lines);
    let out = tmp.path().join("out");
    let (summary, report) = run(&input, &out, 2).await.unwrap();
    assert_eq!(summary.unreadable_time, 1);
    // t6 is the only contact whose hit predates its standard; it is kept out of the counts.
    assert_eq!(report.counts.before_standard, 1);
    let freq = report.counts.by_code.iter().find(|(c, _)| c == "frequent_contact").unwrap().1;
    assert_eq!(freq, 2, "c3 and u6 count; t6 does not");
    let got = read_hits(&out).await;
    let codes = |id: &str| got[id].1.clone();
    let night = vec!["night_contact".to_string()];
    assert_eq!(codes("n1"), night, "22:00 starts the night");
    assert!(codes("n2").is_empty(), "21:59 is daytime");
    assert_eq!(codes("n3"), night);
    assert!(codes("n4").is_empty(), "08:00 ends the night");
    assert_eq!(codes("n5"), night, "times are judged in Beijing time");
    assert!(codes("n6").is_empty(), "consent");
    assert!(codes("n7").is_empty(), "own message");
    assert_eq!(codes("n8"), vec!["threat_violence".to_string()]);
    for i in 0..3 {
        assert!(codes(&format!("c{i}")).is_empty(), "call {i} is within the limit");
    }
    assert_eq!(codes("c3"), vec!["frequent_contact".to_string()]);
    assert_eq!(got["c3"].0[0].3, "frequent_contact.connected_calls");
    for i in 0..6 {
        assert!(codes(&format!("t{i}")).is_empty(), "attempt {i}");
    }
    // Before the guideline took effect the count is marked, not claimed as a breach of it.
    assert_eq!(codes("t6"), vec!["frequent_contact".to_string()]);
    assert_eq!(got["t6"].0[0].3, "frequent_contact.attempts.before_standard");
    for i in 0..6 {
        assert!(codes(&format!("u{i}")).is_empty(), "attempt {i} after the guideline");
    }
    assert_eq!(got["u6"].0[0].3, "frequent_contact.attempts");
    assert!(codes("t9").is_empty(), "another debtor's phone");
    // The night hit spans the whole message, like yuqi-conduct's log hits.
    assert_eq!(got["n1"].0[0].1..got["n1"].0[0].2, 0..4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn time_columns_of_every_kind_are_read_alike() {
    use arrow::array::{Int64Array, RecordBatch, StringArray, TimestampMillisecondArray};
    use arrow::datatypes::{DataType, Field, Schema, TimeUnit};
    use std::sync::Arc;
    let tmp = tempfile::tempdir().unwrap();
    // 2025-06-01T23:30:00+08:00 as epoch milliseconds.
    let ms = 1_748_791_800_000i64;
    let mk = |name: &str, time: Arc<dyn arrow::array::Array>, field: Field| {
        let schema = Arc::new(Schema::new(vec![
            Field::new("id", DataType::Utf8, false),
            Field::new("text", DataType::Utf8, false),
            field,
        ]));
        let b = RecordBatch::try_new(
            schema.clone(),
            vec![Arc::new(StringArray::from(vec!["x"])), Arc::new(StringArray::from(vec!["请还款"])), time],
        )
        .unwrap();
        let p = tmp.path().join(name);
        let f = std::fs::File::create(&p).unwrap();
        let mut w = datafusion::parquet::arrow::ArrowWriter::try_new(f, schema, None).unwrap();
        w.write(&b).unwrap();
        w.close().unwrap();
        p
    };
    let inputs = [
        mk(
            "utc.parquet",
            Arc::new(TimestampMillisecondArray::from(vec![ms]).with_timezone("UTC")),
            Field::new("time", DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into())), true),
        ),
        // A timestamp without a zone is Beijing local time.
        mk(
            "naive.parquet",
            Arc::new(TimestampMillisecondArray::from(vec![ms + 8 * 3_600_000])),
            Field::new("time", DataType::Timestamp(TimeUnit::Millisecond, None), true),
        ),
        mk("epoch.parquet", Arc::new(Int64Array::from(vec![ms])), Field::new("time", DataType::Int64, true)),
        mk(
            "text.parquet",
            Arc::new(StringArray::from(vec!["2025-06-01 23:30:00"])),
            Field::new("time", DataType::Utf8, true),
        ),
    ];
    for (i, input) in inputs.iter().enumerate() {
        let out = tmp.path().join(format!("out{i}"));
        run_with(input, &out, 1, true, false).await.unwrap();
        let got = read_hits(&out).await;
        assert_eq!(got["x"].1, vec!["night_contact".to_string()], "{}", input.display());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_fails_clearly_and_leaves_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    // No text column.
    let input = jsonl(tmp.path(), "notext.jsonl", &[serde_json::json!({"id": "1", "body": "x"})]);
    let out = tmp.path().join("out");
    match run(&input, &out, 1).await {
        Err(BatchError::MissingColumn { missing, found, .. }) => {
            assert!(missing.starts_with("text、debtor"), "{missing}");
            assert!(missing.contains("--single-debtor"), "{missing}");
            assert!(found.contains("body"));
        }
        other => panic!("expected a missing-column error, got {other:?}"),
    }
    assert!(!out.exists() && !tmp.path().join("out.part").exists(), "nothing written");

    // A broken JSON line.
    let p = tmp.path().join("broken.jsonl");
    std::fs::write(&p, "{\"id\": \"1\", \"debtor\": \"A\", \"text\": \"a\"}\n{\"id\": \"2\", \"text\": \n").unwrap();
    let err = run(&p, &out, 1).await.unwrap_err();
    assert!(
        matches!(&err, BatchError::BadInput { place: Some(yuqi_batch::Place::Line(2)), .. }),
        "{err} (more cases in tests/input_errors.rs)"
    );
    assert!(!out.exists() && !tmp.path().join("out.part").exists(), "nothing written after a failed read");

    // An existing output is not overwritten without --overwrite.
    let good = jsonl(tmp.path(), "good.jsonl", &[serde_json::json!({"id": "1", "debtor": "A", "text": "你好"})]);
    run(&good, &out, 1).await.unwrap();
    let before = std::fs::read(out.join("report.parquet")).unwrap();
    assert!(matches!(run(&good, &out, 1).await, Err(BatchError::OutputExists(_))));
    assert_eq!(std::fs::read(out.join("report.parquet")).unwrap(), before);
    // A failed --overwrite run keeps the previous output; a trailing slash is the same directory.
    let with_slash = std::path::PathBuf::from(format!("{}/", out.display()));
    assert!(run_with(&p, &with_slash, 1, false, true).await.is_err());
    assert_eq!(std::fs::read(out.join("report.parquet")).unwrap(), before, "old output intact");
    run_with(&good, &with_slash, 1, false, true).await.unwrap();
    assert!(
        out.join("summary.json").exists()
            && !tmp.path().join("out.part").exists()
            && !tmp.path().join("out.old").exists()
    );

    // A directory of CSV files with different headers is refused, not misread.
    let dir = tmp.path().join("csvdir");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("a.csv"), "id,debtor,text\n1,A,你好\n").unwrap();
    std::fs::write(dir.join("b.csv"), "id,text,debtor\n2,再不还钱就弄死你,A\n").unwrap();
    match run(&dir, &tmp.path().join("o3"), 1).await {
        Err(e @ BatchError::BadInput { .. }) => {
            let m = e.to_string();
            assert!(m.contains("b.csv 第 1 行：表头与 a.csv 不同"), "{m}");
        }
        other => panic!("expected a header error, got {other:?}"),
    }

    // Unknown format.
    let odd = tmp.path().join("log.xlsx");
    std::fs::write(&odd, "x").unwrap();
    assert!(matches!(run(&odd, &tmp.path().join("o2"), 1).await, Err(BatchError::UnknownFormat { .. })));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_from_the_input_are_escaped_in_the_report() {
    let tmp = tempfile::tempdir().unwrap();
    // Enough messages for the group to be ranked (and so named) in the report.
    let lines: Vec<serde_json::Value> = (0..120)
        .map(|i| serde_json::json!({"id": i.to_string(), "debtor": "A", "creditor": "<script>alert(1)</script>", "agency": "a|b", "from": "<img src=x onerror=alert(1)>", "channel": "sms", "time": "2025-06-01T23:00:00+08:00", "text": "再不还钱就弄死你"}))
        .collect();
    let input = jsonl(tmp.path(), "evil.jsonl", &lines);
    let out = tmp.path().join("out");
    run(&input, &out, 1).await.unwrap();
    for f in ["report.html", "report.md", "chart-creditor.svg", "chart-sender.svg"] {
        let s = std::fs::read_to_string(out.join(f)).unwrap();
        assert!(!s.contains("<script>") && !s.contains("<img"), "{f} has raw markup from the input");
    }
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("a\\|b"), "a pipe in a name does not break the Markdown table");
}

/// Exports spell things differently: header case and spaces, 1/是 for true, padded
/// values, and in JSON lines a column that first appears late.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spellings_of_exports_are_read_like_the_cli_reads_them() {
    let tmp = tempfile::tempdir().unwrap();
    let mut csv = String::from("ID, Debtor ,From,Channel,Connected,Time,Text\n");
    for i in 0..4 {
        let connected = ["1", "是", "true", "接通"][i];
        csv.push_str(&format!("c{i},A,13800000000, call ,{connected},2025-06-05 1{i}:00:00,\n"));
    }
    let p = tmp.path().join("calls.csv");
    std::fs::write(&p, csv).unwrap();
    let out = tmp.path().join("out");
    run(&p, &out, 1).await.unwrap();
    let got = read_hits(&out).await;
    assert_eq!(got["c3"].1, vec!["frequent_contact".to_string()], "the fourth connected call");
    assert!(got["c2"].1.is_empty());

    // consent appears only on line 10,001, after the inferred sample.
    let mut lines: Vec<serde_json::Value> =
        (0..10_000).map(|i| serde_json::json!({"id": format!("x{i}"), "debtor": "B", "text": "提醒还款"})).collect();
    lines.push(serde_json::json!({"id": "late", "debtor": "C", "text": "提醒还款", "time": "2025-06-01T23:30:00+08:00", "consent": true}));
    let p = jsonl(tmp.path(), "late.jsonl", &lines);
    let out = tmp.path().join("out2");
    run(&p, &out, 2).await.unwrap();
    let got = read_hits(&out).await;
    assert!(got["late"].1.is_empty(), "consent recorded on a late line is honoured");
}

#[test]
fn the_generator_is_deterministic() {
    let tmp = tempfile::tempdir().unwrap();
    let write = |seed: u64, name: &str| {
        let p = tmp.path().join(name);
        gen_mod::write(GenOptions { messages: 3_000, seed, per_debtor: 50 }, &p, InputFormat::Jsonl).unwrap();
        std::fs::read(p).unwrap()
    };
    let a = write(1, "a.jsonl");
    assert_eq!(a, write(1, "b.jsonl"), "same seed, same bytes");
    assert_ne!(a, write(2, "c.jsonl"), "another seed, another log");
    assert_eq!(a.iter().filter(|b| **b == b'\n').count(), 3_000);
    // Ids are unique and every line parses as an analyzer input line.
    let text = String::from_utf8(a).unwrap();
    let mut ids = HashSet::new();
    for line in text.lines() {
        let m: Message<'_> = serde_json::from_str(line).unwrap();
        assert!(ids.insert(m.id.as_deref().unwrap().to_string()));
        assert!(m.parsed_time().is_some());
    }
}

/// Each message's text is analysed once: the plan calls the text analysis one time, although
/// the SQL reads three fields of its result (the hits, the court-notice hold and the codes).
/// The log rules stream: one sort, by (debtor, time, id), feeds two bounded windows (the log
/// rules, then the report's marks over the same order, which must not sort again), and nothing
/// buffers a whole partition (`WindowAggExec` would).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_plan_analyses_each_message_once_and_sorts_once() {
    let seed = 3;
    let msgs = generated(200, seed);
    let tmp = tempfile::tempdir().unwrap();
    let input = write_input(&msgs, seed, tmp.path(), InputFormat::Parquet);
    let ctx = local_context(Some(2)).unwrap();
    let located = yuqi_batch::input::locate(&input, None).unwrap();
    yuqi_batch::input::register(&ctx, &located, false).await.unwrap();
    let batches =
        ctx.sql(&format!("EXPLAIN {}", yuqi_batch::scan::MESSAGES_SQL)).await.unwrap().collect().await.unwrap();
    let mut physical = String::new();
    for b in &batches {
        let (kind, plan) = (b.column(0).as_string::<i32>(), b.column(1).as_string::<i32>());
        for i in 0..b.num_rows() {
            if kind.value(i) == "physical_plan" {
                physical.push_str(plan.value(i));
            }
        }
    }
    assert!(!physical.is_empty());
    assert_eq!(physical.matches("yuqi_text_analysis(").count(), 1, "in:\n{physical}");
    assert!(!physical.contains("yuqi_text_hits("), "in:\n{physical}");
    assert_eq!(physical.matches("SortExec").count(), 1, "in:\n{physical}");
    assert_eq!(physical.matches("BoundedWindowAggExec").count(), 2, "in:\n{physical}");
    assert_eq!(physical.matches("WindowAggExec").count(), 2, "only bounded ones, in:\n{physical}");
    assert_eq!(physical.matches("yuqi_message_hits(").count(), 1, "in:\n{physical}");
}
