//! `env import`: find the secrets written in a `.env`, move them into the vault, and leave references
//! behind. The file is replaced atomically, and only once every secret is in the keyring; every byte
//! that is not an imported value stays as it was (comments, order, quoting, line ends, mode).
//!
//! A secret is recognised by its shape (the Inspector's prefix table: `sk_live_…`, `ghp_…`) or by its
//! variable's name (`*_KEY`, `*_SECRET`, `*_TOKEN`, `*PASSWORD*`) holding a real value — not a
//! placeholder, path or URL. A value the vault already holds (same keyed fingerprint) is referred to,
//! never stored twice.

use super::{dotenv, reference, EnvError, MAX_ENV_FILE_BYTES};
use crate::files;
use crate::inspect::recognize;
use crate::secret::SecretValue;
use crate::vault::{NewKeyMeta, Vault, VaultError};
use keyden_protocol::{
    EnvFileView, EnvImportReport, EnvLine, EnvLineClass, ImportAction, KeyKind, KeyRecord, KeyRef, KeyStatus, TokenKind,
};
use std::ops::Range;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// Overrides the provider the value's shape suggests.
    pub provider: Option<String>,
    pub environment: String,
    pub dry_run: bool,
}

/// Why a value was taken for a secret, and what the new key would be.
#[derive(Debug, PartialEq, Eq)]
pub enum Detection {
    Secret {
        why: String,
        provider: String,
        kind: KeyKind,
    },
    /// Left alone; the note says why when it looked like a key.
    Plain(Option<String>),
}

/// Classifies one assignment by its value's shape, then its name.
pub fn detect(name: &str, value: &str) -> Detection {
    if value.is_empty() {
        return Detection::Plain(None);
    }
    if let Some(TokenKind::OpaqueKey { provider, kind, .. }) = recognize::opaque_kind(value) {
        if kind.contains("publishable") {
            return Detection::Plain(Some(format!("{provider} {kind}: public by design, left in the file")));
        }
        let key_kind = if kind.contains("client secret") {
            KeyKind::ClientSecret
        } else if kind.contains("secret") || kind.contains("restricted") {
            KeyKind::Secret
        } else {
            KeyKind::Token
        };
        return Detection::Secret { why: format!("{provider} {kind}"), provider, kind: key_kind };
    }
    let upper = name.to_ascii_uppercase();
    if upper.contains("PUBLIC") || upper.contains("PUBLISHABLE") {
        return Detection::Plain(None);
    }
    let named_secret =
        ["KEY", "SECRET", "TOKEN", "APIKEY", "PAT"].iter().any(|s| upper == *s || upper.ends_with(&format!("_{s}")))
            || upper.ends_with("APIKEY")
            || upper.contains("PASSWORD")
            || upper.contains("PASSWD");
    if !named_secret {
        return Detection::Plain(None);
    }
    match not_a_real_value(value) {
        Some(why) => Detection::Plain(Some(format!("{why}, left in the file"))),
        None => Detection::Secret {
            why: format!("the name {name} says it is a secret"),
            provider: "generic".into(),
            kind: KeyKind::Token,
        },
    }
}

/// Why a value under a secret-sounding name is not a secret worth moving; `None` when it is one.
fn not_a_real_value(value: &str) -> Option<&'static str> {
    let lower = value.to_lowercase();
    const PLACEHOLDERS: &[&str] = &[
        "changeme",
        "change_me",
        "change-me",
        "your_",
        "your-",
        "yourkey",
        "xxx",
        "todo",
        "replace",
        "example",
        "placeholder",
        "dummy",
        "redacted",
        "...",
        "…",
        "${",
    ];
    const WORDS: &[&str] =
        &["secret", "password", "token", "key", "null", "none", "undefined", "true", "false", "test"];
    if value.chars().count() < 8 {
        return Some("too short to be a secret");
    }
    if value.chars().any(char::is_whitespace) {
        return Some("holds spaces: not a key");
    }
    let bracketed = value.starts_with('<') && value.ends_with('>');
    if bracketed || PLACEHOLDERS.iter().any(|p| lower.contains(p)) || WORDS.contains(&lower.as_str()) {
        return Some("looks like a placeholder");
    }
    if value.chars().all(|c| c.is_ascii_digit()) || value.chars().all(|c| value.starts_with(c)) {
        return Some("looks like a placeholder");
    }
    if value.contains("://") {
        return Some("a URL");
    }
    let path_like = ["/", "./", "../", "~/"].iter().any(|p| value.starts_with(p))
        || [".pem", ".key", ".json", ".p12", ".crt", ".txt"].iter().any(|s| lower.ends_with(s));
    if path_like {
        return Some("a file path");
    }
    None
}

