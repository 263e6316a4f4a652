//! The day-count ledger: accrues what a contract claims and what a cap allows,
//! applies payments in the lawful order, and reports the balance on a date.
//!
//! One run of [`run`] is one "scenario": a principal, a schedule, the overdue
//! terms, the payments and a list of cap segments. The same engine produces the
//! lender's own view (no cap, contract principal) and every lawful view (lawful
//! principal, caps by date), so the figures differ only where the law differs.
//!
//! Model, in the words of the trace:
//! * Balances only change on event days (due dates, payments, cap boundaries,
//!   the as-of date), so accrual between events is balance × rate × days / basis —
//!   the same as adding it up day by day, without the loop.
//! * What the contract claims (on this run's principal): scheduled interest,
//!   accrued evenly over each period; per-period fees on their due dates;
//!   overdue interest on overdue principal; compound interest on overdue interest;
//!   penalties and late fees.
//! * What the cap allows accrues daily at the segment's rate, and the cap limits a
//!   rate period by period, not a running total since the contract date: room left
//!   while the loan performed never pays for penalty interest after default. Charges
//!   are compared with the allowance in windows — each schedule period, then each
//!   month after maturity — and in two parts: the term's charges (interest, fees) on
//!   the performing principal, the overdue charges (overdue interest, compound
//!   interest, penalties, late fees) on the overdue principal (民间借贷规定 第28、29条;
//!   法发〔2017〕22号 第2条). Within a window and part the lawful charges are the
//!   smaller of the claim and the allowance — the "总计超过…的部分不予支持" comparison.
//!   Overdue charges while no principal is overdue (on unpaid interest) are compared
//!   with the whole principal's allowance, in the term's part.
//! * A payment pays charges first (up to what may be retained), then principal;
//!   anything beyond that is an overpayment (民法典 561).

use chrono::NaiveDate;
use serde::Serialize;
use yuqi_case::{LateFee, Penalty, add_period};
use yuqi_money::{Decimal, Money};

use crate::schedule::Installment;

/// A date range with one cap.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CapSegment {
    pub from: NaiveDate,
    /// Inclusive; `None` = open-ended.
    pub until: Option<NaiveDate>,
    /// Annual rate above which charges are not enforceable; `None` = no cap.
    pub enforce: Option<Decimal>,
    /// Annual rate up to which charges already paid are kept (not offset against
    /// principal); `None` = everything paid is kept.
    pub retain: Option<Decimal>,
}

impl CapSegment {
    fn covers(&self, d: NaiveDate) -> bool {
        d >= self.from && self.until.is_none_or(|u| d <= u)
    }
}

/// Overdue terms reduced to rates and amounts.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OverdueRule {
    /// Annual rate on overdue principal.
    pub rate: Decimal,
    /// Annual rate on overdue scheduled interest (复利), if charged.
    pub compound: Option<Decimal>,
    pub penalty: Option<Penalty>,
    pub late_fee: Option<LateFee>,
}

#[derive(Debug, Clone)]
pub struct LedgerInput<'a> {
    pub start: NaiveDate,
    pub principal: Money,
    pub schedule: &'a [Installment],
    /// Scheduled interest shrinks when principal is prepaid (false for 等本等息).
    pub interest_follows_balance: bool,
    pub overdue: OverdueRule,
    /// Day, amount, and whether the parties designated it to principal first.
    pub payments: &'a [(NaiveDate, Money, bool)],
    pub caps: &'a [CapSegment],
    pub days_per_year: Decimal,
    pub as_of: NaiveDate,
    /// A balance stated on `start` (`[debt.opening]`): unpaid interest and overdue charges on
    /// that day, taken as stated (outside the cap comparison), and the whole principal due.
    pub opening: Option<(Money, Money)>,
    /// A rate agreed per month (月息): time is counted in whole months from this day, each
    /// a twelfth of a year, and the days left over on the day basis — how courts count
    /// "月息2分" (exactly 24 % a year). `None`: every day is 1/`days_per_year` of a year.
    pub months_from: Option<NaiveDate>,
    /// A daily penalty runs only after this day (the doubled interest of a judgment runs from
    /// the end of the time to perform it).
    pub penalty_from: Option<NaiveDate>,
}

