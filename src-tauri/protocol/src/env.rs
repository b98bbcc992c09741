//! Secrets where code runs: a `.env` file classified line by line, an import's outcome, and a scan's
//! findings. No value crosses here: secrets appear redacted, plain values not at all.

use crate::{KeyKind, KeyStatus};
use serde::{Deserialize, Serialize};

/// A vault key as these views name it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyRef {
    pub id: String,
    pub title: String,
    pub status: KeyStatus,
}

/// A `.env` file, each assignment classified.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvFileView {
    pub path: String,
    /// The project directory's name: the account imported keys are filed under.
    pub project: String,
    pub lines: Vec<EnvLine>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvLine {
    /// 1-based line number of the assignment.
    pub line: usize,
    pub name: String,
    pub class: EnvLineClass,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EnvLineClass {
    /// `keyden://KEY`: the key it names, or why `keyden run` could not fill it in.
    Reference { key: String, resolves_to: Option<KeyRef>, problem: Option<String> },
    /// A secret written in the file: what gave it away, and what an import does with it.
    Secret { redacted: String, why: String, action: ImportAction },
    /// Anything else; `note` says why a value that looks like a key was left alone.
    Plain { note: Option<String> },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum ImportAction {
    /// Would be stored as a new key.
    Store { title: String, provider: String, key_kind: KeyKind },
    /// Was stored as this new key.
    Stored { key: KeyRef },
    /// The vault already holds this exact value: the line refers to that key.
    Reuse { key: KeyRef },
    /// Left in the file, and why.
    Skip { reason: String },
}

impl EnvFileView {
    /// Lines whose secret stays in the file.
    pub fn skipped(&self) -> usize {
        self.lines
            .iter()
            .filter(|l| matches!(&l.class, EnvLineClass::Secret { action: ImportAction::Skip { .. }, .. }))
            .count()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvImportReport {
    pub file: EnvFileView,
    pub dry_run: bool,
    /// Whether the file now holds references (false for a dry run, or when there was nothing to move).
    pub rewritten: bool,
    /// When the file was a symlink: the file that was changed.
    pub target: Option<String>,
}

/// One copy of a secret found by `scan`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub path: String,
    pub line: usize,
    pub redacted: String,
    #[serde(flatten)]
    pub what: FindingKind,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FindingKind {
    /// An exact copy of a vault secret.
    VaultSecret { key: KeyRef },
    /// A key of a known shape that the vault does not hold.
    KnownShape { provider: String, description: String },
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScanReport {
    pub findings: Vec<Finding>,
    pub files_scanned: u64,
    pub bytes_scanned: u64,
    /// Binary files, and files over the size limit.
    pub files_skipped: u64,
}

impl ScanReport {
    pub fn vault_secrets(&self) -> usize {
        self.findings.iter().filter(|f| matches!(f.what, FindingKind::VaultSecret { .. })).count()
    }
}
