//! The conduct analyzer registered as DataFusion functions.
//!
//! Scalar functions decide what one row can decide (text-level codes with their
//! spans, the local day and hour, the parameters in force on a day); the window
//! function `yuqi_sequence_hits` decides what needs a debtor's whole history in
//! time order (number rotation, contact after a stop request). Night contact and
//! daily frequency are plain SQL over these functions (see `scan.rs`), so that
//! the engine can partition and shuffle them like any other window.
//!
//! Every function delegates to `yuqi-conduct`, the same code the CLI and the web
//! app run, so a batch result can be checked message by message against it.
//! Functions are looked up by name on the scheduler and executors of a Ballista
//! cluster; [`scalar_functions`] and [`window_functions`] are the one list all
//! three register.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, Date32Builder, Int32Builder, Int64Array, Int64Builder, ListArray,
    StringBuilder, StructArray,
};
use arrow::buffer::OffsetBuffer;
use arrow::datatypes::{DataType, Field, FieldRef, Fields, TimeUnit};
use chrono::{DateTime, FixedOffset, NaiveDate, Timelike};
use datafusion::common::{Result, exec_err};
use datafusion::logical_expr::function::{PartitionEvaluatorArgs, WindowUDFFieldArgs};
use datafusion::logical_expr::{
    ColumnarValue, PartitionEvaluator, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility, WindowUDF,
    WindowUDFImpl,
};
use yuqi_conduct::code::basis;
use yuqi_conduct::log::{Params, params};
use yuqi_conduct::message::{china, parse_time};
use yuqi_conduct::{Analyzer, Code, Hit, Message, Scratch};

/// One function, as `yuqi-batch functions` and docs/batch.md list it.
#[derive(Debug, Clone, Copy)]
pub struct FunctionDoc {
    pub name: &'static str,
    pub signature: &'static str,
    pub zh: &'static str,
}

pub const FUNCTION_DOCS: &[FunctionDoc] = &[
    FunctionDoc {
        name: "yuqi_text_hits",
        signature: "yuqi_text_hits(text, from, to) -> list<struct<code, start, end, rule, basis>>",
        zh: "单条消息的文本违规命中：代码、原文字符位置、触发规则、法律依据（与命令行 scan 相同的分析器）",
    },
    FunctionDoc {
        name: "yuqi_codes", signature: "yuqi_codes(hits) -> list<utf8>", zh: "命中列表中的代码，排序去重"
    },
    FunctionDoc {
        name: "yuqi_log_hits",
        signature: "yuqi_log_hits(text_len, night_rule, frequency_rule, sequence_hits) -> list<struct<…>>",
        zh: "把夜间、频次规则名和序列命中合成为整条消息的命中",
    },
    FunctionDoc {
        name: "yuqi_merge_hits",
        signature: "yuqi_merge_hits(text_hits, log_hits) -> list<struct<…>>",
        zh: "合并文本命中和记录级命中，按位置排序并去重（与 yuqi scan --log 相同）",
    },
    FunctionDoc {
        name: "yuqi_codes_in_force",
        signature: "yuqi_codes_in_force(hits) -> list<utf8>",
        zh: "只取按当时已生效标准判断的命中的代码（去掉规则名以 before_standard 结尾的命中）；报告的比例用它",
    },
    FunctionDoc {
        name: "yuqi_before_standard",
        signature: "yuqi_before_standard(hits) -> boolean",
        zh: "是否有命中发生在相应标准生效之前（规则名以 before_standard 结尾）：这类命中只供参考，不计入比例",
    },
    FunctionDoc {
        name: "yuqi_frequency_rule",
        signature: "yuqi_frequency_rule(kind, nth_of_day, ms) -> utf8",
        zh: "当日第 nth 次接通电话（kind=connected_call）或未接通呼叫（attempt）若超过当日有效的上限，返回规则名",
    },
    FunctionDoc {
        name: "yuqi_bool",
        signature: "yuqi_bool(x) -> boolean",
        zh: "把 true/false、1/0、yes/no、是/否、接通/未接通 读作布尔值",
    },
    FunctionDoc {
        name: "yuqi_time_ms",
        signature: "yuqi_time_ms(time) -> int64",
        zh: "解析时间（RFC 3339、无时区按北京时间、秒或毫秒时间戳、Timestamp 列）为 UTC 毫秒；整数小于 10^11 视为秒",
    },
    FunctionDoc { name: "yuqi_local_day", signature: "yuqi_local_day(ms) -> date32", zh: "北京时间的日期" },
    FunctionDoc {
        name: "yuqi_night_rule",
        signature: "yuqi_night_rule(ms) -> utf8",
        zh: "若在当日有效的禁止催收时段内，返回规则名（night_contact.window / before_standard），否则为空",
    },
    FunctionDoc {
        name: "yuqi_limit",
        signature: "yuqi_limit(name, ms) -> int64",
        zh: "当日有效的频次上限：'connected'（每日接通次数）或 'attempts'（每日每号码呼叫次数）",
    },
    FunctionDoc {
        name: "yuqi_contact_kind",
        signature: "yuqi_contact_kind(from, channel, connected, duration) -> utf8",
        zh: "self（债务人本人）、connected_call、attempt 或 message",
    },
    FunctionDoc {
        name: "yuqi_sequence_hits",
        signature: "yuqi_sequence_hits(ms, from, to, creditor, channel, own_text, text_len) OVER (PARTITION BY debtor ORDER BY ms, id)",
        zh: "窗口函数：轮换号码催收、收到书面停止请求后继续联系（own_text 只需债务人本人消息的文字，text_len 为字符数）",
    },
];