/// The years between two days as this run counts time (see `LedgerInput::months_from`).
fn years(input: &LedgerInput<'_>, from: NaiveDate, to: NaiveDate) -> Decimal {
    match input.months_from {
        None => Decimal::from((to - from).num_days()) / input.days_per_year,
        Some(anchor) => month_time(anchor, to, input.days_per_year) - month_time(anchor, from, input.days_per_year),
    }
}

/// Whole months from `anchor` to `d` as twelfths of a year, plus the days left over on the day
/// basis. Increasing in `d` (at most 30 days are left over, and 30/365 < 1/12).
pub(crate) fn month_time(anchor: NaiveDate, d: NaiveDate, days_per_year: Decimal) -> Decimal {
    if d <= anchor {
        return Decimal::from((d - anchor).num_days()) / days_per_year;
    }
    use chrono::Datelike;
    let mut m = ((d.year() - anchor.year()) * 12 + d.month() as i32 - anchor.month() as i32).max(0) as u32;
    while m > 0 && add_period(anchor, yuqi_case::Period::Month, m) > d {
        m -= 1;
    }
    let rest = (d - add_period(anchor, yuqi_case::Period::Month, m)).num_days();
    Decimal::from(m) / Decimal::from(12) + Decimal::from(rest) / days_per_year
}

/// Charges claimed under the contract's terms, accrued to the as-of date.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Claims {
    pub interest: Money,
    pub fees: Money,
    pub overdue_interest: Money,
    pub compound_interest: Money,
    pub penalties: Money,
    pub late_fees: Money,
}

impl Claims {
    pub fn term_total(&self) -> Money {
        self.interest + self.fees
    }

    pub fn overdue_total(&self) -> Money {
        self.overdue_interest + self.compound_interest + self.penalties + self.late_fees
    }

    pub fn total(&self) -> Money {
        self.term_total() + self.overdue_total()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SegmentOutcome {
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
    pub enforce: Option<Decimal>,
    pub retain: Option<Decimal>,
    /// Charges claimed while this segment applied.
    pub claimed: Money,
    /// What the cap allowed over the segment (principal × rate × days).
    pub allowance: Option<Money>,
    /// min(claimed, allowance).
    pub allowed: Money,
}

/// One applied payment, for the trace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Application {
    pub date: NaiveDate,
    pub amount: Money,
    pub to_charges: Money,
    pub to_principal: Money,
    pub overpaid: Money,
    pub principal_after: Money,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LedgerOutcome {
    pub as_of: NaiveDate,
    pub principal_outstanding: Money,
    pub principal_overdue: Money,
    /// First day an amount was overdue (if ever).
    pub overdue_since: Option<NaiveDate>,
    pub claimed: Claims,
    /// Charges that may be enforced (all segments), before payments.
    pub allowed: Money,
    pub paid_total: Money,
    pub paid_to_charges: Money,
    pub paid_to_principal: Money,
    /// Paid beyond everything owed (a claim for repayment).
    pub overpaid: Money,
    /// Charges paid above the enforceable amount that were not offset.
    pub over_cap_paid: Money,
    pub unpaid_interest: Money,
    pub unpaid_fees: Money,
    pub unpaid_overdue: Money,
    pub segments: Vec<SegmentOutcome>,
    pub applications: Vec<Application>,
    /// The comparisons with the cap, in the order the charges arose: the table a court
    /// writes ("以 X 为基数，按年利率 Y%，自 A 至 B"). Empty for a run without caps.
    pub windows: Vec<WindowOutcome>,
    /// The balance the run started from when one was stated (a creditor's or court's balance,
    /// a judgment, a guarantor's payment): its charges stand outside the windows.
    pub opening: Option<StatedBalance>,
}

/// A balance stated on a date, as the run took it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatedBalance {
    pub date: NaiveDate,
    pub principal: Money,
    pub interest: Money,
    pub overdue: Money,
}

/// One comparison of charges with the cap: a window (a schedule period, or a month after
/// maturity, within one cap segment) and a part.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WindowOutcome {
    /// First and last day counted (the day before `from` is not counted, 民法典 第201条).
    pub from: NaiveDate,
    pub until: NaiveDate,
    pub days: i64,
    pub part: Part,
    /// The principal the allowance was computed on (averaged over the window if it changed).
    pub base: Money,
    /// The cap's annual rate; `None` = no cap in this segment.
    pub enforce: Option<Decimal>,
    pub claimed: Money,
    /// base × cap × time.
    pub allowance: Option<Money>,
    /// min(claimed, allowance): what the law supports for this window.
    pub lawful: Money,
    /// Payments set against this window's charges.
    pub paid: Money,
    /// lawful − paid, never below zero.
    pub unpaid: Money,
}

