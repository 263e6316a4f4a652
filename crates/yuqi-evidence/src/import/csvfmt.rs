//! CSV exports: call logs (no standard; columns matched by alias, docs/import-formats.md §2),
//! WeChat CSVs by 留痕/WeChatMsg v1 and v2 and PyWxDump (§3), and generic CSV with a column map.
//!
//! Encoding: a BOM decides; otherwise strict UTF-8 over the first 64 KiB, else GB18030 (Excel on
//! Chinese Windows saves CP936). The decoded text is parsed by the `csv` crate, record by record.

use std::io::{BufRead, BufReader, Read};

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone};
use encoding_rs::{Encoding, GB18030, UTF_8, UTF_16BE, UTF_16LE};
use encoding_rs_io::DecodeReaderBytesBuilder;
use yuqi_case::Channel;

use super::{Ctx, ImportError, Options, Rejected, excerpt, message};
use crate::item::{Direction, ImportedMessage, Item, ItemKind, Position};

/// Picks the encoding and returns a reader of UTF-8 text.
pub(super) fn decoded<R: BufRead>(input: R, ctx: &mut Ctx<'_>) -> Result<Window<impl Read + use<R>>, ImportError> {
    let mut input = BufReader::with_capacity(64 * 1024, input);
    let head = input.fill_buf()?;
    let enc: &'static Encoding = if head.starts_with(&[0xEF, 0xBB, 0xBF]) {
        UTF_8
    } else if head.starts_with(&[0xFF, 0xFE]) {
        UTF_16LE
    } else if head.starts_with(&[0xFE, 0xFF]) {
        UTF_16BE
    } else {
        match std::str::from_utf8(head) {
            Ok(_) => UTF_8,
            // A multi-byte character cut by the end of the buffer is still UTF-8.
            Err(e) if e.error_len().is_none() && head.len() - e.valid_up_to() < 4 => UTF_8,
            Err(_) => GB18030,
        }
    };
    ctx.summary.encoding = enc.name().to_string();
    if enc == GB18030 {
        ctx.warn("文件不是 UTF-8，已按 GB18030（GBK）读取".into());
    }
    // UTF-8 passes through untouched (byte offsets stay offsets in the file, after the BOM);
    // other encodings are transcoded, and offsets are then offsets in the UTF-8 text.
    let bom = if head.starts_with(&[0xEF, 0xBB, 0xBF]) { 3 } else { 0 };
    let text = DecodeReaderBytesBuilder::new()
        .encoding(Some(enc))
        .utf8_passthru(true)
        .bom_sniffing(true)
        .strip_bom(true)
        .build(input);
    Ok(Window { inner: text, kept: Vec::new(), base: 0, bom })
}

/// Keeps the most recent decoded bytes, so a record's start can be checked (see [`position`]).
pub(super) struct Window<R> {
    inner: R,
    kept: Vec<u8>,
    base: u64,
    /// Bytes of a UTF-8 BOM removed before the text.
    bom: u64,
}

impl<R: Read> Read for Window<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if self.kept.len() > 1 << 20 {
            let cut = self.kept.len() - (1 << 16);
            self.kept.drain(..cut);
            self.base += cut as u64;
        }
        self.kept.extend_from_slice(&buf[..n]);
        Ok(n)
    }
}

impl<R> Window<R> {
    fn byte_at(&self, pos: u64) -> Option<u8> {
        pos.checked_sub(self.base).and_then(|i| self.kept.get(i as usize)).copied()
    }
}

pub(super) fn reader<R: Read>(text: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new().flexible(true).has_headers(true).from_reader(text)
}

/// The record as CSV text (the file itself is stored whole; this is the record's own copy).
fn record_bytes(rec: &csv::StringRecord) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    // Writing to a Vec cannot fail.
    let _ = w.write_record(rec);
    w.into_inner().unwrap_or_default()
}

/// Where the next record starts, taken before reading it. After a CR line end the csv crate
/// stops at the LF, still on the previous line: then the record really starts one byte and one
/// line later. (Byte offsets are in the decoded UTF-8 text.)
fn position<R>(p: &csv::Position, n: u64, window: &Window<R>) -> Position {
    let lf = (window.byte_at(p.byte()) == Some(b'\n')) as u64;
    Position { record: n, line: p.line() + lf, byte: p.byte() + lf + window.bom }
}