/// The struct of one hit, as stored in the `hits` column.
pub fn hit_fields() -> Fields {
    Fields::from(vec![
        Field::new("code", DataType::Utf8, false),
        Field::new("start", DataType::Int32, false),
        Field::new("end", DataType::Int32, false),
        Field::new("rule", DataType::Utf8, false),
        Field::new("basis", DataType::Utf8, false),
    ])
}

pub fn hits_type() -> DataType {
    DataType::List(Arc::new(Field::new_list_field(DataType::Struct(hit_fields()), true)))
}

pub fn codes_type() -> DataType {
    DataType::List(Arc::new(Field::new_list_field(DataType::Utf8, true)))
}

/// Every scalar function, for sessions, schedulers and executors alike.
pub fn scalar_functions() -> Vec<ScalarUDF> {
    vec![
        ScalarUDF::new_from_impl(TextHits::new()),
        ScalarUDF::new_from_impl(Codes::new()),
        ScalarUDF::new_from_impl(CodesInForce::new()),
        ScalarUDF::new_from_impl(LogHits::new()),
        ScalarUDF::new_from_impl(MergeHits::new()),
        ScalarUDF::new_from_impl(BeforeStandard::new()),
        ScalarUDF::new_from_impl(FrequencyRule::new()),
        ScalarUDF::new_from_impl(BoolValue::new()),
        ScalarUDF::new_from_impl(TimeMs::new()),
        ScalarUDF::new_from_impl(LocalDay::new()),
        ScalarUDF::new_from_impl(NightRule::new()),
        ScalarUDF::new_from_impl(Limit::new()),
        ScalarUDF::new_from_impl(ContactKind::new()),
    ]
}

pub fn window_functions() -> Vec<WindowUDF> {
    vec![WindowUDF::new_from_impl(SequenceHits::new())]
}

// ---- column access -------------------------------------------------------------

