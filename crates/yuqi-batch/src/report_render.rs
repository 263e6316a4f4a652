//! The report for people: Markdown and a self-contained HTML page with SVG charts.
//! Every group name comes from the input and is escaped before it is written.

use chrono::Datelike;
use std::fmt::Write as _;

use yuqi_conduct::Code;
use yuqi_conduct::code::basis;
use yuqi_util::escape_markup;

use crate::build_id::BuildInfo;
use crate::provenance::{AnalyzerInfo, HeldOut};
pub use crate::report::MIN_RANKED_MESSAGES;
use crate::report::{DIMENSIONS, DimensionSummary, Report, ReportRow, TOP, per_1000, report_codes};

/// Markdown table cells: no pipes, no line breaks, no raw HTML.
fn md(s: &str) -> String {
    escape_markup(s).replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// A total of [`crate::report::Counts`] (unsigned) as the signed count [`per_1000`] takes: the
/// report has one per-1,000 formula, for its rows and its totals alike.
fn signed(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn display_key(k: &str) -> String {
    if k.is_empty() { "（未填写）".to_string() } else { k.to_string() }
}

/// A dimension's summary (empty when the report has no such dimension).
fn summary<'a>(report: &'a Report, dimension: &str) -> std::borrow::Cow<'a, DimensionSummary> {
    match report.groups.get(dimension) {
        Some(d) => std::borrow::Cow::Borrowed(d),
        None => std::borrow::Cow::Owned(DimensionSummary::default()),
    }
}

fn top_codes(r: &ReportRow) -> String {
    let codes = report_codes();
    let mut v: Vec<(Code, i64)> = codes.iter().copied().zip(r.codes.iter().copied()).filter(|(_, n)| *n > 0).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v.iter().take(3).map(|(c, n)| format!("{} {:.1}‰", c.label_zh(), r.per_1000(*n))).collect::<Vec<_>>().join("、")
}

/// A horizontal bar chart.
fn bars(title: &str, unit: &str, items: &[(String, f64)]) -> String {
    let row_h = 26.0;
    let label_w = 230.0;
    let bar_w = 380.0;
    let width = label_w + bar_w + 90.0;
    let height = 40.0 + row_h * items.len().max(1) as f64 + 10.0;
    let max = items.iter().map(|(_, v)| *v).fold(0.0_f64, f64::max).max(1e-9);
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-label="{t}" font-family="Noto Sans CJK SC, Noto Sans SC, Microsoft YaHei, sans-serif" font-size="13">"#,
        t = escape_markup(title)
    );
    let _ = write!(
        s,
        r##"<text x="0" y="20" font-size="15" font-weight="bold" fill="#222">{}</text>"##,
        escape_markup(title)
    );
    if items.is_empty() {
        let _ = write!(s, r##"<text x="0" y="56" fill="#666">（没有数据）</text>"##);
    }
    for (i, (label, v)) in items.iter().enumerate() {
        let y = 40.0 + row_h * i as f64;
        let w = (v / max * bar_w).max(if *v > 0.0 { 1.0 } else { 0.0 });
        let short: String =
            if label.chars().count() > 16 { label.chars().take(15).chain(['…']).collect() } else { label.clone() };
        let _ = write!(
            s,
            r##"<text x="{lx}" y="{ty}" text-anchor="end" fill="#222">{l}</text><rect x="{bx}" y="{y}" width="{w:.1}" height="{h}" fill="#b3261e"/><text x="{vx:.1}" y="{ty}" fill="#444">{v:.1}{u}</text>"##,
            lx = label_w - 8.0,
            ty = y + 15.0,
            l = escape_markup(&short),
            bx = label_w,
            h = row_h - 8.0,
            vx = label_w + w + 6.0,
            u = escape_markup(unit),
        );
    }
    s.push_str("</svg>");
    s
}

