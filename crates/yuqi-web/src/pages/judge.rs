//! The borrower's own word on what the analyzer found in a stored message: the inbox's buttons
//! ("是这样", "不是", "撤回") and the JSON API's `POST /api/v1/cases/{id}/messages/{seq}/judgments` come here. The analyzer misses real threats and
//! suspects lawful words; the person who received the message settles it, and letters carry
//! what he confirmed (`yuqi_docs::Contact::judge`, applied in the pipeline).

use super::*;
use yuqi_conduct::Code;
use yuqi_store::Verdict;

/// The text-level codes a borrower may add to a message, with their names, in the codes' order.
pub(crate) fn addable_codes() -> Vec<(&'static str, &'static str)> {
    Code::ALL
        .iter()
        .filter(|c| c.is_text_level() && **c != Code::DebtReliefScam)
        .map(|c| (c.as_str(), c.label_zh()))
        .collect()
}

#[derive(Deserialize)]
pub(crate) struct JudgeForm {
    csrf: String,
    #[serde(default)]
    seq: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    verdict: String,
}

/// The inbox's form: records the judgment, then back to the message in the inbox (a reload does
/// not post it twice). A refusal shows the inbox with the reason.
pub(crate) async fn judge_finding(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(f): Form<JudgeForm>,
) -> PageResult {
    let v = viewer(&state, &headers).await?;
    check_csrf(&v.csrf, Some(&f.csrf))?;
    match record_judgment(&state, &v, &id, &f.seq, &f.code, &f.verdict).await {
        Ok(_) => Ok(Redirect::to(&format!("/cases/{id}/inbox#m{}", f.seq.trim())).into_response()),
        Err(e @ (WebError::Csrf | WebError::NotFound | WebError::Forbidden)) => Err(PageError(e)),
        Err(e) => {
            let mut res =
                inbox_page(&state, v, &id, CaseDates::default(), InboxQuery::default(), e.to_string(), false).await?;
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
    }
}

/// Checks and records one judgment in the case's evidence store; returns what was recorded, in
/// Chinese. The caller has checked the CSRF token.
pub(crate) async fn record_judgment(
    state: &AppState,
    v: &Viewer,
    id: &str,
    seq: &str,
    code: &str,
    verdict: &str,
) -> Result<String, WebError> {
    let rec = state.db.get_case(&v.user_id, &crate::state::case_id(id)?).await?;
    if rec.role == yuqi_db::Role::Viewer {
        return Err(WebError::Forbidden);
    }
    let seq: u64 = seq
        .trim()
        .parse()
        .map_err(|_| WebError::BadRequest("没有说明是哪一条消息：请在消息列表里点这条消息下面的按钮。".into()))?;
    let code = match code.trim() {
        "" => return Err(WebError::BadRequest("请先在“系统漏了什么”里选一种问题，再点“标出来”。".into())),
        c => Code::parse(c).ok_or_else(|| WebError::BadRequest(format!("没有“{c}”这种问题类型。")))?,
    };
    let verdict = Verdict::parse(verdict)
        .ok_or_else(|| WebError::BadRequest("没有看懂你的选择：请点“是这样”“不是”或“撤回”。".into()))?;
    let dir = state.evidence_dir(&rec.id);
    if !dir.join(yuqi_store::DB_FILE).exists() {
        return Err(WebError::BadRequest("这个案件还没有保存任何消息。".into()));
    }
    // Judgments append to the same chain as imports: one writer at a time.
    let lock = state.import_lock(&dir);
    let _turn = lock.lock().await;
    state
        .cpu(move || -> Result<(), WebError> {
            let mut st = yuqi_store::Store::open(&dir, None)?;
            st.judge(seq, code.as_str(), verdict)?;
            Ok(())
        })
        .await??;
    let label = code.label_zh();
    Ok(match verdict {
        Verdict::Confirmed => format!("已记下：你确认这条消息有“{label}”的问题，它会写进投诉信。"),
        Verdict::Rejected => format!("已记下：你认为这条消息没有“{label}”的问题，它不会写进信里。"),
        Verdict::Cleared => format!("已撤回你对“{label}”的判断，按系统原来的判断显示。"),
    })
}
