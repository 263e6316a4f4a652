//! A zip of a 留痕 / WeChatMsg export folder, as a browser user uploads it: every chat export in
//! it (`<聊天名>.html.json`, or the `.html` page when the sidecar is missing) is read as by
//! [`super::wechatmsg`], and the media it references are members of the same zip, hashed here.
//! The zip itself is stored whole before it is read, so the media bytes are in the evidence.
//!
//! Zip safety: member names are checked (`..`, absolute and other names that would leave the
//! folder are skipped with a warning), symbolic-link members are never followed, every read is
//! bounded by the member's declared size, and members whose declared size is out of proportion
//! to their compressed size (a zip bomb), or beyond the totals below, are not read.

use std::collections::HashMap;
use std::io::{BufReader, Read, Seek};

use super::wechatmsg::{self, Found, Layout, MediaSource, mediaref};
use super::{Ctx, ImportError, Options, Rejected, Summary};
use crate::item::{Item, Position};

/// More members than this is not an export folder a phone or PC produced.
const MAX_MEMBERS: usize = 200_000;
/// Bytes decompressed in all, media and chats together.
const MAX_TOTAL: u64 = 32 << 30;
/// A member larger than this many times its compressed size (and over 1 MiB) is a bomb.
const MAX_RATIO: u64 = 1000;

/// Does this zip hold a 留痕 export (a `.html.json` sidecar, or a page whose name it pairs with)?
pub(crate) fn is_export<R: Read + Seek>(r: R) -> bool {
    let Ok(zip) = zip::ZipArchive::new(r) else { return false };
    zip.len() <= MAX_MEMBERS && zip.file_names().any(|n| n.to_lowercase().ends_with(".html.json"))
}

/// A member as read from the directory.
struct Member {
    index: usize,
    name: String,
    size: u64,
    compressed: u64,
    symlink: bool,
}

pub(crate) fn import<R: Read + Seek>(r: R, opts: &Options, ctx: &mut Ctx<'_>) -> Result<(), ImportError> {
    let broken = |reason: String| {
        ImportError::Syntax(Rejected { position: Position::default(), reason, excerpt: String::new() })
    };
    let mut zip =
        zip::ZipArchive::new(r).map_err(|e| broken(format!("不是可以读取的 ZIP 压缩包（{}）", zip_zh(&e))))?;
    if zip.len() > MAX_MEMBERS {
        return Err(broken(format!("压缩包里的文件超过 {MAX_MEMBERS} 个，不像聊天记录导出")));
    }
    let mut members = Vec::new();
    for index in 0..zip.len() {
        let Ok(f) = zip.by_index_raw(index) else {
            ctx.warn(format!("压缩包里的第 {} 个文件无法读取，已跳过", index + 1));
            continue;
        };
        if f.is_dir() {
            continue;
        }
        let raw = f.name().to_string();
        // Only plain relative names, with `/` separators, are looked up.
        match f.enclosed_name().and_then(|p| p.to_str().map(|s| s.replace('\\', "/"))) {
            Some(name) if mediaref::clean_path(&raw).ok().flatten().as_deref() == Some(name.as_str()) => members
                .push(Member { index, name, size: f.size(), compressed: f.compressed_size(), symlink: f.is_symlink() }),
            _ => ctx.warn(format!("压缩包里的文件名 {raw} 会指向文件夹之外，已跳过")),
        }
    }
    let lower = |m: &Member| m.name.to_lowercase();
    let sidecars: Vec<&Member> = members.iter().filter(|m| lower(m).ends_with(".html.json")).collect();
    // A page whose sidecar is missing is read itself (its values unescaped).
    let pages: Vec<&Member> = members
        .iter()
        .filter(|m| {
            let l = lower(m);
            (l.ends_with(".html") || l.ends_with(".htm")) && !sidecars.iter().any(|s| lower(s) == format!("{l}.json"))
        })
        .collect();
    let exports: Vec<(&Member, Layout)> =
        sidecars.into_iter().map(|m| (m, Layout::Json)).chain(pages.into_iter().map(|m| (m, Layout::Html))).collect();
    if exports.is_empty() {
        return Err(ImportError::Unrecognized("压缩包里没有留痕导出的聊天记录（.html.json 或 .html）".into()));
    }
    let mut budget = MAX_TOTAL;
    let is_export = |m: &Member| exports.iter().any(|(e, _)| e.index == m.index);
    let mut media = ZipMedia { prefix: String::new(), files: HashMap::new() };
    for m in members.iter().filter(|m| !is_export(m)) {
        let found = if m.symlink {
            Found::Outside
        } else if let Some(why) = too_big(m, budget) {
            ctx.warn(format!("压缩包里的 {} {why}，没有读取", m.name));
            continue;
        } else {
            match hash_member(&mut zip, m) {
                Ok(found) => {
                    budget -= m.size;
                    found
                }
                Err(e) => {
                    ctx.warn(format!("压缩包里的 {} 无法读取（{e}），已跳过", m.name));
                    continue;
                }
            }
        };
        media.files.insert(m.name.clone(), found);
    }
    for (m, layout) in &exports {
        if let Some(why) = too_big(m, budget) {
            return Err(broken(format!("压缩包里的 {} {why}", m.name)));
        }
        budget -= m.size;
        let file_name = m.name.rsplit('/').next().unwrap_or(&m.name);
        let opts = Options { conversation: super::conversation_from_file_name(file_name), ..opts.clone() };
        media.prefix = m.name.rsplit_once('/').map(|(dir, _)| format!("{dir}/")).unwrap_or_default();
        let entry = zip.by_index(m.index).map_err(|e| broken(format!("{} 无法读取（{}）", m.name, zip_zh(&e))))?;
        let input = BufReader::with_capacity(256 * 1024, entry.take(m.size));
        // Each chat's items name the member they came from.
        let member = m.name.clone();
        let mut sink = |mut item: Item| {
            item.fields.push(("zip_member".into(), member.clone()));
            (ctx.sink)(item)
        };
        let mut inner = Ctx { on_bad: ctx.on_bad, summary: Summary::default(), sink: &mut sink };
        let r = wechatmsg::import(input, *layout, &opts, &mut inner, Some(&mut media), false);
        let s = inner.summary;
        ctx.summary.records += s.records;
        ctx.summary.rejected_total += s.rejected_total;
        ctx.summary.encoding = s.encoding;
        for rej in s.rejected {
            if ctx.summary.rejected.len() < super::MAX_REPORTED {
                ctx.summary.rejected.push(Rejected { reason: format!("{}：{}", m.name, rej.reason), ..rej });
            }
        }
        for w in s.warnings {
            ctx.warn(format!("{}：{w}", m.name));
        }
        r.map_err(|e| name_error(e, &m.name))?;
    }
    Ok(())
}

