//! What happened, as a letter to an authority states it: every collection record with a finding,
//! each with when it came, from whom and to whom, the words (trimmed around the marked parts)
//! and, per finding, its label and its legal basis. Up to [`QUOTED_MAX`] records are quoted one
//! by one; beyond that all of them go into one table. None is dropped for being one too many: a
//! letter that left out a threat of detention would be worse than a long letter.

use chrono::NaiveDate;
use yuqi_case::{Channel, LenderKind};
use yuqi_law::{Citation, law};

use super::common::fits;
use crate::contacts::Contact;
use crate::doc::{Block, Doc, Inline, Source};
use crate::{EvidenceIndex, inl};

/// Records quoted one by one, each a quote block with its findings under it (about two printed
/// pages). With more, every record becomes a row of one table instead.
pub(crate) const QUOTED_MAX: usize = 12;

/// A message up to this many characters is quoted whole.
const WHOLE_CHARS: usize = 120;

/// Characters kept on each side of a marked part when a longer message is trimmed; the cut then
/// moves out to the nearest punctuation within as many characters again, so that it falls
/// between clauses rather than inside a word.
const CONTEXT_CHARS: usize = 20;

fn is_break(c: char) -> bool {
    matches!(c, '，' | '。' | '！' | '？' | '；' | '：' | ',' | '.' | '!' | '?' | ';' | ':' | ' ' | '\n')
}

/// One finding on one record as a letter states it: the label and the legal basis (empty when
/// the law data has no primary text for it).
pub(crate) struct Said {
    /// The conduct code; its spans are the ones marked in the quote.
    pub(crate) code: &'static str,
    pub(crate) label: String,
    pub(crate) basis: String,
}

/// `2026-08-23 23:18`, or the day alone for a record without a time.
fn when(c: &Contact) -> String {
    match (c.time, c.date) {
        (Some(t), _) => t.format("%Y-%m-%d %H:%M").to_string(),
        (None, Some(d)) => d.to_string(),
        _ => "时间不详".to_string(),
    }
}

/// `2026年8月23日23:18`, for the attachment list.
fn when_zh(c: &Contact) -> String {
    match (c.time, c.day()) {
        (Some(t), _) => t.format("%Y年%-m月%-d日%H:%M").to_string(),
        (None, Some(d)) => crate::facts::date_zh(d),
        _ => "时间不详".to_string(),
    }
}

/// Whether a name is a role word of the input format (`collector`, `unknown`) rather than a
/// number or a name a reader can use.
fn is_role_word(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphabetic() || c == '_')
}

/// The sender as the letter names it: a number or a name; a role word of the input format is
/// not shown.
pub(crate) fn sender(c: &Contact) -> Option<&str> {
    c.from.as_deref().map(str::trim).filter(|f| !f.is_empty() && !is_role_word(f))
}

/// Names of the state bodies and professions collectors sign with to frighten ("【XX法院】",
/// "XX派出所", "XX律师事务所"): a sender so named claims that identity, it is not proven by it.
const AUTHORITY_NAMES: [&str; 10] =
    ["法院", "公安", "派出所", "检察院", "警察", "警方", "律师事务所", "律所", "仲裁", "司法局"];

/// Whether a sender's name (or an SMS's 【signature】) claims to be a court, the police, a
/// procuratorate, an arbitration body or a law firm. The one list: the police letter and the
/// web app's inbox both ask here, so a name one shows as a claim the other does too.
pub fn claims_authority(sender: &str) -> bool {
    AUTHORITY_NAMES.iter().any(|w| sender.contains(w))
}

/// The recipient when it is not the borrower, in Chinese (`relative` → 本人的亲属).
pub(crate) fn recipient(c: &Contact) -> Option<String> {
    let to = c.to.as_deref()?.trim();
    if to.is_empty() || to == "self" {
        return None;
    }
    Some(crate::contacts::recipient_zh(to).map_or_else(|| to.to_string(), str::to_string))
}

/// The channel in Chinese (`sms` → 短信); a channel the tool does not know is a 消息.
pub(crate) fn channel(c: &Contact) -> Option<&str> {
    let ch = c.channel.as_deref()?.trim();
    Some(if Channel::from_text(ch).is_none() && is_role_word(ch) { "消息" } else { Channel::label_of(ch) })
}

/// `2026-08-23 23:18 短信 来自 17312345678 发给 本人的亲属`.
pub(crate) fn head(c: &Contact) -> String {
    let mut s = when(c);
    if let Some(ch) = channel(c) {
        s.push(' ');
        s.push_str(ch);
    }
    if let Some(f) = sender(c) {
        s.push_str(&format!(" 来自 {f}"));
    }
    if let Some(t) = recipient(c) {
        s.push_str(&format!(" 发给 {t}"));
    }
    s
}