/// Any string column (Utf8, LargeUtf8, Utf8View) or an all-null literal.
enum Strs<'a> {
    Utf8(&'a arrow::array::StringArray),
    Large(&'a arrow::array::LargeStringArray),
    View(&'a arrow::array::StringViewArray),
    Null,
}

impl Strs<'_> {
    fn get(&self, i: usize) -> Option<&str> {
        match self {
            Strs::Utf8(a) => a.is_valid(i).then(|| a.value(i)),
            Strs::Large(a) => a.is_valid(i).then(|| a.value(i)),
            Strs::View(a) => a.is_valid(i).then(|| a.value(i)),
            Strs::Null => None,
        }
    }
}

fn strs<'a>(a: &'a ArrayRef, what: &str) -> Result<Strs<'a>> {
    Ok(match a.data_type() {
        DataType::Utf8 => Strs::Utf8(a.as_string::<i32>()),
        DataType::LargeUtf8 => Strs::Large(a.as_string::<i64>()),
        DataType::Utf8View => Strs::View(a.as_string_view()),
        DataType::Null => Strs::Null,
        other => return exec_err!("{what}: expected a string column, got {other}"),
    })
}

fn bools(a: &ArrayRef, what: &str) -> Result<BooleanArray> {
    match a.data_type() {
        DataType::Boolean => Ok(a.as_boolean().clone()),
        DataType::Null => Ok(BooleanArray::new_null(a.len())),
        other => exec_err!("{what}: expected a boolean column, got {other}"),
    }
}

fn int64s(a: &ArrayRef, what: &str) -> Result<Int64Array> {
    match a.data_type() {
        DataType::Null => Ok(Int64Array::new_null(a.len())),
        t if t.is_integer() => Ok(arrow::compute::cast(a, &DataType::Int64)?.as_primitive().clone()),
        other => exec_err!("{what}: expected an integer column, got {other}"),
    }
}

fn arrays(args: &ScalarFunctionArgs) -> Result<Vec<ArrayRef>> {
    args.args.iter().map(|a| a.to_array(args.number_rows)).collect()
}

fn local(ms: i64) -> Option<DateTime<FixedOffset>> {
    DateTime::from_timestamp_millis(ms).map(|t| t.with_timezone(&china()))
}

thread_local! {
    static PARAMS: RefCell<HashMap<NaiveDate, Option<Params>>> = RefCell::new(HashMap::new());
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// The log parameters in force on `day` (cached per thread: they change a few
/// times a decade, and a batch asks millions of times).
fn params_on(day: NaiveDate) -> Option<Params> {
    PARAMS.with(|c| *c.borrow_mut().entry(day).or_insert_with(|| params(day)))
}

const EPOCH_DAYS_CE: i32 = 719_163; // NaiveDate::from_ymd(1970,1,1).num_days_from_ce()

// ---- hits as Arrow ---------------------------------------------------------------

/// Builds a `list<struct<hit>>` column, one list per row.
#[derive(Default)]
struct HitsBuilder {
    offsets: Vec<i32>,
    hits: usize,
    rows_len: usize,
    code: StringBuilder,
    start: Int32Builder,
    end: Int32Builder,
    rule: StringBuilder,
    basis: StringBuilder,
}

impl HitsBuilder {
    fn new() -> HitsBuilder {
        HitsBuilder { offsets: vec![0], ..HitsBuilder::default() }
    }

    fn push_hit(&mut self, code: &str, start: usize, end: usize, rule: &str, basis: &str) {
        self.hits += 1;
        self.code.append_value(code);
        self.start.append_value(i32::try_from(start).unwrap_or(i32::MAX));
        self.end.append_value(i32::try_from(end).unwrap_or(i32::MAX));
        self.rule.append_value(rule);
        self.basis.append_value(basis);
    }

    fn push(&mut self, h: &Hit) {
        self.push_hit(h.code.as_str(), h.start, h.end, &h.rule, h.basis);
    }

    fn end_row(&mut self) {
        self.rows_len += 1;
        self.offsets.push(i32::try_from(self.hits).unwrap_or(i32::MAX));
    }

    fn finish(mut self) -> Result<ArrayRef> {
        let values = StructArray::try_new(
            hit_fields(),
            vec![
                Arc::new(self.code.finish()),
                Arc::new(self.start.finish()),
                Arc::new(self.end.finish()),
                Arc::new(self.rule.finish()),
                Arc::new(self.basis.finish()),
            ],
            None,
        )?;
        let field = Arc::new(Field::new_list_field(DataType::Struct(hit_fields()), true));
        Ok(Arc::new(ListArray::try_new(field, OffsetBuffer::new(self.offsets.into()), Arc::new(values), None)?))
    }
}

/// Copies row `i` of a hits column into the builder.
/// One hit read back from Arrow: (code, start, end, rule, basis).
type HitRow = (String, usize, usize, String, String);

/// Row `i` of a hits column, as owned hit rows.
fn hits_at(list: &ListArray, i: usize) -> Result<Vec<HitRow>> {
    if list.is_null(i) {
        return Ok(Vec::new());
    }
    let item = list.value(i);
    let s = item.as_struct();
    let (code, rule, basis) = (strs(s.column(0), "code")?, strs(s.column(3), "rule")?, strs(s.column(4), "basis")?);
    let (start, end) = (int64s(s.column(1), "start")?, int64s(s.column(2), "end")?);
    Ok((0..s.len())
        .map(|j| {
            (
                code.get(j).unwrap_or_default().to_string(),
                start.value(j).max(0) as usize,
                end.value(j).max(0) as usize,
                rule.get(j).unwrap_or_default().to_string(),
                basis.get(j).unwrap_or_default().to_string(),
            )
        })
        .collect())
}

fn copy_hits(list: &ListArray, i: usize, out: &mut HitsBuilder) -> Result<()> {
    for (code, start, end, rule, basis) in hits_at(list, i)? {
        out.push_hit(&code, start, end, &rule, &basis);
    }
    Ok(())
}

fn hits_list<'a>(a: &'a ArrayRef, what: &str) -> Result<Option<&'a ListArray>> {
    match a.data_type() {
        DataType::Null => Ok(None),
        DataType::List(f) if f.data_type() == &DataType::Struct(hit_fields()) => Ok(Some(a.as_list::<i32>())),
        other => exec_err!("{what}: expected a hits column, got {other}"),
    }
}

