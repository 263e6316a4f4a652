//! What a file that no importer recognised looks like, in words a borrower understands: the
//! refusal says what was expected and what was found ("一个表格（CSV），第一行是：…"), so he
//! can tell a wrong file from a right one saved the wrong way.

/// A short Chinese description of the file's kind from its name and first bytes.
pub fn describe(name: &str, head: &[u8]) -> String {
    let lower = name.to_lowercase();
    if head.is_empty() {
        return "一个空文件（0 字节）".into();
    }
    if head.starts_with(b"PK\x03\x04") {
        return "一个压缩包（ZIP），里面不是认得的导出".into();
    }
    if head.starts_with(b"SQLite format 3\0") {
        return "一个数据库文件（SQLite），不是认得的短信数据库".into();
    }
    if head.starts_with(b"%PDF") {
        return "一个 PDF 文件".into();
    }
    let text = match std::str::from_utf8(head) {
        Ok(t) => t,
        // A character cut by the end of the head.
        Err(e) if e.error_len().is_none() => std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or_default(),
        Err(_) => return "一个二进制文件（不是文字，也不是认得的图片、录音或文档）".into(),
    };
    let text = text.trim_start_matches('\u{feff}').trim_start();
    let first: String = text.lines().next().unwrap_or("").chars().take(40).collect();
    if text.starts_with("<?xml") || text.starts_with('<') {
        let root = text.split('<').filter(|t| !t.starts_with('?') && !t.starts_with('!')).find_map(|t| {
            t.split(|c: char| c.is_whitespace() || c == '>' || c == '/').next().filter(|n| !n.is_empty())
        });
        return match root {
            Some(r) => format!("一个 XML/网页文件（第一个元素是 <{}>）", r.chars().take(30).collect::<String>()),
            None => "一个 XML/网页文件".into(),
        };
    }
    if text.starts_with('{') || text.starts_with('[') {
        return "一个 JSON 数据文件，但字段不是认得的导出格式".into();
    }
    if lower.ends_with(".csv") || first.matches(',').count() >= 2 {
        return format!("一个表格（CSV），第一行是：{first}");
    }
    format!("一段文字，开头是：{first}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_is_named_with_what_it_starts_with() {
        assert_eq!(describe("a.txt", b""), "一个空文件（0 字节）");
        assert!(describe("a.zip", b"PK\x03\x04rest").contains("压缩包"));
        assert!(describe("x", b"SQLite format 3\0....").contains("SQLite"));
        assert_eq!(
            describe("a.xml", b"<?xml version=\"1.0\"?>\n<contacts count=\"1\">"),
            "一个 XML/网页文件（第一个元素是 <contacts>）"
        );
        assert!(describe("a.json", b"  {\"a\":1}").contains("JSON"));
        assert_eq!(describe("a.csv", "姓名,电话\n张三,1".as_bytes()), "一个表格（CSV），第一行是：姓名,电话");
        assert_eq!(
            describe("复制.txt", "【某某花】您的借款已逾期\n".as_bytes()),
            "一段文字，开头是：【某某花】您的借款已逾期"
        );
        assert!(describe("b.bin", &[0xff, 0xfe, 0x00, 0x80, 0x81]).contains("二进制"));
    }
}
