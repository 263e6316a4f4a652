//! Annual rates as documents and pages show them. The names and their order are
//! [`RateMeasure`]'s (`yuqi_ledger::apr`); this module decides where they go, for every shell:
//!
//! * one figure wherever one annual rate is shown (the audit table's column, a letter): the
//!   headline, [`RateMeasure::HEADLINE`], under its name;
//! * the whole line once per debt in the computation: the headline, then the other measures as
//!   what they are (how heavy the cost is), then the debt's own rate under the name
//!   [`stated_rate_name_zh`] gives it (the contract's, or one worked out from the instalments the
//!   borrower gave), never as an annual cost;
//! * one explanation, after the audit table, of which rate the caps are compared with and why,
//!   citing the law data.
//!
//! The CLI report, the dossier and the web pages all render the audit section, so they show the
//! same figure in the same place; `crates/yuqi-cli/tests/same_rate.rs` checks it.

use yuqi_case::Case;
use yuqi_case::RateSource;
use yuqi_law::law;
use yuqi_ledger::DebtAudit;
use yuqi_ledger::apr::{RateMeasure, stated_rate_name_zh};
use yuqi_money::Decimal;

use crate::doc::{Block, Inline};

/// The heading of the explanation note; other text may point to it.
pub const EXPLANATION_HEAD: &str = "年化利率怎么看";

/// A rate as documents print it: two decimals, a bound for absurd ones (a seven-day fee
/// compounded over a year; the exact figure stays in the JSON), `—` when it cannot be computed.
pub fn percent(d: Option<Decimal>) -> String {
    match d {
        None => "—".to_string(),
        Some(d) if d > Decimal::ONE_HUNDRED => "超过 10,000%".to_string(),
        Some(d) => yuqi_money::format_rate_percent(d, 2),
    }
}

/// The name of the one annual rate shown where only one is (a table column, a letter).
pub fn headline_name() -> &'static str {
    RateMeasure::HEADLINE.name_zh()
}

/// The headline figure of a debt, as [`percent`] prints it.
pub fn headline(da: &DebtAudit) -> String {
    percent(da.apr.headline())
}

/// The per-debt line of the computation: every measure in order, the headline marked as the one
/// compared with the caps, then the debt's own rate for what it is.
pub fn debt_line(da: &DebtAudit) -> Vec<Inline> {
    let mut out = vec![Inline::strong(format!("{}：", headline_name())), Inline::text(headline(da))];
    out.push(Inline::text(format!("（和法律上限比较的就是这个数，见“{EXPLANATION_HEAD}”）")));
    let others: Vec<String> = da
        .apr
        .measures()
        .iter()
        .filter(|(m, _)| *m != RateMeasure::HEADLINE)
        .map(|(m, v)| format!("{} {}", m.name_zh(), percent(*v)))
        .collect();
    if !others.is_empty() {
        out.push(Inline::text(format!("；只用来说明成本有多重的另两种算法：{}", others.join("，"))));
    }
    // "年化24%" says per year already; "日息万分之五" gets its yearly equivalent.
    let per_year = if da.stated_rate.contains('年') {
        String::new()
    } else {
        format!("，折合每年 {}", yuqi_money::format_rate_percent(da.stated_annual, 2))
    };
    out.push(Inline::text(format!(
        "。{}：{}{per_year}（只按合同金额算利息，没有计入费用和预扣，不是你实际付出的成本）。",
        stated_rate_name_zh(da.rate_source),
        da.stated_rate
    )));
    out
}

/// The one explanation of the annual rates: which one the caps are compared with and why, in
/// plain words, with the articles from the law data (those that apply to the case's lenders).
pub fn explanation(case: &Case) -> Block {
    let l = law();
    let cites = |rule: &str| l.rule(rule).map(|r| l.citation_labels_grouped(&r.cites).join("、")).unwrap_or_default();
    let financial = case.debts.iter().any(|d| d.rate_kind().is_financial_institution());
    let private = case.debts.iter().any(|d| !d.rate_kind().is_financial_institution());
    let mut totals = Vec::new();
    if private {
        totals.push(format!("民间借贷：{}", l.citation_label("private_lending_2020", "29")));
    }
    if financial {
        totals.push(format!("金融借款：{}", cites("financial_combined_cap")));
    }
    let simple = if private {
        format!(
            "（民间借贷的本息总额不得超过按最初本金单利计算的上限，{}）",
            l.citation_label("private_lending_2020", "27")
        )
    } else {
        String::new()
    };
    // The debts' own rates under the names the audit gives them: a case whose rates were all
    // worked out from instalments has no "contract rate" to speak of.
    let mut sources: Vec<RateSource> = case.debts.iter().map(|d| d.rate_source).collect();
    sources.sort_by_key(|s| s.code());
    sources.dedup();
    if sources.is_empty() {
        sources.push(RateSource::Contract);
    }
    let stated = sources.iter().map(|s| stated_rate_name_zh(*s)).collect::<Vec<_>>().join("和");
    let headline = RateMeasure::HEADLINE;
    let others: Vec<&str> = RateMeasure::ALL.iter().filter(|m| **m != headline).map(|m| m.name_zh()).collect();
    let text = format!(
        "本报告只拿一个数和法律规定的利率上限比较：{name}。它{how}（{pboc}所说的内部收益率法）。\
         为什么用它：法院看的是借款实际花了你多少钱，不只看{stated}——预先从借款里扣掉的钱不算本金（{kantouxi}），\
         利息、逾期利息、违约金和其他费用要加在一起算（{totals}）；上限本身也是按年计算、不计复利的利率{simple}。\
         {stated}只按合同金额算利息，没有计入费用和预扣，所以不拿来和上限比。\
         {others}把利息再生的利息也算了进去，通常更高，只用来说明成本有多重。\
         年化利率该用哪种算法，规定本身没有说清（有争议）；{name}不计复利，通常是最低的那个，\
         用它和上限比较对出借人最有利，所以它超过上限时，这个结论最站得住。",
        name = headline.name_zh(),
        how = headline.how_zh(),
        pboc = cites("apr_disclosure"),
        kantouxi = l.citation_label("civil_code", "670"),
        totals = totals.join("；"),
        others = others.join("和"),
    );
    Block::Note { inlines: vec![Inline::strong(format!("{EXPLANATION_HEAD}　")), Inline::text(text)] }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_explanation_names_each_measure_and_cites_the_law_data() {
        let src =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/demo.toml")).expect("demo");
        let case = yuqi_case::parse_case(&src, "demo.toml").expect("parse");
        let Block::Note { inlines } = explanation(&case) else { panic!("a note") };
        let text = crate::doc::plain(&inlines);
        for m in RateMeasure::ALL {
            assert!(text.contains(m.name_zh()), "{} missing: {text}", m.name_zh());
        }
        assert!(text.contains(yuqi_ledger::apr::STATED_RATE_ZH), "{text}");
        // Every citation is a label the law data gives; no article is typed here.
        for label in [
            law().citation_label("civil_code", "670"),
            law().citation_label("financial_adjudication_opinion_2017", "2"),
            law().citation_label("pboc_annualized_rate_announcement_2021", "2"),
        ] {
            assert!(text.contains(&label), "{label} missing: {text}");
        }
        // The demo has only licensed lenders: the private-lending rules are not cited to them.
        assert!(!text.contains(&law().citation_label("private_lending_2020", "29")), "{text}");
        assert!(!text.chars().any(|c| c.is_ascii_alphabetic()), "{text}");
    }
}