impl LedgerOutcome {
    /// Principal plus enforceable unpaid charges.
    pub fn balance(&self) -> Money {
        self.principal_outstanding + self.unpaid_interest + self.unpaid_fees + self.unpaid_overdue
    }
}

#[derive(Default, Clone, Copy)]
struct Acc {
    interest: Decimal,
    fees: Decimal,
    overdue_interest: Decimal,
    compound: Decimal,
    penalties: Decimal,
    late_fees: Decimal,
}

impl Acc {
    fn total(&self) -> Decimal {
        self.interest + self.fees + self.overdue_interest + self.compound + self.penalties + self.late_fees
    }
}

#[derive(Default, Clone, Copy)]
struct SegAcc {
    claimed: Decimal,
    allow_enforce: Decimal,
    allow_retain: Decimal,
    /// The same allowances with time counted as the claims are (whole months for a monthly
    /// rate): a claim within them is within the cap as a rate.
    allow_enforce_m: Decimal,
    allow_retain_m: Decimal,
    /// Σ base × days: the principal-days the allowance was computed on.
    base_days: Decimal,
    days: Decimal,
}

impl SegAcc {
    /// What the cap supports of this comparison: all of it without a cap or when the claim is
    /// within the cap as a rate (a monthly rate counted in whole months, as courts count it);
    /// otherwise the cap counted by days (how courts state a cut: the annual cap per day).
    fn lawful(&self, s: &CapSegment) -> Decimal {
        Self::within(self.claimed, s.enforce, self.allow_enforce, self.allow_enforce_m)
    }

    /// What payments may cover of this comparison (see `lawful`; the retain rate).
    fn retainable(&self, s: &CapSegment) -> Decimal {
        Self::within(self.claimed, s.retain, self.allow_retain, self.allow_retain_m)
    }

    fn within(claimed: Decimal, rate: Option<Decimal>, by_days: Decimal, by_claims: Decimal) -> Decimal {
        match rate {
            None => claimed,
            Some(_) if claimed <= by_claims => claimed,
            Some(_) => claimed.min(by_days),
        }
    }
}

/// The term's charges (interest, fees) on the performing principal, or the overdue charges
/// (overdue interest, compound interest, penalties, late fees) on the overdue principal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    Term,
    Overdue,
}

/// Where a charge is compared with the cap: the cap segment, the window, the part.
type Key = (usize, usize, Part);

/// The comparison windows: schedule period `k` is (due[k-1], due[k]]; after maturity (or after
/// `start` when there is no schedule left, as from a stated balance), month `m` is
/// (last + m months, last + m + 1 months].
fn window(sched: &[Installment], start: NaiveDate, d: NaiveDate) -> usize {
    if let Some(k) = sched.iter().position(|i| d <= i.due) {
        return k;
    }
    let last = sched.last().map_or(start, |i| i.due);
    let mut m = 0;
    while add_period(last, yuqi_case::Period::Month, m + 1) < d {
        m += 1;
    }
    sched.len() + m as usize
}

