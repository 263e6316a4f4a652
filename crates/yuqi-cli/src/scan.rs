//! `yuqi scan`: the conduct analyzer over JSON lines or CSV, streaming.

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Args;
use yuqi_conduct::case::CaseContext;
use yuqi_conduct::eval::{EvalReport, evaluate};
use yuqi_conduct::{Analysis, Analyzer, Code, Hit, Message, Scratch};

#[derive(Args, Debug)]
pub(crate) struct ScanArgs {
    /// 输入文件（JSONL，每行一条 JSON 消息；或带表头的 CSV）；省略或 - 表示标准输入
    input: Option<PathBuf>,
    /// 按 CSV 读取（文件名以 .csv 结尾时自动识别）
    #[arg(long)]
    csv: bool,
    /// 同时检查整段记录中的夜间催收、频繁催收、换号、要求停止后仍联系
    #[arg(long)]
    log: bool,
    /// 结合案例文件判断：金额超过依法支持、未通知的转让、对已过时效的债务威胁起诉
    #[arg(long, value_name = "CASE.toml")]
    case: Option<PathBuf>,
    /// 以人类可读的方式在终端标出违规片段
    #[arg(long)]
    human: bool,
    /// 评估模式：读取已人工标注的文件，输出每个代码的精确率、召回率和两者的调和平均
    #[arg(long, value_name = "LABELED.jsonl")]
    eval: Option<PathBuf>,
    /// 评估结果输出为 JSON
    #[arg(long)]
    json: bool,
    /// 评估模式下，各代码调和平均的平均值低于该值时以失败退出（用于自动化测试）
    #[arg(long, value_name = "F1")]
    min_macro_f1: Option<f64>,
}

pub(crate) fn run(a: &ScanArgs) -> Result<ExitCode> {
    let analyzer = Analyzer::shared();
    if let Some(path) = &a.eval {
        return run_eval(analyzer, path, a);
    }
    let reader: Box<dyn Read> = match &a.input {
        None => Box::new(io::stdin().lock()),
        Some(p) if p.as_os_str() == "-" => Box::new(io::stdin().lock()),
        Some(p) => Box::new(File::open(p).with_context(|| format!("无法打开 {}", p.display()))?),
    };
    let csv = a.csv || a.input.as_ref().is_some_and(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")));
    let context = match &a.case {
        Some(path) => Some(case_context(path)?),
        None => None,
    };
    let stdout = io::stdout();
    let color = a.human && stdout.is_terminal();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut errors = 0usize;
    let opts = Output { human: a.human, color, context: context.as_ref() };

    if a.log || csv {
        // Whole input in memory: the log-level codes need the conversation.
        let records =
            if csv { read_csv_counting(reader, &mut errors)? } else { read_jsonl_owned(reader, &mut errors)? };
        let messages: Vec<Message<'_>> = records.iter().map(OwnedMessage::borrow).collect();
        let log_hits = if a.log { analyzer.analyze_log(&messages) } else { vec![Vec::new(); messages.len()] };
        let mut scratch = Scratch::default();
        for (m, extra) in messages.iter().zip(log_hits) {
            let mut analysis = analyzer.analyze(m, &mut scratch);
            for h in extra {
                analysis.add(h);
            }
            analysis.finish();
            emit(&mut out, m, analysis, &opts)?;
        }
    } else {
        // Streaming: one line in, one line out, constant memory.
        let mut reader = BufReader::with_capacity(1 << 16, reader);
        let mut line: Vec<u8> = Vec::new();
        let mut scratch = Scratch::default();
        let mut n = 0usize;
        loop {
            line.clear();
            if reader.read_until(b'\n', &mut line)? == 0 {
                break;
            }
            n += 1;
            let mut bytes = line.as_slice();
            while let [rest @ .., b'\n' | b'\r'] = bytes {
                bytes = rest;
            }
            if bytes.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            // from_slice validates UTF-8 while parsing: no separate pass.
            match serde_json::from_slice::<Message<'_>>(bytes) {
                Ok(m) => {
                    let analysis = analyzer.analyze(&m, &mut scratch);
                    emit(&mut out, &m, analysis, &opts)?;
                }
                Err(e) => {
                    errors += 1;
                    eprintln!("第 {n} 行不是有效的消息（需要含 text 字段的 JSON 对象）：{e}");
                }
            }
        }
    }
    out.flush()?;
    if errors > 0 {
        // Bad input, like a case-file error: exit 2 (the readable lines were still output).
        eprintln!("共有 {errors} 行无法读取，已跳过；其余各行已输出。");
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::SUCCESS)
}

