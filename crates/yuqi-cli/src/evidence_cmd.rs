//! `yuqi evidence …`: the evidence store of a case (import, list, verify, export, proposals).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use chrono::FixedOffset;
use clap::Subcommand;
use indicatif::{ProgressBar, ProgressStyle};
use yuqi_evidence::import::{Format, OnBad, csvfmt::ColumnMap};
use yuqi_store::{ExportOptions, ImportOptions, SigCheck, Store, TsaConfig};

/// Exit code when verification finds a problem (distinct from 1 = could not run, 2 = bad input).
pub(crate) const EXIT_TAMPERED: u8 = 3;

/// A mistake in what the user asked for: exit code 2, like other bad input.
#[derive(Debug)]
pub(crate) struct Usage(pub(crate) String);

impl std::fmt::Display for Usage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Usage {}

macro_rules! usage {
    ($($t:tt)*) => { return Err(Usage(format!($($t)*)).into()) };
}

/// Quotes a shell argument when it needs it, so a printed command can be pasted as is.
fn shell_arg(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || "@._-/+:".contains(c)) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// "恐吓/软暴力（intimidation）" for a conduct code.
fn code_label(code: &str) -> String {
    match yuqi_conduct::Code::parse(code) {
        Some(c) => format!("{}（{code}）", c.label_zh()),
        None => code.to_string(),
    }
}

#[derive(clap::Args, Debug, Clone)]
pub(crate) struct StoreArgs {
    /// 证据库目录（默认：环境变量 YUQI_STORE，否则当前目录下的 yuqi-evidence）
    #[arg(long, value_name = "DIR")]
    pub(crate) store: Option<PathBuf>,
    /// 从该文件读取加密证据库的口令（也可用环境变量 YUQI_PASSPHRASE）
    #[arg(long, value_name = "FILE")]
    pub(crate) passphrase_file: Option<PathBuf>,
}

impl StoreArgs {
    pub(crate) fn dir(&self) -> PathBuf {
        self.store
            .clone()
            .or_else(|| std::env::var_os("YUQI_STORE").map(PathBuf::from))
            .unwrap_or_else(|| PathBuf::from("yuqi-evidence"))
    }

    pub(crate) fn passphrase(&self) -> Result<Option<String>> {
        if let Some(f) = &self.passphrase_file {
            let p = std::fs::read_to_string(f).with_context(|| format!("无法读取口令文件 {}", f.display()))?;
            return Ok(Some(p.trim_end_matches(['\n', '\r']).to_string()));
        }
        Ok(std::env::var("YUQI_PASSPHRASE").ok().filter(|p| !p.is_empty()))
    }

    pub(crate) fn open(&self) -> Result<Store> {
        let dir = self.dir();
        Ok(Store::open(&dir, self.passphrase()?.as_deref())?)
    }
}

/// The trusted-time settings (RFC 3161). Off unless an address is given: no network otherwise.
#[derive(clap::Args, Debug, Clone)]
pub(crate) struct TsaArgs {
    /// 时间戳服务机构的地址：导入新记录后请它为哈希链末条盖可信时间戳，例如 http://timestamp.digicert.com（也可用环境变量 YUQI_TSA；不设置则不联网）
    #[arg(long, value_name = "时间戳服务地址")]
    tsa: Option<String>,
    /// 时间戳服务机构的根证书（.pem 文件）：与时间戳一起保存，核验时作为信任锚（也可用环境变量 YUQI_TSA_CA）
    #[arg(long, value_name = "根证书.pem")]
    tsa_ca: Option<PathBuf>,
}

/// The CA certificates given by `--tsa-ca` or `YUQI_TSA_CA`.
fn tsa_ca(flag: Option<&PathBuf>) -> Result<Option<Vec<u8>>> {
    let path = flag.cloned().or_else(|| std::env::var_os("YUQI_TSA_CA").filter(|v| !v.is_empty()).map(PathBuf::from));
    match path {
        Some(p) => {
            let pem = std::fs::read(&p).with_context(|| format!("无法读取时间戳机构的根证书 {}", p.display()))?;
            if !String::from_utf8_lossy(&pem).contains("-----BEGIN CERTIFICATE-----") {
                return Err(
                    Usage(format!("{} 不是 .pem 格式的证书（应含 -----BEGIN CERTIFICATE-----）", p.display())).into()
                );
            }
            Ok(Some(pem))
        }
        None => Ok(None),
    }
}