pub fn run(input: &LedgerInput<'_>) -> LedgerOutcome {
    let sched = input.schedule;
    let as_of = input.as_of;

    // Event days: due dates, payments, cap boundaries, monthly late-fee days after
    // maturity, and the as-of date. Nothing after as_of matters.
    let mut days: Vec<NaiveDate> = sched.iter().map(|i| i.due).collect();
    days.extend(input.payments.iter().map(|p| p.0));
    // An interval (t, day] accrues for the calendar days after t up to and
    // including `day` (民法典 201: the first day is not counted), so a segment
    // covering [from, until] needs interval ends at from − 1 and at until.
    for s in input.caps {
        if let Some(before) = s.from.pred_opt() {
            days.push(before);
        }
        if let Some(u) = s.until {
            days.push(u);
        }
    }
    // Monthly anniversaries after maturity (or after a stated balance) close the comparison
    // windows (and are the days a monthly late fee falls due).
    let last_due = sched.last().map_or(input.start, |i| i.due);
    if !sched.is_empty() || input.opening.is_some() {
        let mut k = 1;
        while add_period(last_due, yuqi_case::Period::Month, k) <= as_of {
            days.push(add_period(last_due, yuqi_case::Period::Month, k));
            k += 1;
        }
    }
    days.push(as_of);
    days.retain(|d| *d > input.start && *d <= as_of);
    days.sort_unstable();
    days.dedup();

    let mut acc = Acc::default();
    let mut seg: std::collections::BTreeMap<Key, SegAcc> = std::collections::BTreeMap::new();
    let seg_index = |d: NaiveDate| input.caps.iter().position(|s| s.covers(d));
    let mut principal = input.principal;
    let mut principal_paid = Money::ZERO;
    // A stated balance: its interest and overdue charges stand as stated, and the whole
    // principal is due from that day.
    let (opening_interest, opening_overdue) = input.opening.unwrap_or((Money::ZERO, Money::ZERO));
    let opening_total = (opening_interest + opening_overdue).to_yuan();
    acc.interest = opening_interest.to_yuan();
    acc.overdue_interest = opening_overdue.to_yuan();
    let mut principal_due = if input.opening.is_some() { principal } else { Money::ZERO }; // scheduled principal due so far
    let mut interest_due = opening_interest.to_yuan(); // scheduled interest completed so far
    let mut paid_charges = Money::ZERO;
    let mut overpaid = Money::ZERO;
    let mut overdue_since: Option<NaiveDate> = input.opening.and(input.start.succ_opt());
    let mut applications = Vec::new();
    // Callers normally pass payments in date order; sort anyway so that an
    // out-of-order list cannot skip a payment.
    let mut sorted_payments = input.payments.to_vec();
    sorted_payments.sort_by_key(|p| p.0);
    let mut payments = sorted_payments.iter().peekable();
    let mut t = input.start;
    let mut next_installment = 0usize;

    for &day in &days {
        let n_days = Decimal::from((day - t).num_days());
        let n_years = years(input, t, day);
        let overdue_principal = principal_due.saturating_sub_to_zero(principal_paid);
        // Overdue interest base: completed scheduled interest not yet covered by payments.
        let overdue_interest_base = (interest_due - paid_charges.to_yuan()).max(Decimal::ZERO);
        let current_seg = t.succ_opt().and_then(seg_index);

        // --- accrual over [t, day) ---------------------------------------------
        let mut claimed_now = Decimal::ZERO;
        let mut claimed_overdue = Decimal::ZERO;
        if let Some(inst) = sched.get(next_installment) {
            let period_start = if next_installment == 0 { input.start } else { sched[next_installment - 1].due };
            let period_days = Decimal::from((inst.due - period_start).num_days().max(1));
            let scheduled_balance = inst.principal + inst.balance_after;
            let performing = principal.saturating_sub_to_zero(overdue_principal);
            let scale = if !input.interest_follows_balance || scheduled_balance.is_zero() {
                if principal.is_zero() { Decimal::ZERO } else { Decimal::ONE }
            } else {
                (performing.to_yuan() / scheduled_balance.to_yuan()).min(Decimal::ONE)
            };
            let x = inst.interest.to_yuan() * scale * n_days / period_days;
            acc.interest += x;
            claimed_now += x;
        }
        let od = overdue_principal.to_yuan() * input.overdue.rate * n_years;
        acc.overdue_interest += od;
        claimed_overdue += od;
        if let Some(rate) = input.overdue.compound {
            let c = overdue_interest_base * rate * n_years;
            acc.compound += c;
            claimed_overdue += c;
        }
        let overdue_amount = overdue_principal.to_yuan() + overdue_interest_base;
        if let Some(Penalty::DailyPercent(p)) = input.overdue.penalty {
            let from = input.penalty_from.map_or(t, |f| f.max(t));
            let x = overdue_amount * p * Decimal::from((day - from).num_days().max(0));
            acc.penalties += x;
            claimed_overdue += x;
        }
        if let Some(LateFee::PerDay(fee)) = input.overdue.late_fee
            && overdue_amount > Decimal::ZERO
        {
            let x = fee.to_yuan() * n_days;
            acc.late_fees += x;
            claimed_overdue += x;
        }
        if let Some(i) = current_seg {
            let s = &input.caps[i];
            let w = window(sched, input.start, day);
            let overdue_base = overdue_principal.min(principal);
            // Charges on unpaid interest while no principal is overdue: the whole principal's room.
            let (term_base, overdue_part) = if overdue_base.is_zero() {
                (principal, Part::Term)
            } else {
                (principal.saturating_sub_to_zero(overdue_base), Part::Overdue)
            };
            for (part, claimed, base) in [
                (
                    Part::Term,
                    claimed_now + if overdue_part == Part::Term { claimed_overdue } else { Decimal::ZERO },
                    term_base,
                ),
                (
                    Part::Overdue,
                    if overdue_part == Part::Overdue { claimed_overdue } else { Decimal::ZERO },
                    overdue_base,
                ),
            ] {
                let a = seg.entry((i, w, part)).or_default();
                a.claimed += claimed;
                a.base_days += base.to_yuan() * n_days;
                a.days += n_days;
                let (by_days, by_claims) = (base.to_yuan() * n_days / input.days_per_year, base.to_yuan() * n_years);
                a.allow_enforce += by_days * s.enforce.unwrap_or(Decimal::ZERO);
                a.allow_retain += by_days * s.retain.unwrap_or(Decimal::ZERO);
                a.allow_enforce_m += by_claims * s.enforce.unwrap_or(Decimal::ZERO);
                a.allow_retain_m += by_claims * s.retain.unwrap_or(Decimal::ZERO);
            }
        }
        t = day;

        // --- instalments falling due today: claimed before same-day payments ---------
        let first_due_today = next_installment;
        while let Some(inst) = sched.get(next_installment) {
            if inst.due != day {
                break;
            }
            next_installment += 1;
            principal_due += inst.principal;
            // Interest for the period is complete; fees fall due now.
            interest_due = acc.interest;
            if !inst.fees.is_zero() && !principal.is_zero() {
                acc.fees += inst.fees.to_yuan();
                if let Some(i) = seg_index(day) {
                    seg.entry((i, window(sched, input.start, day), Part::Term)).or_default().claimed +=
                        inst.fees.to_yuan();
                }
            }
        }

        // --- payments made on this day ---------------------------------------------
        while let Some((pd, amount, principal_first)) = payments.peek().copied().copied() {
            if pd > day {
                break;
            }
            payments.next();
            // (Without caps everything claimed, the stated balance included, may be kept.)
            let stated = if input.caps.is_empty() { Decimal::ZERO } else { opening_total };
            let retainable = Money::round_from_yuan(retained(input.caps, &seg, acc.total()) + stated);
            let charges_open = retainable.saturating_sub_to_zero(paid_charges);
            // A payment the parties designated to principal pays principal first (the order of
            // 民法典 第561条 applies only absent agreement); otherwise charges first.
            let (to_charges, to_principal) = if principal_first {
                let p = amount.min(principal);
                ((amount - p).min(charges_open), p)
            } else {
                let c = amount.min(charges_open);
                (c, (amount - c).min(principal))
            };
            let extra = amount - to_charges - to_principal;
            paid_charges += to_charges;
            principal -= to_principal;
            principal_paid += to_principal;
            overpaid += extra;
            applications.push(Application {
                date: pd,
                amount,
                to_charges,
                to_principal,
                overpaid: extra,
                principal_after: principal,
            });
        }

        // --- what is still unpaid at the end of a due date becomes overdue -----------
        for inst in &sched[first_due_today..next_installment] {
            let unpaid_now = principal_due.saturating_sub_to_zero(principal_paid).to_yuan()
                + (interest_due + acc.fees - paid_charges.to_yuan()).max(Decimal::ZERO);
            if unpaid_now > Decimal::ZERO {
                overdue_since.get_or_insert(day + chrono::Duration::days(1));
                let inst_unpaid = unpaid_now.min(inst.total().to_yuan());
                let penalty = match input.overdue.penalty {
                    Some(Penalty::Once(m)) => m.to_yuan(),
                    Some(Penalty::OncePercent(p)) => inst_unpaid * p,
                    Some(Penalty::OncePercentMin(p, min)) => (inst_unpaid * p).max(min.to_yuan()),
                    _ => Decimal::ZERO,
                };
                let late = match input.overdue.late_fee {
                    Some(LateFee::PerPeriod(m)) => m.to_yuan(),
                    _ => Decimal::ZERO,
                };
                acc.penalties += penalty;
                acc.late_fees += late;
                // A charge for being overdue is compared with the overdue time that follows.
                if let Some(i) = seg_index(day) {
                    let w = window(sched, input.start, day.succ_opt().unwrap_or(day));
                    seg.entry((i, w, Part::Overdue)).or_default().claimed += penalty + late;
                }
            }
        }
        // Monthly late fees after maturity while anything is still overdue.
        if let (Some(LateFee::PerPeriod(m)), Some(last)) = (input.overdue.late_fee, sched.last())
            && day > last.due
            && next_installment == sched.len()
            && principal_due > principal_paid
            && is_monthly_anniversary(last.due, day)
        {
            acc.late_fees += m.to_yuan();
            if let Some(i) = seg_index(day) {
                let w = window(sched, input.start, day.succ_opt().unwrap_or(day));
                seg.entry((i, w, Part::Overdue)).or_default().claimed += m.to_yuan();
            }
        }
    }

    // --- results ------------------------------------------------------------------
    let claimed = Claims {
        interest: Money::round_from_yuan(acc.interest),
        fees: Money::round_from_yuan(acc.fees),
        overdue_interest: Money::round_from_yuan(acc.overdue_interest),
        compound_interest: Money::round_from_yuan(acc.compound),
        penalties: Money::round_from_yuan(acc.penalties),
        late_fees: Money::round_from_yuan(acc.late_fees),
    };
    let claimed_total = claimed.total();
    let allowed = if input.caps.is_empty() {
        claimed_total
    } else {
        Money::round_from_yuan(enforceable(input.caps, &seg, acc.total()) + opening_total)
    }
    .min(claimed_total);
    // Enforceable charges of the term's part are attributed to term interest first, then fees;
    // the rest are overdue charges, and payments to charges cover them in the same order.
    let allowed_term = if input.caps.is_empty() {
        allowed
    } else {
        Money::round_from_yuan(enforceable_where(input.caps, &seg, |k| k.2 == Part::Term) + opening_interest.to_yuan())
            .min(allowed)
    };
    let lawful_interest = claimed.interest.min(allowed_term);
    let lawful_fees = claimed.fees.min(allowed_term - lawful_interest);
    let lawful_overdue = allowed - lawful_interest - lawful_fees;
    let Unpaid { term: unpaid_term, overdue: unpaid_overdue, over_cap_paid, windows } = if input.caps.is_empty() {
        let term = (lawful_interest + lawful_fees).saturating_sub_to_zero(paid_charges);
        let left = paid_charges.saturating_sub_to_zero(lawful_interest + lawful_fees);
        Unpaid {
            term,
            overdue: lawful_overdue.saturating_sub_to_zero(left),
            over_cap_paid: Money::ZERO,
            windows: Vec::new(),
        }
    } else {
        unpaid_by_window(input, &seg, (opening_interest, opening_overdue), paid_charges)
    };
    // The term's part also holds charges for lateness while no principal was overdue (compound
    // interest on unpaid interest): what it leaves unpaid beyond the term's interest and fees is
    // such a charge. Payments covered the term's interest before its fees: what is still unpaid
    // of them is the fees first, then interest.
    let unpaid_term_charges = unpaid_term.min(lawful_interest + lawful_fees);
    let unpaid_overdue = unpaid_overdue + (unpaid_term - unpaid_term_charges);
    let unpaid_fees = unpaid_term_charges.min(lawful_fees);
    let unpaid_interest = unpaid_term_charges - unpaid_fees;

    let mut segments: Vec<SegmentOutcome> = if input.caps.is_empty() {
        vec![SegmentOutcome {
            from: input.start,
            until: None,
            enforce: None,
            retain: None,
            claimed: claimed_total,
            allowance: None,
            allowed: claimed_total,
        }]
    } else {
        input
            .caps
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let of = |k: &Key| k.0 == i;
                SegmentOutcome {
                    from: s.from,
                    until: s.until,
                    enforce: s.enforce,
                    retain: s.retain,
                    claimed: Money::round_from_yuan(sum_where(&seg, of, |a| a.claimed)),
                    allowance: s.enforce.map(|_| Money::round_from_yuan(sum_where(&seg, of, |a| a.allow_enforce))),
                    allowed: Money::round_from_yuan(enforceable_where(input.caps, &seg, of)),
                }
            })
            .collect()
    };
    // Rounding each segment separately can leave a fen of residue against the
    // totals; it is carried by the last segment so that the parts always add up
    // to the totals shown beside them.
    if let Some(last) = segments.last_mut() {
        let claimed_sum: Money = if input.caps.is_empty() {
            Money::ZERO
        } else {
            (0..input.caps.len()).map(|i| Money::round_from_yuan(sum_where(&seg, |k| k.0 == i, |a| a.claimed))).sum()
        };
        last.claimed += claimed_total - claimed_sum;
        let allowed_parts: Money = if input.caps.is_empty() {
            claimed_total
        } else {
            (0..input.caps.len())
                .map(|i| Money::round_from_yuan(enforceable_where(input.caps, &seg, |k| k.0 == i)))
                .sum()
        };
        last.allowed += allowed - allowed_parts;
    }

    LedgerOutcome {
        as_of,
        principal_outstanding: principal,
        principal_overdue: principal_due.saturating_sub_to_zero(principal_paid).min(principal),
        overdue_since: overdue_since.filter(|d| *d <= as_of),
        claimed,
        allowed,
        paid_total: input.payments.iter().filter(|p| p.0 <= as_of).map(|p| p.1).sum(),
        paid_to_charges: paid_charges,
        paid_to_principal: principal_paid,
        overpaid,
        over_cap_paid,
        unpaid_interest,
        unpaid_fees,
        unpaid_overdue,
        segments,
        applications,
        windows,
        opening: input.opening.map(|(interest, overdue)| StatedBalance {
            date: input.start,
            principal: input.principal,
            interest,
            overdue,
        }),
    }
}

