//! A deterministic generator of realistic collection logs, for tests and benchmarks.
//!
//! Shape, per debtor: one to four creditors (platforms), each worked by one
//! collection agency through a few sender numbers; SMS, calls (about 40 %
//! answered) and chat messages over a year and a half, mostly in the daytime,
//! with some night contacts, some days of call bursts, number rotation, contacts
//! to relatives and employers, and the debtor's own replies, some of them written
//! requests to stop calling. Texts are either slot-filled lawful reminders or
//! lines of yuqi's labelled corpus (`tests/data/conduct/train*.jsonl`: quoted real
//! and synthetic collection messages), so the analyzer meets realistic wording.
//! Names of platforms, agencies and people are invented.
//!
//! The same seed gives the same bytes, whatever the machine (SplitMix64, no
//! floating point in any decision).

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use arrow::array::{ArrayRef, BooleanBuilder, Int64Builder, RecordBatch, StringBuilder};
use arrow::datatypes::{DataType, Field, Schema};
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::basic::{Compression, ZstdLevel};
use datafusion::parquet::file::properties::WriterProperties;

use yuqi_case::Channel;
use yuqi_util::SplitMix64;

use crate::input::InputFormat;
use crate::{BatchError, Result, io_err};

const CORPUS: [&str; 2] = [
    include_str!("../../../tests/data/conduct/train.jsonl"),
    include_str!("../../../tests/data/conduct/train_extra.jsonl"),
];

const PLATFORMS: [&str; 24] = [
    "安薪借",
    "易分期",
    "速贷通",
    "花样钱包",
    "信用宝盒",
    "闪电借款",
    "小满分期",
    "金橙贷",
    "乐享借",
    "随心花",
    "米粒贷",
    "好借多多",
    "快易花",
    "融享借",
    "天天有钱",
    "惠分期",
    "青禾贷",
    "星辰借",
    "邻家借款",
    "元宝分期",
    "即刻贷",
    "优品分期",
    "榕树借",
    "钱多多多",
];
const AGENCIES: [&str; 12] = [
    "华信商务咨询有限公司",
    "东岳信息服务有限公司",
    "瑞丰资产管理有限公司",
    "博衍企业管理咨询有限公司",
    "中恒数据科技有限公司",
    "安泰法务咨询有限公司",
    "远景信用管理有限公司",
    "宏达商务服务有限公司",
    "信诚资产管理有限公司",
    "鼎盛信息咨询有限公司",
    "明德企业服务有限公司",
    "卓越信用服务有限公司",
];
const SURNAMES: [&str; 16] =
    ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭"];
const REMINDERS: [&str; 8] = [
    "【{p}】尊敬的{n}，您的借款已逾期{d}天，应还金额{a}元，请及时登录APP还款，如有疑问请致电官方客服。",
    "【{p}】{n}您好，您本期账单{a}元已逾期，逾期将按合同约定计收罚息，请尽快通过APP内官方渠道还款。",
    "{n}您好，我是{p}的委托服务人员，您的账户逾期{d}天，金额{a}元，方便时请回电协商还款方案。",
    "【{p}】温馨提示：您的借款将于近日到期，应还{a}元，请保持还款账户余额充足。",
    "{n}先生/女士，关于您在{p}的欠款{a}元，如确有困难可申请分期，请联系官方客服。",
    "【{p}】您的逾期记录可能影响个人征信，请于{d}日内处理，应还{a}元，还款请认准APP内官方渠道。",
    "您好，这里是{p}贷后服务，提醒您欠款{a}元尚未结清，请合理安排还款。",
    "{n}，我们已收到您的还款申请，{p}将在3个工作日内答复分期方案，请留意短信。",
];
const REPLIES: [&str; 6] = [
    "我现在失业了，收入很少，能不能分期？",
    "请提供借款合同和还款明细，我要核实金额。",
    "本金我收到的比合同少，砍头息不认。",
    "下个月发工资后先还一部分。",
    "我已经向监管部门投诉了。",
    "你们是哪家公司？请说明委托关系。",
];
/// Written requests the analyzer's lexicon recognises (stop calls / stop third parties).
const STOPS: [&str; 4] = [
    "请以后只以书面形式与我联系，不要再打电话。",
    "不要再联系我的家人，有事找我本人。",
    "请停止联系我的家人和单位，我会按协商方案还款。",
    "从今天起请书面沟通，别再打电话。",
];
const THIRD_PARTIES: [&str; 4] = ["relative", "employer", "contact", "colleague"];