/// A secret line the import would act on.
struct Planned {
    /// Index into the view's lines.
    line_index: usize,
    raw: Range<usize>,
}

/// Everything `plan` learnt: the view, and what `apply` needs to act on it.
pub struct Plan {
    pub view: EnvFileView,
    /// The file that will be replaced (the symlink's target, when the path is a symlink).
    target: PathBuf,
    text: Zeroizing<String>,
    planned: Vec<Planned>,
    new_keys: Vec<(NewKeyMeta, SecretValue)>,
}

fn key_ref(k: &KeyRecord) -> KeyRef {
    KeyRef { id: k.id.clone(), title: k.title.clone(), status: k.status }
}

/// The project a `.env` belongs to: the name of the directory it sits in (where it is linked from,
/// for a symlink).
fn project_name(path: &Path) -> String {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    abs.parent()
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "project".into())
}

/// Reads and classifies a `.env` without changing anything.
pub async fn plan(vault: &Vault, path: &Path, options: &ImportOptions) -> Result<Plan, EnvError> {
    let target = files::real_target(path)?;
    let text = files::read_text(path, MAX_ENV_FILE_BYTES)?;
    let entries = dotenv::parse(&text).map_err(|error| EnvError::Syntax { path: path.to_path_buf(), error })?;
    let project = project_name(path);
    let mut view = EnvFileView { path: path.display().to_string(), project: project.clone(), lines: Vec::new() };
    let mut planned = Vec::new();
    let mut new_keys: Vec<(NewKeyMeta, SecretValue)> = Vec::new();
    for entry in entries {
        let class = match reference::parse(&entry.value) {
            Some(Ok(key)) => reference_class(vault, key).await?,
            Some(Err(e)) => EnvLineClass::Reference {
                key: entry.value.to_string(),
                resolves_to: None,
                problem: Some(e.to_string()),
            },
            None => match detect(&entry.name, &entry.value) {
                Detection::Plain(note) => EnvLineClass::Plain { note },
                Detection::Secret { why, provider, kind } => {
                    let provider = options.provider.clone().unwrap_or(provider);
                    let action =
                        secret_action(vault, &entry, &provider, kind, &project, options, &mut new_keys).await?;
                    if !matches!(action, ImportAction::Skip { .. }) {
                        planned.push(Planned { line_index: view.lines.len(), raw: entry.raw.clone() });
                    }
                    let redacted = SecretValue::from_stored(entry.value.to_string()).redacted();
                    EnvLineClass::Secret { redacted, why, action }
                }
            },
        };
        view.lines.push(EnvLine { line: entry.line, name: entry.name, class });
    }
    Ok(Plan { view, target, text, planned, new_keys })
}

async fn reference_class(vault: &Vault, key: String) -> Result<EnvLineClass, EnvError> {
    let (resolves_to, problem) = match vault.usable(&key).await {
        Ok(k) => (Some(key_ref(&k)), None),
        Err(e @ (VaultError::Revoked(_) | VaultError::NeverHeld(_))) => {
            (vault.resolve(&key).await.ok().map(|k| key_ref(&k)), Some(e.to_string()))
        }
        Err(e @ (VaultError::NotFound(_) | VaultError::Ambiguous { .. })) => (None, Some(e.to_string())),
        Err(other) => return Err(other.into()),
    };
    Ok(EnvLineClass::Reference { key, resolves_to, problem })
}

