//! The case model. Plain data: no parsing, no I/O, no computation.

use chrono::NaiveDate;
use yuqi_money::{Decimal, Money, RateInput};

#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub title: String,
    /// Date the figures are computed for; `None` means "today", decided by the caller.
    pub as_of: Option<NaiveDate>,
    /// The (real or hypothetical) date a suit is filed. Private-lending rules pick the
    /// LPR "at the time of filing" for old contracts (规定 31).
    pub filing_date: Option<NaiveDate>,
    pub person: Person,
    pub debts: Vec<Debt>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Person {
    pub name: String,
    pub city: Option<String>,
    pub phone: Option<String>,
    pub monthly_income: Option<Money>,
    pub essential_expenses: Option<Money>,
    pub dependants: Option<u32>,
}

/// Who lent the money. Decides which interest caps apply (law.md §11.1).
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
}

impl LenderKind {
    pub const ALL: [LenderKind; 7] = [
        LenderKind::Bank,
        LenderKind::ConsumerFinance,
        LenderKind::Microloan,
        LenderKind::CreditCard,
        LenderKind::Private,
        LenderKind::Unlicensed,
        LenderKind::Assignee,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// 等额本息
    EqualInstallment,
    /// 等额本金
    EqualPrincipal,
    /// 先息后本
    InterestFirst,
    /// 到期一次还本付息
    Bullet,
    /// 等本等息：每期利息按初始本金×每期费率
    Flat,
}

impl Method {
    pub fn code(self) -> &'static str {
        match self {
            Method::EqualInstallment => "equal_installment",
            Method::EqualPrincipal => "equal_principal",
            Method::InterestFirst => "interest_first",
            Method::Bullet => "bullet",
            Method::Flat => "flat",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Method::EqualInstallment => "等额本息",
            Method::EqualPrincipal => "等额本金",
            Method::InterestFirst => "先息后本",
            Method::Bullet => "到期一次还本付息",
            Method::Flat => "等本等息",
        }
    }

    pub fn from_text(s: &str) -> Option<Method> {
        let s = s.trim();
        [Method::EqualInstallment, Method::EqualPrincipal, Method::InterestFirst, Method::Bullet, Method::Flat]
            .into_iter()
            .find(|m| m.code() == s || m.label_zh() == s)
            .or(match s {
                "一次性还本付息" | "到期还本付息" | "一次还本付息" => Some(Method::Bullet),
                "先息后本（按月付息到期还本）" | "按月付息到期还本" => {
                    Some(Method::InterestFirst)
                }
                _ => None,
            })
    }
}

/// Length of one repayment period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    Month,
    Days(u32),
}

impl Period {
    pub fn label_zh(self) -> String {
        match self {
            Period::Month => "月".to_string(),
            Period::Days(7) => "周".to_string(),
            Period::Days(n) => format!("{n}天"),
        }
    }
}

/// How the contract says the loan is repaid.
#[derive(Debug, Clone, PartialEq)]
pub enum Repayment {
    /// A standard method; due dates every `period` from `first_due`. For a bullet
    /// loan `first_due` is the maturity date and the only due date.
    Method { method: Method, periods: u32, period: Period, first_due: NaiveDate },
    /// The schedule printed in the contract or the app.
    Explicit(Vec<ScheduleRow>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleRow {
    pub due: NaiveDate,
    pub principal: Money,
    pub interest: Money,
    /// Service/guarantee/other fees due with this instalment.
    pub fees: Money,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FeeKind {
    Service,
    Guarantee,
    Membership,
    Insurance,
    Other,
}

impl FeeKind {
    pub fn label_zh(self) -> &'static str {
        match self {
            FeeKind::Service => "服务费",
            FeeKind::Guarantee => "担保费",
            FeeKind::Membership => "会员费",
            FeeKind::Insurance => "保险费",
            FeeKind::Other => "其他费用",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeeAmount {
    Fixed(Money),
    /// Fraction of the contract principal (0.01 = 1%).
    PercentOfPrincipal(Decimal),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FeeTiming {
    /// Taken out of the loan before the money reached the borrower (砍头息).
    Deducted,
    /// Paid by the borrower on the day of disbursement.
    Upfront,
    /// Charged with every instalment.
    PerPeriod,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Payee {
    Lender,
    /// A company related to the lender or designated by it.
    Affiliate,
    /// An independent guarantor or insurer.
    ThirdParty,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fee {
    pub name: String,
    pub kind: FeeKind,
    pub amount: FeeAmount,
    pub timing: FeeTiming,
    pub payee: Payee,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Penalty {
    /// A fixed 违约金 for each overdue instalment.
    Once(Money),
    /// A fraction of each overdue instalment, once.
    OncePercent(Decimal),
    /// A fraction of the overdue amount per day.
    DailyPercent(Decimal),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LateFee {
    PerDay(Money),
    /// Each period (month) an instalment stays overdue.
    PerPeriod(Money),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct OverdueTerms {
    /// The agreed overdue (penalty) interest rate.
    pub rate: Option<RateInput>,
    /// Bank style: contract rate plus this fraction (0.5 = +50%).
    pub markup: Option<Decimal>,
    /// Interest on unpaid interest at the overdue rate (复利).
    pub compound: bool,
    pub penalty: Option<Penalty>,
    pub late_fee: Option<LateFee>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    pub date: NaiveDate,
    pub amount: Money,
    pub note: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DemandBreakdown {
    pub principal: Option<Money>,
    pub interest: Option<Money>,
    pub overdue: Option<Money>,
    pub fees: Option<Money>,
    pub other: Option<Money>,
}

/// What the lender or collector now says is owed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Demand {
    pub date: Option<NaiveDate>,
    pub amount: Money,
    pub by: Option<String>,
    pub breakdown: DemandBreakdown,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CardTerms {
    /// The issuer charges interest on 违约金/annual fees/cash-advance fees.
    pub interest_on_fees: bool,
    /// Length of an instalment plan (账单分期/个性化分期) in months.
    pub installment_months: Option<u32>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Debt {
    pub id: String,
    pub lender: String,
    pub kind: LenderKind,
    pub platform: Option<String>,
    /// For assignees: the original creditor and its kind.
    pub original_lender: Option<String>,
    pub original_kind: Option<LenderKind>,
    pub assignee_kind: Option<AssigneeKind>,
    pub contract_date: NaiveDate,
    /// The principal written in the contract / IOU.
    pub principal: Money,
    /// What actually reached the borrower's account.
    pub received: Money,
    /// The agreed rate (zero when the contract names none).
    pub rate: RateInput,
    /// True when the contract says nothing about interest.
    pub rate_missing: bool,
    pub repayment: Repayment,
    pub fees: Vec<Fee>,
    pub overdue: OverdueTerms,
    pub payments: Vec<Payment>,
    pub demand: Option<Demand>,
    pub card: Option<CardTerms>,
}

impl Debt {
    /// The fee amount in money, given the contract principal.
    pub fn fee_amount(&self, fee: &Fee) -> Money {
        match fee.amount {
            FeeAmount::Fixed(m) => m,
            FeeAmount::PercentOfPrincipal(p) => Money::round_from_yuan(self.principal.to_yuan() * p),
        }
    }

    /// The kind whose rules decide the rate: the original lender's for an assignee.
    pub fn rate_kind(&self) -> LenderKind {
        match (self.kind, self.original_kind) {
            (LenderKind::Assignee, Some(k)) => k,
            (k, _) => k,
        }
    }

    pub fn total_paid(&self) -> Money {
        self.payments.iter().map(|p| p.amount).sum()
    }
}
