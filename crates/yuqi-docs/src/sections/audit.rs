//! "What do I really owe": per debt, the lawful amount, the caps, findings and the computation.

use chrono::{Datelike, Months, NaiveDate};
use yuqi_case::Debt;
use yuqi_ledger::audit::IfOffset;
use yuqi_ledger::caps::LegalDates;
use yuqi_ledger::stacking::StackingLink;
use yuqi_ledger::{DebtAudit, audit_debt};
use yuqi_money::ROUNDING_POLICY_ZH;
use yuqi_util::ChartWidth;

use super::{SectionOptions, finding_item, h, m, note, om, para, pct};
use crate::charts::{self, AmountPoint};
use crate::doc::{Block, Inline};
use crate::facts::{computed, yuan};
use crate::{Inputs, inl, rates};

/// Points per amount chart.
const MAX_POINTS: u32 = 48;

/// Contract arithmetic against the lawful amount for one debt, month by month up to `as_of`.
pub fn amount_series(debt: &Debt, audit: &DebtAudit, dates: LegalDates) -> Vec<AmountPoint> {
    let start = debt.contract_date;
    let end = dates.as_of;
    if end <= start {
        return Vec::new();
    }
    let months = ((end.year() - start.year()) * 12 + end.month() as i32 - start.month() as i32).max(1) as u32;
    let step = months.div_ceil(MAX_POINTS).max(1);
    let mut out = Vec::new();
    let mut k = step;
    while k < months {
        if let Some(d) = start.checked_add_months(Months::new(k)) {
            let on = LegalDates { as_of: d, filing: if dates.filing_assumed { d } else { dates.filing }, ..dates };
            if let Ok(a) = audit_debt(debt, on) {
                out.push(AmountPoint { date: d, contract: a.contract_balance, lawful: a.supported_total });
            }
        }
        k += step;
    }
    out.insert(0, AmountPoint { date: start, contract: debt.principal, lawful: audit.principal_initial });
    out.push(AmountPoint { date: end, contract: audit.contract_balance, lawful: audit.supported_total });
    out
}

pub(super) fn audit(out: &mut Vec<Block>, inputs: &Inputs<'_>, opts: &SectionOptions) {
    let a = inputs.audit;
    if a.filing_assumed {
        // The assumed filing date only matters for loans made before the new rules; for anyone
        // else a line about a lawsuit date is noise, and to a frightened borrower it reads as if
        // a suit were set for that day.
        let new_rules = yuqi_law::law().param_first("private_lending.new_rules_from").ok().map(|p| p.date());
        let matters = new_rules.is_none_or(|d| inputs.case.debts.iter().any(|x| x.contract_date < d));
        if matters {
            out.push(note(format!(
                "没有填起诉日（还没被起诉就不用填）：{}前借的钱，上限按 {} 这一天的规定计算。",
                crate::legal::number_or("private_lending.new_rules_from", a.as_of, "民间借贷新规定施行日"),
                a.filing_date
            )));
        }
    } else {
        out.push(note(format!("起诉日：{}。", a.filing_date)));
    }
    out.push(Block::Table {
        // What the borrower came for first: the most the law supports, what they demand, the
        // difference; then how it was reached.
        columns: [
            "借款",
            "依法最多应还",
            "对方要求",
            // Compared with what the law supports on the demand's day, not the column before
            // (as of the report's date): said, so that the row is not read as a subtraction.
            "多要（按主张当日计）",
            "合同本金",
            "实际到手",
            rates::headline_name(),
            "适用上限",
            "出借人",
        ]
        .map(String::from)
        .to_vec(),
        rows: a
            .debts
            .iter()
            .map(|d| {
                vec![
                    inputs.case.debt_name(&d.id),
                    m(d.supported_total),
                    om(d.demanded_total),
                    d.excess.filter(|x| x.is_positive()).map_or_else(|| "—".to_string(), m),
                    m(d.contract_principal),
                    m(d.received),
                    rates::headline(d),
                    pct(d.cap_rate),
                    super::lender_cell(&d.lender),
                ]
            })
            .collect(),
        numeric: vec![false, true, true, true, true, true, true, true, false],
    });
    // The column is the primary result; where it leaves over-cap charges already paid, the
    // second figure is in each debt's table and in the finding, not said a third time here.
    out.push(rates::explanation(inputs.case));
    if !a.findings.is_empty() {
        out.push(Block::List { ordered: false, items: a.findings.iter().map(finding_item).collect() });
    }
    let dates = LegalDates { as_of: a.as_of, filing: a.filing_date, filing_assumed: a.filing_assumed };
    for parts in inputs.debts() {
        let heading = super::debt_heading(inputs, &parts.debt.id, opts);
        debt(out, &heading, parts.debt, parts.audit, dates, opts);
    }
    stacking(out, inputs.case, &a.stacking);
    out.push(note(format!("舍入规则：{ROUNDING_POLICY_ZH}")));
    out.push(note(a.disclaimer));
}

