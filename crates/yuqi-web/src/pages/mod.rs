//! The HTML pages (Simplified Chinese). Each handler finds the viewer, reads the case through
//! the storage layer (which enforces access), runs the core and renders a compiled template.

use askama::Template;
use axum::Form;
use axum::body::Body;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use yuqi_docs::{Block, LetterKind, LetterOptions, Section, SectionOptions};

use crate::auth::{SESSION_COOKIE, SESSION_TTL, Viewer, now, viewer};
use crate::compute::{self, CaseDates, Computed};
use crate::error::WebError;
use crate::security::{check_csrf, csrf_header, set_cookie};
use crate::state::{AppState, Mode};

mod cases;
mod edit;
mod evidence;
mod exhibit;
mod home;
mod inbox;
mod interview;
mod judge;
mod law;
mod letters;
mod login;
mod package;
mod tie;
mod triage;

pub(crate) use cases::*;
pub(crate) use edit::*;
pub(crate) use evidence::*;
pub(crate) use exhibit::*;
pub(crate) use home::*;
pub(crate) use inbox::*;
pub(crate) use interview::*;
pub(crate) use judge::*;
pub(crate) use law::*;
pub(crate) use letters::*;
pub(crate) use login::*;
pub(crate) use package::*;
pub(crate) use tie::*;
pub(crate) use triage::*;

/// The bundled demo case, offered on the first page.
pub(crate) const DEMO_CASE: &str = include_str!("../../../../examples/demo.toml");

/// Whether a stored case is the bundled example (made from [`DEMO_CASE`] here or by
/// `yuqi serve` on first run): the case list and its overview mark it as an example, so a
/// borrower never takes 林晓梅's debts for his own. Known by its title, which both places take
/// from the demo file (the store keeps no other mark of where a case came from).
pub(crate) fn is_example(title: &str) -> bool {
    !demo_title().is_empty() && (title == demo_title() || FORMER_DEMO_TITLES.contains(&title))
}

/// The demo's titles before it was called 示例 everywhere (the case list said 示例, its own
/// title 演示): copies made then are still the example.
const FORMER_DEMO_TITLES: [&str; 1] = ["演示：林晓梅的三笔网贷"];

fn demo_title() -> &'static str {
    static TITLE: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| compute::parse(DEMO_CASE).map(|c| c.title).unwrap_or_default());
    TITLE.as_str()
}

/// A stored case's title as the borrower reads it: a copy of the example made under a former
/// title is shown by the current one, so that the example has one name.
pub(crate) fn shown_title(title: String) -> String {
    if is_example(&title) { demo_title().to_string() } else { title }
}

/// The example's name in the case list, where its tag already says 示例.
pub(crate) fn example_name() -> &'static str {
    demo_title().strip_prefix("示例：").unwrap_or(demo_title())
}

pub(crate) const BLANK_CASE: &str =
    "version = 1\n\n[case]\ntitle = \"我的借款\"\n\n[person]\n# monthly_income = 5000\n# essential_expenses = 3000\n";

/// A page's error: an HTML page (or a redirect to the login page).
pub(crate) struct PageError(pub WebError);

impl From<WebError> for PageError {
    fn from(e: WebError) -> PageError {
        PageError(e)
    }
}

/// Every error a handler can meet becomes a page through [`WebError`].
macro_rules! page_error_from {
    ($($t:ty),*) => {$(
        impl From<$t> for PageError {
            fn from(e: $t) -> PageError {
                PageError(e.into())
            }
        }
    )*};
}
page_error_from!(yuqi_db::DbError, yuqi_docs::LetterError, tokio::task::JoinError);

/// A case page that cannot be computed yet: the case's navigation and the way to its form.
#[derive(Template)]
#[template(path = "unfinished.html")]
struct Unfinished {
    csrf: String,
    local: bool,
    user: String,
    id: String,
    message: String,
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    csrf: String,
    local: bool,
    user: String,
    message: String,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        if matches!(self.0, WebError::Unauthorized) {
            return Redirect::to("/login").into_response();
        }
        if let WebError::Unfinished { case_id, message, .. } = &self.0 {
            let page = Unfinished {
                csrf: String::new(),
                local: true,
                user: String::new(),
                id: case_id.clone(),
                message: message.clone(),
            };
            let body = page.render().unwrap_or_else(|_| message.clone());
            return (self.0.status(), Html(body)).into_response();
        }
        let page = ErrorPage { csrf: String::new(), local: true, user: String::new(), message: self.0.to_string() };
        let body = page.render().unwrap_or_else(|_| self.0.to_string());
        (self.0.status(), Html(body)).into_response()
    }
}

type PageResult = Result<Response, PageError>;

/// Adds a `Set-Cookie` (HttpOnly, SameSite=Strict) to a response.
fn with_cookie(mut res: Response, state: &AppState, name: &str, value: &str, max_age: i64) -> Response {
    if let Ok(c) = HeaderValue::from_str(&set_cookie(name, value, max_age, state.cfg.secure_cookies)) {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    res
}

const SEEN_MAX_AGE: i64 = 365 * 24 * 3600;

fn html(t: impl Template) -> PageResult {
    t.render().map(|s| Html(s).into_response()).map_err(|e| PageError(WebError::Page(e)))
}

/// Runs the core on the case (in a blocking thread: the audit and typst are CPU work).
async fn computed(
    state: &AppState,
    v: &Viewer,
    id: &str,
    dates: CaseDates,
) -> Result<(yuqi_db::CaseRecord, Computed), PageError> {
    let rec = state.db.get_case(&v.user_id, &crate::state::case_id(id)?).await?;
    match compute::for_record(state, &rec, dates).await {
        Ok(c) => Ok((rec, c)),
        Err(e) => Err(unless_fixable(&rec, e)),
    }
}

/// What the user can fix is never a dead end: the page says what is missing and leads to the
/// case's form; anything else is the error page.
fn unless_fixable(rec: &yuqi_db::CaseRecord, e: WebError) -> PageError {
    if !is_users(&e) {
        return e.into();
    }
    let message = if rec.toml.contains("[[debt]]") {
        e.to_string()
    } else {
        // What the interview's unknown answers left out, when that is why nothing computes.
        match interview::built(rec).map(|b| b.gaps).unwrap_or_default() {
            gaps if !gaps.is_empty() => format!("还没有能核算的借款：{}", gaps.join("")),
            _ => "还没有录入借款。先把第一笔借款填进来：在哪个平台借的、合同写多少、实际到手多少、怎么还。".to_string(),
        }
    };
    PageError(WebError::Unfinished { case_id: rec.id.to_string(), message, status: e.status() })
}

fn is_users(e: &WebError) -> bool {
    match e {
        WebError::Case(_) => true,
        WebError::App(a) => a.is_user_error(),
        _ => false,
    }
}
