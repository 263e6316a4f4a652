//! The real annual cost of a loan contract (PBOC announcement 〔2021〕 No. 3):
//! all costs against the money actually received, by internal rate of return.
//!
//! [`RateMeasure`] is the one place that names the annual rates a borrower or a lawyer reads and
//! fixes their order: every shell (CLI, documents, letters, web pages, the API description) takes
//! the names from here, so the same figure has the same name everywhere. See docs/law/apr.md §5.

use chrono::NaiveDate;
use serde::Serialize;
use yuqi_case::{Debt, FeeTiming, Method, RateSource, Repayment};
use yuqi_money::{Decimal, Money};

use crate::irr::{self, IrrError};
use crate::schedule::whole_months;
use crate::schedule::{Installment, periods_per_year};

/// One cash flow from the borrower's side: + received, − paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Flow {
    pub date: NaiveDate,
    pub amount: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Apr {
    /// Periodic IRR × periods per year (the PBOC-style annualisation).
    pub nominal: Option<Decimal>,
    /// (1 + periodic IRR)^periods − 1.
    pub effective: Option<Decimal>,
    /// Excel XIRR on the actual dates (act/365).
    pub xirr: Option<Decimal>,
    pub periodic: Option<Decimal>,
    pub periods_per_year: Option<Decimal>,
    /// How the figures were obtained, in Chinese.
    pub method: String,
    pub flows: Vec<Flow>,
    pub total_cost: Money,
    /// The whole cost as a fraction of the money received on day 0 (`None` when nothing was
    /// received). For a loan of a few days this is what one term costs, which says more than an
    /// annual rate compounded over terms the borrower never took.
    pub cost_share: Option<Decimal>,
    pub error: Option<IrrError>,
}

/// One of the annual rates computed from a contract's cash flows.
///
/// [`RateMeasure::HEADLINE`] is the one compared with the legal caps and shown wherever a single
/// annual rate is shown (a table column, a letter); the others follow it, in [`RateMeasure::ALL`]
/// order, only where the computation is shown in full.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RateMeasure {
    /// Periodic IRR × periods per year ([`Apr::nominal`]): the simple annual rate on the money
    /// actually in use, fees included. The headline.
    Nominal,
    /// (1 + periodic IRR)^periods − 1 ([`Apr::effective`]).
    Effective,
    /// XIRR on the schedule's dates, act/365 ([`Apr::xirr`]).
    Xirr,
}

/// What the contract itself states as the rate, as every report labels it: the rate on the
/// contract amount, without fees or deductions — not an annual cost.
pub const STATED_RATE_ZH: &str = "合同写的利率";

/// A rate worked out from the instalment amount and count the borrower gave (the interview
/// does this when the contract's rate is not remembered): it is not what the contract says.
pub const INSTALMENT_RATE_ZH: &str = "按你填写的每期还款额推算的利率";

/// The name of a debt's own rate (`Debt::rate_source`, `DebtAudit::rate_source`), wherever it
/// is printed: only a rate the contract states is called the contract's.
pub const fn stated_rate_name_zh(source: RateSource) -> &'static str {
    match source {
        RateSource::Contract => STATED_RATE_ZH,
        RateSource::Instalments => INSTALMENT_RATE_ZH,
    }
}

impl RateMeasure {
    /// The measure compared with the caps and shown wherever one annual rate is shown.
    pub const HEADLINE: RateMeasure = RateMeasure::Nominal;
    /// Every measure, in the order reports show them.
    pub const ALL: [RateMeasure; 3] = [RateMeasure::Nominal, RateMeasure::Effective, RateMeasure::Xirr];

    /// The measure's one name, in every report, page and letter.
    pub const fn name_zh(self) -> &'static str {
        match self {
            RateMeasure::Nominal => "真实年化利率",
            RateMeasure::Effective => "复利年化利率",
            RateMeasure::Xirr => "按还款日期计算的复利年化利率",
        }
    }

    /// How the measure is computed, in one plain clause (no legal number, no citation: the
    /// documents add the citation from the law data).
    pub const fn how_zh(self) -> &'static str {
        match self {
            RateMeasure::Nominal => {
                "把利息和全部费用都算进去，按实际到手、还没还的钱计算，每期利率乘以一年的期数，利息不再生利息"
            }
            RateMeasure::Effective => "用同样的每期利率，按利息再生利息（复利）滚算一年，所以不会低于真实年化利率",
            RateMeasure::Xirr => "按合同每笔还款的具体日期和天数、以复利计算，还款日不规则时也能算",
        }
    }
}

