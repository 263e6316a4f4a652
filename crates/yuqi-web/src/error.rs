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
    #[error("请求来源不被接受（{0}）")]
    BadOrigin(String),
    #[error("表单已过期或来源不明（缺少有效的 CSRF 令牌），请刷新页面后重试")]
    Csrf,
    #[error("{0}")]
    BadRequest(String),
    #[error("案例文件有误：\n{0}")]
    Case(String),
    #[error("存储出错：{0}")]
    Db(String),
    #[error("计算出错：{0}")]
    Compute(String),
    #[error("读写出错：{0}")]
    Io(String),
}

impl WebError {
    pub fn status(&self) -> StatusCode {
        match self {
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::Forbidden | WebError::Csrf | WebError::BadOrigin(_) => StatusCode::FORBIDDEN,
            WebError::Unauthorized => StatusCode::UNAUTHORIZED,
            WebError::BadRequest(_) | WebError::Case(_) => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::Db(_) | WebError::Compute(_) | WebError::Io(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl From<yuqi_db::DbError> for WebError {
    fn from(e: yuqi_db::DbError) -> WebError {
        match e {
            yuqi_db::DbError::NotFound => WebError::NotFound,
            yuqi_db::DbError::Forbidden => WebError::Forbidden,
            other => WebError::Db(other.to_string()),
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
