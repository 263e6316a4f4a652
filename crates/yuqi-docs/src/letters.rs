//! The letters. Each is filled from the case file, the computations and the collected
//! contacts, and states a fact only when one of them gives it (see [`crate::facts`]); anything
//! else is a blank for the user. Letters that could cost the borrower a defence (a repayment
//! proposal on a time-barred debt) refuse unless the user says they understand.

use chrono::NaiveDate;
use serde::Serialize;
use yuqi_case::{Debt, EventKind, LenderKind, NoticeBy};
use yuqi_law::law;
use yuqi_ledger::{DebtAudit, Severity};
use yuqi_plan::{DebtPlan, OptionKind, Standing};
use yuqi_timeline::DebtTimeline;
use yuqi_timeline::limitation::Status;

use crate::Inputs;
use crate::channels;
use crate::contacts::Contact;
use crate::doc::{Block, Doc, Inline, Source};
use crate::facts::{Facts, computed, date_zh, today, yuan};
use crate::inl;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LetterKind {
    Verification,
    Proposal,
    Regulator,
    Association,
    Police,
    CreditObjection,
    Limitation,
    Defence,
}

impl LetterKind {
    pub const ALL: [LetterKind; 8] = [
        LetterKind::Verification,
        LetterKind::Proposal,
        LetterKind::Regulator,
        LetterKind::Association,
        LetterKind::Police,
        LetterKind::CreditObjection,
        LetterKind::Limitation,
        LetterKind::Defence,
    ];

    /// The name used on the command line.
    pub fn id(self) -> &'static str {
        match self {
            LetterKind::Verification => "verification",
            LetterKind::Proposal => "proposal",
            LetterKind::Regulator => "regulator",
            LetterKind::Association => "association",
            LetterKind::Police => "police",
            LetterKind::CreditObjection => "credit-objection",
            LetterKind::Limitation => "limitation",
            LetterKind::Defence => "defence",
        }
    }

    pub fn title_zh(self) -> &'static str {
        match self {
            LetterKind::Verification => "债务核实函",
            LetterKind::Proposal => "协商还款申请书",
            LetterKind::Regulator => "金融消费投诉书",
            LetterKind::Association => "违规催收举报书",
            LetterKind::Police => "报案材料",
            LetterKind::CreditObjection => "征信异议申请书",
            LetterKind::Limitation => "诉讼时效抗辩声明",
            LetterKind::Defence => "答辩要点",
        }
    }

    /// One line on what the letter is for (help text, web app).
    pub fn purpose_zh(self) -> &'static str {
        match self {
            LetterKind::Verification => "要求对方出示合同、放款凭证、转让通知和逐项计算；不承认债务，不中断时效",
            LetterKind::Proposal => "按依法应还的金额提出分期、一次性结清或停息挂账；会让时效重新计算",
            LetterKind::Regulator => {
                "向金融监管部门（银行、消费金融：12378；小贷公司：地方金融管理部门）投诉违规催收和违规收费"
            }
            LetterKind::Association => "向中国互联网金融协会举报网贷机构的违规催收",
            LetterKind::Police => "威胁人身安全、冒充公检法、伪造文书、散布隐私等，向公安机关报案",
            LetterKind::CreditObjection => "对征信报告中的不良记录提出异议，要求核查更正",
            LetterKind::Limitation => "时效已届满的债务：拒绝履行的书面声明",
            LetterKind::Defence => "被起诉后：答辩要点（时效、本金、利率上限、转让、已还款）",
        }
    }

    pub fn parse(s: &str) -> Option<LetterKind> {
        let s = s.trim();
        LetterKind::ALL.into_iter().find(|k| {
            k.id() == s
                || k.title_zh() == s
                || matches!(
                    (k, s),
                    (LetterKind::CreditObjection, "credit_objection" | "objection" | "征信异议")
                        | (LetterKind::Defence, "defense" | "答辩")
                        | (LetterKind::Verification, "verify" | "核实函")
                        | (LetterKind::Police, "报案")
                        | (LetterKind::Regulator, "complaint" | "投诉")
                )
        })
    }

    /// Letters about one debt (the others cover the whole case).
    pub fn per_debt(self) -> bool {
        !matches!(self, LetterKind::Police)
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LetterError {
    #[error("没有“{0}”这种信函。可用：{list}", list = LetterKind::ALL.iter().map(|k| format!("{}（{}）", k.id(), k.title_zh())).collect::<Vec<_>>().join("、"))]
    UnknownKind(String),
    #[error("案例中有 {} 笔借款，请用 --debt 指定是哪一笔：{}", ids.len(), ids.join("、"))]
    DebtRequired { ids: Vec<String> },
    #[error("案例中没有编号为“{id}”的借款；已有：{}", ids.join("、"))]
    UnknownDebt { id: String, ids: Vec<String> },
    #[error("{0}")]
    NotApplicable(String),
    #[error("{0}")]
    LimitationConsent(String),
}

#[derive(Debug, Clone, Default)]
pub struct LetterOptions {
    pub debt: Option<String>,
    /// The user has read what the letter does to the limitation period and wants it anyway.
    pub accept_limitation_effect: bool,
}

/// One debt with everything computed about it.
struct DebtView<'a> {
    debt: &'a Debt,
    audit: &'a DebtAudit,
    timeline: &'a DebtTimeline,
    plan: &'a DebtPlan,
}

fn pick<'a>(inputs: &Inputs<'a>, opts: &LetterOptions) -> Result<DebtView<'a>, LetterError> {
    let ids: Vec<String> = inputs.case.debts.iter().map(|d| d.id.clone()).collect();
    let idx = match &opts.debt {
        Some(id) => ids
            .iter()
            .position(|x| x == id)
            .ok_or_else(|| LetterError::UnknownDebt { id: id.clone(), ids: ids.clone() })?,
        None if ids.len() == 1 => 0,
        None => return Err(LetterError::DebtRequired { ids }),
    };
    let debt = &inputs.case.debts[idx];
    let plan = inputs
        .plan
        .debts
        .iter()
        .find(|p| p.id == debt.id)
        .ok_or_else(|| LetterError::NotApplicable(format!("还款计划中没有借款 {}", debt.id)))?;
    Ok(DebtView { debt, audit: &inputs.audit.debts[idx], timeline: &inputs.timeline.debts[idx], plan })
}

