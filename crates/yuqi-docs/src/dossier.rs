//! The case dossier: one document with the whole case — debts and lawful amounts with their
//! traces, the timeline and deadlines, the conduct found with quoted spans, the evidence index,
//! and the plan — for the borrower, a lawyer or a legal-aid worker. It is every
//! [`Section`] in order; the CLI and the web app show the same sections.

use yuqi_money::ROUNDING_POLICY_ZH;

use crate::Inputs;
use crate::doc::{Block, Doc, Inline};
use crate::sections::{Section, SectionOptions};

pub use crate::sections::{MAX_EVIDENCE_ROWS, MAX_QUOTES, amount_series};

/// Builds the dossier.
pub fn dossier(inputs: &Inputs<'_>) -> Doc {
    let a = inputs.audit;
    let title = if inputs.case.title.is_empty() {
        "案件材料汇编".to_string()
    } else {
        format!("案件材料汇编：{}", inputs.case.title)
    };
    let mut doc = crate::sections::document("dossier", title, inputs, &Section::ALL, &SectionOptions::FULL);
    doc.subtitle = Some(format!("计算截止日 {}　生成日 {}", a.as_of, inputs.today));
    doc.blocks.insert(
        0,
        Block::Note {
            inlines: vec![Inline::text(format!(
                "本材料由 yuqi 根据案例文件{}自动生成，不是律师意见；标注“有争议”的结论各地法院可能不同。{}",
                if inputs.evidence.is_some() { "和证据库" } else { "" },
                ROUNDING_POLICY_ZH
            ))],
        },
    );
    doc
}
