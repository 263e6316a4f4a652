//! From the answers to a case file: what is known is written, what is not is said.
//!
//! An instalment plan the borrower remembers ("945.60 a month, 12 months") is written as the
//! schedule it is: the periodic rate that makes those instalments repay the contract amount is
//! found once (the only floating-point step; the rows are then exact in fen and checked to add
//! up), and each instalment is split into interest on the balance and principal.

use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate};
use yuqi_case::{Period, add_period};
use yuqi_money::Money;

use super::answers::{Answers, DebtAnswers, UNKNOWN, count, date, known, money, month_end};

/// The case file and what it could not say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Built {
    pub toml: String,
    /// What could not be computed because of an unknown answer, in Chinese.
    pub gaps: Vec<String>,
    /// What was assumed in place of an answer, in Chinese.
    pub assumptions: Vec<String>,
}

/// A TOML string (the borrower's words may hold quotes and backslashes).
pub(super) fn q(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// Builds the case file. `today` is the date of the collector's demand as answered.
pub fn build(a: &Answers, title: &str, today: NaiveDate) -> Built {
    let mut b = Built { toml: String::new(), gaps: Vec::new(), assumptions: Vec::new() };
    let _ = write!(b.toml, "version = 1\n\n[case]\ntitle = {}\n\n[person]\n", q(title));
    for (name, v) in
        [("monthly_income", &a.income), ("essential_expenses", &a.expenses), ("monthly_available", &a.available)]
    {
        if let Some(m) = money(v) {
            let _ = writeln!(b.toml, "{name} = {m}");
        }
    }
    if money(&a.income).is_none() && money(&a.available).is_none() && (a.income.is_some() || a.available.is_some()) {
        b.gaps.push("不知道你每月的收入和能拿出多少钱：没法算每月还多少，还款方案只列出依法应还的金额。".into());
    }
    let court_debt =
        a.court_debt.as_deref().and_then(|s| s.parse::<usize>().ok()).or((a.debts.len() == 1).then_some(0));
    for (i, d) in a.debts.iter().enumerate() {
        let court = (a.court.as_deref() == Some("yes") && court_debt == Some(i)).then_some(&a.court_date);
        debt(&mut b, a, i, d, court, today);
    }
    if a.court.as_deref() == Some("yes") && court_debt.is_none() {
        b.gaps
            .push("收到了法院材料，但不知道是哪一笔借款的：诉讼时效按还没起诉算；请对照起诉状上的原告和金额。".into());
    }
    b
}

fn debt(b: &mut Built, a: &Answers, i: usize, d: &DebtAnswers, court: Option<&Option<String>>, today: NaiveDate) {
    let label = a.debt_label(i);
    if d.is_card() {
        return super::card::debt(b, &label, i, d, court, today);
    }
    let Some((contract, month_only)) = date(&d.date) else {
        if d.date.is_some() {
            b.gaps.push(format!(
                "{label}：不记得哪天借的，没法核算，没有计入结果。找到到账短信或App借款记录后补上日期就能算。"
            ));
        }
        return;
    };
    if month_only {
        b.assumptions.push(format!("{label}：只记得借款月份，按该月1日计算。"));
    }
    let principal = money(&d.principal);
    let received = money(&d.received);
    let Some(principal) = principal.or(received) else {
        if d.principal.is_some() {
            b.gaps.push(format!("{label}：借款金额和到手金额都不记得，没法核算，没有计入结果。"));
        }
        return;
    };
    if money(&d.principal).is_none() {
        b.assumptions.push(format!("{label}：不记得合同金额，按到手的钱算。"));
    }
    let (kind, kind_note) = match d.kind.as_deref() {
        Some("cf") => ("consumer_finance", None),
        Some("bank") => ("bank", None),
        Some("card") => ("credit_card", None),
        Some("private") => ("private", None),
        Some("short") => (
            "unlicensed",
            Some(
                "你说这是7天、14天就要还的短期App：这类借款通常没有放贷资格，按无资格放贷核算（依法最多只还实际到手的本金）。如果对方其实是持牌机构，结果会不同。",
            ),
        ),
        Some("app") => ("microloan", None),
        _ => ("microloan", Some("不知道是哪种出借方：按最常见的网络小额贷款公司核算。")),
    };
    if let Some(n) = kind_note {
        b.assumptions.push(format!("{label}：{n}"));
    }
    let app = known(&d.app).map(str::to_string);
    let lender = known(&d.lender)
        .map(str::to_string)
        .or_else(|| app.as_deref().map(yuqi_case::stand_in_lender))
        .unwrap_or_else(|| yuqi_case::stand_in_lender(&format!("第{}笔借款", i + 1)));
    let t = &mut b.toml;
    let _ = write!(t, "\n[[debt]]\nid = \"debt{}\"\nlender = {}\nkind = \"{kind}\"\n", i + 1, q(&lender));
    if let Some(app) = &app {
        let _ = writeln!(t, "platform = {}", q(app));
    }
    if d.kind.as_deref() == Some("short") {
        // He said it is a 7- or 14-day app; that its lender has no licence is the guess made
        // from that, computed with but never stated as a fact.
        let _ = writeln!(t, "kind_presumed = true");
    }
    let _ = writeln!(t, "contract_date = {contract}\nprincipal = {principal}");
    if let Some(r) = received.filter(|r| *r < principal) {
        let _ = writeln!(t, "received = {r}");
    } else if d.received.as_deref() == Some(UNKNOWN) {
        b.assumptions.push(format!("{label}：不记得实际到手多少，按合同金额算；如果到手的更少，你依法该还的也更少。"));
    }
    let roll = rollover(b, &label, d, contract);
    let rows = schedule(b, &label, d, contract, principal, roll.as_ref());
    let t = &mut b.toml;
    match &rows {
        Some((rows, rate)) => {
            // The contract rate the instalments imply: after default the overdue principal keeps
            // bearing it (民法典 第676条 as the ledger applies it), within the caps.
            // Marked as worked out from the answers, so no report calls it the contract's rate.
            if let Some(r) = rate.filter(|r| *r > 0) {
                let _ = writeln!(t, "rate = \"年化{}%\"\nrate_source = \"instalments\"", percent_4(r));
            }
            for r in rows {
                let _ = write!(
                    t,
                    "\n[[debt.schedule]]\ndue = {}\nprincipal = {}\ninterest = {}\n",
                    r.due, r.principal, r.interest
                );
            }
        }
        None => {
            // No amounts: the contract's rate (if remembered) on a plan of the right shape.
            let n = count(&d.count).unwrap_or(1);
            let method = if d.repay.as_deref() == Some("installments") && n > 1 { "等额本息" } else { "bullet" };
            let _ = writeln!(t, "method = \"{method}\"\nperiods = {n}");
            // A loan due at once is due when his answers say: the last extended due date, else
            // the days he gave (without it a bullet loan fell due a month after it was taken).
            let once_due = match (&roll, count(&d.days)) {
                (Some(r), _) => Some(r.last_due),
                (None, Some(days)) if d.repay.as_deref() == Some("once") => {
                    Some(add_period(contract, Period::Days(days), 1))
                }
                _ => None,
            };
            if let Some(due) = once_due {
                let _ = writeln!(t, "first_due = {due}");
            }
            if let Some(p) = period_of(d).filter(|p| *p != Period::Month) {
                let _ = writeln!(
                    t,
                    "period = \"{}d\"",
                    match p {
                        Period::Days(n) => n,
                        Period::Month => 30,
                    }
                );
            }
            match known(&d.rate) {
                Some(rate) => {
                    let _ = writeln!(t, "rate = {}", q(rate));
                }
                None => b.gaps.push(format!("{label}：不知道利率和每期还款额，没法核算利息：结果只按本金算，对方可能主张更多利息，但不会超过法律上限。")),
            }
            if d.repay.as_deref() == Some(UNKNOWN) || d.repay.is_none() {
                b.assumptions.push(format!("{label}：不记得怎么还，按到期一次还清计算。"));
            }
        }
    }
    if let Some(p) = received.filter(|r| *r < principal).map(|r| principal - r) {
        let _ = write!(
            b.toml,
            "\n[[debt.fee]]\nname = \"放款时先扣掉的钱\"\nkind = \"service\"\namount = {p}\ntiming = \"deducted\"\n"
        );
    }
    payments(b, &label, d, rows.as_ref().map(|(r, _)| r.as_slice()), roll.as_ref());
    // A loan rolled over went overdue on the due date the rollovers give (the day he gave as he
    // gave it when it could be taken, else what was said instead).
    if let Some(stopped) = date(&d.stopped).map(|(s, _)| roll.as_ref().map_or(s, |r| r.last_due)) {
        let _ = write!(b.toml, "\n[debt.credit]\noverdue_start = {stopped}\n");
    }
    demand_and_court(b, &label, d, court, today);
}

/// The collector's demand (dated today, as answered today) and the court papers, for a loan
/// and a card alike.
pub(super) fn demand_and_court(
    b: &mut Built,
    label: &str,
    d: &DebtAnswers,
    court: Option<&Option<String>>,
    today: NaiveDate,
) {
    if let Some(m) = money(&d.demand) {
        // Who demanded it is not asked: no name is written. A placeholder (it was "催收") read
        // as a party: "最近一次催收来自 催收，而不是合同上的出借方" (a new creditor, guessed
        // from nothing) and a verification letter addressed to "催收".
        let _ = write!(b.toml, "\n[debt.demand]\ndate = {today}\namount = {m}\n");
    } else if d.demand.as_deref() == Some(UNKNOWN) {
        b.gaps.push(format!("{label}：不知道催收要多少，没法比较对方多要了多少。"));
    }
    if let Some(cd) = court {
        match date(cd) {
            Some((served, _)) => {
                let _ = write!(
                    b.toml,
                    "\n[[debt.event]]\ndate = {served}\nkind = \"lawsuit_served\"\nnote = \"收到法院的材料\"\n"
                );
            }
            None => b.gaps.push(format!(
                "{label}：收到了法院材料，但不记得日期：诉讼时效按还没起诉算；请看材料上的日期，并按时应诉。"
            )),
        }
    }
}

fn period_of(d: &DebtAnswers) -> Option<Period> {
    match d.period.as_deref() {
        Some("week") => Some(Period::Days(7)),
        Some("14d") => Some(Period::Days(14)),
        Some(_) => Some(Period::Month),
        None => None,
    }
}

/// A loan due at once, rolled over (展期) `times` times for a fee each time: the due date moved
/// each time by the loan's own term, and the fee was paid on the due date it replaced.
struct Rollover {
    /// The days the fees were paid: each due date before the last.
    paid_on: Vec<NaiveDate>,
    fee: Option<Money>,
    last_due: NaiveDate,
}

/// What the rollovers he gave change: the due date (the one he last missed, else the original
/// one moved by the term as often as he rolled over), and the fees as money paid. The law data
/// has no rule of its own for a rollover: the fee is taken as what it is, a payment to the
/// lender, which the ledger applies like any other (charges, then principal), and the due date
/// as the one the extension agreed.
fn rollover(b: &mut Built, label: &str, d: &DebtAnswers, contract: NaiveDate) -> Option<Rollover> {
    if d.repay.as_deref() != Some("once") {
        return None;
    }
    let days = count(&d.days).unwrap_or(30);
    let first = add_period(contract, Period::Days(days), 1);
    let Some(times) = count(&d.rollovers) else {
        if d.rollovers.as_deref() == Some(UNKNOWN) {
            // The fees are in 已还 only when he gave it; else `payments` says nothing paid counts.
            let fees =
                if money(&d.paid).is_some() { "；交过的展期费已经算在你填的“已还”里" } else { "" };
            b.assumptions.push(format!(
                "{label}：不记得展期过几次，按没展期算：从最初的还款日 {first} 起算逾期和诉讼时效{fees}。"
            ));
        }
        return None;
    };
    if times == 0 {
        return None;
    }
    let step = |k: u32| add_period(first, Period::Days(days), k);
    let moved = step(times);
    let moved_said = format!("还款日按每次往后推 {days} 天算，是 {moved}");
    // The day he stopped is taken whenever it can be: a day after the original due date as it
    // is; a month alone as the extended due date his answers put in it, else its last day (so
    // the limitation period computed never ends before the real one). One on or before the
    // original due date cannot be (he paid a fee that day): the interview refuses it when it
    // knows the day of the loan and its term, and here it is said, never passed over as if he
    // had not given it.
    let (last_due, due_said) = match date(&d.stopped) {
        Some((s, false)) if s > first => (s, format!("还款日按你说的开始没还上的那天 {s} 算")),
        Some((s, true)) if month_end(s) > first => {
            let month = format!("{}年{}月", s.year(), s.month());
            match (1..=times).map(step).rfind(|x| (x.year(), x.month()) == (s.year(), s.month())) {
                Some(x) => (x, format!("你只记得是{month}开始没还上的，还款日按展期后落在这个月的还款日 {x} 算")),
                None => {
                    let end = month_end(s);
                    (end, format!("你只记得是{month}开始没还上的，还款日按这个月的最后一天 {end} 算"))
                }
            }
        }
        Some((s, month_only)) => {
            let said = if month_only { format!("{}年{}月", s.year(), s.month()) } else { s.to_string() };
            (
                moved,
                format!(
                    "你填的开始没还上的日期（{said}）不在最初的还款日 {first} 之后，和展期对不上，没有采用（请核对）；{moved_said}"
                ),
            )
        }
        None if d.stopped.as_deref() == Some(UNKNOWN) => (moved, format!("你不记得哪天开始没还上，{moved_said}")),
        None => (moved, moved_said),
    };
    let paid_on: Vec<NaiveDate> = (0..times).map(|k| step(k).min(last_due)).collect();
    // What became of the fees is said where the payments are written (`payments`).
    b.assumptions.push(format!(
        "{label}：你说到期后展期了 {times} 次：{due_said}，逾期和诉讼时效从这天起算，不从最初的还款日 {first} 算。"
    ));
    Some(Rollover { paid_on, fee: money(&d.rollover_fee), last_due })
}

struct Row {
    due: NaiveDate,
    principal: Money,
    interest: Money,
}

/// An annual rate in parts per 10^12 as a percentage with four decimals, rounded half up.
fn percent_4(r: i128) -> String {
    // percent × 10^4 = r × 100 × 10^4 / 10^12 = r / 10^6
    let x = (r + 500_000) / 1_000_000;
    format!("{}.{:04}", x / 10_000, x % 10_000)
}

/// The contract's schedule, from the amounts the borrower remembers, with the annual rate (parts
/// per 10^12) it implies when known; `None` when he does not remember the amounts.
fn schedule(
    b: &mut Built,
    label: &str,
    d: &DebtAnswers,
    contract: NaiveDate,
    principal: Money,
    roll: Option<&Rollover>,
) -> Option<(Vec<Row>, Option<i128>)> {
    match d.repay.as_deref() {
        Some("once") => {
            let due_amount = money(&d.due_amount)?;
            let days = count(&d.days).unwrap_or_else(|| {
                b.assumptions.push(format!("{label}：不记得借了几天，按一个月（30天）算。"));
                30
            });
            Some((
                vec![Row {
                    due: roll.map_or_else(|| add_period(contract, Period::Days(days), 1), |r| r.last_due),
                    principal,
                    interest: (due_amount - principal).max(Money::ZERO),
                }],
                None,
            ))
        }
        Some("installments") => {
            let amount = money(&d.amount)?;
            let n = count(&d.count).or_else(|| {
                b.gaps.push(format!("{label}：知道每期还多少，但不记得一共几期，没法还原还款计划。"));
                None
            })?;
            let period = period_of(d).unwrap_or(Period::Month);
            let (rows, per_period) = annuity_rows(contract, period, principal, amount, n)?;
            let per_year = match period {
                Period::Month => 12 * per_period,
                Period::Days(days) => per_period * 365 / i128::from(days.max(1)),
            };
            Some((rows, Some(per_year)))
        }
        _ => None,
    }
}

/// Equal instalments of `amount` that repay `principal` over `n` periods.
fn annuity_rows(
    contract: NaiveDate,
    period: Period,
    principal: Money,
    amount: Money,
    n: u32,
) -> Option<(Vec<Row>, i128)> {
    let mut flows = vec![-principal.to_f64()];
    flows.extend(std::iter::repeat_n(amount.to_f64(), n as usize));
    // The periodic rate, as parts per 10^12 (integer arithmetic from here on).
    let total = amount.fen().checked_mul(i64::from(n))?;
    let rate_e12: i128 = if total == principal.fen() {
        0
    } else {
        let r = yuqi_ledger::irr::irr(&flows).ok()?.rate;
        if !(0.0..10.0).contains(&r) {
            return None;
        }
        (r * 1e12).round() as i128
    };
    let mut balance = i128::from(principal.fen());
    let mut rows = Vec::with_capacity(n as usize);
    for k in 1..=n {
        let interest = (balance * rate_e12 + 500_000_000_000) / 1_000_000_000_000;
        let mut princ = i128::from(amount.fen()) - interest;
        if k == n || princ > balance {
            princ = balance;
        }
        let interest = if k == n { (i128::from(amount.fen()) - princ).max(0) } else { interest };
        balance -= princ;
        rows.push(Row {
            due: add_period(contract, period, k),
            principal: Money::from_fen(i64::try_from(princ).ok()?),
            interest: Money::from_fen(i64::try_from(interest).ok()?),
        });
    }
    // The check on the root: the rows repay exactly the principal, and each is the instalment
    // (the last absorbs the rounding of a fen or two).
    let repaid: i64 = rows.iter().map(|r| r.principal.fen()).sum();
    let off = rows.last().map(|r| (r.principal + r.interest - amount).fen().abs())?;
    (repaid == principal.fen() && off <= i64::from(n)).then_some((rows, rate_e12))
}

fn payments(b: &mut Built, label: &str, d: &DebtAnswers, rows: Option<&[Row]>, roll: Option<&Rollover>) {
    let installments = d.repay.as_deref() == Some("installments");
    // Each 展期费 on its day; what else he paid, on the due date as before.
    let mut fees = Money::ZERO;
    if let Some(r) = roll {
        // How the fees are applied, the same whatever he remembers of them.
        let how = "和其他还款一样先抵利息费用、再抵本金。法律资料里没有专门关于展期费的规定，这里按一般的还款处理。";
        let times = r.paid_on.len();
        let paid = money(&d.paid);
        match r.fee {
            Some(fee) => {
                for (k, on) in r.paid_on.iter().enumerate() {
                    let _ = write!(
                        b.toml,
                        "\n[[debt.payment]]\ndate = {on}\namount = {fee}\nnote = \"第{}次展期费（按原定还款日记）\"\n",
                        k + 1
                    );
                    fees += fee;
                }
                let (fee, all) = (fee.to_grouped_string(), fees.to_grouped_string());
                let said = match paid {
                    Some(p) if p < fees => format!(
                        "你填的已还 {} 元比 {times} 次展期费合起来的 {all} 元还少，按展期费合计 {all} 元算已还（每次 {fee} 元，按每次原定的还款日那天交的记）",
                        p.to_grouped_string()
                    ),
                    Some(_) => {
                        format!("{times} 次展期费每次 {fee} 元，都算作你付给对方的钱，按每次原定的还款日那天交的记")
                    }
                    None => format!(
                        "你不记得一共还过多少：只把 {times} 次展期费（每次 {fee} 元，共 {all} 元）算作已还，按每次原定的还款日那天交的记；展期费以外还过的钱没有计入，要从结果里扣掉"
                    ),
                };
                b.assumptions.push(format!("{label}：{said}，{how}"));
            }
            None => {
                // Fees of unknown size: the whole sum paid, on the day of the first rollover.
                match (paid, r.paid_on.first()) {
                    (Some(m), Some(on)) if m.is_positive() => {
                        let _ = write!(
                            b.toml,
                            "\n[[debt.payment]]\ndate = {on}\namount = {m}\nnote = \"已还合计，含展期费（日期不详，按第一次展期那天记）\"\n"
                        );
                        b.assumptions.push(format!(
                            "{label}：你不记得每次交多少展期费：你填的已还合计 {} 元（展期费也在里面）按第一次展期那天 {on} 一次付给对方的记，{how}",
                            m.to_grouped_string()
                        ));
                    }
                    (Some(_), _) => b.gaps.push(format!(
                        "{label}：你不记得每次交多少展期费，已还填的是 0：展期费没有计入，按一分钱没还过算；实际交过的钱要从结果里扣掉。"
                    )),
                    (None, _) if d.paid.is_some() => b.gaps.push(format!(
                        "{label}：你不记得每次交多少展期费，也不记得一共还过多少：交过的钱都没有计入，按一分钱没还过算；实际交过的钱要从结果里扣掉，你依法该还的会比结果少。"
                    )),
                    (None, _) => {}
                }
                return;
            }
        }
    }
    if installments {
        let stopped = date(&d.stopped).map(|(s, _)| s);
        let paid = count(&d.paid).or_else(|| {
            // "Since when have you not paid" tells how many instalments were paid.
            let (rows, s) = (rows?, stopped?);
            let k = rows.iter().take_while(|r| r.due < s).count() as u32;
            b.assumptions.push(format!("{label}：不记得还了几期，按开始没还的日期推算为 {k} 期。"));
            Some(k)
        });
        match (paid, rows) {
            (Some(k), Some(rows)) => {
                for (n, r) in rows.iter().take(k as usize).enumerate() {
                    let _ = write!(
                        b.toml,
                        "\n[[debt.payment]]\ndate = {}\namount = {}\nnote = \"第{}期（按应还日记）\"\n",
                        r.due,
                        r.principal + r.interest,
                        n + 1
                    );
                }
            }
            (Some(k), None) if k > 0 => b
                .gaps
                .push(format!("{label}：已还 {k} 期，但不知道每期多少，已还的钱没有计入；依法应还的金额会比结果少。")),
            (None, _) if d.paid.is_some() => {
                b.gaps.push(format!("{label}：不记得还过多少，按一期都没还算；实际还过的钱要从结果里扣掉。"))
            }
            _ => {}
        }
    } else if let Some(m) = money(&d.paid).map(|m| m - fees).filter(|m| m.is_positive()) {
        let when = rows
            .and_then(|r| r.first())
            .map(|r| r.due)
            .or_else(|| date(&d.stopped).map(|(s, _)| s))
            .or_else(|| date(&d.date).map(|(s, _)| s));
        if let Some(when) = when {
            let _ = write!(
                b.toml,
                "\n[[debt.payment]]\ndate = {when}\namount = {m}\nnote = \"已还合计（日期不详，按到期日记）\"\n"
            );
            let what = if fees.is_positive() { "展期费以外已还的" } else { "已还的" };
            b.assumptions.push(format!("{label}：{what} {} 元按到期那天一次还的记。", m.to_grouped_string()));
        }
    } else if d.paid.as_deref() == Some(UNKNOWN) && fees.is_zero() {
        // (With the fees counted, the note on them already said what an unknown 已还 left out.)
        b.gaps.push(format!("{label}：不记得还过多少，按没还过算；实际还过的钱要从结果里扣掉。"));
    }
}