macro_rules! udf_common {
    ($name:literal) => {
        fn name(&self) -> &str {
            $name
        }
        fn signature(&self) -> &Signature {
            &self.signature
        }
    };
}

macro_rules! udf_struct {
    ($ty:ident, $n:expr) => {
        #[derive(Debug, PartialEq, Eq, Hash)]
        pub struct $ty {
            signature: Signature,
        }
        impl $ty {
            pub fn new() -> $ty {
                $ty { signature: Signature::any($n, Volatility::Immutable) }
            }
        }
        impl Default for $ty {
            fn default() -> $ty {
                $ty::new()
            }
        }
    };
}

// ---- yuqi_text_hits(text, from, to) ----------------------------------------------

udf_struct!(TextHits, 3);

impl ScalarUDFImpl for TextHits {
    udf_common!("yuqi_text_hits");

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(hits_type())
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let a = arrays(&args)?;
        let (text, from, to) = (strs(&a[0], "text")?, strs(&a[1], "from")?, strs(&a[2], "to")?);
        let analyzer = Analyzer::shared();
        let mut out = HitsBuilder::new();
        SCRATCH.with(|s| {
            let mut scratch = s.borrow_mut();
            for i in 0..args.number_rows {
                if let Some(t) = text.get(i) {
                    let msg = Message {
                        text: Cow::Borrowed(t),
                        from: from.get(i).map(Cow::Borrowed),
                        to: to.get(i).map(Cow::Borrowed),
                        ..Message::default()
                    };
                    for h in analyzer.analyze(&msg, &mut scratch).hits {
                        out.push(&h);
                    }
                }
                out.end_row();
            }
        });
        Ok(ColumnarValue::Array(out.finish()?))
    }
}

// ---- yuqi_codes(hits) ------------------------------------------------------------

udf_struct!(Codes, 1);

impl ScalarUDFImpl for Codes {
    udf_common!("yuqi_codes");

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(codes_type())
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        codes_of(&args, true)
    }
}

