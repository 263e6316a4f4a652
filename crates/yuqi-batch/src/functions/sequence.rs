//! The one window function, `yuqi_sequence_hits`: the codes that need a debtor's whole history
//! in time order, which no single row can decide.

use std::borrow::Cow;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef};
use arrow::datatypes::{Field, FieldRef};
use datafusion::common::{Result, exec_err};
use datafusion::logical_expr::function::{PartitionEvaluatorArgs, WindowUDFFieldArgs};
use datafusion::logical_expr::{PartitionEvaluator, Signature, Volatility, WindowUDFImpl};
use yuqi_conduct::{Analyzer, Code, Message};

use super::columns::{int64s, local, strs};
use super::hits::{HitsBuilder, hits_type};

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