/// Builds a letter.
pub fn letter(kind: LetterKind, inputs: &Inputs<'_>, opts: &LetterOptions) -> Result<Doc, LetterError> {
    let mut doc = match kind {
        LetterKind::Verification => verification(inputs, &pick(inputs, opts)?),
        LetterKind::Proposal => proposal(inputs, &pick(inputs, opts)?, opts)?,
        LetterKind::Regulator => complaint(inputs, &pick(inputs, opts)?, Target::Regulator)?,
        LetterKind::Association => complaint(inputs, &pick(inputs, opts)?, Target::Association)?,
        LetterKind::Police => police(inputs, opts)?,
        LetterKind::CreditObjection => credit_objection(inputs, &pick(inputs, opts)?),
        LetterKind::Limitation => limitation(inputs, &pick(inputs, opts)?)?,
        LetterKind::Defence => defence(inputs, &pick(inputs, opts)?),
    };
    let blanks = doc.blanks();
    if blanks > 0 {
        doc.notices.insert(
            0,
            format!("信中有 {blanks} 处“＿＿＿＿（…）”需要你自己填写：案例文件里没有这些信息，yuqi 不会替你编造。"),
        );
    }
    doc.notices.push(
        "本信函由 yuqi 按你的案例文件生成，不是律师意见。寄出前请逐字核对；涉及诉讼或金额较大时，请咨询律师或法律援助机构（12348）。"
            .to_string(),
    );
    Ok(doc)
}

fn para(inlines: Vec<Inline>) -> Block {
    Block::Para { inlines }
}

fn line(inlines: Vec<Inline>) -> Block {
    Block::Line { inlines }
}

/// The citations of a rule as a letter prints them: articles whose text we hold, not the
/// secondary summaries the law data also keeps (they stay in reports and traces, marked as
/// such, but a letter to an institution cites the primary text). Falls back to everything when
/// a rule has nothing else.
fn cite(rule: &str) -> String {
    let Ok(r) = law().rule(rule) else { return String::new() };
    let primary: Vec<yuqi_law::Citation> = r
        .cites
        .iter()
        .filter(|c| law().article(&c.doc, &c.article).is_some_and(|(_, a)| a.text_kind != "summary"))
        .cloned()
        .collect();
    let use_ = if primary.is_empty() { &r.cites } else { &primary };
    law().citation_labels_grouped(use_).join("、")
}

/// The basis of a conduct code as a letter cites it.
fn conduct_cite(code: &str) -> String {
    yuqi_conduct::Code::parse(code).map(|c| cite(c.rule())).unwrap_or_default()
}

/// A ledger finding as a letter states it: its title, the amount involved and its basis. The
/// finding's own explanation is written to the borrower ("你可以…") and stays in the report.
fn finding_item(x: &yuqi_ledger::Finding) -> Vec<Inline> {
    let mut v = inl![Inline::strong(x.title.clone())];
    if let Some(a) = x.amount {
        v.extend(inl!["，涉及金额", computed(yuan(a), x.rule)]);
    }
    let c = cite(x.rule);
    if !c.is_empty() {
        v.push(Inline::text(format!("（{c}）")));
    }
    v.push(Inline::text("。"));
    v
}

fn signature(f: &Facts<'_>, role: &str, date: NaiveDate, with_id: bool) -> Block {
    let mut lines = vec![inl![format!("{role}："), f.get("person.name", "姓名")]];
    if with_id {
        lines.push(inl!["身份证号：", f.get("person.id_number", "身份证号")]);
    }
    lines.push(inl!["联系电话：", f.get("person.phone", "联系电话")]);
    if let Some(a) = f.opt("person.address") {
        lines.push(inl!["联系地址：", a]);
    }
    lines.push(inl![today(date)]);
    Block::Signature { lines }
}

/// "本人林女士于2024年6月10日通过好借点App向某某网络小额贷款有限公司借款，合同本金10,000.00 元（实际到账9,000.00 元）。"
fn loan_sentence(f: &Facts<'_>, d: &Debt) -> Vec<Inline> {
    if d.kind == LenderKind::CreditCard {
        // A card is not a loan contract on a day: it is an overdraft on a card account.
        return inl![
            "本人",
            f.get("person.name", "姓名"),
            "持有",
            f.debt(d, "lender", "发卡银行"),
            "发行的信用卡，自",
            f.debt(d, "contract_date", "透支日期"),
            "起透支，透支本金",
            f.debt(d, "principal", "透支本金"),
            "。"
        ];
    }
    let mut v = inl!["本人", f.get("person.name", "姓名"), "于", f.debt(d, "contract_date", "借款日期")];
    v.extend(f.loan_name(d));
    v.extend(inl!["借款，合同本金", f.debt(d, "principal", "合同本金")]);
    if d.received != d.principal {
        v.extend(inl!["（实际到账", f.debt(d, "received", "实际到账金额"), "）"]);
    }
    v.push(Inline::text("。"));
    v
}

/// Who is collecting now: the author of the latest demand event, else the current demand's
/// author, else the creditor that binds the borrower.
fn collector(f: &Facts<'_>, v: &DebtView<'_>) -> Inline {
    let latest = v
        .debt
        .events
        .iter()
        .enumerate()
        .filter(|(_, e)| e.kind == EventKind::Demand)
        .max_by_key(|(i, e)| (e.date, *i))
        .and_then(|(i, _)| f.debt_opt(v.debt, &format!("event[{i}].by")));
    latest
        .or_else(|| f.debt_opt(v.debt, "demand.by"))
        .or_else(|| (!v.plan.creditor.is_empty()).then(|| computed(v.plan.creditor.clone(), "assignment_notice")))
        .unwrap_or_else(|| Inline::blank("催收方名称"))
}

