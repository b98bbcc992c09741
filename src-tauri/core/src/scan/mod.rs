//! `scan`: copies of vault secrets in a tree (or in what `git commit` would record), found without
//! reading a secret from the keyring, plus keys of known shapes that the vault does not hold.
//!
//! Files are walked with the `ignore` crate (`.gitignore`, `.ignore` and git's excludes honoured,
//! hidden files such as `.env` included, `.git` itself skipped); binaries and files over
//! [`MAX_SCANNED_FILE_BYTES`] are counted as skipped, never read whole.

mod git;
mod index;
mod tokens;

pub use git::{install_hook, staged_files, HOOK_MARKER};
pub use index::{SecretIndex, MIN_SCANNED_CHARS};

use crate::files::{self, FileError};
use crate::vault::{Vault, VaultError};
use crate::Coded;
use keyden_protocol::{Finding, FindingKind, KeyRef, ScanReport};
use std::path::{Path, PathBuf};

/// Larger files are skipped (generated bundles, dumps, media that slipped past the binary check).
pub const MAX_SCANNED_FILE_BYTES: u64 = 32 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error("{0} is not inside a git repository")]
    NotARepository(PathBuf),
    #[error("git failed: {0}")]
    Git(String),
    #[error("{path} already holds a pre-commit hook that Keyden did not write")]
    HookExists { path: PathBuf },
    #[error("cannot walk {path}: {reason}")]
    Walk { path: PathBuf, reason: String },
    #[error(transparent)]
    File(#[from] FileError),
    #[error(transparent)]
    Vault(#[from] VaultError),
}

impl Coded for ScanError {
    fn code(&self) -> &'static str {
        match self {
            ScanError::NotARepository(_) => "not_a_git_repository",
            ScanError::Git(_) => "git_failed",
            ScanError::HookExists { .. } => "hook_exists",
            ScanError::Walk { .. } => "scan_path_unreadable",
            ScanError::File(e) => e.code(),
            ScanError::Vault(e) => e.code(),
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            ScanError::NotARepository(_) => {
                Some("run it inside a git work tree, or scan paths without --staged".into())
            }
            ScanError::Git(_) => Some("check that git is installed and the repository is readable".into()),
            ScanError::HookExists { .. } => {
                Some("add `keyden scan --staged` to the existing hook yourself, or pass --force to replace it".into())
            }
            ScanError::Walk { .. } => Some("check the path and its permissions".into()),
            ScanError::File(e) => e.hint(),
            ScanError::Vault(e) => e.hint(),
        }
    }
}

/// The vault's fingerprints, ready to recognise copies.
pub async fn index(vault: &Vault) -> Result<SecretIndex, ScanError> {
    let (fingerprinter, keys) = vault.fingerprint_index().await?;
    Ok(SecretIndex::new(fingerprinter, keys))
}

/// Every finding in one file's bytes; `path` is how findings name the file.
pub fn scan_bytes(index: &SecretIndex, path: &str, bytes: &[u8]) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut line = 1;
    let mut counted_to = 0;
    for token in tokens::tokens(bytes) {
        let found = tokens::find_candidate(bytes, &token, |c| index.lookup(&bytes[c]));
        let (what, redacted) = match found {
            Some(key) => (
                FindingKind::VaultSecret {
                    key: KeyRef { id: key.id.clone(), title: key.title.clone(), status: key.status },
                },
                key.redacted.clone(),
            ),
            None => match tokens::known_shape(&bytes[token.clone()]) {
                Some((kind, r)) => (kind, tokens::redact(&bytes[token.start + r.start..token.start + r.end])),
                None => continue,
            },
        };
        line += bytes[counted_to..token.start].iter().filter(|b| **b == b'\n').count();
        counted_to = token.start;
        findings.push(Finding { path: path.to_string(), line, redacted, what });
    }
    findings
}

/// Walks `paths` (files or directories) and scans every text file in them, on as many threads as
/// the machine has cores (the walk and the reads are ripgrep's own crate). Findings come out sorted
/// by file and line; an unreadable directory inside the tree is counted as skipped.
pub fn scan_paths(index: &SecretIndex, paths: &[PathBuf]) -> Result<ScanReport, ScanError> {
    let Some((first, rest)) = paths.split_first() else { return Ok(ScanReport::default()) };
    for p in paths {
        if std::fs::symlink_metadata(p).is_err() {
            return Err(ScanError::Walk { path: p.clone(), reason: "no such file or directory".into() });
        }
    }
    let mut walk = ignore::WalkBuilder::new(first);
    for p in rest {
        walk.add(p);
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    walk.hidden(false)
        .require_git(false)
        .follow_links(false)
        .threads(threads)
        .filter_entry(|e| e.file_name() != ".git");
    let report = std::sync::Mutex::new(ScanReport::default());
    walk.build_parallel().run(|| {
        let report = &report;
        // One read buffer per walker thread, reused for every file it scans.
        let mut buf = Vec::new();
        Box::new(move |entry| {
            let mut local = ScanReport::default();
            match entry {
                Ok(e) if e.file_type().is_some_and(|t| t.is_file()) => scan_file(index, e.path(), &mut buf, &mut local),
                Ok(_) => return ignore::WalkState::Continue,
                Err(_) => local.files_skipped += 1,
            }
            let mut all = report.lock().unwrap_or_else(|e| e.into_inner());
            all.files_scanned += local.files_scanned;
            all.bytes_scanned += local.bytes_scanned;
            all.files_skipped += local.files_skipped;
            all.findings.append(&mut local.findings);
            ignore::WalkState::Continue
        })
    });
    let mut report = report.into_inner().unwrap_or_else(|e| e.into_inner());
    report.findings.sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    Ok(report)
}

fn scan_file(index: &SecretIndex, path: &Path, buf: &mut Vec<u8>, report: &mut ScanReport) {
    match files::read_bounded_into(path, MAX_SCANNED_FILE_BYTES, buf) {
        Ok(()) => scan_blob(index, &path.display().to_string(), buf, report),
        // Unreadable or vanished files are not findings; large ones are counted.
        Err(_) => report.files_skipped += 1,
    }
}

/// Scans one file's content into the report (binaries are counted as skipped).
pub fn scan_blob(index: &SecretIndex, path: &str, bytes: &[u8], report: &mut ScanReport) {
    if files::looks_binary(bytes) {
        report.files_skipped += 1;
        return;
    }
    report.files_scanned += 1;
    report.bytes_scanned += bytes.len() as u64;
    report.findings.extend(scan_bytes(index, path, bytes));
}

/// Scans what `git commit` would record in the repository around `dir`: the staged content of every
/// added, copied, modified or renamed file — not the working tree.
pub fn scan_staged(index: &SecretIndex, dir: &Path) -> Result<ScanReport, ScanError> {
    let mut report = ScanReport::default();
    for (path, blob) in staged_files(dir, MAX_SCANNED_FILE_BYTES)? {
        match blob {
            Some(bytes) => scan_blob(index, &path, &bytes, &mut report),
            None => report.files_skipped += 1,
        }
    }
    Ok(report)
}
