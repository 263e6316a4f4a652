//! Letters to the creditor or collector: the verification request, the repayment proposal and
//! the limitation statement.

use yuqi_case::LenderKind;
use yuqi_law::law;
use yuqi_ledger::audit::IfOffset;
use yuqi_plan::OptionKind;
use yuqi_timeline::limitation::Status;

use super::common::{Voice, annual_cap, cite, cite_for, closing, collector, line, loan_sentence, para, signature};
use super::{DebtView, LetterError, LetterKind, LetterOptions};
use crate::Inputs;
use crate::doc::{Block, Doc, Inline};
use crate::facts::{Facts, computed, date_zh, yuan};
use crate::inl;

pub(crate) fn verification(inputs: &Inputs<'_>, v: &DebtView<'_>) -> Doc {
    let f = Facts::new(inputs.case);
    let d = v.debt;
    let mut doc = Doc::new("verification", LetterKind::Verification.title_zh());
    doc.blocks.push(line(inl![collector(&f, v), "："]));
    doc.blocks.push(para(loan_sentence(&f, d, Voice::Claimed)));
    match (f.debt_opt(d, "demand.date"), f.debt_opt(d, "demand.amount")) {
        (Some(date), Some(amount)) => doc.blocks.push(para(inl![date, "，贵方向本人主张", amount, "。"])),
        (None, Some(amount)) => doc.blocks.push(para(inl!["贵方近期向本人主张", amount, "。"])),
        _ => {}
    }
    doc.blocks.push(para(inl![
        "对该债务是否存在、金额以及贵方是否有权主张，本人目前不予确认。为核实上述情况，请贵方书面提供以下材料："
    ]));
    let mut items: Vec<Vec<Inline>> = match d.rate_kind() {
        LenderKind::CreditCard => vec![
            inl!["信用卡领用合约（协议）及章程；"],
            inl!["自透支之日起的历期账单和交易明细；"],
            inl!["本人全部还款记录；"],
            inl![
                "欠款构成：透支本金、利息、违约金和各项费用分别是多少，计算标准和起止日期（",
                law().citation_label("credit_card_supervision_2011", "69"),
                "）；"
            ],
        ],
        LenderKind::Private | LenderKind::Unlicensed => vec![
            inl!["借条、借款协议或其他书面凭证；"],
            inl!["出借款项的转账记录（实际交付本人的金额和日期）；"],
            inl!["本人全部还款记录；"],
            inl!["欠款的逐项计算：本金、利息、逾期利息和其他费用分别是多少，各自的利率和起止日期；"],
        ],
        _ => vec![
            inl!["借款合同（含电子签约记录）及全部附件、服务协议、担保协议；"],
            inl!["放款凭证：实际打入本人账户的金额和日期；"],
            inl!["本人全部还款记录；"],
            inl![
                "欠款的逐项计算：本金、利息、逾期利息（罚息）、违约金和各项费用分别是多少，各自的利率或标准、起止日期和计算依据；"
            ],
        ],
    };
    let assigned = !d.assignments.is_empty() || d.kind == LenderKind::Assignee;
    let third_party = d.events.iter().any(|e| e.by.as_deref().is_some_and(|b| !b.contains(&d.lender)))
        || d.demand.as_ref().and_then(|x| x.by.as_deref()).is_some_and(|b| !b.contains(&d.lender));
    if assigned {
        items.push(inl![
            "债权转让协议，以及向本人发出的债权转让通知及其送达凭证（",
            law()
                .citation_labels_grouped(&[
                    yuqi_law::Citation {
                        doc: "civil_code".into(),
                        article: "546".into(),
                        confidence: yuqi_law::Confidence::Verified
                    },
                    yuqi_law::Citation {
                        doc: "civil_code".into(),
                        article: "548".into(),
                        confidence: yuqi_law::Confidence::Verified
                    },
                ])
                .join("、"),
            "）；"
        ]);
    }
    if assigned || third_party {
        items.push(inl!["如贵方系受托催收：委托催收的授权文件，以及联系本人的人员的姓名和工号；"]);
    }
    if !matches!(d.rate_kind(), LenderKind::Private) {
        items.push(inl!["贵方的全称、统一社会信用代码和可以书面联系的地址。"]);
    }
    doc.blocks.push(Block::List { ordered: true, items });
    doc.blocks.push(para(inl![
        "在收到并核实上述材料之前，本人对贵方主张的金额不予确认。",
        Inline::strong("本函仅为核实债务之用，不构成对任何债务的承认，也不构成还款承诺；本人保留一切抗辩权利。")
    ]));
    let night = law().param("conduct.night_start_hour", inputs.today).map(|p| p.decimal().to_string()).ok();
    let morning = law().param("conduct.night_end_hour", inputs.today).map(|p| p.decimal().to_string()).ok();
    let window = match (night, morning) {
        (Some(n), Some(m)) => format!("，不要在{n}:00至次日{m}:00之间联系"),
        _ => String::new(),
    };
    doc.blocks.push(para(inl![
        "本人的亲友、同事并未同意贵方处理其个人信息（",
        law().citation_label("personal_information_protection_law", "13"),
        "），请勿向第三人披露本人的债务或通过第三人催收。请以书面方式与本人联系",
        window,
        "。"
    ]));
    doc.blocks.push(line(inl!["特此函告。"]));
    doc.blocks.push(signature(&f, "函告人", inputs.today, true));
    doc.notices.push(
        "这封核实函不承认债务、不承诺还款，因此不会让诉讼时效重新计算；寄送时请用 EMS 等可查询签收的方式，并保留底稿和回执。".to_string(),
    );
    doc.notices
        .push("等对方书面答复（或寄出15日后仍无答复）再决定是否协商还款；在弄清谁是债权人之前不要付款。".to_string());
    doc
}

