//! `scan`: the core finds; this skin picks the files (a tree, or what is staged), prints, and installs
//! the pre-commit hook.

use crate::failure::Failure;
use crate::output::{clean, emit};
use keyden_core::protocol::{FindingKind, KeyStatus, ScanReport};
use keyden_core::scan;
use keyden_core::vault::Vault;
use std::path::{Path, PathBuf};

pub async fn scan(vault: &Vault, paths: Vec<PathBuf>, staged: bool, json: bool) -> Result<(), Failure> {
    let index = scan::index(vault).await?;
    let report = if staged {
        scan::scan_staged(&index, Path::new("."))?
    } else if paths.is_empty() {
        // The current directory, named as ripgrep names it: `src/app.js`, not `./src/app.js` (or `.\src\app.js`).
        let mut report = scan::scan_paths(&index, &[PathBuf::from(".")])?;
        let here = format!(".{}", std::path::MAIN_SEPARATOR);
        for f in &mut report.findings {
            if let Some(rest) = f.path.strip_prefix(&here) {
                f.path = rest.to_string();
            }
        }
        report
    } else {
        scan::scan_paths(&index, &paths)?
    };
    if json {
        crate::output::emit_json(&serde_json::to_string_pretty(&report).expect("protocol types serialize"));
    } else {
        emit(&human(&report, staged));
    }
    match report.vault_secrets() {
        0 => Ok(()),
        n => Err(Failure::failed(
            "secrets_found",
            format!(
                "{n} cop{} of vault secrets {}",
                if n == 1 { "y" } else { "ies" },
                if staged { "would be committed" } else { "found" }
            ),
            Some(if staged {
                "unstage the file (git restore --staged FILE) and put a keyden:// reference where the value was".into()
            } else {
                "replace each copy with a keyden:// reference (keyden env import FILE does it for .env files)".into()
            }),
        )),
    }
}

fn human(report: &ScanReport, staged: bool) -> String {
    let mut out = String::new();
    for f in &report.findings {
        let what = match &f.what {
            FindingKind::VaultSecret { key } => {
                let status = if key.status == KeyStatus::Revoked { "revoked" } else { "active" };
                format!("vault secret '{}' ({}, {status})", clean(&key.title), key.id)
            }
            FindingKind::KnownShape { provider, description } => {
                format!("{} {} — not in the vault", clean(provider), clean(description))
            }
        };
        out.push_str(&format!("{}:{}  {what}  {}\n", clean(&f.path), f.line, clean(&f.redacted)));
    }
    let scope = if staged { "staged file(s)" } else { "file(s)" };
    out.push_str(&format!(
        "{} finding(s) in {} {scope} ({} bytes); {} skipped (binary or over 32 MiB).\n",
        report.findings.len(),
        report.files_scanned,
        report.bytes_scanned,
        report.files_skipped
    ));
    out
}

/// Writes the pre-commit hook: this very binary, on this data directory when one was named.
pub fn install_hook(data_dir: Option<&Path>, force: bool, json: bool) -> Result<(), Failure> {
    let exe = std::env::current_exe().map_err(crate::failure::io_failure)?;
    let mut command = format!("exec {}", shell_quote(&exe.to_string_lossy()));
    if let Some(dir) = data_dir {
        let dir = std::path::absolute(dir).map_err(crate::failure::io_failure)?;
        command.push_str(&format!(" --data-dir {}", shell_quote(&dir.to_string_lossy())));
    }
    command.push_str(" scan --staged");
    let path = scan::install_hook(Path::new("."), &command, force)?;
    if json {
        crate::output::emit_json(&serde_json::json!({ "hook": path }).to_string());
    } else {
        emit(&format!(
            "Installed {}: every commit is scanned for vault secrets first.\n",
            clean(&path.to_string_lossy())
        ));
    }
    Ok(())
}

/// A POSIX shell single-quoted word.
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}