udf_struct!(CodesInForce, 1);

impl ScalarUDFImpl for CodesInForce {
    udf_common!("yuqi_codes_in_force");

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(codes_type())
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        codes_of(&args, false)
    }
}

/// The sorted, distinct codes of each row's hits; without `before_standard` hits
/// unless `all`.
fn codes_of(args: &ScalarFunctionArgs, all: bool) -> Result<ColumnarValue> {
    let a = arrays(args)?;
    let mut values = StringBuilder::new();
    let mut offsets = vec![0i32];
    let mut codes: Vec<Code> = Vec::new();
    let mut total = 0usize;
    if let Some(list) = hits_list(&a[0], "hits")? {
        for i in 0..args.number_rows {
            codes.clear();
            codes.extend(
                hits_at(list, i)?
                    .iter()
                    .filter(|h| all || !h.3.ends_with("before_standard"))
                    .filter_map(|h| Code::parse(&h.0)),
            );
            codes.sort();
            codes.dedup();
            for c in &codes {
                values.append_value(c.as_str());
            }
            total += codes.len();
            offsets.push(i32::try_from(total).unwrap_or(i32::MAX));
        }
    } else {
        offsets.resize(args.number_rows + 1, 0);
    }
    let field = Arc::new(Field::new_list_field(DataType::Utf8, true));
    let list = ListArray::try_new(field, OffsetBuffer::new(offsets.into()), Arc::new(values.finish()), None)?;
    Ok(ColumnarValue::Array(Arc::new(list)))
}

// ---- yuqi_log_hits(text_len, night_rule, frequency_rule, sequence_hits) ----------

udf_struct!(LogHits, 4);

impl ScalarUDFImpl for LogHits {
    udf_common!("yuqi_log_hits");

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(hits_type())
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let a = arrays(&args)?;
        // The message's length in characters (or its text, for ad-hoc SQL).
        let lengths: Vec<usize> = match a[0].data_type() {
            t if t.is_integer() || t == &DataType::Null => {
                int64s(&a[0], "text_len")?.iter().map(|v| v.unwrap_or(0).max(0) as usize).collect()
            }
            _ => {
                let text = strs(&a[0], "text")?;
                (0..args.number_rows).map(|i| text.get(i).map_or(0, |t| t.chars().count())).collect()
            }
        };
        let night = strs(&a[1], "night_rule")?;
        let freq = strs(&a[2], "frequency_rule")?;
        let seq = hits_list(&a[3], "sequence_hits")?;
        let mut out = HitsBuilder::new();
        for (i, &len) in lengths.iter().enumerate() {
            // Log-level hits cover the whole message, as in yuqi-conduct's log analysis.
            if let Some(rule) = night.get(i) {
                out.push_hit(Code::NightContact.as_str(), 0, len, rule, basis(Code::NightContact));
            }
            if let Some(rule) = freq.get(i) {
                out.push_hit(Code::FrequentContact.as_str(), 0, len, rule, basis(Code::FrequentContact));
            }
            if let Some(list) = seq {
                copy_hits(list, i, &mut out)?;
            }
            out.end_row();
        }
        Ok(ColumnarValue::Array(out.finish()?))
    }
}

// ---- yuqi_merge_hits(text_hits, log_hits) ----------------------------------------

udf_struct!(MergeHits, 2);

