//! TOML → [`Case`], with every problem located.
//!
//! Two phases: serde reads the file into "raw" structs whose leaves are spanned
//! TOML values (so syntax errors, unknown keys and wrong nesting come out of the
//! TOML parser with positions), then [`Cx`] converts each leaf into a typed value,
//! collecting every semantic problem with the span of the value that caused it.

use std::ops::Range;
use std::path::Path;
use std::str::FromStr;

use chrono::{Months, NaiveDate};
use serde::Deserialize;
use toml::{Spanned, Value};
use yuqi_money::{Decimal, Money, RateInput, RatePer};

use crate::channel::Channel;
use crate::error::{CaseError, CaseErrors, CaseSpans, DebtSpans};
use crate::model::*;

type Field = Option<Spanned<Value>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    version: Field,
    case: Option<Spanned<RawCase>>,
    person: Option<Spanned<RawPerson>>,
    screen: Option<Spanned<RawScreen>>,
    #[serde(default)]
    debt: Vec<Spanned<RawDebt>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScreen {
    false_identity: Field,
    fake_documents: Field,
    absconded: Field,
    hid_assets: Field,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvent {
    date: Field,
    kind: Field,
    channel: Field,
    by: Field,
    reached: Field,
    reached_date: Field,
    end: Field,
    deadline: Field,
    amount: Field,
    note: Field,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAssignment {
    date: Field,
    from: Field,
    to: Field,
    to_kind: Field,
    notice_by: Field,
    notice_reached: Field,
    notice_channel: Field,
    pilot: Field,
    note: Field,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCredit {
    reported: Field,
    prior_notice: Field,
    settled: Field,
    overdue_start: Field,
    overdue_amount: Field,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    title: Field,
    as_of: Field,
    filing_date: Field,
    note: Field,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPerson {
    name: Field,
    city: Field,
    phone: Field,
    monthly_income: Field,
    essential_expenses: Field,
    dependants: Field,
    savings: Field,
    address: Field,
    id_number: Field,
    hardship: Field,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDebt {
    id: Field,
    lender: Field,
    kind: Field,
    platform: Field,
    original_lender: Field,
    original_kind: Field,
    assignee_kind: Field,
    contract_date: Field,
    principal: Field,
    received: Field,
    rate: Field,
    method: Field,
    periods: Field,
    period: Field,
    first_due: Field,
    no_term: Field,
    note: Field,
    #[serde(default)]
    schedule: Vec<Spanned<RawScheduleRow>>,
    #[serde(default)]
    event: Vec<Spanned<RawEvent>>,
    #[serde(default)]
    assignment: Vec<Spanned<RawAssignment>>,
    credit: Option<Spanned<RawCredit>>,
    #[serde(default)]
    fee: Vec<Spanned<RawFee>>,
    overdue: Option<Spanned<RawOverdue>>,
    #[serde(default)]
    payment: Vec<Spanned<RawPayment>>,
    demand: Option<Spanned<RawDemand>>,
    card: Option<Spanned<RawCard>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScheduleRow {
    due: Field,
    principal: Field,
    interest: Field,
    fees: Field,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFee {
    name: Field,
    kind: Field,
    amount: Field,
    percent: Field,
    timing: Field,
    payee: Field,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOverdue {
    rate: Field,
    markup: Field,
    compound: Field,
    penalty: Field,
    late_fee: Field,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPayment {
    date: Field,
    amount: Field,
    note: Field,
    to: Field,
    auto_debit: Field,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDemand {
    date: Field,
    amount: Field,
    by: Field,
    principal: Field,
    interest: Field,
    overdue: Field,
    fees: Field,
    other: Field,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCard {
    interest_on_fees: Field,
    installment_months: Field,
}

/// Reads and parses a case file from disk.
pub fn parse_case_file(path: &Path) -> Result<Case, CaseErrors> {
    let src = read_case_file(path)?;
    parse_case(&src, &path.display().to_string())
}

/// Reads a case file's text. A file that is not UTF-8 (often a GBK file saved by an older
/// Windows editor) is reported at the first bad byte, with its line and column, so the user
/// can find it; a file that cannot be read is reported in Chinese.
pub fn read_case_file(path: &Path) -> Result<String, CaseErrors> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| {
        let why = match e.kind() {
            std::io::ErrorKind::NotFound => "文件不存在，请检查路径和文件名".to_string(),
            std::io::ErrorKind::PermissionDenied => "没有读取该文件的权限".to_string(),
            std::io::ErrorKind::IsADirectory => "这是一个文件夹，不是文件".to_string(),
            _ => format!("系统错误（{e}）"),
        };
        CaseErrors(vec![CaseError::whole_file(&name, format!("无法读取案例文件：{why}"))])
    })?;
    String::from_utf8(bytes).map_err(|e| CaseErrors(vec![not_utf8(&name, e.as_bytes(), e.utf8_error())]))
}

/// The error for bytes that are not UTF-8, placed at the first bad byte. The bytes before it
/// are valid, so the lossy text counts lines and columns exactly as the original; the source
/// line shows the bad bytes as �.
fn not_utf8(file: &str, bytes: &[u8], e: std::str::Utf8Error) -> CaseError {
    let offset = e.valid_up_to();
    CaseError::at(
        file,
        &String::from_utf8_lossy(bytes),
        offset,
        format!(
            "文件不是 UTF-8 编码：第 {} 个字节（从 1 数起）无法识别。常见原因是文件以 GBK/ANSI 编码保存；请用文本编辑器把它另存为 UTF-8 编码后重试。",
            offset + 1
        ),
    )
}

/// Parses case-file text; `file` is the name used in error messages.
pub fn parse_case(src: &str, file: &str) -> Result<Case, CaseErrors> {
    parse_raw(src, file).map(|(case, _)| case)
}

/// Parses case-file text and also returns where its dates stand, so that checks made after
/// parsing (the ledger's [`crate::CaseField`]s) can be reported with file, line and column.
pub fn parse_case_spanned(src: &str, file: &str) -> Result<(Case, CaseSpans), CaseErrors> {
    let (case, raw) = parse_raw(src, file)?;
    let (case_table, as_of, filing_date) = match &raw.case {
        Some(c) => (
            Some(c.span()),
            c.get_ref().as_of.as_ref().map(Spanned::span),
            c.get_ref().filing_date.as_ref().map(Spanned::span),
        ),
        None => (None, None, None),
    };
    // Parsing succeeded, so every debt has a string id and the debts are in file order.
    let debts =
        raw.debt
            .iter()
            .zip(&case.debts)
            .map(|(r, d)| {
                let r_ref = r.get_ref();
                let first_due =
                    r_ref.first_due.as_ref().map(Spanned::span).or_else(|| {
                        r_ref.schedule.first().and_then(|row| row.get_ref().due.as_ref().map(Spanned::span))
                    });
                DebtSpans {
                    id: d.id.clone(),
                    table: r.span(),
                    contract_date: r_ref.contract_date.as_ref().map(Spanned::span),
                    first_due,
                }
            })
            .collect();
    Ok((case, CaseSpans { file: file.to_string(), src: src.to_string(), case_table, as_of, filing_date, debts }))
}

fn parse_raw(src: &str, file: &str) -> Result<(Case, RawFile), CaseErrors> {
    let mut cx = Cx { file, src, errors: Vec::new() };
    let raw: RawFile = match toml::from_str(src) {
        Ok(raw) => raw,
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            cx.err(span, translate_toml_message(e.message()));
            return Err(CaseErrors(cx.errors));
        }
    };
    let case = cx.case(&raw);
    if cx.errors.is_empty() {
        Ok((case, raw))
    } else {
        cx.errors.sort_by_key(|e| (e.line, e.column));
        Err(CaseErrors(cx.errors))
    }
}

/// The TOML parser speaks English; translate the messages users meet most.
fn translate_toml_message(msg: &str) -> String {
    let msg = msg.trim();
    if let Some(rest) = msg.strip_prefix("unknown field ") {
        let (field, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let expected = expected.trim_start_matches("one of ");
        return format!("未知字段 {field}。此处可用的字段：{expected}");
    }
    if let Some(rest) = msg.strip_prefix("missing field ") {
        return format!("缺少字段 {rest}");
    }
    if msg.starts_with("invalid type") {
        return format!("类型不对：{msg}");
    }
    if msg.contains("duplicate key") {
        return format!("字段重复出现：{msg}");
    }
    format!("TOML 语法错误：{msg}（常见原因：中文引号“”代替了英文引号\"\"、漏了等号或引号未闭合）")
}

struct Cx<'a> {
    file: &'a str,
    src: &'a str,
    errors: Vec<CaseError>,
}

impl Cx<'_> {
    fn err(&mut self, span: Range<usize>, message: String) {
        self.errors.push(CaseError::at(self.file, self.src, span.start, message));
    }

    /// A required field: reports `缺少…` at `parent` when absent.
    fn req<T>(
        &mut self,
        field: &Field,
        parent: &Range<usize>,
        key: &str,
        what: &str,
        convert: impl FnOnce(&mut Self, &Spanned<Value>) -> Option<T>,
    ) -> Option<T> {
        match field {
            Some(v) => convert(self, v),
            None => {
                self.err(parent.clone(), format!("缺少字段 {key}（{what}）"));
                None
            }
        }
    }

    fn opt<T>(&mut self, field: &Field, convert: impl FnOnce(&mut Self, &Spanned<Value>) -> Option<T>) -> Option<T> {
        field.as_ref().and_then(|v| convert(self, v))
    }

    fn string(&mut self, v: &Spanned<Value>) -> Option<String> {
        match v.get_ref() {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Value::String(_) => {
                self.err(v.span(), "不能为空".to_string());
                None
            }
            other => {
                self.err(v.span(), format!("应为文字（加英文双引号），而不是 {}", describe(other)));
                None
            }
        }
    }

    fn money(&mut self, v: &Spanned<Value>) -> Option<Money> {
        let parsed = match v.get_ref() {
            Value::Integer(i) => i.checked_mul(100).map(Money::from_fen).ok_or_else(|| "金额过大".to_string()),
            // A TOML float prints back as the shortest decimal that reads as the
            // same float, which is what the user typed (9000.5 → "9000.5").
            Value::Float(f) if f.is_finite() => Money::from_str(&f.to_string()).map_err(|e| e.to_string()),
            Value::String(s) => Money::from_str(s).map_err(|e| e.to_string()),
            other => Err(format!("应为金额（如 9000 或 \"9000.00\"），而不是 {}", describe(other))),
        };
        match parsed {
            Ok(m) if m.is_negative() => {
                self.err(v.span(), "金额不能为负数".to_string());
                None
            }
            Ok(m) => Some(m),
            Err(msg) => {
                self.err(v.span(), msg);
                None
            }
        }
    }

    fn positive_money(&mut self, v: &Spanned<Value>) -> Option<Money> {
        let m = self.money(v)?;
        if m.is_zero() {
            self.err(v.span(), "金额必须大于零".to_string());
            return None;
        }
        Some(m)
    }

    fn date(&mut self, v: &Spanned<Value>) -> Option<NaiveDate> {
        let parsed = match v.get_ref() {
            Value::Datetime(dt) => match (dt.date, dt.time) {
                (Some(d), None) => NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day)),
                _ => None,
            },
            Value::String(s) => parse_date_text(s),
            _ => None,
        };
        if parsed.is_none() {
            self.err(v.span(), "应为日期，例如 2024-03-15（不加引号）或 \"2024年3月15日\"".to_string());
        }
        parsed
    }

    fn uint(&mut self, v: &Spanned<Value>, min: u32, max: u32) -> Option<u32> {
        match v.get_ref() {
            Value::Integer(i) if (i64::from(min)..=i64::from(max)).contains(i) => u32::try_from(*i).ok(),
            _ => {
                self.err(v.span(), format!("应为 {min} 到 {max} 之间的整数"));
                None
            }
        }
    }

    fn boolean(&mut self, v: &Spanned<Value>) -> Option<bool> {
        match v.get_ref() {
            Value::Boolean(b) => Some(*b),
            _ => {
                self.err(v.span(), "应为 true 或 false".to_string());
                None
            }
        }
    }

    /// `"5%"`, `"0.1%"` or a fraction like `0.05`.
    fn fraction(&mut self, v: &Spanned<Value>) -> Option<Decimal> {
        let parsed = match v.get_ref() {
            Value::Float(f) if f.is_finite() && *f >= 0.0 => Decimal::from_str(&f.to_string()).ok(),
            Value::String(s) => {
                let t = s.trim().replace('％', "%");
                t.strip_suffix('%')
                    .and_then(|n| Decimal::from_str(n.trim()).ok())
                    .map(|d| d / Decimal::ONE_HUNDRED)
                    .filter(|d| !d.is_sign_negative())
            }
            _ => None,
        };
        if parsed.is_none() {
            self.err(v.span(), "应为百分比，例如 \"5%\"（或小数 0.05）".to_string());
        }
        parsed
    }

    /// A rate: `"年化24%"`, `"日息万分之五"`, or `{ annual = "24%" }` / `{ monthly = 0.02 }` / `{ daily = "0.05%" }`.
    fn rate(&mut self, v: &Spanned<Value>) -> Option<RateInput> {
        match v.get_ref() {
            Value::String(s) => match RateInput::from_str(s) {
                Ok(r) => Some(r),
                Err(e) => {
                    self.err(v.span(), e.to_string());
                    None
                }
            },
            Value::Table(t) if t.len() == 1 => {
                let (key, value) = t.iter().next()?;
                let per = match key.as_str() {
                    "annual" | "year" => RatePer::Year,
                    "monthly" | "month" => RatePer::Month,
                    "daily" | "day" => RatePer::Day,
                    _ => {
                        self.err(v.span(), format!("利率表只能用 annual、monthly 或 daily，而不是 {key}"));
                        return None;
                    }
                };
                let value = Spanned::new(v.span(), value.clone());
                let fraction = self.fraction(&value)?;
                let mut r = RateInput::new(per, fraction);
                r.text = format!("{}（{}）", r.text, key);
                Some(r)
            }
            _ => {
                self.err(
                    v.span(),
                    "利率应写成文字，如 \"年化24%\"、\"月息2分\"、\"日息万分之五\"，或 { annual = \"24%\" }"
                        .to_string(),
                );
                None
            }
        }
    }

    fn choice<T>(&mut self, v: &Spanned<Value>, parse: impl Fn(&str) -> Option<T>, allowed: &str) -> Option<T> {
        let s = self.string(v)?;
        let parsed = parse(&s);
        if parsed.is_none() {
            self.err(v.span(), format!("无法识别“{s}”。可选：{allowed}"));
        }
        parsed
    }

    fn case(&mut self, raw: &RawFile) -> Case {
        if let Some(v) = &raw.version
            && !matches!(v.get_ref(), Value::Integer(1))
        {
            self.err(v.span(), "本版本的 yuqi 只支持 version = 1".to_string());
        }
        let (title, as_of, filing_date) = match &raw.case {
            Some(c) => {
                let c = c.get_ref();
                let title = self.opt(&c.title, Self::string).unwrap_or_default();
                let as_of = self.opt(&c.as_of, Self::date);
                let filing = self.opt(&c.filing_date, Self::date);
                let _ = self.opt(&c.note, Self::string);
                (title, as_of, filing)
            }
            None => (String::new(), None, None),
        };
        let person = match &raw.person {
            Some(p) => {
                let p = p.get_ref();
                Person {
                    name: self.opt(&p.name, Self::string).unwrap_or_default(),
                    city: self.opt(&p.city, Self::string),
                    phone: self.opt(&p.phone, Self::string),
                    monthly_income: self.opt(&p.monthly_income, Self::money),
                    essential_expenses: self.opt(&p.essential_expenses, Self::money),
                    dependants: self.opt(&p.dependants, |cx, v| cx.uint(v, 0, 50)),
                    savings: self.opt(&p.savings, Self::money),
                    address: self.opt(&p.address, Self::string),
                    id_number: self.opt(&p.id_number, Self::string),
                    hardship: self.opt(&p.hardship, Self::string),
                }
            }
            None => Person::default(),
        };
        let screen = match &raw.screen {
            Some(sc) => {
                let r = sc.get_ref();
                Screen {
                    false_identity: self.opt(&r.false_identity, Self::boolean),
                    fake_documents: self.opt(&r.fake_documents, Self::boolean),
                    absconded: self.opt(&r.absconded, Self::boolean),
                    hid_assets: self.opt(&r.hid_assets, Self::boolean),
                }
            }
            None => Screen::default(),
        };
        if raw.debt.is_empty() {
            self.err(0..0, "案例文件中没有任何借款（需要至少一个 [[debt]] 表）".to_string());
        }
        let mut debts: Vec<Debt> = Vec::new();
        for d in &raw.debt {
            if let Some(debt) = self.debt(d) {
                if debts.iter().any(|other| other.id == debt.id) {
                    let span = d.get_ref().id.as_ref().map_or(d.span(), Spanned::span);
                    self.err(span, format!("借款标识 id = \"{}\" 重复；每笔借款的 id 必须不同", debt.id));
                }
                debts.push(debt);
            }
        }
        if let Some(as_of) = as_of {
            for (raw_debt, debt) in raw.debt.iter().zip(&debts) {
                if debt.contract_date > as_of {
                    let span = raw_debt.get_ref().contract_date.as_ref().map_or(raw_debt.span(), Spanned::span);
                    self.err(span, format!("合同日期 {} 晚于计算截止日 as_of = {as_of}", debt.contract_date));
                }
            }
        }
        Case { title, as_of, filing_date, person, screen, debts }
    }

    fn debt(&mut self, sd: &Spanned<RawDebt>) -> Option<Debt> {
        let here = sd.span();
        let d = sd.get_ref();
        let errors_before = self.errors.len();
        let id = self.req(&d.id, &here, "id", "借款的简短标识，如 \"xjd\"", Self::string);
        if let (Some(id), Some(v)) = (&id, &d.id)
            && !id.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-')
        {
            self.err(v.span(), "id 只能包含字母、数字、下划线和连字符".to_string());
        }
        let lender = self.req(&d.lender, &here, "lender", "出借人名称", Self::string);
        let kind = self.req(&d.kind, &here, "kind", "出借人类型", |cx, v| {
            cx.choice(v, LenderKind::from_text, "bank, consumer_finance, microloan, credit_card, private, unlicensed, assignee（或 银行、消费金融、小贷、信用卡、个人、无资质、受让人）")
        });
        let platform = self.opt(&d.platform, Self::string);
        let original_lender = self.opt(&d.original_lender, Self::string);
        let original_kind = self.opt(&d.original_kind, |cx, v| {
            cx.choice(v, LenderKind::from_text, "bank, consumer_finance, microloan, credit_card, private, unlicensed")
        });
        let assignee_kind = self.opt(&d.assignee_kind, |cx, v| {
            cx.choice(
                v,
                |s| match s {
                    "amc" | "资产管理公司" | "AMC" => Some(AssigneeKind::Amc),
                    "other" | "其他" => Some(AssigneeKind::Other),
                    _ => None,
                },
                "amc（持牌资产管理公司）, other（其他）",
            )
        });
        if kind == Some(LenderKind::Assignee) && original_kind.is_none() {
            self.err(
                here.clone(),
                "kind = \"assignee\" 时请写明 original_kind（原债权人类型，如 \"microloan\"）".to_string(),
            );
        }
        if original_kind == Some(LenderKind::Assignee) {
            let span = d.original_kind.as_ref().map_or(here.clone(), Spanned::span);
            self.err(span, "original_kind 应为最初放款人的类型，不能是 assignee".to_string());
        }
        let contract_date = self.req(&d.contract_date, &here, "contract_date", "合同成立/放款日期", Self::date);
        let principal = self.req(&d.principal, &here, "principal", "合同或借条上写的本金", Self::positive_money);
        let received = match &d.received {
            Some(v) => self.positive_money(v),
            None => principal,
        };
        if let (Some(p), Some(r), Some(v)) = (principal, received, &d.received)
            && r > p
        {
            self.err(v.span(), format!("实际到手金额 {r} 大于合同本金 {p}；请核对"));
        }
        let (rate, rate_missing) = match &d.rate {
            Some(v) => (self.rate(v), false),
            None => (Some(RateInput::annual(Decimal::ZERO)), true),
        };

        let repayment = self.repayment(d, &here, contract_date);
        let fees = d.fee.iter().filter_map(|f| self.fee(f)).collect::<Vec<_>>();
        let overdue = match &d.overdue {
            Some(o) => self.overdue(o),
            None => Some(OverdueTerms::default()),
        };
        let mut payments = Vec::new();
        for p in &d.payment {
            let (pspan, rp) = (p.span(), p.get_ref());
            let date = self.req(&rp.date, &pspan, "date", "还款日期", Self::date);
            let amount = self.req(&rp.amount, &pspan, "amount", "还款金额", Self::positive_money);
            let note = self.opt(&rp.note, Self::string).unwrap_or_default();
            let to = self.opt(&rp.to, Self::string);
            let auto_debit = self.opt(&rp.auto_debit, Self::boolean).unwrap_or(false);
            if let (Some(date), Some(cd), Some(v)) = (date, contract_date, &rp.date)
                && date < cd
            {
                self.err(v.span(), format!("还款日期 {date} 早于合同日期 {cd}"));
            }
            if let (Some(date), Some(amount)) = (date, amount) {
                payments.push(Payment { date, amount, note, to, auto_debit });
            }
        }
        payments.sort_by_key(|p| p.date);
        let demand = d.demand.as_ref().and_then(|dm| {
            let (dspan, r) = (dm.span(), dm.get_ref());
            let amount = self.req(&r.amount, &dspan, "amount", "对方要求还款的总额", Self::money);
            let date = self.opt(&r.date, Self::date);
            let by = self.opt(&r.by, Self::string);
            let breakdown = DemandBreakdown {
                principal: self.opt(&r.principal, Self::money),
                interest: self.opt(&r.interest, Self::money),
                overdue: self.opt(&r.overdue, Self::money),
                fees: self.opt(&r.fees, Self::money),
                other: self.opt(&r.other, Self::money),
            };
            let parts = [breakdown.principal, breakdown.interest, breakdown.overdue, breakdown.fees, breakdown.other];
            if let Some(total) = amount
                && parts.iter().all(Option::is_some)
            {
                let sum: Money = parts.iter().flatten().sum();
                if sum != total {
                    self.err(dspan.clone(), format!("催收金额明细之和 {sum} 与总额 amount = {total} 不一致"));
                }
            }
            amount.map(|amount| Demand { date, amount, by, breakdown })
        });
        let card = d.card.as_ref().map(|c| {
            let r = c.get_ref();
            CardTerms {
                interest_on_fees: self.opt(&r.interest_on_fees, Self::boolean).unwrap_or(false),
                installment_months: self.opt(&r.installment_months, |cx, v| cx.uint(v, 1, 600)),
            }
        });
        let _ = self.opt(&d.note, Self::string);
        let no_term = self.opt(&d.no_term, Self::boolean).unwrap_or(false);
        let mut events: Vec<Event> = d.event.iter().filter_map(|e| self.event(e, contract_date)).collect();
        events.sort_by_key(|e| e.date);
        let assignments: Vec<Assignment> = d.assignment.iter().filter_map(|a| self.assignment(a)).collect();
        for pair in assignments.windows(2) {
            if pair[1].date < pair[0].date {
                self.err(here.clone(), "[[debt.assignment]] 应按转让日期先后排列（最早的在前）".to_string());
            }
        }
        let credit = d.credit.as_ref().map(|c| {
            let r = c.get_ref();
            CreditInfo {
                reported: self.opt(&r.reported, Self::boolean),
                prior_notice: self.opt(&r.prior_notice, Self::boolean),
                settled: self.opt(&r.settled, Self::date),
                overdue_start: self.opt(&r.overdue_start, Self::date),
                overdue_amount: self.opt(&r.overdue_amount, Self::money),
            }
        });

        if self.errors.len() > errors_before {
            return None;
        }
        Some(Debt {
            id: id?,
            lender: lender?,
            kind: kind?,
            platform,
            original_lender,
            original_kind,
            assignee_kind,
            contract_date: contract_date?,
            principal: principal?,
            received: received?,
            rate: rate?,
            rate_missing,
            repayment: repayment?,
            fees,
            overdue: overdue?,
            payments,
            demand,
            card,
            no_term,
            events,
            assignments,
            credit,
        })
    }

    fn event(&mut self, se: &Spanned<RawEvent>, contract_date: Option<NaiveDate>) -> Option<Event> {
        let (span, e) = (se.span(), se.get_ref());
        let before = self.errors.len();
        let date = self.req(&e.date, &span, "date", "事件日期", Self::date);
        let kind = self.req(&e.kind, &span, "kind", "事件类型", |cx, v| {
            cx.choice(
                v,
                EventKind::from_text,
                "demand(催收), auto_debit, public_notice, acceleration, lawsuit_filed, lawsuit_served, lawsuit_ended, payment_order, judgment, enforcement_applied, preservation, mediation, police_report, shixin_listed, consumption_restricted, card_terminated, acknowledgment, promise, installment_request, extension_request, repayment_plan, security, signed_notice, refusal, credit_reported, settled, credit_objection, pboc_complaint, obstacle",
            )
        });
        let channel = self.opt(&e.channel, |cx, v| cx.choice(v, Channel::from_text, &Channel::codes_list()));
        let by = self.opt(&e.by, Self::string);
        let reached = self.opt(&e.reached, Self::boolean);
        let reached_date = self.opt(&e.reached_date, Self::date);
        let end = self.opt(&e.end, Self::date);
        let deadline = self.opt(&e.deadline, Self::date);
        let amount = self.opt(&e.amount, Self::money);
        let note = self.opt(&e.note, Self::string).unwrap_or_default();
        if let (Some(d), Some(rd), Some(v)) = (date, reached_date, &e.reached_date)
            && rd < d
        {
            self.err(v.span(), format!("到达日期 {rd} 早于事件日期 {d}"));
        }
        if let (Some(d), Some(en), Some(v)) = (date, end, &e.end)
            && en < d
        {
            self.err(v.span(), format!("结束日期 {en} 早于开始日期 {d}"));
        }
        if let (Some(d), Some(cd), Some(v)) = (date, contract_date, &e.date)
            && d < cd
            && kind != Some(EventKind::CreditReported)
        {
            self.err(v.span(), format!("事件日期 {d} 早于合同日期 {cd}"));
        }
        if self.errors.len() > before {
            return None;
        }
        Some(Event {
            date: date?,
            kind: kind?,
            channel,
            by,
            reached,
            reached_date,
            end,
            deadline,
            amount,
            note,
            source: EventSource::CaseFile,
        })
    }

    fn assignment(&mut self, sa: &Spanned<RawAssignment>) -> Option<Assignment> {
        let (span, a) = (sa.span(), sa.get_ref());
        let before = self.errors.len();
        let date = self.req(&a.date, &span, "date", "转让日期", Self::date);
        let from = self.req(&a.from, &span, "from", "转让人（原债权人）", Self::string);
        let to = self.req(&a.to, &span, "to", "受让人", Self::string);
        let to_kind = match &a.to_kind {
            Some(v) => self.choice(
                v,
                |s| match s {
                    "amc" | "AMC" | "资产管理公司" | "金融资产管理公司" | "地方资产管理公司" => {
                        Some(AssigneeKind::Amc)
                    }
                    "other" | "其他" | "保理公司" | "催收公司" | "个人" => Some(AssigneeKind::Other),
                    _ => None,
                },
                "amc（持牌金融/地方资产管理公司）, other（保理公司、催收公司、个人等）",
            ),
            None => Some(AssigneeKind::Other),
        };
        let notice_by = match &a.notice_by {
            Some(v) => self.choice(
                v,
                |s| match s {
                    "assignor" | "转让人" | "原债权人" => Some(NoticeBy::Assignor),
                    "assignee" | "受让人" => Some(NoticeBy::Assignee),
                    "none" | "无" | "未通知" => Some(NoticeBy::None),
                    _ => None,
                },
                "assignor（原债权人通知）, assignee（受让人通知）, none（没有通知）",
            ),
            None => Some(NoticeBy::None),
        };
        let notice_reached = self.opt(&a.notice_reached, Self::date);
        let notice_channel =
            self.opt(&a.notice_channel, |cx, v| cx.choice(v, Channel::from_text, &Channel::codes_list()));
        let pilot = self.opt(&a.pilot, Self::boolean).unwrap_or(false);
        let note = self.opt(&a.note, Self::string).unwrap_or_default();
        if notice_by == Some(NoticeBy::None) && notice_reached.is_some() {
            self.err(span.clone(), "notice_by = \"none\"（未通知）时不应填写 notice_reached".to_string());
        }
        if let (Some(d), Some(n)) = (date, notice_reached)
            && n < d
        {
            let s = a.notice_reached.as_ref().map_or(span.clone(), Spanned::span);
            self.err(s, format!("通知到达日期 {n} 早于转让日期 {d}"));
        }
        if self.errors.len() > before {
            return None;
        }
        Some(Assignment {
            date: date?,
            from: from?,
            to: to?,
            to_kind: to_kind?,
            notice_by: notice_by?,
            notice_reached,
            notice_channel,
            pilot,
            note,
        })
    }

    fn repayment(&mut self, d: &RawDebt, here: &Range<usize>, contract_date: Option<NaiveDate>) -> Option<Repayment> {
        if !d.schedule.is_empty() {
            if let Some(m) = &d.method {
                self.err(m.span(), "已给出明细还款计划 [[debt.schedule]]，不要再写 method".to_string());
            }
            let mut rows = Vec::new();
            for r in &d.schedule {
                let (span, raw) = (r.span(), r.get_ref());
                let due = self.req(&raw.due, &span, "due", "该期到期日", Self::date);
                let principal = self.opt(&raw.principal, Self::money).unwrap_or(Money::ZERO);
                let interest = self.opt(&raw.interest, Self::money).unwrap_or(Money::ZERO);
                let fees = self.opt(&raw.fees, Self::money).unwrap_or(Money::ZERO);
                if let Some(due) = due {
                    if let Some(cd) = contract_date
                        && due <= cd
                    {
                        self.err(span.clone(), format!("到期日 {due} 不晚于合同日期 {cd}"));
                    }
                    if rows.last().is_some_and(|prev: &ScheduleRow| prev.due >= due) {
                        self.err(span.clone(), "还款计划的到期日必须按时间先后排列且不重复".to_string());
                    }
                    rows.push(ScheduleRow { due, principal, interest, fees });
                }
            }
            return Some(Repayment::Explicit(rows));
        }
        let method = self.req(&d.method, here, "method", "还款方式，或用 [[debt.schedule]] 给出明细计划", |cx, v| {
            cx.choice(v, Method::from_text, "equal_installment(等额本息), equal_principal(等额本金), interest_first(先息后本), bullet(到期一次还本付息), flat(等本等息)")
        });
        let period = match &d.period {
            Some(v) => self.choice(v, parse_period, "month（月）、week（周）、\"14d\"（14天）等"),
            None => Some(Period::Month),
        };
        let periods = match (&d.periods, method) {
            (Some(v), _) => self.uint(v, 1, 600),
            (None, Some(Method::Bullet)) => Some(1),
            (None, _) => {
                self.err(here.clone(), "缺少字段 periods（期数）".to_string());
                None
            }
        };
        let first_due = match (&d.first_due, contract_date, period) {
            (Some(v), _, _) => {
                let fd = self.date(v);
                if let (Some(fd), Some(cd)) = (fd, contract_date)
                    && fd <= cd
                {
                    self.err(v.span(), format!("首期还款日 {fd} 不晚于合同日期 {cd}"));
                }
                fd
            }
            // A bullet loan's only due date is its maturity, `periods` after the contract.
            (None, Some(cd), Some(p)) if method == Some(Method::Bullet) => periods.map(|n| add_period(cd, p, n)),
            (None, Some(cd), Some(p)) => Some(add_period(cd, p, 1)),
            _ => None,
        };
        Some(Repayment::Method { method: method?, periods: periods?, period: period?, first_due: first_due? })
    }

    fn fee(&mut self, sf: &Spanned<RawFee>) -> Option<Fee> {
        let (span, f) = (sf.span(), sf.get_ref());
        let kind = match &f.kind {
            Some(v) => self.choice(
                v,
                |s| match s {
                    "service" | "服务费" | "咨询费" | "管理费" | "手续费" => Some(FeeKind::Service),
                    "guarantee" | "担保费" | "增信费" => Some(FeeKind::Guarantee),
                    "membership" | "会员费" | "权益费" => Some(FeeKind::Membership),
                    "insurance" | "保险费" | "保费" => Some(FeeKind::Insurance),
                    "other" | "其他" => Some(FeeKind::Other),
                    _ => None,
                },
                "service, guarantee, membership, insurance, other",
            ),
            None => Some(FeeKind::Other),
        };
        let name =
            self.opt(&f.name, Self::string).unwrap_or_else(|| kind.map_or("费用", FeeKind::label_zh).to_string());
        let amount = match (&f.amount, &f.percent) {
            (Some(a), None) => self.positive_money(a).map(FeeAmount::Fixed),
            (None, Some(p)) => self.fraction(p).map(FeeAmount::PercentOfPrincipal),
            _ => {
                self.err(span.clone(), "费用须写 amount（金额）或 percent（占合同本金的百分比），二者选一".to_string());
                None
            }
        };
        let timing = self.req(&f.timing, &span, "timing", "收取方式", |cx, v| {
            cx.choice(
                v,
                |s| match s {
                    "deducted" | "放款时扣除" | "预扣" | "砍头息" => Some(FeeTiming::Deducted),
                    "upfront" | "放款当日支付" | "先付" => Some(FeeTiming::Upfront),
                    "per_period" | "每期" | "按期" => Some(FeeTiming::PerPeriod),
                    _ => None,
                },
                "deducted（放款时从本金扣除）, upfront（放款当日另付）, per_period（每期随还款收取）",
            )
        });
        let payee = match &f.payee {
            Some(v) => self.choice(
                v,
                |s| match s {
                    "lender" | "出借人" | "贷款人" => Some(Payee::Lender),
                    "affiliate" | "关联方" | "平台" => Some(Payee::Affiliate),
                    "third_party" | "第三方" | "担保公司" => Some(Payee::ThirdParty),
                    _ => None,
                },
                "lender（出借人）, affiliate（出借人关联方/指定方/平台）, third_party（独立第三方）",
            ),
            None => Some(Payee::Lender),
        };
        Some(Fee { name, kind: kind?, amount: amount?, timing: timing?, payee: payee? })
    }

    fn overdue(&mut self, so: &Spanned<RawOverdue>) -> Option<OverdueTerms> {
        let (span, o) = (so.span(), so.get_ref());
        if o.rate.is_some() && o.markup.is_some() {
            self.err(span.clone(), "逾期利率 rate 与上浮比例 markup 只能写一个".to_string());
        }
        let rate = self.opt(&o.rate, Self::rate);
        let markup = self.opt(&o.markup, Self::fraction);
        let compound = self.opt(&o.compound, Self::boolean).unwrap_or(false);
        let penalty = self.opt(&o.penalty, |cx, v| {
            let Value::Table(t) = v.get_ref() else {
                cx.err(
                    v.span(),
                    "违约金写法：{ once = 50 }、{ once_percent = \"5%\" } 或 { daily_percent = \"0.1%\" }".to_string(),
                );
                return None;
            };
            let inner = |k: &str| t.get(k).map(|x| Spanned::new(v.span(), x.clone()));
            match (inner("once"), inner("once_percent"), inner("daily_percent")) {
                (Some(m), None, None) => cx.positive_money(&m).map(Penalty::Once),
                (None, Some(p), None) => cx.fraction(&p).map(Penalty::OncePercent),
                (None, None, Some(p)) => cx.fraction(&p).map(Penalty::DailyPercent),
                _ => {
                    cx.err(v.span(), "违约金只能用 once、once_percent、daily_percent 之一".to_string());
                    None
                }
            }
        });
        let late_fee = self.opt(&o.late_fee, |cx, v| {
            let Value::Table(t) = v.get_ref() else {
                cx.err(v.span(), "滞纳金写法：{ per_day = 10 } 或 { per_period = 30 }".to_string());
                return None;
            };
            let inner = |k: &str| t.get(k).map(|x| Spanned::new(v.span(), x.clone()));
            match (inner("per_day"), inner("per_period")) {
                (Some(m), None) => cx.positive_money(&m).map(LateFee::PerDay),
                (None, Some(m)) => cx.positive_money(&m).map(LateFee::PerPeriod),
                _ => {
                    cx.err(v.span(), "滞纳金只能用 per_day 或 per_period 之一".to_string());
                    None
                }
            }
        });
        if o.rate.is_some() && rate.is_none() || o.markup.is_some() && markup.is_none() {
            return None;
        }
        Some(OverdueTerms { rate, markup, compound, penalty, late_fee })
    }
}

/// `due + n` periods; month steps keep the anchor day and clamp to month end
/// (31 Jan + 1 month = 28/29 Feb), as 民法典 202 does for periods in months.
pub fn add_period(anchor: NaiveDate, period: Period, n: u32) -> NaiveDate {
    match period {
        Period::Month => anchor.checked_add_months(Months::new(n)).unwrap_or(anchor),
        Period::Days(days) => anchor + chrono::Duration::days(i64::from(days) * i64::from(n)),
    }
}

fn parse_period(s: &str) -> Option<Period> {
    match s {
        "month" | "月" | "每月" | "monthly" => Some(Period::Month),
        "week" | "周" | "每周" | "weekly" => Some(Period::Days(7)),
        "day" | "日" | "天" => Some(Period::Days(1)),
        _ => {
            let n = s.trim_end_matches(['d', '天']);
            n.parse::<u32>().ok().filter(|n| (1..=366).contains(n)).map(Period::Days)
        }
    }
}

fn parse_date_text(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    for fmt in ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"] {
        if let Ok(d) = NaiveDate::parse_from_str(s, fmt) {
            return Some(d);
        }
    }
    None
}

fn describe(v: &Value) -> &'static str {
    match v {
        Value::String(_) => "文字",
        Value::Integer(_) => "整数",
        Value::Float(_) => "小数",
        Value::Boolean(_) => "true/false",
        Value::Datetime(_) => "日期",
        Value::Array(_) => "数组",
        Value::Table(_) => "表",
    }
}
