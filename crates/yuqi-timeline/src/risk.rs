//! What can actually happen: lawsuit, enforcement, 失信, consumption limits, and
//! the criminal screen — written for a frightened reader, each statement cited
//! (docs/law/enforcement.md).

use chrono::NaiveDate;
use serde::Serialize;
use yuqi_case::{Case, Debt, EventKind, LenderKind};
use yuqi_law::{LawError, law};
use yuqi_ledger::DebtAudit;
use yuqi_ledger::trace::TraceStep;
use yuqi_money::{Decimal, Money};

use crate::limitation::Status;

/// One statement of the risk explanation, with its basis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Statement {
    /// Stable id (`lawsuit`, `enforcement`, `shixin`, `consumption`, `delay_interest`, `criminal_*`).
    pub topic: &'static str,
    pub text: String,
    pub rule: &'static str,
    pub basis: Vec<String>,
}

fn say(topic: &'static str, rule: &'static str, text: String) -> Statement {
    let basis = law().rule(rule).map(|r| law().citation_labels_grouped(&r.cites)).unwrap_or_default();
    Statement { topic, text, rule, basis }
}

/// The risk explanation for one debt.
pub fn debt_risk(
    debt: &Debt,
    audit: &DebtAudit,
    status: &Status,
    as_of: NaiveDate,
) -> Result<Vec<Statement>, LawError> {
    let mut out = Vec::new();
    let owed = audit.supported_total.to_grouped_string();
    // The same second figure, in the same words, as the summary, the plan and the letters.
    let alt = audit.if_offset.map_or(String::new(), |o| format!("；{}", o.clause()));
    out.push(match status {
        Status::Expired { expired_on } => say(
            "lawsuit",
            "limitation_expired_effect",
            format!("对方仍然可以起诉，但时效已于 {expired_on} 届满：只要你在一审中提出时效抗辩，法院应当驳回对方的请求。法院不会替你提出。"),
        ),
        Status::InLitigation { since } => say(
            "lawsuit",
            "limitation_expired_effect",
            format!("对方已于 {since} 起诉。请按法院文书的期限答辩，提出利率上限、砍头息等抗辩；依法最多支持约 {owed} 元{alt}。"),
        ),
        Status::Judgment { .. } => say("lawsuit", "enforcement_period", "已有生效判决或调解书，按判决确定的金额履行。".to_string()),
        _ => say(
            "lawsuit",
            "limitation_period",
            format!("对方可以向法院起诉。即使起诉，法院也只支持依法计算的金额（本工具算出约 {owed} 元{alt}），超出上限的利息、罚息和费用不支持。"),
        ),
    });

    // After a judgment: delay interest, enforcement, blacklist, consumption limits.
    let judged = matches!(status, Status::Judgment { .. });
    let rate = law().param_or_first("enforcement.delay_interest_daily_rate", as_of)?.decimal();
    let prefix = if judged { "" } else { "如果将来有生效判决：" };
    out.push(say(
        "delay_interest",
        "delay_interest",
        format!(
            "{prefix}逾期不履行判决的，未付部分按日万分之{}计收加倍部分的迟延履行利息（每1万元每天{}元）。",
            (rate * Decimal::from(10_000)).normalize(),
            (rate * Decimal::from(10_000)).normalize()
        ),
    ));
    out.push(say(
        "shixin",
        "shixin_conditions",
        format!("{prefix}只有在有能力履行而拒不履行、转移隐匿财产、违反财产报告或限制消费令等情况下，才会被列入失信被执行人名单；确实没有能力还，不应被列入。"),
    ));
    let years = law().param_or_first("enforcement.shixin_years", as_of)?;
    let ext = law().param_or_first("enforcement.shixin_extension_max_years", as_of)?;
    out.push(say(
        "shixin_duration",
        "shixin_duration",
        format!("失信名单期限一般为 {} 年，情节严重的可延长 1 至 {} 年；履行完毕后应当删除。", years.value, ext.value),
    ));
    out.push(say(
        "consumption",
        "consumption_restriction",
        format!("{prefix}未按执行通知履行的，法院可以限制高消费（如坐飞机、高铁），不以恶意为前提；还清或提供担保后可以解除。"),
    ));
    if debt.events.iter().any(|e| e.kind == EventKind::ShixinListed) {
        out.push(say(
            "shixin_listed",
            "shixin_conditions",
            "你已被列入失信名单：如果你确实没有履行能力、已提供担保，或财产已被控制足以清偿，可以向执行法院申请纠正。"
                .to_string(),
        ));
    }
    out.push(say(
        "refusal_to_enforce",
        "refusal_to_enforce_crime",
        "拒不执行判决、裁定罪只针对有能力执行而拒不执行、情节严重的人；是否“有能力”，要先扣除你和家人的必要生活费。"
            .to_string(),
    ));
    Ok(out)
}

