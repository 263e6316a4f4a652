//! The named sections every view of a case is made of.
//!
//! The dossier, the CLI's text reports (`yuqi audit`, `yuqi timeline`, `yuqi plan`) and the web
//! app's pages show the same sections, built here once: a view picks sections by name, never
//! by cutting a document at its heading text.

mod audit;
mod conduct;
mod evidence;
mod plan;
mod summary;
mod timeline;

use serde::Serialize;

use crate::Inputs;
use crate::doc::{Block, Doc, Inline};

pub use audit::amount_series;

/// Quotes printed in full; the rest are counted and listed in the evidence index.
pub const MAX_QUOTES: usize = 60;
/// Evidence rows printed; a store can hold millions.
pub const MAX_EVIDENCE_ROWS: usize = 500;

/// One section of a case's results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    /// Totals: what the contract says, what the law supports, what is demanded.
    Summary,
    /// Every deadline, soonest first.
    Deadlines,
    /// Per debt: the lawful amount, caps, findings and the computation.
    Audit,
    /// Per debt, period by period: principal, days, rate and its source, payments, balance
    /// (the computation exhibit, 计算明细表).
    Exhibit,
    /// Per debt: limitation, assignment, credit record, risks; criminal risk.
    Timeline,
    /// The collection conduct found, with quotes.
    Conduct,
    /// The evidence store's index.
    Evidence,
    /// What to do next: budget, order, options.
    Plan,
    /// What the tool cannot judge.
    Limits,
}

impl Section {
    /// The dossier's order.
    pub const ALL: [Section; 9] = [
        Section::Summary,
        Section::Deadlines,
        Section::Audit,
        Section::Exhibit,
        Section::Timeline,
        Section::Conduct,
        Section::Evidence,
        Section::Plan,
        Section::Limits,
    ];

    pub fn title_zh(self) -> &'static str {
        match self {
            Section::Summary => "概要",
            Section::Deadlines => "要紧日期",
            Section::Audit => "欠款核算",
            Section::Exhibit => "计算明细表",
            Section::Timeline => "诉讼时效、债权转让和征信",
            Section::Conduct => "催收行为",
            Section::Evidence => "证据索引",
            Section::Plan => "下一步",
            Section::Limits => "本工具不能判断的事项",
        }
    }

    /// The section's blocks, without its own heading (the view decides how to title it).
    pub fn blocks(self, inputs: &Inputs<'_>, opts: &SectionOptions) -> Vec<Block> {
        let mut out = Vec::new();
        match self {
            Section::Summary => summary::summary(&mut out, inputs),
            Section::Deadlines => summary::deadlines(&mut out, inputs),
            Section::Audit => audit::audit(&mut out, inputs, opts),
            Section::Exhibit => out = crate::exhibit::section_blocks(inputs, opts),
            Section::Timeline => timeline::timeline(&mut out, inputs, opts),
            Section::Conduct => conduct::conduct(&mut out, inputs),
            Section::Evidence => evidence::evidence(&mut out, inputs),
            Section::Plan => plan::plan(&mut out, inputs, opts),
            Section::Limits => plan::limits(&mut out, inputs),
        }
        out
    }
}

/// How much a view shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SectionOptions {
    /// Every computation step with its parameters and sources (the dossier, `yuqi audit`).
    pub trace: bool,
    /// Charts (SVG figures); a terminal cannot show them.
    pub charts: bool,
    /// Name the `yuqi` commands that carry out a step (the CLI's views only: a person on the
    /// web app has buttons instead).
    pub commands: bool,
}

impl SectionOptions {
    /// Everything, as the dossier and the web pages show it.
    pub const FULL: SectionOptions = SectionOptions { trace: true, charts: true, commands: false };
}

/// A document of the given sections, numbered 一、二、… in the order given.
pub fn document(
    kind: &'static str,
    title: String,
    inputs: &Inputs<'_>,
    sections: &[Section],
    opts: &SectionOptions,
) -> Doc {
    let mut doc = Doc::new(kind, title);
    for (i, s) in sections.iter().enumerate() {
        doc.blocks.push(h(1, format!("{}、{}", NUMERALS.get(i).copied().unwrap_or("十"), s.title_zh())));
        doc.blocks.extend(s.blocks(inputs, opts));
    }
    crate::glossary::explain_first_use(&mut doc.blocks);
    doc
}

