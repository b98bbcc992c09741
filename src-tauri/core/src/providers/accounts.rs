//! Provider accounts: a row in SQLite (URL, how to authenticate, sync state) and credentials in the
//! keyring. A Medusa admin password and the admin JWT it buys are keyring entries of their own
//! (`account:<id>:password`, `account:<id>:jwt`); a secret key or Shop Minis API key is an ordinary
//! vault key, so the vault lists it, checks it and can rotate it like any other.

use super::medusa::{Credential, MedusaApi, Page, RemoteKey};
use super::minis::MinisApi;
use super::{ProviderError, Providers};
use crate::secret::SecretValue;
use crate::store::{AccountRow, AccountRows};
use crate::vault::NewKeyMeta;
use keyden_protocol::{Account, AccountAuth, KeyKind, NewAccount, ProviderKind};

/// A JWT this close to its expiry is renewed before use rather than sent and refused.
const JWT_RENEW_MARGIN: i64 = 10;

fn password_entry(account_id: &str) -> String {
    format!("account:{account_id}:password")
}

fn jwt_entry(account_id: &str) -> String {
    format!("account:{account_id}:jwt")
}

/// A new account as a skin describes it; its secret travels beside it as a [`SecretValue`].
#[derive(Clone, Debug)]
pub struct AccountSpec {
    pub name: String,
    pub provider: ProviderKind,
    /// Empty: the provider's default, where it has one.
    pub base_url: String,
    pub auth: AccountAuth,
    pub login: String,
}

impl AccountSpec {
    /// Splits the wire type at the edge: its secret's bytes move into a `SecretValue` (zeroized when
    /// dropped) without a copy left behind in a `String`.
    pub fn from_wire(new: NewAccount) -> Result<(Self, SecretValue), crate::secret::SecretError> {
        let NewAccount { name, provider, base_url, auth, login, secret } = new;
        let secret = SecretValue::from_input(secret.into_bytes())?;
        Ok((AccountSpec { name, provider, base_url, auth, login }, secret))
    }
}