pub(super) fn csv_error(e: csv::Error, n: u64) -> ImportError {
    let (line, byte) = e.position().map_or((0, 0), |p| (p.line(), p.byte()));
    ImportError::Syntax(Rejected {
        position: Position { record: n, line, byte },
        reason: format!("CSV 格式错误：{e}"),
        excerpt: String::new(),
    })
}

fn norm_header(h: &str) -> String {
    h.trim().trim_matches('\u{feff}').to_lowercase().replace([' ', '_'], "")
}

/// Finds the first header among `aliases` (compared without case, spaces or underscores).
fn column(headers: &[String], aliases: &[&str]) -> Option<usize> {
    aliases.iter().find_map(|a| {
        let a = norm_header(a);
        headers.iter().position(|h| *h == a)
    })
}

const TIME: &[&str] = &[
    "time",
    "date",
    "datetime",
    "call date (timestamp)",
    "call date",
    "start time",
    "timestamp",
    "通话时间",
    "时间",
    "起始时间",
    "开始时间",
    "呼叫时间",
    "日期",
];
const NUMBER: &[&str] =
    &["number", "phone", "phone number", "caller #", "other party", "对方号码", "号码", "电话", "通话号码", "通信号码"];
const NAME: &[&str] = &["name", "contact", "contact name", "caller name", "联系人", "姓名", "名称", "备注"];
const DIRECTION: &[&str] = &["type", "call type", "direction", "通话类型", "类型", "呼叫类型", "呼叫方式"];
const DURATION: &[&str] =
    &["duration (s)", "call duration (s)", "duration", "seconds", "通话时长(秒)", "通话时长（秒）", "通话时长", "时长"];

pub(crate) fn looks_like_call_log(header: &str) -> bool {
    let headers: Vec<String> = header.split([',', ';', '\t']).map(norm_header).collect();
    column(&headers, TIME).is_some() && column(&headers, NUMBER).is_some() && column(&headers, DURATION).is_some()
}

/// Reads a time cell: epoch ms (13 digits), epoch s (10 digits), or a local string in `zone`.
/// Returns the instant in ms and whether the zone was assumed.
pub(crate) fn parse_time(s: &str, zone: FixedOffset) -> Option<(i64, bool)> {
    let s = s.trim();
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()) {
        let n: i64 = s.parse().ok()?;
        return match s.len() {
            13 => Some((n, false)),
            10 => Some((n * 1000, false)),
            _ => None,
        };
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some((t.timestamp_millis(), false));
    }
    let cleaned = s.replace(['年', '月'], "-").replace('日', " ").replace('/', "-");
    let cleaned = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    const FORMATS: &[&str] = &["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S%.f"];
    let naive = FORMATS
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(&cleaned, f).ok())
        .or_else(|| NaiveDate::parse_from_str(&cleaned, "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0)))?;
    let t = zone.from_local_datetime(&naive).single()?;
    Some((t.timestamp_millis(), true))
}

/// Seconds from `75`, `1:15`, `0:01:15`, `1分15秒`, `1小时2分3秒`; `N/A` or empty is `None`.
pub(crate) fn parse_duration(s: &str) -> Option<u32> {
    let s = s.trim();
    if s.is_empty() || s.eq_ignore_ascii_case("n/a") || s == "-" {
        return None;
    }
    if let Ok(n) = s.parse::<u32>() {
        return Some(n);
    }
    if s.contains(':') {
        let mut total = 0u32;
        for part in s.split(':') {
            total = total.checked_mul(60)?.checked_add(part.trim().parse::<u32>().ok()?)?;
        }
        return Some(total);
    }
    let mut total = 0u32;
    let mut num = String::new();
    let mut any = false;
    for c in s.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        let unit = match c {
            // "小时": the number goes with '小'; the '时' after it finds no number and adds nothing.
            '时' | '小' => 3600,
            '分' => 60,
            '秒' => 1,
            '钟' => continue,
            _ => return None,
        };
        if !num.is_empty() {
            total = total.checked_add(num.parse::<u32>().ok()?.checked_mul(unit)?)?;
            num.clear();
            any = true;
        }
    }
    (any && num.is_empty()).then_some(total)
}