/// The chart files: (file name, SVG text).
pub fn charts(report: &Report) -> Vec<(String, String)> {
    let c = &report.counts;
    let codes: Vec<(String, f64)> = report_codes()
        .iter()
        .zip(&c.by_code)
        .map(|(code, (_, n))| (code.label_zh().to_string(), per_1000(signed(*n), signed(c.contacts))))
        .collect();
    let mut out = vec![("chart-codes.svg".to_string(), bars("各类问题：每千条催收消息中的条数", "‰", &codes))];
    for (dim, _, zh) in DIMENSIONS {
        let items: Vec<(String, f64)> =
            summary(report, dim).worst.iter().map(|r| (display_key(&r.key), r.per_1000(r.flagged))).collect();
        let which = if items.len() < TOP { format!("全部 {} 个", items.len()) } else { format!("前 {TOP} 个") };
        out.push((format!("chart-{dim}.svg"), bars(&format!("{zh}：有问题消息每千条（{which}）"), "‰", &items)));
    }
    out
}

struct ParamLine {
    label: String,
    value: String,
    from: String,
    source: String,
}

fn params() -> Vec<ParamLine> {
    let law = yuqi_law::law();
    let mut out = Vec::new();
    for id in [
        "conduct.night_start_hour",
        "conduct.night_end_hour",
        "conduct.max_connected_calls_per_day",
        "conduct.max_attempts_per_number_per_day",
        "conduct.rotation_numbers",
        "conduct.rotation_window_days",
    ] {
        for p in law.param_history(id).unwrap_or_default() {
            out.push(ParamLine {
                label: p.label.to_string(),
                value: p.value.to_string(),
                // The law data dates a parameter with no known start at 1900-01-01.
                from: if p.from.year() <= 1900 { "不限".to_string() } else { p.from.to_string() },
                source: format!("{}（{}）", p.citation.label(), p.citation.confidence.label_zh()),
            });
        }
    }
    out
}

/// One row per group, the first [`TOP`]: its counts, rates and most frequent problems.
fn group_table(name: &str, rows: &[ReportRow]) -> Table {
    Table {
        header: [
            name,
            "催收消息",
            "债务人",
            "有问题（每千条）",
            "夜间（每千条）",
            "超频（人·天）",
            "待核实法院通知",
            "最多的问题",
        ]
        .map(String::from)
        .to_vec(),
        numeric: vec![false, true, true, true, true, true, true, false],
        rows: rows
            .iter()
            .take(TOP)
            .map(|r| {
                vec![
                    display_key(&r.key),
                    r.messages.to_string(),
                    r.debtors.to_string(),
                    format!("{} ({:.1})", r.flagged, r.per_1000(r.flagged)),
                    format!("{:.1}", r.code_per_1000(Code::NightContact)),
                    r.frequency_breach_days.to_string(),
                    r.held_for_confirmation.to_string(),
                    top_codes(r),
                ]
            })
            .collect(),
    }
}

