//! The functions that read a hits column back for the report: the codes per row (all, or only
//! those judged by a standard already in force) and whether any hit predates its standard.

use std::sync::Arc;

use arrow::array::{ListArray, StringBuilder};
use arrow::buffer::OffsetBuffer;
use arrow::datatypes::{DataType, Field};
use datafusion::common::Result;
use datafusion::logical_expr::{ColumnarValue, ScalarFunctionArgs, ScalarUDFImpl, Signature, Volatility};
use yuqi_conduct::Code;

use super::columns::arrays;
use super::hits::{codes_type, hits_at, hits_list};

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