pub(crate) fn proposal(inputs: &Inputs<'_>, v: &DebtView<'_>, opts: &LetterOptions) -> Result<Doc, LetterError> {
    let f = Facts::new(inputs.case);
    let d = v.debt;
    let p = v.plan;
    if !p.lawful_total.is_positive() {
        return Err(LetterError::NotApplicable(format!(
            "按依法计算，{} 已经没有欠款（你已还 {}，依法应还为 0）。不要再付款，也不要提出还款申请；对方继续催收的，保留证据，可以投诉或报警。",
            inputs.case.debt_name(&d.id),
            yuan(d.total_paid())
        )));
    }
    if p.standing.barred() && !opts.accept_limitation_effect {
        return Err(LetterError::LimitationConsent(format!(
            "借款 {} 的诉讼时效{}。递交还款申请就是同意履行：你将永久失去时效抗辩，已还的钱也要不回来（{}）。\
             如果你仍想协商还款，请加上 --accept-limitation-effect 再运行；否则可以用 yuqi letter limitation 生成时效抗辩声明。",
            d.id,
            v.timeline.limitation.status.label_zh(),
            cite("limitation_waiver")
        )));
    }
    let kind = d.rate_kind();
    let mut doc = Doc::new("proposal", LetterKind::Proposal.title_zh());
    doc.blocks.push(line(inl![super::common::entity_or_computed(&p.creditor), "："]));
    doc.blocks.push(para(loan_sentence(&f, d, Voice::Own)));

    // Hardship: only the borrower's own figures and words.
    let mut hard = inl!["本人目前"];
    let mut said = false;
    if let Some(i) = f.opt("person.monthly_income") {
        hard.extend(inl!["每月收入约", i]);
        said = true;
    }
    if let Some(e) = f.opt("person.essential_expenses") {
        hard.extend(inl![if said { "，" } else { "" }, "每月必要开支约", e]);
        said = true;
    }
    if let Some(n) = f.opt("person.dependants").filter(|_| inputs.case.person.dependants.is_some_and(|n| n > 0)) {
        hard.extend(inl![if said { "，" } else { "" }, "需要抚养", n, "人"]);
        said = true;
    }
    if said {
        hard.push(Inline::text("。"));
    } else {
        hard = inl!["本人目前的收入和必要开支情况：", Inline::blank("每月收入、必要开支、需抚养人数"), "。"];
    }
    hard.push(f.get("person.hardship", "困难原因，如失业、疾病、收入下降"));
    if f.has("person.hardship") && !inputs.case.person.hardship.as_deref().unwrap_or("").trim_end().ends_with('。') {
        hard.push(Inline::text("。"));
    }
    hard.push(Inline::text("本人无力按原合同约定还款，但愿意在能力范围内协商解决。"));
    doc.blocks.push(para(hard));

    // The lawful amount, under the rule that caps this lender's charges.
    let mut lawful = Vec::new();
    if d.received < d.principal {
        let c = match kind {
            LenderKind::Private | LenderKind::Unlicensed => cite("kantouxi"),
            _ => law().citation_label("civil_code", "670"),
        };
        lawful.extend(inl!["依照", c, "，借款本金应按实际出借的金额计算。"]);
    }
    match kind {
        LenderKind::Private => lawful.extend(inl![
            "依照",
            cite_for("private_combined_cap", Some(kind)),
            "，利息、逾期利息、违约金和其他费用总计超过法定上限的部分，不受法律保护。"
        ]),
        _ => lawful.extend(inl![
            "依照",
            cite_for("financial_combined_cap", Some(kind)),
            format!(
                "，利息、复利、罚息、违约金和其他费用总计超过{}的部分，借款人有权请求调减。",
                annual_cap("financial.judicial_combined_cap", inputs.audit.as_of)
            )
        ]),
    }
    lawful.extend(inl![
        "经本人核算，截至",
        computed(date_zh(inputs.audit.as_of), "lawful_ledger"),
        "，依上述标准应还金额不超过",
        computed(yuan(p.lawful_total), "lawful_ledger"),
        "（其中本金",
        computed(yuan(p.principal_lawful), "lawful_ledger"),
        "）"
    ]);
    // The second figure, in the words the borrower's report and the other letters use.
    if let Some(o) = p.lawful_if_offset {
        lawful.extend(inl!["；", computed(IfOffset::letter_zh(&yuan(o.supported_total)), "over_cap_paid_offset")]);
    }
    lawful.push(Inline::text("。"));
    if let (Some(dem), Some(x), Some(at)) =
        (f.debt_opt(d, "demand.amount"), p.excess.filter(|x| x.is_positive()), v.audit.supported_at_demand)
    {
        let by = f.debt_opt(d, "demand.by").unwrap_or_else(|| Inline::text("对方"));
        let mut s = inl![by];
        if let Some(date) = f.debt_opt(d, "demand.date") {
            s.extend(inl!["于", date]);
        }
        s.extend(inl![
            "主张",
            dem,
            "，而截至该日依法应还金额不超过",
            computed(yuan(at), "demand_vs_lawful"),
            "，超出的",
            computed(yuan(x), "demand_vs_lawful"),
            "本人不予认可。"
        ]);
        lawful.extend(s);
    }
    doc.blocks.push(para(lawful));

    // The proposal itself: the plan's recommended option.
    let rec = p.options.iter().find(|o| o.recommended).or_else(|| p.options.first());
    let mut ask = Vec::new();
    match rec.map(|o| (o.kind, o)) {
        Some((OptionKind::LumpSum, o)) => ask.extend(inl![
            "本人申请一次性支付",
            computed(yuan(o.offer.unwrap_or(p.principal_lawful)), "plan_settlement_anchor"),
            "结清本笔债务，其余利息、罚息、违约金和费用予以减免。"
        ]),
        Some((OptionKind::CardPersonalised, o)) => {
            let rule = "card_personalised_installment";
            ask.extend(inl![
                "依照",
                cite(rule),
                "，本人申请与贵行达成个性化分期还款协议，将上述金额分",
                computed(o.months.map_or_else(String::new, |m| m.to_string()), rule),
                "期偿还，每期",
                computed(o.monthly.map_or_else(String::new, yuan), rule),
            ]);
            ask.extend(last_instalment(o, rule));
            ask.push(Inline::text("，还款期间不再计收年费、利息和其他费用。"));
        }
        Some((OptionKind::Instalments, o)) if o.months.is_some() => {
            ask.extend(inl![
                "本人申请将上述金额分",
                computed(o.months.map_or_else(String::new, |m| m.to_string()), "plan_budget"),
                "期偿还，每月",
                computed(o.monthly.map_or_else(String::new, yuan), "plan_budget"),
            ]);
            ask.extend(last_instalment(o, "plan_budget"));
            ask.extend(inl!["，首期于", Inline::blank("首期还款日期"), "支付，还款期间停止计收利息、罚息和费用。"]);
        }
        Some((OptionKind::CourtSettlement, _)) => ask.extend(inl![
            "本人申请就生效法律文书确定的债务达成执行和解，还款方式为",
            Inline::blank("一次性或分期及金额"),
            "。"
        ]),
        _ => ask.extend(inl![
            "本人目前无力还款，申请自本申请提出之日起停止计收利息、罚息和费用，暂缓催收",
            Inline::blank("月数"),
            "个月，待收入恢复后再协商还款方案。"
        ]),
    }
    doc.blocks.push(para(ask));
    doc.blocks.push(para(inl!["同时请求："]));
    doc.blocks.push(Block::List {
        ordered: true,
        items: vec![
            inl!["双方签订书面还款协议，写明应还总额、每期金额和日期，以及协议履行期间不再计收其他费用；"],
            inl!["协议签订后停止对本人的催收，不联系本人的亲友、同事；"],
            inl!["书面告知可以还款的对公账户，本人不向任何个人账户还款；"],
            inl!["全部还清后出具结清证明，并依法更新本人的征信记录。"],
        ],
    });
    doc.blocks.push(para(inl![
        "本申请仅为协商之用。双方未签订书面协议的，本申请中的金额和还款方案不构成本人对贵方主张金额的认可。"
    ]));
    closing(&mut doc, None);
    doc.blocks.push(signature(&f, "申请人", inputs.today, false));
    if let Some(e) = rec.and_then(|o| o.limitation_effect.as_ref()) {
        doc.notices.push(format!("时效提醒：{e}"));
    }
    if p.standing.barred() {
        doc.notices.push("你已确认：这份申请会让你失去时效抗辩。".to_string());
    }
    if p.warnings.iter().any(|w| w.contains("核实函")) {
        doc.notices
            .push("对方主张的金额或身份有疑问：建议先寄《债务核实函》，收到书面答复后再寄这份申请。".to_string());
    }
    Ok(doc)
}