impl ScalarUDFImpl for MergeHits {
    udf_common!("yuqi_merge_hits");

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(hits_type())
    }

    /// Concatenates, then sorts and removes overlapping duplicates exactly as
    /// `yuqi_conduct::Analysis::finish` does for `yuqi scan --log`.
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let a = arrays(&args)?;
        let (x, y) = (hits_list(&a[0], "text_hits")?, hits_list(&a[1], "log_hits")?);
        let mut out = HitsBuilder::new();
        for i in 0..args.number_rows {
            let mut hits = Vec::new();
            for l in [x, y].into_iter().flatten() {
                hits.extend(hits_at(l, i)?);
            }
            let mut keyed: Vec<(Code, HitRow)> =
                hits.into_iter().filter_map(|h| Code::parse(&h.0).map(|c| (c, h))).collect();
            keyed.sort_by_key(|(c, h)| (h.1, h.2, *c));
            keyed.dedup_by(|b, a| a.0 == b.0 && b.1.1 < a.1.2.max(a.1.1 + 1));
            for (_, (code, start, end, rule, basis)) in &keyed {
                out.push_hit(code, *start, *end, rule, basis);
            }
            out.end_row();
        }
        Ok(ColumnarValue::Array(out.finish()?))
    }
}

// ---- yuqi_before_standard(hits) --------------------------------------------------

udf_struct!(BeforeStandard, 1);

impl ScalarUDFImpl for BeforeStandard {
    udf_common!("yuqi_before_standard");

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Boolean)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let a = arrays(&args)?;
        let list = hits_list(&a[0], "hits")?;
        let mut out = arrow::array::BooleanBuilder::with_capacity(args.number_rows);
        for i in 0..args.number_rows {
            let hits = match list {
                Some(l) => hits_at(l, i)?,
                None => Vec::new(),
            };
            out.append_value(hits.iter().any(|h| h.3.ends_with("before_standard")));
        }
        Ok(ColumnarValue::Array(Arc::new(out.finish())))
    }
}

// ---- yuqi_frequency_rule(kind, nth_of_day, ms) -----------------------------------

udf_struct!(FrequencyRule, 3);

impl ScalarUDFImpl for FrequencyRule {
    udf_common!("yuqi_frequency_rule");

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let a = arrays(&args)?;
        let kind = strs(&a[0], "kind")?;
        let nth = int64s(&a[1], "nth_of_day")?;
        let ms = int64s(&a[2], "ms")?;
        let mut out = StringBuilder::new();
        for i in 0..args.number_rows {
            let t = ms.is_valid(i).then(|| ms.value(i)).and_then(local);
            let n = nth.is_valid(i).then(|| usize::try_from(nth.value(i)).unwrap_or(0));
            let rule = match (kind.get(i), t, n) {
                (Some(k @ ("connected_call" | "attempt")), Some(t), Some(n)) => {
                    let day = t.date_naive();
                    params_on(day).and_then(|p| p.frequency_rule(day, k == "connected_call", n))
                }
                _ => None,
            };
            out.append_option(rule);
        }
        Ok(ColumnarValue::Array(Arc::new(out.finish())))
    }
}

// ---- yuqi_bool(x) ----------------------------------------------------------------

udf_struct!(BoolValue, 1);

/// The spellings of yes and no seen in exports and spreadsheets.
pub fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "t" | "1" | "yes" | "y" | "是" | "接通" | "已接通" => Some(true),
        "false" | "f" | "0" | "no" | "n" | "否" | "未接通" | "未接" => Some(false),
        _ => None,
    }
}

impl ScalarUDFImpl for BoolValue {
    udf_common!("yuqi_bool");

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Boolean)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let a = arrays(&args)?;
        let col = &a[0];
        let out: BooleanArray = match col.data_type() {
            DataType::Boolean | DataType::Null => bools(col, "x")?,
            t if t.is_integer() => int64s(col, "x")?.iter().map(|v| v.map(|v| v != 0)).collect(),
            _ => {
                let s = strs(col, "x")?;
                (0..args.number_rows).map(|i| s.get(i).and_then(parse_bool)).collect()
            }
        };
        Ok(ColumnarValue::Array(Arc::new(out)))
    }
}

// ---- yuqi_time_ms(time) ----------------------------------------------------------

udf_struct!(TimeMs, 1);