async fn secret_action(
    vault: &Vault,
    entry: &dotenv::Entry,
    provider: &str,
    kind: KeyKind,
    project: &str,
    options: &ImportOptions,
    new_keys: &mut Vec<(NewKeyMeta, SecretValue)>,
) -> Result<ImportAction, EnvError> {
    let secret = match SecretValue::from_input(entry.value.as_bytes().to_vec()) {
        Ok(s) => s,
        Err(e) => return Ok(ImportAction::Skip { reason: e.to_string() }),
    };
    let held = vault.find_by_value(&secret).await?;
    if let Some(active) = held.iter().find(|k| k.status == KeyStatus::Active && k.has_secret) {
        return Ok(ImportAction::Reuse { key: key_ref(active) });
    }
    if let Some(revoked) = held.first() {
        return Ok(ImportAction::Skip {
            reason: format!(
                "this is the value of '{}' ({}), which is revoked: replace it with a live key",
                revoked.title, revoked.id
            ),
        });
    }
    // The same value twice in one file is one key.
    if let Some((meta, _)) = new_keys.iter().find(|(_, v)| v.expose() == secret.expose()) {
        return Ok(ImportAction::Store {
            title: meta.title.clone(),
            provider: meta.provider.clone(),
            key_kind: meta.kind.unwrap_or(kind),
        });
    }
    let owner = entry.name.clone();
    if kind == KeyKind::Secret {
        let slot_taken_here =
            new_keys.iter().any(|(m, _)| m.kind == Some(KeyKind::Secret) && m.provider == provider && m.owner == owner);
        if slot_taken_here {
            return Ok(ImportAction::Skip {
                reason: format!("{owner} is assigned another secret key earlier in this file"),
            });
        }
        if let Some(active) = vault.active_secret_for(provider, project, &owner).await? {
            return Ok(ImportAction::Skip {
                reason: format!(
                    "'{}' ({}) is already the active secret key for {owner} in {project}: revoke it first, then import again",
                    active.title, active.id
                ),
            });
        }
    }
    let title = free_title(vault, &entry.name, project, new_keys).await?;
    let meta = NewKeyMeta {
        title: title.clone(),
        provider: provider.to_string(),
        account: project.to_string(),
        environment: options.environment.clone(),
        owner,
        kind: Some(kind),
        notes: format!("Imported from {}'s .env (line {}).", project, entry.line),
        ..Default::default()
    };
    new_keys.push((meta, secret));
    Ok(ImportAction::Store { title, provider: provider.to_string(), key_kind: kind })
}

/// The variable's name, else "NAME (project)", else "NAME (project) 2", 3, …
async fn free_title(
    vault: &Vault,
    name: &str,
    project: &str,
    planned: &[(NewKeyMeta, SecretValue)],
) -> Result<String, EnvError> {
    let candidates = std::iter::once(name.to_string())
        .chain(std::iter::once(format!("{name} ({project})")))
        .chain((2..).map(|n| format!("{name} ({project}) {n}")));
    for title in candidates {
        if !planned.iter().any(|(m, _)| m.title == title) && !vault.title_taken(&title).await? {
            return Ok(title);
        }
    }
    unreachable!("the candidate titles never run out")
}

