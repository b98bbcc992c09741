//! How the CLI fails: `{code, message, hint}` on stderr (JSON with `--json`), exit 1 or 2.

use keyden_core::protocol::ErrorReply;
use keyden_core::Coded;

pub struct Failure {
    pub reply: ErrorReply,
    pub exit: u8,
}

impl Failure {
    pub fn usage(code: &str, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Failure { reply: ErrorReply { code: code.into(), message: message.into(), hint: Some(hint.into()) }, exit: 2 }
    }

    pub fn failed(code: &str, message: impl Into<String>, hint: Option<String>) -> Self {
        Failure { reply: ErrorReply { code: code.into(), message: message.into(), hint }, exit: 1 }
    }

    /// A non-zero exit that has already said everything on stdout (an inspection's verdict).
    pub fn quiet(exit: u8) -> Self {
        Failure { reply: ErrorReply { code: String::new(), message: String::new(), hint: None }, exit }
    }

    pub fn print(&self, json: bool) {
        if self.reply.code.is_empty() {
            return;
        }
        if json {
            eprintln!("{}", serde_json::to_string(&self.reply).expect("error replies serialize"));
        } else {
            eprintln!("keyden: {}", self.reply.message);
            if let Some(hint) = &self.reply.hint {
                eprintln!("  hint: {hint}");
            }
        }
    }
}

impl<E: Coded> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure { reply: e.to_reply(), exit: 1 }
    }
}
