//! The JSON API (`/api/v1`): the same actions as the pages, for scripts and other front ends.
//! State-changing calls need the `X-CSRF-Token` header (from `GET /api/v1/session`), so that a
//! page on another site cannot drive the API through the user's browser.

use axum::Json;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use yuqi_docs::{LetterKind, LetterOptions};

use crate::auth::{Viewer, now, viewer};
use crate::compute::{self, CaseDates, Computed};
use crate::error::WebError;
use crate::pages::{
    DocQuery, check_field, document_response, exhibit_response, import_upload, package_response, paste_text,
    results_line,
};
use crate::security::{check_csrf, csrf_header};
use crate::state::AppState;

type ApiResult = Result<Response, WebError>;

async fn with_csrf(state: &AppState, headers: &HeaderMap) -> Result<Viewer, WebError> {
    let v = viewer(state, headers).await?;
    check_csrf(&v.csrf, csrf_header(headers))?;
    Ok(v)
}

async fn computed(state: &AppState, v: &Viewer, id: &str, dates: CaseDates) -> Result<Computed, WebError> {
    Ok(compute::load(state, v, id, dates).await?.1)
}

/// Who am I, and the CSRF token for my state-changing calls.
pub(crate) async fn session(State(state): State<AppState>, headers: HeaderMap) -> ApiResult {
    let v = viewer(&state, &headers).await?;
    Ok(Json(json!({ "user": v.name, "csrf_token": v.csrf, "local": v.local })).into_response())
}

pub(crate) async fn list_cases(State(state): State<AppState>, headers: HeaderMap) -> ApiResult {
    let v = viewer(&state, &headers).await?;
    let cases: Vec<Value> = state
        .db
        .list_cases(&v.user_id)
        .await?
        .into_iter()
        .map(|c| json!({ "id": c.id.to_string(), "title": c.title, "role": c.role.as_str(), "updated_at": c.updated_at }))
        .collect();
    Ok(Json(json!({ "cases": cases })).into_response())
}

#[derive(Deserialize)]
pub(crate) struct CaseBody {
    title: String,
    toml: String,
}

pub(crate) async fn create_case(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(b): Json<CaseBody>,
) -> ApiResult {
    let v = with_csrf(&state, &headers).await?;
    compute::parse(&b.toml)?;
    let id = state.db.create_case(&v.user_id, &b.title, &b.toml, now()).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id.to_string() }))).into_response())
}

pub(crate) async fn get_case(State(state): State<AppState>, headers: HeaderMap, Path(id): Path<String>) -> ApiResult {
    let v = viewer(&state, &headers).await?;
    let r = state.db.get_case(&v.user_id, &crate::state::case_id(&id)?).await?;
    Ok(Json(json!({
        "id": r.id.to_string(), "title": r.title, "toml": r.toml, "role": r.role.as_str(),
        "created_at": r.created_at, "updated_at": r.updated_at
    }))
    .into_response())
}

