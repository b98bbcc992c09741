//! Provider accounts: a row in SQLite (URL, how to authenticate, sync state) and credentials in the
//! keyring. A Medusa admin password and the admin JWT it buys are keyring entries of their own
//! (`account:<id>:password`, `account:<id>:jwt`); a secret key or Shop Minis API key is an ordinary
//! vault key, so the vault lists it, checks it and can rotate it like any other.

use super::credentials::{jwt_entry, password_entry};
pub use super::provider::AccountSpec;
use super::provider::Verified;
use super::{ProviderError, Providers};
use crate::secret::SecretValue;
use crate::store::{AccountRow, AccountRows};
use crate::vault::NewKeyMeta;
use keyden_protocol::{Account, AccountAuth, KeyKind, ProviderKind, TeamPlace};

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
        let provider = super::registry::get(new.provider);
        provider.validate(&new)?;
        if self.accounts().find(&name).await?.is_some() {
            return Err(ProviderError::AccountExists(name));
        }
        let team = provider.info().capabilities.team.then(|| team_place(new.team.clone())).transpose()?;
        let mut account = Account {
            id: new_account_id(),
            name: name.clone(),
            provider: new.provider,
            base_url,
            auth: new.auth,
            login: if matches!(new.auth, AccountAuth::Emailpass | AccountAuth::Userpass | AccountAuth::Approle) {
                new.login.trim().to_string()
            } else {
                String::new()
            },
            credential_key_id: None,
            one_active_secret: true,
            created_at: self.vault.now(),
            last_sync_at: None,
            last_sync_attempt_at: None,
            last_sync_error: None,
            last_sync_failure: None,
            remote_count: None,
            team,
        };
        let verified =
            if verify { provider.verify_credentials(self, &account, &secret).await? } else { Verified::default() };
        if account.auth.keeps_own_credential() {
            let label = format!("Keyden: {name} ({}) {}", account.provider.label(), account.auth.as_str());
            let password = SecretValue::from_stored(secret.expose().into());
            self.vault.credential_put(&password_entry(&account.id), &label, password).await?;
            if let Some(token) = verified.session {
                let label = format!("Keyden: {name} session");
                self.vault.credential_put(&jwt_entry(&account.id), &label, token).await?;
            }
        }
        if !self.accounts().insert(&account).await? {
            self.forget_credentials(&account.id).await;
            return Err(ProviderError::AccountExists(name));
        }
        if !verified.actor.is_empty() {
            self.accounts().set_actor(&account.id, &verified.actor).await?;
        }
        if verified.session_expires.is_some() {
            self.accounts().set_token_expiry(&account.id, verified.session_expires).await?;
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

    pub(crate) async fn set_actor(&self, account_id: &str, actor: &str) -> Result<(), ProviderError> {
        Ok(self.accounts().set_actor(account_id, actor).await?)
    }
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
    if name.chars().any(keyden_protocol::text::is_format) {
        return bad("no invisible formatting characters (bidi marks, zero-width spaces)");
    }
    // One name typed two ways (é as one character or as e + accent) is one account.
    Ok(unicode_normalization::UnicodeNormalization::nfc(name).collect())
}

/// A team vault's mount and prefix: path segments of letters, digits, '-', '_' and '.', no `..`.
fn team_place(given: Option<TeamPlace>) -> Result<TeamPlace, ProviderError> {
    let defaults = TeamPlace::default();
    let given = given.unwrap_or_default();
    let pick = |v: String, d: String| if v.trim().is_empty() { d } else { v.trim().trim_matches('/').to_string() };
    let place = TeamPlace { mount: pick(given.mount, defaults.mount), prefix: pick(given.prefix, defaults.prefix) };
    for (field, v) in [("mount", &place.mount), ("prefix", &place.prefix)] {
        if !v.split('/').all(crate::providers::openbao::layout::usable_name) {
            return Err(ProviderError::InvalidInput {
                field,
                reason: format!("{v:?}: use path segments of letters, digits, '-', '_' and '.'"),
            });
        }
    }
    Ok(place)
}

/// One URL, or for a team vault several, comma-separated (the nodes of one cluster).
fn validate_url(raw: &str, provider: ProviderKind) -> Result<String, ProviderError> {
    if super::registry::get(provider).info().capabilities.team && raw.contains(',') {
        let urls: Result<Vec<String>, ProviderError> =
            raw.split(',').filter(|u| !u.trim().is_empty()).map(|u| validate_one_url(u, provider)).collect();
        return Ok(urls?.join(","));
    }
    validate_one_url(raw, provider)
}

fn validate_one_url(raw: &str, provider: ProviderKind) -> Result<String, ProviderError> {
    let raw = raw.trim();
    let default_url = super::registry::get(provider).info().default_url.unwrap_or_default();
    let raw = if raw.is_empty() { default_url.as_str() } else { raw };
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
        assert_eq!(
            validate_url("http://a:8200/, http://b:8200", ProviderKind::OpenBao).unwrap(),
            "http://a:8200,http://b:8200"
        );
        assert!(validate_url("http://a:8200,http://b:8200", ProviderKind::Medusa).is_err());
        assert!(team_place(Some(TeamPlace { mount: "secret".into(), prefix: "../x".into() })).is_err());
        assert_eq!(team_place(None).unwrap(), TeamPlace::default());
    }
}
