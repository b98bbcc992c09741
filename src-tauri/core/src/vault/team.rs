//! What the team vault needs of the vault: values written in place (a rotation, a newer version a
//! teammate wrote) with their fingerprint and redacted form kept in step, audited. The keyring is
//! written before the row: a process killed between the two leaves the row at the older version, and
//! the next sync writes the value again.

use super::{Vault, VaultError};
use crate::secret::SecretValue;
use crate::store::TeamRows;
use keyden_protocol::{AuditAction, KeyRecord};

/// A value this vault now holds for a key: what the row must say of it.
pub struct Stored {
    pub fingerprint: String,
    pub redacted: String,
}

impl Vault {
    /// Writes a new value for an existing key into the keyring; the caller updates the row.
    pub(crate) async fn put_value(&self, key: &KeyRecord, secret: SecretValue) -> Result<Stored, VaultError> {
        let stored = Stored { fingerprint: self.fingerprinter().await?.of(&secret), redacted: secret.redacted() };
        let (id, label) = (key.id.clone(), key.title.clone());
        self.keyring(move |s| s.put(&id, &label, &secret)).await?;
        self.forget_cached_secrets().await;
        Ok(stored)
    }

    /// A rotation of a shared key: the new value, its version at the server, audited.
    pub(crate) async fn rotate_value(
        &self,
        key: &KeyRecord,
        secret: SecretValue,
        version: u64,
        detail: &str,
    ) -> Result<(), VaultError> {
        let stored = self.put_value(key, secret).await?;
        TeamRows(&self.db).set_value(&key.id, &stored.fingerprint, &stored.redacted, version).await?;
        self.audit(key, AuditAction::Rotate, detail).await
    }

    /// A sync brought a key's metadata or value: audited as what it was.
    pub(crate) async fn audit_team(
        &self,
        key: &KeyRecord,
        action: AuditAction,
        detail: &str,
    ) -> Result<(), VaultError> {
        self.audit(key, action, detail).await
    }

    /// Whether `id` is free for a new key (a teammate's key keeps its id where it can).
    pub(crate) async fn id_free(&self, id: &str) -> Result<bool, VaultError> {
        Ok(self.rows().get(id).await?.is_none())
    }
}
