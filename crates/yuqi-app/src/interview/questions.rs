//! What each screen asks, in the words a borrower uses, and what it offers as the answer.

use super::answers::{Answers, NONE_PAID, UNKNOWN, known};
use super::steps::{Q, Step};

/// One screen's question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    /// Whose question, e.g. "第1笔借款（极速钱包）"; empty for the questions about the borrower.
    pub about: String,
    pub title: String,
    /// One or two sentences: why it is asked, where to find the answer.
    pub help: String,
    pub fields: Vec<Field>,
    /// Whether "不记得" is offered.
    pub unknown: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The form field's name.
    pub name: &'static str,
    pub label: String,
    pub kind: FieldKind,
    /// What the field shows: the answer given, or the triage's hint.
    pub value: String,
    pub placeholder: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    Money,
    Date,
    Count,
    /// One button per choice (a tap answers the question).
    Choice(Vec<Choice>),
    /// A select among choices, beside other fields.
    Select(Vec<Choice>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

fn choice(value: &str, label: &str) -> Choice {
    Choice { value: value.into(), label: label.into() }
}

fn shown(v: &Option<String>) -> String {
    known(v).unwrap_or_default().to_string()
}

fn one(name: &'static str, kind: FieldKind, value: String, placeholder: &str) -> Vec<Field> {
    vec![Field { name, label: String::new(), kind, value, placeholder: placeholder.into() }]
}

/// The kinds of lender, in the borrower's words, with the case file's kind each stands for.
pub(super) const KINDS: [(&str, &str); 6] = [
    ("app", "手机App借的网贷（小额贷款公司）"),
    ("cf", "消费金融公司（名字里有“消费金融”）"),
    ("bank", "银行的贷款"),
    ("card", "信用卡"),
    ("short", "7天、14天就要还的短期App（“714”“高炮”）"),
    ("private", "向个人借的钱（打了借条）"),
];

impl Answers {
    /// The question on `step`'s screen.
    pub fn question(&self, step: Step) -> Question {
        let none = Vec::new;
        let (about, title, help, fields, unknown): (String, &str, String, Vec<Field>, bool) = match step {
            Step::Debt(i, q) => {
                let d = self.debts.get(i).cloned().unwrap_or_default();
                let about = self.debt_label(i);
                match q {
                    Q::App => (about, "这笔钱是在哪个App或平台借的？", "写App的名字就行，例如“极速钱包”。信用卡写银行名。".into(), one("value", FieldKind::Text, shown(&d.app), "App或平台名称"), true),
                    Q::Kind => (about, "这是哪一种借款？", "不同的出借方，法律允许收的利息不一样。不确定就点“不记得”，按最常见的网贷算。".into(), one("value", FieldKind::Choice(KINDS.iter().map(|(v, l)| choice(v, l)).collect()), shown(&d.kind), ""), true),
                    // A card's lender is the bank; his answer to the first question (信用卡写银行名) is
                    // offered, never taken as the answer.
                    Q::Lender if d.is_card() => (about, "是哪家银行的信用卡？", "写银行的名字，例如“招商银行”，信用卡正面和银行App上都有。写信时要用。".into(), one("value", FieldKind::Text, if d.lender.is_some() { shown(&d.lender) } else { shown(&d.app) }, "例如 招商银行"), true),
                    Q::Lender => (about, "合同上的出借方叫什么？", "在App的“借款合同”“借款协议”里，一般是某某小额贷款有限公司、某某银行。写信时要用。".into(), one("value", FieldKind::Text, shown(&d.lender), "例如 某某小额贷款有限公司"), true),
                    Q::Date => (about, "哪天借的（钱到账那天）？", "看银行卡的到账短信或App的借款记录。只记得月份也可以，写成 2024-06。".into(), one("value", FieldKind::Date, shown(&d.date), "例如 2024-06-10 或 2024年6月"), true),
                    Q::Principal => (about, "合同或借款页面上写借了多少钱？", "App借款页面上的“借款金额”，单位是元。".into(), one("value", FieldKind::Money, shown(&d.principal), "例如 10000"), true),
                    Q::Received => (about, "实际打到你银行卡上的是多少钱？", "看银行卡的到账短信。被先扣掉的“服务费”“保险费”不算你借到的钱（这叫砍头息）。".into(), one("value", FieldKind::Money, shown(&d.received), "例如 9000"), true),
                    Q::Repay => (about, "这笔钱是怎么还的？", "看App里的还款计划。".into(), one("value", FieldKind::Choice(vec![choice("installments", "分期，每期还一次"), choice("once", "到期一次还清（比如7天、14天、一个月后还）")]), shown(&d.repay), ""), true),
                    Q::Installments => (about, "每期要还多少钱？一共几期？", "看App里的还款计划或账单。不记得的那一项空着。".into(), vec![
                        Field { name: "amount", label: "每期还（元）".into(), kind: FieldKind::Money, value: shown(&d.amount), placeholder: "例如 945.60".into() },
                        Field { name: "count", label: "一共几期".into(), kind: FieldKind::Count, value: shown(&d.count), placeholder: "例如 12".into() },
                        Field { name: "period", label: "多久还一期".into(), kind: FieldKind::Select(vec![choice("month", "每月"), choice("week", "每周"), choice("14d", "每两周")]), value: d.period.clone().unwrap_or_else(|| "month".into()), placeholder: String::new() },
                    ], true),
                    Q::Once => (about, "借几天？到期要还多少钱？", "例如“7天后还3000元”。不记得的那一项空着。".into(), vec![
                        Field { name: "days", label: "借几天".into(), kind: FieldKind::Count, value: shown(&d.days), placeholder: "例如 7".into() },
                        Field { name: "due_amount", label: "到期要还（元）".into(), kind: FieldKind::Money, value: shown(&d.due_amount), placeholder: "例如 3000".into() },
                    ], true),
                    Q::Rollover => (about, "到期时交过“展期费”，让还款日往后推吗？", "有的App到期还不上时，让你先交一笔“展期费”（也叫“续期费”），还款日就往后推几天。没展期过，次数写 0。不记得的那一项空着。".into(), vec![
                        Field { name: "count", label: "展期了几次".into(), kind: FieldKind::Count, value: shown(&d.rollovers), placeholder: "例如 3，没有写 0".into() },
                        Field { name: "fee", label: "每次交多少展期费（元）".into(), kind: FieldKind::Money, value: shown(&d.rollover_fee), placeholder: "例如 300".into() },
                    ], true),
                    Q::Rate => (about, "合同或App上写的利率是多少？", "例如“年化24%”“日息万分之五”“月息2分”。不知道就点“不记得”：没法核算利息，结果会说明。".into(), one("value", FieldKind::Text, shown(&d.rate), "例如 年化24%"), true),
                    Q::Paid => if d.repay.as_deref() == Some("installments") {
                        (about, "已经还了几期？", "按时还上的期数；一期都没还写 0。".into(), one("value", FieldKind::Count, shown(&d.paid), "例如 2"), true)
                    } else {
                        (about, "一共已经还过多少钱？", "包括“展期费”“续期费”，所有付给对方的钱都算。没还过写 0。".into(), one("value", FieldKind::Money, shown(&d.paid), "例如 2400"), true)
                    },
                    Q::Stopped if d.is_card() => (about, "从哪天开始没还上这张卡（连最低还款额也没还）？", "第一次没按时还的那期账单的“到期还款日”，银行App的账单里能查到。只记得月份也可以，写成 2026-09：按那个月的最后一天算。".into(), one("value", FieldKind::Date, shown(&d.stopped), "例如 2026-09-25 或 2026年9月"), true),
                    Q::Stopped if d.rolled_over().is_some() => (about, "哪天开始没按时还上？", "最后一次展期以后的还款日（那天没还上，也没再展期）。只记得月份就写 2025年9月。".into(), one("value", FieldKind::Date, shown(&d.stopped), "例如 2025-09-10 或 2025年9月"), true),
                    Q::Stopped => (about, "哪天开始没按时还上？", "第一次逾期的那天（应该还款却没还上的那天）。只记得月份就写 2025年9月。".into(), one("value", FieldKind::Date, shown(&d.stopped), "例如 2025-09-10 或 2025年9月"), true),
                    Q::Balance => (about, "这张信用卡现在一共欠多少钱？", "打开银行App看“账单”，写“欠款总额”或“本期应还金额”（里面已经有银行算的利息和违约金）；没有App就看最近一期的账单短信。单位是元。".into(), one("value", FieldKind::Money, shown(&d.balance), "例如 15000"), true),
                    Q::LastPaid => (about, "开始没还上以后，还往这张卡里还过钱吗？", "哪怕只还了一点也算：写最后一次还款的日期和金额（银行App的“还款记录”里有）。诉讼时效从最后一次还款后重新算，所以这个日期很重要。一次也没还过就空着，直接点“下一步”。".into(), vec![
                        Field { name: "date", label: "最后一次还款是哪天".into(), kind: FieldKind::Date, value: if d.last_paid.as_deref() == Some(NONE_PAID) { String::new() } else { shown(&d.last_paid) }, placeholder: "例如 2026-10-15".into() },
                        Field { name: "amount", label: "还了多少（元）".into(), kind: FieldKind::Money, value: shown(&d.last_amount), placeholder: "例如 500".into() },
                    ], true),
                    Q::Demand => (about, "催收现在说你欠多少钱？", "对方最近一次短信、电话或App里要求还的总数。".into(), one("value", FieldKind::Money, shown(&d.demand), "例如 5000"), true),
                }
            }
            Step::More => (String::new(), "还有别的借款吗？", "每一笔都录进来，才能算出你一共依法该还多少、先还哪一笔。".into(), one("value", FieldKind::Choice(vec![choice("yes", "还有，接着录下一笔"), choice("no", "没有了")]), String::new(), ""), false),
            Step::Income => (String::new(), "你每个月大概收入多少？", "工资、跑单收入都算，按最近几个月的平均。只用来算你每月能还多少，只保存在运行本工具的电脑上，不会发给任何人。".into(), one("value", FieldKind::Money, shown(&self.income), "例如 4500"), true),
            Step::Expenses => (String::new(), "每个月必须花的钱大概多少？", "房租、吃饭、交通、给家里的钱。".into(), one("value", FieldKind::Money, shown(&self.expenses), "例如 3500"), true),
            Step::Available => (String::new(), "每个月最多能拿出多少钱还债？", if self.hints.available.is_some() { "你在快速自查时填过，可以改。" } else { "不会影响吃饭、房租的数。" }.into(), one("value", FieldKind::Money, if self.available.is_some() { shown(&self.available) } else { self.hints.available.clone().unwrap_or_default() }, "例如 500"), true),
            Step::Court => (String::new(), "收到过法院的传票、起诉状，或者法院发的短信吗？", if self.court.is_none() && self.hints.court.is_some() { "你在快速自查时回答过，可以改。催收说“已经起诉”不算；要看是不是法院寄来或发来的。" } else { "催收说“已经起诉”不算；要看是不是法院寄来或发来的。" }.into(), one("value", FieldKind::Choice(vec![choice("yes", "收到过"), choice("no", "没有"), choice("unsure", "不确定")]), self.court.clone().or_else(|| self.hints.court.clone()).unwrap_or_default(), ""), false),
            Step::CourtDebt => (String::new(), "法院的材料是关于哪一笔借款的？", "看起诉状上的原告和借款金额。".into(), one("value", FieldKind::Choice((0..self.debts.len()).map(|i| choice(&i.to_string(), &self.debt_label(i))).collect()), shown(&self.court_debt), ""), true),
            Step::CourtDate => (String::new(), "哪天收到的法院材料？", "材料上有开庭日期和答辩期限，一定要按时去。".into(), one("value", FieldKind::Date, shown(&self.court_date), "例如 2026-11-20"), true),
            Step::Messages => (String::new(), "把催收发的短信或微信粘贴进来", "在手机短信或微信里长按消息、复制，再粘贴到下面；可以一次粘贴很多条，每条之间空一行。发给家人、同事的，请他们截图或转发给你。没有可以跳过，以后在“催收消息”里也能加。".into(), none(), false),
            Step::Review => (String::new(), "核对你的回答", "点任何一项可以修改。没问题就看结果。".into(), none(), false),
        };
        Question { about, title: title.to_string(), help, fields, unknown }
    }

    /// Every answer given, for the review screen: (screen, question, answer as shown).
    pub fn review(&self) -> Vec<(Step, String, String)> {
        self.steps()
            .into_iter()
            .filter(|s| self.is_answered(*s) && !matches!(s, Step::More | Step::Messages | Step::Review))
            .map(|s| {
                // The review groups the answers under each debt's name: the question alone.
                let q = self.question(s);
                (s, q.title.clone(), self.shown_answer(s, &q))
            })
            .collect()
    }

    fn shown_answer(&self, step: Step, q: &Question) -> String {
        let label_of = |f: &Field| match &f.kind {
            FieldKind::Choice(cs) | FieldKind::Select(cs) => {
                cs.iter().find(|c| c.value == f.value).map_or_else(|| f.value.clone(), |c| c.label.clone())
            }
            // He may have typed the unit himself ("5000元", "4200块"): 元 is said once.
            FieldKind::Money if !f.value.is_empty() => {
                let v = f.value.trim();
                format!("{} 元", v.strip_suffix(['元', '块']).map_or(v, str::trim_end))
            }
            _ => f.value.clone(),
        };
        let parts: Vec<String> = q
            .fields
            .iter()
            .map(|f| {
                let v = label_of(f);
                let v = if v.is_empty() { UNKNOWN.to_string() } else { v };
                // "每期还（元）" asks in yuan; the answer already says 元 ("每期还：1000 元").
                let label = match f.kind {
                    FieldKind::Money => f.label.strip_suffix("（元）").unwrap_or(&f.label),
                    _ => &f.label,
                };
                if label.is_empty() { v } else { format!("{label}：{v}") }
            })
            .collect();
        let all_unknown = match step {
            // No rollover asks no fee: "每次交多少展期费：不记得" would put words in his mouth.
            // (`Answers::set` leaves the fee unasked, None, exactly when he answered 0 times.)
            Step::Debt(i, Q::Rollover)
                if self.debts.get(i).is_some_and(|d| {
                    d.rollover_fee.is_none() && d.rollovers.as_deref().is_some_and(|n| n != UNKNOWN)
                }) =>
            {
                return "没展期过".to_string();
            }
            Step::Debt(i, Q::Rollover) => self
                .debts
                .get(i)
                .is_some_and(|d| d.rollovers.as_deref() == Some(UNKNOWN) && d.rollover_fee.as_deref() == Some(UNKNOWN)),
            Step::Debt(i, Q::Installments) => self
                .debts
                .get(i)
                .is_some_and(|d| d.count.as_deref() == Some(UNKNOWN) && d.amount.as_deref() == Some(UNKNOWN)),
            Step::Debt(i, Q::LastPaid) => match self.debts.get(i).and_then(|d| d.last_paid.as_deref()) {
                Some(NONE_PAID) => return "没还过".to_string(),
                other => other == Some(UNKNOWN),
            },
            _ => false,
        };
        if parts.is_empty() || all_unknown { UNKNOWN.to_string() } else { parts.join("，") }
    }
}
