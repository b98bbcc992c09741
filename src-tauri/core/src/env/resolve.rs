//! Which variables a child gets, and from where: the parent environment, `.env` files in order, then
//! `--env VAR=KEY` flags — the later source wins. References are checked first (every key found,
//! active, held), then every value is read in one keyring session and each key's use audited once.

use super::reference::Piece;
use super::{dotenv, reference, EnvError, MAX_ENV_FILE_BYTES};
use crate::secret::SecretValue;
use crate::vault::{Use, Vault};
use keyden_protocol::KeyRecord;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// Where a variable was set, for messages that point at the line to fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    File { path: PathBuf, line: usize },
    Parent,
    Flag,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::File { path, line } => write!(f, "{}:{line}", path.display()),
            Origin::Parent => f.write_str("the environment"),
            Origin::Flag => f.write_str("--env"),
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum Value {
    Plain(Zeroizing<String>),
    /// A key's id or title.
    Reference(String),
}

#[derive(Debug)]
pub struct Binding {
    pub var: String,
    pub origin: Origin,
    pub value: Value,
}

/// What the child gets.
#[derive(Default)]
pub struct Resolved {
    /// Values written in a file, passed through as they are.
    pub plain: Vec<(String, Zeroizing<String>)>,
    /// Values filled in from the vault (these are the ones masked in the output).
    pub injected: Vec<(String, SecretValue)>,
    /// Each key used, once.
    pub keys: Vec<KeyRecord>,
}

/// Every assignment of a `.env` file, references recognised.
pub fn from_file(path: &Path) -> Result<Vec<Binding>, EnvError> {
    let text = crate::files::read_text(path, MAX_ENV_FILE_BYTES)?;
    let entries = dotenv::parse(&text).map_err(|error| EnvError::Syntax { path: path.to_path_buf(), error })?;
    entries
        .into_iter()
        .map(|e| {
            let value = match reference::parse(&e.value) {
                None => Value::Plain(e.value),
                Some(Ok(key)) => Value::Reference(key),
                Some(Err(err)) => {
                    let line_start = text[..e.raw.start].rfind('\n').map_or(0, |i| i + 1);
                    let column = text[line_start..e.raw.start].chars().count() + 1;
                    let error = dotenv::SyntaxError { line: e.line, column, reason: err.to_string() };
                    return Err(EnvError::Syntax { path: path.to_path_buf(), error });
                }
            };
            Ok(Binding { var: e.name, origin: Origin::File { path: path.to_path_buf(), line: e.line }, value })
        })
        .collect()
}

/// The parent's variables whose value is a reference (the others reach the child by inheritance).
pub fn from_parent(vars: impl IntoIterator<Item = (String, String)>) -> Result<Vec<Binding>, EnvError> {
    let mut out = Vec::new();
    for (var, value) in vars {
        if let Some(key) = reference::parse(&value) {
            out.push(Binding { var, origin: Origin::Parent, value: Value::Reference(key?) });
        }
    }
    Ok(out)
}

impl Binding {
    /// `--env VAR=KEY`: KEY names a key directly.
    pub fn flag(var: &str, key: &str) -> Self {
        Binding { var: var.to_string(), origin: Origin::Flag, value: Value::Reference(key.trim().to_string()) }
    }
}

/// Resolves `bindings` (later ones win for the same variable). `context` ends each audit line, e.g.
/// "for `npm`". Nothing is read from the keyring unless every reference can be served.
pub async fn resolve(vault: &Vault, bindings: Vec<Binding>, purpose: Use, context: &str) -> Result<Resolved, EnvError> {
    let mut last: Vec<Binding> = Vec::new();
    for b in bindings {
        match last.iter_mut().find(|kept| kept.var == b.var) {
            Some(kept) => *kept = b,
            None => last.push(b),
        }
    }
    let mut resolved = Resolved::default();
    // (key, the variables it fills)
    let mut uses: Vec<(KeyRecord, Vec<String>)> = Vec::new();
    for b in last {
        match b.value {
            Value::Plain(v) => resolved.plain.push((b.var, v)),
            Value::Reference(name) => {
                let key = vault.usable(&name).await.map_err(|source| EnvError::Unresolved {
                    origin: b.origin.to_string(),
                    var: b.var.clone(),
                    key: name.clone(),
                    source: Box::new(source),
                })?;
                match uses.iter_mut().find(|(k, _)| k.id == key.id) {
                    Some((_, vars)) => vars.push(b.var),
                    None => uses.push((key, vec![b.var])),
                }
            }
        }
    }
    if uses.is_empty() {
        return Ok(resolved);
    }
    let audited: Vec<(KeyRecord, String)> =
        uses.iter().map(|(k, vars)| (k.clone(), format!("env {} {context}", vars.join(", ")))).collect();
    let values = vault.use_secrets(&audited, purpose).await?;
    for ((key, vars), value) in uses.into_iter().zip(values) {
        for var in vars {
            resolved.injected.push((var, SecretValue::from_stored(value.expose().to_string())));
        }
        resolved.keys.push(key);
    }
    Ok(resolved)
}

/// Fills every `{{ keyden://KEY }}` of a template. Every key is checked before any value is read, one
/// keyring session reads them all, each key's use is audited once with `detail`; nothing is returned
/// unless every placeholder resolves.
pub async fn fill_template(vault: &Vault, text: &str, detail: &str) -> Result<Zeroizing<String>, EnvError> {
    let pieces = reference::template(text)?;
    let mut uses: Vec<(KeyRecord, String)> = Vec::new();
    let mut slot_of_piece = Vec::with_capacity(pieces.len());
    for piece in &pieces {
        let Piece::Reference { key, line } = piece else {
            slot_of_piece.push(None);
            continue;
        };
        let record = vault.usable(key).await.map_err(|source| EnvError::Unresolved {
            origin: format!("template line {line}"),
            var: "placeholder".into(),
            key: key.clone(),
            source: Box::new(source),
        })?;
        let slot = match uses.iter().position(|(k, _)| k.id == record.id) {
            Some(i) => i,
            None => {
                uses.push((record, detail.to_string()));
                uses.len() - 1
            }
        };
        slot_of_piece.push(Some(slot));
    }
    let values = vault.use_secrets(&uses, Use::Inject).await?;
    let mut filled = Zeroizing::new(String::with_capacity(text.len()));
    for (piece, slot) in pieces.iter().zip(slot_of_piece) {
        match (piece, slot) {
            (_, Some(i)) => filled.push_str(values[i].expose()),
            (Piece::Text(range), None) => filled.push_str(&text[range.clone()]),
            (Piece::Reference { .. }, None) => unreachable!("every reference has a slot"),
        }
    }
    Ok(filled)
}
