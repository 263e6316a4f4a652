//! Who is "they": the chain of assignments and whether each binds the debtor
//! (docs/law/assignment.md).

use chrono::NaiveDate;
use serde::Serialize;
use yuqi_case::{AssigneeKind, Channel, Debt, EventKind, LenderKind, NoticeBy};
use yuqi_ledger::{Finding, Severity};

/// Whether an assignment binds the debtor, and from when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Binding {
    /// Notified by the assignor (民法典 546): binding from the day it reached.
    Binding { from: NaiveDate },
    /// Notified only by the assignee: courts differ (practice).
    Disputed { from: NaiveDate },
    /// A state-bank NPL sold to an AMC with a newspaper notice (2001 provisions art 6).
    BindingByNewspaper { from: NaiveDate },
    /// Never notified, but the assignee's complaint was served (合同编解释 48 ¶2).
    BindingFromService { from: NaiveDate },
    /// Not notified: no effect on the debtor.
    NotBinding,
}

impl Binding {
    pub fn label_zh(&self) -> String {
        match self {
            Binding::Binding { from } => format!("自 {from} 通知到达起对你生效"),
            Binding::Disputed { from } => format!("仅受让人于 {from} 通知，效力有争议"),
            Binding::BindingByNewspaper { from } => format!("自 {from} 登报公告起视为已通知"),
            Binding::BindingFromService { from } => format!("未通知，自 {from} 起诉状送达时对你生效"),
            Binding::NotBinding => "未通知你，对你不发生效力".to_string(),
        }
    }