/// Why a member is not read, if it is not.
fn too_big(m: &Member, budget: u64) -> Option<String> {
    if m.size > budget {
        Some("解压后超过总大小上限".into())
    } else if m.size > 1 << 20 && m.size / m.compressed.max(1) > MAX_RATIO {
        Some("的压缩比异常（可能是“压缩炸弹”）".into())
    } else {
        None
    }
}

/// SHA-256 and size of a member, reading no more than it declares.
fn hash_member<R: Read + Seek>(zip: &mut zip::ZipArchive<R>, m: &Member) -> Result<Found, String> {
    let entry = zip.by_index(m.index).map_err(|e| zip_zh(&e))?;
    let (size, sha256) = mediaref::sha256_of(entry.take(m.size)).map_err(|e| e.to_string())?;
    if size != m.size {
        return Err("实际大小与记载的不符".into());
    }
    Ok(Found::File { size, sha256 })
}

/// Names the member in an error about one chat of the zip.
fn name_error(e: ImportError, member: &str) -> ImportError {
    let named = |r: Rejected| Rejected { reason: format!("{member}：{}", r.reason), ..r };
    match e {
        ImportError::Syntax(r) => ImportError::Syntax(named(r)),
        ImportError::Refused(r) => ImportError::Refused(named(r)),
        other => other,
    }
}

fn zip_zh(e: &zip::result::ZipError) -> String {
    match e {
        zip::result::ZipError::Io(_) => "读取出错".into(),
        zip::result::ZipError::InvalidArchive(_) => "压缩包结构已损坏".into(),
        zip::result::ZipError::UnsupportedArchive(_) => "不支持的压缩方式或加密".into(),
        zip::result::ZipError::FileNotFound => "找不到文件".into(),
        _ => "无法读取".into(),
    }
}

/// The media members of the zip, by their name inside it; lookups are relative to the folder of
/// the chat being read.
struct ZipMedia {
    prefix: String,
    files: HashMap<String, Found>,
}

impl MediaSource for ZipMedia {
    fn find(&mut self, rel: &str) -> Found {
        self.files.get(&format!("{}{rel}", self.prefix)).cloned().unwrap_or(Found::Missing)
    }
}
