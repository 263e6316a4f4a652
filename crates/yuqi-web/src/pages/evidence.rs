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
    /// The index: number, kind, time, other party, findings. Each item's fingerprint is in the
    /// package (and the chain's head under 给律师或法院核对), not in front of the borrower.
    rows: Vec<(u64, String, String, String, String)>,
    /// Each uploaded file's outcome, when the page answers an upload of several.
    results: Vec<FileResult>,
}

async fn evidence_page(state: &AppState, v: Viewer, id: &str, message: String, good: bool) -> PageResult {
    evidence_page_with(state, v, id, message, good, Vec::new()).await
}

async fn evidence_page_with(
    state: &AppState,
    v: Viewer,
    id: &str,
    message: String,
    good: bool,
    results: Vec<FileResult>,
) -> PageResult {
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
            )
        })
        .collect();
    html(EvidencePage {
        csrf: v.csrf,
        local: v.local,
        user: v.name,
        id: rec.id.to_string(),
        title: super::shown_title(rec.title),
        total,
        head,
        // With several files, each one's outcome is listed instead.
        message: if results.len() > 1 { String::new() } else { message },
        message_class: if good { "ok" } else { "error" },
        rows,
        results: if results.len() > 1 { results } else { Vec::new() },
    })
}

/// The evidence page with an error message, answered with `status`.
pub(crate) async fn evidence_page_status(
    state: &AppState,
    v: Viewer,
    id: &str,
    message: String,
    status: StatusCode,
) -> PageResult {
    let mut res = evidence_page(state, v, id, message, false).await?;
    *res.status_mut() = status;
    Ok(res)
}

pub(crate) async fn evidence(State(state): State<AppState>, headers: HeaderMap, Path(id): Path<String>) -> PageResult {
    let v = viewer(&state, &headers).await?;
    evidence_page(&state, v, &id, String::new(), true).await
}

/// What became of one uploaded file.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct FileResult {
    pub(crate) name: String,
    /// `imported`, `duplicate` (the same file was imported before), `unread` (a screenshot kept
    /// as evidence whose text could not be read) or `refused`.
    pub(crate) result: &'static str,
    /// What happened, in Chinese.
    pub(crate) message: String,
}

/// At most this many files in one upload: a phone's gallery selection, not a whole disk.
const MAX_FILES: usize = 50;

/// Imports the uploaded files into the case's evidence store (created on first use), one after
/// another, each in its own transaction: one file refused leaves the others imported and
/// changes nothing itself. Each upload is streamed to a temporary file (never held in memory
/// whole), named by the server — the name the phone gave it is kept as data. The temporary
/// files are removed however the request ends.
pub(crate) async fn import_upload(
    state: &AppState,
    v: &Viewer,
    id: &str,
    mut mp: Multipart,
    header_csrf: Option<&str>,
) -> Result<Vec<FileResult>, WebError> {
    let rec = state.db.get_case(&v.user_id, &crate::state::case_id(id)?).await?;
    if rec.role == yuqi_db::Role::Viewer {
        return Err(WebError::Forbidden);
    }
    let mut csrf_ok = header_csrf.is_some_and(|h| check_csrf(&v.csrf, Some(h)).is_ok());
    let dir = state.evidence_dir(&rec.id);
    let mut results = Vec::new();
    while let Some(mut field) = mp.next_field().await.map_err(upload_failed)? {
        match field.name() {
            Some("csrf") => {
                let t = field.text().await.map_err(upload_failed)?;
                csrf_ok |= check_csrf(&v.csrf, Some(&t)).is_ok();
            }
            Some("file") => {
                if !csrf_ok {
                    return Err(WebError::Csrf);
                }
                let name = field.file_name().map(display_name).unwrap_or_else(|| "上传的文件".into());
                // A form with no file chosen still sends one empty, nameless part.
                if field.file_name().is_none_or(str::is_empty) && results.is_empty() {
                    continue;
                }
                if results.len() == MAX_FILES {
                    return Err(WebError::BadRequest(format!(
                        "一次最多上传 {MAX_FILES} 个文件。前 {MAX_FILES} 个已处理，其余请分批再传。"
                    )));
                }
                let tmp = TempFile::new(&state.cfg.data_dir)?;
                let mut out = tokio::fs::File::create(&tmp.0).await?;
                while let Some(chunk) = field.chunk().await.map_err(upload_failed)? {
                    out.write_all(&chunk).await?;
                }
                out.flush().await?;
                drop(out);
                let opts = yuqi_store::ImportOptions::default();
                let r = import_file(state, dir.clone(), rec.title.clone(), tmp, name.clone(), opts).await;
                results.push(file_result(name, r)?);
            }
            _ => {}
        }
    }
    if !csrf_ok {
        return Err(WebError::Csrf);
    }
    if results.is_empty() {
        return Err(WebError::BadRequest("没有收到文件：请先选择手机导出的文件或截图，再点“导入”。".into()));
    }
    Ok(results)
}

