//! Pieces every letter uses: citations scoped to the lender, how the loan is described (claimed
//! by the other side, or stated by the borrower), names, signatures and quoted messages.

use chrono::NaiveDate;
use yuqi_case::{Case, Debt, EventKind, LenderKind};
use yuqi_law::law;

use super::DebtView;
use crate::contacts::Contact;
use crate::doc::{Block, Inline};
use crate::facts::{Facts, computed, today};
use crate::inl;
use yuqi_conduct::Code;

pub(crate) fn para(inlines: Vec<Inline>) -> Block {
    Block::Para { inlines }
}

pub(crate) fn line(inlines: Vec<Inline>) -> Block {
    Block::Line { inlines }
}

/// 此致 (indented) / 敬礼！ (flush left), the closing of a letter to a person or body.
pub(crate) fn closing(doc: &mut crate::doc::Doc, to: Option<Inline>) {
    doc.blocks.push(para(inl!["此致"]));
    match to {
        Some(t) => doc.blocks.push(line(vec![t])),
        None => doc.blocks.push(line(inl!["敬礼！"])),
    }
}

/// A legal number for a sentence, as the law data states it for the day that matters (`24%`,
/// `5`). `None` when the parameter has no value that day; the caller then words the sentence
/// without the number rather than print one the law data does not give.
pub(super) fn legal_number(id: &str, on: NaiveDate) -> Option<String> {
    crate::legal::number(id, on)
}

/// `四倍`: the private-lending multiple of the one-year LPR in force on `on`, in the Chinese
/// numerals the sentence has always used.
pub(super) fn lpr_multiple(on: NaiveDate) -> String {
    law()
        .param_prose_zh("private_lending.lpr_multiple", on)
        .map_or_else(|_| "法定倍数".to_string(), |n| format!("{n}倍"))
}

/// `年利率24%` for a rate cap in force on `on`, or `法定上限` when none is.
pub(super) fn annual_cap(id: &str, on: NaiveDate) -> String {
    legal_number(id, on).map_or_else(|| "法定上限".to_string(), |n| format!("年利率{n}"))
}

/// Whether a citation belongs in a letter about a debt of this kind: the primary text (not the
/// secondary summaries the law data also keeps), and only rules that bind this kind of lender
/// (`crate::scope::binds`: the bank consumer-protection measures bind banks and licensed
/// consumer lenders; the credit-card measures bind card issuers, and the interpretation on
/// card crimes speaks only of cards; the private-lending rules do not apply to licensed lenders).
pub(super) fn fits(c: &yuqi_law::Citation, kind: Option<LenderKind>) -> bool {
    let primary = law().article(&c.doc, &c.article).is_some_and(|(_, a)| a.text_kind != "summary");
    // A label the law data marks as second-hand ("二手资料") is for our reports, not for a
    // letter an institution will check.
    if !primary || c.label().contains("二手资料") {
        return false;
    }
    let Some(k) = kind else { return true };
    crate::scope::binds(&c.doc).is_none_or(|b| b.contains(&k))
}

/// The citations of a rule as a letter about a `kind` lender prints them ("" when none fits).
pub(crate) fn cite_for(rule: &str, kind: Option<LenderKind>) -> String {
    let Ok(r) = law().rule(rule) else { return String::new() };
    let kept: Vec<yuqi_law::Citation> = r.cites.iter().filter(|c| fits(c, kind)).cloned().collect();
    law().citation_labels_grouped(&kept).join("、")
}

/// The citations of a rule, primary texts only, for any lender.
pub(crate) fn cite(rule: &str) -> String {
    cite_for(rule, None)
}

/// A form of address (林女士, 陈先生, 小吴, 老赵) is not a name an institution can act on.
fn is_form_of_address(name: &str) -> bool {
    let n = name.trim();
    let len = n.chars().count();
    n.ends_with("女士")
        || n.ends_with("先生")
        || n.ends_with("小姐")
        || (len <= 2 && (n.starts_with('小') || n.starts_with('老')))
        || n.contains('某')
}

