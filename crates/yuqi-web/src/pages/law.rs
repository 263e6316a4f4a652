//! The statutes: search, one article, and the static assets.

use super::*;

#[derive(Template)]
#[template(path = "law.html")]
struct Law {
    csrf: String,
    local: bool,
    user: String,
    q: String,
    hits: Vec<crate::search::Hit>,
    total: usize,
}

#[derive(Deserialize)]
pub(crate) struct LawQuery {
    #[serde(default)]
    q: String,
}

pub(crate) async fn law(State(state): State<AppState>, headers: HeaderMap, Query(q): Query<LawQuery>) -> PageResult {
    let v = viewer(&state, &headers).await?;
    let hits = state.law.search(&q.q, 30);
    html(Law { csrf: v.csrf, local: v.local, user: v.name, q: q.q, hits, total: state.law.len() })
}

#[derive(Template)]
#[template(path = "article.html")]
struct ArticlePage {
    csrf: String,
    local: bool,
    user: String,
    label: String,
    doc_title: String,
    doc_number: String,
    confidence: String,
    text_kind: String,
    paragraphs: Vec<String>,
    note: String,
}

pub(crate) async fn article(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((doc, art)): Path<(String, String)>,
) -> PageResult {
    let v = viewer(&state, &headers).await?;
    let (d, a) = yuqi_law::law().article(&doc, &art).ok_or(WebError::NotFound)?;
    html(ArticlePage {
        csrf: v.csrf,
        local: v.local,
        user: v.name,
        label: yuqi_law::law().citation_label(d.id, a.number),
        doc_title: d.title.to_string(),
        doc_number: d.doc_number.to_string(),
        confidence: a.confidence.label_zh().to_string(),
        // The schema's three kinds (yuqi_law::schema::TEXT_KINDS), as a reader says them.
        text_kind: match a.text_kind {
            "verbatim" => "条文原文",
            "excerpt" => "条文节录",
            _ => "内容摘要",
        }
        .to_string(),
        paragraphs: a.text.lines().map(str::to_string).collect(),
        note: a.note.to_string(),
    })
}

fn asset(body: &'static str, mime: &'static str) -> Response {
    let mut res = Response::new(Body::from(body));
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    res
}

pub(crate) async fn css() -> Response {
    asset(include_str!("../../static/app.css"), "text/css; charset=utf-8")
}

pub(crate) async fn js() -> Response {
    asset(include_str!("../../static/app.js"), "application/javascript; charset=utf-8")
}