/// One file's outcome; errors that are the file's own (refused, unrecognised) become a result,
/// the server's own failures stay errors.
fn file_result(name: String, r: Result<Imported, WebError>) -> Result<FileResult, WebError> {
    let (r, found) = match r {
        Ok(Imported { report, found }) => (report, found),
        Err(WebError::BadRequest(message)) => return Ok(FileResult { name, result: "refused", message }),
        Err(e) => return Err(e),
    };
    if r.already_imported {
        let message = format!("{name} 已经导入过（内容完全相同），没有新增记录。");
        return Ok(FileResult { name, result: "duplicate", message });
    }
    let mut result = "imported";
    let message = match &r.screenshot {
        // The image is kept, its text is not read: an error for the borrower, in words he can act
        // on from a phone (the install command in `note` is for whoever runs the computer).
        Some(yuqi_store::ScreenshotReport { unread: Some(why), .. }) => {
            result = "unread";
            format!(
                "截图 {name} 已经原样存入证据库，可以作为证据；但{why}，所以没有读出其中的消息。请打开“催收消息”页，把截图里的催收消息打字或复制粘贴进去，系统会逐条查看有没有违规。"
            )
        }
        Some(s) if s.messages > 0 => {
            let mut m = format!(
                "已导入截图 {name}：机器从截图里认出 {} 条消息，其中 {} 条发现违规迹象。这些文字标为“机器识别”，请到“催收消息”页对照截图原图核对。",
                s.messages, s.flagged
            );
            if let Some(note) = &s.note {
                m.push_str(note);
                m.push('。');
            }
            m
        }
        Some(s) => format!(
            "已保存截图 {name}（原图已存入证据库），但没有认出文字：{}。可以把消息文字复制后粘贴到“催收消息”页。",
            s.note.as_deref().unwrap_or("没有读出聊天消息")
        ),
        None if r.format == yuqi_evidence::import::Format::File.label_zh() => {
            format!("已保存 {name}（原样存入证据库，之后有任何改动，核验时都会查出来）。")
        }
        None => format!(
            "已导入 {name}（{}）：新增 {} 条记录（重复 {} 条），{}。",
            r.format,
            r.new_items,
            r.duplicates,
            found.line()
        ),
    };
    let stamp = r.summary.warnings.iter().find(|w| w.starts_with(yuqi_store::TIMESTAMP_NOTE));
    let message = match stamp {
        Some(note) => format!("{message} {note}"),
        None => message,
    };
    Ok(FileResult { name, result, message })
}

