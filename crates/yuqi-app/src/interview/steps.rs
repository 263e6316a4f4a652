//! The order of the questions: which are asked depends on earlier answers (an instalment loan
//! is asked for its instalments, a one-off loan for its due amount, the rate only when neither
//! is known; a credit card for its balance and the due date missed, never a loan's contract).

use super::answers::{Answers, DebtAnswers, UNKNOWN, known};

/// A question about one debt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Q {
    App,
    Kind,
    Lender,
    Date,
    Principal,
    Received,
    Repay,
    Installments,
    Once,
    /// One repayment: rolled over (展期) for a fee, how often.
    Rollover,
    Rate,
    Paid,
    Stopped,
    Demand,
    /// A credit card: what is owed now or on the last statement.
    Balance,
    /// A credit card: the last payment after the default.
    LastPaid,
}

impl Q {
    const ALL: [Q; 16] = [
        Q::App,
        Q::Kind,
        Q::Lender,
        Q::Date,
        Q::Principal,
        Q::Received,
        Q::Repay,
        Q::Installments,
        Q::Once,
        Q::Rollover,
        Q::Rate,
        Q::Paid,
        Q::Stopped,
        Q::Demand,
        Q::Balance,
        Q::LastPaid,
    ];

    fn slug(self) -> &'static str {
        match self {
            Q::App => "app",
            Q::Kind => "kind",
            Q::Lender => "lender",
            Q::Date => "date",
            Q::Principal => "principal",
            Q::Received => "received",
            Q::Repay => "repay",
            Q::Installments => "installments",
            Q::Once => "once",
            Q::Rollover => "rollover",
            Q::Rate => "rate",
            Q::Paid => "paid",
            Q::Stopped => "stopped",
            Q::Demand => "demand",
            Q::Balance => "balance",
            Q::LastPaid => "last-paid",
        }
    }
}

/// One screen of the interview.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    Debt(usize, Q),
    More,
    Income,
    Expenses,
    Available,
    Court,
    CourtDebt,
    CourtDate,
    Messages,
    Review,
}

impl Step {
    /// The step's name in the page address (`d0-app`, `income`, `review`).
    pub fn slug(self) -> String {
        match self {
            Step::Debt(i, q) => format!("d{i}-{}", q.slug()),
            Step::More => "more".into(),
            Step::Income => "income".into(),
            Step::Expenses => "expenses".into(),
            Step::Available => "available".into(),
            Step::Court => "court".into(),
            Step::CourtDebt => "court-debt".into(),
            Step::CourtDate => "court-date".into(),
            Step::Messages => "messages".into(),
            Step::Review => "review".into(),
        }
    }

    pub fn parse(s: &str) -> Option<Step> {
        if let Some(rest) = s.strip_prefix('d')
            && let Some((i, q)) = rest.split_once('-')
            && let Ok(i) = i.parse::<usize>()
        {
            return Q::ALL.iter().find(|x| x.slug() == q).map(|q| Step::Debt(i, *q));
        }
        Some(match s {
            "more" => Step::More,
            "income" => Step::Income,
            "expenses" => Step::Expenses,
            "available" => Step::Available,
            "court" => Step::Court,
            "court-debt" => Step::CourtDebt,
            "court-date" => Step::CourtDate,
            "messages" => Step::Messages,
            "review" => Step::Review,
            _ => return None,
        })
    }
}

fn debt_steps(i: usize, d: &DebtAnswers, out: &mut Vec<Step>) {
    use Q::*;
    if d.is_card() {
        // A cardholder knows what the bank's app says he owes and when he stopped paying; he
        // has no "day the money arrived" or "amount lent" to give.
        out.extend([App, Kind, Lender, Balance, Stopped, LastPaid, Demand].map(|q| Step::Debt(i, q)));
        return;
    }
    out.extend([App, Kind, Lender, Date, Principal, Received, Repay].map(|q| Step::Debt(i, q)));
    let rate_needed = match d.repay.as_deref() {
        Some("once") => {
            out.push(Step::Debt(i, Once));
            d.due_amount.as_deref() == Some(UNKNOWN)
        }
        Some(UNKNOWN) => true,
        _ => {
            out.push(Step::Debt(i, Installments));
            d.amount.as_deref() == Some(UNKNOWN)
        }
    };
    if rate_needed {
        out.push(Step::Debt(i, Rate));
    }
    // A loan due at once is often rolled over for a fee (展期) instead of repaid: the due date
    // moves, and what he paid for it is money paid to the lender.
    if d.repay.as_deref() == Some("once") {
        out.push(Step::Debt(i, Rollover));
    }
    out.extend([Paid, Stopped, Demand].map(|q| Step::Debt(i, q)));
}

