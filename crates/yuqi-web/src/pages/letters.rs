//! Letters and the dossier as downloads.

use super::*;

#[derive(Template)]
#[template(path = "letters.html")]
struct Letters {
    csrf: String,
    local: bool,
    user: String,
    id: String,
    title: String,
    letters: Vec<LetterEntry>,
    /// Said above the letters when some messages are tied to no debt of several (they are in
    /// no letter about one debt); empty otherwise.
    untied: String,
}

/// One letter the case could use: what it is for, and either where to download it or, in
/// place, why it does not apply now.
pub(crate) struct LetterEntry {
    kind: &'static str,
    title: &'static str,
    purpose: &'static str,
    /// The debt's key (for the link) and the name the borrower knows it by; empty for letters
    /// about the whole case.
    debt: String,
    debt_name: String,
    /// Why the tool will not write it as things stand; empty when it can be downloaded.
    reason: String,
    /// Writing it would cost the limitation defence: it is offered only after saying so.
    needs_consent: bool,
}

pub(crate) async fn letters(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    dates: CaseDates,
) -> PageResult {
    let v = viewer(&state, &headers).await?;
    let (rec, c) = computed(&state, &v, &id, dates).await?;
    let inputs = c.inputs();
    let mut letters = Vec::new();
    for kind in LetterKind::ALL {
        let debts: Vec<Option<&str>> =
            if kind.per_debt() { c.case.debts.iter().map(|d| Some(d.id.as_str())).collect() } else { vec![None] };
        for debt in debts {
            let opts = LetterOptions { debt: debt.map(str::to_string), accept_limitation_effect: false };
            // Each letter is built once here (pure and quick) so that the page offers only what
            // applies and says why the others do not.
            let (reason, needs_consent) = match yuqi_docs::letter(kind, &inputs, &opts) {
                Ok(_) => (String::new(), false),
                Err(yuqi_docs::LetterError::LimitationConsent(why)) => (why, true),
                Err(e) => (e.to_string(), false),
            };
            letters.push(LetterEntry {
                kind: kind.id(),
                title: kind.title_zh(),
                purpose: kind.purpose_zh(),
                debt: debt.unwrap_or_default().to_string(),
                debt_name: debt.map(|d| c.case.debt_name(d)).unwrap_or_default(),
                reason,
                needs_consent,
            });
        }
    }
    // What can be sent now first, in the order of LetterKind::ALL.
    letters.sort_by_key(|l| !l.reason.is_empty());
    let untied = yuqi_docs::letters::untied_notice(&c.case, &c.contacts).unwrap_or_default();
    html(Letters {
        csrf: v.csrf,
        local: v.local,
        user: v.name,
        id: rec.id.to_string(),
        title: super::shown_title(rec.title),
        letters,
        untied,
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
            yuqi_render::docx::docx(&doc)?,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
        ),
        "md" => (yuqi_render::markdown::markdown(&doc).into_bytes(), "text/markdown; charset=utf-8", "md"),
        "html" => (yuqi_render::html::html(&doc).into_bytes(), "text/html; charset=utf-8", "html"),
        _ => {
            let st = state.clone();
            let pdf = state
                .cpu(move || {
                    let r = st.renderer().map_err(WebError::RendererUnavailable)?;
                    Ok::<_, WebError>(r.doc_pdf(&doc, (today.year(), today.month() as u8, today.day() as u8))?)
                })
                .await??;
            (pdf, "application/pdf", "pdf")
        }
    };
    Ok(attachment(bytes, mime, &name, ext))
}

/// A file download named `name.ext`.
pub(crate) fn attachment(bytes: Vec<u8>, mime: &'static str, name: &str, ext: &str) -> Response {
    let mut res = Response::new(Body::from(bytes));
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    if let Some(v) = content_disposition(name, ext) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

/// `Content-Disposition` of a download named `name.ext`: an RFC 5987 filename for the Chinese
/// title, an ASCII fallback for old clients.
pub(crate) fn content_disposition(name: &str, ext: &str) -> Option<HeaderValue> {
    let encoded: String = format!("{name}.{ext}").bytes().map(|b| format!("%{b:02X}")).collect();
    HeaderValue::from_str(&format!("attachment; filename=\"yuqi.{ext}\"; filename*=UTF-8''{encoded}")).ok()
}

pub(crate) async fn download_letter(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((id, kind)): Path<(String, String)>,
    dates: CaseDates,
    Query(q): Query<DocQuery>,
) -> PageResult {
    let v = viewer(&state, &headers).await?;
    let (_, c) = computed(&state, &v, &id, dates).await?;
    let kind_name = q.kind.clone().unwrap_or(kind);
    let kind =
        LetterKind::parse(&kind_name).ok_or_else(|| WebError::BadRequest(format!("没有“{kind_name}”这种信函")))?;
    let opts = LetterOptions {
        debt: q.debt.clone().filter(|d| !d.is_empty()),
        accept_limitation_effect: q.accept_limitation_effect.is_some(),
    };
    let doc = yuqi_docs::letter(kind, &c.inputs(), &opts)?;
    Ok(document_response(&state, doc, q.format.as_deref().unwrap_or("pdf"), c.dates.written()).await?)
}

pub(crate) async fn download_report(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    dates: CaseDates,
    Query(q): Query<DocQuery>,
) -> PageResult {
    let v = viewer(&state, &headers).await?;
    let (_, c) = computed(&state, &v, &id, dates).await?;
    let doc = yuqi_docs::dossier::dossier(&c.inputs());
    Ok(document_response(&state, doc, q.format.as_deref().unwrap_or("pdf"), c.dates.written()).await?)
}
