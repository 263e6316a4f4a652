//! Hostile input end to end (issue 19, items 7 and 8): the real binary answers every bad case
//! file and every bad message log with a Chinese error and exit code 2 — never a panic (101),
//! never exit 1, which means the tool itself failed.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn yuqi(args: &[&str], dir: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_yuqi")).args(args).current_dir(dir).output().expect("run yuqi")
}

fn yuqi_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_yuqi"))
        .args(args)
        .current_dir(workspace())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child.stdin.take().expect("stdin").write_all(input).expect("write");
    child.wait_with_output().expect("wait")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn case_file(dir: &std::path::Path, contract: &str, rate: &str) -> PathBuf {
    let path = dir.join("c.toml");
    std::fs::write(
        &path,
        format!(
            "version = 1\n[[debt]]\nid = \"a\"\nlender = \"某公司\"\nkind = \"microloan\"\ncontract_date = {contract}\nprincipal = 10000\nrate = \"{rate}\"\nmethod = \"等额本息\"\nperiods = 12\n"
        ),
    )
    .expect("write case");
    path
}

#[test]
fn an_absurd_rate_is_refused_by_check_audit_and_letter_at_its_place() {
    let dir = tempfile::tempdir().expect("tempdir");
    case_file(dir.path(), "2024-01-01", "年化100000%");
    let letter_out = dir.path().join("l.md");
    let letter = ["letter", "verification", "c.toml", "-o", letter_out.to_str().expect("path")];
    for args in [&["check", "c.toml"][..], &["audit", "c.toml"], &["timeline", "c.toml"], &letter] {
        let out = yuqi(args, dir.path());
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("c.toml:8:8: 利率折合年化超过 10000%"), "{args:?}: {}", stderr(&out));
    }
    // A usurious rate a court would hear about is audited.
    case_file(dir.path(), "2024-01-01", "年化1000%");
    let out = yuqi(&["audit", "c.toml", "--as-of", "2026-11-24"], dir.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn rates_are_read_whole_or_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (rate, expect) in
        [("年化-24%", "是负数"), ("年化1e2%", "无法识别的内容“1e”"), ("年化24% 月息2分", "无法识别的内容“2分”")]
    {
        case_file(dir.path(), "2024-01-01", rate);
        let out = yuqi(&["check", "c.toml"], dir.path());
        assert_eq!(out.status.code(), Some(2), "{rate}: {}", stderr(&out));
        assert!(stderr(&out).contains("c.toml:8:8:") && stderr(&out).contains(expect), "{rate}: {}", stderr(&out));
    }
}

#[test]
fn dates_outside_the_handled_years_are_input_errors_with_their_place() {
    let dir = tempfile::tempdir().expect("tempdir");
    for date in ["0001-01-01", "9999-12-31"] {
        case_file(dir.path(), date, "年化24%");
        for cmd in ["check", "audit"] {
            let out = yuqi(&[cmd, "c.toml"], dir.path());
            assert_eq!(out.status.code(), Some(2), "{cmd} {date}: {}", stderr(&out));
            assert!(
                stderr(&out).contains(&format!("c.toml:6:17: 日期 {date} 超出本工具可处理的范围")),
                "{}",
                stderr(&out)
            );
        }
    }
    // From a flag: refused at once (it used to step month by month to the year 9999).
    case_file(dir.path(), "2024-01-01", "年化24%");
    let out = yuqi(&["audit", "c.toml", "--as-of", "9999-12-31"], dir.path());
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("计算截止日 9999-12-31 超出本工具可处理的范围"), "{}", stderr(&out));
}