impl Providers<'_> {
    fn accounts(&self) -> AccountRows<'_> {
        AccountRows(self.vault.database())
    }

    pub async fn list_accounts(&self) -> Result<Vec<Account>, ProviderError> {
        Ok(self.accounts().list().await?.into_iter().map(|r| r.account).collect())
    }

    pub async fn account(&self, name: &str) -> Result<AccountRow, ProviderError> {
        self.accounts().find(name.trim()).await?.ok_or_else(|| ProviderError::AccountNotFound(name.trim().into()))
    }

    /// Adds an account. With `verify`, the credentials are tried against the server first, so a typo
    /// in the URL or password is caught now rather than at the first sync.
    pub async fn add_account(
        &self,
        new: AccountSpec,
        secret: SecretValue,
        verify: bool,
    ) -> Result<Account, ProviderError> {
        let name = validate_name(&new.name)?;
        let base_url = validate_url(&new.base_url, new.provider)?;
        match (new.provider, new.auth) {
            (ProviderKind::Medusa, AccountAuth::Emailpass) if new.login.trim().is_empty() => {
                return Err(ProviderError::InvalidInput {
                    field: "email",
                    reason: "required for a Medusa login".into(),
                })
            }
            (ProviderKind::Medusa, AccountAuth::Emailpass | AccountAuth::SecretKey)
            | (ProviderKind::ShopMinis, AccountAuth::ApiKey) => {}
            (provider, auth) => {
                return Err(ProviderError::InvalidInput {
                    field: "auth",
                    reason: format!("{} accounts do not use {}", provider.label(), auth.as_str()),
                })
            }
        }
        if self.accounts().find(&name).await?.is_some() {
            return Err(ProviderError::AccountExists(name));
        }
        let mut account = Account {
            id: new_account_id(),
            name: name.clone(),
            provider: new.provider,
            base_url,
            auth: new.auth,
            login: if new.auth == AccountAuth::Emailpass { new.login.trim().to_string() } else { String::new() },
            credential_key_id: None,
            one_active_secret: true,
            created_at: self.vault.now(),
            last_sync_at: None,
            last_sync_attempt_at: None,
            last_sync_error: None,
            last_sync_failure: None,
            remote_count: None,
        };
        let mut actor = String::new();
        let mut jwt = None;
        if verify {
            match account.auth {
                AccountAuth::Emailpass => {
                    let token = self.medusa_api(&account).login(&account.login, &secret).await?;
                    actor = jwt_claims(&token).1;
                    jwt = Some(token);
                }
                AccountAuth::SecretKey => {
                    let api = self.medusa_api(&account);
                    let answer =
                        api.probe(&Credential::Basic(SecretValue::from_stored(secret.expose().into()))).await?;
                    if !answer.is_success() {
                        return Err(api.fail(&answer));
                    }
                }
                AccountAuth::ApiKey => {
                    let probe = self.minis_api(&account).probe(&secret).await?;
                    if !probe.accepted {
                        return Err(ProviderError::Unauthorized {
                            service: self.minis_api(&account).service,
                            status: probe.status,
                            message: "the API key was rejected".into(),
                        });
                    }
                }
            }
        }
        if account.auth == AccountAuth::Emailpass {
            let label = format!("Keyden: {name} ({}) password", account.provider.label());
            let password = SecretValue::from_stored(secret.expose().into());
            self.vault.credential_put(&password_entry(&account.id), &label, password).await?;
            if let Some(token) = jwt {
                let label = format!("Keyden: {name} admin session");
                self.vault.credential_put(&jwt_entry(&account.id), &label, token).await?;
            }
        }
        if !self.accounts().insert(&account).await? {
            self.forget_credentials(&account.id).await;
            return Err(ProviderError::AccountExists(name));
        }
        if !actor.is_empty() {
            self.accounts().set_actor(&account.id, &actor).await?;
        }
        if matches!(account.auth, AccountAuth::SecretKey | AccountAuth::ApiKey) {
            let meta = NewKeyMeta {
                title: format!("{name} {}", if account.auth == AccountAuth::ApiKey { "API key" } else { "secret key" }),
                provider: account.provider.as_str().into(),
                account: name.clone(),
                kind: Some(KeyKind::Secret),
                notes: format!("The credential of the {} account '{name}'.", account.provider.label()),
                ..Default::default()
            };
            match self.vault.add(meta, secret).await {
                Ok(key) => {
                    self.accounts().set_credential_key(&account.id, &key.id).await?;
                    account.credential_key_id = Some(key.id);
                }
                Err(e) => {
                    self.accounts().remove(&account.id).await?;
                    return Err(e.into());
                }
            }
        }
        Ok(account)
    }

    /// Removes the account and its own keyring entries. Its keys stay in the vault (as local keys: the
    /// mirror keeps what it knew), and so does a credential key, which the user may still need.
    pub async fn remove_account(&self, name: &str) -> Result<Account, ProviderError> {
        let row = self.account(name).await?;
        self.forget_credentials(&row.account.id).await;
        self.accounts().remove(&row.account.id).await?;
        Ok(row.account)
    }

    async fn forget_credentials(&self, account_id: &str) {
        for entry in [password_entry(account_id), jwt_entry(account_id)] {
            if let Err(e) = self.vault.credential_remove(&entry).await {
                tracing::warn!(account_id, "could not remove a keyring entry: {e}");
            }
        }
    }

    pub(crate) fn medusa_api(&self, account: &Account) -> MedusaApi<'_> {
        MedusaApi::new(self.http, &account.base_url, &account.name)
    }

    pub(crate) fn minis_api(&self, account: &Account) -> MinisApi<'_> {
        MinisApi::new(self.http, &account.base_url, &account.name)
    }

    /// A signed-in view of a Medusa account.
    pub async fn medusa(&self, name: &str) -> Result<Session<'_>, ProviderError> {
        let row = self.account(name).await?;
        if row.account.provider != ProviderKind::Medusa {
            return Err(ProviderError::InvalidInput {
                field: "account",
                reason: format!("'{}' is a {} account, not Medusa", row.account.name, row.account.provider.label()),
            });
        }
        Ok(Session { p: self, api: self.medusa_api(&row.account), row })
    }

    /// The API key of a Shop Minis account (a vault key).
    pub(crate) async fn minis_key(&self, row: &AccountRow) -> Result<SecretValue, ProviderError> {
        let id = row.account.credential_key_id.as_deref().ok_or_else(|| no_credential(&row.account))?;
        self.vault.credential_get(id).await?.ok_or_else(|| no_credential(&row.account))
    }

    pub(crate) async fn set_actor(&self, account_id: &str, actor: &str) -> Result<(), ProviderError> {
        Ok(self.accounts().set_actor(account_id, actor).await?)
    }
}

