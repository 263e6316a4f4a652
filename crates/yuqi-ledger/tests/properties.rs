//! Laws of mathematics the ledger must obey, checked on random inputs.

use chrono::NaiveDate;
use proptest::prelude::*;
use yuqi_case::{Debt, LenderKind, Method, OverdueTerms, Payment, Period, Repayment};
use yuqi_ledger::caps::LegalDates;
use yuqi_ledger::irr;
use yuqi_ledger::schedule::contract_schedule;
use yuqi_money::{Decimal, Money, RateInput, RatePer};

fn date(days: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2021, 1, 1).expect("date") + chrono::Duration::days(days)
}

fn debt(
    kind: LenderKind,
    principal: i64,
    received: i64,
    monthly_bp: i64,
    n: u32,
    method: Method,
    payments: Vec<(i64, i64)>,
) -> Debt {
    let contract_date = date(0);
    let repayment = Repayment::Method {
        method,
        periods: n,
        period: Period::Month,
        first_due: yuqi_case::add_period(contract_date, Period::Month, if method == Method::Bullet { n } else { 1 }),
    };
    let mut d = Debt::new(
        "p",
        kind,
        contract_date,
        Money::from_yuan(principal),
        RateInput::new(RatePer::Month, Decimal::new(monthly_bp, 4)),
        repayment,
    );
    d.received = Money::from_yuan(received);
    d.overdue =
        OverdueTerms { rate: Some(RateInput::new(RatePer::Day, Decimal::new(5, 4))), ..OverdueTerms::default() };
    d.payments = payments.into_iter().map(|(day, a)| Payment::new(date(day), Money::from_yuan(a))).collect();
    d
}

fn method() -> impl Strategy<Value = Method> {
    prop_oneof![
        Just(Method::EqualInstallment),
        Just(Method::EqualPrincipal),
        Just(Method::InterestFirst),
        Just(Method::Bullet),
        Just(Method::Flat)
    ]
}