/// Plans, stores the new keys (one keyring session), then rewrites the file. A dry run stops after
/// the plan.
pub async fn apply(vault: &Vault, path: &Path, options: &ImportOptions) -> Result<EnvImportReport, EnvError> {
    let Plan { mut view, target, text, planned, new_keys } = plan(vault, path, options).await?;
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    let linked = is_link.then(|| target.display().to_string());
    if options.dry_run || planned.is_empty() {
        return Ok(EnvImportReport { file: view, dry_run: options.dry_run, rewritten: false, target: linked });
    }
    // Before anything is stored: a file that cannot be rewritten must not half-import.
    files::ensure_writable(&target)?;

    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| ".env".into());
    let stored =
        vault.add_many(new_keys, &format!("imported from {file_name}")).await.map_err(|p| match p.stored.len() {
            0 => EnvError::Vault(p.error),
            stored => EnvError::PartlyStored { stored, source: Box::new(p.error) },
        })?;

    let mut replacements = Vec::with_capacity(planned.len());
    for p in &planned {
        let line = &mut view.lines[p.line_index];
        let EnvLineClass::Secret { action, .. } = &mut line.class else { continue };
        let key = match action {
            ImportAction::Reuse { key } => key.clone(),
            ImportAction::Store { title, .. } => {
                let record = stored.iter().find(|k| &k.title == title).expect("every planned key was stored");
                key_ref(record)
            }
            _ => continue,
        };
        if matches!(action, ImportAction::Store { .. }) {
            *action = ImportAction::Stored { key: key.clone() };
        }
        replacements.push((p.raw.clone(), reference::to_key(&key.id)));
    }
    let rewritten = dotenv::rewrite(&text, &replacements);
    files::replace_atomically(&target, text.as_bytes(), rewritten.as_bytes())?;
    Ok(EnvImportReport { file: view, dry_run: false, rewritten: true, target: linked })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind_of(name: &str, value: &str) -> String {
        match detect(name, value) {
            Detection::Secret { provider, kind, .. } => format!("{provider}/{}", kind.as_str()),
            Detection::Plain(Some(note)) => format!("plain: {note}"),
            Detection::Plain(None) => "plain".into(),
        }
    }

    #[test]
    fn known_shapes_are_secrets_whatever_the_name() {
        assert_eq!(kind_of("STRIPE", "sk_live_51H8abcdefghijklmnop"), "stripe/secret");
        assert_eq!(kind_of("X", "ghp_abcdefghijklmnopqrstuvwxyz0123456789"), "github/token");
        assert_eq!(kind_of("SHOPIFY_API_SECRET", "shpss_0123456789abcdef0123456789abcdef"), "shopify/client-secret");
        assert_eq!(kind_of("M", &format!("sk_{}", "a".repeat(64))), "medusa/secret");
    }

    #[test]
    fn publishable_keys_stay_in_the_file() {
        assert!(kind_of("STRIPE_PK", "pk_live_51H8abcdefghijklmnop").contains("public by design"));
    }

    #[test]
    fn secret_sounding_names_with_real_values_are_secrets() {
        assert_eq!(kind_of("SHOP_MINIS_API_KEY", "a7c1f0e9d2b34c8e9f01"), "generic/token");
        assert_eq!(kind_of("DB_PASSWORD", "s3cr3t-P4ss!"), "generic/token");
        assert_eq!(kind_of("SESSION_SECRET", "f00dfacecafe1234"), "generic/token");
        assert_eq!(kind_of("api_key", "abcdef0123456789"), "generic/token");
    }

    #[test]
    fn placeholders_paths_urls_and_public_keys_are_not() {
        for (name, value) in [
            ("API_KEY", "changeme"),
            ("API_KEY", "your-api-key-here"),
            ("API_KEY", "<insert key>"),
            ("API_KEY", "xxxxxxxxxxxx"),
            ("SSL_KEY", "./certs/server.key"),
            ("SIGNING_KEY", "/etc/keys/signing.pem"),
            ("AUTH_TOKEN", "https://auth.example.com/token"),
            ("API_KEY", "12345678"),
            ("API_KEY", "${OTHER_KEY}"),
            ("API_KEY", "short"),
        ] {
            assert!(kind_of(name, value).starts_with("plain:"), "{name}={value}: {}", kind_of(name, value));
        }
        assert_eq!(kind_of("VAPID_PUBLIC_KEY", "BOr0tTy0Mq1hE0kR5vEz2"), "plain");
        assert_eq!(kind_of("PORT", "3000"), "plain");
        assert_eq!(kind_of("KEYBOARD_LAYOUT", "dvorak-international"), "plain");
        assert_eq!(kind_of("EMPTY_KEY", ""), "plain");
    }
}