pub(crate) async fn update_case(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(b): Json<CaseBody>,
) -> ApiResult {
    let v = with_csrf(&state, &headers).await?;
    // Access first: a stranger learns nothing, not even whether the text would parse.
    let cid = crate::state::case_id(&id)?;
    if !state.db.get_case(&v.user_id, &cid).await?.role.can_edit() {
        return Err(WebError::Forbidden);
    }
    compute::parse(&b.toml)?;
    state.db.update_case(&v.user_id, &crate::state::case_id(&id)?, &b.title, &b.toml, now()).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub(crate) async fn delete_case(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult {
    let v = with_csrf(&state, &headers).await?;
    state.db.delete_case(&v.user_id, &crate::state::case_id(&id)?).await?;
    // The evidence store goes with the case (its files only).
    let dir = state.evidence_dir(&crate::state::case_id(&id)?);
    if dir.join(yuqi_store::DB_FILE).exists() {
        let _ = tokio::task::spawn_blocking(move || yuqi_store::delete_case(&dir, "案件已在网页中删除")).await;
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub(crate) async fn audit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    dates: CaseDates,
) -> ApiResult {
    let v = viewer(&state, &headers).await?;
    let c = computed(&state, &v, &id, dates).await?;
    Ok(Json(json!({ "deadlines": c.timeline.deadlines, "audit": c.audit })).into_response())
}

pub(crate) async fn timeline(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    dates: CaseDates,
) -> ApiResult {
    let v = viewer(&state, &headers).await?;
    let c = computed(&state, &v, &id, dates).await?;
    Ok(Json(json!({ "timeline": c.timeline, "svg": yuqi_timeline::svg::render(&c.timeline) })).into_response())
}

pub(crate) async fn plan(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    dates: CaseDates,
) -> ApiResult {
    let v = viewer(&state, &headers).await?;
    let c = computed(&state, &v, &id, dates).await?;
    let late = yuqi_docs::contacts::unrecorded_demands(&c.case, &c.timeline, &c.contacts, None);
    Ok(Json(json!({ "plan": c.plan, "unrecorded_demands": late })).into_response())
}

#[derive(Deserialize)]
pub(crate) struct MessageQuery {
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    sender: Option<String>,
}

pub(crate) async fn messages(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    dates: CaseDates,
    Query(q): Query<MessageQuery>,
) -> ApiResult {
    let v = viewer(&state, &headers).await?;
    let c = computed(&state, &v, &id, dates).await?;
    let list: Vec<&yuqi_docs::Contact> = c
        .contacts
        .iter()
        .filter(|x| q.code.as_deref().is_none_or(|code| x.hits.iter().any(|h| h.code == code)))
        .filter(|x| q.sender.as_deref().is_none_or(|s| x.from.as_deref() == Some(s)))
        .collect();
    Ok(Json(json!({ "messages": list })).into_response())
}

pub(crate) async fn evidence_status(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    dates: CaseDates,
) -> ApiResult {
    let v = viewer(&state, &headers).await?;
    let c = computed(&state, &v, &id, dates).await?;
    Ok(Json(json!({ "evidence": c.evidence })).into_response())
}

/// The evidence package (zip) a court or regulator checks on its own; 409 with the reason when
/// the store is empty or encrypted.
pub(crate) async fn evidence_package(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult {
    let v = viewer(&state, &headers).await?;
    let rec = state.db.get_case(&v.user_id, &crate::state::case_id(&id)?).await?;
    package_response(&state, &rec).await?.map_err(|why| WebError::Conflict(why.to_string()))
}

pub(crate) async fn upload_evidence(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    mp: Multipart,
) -> ApiResult {
    let v = viewer(&state, &headers).await?;
    let results = import_upload(&state, &v, &id, mp, csrf_header(&headers)).await?;
    let status =
        if results.iter().any(|r| r.result != "refused") { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok((status, Json(json!({ "message": results_line(&results), "files": results }))).into_response())
}

#[derive(Deserialize)]
pub(crate) struct PasteBody {
    text: String,
    /// The day the messages were received (`YYYY-MM-DD`), optional.
    #[serde(default)]
    received_on: String,
    /// The time of day received (`HH:MM`), optional, with `received_on`.
    #[serde(default)]
    received_at: String,
    /// Where the messages came from: `sms` (default), `wechat`, `call` or `other`.
    #[serde(default)]
    channel: String,
    /// The debt the messages are about: a debt id of the case; empty when not sure.
    #[serde(default)]
    debt: String,
    /// Who received them: `self` or empty (the borrower), `relative`, `friend`, `colleague` or
    /// `third_party`.
    #[serde(default)]
    to: String,
}

/// Pasted collector messages (copied from the phone's SMS app or WeChat), stored as evidence.
pub(crate) async fn paste_messages(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(b): Json<PasteBody>,
) -> ApiResult {
    let v = with_csrf(&state, &headers).await?;
    let input = crate::pages::PasteInput {
        text: b.text,
        received: b.received_on,
        received_time: b.received_at,
        source: b.channel,
        debt: b.debt,
        to: b.to,
    };
    let msg = paste_text(&state, &v, &id, &input).await?;
    Ok(Json(json!({ "message": msg })).into_response())
}

#[derive(Deserialize)]
pub(crate) struct JudgmentBody {
    /// A conduct code, as `GET …/messages` lists them (`hits[].code`).
    code: String,
    /// `confirmed`, `rejected` or `cleared` (withdraws an earlier judgment).
    verdict: String,
}

/// The borrower's (or his helper's) judgment of one finding on a stored message — the same
/// record the inbox's buttons make (`pages::record_judgment`): `seq` is the message's
/// `evidence_seq` in `GET …/messages`.
pub(crate) async fn judge_message(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((id, seq)): Path<(String, String)>,
    Json(b): Json<JudgmentBody>,
) -> ApiResult {
    let v = with_csrf(&state, &headers).await?;
    let msg = crate::pages::record_judgment(&state, &v, &id, &seq, &b.code, &b.verdict).await?;
    Ok(Json(json!({ "message": msg })).into_response())
}

/// A letter: the document model as JSON, or a file with `?format=pdf|docx|md|html`.
pub(crate) async fn letter(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((id, kind)): Path<(String, String)>,
    dates: CaseDates,
    Query(q): Query<DocQuery>,
) -> ApiResult {
    let v = viewer(&state, &headers).await?;
    let c = computed(&state, &v, &id, dates).await?;
    let kind = LetterKind::parse(&kind).ok_or_else(|| WebError::BadRequest(format!("没有“{kind}”这种信函")))?;
    let opts = LetterOptions { debt: q.debt.clone(), accept_limitation_effect: q.accept_limitation_effect.is_some() };
    let doc = yuqi_docs::letter(kind, &c.inputs(), &opts)?;
    match q.format.as_deref() {
        None | Some("json") => Ok(Json(json!({ "document": doc })).into_response()),
        Some(f) => document_response(&state, doc, f, c.dates.written()).await,
    }
}

pub(crate) async fn report(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    dates: CaseDates,
    Query(q): Query<DocQuery>,
) -> ApiResult {
    let v = viewer(&state, &headers).await?;
    let c = computed(&state, &v, &id, dates).await?;
    let doc = yuqi_docs::dossier::dossier(&c.inputs());
    match q.format.as_deref() {
        None | Some("json") => Ok(Json(json!({ "document": doc })).into_response()),
        Some(f) => document_response(&state, doc, f, c.dates.written()).await,
    }
}

/// The computation exhibit (计算明细表): JSON by default, or `format=pdf|docx|html|md|csv|xlsx`.
pub(crate) async fn exhibit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    dates: CaseDates,
    Query(q): Query<DocQuery>,
) -> ApiResult {
    let v = viewer(&state, &headers).await?;
    let c = computed(&state, &v, &id, dates).await?;
    match q.format.as_deref() {
        None | Some("json") => Ok(Json(json!({ "exhibit": yuqi_docs::exhibit::exhibit(&c.inputs()) })).into_response()),
        Some(f) => exhibit_response(&state, &c, f, c.dates.written()).await,
    }
}

#[derive(Deserialize)]
pub(crate) struct ValidateBody {
    kind: String,
    value: String,
}

/// Live validation of one field or of a whole case file.
pub(crate) async fn validate(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(b): Json<ValidateBody>,
) -> ApiResult {
    with_csrf(&state, &headers).await?;
    if b.value.len() > 1_000_000 {
        return Err(WebError::BadRequest("内容太长".into()));
    }
    Ok(match check_field(&b.kind, &b.value) {
        Ok(m) => Json(json!({ "ok": true, "message": m })),
        Err(m) => Json(json!({ "ok": false, "message": m })),
    }
    .into_response())
}

#[derive(Deserialize)]
pub(crate) struct ScanBody {
    messages: Vec<Value>,
}

/// The conduct analyzer over posted messages (the analyzer's input lines).
pub(crate) async fn scan(State(state): State<AppState>, headers: HeaderMap, Json(b): Json<ScanBody>) -> ApiResult {
    with_csrf(&state, &headers).await?;
    if b.messages.len() > 10_000 {
        return Err(WebError::BadRequest("一次最多 10,000 条消息".into()));
    }
    // The analyzer is CPU work: off the async workers, bounded with the rest (AppState::cpu).
    let out = state
        .cpu(move || -> Result<Vec<Value>, WebError> {
            let texts: Vec<String> = b.messages.iter().map(Value::to_string).collect();
            let msgs: Vec<yuqi_conduct::Message<'_>> = texts
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    serde_json::from_str(t).map_err(|e| WebError::BadRequest(format!("第 {} 条消息：{e}", i + 1)))
                })
                .collect::<Result<_, _>>()?;
            let an = yuqi_conduct::Analyzer::shared();
            let mut scratch = yuqi_conduct::Scratch::default();
            let log = an.analyze_log(&msgs);
            Ok(msgs
                .iter()
                .zip(log)
                .map(|(m, lh)| {
                    let a = an.analyze(m, &mut scratch);
                    let mut hits = a.hits;
                    hits.extend(lh);
                    json!({ "id": m.id, "hits": hits, "needs_confirmation": a.needs_confirmation })
                })
                .collect())
        })
        .await??;
    Ok(Json(json!({ "results": out })).into_response())
}

#[derive(Deserialize)]
pub(crate) struct LawQuery {
    #[serde(default)]
    q: String,
}

pub(crate) async fn law_search(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<LawQuery>,
) -> ApiResult {
    viewer(&state, &headers).await?;
    Ok(Json(json!({ "query": q.q, "hits": state.law.search(&q.q, 30) })).into_response())
}

#[derive(Deserialize)]
pub(crate) struct ShareBody {
    user: String,
    /// `editor` or `viewer`.
    role: String,
}

/// Shares a case with another user of the organisation (owner only; multi-user mode).
pub(crate) async fn share_case(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Json(b): Json<ShareBody>,
) -> ApiResult {
    let v = with_csrf(&state, &headers).await?;
    let role = yuqi_db::Role::parse(&b.role)
        .filter(|r| *r != yuqi_db::Role::Owner)
        .ok_or_else(|| WebError::BadRequest("role 只能是 editor 或 viewer".into()))?;
    state.db.share_case(&v.user_id, &crate::state::case_id(&id)?, &b.user, role).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