/// The borrower's name as a letter signs it: the case file's name when it is a real name,
/// otherwise a blank.
pub(crate) fn legal_name(f: &Facts<'_>) -> Inline {
    match f.opt("person.name") {
        Some(n) if !is_form_of_address(&n.plain()) => n,
        Some(n) => Inline::blank(format!("身份证上的姓名；案例文件写的是“{}”", n.plain())),
        None => Inline::blank("身份证上的姓名"),
    }
}

/// Whether a recorded name is an organisation an institution or court can address.
fn is_entity(name: &str) -> bool {
    let n = name.trim();
    !n.contains('（')
        && !n.contains('(')
        && ["公司", "银行", "中心", "事务所", "分行", "支行", "合作社"].iter().any(|s| n.ends_with(s))
}

/// Whether a recorded name can stand for a private lender (a person): no notes in brackets, no
/// placeholder 某.
fn is_person(name: &str) -> bool {
    let n = name.trim();
    let len = n.chars().count();
    (2..=4).contains(&len) && !n.contains(['（', '(', '某'])
}

/// An organisation's name from the case file, or a blank that shows what was recorded.
pub(crate) fn entity(f: &Facts<'_>, path: &str, prompt: &str) -> Inline {
    match f.opt(path) {
        Some(n) if is_entity(&n.plain()) => n,
        Some(n) if yuqi_case::is_stand_in_lender(&n.plain()) => Inline::blank(prompt),
        Some(n) => Inline::blank(format!("{prompt}；案例文件记录为“{}”", n.plain())),
        None => Inline::blank(prompt),
    }
}

/// A party that may be a person (a private lender) or an organisation.
pub(crate) fn party(f: &Facts<'_>, path: &str, private: bool) -> Inline {
    match f.opt(path) {
        Some(n) if is_entity(&n.plain()) || (private && is_person(&n.plain())) => n,
        Some(n) if yuqi_case::is_stand_in_lender(&n.plain()) => {
            Inline::blank(if private { "对方姓名或全称" } else { "对方公司全称" })
        }
        Some(n) => Inline::blank(format!(
            "{}；案例文件记录为“{}”",
            if private { "对方姓名或全称" } else { "对方公司全称" },
            n.plain()
        )),
        None => Inline::blank(if private { "对方姓名或全称" } else { "对方公司全称" }),
    }
}

/// Who is collecting now, as an organisation: the author of the latest demand event, else the
/// current demand's author, else the creditor that binds the borrower.
pub(crate) fn collector(f: &Facts<'_>, v: &DebtView<'_>) -> Inline {
    let d = v.debt;
    let latest = d
        .events
        .iter()
        .enumerate()
        .filter(|(_, e)| e.kind == EventKind::Demand && e.by.is_some())
        .max_by_key(|(i, e)| (e.date, *i))
        .map(|(i, _)| Facts::debt_path(d, &format!("event[{i}].by")));
    let path = latest.or_else(|| f.has(&Facts::debt_path(d, "demand.by")).then(|| Facts::debt_path(d, "demand.by")));
    let private = matches!(d.rate_kind(), LenderKind::Private | LenderKind::Unlicensed);
    match path {
        Some(p) => party(f, &p, private),
        None => party(f, &Facts::debt_path(d, "lender"), private),
    }
}

/// The original lender of an assigned debt, else the lender.
fn original_lender(f: &Facts<'_>, d: &Debt) -> Inline {
    let private = matches!(d.rate_kind(), LenderKind::Private | LenderKind::Unlicensed);
    let path = if f.debt_opt(d, "original_lender").is_some() { "original_lender" } else { "lender" };
    party(f, &Facts::debt_path(d, path), private)
}

/// How the loan is described.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Voice {
    /// The borrower states it (a repayment proposal: it admits the debt, and says so).
    Own,
    /// The other side claims it (to a creditor or a court: nothing is admitted).
    Claimed,
    /// Context for a third party (a regulator, the police).
    Context,
}

