//! The Chinese text report of an audit.

use std::io::{self, Write};

use yuqi_ledger::stacking::StackingLink;
use yuqi_ledger::{CaseAudit, DebtAudit, Finding};
use yuqi_money::{Decimal, Money, format_rate_percent};
use yuqi_timeline::CaseTimeline;
use yuqi_timeline::assignment::Binding;
use yuqi_timeline::credit::Repair;
use yuqi_timeline::deadlines::Deadline;

/// Percentages in the report; absurd ones (a 7-day loan compounded over a year)
/// are shown as a bound, the exact figure stays in the JSON.
fn pct(d: Option<Decimal>) -> String {
    match d {
        None => "—".to_string(),
        Some(d) if d > Decimal::ONE_HUNDRED => "超过 10,000%".to_string(),
        Some(d) => format_rate_percent(d, 2),
    }
}

fn money(m: Money) -> String {
    m.to_grouped_string()
}

fn opt_money(m: Option<Money>) -> String {
    m.map_or_else(|| "—".to_string(), money)
}

pub(crate) fn write_report(w: &mut impl Write, a: &CaseAudit, t: &CaseTimeline, with_trace: bool) -> io::Result<()> {
    let title =
        if a.title.is_empty() { "欠款核算报告".to_string() } else { format!("欠款核算报告：{}", a.title) };
    writeln!(w, "{title}")?;
    writeln!(w, "{}", "=".repeat(40))?;
    writeln!(w, "计算截止日：{}", a.as_of)?;
    if a.filing_assumed {
        writeln!(
            w,
            "起诉日：未提供，按 {} 假设（只影响{}前成立的民间借贷和金融借款的上限取值）",
            a.filing_date,
            yuqi_docs::legal::number_or("private_lending.new_rules_from", a.as_of, "民间借贷新规定施行日")
        )?;
    } else {
        writeln!(w, "起诉日：{}", a.filing_date)?;
    }
    writeln!(w, "本报告不是律师意见；标注“有争议”的结论各地法院可能不同。")?;
    writeln!(w)?;
    write_deadlines(w, &t.deadlines)?;
    writeln!(w, "（诉讼时效、债权转让、征信和风险的详细分析：yuqi timeline 案例文件）")?;
    writeln!(w)?;

    // Overview.
    writeln!(w, "一、总览")?;
    let t = &a.totals;
    writeln!(w, "  借款 {} 笔，已还合计 {} 元。", a.debts.len(), money(t.paid_total))?;
    writeln!(w, "  按合同自己的算法，现欠 {} 元。", money(t.contract_balance))?;
    if t.supported_total_low < t.supported_total {
        writeln!(
            w,
            "  依法最多支持 {} 元；若法院采纳对你更有利的算法，可低至 {} 元。",
            money(t.supported_total),
            money(t.supported_total_low)
        )?;
    } else {
        writeln!(w, "  依法最多支持 {} 元。", money(t.supported_total))?;
    }
    if t.demanded_total.is_positive() {
        writeln!(w, "  对方要求合计 {} 元，其中超出依法金额的共 {} 元。", money(t.demanded_total), money(t.excess))?;
    }
    writeln!(w)?;
    writeln!(
        w,
        "  {:<10} {:>12} {:>12} {:>9} {:>8} {:>12} {:>12} {:>12}",
        "借款", "合同本金", "实际到手", "真实年化", "上限", "依法支持", "对方要求", "多要"
    )?;
    for d in &a.debts {
        writeln!(
            w,
            "  {:<10} {:>12} {:>12} {:>9} {:>8} {:>12} {:>12} {:>12}",
            d.id,
            money(d.contract_principal),
            money(d.received),
            pct(d.apr_nominal),
            pct(d.cap_rate),
            money(d.supported_total),
            opt_money(d.demanded_total),
            d.excess.filter(|x| x.is_positive()).map_or_else(|| "—".to_string(), money),
        )?;
    }
    writeln!(w, "  （真实年化 = 计入全部费用、按实际到手金额计算的名义年化利率）")?;
    for f in &a.findings {
        write_finding(w, f)?;
    }
    writeln!(w)?;

    writeln!(w, "二、逐笔核算")?;
    for d in &a.debts {
        write_debt(w, d, with_trace)?;
    }

    if !a.stacking.is_empty() {
        writeln!(w, "三、以贷养贷的迹象")?;
        for s in &a.stacking {
            match s {
                StackingLink::Refinanced { new_debt, new_date, new_received, old_debt, old_date, old_amount, paid } => {
                    writeln!(
                        w,
                        "  · {new_date} 借入【{new_debt}】到手 {} 元，{} 天后{}【{old_debt}】{} 元",
                        money(*new_received),
                        (*old_date - *new_date).num_days(),
                        if *paid { "偿还了" } else { "到期应还" },
                        money(*old_amount)
                    )?
                }
                StackingLink::Burst { debts, from, to } => {
                    writeln!(w, "  · {from} 至 {to} 之间连续借入 {} 笔：{}", debts.len(), debts.join("、"))?
                }
            }
        }
        writeln!(w)?;
    }

    writeln!(w, "说明")?;
    writeln!(w, "  舍入规则：{}", a.rounding_policy)?;
    writeln!(w, "  {}", a.disclaimer)?;
    writeln!(w, "  查看任一条文原文：yuqi law show 民法典 670")?;
    Ok(())
}

