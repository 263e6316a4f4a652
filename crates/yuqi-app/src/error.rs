//! What can stop the pipeline, typed so that each shell can tell the user's mistakes (HTTP 400,
//! exit code 2) from its own failures.

use crate::world::WorldError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The case file itself is wrong (every error with its line and column).
    #[error("{0}")]
    Case(#[from] yuqi_case::CaseErrors),
    /// A demand confirmed in the evidence store belongs to a debt the case file no longer has.
    /// Confirmations cannot be withdrawn, so the case file has to follow.
    #[error(
        "证据库中确认的催收事件（{proposal}）归入了借款“{debt}”，案例文件中没有这笔借款。\
         确认不能撤回：请把案例文件中对应借款的编号改为“{debt}”，或不使用证据库再算"
    )]
    UnknownConfirmedDebt { proposal: String, debt: String },
    /// The case cannot be computed at these dates (an as-of date before a contract, a date
    /// the law data does not reach), each problem naming the field to change.
    #[error("{0}")]
    Input(#[from] yuqi_ledger::InputErrors),
    #[error("核算失败：{0}")]
    Audit(#[from] yuqi_ledger::AuditError),
    #[error("时间线分析失败：{0}")]
    Timeline(#[source] yuqi_law::LawError),
    #[error("还款计划计算失败：{0}")]
    Plan(#[from] yuqi_plan::PlanError),
    #[error(transparent)]
    World(#[from] WorldError),
}

impl AppError {
    /// True when the user can fix it by changing the case file, the dates or the evidence
    /// assignment; false for the tool's own failures (law data, storage).
    pub fn is_user_error(&self) -> bool {
        match self {
            AppError::Case(_) | AppError::UnknownConfirmedDebt { .. } | AppError::Input(_) => true,
            AppError::Audit(e) => matches!(e, yuqi_ledger::AuditError::Input(_)),
            AppError::World(e) => e.is_user_error(),
            AppError::Timeline(_) | AppError::Plan(_) => false,
        }
    }
}
