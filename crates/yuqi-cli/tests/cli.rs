//! End-to-end tests of the real `yuqi` binary on every example case.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn yuqi(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_yuqi")).args(args).current_dir(workspace()).output().expect("run yuqi")
}

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 stdout")
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("utf-8 stderr")
}

fn examples() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(workspace().join("examples"))
        .expect("examples/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    v.sort();
    v
}

fn rel(p: &Path) -> String {
    p.strip_prefix(workspace()).unwrap_or(p).display().to_string()
}

const REQUIRED: [&str; 12] = [
    "id",
    "apr_nominal",
    "apr_effective",
    "cap_rate",
    "cap_basis",
    "principal_lawful",
    "interest_lawful",
    "overdue_lawful",
    "supported_total",
    "demanded_total",
    "excess",
    "findings",
];

#[test]
fn there_are_at_least_six_examples() {
    assert!(examples().len() >= 6, "{:?}", examples());
}

#[test]
fn every_example_audits_as_json_with_the_required_fields() {
    for ex in examples() {
        let out = yuqi(&["audit", &rel(&ex), "--json"]);
        assert!(out.status.success(), "{}: {}", ex.display(), stderr(&out));
        let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
        let debts = v["debts"].as_array().expect("debts");
        assert!(!debts.is_empty());
        for d in debts {
            for key in REQUIRED {
                assert!(d.get(key).is_some(), "{}: debt {} lacks {key}", ex.display(), d["id"]);
            }
            for f in d["findings"].as_array().expect("findings") {
                assert!(f["code"].is_string() && f["basis"].is_array(), "{}: {f}", ex.display());
            }
            // Money is a decimal string with two places; the lawful total is its parts.
            let m = |k: &str| d[k].as_str().expect(k).parse::<f64>().expect(k);
            let parts = m("principal_lawful") + m("interest_lawful") + m("fees_lawful") + m("overdue_lawful");
            assert!(
                (parts - m("supported_total")).abs() < 0.005,
                "{}: parts {parts} vs total {}",
                ex.display(),
                m("supported_total")
            );
            assert!(d["supported_total"].as_str().expect("s").split('.').nth(1).is_some_and(|f| f.len() == 2));
        }
    }
}

#[test]
fn every_example_prints_a_chinese_report_with_a_trace() {
    for ex in examples() {
        let out = yuqi(&["audit", &rel(&ex)]);
        assert!(out.status.success(), "{}: {}", ex.display(), stderr(&out));
        let text = stdout(&out);
        for needle in ["欠款核算报告", "依法支持合计", "适用上限", "计算过程", "依据：", "舍入规则", "不是律师意见"]
        {
            assert!(text.contains(needle), "{}: missing {needle}", ex.display());
        }
    }
}