/// The results as one line for the page's message and the API's `message`.
pub(crate) fn results_line(results: &[FileResult]) -> String {
    results.iter().map(|r| r.message.as_str()).collect::<Vec<_>>().join(" ")
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
/// transaction, recorded under `name`; the temporary file goes when done. `opts.format`: `None`
/// detects it. Used by the upload and by the inbox's pasted text.
pub(crate) async fn import_file(
    state: &AppState,
    dir: std::path::PathBuf,
    title: String,
    file: TempFile,
    name: String,
    opts: yuqi_store::ImportOptions,
) -> Result<Imported, WebError> {
    let pasted = opts.format == Some(yuqi_evidence::import::Format::PastedText);
    // Several uploads to one case at once (a phone sending a few files) import one after another.
    let lock = state.import_lock(&dir);
    let _turn = lock.lock().await;
    state
        .cpu(move || -> Result<Imported, WebError> {
            let mut st = if dir.join(yuqi_store::DB_FILE).exists() {
                yuqi_store::Store::open(&dir, None)
            } else {
                std::fs::create_dir_all(&dir)?;
                yuqi_store::Store::create(&dir, &title, None)
            }?;
            let mut r = st.import_path_as(&file.0, &name, &opts, &mut |_, _| {});
            // Trusted time, when `yuqi serve` runs with YUQI_TSA (docs/evidence.md): after an import
            // that added entries; the note joins the file's message, and a failure never undoes it.
            if let Ok(rep) = &mut r
                && !rep.already_imported
                && rep.new_items > 0
                && let Some(note) = st.stamp_after_import()
            {
                rep.summary.warnings.push(note);
            }
            let unrecognized = matches!(
                r,
                Err(yuqi_store::StoreError::Import { error: yuqi_evidence::import::ImportError::Unrecognized(_), .. })
            );
            // What the file looks like, for the refusal: read before the file goes.
            let found = unrecognized.then(|| {
                let mut head = Vec::with_capacity(8192);
                let _ = std::io::Read::read_to_end(
                    &mut std::io::Read::take(std::fs::File::open(&file.0).ok()?, 8192),
                    &mut head,
                );
                Some(yuqi_evidence::sniff::describe(&name, &head))
            });
            drop(file);
            let findings = match &r {
                Ok(rep) if !rep.already_imported => match (rep.first_seq, rep.last_seq) {
                    (Some(first), Some(last)) => Found::of(&st, first, last)?,
                    _ => Found::default(),
                },
                _ => Found::default(),
            };
            r.map(|report| Imported { report, found: findings }).map_err(|e| match found.flatten() {
                // The store's own message names the command line's --format; on the page, say what
                // was found and what can be imported instead.
                Some(found) if !pasted => WebError::BadRequest(format!(
                    "{name} 没有导入，证据库没有任何改动：认不出这是哪种手机导出（收到的是{found}）。现在可以导入的有：\
                     短信备份（“SMS Backup & Restore”“短信导入导出”导出的文件）、通话记录表格、微信聊天导出（留痕的表格、文字、网页）、\
                     iPhone 信息导出、录音和截图。直接复制的短信或聊天文字，请粘贴到“催收消息”页面的输入框里保存。"
                )),
                _ => WebError::BadRequest(format!("{name} 没有导入，证据库没有任何改动：{e}")),
            })
        })
        .await?
}

/// An import's report and what the analyzer found in the records it added.
#[derive(Debug)]
pub(crate) struct Imported {
    pub(crate) report: yuqi_store::ImportReport,
    pub(crate) found: Found,
}

/// What the analyzer found in the records one import added. The store's `flagged` counts the
/// words (`yuqi-conduct` on each text); the timing rules (night hours, calls a day, rotating
/// numbers, contact after a request to stop) judge when and how often calls and messages came,
/// over the whole store, and find what words cannot — a call log has none. The summary counts
/// both, so it never says "0" beside a night-call finding on the same page.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    /// Records with any finding, from the words or the timing.
    pub(crate) flagged: u64,
    /// Of them, per timing rule: how many records it found.
    pub(crate) timing: Vec<(yuqi_conduct::Code, u64)>,
    /// Messages and calls added without a known time (neither the limitation period nor the
    /// timing rules can use them).
    pub(crate) undated: u64,
}