fn verification(inputs: &Inputs<'_>, v: &DebtView<'_>) -> Doc {
    let f = Facts::new(inputs.case);
    let d = v.debt;
    let mut doc = Doc::new("verification", LetterKind::Verification.title_zh());
    doc.blocks.push(line(inl![collector(&f, v), "："]));
    doc.blocks.push(para(loan_sentence(&f, d)));
    match (f.debt_opt(d, "demand.date"), f.debt_opt(d, "demand.amount")) {
        (Some(date), Some(amount)) => {
            doc.blocks.push(para(inl![date, "，贵方向本人主张欠款", amount, "。"]));
        }
        (None, Some(amount)) => doc.blocks.push(para(inl!["贵方近期向本人主张欠款", amount, "。"])),
        _ => doc.blocks.push(para(inl!["贵方近期以催收名义与本人联系，要求本人还款。"])),
    }
    doc.blocks.push(para(inl!["为核实上述债务，请贵方书面提供以下材料："]));
    let mut items: Vec<Vec<Inline>> = vec![
        inl!["借款合同（含电子签约记录）及全部附件、服务协议、担保协议；"],
        inl!["放款凭证：实际打入本人账户的金额和日期；"],
        inl!["本人全部还款记录；"],
        inl![
            "欠款的逐项计算：本金、利息、逾期利息（罚息）、违约金和各项费用分别是多少，各自的利率或标准、起止日期和计算依据；"
        ],
    ];
    let assigned = !d.assignments.is_empty()
        || d.kind == LenderKind::Assignee
        || f.debt_opt(d, "demand.by").is_some_and(|b| !b.plain().contains(&d.lender) || d.lender.is_empty());
    if assigned {
        items.push(inl![
            "如贵方主张债权已经转让：债权转让协议，以及向本人发出的债权转让通知及其送达凭证（",
            format!("{}、{}", law().citation_label("civil_code", "546"), law().citation_label("civil_code", "548")),
            "）；"
        ]);
        items.push(inl!["如贵方系受托催收：委托催收的授权文件，以及催收人员的姓名和工号；"]);
    }
    items.push(inl!["贵方的统一社会信用代码和可以书面联系的地址。"]);
    doc.blocks.push(Block::List { ordered: true, items });
    doc.blocks.push(para(inl![
        "在收到并核实上述材料之前，本人对贵方主张的金额不予确认。",
        Inline::strong("本函仅为核实债务之用，不构成对任何债务的承认，也不构成还款承诺。")
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
    doc.blocks.push(signature(&f, "函告人", inputs.today, false));
    doc.notices.push(
        "这封核实函不承认债务、不承诺还款，因此不会让诉讼时效重新计算；寄送时请用 EMS 等可查询签收的方式，并保留底稿和回执。".to_string(),
    );
    doc
}

fn proposal(inputs: &Inputs<'_>, v: &DebtView<'_>, opts: &LetterOptions) -> Result<Doc, LetterError> {
    let f = Facts::new(inputs.case);
    let d = v.debt;
    let p = v.plan;
    if p.standing.barred() && !opts.accept_limitation_effect {
        return Err(LetterError::LimitationConsent(format!(
            "借款 {} 的诉讼时效{}。递交还款申请就是同意履行：你将永久失去时效抗辩，已还的钱也要不回来（{}）。\
             如果你仍想协商还款，请加上 --accept-limitation-effect 再运行；否则可以用 yuqi letter limitation 生成时效抗辩声明。",
            d.id,
            v.timeline.limitation.status.label_zh(),
            cite("limitation_waiver")
        )));
    }
    let mut doc = Doc::new("proposal", LetterKind::Proposal.title_zh());
    doc.blocks.push(line(inl![computed(p.creditor.clone(), "assignment_notice"), "："]));
    doc.blocks.push(para(loan_sentence(&f, d)));

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
        hard = inl!["本人目前的收入和必要开支情况："];
        hard.push(Inline::blank("每月收入、必要开支、需抚养人数"));
        hard.push(Inline::text("。"));
    }
    hard.push(f.get("person.hardship", "困难原因，如失业、疾病、收入下降"));
    if f.has("person.hardship") && !inputs.case.person.hardship.as_deref().unwrap_or("").trim_end().ends_with('。') {
        hard.push(Inline::text("。"));
    }
    hard.push(Inline::text("本人无力按原合同约定还款，但愿意在能力范围内协商解决。"));
    doc.blocks.push(para(hard));

    // The lawful amount, under the rule that caps this lender's charges.
    let cap_rule = match d.rate_kind() {
        LenderKind::Private => "private_combined_cap",
        LenderKind::Unlicensed => "unlicensed_void",
        _ => "financial_combined_cap",
    };
    let mut lawful = Vec::new();
    if d.received < d.principal {
        lawful.extend(inl!["依照", cite("kantouxi"), "，借款本金应按实际出借的金额计算。"]);
    }
    lawful.extend(inl![
        "依照",
        cite(cap_rule),
        "，利息、逾期利息、违约金和各项费用合计不得超过法定上限。经本人核算，截至",
        computed(date_zh(inputs.audit.as_of), "lawful_ledger"),
        "，依法应还金额不超过",
        computed(yuan(p.lawful_total), "lawful_ledger"),
        "（其中本金",
        computed(yuan(p.principal_lawful), "lawful_ledger"),
        "）。"
    ]);
    if let (Some(dem), Some(x)) = (f.debt_opt(d, "demand.amount"), p.excess.filter(|x| x.is_positive())) {
        lawful.extend(inl![
            "贵方主张的",
            dem,
            "中，超出依法应还金额的",
            computed(yuan(x), "demand_vs_lawful"),
            "，本人不予认可。"
        ]);
    }
    doc.blocks.push(para(lawful));

    // The proposal itself: the plan's recommended option.
    let rec = p.options.iter().find(|o| o.recommended).or_else(|| p.options.first());
    let mut ask = Vec::new();
    match rec.map(|o| (o.kind, o)) {
        Some((OptionKind::LumpSum, o)) => {
            ask.extend(inl![
                "本人申请一次性支付",
                computed(yuan(o.offer.unwrap_or(p.principal_lawful)), "plan_settlement_anchor"),
                "结清本笔借款的全部债务，其余利息、罚息、违约金和费用予以减免。"
            ]);
        }
        Some((OptionKind::CardPersonalised, o)) => {
            ask.extend(inl![
                "依照",
                cite("card_personalised_installment"),
                "，本人申请与贵行达成个性化分期还款协议，将上述金额分",
                computed(o.months.map_or_else(String::new, |m| m.to_string()), "card_personalised_installment"),
                "期偿还，每期",
                computed(o.monthly.map_or_else(String::new, yuan), "card_personalised_installment"),
                "，还款期间不再计收年费、利息和其他费用。"
            ]);
        }
        Some((OptionKind::Instalments, o)) if o.months.is_some() => {
            ask.extend(inl![
                "本人申请将上述金额分",
                computed(o.months.map_or_else(String::new, |m| m.to_string()), "plan_budget"),
                "期偿还，每月",
                computed(o.monthly.map_or_else(String::new, yuan), "plan_budget"),
                "，首期于",
                Inline::blank("首期还款日期"),
                "支付，还款期间停止计收利息、罚息和费用。"
            ]);
        }
        Some((OptionKind::CourtSettlement, _)) => {
            ask.extend(inl![
                "本人申请就生效法律文书确定的债务达成执行和解，还款方式为",
                Inline::blank("一次性或分期及金额"),
                "。"
            ]);
        }
        _ => {
            ask.extend(inl![
                "本人目前无力还款，申请自本申请提出之日起停止计收利息、罚息和费用，暂缓催收",
                Inline::blank("月数"),
                "个月，待收入恢复后再协商还款方案。"
            ]);
        }
    }
    doc.blocks.push(para(ask));
    doc.blocks.push(para(inl!["同时请求："]));
    doc.blocks.push(Block::List {
        ordered: true,
        items: vec![
            inl!["双方签订书面还款协议，写明应还总额、每期金额和日期，以及协议履行期间不再计收其他费用；"],
            inl!["协议签订后停止对本人的催收，不联系本人的亲友、同事；"],
            inl!["告知可以还款的对公账户，本人不向任何个人账户还款；"],
            inl!["全部还清后出具结清证明，并依法更新本人的征信记录。"],
        ],
    });
    doc.blocks.push(para(inl![
        "本申请仅为协商之用。双方未签订书面协议的，本申请中的金额和还款方案不构成本人对贵方主张金额的认可。"
    ]));
    doc.blocks.push(line(inl!["此致"]));
    doc.blocks.push(line(inl!["敬礼"]));
    doc.blocks.push(signature(&f, "申请人", inputs.today, false));
    if let Some(o) = rec
        && let Some(e) = &o.limitation_effect
    {
        doc.notices.push(format!("时效提醒：{e}"));
    } else if p.standing.barred() {
        doc.notices.push("你已确认：这份申请会让你失去时效抗辩。".to_string());
    }
    Ok(doc)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Regulator,
    Association,
}

/// Contacts with conduct hits that concern this debt (evidence items are not tied to a debt and
/// are included; the user chose which store to use).
fn conduct_for<'c>(contacts: &'c [Contact], debt: Option<&str>, codes: Option<&[&str]>) -> Vec<&'c Contact> {
    contacts
        .iter()
        .filter(|c| c.incoming && !c.hits.is_empty())
        .filter(|c| debt.is_none_or(|id| c.debt.as_deref().is_none_or(|x| x == id)))
        .filter(|c| codes.is_none_or(|cs| c.hits.iter().any(|h| cs.contains(&h.code))))
        .collect()
}

