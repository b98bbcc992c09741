//! The provider commands: accounts, sync, remote create/rotate, check, minis verify. Same shape as
//! `run.rs`: one core call each, then output.

use crate::args::{AccountsCommand, AddAccount, MinisCommand, RemoteKindArg};
use crate::failure::Failure;
use crate::output::{emit, instant, relative};
use keyden_core::protocol::{
    Account, AccountAuth, CheckOutcome, CreatedKey, HealthCheck, KeyKind, MinisTokenState, MinisVerification,
    ProviderKind, RotationReport, SyncReport,
};
use keyden_core::providers::accounts::AccountSpec;
use keyden_core::providers::{registry, Providers};
use keyden_core::secret::SecretValue;
use std::io::{IsTerminal, Read};

fn out<T: serde::Serialize>(json: bool, value: &T, human: String) {
    if json {
        crate::output::emit_json(&serde_json::to_string_pretty(value).expect("protocol types serialize"));
    } else {
        emit(&human);
    }
}

/// A credential from stdin: at most 64 KiB, one trailing newline trimmed (by the core's validation).
fn stdin_value(what: &str) -> Result<String, Failure> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return rpassword::prompt_password(format!("{what} (hidden): ")).map_err(crate::failure::io_failure);
    }
    let mut buf = Vec::new();
    stdin.lock().take(64 * 1024 + 1).read_to_end(&mut buf).map_err(crate::failure::io_failure)?;
    String::from_utf8(buf).map_err(|_| Failure::failed("invalid_input", format!("the {what} is not UTF-8 text"), None))
}

pub async fn accounts(p: &Providers<'_>, cmd: AccountsCommand, json: bool) -> Result<(), Failure> {
    match cmd {
        AccountsCommand::Add(add) => {
            let (new, secret, verify) = match add {
                AddAccount::Medusa { name, url, email, password_stdin, secret_key_stdin, no_verify } => {
                    let (auth, login, secret) = match (email, password_stdin, secret_key_stdin) {
                        (Some(email), true, false) => (AccountAuth::Emailpass, email, stdin_value("password")?),
                        (None, false, true) => (AccountAuth::SecretKey, String::new(), stdin_value("secret key")?),
                        _ => {
                            return Err(Failure::usage(
                                "credentials_required",
                                "a Medusa account needs a login or a secret key",
                                "pass --email E --password-stdin, or --secret-key-stdin",
                            ))
                        }
                    };
                    (
                        AccountSpec { name, provider: ProviderKind::Medusa, base_url: url, auth, login, team: None },
                        secret,
                        !no_verify,
                    )
                }
                AddAccount::ShopMinis { name, api_key, api_key_stdin, url, no_verify } => {
                    let secret = match api_key {
                        Some(k) if !api_key_stdin => k,
                        _ => stdin_value("API key")?,
                    };
                    let new = AccountSpec {
                        name,
                        provider: ProviderKind::ShopMinis,
                        base_url: url,
                        auth: AccountAuth::ApiKey,
                        login: String::new(),
                        team: None,
                    };
                    (new, secret, !no_verify)
                }
                AddAccount::Openbao {
                    name,
                    url,
                    mount,
                    prefix,
                    token_stdin,
                    userpass,
                    password_stdin: _,
                    approle,
                    secret_id_stdin: _,
                    no_verify,
                } => {
                    let (auth, login, secret) = match (token_stdin, userpass, approle) {
                        (true, None, None) => (AccountAuth::Token, String::new(), stdin_value("token")?),
                        (false, Some(user), None) => (AccountAuth::Userpass, user, stdin_value("password")?),
                        (false, None, Some(role)) => (AccountAuth::Approle, role, stdin_value("secret id")?),
                        _ => {
                            return Err(Failure::usage(
                                "credentials_required",
                                "an OpenBao account needs one way to sign in",
                                "pass --token-stdin, --userpass USER --password-stdin, or --approle ROLE_ID \
                                 --secret-id-stdin",
                            ))
                        }
                    };
                    let team = Some(keyden_core::protocol::TeamPlace { mount, prefix });
                    (
                        AccountSpec { name, provider: ProviderKind::OpenBao, base_url: url, auth, login, team },
                        secret,
                        !no_verify,
                    )
                }
            };
            let secret = SecretValue::from_input(secret.into_bytes())?;
            let a = p.add_account(new, secret, verify).await?;
            let checked = if verify { "credentials accepted; " } else { "" };
            out(
                json,
                &a,
                format!(
                    "Added {} account '{}' at {} ({checked}kept in the keyring).\n",
                    a.provider.label(),
                    a.name,
                    a.base_url
                ),
            );
        }
        AccountsCommand::List => {
            let list = p.list_accounts().await?;
            out(json, &list, account_table(&list, p.vault.now()));
        }
        AccountsCommand::Remove { name } => {
            let a = p.remove_account(&name).await?;
            out(json, &a, format!("Removed account '{}'; its keys stay in the vault as local records.\n", a.name));
        }
    }
    Ok(())
}

