//! Dispatch: one core call per command, then output. Nothing here decides a rule.

use crate::args::{AddArgs, Cli, Command, EnvCommand, KeysCommand, KindArg, ListArgs, SortArg, StatusArg};
use crate::failure::{io_failure, Failure};
use crate::output;
use keyden_core::env::import::ImportOptions;
use keyden_core::protocol::{KeyEdit, KeyKind, KeyQuery, KeyStatus, SortField};
use keyden_core::secret::{SecretValue, MAX_SECRET_BYTES};
use keyden_core::vault::{NewKeyMeta, Use};
use keyden_core::{Config, Keyden};
use std::io::{IsTerminal, Read, Write};

pub fn run(cli: Cli) -> Result<(), Failure> {
    let Some(command) = cli.command else {
        return start_app();
    };
    match command {
        Command::ClipboardHold { seconds } => return crate::clipboard::hold(seconds),
        Command::Completions { shell } => return crate::shell::completions(shell),
        Command::PackageFiles { dir } => return crate::shell::package_files(&dir),
        Command::Scan { install_hook: true, force, .. } => {
            return crate::scan::install_hook(cli.data_dir.as_deref(), force, cli.json)
        }
        _ => {}
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::failed("runtime", format!("cannot start: {e}"), None))?;
    let config = Config { data_dir: cli.data_dir.clone(), origin: "cli" };
    if let Command::Inspect(args) = &command {
        // `inspect` works without a vault (a headless box, no keyring): it then only skips the lookups
        // that need one (signer, audience owner, --secret-from, JWKS URL cache).
        let keyden = Keyden::open_for_inspection(config);
        return runtime.block_on(crate::inspect::run(args, &keyden, cli.json));
    }
    let keyden = Keyden::open(config)?;
    runtime.block_on(async {
        if let Command::Get { key } | Command::Copy { key } = &command {
            keyden.read_ahead(key);
        }
        let result = dispatch(command, &keyden, cli.json).await;
        // The database's connections closed (their threads told to end) before the process ends.
        keyden.close().await;
        result
    })
}

