//! "What do I do now": the budget, the order of the debts, the options; and what the tool
//! cannot judge.

use yuqi_ledger::audit::SUPPORTED_ZH;
use yuqi_plan::OptionKind;

use super::{SectionOptions, h, m, note, om, para};
use crate::doc::{Block, Inline};
use crate::facts::computed;
use crate::letters::LetterKind;
use crate::{Inputs, inl};

pub(super) fn plan(out: &mut Vec<Block>, inputs: &Inputs<'_>, opts: &SectionOptions) {
    let p = inputs.plan;
    let b = &p.budget;
    let mut budget = inl![Inline::strong("每月预算：")];
    match (b.monthly_income, b.for_debts) {
        (Some(i), Some(f)) => budget.extend(inl![
            format!(
                "月收入 {} 元，必要开支 {} 元，预留 {} 元应急，每月可用于还款 ",
                m(i),
                om(b.essential_expenses),
                m(b.reserve)
            ),
            computed(format!("{} 元", m(f)), "plan_budget"),
            if b.contract_monthly_due.is_positive() {
                format!("（按合同，这个月剩下的日子里还有 {} 元到期，已经逾期的不算在内）。", m(b.contract_monthly_due))
            } else {
                "。".to_string()
            }
        ]),
        (None, Some(f)) => budget.extend(inl![
            "你估计每月大约能拿出 ",
            computed(format!("{} 元", m(f)), "plan_budget"),
            " 还款（没有填写月收入和必要开支，按你估计的数计算）。"
        ]),
        _ => budget.push(Inline::text("案例中没有填写月收入和必要开支，无法计算每月能还多少。")),
    }
    out.push(para(budget));
    if let Some(s) = b.savings {
        out.push(para(inl![format!("可用于一次性结清的存款：{} 元。", m(s))]));
    }
    let mut warnings: Vec<String> = p.warnings.clone();
    warnings.extend(crate::contacts::unrecorded_demands(inputs.case, inputs.timeline, inputs.contacts, None));
    for w in warnings {
        out.push(para(inl![Inline::strong("注意："), w]));
    }
    out.push(para(inl![Inline::strong("先做什么：")]));
    out.push(Block::List {
        ordered: true,
        items: p
            .steps
            .iter()
            .map(|s| {
                let mut v = inl![Inline::strong(format!("{}：", s.title))];
                // A debt's step says in one line why it comes where it does in the order.
                if let Some(w) = &s.why {
                    v.push(Inline::text(format!("（为什么排在这里：{w}）")));
                }
                v.push(Inline::text(s.detail.clone()));
                if opts.commands
                    && let Some(c) = &s.command
                {
                    v.push(Inline::text(format!("（命令：{c}）")));
                }
                v
            })
            .collect(),
    });
    out.push(Block::Table {
        columns: vec!["顺序".into(), "借款".into(), "现状".into(), "依法应还".into(), "对方主张".into(), "建议".into()],
        rows: p
            .debts
            .iter()
            .map(|d| {
                let rec = d.options.iter().find(|o| o.recommended).map_or_else(String::new, |o| o.title.clone());
                let order = if d.standing.barred() { "—".to_string() } else { d.priority.to_string() };
                vec![
                    order,
                    format!("{}（{}）", inputs.case.debt_name(&d.id), d.creditor),
                    d.standing_label.clone(),
                    m(d.lawful_total),
                    om(d.demanded),
                    rec,
                ]
            })
            .collect(),
        numeric: vec![true, false, false, true, true, false],
    });
    if let Some(p) = super::unknown_balance(inputs.case) {
        out.push(p);
    }
    for d in &p.debts {
        debt(out, d, &super::debt_heading(inputs, &d.id, opts));
    }
    // Only the letters this case can use (for some debt, or after the consent a letter that
    // costs the limitation defence asks for): the list offered 诉讼时效抗辩声明 for a debt whose
    // period runs for three more years, while the letters page said it does not apply.
    let applies = |k: LetterKind| {
        let debts: Vec<Option<String>> =
            if k.per_debt() { inputs.case.debts.iter().map(|d| Some(d.id.clone())).collect() } else { vec![None] };
        debts.into_iter().any(|debt| {
            let o = crate::letters::LetterOptions { debt, accept_limitation_effect: true };
            crate::letters::letter(k, inputs, &o).is_ok()
        })
    };
    out.push(para(inl![Inline::strong("可以生成的信函：")]));
    out.push(Block::List {
        ordered: false,
        items: LetterKind::ALL
            .iter()
            .filter(|k| applies(**k))
            .map(|k| {
                if opts.commands {
                    inl![format!("{}（yuqi letter {}）：{}", k.title_zh(), k.id(), k.purpose_zh())]
                } else {
                    inl![format!("{}：{}", k.title_zh(), k.purpose_zh())]
                }
            })
            .collect(),
    });
}

