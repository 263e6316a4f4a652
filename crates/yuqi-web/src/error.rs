//! Errors of the web shell, each with its HTTP status and a Chinese message.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    #[error("找不到这个案件，或你没有权限查看")]
    NotFound,
    #[error("你没有权限做这件事")]
    Forbidden,
    #[error("请先登录")]
    Unauthorized,
    /// Phone mode: a device cookie that no longer pairs (expired, unpaired, server restarted).
    #[error("这部手机的连接已经过期或被断开了。请在电脑上的逾期助手首页点“用手机打开”，再用这部手机扫描新的二维码。")]
    NotPaired,
    #[error("请求来源不被接受（{0}）")]
    BadOrigin(String),
    #[error("表单已过期或来源不明（缺少有效的 CSRF 令牌），请刷新页面后重试")]
    Csrf,
    #[error("{0}")]
    BadRequest(String),
    /// The case's state stands in the way (an empty or encrypted evidence store): HTTP 409
    /// with the Chinese reason.
    #[error("{0}")]
    Conflict(String),
    /// Too many requests of a bounded kind at once (password checks): try again shortly.
    #[error("{0}")]
    Busy(String),
    /// A request parameter the user gave is malformed (HTTP 400); the message names it.
    #[error("{0}")]
    Input(String),
    #[error("案例文件有误：\n{0}")]
    Case(#[from] yuqi_case::CaseErrors),
    /// A letter that cannot be written for this case (which debt, not applicable).
    #[error("{0}")]
    Letter(#[from] yuqi_docs::LetterError),
    #[error("存储出错：{0}")]
    Db(#[source] yuqi_db::DbError),
    #[error("证据库出错：{0}")]
    Evidence(#[from] yuqi_store::StoreError),
    #[error("文档生成出错：{0}")]
    Render(#[from] yuqi_render::RenderError),
    /// The PDF renderer failed to load once and stays unavailable (the message is cached).
    #[error("文档生成出错：{0}")]
    RendererUnavailable(String),
    #[error("页面生成出错：{0}")]
    Page(#[from] askama::Error),
    #[error("后台任务出错：{0}")]
    Task(#[from] tokio::task::JoinError),
    /// The case pipeline stopped: the user's input (a date before the contract, a confirmation
    /// for a debt the case no longer has) or the tool's own failure.
    #[error("{}", app_message(.0))]
    App(#[from] yuqi_app::AppError),
    #[error("读写出错：{0}")]
    Io(#[from] std::io::Error),
    /// A case page that cannot be computed yet because of what the user entered (no debt yet,
    /// a date the law data does not reach): shown with the way forward to the case's form.
    /// `status` is the underlying error's (400 for dates, 422 for the case file).
    #[error("{message}")]
    Unfinished { case_id: String, message: String, status: StatusCode },
}

impl WebError {
    pub fn status(&self) -> StatusCode {
        match self {
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::Forbidden | WebError::Csrf | WebError::BadOrigin(_) | WebError::NotPaired => {
                StatusCode::FORBIDDEN
            }
            WebError::Unauthorized => StatusCode::UNAUTHORIZED,
            WebError::Busy(_) => StatusCode::TOO_MANY_REQUESTS,
            WebError::Conflict(_) => StatusCode::CONFLICT,
            WebError::BadRequest(_) | WebError::Case(_) | WebError::Letter(_) => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::Unfinished { status, .. } => *status,
            WebError::Input(_) => StatusCode::BAD_REQUEST,
            WebError::App(e) if e.is_user_error() => StatusCode::BAD_REQUEST,
            WebError::Db(_)
            | WebError::App(_)
            | WebError::Evidence(_)
            | WebError::Render(_)
            | WebError::RendererUnavailable(_)
            | WebError::Page(_)
            | WebError::Task(_)
            | WebError::Io(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// The pipeline's message, and for the user's own mistakes where to fix them.
fn app_message(e: &yuqi_app::AppError) -> String {
    match e {
        yuqi_app::AppError::Case(errors) => format!("案例文件有误：\n{errors}\n请在“编辑案件”页修改。"),
        e if e.is_user_error() => format!("{e}。请在“编辑案件”页修改，或换一个计算截止日。"),
        e => format!("计算出错：{e}"),
    }
}

impl From<yuqi_db::DbError> for WebError {
    fn from(e: yuqi_db::DbError) -> WebError {
        match e {
            yuqi_db::DbError::NotFound => WebError::NotFound,
            yuqi_db::DbError::Forbidden => WebError::Forbidden,
            e @ yuqi_db::DbError::Busy => WebError::Busy(e.to_string()),
            // What the user asked for cannot be done (an unknown user to share with, oneself, a
            // taken or malformed name, a short password): the user's to fix, not a server failure.
            e @ (yuqi_db::DbError::UnknownUser(_)
            | yuqi_db::DbError::InvalidShare
            | yuqi_db::DbError::InvalidUserName(_)
            | yuqi_db::DbError::ReservedUserName(_)
            | yuqi_db::DbError::UserExists(_)
            | yuqi_db::DbError::PasswordTooShort { .. }
            | yuqi_db::DbError::PasswordTooLong { .. }
            | yuqi_db::DbError::EmptyTitle) => WebError::BadRequest(e.to_string()),
            other => WebError::Db(other),
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = serde_json::json!({ "error": self.to_string(), "status": status.as_u16() });
        (status, axum::Json(body)).into_response()
    }
}
