//! Chat screenshots read offline (issue 18, item 2): OCR of Chinese chat screenshots (SMS apps,
//! WeChat, call logs) into messages with text, time, direction and box.
//!
//! The engine is Debian's Tesseract with its simplified-Chinese data, run as a subprocess
//! (`tesseract.rs`, the only I/O); nothing is downloaded. The pixels are cleaned first
//! (`prep.rs`), and the words laid out as messages by a pure core (`layout.rs`).
//! See docs/ocr.md for how well it reads and what it cannot do.

mod error;
pub mod layout;
pub mod prep;
pub mod tesseract;

use std::path::Path;

pub use error::OcrError;
pub use layout::{Day, Direction, LayoutError, Message, Rect, Stamp, Word, parse_stamp};
pub use tesseract::dimensions;

/// What a screenshot says.
#[derive(Debug, Clone, PartialEq)]
pub struct Screenshot {
    /// Top to bottom.
    pub messages: Vec<Message>,
    pub width: u32,
    pub height: u32,
    /// The engine that read it ("tesseract 5.3.0"), for the record kept with the evidence.
    pub engine_version: String,
}

/// Read a PNG or JPEG chat screenshot.
pub fn read_screenshot(path: impl AsRef<Path>) -> Result<Screenshot, OcrError> {
    let engine = tesseract::Engine::locate()?;
    read_with(&engine, path.as_ref())
}

/// Read with an engine already located (saves two short subprocesses per image in a batch).
pub fn read_with(engine: &tesseract::Engine, path: &Path) -> Result<Screenshot, OcrError> {
    let (rgb, width, height) = tesseract::load_rgb(path)?;
    let gray = prep::binarize(&rgb, width, height);
    drop(rgb);
    let words = engine.words(&prep::to_pgm(&gray, width, height), tesseract::TIME_LIMIT)?;
    let messages = layout::messages(&words, width, height)?;
    Ok(Screenshot { messages, width, height, engine_version: engine.version.clone() })
}
