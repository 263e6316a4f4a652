//! The five-question triage: what to do tonight, before any case exists.

use super::*;

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

/// The quick check's answers. The question of what he fears takes several answers (the form
/// sends `abuse` once per box ticked), so the form is read as name–value pairs.
pub(crate) struct TriageAnswers {
    csrf: String,
    kind: String,
    last: String,
    court: String,
    /// What the collector says or does that he fears, each box he ticked: `jail`, `family`,
    /// `sued`, `visit`, `yes` (threats and insults); `no` or nothing: none of these.
    fears: Vec<String>,
    spare: String,
}

impl TriageAnswers {
    fn from_pairs(pairs: Vec<(String, String)>) -> TriageAnswers {
        let one = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default();
        let fears = pairs.iter().filter(|(k, v)| k == "abuse" && v != "no").map(|(_, v)| v.clone()).collect();
        TriageAnswers {
            csrf: one("csrf"),
            kind: one("kind"),
            last: one("last"),
            court: one("court"),
            fears,
            spare: one("spare"),
        }
    }

    fn fears(&self, f: &str) -> bool {
        self.fears.iter().any(|x| x == f)
    }

    /// The one word the interview keeps (`interview::triage_cookie`): jail, any other fear, none.
    fn abuse(&self) -> &'static str {
        if self.fears("jail") {
            "jail"
        } else if self.fears.is_empty() {
            "no"
        } else {
            "yes"
        }
    }
}

#[derive(Template)]
#[template(path = "triage_result.html")]
struct TriageResult {
    csrf: String,
    local: bool,
    user: String,
    fits: bool,
    fit_text: String,
    /// Each fear he ticked answered, first: a jail threat by the statement that default is not
    /// a crime, the others by `yuqi_docs::reassure::fear`.
    calm: Vec<Calm>,
    tonight: Vec<String>,
}

/// A reassurance with the law it rests on.
pub(crate) struct Calm {
    pub(super) text: String,
    pub(super) basis: String,
}

/// What the triage says, in the order the borrower reads it.
pub(crate) struct Advice {
    fits: bool,
    fit_text: String,
    calm: Vec<Calm>,
    tonight: Vec<String>,
}

/// Paid "debt optimisation", 停息挂账 by proxy and credit repair (`debt_relief_scam`): what the
/// inbox says beside such an offer (`inbox::debt_relief_warning`), said before any offer arrives.
/// The retention period comes from the law data, as of today.
pub(crate) fn debt_relief_advice() -> String {
    let years = yuqi_docs::legal::years("credit.negative_record_years", crate::compute::today());
    format!(
        "有人打电话、发短信或在网上说能帮你“债务优化”“停息挂账”“征信修复”、要你先交钱的，多是骗局：停息挂账、延期、分期可以自己直接向借钱给你的机构申请，对方不一定同意，但申请不用交钱，也不用找中介；真实的逾期记录谁也不能花钱删掉，还清后满{years}会自动删除。不要把身份证、银行卡、密码和验证码交给这些人。"
    )
}

/// What to do tonight, from the five answers. Plain rules, each grounded in a rule the core
/// applies in full once the debts are entered.
pub(crate) fn triage_advice(a: &TriageAnswers) -> Advice {
    let fits = a.kind != "other";
    let fit_text = if fits {
        "这个工具适合你：它能按法律上限核算你实际该还多少、算诉讼时效、检查催收是否违法，并生成信函。".to_string()
    } else {
        "经营贷、房贷车贷有抵押担保等特殊规则，本工具只覆盖其中的利率上限和时效部分，结果仅供参考；建议尽快咨询律师或法律援助（12348）。".to_string()
    };
    // In the order a frightened reader needs them: jail, being sued, family, a visit, abuse.
    let mut calm = Vec::new();
    if a.fears("jail") {
        let s = yuqi_timeline::risk::default_is_not_a_crime();
        calm.push(Calm { text: s.text, basis: s.basis.join("；") });
    }
    use yuqi_docs::reassure::{Fear, fear};
    for (name, f) in [("sued", Fear::Sued), ("family", Fear::Family), ("visit", Fear::Visit), ("yes", Fear::Abuse)] {
        if a.fears(name) {
            let s = fear(f);
            calm.push(Calm { text: s.text, basis: s.basis.join("；") });
        }
    }
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
    if a.fears("jail") {
        t.push("对方说要抓你、让你坐牢、已经报警立案，又没有公安机关的正式法律文书：这是恐吓，不要因为害怕而借新贷还款。保存这些短信截图和录音，可以报警（110）。".to_string());
    }
    if !a.fears.is_empty() {
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
    // The most common trap for a borrower in arrears (docs/law/conduct.md §9): always said.
    t.push(debt_relief_advice());
    if a.kind == "card" {
        t.push(format!(
            "信用卡可以向银行申请个性化分期，最长{}（《商业银行信用卡业务监督管理办法》第70条）。",
            yuqi_docs::legal::years("credit_card.personalised_installment_max_years", crate::compute::today())
        ));
    }
    Advice { fits, fit_text, calm, tonight: t }
}

pub(crate) async fn triage_result(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let v = viewer(&state, &headers).await?;
    let a = TriageAnswers::from_pairs(pairs);
    check_csrf(&v.csrf, Some(&a.csrf))?;
    for (value, n) in [(&a.kind, 2), (&a.last, 3), (&a.court, 4)] {
        if value.is_empty() {
            return Err(WebError::Input(format!("第 {n} 题还没有选：请回到上一页选一项。")).into());
        }
    }
    let Advice { fits, fit_text, calm, tonight } = triage_advice(&a);
    let res = html(TriageResult { csrf: v.csrf, local: v.local, user: v.name, fits, fit_text, calm, tonight })?;
    let res = with_cookie(res, &state, "yq_seen", "1", SEEN_MAX_AGE);
    // Kept for the interview of the case he makes next (a day is enough for that).
    Ok(with_cookie(res, &state, TRIAGE_COOKIE, &triage_cookie(&a.court, a.abuse(), &a.spare), 24 * 3600))
}
