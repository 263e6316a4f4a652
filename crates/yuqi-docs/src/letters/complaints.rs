//! Letters to authorities: the complaint to the financial regulator, the report to the
//! internet-finance association, and the police report.

use chrono::{Months, NaiveDate};
use yuqi_case::LenderKind;
use yuqi_law::{Citation, law};
use yuqi_ledger::Severity;

use super::common::{
    Voice, about, cite, cite_for, closing, conduct_for, conduct_label, line, loan_sentence, para, signature,
    untied_notice,
};
use super::records::{self, Said, attachments, in_time_order, public_security, rule_cites};
use super::{DebtView, LetterError, LetterKind, LetterOptions};
use crate::Inputs;
use crate::channels;
use crate::contacts::Contact;
use crate::doc::{Block, Doc, Inline};
use crate::facts::{Facts, computed, yuan};
use crate::inl;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    Regulator,
    Association,
}

/// A record's codes in the order its findings were made, each once.
fn codes_of(c: &Contact) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for h in &c.hits {
        if !out.contains(&h.code) {
            out.push(h.code);
        }
    }
    out
}

/// What a complaint says of each finding on a record: the label and the basis, scoped to the
/// lender and taken on the record's day. A collector's claim that a case was filed is a
/// misleading statement, so it cites the false-statement rule, not the forgery articles.
fn complaint_said(c: &Contact, kind: LenderKind) -> Vec<Said> {
    codes_of(c)
        .into_iter()
        .map(|code| {
            let rule = match code {
                "fake_legal_document" => "conduct_false_consequence",
                other => yuqi_conduct::Code::parse(other).map_or("", yuqi_conduct::Code::rule),
            };
            // Contact with third parties is labelled as the record shows it: done or threatened.
            let label = match code {
                "contact_third_party" => super::third_party::label(c, conduct_label(code)),
                other => conduct_label(other).to_string(),
            };
            Said { code, label, basis: records::cite_text(&rule_cites(rule, c.day(), &[kind])) }
        })
        .collect()
}

/// A ledger finding as a complaint states it: its title, the amount involved and its basis.
fn finding_item(x: &yuqi_ledger::Finding, kind: LenderKind) -> Vec<Inline> {
    let mut v = inl![Inline::strong(x.title.clone())];
    if let Some(a) = x.amount {
        v.extend(inl!["，涉及金额", computed(yuan(a), x.rule)]);
    }
    let c = cite_for(x.rule, Some(kind));
    if !c.is_empty() {
        v.push(Inline::text(format!("（{c}）")));
    }
    v.push(Inline::text("。"));
    v
}

/// Findings a regulator can act on (pricing), above trivial amounts.
const PRICING: [&str; 8] = [
    "kantouxi",
    "upfront_fee",
    "apr_above_cap",
    "rate_understated",
    "fees_as_interest",
    "regulatory_cost_line",
    "charges_exceed_cap",
    "credit_card_interest_on_fees",
];

