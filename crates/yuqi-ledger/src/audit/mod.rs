//! Audit of one debt and of a whole case: everything the "what do I really owe"
//! report shows, computed from the case model and the law data. `audit_debt` reads as its
//! steps; the steps themselves are in `steps.rs` (computing) and `checks.rs` (findings).

use chrono::NaiveDate;
use serde::Serialize;
use yuqi_case::{Case, Debt, RateSource};
use yuqi_law::{LawError, law};
use yuqi_money::{Decimal, Money, ROUNDING_POLICY_ZH, format_rate_percent};

use crate::apr::Apr;
use crate::caps::{CapPlan, LegalDates, plan};
use crate::engine::LedgerOutcome;
use crate::findings::{Finding, Severity};
use crate::schedule::Installment;
use crate::stacking::{StackingLink, detect_stacking};
use crate::trace::{TraceParam, TraceStep};

// The steps of `audit_debt`: computing (`steps`), then judging the figures (`checks`).
mod checks;
mod offset;
mod steps;

pub use offset::{IF_OFFSET_ZH, IfOffset, SUPPORTED_ZH, UNSETTLED_ZH};

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AuditError {
    #[error("law data: {0}")]
    Law(#[from] LawError),
    /// The case cannot be computed at these dates: what [`crate::validate`] finds.
    #[error(transparent)]
    Input(#[from] crate::validate::InputErrors),
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
    /// Where `stated_rate` came from; `apr::stated_rate_name_zh` names it.
    pub rate_source: RateSource,
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
    /// The lawful total if the over-cap charges the primary result leaves paid are set against
    /// principal (disputed): every text that states `supported_total` states this beside it.
    pub if_offset: Option<IfOffset>,
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
    /// The supported total with every debt's [`IfOffset`] figure in place of its own, when any
    /// debt has one.
    pub supported_total_if_offset: Option<Money>,
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

/// A loan without an agreed repayment date is due when the lender demands it (民法典 第675条):
/// the first demand that reached the borrower, else the suit, else it is not due yet — so no
/// overdue interest runs before that. Only a one-payment loan is re-dated; a schedule the case
/// states is kept.
fn due_on_demand(debt: &Debt, dates: LegalDates) -> Option<(Debt, TraceStep)> {
    use yuqi_case::{EventKind, Method, Repayment};
    if !debt.no_term {
        return None;
    }
    let Repayment::Method { method: Method::Bullet, periods, period, .. } = &debt.repayment else {
        return None;
    };
    let (periods, period) = (*periods, *period);
    let demands = debt
        .events
        .iter()
        .filter(|e| {
            (e.kind == EventKind::Demand && e.reached_debtor())
                || matches!(e.kind, EventKind::LawsuitFiled | EventKind::LawsuitServed)
        })
        .map(|e| e.effective_date())
        .chain(debt.demand.as_ref().and_then(|d| d.date))
        .chain((!dates.filing_assumed).then_some(dates.filing))
        .filter(|d| *d > debt.contract_date);
    let demanded = demands.min();
    let due = demanded.unwrap_or_else(|| dates.as_of.succ_opt().unwrap_or(dates.as_of));
    let text = match demanded {
        Some(d) => format!("借款没有约定还款期限：{d} 催告（或起诉）后到期，此前不算逾期"),
        None => format!("借款没有约定还款期限，至 {} 没有催告或起诉的记录：尚未到期，不计逾期利息", dates.as_of),
    };
    let mut d = debt.clone();
    d.repayment = Repayment::Method { method: Method::Bullet, periods, period, first_due: due };
    Some((d, TraceStep::new("no_term_due_on_demand", text).on(due)))
}

/// Terms the case states indirectly, restated for the computation: money that arrived after
/// the contract date earns interest from that day (民法典 第670、677、679条); a rate the borrower
/// does not know is taken at the most the law supports for the contract, so what is computed is
/// an upper bound (a lower agreed rate only lowers it).
fn restate_terms(
    debt: &Debt,
    dates: LegalDates,
    trace: &mut Vec<TraceStep>,
    findings: &mut Vec<Finding>,
) -> Result<Option<Debt>, AuditError> {
    if debt.disbursed.is_none_or(|x| x <= debt.contract_date) && !debt.rate_unknown {
        return Ok(None);
    }
    let mut d = debt.clone();
    if let Some(x) = debt.disbursed.filter(|x| *x > debt.contract_date) {
        trace.push(
            TraceStep::new(
                "interest_from_disbursement",
                format!("合同日期 {}，钱 {x} 才到账：利息从到账之日起计算", debt.contract_date),
            )
            .on(x),
        );
        d.contract_date = x;
    }
    if debt.rate_unknown {
        let cap = plan(&d, dates)?.contract_rate_cap;
        let text = match cap {
            Some(c) => format!("利率不详：按法律允许支持的最高年利率 {} 计算，实际约定更低的，应还的只会更少", pct(c)),
            None => "利率不详，而当时对这类借款没有利率上限：无法计算利息，只计本金".to_string(),
        };
        trace.push(TraceStep::new("rate_unknown", text.clone()));
        findings.push(Finding::new(
            "rate_unknown",
            Severity::Info,
            "rate_unknown",
            "利率不详",
            format!("{text}。找到合同或还款计划后请补上利率，结果会更准确。"),
        ));
        d.rate = yuqi_money::RateInput::annual(cap.unwrap_or(Decimal::ZERO));
        d.rate.text = "利率不详（按法律允许的最高利率计算最多应还）".to_string();
        d.rate_unknown = false;
    }
    Ok(Some(d))
}

/// A debt a judgment decided is computed from the judgment: what it ordered as fixed sums
/// (principal; interest and costs taken as stated), the interest it ordered to run after (its
/// rate on its base, from its first day), and after the time to perform it the doubled interest
/// on the unpaid fixed sums, never on the running interest (法释〔2014〕8号 第1、2条). No cap: the
/// court has already decided.
fn judgment_as_balance(debt: &Debt, trace: &mut Vec<TraceStep>) -> Result<Option<Debt>, AuditError> {
    use yuqi_case::{Opening, OverdueTerms, Penalty};
    let Some(j) = &debt.judgment else {
        return Ok(None);
    };
    let deadline = j.deadline.unwrap_or(j.effective);
    let daily = law().param("enforcement.delay_interest_daily_rate", deadline)?;
    let start = j.from.filter(|_| j.rate.is_some()).unwrap_or(j.effective).min(j.effective);
    // The running interest on its base, as a rate on the judgment's principal.
    let running = j.rate.as_ref().map(|r| {
        let base = j.base.unwrap_or(j.principal);
        let scale = if j.principal.is_zero() { Decimal::ONE } else { base.to_yuan() / j.principal.to_yuan() };
        let annual = r.annual_equivalent(Decimal::from(365)) * scale;
        (annual, format!("以 {} 为基数按{}自 {} 起计算", base.to_grouped_string(), r.text, start))
    });
    trace.push(
        TraceStep::new(
            "judgment_debt",
            format!(
                "判决（调解书）{} 生效：本金 {}、利息等 {}、诉讼费等 {}（按判决，不再复核）；此后利息：{}；履行期限 {} 届满后未还的部分，另按日{}计加倍部分债务利息（不含一般债务利息）",
                j.effective,
                j.principal.to_grouped_string(),
                j.interest.to_grouped_string(),
                j.costs.to_grouped_string(),
                running.as_ref().map_or("判决没有确定".to_string(), |r| r.1.clone()),
                deadline,
                daily.prose()
            ),
        )
        .on(deadline)
        .param(TraceParam::legal(&daily, daily.prose(), format!("履行期限届满日 {deadline}"))),
    );
    let mut d = debt.clone();
    d.opening = Some(Opening {
        date: start,
        principal: j.principal,
        interest: j.interest + j.costs,
        overdue: Money::ZERO,
        by: Some("判决确定".to_string()),
    });
    let rate = yuqi_money::RateInput::annual(running.map_or(Decimal::ZERO, |r| r.0));
    d.rate = rate.clone();
    d.rate_missing = false;
    d.fees.clear();
    d.overdue = OverdueTerms {
        rate: Some(rate),
        markup: None,
        compound: false,
        penalty: Some(Penalty::DailyPercent(daily.decimal())),
        late_fee: None,
    };
    d.claim = None;
    Ok(Some(d))
}

/// A guarantor's recourse (民法典 第700条) is computed as a balance on the day it paid: what it
/// paid (no more than the borrower lawfully owed, when that is known), the loan principal in
/// it as the base, interest from the next day at the rate the guarantee agreement sets or, when
/// none, the one-year LPR of the payment day — fixed, as courts take it. A penalty agreed as a
/// share or sum stands beside it (reducible on the borrower's request, 第585条, never cut
/// here); a daily penalty runs on the whole unpaid amount.
fn recourse_as_balance(
    debt: &Debt,
    trace: &mut Vec<TraceStep>,
    findings: &mut Vec<Finding>,
) -> Result<Option<Debt>, AuditError> {
    use yuqi_case::{Opening, OverdueTerms, Penalty};
    use yuqi_money::RateInput;
    let Some(r) = &debt.recourse else {
        return Ok(None);
    };
    let paid = r.owed.map_or(r.paid, |o| r.paid.min(o));
    let base = r.principal.unwrap_or(paid).min(paid);
    let (rate, rate_text) = match &r.rate {
        Some(rate) => (rate.clone(), format!("担保合同约定的追偿利率 {}", rate.text)),
        None => {
            let lpr = law().lpr(r.date)?;
            (
                RateInput::annual(lpr.one_year),
                format!(
                    "担保合同没有约定追偿利率：按代偿日 {} 的一年期LPR {}（{} 公布）计算，此后不随LPR变动",
                    r.date,
                    pct(lpr.one_year),
                    lpr.published
                ),
            )
        }
    };
    let once = match debt.overdue.penalty {
        Some(Penalty::Once(m)) => m,
        Some(Penalty::OncePercent(p)) => Money::round_from_yuan(paid.to_yuan() * p),
        Some(Penalty::OncePercentMin(p, min)) => Money::round_from_yuan(paid.to_yuan() * p).max(min),
        _ => Money::ZERO,
    };
    let daily = match debt.overdue.penalty {
        Some(p @ Penalty::DailyPercent(_)) => Some(p),
        _ => None,
    };
    trace.push(
        TraceStep::new(
            "guarantor_recourse",
            format!(
                "担保人于 {} 代偿 {}{}；追偿以其中的本金 {} 为基数，{}",
                r.date,
                r.paid.to_grouped_string(),
                match r.owed {
                    Some(o) if o < r.paid => format!(
                        "，超过你当时依法应还的 {}，只能追偿 {}",
                        o.to_grouped_string(),
                        paid.to_grouped_string()
                    ),
                    Some(_) => "（不超过你当时依法应还的数额）".to_string(),
                    None => "（未填写你当时依法应还多少，没有核对代偿是否超过）".to_string(),
                },
                base.to_grouped_string(),
                rate_text
            ),
        )
        .on(r.date)
        .amount(paid),
    );
    if debt.overdue.penalty.is_some() {
        findings.push(Finding::new(
            "recourse_penalty",
            Severity::Info,
            "recourse_penalty_reducible",
            "担保合同约定的违约金可以请求减少",
            "担保合同约定的违约金，法院一般按约定支持；如果明显过高，你可以在诉讼中请求法院适当减少（需要自己提出）。本工具按约定计算，没有减少。".to_string(),
        ));
    }
    let mut d = debt.clone();
    d.opening = Some(Opening {
        date: r.date,
        principal: base,
        interest: paid - base,
        overdue: once,
        by: Some("担保人代偿".to_string()),
    });
    d.rate = rate.clone();
    d.rate_missing = false;
    d.fees.clear();
    d.overdue = OverdueTerms { rate: Some(rate), markup: None, compound: false, penalty: daily, late_fee: None };
    Ok(Some(d))
}

/// The debt on the terms the lender claims, when it claims less than the contract allows
/// (`[debt.claim]`; a court does not award more than was asked, 民事诉讼法 第13条). A claimed
/// term higher than the contract's is ignored: the contract already limits the claim.
fn claimed_terms(debt: &Debt, trace: &mut Vec<TraceStep>) -> Option<Debt> {
    let c = debt.claim.as_ref()?;
    let dpy = Decimal::from(365);
    let base = debt.rate.annual_equivalent(dpy);
    // The contract's own overdue rate: agreed, or the rate plus the agreed markup, or (none
    // agreed) the loan's rate — what a claim is measured against.
    let contract_overdue = match (&debt.overdue.rate, debt.overdue.markup) {
        (Some(r), _) => r.annual_equivalent(dpy),
        (None, Some(m)) => base * (Decimal::ONE + m),
        (None, None) => base,
    };
    let mut d = debt.clone();
    let mut said = Vec::new();
    let mut ignored = Vec::new();
    if let Some(r) = &c.rate {
        if r.annual_equivalent(dpy) < base {
            said.push(format!("借期内利率只主张 {}（合同约定 {}）", r.text, debt.rate.text));
            d.rate = r.clone();
            d.rate_missing = false;
        } else {
            ignored.push(format!("主张的借期内利率 {}", r.text));
        }
    }
    let claimed_overdue = match (&c.overdue_rate, c.markup) {
        (Some(r), _) => {
            Some((r.annual_equivalent(dpy), format!("逾期利率只主张 {}", r.text), format!("主张的逾期利率 {}", r.text)))
        }
        (None, Some(m)) => Some((
            d.rate.annual_equivalent(dpy) * (Decimal::ONE + m),
            format!("罚息只主张在利率上加收 {}", pct(m)),
            format!("主张的罚息上浮 {}", pct(m)),
        )),
        (None, None) => None,
    };
    if let Some((annual, text, name)) = claimed_overdue {
        if annual < contract_overdue {
            said.push(text);
            match (&c.overdue_rate, c.markup) {
                (Some(r), _) => {
                    d.overdue.rate = Some(r.clone());
                    d.overdue.markup = None;
                }
                (None, m) => {
                    d.overdue.markup = m;
                    d.overdue.rate = None;
                }
            }
        } else {
            ignored.push(name);
        }
    }
    if !ignored.is_empty() {
        trace.push(TraceStep::new(
            "claim_below_contract",
            format!(
                "{}不低于合同约定，不采用：按合同计算（对方不能通过诉讼请求得到合同以外的利息）",
                ignored.join("、")
            ),
        ));
    }
    if said.is_empty() {
        return None;
    }
    trace.push(TraceStep::new(
        "claim_below_contract",
        format!("出借人{}：法院不超出诉讼请求判决，按主张的计算", said.join("，")),
    ));
    Some(d)
}

/// Audits every debt of a case.
pub fn audit_case(case: &Case, opts: AuditOptions) -> Result<CaseAudit, AuditError> {
    let problems = crate::validate::validate(case, opts);
    if !problems.is_empty() {
        return Err(crate::validate::InputErrors(problems).into());
    }
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
        supported_total_if_offset: debts
            .iter()
            .any(|d| d.if_offset.is_some())
            .then(|| debts.iter().map(|d| d.if_offset.map_or(d.supported_total, |o| o.supported_total)).sum()),
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

/// Audits one debt. The steps run in this order, which is also the order of the trace:
/// the recognised principal, the schedules, the real cost, the caps and the overdue rule, the
/// ledgers (the lender's view and every lawful scenario), the findings the figures give, and
/// the comparison with the demand.
pub fn audit_debt(debt: &Debt, dates: LegalDates) -> Result<DebtAudit, AuditError> {
    let mut problems = Vec::new();
    let filing = (!dates.filing_assumed).then_some(dates.filing);
    crate::validate::validate_debt(debt, dates.as_of, filing, &mut problems);
    if !problems.is_empty() {
        return Err(crate::validate::InputErrors(problems).into());
    }
    let l = law();
    let dpy_param = l.param("day_count.days_per_year", debt.contract_date)?;
    // A contract that states its day basis (日利率 = 年利率/360) is computed on it.
    let dpy = debt.day_count.map_or(dpy_param.decimal(), Decimal::from);
    let mut trace = Vec::new();
    let mut findings = Vec::new();
    if let Some(o) = &debt.opening {
        trace.push(
            TraceStep::new(
                "opening_balance",
                format!(
                    "从结欠日 {} 开始计算{}：本金 {}（当天全部到期）、利息 {}、罚息等 {}；此前的部分按认定的数额，不再复核",
                    o.date,
                    o.by.as_deref().map_or(String::new(), |b| format!("（{b}）")),
                    o.principal.to_grouped_string(),
                    o.interest.to_grouped_string(),
                    o.overdue.to_grouped_string()
                ),
            )
            .on(o.date),
        );
    }
    let restated;
    let debt = match restate_terms(debt, dates, &mut trace, &mut findings)? {
        Some(d) => {
            restated = d;
            &restated
        }
        None => debt,
    };
    let on_demand;
    let debt = match due_on_demand(debt, dates) {
        Some((d, step)) => {
            trace.push(step);
            on_demand = d;
            &on_demand
        }
        None => debt,
    };
    // The loan's own terms: what the principal, the schedules, the real cost and the stated rate
    // are about. A judgment or a guarantor's payment then restates the debt as a balance, and
    // the ledgers run on that.
    let terms = debt;
    let judged;
    let debt = match judgment_as_balance(debt, &mut trace)? {
        Some(d) => {
            judged = d;
            &judged
        }
        None => debt,
    };
    let as_balance;
    let debt = match recourse_as_balance(debt, &mut trace, &mut findings)? {
        Some(d) => {
            as_balance = d;
            &as_balance
        }
        None => debt,
    };

    // 1. The principal the law recognises.
    let principal_initial = steps::recognised_principal(terms, &mut trace, &mut findings);

    // 2. Schedules.
    let schedules = steps::schedules(terms, principal_initial, &dpy_param, &mut trace);

    // 3. Real cost.
    let apr = steps::real_cost(terms, principal_initial, &schedules, dpy, &mut trace, &mut findings);

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
    trace.push(match debt.day_count {
        Some(n) => TraceStep::new("day_count", format!("合同约定日利率 = 年利率 ÷ {n}：按 {n} 天折算逐日计提")),
        None => TraceStep::new("day_count", format!("年利率按 {dpy} 天折算为日利率逐日计提")).param(TraceParam::legal(
            &dpy_param,
            format!("{dpy}"),
            "计息基准",
        )),
    });
    if debt.rate.per == yuqi_money::RatePer::Month && !debt.rate.is_zero() {
        trace.push(TraceStep::new(
            "monthly_rate_whole_months",
            format!(
                "合同按月约定利率：整月按月利率计算（每月为一年的十二分之一，上限也这样折算），不足一月的天数按年利率 ÷ {dpy} 逐日计算"
            ),
        ));
    }
    // A claim for less than the contract allows: the ledgers run on the terms claimed.
    let claimed = claimed_terms(debt, &mut trace);
    let ledger_debt = claimed.as_ref().unwrap_or(debt);
    let overdue = steps::overdue_rule(ledger_debt, dpy, dates, &mut trace, &mut findings)?;
    let claimed_schedules = claimed.as_ref().map(|d| steps::schedules(d, principal_initial, &dpy_param, &mut trace));
    let ledger_schedules = claimed_schedules.as_ref().unwrap_or(&schedules);

    // 5. Ledgers: the lender's view and every lawful scenario.
    let runs = steps::Runs::new(ledger_debt, principal_initial, ledger_schedules, overdue, dpy);
    let contract_view = runs.contract(dates.as_of);
    let mut results: Vec<ScenarioResult> = scenarios.iter().map(|s| runs.scenario(s, dates.as_of)).collect();
    let lawful = results.remove(0);
    let alternatives = results;
    let lg = &lawful.ledger;
    steps::trace_lawful_ledger(lg, principal_initial, dates.as_of, &mut trace);

    // 6. Findings from the figures.
    let cap = headline_rate;
    let stated_annual = terms.rate.annual_equivalent(dpy);
    checks::cost_findings(terms, dates, &apr, contract_rate_cap, stated_annual, &mut findings);
    let if_offset = IfOffset::of(&lawful, &alternatives);
    checks::ledger_findings(debt, dates, lg, if_offset, &mut findings);
    checks::card_findings(debt, dpy, &mut findings)?;

    // 7. The demand.
    let demand = debt.demand.as_ref();
    let checks::DemandCheck { demand_date, supported_at_demand, excess } =
        checks::demand_check(debt, dates, &runs, &scenarios[0], &lawful, &contract_view, &mut trace, &mut findings);

    Ok(DebtAudit {
        id: debt.id.clone(),
        lender: debt.lender.clone(),
        kind: debt.kind.code(),
        kind_label: debt.kind_label_zh(),
        platform: debt.platform.clone(),
        contract_date: debt.contract_date,
        as_of: dates.as_of,
        contract_principal: debt.principal,
        received: debt.received,
        principal_initial,
        stated_rate: terms.rate.text.clone(),
        rate_source: terms.rate_source,
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
        if_offset,
        contract_balance: contract_view.balance(),
        demanded_total: demand.map(|d| d.amount),
        demand_date,
        supported_at_demand,
        excess,
        paid_total: lg.paid_total,
        overdue_since: contract_view.overdue_since,
        apr,
        schedule_contract: schedules.contract,
        schedule_lawful: schedules.lawful,
        contract_view,
        lawful,
        alternatives,
        findings,
        trace,
    })
}
