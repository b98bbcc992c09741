//! A signed-in OpenBao account. The credential the user gave (a token, a password, an AppRole secret
//! id) is the account's password entry in the keyring; a login's token is its session entry. A token
//! is renewed (`renew-self`) once half its TTL has passed, and when it can no longer be
//! renewed (its max TTL reached, or it expired while Keyden was not running) the login is redone — the
//! user notices nothing. A token given as the credential cannot be re-obtained: when it dies, the
//! error says so.

use super::api::{Bao, Issued};
use crate::providers::credentials::{jwt_entry, no_credential, password_entry};
use crate::providers::{ProviderError, Providers};
use crate::secret::SecretValue;
use crate::store::{AccountRow, AccountRows};
use keyden_protocol::{Account, AccountAuth, TeamPlace};
use tokio::sync::Mutex;

/// Runs one call with the account's token; a 403 on a login's token (expired or revoked under us)
/// logs in again and retries once — a second 403 is the policy's answer. A macro, so that the futures
/// stay `Send` for Tauri's async commands.
macro_rules! with_token {
    ($session:expr, |$token:ident| $call:expr) => {{
        let session = $session;
        let $token = session.token(false).await?;
        match $call {
            Err(crate::providers::ProviderError::PermissionDenied { .. }) if session.can_login() => {
                let $token = session.token(true).await?;
                $call
            }
            Err(e @ crate::providers::ProviderError::PermissionDenied { .. }) => Err(session.explain_denied(e).await),
            other => other,
        }
    }};
}
pub(crate) use with_token;

/// A token and its (expiry, TTL), when it expires.
type Held = (SecretValue, Option<(i64, i64)>);

pub struct Session<'a> {
    pub p: &'a Providers<'a>,
    pub row: AccountRow,
    pub api: Bao<'a>,
    pub place: TeamPlace,
    /// The token in use and its expiry, once read or issued in this process.
    cached: Mutex<Option<Held>>,
}

impl<'a> Session<'a> {
    pub fn new(p: &'a Providers<'a>, row: AccountRow) -> Self {
        let a = &row.account;
        let place = a.team.clone().unwrap_or_default();
        let api = Bao::new(p.http, &a.name, &a.base_url, &place.mount);
        Session { p, cached: Mutex::new(None), api, place, row }
    }

    pub fn account(&self) -> &Account {
        &self.row.account
    }

    /// `<prefix>/<name>`: where a key lives in the mount.
    pub fn path(&self, name: &str) -> String {
        if self.place.prefix.is_empty() {
            name.to_string()
        } else {
            format!("{}/{name}", self.place.prefix.trim_matches('/'))
        }
    }

    pub fn can_login(&self) -> bool {
        matches!(self.row.account.auth, AccountAuth::Userpass | AccountAuth::Approle)
    }

    async fn credential(&self) -> Result<SecretValue, ProviderError> {
        let a = &self.row.account;
        self.p.vault.credential_get(&password_entry(&a.id)).await?.ok_or_else(|| no_credential(a))
    }

    /// Signs in with the stored credential (userpass or AppRole) and keeps the token.
    pub async fn login(&self) -> Result<Issued, ProviderError> {
        let a = &self.row.account;
        let secret = self.credential().await?;
        let issued = match a.auth {
            AccountAuth::Userpass => self.api.login_userpass(&a.login, &secret).await?,
            AccountAuth::Approle => self.api.login_approle(&a.login, &secret).await?,
            _ => self.api.lookup_self(&secret).await?,
        };
        if self.can_login() {
            let label = format!("Keyden: {} OpenBao session", a.name);
            let token = SecretValue::from_stored(issued.token.expose().into());
            self.p.vault.credential_put(&jwt_entry(&a.id), &label, token).await?;
        }
        self.remember(&issued).await?;
        tracing::debug!(account = %a.name, ttl = issued.ttl, "signed in to OpenBao");
        Ok(issued)
    }

    async fn remember(&self, issued: &Issued) -> Result<(), ProviderError> {
        let now = self.p.vault.now();
        let expires = (issued.ttl > 0).then_some((now + issued.ttl, issued.ttl));
        AccountRows(self.p.vault.database()).set_token_expiry(&self.row.account.id, expires).await?;
        *self.cached.lock().await = Some((SecretValue::from_stored(issued.token.expose().into()), expires));
        Ok(())
    }

    /// The token to send: the cached one, renewed when half its TTL is gone, or a new login.
    pub async fn token(&self, fresh: bool) -> Result<SecretValue, ProviderError> {
        let a = &self.row.account;
        if fresh {
            return Ok(self.login().await?.token);
        }
        let (token, expires) = match self.cached.lock().await.as_ref() {
            Some((t, e)) => (SecretValue::from_stored(t.expose().into()), *e),
            None => {
                let entry = if self.can_login() { jwt_entry(&a.id) } else { password_entry(&a.id) };
                match self.p.vault.credential_get(&entry).await? {
                    Some(t) => (t, self.row.token_expires),
                    None if self.can_login() => return Ok(self.login().await?.token),
                    None => return Err(no_credential(a)),
                }
            }
        };
        let now = self.p.vault.now();
        let Some((expires_at, ttl)) = expires else { return Ok(token) };
        if now < expires_at - ttl / 2 {
            return Ok(token);
        }
        if now < expires_at {
            match self.api.renew_self(&token, ttl).await {
                // Renewed for less than half the TTL: the max TTL is near; log in again instead.
                Ok(issued) if issued.ttl > ttl / 2 || !self.can_login() => {
                    self.remember(&issued).await?;
                    return Ok(issued.token);
                }
                Ok(_) => {}
                Err(e) if e.is_unasked() => return Err(e),
                // Any answer ends this token: a 403, or the HTTP 500 "past the max TTL, cannot renew"
                // OpenBao gives a token that reached its max TTL a moment before our clock says so.
                // If the server is failing for real, the login says so.
                Err(e) => tracing::debug!(account = %a.name, "renew-self refused ({e}); signing in again"),
            }
        }
        if self.can_login() {
            Ok(self.login().await?.token)
        } else {
            Ok(token)
        }
    }

    /// A 403 with a token that cannot be re-obtained: is the token dead, or the policy saying no?
    pub async fn explain_denied(&self, denied: ProviderError) -> ProviderError {
        let Ok(token) = self.token(false).await else { return denied };
        match self.api.lookup_self(&token).await {
            Err(ProviderError::PermissionDenied { service, message }) => ProviderError::Unauthorized {
                service,
                status: 403,
                message: format!("the token is expired or revoked ({message})"),
            },
            _ => denied,
        }
    }
}