struct Output<'a> {
    human: bool,
    color: bool,
    context: Option<&'a CaseContext>,
}

fn emit(out: &mut impl Write, m: &Message<'_>, mut analysis: Analysis, opts: &Output<'_>) -> io::Result<()> {
    if let Some(ctx) = opts.context {
        let date = m.parsed_time().map(|t| t.date_naive());
        for h in yuqi_conduct::case::analyze(&m.text, date, m.from.as_deref(), &analysis, ctx) {
            analysis.add(h);
        }
        analysis.finish();
    }
    if opts.human { write_human(out, m, &analysis, opts.color) } else { write_json_line(out, m, &analysis) }
}

/// Hand-written JSON output: this is the hot path of a streaming scan.
fn write_json_line(out: &mut impl Write, m: &Message<'_>, a: &Analysis) -> io::Result<()> {
    out.write_all(b"{\"id\":")?;
    match &m.id {
        Some(id) => write_json_str(out, id)?,
        None => out.write_all(b"null")?,
    }
    out.write_all(b",\"codes\":[")?;
    for (i, c) in a.codes.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        write!(out, "\"{}\"", c.as_str())?;
    }
    out.write_all(b"],\"hits\":[")?;
    for (i, h) in a.hits.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        write!(out, "{{\"code\":\"{}\",\"start\":{},\"end\":{},\"rule\":", h.code.as_str(), h.start, h.end)?;
        write_json_str(out, &h.rule)?;
        out.write_all(b",\"basis\":")?;
        write_plain_str(out, h.basis)?;
        write!(out, ",\"confidence\":{}", h.confidence)?;
        if !h.cues.is_empty() {
            out.write_all(b",\"cues\":[")?;
            for (j, c) in h.cues.iter().enumerate() {
                if j > 0 {
                    out.write_all(b",")?;
                }
                write_json_str(out, c)?;
            }
            out.write_all(b"]")?;
        }
        out.write_all(b"}")?;
    }
    out.write_all(b"]")?;
    if a.needs_confirmation {
        out.write_all(b",\"needs_confirmation\":true")?;
    }
    if a.skipped.is_some() {
        out.write_all(b",\"skipped\":\"own_message\"")?;
    }
    out.write_all(b"}\n")
}

/// A string known to need no escaping (the legal-basis labels: CJK text and
/// full-width punctuation only) is written as is; anything else falls back to
/// escaping.
fn write_plain_str(out: &mut impl Write, s: &str) -> io::Result<()> {
    if s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        return write_json_str(out, s);
    }
    out.write_all(b"\"")?;
    out.write_all(s.as_bytes())?;
    out.write_all(b"\"")
}

fn write_json_str(out: &mut impl Write, s: &str) -> io::Result<()> {
    out.write_all(b"\"")?;
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let esc: Option<&[u8]> = match b {
            b'"' => Some(b"\\\""),
            b'\\' => Some(b"\\\\"),
            b'\n' => Some(b"\\n"),
            b'\r' => Some(b"\\r"),
            b'\t' => Some(b"\\t"),
            0..=0x1f => None,
            _ => continue,
        };
        out.write_all(&bytes[start..i])?;
        match esc {
            Some(e) => out.write_all(e)?,
            None => write!(out, "\\u{:04x}", b)?,
        }
        start = i + 1;
    }
    out.write_all(&bytes[start..])?;
    out.write_all(b"\"")
}