/// The sentence that identifies the loan. Only [`Voice::Own`] states the borrowing as the
/// borrower's own fact; the others report what the other side says, so that a letter meant not
/// to acknowledge the debt does not open by acknowledging it (民法典 195; 合同编通则解释 49).
pub(crate) fn loan_sentence(f: &Facts<'_>, d: &Debt, voice: Voice) -> Vec<Inline> {
    let assigned = d.kind == LenderKind::Assignee || !d.assignments.is_empty();
    let card = d.kind == LenderKind::CreditCard;
    // "于2024年6月10日通过好借点App向某某公司借款（合同写明借款…，实际到手…）": what the
    // contract says beside what the borrower actually got, which is the figure the law counts.
    let mut what: Vec<Inline> = if card {
        // A card has no single contract date: the case file's is a stand-in (the interview
        // writes the month before the missed due date), never a day the borrower gave. The
        // debt is named by the card and by what he said it owes: the balance he read on a day,
        // else the principal the case file states.
        let mut v = inl![
            "在",
            f.debt(d, "lender", "发卡银行"),
            "申领的信用卡（卡号尾号",
            Inline::blank("卡号后四位"),
            "）的透支欠款（"
        ];
        match (f.debt_opt(d, "opening.date"), f.debt_opt(d, "opening.amount")) {
            (Some(on), Some(amount)) => v.extend(inl!["截至", on, "欠款", amount]),
            _ => v.extend(inl!["透支本金", f.debt(d, "principal", "透支本金")]),
        }
        v.push(Inline::text("）"));
        v
    } else {
        let mut v = inl!["于", f.debt(d, "contract_date", "借款日期")];
        if let Some(p) = f.debt_opt(d, "platform") {
            v.extend(inl!["通过", p]);
        }
        v.extend(inl!["向", original_lender(f, d), "借款（合同写明借款", f.debt(d, "principal", "合同写明的借款金额")]);
        if d.received != d.principal {
            v.extend(inl!["，实际到手", f.debt(d, "received", "实际到手金额")]);
        }
        v.push(Inline::text("）"));
        v
    };
    let mut out = Vec::new();
    match voice {
        Voice::Own => {
            out.push(Inline::text("本人"));
            out.append(&mut what);
            out.push(Inline::text("，目前尚未结清。"));
            if d.kind == LenderKind::Assignee {
                out.extend(inl![f.debt(d, "lender", "受让人名称"), "称已受让该债权。"]);
            }
        }
        Voice::Claimed if assigned => {
            out.push(Inline::text("贵方称已受让本人"));
            out.append(&mut what);
            out.push(Inline::text("的债权，并据此向本人催收。"));
        }
        Voice::Claimed => {
            out.push(Inline::text("贵方称本人"));
            out.append(&mut what);
            out.push(Inline::text("未还，并据此向本人催收。"));
        }
        Voice::Context => {
            out.push(Inline::text("对方以本人"));
            out.append(&mut what);
            out.push(Inline::text("逾期为由，向本人催收。"));
        }
    }
    out
}

pub(crate) fn signature(f: &Facts<'_>, role: &str, date: NaiveDate, with_address: bool) -> Block {
    let mut lines = vec![inl![format!("{role}："), legal_name(f), "（签名）"]];
    lines.push(inl!["联系电话：", f.get("person.phone", "联系电话")]);
    if with_address || f.has("person.address") {
        lines.push(inl!["联系地址：", f.get("person.address", "联系地址")]);
    }
    lines.push(inl![today(date)]);
    Block::Signature { lines }
}

/// A label for a conduct code as a letter to an authority states it. "伪造法律文书" is kept for
/// documents; a collector saying a case was filed is a false statement, not a forgery.
pub(crate) fn conduct_label(code: &str) -> &'static str {
    match code {
        "fake_legal_document" => "虚构诉讼进展、伪称已起诉或已出具法律文书",
        other => yuqi_conduct::Code::parse(other).map_or("", yuqi_conduct::Code::label_zh),
    }
}