fn debt(out: &mut Vec<Block>, heading: &str, debt: &Debt, da: &DebtAudit, dates: LegalDates, opts: &SectionOptions) {
    let lender = super::lender_after_heading(heading, &da.lender);
    out.push(h(2, format!("{heading}{lender} — {}", da.kind_label)));
    out.push(para(inl![format!(
        "合同日期 {}；合同本金 {} 元；实际到手 {} 元；依法认定的本金 ",
        da.contract_date,
        m(da.contract_principal),
        m(da.received)
    )]));
    if let Some(Block::Para { inlines }) = out.last_mut() {
        inlines.push(computed(yuan(da.principal_initial), "kantouxi"));
        inlines.push(Inline::text("。"));
    }
    out.push(para(rates::debt_line(da)));
    let mut cap = inl![Inline::strong("适用上限："), format!("{} — ", pct(da.cap_rate))];
    cap.push(computed(da.cap_basis.clone(), "lawful_ledger"));
    if let Some(since) = da.overdue_since {
        cap.push(Inline::text(format!("；逾期开始：{since}")));
    }
    out.push(para(cap));
    let disputed = if da.supported_disputed { "（有争议，见下方其他算法）" } else { "" };
    let mut rows = vec![
        vec!["依法本金".to_string(), m(da.principal_lawful)],
        vec!["借期利息".to_string(), m(da.interest_lawful)],
        vec!["合同费用".to_string(), m(da.fees_lawful)],
        vec!["逾期利息、罚息和违约金".to_string(), m(da.overdue_lawful)],
        vec![format!("依法支持合计{disputed}"), m(da.supported_total)],
    ];
    if let Some(o) = da.if_offset {
        rows.push(vec![IfOffset::row_zh(), m(o.supported_total)]);
    }
    rows.extend([vec!["按合同自算".to_string(), m(da.contract_balance)], vec!["已还".to_string(), m(da.paid_total)]]);
    if let Some(demand) = da.demanded_total {
        let when = da.demand_date.map_or(String::new(), |dd| format!("（{dd}）"));
        rows.push(vec![format!("对方要求{when}"), m(demand)]);
        if let (Some(s), Some(x)) = (da.supported_at_demand, da.excess) {
            rows.push(vec!["同日依法支持".to_string(), m(s)]);
            if x.is_positive() {
                rows.push(vec!["多要".to_string(), m(x)]);
            }
        }
    }
    out.push(Block::Table {
        columns: vec![format!("截至 {}", da.as_of), "金额（元）".into()],
        rows,
        numeric: vec![false, true],
    });
    out.push(para(inl![format!(
        "主要算法：{}{}",
        da.lawful.label,
        if da.lawful.disputed { "（有争议）" } else { "" }
    )]));
    if opts.charts {
        let series = amount_series(debt, da, dates);
        let demands: Vec<(NaiveDate, yuqi_money::Money)> =
            debt.demand.as_ref().and_then(|x| Some((x.date?, x.amount))).into_iter().collect();
        out.push(Block::Figure {
            svg: charts::amounts(&series, &demands, ChartWidth::Wide),
            narrow: Some(charts::amounts(&series, &demands, ChartWidth::Narrow)),
            caption: format!("图：{heading} 按合同计算与依法最多支持的金额（对方主张标为橙点）"),
        });
    }
    if !da.alternatives.is_empty() {
        out.push(Block::List {
            ordered: false,
            items: da
                .alternatives
                .iter()
                .map(|s| {
                    inl![format!(
                        "其他算法：{}——依法支持 {} 元{}。{}",
                        s.label,
                        m(s.supported_total),
                        if s.disputed { "（有争议）" } else { "" },
                        s.why
                    )]
                })
                .collect(),
        });
    }
    if !da.findings.is_empty() {
        out.push(para(inl![Inline::strong("发现：")]));
        out.push(Block::List { ordered: false, items: da.findings.iter().map(finding_item).collect() });
    }
    if opts.trace {
        out.push(para(inl![Inline::strong("计算过程：")]));
        out.push(Block::Table {
            columns: vec!["步骤".into(), "日期".into(), "计算".into(), "依据".into()],
            rows: da
                .trace
                .iter()
                .map(|s| {
                    let mut detail = s.detail.clone();
                    for p in &s.params {
                        detail.push_str(&format!("；参数 {} = {}", p.name, p.value));
                        if let Some(c) = &p.chosen_by {
                            detail.push_str(&format!("，取值依据：{c}"));
                        }
                        if let Some(c) = &p.citation_label {
                            detail.push_str(&format!("，出处：{c}"));
                        }
                    }
                    vec![
                        s.rule_title.to_string(),
                        s.date.map_or_else(String::new, |d| d.to_string()),
                        detail,
                        if s.citations.is_empty() { "计算方法".to_string() } else { s.citations.join("；") },
                    ]
                })
                .collect(),
            numeric: vec![false, false, false, false],
        });
    }
}

fn stacking(out: &mut Vec<Block>, case: &yuqi_case::Case, links: &[StackingLink]) {
    if links.is_empty() {
        return;
    }
    out.push(h(2, "以贷养贷的迹象"));
    let items = links
        .iter()
        .map(|s| match s {
            StackingLink::Refinanced { new_debt, new_date, new_received, old_debt, old_date, old_amount, paid } => {
                inl![format!(
                    "{new_date} 借入【{}】到手 {} 元，{} 天后{}【{}】{} 元",
                    case.debt_name(new_debt),
                    m(*new_received),
                    (*old_date - *new_date).num_days(),
                    if *paid { "偿还了" } else { "到期应还" },
                    case.debt_name(old_debt),
                    m(*old_amount)
                )]
            }
            StackingLink::Burst { debts, from, to } => {
                let names: Vec<String> = debts.iter().map(|d| case.debt_name(d)).collect();
                inl![format!("{from} 至 {to} 之间连续借入 {} 笔：{}", debts.len(), names.join("、"))]
            }
        })
        .collect();
    out.push(Block::List { ordered: false, items });
}
