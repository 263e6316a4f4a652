//! The 留痕 / WeChatMsg (WeChat 4.x) HTML and `.html.json` importers against the export folder
//! written by tests/data/evidence/make_wechatmsg.py (real layout, invented data).

#![allow(clippy::unwrap_used)] // helpers outside #[test] functions

use std::io::Cursor;
use std::path::{Path, PathBuf};

use yuqi_evidence::import::{self, Format, ImportError, OnBad, Options, Summary};
use yuqi_evidence::item::{Attachment, Direction, Item, Position};

const CHAT_JSON: &str = "王经理.html.json";
const CHAT_HTML: &str = "王经理.html";
/// 2024-03-04 13:30:00 +08:00, the first message.
const T0_MS: i64 = 1_709_530_200_000;

fn folder() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/evidence/wechatmsg")
}

fn opts(name: &str, media_dir: Option<&Path>, on_bad: OnBad) -> Options {
    Options {
        on_bad,
        conversation: import::conversation_from_file_name(name),
        media_dir: media_dir.map(Path::to_path_buf),
        ..Options::default()
    }
}

fn run(format: &Format, data: &[u8], opts: &Options) -> (Vec<Item>, Result<Summary, ImportError>) {
    let mut items = Vec::new();
    let r = import::import(format, Cursor::new(data), opts, &mut |i| {
        items.push(i);
        Ok(())
    });
    (items, r)
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(folder().join(name)).unwrap()
}

fn text(i: &Item) -> &str {
    &i.message.as_ref().unwrap().text
}

fn dir_of(i: &Item) -> Direction {
    i.message.as_ref().unwrap().direction
}

fn att(name: &str, content_type: &str, size: u64, sha256: &str) -> Attachment {
    Attachment { content_type: content_type.into(), name: Some(name.into()), size, sha256: sha256.into() }
}

#[test]
fn detected_from_content() {
    let json = read(CHAT_JSON);
    let html = read(CHAT_HTML);
    assert_eq!(import::detect(CHAT_JSON, &json[..json.len().min(8192)]), Some(Format::WeChatMsgJson));
    assert_eq!(import::detect(CHAT_HTML, &html[..html.len().min(8192)]), Some(Format::WeChatMsgHtml));
    // Another JSON is not taken for it; another page is a plain file.
    assert_eq!(import::detect("x.json", b"[{\"a\": 1}]"), None);
    assert_eq!(import::detect("x.html", b"<!DOCTYPE html><html><body>hi</body></html>"), Some(Format::File));
    assert_eq!(Format::parse("wechatmsg-json"), Some(Format::WeChatMsgJson));
    assert_eq!(Format::parse("wechatmsg-html"), Some(Format::WeChatMsgHtml));
    assert_eq!(Format::WeChatMsgJson.label_zh(), "微信聊天记录（留痕导出的网页/JSON）");
}