fn write_human(out: &mut impl Write, m: &Message<'_>, a: &Analysis, color: bool) -> io::Result<()> {
    let id = m.id.as_deref().unwrap_or("-");
    let when = m.time.as_deref().unwrap_or("");
    let from = m.from.as_deref().unwrap_or("");
    writeln!(out, "── {id} {when} {from}")?;
    let chars: Vec<char> = m.text.chars().collect();
    let mut marked = String::new();
    let mut pos = 0;
    let mut spans: Vec<&Hit> = a
        .hits
        .iter()
        .filter(|h| {
            h.end > h.start
                && h.end < chars.len() + 1
                && !(h.start == 0 && h.end == chars.len() && !h.code.is_text_level())
        })
        .collect();
    spans.sort_by_key(|h| h.start);
    for h in spans {
        if h.start < pos {
            continue;
        }
        marked.extend(&chars[pos..h.start]);
        let piece: String = chars[h.start..h.end].iter().collect();
        if color {
            marked.push_str(&format!("\x1b[1;31;4m{piece}\x1b[0m"));
        } else {
            marked.push_str(&format!("【{piece}】"));
        }
        pos = h.end;
    }
    marked.extend(&chars[pos.min(chars.len())..]);
    writeln!(out, "   {marked}")?;
    if a.skipped.is_some() {
        writeln!(out, "   （你自己发出的消息，不检查）")?;
    } else if a.codes.is_empty() {
        writeln!(out, "   未发现违规用语")?;
    }
    for c in &a.codes {
        // The surest hit of the code speaks for it.
        let h = a.hits.iter().filter(|h| h.code == *c).max_by_key(|h| h.confidence);
        let sure = match h {
            Some(h) if h.is_sure() => format!("把握{}%", h.confidence),
            Some(h) => format!("可能，把握{}%，请自己核对", h.confidence),
            None => String::new(),
        };
        let cues =
            h.filter(|h| !h.cues.is_empty()).map(|h| format!("；判断线索：{}", h.cues.join("、"))).unwrap_or_default();
        writeln!(out, "   ▲ {}（{}）{}{}；依据：{}", c.label_zh(), c.as_str(), sure, cues, h.map_or("", |h| h.basis))?;
    }
    if a.needs_confirmation {
        writeln!(out, "   ？ 看起来像法院通知：请拨打 12368 或登录法院官网核实真伪")?;
    }
    Ok(())
}

/// An input record that owns its strings (CSV, or JSON read for --log).
#[derive(Debug, Default)]
pub(crate) struct OwnedMessage {
    id: Option<String>,
    text: String,
    time: Option<String>,
    from: Option<String>,
    to: Option<String>,
    channel: Option<String>,
    connected: Option<bool>,
    duration: Option<u32>,
    creditor: Option<String>,
    consent: Option<bool>,
}

impl OwnedMessage {
    /// Names the record for documents: where it came from, then its own id or line.
    pub(crate) fn label_source(&mut self, prefix: &str, line: usize) {
        self.id = Some(match &self.id {
            Some(id) => format!("{prefix} {id}"),
            None => format!("{prefix} 第 {line} 行"),
        });
    }

    pub(crate) fn from_message(m: &Message<'_>) -> OwnedMessage {
        let o = |s: &Option<Cow<'_, str>>| s.as_deref().map(str::to_string);
        OwnedMessage {
            id: o(&m.id),
            text: m.text.to_string(),
            time: o(&m.time),
            from: o(&m.from),
            to: o(&m.to),
            channel: o(&m.channel),
            connected: m.connected,
            duration: m.duration,
            creditor: o(&m.creditor),
            consent: m.consent,
        }
    }