impl TsaArgs {
    /// The authority to ask, if the user asked for one.
    fn config(&self) -> Result<Option<TsaConfig>> {
        let url = self.tsa.clone().or_else(|| std::env::var("YUQI_TSA").ok()).filter(|u| !u.trim().is_empty());
        match url {
            Some(url) => Ok(Some(TsaConfig { url: url.trim().to_string(), ca_pem: tsa_ca(self.tsa_ca.as_ref())? })),
            None => Ok(None),
        }
    }
}

/// Asks for a timestamp over the head after an import. A failure never undoes the import: it is
/// a warning with what to do next.
fn stamp_after_import(out: &mut impl Write, st: &Store, cfg: &TsaConfig, quiet: bool) -> Result<()> {
    match st.timestamp_head(cfg) {
        Ok(Some(r)) if !quiet => writeln!(
            out,
            "  已取得可信时间戳：第 {} 条链头最晚在 {}已经存在（由 {} 签名）",
            r.head_seq, r.gen_time, r.tsa
        )?,
        Ok(_) => {}
        Err(e) => eprintln!(
            "注意：证据已导入并保存，但未能取得可信时间戳：{e}。稍后可运行 yuqi evidence timestamp --tsa 地址 补做。"
        ),
    }
    Ok(())
}

#[derive(Subcommand, Debug)]
pub(crate) enum EvidenceCommand {
    /// 新建证据库（可选加密）
    Init {
        #[command(flatten)]
        store: StoreArgs,
        /// 案件名称，写入证据目录
        #[arg(long, default_value = "我的证据")]
        title: String,
        /// 用口令加密（口令来自 --passphrase-file 或 YUQI_PASSPHRASE）
        #[arg(long)]
        encrypt: bool,
    },
    /// 导入手机导出文件或普通文件（图片、录音、PDF）
    Import {
        #[command(flatten)]
        store: StoreArgs,
        /// 要导入的文件；留痕导出的聊天记录也可以直接给它的文件夹（图片、语音等随之保存）
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// 格式：sms-xml、calls-xml、calllog-csv、wechat-csv、wechat-txt、imessage-txt、wechatmsg-json、wechatmsg-html、wechatmsg-zip、imazing-csv、smsie-zip、smsie-json、android-db、miui-bak、android-ab、generic-csv、file（默认自动识别；粘贴的文字请用 yuqi evidence paste）
        #[arg(long)]
        format: Option<String>,
        /// 通用 CSV 的列映射，例如 time=发送时间,from=对方号码,text=内容,direction=方向
        #[arg(long)]
        columns: Option<String>,
        /// 遇到无法读取的记录：refuse（默认，整个文件不导入）或 skip（报告位置并跳过）
        #[arg(long, default_value = "refuse")]
        on_bad: String,
        /// 您自己的微信昵称或 wxid（微信导出没有“我发送”标记时用于判断方向；可多次指定）
        #[arg(long = "me")]
        me: Vec<String>,
        /// 没有时区的时间按此时区理解（默认 +08:00）
        #[arg(long, default_value = "+08:00")]
        zone: String,
        #[command(flatten)]
        tsa: TsaArgs,
        /// 输出 JSON
        #[arg(long)]
        json: bool,
    },
    /// 请时间戳服务机构为当前的哈希链末条盖可信时间戳（导入时未能取得时补做）
    Timestamp {
        #[command(flatten)]
        store: StoreArgs,
        #[command(flatten)]
        tsa: TsaArgs,
    },
    /// 保存粘贴的催收短信或聊天文字（一条或多条；每条消息单独保存，粘贴的原文整体保存）
    Paste {
        #[command(flatten)]
        store: StoreArgs,
        /// 存有粘贴文字的文件（不写则从标准输入读取）
        file: Option<PathBuf>,
        /// 没有时区的时间按此时区理解（默认 +08:00）
        #[arg(long, default_value = "+08:00")]
        zone: String,
        #[command(flatten)]
        tsa: TsaArgs,
        /// 输出 JSON
        #[arg(long)]
        json: bool,
    },
    /// 列出证据（可按违规代码、号码筛选）
    List {
        #[command(flatten)]
        store: StoreArgs,
        /// 只列出含该违规代码的消息（代码表见 docs/conduct.md）
        #[arg(long)]
        code: Option<String>,
        /// 只列出与该号码的往来（+86、空格、横线不影响匹配）
        #[arg(long)]
        sender: Option<String>,
        /// 最多显示多少条
        #[arg(long, default_value_t = 200)]
        limit: usize,
        /// 输出 JSON
        #[arg(long)]
        json: bool,
    },
    /// 对一条消息的某类问题作判断（确认有、没有，或撤回之前的判断）；判断记入哈希链，信函按它取舍
    Judge {
        #[command(flatten)]
        store: StoreArgs,
        /// 消息的编号（yuqi evidence list 每行开头 # 后面的数字）
        #[arg(value_name = "编号")]
        seq: u64,
        /// 问题类型的代码（yuqi evidence list 方括号里括号中的代码；代码表见 docs/conduct.md）
        #[arg(value_name = "问题类型")]
        code: String,
        /// 确认（这条消息有这个问题）、否认（没有）或撤回（按系统原来的判断）
        #[arg(value_name = "判断")]
        verdict: String,
    },
    /// 重新计算全部哈希和哈希链，指出被改动的条目
    Verify {
        #[command(flatten)]
        store: StoreArgs,
        /// 之前记下的哈希链末条：核对它仍在链中（证明它之前的记录没有被改动或删除）
        #[arg(long, value_name = "HASH")]
        expect_head: Option<String>,
        /// 用这个根证书（.pem 文件）核验可信时间戳，而不是导入时保存的（也可用环境变量 YUQI_TSA_CA）
        #[arg(long, value_name = "根证书.pem")]
        tsa_ca: Option<PathBuf>,
        /// 输出 JSON
        #[arg(long)]
        json: bool,
    },
    /// 导出证据包（zip：原件、清单、哈希链、证据目录、核验说明）
    Export {
        #[command(flatten)]
        store: StoreArgs,
        /// 证据包写到哪个文件
        #[arg(long, value_name = "FILE.zip")]
        out: PathBuf,
        /// 隐去第三方（催收方以外）的电话号码
        #[arg(long)]
        redact: bool,
        /// 不生成 PDF 版证据目录（本机没有中文字体时）
        #[arg(long)]
        no_pdf: bool,
        /// 输出 JSON
        #[arg(long)]
        json: bool,
    },
    /// 核验证据包
    VerifyPackage {
        /// 证据包文件（.zip）
        package: PathBuf,
        /// 另行保存的哈希链末条：核对它在证据包的链中（只有它能发现整条链被重算或末尾被截去）
        #[arg(long, value_name = "HASH")]
        expect_head: Option<String>,
        /// 用这个根证书（.pem 文件）核验可信时间戳，而不是证据包中附带的（也可用环境变量 YUQI_TSA_CA）
        #[arg(long, value_name = "根证书.pem")]
        tsa_ca: Option<PathBuf>,
        /// 输出 JSON
        #[arg(long)]
        json: bool,
    },
    /// 从导入的催收消息生成待确认的时间线事件（催收送达会中断诉讼时效）
    Propose {
        #[command(flatten)]
        store: StoreArgs,
        /// 输出 JSON
        #[arg(long)]
        json: bool,
    },
    /// 确认一条提议，归入某笔借款的时间线
    Confirm {
        #[command(flatten)]
        store: StoreArgs,
        /// 提议编号（yuqi evidence propose 显示）
        id: String,
        /// 借款编号（案例文件中该笔借款的 id）
        #[arg(long)]
        debt: String,
        /// 案例文件：给出时先检查借款编号是否存在（确认后不能撤回，建议给出）
        #[arg(long, value_name = "CASE.toml")]
        case: Option<PathBuf>,
        /// 备注，写入时间线
        #[arg(long, default_value = "")]
        note: String,
    },
    /// 删除整个证据库（唯一会打破“只追加”的操作；会在上级目录的 yuqi-deletions.log 留下记录）
    DeleteCase {
        #[command(flatten)]
        store: StoreArgs,
        /// 确认删除
        #[arg(long)]
        yes: bool,
        /// 删除原因，写入删除记录
        #[arg(long, default_value = "用户要求删除")]
        reason: String,
    },
}

