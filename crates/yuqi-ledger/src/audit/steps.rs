//! The computing steps of a debt's audit, in order: the principal the law recognises, the
//! schedules, the real cost, the overdue rule, and the ledger runs. Each adds its trace steps
//! (and findings) as it goes, so the trace reads in the order the figures were found.

use chrono::NaiveDate;
use yuqi_case::{Debt, LenderKind, Method, Repayment};
use yuqi_law::{LawError, ParamAt, law};
use yuqi_money::{Decimal, Money};

use super::{ScenarioResult, pct, pct_opt};
use crate::apr::{Apr, contract_apr, net_received};
use crate::caps::Scenario;
use crate::engine::{self, LedgerInput, LedgerOutcome, OverdueRule};
use crate::findings::{Finding, Severity};
use crate::schedule::{Installment, contract_schedule, periodic_rate, schedule_for_principal};
use crate::trace::{TraceParam, TraceStep};

/// Step 1: the principal the law recognises (what was received, less fees paid on day 0);
/// money withheld up front (砍头息) and day-0 fees are findings.
pub(super) fn recognised_principal(debt: &Debt, trace: &mut Vec<TraceStep>, findings: &mut Vec<Finding>) -> Money {
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
                format!("，放款当日另付或放款后返还的费用 {}", upfront.to_grouped_string())
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
    for f in &debt.fees {
        if let yuqi_case::FeeTiming::Kickback(on) = f.timing {
            let days = (on - debt.contract_date).num_days();
            trace.push(
                TraceStep::new(
                    "kickback",
                    format!(
                        "放款后第 {days} 天（{on}）返还给对方 {}（{}）：到手的钱被拿回，和预先扣除一样，不算本金",
                        debt.fee_amount(f).to_grouped_string(),
                        f.name
                    ),
                )
                .on(on)
                .amount(debt.fee_amount(f)),
            );
        }
    }
    if upfront.is_positive() {
        findings.push(
            Finding::new(
                "upfront_fee",
                Severity::Violation,
                "upfront_fee_not_principal",
                "放款时另收或放款后拿回的费用，视同预扣",
                format!(
                    "放款当日或放款后不久要求另付、返还共 {} 元，实质上减少了可用资金，按预扣处理，依法本金为 {} 元。",
                    upfront.to_grouped_string(),
                    principal_initial.to_grouped_string()
                ),
            )
            .amount(upfront),
        );
    }
    principal_initial
}

/// The contract's schedule, the same schedule on the recognised principal, and what the
/// contract's schedule adds up to.
pub(super) struct Schedules {
    pub(super) contract: Vec<Installment>,
    pub(super) lawful: Vec<Installment>,
    pub(super) contract_total: Money,
}

/// Step 2: the schedules.
pub(super) fn schedules(
    debt: &Debt,
    principal_initial: Money,
    dpy_param: &ParamAt,
    trace: &mut Vec<TraceStep>,
) -> Schedules {
    let dpy = dpy_param.decimal();
    let schedule_contract = contract_schedule(debt, dpy);
    let mut schedule_lawful = schedule_for_principal(debt, principal_initial, dpy);
    // Money that arrived after the contract date earns interest only from then (民法典 第677、679条):
    // the first period's interest, charged for a whole period, is cut to the days the money was
    // there.
    if debt.disbursed.is_some()
        && let Repayment::Method { method, period, first_due, .. } = &debt.repayment
        && *method != Method::Bullet
        && let Some(first) = schedule_lawful.first_mut()
    {
        let period_start = match period {
            yuqi_case::Period::Month => first_due.checked_sub_months(chrono::Months::new(1)).unwrap_or(*first_due),
            yuqi_case::Period::Days(n) => *first_due - chrono::Duration::days(i64::from(*n)),
        };
        let (full, had) = ((*first_due - period_start).num_days(), (*first_due - debt.contract_date).num_days());
        if full > 0 && had < full {
            let share = Decimal::from(had.max(0)) / Decimal::from(full);
            let cut = Money::round_from_yuan(first.interest.to_yuan() * share);
            trace.push(TraceStep::new(
                "interest_from_disbursement",
                format!(
                    "第1期利息 {} 是整期的；钱到账后只有 {had} 天（整期 {full} 天），依法按 {} 计",
                    first.interest.to_grouped_string(),
                    cut.to_grouped_string()
                ),
            ));
            first.interest = cut;
        }
    }
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
            .param(TraceParam::legal(dpy_param, format!("{dpy} 天"), "计息基准"))
            .amount(contract_total),
    );
    Schedules { contract: schedule_contract, lawful: schedule_lawful, contract_total }
}

