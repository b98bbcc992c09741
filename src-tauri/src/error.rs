//! The one error every command returns: `{code, message, hint}` from whichever core module failed.

use keyden_core::Coded;
use keyden_protocol::ErrorReply;

#[derive(Debug, serde::Serialize)]
#[serde(transparent)]
pub struct AppError(pub ErrorReply);

impl<E: Coded> From<E> for AppError {
    fn from(e: E) -> Self {
        AppError(e.to_reply())
    }
}

impl AppError {
    pub fn new(code: &str, message: impl Into<String>, hint: Option<&str>) -> Self {
        AppError(ErrorReply { code: code.into(), message: message.into(), hint: hint.map(Into::into) })
    }
}

pub type AppResult<T> = Result<T, AppError>;
