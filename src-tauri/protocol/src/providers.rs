//! Provider accounts, sync, health checks, Shop Minis verification and rotation: the IPC types of issue 4.
//! Credentials travel UI → backend only (`NewAccount`), never back.

use crate::KeyKind;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProviderKind {
    Medusa,
    ShopMinis,
    /// OpenBao or HashiCorp Vault (KV v2): the team vault.
    #[serde(rename = "openbao")]
    OpenBao,
}

impl ProviderKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderKind::Medusa => "medusa",
            ProviderKind::ShopMinis => "shop-minis",
            ProviderKind::OpenBao => "openbao",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "medusa" => Some(ProviderKind::Medusa),
            "shop-minis" => Some(ProviderKind::ShopMinis),
            "openbao" => Some(ProviderKind::OpenBao),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ProviderKind::Medusa => "Medusa",
            ProviderKind::ShopMinis => "Shop Minis",
            ProviderKind::OpenBao => "OpenBao",
        }
    }
}

/// What a provider can do, as the core's registry says: the CLI and the UI offer an action when its
/// capability is there, and never test a provider's kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capabilities {
    /// Lists its keys, so that an account can be mirrored (sync).
    pub sync: bool,
    /// Creates keys at the provider (and so rotates them).
    pub create: bool,
    /// Renames, revokes and deletes a linked key at the provider.
    pub manage: bool,
    /// Says whether it still accepts a key (a health check).
    pub check: bool,
    /// Verifies its users' tokens with the account's key (Shop Minis).
    pub verify_user_tokens: bool,
    /// Holds the team's keys, values included: share, sync into the keyring, rotate, history (OpenBao).
    #[serde(default)]
    pub team: bool,
}

/// One way to sign in to a provider, with the words a form needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthMethod {
    pub auth: AccountAuth,
    /// "Email and password".
    pub label: String,
    /// The login field's label ("Admin email"), when the method has one.
    pub login_label: Option<String>,
    /// The secret field's label ("Password", "Secret key (sk_…)").
    pub secret_label: String,
}

/// A provider as the registry describes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderInfo {
    pub kind: ProviderKind,
    /// "Medusa v2 (Admin API)".
    pub title: String,
    /// Where its API lives unless the account says otherwise.
    pub default_url: Option<String>,
    /// The first is the default.
    pub auth_methods: Vec<AuthMethod>,
    /// The key types it creates.
    pub creates: Vec<KeyKind>,
    pub capabilities: Capabilities,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AccountAuth {
    /// Medusa admin email + password; the admin JWT is cached in the keyring and renewed.
    Emailpass,
    /// A Medusa secret key sent as HTTP Basic.
    SecretKey,
    /// A Shop Minis Admin API key sent as Bearer.
    ApiKey,
    /// An OpenBao token, used as given (renewed while it can be).
    Token,
    /// OpenBao userpass: a username and a password; the token it buys is renewed, the login redone.
    Userpass,
    /// OpenBao AppRole: a role id and a secret id.
    Approle,
}

impl AccountAuth {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountAuth::Emailpass => "emailpass",
            AccountAuth::SecretKey => "secret-key",
            AccountAuth::ApiKey => "api-key",
            AccountAuth::Token => "token",
            AccountAuth::Userpass => "userpass",
            AccountAuth::Approle => "approle",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            AccountAuth::Emailpass,
            AccountAuth::SecretKey,
            AccountAuth::ApiKey,
            AccountAuth::Token,
            AccountAuth::Userpass,
            AccountAuth::Approle,
        ]
        .into_iter()
        .find(|a| a.as_str() == s)
    }

    /// Its credential is an entry of the account's own in the keyring (a password, a token, a secret
    /// id), not an ordinary vault key.
    pub fn keeps_own_credential(self) -> bool {
        matches!(self, AccountAuth::Emailpass | AccountAuth::Token | AccountAuth::Userpass | AccountAuth::Approle)
    }
}

