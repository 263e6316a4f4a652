//! The help of every command and clap's usage errors are in Chinese: besides Chinese, only
//! command and flag names, file names and paths, environment variables and an allow-list of
//! format names and values the user types may appear.

use std::collections::BTreeSet;
use std::process::{Command, Output};

fn yuqi(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_yuqi")).args(args).output().expect("run yuqi")
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// Format names, protocol names and the values the help lists for the user to type.
const ALLOWED: &[&str] = &[
    // Formats and technical names.
    "PDF",
    "DOCX",
    "Markdown",
    "HTML",
    "JSON",
    "JSONL",
    "CSV",
    "XLSX",
    "TOML",
    "SVG",
    "SQLite",
    "PostgreSQL",
    "HTTPS",
    "LPR",
    "pdf",
    "docx",
    "md",
    "html",
    "json",
    "jsonl",
    "csv",
    "xlsx",
    "toml",
    "svg",
    "zip",
    "parquet",
    "wxid",
    // Case-file keys.
    "as_of",
    "filing_date",
    "id",
    // The evidence store's default directory name.
    "yuqi-evidence",
    // Values of --period and --on-bad, and `letter list` (the --format values and the letter
    // kinds are the importers' and the letters' own names, below).
    "month",
    "week",
    "14d",
    "refuse",
    "skip",
    "list",
];

/// A value the user types that the program defines itself: an importer's format name or a
/// letter kind.
fn program_value(w: &str) -> bool {
    yuqi_evidence::Format::NAMES.contains(&w) || yuqi_docs::LetterKind::ALL.iter().any(|k| k.id() == w)
}

/// The subcommands listed under 命令 in a help text.
fn subcommands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| !l.starts_with("命令"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .filter(|c| c != "help")
        .collect()
}

/// ASCII words (runs of letters, digits and `_-./:=$~+`) with at least one letter.
fn ascii_words(s: &str) -> Vec<String> {
    let is_word = |c: char| c.is_ascii_alphanumeric() || "_-./:=$~+".contains(c);
    s.split(|c: char| !is_word(c)).filter(|w| w.chars().any(|c| c.is_ascii_alphabetic())).map(str::to_string).collect()
}

fn foreign_words(s: &str, commands: &BTreeSet<String>) -> Vec<String> {
    ascii_words(s)
        .into_iter()
        .filter(|w| {
            let flag = w.starts_with('-');
            let path_or_value = w.contains(['/', '.', ':', '=', '$', '~']);
            let env = w.starts_with("YUQI_") && w.chars().all(|c| c.is_ascii_uppercase() || c == '_');
            !(flag || path_or_value || env || commands.contains(w) || ALLOWED.contains(&w.as_str()) || program_value(w))
        })
        .collect()
}

/// Every command path with its help text: `[]`, `["audit"]`, `["evidence", "import"]`, …
fn all_helps() -> Vec<(Vec<String>, String)> {
    let mut out = Vec::new();
    let mut todo: Vec<Vec<String>> = vec![vec![]];
    while let Some(path) = todo.pop() {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        // `yuqi batch` passes every argument, --help included, to yuqi-batch.
        let o = if path.last().is_some_and(|c| c == "batch") {
            let mut a = vec!["help"];
            a.extend(&args);
            yuqi(&a)
        } else {
            args.push("--help");
            yuqi(&args)
        };
        assert!(o.status.success(), "{path:?}: {}", text(&o));
        let help = String::from_utf8_lossy(&o.stdout).into_owned();
        for sub in subcommands(&help) {
            let mut p = path.clone();
            p.push(sub);
            todo.push(p);
        }
        out.push((path, help));
    }
    out
}

#[test]
fn every_help_is_chinese() {
    let helps = all_helps();
    let names = ["audit", "evidence", "import", "verify-package", "db", "restore", "law", "show", "batch"];
    for n in names {
        assert!(helps.iter().any(|(p, _)| p.last().is_some_and(|l| l == n)), "no help for {n}");
    }
    let mut commands: BTreeSet<String> = helps.iter().flat_map(|(p, _)| p.iter().cloned()).collect();
    commands.extend(["yuqi".to_string(), "yuqi-batch".to_string(), "help".to_string()]);
    for (path, help) in &helps {
        let bad = foreign_words(help, &commands);
        assert!(bad.is_empty(), "yuqi {} --help has English words {bad:?}:\n{help}", path.join(" "));
        assert!(help.contains("用法：yuqi"), "{path:?}:\n{help}");
        for english in ["Usage", "Options", "Arguments", "Commands", "Print help", "[default", "[possible", "[env"] {
            assert!(!help.contains(english), "{path:?}: {english}\n{help}");
        }
    }
    // The top level has the version flag and the help command, in Chinese.
    let top = &helps.iter().find(|(p, _)| p.is_empty()).expect("top").1;
    assert!(top.contains("-V, --version  显示版本号") && top.contains("-h, --help     显示帮助"), "{top}");
    assert!(top.contains("显示某个命令的帮助"), "{top}");
    // Defaults clap would print as "[default: …]" are stated in Chinese.
    let list = &helps.iter().find(|(p, _)| p == &["evidence", "list"]).expect("evidence list").1;
    assert!(list.contains("（默认：200）"), "{list}");
}

#[test]
fn the_foreign_word_filter_catches_english() {
    let commands = BTreeSet::from(["audit".to_string()]);
    assert_eq!(
        foreign_words("用法：yuqi audit [OPTIONS] --json Print help", &commands),
        ["yuqi", "OPTIONS", "Print", "help"]
    );
    assert!(foreign_words("见 docs/case-file.md，也可用 YUQI_DB；输出 PDF", &commands).is_empty());
}

#[test]
fn usage_errors_are_chinese_with_exit_code_2() {
    let commands = BTreeSet::from(["yuqi".to_string(), "audit".to_string(), "help".to_string()]);
    let cases: [(&[&str], &str); 5] = [
        (&["audit", "--bogus", "x.toml"], "错误：不认识的参数 --bogus"),
        (&["audit"], "错误：缺少必需的参数：<案例文件>"),
        (&["audit", "x.toml", "--as-of", "2024-02-30"], "日期格式应为"),
        (&["adit"], "错误：没有名为 adit 的命令（你是不是想用 audit？）"),
        (&["--bogus"], "错误：不认识的参数 --bogus"),
    ];
    for (args, expected) in cases {
        let o = yuqi(args);
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(expected), "{args:?}: {err}");
        assert!(err.contains("用法：yuqi") && err.contains("查看帮助："), "{args:?}: {err}");
        let bad: Vec<String> = foreign_words(&err, &commands)
            .into_iter()
            .filter(|w| !["adit", "x", "YYYY-MM-DD"].contains(&w.as_str()))
            .collect();
        assert!(bad.is_empty(), "{args:?}: {bad:?}\n{err}");
    }
    // Help and version still exit 0.
    assert_eq!(yuqi(&["--version"]).status.code(), Some(0));
    assert_eq!(yuqi(&["help", "evidence", "import"]).status.code(), Some(0));
    assert_eq!(yuqi(&["help", "nosuch"]).status.code(), Some(2));
    // No command at all: the help, on standard error, as a usage error.
    let o = yuqi(&[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("用法：yuqi [选项] <命令>"));
}

/// `yuqi serve --phone`: documented in Chinese, refused with the multi-user mode and with an
/// address a phone cannot reach (both before anything is bound or detected).
#[test]
fn serve_phone_is_documented_and_checked() {
    let o = yuqi(&["serve", "--phone", "--help"]);
    assert_eq!(o.status.code(), Some(0));
    let help = text(&o);
    // The flag's own line (not the mention of it under --addr).
    let line = help.lines().find(|l| l.trim_start().starts_with("--phone")).unwrap_or_default();
    for want in ["手机", "扫码", "二维码", "家里自己的无线网", "公共场所"] {
        assert!(line.contains(want), "{want}: {help}");
    }
    let o = yuqi(&["serve", "--phone", "--multi-user"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("--phone") && text(&o).contains("--multi-user"), "{}", text(&o));
    let o = yuqi(&["serve", "--phone", "--addr", "127.0.0.1:8080"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("手机模式要用这台电脑在家里无线网中的地址"), "{}", text(&o));
}