/// What the run covered, for the "范围" section: (label, value) pairs.
fn scope(report: &Report) -> Vec<(String, String)> {
    let c = &report.counts;
    let i = &report.input;
    let mut v = vec![
        ("运行环境".to_string(), report.engine.clone()),
        ("软件".to_string(), build_line(&report.build)),
        ("用时".to_string(), format!("{:.1} 秒（从开始读取输入到汇总完成，不含写报告本身）", report.wall_seconds)),
        ("分析器".to_string(), analyzer_line(&report.analyzer)),
        ("分析器的准确度".to_string(), held_out_line(&report.analyzer.held_out)),
        ("输入".to_string(), format!("{}（{}，{} 个文件）", i.path.display(), i.format, i.files)),
        (
            "输入的 SHA-256".to_string(),
            format!(
                "{}（{} 字节，{} 行；{}）",
                i.digest.sha256,
                i.digest.bytes,
                i.rows,
                if i.digest.files.len() == 1 && i.path.is_file() {
                    "即 sha256sum 对该文件的结果".to_string()
                } else {
                    format!(
                        "{} 个文件各自的 SHA-256 按文件名排序后再取 SHA-256，逐个文件的值见 summary.json",
                        i.digest.files.len()
                    )
                }
            ),
        ),
        (
            "时间范围".to_string(),
            match (&c.first_day, &c.last_day) {
                (Some(a), Some(b)) => format!("{a} 至 {b}（北京时间）"),
                _ => "（没有可识别的时间）".to_string(),
            },
        ),
    ];
    if !i.missing_optional.is_empty() {
        v.push((
            "缺少的列".to_string(),
            format!(
                "{}：按空值处理（缺少 time 时不判断夜间和频次；缺少 creditor 时频次按号码计算；JSON 中前 10,000 行未出现的列也列在这里）",
                i.missing_optional.join("、")
            ),
        ));
    }
    if c.no_debtor > 0 {
        v.push(("没有债务人的记录".to_string(), format!("{} 条，合并视为同一名未具名债务人", c.no_debtor)));
    }
    v.push((
        "待核实的法院通知".to_string(),
        format!(
            "{} 条催收消息看起来像真实的法院通知：分析器没有因为法院通知的内容给它们标“伪造法律文书”等问题，而是留待向法院（12368）核实，在这里单独计数；若同一条消息另有夜间、频次、换号等按时间和号码判断的问题，它仍计入“有问题”的条数",
            c.held_for_confirmation
        ),
    ));
    if c.unreadable_time > 0 {
        v.push(("时间无法识别".to_string(), format!("{} 条：只做了文本检查，但计入比例的分母", c.unreadable_time)));
    }
    if c.before_standard > 0 {
        v.push((
            "标准生效前".to_string(),
            format!("{} 条催收消息的夜间或频次命中发生在相应标准生效之前：只在逐条明细（messages/）中标出，不计入本报告的条数和比例", c.before_standard),
        ));
    }
    v
}

fn build_line(b: &BuildInfo) -> String {
    match (&b.build_id, &b.executable_sha256) {
        (Some(id), _) => format!(
            "{} {}，程序的构建标识（build ID）{id}（链接时写进程序文件，可用 readelf -n 或 file 命令核对；源代码、编译器或编译选项不同的程序，构建标识也不同）",
            b.name, b.version
        ),
        (None, Some(sha)) => format!(
            "{} {}，程序文件的 SHA-256 {sha}（{} 字节；这个程序文件没有构建标识，所以运行时读取整个文件算出。同一个程序文件得到同一个值）",
            b.name, b.version, b.executable_bytes
        ),
        (None, None) => format!(
            "{} {}（程序文件无法读取：{}，所以没有它的构建标识）",
            b.name,
            b.version,
            b.unreadable.as_deref().unwrap_or("原因不明")
        ),
    }
}

fn analyzer_line(a: &AnalyzerInfo) -> String {
    format!(
        "{} {}，规则 {} 条，模型特征 {} 个；规则和模型文件的指纹（SHA-256）{}。两份报告的指纹相同，说明用的是同一套规则和模型",
        a.name, a.version, a.rules, a.model_features, a.fingerprint
    )
}

fn held_out_line(h: &HeldOut) -> String {
    format!(
        "在 {} 条从未用于编写规则或训练模型的真实消息（冻结测试集）上：宏平均 F1 {:.3}（95% 区间 {:.3}–{:.3}），微平均 F1 {:.3}，合法消息误报 {}/{}（{:.1}%）。F1 在 0 到 1 之间，越接近 1 越好；这个数字说明分析器会漏掉不少真实的违规说法，标出的也有一部分不对，所以报告的条数是“分析器标出的”而不是“实际发生的”。夜间、频次这类按时间和次数判断的规则不在这个数字里，它们按参数逐条计算。出处：{}",
        h.messages,
        h.macro_f1,
        h.macro_f1_low,
        h.macro_f1_high,
        h.micro_f1,
        h.lawful_flagged,
        h.lawful_messages,
        f64::from(h.lawful_flagged) * 100.0 / f64::from(h.lawful_messages.max(1)),
        h.source_zh
    )
}

