//! The exhibit as document blocks: a section of the dossier and of `yuqi audit --exhibit`, and
//! a document of its own (PDF, DOCX, Markdown, HTML through `yuqi-render`).

use yuqi_ledger::audit::IfOffset;
use yuqi_money::{Money, ROUNDING_POLICY_ZH, format_rate_percent};

use super::{DebtExhibit, Exhibit, exhibit, mark, part_label};
use crate::Inputs;
use crate::doc::{Block, Doc, Inline};
use crate::facts::{computed, yuan};
use crate::sections::SectionOptions;

fn m(x: Money) -> String {
    x.to_grouped_string()
}

fn para(inlines: Vec<Inline>) -> Block {
    Block::Para { inlines }
}

fn labelled(label: &str, rest: Vec<Inline>) -> Block {
    let mut v = vec![Inline::strong(label)];
    v.extend(rest);
    para(v)
}

/// What the rounding rule means for the table's columns.
const RESIDUE_ZH: &str = "表中每一期分别保留到分，合计与核算结果之间的尾差计入同类的最后一期。";

/// The exhibit as a section: per debt a heading (level 2), its header, the period table, the
/// payments table and the totals.
pub fn section_blocks(inputs: &Inputs<'_>, opts: &SectionOptions) -> Vec<Block> {
    let ex = exhibit(inputs);
    let mut out = vec![Block::Note {
        inlines: vec![Inline::text(
            "下面按判决书的写法逐期列出：计息本金、天数、适用的年利率及其来源、按合同计算的金额、依法支持的金额、已付款项的冲抵和尚未支付的部分；合计与上面的核算结果一致。",
        )],
    }];
    for d in &ex.debts {
        let heading = crate::sections::debt_heading(inputs, &d.id, opts);
        out.push(Block::Heading { level: 2, text: heading });
        debt_blocks(&mut out, d, &ex);
    }
    out.push(Block::Note { inlines: vec![Inline::text(format!("舍入规则：{ROUNDING_POLICY_ZH}{RESIDUE_ZH}"))] });
    out
}

/// The exhibit as its own document (`kind` = `exhibit`).
pub fn exhibit_doc(inputs: &Inputs<'_>) -> Doc {
    let ex = exhibit(inputs);
    let title =
        if ex.title.is_empty() { "计算明细表".to_string() } else { format!("计算明细表：{}", ex.title) };
    let mut doc = Doc::new("exhibit", title);
    let filing =
        if ex.filing_assumed { "未填写起诉日".to_string() } else { format!("起诉日 {}", ex.filing_date) };
    doc.subtitle = Some(format!("计算截止日 {}　{filing}　生成日 {}", ex.as_of, inputs.today));
    doc.blocks.push(Block::Note {
        inlines: vec![Inline::text(
            "本表由 yuqi 根据案例文件自动计算，不是律师意见；标注“有争议”的算法各地法院可能不同。每一期的依法支持金额 = 按合同计算的金额与“计息本金 × 上限年利率 × 天数”两者中较小的一个。",
        )],
    });
    for (i, d) in ex.debts.iter().enumerate() {
        doc.blocks.push(Block::Heading { level: 1, text: format!("{}、{}", numeral(i), d.name) });
        debt_blocks(&mut doc.blocks, d, &ex);
    }
    doc.blocks
        .push(Block::Note { inlines: vec![Inline::text(format!("舍入规则：{ROUNDING_POLICY_ZH}{RESIDUE_ZH}"))] });
    doc
}

fn numeral(i: usize) -> String {
    const N: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
    N.get(i).map_or_else(|| (i + 1).to_string(), |s| s.to_string())
}

