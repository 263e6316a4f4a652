//! The HTML pages (Simplified Chinese). Each handler finds the viewer, reads the case through
//! the storage layer (which enforces access), runs the core and renders a compiled template.

use askama::Template;
use axum::Form;
use axum::body::Body;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use yuqi_docs::{Block, LetterKind, LetterOptions};

use crate::auth::{SESSION_COOKIE, SESSION_TTL, Viewer, now, viewer};
use crate::compute::{self, Computed};
use crate::error::WebError;
use crate::security::{check_csrf, csrf_header, set_cookie};
use crate::state::{AppState, Mode};

/// The bundled demo case, offered on the first page.
pub(crate) const DEMO_CASE: &str = include_str!("../../../examples/demo.toml");

pub(crate) const BLANK_CASE: &str =
    "version = 1\n\n[case]\ntitle = \"我的案件\"\n\n[person]\n# monthly_income = 5000\n# essential_expenses = 3000\n";

/// A page's error: an HTML page (or a redirect to the login page).
pub(crate) struct PageError(pub WebError);

impl From<WebError> for PageError {
    fn from(e: WebError) -> PageError {
        PageError(e)
    }
}

impl From<yuqi_db::DbError> for PageError {
    fn from(e: yuqi_db::DbError) -> PageError {
        PageError(e.into())
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    csrf: String,
    local: bool,
    user: String,
    message: String,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        if matches!(self.0, WebError::Unauthorized) {
            return Redirect::to("/login").into_response();
        }
        let page = ErrorPage { csrf: String::new(), local: true, user: String::new(), message: self.0.to_string() };
        let body = page.render().unwrap_or_else(|_| self.0.to_string());
        (self.0.status(), Html(body)).into_response()
    }
}

type PageResult = Result<Response, PageError>;

/// Adds a `Set-Cookie` (HttpOnly, SameSite=Strict) to a response.
fn with_cookie(mut res: Response, state: &AppState, name: &str, value: &str, max_age: i64) -> Response {
    if let Ok(c) = HeaderValue::from_str(&set_cookie(name, value, max_age, state.cfg.secure_cookies)) {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    res
}

const SEEN_MAX_AGE: i64 = 365 * 24 * 3600;

fn html(t: impl Template) -> PageResult {
    t.render().map(|s| Html(s).into_response()).map_err(|e| PageError(WebError::Io(e.to_string())))
}

/// Runs the core on the case (in a blocking thread: the audit and typst are CPU work).
async fn computed(state: &AppState, v: &Viewer, id: &str) -> Result<(yuqi_db::CaseRecord, Computed), PageError> {
    Ok(compute::load(state, v, id).await?)
}

#[derive(Template)]
#[template(path = "home.html")]
struct Home {
    csrf: String,
    local: bool,
    user: String,
    cases: Vec<CaseLine>,
}

struct CaseLine {
    id: String,
    title: String,
    role: &'static str,
    updated: String,
}

fn role_zh(r: yuqi_db::Role) -> &'static str {
    match r {
        yuqi_db::Role::Owner => "我的",
        yuqi_db::Role::Editor => "可编辑",
        yuqi_db::Role::Viewer => "只读",
    }
}

