//! The pipeline itself: pure, one function.

use chrono::NaiveDate;
use yuqi_conduct::Message;
use yuqi_docs::{Contact, EvidenceIndex, Inputs};

use crate::{AppError, Dates, EvidenceSnapshot, World};

pub use yuqi_docs::DebtParts as DebtResult;

/// Everything a case's computation starts from, already read by the shell.
#[derive(Debug, Clone)]
pub struct CaseInput {
    pub case: yuqi_case::Case,
    /// The evidence store's state, when the case has a store.
    pub evidence: Option<EvidenceSnapshot>,
    /// Messages from outside the store (a messages file), analysed as their own conversation.
    pub messages: Vec<Message<'static>>,
}

/// A computed case: the case as analysed (confirmed demands merged), and every result.
#[derive(Debug, Clone)]
pub struct Computed {
    pub case: yuqi_case::Case,
    pub audit: yuqi_ledger::CaseAudit,
    pub timeline: yuqi_timeline::CaseTimeline,
    pub plan: yuqi_plan::Plan,
    pub contacts: Vec<Contact>,
    pub evidence: Option<EvidenceIndex>,
    /// Listed evidence items, oldest first (empty without a store).
    pub items: Vec<yuqi_store::ListedItem>,
    /// The dates the computation used.
    pub as_of: NaiveDate,
    pub dates: Dates,
}

impl Computed {
    /// What letters and the dossier are built from.
    pub fn inputs(&self) -> Inputs<'_> {
        Inputs {
            case: &self.case,
            audit: &self.audit,
            timeline: &self.timeline,
            plan: &self.plan,
            contacts: &self.contacts,
            evidence: self.evidence.as_ref(),
            today: self.dates.written(),
        }
    }

    /// Each debt with its audit, timeline and plan, paired by id, in the case file's order.
    pub fn debts(&self) -> Vec<DebtResult<'_>> {
        self.inputs().debts()
    }

    /// What the conduct analyzer needs to know about the case to judge case-level conduct
    /// (a demand above the lawful amount, a lawsuit threatened on a time-barred debt, a
    /// creditor nobody was told about).
    pub fn conduct_context(&self) -> yuqi_conduct::case::CaseContext {
        let expired: Vec<_> = self
            .timeline
            .debts
            .iter()
            .map(|d| match d.limitation.status {
                yuqi_timeline::limitation::Status::Expired { expired_on } => Some(expired_on),
                _ => None,
            })
            .collect();
        yuqi_conduct::case::CaseContext {
            // A debt whose balance is unknown is in no total: a demand cannot be judged above
            // the case's lawful total when part of it is missing.
            supported_total: self.case.unknown_balance.is_empty().then(|| self.audit.totals.supported_total.to_yuan()),
            // A time-barred threat needs every debt of the case to be barred when the
            // message cannot be tied to one debt.
            limitation_expired_on: if expired.iter().all(Option::is_some) {
                expired.into_iter().flatten().max()
            } else {
                None
            },
            notified_creditors: self
                .timeline
                .debts
                .iter()
                .filter_map(|d| d.assignment.as_ref())
                .flat_map(|a| a.chain.iter().filter(|l| l.binding.effective_from().is_some()).map(|l| l.to.clone()))
                .collect(),
        }
    }
}

/// Every input-caused reason the pipeline would stop on at these dates, found without
/// computing: the ledger's, the timeline's and the plan's checks together (`yuqi check`, the
/// web form and [`compute`] all use this).
pub fn validate(case: &yuqi_case::Case, dates: &Dates) -> Vec<yuqi_ledger::InputError> {
    let as_of = dates.as_of_for(case);
    let mut problems = yuqi_ledger::validate(case, yuqi_ledger::AuditOptions { as_of, filing_date: dates.filing_date });
    problems.extend(yuqi_timeline::validate(case, as_of));
    problems.extend(yuqi_plan::validate(case, as_of));
    problems
}

/// Reads the input through `world` and computes it.
pub fn run(world: &dyn World, dates: Dates) -> Result<Computed, AppError> {
    let input = CaseInput { case: world.case()?, evidence: world.evidence()?, messages: world.messages()? };
    compute(input, dates)
}

/// The whole pipeline: confirmed demands merged into their debts → audit → timeline → collection
/// contacts (case notes, the store's messages, other messages) and evidence index → plan.
pub fn compute(input: CaseInput, dates: Dates) -> Result<Computed, AppError> {
    let CaseInput { mut case, evidence, messages } = input;
    if let Some(ev) = &evidence {
        for c in &ev.confirmed {
            let Some(debt) = case.debts.iter_mut().find(|d| d.id == c.debt) else {
                return Err(AppError::UnknownConfirmedDebt { proposal: c.proposal.clone(), debt: c.debt.clone() });
            };
            debt.events.push(c.event.clone());
        }
    }
    let problems = validate(&case, &dates);
    if !problems.is_empty() {
        return Err(yuqi_ledger::InputErrors(problems).into());
    }
    let as_of = dates.as_of_for(&case);
    // The audit falls back to the case file's filing date itself.
    let audit = yuqi_ledger::audit_case(&case, yuqi_ledger::AuditOptions { as_of, filing_date: dates.filing_date })?;
    let timeline = yuqi_timeline::analyse_case(&case, &audit).map_err(AppError::Timeline)?;
    let mut contacts = yuqi_docs::contacts::from_case(&case);
    let (index, items) = match evidence {
        Some(ev) => {
            // The store's messages are one conversation, a messages file another: frequency
            // and night rules count within each.
            let (messages, at) = ev.messages();
            let mut stored = yuqi_docs::contacts::from_messages(&messages, &case);
            // One contact per message, in order: mark the ones read off a screenshot, and settle
            // what the borrower judged himself (letters carry his word, not the analyzer's).
            for (c, at) in stored.iter_mut().zip(at) {
                c.read_from_image = at.image;
                c.evidence_seq = Some(at.seq);
                for j in ev.judgments.iter().filter(|j| j.item == at.seq) {
                    if let Some(code) = yuqi_conduct::Code::parse(&j.code) {
                        c.judge(code, j.verdict == yuqi_store::Verdict::Confirmed);
                    }
                }
            }
            contacts.extend(stored);
            (Some(ev.index()), ev.items)
        }
        None => (None, Vec::new()),
    };
    if !messages.is_empty() {
        contacts.extend(yuqi_docs::contacts::from_messages(&messages, &case));
    }
    // What the messages show belongs in "what to do now" as much as the case file's notes.
    let rule_breaking = contacts.iter().any(|c| c.incoming && !c.hits.is_empty());
    let plan = yuqi_plan::plan_case_with(&case, &audit, &timeline, rule_breaking)?;
    Ok(Computed { case, audit, timeline, plan, contacts, evidence: index, items, as_of, dates })
}
