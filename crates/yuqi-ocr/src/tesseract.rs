//! The thin shell around Debian's Tesseract: find the binary and its Chinese data, run it on
//! the preprocessed image with bounded time and size, parse its TSV.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::error::OcrError;
use crate::layout::{Rect, Word};

/// Largest screenshot accepted: a long scrolling capture of 1440 × 16 000 fits; beyond that
/// the decoded pixels alone would take hundreds of megabytes.
pub const MAX_PIXELS: u64 = 24_000_000;
pub const MAX_BYTES: u64 = 40 * 1024 * 1024;
/// One phone screen takes 1–3 s on a small machine; a long capture several times that.
pub const TIME_LIMIT: Duration = Duration::from_secs(60);

/// Page segmentation mode 6, "a single uniform block of text": on the cleaned image every
/// line of a chat is read, in order. The automatic modes (3, 4) dropped the first line of some
/// bubbles; `layout.rs` does the page layout instead.
const PSM_BLOCK: &str = "6";
/// Mode 11, "sparse text": for screens with columns (a call log's times beside the names),
/// which mode 6 reads across into garbage.
const PSM_SPARSE: &str = "11";
/// Below this mean word confidence the block reading is retried as sparse text.
const RETRY_BELOW: f64 = 80.0;

/// A located Tesseract with simplified-Chinese data.
#[derive(Debug, Clone)]
pub struct Engine {
    pub path: PathBuf,
    /// "tesseract 5.3.0" as the binary reports it.
    pub version: String,
}

impl Engine {
    /// Find `tesseract` (`YUQI_TESSERACT` overrides the PATH search) and check it has chi_sim.
    pub fn locate() -> Result<Engine, OcrError> {
        let path = std::env::var_os("YUQI_TESSERACT")
            .map(PathBuf::from)
            .or_else(|| find_on_path("tesseract"))
            .ok_or(OcrError::TesseractMissing)?;
        let version = Command::new(&path).arg("--version").output().map_err(|_| OcrError::TesseractMissing)?;
        let text = String::from_utf8_lossy(&version.stdout).to_string() + &String::from_utf8_lossy(&version.stderr);
        let version = text.lines().next().unwrap_or("tesseract").trim().to_string();
        let langs = Command::new(&path).arg("--list-langs").output().map_err(|_| OcrError::TesseractMissing)?;
        let langs = String::from_utf8_lossy(&langs.stdout).to_string() + &String::from_utf8_lossy(&langs.stderr);
        if !langs.lines().any(|l| l.trim() == "chi_sim") {
            return Err(OcrError::ChineseDataMissing);
        }
        Ok(Engine { path, version })
    }

    /// Run Tesseract on a PGM image given on stdin; return its words. Read as one block of
    /// text first; when that reading is unsure, also as sparse text, keeping the surer one.
    pub fn words(&self, pgm: &[u8], limit: Duration) -> Result<Vec<Word>, OcrError> {
        let start = Instant::now();
        let block = self.run(pgm, PSM_BLOCK, limit)?;
        if mean_confidence(&block) >= RETRY_BELOW {
            return Ok(block);
        }
        let sparse = self.run(pgm, PSM_SPARSE, limit.saturating_sub(start.elapsed()))?;
        Ok(if mean_confidence(&sparse) > mean_confidence(&block) { sparse } else { block })
    }