#[test]
fn every_message_type_with_its_media() {
    let data = read(CHAT_JSON);
    let (items, r) = run(&Format::WeChatMsgJson, &data, &opts(CHAT_JSON, Some(&folder()), OnBad::Refuse));
    let summary = r.unwrap();
    assert_eq!(items.len(), 17);
    assert_eq!(summary.records, 17);
    assert_eq!(summary.encoding, "UTF-8");

    // Every record is the exact bytes of its element, where its position says.
    for i in &items {
        assert!(i.slice);
        let at = i.position.byte as usize;
        assert_eq!(&data[at..at + i.raw.len()], &i.raw[..]);
        assert!(i.raw.starts_with(b"{") && i.raw.ends_with(b"}"));
        assert_eq!(i.message.as_ref().unwrap().channel, "wechat");
        assert!(!i.message.as_ref().unwrap().zone_assumed);
    }
    assert_eq!(items[0].position, Position { record: 1, line: 2, byte: 6 });
    assert_eq!(items[1].position.record, 2);
    assert_eq!(items[1].position.line, 12);

    // Times are the epoch instants, one minute apart.
    for (n, i) in items.iter().enumerate().filter(|(n, _)| *n != 11) {
        assert_eq!(i.message.as_ref().unwrap().time_ms, Some(T0_MS + 60_000 * n as i64), "{n}");
    }
    let m0 = items[0].message.as_ref().unwrap();
    assert_eq!((m0.direction, m0.counterpart.as_str()), (Direction::In, "王经理"));
    assert_eq!(m0.text, "今天下午五点前必须还款，否则通知你家人和单位");
    assert_eq!(items[0].field("server_id"), Some("7012345678901234500"));
    assert_eq!(items[0].field("yuqi_type"), Some("文本"));
    assert_eq!(items[0].field("chat"), Some("王经理"));

    // Sent by me: the counterpart is the chat the file is named after.
    let m1 = items[1].message.as_ref().unwrap();
    assert_eq!((m1.direction, m1.counterpart.as_str()), (Direction::Out, "王经理"));
    assert_eq!(m1.text, "我说了 <下周一> & \"一定\" 还'");

    assert_eq!(text(&items[2]), "【图片】");
    let jpg = "d20f6ffd523b78a86cd2f916fa34af5d1918d75f7b142237c752ad6b254213ab";
    assert_eq!(items[2].attachments, [att("image/2024-03/20240304_133200_701234_0.jpg", "image/jpeg", 22, jpg)]);
    assert_eq!(text(&items[3]), "【语音】\n你躲得了初一躲不过十五");
    let mp3 = "5158948eb184fbf1571ee7f973e4abc31aea98f24c17e112e120e5e557a642ec";
    assert_eq!(items[3].attachments, [att("voice/2024-03/20240304_133300_701234_0.mp3", "audio/mpeg", 30, mp3)]);

    // Transfers as the CSV importer renders them.
    assert_eq!((text(&items[4]), dir_of(&items[4])), ("【发起转账】¥500.00 备注：先还一部分", Direction::Out));
    assert_eq!((text(&items[5]), dir_of(&items[5])), ("【已收款】¥500.00", Direction::In));
    assert_eq!(items[4].field("yuqi_type"), Some("转账"));

    assert_eq!(text(&items[6]), "【文件】催款通知.pdf");
    let pdf = "c6679312f5911e02856cca9697b9b1d1ee020137aadc118b687e18f44ca8e9ea";
    assert_eq!(items[6].attachments, [att("file/2024-03/催款通知.pdf", "application/pdf", 33, pdf)]);
    assert_eq!((text(&items[7]), dir_of(&items[7])), ("【视频】", Direction::Out));
    let mp4 = "3bee83cd93579b8504f6102a3ea57af43d230bdfefd60acc239c198aebb2136d";
    assert_eq!(items[7].attachments, [att("video/2024-03/20240304_134000_701234_1.mp4", "video/mp4", 24, mp4)]);
    assert_eq!(text(&items[8]), "【红包】恭喜发财，大吉大利");
    assert_eq!(text(&items[9]), "【音视频通话】\n通话时长 00:42");
    assert_eq!(text(&items[10]), "看清楚了吗\n引用：小李: 我说了 <下周一> & \"一定\" 还'");
    assert_eq!(text(&items[11]), "【合并转发的聊天记录】\n群聊的聊天记录\n    - 赵催收: 欠款 3000 元 <逾期>");
    assert_eq!((text(&items[12]), dir_of(&items[12])), ("\"王经理\" 撤回了一条消息", Direction::System));
    assert_eq!(items[12].message.as_ref().unwrap().counterpart, "王经理");
    // A pat is written with the int type 10000.
    assert_eq!((text(&items[13]), dir_of(&items[13])), ("\"王经理\" 拍了拍我", Direction::System));
    // A referenced image that is not in the folder: no attachment, a warning naming it.
    assert!(items[14].attachments.is_empty());
    assert_eq!(items[14].field("media_missing"), Some("image/2024-03/20240304_134400_701234_0"));
    assert!(
        summary
            .warnings
            .iter()
            .any(|w| w.starts_with("引用的图片 image/2024-03/20240304_134400_701234_0 不在导出文件夹里")),
        "{:?}",
        summary.warnings
    );
    assert_eq!(summary.warnings.len(), 1, "{:?}", summary.warnings);
    // A web emoji is not a file of the export.
    assert_eq!(text(&items[15]), "【表情包】[捂脸]");
    assert!(items[15].attachments.is_empty());
    assert_eq!(text(&items[16]), "【分享链接】\n逾期告知函\n请于今日还清\nhttps://loan.example.invalid/notice?a=1&b=2");

    // Keys are distinct and stable.
    let mut keys: Vec<&str> = items.iter().map(|i| i.key.as_str()).collect();
    keys.sort_unstable();
    keys.dedup();
    assert_eq!(keys.len(), 17);
    let (again, _) = run(&Format::WeChatMsgJson, &data, &opts(CHAT_JSON, Some(&folder()), OnBad::Refuse));
    assert_eq!(again, items);
}