const BASIS_HEADER: &str = "可能涉及的规定（需人工核实）";

const CAVEATS: [&str; 13] = [
    "这是自动识别的结果，不是法律认定，也不是律师意见。“有问题”指分析器标出了至少一项可能违规的内容；每一条命中都附有原文位置和触发规则（messages/ 中的 hits 列），应当人工复核原文。",
    "分析器的准确度见上方“分析器的准确度”（真实消息的冻结测试集）：它会漏掉很多没见过的说法，也会误报少数合法消息；条数和比例应当理解为“标出的”而非“实际发生的”，不能当作违规的实际数量。",
    "夜间 22:00–8:00 和每日接通不超过 3 次来自推荐性国家标准 GB/T 45251-2025《互联网金融 个人网络消费信贷 贷后催收风控指引》（适用于个人网络消费信贷），每日每号码呼叫不超过 6 次来自中国银行业协会《金融机构个人消费类贷款催收工作指引（试行）》（银行、消费类贷款）；它们是标准和行业自律规范，不是对所有债权人都有强制力的法律，出处和可信度见下方“适用的参数及出处”。",
    "“频繁换号”是根据号码数量作出的推断，“要求停止后仍联系”依据债务人本人发出的消息判断（只认出常见的说法，且只管发往或来自同一债权人或号码的联系），二者都需要结合原文和通话记录核实。",
    "同一债务人的记录按（时间，编号）排序；时间完全相同的记录按编号先后计数。",
    "每千条 = 带有该代码的催收消息数 × 1000 ÷ 该组的催收消息数（一条消息可带多个代码）；比例用二进制浮点数计算，显示时保留一位小数。条数是精确整数。",
    "“超频（人·天）”是该分组中至少有一次超出当日频次上限的（债务人，日期）对数；同一天的超频可能涉及多个发送号码，所以按号码相加会多于按债权人或催收机构相加。",
    "债务人本人发出的消息不计入比例，只用于判断“要求停止后仍联系”。",
    "催收消息包括电话：接通的电话和未接通的呼叫没有文字，只会有夜间、频次、换号等按时间和号码判断的问题，但也计入各类比例的分母。",
    "夜间和频次按北京时间的日历日、按当日有效的参数计算；频次按债务人、债权人（未填写债权人时按发送号码）统计，接通的电话和未接通的呼叫分开计数。时间无法识别的消息只做文本检查。",
    "法院、律师函等内容看起来像真实通知时，分析器不标记“伪造法律文书”，而是留待向法院（12368）核实；这类消息在报告中不带该代码，条数单独列在“待核实的法院通知”。",
    "消息数少于 100 条的组不参与比例排名（比例不稳定），但列入“有问题条数最多”的表；全部分组的数字都在 report.parquet 中。",
    "超频记在发出超限那一次联系的号码和催收机构名下。",
];

/// A table of plain-text cells; each renderer escapes for its format.
struct Table {
    header: Vec<String>,
    /// Right-aligned (numeric) columns.
    numeric: Vec<bool>,
    rows: Vec<Vec<String>>,
}

/// One section of the report, in the order both formats print them.
struct Section {
    title: String,
    /// Paragraphs before the chart and the table.
    lead: Vec<String>,
    chart: Option<String>,
    table: Option<Table>,
    bullets: Vec<String>,
}

const TITLE: &str = "催收合规批量审查报告";