pub(crate) fn complaint(inputs: &Inputs<'_>, v: &DebtView<'_>, target: Target) -> Result<Doc, LetterError> {
    let f = Facts::new(inputs.case);
    let d = v.debt;
    let kind = d.rate_kind();
    let channel = match (target, kind) {
        (_, LenderKind::Private | LenderKind::Unlicensed) => {
            return Err(LetterError::NotApplicable(format!(
                "出借人不是持牌金融机构，金融监管部门和互联网金融协会一般不受理；威胁、骚扰、冒充公检法，或对方无资质放高利贷的，可以报警（用“{}”）。",
                LetterKind::Police.title_zh()
            )));
        }
        (Target::Association, LenderKind::Bank | LenderKind::CreditCard) => {
            return Err(LetterError::NotApplicable(format!(
                "银行和信用卡的催收不归互联网金融协会管：请向金融监管部门投诉（用“{}”）。",
                LetterKind::Regulator.title_zh()
            )));
        }
        (Target::Association, _) => channels::get("nifa_report"),
        (Target::Regulator, LenderKind::Microloan) => channels::get("local_finance_regulator"),
        (Target::Regulator, _) => channels::get("nfra_12378"),
    };
    let shown = in_time_order(conduct_for(inputs.case, inputs.contacts, Some(&d.id), None));
    let untied = untied_notice(inputs.case, inputs.contacts);
    let pricing: Vec<_> = v
        .audit
        .findings
        .iter()
        .filter(|x| x.severity == Severity::Violation && PRICING.contains(&x.code))
        .filter(|x| x.amount.is_none_or(|a| a.fen() >= 5_000))
        .collect();
    if shown.is_empty() && pricing.is_empty() {
        return Err(LetterError::NotApplicable(format!(
            "{} 没有可以投诉的事项：你填写的信息和证据中没有发现违规催收的记录，核算也没有发现超出规定的收费。\
             把催收短信、通话记录存进证据库，或在催收记录中写明对方说了什么，再生成投诉书。{}",
            inputs.case.debt_name(&d.id),
            untied.as_deref().unwrap_or("")
        )));
    }
    let (who, whom, matters, asks_head) = match target {
        Target::Regulator => ("投诉人", "被投诉人", "一、投诉事项和事实", "二、投诉请求"),
        Target::Association => ("举报人", "被举报人", "一、举报事项和事实", "二、举报请求"),
    };
    let title = match target {
        Target::Regulator => LetterKind::Regulator.title_zh(),
        Target::Association => LetterKind::Association.title_zh(),
    };
    let mut doc = Doc::new(if target == Target::Regulator { "regulator" } else { "association" }, title);
    let receiver = match (target, kind) {
        (Target::Association, _) => inl!["中国互联网金融协会"],
        (Target::Regulator, LenderKind::Microloan) => {
            inl![Inline::blank("小额贷款公司注册地的省（市）"), "地方金融管理部门"]
        }
        (Target::Regulator, _) => inl!["国家金融监督管理总局", Inline::blank("所在地"), "监管局"],
    };
    let mut to = receiver.clone();
    to.push(Inline::text("："));
    doc.blocks.push(line(to));
    if let Some(c) = channel {
        doc.notices.push(format!(
            "提交渠道：{}。{}（来源可信度 {}；提交前请在官方网站核对）",
            channels::describe(c),
            c.how,
            c.confidence
        ));
        if let (Some(days), Some(basis)) = (c.reply_days, &c.reply_basis) {
            doc.notices.push(format!("答复期限：{days} 日。{basis}"));
        }
    }
    if let Some(n) = untied {
        doc.notices.push(n);
    }
    doc.blocks.push(line(inl![
        format!("{who}："),
        super::common::legal_name(&f),
        "，联系电话：",
        f.get("person.phone", "联系电话")
    ]));
    let mut resp = inl![format!("{whom}：")];
    resp.push(super::common::entity(&f, &Facts::debt_path(d, "lender"), "出借机构全称"));
    if let Some(pf) = f.debt_opt(d, "platform") {
        resp.extend(inl!["（", pf, "）"]);
    }
    let by = super::common::collector(&f, v);
    if !matches!(by, Inline::Blank { .. }) && by.plain() != d.lender {
        resp.extend(inl!["；催收方：", by]);
    }
    doc.blocks.push(line(resp));
    doc.blocks.push(Block::Heading { level: 2, text: matters.to_string() });
    doc.blocks.push(para(loan_sentence(&f, d, Voice::Context)));
    if !shown.is_empty() {
        doc.blocks.push(para(inl![format!(
            "{whom}或其委托的催收人员在催收中有下列行为（原文摘录，标出部分为有问题的内容；每条之下是它涉及的问题和规定）："
        )]));
        records::list(&mut doc, &shown, &|c| complaint_said(c, kind));
    }
    if !pricing.is_empty() {
        doc.blocks.push(para(inl!["经本人核算，本笔借款的收费存在以下问题："]));
        doc.blocks.push(Block::List { ordered: true, items: pricing.iter().map(|x| finding_item(x, kind)).collect() });
    }
    doc.blocks.push(Block::Heading { level: 2, text: asks_head.to_string() });
    let codes: Vec<&str> = shown.iter().flat_map(|c| c.hits.iter().map(|h| h.code)).collect();
    let mut asks = Vec::new();
    match target {
        Target::Regulator => {
            if !shown.is_empty() {
                asks.push(inl!["依法调查核实上述催收行为，责令被投诉人及其委托的催收机构停止违规催收；"]);
            }
            if codes.contains(&"contact_third_party") {
                asks.push(inl!["责令被投诉人及其委托的催收机构不得向本人的通讯录联系人、工作单位披露本人的债务信息；"]);
            }
            if !pricing.is_empty() {
                asks.push(inl!["核查被投诉人的收费和综合融资成本，责令纠正超出规定的收费；"]);
            }
            asks.push(inl!["将处理结果书面告知投诉人。"]);
        }
        Target::Association => {
            asks.push(inl!["依自律规则对被举报人的上述行为进行调查处理，督促其整改；"]);
            if codes.contains(&"contact_third_party") {
                // "停止" only for what the records show was done; a threat is asked not to be carried out.
                let done = shown.iter().any(|c| {
                    c.hits.iter().any(|h| h.code == "contact_third_party")
                        && matches!(
                            super::third_party::third_party(c),
                            super::third_party::ThirdParty::Sent | super::third_party::ThirdParty::SaidDone
                        )
                });
                asks.push(if done {
                    inl!["督促被举报人及其委托的催收机构停止向本人以外的第三人披露本人的债务信息；"]
                } else {
                    inl!["督促被举报人及其委托的催收机构不得向本人以外的第三人披露本人的债务信息；"]
                });
            }
            asks.push(inl!["将处理情况告知举报人。"]);
        }
    }
    doc.blocks.push(Block::List { ordered: true, items: asks });
    attachments(&mut doc, inputs.evidence, &shown);
    closing(&mut doc, Some(Inline::text(receiver.iter().map(Inline::plain).collect::<String>())));
    doc.blocks.push(signature(&f, who, inputs.today, false));
    Ok(doc)
}

