//! The legal words a borrower cannot avoid (诉讼时效, 砍头息, 冲抵, …), each explained in one
//! plain line where a page or a report first uses it. Letters are not touched: they are written
//! to lenders, courts and regulators, who know the words.

use crate::doc::{Block, Inline, plain};

/// Each term and its one-line explanation. No legal numbers here: periods and caps differ by
/// date and are stated, from the law data, where the text uses them.
pub const TERMS: [(&str, &str); 8] = [
    ("诉讼时效", "对方能通过法院要求你还钱的法定期限；期限过了，你在法庭上提出来，法院就不再支持对方。"),
    ("砍头息", "放款时先从借款里扣掉的利息或“服务费”；法律只把你实际拿到手的钱算作本金。"),
    ("冲抵", "用你已经多付的钱抵扣别的欠款，例如多付的利息抵扣本金。"),
    ("罚息", "逾期以后按更高的利率多收的利息。"),
    ("债权转让", "原来的出借人把“要你还钱的权利”卖给了别的公司；通知你之前，对你不发生效力。"),
    ("失信被执行人", "俗称“老赖名单”：法院判决后有能力还却拒不履行的人才会被列入。"),
    ("限制高消费", "法院执行期间限制坐飞机、高铁一等座、住星级酒店等，还清或提供担保后解除。"),
    ("停息挂账", "与出借人协商：还款期间停止计算利息和费用，把欠款固定下来分期还。"),
];

/// The visible text of a block where a term would be read as the tool's own words (not a
/// heading, not a collector's quoted message, not a chart).
fn text_of(b: &Block) -> Option<String> {
    match b {
        Block::Para { inlines } | Block::Line { inlines } | Block::Note { inlines } => Some(plain(inlines)),
        Block::List { items, .. } => Some(items.iter().map(|i| plain(i)).collect::<Vec<_>>().join("\n")),
        Block::Table { columns, rows, .. } => {
            Some(columns.iter().chain(rows.iter().flatten()).cloned().collect::<Vec<_>>().join("\n"))
        }
        _ => None,
    }
}

/// Inserts, after the first block that uses each term, a note explaining it. Each term is
/// explained once per call (one page, one report).
pub fn explain_first_use(blocks: &mut Vec<Block>) {
    let mut explained = [false; TERMS.len()];
    let mut out = Vec::with_capacity(blocks.len() + TERMS.len());
    for b in blocks.drain(..) {
        let text = text_of(&b);
        out.push(b);
        let Some(text) = text else { continue };
        let mut new = Vec::new();
        for (i, (term, what)) in TERMS.iter().enumerate() {
            if !explained[i] && text.contains(term) {
                explained[i] = true;
                new.push(format!("“{term}”：{what}"));
            }
        }
        if !new.is_empty() {
            out.push(Block::Note { inlines: vec![Inline::strong("词语说明　"), Inline::text(new.join(" "))] });
        }
    }
    *blocks = out;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inl;

    #[test]
    fn each_term_is_explained_once_after_its_first_use() {
        let mut blocks = vec![
            Block::Heading { level: 1, text: "诉讼时效".into() },
            Block::Quote { head: "催收".into(), inlines: inl!["你的诉讼时效早就中断了"] },
            Block::Para { inlines: inl!["诉讼时效从最后一次还款起算，砍头息不是本金。"] },
            Block::Para { inlines: inl!["诉讼时效再次出现。"] },
        ];
        explain_first_use(&mut blocks);
        let notes: Vec<String> = blocks
            .iter()
            .filter_map(|b| match b {
                Block::Note { inlines } => Some(plain(inlines)),
                _ => None,
            })
            .collect();
        // Not after the heading or the collector's words: after the tool's own first use.
        assert_eq!(notes.len(), 1, "{blocks:?}");
        assert!(matches!(blocks[3], Block::Note { .. }), "{blocks:?}");
        assert!(notes[0].contains("“诉讼时效”") && notes[0].contains("“砍头息”"), "{}", notes[0]);
        assert_eq!(notes[0].matches("诉讼时效”").count(), 1);
    }
}
