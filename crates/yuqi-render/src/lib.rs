//! PDF output through typst used as a library.
//!
//! Fonts come from the machine (Debian's `fonts-noto-cjk`, or any folder named in
//! `YUQI_FONT_DIR`); nothing is downloaded and no `@preview` package is ever resolved. typst only
//! *warns* when a font family is missing and then writes a PDF without visible text, so a missing
//! Chinese font is an error here, before and after compiling.

pub mod docx;
pub mod html;
pub mod markdown;
pub mod sheet;
pub mod text;
pub mod typst_doc;

use std::path::{Path, PathBuf};

use typst::diag::{FileError, FileResult, Severity};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, Source};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

/// Chinese families tried in order; the first one installed is used.
pub const CJK_FAMILIES: &[&str] = &[
    "Noto Serif CJK SC",
    "Noto Sans CJK SC",
    "Source Han Serif SC",
    "Source Han Sans SC",
    "Noto Serif SC",
    "Noto Sans SC",
];

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error(
        "找不到中文字体（{families}）：请安装 fonts-noto-cjk（Debian/Ubuntu：apt-get install fonts-noto-cjk），\
         或把字体文件所在目录写入环境变量 YUQI_FONT_DIR。没有中文字体就无法生成可读的 PDF。",
        families = CJK_FAMILIES.join("、")
    )]
    NoCjkFont,
    #[error("排版失败：{0}")]
    Compile(String),
    #[error("PDF 输出失败：{0}")]
    Pdf(String),
    #[error("DOCX 输出失败：{0}")]
    Docx(String),
    #[error("XLSX 输出失败：{0}")]
    Xlsx(String),
}

/// Loaded fonts and the standard library, reusable for many documents.
pub struct Renderer {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    family: &'static str,
}

impl std::fmt::Debug for Renderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Renderer").field("fonts", &self.fonts.len()).field("family", &self.family).finish()
    }
}

/// Folders searched for fonts: `YUQI_FONT_DIR` (':'-separated) first, then the usual places.
pub fn font_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> =
        std::env::var_os("YUQI_FONT_DIR").map(|v| std::env::split_paths(&v).collect()).unwrap_or_default();
    dirs.extend(["/usr/share/fonts", "/usr/local/share/fonts"].map(PathBuf::from));
    if let Some(home) = std::env::var_os("HOME") {
        let home = PathBuf::from(home);
        dirs.push(home.join(".fonts"));
        dirs.push(home.join(".local/share/fonts"));
    }
    dirs
}

fn collect_font_files(dir: &Path, out: &mut Vec<PathBuf>, depth: u32) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() && depth < 6 {
            collect_font_files(&p, out, depth + 1);
        } else if p
            .extension()
            .and_then(|x| x.to_str())
            .is_some_and(|x| matches!(x.to_ascii_lowercase().as_str(), "ttf" | "otf" | "ttc" | "otc"))
        {
            out.push(p);
        }
    }
}

impl Renderer {
    /// Loads the fonts of [`font_dirs`]; fails when none of [`CJK_FAMILIES`] is installed.
    pub fn new() -> Result<Renderer, RenderError> {
        let mut files = Vec::new();
        for d in font_dirs() {
            collect_font_files(&d, &mut files, 0);
        }
        files.sort();
        files.dedup();
        // Only CJK families and a Latin fallback are needed: skip the rest to keep start-up short.
        let wanted = |p: &Path| {
            let n = p.file_name().and_then(|n| n.to_str()).unwrap_or("").to_ascii_lowercase();
            n.contains("cjk")
                || n.contains("sourcehan")
                || n.contains("notoserifsc")
                || n.contains("notosanssc")
                || n.starts_with("dejavusans")
                || n.starts_with("liberation")
        };
        let mut fonts = Vec::new();
        for f in files.iter().filter(|p| wanted(p)) {
            if let Ok(data) = std::fs::read(f) {
                fonts.extend(Font::iter(Bytes::new(data)));
            }
        }
        let book = FontBook::from_fonts(&fonts);
        let family = CJK_FAMILIES
            .iter()
            .copied()
            .find(|f| book.contains_family(&f.to_lowercase()))
            .ok_or(RenderError::NoCjkFont)?;
        Ok(Renderer { library: LazyHash::new(Library::default()), book: LazyHash::new(book), fonts, family })
    }

    /// The Chinese family documents are set in.
    pub fn family(&self) -> &'static str {
        self.family
    }

    /// Compiles typst markup to PDF. The markup is preceded by a `#set text(font: …)` naming
    /// [`Renderer::family`]; `today` is what `datetime.today()` returns.
    pub fn pdf(&self, markup: &str, today: (i32, u8, u8)) -> Result<Vec<u8>, RenderError> {
        let text = format!("#set text(font: (\"{}\",), lang: \"zh\", region: \"cn\")\n{markup}", self.family);
        let world =
            DocWorld { r: self, main: Source::detached(text), today: Datetime::from_ymd(today.0, today.1, today.2) };
        let warned = typst::compile::<PagedDocument>(&world);
        if let Some(w) = warned.warnings.iter().find(|w| w.severity == Severity::Warning && w.message.contains("font"))
        {
            // "unknown font family": typst would write invisible text.
            return Err(RenderError::Compile(w.message.to_string()));
        }
        let doc = warned.output.map_err(|errs| {
            RenderError::Compile(errs.iter().map(|e| e.message.to_string()).collect::<Vec<_>>().join("; "))
        })?;
        typst_pdf::pdf(&doc, &typst_pdf::PdfOptions::default())
            .map_err(|errs| RenderError::Pdf(errs.iter().map(|e| e.message.to_string()).collect::<Vec<_>>().join("; ")))
    }
}

impl Renderer {
    /// A letter or the dossier as PDF.
    pub fn doc_pdf(&self, doc: &yuqi_docs::Doc, today: (i32, u8, u8)) -> Result<Vec<u8>, RenderError> {
        self.pdf(&typst_doc::markup(doc), today)
    }
}

struct DocWorld<'a> {
    r: &'a Renderer,
    main: Source,
    today: Option<Datetime>,
}

impl World for DocWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.r.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.r.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() { Ok(self.main.clone()) } else { Err(FileError::AccessDenied) }
    }

    fn file(&self, _id: FileId) -> FileResult<Bytes> {
        // Templates live in the repository and are passed in whole: no file or package access.
        Err(FileError::AccessDenied)
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.r.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        self.today
    }
}
