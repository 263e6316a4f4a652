//! The credit-report objection (征信异议).

use yuqi_case::LenderKind;
use yuqi_law::law;
use yuqi_ledger::audit::IfOffset;

use super::common::{legal_number, line, para, signature};
use super::{DebtView, LetterError, LetterKind};
use crate::Inputs;
use crate::channels;
use crate::doc::{Block, Doc, Inline};
use crate::facts::{Facts, computed, date_zh, yuan};
use crate::inl;

pub(crate) fn objection(inputs: &Inputs<'_>, v: &DebtView<'_>) -> Result<Doc, LetterError> {
    let f = Facts::new(inputs.case);
    let d = v.debt;
    // A lender only presumed unlicensed (the interview's guess from the term and fees) may be a
    // licensed one that reports: he is told to look rather than told it cannot be there.
    if d.kind_presumed && d.kind == LenderKind::Unlicensed {
        return Err(LetterError::NotApplicable(
            "从借款期限和费用看，出借人像是没有放贷资格，这样的出借人不向人民银行征信系统报送信息。先查询本人信用报告：如果里面确实有这笔借款的不良记录，说明对方是报送征信的机构，请在这笔借款的信息里改正出借人类型并注明“已上报征信”，再生成异议申请。".to_string(),
        ));
    }
    if matches!(d.rate_kind(), LenderKind::Private | LenderKind::Unlicensed) {
        return Err(LetterError::NotApplicable(
            "个人和无放贷资格的出借人不向人民银行征信系统报送信息：这笔借款不会出现在你的信用报告里，无需提出征信异议。".to_string(),
        ));
    }
    let credit = d.credit.as_ref();
    if credit.and_then(|c| c.reported) != Some(true) && credit.and_then(|c| c.overdue_amount).is_none() {
        return Err(LetterError::NotApplicable(format!(
            "还没有记录{}已上报征信。先查询本人信用报告（每年可免费查询两次，{}），确认有不良记录后，在这笔借款的信息里注明“已上报征信”（以及报送的逾期金额、上报前是否通知过你），再生成异议申请。",
            inputs.case.debt_name(&d.id),
            law().citation_label("credit_reporting_regulation", "17")
        )));
    }
    let mut doc = Doc::new("credit_objection", LetterKind::CreditObjection.title_zh());
    doc.blocks.push(line(inl!["中国人民银行征信中心："]));
    doc.blocks.push(line(inl![
        "申请人：",
        super::common::legal_name(&f),
        "，身份证号：",
        f.get("person.id_number", "身份证号"),
        "，联系电话：",
        f.get("person.phone", "联系电话")
    ]));
    let mut which = inl!["异议信息：本人个人信用报告中，"];
    which.push(super::common::entity(&f, &Facts::debt_path(d, "lender"), "报送机构全称"));
    which.push(Inline::text("报送的借款逾期（不良）记录"));
    if let Some(a) = f.debt_opt(d, "credit.overdue_amount") {
        which.extend(inl!["，报告所载逾期金额", a]);
    }
    // A card has no loan date (the case file's is a stand-in): the day it went overdue, when
    // the borrower gave it, says which record is meant.
    if d.kind == LenderKind::CreditCard {
        if let Some(since) = f.debt_opt(d, "credit.overdue_start") {
            which.extend(inl!["（所涉信用卡欠款自", since, "起逾期）"]);
        }
        which.push(Inline::text("。"));
    } else {
        which.extend(inl!["（所涉借款的日期为", f.debt(d, "contract_date", "借款日期"), "）。"]);
    }
    doc.blocks.push(para(which));
    doc.blocks.push(para(inl!["异议理由："]));
    let mut reasons: Vec<Vec<Inline>> = Vec::new();
    if credit.and_then(|c| c.prior_notice) == Some(false) {
        reasons.push(inl![
            "信息提供者向征信机构报送本人的不良信息前，没有事先告知本人（",
            law().citation_label("credit_reporting_regulation", "15"),
            "）。"
        ]);
    }
    if let Some(amount) = credit.and_then(|c| c.overdue_amount)
        && amount > v.audit.supported_total
    {
        let mut r = inl![
            "报告所载逾期金额高于依法应还的金额：截至",
            computed(date_zh(inputs.audit.as_of), "lawful_ledger"),
            "依法应还不超过",
            computed(yuan(v.audit.supported_total), "lawful_ledger"),
        ];
        // The second figure, in the words the borrower's report and the other letters use.
        if let Some(o) = v.audit.if_offset {
            r.extend(inl!["（", computed(IfOffset::letter_zh(&yuan(o.supported_total)), "over_cap_paid_offset"), "）"]);
        }
        r.push(Inline::text("，报送的金额包含超出法定上限的利息和费用，信息有误。"));
        reasons.push(r);
    }
    if let Some(exp) = v.timeline.credit.record_expires
        && exp <= inputs.today
    {
        reasons.push(inl![
            "本笔借款已于",
            f.debt(d, "credit.settled", "结清日期"),
            format!(
                "结清，不良信息自不良行为终止之日起已满{}（",
                legal_number("credit.negative_record_years", exp)
                    .map_or_else(|| "保存期限".to_string(), |n| format!("{n}年"))
            ),
            computed(date_zh(exp), "credit_retention"),
            "到期），依",
            law().citation_label("credit_reporting_regulation", "16"),
            "应当删除。"
        ]);
    }
    if reasons.is_empty() {
        reasons.push(inl![Inline::blank("具体哪条信息有误、错在哪里（如金额、逾期日期、账户不属于本人）")]);
        doc.notices.push(
            format!(
                "案例文件没有记录可以提出异议的事实（未事先告知、金额有误、已满{}）：请在信中写明具体理由，否则征信机构可能因理由不明不予更正。",
                legal_number("credit.negative_record_years", inputs.today).map_or_else(|| "保存期限".to_string(), |n| format!("{n}年"))
            ),
        );
    }
    doc.blocks.push(Block::List { ordered: true, items: reasons });
    let days = law().param("credit.objection_reply_days", inputs.today).map(|p| p.decimal().to_string()).ok();
    let mut ask = inl!["请求：对上述信息作出存在异议的标注，"];
    if let Some(n) = days {
        ask.push(computed(format!("自收到异议之日起{n}日内"), "credit_objection"));
    }
    ask.extend(inl![
        "进行核查和处理，更正或删除错误信息，并将结果书面答复本人（",
        law().citation_label("credit_reporting_regulation", "25"),
        "）。"
    ]);
    doc.blocks.push(para(ask));
    // Only what the case says exists: the identity card always, payment records when it
    // records payments, the settlement when it records one.
    let mut att = vec!["身份证复印件"];
    if !d.payments.is_empty() {
        att.push("还款凭证（转账记录或还款记录截图）");
    }
    if d.credit.as_ref().is_some_and(|c| c.settled.is_some()) {
        att.push("结清证明或结清记录截图");
    }
    doc.blocks.push(para(inl![format!("附件：{}。", att.join("；"))]));
    doc.blocks.push(signature(&f, "申请人", inputs.today, false));
    if let Some(c) = channels::get("credit_objection") {
        doc.notices.push(format!(
            "提交渠道：{}。{}也可以把同一份申请交给报送机构（信息提供者）。",
            channels::describe(c),
            c.how
        ));
    }
    if credit.and_then(|c| c.prior_notice) == Some(false) {
        doc.notices.push(format!(
            "未事先告知就报送不良信息，还可以向人民银行分支机构投诉（{}、{}）。",
            law().citation_label("credit_reporting_regulation", "26"),
            law().citation_label("credit_reporting_regulation", "41")
        ));
    }
    if let Ok(p) = law().param("credit.complaint_reply_days", inputs.today) {
        doc.notices.push(format!(
            "对处理结果有异议的，可以向人民银行投诉，应自受理之日起 {} 日内书面答复（{}）；也可以直接起诉。",
            p.decimal(),
            p.citation.label()
        ));
    }
    Ok(doc)
}
