//! `yuqi_report_marks`: what the report counts once per debtor, marked on the one row where it
//! is first seen, so that the report adds flags up in one plain `GROUP BY` instead of grouping
//! by debtor and by day first (three levels of aggregation over every contact, three times).
//!
//! A second window over the same order as `yuqi_log_rules` (`PARTITION BY debtor ORDER BY ms,
//! id`), so it needs no sort of its own; it streams, keeping per debtor only the creditors,
//! agencies and sender numbers seen so far and those with a frequency breach on the current day.

use std::collections::HashSet;
use std::ops::Range;
use std::sync::Arc;

use arrow::array::{ArrayRef, UInt8Builder};
use arrow::datatypes::{DataType, Date32Type, Field, FieldRef, UInt16Type, UInt32Type};
use datafusion::common::{Result, ScalarValue, exec_err};
use datafusion::logical_expr::function::{PartitionEvaluatorArgs, WindowUDFFieldArgs};
use datafusion::logical_expr::{PartitionEvaluator, Signature, Volatility, WindowUDFImpl};
use yuqi_conduct::{Code, LogRules};

use super::codes::{code_bit, in_force_mask};
use super::columns::{Prims, Strs, prims, strs};

/// The dimensions a report groups by, in the order of their bits: `COALESCE(column, '')` is
/// the group's key, as the report's query has it.
const KEYS: usize = 3;

/// The bits of `report_marks`. For dimension *d* (0 creditor, 1 agency, 2 sender number):
/// bit *d*: this is the debtor's first contact (not the debtor's own message) under this row's
/// key of *d*; bit 3 + *d*: its first contact with a frequency breach (judged by a standard in
/// force) under that key on this China-local day. Bit 6: the debtor's first row of any kind.
pub const FIRST_CONTACT: u8 = 0;
pub const FIRST_BREACH_OF_DAY: u8 = 3;
pub const FIRST_ROW: u8 = 6;

udf_struct!(ReportMarksWindow, 7);

impl WindowUDFImpl for ReportMarksWindow {
    udf_common!("yuqi_report_marks");

    fn partition_evaluator(&self, _: PartitionEvaluatorArgs) -> Result<Box<dyn PartitionEvaluator>> {
        Ok(Box::new(MarksEvaluator::default()))
    }
    fn field(&self, args: WindowUDFFieldArgs) -> Result<FieldRef> {
        Ok(Arc::new(Field::new(args.name(), DataType::UInt8, false)))
    }
}

/// One debtor's keys seen so far (DataFusion makes one evaluator per window partition).
#[derive(Debug, Default)]
struct MarksEvaluator {
    rows: u64,
    seen: [HashSet<String>; KEYS],
    /// The day of the breaches in `breached` (the rows come in time order, so a new day
    /// starts a new set), and the keys with a breach that day.
    day: Option<i32>,
    breached: [HashSet<String>; KEYS],
}

struct Args<'a> {
    kind: Strs<'a>,
    keys: [Strs<'a>; KEYS],
    day: Prims<'a, Date32Type>,
    text_codes: Prims<'a, UInt32Type>,
    rules: Prims<'a, UInt16Type>,
}

impl<'a> Args<'a> {
    fn read(values: &'a [ArrayRef]) -> Result<Args<'a>> {
        if values.len() != 7 {
            return exec_err!("yuqi_report_marks takes (kind, creditor, agency, sender, day, text_codes, log_rules)");
        }
        Ok(Args {
            kind: strs(&values[0], "kind")?,
            keys: [strs(&values[1], "creditor")?, strs(&values[2], "agency")?, strs(&values[3], "sender")?],
            day: prims(&values[4], "day")?,
            text_codes: prims(&values[5], "text_codes")?,
            rules: prims(&values[6], "log_rules")?,
        })
    }
}

impl MarksEvaluator {
    fn mark(&mut self, a: &Args<'_>, i: usize) -> u8 {
        let mut bits = 0u8;
        if self.rows == 0 {
            bits |= 1 << FIRST_ROW;
        }
        self.rows += 1;
        if a.kind.get(i) == Some("self") {
            return bits;
        }
        let keys = a.keys.each_ref().map(|k| k.get(i).unwrap_or(""));
        for (d, key) in keys.iter().enumerate() {
            if !self.seen[d].contains(*key) {
                self.seen[d].insert((*key).to_string());
                bits |= 1 << (FIRST_CONTACT as usize + d);
            }
        }
        let breach = code_bit(Code::FrequentContact)
            .is_some_and(|k| in_force_mask(a.text_codes.bits(i), LogRules::from_bits(a.rules.bits(i))) & (1 << k) != 0);
        let day = a.day.get(i);
        // A breach without a day cannot be counted by day (the report's rule too).
        if let (true, Some(day)) = (breach, day) {
            if self.day != Some(day) {
                self.day = Some(day);
                self.breached.iter_mut().for_each(HashSet::clear);
            }
            for (d, key) in keys.iter().enumerate() {
                if !self.breached[d].contains(*key) {
                    self.breached[d].insert((*key).to_string());
                    bits |= 1 << (FIRST_BREACH_OF_DAY as usize + d);
                }
            }
        }
        bits
    }
}

impl PartitionEvaluator for MarksEvaluator {
    /// Streaming: one row at a time, in the partition's order, with no look-ahead.
    fn supports_bounded_execution(&self) -> bool {
        true
    }

