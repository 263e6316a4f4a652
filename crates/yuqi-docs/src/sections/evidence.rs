//! The evidence store's index.

use super::{MAX_EVIDENCE_ROWS, note, para};
use crate::doc::Block;
use crate::{Inputs, inl};

pub(super) fn evidence(out: &mut Vec<Block>, inputs: &Inputs<'_>) {
    let Some(ev) = inputs.evidence else {
        out.push(para(inl!["本材料没有使用证据库。导入手机里的短信、聊天记录或截图后重新生成，可附上每条证据的数字指纹，证明证据没有被改动。"]));
        return;
    };
    let mut s = format!("证据库共 {} 条记录", ev.total);
    if let Some(hd) = &ev.chain_head {
        s.push_str(&format!("，全部记录的核验码（由所有记录依次算出的数字指纹）为 {hd}"));
    }
    match ev.verified {
        Some(true) => s.push_str("；生成本材料前已核验，每条记录的数字指纹和前后衔接都完好"),
        Some(false) => s.push_str("；生成前核验发现问题，请在“证据”页点“核验全部证据”查看"),
        None => {}
    }
    s.push('。');
    out.push(para(inl![s]));
    out.push(Block::Table {
        columns: vec![
            "序号".into(),
            "类型".into(),
            "时间".into(),
            "对方".into(),
            "发现".into(),
            "数字指纹（前16位）".into(),
        ],
        rows: ev
            .rows
            .iter()
            .take(MAX_EVIDENCE_ROWS)
            .map(|r| {
                vec![
                    r.seq.to_string(),
                    r.kind.clone(),
                    r.time.clone().unwrap_or_default(),
                    r.counterpart.clone().unwrap_or_default(),
                    r.codes
                        .iter()
                        .map(|c| yuqi_conduct::Code::parse(c).map_or_else(|| c.clone(), |k| k.label_zh().to_string()))
                        .collect::<Vec<_>>()
                        .join("、"),
                    r.sha256.chars().take(16).collect(),
                ]
            })
            .collect(),
        numeric: vec![true, false, false, false, false, false],
    });
    if ev.rows.len() > MAX_EVIDENCE_ROWS || (ev.rows.len() as u64) < ev.total {
        out.push(note(format!(
            "只列出前 {} 条；完整索引见导出的证据包（其中说明了数字指纹的算法和核验方法）。",
            ev.rows.len().min(MAX_EVIDENCE_ROWS)
        )));
    }
}
