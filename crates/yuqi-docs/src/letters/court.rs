//! The statement of defence (民事答辩状) for a served lawsuit: the limitation defence first,
//! then, in the alternative, every reduction the law supports.

use yuqi_case::{EventKind, LenderKind};
use yuqi_law::law;
use yuqi_ledger::Severity;
use yuqi_plan::Standing;
use yuqi_timeline::limitation::Status;

use super::DebtView;
use super::common::{
    Voice, annual_cap, cite, cite_for, closing, legal_name, line, loan_sentence, lpr_multiple, para, signature,
};
use crate::Inputs;
use crate::doc::{Block, Doc, Inline};
use crate::facts::{Facts, computed, date_zh, yuan};
use crate::inl;

/// Findings that belong in a court filing (not collection-stage ones, which compare with a
/// collector's demand rather than the claim before the court).
const FOR_COURT: [&str; 6] = [
    "apr_above_cap",
    "fees_as_interest",
    "charges_exceed_cap",
    "over_cap_paid",
    "overpaid",
    "credit_card_interest_on_fees",
];

/// Amounts below this (fen) are left out: a court reads trivia as weakness.
const TRIVIAL_FEN: i64 = 5_000;

pub(crate) fn defence(inputs: &Inputs<'_>, v: &DebtView<'_>) -> Doc {
    let f = Facts::new(inputs.case);
    let d = v.debt;
    let a = v.audit;
    let kind = d.rate_kind();
    let mut doc = Doc::new("defence", "民事答辩状");
    let suit = d
        .events
        .iter()
        .enumerate()
        .rev()
        .find(|(_, e)| matches!(e.kind, EventKind::LawsuitServed | EventKind::LawsuitFiled));
    let court = suit.and_then(|(i, _)| f.opt(&Facts::debt_path(d, &format!("event[{i}].by"))));
    if suit.is_none() {
        doc.notices.push("案例文件中没有起诉或送达的事件：这份答辩状是为可能的诉讼提前准备的。".to_string());
    }
    doc.blocks.push(line(inl![
        "答辩人（被告）：",
        legal_name(&f),
        "，性别",
        Inline::blank("性别"),
        "，",
        Inline::blank("出生日期"),
        "出生，住",
        f.get("person.address", "住址"),
        "，身份证号",
        f.get("person.id_number", "身份证号"),
        "，联系电话",
        f.get("person.phone", "联系电话"),
        "。"
    ]));
    doc.blocks.push(line(inl!["被答辩人（原告）：", Inline::blank("以起诉状副本载明的名称为准")]));
    doc.blocks.push(line(inl!["案号：", Inline::blank("案号")]));
    doc.blocks.push(para(inl!["答辩人就原告诉答辩人借款合同纠纷一案，提出答辩意见如下："]));
    let mut facts = loan_sentence(&f, d, Voice::Claimed);
    if let Some(Inline::Text { text }) = facts.first_mut() {
        *text = text.replacen("贵方", "原告", 1);
    }
    doc.blocks.push(para(facts));

    let mut points: Vec<Vec<Inline>> = Vec::new();
    let expired = matches!(v.timeline.limitation.status, Status::Expired { .. });
    if expired {
        points.push(inl![
            Inline::strong("原告的请求已超过诉讼时效。"),
            "该笔款项约定的还款期限已于",
            computed(date_zh(v.timeline.last_due), "limitation_instalment_start"),
            format!(
                "届满，原告起诉时已超过{}诉讼时效期间。答辩人提出诉讼时效抗辩，请求驳回原告的诉讼请求（",
                crate::legal::years_zh("limitation.general_years", inputs.today)
            ),
            law()
                .citation_labels_grouped(&[
                    yuqi_law::Citation {
                        doc: "civil_code".into(),
                        article: "188".into(),
                        confidence: yuqi_law::Confidence::Verified
                    },
                    yuqi_law::Citation {
                        doc: "civil_code".into(),
                        article: "192".into(),
                        confidence: yuqi_law::Confidence::Verified
                    },
                ])
                .join("、"),
            "）。"
        ]);
    }
    if d.kind == LenderKind::Unlicensed && d.kind_presumed {
        // What the loan looks like is not what the court can be told as a fact: the plaintiff
        // is asked to show its licence.
        points.push(inl![
            Inline::strong("借款合同可能无效。"),
            "从借款期限和费用看，出借人像是未取得放贷资格、以营利为目的向社会不特定对象出借资金，请原告提供其放贷资格证明；如其未取得放贷资格，借款合同无效（",
            cite_for("unlicensed_void", Some(LenderKind::Unlicensed)),
            "），答辩人仅应返还实际取得的",
            computed(yuan(a.principal_initial), "unlicensed_void"),
            "。"
        ]);
    } else if d.kind == LenderKind::Unlicensed {
        points.push(inl![
            Inline::strong("借款合同无效。"),
            "出借人未取得放贷资格，以营利为目的向社会不特定对象出借资金，借款合同无效（",
            cite_for("unlicensed_void", Some(LenderKind::Unlicensed)),
            "）；答辩人仅应返还实际取得的",
            computed(yuan(a.principal_initial), "unlicensed_void"),
            "。"
        ]);
    }
    if d.received < d.principal {
        let c = match kind {
            LenderKind::Private | LenderKind::Unlicensed => cite("kantouxi"),
            _ => law().citation_label("civil_code", "670"),
        };
        points.push(inl![
            Inline::strong("借款本金应按实际到账金额认定。"),
            "合同本金为",
            f.debt(d, "principal", "合同本金"),
            "，答辩人实际收到",
            f.debt(d, "received", "实际到账金额"),
            "；预先扣除的利息和费用不是本金（",
            c,
            "）。"
        ]);
    }
    if let Some(asg) = &v.timeline.assignment
        && asg.chain.iter().any(|l| matches!(l.binding, yuqi_timeline::assignment::Binding::NotBinding))
    {
        points.push(inl![
            Inline::strong("债权转让未通知答辩人。"),
            "未通知债务人的，债权转让对债务人不发生效力（",
            law().citation_label("civil_code", "546"),
            "）；答辩人对原债权人的抗辩可以向受让人主张（",
            law().citation_label("civil_code", "548"),
            "）。请法院审查原告的主体资格。"
        ]);
    }
    // In the alternative: the reductions.
    let mut alt: Vec<Vec<Inline>> = Vec::new();
    if d.kind != LenderKind::Unlicensed {
        let mut p = inl![Inline::strong("超过法定标准的利息、罚息、违约金和费用应予调减。")];
        let new_rules = law().param("private_lending.new_rules_from", a.as_of).ok().map(|x| x.date());
        match kind {
            LenderKind::Private if new_rules.is_some_and(|from| d.contract_date < from) => {
                let from = new_rules.unwrap_or(d.contract_date);
                let before = from.pred_opt().unwrap_or(from);
                p.extend(inl![
                    format!("借款合同成立于{}之前：依照", date_zh(from)),
                    law().citation_label("private_lending_2020", "31"),
                    format!(
                        "，{}之前的利息按当时的司法解释计算，{}之后的利息不得超过起诉时一年期贷款市场报价利率的{}。",
                        date_zh(before),
                        date_zh(from),
                        lpr_multiple(from)
                    )
                ]);
            }
            LenderKind::Private => p.extend(inl![
                "依照",
                cite_for("private_combined_cap", Some(kind)),
                format!(
                    "，利息、逾期利息、违约金和其他费用总计不得超过合同成立时一年期贷款市场报价利率的{}。",
                    lpr_multiple(d.contract_date)
                )
            ]),
            _ => p.extend(inl![
                "依照",
                cite_for("financial_combined_cap", Some(kind)),
                format!(
                    "，利息、复利、罚息、违约金和其他费用总计超过{}的部分，答辩人请求调减。",
                    annual_cap("financial.judicial_combined_cap", a.as_of)
                )
            ]),
        }
        p.extend(inl![
            "据答辩人核算，截至",
            computed(date_zh(a.as_of), "lawful_ledger"),
            "，依上述标准最多为",
            computed(yuan(a.supported_total), "lawful_ledger"),
            "（本金",
            computed(yuan(a.principal_lawful), "lawful_ledger"),
            "、利息",
            computed(yuan(a.interest_lawful), "lawful_ledger"),
            "、逾期利息及违约金",
            computed(yuan(a.overdue_lawful), "lawful_ledger"),
            "、费用",
            computed(yuan(a.fees_lawful), "lawful_ledger"),
            "）。"
        ]);
        // Over-cap charges already paid: whether a court offsets them is disputed; the defence
        // asks for it, with the figure and the words the borrower's own report uses.
        if let Some(o) = a.if_offset {
            p.extend(inl![
                "答辩人已付款项中超过上述标准的利息、费用共",
                computed(yuan(o.over_cap_paid), "over_cap_paid_offset"),
                "，请求法院将其抵作本金；抵作本金后，依法应还最多为",
                computed(yuan(o.supported_total), "over_cap_paid_offset"),
                "。"
            ]);
        }
        // Another cap some courts apply to this kind of lender (the offset twin is said above).
        let twin = format!("{}_offset", a.lawful.id);
        let lower: Vec<_> =
            a.alternatives.iter().filter(|s| s.supported_total < a.supported_total && s.id != twin).collect();
        if let Some(low) = lower.iter().min_by_key(|s| s.supported_total) {
            // The ledger's label abbreviates the rate ("4倍LPR"); a court filing spells it out.
            let which = if low.id == "private_4lpr_offset" {
                Inline::text(format!(
                    "参照民间借贷的上限，即合同成立时一年期贷款市场报价利率的{}（部分法院）",
                    lpr_multiple(d.contract_date)
                ))
            } else {
                computed(low.label.clone(), "lawful_ledger")
            };
            p.extend(inl![
                "对该类出借人适用的上限，各地法院认识不一；若",
                which,
                "，则最多为",
                computed(yuan(low.supported_total), "lawful_ledger"),
                "，请求法院采纳对答辩人更有利的标准。"
            ]);
        }
        alt.push(p);
    }
    if !d.payments.is_empty() {
        let mut p = inl![
            Inline::strong("已还款项应予扣除。"),
            "答辩人已还款合计",
            f.debt(d, "paid_total", "已还金额"),
            "，应依法冲抵（",
            cite("payment_order"),
            "）。"
        ];
        if let Some(asg) = &v.timeline.assignment {
            let wrong: Vec<_> = asg.payments.iter().filter(|x| !x.discharges).collect();
            if !wrong.is_empty() {
                p.push(Inline::text(format!(
                    "其中{}向{}的付款，是否对原告发生清偿效力，答辩人保留向收款人主张返还的权利。",
                    wrong.iter().map(|x| date_zh(x.date)).collect::<Vec<_>>().join("、"),
                    wrong.iter().map(|x| x.to.clone()).collect::<Vec<_>>().join("、")
                )));
            }
        }
        alt.push(p);
    }
    for x in a.findings.iter().filter(|x| x.severity == Severity::Violation && FOR_COURT.contains(&x.code)) {
        if x.amount.is_some_and(|m| m.fen() < TRIVIAL_FEN) {
            continue;
        }
        let mut p = inl![Inline::strong(format!("{}。", x.title))];
        if let Some(m) = x.amount {
            p.extend(inl!["涉及金额", computed(yuan(m), x.rule), "。"]);
        }
        let c = cite_for(x.rule, Some(kind));
        if !c.is_empty() {
            p.push(Inline::text(format!("（{c}）")));
        }
        alt.push(p);
    }
    if !points.is_empty() {
        doc.blocks.push(Block::List { ordered: true, items: points });
        if !alt.is_empty() {
            doc.blocks.push(para(inl!["退一步讲，即使法院不采纳上述意见，原告的请求亦应依法调减："]));
        }
    }
    if !alt.is_empty() {
        doc.blocks.push(Block::List { ordered: true, items: alt });
    }
    doc.blocks.push(para(inl!["综上，请求法院依法驳回原告超出法律规定部分的诉讼请求。"]));
    closing(&mut doc, Some(court.unwrap_or_else(|| Inline::blank("受理法院名称"))));
    doc.blocks.push(signature(&f, "答辩人", inputs.today, false));
    doc.notices.push(
        "答辩状请在传票或应诉通知书载明的期限内提交法院，并按对方人数提交副本；开庭时携带身份证和全部还款凭证。"
            .to_string(),
    );
    doc.notices.push(
        "金额按你的案例文件和计算截止日核算；起诉状中的金额和日期不同的，请以起诉状为准重新核算（yuqi audit --as-of 起诉日）。".to_string(),
    );
    if v.plan.standing == Standing::Judgment {
        doc.notices.push(
            "这笔借款已有生效裁判：答辩已经不适用，应当履行或与对方执行和解；对裁判不服只能依法申请再审。".to_string(),
        );
    }
    doc
}