/// The report's content, once, for both formats.
fn sections(report: &Report) -> Vec<Section> {
    let c = &report.counts;
    let mut scope_lines: Vec<String> = scope(report).into_iter().map(|(k, v)| format!("{k}：{v}")).collect();
    scope_lines.push(format!(
        "记录：{} 条（催收方 {} 条，债务人本人 {} 条），涉及 {} 名债务人",
        c.rows,
        c.contacts,
        c.rows - c.contacts,
        c.debtors
    ));
    let other = c.contacts.saturating_sub(c.texted + c.calls_without_text);
    scope_lines.push(format!(
        "催收消息按有无文字：有文字的 {} 条（短信、聊天、转写的通话等）；没有文字的电话 {} 条（接通的电话和未接通的呼叫，只可能有夜间、频次、频繁换号、要求停止后仍联系这些按时间和号码判断的问题）{}",
        c.texted,
        c.calls_without_text,
        if other > 0 { format!("；没有文字的其他记录 {other} 条") } else { String::new() }
    ));
    scope_lines.push(format!(
        "有问题的催收消息：{} 条，每千条 {:.1}（分母是全部催收消息，包括没有文字的电话；下文各表的比例都用这个分母）",
        c.flagged,
        per_1000(signed(c.flagged), signed(c.contacts))
    ));
    scope_lines.push(format!(
        "只看有文字的催收消息：有问题 {} 条，每千条 {:.1}（按文字判断的问题只可能出现在有文字的消息中）",
        c.flagged_texted,
        per_1000(signed(c.flagged_texted), signed(c.texted))
    ));
    scope_lines.push(format!(
        "超频（人·天）合计 {} 个：即各债权人的超频（债务人，日期）对数之和（频次上限按债权人计算）。按催收机构相加为 {} 个，按发送号码相加为 {} 个：同一债务人同一天的超限联系若来自几个号码，在每个号码下各计一次，所以按号码相加一般多于合计",
        report.breach_days("creditor"),
        report.breach_days("agency"),
        report.breach_days("sender")
    ));
    let mut out =
        vec![Section { title: String::new(), lead: Vec::new(), chart: None, table: None, bullets: scope_lines }];

    let codes = Table {
        header: ["问题", "条数", "每千条", BASIS_HEADER].map(String::from).to_vec(),
        numeric: vec![false, true, true, false],
        rows: report_codes()
            .iter()
            .zip(&c.by_code)
            .map(|(code, (_, n))| {
                vec![
                    code.label_zh().to_string(),
                    n.to_string(),
                    format!("{:.1}", per_1000(signed(*n), signed(c.contacts))),
                    basis(*code).to_string(),
                ]
            })
            .collect(),
    };
    out.push(Section {
        title: "各类问题".into(),
        lead: Vec::new(),
        chart: Some("chart-codes.svg".into()),
        table: Some(codes),
        bullets: Vec::new(),
    });

    for (dim, _, zh) in DIMENSIONS {
        let d = summary(report, dim);
        let rows = &d.worst;
        out.push(Section {
            title: if d.ranked < TOP as u64 {
                format!("按{zh}（参与排名的全部 {} 个，按有问题比例排列）", d.ranked)
            } else {
                format!("按{zh}（有问题比例最高的 {TOP} 个）")
            },
            lead: vec![format!(
                "参与排名 {} 个（消息数不少于 {MIN_RANKED_MESSAGES} 条，比例才比较稳定），它们的消息占全部催收消息的 {:.1}%；未参与排名 {} 个，见下一节。",
                d.ranked,
                if d.messages == 0 { 0.0 } else { d.ranked_messages as f64 * 100.0 / d.messages as f64 },
                d.groups - d.ranked
            )],
            chart: Some(format!("chart-{dim}.svg")),
            table: Some(group_table(zh, rows)),
            bullets: Vec::new(),
        });
        // Ranking by rate leaves out small groups, and a number used for a hundred messages or
        // fewer can still be among the worst: the largest counts, whatever the group's size.
        let most = &summary(report, dim).most_flagged;
        out.push(Section {
            title: format!("按{zh}：有问题条数最多的 {} 个（不限消息数）", most.len().min(TOP)),
            lead: vec!["消息数少的分组比例不稳定，这里按有问题的条数排列，供逐一核查。".to_string()],
            chart: None,
            table: Some(group_table(zh, most)),
            bullets: Vec::new(),
        });
    }

    let params = Table {
        header: ["参数", "值", "起始日期", "出处"].map(String::from).to_vec(),
        numeric: vec![false, true, false, false],
        rows: params().into_iter().map(|p| vec![p.label, p.value, p.from, p.source]).collect(),
    };
    out.push(Section {
        title: "适用的参数及出处".into(),
        lead: Vec::new(),
        chart: None,
        table: Some(params),
        bullets: Vec::new(),
    });
    let mut notes: Vec<String> = CAVEATS.iter().map(|s| s.to_string()).collect();
    notes.push(
        "完整数据：report.parquet（全部分组）、messages/（每条消息的代码与命中位置）、summary.json（运行统计）。"
            .into(),
    );
    out.push(Section { title: "说明".into(), lead: Vec::new(), chart: None, table: None, bullets: notes });
    out
}

