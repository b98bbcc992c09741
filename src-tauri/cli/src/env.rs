//! `run`, `inject` and `env import`: the core resolves and imports; this skin gathers the sources,
//! starts the child or writes the output, and prints.

use crate::args::RunArgs;
use crate::failure::Failure;
use crate::output::{clean, emit};
use keyden_core::env::import::{self, ImportOptions};
use keyden_core::env::mask::Masker;
use keyden_core::env::{self, Binding, MAX_TEMPLATE_BYTES};
use keyden_core::files;
use keyden_core::protocol::{EnvImportReport, EnvLineClass, ImportAction};
use keyden_core::vault::{Use, Vault};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use zeroize::Zeroizing;

/// The program's name without its directory: enough for the audit trail, and never an argument
/// (arguments may carry anything).
fn program_name(command: &[String]) -> String {
    let first = command.first().map(String::as_str).unwrap_or_default();
    Path::new(first).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| first.to_string())
}

pub async fn run(vault: &Vault, args: RunArgs) -> Result<u8, Failure> {
    let mut bindings = env::from_parent(
        std::env::vars_os().filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?))),
    )?;
    let files = if args.env_files.is_empty() {
        Some(PathBuf::from(".env")).filter(|p| p.is_file()).into_iter().collect()
    } else {
        args.env_files
    };
    for f in &files {
        bindings.extend(env::from_file(f)?);
    }
    for pair in &args.env {
        let (var, key) = crate::exec::parse_pair(pair)?;
        bindings.push(Binding::flag(var, key));
    }
    let program = program_name(&args.command);
    let resolved = env::resolve(vault, bindings, Use::Inject, &format!("for `{program}`")).await?;
    // Nothing injected, nothing to mask: the child may as well have the terminal.
    let maskers = if args.no_masking || resolved.injected.is_empty() {
        None
    } else {
        let values = || resolved.injected.iter().map(|(var, v)| (var.as_str(), v.expose().as_bytes()));
        let masker = || Masker::new(values()).map_err(env::EnvError::from);
        Some((masker()?, masker()?))
    };
    vault.close().await;

    let mut cmd = Command::new(&args.command[0]);
    cmd.args(&args.command[1..]);
    for (var, value) in &resolved.plain {
        cmd.env(var, value.as_str());
    }
    for (var, value) in &resolved.injected {
        cmd.env(var, value.expose());
    }
    drop(resolved);
    match maskers {
        None => crate::child::hand_over(cmd, &args.command[0]),
        Some((out, err)) => crate::child::run_masked(cmd, &args.command[0], out, err),
    }
}

pub async fn inject(
    vault: &Vault,
    input: Option<PathBuf>,
    output: Option<PathBuf>,
    force: bool,
) -> Result<(), Failure> {
    let text = match &input {
        Some(path) => files::read_text(path, MAX_TEMPLATE_BYTES)?,
        None => {
            let mut raw = Zeroizing::new(Vec::new());
            std::io::stdin()
                .lock()
                .take(MAX_TEMPLATE_BYTES + 1)
                .read_to_end(&mut raw)
                .map_err(crate::failure::io_failure)?;
            if raw.len() as u64 > MAX_TEMPLATE_BYTES {
                return Err(Failure::failed(
                    "file_too_large",
                    format!("the template on standard input is larger than {MAX_TEMPLATE_BYTES} bytes"),
                    None,
                ));
            }
            let text = std::str::from_utf8(&raw)
                .map_err(|_| Failure::failed("file_not_utf8", "the template is not UTF-8 text", None))?;
            Zeroizing::new(text.to_string())
        }
    };
    if let Some(out) = &output {
        if !force && std::fs::symlink_metadata(out).is_ok() {
            return Err(files::FileError::Exists { path: out.clone() }.into());
        }
    }
    let target = output.as_ref().and_then(|p| p.file_name()).map(|n| n.to_string_lossy().into_owned());
    let detail = format!("template filled into {}", target.as_deref().unwrap_or("stdout"));
    let rendered = env::fill_template(vault, &text, &detail).await?;
    match output {
        Some(path) => files::write_private(&path, rendered.as_bytes(), force)?,
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(rendered.as_bytes()).and_then(|()| out.flush()).map_err(crate::failure::io_failure)?;
        }
    }
    Ok(())
}

pub async fn import(vault: &Vault, file: &Path, options: ImportOptions, json: bool) -> Result<(), Failure> {
    let report = import::apply(vault, file, &options).await?;
    if json {
        crate::output::emit_json(&serde_json::to_string_pretty(&report).expect("protocol types serialize"));
    } else {
        emit(&import_summary(&report));
    }
    match report.file.skipped() {
        0 => Ok(()),
        n => Err(Failure::failed(
            "secrets_left",
            format!("{n} secret(s) stayed in {} (see above)", clean(&report.file.path)),
            Some("deal with each as its line says, then run the import again".into()),
        )),
    }
}

fn import_summary(r: &EnvImportReport) -> String {
    let f = &r.file;
    let secrets: Vec<_> = f.lines.iter().filter(|l| matches!(l.class, EnvLineClass::Secret { .. })).collect();
    let references = f.lines.iter().filter(|l| matches!(l.class, EnvLineClass::Reference { .. })).count();
    let mut out = String::new();
    let head = match (secrets.is_empty(), r.dry_run, r.rewritten) {
        (true, _, _) => format!("{}: no secret values found ({references} reference(s) already).\n", clean(&f.path)),
        (false, true, _) => format!("{} (project {}): dry run, nothing changed.\n", clean(&f.path), clean(&f.project)),
        (false, false, true) => format!(
            "{}: the secrets are in the vault; the file now holds keyden:// references{}.\n",
            clean(&f.path),
            r.target.as_deref().map(|t| format!(" (written through the link, to {})", clean(t))).unwrap_or_default()
        ),
        (false, false, false) => format!("{}: nothing was changed.\n", clean(&f.path)),
    };
    out.push_str(&head);
    let width = secrets.iter().map(|l| l.name.len()).max().unwrap_or(0);
    for l in secrets {
        let EnvLineClass::Secret { redacted, why, action } = &l.class else { continue };
        let what = match action {
            ImportAction::Store { title, .. } => format!("would be stored as '{}'", clean(title)),
            ImportAction::Stored { key } => format!("stored as '{}' ({})", clean(&key.title), key.id),
            ImportAction::Reuse { key } => {
                let verb = if r.dry_run { "would refer to" } else { "refers to" };
                format!("{verb} '{}' ({}), already in the vault", clean(&key.title), key.id)
            }
            ImportAction::Skip { reason } => format!("left in the file: {}", clean(reason)),
        };
        out.push_str(&format!(
            "  line {:<4} {:<width$}  {}  ({}, {})\n",
            l.line,
            l.name,
            what,
            clean(why),
            clean(redacted)
        ));
    }
    out
}