/// Call direction and status from the exporters' vocabularies (Android codes, Chinese, English).
fn call_type(s: &str) -> (Direction, String) {
    let t = s.trim().to_lowercase();
    let (d, st) = match t.as_str() {
        "1" | "incoming" | "in" | "呼入" | "来电" | "被叫" | "已接来电" => (Direction::In, "answered"),
        "2" | "outgoing" | "out" | "呼出" | "去电" | "主叫" | "已拨电话" => (Direction::Out, "dialed"),
        "3" | "missed" | "未接" | "未接来电" => (Direction::In, "missed"),
        "4" | "voicemail" | "语音信箱" => (Direction::In, "voicemail"),
        "5" | "rejected" | "拒接" | "已拒接" => (Direction::In, "rejected"),
        "6" | "blocked" | "拦截" | "已拦截" => (Direction::In, "blocked"),
        "7" | "answered_externally" | "其他设备接听" => (Direction::In, "answered_elsewhere"),
        _ => (Direction::Unknown, s.trim()),
    };
    (d, st.to_string())
}

/// A record read into an item's parts; the driver adds position, raw bytes and fields.
pub(super) struct Parsed {
    pub(super) kind: ItemKind,
    pub(super) message: ImportedMessage,
    /// Fields beyond the record's own columns (a normalised type).
    pub(super) extra: Vec<(String, String)>,
}

/// Reads every record, hands it to `parse`, and emits the item or rejects the record with its
/// position. `zone_note` says where unzoned times come from, for the warning.
pub(super) fn drive<R: Read>(
    mut rdr: csv::Reader<Window<R>>,
    headers: &csv::StringRecord,
    opts: &Options,
    ctx: &mut Ctx<'_>,
    zone_note: &str,
    parse: &mut dyn FnMut(&csv::StringRecord) -> Result<Parsed, String>,
) -> Result<(), ImportError> {
    let mut rec = csv::StringRecord::new();
    let mut n = 0u64;
    let mut assumed = false;
    loop {
        let start = rdr.position().clone();
        if !rdr.read_record(&mut rec).map_err(|e| csv_error(e, n + 1))? {
            break;
        }
        n += 1;
        let position = position(&start, n, rdr.get_ref());
        let raw = record_bytes(&rec);
        match parse(&rec) {
            Err(reason) => ctx.reject(Rejected { position, reason, excerpt: excerpt(&raw) })?,
            Ok(p) => {
                assumed |= p.message.zone_assumed;
                let mut fields: Vec<(String, String)> = headers
                    .iter()
                    .zip(rec.iter())
                    .map(|(h, v)| (h.trim_start_matches('\u{feff}').to_string(), v.to_string()))
                    .collect();
                fields.extend(p.extra);
                ctx.emit(Item::from_message(p.kind, position, raw, false, fields, p.message))?;
            }
        }
    }
    if assumed {
        ctx.warn(format!("{zone_note}，已按 {} 理解", opts.zone));
    }
    Ok(())
}

/// The time of a cell, or why it cannot be read.
pub(super) fn time_of(cell: &str, zone: FixedOffset) -> Result<(i64, bool), String> {
    parse_time(cell, zone).ok_or_else(|| format!("时间无法识别：“{cell}”"))
}

pub(crate) fn import_call_log<R: BufRead>(input: R, opts: &Options, ctx: &mut Ctx<'_>) -> Result<(), ImportError> {
    let mut rdr = reader(decoded(input, ctx)?);
    let raw_headers = rdr.headers().map_err(|e| csv_error(e, 0))?.clone();
    let headers: Vec<String> = raw_headers.iter().map(norm_header).collect();
    let (Some(ti), Some(ni)) = (column(&headers, TIME), column(&headers, NUMBER)) else {
        return Err(ImportError::Unrecognized(format!(
            "通话记录 CSV 需要“时间”和“号码”两列，文件的列是：{}",
            raw_headers.iter().collect::<Vec<_>>().join("、")
        )));
    };
    let (name_i, dir_i, dur_i) = (column(&headers, NAME), column(&headers, DIRECTION), column(&headers, DURATION));
    drive(rdr, &raw_headers, opts, ctx, "时间没有写明时区", &mut |rec| {
        let get = |i: Option<usize>| i.and_then(|i| rec.get(i)).unwrap_or("").trim();
        let time = time_of(get(Some(ti)), opts.zone)?;
        let (direction, status) = call_type(get(dir_i));
        let duration = match parse_duration(get(dur_i)) {
            Some(d) => d,
            None if get(dur_i).is_empty() || get(dur_i).eq_ignore_ascii_case("n/a") => 0,
            None => return Err(format!("通话时长无法识别：“{}”", get(dur_i))),
        };
        let status =
            if status == "dialed" { if duration > 0 { "answered" } else { "unanswered" }.to_string() } else { status };
        let mut m = message(time, "call", direction, get(Some(ni)).to_string(), String::new());
        m.contact_name = Some(get(name_i).to_string()).filter(|s| !s.is_empty());
        m.duration_s = Some(duration);
        m.call_status = Some(status);
        Ok(Parsed { kind: ItemKind::Call, message: m, extra: Vec::new() })
    })
}

