//! Who lent the money and who bought the debt later: the kind decides which interest caps apply,
//! so its codes and the Chinese names users write for them live together here.

/// Who lent the money. Decides which interest caps apply (docs/law/rates.md §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LenderKind {
    /// 商业银行
    Bank,
    /// 消费金融公司
    ConsumerFinance,
    /// 小额贷款公司（含网络小贷）及其他地方金融组织
    Microloan,
    /// 信用卡发卡银行
    CreditCard,
    /// 自然人或非金融企业（民间借贷）
    Private,
    /// 无放贷资格、以放贷为业的出借人
    Unlicensed,
    /// 债权受让人（资产管理公司、保理公司、“催收公司”等）
    Assignee,
    /// 代偿后追偿的保证人（融资担保公司、个人保证人）：债权是追偿权，不是借款
    Guarantor,
}

impl LenderKind {
    pub const ALL: [LenderKind; 8] = [
        LenderKind::Bank,
        LenderKind::ConsumerFinance,
        LenderKind::Microloan,
        LenderKind::CreditCard,
        LenderKind::Private,
        LenderKind::Unlicensed,
        LenderKind::Assignee,
        LenderKind::Guarantor,
    ];

    pub fn code(self) -> &'static str {
        match self {
            LenderKind::Bank => "bank",
            LenderKind::ConsumerFinance => "consumer_finance",
            LenderKind::Microloan => "microloan",
            LenderKind::CreditCard => "credit_card",
            LenderKind::Private => "private",
            LenderKind::Unlicensed => "unlicensed",
            LenderKind::Assignee => "assignee",
            LenderKind::Guarantor => "guarantor",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            LenderKind::Bank => "商业银行",
            LenderKind::ConsumerFinance => "消费金融公司",
            LenderKind::Microloan => "小额贷款公司/网络小贷",
            LenderKind::CreditCard => "信用卡（发卡银行）",
            LenderKind::Private => "民间借贷（个人或非金融企业）",
            LenderKind::Unlicensed => "无放贷资格的出借人",
            LenderKind::Assignee => "债权受让人",
            LenderKind::Guarantor => "代偿后追偿的担保人",
        }
    }

    /// Licensed financial institutions (banks, consumer-finance companies, card
    /// issuers, and since the SPC reply of 2020 the local financial organisations).
    pub fn is_financial_institution(self) -> bool {
        matches!(self, LenderKind::Bank | LenderKind::ConsumerFinance | LenderKind::Microloan | LenderKind::CreditCard)
    }

    /// Codes and the Chinese names users write for them.
    pub fn from_text(s: &str) -> Option<LenderKind> {
        let s = s.trim();
        LenderKind::ALL.into_iter().find(|k| k.code() == s).or(match s {
            "银行" | "商业银行" => Some(LenderKind::Bank),
            "消费金融" | "消费金融公司" | "消金" => Some(LenderKind::ConsumerFinance),
            "小贷" | "小额贷款" | "小额贷款公司" | "网络小贷" | "网贷" | "local_financial_org" => {
                Some(LenderKind::Microloan)
            }
            "信用卡" => Some(LenderKind::CreditCard),
            "个人" | "民间借贷" | "私人" => Some(LenderKind::Private),
            "无资质" | "无牌" | "高利贷" | "职业放贷人" => Some(LenderKind::Unlicensed),
            "受让人" | "债权受让人" | "资产管理公司" | "催收公司" => Some(LenderKind::Assignee),
            "担保人" | "担保公司" | "融资担保公司" | "保证人" | "追偿" => Some(LenderKind::Guarantor),
            _ => None,
        })
    }
}

/// For an assignee: who bought the debt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AssigneeKind {
    /// A national or local asset-management company buying NPLs in the pilot.
    Amc,
    /// Anyone else (factoring company, "collection company", individual).
    Other,
}
