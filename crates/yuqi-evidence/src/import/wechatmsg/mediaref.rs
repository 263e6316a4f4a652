//! Media referenced by a 留痕 export: checking a path stays inside the export folder, and looking
//! the file up (on disk here; in a zip in `import/wechatzip.rs`).

use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// What a lookup found for a clean relative path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    File {
        size: u64,
        sha256: String,
    },
    Missing,
    /// The path leads out of the export folder (a symbolic link): refused.
    Outside,
}

/// Answers for files referenced by the export, by their clean relative path
/// (`image/2024-03/x.jpg`, from [`clean_path`]).
pub trait MediaSource {
    fn find(&mut self, rel: &str) -> Found;
}

/// A referenced path that would lead out of the export folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeavesFolder;

/// A referenced path made relative to the export folder: `./image/a` → `image/a`, backslashes
/// read as separators. `Ok(None)` for an empty path or a web address (emoji, covers: nothing to
/// keep); `Err` for a path that would leave the folder (absolute, a drive, `..`).
pub fn clean_path(raw: &str) -> Result<Option<String>, LeavesFolder> {
    let p = raw.trim();
    if p.is_empty() || p.starts_with("http://") || p.starts_with("https://") {
        return Ok(None);
    }
    let p = p.replace('\\', "/");
    if p.starts_with('/') {
        return Err(LeavesFolder);
    }
    let mut parts = Vec::new();
    for c in p.split('/') {
        match c {
            "" | "." => {}
            ".." => return Err(LeavesFolder),
            // A drive (`C:`) or any scheme (`file:`): not a path inside the folder.
            c if c.contains(':') => return Err(LeavesFolder),
            c => parts.push(c),
        }
    }
    Ok((!parts.is_empty()).then(|| parts.join("/")))
}

/// The MIME type of a referenced file, from its extension.
pub fn content_type(name: &str) -> &'static str {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "bmp" => "image/bmp",
        "webp" => "image/webp",
        "mp3" => "audio/mpeg",
        "silk" | "amr" => "audio/amr",
        "mp4" => "video/mp4",
        "mov" => "video/quicktime",
        "pdf" => "application/pdf",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "txt" => "text/plain",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

/// The export folder on disk.
#[derive(Debug, Clone)]
pub struct FolderMedia {
    root: PathBuf,
}

impl FolderMedia {
    /// The folder `dir` (resolved, so that links inside it can be checked against it).
    pub fn new(dir: &Path) -> std::io::Result<FolderMedia> {
        Ok(FolderMedia { root: dir.canonicalize()? })
    }

    /// The real path of a clean relative path, if it is a regular file inside the folder.
    pub fn locate(&self, rel: &str) -> Result<PathBuf, Found> {
        let real = match self.root.join(rel).canonicalize() {
            Ok(real) => real,
            Err(_) => return Err(Found::Missing),
        };
        if !real.starts_with(&self.root) {
            return Err(Found::Outside);
        }
        match std::fs::metadata(&real) {
            Ok(m) if m.is_file() => Ok(real),
            _ => Err(Found::Missing),
        }
    }
}

impl MediaSource for FolderMedia {
    fn find(&mut self, rel: &str) -> Found {
        let path = match self.locate(rel) {
            Ok(path) => path,
            Err(found) => return found,
        };
        match std::fs::File::open(&path).and_then(sha256_of) {
            Ok((size, sha256)) => Found::File { size, sha256 },
            Err(_) => Found::Missing,
        }
    }
}

/// SHA-256 (hex) and length of everything `r` yields.
pub fn sha256_of<R: Read>(mut r: R) -> std::io::Result<(u64, String)> {
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        let n = match r.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        h.update(&buf[..n]);
        size += n as u64;
    }
    Ok((size, hex(&h.finalize())))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_folder() {
        assert_eq!(clean_path("./image/2024-03/a"), Ok(Some("image/2024-03/a".into())));
        assert_eq!(clean_path(".\\file\\2024-03\\合同.pdf"), Ok(Some("file/2024-03/合同.pdf".into())));
        assert_eq!(clean_path("https://x/e.gif"), Ok(None));
        assert_eq!(clean_path("  "), Ok(None));
        for bad in
            ["../secret", "./image/../../x", "/etc/passwd", "C:\\Users\\a.jpg", "\\\\server\\share\\a", "file:///x"]
        {
            assert_eq!(clean_path(bad), Err(LeavesFolder), "{bad}");
        }
    }
}
