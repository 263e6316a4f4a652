//! One debt and what the borrower knows about it beyond the contract terms: payments made, the
//! collector's demand, card terms and the credit-report entry.

use chrono::NaiveDate;
use yuqi_money::{Decimal, Money, RateInput};

use super::{AssigneeKind, Assignment, Event, Fee, LenderKind, OverdueTerms, Repayment};

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
    /// True when there was a rate but the borrower does not know it (`rate = "不详"`) — not
    /// the same as no interest: what the law allows at most is computed instead.
    pub rate_unknown: bool,
    /// Where `rate` came from: the contract's own words, or worked out from what the borrower
    /// remembers paying. Reports name the rate by it, so a derived rate is never called the
    /// contract's.
    pub rate_source: RateSource,
    /// The day the money actually arrived, when later than the contract date: interest runs
    /// from it.
    pub disbursed: Option<NaiveDate>,
    pub repayment: Repayment,
    pub fees: Vec<Fee>,
    pub overdue: OverdueTerms,
    pub payments: Vec<Payment>,
    pub demand: Option<Demand>,
    pub card: Option<CardTerms>,
    /// No repayment date was agreed (时效规定 4 decides when the period starts).
    pub no_term: bool,
    /// The lender's kind is presumed from what the loan looks like (a 7- or 14-day app taken as
    /// unlicensed), not known: the computation uses it, but no text states it as a fact.
    pub kind_presumed: bool,
    /// The days in a year the contract divides an annual rate by (`360` in many bank contracts:
    /// 日利率 = 年利率/360); `None` = the law data's default.
    pub day_count: Option<u32>,
    pub events: Vec<Event>,
    /// The chain of assignments, oldest first.
    pub assignments: Vec<Assignment>,
    pub credit: Option<CreditInfo>,
    /// A balance a creditor or a court stated on a date: the computation starts there.
    pub opening: Option<Opening>,
    /// A guarantor's recourse (`kind = "guarantor"`): what it paid for the borrower.
    pub recourse: Option<Recourse>,
    /// What the lender claims in court when it asks less than the contract allows.
    pub claim: Option<Claim>,
    /// A debt already decided by a judgment or mediation (`[debt.judgment]`).
    pub judgment: Option<JudgmentDebt>,
}

/// Where a debt's rate came from (`rate_source` in a case file's `[[debt]]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum RateSource {
    /// The contract (or IOU) states it — also what the borrower remembers it stating. The
    /// default when the case file says nothing.
    #[default]
    Contract,
    /// Worked out from the instalment amount and count the borrower remembers (the guided
    /// interview does this): the contract may state another rate, or none.
    Instalments,
}

impl RateSource {
    /// Every source, the default first.
    pub const ALL: [RateSource; 2] = [RateSource::Contract, RateSource::Instalments];

    /// The case file's spelling, `rate_source = "…"`.
    pub const fn code(self) -> &'static str {
        match self {
            RateSource::Contract => "contract",
            RateSource::Instalments => "instalments",
        }
    }

    /// Reads the case file's spelling (the English code or its Chinese name).
    pub fn from_text(s: &str) -> Option<RateSource> {
        match s.trim() {
            "contract" | "合同" => Some(RateSource::Contract),
            "instalments" | "installments" | "每期还款额" => Some(RateSource::Instalments),
            _ => None,
        }
    }
}

/// Serialised as its case-file code (`"instalments"`).
impl serde::Serialize for RateSource {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

/// What a judgment (or court mediation) ordered: the computation starts from it, with the
/// interest it ordered for the time after and the doubled interest for late performance
/// (法释〔2014〕8号).
#[derive(Debug, Clone, PartialEq)]
pub struct JudgmentDebt {
    /// The day it took effect.
    pub effective: NaiveDate,
    /// The last day to perform it; `None` = the day it took effect.
    pub deadline: Option<NaiveDate>,
    pub principal: Money,
    /// Interest, penalty interest and the like it ordered as fixed sums.
    pub interest: Money,
    /// Court costs and other sums it ordered the borrower to pay.
    pub costs: Money,
    /// The interest it ordered to run after (一般债务利息): rate, base and first day.
    pub rate: Option<RateInput>,
    pub base: Option<Money>,
    pub from: Option<NaiveDate>,
}

/// A claim for less than the contract allows (`[debt.claim]`): a court does not award more
/// than was asked (民事诉讼法 第13条), so the computation uses these terms where given.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Claim {
    /// The rate claimed for the loan term.
    pub rate: Option<RateInput>,
    /// The overdue rate claimed, or the markup on the rate (banks' 罚息上浮).
    pub overdue_rate: Option<RateInput>,
    pub markup: Option<Decimal>,
}

