//! The guided interview: one question per screen, saved after every answer, ending on a review
//! screen. The questions and the case file they build are `yuqi_app::interview`; this is the
//! page around them. The case file editor stays as the expert view.

use std::collections::BTreeMap;

use yuqi_app::interview::{Answers, Built, FieldKind, Hints, Question, Step};

use super::*;

/// The triage's answers, kept in a cookie until a case is made (never sent anywhere else).
pub(crate) const TRIAGE_COOKIE: &str = "yq_triage";

/// The cookie's value: only the answers the interview reuses, each from a closed set or digits.
pub(crate) fn triage_cookie(court: &str, abuse: &str, spare: &str) -> String {
    let spare: String = spare.chars().filter(|c| c.is_ascii_digit() || *c == '.').take(12).collect();
    let pick = |v: &str, allowed: &[&str]| if allowed.contains(&v) { v.to_string() } else { String::new() };
    format!("{}.{}.{spare}", pick(court, &["yes", "no", "unsure"]), pick(abuse, &["yes", "no", "jail"]))
}

fn hints_from(headers: &HeaderMap) -> Hints {
    let Some(v) = crate::security::cookie(headers, TRIAGE_COOKIE) else { return Hints::default() };
    let mut parts = v.splitn(3, '.');
    let (court, abuse, spare) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    Hints {
        available: (!spare.is_empty()).then(|| spare.to_string()),
        court: matches!(court, "yes" | "no" | "unsure").then(|| court.to_string()),
        threatened_jail: abuse == "jail",
    }
}

/// A new case built through the interview, with what the triage learnt.
pub(crate) fn new_interview(headers: &HeaderMap) -> String {
    let a = Answers { hints: hints_from(headers), ..Answers::default() };
    serde_json::to_string(&a).unwrap_or_default()
}

/// A case written as a case file (not by the interview) with a debt in it: its interview
/// addresses lead to the editor, and no answer may rebuild — and so replace — its file.
fn written_as_file(rec: &yuqi_db::CaseRecord) -> bool {
    rec.interview.is_none() && rec.toml.contains("[[debt]]")
}

fn editor(rec: &yuqi_db::CaseRecord) -> PageResult {
    Ok(Redirect::to(&format!("/cases/{}/edit", rec.id)).into_response())
}

fn answers_of(rec: &yuqi_db::CaseRecord) -> Option<Answers> {
    rec.interview.as_deref().map(|j| serde_json::from_str(j).unwrap_or_default())
}

/// The case file the answers make (the demand dated today, as the borrower answers today).
pub(crate) fn built(rec: &yuqi_db::CaseRecord) -> Option<Built> {
    answers_of(rec).map(|a| yuqi_app::interview::build(&a, &rec.title, compute::today()))
}

#[derive(Template)]
#[template(path = "interview.html")]
struct Screen {
    csrf: String,
    local: bool,
    user: String,
    id: String,
    title: String,
    step: String,
    back: String,
    /// The part of the interview and the screen's number in it (see `Answers::stage`).
    stage: String,
    at: usize,
    of: usize,
    q: Question,
    errors: Vec<String>,
    calm: Option<Calm>,
    /// Messages step: the split to confirm, and the pasted text.
    preview: Vec<super::inbox::PastedMessage>,
    pasted: String,
    received: String,
    received_time: String,
    source: String,
    debt: String,
    /// The case's debts for the paste box's 这些消息是哪笔借款的催收 (none while the case file
    /// cannot be read).
    debts: Vec<(String, String)>,
    /// Who received the messages (empty: 我本人).
    to: String,
    /// The paste box (`paste_box.html`) posts here, and may be skipped.
    paste_action: String,
    skippable: bool,
}

/// A review line: (the screen's address, the question, the answer as shown).
type Line = (String, String, String);

#[derive(Template)]
#[template(path = "interview_review.html")]
struct Review {
    csrf: String,
    local: bool,
    user: String,
    id: String,
    title: String,
    back: String,
    debts: Vec<(usize, String, Vec<Line>)>,
    others: Vec<Line>,
    gaps: Vec<String>,
    assumptions: Vec<String>,
    problem: String,
    /// A removal asked for and not yet confirmed: (the debt's index, its name as shown).
    confirm_remove: Option<(usize, String)>,
}

impl Screen {
    /// A question answered by tapping a choice has no "next" button.
    fn has_choices(&self) -> bool {
        self.q.fields.iter().any(|f| matches!(f.kind, FieldKind::Choice(_)))
    }
}

fn calm_for(a: &Answers, step: Step) -> Option<Calm> {
    let first = step == Step::Debt(0, yuqi_app::interview::Q::App) || step == Step::Messages;
    (a.hints.threatened_jail && first).then(|| {
        let s = yuqi_timeline::risk::default_is_not_a_crime();
        Calm { text: s.text, basis: s.basis.join("；") }
    })
}

