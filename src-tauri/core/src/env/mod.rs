//! Secrets where code runs: `.env` files that hold `keyden://` references instead of values, the
//! resolution of those references for `keyden run` and `keyden inject` (templates), masking of a child's output,
//! and `env import`, which moves a `.env`'s secrets into the vault.
//!
//! Nothing here starts a process or prints: the CLI does that with what these functions return.

pub mod dotenv;
pub mod import;
pub mod mask;
pub mod reference;
mod resolve;

pub use resolve::{fill_template, from_file, from_parent, resolve, Binding, Origin, Resolved, Value};

use crate::files::FileError;
use crate::vault::VaultError;
use crate::Coded;
use std::path::PathBuf;

/// `.env` files and templates are small; a larger one is a mistake (a log, a dump), refused unread.
pub const MAX_ENV_FILE_BYTES: u64 = 1024 * 1024;
/// Templates for `inject` may be whole configuration files.
pub const MAX_TEMPLATE_BYTES: u64 = 16 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum EnvError {
    #[error(transparent)]
    File(#[from] FileError),
    #[error("{path}:{}:{}: {}", error.line, error.column, error.reason)]
    Syntax { path: PathBuf, error: dotenv::SyntaxError },
    #[error("{reference:?} is not a usable reference: {reason}")]
    BadReference { reference: String, reason: String },
    #[error("template line {line}: {reason}")]
    Template { line: usize, reason: String },
    /// A reference that cannot be filled in; `source` says why (no such key, revoked, keyring locked).
    #[error("{origin}: {var} → keyden://{key}: {source}")]
    Unresolved { origin: String, var: String, key: String, source: Box<VaultError> },
    #[error(transparent)]
    Unmaskable(#[from] mask::MaskError),
    /// The keyring failed during an import; the file was left as it was.
    #[error("the keyring failed after storing {stored} of the file's new keys, so the file was not changed: {source}")]
    PartlyStored { stored: usize, source: Box<VaultError> },
    #[error(transparent)]
    Vault(#[from] VaultError),
}

impl Coded for EnvError {
    fn code(&self) -> &'static str {
        match self {
            EnvError::File(e) => e.code(),
            EnvError::Syntax { .. } => "env_syntax",
            EnvError::BadReference { .. } => "reference_invalid",
            EnvError::Template { .. } => "template_invalid",
            // The cause's own code (key_not_found, key_revoked, keyring_locked…): what a script tests.
            EnvError::Unresolved { source, .. } => source.code(),
            EnvError::Unmaskable(_) => "value_unmaskable",
            EnvError::PartlyStored { source, .. } => source.code(),
            EnvError::Vault(e) => e.code(),
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            EnvError::File(e) => e.hint(),
            EnvError::Syntax { .. } => Some("write it as NAME=value; quote values that hold spaces or quotes".into()),
            EnvError::BadReference { .. } => Some(
                "write keyden://ID or keyden://TITLE; encode unusual characters (keyden://Stripe%20prod) or quote the value"
                    .into(),
            ),
            EnvError::Template { .. } => Some("placeholders look like {{ keyden://KEY }}, on one line".into()),
            EnvError::Unresolved { source, .. } => source.hint(),
            EnvError::Unmaskable(_) => {
                Some("pass --no-masking to run without filtering the output, or store a longer value".into())
            }
            EnvError::PartlyStored { source, .. } => Some(format!(
                "{}; then import again: the keys already stored are found by their value and reused",
                source.hint().unwrap_or_else(|| "fix the keyring".into())
            )),
            EnvError::Vault(e) => e.hint(),
        }
    }
}
