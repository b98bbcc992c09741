//! The one shape every core error takes on its way out: `{code, message, hint}`.
//! Each module keeps its own thiserror enum; this trait is how the skins read them uniformly.

use keyden_protocol::ErrorReply;

pub trait Coded: std::fmt::Display {
    /// Stable, machine-readable, snake_case.
    fn code(&self) -> &'static str;
    /// What the user can do about it, when there is something.
    fn hint(&self) -> Option<String> {
        None
    }

    fn to_reply(&self) -> ErrorReply {
        ErrorReply { code: self.code().to_string(), message: self.to_string(), hint: self.hint() }
    }
}
