//! What makes two reports comparable: the exact input (SHA-256 of every file read, its
//! size) and the exact analyzer (version, rule count, a fingerprint of its rules and
//! model, and its figures on the frozen held-out split of docs/conduct.md).
//!
//! An auditor who receives two reports can tell from these fields alone whether they
//! were made from the same data with the same analyzer, and how good that analyzer
//! was measured to be on messages it was never built from.

use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::{Result, io_err};

/// One input file's digest, as `sha256sum` prints it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FileDigest {
    /// The file name inside the input directory (or the file's own name).
    pub name: String,
    pub bytes: u64,
    pub sha256: String,
}

/// The input as read: every data file's digest, and one digest over all of them.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct InputDigest {
    /// For one file: that file's SHA-256 (what `sha256sum FILE` prints). For a
    /// directory: the SHA-256 of the `sha256sum` lines of its files in name order
    /// (`HEX  NAME\n` each), so `cd DIR && sha256sum FILES… | sha256sum` reproduces it.
    pub sha256: String,
    pub bytes: u64,
    pub files: Vec<FileDigest>,
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The SHA-256 (hex) and length of everything `r` yields, read in 1 MiB blocks (input files
/// and the running executable are hundreds of megabytes).
pub(crate) fn sha256_of(mut r: impl Read) -> std::io::Result<(String, u64)> {
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut bytes = 0u64;
    loop {
        let n = r.read(&mut buf)?;
        if n == 0 {
            break;
        }
        bytes += n as u64;
        h.update(&buf[..n]);
    }
    Ok((hex(&h.finalize()), bytes))
}

fn file_digest(path: &Path) -> Result<FileDigest> {
    let f = std::fs::File::open(path).map_err(io_err(path))?;
    let (sha256, bytes) = sha256_of(f).map_err(io_err(path))?;
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    Ok(FileDigest { name, bytes, sha256 })
}

/// Digests `files` (the data files the scan reads, in name order). `single` is true when
/// the input was one file rather than a directory.
pub fn digest(files: &[PathBuf], single: bool) -> Result<InputDigest> {
    let files: Vec<FileDigest> = files.iter().map(|p| file_digest(p)).collect::<Result<_>>()?;
    let bytes = files.iter().map(|f| f.bytes).sum();
    let sha256 = match files.as_slice() {
        [one] if single => one.sha256.clone(),
        _ => {
            let mut h = Sha256::new();
            for f in &files {
                h.update(format!("{}  {}\n", f.sha256, f.name).as_bytes());
            }
            hex(&h.finalize())
        }
    };
    Ok(InputDigest { sha256, bytes, files })
}

/// The analyzer's own figures on the frozen test split of real messages
/// (docs/conduct.md, "真实消息上的评估"): rules and model were never built from it.
/// Kept here as data so every report carries them; `tests/scan.rs` checks that
/// docs/conduct.md still states the same figures.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct HeldOut {
    pub split: &'static str,
    pub messages: u32,
    pub lawful_messages: u32,
    pub macro_f1: f64,
    pub macro_f1_low: f64,
    pub macro_f1_high: f64,
    pub micro_f1: f64,
    /// Lawful messages flagged, of `lawful_messages`.
    pub lawful_flagged: u32,
    pub source: &'static str,
    /// The same, as a reader of the report (who has no checkout of the project) can find it.
    pub source_zh: &'static str,
}

pub const HELD_OUT: HeldOut = HeldOut {
    split: "frozen test split of real messages (112 source groups)",
    messages: 300,
    lawful_messages: 193,
    macro_f1: 0.421,
    macro_f1_low: 0.321,
    macro_f1_high: 0.501,
    micro_f1: 0.571,
    lawful_flagged: 12,
    source: "docs/conduct.md, 真实消息上的评估（冻结测试集：规则 + 模型，全部命中）",
    source_zh: "yuqi 项目文档《催收行为检查》中“真实消息上的评估”一节（冻结测试集，规则和模型的全部命中）",
};

/// Which analyzer made the report.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AnalyzerInfo {
    pub name: &'static str,
    /// The yuqi release (every crate of the workspace shares it).
    pub version: &'static str,
    pub rules: usize,
    pub model_features: usize,
    /// SHA-256 of the analyzer's lexicon, model and character-folding files: the version number
    /// does not change with every rule, this does, so two reports with the same fingerprint were
    /// judged by the same rules and model.
    pub fingerprint: String,
    pub held_out: HeldOut,
}

// The analyzer's data, the same bytes yuqi-conduct compiles in (it does not expose them).
const LEXICON: &[u8] = include_bytes!("../../yuqi-conduct/data/lexicon.toml");
const MODEL: &[u8] = include_bytes!("../../yuqi-conduct/data/model.tsv");
// Traditional → simplified folding decides what the rules and the model see.
const FOLDING: [&[u8]; 2] = [
    include_bytes!("../../yuqi-conduct/data/opencc-ts.txt"),
    include_bytes!("../../yuqi-conduct/data/traditional.txt"),
];

pub fn analyzer() -> AnalyzerInfo {
    let a = yuqi_conduct::Analyzer::shared();
    let mut h = Sha256::new();
    h.update(LEXICON);
    h.update(MODEL);
    FOLDING.iter().for_each(|f| h.update(f));
    AnalyzerInfo {
        name: "yuqi-conduct",
        version: env!("CARGO_PKG_VERSION"),
        rules: a.rule_count(),
        model_features: a.model().map_or(0, |m| m.feature_count()),
        fingerprint: hex(&h.finalize()),
        held_out: HELD_OUT,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_match_sha256sum() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let a = dir.path().join("a.csv");
        std::fs::write(&a, b"abc").unwrap_or_else(|e| panic!("{e}"));
        let one = digest(std::slice::from_ref(&a), true).unwrap_or_else(|e| panic!("{e}"));
        // FIPS 180-2 test vector for "abc".
        assert_eq!(one.sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(one.bytes, 3);
        let dir_digest = digest(&[a], false).unwrap_or_else(|e| panic!("{e}"));
        let line = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  a.csv\n";
        assert_eq!(dir_digest.sha256, hex(&Sha256::digest(line.as_bytes())));
    }
}
