//! XML text and attribute unescaping that accepts what phone exports really write.
//!
//! Android's serializer escapes each UTF-16 unit of an emoji separately (`&#55357;&#56834;`),
//! which XML 1.0 forbids and strict parsers reject (docs/import-formats.md §1.4). We combine a
//! high and a low surrogate reference into one character and turn a lone surrogate into U+FFFD,
//! counting it so the importer can warn.

/// The unescaped text and the number of lone surrogates replaced.
pub(crate) fn unescape(raw: &[u8]) -> Result<(String, u32), String> {
    let s = std::str::from_utf8(raw).map_err(|e| format!("不是有效的 UTF-8 文本（字节 {}）", e.valid_up_to()))?;
    if !s.contains('&') {
        return Ok((s.to_string(), 0));
    }
    let mut out = String::with_capacity(s.len());
    let mut lone = 0u32;
    let mut pending_high: Option<u32> = None;
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        let before = &rest[..amp];
        if !before.is_empty() {
            if pending_high.take().is_some() {
                out.push('\u{FFFD}');
                lone += 1;
            }
            out.push_str(before);
        }
        let after = &rest[amp + 1..];
        let semi =
            after.find(';').filter(|&i| i <= 12).ok_or_else(|| format!("“&”之后没有实体结尾：{}", preview(after)))?;
        let name = &after[..semi];
        rest = &after[semi + 1..];
        let ch: u32 = match name {
            "amp" => '&' as u32,
            "lt" => '<' as u32,
            "gt" => '>' as u32,
            "quot" => '"' as u32,
            "apos" => '\'' as u32,
            _ => {
                let num = if let Some(hex) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
                    u32::from_str_radix(hex, 16).ok()
                } else if let Some(dec) = name.strip_prefix('#') {
                    dec.parse::<u32>().ok()
                } else {
                    None
                };
                num.ok_or_else(|| format!("无法识别的实体“&{name};”"))?
            }
        };
        match ch {
            0xD800..=0xDBFF => {
                if pending_high.replace(ch).is_some() {
                    out.push('\u{FFFD}');
                    lone += 1;
                }
            }
            0xDC00..=0xDFFF => match pending_high.take() {
                Some(hi) => {
                    let cp = 0x10000 + ((hi - 0xD800) << 10) + (ch - 0xDC00);
                    out.push(char::from_u32(cp).unwrap_or('\u{FFFD}'));
                }
                None => {
                    out.push('\u{FFFD}');
                    lone += 1;
                }
            },
            _ => {
                if pending_high.take().is_some() {
                    out.push('\u{FFFD}');
                    lone += 1;
                }
                out.push(char::from_u32(ch).ok_or_else(|| format!("实体“&{name};”不是有效字符"))?);
            }
        }
    }
    if pending_high.take().is_some() {
        out.push('\u{FFFD}');
        lone += 1;
    }
    out.push_str(rest);
    Ok((out, lone))
}

fn preview(s: &str) -> String {
    s.chars().take(12).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surrogate_pairs_combine() {
        let (s, lone) = unescape("还钱&#55357;&#56834;&#10;好".as_bytes()).unwrap();
        assert_eq!(s, "还钱\u{1F602}\n好");
        assert_eq!(lone, 0);
        let (s, _) = unescape(b"&#xD83D;&#xDE02;").unwrap();
        assert_eq!(s, "\u{1F602}");
    }

    #[test]
    fn lone_surrogates_become_replacement() {
        let (s, lone) = unescape(b"a&#55357;b&#56834;").unwrap();
        assert_eq!(s, "a\u{FFFD}b\u{FFFD}");
        assert_eq!(lone, 2);
    }

    #[test]
    fn named_entities_and_errors() {
        assert_eq!(unescape(b"&lt;&amp;&gt;&quot;&apos;").unwrap().0, "<&>\"'");
        assert!(unescape(b"a & b").is_err());
        assert!(unescape(b"&bogus;").is_err());
        assert!(unescape(&[0xff, 0xfe]).is_err());
    }
}
