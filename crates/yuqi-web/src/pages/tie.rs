//! The borrower's word on which debt stored messages are about, said in the inbox after saving
//! them (这是哪笔借款的？): one message by its own form, or several ticked at once. Pasting the
//! same words again with a debt chosen changes nothing (the store keeps each message once), and
//! letters about a debt quote only the messages tied to it. Each tie is an entry of the evidence
//! chain (`Store::tie`); the pipeline reads the tie in force through the store's listing.

use super::*;

/// The inbox's forms: `seq` once (one message) or many (the ticked ones), `debt` a debt id of
/// the case or empty (不确定: untie). Records the ties, then back to the first message; a
/// refusal shows the inbox with the reason and records nothing.
pub(crate) async fn tie_messages(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    let v = viewer(&state, &headers).await?;
    let csrf = fields.iter().find(|(k, _)| k == "csrf").map(|(_, v)| v.as_str());
    check_csrf(&v.csrf, csrf)?;
    let seqs: Vec<&str> = fields.iter().filter(|(k, _)| k == "seq").map(|(_, v)| v.as_str()).collect();
    let debt = fields.iter().find(|(k, _)| k == "debt").map_or("", |(_, v)| v.as_str());
    match record_ties(&state, &v, &id, &seqs, debt).await {
        Ok(_) => {
            Ok(Redirect::to(&format!("/cases/{id}/inbox#m{}", seqs.first().map_or("", |s| s.trim()))).into_response())
        }
        Err(e @ (WebError::Csrf | WebError::NotFound | WebError::Forbidden)) => Err(PageError(e)),
        Err(e) => {
            let mut res =
                inbox_page(&state, v, &id, CaseDates::default(), InboxQuery::default(), e.to_string(), false).await?;
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
    }
}

/// Checks and records the ties in the case's evidence store; returns what was recorded, in
/// Chinese. The caller has checked the CSRF token.
pub(crate) async fn record_ties(
    state: &AppState,
    v: &Viewer,
    id: &str,
    seqs: &[&str],
    debt: &str,
) -> Result<String, WebError> {
    let rec = state.db.get_case(&v.user_id, &crate::state::case_id(id)?).await?;
    if rec.role == yuqi_db::Role::Viewer {
        return Err(WebError::Forbidden);
    }
    let items = seqs
        .iter()
        .map(|s| s.trim().parse::<u64>())
        .collect::<Result<Vec<u64>, _>>()
        .ok()
        .filter(|i| !i.is_empty())
        .ok_or_else(|| {
            WebError::BadRequest("没有选中消息：请在消息下面选借款后点“保存”，或者先勾选几条消息。".into())
        })?;
    // The debts to choose from are the case file's: an unreadable one has none.
    let case = yuqi_case::parse_case(&rec.toml, "case.toml")
        .map_err(|_| WebError::BadRequest("案例文件现在读不了，没法把消息归到某笔借款：请先修好案例文件。".into()))?;
    let debt = debt.trim();
    let debt = (!debt.is_empty()).then_some(debt);
    let name = debt.map(|d| case.debt_name(d));
    if let Some(d) = debt
        && !case.debts.iter().any(|x| x.id == d)
    {
        return Err(WebError::BadRequest(format!(
            "“这是哪笔借款的？”选的借款“{d}”不在这个案例里：请在列表里选一笔，或者选“不确定”。"
        )));
    }
    let dir = state.evidence_dir(&rec.id);
    if !dir.join(yuqi_store::DB_FILE).exists() {
        return Err(WebError::BadRequest("这个案件还没有保存任何消息。".into()));
    }
    let known: Vec<String> = case.debts.iter().map(|d| d.id.clone()).collect();
    let debt = debt.map(str::to_string);
    let n = items.len();
    // Ties append to the same chain as imports: one writer at a time.
    let lock = state.import_lock(&dir);
    let _turn = lock.lock().await;
    state
        .cpu(move || -> Result<(), WebError> {
            let mut st = yuqi_store::Store::open(&dir, None)?;
            let known: Vec<&str> = known.iter().map(String::as_str).collect();
            st.tie(&items, debt.as_deref(), &known)?;
            Ok(())
        })
        .await??;
    Ok(match name {
        Some(name) => format!("已记下：这 {n} 条消息是“{name}”的催收，这笔借款的信里会引用它们。"),
        None => format!("已记下：你不确定这 {n} 条消息是哪笔借款的。"),
    })
}