/// Step 3: the real cost of the contract (nominal, effective, XIRR) on the money received.
pub(super) fn real_cost(
    debt: &Debt,
    principal_initial: Money,
    schedules: &Schedules,
    dpy: Decimal,
    trace: &mut Vec<TraceStep>,
    findings: &mut Vec<Finding>,
) -> Apr {
    let (schedule_contract, contract_total) = (&schedules.contract, schedules.contract_total);
    let apr = contract_apr(debt, schedule_contract, dpy);
    trace.push(
        TraceStep::new(
            "irr",
            format!(
                "到手 {}，按计划共还 {}（成本 {}，为到手金额的 {}）：{}",
                principal_initial.to_grouped_string(),
                contract_total.to_grouped_string(),
                apr.total_cost.to_grouped_string(),
                pct_opt(apr.cost_share),
                apr.measures()
                    .iter()
                    .map(|(m, v)| format!("{} {}", m.name_zh(), pct_opt(*v)))
                    .collect::<Vec<_>>()
                    .join("，")
            ),
        )
        .param(TraceParam::plain("计算方法", apr.method.clone())),
    );
    trace.push(TraceStep::new(
        "apr_disclosure",
        format!(
            "年化利率以全部借款成本（利息及一切相关费用）除以实际占用本金计算；三种算法都列出，和上限比较的是{}",
            crate::apr::RateMeasure::HEADLINE.name_zh()
        ),
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
    apr
}

/// Step 4 (after the caps): the overdue rule the contract (or, where silent, the law) sets.
pub(super) fn overdue_rule(
    debt: &Debt,
    dpy: Decimal,
    dates: crate::caps::LegalDates,
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
    } else if debt.rate_missing
        && !debt.rate_kind().is_financial_institution()
        && l.param_first("private_lending.old.enforceable_cap").is_ok_and(|p| dates.filing < p.from)
    {
        // A case filed before the 2015 provisions: the 1991 opinion's bank rate of the term.
        let b = l.bank_benchmark(first_due, crate::caps::term_months(debt))?;
        (
            b.rate,
            TraceStep::new(
                "private_1991_no_rate_overdue",
                format!(
                    "没有约定利息，2015-09-01 前起诉：逾期利息参照逾期时（{first_due}）同期限的银行贷款基准利率 {}",
                    pct(b.rate)
                ),
            )
            .on(first_due)
            .param(TraceParam::cited(
                "银行贷款基准利率",
                pct(b.rate),
                Some(format!("逾期日 {first_due}")),
                b.citation.clone(),
            )),
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
                // The case is filed after the 2015 provisions took effect (the 1991 branch above
                // takes the earlier ones), and they govern every case accepted after that day,
                // whenever the loan fell overdue: their rule stands for earlier overdue dates.
                let p = l.param_or_first("private_lending.old.default_overdue_rate", first_due)?;
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

/// Step 5: the ledger runs of one debt, the lender's view and the lawful scenarios, all on
/// the same payments and overdue rule.
pub(super) struct Runs<'a> {
    debt: &'a Debt,
    principal_initial: Money,
    schedules: &'a Schedules,
    payments: Vec<(NaiveDate, Money, bool)>,
    /// The payments after a stated balance's date (those before are in the balance).
    after_opening: Vec<(NaiveDate, Money, bool)>,
    follows: bool,
    overdue: OverdueRule,
    dpy: Decimal,
}

impl<'a> Runs<'a> {
    pub(super) fn new(
        debt: &'a Debt,
        principal_initial: Money,
        schedules: &'a Schedules,
        overdue: OverdueRule,
        dpy: Decimal,
    ) -> Runs<'a> {
        let all = payments(debt);
        let after_opening =
            debt.opening.as_ref().map_or_else(Vec::new, |o| all.iter().copied().filter(|p| p.0 > o.date).collect());
        Runs {
            debt,
            principal_initial,
            schedules,
            after_opening,
            payments: all,
            follows: interest_follows_balance(debt),
            overdue,
            dpy,
        }
    }

    /// The run's start: the contract, or a balance stated on a date (`[debt.opening]`), from
    /// which the stated principal is all due and only later payments count.
    fn input<'b>(
        &'b self,
        principal: Money,
        schedule: &'b [Installment],
        caps: &'b [crate::engine::CapSegment],
        as_of: NaiveDate,
    ) -> LedgerInput<'b> {
        let (start, principal, schedule, payments, opening) = match &self.debt.opening {
            Some(o) => (o.date, o.principal, &[][..], &self.after_opening[..], Some((o.interest, o.overdue))),
            None => (self.debt.contract_date, principal, schedule, &self.payments[..], None),
        };
        LedgerInput {
            start,
            principal,
            schedule,
            interest_follows_balance: self.follows,
            overdue: self.overdue.clone(),
            payments,
            caps,
            days_per_year: self.dpy,
            as_of,
            opening,
            penalty_from: self.debt.judgment.as_ref().map(|j| j.deadline.unwrap_or(j.effective)),
            // Whole months only for a rate quoted per month: the loan's own, carried into the
            // overdue time when no other overdue rate was agreed, or an overdue rate quoted per
            // month. An overdue rate quoted per year or day is counted by days.
            months_from: match &self.debt.overdue.rate {
                Some(r) => r.per == yuqi_money::RatePer::Month,
                None => self.debt.rate.per == yuqi_money::RatePer::Month && !self.debt.rate.is_zero(),
            }
            .then_some(start),
        }
    }

    /// The lender's own computation: contract principal and schedule, no cap.
    pub(super) fn contract(&self, as_of: NaiveDate) -> LedgerOutcome {
        engine::run(&self.input(self.debt.principal, &self.schedules.contract, &[], as_of))
    }

    /// One lawful scenario: the recognised principal under the scenario's caps.
    pub(super) fn scenario(&self, s: &Scenario, as_of: NaiveDate) -> ScenarioResult {
        let ledger = engine::run(&self.input(self.principal_initial, &self.schedules.lawful, &s.segments, as_of));
        ScenarioResult {
            id: s.id.clone(),
            label: s.label.clone(),
            disputed: s.disputed,
            why: s.why.clone(),
            supported_total: ledger.balance(),
            ledger,
        }
    }
}