/// The articles the police apply to a conduct code, on the record's day (the 2012 text of the
/// public-security law before its 2025 revision took effect; docs/law/conduct.md §5, §6).
fn police_cites(code: &str, day: Option<NaiveDate>, illegal_debt: bool) -> Vec<Citation> {
    let criminal = |a: &str| Citation {
        doc: "criminal_law".to_string(),
        article: a.to_string(),
        confidence: yuqi_law::Confidence::Verified,
    };
    let mut out = match code {
        "threat_violence"
        | "intimidation"
        | "insult"
        | "contact_third_party"
        | "night_contact"
        | "frequent_contact" => {
            vec![public_security("50", day)]
        }
        "impersonate_authority" => vec![public_security("62", day), criminal("279")],
        "personal_account_payment" => vec![public_security("58", day), criminal("266")],
        _ => Vec::new(),
    };
    // 催收非法债务罪 covers only debts from usury and the like (刑法 293-1).
    if illegal_debt && matches!(code, "threat_violence" | "intimidation") {
        out.push(criminal("293-1"));
    }
    out
}

/// How the police report names a finding: the conduct label, with what it means where the
/// label alone would not say it.
fn police_label(code: &str) -> String {
    let label = conduct_label(code);
    match code {
        "personal_account_payment" => format!("{label}（冒充国家机关工作人员并要求转账到个人账户，涉嫌诈骗）"),
        "contact_third_party" => format!("{label}（向本人的亲友、同事散布或以散布欠款信息相威胁）"),
        "night_contact" | "frequent_contact" => format!("{label}（深夜或反复来电、发信息滋扰）"),
        "threat_jail" => {
            let why = law().rule("default_not_crime").map(|r| r.title).unwrap_or_default();
            if why.is_empty() { label.to_string() } else { format!("{label}（{why}）") }
        }
        _ => label.to_string(),
    }
}

/// Whether a contact belongs in a police report, and which of its codes count. A demand or a
/// vague "后果自负" is not a police matter, nor is a bare claim that a case was filed; threats
/// to the person, calling ordinary default a crime that will bring detention, insults,
/// spreading the debt to others, impersonating officials, repeated night calls, and a demand to
/// pay into a personal account together with impersonation (suspected fraud) are. Collecting
/// an illegal debt (usury, an unlicensed lender) by intimidation is itself a police matter
/// (刑法 293-1), so there intimidation counts on its own.
fn police_codes(c: &Contact, illegal_debt: bool) -> Vec<&'static str> {
    let has = |x: &str| c.hits.iter().any(|h| h.code == x);
    let mut out = Vec::new();
    for code in [
        "threat_violence",
        "threat_jail",
        "insult",
        "contact_third_party",
        "impersonate_authority",
        "night_contact",
        "frequent_contact",
    ] {
        if has(code) {
            out.push(code);
        }
    }
    if has("personal_account_payment") && has("impersonate_authority") {
        out.push("personal_account_payment");
    }
    if has("intimidation") && (illegal_debt || !out.is_empty()) {
        out.push("intimidation");
    }
    out
}