fn url(id: &str, step: Step) -> String {
    format!("/cases/{id}/interview/{}", step.slug())
}

/// The interview of a case: where to continue. A case written as a case file goes to the
/// editor (its expert view) unless it is empty.
pub(crate) async fn interview_start(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> PageResult {
    let v = viewer(&state, &headers).await?;
    let rec = state.db.get_case(&v.user_id, &crate::state::case_id(&id)?).await?;
    if written_as_file(&rec) {
        return editor(&rec);
    }
    let a = match answers_of(&rec) {
        Some(a) => a,
        None => {
            let a = Answers { hints: hints_from(&headers), ..Answers::default() };
            save(&state, &v, &rec, &a).await?;
            a
        }
    };
    Ok(Redirect::to(&url(rec.id.as_ref(), a.next())).into_response())
}

async fn save(state: &AppState, v: &Viewer, rec: &yuqi_db::CaseRecord, a: &Answers) -> Result<(), WebError> {
    let built = yuqi_app::interview::build(a, &rec.title, compute::today());
    // What the interview builds always parses; if it ever did not, the answers are still kept
    // and the case file stays as it was (the review screen says so).
    // (A case file without a debt yet is saved: its pages say what is missing.)
    let fine = !built.toml.contains("[[debt]]") || compute::parse(&built.toml).is_ok();
    let toml = if fine { built.toml } else { rec.toml.clone() };
    let json = serde_json::to_string(a).map_err(|e| WebError::BadRequest(e.to_string()))?;
    state.db.save_interview(&v.user_id, &rec.id, &json, &toml, now()).await?;
    Ok(())
}

async fn load(
    state: &AppState,
    v: &Viewer,
    id: &str,
    step: &str,
) -> Result<(yuqi_db::CaseRecord, Answers, Step), PageError> {
    let rec = state.db.get_case(&v.user_id, &crate::state::case_id(id)?).await?;
    let a = answers_of(&rec).unwrap_or_default();
    let step = Step::parse(step).filter(|s| a.has_step(*s)).unwrap_or_else(|| a.next());
    Ok((rec, a, step))
}

/// Why an answer was refused, and the answer as the borrower typed it: the screen shows it
/// again in its fields, so a slip in one field does not cost him what he typed in the others.
#[derive(Default)]
struct Refused {
    errors: Vec<String>,
    typed: BTreeMap<String, String>,
}

impl Refused {
    fn because(errors: Vec<String>) -> Refused {
        Refused { errors, typed: BTreeMap::new() }
    }
}

fn screen(
    v: Viewer,
    rec: &yuqi_db::CaseRecord,
    a: &Answers,
    step: Step,
    refused: Refused,
    preview: Vec<super::inbox::PastedMessage>,
    pasted: super::inbox::PasteInput,
) -> PageResult {
    let Refused { errors, typed } = refused;
    let mut q = a.question(step);
    for f in &mut q.fields {
        if let Some(t) = typed.get(f.name)
            && !matches!(f.kind, FieldKind::Choice(_))
        {
            f.value = t.trim().to_string();
        }
    }
    let id = rec.id.to_string();
    let (stage, at, of) = a.stage(step);
    let back = a.previous(step).map_or_else(|| format!("/cases/{id}"), |s| url(&id, s));
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    if step == Step::Review {
        return review(v, rec, a, back, None, String::new());
    }
    let mut res = html(Screen {
        csrf: v.csrf,
        local: v.local,
        user: v.name,
        title: rec.title.clone(),
        step: step.slug(),
        back,
        stage,
        at,
        of,
        q,
        errors,
        calm: calm_for(a, step),
        preview,
        pasted: pasted.text,
        received: pasted.received,
        received_time: pasted.received_time,
        source: pasted.source,
        debt: pasted.debt,
        to: pasted.to,
        debts: yuqi_case::parse_case(&rec.toml, "case.toml").map(|c| super::inbox::paste_debts(&c)).unwrap_or_default(),
        paste_action: format!("/cases/{id}/interview/messages"),
        skippable: true,
        id,
    })?;
    *res.status_mut() = status;
    Ok(res)
}

/// The review screen; with `confirm_remove`, it first asks whether to remove that debt.
fn review(
    v: Viewer,
    rec: &yuqi_db::CaseRecord,
    a: &Answers,
    back: String,
    confirm_remove: Option<usize>,
    note: String,
) -> PageResult {
    let id = rec.id.to_string();
    let built = yuqi_app::interview::build(a, &rec.title, compute::today());
    let problem = if !note.is_empty() {
        note
    } else if built.toml.contains("[[debt]]") && compute::parse(&built.toml).is_err() {
        "这些回答生成的借款信息有问题，结果可能不是最新的；请检查每一项，或在“专家视图”里修改。".to_string()
    } else {
        String::new()
    };
    let confirm_remove = confirm_remove.filter(|i| *i < a.debts.len()).map(|i| (i, a.debt_label(i)));
    let mut debts: Vec<(usize, String, Vec<Line>)> =
        (0..a.debts.len()).map(|i| (i, a.debt_label(i), Vec::new())).collect();
    let mut others = Vec::new();
    for (step, question, answer) in a.review() {
        let line = (url(&id, step), question, answer);
        match step {
            Step::Debt(i, _) => {
                if let Some(d) = debts.get_mut(i) {
                    d.2.push(line);
                }
            }
            _ => others.push(line),
        }
    }
    html(Review {
        csrf: v.csrf,
        local: v.local,
        user: v.name,
        title: rec.title.clone(),
        back,
        debts,
        others,
        gaps: built.gaps,
        assumptions: built.assumptions,
        problem,
        confirm_remove,
        id,
    })
}

pub(crate) async fn interview_step(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((id, step)): Path<(String, String)>,
) -> PageResult {
    let v = viewer(&state, &headers).await?;
    let (rec, a, step) = load(&state, &v, &id, &step).await?;
    if written_as_file(&rec) {
        return editor(&rec);
    }
    screen(v, &rec, &a, step, Refused::default(), Vec::new(), Default::default())
}

/// An answer: checked, saved, and on to the next screen without an answer.
pub(crate) async fn interview_answer(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((id, step)): Path<(String, String)>,
    Form(form): Form<BTreeMap<String, String>>,
) -> PageResult {
    let v = viewer(&state, &headers).await?;
    check_csrf(&v.csrf, form.get("csrf").map(String::as_str))?;
    let (rec, mut a, step) = load(&state, &v, &id, &step).await?;
    if written_as_file(&rec) {
        return editor(&rec);
    }
    if rec.role == yuqi_db::Role::Viewer {
        return Err(WebError::Forbidden.into());
    }
    let field = |k: &str| form.get(k).map_or("", |s| s.trim());
    match step {
        Step::Review => match field("action") {
            "add" => a.add_debt(),
            // Removing a loan throws away every answer about it: first the question, then
            // the removal on a second post that names the same loan.
            "remove" => {
                let back = a.previous(step).map_or_else(|| format!("/cases/{id}"), |s| url(&id, s));
                return review(v, &rec, &a, back, field("debt").parse().ok(), String::new());
            }
            "remove_confirmed" => {
                let i: usize = field("debt").parse().unwrap_or(usize::MAX);
                if i >= a.debts.len() || a.debt_label(i) != field("label") {
                    // The list changed since the question was asked (another tab, a removal
                    // before): nothing is removed on a guess.
                    let back = a.previous(step).map_or_else(|| format!("/cases/{id}"), |s| url(&id, s));
                    let note = "借款列表已经变了，没有删除任何借款。请在下面重新选择要删除的那一笔。".to_string();
                    let mut res = review(v, &rec, &a, back, None, note)?;
                    *res.status_mut() = StatusCode::CONFLICT;
                    return Ok(res);
                }
                a.remove_debt(i);
            }
            _ => {
                save(&state, &v, &rec, &a).await?;
                return Ok(Redirect::to(&format!("/cases/{}", rec.id)).into_response());
            }
        },
        Step::Messages if field("value") != "skipped" => {
            let input = super::inbox::PasteInput::from_fields(|k| field(k).to_string());
            if input.text.is_empty() {
                let errs = vec!["没有粘贴任何文字：把消息粘贴到框里，或者点“跳过”。".to_string()];
                return screen(v, &rec, &a, step, Refused::because(errs), Vec::new(), input);
            }
            if field("confirm").is_empty() {
                // First the split, for the borrower to check.
                return match super::inbox::preview_paste(&state, &input).await {
                    Ok(p) if !p.is_empty() => screen(v, &rec, &a, step, Refused::default(), p, input),
                    Ok(_) => {
                        let why = Refused::because(vec!["没有认出任何消息，请检查粘贴的文字".into()]);
                        screen(v, &rec, &a, step, why, Vec::new(), input)
                    }
                    Err(e) => screen(v, &rec, &a, step, Refused::because(vec![e.to_string()]), Vec::new(), input),
                };
            }
            if let Err(e) = super::inbox::paste_text(&state, &v, &id, &input).await {
                return screen(v, &rec, &a, step, Refused::because(vec![e.to_string()]), Vec::new(), input);
            }
            let mut f = BTreeMap::new();
            f.insert("value".to_string(), "saved".to_string());
            let _ = a.set(step, &f, compute::today());
        }
        _ => {
            if let Err(errs) = a.set(step, &form, compute::today()) {
                let refused = Refused { errors: errs, typed: form.clone() };
                return screen(v, &rec, &a, step, refused, Vec::new(), Default::default());
            }
        }
    }
    save(&state, &v, &rec, &a).await?;
    // Straight on while answering in order; after a change from the review, back to it.
    let next = a.next();
    Ok(Redirect::to(&url(rec.id.as_ref(), next)).into_response())
}
