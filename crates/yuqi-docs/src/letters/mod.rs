//! The letters. Each is filled from the case file, the computations and the collected
//! contacts, and states a fact only when one of them gives it (see [`crate::facts`]); anything
//! else is a blank for the user. Letters that could cost the borrower a defence (a repayment
//! proposal on a time-barred debt) refuse unless the user says they understand.

mod common;
mod complaints;
mod court;
mod credit;
mod creditor;
mod records;
mod third_party;

use serde::Serialize;
use yuqi_case::Debt;
use yuqi_ledger::DebtAudit;
use yuqi_plan::DebtPlan;
use yuqi_timeline::DebtTimeline;

use crate::Inputs;
use crate::doc::Doc;

pub(crate) use common::quote;
pub use common::untied_notice;
pub use records::claims_authority;

/// A collection contact as a quote block with its marked spans (the web app's inbox).
pub fn quote_block(c: &crate::Contact) -> crate::Block {
    common::quote(c)
}

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
    #[error("案例中有 {} 笔借款，请指明是哪一笔（用借款的编号）：{}", ids.len(), ids.join("、"))]
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
pub(crate) struct DebtView<'a> {
    pub(crate) debt: &'a Debt,
    pub(crate) audit: &'a DebtAudit,
    pub(crate) timeline: &'a DebtTimeline,
    pub(crate) plan: &'a DebtPlan,
}

fn pick<'a>(inputs: &Inputs<'a>, opts: &LetterOptions) -> Result<DebtView<'a>, LetterError> {
    let ids: Vec<String> = inputs.case.debts.iter().map(|d| d.id.clone()).collect();
    let id = match &opts.debt {
        Some(id) => id.as_str(),
        None if ids.len() == 1 => ids[0].as_str(),
        None => return Err(LetterError::DebtRequired { ids }),
    };
    let parts = inputs.debt(id).ok_or_else(|| LetterError::UnknownDebt { id: id.to_string(), ids: ids.clone() })?;
    let plan = parts.plan.ok_or_else(|| {
        LetterError::NotApplicable(format!("还款计划中没有{}", inputs.case.debt_name(&parts.debt.id)))
    })?;
    Ok(DebtView { debt: parts.debt, audit: parts.audit, timeline: parts.timeline, plan })
}

/// Builds a letter.
pub fn letter(kind: LetterKind, inputs: &Inputs<'_>, opts: &LetterOptions) -> Result<Doc, LetterError> {
    let mut doc = match kind {
        LetterKind::Verification => creditor::verification(inputs, &pick(inputs, opts)?),
        LetterKind::Proposal => creditor::proposal(inputs, &pick(inputs, opts)?, opts)?,
        LetterKind::Regulator => complaints::complaint(inputs, &pick(inputs, opts)?, complaints::Target::Regulator)?,
        LetterKind::Association => {
            complaints::complaint(inputs, &pick(inputs, opts)?, complaints::Target::Association)?
        }
        LetterKind::Police => complaints::police(inputs, opts)?,
        LetterKind::CreditObjection => credit::objection(inputs, &pick(inputs, opts)?)?,
        LetterKind::Limitation => creditor::limitation(inputs, &pick(inputs, opts)?)?,
        LetterKind::Defence => court::defence(inputs, &pick(inputs, opts)?),
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
