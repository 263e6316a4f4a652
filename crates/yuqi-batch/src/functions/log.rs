//! The one window function, `yuqi_log_rules`: the log-level codes (night contact, daily
//! frequency, number rotation, contact after a stop request), which need a debtor's
//! contacts in time order.
//!
//! It streams: yuqi-conduct's log analysis is causal (each contact is judged by itself and
//! the ones before it), so the evaluator keeps a [`LogState`] per debtor and judges each row
//! as the engine delivers it. DataFusion then runs it in a `BoundedWindowAggExec` over input
//! sorted once by (debtor, time, id), holding only the rows not yet judged — never a
//! debtor's history, never a whole partition.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, BooleanArray, Int64Array, UInt16Builder};
use arrow::datatypes::{DataType, Field, FieldRef};
use datafusion::common::{Result, ScalarValue, exec_err};
use datafusion::logical_expr::function::{PartitionEvaluatorArgs, WindowUDFFieldArgs};
use datafusion::logical_expr::{PartitionEvaluator, Signature, Volatility, WindowUDFImpl};
use yuqi_conduct::{Analyzer, LogState, Message};

use super::columns::{Strs, local, strs};

// ---- yuqi_log_rules(ms, kind, from, to, creditor, consent, own_text) OVER (…) -------

udf_struct!(
    /// The rules broken, as the bits of `yuqi_conduct::LogRules` (`UInt16`); 0 for none.
    LogRulesWindow,
    7
);

impl WindowUDFImpl for LogRulesWindow {
    udf_common!("yuqi_log_rules");

    fn partition_evaluator(&self, _: PartitionEvaluatorArgs) -> Result<Box<dyn PartitionEvaluator>> {
        Ok(Box::new(LogEvaluator { state: Analyzer::shared().log_state() }))
    }
    fn field(&self, args: WindowUDFFieldArgs) -> Result<FieldRef> {
        Ok(Arc::new(Field::new(args.name(), DataType::UInt16, false)))
    }
}

/// One debtor's log analysis (DataFusion makes one evaluator per window partition).
struct LogEvaluator {
    state: LogState<'static>,
}

impl std::fmt::Debug for LogEvaluator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LogEvaluator")
    }
}

/// The arguments, read once per call.
struct Args<'a> {
    ms: &'a Int64Array,
    kind: Strs<'a>,
    from: Strs<'a>,
    to: Strs<'a>,
    creditor: Strs<'a>,
    consent: Option<&'a BooleanArray>,
    own_text: Strs<'a>,
}

impl<'a> Args<'a> {
    fn read(values: &'a [ArrayRef]) -> Result<Args<'a>> {
        if values.len() != 7 {
            return exec_err!("yuqi_log_rules takes (ms, kind, from, to, creditor, consent, own_text)");
        }
        let ms = match values[0].data_type() {
            DataType::Int64 => values[0].as_primitive(),
            other => return exec_err!("ms: expected Int64 milliseconds (yuqi_time_ms), got {other}"),
        };
        let consent = match values[5].data_type() {
            DataType::Boolean => Some(values[5].as_boolean()),
            DataType::Null => None,
            other => return exec_err!("consent: expected a boolean column, got {other}"),
        };
        Ok(Args {
            ms,
            kind: strs(&values[1], "kind")?,
            from: strs(&values[2], "from")?,
            to: strs(&values[3], "to")?,
            creditor: strs(&values[4], "creditor")?,
            consent,
            own_text: strs(&values[6], "own_text")?,
        })
    }

    /// The rules row `i` breaks, given the rows pushed before it.
    fn judge(&self, i: usize, state: &mut LogState<'static>) -> u16 {
        let Some(t) = self.ms.is_valid(i).then(|| self.ms.value(i)).and_then(local) else { return 0 };
        // The contact kind was decided from the raw columns (yuqi_contact_kind); a call is
        // answered or not, and only the debtor's own messages carry their text this far.
        let kind = self.kind.get(i);
        let call = matches!(kind, Some("connected_call" | "attempt"));
        let m = Message {
            text: Cow::Borrowed(self.own_text.get(i).unwrap_or("")),
            from: self.from.get(i).map(Cow::Borrowed),
            to: self.to.get(i).map(Cow::Borrowed),
            channel: call.then_some(Cow::Borrowed("call")),
            connected: call.then_some(kind == Some("connected_call")),
            creditor: self.creditor.get(i).map(Cow::Borrowed),
            consent: self.consent.and_then(|c| c.is_valid(i).then(|| c.value(i))),
            ..Message::default()
        };
        state.push(&m, t).bits()
    }
}

impl PartitionEvaluator for LogEvaluator {
    /// Streaming: one row at a time, in the partition's order, with no look-ahead.
    fn supports_bounded_execution(&self) -> bool {
        true
    }

    fn is_causal(&self) -> bool {
        true
    }

    fn evaluate(&mut self, values: &[ArrayRef], range: &Range<usize>) -> Result<ScalarValue> {
        let bits = Args::read(values)?.judge(range.start, &mut self.state);
        Ok(ScalarValue::UInt16(Some(bits)))
    }

    /// The same, over a whole partition at once (when the engine buffers it anyway).
    fn evaluate_all(&mut self, values: &[ArrayRef], num_rows: usize) -> Result<ArrayRef> {
        let args = Args::read(values)?;
        let mut out = UInt16Builder::with_capacity(num_rows);
        for i in 0..num_rows {
            out.append_value(args.judge(i, &mut self.state));
        }
        Ok(Arc::new(out.finish()))
    }
}