/// The last instalment when it is the rounding remainder, with the rule, so that the
/// instalments the letter asks for add up to the amount it names; nothing when all are equal.
fn last_instalment(o: &yuqi_plan::PlanOption, rule: &'static str) -> Vec<Inline> {
    match (o.last, o.monthly) {
        (Some(last), Some(each)) if last != each => inl![
            "，最后一期",
            computed(yuan(last), rule),
            "（每期金额为总额除以期数、不足一分按一分计，最后一期支付余额）"
        ],
        _ => Vec::new(),
    }
}

pub(crate) fn limitation(inputs: &Inputs<'_>, v: &DebtView<'_>) -> Result<Doc, LetterError> {
    let f = Facts::new(inputs.case);
    let d = v.debt;
    let lim = &v.timeline.limitation;
    let expired_on = match &lim.status {
        Status::Expired { expired_on } => *expired_on,
        other => {
            return Err(LetterError::NotApplicable(format!(
                "{} 的诉讼时效{}，不能提出时效抗辩。{}",
                inputs.case.debt_name(&d.id),
                other.label_zh(),
                if matches!(other, Status::Running { .. }) {
                    "在届满前还款、承诺或收到对方的催收，都会让它重新计算。"
                } else {
                    ""
                }
            )));
        }
    };
    let mut doc = Doc::new("limitation", LetterKind::Limitation.title_zh());
    doc.blocks.push(line(inl![collector(&f, v), "："]));
    doc.blocks.push(para(loan_sentence(&f, d, Voice::Claimed)));
    // Only the agreed due date: the borrower's own account of later demands would help the
    // creditor prove an interruption, which is the creditor's burden.
    doc.blocks.push(para(inl![
        "该笔款项约定的还款期限已于",
        computed(date_zh(v.timeline.last_due), "limitation_instalment_start"),
        "届满，至今已超过",
        law().citation_label("civil_code", "188"),
        "规定的诉讼时效期间。依照",
        law().citation_label("civil_code", "192"),
        "，诉讼时效期间届满的，义务人可以提出不履行义务的抗辩。",
        Inline::strong("本人现提出诉讼时效抗辩，拒绝履行上述债务。"),
        "本声明不构成对债务的承认，也不构成任何还款承诺；本人保留一切抗辩权利。"
    ]));
    doc.blocks.push(para(inl!["请贵方停止催收。如贵方提起诉讼，本人将在一审中提出同样的抗辩。"]));
    doc.blocks.push(line(inl!["特此声明。"]));
    doc.blocks.push(signature(&f, "声明人", inputs.today, false));
    doc.notices.push(format!(
        "按你在案例文件中记录的事件，诉讼时效已于 {expired_on} 届满（{}）。声明里只写了约定的还款期限，没有写对方哪次催收到达过你：证明时效中断是对方的责任。",
        lim.start_rule
    ));
    if lim.disputed || !v.timeline.limitation_alternatives.is_empty() {
        doc.notices.push(
            "时效的起算点存在不同算法（如提前到期、信用卡止付），其他算法的结果见 yuqi timeline 报告。寄出前请核对。"
                .to_string(),
        );
    }
    doc.notices.push(
        "这份声明只根据你在案例文件中记录的事件计算。若时效届满后你曾还款、承诺还款、申请分期或在催收通知上签字，时效抗辩已经丧失，声明不成立（时效规定第19条）。"
            .to_string(),
    );
    doc.notices.extend(crate::contacts::unrecorded_demands(inputs.case, inputs.timeline, inputs.contacts, Some(&d.id)));
    doc.notices.push("法院不会主动审查诉讼时效：被起诉后必须在一审答辩中提出。".to_string());
    Ok(doc)
}
