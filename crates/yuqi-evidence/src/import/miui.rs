//! Xiaomi MIUI local backups (`*.bak`), docs/import-formats.md §6.4: a short text header of
//! MIUI's own, then a standard Android backup (`ANDROID BACKUP`, version, compressed flag,
//! encryption) and a tar of the app's files.
//!
//! The SMS inside are read by [`super::abackup`], as in any Android backup; this module reads
//! and explains MIUI's header, and words the refusal of an encrypted (or broken) one.

/// Every MIUI backup begins with this line.
pub(crate) const MAGIC: &[u8] = b"MIUI BACKUP\n";

/// The readable parts of the two headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MiuiHeader {
    /// The MIUI header's version line (`2` in the backups seen).
    pub version: String,
    /// The package whose data this is, and its label (`com.android.mms 短信`).
    pub package: String,
    pub label: String,
    /// The Android backup header: version, compressed (zlib) or not, encryption (`none` or
    /// `AES-256`).
    pub android_version: u32,
    pub compressed: bool,
    pub encryption: String,
    /// Where the tar (or its zlib stream) begins.
    pub payload_offset: usize,
}

/// Reads both headers from the first bytes of a file (they fit in far less than 4 KiB).
pub fn parse_header(head: &[u8]) -> Result<MiuiHeader, String> {
    let rest = head.strip_prefix(MAGIC).ok_or("不是小米（MIUI）备份：文件开头没有“MIUI BACKUP”")?;
    let head = &head[..head.len().min(4096)];
    let ab = head
        .windows(b"ANDROID BACKUP\n".len())
        .position(|w| w == b"ANDROID BACKUP\n")
        .ok_or("小米备份的文件头不完整：找不到其中的安卓备份头（ANDROID BACKUP）")?;
    let miui = String::from_utf8_lossy(&rest[..ab - MAGIC.len()]);
    let mut lines = miui.lines();
    let version = lines.next().unwrap_or("").trim().to_string();
    let (package, label) = match lines.next().unwrap_or("").trim().split_once(' ') {
        Some((p, l)) => (p.to_string(), l.trim().to_string()),
        None => (String::new(), String::new()),
    };
    let mut at = ab + b"ANDROID BACKUP\n".len();
    let mut line = || -> Result<String, String> {
        let end = head[at..].iter().position(|&b| b == b'\n').ok_or("小米备份的安卓备份头不完整")?;
        let l = String::from_utf8_lossy(&head[at..at + end]).trim().to_string();
        at += end + 1;
        Ok(l)
    };
    let android_version = line()?.parse().map_err(|_| "安卓备份头的版本号无法识别".to_string())?;
    let compressed = match line()?.as_str() {
        "0" => false,
        "1" => true,
        other => return Err(format!("安卓备份头的压缩标志无法识别：“{other}”")),
    };
    let encryption = line()?;
    Ok(MiuiHeader { version, package, label, android_version, compressed, encryption, payload_offset: at })
}

/// The refusal, in words a borrower can act on.
pub(crate) fn refusal(head: &[u8]) -> String {
    match parse_header(head) {
        Err(why) => why,
        Ok(h) if h.encryption != "none" => format!(
            "这是加密的小米手机备份（{}）：yuqi 无法解密。请在手机“设置 → 我的设备 → 备份与恢复”中不设密码重新备份，或改用下面的方法导出短信",
            if h.label.is_empty() { h.package.as_str() } else { h.label.as_str() }
        ),
        // Unencrypted backups are read (abackup); this wording is for a caller that only has
        // the header, such as a preview.
        Ok(h) => format!(
            "这是小米手机的本地备份（{}），未加密，yuqi 可读取其中系统短信备份里的短信",
            if h.label.is_empty() { h.package.as_str() } else { h.label.as_str() }
        ),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn headers() {
        let mut f =
            b"MIUI BACKUP\n2\ncom.android.mms \xe7\x9f\xad\xe4\xbf\xa1\n-1\n0\nANDROID BACKUP\n5\n1\nnone\n".to_vec();
        let offset = f.len();
        f.extend_from_slice(&[0x78, 0x9c, 1, 2, 3]);
        let h = parse_header(&f).unwrap();
        assert_eq!((h.version.as_str(), h.package.as_str(), h.label.as_str()), ("2", "com.android.mms", "短信"));
        assert_eq!(
            (h.android_version, h.compressed, h.encryption.as_str(), h.payload_offset),
            (5, true, "none", offset)
        );
        assert!(refusal(&f).contains("短信") && refusal(&f).contains("未加密"));
        let enc = b"MIUI BACKUP\n2\ncom.android.mms x\n-1\n0\nANDROID BACKUP\n5\n1\nAES-256\nsalt\n";
        assert!(refusal(enc).contains("加密"));
        assert!(parse_header(b"MIUI BACKUP\n2\nno android header").is_err());
        assert!(parse_header(b"MIUI BACKUP\n2\nx y\nANDROID BACKUP\n5\n7\nnone\n").unwrap_err().contains("压缩标志"));
        assert!(parse_header(b"ANDROID BACKUP\n5\n0\nnone\n").is_err());
    }
}
