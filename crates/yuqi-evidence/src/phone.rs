//! Phone numbers as exports write them ("+86 138-0013-8000", "0086…", "10690…") made comparable.

/// Digits only, with a China country prefix (+86 / 0086 / 86 before an 11-digit mobile) removed.
/// Text that is not a number (a WeChat id, an e-mail) comes back trimmed and lower-cased.
pub fn normalize(raw: &str) -> String {
    let trimmed = raw.trim();
    let digits: String = trimmed.chars().filter(|c| c.is_ascii_digit()).collect();
    let non_number = trimmed.chars().any(|c| !(c.is_ascii_digit() || " +-()（）.".contains(c)));
    if non_number || digits.is_empty() {
        return trimmed.to_lowercase();
    }
    let d = digits.as_str();
    let d = d.strip_prefix("0086").or_else(|| if d.len() == 13 { d.strip_prefix("86") } else { None }).unwrap_or(d);
    d.to_string()
}

/// "138****8000": a third party's number as shown in a redacted export.
pub fn redact(raw: &str) -> String {
    let chars: Vec<char> = raw.chars().collect();
    let digits = chars.iter().filter(|c| c.is_ascii_digit()).count();
    if digits < 7 {
        return raw.to_string();
    }
    // Keep a country prefix, the first three and the last four digits; mask the rest.
    let national = normalize(raw);
    let prefix = if national.chars().all(|c| c.is_ascii_digit()) { digits.saturating_sub(national.len()) } else { 0 };
    let mut seen = 0;
    chars
        .iter()
        .map(|&c| {
            if c.is_ascii_digit() {
                seen += 1;
                if seen > prefix + 3 && seen <= digits - 4 { '*' } else { c }
            } else {
                c
            }
        })
        .collect()
}

/// A Chinese phone number after [`normalize`]: an 11-digit mobile (1[3-9]…) or a landline with
/// its area code (0 followed by 9–11 digits). Dates, epoch timestamps, amounts and card numbers
/// are not.
pub fn is_phone_number(national: &str) -> bool {
    let b = national.as_bytes();
    if !b.iter().all(u8::is_ascii_digit) {
        return false;
    }
    (b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]))
        || (b.first() == Some(&b'0') && (10..=12).contains(&b.len()))
}

/// Masks every phone-number-like run in free text ("+86 139 1234 5678", "021-61234567") for
/// which `keep` (given the normalised number) is false.
pub fn redact_in_text(text: &str, keep: &dyn Fn(&str) -> bool) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if !(c.is_ascii_digit() || (c == '+' && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit()))) {
            out.push(c);
            i += 1;
            continue;
        }
        // A run: digits, and single separators between digits.
        let start = i;
        i += 1;
        while i < chars.len() {
            let c = chars[i];
            if c.is_ascii_digit() || ((c == '-' || c == ' ') && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit())) {
                i += 1;
            } else {
                break;
            }
        }
        let run: String = chars[start..i].iter().collect();
        let national = normalize(&run);
        if is_phone_number(&national) && !keep(&national) {
            out.push_str(&redact(&run));
        } else {
            out.push_str(&run);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_and_separators() {
        assert_eq!(normalize("+86 138-0013-8000"), "13800138000");
        assert_eq!(normalize("008613800138000"), "13800138000");
        assert_eq!(normalize("8613800138000"), "13800138000");
        assert_eq!(normalize("106905551234"), "106905551234");
        assert_eq!(normalize("wxid_AbC"), "wxid_abc");
    }

    #[test]
    fn redaction_keeps_ends() {
        assert_eq!(redact("13800138000"), "138****8000");
        assert_eq!(redact("95555"), "95555");
        let none = |_: &str| false;
        assert_eq!(
            redact_in_text("打给她13800138000，或者 021-61234567", &none),
            "打给她138****8000，或者 021-****4567"
        );
        assert_eq!(redact_in_text("+86 139 1234 5678 说", &none), "+86 139 **** 5678 说");
        let keep = |n: &str| n == "13800138000";
        assert_eq!(redact_in_text("13800138000 和 13912345678", &keep), "13800138000 和 139****5678");
        assert_eq!(redact_in_text("2025 年 3 月", &none), "2025 年 3 月");
        // Dates, timestamps, amounts and card numbers are not phone numbers.
        for keep_as_is in
            ["2025-03-01 10:02:11", "date=\"1741150984123\"", "共 1234567.00 元", "卡号 6222021234567890123"]
        {
            assert_eq!(redact_in_text(keep_as_is, &none), keep_as_is);
        }
    }
}