pub fn markdown(report: &Report, charts: &[(String, String)]) -> String {
    let mut s = format!("# {TITLE}\n");
    for sec in sections(report) {
        if !sec.title.is_empty() {
            let _ = write!(s, "\n## {}\n", md(&sec.title));
        }
        for p in &sec.lead {
            let _ = write!(s, "\n{}\n", md(p));
        }
        if let Some(name) = sec.chart.filter(|n| charts.iter().any(|(c, _)| c == n)) {
            let _ = write!(s, "\n![{}]({name})\n", md(&sec.title));
        }
        if let Some(t) = &sec.table {
            let cells = |row: &[String]| row.iter().map(|c| md(c)).collect::<Vec<_>>().join(" | ");
            let align: Vec<&str> = t.numeric.iter().map(|n| if *n { "---:" } else { "---" }).collect();
            let _ = write!(s, "\n| {} |\n|{}|\n", cells(&t.header), align.join("|"));
            for r in &t.rows {
                let _ = writeln!(s, "| {} |", cells(r));
            }
        }
        if !sec.bullets.is_empty() {
            s.push('\n');
            for b in &sec.bullets {
                let _ = writeln!(s, "- {}", md(b));
            }
        }
    }
    s
}

pub fn html(report: &Report, charts: &[(String, String)]) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{TITLE}</title><style>\
         body{{font-family:'Noto Sans CJK SC','Noto Sans SC','Microsoft YaHei',sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222;line-height:1.6}}\
         table{{border-collapse:collapse;width:100%;margin:1em 0;font-size:14px}}th,td{{border:1px solid #ccc;padding:4px 8px;text-align:left}}\
         td.n{{text-align:right;font-variant-numeric:tabular-nums}}th{{background:#f3f3f3}}.chart{{overflow-x:auto}}\
         </style></head><body><h1>{TITLE}</h1>"
    );
    for sec in sections(report) {
        if !sec.title.is_empty() {
            let _ = write!(s, "<h2>{}</h2>", escape_markup(&sec.title));
        }
        for p in &sec.lead {
            let _ = write!(s, "<p>{}</p>", escape_markup(p));
        }
        // The SVG is ours, built with every label escaped.
        if let Some((_, svg)) = sec.chart.and_then(|n| charts.iter().find(|(c, _)| *c == n)) {
            let _ = write!(s, "<div class=\"chart\">{svg}</div>");
        }
        if let Some(t) = &sec.table {
            s.push_str("<table><tr>");
            for h in &t.header {
                let _ = write!(s, "<th>{}</th>", escape_markup(h));
            }
            s.push_str("</tr>");
            for r in &t.rows {
                s.push_str("<tr>");
                for (cell, numeric) in r.iter().zip(&t.numeric) {
                    let class = if *numeric { " class=\"n\"" } else { "" };
                    let _ = write!(s, "<td{class}>{}</td>", escape_markup(cell));
                }
                s.push_str("</tr>");
            }
            s.push_str("</table>");
        }
        if !sec.bullets.is_empty() {
            s.push_str("<ul>");
            for b in &sec.bullets {
                let _ = write!(s, "<li>{}</li>", escape_markup(b));
            }
            s.push_str("</ul>");
        }
    }
    s.push_str("</body></html>\n");
    s
}