/// What a guarantor paid the lender for the borrower (代偿), the claim it now has against
/// the borrower (民法典 第700条).
#[derive(Debug, Clone, PartialEq)]
pub struct Recourse {
    pub date: NaiveDate,
    pub paid: Money,
    /// The loan principal in what was paid, when the payment states it: interest on the
    /// recourse runs on this part when no rate was agreed.
    pub principal: Option<Money>,
    /// The recourse rate the guarantee agreement sets (代偿款利息); `None` = not agreed.
    pub rate: Option<RateInput>,
    /// What the borrower lawfully owed the lender that day, when known: the guarantor
    /// recovers no more than that.
    pub owed: Option<Money>,
}

/// What was owed on a date, as a creditor or a court stated it (`[debt.opening]`). What came
/// before is taken as stated, not re-examined; the whole principal is due from that day, as it
/// is in the litigation that states such balances.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opening {
    pub date: NaiveDate,
    pub principal: Money,
    /// Unpaid interest on that day.
    pub interest: Money,
    /// Unpaid penalty interest, compound interest and penalties on that day.
    pub overdue: Money,
    /// Who stated it (a court's judgment, the creditor's statement).
    pub by: Option<String>,
}

impl Debt {
    /// The lender's kind as a reader is told it: a presumed kind says that it is presumed.
    /// One pair of parentheses at most, never one inside or after another ("信用卡（发卡银行）
    /// （推测）" read as two afterthoughts); where it stands in a sentence, the sentence does not
    /// put it in parentheses either.
    pub fn kind_label_zh(&self) -> &'static str {
        match (self.kind_presumed, self.kind) {
            (false, k) => k.label_zh(),
            (true, LenderKind::Unlicensed) => "无放贷资格的出借人（从借款期限和费用推测）",
            (true, k) => match k {
                LenderKind::Bank => "商业银行（推测）",
                LenderKind::ConsumerFinance => "消费金融公司（推测）",
                LenderKind::Microloan => "小额贷款公司/网络小贷（推测）",
                LenderKind::CreditCard => "信用卡，发卡银行（推测）",
                LenderKind::Private => "民间借贷，个人或非金融企业（推测）",
                LenderKind::Assignee => "债权受让人（推测）",
                LenderKind::Guarantor => "代偿后追偿的担保人（推测）",
                LenderKind::Unlicensed => "无放贷资格的出借人（推测）",
            },
        }
    }
}

impl Debt {
    /// The app's name when the case gives one, else the lender's (see `Case::debt_name`).
    pub fn short_name(&self) -> String {
        match self.platform.as_deref().map(str::trim) {
            Some(p) if !p.is_empty() => p.to_string(),
            _ => self.lender.clone(),
        }
    }

    /// A debt with only the essential terms; everything optional is empty.
    /// For programmatic construction (tools, tests, importers).
    pub fn new(
        id: impl Into<String>,
        kind: LenderKind,
        contract_date: NaiveDate,
        principal: Money,
        rate: RateInput,
        repayment: Repayment,
    ) -> Debt {
        Debt {
            id: id.into(),
            lender: String::new(),
            kind,
            platform: None,
            original_lender: None,
            original_kind: None,
            assignee_kind: None,
            contract_date,
            principal,
            received: principal,
            rate,
            rate_missing: false,
            rate_unknown: false,
            rate_source: RateSource::Contract,
            kind_presumed: false,
            disbursed: None,
            repayment,
            fees: Vec::new(),
            overdue: OverdueTerms::default(),
            payments: Vec::new(),
            demand: None,
            card: None,
            no_term: false,
            day_count: None,
            events: Vec::new(),
            assignments: Vec::new(),
            credit: None,
            opening: None,
            recourse: None,
            claim: None,
            judgment: None,
        }
    }

    /// The fee amount in money, given the contract principal.
    pub fn fee_amount(&self, fee: &Fee) -> Money {
        fee.amount.on(self.principal)
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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    pub date: NaiveDate,
    pub amount: Money,
    pub note: String,
    /// Whom the money went to, when it was not the lender named on the debt
    /// (an old creditor after an assignment, a collector's personal account…).
    pub to: Option<String>,
    /// Taken by the lender from the debtor's account (扣款), not paid voluntarily.
    pub auto_debit: bool,
    /// The parties designated it to principal (还本金), which it then pays first.
    pub to_principal: bool,
}

impl Payment {
    pub fn new(date: NaiveDate, amount: Money) -> Payment {
        Payment { date, amount, note: String::new(), to: None, auto_debit: false, to_principal: false }
    }
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

/// What the borrower knows about the debt's credit-report entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CreditInfo {
    pub reported: Option<bool>,
    /// Was the borrower told before the negative record was reported?
    pub prior_notice: Option<bool>,
    pub settled: Option<NaiveDate>,
    /// First day overdue (defaults to the ledger's computation).
    pub overdue_start: Option<NaiveDate>,
    /// The overdue amount shown in the report.
    pub overdue_amount: Option<Money>,
}