#[test]
fn the_page_gives_the_same_messages_unescaped() {
    let o = |n| opts(n, Some(&folder()), OnBad::Refuse);
    let (json, _) = run(&Format::WeChatMsgJson, &read(CHAT_JSON), &o(CHAT_JSON));
    let page = read(CHAT_HTML);
    let (html, r) = run(&Format::WeChatMsgHtml, &page, &o(CHAT_HTML));
    r.unwrap();
    assert_eq!(html.len(), json.len());
    for (h, j) in html.iter().zip(&json) {
        assert_eq!(h.message, j.message, "{}", h.position);
        assert_eq!(h.attachments, j.attachments);
        assert_eq!(h.key, j.key);
        let at = h.position.byte as usize;
        assert_eq!(&page[at..at + h.raw.len()], &h.raw[..]);
    }
    // The page's bytes are escaped; the text is not.
    assert!(String::from_utf8_lossy(&html[1].raw).contains("&lt;下周一&gt; &amp; &quot;一定&quot; 还&#x27;"));
    assert_eq!(html[0].position, Position { record: 1, line: 18, byte: html[0].position.byte });
    // Strings inside lists were not escaped by the exporter, and stay as they are.
    assert!(text(&html[11]).ends_with("欠款 3000 元 <逾期>"));
}

#[test]
fn without_the_folder_no_media_are_looked_at() {
    let (items, r) = run(&Format::WeChatMsgJson, &read(CHAT_JSON), &opts(CHAT_JSON, None, OnBad::Refuse));
    assert!(r.unwrap().warnings.is_empty());
    assert!(items.iter().all(|i| i.attachments.is_empty()));
    assert_eq!(items.len(), 17);
}

#[test]
fn a_page_without_the_array_is_kept_with_a_warning() {
    let page = b"<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<style>.flatpickr-calendar{}</style></html>";
    let (items, r) = run(&Format::WeChatMsgHtml, page, &Options::default());
    assert!(items.is_empty());
    assert!(r.unwrap().warnings[0].contains("没有找到留痕导出的聊天记录"));
}

/// The fixture with element `n` (0-based) replaced.
fn with_element(n: usize, replacement: &str) -> Vec<u8> {
    let mut v: Vec<serde_json::Value> = serde_json::from_slice(&read(CHAT_JSON)).unwrap();
    v[n] = serde_json::Value::Null;
    let text = serde_json::to_string_pretty(&v).unwrap();
    // The first `null` is the element replaced (no message holds a null).
    text.replacen("null", replacement, 1).into_bytes()
}

#[test]
fn a_bad_message_refuses_the_file_or_is_skipped() {
    let data = with_element(3, "{\"type\": \"1\", \"is_send\": true, \"text\": \"没有时间\"}");
    let (_, r) = run(&Format::WeChatMsgJson, &data, &opts(CHAT_JSON, None, OnBad::Refuse));
    match r {
        Err(ImportError::Refused(rej)) => {
            assert_eq!(rej.position.record, 4);
            assert!(rej.reason.contains("时间戳"), "{}", rej.reason);
            let at = rej.position.byte as usize;
            assert!(data[at..].starts_with(b"{\"type\": \"1\", \"is_send\": true"));
        }
        other => panic!("{other:?}"),
    }
    let (items, r) = run(&Format::WeChatMsgJson, &data, &opts(CHAT_JSON, None, OnBad::Skip));
    let s = r.unwrap();
    assert_eq!((items.len(), s.rejected_total), (16, 1));
    assert_eq!(s.rejected[0].position.record, 4);
    assert!(s.rejected[0].excerpt.starts_with("{\"type\": \"1\", \"is_send\": true"));

    // Balanced but not JSON: the record, not the file, is broken.
    let data = with_element(5, "{\"type\": \"1\", \"timestamp\": 17 09}");
    let (items, r) = run(&Format::WeChatMsgJson, &data, &opts(CHAT_JSON, None, OnBad::Skip));
    let s = r.unwrap();
    assert_eq!((items.len(), s.rejected_total), (16, 1));
    assert!(s.rejected[0].reason.contains("不是有效的 JSON"), "{}", s.rejected[0].reason);
    // Not an object.
    let data = with_element(0, "42");
    let (_, r) = run(&Format::WeChatMsgJson, &data, &opts(CHAT_JSON, None, OnBad::Refuse));
    assert!(
        matches!(r, Err(ImportError::Refused(rej)) if rej.position.record == 1 && rej.reason.contains("不是消息对象"))
    );
}

