//! Provider accounts, sync, health checks, Shop Minis verification and rotation: the IPC types of issue 4.
//! Credentials travel UI → backend only (`NewAccount`), never back.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProviderKind {
    Medusa,
    ShopMinis,
}

impl ProviderKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderKind::Medusa => "medusa",
            ProviderKind::ShopMinis => "shop-minis",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "medusa" => Some(ProviderKind::Medusa),
            "shop-minis" => Some(ProviderKind::ShopMinis),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ProviderKind::Medusa => "Medusa",
            ProviderKind::ShopMinis => "Shop Minis",
        }
    }

    /// Where the provider's API lives unless the account says otherwise.
    pub fn default_url(self) -> Option<&'static str> {
        match self {
            ProviderKind::Medusa => None,
            ProviderKind::ShopMinis => Some("https://server.shop.app"),
        }
    }
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
}

impl AccountAuth {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountAuth::Emailpass => "emailpass",
            AccountAuth::SecretKey => "secret-key",
            AccountAuth::ApiKey => "api-key",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [AccountAuth::Emailpass, AccountAuth::SecretKey, AccountAuth::ApiKey].into_iter().find(|a| a.as_str() == s)
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