impl Answers {
    /// The screens, in order, as far as the answers so far decide them.
    pub fn steps(&self) -> Vec<Step> {
        let mut out = Vec::new();
        if self.debts.is_empty() {
            debt_steps(0, &DebtAnswers::default(), &mut out);
        }
        for (i, d) in self.debts.iter().enumerate() {
            debt_steps(i, d, &mut out);
        }
        out.extend([Step::More, Step::Income, Step::Expenses, Step::Available, Step::Court]);
        if self.court.as_deref() == Some("yes") {
            if self.debts.len() > 1 {
                out.push(Step::CourtDebt);
            }
            out.push(Step::CourtDate);
        }
        out.extend([Step::Messages, Step::Review]);
        out
    }

    /// Whether a screen has its answer.
    pub fn is_answered(&self, step: Step) -> bool {
        let d = |i: usize| self.debts.get(i);
        match step {
            Step::Debt(i, q) => d(i).is_some_and(|d| {
                match q {
                    Q::App => &d.app,
                    Q::Kind => &d.kind,
                    Q::Lender => &d.lender,
                    Q::Date => &d.date,
                    Q::Principal => &d.principal,
                    Q::Received => &d.received,
                    Q::Repay => &d.repay,
                    Q::Installments => &d.count,
                    Q::Once => &d.days,
                    Q::Rollover => &d.rollovers,
                    Q::Rate => &d.rate,
                    Q::Paid => &d.paid,
                    Q::Stopped => &d.stopped,
                    Q::Demand => &d.demand,
                    Q::Balance => &d.balance,
                    Q::LastPaid => &d.last_paid,
                }
                .is_some()
            }),
            Step::More => self.no_more,
            Step::Income => self.income.is_some(),
            Step::Expenses => self.expenses.is_some(),
            Step::Available => self.available.is_some(),
            Step::Court => self.court.is_some(),
            Step::CourtDebt => self.court_debt.is_some(),
            Step::CourtDate => self.court_date.is_some(),
            Step::Messages => self.messages.is_some(),
            Step::Review => false,
        }
    }

    /// Where a returning borrower continues: the first screen without an answer.
    pub fn next(&self) -> Step {
        self.steps().into_iter().find(|s| !self.is_answered(*s)).unwrap_or(Step::Review)
    }

    /// The screen before `step`, for the back link.
    pub fn previous(&self, step: Step) -> Option<Step> {
        let steps = self.steps();
        let at = steps.iter().position(|s| *s == step)?;
        at.checked_sub(1).map(|i| steps[i])
    }

    /// Where a screen is, as the borrower is told: the part of the interview (a loan, his
    /// situation, the messages, the review) and the screen's number within it. The whole
    /// interview's length grows with every loan he adds, and a bar that jumps back from two
    /// thirds to two fifths tells a frightened person the end keeps moving away.
    pub fn stage(&self, step: Step) -> (String, usize, usize) {
        let label = self.part_of(step);
        let same: Vec<Step> = self.steps().into_iter().filter(|s| self.part_of(*s) == label).collect();
        let k = same.iter().position(|s| *s == step).map_or(1, |i| i + 1);
        (label, k, same.len().max(1))
    }

    /// The part of the interview a screen belongs to, as the borrower is told it ("还有别的借款吗"
    /// closes the last loan's part).
    fn part_of(&self, step: Step) -> String {
        match step {
            Step::Debt(i, _) => format!("第{}笔借款", i + 1),
            Step::More => format!("第{}笔借款", self.debts.len().max(1)),
            Step::Income | Step::Expenses | Step::Available | Step::Court | Step::CourtDebt | Step::CourtDate => {
                "你的情况".to_string()
            }
            Step::Messages => "催收短信".to_string(),
            Step::Review => "核对".to_string(),
        }
    }

    /// Whether `step` is a screen of these answers (an address from an old bookmark may not be).
    /// Before any debt exists, [`Answers::steps`] already lists the first debt's screens.
    pub fn has_step(&self, step: Step) -> bool {
        self.steps().contains(&step)
    }

    /// The name the borrower gave a debt, for headings ("第2笔（极速钱包）").
    pub fn debt_label(&self, i: usize) -> String {
        match self.debts.get(i).and_then(|d| known(&d.app)) {
            Some(app) => format!("第{}笔借款（{app}）", i + 1),
            None => format!("第{}笔借款", i + 1),
        }
    }
}
