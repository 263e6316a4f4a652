//! The top-level tables (`[case]`, `[person]`, `[screen]`) and each `[[debt]]` with its own fields.
//! A debt's sub-tables are converted by their own steps; this file checks how they fit together
//! (ids unique, dates not after `as_of`, amounts that must agree).

use toml::{Spanned, Value};
use yuqi_money::{Decimal, Money, RateInput};

use super::raw::{RawDebt, RawFile};
use super::values::Cx;
use crate::model::*;

impl Cx<'_> {
    pub(super) fn case(&mut self, raw: &RawFile) -> Case {
        if let Some(v) = &raw.version
            && !matches!(v.get_ref(), Value::Integer(1))
        {
            self.err(v.span(), "本版本的 yuqi 只支持 version = 1".to_string());
        }
        let (title, as_of, filing_date) = match &raw.case {
            Some(c) => {
                let c = c.get_ref();
                let title = self.opt(&c.title, Self::string).unwrap_or_default();
                let as_of = self.opt(&c.as_of, Self::date);
                let filing = self.opt(&c.filing_date, Self::date);
                let _ = self.opt(&c.note, Self::string);
                (title, as_of, filing)
            }
            None => (String::new(), None, None),
        };
        let person = match &raw.person {
            Some(p) => {
                let p = p.get_ref();
                Person {
                    name: self.opt(&p.name, Self::string).unwrap_or_default(),
                    city: self.opt(&p.city, Self::string),
                    phone: self.opt(&p.phone, Self::string),
                    monthly_income: self.opt(&p.monthly_income, Self::money),
                    essential_expenses: self.opt(&p.essential_expenses, Self::money),
                    dependants: self.opt(&p.dependants, |cx, v| cx.uint(v, 0, 50)),
                    savings: self.opt(&p.savings, Self::money),
                    monthly_available: self.opt(&p.monthly_available, Self::money),
                    address: self.opt(&p.address, Self::string),
                    id_number: self.opt(&p.id_number, Self::string),
                    hardship: self.opt(&p.hardship, Self::string),
                }
            }
            None => Person::default(),
        };
        let screen = match &raw.screen {
            Some(sc) => {
                let r = sc.get_ref();
                Screen {
                    false_identity: self.opt(&r.false_identity, Self::boolean),
                    fake_documents: self.opt(&r.fake_documents, Self::boolean),
                    absconded: self.opt(&r.absconded, Self::boolean),
                    hid_assets: self.opt(&r.hid_assets, Self::boolean),
                }
            }
            None => Screen::default(),
        };
        if raw.debt.is_empty() {
            self.err(0..0, "案例文件中没有任何借款（需要至少一个 [[debt]] 表）".to_string());
        }
        let mut debts: Vec<Debt> = Vec::new();
        // The ids seen so far, in a set: comparing each debt with all before it was quadratic
        // (80 000 debts: 29.6 s).
        let mut ids: std::collections::HashSet<String> = std::collections::HashSet::with_capacity(raw.debt.len());
        for d in &raw.debt {
            if let Some(debt) = self.debt(d) {
                if !ids.insert(debt.id.clone()) {
                    let span = d.get_ref().id.as_ref().map_or(d.span(), Spanned::span);
                    self.err(span, format!("借款标识 id = \"{}\" 重复；每笔借款的 id 必须不同", debt.id));
                }
                debts.push(debt);
            }
        }
        if let Some(as_of) = as_of {
            for (raw_debt, debt) in raw.debt.iter().zip(&debts) {
                if debt.contract_date > as_of {
                    let span = raw_debt.get_ref().contract_date.as_ref().map_or(raw_debt.span(), Spanned::span);
                    self.err(span, format!("合同日期 {} 晚于计算截止日 as_of = {as_of}", debt.contract_date));
                }
            }
        }
        let mut unknown_balance = Vec::new();
        for u in &raw.unknown_balance {
            let here = u.span();
            let r = u.get_ref();
            let id = self.req(&r.id, &here, "id", "借款的简短标识，如 \"card\"", Self::string);
            let lender = self.req(&r.lender, &here, "lender", "出借人或发卡银行名称", Self::string);
            let kind = self.req(&r.kind, &here, "kind", "出借人类型", |cx, v| {
                cx.choice(v, LenderKind::from_text, "bank, consumer_finance, microloan, credit_card, private, unlicensed, assignee（或 银行、消费金融、小贷、信用卡、个人、无资质、受让人）")
            });
            let platform = self.opt(&r.platform, Self::string);
            let note = self.opt(&r.note, Self::string);
            if let (Some(id), Some(lender), Some(kind)) = (id, lender, kind) {
                if !ids.insert(id.clone()) {
                    let span = r.id.as_ref().map_or(here, Spanned::span);
                    self.err(span, format!("借款标识 id = \"{id}\" 重复；每笔借款的 id 必须不同"));
                }
                unknown_balance.push(UnknownBalance { id, lender, kind, platform, note });
            }
        }
        Case { title, as_of, filing_date, person, screen, debts, unknown_balance }
    }

    pub(super) fn debt(&mut self, sd: &Spanned<RawDebt>) -> Option<Debt> {
        let here = sd.span();
        let d = sd.get_ref();
        let errors_before = self.errors.len();
        let id = self.req(&d.id, &here, "id", "借款的简短标识，如 \"xjd\"", Self::string);
        if let (Some(id), Some(v)) = (&id, &d.id)
            && !id.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        {
            self.err(v.span(), "id 只能包含字母、数字、下划线和连字符".to_string());
        }
        let lender = self.req(&d.lender, &here, "lender", "出借人名称", Self::string);
        let kind = self.req(&d.kind, &here, "kind", "出借人类型", |cx, v| {
            cx.choice(v, LenderKind::from_text, "bank, consumer_finance, microloan, credit_card, private, unlicensed, assignee（或 银行、消费金融、小贷、信用卡、个人、无资质、受让人）")
        });
        let platform = self.opt(&d.platform, Self::string);
        let original_lender = self.opt(&d.original_lender, Self::string);
        let original_kind = self.opt(&d.original_kind, |cx, v| {
            cx.choice(v, LenderKind::from_text, "bank, consumer_finance, microloan, credit_card, private, unlicensed")
        });
        let assignee_kind = self.opt(&d.assignee_kind, |cx, v| {
            cx.choice(
                v,
                |s| match s {
                    "amc" | "资产管理公司" | "AMC" => Some(AssigneeKind::Amc),
                    "other" | "其他" => Some(AssigneeKind::Other),
                    _ => None,
                },
                "amc（持牌资产管理公司）, other（其他）",
            )
        });
        if kind == Some(LenderKind::Assignee) && original_kind.is_none() {
            self.err(
                here.clone(),
                "kind = \"assignee\" 时请写明 original_kind（原债权人类型，如 \"microloan\"）".to_string(),
            );
        }
        if original_kind == Some(LenderKind::Assignee) {
            let span = d.original_kind.as_ref().map_or(here.clone(), Spanned::span);
            self.err(span, "original_kind 应为最初放款人的类型，不能是 assignee".to_string());
        }
        let contract_date = self.req(&d.contract_date, &here, "contract_date", "合同成立/放款日期", Self::date);
        let principal = self.req(&d.principal, &here, "principal", "合同或借条上写的本金", Self::positive_money);
        let received = match &d.received {
            Some(v) => self.positive_money(v),
            None => principal,
        };
        if let (Some(p), Some(r), Some(v)) = (principal, received, &d.received)
            && r > p
        {
            self.err(v.span(), format!("实际到手金额 {r} 大于合同本金 {p}；请核对"));
        }
        let unknown = |v: &Spanned<Value>| {
            matches!(v.get_ref().as_str().map(str::trim), Some("不详" | "不记得" | "不知道" | "unknown"))
        };
        let rate_unknown = d.rate.as_ref().is_some_and(unknown);
        let (rate, rate_missing) = match &d.rate {
            Some(_) if rate_unknown => {
                (Some(RateInput { text: "利率不详".to_string(), ..RateInput::annual(Decimal::ZERO) }), false)
            }
            Some(v) => (self.rate(v), false),
            None => (Some(RateInput::annual(Decimal::ZERO)), true),
        };
        let rate_source = self
            .opt(&d.rate_source, |cx, v| {
                cx.choice(
                    v,
                    RateSource::from_text,
                    "contract（合同写的利率，不写时就是它）, instalments（按每期还款额推算的利率）",
                )
            })
            .unwrap_or_default();
        // A source describes a written rate: without one there is nothing to describe, and an
        // `interest_total` or an unknown rate already says where the figure came from.
        if let Some(v) = &d.rate_source
            && rate_source != RateSource::Contract
            && (d.rate.is_none() || rate_unknown)
        {
            self.err(v.span(), "rate_source 说明的是 rate 从哪里来：请同时写出推算得到的利率 rate".to_string());
        }
        let disbursed = self.opt(&d.disbursed, Self::date);
        if let (Some(x), Some(c), Some(v)) = (disbursed, contract_date, &d.disbursed)
            && x < c
        {
            self.err(v.span(), format!("放款日 {x} 早于合同日期 {c}；合同日期写签约日，放款日写钱到账的那天"));
        }

        let repayment = self.repayment(d, &here, contract_date);
        // Interest agreed as a lump sum ("借一万，一个月后还一万二"): the rate it implies.
        let (rate, rate_missing) = match (&d.interest_total, &d.rate) {
            (Some(v), Some(_)) => {
                self.err(v.span(), "interest_total（一次性约定的利息）和 rate 只能写一个".to_string());
                (rate, rate_missing)
            }
            (Some(v), None) => (self.lump_sum_rate(v, principal, contract_date, repayment.as_ref()), false),
            (None, _) => (rate, rate_missing),
        };
        let fees = d.fee.iter().filter_map(|f| self.fee(f)).collect::<Vec<_>>();
        // Money withheld at disbursement (砍头息) is not principal: when the file does not say
        // what reached the borrower, it is the principal less those fees; when it does, the two
        // must agree, or the withheld money would silently count as lent.
        let deducted: Option<Money> =
            principal.map(|p| fees.iter().filter(|f| f.timing == FeeTiming::Deducted).map(|f| f.amount.on(p)).sum());
        let received = match (&d.received, principal, deducted) {
            (None, Some(p), Some(w)) if w.is_positive() => {
                if w >= p {
                    let span = d.fee.first().map_or(here.clone(), Spanned::span);
                    self.err(span, format!("放款时扣除的费用合计 {w} 不小于合同本金 {p}；请核对费用金额"));
                    None
                } else {
                    Some(p - w)
                }
            }
            (Some(v), Some(p), Some(w)) if w.is_positive() => {
                // (A received amount above the principal is already refused above.)
                if let Some(r) = received
                    && r <= p
                    && r + w > p
                {
                    self.err(
                        v.span(),
                        format!(
                            "实际到手 {r} 加上放款时扣除的费用 {w} 超过了合同本金 {p}：到手金额应是扣费之后真正收到的钱（{}），请核对 received 或费用",
                            p - w
                        ),
                    );
                }
                received
            }
            _ => received,
        };
        let overdue = match &d.overdue {
            Some(o) => self.overdue(o),
            None => Some(OverdueTerms::default()),
        };
        let mut payments = Vec::new();
        for p in &d.payment {
            let (pspan, rp) = (p.span(), p.get_ref());
            let date = self.req(&rp.date, &pspan, "date", "还款日期", Self::date);
            let amount = self.req(&rp.amount, &pspan, "amount", "还款金额", Self::positive_money);
            let note = self.opt(&rp.note, Self::string).unwrap_or_default();
            let to = self.opt(&rp.to, Self::string);
            let auto_debit = self.opt(&rp.auto_debit, Self::boolean).unwrap_or(false);
            let to_principal = self
                .opt(&rp.applies_to, |cx, v| {
                    cx.choice(
                        v,
                        |s| match s {
                            "principal" | "本金" | "还本金" => Some(true),
                            "interest" | "利息" | "charges" => Some(false),
                            _ => None,
                        },
                        "principal（双方约定这笔钱先还本金）, interest（先还利息，与不写相同）",
                    )
                })
                .unwrap_or(false);
            if let (Some(date), Some(cd), Some(v)) = (date, contract_date, &rp.date)
                && date < cd
            {
                self.err(v.span(), format!("还款日期 {date} 早于合同日期 {cd}"));
            }
            if let (Some(date), Some(amount)) = (date, amount) {
                payments.push(Payment { date, amount, note, to, auto_debit, to_principal });
            }
        }
        payments.sort_by_key(|p| p.date);
        let demand = d.demand.as_ref().and_then(|dm| {
            let (dspan, r) = (dm.span(), dm.get_ref());
            let amount = self.req(&r.amount, &dspan, "amount", "对方要求还款的总额", Self::money);
            let date = self.opt(&r.date, Self::date);
            let by = self.opt(&r.by, Self::string);
            let breakdown = DemandBreakdown {
                principal: self.opt(&r.principal, Self::money),
                interest: self.opt(&r.interest, Self::money),
                overdue: self.opt(&r.overdue, Self::money),
                fees: self.opt(&r.fees, Self::money),
                other: self.opt(&r.other, Self::money),
            };
            let parts = [breakdown.principal, breakdown.interest, breakdown.overdue, breakdown.fees, breakdown.other];
            if let Some(total) = amount
                && parts.iter().all(Option::is_some)
            {
                let sum: Money = parts.iter().flatten().sum();
                if sum != total {
                    self.err(dspan.clone(), format!("催收金额明细之和 {sum} 与总额 amount = {total} 不一致"));
                }
            }
            amount.map(|amount| Demand { date, amount, by, breakdown })
        });
        let card = d.card.as_ref().map(|c| {
            let r = c.get_ref();
            CardTerms {
                interest_on_fees: self.opt(&r.interest_on_fees, Self::boolean).unwrap_or(false),
                installment_months: self.opt(&r.installment_months, |cx, v| cx.uint(v, 1, 600)),
            }
        });
        let _ = self.opt(&d.note, Self::string);
        let no_term = self.opt(&d.no_term, Self::boolean).unwrap_or(false);
        let kind_presumed = self.opt(&d.kind_presumed, Self::boolean).unwrap_or(false);
        let day_count = self.opt(&d.day_count, |cx, v| {
            let n = cx.uint(v, 360, 366)?;
            if n == 360 || n == 365 {
                Some(n)
            } else {
                cx.err(v.span(), "day_count 只能是 360 或 365（合同写的“日利率 = 年利率 ÷ 360”就写 360）".to_string());
                None
            }
        });
        let mut events: Vec<Event> = d.event.iter().filter_map(|e| self.event(e, contract_date)).collect();
        events.sort_by_key(|e| e.date);
        let assignments: Vec<Assignment> = d.assignment.iter().filter_map(|a| self.assignment(a)).collect();
        for pair in assignments.windows(2) {
            if pair[1].date < pair[0].date {
                self.err(here.clone(), "[[debt.assignment]] 应按转让日期先后排列（最早的在前）".to_string());
            }
        }
        let credit = d.credit.as_ref().map(|c| {
            let r = c.get_ref();
            CreditInfo {
                reported: self.opt(&r.reported, Self::boolean),
                prior_notice: self.opt(&r.prior_notice, Self::boolean),
                settled: self.opt(&r.settled, Self::date),
                overdue_start: self.opt(&r.overdue_start, Self::date),
                overdue_amount: self.opt(&r.overdue_amount, Self::money),
            }
        });

        let opening = d.opening.as_ref().and_then(|o| {
            let span = o.span();
            let r = o.get_ref();
            let date = self.req(&r.date, &span, "date", "结欠日", Self::date);
            let principal = self.req(&r.principal, &span, "principal", "当天欠的本金", Self::money);
            let interest = self.opt(&r.interest, Self::money).unwrap_or(Money::ZERO);
            let overdue = self.opt(&r.overdue, Self::money).unwrap_or(Money::ZERO);
            let by = self.opt(&r.by, Self::string);
            if let (Some(date), Some(c)) = (date, contract_date)
                && date < c
            {
                self.err(span.clone(), format!("结欠日 {date} 早于借款日期 {c}"));
            }
            if principal.is_some_and(|p| !p.is_positive()) || interest.is_negative() || overdue.is_negative() {
                self.err(span.clone(), "结欠的本金要大于 0，利息和罚息不能是负数".to_string());
            }
            Some(Opening { date: date?, principal: principal?, interest, overdue, by })
        });
        let recourse = d.recourse.as_ref().and_then(|o| {
            let span = o.span();
            let r = o.get_ref();
            let date = self.req(&r.date, &span, "date", "担保人代偿（替你还款）的日期", Self::date);
            let paid = self.req(&r.paid, &span, "paid", "担保人代偿的金额", Self::positive_money);
            let principal = self.opt(&r.principal, Self::positive_money);
            let rate = self.opt(&r.rate, Self::rate);
            let owed = self.opt(&r.owed, Self::positive_money);
            if let (Some(p), Some(paid)) = (principal, paid)
                && p > paid
            {
                self.err(span.clone(), format!("代偿中的本金 {p} 大于代偿总额 {paid}"));
            }
            if let (Some(date), Some(c)) = (date, contract_date)
                && date < c
            {
                self.err(span.clone(), format!("代偿日 {date} 早于借款日期 {c}"));
            }
            Some(Recourse { date: date?, paid: paid?, principal, rate, owed })
        });
        let claim = d.claim.as_ref().map(|c| {
            let (span, r) = (c.span(), c.get_ref());
            if r.overdue_rate.is_some() && r.markup.is_some() {
                self.err(span.clone(), "主张的逾期利率 overdue_rate 与上浮比例 markup 只能写一个".to_string());
            }
            if r.rate.is_none() && r.overdue_rate.is_none() && r.markup.is_none() {
                self.err(span, "[debt.claim] 要写对方主张的 rate、overdue_rate 或 markup 中的至少一项".to_string());
            }
            Claim {
                rate: self.opt(&r.rate, Self::rate),
                overdue_rate: self.opt(&r.overdue_rate, Self::rate),
                markup: self.opt(&r.markup, Self::fraction),
            }
        });
        let judgment = d.judgment.as_ref().and_then(|j| {
            let (span, r) = (j.span(), j.get_ref());
            let effective = self.req(&r.effective, &span, "effective", "判决（调解书）生效日期", Self::date);
            let deadline = self.opt(&r.deadline, Self::date);
            let principal = self.req(&r.principal, &span, "principal", "判决确定的本金", Self::money);
            let interest = self.opt(&r.interest, Self::money).unwrap_or(Money::ZERO);
            let costs = self.opt(&r.costs, Self::money).unwrap_or(Money::ZERO);
            let rate = self.opt(&r.rate, Self::rate);
            let base = self.opt(&r.base, Self::money);
            let from = self.opt(&r.from, Self::date);
            if rate.is_none() && (base.is_some() || from.is_some()) {
                self.err(span.clone(), "写了此后利息的 base 或 from，也要写判决确定的利率 rate".to_string());
            }
            if let (Some(e), Some(dl)) = (effective, deadline)
                && dl < e
            {
                self.err(span.clone(), format!("履行期限 {dl} 早于生效日期 {e}"));
            }
            if let (Some(e), Some(c)) = (effective, contract_date)
                && e < c
            {
                self.err(span.clone(), format!("判决生效日期 {e} 早于借款日期 {c}"));
            }
            Some(JudgmentDebt {
                effective: effective?,
                deadline,
                principal: principal?,
                interest,
                costs,
                rate,
                base,
                from,
            })
        });
        // The timeline reads a judgment from the events: one stated here is one there too.
        if let Some(j) = &judgment
            && !events.iter().any(|e| e.kind == EventKind::Judgment)
        {
            events.push(Event {
                date: j.effective,
                kind: EventKind::Judgment,
                channel: None,
                by: None,
                reached: None,
                reached_date: None,
                end: None,
                deadline: j.deadline,
                amount: None,
                note: String::new(),
                source: EventSource::CaseFile,
            });
            events.sort_by_key(|e| e.date);
        }
        match (kind, &recourse) {
            (Some(LenderKind::Guarantor), None) => self.err(
                here.clone(),
                "kind = \"guarantor\"（担保人追偿）时要写 [debt.recourse]：代偿日期 date 和金额 paid".to_string(),
            ),
            (Some(k), Some(_)) if k != LenderKind::Guarantor => {
                self.err(here.clone(), "[debt.recourse] 只用于担保人追偿：请把 kind 写成 \"guarantor\"".to_string())
            }
            _ => {}
        }
        if self.errors.len() > errors_before {
            return None;
        }
        Some(Debt {
            id: id?,
            lender: lender?,
            kind: kind?,
            platform,
            original_lender,
            original_kind,
            assignee_kind,
            contract_date: contract_date?,
            principal: principal?,
            received: received?,
            rate: rate?,
            rate_missing,
            rate_unknown,
            rate_source,
            disbursed,
            repayment: repayment?,
            fees,
            overdue: overdue?,
            payments,
            demand,
            card,
            no_term,
            kind_presumed,
            day_count,
            events,
            assignments,
            credit,
            opening,
            recourse,
            claim,
            judgment,
        })
    }
}
