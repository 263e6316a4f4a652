//! Case-level codes: a message judged against the ledger and timeline results
//! (demanded more than the law supports, a creditor never notified, a lawsuit
//! threatened on a time-barred debt).

use chrono::NaiveDate;
use yuqi_money::Decimal;

use crate::code::{Code, basis};
use crate::normalize::{AMOUNT, Normalized, normalize_into};
use crate::text::{Analysis, Hit};

/// What the ledger and timeline established, for one debt (or the whole case).
#[derive(Debug, Clone, Default)]
pub struct CaseContext {
    /// The most the law supports (yuan); a larger amount demanded is `wrong_amount`.
    pub supported_total: Option<Decimal>,
    /// The limitation period ended on this day (and was not revived).
    pub limitation_expired_on: Option<NaiveDate>,
    /// Creditors whose assignment was notified to the debtor (they may claim as creditor).
    pub notified_creditors: Vec<String>,
}

const SUIT_WORDS: [&str; 7] = ["起诉", "诉讼", "法院", "立案", "律师", "传票", "仲裁"];
const ASSIGNMENT_CLAIMS: [&str; 8] =
    ["已转让给", "债权已转让", "转让给我司", "我司已收购", "已受让", "现由我司", "债权人已变更", "收购了你的"];

/// Amounts written in the message, in yuan, with their original character spans.
fn amounts(text: &str, norm: &Normalized) -> Vec<(Decimal, usize, usize)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    for (i, c) in norm.text.char_indices() {
        if c != AMOUNT {
            continue;
        }
        let (s, e) = norm.original_range(i, i + c.len_utf8());
        let raw: String = chars[s..e].iter().filter(|c| c.is_ascii_digit() || **c == '.').collect();
        let wan = chars[s..e].contains(&'万');
        if let Ok(mut v) = raw.parse::<Decimal>() {
            if wan {
                v *= Decimal::from(10_000);
            }
            out.push((v, s, e));
        }
    }
    out
}

pub fn analyze(
    text: &str,
    date: Option<NaiveDate>,
    sender: Option<&str>,
    text_analysis: &Analysis,
    ctx: &CaseContext,
) -> Vec<Hit> {
    let mut hits = Vec::new();
    let mut norm = Normalized::default();
    normalize_into(text, &mut norm);
    let len = text.chars().count();
    if let Some(limit) = ctx.supported_total
        && let Some((v, s, e)) = amounts(text, &norm).into_iter().max_by(|a, b| a.0.cmp(&b.0))
        && v > limit + Decimal::ONE
    {
        hits.push(Hit {
            code: Code::WrongAmount,
            start: s,
            end: e,
            rule: "wrong_amount.exceeds_supported".into(),
            basis: basis(Code::WrongAmount),
            confidence: 100,
            cues: Vec::new(),
        });
    }
    if let (Some(expired), Some(d)) = (ctx.limitation_expired_on, date)
        && d > expired
        && (text_analysis.codes.contains(&Code::FakeLegalDocument) || SUIT_WORDS.iter().any(|w| norm.text.contains(w)))
    {
        hits.push(Hit {
            code: Code::TimeBarredThreat,
            start: 0,
            end: len,
            rule: "time_barred_threat.after_expiry".into(),
            basis: basis(Code::TimeBarredThreat),
            confidence: 100,
            cues: Vec::new(),
        });
    }
    if let Some(w) = ASSIGNMENT_CLAIMS.iter().find(|w| norm.text.contains(**w)) {
        let notified =
            sender.is_some_and(|s| ctx.notified_creditors.iter().any(|c| c.contains(s) || s.contains(c.as_str())));
        if !notified {
            let b = norm.text.find(w).unwrap_or(0);
            let (s, e) = norm.original_range(b, b + w.len());
            hits.push(Hit {
                code: Code::UnnotifiedAssignment,
                start: s,
                end: e,
                rule: "unnotified_assignment.claim".into(),
                basis: basis(Code::UnnotifiedAssignment),
                confidence: 100,
                cues: Vec::new(),
            });
        }
    }
    hits
}
