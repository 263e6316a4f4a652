//! The limitation period (诉讼时效) of one debt, step by step (docs/law/limitation.md): when it starts, every act that interrupts it, suspension in its last
//! six months, the 2017 transition from two years, the 20-year cut-off, and what
//! the debtor's own acts after expiry do to the defence.

use chrono::NaiveDate;
use serde::Serialize;
use yuqi_case::{Debt, EventKind, LenderKind};
use yuqi_law::{LawError, chinese_count, law};
use yuqi_ledger::trace::{TraceParam, TraceStep};

use crate::acts::{Act, ActKind};
use crate::period::{PeriodEnd, period_end};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Status {
    /// The period has not started (the last instalment is not yet due, or a
    /// debt without a term has not been demanded).
    NotStarted {
        starts: Option<NaiveDate>,
    },
    Running {
        expires: NaiveDate,
        days_left: i64,
    },
    /// Expired: the debtor has a defence, but only if pleaded at first instance.
    Expired {
        expired_on: NaiveDate,
    },
    /// The debtor agreed to pay or paid after expiry: the defence is gone and a
    /// new period runs from that act (practice).
    Lost {
        forfeited_on: NaiveDate,
        by: String,
        new_expiry: NaiveDate,
    },
    /// A suit (or payment order, enforcement) is pending: the period is interrupted
    /// and restarts when the proceeding ends.
    InLitigation {
        since: NaiveDate,
    },
    /// A judgment: what matters now is the 2-year enforcement period.
    Judgment {
        performance_deadline: NaiveDate,
        enforcement_deadline: NaiveDate,
        enforcement_applied: Option<NaiveDate>,
    },
    /// An obstacle in the last six months suspends the period until it ends.
    Suspended {
        since: NaiveDate,
    },
    /// More than 20 years since the harm: not protected.
    BeyondTwentyYears {
        since: NaiveDate,
    },
}

impl Status {
    pub fn label_zh(&self) -> String {
        match self {
            Status::NotStarted { starts: Some(d) } => format!("尚未起算（{d} 起算）"),
            Status::NotStarted { starts: None } => "尚未起算".to_string(),
            Status::Running { expires, days_left } => format!("进行中，{expires} 届满（还有 {days_left} 天）"),
            Status::Expired { expired_on } => format!("已于 {expired_on} 届满"),
            Status::Lost { forfeited_on, .. } => format!("届满后于 {forfeited_on} 放弃了时效抗辩"),
            Status::InLitigation { since } => format!("已于 {since} 进入诉讼程序"),
            Status::Judgment { enforcement_deadline, .. } => {
                format!("已有生效裁判，申请执行期限至 {enforcement_deadline}")
            }
            Status::Suspended { since } => format!("自 {since} 起中止"),
            Status::BeyondTwentyYears { since } => {
                format!("自 {since} 起超过{}最长保护期", years_zh("limitation.absolute_years", *since))
            }
        }
    }
}

