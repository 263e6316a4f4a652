//! Article numbers as people type them: `670`, `第670条`, `第六百七十条`,
//! `293-1`, `第二百九十三条之一`.

/// Canonical article number: arabic digits, `-N` for 之N. Text that is not an
/// article number (`Q10`, `summary`) is returned trimmed and unchanged.
pub fn normalise_article_number(input: &str) -> String {
    let s = input.trim().trim_start_matches('第');
    if let Some((n, k)) = s.split_once('-')
        && !n.is_empty()
        && !k.is_empty()
        && n.chars().chain(k.chars()).all(|c| c.is_ascii_digit())
    {
        return s.to_string();
    }
    let (main, suffix) = match s.split_once("条之") {
        Some((m, rest)) => (m, chinese_or_arabic(rest.trim_end_matches('条'))),
        None => (s.trim_end_matches('条'), None),
    };
    let main_number = chinese_or_arabic(main);
    match (main_number, suffix) {
        (Some(n), Some(k)) => format!("{n}-{k}"),
        (Some(n), None) => n.to_string(),
        _ => input.trim().to_string(),
    }
}

fn chinese_or_arabic(s: &str) -> Option<u32> {
    if s.is_empty() {
        None
    } else if s.chars().all(|c| c.is_ascii_digit()) {
        s.parse().ok()
    } else {
        chinese_number(s)
    }
}

fn chinese_number(s: &str) -> Option<u32> {
    let mut total = 0u32;
    let mut current = 0u32;
    let mut seen = false;
    for c in s.chars() {
        seen = true;
        match c {
            '零' | '〇' => current = 0,
            '一' => current = 1,
            '二' | '两' => current = 2,
            '三' => current = 3,
            '四' => current = 4,
            '五' => current = 5,
            '六' => current = 6,
            '七' => current = 7,
            '八' => current = 8,
            '九' => current = 9,
            '十' => {
                total += if current == 0 { 10 } else { current * 10 };
                current = 0;
            }
            '百' => {
                total += current * 100;
                current = 0;
            }
            '千' => {
                total += current * 1000;
                current = 0;
            }
            _ => return None,
        }
    }
    seen.then_some(total + current)
}

/// `1` → `一` … `9` → `九`, for the 之N suffix; other text unchanged.
pub(crate) fn small_chinese(digits: &str) -> String {
    const NAMES: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match digits.parse::<usize>() {
        Ok(n) if n < 10 => NAMES[n].to_string(),
        _ => digits.to_string(),
    }
}

/// A count as Chinese numerals, the way formal text writes small numbers of years or months:
/// `3` → `三`, `10` → `十`, `20` → `二十`, `15` → `十五`. Counts of 100 or more stay in digits.
pub fn chinese_count(n: u32) -> String {
    const NAMES: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let unit = |k: u32| NAMES[k as usize];
    match n {
        0..=9 => unit(n).to_string(),
        10..=19 => format!("十{}", if n == 10 { "" } else { unit(n - 10) }),
        20..=99 => format!("{}十{}", unit(n / 10), if n.is_multiple_of(10) { "" } else { unit(n % 10) }),
        _ => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::chinese_count;
    use super::normalise_article_number as n;

    #[test]
    fn counts_in_chinese_numerals() {
        let got: Vec<String> = [0, 3, 10, 15, 20, 26, 100].into_iter().map(chinese_count).collect();
        assert_eq!(got, ["零", "三", "十", "十五", "二十", "二十六", "100"]);
    }

    #[test]
    fn normalises_article_numbers() {
        assert_eq!(n("670"), "670");
        assert_eq!(n("第670条"), "670");
        assert_eq!(n("第六百七十条"), "670");
        assert_eq!(n("六百七十"), "670");
        assert_eq!(n("第一千零三十二条"), "1032");
        assert_eq!(n("第十条"), "10");
        assert_eq!(n("第二十九条"), "29");
        assert_eq!(n("第一百八十八条"), "188");
        assert_eq!(n("第二百九十三条之一"), "293-1");
        assert_eq!(n("293-1"), "293-1");
        assert_eq!(n("Q10"), "Q10");
        assert_eq!(n("summary"), "summary");
    }
}