fn parse_zone(s: &str) -> Result<FixedOffset> {
    s.parse::<FixedOffset>().map_err(|_| Usage(format!("时区应写成 +08:00 这样的形式，而不是“{s}”")).into())
}

fn bar(total: u64, label: &str) -> ProgressBar {
    let pb = ProgressBar::new(total);
    pb.set_style(
        ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} 剩余 {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    pb.set_message(label.to_string());
    pb
}

pub(crate) fn run(cmd: &EvidenceCommand) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    match cmd {
        EvidenceCommand::Init { store, title, encrypt } => {
            let pass = store.passphrase()?;
            if *encrypt && pass.is_none() {
                usage!("--encrypt 需要口令：用 --passphrase-file 指定口令文件，或设置环境变量 YUQI_PASSPHRASE");
            }
            let dir = store.dir();
            Store::create(&dir, title, if *encrypt { pass.as_deref() } else { None })?;
            writeln!(out, "已新建证据库：{}{}", dir.display(), if *encrypt { "（已加密）" } else { "" })?;
        }
        EvidenceCommand::Import { store, files, format, columns, on_bad, me, zone, tsa, json } => {
            let format = match (format.as_deref(), columns) {
                (Some("generic-csv"), Some(c)) | (None, Some(c)) => {
                    Some(Format::GenericCsv(ColumnMap::parse(c).map_err(Usage)?))
                }
                (Some("generic-csv"), None) => usage!(
                    "generic-csv 需要 --columns 列映射，例如 --columns time=发送时间,from=对方号码,text=内容,direction=方向"
                ),
                (Some(f), _) => Some(
                    Format::parse(f)
                        .ok_or_else(|| Usage(format!("不认识的格式“{f}”；可用：{}", Format::NAMES.join("、"))))?,
                ),
                (None, None) => None,
            };
            let on_bad = match on_bad.as_str() {
                "refuse" => OnBad::Refuse,
                "skip" => OnBad::Skip,
                o => usage!("--on-bad 应为 refuse 或 skip，而不是“{o}”"),
            };
            let opts =
                ImportOptions { format, on_bad, zone: parse_zone(zone)?, my_names: me.clone(), ..Default::default() };
            let tsa = tsa.config()?;
            let mut st = store.open()?;
            let mut reports = Vec::new();
            let mut failed = false;
            for f in files {
                let pb = bar(0, &f.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
                let r = st.import_path(f, &opts, &mut |done, total| {
                    pb.set_length(total);
                    pb.set_position(done);
                });
                pb.finish_and_clear();
                match r {
                    Ok(rep) => {
                        if !*json {
                            print_import(&mut out, &rep)?;
                        }
                        reports.push(rep);
                    }
                    Err(e) => {
                        failed = true;
                        eprintln!("错误：{e}");
                    }
                }
            }
            if let Some(cfg) = &tsa
                && reports.iter().any(|r| !r.already_imported && r.new_items > 0)
            {
                stamp_after_import(&mut out, &st, cfg, *json)?;
            }
            if *json {
                serde_json::to_writer_pretty(&mut out, &reports)?;
                writeln!(out)?;
            }
            if failed {
                return Ok(ExitCode::from(2));
            }
        }
        EvidenceCommand::Paste { store, file, zone, tsa, json } => {
            let opts =
                ImportOptions { format: Some(Format::PastedText), zone: parse_zone(zone)?, ..Default::default() };
            let tsa = tsa.config()?;
            let mut st = store.open()?;
            let r = match file {
                Some(f) => st.import_path(f, &opts, &mut |_, _| {}),
                None => import_stdin(&mut st, &opts)?,
            };
            match r {
                Ok(rep) => {
                    if *json {
                        serde_json::to_writer_pretty(&mut out, &rep)?;
                        writeln!(out)?;
                    } else {
                        print_import(&mut out, &rep)?;
                        if !rep.already_imported {
                            writeln!(out, "已保存 {} 条消息，其中 {} 条发现违规迹象。", rep.new_items, rep.flagged)?;
                        }
                    }
                    if let Some(cfg) = &tsa
                        && !rep.already_imported
                        && rep.new_items > 0
                    {
                        stamp_after_import(&mut out, &st, cfg, *json)?;
                    }
                }
                Err(e) => {
                    eprintln!("错误：{e}");
                    return Ok(ExitCode::from(2));
                }
            }
        }
        EvidenceCommand::List { store, code, sender, limit, json } => {
            if let Some(c) = code
                && yuqi_conduct::Code::parse(c).is_none()
            {
                let all: Vec<String> = yuqi_conduct::Code::ALL.iter().map(|k| code_label(k.as_str())).collect();
                usage!("不认识的违规代码“{c}”；可用：{}", all.join("、"));
            }
            let st = store.open()?;
            // One more than asked tells whether the list was cut.
            let mut items = st.list(code.as_deref(), sender.as_deref(), limit + 1)?;
            let cut = items.len() > *limit;
            items.truncate(*limit);
            if *json {
                serde_json::to_writer_pretty(&mut out, &items)?;
                writeln!(out)?;
            } else {
                for i in &items {
                    let mut text: String = i.text.as_deref().unwrap_or("").chars().take(50).collect();
                    if let Some(m) = &i.machine_read {
                        text.push_str(&format!("（机器从第 {} 条截图中识别，请对照原图）", m.image_seq));
                    }
                    writeln!(
                        out,
                        "#{:<6} {:<6} {} {} {} {}{}",
                        i.seq,
                        i.kind,
                        i.time.as_deref().unwrap_or("-"),
                        i.direction
                            .as_deref()
                            .map(|d| match (d, i.delivered) {
                                ("out", Some(false)) => "发（未送达）",
                                ("in", _) => "收",
                                ("out", _) => "发",
                                ("system", _) => "系统",
                                _ => "?",
                            })
                            .unwrap_or(" "),
                        i.counterpart.as_deref().unwrap_or(&i.origin),
                        text.replace('\n', " "),
                        if i.codes.is_empty() {
                            String::new()
                        } else {
                            format!("  [{}]", i.codes.iter().map(|c| code_label(c)).collect::<Vec<_>>().join("、"))
                        }
                    )?;
                }
                if cut {
                    writeln!(
                        out,
                        "只显示了前 {} 条，还有更多：用 --limit 显示更多，或用 --code、--sender 筛选",
                        items.len()
                    )?;
                } else {
                    writeln!(out, "共 {} 条", items.len())?;
                }
            }
        }
        EvidenceCommand::Judge { store, seq, code, verdict } => {
            let verdict = match verdict.trim() {
                "确认" | "是" | "confirmed" => yuqi_store::Verdict::Confirmed,
                "否认" | "不是" | "rejected" => yuqi_store::Verdict::Rejected,
                "撤回" | "cleared" => yuqi_store::Verdict::Cleared,
                v => usage!("判断应为“确认”“否认”或“撤回”，而不是“{v}”"),
            };
            let Some(c) = yuqi_conduct::Code::parse(code) else {
                let all: Vec<String> = yuqi_conduct::Code::ALL.iter().map(|k| code_label(k.as_str())).collect();
                usage!("不认识的问题类型“{code}”；可用：{}", all.join("、"));
            };
            let mut st = store.open()?;
            // Not a message (a wrong number) is the user's to fix: exit 2 like a usage error.
            st.judge(*seq, c.as_str(), verdict).map_err(|e| match e {
                yuqi_store::StoreError::Invalid(why) => anyhow::Error::new(Usage(why)),
                e => e.into(),
            })?;
            let label = code_label(c.as_str());
            writeln!(
                out,
                "{}",
                match verdict {
                    yuqi_store::Verdict::Confirmed => format!("已记下：第 {seq} 条有“{label}”的问题，信函会写进去。"),
                    yuqi_store::Verdict::Rejected => format!("已记下：第 {seq} 条没有“{label}”的问题，信函不会写它。"),
                    yuqi_store::Verdict::Cleared => format!("已撤回对第 {seq} 条“{label}”的判断，按系统原来的判断。"),
                }
            )?;
        }
        EvidenceCommand::Timestamp { store, tsa } => {
            let Some(cfg) = tsa.config()? else {
                usage!(
                    "请用 --tsa 或环境变量 YUQI_TSA 指定时间戳服务机构的地址，例如 --tsa http://timestamp.digicert.com"
                );
            };
            let st = store.open()?;
            match st.timestamp_head(&cfg) {
                Ok(Some(r)) => writeln!(
                    out,
                    "已取得可信时间戳：第 {} 条链头 {} 最晚在 {}已经存在（由 {} 签名）",
                    r.head_seq, r.head_hash, r.gen_time, r.tsa
                )?,
                Ok(None) => writeln!(out, "哈希链为空，或当前链头已有可信时间戳，无需再盖。")?,
                Err(e) => {
                    eprintln!("错误：未能取得可信时间戳：{e}");
                    return Ok(ExitCode::from(1));
                }
            }
        }
        EvidenceCommand::Verify { store, json, expect_head, tsa_ca: ca_flag } => {
            let ca = tsa_ca(ca_flag.as_ref())?;
            // A store that cannot be read is a finding (exit 3), not a failure to run: the
            // library turns every read failure into a problem named in Chinese.
            let pb = ProgressBar::new(0);
            let rep = Store::verify_dir_trusting(
                &store.dir(),
                store.passphrase()?.as_deref(),
                expect_head.as_deref(),
                ca.as_deref(),
                &mut |done, total| {
                    pb.set_length(total);
                    pb.set_position(done);
                },
            )?;
            if let (Some(seq), Some(head)) = (rep.expected_head_at, &rep.chain_head)
                && !*json
            {
                writeln!(out, "之前记下的链头在链中（第 {seq} 条），之后追加了 {} 条。", head.seq.saturating_sub(seq))?;
            }
            pb.finish_and_clear();
            if *json {
                serde_json::to_writer_pretty(&mut out, &rep)?;
                writeln!(out)?;
            } else if rep.ok() {
                writeln!(
                    out,
                    "核验通过：{} 条记录，{} 字节内容，哈希链完整。链头：第 {} 条 {}",
                    rep.entries,
                    rep.bytes_hashed,
                    rep.chain_head.as_ref().map_or(0, |h| h.seq),
                    rep.chain_head.as_ref().map_or("-", |h| h.hash.as_str())
                )?;
                print_timestamps(&mut out, &rep.timestamps)?;
            } else {
                writeln!(out, "核验失败：发现 {} 处问题", rep.problems.len())?;
                for p in &rep.problems {
                    writeln!(out, "  {p}")?;
                }
            }
            if !rep.ok() {
                return Ok(ExitCode::from(EXIT_TAMPERED));
            }
        }
        EvidenceCommand::Export { store, out: path, redact, no_pdf, json } => {
            let st = store.open()?;
            // The store builds the index; the PDF is typeset here, where the renderer is linked.
            let render_pdf = |markup: &str, today: (i32, u8, u8)| {
                yuqi_render::Renderer::new().and_then(|r| r.pdf(markup, today)).map_err(|e| e.to_string())
            };
            let index_pdf = (!*no_pdf).then_some(&render_pdf as yuqi_store::IndexPdf<'_>);
            let rep = st.export(path, &ExportOptions { redact: *redact, index_pdf })?;
            if *json {
                serde_json::to_writer_pretty(&mut out, &rep)?;
                writeln!(out)?;
            } else {
                writeln!(
                    out,
                    "已导出证据包：{}（{} 个文件，{} 条记录{}）",
                    rep.path,
                    rep.files,
                    rep.entries,
                    if rep.redacted { "，已隐去第三方号码" } else { "" }
                )?;
                writeln!(out, "证据包 SHA-256：{}", rep.sha256)?;
                writeln!(
                    out,
                    "核验：解压后运行 sha256sum -c SHA256SUMS，或 yuqi evidence verify-package {}",
                    shell_arg(&rep.path)
                )?;
            }
        }
        EvidenceCommand::VerifyPackage { package, json, expect_head, tsa_ca: ca_flag } => {
            let ca = tsa_ca(ca_flag.as_ref())?;
            if package.is_dir() {
                usage!(
                    "{} 是目录：请给出证据包 zip 文件；已解压的证据包可在目录中运行 sha256sum -c SHA256SUMS 和 python3 verify.py 核验",
                    package.display()
                );
            }
            let f = std::fs::File::open(package).with_context(|| format!("无法打开 {}", package.display()))?;
            let mut rep =
                yuqi_evidence::package::verify_package_expecting(std::io::BufReader::new(f), expect_head.as_deref());
            // The package verifier is pure; the signatures are checked here, with openssl.
            let mut unchecked = Vec::new();
            let mut verified = Vec::new();
            for t in &rep.timestamps {
                let certs = ca.as_deref().or(t.certs.as_deref());
                match yuqi_store::verify_package_timestamp(t.head_seq, &t.head_hash, &t.response, certs) {
                    SigCheck::Verified => verified.push(t.clone()),
                    SigCheck::NotChecked(why) => unchecked.push((t.clone(), why)),
                    SigCheck::Failed(why) => {
                        rep.problems.push(format!("{}：{why}", yuqi_evidence::package::tsp::response_path(t.head_seq)))
                    }
                }
            }
            if *json {
                serde_json::to_writer_pretty(&mut out, &rep)?;
                writeln!(out)?;
            } else {
                print_package_report(&mut out, &rep, expect_head.is_some())?;
                if rep.ok() {
                    for t in &verified {
                        writeln!(
                            out,
                            "可信时间戳：第 {} 条链头最晚在 {}已经存在（由 {} 签名，签名和证书已核对）",
                            t.head_seq, t.gen_time, t.tsa
                        )?;
                    }
                    for (t, why) in &unchecked {
                        writeln!(out, "可信时间戳：第 {} 条链头，机构记载的时间 {}；但{why}", t.head_seq, t.gen_time)?;
                    }
                }
            }
            if !rep.ok() {
                return Ok(ExitCode::from(EXIT_TAMPERED));
            }
        }
        EvidenceCommand::Propose { store, json } => {
            let st = store.open()?;
            let ps = st.proposals()?;
            if *json {
                serde_json::to_writer_pretty(&mut out, &ps)?;
                writeln!(out)?;
            } else if ps.is_empty() {
                writeln!(out, "没有待确认的催收事件。")?;
            } else {
                writeln!(out, "以下催收消息可作为“债权人主张权利”事件加入时间线（会中断诉讼时效），请逐条确认：")?;
                for p in &ps {
                    writeln!(
                        out,
                        "\n提议 {}：{} {} 来自 {}（{} 条）",
                        p.id,
                        p.first_time,
                        yuqi_case::Channel::label_of(&p.channel),
                        p.contact_name.as_deref().unwrap_or(&p.sender),
                        p.evidence.len()
                    )?;
                    writeln!(out, "  原文：{}", p.quote.replace('\n', " "))?;
                    if !p.codes.is_empty() {
                        writeln!(
                            out,
                            "  违规线索：{}",
                            p.codes.iter().map(|c| code_label(c)).collect::<Vec<_>>().join("、")
                        )?;
                    }
                    writeln!(out, "  {}", p.reason)?;
                    writeln!(
                        out,
                        "  确认：yuqi evidence confirm --store {} {} --debt 借款编号 --case 案例文件.toml",
                        shell_arg(&store.dir().display().to_string()),
                        shell_arg(&p.id)
                    )?;
                }
            }
        }
        EvidenceCommand::Confirm { store, id, debt, note, case } => {
            if let Some(path) = case {
                let parsed = yuqi_case::parse_case_file(path).map_err(|e| Usage(e.to_string()))?;
                if !parsed.debts.iter().any(|d| &d.id == debt) {
                    let ids: Vec<&str> = parsed.debts.iter().map(|d| d.id.as_str()).collect();
                    usage!("{} 中没有编号为“{debt}”的借款；已有：{}", path.display(), ids.join("、"));
                }
            }
            let mut st = store.open()?;
            let c = st.confirm(id, debt, note)?;
            writeln!(out, "已确认：{} 的催收归入借款 {} 的时间线。", c.proposal.date, c.debt)?;
            writeln!(out, "用 yuqi timeline 案例文件 --evidence {} 查看对诉讼时效的影响。", st.dir().display())?;
        }
        EvidenceCommand::DeleteCase { store, yes, reason } => {
            if !*yes {
                usage!("删除不可恢复：确认请加 --yes（删除记录会写入上级目录的 yuqi-deletions.log）");
            }
            let rec = yuqi_store::delete_case(&store.dir(), reason)?;
            writeln!(out, "已删除证据库 {}（{} 条记录）；删除记录已写入 yuqi-deletions.log", rec.store, rec.entries)?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The human report of `verify-package`: the result, the chain head, and what only a head kept
/// elsewhere can prove.
fn print_package_report(
    out: &mut impl Write,
    rep: &yuqi_evidence::package::PackageReport,
    head_given: bool,
) -> Result<()> {
    if !rep.ok() {
        writeln!(out, "证据包核验失败：发现 {} 处问题", rep.problems.len())?;
        for p in &rep.problems {
            writeln!(out, "  {p}")?;
        }
    } else if rep.redacted {
        writeln!(
            out,
            "哈希链完整（{} 条记录），文件与清单一致；但这是脱敏证据包：{} 条记录的元数据和 {} 个脱敏副本按设计无法与日志核对，\
             只能证明未脱敏的部分。需要完整核验时，请向证据提供人索取未脱敏的证据包。",
            rep.entries_checked, rep.unverifiable_metadata, rep.unverifiable
        )?;
    } else {
        writeln!(out, "证据包核验通过：{} 个文件，{} 条记录，哈希链完整。", rep.files_checked, rep.entries_checked)?;
    }
    match &rep.chain_head {
        Some(h) if rep.ok() => writeln!(out, "链头：第 {} 条 {}", h.seq, h.hash)?,
        // A failed package's head is shown for comparison only: it is not vouched for.
        Some(h) => writeln!(out, "证据包中的链头（未通过核验，仅供对照）：第 {} 条 {}", h.seq, h.hash)?,
        None if rep.ok() => writeln!(out, "链头：（哈希链为空）")?,
        None => {}
    }
    match (rep.expected_head_at, &rep.chain_head) {
        (Some(seq), Some(h)) => writeln!(
            out,
            "另行保存的链头在证据包的链中（第 {seq} 条），之后又有 {} 条记录。",
            h.seq.saturating_sub(seq)
        )?,
        _ if head_given || !rep.ok() => {}
        _ => writeln!(
            out,
            "注意：整条哈希链被重新计算、或末尾几条被删去后重写清单的证据包，自身看不出破绽；\
             只有与另行保存的链头对照（--expect-head 链头哈希）才能发现。"
        )?,
    }
    Ok(())
}

/// The trusted timestamps that checked out, with the time each authority signed.
fn print_timestamps(out: &mut impl Write, stamps: &[yuqi_store::TimestampCheck]) -> Result<()> {
    for t in stamps {
        match &t.not_checked {
            None => writeln!(
                out,
                "可信时间戳：第 {} 条链头最晚在 {}已经存在（由 {} 签名，签名和证书已核对）",
                t.head_seq, t.gen_time, t.tsa
            )?,
            Some(why) => writeln!(out, "可信时间戳：第 {} 条链头，机构记载的时间 {}；但{why}", t.head_seq, t.gen_time)?,
        }
    }
    Ok(())
}

/// Pasted text from standard input, imported from a file of its own (the store keeps a file as
/// the original) in a fresh temporary directory, removed afterwards.
fn import_stdin(
    st: &mut Store,
    opts: &ImportOptions,
) -> Result<Result<yuqi_store::ImportReport, yuqi_store::StoreError>> {
    let mut text = Vec::new();
    std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut text).context("无法读取标准输入")?;
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let dir = std::env::temp_dir().join(format!("yuqi-paste-{}-{nanos}", std::process::id()));
    std::fs::create_dir(&dir).with_context(|| format!("无法创建临时目录 {}", dir.display()))?;
    let path = dir.join("粘贴的文字.txt");
    let r = std::fs::write(&path, &text)
        .with_context(|| format!("无法写入临时文件 {}", path.display()))
        .map(|()| st.import_path(&path, opts, &mut |_, _| {}));
    let _ = std::fs::remove_dir_all(&dir);
    r
}

fn print_import(out: &mut impl Write, rep: &yuqi_store::ImportReport) -> Result<()> {
    if rep.already_imported {
        writeln!(
            out,
            "{}：这个文件之前已导入{}（SHA-256 相同），未重复保存。",
            rep.file,
            rep.previous_name.as_deref().map(|n| format!("（当时的文件名：{n}）")).unwrap_or_default()
        )?;
        return Ok(());
    }
    writeln!(
        out,
        "{}（{}）：新增 {} 条记录，重复 {} 条未再保存，其中 {} 条含违规线索；原始文件已整体保存。",
        rep.file, rep.format, rep.new_items, rep.duplicates, rep.flagged
    )?;
    if let Some(s) = &rep.screenshot {
        if s.messages > 0 {
            writeln!(
                out,
                "  截图：机器从截图里认出 {} 条消息（其中 {} 条含违规线索），已标为“机器识别”，请对照截图原图核对。",
                s.messages, s.flagged
            )?;
        }
        if let Some(note) = &s.note {
            writeln!(out, "  截图：{note}")?;
        }
    }
    writeln!(out, "  SHA-256 {}", rep.sha256)?;
    writeln!(out, "  SM3     {}", rep.sm3)?;
    if rep.summary.rejected_total > 0 {
        writeln!(out, "  跳过 {} 条无法读取的记录：", rep.summary.rejected_total)?;
        for r in rep.summary.rejected.iter().take(20) {
            writeln!(out, "    {r}")?;
        }
    }
    for w in &rep.summary.warnings {
        writeln!(out, "  注意：{w}")?;
    }
    if let Some(h) = &rep.chain_head {
        writeln!(out, "  哈希链末条：第 {} 条 {}", h.seq, h.hash)?;
        writeln!(
            out,
            "  （把这个值另行保存，例如发一封邮件给自己；以后可用 verify --expect-head 证明在此之前的记录没有被改动或删除）"
        )?;
    }
    Ok(())
}