fn account_table(list: &[Account], now: i64) -> String {
    if list.is_empty() {
        return "No provider accounts. Add one with `keyden accounts add medusa --name N --url URL --email E --password-stdin`.\n".into();
    }
    let mut s = String::new();
    for a in list {
        let synced = match (a.last_sync_at, &a.last_sync_error) {
            (_, Some(err)) => format!(
                "last sync failed {}: {err}; last good sync {}",
                a.last_sync_attempt_at.map(|t| relative(t, now)).unwrap_or_default(),
                a.last_sync_at.map(|t| relative(t, now)).unwrap_or_else(|| "never".into())
            ),
            (Some(t), None) => format!("synced {} ({} keys)", relative(t, now), a.remote_count.unwrap_or(0)),
            (None, None) => "never synced".into(),
        };
        let login = if a.login.is_empty() { a.auth.as_str().to_string() } else { a.login.clone() };
        s.push_str(&format!("{:<20} {:<10} {:<32} {login:<24} {synced}\n", a.name, a.provider.as_str(), a.base_url));
    }
    s
}

pub async fn sync(p: &Providers<'_>, account: Option<String>, json: bool) -> Result<(), Failure> {
    let names = match account {
        Some(a) => vec![a],
        None => p
            .list_accounts()
            .await?
            .into_iter()
            .filter(|a| registry::get(a.provider).info().capabilities.sync)
            .map(|a| a.name)
            .collect(),
    };
    if names.is_empty() {
        return Err(Failure::failed(
            "no_accounts",
            "there is no account whose provider lists its keys",
            Some("add one with `keyden accounts add medusa …`".into()),
        ));
    }
    let mut reports: Vec<SyncReport> = Vec::new();
    let mut first_error = None;
    for name in names {
        let shown = std::cell::Cell::new(false);
        let progress = |fetched: u64, total: u64| {
            if !json && std::io::stderr().is_terminal() {
                eprint!("\r{}: {fetched}/{total} keys", crate::output::clean(&name));
                shown.set(true);
            }
        };
        let synced = p.sync(&name, progress).await;
        if shown.get() {
            // The progress line is rewritten in place; clear it so the summary starts on a clean line.
            eprint!("\r\x1b[2K");
        }
        match synced {
            Ok(r) => reports.push(r),
            Err(e) => {
                let f = Failure::from(e);
                if !json {
                    crate::output::say(&format!(
                        "keyden: sync of '{}' failed: {}",
                        crate::output::clean(&name),
                        f.reply.message
                    ));
                }
                first_error.get_or_insert(f);
            }
        }
    }
    let human: String = reports
        .iter()
        .map(|r| {
            format!(
                "Synced '{}': {} remote keys — {} new, {} changed, {} unchanged, {} gone ({} pages).\n",
                r.account, r.remote_count, r.added, r.updated, r.unchanged, r.gone, r.pages
            )
        })
        .collect();
    out(json, &reports, human);
    first_error.map_or(Ok(()), Err)
}