fn sum_where(
    seg: &std::collections::BTreeMap<Key, SegAcc>,
    keep: impl Fn(&Key) -> bool,
    f: impl Fn(&SegAcc) -> Decimal,
) -> Decimal {
    seg.iter().filter(|(k, _)| keep(k)).map(|(_, a)| f(a)).sum()
}

fn is_monthly_anniversary(anchor: NaiveDate, day: NaiveDate) -> bool {
    (1..=1200).map(|k| add_period(anchor, yuqi_case::Period::Month, k)).take_while(|d| *d <= day).any(|d| d == day)
}

/// What payments may cover as charges: per segment, window and part, the claimed charges,
/// limited to the retain allowance where the segment has a retain rate (offset of over-cap
/// payments against principal) and unlimited where it has none.
fn retained(caps: &[CapSegment], seg: &std::collections::BTreeMap<Key, SegAcc>, total_claimed: Decimal) -> Decimal {
    if caps.is_empty() {
        return total_claimed;
    }
    seg.iter().map(|(k, a)| a.retainable(&caps[k.0])).sum()
}

fn enforceable(caps: &[CapSegment], seg: &std::collections::BTreeMap<Key, SegAcc>, total_claimed: Decimal) -> Decimal {
    if caps.is_empty() {
        return total_claimed;
    }
    enforceable_where(caps, seg, |_| true)
}

