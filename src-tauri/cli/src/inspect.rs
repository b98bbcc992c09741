//! `keyden inspect` and `keyden mint`: read the token and the key, let the core judge, print.

use crate::args::{InspectArgs, MintCommand};
use crate::failure::Failure;
use crate::output::{instant, relative};
use keyden_core::inspect::{self, keys, Options, VerifyKey};
use keyden_core::protocol::{Inspection, TokenKind};
use keyden_core::vault::Vault;
use std::io::Read;

fn read_file(path: &std::path::Path, what: &str) -> Result<Vec<u8>, Failure> {
    let meta = std::fs::metadata(path)
        .map_err(|e| Failure::usage("file_unreadable", format!("{what} {}: {e}", path.display()), "check the path"))?;
    if meta.len() > 1024 * 1024 {
        return Err(Failure::usage(
            "file_too_large",
            format!("{what} {} is {} bytes", path.display(), meta.len()),
            "a key file is a few KB at most",
        ));
    }
    std::fs::read(path)
        .map_err(|e| Failure::usage("file_unreadable", format!("{what} {}: {e}", path.display()), "check the path"))
}

/// The token from the argument, or stdin for `-` (read with a bound: a 1 MB paste is refused, not parsed).
fn read_token(arg: &str) -> Result<String, Failure> {
    if arg != "-" {
        return Ok(arg.to_string());
    }
    let mut buf = Vec::new();
    std::io::stdin()
        .lock()
        .take(2 * inspect::decode::MAX_TOKEN_BYTES as u64 + 1)
        .read_to_end(&mut buf)
        .map_err(|e| Failure::failed("io", e.to_string(), None))?;
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

/// The verification key the flags describe. Vault and JWKS-URL keys need the vault; the rest do not.
async fn verify_key(a: &InspectArgs, vault: Option<&Vault>, now: i64) -> Result<Option<VerifyKey>, Failure> {
    let key = if let Some(s) = a.secret.as_deref().or(a.shopify_secret.as_deref()) {
        keys::secret(s.as_bytes(), "the given secret")?
    } else if let Some(f) = &a.secret_file {
        keys::secret(&read_file(f, "secret file")?, format!("the secret in {}", f.display()))?
    } else if let Some(name) = &a.secret_from {
        let vault = vault.ok_or_else(no_vault)?;
        let (key, secret) = vault.verification_secret(name).await?;
        keys::secret(secret.expose().as_bytes(), format!("the vault key '{}'", key.title))?
    } else if let Some(f) = &a.key_file {
        keys::pem(&String::from_utf8_lossy(&read_file(f, "key file")?), format!("the key in {}", f.display()))?
    } else if let Some(src) = &a.jwks {
        if src.starts_with("https://") || src.starts_with("http://") {
            let vault = vault.ok_or_else(no_vault)?;
            let fetched = keyden_core::inspect::jwks::fetch(vault.database(), src, now, a.refresh).await?;
            if let Some(note) = &fetched.note {
                eprintln!("keyden: {note}");
            }
            keys::jwk_or_set(&fetched.body, format!("the JWKS at {src}"))?
        } else {
            let path = std::path::Path::new(src);
            keys::jwk_or_set(&String::from_utf8_lossy(&read_file(path, "JWKS file")?), format!("the JWKS in {src}"))?
        }
    } else {
        return Ok(None);
    };
    Ok(Some(key))
}

fn no_vault() -> Failure {
    Failure::failed(
        "vault_unavailable",
        "this needs the vault, which could not be opened",
        Some("check --data-dir and that the keyring is reachable".into()),
    )
}

pub async fn run(a: &InspectArgs, vault: Option<&Vault>, json: bool) -> Result<(), Failure> {
    let token = read_token(&a.token)?;
    let now = a.at.unwrap_or_else(|| time::OffsetDateTime::now_utc().unix_timestamp());
    let key = verify_key(a, vault, now).await?;
    let opts = Options {
        at: now,
        leeway: a.leeway.max(0),
        key,
        audience: a.aud.clone(),
        issuer: a.iss.clone(),
        shopify_api_key: a.shopify_api_key.clone(),
    };
    let mut analysis = inspect::analyze(&token, &opts);
    if let Some(vault) = vault {
        vault.explain(&mut analysis).await;
    }
    let i = &analysis.inspection;
    if json {
        crate::output::emit(&format!("{}\n", serde_json::to_string_pretty(i).expect("inspections serialize")));
    } else {
        crate::output::emit(&human(i));
    }
    if i.verdict.is_ok() {
        Ok(())
    } else {
        Err(Failure::quiet(1))
    }
}

fn human(i: &Inspection) -> String {
    let kind = match &i.kind {
        TokenKind::ShopifySessionToken { shop } => format!("Shopify session token for {shop}"),
        TokenKind::MedusaJwt { actor_type } => format!("Medusa JWT ({actor_type})"),
        TokenKind::Jwt => "JWT".into(),
        TokenKind::OpaqueKey { provider, kind, redacted } => format!("{provider} {kind} {redacted}"),
        TokenKind::Unknown => "unrecognised input".into(),
    };
    let mut out = format!(
        "{}  {}{}\n{}\n",
        i.verdict.as_str().to_uppercase().replace('_', " "),
        i.alg.as_deref().map(|a| format!("{a}  ")).unwrap_or_default(),
        kind,
        i.diagnosis
    );
    let t = &i.times;
    for (name, v) in [("issued", t.iat), ("not before", t.nbf), ("expires", t.exp)] {
        if let Some(v) = v {
            out.push_str(&format!("  {name:<11} {} ({})\n", instant(v), relative(v, t.at)));
        }
    }
    if let Some(l) = t.lifetime_seconds {
        out.push_str(&format!("  {:<11} {l} s\n", "lifetime"));
    }
    for (label, v) in [("header", &i.header), ("claims", &i.claims)] {
        if let Some(v) = v {
            out.push_str(&format!("{label} {}\n", serde_json::to_string_pretty(v).unwrap_or_default()));
        }
    }
    out
}

pub async fn mint(cmd: &MintCommand, vault: &Vault) -> Result<(), Failure> {
    let (name, claims) = match cmd {
        MintCommand::Shopify { secret_from, api_key, shop, user, lifetime } => {
            let now = time::OffsetDateTime::now_utc().unix_timestamp();
            (
                secret_from,
                inspect::mint::shopify_session_claims(api_key, shop, user, now, (*lifetime).clamp(1, 86_400))?,
            )
        }
        MintCommand::Hs256 { secret_from, claims } => {
            let v: serde_json::Value = serde_json::from_str(claims).map_err(|e| {
                Failure::usage(
                    "invalid_input",
                    format!("--claims is not JSON: {e}"),
                    "e.g. --claims '{\"sub\":\"42\"}'",
                )
            })?;
            (secret_from, v)
        }
    };
    let (_, secret) = vault.verification_secret(name).await?;
    let token = inspect::mint::hs256(secret.expose().as_bytes(), &claims)?;
    crate::output::emit(&format!("{token}\n"));
    Ok(())
}
