//! The findings a debt's figures give (cost, caps, payments, credit cards) and the
//! comparison with the collector's demand.

use chrono::NaiveDate;
use yuqi_case::{Debt, FeeTiming, LenderKind, RateSource};
use yuqi_law::{LawError, law};
use yuqi_money::{Decimal, Money, format_rate_percent};

use super::steps::Runs;
use super::{IfOffset, ScenarioResult, pct};
use crate::apr::{Apr, RateMeasure, stated_rate_name_zh};
use crate::caps::{LegalDates, Scenario};
use crate::engine::LedgerOutcome;
use crate::findings::{Finding, Severity};
use crate::trace::TraceStep;

/// Whether a computed annual rate is above a line, as the finding prints them (percent with two
/// decimals). An IRR solved in floating point puts a 24 % contract a hair above 24 %; a finding
/// "24.00% 高于 24.00%" would contradict its own figures.
fn above(rate: Decimal, line: Decimal) -> bool {
    let shown = rate.round_dp_with_strategy(4, yuqi_money::RoundingStrategy::MidpointAwayFromZero);
    shown > line
}

/// Step 6a: the contract's real cost against the caps, the disclosure rule, the criminal and
/// regulatory lines, and a void contract.
pub(super) fn cost_findings(
    debt: &Debt,
    dates: LegalDates,
    apr: &Apr,
    contract_rate_cap: Option<Decimal>,
    stated_annual: Decimal,
    findings: &mut Vec<Finding>,
) {
    let l = law();
    if let (Some(cap), Some(nominal)) = (contract_rate_cap, apr.nominal)
        && above(nominal, cap)
    {
        findings.push(Finding::new(
            "apr_above_cap",
            Severity::Violation,
            if debt.rate_kind().is_financial_institution() { "financial_combined_cap" } else { "private_rate_cap" },
            "真实年化成本超过法律支持的上限",
            format!(
                "{}（计入全部费用、按实际到手金额计算）为 {}，高于适用上限 {}；超出部分法院不予支持。",
                RateMeasure::HEADLINE.name_zh(),
                pct(nominal),
                pct(cap)
            ),
        ));
    }
    if let Some(nominal) = apr.nominal
        && !debt.rate_missing
        && nominal - stated_annual > Decimal::new(5, 3)
    {
        // A rate worked out from the borrower's answers is not the contract's: the finding then
        // says what the instalments hide, and leaves what the contract states to be checked.
        let (title, disclosure) = match debt.rate_source {
            RateSource::Contract => ("合同利率低估了真实成本", "贷款机构应以年化利率（含全部费用）披露成本。"),
            RateSource::Instalments => (
                "只看每期还款额，低估了真实成本",
                "贷款机构应以年化利率（含全部费用）披露成本：请对照借款页面或合同上写的年化利率。",
            ),
        };
        findings.push(Finding::new(
            "rate_understated",
            Severity::Warning,
            "apr_disclosure",
            title,
            format!(
                "{}折合每年 {}，计入费用和预扣后的{}为 {}。{disclosure}",
                stated_rate_name_zh(debt.rate_source),
                pct(stated_annual),
                RateMeasure::HEADLINE.name_zh(),
                pct(nominal)
            ),
        ));
    }
    let has_fees = debt.fees.iter().any(|f| f.timing == FeeTiming::PerPeriod);
    if has_fees {
        findings.push(Finding::new(
            "fees_as_interest",
            Severity::Info,
            "fees_as_interest",
            "每期收取的服务费、担保费等按利息计入上限",
            "本计算将每期费用与利息合并，共同受利率上限约束。",
        ));
    }
    // Every line is compared with the one rate the report compares with the caps (the lowest of
    // the measures as a rule, so a finding that it is above a line holds under the others).
    if let Some(eff) = apr.headline() {
        // The criminal line is applied by the criminal court now, so the current
        // parameter value (as of the audit date) decides.
        if let Ok(line) = l.param("criminal.illegal_lending_rate_line", dates.as_of)
            && matches!(debt.rate_kind(), LenderKind::Private | LenderKind::Unlicensed)
            && above(eff, line.decimal())
        {
            findings.push(Finding::new(
                "illegal_lending_line",
                Severity::Warning,
                "illegal_lending_line",
                format!("实际年利率超过{}：出借人可能涉嫌非法放贷", line.prose()),
                format!(
                    "{} {} 超过 {}。如果出借人没有放贷资格并经常向不特定的人放贷，可能涉嫌非法经营罪（这是出借人的刑事风险，不是你的）。可以向公安机关反映。",
                    RateMeasure::HEADLINE.name_zh(),
                    pct(eff),
                    pct(line.decimal())
                ),
            ));
        }
        if debt.rate_kind().is_financial_institution()
            && let Ok(reg) = l.param("financial.regulatory_cost_line", debt.contract_date)
            && eff > reg.decimal()
        {
            findings.push(Finding::new(
                "regulatory_cost_line",
                Severity::Warning,
                "regulatory_cost_line",
                "综合融资成本超过监管红线",
                format!(
                    "{} {} 超过监管口径的 {}。可以向金融监管部门（12378）反映。",
                    RateMeasure::HEADLINE.name_zh(),
                    pct(eff),
                    pct(reg.decimal())
                ),
            ));
        }
    }
    if debt.kind == LenderKind::Unlicensed {
        findings.push(Finding::new(
            "void_contract",
            Severity::Violation,
            "unlicensed_void",
            "借贷合同可能无效：只需返还实际到手的本金",
            "如果出借人是没有放贷资格、以放贷为业的人或公司，合同无效，约定的利息不受法律保护；你已付的全部款项都可冲抵本金。",
        ));
    }
}