fn stamp(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .map(|d| (d + chrono::Duration::hours(8)).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

pub(crate) async fn home(State(state): State<AppState>, headers: HeaderMap) -> PageResult {
    let v = viewer(&state, &headers).await?;
    if crate::security::cookie(&headers, "yq_seen").is_none() && v.local {
        return Ok(Redirect::to("/triage").into_response());
    }
    let cases = state
        .db
        .list_cases(&v.user_id)
        .await?
        .into_iter()
        .map(|c| CaseLine { id: c.id.to_string(), title: c.title, role: role_zh(c.role), updated: stamp(c.updated_at) })
        .collect();
    html(Home { csrf: v.csrf, local: v.local, user: v.name, cases })
}

#[derive(Template)]
#[template(path = "triage.html")]
struct Triage {
    csrf: String,
    local: bool,
    user: String,
    limitation_years: String,
}

pub(crate) async fn triage_form(State(state): State<AppState>, headers: HeaderMap) -> PageResult {
    let v = viewer(&state, &headers).await?;
    html(Triage {
        csrf: v.csrf,
        local: v.local,
        user: v.name,
        limitation_years: yuqi_docs::legal::years_zh("limitation.general_years", crate::compute::today()),
    })
}

#[derive(Deserialize)]
pub(crate) struct TriageAnswers {
    csrf: String,
    kind: String,
    last: String,
    court: String,
    abuse: String,
    spare: String,
}

#[derive(Template)]
#[template(path = "triage_result.html")]
struct TriageResult {
    csrf: String,
    local: bool,
    user: String,
    fits: bool,
    fit_text: String,
    tonight: Vec<String>,
}

/// What to do tonight, from the five answers. Plain rules, each grounded in a rule the core
/// applies in full once the debts are entered.
pub(crate) fn triage_advice(a: &TriageAnswers) -> (bool, String, Vec<String>) {
    let fits = a.kind != "other";
    let fit_text = if fits {
        "这个工具适合你：它能按法律上限核算你实际该还多少、算诉讼时效、检查催收是否违法，并生成信函。".to_string()
    } else {
        "经营贷、房贷车贷有抵押担保等特殊规则，本工具只覆盖其中的利率上限和时效部分，结果仅供参考；建议尽快咨询律师或法律援助（12348）。".to_string()
    };
    let mut t = Vec::new();
    if a.court == "yes" {
        t.push(
            "先看传票和应诉通知书上的开庭日期和答辩期限，按期应诉；不要不理法院。录入借款后可以生成民事答辩状。"
                .to_string(),
        );
    } else if a.court == "unsure" {
        t.push("对方说“已起诉”不等于真的起诉了：拨打 12368 诉讼服务热线，或在中国裁判文书网、中国执行信息公开网查询；真正的起诉会有法院送达的起诉状副本。".to_string());
    }
    if a.last == "old" {
        t.push(format!("最后一次还款或承诺已超过{}：债务可能已过诉讼时效。今晚不要答应还款、不要还一分钱、不要在任何文件上签字，否则会失去时效抗辩。", yuqi_docs::legal::years_zh("limitation.general_years", crate::compute::today())));
    } else if a.last == "unknown" {
        t.push("先找出最后一次还款和最后一次答应还款的日期（银行流水、聊天记录），这决定对方还能不能起诉你；找到之前不要承诺还款。".to_string());
    }
    if a.abuse == "yes" {
        t.push("保存证据：短信截图、通话录音、通话记录；威胁人身安全、冒充公检法、给亲友同事发消息的，可以报警（110）。导入证据后可生成报案材料和投诉书。".to_string());
    }
    t.push("只向合同约定或对方书面确认的对公账户还款，不要转账到催收员的个人账户或二维码。".to_string());
    let spare = a.spare.trim().parse::<yuqi_money::Money>().ok();
    match spare {
        Some(m) if m.is_positive() => t.push(format!(
            "你每月大约能拿出 {} 元：录入借款后，yuqi 会按依法应还的金额帮你算出分期方案；不要为了还旧债再借新贷。",
            m.to_grouped_string()
        )),
        _ => t.push("你现在没有余钱还款：可以申请停息挂账、延期，说明困难；不要以贷养贷。".to_string()),
    }
    if a.kind == "card" {
        t.push(format!(
            "信用卡可以向银行申请个性化分期，最长{}（《商业银行信用卡业务监督管理办法》第70条）。",
            yuqi_docs::legal::years("credit_card.personalised_installment_max_years", crate::compute::today())
        ));
    }
    (fits, fit_text, t)
}

pub(crate) async fn triage_result(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(a): Form<TriageAnswers>,
) -> PageResult {
    let v = viewer(&state, &headers).await?;
    check_csrf(&v.csrf, Some(&a.csrf))?;
    let (fits, fit_text, tonight) = triage_advice(&a);
    let res = html(TriageResult { csrf: v.csrf, local: v.local, user: v.name, fits, fit_text, tonight })?;
    Ok(with_cookie(res, &state, "yq_seen", "1", SEEN_MAX_AGE))
}

#[derive(Template)]
#[template(path = "login.html")]
struct Login {
    csrf: String,
    local: bool,
    user: String,
    message: String,
}

/// The login form's CSRF token: before login there is no session, so a random token is set as a
/// cookie and echoed in the form (double submit).
pub(crate) async fn login_form(State(state): State<AppState>) -> PageResult {
    let token = crate::security::random_token();
    let res = html(Login { csrf: token.clone(), local: false, user: String::new(), message: String::new() })?;
    Ok(with_cookie(res, &state, "yq_login_csrf", &token, 3600))
}

#[derive(Deserialize)]
pub(crate) struct LoginForm {
    csrf: String,
    name: String,
    password: String,
}

pub(crate) async fn login(State(state): State<AppState>, headers: HeaderMap, Form(f): Form<LoginForm>) -> PageResult {
    if state.cfg.mode == Mode::Local {
        return Ok(Redirect::to("/").into_response());
    }
    let expected = crate::security::cookie(&headers, "yq_login_csrf").unwrap_or("").to_string();
    check_csrf(&expected, Some(&f.csrf))?;
    let Some(user) = state.db.verify_login(&f.name, &f.password).await? else {
        let token = crate::security::random_token();
        let mut res =
            html(Login {
                csrf: token.clone(), local: false, user: String::new(), message: "用户名或密码不对".into()
            })?;
        *res.status_mut() = StatusCode::UNAUTHORIZED;
        return Ok(with_cookie(res, &state, "yq_login_csrf", &token, 3600));
    };
    let s = state.db.create_session(&user.id, SESSION_TTL, now()).await?;
    let res = Redirect::to("/").into_response();
    Ok(with_cookie(res, &state, SESSION_COOKIE, &s.token, SESSION_TTL))
}

#[derive(Deserialize)]
pub(crate) struct CsrfForm {
    csrf: String,
}

pub(crate) async fn logout(State(state): State<AppState>, headers: HeaderMap, Form(f): Form<CsrfForm>) -> PageResult {
    let v = viewer(&state, &headers).await?;
    check_csrf(&v.csrf, Some(&f.csrf))?;
    if let Some(t) = crate::security::cookie(&headers, SESSION_COOKIE) {
        state.db.delete_session(t).await?;
    }
    let res = Redirect::to("/login").into_response();
    Ok(with_cookie(res, &state, SESSION_COOKIE, "", 0))
}

#[derive(Deserialize)]
pub(crate) struct NewCase {
    csrf: String,
    #[serde(default)]
    title: String,
    template: String,
}

pub(crate) async fn create_case(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<NewCase>,
) -> PageResult {
    let v = viewer(&state, &headers).await?;
    check_csrf(&v.csrf, Some(&f.csrf))?;
    let (title, toml) = match f.template.as_str() {
        "demo" => (compute::parse(DEMO_CASE)?.title, DEMO_CASE.to_string()),
        _ => (
            if f.title.trim().is_empty() { "我的案件".to_string() } else { f.title.trim().to_string() },
            BLANK_CASE.to_string(),
        ),
    };
    let id = state.db.create_case(&v.user_id, &title, &toml, now()).await?;
    let res = Redirect::to(&format!("/cases/{id}")).into_response();
    Ok(with_cookie(res, &state, "yq_seen", "1", SEEN_MAX_AGE))
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Dashboard {
    csrf: String,
    local: bool,
    user: String,
    id: String,
    title: String,
    deadlines: Vec<DeadlineLine>,
    totals: Vec<(String, String)>,
    warnings: Vec<String>,
    steps: Vec<(String, String)>,
    debts: Vec<(String, String, String, String, String, String)>,
}

struct DeadlineLine {
    date: String,
    debt: String,
    label: String,
    when: String,
    class: &'static str,
}

pub(crate) async fn dashboard(State(state): State<AppState>, headers: HeaderMap, Path(id): Path<String>) -> PageResult {
    let v = viewer(&state, &headers).await?;
    let (rec, c) = computed(&state, &v, &id).await?;
    let deadlines = c
        .timeline
        .deadlines
        .iter()
        .map(|d| DeadlineLine {
            date: d.date.to_string(),
            debt: d.debt.clone(),
            label: d.label.clone(),
            when: if d.days_from_now >= 0 {
                format!("{} 天后", d.days_from_now)
            } else {
                format!("{} 天前", -d.days_from_now)
            },
            class: if d.days_from_now < 0 {
                "past"
            } else if d.days_from_now <= 90 {
                "soon"
            } else {
                ""
            },
        })
        .collect();
    let t = &c.audit.totals;
    let mut totals = vec![
        ("借款笔数".to_string(), c.audit.debts.len().to_string()),
        ("已还合计".to_string(), t.paid_total.to_grouped_string()),
        ("按合同计算现欠".to_string(), t.contract_balance.to_grouped_string()),
        ("依法最多支持".to_string(), t.supported_total.to_grouped_string()),
    ];
    if t.demanded_total.is_positive() {
        totals.push(("对方主张".to_string(), t.demanded_total.to_grouped_string()));
        totals.push(("超出依法金额".to_string(), t.excess.to_grouped_string()));
    }
    if let Some(f) = c.plan.budget.for_debts {
        totals.push(("每月可用于还款".to_string(), f.to_grouped_string()));
    }
    let steps = c.plan.steps.iter().map(|s| (s.title.clone(), s.detail.clone())).collect();
    let debts = c
        .plan
        .debts
        .iter()
        .map(|d| {
            (
                if d.standing.barred() { "—".to_string() } else { d.priority.to_string() },
                format!("{}（{}）", d.id, d.creditor),
                d.standing_label.clone(),
                d.lawful_total.to_grouped_string(),
                d.demanded.map_or_else(|| "—".to_string(), |m| m.to_grouped_string()),
                d.options.iter().find(|o| o.recommended).map_or_else(String::new, |o| o.title.clone()),
            )
        })
        .collect();
    let mut warnings = c.plan.warnings.clone();
    warnings.extend(yuqi_docs::contacts::unrecorded_demands(&c.case, &c.timeline, &c.contacts, None));
    html(Dashboard {
        csrf: v.csrf,
        local: v.local,
        user: v.name,
        id: rec.id.to_string(),
        title: rec.title,
        deadlines,
        totals,
        warnings,
        steps,
        debts,
    })
}

#[derive(Template)]
#[template(path = "edit.html")]
struct Edit {
    csrf: String,
    local: bool,
    user: String,
    id: String,
    title: String,
    toml: String,
    errors: String,
    saved: String,
    form: DebtForm,
    form_errors: Vec<String>,
    kinds: Vec<(&'static str, &'static str, bool)>,
    methods: Vec<(&'static str, &'static str, bool)>,
}

#[derive(Deserialize, Default, Clone)]
pub(crate) struct DebtForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    debt_id: String,
    #[serde(default)]
    lender: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    platform: String,
    #[serde(default)]
    contract_date: String,
    #[serde(default)]
    principal: String,
    #[serde(default)]
    received: String,
    #[serde(default)]
    rate: String,
    #[serde(default)]
    method: String,
    #[serde(default)]
    periods: String,
}

impl DebtForm {
    /// An empty form with the commonest choices preselected.
    fn blank() -> DebtForm {
        DebtForm { kind: "microloan".into(), method: "等额本息".into(), ..DebtForm::default() }
    }
}

fn kinds() -> Vec<(&'static str, &'static str)> {
    yuqi_case::LenderKind::ALL.iter().map(|k| (k.code(), k.label_zh())).collect()
}

fn methods() -> Vec<(&'static str, &'static str)> {
    vec![("等额本息", "等额本息"), ("等额本金", "等额本金"), ("先息后本", "先息后本"), ("bullet", "到期一次还本付息")]
}

#[allow(clippy::too_many_arguments)]
fn edit_page(
    v: Viewer,
    id: String,
    title: String,
    toml: String,
    errors: String,
    saved: String,
    form: DebtForm,
    form_errors: Vec<String>,
) -> PageResult {
    html(Edit {
        csrf: v.csrf,
        local: v.local,
        user: v.name,
        id,
        title,
        toml,
        errors,
        saved,
        form_errors,
        kinds: kinds().into_iter().map(|(c, l)| (c, l, c == form.kind)).collect(),
        methods: methods().into_iter().map(|(c, l)| (c, l, c == form.method)).collect(),
        form,
    })
}

pub(crate) async fn edit_form(State(state): State<AppState>, headers: HeaderMap, Path(id): Path<String>) -> PageResult {
    let v = viewer(&state, &headers).await?;
    let rec = state.db.get_case(&v.user_id, &crate::state::case_id(&id)?).await?;
    let errors = compute::parse(&rec.toml).err().map(|e| e.to_string()).unwrap_or_default();
    let form = DebtForm::blank();
    edit_page(v, rec.id.to_string(), rec.title, rec.toml, errors, String::new(), form, Vec::new())
}

#[derive(Deserialize)]
pub(crate) struct SaveCase {
    csrf: String,
    title: String,
    toml: String,
}

pub(crate) async fn save_case(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<SaveCase>,
) -> PageResult {
    let v = viewer(&state, &headers).await?;
    check_csrf(&v.csrf, Some(&f.csrf))?;
    let rec = state.db.get_case(&v.user_id, &crate::state::case_id(&id)?).await?;
    let form = DebtForm::blank();
    // A case file with errors is not saved: what is stored always computes.
    if let Err(e) = compute::parse(&f.toml) {
        let mut res =
            edit_page(v, rec.id.to_string(), f.title, f.toml, e.to_string(), String::new(), form, Vec::new())?;
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(res);
    }
    state.db.update_case(&v.user_id, &crate::state::case_id(&id)?, f.title.trim(), &f.toml, now()).await?;
    edit_page(v, rec.id.to_string(), f.title, f.toml, String::new(), "已保存。".into(), form, Vec::new())
}

/// Checks one form field; the same check serves the live validation endpoint.
pub(crate) fn check_field(kind: &str, value: &str) -> Result<String, String> {
    let v = value.trim();
    match kind {
        "money" => v
            .parse::<yuqi_money::Money>()
            .map(|m| format!("{} 元", m.to_grouped_string()))
            .map_err(|_| "请填写金额，例如 10000 或 9,000.50（单位：元）".to_string()),
        "rate" => v
            .parse::<yuqi_money::RateInput>()
            .map(|r| {
                format!(
                    "折合年化 {}",
                    yuqi_money::format_rate_percent(
                        r.annual_equivalent(yuqi_docs::legal::days_per_year(crate::compute::today())),
                        2
                    )
                )
            })
            .map_err(|e| format!("看不懂这个利率：{e}。可以写“年化24%”“日息万分之五”“月息2分”")),
        "date" => chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .map(|d| d.to_string())
            .map_err(|_| "日期格式应为 2024-06-10".to_string()),
        "count" => match v.parse::<u32>() {
            Ok(n) if (1..=600).contains(&n) => Ok(format!("{n} 期")),
            _ => Err("请填写 1 到 600 之间的整数".to_string()),
        },
        "case" => compute::parse(v).map(|c| format!("格式正确：{} 笔借款", c.debts.len())).map_err(|e| e.to_string()),
        _ => Err("未知的检查类型".to_string()),
    }
}

fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// Appends a debt entered in the form to the case file. Every field is checked first; the
/// result must parse as a whole, or nothing is saved.
pub(crate) async fn add_debt(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<DebtForm>,
) -> PageResult {
    let v = viewer(&state, &headers).await?;
    check_csrf(&v.csrf, Some(&f.csrf))?;
    let rec = state.db.get_case(&v.user_id, &crate::state::case_id(&id)?).await?;
    let mut errs = Vec::new();
    if f.debt_id.trim().is_empty() || !f.debt_id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        errs.push("编号只能用英文字母、数字、下划线和连字符".to_string());
    }
    if f.lender.trim().is_empty() {
        errs.push("请填写出借人".to_string());
    }
    for (name, kind, value, required) in [
        ("借款日期", "date", &f.contract_date, true),
        ("合同本金", "money", &f.principal, true),
        ("实际到账", "money", &f.received, false),
        ("利率", "rate", &f.rate, true),
        ("期数", "count", &f.periods, false),
    ] {
        if value.trim().is_empty() {
            if required {
                errs.push(format!("请填写{name}"));
            }
            continue;
        }
        if let Err(e) = check_field(kind, value) {
            errs.push(format!("{name}：{e}"));
        }
    }
    let mut block = format!(
        "\n[[debt]]\nid = {}\nlender = {}\nkind = {}\ncontract_date = {}\nprincipal = {}\nrate = {}\nmethod = {}\n",
        toml_str(f.debt_id.trim()),
        toml_str(f.lender.trim()),
        toml_str(&f.kind),
        f.contract_date.trim(),
        f.principal.trim().replace(',', ""),
        toml_str(f.rate.trim()),
        toml_str(&f.method),
    );
    if !f.platform.trim().is_empty() {
        block.push_str(&format!("platform = {}\n", toml_str(f.platform.trim())));
    }
    if !f.received.trim().is_empty() {
        block.push_str(&format!("received = {}\n", f.received.trim().replace(',', "")));
    }
    if !f.periods.trim().is_empty() {
        block.push_str(&format!("periods = {}\n", f.periods.trim()));
    }
    let toml = format!("{}{}", rec.toml.trim_end(), format_args!("\n{block}"));
    if errs.is_empty()
        && let Err(e) = compute::parse(&toml)
    {
        errs.push(e.to_string());
    }
    if !errs.is_empty() {
        let errors = compute::parse(&rec.toml).err().map(|e| e.to_string()).unwrap_or_default();
        let mut res = edit_page(v, rec.id.to_string(), rec.title, rec.toml, errors, String::new(), f, errs)?;
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(res);
    }
    state.db.update_case(&v.user_id, &crate::state::case_id(&id)?, &rec.title, &toml, now()).await?;
    let form = DebtForm::blank();
    edit_page(
        v,
        rec.id.to_string(),
        rec.title,
        toml,
        String::new(),
        format!("已添加借款 {}。", f.debt_id.trim()),
        form,
        Vec::new(),
    )
}

#[derive(Template)]
#[template(path = "fragment.html")]
struct Fragment {
    csrf: String,
    local: bool,
    user: String,
    id: String,
    title: String,
    heading: String,
    body: String,
}

/// The dossier's blocks between two top-level headings (`三、` up to `四、`).
fn section(doc: &yuqi_docs::Doc, from: &str, to: Option<&str>) -> Vec<Block> {
    let mut out = Vec::new();
    let mut on = false;
    for b in &doc.blocks {
        if let Block::Heading { level: 1, text } = b {
            if text.starts_with(from) {
                on = true;
                continue;
            }
            if to.is_some_and(|t| text.starts_with(t)) {
                on = false;
            }
        }
        if on {
            out.push(b.clone());
        }
    }
    out
}

async fn dossier_page(
    state: AppState,
    headers: HeaderMap,
    id: String,
    heading: &str,
    from: &str,
    to: &str,
) -> PageResult {
    let v = viewer(&state, &headers).await?;
    // Access is checked on every request; only the rendered content is reused.
    let rec = state.db.get_case(&v.user_id, &crate::state::case_id(&id)?).await?;
    // The case text itself is in the key (an update within the same second must not serve the
    // old page); hashing a few kilobytes costs microseconds.
    let digest = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        rec.toml.hash(&mut h);
        h.finish()
    };
    let key = format!("{from}|{}|{digest:016x}|{}|{}", rec.id, state.evidence_stamp(&rec.id), compute::today());
    let body = match state.cached_page(&key) {
        Some(b) => b,
        None => {
            let c = compute::for_record(&state, &rec).await?;
            let (from, to) = (from.to_string(), to.to_string());
            let body = tokio::task::spawn_blocking(move || {
                let doc = yuqi_docs::dossier::dossier(&c.inputs());
                yuqi_render::html::blocks(&section(&doc, &from, Some(&to)))
            })
            .await
            .map_err(|e| WebError::Io(e.to_string()))?;
            let body = std::sync::Arc::new(body);
            state.cache_page(key, body.clone());
            body
        }
    };
    html(Fragment {
        csrf: v.csrf,
        local: v.local,
        user: v.name,
        id: rec.id.to_string(),
        title: rec.title,
        heading: heading.into(),
        body: body.as_str().to_string(),
    })
}

