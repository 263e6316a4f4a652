//! Contact with third parties as a complaint states it: done or only threatened, as the record
//! shows. A collector who writes "不还就通知你全家" has threatened to tell the family; one whose
//! message went to the borrower's mother, or who writes "已经通知了你的紧急联系人", has (or says he
//! has) told them. A complaint that says "联系第三人" of a threat overstates what the borrower can
//! prove, and the institution answering it will say no third party was called.

use crate::contacts::Contact;

/// What a record shows of contact with third parties.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ThirdParty {
    /// The message itself went to someone other than the borrower.
    Sent,
    /// A message to the borrower says third parties have been contacted or told.
    SaidDone,
    /// A message to the borrower threatens to contact or tell them.
    Threatened,
    /// The record does not show which (no marked words to read).
    Unclear,
}

/// Words that make a sentence a threat or a condition: what will happen, or what happens if
/// the borrower does not pay.
const THREAT: &str =
    "就 将 会 要 马上 立刻 近日 明天 明日 今晚 随时 准备 等着 否则 不然 如果 若 再不 不还 以后 下一步 即将";

/// Words that state an act as done.
const DONE: [&str; 4] = ["已经", "已", "了", "刚刚"];

fn is_sentence_end(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '!' | '?' | '；' | ';' | '\n')
}

fn is_clause_end(c: char) -> bool {
    is_sentence_end(c) || matches!(c, '，' | ',' | '、' | '：' | ':')
}

/// The characters from the last `end` before `at` to the next one from `to` on.
fn around(chars: &[char], at: usize, to: usize, end: fn(char) -> bool) -> String {
    let start = chars[..at.min(chars.len())].iter().rposition(|c| end(*c)).map_or(0, |i| i + 1);
    let stop = chars[to.min(chars.len())..].iter().position(|c| end(*c)).map_or(chars.len(), |i| i + to);
    chars[start..stop.max(start)].iter().collect()
}

/// Whether the marked words at `start..end` state the contact as done: their clause has a word
/// of completion, and neither it nor its sentence a word of threat or condition, nor is the
/// sentence a question ("你家里人知道了吗").
fn said_done(chars: &[char], start: usize, end: usize) -> bool {
    let clause = around(chars, start, end, is_clause_end);
    let sentence = around(chars, start, end, is_sentence_end);
    let after = chars.get(end.min(chars.len())..).unwrap_or(&[]);
    let question =
        sentence.contains('吗') || after.iter().find(|c| is_sentence_end(**c)).is_some_and(|c| matches!(c, '？' | '?'));
    DONE.iter().any(|w| clause.contains(w)) && !THREAT.split(' ').any(|w| sentence.contains(w)) && !question
}

/// What the record shows: sent to a third party, said to be done, or threatened.
pub(crate) fn third_party(c: &Contact) -> ThirdParty {
    if super::records::recipient(c).is_some() {
        return ThirdParty::Sent;
    }
    let chars: Vec<char> = c.text.chars().collect();
    let spans: Vec<(usize, usize)> = c
        .hits
        .iter()
        .filter(|h| h.code == "contact_third_party" && h.end > h.start && h.start < chars.len())
        .map(|h| (h.start, h.end))
        .collect();
    if spans.is_empty() {
        ThirdParty::Unclear
    } else if spans.iter().any(|&(s, e)| said_done(&chars, s, e)) {
        ThirdParty::SaidDone
    } else {
        ThirdParty::Threatened
    }
}

/// The finding's label in a complaint: the conduct's name and what the record shows of it.
pub(crate) fn label(c: &Contact, name: &str) -> String {
    let what = match third_party(c) {
        ThirdParty::Sent => "催收信息发给了本人以外的第三人",
        ThirdParty::SaidDone => "对方称已向本人的亲友等第三人透露欠款或催收",
        ThirdParty::Threatened => "以向本人的亲友、同事等第三人透露欠款相威胁",
        ThirdParty::Unclear => "向本人以外的第三人透露欠款或以此相威胁",
    };
    format!("{name}（{what}）")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn done(text: &str, marked: &str) -> bool {
        let chars: Vec<char> = text.chars().collect();
        let m: Vec<char> = marked.chars().collect();
        let start = chars.windows(m.len()).position(|w| w == m.as_slice()).unwrap_or_else(|| panic!("{marked}"));
        said_done(&chars, start, start + m.len())
    }

    #[test]
    fn threats_and_acts_are_told_apart() {
        assert!(!done("今天不还钱，我们就把你的欠款情况发到你通讯录里的每一个人。", "通讯录"));
        assert!(!done("你已被列为重点处理对象，案件已移交法院，传票近日送达你单位。", "送达你单位"));
        assert!(!done("再不接电话，明天上门找你，顺便去你公司跟你领导聊聊。", "去你公司"));
        assert!(!done("你家里人知道你欠钱了吗？", "家里人"));
        assert!(!done("不还就通知你全家", "通知你全家"));
        assert!(done("我们已经联系了你的紧急联系人，你自己看着办。", "紧急联系人"));
        assert!(done("刚刚给你单位打了电话。", "你单位"));
    }
}