impl Found {
    /// The findings on the records `first..=last`, as the evidence page lists them.
    fn of(st: &yuqi_store::Store, first: u64, last: u64) -> Result<Found, WebError> {
        let mut found = Found::default();
        for item in st.list(None, None, usize::MAX)?.iter().filter(|i| (first..=last).contains(&i.seq)) {
            if item.channel.is_some() && item.time.is_none() {
                found.undated += 1;
            }
            if item.codes.is_empty() {
                continue;
            }
            found.flagged += 1;
            let mut timing: Vec<yuqi_conduct::Code> =
                item.codes.iter().filter_map(|c| yuqi_conduct::Code::parse(c)).filter(|c| !c.is_text_level()).collect();
            timing.sort();
            timing.dedup();
            for code in timing {
                match found.timing.iter_mut().find(|(c, _)| *c == code) {
                    Some((_, n)) => *n += 1,
                    None => found.timing.push((code, 1)),
                }
            }
        }
        found.timing.sort();
        Ok(found)
    }

    /// `其中 3 条发现违规迹象；按来电和消息的时间、次数判断，3 条在夜间（22点至次日8点）打来或发来`;
    /// the night hours come from the law data in force today.
    pub(crate) fn line(&self) -> String {
        let mut line = format!("其中 {} 条发现违规迹象", self.flagged);
        if self.timing.is_empty() {
            return line;
        }
        let today = crate::compute::today();
        let parts: Vec<String> = self
            .timing
            .iter()
            .map(|(code, n)| match code {
                yuqi_conduct::Code::NightContact => {
                    let start = yuqi_docs::legal::number_or("conduct.night_start_hour", today, "晚上规定时间");
                    let end = yuqi_docs::legal::number_or("conduct.night_end_hour", today, "早上规定时间");
                    format!("{n} 条在夜间（{start}点至次日{end}点）打来或发来")
                }
                other => format!("{n} 条属于{}", other.label_zh()),
            })
            .collect();
        line.push_str(&format!("；按来电和消息的时间、次数判断，{}", parts.join("，")));
        line
    }
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
        Ok(results) => {
            let kept = results.iter().any(|r| r.result != "refused");
            // Success styling only when every file went in as asked.
            let good = results.iter().all(|r| matches!(r.result, "imported" | "duplicate"));
            let mut res = evidence_page_with(&state, v, &id, results_line(&results), good, results).await?;
            if !kept {
                *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            }
            Ok(res)
        }
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
                Ok(r) if r.ok() => (
                    format!("核验通过：{} 条记录都和保存时一模一样，前后相连，中间没有被改动或删除。", r.entries),
                    true,
                ),
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

/// A stored screenshot or photo, shown beside the messages read from it (the borrower checks the
/// machine's reading against the image). Only PNG and JPEG entries are served, with their own
/// type: nothing else in a store is ever sent to the browser as something it would run.
pub(crate) async fn evidence_image(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((id, seq)): Path<(String, u64)>,
) -> Result<Response, PageError> {
    let v = viewer(&state, &headers).await?;
    let rec = state.db.get_case(&v.user_id, &crate::state::case_id(&id)?).await?;
    let dir = state.evidence_dir(&rec.id);
    let found = state
        .cpu(move || -> Result<Option<(&'static str, Vec<u8>)>, WebError> {
            if !dir.join(yuqi_store::DB_FILE).exists() {
                return Ok(None);
            }
            let st = yuqi_store::Store::open(&dir, None)?;
            let Ok((entry, content)) = st.item(seq) else { return Ok(None) };
            let meta: serde_json::Value = serde_json::from_str(&entry.metadata).unwrap_or_default();
            let mime = match meta.pointer("/media/mime").and_then(|m| m.as_str()) {
                Some("image/png") => "image/png",
                Some("image/jpeg") => "image/jpeg",
                _ => return Ok(None),
            };
            Ok(Some((mime, content)))
        })
        .await??;
    let Some((mime, content)) = found else { return Err(PageError(WebError::NotFound)) };
    let mut res = Response::new(Body::from(content));
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=3600"));
    Ok(res)
}