#[test]
fn microloan_example_shows_kantouxi_and_the_excess() {
    let out = yuqi(&["audit", "examples/microloan-kantouxi.toml", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    let d = &v["debts"][0];
    assert_eq!(d["principal_initial"], "9000.00");
    assert_eq!(d["cap_rate"], "0.24");
    let codes: Vec<&str> =
        d["findings"].as_array().expect("f").iter().map(|f| f["code"].as_str().expect("code")).collect();
    for c in ["kantouxi", "apr_above_cap", "wrong_amount", "extra_fee_demanded", "cap_disputed_microloan"] {
        assert!(codes.contains(&c), "missing {c} in {codes:?}");
    }
    let excess: f64 = d["excess"].as_str().expect("excess").parse().expect("num");
    assert!(excess > 8000.0, "{excess}");
}

#[test]
fn as_of_flag_changes_the_date() {
    let out = yuqi(&["audit", "examples/private-2019.toml", "--json", "--as-of", "2020-08-19"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(v["as_of"], "2020-08-19");
    assert_eq!(v["debts"][0]["cap_rate"], "0.24");
}

#[test]
fn demo_runs_without_a_file() {
    let out = yuqi(&["demo"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("示例"));
}

#[test]
fn law_show_prints_the_article() {
    let out = yuqi(&["law", "show", "民法典", "670"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("借款的利息不得预先在本金中扣除"), "{text}");
    assert!(text.contains("第六百七十条"), "{text}");
    let out = yuqi(&["law", "show", "民法典", "99999"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("没有收录"));
}

#[test]
fn law_lpr_and_params_list_values_with_citations() {
    let out = yuqi(&["law", "lpr", "2024-10-21"]);
    assert!(stdout(&out).contains("3.10%"), "{}", stdout(&out));
    let out = yuqi(&["law", "params"]);
    let text = stdout(&out);
    assert!(text.contains("private_lending.lpr_multiple = 4"));
    assert!(text.contains("出处：《民间借贷规定》"));
}

#[test]
fn apr_reproduces_the_worked_examples() {
    let out = yuqi(&["apr", "--principal", "100000", "--received", "99000", "--periods", "12", "--payment", "8833.3"]);
    let text = stdout(&out);
    assert!(text.contains("12.80%") && text.contains("13.58%"), "{text}");
    let out = yuqi(&["apr", "--principal", "10000", "--received", "9000", "--periods", "12", "--payment", "1000"]);
    let text = stdout(&out);
    assert!(text.contains("56.75%") && text.contains("74.11%"), "{text}");
    let out = yuqi(&[
        "apr",
        "--principal",
        "10000",
        "--periods",
        "12",
        "--rate",
        "年化24%",
        "--method",
        "等额本息",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    let nominal: f64 = v["apr_nominal"].as_str().expect("n").parse().expect("f");
    assert!((nominal - 0.24).abs() < 0.0001, "{nominal}");
}

#[test]
fn apr_takes_an_explicit_schedule_of_unequal_payments() {
    // Twelve equal amounts written out give what --payment gives.
    let twelve = ["1000"; 12].join(",");
    let out = yuqi(&["apr", "--principal", "10000", "--received", "9000", "--schedule", &twelve]);
    let text = stdout(&out);
    assert!(text.contains("56.75%") && text.contains("74.11%"), "{text}");
    // One dated payment a year after the money arrived: 10,000 → 11,000 is 10% on the dates.
    let out =
        yuqi(&["apr", "--principal", "10000", "--start", "2025-01-15", "--schedule", "2026-01-15:11000", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    let xirr: f64 = v["apr_xirr"].as_str().expect("xirr").parse().expect("f");
    assert!((xirr - 0.10).abs() < 1e-6, "{xirr}");
    assert_eq!(v["total_repaid"].as_str(), Some("11000.00"));
    // Unequal amounts: the cost is what was repaid over what arrived.
    let out = yuqi(&["apr", "--principal", "10000", "--schedule", "4000，3500、3200", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!((v["total_cost"].as_str(), v["periods"].as_u64()), (Some("700.00"), Some(3)));
    // Mistakes are named in Chinese: two kinds of input, dates out of order.
    let out = yuqi(&["apr", "--principal", "10000", "--payment", "1000", "--schedule", "1000"]);
    assert!(!out.status.success() && stderr(&out).contains("只能给一个"), "{}", stderr(&out));
    let out = yuqi(&["apr", "--principal", "10000", "--schedule", "2025-03-15:100,2025-02-15:100"]);
    assert!(!out.status.success() && stderr(&out).contains("按先后顺序"), "{}", stderr(&out));
}

#[test]
fn a_broken_case_file_names_file_line_and_column() {
    let dir = std::env::temp_dir().join(format!("yuqi-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let path = dir.join("broken.toml");
    std::fs::write(&path, "[[debt]]\nid = \"a\"\nlender = \"x\"\nkind = \"bank\"\ncontract_date = 2024-13-01\n")
        .expect("write");
    let out = yuqi(&["audit", path.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("broken.toml:5:"), "{err}");
    let out = yuqi(&["check", path.to_str().expect("path")]);
    assert_eq!(out.status.code(), Some(2));
    let out = yuqi(&["audit", "no/such/file.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("无法读取案例文件"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn stacking_example_links_new_loans_to_old_payments() {
    let out = yuqi(&["audit", "examples/stacking.toml", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    let links = v["stacking"].as_array().expect("stacking");
    let has = |new: &str, old: &str, paid: bool| {
        links
            .iter()
            .any(|l| l["kind"] == "refinanced" && l["new_debt"] == new && l["old_debt"] == old && l["paid"] == paid)
    };
    assert!(has("b", "a", true), "{links:?}");
    assert!(has("c", "b", false), "{links:?}");
    assert!(
        links.iter().any(|l| l["kind"] == "burst" && l["debts"] == serde_json::json!(["b", "c", "d"])),
        "{links:?}"
    );
    assert!(v["findings"].as_array().expect("f").iter().any(|f| f["code"] == "loan_stacking"));
    // A single loan has nothing to stack.
    let out = yuqi(&["audit", "examples/bank-penalty.toml", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert!(v["stacking"].as_array().expect("stacking").is_empty());
}

#[test]
fn unlicensed_lender_owes_only_the_money_received() {
    let out = yuqi(&["audit", "examples/unlicensed-714.toml", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    let d = &v["debts"][0];
    // Received 2,100, paid 2,400: nothing is owed and 300 was overpaid.
    assert_eq!(d["supported_total"], "0.00");
    assert_eq!(d["lawful"]["ledger"]["overpaid"], "300.00");
    assert_eq!(d["excess"], "5000.00");
    let report = stdout(&yuqi(&["audit", "examples/unlicensed-714.toml"]));
    assert!(report.contains("超过 10,000%"), "{report}");
}

#[test]
fn timeline_reports_deadlines_and_writes_a_valid_svg() {
    let dir = std::env::temp_dir().join(format!("yuqi-svg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    for ex in examples() {
        let svg = dir.join("t.svg");
        let out = yuqi(&["timeline", &rel(&ex), "--svg", svg.to_str().expect("path")]);
        assert!(out.status.success(), "{}: {}", ex.display(), stderr(&out));
        let text = stdout(&out);
        for needle in ["要紧日期", "诉讼时效：", "可能发生什么", "刑事风险"] {
            assert!(text.contains(needle), "{}: missing {needle}", ex.display());
        }
        let svg_text = std::fs::read_to_string(&svg).expect("svg written");
        assert!(svg_text.starts_with("<svg"), "{}", ex.display());
        let v: serde_json::Value =
            serde_json::from_str(&stdout(&yuqi(&["timeline", &rel(&ex), "--json"]))).expect("json");
        assert!(v["deadlines"].is_array() && v["debts"].is_array());
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn expired_private_loan_warns_against_promising_to_pay() {
    let out = yuqi(&["timeline", "examples/private-2019.toml", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    let l = &v["debts"][0]["limitation"];
    assert_eq!(l["status"]["state"], "expired");
    assert_eq!(l["status"]["expired_on"], "2025-03-03");
    assert!(l["warnings"].as_array().expect("w").iter().any(|w| w.as_str().expect("s").contains("不要承诺还款")));
    // The audit report opens with the same deadline.
    let report = stdout(&yuqi(&["audit", "examples/private-2019.toml"]));
    let head: String = report.lines().take(12).collect::<Vec<_>>().join("\n");
    assert!(head.contains("要紧日期") && head.contains("2025-03-03"), "{head}");
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&yuqi(&["audit", "examples/private-2019.toml", "--json"]))).expect("json");
    assert_eq!(json["deadlines"][0]["code"], "limitation_expired");
}

fn yuqi_stdin(args: &[&str], input: &str) -> Output {
    use std::io::Write as _;
    let mut child = Command::new(env!("CARGO_BIN_EXE_yuqi"))
        .args(args)
        .current_dir(workspace())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    child.stdin.take().expect("stdin").write_all(input.as_bytes()).expect("write");
    child.wait_with_output().expect("wait")
}

#[test]
fn scan_streams_json_lines_with_spans_and_basis() {
    let input = concat!(
        "{\"id\":\"a\",\"text\":\"不还钱就让你坐牢，明天上门\"}\n",
        "{\"id\":7,\"text\":\"【XX银行】您本期账单1,000.00元，请按时还款。\"}\n",
        "not json\n",
        "{\"id\":\"c\",\"text\":\"我们不会上门\"}\n",
    );
    let out = yuqi_stdin(&["scan"], input);
    assert_eq!(out.status.code(), Some(2), "a bad line is bad input, reported, and the rest is output");
    assert!(stderr(&out).contains("第 3 行"));
    let lines: Vec<serde_json::Value> =
        stdout(&out).lines().map(|l| serde_json::from_str(l).expect("json line")).collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["id"], "a");
    assert_eq!(lines[0]["codes"], serde_json::json!(["intimidation", "threat_jail"]));
    let text: Vec<char> = "不还钱就让你坐牢，明天上门".chars().collect();
    let spans: Vec<String> = lines[0]["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|h| {
            text[h["start"].as_u64().expect("s") as usize..h["end"].as_u64().expect("e") as usize].iter().collect()
        })
        .collect();
    assert!(spans.contains(&"坐牢".to_string()) && spans.contains(&"上门".to_string()), "{spans:?}");
    let hit = &lines[0]["hits"][0];
    assert!(hit["basis"].as_str().expect("basis").contains('《'));
    assert_eq!(lines[1]["id"], "7");
    assert_eq!(lines[1]["codes"], serde_json::json!([]));
    assert_eq!(lines[2]["codes"], serde_json::json!([]));
}

#[test]
fn scan_reads_csv_and_adds_log_codes() {
    let csv = "id,time,from,channel,connected,text\n1,2025-06-01 23:10:00,1069,sms,,请尽快还款\n2,2025-06-02 10:00:00,1069,sms,,你个老赖\n";
    let out = yuqi_stdin(&["scan", "--csv", "--log", "-"], csv);
    assert!(out.status.success(), "{}", stderr(&out));
    let lines: Vec<serde_json::Value> = stdout(&out).lines().map(|l| serde_json::from_str(l).expect("json")).collect();
    assert_eq!(lines[0]["codes"], serde_json::json!(["night_contact"]));
    assert_eq!(lines[1]["codes"], serde_json::json!(["insult"]));
}

#[test]
fn scan_human_mode_marks_spans() {
    let out = yuqi_stdin(&["scan", "--human"], "{\"id\":\"x\",\"text\":\"再不还就坐牢\"}\n");
    let text = stdout(&out);
    assert!(text.contains("【坐牢】") && text.contains("以刑责恐吓"), "{text}");
}

#[test]
fn scan_eval_reports_metrics_and_enforces_a_floor() {
    let out = yuqi(&["scan", "--eval", "tests/data/conduct/train.jsonl"]);
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(text.contains("宏平均 F1") && text.contains("threat_jail"), "{text}");
    let out = yuqi(&["scan", "--eval", "tests/data/conduct/train.jsonl", "--json", "--min-macro-f1", "0.99999"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert!(v["macro_f1"].as_f64().expect("f1") > 0.5);
}

#[test]
fn scan_with_a_case_adds_case_level_codes() {
    let input =
        "{\"id\":\"d\",\"time\":\"2026-11-12T10:00:00+08:00\",\"text\":\"你欠的108,000元再不还就去法院起诉你\"}\n";
    let out = yuqi_stdin(&["scan", "--case", "examples/private-2019.toml"], input);
    let v: serde_json::Value = serde_json::from_str(stdout(&out).trim()).expect("json");
    let codes = v["codes"].as_array().expect("codes");
    assert!(codes.contains(&serde_json::json!("wrong_amount")), "{v}");
    assert!(codes.contains(&serde_json::json!("time_barred_threat")), "{v}");
}

#[test]
fn batch_runs_the_yuqi_batch_binary_with_the_same_arguments() {
    // A stand-in for yuqi-batch that prints its arguments and exits with 3.
    let dir = tempfile::tempdir().expect("tempdir");
    let fake = dir.path().join("yuqi-batch");
    std::fs::write(&fake, "#!/bin/sh\necho \"args: $*\"\nexit 3\n").expect("write");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_yuqi"))
        .args(["batch", "scan", "--input", "a b.parquet", "--output", "out", "--help"])
        .env("YUQI_BATCH_BIN", &fake)
        .output()
        .expect("run yuqi");
    assert_eq!(out.status.code(), Some(3), "the exit code is passed through");
    assert_eq!(stdout(&out).trim(), "args: scan --input a b.parquet --output out --help");

    // Not built: a clear instruction, not a crash.
    let out = Command::new(env!("CARGO_BIN_EXE_yuqi"))
        .args(["batch", "scan"])
        .env("YUQI_BATCH_BIN", dir.path().join("missing"))
        .output()
        .expect("run yuqi");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("无法运行"), "{err}");
}
