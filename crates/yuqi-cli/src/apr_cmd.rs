//! `yuqi apr`: the real annual cost of a loan from a few flags.

use std::process::ExitCode;
use std::str::FromStr;

use anyhow::{Result, bail};
use chrono::NaiveDate;
use clap::Args;
use serde::Serialize;
use yuqi_case::{Debt, Fee, FeeAmount, FeeKind, FeeTiming, LenderKind, Method, Payee, Period, Repayment};
use yuqi_ledger::apr::RateMeasure;
use yuqi_ledger::irr;
use yuqi_ledger::schedule::{contract_schedule, periods_per_year};
use yuqi_money::{Decimal, Money, RateInput, format_rate_percent};

#[derive(Args, Debug)]
pub(crate) struct AprArgs {
    /// 合同本金（借条/合同上写的金额）
    #[arg(long)]
    principal: String,
    /// 实际到手金额（默认等于合同本金）
    #[arg(long)]
    received: Option<String>,
    /// 期数
    #[arg(long, default_value_t = 12)]
    periods: u32,
    /// 每期长度：month、week 或 14d 等
    #[arg(long, default_value = "month")]
    period: String,
    /// 每期还款总额（含本金、利息和费用）；给出时不需要 --rate
    #[arg(long)]
    payment: Option<String>,
    /// 合同利率，如 "年化24%"、"月息2分"、"日息万分之五"
    #[arg(long)]
    rate: Option<String>,
    /// 每期还款额不一样时逐期列出（含本金、利息和费用），用逗号分开：
    /// "1200,800,800" 按 --start 和 --period 逐期排日期；也可写日期 "2025-02-15:1200,2025-03-15:800"
    #[arg(long)]
    schedule: Option<String>,
    /// 还款方式：等额本息、等额本金、先息后本、到期一次还本付息、等本等息
    #[arg(long, default_value = "等额本息")]
    method: String,
    /// 每期另收的费用（服务费、担保费、会员费等）
    #[arg(long)]
    fee_per_period: Option<String>,
    /// 放款当日另付的费用
    #[arg(long)]
    upfront_fee: Option<String>,
    /// 放款日（用于按实际日期计算年化利率）
    #[arg(long, default_value = "2025-01-15", value_parser = crate::parse_date)]
    start: NaiveDate,
    /// 输出 JSON
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct AprOut {
    net_received: Money,
    total_repaid: Money,
    total_cost: Money,
    periods: u32,
    periods_per_year: Decimal,
    periodic_irr: Option<Decimal>,
    apr_nominal: Option<Decimal>,
    apr_effective: Option<Decimal>,
    apr_xirr: Option<Decimal>,
    /// Cost ÷ contract principal ÷ years: the misleading "simple" figure some apps quote.
    flat_rate_naive: Option<Decimal>,
}

/// An amount from a flag, bounded as a case file's amounts are (`yuqi_case::limits`).
fn money(s: &str, what: &str) -> Result<Money> {
    let m = Money::from_str(s).map_err(|e| anyhow::anyhow!("{what}：{e}"))?;
    if m > yuqi_case::limits::max_amount() {
        bail!("{what}：{}", yuqi_case::limits::amount_message());
    }
    Ok(m)
}

fn period_of(s: &str) -> Result<Period> {
    Ok(match s {
        "month" | "月" => Period::Month,
        "week" | "周" => Period::Days(7),
        other => match other.trim_end_matches(['d', '天']).parse::<u32>() {
            Ok(n) if n > 0 => Period::Days(n),
            _ => bail!("无法识别期长“{other}”（可用 month、week、14d）"),
        },
    })
}

/// An explicit schedule: amounts separated by commas (or spaces, 、，), each optionally dated
/// ("2025-02-15:1200"); undated ones fall one period after the one before, from `start`. The
/// per-period fee is added to each.
fn schedule(text: &str, start: NaiveDate, period: Period, fee: Money) -> Result<Vec<(NaiveDate, Money)>> {
    let items: Vec<&str> =
        text.split([',', '，', '、', ' ', '\n', ';', '；']).map(str::trim).filter(|s| !s.is_empty()).collect();
    if items.is_empty() {
        bail!("--schedule 是空的：请逐期写出还款额，如 \"1200,800,800\"");
    }
    let mut out: Vec<(NaiveDate, Money)> = Vec::with_capacity(items.len());
    for (k, item) in items.iter().enumerate() {
        let (date, amount) = match item.split_once([':', '：', '=']) {
            Some((d, m)) => {
                (crate::parse_date(d.trim()).map_err(|e| anyhow::anyhow!("第 {} 期的日期“{d}”：{e}", k + 1))?, m.trim())
            }
            None => (yuqi_case::add_period(out.last().map_or(start, |p| p.0), period, 1), *item),
        };
        let amount = money(amount, &format!("第 {} 期的还款额", k + 1))?;
        if let Some(prev) = out.last()
            && date <= prev.0
        {
            bail!("第 {} 期的日期 {date} 不晚于上一期 {}：请按先后顺序写", k + 1, prev.0);
        }
        if date <= start {
            bail!("第 {} 期的日期 {date} 不晚于放款日 {start}", k + 1);
        }
        out.push((date, amount + fee));
    }
    Ok(out)
}

/// `yuqi apr`. Every refusal here is about the flags the user gave (writing the answer cannot
/// fail but on a broken pipe): bad input, exit 2 like a case-file error — not 1, the tool's own
/// failure.
pub(crate) fn run(a: &AprArgs) -> Result<ExitCode> {
    compute(a).map_err(|e| {
        if e.downcast_ref::<std::io::Error>().is_some() {
            e
        } else {
            anyhow::Error::new(crate::evidence_cmd::Usage(format!("{e:#}")))
        }
    })
}

fn compute(a: &AprArgs) -> Result<ExitCode> {
    let principal = money(&a.principal, "合同本金")?;
    let received = a.received.as_deref().map(|s| money(s, "到手金额")).transpose()?.unwrap_or(principal);
    let upfront = a.upfront_fee.as_deref().map(|s| money(s, "放款当日费用")).transpose()?.unwrap_or(Money::ZERO);
    let fee = a.fee_per_period.as_deref().map(|s| money(s, "每期费用")).transpose()?.unwrap_or(Money::ZERO);
    // The case file's bound on periods (600, fifty years of months): 4 000 000 000 periods
    // once kept this command busy indefinitely.
    if !(1..=600).contains(&a.periods) {
        bail!("期数应为 1 到 600 之间的整数");
    }
    if !yuqi_case::limits::date_in_range(a.start) {
        bail!("放款日：{}", yuqi_case::limits::date_message(a.start));
    }
    let period = period_of(&a.period)?;
    let dpy = Decimal::from(365);
    let net = received - upfront;
    let m = periods_per_year(period, dpy);

    let given = [a.payment.is_some(), a.rate.is_some(), a.schedule.is_some()].iter().filter(|x| **x).count();
    if given > 1 {
        bail!("--payment、--rate 和 --schedule 只能给一个");
    }
    let instalments: Vec<(NaiveDate, Money)> = match (&a.payment, &a.rate) {
        _ if a.schedule.is_some() => schedule(a.schedule.as_deref().unwrap_or(""), a.start, period, fee)?,
        (Some(p), _) => {
            let p = money(p, "每期还款额")?;
            (1..=a.periods).map(|k| (yuqi_case::add_period(a.start, period, k), p + fee)).collect()
        }
        (None, Some(rate)) => {
            let rate = RateInput::from_str(rate).map_err(|e| anyhow::anyhow!("{e}"))?;
            if yuqi_case::limits::rate_too_high(&rate) {
                bail!("{}", yuqi_case::limits::rate_message());
            }
            let Some(method) = Method::from_text(&a.method) else {
                bail!("无法识别还款方式“{}”", a.method)
            };
            let mut fees = Vec::new();
            if fee.is_positive() {
                fees.push(Fee {
                    name: "每期费用".into(),
                    kind: FeeKind::Service,
                    amount: FeeAmount::Fixed(fee),
                    timing: FeeTiming::PerPeriod,
                    payee: Payee::Lender,
                });
            }
            let first_due = if method == Method::Bullet {
                yuqi_case::add_period(a.start, period, a.periods)
            } else {
                yuqi_case::add_period(a.start, period, 1)
            };
            let repayment = Repayment::Method {
                method,
                periods: if method == Method::Bullet { 1 } else { a.periods },
                period,
                first_due,
            };
            let mut debt = Debt::new("apr", LenderKind::Private, a.start, principal, rate, repayment);
            debt.received = received;
            debt.fees = fees;
            contract_schedule(&debt, dpy).iter().map(|i| (i.due, i.total())).collect()
        }
        (None, None) => bail!("请给出 --payment（每期还款额）、--rate（合同利率）或 --schedule（逐期还款额）"),
    };

    let mut amounts = vec![net.to_f64()];
    amounts.extend(instalments.iter().map(|(_, m)| -m.to_f64()));
    let mut dates = vec![a.start];
    dates.extend(instalments.iter().map(|(d, _)| *d));
    let total_repaid: Money = instalments.iter().map(|(_, m)| *m).sum();
    let m_f = m.to_string().parse::<f64>().unwrap_or(12.0);
    let periodic = irr::irr(&amounts);
    let xirr = irr::xirr(&dates, &amounts);
    let dec = |x: f64| Decimal::from_f64_retain(x).map(|d| d.round_dp(8));
    let years = Decimal::from(instalments.len() as u64) / m;
    let out = AprOut {
        net_received: net,
        total_repaid,
        total_cost: total_repaid - net,
        periods: u32::try_from(instalments.len()).unwrap_or(a.periods),
        periods_per_year: m.round_dp(6),
        periodic_irr: periodic.as_ref().ok().and_then(|r| dec(r.rate)),
        apr_nominal: periodic.as_ref().ok().and_then(|r| dec(irr::nominal_annual(r.rate, m_f))),
        apr_effective: periodic.as_ref().ok().and_then(|r| dec(irr::effective_annual(r.rate, m_f))),
        apr_xirr: xirr.as_ref().ok().and_then(|r| dec(r.rate)),
        flat_rate_naive: (!principal.is_zero() && !years.is_zero())
            .then(|| ((total_repaid - net).to_yuan() / principal.to_yuan() / years).round_dp(8)),
    };
    if a.json {
        println!("{}", serde_json::to_string_pretty(&out)?);
        return Ok(ExitCode::SUCCESS);
    }
    let pct = |d: Option<Decimal>| d.map_or_else(|| "无法计算".to_string(), |d| format_rate_percent(d, 2));
    println!("实际可用资金（到手减当日费用）：{} 元", out.net_received.to_grouped_string());
    println!(
        "共还 {} 元，借款成本 {} 元（{} 期，每年 {} 期）",
        out.total_repaid.to_grouped_string(),
        out.total_cost.to_grouped_string(),
        out.periods,
        out.periods_per_year.normalize()
    );
    println!(
        "周期内部收益率：{}",
        out.periodic_irr.map_or_else(|| "无法计算".to_string(), |d| format_rate_percent(d, 4))
    );
    // The names and their order are the ones every report uses (RateMeasure); the headline is
    // the one compared with the legal caps.
    for m in RateMeasure::ALL {
        let value = match m {
            RateMeasure::Nominal => out.apr_nominal,
            RateMeasure::Effective => out.apr_effective,
            RateMeasure::Xirr => out.apr_xirr,
        };
        let role = if m == RateMeasure::HEADLINE {
            "和法律上限比较的就是这个数"
        } else {
            "只用来说明成本有多重"
        };
        println!("{}：{}（{}；{}）", m.name_zh(), pct(value), m.how_zh(), role);
    }
    println!("按全额本金的单利口径（常被用来显得便宜）：{}", pct(out.flat_rate_naive));
    if total_repaid < net {
        println!(
            "注意：还款合计 {} 元少于实际可用资金 {} 元，算出的年化利率是负数：请核对每期金额是否写全",
            total_repaid.to_grouped_string(),
            net.to_grouped_string()
        );
    }
    if let Err(e) = &periodic {
        println!("注意：无法求出内部收益率：{e}");
    }
    Ok(ExitCode::SUCCESS)
}