fn write_finding(w: &mut impl Write, f: &Finding) -> io::Result<()> {
    let disputed = if f.disputed { "（有争议）" } else { "" };
    let amount = f.amount.map_or(String::new(), |m| format!(" 金额 {} 元", money(m)));
    writeln!(w, "  [{}] {}{}{}", f.severity.label_zh(), f.title, disputed, amount)?;
    writeln!(w, "      {}", f.detail)?;
    if !f.basis.is_empty() {
        writeln!(w, "      依据：{}（{}）", f.basis.join("；"), f.code)?;
    }
    Ok(())
}

fn write_debt(w: &mut impl Write, d: &DebtAudit, with_trace: bool) -> io::Result<()> {
    writeln!(w)?;
    let platform = d.platform.as_ref().map_or(String::new(), |p| format!("（{p}）"));
    writeln!(w, "【{}】{}{} — {}", d.id, d.lender, platform, d.kind_label)?;
    writeln!(
        w,
        "  合同日期 {}；合同本金 {}；实际到手 {}；依法本金 {}",
        d.contract_date,
        money(d.contract_principal),
        money(d.received),
        money(d.principal_initial)
    )?;
    writeln!(w, "  合同利率 {}（折合年化 {}）", d.stated_rate, format_rate_percent(d.stated_annual, 2))?;
    writeln!(
        w,
        "  真实年化：名义 {}，实际（复利）{}，XIRR {}",
        pct(d.apr_nominal),
        pct(d.apr_effective),
        pct(d.apr_xirr)
    )?;
    writeln!(w, "  适用上限：{} — {}", pct(d.cap_rate), d.cap_basis)?;
    if let Some(since) = d.overdue_since {
        writeln!(w, "  逾期开始：{since}")?;
    }
    let disputed = if d.supported_disputed { "（有争议，见下）" } else { "" };
    writeln!(w, "  截至 {}：", d.as_of)?;
    writeln!(w, "    依法本金        {:>14}", money(d.principal_lawful))?;
    writeln!(w, "    借期利息        {:>14}", money(d.interest_lawful))?;
    writeln!(w, "    合同费用        {:>14}", money(d.fees_lawful))?;
    writeln!(w, "    逾期利息罚息等  {:>14}", money(d.overdue_lawful))?;
    writeln!(w, "    依法支持合计    {:>14}{disputed}", money(d.supported_total))?;
    writeln!(w, "    按合同自算      {:>14}", money(d.contract_balance))?;
    writeln!(w, "    已还            {:>14}", money(d.paid_total))?;
    if let Some(demand) = d.demanded_total {
        let when = d.demand_date.map_or(String::new(), |dd| format!("（{dd}）"));
        writeln!(w, "    对方要求{when} {:>14}", money(demand))?;
        if let (Some(s), Some(x)) = (d.supported_at_demand, d.excess) {
            writeln!(w, "    同日依法支持    {:>14}", money(s))?;
            if x.is_positive() {
                writeln!(w, "    多要            {:>14}", money(x))?;
            }
        }
    }
    writeln!(w, "  主要算法：{}{}", d.lawful.label, if d.lawful.disputed { "（有争议）" } else { "" })?;
    if !d.alternatives.is_empty() {
        writeln!(w, "  其他算法：")?;
        for alt in &d.alternatives {
            writeln!(
                w,
                "    · {}：依法支持 {} 元{}",
                alt.label,
                money(alt.supported_total),
                if alt.disputed { "（有争议）" } else { "" }
            )?;
            writeln!(w, "      {}", alt.why)?;
        }
    }
    if !d.findings.is_empty() {
        writeln!(w, "  发现：")?;
        for f in &d.findings {
            write_finding(w, f)?;
        }
    }
    if with_trace {
        writeln!(w, "  计算过程：")?;
        for (i, s) in d.trace.iter().enumerate() {
            let date = s.date.map_or(String::new(), |d| format!(" [{d}]"));
            writeln!(w, "    {}. {}{}：{}", i + 1, s.rule_title, date, s.detail)?;
            for p in &s.params {
                let chosen = p.chosen_by.as_ref().map_or(String::new(), |c| format!("，取值依据：{c}"));
                let cite = p.citation_label.as_ref().map_or(String::new(), |c| format!("，出处：{c}"));
                writeln!(w, "       参数 {} = {}{}{}", p.name, p.value, chosen, cite)?;
            }
            if !s.citations.is_empty() {
                writeln!(w, "       依据：{}（规则 {}）", s.citations.join("；"), s.rule)?;
            } else {
                writeln!(w, "       （计算方法，规则 {}）", s.rule)?;
            }
        }
    }
    Ok(())
}

fn when(d: &Deadline) -> String {
    match d.days_from_now {
        0 => "今天".to_string(),
        n if n > 0 => format!("还有 {n} 天"),
        n => format!("已过 {} 天", -n),
    }
}

