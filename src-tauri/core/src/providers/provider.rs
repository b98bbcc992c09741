//! The provider seam: what Keyden asks of a provider, as two traits. A new provider is a file that
//! implements [`Provider`] (and, if it has an admin API for keys, [`KeyAdmin`]) plus one line in
//! [`super::registry`]. The rest of Keyden — the lifecycle, the sync, health checks, the CLI, the UI —
//! asks the registry and reads capabilities; it never tests a provider's kind.

use super::{ProviderError, Providers};
use crate::secret::SecretValue;
use crate::store::{AccountRow, MirrorKey};
use async_trait::async_trait;
use keyden_protocol::{Account, AccountAuth, CheckOutcome, KeyKind, KeyRecord, NewAccount, ProviderInfo, ProviderKind};

/// A new account as a skin describes it; its secret travels beside it as a [`SecretValue`].
#[derive(Clone, Debug)]
pub struct AccountSpec {
    pub name: String,
    pub provider: ProviderKind,
    /// Empty: the provider's default, where it has one.
    pub base_url: String,
    pub auth: AccountAuth,
    pub login: String,
    /// For a team vault: the KV v2 mount and the prefix (defaults when `None`).
    pub team: Option<keyden_protocol::TeamPlace>,
}

impl AccountSpec {
    /// Splits the wire type at the edge: its secret's bytes move into a `SecretValue` (zeroized when
    /// dropped) without a copy left behind in a `String`.
    pub fn from_wire(new: NewAccount) -> Result<(Self, SecretValue), crate::secret::SecretError> {
        let NewAccount { name, provider, base_url, auth, login, secret, team } = new;
        let secret = SecretValue::from_input(secret.into_bytes())?;
        Ok((AccountSpec { name, provider, base_url, auth, login, team }, secret))
    }
}

/// What adding an account learned from trying its credentials.
#[derive(Default)]
pub struct Verified {
    /// A session token to keep in the keyring beside the account's password (Medusa's admin JWT).
    pub session: Option<SecretValue>,
    /// The remote user Keyden acts as (the owner of the keys it creates), when the provider says.
    pub actor: String,
    /// When the session token expires and its TTL (Unix seconds, seconds), when it does.
    pub session_expires: Option<(i64, i64)>,
}

/// A health check's answer: the outcome, the HTTP status it was read from, and a few words.
pub type CheckAnswer = (CheckOutcome, Option<u16>, String);

/// A key's standing from an HTTP status: 2xx accepted, 401/403 refused, anything else says nothing.
pub fn judged(status: u16) -> CheckAnswer {
    match status {
        200..=299 => (CheckOutcome::Accepted, Some(status), "accepted".to_string()),
        401 | 403 => (CheckOutcome::Rejected, Some(status), "the provider refused the key".to_string()),
        s => (CheckOutcome::Error, Some(s), format!("unexpected answer (HTTP {s})")),
    }
}

/// A provider's timestamp in RFC 3339 ("2026-11-21T23:43:42.965Z") as Unix seconds.
pub fn parse_time(s: &str) -> Option<i64> {
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok().map(|t| t.unix_timestamp())
}

#[async_trait]
pub trait Provider: Send + Sync {
    /// Its facts: name, default URL, ways to sign in, key types it creates, capabilities.
    fn info(&self) -> ProviderInfo;

    /// Checks how the user means to sign in before anything is stored: the method must be one of
    /// [`ProviderInfo::auth_methods`], and a method with a login needs one.
    fn validate(&self, spec: &AccountSpec) -> Result<(), ProviderError> {
        let info = self.info();
        let Some(method) = info.auth_methods.iter().find(|m| m.auth == spec.auth) else {
            return Err(ProviderError::InvalidInput {
                field: "auth",
                reason: format!("{} accounts do not use {}", spec.provider.label(), spec.auth.as_str()),
            });
        };
        match &method.login_label {
            Some(label) if spec.login.trim().is_empty() => Err(ProviderError::InvalidInput {
                field: "login",
                reason: format!("{label} is required for {}", method.label.to_lowercase()),
            }),
            _ => Ok(()),
        }
    }

    /// Tries the credentials against the server (adding an account with a connection test).
    async fn verify_credentials(
        &self,
        p: &Providers<'_>,
        account: &Account,
        secret: &SecretValue,
    ) -> Result<Verified, ProviderError>;

    /// The provider's admin API for keys, signed in as the account; `None` when it has none.
    async fn key_admin<'a>(
        &self,
        _p: &'a Providers<'a>,
        _row: AccountRow,
    ) -> Result<Option<Box<dyn KeyAdmin + 'a>>, ProviderError> {
        Ok(None)
    }

    /// Asks whether the provider still accepts `key`; `None` when it has no way to tell for this key
    /// (the generic probe may still have one).
    async fn check(&self, _p: &Providers<'_>, _key: &KeyRecord) -> Option<Result<CheckAnswer, ProviderError>> {
        None
    }
}

/// A provider's admin API for keys, signed in. Remote keys come back in the mirror's own shape.
#[async_trait]
pub trait KeyAdmin: Send + Sync {
    fn account(&self) -> &Account;
    /// "Medusa 'shop' at http://…", for messages.
    fn service(&self) -> &str;
    /// One page of the account's keys, and how many there are in all.
    async fn list_page(&self, offset: u64, limit: u64) -> Result<(Vec<MirrorKey>, u64), ProviderError>;
    async fn get(&self, remote_id: &str) -> Result<Option<MirrorKey>, ProviderError>;
    /// Creates a key; its secret is in the answer, the one time the provider shows it.
    async fn create(&self, title: &str, kind: KeyKind) -> Result<(MirrorKey, SecretValue), ProviderError>;
    async fn update_title(&self, remote_id: &str, title: &str) -> Result<(), ProviderError>;
    async fn revoke(&self, remote_id: &str) -> Result<(), ProviderError>;
    async fn delete(&self, remote_id: &str) -> Result<(), ProviderError>;
    /// The remote user Keyden acts as, when known (the owner of the keys it creates).
    async fn actor(&self) -> String;
}