    fn run(&self, pgm: &[u8], psm: &str, limit: Duration) -> Result<Vec<Word>, OcrError> {
        let mut child = Command::new(&self.path)
            // chi_sim alone: its model reads digits and Latin letters too, and adding `eng`
            // made Tesseract switch a Chinese line to English letters now and then (and costs
            // a second model's time).
            .args(["stdin", "stdout", "-l", "chi_sim", "--psm", psm, "tsv"])
            // One thread per run: callers parallelise over images, and OpenMP threads on a
            // small machine only contend.
            .env("OMP_THREAD_LIMIT", "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| OcrError::Engine(io_reason(&e)))?;
        let (Some(mut stdin), Some(mut stdout), Some(mut stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(OcrError::Engine("管道未打开".into()));
        };
        // Writer and readers on their own threads so a full pipe never blocks the clock.
        let input = pgm.to_vec();
        let writer = std::thread::spawn(move || stdin.write_all(&input));
        let reader = std::thread::spawn(move || {
            let mut s = String::new();
            stdout.read_to_string(&mut s).map(|_| s)
        });
        let err_reader = std::thread::spawn(move || {
            let mut s = String::new();
            let _ = stderr.read_to_string(&mut s);
            s
        });
        let start = Instant::now();
        let status = loop {
            match child.try_wait() {
                Ok(Some(s)) => break s,
                Ok(None) if start.elapsed() > limit => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(OcrError::Timeout(limit.as_secs()));
                }
                Ok(None) => std::thread::sleep(Duration::from_millis(20)),
                Err(e) => return Err(OcrError::Engine(io_reason(&e))),
            }
        };
        let _ = writer.join();
        let out = reader.join().ok().and_then(|r| r.ok()).unwrap_or_default();
        let err = err_reader.join().unwrap_or_default();
        if !status.success() {
            let last = err.lines().last().unwrap_or("").to_string();
            return Err(OcrError::Engine(format!("退出状态 {status}：{last}")));
        }
        parse_tsv(&out)
    }
}

/// Word confidence averaged over characters (a long word counts more than a stray mark).
fn mean_confidence(words: &[Word]) -> f64 {
    let (sum, n) = words.iter().fold((0.0, 0usize), |(s, n), w| {
        let c = w.text.chars().count();
        (s + f64::from(w.confidence.max(0.0)) * c as f64, n + c)
    });
    if n == 0 { 0.0 } else { sum / n as f64 }
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// Words from Tesseract's TSV output (level 5 rows; the others are blocks and lines).
pub fn parse_tsv(tsv: &str) -> Result<Vec<Word>, OcrError> {
    let mut out = Vec::new();
    for (n, row) in tsv.lines().enumerate() {
        if n == 0 || row.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = row.splitn(12, '\t').collect();
        if f.len() < 11 {
            return Err(OcrError::Engine(format!("无法解析识别结果第 {} 行", n + 1)));
        }
        let num = |i: usize| {
            f[i].trim().parse::<u32>().map_err(|_| OcrError::Engine(format!("识别结果第 {} 行格式错误", n + 1)))
        };
        if num(0)? != 5 {
            continue;
        }
        let text = f.get(11).map(|t| t.trim()).unwrap_or("");
        if text.is_empty() {
            continue;
        }
        let confidence = f[10].trim().parse::<f32>().unwrap_or(0.0);
        out.push(Word {
            text: text.to_string(),
            rect: Rect { x: num(6)?, y: num(7)?, width: num(8)?, height: num(9)? },
            confidence,
            line: (num(2)?, num(3)?, num(4)?),
        });
    }
    Ok(out)
}

/// The reason a file could not be read, in the borrower's language (the system's own message
/// is English).
fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "文件不存在".into(),
        std::io::ErrorKind::PermissionDenied => "没有读取权限".into(),
        std::io::ErrorKind::IsADirectory => "这是一个文件夹，不是图片".into(),
        _ => "读取失败".into(),
    }
}

/// The pixel size of a PNG or JPEG, read from its header only (to decide whether an image is
/// shaped like a phone screen before spending a second on reading it).
pub fn dimensions(path: &Path) -> Result<(u32, u32), OcrError> {
    let shown = path.display().to_string();
    let reader = image::ImageReader::open(path)
        .map_err(|e| OcrError::Read { path: shown.clone(), reason: io_reason(&e) })?
        .with_guessed_format()
        .map_err(|e| OcrError::Read { path: shown.clone(), reason: io_reason(&e) })?;
    if !matches!(reader.format(), Some(image::ImageFormat::Png | image::ImageFormat::Jpeg)) {
        return Err(OcrError::Format(shown));
    }
    reader.into_dimensions().map_err(|_| OcrError::Format(shown))
}

/// Read and decode the file with the size bounds, before any pixel is decoded.
pub(crate) fn load_rgb(path: &Path) -> Result<(Vec<u8>, u32, u32), OcrError> {
    let shown = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| OcrError::Read { path: shown.clone(), reason: io_reason(&e) })?;
    let (width, height) = dimensions(path)?;
    if u64::from(width) * u64::from(height) > MAX_PIXELS || meta.len() > MAX_BYTES {
        return Err(OcrError::TooLarge {
            width,
            height,
            bytes: meta.len(),
            max_pixels: MAX_PIXELS,
            max_bytes: MAX_BYTES,
        });
    }
    let img = image::ImageReader::open(path)
        .and_then(|r| r.with_guessed_format())
        .map_err(|e| OcrError::Read { path: shown.clone(), reason: io_reason(&e) })?
        .decode()
        .map_err(|_| OcrError::Format(shown.clone()))?;
    let rgb = img.to_rgb8();
    Ok((rgb.into_raw(), width, height))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsv_words_only() {
        let tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
                   1\t1\t0\t0\t0\t0\t0\t0\t1170\t2532\t-1\t\n\
                   5\t1\t2\t1\t3\t1\t150\t400\t300\t45\t91.5\t您好\n\
                   5\t1\t2\t1\t3\t2\t460\t400\t30\t45\t95\t \n";
        let w = parse_tsv(tsv).expect("tsv");
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].text, "您好");
        assert_eq!(w[0].line, (2, 1, 3));
        assert_eq!(w[0].rect, Rect { x: 150, y: 400, width: 300, height: 45 });
        assert!(parse_tsv("h\n5\t1\n").is_err());
    }
}
