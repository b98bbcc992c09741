use crate::secret_store::KeyringError;
use crate::store::StoreError;
use crate::vault::VaultError;
use crate::Coded;

/// Everything that can go wrong talking to a provider, each with what to do about it. `service` names
/// the account and its URL so a message makes sense on its own ("Medusa 'shop' at http://…").
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    #[error("{field}: {reason}")]
    InvalidInput { field: &'static str, reason: String },
    /// The account's provider does not offer this (its registry entry's capabilities).
    #[error("'{account}' is a {provider} account: {what}")]
    NotCapable { account: String, provider: &'static str, what: &'static str },
    #[error("no provider account named {0:?}")]
    AccountNotFound(String),
    #[error("there is already an account named {0:?}")]
    AccountExists(String),
    #[error("'{0}' is not linked to a provider account")]
    NotLinked(String),
    #[error("{service}: cannot connect ({reason})")]
    Unreachable { service: String, reason: String },
    #[error("Keyden cannot make secure connections on this machine: {reason}")]
    TlsUnavailable { reason: String },
    #[error("{service} did not answer within {seconds} s")]
    Timeout { service: String, seconds: f32 },
    #[error("{service} is rate limiting Keyden (HTTP 429){}", retry_after.map(|s| format!("; it asks to wait {s} s")).unwrap_or_default())]
    RateLimited { service: String, retry_after: Option<u64> },
    #[error("{service} failed (HTTP {status}): {message}")]
    Server { service: String, status: u16, message: String },
    #[error("{service} refused the account's credentials (HTTP {status}): {message}")]
    Unauthorized { service: String, status: u16, message: String },
    #[error("{service} refused (HTTP {status}): {message}")]
    Refused { service: String, status: u16, message: String },
    /// A redirect to another origin: not followed, so no credential went there.
    #[error("{service} redirected (HTTP {status}) to {to}; Keyden does not follow a redirect to another origin")]
    Redirected { service: String, status: u16, to: String },
    /// A KV check-and-set that did not match: someone wrote a newer version first.
    #[error("{service}: someone changed it first{} — nothing was overwritten ({what})", server_version.map(|v| format!(" (the server has version {v})")).unwrap_or_default())]
    Conflict { service: String, what: String, server_version: Option<u64> },
    /// The credentials are good, the policy does not allow this (a read-only member sharing).
    #[error("{service} does not allow this account to do that (HTTP 403): {message}")]
    PermissionDenied { service: String, message: String },
    #[error("{service} is sealed: it holds the data but cannot read it until an operator unseals it")]
    Sealed { service: String },
    #[error("'{key}' is already shared through '{account}'")]
    AlreadyShared { key: String, account: String },
    #[error("'{0}' is not shared through a team account")]
    NotShared(String),
    #[error("{service} answered something Keyden cannot read: {reason}")]
    Malformed { service: String, reason: String },
    #[error("{service} does not have it: {what}")]
    RemoteMissing { service: String, what: String },
    #[error("{service} said yes, but reading the key back shows it did not happen: {what}")]
    NotApplied { service: String, what: String },
    #[error("{0}")]
    ConsentNeeded(String),
    #[error("Keyden has no way to check '{0}': it is not linked to an account whose provider checks keys, and it has no probe")]
    NoCheck(String),
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Keyring(#[from] KeyringError),
}

impl ProviderError {
    pub fn not_capable(account: &keyden_protocol::Account, what: &'static str) -> Self {
        ProviderError::NotCapable { account: account.name.clone(), provider: account.provider.label(), what }
    }

    /// Whether the provider answered at all (a check that ends here says nothing about the key): it
    /// could not be asked, or it failed or answered nonsense.
    pub fn is_transport(&self) -> bool {
        self.is_unasked() || matches!(self, ProviderError::Server { .. } | ProviderError::Malformed { .. })
    }

    /// The server could not be asked, or asked to be left alone: asking it something else now (a new
    /// login after a refused renewal) would fail the same way. A 5xx is an answer, so not this.
    pub fn is_unasked(&self) -> bool {
        matches!(
            self,
            ProviderError::Unreachable { .. }
                | ProviderError::TlsUnavailable { .. }
                | ProviderError::Timeout { .. }
                | ProviderError::RateLimited { .. }
                | ProviderError::Redirected { .. }
                | ProviderError::Sealed { .. }
        )
    }

    /// The kind a failed sync is recorded as (the UI's "Offline" badge is `Unreachable`).
    pub fn sync_failure(&self) -> keyden_protocol::SyncFailure {
        use keyden_protocol::SyncFailure;
        match self {
            ProviderError::Unreachable { .. } | ProviderError::Timeout { .. } => SyncFailure::Unreachable,
            ProviderError::Unauthorized { .. } => SyncFailure::Unauthorized,
            ProviderError::Refused { .. } => SyncFailure::Refused,
            ProviderError::RateLimited { .. } => SyncFailure::RateLimited,
            ProviderError::Server { .. } | ProviderError::Sealed { .. } => SyncFailure::Server,
            ProviderError::PermissionDenied { .. } => SyncFailure::Refused,
            ProviderError::Malformed { .. } => SyncFailure::Malformed,
            _ => SyncFailure::Other,
        }
    }
}

impl Coded for ProviderError {
    fn code(&self) -> &'static str {
        match self {
            ProviderError::InvalidInput { .. } => "invalid_input",
            ProviderError::NotCapable { .. } => "provider_cannot",
            ProviderError::AccountNotFound(_) => "account_not_found",
            ProviderError::AccountExists(_) => "account_exists",
            ProviderError::NotLinked(_) => "key_not_linked",
            ProviderError::Unreachable { .. } => "provider_unreachable",
            ProviderError::TlsUnavailable { .. } => "tls_unavailable",
            ProviderError::Timeout { .. } => "provider_timeout",
            ProviderError::RateLimited { .. } => "provider_rate_limited",
            ProviderError::Server { .. } => "provider_error",
            ProviderError::Unauthorized { .. } => "provider_unauthorized",
            ProviderError::Refused { .. } => "provider_refused",
            ProviderError::Malformed { .. } => "provider_malformed",
            ProviderError::Redirected { .. } => "provider_redirected",
            ProviderError::Conflict { .. } => "conflict",
            ProviderError::PermissionDenied { .. } => "permission_denied",
            ProviderError::Sealed { .. } => "provider_sealed",
            ProviderError::AlreadyShared { .. } => "already_shared",
            ProviderError::NotShared(_) => "key_not_shared",
            ProviderError::RemoteMissing { .. } => "remote_key_missing",
            ProviderError::NotApplied { .. } => "provider_not_applied",
            ProviderError::ConsentNeeded(_) => "consent_needed",
            ProviderError::NoCheck(_) => "no_check_method",
            ProviderError::Vault(e) => e.code(),
            ProviderError::Store(e) => e.code(),
            ProviderError::Keyring(e) => e.code(),
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            ProviderError::InvalidInput { .. } => None,
            ProviderError::NotCapable { .. } => Some("use an account of a provider that offers it".into()),
            ProviderError::AccountNotFound(_) => Some("the list of accounts shows their names".into()),
            ProviderError::AccountExists(_) => Some("choose another name, or remove the old account first".into()),
            ProviderError::NotLinked(_) => {
                Some("only keys created or synced from a provider account have a remote side".into())
            }
            ProviderError::Unreachable { .. } => {
                Some("check the account's URL and that the server is running; the mirror still works offline".into())
            }
            ProviderError::TlsUnavailable { .. } => Some(
                "Keyden trusts the certificates the operating system trusts: install them (on Debian or Ubuntu, \
                 the ca-certificates package) and try again"
                    .into(),
            ),
            ProviderError::Timeout { .. } => Some("the server may be overloaded; try again in a moment".into()),
            ProviderError::RateLimited { retry_after, .. } => Some(match retry_after {
                Some(s) => format!("try again in {s} s"),
                None => "try again in a minute".into(),
            }),
            ProviderError::Server { .. } => {
                Some("a server-side failure: try again, or look at the server's log".into())
            }
            ProviderError::Unauthorized { .. } => Some(
                "the password or key for this account is wrong or was revoked; remove the account and add it again"
                    .into(),
            ),
            ProviderError::Refused { .. } => Some("the provider's own rule; its message says why".into()),
            ProviderError::Redirected { .. } => Some(
                "no credential was sent there; if the new address is right, use it as the URL (often http:// → \
                 https://, or a new host)"
                    .into(),
            ),
            ProviderError::Conflict { .. } => Some(
                "sync the account to get the newest version, look at it, then rotate again if it still needs it".into(),
            ),
            ProviderError::PermissionDenied { .. } => Some(
                "the team vault's policy for this login does not allow it (a read-only member can sync, not \
                 share or change); ask the vault's administrator"
                    .into(),
            ),
            ProviderError::Sealed { .. } => Some(
                "an operator must unseal it (`bao operator unseal`); until then the keys already synced are served \
                 from this machine's mirror"
                    .into(),
            ),
            ProviderError::AlreadyShared { .. } => {
                Some("a new value for it is `keyden keys rotate KEY --secret-stdin`".into())
            }
            ProviderError::NotShared(_) => Some("share it first: `keyden share KEY --account N`".into()),
            ProviderError::Malformed { .. } => Some("is the URL really the provider's API? check the account".into()),
            ProviderError::RemoteMissing { .. } => {
                Some("it was deleted at the provider; a sync of the account marks it gone in the mirror".into())
            }
            ProviderError::NotApplied { .. } => Some("sync the account and look at the key again".into()),
            ProviderError::ConsentNeeded(_) => Some("confirm to go ahead".into()),
            ProviderError::NoCheck(_) => {
                Some("give it a probe: a URL to GET and a header that carries the key as {key}".into())
            }
            ProviderError::Vault(e) => e.hint(),
            ProviderError::Store(e) => e.hint(),
            ProviderError::Keyring(e) => e.hint(),
        }
    }
}