    pub(crate) fn borrow(&self) -> Message<'_> {
        fn c(s: &Option<String>) -> Option<Cow<'_, str>> {
            s.as_deref().map(Cow::Borrowed)
        }
        Message {
            id: c(&self.id),
            text: Cow::Borrowed(&self.text),
            time: c(&self.time),
            from: c(&self.from),
            to: c(&self.to),
            channel: c(&self.channel),
            connected: self.connected,
            duration: self.duration,
            creditor: c(&self.creditor),
            consent: self.consent,
        }
    }

    pub(crate) fn into_message(self) -> Message<'static> {
        Message {
            id: self.id.map(Cow::Owned),
            text: Cow::Owned(self.text),
            time: self.time.map(Cow::Owned),
            from: self.from.map(Cow::Owned),
            to: self.to.map(Cow::Owned),
            channel: self.channel.map(Cow::Owned),
            connected: self.connected,
            duration: self.duration,
            creditor: self.creditor.map(Cow::Owned),
            consent: self.consent,
        }
    }
}

/// JSON lines into owned messages. A line that is not UTF-8 or not a message is named and
/// skipped (counted in `errors`), as the streaming path does: one bad line never costs the others.
fn read_jsonl_owned(reader: impl Read, errors: &mut usize) -> Result<Vec<OwnedMessage>> {
    let mut out = Vec::new();
    let mut reader = BufReader::with_capacity(1 << 16, reader);
    let mut bytes: Vec<u8> = Vec::new();
    let mut n = 0usize;
    loop {
        bytes.clear();
        if reader.read_until(b'\n', &mut bytes)? == 0 {
            break;
        }
        n += 1;
        let Ok(line) = std::str::from_utf8(&bytes) else {
            *errors += 1;
            eprintln!("第 {n} 行不是 UTF-8 编码的文字（可能是乱码或其他编码），已跳过");
            continue;
        };
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Message<'_>>(line) {
            Ok(m) => out.push(OwnedMessage::from_message(&m)),
            Err(e) => {
                *errors += 1;
                eprintln!("第 {n} 行不是有效的消息（需要含 text 字段的 JSON 对象）：{e}");
            }
        }
    }
    Ok(out)
}

/// [`read_csv`] for `yuqi scan`: a missing header or `text` column is bad input (exit 2).
fn read_csv_counting(reader: impl Read, errors: &mut usize) -> Result<Vec<OwnedMessage>> {
    read_csv_skipping(reader, errors).map_err(|e| anyhow::Error::new(crate::evidence_cmd::Usage(format!("{e:#}"))))
}

pub(crate) fn read_csv(reader: impl Read) -> Result<Vec<OwnedMessage>> {
    let mut errors = 0;
    let out = read_csv_skipping(reader, &mut errors)?;
    if errors > 0 {
        bail!("CSV 中有 {errors} 条记录无法读取（见上方说明）");
    }
    Ok(out)
}

/// CSV with a header into owned messages. A record that is not UTF-8 or cannot be split into
/// fields is named by its line and skipped (counted in `errors`).
fn read_csv_skipping(reader: impl Read, errors: &mut usize) -> Result<Vec<OwnedMessage>> {
    let mut r = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
    let headers = r.headers().context("CSV 缺少表头，或表头不是 UTF-8 编码")?.clone();
    let col = |name: &str| headers.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
    let Some(text_col) = col("text") else {
        bail!("CSV 表头中没有 text 列（需要：text，可选：id,time,from,to,channel,connected,duration,creditor）")
    };
    let (id, time, from, to, channel, connected, duration, creditor) = (
        col("id"),
        col("time"),
        col("from"),
        col("to"),
        col("channel"),
        col("connected"),
        col("duration"),
        col("creditor"),
    );
    let mut out = Vec::new();
    for (i, rec) in r.records().enumerate() {
        let rec = match rec {
            Ok(rec) => rec,
            Err(e) => {
                *errors += 1;
                let line = e.position().map_or(i + 2, |p| p.line() as usize);
                let why = if matches!(e.kind(), csv::ErrorKind::Utf8 { .. }) {
                    "不是 UTF-8 编码的文字（可能是乱码或其他编码）".to_string()
                } else {
                    format!("无法读取：{e}")
                };
                eprintln!("CSV 第 {line} 行{why}，已跳过");
                continue;
            }
        };
        let get =
            |c: Option<usize>| c.and_then(|c| rec.get(c)).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
        out.push(OwnedMessage {
            id: get(id),
            text: rec.get(text_col).unwrap_or("").to_string(),
            time: get(time),
            from: get(from),
            to: get(to),
            channel: get(channel),
            connected: get(connected).map(|v| matches!(v.as_str(), "1" | "true" | "yes" | "是")),
            duration: get(duration).and_then(|v| v.parse().ok()),
            creditor: get(creditor),
            consent: None,
        });
    }
    Ok(out)
}