#[test]
fn a_truncated_or_garbled_array_is_refused_with_its_position() {
    let data = read(CHAT_JSON);
    // Cut inside the fourth message.
    let (items, _) = run(&Format::WeChatMsgJson, &data, &Options::default());
    let cut = items[3].position.byte as usize + 40;
    for on_bad in [OnBad::Refuse, OnBad::Skip] {
        let (got, r) = run(&Format::WeChatMsgJson, &data[..cut], &opts(CHAT_JSON, None, on_bad));
        assert_eq!(got.len(), 3);
        match r {
            Err(ImportError::Syntax(rej)) => {
                assert_eq!(rej.position, items[3].position);
                assert!(rej.reason.contains("不完整"));
            }
            other => panic!("{other:?}"),
        }
    }
    // Garbage between two messages.
    let at = items[6].position.byte as usize;
    let comma = data[..at].iter().rposition(|&b| b == b',').unwrap();
    let mut garbled = data.clone();
    garbled[comma] = b'x';
    let (got, r) = run(&Format::WeChatMsgJson, &garbled, &opts(CHAT_JSON, None, OnBad::Skip));
    assert_eq!(got.len(), 6);
    match r {
        Err(ImportError::Syntax(rej)) => {
            assert_eq!((rej.position.record, rej.position.byte), (7, comma as u64));
            assert!(rej.reason.contains("逗号"));
        }
        other => panic!("{other:?}"),
    }
    // A mismatched bracket inside a message.
    let text = String::from_utf8(data.clone()).unwrap().replacen("\"xml_dict\": {}", "\"xml_dict\": {]", 1);
    let (_, r) = run(&Format::WeChatMsgJson, text.as_bytes(), &opts(CHAT_JSON, None, OnBad::Skip));
    assert!(matches!(r, Err(ImportError::Syntax(rej)) if rej.position.record == 1 && rej.reason.contains("括号")));
}

