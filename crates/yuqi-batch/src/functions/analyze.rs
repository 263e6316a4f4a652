//! The functions that produce hits: the analyzer on one message's text, and the merge of its
//! text hits with the log-level rules (`yuqi_log_rules`) into what `yuqi scan --log` reports.

use std::borrow::Cow;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, BooleanBuilder, StructArray, UInt32Builder};
use arrow::datatypes::{DataType, Field, Fields, UInt16Type};
use datafusion::common::Result;
use datafusion::logical_expr::{ColumnarValue, ScalarFunctionArgs, ScalarUDFImpl, Signature, Volatility};
use yuqi_conduct::code::basis;
use yuqi_conduct::{LogRules, Message};

use super::codes::code_mask;
use super::columns::{arrays, int64s, prims, strs, with_analyzer};
use super::hits::{HitRef, HitsBuilder, compact_hits_type, hits_list, hits_ref, hits_type};

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
        let mut out = HitsBuilder::new();
        with_analyzer(|analyzer, scratch| {
            for i in 0..args.number_rows {
                if let Some(t) = text.get(i) {
                    let msg = Message {
                        text: Cow::Borrowed(t),
                        from: from.get(i).map(Cow::Borrowed),
                        to: to.get(i).map(Cow::Borrowed),
                        ..Message::default()
                    };
                    for h in analyzer.analyze(&msg, scratch).hits {
                        out.push(&h);
                    }
                }
                out.end_row();
            }
        });
        Ok(ColumnarValue::Array(out.finish()?))
    }
}

// ---- yuqi_text_analysis(text, from, to) --------------------------------------------

/// `struct<hits, needs_confirmation, codes>`: the text hits (compact: without the basis, which
/// `yuqi_message_hits` adds from the code), whether the analyzer held the
/// message back as a possible genuine court notice (court-related codes withheld, to be
/// confirmed with the court, 12368), and the hits' codes as a mask (`codes::code_mask`), so
/// that the codes columns never read the hits back. One analysis per message gives all three,
/// so the scan never analyses twice.
pub fn text_analysis_type() -> DataType {
    DataType::Struct(text_analysis_fields())
}

fn text_analysis_fields() -> Fields {
    Fields::from(vec![
        Field::new("hits", compact_hits_type(), true),
        Field::new("needs_confirmation", DataType::Boolean, false),
        Field::new("codes", DataType::UInt32, false),
    ])
}

udf_struct!(TextAnalysis, 3);

impl ScalarUDFImpl for TextAnalysis {
    udf_common!("yuqi_text_analysis");

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(text_analysis_type())
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let a = arrays(&args)?;
        let (text, from, to) = (strs(&a[0], "text")?, strs(&a[1], "from")?, strs(&a[2], "to")?);
        let mut out = HitsBuilder::compact();
        let mut held = BooleanBuilder::with_capacity(args.number_rows);
        let mut codes = UInt32Builder::with_capacity(args.number_rows);
        with_analyzer(|analyzer, scratch| {
            for i in 0..args.number_rows {
                let mut needs_confirmation = false;
                let mut mask = 0;
                if let Some(t) = text.get(i) {
                    let msg = Message {
                        text: Cow::Borrowed(t),
                        from: from.get(i).map(Cow::Borrowed),
                        to: to.get(i).map(Cow::Borrowed),
                        ..Message::default()
                    };
                    let analysis = analyzer.analyze(&msg, scratch);
                    needs_confirmation = analysis.needs_confirmation;
                    mask = code_mask(&analysis.codes);
                    for h in &analysis.hits {
                        out.push(h);
                    }
                }
                held.append_value(needs_confirmation);
                codes.append_value(mask);
                out.end_row();
            }
        });
        let columns: Vec<ArrayRef> = vec![out.finish()?, Arc::new(held.finish()), Arc::new(codes.finish())];
        Ok(ColumnarValue::Array(Arc::new(StructArray::try_new(text_analysis_fields(), columns, None)?)))
    }
}

// ---- yuqi_message_hits(text_hits, log_rules, text_len) -----------------------------

udf_struct!(MessageHits, 3);

impl ScalarUDFImpl for MessageHits {
    udf_common!("yuqi_message_hits");

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(hits_type())
    }

    /// The message's hits as `yuqi scan --log` reports them: its text hits and its log rules'
    /// whole-message hits, sorted and with overlapping duplicates removed exactly as
    /// `yuqi_conduct::Analysis::finish` does. This is the one place the scan reads text hits
    /// back; codes come from the masks (`yuqi_codes`), not from this list.
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let a = arrays(&args)?;
        let text_hits = hits_list(&a[0], "text_hits")?;
        let rules = prims::<UInt16Type>(&a[1], "log_rules")?;
        let lengths = int64s(&a[2], "text_len")?;
        let mut out = HitsBuilder::new();
        let mut row: Vec<HitRef<'_>> = Vec::new();
        for i in 0..args.number_rows {
            let bits = LogRules::from_bits(rules.bits(i));
            row.clear();
            if let Some(list) = text_hits {
                hits_ref(list, i, &mut row)?;
            }
            if !bits.is_empty() {
                let len = if lengths.is_valid(i) { lengths.value(i).max(0) as usize } else { 0 };
                // Log-level hits cover the whole message, as in yuqi-conduct's log analysis.
                row.extend(bits.iter().map(|r| (r.code(), 0, len, r.rule(), basis(r.code()))));
                row.sort_by_key(|h| (h.1, h.2, h.0));
                row.dedup_by(|b, a| a.0 == b.0 && b.1 < a.2.max(a.1 + 1));
            }
            for (code, start, end, rule, basis) in &row {
                out.push_hit(code.as_str(), *start, *end, rule, basis);
            }
            out.end_row();
        }
        Ok(ColumnarValue::Array(out.finish()?))
    }
}