fn debt_blocks(out: &mut Vec<Block>, d: &DebtExhibit, ex: &Exhibit) {
    // The kind after a comma: it may carry a parenthesis of its own (信用卡（发卡银行）, …（推测）),
    // and one put around it made two, one inside the other.
    out.push(para(vec![Inline::text(format!(
        "出借人：{}，{}；{} {}；合同本金 {} 元；实际到手 {} 元；{} {}。",
        d.lender,
        d.kind_label,
        d.contract_date_name,
        d.contract_date,
        m(d.contract_principal),
        m(d.received),
        d.stated_rate_name,
        d.stated_rate
    ))]));
    let mut principal = vec![computed(yuan(d.principal_initial), "kantouxi")];
    if !d.principal_why.is_empty() {
        principal.push(Inline::text(format!("。{}", d.principal_why.join("；"))));
    }
    principal.push(Inline::text("。"));
    out.push(labelled("依法认定的本金：", principal));
    out.push(labelled(
        "采用的算法：",
        vec![Inline::text(format!(
            "{}{}。{}",
            d.scenario,
            if d.scenario_disputed { "（有争议）" } else { "" },
            d.scenario_why
        ))],
    ));
    let cap = d.cap.map_or_else(|| "没有上限".to_string(), |c| format_rate_percent(c, 2));
    out.push(labelled("适用上限：", vec![computed(format!("年利率 {cap}——{}", d.cap_basis), "lawful_ledger")]));
    let filing =
        if ex.filing_assumed { "未填写起诉日".to_string() } else { format!("起诉日 {}", ex.filing_date) };
    out.push(labelled(
        "计息方法：",
        vec![Inline::text(format!(
            "{}；计息期间不含起算当日、含截止当日；计算截止日 {}，{filing}。",
            d.day_count.join("；"),
            ex.as_of
        ))],
    ));

    out.push(para(vec![Inline::strong("逐期计算：")]));
    if d.rows.is_empty() {
        out.push(Block::Note { inlines: vec![Inline::text("截至计算截止日没有产生利息或费用。")] });
    } else {
        let mut rows: Vec<Vec<String>> = d
            .rows
            .iter()
            .map(|r| {
                vec![
                    r.period(),
                    r.days.to_string(),
                    m(r.base),
                    part_label(r.part).to_string(),
                    m(r.claimed),
                    r.rate_text(),
                    d.source_label(r.source),
                    m(r.lawful),
                    m(r.paid),
                    m(r.unpaid),
                ]
            })
            .collect();
        let t = &d.totals;
        rows.push(vec![
            "合计".into(),
            String::new(),
            String::new(),
            String::new(),
            m(t.claimed),
            String::new(),
            String::new(),
            m(t.lawful),
            m(t.paid),
            m(t.unpaid),
        ]);
        out.push(Block::Table {
            columns: [
                "期间（起止日）",
                "天数",
                "计息本金",
                "类别",
                "按合同计",
                "适用年利率",
                "利率来源",
                "依法支持",
                "已付冲抵",
                "未付",
            ]
            .map(String::from)
            .to_vec(),
            rows,
            numeric: vec![false, true, true, false, true, true, false, true, true, true],
        });
        let mut notes = vec![Inline::text(
            "适用年利率：按合同计算的金额超过上限时为上限年利率；未超过时为该期按合同计算的金额折合的年利率。",
        )];
        for (i, s) in d.sources.iter().enumerate() {
            notes.push(Inline::text(format!("{}{s}。", mark(i))));
        }
        out.push(Block::Note { inlines: notes });
    }

    out.push(para(vec![Inline::strong("还款及冲抵：")]));
    if d.payments.is_empty() {
        out.push(Block::Note { inlines: vec![Inline::text("没有还款记录。")] });
    } else {
        let mut rows: Vec<Vec<String>> = d
            .payments
            .iter()
            .map(|p| {
                vec![
                    p.date.to_string(),
                    m(p.amount),
                    m(p.to_charges),
                    m(p.to_principal),
                    m(p.overpaid),
                    m(p.principal_after),
                ]
            })
            .collect();
        let t = &d.totals;
        rows.push(vec![
            "合计".into(),
            m(t.paid_total),
            m(t.to_charges),
            m(t.to_principal),
            m(t.overpaid),
            String::new(),
        ]);
        out.push(Block::Table {
            columns: ["还款日期", "还款金额", "抵利息费用", "抵本金", "多付", "本金余额"].map(String::from).to_vec(),
            rows,
            numeric: vec![false, true, true, true, true, true],
        });
    }

    let t = &d.totals;
    out.push(para(vec![Inline::strong(format!("合计（截至 {}）：", ex.as_of))]));
    let mut rows = vec![
        vec!["依法认定的本金余额".into(), m(t.principal)],
        vec!["未付借期利息".into(), m(t.interest)],
        vec!["未付合同费用".into(), m(t.fees)],
        vec!["未付逾期利息、罚息和违约金".into(), m(t.overdue)],
        vec![format!("依法支持合计{}", if d.scenario_disputed { "（有争议）" } else { "" }), m(t.supported_total)],
    ];
    if let Some(low) = t.supported_if_offset {
        rows.push(vec![IfOffset::row_zh_court(), m(low)]);
    }
    rows.push(vec!["已还合计".into(), m(t.paid_total)]);
    rows.push(vec!["出借人按合同自算的余额".into(), m(t.contract_balance)]);
    out.push(Block::Table {
        columns: vec!["项目".into(), "金额（元）".into()], rows, numeric: vec![false, true]
    });
    let mut items = vec![vec![Inline::text(format!(
        "本表采用：{}——依法支持合计 {} 元{}",
        d.scenario,
        m(t.supported_total),
        if d.scenario_disputed { "（有争议）" } else { "" }
    ))]];
    items.extend(d.alternatives.iter().map(|a| {
        vec![Inline::text(format!(
            "其他算法：{}——依法支持合计 {} 元{}",
            a.label,
            m(a.supported_total),
            if a.disputed { "（有争议）" } else { "" }
        ))]
    }));
    out.push(Block::List { ordered: false, items });
}