/// Step 6b: what the primary lawful ledger shows: charges over the cap, over-cap payments,
/// overpayment.
pub(super) fn ledger_findings(
    debt: &Debt,
    dates: LegalDates,
    lg: &LedgerOutcome,
    if_offset: Option<IfOffset>,
    findings: &mut Vec<Finding>,
) {
    if lg.claimed.total() > lg.allowed {
        findings.push(
            Finding::new(
                "charges_exceed_cap",
                Severity::Violation,
                lawful_rule(debt),
                "利息、罚息和费用超过上限",
                format!(
                    "按合同条款（以实际本金计）到 {} 的利息、费用、罚息等共 {}，依法最多支持 {}，超出 {}。",
                    dates.as_of,
                    lg.claimed.total().to_grouped_string(),
                    lg.allowed.to_grouped_string(),
                    (lg.claimed.total() - lg.allowed).to_grouped_string()
                ),
            )
            .amount(lg.claimed.total() - lg.allowed),
        );
    }
    if lg.over_cap_paid.is_positive() {
        // The rule of the regime the case is tried under: the old rules' refund above 36 % (a
        // band between the two lines), or the current rules' silence (offsetting disputed).
        let old = lg.segments.iter().any(|s| matches!((s.enforce, s.retain), (Some(e), Some(r)) if r > e));
        findings.push(
            Finding::new(
                "over_cap_paid",
                Severity::Warning,
                if old { "over_cap_paid_old" } else { "over_cap_paid_offset" },
                "你已经多付了超过上限的利息",
                format!(
                    "已付款项中有 {} 超过了依法可支持的利息费用。{}",
                    lg.over_cap_paid.to_grouped_string(),
                    if_offset.map_or(String::new(), |o| format!("{}（见“其他算法”）。", o.clause()))
                ),
            )
            .amount(lg.over_cap_paid),
        );
    }
    if lg.overpaid.is_positive() {
        findings.push(
            Finding::new(
                "overpaid",
                Severity::Warning,
                "over_cap_paid_offset",
                "你已还清依法应还的全部金额并多付",
                format!("按本算法，你已多付 {}，可以主张不再还款并要求返还多付部分。", lg.overpaid.to_grouped_string()),
            )
            .amount(lg.overpaid),
        );
    }
}

/// What the demand is compared with.
pub(super) struct DemandCheck {
    pub(super) demand_date: Option<NaiveDate>,
    pub(super) supported_at_demand: Option<Money>,
    pub(super) excess: Option<Money>,
}

