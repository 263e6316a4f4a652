//! The document model every letter and the dossier are built in, and every output format
//! (typst/PDF, DOCX, Markdown, HTML) is written from. Keeping one model means the formats
//! cannot disagree about what a letter says, and the "no invented facts" check runs once.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Doc {
    /// `verification`, `proposal`, …, `dossier`.
    pub kind: &'static str,
    pub title: String,
    pub subtitle: Option<String>,
    pub blocks: Vec<Block>,
    /// Told to the user when the document is produced; never printed in it.
    pub notices: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "block", rename_all = "snake_case")]
pub enum Block {
    Heading {
        level: u8,
        text: String,
    },
    /// A body paragraph (first line indented two characters, as Chinese letters are set).
    Para {
        inlines: Vec<Inline>,
    },
    /// A line without indent (the addressee, 此致/敬礼).
    Line {
        inlines: Vec<Inline>,
    },
    /// Right-aligned lines (signature, date).
    Signature {
        lines: Vec<Vec<Inline>>,
    },
    List {
        ordered: bool,
        items: Vec<Vec<Inline>>,
    },
    Table {
        columns: Vec<String>,
        rows: Vec<Vec<String>>,
        numeric: Vec<bool>,
    },
    /// A chart. `svg` is a complete SVG document; `narrow` the same chart drawn for a phone's
    /// width (HTML shows it on narrow screens; print and Word use `svg`).
    Figure {
        svg: String,
        narrow: Option<String>,
        caption: String,
    },
    /// A quoted message with its marked spans.
    Quote {
        head: String,
        inlines: Vec<Inline>,
    },
    /// Small print.
    Note {
        inlines: Vec<Inline>,
    },
    PageBreak,
}

/// Where a stated fact comes from. Every fact a letter asserts names one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "from", content = "at", rename_all = "snake_case")]
pub enum Source {
    /// A field of the case file (a path like `person.name`, `debt[hjd].demand.amount`).
    Case(String),
    /// Computed by yuqi under the named rule (rules.toml).
    Computed(&'static str),
    /// An imported evidence item (its sequence number in the store) or a messages-file line.
    Evidence(String),
    /// The date the document is written.
    Today,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "inline", rename_all = "snake_case")]
pub enum Inline {
    Text {
        text: String,
    },
    Strong {
        text: String,
    },
    Fact {
        text: String,
        source: Source,
    },
    /// Something only the user can supply; printed as a line to fill in.
    Blank {
        prompt: String,
    },
    /// A marked span of a quoted message (a conduct hit).
    Mark {
        text: String,
        code: String,
    },
}

impl Inline {
    pub fn text(s: impl Into<String>) -> Inline {
        Inline::Text { text: s.into() }
    }

    pub fn strong(s: impl Into<String>) -> Inline {
        Inline::Strong { text: s.into() }
    }

    pub fn fact(s: impl Into<String>, source: Source) -> Inline {
        Inline::Fact { text: s.into(), source }
    }

    pub fn blank(prompt: impl Into<String>) -> Inline {
        Inline::Blank { prompt: prompt.into() }
    }

    /// The text as it reads in the document (a blank shows its prompt in brackets).
    pub fn plain(&self) -> String {
        match self {
            Inline::Text { text } | Inline::Strong { text } | Inline::Fact { text, .. } | Inline::Mark { text, .. } => {
                text.clone()
            }
            Inline::Blank { prompt } => format!("＿＿＿＿（{prompt}）"),
        }
    }
}

/// Text of a run of inlines.
pub fn plain(inlines: &[Inline]) -> String {
    inlines.iter().map(Inline::plain).collect()
}

impl Doc {
    pub fn new(kind: &'static str, title: impl Into<String>) -> Doc {
        Doc { kind, title: title.into(), subtitle: None, blocks: Vec::new(), notices: Vec::new() }
    }

    /// Every inline of the document, in order.
    pub fn inlines(&self) -> impl Iterator<Item = &Inline> {
        self.blocks.iter().flat_map(|b| -> Box<dyn Iterator<Item = &Inline> + '_> {
            match b {
                Block::Para { inlines }
                | Block::Line { inlines }
                | Block::Note { inlines }
                | Block::Quote { inlines, .. } => Box::new(inlines.iter()),
                Block::Signature { lines } | Block::List { items: lines, .. } => Box::new(lines.iter().flatten()),
                _ => Box::new(std::iter::empty()),
            }
        })
    }

    /// Number of blanks the user still has to fill in.
    pub fn blanks(&self) -> usize {
        self.inlines().filter(|i| matches!(i, Inline::Blank { .. })).count()
    }

    /// The document as plain text, one block per paragraph (tests and search).
    pub fn plain_text(&self) -> String {
        let mut out = format!("{}\n", self.title);
        if let Some(s) = &self.subtitle {
            out.push_str(s);
            out.push('\n');
        }
        for b in &self.blocks {
            match b {
                Block::Heading { text, .. } => out.push_str(text),
                Block::Para { inlines } | Block::Line { inlines } | Block::Note { inlines } => {
                    out.push_str(&plain(inlines))
                }
                Block::Quote { head, inlines } => {
                    out.push_str(head);
                    out.push('\n');
                    out.push_str(&plain(inlines));
                }
                Block::Signature { lines } | Block::List { items: lines, .. } => {
                    out.push_str(&lines.iter().map(|l| plain(l)).collect::<Vec<_>>().join("\n"))
                }
                Block::Table { columns, rows, .. } => {
                    out.push_str(&columns.join("\t"));
                    for r in rows {
                        out.push('\n');
                        out.push_str(&r.join("\t"));
                    }
                }
                Block::Figure { caption, .. } => out.push_str(caption),
                Block::PageBreak => {}
            }
            out.push('\n');
        }
        out
    }
}

/// Builds paragraphs from pieces: `para![text("贵方于"), fact, text("向我主张")]`.
#[macro_export]
macro_rules! inl {
    ($($e:expr),* $(,)?) => { vec![$($crate::doc::IntoInline::into_inline($e)),*] };
}

/// Strings become text; inlines stay as they are.
pub trait IntoInline {
    fn into_inline(self) -> Inline;
}

impl IntoInline for Inline {
    fn into_inline(self) -> Inline {
        self
    }
}

impl IntoInline for &str {
    fn into_inline(self) -> Inline {
        Inline::text(self)
    }
}

impl IntoInline for String {
    fn into_inline(self) -> Inline {
        Inline::Text { text: self }
    }
}