impl Apr {
    /// The figure of one measure.
    pub fn value(&self, m: RateMeasure) -> Option<Decimal> {
        match m {
            RateMeasure::Nominal => self.nominal,
            RateMeasure::Effective => self.effective,
            RateMeasure::Xirr => self.xirr,
        }
    }

    /// The headline figure ([`RateMeasure::HEADLINE`]).
    pub fn headline(&self) -> Option<Decimal> {
        self.value(RateMeasure::HEADLINE)
    }

    /// Every measure with its figure, in report order.
    pub fn measures(&self) -> [(RateMeasure, Option<Decimal>); 3] {
        RateMeasure::ALL.map(|m| (m, self.value(m)))
    }
}

/// Money the borrower could actually use: received minus fees paid that day and fees paid back
/// to the lender's side a few days later (a kickback takes what a deduction would have).
pub fn net_received(debt: &Debt) -> Money {
    let upfront: Money = debt
        .fees
        .iter()
        .filter(|f| matches!(f.timing, FeeTiming::Upfront | FeeTiming::Kickback(_)))
        .map(|f| debt.fee_amount(f))
        .sum();
    debt.received - upfront
}

fn to_decimal(x: f64) -> Option<Decimal> {
    Decimal::from_f64_retain(x).map(|d| d.round_dp(8))
}

/// APR of the contract as agreed: day 0 net received, then every scheduled instalment
/// including its fees.
pub fn contract_apr(debt: &Debt, schedule: &[Installment], days_per_year: Decimal) -> Apr {
    let start = Flow { date: debt.contract_date, amount: net_received(debt) };
    let mut flows = vec![start];
    flows.extend(schedule.iter().map(|i| Flow { date: i.due, amount: -i.total() }));
    let total_cost = -flows.iter().map(|f| f.amount).sum::<Money>();
    let cost_share = start.amount.is_positive().then(|| (total_cost.to_yuan() / start.amount.to_yuan()).round_dp(8));
    let amounts: Vec<f64> = flows.iter().map(|f| f.amount.to_f64()).collect();
    let dates: Vec<NaiveDate> = flows.iter().map(|f| f.date).collect();
    let xirr = irr::xirr(&dates, &amounts);

    let dpy = days_per_year.to_string().parse::<f64>().unwrap_or(365.0);
    let (periodic, m, method) = match &debt.repayment {
        Repayment::Method { method: Method::Bullet, first_due, period, .. } => {
            // One period from the contract date to maturity.
            let days = (*first_due - debt.contract_date).num_days().max(1) as f64;
            let m = match whole_months(debt.contract_date, *first_due) {
                Some(months) if matches!(period, yuqi_case::Period::Month) => 12.0 / f64::from(months),
                _ => dpy / days,
            };
            (
                irr::irr(&amounts),
                Some(m),
                format!("到期一次还本付息：{} = 这一期的收益率 × 一年的期数", RateMeasure::Nominal.name_zh()),
            )
        }
        Repayment::Method { period, .. } => {
            let m = periods_per_year(*period, days_per_year).to_string().parse::<f64>().ok();
            (
                irr::irr(&amounts),
                m,
                format!(
                    "等间隔还款：先求每期的内部收益率；{} = 每期收益率 × 每年期数；{} = (1 + 每期收益率)^每年期数 − 1",
                    RateMeasure::Nominal.name_zh(),
                    RateMeasure::Effective.name_zh()
                ),
            )
        }
        Repayment::Explicit(_) => (
            Err(IrrError::NoRoot),
            None,
            format!(
                "还款日不规则：按还款日期和天数求{}；{}由它按月折算（月利率 × 12）",
                RateMeasure::Xirr.name_zh(),
                RateMeasure::Nominal.name_zh()
            ),
        ),
    };

    let mut apr = Apr {
        nominal: None,
        effective: None,
        xirr: xirr.as_ref().ok().and_then(|r| to_decimal(r.rate)),
        periodic: None,
        periods_per_year: None,
        method,
        flows,
        total_cost,
        cost_share,
        error: None,
    };
    match (periodic, m) {
        (Ok(root), Some(m)) => {
            apr.periodic = to_decimal(root.rate);
            apr.periods_per_year = to_decimal(m);
            apr.nominal = to_decimal(irr::nominal_annual(root.rate, m));
            apr.effective = to_decimal(irr::effective_annual(root.rate, m));
        }
        _ => match &xirr {
            Ok(root) => {
                apr.effective = to_decimal(root.rate);
                apr.nominal = to_decimal(12.0 * ((1.0 + root.rate).powf(1.0 / 12.0) - 1.0));
            }
            Err(e) => apr.error = Some(e.clone()),
        },
    }
    apr
}