/// A quoted contact with its marked spans.
pub(crate) fn quote(c: &Contact) -> Block {
    let when = match (c.time, c.date) {
        (Some(t), _) => t.format("%Y-%m-%d %H:%M").to_string(),
        (None, Some(d)) => d.to_string(),
        _ => "时间不详".to_string(),
    };
    let mut head = when;
    if let Some(ch) = super::records::channel(c) {
        head.push(' ');
        head.push_str(ch);
    }
    if let Some(from) = super::records::sender(c) {
        head.push_str(&format!(" 来自 {from}"));
    }
    if let Some(to) = super::records::recipient(c) {
        head.push_str(&format!(" 发给 {to}"));
    }
    if let Some(image) = c.read_from_image {
        head.push_str(&format!("（文字由机器从截图中识别，以证据库第 {image} 条截图原图为准）"));
    }
    let chars: Vec<char> = c.text.chars().collect();
    let mut spans: Vec<(usize, usize, &str)> =
        c.hits.iter().filter(|h| h.end > h.start).map(|h| (h.start, h.end.min(chars.len()), h.code)).collect();
    spans.sort_unstable();
    let mut inlines = Vec::new();
    let mut at = 0;
    for (s, e, code) in spans {
        if s < at || s >= e {
            continue;
        }
        if s > at {
            inlines.push(Inline::fact(chars[at..s].iter().collect::<String>(), c.source.clone()));
        }
        inlines.push(Inline::Mark { text: chars[s..e].iter().collect(), code: code.to_string() });
        at = e;
    }
    if at < chars.len() {
        inlines.push(Inline::fact(chars[at..].iter().collect::<String>(), c.source.clone()));
    }
    if chars.is_empty() {
        inlines.push(Inline::text("（通话或无文字内容的记录）"));
    }
    let mut labels: Vec<&str> = Vec::new();
    for h in &c.hits {
        let l = conduct_label(h.code);
        if !labels.contains(&l) {
            labels.push(l);
        }
    }
    Block::Quote { head: format!("{head}（{}）", labels.join("、")), inlines }
}

/// Whether a record is about debt `id`: tied to it, or tied to no debt in a case that has only
/// one. In a case with several debts a record tied to none is nobody's: quoting it as the
/// collection of one of them would accuse a lender of messages it may never have sent.
pub(crate) fn about(case: &Case, c: &Contact, id: &str) -> bool {
    match c.debt.as_deref() {
        Some(x) => x == id,
        None => case.debts.len() <= 1,
    }
}

/// Contacts with conduct hits that concern this debt (see [`about`]); with no debt named, every
/// such contact of the case.
pub(crate) fn conduct_for<'c>(
    case: &Case,
    contacts: &'c [Contact],
    debt: Option<&str>,
    codes: Option<&[&str]>,
) -> Vec<&'c Contact> {
    contacts
        .iter()
        // A paid debt-relief offer comes from a seller, not from the creditor: it is not the
        // creditor's conduct (the inbox warns about it instead).
        .filter(|c| c.incoming && c.hits.iter().any(|h| h.code != Code::DebtReliefScam.as_str()))
        .filter(|c| debt.is_none_or(|id| about(case, c, id)))
        .filter(|c| codes.is_none_or(|cs| c.hits.iter().any(|h| cs.contains(&h.code))))
        .collect()
}

/// Records with conduct hits tied to no debt, in a case with several debts: no letter about one
/// debt quotes them. `None` when there are none; otherwise the notice saying so and how to tie them.
pub fn untied_notice(case: &Case, contacts: &[Contact]) -> Option<String> {
    if case.debts.len() <= 1 {
        return None;
    }
    let n = conduct_for(case, contacts, None, None).iter().filter(|c| c.debt.is_none()).count();
    (n > 0).then(|| {
        format!(
            "有 {n} 条有问题的催收消息没有对应到哪一笔借款（你有 {} 笔借款），没有写进针对某一笔借款的文书：\
             不能把它们说成这笔借款的催收。要写进去，请说明它们是哪笔借款的催收：{}",
            case.debts.len(),
            TIE_HOW
        )
    })
}

/// How the borrower ties a message to a debt.
pub(crate) const TIE_HOW: &str = "在收件箱粘贴消息时，在“这些消息是哪笔借款的催收？”里选那笔借款；\
     已经保存、没选借款的消息，在收件箱里那条消息下面的“这是哪笔借款的？”里选那笔借款（可以勾选几条一起选）。";

/// A computed party name (the creditor that binds the borrower) when it is an organisation's
/// name, otherwise a blank showing what the case file recorded.
pub(crate) fn entity_or_computed(name: &str) -> Inline {
    if is_entity(name) {
        computed(name.to_string(), "assignment_notice")
    } else if name.trim().is_empty() || yuqi_case::is_stand_in_lender(name) {
        Inline::blank("对方公司全称")
    } else {
        Inline::blank(format!("对方姓名或全称；案例文件记录为“{name}”"))
    }
}
