//! Audit of one debt and of a whole case: everything the "what do I really owe"
//! report shows, computed from the case model and the law data.

use chrono::NaiveDate;
use serde::Serialize;
use yuqi_case::{Case, Debt, FeeTiming, LenderKind, Method, Repayment};
use yuqi_law::{LawError, law};
use yuqi_money::{Decimal, Money, ROUNDING_POLICY_ZH, format_rate_percent};

use crate::apr::{Apr, contract_apr, net_received};
use crate::caps::{CapPlan, LegalDates, Scenario, plan};
use crate::engine::{self, LedgerInput, LedgerOutcome, OverdueRule};
use crate::findings::{Finding, Severity};
use crate::schedule::{Installment, contract_schedule, periodic_rate, schedule_for_principal};
use crate::stacking::{StackingLink, detect_stacking};
use crate::trace::{TraceParam, TraceStep};

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AuditError {
    #[error("law data: {0}")]
    Law(#[from] LawError),
    #[error("借款 {debt}：计算截止日 {as_of} 早于合同日期 {contract}")]
    AsOfBeforeContract { debt: String, as_of: NaiveDate, contract: NaiveDate },
}

/// One full ledger run under one scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScenarioResult {
    pub id: String,
    pub label: String,
    pub disputed: bool,
    pub why: String,
    pub ledger: LedgerOutcome,
    /// Principal + enforceable unpaid charges.
    pub supported_total: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DebtAudit {
    pub id: String,
    pub lender: String,
    pub kind: &'static str,
    pub kind_label: &'static str,
    pub platform: Option<String>,
    pub contract_date: NaiveDate,
    pub as_of: NaiveDate,
    pub contract_principal: Money,
    pub received: Money,
    /// The principal the law recognises on day 0 (received less day-0 fees).
    pub principal_initial: Money,
    pub stated_rate: String,
    pub stated_annual: Decimal,
    pub apr_nominal: Option<Decimal>,
    pub apr_effective: Option<Decimal>,
    pub apr_xirr: Option<Decimal>,
    /// The enforceable annual cap of the primary scenario on the as-of date.
    pub cap_rate: Option<Decimal>,
    /// The cap on the agreed rate (primary scenario, contract date).
    pub cap_rate_at_contract: Option<Decimal>,
    pub cap_basis: String,
    /// Primary scenario, as of `as_of`.
    pub principal_lawful: Money,
    pub interest_lawful: Money,
    pub fees_lawful: Money,
    pub overdue_lawful: Money,
    pub supported_total: Money,
    pub supported_disputed: bool,
    /// The lender's own computation (contract principal, no cap).
    pub contract_balance: Money,
    pub demanded_total: Option<Money>,
    pub demand_date: Option<NaiveDate>,
    /// Supported amount on the demand date (what the demand is compared with).
    pub supported_at_demand: Option<Money>,
    /// demanded − supported on the demand date (may be negative).
    pub excess: Option<Money>,
    pub paid_total: Money,
    pub overdue_since: Option<NaiveDate>,
    pub apr: Apr,
    pub schedule_contract: Vec<Installment>,
    pub schedule_lawful: Vec<Installment>,
    pub contract_view: LedgerOutcome,
    pub lawful: ScenarioResult,
    pub alternatives: Vec<ScenarioResult>,
    pub findings: Vec<Finding>,
    pub trace: Vec<TraceStep>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Totals {
    pub contract_balance: Money,
    pub supported_total: Money,
    /// Lowest supported total over each debt's scenarios.
    pub supported_total_low: Money,
    pub demanded_total: Money,
    pub excess: Money,
    pub paid_total: Money,
    /// Sum of this month's scheduled instalments still to come (for the budget).
    pub monthly_due: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CaseAudit {
    pub title: String,
    pub as_of: NaiveDate,
    pub filing_date: NaiveDate,
    pub filing_assumed: bool,
    pub debts: Vec<DebtAudit>,
    pub totals: Totals,
    pub stacking: Vec<StackingLink>,
    pub findings: Vec<Finding>,
    pub rounding_policy: &'static str,
    pub disclaimer: &'static str,
}

pub const DISCLAIMER_ZH: &str = "本报告由开源软件 yuqi 根据你填写的信息和公开的法律规定自动计算，不是律师意见，也不能代替法院判决。\
法律规定以官方文本为准；标注“有争议”的结论在各地法院可能不同。金额仅在你提供的信息准确时成立。";

#[derive(Debug, Clone, Copy)]
pub struct AuditOptions {
    pub as_of: NaiveDate,
    pub filing_date: Option<NaiveDate>,
}

fn pct(d: Decimal) -> String {
    format_rate_percent(d, 2)
}

fn pct_opt(d: Option<Decimal>) -> String {
    d.map_or_else(|| "无法计算".to_string(), pct)
}

/// Audits every debt of a case.
pub fn audit_case(case: &Case, opts: AuditOptions) -> Result<CaseAudit, AuditError> {
    let filing = opts.filing_date.or(case.filing_date);
    let dates =
        LegalDates { as_of: opts.as_of, filing: filing.unwrap_or(opts.as_of), filing_assumed: filing.is_none() };
    let debts = case.debts.iter().map(|d| audit_debt(d, dates)).collect::<Result<Vec<_>, _>>()?;
    let with_schedules: Vec<(&Debt, &[Installment])> =
        case.debts.iter().zip(&debts).map(|(d, a)| (d, a.schedule_contract.as_slice())).collect();
    let stacking = detect_stacking(&with_schedules);
    let mut findings = Vec::new();
    if !stacking.is_empty() {
        findings.push(Finding::new(
            "loan_stacking",
            Severity::Warning,
            "loan_stacking",
            "可能存在以贷养贷",
            format!("发现 {} 处借新还旧的迹象（见“以贷养贷”一节）。继续借新还旧会让总成本越滚越高；应尽早停止，并按依法核算的金额逐笔协商。", stacking.len()),
        ));
    }
    let month_end = opts.as_of.checked_add_months(chrono::Months::new(1)).unwrap_or(opts.as_of);
    let totals = Totals {
        contract_balance: debts.iter().map(|d| d.contract_balance).sum(),
        supported_total: debts.iter().map(|d| d.supported_total).sum(),
        supported_total_low: debts
            .iter()
            .map(|d| {
                d.alternatives
                    .iter()
                    .map(|a| a.supported_total)
                    .chain([d.supported_total])
                    .min()
                    .unwrap_or(d.supported_total)
            })
            .sum(),
        demanded_total: debts.iter().filter_map(|d| d.demanded_total).sum(),
        excess: debts.iter().filter_map(|d| d.excess).filter(|e| e.is_positive()).sum(),
        paid_total: debts.iter().map(|d| d.paid_total).sum(),
        monthly_due: debts
            .iter()
            .flat_map(|d| d.schedule_contract.iter())
            .filter(|i| i.due > opts.as_of && i.due <= month_end)
            .map(Installment::total)
            .sum(),
    };
    Ok(CaseAudit {
        title: case.title.clone(),
        as_of: opts.as_of,
        filing_date: dates.filing,
        filing_assumed: dates.filing_assumed,
        debts,
        totals,
        stacking,
        findings,
        rounding_policy: ROUNDING_POLICY_ZH,
        disclaimer: DISCLAIMER_ZH,
    })
}

/// The overdue rule the contract (or, where silent, the law) sets.
fn overdue_rule(
    debt: &Debt,
    dpy: Decimal,
    trace: &mut Vec<TraceStep>,
    findings: &mut Vec<Finding>,
) -> Result<OverdueRule, LawError> {
    let l = law();
    let base = debt.rate.annual_equivalent(dpy);
    let o = &debt.overdue;
    let first_due = match &debt.repayment {
        Repayment::Method { first_due, .. } => *first_due,
        Repayment::Explicit(rows) => rows.first().map_or(debt.contract_date, |r| r.due),
    };
    let (rate, step) = if let Some(r) = &o.rate {
        let a = r.annual_equivalent(dpy);
        (a, TraceStep::new("overdue_interest_agreed", format!("约定逾期利率 {}，折合年利率 {}", r.text, pct(a))))
    } else if let Some(m) = o.markup {
        let a = base * (Decimal::ONE + m);
        let lo = l.param("bank.penalty_markup_min", debt.contract_date.max(first_due))?;
        let hi = l.param("bank.penalty_markup_max", debt.contract_date.max(first_due))?;
        if debt.rate_kind() == LenderKind::Bank && m > hi.decimal() {
            findings.push(Finding::new(
                "bank_penalty_markup_high",
                Severity::Warning,
                "bank_penalty_rate",
                "罚息上浮比例高于人民银行规定",
                format!(
                    "合同约定罚息在合同利率上加收 {}，高于规定的 {}–{}。",
                    pct(m),
                    pct(lo.decimal()),
                    pct(hi.decimal())
                ),
            ));
        }
        (
            a,
            TraceStep::new(
                "bank_penalty_rate",
                format!("罚息利率 = 合同利率 {} × (1 + {}) = {}", pct(base), pct(m), pct(a)),
            )
            .param(TraceParam::legal(&lo, pct(lo.decimal()), "逾期日"))
            .param(TraceParam::legal(&hi, pct(hi.decimal()), "逾期日")),
        )
    } else if debt.rate_missing && !debt.rate_kind().is_financial_institution() {
        // 规定 28(1): neither rate agreed → LPR at the time, from the overdue date.
        match (
            l.lpr(first_due),
            l.param("private_lending.no_rate_overdue_lpr_multiple", first_due.max(debt.contract_date)),
        ) {
            (Ok(lpr), Ok(mult)) => {
                let a = lpr.one_year * mult.decimal();
                (
                    a,
                    TraceStep::new(
                        "private_overdue_cap",
                        format!("既未约定借期内利率也未约定逾期利率：逾期利息参照逾期时一年期LPR {}", pct(a)),
                    )
                    .on(first_due)
                    .param(TraceParam::legal(&mult, mult.value, format!("逾期日 {first_due}"))),
                )
            }
            _ => {
                let p = l.param("private_lending.old.default_overdue_rate", first_due)?;
                (
                    p.decimal(),
                    TraceStep::new(
                        "private_old_regime",
                        format!("既未约定借期内利率也未约定逾期利率：旧规定下逾期利率 {}", pct(p.decimal())),
                    )
                    .param(TraceParam::legal(&p, pct(p.decimal()), format!("逾期日 {first_due}"))),
                )
            }
        }
    } else {
        (
            base,
            TraceStep::new(
                "overdue_interest_agreed",
                format!("未约定逾期利率：逾期本金继续按借期内利率 {} 计息", pct(base)),
            ),
        )
    };
    trace.push(step);
    if o.compound {
        trace.push(TraceStep::new("bank_penalty_rate", format!("对逾期未付的利息按 {} 计收复利", pct(rate))));
    }
    Ok(OverdueRule { rate, compound: o.compound.then_some(rate), penalty: o.penalty, late_fee: o.late_fee })
}

fn interest_follows_balance(debt: &Debt) -> bool {
    !matches!(debt.repayment, Repayment::Method { method: Method::Flat, .. })
}

fn payments(debt: &Debt) -> Vec<(NaiveDate, Money)> {
    debt.payments.iter().map(|p| (p.date, p.amount)).collect()
}

/// Audits one debt.
pub fn audit_debt(debt: &Debt, dates: LegalDates) -> Result<DebtAudit, AuditError> {
    if dates.as_of < debt.contract_date {
        return Err(AuditError::AsOfBeforeContract {
            debt: debt.id.clone(),
            as_of: dates.as_of,
            contract: debt.contract_date,
        });
    }
    let l = law();
    let dpy_param = l.param("day_count.days_per_year", debt.contract_date)?;
    let dpy = dpy_param.decimal();
    let mut trace = Vec::new();
    let mut findings = Vec::new();

    // 1. The principal the law recognises.
    let deducted = debt.principal - debt.received;
    let principal_initial = net_received(debt);
    let upfront = debt.received - principal_initial;
    let mut step = TraceStep::new(
        "kantouxi",
        format!(
            "合同本金 {}，实际到手 {}{}；依法认定的本金为 {}",
            debt.principal.to_grouped_string(),
            debt.received.to_grouped_string(),
            if upfront.is_positive() {
                format!("，放款当日另付费用 {}", upfront.to_grouped_string())
            } else {
                String::new()
            },
            principal_initial.to_grouped_string()
        ),
    )
    .on(debt.contract_date)
    .amount(principal_initial);
    if upfront.is_positive() {
        step = step.param(TraceParam::plain("放款当日另付的费用", upfront.to_grouped_string()));
    }
    trace.push(step);
    if deducted.is_positive() {
        findings.push(
            Finding::new(
                "kantouxi",
                Severity::Violation,
                "kantouxi",
                "存在砍头息：被预扣的部分不是本金",
                format!(
                    "合同写明借款 {} 元，实际只收到 {} 元，差额 {} 元被预先扣除。法律上本金按实际到手金额 {} 元认定，利息也只能按实际金额计算。",
                    debt.principal.to_grouped_string(),
                    debt.received.to_grouped_string(),
                    deducted.to_grouped_string(),
                    debt.received.to_grouped_string()
                ),
            )
            .amount(deducted),
        );
    }
    if upfront.is_positive() {
        findings.push(
            Finding::new(
                "upfront_fee",
                Severity::Violation,
                "upfront_fee_not_principal",
                "放款当日另收费用，视同预扣",
                format!(
                    "放款当日要求另付 {} 元费用，实质上减少了可用资金，按预扣处理，依法本金为 {} 元。",
                    upfront.to_grouped_string(),
                    principal_initial.to_grouped_string()
                ),
            )
            .amount(upfront),
        );
    }

    // 2. Schedules.
    let schedule_contract = contract_schedule(debt, dpy);
    let schedule_lawful = schedule_for_principal(debt, principal_initial, dpy);
    let schedule_detail = match &debt.repayment {
        Repayment::Method { method, periods, period, first_due } => format!(
            "{}，{} 期，每期一{}，首期 {}；{}",
            method.label_zh(),
            periods,
            period.label_zh(),
            first_due,
            periodic_rate(debt, *period, dpy).explanation
        ),
        Repayment::Explicit(rows) => format!("按合同/App 列出的 {} 期明细还款计划", rows.len()),
    };
    let contract_total: Money = schedule_contract.iter().map(Installment::total).sum();
    trace.push(
        TraceStep::new("schedule", format!("{schedule_detail}；按合同应还合计 {}", contract_total.to_grouped_string()))
            .param(TraceParam::legal(&dpy_param, format!("{dpy} 天"), "计息基准"))
            .amount(contract_total),
    );

    // 3. Real cost.
    let apr = contract_apr(debt, &schedule_contract, dpy);
    trace.push(
        TraceStep::new(
            "irr",
            format!(
                "到手 {}，按计划共还 {}（成本 {}）：名义年化 {}，实际年化 {}，XIRR {}",
                principal_initial.to_grouped_string(),
                contract_total.to_grouped_string(),
                apr.total_cost.to_grouped_string(),
                pct_opt(apr.nominal),
                pct_opt(apr.effective),
                pct_opt(apr.xirr)
            ),
        )
        .param(TraceParam::plain("计算方法", apr.method.clone())),
    );
    trace.push(TraceStep::new(
        "apr_disclosure",
        "年化利率以全部借款成本（利息及一切相关费用）除以实际占用本金计算；名义与实际两个口径都列出",
    ));
    if let Some(e) = &apr.error {
        findings.push(Finding::new(
            "apr_unavailable",
            Severity::Warning,
            "irr",
            "无法计算真实年化利率",
            format!("现金流不足以求出年化利率：{e}"),
        ));
    }

    // 4. Caps.
    let CapPlan {
        scenarios,
        headline_rate,
        contract_rate_cap,
        headline_basis,
        trace: cap_trace,
        findings: cap_findings,
    } = plan(debt, dates)?;
    trace.extend(cap_trace);
    findings.extend(cap_findings);
    trace.push(TraceStep::new("day_count", format!("年利率按 {dpy} 天折算为日利率逐日计提")).param(TraceParam::legal(
        &dpy_param,
        format!("{dpy}"),
        "计息基准",
    )));
    let overdue = overdue_rule(debt, dpy, &mut trace, &mut findings)?;

    // 5. Ledgers: the lender's view and every lawful scenario.
    let pays = payments(debt);
    let follows = interest_follows_balance(debt);
    let contract_view = engine::run(&LedgerInput {
        start: debt.contract_date,
        principal: debt.principal,
        schedule: &schedule_contract,
        interest_follows_balance: follows,
        overdue: overdue.clone(),
        payments: &pays,
        caps: &[],
        days_per_year: dpy,
        as_of: dates.as_of,
    });
    let run_scenario = |s: &Scenario, as_of: NaiveDate| -> ScenarioResult {
        let ledger = engine::run(&LedgerInput {
            start: debt.contract_date,
            principal: principal_initial,
            schedule: &schedule_lawful,
            interest_follows_balance: follows,
            overdue: overdue.clone(),
            payments: &pays,
            caps: &s.segments,
            days_per_year: dpy,
            as_of,
        });
        ScenarioResult {
            id: s.id.clone(),
            label: s.label.clone(),
            disputed: s.disputed,
            why: s.why.clone(),
            supported_total: ledger.balance(),
            ledger,
        }
    };
    let mut results: Vec<ScenarioResult> = scenarios.iter().map(|s| run_scenario(s, dates.as_of)).collect();
    let lawful = results.remove(0);
    let alternatives = results;
    let lg = &lawful.ledger;

    trace.push(
        TraceStep::new(
            "lawful_ledger",
            format!(
                "按依法本金 {} 计算至 {}：合同条款主张的利息、费用、罚息等合计 {}，依上限可支持 {}",
                principal_initial.to_grouped_string(),
                dates.as_of,
                lg.claimed.total().to_grouped_string(),
                lg.allowed.to_grouped_string()
            ),
        )
        .on(dates.as_of)
        .amount(lg.allowed),
    );
    for seg in &lg.segments {
        let range = match seg.until {
            Some(u) => format!("{} 至 {}", seg.from, u),
            None => format!("{} 起", seg.from),
        };
        let detail = match (seg.enforce, seg.allowance) {
            (Some(rate), Some(allowance)) => format!(
                "{range}：上限年利率 {}，按未还本金逐日累计可支持 {}；合同条款主张 {}；取较小者 {}",
                pct(rate),
                allowance.to_grouped_string(),
                seg.claimed.to_grouped_string(),
                seg.allowed.to_grouped_string()
            ),
            _ => format!("{range}：无上限，主张 {}", seg.claimed.to_grouped_string()),
        };
        trace.push(TraceStep::new("lawful_ledger", detail).on(seg.from).amount(seg.allowed));
    }
    if !lg.applications.is_empty() {
        let shown: Vec<String> = lg
            .applications
            .iter()
            .map(|a| {
                format!(
                    "{} 还 {}：冲抵利息费用 {}、本金 {}{}",
                    a.date,
                    a.amount.to_grouped_string(),
                    a.to_charges.to_grouped_string(),
                    a.to_principal.to_grouped_string(),
                    if a.overpaid.is_positive() {
                        format!("、多付 {}", a.overpaid.to_grouped_string())
                    } else {
                        String::new()
                    }
                )
            })
            .collect();
        trace.push(
            TraceStep::new("payment_order", format!("还款按“费用→利息→本金”冲抵：{}", shown.join("；")))
                .amount(lg.paid_total),
        );
    }

    // 6. Findings from the figures.
    let cap = headline_rate;
    let stated_annual = debt.rate.annual_equivalent(dpy);
    if let (Some(cap), Some(nominal)) = (contract_rate_cap, apr.nominal)
        && nominal > cap
    {
        findings.push(Finding::new(
            "apr_above_cap",
            Severity::Violation,
            if debt.rate_kind().is_financial_institution() { "financial_combined_cap" } else { "private_rate_cap" },
            "真实年化成本超过法律支持的上限",
            format!(
                "计入全部费用、按实际到手金额计算的名义年化利率为 {}，高于适用上限 {}；超出部分法院不予支持。",
                pct(nominal),
                pct(cap)
            ),
        ));
    }
    if let Some(nominal) = apr.nominal
        && !debt.rate_missing
        && nominal - stated_annual > Decimal::new(5, 3)
    {
        findings.push(Finding::new(
            "rate_understated",
            Severity::Warning,
            "apr_disclosure",
            "合同利率低估了真实成本",
            format!("合同写的利率折合年化 {}，计入费用和预扣后的真实名义年化为 {}。贷款机构应以年化利率（含全部费用）披露成本。", pct(stated_annual), pct(nominal)),
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
    if let Some(eff) = apr.effective.or(apr.xirr) {
        // The criminal line is applied by the criminal court now, so the current
        // parameter value (as of the audit date) decides.
        if let Ok(line) = l.param("criminal.illegal_lending_rate_line", dates.as_of)
            && matches!(debt.rate_kind(), LenderKind::Private | LenderKind::Unlicensed)
            && eff > line.decimal()
        {
            findings.push(Finding::new(
                "illegal_lending_line",
                Severity::Warning,
                "illegal_lending_line",
                format!("实际年利率超过{}：出借人可能涉嫌非法放贷", line.prose()),
                format!(
                    "实际年化 {} 超过 {}。如果出借人没有放贷资格并经常向不特定的人放贷，可能涉嫌非法经营罪（这是出借人的刑事风险，不是你的）。可以向公安机关反映。",
                    pct(eff),
                    pct(line.decimal())
                ),
            ));
        }
        if debt.rate_kind().is_financial_institution()
            && let Ok(reg) = l.param("financial.regulatory_cost_line", debt.contract_date)
            && apr.nominal.unwrap_or(eff) > reg.decimal()
        {
            findings.push(Finding::new(
                "regulatory_cost_line",
                Severity::Warning,
                "regulatory_cost_line",
                "综合融资成本超过监管红线",
                format!(
                    "名义年化 {} 超过监管口径的 {}。可以向金融监管部门（12378）反映。",
                    pct(apr.nominal.unwrap_or(eff)),
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
        let offset = alternatives.iter().find(|a| a.id.ends_with("_offset"));
        findings.push(
            Finding::new(
                "over_cap_paid",
                Severity::Warning,
                "over_cap_paid_offset",
                "你已经多付了超过上限的利息",
                format!(
                    "已付款项中有 {} 超过了依法可支持的利息费用。{}",
                    lg.over_cap_paid.to_grouped_string(),
                    offset.map_or(String::new(), |o| format!(
                        "若法院支持冲抵本金，剩余应还为 {}（见“其他算法”）。",
                        o.supported_total.to_grouped_string()
                    ))
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
    card_findings(debt, dpy, &mut findings)?;

    // 7. The demand.
    let demand = debt.demand.as_ref();
    let demand_date = demand.and_then(|d| d.date).filter(|d| *d >= debt.contract_date);
    let supported_at_demand = demand.map(|_| match demand_date {
        Some(dd) if dd != dates.as_of => {
            let s = &scenarios[0];
            run_scenario(s, dd).supported_total
        }
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
            Some(dd) if dd != dates.as_of => engine::run(&LedgerInput {
                start: debt.contract_date,
                principal: debt.principal,
                schedule: &schedule_contract,
                interest_follows_balance: follows,
                overdue: overdue.clone(),
                payments: &pays,
                caps: &[],
                days_per_year: dpy,
                as_of: dd,
            })
            .balance(),
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

    Ok(DebtAudit {
        id: debt.id.clone(),
        lender: debt.lender.clone(),
        kind: debt.kind.code(),
        kind_label: debt.kind.label_zh(),
        platform: debt.platform.clone(),
        contract_date: debt.contract_date,
        as_of: dates.as_of,
        contract_principal: debt.principal,
        received: debt.received,
        principal_initial,
        stated_rate: debt.rate.text.clone(),
        stated_annual,
        apr_nominal: apr.nominal,
        apr_effective: apr.effective,
        apr_xirr: apr.xirr,
        cap_rate: cap,
        cap_rate_at_contract: contract_rate_cap,
        cap_basis: headline_basis,
        principal_lawful: lg.principal_outstanding,
        interest_lawful: lg.unpaid_interest,
        fees_lawful: lg.unpaid_fees,
        overdue_lawful: lg.unpaid_overdue,
        supported_total: lawful.supported_total,
        supported_disputed: lawful.disputed,
        contract_balance: contract_view.balance(),
        demanded_total: demand.map(|d| d.amount),
        demand_date,
        supported_at_demand,
        excess,
        paid_total: lg.paid_total,
        overdue_since: contract_view.overdue_since,
        apr,
        schedule_contract,
        schedule_lawful,
        contract_view,
        lawful,
        alternatives,
        findings,
        trace,
    })
}

fn lawful_rule(debt: &Debt) -> &'static str {
    match debt.rate_kind() {
        LenderKind::Unlicensed => "unlicensed_void",
        k if k.is_financial_institution() => "financial_combined_cap",
        _ => "private_combined_cap",
    }
}

fn card_findings(debt: &Debt, dpy: Decimal, findings: &mut Vec<Finding>) -> Result<(), LawError> {
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