impl ScalarUDFImpl for TimeMs {
    udf_common!("yuqi_time_ms");

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Int64)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let a = arrays(&args)?;
        let col = &a[0];
        let out: Int64Array = match col.data_type() {
            DataType::Timestamp(_, tz) => {
                let ms = arrow::compute::cast(col, &DataType::Timestamp(TimeUnit::Millisecond, tz.clone()))?;
                let ms = ms.as_primitive::<arrow::datatypes::TimestampMillisecondType>();
                // A timestamp without a zone is local time in China, like a string without an offset.
                let shift = if tz.is_none() { 8 * 3_600_000 } else { 0 };
                ms.iter().map(|v| v.map(|v| v - shift)).collect()
            }
            // Epoch seconds or milliseconds: below 10^11 a value is seconds (10^11 ms is 1973).
            t if t.is_integer() => int64s(col, "time")?
                .iter()
                .map(|v| v.map(|v| if v.abs() < 100_000_000_000 { v * 1000 } else { v }))
                .collect(),
            _ => {
                let s = strs(col, "time")?;
                (0..args.number_rows).map(|i| s.get(i).and_then(parse_time).map(|t| t.timestamp_millis())).collect()
            }
        };
        Ok(ColumnarValue::Array(Arc::new(out)))
    }
}

// ---- yuqi_local_day(ms) ----------------------------------------------------------

udf_struct!(LocalDay, 1);

impl ScalarUDFImpl for LocalDay {
    udf_common!("yuqi_local_day");

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Date32)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let a = arrays(&args)?;
        let ms = int64s(&a[0], "ms")?;
        let mut out = Date32Builder::with_capacity(ms.len());
        for v in ms.iter() {
            use chrono::Datelike;
            out.append_option(v.and_then(local).map(|t| t.date_naive().num_days_from_ce() - EPOCH_DAYS_CE));
        }
        Ok(ColumnarValue::Array(Arc::new(out.finish())))
    }
}

// ---- yuqi_night_rule(ms) ---------------------------------------------------------

udf_struct!(NightRule, 1);

impl ScalarUDFImpl for NightRule {
    udf_common!("yuqi_night_rule");

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let a = arrays(&args)?;
        let ms = int64s(&a[0], "ms")?;
        let mut out = StringBuilder::new();
        for v in ms.iter() {
            let rule = v.and_then(local).and_then(|t| {
                let day = t.date_naive();
                params_on(day).and_then(|p| p.night_rule(day, t.hour()))
            });
            out.append_option(rule);
        }
        Ok(ColumnarValue::Array(Arc::new(out.finish())))
    }
}

// ---- yuqi_limit(name, ms) --------------------------------------------------------

udf_struct!(Limit, 2);

impl ScalarUDFImpl for Limit {
    udf_common!("yuqi_limit");

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Int64)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let a = arrays(&args)?;
        let name = strs(&a[0], "name")?;
        let ms = int64s(&a[1], "ms")?;
        let mut out = Int64Builder::with_capacity(ms.len());
        for i in 0..args.number_rows {
            let p = ms.is_valid(i).then(|| ms.value(i)).and_then(local).and_then(|t| params_on(t.date_naive()));
            let v = match (name.get(i), p) {
                (Some("connected"), Some(p)) => Some(p.max_connected as i64),
                (Some("attempts"), Some(p)) => Some(p.max_attempts as i64),
                (Some("connected" | "attempts"), None) | (None, _) => None,
                (Some(other), _) => return exec_err!("yuqi_limit: unknown limit {other:?} (connected, attempts)"),
            };
            out.append_option(v);
        }
        Ok(ColumnarValue::Array(Arc::new(out.finish())))
    }
}

// ---- yuqi_contact_kind(from, channel, connected, duration) -----------------------

udf_struct!(ContactKind, 4);