enum Piece {
    Plain(String),
    Mark(String, &'static str),
    Gap,
}

/// The words of a record: whole up to [`WHOLE_CHARS`] characters; a longer one is cut to each
/// marked part with [`CONTEXT_CHARS`] characters either side, the cuts shown as `……`. Every
/// marked part is kept.
fn excerpt(c: &Contact, codes: &[&str]) -> Vec<Piece> {
    let chars: Vec<char> = c.text.trim_end().chars().collect();
    let n = chars.len();
    let mut spans: Vec<(usize, usize, &'static str)> = c
        .hits
        .iter()
        .filter(|h| h.end > h.start && h.start < n && codes.contains(&h.code))
        .map(|h| (h.start, h.end.min(n), h.code))
        .collect();
    spans.sort_unstable();
    let mut kept: Vec<(usize, usize, &'static str)> = Vec::new();
    for s in spans {
        if kept.last().is_none_or(|k| s.0 >= k.1) {
            kept.push(s);
        }
    }
    let windows: Vec<(usize, usize)> = if n <= WHOLE_CHARS {
        vec![(0, n)]
    } else if kept.is_empty() {
        vec![(0, WHOLE_CHARS)]
    } else {
        let mut w: Vec<(usize, usize)> = Vec::new();
        for (s, e, _) in &kept {
            let (mut a, mut b) = (s.saturating_sub(CONTEXT_CHARS), (e + CONTEXT_CHARS).min(n));
            if a > 0 {
                a = (a.saturating_sub(CONTEXT_CHARS)..a).rev().find(|&i| is_break(chars[i])).map_or(a, |i| i + 1);
            }
            if b < n {
                b = (b..(b + CONTEXT_CHARS).min(n)).find(|&i| is_break(chars[i])).map_or(b, |i| i + 1);
            }
            match w.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => w.push((a, b)),
            }
        }
        w
    };
    let text = |a: usize, b: usize| chars[a..b].iter().collect::<String>();
    let mut out = Vec::new();
    let mut end = 0;
    for (a, b) in windows {
        if a > end || (a > 0 && out.is_empty()) {
            out.push(Piece::Gap);
        }
        let mut at = a;
        for &(s, e, code) in kept.iter().filter(|k| k.0 >= a && k.1 <= b) {
            if s > at {
                out.push(Piece::Plain(text(at, s)));
            }
            out.push(Piece::Mark(text(s, e), code));
            at = e;
        }
        if b > at {
            out.push(Piece::Plain(text(at, b)));
        }
        end = b;
    }
    if end < n {
        out.push(Piece::Gap);
    }
    out
}

const NO_TEXT: &str = "（通话或无文字内容的记录）";

fn excerpt_inlines(c: &Contact, said: &[Said]) -> Vec<Inline> {
    let codes: Vec<&str> = said.iter().map(|s| s.code).collect();
    let pieces = excerpt(c, &codes);
    if pieces.is_empty() {
        return inl![NO_TEXT];
    }
    pieces
        .into_iter()
        .map(|p| match p {
            Piece::Plain(t) => Inline::fact(t, c.source.clone()),
            Piece::Mark(t, code) => Inline::Mark { text: t, code: code.to_string() },
            Piece::Gap => Inline::text("……"),
        })
        .collect()
}

fn excerpt_text(c: &Contact, said: &[Said]) -> String {
    let s: String = crate::doc::plain(&excerpt_inlines(c, said));
    s.replace(['\n', '\r'], " ")
}

fn said_inlines(s: &Said) -> Vec<Inline> {
    if s.basis.is_empty() {
        inl![Inline::strong(s.label.clone())]
    } else {
        inl![Inline::strong(format!("{}：", s.label)), s.basis.clone()]
    }
}

fn said_text(s: &[Said]) -> String {
    s.iter()
        .map(|x| if x.basis.is_empty() { x.label.clone() } else { format!("{}：{}", x.label, x.basis) })
        .collect::<Vec<_>>()
        .join("；")
}

/// Every record with what it breaks: quoted one by one, or all in one table past [`QUOTED_MAX`].
pub(crate) fn list(doc: &mut Doc, shown: &[&Contact], said: &dyn Fn(&Contact) -> Vec<Said>) {
    if shown.len() <= QUOTED_MAX {
        for c in shown {
            let said = said(c);
            doc.blocks.push(Block::Quote { head: head(c), inlines: excerpt_inlines(c, &said) });
            let items: Vec<Vec<Inline>> = said.iter().map(said_inlines).collect();
            if !items.is_empty() {
                doc.blocks.push(Block::List { ordered: false, items });
            }
        }
        return;
    }
    doc.blocks.push(Block::Para {
        inlines: inl![format!(
            "共 {} 条记录，按时间列于下表（原话过长的，摘录有问题的部分，省略处以“……”表示）：",
            shown.len()
        )],
    });
    let rows = shown
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut from = sender(c).unwrap_or("号码不详").to_string();
            if let Some(t) = recipient(c) {
                from.push_str(&format!("（发给{t}）"));
            }
            let said = said(c);
            vec![
                (i + 1).to_string(),
                when(c),
                from,
                channel(c).unwrap_or("").to_string(),
                excerpt_text(c, &said),
                said_text(&said),
            ]
        })
        .collect();
    doc.blocks.push(Block::Table {
        columns: ["序号", "时间", "发送方", "方式", "原话（摘录）", "问题和依据"].map(String::from).to_vec(),
        rows,
        numeric: vec![true, false, false, false, false, false],
    });
}

