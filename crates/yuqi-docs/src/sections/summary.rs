//! The summary and the deadlines.

use yuqi_ledger::audit::{IfOffset, SUPPORTED_ZH};
use yuqi_money::Money;

use crate::Inputs;
use crate::doc::{Block, Inline};
use crate::facts::{computed, date_zh};
use crate::inl;

use super::{m, para};

pub(super) fn summary(out: &mut Vec<Block>, inputs: &Inputs<'_>) {
    let a = inputs.audit;
    let tt = &a.totals;
    let mut rows = vec![
        // A debt whose balance is unknown is listed under the table, not counted in it: the row
        // says so, or someone with four debts reads "3".
        vec![
            if inputs.case.unknown_balance.is_empty() { "借款笔数" } else { "已算进合计的借款笔数" }.to_string(),
            a.debts.len().to_string(),
        ],
        vec!["已还合计".to_string(), m(tt.paid_total)],
        vec!["按合同计算现欠".to_string(), m(tt.contract_balance)],
        vec![SUPPORTED_ZH.to_string(), m(tt.supported_total)],
    ];
    // The primary result leaves over-cap charges already paid where they are; whether they are
    // offset against principal is disputed, and the letters ask for the offset: both figures,
    // named as every other text names them.
    if let Some(low) = tt.supported_total_if_offset {
        rows.push(vec![IfOffset::row_zh(), m(low)]);
    }
    // Any other lower result (another cap some courts apply) beside them.
    if tt.supported_total_low < tt.supported_total_if_offset.unwrap_or(tt.supported_total) {
        rows.push(vec!["对借款人更有利的算法".to_string(), m(tt.supported_total_low)]);
    }
    if tt.demanded_total.is_positive() {
        // The excess is demanded − supported on each demand's own day, over the debts with a
        // demand: printed beside the supported total of every debt as of today, the rows did not
        // add up (24,800.00 − 22,185.88 ≠ 11,056.63). The figure it is taken from is shown.
        let demanded: Vec<_> = a.debts.iter().filter(|d| d.demanded_total.is_some()).collect();
        let at_demand: Money = demanded.iter().filter_map(|d| d.supported_at_demand).sum();
        let only_some = demanded.len() < a.debts.len();
        rows.push(vec![
            if only_some {
                format!("对方主张合计（{} 笔有主张）", demanded.len())
            } else {
                "对方主张合计".to_string()
            },
            m(tt.demanded_total),
        ]);
        rows.push(vec![format!("{}在对方主张之日依法支持", if only_some { "这几笔" } else { "" }), m(at_demand)]);
        let all_above = demanded.iter().all(|d| d.excess.is_none_or(|e| !e.is_negative()));
        rows.push(vec![
            if all_above {
                "超出依法金额".to_string()
            } else {
                "超出依法金额（只计多要的借款）".to_string()
            },
            m(tt.excess),
        ]);
    }
    if let Some(f) = inputs.plan.budget.for_debts {
        rows.push(vec!["每月可用于还款".to_string(), m(f)]);
    }
    out.push(Block::Table {
        columns: vec!["项目".into(), "金额（元）".into()], rows, numeric: vec![false, true]
    });
    if let Some(p) = super::unknown_balance(inputs.case) {
        out.push(p);
    }
    // The most urgent item is one he must act on: the nearest date that asks something of him.
    // The first date of all was often the law's or the other side's (a limitation period
    // ending, a record's retention ending), which asks nothing of him on the day.
    let upcoming = || inputs.timeline.deadlines.iter().filter(|d| d.days_from_now >= 0);
    // A debt already in court comes before every date computed here: its deadlines (answer,
    // evidence, hearing) are on the court's papers, which this tool does not have.
    let sued = inputs
        .timeline
        .debts
        .iter()
        .find(|t| matches!(t.limitation.status, yuqi_timeline::limitation::Status::InLitigation { .. }));
    if let Some(t) = sued {
        out.push(para(inl![
            Inline::strong("最要紧、要你去办的："),
            computed(
                format!(
                    "{}已经被起诉：按传票或应诉通知书上写的期限答辩、提交证据、出庭，不要错过（法院文书上的日期这里算不出来）",
                    t.name
                ),
                "limitation_interruption_proceedings"
            ),
            "。"
        ]));
    } else if let Some((d, (action, basis))) = upcoming().find_map(|d| d.action().map(|a| (d, a))) {
        // The date (under its rule) and what he can do then (under the rule that says he can),
        // each said once: the label beside the action said it twice ("在此日前全额还清，可适用一次性信用修复：这天之前全额还清这笔…"); the
        // label is in the 要紧日期 table.
        out.push(para(inl![
            Inline::strong("最要紧、要你去办的："),
            computed(format!("{}（{}）", d.date, inputs.case.debt_name(&d.debt)), d.rule),
            "：",
            computed(action, basis),
            "。"
        ]));
    } else if upcoming().next().is_some() {
        out.push(para(inl![
            Inline::strong("要紧日期："),
            "眼下没有哪个日期要你在那天之前去办事，最要紧的是“先做什么”的第一步；“要紧日期”里列的都是法律或对方的期限，知道就行，到那天不用你做什么。"
        ]));
    }
}

pub(super) fn deadlines(out: &mut Vec<Block>, inputs: &Inputs<'_>) {
    let t = inputs.timeline;
    if t.deadlines.is_empty() {
        out.push(para(inl!["没有计算出需要注意的日期。"]));
        return;
    }
    // The days are counted from the as-of date, which is often not the day the report is read
    // (the demo's, a date the user chose, a dossier printed and read later): the column names
    // that date instead of saying "今天".
    out.push(Block::Table {
        columns: vec!["日期".into(), "借款".into(), "事项".into(), format!("距 {}", date_zh(t.as_of))],
        rows: t
            .deadlines
            .iter()
            .map(|d| {
                vec![
                    d.date.to_string(),
                    inputs.case.debt_name(&d.debt),
                    format!("{}{}", d.label, if d.disputed { "（有争议）" } else { "" }),
                    match d.days_from_now {
                        0 => "当天".to_string(),
                        n if n > 0 => format!("{n} 天后"),
                        n => format!("{} 天前", -n),
                    },
                ]
            })
            .collect(),
        numeric: vec![false, false, false, true],
    });
}