pub(crate) async fn audit(State(state): State<AppState>, headers: HeaderMap, Path(id): Path<String>) -> PageResult {
    dossier_page(state, headers, id, "核算", "三、", "四、").await
}

pub(crate) async fn timeline(State(state): State<AppState>, headers: HeaderMap, Path(id): Path<String>) -> PageResult {
    dossier_page(state, headers, id, "时效与时间线", "四、", "五、").await
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct Inbox {
    csrf: String,
    local: bool,
    user: String,
    id: String,
    title: String,
    codes: Vec<(String, String, usize)>,
    senders: Vec<String>,
    code: String,
    sender: String,
    shown: usize,
    body: String,
}

#[derive(Deserialize)]
pub(crate) struct InboxQuery {
    #[serde(default)]
    code: String,
    #[serde(default)]
    sender: String,
}

pub(crate) async fn inbox(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<InboxQuery>,
) -> PageResult {
    let v = viewer(&state, &headers).await?;
    let (rec, c) = computed(&state, &v, &id).await?;
    let codes = yuqi_docs::contacts::code_counts(&c.contacts)
        .into_iter()
        .map(|(code, label, n)| (code.to_string(), label.to_string(), n))
        .collect();
    let mut senders: Vec<String> = c.contacts.iter().filter(|x| x.incoming).filter_map(|x| x.from.clone()).collect();
    senders.sort();
    senders.dedup();
    let shown: Vec<&yuqi_docs::Contact> = c
        .contacts
        .iter()
        .filter(|x| x.incoming)
        .filter(|x| q.code.is_empty() || x.hits.iter().any(|h| h.code == q.code))
        .filter(|x| q.sender.is_empty() || x.from.as_deref() == Some(q.sender.as_str()))
        .collect();
    let blocks: Vec<Block> = shown.iter().map(|x| yuqi_docs::letters::quote_block(x)).collect();
    html(Inbox {
        csrf: v.csrf,
        local: v.local,
        user: v.name,
        id: rec.id.to_string(),
        title: rec.title,
        codes,
        senders,
        code: q.code,
        sender: q.sender,
        shown: shown.len(),
        body: yuqi_render::html::blocks(&blocks),
    })
}

#[derive(Template)]
#[template(path = "evidence.html")]
struct EvidencePage {
    csrf: String,
    local: bool,
    user: String,
    id: String,
    title: String,
    total: u64,
    head: String,
    message: String,
    message_class: &'static str,
    rows: Vec<(u64, String, String, String, String, String)>,
}

async fn evidence_page(state: &AppState, v: Viewer, id: &str, message: String, good: bool) -> PageResult {
    let (rec, c) = computed(state, &v, id).await?;
    let (total, head) =
        c.evidence.as_ref().map_or((0, String::new()), |e| (e.total, e.chain_head.clone().unwrap_or_default()));
    let rows = c
        .items
        .iter()
        .rev()
        .take(300)
        .map(|i| {
            (
                i.seq,
                i.channel.clone().unwrap_or_else(|| i.kind.clone()),
                i.time.clone().unwrap_or_default(),
                i.counterpart.clone().unwrap_or_default(),
                i.codes
                    .iter()
                    .map(|x| yuqi_conduct::Code::parse(x).map_or_else(|| x.clone(), |k| k.label_zh().to_string()))
                    .collect::<Vec<_>>()
                    .join("、"),
                i.sha256.chars().take(16).collect(),
            )
        })
        .collect();
    html(EvidencePage {
        csrf: v.csrf,
        local: v.local,
        user: v.name,
        id: rec.id.to_string(),
        title: rec.title,
        total,
        head,
        message,
        message_class: if good { "ok" } else { "error" },
        rows,
    })
}

pub(crate) async fn evidence(State(state): State<AppState>, headers: HeaderMap, Path(id): Path<String>) -> PageResult {
    let v = viewer(&state, &headers).await?;
    evidence_page(&state, v, &id, String::new(), true).await
}

/// Imports an uploaded file into the case's evidence store (created on first use). The upload is
/// written to a temporary file first; the store imports it in one transaction.
pub(crate) async fn import_upload(
    state: &AppState,
    v: &Viewer,
    id: &str,
    mut mp: Multipart,
    header_csrf: Option<&str>,
) -> Result<String, WebError> {
    let rec = state.db.get_case(&v.user_id, &crate::state::case_id(id)?).await?;
    if rec.role == yuqi_db::Role::Viewer {
        return Err(WebError::Forbidden);
    }
    let mut csrf_ok = header_csrf.is_some_and(|h| check_csrf(&v.csrf, Some(h)).is_ok());
    let dir = state.evidence_dir(&rec.id);
    let tmp = tempfile_in(&state.cfg.data_dir)?;
    let mut name = String::from("upload");
    let mut got = false;
    while let Some(field) = mp.next_field().await.map_err(|e| WebError::BadRequest(format!("上传失败：{e}")))? {
        match field.name() {
            Some("csrf") => {
                let t = field.text().await.map_err(|e| WebError::BadRequest(e.to_string()))?;
                csrf_ok |= check_csrf(&v.csrf, Some(&t)).is_ok();
            }
            Some("file") => {
                if !csrf_ok {
                    return Err(WebError::Csrf);
                }
                name = field.file_name().map(sanitize).unwrap_or_else(|| "upload".into());
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| WebError::BadRequest(format!("上传失败（文件太大或连接中断）：{e}")))?;
                tokio::fs::write(&tmp, &bytes).await.map_err(|e| WebError::Io(e.to_string()))?;
                got = true;
            }
            _ => {}
        }
    }
    if !csrf_ok {
        return Err(WebError::Csrf);
    }
    if !got {
        return Err(WebError::BadRequest("没有收到文件".into()));
    }
    let named = tmp.with_file_name(format!("{}-{name}", tmp.file_name().and_then(|n| n.to_str()).unwrap_or("up")));
    tokio::fs::rename(&tmp, &named).await.map_err(|e| WebError::Io(e.to_string()))?;
    let title = rec.title.clone();
    let result = tokio::task::spawn_blocking(move || -> Result<String, WebError> {
        let mut st = if dir.join("evidence.sqlite").exists() {
            yuqi_store::Store::open(&dir, None)
        } else {
            std::fs::create_dir_all(&dir).map_err(|e| WebError::Io(e.to_string()))?;
            yuqi_store::Store::create(&dir, &title, None)
        }
        .map_err(|e| WebError::Io(e.to_string()))?;
        let opts = yuqi_store::ImportOptions::default();
        let r = st.import_path(&named, &opts, &mut |_, _| {});
        let _ = std::fs::remove_file(&named);
        let r = r.map_err(|e| WebError::BadRequest(format!("导入失败，证据库没有任何改动：{e}")))?;
        Ok(if r.already_imported {
            format!("{} 已经导入过（内容完全相同），没有新增记录。", name_of(&named))
        } else {
            format!(
                "已导入 {}：新增 {} 条记录（重复 {} 条），其中 {} 条发现违规迹象。",
                name_of(&named),
                r.new_items,
                r.duplicates,
                r.flagged
            )
        })
    })
    .await
    .map_err(|e| WebError::Io(e.to_string()))??;
    Ok(result)
}