/// The first thing a borrower threatened with jail must read, with its basis: the criminal
/// screen opens with it, and the web triage shows it first when the collector threatens jail.
pub fn default_is_not_a_crime() -> Statement {
    say(
        "criminal_default",
        "default_not_crime",
        "借钱后还不上，本身不是犯罪。催收说“不还就坐牢”“已经立案”，通常是在恐吓。".to_string(),
    )
}

/// The case-level criminal screen: ordinary default is not a crime; what would be.
pub fn criminal_screen(case: &Case, audits: &[DebtAudit], as_of: NaiveDate) -> Result<Vec<Statement>, LawError> {
    let l = law();
    let mut out = vec![default_is_not_a_crime()];
    let s = &case.screen;
    let deception = [s.false_identity, s.fake_documents].contains(&Some(true));
    out.push(say(
        "criminal_fraud",
        "default_not_crime",
        if deception {
            "你表示借款时使用过虚假身份或虚假材料：贷款诈骗、合同诈骗还要求借款时就有非法占有的目的。这种情况请尽快咨询律师。".to_string()
        } else {
            "贷款诈骗、合同诈骗要求借款时就用虚假身份、虚假材料骗取贷款，并且以非法占有为目的；如实申请、后来还不上，不构成这些罪名。".to_string()
        },
    ));
    let threshold = l.param("criminal.card_overdraft_large_amount", as_of).ok().map(|p| p.decimal());
    for (debt, audit) in case.debts.iter().zip(audits) {
        if debt.rate_kind() != LenderKind::CreditCard {
            continue;
        }
        let Some(threshold) = threshold else {
            out.push(say(
                "criminal_card",
                "default_not_crime",
                format!("本工具只收录了2018年12月1日起施行的恶意透支认定标准，无法评估 {as_of} 时的标准。"),
            ));
            continue;
        };
        let principal: Money = audit.contract_view.principal_outstanding;
        let collections = effective_collections(debt, as_of);
        let text = if principal.to_yuan() < threshold {
            format!(
                "信用卡【{}】未还本金约 {} 元，低于恶意透支“数额较大”的 {} 元起点，不构成信用卡诈骗罪。",
                case.debt_name(&debt.id),
                principal.to_grouped_string(),
                threshold.normalize()
            )
        } else {
            format!(
                "信用卡【{}】未还本金约 {} 元，达到 {} 元。但恶意透支还要求：以非法占有为目的，经银行两次有效催收（间隔至少30天、能证明你收到）后超过三个月仍不还。不能只因没还钱就认定非法占有目的——法律列举的是明知没有能力仍大量透支、用虚假资料、逃匿或为逃避催收改换联系方式、转移隐匿财产等情形。{}在提起公诉前全额归还的，可以不起诉。{}",
                case.debt_name(&debt.id),
                principal.to_grouped_string(),
                threshold.normalize(),
                if s.absconded == Some(true) || s.hid_assets == Some(true) {
                    "你表示有逃匿或转移财产的情况，这会增加风险，请尽快咨询律师。"
                } else {
                    "请保持联系方式畅通，不要更换号码躲避催收。"
                },
                match collections {
                    Some((a, b)) => format!("（记录中有两次相隔至少30天、已到达你的催收：{a} 和 {b}。）"),
                    None => String::new(),
                }
            )
        };
        out.push(say("criminal_card", "default_not_crime", text));
    }
    Ok(out)
}

/// Two demands that reached the debtor at least 30 days apart (解释 第七条 gap).
fn effective_collections(debt: &Debt, as_of: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
    let gap = law().param("criminal.card_collection_gap_days", as_of).ok()?.decimal().mantissa();
    let gap = i64::try_from(gap).ok()?;
    let dates: Vec<NaiveDate> = debt
        .events
        .iter()
        .filter(|e| e.kind == EventKind::Demand && e.reached == Some(true))
        .map(|e| e.effective_date())
        .collect();
    for (i, a) in dates.iter().enumerate() {
        if let Some(b) = dates[i + 1..].iter().find(|b| (**b - *a).num_days() >= gap) {
            return Some((*a, *b));
        }
    }
    None
}

/// The trace lines for the statements (rule + text).
pub fn trace_of(statements: &[Statement]) -> Vec<TraceStep> {
    statements.iter().map(|s| TraceStep::new(s.rule, s.text.clone())).collect()
}