/// A provider account as listed. No credential, only where it is kept.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Account {
    pub id: String,
    pub name: String,
    pub provider: ProviderKind,
    pub base_url: String,
    pub auth: AccountAuth,
    /// The admin email for `Emailpass`; empty otherwise.
    pub login: String,
    /// The vault key holding the credential, for `SecretKey` / `ApiKey`.
    pub credential_key_id: Option<String>,
    pub one_active_secret: bool,
    pub created_at: i64,
    pub last_sync_at: Option<i64>,
    pub last_sync_attempt_at: Option<i64>,
    /// The last failed sync's message, for people.
    pub last_sync_error: Option<String>,
    /// The last failed sync's kind, for the UI's badges.
    #[serde(default)]
    pub last_sync_failure: Option<SyncFailure>,
    pub remote_count: Option<u32>,
    /// Where an OpenBao account keeps the team's keys.
    #[serde(default)]
    pub team: Option<crate::TeamPlace>,
}

/// What kind of failure a sync ended in: `Unreachable` (no answer, a timeout) is "offline", and the
/// mirror serves meanwhile; the rest need the user (credentials, the server's own rule) or patience.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SyncFailure {
    Unreachable,
    Unauthorized,
    Refused,
    RateLimited,
    Server,
    Malformed,
    Other,
}

impl SyncFailure {
    pub fn as_str(self) -> &'static str {
        match self {
            SyncFailure::Unreachable => "unreachable",
            SyncFailure::Unauthorized => "unauthorized",
            SyncFailure::Refused => "refused",
            SyncFailure::RateLimited => "rate_limited",
            SyncFailure::Server => "server",
            SyncFailure::Malformed => "malformed",
            SyncFailure::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            SyncFailure::Unreachable,
            SyncFailure::Unauthorized,
            SyncFailure::Refused,
            SyncFailure::RateLimited,
            SyncFailure::Server,
            SyncFailure::Malformed,
            SyncFailure::Other,
        ]
        .into_iter()
        .find(|f| f.as_str() == s)
    }
}

/// How far a running sync is; the UI polls it while `sync_account` runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncProgress {
    pub fetched: u64,
    pub total: u64,
}

/// A new account as the user describes it. `secret` (password or API key) travels UI → backend only.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct NewAccount {
    pub name: String,
    pub provider: ProviderKind,
    /// Empty: the provider's default, where it has one.
    pub base_url: String,
    pub auth: AccountAuth,
    pub login: String,
    pub secret: String,
    /// For an OpenBao account: the KV v2 mount and the prefix (defaults: `secret`, `keyden`).
    #[serde(default)]
    pub team: Option<crate::TeamPlace>,
}

impl std::fmt::Debug for NewAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewAccount")
            .field("name", &self.name)
            .field("provider", &self.provider)
            .field("base_url", &self.base_url)
            .field("auth", &self.auth)
            .field("secret", &"<redacted>")
            .finish_non_exhaustive()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RemoteState {
    Present,
    /// A sync no longer found it at the provider; kept so nothing disappears silently.
    Gone,
}

impl RemoteState {
    pub fn as_str(self) -> &'static str {
        match self {
            RemoteState::Present => "present",
            RemoteState::Gone => "gone",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "present" => Some(RemoteState::Present),
            "gone" => Some(RemoteState::Gone),
            _ => None,
        }
    }
}

/// What a sync changed in the mirror.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SyncReport {
    pub account: String,
    pub remote_count: u32,
    pub added: u32,
    pub updated: u32,
    pub unchanged: u32,
    pub gone: u32,
    pub pages: u32,
    pub at: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CheckOutcome {
    /// The provider accepted the key.
    Accepted,
    /// The provider answered and refused the key (401/403, or revoked).
    Rejected,
    /// No answer worth judging: unreachable, timeout, 5xx, rate limited.
    Error,
}