async fn dispatch(command: Command, keyden: &Keyden, json: bool) -> Result<(), Failure> {
    let vault = keyden.vault().await?;
    if let Some(recovery) = keyden.take_recovery().filter(|r| !r.completed.is_empty() || !r.rolled_back.is_empty()) {
        output::say(&format!(
            "keyden: repaired {} interrupted change(s) from an earlier run (see `keyden audit`)",
            recovery.completed.len() + recovery.rolled_back.len()
        ));
    }
    let providers = keyden.providers().await?;
    let settings = keyden.settings();
    let soon = settings.expiring_soon_days;
    let now = vault.now();
    let print = |value: &dyn erased::Json, human: String| {
        if json {
            output::emit_json(&value.to_json());
        } else {
            output::emit(&human);
        }
    };
    match command {
        Command::Keys(KeysCommand::Add(a)) => {
            // Usage errors in the flags first, before anything is read from stdin.
            let secret_source = (a.secret_stdin, a.title.clone());
            let meta = new_key_meta(a)?;
            let secret = read_secret(secret_source.0, &secret_source.1)?;
            let key = keyden.add_key(meta, secret).await?;
            print(&key, format!("Added '{}' ({}), {}.\n", key.title, key.id, key.redacted));
        }
        Command::Keys(KeysCommand::List(l)) => {
            let keys = keyden.matching_keys(&query(l)).await?;
            print(&keys, output::key_table(&keys, now, soon));
        }
        Command::Keys(KeysCommand::Show { key }) => {
            let detail = keyden.key_detail(&key).await?;
            print(&detail, output::key_detail(&detail, now, soon));
        }
        Command::Keys(KeysCommand::Edit { key, title, notes }) => {
            if title.is_none() && notes.is_none() {
                return Err(Failure::usage("nothing_to_edit", "nothing to change", "pass --title T and/or --notes N"));
            }
            let k = keyden.edit_key(&key, KeyEdit { title, notes }).await?;
            print(&k, format!("Updated '{}' ({}){}.\n", k.title, k.id, remote_too(&k)));
        }
        Command::Keys(KeysCommand::Revoke { key, yes }) => {
            confirm(yes, "revoke", &key)?;
            let held = crate::clipboard::holding(keyden, &key).await;
            let k = keyden.revoke_key(&key).await?;
            crate::clipboard::release(held);
            print(&k, format!("Revoked '{}' ({}){}. Revoke is final.\n", k.title, k.id, remote_too(&k)));
        }
        Command::Keys(KeysCommand::Delete { key, yes }) => {
            confirm(yes, "delete", &key)?;
            let held = crate::clipboard::holding(keyden, &key).await;
            let k = keyden.delete_key(&key).await?;
            crate::clipboard::release(held);
            print(&k, format!("Deleted '{}' ({}) and its keyring entry{}.\n", k.title, k.id, remote_too(&k)));
        }
        Command::Keys(KeysCommand::Create { account, title, kind }) => {
            crate::remote::create(&providers, &account, &title, kind, json).await?
        }
        Command::Keys(KeysCommand::Rotate { key, secret_stdin: true, .. }) => {
            let secret = read_secret(true, &key)?;
            crate::team::rotate(&providers, &key, secret, json).await?
        }
        Command::Keys(KeysCommand::Rotate { key, yes, .. }) => {
            crate::remote::rotate(&providers, &key, yes, json).await?
        }
        Command::Keys(KeysCommand::History { key }) => crate::team::history(&providers, &key, json).await?,
        Command::Share { key, account } => crate::team::share(&providers, &key, &account, json).await?,
        Command::Keys(KeysCommand::Probe { key, url, header, clear }) => {
            let k = if clear {
                vault.set_probe(&key, None, None).await?
            } else {
                vault.set_probe(&key, url.as_deref(), Some(&header)).await?
            };
            let what =
                k.probe_url.as_deref().map(|u| format!("probes GET {u}")).unwrap_or_else(|| "has no probe".into());
            print(&k, format!("'{}' now {what}.\n", k.title));
        }
        Command::Accounts(cmd) => crate::remote::accounts(&providers, cmd, json).await?,
        Command::Sync { account } => crate::remote::sync(&providers, account, json).await?,
        Command::Check { key } => crate::remote::check(&providers, &key, json).await?,
        Command::Minis(cmd) => crate::remote::minis(&providers, cmd, json).await?,
        Command::Get { key } => {
            let (_, secret) = keyden.use_secret(&key, Use::Reveal, "printed by `keyden get`").await?;
            let mut out = std::io::stdout().lock();
            let newline = if out.is_terminal() { "\n" } else { "" };
            write!(out, "{}{newline}", secret.expose()).and_then(|_| out.flush()).map_err(io_failure)?;
        }
        Command::Copy { key } => {
            let (k, secret) = keyden.use_secret(&key, Use::Copy, "").await?;
            let seconds = settings.clipboard_clear_seconds;
            crate::clipboard::copy_detached(&secret, seconds)?;
            let receipt = serde_json::json!({ "id": k.id, "clears_in_seconds": seconds });
            print(&receipt, format!("Copied '{}' to the clipboard; it clears in {seconds} s.\n", k.title));
        }
        Command::Exec { env, command } => {
            let mut vars = Vec::with_capacity(env.len());
            for pair in &env {
                let (var, key) = crate::exec::parse_pair(pair)?;
                let (_, secret) =
                    keyden.use_secret(key, Use::Inject, &format!("env {var} for `{}`", command[0])).await?;
                vars.push((var.to_string(), secret));
            }
            keyden.close().await;
            return crate::exec::run_with(vars, &command);
        }
        Command::Run(args) => {
            return match crate::env::run(vault, args).await? {
                0 => Ok(()),
                code => Err(Failure::quiet(code)),
            }
        }
        Command::Inject { input, output, force } => crate::env::inject(vault, input, output, force).await?,
        Command::Env(EnvCommand::Import { file, provider, environment, dry_run }) => {
            let options = ImportOptions { provider, environment, dry_run };
            crate::env::import(vault, &file, options, json).await?
        }
        Command::Scan { paths, staged, .. } => crate::scan::scan(vault, paths, staged, json).await?,
        Command::Mint(cmd) => crate::inspect::mint(&cmd, keyden).await?,
        Command::Inspect(_) => unreachable!("inspect runs without requiring a vault"),
        Command::Audit { key, limit } => {
            let entries = vault.audit_log(key.as_deref(), limit).await?;
            print(&entries, output::audit_lines(&entries, true));
        }
        Command::ClipboardHold { .. } | Command::Completions { .. } | Command::PackageFiles { .. } => {
            unreachable!("handled before the vault opens")
        }
    }
    Ok(())
}