/// Step 7: the collector's demand against the lawful amount and the contract's own amount on
/// the demand date, and fees outside the contract.
#[allow(clippy::too_many_arguments)]
pub(super) fn demand_check(
    debt: &Debt,
    dates: LegalDates,
    runs: &Runs<'_>,
    primary: &Scenario,
    lawful: &ScenarioResult,
    contract_view: &LedgerOutcome,
    trace: &mut Vec<TraceStep>,
    findings: &mut Vec<Finding>,
) -> DemandCheck {
    let demand = debt.demand.as_ref();
    let demand_date = demand.and_then(|d| d.date).filter(|d| *d >= debt.contract_date);
    let supported_at_demand = demand.map(|_| match demand_date {
        Some(dd) if dd != dates.as_of => runs.scenario(primary, dd).supported_total,
        _ => lawful.supported_total,
    });
    let excess = demand.zip(supported_at_demand).map(|(d, s)| d.amount - s);
    if let (Some(d), Some(s), Some(x)) = (demand, supported_at_demand, excess) {
        trace.push(
            TraceStep::new(
                "demand_vs_lawful",
                format!(
                    "对方{}主张 {}；同日依法可支持 {}；{}",
                    demand_date.map_or(String::new(), |dd| format!("于 {dd} ")),
                    d.amount.to_grouped_string(),
                    s.to_grouped_string(),
                    if x.is_positive() { format!("多要 {}", x.to_grouped_string()) } else { "未超出".to_string() }
                ),
            )
            .amount(x),
        );
        if x.is_positive() {
            findings.push(
                Finding::new(
                    "wrong_amount",
                    Severity::Violation,
                    "demand_vs_lawful",
                    "催收金额超过法律支持的金额",
                    format!(
                        "对方要求还 {}，依法最多支持 {}，多要了 {}。你可以要求对方提供借款合同和逐项计算明细，并只就依法金额协商。",
                        d.amount.to_grouped_string(),
                        s.to_grouped_string(),
                        x.to_grouped_string()
                    ),
                )
                .disputed(lawful.disputed)
                .amount(x),
            );
        }
        let contract_at_demand = match demand_date {
            Some(dd) if dd != dates.as_of => runs.contract(dd).balance(),
            _ => contract_view.balance(),
        };
        let beyond_contract = d.amount - contract_at_demand;
        if beyond_contract > Money::from_yuan(1) {
            findings.push(
                Finding::new(
                    "demand_exceeds_contract",
                    Severity::Violation,
                    "demand_vs_lawful",
                    "催收金额连合同自己的算法都超出",
                    format!(
                        "即使完全按合同条款（不考虑任何上限）计算，同日欠款也只有 {}，对方却要求 {}，多出 {}。多出部分可能是合同外的“催收费”“手续费”，或计算错误。",
                        contract_at_demand.to_grouped_string(),
                        d.amount.to_grouped_string(),
                        beyond_contract.to_grouped_string()
                    ),
                )
                .amount(beyond_contract),
            );
        }
        if let Some(other) = d.breakdown.other
            && other.is_positive()
        {
            findings.push(
                Finding::new(
                    "extra_fee_demanded",
                    Severity::Violation,
                    "demand_vs_lawful",
                    "催收中另收合同外费用",
                    format!("对方在本金、利息、罚息和合同费用之外另列 {}（如催收费、律师费、停催费）。合同未约定的费用不应由你承担。", other.to_grouped_string()),
                )
                .amount(other),
            );
        }
    }
    DemandCheck { demand_date, supported_at_demand, excess }
}

fn lawful_rule(debt: &Debt) -> &'static str {
    match debt.rate_kind() {
        LenderKind::Unlicensed => "unlicensed_void",
        k if k.is_financial_institution() => "financial_combined_cap",
        _ => "private_combined_cap",
    }
}

/// Step 6c: credit-card rules (interest on fees, instalment term, the old daily cap).
pub(super) fn card_findings(debt: &Debt, dpy: Decimal, findings: &mut Vec<Finding>) -> Result<(), LawError> {
    if debt.rate_kind() != LenderKind::CreditCard {
        return Ok(());
    }
    let l = law();
    if let Some(card) = &debt.card {
        if card.interest_on_fees {
            findings.push(Finding::new(
                "credit_card_interest_on_fees",
                Severity::Violation,
                "credit_card_no_interest_on_fees",
                "对违约金、年费等收取利息",
                "发卡银行不得对违约金、年费、取现手续费等服务费用计收利息；这部分利息应剔除。",
            ));
        }
        if let Some(months) = card.installment_months
            && let Ok(max) = l.param("credit_card.max_installment_years", debt.contract_date)
            && Decimal::from(months) > max.decimal() * Decimal::from(12)
        {
            findings.push(Finding::new(
                "credit_card_installment_too_long",
                Severity::Warning,
                "credit_card_installment_term",
                format!("分期期限超过{}年", max.prose()),
                format!("分期 {months} 个月，超过规定的最长 {} 年。", max.decimal()),
            ));
        }
    }
    if let Ok(cap) = l.param("credit_card.daily_rate_cap", debt.contract_date) {
        let daily = debt.rate.annual_equivalent(dpy) / dpy;
        if daily > cap.decimal() {
            findings.push(Finding::new(
                "credit_card_rate_above_cap",
                Severity::Violation,
                "credit_card_rate",
                "透支利率超过当时的上限",
                format!(
                    "折合日利率 {}，超过 {} 至 {} 期间日利率万分之五的上限。",
                    format_rate_percent(daily, 4),
                    cap.from,
                    cap.until.map_or(String::new(), |u| u.to_string())
                ),
            ));
        }
    }
    Ok(())
}
