//! The options proposed for one debt.

use chrono::NaiveDate;
use serde::Serialize;
use yuqi_case::{Debt, LenderKind};
use yuqi_law::law;
use yuqi_ledger::DebtAudit;
use yuqi_money::{Decimal, Money};
use yuqi_timeline::DebtTimeline;
use yuqi_timeline::limitation::Status;

use crate::{Budget, Instalments, PlanError, Standing, months_to_clear, per_month};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OptionKind {
    /// Equal monthly payments of the lawful balance from the borrower's budget.
    Instalments,
    /// One payment now, offered at the lawful principal, never above the lawful total.
    LumpSum,
    /// A credit-card personalised instalment agreement (信用卡个性化分期).
    CardPersonalised,
    /// Ask the creditor to stop interest, penalties and fees while the plan runs (停息挂账).
    InterestSuspension,
    /// A judgment debt: settle with the judgment creditor under the court (执行和解).
    CourtSettlement,
    /// Time-barred: do not pay or promise; plead limitation if sued.
    PleadLimitation,
    /// The lawful balance is nil (or overpaid): pay nothing more.
    NothingOwed,
    /// An unlicensed lender: the law gives it the principal received at most; report it instead
    /// of negotiating its interest.
    ReportLender,
}

impl OptionKind {
    pub fn label_zh(self) -> &'static str {
        match self {
            OptionKind::Instalments => "协商分期",
            OptionKind::LumpSum => "一次性结清",
            OptionKind::CardPersonalised => "信用卡个性化分期",
            OptionKind::InterestSuspension => "申请停息挂账",
            OptionKind::CourtSettlement => "执行和解",
            OptionKind::PleadLimitation => "提出时效抗辩",
            OptionKind::NothingOwed => "不再付款",
            OptionKind::ReportLender => "举报非法放贷",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanOption {
    pub kind: OptionKind,
    pub title: String,
    pub detail: String,
    pub monthly: Option<Money>,
    pub months: Option<u32>,
    /// The last instalment: `total − (months − 1) × monthly`, the rounding remainder, smaller
    /// than `monthly` when the total does not divide evenly (see [`Instalments`]).
    pub last: Option<Money>,
    /// What the borrower would pay in total under this option.
    pub total: Option<Money>,
    /// The monthly payment if the creditor keeps charging interest at the legal cap.
    pub monthly_with_interest: Option<Money>,
    /// For a lump sum: the opening offer and the most to concede.
    pub offer: Option<Money>,
    pub ceiling: Option<Money>,
    /// `None` when the case file does not say enough to tell.
    pub affordable: Option<bool>,
    pub recommended: bool,
    /// What agreeing or paying does to the limitation period.
    pub limitation_effect: Option<String>,
    pub rule: &'static str,
    pub basis: Vec<String>,
}

fn g(m: Money) -> String {
    m.to_grouped_string()
}

fn basis(rule: &str) -> Vec<String> {
    law().rule(rule).map(|r| law().citation_labels_grouped(&r.cites)).unwrap_or_default()
}

/// The articles a rule of the law data cites, as one phrase for a sentence that rests on it
/// (`《民间借贷规定》（法释〔2020〕17号）第13条`): a citation is never written by hand.
pub(crate) fn citation(rule: &str) -> String {
    basis(rule).join("；")
}

fn option(kind: OptionKind, rule: &'static str, title: String, detail: String) -> PlanOption {
    PlanOption {
        kind,
        title,
        detail,
        monthly: None,
        months: None,
        last: None,
        total: None,
        monthly_with_interest: None,
        offer: None,
        ceiling: None,
        affordable: None,
        recommended: false,
        limitation_effect: None,
        rule,
        basis: basis(rule),
    }
}

/// An option's instalment figures, from one [`Instalments`] so that they add up to its total.
fn set_instalments(o: &mut PlanOption, plan: &Instalments) {
    o.months = Some(plan.count);
    o.monthly = Some(plan.each);
    o.last = Some(plan.last);
}

/// The rounding remainder explained, as the first sentence of an option's detail ("" when there is
/// none).
fn remainder(plan: &Instalments, balance: Money) -> String {
    plan.remainder_zh(balance).map(|r| format!("{r}。")).unwrap_or_default()
}

/// The longest instalment agreement a rule allows on a date, as the plan states it.
struct LongestPlan {
    months: u32,
    years: String,
    citation: String,
}

fn longest_plan(on: NaiveDate) -> Option<LongestPlan> {
    let p = law().param("credit_card.personalised_installment_max_years", on).ok()?;
    let years = u32::try_from(p.decimal().trunc().mantissa()).ok()?;
    Some(LongestPlan { months: years * 12, years: format!("{}年", p.prose()), citation: p.citation.label() })
}

/// Plans longer than this get no interest-bearing figure: nobody lends over 30 years, and the
/// compounding would overflow the decimal type long before that matters.
const MAX_ANNUITY_MONTHS: u32 = 360;

/// The monthly payment of a level annuity that clears `balance` in `months` at `annual` interest,
/// rounded up to the fen. Exact decimal arithmetic (no floats); `None` past
/// [`MAX_ANNUITY_MONTHS`] or on overflow.
pub(crate) fn annuity(balance: Money, annual: Decimal, months: u32) -> Option<Money> {
    if months == 0 {
        return Some(balance);
    }
    if months > MAX_ANNUITY_MONTHS {
        return None;
    }
    let r = annual / Decimal::from(12);
    if r.is_zero() {
        return Some(per_month(balance, months));
    }
    let mut growth = Decimal::ONE;
    for _ in 0..months {
        growth = growth.checked_mul(Decimal::ONE + r)?;
    }
    let b = balance.to_yuan();
    let pay = b.checked_mul(r)?.checked_mul(growth)?.checked_div(growth - Decimal::ONE)?;
    let fen = pay.checked_mul(Decimal::from(100))?.ceil();
    i64::try_from(fen.mantissa() / 10i128.pow(fen.scale())).ok().map(Money::from_fen)
}

/// `三年`: the limitation period in force on `on`, from the law data.
fn period_years(on: NaiveDate) -> String {
    law()
        .param_prose_zh("limitation.general_years", on)
        .map_or_else(|_| "诉讼时效期间".to_string(), |n| format!("{n}年"))
}

fn limitation_effect(status: &Status, as_of: NaiveDate) -> Option<String> {
    let years = period_years(as_of);
    match status {
        Status::Running { expires, .. } => Some(format!(
            "同意分期、部分还款或书面承诺，诉讼时效从那天起重新计算{years}（原定 {expires} 届满）（民法典第195条）。"
        )),
        Status::NotStarted { .. } | Status::Suspended { .. } => {
            Some(format!("同意分期、部分还款或书面承诺会中断诉讼时效，重新计算{years}（民法典第195条）。"))
        }
        Status::Lost { new_expiry, .. } => Some(format!(
            "你此前已在时效届满后同意履行；新的{years}期间预计 {new_expiry} 届满，再次承诺或还款会让它重新计算。"
        )),
        Status::Expired { expired_on } => Some(format!(
            "时效已于 {expired_on} 届满：任何承诺、分期协议或部分还款都会让你永久失去时效抗辩，已还的钱也要不回来（民法典第192条；时效规定第19条）。"
        )),
        Status::InLitigation { .. } | Status::Judgment { .. } | Status::BeyondTwentyYears { .. } => None,
    }
}

pub(crate) fn for_debt(
    debt: &Debt,
    audit: &DebtAudit,
    timeline: &DebtTimeline,
    standing: Standing,
    share: Option<Money>,
    budget: &Budget,
    as_of: NaiveDate,
) -> Result<Vec<PlanOption>, PlanError> {
    let status = &timeline.limitation.status;
    let balance = audit.supported_total;
    let effect = limitation_effect(status, as_of);
    let mut out = Vec::new();

    if standing.barred() {
        let mut o = option(
            OptionKind::PleadLimitation,
            "limitation_expired_effect",
            "不还款、不承诺；如被起诉，在一审答辩中提出诉讼时效抗辩".to_string(),
            format!(
                "{}。法院不会主动审查时效，必须由你在一审中提出。想还也可以还，但请先了解：一旦承诺或还款，就不能再以时效抗辩。",
                status.label_zh()
            ),
        );
        o.recommended = true;
        o.limitation_effect = effect.clone();
        out.push(o);
        return Ok(out);
    }
    if !balance.is_positive() {
        let overpaid = debt.total_paid() - audit.principal_initial;
        let mut o = option(
            OptionKind::NothingOwed,
            "lawful_ledger",
            "依法计算已无欠款：不要再付款".to_string(),
            if overpaid.is_positive() && debt.kind == LenderKind::Unlicensed {
                format!(
                    "你实际收到 {} 元，已还 {} 元；{}合同无效，只需返还实际收到的本金，已多付约 {} 元。对方继续催收的，保留证据，可以报警。",
                    g(audit.principal_initial),
                    g(debt.total_paid()),
                    if debt.kind_presumed {
                        "从借款期限和费用看，出借人像是没有放贷资格；如果是这样，"
                    } else {
                        "出借人无放贷资格，"
                    },
                    g(overpaid)
                )
            } else {
                "按依法计算，已还金额已经覆盖本金和法定上限内的利息费用；对方继续催收时，要求其出示计算依据，不要再付款。".to_string()
            },
        );
        o.recommended = true;
        out.push(o);
        return Ok(out);
    }

    if standing == Standing::Judgment {
        let mut o = option(
            OptionKind::CourtSettlement,
            "delay_interest",
            "与申请执行人协商执行和解（一次性或分期），并按期履行".to_string(),
            "裁判确定的金额已经生效，不能再以核算结果减少；逾期履行要加倍支付迟延履行期间的债务利息（日万分之一点七五）。和解协议应交执行法院备案，无正当理由不履行和解协议会被列入失信名单。".to_string(),
        );
        o.recommended = true;
        o.total = Some(balance);
        out.push(o);
    }

    let cap = audit.cap_rate.unwrap_or(Decimal::ZERO);
    // Equal instalments of the lawful balance from this debt's share of the budget.
    let mut inst = option(OptionKind::Instalments, "plan_budget", String::new(), String::new());
    inst.limitation_effect = effect.clone();
    inst.total = Some(balance);
    match share {
        Some(s) if s.is_positive() => {
            let plan = Instalments::of(balance, months_to_clear(balance, s));
            let (months, monthly) = (plan.count, plan.each);
            set_instalments(&mut inst, &plan);
            inst.monthly_with_interest = if cap.is_sign_positive() { annuity(balance, cap, months) } else { None };
            inst.affordable = Some(true);
            inst.title = format!("按依法应还的 {} 元分 {months} 期，{}", g(balance), plan.amounts_zh());
            inst.detail = remainder(&plan, balance);
            inst.detail.push_str(&format!(
                "每月 {} 元是这笔在你每月还款预算中的份额：各笔依法应还的钱分成同样的期数、同时还清，每笔每月的钱和它的余额成比例；期数取整，各笔合计可能略少于你的预算。请求还款期间停止计息",
                g(monthly)
            ));
            match inst.monthly_with_interest {
                Some(w) if w > monthly => {
                    inst.detail.push_str(&format!("；若对方坚持按法定上限计息，月供约 {} 元。", g(w)));
                }
                _ => inst.detail.push('。'),
            }
            // No plan longer than the longest instalment agreement a rule allows (credit cards,
            // 信用卡办法第70条): lenders do not grant longer ones, so beyond it the honest answer is
            // that the budget cannot carry this debt, and what else there is.
            if let Some(max) = longest_plan(as_of)
                && months > max.months
            {
                let plan = Instalments::of(balance, max.months);
                inst.rule = "plan_max_term";
                inst.basis = basis("plan_max_term");
                set_instalments(&mut inst, &plan);
                inst.monthly_with_interest =
                    if cap.is_sign_positive() { annuity(balance, cap, plan.count) } else { None };
                inst.affordable = Some(false);
                inst.title = format!(
                    "你现在的预算撑不起这笔债：依法应还的 {} 元最长分 {} 期，每月也要 {} 元{}",
                    g(balance),
                    plan.count,
                    g(plan.each),
                    plan.last_zh()
                );
                inst.detail = remainder(&plan, balance);
                inst.detail.push_str(&format!(
                    "按你每月能分给这笔的 {} 元，要 {months} 个月才能还清，超过规定允许的最长分期{}（{}），出借人通常不会同意。\
                     可以：请求减免利息、罚息和费用，或一次性减免结清；信用卡可申请个性化分期；拨打 12348 申请法律援助；\
                     问对方有没有针对困难客户的延期还款安排。无论哪种，都只按依法应还的金额谈。",
                    g(s),
                    max.years,
                    max.citation
                ));
            }
        }
        _ => {
            inst.title = format!("按依法应还的 {} 元协商分期", g(balance));
            inst.detail = match budget.for_debts {
                Some(_) => {
                    "按你填写的收入和开支，每月没有余钱分给这笔：先申请停息挂账，说明困难，等收入恢复后再谈分期。"
                        .to_string()
                }
                None => "还没有填写月收入和必要开支，无法算出每月能还多少；填写后再算一次。".to_string(),
            };
            inst.affordable = budget.for_debts.map(|_| false);
        }
    }

    // A lump sum anchored on the lawful principal.
    let opening = audit.principal_lawful.min(balance);
    let mut lump = option(
        OptionKind::LumpSum,
        "plan_settlement_anchor",
        format!("开价 {} 元（依法应还的本金），最多不超过 {} 元", g(opening), g(balance)),
        String::new(),
    );
    lump.offer = Some(opening);
    lump.ceiling = Some(balance);
    lump.total = Some(opening);
    lump.limitation_effect = effect.clone();
    lump.detail = match (audit.demanded_total, audit.excess) {
        (Some(d), Some(x)) if x.is_positive() => format!(
            "对方主张 {} 元，其中 {} 元超出依法最多支持的金额（按对方主张之日计算），不在报价之内。结清前要求对方出具书面结清证明（写明“债务全部结清、不再追偿”）。",
            g(d),
            g(x)
        ),
        _ => "结清前要求对方出具书面结清证明（写明“债务全部结清、不再追偿”），付款只付到对方书面确认的对公账户。"
            .to_string(),
    };
    lump.affordable = budget.savings.map(|s| s >= opening);
    if let Some(s) = budget.savings
        && s < opening
    {
        lump.detail.push_str(&format!(" 你填写的可用存款 {} 元不足开价金额。", g(s)));
    }

    // Credit cards: a personalised instalment agreement, length capped by law.
    let mut card = None;
    let mut card_basis = None;
    if debt.kind == LenderKind::CreditCard {
        let p = law().param("credit_card.personalised_installment_max_years", as_of)?;
        card_basis = Some(p.citation.label());
        let max_months = u32::try_from(p.decimal().trunc().mantissa()).unwrap_or(5) * 12;
        let mut o = option(
            OptionKind::CardPersonalised,
            "card_personalised_installment",
            String::new(),
            format!(
                "向发卡银行申请个性化分期还款协议，最长 {max_months} 个月（{}）；协议应写明还款期间是否计收年费、利息和其他费用，签署后银行应当停止催收。银行“可以”协商，不是必须同意，申请时附上收入和开支证明。",
                p.citation.label()
            ),
        );
        o.limitation_effect = effect.clone();
        o.total = Some(balance);
        let months = match share {
            Some(s) if s.is_positive() => Some(months_to_clear(balance, s)),
            _ => None,
        };
        let plan = Instalments::of(balance, months.filter(|m| *m <= max_months).unwrap_or(max_months));
        set_instalments(&mut o, &plan);
        let amounts = plan.amounts_zh();
        match months {
            Some(m) if m <= max_months => {
                o.affordable = Some(true);
                o.title = format!("个性化分期 {} 个月，{amounts}", plan.count);
            }
            Some(_) => {
                o.affordable = Some(false);
                o.title = format!("个性化分期最长 {max_months} 个月，{amounts}，超出你的预算");
            }
            None => {
                o.title = format!("个性化分期最长 {max_months} 个月（{amounts}）");
            }
        }
        if let Some(r) = plan.remainder_zh(balance) {
            o.detail = format!("{r}。{}", o.detail);
        }
        card = Some(o);
    }

    if debt.kind == LenderKind::Unlicensed {
        // The law already strips an unlicensed lender of every interest and fee: there is no
        // interest to negotiate, and the lump sum is the principal received, not an opening bid.
        // What is left of the principal after his payments is not what he received: calling
        // both "实际到手的本金" put two different figures for what reached him on one page.
        lump.title = if opening == audit.principal_initial {
            format!("最多只还实际到手的本金 {} 元", g(opening))
        } else {
            format!(
                "最多只还剩下的本金 {} 元（实际到手 {} 元，已还的钱抵了本金）",
                g(opening),
                g(audit.principal_initial)
            )
        };
        lump.ceiling = Some(opening);
        let mut inst = inst;
        if inst.affordable == Some(true) {
            inst.detail = format!(
                "每月 {} 元是你每月还款预算中分给这笔的部分；只还实际到手的本金，不付任何利息和费用。",
                g(inst.monthly.unwrap_or(Money::ZERO))
            );
            inst.monthly_with_interest = None;
        }
        let mut report = option(
            OptionKind::ReportLender,
            "plan_unlicensed_lender",
            "不和对方谈利息：向公安机关报案、向地方金融管理部门举报".to_string(),
            format!(
                "{}借款合同无效：依法你最多返还实际到手的本金 {} 元{}，约定的利息和费用都不受保护，\
                 不需要请求“减息”“停息”。对方威胁、骚扰或冒充公检法的，保存证据后报警（110）；\
                 非法放贷可以向当地地方金融管理部门举报。如果对方是“套路贷”等违法犯罪，交给公安机关处理，不要再私下付款。",
                if debt.kind_presumed {
                    "从借款期限和费用看，对方像是没有放贷资格；如果是这样，"
                } else {
                    "对方没有放贷资格，"
                },
                g(audit.principal_initial),
                if opening == audit.principal_initial {
                    String::new()
                } else {
                    format!("（已还的钱抵扣后还剩 {} 元）", g(opening))
                }
            ),
        );
        report.recommended = standing != Standing::Judgment && lump.affordable != Some(true);
        let mut rest = vec![lump, inst];
        rest.insert(0, report);
        rest.sort_by_key(|o| !o.recommended);
        out.extend(rest);
        return Ok(out);
    }

    // A card's 停息挂账 is asked within the personalised instalment agreement, whose terms must
    // say whether annual fees, interest and other fees run; no lender, the card issuer
    // included, has to agree.
    let suspend_detail = match &card_basis {
        Some(basis) => format!(
            "向发卡银行申请个性化分期时，一并请求还款期间停止计收利息、年费和其他费用，并说明收入下降、必要开支等困难。\
             个性化分期还款协议要写明还款期间是否计收年费、利息和其他费用（{basis}）；银行“可以”协商，不是必须同意，同意后写进书面协议。"
        ),
        None => "在协商申请中说明收入下降、必要开支等困难，请求冻结金额、停止计息。法律没有规定出借人必须同意，对方同意后应写入书面协议。"
            .to_string(),
    };
    let mut suspend = option(
        OptionKind::InterestSuspension,
        if debt.kind == LenderKind::CreditCard { "card_personalised_installment" } else { "plan_interest_suspension" },
        "申请还款期间停止计收利息、罚息和费用（停息挂账）".to_string(),
        suspend_detail,
    );
    suspend.limitation_effect = None;

    // Which to recommend.
    if standing != Standing::Judgment {
        if lump.affordable == Some(true) {
            lump.recommended = true;
        } else if let Some(c) = card.as_mut().filter(|c| c.affordable == Some(true)) {
            c.recommended = true;
        } else if inst.affordable == Some(true) {
            inst.recommended = true;
        } else {
            suspend.recommended = true;
        }
    }
    // Most useful first: the recommended option, then the rest in a fixed order.
    let mut rest = vec![lump, inst];
    if let Some(c) = card {
        rest.insert(0, c);
    }
    rest.push(suspend);
    rest.sort_by_key(|o| !o.recommended);
    out.extend(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annuity_matches_a_known_schedule() {
        // 10,000 yuan over 12 months at 24% a year (2% a month): 945.60 yuan (rounded up).
        assert_eq!(annuity(Money::from_yuan(10_000), Decimal::new(24, 2), 12), Some(Money::from_fen(94_560)));
        assert_eq!(annuity(Money::from_yuan(1_200), Decimal::ZERO, 12), Some(Money::from_yuan(100)));
        assert_eq!(annuity(Money::from_yuan(1_200), Decimal::new(24, 2), 5_000), None);
    }

    proptest::proptest! {
        /// Paying the annuity every month clears the balance at that rate, and a payment one fen
        /// smaller would not (it is the least such payment, to the fen).
        #[test]
        fn annuity_clears_the_balance(fen in 10_000i64..10_000_000, pct in 0u32..36, months in 1u32..120) {
            let balance = Money::from_fen(fen);
            let annual = Decimal::new(i64::from(pct), 2);
            let pay = annuity(balance, annual, months).expect("in range");
            let r = annual / Decimal::from(12);
            let owe_after = |p: Money| {
                let mut b = balance.to_yuan();
                for _ in 0..months {
                    b = b * (Decimal::ONE + r) - p.to_yuan();
                }
                b
            };
            proptest::prop_assert!(owe_after(pay) <= Decimal::ZERO);
            proptest::prop_assert!(owe_after(pay - Money::from_fen(1)) > Decimal::ZERO);
        }
    }
}
