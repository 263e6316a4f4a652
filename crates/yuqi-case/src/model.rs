//! The case model. Plain data: no parsing, no I/O, no computation.

use chrono::NaiveDate;
use yuqi_money::{Decimal, Money, RateInput};

use crate::channel::Channel;

#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub title: String,
    /// Date the figures are computed for; `None` means "today", decided by the caller.
    pub as_of: Option<NaiveDate>,
    /// The (real or hypothetical) date a suit is filed. Private-lending rules pick the
    /// LPR "at the time of filing" for old contracts (规定 31).
    pub filing_date: Option<NaiveDate>,
    pub person: Person,
    pub screen: Screen,
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
    /// Money that could go to a one-off settlement now (存款、可借到的亲友资金不算).
    pub savings: Option<Money>,
    /// Postal address for letters.
    pub address: Option<String>,
    /// 身份证号, only for letters that institutions cannot process without it.
    pub id_number: Option<String>,
    /// The borrower's own account of the hardship, quoted in a repayment proposal.
    pub hardship: Option<String>,
}

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
    /// Whom the money went to, when it was not the lender named on the debt
    /// (an old creditor after an assignment, a collector's personal account…).
    pub to: Option<String>,
    /// Taken by the lender from the debtor's account (扣款), not paid voluntarily.
    pub auto_debit: bool,
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

impl Payment {
    pub fn new(date: NaiveDate, amount: Money) -> Payment {
        Payment { date, amount, note: String::new(), to: None, auto_debit: false }
    }
}

/// Something that happened in the life of a debt. The same events come from the
/// case file or, later, from imported evidence (`source`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub date: NaiveDate,
    pub kind: EventKind,
    pub channel: Option<Channel>,
    /// Who acted (a creditor, collector or court), when it matters.
    pub by: Option<String>,
    /// For demands and notices: did it reach the debtor? `None` = assumed yes
    /// (a message sent to the debtor's own number "should have reached" them).
    pub reached: Option<bool>,
    /// When it reached the debtor, if later than `date`.
    pub reached_date: Option<NaiveDate>,
    /// For obstacles and proceedings: the day it ended.
    pub end: Option<NaiveDate>,
    /// For a judgment: the last day to perform it.
    pub deadline: Option<NaiveDate>,
    pub amount: Option<Money>,
    pub note: String,
    pub source: EventSource,
}

impl Event {
    /// The day the event took legal effect against the debtor.
    pub fn effective_date(&self) -> NaiveDate {
        self.reached_date.unwrap_or(self.date)
    }