/// Step 5's trace: the primary lawful ledger, segment by segment, and how payments were applied.
pub(super) fn trace_lawful_ledger(
    lg: &LedgerOutcome,
    principal_initial: Money,
    as_of: NaiveDate,
    trace: &mut Vec<TraceStep>,
) {
    // A run from a stated balance starts on its day, on its principal.
    let (start_principal, start) =
        lg.opening.as_ref().map_or((principal_initial, None), |o| (o.principal, Some(o.date)));
    trace.push(
        TraceStep::new(
            "lawful_ledger",
            format!(
                "按依法本金 {}{} 计算至 {}：合同条款主张的利息、费用、罚息等合计 {}，依上限可支持 {}",
                start_principal.to_grouped_string(),
                start.map_or(String::new(), |d| format!("（自 {d} 起）")),
                as_of,
                lg.claimed.total().to_grouped_string(),
                lg.allowed.to_grouped_string()
            ),
        )
        .on(as_of)
        .amount(lg.allowed),
    );
    for seg in &lg.segments {
        let from = start.map_or(seg.from, |d| seg.from.max(d));
        let range = match seg.until {
            Some(u) => format!("{from} 至 {u}"),
            None => format!("{from} 起"),
        };
        let detail = match (seg.enforce, seg.allowance) {
            (Some(rate), Some(allowance)) => format!(
                "{range}：上限年利率 {}，按未还本金逐日累计可支持 {}；合同条款主张 {}；逐期取较小者，合计 {}",
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
}

fn interest_follows_balance(debt: &Debt) -> bool {
    !matches!(debt.repayment, Repayment::Method { method: Method::Flat, .. })
}

fn payments(debt: &Debt) -> Vec<(NaiveDate, Money, bool)> {
    debt.payments.iter().map(|p| (p.date, p.amount, p.to_principal)).collect()
}