fn no_credential(a: &Account) -> ProviderError {
    ProviderError::Vault(crate::vault::VaultError::SecretMissing(format!("{} credential", a.name)))
}

/// Runs one Admin API call with the account's credential; a 401 on a cached admin JWT (expired early,
/// or revoked) logs in again and retries once — a second 401 is a real refusal. A macro rather than a
/// closure-taking method, so the futures stay `Send` for Tauri's async commands.
macro_rules! with_session {
    ($session:ident, |$api:ident, $cred:ident| $call:expr) => {{
        let $api = &$session.api;
        let $cred = $session.credential(false).await?;
        match $call {
            Err(ProviderError::Unauthorized { .. }) if $session.renewable() => {
                let $cred = $session.credential(true).await?;
                $call
            }
            other => other,
        }
    }};
}

/// A Medusa account with its credential at hand: renews an expired admin JWT without the caller
/// noticing (once per call: a second 401 is a real refusal).
pub struct Session<'a> {
    pub p: &'a Providers<'a>,
    pub row: AccountRow,
    pub api: MedusaApi<'a>,
}

impl Session<'_> {
    pub fn account(&self) -> &Account {
        &self.row.account
    }

    async fn credential(&self, renew: bool) -> Result<Credential, ProviderError> {
        let a = &self.row.account;
        match a.auth {
            AccountAuth::SecretKey => {
                let id = a.credential_key_id.as_deref().ok_or_else(|| no_credential(a))?;
                let key = self.p.vault.credential_get(id).await?.ok_or_else(|| no_credential(a))?;
                Ok(Credential::Basic(key))
            }
            AccountAuth::Emailpass => {
                if !renew {
                    if let Some(jwt) = self.p.vault.credential_get(&jwt_entry(&a.id)).await? {
                        if jwt_claims(&jwt).0.is_none_or(|exp| exp > self.p.vault.now() + JWT_RENEW_MARGIN) {
                            return Ok(Credential::Bearer(jwt));
                        }
                    }
                }
                let password =
                    self.p.vault.credential_get(&password_entry(&a.id)).await?.ok_or_else(|| no_credential(a))?;
                let jwt = self.api.login(&a.login, &password).await?;
                let actor = jwt_claims(&jwt).1;
                if !actor.is_empty() && actor != self.row.actor {
                    self.p.set_actor(&a.id, &actor).await?;
                }
                let label = format!("Keyden: {} admin session", a.name);
                self.p
                    .vault
                    .credential_put(&jwt_entry(&a.id), &label, SecretValue::from_stored(jwt.expose().into()))
                    .await?;
                tracing::debug!(account = %a.name, "admin session renewed");
                Ok(Credential::Bearer(jwt))
            }
            AccountAuth::ApiKey => Err(ProviderError::InvalidInput {
                field: "account",
                reason: "a Shop Minis account has no Medusa session".into(),
            }),
        }
    }

    fn renewable(&self) -> bool {
        self.row.account.auth == AccountAuth::Emailpass
    }

    pub async fn list(&self, offset: u64, limit: u64) -> Result<Page, ProviderError> {
        with_session!(self, |api, cred| api.list(&cred, offset, limit).await)
    }

    pub async fn get(&self, id: &str) -> Result<Option<RemoteKey>, ProviderError> {
        with_session!(self, |api, cred| api.get(&cred, id).await)
    }

    pub async fn create(&self, title: &str, kind: &str) -> Result<(RemoteKey, SecretValue), ProviderError> {
        with_session!(self, |api, cred| api.create(&cred, title, kind).await)
    }

    pub async fn update_title(&self, id: &str, title: &str) -> Result<(), ProviderError> {
        with_session!(self, |api, cred| api.update_title(&cred, id, title).await)
    }

    pub async fn revoke(&self, id: &str) -> Result<(), ProviderError> {
        with_session!(self, |api, cred| api.revoke(&cred, id).await)
    }

    pub async fn delete(&self, id: &str) -> Result<(), ProviderError> {
        with_session!(self, |api, cred| api.delete(&cred, id).await)
    }

    /// The remote user Keyden acts as, when known (owner of the keys it creates).
    pub async fn actor(&self) -> String {
        if self.row.account.auth == AccountAuth::Emailpass {
            if let Ok(Some(jwt)) = self.p.vault.credential_get(&jwt_entry(&self.row.account.id)).await {
                let actor = jwt_claims(&jwt).1;
                if !actor.is_empty() {
                    return actor;
                }
            }
        }
        self.row.actor.clone()
    }
}

