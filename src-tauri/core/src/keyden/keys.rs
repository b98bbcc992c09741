//! The key lifecycle as both skins call it. Edit, revoke and delete go through the providers layer,
//! so a linked key changes at its provider first; no skin can reach the vault's local-only versions.

use super::Keyden;
use crate::providers::ProviderError;
use crate::secret::SecretValue;
use crate::secret_store::SecretRead;
use crate::vault::{NewKeyMeta, Use, VaultError};
use keyden_protocol::{KeyDetail, KeyEdit, KeyList, KeyQuery, KeyRecord, SyncReport};

impl Keyden {
    /// Stores a new key: the value in the keyring, the metadata in SQLite.
    pub async fn add_key(&self, meta: NewKeyMeta, secret: SecretValue) -> Result<KeyRecord, VaultError> {
        self.vault().await?.add(meta, secret).await
    }

    pub async fn list_keys(&self, query: &KeyQuery) -> Result<KeyList, VaultError> {
        self.vault().await?.list(query).await
    }

    /// The keys a query matches, without the total and filter menus of [`list_keys`](Self::list_keys).
    pub async fn matching_keys(&self, query: &KeyQuery) -> Result<Vec<KeyRecord>, VaultError> {
        self.vault().await?.keys(query).await
    }

    pub async fn key_detail(&self, name: &str) -> Result<KeyDetail, VaultError> {
        self.vault().await?.detail(name).await
    }

    pub async fn edit_key(&self, name: &str, edit: KeyEdit) -> Result<KeyRecord, ProviderError> {
        self.providers().await?.edit_key(name, edit).await
    }

    /// Final: at the provider first for a linked key, then here.
    pub async fn revoke_key(&self, name: &str) -> Result<KeyRecord, ProviderError> {
        self.providers().await?.revoke_key(name).await
    }

    /// Only a revoked key; its keyring entry goes too.
    pub async fn delete_key(&self, name: &str) -> Result<KeyRecord, ProviderError> {
        self.providers().await?.delete_key(name).await
    }

    /// Whether `candidate` (what the clipboard holds now) is `name`'s value: compared by keyed
    /// fingerprint, so no value is read from the keyring to answer. A skin asks before a revoke or a
    /// delete, to clear a copy of a key that is about to stop being usable.
    pub async fn is_value_of(&self, name: &str, candidate: &str) -> Result<bool, VaultError> {
        let vault = self.vault().await?;
        let key = vault.resolve(name).await?;
        let Ok(candidate) = SecretValue::from_input(candidate.as_bytes().to_vec()) else { return Ok(false) };
        Ok(vault.find_by_value(&candidate).await?.iter().any(|k| k.id == key.id))
    }

    /// A key's value for one audited purpose (reveal, copy, inject): never for a revoked key.
    pub async fn use_secret(
        &self,
        name: &str,
        purpose: Use,
        detail: &str,
    ) -> Result<(KeyRecord, SecretValue), VaultError> {
        let vault = self.vault().await?;
        let early = self.take_read_ahead(name).await;
        vault.use_secret_read_early(name, purpose, detail, early).await
    }

    /// Starts reading the value of the key `name` from the keyring while the vault opens, when `name`
    /// is a key id (a `get` in a script, a `keyden://` reference): the keyring's D-Bus round trips and
    /// SQLite's opening then overlap instead of adding up. [`use_secret`](Self::use_secret) hands the
    /// value out only after the vault has checked the key, exactly as without it; a value nobody asks
    /// for is wiped when dropped. Needs a Tokio runtime.
    pub fn read_ahead(&self, name: &str) {
        if !crate::vault::is_key_id(name) {
            return;
        }
        let (store, id) = (self.keyring.clone(), name.to_string());
        let task = tokio::task::spawn_blocking(move || store.get(&id));
        *self.read_ahead.lock().unwrap_or_else(|e| e.into_inner()) = Some((name.to_string(), task));
    }

    /// What [`read_ahead`](Self::read_ahead) read for `name`: the value, none, or the keyring's error.
    async fn take_read_ahead(&self, name: &str) -> Option<(String, SecretRead)> {
        let (id, task) = self.read_ahead.lock().unwrap_or_else(|e| e.into_inner()).take()?;
        if id != name {
            return None; // dropped: a value, once read, is wiped with it
        }
        // A read that panicked is left for the ordinary read to meet again.
        task.await.ok().map(|read| (id, read))
    }

    /// Mirrors an account's keys; `progress(fetched, total)` after each page.
    pub async fn sync(&self, account: &str, progress: impl Fn(u64, u64)) -> Result<SyncReport, ProviderError> {
        self.providers().await?.sync(account, progress).await
    }
}
