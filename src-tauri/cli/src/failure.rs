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
        // A message may carry a server's or a file's words: escaped like every other output.
        if json {
            let reply = serde_json::to_string(&self.reply).expect("error replies serialize");
            eprintln!("{}", crate::output::json_safe(&reply));
        } else {
            crate::output::say(&format!("keyden: {}", crate::output::clean(&self.reply.message)));
            if let Some(hint) = &self.reply.hint {
                crate::output::say(&format!("  hint: {}", crate::output::clean(hint)));
            }
        }
    }
}

/// A read or write of Keyden's own streams or files failed.
pub fn io_failure(e: std::io::Error) -> Failure {
    Failure::failed("io", e.to_string(), None)
}

impl<E: Coded> From<E> for Failure {
    fn from(e: E) -> Self {
        let mut reply = e.to_reply();
        reply.hint = with_command(&reply.code, reply.hint);
        Failure { reply, exit: 1 }
    }
}

/// The core's hints say what to do in words both skins share ("revoke the active key first"); on a
/// terminal the command that does it is the more useful half.
fn with_command(code: &str, hint: Option<String>) -> Option<String> {
    let command = match code {
        "key_not_found" => "`keyden keys list` shows them",
        "account_not_found" => "`keyden accounts list` shows them",
        "one_active_key" => "`keyden keys revoke ID --yes` revokes it",
        "remote_key_missing" => "`keyden sync` does it",
        "consent_needed" => "run it again with --yes",
        "no_check_method" => "`keyden keys probe KEY --url URL --header 'Authorization: Bearer {key}'`",
        "file_exists" => "--force replaces it",
        "database_unavailable" => "or pass --data-dir",
        "secret_empty" => "or pipe it in: `printf %s \"$KEY\" | keyden keys add … --secret-stdin`",
        "invalid_key" => "--secret/--secret-file/--secret-from, --key-file or --jwks",
        _ => return hint,
    };
    Some(match hint {
        Some(h) => format!("{h} ({command})"),
        None => command.to_string(),
    })
}
