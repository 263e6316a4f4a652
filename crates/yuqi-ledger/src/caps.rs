//! Which caps apply to a debt, on which dates, and the alternatives where the
//! law is unsettled (docs/law/rates.md §7).
//!
//! The result is a list of scenarios. The first is the primary result; the others
//! are computed in full and shown beside it, each saying why it exists. Every
//! number is looked up in the law data by the legally relevant date (contract date
//! for the private-lending cap, filing date for the transition rule and for the
//! judicial 24% policy) and the trace records which date chose it.

use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;
use yuqi_case::{AssigneeKind, Debt, LenderKind, Method, Repayment};
use yuqi_law::{BenchmarkTerm, LawError, law};
use yuqi_money::{Decimal, format_rate_percent};

use crate::engine::CapSegment;
use crate::findings::{Finding, Severity};
use crate::trace::{TraceParam, TraceStep};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scenario {
    /// Stable id: `financial_24`, `financial_24_offset`, `private_4lpr_offset`, …
    pub id: String,
    pub label: String,
    /// The scenario rests on an unsettled point (docs/law/open-questions.md).
    pub disputed: bool,
    pub why: String,
    pub segments: Vec<CapSegment>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CapPlan {
    pub scenarios: Vec<Scenario>,
    /// The enforceable annual cap of the primary scenario on the as-of date.
    pub headline_rate: Option<Decimal>,
    /// The cap of the primary scenario on the contract date: the limit on the
    /// agreed rate itself (differs from `headline_rate` for pre-2020 private loans).
    pub contract_rate_cap: Option<Decimal>,
    pub headline_basis: String,
    pub trace: Vec<TraceStep>,
    pub findings: Vec<Finding>,
}

/// Dates that choose parameter values.
#[derive(Debug, Clone, Copy)]
pub struct LegalDates {
    pub as_of: NaiveDate,
    pub filing: NaiveDate,
    /// True when no filing date was given and `as_of` stands in for it.
    pub filing_assumed: bool,
}

/// A legal number as a sentence states it, from the law data for the date (`24%`, `4`). The
/// fallback only guards wording: a computation that needs the value has already stopped with a
/// typed error when the law data lacks it.
fn legal(id: &str, on: NaiveDate) -> String {
    law().param_prose(id, on).unwrap_or_else(|_| "法定".to_string())
}

fn pct(d: Decimal) -> String {
    format_rate_percent(d, 2)
}

struct Builder {
    trace: Vec<TraceStep>,
    findings: Vec<Finding>,
    lpr_unverified: bool,
    /// Under the 1991 regime: the cap computed on the benchmark rate in force at filing, when
    /// it differs from the contract date's (a disputed alternative; docs/law/rates.md §2).
    alt_1991: Option<(Vec<CapSegment>, String)>,
}

/// The months of a loan's agreed term, a begun month counted whole (the benchmark bands are
/// "up to and including" six months, one year, …): contract date to the last due date.
pub(crate) fn term_months(debt: &Debt) -> u32 {
    let last_due = match &debt.repayment {
        // A bullet loan's first due date is its maturity and its only due date.
        Repayment::Method { method: Method::Bullet, first_due, .. } => *first_due,
        Repayment::Method { periods, period, first_due, .. } => {
            yuqi_case::add_period(*first_due, *period, periods.saturating_sub(1))
        }
        Repayment::Explicit(rows) => rows.last().map_or(debt.contract_date, |r| r.due),
    };
    let from = debt.contract_date;
    if last_due <= from {
        return 0;
    }
    let mut months =
        u32::try_from((last_due.year() - from.year()) * 12 + last_due.month() as i32 - from.month() as i32)
            .unwrap_or(0);
    // A part of a month beyond the whole months counts as a begun month.
    if from.checked_add_months(Months::new(months)).is_some_and(|d| d < last_due) {
        months += 1;
    }
    months
}

impl Builder {
    /// The private-lending cap segments (offset decided by the caller).
    fn private_segments(&mut self, debt: &Debt, dates: LegalDates) -> Result<(Vec<CapSegment>, String), LawError> {
        let l = law();
        // The day the new rules took effect is a fact about the past, the same whatever date
        // a case is looked at on: read it from the parameter's first value.
        let new_from = l.param_first("private_lending.new_rules_from")?;
        let new_from_date = new_from.date();
        // The day the 2015 provisions took effect: the first day of their 24 % line.
        let old_from = l.param_first("private_lending.old.enforceable_cap")?.from;
        if dates.filing < old_from {
            return self.private_1991(debt, dates, old_from);
        }
        if dates.filing < new_from_date {
            return self.private_old_whole(debt, dates, &new_from);
        }
        if debt.contract_date >= new_from_date {
            let lpr = l.lpr(debt.contract_date)?;
            self.lpr_unverified |= lpr.unverified;
            let mult = l.param("private_lending.lpr_multiple", debt.contract_date)?;
            let cap = lpr.one_year * mult.decimal();
            self.trace.push(
                TraceStep::new(
                    "lpr_lookup",
                    format!(
                        "合同成立日 {} 适用的一年期LPR为 {}（{} 公布）",
                        debt.contract_date,
                        pct(lpr.one_year),
                        lpr.published
                    ),
                )
                .on(debt.contract_date)
                .param(TraceParam::cited(
                    "一年期LPR",
                    pct(lpr.one_year),
                    Some(format!("合同成立日 {}", debt.contract_date)),
                    l.lpr_citation().clone(),
                )),
            );
            self.trace.push(
                TraceStep::new(
                    "private_rate_cap",
                    format!(
                        "民间借贷上限 = {} × {} = {}，适用于借期内利率、逾期利率及逾期利息、违约金和其他费用之和（第25、28、29条）",
                        mult.decimal(),
                        pct(lpr.one_year),
                        pct(cap)
                    ),
                )
                .on(debt.contract_date)
                .param(TraceParam::legal(&mult, mult.value, format!("合同成立日 {}", debt.contract_date))),
            );
            return Ok((
                vec![CapSegment { from: debt.contract_date, until: None, enforce: Some(cap), retain: None }],
                format!("民间借贷：合同成立时一年期LPR {} 的{}倍 = {}", pct(lpr.one_year), mult.prose(), pct(cap)),
            ));
        }

        // Contract before 2020-08-20: art. 31 splits the interest at 2020-08-19.
        let old_date = if let Ok(p) = l.param("private_lending.old.enforceable_cap", debt.contract_date) {
            p.from.max(debt.contract_date)
        } else {
            let first =
                l.param("private_lending.old.enforceable_cap", new_from_date.pred_opt().unwrap_or(new_from_date))?;
            let since = first.from.format("%Y年%-m月%-d日");
            self.findings.push(Finding::new(
                "pre_2015_contract",
                Severity::Warning,
                "private_old_regime",
                format!("{since}前成立的民间借贷"),
                format!(
                    "本工具对{since}前的借贷按{}年规定（{}/{}）近似计算；更早的规则（以银行同类贷款利率的倍数为限）未建模，请咨询律师。",
                    first.from.year(),
                    first.prose(),
                    legal("private_lending.old.void_above", first.from)
                ),
            ));
            first.from
        };
        let old24 = l.param("private_lending.old.enforceable_cap", old_date)?;
        let old36 = l.param("private_lending.old.void_above", old_date)?;
        let lpr = l.lpr(dates.filing)?;
        self.lpr_unverified |= lpr.unverified;
        let mult = l.param("private_lending.lpr_multiple", dates.filing)?;
        let cap_new = lpr.one_year * mult.decimal();
        let filing_label = if dates.filing_assumed {
            format!("假设起诉日 {}（未提供起诉日，按计算截止日）", dates.filing)
        } else {
            format!("起诉日 {}", dates.filing)
        };
        let last_old = new_from_date.pred_opt().unwrap_or(new_from_date);
        self.trace.push(
            TraceStep::new(
                "private_transition",
                format!(
                    "合同成立于 {}，早于 {}：{} 前的利息按旧规定，之后按起诉时LPR的{}倍",
                    debt.contract_date,
                    new_from_date,
                    new_from_date,
                    mult.prose()
                ),
            )
            .on(new_from_date)
            .param(TraceParam::legal(&new_from, new_from.value, "新规定施行日")),
        );
        self.trace.push(
            TraceStep::new(
                "private_old_regime",
                format!(
                    "{} 至 {}：年利率 {} 以内支持；{}–{} 之间已付的不退、未付的不支持；超过 {} 的已付部分可请求返还（冲抵本金）",
                    debt.contract_date,
                    last_old,
                    pct(old24.decimal()),
                    pct(old24.decimal()),
                    pct(old36.decimal()),
                    pct(old36.decimal())
                ),
            )
            .param(TraceParam::legal(&old24, pct(old24.decimal()), format!("合同成立日 {}", debt.contract_date)))
            .param(TraceParam::legal(&old36, pct(old36.decimal()), format!("合同成立日 {}", debt.contract_date))),
        );
        self.trace.push(
            TraceStep::new(
                "lpr_lookup",
                format!("{filing_label}适用的一年期LPR为 {}（{} 公布）", pct(lpr.one_year), lpr.published),
            )
            .on(dates.filing)
            .param(TraceParam::cited(
                "一年期LPR",
                pct(lpr.one_year),
                Some(filing_label.clone()),
                l.lpr_citation().clone(),
            )),
        );
        self.trace.push(
            TraceStep::new(
                "private_rate_cap",
                format!("{} 起：上限 = {} × {} = {}", new_from_date, mult.decimal(), pct(lpr.one_year), pct(cap_new)),
            )
            .on(new_from_date)
            .param(TraceParam::legal(&mult, mult.value, filing_label.clone())),
        );
        if dates.filing_assumed {
            self.findings.push(Finding::new(
                "filing_date_assumed",
                Severity::Info,
                "private_transition",
                "按假设的起诉日计算",
                format!("{}前成立的民间借贷，此后的利息上限取决于起诉时的LPR。未提供起诉日，本次按 {} 计算；如已被起诉，请在案例文件中填写 filing_date。", new_from.prose(), dates.filing),
            ));
        }
        Ok((
            vec![
                CapSegment {
                    from: debt.contract_date,
                    until: Some(last_old),
                    enforce: Some(old24.decimal()),
                    retain: Some(old36.decimal()),
                },
                CapSegment {
                    from: new_from_date.max(debt.contract_date),
                    until: None,
                    enforce: Some(cap_new),
                    retain: None,
                },
            ],
            format!(
                "民间借贷（{}前成立）：{}前 {}（已付超过{}可退）；之后 {}（起诉时LPR {} 的{}倍）",
                new_from_date,
                new_from_date,
                pct(old24.decimal()),
                pct(old36.decimal()),
                pct(cap_new),
                pct(lpr.one_year),
                mult.prose()
            ),
        ))
    }

    /// A case accepted before the new rules took effect is tried under the rules of its time
    /// as a whole (法释〔2020〕17号 第31条 governs only cases accepted after it): 24 % supported,
    /// interest paid between 24 % and 36 % kept, above 36 % returned (法释〔2015〕18号 第26条).
    fn private_old_whole(
        &mut self,
        debt: &Debt,
        dates: LegalDates,
        new_from: &yuqi_law::ParamAt,
    ) -> Result<(Vec<CapSegment>, String), LawError> {
        let l = law();
        let old24 = l.param("private_lending.old.enforceable_cap", dates.filing)?;
        let old36 = l.param("private_lending.old.void_above", dates.filing)?;
        let filed = if dates.filing_assumed {
            format!("假设起诉日 {}（未提供起诉日，按计算截止日）", dates.filing)
        } else {
            format!("起诉日 {}", dates.filing)
        };
        self.trace.push(
            TraceStep::new(
                "private_old_regime",
                format!(
                    "{filed}早于新规定施行日 {}：整个案件按当时的规定审理——年利率 {} 以内支持；{}–{} 之间已付的不退、未付的不支持；超过 {} 的已付部分可请求返还（冲抵本金）",
                    new_from.date(),
                    pct(old24.decimal()),
                    pct(old24.decimal()),
                    pct(old36.decimal()),
                    pct(old36.decimal())
                ),
            )
            .on(dates.filing)
            .param(TraceParam::legal(new_from, new_from.value, "新规定施行日"))
            .param(TraceParam::legal(&old24, pct(old24.decimal()), filed.clone()))
            .param(TraceParam::legal(&old36, pct(old36.decimal()), filed)),
        );
        Ok((
            vec![CapSegment {
                from: debt.contract_date,
                until: None,
                enforce: Some(old24.decimal()),
                retain: Some(old36.decimal()),
            }],
            format!(
                "民间借贷（{}前起诉，按当时的规定）：年利率 {} 以内支持，已付超过 {} 的部分可退",
                new_from.date(),
                pct(old24.decimal()),
                pct(old36.decimal())
            ),
        ))
    }

    /// A case accepted before the 2015 provisions took effect: the 1991 opinion on lending cases
    /// (法(民)发〔1991〕21号 第6条) — interest not above four times the bank's rate for loans of
    /// the same kind, read by the courts as the PBoC benchmark lending rate of the loan's term.
    /// Primary: the benchmark in force on the contract date; the rate in force at filing is a
    /// disputed alternative when it differs. The opinion only says the excess "is not protected":
    /// paid excess is not reopened in the primary result, offset on request in the alternative
    /// the caller adds (retain = none, as under the current rules).
    fn private_1991(
        &mut self,
        debt: &Debt,
        dates: LegalDates,
        old_from: NaiveDate,
    ) -> Result<(Vec<CapSegment>, String), LawError> {
        let l = law();
        let months = term_months(debt);
        let term = if debt.no_term { BenchmarkTerm::UpToSixMonths } else { BenchmarkTerm::from_months(months) };
        let bench = l.bank_benchmark_for(debt.contract_date, term)?;
        let mult = l.param("private_lending.1991.bank_rate_multiple", dates.filing.max(debt.contract_date))?;
        let cap = bench.rate * mult.decimal();
        let filed = if dates.filing_assumed {
            format!("假设起诉日 {}（未提供起诉日，按计算截止日）", dates.filing)
        } else {
            format!("起诉日 {}", dates.filing)
        };
        let old_from_zh = old_from.format("%Y年%-m月%-d日");
        self.trace.push(
            TraceStep::new(
                "private_1991_regime",
                format!(
                    "{filed}早于{old_from_zh}（2015年民间借贷规定施行日）：按1991年《关于人民法院审理借贷案件的若干意见》第6条，利率最高不得超过银行同类贷款利率的{}倍（包含利率本数），超出部分的利息不予保护",
                    mult.prose()
                ),
            )
            .on(dates.filing)
            .param(TraceParam::legal(&mult, mult.value, filed.clone())),
        );
        let term_text = if debt.no_term {
            "没有约定还款期限，按六个月以内一档".to_string()
        } else {
            format!("借款期限 {months} 个月，属于“{}”一档", term.label_zh())
        };
        self.trace.push(
            TraceStep::new(
                "private_1991_benchmark_choice",
                format!(
                    "{term_text}；合同成立日 {} 有效的人民银行贷款基准利率为 {}（{} 起执行）；上限 = {} × {} = {}",
                    debt.contract_date,
                    pct(bench.rate),
                    bench.effective,
                    mult.decimal(),
                    pct(bench.rate),
                    pct(cap)
                ),
            )
            .on(debt.contract_date)
            .param(TraceParam::cited(
                "人民银行贷款基准利率",
                pct(bench.rate),
                Some(format!("合同成立日 {}，{}", debt.contract_date, term.label_zh())),
                bench.citation.clone(),
            )),
        );
        if dates.filing_assumed {
            self.findings.push(Finding::new(
                "filing_date_assumed",
                Severity::Info,
                "private_1991_regime",
                "按假设的起诉日计算",
                format!(
                    "未提供起诉日，本次按 {} 作为起诉日，适用{old_from_zh}前的规则（银行同类贷款利率的{}倍）。如果案件是在{old_from_zh}或以后起诉的，适用的规则不同，请在案例文件中填写 filing_date。",
                    dates.filing,
                    mult.prose()
                ),
            ));
        }
        // The alternative some courts used: the benchmark in force when the suit was filed.
        self.alt_1991 = None;
        if let Ok(at_filing) = l.bank_benchmark_for(dates.filing.max(debt.contract_date), term)
            && at_filing.rate != bench.rate
        {
            let alt = at_filing.rate * mult.decimal();
            self.alt_1991 = Some((
                vec![CapSegment { from: debt.contract_date, until: None, enforce: Some(alt), retain: None }],
                format!(
                    "1991年意见：按{filed}有效的基准利率 {}（{} 起执行）的{}倍 = {}",
                    pct(at_filing.rate),
                    at_filing.effective,
                    mult.prose(),
                    pct(alt)
                ),
            ));
        }
        Ok((
            vec![CapSegment { from: debt.contract_date, until: None, enforce: Some(cap), retain: None }],
            format!(
                "民间借贷（{old_from_zh}前起诉，按1991年意见）：合同成立时人民银行{}贷款基准利率 {} 的{}倍 = {}",
                term.label_zh(),
                pct(bench.rate),
                mult.prose(),
                pct(cap)
            ),
        ))
    }

    fn financial_segments(&mut self, debt: &Debt, dates: LegalDates) -> Result<(Vec<CapSegment>, String), LawError> {
        let policy = law().param_first("financial.judicial_combined_cap")?;
        if dates.filing.max(debt.contract_date) < policy.from {
            // Before the 2017 opinion courts had no combined cap for licensed lenders: the
            // contract's charges stood, penalty interest within the central bank's markup.
            self.trace.push(
                TraceStep::new(
                    "financial_before_policy",
                    format!(
                        "起诉日 {} 早于 {}（法发〔2017〕22号发布前）：当时没有“利息、罚息等总计不超过年利率{}”的司法政策，按合同约定计算（罚息仍受人民银行规定的上浮幅度限制）",
                        dates.filing,
                        policy.from,
                        policy.prose()
                    ),
                )
                .on(dates.filing)
                .param(TraceParam::legal(&policy, pct(policy.decimal()), format!("自 {} 起", policy.from))),
            );
            return Ok((
                vec![CapSegment { from: debt.contract_date, until: None, enforce: None, retain: None }],
                format!("金融借款（{} 前起诉）：当时没有总计上限，按合同约定", policy.from),
            ));
        }
        let p = law().param("financial.judicial_combined_cap", dates.filing.max(debt.contract_date))?;
        let cap = p.decimal();
        self.trace.push(
            TraceStep::new(
                "financial_combined_cap",
                format!(
                    "金融借款：利息、复利、罚息、违约金和其他费用总计超过年利率 {} 的部分，借款人可请求调减",
                    pct(cap)
                ),
            )
            .param(TraceParam::legal(
                &p,
                pct(cap),
                if dates.filing_assumed {
                    format!("假设起诉日 {}", dates.filing)
                } else {
                    format!("起诉日 {}", dates.filing)
                },
            )),
        );
        Ok((
            vec![CapSegment { from: debt.contract_date, until: None, enforce: Some(cap), retain: None }],
            format!(
                "金融借款：利息、罚息、复利、违约金及其他费用总计不超过年利率{}（法发〔2017〕22号第2条，需借款人主张）",
                pct(cap)
            ),
        ))
    }
}

fn with_offset(mut segments: Vec<CapSegment>) -> Vec<CapSegment> {
    for s in &mut segments {
        if s.retain.is_none() {
            s.retain = s.enforce;
        }
    }
    segments
}

/// Builds the scenarios for one debt.
pub fn plan(debt: &Debt, dates: LegalDates) -> Result<CapPlan, LawError> {
    let mut b = Builder { trace: Vec::new(), findings: Vec::new(), lpr_unverified: false, alt_1991: None };
    let kind = debt.rate_kind();
    let classification = match debt.kind {
        LenderKind::Assignee => format!(
            "债权受让人（原债权人：{}，类型：{}）；利率规则按原债权类型判断",
            debt.original_lender.as_deref().unwrap_or("未填写"),
            kind.label_zh()
        ),
        _ => format!("出借人类型：{}", debt.kind_label_zh()),
    };
    b.trace.push(TraceStep::new(
        "lender_classification",
        format!(
            "{classification}；{}",
            if kind.is_financial_institution() {
                "属于金融机构，不适用民间借贷规定"
            } else if kind == LenderKind::Guarantor {
                "担保人代偿后的追偿，不适用民间借贷规定"
            } else {
                "适用民间借贷规定"
            }
        ),
    ));

    let mut scenarios = Vec::new();
    if let Some(j) = &debt.judgment {
        b.trace.push(TraceStep::new(
            "judgment_debt",
            format!("已有生效判决（{}）：按判决确定的数额计算，不再适用利率上限", j.effective),
        ));
        scenarios.push(Scenario {
            id: "judgment".into(),
            label: "按生效判决".into(),
            disputed: false,
            why: "判决已经确定了应还的数额和此后的利息；逾期履行另计加倍部分债务利息".into(),
            segments: vec![CapSegment { from: debt.contract_date, until: None, enforce: None, retain: None }],
        });
        return Ok(b.finish(scenarios, dates));
    }
    match kind {
        LenderKind::Private | LenderKind::Assignee => {
            let (segs, why) = b.private_segments(debt, dates)?;
            // Under the old rules a refund above 36 % is the law (a retain rate above the cap);
            // under the current ones the text is silent on what was paid and courts commonly,
            // not uniformly, offset it (docs/law/open-questions.md Q4).
            let current_rules = segs.iter().any(|s| s.retain.is_none());
            scenarios.push(Scenario {
                id: "private_4lpr_offset".into(),
                label: "民间借贷上限；你主张已付的超额利息冲抵本金".into(),
                disputed: current_rules,
                why: if current_rules {
                    format!("{why}。超过上限的利息不受法律保护；已付的超额部分，你主张后法院通常按付款当日冲抵本金（或返还），但做法并不完全一致")
                } else {
                    format!("{why}。已付超过旧规定返还线的部分，你可以请求返还或按付款当日冲抵本金")
                },
                segments: with_offset(segs.clone()),
            });
            scenarios.push(Scenario {
                id: "private_4lpr".into(),
                label: "民间借贷上限；你不主张冲抵时（已付的不再重算）".into(),
                disputed: false,
                why: format!("{why}。法院只对出借人现在还要的部分适用上限，你不提出时不会重算已经付过的钱；这不等于超额部分依法不退——主张冲抵或返还的结果见上一种算法"),
                segments: segs.into_iter().map(|s| CapSegment { retain: None, ..s }).collect(),
            });
            if let Some((segs, why)) = b.alt_1991.take() {
                scenarios.push(Scenario {
                    id: "private_1991_filing_rate".into(),
                    label: "按起诉时的银行基准利率计算四倍上限（部分法院）".into(),
                    disputed: true,
                    why: format!(
                        "{why}。1991年意见只说“银行同类贷款利率”，没有说按哪一天的利率；多数按借款时，也有法院按起诉时"
                    ),
                    segments: segs,
                });
            }
        }
        LenderKind::Guarantor => {
            scenarios.push(Scenario {
                id: "guarantor_recourse".into(),
                label: "担保人追偿：按约定或代偿时的一年期LPR".into(),
                disputed: false,
                why: "担保人代偿后向你追偿，不是民间借贷，不适用民间借贷的利率上限；追偿利息有约定按约定，没有约定按代偿时的一年期LPR".into(),
                segments: vec![CapSegment { from: debt.contract_date, until: None, enforce: None, retain: None }],
            });
        }
        LenderKind::Unlicensed => {
            b.trace.push(TraceStep::new(
                "unlicensed_void",
                "出借人无放贷资格而以营利为目的向社会不特定对象放贷：合同无效，利息不受保护，借款人返还实际收到的本金（已付款项全部冲抵本金）",
            ));
            scenarios.push(Scenario {
                id: "void".into(),
                label: "合同无效：只还实际到手本金".into(),
                disputed: false,
                why: match (
                    law().param_prose("criminal.illegal_lending_window_years", dates.as_of),
                    law().param_prose("criminal.illegal_lending_min_loans", dates.as_of),
                ) {
                    (Ok(years), Ok(loans)) => format!("民间借贷规定第13条：职业放贷人的借贷合同无效。是否构成职业放贷需法院认定（一般以{years}年内向不特定多人放贷{loans}次以上为参考）"),
                    _ => "民间借贷规定第13条：职业放贷人的借贷合同无效。是否构成职业放贷需法院认定".to_string(),
                },
                segments: vec![CapSegment { from: debt.contract_date, until: None, enforce: Some(Decimal::ZERO), retain: Some(Decimal::ZERO) }],
            });
            let (segs, why) = b.private_segments(debt, dates)?;
            scenarios.push(Scenario {
                id: "private_4lpr_offset".into(),
                label: "若不认定为职业放贷：按民间借贷上限".into(),
                disputed: true,
                why,
                segments: with_offset(segs),
            });
        }
        LenderKind::Bank | LenderKind::ConsumerFinance | LenderKind::CreditCard | LenderKind::Microloan => {
            let (segs, why) = b.financial_segments(debt, dates)?;
            let microloan = kind == LenderKind::Microloan;
            let uncapped = segs.iter().all(|s| s.enforce.is_none());
            // The same date financial_segments looks the cap up on.
            let cap = legal("financial.judicial_combined_cap", dates.filing.max(debt.contract_date));
            let mult = legal("private_lending.lpr_multiple", dates.filing.max(debt.contract_date));
            scenarios.push(Scenario {
                id: "financial_24".into(),
                label: if uncapped {
                    "金融借款：当时没有总计上限，按合同约定".to_string()
                } else {
                    format!("金融借款{cap}总计上限；只调减尚未支付的部分（已付的不再重算）")
                },
                disputed: microloan,
                why: if microloan {
                    format!("{why}。小额贷款公司适用哪条上限，法律没有明确规定，法院做法不一")
                } else {
                    why.clone()
                },
                segments: segs.clone(),
            });
            // Without a cap nothing paid is above it: no offsetting alternative.
            if !uncapped {
                scenarios.push(Scenario {
                    id: "financial_24_offset".into(),
                    // Named as every report names the second figure (`audit::IfOffset`).
                    label: format!("金融借款{cap}总计上限；{}", crate::audit::IF_OFFSET_ZH),
                    disputed: true,
                    why: format!("{why}。已付超额部分能否冲抵本金，法律没有明确规定，法院做法不一"),
                    segments: with_offset(segs),
                });
            }
            if microloan {
                b.findings.push(Finding::new(
                    "cap_disputed_microloan",
                    Severity::Info,
                    "microloan_cap_disputed",
                    "小额贷款公司适用的利率上限有争议",
                    format!(
                        "主要结果按金融借款{cap}总计上限计算；部分法院参照民间借贷{mult}倍LPR，结果另列于“其他算法”。"
                    ),
                ));
                let (psegs, pwhy) = b.private_segments(debt, dates)?;
                scenarios.push(Scenario {
                    id: "private_4lpr_offset".into(),
                    label: format!("参照民间借贷{mult}倍LPR（部分法院）"),
                    disputed: true,
                    why: pwhy,
                    segments: with_offset(psegs),
                });
            }
        }
    }

    // An assignee of a financial lender that is not a licensed AMC: whether it may
    // keep the financial-institution rate is unsettled (docs/law/open-questions.md Q3).
    if debt.kind == LenderKind::Assignee {
        let amc = debt.assignee_kind == Some(AssigneeKind::Amc);
        if kind.is_financial_institution() && !amc {
            let (segs, why) = b.private_segments(debt, dates)?;
            if let Some(primary) = scenarios.first_mut() {
                primary.disputed = true;
            }
            scenarios.push(Scenario {
                id: "assignee_private_4lpr_offset".into(),
                label: "受让人按民间借贷上限（部分法院）".into(),
                disputed: true,
                why: format!("{why}。非金融机构受让人能否主张原金融机构的利率，法院观点不一"),
                segments: with_offset(segs),
            });
            b.findings.push(Finding::new(
                "cap_disputed_assignee",
                Severity::Info,
                "assignee_rate_disputed",
                "受让人适用的利率上限有争议",
                format!(
                    "债权由非持牌资产管理公司受让：主要结果按原债权人类型计算，另列按民间借贷{}倍LPR的结果。你对原债权人的一切抗辩（时效、利率上限、已还款项）都可以向受让人主张。",
                    legal("private_lending.lpr_multiple", dates.filing.max(debt.contract_date))
                ),
            ));
        }
    }

    if b.lpr_unverified {
        b.findings.push(Finding::new(
            "lpr_unverified",
            Severity::Info,
            "lpr_lookup",
            "LPR数据未核实到该日期",
            format!(
                "随附的LPR表核实至 {}；之后的日期按最近一次公布值推定未变。请到全国银行间同业拆借中心网站核对。",
                law().lpr(dates.as_of).map(|l| l.last_verified.to_string()).unwrap_or_default()
            ),
        ));
    }

    Ok(b.finish(scenarios, dates))
}

impl Builder {
    /// The plan: the scenarios, the primary one's caps as the headline.
    fn finish(self, scenarios: Vec<Scenario>, dates: LegalDates) -> CapPlan {
        let primary = scenarios.first();
        let headline_rate = primary
            .and_then(|s| s.segments.iter().rev().find(|seg| seg.from <= dates.as_of).or(s.segments.first()))
            .and_then(|seg| seg.enforce);
        let contract_rate_cap = primary.and_then(|s| s.segments.first()).and_then(|seg| seg.enforce);
        let headline_basis = primary.map(|s| s.why.clone()).unwrap_or_default();
        CapPlan {
            scenarios,
            headline_rate,
            contract_rate_cap,
            headline_basis,
            trace: self.trace,
            findings: self.findings,
        }
    }
}