impl CheckOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckOutcome::Accepted => "accepted",
            CheckOutcome::Rejected => "rejected",
            CheckOutcome::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [CheckOutcome::Accepted, CheckOutcome::Rejected, CheckOutcome::Error].into_iter().find(|o| o.as_str() == s)
    }
}

/// One recorded health check.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HealthCheck {
    pub key_id: String,
    pub at: i64,
    pub outcome: CheckOutcome,
    pub http_status: Option<u16>,
    pub latency_ms: u32,
    pub message: String,
}

/// What a key's check history (newest first) says, as both skins word it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Health {
    NeverChecked,
    /// Checked, never accepted.
    NeverAccepted,
    Working {
        last_ok: i64,
    },
    /// Accepted at `last_ok`, refused or unanswered in every check since `since`.
    Failing {
        last_ok: i64,
        since: i64,
    },
}

impl Health {
    pub fn of(checks: &[HealthCheck]) -> Health {
        if checks.is_empty() {
            return Health::NeverChecked;
        }
        let last_ok = checks.iter().find(|c| c.outcome == CheckOutcome::Accepted).map(|c| c.at);
        let failing_since = checks.iter().take_while(|c| c.outcome != CheckOutcome::Accepted).last().map(|c| c.at);
        match (last_ok, failing_since) {
            (Some(last_ok), Some(since)) => Health::Failing { last_ok, since },
            (Some(last_ok), None) => Health::Working { last_ok },
            (None, _) => Health::NeverAccepted,
        }
    }
}

/// The Shop Minis user token's clock and the API key's standing, side by side.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MinisVerification {
    pub account: String,
    /// The API key: accepted (the request went through) or rejected with this HTTP status.
    pub api_key_accepted: bool,
    pub http_status: u16,
    /// The user token: `None` when the API key was rejected (the token was never judged).
    pub token: Option<MinisTokenState>,
    pub public_id: Option<String>,
    pub user_state: Option<String>,
    pub token_expires_at: Option<i64>,
    /// The user error codes the API returned (TOKEN_EXPIRED, TOKEN_INVALID, …).
    pub user_errors: Vec<String>,
    /// Plain words: which clock ran out, and what to do.
    pub explanation: String,
    pub now: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MinisTokenState {
    Valid,
    Expired,
    Invalid,
    /// INVALID_MINI or USER_NOT_FOUND: the token is fine, the Mini or user is not.
    Refused,
}

/// A rotation's plan and what happened, step by step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RotationReport {
    pub old_key: String,
    /// The new key and its secret, shown once (the reply to the user's own rotation, like a create).
    pub created: Option<CreatedKey>,
    /// True when the one-active-key rule made Keyden revoke the old key before creating the new one.
    pub revoked_first: bool,
    /// The new key passed its check and the old one is revoked.
    pub completed: bool,
    pub steps: Vec<String>,
}

/// A key created remotely: its record and its secret, shown this once.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct CreatedKey {
    pub key: crate::KeyRecord,
    pub secret: String,
}

impl std::fmt::Debug for CreatedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreatedKey").field("key", &self.key).field("secret", &"<redacted>").finish()
    }
}

/// A reminder the app turns into a desktop notification.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reminder {
    pub key_id: String,
    pub title: String,
    pub body: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(at: i64, outcome: CheckOutcome) -> HealthCheck {
        HealthCheck { key_id: "k".into(), at, outcome, http_status: None, latency_ms: 1, message: String::new() }
    }

    #[test]
    fn health_names_when_a_key_last_worked_and_since_when_it_fails() {
        use CheckOutcome::*;
        assert_eq!(Health::of(&[]), Health::NeverChecked);
        assert_eq!(Health::of(&[check(3, Rejected), check(2, Error)]), Health::NeverAccepted);
        assert_eq!(Health::of(&[check(5, Accepted), check(4, Rejected)]), Health::Working { last_ok: 5 });
        let failing = [check(9, Rejected), check(8, Error), check(7, Accepted), check(6, Rejected)];
        assert_eq!(Health::of(&failing), Health::Failing { last_ok: 7, since: 8 });
    }
}
