//! What happened in the life of a debt: demands, proceedings, the debtor's own acts, credit
//! records and assignments. Limitation periods and assignment notices are computed from these.

use chrono::NaiveDate;
use yuqi_money::Money;

use super::AssigneeKind;
use crate::channel::Channel;

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
