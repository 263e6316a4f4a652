//! The evidence page: uploads into the case's store, verification.

use super::*;

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
    let (rec, c) = computed(state, &v, id, CaseDates::default()).await?;
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
                i.kind_zh(),
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
                tokio::fs::write(&tmp, &bytes).await?;
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
    tokio::fs::rename(&tmp, &named).await?;
    let r = import_file(dir, rec.title.clone(), named.clone(), None).await?;
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
}

/// Imports a file into the case's evidence store `dir` (created on first use) in one
/// transaction, then removes the file. `format`: `None` detects it. Used by the upload and by
/// the inbox's pasted text.
pub(crate) async fn import_file(
    dir: std::path::PathBuf,
    title: String,
    named: std::path::PathBuf,
    format: Option<yuqi_evidence::import::Format>,
) -> Result<yuqi_store::ImportReport, WebError> {
    let pasted = format == Some(yuqi_evidence::import::Format::PastedText);
    tokio::task::spawn_blocking(move || -> Result<yuqi_store::ImportReport, WebError> {
        let mut st = if dir.join("evidence.sqlite").exists() {
            yuqi_store::Store::open(&dir, None)
        } else {
            std::fs::create_dir_all(&dir)?;
            yuqi_store::Store::create(&dir, &title, None)
        }?;
        let opts = yuqi_store::ImportOptions { format, ..Default::default() };
        let r = st.import_path(&named, &opts, &mut |_, _| {});
        let _ = std::fs::remove_file(&named);
        r.map_err(|e| match e {
            // The store's own message names the command line's --format; on the page, say what
            // can be imported instead.
            yuqi_store::StoreError::Import { error: yuqi_evidence::import::ImportError::Unrecognized(_), .. }
                if !pasted =>
            {
                WebError::BadRequest(
                    "导入失败，证据库没有任何改动：认不出这个文件是哪种手机导出。现在可以导入的有：短信备份（“SMS Backup & Restore”导出的文件）、\
                     通话记录表格、微信聊天导出、录音和截图。直接复制的短信或聊天文字，请粘贴到“催收消息”页面的输入框里保存。"
                        .to_string(),
                )
            }
            e => WebError::BadRequest(format!("导入失败，证据库没有任何改动：{e}")),
        })
    })
    .await?
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

pub(crate) fn tempfile_in(dir: &std::path::Path) -> Result<std::path::PathBuf, WebError> {
    let tmp = dir.join("tmp");
    std::fs::create_dir_all(&tmp)?;
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
    .await?;
    evidence_page(&state, v, &id, msg, good).await
}
