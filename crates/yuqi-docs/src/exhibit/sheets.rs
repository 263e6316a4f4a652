//! The exhibit as spreadsheet sheets, format-neutral: a summary sheet and one sheet per debt,
//! cells typed (text, amount, whole number, rate) so that a writer can put numbers as numbers
//! and dates as text (`yuqi-render` writes CSV and XLSX from them).

use serde::Serialize;
use yuqi_ledger::audit::IfOffset;
use yuqi_money::{Decimal, Money, ROUNDING_POLICY_ZH};

use super::{DebtExhibit, Exhibit, part_label};

/// One cell.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Cell {
    Empty,
    /// Text, dates included (`YYYY-MM-DD`, so no program reads them in another order).
    Text(String),
    /// An amount in yuan with two places.
    Money(Money),
    /// A whole number (days).
    Int(i64),
    /// An annual rate as a fraction (0.24 = 24 %).
    Rate(Decimal),
}

/// One sheet: a name (unique, at most 31 characters, none of `[]:*?/\`) and its rows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sheet {
    pub name: String,
    pub rows: Vec<Vec<Cell>>,
}

fn t(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

/// The columns of the period table, as the spreadsheet has them (dates in two columns).
pub const PERIOD_COLUMNS: [&str; 11] =
    ["起日", "止日", "天数", "计息本金", "类别", "按合同计", "适用年利率", "利率来源", "依法支持", "已付冲抵", "未付"];
/// The columns of the payments table.
pub const PAYMENT_COLUMNS: [&str; 6] = ["还款日期", "还款金额", "抵利息费用", "抵本金", "多付", "本金余额"];

/// A summary sheet, then one sheet per debt.
pub fn sheets(ex: &Exhibit) -> Vec<Sheet> {
    let mut out = vec![summary(ex)];
    let mut used = vec![out[0].name.clone()];
    for d in &ex.debts {
        let name = sheet_name(&d.name, &used);
        used.push(name.clone());
        out.push(debt_sheet(name, d, ex));
    }
    out
}

/// A sheet name Excel accepts: forbidden characters replaced, at most 31 characters, unique.
fn sheet_name(wanted: &str, used: &[String]) -> String {
    let clean: String =
        wanted.chars().map(|c| if "[]:*?/\\".contains(c) { '_' } else { c }).take(28).collect::<String>();
    let clean = if clean.trim().is_empty() { "借款".to_string() } else { clean };
    let mut name = clean.clone();
    let mut k = 2;
    while used.iter().any(|u| u == &name) {
        name = format!("{clean}{k}");
        k += 1;
    }
    name
}

fn summary(ex: &Exhibit) -> Sheet {
    let mut rows = vec![
        vec![t(if ex.title.is_empty() {
            "计算明细表".to_string()
        } else {
            format!("计算明细表：{}", ex.title)
        })],
        vec![t("计算截止日"), t(ex.as_of.to_string())],
        vec![t("起诉日"), t(if ex.filing_assumed { "未填写".to_string() } else { ex.filing_date.to_string() })],
        vec![],
        [
            "借款",
            "出借人",
            "依法认定的本金余额",
            "未付借期利息",
            "未付合同费用",
            "未付逾期利息、罚息和违约金",
            "依法支持合计",
            "已还合计",
            "出借人按合同自算的余额",
            "采用的算法",
        ]
        .map(t)
        .to_vec(),
    ];
    for d in &ex.debts {
        let x = &d.totals;
        rows.push(vec![
            t(&d.name),
            t(&d.lender),
            Cell::Money(x.principal),
            Cell::Money(x.interest),
            Cell::Money(x.fees),
            Cell::Money(x.overdue),
            Cell::Money(x.supported_total),
            Cell::Money(x.paid_total),
            Cell::Money(x.contract_balance),
            t(format!("{}{}", d.scenario, if d.scenario_disputed { "（有争议）" } else { "" })),
        ]);
    }
    let sum = |f: fn(&DebtExhibit) -> Money| Cell::Money(ex.debts.iter().map(f).sum());
    rows.push(vec![
        t("合计"),
        Cell::Empty,
        sum(|d| d.totals.principal),
        sum(|d| d.totals.interest),
        sum(|d| d.totals.fees),
        sum(|d| d.totals.overdue),
        sum(|d| d.totals.supported_total),
        sum(|d| d.totals.paid_total),
        sum(|d| d.totals.contract_balance),
        Cell::Empty,
    ]);
    rows.push(vec![]);
    rows.push(vec![t("借款"), t("其他算法"), t("依法支持合计")]);
    for d in &ex.debts {
        for a in &d.alternatives {
            rows.push(vec![
                t(&d.name),
                t(format!("{}{}", a.label, if a.disputed { "（有争议）" } else { "" })),
                Cell::Money(a.supported_total),
            ]);
        }
    }
    rows.push(vec![]);
    rows.push(vec![t("舍入规则"), t(ROUNDING_POLICY_ZH)]);
    Sheet { name: "汇总".into(), rows }
}

fn debt_sheet(name: String, d: &DebtExhibit, ex: &Exhibit) -> Sheet {
    let mut rows = vec![
        vec![t("借款"), t(&d.name)],
        vec![t("出借人"), t(format!("{}，{}", d.lender, d.kind_label))],
        vec![t(d.contract_date_name), t(d.contract_date.to_string())],
        vec![t("合同本金"), Cell::Money(d.contract_principal)],
        vec![t("实际到手"), Cell::Money(d.received)],
        vec![t(d.stated_rate_name), t(&d.stated_rate)],
        vec![t("依法认定的本金"), Cell::Money(d.principal_initial), t(d.principal_why.join("；"))],
        vec![
            t("采用的算法"),
            t(format!("{}{}", d.scenario, if d.scenario_disputed { "（有争议）" } else { "" })),
            t(&d.scenario_why),
        ],
        vec![t("适用上限"), d.cap.map_or_else(|| t("没有上限"), Cell::Rate), t(&d.cap_basis)],
        vec![t("计息方法"), t(d.day_count.join("；"))],
        vec![t("计算截止日"), t(ex.as_of.to_string())],
        vec![t("舍入规则"), t(ROUNDING_POLICY_ZH)],
        vec![],
        PERIOD_COLUMNS.map(t).to_vec(),
    ];
    for r in &d.rows {
        rows.push(vec![
            t(r.from.to_string()),
            t(r.until.to_string()),
            Cell::Int(r.days),
            Cell::Money(r.base),
            t(part_label(r.part)),
            Cell::Money(r.claimed),
            r.rate.map_or(Cell::Empty, Cell::Rate),
            t(d.source_text(r.source)),
            Cell::Money(r.lawful),
            Cell::Money(r.paid),
            Cell::Money(r.unpaid),
        ]);
    }
    let x = &d.totals;
    rows.push(vec![
        t("合计"),
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Empty,
        Cell::Money(x.claimed),
        Cell::Empty,
        Cell::Empty,
        Cell::Money(x.lawful),
        Cell::Money(x.paid),
        Cell::Money(x.unpaid),
    ]);
    rows.push(vec![]);
    rows.push(PAYMENT_COLUMNS.map(t).to_vec());
    for p in &d.payments {
        rows.push(vec![
            t(p.date.to_string()),
            Cell::Money(p.amount),
            Cell::Money(p.to_charges),
            Cell::Money(p.to_principal),
            Cell::Money(p.overpaid),
            Cell::Money(p.principal_after),
        ]);
    }
    rows.push(vec![
        t("合计"),
        Cell::Money(x.paid_total),
        Cell::Money(x.to_charges),
        Cell::Money(x.to_principal),
        Cell::Money(x.overpaid),
        Cell::Empty,
    ]);
    rows.push(vec![]);
    rows.push(vec![t("项目"), t("金额（元）")]);
    for (label, v) in [
        ("依法认定的本金余额", x.principal),
        ("未付借期利息", x.interest),
        ("未付合同费用", x.fees),
        ("未付逾期利息、罚息和违约金", x.overdue),
        ("依法支持合计", x.supported_total),
    ] {
        rows.push(vec![t(label), Cell::Money(v)]);
    }
    if let Some(low) = x.supported_if_offset {
        rows.push(vec![t(IfOffset::row_zh_court()), Cell::Money(low)]);
    }
    for (label, v) in [("已还合计", x.paid_total), ("出借人按合同自算的余额", x.contract_balance)] {
        rows.push(vec![t(label), Cell::Money(v)]);
    }
    if !d.alternatives.is_empty() {
        rows.push(vec![]);
        rows.push(vec![t("其他算法"), t("依法支持合计")]);
        for a in &d.alternatives {
            rows.push(vec![
                t(format!("{}{}", a.label, if a.disputed { "（有争议）" } else { "" })),
                Cell::Money(a.supported_total),
            ]);
        }
    }
    Sheet { name, rows }
}