const NUMERALS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

pub(crate) fn para(inlines: Vec<Inline>) -> Block {
    Block::Para { inlines }
}

pub(crate) fn h(level: u8, text: impl Into<String>) -> Block {
    Block::Heading { level, text: text.into() }
}

pub(crate) fn note(text: impl Into<String>) -> Block {
    Block::Note { inlines: vec![Inline::text(text)] }
}

/// A debt as headings name it: the name the borrower knows it by (`Case::debt_name`), and for
/// the command line, where letters are asked for by the case file's key, that key too.
pub(crate) fn debt_heading(inputs: &Inputs<'_>, id: &str, opts: &SectionOptions) -> String {
    let name = inputs.case.debt_name(id);
    if opts.commands { format!("{name}（编号 {id}）") } else { name }
}

/// The lender after a debt's heading: `　某某网络小额贷款有限公司`, nothing when the heading
/// already names it, and `　出借方不详` for the interview's stand-in (`速借宝的出借方`), which is
/// not a name: `速借宝　速借宝的出借方` reads as a stammer.
pub(crate) fn lender_after_heading(heading: &str, lender: &str) -> String {
    if yuqi_case::is_stand_in_lender(lender) {
        "　出借方不详".to_string()
    } else if heading.starts_with(lender) {
        String::new()
    } else {
        format!("　{lender}")
    }
}

/// The lender as a table cell names it: `不详` for the interview's stand-in.
pub(crate) fn lender_cell(lender: &str) -> String {
    if yuqi_case::is_stand_in_lender(lender) { "不详".to_string() } else { lender.to_string() }
}

/// The debts whose balance the borrower does not know yet, said plainly where the totals and
/// the plan are (the summary, the plan): they are in the case, but in no figure.
pub(crate) fn unknown_balance(case: &yuqi_case::Case) -> Option<Block> {
    if case.unknown_balance.is_empty() {
        return None;
    }
    let names: Vec<String> = case
        .unknown_balance
        .iter()
        .map(|u| match u.kind {
            yuqi_case::LenderKind::CreditCard => format!("{}的信用卡", u.name()),
            // Not "张三（民间借贷（个人或非金融企业））": the kind's label has parentheses of its own.
            k => format!("{}的{}", u.name(), k.label_zh()),
        })
        .collect();
    let look: Vec<String> = case.unknown_balance.iter().filter_map(|u| u.note.clone()).collect();
    Some(para(crate::inl![
        Inline::strong(format!("还不知道欠多少的 {} 笔：", names.len())),
        format!(
            "{}。没有算进欠款合计和还款方案；查到现在欠多少{}补上就能算。查清之前，不要按对方报的数字还款。",
            names.join("、"),
            if look.is_empty() { String::new() } else { format!("（{}）", look.join("；")) }
        )
    ]))
}

pub(crate) fn m(x: yuqi_money::Money) -> String {
    x.to_grouped_string()
}

pub(crate) fn om(x: Option<yuqi_money::Money>) -> String {
    x.map_or_else(|| "—".to_string(), m)
}

/// Percentages in tables ([`crate::rates::percent`]).
pub(crate) fn pct(d: Option<yuqi_money::Decimal>) -> String {
    crate::rates::percent(d)
}

/// "（依据：a；b）", or nothing.
pub(crate) fn basis(b: &[String]) -> String {
    if b.is_empty() { String::new() } else { format!("（依据：{}）", b.join("；")) }
}

/// A finding as a list item: severity, title, detail (a computed statement), basis.
pub(crate) fn finding_item(f: &yuqi_ledger::Finding) -> Vec<Inline> {
    let disputed = if f.disputed { "（有争议）" } else { "" };
    let mut v = crate::inl![
        Inline::strong(format!("【{}】{}{}：", f.severity.label_zh(), f.title, disputed)),
        crate::facts::computed(f.detail.clone(), f.rule)
    ];
    if let Some(a) = f.amount {
        v.push(Inline::text(format!("（金额 {} 元）", m(a))));
    }
    if !f.basis.is_empty() {
        v.push(Inline::text(format!("（依据：{}）", f.basis.join("；"))));
    }
    v
}