/// A loan whose whole term (contract date to the last scheduled due date) is shorter than this
/// many calendar months is a short loan: a letter states what the term costs against the money
/// received, not an annual rate. Annualising a seven-day fee compounds it over some fifty terms
/// nobody took and prints a five- to ten-digit percentage no reader can check; from a month up,
/// the annual figure is the one the caps are stated in. A yuqi presentation policy, not a legal
/// number (tested in crates/yuqi-docs/tests/letters_what_happened.rs).
pub(crate) const SHORT_LOAN_MONTHS: u32 = 1;

/// The term in days when the loan is a short loan ([`SHORT_LOAN_MONTHS`]).
fn short_term_days(d: &yuqi_case::Debt, a: &yuqi_ledger::DebtAudit) -> Option<i64> {
    let last = a.schedule_contract.iter().map(|i| i.due).max()?;
    let month_on = d.contract_date.checked_add_months(Months::new(SHORT_LOAN_MONTHS))?;
    (last < month_on).then(|| (last - d.contract_date).num_days())
}

/// What the loan cost and what the law gives the lender, for a loan the police are asked to
/// look at (an unlicensed lender, or a rate beyond the illegal-lending line).
fn lending_paragraph(f: &Facts<'_>, d: &yuqi_case::Debt, a: &yuqi_ledger::DebtAudit) -> Vec<Inline> {
    let mut p = Vec::new();
    match short_term_days(d, a) {
        Some(days) => {
            let share =
                a.apr.cost_share.map_or_else(|| "（无法计算）".to_string(), |r| yuqi_money::format_rate_percent(r, 2));
            p.extend(inl![
                "这笔借款",
                computed(format!("{days}天"), "schedule"),
                "收取费用",
                computed(yuan(a.apr.total_cost), "irr"),
                "，相当于到手金额的",
                computed(share, "irr"),
                "。"
            ]);
        }
        None => {
            // The headline measure under its one name, the figure the report and the pages show.
            p.push(Inline::text(format!(
                "据本人核算，计入全部费用、按实际到手的金额计算，这笔借款的{}约为",
                crate::rates::headline_name()
            )));
            p.push(computed(
                a.apr.headline().map_or_else(|| "（无法计算）".to_string(), |r| yuqi_money::format_rate_percent(r, 2)),
                "irr",
            ));
            p.push(Inline::text("。"));
        }
    }
    let unlicensed = d.kind == LenderKind::Unlicensed;
    p.extend(inl![
        match (unlicensed, d.kind_presumed) {
            (true, true) => "从借款期限和费用看，出借人像是未取得放贷资格",
            (true, false) => "出借人未取得放贷资格",
            _ => "出借人以远超法定上限的利率放贷",
        },
        "，如其以营利为目的经常性地向社会不特定对象放贷，涉嫌非法放贷（",
        law().citation_label("illegal_lending_opinion_2019", "1"),
        "），请公安机关依法调查。"
    ]);
    if unlicensed {
        p.extend(inl![
            if d.kind_presumed { "如果确实如此，依照" } else { "依照" },
            cite("unlicensed_void"),
            "，这样的借款合同无效，约定的利息和费用不受保护，借款人只需返还实际到手的本金",
            computed(yuan(a.principal_initial), "unlicensed_void"),
        ]);
        match f.debt_opt(d, "paid_total") {
            Some(paid) => p.extend(inl!["；本人已还款", paid]),
            None => p.push(Inline::text("；本人尚未还款")),
        }
        if let Some(amount) = f.debt_opt(d, "demand.amount") {
            p.push(Inline::text("，对方"));
            if let Some(on) = f.debt_opt(d, "demand.date") {
                p.extend(inl!["于", on]);
            }
            p.extend(inl!["仍向本人催要", amount]);
        }
        p.push(Inline::text("。"));
    }
    p
}

