//! Deterministic synthetic data for benchmarks and tests (no randomness crate:
//! a fixed SplitMix64 stream, so every run and every language sees the same data).

use chrono::NaiveDate;
use yuqi_case::{
    Debt, Fee, FeeAmount, FeeKind, FeeTiming, LenderKind, Method, OverdueTerms, Payee, Payment, Period, Repayment,
    add_period,
};
use yuqi_money::{Decimal, Money, RateInput, RatePer};

/// The stream lives in `yuqi-util` (the batch generator uses it too); re-exported so that
/// benchmarks keep one import.
pub use yuqi_util::SplitMix64;

/// One loan series of the shape used to compare with pyxirr (bench/README.md): −P on day 0, then 12
/// monthly annuity payments at a monthly rate in [0.5%, 3%], each × [0.97, 1.03].
/// Returns day offsets from 1970-01-01 and amounts.
pub fn loan_series(rng: &mut SplitMix64, index: u64) -> ([i32; 13], [f64; 13]) {
    let p = rng.uniform(1_000.0, 50_000.0);
    let r = rng.uniform(0.005, 0.03);
    let pmt = p * r / (1.0 - (1.0 + r).powi(-12));
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    let start = NaiveDate::from_ymd_opt(2023, 1, 1).unwrap_or_default() + chrono::Duration::days((index % 365) as i64);
    let mut days = [0i32; 13];
    let mut amounts = [0f64; 13];
    amounts[0] = -p;
    for k in 0..13u32 {
        // Day of month capped at 28, as in the anchor script.
        let d = add_period(start, Period::Month, k);
        let d = d.with_day_capped();
        days[k as usize] = (d - epoch).num_days() as i32;
        if k > 0 {
            amounts[k as usize] = pmt * rng.uniform(0.97, 1.03);
        }
    }
    (days, amounts)
}

trait CapDay {
    fn with_day_capped(self) -> NaiveDate;
}

impl CapDay for NaiveDate {
    fn with_day_capped(self) -> NaiveDate {
        use chrono::Datelike;
        if self.day() > 28 { self.with_day(28).unwrap_or(self) } else { self }
    }
}

/// A varied, realistic debt for load tests: every lender kind and method, fees,
/// deductions, overdue terms and some payments.
pub fn debt(rng: &mut SplitMix64, i: usize) -> Debt {
    let kinds = [
        LenderKind::Bank,
        LenderKind::ConsumerFinance,
        LenderKind::Microloan,
        LenderKind::CreditCard,
        LenderKind::Private,
        LenderKind::Unlicensed,
    ];
    let methods =
        [Method::EqualInstallment, Method::EqualPrincipal, Method::InterestFirst, Method::Bullet, Method::Flat];
    let kind = kinds[rng.below(kinds.len() as u64) as usize];
    let method = methods[rng.below(methods.len() as u64) as usize];
    let start =
        NaiveDate::from_ymd_opt(2019, 1, 1).unwrap_or_default() + chrono::Duration::days(rng.below(2400) as i64);
    let principal = Money::from_yuan(1_000 + rng.below(99_000) as i64);
    let deducted = if rng.below(3) == 0 { Money::from_fen(principal.fen() / 10) } else { Money::ZERO };
    let periods = [3u32, 6, 12, 24, 36][rng.below(5) as usize];
    let rate = RateInput::new(RatePer::Year, Decimal::new(6 + rng.below(30) as i64, 2));
    let first_due = add_period(start, Period::Month, if method == Method::Bullet { periods } else { 1 });
    let mut fees = Vec::new();
    if deducted.is_positive() {
        fees.push(Fee {
            name: "服务费".into(),
            kind: FeeKind::Service,
            amount: FeeAmount::Fixed(deducted),
            timing: FeeTiming::Deducted,
            payee: Payee::Lender,
        });
    }
    if rng.below(2) == 0 {
        fees.push(Fee {
            name: "会员费".into(),
            kind: FeeKind::Membership,
            amount: FeeAmount::PercentOfPrincipal(Decimal::new(5, 3)),
            timing: FeeTiming::PerPeriod,
            payee: Payee::Affiliate,
        });
    }
    let paid_periods = rng.below(u64::from(periods)) as u32;
    let instalment = Money::from_fen(principal.fen() / i64::from(periods) + principal.fen() / 50);
    let payments =
        (0..paid_periods).map(|k| Payment::new(add_period(first_due, Period::Month, k), instalment)).collect();
    let mut d = Debt::new(
        format!("d{i}"),
        kind,
        start,
        principal,
        rate,
        Repayment::Method {
            method,
            periods: if method == Method::Bullet { 1 } else { periods },
            period: Period::Month,
            first_due,
        },
    );
    d.lender = "某出借人".into();
    d.received = principal - deducted;
    d.fees = fees;
    d.overdue = OverdueTerms {
        rate: Some(RateInput::new(RatePer::Day, Decimal::new(5, 4))),
        markup: None,
        compound: rng.below(2) == 0,
        penalty: None,
        late_fee: None,
    };
    d.payments = payments;
    d
}