/// The generator's random stream: yuqi's SplitMix64 (the one the ledger's
/// synthetic data uses) with the draws the generator needs.
#[derive(Debug, Clone)]
pub struct Rng(SplitMix64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(SplitMix64::new(seed))
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }
    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n.max(1))) >> 64) as u64
    }
    /// True with probability `per_mille` / 1000.
    pub fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenMessage {
    pub id: String,
    pub debtor: String,
    pub creditor: String,
    pub agency: String,
    pub from: String,
    pub to: String,
    pub channel: &'static str,
    pub time: String,
    pub text: String,
    pub connected: Option<bool>,
    pub duration: Option<i64>,
}

struct Corpus {
    collector: Vec<String>,
    third_party: Vec<String>,
    calls: Vec<String>,
}

fn corpus() -> Corpus {
    let mut c = Corpus { collector: Vec::new(), third_party: Vec::new(), calls: Vec::new() };
    for src in CORPUS {
        for line in src.lines() {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else { continue };
            let text = v["text"].as_str().unwrap_or_default().to_string();
            let from = v["from"].as_str().unwrap_or("collector");
            if text.is_empty() || from == "self" || from == "court" {
                continue;
            }
            match (v["to"].as_str(), v["channel"].as_str().and_then(Channel::from_code)) {
                (Some(to), _) if to != "self" => c.third_party.push(text),
                (_, Some(Channel::Call)) => c.calls.push(text),
                _ => c.collector.push(text),
            }
        }
    }
    c
}

#[derive(Debug, Clone, Copy)]
pub struct GenOptions {
    pub messages: u64,
    pub seed: u64,
    /// Average contacts per debtor.
    pub per_debtor: u64,
}