pub async fn create(
    p: &Providers<'_>,
    account: &str,
    title: &str,
    kind: RemoteKindArg,
    json: bool,
) -> Result<(), Failure> {
    let kind = match kind {
        RemoteKindArg::Secret => KeyKind::Secret,
        RemoteKindArg::Publishable => KeyKind::Publishable,
    };
    let created = p.create_remote(account, title, kind).await?;
    show_created(&created, json);
    Ok(())
}

/// The secret is shown this once: on stdout (for a script to capture), with the warning on stderr.
fn show_created(c: &CreatedKey, json: bool) {
    if json {
        out(json, c, String::new());
        return;
    }
    crate::output::say(&format!(
        "Created '{}' ({}, remote {}). Its secret is in the keyring; it is shown here once:",
        crate::output::clean(&c.key.title),
        c.key.id,
        crate::output::clean(c.key.remote_id.as_deref().unwrap_or("-"))
    ));
    crate::output::emit_value(&format!("{}\n", c.secret));
}

pub async fn rotate(p: &Providers<'_>, key: &str, yes: bool, json: bool) -> Result<(), Failure> {
    let report: RotationReport = p.rotate(key, yes).await?;
    if json {
        out(json, &report, String::new());
    } else {
        for s in &report.steps {
            crate::output::say(&format!("- {s}"));
        }
        if let Some(c) = &report.created {
            show_created(c, false);
        }
    }
    if report.completed {
        Ok(())
    } else {
        Err(Failure::failed("rotation_incomplete", "the new key did not pass its check; the old key was kept", None))
    }
}

pub async fn check(p: &Providers<'_>, key: &str, json: bool) -> Result<(), Failure> {
    let c: HealthCheck = p.check(key).await?;
    let status = c.http_status.map(|s| format!("HTTP {s}, ")).unwrap_or_default();
    out(json, &c, format!("{}: {} ({status}{} ms) — {}\n", instant(c.at), c.outcome.as_str(), c.latency_ms, c.message));
    if c.outcome == CheckOutcome::Accepted {
        Ok(())
    } else {
        Err(Failure::quiet(1))
    }
}

pub async fn minis(p: &Providers<'_>, cmd: MinisCommand, json: bool) -> Result<(), Failure> {
    let MinisCommand::Verify { account, token } = cmd;
    let token = if token == "-" { stdin_value("user token")? } else { token };
    let v: MinisVerification = p.minis_verify(&account, &token).await?;
    out(json, &v, minis_text(&v));
    if v.api_key_accepted && v.token == Some(MinisTokenState::Valid) {
        Ok(())
    } else {
        Err(Failure::quiet(1))
    }
}

fn minis_text(v: &MinisVerification) -> String {
    let key = if v.api_key_accepted {
        format!("accepted (HTTP {}) — API keys do not expire", v.http_status)
    } else {
        format!("REJECTED (HTTP {})", v.http_status)
    };
    let token = match (v.token, v.token_expires_at) {
        (None, _) => "not checked (the API key was refused first)".to_string(),
        (Some(MinisTokenState::Valid), Some(t)) => format!("valid, expires {} ({})", instant(t), relative(t, v.now)),
        (Some(MinisTokenState::Valid), None) => "valid".into(),
        (Some(MinisTokenState::Expired), _) => "EXPIRED (TOKEN_EXPIRED)".into(),
        (Some(MinisTokenState::Invalid), _) => "INVALID (TOKEN_INVALID)".into(),
        (Some(MinisTokenState::Refused), _) => format!("refused ({})", v.user_errors.join(", ")),
    };
    let mut s = format!("API key     {key}\nUser token  {token}\n");
    if let Some(id) = &v.public_id {
        s.push_str(&format!("User        {id} ({})\n", v.user_state.as_deref().unwrap_or("-")));
    }
    s.push_str(&format!("\n{}\n", v.explanation));
    s
}
