//! The evidence package download: the case's store exported with `Store::export` to the zip a
//! court or regulator checks on its own (docs/evidence.md, 证据包). The package is written to a
//! server-named temporary file and streamed from it, never held in memory whole: a store with
//! recordings can be far larger than a page.

use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::Bytes;
use tokio::io::{AsyncRead, ReadBuf};

use super::evidence::{TempFile, evidence_page_status};
use super::*;

/// Why there is no package to give: the borrower's situation, not the tool's failure.
const EMPTY: &str = "证据库还是空的，还没有可以打包的证据。先在上面导入手机导出的文件或截图，或在“催收消息”页粘贴催收短信，之后就能下载证据包。";
const ENCRYPTED: &str = "这个案件的证据库设了口令（加密），网页版打不开加了口令的证据库，所以不能在这里下载证据包。加密的证据库是在电脑上用命令行建的，请用同样的方式导出证据包。";

/// The exported package, opened and already unlinked (the open handle keeps it readable until
/// the download ends; nothing is left on disk whatever happens to the connection), or why
/// there is none.
enum Exported {
    Package { file: std::fs::File, len: u64 },
    Refused(&'static str),
}

pub(crate) async fn download_evidence_package(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> PageResult {
    let v = viewer(&state, &headers).await?;
    let rec = state.db.get_case(&v.user_id, &crate::state::case_id(&id)?).await?;
    match package_response(&state, &rec).await {
        Ok(Ok(res)) => Ok(res),
        Ok(Err(why)) => refused(&state, v, &id, why.to_string(), StatusCode::CONFLICT).await,
        Err(e) => {
            let why = format!("证据包没能生成，证据库没有任何改动：{e}");
            refused(&state, v, &id, why, StatusCode::INTERNAL_SERVER_ERROR).await
        }
    }
}

/// The case's evidence package as a zip download, or why there is none (the store is empty or
/// encrypted: the borrower's situation, in words). The page and the JSON API both answer with it.
pub(crate) async fn package_response(
    state: &AppState,
    rec: &yuqi_db::CaseRecord,
) -> Result<Result<Response, &'static str>, WebError> {
    let dir = state.evidence_dir(&rec.id);
    // Not in the middle of an upload's import: the package is one consistent state.
    let lock = state.import_lock(&dir);
    let turn = lock.lock().await;
    let st = state.clone();
    let exported = state.cpu(move || export(&st, &dir)).await?;
    drop(turn);
    let (file, len) = match exported? {
        Exported::Package { file, len } => (file, len),
        Exported::Refused(why) => return Ok(Err(why)),
    };
    let body = FileBody { file: tokio::fs::File::from_std(file), left: len, buf: vec![0; CHUNK] };
    let mut res = Response::new(Body::new(body));
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/zip"));
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    // Evidence with third parties' numbers: no shared cache keeps a copy.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    if let Some(d) = content_disposition(&format!("证据包-{}", rec.title), "zip") {
        h.insert(header::CONTENT_DISPOSITION, d);
    }
    Ok(Ok(res))
}

/// The evidence page with the reason in place of the download (409 when the store's state
/// stands in the way, 500 for the tool's own failure). A store the page itself cannot show (an
/// encrypted one) gets the error page with the same words: never a dead end without a reason.
async fn refused(state: &AppState, v: Viewer, id: &str, why: String, status: StatusCode) -> PageResult {
    match evidence_page_status(state, v, id, why.clone(), status).await {
        Ok(res) => Ok(res),
        Err(_) => {
            let mut res = PageError(WebError::Conflict(why)).into_response();
            *res.status_mut() = status;
            Ok(res)
        }
    }
}

/// Writes the package of the store in `dir` to a temporary file; with the index as PDF when the
/// renderer works (a court clerk opens a PDF), as HTML alone otherwise.
fn export(state: &AppState, dir: &std::path::Path) -> Result<Exported, WebError> {
    if !dir.join(yuqi_store::DB_FILE).exists() {
        return Ok(Exported::Refused(EMPTY));
    }
    let store = match yuqi_store::Store::open(dir, None) {
        Ok(s) => s,
        Err(yuqi_store::StoreError::Crypt(yuqi_store::CryptError::PassphraseNeeded)) => {
            return Ok(Exported::Refused(ENCRYPTED));
        }
        Err(e) => return Err(e.into()),
    };
    if store.entry_count()? == 0 {
        return Ok(Exported::Refused(EMPTY));
    }
    let tmp = TempFile::new(&state.cfg.data_dir)?;
    let render_pdf = |markup: &str, today: (i32, u8, u8)| {
        state.renderer().and_then(|r| r.pdf(markup, today).map_err(|e| e.to_string()))
    };
    let with_pdf =
        yuqi_store::ExportOptions { redact: false, index_pdf: Some(&render_pdf as yuqi_store::IndexPdf<'_>) };
    match store.export(&tmp.0, &with_pdf) {
        Ok(_) => {}
        // The typesetter failed (fonts missing): the HTML index and everything else still make a
        // complete package that verifies.
        Err(yuqi_store::StoreError::Render(_)) => {
            store.export(&tmp.0, &yuqi_store::ExportOptions::default())?;
        }
        Err(e) => return Err(e.into()),
    }
    let file = std::fs::File::open(&tmp.0)?;
    let len = file.metadata()?.len();
    // Unlinks the file; the open handle still reads it.
    drop(tmp);
    Ok(Exported::Package { file, len })
}

/// Bytes read from the package file per frame.
const CHUNK: usize = 256 * 1024;

/// A response body read from an open file, `left` bytes long.
struct FileBody {
    file: tokio::fs::File,
    left: u64,
    buf: Vec<u8>,
}

impl http_body::Body for FileBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, std::io::Error>>> {
        let this = &mut *self;
        if this.left == 0 {
            return Poll::Ready(None);
        }
        let want = usize::try_from(this.left).map_or(this.buf.len(), |l| l.min(this.buf.len()));
        let mut rb = ReadBuf::new(&mut this.buf[..want]);
        match Pin::new(&mut this.file).poll_read(cx, &mut rb) {
            Poll::Ready(Ok(())) if rb.filled().is_empty() => {
                Poll::Ready(Some(Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "证据包文件比开始时短"))))
            }
            Poll::Ready(Ok(())) => {
                let n = rb.filled().len();
                this.left -= n as u64;
                Poll::Ready(Some(Ok(http_body::Frame::data(Bytes::copy_from_slice(rb.filled())))))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Some(Err(e))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.left == 0
    }

    fn size_hint(&self) -> http_body::SizeHint {
        http_body::SizeHint::with_exact(self.left)
    }
}
