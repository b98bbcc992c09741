use crate::secret::SecretError;
use crate::secret_store::KeyringError;
use crate::store::StoreError;
use crate::Coded;

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("{field}: {reason}")]
    InvalidInput { field: &'static str, reason: String },
    #[error("no key named {0:?}")]
    NotFound(String),
    #[error("{name:?} matches {} keys: {}", matches.len(), matches.join(", "))]
    Ambiguous { name: String, matches: Vec<String> },
    #[error("'{active_title}' ({active_id}) is already the active secret key for this account and owner")]
    OneActiveKey { active_id: String, active_title: String },
    #[error("'{0}' is already revoked; revoke is final")]
    AlreadyRevoked(String),
    #[error("'{0}' is still active; only a revoked key can be deleted")]
    NotRevoked(String),
    #[error("'{0}' is revoked; its secret is kept only for token diagnosis and is never handed out again")]
    Revoked(String),
    #[error("the keyring has no secret for '{0}'")]
    SecretMissing(String),
    #[error("'{0}' was mirrored from its provider: Keyden never held its secret")]
    NeverHeld(String),
    #[error("'{0}' changed while this action ran (another Keyden process acted on it)")]
    Conflict(String),
    #[error("there is no vault here: {0}")]
    NoDataDir(String),
    /// The database is not the one this data directory held, and the keyring still holds that one's
    /// secrets: opening it as a new, empty vault would hide them.
    #[error(
        "the database in {dir} is empty or was replaced: it is not the vault this directory held (install \
         {previous}), and the keyring still holds that vault's secrets. Keyden stops rather than start an empty \
         vault over them"
    )]
    Replaced { dir: std::path::PathBuf, previous: String, marker: std::path::PathBuf },
    #[error(transparent)]
    Secret(#[from] SecretError),
    #[error(transparent)]
    Keyring(#[from] KeyringError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Coded for VaultError {
    fn code(&self) -> &'static str {
        match self {
            VaultError::InvalidInput { .. } => "invalid_input",
            VaultError::NotFound(_) => "key_not_found",
            VaultError::Ambiguous { .. } => "key_ambiguous",
            VaultError::OneActiveKey { .. } => "one_active_key",
            VaultError::AlreadyRevoked(_) => "key_already_revoked",
            VaultError::NotRevoked(_) => "key_not_revoked",
            VaultError::Revoked(_) => "key_revoked",
            VaultError::SecretMissing(_) => "secret_missing",
            VaultError::NeverHeld(_) => "secret_never_held",
            VaultError::Conflict(_) => "key_conflict",
            VaultError::NoDataDir(_) => "vault_unavailable",
            VaultError::Replaced { .. } => "vault_replaced",
            VaultError::Secret(e) => e.code(),
            VaultError::Keyring(e) => e.code(),
            VaultError::Store(e) => e.code(),
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            VaultError::InvalidInput { .. } => None,
            VaultError::NotFound(_) => Some("name a key by its id, a unique id prefix, or its exact title".into()),
            VaultError::Ambiguous { .. } => Some("use the key's id instead".into()),
            VaultError::OneActiveKey { active_id, .. } => {
                Some(format!("revoke the active key ({active_id}) first, or give the new key another account or owner"))
            }
            VaultError::AlreadyRevoked(_) => Some("add a new key instead".into()),
            VaultError::NotRevoked(_) => Some("revoke it first; revoke is final".into()),
            VaultError::Revoked(_) => Some("add the key's replacement and use that".into()),
            VaultError::SecretMissing(_) => {
                Some("the entry was removed outside Keyden; revoke this key and add it again".into())
            }
            VaultError::NeverHeld(_) => {
                Some("a provider shows a key's secret only when it is created; create a new one at the provider".into())
            }
            VaultError::Conflict(_) => Some("look at the key again and retry".into()),
            VaultError::NoDataDir(_) => Some("choose a writable data directory".into()),
            VaultError::Replaced { marker, .. } => Some(format!(
                "restore keyden.sqlite3 from a backup; or, to start a new vault here on purpose (the old secrets \
                 stay in the keyring, unlisted), delete {}",
                marker.display()
            )),
            VaultError::Secret(e) => e.hint(),
            VaultError::Keyring(e) => e.hint(),
            VaultError::Store(e) => e.hint(),
        }
    }
}