fn name_of(p: &std::path::Path) -> String {
    p.file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.split_once('-'))
        .map_or_else(String::new, |(_, n)| n.to_string())
}

fn sanitize(name: &str) -> String {
    let s: String = name.chars().filter(|c| !matches!(c, '/' | '\\' | '\0')).take(120).collect();
    if s.is_empty() || s == "." || s == ".." { "upload".into() } else { s }
}

fn tempfile_in(dir: &std::path::Path) -> Result<std::path::PathBuf, WebError> {
    let tmp = dir.join("tmp");
    std::fs::create_dir_all(&tmp).map_err(|e| WebError::Io(e.to_string()))?;
    Ok(tmp.join(crate::security::random_token()))
}

pub(crate) async fn upload_evidence(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    mp: Multipart,
) -> PageResult {
    let v = viewer(&state, &headers).await?;
    match import_upload(&state, &v, &id, mp, csrf_header(&headers)).await {
        Ok(msg) => evidence_page(&state, v, &id, msg, true).await,
        Err(WebError::Csrf) => Err(PageError(WebError::Csrf)),
        Err(WebError::NotFound) => Err(PageError(WebError::NotFound)),
        Err(WebError::Forbidden) => Err(PageError(WebError::Forbidden)),
        Err(e) => {
            let mut res = evidence_page(&state, v, &id, e.to_string(), false).await?;
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
    }
}

pub(crate) async fn verify_evidence(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<CsrfForm>,
) -> PageResult {
    let v = viewer(&state, &headers).await?;
    check_csrf(&v.csrf, Some(&f.csrf))?;
    let rec = state.db.get_case(&v.user_id, &crate::state::case_id(&id)?).await?;
    let dir = state.evidence_dir(&rec.id);
    let (msg, good) = tokio::task::spawn_blocking(move || {
        if !dir.join("evidence.sqlite").exists() {
            return ("证据库还是空的。".to_string(), true);
        }
        match yuqi_store::Store::open(&dir, None).and_then(|st| st.verify(&mut |_, _| {})) {
            Ok(r) if r.ok() => (format!("核验通过：{} 条记录的哈希和链接全部完好。", r.entries), true),
            Ok(r) => (
                format!(
                    "核验发现 {} 处问题：{}",
                    r.problems.len(),
                    r.problems.iter().take(5).map(ToString::to_string).collect::<Vec<_>>().join("；")
                ),
                false,
            ),
            Err(e) => (format!("无法核验：{e}"), false),
        }
    })
    .await
    .map_err(|e| WebError::Io(e.to_string()))?;
    evidence_page(&state, v, &id, msg, good).await
}

#[derive(Template)]
#[template(path = "letters.html")]
struct Letters {
    csrf: String,
    local: bool,
    user: String,
    id: String,
    title: String,
    kinds: Vec<(&'static str, &'static str, &'static str)>,
    debts: Vec<String>,
}

pub(crate) async fn letters(State(state): State<AppState>, headers: HeaderMap, Path(id): Path<String>) -> PageResult {
    let v = viewer(&state, &headers).await?;
    let rec = state.db.get_case(&v.user_id, &crate::state::case_id(&id)?).await?;
    let case = compute::parse(&rec.toml)?;
    html(Letters {
        csrf: v.csrf,
        local: v.local,
        user: v.name,
        id: rec.id.to_string(),
        title: rec.title,
        kinds: LetterKind::ALL.iter().map(|k| (k.id(), k.title_zh(), k.purpose_zh())).collect(),
        debts: case.debts.iter().map(|d| d.id.clone()).collect(),
    })
}

#[derive(Deserialize)]
pub(crate) struct DocQuery {
    #[serde(default)]
    pub(crate) kind: Option<String>,
    #[serde(default)]
    pub(crate) debt: Option<String>,
    #[serde(default)]
    pub(crate) format: Option<String>,
    #[serde(default)]
    pub(crate) accept_limitation_effect: Option<String>,
}

/// A document as a download in the asked format.
pub(crate) async fn document_response(
    state: &AppState,
    doc: yuqi_docs::Doc,
    format: &str,
    today: chrono::NaiveDate,
) -> Result<Response, WebError> {
    use chrono::Datelike;
    let name = doc.title.clone();
    let (bytes, mime, ext) = match format {
        "docx" => (
            yuqi_render::docx::docx(&doc).map_err(|e| WebError::Io(e.to_string()))?,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
        ),
        "md" => (yuqi_render::markdown::markdown(&doc).into_bytes(), "text/markdown; charset=utf-8", "md"),
        "html" => (yuqi_render::html::html(&doc).into_bytes(), "text/html; charset=utf-8", "html"),
        _ => {
            let st = state.clone();
            let pdf = tokio::task::spawn_blocking(move || {
                let r = st.renderer().map_err(WebError::Io)?;
                r.doc_pdf(&doc, (today.year(), today.month() as u8, today.day() as u8))
                    .map_err(|e| WebError::Io(e.to_string()))
            })
            .await
            .map_err(|e| WebError::Io(e.to_string()))??;
            (pdf, "application/pdf", "pdf")
        }
    };
    let mut res = Response::new(Body::from(bytes));
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    // RFC 5987 filename for the Chinese title; an ASCII fallback for old clients.
    let encoded: String = format!("{name}.{ext}").bytes().map(|b| format!("%{b:02X}")).collect();
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"yuqi.{ext}\"; filename*=UTF-8''{encoded}")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

pub(crate) async fn download_letter(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((id, kind)): Path<(String, String)>,
    Query(q): Query<DocQuery>,
) -> PageResult {
    let v = viewer(&state, &headers).await?;
    let (_, c) = computed(&state, &v, &id).await?;
    let kind_name = q.kind.clone().unwrap_or(kind);
    let kind =
        LetterKind::parse(&kind_name).ok_or_else(|| WebError::BadRequest(format!("没有“{kind_name}”这种信函")))?;
    let opts = LetterOptions {
        debt: q.debt.clone().filter(|d| !d.is_empty()),
        accept_limitation_effect: q.accept_limitation_effect.is_some(),
    };
    let doc = yuqi_docs::letter(kind, &c.inputs(), &opts).map_err(|e| WebError::BadRequest(e.to_string()))?;
    Ok(document_response(&state, doc, q.format.as_deref().unwrap_or("pdf"), c.today).await?)
}

pub(crate) async fn download_report(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<DocQuery>,
) -> PageResult {
    let v = viewer(&state, &headers).await?;
    let (_, c) = computed(&state, &v, &id).await?;
    let doc = yuqi_docs::dossier::dossier(&c.inputs());
    Ok(document_response(&state, doc, q.format.as_deref().unwrap_or("pdf"), c.today).await?)
}

#[derive(Template)]
#[template(path = "law.html")]
struct Law {
    csrf: String,
    local: bool,
    user: String,
    q: String,
    hits: Vec<crate::search::Hit>,
    total: usize,
}

#[derive(Deserialize)]
pub(crate) struct LawQuery {
    #[serde(default)]
    q: String,
}

pub(crate) async fn law(State(state): State<AppState>, headers: HeaderMap, Query(q): Query<LawQuery>) -> PageResult {
    let v = viewer(&state, &headers).await?;
    let hits = state.law.search(&q.q, 30);
    html(Law { csrf: v.csrf, local: v.local, user: v.name, q: q.q, hits, total: state.law.len() })
}

#[derive(Template)]
#[template(path = "article.html")]
struct ArticlePage {
    csrf: String,
    local: bool,
    user: String,
    label: String,
    doc_title: String,
    doc_number: String,
    confidence: String,
    text_kind: String,
    paragraphs: Vec<String>,
    note: String,
}

pub(crate) async fn article(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((doc, art)): Path<(String, String)>,
) -> PageResult {
    let v = viewer(&state, &headers).await?;
    let (d, a) = yuqi_law::law().article(&doc, &art).ok_or(WebError::NotFound)?;
    html(ArticlePage {
        csrf: v.csrf,
        local: v.local,
        user: v.name,
        label: yuqi_law::law().citation_label(d.id, a.number),
        doc_title: d.title.to_string(),
        doc_number: d.doc_number.to_string(),
        confidence: a.confidence.label_zh().to_string(),
        text_kind: a.text_kind.to_string(),
        paragraphs: a.text.lines().map(str::to_string).collect(),
        note: a.note.to_string(),
    })
}

fn asset(body: &'static str, mime: &'static str) -> Response {
    let mut res = Response::new(Body::from(body));
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    res
}

pub(crate) async fn css() -> Response {
    asset(include_str!("../static/app.css"), "text/css; charset=utf-8")
}

pub(crate) async fn js() -> Response {
    asset(include_str!("../static/app.js"), "application/javascript; charset=utf-8")
}
