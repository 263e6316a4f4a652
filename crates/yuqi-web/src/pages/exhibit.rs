//! The computation exhibit (计算明细表) as a download: PDF, DOCX, HTML, Markdown, or a
//! spreadsheet (CSV, XLSX) a court clerk opens. The page route and the API route share
//! [`exhibit_response`].

use super::*;

/// The exhibit of a computed case in `format` (`pdf` by default; `csv`, `xlsx`, or any format
/// [`document_response`] writes).
pub(crate) async fn exhibit_response(
    state: &AppState,
    c: &Computed,
    format: &str,
    today: chrono::NaiveDate,
) -> Result<Response, WebError> {
    let inputs = c.inputs();
    match format {
        "csv" | "xlsx" => {
            let ex = yuqi_docs::exhibit::exhibit(&inputs);
            let name = if ex.title.is_empty() {
                "计算明细表".to_string()
            } else {
                format!("计算明细表：{}", ex.title)
            };
            let sheets = yuqi_docs::exhibit::sheets(&ex);
            Ok(if format == "csv" {
                attachment(yuqi_render::sheet::csv(&sheets), "text/csv; charset=utf-8", &name, "csv")
            } else {
                attachment(
                    yuqi_render::sheet::xlsx(&sheets)?,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    &name,
                    "xlsx",
                )
            })
        }
        _ => document_response(state, yuqi_docs::exhibit::exhibit_doc(&inputs), format, today).await,
    }
}

pub(crate) async fn download_exhibit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    dates: CaseDates,
    Query(q): Query<DocQuery>,
) -> PageResult {
    let v = viewer(&state, &headers).await?;
    let (_, c) = computed(&state, &v, &id, dates).await?;
    Ok(exhibit_response(&state, &c, q.format.as_deref().unwrap_or("pdf"), c.dates.written()).await?)
}
