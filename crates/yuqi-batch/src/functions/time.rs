//! The functions about time: parsing a timestamp, the local day, and the night window and
//! frequency limits in force on that day, which change over the years.

use std::sync::Arc;

use arrow::array::{Array, AsArray, Date32Builder, Int64Array, Int64Builder, StringBuilder};
use arrow::datatypes::{DataType, TimeUnit};
use chrono::Timelike;
use datafusion::common::{Result, exec_err};
use datafusion::logical_expr::{ColumnarValue, ScalarFunctionArgs, ScalarUDFImpl, Signature, Volatility};
use yuqi_conduct::log::params;
use yuqi_conduct::message::parse_time;

use super::columns::{EPOCH_DAYS_CE, arrays, int64s, local, strs};

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
                params(day).and_then(|p| p.night_rule(day, t.hour())).map(|r| r.rule())
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
            let p = ms.is_valid(i).then(|| ms.value(i)).and_then(local).and_then(|t| params(t.date_naive()));
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