/// Which WeChat CSV a header line belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeChatVariant {
    /// 留痕 v1: `localId,TalkerId,Type,SubType,IsSender,CreateTime,…` (epoch s, IsSender).
    LiuhenV1,
    /// 留痕 v2: `消息ID,类型,发送人,时间,内容,备注,昵称,更多信息` (no direction column).
    LiuhenV2,
    /// 留痕 v2 fork with a wxid column.
    LiuhenV2Wxid,
    /// PyWxDump: `id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime`.
    PyWxDump,
    /// Older PyWxDump with a JSON `content` column.
    PyWxDumpOld,
}

pub fn wechat_variant(header: &str) -> Option<WeChatVariant> {
    let h = header.trim().trim_start_matches('\u{feff}');
    if h.starts_with("localId,TalkerId,Type,SubType,IsSender,CreateTime") {
        Some(WeChatVariant::LiuhenV1)
    } else if h.starts_with("消息ID,类型,发送人,时间,内容") {
        Some(WeChatVariant::LiuhenV2)
    } else if h.starts_with("消息ID,类型,wxid,时间,内容") {
        Some(WeChatVariant::LiuhenV2Wxid)
    } else if h.starts_with("id,MsgSvrID,type_name,is_sender,talker,room_name,msg") {
        Some(WeChatVariant::PyWxDump)
    } else if h.starts_with("id,MsgSvrID,type_name,is_sender,talker,room_name,content") {
        Some(WeChatVariant::PyWxDumpOld)
    } else {
        None
    }
}

pub(crate) fn import_wechat<R: BufRead>(input: R, opts: &Options, ctx: &mut Ctx<'_>) -> Result<(), ImportError> {
    let mut rdr = reader(decoded(input, ctx)?);
    let raw_headers = rdr.headers().map_err(|e| csv_error(e, 0))?.clone();
    let header_line = raw_headers.iter().collect::<Vec<_>>().join(",");
    let Some(variant) = wechat_variant(&header_line) else {
        return Err(ImportError::Unrecognized(format!("不认识的微信导出表头：{header_line}")));
    };
    let idx = |name: &str| raw_headers.iter().position(|h| h.trim_start_matches('\u{feff}') == name);
    if matches!(variant, WeChatVariant::LiuhenV2 | WeChatVariant::LiuhenV2Wxid) && opts.my_names.is_empty() {
        ctx.warn("留痕 v2 导出没有“是否我发送”列：请用 --me 指定您自己的微信昵称，否则方向记为未知".into());
    }
    drive(rdr, &raw_headers, opts, ctx, "导出的时间是导出电脑的本地时间", &mut |rec| {
        let get = |name: &str| idx(name).and_then(|i| rec.get(i)).unwrap_or("");
        let (time_cell, dir, counterpart, text, ty) = match variant {
            WeChatVariant::LiuhenV1 => {
                // Group chats name the sender; a private chat is the file's conversation.
                let sender = [get("Sender"), get("NickName"), get("Remark")].into_iter().find(|s| !s.is_empty());
                let who = sender
                    .map(str::to_string)
                    .or_else(|| opts.conversation.clone())
                    .unwrap_or_else(|| format!("TalkerId {}", get("TalkerId")));
                let dir = match get("IsSender") {
                    _ if get("Type") == "10000" => Direction::System,
                    "1" => Direction::Out,
                    "0" => Direction::In,
                    _ => Direction::Unknown,
                };
                (
                    get("CreateTime"),
                    dir,
                    who,
                    if get("Type") == "49" && get("SubType") == "2000" {
                        transfer_text(get("StrContent"))
                    } else {
                        get("StrContent").to_string()
                    },
                    format!("{}/{}", get("Type"), get("SubType")),
                )
            }
            WeChatVariant::LiuhenV2 | WeChatVariant::LiuhenV2Wxid => {
                let who = if variant == WeChatVariant::LiuhenV2 { get("发送人") } else { get("wxid") };
                let dir = if who.is_empty() || get("类型").contains("系统") {
                    Direction::System
                } else if opts.my_names.is_empty() {
                    Direction::Unknown
                } else if opts.my_names.iter().any(|m| m == who) {
                    Direction::Out
                } else {
                    Direction::In
                };
                (get("时间"), dir, who.to_string(), get("内容").to_string(), get("类型").to_string())
            }
            WeChatVariant::PyWxDump | WeChatVariant::PyWxDumpOld => {
                let dir = match get("is_sender") {
                    _ if get("talker") == "系统" || get("type_name").contains("系统") => Direction::System,
                    "1" => Direction::Out,
                    "0" => Direction::In,
                    _ => Direction::Unknown,
                };
                let text = if variant == WeChatVariant::PyWxDump {
                    get("msg").to_string()
                } else {
                    serde_json::from_str::<serde_json::Value>(get("content"))
                        .ok()
                        .and_then(|v| v.get("msg").and_then(|m| m.as_str()).map(str::to_string))
                        .unwrap_or_else(|| get("content").to_string())
                };
                // The chat's wxid: the other party of a private chat.
                (get("CreateTime"), dir, get("room_name").to_string(), text, get("type_name").to_string())
            }
        };
        let time = time_of(time_cell, opts.zone)?;
        Ok(Parsed {
            kind: ItemKind::Chat,
            message: message(time, Channel::Wechat.code(), dir, counterpart, text),
            extra: vec![("yuqi_type".into(), ty)],
        })
    })
}

