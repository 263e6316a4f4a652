//! "Can they still sue me, and who is 'they'": limitation, assignment, credit record and risk.

use yuqi_timeline::DebtTimeline;
use yuqi_timeline::assignment::Binding;
use yuqi_timeline::credit::Repair;

use super::{SectionOptions, basis, finding_item, h, note, para};
use crate::doc::{Block, Inline};
use crate::facts::computed;
use crate::{Inputs, inl};

pub(super) fn timeline(out: &mut Vec<Block>, inputs: &Inputs<'_>, opts: &SectionOptions) {
    let t = inputs.timeline;
    out.push(note("结论取决于你记录的事件是否完整、准确。"));
    if opts.charts {
        out.push(Block::Figure {
            svg: yuqi_timeline::svg::render(t),
            narrow: Some(yuqi_timeline::svg::render_for(t, yuqi_util::ChartWidth::Narrow)),
            caption: "图：时间线（每行一笔借款：事件、时效起止和届满日）".to_string(),
        });
    }
    for d in &t.debts {
        let heading = super::debt_heading(inputs, &d.id, opts);
        debt(out, d, &heading, opts, inputs.audit.as_of);
    }
    if !t.criminal.is_empty() {
        out.push(h(2, "刑事风险（借款人一方）"));
        out.push(Block::List {
            ordered: false,
            items: t.criminal.iter().map(|s| inl![format!("{}{}", s.text, basis(&s.basis))]).collect(),
        });
    }
}

