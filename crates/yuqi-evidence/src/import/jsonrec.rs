//! Cuts a JSON export into its records without holding more than one: either NDJSON (one object
//! a line) or a top-level array of objects (pretty-printed or not). Each record comes with its
//! exact bytes, the line and byte where it starts, so an error names where it is and an item
//! can be a byte slice of the file.

use std::io::BufRead;

use super::{ImportError, Rejected};
use crate::item::Position;

/// The most bytes one record may have (an MMS of the old JSON layout carries its pictures in
/// base64). A longer record is passed over without being kept, and rejected.
pub(crate) const MAX_RECORD: usize = 64 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    Lines,
    Array,
}

pub(crate) struct Record {
    pub bytes: Vec<u8>,
    pub line: u64,
    pub byte: u64,
    /// Set when the record was longer than [`MAX_RECORD`]: its length, and `bytes` is empty.
    pub too_long: Option<u64>,
}

pub(crate) struct Records<R> {
    input: R,
    layout: Layout,
    /// Absolute offset and line of the next unread byte.
    byte: u64,
    line: u64,
    /// Array: the `[` was read / the `]` was read.
    opened: bool,
    closed: bool,
    pub count: u64,
}

impl<R: BufRead> Records<R> {
    /// Skips a UTF-8 BOM and whitespace, and decides the layout from the first character.
    pub(crate) fn new(mut input: R) -> Result<Records<R>, ImportError> {
        let mut byte = 0u64;
        if input.fill_buf()?.starts_with(&[0xEF, 0xBB, 0xBF]) {
            input.consume(3);
            byte = 3;
        }
        let mut r = Records { input, layout: Layout::Lines, byte, line: 1, opened: false, closed: false, count: 0 };
        r.skip_space()?;
        let first = r.input.fill_buf()?.first().copied();
        r.layout = if first == Some(b'[') { Layout::Array } else { Layout::Lines };
        Ok(r)
    }

    fn syntax(&self, reason: &str) -> ImportError {
        ImportError::Syntax(Rejected {
            position: Position { record: self.count + 1, line: self.line, byte: self.byte },
            reason: reason.into(),
            excerpt: String::new(),
        })
    }

    fn skip_space(&mut self) -> Result<(), ImportError> {
        loop {
            let buf = self.input.fill_buf()?;
            if buf.is_empty() {
                return Ok(());
            }
            let n = buf.iter().take_while(|b| b" \t\r\n".contains(b)).count();
            self.line += buf[..n].iter().filter(|&&b| b == b'\n').count() as u64;
            self.byte += n as u64;
            let all = n == buf.len();
            self.input.consume(n);
            if !all {
                return Ok(());
            }
        }
    }

    pub(crate) fn next(&mut self) -> Result<Option<Record>, ImportError> {
        match self.layout {
            Layout::Lines => self.next_line(),
            Layout::Array => self.next_element(),
        }
    }

    fn next_line(&mut self) -> Result<Option<Record>, ImportError> {
        self.skip_space()?;
        let (line, byte) = (self.line, self.byte);
        let mut bytes = Vec::new();
        let mut len = 0u64;
        loop {
            let buf = self.input.fill_buf()?;
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
            if len as usize + take <= MAX_RECORD {
                bytes.extend_from_slice(&buf[..take]);
            }
            len += take as u64;
            self.byte += take as u64;
            self.input.consume(take);
            if end {
                break;
            }
        }
        self.count += 1;
        if len as usize > MAX_RECORD {
            return Ok(Some(Record { bytes: Vec::new(), line, byte, too_long: Some(len) }));
        }
        while bytes.last().is_some_and(|b| b" \t\r".contains(b)) {
            bytes.pop();
        }
        Ok(Some(Record { bytes, line, byte, too_long: None }))
    }

    fn next_element(&mut self) -> Result<Option<Record>, ImportError> {
        if self.closed {
            self.skip_space()?;
            if !self.input.fill_buf()?.is_empty() {
                return Err(self.syntax("JSON 数组结束后还有多余的内容"));
            }
            return Ok(None);
        }
        self.skip_space()?;
        if !self.opened {
            if self.input.fill_buf()?.first() != Some(&b'[') {
                return Err(self.syntax("不是 JSON 数组"));
            }
            self.opened = true;
            self.byte += 1;
            self.input.consume(1);
            self.skip_space()?;
        } else {
            match self.input.fill_buf()?.first() {
                Some(b',') => {
                    self.byte += 1;
                    self.input.consume(1);
                    self.skip_space()?;
                }
                Some(b']') => {}
                None => return Err(self.syntax("文件在 JSON 数组结束前意外终止（可能被截断）")),
                Some(_) => return Err(self.syntax("JSON 数组的两条记录之间缺少逗号")),
            }
        }
        match self.input.fill_buf()?.first() {
            Some(b']') => {
                self.byte += 1;
                self.input.consume(1);
                self.closed = true;
                return self.next_element();
            }
            Some(b'{') => {}
            None => return Err(self.syntax("文件在 JSON 数组结束前意外终止（可能被截断）")),
            Some(_) => return Err(self.syntax("JSON 数组中的每条记录都应是对象（{…}）")),
        }
        let (line, byte) = (self.line, self.byte);
        let mut bytes = Vec::new();
        let mut len = 0usize;
        let (mut depth, mut in_string, mut escaped) = (0u32, false, false);
        loop {
            let buf = self.input.fill_buf()?;
            if buf.is_empty() {
                return Err(ImportError::Syntax(Rejected {
                    position: Position { record: self.count + 1, line, byte },
                    reason: "文件在这条记录结束前意外终止（可能被截断）".into(),
                    excerpt: String::new(),
                }));
            }
            let mut end = None;
            for (i, &b) in buf.iter().enumerate() {
                if in_string {
                    if escaped {
                        escaped = false;
                    } else if b == b'\\' {
                        escaped = true;
                    } else if b == b'"' {
                        in_string = false;
                    }
                } else {
                    match b {
                        b'"' => in_string = true,
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                end = Some(i + 1);
                                break;
                            }
                        }
                        _ => {}
                    }
                }
            }
            let take = end.unwrap_or(buf.len());
            if len + take <= MAX_RECORD {
                bytes.extend_from_slice(&buf[..take]);
            }
            len += take;
            self.line += buf[..take].iter().filter(|&&b| b == b'\n').count() as u64;
            self.byte += take as u64;
            self.input.consume(take);
            if end.is_some() {
                break;
            }
        }
        self.count += 1;
        if len > MAX_RECORD {
            return Ok(Some(Record { bytes: Vec::new(), line, byte, too_long: Some(len as u64) }));
        }
        Ok(Some(Record { bytes, line, byte, too_long: None }))
    }
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
        for bad in ["[{\"a\":1}", "[{\"a\":1} {\"b\":2}]", "[1]", "[{\"a\":1}] x", "[{\"a\":"] {
            assert!(matches!(all(bad), Err(ImportError::Syntax(_))), "{bad}");
        }
    }
}