/// `二十年`: a number of years from the law data for the date, in the numerals the sentence uses.
fn years_zh(id: &str, on: NaiveDate) -> String {
    law().param_prose_zh(id, on).map_or_else(|_| "法定".to_string(), |n| format!("{n}年"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    Starts,
    Interrupts,
    BeforeStart,
    NotReached,
    AfterExpiry,
    Forfeits,
    Suspends,
    ProceedingStarts,
    ProceedingEnds,
    Judgment,
    EnforcementApplied,
    NoEffect,
}

impl Effect {
    pub fn label_zh(self) -> &'static str {
        match self {
            Effect::Starts => "时效起算",
            // The number of years is the law data's; this label is static, so it names the period.
            Effect::Interrupts => "中断：诉讼时效期间重新计算",
            Effect::BeforeStart => "发生在起算前，不影响时效",
            Effect::NotReached => "未到达你，不中断",
            Effect::AfterExpiry => "发生在届满后，不能使时效恢复",
            Effect::Forfeits => "届满后同意履行：丧失时效抗辩",
            Effect::Suspends => "中止：障碍消除后再满六个月届满",
            Effect::ProceedingStarts => "进入诉讼/执行程序，时效中断",
            Effect::ProceedingEnds => "程序终结，时效重新计算",
            Effect::Judgment => "裁判生效，转入申请执行期限",
            Effect::EnforcementApplied => "申请执行，执行期限中断",
            Effect::NoEffect => "不影响时效",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    pub date: NaiveDate,
    pub label: String,
    pub effect: Effect,
    pub effect_label: &'static str,
    /// The period's last day after this step, when it changed.
    pub expires_after: Option<NaiveDate>,
    pub rule: &'static str,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Limitation {
    /// `primary`, `acceleration` or `card_terminated`.
    pub id: &'static str,
    pub label: String,
    pub disputed: bool,
    pub start: Option<NaiveDate>,
    pub start_rule: &'static str,
    pub steps: Vec<Step>,
    pub expiry: Option<PeriodEnd>,
    pub status: Status,
    pub absolute_cutoff: Option<NaiveDate>,
    pub warnings: Vec<String>,
    pub trace: Vec<TraceStep>,
}

struct Params {
    three_from: NaiveDate,
    years: u32,
    old_years: u32,
    tail_months: u32,
    window_months: u32,
    absolute_years: u32,
    enforcement_years: u32,
}

fn whole(p: &yuqi_law::ParamAt) -> u32 {
    u32::try_from(p.decimal().trunc().mantissa()).unwrap_or(0)
}

fn params(as_of: NaiveDate, trace: &mut Vec<TraceStep>) -> Result<Params, LawError> {
    let l = law();
    let on = as_of.max(NaiveDate::from_ymd_opt(2017, 10, 1).unwrap_or(as_of));
    let three_from = l.param("limitation.three_years_from", on)?;
    let years = l.param("limitation.general_years", on)?;
    let old_years = l.param("limitation.old_general_years", on)?;
    let tail = l.param("limitation.suspension_tail_months", on)?;
    let window = l.param("limitation.suspension_window_months", on)?;
    let absolute = l.param("limitation.absolute_years", on)?;
    let enforcement = l.param("enforcement.application_years", on)?;
    trace.push(
        TraceStep::new("limitation_period", format!("诉讼时效期间 {} 年", years.value)).param(TraceParam::legal(
            &years,
            format!("{} 年", years.value),
            "现行规定",
        )),
    );
    Ok(Params {
        three_from: three_from.date(),
        years: whole(&years),
        old_years: whole(&old_years),
        tail_months: whole(&tail),
        window_months: whole(&window),
        absolute_years: whole(&absolute),
        enforcement_years: whole(&enforcement),
    })
}

impl Params {
    /// The end of a period that (re)started on `anchor`, with the 2017 transition:
    /// a two-year period that had already run out before the three-year rule took
    /// effect stays expired; one still running then gets three years.
    fn expiry_of(&self, anchor: NaiveDate) -> (PeriodEnd, Option<String>) {
        if anchor < self.three_from {
            let old = period_end(anchor, self.old_years * 12);
            if old.end < self.three_from {
                return (
                    old,
                    Some(format!(
                        "按民法通则 {} 年时效，在民法总则施行（{}）前已届满",
                        self.old_years, self.three_from
                    )),
                );
            }
            return (
                period_end(anchor, self.years * 12),
                Some(format!(
                    "民法总则施行（{}）时 {} 年时效尚未届满，适用 {} 年",
                    self.three_from, self.old_years, self.years
                )),
            );
        }
        (period_end(anchor, self.years * 12), None)
    }
}

/// Inputs computed elsewhere (schedule and overdue date come from the ledger).
#[derive(Debug, Clone, Copy)]
pub struct Dates {
    /// Due date of the last instalment (or maturity).
    pub last_due: NaiveDate,
    /// First day any amount was overdue (the harm, for the 20-year cut-off).
    pub first_default: Option<NaiveDate>,
    pub instalments: usize,
    pub as_of: NaiveDate,
}

/// The primary limitation and the alternatives docs/law/open-questions.md marks as unsettled.
pub fn analyse(debt: &Debt, acts: &[Act], dates: Dates) -> Result<Vec<Limitation>, LawError> {
    let mut out = Vec::new();
    let (start, start_rule, label) = if debt.no_term {
        // 时效规定 4: from the end of the grace period after the first demand, or the
        // debtor's explicit refusal at that demand.
        let first = acts.iter().find(|a| (a.kind == ActKind::Demand && a.reached) || a.kind == ActKind::Refusal);
        (
            first.map(|a| a.date),
            "limitation_no_term_start",
            "未约定还款期限：自首次催要（及合理宽限期）或明确拒绝之日起算".to_string(),
        )
    } else if dates.instalments > 1 {
        (
            Some(dates.last_due),
            "limitation_instalment_start",
            format!("分期还款：自最后一期到期日 {} 起算", dates.last_due),
        )
    } else {
        (Some(dates.last_due), "limitation_period", format!("自到期日 {} 起算", dates.last_due))
    };
    out.push(compute("primary", label, false, start, start_rule, acts, dates)?);

    if let Some(acc) = acts.iter().find(|a| a.kind == ActKind::Acceleration && a.reached && a.date < dates.last_due) {
        out.push(compute(
            "acceleration",
            format!("若自宣布提前到期（{}）起算", acc.date),
            true,
            Some(acc.date),
            "limitation_acceleration",
            acts,
            dates,
        )?);
    }
    if debt.rate_kind() == LenderKind::CreditCard
        && let Some(t) = acts.iter().find(|a| a.kind == ActKind::CardTerminated)
    {
        out.push(compute(
            "card_terminated",
            format!("若自停卡日（{}）起算", t.date),
            true,
            Some(t.date),
            "limitation_credit_card_start",
            acts,
            dates,
        )?);
    }
    Ok(out)
}

#[allow(clippy::too_many_lines)]
fn compute(
    id: &'static str,
    label: String,
    disputed: bool,
    start: Option<NaiveDate>,
    start_rule: &'static str,
    acts: &[Act],
    dates: Dates,
) -> Result<Limitation, LawError> {
    let mut trace = Vec::new();
    let p = params(dates.as_of, &mut trace)?;
    let as_of = dates.as_of;
    let mut steps = Vec::new();
    let mut warnings = Vec::new();

    let Some(start) = start else {
        trace.push(TraceStep::new(start_rule, "尚未有催要或拒绝的记录，时效尚未起算"));
        return Ok(Limitation {
            id,
            label,
            disputed,
            start: None,
            start_rule,
            steps,
            expiry: None,
            status: Status::NotStarted { starts: None },
            absolute_cutoff: None,
            warnings,
            trace,
        });
    };

    let (mut expiry, transition) = p.expiry_of(start);
    steps.push(Step {
        date: start,
        label: label.clone(),
        effect: Effect::Starts,
        effect_label: Effect::Starts.label_zh(),
        expires_after: Some(expiry.end),
        rule: start_rule,
    });
    trace.push(TraceStep::new(start_rule, format!("{label}；期间自次日开始计算")).on(start));
    if let Some(t) = &transition {
        trace.push(TraceStep::new("limitation_transition_2017", t.clone()).on(start));
    }
    trace.push(
        TraceStep::new("limitation_period_arithmetic", format!("届满日：{}", expiry.explanation())).on(expiry.end),
    );

    let mut lost: Option<(NaiveDate, String)> = None;
    let mut litigation: Option<NaiveDate> = None;
    let mut judgment: Option<(NaiveDate, PeriodEnd)> = None;
    let mut enforcement_applied: Option<NaiveDate> = None;
    let mut suspended: Option<NaiveDate> = None;

    let push =
        |steps: &mut Vec<Step>, a: &Act, effect: Effect, expires_after: Option<NaiveDate>, rule: &'static str| {
            steps.push(Step {
                date: a.date,
                label: a.label.clone(),
                effect,
                effect_label: effect.label_zh(),
                expires_after,
                rule,
            });
        };

    for a in acts.iter().filter(|a| a.date <= as_of) {
        // After a judgment only the enforcement period matters.
        if let Some((deadline, enf_end)) = judgment.as_mut() {
            let deadline = *deadline;
            if a.event == Some(EventKind::EnforcementApplied) && a.date <= enf_end.end && a.date >= deadline {
                enforcement_applied.get_or_insert(a.date);
                push(&mut steps, a, Effect::EnforcementApplied, None, "enforcement_period");
            } else if a.kind == ActKind::Demand && a.reached && a.date <= enf_end.end && a.date > deadline {
                // Interruption rules apply to the enforcement period too (民诉法 250).
                *enf_end = period_end(a.date, p.enforcement_years * 12);
                push(&mut steps, a, Effect::Interrupts, Some(enf_end.end), "enforcement_period");
            } else {
                push(&mut steps, a, Effect::NoEffect, None, "enforcement_period");
            }
            continue;
        }
        match a.kind {
            ActKind::Other | ActKind::Acceleration | ActKind::CardTerminated | ActKind::Refusal => {
                push(&mut steps, a, Effect::NoEffect, None, start_rule);
            }
            ActKind::Judgment => {
                let deadline = a.deadline.unwrap_or(a.date);
                let enf = period_end(deadline, p.enforcement_years * 12);
                push(&mut steps, a, Effect::Judgment, Some(enf.end), "enforcement_period");
                trace.push(
                    TraceStep::new(
                        "enforcement_period",
                        format!("履行期限 {deadline} 届满后，申请执行期限至 {}", enf.explanation()),
                    )
                    .on(deadline),
                );
                litigation = None;
                judgment = Some((deadline, enf));
            }
            ActKind::ProceedingEnded => {
                if litigation.take().is_some() {
                    let restart = a.end.unwrap_or(a.date);
                    (expiry, _) = p.expiry_of(restart);
                    push(
                        &mut steps,
                        a,
                        Effect::ProceedingEnds,
                        Some(expiry.end),
                        "limitation_interruption_proceedings",
                    );
                } else {
                    push(&mut steps, a, Effect::NoEffect, None, "limitation_interruption_proceedings");
                }
            }
            ActKind::Obstacle => {
                let window_start =
                    expiry.end.checked_sub_months(chrono::Months::new(p.window_months)).unwrap_or(expiry.end);
                let ends = a.end;
                if a.date <= expiry.end && ends.is_none_or(|e| e >= window_start) {
                    match ends {
                        Some(e) => {
                            let tail = period_end(e, p.tail_months);
                            if tail.end > expiry.end {
                                expiry = tail;
                            }
                            push(&mut steps, a, Effect::Suspends, Some(expiry.end), "limitation_suspension");
                        }
                        None => {
                            suspended = Some(a.date.max(window_start));
                            push(&mut steps, a, Effect::Suspends, None, "limitation_suspension");
                        }
                    }
                } else {
                    push(&mut steps, a, Effect::NoEffect, None, "limitation_suspension");
                }
            }
            _ if a.date <= start => push(&mut steps, a, Effect::BeforeStart, None, start_rule),
            _ if litigation.is_some() => {
                push(&mut steps, a, Effect::NoEffect, None, "limitation_interruption_proceedings")
            }
            kind => {
                let rule = match kind {
                    ActKind::Demand | ActKind::AutoDebit | ActKind::PublicNotice => "limitation_interruption_demand",
                    ActKind::AssignmentNotice | ActKind::AssignmentNoticeByAssignee => {
                        "limitation_interruption_assignment"
                    }
                    ActKind::Proceeding => "limitation_interruption_proceedings",
                    _ => "limitation_interruption_debtor",
                };
                let debtor_voluntary =
                    matches!(kind, ActKind::DebtorAgreement) || (kind == ActKind::Payment && a.voluntary);
                if kind == ActKind::Demand && !a.reached {
                    push(&mut steps, a, Effect::NotReached, None, rule);
                } else if a.date <= expiry.end {
                    if kind == ActKind::Proceeding
                        && matches!(
                            a.event,
                            Some(EventKind::LawsuitFiled | EventKind::PaymentOrder | EventKind::EnforcementApplied)
                        )
                        && a.end.is_none()
                    {
                        litigation = Some(a.date);
                        push(&mut steps, a, Effect::ProceedingStarts, None, rule);
                    } else {
                        let restart = if kind == ActKind::Proceeding { a.end.unwrap_or(a.date) } else { a.date };
                        (expiry, _) = p.expiry_of(restart);
                        push(&mut steps, a, Effect::Interrupts, Some(expiry.end), rule);
                    }
                } else if debtor_voluntary && lost.is_none() {
                    (expiry, _) = p.expiry_of(a.date);
                    lost = Some((a.date, a.label.clone()));
                    push(&mut steps, a, Effect::Forfeits, Some(expiry.end), "limitation_waiver");
                    trace.push(
                        TraceStep::new(
                            "limitation_waiver",
                            format!(
                                "时效届满后于 {}（{}）：不得再以时效届满抗辩；新的时效期间自该日起算，至 {}",
                                a.date, a.label, expiry.end
                            ),
                        )
                        .on(a.date),
                    );
                } else {
                    push(&mut steps, a, Effect::AfterExpiry, None, rule);
                }
            }
        }
    }

    // Show the history in date order (the start step was pushed first).
    steps.sort_by_key(|s| s.date);

    // The 20-year cut-off from the harm (the first default).
    let harm = dates.first_default.unwrap_or(start);
    let absolute = period_end(harm, p.absolute_years * 12);
    trace.push(
        TraceStep::new(
            "limitation_absolute",
            format!("自权利受损（首次逾期 {harm}）起{}年，至 {}", chinese_count(p.absolute_years), absolute.end),
        )
        .on(harm),
    );

    let days_left = (expiry.end - as_of).num_days();
    let status = if let Some((deadline, enf)) = &judgment {
        Status::Judgment { performance_deadline: *deadline, enforcement_deadline: enf.end, enforcement_applied }
    } else if let Some(since) = litigation {
        Status::InLitigation { since }
    } else if as_of <= start {
        Status::NotStarted { starts: Some(start) }
    } else if as_of > absolute.end {
        Status::BeyondTwentyYears { since: absolute.end }
    } else if let Some(since) = suspended {
        Status::Suspended { since }
    } else if let Some((on, by)) = &lost {
        if as_of <= expiry.end {
            Status::Lost { forfeited_on: *on, by: by.clone(), new_expiry: expiry.end }
        } else {
            Status::Expired { expired_on: expiry.end }
        }
    } else if as_of <= expiry.end {
        Status::Running { expires: expiry.end, days_left }
    } else {
        Status::Expired { expired_on: expiry.end }
    };

    match &status {
        Status::Running { expires, days_left } => {
            if *days_left <= 183 {
                warnings
                    .push(format!("时效将在 {days_left} 天后（{expires}）届满。对方很可能在此之前加紧催收或起诉。"));
            }
            warnings.push(format!(
                "在 {expires} 之前：你的任何还款、还款承诺、分期或延期申请、在催收单上签字，都会让{}年从那天重新计算；对方的催收短信、信件只要到达你，也会重新计算。", chinese_count(p.years)
            ));
        }
        Status::Expired { expired_on } => {
            warnings.push(format!(
                "时效已于 {expired_on} 届满。从现在起：不要承诺还款，不要部分还款，不要申请分期，不要在任何催收通知上签字——任何一项都会让你失去时效抗辩，且已付的钱不能要回。"
            ));
            warnings.push("对方此后再发催收短信、打电话，都不会让已经届满的时效恢复。".to_string());
            warnings.push("如果被起诉：法院不会主动审查时效，你必须在一审答辩时明确提出“诉讼时效已届满”的抗辩；二审才提一般不被支持。".to_string());
        }
        Status::Lost { forfeited_on, new_expiry, .. } => {
            warnings.push(format!(
                "时效届满后，你于 {forfeited_on} 同意还款或还了款，已不能再以时效届满抗辩。新的时效期间（实践做法）至 {new_expiry}。"
            ));
        }
        Status::InLitigation { since } => {
            warnings.push(format!("对方已于 {since} 起诉（或申请支付令/执行）。请立即查看法院文书中的答辩期限；如时效在起诉前已届满，须在一审中提出时效抗辩。"));
        }
        Status::Judgment { enforcement_deadline, enforcement_applied: None, .. } => {
            warnings.push(format!("已有生效裁判：对方须在 {enforcement_deadline} 前申请强制执行。"));
        }
        Status::NotStarted { starts: Some(d) } => {
            warnings.push(format!("最后一期尚未到期，时效自 {d} 起算。"));
        }
        Status::BeyondTwentyYears { since } => {
            warnings.push(format!(
                "自权利受损起已超过{}年（{since}），法院原则上不予保护。",
                chinese_count(p.absolute_years)
            ));
        }
        _ => {}
    }
    if expiry.holidays_unknown && matches!(status, Status::Running { .. }) {
        warnings.push(format!(
            "{} 年的法定节假日安排未收录，届满日只按周末顺延；请以国务院公布的当年安排为准。",
            chrono::Datelike::year(&expiry.raw)
        ));
    }

    Ok(Limitation {
        id,
        label,
        disputed,
        start: Some(start),
        start_rule,
        steps,
        expiry: Some(expiry),
        status,
        absolute_cutoff: Some(absolute.end),
        warnings,
        trace,
    })
}