/// `exp` and `actor_id` from a Medusa admin JWT's payload (read, not verified: it is Keyden's own
/// session token, used only to decide when to renew it).
fn jwt_claims(jwt: &SecretValue) -> (Option<i64>, String) {
    use base64::Engine;
    let payload = jwt.expose().split('.').nth(1).unwrap_or_default();
    let claims: serde_json::Value = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    let exp = claims.get("exp").and_then(|v| v.as_i64());
    let actor = claims.get("actor_id").and_then(|v| v.as_str()).unwrap_or_default().to_string();
    (exp, actor)
}

fn validate_name(name: &str) -> Result<String, ProviderError> {
    let name = name.trim();
    let bad = |reason: &str| Err(ProviderError::InvalidInput { field: "name", reason: reason.into() });
    if name.is_empty() {
        return bad("an account needs a name");
    }
    if name.chars().count() > 100 {
        return bad("at most 100 characters");
    }
    if name.chars().any(char::is_control) {
        return bad("no control characters (newlines, tabs)");
    }
    Ok(name.to_string())
}

fn validate_url(raw: &str, provider: ProviderKind) -> Result<String, ProviderError> {
    let raw = raw.trim();
    let raw = if raw.is_empty() { provider.default_url().unwrap_or_default() } else { raw };
    let bad = |reason: String| Err(ProviderError::InvalidInput { field: "url", reason });
    if raw.is_empty() {
        return bad(format!("{} accounts need the server's URL (e.g. http://localhost:9000)", provider.label()));
    }
    let url = match reqwest::Url::parse(raw) {
        Ok(u) => u,
        Err(e) => return bad(format!("{raw:?} is not a URL: {e}")),
    };
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return bad(format!("{raw:?}: only http:// and https:// URLs"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return bad("put credentials in their own field, not in the URL".into());
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

fn new_account_id() -> String {
    let mut bytes = [0u8; 8];
    getrandom::getrandom(&mut bytes).expect("the OS random source failed");
    format!("acc_{}", hex::encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_checked_and_normalised() {
        assert_eq!(validate_url("http://127.0.0.1:9000/", ProviderKind::Medusa).unwrap(), "http://127.0.0.1:9000");
        assert_eq!(validate_url("", ProviderKind::ShopMinis).unwrap(), "https://server.shop.app");
        assert!(validate_url("", ProviderKind::Medusa).is_err());
        assert!(validate_url("ftp://x", ProviderKind::Medusa).is_err());
        assert!(validate_url("http://u:p@host", ProviderKind::Medusa).is_err());
        assert!(validate_url("not a url", ProviderKind::Medusa).is_err());
    }

    #[test]
    fn session_claims_are_read_from_the_payload() {
        let jwt = SecretValue::from_stored("e30.eyJleHAiOjQyLCJhY3Rvcl9pZCI6InVzZXJfMSJ9.sig".into());
        assert_eq!(jwt_claims(&jwt), (Some(42), "user_1".into()));
        assert_eq!(jwt_claims(&SecretValue::from_stored("garbage".into())), (None, String::new()));
    }
}