    pub fn effective_from(&self) -> Option<NaiveDate> {
        match self {
            Binding::Binding { from }
            | Binding::Disputed { from }
            | Binding::BindingByNewspaper { from }
            | Binding::BindingFromService { from } => Some(*from),
            Binding::NotBinding => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Link {
    /// 1 = the original lender's sale (二手 holder), 2 = a resale (三手)…
    pub hand: usize,
    pub hand_label: String,
    pub date: NaiveDate,
    pub from: String,
    pub to: String,
    pub binding: Binding,
    pub binding_label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaymentCheck {
    pub date: NaiveDate,
    pub to: String,
    pub discharges: bool,
    pub why: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AssignmentCheck {
    pub chain: Vec<Link>,
    /// The creditor the debtor deals with as of the as-of date: the last assignee
    /// whose assignment binds the debtor, else the original lender.
    pub creditor_for_debtor: String,
    pub payments: Vec<PaymentCheck>,
    pub defences: Vec<String>,
    pub findings: Vec<Finding>,
}

fn hand_label(n: usize) -> String {
    match n {
        0 => "一手（原出借人）".to_string(),
        1 => "二手".to_string(),
        2 => "三手".to_string(),
        3 => "四手".to_string(),
        k => format!("第{}手", k + 1),
    }
}

pub fn check(debt: &Debt, as_of: NaiveDate) -> Option<AssignmentCheck> {
    let original_name = debt.original_lender.clone().unwrap_or_else(|| debt.lender.clone());
    if debt.assignments.is_empty() {
        // A debt recorded as held by an assignee, with no record of the transfer.
        if debt.kind == LenderKind::Assignee {
            let f = Finding::new(
                "unnotified_assignment",
                Severity::Warning,
                "assignment_notice",
                "声称受让了债权，但没有转让通知的记录",
                format!(
                    "{} 以债权人身份催收，但你没有收到过 {} 发出的债权转让通知。未通知的转让对你不发生效力；可以要求对方出示转让协议和通知。",
                    debt.lender, original_name
                ),
            );
            return Some(AssignmentCheck {
                chain: Vec::new(),
                creditor_for_debtor: original_name,
                payments: Vec::new(),
                defences: defences(),
                findings: vec![f],
            });
        }
        return None;
    }

    let original_kind = debt.original_kind.unwrap_or(debt.kind);
    let mut findings = Vec::new();
    let mut chain = Vec::new();
    for (i, a) in debt.assignments.iter().enumerate() {
        let served = debt
            .events
            .iter()
            .find(|e| {
                e.kind == EventKind::LawsuitServed && e.date >= a.date && e.by.as_deref().is_none_or(|b| b == a.to)
            })
            .map(|e| e.effective_date());
        let binding = match (a.notice_by, a.notice_reached) {
            (NoticeBy::Assignor, Some(d)) if d <= as_of => {
                if a.notice_channel == Some(Channel::Newspaper) && a.to_kind == AssigneeKind::Amc {
                    Binding::BindingByNewspaper { from: d }
                } else {
                    Binding::Binding { from: d }
                }
            }
            (NoticeBy::Assignee, Some(d)) if d <= as_of => Binding::Disputed { from: d },
            _ => match served {
                Some(s) if s <= as_of => Binding::BindingFromService { from: s },
                _ => Binding::NotBinding,
            },
        };
        match &binding {
            Binding::NotBinding => findings.push(Finding::new(
                "unnotified_assignment",
                Severity::Warning,
                "assignment_notice",
                format!("{} 受让债权未通知你", a.to),
                format!("{} 于 {} 将债权转让给 {}，但没有通知你：这次转让对你不发生效力。对方以债权人身份催收时，可以要求出示转让协议和通知。", a.from, a.date, a.to),
            )),
            Binding::Disputed { .. } => findings.push(Finding::new(
                "assignment_notice_by_assignee",
                Severity::Info,
                "assignment_notice_by_assignee",
                "转让通知由受让人发出，效力有争议",
                format!("法律规定由原债权人（{}）通知；只有受让人 {} 的通知时，部分法院不认可。可以要求出示原债权人的通知或转让协议。", a.from, a.to),
            )),
            Binding::BindingFromService { from } => findings.push(Finding::new(
                "assignment_from_service",
                Severity::Info,
                "assignment_unnotified_suit",
                "未通知即起诉：转让自起诉状送达时生效",
                format!("{} 未通知你就起诉，转让自 {from} 起诉状送达时对你生效；因未通知给你增加的费用或损失可以要求扣除。", a.to),
            )),
            _ => {}
        }
        // Red flags from the NPL pilot rules.
        if i == 0
            && matches!(original_kind, LenderKind::Bank | LenderKind::CreditCard | LenderKind::ConsumerFinance)
            && a.to_kind != AssigneeKind::Amc
        {
            findings.push(Finding::new(
                "npl_pilot_conflict",
                Severity::Warning,
                "assignment_npl_pilot",
                "银行/信用卡/消费金融的欠款“卖给了”非资产管理公司",
                format!(
                    "按不良贷款转让试点规则，个人不良贷款只能批量转让给金融资产管理公司或地方资产管理公司。{} 不是资产管理公司，更可能只是受托催收。请要求其出示债权转让协议和原债权人的通知。",
                    a.to
                ),
            ));
        }
        if i > 0 && debt.assignments[i - 1].pilot {
            findings.push(Finding::new(
                "npl_retransfer",
                Severity::Warning,
                "assignment_npl_pilot",
                "试点受让的不良贷款被再次转让",
                format!(
                    "{} 在不良贷款转让试点中受让的个人不良贷款，按规定不得再次对外转让；{} 的受让资格存疑。",
                    debt.assignments[i - 1].to,
                    a.to
                ),
            ));
        }
        chain.push(Link {
            hand: i + 1,
            hand_label: hand_label(i + 1),
            date: a.date,
            from: a.from.clone(),
            to: a.to.clone(),
            binding_label: binding.label_zh(),
            binding,
        });
    }

    // Double assignment: the same assignor selling to two assignees.
    for (i, a) in debt.assignments.iter().enumerate() {
        for b in &debt.assignments[i + 1..] {
            if a.from == b.from && a.to != b.to {
                let first = match (
                    chain[i].binding.effective_from(),
                    chain.iter().find(|l| l.to == b.to).and_then(|l| l.binding.effective_from()),
                ) {
                    (Some(x), Some(y)) if y < x => b.to.clone(),
                    (None, Some(_)) => b.to.clone(),
                    _ => a.to.clone(),
                };
                findings.push(Finding::new(
                    "double_assignment",
                    Severity::Warning,
                    "assignment_double",
                    "同一债权转让给了两家",
                    format!(
                        "{} 把同一笔债权先后转让给 {} 和 {}。你只需向转让通知最先到达你的受让人（{first}）履行。",
                        a.from, a.to, b.to
                    ),
                ));
            }
        }
    }

    // The creditor as far as the debtor is concerned: follow the chain while it binds.
    let mut creditor = original_name.clone();
    for link in &chain {
        if link.from == creditor && link.binding.effective_from().is_some() {
            creditor = link.to.clone();
        }
    }

    // Payments made to someone other than the creditor of the day.
    let mut payments = Vec::new();
    for p in &debt.payments {
        let Some(to) = &p.to else { continue };
        let holder_then = {
            let mut h = original_name.clone();
            for link in &chain {
                if link.from == h && link.binding.effective_from().is_some_and(|f| f <= p.date) {
                    h = link.to.clone();
                }
            }
            h
        };
        let in_chain = *to == original_name || chain.iter().any(|l| l.to == *to);
        let (discharges, why) = if *to == holder_then {
            (true, format!("{} 当时是对你有效的债权人，这笔还款有效", to))
        } else if in_chain {
            (
                false,
                format!(
                    "{} 时转让通知已到达你，应向 {holder_then} 还款；付给 {to} 的款项不能对抗受让人（可向 {to} 要回）",
                    p.date
                ),
            )
        } else {
            (false, format!("{to} 不是债权人：付到个人或无关账户的钱不能抵销欠款，且有被骗风险"))
        };
        if !discharges {
            findings.push(
                Finding::new(
                    "payment_to_wrong_party",
                    Severity::Warning,
                    "assignment_discharge",
                    "有一笔还款付错了对象",
                    why.clone(),
                )
                .amount(p.amount),
            );
        }
        payments.push(PaymentCheck { date: p.date, to: to.clone(), discharges, why });
    }

    Some(AssignmentCheck { chain, creditor_for_debtor: creditor, payments, defences: defences(), findings })
}

fn defences() -> Vec<String> {
    vec![
        "诉讼时效已届满的抗辩".to_string(),
        "利息、罚息、费用超过法定上限的部分不予支持".to_string(),
        "砍头息：本金按实际到手金额计算".to_string(),
        "已向原债权人（通知前）支付的款项".to_string(),
        "借款合同无效或条款无效的抗辩".to_string(),
        "因转让增加的费用由原债权人负担".to_string(),
    ]
}