fn case_context(path: &std::path::Path) -> Result<CaseContext> {
    // A case file with errors is bad input (exit 2), as for `yuqi audit`.
    let case = yuqi_case::parse_case_file(path).map_err(|e| crate::evidence_cmd::Usage(e.to_string()))?;
    Ok(crate::pipeline::compute(&case, &crate::pipeline::Request::default())?.conduct_context())
}

#[derive(serde::Deserialize)]
struct Labeled<'a> {
    #[serde(borrow, flatten)]
    message: Message<'a>,
    labels: Vec<String>,
}

fn run_eval(analyzer: &Analyzer, path: &std::path::Path, a: &ScanArgs) -> Result<ExitCode> {
    let bytes = std::fs::read(path).with_context(|| format!("无法读取 {}", path.display()))?;
    // A labelled file with a bad line is bad input (exit 2), refused whole with the line named:
    // figures computed over part of it would be wrong without saying so.
    let usage = |msg: String| anyhow::Error::new(crate::evidence_cmd::Usage(msg));
    let mut scratch = Scratch::default();
    let mut pairs = Vec::new();
    for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
        let line = std::str::from_utf8(line).map_err(|_| {
            usage(format!("{} 第 {} 行不是 UTF-8 编码的文字（可能是乱码或其他编码）", path.display(), i + 1))
        })?;
        if line.trim().is_empty() {
            continue;
        }
        let l: Labeled<'_> = serde_json::from_str(line)
            .map_err(|e| usage(format!("{} 第 {} 行不是有效的标注消息：{e}", path.display(), i + 1)))?;
        let mut expected = Vec::new();
        for label in &l.labels {
            if label == "lawful" {
                continue;
            }
            match Code::parse(label) {
                Some(c) => expected.push(c),
                None => return Err(usage(format!("{} 第 {} 行：未知标签 {label}", path.display(), i + 1))),
            }
        }
        pairs.push((expected, analyzer.analyze(&l.message, &mut scratch).codes));
    }
    let report = evaluate(pairs);
    let mut out = io::stdout().lock();
    if a.json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else {
        print_eval(&mut out, &report)?;
    }
    if let Some(min) = a.min_macro_f1
        && report.macro_f1 < min
    {
        eprintln!("宏平均 F1 {:.4} 低于要求的 {min:.4}", report.macro_f1);
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

fn print_eval(out: &mut impl Write, r: &EvalReport) -> io::Result<()> {
    writeln!(out, "消息 {} 条，其中合法 {} 条", r.messages, r.lawful_messages)?;
    writeln!(
        out,
        "{:<26} {:>6} {:>4} {:>4} {:>4} {:>9} {:>7} {:>7}",
        "代码", "样本", "TP", "FP", "FN", "精确率", "召回率", "F1"
    )?;
    for m in &r.per_code {
        writeln!(
            out,
            "{:<26} {:>6} {:>4} {:>4} {:>4} {:>9.3} {:>7.3} {:>7.3}",
            m.code.as_str(),
            m.support,
            m.true_positives,
            m.false_positives,
            m.false_negatives,
            m.precision,
            m.recall,
            m.f1
        )?;
    }
    writeln!(out, "微平均：精确率 {:.3}，召回率 {:.3}，F1 {:.3}", r.micro_precision, r.micro_recall, r.micro_f1)?;
    writeln!(out, "宏平均 F1：{:.4}", r.macro_f1)?;
    writeln!(out, "合法消息被误报的比例：{:.3}", r.lawful_false_positive_rate)?;
    writeln!(out, "整条完全正确的比例：{:.3}", r.exact_match)
}