fn kind() -> impl Strategy<Value = LenderKind> {
    prop_oneof![
        Just(LenderKind::Bank),
        Just(LenderKind::ConsumerFinance),
        Just(LenderKind::Microloan),
        Just(LenderKind::Private),
        Just(LenderKind::Unlicensed)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    /// The IRR of an exact annuity recovers the rate that generated it.
    #[test]
    fn irr_recovers_the_generating_rate(principal in 100.0f64..1e7, r in 0.0001f64..0.2, n in 1usize..121) {
        let payment = principal * r / (1.0 - (1.0 + r).powi(-(n as i32)));
        let mut flows = vec![principal];
        flows.extend(std::iter::repeat_n(-payment, n));
        let root = irr::irr(&flows).expect("root");
        prop_assert!((root.rate - r).abs() < 1e-9 * (1.0 + r), "got {} want {}", root.rate, r);
    }

    /// XIRR on dated flows recovers an annual rate that generated them exactly.
    #[test]
    fn xirr_recovers_the_generating_rate(principal in 100.0f64..1e6, rate in -0.5f64..5.0, gaps in prop::collection::vec(1i32..400, 1..20)) {
        let mut days = vec![0i32];
        for g in &gaps { days.push(days.last().copied().unwrap_or(0) + g); }
        let share = principal / gaps.len() as f64;
        let mut amounts = vec![-principal];
        amounts.extend(days[1..].iter().map(|d| share * (1.0 + rate).powf(f64::from(*d) / 365.0)));
        let root = irr::xirr_days(&days, &amounts).expect("root");
        prop_assert!((root.rate - rate).abs() < 1e-8 * (1.0 + rate.abs()), "got {} want {}", root.rate, rate);
    }

    /// A fen-rounded contract schedule still yields its contractual periodic rate.
    #[test]
    fn schedule_irr_matches_contract_rate(principal in 1_000i64..500_000, bp in 10i64..400, n in 1u32..61, m in method().prop_filter("等本等息's cost is not its nominal rate, by design", |m| *m != Method::Flat)) {
        let d = debt(LenderKind::Bank, principal, principal, bp, n, m, vec![]);
        let sched = contract_schedule(&d, Decimal::from(365));
        let total_principal: Money = sched.iter().map(|i| i.principal).sum();
        prop_assert_eq!(total_principal, d.principal);
        if m != Method::Bullet {
            let mut flows = vec![d.principal.to_f64()];
            flows.extend(sched.iter().map(|i| -i.total().to_f64()));
            let r = irr::irr(&flows).expect("root").rate;
            let want = bp as f64 / 10_000.0;
            // Rounding each instalment to the fen moves the rate by at most a few
            // fen over the principal.
            prop_assert!((r - want).abs() < 1e-5 + 0.02 * n as f64 / principal as f64, "got {r} want {want}");
        }
    }

    /// Applying payments never creates or destroys money, and the law never
    /// supports more than the contract itself claims.
    #[test]
    fn payments_are_conserved(
        k in kind(),
        principal in 1_000i64..200_000,
        deducted_pct in 0i64..30,
        bp in 0i64..600,
        n in 1u32..37,
        m in method(),
        pays in prop::collection::vec((1i64..1500, 1i64..50_000), 0..12),
        as_of_days in 1i64..1800,
    ) {
        let received = principal - principal * deducted_pct / 100;
        let d = debt(k, principal, received.max(1), bp, n, m, pays);
        let as_of = date(as_of_days);
        let a = yuqi_ledger::audit_debt(&d, LegalDates { as_of, filing: as_of, filing_assumed: true }).expect("audit");
        for s in std::iter::once(&a.lawful).chain(&a.alternatives) {
            let l = &s.ledger;
            prop_assert_eq!(l.paid_to_charges + l.paid_to_principal + l.overpaid, l.paid_total, "{}", s.id);
            prop_assert_eq!(l.principal_outstanding, a.principal_initial - l.paid_to_principal, "{}", s.id);
            prop_assert!(!l.principal_outstanding.is_negative());
            prop_assert!(l.allowed <= l.claimed.total(), "{}: allowed {} > claimed {}", s.id, l.allowed, l.claimed.total());
            prop_assert!(!l.unpaid_interest.is_negative() && !l.unpaid_fees.is_negative() && !l.unpaid_overdue.is_negative());
            prop_assert!(s.supported_total <= a.contract_balance + l.overpaid.max(Money::ZERO) + Money::from_fen(1),
                "{}: supported {} > contract {}", s.id, s.supported_total, a.contract_balance);
        }
    }

    /// Window by window the law supports no more than the claim, and no more than the cap on the
    /// window's principal for its days unless the claim is within the cap as a rate (a monthly
    /// rate counted in whole months); what is still unpaid is the windows' unpaid parts; and
    /// offsetting never owes more than not offsetting.
    #[test]
    fn every_window_is_within_its_cap_and_the_windows_add_up(
        k in kind(),
        principal in 1_000i64..200_000,
        bp in 0i64..600,
        n in 1u32..25,
        m in method(),
        pays in prop::collection::vec((1i64..900, 1i64..20_000), 0..8),
        as_of_days in 1i64..1200,
    ) {
        let d = debt(k, principal, principal, bp, n, m, pays);
        let as_of = date(as_of_days);
        let a = yuqi_ledger::audit_debt(&d, LegalDates { as_of, filing: as_of, filing_assumed: true }).expect("audit");
        for s in std::iter::once(&a.lawful).chain(&a.alternatives) {
            let l = &s.ledger;
            for w in &l.windows {
                prop_assert!(w.lawful <= w.claimed, "{}: {w:?}", s.id);
                if let Some(allowance) = w.allowance {
                    prop_assert!(w.lawful <= allowance + Money::from_fen(1) || w.lawful == w.claimed, "{}: {w:?}", s.id);
                }
                prop_assert!(w.unpaid <= w.lawful, "{}: {w:?}", s.id);
            }
            let windows: Money = l.windows.iter().map(|w| w.unpaid).sum();
            let unpaid = l.unpaid_interest + l.unpaid_fees + l.unpaid_overdue;
            // Each window is rounded to the fen on its own.
            let slack = Money::from_fen(l.windows.len() as i64 + 1);
            if !l.windows.is_empty() {
                prop_assert!((windows - unpaid).abs() <= slack, "{}: windows {} vs unpaid {}", s.id, windows, unpaid);
            }
        }
        // Offsetting over-cap payments against principal never leaves more owed than not
        // offsetting them: the two treatments bracket what a court can order on the same facts.
        let all: Vec<_> = std::iter::once(&a.lawful).chain(&a.alternatives).collect();
        for (offset, plain) in [("financial_24_offset", "financial_24"), ("private_4lpr_offset", "private_4lpr")] {
            if let (Some(o), Some(p)) = (all.iter().find(|s| s.id == offset), all.iter().find(|s| s.id == plain)) {
                prop_assert!(o.supported_total <= p.supported_total + Money::from_fen(1),
                    "{offset} {} > {plain} {}", o.supported_total, p.supported_total);
            }
        }
    }

    /// Paying more never increases what is owed.
    #[test]
    fn an_extra_payment_never_increases_the_balance(
        k in kind(),
        principal in 1_000i64..100_000,
        bp in 0i64..500,
        n in 1u32..25,
        m in method(),
        pay_day in 1i64..900,
        pay in 1i64..20_000,
    ) {
        let as_of = date(1000);
        let dates = LegalDates { as_of, filing: as_of, filing_assumed: true };
        let without = yuqi_ledger::audit_debt(&debt(k, principal, principal, bp, n, m, vec![]), dates).expect("audit");
        let with = yuqi_ledger::audit_debt(&debt(k, principal, principal, bp, n, m, vec![(pay_day, pay)]), dates).expect("audit");
        prop_assert!(with.supported_total <= without.supported_total, "{} > {}", with.supported_total, without.supported_total);
        prop_assert!(with.contract_balance <= without.contract_balance);
    }

    /// The cap limits a rate period by period: after maturity, with nothing paid, what the law
    /// allows over any month is at most principal × cap × that month's days — room left earlier
    /// is not spent later (issue 16: a bank loan was allowed 25.90 % after default where the
    /// court held the cap).
    #[test]
    fn lawful_charges_in_a_month_after_default_stay_within_the_cap(
        k in prop_oneof![Just(LenderKind::Bank), Just(LenderKind::ConsumerFinance), Just(LenderKind::Private)],
        principal in 1_000i64..500_000,
        bp in 0i64..400,
        n in 1u32..13,
        m in method(),
        month in 1u32..24,
    ) {
        let d = debt(k, principal, principal, bp, n, m, vec![]);
        let last_due = contract_schedule(&d, Decimal::from(365)).last().map(|i| i.due).expect("a schedule");
        let t1 = yuqi_case::add_period(last_due, Period::Month, month);
        let t2 = yuqi_case::add_period(last_due, Period::Month, month + 1);
        let at = |t: NaiveDate| yuqi_ledger::audit_debt(&d, LegalDates { as_of: t, filing: t2, filing_assumed: false }).expect("audit");
        let (a1, a2) = (at(t1), at(t2));
        let cap = a2.cap_rate.expect("a capped lender");
        let days = Decimal::from((t2 - t1).num_days());
        let room = Money::round_from_yuan(Money::from_yuan(principal).to_yuan() * cap * days / Decimal::from(365));
        let grew = a2.lawful.ledger.allowed - a1.lawful.ledger.allowed;
        prop_assert!(grew <= room + Money::from_fen(2), "{:?}: allowed grew {} in {} days, cap allows {}", k, grew, days, room);
    }
}