#[test]
fn scan_bad_input_exits_2_and_keeps_the_good_lines() {
    let out = yuqi_stdin(&["scan"], b"{\"text\":\"\xe8\xaf\xb7\xe8\xbf\x98\xe6\xac\xbe\"}\nnot json\n");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 1);

    // --log reads the whole log: one line of bad UTF-8 is named and skipped, not the whole file.
    let mut log = b"{\"id\":\"1\",\"time\":\"2025-06-01 23:10:00\",\"from\":\"1069\",\"text\":\"\xe8\xaf\xb7\xe5\xb0\xbd\xe5\xbf\xab\xe8\xbf\x98\xe6\xac\xbe\"}\n".to_vec();
    log.extend_from_slice(b"{\"id\":\"2\",\"text\":\"\xff\xfe bad\"}\n");
    log.extend_from_slice("{\"id\":\"3\",\"text\":\"你个老赖\"}\n".as_bytes());
    let out = yuqi_stdin(&["scan", "--log"], &log);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("第 2 行不是 UTF-8 编码的文字"), "{}", stderr(&out));
    let lines: Vec<serde_json::Value> =
        String::from_utf8_lossy(&out.stdout).lines().map(|l| serde_json::from_str(l).expect("json")).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["codes"], serde_json::json!(["night_contact"]));
    assert_eq!(lines[1]["codes"], serde_json::json!(["insult"]));

    // The same for a CSV log.
    let mut csv = b"id,time,from,text\n1,2025-06-01 10:00:00,1069,ok\n".to_vec();
    csv.extend_from_slice(b"2,2025-06-01 11:00:00,1069,\xff\xfe\n");
    csv.extend_from_slice("3,2025-06-02 10:00:00,1069,你个老赖\n".as_bytes());
    let out = yuqi_stdin(&["scan", "--csv", "--log", "-"], &csv);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("CSV 第 3 行不是 UTF-8 编码的文字"), "{}", stderr(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 2);

    // A CSV without a text column, and a broken case file, are bad input too.
    let out = yuqi_stdin(&["scan", "--csv", "-"], b"a,b\n1,2\n");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let dir = tempfile::tempdir().expect("tempdir");
    let case = case_file(dir.path(), "2024-01-01", "年化-24%");
    let out = yuqi_stdin(&["scan", "--case", case.to_str().expect("path")], b"{\"text\":\"x\"}\n");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("是负数"), "{}", stderr(&out));
}

#[test]
fn apr_refuses_bad_flags_as_input_errors_and_never_runs_away() {
    let dir = workspace();
    for (args, expect) in [
        (&["apr", "--principal", "10000", "--rate", "年化100000%"][..], "超出本工具可计算的范围"),
        (&["apr", "--principal", "99999999999999999", "--rate", "年化24%"], "超出了可处理的金额范围"),
        (&["apr", "--principal", "10000", "--rate", "年化24%", "--periods", "4000000000"], "1 到 600"),
        (&["apr", "--principal", "10000", "--rate", "年化-24%"], "是负数"),
        (&["apr", "--principal", "10000", "--rate", "年化24%", "--start", "9999-12-31"], "超出本工具可处理的范围"),
    ] {
        let out = yuqi(args, &dir);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(expect), "{args:?}: {}", stderr(&out));
    }
    let out = yuqi(&["apr", "--principal", "10000", "--rate", "年化1000%"], &dir);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn scan_eval_names_a_bad_line_of_the_labelled_file_with_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("labeled.jsonl");
    let mut bytes = "{\"text\":\"再不还就坐牢\",\"labels\":[\"threat_jail\"]}\n".as_bytes().to_vec();
    bytes.extend_from_slice(b"{\"text\":\"\xff\",\"labels\":[]}\n");
    std::fs::write(&path, &bytes).expect("write");
    let out = yuqi(&["scan", "--eval", path.to_str().expect("path")], dir.path());
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("第 2 行不是 UTF-8 编码的文字"), "{}", stderr(&out));
    std::fs::write(&path, "{\"text\":\"x\",\"labels\":[\"no_such_code\"]}\n").expect("write");
    let out = yuqi(&["scan", "--eval", path.to_str().expect("path")], dir.path());
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("第 1 行：未知标签 no_such_code"), "{}", stderr(&out));
}