impl ScalarUDFImpl for ContactKind {
    udf_common!("yuqi_contact_kind");

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let a = arrays(&args)?;
        let (from, channel) = (strs(&a[0], "from")?, strs(&a[1], "channel")?);
        let connected = bools(&a[2], "connected")?;
        let duration = int64s(&a[3], "duration")?;
        let analyzer = Analyzer::shared();
        let mut out = StringBuilder::new();
        for i in 0..args.number_rows {
            let m = Message {
                channel: channel.get(i).map(Cow::Borrowed),
                connected: connected.is_valid(i).then(|| connected.value(i)),
                duration: duration.is_valid(i).then(|| u32::try_from(duration.value(i).max(0)).unwrap_or(u32::MAX)),
                ..Message::default()
            };
            let kind = if from.get(i).is_some_and(|f| analyzer.is_self_sender(f)) {
                "self"
            } else if !m.is_call() {
                "message"
            } else if m.answered() {
                "connected_call"
            } else {
                "attempt"
            };
            out.append_value(kind);
        }
        Ok(ColumnarValue::Array(Arc::new(out.finish())))
    }
}

// ---- yuqi_sequence_hits(ms, from, to, creditor, channel, own_text, text_len) OVER (…)

/// Number rotation and contact after a stop request need a debtor's history in
/// time order; the evaluator runs yuqi-conduct's log analysis over the partition
/// and keeps those two codes (night and frequency come from SQL windows).
///
/// Only the debtor's own messages need their text (to find stop requests); for the
/// others the character count is enough, since log-level hits span the whole
/// message. Keeping collectors' texts out of the window is what keeps a window
/// over millions of rows within memory.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct SequenceHits {
    signature: Signature,
}

impl SequenceHits {
    pub fn new() -> SequenceHits {
        SequenceHits { signature: Signature::any(7, Volatility::Immutable) }
    }
}

impl Default for SequenceHits {
    fn default() -> SequenceHits {
        SequenceHits::new()
    }
}

impl WindowUDFImpl for SequenceHits {
    fn name(&self) -> &str {
        "yuqi_sequence_hits"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn partition_evaluator(&self, _: PartitionEvaluatorArgs) -> Result<Box<dyn PartitionEvaluator>> {
        Ok(Box::new(SequenceEvaluator))
    }
    fn field(&self, args: WindowUDFFieldArgs) -> Result<FieldRef> {
        Ok(Arc::new(Field::new(args.name(), hits_type(), true)))
    }
}

#[derive(Debug)]
struct SequenceEvaluator;

impl PartitionEvaluator for SequenceEvaluator {
    fn evaluate_all(&mut self, values: &[ArrayRef], num_rows: usize) -> Result<ArrayRef> {
        if values.len() != 7 {
            return exec_err!("yuqi_sequence_hits takes (ms, from, to, creditor, channel, own_text, text_len)");
        }
        let ms = int64s(&values[0], "ms")?;
        let (from, to, creditor, channel, text) = (
            strs(&values[1], "from")?,
            strs(&values[2], "to")?,
            strs(&values[3], "creditor")?,
            strs(&values[4], "channel")?,
            strs(&values[5], "own_text")?,
        );
        let text_len = int64s(&values[6], "text_len")?;
        let msgs: Vec<Message<'_>> = (0..num_rows)
            .map(|i| Message {
                text: Cow::Borrowed(text.get(i).unwrap_or("")),
                time: ms.is_valid(i).then(|| ms.value(i)).and_then(local).map(|t| Cow::Owned(t.to_rfc3339())),
                from: from.get(i).map(Cow::Borrowed),
                to: to.get(i).map(Cow::Borrowed),
                channel: channel.get(i).map(Cow::Borrowed),
                creditor: creditor.get(i).map(Cow::Borrowed),
                ..Message::default()
            })
            .collect();
        let hits = Analyzer::shared().analyze_log(&msgs);
        let mut out = HitsBuilder::new();
        for (i, row) in hits.iter().enumerate() {
            let len = if text_len.is_valid(i) { text_len.value(i).max(0) as usize } else { 0 };
            for h in row.iter().filter(|h| matches!(h.code, Code::NumberRotation | Code::StopIgnored)) {
                // Whole-message hits: the span is the message's full length.
                out.push_hit(h.code.as_str(), 0, len, &h.rule, h.basis);
            }
            out.end_row();
        }
        out.finish()
    }
}