/// A WeChat transfer's XML (`wcpayinfo`) as readable text: "【发起转账】¥500.00 备注：…". The XML
/// itself stays in the record's fields.
fn transfer_text(xml: &str) -> String {
    let tag = |name: &str| {
        let open = format!("<{name}>");
        let start = xml.find(&open)? + open.len();
        let end = xml[start..].find(&format!("</{name}>"))? + start;
        let v = xml[start..end].trim();
        Some(v.strip_prefix("<![CDATA[").and_then(|v| v.strip_suffix("]]>")).unwrap_or(v).to_string())
    };
    transfer_line(tag("paysubtype").as_deref(), &tag("feedesc").unwrap_or_default(), tag("pay_memo").as_deref())
}

/// A transfer as readable text from its state (`paysubtype`), amount string and memo; shared by
/// every WeChat importer so the analyzer and the ledger see one rendering.
pub(crate) fn transfer_line(paysubtype: Option<&str>, feedesc: &str, memo: Option<&str>) -> String {
    let state = match paysubtype {
        Some("1" | "7") => "发起转账",
        Some("3" | "5") => "已收款",
        Some("4") => "已退还",
        _ => "转账",
    };
    let mut t = format!("【{state}】{feedesc}");
    if let Some(memo) = memo.filter(|m| !m.is_empty()) {
        t.push_str(&format!(" 备注：{memo}"));
    }
    t
}

/// The user's mapping of a generic CSV: which column holds what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnMap {
    pub time: String,
    pub counterpart: String,
    pub text: String,
    pub direction: Option<String>,
    /// `sms`, `wechat`, `call`, `app`, … (docs/law/conduct.md §7 channels); default `other`.
    pub channel: String,
}

impl ColumnMap {
    /// Parses `time=发送时间,from=对方号码,text=内容[,direction=方向][,channel=sms]`.
    pub fn parse(spec: &str) -> Result<ColumnMap, String> {
        let mut time = None;
        let mut counterpart = None;
        let mut text = None;
        let mut direction = None;
        let mut channel = Channel::Other.code().to_string();
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (k, v) = part.split_once('=').ok_or_else(|| format!("列映射“{part}”应写成 键=列名"))?;
            let v = v.trim().to_string();
            match k.trim() {
                "time" => time = Some(v),
                "from" | "counterpart" | "number" => counterpart = Some(v),
                "text" | "body" => text = Some(v),
                "direction" => direction = Some(v),
                "channel" => channel = v,
                other => return Err(format!("未知的列映射键“{other}”（可用：time、from、text、direction、channel）")),
            }
        }
        Ok(ColumnMap {
            time: time.ok_or("列映射缺少 time=（时间列）")?,
            counterpart: counterpart.ok_or("列映射缺少 from=（对方号码列）")?,
            text: text.ok_or("列映射缺少 text=（内容列）")?,
            direction,
            channel,
        })
    }
}

