//! The CLI's text views: which sections `yuqi audit`, `yuqi timeline` and `yuqi plan` show, in
//! which order, with which notes around them. The sections themselves are the dossier's
//! (`yuqi_docs::sections`), written as plain text by `yuqi_render::text`.

use yuqi_app::Computed;
use yuqi_docs::doc::{Block, Doc, Inline};
use yuqi_docs::{Section, SectionOptions};

fn note(text: &str) -> Block {
    Block::Note { inlines: vec![Inline::text(text)] }
}

fn options(trace: bool) -> SectionOptions {
    SectionOptions { trace, charts: false, commands: true }
}

/// `yuqi audit`: the deadlines first, then the totals and every debt's computation; with
/// `exhibit`, the computation exhibit (计算明细表) after them.
pub(crate) fn audit_doc(c: &Computed, trace: bool, exhibit: bool) -> Doc {
    let a = &c.audit;
    let title =
        if a.title.is_empty() { "欠款核算报告".to_string() } else { format!("欠款核算报告：{}", a.title) };
    let mut sections = vec![Section::Deadlines, Section::Summary, Section::Audit];
    if exhibit {
        sections.push(Section::Exhibit);
    }
    let mut doc = yuqi_docs::sections::document("audit", title, &c.inputs(), &sections, &options(trace));
    doc.subtitle = Some(format!("计算截止日：{}", a.as_of));
    doc.blocks.insert(0, note("本报告不是律师意见；标注“有争议”的结论各地法院可能不同。"));
    doc.blocks.push(note("诉讼时效、债权转让、征信和风险的详细分析：yuqi timeline 案例文件"));
    doc.blocks.push(note("查看任一条文原文：yuqi law show 民法典 670"));
    doc
}

/// `yuqi timeline`: the deadlines, then limitation, assignment, credit and risk per debt.
pub(crate) fn timeline_doc(c: &Computed, trace: bool) -> Doc {
    let title = format!("诉讼时效、债权转让与风险（截至 {}）", c.timeline.as_of);
    let sections = [Section::Deadlines, Section::Timeline];
    let mut doc = yuqi_docs::sections::document("timeline", title, &c.inputs(), &sections, &options(trace));
    doc.blocks.insert(0, note("本报告不是律师意见。"));
    doc
}

/// `yuqi plan`: the plan and what it assumed.
pub(crate) fn plan_doc(c: &Computed) -> Doc {
    let title = format!("还款协商计划（计算截止日 {}）", c.plan.as_of);
    let sections = [Section::Plan, Section::Limits];
    yuqi_docs::sections::document("plan", title, &c.inputs(), &sections, &options(false))
}