/// Generates `opts.messages` rows in debtor order and hands them to `sink` in
/// chunks (so ten million rows never sit in memory at once).
pub fn generate(opts: GenOptions, mut sink: impl FnMut(&[GenMessage]) -> Result<()>) -> Result<()> {
    let corpus = corpus();
    let mut rng = Rng::new(opts.seed);
    let mut chunk: Vec<GenMessage> = Vec::with_capacity(65_536);
    let mut made = 0u64;
    let mut debtor_no = 0u64;
    // 2025-03-01T00:00:00+08:00, in seconds since the epoch.
    let start: i64 = 1_740_758_400;
    let span_days: i64 = 480;
    while made < opts.messages {
        debtor_no += 1;
        let debtor = format!("d{debtor_no:07}");
        let name = format!("{}{}", rng.pick(&SURNAMES), if rng.chance(500) { "先生" } else { "女士" });
        let n_creditors = 1 + rng.below(4);
        let budget = (opts.per_debtor / 2 + rng.below(opts.per_debtor.max(1))).min(opts.messages - made).max(1);
        let mut rows: Vec<GenMessage> = Vec::new();
        let mut stopped_calls = false;
        for _ in 0..n_creditors {
            let platform = *rng.pick(&PLATFORMS);
            let agency = *rng.pick(&AGENCIES);
            // A few SMS ports and mobile numbers per creditor; rotating creditors use many.
            let rotating = rng.chance(150);
            let pool = if rotating { 6 + rng.below(6) } else { 1 + rng.below(3) };
            let numbers: Vec<String> = (0..pool)
                .map(|_| {
                    if rng.chance(400) {
                        format!("1069{:08}", rng.below(100_000_000))
                    } else {
                        format!("1{}{:09}", [3, 5, 7, 8, 9][rng.below(5) as usize], rng.below(1_000_000_000))
                    }
                })
                .collect();
            let first_day = rng.below(span_days as u64 - 60) as i64;
            let days = 20 + rng.below(120) as i64;
            let n = (budget / n_creditors).max(1);
            let burst_day = rng.chance(250).then(|| first_day + rng.below(days as u64) as i64);
            for k in 0..n {
                let mut day = first_day + rng.below(days as u64) as i64;
                if let Some(b) = burst_day
                    && k % 4 == 0
                {
                    day = b;
                }
                // Mostly 9:00–21:00; about 6 % at night.
                let hour =
                    if rng.chance(60) { [22, 23, 0, 6, 7][rng.below(5) as usize] } else { 9 + rng.below(12) as i64 };
                let secs = start + day * 86_400 + hour * 3_600 + rng.below(3_600) as i64;
                let time = chrono::DateTime::from_timestamp(secs, 0)
                    .map(|t| t.with_timezone(&yuqi_conduct::message::china()).to_rfc3339())
                    .unwrap_or_default();
                let from = rng.pick(&numbers).clone();
                let roll = rng.below(1000);
                let (channel, text, to, connected, duration) = if roll < 380 || (burst_day == Some(day) && roll < 700) {
                    let answered = rng.chance(400);
                    let text =
                        if answered && rng.chance(150) { rng.pick(&corpus.calls).clone() } else { String::new() };
                    (
                        Channel::Call.code(),
                        text,
                        "self".to_string(),
                        Some(answered),
                        Some(if answered { 20 + rng.below(400) as i64 } else { 0 }),
                    )
                } else {
                    let channel = if rng.chance(150) { Channel::Wechat.code() } else { Channel::Sms.code() };
                    let to = if rng.chance(40) { (*rng.pick(&THIRD_PARTIES)).to_string() } else { "self".to_string() };
                    let text = if to != "self" && !corpus.third_party.is_empty() {
                        rng.pick(&corpus.third_party).clone()
                    } else if rng.chance(150) {
                        rng.pick(&corpus.collector).clone()
                    } else {
                        rng.pick(&REMINDERS)
                            .replace("{p}", platform)
                            .replace("{n}", &name)
                            .replace("{d}", &(1 + rng.below(200)).to_string())
                            .replace("{a}", &format!("{}.{:02}", 500 + rng.below(30_000), rng.below(100)))
                    };
                    (channel, text, to, None, None)
                };
                rows.push(GenMessage {
                    id: String::new(),
                    debtor: debtor.clone(),
                    creditor: platform.to_string(),
                    agency: agency.to_string(),
                    from,
                    to,
                    channel,
                    time,
                    text,
                    connected,
                    duration,
                });
            }
            // The debtor answers now and then; some replies ask to stop calls.
            if rng.chance(300) {
                let secs = start + (first_day + rng.below(days as u64) as i64) * 86_400 + 12 * 3_600;
                let stop = !stopped_calls && rng.chance(500);
                stopped_calls |= stop;
                rows.push(GenMessage {
                    id: String::new(),
                    debtor: debtor.clone(),
                    creditor: platform.to_string(),
                    agency: agency.to_string(),
                    from: "self".to_string(),
                    to: numbers[0].clone(),
                    channel: Channel::Sms.code(),
                    time: chrono::DateTime::from_timestamp(secs, 0)
                        .map(|t| t.with_timezone(&yuqi_conduct::message::china()).to_rfc3339())
                        .unwrap_or_default(),
                    text: if stop { rng.pick(&STOPS).to_string() } else { rng.pick(&REPLIES).to_string() },
                    connected: None,
                    duration: None,
                });
            }
        }
        rows.sort_by(|a, b| a.time.cmp(&b.time));
        for mut r in rows {
            if made >= opts.messages {
                break;
            }
            made += 1;
            r.id = format!("m{made:010}");
            chunk.push(r);
            if chunk.len() == chunk.capacity() {
                sink(&chunk)?;
                chunk.clear();
            }
        }
    }
    if !chunk.is_empty() {
        sink(&chunk)?;
    }
    Ok(())
}

impl GenMessage {
    /// The text columns, in the order of [`schema`].
    fn texts(&self) -> [&str; 9] {
        [
            &self.id,
            &self.debtor,
            &self.creditor,
            &self.agency,
            &self.from,
            &self.to,
            self.channel,
            &self.time,
            &self.text,
        ]
    }
}

pub fn schema() -> Arc<Schema> {
    Arc::new(Schema::new(vec![
        Field::new("id", DataType::Utf8, false),
        Field::new("debtor", DataType::Utf8, false),
        Field::new("creditor", DataType::Utf8, true),
        Field::new("agency", DataType::Utf8, true),
        Field::new("from", DataType::Utf8, true),
        Field::new("to", DataType::Utf8, true),
        Field::new("channel", DataType::Utf8, true),
        Field::new("time", DataType::Utf8, true),
        Field::new("text", DataType::Utf8, false),
        Field::new("connected", DataType::Boolean, true),
        Field::new("duration", DataType::Int64, true),
    ]))
}

pub fn to_batch(rows: &[GenMessage]) -> Result<RecordBatch> {
    let mut cols: Vec<StringBuilder> = (0..9).map(|_| StringBuilder::new()).collect();
    let mut connected = BooleanBuilder::new();
    let mut duration = Int64Builder::new();
    for r in rows {
        for (b, v) in cols.iter_mut().zip(r.texts()) {
            b.append_value(v);
        }
        connected.append_option(r.connected);
        duration.append_option(r.duration);
    }
    let mut arrays: Vec<ArrayRef> = cols.iter_mut().map(|b| Arc::new(b.finish()) as ArrayRef).collect();
    arrays.push(Arc::new(connected.finish()));
    arrays.push(Arc::new(duration.finish()));
    Ok(RecordBatch::try_new(schema(), arrays)?)
}

