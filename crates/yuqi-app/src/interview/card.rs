//! A credit card, from what a cardholder knows: what the bank's app says he owes, the due date
//! he first missed, the last payment since.
//!
//! A card has no "day the money arrived" and no "amount lent": asking for them made a borrower
//! give the month he got the card, and the balance was then computed as a loan made that month
//! and never repaid (interest on it for years, and a limitation period running from a due date
//! a month after the card was issued). The case file says instead what he knows, in the form
//! the ledger has for it: the balance as a balance stated on the day he gave it
//! (`[debt.opening]`, taken as stated), and the missed due date as the card debt's due date
//! (`first_due`), from which the limitation period runs.

use std::fmt::Write as _;

use chrono::{Datelike, Months, NaiveDate};
use yuqi_docs::facts::date_zh;

use super::answers::{DebtAnswers, NONE_PAID, UNKNOWN, date, known, money, month_end};
use super::build::{Built, demand_and_court, q};

/// Writes the card `d` (the borrower's `i`-th debt, called `label`).
pub(super) fn debt(
    b: &mut Built,
    label: &str,
    i: usize,
    d: &DebtAnswers,
    court: Option<&Option<String>>,
    today: NaiveDate,
) {
    let app = known(&d.app).map(str::to_string);
    // His answer to the first question is the bank's name for a card (信用卡写银行名).
    let lender = known(&d.lender)
        .or(app.as_deref())
        .map_or_else(|| yuqi_case::stand_in_lender(&format!("第{}笔借款", i + 1)), str::to_string);
    let Some(balance) = money(&d.balance) else {
        if d.balance.is_some() {
            // Not dropped in silence: the card is in the case file as a debt whose balance is
            // unknown (every report lists it), and the results say why and where the figure is.
            b.gaps.push(format!(
                "{label}：这张信用卡不知道现在欠多少，还没有算进欠款合计和还款方案（其他几笔的结果不受影响）。\
                 打开发卡银行的App（或看最近一期的账单短信），在“账单”里找“欠款总额”或“本期应还金额”，\
                 点“修改回答”填上就能算。"
            ));
            let t = &mut b.toml;
            let _ = write!(
                t,
                "\n[[unknown_balance]]\nid = \"debt{}\"\nlender = {}\nkind = \"credit_card\"\n",
                i + 1,
                q(&lender)
            );
            if let Some(app) = app.as_ref().filter(|a| **a != lender) {
                let _ = writeln!(t, "platform = {}", q(app));
            }
            let _ = writeln!(t, "note = \"发卡银行App的账单里的“欠款总额”\"");
        }
        return;
    };
    // The balance is as of the day he gave it (answers saved before that day was kept: today).
    let balance_on = d.balance_on.as_deref().and_then(|s| s.parse::<NaiveDate>().ok()).unwrap_or(today).min(today);
    // The first missed due date. Only a month remembered: its last day, so that the limitation
    // period computed never ends before the real one (a borrower must not rely on a time bar
    // that has not run).
    let due = match date(&d.stopped) {
        Some((day, false)) => Some(day.min(today)),
        Some((first, true)) => {
            let day = month_end(first).min(today);
            b.assumptions.push(format!(
                "{label}：只记得是{}年{}月开始没还上，到期还款日按这个月的最后一天（{}）算，这样算出的诉讼时效届满日不会比实际的早。准确的日期在银行App的账单里能查到。",
                first.year(),
                first.month(),
                date_zh(day)
            ));
            Some(day)
        }
        None => None,
    };
    let due = due.unwrap_or_else(|| {
        if d.stopped.is_some() {
            b.gaps.push(format!(
                "{label}：不记得哪天开始没还上，诉讼时效暂时从你填写欠款那天（{}）算，算出的届满日会比实际的晚。\
                 在银行App的账单里找到第一次没还上的那期“到期还款日”补上，时效才准。",
                date_zh(balance_on)
            ));
        }
        balance_on
    });
    // The last payment since the default: it starts the limitation period again. One before
    // the missed due date is already in the balance and changes nothing.
    let last = match (d.last_paid.as_deref(), money(&d.last_amount)) {
        (Some(p), Some(m)) if p != NONE_PAID && p != UNKNOWN => date(&d.last_paid).map(|(on, month_only)| {
            if !month_only {
                return (on, m);
            }
            // A month alone: its last day, for the same reason as the missed due date.
            let day = month_end(on).min(today);
            b.assumptions.push(format!(
                "{label}：最后一次还款只记得是{}年{}月，按这个月的最后一天（{}）算。",
                on.year(),
                on.month(),
                date_zh(day)
            ));
            (day, m)
        }),
        _ => None,
    };
    let last = last.filter(|(on, _)| {
        let after = *on >= due;
        if !after {
            b.assumptions.push(format!(
                "{label}：最后一次还款（{}）在开始没还上之前，已经算在欠款里，不影响诉讼时效。",
                date_zh(*on)
            ));
        }
        after
    });
    if d.last_paid.as_deref() == Some(UNKNOWN) {
        b.gaps.push(format!(
            "{label}：不记得开始没还上以后还过钱没有。如果还过，诉讼时效从最后一次还款后重新算，实际的届满日会比结果写的晚：\
             在银行App的“还款记录”里查一下再补上，不要只凭结果里的时效日期做决定。"
        ));
    }
    // A card has no loan date. The case file's contract date stands for the statement whose
    // due date was missed, a month before it (and before anything else the file dates); it
    // moves no figure and no period.
    let court_day = court.and_then(date).map(|(d, _)| d);
    let contract = [due.checked_sub_months(Months::new(1)).unwrap_or(due), balance_on]
        .into_iter()
        .chain(court_day)
        .min()
        .unwrap_or(due);
    b.assumptions.push(format!(
        "{label}：信用卡没有“借款那天”，报告里的“合同日期”按没还上的那期账单到期前一个月（{}）写，只是示意，不影响欠款金额和诉讼时效；信里不写这个日期。",
        date_zh(contract)
    ));
    b.assumptions.push(format!(
        "{label}：按你填写的 {} 元算作{}的欠款。账单上的欠款通常已经含有银行算的利息和违约金，这里照数计算，没有核查这些利息是否超过法律上限（要核查，需要每期账单的明细）。\
         这天以后银行还会加收利息：不知道这张卡的利率，按法律允许的最高利率算最多应还多少（不是说银行约定了这个利率）。",
        balance.to_grouped_string(),
        date_zh(balance_on)
    ));

    let t = &mut b.toml;
    let _ = write!(t, "\n[[debt]]\nid = \"debt{}\"\nlender = {}\nkind = \"credit_card\"\n", i + 1, q(&lender));
    // The app's name only when it is not the bank's (else every heading says it twice).
    if let Some(app) = app.as_ref().filter(|a| **a != lender) {
        let _ = writeln!(t, "platform = {}", q(app));
    }
    // A card always bears interest; its rate is not asked ("不详": the most the law allows).
    let _ = writeln!(
        t,
        "contract_date = {contract}\nprincipal = {balance}\nrate = \"不详\"\nmethod = \"bullet\"\nfirst_due = {due}"
    );
    let _ =
        write!(t, "\n[debt.opening]\ndate = {balance_on}\nprincipal = {balance}\nby = \"你填写的欠款（银行账单）\"\n");
    if let Some((on, m)) = last {
        let _ = write!(t, "\n[[debt.payment]]\ndate = {on}\namount = {m}\nnote = \"开始没还上以后最后一次还款\"\n");
    }
    if date(&d.stopped).is_some() {
        let _ = write!(t, "\n[debt.credit]\noverdue_start = {due}\n");
    }
    demand_and_court(b, label, d, court, today);
}
