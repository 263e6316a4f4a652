//! The evidence page: uploads into the case's store, verification.

use tokio::io::AsyncWriteExt as _;

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
/// streamed to a temporary file (never held in memory whole), named by the server — the name the
/// phone gave it is kept as data; the store imports it in one transaction. The temporary file is
/// removed however the request ends.
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
    let mut spooled: Option<(TempFile, String)> = None;
    while let Some(mut field) = mp.next_field().await.map_err(upload_failed)? {
        match field.name() {
            Some("csrf") => {
                let t = field.text().await.map_err(upload_failed)?;
                csrf_ok |= check_csrf(&v.csrf, Some(&t)).is_ok();
            }
            Some("file") if spooled.is_none() => {
                if !csrf_ok {
                    return Err(WebError::Csrf);
                }
                let name = field.file_name().map(display_name).unwrap_or_else(|| "上传的文件".into());
                let tmp = TempFile::new(&state.cfg.data_dir)?;
                let mut out = tokio::fs::File::create(&tmp.0).await?;
                while let Some(chunk) = field.chunk().await.map_err(upload_failed)? {
                    out.write_all(&chunk).await?;
                }
                out.flush().await?;
                spooled = Some((tmp, name));
            }
            _ => {}
        }
    }
    if !csrf_ok {
        return Err(WebError::Csrf);
    }
    let Some((tmp, name)) = spooled else {
        return Err(WebError::BadRequest("没有收到文件".into()));
    };
    let r = import_file(state, dir, rec.title.clone(), tmp, name.clone(), None).await?;
    Ok(if r.already_imported {
        format!("{name} 已经导入过（内容完全相同），没有新增记录。")
    } else {
        format!(
            "已导入 {name}：新增 {} 条记录（重复 {} 条），其中 {} 条发现违规迹象。",
            r.new_items, r.duplicates, r.flagged
        )
    })
}

/// The multipart reader's own text is English; the page says what happened in Chinese.
fn upload_failed(e: axum::extract::multipart::MultipartError) -> WebError {
    WebError::BadRequest(if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        "上传失败：文件太大，证据库没有任何改动。".to_string()
    } else {
        "上传失败（连接中断或上传的内容不完整），证据库没有任何改动。请再上传一次。".to_string()
    })
}

/// A file under `data/tmp/` with a random name, removed when dropped: an upload that fails at
/// any step (a broken connection, a refused import, a full disk) leaves nothing behind.
#[derive(Debug)]
pub(crate) struct TempFile(pub(crate) std::path::PathBuf);

impl TempFile {
    pub(crate) fn new(data_dir: &std::path::Path) -> Result<TempFile, WebError> {
        let tmp = data_dir.join("tmp");
        std::fs::create_dir_all(&tmp)?;
        Ok(TempFile(tmp.join(crate::security::random_token())))
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Imports a spooled file into the case's evidence store `dir` (created on first use) in one
/// transaction, recorded under `name`; the temporary file goes when done. `format`: `None`
/// detects it. Used by the upload and by the inbox's pasted text.
pub(crate) async fn import_file(
    state: &AppState,
    dir: std::path::PathBuf,
    title: String,
    file: TempFile,
    name: String,
    format: Option<yuqi_evidence::import::Format>,
) -> Result<yuqi_store::ImportReport, WebError> {
    let pasted = format == Some(yuqi_evidence::import::Format::PastedText);
    // Several uploads to one case at once (a phone sending a few files) import one after another.
    let lock = state.import_lock(&dir);
    let _turn = lock.lock().await;
    state
        .cpu(move || -> Result<yuqi_store::ImportReport, WebError> {
            let mut st = if dir.join(yuqi_store::DB_FILE).exists() {
                yuqi_store::Store::open(&dir, None)
            } else {
                std::fs::create_dir_all(&dir)?;
                yuqi_store::Store::create(&dir, &title, None)
            }?;
            let opts = yuqi_store::ImportOptions { format, ..Default::default() };
            let r = st.import_path_as(&file.0, &name, &opts, &mut |_, _| {});
            drop(file);
            r.map_err(|e| match e {
                // The store's own message names the command line's --format; on the page, say what
                // can be imported instead.
                yuqi_store::StoreError::Import {
                    error: yuqi_evidence::import::ImportError::Unrecognized(_), ..
                } if !pasted => WebError::BadRequest(
                    "导入失败，证据库没有任何改动：认不出这个文件是哪种手机导出。现在可以导入的有：短信备份（“SMS Backup & Restore”导出的文件）、\
                     通话记录表格、微信聊天导出、录音和截图。直接复制的短信或聊天文字，请粘贴到“催收消息”页面的输入框里保存。"
                        .to_string(),
                ),
                e => WebError::BadRequest(format!("导入失败，证据库没有任何改动：{e}")),
            })
        })
        .await?
}

/// The name a phone gave an upload, as the evidence keeps it: path separators and control
/// characters dropped (a name is data here, but it is shown on pages and in letters), at most
/// 255 characters.
fn display_name(name: &str) -> String {
    let s: String = name
        .chars()
        .filter(|c| !matches!(c, '/' | '\\') && !c.is_control())
        .take(255)
        .collect::<String>()
        .trim()
        .to_string();
    if s.is_empty() || s == "." || s == ".." { "上传的文件".into() } else { s }
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
    let (msg, good) = state
        .cpu(move || {
            if !dir.join(yuqi_store::DB_FILE).exists() {
                return ("证据库还是空的。".to_string(), true);
            }
            // A store that does not open or read is a finding, not an error (Store::verify_dir).
            match yuqi_store::Store::verify_dir(&dir, None, None, &mut |_, _| {}) {
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
