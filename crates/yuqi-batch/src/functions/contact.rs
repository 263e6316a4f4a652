//! The functions that classify a contact: reading the many spellings of yes and no, and telling
//! the debtor's own messages, connected calls, attempts and messages apart.

use std::borrow::Cow;
use std::sync::Arc;

use arrow::array::{Array, BooleanArray, StringBuilder};
use arrow::datatypes::DataType;
use datafusion::common::Result;
use datafusion::logical_expr::{ColumnarValue, ScalarFunctionArgs, ScalarUDFImpl, Signature, Volatility};
use yuqi_conduct::{Analyzer, Message};

use super::columns::{arrays, bools, int64s, strs};

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