fn debt(out: &mut Vec<Block>, d: &yuqi_plan::DebtPlan, name: &str) {
    let head = if d.standing.barred() {
        format!("不主动处理：{name}（{}）— {}", d.creditor, d.standing_label)
    } else {
        format!("第 {} 优先：{name}（{}）— {}", d.priority, d.creditor, d.standing_label)
    };
    out.push(h(2, head));
    let mut owed = format!("{SUPPORTED_ZH} {} 元（本金 {} 元）", m(d.lawful_total), m(d.principal_lawful));
    if let Some(o) = d.lawful_if_offset {
        owed.push_str(&format!("；{}", o.clause()));
    }
    if let (Some(dm), Some(x)) = (d.demanded, d.excess)
        && x.is_positive()
    {
        // The demand is compared with what the law supported on its own day: said with its
        // date, so that the two figures add up for the reader.
        match (d.demand_date, d.lawful_at_demand) {
            (Some(day), Some(then)) => owed.push_str(&format!(
                "；对方 {} 主张 {} 元，比当日依法应还的 {} 元多出 {} 元",
                crate::facts::date_zh(day),
                m(dm),
                m(then),
                m(x)
            )),
            _ => owed.push_str(&format!("；对方主张 {} 元，多出 {} 元", m(dm), m(x))),
        }
    }
    out.push(para(inl![owed, "。"]));
    if !d.priority_reasons.is_empty() {
        out.push(Block::List { ordered: false, items: d.priority_reasons.iter().map(|r| inl![r.clone()]).collect() });
    }
    let items = d
        .options
        .iter()
        .map(|o| {
            let mut v =
                inl![Inline::strong(format!("{}{}：", if o.recommended { "【建议】" } else { "" }, o.kind.label_zh()))];
            v.push(Inline::text(o.title.clone()));
            if !o.detail.is_empty() {
                v.push(Inline::text(format!("。{}", o.detail)));
            }
            if let Some(e) = &o.limitation_effect
                && o.kind != OptionKind::PleadLimitation
            {
                v.push(Inline::text(" "));
                v.push(Inline::strong(format!("时效提醒：{e}")));
            }
            if !o.basis.is_empty() {
                v.push(Inline::text(format!("（依据：{}）", o.basis.join("、"))));
            }
            v
        })
        .collect();
    out.push(Block::List { ordered: false, items });
    for w in &d.warnings {
        out.push(note(format!("！{w}")));
    }
}

pub(super) fn limits(out: &mut Vec<Block>, inputs: &Inputs<'_>) {
    let mut limits: Vec<Vec<Inline>> = inputs.plan.assumptions.iter().map(|s| inl![s.clone()]).collect();
    limits.push(inl![
        "某条催收是否“应当到达”你、对方的录音是否真实完整、合同条款是否经过充分提示，需要结合原始证据由法院判断。"
    ]);
    limits.push(inl!["违规催收的判断基于文字规则，可能漏报或误报；每条摘录都应回到原始记录核对。"]);
    out.push(Block::List { ordered: false, items: limits });
}
