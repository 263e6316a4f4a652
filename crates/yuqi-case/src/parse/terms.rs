//! A debt's contract terms beyond rate and principal: the repayment plan (a method or an explicit
//! schedule), the fees, and the overdue terms (rate, markup, penalty, late fee).

use std::ops::Range;

use chrono::{Months, NaiveDate};
use toml::{Spanned, Value};
use yuqi_money::{Decimal, Money, RateInput, RatePer};

use super::raw::{RawDebt, RawFee, RawOverdue};
use super::values::Cx;
use crate::model::*;

impl Cx<'_> {
    pub(super) fn repayment(
        &mut self,
        d: &RawDebt,
        here: &Range<usize>,
        contract_date: Option<NaiveDate>,
    ) -> Option<Repayment> {
        if !d.schedule.is_empty() {
            if let Some(m) = &d.method {
                self.err(m.span(), "已给出明细还款计划 [[debt.schedule]]，不要再写 method".to_string());
            }
            let mut rows = Vec::new();
            for r in &d.schedule {
                let (span, raw) = (r.span(), r.get_ref());
                let due = self.req(&raw.due, &span, "due", "该期到期日", Self::date);
                let principal = self.opt(&raw.principal, Self::money).unwrap_or(Money::ZERO);
                let interest = self.opt(&raw.interest, Self::money).unwrap_or(Money::ZERO);
                let fees = self.opt(&raw.fees, Self::money).unwrap_or(Money::ZERO);
                if let Some(due) = due {
                    if let Some(cd) = contract_date
                        && due <= cd
                    {
                        self.err(span.clone(), format!("到期日 {due} 不晚于合同日期 {cd}"));
                    }
                    if rows.last().is_some_and(|prev: &ScheduleRow| prev.due >= due) {
                        self.err(span.clone(), "还款计划的到期日必须按时间先后排列且不重复".to_string());
                    }
                    rows.push(ScheduleRow { due, principal, interest, fees });
                }
            }
            return Some(Repayment::Explicit(rows));
        }
        let method = self.req(&d.method, here, "method", "还款方式，或用 [[debt.schedule]] 给出明细计划", |cx, v| {
            cx.choice(v, Method::from_text, "equal_installment(等额本息), equal_principal(等额本金), interest_first(先息后本), bullet(到期一次还本付息), flat(等本等息)")
        });
        let period = match &d.period {
            Some(v) => self.choice(v, parse_period, "month（月）、week（周）、\"14d\"（14天）等"),
            None => Some(Period::Month),
        };
        let periods = match (&d.periods, method) {
            (Some(v), _) => self.uint(v, 1, 600),
            (None, Some(Method::Bullet)) => Some(1),
            (None, _) => {
                self.err(here.clone(), "缺少字段 periods（期数）".to_string());
                None
            }
        };
        let first_due = match (&d.first_due, contract_date, period) {
            (Some(v), _, _) => {
                let fd = self.date(v);
                if let (Some(fd), Some(cd)) = (fd, contract_date)
                    && fd <= cd
                {
                    self.err(v.span(), format!("首期还款日 {fd} 不晚于合同日期 {cd}"));
                }
                fd
            }
            // A bullet loan's only due date is its maturity, `periods` after the contract.
            (None, Some(cd), Some(p)) if method == Some(Method::Bullet) => periods.map(|n| add_period(cd, p, n)),
            (None, Some(cd), Some(p)) => Some(add_period(cd, p, 1)),
            _ => None,
        };
        Some(Repayment::Method { method: method?, periods: periods?, period: period?, first_due: first_due? })
    }

    pub(super) fn fee(&mut self, sf: &Spanned<RawFee>) -> Option<Fee> {
        let (span, f) = (sf.span(), sf.get_ref());
        let kind = match &f.kind {
            Some(v) => self.choice(
                v,
                |s| match s {
                    "service" | "服务费" | "咨询费" | "管理费" | "手续费" => Some(FeeKind::Service),
                    "guarantee" | "担保费" | "增信费" => Some(FeeKind::Guarantee),
                    "membership" | "会员费" | "权益费" => Some(FeeKind::Membership),
                    "insurance" | "保险费" | "保费" => Some(FeeKind::Insurance),
                    "other" | "其他" => Some(FeeKind::Other),
                    _ => None,
                },
                "service, guarantee, membership, insurance, other",
            ),
            None => Some(FeeKind::Other),
        };
        let name =
            self.opt(&f.name, Self::string).unwrap_or_else(|| kind.map_or("费用", FeeKind::label_zh).to_string());
        let amount = match (&f.amount, &f.percent) {
            (Some(a), None) => self.positive_money(a).map(FeeAmount::Fixed),
            (None, Some(p)) => self.fraction(p).map(FeeAmount::PercentOfPrincipal),
            _ => {
                self.err(span.clone(), "费用须写 amount（金额）或 percent（占合同本金的百分比），二者选一".to_string());
                None
            }
        };
        let timing = self.req(&f.timing, &span, "timing", "收取方式", |cx, v| {
            cx.choice(
                v,
                |s| match s {
                    "deducted" | "放款时扣除" | "预扣" | "砍头息" => Some(FeeTiming::Deducted),
                    "upfront" | "放款当日支付" | "先付" => Some(FeeTiming::Upfront),
                    "per_period" | "每期" | "按期" => Some(FeeTiming::PerPeriod),
                    "kickback" | "放款后返还" | "返还" | "回扣" => Some(FeeTiming::Kickback(NaiveDate::MIN)),
                    _ => None,
                },
                "deducted（放款时从本金扣除）, upfront（放款当日另付）, per_period（每期随还款收取）, kickback（放款后几天内返还给对方，要写 date）",
            )
        });
        let date = self.opt(&f.date, Self::date);
        let timing = match (timing, date) {
            (Some(FeeTiming::Kickback(_)), Some(d)) => Some(FeeTiming::Kickback(d)),
            (Some(FeeTiming::Kickback(_)), None) => {
                self.err(span.clone(), "timing = \"kickback\" 时要写 date（返还给对方的日期）".to_string());
                None
            }
            (Some(_), Some(_)) => {
                self.err(span.clone(), "费用的 date 只用于 kickback（放款后返还）".to_string());
                None
            }
            (t, _) => t,
        };
        let payee = match &f.payee {
            Some(v) => self.choice(
                v,
                |s| match s {
                    "lender" | "出借人" | "贷款人" => Some(Payee::Lender),
                    "affiliate" | "关联方" | "平台" => Some(Payee::Affiliate),
                    "third_party" | "第三方" | "担保公司" => Some(Payee::ThirdParty),
                    _ => None,
                },
                "lender（出借人）, affiliate（出借人关联方/指定方/平台）, third_party（独立第三方）",
            ),
            None => Some(Payee::Lender),
        };
        Some(Fee { name, kind: kind?, amount: amount?, timing: timing?, payee: payee? })
    }

    /// The rate a lump sum of interest implies over the loan: per month for a term of whole
    /// months, else per day; for 等本等息, per period. The text keeps the lump sum.
    pub(super) fn lump_sum_rate(
        &mut self,
        v: &Spanned<Value>,
        principal: Option<Money>,
        contract_date: Option<NaiveDate>,
        repayment: Option<&Repayment>,
    ) -> Option<RateInput> {
        let amount = self.money(v)?;
        let (principal, contract_date, repayment) = (principal?, contract_date?, repayment?);
        if principal.is_zero() {
            return None;
        }
        let share = amount.to_yuan() / principal.to_yuan();
        let (per, value) = match repayment {
            Repayment::Method { method: Method::Bullet, first_due, .. } => {
                let months = (1..=600u32).find(|m| add_period(contract_date, Period::Month, *m) == *first_due);
                match months {
                    Some(m) => (RatePer::Month, share / Decimal::from(m)),
                    None => (RatePer::Day, share / Decimal::from((*first_due - contract_date).num_days().max(1))),
                }
            }
            Repayment::Method { method: Method::Flat, periods, period, .. } => match period {
                Period::Month => (RatePer::Month, share / Decimal::from(*periods)),
                Period::Days(n) => (RatePer::Day, share / Decimal::from(*periods * *n)),
            },
            _ => {
                self.err(
                    v.span(),
                    "一次性约定的利息 interest_total 只用于到期一次还本付息（bullet）或等本等息（flat）；分期的请用 [[debt.schedule]] 逐期列出"
                        .to_string(),
                );
                return None;
            }
        };
        // The rate a lump sum implies is bounded like a written one (a tiny principal with a
        // large lump sum would otherwise imply a rate the arithmetic cannot carry).
        let rate = RateInput { per, value, text: format!("约定利息共{}元", amount.to_grouped_string()) };
        self.bounded_rate(v, rate)
    }

    pub(super) fn overdue(&mut self, so: &Spanned<RawOverdue>) -> Option<OverdueTerms> {
        let (span, o) = (so.span(), so.get_ref());
        if o.rate.is_some() && o.markup.is_some() {
            self.err(span.clone(), "逾期利率 rate 与上浮比例 markup 只能写一个".to_string());
        }
        let rate = self.opt(&o.rate, Self::rate);
        let markup = self.opt(&o.markup, Self::fraction);
        let compound = self.opt(&o.compound, Self::boolean).unwrap_or(false);
        let penalty = self.opt(&o.penalty, |cx, v| {
            let Value::Table(t) = v.get_ref() else {
                cx.err(
                    v.span(),
                    "违约金写法：{ once = 50 }、{ once_percent = \"5%\" }、{ once_percent = \"5%\", min = 30 } 或 { daily_percent = \"0.1%\" }".to_string(),
                );
                return None;
            };
            let inner = |k: &str| t.get(k).map(|x| Spanned::new(v.span(), x.clone()));
            let min = inner("min");
            if min.is_some() && inner("once_percent").is_none() {
                cx.err(v.span(), "违约金的最低金额 min 只能和 once_percent 一起写".to_string());
                return None;
            }
            match (inner("once"), inner("once_percent"), inner("daily_percent")) {
                (Some(m), None, None) => cx.positive_money(&m).map(Penalty::Once),
                (None, Some(p), None) => match min {
                    Some(m) => Some(Penalty::OncePercentMin(cx.fraction(&p)?, cx.positive_money(&m)?)),
                    None => cx.fraction(&p).map(Penalty::OncePercent),
                },
                (None, None, Some(p)) => cx.fraction(&p).map(Penalty::DailyPercent),
                _ => {
                    cx.err(v.span(), "违约金只能用 once、once_percent、daily_percent 之一".to_string());
                    None
                }
            }
        });
        let late_fee = self.opt(&o.late_fee, |cx, v| {
            let Value::Table(t) = v.get_ref() else {
                cx.err(v.span(), "滞纳金写法：{ per_day = 10 } 或 { per_period = 30 }".to_string());
                return None;
            };
            let inner = |k: &str| t.get(k).map(|x| Spanned::new(v.span(), x.clone()));
            match (inner("per_day"), inner("per_period")) {
                (Some(m), None) => cx.positive_money(&m).map(LateFee::PerDay),
                (None, Some(m)) => cx.positive_money(&m).map(LateFee::PerPeriod),
                _ => {
                    cx.err(v.span(), "滞纳金只能用 per_day 或 per_period 之一".to_string());
                    None
                }
            }
        });
        if o.rate.is_some() && rate.is_none() || o.markup.is_some() && markup.is_none() {
            return None;
        }
        Some(OverdueTerms { rate, markup, compound, penalty, late_fee })
    }
}

/// `due + n` periods; month steps keep the anchor day and clamp to month end
/// (31 Jan + 1 month = 28/29 Feb), as 民法典 202 does for periods in months.
pub fn add_period(anchor: NaiveDate, period: Period, n: u32) -> NaiveDate {
    match period {
        Period::Month => anchor.checked_add_months(Months::new(n)).unwrap_or(anchor),
        Period::Days(days) => anchor + chrono::Duration::days(i64::from(days) * i64::from(n)),
    }
}

fn parse_period(s: &str) -> Option<Period> {
    match s {
        "month" | "月" | "每月" | "monthly" => Some(Period::Month),
        "week" | "周" | "每周" | "weekly" => Some(Period::Days(7)),
        "day" | "日" | "天" => Some(Period::Days(1)),
        _ => {
            let n = s.trim_end_matches(['d', '天']);
            n.parse::<u32>().ok().filter(|n| (1..=366).contains(n)).map(Period::Days)
        }
    }
}
