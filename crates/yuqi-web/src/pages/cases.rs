//! A new case, the case overview, and the result pages (each a section of the dossier).

use super::*;

#[derive(Deserialize)]
pub(crate) struct NewCase {
    csrf: String,
    #[serde(default)]
    title: String,
    template: String,
}

pub(crate) async fn create_case(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<NewCase>,
) -> PageResult {
    let v = viewer(&state, &headers).await?;
    check_csrf(&v.csrf, Some(&f.csrf))?;
    let (title, toml) = match f.template.as_str() {
        "demo" => (compute::parse(DEMO_CASE)?.title, DEMO_CASE.to_string()),
        _ => (
            if f.title.trim().is_empty() { "我的借款".to_string() } else { f.title.trim().to_string() },
            BLANK_CASE.to_string(),
        ),
    };
    let id = state.db.create_case(&v.user_id, &title, &toml, now()).await?;
    if f.template == "demo" {
        let res = Redirect::to(&format!("/cases/{id}")).into_response();
        return Ok(with_cookie(res, &state, "yq_seen", "1", SEEN_MAX_AGE));
    }
    // A new case opens on its first question, with what the triage already learnt.
    let rec = state.db.get_case(&v.user_id, &id).await?;
    state.db.save_interview(&v.user_id, &id, &new_interview(&headers), &rec.toml, now()).await?;
    let res = Redirect::to(&format!("/cases/{id}/interview")).into_response();
    Ok(with_cookie(res, &state, "yq_seen", "1", SEEN_MAX_AGE))
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct Dashboard {
    csrf: String,
    local: bool,
    user: String,
    id: String,
    title: String,
    /// Rendered sections (escaped HTML from `yuqi_render::html::blocks`).
    deadlines: String,
    summary: String,
    plan: String,
    /// What the collector's threats make him fear, answered first (`yuqi_docs::reassure`):
    /// (statement, basis).
    answers: Vec<(String, String)>,
    /// What to do next, first on the page: every step of the plan (title, why it comes there —
    /// for a debt's step, else empty — detail). The plan section below, which lists them again
    /// with the budget, the order and each debt's options, is folded.
    next: Vec<(String, String, String)>,
    /// For a case built through the interview: what its unknown answers kept from the results.
    gaps: Vec<String>,
    assumptions: Vec<String>,
    interview: bool,
}

/// One section as page HTML. Each part of a page is read on its own: its legal words are
/// explained where first used.
fn section_html(section: Section, inputs: &yuqi_docs::Inputs<'_>, opts: &SectionOptions) -> String {
    let mut blocks = section.blocks(inputs, opts);
    yuqi_docs::glossary::explain_first_use(&mut blocks);
    yuqi_render::html::blocks(&blocks)
}

pub(crate) async fn dashboard(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    dates: CaseDates,
) -> PageResult {
    let v = viewer(&state, &headers).await?;
    let (rec, c) = computed(&state, &v, &id, dates).await?;
    // The same sections as the dossier and the CLI; the plan without its per-debt detail
    // would be a second rendering, so the overview shows it whole.
    let opts = SectionOptions { trace: false, charts: false, commands: false };
    let inputs = c.inputs();
    let render = |s: Section| section_html(s, &inputs, &opts);
    let built = built(&rec);
    html(Dashboard {
        csrf: v.csrf,
        local: v.local,
        user: v.name,
        id: rec.id.to_string(),
        deadlines: render(Section::Deadlines),
        summary: render(Section::Summary),
        plan: render(Section::Plan),
        answers: yuqi_docs::reassure::answers(&c.contacts).into_iter().map(|a| (a.text, a.basis.join("；"))).collect(),
        next: c
            .plan
            .steps
            .iter()
            .map(|s| (s.title.clone(), s.why.clone().unwrap_or_default(), s.detail.clone()))
            .collect(),
        interview: built.is_some(),
        gaps: built.as_ref().map(|b| b.gaps.clone()).unwrap_or_default(),
        assumptions: built.map(|b| b.assumptions).unwrap_or_default(),
        title: super::shown_title(rec.title),
    })
}

#[derive(Template)]
#[template(path = "fragment.html")]
struct Fragment {
    csrf: String,
    local: bool,
    user: String,
    id: String,
    title: String,
    heading: String,
    body: String,
}

async fn section_page(
    state: AppState,
    headers: HeaderMap,
    id: String,
    dates: CaseDates,
    section: Section,
) -> PageResult {
    let v = viewer(&state, &headers).await?;
    // Access is checked on every request; only the rendered content is reused.
    let rec = state.db.get_case(&v.user_id, &crate::state::case_id(&id)?).await?;
    // The case text itself is in the key (an update within the same second must not serve the
    // old page); hashing a few kilobytes costs microseconds.
    let digest = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        rec.toml.hash(&mut h);
        dates.hash(&mut h);
        h.finish()
    };
    let key = format!("{section:?}|{}|{digest:016x}|{}|{}", rec.id, state.evidence_stamp(&rec.id), compute::today());
    let body = match state.cached_page(&key) {
        Some(b) => b,
        None => {
            let c = compute::for_record(&state, &rec, dates).await.map_err(|e| unless_fixable(&rec, e))?;
            let body = state.cpu(move || section_html(section, &c.inputs(), &SectionOptions::FULL)).await?;
            let body = std::sync::Arc::new(body);
            state.cache_page(key, body.clone());
            body
        }
    };
    html(Fragment {
        csrf: v.csrf,
        local: v.local,
        user: v.name,
        id: rec.id.to_string(),
        title: super::shown_title(rec.title),
        heading: section.title_zh().into(),
        body: body.as_str().to_string(),
    })
}

pub(crate) async fn audit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    dates: CaseDates,
) -> PageResult {
    section_page(state, headers, id, dates, Section::Audit).await
}

pub(crate) async fn timeline(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    dates: CaseDates,
) -> PageResult {
    section_page(state, headers, id, dates, Section::Timeline).await
}
