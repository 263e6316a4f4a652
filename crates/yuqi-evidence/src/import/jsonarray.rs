//! An incremental splitter for a JSON array of values: it hands out one element's exact bytes at
//! a time, so a 500 MB export is read in constant memory (one element at most) and each element
//! keeps its exact position (element number, line, byte) for error reports and for the store's
//! byte-range references. It only tracks strings, escapes and bracket depth; whether an element
//! is valid JSON is left to `serde_json`, which parses it afterwards.

use std::io::BufRead;

use crate::item::Position;

/// One element larger than this is not kept (its bytes are skipped) and reported as unreadable.
pub(crate) const MAX_ELEMENT: usize = 32 * 1024 * 1024;

/// Nesting beyond this is refused (serde_json stops at 128 as well).
const MAX_DEPTH: usize = 128;

/// An element's bytes and where it starts.
#[derive(Debug)]
pub(crate) struct Element {
    pub bytes: Vec<u8>,
    pub position: Position,
    /// True when the element was larger than [`MAX_ELEMENT`]: `bytes` is then empty.
    pub too_big: bool,
}

/// Why the array cannot be read on: the file is not a well-formed array at `position`.
#[derive(Debug)]
pub(crate) enum SplitError {
    Syntax { position: Position, reason: String },
    Io(std::io::Error),
}

pub(crate) struct ArraySplitter<R> {
    input: R,
    byte: u64,
    line: u64,
    count: u64,
    state: State,
    max_element: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Before the opening `[`.
    Start,
    /// After `[` (no element yet).
    First,
    /// After an element (a `,` or `]` must follow).
    After,
    /// After a `,` (an element must follow).
    Next,
    Done,
}

impl<R: BufRead> ArraySplitter<R> {
    /// A splitter whose input starts `byte` bytes and `line - 1` line ends into the file (the
    /// HTML export embeds the array after its page head).
    pub(crate) fn new(input: R, byte: u64, line: u64) -> Self {
        ArraySplitter { input, byte, line, count: 0, state: State::Start, max_element: MAX_ELEMENT }
    }

    /// The same splitter with another bound on one element (an old SMS Import / Export MMS
    /// carries its pictures in base64).
    pub(crate) fn with_limit(mut self, max_element: usize) -> Self {
        self.max_element = max_element;
        self
    }

    /// After the closing `]`: only white space may follow (a file that is one array; the HTML
    /// export, whose array sits inside a page, does not call this).
    pub(crate) fn finish(&mut self) -> Result<(), SplitError> {
        match self.skip_ws()? {
            None => Ok(()),
            Some(_) => Err(self.syntax("数组结束（“]”）之后还有多余的内容")),
        }
    }

    /// Elements handed out so far.
    pub(crate) fn count(&self) -> u64 {
        self.count
    }

    fn here(&self) -> Position {
        Position { record: self.count + 1, line: self.line, byte: self.byte }
    }

    fn syntax(&self, reason: &str) -> SplitError {
        SplitError::Syntax { position: self.here(), reason: reason.to_string() }
    }

    /// The next byte without consuming it.
    fn peek(&mut self) -> Result<Option<u8>, SplitError> {
        loop {
            match self.input.fill_buf() {
                Ok(buf) => return Ok(buf.first().copied()),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(SplitError::Io(e)),
            }
        }
    }

    fn bump(&mut self, b: u8) {
        self.input.consume(1);
        self.byte += 1;
        if b == b'\n' {
            self.line += 1;
        }
    }

    /// Skips JSON white space (and a UTF-8 BOM at the very start).
    fn skip_ws(&mut self) -> Result<Option<u8>, SplitError> {
        loop {
            let Some(b) = self.peek()? else { return Ok(None) };
            match b {
                b' ' | b'\t' | b'\r' | b'\n' => self.bump(b),
                0xEF if self.byte == 0 && self.state == State::Start => {
                    let buf = self.input.fill_buf().map_err(SplitError::Io)?;
                    if buf.starts_with(&[0xEF, 0xBB, 0xBF]) {
                        self.input.consume(3);
                        self.byte += 3;
                    } else {
                        return Ok(Some(b));
                    }
                }
                _ => return Ok(Some(b)),
            }
        }
    }

    /// The next element, or `None` after the closing `]`.
    pub(crate) fn next_element(&mut self) -> Result<Option<Element>, SplitError> {
        loop {
            let b = self.skip_ws()?;
            match (self.state, b) {
                (State::Done, _) => return Ok(None),
                (_, None) => return Err(self.syntax("文件在数组结束（“]”）之前就结束了，可能不完整")),
                (State::Start, Some(b'[')) => {
                    self.bump(b'[');
                    self.state = State::First;
                }
                (State::Start, Some(_)) => return Err(self.syntax("这里应是消息数组的开头“[”")),
                (State::First | State::After, Some(b']')) => {
                    self.bump(b']');
                    self.state = State::Done;
                    return Ok(None);
                }
                (State::After, Some(b',')) => {
                    self.bump(b',');
                    self.state = State::Next;
                }
                (State::After, Some(_)) => return Err(self.syntax("两条消息之间应是逗号“,”或数组结尾“]”")),
                (State::Next, Some(b']')) => return Err(self.syntax("数组结尾前多了一个逗号")),
                (State::First | State::Next, Some(_)) => {
                    let el = self.element()?;
                    self.state = State::After;
                    self.count += 1;
                    return Ok(Some(el));
                }
            }
        }
    }

