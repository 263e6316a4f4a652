//! Which lenders a cited text binds, and a conduct finding's legal basis as a borrower reads it
//! for his own lenders. The rule for contact with third parties cites the credit-card measures
//! (商业银行信用卡业务监督管理办法 第68条) beside the personal-information law and the civil code; the
//! inbox showed the card measure first to someone whose debt is an online microloan, which the
//! card measure does not bind. A text that binds none of the borrower's lenders is left out; one
//! that binds only some of them says which.

use yuqi_case::{Case, LenderKind};
use yuqi_law::{Citation, law};

/// The lenders a document binds, when it binds only some: `None` for texts that bind every
/// lender (laws, judicial interpretations, national standards). The credit-card measures and
/// the interpretation on card crimes speak only of cards; the bank consumer-protection measures
/// bind banking and insurance institutions (banks, card issuers, consumer-finance companies),
/// and the banking association's guideline its member banks; the private-lending rules do not
/// apply to licensed lenders.
pub(crate) fn binds(doc: &str) -> Option<&'static [LenderKind]> {
    const CARD: &[LenderKind] = &[LenderKind::CreditCard];
    const BANKING: &[LenderKind] = &[LenderKind::Bank, LenderKind::CreditCard, LenderKind::ConsumerFinance];
    const PRIVATE: &[LenderKind] = &[LenderKind::Private, LenderKind::Unlicensed];
    match doc {
        "credit_card_supervision_2011"
        | "pboc_credit_card_notice_2016"
        | "credit_card_development_notice_2022"
        | "credit_card_crime_interpretation_2018" => Some(CARD),
        "consumer_protection_measures_2022" | "bank_association_collection_guideline_2026" => Some(BANKING),
        d if d.starts_with("private_lending") => Some(PRIVATE),
        _ => None,
    }
}

/// Whom a document binds, in words, for a basis that names it beside lenders it does not bind.
fn binds_zh(doc: &str) -> &'static str {
    match binds(doc) {
        Some([LenderKind::CreditCard]) => "只约束发卡银行的信用卡业务",
        Some(k) if k.contains(&LenderKind::Private) => "只适用于个人之间的借贷",
        Some(_) => "约束银行和消费金融公司",
        None => "",
    }
}

/// The lender kinds a contact may concern: its debt's, or every debt's of the case when the
/// record names none (an imported message without its creditor).
pub fn kinds_for(case: &Case, debt: Option<&str>) -> Vec<LenderKind> {
    let mut out: Vec<LenderKind> = Vec::new();
    for d in case.debts.iter().filter(|d| debt.is_none_or(|id| d.id == id)) {
        let k = d.rate_kind();
        if !out.contains(&k) {
            out.push(k);
        }
    }
    out
}

/// A conduct code's legal basis for lenders of `kinds` (empty: not known, every text kept):
/// the rule's citations grouped by document, each document once, in the rule's order, without
/// those that bind none of the kinds; a document that binds only some of them says whom it
/// binds. Documents binding every lender come first, so the basis leads with what binds the
/// borrower's own lender.
pub fn conduct_basis(code: &str, kinds: &[LenderKind]) -> String {
    let Some(c) = yuqi_conduct::Code::parse(code) else { return String::new() };
    let Ok(rule) = law().rule(c.rule()) else { return String::new() };
    let mut docs: Vec<(&str, Vec<Citation>)> = Vec::new();
    for cite in &rule.cites {
        match docs.iter_mut().find(|(d, _)| *d == cite.doc) {
            Some((_, v)) => v.push(cite.clone()),
            None => docs.push((cite.doc.as_str(), vec![cite.clone()])),
        }
    }
    let mut general = Vec::new();
    let mut scoped = Vec::new();
    for (doc, cites) in docs {
        let label = law().citation_labels_grouped(&cites).join("、");
        match binds(doc) {
            None => general.push(label),
            Some(b) if !kinds.is_empty() && kinds.iter().all(|k| b.contains(k)) => general.push(label),
            Some(b) if kinds.is_empty() || kinds.iter().any(|k| b.contains(k)) => {
                scoped.push(format!("{label}（{}）", binds_zh(doc)))
            }
            Some(_) => {}
        }
    }
    general.extend(scoped);
    general.join("；")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_card_measure_is_cited_only_where_it_binds() {
        let micro = conduct_basis("contact_third_party", &[LenderKind::Microloan]);
        assert!(!micro.contains("信用卡"), "{micro}");
        assert!(micro.starts_with("《个人信息保护法》"), "{micro}");
        let card = conduct_basis("contact_third_party", &[LenderKind::CreditCard]);
        assert!(card.contains("信用卡业务监督管理办法"), "{card}");
        assert!(!card.contains("只约束"), "{card}");
        let both = conduct_basis("contact_third_party", &[LenderKind::Microloan, LenderKind::CreditCard]);
        assert!(both.contains("只约束发卡银行的信用卡业务"), "{both}");
        assert!(both.starts_with("《个人信息保护法》"), "{both}");
    }
}
