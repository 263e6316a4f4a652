//! "Is this collection illegal": counts by kind, quotes with their marked spans, the heat map.

use yuqi_law::law;
use yuqi_util::ChartWidth;

use super::{MAX_QUOTES, note, para};
use crate::charts;
use crate::contacts::{code_counts, heat};
use crate::doc::Block;
use crate::letters::quote;
use crate::{Inputs, inl};

pub(super) fn conduct(out: &mut Vec<Block>, inputs: &Inputs<'_>) {
    let flagged: Vec<_> = inputs.contacts.iter().filter(|c| c.incoming && !c.hits.is_empty()).collect();
    let counts = code_counts(inputs.contacts);
    out.push(para(inl![format!(
        "共收集催收记录 {} 条（案例文件中的催收事件和导入的消息），其中 {} 条发现违规迹象。",
        inputs.contacts.iter().filter(|c| c.incoming).count(),
        flagged.len()
    )]));
    if !counts.is_empty() {
        // The basis for the case's own lenders: a rule binding none of them is not cited.
        let kinds = crate::scope::kinds_for(inputs.case, None);
        out.push(Block::Table {
            // No code column: the dossier is read by the borrower; codes are for the JSON.
            columns: vec!["类型".into(), "条数".into(), "依据".into()],
            rows: counts
                .iter()
                .map(|(code, label, n)| {
                    vec![label.to_string(), n.to_string(), crate::scope::conduct_basis(code, &kinds)]
                })
                .collect(),
            numeric: vec![false, true, false],
        });
    }
    for c in flagged.iter().take(MAX_QUOTES) {
        out.push(quote(c));
    }
    if flagged.len() > MAX_QUOTES {
        out.push(note(format!("另有 {} 条有违规迹象的记录未逐条摘录，见证据索引。", flagged.len() - MAX_QUOTES)));
    }
    let hm = heat(inputs.contacts);
    if hm.iter().flatten().any(|&n| n > 0) {
        let as_of = inputs.audit.as_of;
        let hour = |id: &str, fallback: u32| {
            law().param(id, as_of).ok().and_then(|p| p.decimal().trunc().to_string().parse().ok()).unwrap_or(fallback)
        };
        let night = (hour("conduct.night_start_hour", 22), hour("conduct.night_end_hour", 8));
        out.push(Block::Figure {
            svg: charts::heatmap(&hm, night, ChartWidth::Wide),
            narrow: Some(charts::heatmap(&hm, night, ChartWidth::Narrow)),
            caption: "图：催收来电、来信按星期和小时分布".to_string(),
        });
    } else {
        out.push(note("没有带时间的催收记录，无法画出时段分布图。导入短信和通话记录后再生成。"));
    }
}
