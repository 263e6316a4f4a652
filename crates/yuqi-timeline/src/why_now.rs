//! "Why did they come back now?" — the usual reasons, each with the evidence
//! from the timeline. A guess from the user's own records, never a statement of
//! the other side's intent.

use chrono::NaiveDate;
use serde::Serialize;
use yuqi_case::Debt;

use crate::acts::{Act, ActKind};
use crate::limitation::Limitation;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    /// `assignment`, `limitation_expiring`, `pre_suit`, `dormant_reactivated`.
    pub code: &'static str,
    pub title: String,
    pub evidence: Vec<String>,
    pub what_it_means: String,
}

/// Days of silence after which a renewed demand counts as a re-activation.
const DORMANT_DAYS: i64 = 365;
/// How close to expiry a demand has to come to suggest "they are racing the clock".
const RACE_DAYS: i64 = 183;
const SUIT_WORDS: [&str; 8] = ["起诉", "诉讼", "律师", "法务", "立案", "传票", "法院", "仲裁"];

pub fn reasons(debt: &Debt, acts: &[Act], primary: &Limitation, as_of: NaiveDate) -> Vec<Reason> {
    let mut out = Vec::new();
    let demands: Vec<&Act> = acts.iter().filter(|a| a.kind == ActKind::Demand && a.date <= as_of).collect();
    let Some(latest) = demands.last() else { return out };

    // 1. A new creditor or collector.
    let recent_assignment =
        debt.assignments.iter().rev().find(|a| (latest.date - a.date).num_days() <= 365 && a.date <= latest.date);
    // Names are free text ("刘某" vs "刘某（个人）"): the same party if one contains the other.
    let same = |a: &str, b: &str| a.contains(b) || b.contains(a);
    let stranger =
        latest.by.as_ref().filter(|b| !same(b, &debt.lender) && debt.assignments.iter().all(|a| !same(&a.to, b)));
    if let Some(a) = recent_assignment {
        out.push(Reason {
            code: "assignment",
            title: "债权可能刚被转让给新机构".to_string(),
            evidence: vec![format!("{} 将债权转让给 {}（{}）", a.from, a.to, a.date)],
            what_it_means:
                "新的受让人买下债权后通常会集中催收。转让只有通知到你才对你生效，你对原债权人的所有抗辩都可以对它主张。"
                    .to_string(),
        });
    } else if let Some(b) = stranger {
        out.push(Reason {
            code: "assignment",
            title: "换了一家机构来催：可能是转让或委托催收".to_string(),
            evidence: vec![format!("{} 最近一次催收来自 {b}，而不是合同上的 {}", latest.date, debt.lender)],
            what_it_means: "可能是债权被转让，也可能只是受托催收。要求对方说明身份，出示委托书或债权转让通知。"
                .to_string(),
        });
    }

    // 2. The limitation period was about to run out when they came back.
    if let Some(start) = primary.start {
        let before: Vec<&crate::limitation::Step> =
            primary.steps.iter().filter(|s| s.date < latest.date && s.expires_after.is_some()).collect();
        if let Some(expiry) = before.last().and_then(|s| s.expires_after).filter(|_| latest.date > start) {
            let gap = (expiry - latest.date).num_days();
            if gap < 0 {
                out.push(Reason {
                    code: "limitation_expiring",
                    title: "时效已经届满后又来催收".to_string(),
                    evidence: vec![format!("时效已于 {expiry} 届满，{} 又来催收", latest.date)],
                    what_it_means: "届满后的催收不能让时效恢复；对方可能希望你承诺还款或还一点钱，从而失去时效抗辩。"
                        .to_string(),
                });
            } else if gap <= RACE_DAYS {
                out.push(Reason {
                    code: "limitation_expiring",
                    title: "时效快要届满".to_string(),
                    evidence: vec![format!("{} 的催收距时效届满（{expiry}）只有 {gap} 天", latest.date)],
                    what_it_means: "债权人需要在届满前中断时效（一条到达你的催收短信就够），所以会在这时集中联系你。"
                        .to_string(),
                });
            }
        }
    }

    // 3. Pre-suit pressure.
    let suit: Vec<String> = demands
        .iter()
        .filter(|a| (as_of - a.date).num_days() <= 180)
        .filter(|a| SUIT_WORDS.iter().any(|w| a.note.contains(w) || a.label.contains(w)))
        .map(|a| format!("{}：{}", a.date, if a.note.is_empty() { &a.label } else { &a.note }))
        .collect();
    if !suit.is_empty() {
        out.push(Reason {
            code: "pre_suit",
            title: "起诉前施压（或以起诉相威胁）".to_string(),
            evidence: suit,
            what_it_means: "真正的起诉会由法院送达起诉状副本和传票（可在12368或法院官网核实）。催收人员声称“已立案”“律师函已发出”，常常是虚构的。".to_string(),
        });
    }

    // 4. A dormant account re-activated.
    let previous = acts.iter().filter(|a| a.date < latest.date && a.kind != ActKind::Other).map(|a| a.date).max();
    if let Some(prev) = previous
        && (latest.date - prev).num_days() >= DORMANT_DAYS
    {
        out.push(Reason {
            code: "dormant_reactivated",
            title: "沉寂很久的账户被重新激活".to_string(),
            // Said of the records, not of the world: a case built by the interview holds only
            // the demand he answered about today, and "661 天没有往来" read as a fact he never
            // stated (the calls he did not record are not in it).
            evidence: vec![format!(
                "你记下的往来里，{prev} 之后 {} 天没有记录，直到 {} 的催收（没有记下的电话、短信不在其中）",
                (latest.date - prev).num_days(),
                latest.date
            )],
            what_it_means: "长期无人过问的旧账常被打包转让或批量外包催收。先核实对方身份和时效，不要急于还款或承诺。"
                .to_string(),
        });
    }
    out
}
