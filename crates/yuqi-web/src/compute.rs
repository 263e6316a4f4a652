//! The web app's side of the case pipeline (`yuqi-app`): the case text from the database, the
//! case's evidence store directory, and the dates from the clock and the request's query
//! (`?as_of=YYYY-MM-DD&filing_date=YYYY-MM-DD`, as the CLI's `--as-of` and `--filing-date`).

use std::path::PathBuf;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use chrono::NaiveDate;
use yuqi_app::{AppError, Dates, EvidenceSnapshot, StoreWorld, World, WorldError};

pub(crate) use yuqi_app::Computed;

use crate::error::WebError;

/// Today in China (UTC+8).
pub(crate) fn today() -> NaiveDate {
    yuqi_util::china_today()
}

/// Parses a case file's text; errors carry line and column.
pub(crate) fn parse(toml: &str) -> Result<yuqi_case::Case, WebError> {
    yuqi_case::parse_case(toml, "case.toml").map_err(WebError::Case)
}

/// The user's date overrides from the query string.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub(crate) struct CaseDates {
    pub(crate) as_of: Option<NaiveDate>,
    pub(crate) filing_date: Option<NaiveDate>,
}

impl CaseDates {
    fn parse_query(query: Option<&str>) -> Result<CaseDates, WebError> {
        let mut out = CaseDates::default();
        for pair in query.unwrap_or("").split('&') {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let (slot, name) = match k {
                "as_of" => (&mut out.as_of, "计算截止日"),
                "filing_date" => (&mut out.filing_date, "起诉日"),
                _ => continue,
            };
            if v.is_empty() {
                continue;
            }
            let d = NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| {
                WebError::Input(format!("{name}（{k}）的格式应为 YYYY-MM-DD，例如 2026-11-24，而不是“{v}”"))
            })?;
            *slot = Some(d);
        }
        Ok(out)
    }

    /// The dates a computation runs with today.
    pub(crate) fn dates(self) -> Dates {
        Dates { today: today(), as_of: self.as_of, filing_date: self.filing_date, written: None }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CaseDates {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<CaseDates, WebError> {
        CaseDates::parse_query(parts.uri.query())
    }
}

struct WebWorld {
    toml: String,
    store: StoreWorld,
}

impl World for WebWorld {
    fn case(&self) -> Result<yuqi_case::Case, AppError> {
        Ok(yuqi_case::parse_case(&self.toml, "case.toml")?)
    }

    fn evidence(&self) -> Result<Option<EvidenceSnapshot>, WorldError> {
        self.store.evidence()
    }
}

pub(crate) fn compute(toml: &str, evidence_dir: PathBuf, dates: Dates) -> Result<Computed, WebError> {
    let world = WebWorld { toml: toml.to_string(), store: StoreWorld::new(&evidence_dir) };
    yuqi_app::run(&world, dates).map_err(WebError::from)
}

/// Runs the core on a stored case (in a blocking thread: the audit is CPU work).
pub(crate) async fn for_record(
    state: &crate::state::AppState,
    rec: &yuqi_db::CaseRecord,
    dates: CaseDates,
) -> Result<Computed, WebError> {
    let dir = state.evidence_dir(&rec.id);
    let toml = rec.toml.clone();
    state.cpu(move || compute(&toml, dir, dates.dates())).await?
}

/// Reads a case the viewer may see and runs the core on it.
pub(crate) async fn load(
    state: &crate::state::AppState,
    v: &crate::auth::Viewer,
    id: &str,
    dates: CaseDates,
) -> Result<(yuqi_db::CaseRecord, Computed), WebError> {
    let rec = state.db.get_case(&v.user_id, &crate::state::case_id(id)?).await?;
    let c = for_record(state, &rec, dates).await?;
    Ok((rec, c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_dates_are_read_and_bad_ones_named() {
        let d = CaseDates::parse_query(Some("debt=hjd&as_of=2025-01-02&filing_date=")).expect("ok");
        assert_eq!(d.as_of, NaiveDate::from_ymd_opt(2025, 1, 2));
        assert_eq!(d.filing_date, None);
        let e = CaseDates::parse_query(Some("filing_date=2025-13-01")).expect_err("bad");
        assert!(e.to_string().contains("起诉日"), "{e}");
        assert_eq!(e.status(), axum::http::StatusCode::BAD_REQUEST);
    }
}
