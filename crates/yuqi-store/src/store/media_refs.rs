//! Media files an export references beside it on disk (a 留痕 export folder imported from the
//! command line). The importer records each referenced file's hash on its message as an
//! attachment; here, after the export's own entry and in the same transaction, each of those
//! files is stored whole as its own plain-file entry, so the evidence holds the picture and not
//! only its hash. A file that changed between the two reads refuses the whole import.
//!
//! An upload never gets here: its neighbours on the server are not the user's, and a zipped
//! folder keeps its media inside the stored zip.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::{OptionalExtension, params};
use yuqi_evidence::chain::Entry;
use yuqi_evidence::digest::Hasher;
use yuqi_evidence::import::wechatmsg::FolderMedia;
use yuqi_evidence::import::{Format, ImportError, media};
use yuqi_evidence::item::Item;

use super::import_file::{ImportOptions, ImportReport};
use super::{CHUNK, ItemAt, Location, Metadata, StoreError, append, io_err};
use crate::crypt;

/// A folder given to `import_path`: the one export in it, read with its folder as the media
/// folder. A file: itself, with its own folder. Options that already name a folder are kept.
pub(super) fn local_export(path: &Path, opts: &ImportOptions) -> Result<(PathBuf, ImportOptions), StoreError> {
    let mut opts = opts.clone();
    if !path.is_dir() {
        if opts.media_dir.is_none() {
            opts.media_dir = path.parent().map(|p| if p.as_os_str().is_empty() { Path::new(".") } else { p }.into());
        }
        return Ok((path.to_path_buf(), opts));
    }
    let mut found: BTreeMap<bool, Vec<PathBuf>> = BTreeMap::new();
    for e in std::fs::read_dir(path).map_err(io_err(path))? {
        let p = e.map_err(io_err(path))?.path();
        let lower = p.file_name().map(|n| n.to_string_lossy().to_lowercase()).unwrap_or_default();
        if p.is_file() && lower.ends_with(".html.json") {
            found.entry(true).or_default().push(p);
        } else if p.is_file() && lower.ends_with(".html") {
            found.entry(false).or_default().push(p);
        }
    }
    // The sidecar JSON is preferred; a page is read only when there is no sidecar.
    let list = found.remove(&true).or_else(|| found.remove(&false)).unwrap_or_default();
    let file = match list.as_slice() {
        [one] => one.clone(),
        [] => return Err(folder_error(path, "文件夹里没有找到留痕导出的聊天记录（.html.json 或 .html 文件）")),
        _ => return Err(folder_error(path, "文件夹里有不止一个聊天记录导出，请逐个导入其中的 .html.json 文件")),
    };
    opts.media_dir = Some(path.to_path_buf());
    Ok((file, opts))
}

fn folder_error(path: &Path, why: &str) -> StoreError {
    StoreError::Import { file: path.display().to_string(), error: ImportError::Unrecognized(why.into()) }
}

/// The files referenced by the records of one import, collected as they are read.
pub(super) struct MediaRefs {
    folder: Option<FolderMedia>,
    /// Clean relative path → SHA-256 recorded on the message.
    wanted: Mutex<BTreeMap<String, String>>,
}

impl MediaRefs {
    /// Collects only for a 留痕 export read from a folder on disk.
    pub(super) fn new(format: &Format, dir: Option<&Path>) -> MediaRefs {
        let folder = match (format, dir) {
            (Format::WeChatMsgJson | Format::WeChatMsgHtml, Some(d)) => FolderMedia::new(d).ok(),
            _ => None,
        };
        MediaRefs { folder, wanted: Mutex::new(BTreeMap::new()) }
    }

    /// Notes the attachments of one record (reader thread).
    pub(super) fn note(&self, item: &Item) {
        if self.folder.is_none() || item.attachments.is_empty() {
            return;
        }
        if let Ok(mut wanted) = self.wanted.lock() {
            for a in &item.attachments {
                if let Some(name) = &a.name {
                    wanted.insert(name.clone(), a.sha256.clone());
                }
            }
        }
    }

    /// Stores every referenced file as a plain-file entry after `prev` (writer side, inside the
    /// import's transaction). `export` is the name of the export that references them.
    pub(super) fn store(
        self,
        at: &ItemAt<'_>,
        prev: &mut Option<Entry>,
        export: &str,
        report: &mut ImportReport,
    ) -> Result<(), StoreError> {
        let Some(folder) = self.folder else { return Ok(()) };
        let wanted = self.wanted.into_inner().unwrap_or_default();
        for (name, sha256) in wanted {
            let path = folder.locate(&name).map_err(|_| changed(&name))?;
            let key = format!("file|{sha256}");
            let stored: Option<i64> = at
                .tx
                .prepare_cached("SELECT 1 FROM log WHERE item_key = ?1")?
                .query_row(params![key], |r| r.get(0))
                .optional()?;
            if stored.is_some() {
                report.duplicates += 1;
                continue;
            }
            let src: i64 = at.tx.query_row("SELECT COALESCE(MAX(id), 0) + 1 FROM sources", [], |r| r.get(0))?;
            let mut f = File::open(&path).map_err(io_err(&path))?;
            let mut hasher = Hasher::new();
            let mut buf = vec![0u8; CHUNK];
            for idx in 0i64.. {
                let n = read_full(&mut f, &mut buf).map_err(io_err(&path))?;
                if n == 0 {
                    break;
                }
                hasher.update(&buf[..n]);
                let sealed = crypt::seal(at.cipher, &buf[..n], &crypt::chunk_aad(src, idx))?;
                at.tx
                    .prepare_cached("INSERT INTO chunks (src, idx, data) VALUES (?1, ?2, ?3)")?
                    .execute(params![src, idx, sealed])?;
                if n < buf.len() {
                    break;
                }
            }
            let size = hasher.len();
            let digests = hasher.finish();
            if digests.sha256 != sha256 {
                return Err(changed(&name));
            }
            at.tx.execute(
                "INSERT INTO sources (id, sha256, size) VALUES (?1, ?2, ?3)",
                params![src, digests.sha256, size as i64],
            )?;
            let info = media::probe(&name, File::open(&path).map_err(io_err(&path))?);
            let mut meta = Metadata { media: Some(info), ..Metadata::new(&name) };
            meta.fields = vec![("referenced_by".into(), export.to_string())];
            let seq = append(at, prev, "file", &name, &key, &digests, size, Location::Whole(src), &meta)?;
            report.new_items += 1;
            report.last_seq = Some(seq);
        }
        Ok(())
    }
}

fn changed(name: &str) -> StoreError {
    StoreError::Invalid(format!("导出文件夹里的 {name} 在导入过程中被改动或移走了，整个导入已取消（未保存任何内容）"))
}

fn read_full(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}