/// The enforceable charges of the comparisons `keep` selects.
fn enforceable_where(
    caps: &[CapSegment],
    seg: &std::collections::BTreeMap<Key, SegAcc>,
    keep: impl Fn(&Key) -> bool,
) -> Decimal {
    seg.iter().filter(|(k, _)| keep(k)).map(|(k, a)| a.lawful(&caps[k.0])).sum()
}

/// What is still unpaid of the lawful charges, by part, what was paid above them, and the
/// comparison of every window.
struct Unpaid {
    term: Money,
    overdue: Money,
    over_cap_paid: Money,
    windows: Vec<WindowOutcome>,
}

/// The days window `w` of cap segment `s` covers, up to the as-of date.
fn window_days(input: &LedgerInput<'_>, s: &CapSegment, w: usize) -> (NaiveDate, NaiveDate) {
    let sched = input.schedule;
    let (before, last) = if w < sched.len() {
        (if w == 0 { input.start } else { sched[w - 1].due }, sched[w].due)
    } else {
        let anchor = sched.last().map_or(input.start, |i| i.due);
        let m = (w - sched.len()) as u32;
        (add_period(anchor, yuqi_case::Period::Month, m), add_period(anchor, yuqi_case::Period::Month, m + 1))
    };
    let from = before.succ_opt().unwrap_or(before).max(s.from);
    let until = last.min(input.as_of).min(s.until.unwrap_or(last));
    (from, until.max(from))
}

