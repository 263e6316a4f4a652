//! The case editor: the case file as text, and the form that adds a debt to it.

use super::*;

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
                // The form's rate is the one the contract states (the editor adds no
                // `rate_source`), named as every report names it: not the annual cost, which the
                // audit computes with the fees and the money really received.
                format!(
                    "{}折合每年 {}（不含费用；{}在核算结果里）",
                    yuqi_ledger::apr::stated_rate_name_zh(yuqi_case::RateSource::Contract),
                    yuqi_money::format_rate_percent(
                        r.annual_equivalent(yuqi_docs::legal::days_per_year(crate::compute::today())),
                        2
                    ),
                    yuqi_docs::rates::headline_name()
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
    // The case file's key for the debt. Borrowers never see it (pages name a debt by its app or
    // lender), so the form does not ask: a key given through the API is kept when it is a valid
    // key, otherwise the next free `debtN` is used.
    let given = f.debt_id.trim();
    let key = if !given.is_empty() && given.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        given.to_string()
    } else {
        (1..).map(|n| format!("debt{n}")).find(|k| !rec.toml.contains(&format!("\"{k}\""))).unwrap_or_default()
    };
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
        toml_str(&key),
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
        format!("已添加借款：{}。", if f.platform.trim().is_empty() { f.lender.trim() } else { f.platform.trim() }),
        form,
        Vec::new(),
    )
}
