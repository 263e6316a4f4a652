//! A 留痕 / WeChatMsg export imported as a folder (the command line) and as a zip of that folder
//! (the web page), without naming a format: messages, media stored and hashed, missing media
//! reported, a refused export leaving nothing.

#![allow(clippy::unwrap_used)] // helpers outside #[test] functions

use std::path::{Path, PathBuf};

use yuqi_store::{ImportOptions, Store};

fn evidence(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/evidence").join(name)
}

const JPG: &str = "d20f6ffd523b78a86cd2f916fa34af5d1918d75f7b142237c752ad6b254213ab";
const MP3: &str = "5158948eb184fbf1571ee7f973e4abc31aea98f24c17e112e120e5e557a642ec";
const MP4: &str = "3bee83cd93579b8504f6102a3ea57af43d230bdfefd60acc239c198aebb2136d";
const PDF: &str = "c6679312f5911e02856cca9697b9b1d1ee020137aadc118b687e18f44ca8e9ea";

fn import(st: &mut Store, path: &Path) -> Result<yuqi_store::ImportReport, yuqi_store::StoreError> {
    st.import_path(path, &ImportOptions::default(), &mut |_, _| {})
}

fn files(st: &Store) -> Vec<(String, String)> {
    let mut f: Vec<(String, String)> = st
        .list(None, None, 1000)
        .unwrap()
        .into_iter()
        .filter(|i| i.kind == "file")
        .map(|i| (i.origin, i.sha256))
        .collect();
    f.sort();
    f
}

#[test]
fn the_folder_is_imported_with_its_media() {
    let tmp = tempfile::tempdir().unwrap();
    let mut st = Store::create(tmp.path(), "测试案件", None).unwrap();
    let r = import(&mut st, &evidence("wechatmsg")).unwrap();
    assert_eq!(r.file, "王经理.html.json");
    assert_eq!(r.format, "微信聊天记录（留痕导出的网页/JSON）");
    assert_eq!(r.summary.records, 17);
    // 17 messages and 4 media files; the export's own entry is counted apart.
    assert_eq!(r.new_items, 17 + 4);
    assert!(
        r.summary
            .warnings
            .iter()
            .any(|w| w.starts_with("引用的图片 image/2024-03/20240304_134400_701234_0 不在导出文件夹里")),
        "{:?}",
        r.summary.warnings
    );
    assert_eq!(st.entry_count().unwrap(), 17 + 1 + 4);
    assert_eq!(
        files(&st),
        [
            ("file/2024-03/催款通知.pdf".to_string(), PDF.to_string()),
            ("image/2024-03/20240304_133200_701234_0.jpg".into(), JPG.into()),
            ("video/2024-03/20240304_134000_701234_1.mp4".into(), MP4.into()),
            ("voice/2024-03/20240304_133300_701234_0.mp3".into(), MP3.into()),
        ]
    );
    // The chain and every stored byte check out.
    assert!(st.verify(&mut |_, _| {}).unwrap().ok());

    // The page of the same chat: same messages and media, nothing new but the page itself.
    let page = import(&mut st, &evidence("wechatmsg/王经理.html")).unwrap();
    assert_eq!((page.new_items, page.duplicates), (0, 17 + 4));
    assert_eq!(st.entry_count().unwrap(), 17 + 1 + 4 + 1);
}

#[test]
fn the_zipped_folder_keeps_its_media_inside_the_zip() {
    let tmp = tempfile::tempdir().unwrap();
    let mut st = Store::create(tmp.path(), "测试案件", None).unwrap();
    let r = import(&mut st, &evidence("wechatmsg.zip")).unwrap();
    assert_eq!(r.format, "微信聊天记录（留痕导出文件夹的 ZIP 压缩包）");
    assert_eq!((r.summary.records, r.new_items), (17, 17));
    assert!(r.summary.warnings.iter().any(|w| w.contains("20240304_134400_701234_0 不在导出文件夹里")));
    // No separate media entries: their bytes are in the stored zip.
    assert!(files(&st).is_empty());
    assert_eq!(st.entry_count().unwrap(), 18);
    assert!(st.verify(&mut |_, _| {}).unwrap().ok());
}

#[test]
fn a_refused_export_stores_neither_messages_nor_media() {
    let tmp = tempfile::tempdir().unwrap();
    let mut st = Store::create(&tmp.path().join("store"), "测试案件", None).unwrap();
    // A copy of the folder whose third message has no time.
    let copy = tmp.path().join("export");
    for rel in [
        "image/2024-03/20240304_133200_701234_0.jpg",
        "voice/2024-03/20240304_133300_701234_0.mp3",
        "file/2024-03/催款通知.pdf",
    ] {
        std::fs::create_dir_all(copy.join(rel).parent().unwrap()).unwrap();
        std::fs::copy(evidence("wechatmsg").join(rel), copy.join(rel)).unwrap();
    }
    let json = std::fs::read_to_string(evidence("wechatmsg/王经理.html.json")).unwrap();
    let broken = json.replacen("\"timestamp\": 1709530320,", "", 1);
    assert_ne!(broken, json);
    std::fs::write(copy.join("王经理.html.json"), broken).unwrap();
    let err = import(&mut st, &copy).unwrap_err().to_string();
    assert!(err.contains("第 3 条记录") && err.contains("时间戳"), "{err}");
    assert_eq!(st.entry_count().unwrap(), 0);

    // A folder with two chats is not guessed at.
    std::fs::write(copy.join("赵催收.html.json"), "[]").unwrap();
    let err = import(&mut st, &copy).unwrap_err().to_string();
    assert!(err.contains("不止一个"), "{err}");
    assert_eq!(st.entry_count().unwrap(), 0);
}