    /// Reads one value: a bracketed object or array (tracking strings and nesting), or a scalar
    /// up to the next delimiter.
    fn element(&mut self) -> Result<Element, SplitError> {
        let position = self.here();
        let mut bytes = Vec::new();
        let mut too_big = false;
        let mut closers: Vec<u8> = Vec::new();
        let mut in_string = false;
        let mut escaped = false;
        let mut first = true;
        loop {
            let buf = match self.input.fill_buf() {
                Ok(buf) => buf,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(SplitError::Io(e)),
            };
            if buf.is_empty() {
                return Err(SplitError::Syntax {
                    position, reason: "文件在这条消息中途结束，可能不完整".into()
                });
            }
            let mut used = 0;
            let mut end = false;
            let mut error = None;
            for &b in buf {
                let scalar = first && b != b'{' && b != b'[';
                if closers.is_empty() && !first && !scalar && !in_string {
                    // A scalar element ends before its delimiter, which is not part of it.
                    if matches!(b, b',' | b']' | b' ' | b'\t' | b'\r' | b'\n') {
                        end = true;
                        break;
                    }
                }
                used += 1;
                if b == b'\n' {
                    self.line += 1;
                }
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
                        b'{' => closers.push(b'}'),
                        b'[' => closers.push(b']'),
                        b'}' | b']' => {
                            if closers.pop() != Some(b) {
                                error = Some("括号不配对，消息结构已损坏");
                            } else if closers.is_empty() {
                                end = true;
                            }
                        }
                        _ => {}
                    }
                    if closers.len() > MAX_DEPTH {
                        error = Some("嵌套层数过多");
                    }
                }
                first = false;
                if !too_big {
                    if bytes.len() >= self.max_element {
                        too_big = true;
                        bytes = Vec::new();
                    } else {
                        bytes.push(b);
                    }
                }
                if end || error.is_some() {
                    break;
                }
            }
            self.input.consume(used);
            self.byte += used as u64;
            if let Some(reason) = error {
                return Err(SplitError::Syntax { position: self.here_at(position.record), reason: reason.into() });
            }
            if end {
                return Ok(Element { bytes, position, too_big });
            }
        }
    }

    fn here_at(&self, record: u64) -> Position {
        // `byte` was advanced past the offending byte.
        Position { record, line: self.line, byte: self.byte.saturating_sub(1) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(data: &str) -> Result<Vec<(String, Position)>, String> {
        let mut s = ArraySplitter::new(data.as_bytes(), 0, 1);
        let mut out = Vec::new();
        loop {
            match s.next_element() {
                Ok(Some(e)) => out.push((String::from_utf8(e.bytes).unwrap_or_default(), e.position)),
                Ok(None) => return Ok(out),
                Err(SplitError::Syntax { position, reason }) => return Err(format!("{position} {reason}")),
                Err(SplitError::Io(e)) => return Err(e.to_string()),
            }
        }
    }

    #[test]
    fn elements_come_out_whole_with_their_positions() {
        let got = split("[\n  {\"a\": \"x]}\\\"{\"},\n  [1, {\"b\": 2}] , 3,\"s,]\"\n]").unwrap();
        let texts: Vec<&str> = got.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(texts, ["{\"a\": \"x]}\\\"{\"}", "[1, {\"b\": 2}]", "3", "\"s,]\""]);
        assert_eq!(got[0].1, Position { record: 1, line: 2, byte: 4 });
        assert_eq!(got[1].1, Position { record: 2, line: 3, byte: 23 });
        assert_eq!(got[2].1.record, 3);
        assert_eq!(split("[]").unwrap().len(), 0);
        assert_eq!(split("\u{feff} [ ] trailing").unwrap().len(), 0);
    }

    #[test]
    fn an_element_too_big_is_skipped_whole() {
        let data = b"[{\"a\": \"0123456789\"}, {\"b\": 1}]";
        let mut s = ArraySplitter::new(&data[..], 0, 1).with_limit(8);
        let big = s.next_element().unwrap().unwrap();
        assert!(big.too_big && big.bytes.is_empty());
        assert_eq!(big.position.byte, 1);
        let next = s.next_element().unwrap().unwrap();
        assert!(!next.too_big);
        assert_eq!(next.bytes, b"{\"b\": 1}");
        assert!(s.next_element().unwrap().is_none());
    }

    #[test]
    fn broken_arrays_name_where() {
        assert!(split("[{\"a\":1},").unwrap_err().contains("第 2 条记录"));
        assert!(split("[{\"a\":1}").unwrap_err().contains("不完整"));
        assert!(split("[{\"a\":\"1}]").unwrap_err().contains("第 1 条记录"));
        assert!(split("[{\"a\":1]]").unwrap_err().contains("括号不配对"));
        assert!(split("[{\"a\":1} {\"b\":2}]").unwrap_err().contains("逗号"));
        assert!(split("[{\"a\":1},]").unwrap_err().contains("多了一个逗号"));
        assert!(split("{\"a\":1}").unwrap_err().contains("开头"));
        assert!(split("").is_err());
        let deep = format!("[{}{}]", "[".repeat(200), "]".repeat(200));
        assert!(split(&deep).unwrap_err().contains("嵌套"));
    }
}
