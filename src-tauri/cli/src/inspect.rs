//! `keyden inspect` and `keyden mint`: read the token and the key, let the core judge, print.

use crate::args::{InspectArgs, MintCommand};
use crate::failure::Failure;
use crate::output::{instant, relative};
use keyden_core::inspect;
use keyden_core::keyden::{InspectInput, Inspected, KeyOrigin};
use keyden_core::protocol::{Inspection, MintRequest, TokenKind};
use keyden_core::Keyden;
use std::io::Read;
use zeroize::Zeroizing;

/// A key, secret or JWKS file: a regular file of at most 1 MiB, judged while reading (a device or a FIFO
/// is refused before a byte is read).
fn read_file(path: &std::path::Path) -> Result<Vec<u8>, Failure> {
    // A flag naming a file that is not there or not a file is a usage error (exit 2), as before.
    keyden_core::files::read_bounded(path, 1024 * 1024).map_err(|e| Failure { exit: 2, ..Failure::from(e) })
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

/// The verification key the flags describe; the core resolves it (vault, JWKS URL and cache).
fn key_origin(a: &InspectArgs) -> Result<Option<KeyOrigin>, Failure> {
    let origin = if let Some(s) = a.secret.as_deref().or(a.shopify_secret.as_deref()) {
        KeyOrigin::Secret { bytes: Zeroizing::new(s.as_bytes().to_vec()), label: "the given secret".into() }
    } else if let Some(f) = &a.secret_file {
        KeyOrigin::Secret { bytes: Zeroizing::new(read_file(f)?), label: format!("the secret in {}", f.display()) }
    } else if let Some(name) = &a.secret_from {
        KeyOrigin::Vault(name.clone())
    } else if let Some(f) = &a.key_file {
        let text = String::from_utf8_lossy(&read_file(f)?).into_owned();
        KeyOrigin::Pem { text, label: format!("the key in {}", f.display()) }
    } else if let Some(src) = &a.jwks {
        if src.starts_with("https://") || src.starts_with("http://") {
            KeyOrigin::JwksUrl { url: src.clone(), refresh: a.refresh }
        } else {
            let text = String::from_utf8_lossy(&read_file(std::path::Path::new(src))?).into_owned();
            KeyOrigin::Jwk { text, label: format!("the JWKS in {src}") }
        }
    } else {
        return Ok(None);
    };
    Ok(Some(origin))
}

pub async fn run(a: &InspectArgs, keyden: &Keyden, json: bool) -> Result<(), Failure> {
    let input = InspectInput {
        token: read_token(&a.token)?,
        key: key_origin(a)?,
        at: a.at,
        leeway: a.leeway,
        audience: a.aud.clone(),
        issuer: a.iss.clone(),
        shopify_api_key: a.shopify_api_key.clone(),
    };
    let Inspected { inspection: i, note } = keyden.inspect(input).await?;
    if let Some(note) = &note {
        crate::output::say(&format!("keyden: {note}"));
    }
    if json {
        crate::output::emit_json(&serde_json::to_string_pretty(&i).expect("inspections serialize"));
    } else {
        crate::output::emit(&human(&i));
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

pub async fn mint(cmd: &MintCommand, keyden: &Keyden) -> Result<(), Failure> {
    let request = match cmd {
        MintCommand::Shopify { secret_from, api_key, shop, user, lifetime } => MintRequest::Shopify {
            key_id: secret_from.clone(),
            api_key: api_key.clone(),
            shop: shop.clone(),
            user: user.clone(),
            lifetime: *lifetime,
        },
        MintCommand::Hs256 { secret_from, claims } => {
            let claims: serde_json::Value = serde_json::from_str(claims).map_err(|e| {
                Failure::usage(
                    "invalid_input",
                    format!("--claims is not JSON: {e}"),
                    "e.g. --claims '{\"sub\":\"42\"}'",
                )
            })?;
            MintRequest::Hs256 { key_id: secret_from.clone(), claims }
        }
    };
    let minted = keyden.mint(request).await?;
    crate::output::emit_value(&format!("{}\n", minted.token));
    Ok(())
}