/// Records in time order (a record without a time last, in the order given).
pub(crate) fn in_time_order(mut shown: Vec<&Contact>) -> Vec<&Contact> {
    shown.sort_by_key(|c| (c.day().is_none(), c.day(), c.time));
    shown
}

/// Where a record is kept, as a reader outside yuqi understands it.
fn kept_as(c: &Contact) -> String {
    let what = channel(c).unwrap_or("记录");
    match &c.source {
        Source::Case(_) => "本人对通话或来信内容的记录".to_string(),
        Source::Evidence(id) if id.starts_with("证据库") => format!("{what}（证据包中的{id}）"),
        _ if what == "电话" => "通话记录截图或导出文件".to_string(),
        _ => format!("{what}截图或导出文件"),
    }
}

/// The attachment list: what the case has and the letter relies on, nothing else — the records
/// listed (one by one, or as the table's records), and the evidence package when the case has an
/// evidence store.
pub(crate) fn attachments(doc: &mut Doc, evidence: Option<&EvidenceIndex>, shown: &[&Contact]) {
    let mut items: Vec<Vec<Inline>> = Vec::new();
    if shown.len() > QUOTED_MAX {
        items.push(inl![format!(
            "上表所列 {} 条催收记录的原件（手机中的短信、通话记录、聊天记录的截图或导出文件）",
            shown.len()
        )]);
    } else {
        for c in shown {
            let from = sender(c).map(|f| format!("来自{f}的")).unwrap_or_default();
            items.push(inl![format!("{}{from}{}", when_zh(c), kept_as(c))]);
        }
    }
    if let Some(ev) = evidence {
        let mut s = format!("证据包（共 {} 条记录", ev.total);
        if let Some(h) = &ev.chain_head {
            s.push_str(&format!("，防篡改校验值 {h}"));
        }
        s.push('）');
        items.push(inl![s]);
    }
    if items.is_empty() {
        return;
    }
    doc.blocks.push(Block::Heading { level: 2, text: "附件".to_string() });
    doc.blocks.push(Block::List { ordered: true, items });
}

/// The article of the public-security law in force on `day` for an article of its 2025
/// revision: the 2012 text governs conduct before the revision took effect (docs/law/conduct.md
/// §5 maps the two). A day not known is taken as today's law.
pub(crate) fn public_security(article_2025: &str, day: Option<NaiveDate>) -> Citation {
    let from = law().document("public_security_penalties_2025").and_then(|d| d.in_force);
    let new = match (day, from) {
        (Some(d), Some(f)) => d >= f,
        _ => true,
    };
    let old = match article_2025 {
        "50" => Some("42"),
        "58" => Some("49"),
        "62" => Some("51"),
        "63" => Some("52"),
        "30" => Some("26"),
        "47" => Some("40"),
        _ => None,
    };
    let (doc, article) = match old {
        Some(a) if !new => ("public_security_penalties_2012", a),
        _ => ("public_security_penalties_2025", article_2025),
    };
    Citation { doc: doc.to_string(), article: article.to_string(), confidence: yuqi_law::Confidence::Verified }
}

/// The primary citations of a rule that bind every lender kind in `kinds` (any lender when
/// empty), public-security articles taken from the text in force on `day`.
pub(crate) fn rule_cites(rule: &str, day: Option<NaiveDate>, kinds: &[LenderKind]) -> Vec<Citation> {
    let Ok(r) = law().rule(rule) else { return Vec::new() };
    r.cites
        .iter()
        .filter(|c| if kinds.is_empty() { fits(c, None) } else { kinds.iter().all(|k| fits(c, Some(*k))) })
        .map(|c| {
            if c.doc == "public_security_penalties_2025" {
                Citation { confidence: c.confidence, ..public_security(&c.article, day) }
            } else {
                c.clone()
            }
        })
        .collect()
}

/// Citations as a letter prints them, each once, grouped by document.
pub(crate) fn cite_text(cites: &[Citation]) -> String {
    let mut once: Vec<Citation> = Vec::new();
    for c in cites {
        if !once.iter().any(|x| x.doc == c.doc && x.article == c.article) {
            once.push(c.clone());
        }
    }
    law().citation_labels_grouped(&once).join("、")
}