fn message_direction(s: &str) -> Direction {
    match s.trim().to_lowercase().as_str() {
        "in" | "incoming" | "received" | "接收" | "收到" | "收" | "来信" | "1" => Direction::In,
        "out" | "outgoing" | "sent" | "发送" | "发出" | "发" | "2" => Direction::Out,
        _ => Direction::Unknown,
    }
}

pub(crate) fn import_generic<R: BufRead>(
    input: R,
    map: &ColumnMap,
    opts: &Options,
    ctx: &mut Ctx<'_>,
) -> Result<(), ImportError> {
    let mut rdr = reader(decoded(input, ctx)?);
    let raw_headers = rdr.headers().map_err(|e| csv_error(e, 0))?.clone();
    let find = |name: &str| raw_headers.iter().position(|h| h.trim().trim_start_matches('\u{feff}') == name);
    let missing: Vec<&str> = [Some(&map.time), Some(&map.counterpart), Some(&map.text), map.direction.as_ref()]
        .into_iter()
        .flatten()
        .filter(|c| find(c).is_none())
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        return Err(ImportError::Unrecognized(format!(
            "CSV 中找不到列：{}；文件的列是：{}",
            missing.join("、"),
            raw_headers.iter().collect::<Vec<_>>().join("、")
        )));
    }
    let (ti, ci, xi) = (find(&map.time), find(&map.counterpart), find(&map.text));
    let di = map.direction.as_deref().and_then(find);
    let kind = match Channel::from_code(&map.channel) {
        Some(Channel::Sms) => ItemKind::Sms,
        Some(Channel::Call) => ItemKind::Call,
        _ => ItemKind::Chat,
    };
    if di.is_none() {
        ctx.warn(
            "列映射中没有 direction=（方向列）：每条消息的方向记为未知，不会作为催收事件提议；\
                  如文件中有方向列，请在 --columns 中加上 direction=列名"
                .into(),
        );
    }
    drive(rdr, &raw_headers, opts, ctx, "时间没有写明时区", &mut |rec| {
        let get = |i: Option<usize>| i.and_then(|i| rec.get(i)).unwrap_or("");
        let time = time_of(get(ti), opts.zone)?;
        let direction = di.map_or(Direction::Unknown, |_| message_direction(get(di)));
        let m = message(time, &map.channel, direction, get(ci).trim().to_string(), get(xi).to_string());
        Ok(Parsed { kind, message: m, extra: Vec::new() })
    })
}

/// Parses a local time string in a zone (shared with the text importers).
pub(crate) fn local_ms(naive: NaiveDateTime, zone: FixedOffset) -> Option<i64> {
    zone.from_local_datetime(&naive).single().map(|t| t.timestamp_millis())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("75"), Some(75));
        assert_eq!(parse_duration("1:15"), Some(75));
        assert_eq!(parse_duration("0:01:15"), Some(75));
        assert_eq!(parse_duration("1分05秒"), Some(65));
        assert_eq!(parse_duration("1小时2分3秒"), Some(3723));
        assert_eq!(parse_duration("N/A"), None);
        assert_eq!(parse_duration("abc"), None);
    }

    #[test]
    fn times() {
        let z = super::super::china();
        assert_eq!(parse_time("1709530200", z), Some((1_709_530_200_000, false)));
        assert_eq!(parse_time("1709530200123", z), Some((1_709_530_200_123, false)));
        // 2024-03-04 13:30:00 China time = 05:30:00 UTC.
        assert_eq!(parse_time("2024-03-04 13:30:00", z), Some((1_709_530_200_000, true)));
        assert_eq!(parse_time("2024/3/4 13:30", z), Some((1_709_530_200_000, true)));
        assert_eq!(parse_time("2024年3月4日 13:30:00", z), Some((1_709_530_200_000, true)));
        assert_eq!(parse_time("yesterday", z), None);
    }

    #[test]
    fn column_maps() {
        let m = ColumnMap::parse("time=发送时间,from=对方号码,text=内容,direction=方向").unwrap();
        assert_eq!(m.time, "发送时间");
        assert_eq!(m.direction.as_deref(), Some("方向"));
        assert!(ColumnMap::parse("time=a,text=b").is_err());
        assert!(ColumnMap::parse("when=a").is_err());
    }
}
