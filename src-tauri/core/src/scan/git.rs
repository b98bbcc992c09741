//! What `git commit` would record, read from the index (not the working tree), and the pre-commit
//! hook that runs `keyden scan --staged`. Git is asked through its own command line, so whatever
//! configuration the repository has (hooks path, worktrees) is respected.

use super::ScanError;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The line that marks a hook as Keyden's own, so a reinstall may replace it and nothing else.
pub const HOOK_MARKER: &str = "# Installed by `keyden scan --install-hook`";

fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, ScanError> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| ScanError::Git(format!("cannot run git: {e}")))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        if stderr.to_lowercase().contains("not a git repository") {
            return Err(ScanError::NotARepository(dir.to_path_buf()));
        }
        return Err(ScanError::Git(stderr.lines().next().unwrap_or("unknown error").to_string()));
    }
    Ok(out.stdout)
}

/// A staged file's path (from the repository's top) and content; `None` for a blob over the limit.
pub type StagedFile = (String, Option<Vec<u8>>);

/// Staged files (added, copied, modified, renamed) with their staged content; a blob over `limit`
/// bytes is read past, not kept.
pub fn staged_files(dir: &Path, limit: u64) -> Result<Vec<StagedFile>, ScanError> {
    // First, so that outside a repository the error says so (`git diff` would print its usage).
    let top = String::from_utf8_lossy(&git(dir, &["rev-parse", "--show-toplevel"])?).trim_end().to_string();
    let names = git(dir, &["diff", "--cached", "--name-only", "-z", "--diff-filter=ACMR"])?;
    let names: Vec<String> =
        names.split(|b| *b == 0).filter(|n| !n.is_empty()).map(|n| String::from_utf8_lossy(n).into_owned()).collect();
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let mut child = Command::new("git")
        .arg("-C")
        .arg(&top)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| ScanError::Git(format!("cannot run git: {e}")))?;
    // Names in, blobs out: the writer runs beside the reader so neither pipe fills and stalls.
    let mut stdin = child.stdin.take().expect("piped");
    let requests: Vec<String> = names.iter().filter(|n| !n.contains('\n')).map(|n| format!(":{n}\n")).collect();
    let writer = std::thread::spawn(move || {
        for r in requests {
            if stdin.write_all(r.as_bytes()).is_err() {
                break;
            }
        }
    });
    let mut out = BufReader::new(child.stdout.take().expect("piped"));
    let mut files = Vec::new();
    for name in names.into_iter().filter(|n| !n.contains('\n')) {
        let mut header = String::new();
        out.read_line(&mut header).map_err(|e| ScanError::Git(e.to_string()))?;
        let fields: Vec<&str> = header.split_whitespace().collect();
        let (Some(&"blob"), Some(size)) = (fields.get(1), fields.get(2).and_then(|s| s.parse::<u64>().ok())) else {
            // "missing" (a submodule or a path git cannot show): nothing to read.
            continue;
        };
        let blob = if size > limit {
            std::io::copy(&mut (&mut out).take(size), &mut std::io::sink())
                .map_err(|e| ScanError::Git(e.to_string()))?;
            None
        } else {
            let mut bytes = Vec::with_capacity(size as usize);
            (&mut out).take(size).read_to_end(&mut bytes).map_err(|e| ScanError::Git(e.to_string()))?;
            Some(bytes)
        };
        let mut newline = [0u8; 1];
        out.read_exact(&mut newline).map_err(|e| ScanError::Git(e.to_string()))?;
        files.push((name, blob));
    }
    let _ = writer.join();
    let _ = child.wait();
    Ok(files)
}

/// Writes the repository's pre-commit hook (wherever `core.hooksPath` puts it) to run `command`.
/// A hook Keyden did not write is replaced only with `force`.
pub fn install_hook(dir: &Path, command: &str, force: bool) -> Result<PathBuf, ScanError> {
    let hooks = String::from_utf8_lossy(&git(dir, &["rev-parse", "--git-path", "hooks"])?).trim_end().to_string();
    let hooks = dir.join(hooks);
    std::fs::create_dir_all(&hooks).map_err(|source| crate::files::FileError::Write { path: hooks.clone(), source })?;
    let path = hooks.join("pre-commit");
    if let Ok(existing) = crate::files::read_bounded(&path, 1024 * 1024) {
        if !String::from_utf8_lossy(&existing).contains(HOOK_MARKER) && !force {
            return Err(ScanError::HookExists { path });
        }
    }
    let script = format!(
        "#!/bin/sh\n{HOOK_MARKER}: refuses a commit that would record a copy of a vault secret.\n\
         # Bypass once with `git commit --no-verify`.\n{command}\n"
    );
    std::fs::write(&path, script).map_err(|source| crate::files::FileError::Write { path: path.clone(), source })?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
            .map_err(|source| crate::files::FileError::Write { path: path.clone(), source })?;
    }
    Ok(path)
}