/// A scratch export folder with one message referencing `path`.
fn scratch(tag: &str, path: &str) -> (PathBuf, Vec<u8>) {
    let dir = std::env::temp_dir().join(format!("yuqi-wechatmsg-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("export/image/2024-03")).unwrap();
    std::fs::write(dir.join("secret.jpg"), b"outside").unwrap();
    let msg = serde_json::json!([{
        "type": "3", "is_send": false, "timestamp": 1709530200, "server_id": "1",
        "display_name": "王经理", "avatar_src": "", "xml_dict": {}, "path": path,
        "file_name": "x", "file_size": 0, "file_type": "", "thumb_path": ""
    }]);
    (dir, serde_json::to_vec_pretty(&msg).unwrap())
}

#[test]
fn paths_out_of_the_folder_are_refused() {
    for (tag, path) in
        [("dotdot", "./image/../../secret.jpg"), ("abs", "/etc/passwd"), ("drive", "C:\\Users\\me\\a.jpg")]
    {
        let (dir, data) = scratch(tag, path);
        let o = opts(CHAT_JSON, Some(&dir.join("export")), OnBad::Refuse);
        let (items, r) = run(&Format::WeChatMsgJson, &data, &o);
        let w = r.unwrap().warnings;
        assert!(items[0].attachments.is_empty());
        assert!(w.len() == 1 && w[0].contains("指向导出文件夹之外"), "{tag}: {w:?}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_out_of_the_folder_is_refused() {
    let (dir, data) = scratch("link", "./image/2024-03/link.jpg");
    std::os::unix::fs::symlink(dir.join("secret.jpg"), dir.join("export/image/2024-03/link.jpg")).unwrap();
    let o = opts(CHAT_JSON, Some(&dir.join("export")), OnBad::Refuse);
    let (items, r) = run(&Format::WeChatMsgJson, &data, &o);
    let w = r.unwrap().warnings;
    assert!(items[0].attachments.is_empty());
    assert!(w.len() == 1 && w[0].contains("符号链接"), "{w:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

fn zip_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/evidence/wechatmsg.zip")
}

fn run_zip(data: &[u8], on_bad: OnBad) -> (Vec<Item>, Result<Summary, ImportError>) {
    let mut items = Vec::new();
    let o = Options { on_bad, ..Options::default() };
    let r = import::import_seekable(&Format::WeChatMsgZip, Cursor::new(data), &o, &mut |i| {
        items.push(i);
        Ok(())
    });
    (items, r)
}

#[test]
fn the_zipped_folder_is_detected_and_read_with_its_media() {
    let data = std::fs::read(zip_path()).unwrap();
    assert_eq!(import::detect("聊天.zip", &data[..data.len().min(8192)]), Some(Format::File));
    assert_eq!(import::detect_seekable("聊天.zip", &data, Cursor::new(&data)), Some(Format::WeChatMsgZip));
    assert!(Format::WeChatMsgZip.needs_seek());
    assert_eq!(Format::parse("wechatmsg-zip"), Some(Format::WeChatMsgZip));

    let (items, r) = run_zip(&data, OnBad::Refuse);
    let s = r.unwrap();
    let (folder, _) = run(&Format::WeChatMsgJson, &read(CHAT_JSON), &opts(CHAT_JSON, Some(&folder()), OnBad::Refuse));
    assert_eq!(items.len(), 17);
    for (z, f) in items.iter().zip(&folder) {
        // Same messages, same media hashes; the records are not slices of the zip.
        assert_eq!(z.message, f.message);
        assert_eq!(z.attachments, f.attachments);
        assert_eq!(z.key, f.key);
        assert_eq!(z.position, f.position);
        assert_eq!(z.raw, f.raw);
        assert!(!z.slice);
        assert_eq!(z.field("zip_member"), Some("王经理/王经理.html.json"));
    }
    assert_eq!(items[2].attachments[0].name.as_deref(), Some("image/2024-03/20240304_133200_701234_0.jpg"));
    assert!(
        s.warnings.iter().any(|w| w.contains("引用的图片 image/2024-03/20240304_134400_701234_0 不在导出文件夹里"))
    );
}

#[test]
fn other_zips_are_plain_files_and_broken_ones_refused() {
    // A zip without an export, and a zip whose names leave the folder.
    let mut buf = Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let o = zip::write::SimpleFileOptions::default();
        z.start_file("notes.txt", o).unwrap();
        std::io::Write::write_all(&mut z, b"hello").unwrap();
        z.finish().unwrap();
    }
    let plain = buf.into_inner();
    assert_eq!(import::detect_seekable("a.zip", &plain, Cursor::new(&plain)), Some(Format::File));
    let (_, r) = run_zip(&plain, OnBad::Refuse);
    assert!(matches!(r, Err(ImportError::Unrecognized(_))));

    let mut buf = Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let o = zip::write::SimpleFileOptions::default();
        z.start_file("a/王经理.html.json", o).unwrap();
        let json = read(CHAT_JSON);
        std::io::Write::write_all(&mut z, &json).unwrap();
        z.start_file("a/../../image/2024-03/20240304_133200_701234_0.jpg", o).unwrap();
        std::io::Write::write_all(&mut z, b"evil").unwrap();
        z.finish().unwrap();
    }
    let (items, r) = run_zip(buf.get_ref(), OnBad::Refuse);
    let w = r.unwrap().warnings;
    assert_eq!(items.len(), 17);
    assert!(items.iter().all(|i| i.attachments.is_empty()));
    assert!(w.iter().any(|w| w.contains("会指向文件夹之外")), "{w:?}");

    // Truncated: the directory at the end is gone.
    let data = std::fs::read(zip_path()).unwrap();
    let (items, r) = run_zip(&data[..data.len() - 30], OnBad::Skip);
    assert!(items.is_empty());
    assert!(matches!(r, Err(ImportError::Syntax(rej)) if rej.reason.contains("ZIP")));
}

/// Mutated zips (bytes flipped, cut, spliced) never panic, and every error names a position.
#[test]
fn damaged_zips_never_panic() {
    let data = std::fs::read(zip_path()).unwrap();
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for round in 0..300 {
        let mut d = data.clone();
        for _ in 0..1 + next() % 4 {
            let at = (next() % d.len() as u64) as usize;
            match next() % 3 {
                0 => d[at] ^= 1 << (next() % 8),
                1 => d.truncate(at.max(1)),
                _ => d.splice(at..at, [b'{', b'"', b']', b',', 0xff]).for_each(drop),
            }
        }
        for on_bad in [OnBad::Refuse, OnBad::Skip] {
            let _ = import::detect_seekable("x.zip", &d, Cursor::new(&d));
            match run_zip(&d, on_bad).1 {
                Err(ImportError::Syntax(r) | ImportError::Refused(r)) => assert!(!r.reason.is_empty(), "{round}"),
                Err(ImportError::Sink(e)) => panic!("{round}: {e}"),
                _ => {}
            }
        }
    }
}

/// A generated export of `n` messages, produced as it is read; `read` counts the bytes handed out.
struct Generated {
    n: u64,
    next: u64,
    pending: Vec<u8>,
    read: std::rc::Rc<std::cell::Cell<u64>>,
}

impl std::io::Read for Generated {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if self.pending.is_empty() {
            self.pending = match self.next {
                0 => b"[\n".to_vec(),
                k if k <= self.n => format!(
                    "    {{\"type\": \"1\", \"is_send\": {}, \"timestamp\": {}, \"server_id\": \"{k}\", \
                     \"display_name\": \"王经理\", \"avatar_src\": \"\", \"xml_dict\": {{}}, \"text\": \"第 {k} 条：今天必须还款\"}}{}\n",
                    k % 2 == 0,
                    1_709_530_200 + k,
                    if k < self.n { "," } else { "" }
                )
                .into_bytes(),
                k if k == self.n + 1 => b"]\n".to_vec(),
                _ => return Ok(0),
            };
            self.next += 1;
        }
        let k = out.len().min(self.pending.len());
        out[..k].copy_from_slice(&self.pending[..k]);
        self.pending.drain(..k);
        self.read.set(self.read.get() + k as u64);
        Ok(k)
    }
}

#[test]
fn a_large_array_is_read_as_it_streams() {
    let n = 40_000;
    let read = std::rc::Rc::new(std::cell::Cell::new(0u64));
    let input = Generated { n, next: 0, pending: Vec::new(), read: read.clone() };
    let mut count = 0u64;
    let mut ahead = 0u64;
    let r = import::import(
        &Format::WeChatMsgJson,
        std::io::BufReader::with_capacity(64 * 1024, input),
        &Options::default(),
        &mut |i| {
            count += 1;
            assert_eq!(i.position.record, count);
            assert_eq!(i.position.line, count + 1);
            assert_eq!(i.message.as_ref().unwrap().time_ms, Some((1_709_530_200 + count as i64) * 1000));
            // Never more than one buffer beyond the record handed over.
            ahead = ahead.max(read.get() - (i.position.byte + i.raw.len() as u64));
            Ok(())
        },
    );
    assert_eq!(r.unwrap().records, n);
    assert_eq!(count, n);
    assert!(read.get() > 7_000_000, "{}", read.get());
    assert!(ahead <= 64 * 1024, "read {ahead} bytes ahead");
}

#[test]
fn a_zip_of_several_chats_reads_each_with_its_own_name_and_media() {
    let mut buf = Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let o = zip::write::SimpleFileOptions::default();
        let mut put = |name: &str, data: &[u8]| {
            z.start_file(name, o).unwrap();
            std::io::Write::write_all(&mut z, data).unwrap();
        };
        put("聊天记录/王经理/王经理.html.json", &read(CHAT_JSON));
        // Both forms of the same chat: only the sidecar is read.
        put("聊天记录/王经理/王经理.html", &read(CHAT_HTML));
        put(
            "聊天记录/王经理/image/2024-03/20240304_133200_701234_0.jpg",
            &read("image/2024-03/20240304_133200_701234_0.jpg"),
        );
        // Another chat, as a page only; its image is not in its own folder.
        put("聊天记录/赵催收/赵催收.html", &read(CHAT_HTML));
        z.finish().unwrap();
    }
    let (items, r) = run_zip(buf.get_ref(), OnBad::Refuse);
    let s = r.unwrap();
    assert_eq!(items.len(), 34);
    assert_eq!(s.records, 34);
    let (wang, zhao) = items.split_at(17);
    assert!(wang.iter().all(|i| i.field("zip_member") == Some("聊天记录/王经理/王经理.html.json")));
    assert!(zhao.iter().all(|i| i.field("zip_member") == Some("聊天记录/赵催收/赵催收.html")));
    assert_eq!(wang[1].message.as_ref().unwrap().counterpart, "王经理");
    assert_eq!(zhao[1].message.as_ref().unwrap().counterpart, "赵催收");
    assert_eq!(wang[2].attachments.len(), 1);
    assert!(zhao[2].attachments.is_empty());
    assert!(
        s.warnings
            .iter()
            .any(|w| w.starts_with("聊天记录/赵催收/赵催收.html：引用的图片 image/2024-03/20240304_133200_701234_0"))
    );
}