fn source_label(s: &Source) -> String {
    match s {
        Source::Case(p) => format!("本人记录（案例文件 {p}）"),
        Source::Evidence(id) => id.clone(),
        Source::Computed(r) => format!("yuqi 计算（{r}）"),
        Source::Today => "今日".to_string(),
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
    if let Some(ch) = &c.channel {
        head.push(' ');
        head.push_str(ch);
    }
    if let Some(from) = &c.from {
        head.push_str(&format!(" 来自 {from}"));
    }
    if let Some(to) = c.to.as_deref().filter(|t| *t != "self") {
        head.push_str(&format!(" 发给 {to}"));
    }
    let chars: Vec<char> = c.text.chars().collect();
    let mut spans: Vec<(usize, usize, &str)> =
        c.hits.iter().filter(|h| h.end > h.start).map(|h| (h.start, h.end.min(chars.len()), h.code)).collect();
    spans.sort_unstable();
    let mut inlines = Vec::new();
    let mut at = 0;
    for (s, e, code) in spans {
        if s < at {
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
        if !labels.contains(&h.label) {
            labels.push(h.label);
        }
    }
    Block::Quote { head: format!("{head}（{}；{}）", labels.join("、"), source_label(&c.source)), inlines }
}

/// The conduct part shared by the complaints and the police report: quotes, then the basis per
/// code.
fn conduct_blocks(doc: &mut Doc, shown: &[&Contact], basis_for: &dyn Fn(&str, Option<NaiveDate>) -> String) {
    for c in shown {
        doc.blocks.push(quote(c));
    }
    let mut codes: Vec<(&str, &str, Option<NaiveDate>)> = Vec::new();
    for c in shown {
        for h in &c.hits {
            match codes.iter_mut().find(|x| x.0 == h.code) {
                Some(x) => x.2 = x.2.max(c.day()),
                None => codes.push((h.code, h.label, c.day())),
            }
        }
    }
    let items = codes
        .iter()
        .map(|(code, label, day)| inl![Inline::strong(format!("{label}：")), basis_for(code, *day)])
        .collect();
    doc.blocks.push(para(inl!["上述行为涉及的规定："]));
    doc.blocks.push(Block::List { ordered: false, items });
}

fn complaint(inputs: &Inputs<'_>, v: &DebtView<'_>, target: Target) -> Result<Doc, LetterError> {
    let f = Facts::new(inputs.case);
    let d = v.debt;
    let kind = match (d.kind, d.original_kind) {
        (LenderKind::Assignee, Some(k)) => k,
        (k, _) => k,
    };
    let channel = match (target, kind) {
        (Target::Association, LenderKind::Private | LenderKind::Unlicensed) => {
            return Err(LetterError::NotApplicable(
                "出借人不是网贷机构，互联网金融协会不受理；威胁、骚扰可以报警（yuqi letter police）。".to_string(),
            ));
        }
        (Target::Association, _) => channels::get("nifa_report"),
        (Target::Regulator, LenderKind::Bank | LenderKind::CreditCard | LenderKind::ConsumerFinance) => {
            channels::get("nfra_12378")
        }
        (Target::Regulator, LenderKind::Microloan) => channels::get("local_finance_regulator"),
        (Target::Regulator, _) => {
            return Err(LetterError::NotApplicable(
                "出借人不是持牌金融机构，金融监管部门一般不受理；威胁、骚扰、冒充公检法可以报警（yuqi letter police）。"
                    .to_string(),
            ));
        }
    };
    let shown = conduct_for(inputs.contacts, Some(&d.id), None);
    let pricing: Vec<_> = v.audit.findings.iter().filter(|x| x.severity == Severity::Violation).collect();
    if shown.is_empty() && pricing.is_empty() {
        return Err(LetterError::NotApplicable(format!(
            "借款 {} 没有可以投诉的事项：案例文件和证据中没有发现违规催收的记录，核算也没有发现超出法律支持的收费。\
             把催收短信、通话记录导入证据库（yuqi evidence import），或在案例文件的催收事件中写明对方说了什么，再生成投诉书。",
            d.id
        )));
    }
    let title = match target {
        Target::Regulator => LetterKind::Regulator.title_zh(),
        Target::Association => LetterKind::Association.title_zh(),
    };
    let mut doc = Doc::new(if target == Target::Regulator { "regulator" } else { "association" }, title);
    if let Some(c) = channel {
        doc.blocks.push(line(inl![c.name.clone(), "："]));
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
    doc.blocks.push(line(inl![
        "投诉人：",
        f.get("person.name", "姓名"),
        "，联系电话：",
        f.get("person.phone", "联系电话")
    ]));
    let mut resp = inl!["被投诉人："];
    resp.push(f.debt(d, "lender", "出借机构名称"));
    if let Some(pf) = f.debt_opt(d, "platform") {
        resp.extend(inl!["（", pf, "）"]);
    }
    let by = collector(&f, v);
    if !matches!(by, Inline::Blank { .. }) && by.plain() != d.lender {
        resp.extend(inl!["；催收方：", by]);
    }
    doc.blocks.push(line(resp));
    doc.blocks.push(Block::Heading { level: 2, text: "一、事实".to_string() });
    doc.blocks.push(para(loan_sentence(&f, d)));
    if !shown.is_empty() {
        doc.blocks.push(para(inl!["被投诉人或其委托的催收人员在催收中有下列行为（原文摘录，标出部分为违规内容）："]));
        let basis_for = |code: &str, _day: Option<NaiveDate>| {
            let mut b = conduct_cite(code);
            if target == Target::Regulator {
                b.push_str(&format!("、{}", cite("letter_complaint_regulator")));
            } else {
                b.push_str("；中国互联网金融协会《互联网金融贷后催收业务指引》");
            }
            b
        };
        conduct_blocks(&mut doc, &shown, &basis_for);
    }
    if !pricing.is_empty() {
        doc.blocks.push(para(inl!["经本人核算，本笔借款的收费存在以下问题："]));
        doc.blocks.push(Block::List { ordered: true, items: pricing.iter().map(|x| finding_item(x)).collect() });
    }
    doc.blocks.push(Block::Heading { level: 2, text: "二、投诉请求".to_string() });
    let mut asks = vec![inl!["依法调查核实上述行为，责令被投诉人及其委托的催收机构停止违规催收；"]];
    if !pricing.is_empty() {
        asks.push(inl!["核查被投诉人的收费和综合融资成本，责令退还或停止收取超出规定的利息和费用；"]);
    }
    asks.push(inl!["责令被投诉人停止向本人以外的第三人披露本人的债务信息；"]);
    asks.push(inl!["将处理结果书面告知投诉人。"]);
    doc.blocks.push(Block::List { ordered: true, items: asks });
    attachments(&mut doc, inputs, &shown);
    doc.blocks.push(signature(&f, "投诉人", inputs.today, false));
    Ok(doc)
}

fn attachments(doc: &mut Doc, inputs: &Inputs<'_>, shown: &[&Contact]) {
    let mut items: Vec<Vec<Inline>> = Vec::new();
    for c in shown {
        let when = c.day().map_or_else(|| "时间不详".to_string(), |d| d.to_string());
        items.push(inl![format!("{when} {}：{}", c.channel.as_deref().unwrap_or("记录"), source_label(&c.source))]);
    }
    if let Some(ev) = inputs.evidence {
        let mut s = format!("证据库导出的证据包（共 {} 条记录", ev.total);
        if let Some(h) = &ev.chain_head {
            s.push_str(&format!("，链头哈希 {h}"));
        }
        s.push_str("，可用包内 verify.py 核验）");
        items.push(inl![s]);
    }
    if items.is_empty() {
        return;
    }
    doc.blocks.push(Block::Heading { level: 2, text: "附件".to_string() });
    doc.blocks.push(Block::List { ordered: true, items });
}

/// The public-security article for a conduct code on a date: the 2025 revision from its day in
/// force, the 2012 text before (law.md §6.5 maps the two).
fn police_basis(code: &str, day: Option<NaiveDate>) -> Option<String> {
    let new_from = law().document("public_security_penalties_2025").and_then(|d| d.in_force);
    let new = match (day, new_from) {
        (Some(d), Some(from)) => d >= from,
        _ => true,
    };
    let (doc, arts): (&str, &[&str]) = match (code, new) {
        (
            "threat_violence" | "intimidation" | "threat_jail" | "insult" | "night_contact" | "frequent_contact",
            true,
        ) => ("public_security_penalties_2025", &["50"]),
        ("contact_third_party", true) => ("public_security_penalties_2025", &["50", "56"]),
        ("impersonate_authority", true) => ("public_security_penalties_2025", &["62"]),
        ("fake_legal_document", true) => ("public_security_penalties_2025", &["63"]),
        (
            "threat_violence"
            | "intimidation"
            | "threat_jail"
            | "insult"
            | "night_contact"
            | "frequent_contact"
            | "contact_third_party",
            false,
        ) => ("public_security_penalties_2012", &["42"]),
        ("impersonate_authority", false) => ("public_security_penalties_2012", &["51"]),
        ("fake_legal_document", false) => ("public_security_penalties_2012", &["52"]),
        _ => return None,
    };
    let mut labels: Vec<String> = arts.iter().map(|a| law().citation_label(doc, a)).collect();
    if code == "fake_legal_document" {
        // The code also covers spoken claims that a case was filed; forging a document is an
        // offence only when a document was made or sent.
        labels[0] = format!("{}（对方发送或出示了伪造的传票、立案通知等文书时）", labels[0]);
    }
    if matches!(code, "threat_violence" | "intimidation" | "threat_jail") {
        labels.push(law().citation_label("criminal_law", "293-1"));
    }
    Some(labels.join("、"))
}

const POLICE_CODES: [&str; 9] = [
    "threat_violence",
    "intimidation",
    "threat_jail",
    "insult",
    "contact_third_party",
    "impersonate_authority",
    "fake_legal_document",
    "night_contact",
    "frequent_contact",
];

fn police(inputs: &Inputs<'_>, opts: &LetterOptions) -> Result<Doc, LetterError> {
    let f = Facts::new(inputs.case);
    if let Some(id) = &opts.debt
        && !inputs.case.debts.iter().any(|d| &d.id == id)
    {
        return Err(LetterError::UnknownDebt {
            id: id.clone(),
            ids: inputs.case.debts.iter().map(|d| d.id.clone()).collect(),
        });
    }
    let shown = conduct_for(inputs.contacts, opts.debt.as_deref(), Some(&POLICE_CODES));
    if shown.is_empty() {
        return Err(LetterError::NotApplicable(
            "案例文件和证据中没有发现威胁、辱骂、冒充公检法、伪造文书、联系第三人或夜间频繁骚扰的记录，报案材料无从写起。\
             先把催收短信、通话记录导入证据库（yuqi evidence import），或在催收事件的 note 中写明对方的原话。"
                .to_string(),
        ));
    }
    let mut doc = Doc::new("police", LetterKind::Police.title_zh());
    let mut to = Vec::new();
    if let Some(city) = f.opt("person.city") {
        to.push(city);
    }
    to.push(Inline::blank("公安局（分局）、派出所名称"));
    to.push(Inline::text("："));
    doc.blocks.push(line(to));
    doc.blocks.push(line(inl![
        "报案人：",
        f.get("person.name", "姓名"),
        "，身份证号：",
        f.get("person.id_number", "身份证号"),
        "，联系电话：",
        f.get("person.phone", "联系电话")
    ]));
    let mut who: Vec<String> = shown.iter().filter_map(|c| c.from.clone()).collect();
    who.sort();
    who.dedup();
    let mut accused = inl!["被报案人："];
    if who.is_empty() {
        accused.push(Inline::blank("催收人员姓名、电话号码或所属公司"));
    } else {
        for (i, w) in who.iter().enumerate() {
            if i > 0 {
                accused.push(Inline::text("、"));
            }
            let src = shown.iter().find(|c| c.from.as_deref() == Some(w.as_str())).map(|c| c.source.clone());
            accused.push(Inline::fact(w.clone(), src.unwrap_or(Source::Today)));
        }
        accused.push(Inline::text("（以上为来电或来信的号码、名称）"));
    }
    doc.blocks.push(line(accused));
    doc.blocks.push(Block::Heading { level: 2, text: "一、事实经过".to_string() });
    let debts: Vec<&Debt> = inputs
        .case
        .debts
        .iter()
        .filter(|d| opts.debt.as_deref().is_none_or(|id| id == d.id))
        .filter(|d| shown.iter().any(|c| c.debt.as_deref().is_none_or(|x| x == d.id)))
        .collect();
    for d in &debts {
        doc.blocks.push(para(loan_sentence(&f, d)));
    }
    doc.blocks.push(para(inl![
        "因借款逾期，对方在催收中对本人实施了下列行为（原文摘录，标出部分为违法内容）。本人对借款本身是否欠款及欠款金额另行处理；欠款不是对方威胁、骚扰本人的理由。"
    ]));
    conduct_blocks(&mut doc, &shown, &|code, day| police_basis(code, day).unwrap_or_default());
    doc.blocks.push(Block::Heading { level: 2, text: "二、请求".to_string() });
    let mut asks = vec![
        inl!["依法受理本人的报案，调查上述行为，依法处理；"],
        inl!["责令对方停止威胁、骚扰本人及本人的亲友、同事；"],
    ];
    if shown.iter().any(|c| c.day().is_none_or(|d| d >= NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or(d))) {
        asks.push(inl![
            "对多次发送侮辱、恐吓信息或滋扰本人的，依",
            law().citation_label("public_security_penalties_2025", "50"),
            "第二款责令其在一定期间内不得接触本人；"
        ]);
    }
    asks.push(inl!["出具受案回执，并将处理结果告知本人。"]);
    doc.blocks.push(Block::List { ordered: true, items: asks });
    attachments(&mut doc, inputs, &shown);
    doc.blocks.push(signature(&f, "报案人", inputs.today, false));
    if let Some(c) = channels::get("police_110") {
        doc.notices.push(format!("报案方式：{}。{}", channels::describe(c), c.how));
        if let (Some(days), Some(basis)) = (c.reply_days, &c.reply_basis) {
            doc.notices.push(format!("处理期限：{days} 日。{basis}"));
        }
    }
    doc.notices.push("报案请带上身份证、手机（原始短信和通话记录）和导出的证据包；要求民警出具受案回执。".to_string());
    Ok(doc)
}

fn credit_objection(inputs: &Inputs<'_>, v: &DebtView<'_>) -> Doc {
    let f = Facts::new(inputs.case);
    let d = v.debt;
    let mut doc = Doc::new("credit_objection", LetterKind::CreditObjection.title_zh());
    let mut to = inl!["中国人民银行征信中心 / "];
    to.push(f.debt(d, "lender", "报送机构名称"));
    to.push(Inline::text("："));
    doc.blocks.push(line(to));
    doc.blocks.push(line(inl![
        "申请人：",
        f.get("person.name", "姓名"),
        "，身份证号：",
        f.get("person.id_number", "身份证号"),
        "，联系电话：",
        f.get("person.phone", "联系电话")
    ]));
    let mut which = inl!["异议信息：本人个人信用报告中，"];
    which.push(f.debt(d, "lender", "报送机构名称"));
    which.push(Inline::text("报送的"));
    which.push(f.debt(d, "contract_date", "借款日期"));
    which.push(Inline::text("借款的逾期（不良）记录"));
    if let Some(a) = f.debt_opt(d, "credit.overdue_amount") {
        which.extend(inl!["，报告所载逾期金额", a]);
    }
    which.push(Inline::text("。"));
    doc.blocks.push(para(which));
    doc.blocks.push(para(inl!["异议理由："]));
    let mut reasons: Vec<Vec<Inline>> = Vec::new();
    let credit = d.credit.as_ref();
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
        reasons.push(inl![
            "报告所载逾期金额高于依法应还的金额：按法定利率上限核算，截至",
            computed(date_zh(inputs.audit.as_of), "lawful_ledger"),
            "依法应还不超过",
            computed(yuan(v.audit.supported_total), "lawful_ledger"),
            "，报送的金额包含法律不予支持的利息和费用，信息有误。"
        ]);
    }
    if let Some(exp) = v.timeline.credit.record_expires
        && exp <= inputs.today
    {
        reasons.push(inl![
            "本笔借款已于",
            f.debt(d, "credit.settled", "结清日期"),
            "结清，不良信息自不良行为终止之日起已满5年（",
            computed(date_zh(exp), "credit_retention"),
            "到期），依",
            law().citation_label("credit_reporting_regulation", "16"),
            "应当删除。"
        ]);
    }
    if reasons.is_empty() {
        reasons.push(inl![Inline::blank("具体哪条信息有误、错在哪里（如金额、逾期日期、账户不属于本人）")]);
        doc.notices.push(
            "案例文件没有记录可以提出异议的事实（未事先告知、金额有误、已满5年）：请在信中写明具体理由，否则征信机构可能以理由不明为由不予更正。"
                .to_string(),
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
    doc.blocks.push(para(inl!["附件：身份证复印件；与异议有关的还款凭证、结清证明或通知记录。"]));
    doc.blocks.push(signature(&f, "申请人", inputs.today, false));
    if let Some(c) = channels::get("credit_objection") {
        doc.notices.push(format!("提交渠道：{}。{}", channels::describe(c), c.how));
    }
    if let Ok(p) = law().param("credit.complaint_reply_days", inputs.today) {
        doc.notices.push(format!(
            "对处理结果有异议的，可以向人民银行投诉，应自受理之日起 {} 日内书面答复（{}）；也可以直接起诉。",
            p.decimal(),
            p.citation.label()
        ));
    }
    doc
}

fn limitation(inputs: &Inputs<'_>, v: &DebtView<'_>) -> Result<Doc, LetterError> {
    let f = Facts::new(inputs.case);
    let d = v.debt;
    let lim = &v.timeline.limitation;
    let expired_on = match &lim.status {
        Status::Expired { expired_on } => *expired_on,
        other => {
            return Err(LetterError::NotApplicable(format!(
                "借款 {} 的诉讼时效{}，不能提出时效抗辩。{}",
                d.id,
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
    doc.blocks.push(para(loan_sentence(&f, d)));
    let mut facts = inl!["按本人提供的记录，"];
    if let Some(start) = lim.start {
        facts.extend(inl!["本笔借款的诉讼时效自", computed(date_zh(start), lim.start_rule), "起算"]);
    }
    let last =
        lim.steps.iter().rfind(|s| matches!(s.effect, yuqi_timeline::limitation::Effect::Interrupts));
    if let Some(s) = last {
        facts.extend(inl!["，最后一次中断事由是", computed(format!("{}的{}", date_zh(s.date), s.label), s.rule)]);
    }
    facts.extend(inl!["，诉讼时效期间已于", computed(date_zh(expired_on), "limitation_period"), "届满。"]);
    doc.blocks.push(para(facts));
    doc.blocks.push(para(inl![
        "依照",
        cite("limitation_expired_effect"),
        "，诉讼时效期间届满的，义务人可以提出不履行义务的抗辩。",
        Inline::strong("本人现提出诉讼时效抗辩，拒绝履行上述债务。"),
        "本声明不构成对债务的承认，也不构成任何还款承诺。"
    ]));
    doc.blocks.push(para(inl!["请贵方停止催收。如贵方提起诉讼，本人将在一审中提出同样的抗辩。"]));
    if lim.disputed || !v.timeline.limitation_alternatives.is_empty() {
        doc.notices.push(format!(
            "时效的起算点存在不同算法（如提前到期、信用卡止付）：主算法认为已于 {expired_on} 届满，其他算法的结果见 yuqi timeline 报告。寄出前请核对。"
        ));
    }
    doc.blocks.push(line(inl!["特此声明。"]));
    doc.blocks.push(signature(&f, "声明人", inputs.today, false));
    doc.notices.push(
        "这份声明只根据你在案例文件中记录的事件计算。若时效届满后你曾还款、承诺还款、申请分期或在催收通知上签字，时效抗辩已经丧失，声明不成立（时效规定第19条）。"
            .to_string(),
    );
    doc.notices.push("法院不会主动审查诉讼时效：被起诉后必须在一审答辩中提出。".to_string());
    Ok(doc)
}

fn defence(inputs: &Inputs<'_>, v: &DebtView<'_>) -> Doc {
    let f = Facts::new(inputs.case);
    let d = v.debt;
    let a = v.audit;
    let mut doc = Doc::new("defence", LetterKind::Defence.title_zh());
    let suit = d
        .events
        .iter()
        .enumerate()
        .rev()
        .find(|(_, e)| matches!(e.kind, EventKind::LawsuitServed | EventKind::LawsuitFiled));
    let mut head = inl!["案号：", Inline::blank("案号")];
    if let Some((i, _)) = suit {
        if let Some(by) = f.opt(&format!("debt[{}].event[{i}].by", d.id)) {
            head.extend(inl!["　受理法院：", by]);
        } else {
            head.extend(inl!["　受理法院：", Inline::blank("法院名称")]);
        }
    } else {
        head.extend(inl!["　受理法院：", Inline::blank("法院名称")]);
        doc.notices.push("案例文件中没有起诉或送达的事件：这份答辩要点是为可能的诉讼提前准备的。".to_string());
    }
    doc.blocks.push(line(head));
    doc.blocks.push(line(inl![
        "答辩人：",
        f.get("person.name", "姓名"),
        "，联系电话：",
        f.get("person.phone", "联系电话")
    ]));
    doc.blocks.push(line(inl!["被答辩人（原告）：", collector(&f, v)]));
    doc.blocks.push(para(loan_sentence(&f, d)));
    doc.blocks.push(para(inl!["答辩人对原告的诉讼请求提出以下答辩意见："]));
    let mut points: Vec<Vec<Inline>> = Vec::new();
    if let Status::Expired { expired_on } = &v.timeline.limitation.status {
        points.push(inl![
            Inline::strong("诉讼时效已经届满。"),
            "本笔借款的诉讼时效期间已于",
            computed(date_zh(*expired_on), "limitation_period"),
            "届满，答辩人提出诉讼时效抗辩，请求驳回原告的诉讼请求（",
            cite("limitation_expired_effect"),
            "）。"
        ]);
    }
    if d.received < d.principal {
        points.push(inl![
            Inline::strong("借款本金应按实际到账金额认定。"),
            "合同本金为",
            f.debt(d, "principal", "合同本金"),
            "，答辩人实际收到",
            f.debt(d, "received", "实际到账金额"),
            "；预先扣除的利息和费用不是本金（",
            cite("kantouxi"),
            "）。"
        ]);
    }
    let cap = a.cap_rate.map_or_else(String::new, |c| format!("年利率{}", yuqi_money::format_rate_percent(c, 2)));
    points.push(inl![
        Inline::strong("超过法定上限的利息、逾期利息、违约金和费用不应支持。"),
        "按法定上限",
        computed(cap, "lawful_ledger"),
        "计算，截至",
        computed(date_zh(a.as_of), "lawful_ledger"),
        "依法最多支持",
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
    for alt in a.alternatives.iter().filter(|s| s.supported_total < a.supported_total) {
        points.push(inl![
            Inline::strong("适用的上限存在不同认识。"),
            computed(alt.label.clone(), "lawful_ledger"),
            "，依法最多支持",
            computed(yuan(alt.supported_total), "lawful_ledger"),
            "；请求法院采纳对答辩人更有利的标准。"
        ]);
    }
    if !d.payments.is_empty() {
        points.push(inl![
            Inline::strong("已还款项应予扣除。"),
            "答辩人已还款合计",
            f.debt(d, "paid_total", "已还金额"),
            "，应按法定顺序冲抵（",
            cite("payment_order"),
            "）。"
        ]);
    }
    if let Some(asg) = &v.timeline.assignment
        && d.assignments.iter().any(|x| x.notice_by == NoticeBy::None && x.notice_reached.is_none())
    {
        points.push(inl![
            Inline::strong("债权转让未通知答辩人。"),
            "依",
            cite("assignment_notice"),
            "，未通知债务人的，转让对债务人不发生效力；答辩人对原债权人的抗辩可以向受让人主张。目前对答辩人有效的债权人是",
            computed(asg.creditor_for_debtor.clone(), "assignment_notice"),
            "。"
        ]);
    }
    for x in a.findings.iter().filter(|x| x.severity == Severity::Violation && x.code != "kantouxi") {
        points.push(finding_item(x));
    }
    doc.blocks.push(Block::List { ordered: true, items: points });
    doc.blocks.push(para(inl!["综上，请求法院依法审查原告的主体资格和证据，对超出法律规定的部分不予支持。"]));
    doc.blocks.push(line(inl!["此致"]));
    doc.blocks.push(line(inl![Inline::blank("法院名称")]));
    doc.blocks.push(signature(&f, "答辩人", inputs.today, false));
    doc.notices.push(
        "答辩状请在传票或应诉通知书载明的期限内提交法院，并按对方人数提交副本；开庭时携带身份证和全部还款凭证。"
            .to_string(),
    );
    if v.plan.standing == Standing::Judgment {
        doc.notices.push(
            "这笔借款已有生效裁判：答辩已经不适用，应当履行或与对方执行和解；对裁判不服只能依法申请再审。".to_string(),
        );
    }
    doc
}
