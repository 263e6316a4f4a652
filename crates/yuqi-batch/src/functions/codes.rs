//! The codes columns, from masks rather than from the hits list: a message's text codes come
//! out of its analysis as a mask (`yuqi_text_analysis` → `codes`), its log rules as
//! `yuqi_log_rules`' bits, so the codes (all, or only those judged by a standard already in
//! force) and whether any hit predates its standard never decode the hits again.

use std::sync::Arc;

use arrow::array::{Array, AsArray, ListArray, StringBuilder};
use arrow::buffer::OffsetBuffer;
use arrow::datatypes::{DataType, Field, UInt16Type, UInt32Type};
use datafusion::common::{Result, exec_err};
use datafusion::logical_expr::{ColumnarValue, ScalarFunctionArgs, ScalarUDFImpl, Signature, Volatility};
use yuqi_conduct::{Code, LogRules};

use super::columns::{arrays, prims, strs};
use super::hits::codes_type;

/// A code's bit in a code mask: bit *k* is `Code::ALL[k]` (the masks of `yuqi_text_analysis`,
/// `yuqi_code_mask` and the report's tests of them).
pub fn code_bit(code: Code) -> Option<u32> {
    Code::ALL.iter().position(|x| *x == code).and_then(|k| u32::try_from(k).ok())
}

/// The codes of one analysis as a mask.
pub(super) fn code_mask(codes: &[Code]) -> u32 {
    codes.iter().fold(0, |m, c| m | code_bit(*c).map_or(0, |k| 1 << k))
}

/// The codes of a text mask and log rules, sorted and distinct; without the rules judged
/// before their standard took effect unless `all`.
fn codes(text: u32, rules: LogRules, all: bool) -> impl Iterator<Item = Code> {
    let mask = mask(text, rules, all);
    // Code::ALL is in Code's order, so the codes come out sorted.
    Code::ALL.into_iter().enumerate().filter(move |(k, _)| mask & (1 << k) != 0).map(|(_, c)| c)
}

/// The mask of [`codes`].
fn mask(text: u32, rules: LogRules, all: bool) -> u32 {
    text | rules.iter().filter(|r| all || !r.before_standard()).fold(0u32, |m, r| m | code_mask(&[r.code()]))
}

/// The mask of the codes in force (`yuqi_codes_in_force`), for functions that test a code.
pub(super) fn in_force_mask(text: u32, rules: LogRules) -> u32 {
    mask(text, rules, false)
}

fn codes_column(args: &ScalarFunctionArgs, all: bool) -> Result<ColumnarValue> {
    let a = arrays(args)?;
    let (text, rules) = (prims::<UInt32Type>(&a[0], "text_codes")?, prims::<UInt16Type>(&a[1], "log_rules")?);
    let mut values = StringBuilder::new();
    let mut offsets = Vec::with_capacity(args.number_rows + 1);
    offsets.push(0i32);
    let mut total = 0usize;
    for i in 0..args.number_rows {
        for c in codes(text.bits(i), LogRules::from_bits(rules.bits(i)), all) {
            values.append_value(c.as_str());
            total += 1;
        }
        offsets.push(i32::try_from(total).unwrap_or(i32::MAX));
    }
    let field = Arc::new(Field::new_list_field(DataType::Utf8, true));
    let list = ListArray::try_new(field, OffsetBuffer::new(offsets.into()), Arc::new(values.finish()), None)?;
    Ok(ColumnarValue::Array(Arc::new(list)))
}

// ---- yuqi_codes(text_codes, log_rules) ---------------------------------------------

udf_struct!(Codes, 2);

impl ScalarUDFImpl for Codes {
    udf_common!("yuqi_codes");

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(codes_type())
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        codes_column(&args, true)
    }
}

// ---- yuqi_codes_in_force(text_codes, log_rules) ------------------------------------

udf_struct!(CodesInForce, 2);

impl ScalarUDFImpl for CodesInForce {
    udf_common!("yuqi_codes_in_force");

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(codes_type())
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        codes_column(&args, false)
    }
}

// ---- yuqi_before_standard(log_rules) -----------------------------------------------

udf_struct!(BeforeStandard, 1);

impl ScalarUDFImpl for BeforeStandard {
    udf_common!("yuqi_before_standard");

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Boolean)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let a = arrays(&args)?;
        let rules = prims::<UInt16Type>(&a[0], "log_rules")?;
        let out: arrow::array::BooleanArray = (0..args.number_rows)
            .map(|i| Some(LogRules::from_bits(rules.bits(i)).iter().any(|r| r.before_standard())))
            .collect();
        Ok(ColumnarValue::Array(Arc::new(out)))
    }
}

// ---- yuqi_code_mask(codes) -----------------------------------------------------------

udf_struct!(CodeMask, 1);

impl ScalarUDFImpl for CodeMask {
    udf_common!("yuqi_code_mask");

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::UInt32)
    }

    /// A codes column read back (the written `codes_in_force`) as the mask of [`code_mask`],
    /// so that the report tests each code with a shift instead of searching a list of strings
    /// once per code. Unknown names are an error: they would silently drop out of the counts.
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let a = arrays(&args)?;
        let list = match a[0].data_type() {
            DataType::List(_) => a[0].as_list::<i32>(),
            other => return exec_err!("yuqi_code_mask: expected a list of code names, got {other}"),
        };
        let names = strs(list.values(), "codes")?;
        let offsets = list.value_offsets();
        let mut out = arrow::array::UInt32Builder::with_capacity(args.number_rows);
        for i in 0..args.number_rows {
            if list.is_null(i) {
                out.append_value(0);
                continue;
            }
            let mut mask = 0u32;
            for j in offsets[i] as usize..offsets[i + 1] as usize {
                let Some(name) = names.get(j) else { continue };
                match Code::parse(name) {
                    Some(c) => mask |= code_mask(&[c]),
                    None => return exec_err!("yuqi_code_mask: unknown code {name:?}"),
                }
            }
            out.append_value(mask);
        }
        Ok(ColumnarValue::Array(Arc::new(out.finish())))
    }
}