fn debt(out: &mut Vec<Block>, d: &DebtTimeline, heading: &str, opts: &SectionOptions, as_of: chrono::NaiveDate) {
    let lender = super::lender_after_heading(heading, &d.lender);
    out.push(h(2, format!("{heading}{lender}")));
    let lim = &d.limitation;
    out.push(para(inl![
        Inline::strong("诉讼时效："),
        computed(lim.status.label_zh(), lim.start_rule),
        if lim.disputed { "（有争议）" } else { "" }
    ]));
    // The status in the borrower's words: what the date means for him and what moves it.
    let plain = match &lim.status {
        yuqi_timeline::limitation::Status::Running { expires, .. } => Some(format!(
            "通俗地说：{expires} 之前对方可以起诉你；过了这一天还没起诉，你在法庭上提出“已过诉讼时效”，法院就不再支持对方。这之前你还钱、答应还钱，或者对方的催收到达你，这个日期都会往后推。"
        )),
        yuqi_timeline::limitation::Status::Expired { .. } => Some(
            "通俗地说：时效已过。对方起诉时，你要自己在法庭上提出“已过诉讼时效”；从现在起不要答应还款、不要还钱、不要在任何文件上签字。".to_string(),
        ),
        yuqi_timeline::limitation::Status::InLitigation { .. } => {
            Some("通俗地说：对方已经起诉，时效不再计算；请按法院文书上的期限答辩。".to_string())
        }
        _ => None,
    };
    if let Some(p) = plain {
        out.push(para(inl![p]));
    }
    out.push(para(inl![format!("起算：{}", lim.label)]));
    if let Some(e) = &lim.expiry
        && !e.skipped.is_empty()
    {
        out.push(para(inl![format!("届满日顺延：{}", e.explanation())]));
    }
    if !lim.steps.is_empty() {
        out.push(Block::Table {
            columns: vec!["日期".into(), "事件".into(), "效果".into(), "此后届满".into()],
            rows: lim
                .steps
                .iter()
                .map(|s| {
                    vec![
                        s.date.to_string(),
                        s.label.clone(),
                        s.effect_label.to_string(),
                        s.expires_after.map_or_else(String::new, |x| x.to_string()),
                    ]
                })
                .collect(),
            numeric: vec![false, false, false, false],
        });
    }
    for alt in &d.limitation_alternatives {
        out.push(para(inl![format!("其他算法（有争议）：{} → {}", alt.label, alt.status.label_zh())]));
    }
    for w in &lim.warnings {
        out.push(note(format!("！{w}")));
    }
    if let Some(a) = &d.assignment {
        out.push(para(inl![
            Inline::strong("谁是债权人："),
            "对你而言目前是 ",
            computed(a.creditor_for_debtor.clone(), "assignment_notice"),
            "。"
        ]));
        let mut items: Vec<Vec<Inline>> = a
            .chain
            .iter()
            .map(|l| {
                let flag = if matches!(l.binding, Binding::NotBinding) { "（对你无效）" } else { "" };
                inl![format!("{} {}：{} → {}，{}{}", l.date, l.hand_label, l.from, l.to, l.binding_label, flag)]
            })
            .collect();
        items.extend(a.payments.iter().map(|p| inl![format!("还款 {} 付给 {}：{}", p.date, p.to, p.why)]));
        out.push(Block::List { ordered: false, items });
        out.push(para(inl![format!("你对原债权人的抗辩都可以对受让人主张：{}", a.defences.join("；"))]));
    }
    credit(out, d, as_of);
    if !d.why_now.is_empty() {
        out.push(para(inl![Inline::strong("为什么现在又来催（根据你的记录推测）：")]));
        out.push(Block::List {
            ordered: false,
            items: d
                .why_now
                .iter()
                .map(|r| inl![format!("{}：{}。{}", r.title, r.evidence.join("；"), r.what_it_means)])
                .collect(),
        });
    }
    if !d.risk.is_empty() {
        out.push(para(inl![Inline::strong("可能发生什么：")]));
        out.push(Block::List {
            ordered: false,
            items: d.risk.iter().map(|s| inl![format!("{}{}", s.text, basis(&s.basis))]).collect(),
        });
    }
    if !d.findings.is_empty() {
        out.push(para(inl![Inline::strong("发现：")]));
        out.push(Block::List { ordered: false, items: d.findings.iter().map(finding_item).collect() });
    }
    if opts.trace && !d.trace.is_empty() {
        out.push(para(inl![Inline::strong("计算过程：")]));
        out.push(Block::Table {
            columns: vec!["步骤".into(), "日期".into(), "计算".into(), "依据".into()],
            rows: d
                .trace
                .iter()
                .map(|s| {
                    vec![
                        s.rule_title.to_string(),
                        s.date.map_or_else(String::new, |x| x.to_string()),
                        s.detail.clone(),
                        s.citations.join("；"),
                    ]
                })
                .collect(),
            numeric: vec![false, false, false, false],
        });
    }
}

/// `on`: the date whose retention period applies (the as-of date).
fn credit(out: &mut Vec<Block>, d: &DebtTimeline, on: chrono::NaiveDate) {
    let c = &d.credit;
    let years = crate::legal::years("credit.negative_record_years", on);
    let record = match (c.settled, c.record_expires, c.reported) {
        (Some(s), Some(e), _) => format!("{s} 结清，不良记录保存至 {e}。"),
        (_, Some(x), _) => format!("不良记录预计 {x} 后删除（结清后满{years}）。"),
        (_, None, Some(true)) => format!("已上报且尚未结清：不良记录会持续报送，{years}保存期从结清之日起算。"),
        _ => format!("案例文件未记录是否已上报征信；若已上报，{years}保存期从结清之日起算。"),
    };
    out.push(para(inl![Inline::strong("征信："), record]));
    let repair = match &c.repair {
        Repair::Eligible { hidden_from } => format!("符合一次性信用修复，自 {hidden_from} 起不予展示。"),
        Repair::OpenUntil { repay_by } => format!("如在 {repay_by} 前全额还清，可适用一次性信用修复。"),
        Repair::NotEligible { why } => format!("不适用一次性信用修复（{why}）。"),
        Repair::Unknown { missing } => format!("能否适用一次性信用修复还需要：{missing}。"),
    };
    out.push(para(inl![Inline::strong("信用修复："), repair]));
}