/// Payments to charges are set against the charges in the order they arose — a stated
/// balance first, then each window and part — each window taking what may be retained of it
/// (all it claimed without a retain rate). A window keeps only its own payments: what was
/// paid above a window's lawful charges is not set against another window's (a court caps
/// what the lender now claims and does not reopen what was paid; offsetting is a separate
/// scenario, through the retain rate).
fn unpaid_by_window(
    input: &LedgerInput<'_>,
    seg: &std::collections::BTreeMap<Key, SegAcc>,
    (opening_interest, opening_overdue): (Money, Money),
    paid_charges: Money,
) -> Unpaid {
    let caps = input.caps;
    let mut left = paid_charges.to_yuan();
    let mut take = |capacity: Decimal| {
        let p = capacity.max(Decimal::ZERO).min(left);
        left -= p;
        p
    };
    let mut term = Decimal::ZERO;
    let mut overdue = Decimal::ZERO;
    let mut over = Decimal::ZERO;
    term += opening_interest.to_yuan() - take(opening_interest.to_yuan());
    overdue += opening_overdue.to_yuan() - take(opening_overdue.to_yuan());
    let mut windows = Vec::new();
    for (k, a) in seg {
        let s = &caps[k.0];
        let lawful = a.lawful(s);
        let capacity = a.retainable(s);
        let p = take(capacity);
        let unpaid = (lawful - p).max(Decimal::ZERO);
        over += (p - lawful).max(Decimal::ZERO);
        match k.2 {
            Part::Term => term += unpaid,
            Part::Overdue => overdue += unpaid,
        }
        // A part with nothing claimed and no principal to compare is not a comparison.
        if a.claimed.is_zero() && a.base_days.is_zero() {
            continue;
        }
        let (from, until) = window_days(input, s, k.1);
        windows.push(WindowOutcome {
            from,
            until,
            days: a.days.try_into().unwrap_or(0),
            part: k.2,
            // Averaged by days, so that base × cap × days reproduces the allowance.
            base: if a.days.is_zero() { Money::ZERO } else { Money::round_from_yuan(a.base_days / a.days) },
            enforce: s.enforce,
            claimed: Money::round_from_yuan(a.claimed),
            allowance: s.enforce.map(|_| Money::round_from_yuan(a.allow_enforce)),
            lawful: Money::round_from_yuan(lawful),
            paid: Money::round_from_yuan(p),
            // Rounded from the row's own rounded figures, so that each row reads
            // lawful − paid = unpaid (the totals are rounded once, from the exact sums).
            unpaid: Money::round_from_yuan(lawful).saturating_sub_to_zero(Money::round_from_yuan(p)),
        });
    }
    Unpaid {
        term: Money::round_from_yuan(term),
        overdue: Money::round_from_yuan(overdue),
        over_cap_paid: Money::round_from_yuan(over + left),
        windows,
    }
}