pub(crate) fn police(inputs: &Inputs<'_>, opts: &LetterOptions) -> Result<Doc, LetterError> {
    let f = Facts::new(inputs.case);
    if let Some(id) = &opts.debt
        && !inputs.case.debts.iter().any(|d| &d.id == id)
    {
        return Err(LetterError::UnknownDebt {
            id: id.clone(),
            ids: inputs.case.debts.iter().map(|d| d.id.clone()).collect(),
        });
    }
    let illegal: Vec<crate::DebtParts<'_>> = inputs
        .debts()
        .into_iter()
        .filter(|p| opts.debt.as_deref().is_none_or(|id| id == p.debt.id))
        .filter(|p| {
            p.debt.kind == LenderKind::Unlicensed || p.audit.findings.iter().any(|x| x.code == "illegal_lending_line")
        })
        .collect();
    // Whether a record collects one of those debts (a record not tied to a debt may).
    let on_illegal = |c: &Contact| illegal.iter().any(|p| about(inputs.case, c, &p.debt.id));
    let flagged = in_time_order(conduct_for(inputs.case, inputs.contacts, opts.debt.as_deref(), None));
    let (shown, left_out): (Vec<&Contact>, Vec<&Contact>) =
        flagged.into_iter().partition(|c| !police_codes(c, on_illegal(c)).is_empty());
    if shown.is_empty() && illegal.is_empty() {
        return Err(LetterError::NotApplicable(
            "案例文件和证据中没有发现威胁人身安全、把逾期说成犯罪相威胁、辱骂、冒充公检法、向他人散布欠款、深夜反复骚扰等记录，也没有无资质放贷的借款，报案材料无从写起。\
             先把催收短信、通话记录存进证据库，或在催收记录中写明对方的原话。"
                .to_string(),
        ));
    }
    let mut doc = Doc::new("police", LetterKind::Police.title_zh());
    let mut to = Vec::new();
    if let Some(city) = f.opt("person.city") {
        to.push(city);
    }
    to.push(Inline::blank("公安局（分局）或派出所名称"));
    doc.blocks.push(line({
        let mut v = to.clone();
        v.push(Inline::text("："));
        v
    }));
    doc.blocks.push(line(inl![
        "报案人：",
        super::common::legal_name(&f),
        "，身份证号：",
        f.get("person.id_number", "身份证号"),
        "，联系电话：",
        f.get("person.phone", "联系电话")
    ]));
    let mut who: Vec<&str> = shown.iter().filter_map(|c| records::sender(c)).collect();
    who.sort_unstable();
    who.dedup();
    let mut accused = inl!["被报案人："];
    if who.is_empty() {
        accused.push(Inline::blank("催收人员姓名、电话号码或所属公司"));
    } else {
        for (i, w) in who.iter().enumerate() {
            if i > 0 {
                accused.push(Inline::text("、"));
            }
            let src = shown.iter().find(|c| records::sender(c) == Some(*w)).map(|c| c.source.clone());
            // A sender that signs as a court or the police is who the collector pretends to be,
            // not whom the borrower accuses: naming "XX法院" as the suspect would report the court.
            let fact = Inline::fact(w.to_string(), src.unwrap_or(crate::doc::Source::Today));
            if records::claims_authority(w) {
                accused.extend([Inline::text("自称“"), fact, Inline::text("”的发送者")]);
            } else {
                accused.push(fact);
            }
        }
        accused.push(Inline::text("（以上为来电或来信的号码或名称，真实身份请公安机关核查）"));
    }
    doc.blocks.push(line(accused));
    doc.blocks.push(Block::Heading { level: 2, text: "一、事实经过".to_string() });
    // Each loan once: the one the collection is about, and what it cost where the police are
    // asked to look at the lending itself.
    for d in inputs.case.debts.iter().filter(|d| opts.debt.as_deref().is_none_or(|id| id == d.id)) {
        let lending = illegal.iter().find(|p| p.debt.id == d.id);
        // Only a record of this debt shows its lender collected (a record tied to no debt, in a
        // case with several, shows no lender's).
        let collected = shown.iter().any(|c| about(inputs.case, c, &d.id));
        if lending.is_none() && !collected {
            continue;
        }
        // "对方以…逾期为由，向本人催收" only where a record or the case file's demand shows it;
        // an unlawful loan nothing shows collected is stated as the borrowing it is.
        let dunned = collected || d.demand.is_some() || d.events.iter().any(|e| e.kind == yuqi_case::EventKind::Demand);
        let mut p = loan_sentence(&f, d, if dunned { Voice::Context } else { Voice::Own });
        if let Some(parts) = lending {
            p.extend(lending_paragraph(&f, d, parts.audit));
        }
        doc.blocks.push(para(p));
    }
    if !shown.is_empty() {
        doc.blocks.push(para(inl![
            "在催收中，对方对本人实施了下列行为（原文摘录，标出部分为涉嫌违法的内容；每条之下是它涉及的问题和规定）。欠款纠纷本人另行处理；欠款不是对方威胁、骚扰本人的理由。"
        ]));
        // A record tied to no debt, in a case with several, is quoted as received and said to
        // be of no known loan: naming a lender would be a statement the borrower cannot prove.
        let untied = if inputs.case.debts.len() > 1 { shown.iter().filter(|c| c.debt.is_none()).count() } else { 0 };
        if untied > 0 {
            doc.blocks.push(para(inl![format!(
                "其中 {untied} 条消息，本人目前无法确定对方是为哪一笔借款催收，下面只照录原文，不写明借款。"
            )]));
            doc.notices.push(format!(
                "有 {untied} 条消息没有对应到哪一笔借款：报案材料照录原文，但没有说它们是哪笔借款的催收，也没有因它们说哪家出借人向你催收。\
                 要写明，请说明它们是哪笔借款的催收：{}",
                super::common::TIE_HOW
            ));
        }
        let kinds_of = |c: &Contact| -> Vec<LenderKind> {
            inputs
                .case
                .debts
                .iter()
                .filter(|d| opts.debt.as_deref().is_none_or(|id| id == d.id))
                .filter(|d| about(inputs.case, c, &d.id))
                .map(yuqi_case::Debt::rate_kind)
                .collect()
        };
        let said = |c: &Contact| -> Vec<Said> {
            police_codes(c, on_illegal(c))
                .into_iter()
                .map(|code| {
                    let mut cites = police_cites(code, c.day(), on_illegal(c));
                    let rule = yuqi_conduct::Code::parse(code).map_or("", yuqi_conduct::Code::rule);
                    cites.extend(rule_cites(rule, c.day(), &kinds_of(c)));
                    Said { code, label: police_label(code), basis: records::cite_text(&cites) }
                })
                .collect()
        };
        records::list(&mut doc, &shown, &said);
    }
    doc.blocks.push(Block::Heading { level: 2, text: "二、请求".to_string() });
    let mut asks = vec![inl!["依法受理本人的报案，调查上述行为，依法处理；"]];
    if !shown.is_empty() {
        asks.push(inl!["制止对方继续威胁、骚扰本人及本人的亲友、同事；"]);
        let new_from = law().document("public_security_penalties_2025").and_then(|d| d.in_force);
        if shown.iter().any(|c| c.day().zip(new_from).is_none_or(|(d, from)| d >= from)) {
            asks.push(inl![
                "对多次发送侮辱、恐吓信息或滋扰本人的，依",
                law().citation_label("public_security_penalties_2025", "50"),
                "第二款责令其在一定期间内不得接触本人；"
            ]);
        }
    }
    asks.push(inl!["出具受案回执，并将处理结果告知本人。"]);
    doc.blocks.push(Block::List { ordered: true, items: asks });
    attachments(&mut doc, inputs.evidence, &shown);
    closing(&mut doc, Some(Inline::text(to.iter().map(Inline::plain).collect::<String>())));
    doc.blocks.push(signature(&f, "报案人", inputs.today, false));
    if let Some(c) = channels::get("police_110") {
        doc.notices.push(format!("报案方式：{}。{}", channels::describe(c), c.how));
        if let (Some(days), Some(basis)) = (c.reply_days, &c.reply_basis) {
            doc.notices.push(format!("处理期限：{days} 日。{basis}"));
        }
    }
    doc.notices.push(if inputs.evidence.is_some() {
        "报案请带上身份证、手机（原始短信和通话记录）和导出的证据包（yuqi evidence export）；要求民警出具受案回执。"
            .to_string()
    } else {
        "报案请带上身份证和手机（原始短信、通话记录和聊天记录）；要求民警出具受案回执。".to_string()
    });
    doc.notices.push(
        "报案材料只写你能证明的事：每条摘录都要能在手机里找到原件。对方说“已起诉”“已移交法务”本身不是违法行为，因此没有作为违法行为写进报案材料。".to_string(),
    );
    if !left_out.is_empty() {
        let list: Vec<String> = left_out
            .iter()
            .map(|c| {
                let labels: Vec<&str> = codes_of(c).into_iter().map(conduct_label).collect();
                format!("{}（{}）", records::head(c), labels.join("、"))
            })
            .collect();
        doc.notices.push(format!(
            "另有 {} 条有问题的催收记录不属于公安机关处理的事项，没有写进报案材料；出借人是持牌机构的，可以写进投诉（yuqi letter regulator）：{}。",
            left_out.len(),
            list.join("；")
        ));
    }
    Ok(doc)
}
