//! The bare analyzer's speed on a generated log, for the benchmarks: the same messages the
//! scan reads (same seed, same generator), analysed one after another on one thread with no
//! engine around it — what the scan's throughput is compared with (docs/batch.md).

use std::borrow::Cow;
use std::time::Instant;

use serde::Serialize;
use yuqi_conduct::{Analyzer, Message, Scratch};

use crate::Result;
use crate::generate::{GenMessage, GenOptions, generate};

#[derive(Debug, Clone, Serialize)]
pub struct AnalyzerSpeed {
    pub messages: u64,
    /// UTF-8 bytes of text analysed.
    pub bytes: u64,
    pub seconds: f64,
    /// On one core.
    pub messages_per_second: f64,
    pub megabytes_per_second: f64,
}

/// Analyses the first `opts.messages` generated messages (held in memory first, so only the
/// analysis is timed) on the calling thread.
pub fn analyzer_speed(opts: GenOptions) -> Result<AnalyzerSpeed> {
    let mut msgs: Vec<GenMessage> = Vec::with_capacity(usize::try_from(opts.messages).unwrap_or(0));
    generate(opts, |chunk| {
        msgs.extend_from_slice(chunk);
        Ok(())
    })?;
    let analyzer = Analyzer::shared();
    let mut scratch = Scratch::default();
    // The lexicon and model are compiled on first use: not part of the rate.
    analyzer.analyze_text("预热", &mut scratch);
    let started = Instant::now();
    let mut bytes = 0u64;
    let mut flagged = 0u64;
    for m in &msgs {
        let msg = Message {
            text: Cow::Borrowed(&m.text),
            from: Some(Cow::Borrowed(&m.from)),
            to: Some(Cow::Borrowed(&m.to)),
            ..Message::default()
        };
        bytes += m.text.len() as u64;
        flagged += u64::from(!analyzer.analyze(&msg, &mut scratch).hits.is_empty());
    }
    let seconds = started.elapsed().as_secs_f64();
    // Used, so the analysis cannot be optimised away.
    std::hint::black_box(flagged);
    let n = msgs.len() as u64;
    Ok(AnalyzerSpeed {
        messages: n,
        bytes,
        seconds,
        messages_per_second: if seconds > 0.0 { n as f64 / seconds } else { 0.0 },
        megabytes_per_second: if seconds > 0.0 { bytes as f64 / 1e6 / seconds } else { 0.0 },
    })
}
