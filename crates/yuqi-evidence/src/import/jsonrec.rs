//! Cuts a JSON export into its records without holding more than one: either NDJSON (one object
//! a line) or a top-level array (pretty-printed or not, cut by [`super::jsonarray`], the one array
//! splitter every importer shares). Each record comes with its exact bytes, the line and byte
//! where it starts, so an error names where it is and an item can be a byte slice of the file.

use std::io::BufRead;

use super::jsonarray::{ArraySplitter, SplitError};
use super::{ImportError, Rejected};
use crate::item::Position;

/// The most bytes one record may have (an MMS of the old JSON layout carries its pictures in
/// base64). A longer record is passed over without being kept, and rejected.
pub(crate) const MAX_RECORD: usize = 64 << 20;

pub(crate) struct Record {
    pub bytes: Vec<u8>,
    pub line: u64,
    pub byte: u64,
    /// The record was longer than [`MAX_RECORD`]: `bytes` is empty.
    pub too_long: bool,
}

enum Inner<R> {
    /// NDJSON: the input, and the offset and line of its next unread byte.
    Lines {
        input: R,
        byte: u64,
        line: u64,
    },
    Array(ArraySplitter<R>),
}

pub(crate) struct Records<R> {
    inner: Inner<R>,
    pub count: u64,
}

/// Skips white space, counting bytes and line ends.
fn skip_space<R: BufRead>(input: &mut R, byte: &mut u64, line: &mut u64) -> Result<(), ImportError> {
    loop {
        let buf = input.fill_buf()?;
        if buf.is_empty() {
            return Ok(());
        }
        let n = buf.iter().take_while(|b| b" \t\r\n".contains(b)).count();
        *line += buf[..n].iter().filter(|&&b| b == b'\n').count() as u64;
        *byte += n as u64;
        let all = n == buf.len();
        input.consume(n);
        if !all {
            return Ok(());
        }
    }
}

fn split_error(e: SplitError) -> ImportError {
    match e {
        SplitError::Syntax { position, reason } => {
            ImportError::Syntax(Rejected { position, reason, excerpt: String::new() })
        }
        SplitError::Io(e) => ImportError::Io(e),
    }
}

impl<R: BufRead> Records<R> {
    /// Skips a UTF-8 BOM and white space, and decides the layout from the first character.
    pub(crate) fn new(mut input: R) -> Result<Records<R>, ImportError> {
        let (mut byte, mut line) = (0u64, 1u64);
        if input.fill_buf()?.starts_with(&[0xEF, 0xBB, 0xBF]) {
            input.consume(3);
            byte = 3;
        }
        skip_space(&mut input, &mut byte, &mut line)?;
        let inner = if input.fill_buf()?.first() == Some(&b'[') {
            Inner::Array(ArraySplitter::new(input, byte, line).with_limit(MAX_RECORD))
        } else {
            Inner::Lines { input, byte, line }
        };
        Ok(Records { inner, count: 0 })
    }

    pub(crate) fn next(&mut self) -> Result<Option<Record>, ImportError> {
        match &mut self.inner {
            Inner::Lines { input, byte, line } => {
                let r = next_line(input, byte, line)?;
                self.count += u64::from(r.is_some());
                Ok(r)
            }
            Inner::Array(splitter) => match splitter.next_element().map_err(split_error)? {
                Some(el) => {
                    self.count = splitter.count();
                    let Position { line, byte, .. } = el.position;
                    Ok(Some(Record { bytes: el.bytes, line, byte, too_long: el.too_big }))
                }
                None => {
                    // A file holds one array: anything after it is damage, not more records.
                    splitter.finish().map_err(split_error)?;
                    Ok(None)
                }
            },
        }
    }
}

fn next_line<R: BufRead>(input: &mut R, byte: &mut u64, line: &mut u64) -> Result<Option<Record>, ImportError> {
    skip_space(input, byte, line)?;
    let (start_line, start_byte) = (*line, *byte);
    let mut bytes = Vec::new();
    let mut len = 0usize;
    loop {
        let buf = input.fill_buf()?;
        if buf.is_empty() {
            if len == 0 {
                return Ok(None);
            }
            break;
        }
        let (take, end) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (i, true),
            None => (buf.len(), false),
        };
        if len + take <= MAX_RECORD {
            bytes.extend_from_slice(&buf[..take]);
        }
        len += take;
        *byte += take as u64;
        input.consume(take);
        if end {
            break;
        }
    }
    if len > MAX_RECORD {
        return Ok(Some(Record { bytes: Vec::new(), line: start_line, byte: start_byte, too_long: true }));
    }
    while bytes.last().is_some_and(|b| b" \t\r".contains(b)) {
        bytes.pop();
    }
    Ok(Some(Record { bytes, line: start_line, byte: start_byte, too_long: false }))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn all(text: &str) -> Result<Vec<(String, u64, u64)>, ImportError> {
        let mut r = Records::new(text.as_bytes())?;
        let mut out = Vec::new();
        while let Some(rec) = r.next()? {
            out.push((String::from_utf8(rec.bytes).unwrap(), rec.line, rec.byte));
        }
        Ok(out)
    }

    #[test]
    fn lines_and_arrays() {
        assert_eq!(
            all("{\"a\":1}\r\n\n{\"b\":\"}\"}\n").unwrap(),
            vec![("{\"a\":1}".into(), 1, 0), ("{\"b\":\"}\"}".into(), 3, 10)]
        );
        let text = "[\n  {\n    \"a\": \"x\\\"}\"\n  },\n  {\"b\": [1, {}]}\n]\n";
        let got = all(text).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!((got[0].1, got[0].2), (2, 4));
        assert_eq!(&text[got[1].2 as usize..][..got[1].0.len()], got[1].0);
        assert_eq!(all("[]").unwrap(), vec![]);
        // A value that is not an object is a record the importer rejects by itself.
        assert_eq!(all("[1]").unwrap(), vec![("1".into(), 1, 1)]);
        for bad in ["[{\"a\":1}", "[{\"a\":1} {\"b\":2}]", "[{\"a\":1}] x", "[{\"a\":"] {
            assert!(matches!(all(bad), Err(ImportError::Syntax(_))), "{bad}");
        }
    }
}