fn json_line(r: &GenMessage) -> serde_json::Value {
    let mut v = serde_json::json!({
        "id": r.id, "debtor": r.debtor, "creditor": r.creditor, "agency": r.agency, "from": r.from,
        "to": r.to, "channel": r.channel, "time": r.time, "text": r.text,
    });
    if let Some(c) = r.connected {
        v["connected"] = c.into();
    }
    if let Some(d) = r.duration {
        v["duration"] = d.into();
    }
    v
}

/// Rows per Parquet row group unless told otherwise: the parquet crate's own default, which
/// is also what DataFusion writes, so the generated logs split like many real ones.
pub const DEFAULT_ROW_GROUP_ROWS: usize = 1 << 20;

/// Writes a generated log to `out` in `format`; returns the number of rows.
pub fn write(opts: GenOptions, out: &Path, format: InputFormat) -> Result<u64> {
    write_grouped(opts, out, format, DEFAULT_ROW_GROUP_ROWS)
}

/// [`write`] with `row_group_rows` rows per Parquet row group (other formats ignore it). A
/// scan cannot split a row group between tasks, so the benchmarks vary it to show how the
/// work divides over a cluster's executors.
pub fn write_grouped(opts: GenOptions, out: &Path, format: InputFormat, row_group_rows: usize) -> Result<u64> {
    let mut part = out.as_os_str().to_owned();
    part.push(".part");
    let part = std::path::PathBuf::from(part);
    let file = std::fs::File::create(&part).map_err(io_err(&part))?;
    let mut n = 0u64;
    match format {
        InputFormat::Parquet => {
            let props = WriterProperties::builder()
                .set_compression(Compression::ZSTD(ZstdLevel::try_new(3)?))
                .set_max_row_group_row_count(Some(row_group_rows.max(1)))
                .build();
            let mut w = ArrowWriter::try_new(file, schema(), Some(props))?;
            generate(opts, |rows| {
                n += rows.len() as u64;
                w.write(&to_batch(rows)?)?;
                Ok(())
            })?;
            w.close()?;
        }
        InputFormat::Jsonl => {
            let mut w = std::io::BufWriter::new(file);
            generate(opts, |rows| {
                for r in rows {
                    n += 1;
                    serde_json::to_writer(&mut w, &json_line(r)).map_err(|e| BatchError::Invalid(e.to_string()))?;
                    w.write_all(b"\n").map_err(io_err(&part))?;
                }
                Ok(())
            })?;
            w.flush().map_err(io_err(&part))?;
        }
        InputFormat::Csv => {
            let mut w = csv::Writer::from_writer(std::io::BufWriter::new(file));
            let header = [
                "id",
                "debtor",
                "creditor",
                "agency",
                "from",
                "to",
                "channel",
                "time",
                "text",
                "connected",
                "duration",
            ];
            w.write_record(header).map_err(|e| BatchError::Invalid(e.to_string()))?;
            generate(opts, |rows| {
                for r in rows {
                    n += 1;
                    let c = r.connected.map(|b| b.to_string()).unwrap_or_default();
                    let d = r.duration.map(|d| d.to_string()).unwrap_or_default();
                    w.write_record(r.texts().into_iter().chain([c.as_str(), d.as_str()]))
                        .map_err(|e| BatchError::Invalid(e.to_string()))?;
                }
                Ok(())
            })?;
            w.flush().map_err(io_err(&part))?;
        }
    }
    std::fs::rename(&part, out).map_err(io_err(out))?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::parquet::file::reader::{FileReader, SerializedFileReader};

    #[test]
    fn parquet_row_groups_hold_the_rows_asked_for() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.parquet");
        let opts = GenOptions { messages: 2_500, seed: 1, per_debtor: 40 };
        assert_eq!(write_grouped(opts, &path, InputFormat::Parquet, 1_000).unwrap(), 2_500);
        let reader = SerializedFileReader::new(std::fs::File::open(&path).unwrap()).unwrap();
        let groups: Vec<i64> = reader.metadata().row_groups().iter().map(|g| g.num_rows()).collect();
        assert_eq!(groups, [1_000, 1_000, 500]);
    }
}