/// `print` takes any serializable value without making the closure generic.
mod erased {
    pub trait Json {
        fn to_json(&self) -> String;
    }
    impl<T: serde::Serialize> Json for T {
        fn to_json(&self) -> String {
            serde_json::to_string_pretty(self).expect("protocol types serialize")
        }
    }
}

fn confirm(yes: bool, verb: &str, key: &str) -> Result<(), Failure> {
    if yes {
        return Ok(());
    }
    Err(Failure::usage(
        "confirmation_required",
        format!("{verb} cannot be undone; nothing was changed"),
        format!("run `keyden keys {verb} {key} --yes` to confirm"),
    ))
}

pub(crate) fn read_secret(from_stdin: bool, title: &str) -> Result<SecretValue, Failure> {
    let stdin = std::io::stdin();
    let raw = if from_stdin {
        let mut buf = Vec::new();
        stdin.lock().take(MAX_SECRET_BYTES as u64 + 1).read_to_end(&mut buf).map_err(io_failure)?;
        buf
    } else if stdin.is_terminal() {
        let typed = rpassword::prompt_password(format!("Secret for '{title}' (hidden): ")).map_err(io_failure)?;
        typed.into_bytes()
    } else {
        return Err(Failure::usage(
            "secret_required",
            "no secret given",
            "pipe it in with --secret-stdin: `printf %s \"$KEY\" | keyden keys add --title T --secret-stdin`",
        ));
    };
    Ok(SecretValue::from_input(raw)?)
}

fn new_key_meta(a: AddArgs) -> Result<NewKeyMeta, Failure> {
    let expires_at = a.expires.as_deref().map(parse_instant).transpose()?;
    Ok(NewKeyMeta {
        title: a.title,
        provider: a.provider,
        account: a.account,
        environment: a.environment,
        owner: a.owner,
        kind: Some(match a.kind {
            KindArg::Secret => KeyKind::Secret,
            KindArg::Publishable => KeyKind::Publishable,
            KindArg::Token => KeyKind::Token,
            KindArg::ClientSecret => KeyKind::ClientSecret,
        }),
        expires_at,
        notes: a.notes,
        ..Default::default()
    })
}

fn parse_instant(s: &str) -> Result<i64, Failure> {
    use time::format_description::well_known::Rfc3339;
    if let Ok(t) = time::OffsetDateTime::parse(s, &Rfc3339) {
        return Ok(t.unix_timestamp());
    }
    let date_format = time::macros::format_description!("[year]-[month]-[day]");
    if let Ok(d) = time::Date::parse(s, &date_format) {
        return Ok(d.midnight().assume_utc().unix_timestamp());
    }
    Err(Failure::usage(
        "invalid_input",
        format!("--expires: {s:?} is not a date"),
        "use 2027-01-31 or 2027-01-31T12:00:00Z",
    ))
}

fn query(l: ListArgs) -> KeyQuery {
    KeyQuery {
        search: l.search,
        status: l.status.map(|s| match s {
            StatusArg::Active => KeyStatus::Active,
            StatusArg::Revoked => KeyStatus::Revoked,
        }),
        provider: l.provider,
        environment: l.environment,
        expiring_within_days: l.expiring_within,
        sort: match l.sort {
            SortArg::Title => SortField::Title,
            SortArg::Created => SortField::Created,
            SortArg::Expires => SortField::Expires,
            SortArg::Verified => SortField::Verified,
        },
        desc: l.desc,
        limit: None,
    }
}

/// `keyden` alone starts the desktop app installed beside it.
fn start_app() -> Result<(), Failure> {
    let exe = std::env::current_exe().map_err(io_failure)?;
    let app = exe.with_file_name(if cfg!(windows) { "keyden-app.exe" } else { "keyden-app" });
    if !app.exists() {
        return Err(Failure::failed(
            "app_not_found",
            format!("the desktop app is not installed beside this CLI ({})", app.display()),
            Some("run `keyden --help` for the commands, or install the Keyden package".into()),
        ));
    }
    std::process::Command::new(&app).spawn().map_err(io_failure)?;
    Ok(())
}

/// ", remotely too" when the key is linked to a provider account.
fn remote_too(k: &keyden_core::protocol::KeyRecord) -> &'static str {
    if k.remote_id.is_some() {
        " — at the provider too"
    } else {
        ""
    }
}