    fn is_causal(&self) -> bool {
        true
    }

    fn evaluate(&mut self, values: &[ArrayRef], range: &Range<usize>) -> Result<ScalarValue> {
        let bits = self.mark(&Args::read(values)?, range.start);
        Ok(ScalarValue::UInt8(Some(bits)))
    }

    fn evaluate_all(&mut self, values: &[ArrayRef], num_rows: usize) -> Result<ArrayRef> {
        let args = Args::read(values)?;
        let mut out = UInt8Builder::with_capacity(num_rows);
        for i in 0..num_rows {
            out.append_value(self.mark(&args, i));
        }
        Ok(Arc::new(out.finish()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{AsArray, Date32Array, StringArray, UInt16Array, UInt32Array};

    /// Bit 2 of LogRules is `ConnectedCalls` (a frequency breach in force); bit 3 the same rule
    /// judged before its standard took effect, which the report does not count.
    const BREACH: u16 = 1 << 2;
    const BREACH_BEFORE_STANDARD: u16 = 1 << 3;

    #[test]
    fn marks_each_first_once_per_debtor_and_day() {
        assert_eq!(LogRules::from_bits(BREACH).iter().map(|r| r.code()).collect::<Vec<_>>(), [Code::FrequentContact]);
        assert!(LogRules::from_bits(BREACH_BEFORE_STANDARD).iter().all(|r| r.before_standard()));
        let kind = StringArray::from(vec!["self", "message", "message", "attempt", "attempt", "attempt", "message"]);
        let creditor =
            StringArray::from(vec![Some("甲"), Some("甲"), Some("甲"), None, Some(""), Some("甲"), Some("甲")]);
        let agency =
            StringArray::from(vec![Some("A"), Some("A"), Some("B"), Some("B"), Some("B"), Some("B"), Some("B")]);
        let sender = StringArray::from(vec!["1", "2", "2", "3", "3", "3", "3"]);
        let day = Date32Array::from(vec![Some(1), Some(1), Some(1), Some(1), Some(1), Some(2), None]);
        let text = UInt32Array::from(vec![0; 7]);
        let rules = UInt16Array::from(vec![BREACH, 0, BREACH_BEFORE_STANDARD, BREACH, BREACH, BREACH, BREACH]);
        let values: Vec<ArrayRef> = vec![
            Arc::new(kind),
            Arc::new(creditor),
            Arc::new(agency),
            Arc::new(sender),
            Arc::new(day),
            Arc::new(text),
            Arc::new(rules),
        ];
        let out = MarksEvaluator::default().evaluate_all(&values, 7).unwrap();
        let got: Vec<u8> = out.as_primitive::<arrow::datatypes::UInt8Type>().values().to_vec();
        let (c, a, s) = (1, 2, 4);
        let (bc, ba, bs) = (8, 16, 32);
        let want = [
            // The debtor's own message: first row, nothing else, although its rules say breach.
            64,
            // First contact under 甲, A and 2.
            c | a | s,
            // Agency B is new; a breach before its standard is not counted.
            a,
            // A missing creditor is the key "" (new), sender 3 new; day 1's first breach
            // under every key.
            c | s | bc | ba | bs,
            // "" again: nothing new on day 1.
            0,
            // Day 2: a new day's first breach under every key.
            bc | ba | bs,
            // A breach without a day is not counted by day.
            0,
        ];
        assert_eq!(got, want);
    }
}