fn write_deadlines(w: &mut impl Write, deadlines: &[Deadline]) -> io::Result<()> {
    writeln!(w, "要紧日期")?;
    if deadlines.is_empty() {
        writeln!(w, "  （没有可计算的期限）")?;
    }
    for d in deadlines {
        writeln!(
            w,
            "  · {}（{}）【{}】{}{}",
            d.date,
            when(d),
            d.debt,
            d.label,
            if d.disputed { "（有争议的算法）" } else { "" }
        )?;
    }
    Ok(())
}

fn basis(b: &[String]) -> String {
    if b.is_empty() { String::new() } else { format!("（依据：{}）", b.join("；")) }
}

pub(crate) fn write_timeline(w: &mut impl Write, t: &CaseTimeline, with_trace: bool) -> io::Result<()> {
    writeln!(w, "诉讼时效、债权转让与风险（截至 {}）", t.as_of)?;
    writeln!(w, "{}", "=".repeat(40))?;
    writeln!(w, "本报告不是律师意见；结论取决于你记录的事件是否完整、准确。")?;
    writeln!(w)?;
    write_deadlines(w, &t.deadlines)?;
    for d in &t.debts {
        writeln!(w)?;
        writeln!(w, "【{}】{}", d.id, d.lender)?;
        let l = &d.limitation;
        writeln!(w, "  诉讼时效：{}", l.status.label_zh())?;
        writeln!(w, "  起算：{}", l.label)?;
        if let Some(e) = &l.expiry
            && !e.skipped.is_empty()
        {
            writeln!(w, "  届满日顺延：{}", e.explanation())?;
        }
        writeln!(w, "  经过：")?;
        for s in &l.steps {
            let after = s.expires_after.map_or(String::new(), |e| format!("（届满日 {e}）"));
            writeln!(w, "    {} {} → {}{}", s.date, s.label, s.effect_label, after)?;
        }
        for alt in &d.limitation_alternatives {
            writeln!(w, "  其他算法（有争议）：{} → {}", alt.label, alt.status.label_zh())?;
        }
        for warn in &l.warnings {
            writeln!(w, "  ！{warn}")?;
        }
        if let Some(a) = &d.assignment {
            writeln!(w, "  谁是债权人：对你而言目前是 {}", a.creditor_for_debtor)?;
            for link in &a.chain {
                let flag = if matches!(link.binding, Binding::NotBinding) { "（对你无效）" } else { "" };
                writeln!(
                    w,
                    "    {} {}：{} → {}，{}{}",
                    link.date, link.hand_label, link.from, link.to, link.binding_label, flag
                )?;
            }
            for p in &a.payments {
                writeln!(w, "    还款 {} 付给 {}：{}", p.date, p.to, p.why)?;
            }
            writeln!(w, "    你对原债权人的抗辩都可以对受让人主张：{}", a.defences.join("；"))?;
        }
        let c = &d.credit;
        let record = match (c.settled, c.record_expires) {
            (Some(s), Some(e)) => format!("{s} 结清，不良记录保存至 {e}"),
            _ => format!(
                "尚未结清：不良记录会持续保留，结清后再保存{}",
                yuqi_docs::legal::years("credit.negative_record_years", t.as_of)
            ),
        };
        writeln!(w, "  征信：{record}")?;
        let repair = match &c.repair {
            Repair::Eligible { hidden_from } => format!("符合一次性信用修复，自 {hidden_from} 起不予展示"),
            Repair::OpenUntil { repay_by } => format!("如在 {repay_by} 前全额还清，可适用一次性信用修复"),
            Repair::NotEligible { why } => format!("不适用一次性信用修复（{why}）"),
            Repair::Unknown { missing } => format!("能否适用一次性信用修复还需要：{missing}"),
        };
        writeln!(w, "  信用修复：{repair}")?;
        if !d.why_now.is_empty() {
            writeln!(w, "  为什么现在又来催（根据你的记录推测）：")?;
            for r in &d.why_now {
                writeln!(w, "    · {}：{}", r.title, r.evidence.join("；"))?;
                writeln!(w, "      {}", r.what_it_means)?;
            }
        }
        writeln!(w, "  可能发生什么：")?;
        for s in &d.risk {
            writeln!(w, "    · {}{}", s.text, basis(&s.basis))?;
        }
        if !d.findings.is_empty() {
            writeln!(w, "  发现：")?;
            for f in &d.findings {
                write_finding(w, f)?;
            }
        }
        if with_trace {
            writeln!(w, "  计算过程：")?;
            for (i, s) in d.trace.iter().enumerate() {
                let date = s.date.map_or(String::new(), |d| format!(" [{d}]"));
                writeln!(w, "    {}. {}{}：{}", i + 1, s.rule_title, date, s.detail)?;
                if !s.citations.is_empty() {
                    writeln!(w, "       依据：{}（规则 {}）", s.citations.join("；"), s.rule)?;
                }
            }
        }
    }
    writeln!(w)?;
    writeln!(w, "刑事风险")?;
    for s in &t.criminal {
        writeln!(w, "  · {}{}", s.text, basis(&s.basis))?;
    }
    Ok(())
}