    pub fn reached_debtor(&self) -> bool {
        self.reached != Some(false)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum EventSource {
    CaseFile,
    /// Created from an imported evidence item (its id in the evidence store).
    Evidence(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    // The creditor's side.
    /// A demand for payment (催收、主张权利) by any channel.
    Demand,
    /// A financial institution debiting the debtor's account (时效规定 8(3)).
    AutoDebit,
    /// A public notice in a newspaper when the debtor cannot be found.
    PublicNotice,
    /// The lender declaring the whole loan due (宣布提前到期).
    Acceleration,
    LawsuitFiled,
    /// The complaint served on the debtor.
    LawsuitServed,
    /// A suit withdrawn or dismissed without judgment.
    LawsuitEnded,
    PaymentOrder,
    /// A judgment or mediation document taking effect.
    Judgment,
    EnforcementApplied,
    Preservation,
    Mediation,
    /// The creditor's police report seeking to protect its civil right.
    PoliceReport,
    ShixinListed,
    ConsumptionRestricted,
    CardTerminated,
    // The debtor's side.
    Acknowledgment,
    Promise,
    InstallmentRequest,
    ExtensionRequest,
    RepaymentPlan,
    Security,
    /// Signing or stamping a collection notice.
    SignedNotice,
    /// An explicit refusal to pay.
    Refusal,
    // Credit record.
    CreditReported,
    Settled,
    CreditObjection,
    PbocComplaint,
    /// An obstacle that prevents the creditor from claiming (民法典 194).
    Obstacle,
}

impl EventKind {
    pub const ALL: [EventKind; 29] = [
        EventKind::Demand,
        EventKind::AutoDebit,
        EventKind::PublicNotice,
        EventKind::Acceleration,
        EventKind::LawsuitFiled,
        EventKind::LawsuitServed,
        EventKind::LawsuitEnded,
        EventKind::PaymentOrder,
        EventKind::Judgment,
        EventKind::EnforcementApplied,
        EventKind::Preservation,
        EventKind::Mediation,
        EventKind::PoliceReport,
        EventKind::ShixinListed,
        EventKind::ConsumptionRestricted,
        EventKind::CardTerminated,
        EventKind::Acknowledgment,
        EventKind::Promise,
        EventKind::InstallmentRequest,
        EventKind::ExtensionRequest,
        EventKind::RepaymentPlan,
        EventKind::Security,
        EventKind::SignedNotice,
        EventKind::Refusal,
        EventKind::CreditReported,
        EventKind::Settled,
        EventKind::CreditObjection,
        EventKind::PbocComplaint,
        EventKind::Obstacle,
    ];

    pub fn code(self) -> &'static str {
        match self {
            EventKind::Demand => "demand",
            EventKind::AutoDebit => "auto_debit",
            EventKind::PublicNotice => "public_notice",
            EventKind::Acceleration => "acceleration",
            EventKind::LawsuitFiled => "lawsuit_filed",
            EventKind::LawsuitServed => "lawsuit_served",
            EventKind::LawsuitEnded => "lawsuit_ended",
            EventKind::PaymentOrder => "payment_order",
            EventKind::Judgment => "judgment",
            EventKind::EnforcementApplied => "enforcement_applied",
            EventKind::Preservation => "preservation",
            EventKind::Mediation => "mediation",
            EventKind::PoliceReport => "police_report",
            EventKind::ShixinListed => "shixin_listed",
            EventKind::ConsumptionRestricted => "consumption_restricted",
            EventKind::CardTerminated => "card_terminated",
            EventKind::Acknowledgment => "acknowledgment",
            EventKind::Promise => "promise",
            EventKind::InstallmentRequest => "installment_request",
            EventKind::ExtensionRequest => "extension_request",
            EventKind::RepaymentPlan => "repayment_plan",
            EventKind::Security => "security",
            EventKind::SignedNotice => "signed_notice",
            EventKind::Refusal => "refusal",
            EventKind::CreditReported => "credit_reported",
            EventKind::Settled => "settled",
            EventKind::CreditObjection => "credit_objection",
            EventKind::PbocComplaint => "pboc_complaint",
            EventKind::Obstacle => "obstacle",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            EventKind::Demand => "催收",
            EventKind::AutoDebit => "自动扣款",
            EventKind::PublicNotice => "登报公告",
            EventKind::Acceleration => "宣布提前到期",
            EventKind::LawsuitFiled => "起诉",
            EventKind::LawsuitServed => "起诉状送达",
            EventKind::LawsuitEnded => "撤诉/驳回",
            EventKind::PaymentOrder => "申请支付令",
            EventKind::Judgment => "判决/调解生效",
            EventKind::EnforcementApplied => "申请强制执行",
            EventKind::Preservation => "申请保全",
            EventKind::Mediation => "申请调解",
            EventKind::PoliceReport => "报案",
            EventKind::ShixinListed => "纳入失信名单",
            EventKind::ConsumptionRestricted => "限制高消费",
            EventKind::CardTerminated => "停卡",
            EventKind::Acknowledgment => "承认欠款",
            EventKind::Promise => "承诺还款",
            EventKind::InstallmentRequest => "申请分期",
            EventKind::ExtensionRequest => "请求延期",
            EventKind::RepaymentPlan => "制定还款计划",
            EventKind::Security => "提供担保",
            EventKind::SignedNotice => "在催收通知上签字",
            EventKind::Refusal => "明确拒绝还款",
            EventKind::CreditReported => "报送征信不良记录",
            EventKind::Settled => "结清",
            EventKind::CreditObjection => "提出征信异议",
            EventKind::PbocComplaint => "向人民银行投诉",
            EventKind::Obstacle => "无法主张权利的障碍",
        }
    }

    /// The debtor's own acts that count as agreeing to perform (时效规定 14).
    pub fn is_debtor_agreement(self) -> bool {
        matches!(
            self,
            EventKind::Acknowledgment
                | EventKind::Promise
                | EventKind::InstallmentRequest
                | EventKind::ExtensionRequest
                | EventKind::RepaymentPlan
                | EventKind::Security
                | EventKind::SignedNotice
        )
    }

    pub fn from_text(s: &str) -> Option<EventKind> {
        let s = s.trim();
        EventKind::ALL.into_iter().find(|k| k.code() == s || k.label_zh() == s).or(match s {
            "催款" | "催收短信" | "催收电话" | "律师函" => Some(EventKind::Demand),
            "扣款" => Some(EventKind::AutoDebit),
            "公告" => Some(EventKind::PublicNotice),
            "提前到期" => Some(EventKind::Acceleration),
            "立案" => Some(EventKind::LawsuitFiled),
            "送达" | "收到起诉状" | "收到传票" => Some(EventKind::LawsuitServed),
            "撤诉" => Some(EventKind::LawsuitEnded),
            "支付令" => Some(EventKind::PaymentOrder),
            "判决" | "调解" | "判决生效" => Some(EventKind::Judgment),
            "申请执行" | "强制执行" => Some(EventKind::EnforcementApplied),
            "失信" => Some(EventKind::ShixinListed),
            "限高" => Some(EventKind::ConsumptionRestricted),
            "承认" | "确认欠款" => Some(EventKind::Acknowledgment),
            "承诺" | "答应还款" => Some(EventKind::Promise),
            "分期" => Some(EventKind::InstallmentRequest),
            "延期" => Some(EventKind::ExtensionRequest),
            "还款计划" => Some(EventKind::RepaymentPlan),
            "担保" => Some(EventKind::Security),
            "签字" => Some(EventKind::SignedNotice),
            "拒绝" | "拒绝还款" => Some(EventKind::Refusal),
            "上征信" => Some(EventKind::CreditReported),
            "还清" => Some(EventKind::Settled),
            "异议" | "征信异议" => Some(EventKind::CreditObjection),
            "投诉人行" => Some(EventKind::PbocComplaint),
            "不可抗力" | "中止" => Some(EventKind::Obstacle),
            _ => None,
        })
    }
}

/// Serialised as its stable code (`"demand"`).
impl serde::Serialize for EventKind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

/// Who sent the notice of an assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NoticeBy {
    Assignor,
    Assignee,
    None,
}

/// One link in the chain of assignments of a debt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// Date of the assignment agreement.
    pub date: NaiveDate,
    pub from: String,
    pub to: String,
    pub to_kind: AssigneeKind,
    pub notice_by: NoticeBy,
    /// When the notice reached the debtor.
    pub notice_reached: Option<NaiveDate>,
    pub notice_channel: Option<Channel>,
    /// Transferred in the NPL pilot through the credit-asset registry (银登中心).
    pub pilot: bool,
    pub note: String,
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

/// The borrower's answers to the criminal-risk screen (docs/law/enforcement.md §1, §5). `None` =
/// not answered; the explanation then says what would matter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Screen {
    pub false_identity: Option<bool>,
    pub fake_documents: Option<bool>,
    pub absconded: Option<bool>,
    pub hid_assets: Option<bool>,
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
    /// No repayment date was agreed (时效规定 4 decides when the period starts).
    pub no_term: bool,
    pub events: Vec<Event>,
    /// The chain of assignments, oldest first.
    pub assignments: Vec<Assignment>,
    pub credit: Option<CreditInfo>,
}

impl Debt {
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
            repayment,
            fees: Vec::new(),
            overdue: OverdueTerms::default(),
            payments: Vec::new(),
            demand: None,
            card: None,
            no_term: false,
            events: Vec::new(),
            assignments: Vec::new(),
            credit: None,
        }
    }

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
